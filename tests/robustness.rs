//! No input makes planc panic, hang or overflow its stack. Hostile and
//! huge inputs must come back as diagnostics.
//!
//! The library cases run on threads with the default 2 MiB stack of a test
//! thread (what a library user gets), behind a watchdog that turns a hang
//! into a failure. The last tests run the real `planc` binary.

use planc::{Checked, LoadOptions};
use proptest::prelude::*;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Longest any single case may take before it counts as a hang. Generous:
/// this is a hang detector for debug builds on a slow machine, not a
/// performance test.
const HANG: Duration = Duration::from_secs(600);

/// Runs `f` on its own thread with a 2 MiB stack; fails the test if it
/// panics (a stack overflow aborts the whole process, which fails too) or
/// does not finish in [`HANG`].
fn guarded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name(what.to_string())
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawn a thread");
    match rx.recv_timeout(HANG) {
        Ok(value) => {
            let _ = handle.join();
            value
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: planc did not finish within {HANG:?}")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: planc panicked"),
    }
}

/// What a check reported: the codes in order, and `code: message` lines
/// to show when an assertion fails.
#[derive(Debug)]
struct Found {
    codes: Vec<&'static str>,
    messages: Vec<String>,
}

impl Found {
    fn of(checked: &Checked) -> Found {
        Found {
            codes: checked.diagnostics.iter().map(|d| d.code.0).collect(),
            messages: checked
                .diagnostics
                .iter()
                .map(|d| {
                    format!(
                        "{}: {}",
                        d.code,
                        d.message.chars().take(300).collect::<String>()
                    )
                })
                .collect(),
        }
    }

    fn has(&self, code: &str) -> bool {
        self.codes.contains(&code)
    }
}

/// Checks `text` under the guard.
fn check(what: &str, text: String) -> Found {
    guarded(what, move || {
        let (_, checked) = planc::check_str("input.plan", &text);
        Found::of(&checked)
    })
}

/// Loads `path` from disk and checks it under the guard.
fn check_file(what: &str, path: std::path::PathBuf) -> Found {
    guarded(what, move || {
        let loaded = planc::load(&path, &LoadOptions::default()).expect("loads");
        Found::of(&planc::check(&loaded))
    })
}

/// Asserts that exactly `codes` were reported, in this order.
#[track_caller]
fn assert_codes(found: &Found, codes: &[&str]) {
    assert_eq!(found.codes, codes, "{:#?}", found.messages);
}

const PROJECT: &str = "project \"P\" { start 2027-01-04 }\n";

/// The example of the language specification: a valid plan using most of
/// the language, the seed of the mutation test.
const SPEC_EXAMPLE: &str = r#"# Website relaunch
project "Website relaunch" {
  start    2027-01-04
  deadline 2027-06-30
  currency EUR
  now      2027-02-15          # status date for progress reports
}

calendar office {
  workdays mon..fri
  hours    09:00..12:00, 13:00..17:00
  holiday  2027-04-02 "Good Friday"
}

resource alice "Alice Smith" { role "Engineer"  rate 600/d
                               off 2027-02-15..2027-02-19 "Ski trip" }
resource bob   "Bob Jones"   { rate 75/h  capacity 50% }
resource qa    "QA pool"     { units 3  rate 500/d }

task discovery "Discovery" {
  task research "User research" { effort 10d  assign alice }
  milestone signoff "Requirements signed off" { after research }
}

task build "Build" {
  after discovery.signoff + 2d
  effort 30d
  range  25d..45d
  assign alice, bob
  progress 40%
}

task test "Acceptance test" { after build  duration 5d  assign 2 qa }

milestone launch "Go live" { after test  deadline 2027-05-31 }

risk vendor "Hosting vendor slips" {
  chance 30%  delay 10d  affects build  owner bob
  response "Weekly check-ins with the vendor"
}
"#;

#[test]
fn the_spec_example_is_clean() {
    assert_codes(&check("spec example", SPEC_EXAMPLE.to_string()), &[]);
}

#[test]
fn empty_file() {
    assert_codes(&check("empty", String::new()), &["E0203"]);
}

#[test]
fn only_comments_and_blank_lines() {
    let text = "# nothing here\n\n   # still nothing\n\t\n#".to_string();
    assert_codes(&check("comments", text), &["E0203"]);
}

#[test]
fn ten_thousand_nested_tasks_hit_the_nesting_limit() {
    let n = 10_000;
    let mut text = String::from(PROJECT);
    for i in 0..n {
        text.push_str(&format!("task t{i} {{\n"));
    }
    text.push_str("effort 1d\n");
    text.push_str(&"}".repeat(n));
    let found = check("10,000 nested tasks", text);
    assert!(found.has("E0003"), "{found:#?}");
}

#[test]
fn ten_thousand_open_braces_hit_the_nesting_limit() {
    let text = format!("{PROJECT}{}", "{".repeat(10_000));
    let found = check("10,000 open braces", text);
    assert!(found.has("E0003"), "{found:#?}");
}

#[test]
fn nesting_at_the_limit_is_accepted() {
    // The project's block is one level; 99 tasks inside one another make 100.
    let n = planc::syntax::MAX_NESTING - 1;
    let mut text = String::from(PROJECT);
    for i in 0..n {
        text.push_str(&format!("task t{i} {{ "));
    }
    text.push_str("effort 1d ");
    text.push_str(&"} ".repeat(n));
    assert_codes(&check("nesting at the limit", text), &[]);
}

#[test]
fn braces_inside_strings_and_comments_do_not_count() {
    let deep = "{".repeat(10_000);
    let text = format!(
        "{PROJECT}task t \"{deep}\" {{\n  effort 1d\n  note \"{deep}\"\n  # {deep}\n  note2\n}}\n"
    );
    // `note2` is a deliberate syntax error: recovery must also cope with
    // the braces in strings and comments.
    let found = check("braces in strings (with a syntax error)", text);
    assert_codes(&found, &["E0001"]);
    let text = format!("{PROJECT}task t \"{deep}\" {{\n  effort 1d\n  note \"\"\"{deep}\n{deep}\"\"\"\n  # {deep}\n}}\n");
    assert_codes(&check("braces in strings", text), &[]);
}

#[test]
fn a_one_megabyte_title() {
    let title = "x".repeat(1 << 20);
    let text =
        format!("project \"{title}\" {{ start 2027-01-04 }}\ntask t \"{title}\" {{ effort 1d }}\n");
    assert_codes(&check("1 MB title", text), &[]);
}

/// A plan with a task whose id is `len` characters long, and a reference
/// to it with one more character (an unknown name, so planc looks for
/// close names to suggest).
fn long_identifier(len: usize) -> String {
    let id = "a".repeat(len);
    format!("{PROJECT}task {id} {{ effort 1d }}\ntask b {{ after {id}x  effort 1d }}\n")
}

#[test]
fn a_long_identifier() {
    assert_codes(
        &check("2,000-character identifier", long_identifier(2_000)),
        &["E0201"],
    );
}

/// Known bug: the "did you mean" search compares the unknown name with
/// every visible name by edit distance, which is quadratic in their length:
/// a 30,000-character id already takes about a minute in a debug build, a
/// 1 MB one hours. A 1 MB plan file can hang planc.
#[test]
fn a_one_megabyte_identifier() {
    assert_codes(
        &check("1 MB identifier", long_identifier(1 << 20)),
        &["E0201"],
    );
}

#[test]
fn a_long_unclosed_string() {
    let text = format!(
        "{PROJECT}task t \"{} {{ effort 1d }}\n",
        "y".repeat(1 << 20)
    );
    let found = check("unclosed 1 MB string", text);
    assert!(found.has("E0001"), "{found:#?}");
}

#[test]
fn invalid_utf8_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("bad.plan");
    std::fs::write(
        &path,
        b"project \"\xff\xfe\" { start 2027-01-04 }\n\x80\x80",
    )
    .expect("write");
    let found = check_file("invalid UTF-8", path);
    assert!(found.has("E0002"), "{found:#?}");
    assert!(
        found.messages.iter().any(|m| m.contains("offset 9")),
        "{found:#?}"
    );
}

#[test]
fn a_number_too_large() {
    let text = format!("{PROJECT}task t {{ effort 99999999999999999999d }}\n");
    let found = check("huge number", text);
    assert!(found.has("E0103"), "{found:#?}");
}

#[test]
fn extreme_values_everywhere() {
    let big = "9".repeat(400);
    let text = format!(
        "project \"P\" {{ start 9999-99-99T99:99  budget {big} }}\n\
         calendar c {{ hours 99:99..00:00  holiday 0000-00-00..9999-12-31 }}\n\
         resource r {{ units {big}  capacity {big}%  rate {big}/h  off 2027-01-01..{big} }}\n\
         task t {{ effort {big}.{big}min  priority {big}  assign {big} r {big}%  range 0min..{big}w  cost {big}.{big} }}\n\
         task u {{ after t + {big}w, start of t - 0.0000000001min  elapsed 0.5min  progress 100.0000000001% }}\n"
    );
    let found = check("extreme values", text);
    assert!(!found.codes.is_empty());
    assert!(found.codes.iter().all(|c| c.starts_with('E')), "{found:#?}");
}

#[test]
fn a_hundred_thousand_flat_tasks() {
    let n = 100_000;
    let mut text = String::from(PROJECT);
    for i in 0..n {
        text.push_str(&format!("task t{i} \"Task {i}\" {{ effort 1d }}\n"));
    }
    assert_codes(&check("100,000 tasks", text), &[]);
}

/// `n` tasks, each waiting for the next one (declared after it), so that a
/// depth-first walk from the first task goes `n` deep; with `cycle` the
/// last waits for the first.
fn chain(n: usize, cycle: bool) -> String {
    let mut text = String::from(PROJECT);
    for i in 0..n {
        let next = if i + 1 < n {
            Some(i + 1)
        } else if cycle {
            Some(0)
        } else {
            None
        };
        match next {
            Some(j) => text.push_str(&format!("task t{i} {{ after t{j}  effort 1h }}\n")),
            None => text.push_str(&format!("task t{i} {{ effort 1h }}\n")),
        }
    }
    text
}

#[test]
fn a_long_dependency_chain_and_a_long_cycle() {
    assert_codes(&check("long chain", chain(2_000, false)), &[]);
    assert_codes(&check("long cycle", chain(2_000, true)), &["E0303"]);
}

/// Known bug: the cycle check uses petgraph's recursive `tarjan_scc`, which
/// overflows a 2 MiB stack (aborting the process) on a chain of 20,000
/// tasks. The CLI survives only because it runs on a 256 MiB stack (see
/// `cli_long_dependency_chain_and_cycle`).
#[test]
fn a_very_long_dependency_chain_on_a_small_stack() {
    assert_codes(&check("very long chain", chain(20_000, false)), &[]);
    assert_codes(&check("very long cycle", chain(20_000, true)), &["E0303"]);
}

#[test]
fn a_very_long_dotted_reference() {
    let path = vec!["a"; 50_000].join(".");
    let text = format!("{PROJECT}task a {{ effort 1d }}\ntask b {{ after {path}  effort 1d }}\n");
    let found = check("long reference", text);
    assert_codes(&found, &["E0201"]);
}

#[test]
fn many_errors_in_one_file() {
    let mut text = String::from(PROJECT);
    for i in 0..5_000 {
        text.push_str(&format!(
            "task t{i} {{ after nowhere{i}  effort 3 d  progress 200% }}\n"
        ));
        text.push_str(&format!("tsak u{i} {{ }}\n"));
    }
    let found = check("many errors", text);
    assert!(found.codes.len() >= 5_000, "{}", found.codes.len());
}

/// `n` files, each including the next.
fn include_chain(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for i in 0..n {
        let next = if i + 1 < n {
            format!("include \"f{}.plan\"\n", i + 1)
        } else {
            String::new()
        };
        std::fs::write(
            dir.path().join(format!("f{i}.plan")),
            format!("{next}task t{i} {{ effort 1d }}\n"),
        )
        .expect("write");
    }
    std::fs::write(
        dir.path().join("main.plan"),
        format!("{PROJECT}include \"f0.plan\"\n"),
    )
    .expect("write");
    dir
}

#[test]
fn a_deep_chain_of_includes() {
    let dir = include_chain(100);
    assert_codes(
        &check_file("deep includes", dir.path().join("main.plan")),
        &[],
    );
}

/// Known bug: each include nests the loader (and a pest parse) one level
/// deeper; at about 300 levels on a 2 MiB stack pest's stack guard fires
/// and planc reports "expected stack limit reached, found `task`" (E0001)
/// in files that are fine. The CLI's 256 MiB stack hides it.
#[test]
fn a_very_deep_chain_of_includes_on_a_small_stack() {
    // Includes nest at most 100 deep: a clear error, never a crash or a
    // bogus syntax error.
    let dir = include_chain(999);
    assert_codes(
        &check_file("very deep includes", dir.path().join("main.plan")),
        &["E0003"],
    );
}

/// Text made of the characters plans are made of, so that the parser gets
/// past its first token more often than with arbitrary text.
fn plan_like() -> impl Strategy<Value = String> {
    let tokens = prop_oneof![
        Just("project".to_string()),
        Just("task".to_string()),
        Just("milestone".to_string()),
        Just("resource".to_string()),
        Just("calendar".to_string()),
        Just("include".to_string()),
        Just("after".to_string()),
        Just("start of".to_string()),
        Just("effort".to_string()),
        Just("assign".to_string()),
        Just("any of".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("\"".to_string()),
        Just("\"\"\"".to_string()),
        Just("\\".to_string()),
        Just(",".to_string()),
        Just("..".to_string()),
        Just("#".to_string()),
        Just("\n".to_string()),
        Just(" ".to_string()),
        Just("2027-02-30".to_string()),
        Just("25:00".to_string()),
        Just("3d".to_string()),
        Just("+ 2d".to_string()),
        Just("150%".to_string()),
        Just("9999999999999999999999".to_string()),
        "[a-z_][a-z0-9_.]{0,8}",
        "[0-9]{1,4}(\\.[0-9]{1,3})?(min|h|d|w|%|/d|/h)?",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(tokens, 0..80).prop_map(|parts| parts.join(" "))
}

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize),
    Insert(usize, char),
    Replace(usize, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    let ch = prop_oneof![
        4 => prop::sample::select(vec!['{', '}', '"', '\\', '.', ',', '#', '\n', ' ', '%', ':', '-', '+', '/', '0', '9', 'd', 'a', '_']),
        1 => any::<char>(),
    ];
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), ch.clone()).prop_map(|(i, c)| Edit::Insert(i, c)),
        (any::<usize>(), ch).prop_map(|(i, c)| Edit::Replace(i, c)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let len = chars.len().max(1);
        match *e {
            Edit::Delete(i) if !chars.is_empty() => {
                chars.remove(i % len);
            }
            Edit::Delete(_) => {}
            Edit::Insert(i, c) => chars.insert(i % (chars.len() + 1), c),
            Edit::Replace(i, c) if !chars.is_empty() => chars[i % len] = c,
            Edit::Replace(..) => {}
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        check("random bytes", text);
    }

    #[test]
    fn random_plan_like_text_never_panics(text in plan_like()) {
        check("random plan-like text", text);
    }

    #[test]
    fn a_mutated_valid_plan_never_panics(edits in prop::collection::vec(edit(), 1..12)) {
        let text = apply(SPEC_EXAMPLE, &edits);
        check("mutated plan", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Raw bytes from a file go through the UTF-8 check of the loader.
    #[test]
    fn random_files_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("random.plan");
        std::fs::write(&path, &bytes).expect("write");
        guarded("random file", move || {
            let loaded = planc::load(&path, &LoadOptions::default()).expect("loads");
            planc::check(&loaded).diagnostics.len()
        });
    }
}

// ------------------------------------------------------------------ CLI

fn planc() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_planc"));
    cmd.env("RUST_BACKTRACE", "1").env("NO_COLOR", "1");
    cmd
}

/// Runs planc with `args`, feeding `stdin`; returns (exit code, stdout, stderr).
fn run(args: &[&str], stdin: &[u8]) -> (Option<i32>, String, String) {
    use std::io::Write;
    let mut child = planc()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planc runs");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin).expect("write stdin");
    drop(input);
    let out = child.wait_with_output().expect("planc finishes");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const BAD_PLAN: &str = "project \"P\" { start 2027-02-30 }\ntask t { effort 3 d }\ntask u { after nowhere  effort 1d }\n";

fn bad_plan_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("bad.plan");
    std::fs::write(&path, BAD_PLAN).expect("write");
    let path = path.to_str().expect("UTF-8 temp path").to_string();
    (dir, path)
}

fn assert_no_crash(stderr: &str) {
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.to_lowercase().contains("backtrace"), "{stderr}");
    assert!(!stderr.contains("internal error"), "{stderr}");
}

#[test]
fn cli_bad_plan_exits_1_without_a_backtrace() {
    let (_dir, path) = bad_plan_file();
    let (code, _, stderr) = run(&["check", &path], b"");
    assert_eq!(code, Some(1), "{stderr}");
    assert_no_crash(&stderr);
    for c in ["E0001", "E0101", "E0201"] {
        assert!(stderr.contains(c), "{c} missing from: {stderr}");
    }
    assert!(stderr.contains("3 errors"), "{stderr}");
}

#[test]
fn cli_nesting_bomb_exits_1() {
    let text = format!("{PROJECT}{}", "task t { ".repeat(10_000));
    let (code, _, stderr) = run(&["check", "-"], text.as_bytes());
    assert_eq!(code, Some(1), "{stderr}");
    assert_no_crash(&stderr);
    assert!(stderr.contains("E0003"), "{stderr}");
}

#[test]
fn cli_missing_file_exits_2() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("no-such.plan");
    let (code, stdout, stderr) = run(&["check", path.to_str().expect("UTF-8")], b"");
    assert_eq!(code, Some(2), "{stderr}");
    assert_no_crash(&stderr);
    assert!(stderr.contains("no-such.plan"), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
}

#[test]
fn cli_bad_arguments_exit_2() {
    let (code, _, stderr) = run(&["check", "--message-format", "xml", "x.plan"], b"");
    assert_eq!(code, Some(2), "{stderr}");
    let (code, _, stderr) = run(&["frobnicate"], b"");
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn cli_good_plan_exits_0() {
    let (code, stdout, stderr) = run(&["check", "-"], SPEC_EXAMPLE.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_no_crash(&stderr);
}

#[test]
fn cli_long_dependency_chain_and_cycle() {
    let (code, _, stderr) = run(&["check", "-"], chain(20_000, false).as_bytes());
    assert_eq!(code, Some(0), "{}", &stderr[..stderr.len().min(2000)]);
    let (code, _, stderr) = run(&["check", "-"], chain(20_000, true).as_bytes());
    assert_eq!(code, Some(1), "{}", &stderr[..stderr.len().min(2000)]);
    assert_no_crash(&stderr);
    assert_eq!(
        stderr.matches("error[E0303]").count(),
        1,
        "one cycle, reported once"
    );
}

#[test]
fn cli_deep_chain_of_includes() {
    // Past the limit of 100 nested includes: one clear error, no crash.
    let dir = include_chain(999);
    let main = dir.path().join("main.plan");
    let (code, _, stderr) = run(&["check", main.to_str().expect("UTF-8")], b"");
    assert_eq!(code, Some(1), "{stderr}");
    assert_no_crash(&stderr);
    assert_eq!(stderr.matches("error[E0003]").count(), 1, "{stderr}");
}

#[test]
fn cli_json_is_one_object_per_line() {
    let (_dir, path) = bad_plan_file();
    let (code, stdout, stderr) = run(&["check", "--message-format", "json", &path], b"");
    assert_eq!(code, Some(1), "{stderr}");
    assert_no_crash(&stderr);
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    for line in &lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        let obj = v
            .as_object()
            .unwrap_or_else(|| panic!("not an object: {line}"));
        for key in [
            "code",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "help",
        ] {
            assert!(obj.contains_key(key), "no `{key}` in {line}");
        }
        assert!(
            obj["code"].is_string() && obj["message"].is_string(),
            "{line}"
        );
        assert_eq!(obj["severity"], "error", "{line}");
        assert!(
            obj["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("bad.plan")),
            "{line}"
        );
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(
                obj[key].as_u64().is_some_and(|n| n >= 1),
                "`{key}` in {line}"
            );
        }
        assert!(obj["help"].is_string() || obj["help"].is_null(), "{line}");
    }
    let first: serde_json::Value = serde_json::from_str(lines[0]).expect("JSON");
    assert_eq!(first["code"], "E0101");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(1), Some(21))
    );
    assert_eq!(
        (first["end_line"].as_u64(), first["end_column"].as_u64()),
        (Some(1), Some(31))
    );
}

#[test]
fn cli_reads_standard_input() {
    let (code, _, stderr) = run(&["check", "-"], BAD_PLAN.as_bytes());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("<stdin>:1:21"), "{stderr}");
    let (code, stdout, stderr) = run(
        &["check", "--message-format", "json", "-"],
        BAD_PLAN.as_bytes(),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stdout.lines().all(|l| l.contains("\"file\":\"<stdin>\"")),
        "{stdout}"
    );
}

#[test]
fn cli_invalid_utf8_on_standard_input() {
    let (code, stdout, stderr) = run(
        &["check", "--message-format", "json", "-"],
        b"project \"\xff\" { start 2027-01-04 }",
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert_no_crash(&stderr);
    let v: serde_json::Value =
        serde_json::from_str(stdout.lines().next().expect("one line")).expect("JSON");
    assert_eq!(v["code"], "E0002");
    assert!(
        v["message"]
            .as_str()
            .is_some_and(|m| m.contains("offset 9")),
        "{v}"
    );
}

/// A team of 3,000 assigned to each of 1,000 tasks (a 100 KB plan) books
/// three million resource slots. Levelling it took minutes: every retry
/// of a task asked all 3,000 resources, each walking the whole chain of
/// earlier bookings, and the order search paid that for each of its
/// schedules. A bound of one minute on a job of seconds: the fan-out must
/// cost about what its bookings do.
#[test]
fn a_team_on_every_task_levels_in_seconds() {
    let mut text = String::from(PROJECT);
    let members: Vec<String> = (0..3000).map(|i| format!("m{i}")).collect();
    for m in &members {
        text.push_str(&format!("resource {m}\n"));
    }
    text.push_str(&format!("team t {{ resource {} }}\n", members.join(", ")));
    for i in 0..1000 {
        text.push_str(&format!("task x{i} {{ effort 2d  assign t }}\n"));
    }
    let started = std::time::Instant::now();
    let scheduled = guarded("team fan-out", move || {
        let loaded = planc::syntax::load_str("fan.plan", &text, None, &LoadOptions::default());
        let compiled = planc::compile(&loaded, &planc::schedule::Options::default());
        compiled.schedule.map(|s| s.end)
    });
    let took = started.elapsed();
    assert!(scheduled.is_some(), "the plan did not schedule");
    assert!(
        took < Duration::from_secs(60),
        "a team of 3,000 on 1,000 tasks took {took:?}"
    );
}
