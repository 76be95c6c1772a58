//! What planc promises about untrusted plans (docs/security.md), tested:
//!
//! - includes stay inside the root plan's folder (relative escapes,
//!   absolute paths, symlinks) unless `--allow-outside-includes`, and an
//!   include outside the folder says nothing about what is out there;
//! - limits come back as clear errors: input size, number of files,
//!   nesting depth, number of tasks, the 100-year horizon;
//! - outputs never replace an input file and are written atomically;
//! - the same plan gives byte-identical output across runs, processes
//!   (each with its own `HashMap` seeds) and file creation orders.

use planc::diagnostic::codes;
use planc::{Diagnostics, LoadOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::planc;

const PROJECT: &str = "project \"P\" { start 2027-01-04 }\n";

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("temporary folder: {e}"))
}

fn write(path: &Path, text: impl AsRef<[u8]>) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn codes_of(diagnostics: &Diagnostics) -> Vec<&'static str> {
    diagnostics.iter().map(|d| d.code.0).collect()
}

/// Loads and checks `path` with the library.
fn check_file(path: &Path, options: &LoadOptions) -> Diagnostics {
    let loaded = planc::load(path, options).unwrap_or_else(|e| panic!("{e}"));
    planc::check(&loaded).diagnostics
}

fn all_text(diagnostics: &Diagnostics) -> String {
    diagnostics
        .iter()
        .map(|d| format!("{} {} {:?}", d.code.0, d.message, d.help))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts that `code` was reported with a message containing `fragment`.
fn assert_reports(d: &Diagnostics, code: planc::diagnostic::Code, fragment: &str) {
    assert!(codes_of(d).contains(&code.0), "{}", all_text(d));
    assert!(
        d.iter().any(|x| x.message.contains(fragment)),
        "{}",
        all_text(d)
    );
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// ------------------------------------------------------------------ includes

/// A plan folder `root/plan/` with a file next to it, `root/outside.plan`,
/// that holds a recognisable secret.
struct Escape {
    _dir: tempfile::TempDir,
    plan_dir: PathBuf,
}

const SECRET: &str = "task leaked_secret_4711 { effort 1d }\n";

fn escape_fixture(include_line: &str) -> Escape {
    let dir = temp();
    let plan_dir = dir.path().join("plan");
    write(&dir.path().join("outside.plan"), SECRET);
    write(
        &plan_dir.join("main.plan"),
        format!("{PROJECT}{include_line}\ntask t {{ effort 1d }}\n"),
    );
    Escape {
        _dir: dir,
        plan_dir,
    }
}

fn assert_refused_outside(diagnostics: &Diagnostics) {
    let codes = codes_of(diagnostics);
    assert!(
        codes.contains(&codes::INCLUDE_OUTSIDE.0),
        "{codes:?}\n{}",
        all_text(diagnostics)
    );
    let text = all_text(diagnostics);
    assert!(!text.contains("leaked_secret_4711"), "{text}");
    assert!(!text.contains("root:"), "{text}");
}

#[test]
fn a_relative_include_cannot_leave_the_folder() {
    let f = escape_fixture("include \"../outside.plan\"");
    assert_refused_outside(&check_file(
        &f.plan_dir.join("main.plan"),
        &LoadOptions::default(),
    ));
}

#[test]
fn a_relative_include_through_a_subfolder_cannot_leave_the_folder() {
    let f = escape_fixture("include \"sub/../../outside.plan\"");
    write(&f.plan_dir.join("sub").join("keep.plan"), "");
    assert_refused_outside(&check_file(
        &f.plan_dir.join("main.plan"),
        &LoadOptions::default(),
    ));
}

#[test]
fn an_absolute_include_is_refused() {
    let f = escape_fixture("include \"/etc/passwd\"");
    assert_refused_outside(&check_file(
        &f.plan_dir.join("main.plan"),
        &LoadOptions::default(),
    ));
}

#[test]
fn a_missing_file_outside_the_folder_is_refused_as_outside_not_reported_missing() {
    // Otherwise a plan could probe which files exist on the CI machine.
    for path in ["/no/such/file.plan", "../no-such-file.plan", "/etc/passwd"] {
        let f = escape_fixture(&format!("include \"{path}\""));
        let d = check_file(&f.plan_dir.join("main.plan"), &LoadOptions::default());
        assert_eq!(
            codes_of(&d),
            vec![codes::INCLUDE_OUTSIDE.0],
            "{path}: {}",
            all_text(&d)
        );
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_inside_the_folder_pointing_outside_is_refused() {
    let f = escape_fixture("include \"innocent.plan\"");
    let outside = f
        .plan_dir
        .parent()
        .map(|p| p.join("outside.plan"))
        .unwrap_or_default();
    std::os::unix::fs::symlink(&outside, f.plan_dir.join("innocent.plan"))
        .unwrap_or_else(|e| panic!("symlink: {e}"));
    assert_refused_outside(&check_file(
        &f.plan_dir.join("main.plan"),
        &LoadOptions::default(),
    ));
    // A symlinked folder is no way out either.
    let g = escape_fixture("include \"linked/outside.plan\"");
    let parent = g
        .plan_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    std::os::unix::fs::symlink(&parent, g.plan_dir.join("linked"))
        .unwrap_or_else(|e| panic!("symlink: {e}"));
    assert_refused_outside(&check_file(
        &g.plan_dir.join("main.plan"),
        &LoadOptions::default(),
    ));
}

#[test]
fn allow_outside_includes_lets_a_trusted_plan_reach_out() {
    let f = escape_fixture("include \"../outside.plan\"");
    let options = LoadOptions {
        allow_outside_includes: true,
        ..LoadOptions::default()
    };
    let d = check_file(&f.plan_dir.join("main.plan"), &options);
    assert!(codes_of(&d).is_empty(), "{}", all_text(&d));
}

#[test]
fn includes_inside_the_folder_still_work() {
    let dir = temp();
    write(
        &dir.path().join("main.plan"),
        format!("{PROJECT}include \"parts/a.plan\"\n"),
    );
    write(
        &dir.path().join("parts").join("a.plan"),
        "include \"../b.plan\"\ntask a { effort 1d }\n",
    );
    write(&dir.path().join("b.plan"), "task b { effort 1d }\n");
    let d = check_file(&dir.path().join("main.plan"), &LoadOptions::default());
    assert!(codes_of(&d).is_empty(), "{}", all_text(&d));
}

#[test]
fn the_cli_refuses_outside_includes_unless_allowed() {
    let f = escape_fixture("include \"../outside.plan\"");
    let out = planc(&f.plan_dir, &["build", "main.plan"]);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E0404"), "{err}");
    assert!(err.contains("--allow-outside-includes"), "{err}");
    assert!(!err.contains("leaked_secret_4711"), "{err}");
    assert!(out.stdout.is_empty());

    let out = planc(
        &f.plan_dir,
        &["build", "--allow-outside-includes", "main.plan"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("leaked_secret_4711"));
}

#[test]
fn the_cli_does_not_print_etc_passwd() {
    let f = escape_fixture("include \"/etc/passwd\"");
    for args in [
        &["check", "main.plan"][..],
        &["build", "main.plan"],
        &["check", "--message-format", "json", "main.plan"],
    ] {
        let out = planc(&f.plan_dir, args);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            stderr_of(&out)
        );
        assert_eq!(out.status.code(), Some(1), "{args:?}: {all}");
        assert!(all.contains("E0404"), "{args:?}: {all}");
        assert!(!all.contains("root:"), "{args:?}: {all}");
    }
}

#[cfg(unix)]
#[test]
fn the_cli_refuses_a_symlink_escape() {
    let f = escape_fixture("include \"innocent.plan\"");
    let outside = f
        .plan_dir
        .parent()
        .map(|p| p.join("outside.plan"))
        .unwrap_or_default();
    std::os::unix::fs::symlink(&outside, f.plan_dir.join("innocent.plan"))
        .unwrap_or_else(|e| panic!("symlink: {e}"));
    let out = planc(&f.plan_dir, &["check", "main.plan"]);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E0404"), "{err}");
}

#[test]
fn a_plan_on_standard_input_may_only_include_from_the_current_folder() {
    let f = escape_fixture("");
    let mut child = Command::new(env!("CARGO_BIN_EXE_planc"))
        .args(["check", "-"])
        .current_dir(&f.plan_dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("planc runs: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        let _ = stdin.write_all(format!("{PROJECT}include \"../outside.plan\"\n").as_bytes());
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("planc finishes: {e}"));
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E0404"), "{err}");
}

// ------------------------------------------------------------------ limits

#[test]
fn a_file_over_the_size_limit_is_an_error() {
    let dir = temp();
    let path = dir.path().join("big.plan");
    write(&path, format!("{PROJECT}{}", "# padding\n".repeat(200)));
    let options = LoadOptions {
        max_file_bytes: 1_000,
        ..LoadOptions::default()
    };
    let d = check_file(&path, &options);
    assert_reports(&d, codes::TOO_LARGE_INPUT, "1000 bytes");
}

#[test]
fn an_included_file_over_the_size_limit_is_an_error() {
    let dir = temp();
    write(
        &dir.path().join("main.plan"),
        format!("{PROJECT}include \"big.plan\"\n"),
    );
    write(&dir.path().join("big.plan"), "# padding\n".repeat(200));
    let options = LoadOptions {
        max_file_bytes: 1_000,
        ..LoadOptions::default()
    };
    let d = check_file(&dir.path().join("main.plan"), &options);
    assert!(
        codes_of(&d).contains(&codes::TOO_LARGE_INPUT.0),
        "{}",
        all_text(&d)
    );
}

#[test]
fn the_cli_refuses_a_file_over_64_mib() {
    let dir = temp();
    let path = dir.path().join("huge.plan");
    let mut text = PROJECT.as_bytes().to_vec();
    text.resize(64 * 1024 * 1024 + 1, b'\n');
    write(&path, text);
    let out = planc(dir.path(), &["check", "huge.plan"]);
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E0004"), "{err}");
}

#[test]
fn too_many_files_is_an_error() {
    let dir = temp();
    let mut main = String::from(PROJECT);
    for i in 0..5 {
        main.push_str(&format!("include \"f{i}.plan\"\n"));
        write(
            &dir.path().join(format!("f{i}.plan")),
            format!("task t{i} {{ effort 1d }}\n"),
        );
    }
    write(&dir.path().join("main.plan"), main);
    let options = LoadOptions {
        max_files: 3,
        ..LoadOptions::default()
    };
    let d = check_file(&dir.path().join("main.plan"), &options);
    assert_reports(&d, codes::TOO_LARGE_INPUT, "at most 3 files");
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error() {
    let n = planc::syntax::MAX_NESTING + 1;
    let text = format!(
        "{PROJECT}{} effort 1d {}",
        "task t { ".repeat(n),
        "} ".repeat(n)
    );
    let (_, checked) = planc::check_str("deep.plan", &text);
    let codes = codes_of(&checked.diagnostics);
    assert!(codes.contains(&codes::TOO_DEEP.0), "{codes:?}");
    assert!(checked.model.is_none());
}

#[test]
fn more_tasks_than_a_configured_limit_is_an_error() {
    let mut text = String::from(PROJECT);
    for i in 0..101 {
        text.push_str(&format!("milestone m{i}\n"));
    }
    let options = planc::LoadOptions {
        max_tasks: 100,
        ..planc::LoadOptions::default()
    };
    let loaded = planc::syntax::load_str("many.plan", &text, None, &options);
    let checked = planc::check(&loaded);
    assert_eq!(
        codes_of(&checked.diagnostics),
        vec![codes::TOO_MANY_TASKS.0]
    );
    assert!(checked.model.is_none());
}

#[test]
#[ignore = "2 million tasks: about 30 s of CPU in a debug build; run with --ignored"]
fn more_tasks_than_the_limit_is_an_error() {
    // The shortest task declaration, repeated past the limit, through the
    // library (the text is ~20 MB; well under the file size limit).
    let n = planc::check::MAX_TASKS + 1;
    let mut text = String::with_capacity(n * 14 + 64);
    text.push_str(PROJECT);
    for i in 0..n {
        text.push_str("milestone m");
        text.push_str(&i.to_string());
        text.push('\n');
    }
    let (_, checked) = planc::check_str("many.plan", &text);
    let codes = codes_of(&checked.diagnostics);
    assert_eq!(codes, vec![codes::TOO_MANY_TASKS.0]);
    assert!(checked.model.is_none());
}

#[test]
fn a_duration_longer_than_the_horizon_is_an_error() {
    let text = format!("{PROJECT}task t {{ elapsed 40000w }}\n");
    let (_, checked) = planc::check_str("long.plan", &text);
    let codes = codes_of(&checked.diagnostics);
    assert!(codes.contains(&codes::NUMBER_TOO_LARGE.0), "{codes:?}");
    assert!(checked.model.is_none());
    assert!(all_text(&checked.diagnostics).contains("100 years"));
}

fn compile_codes(text: &str) -> (Vec<&'static str>, String) {
    let loaded = planc::syntax::load_str("plan.plan", text, None, &LoadOptions::default());
    let compiled = planc::compile(&loaded, &planc::schedule::Options::default());
    (
        codes_of(&compiled.diagnostics),
        all_text(&compiled.diagnostics),
    )
}

#[test]
fn a_task_that_cannot_finish_within_100_years_is_an_error_naming_it() {
    // The only resource is away for 101 years.
    let text = format!(
        "{PROJECT}resource r {{ off 2027-01-01..2128-12-31 }}\ntask away {{ effort 1d  assign r }}\n"
    );
    let (codes, text) = compile_codes(&text);
    assert!(
        codes.iter().any(|c| c.starts_with("E05")),
        "{codes:?} {text}"
    );
    assert!(text.contains("away"), "{text}");
}

#[test]
fn a_chain_past_the_horizon_is_an_error_not_a_hang() {
    // Each task fits; together they pass 100 years of working time.
    let mut text = String::from(PROJECT);
    for i in 0..30 {
        let after = if i == 0 {
            String::new()
        } else {
            format!("after t{} ", i - 1)
        };
        text.push_str(&format!("task t{i} {{ {after}duration 1000w }}\n"));
    }
    let started = std::time::Instant::now();
    let (codes, all) = compile_codes(&text);
    assert!(codes.iter().any(|c| c.starts_with('E')), "{codes:?} {all}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

// ------------------------------------------------------------------ outputs

const GOOD: &str =
    "project \"P\" { start 2027-01-04 }\ntask a \"A\" { effort 2d }\nmilestone m { after a }\n";

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn output_onto_a_plan_file_is_refused() {
    let dir = temp();
    write(&dir.path().join("plan.plan"), GOOD);
    for target in ["plan.plan", "other.plan", "./plan.plan"] {
        let out = planc(
            dir.path(),
            &["build", "plan.plan", "--format", "json", "-o", target],
        );
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{target}: {err}");
        assert!(err.contains("refusing"), "{target}: {err}");
    }
    assert_eq!(read(&dir.path().join("plan.plan")), GOOD.as_bytes());
    assert_eq!(listing(dir.path()), vec!["plan.plan"]);
}

#[test]
fn output_onto_an_included_file_is_refused_whatever_its_name() {
    let dir = temp();
    let included = "task b { effort 1d }\n";
    write(
        &dir.path().join("main.plan"),
        format!("{GOOD}include \"parts/tasks.txt\"\n"),
    );
    write(&dir.path().join("parts").join("tasks.txt"), included);
    for target in ["parts/tasks.txt", "parts/../parts/tasks.txt"] {
        let out = planc(
            dir.path(),
            &["build", "main.plan", "--format", "json", "-o", target],
        );
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{target}: {err}");
        assert!(err.contains("refusing"), "{target}: {err}");
    }
    assert_eq!(
        read(&dir.path().join("parts").join("tasks.txt")),
        included.as_bytes()
    );
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_to_an_input_is_refused() {
    let dir = temp();
    write(&dir.path().join("main.plan"), GOOD);
    std::os::unix::fs::symlink(dir.path().join("main.plan"), dir.path().join("out.json"))
        .unwrap_or_else(|e| panic!("symlink: {e}"));
    let out = planc(dir.path(), &["build", "main.plan", "-o", "out.json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert_eq!(read(&dir.path().join("main.plan")), GOOD.as_bytes());
}

#[test]
fn output_is_complete_and_leaves_no_temporary_files() {
    let dir = temp();
    write(&dir.path().join("main.plan"), GOOD);
    let stdout = planc(dir.path(), &["build", "main.plan", "--format", "json"]);
    assert_eq!(stdout.status.code(), Some(0), "{}", stderr_of(&stdout));
    // A longer old file must not leave a tail behind.
    write(
        &dir.path().join("out.json"),
        "x".repeat(stdout.stdout.len() * 3),
    );
    let out = planc(dir.path(), &["build", "main.plan", "-o", "out.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(read(&dir.path().join("out.json")), stdout.stdout);
    assert_eq!(listing(dir.path()), vec!["main.plan", "out.json"]);
}

#[cfg(unix)]
#[test]
fn output_replaces_the_file_by_rename_not_in_place() {
    // A reader holding the old file (here: a hard link) sees the old
    // content whole; the new content appears under the name at once.
    let dir = temp();
    write(&dir.path().join("main.plan"), GOOD);
    write(&dir.path().join("out.json"), "old");
    std::fs::hard_link(dir.path().join("out.json"), dir.path().join("reader.json"))
        .unwrap_or_else(|e| panic!("link: {e}"));
    let out = planc(dir.path(), &["build", "main.plan", "-o", "out.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(read(&dir.path().join("reader.json")), b"old");
    let new = read(&dir.path().join("out.json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&new).is_ok());
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let dir = temp();
    write(&dir.path().join("main.plan"), GOOD);
    let out = planc(
        dir.path(),
        &["build", "main.plan", "-o", "no-such-folder/out.json"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert_eq!(listing(dir.path()), vec!["main.plan"]);
}

#[test]
fn a_plan_with_errors_writes_no_output() {
    let dir = temp();
    write(
        &dir.path().join("main.plan"),
        "project \"P\" { start 2027-01-04 }\ntask a { after nowhere effort 1d }\n",
    );
    write(&dir.path().join("out.json"), "previous good output");
    let out = planc(dir.path(), &["build", "main.plan", "-o", "out.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_eq!(read(&dir.path().join("out.json")), b"previous good output");
    assert_eq!(listing(dir.path()), vec!["main.plan", "out.json"]);
}

// ------------------------------------------------------------------ determinism

const FORMATS: [&str; 4] = ["json", "html", "mermaid", "markdown"];

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn build_stdout(dir: &Path, file: &str, format: &str) -> Vec<u8> {
    let out = planc(dir, &["build", file, "--format", format]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{file} {format}: {}",
        stderr_of(&out)
    );
    out.stdout
}

#[test]
fn every_format_is_byte_identical_across_processes() {
    // Each process has its own random HashMap seeds.
    let dir = sample("");
    let cases = FORMATS
        .iter()
        .map(|f| ("platform/main.plan", *f))
        .chain([("software-release.plan", "json")]);
    for (file, format) in cases {
        {
            let first = build_stdout(&dir, file, format);
            assert!(!first.is_empty());
            for _ in 0..2 {
                assert!(
                    build_stdout(&dir, file, format) == first,
                    "{file} as {format} differs between runs"
                );
            }
        }
    }
}

#[test]
fn the_library_is_deterministic_within_a_process() {
    let path = sample("software-release.plan");
    let render = || {
        let loaded = planc::load(&path, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let compiled = planc::compile(&loaded, &planc::schedule::Options::default());
        let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) else {
            panic!(
                "the sample does not compile: {}",
                all_text(&compiled.diagnostics)
            );
        };
        let diagnostics: Vec<planc::Diagnostic> = compiled.diagnostics.iter().cloned().collect();
        let input = planc::render::Input {
            model,
            schedule,
            diagnostics: &diagnostics,
            sources: &loaded.sources,
            depth: None,
            tracking: compiled.tracking.as_ref(),
        };
        planc::render::render(planc::render::Format::Json, &input)
    };
    let first = render();
    for _ in 0..3 {
        assert!(render() == first);
    }
}

/// The files of `samples/platform/`, relative to it.
fn platform_files() -> Vec<(PathBuf, Vec<u8>)> {
    let root = sample("platform");
    let mut files = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(rel) = path.strip_prefix(&root) {
                files.push((rel.to_path_buf(), read(&path)));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn output_does_not_depend_on_the_order_files_were_created() {
    // The same plan, its files written to disk in opposite orders (and so,
    // on most file systems, listed in different orders).
    let files = platform_files();
    assert!(files.len() >= 3, "{files:?}");
    let forward = temp();
    let backward = temp();
    for (rel, bytes) in &files {
        write(&forward.path().join(rel), bytes);
    }
    for (rel, bytes) in files.iter().rev() {
        write(&backward.path().join(rel), bytes);
    }
    for format in FORMATS {
        let a = build_stdout(forward.path(), "main.plan", format);
        let b = build_stdout(backward.path(), "main.plan", format);
        assert!(a == b, "{format} output depends on file creation order");
    }
}
