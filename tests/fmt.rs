//! Tests of `planc fmt` (`planc::fmt`, docs/fmt.md).
//!
//! - Golden cases: every `tests/fmt/cases/*.plan` is formatted and compared
//!   with `tests/fmt/snapshots/NAME.snap` (accept changes with
//!   `INSTA_UPDATE=always cargo test --test fmt`, then read every changed
//!   `.snap`).
//! - Every plan in the repository (`samples/`, `tests/`) formats
//!   idempotently, and a plan that compiles without errors compiles to the
//!   same JSON after formatting (its included files formatted too).
//! - Generated plans with odd spacing, comments and number spellings: the
//!   same two properties.
//! - The command line: in place, `--check` with its diff and exit codes,
//!   `-`, folders, and plans with syntax errors left untouched.

use planc::fmt::{self, FormatError};
use planc::LoadOptions;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Once;

const CASES: &str = "tests/fmt/cases";
/// Where insta keeps the snapshots, relative to this file.
const SNAPSHOTS: &str = "fmt/snapshots";

fn at_package_root() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_current_dir(env!("CARGO_MANIFEST_DIR"))
            .expect("cannot enter the package root");
    });
}

fn format_ok(what: &str, text: &str) -> String {
    match fmt::format(text) {
        Ok(out) => out,
        Err(e) => panic!("{what}: not formatted: {e:?}"),
    }
}

fn assert_idempotent(what: &str, formatted: &str) {
    let again = format_ok(what, formatted);
    assert_eq!(
        again, formatted,
        "{what}: formatting the formatted plan changed it"
    );
}

// ---------------------------------------------------------------- golden cases

#[test]
fn cases_match_their_snapshots() {
    at_package_root();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(CASES)
        .expect("tests/fmt/cases exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "plan"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "the golden cases are missing");
    for path in cases {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 name")
            .to_string();
        let text = std::fs::read_to_string(&path).expect("readable case");
        let formatted = format_ok(&name, &text);
        assert_idempotent(&name, &formatted);
        insta::with_settings!({
            snapshot_path => SNAPSHOTS,
            prepend_module_to_snapshot => false,
            input_file => &path,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, formatted);
        });
    }
}

#[test]
fn every_comment_of_the_comment_case_is_kept_in_order() {
    at_package_root();
    let text = std::fs::read_to_string(Path::new(CASES).join("comments.plan")).expect("case");
    let formatted = format_ok("comments", &text);
    let comments = |t: &str| -> Vec<String> {
        t.lines()
            .filter_map(|l| {
                l.find(" #")
                    .map(|i| l[i + 1..].trim_end().to_string())
                    .or_else(|| {
                        l.trim_start()
                            .starts_with('#')
                            .then(|| l.trim().to_string())
                    })
            })
            .collect()
    };
    assert_eq!(comments(&formatted), comments(&text));
    assert!(formatted.ends_with("# Comment at the end of the file.\n"));
}

#[test]
fn a_plan_with_syntax_errors_is_refused_with_its_diagnostics() {
    let text = "project \"P\" { start 2027-01-04 }\ntask a { effort 3 d }\n";
    match fmt::format(text) {
        Err(FormatError::Invalid(diags)) => {
            assert!(diags.has_errors());
            assert!(diags
                .iter()
                .any(|d| d.code == planc::diagnostic::codes::SYNTAX));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_plan_with_an_invalid_value_is_refused_too() {
    let text = "project \"P\" { start 2027-02-30 }\n";
    assert!(matches!(fmt::format(text), Err(FormatError::Invalid(_))));
}

#[test]
fn the_empty_plan_and_a_plan_of_comments_format() {
    assert_eq!(format_ok("empty", ""), "");
    assert_eq!(format_ok("blank", "\n\n  \n"), "");
    assert_eq!(
        format_ok("comments", "\n\n# one   \n\n\n# two\n"),
        "# one\n\n# two\n"
    );
}

#[test]
fn crlf_line_ends_become_newlines() {
    let text = "project \"P\" {\r\n  start 2027-01-04  # why\r\n}\r\n";
    assert_eq!(
        format_ok("crlf", text),
        "project \"P\" {\n  start 2027-01-04  # why\n}\n"
    );
}

// ---------------------------------------------------------------- meaning

/// Every `.plan` file under `dir`, sorted.
fn plans_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            plans_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "plan") {
            out.push(path);
        }
    }
}

/// Schedule options for the comparisons: levelling off, because it is by
/// far the slowest phase in a debug build and adds nothing here (the JSON
/// still holds every task, dependency, assignment and date).
fn unlevelled() -> planc::schedule::Options {
    planc::schedule::Options {
        level: false,
        ..planc::schedule::Options::default()
    }
}

/// The compiled JSON of the plan at `root`, without what depends on layout
/// (diagnostic positions): `None` when it has errors.
fn compiled(root: &Path) -> Option<serde_json::Value> {
    let loaded = planc::load(root, &LoadOptions::default()).ok()?;
    let compiled = planc::compile(&loaded, &unlevelled());
    let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) else {
        return None;
    };
    if compiled.diagnostics.has_errors() {
        return None;
    }
    let diagnostics: Vec<_> = compiled.diagnostics.iter().cloned().collect();
    let json = planc::render::json::render(model, schedule, &diagnostics, &loaded.sources);
    let mut value: serde_json::Value = serde_json::from_str(&json).expect("the JSON output parses");
    let what: Vec<(String, String)> = diagnostics
        .iter()
        .map(|d| (d.code.0.to_string(), d.message.clone()))
        .collect();
    value["diagnostics"] = serde_json::json!(what);
    Some(value)
}

/// Copies `from` into `to`, every `.plan` file formatted where it can be.
fn copy_formatted(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("readable folder").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_formatted(&path, &target);
        } else if path.extension().is_some_and(|e| e == "plan") {
            let bytes = std::fs::read(&path).expect("readable plan");
            let text = String::from_utf8(bytes.clone()).ok();
            let out = text
                .and_then(|t| fmt::format(&t).ok())
                .map_or(bytes, String::into_bytes);
            std::fs::write(&target, out).expect("write the copy");
        }
    }
}

#[test]
fn every_plan_in_the_repository_formats_idempotently_and_keeps_its_meaning() {
    at_package_root();
    let mut plans = Vec::new();
    plans_under(Path::new("samples"), &mut plans);
    plans_under(Path::new("tests"), &mut plans);
    plans.sort();
    let copy = tempfile::tempdir().expect("temporary folder");
    copy_formatted(Path::new("samples"), &copy.path().join("samples"));
    copy_formatted(Path::new("tests"), &copy.path().join("tests"));
    let (mut formatted, mut refused, mut compared) = (0, 0, 0);
    for plan in &plans {
        let what = plan.display().to_string();
        let Ok(text) = std::fs::read_to_string(plan) else {
            continue;
        };
        match fmt::format(&text) {
            Ok(out) => {
                assert_idempotent(&what, &out);
                formatted += 1;
            }
            Err(FormatError::Invalid(diags)) => {
                assert!(diags.has_errors(), "{what}: refused without an error");
                refused += 1;
                continue;
            }
            Err(FormatError::Internal(message)) => panic!("{what}: {message}"),
        }
        if let Some(before) = compiled(plan) {
            let after = compiled(&copy.path().join(plan))
                .unwrap_or_else(|| panic!("{what}: the formatted plan has errors"));
            assert_eq!(
                before, after,
                "{what}: formatting changed the compiled plan"
            );
            compared += 1;
        }
    }
    assert!(
        formatted >= 20 && compared >= 10,
        "too few plans: {formatted} formatted, {compared} compared"
    );
    assert!(refused >= 1, "the syntax-error cases should be refused");
}

// ---------------------------------------------------------------- generated plans

/// Whitespace between tokens: spaces, tabs, line breaks, blank lines.
fn gap(rng: &mut Pcg64) -> &'static str {
    [" ", "  ", "\t", "\n", "\n\n", " \n   ", "\n\n\n  "][rng.random_range(0..7)]
}

/// A gap that may hold a comment (always ended by a line break).
fn gap_or_comment(rng: &mut Pcg64) -> String {
    match rng.random_range(0..6) {
        0 => format!("  # note {}\n", rng.random_range(0..100)),
        1 => format!("\n# above {}\n", rng.random_range(0..100)),
        _ => gap(rng).to_string(),
    }
}

/// `n` in one of several spellings with the same value.
fn number(rng: &mut Pcg64, n: u32) -> String {
    match rng.random_range(0..4) {
        0 => format!("{n}.0"),
        1 => format!("{n}.00"),
        2 => format!("0{n}"),
        _ => n.to_string(),
    }
}

fn date(rng: &mut Pcg64) -> String {
    let day = rng.random_range(4..29);
    match rng.random_range(0..3) {
        0 => format!("2027-01-{day:02} 09:00"),
        1 => format!("2027-01-{day:02}T9:30"),
        _ => format!("2027-01-{day:02}"),
    }
}

fn work(rng: &mut Pcg64) -> String {
    let kind = ["effort", "duration", "elapsed"][rng.random_range(0..3)];
    let unit = ["d", "h", "w", "min"][rng.random_range(0..4)];
    let amount = match unit {
        "min" => rng.random_range(30..600),
        "w" => 1,
        _ => rng.random_range(1..6),
    };
    if rng.random_bool(0.3) {
        return format!("{kind} {amount}.50{unit}");
    }
    format!("{kind} {}{unit}", number(rng, amount))
}

fn string(rng: &mut Pcg64, base: &str) -> String {
    match rng.random_range(0..4) {
        0 => format!("\"{base} \\\"quoted\\\" \\u{{41}}\""),
        1 => format!("\"\"\"\n      {base}\n        more\n      \"\"\""),
        2 => format!("\"{base}\\tx #not a comment\""),
        _ => format!("\"{base}\""),
    }
}

/// A leaf task's attributes.
fn leaf_attrs(rng: &mut Pcg64, resources: usize, earlier: &[String]) -> Vec<String> {
    let mut attrs = vec![work(rng)];
    if rng.random_bool(0.6) {
        let r = rng.random_range(0..resources);
        attrs.push(match rng.random_range(0..3) {
            0 => format!("assign r{r} {}%", number(rng, 50)),
            1 => format!("assign any of r{r},r{}", (r + 1) % resources),
            _ => format!("assign r{r}"),
        });
    }
    if !earlier.is_empty() && rng.random_bool(0.6) {
        let target = &earlier[rng.random_range(0..earlier.len())];
        attrs.push(match rng.random_range(0..4) {
            0 => format!("after {target}+{}d", rng.random_range(1..3)),
            1 => format!("after start of {target} -  1d"),
            2 => format!("finish after {target}"),
            _ => format!("after {target}"),
        });
    }
    if rng.random_bool(0.3) {
        let done = rng.random_range(0..101);
        attrs.push(format!("progress {}%", number(rng, done)));
    }
    if rng.random_bool(0.2) {
        attrs.push(format!("note {}", string(rng, "about it")));
    }
    if rng.random_bool(0.2) {
        attrs.push(format!("not before {}", date(rng)));
    }
    attrs
}

fn block(rng: &mut Pcg64, items: &[String]) -> String {
    let mut out = String::from("{");
    for item in items {
        out.push_str(&gap_or_comment(rng));
        out.push_str(item);
    }
    out.push_str(&gap_or_comment(rng));
    out.push('}');
    out
}

/// A valid plan with random layout, comments and spellings.
fn generated_plan(seed: u64) -> String {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut out = String::new();
    out.push_str(&gap_or_comment(&mut rng));
    let project = vec![
        format!("start {}", date(&mut rng)),
        "currency EUR".to_string(),
    ];
    out.push_str(&format!(
        "project {}{}",
        string(&mut rng, "P"),
        gap(&mut rng)
    ));
    out.push_str(&block(&mut rng, &project));
    let resources = rng.random_range(1..4);
    for r in 0..resources {
        out.push_str(&gap_or_comment(&mut rng));
        let attrs = vec![
            format!("rate {}/d", number(&mut rng, 500)),
            format!("capacity {}%", number(&mut rng, 80)),
        ];
        out.push_str(&format!("resource r{r} \"R{r}\" "));
        out.push_str(&block(&mut rng, &attrs));
    }
    let mut earlier = Vec::new();
    for t in 0..rng.random_range(1..8) {
        out.push_str(&gap_or_comment(&mut rng));
        let id = format!("t{t}");
        if rng.random_bool(0.25) {
            let children: Vec<String> = (0..rng.random_range(1..3))
                .map(|c| {
                    let attrs = leaf_attrs(&mut rng, resources, &[]);
                    format!("task c{c} {}", block(&mut rng, &attrs))
                })
                .collect();
            out.push_str(&format!("task {id} {}", block(&mut rng, &children)));
        } else {
            let attrs = leaf_attrs(&mut rng, resources, &earlier);
            out.push_str(&format!("task {id} \"T{t}\" {}", block(&mut rng, &attrs)));
        }
        earlier.push(id);
    }
    out.push_str(&gap_or_comment(&mut rng));
    out
}

fn compiled_text(text: &str) -> Option<serde_json::Value> {
    let loaded = planc::syntax::load_str("gen.plan", text, None, &LoadOptions::default());
    let compiled = planc::compile(&loaded, &unlevelled());
    let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) else {
        return None;
    };
    let json = planc::render::json::render(model, schedule, &[], &loaded.sources);
    serde_json::from_str(&json).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generated_plans_format_idempotently_and_keep_their_meaning(seed in any::<u64>()) {
        let text = generated_plan(seed);
        let before = compiled_text(&text);
        prop_assert!(before.is_some(), "the generator made an invalid plan:\n{}", text);
        let formatted = match fmt::format(&text) {
            Ok(f) => f,
            Err(e) => return Err(TestCaseError::fail(format!("not formatted: {e:?}\n{text}"))),
        };
        prop_assert_eq!(&format_ok("again", &formatted), &formatted, "not idempotent:\n{}", text);
        prop_assert_eq!(compiled_text(&formatted), before, "meaning changed:\n{}", text);
        prop_assert!(!formatted.contains("\n\n\n"), "a run of blank lines survived");
        prop_assert!(formatted.lines().all(|l| l.len() == l.trim_end().len() || l.trim().is_empty()));
    }
}

// ---------------------------------------------------------------- command line

fn planc(args: &[&str], dir: &Path, stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_planc"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planc runs");
    if let Some(mut input) = child.stdin.take() {
        use std::io::Write;
        input.write_all(stdin.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("planc finishes")
}

const MESSY: &str =
    "project \"P\" {start 2027-01-04 09:00}\ntask a \"A\" { effort 2.50d }   # why\n";
const TIDY: &str =
    "project \"P\" { start 2027-01-04T09:00 }\ntask a \"A\" { effort 2.5d }  # why\n";

#[test]
fn fmt_rewrites_a_file_in_place() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("p.plan"), MESSY).expect("write");
    let out = planc(&["fmt", "p.plan"], dir.path(), "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("p.plan")).expect("read"),
        TIDY
    );
    let again = planc(&["fmt", "--check", "p.plan"], dir.path(), "");
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty());
}

#[test]
fn fmt_check_prints_a_diff_changes_nothing_and_fails() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("p.plan"), MESSY).expect("write");
    let out = planc(&["fmt", "--check", "p.plan"], dir.path(), "");
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        diff,
        "--- a/p.plan\n+++ b/p.plan\n@@ -1,2 +1,2 @@\n\
         -project \"P\" {start 2027-01-04 09:00}\n\
         -task a \"A\" { effort 2.50d }   # why\n\
         +project \"P\" { start 2027-01-04T09:00 }\n\
         +task a \"A\" { effort 2.5d }  # why\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("p.plan")).expect("read"),
        MESSY
    );
}

#[test]
fn fmt_formats_standard_input_to_standard_output() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = planc(&["fmt", "-"], dir.path(), MESSY);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), TIDY);
    let check = planc(&["fmt", "--check", "-"], dir.path(), TIDY);
    assert_eq!(check.status.code(), Some(0));
    assert!(check.stdout.is_empty());
}

#[test]
fn fmt_leaves_a_plan_with_syntax_errors_untouched() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let broken = "project \"P\" {   start 2027-01-04 }\ntask a { effort 3 d }\n";
    std::fs::write(dir.path().join("bad.plan"), broken).expect("write");
    for args in [
        &["fmt", "bad.plan"][..],
        &["fmt", "--check", "bad.plan"][..],
    ] {
        let out = planc(args, dir.path(), "");
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("E0"), "no diagnostic: {stderr}");
        assert!(stderr.contains("bad.plan"), "no file name: {stderr}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("bad.plan")).expect("read"),
            broken
        );
    }
    let piped = planc(&["fmt", "-"], dir.path(), broken);
    assert_eq!(piped.status.code(), Some(1));
    assert!(piped.stdout.is_empty());
}

#[test]
fn fmt_without_files_formats_every_plan_under_the_folder() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::create_dir_all(dir.path().join("sub")).expect("mkdir");
    std::fs::write(dir.path().join("p.plan"), MESSY).expect("write");
    std::fs::write(dir.path().join("sub/q.plan"), "resource   bob \"Bob\"\n").expect("write");
    std::fs::write(dir.path().join("notes.txt"), "  untouched  ").expect("write");
    let check = planc(&["fmt", "--check"], dir.path(), "");
    assert_eq!(check.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&check.stdout);
    assert!(
        diff.contains("+++ b/./p.plan") && diff.contains("+++ b/./sub/q.plan"),
        "{diff}"
    );
    let out = planc(&["fmt"], dir.path(), "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sub/q.plan")).expect("read"),
        "resource bob \"Bob\"\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).expect("read"),
        "  untouched  "
    );
}

#[test]
fn fmt_reports_a_missing_file_as_a_usage_problem() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = planc(&["fmt", "missing.plan"], dir.path(), "");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_examples_in_the_fmt_docs_are_already_formatted() {
    at_package_root();
    let doc = std::fs::read_to_string("docs/fmt.md").expect("docs/fmt.md exists");
    let blocks: Vec<&str> = doc
        .split("```plan\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert!(!blocks.is_empty(), "docs/fmt.md has no plan example");
    for block in blocks {
        assert_eq!(
            format_ok("docs/fmt.md", block),
            block,
            "a docs/fmt.md example is not in the canonical layout"
        );
    }
}
