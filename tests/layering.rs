//! The one-way imports ARCHITECTURE.md promises, checked on the source:
//! a phase names only the phases before it, and the command line is
//! private behind `planc::cli::main`.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/<folder>`, sorted.
fn sources(folder: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(folder)];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("a source folder") {
            let path = entry.expect("a readable entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Each line of `folder`'s sources that names one of `later` phases.
fn uses_of(folder: &str, later: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in sources(folder) {
        let text = std::fs::read_to_string(&file).expect("a readable source");
        for (n, line) in text.lines().enumerate() {
            if later
                .iter()
                .any(|phase| line.contains(&format!("{phase}::")))
            {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn schedule_and_render_see_only_the_checked_model() {
    let mut found = uses_of("schedule", &["syntax", "crate::render", "crate::cli"]);
    found.extend(uses_of("render", &["syntax", "crate::cli"]));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn check_never_names_a_later_phase() {
    let found = uses_of("check", &["crate::schedule", "crate::render", "crate::cli"]);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_command_line_shows_only_main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli/mod.rs");
    let text = std::fs::read_to_string(root).expect("src/cli/mod.rs");
    let public: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("pub ") || l.starts_with("pub use"))
        .collect();
    assert_eq!(public, ["pub fn main() -> ExitCode {"]);
}

/// The modules of single commands (`planc diff`, `import`, `lsp`,
/// `simulate`) that exist in this tree.
fn command_modules() -> Vec<&'static str> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    ["diff", "interchange", "lsp", "simulate"]
        .into_iter()
        .filter(|m| src.join(m).is_dir())
        .collect()
}

#[test]
fn command_modules_are_used_only_by_the_command_line() {
    let commands = command_modules();
    assert!(commands.contains(&"diff"), "src/diff/ is a command module");
    let names: Vec<String> = commands.iter().map(|m| format!("crate::{m}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut found = Vec::new();
    for phase in ["syntax", "check", "schedule", "render", "fmt"] {
        found.extend(uses_of(phase, &names));
    }
    for command in &commands {
        found.extend(uses_of(command, &["crate::cli"]));
        let others: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| *n != format!("crate::{command}"))
            .collect();
        found.extend(uses_of(command, &others));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The language server sits beside the pipeline: only the command line
/// starts it, no phase names it, and it names no command.
#[test]
fn the_language_server_is_used_only_by_the_command_line() {
    let mut found = Vec::new();
    for phase in ["syntax", "check", "schedule", "render", "fmt", "diff"] {
        found.extend(uses_of(phase, &["lsp"]));
    }
    found.extend(uses_of("lsp", &["crate::cli"]));
    assert!(found.is_empty(), "{}", found.join("\n"));
    let cli: Vec<String> = uses_of("cli", &["crate::lsp"]);
    assert_eq!(cli.len(), 1, "{cli:?}");
    assert!(cli[0].contains("src/cli/lsp.rs"), "{cli:?}");
}

/// `simulate` sits beside the pipeline: it uses the pipeline's public
/// types and is used only by the command line; it never reads the syntax
/// tree.
#[test]
fn simulate_is_used_only_by_the_command_line() {
    let mut found = uses_of(
        "simulate",
        &["syntax", "crate::cli", "crate::diff", "crate::fmt"],
    );
    for phase in ["syntax", "check", "schedule", "render", "diff", "fmt"] {
        found.extend(uses_of(phase, &["simulate::"]));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The MS Project XML reader writes plan text and lets `planc check` and
/// the scheduler judge it: it never reaches into the phases itself.
#[test]
fn the_ms_project_reader_writes_only_plan_text() {
    let found = uses_of(
        "interchange/mspdi",
        &[
            "crate::check",
            "crate::schedule",
            "crate::render",
            "crate::cli",
        ],
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}
