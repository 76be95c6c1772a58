//! The `planc` command line as a user meets it: exit codes, help, version,
//! messages for wrong flags, `init`, `completions`, standard input and the
//! refusal to write over a plan.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;
use common::planc;

fn planc_with_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_planc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planc runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const GOOD: &str = "project \"Good\" { start 2027-01-04 }\ntask work \"Work\" { duration 2d }\n";
const BROKEN: &str =
    "project \"Broken\" { start 2027-01-04 }\ntask work \"Work\" { after nowhere  duration 2d }\n";

fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn exit_codes_are_zero_one_and_two() {
    let dir = folder_with(&[("good.plan", GOOD), ("broken.plan", BROKEN)]);
    let at = dir.path();
    assert_eq!(planc(at, &["check", "good.plan"]).status.code(), Some(0));
    assert_eq!(
        planc(at, &["build", "good.plan", "-o", "out.json"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(planc(at, &["check", "broken.plan"]).status.code(), Some(1));
    assert_eq!(
        planc(at, &["build", "broken.plan", "-o", "out2.json"])
            .status
            .code(),
        Some(1)
    );
    assert!(
        !at.join("out2.json").exists(),
        "a broken plan writes nothing"
    );
    assert_eq!(planc(at, &["check", "missing.plan"]).status.code(), Some(2));
    assert_eq!(
        planc(at, &["build", "good.plan", "--no-such-flag"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(planc(at, &["frobnicate"]).status.code(), Some(2));
    assert_eq!(planc(at, &[]).status.code(), Some(2));
    let unwritable = planc(at, &["build", "good.plan", "-o", "no/such/folder/out.json"]);
    assert_eq!(unwritable.status.code(), Some(2), "{}", stderr(&unwritable));
}

#[test]
fn version_prints_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let output = planc(dir.path(), &["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output).trim(),
        format!("planc {}", env!("CARGO_PKG_VERSION"))
    );
}

/// The subcommands `planc --help` lists (without `help` itself).
fn subcommands(dir: &Path) -> Vec<String> {
    let help = stdout(&planc(dir, &["--help"]));
    let listed = help.split("Commands:").nth(1).unwrap_or("");
    listed
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect()
}

#[test]
fn every_help_shows_examples() {
    let dir = tempfile::tempdir().unwrap();
    let names = subcommands(dir.path());
    for expected in ["check", "build", "watch", "init", "completions"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} is listed: {names:?}"
        );
    }
    let mut all = vec![vec!["--help".to_string()]];
    all.extend(names.into_iter().map(|n| vec![n, "--help".to_string()]));
    for args in all {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = planc(dir.path(), &args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let text = stdout(&output);
        assert!(text.contains("Examples:"), "{args:?}:\n{text}");
        assert!(text.contains("planc "), "{args:?}:\n{text}");
    }
}

#[test]
fn watch_help_says_it_serves_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(&planc(dir.path(), &["watch", "--help"]));
    assert!(text.contains("127.0.0.1"), "{text}");
}

#[test]
fn a_wrong_flag_says_what_to_type_instead() {
    let dir = folder_with(&[("good.plan", GOOD)]);
    let output = planc(dir.path(), &["build", "good.plan", "--json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--format json"),
        "{}",
        stderr(&output)
    );

    let output = planc(dir.path(), &["build", "good.plan", "--out", "x.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("-o"), "{}", stderr(&output));

    let output = planc(dir.path(), &["build", "good.plan", "--watch"]);
    assert!(
        stderr(&output).contains("planc watch"),
        "{}",
        stderr(&output)
    );

    let output = planc(dir.path(), &["good.plan"]);
    assert!(
        stderr(&output).contains("planc check good.plan"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn init_writes_a_plan_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let output = planc(dir.path(), &["init", "roadmap"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(dir.path().join("roadmap.plan")).unwrap();
    assert!(written.contains("project \"Roadmap\""), "{written}");
    assert!(
        written
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            > 5,
        "it is commented"
    );

    let built = planc(dir.path(), &["build", "roadmap.plan", "-o", "roadmap.json"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert!(stderr(&built).is_empty(), "no warnings: {}", stderr(&built));
    let json = std::fs::read_to_string(dir.path().join("roadmap.json")).unwrap();
    assert!(json.contains("Roadmap"));
}

#[test]
fn init_writes_a_plan_that_is_fmt_clean() {
    let dir = tempfile::tempdir().unwrap();
    let output = planc(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let check = planc(dir.path(), &["fmt", "--check", "plan.plan"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
}

#[test]
fn init_never_overwrites() {
    let dir = folder_with(&[("plan.plan", "mine")]);
    let output = planc(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("plan.plan")).unwrap(),
        "mine"
    );
}

#[test]
fn completions_for_bash_are_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let output = planc(dir.path(), &["completions", "bash"]);
    assert_eq!(output.status.code(), Some(0));
    let script = stdout(&output);
    assert!(script.contains("planc"), "{script}");
    assert!(script.contains("watch"), "subcommands are completed");
    let wrong = planc(dir.path(), &["completions", "cmd.exe"]);
    assert_eq!(wrong.status.code(), Some(2));
}

#[test]
fn an_output_named_like_a_plan_is_refused() {
    let dir = folder_with(&[("good.plan", GOOD)]);
    let output = planc(dir.path(), &["build", "good.plan", "-o", "out.plan"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("refusing"), "{}", stderr(&output));
    assert!(!dir.path().join("out.plan").exists());

    let output = planc(
        dir.path(),
        &["build", "good.plan", "-o", "good.plan", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("good.plan")).unwrap(),
        GOOD
    );
}

#[test]
fn a_dash_reads_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let checked = planc_with_stdin(dir.path(), &["check", "-"], GOOD);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    let broken = planc_with_stdin(dir.path(), &["check", "-"], BROKEN);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stderr(&broken).contains("<stdin>"), "{}", stderr(&broken));
    let built = planc_with_stdin(dir.path(), &["build", "-", "--format", "json"], GOOD);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let json: serde_json::Value =
        serde_json::from_slice(&built.stdout).expect("JSON on standard output");
    assert_eq!(json["project"]["title"], "Good");
}

#[test]
fn watch_refuses_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let output = planc(dir.path(), &["watch", "-", "-o", "out.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("planc build -"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn watch_without_an_output_or_serve_is_a_usage_error() {
    let dir = folder_with(&[("good.plan", GOOD)]);
    let output = planc(dir.path(), &["watch", "good.plan"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--output"), "{}", stderr(&output));
}

#[test]
fn serve_before_the_plan_is_explained() {
    let dir = folder_with(&[("good.plan", GOOD)]);
    let output = planc(dir.path(), &["watch", "--serve", "good.plan"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("planc watch good.plan --serve"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_mermaid_chart_too_long_for_github_is_warned_about() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut plan = String::from("project \"Big\" { start 2027-01-04 }\n");
    for i in 0..2_000 {
        plan.push_str(&format!(
            "task t{i} \"A task with a fairly long title {i}\" {{ duration 1d }}\n"
        ));
    }
    std::fs::write(dir.path().join("big.plan"), plan).expect("write plan");
    let out = planc(dir.path(), &["build", "big.plan", "-o", "big.mmd"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("GitHub shows Mermaid charts of at most 50000"),
        "{}",
        stderr(&out)
    );
    let small = planc(
        dir.path(),
        &["build", "big.plan", "--depth", "1", "-o", "small.json"],
    );
    assert!(!stderr(&small).contains("GitHub"), "{}", stderr(&small));
}

#[test]
fn dash_as_the_output_is_standard_output() {
    let dir = folder_with(&[("good.plan", GOOD)]);
    let at = dir.path();
    for format in ["json", "mermaid"] {
        let dashed = planc(at, &["build", "good.plan", "--format", format, "-o", "-"]);
        let plain = planc(at, &["build", "good.plan", "--format", format]);
        assert_eq!(dashed.status.code(), Some(0), "{}", stderr(&dashed));
        assert!(!stdout(&dashed).is_empty());
        assert_eq!(stdout(&dashed), stdout(&plain));
        assert!(!at.join("-").exists(), "no file named `-`");
    }
    // `watch` writes a file on every save: standard output is refused.
    let watched = planc(at, &["watch", "good.plan", "-o", "-"]);
    assert_eq!(watched.status.code(), Some(2), "{}", stderr(&watched));
    assert!(stderr(&watched).contains("writes a file on every save"));
    assert!(!at.join("-").exists());
}

/// An output that is a pipe (or a device, like `/dev/null`) is written to,
/// not replaced by a file renamed over it.
#[cfg(unix)]
#[test]
fn a_pipe_as_the_output_stays_a_pipe() {
    use std::os::unix::fs::FileTypeExt;
    let dir = folder_with(&[("good.plan", GOOD)]);
    let fifo = dir.path().join("out.json");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    // A process of its own reads the pipe, so that it can be stopped if
    // the pipe is replaced (its reader would wait for ever).
    let mut reader = Command::new("cat")
        .arg(&fifo)
        .stdout(Stdio::piped())
        .spawn()
        .expect("cat runs");
    let built = planc(dir.path(), &["build", "good.plan", "-o", "out.json"]);
    let kind = std::fs::symlink_metadata(&fifo)
        .expect("the output")
        .file_type();
    if !kind.is_fifo() {
        let _ = reader.kill();
        panic!("the pipe was replaced by {kind:?}");
    }
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let read = reader.wait_with_output().expect("the reader ends");
    let text = String::from_utf8_lossy(&read.stdout);
    assert!(
        text.starts_with('{') && text.contains("\"tasks\""),
        "{text}"
    );
}

/// With a status date the schedule is a forecast; `--as-planned` gives
/// the plan of day one, and `check` takes the flag too.
#[test]
fn as_planned_ignores_actuals_and_the_status_date() {
    let plan = "project \"Tracked\" { start 2027-01-04  now 2027-01-11 }\n\
                task a { duration 2d  started 2027-01-04  finished 2027-01-07 }\n\
                task b { after a  duration 2d }\n";
    let dir = folder_with(&[("tracked.plan", plan)]);
    let at = dir.path();
    let forecast = planc(
        at,
        &["build", "tracked.plan", "--format", "json", "-o", "-"],
    );
    assert_eq!(forecast.status.code(), Some(0), "{}", stderr(&forecast));
    let json: serde_json::Value = serde_json::from_str(&stdout(&forecast)).unwrap();
    assert_eq!(json["schema"], "planc/2");
    assert_eq!(json["tasks"][0]["end"], "2027-01-07T17:00");
    assert_eq!(json["tasks"][0]["state"], "done");
    assert_eq!(json["tasks"][1]["start"], "2027-01-11T09:00");
    assert_eq!(json["tasks"][1]["state"], "not_started");
    let planned = planc(
        at,
        &[
            "build",
            "tracked.plan",
            "--as-planned",
            "--format",
            "json",
            "-o",
            "-",
        ],
    );
    assert_eq!(planned.status.code(), Some(0), "{}", stderr(&planned));
    let json: serde_json::Value = serde_json::from_str(&stdout(&planned)).unwrap();
    assert_eq!(json["tasks"][0]["end"], "2027-01-05T17:00");
    assert_eq!(json["tasks"][1]["start"], "2027-01-06T09:00");
    assert_eq!(json["tasks"][0]["state"], "done");
    let check = planc(at, &["check", "tracked.plan", "--as-planned"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}
