//! Golden tests for diagnostics.
//!
//! Every case under `tests/diagnostics/` is a small plan that triggers one
//! diagnostic situation:
//!
//! - `tests/diagnostics/NAME.plan` is a case of its own;
//! - `tests/diagnostics/NAME/` is a case whose root is `NAME/main.plan`, or
//!   `NAME/sub/main.plan` when the case needs a file outside the root's
//!   folder (`include_outside`); the other files in it are only included.
//!
//! Each case is loaded from disk with `planc::load`, checked with
//! `planc::check`, and every diagnostic is rendered with `Diagnostic::to_plain`.
//! The text is compared with `tests/diagnostics/snapshots/NAME.snap`.
//!
//! To accept changed output: `INSTA_UPDATE=always cargo test --test
//! diagnostics` (or `cargo insta review`), then read every changed `.snap`
//! before keeping it.
//!
//! Codes E05xx/W05xx belong to the scheduler: a case named `schedule_*`
//! is also scheduled (`planc::compile`, like `planc build`), and one named
//! `schedule_no_level_*` without resource limits (`--no-level`).

use planc::diagnostic::{codes, summary};
use planc::LoadOptions;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Once;

/// The case folder, relative to the package root.
const CASES: &str = "tests/diagnostics";
/// Where insta keeps the snapshots, relative to this file.
const SNAPSHOTS: &str = "diagnostics/snapshots";
/// Codes in `codes::ALL` that no phase emits yet. Each entry is a known gap
/// in `src/`; the coverage test fails when one of them starts to be emitted,
/// so that it is removed from here and gets a snapshot case.
const NOT_EMITTED_YET: &[&str] = &[];

/// One golden case: its name (the snapshot's name) and its root plan,
/// relative to the package root.
#[derive(Debug)]
struct Case {
    name: String,
    root: PathBuf,
}

/// Runs every test from the package root, so that file names in messages
/// are relative (`tests/diagnostics/x.plan`).
fn at_package_root() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_current_dir(env!("CARGO_MANIFEST_DIR"))
            .expect("cannot enter the package root");
    });
}

/// Every case, sorted by name.
fn cases() -> Vec<Case> {
    at_package_root();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(CASES)
        .expect("tests/diagnostics exists")
        .map(|e| e.expect("readable directory entry").path())
        .collect();
    entries.sort();
    let mut cases = Vec::new();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("case names are UTF-8")
            .to_string();
        if path.is_dir() {
            if name == "snapshots" {
                continue;
            }
            let root = [path.join("main.plan"), path.join("sub").join("main.plan")]
                .into_iter()
                .find(|p| p.is_file())
                .unwrap_or_else(|| {
                    panic!(
                        "case folder `{}` has no main.plan or sub/main.plan",
                        path.display()
                    )
                });
            cases.push(Case { name, root });
        } else if let Some(stem) = name.strip_suffix(".plan") {
            cases.push(Case {
                name: stem.to_string(),
                root: path,
            });
        }
    }
    assert!(
        cases.len() > 40,
        "expected the golden cases under {CASES}, found {}",
        cases.len()
    );
    cases
}

/// Load options of a case: the defaults, except for the cases that test the
/// limits (which are too big to commit at their real size).
fn options_for(case: &str) -> LoadOptions {
    match case {
        "too_large_file" => LoadOptions {
            max_file_bytes: 64,
            ..LoadOptions::default()
        },
        "too_many_files" => LoadOptions {
            max_files: 3,
            ..LoadOptions::default()
        },
        _ => LoadOptions::default(),
    }
}

/// Loads, checks and renders one case as `Diagnostic::to_plain` text, one
/// diagnostic after another, then the summary line.
fn render(case: &Case) -> String {
    let loaded = planc::load(&case.root, &options_for(&case.name))
        .unwrap_or_else(|e| panic!("case `{}` cannot be loaded: {e}", case.name));
    let diagnostics = if let Some(rest) = case.name.strip_prefix("schedule_") {
        let options = planc::schedule::Options {
            level: !rest.starts_with("no_level_"),
            ..planc::schedule::Options::default()
        };
        planc::compile(&loaded, &options).diagnostics
    } else {
        planc::check(&loaded).diagnostics
    };
    let mut out = String::new();
    for d in diagnostics.iter() {
        out.push_str(&d.to_plain(&loaded.sources));
        out.push('\n');
    }
    out.push_str(&summary(
        diagnostics.error_count(),
        diagnostics.warning_count(),
    ));
    out.push('\n');
    relative(&out)
}

/// Removes the package root from absolute paths in messages (the help of
/// a missing include names the path it looked for).
fn relative(text: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = text.to_string();
    let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    for prefix in [canonical.as_path(), root] {
        out = out.replace(
            &format!("{}{}", prefix.display(), std::path::MAIN_SEPARATOR),
            "",
        );
    }
    out
}

fn snapshot_settings(case: &Case) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(SNAPSHOTS);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(&case.root);
    settings
}

#[test]
fn golden_cases() {
    let mut failed = Vec::new();
    for case in cases() {
        let text = render(&case);
        let outcome = std::panic::catch_unwind(|| {
            snapshot_settings(&case).bind(|| insta::assert_snapshot!(case.name.as_str(), text));
        });
        if outcome.is_err() {
            failed.push(case.name);
        }
    }
    assert!(
        failed.is_empty(),
        "snapshots differ for: {}",
        failed.join(", ")
    );
}

/// Codes that appear in a rendered text as `error[CODE]` or `warning[CODE]`.
fn codes_in(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        for prefix in ["error[", "warning["] {
            if let Some(rest) = line.strip_prefix(prefix) {
                if let Some(end) = rest.find(']') {
                    found.insert(rest[..end].to_string());
                }
            }
        }
    }
    found
}

fn is_scheduler_code(code: &str) -> bool {
    code.starts_with("E05") || code.starts_with("W05")
}

#[test]
fn codes_are_unique_and_well_formed() {
    let mut seen = BTreeSet::new();
    for code in codes::ALL {
        assert!(
            seen.insert(code.0),
            "code {} is listed twice in codes::ALL",
            code.0
        );
        let (letter, digits) = code.0.split_at(1);
        assert!(
            matches!(letter, "E" | "W")
                && digits.len() == 4
                && digits.chars().all(|c| c.is_ascii_digit()),
            "code {} is not of the form E0000 or W0000",
            code.0
        );
    }
}

/// `## E0201: unknown name` headings of docs/diagnostics.md, by code.
fn documented_codes() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.md");
    let text = std::fs::read_to_string(&path).expect("docs/diagnostics.md exists");
    text.lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter_map(|h| h.split(':').next())
        .map(|c| c.trim().to_string())
        .filter(|c| c.len() == 5 && (c.starts_with('E') || c.starts_with('W')))
        .collect()
}

#[test]
fn every_code_is_documented() {
    let documented = documented_codes();
    let missing: Vec<&str> = codes::ALL
        .iter()
        .map(|c| c.0)
        .filter(|c| !documented.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/diagnostics.md has no `## CODE: name` heading for {missing:?}"
    );
    let known: BTreeSet<&str> = codes::ALL.iter().map(|c| c.0).collect();
    let stale: Vec<&String> = documented
        .iter()
        .filter(|c| !known.contains(c.as_str()))
        .collect();
    assert!(
        stale.is_empty(),
        "docs/diagnostics.md documents codes that are not in codes::ALL: {stale:?}"
    );
}

/// The rendered outputs kept as snapshots: the golden cases above and the
/// generated ones below (`too_many_tasks`).
fn snapshot_texts() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(CASES)
        .join("snapshots");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/diagnostics/snapshots exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "snap"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable snapshot");
            (p.display().to_string(), text)
        })
        .collect()
}

/// Every message docs/diagnostics.md quotes from a golden case is still
/// what planc prints: each diagnostic in a ```text block must appear word
/// for word in a snapshot. Blocks about `office.plan` show scheduler
/// messages that have no golden case (`schedule_*` cases have).
#[test]
fn messages_in_the_docs_match_the_snapshots() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.md");
    let docs = std::fs::read_to_string(&path).expect("docs/diagnostics.md exists");
    let snapshots = snapshot_texts();
    let mut blocks = Vec::new();
    let mut lines = docs.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "```text" {
            let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            blocks.push(block.join("\n"));
        }
    }
    let mut checked = 0;
    let mut stale = Vec::new();
    for block in blocks {
        if !(block.starts_with("error[") || block.starts_with("warning["))
            || block.contains("office.plan")
        {
            continue;
        }
        for diagnostic in split_diagnostics(&block) {
            checked += 1;
            if !snapshots.iter().any(|(_, text)| text.contains(&diagnostic)) {
                stale.push(diagnostic);
            }
        }
    }
    assert!(
        checked > 30,
        "found only {checked} quoted messages in docs/diagnostics.md"
    );
    assert!(
        stale.is_empty(),
        "docs/diagnostics.md quotes messages that no snapshot shows (copy them again from tests/diagnostics/snapshots):\n\n{}",
        stale.join("\n\n")
    );
}

/// Splits rendered text into its diagnostics (each starts with `error[` or
/// `warning[` after a blank line).
fn split_diagnostics(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut blank = true;
    for line in text.lines() {
        if blank && (line.starts_with("error[") || line.starts_with("warning[")) {
            out.push(String::new());
        }
        blank = line.is_empty();
        if let Some(current) = out.last_mut() {
            current.push_str(line);
            current.push('\n');
        }
    }
    out.into_iter().map(|d| d.trim_end().to_string()).collect()
}

#[test]
fn every_checker_code_has_a_golden_case() {
    let mut produced = BTreeSet::new();
    for (_, text) in snapshot_texts() {
        produced.extend(codes_in(&text));
    }
    let missing: Vec<&str> = codes::ALL
        .iter()
        .map(|c| c.0)
        .filter(|c| !is_scheduler_code(c) && !produced.contains(*c) && !NOT_EMITTED_YET.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "no snapshot under {CASES}/snapshots shows {missing:?}"
    );
    let now_emitted: Vec<&&str> = NOT_EMITTED_YET
        .iter()
        .filter(|c| produced.contains(**c))
        .collect();
    assert!(
        now_emitted.is_empty(),
        "{now_emitted:?} is emitted now: remove it from NOT_EMITTED_YET and keep its snapshot"
    );
}

/// More tasks than planc schedules. The limit (`check::MAX_TASKS`, two
/// million) is not configurable, so this builds a plan of that size in
/// memory: minutes and gigabytes in a debug build, hence ignored by
/// default. Run it with `cargo test --test diagnostics -- --ignored`.
#[test]
#[ignore = "slow: checks a plan of more than two million tasks"]
fn too_many_tasks() {
    let n = planc::check::MAX_TASKS + 1;
    let mut text = String::with_capacity(n * 24);
    text.push_str("project \"Huge\" { start 2027-01-04 }\n");
    for i in 0..n {
        text.push_str("task t");
        text.push_str(&i.to_string());
        text.push_str(" { effort 1d }\n");
    }
    let (loaded, checked) = planc::check_str("too_many_tasks.plan", &text);
    drop(text);
    let mut out = String::new();
    for d in checked.diagnostics.iter() {
        out.push_str(&d.to_plain(&loaded.sources));
        out.push('\n');
    }
    out.push_str(&summary(
        checked.diagnostics.error_count(),
        checked.diagnostics.warning_count(),
    ));
    out.push('\n');
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(SNAPSHOTS);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description("generated: a project and 2,000,001 tasks `task tN { effort 1d }`");
    settings.bind(|| insta::assert_snapshot!("too_many_tasks", out));
}

/// An `E` code is always an error and a `W` code always a warning.
#[test]
fn severity_matches_the_code_letter() {
    for case in cases() {
        let text = render(&case);
        for line in text.lines() {
            assert!(
                !line.starts_with("error[W"),
                "{}: a W code reported as an error: {line}",
                case.name
            );
            assert!(
                !line.starts_with("warning[E"),
                "{}: an E code reported as a warning: {line}",
                case.name
            );
        }
    }
}

/// Every error of a file is reported, not only the first.
#[test]
fn several_errors_are_all_reported() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "several_errors")
        .expect("case several_errors");
    let found = codes_in(&render(&case));
    for code in ["E0101", "E0104", "E0201", "E0202", "E0301", "E0302"] {
        assert!(
            found.contains(code),
            "several_errors does not report {code}: {found:?}"
        );
    }
    let case = cases()
        .into_iter()
        .find(|c| c.name == "syntax_several_errors")
        .expect("case syntax_several_errors");
    let text = render(&case);
    assert_eq!(text.matches("error[E0001]").count(), 3, "{text}");
}

/// Errors inside an included file carry the included file's name.
#[test]
fn errors_in_includes_name_the_included_file() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "include_error")
        .expect("case include_error");
    let text = render(&case);
    assert!(
        text.contains("--> tests/diagnostics/include_error/tasks/packing.plan:7:"),
        "{text}"
    );
    assert!(
        text.contains("--> tests/diagnostics/include_error/tasks/packing.plan:3:"),
        "{text}"
    );
}

/// The committed `non_utf8.plan` has a Latin-1 `é` at byte 12.
#[test]
fn invalid_utf8_root_names_the_byte_offset() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "non_utf8")
        .expect("case non_utf8");
    let bytes = std::fs::read(&case.root).expect("readable");
    let offset = std::str::from_utf8(&bytes)
        .expect_err("the case must not be UTF-8")
        .valid_up_to();
    assert_eq!(offset, 12);
    let text = render(&case);
    assert!(text.contains("error[E0002]"), "{text}");
    assert!(text.contains(&format!("offset {offset}")), "{text}");
}

/// An included file that is not UTF-8 is reported at its include, with the
/// offset of the first bad byte.
#[test]
fn invalid_utf8_include_names_the_byte_offset() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(
        dir.path().join("main.plan"),
        "project \"Office move\" { start 2027-01-04 }\ninclude \"people.plan\"\n",
    )
    .expect("write main.plan");
    let mut people = b"resource bob \"Bob Jones\" { role \"Fahrer \xfc\" }\n".to_vec();
    let offset = people
        .iter()
        .position(|&b| b == 0xfc)
        .expect("the bad byte");
    people.push(b'\n');
    std::fs::write(dir.path().join("people.plan"), &people).expect("write people.plan");

    let loaded =
        planc::load(&dir.path().join("main.plan"), &LoadOptions::default()).expect("loads");
    let checked = planc::check(&loaded);
    let d = checked
        .diagnostics
        .iter()
        .find(|d| d.code == codes::UNREADABLE)
        .expect("an E0002 diagnostic");
    assert!(
        d.message.contains(&format!("offset {offset}")),
        "{}",
        d.message
    );
    assert!(d.message.contains("people.plan"), "{}", d.message);
    let text = d.to_plain(&loaded.sources);
    assert!(
        text.contains("main.plan:2:9"),
        "points at the include: {text}"
    );
    assert!(text.contains("included here"), "{text}");
}

/// Standard input that is not UTF-8 is reported the same way by the CLI.
#[test]
fn invalid_utf8_on_standard_input_names_the_byte_offset() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_planc"))
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planc runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"project \"Caf\xe9\" { start 2027-01-04 }\n")
        .expect("write stdin");
    let out = child.wait_with_output().expect("planc finishes");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("E0002"), "{stderr}");
    assert!(stderr.contains("offset 12"), "{stderr}");
}
