//! `planc diff` as a user meets it: a real git repository made by the test
//! (a slip, a new critical path, a renamed task, an include changed, a
//! reformat), golden reports in text, Markdown and JSON, a slip counted by
//! hand across a weekend and a holiday, `--max-slip` exit codes, JSON
//! schedules as inputs, errors named by side, and `git diff` through the
//! external-diff driver.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::planc;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs git in `dir` as a fixed user, without the machine's own settings.
fn git(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2027-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2027-01-01T00:00:00Z")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn has_git() -> bool {
    Command::new("git").arg("--version").output().is_ok()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn commit(dir: &Path, tag: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", tag]);
    git(dir, &["tag", tag]);
}

const BASE: &str = r#"project "Launch" {
  start    2027-01-04
  deadline 2027-02-26
  currency EUR
  budget   20000
}

resource alice "Alice" { rate 500/d }
resource bob   "Bob"   { rate 400/d }

include "qa.plan"

task build "Build" {
  task backend  "Backend"  { effort 10d  assign alice }
  task frontend "Frontend" { effort 8d  assign bob }
}
task docs "Write the docs" { after build.backend  effort 3d  assign bob }
milestone launch "Launch" { after build, qa  deadline 2027-02-05 }
"#;

const QA: &str = "task qa \"QA\" { after build  duration 3d }\n";

/// The repository: tags `base`, `slip` (the backend takes longer),
/// `critical` (the docs grow past the launch), `rename` (`docs` becomes
/// `manual`), `include` (a new included file, and the included QA longer),
/// `reformat` (comments and spacing only).
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "plan.plan", BASE);
    write(d, "qa.plan", QA);
    commit(d, "base");
    let slip = BASE.replace("effort 10d", "effort 15d");
    write(d, "plan.plan", &slip);
    commit(d, "slip");
    let critical = slip.replace("effort 3d", "effort 20d");
    write(d, "plan.plan", &critical);
    commit(d, "critical");
    let rename = critical.replace("task docs ", "task manual ");
    write(d, "plan.plan", &rename);
    commit(d, "rename");
    let include = rename.replace(
        "include \"qa.plan\"\n",
        "include \"qa.plan\"\ninclude \"ops.plan\"\n",
    );
    write(d, "plan.plan", &include);
    write(
        d,
        "qa.plan",
        "task qa \"QA\" { after build  duration 4d }\n",
    );
    write(
        d,
        "ops.plan",
        "task deploy \"Deploy\" { after qa  duration 1d }\n",
    );
    commit(d, "include");
    let reformat = format!(
        "# The launch plan, reformatted.\n{}",
        include.replace(
            "  start    2027-01-04",
            "  start 2027-01-04  # the kick-off"
        )
    );
    write(d, "plan.plan", &reformat);
    commit(d, "reformat");
    dir
}

fn diff(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    planc(dir, &all)
}

fn json_diff(dir: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let out = diff(dir, &all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("the diff's JSON parses")
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn golden_reports_for_each_kind_of_change() {
    if !has_git() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let repo = repository();
    let d = repo.path();
    for (from, to) in [
        ("base", "slip"),
        ("slip", "critical"),
        ("critical", "rename"),
        ("rename", "include"),
        ("include", "reformat"),
    ] {
        let out = diff(d, &["plan.plan", "--from", from, "--to", to]);
        assert_eq!(out.status.code(), Some(0), "{from}..{to}: {}", stderr(&out));
        insta::assert_snapshot!(format!("diff_text_{from}_{to}"), stdout(&out));
    }
    let md = diff(
        d,
        &[
            "plan.plan",
            "--from",
            "base",
            "--to",
            "include",
            "--format",
            "markdown",
        ],
    );
    insta::assert_snapshot!("diff_markdown_base_include", stdout(&md));
    let json = diff(
        d,
        &[
            "plan.plan",
            "--from",
            "base",
            "--to",
            "include",
            "--format",
            "json",
        ],
    );
    insta::assert_snapshot!("diff_json_base_include", stdout(&json));
}

#[test]
fn a_renamed_task_is_one_rename_not_a_removal_and_an_addition() {
    if !has_git() {
        return;
    }
    let repo = repository();
    let r = json_diff(
        repo.path(),
        &["plan.plan", "--from", "critical", "--to", "rename"],
    );
    assert_eq!(
        r["renamed"],
        serde_json::json!([{"old": "docs", "new": "manual"}])
    );
    assert!(
        ids(&r["added"]).is_empty() && ids(&r["removed"]).is_empty(),
        "{r}"
    );
    assert!(r["moved"].as_array().unwrap().is_empty(), "{r}");
}

#[test]
fn an_include_added_at_one_revision_is_read_at_that_revision() {
    if !has_git() {
        return;
    }
    let repo = repository();
    let r = json_diff(
        repo.path(),
        &["plan.plan", "--from", "rename", "--to", "include"],
    );
    assert_eq!(ids(&r["added"]), ["deploy"]);
    let moved: Vec<&str> = r["moved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert!(moved.contains(&"qa"), "{r}");
    let qa = r["changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "qa")
        .expect("qa changed");
    assert_eq!(qa["what"], serde_json::json!(["duration 3d -> 4d"]));
}

#[test]
fn a_reformat_is_no_schedule_change() {
    if !has_git() {
        return;
    }
    let repo = repository();
    let out = diff(
        repo.path(),
        &["plan.plan", "--from", "include", "--to", "reformat"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "include -> reformat: Launch: no schedule change\n"
    );
    let md = diff(
        repo.path(),
        &[
            "plan.plan",
            "--from",
            "include",
            "--to",
            "reformat",
            "--format",
            "markdown",
        ],
    );
    assert_eq!(stdout(&md), "**Launch: no schedule change**\n");
}

#[test]
fn a_plan_against_itself_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.plan", BASE);
    write(dir.path(), "qa.plan", QA);
    let r = json_diff(dir.path(), &["plan.plan", "plan.plan"]);
    for key in [
        "milestones",
        "critical_joined",
        "critical_left",
        "added",
        "removed",
        "renamed",
        "moved",
        "changed",
        "overallocations_new",
        "overallocations_gone",
    ] {
        assert_eq!(r[key], serde_json::json!([]), "{key}");
    }
    assert_eq!(r["end"]["slip_days"], 0.0);
    let text = diff(dir.path(), &["plan.plan", "plan.plan"]);
    assert!(stdout(&text).ends_with("Launch: no schedule change\n"));
}

#[test]
fn head_against_the_working_tree() {
    if !has_git() {
        return;
    }
    let repo = repository();
    let d = repo.path();
    let now = std::fs::read_to_string(d.join("plan.plan")).unwrap();
    write(
        d,
        "plan.plan",
        &now.replace("effort 8d  assign bob", "effort 8d  assign alice"),
    );
    let r = json_diff(d, &["plan.plan"]);
    assert_eq!(r["old"], "HEAD");
    assert_eq!(r["new"], "working tree");
    let frontend = r["changed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "build.frontend")
        .expect("the frontend changed");
    assert_eq!(
        frontend["what"],
        serde_json::json!(["assigned bob -> alice"])
    );
    // Alice now does both: one of them waits, and says for whom.
    let waits = r["moved"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["why"].as_str().unwrap().contains("`alice`") || m["id"] == "build.frontend");
    assert!(waits, "{r}");
}

/// Built-in calendar (Mon..Fri 09:00..17:00) with a holiday on Monday
/// 2027-01-11. Old: `a` takes 4 days from Monday 2027-01-04, ending
/// Thursday 7th 17:00. New: 6 days: Mon 4th..Fri 8th is five, the weekend
/// and the holiday are skipped, the sixth is Tuesday 12th. The slip is
/// the working time from Thursday 17:00 to Tuesday 17:00: Friday and
/// Tuesday, 2 working days (5 calendar days). The deadline, Friday 8th,
/// was met and is missed.
const SLIP_OLD: &str = r#"project "Slip" { start 2027-01-04  calendar work }
calendar work { workdays mon..fri  hours 09:00..17:00  holiday 2027-01-11 "Closed" }
task a "A" { duration 4d }
milestone done "Done" { after a  deadline 2027-01-08 }
"#;

#[test]
fn a_slip_is_counted_in_working_days_across_a_weekend_and_a_holiday() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "old.plan", SLIP_OLD);
    write(
        d,
        "new.plan",
        &SLIP_OLD.replace("duration 4d", "duration 6d"),
    );
    let r = json_diff(d, &["old.plan", "new.plan"]);
    assert_eq!(r["end"]["old"], "2027-01-07T17:00");
    assert_eq!(r["end"]["new"], "2027-01-12T17:00");
    assert_eq!(r["end"]["slip_days"], 2.0);
    let m = &r["milestones"][0];
    assert_eq!(m["id"], "done");
    assert_eq!(m["slip_days"], 2.0);
    assert_eq!(m["deadline_met_old"], true);
    assert_eq!(m["deadline_met_new"], false);
    assert_eq!(r["moved"][0]["why"], "duration 4d -> 6d");
    // The same slip read from two JSON schedules: the calendar they carry
    // counts the weekend and the holiday out just the same.
    for (plan, json) in [("old.plan", "old.json"), ("new.plan", "new.json")] {
        let out = planc(d, &["build", plan, "-o", json]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let from_json = json_diff(d, &["old.json", "new.json"]);
    assert_eq!(from_json["end"], r["end"]);
    assert_eq!(from_json["milestones"], r["milestones"]);
}

#[test]
fn max_slip_exits_1_only_beyond_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "old.plan", SLIP_OLD);
    write(
        d,
        "new.plan",
        &SLIP_OLD.replace("duration 4d", "duration 6d"),
    );
    for (limit, code) in [
        ("2d", 0),
        ("16h", 0),
        ("1w", 0),
        ("1d", 1),
        ("15h", 1),
        ("0d", 1),
    ] {
        let out = diff(d, &["old.plan", "new.plan", "--max-slip", limit]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "--max-slip {limit}: {}",
            stderr(&out)
        );
        if code == 1 {
            assert!(
                stderr(&out).contains("the project end slips 2 working days"),
                "{}",
                stderr(&out)
            );
            assert!(stderr(&out).contains("`done` slips 2 working days"));
        }
    }
    // Nothing slips, so no limit is exceeded; earlier is never a slip.
    let same = diff(d, &["old.plan", "old.plan", "--max-slip", "0d"]);
    assert_eq!(same.status.code(), Some(0));
    let earlier = diff(d, &["new.plan", "old.plan", "--max-slip", "0d"]);
    assert_eq!(earlier.status.code(), Some(0), "{}", stderr(&earlier));
    let bad = diff(d, &["old.plan", "new.plan", "--max-slip", "2"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_json_schedule_and_a_plan_diff_like_two_plans() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "qa.plan", QA);
    write(d, "old.plan", BASE);
    write(d, "new.plan", &BASE.replace("effort 10d", "effort 15d"));
    let out = planc(d, &["build", "old.plan", "-o", "old.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut plans = json_diff(d, &["old.plan", "new.plan"]);
    let mut mixed = json_diff(d, &["old.json", "new.plan"]);
    assert_eq!(mixed["old"], "old.json");
    plans["old"] = Value::Null;
    mixed["old"] = Value::Null;
    assert_eq!(plans, mixed);
    // Lags, leads, part-time demands, a pool, start-to-start and
    // finish-to-finish links read the same from a plan and from its JSON.
    let rich = r#"project "Rich" { start 2027-01-04 }
resource alice "Alice" { capacity 50% }
resource qa "QA pool" { units 3 }
task a "A" { effort 4d  assign alice }
task b "B" { after start of a + 1d  duration 2d  assign 2 qa }
task c "C" { finish after a - 2h  effort 1d  assign qa 50% }
"#;
    write(d, "rich-old.plan", rich);
    write(
        d,
        "rich-new.plan",
        &rich.replace("+ 1d", "+ 2d").replace("qa 50%", "alice 50%"),
    );
    let out = planc(d, &["build", "rich-old.plan", "-o", "rich-old.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut plans = json_diff(d, &["rich-old.plan", "rich-new.plan"]);
    let mut mixed = json_diff(d, &["rich-old.json", "rich-new.plan"]);
    assert!(!plans["changed"].as_array().unwrap().is_empty(), "{plans}");
    plans["old"] = Value::Null;
    mixed["old"] = Value::Null;
    assert_eq!(plans, mixed);
    let mut plans = json_diff(d, &["old.plan", "new.plan"]);
    plans["old"] = Value::Null;
    // A JSON file without the extension is recognised by its content.
    std::fs::copy(d.join("old.json"), d.join("old-schedule")).unwrap();
    let mut sniffed = json_diff(d, &["old-schedule", "new.plan"]);
    sniffed["old"] = Value::Null;
    assert_eq!(plans, sniffed);
}

#[test]
fn errors_in_one_side_are_named_by_that_side() {
    if !has_git() {
        return;
    }
    let repo = repository();
    let d = repo.path();
    write(
        d,
        "plan.plan",
        &BASE.replace("after build.backend", "after nowhere"),
    );
    commit(d, "broken");
    git(d, &["checkout", "-q", "include"]);
    let out = diff(d, &["plan.plan", "--from", "broken"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("at broken: plan.plan:17:"), "{err}");
    assert!(err.contains("nowhere"), "{err}");
    assert!(!err.contains("backtrace"), "{err}");
    let unknown = diff(d, &["plan.plan", "--from", "no-such-tag"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown revision `no-such-tag`"));
}

#[test]
fn outside_a_repository_a_revision_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.plan", BASE);
    write(dir.path(), "qa.plan", QA);
    let out = Command::new(env!("CARGO_BIN_EXE_planc"))
        .args(["diff", "plan.plan"])
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not in a git repository"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn output_files_pick_the_format_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "old.plan", SLIP_OLD);
    write(
        d,
        "new.plan",
        &SLIP_OLD.replace("duration 4d", "duration 6d"),
    );
    assert_eq!(
        diff(d, &["old.plan", "new.plan", "-o", "d.md"])
            .status
            .code(),
        Some(0)
    );
    let md = std::fs::read_to_string(d.join("d.md")).unwrap();
    assert!(
        md.starts_with("**Slip slips 2 working days: 2027-01-07 -> 2027-01-12, now missing its deadline: `done`**"),
        "{md}"
    );
    assert_eq!(
        diff(d, &["old.plan", "new.plan", "-o", "d.json"])
            .status
            .code(),
        Some(0)
    );
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("d.json")).unwrap()).unwrap();
    assert_eq!(j["schema"], "planc-diff/1");
    let refused = diff(d, &["old.plan", "new.plan", "-o", "new.plan"]);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(d.join("new.plan")).unwrap(),
        SLIP_OLD.replace("duration 4d", "duration 6d")
    );
}

#[test]
fn git_diff_shows_schedule_changes_through_the_driver() {
    if !has_git() {
        return;
    }
    let repo = repository();
    let d = repo.path();
    write(d, ".gitattributes", "*.plan diff=planc\n");
    let command = format!("{} diff --git-driver", env!("CARGO_BIN_EXE_planc"));
    git(d, &["config", "diff.planc.command", &command]);
    let now = std::fs::read_to_string(d.join("plan.plan")).unwrap();
    write(d, "plan.plan", &now.replace("effort 8d", "effort 30d"));
    write(
        d,
        "qa.plan",
        "task qa \"QA\" { after build  duration 5d }\n",
    );
    let out = git(d, &["diff"]);
    let text = stdout(&out);
    assert!(
        text.contains("planc diff a/plan.plan b/plan.plan"),
        "{text}"
    );
    assert!(text.contains("old -> new: Launch slips"), "{text}");
    assert!(text.contains("effort 8d -> 30d"), "{text}");
    // The included part: a line naming its plan and a text diff.
    assert!(
        text.contains("qa.plan is part of a plan (no `project`), included by ./plan.plan"),
        "{text}"
    );
    assert!(
        text.contains("+task qa \"QA\" { after build  duration 5d }"),
        "{text}"
    );
    // History too, with --ext-diff.
    let log = git(d, &["log", "-p", "--ext-diff", "-1", "slip"]);
    assert!(
        stdout(&log).contains("effort 10d -> 15d"),
        "{}",
        stdout(&log)
    );
}

#[test]
fn diff_is_used_only_by_the_command_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let in_diff = rel.starts_with("diff/");
            for line in text.lines() {
                if in_diff && line.contains("crate::cli") {
                    found.push(format!("{rel}: {line}"));
                }
                if !in_diff && !rel.starts_with("cli/") && line.contains("crate::diff") {
                    found.push(format!("{rel}: {line}"));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Whether python3 with `yaml` and `jsonschema` is there; CI
/// (`PLANC_REQUIRE_PYTHON=1`, set by `.ci/run`) insists on it.
fn has_python_modules() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import yaml, jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("PLANC_REQUIRE_PYTHON").is_none(),
            "python3 with yaml and jsonschema is required (PLANC_REQUIRE_PYTHON is set)"
        );
        eprintln!("skipped: python3 with yaml and jsonschema is missing (apt-get install python3-yaml python3-jsonschema)");
    }
    ok
}

fn python(script: &str, args: &[&str]) -> Output {
    Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs")
}

#[test]
fn the_json_report_matches_its_schema() {
    if !has_git() || !has_python_modules() {
        return;
    }
    let repo = repository();
    let d = repo.path();
    let out = diff(
        d,
        &[
            "plan.plan",
            "--from",
            "base",
            "--to",
            "include",
            "-o",
            "d.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diff.schema.json");
    let check = python(
        "import json, sys, jsonschema\n\
         jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))",
        &[schema.to_str().unwrap(), d.join("d.json").to_str().unwrap()],
    );
    assert!(check.status.success(), "{}", stderr(&check));
}

/// Every `planc ...` line of the CI templates, with `$PLAN` and `$BASE`.
fn ci_commands(file: &Path) -> Vec<String> {
    let out = python(
        "import json, sys, yaml\n\
         def walk(v):\n\
         \x20   if isinstance(v, dict):\n\
         \x20       for x in v.values(): yield from walk(x)\n\
         \x20   elif isinstance(v, list):\n\
         \x20       for x in v: yield from walk(x)\n\
         \x20   elif isinstance(v, str):\n\
         \x20       yield v\n\
         doc = yaml.safe_load(open(sys.argv[1]))\n\
         print(json.dumps([l.strip() for s in walk(doc) for l in s.splitlines() if l.strip().startswith('planc ')]))",
        &[file.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{} does not parse: {}",
        file.display(),
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_ci_templates_parse_and_their_commands_are_accepted() {
    if !has_git() || !has_python_modules() {
        return;
    }
    let repo = repository();
    let d = repo.path();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_planc")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for template in [
        "docs/ci/github-plan-diff.yml",
        "docs/ci/gitlab-plan-diff.yml",
    ] {
        let commands = ci_commands(&root.join(template));
        for sub in ["planc check", "planc build", "planc diff"] {
            assert!(
                commands.iter().any(|c| c.starts_with(sub)),
                "{template} lacks `{sub}`"
            );
        }
        for command in commands {
            // `|| status=$?` keeps the job going; here the status is the point.
            let command = command.split(" || ").next().unwrap();
            let out = Command::new("sh")
                .args(["-c", command])
                .current_dir(d)
                .env("PATH", &path)
                .env("PLAN", "plan.plan")
                .env("BASE", "base")
                .output()
                .unwrap();
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{template}: `{command}` is refused: {}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn the_json_report_has_the_documented_fields() {
    // The schema's required keys are exactly the keys written, so the two
    // cannot drift apart even where python is missing.
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diff.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "old.plan", SLIP_OLD);
    write(
        dir.path(),
        "new.plan",
        &SLIP_OLD.replace("duration 4d", "duration 6d"),
    );
    let r = json_diff(dir.path(), &["old.plan", "new.plan"]);
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let required = |v: &Value| {
        let mut k = ids(&v["required"]);
        k.sort();
        k
    };
    assert_eq!(keys(&r), required(&schema));
    assert_eq!(keys(&r["end"]), required(&schema["properties"]["end"]));
    assert_eq!(keys(&r["cost"]), required(&schema["properties"]["cost"]));
    assert_eq!(
        keys(&r["moved"][0]),
        required(&schema["properties"]["moved"]["items"])
    );
    assert_eq!(
        keys(&r["milestones"][0]),
        required(&schema["properties"]["milestones"]["items"])
    );
}

#[test]
fn over_allocation_that_appears_and_goes_is_reported_under_no_level() {
    let plan = r#"project "Load" { start 2027-01-04 }
resource alice "Alice"
task a "A" { effort 2d  assign alice }
task b "B" { after a  effort 2d  assign alice }
"#;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "old.plan", plan);
    write(d, "new.plan", &plan.replace("after a  ", ""));
    let r = json_diff(d, &["old.plan", "new.plan", "--no-level"]);
    let new = ids(&r["overallocations_new"]);
    assert_eq!(new.len(), 1, "{r}");
    assert!(
        new[0].starts_with("`alice` is booked 2.00 units"),
        "{new:?}"
    );
    assert!(ids(&r["overallocations_gone"]).is_empty());
    let back = json_diff(d, &["new.plan", "old.plan", "--no-level"]);
    assert_eq!(ids(&back["overallocations_gone"]), new);
    // Levelled, `b` waits for alice instead, and says so.
    let levelled = json_diff(d, &["old.plan", "new.plan"]);
    assert!(ids(&levelled["overallocations_new"]).is_empty());
    assert_eq!(
        levelled["changed"][0]["what"],
        serde_json::json!(["dependencies after a -> none"])
    );
}

#[test]
fn scheduling_options_apply_to_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "old.plan", SLIP_OLD);
    write(
        d,
        "new.plan",
        &SLIP_OLD.replace("duration 4d", "duration 6d"),
    );
    for flags in [
        &["--no-level"][..],
        &["--level", "thorough"],
        &["--as-planned"],
    ] {
        let r = json_diff(d, &[&["old.plan", "new.plan"][..], flags].concat());
        assert_eq!(r["end"]["slip_days"], 2.0, "{flags:?}");
    }
    let both = diff(
        d,
        &["old.plan", "new.plan", "--no-level", "--level", "thorough"],
    );
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn a_broken_json_schedule_is_an_error_of_its_side_never_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "new.plan", SLIP_OLD);
    let out = planc(d, &["build", "new.plan", "-o", "good.json"]);
    assert_eq!(out.status.code(), Some(0));
    let good = std::fs::read_to_string(d.join("good.json")).unwrap();
    let broken = [
        ("not-json.json", "{ this is not json".to_string()),
        ("other.json", "{\"schema\": \"other/1\"}".to_string()),
        (
            "old-schema.json",
            good.replace("\"calendar\"", "\"calendar_was\""),
        ),
        (
            "bad-clock.json",
            good.replacen("09:00..17:00", "9999:00..17:00", 1),
        ),
        (
            "bad-moment.json",
            good.replacen("2027-01-04T09:00", "2027-13-04T09:00", 1),
        ),
        (
            "far-past.json",
            good.replacen("2027-01-04T09:00", "0001-01-01T00:00", 2),
        ),
        (
            "huge-day.json",
            good.replace("\"day_hours\": 8.0", "\"day_hours\": 1e300"),
        ),
    ];
    for (name, text) in broken {
        write(d, name, &text);
        let out = diff(d, &[name, "new.plan"]);
        let err = stderr(&out);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{name}: {err}");
        assert!(
            !err.contains("internal error") && !err.contains("panicked"),
            "{name}: {err}"
        );
        if out.status.code() == Some(1) {
            assert!(err.starts_with(&format!("at {name}: ")), "{name}: {err}");
        }
    }
}

#[test]
fn a_long_markdown_report_folds_the_rest_into_details() {
    let mut plan =
        String::from("project \"Chain\" { start 2027-01-04 }\ntask t0 \"T0\" { duration 1d }\n");
    for i in 1..40 {
        plan.push_str(&format!(
            "task t{i} \"T{i}\" {{ after t{}  duration 1d }}\n",
            i - 1
        ));
        plan.push_str(&format!("milestone m{i} \"M{i}\" {{ after t{i} }}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "old.plan", &plan);
    write(
        d,
        "new.plan",
        &plan.replacen("duration 1d", "duration 2d", 1),
    );
    let out = diff(d, &["old.plan", "new.plan", "--format", "markdown"]);
    let md = stdout(&out);
    let (main, rest) = md.split_once("<details>").expect("the rest is folded");
    assert!(main.lines().count() <= 60, "{main}");
    assert!(
        main.starts_with("**Chain slips 1 working day: 2027-02-26 -> 2027-03-01**"),
        "{main}"
    );
    // Nothing is lost: every moved task is in one part or the other.
    for i in 0..40 {
        assert!(md.contains(&format!("| `t{i}` |")), "t{i} missing");
    }
    assert!(rest.trim_end().ends_with("</details>"));
}
