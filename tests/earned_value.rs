//! Baselines and earned value (spec v2 sections 6 and 7) through the real
//! `planc build`: the hand-worked figures of `docs/tracking.md` and a
//! textbook exercise as goldens (`tests/earned/*.expected.json`), the
//! baseline from a JSON file and from git revisions, and the errors of
//! `--baseline` (exit 2, a sentence, no backtrace).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn planc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planc"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("planc runs")
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "planc failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("planc writes JSON")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `plan` built against the JSON schedule of `baseline_plan`.
fn build_against_file(baseline_plan: &str, plan: &str) -> Value {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let baseline = dir.path().join("baseline.json");
    let fixtures = root().join("tests/earned");
    let written = planc(
        &fixtures,
        &["build", baseline_plan, "-o", &baseline.to_string_lossy()],
    );
    assert!(written.status.success(), "{}", stderr(&written));
    json_of(&planc(
        &fixtures,
        &["build", plan, "--baseline", &baseline.to_string_lossy()],
    ))
}

/// Every task's and the project's `earned_value` against the expected
/// file, figure by figure.
fn assert_figures(schedule: &Value, expected_file: &str) {
    let path = root().join("tests/earned").join(expected_file);
    let text = std::fs::read_to_string(&path).expect("the expected figures");
    let expected: Value = serde_json::from_str(&text).expect("expected figures are JSON");
    let expected = expected.as_object().expect("an object of figures");
    let mut actual = serde_json::Map::new();
    actual.insert(
        "project".into(),
        schedule["project"]["earned_value"].clone(),
    );
    for t in schedule["tasks"].as_array().expect("tasks") {
        let id = t["id"].as_str().expect("an id").to_string();
        actual.insert(id, t["earned_value"].clone());
    }
    for (id, figures) in expected {
        for (name, want) in figures.as_object().expect("figures") {
            let got = &actual[id][name];
            let same = match (want.as_f64(), got.as_f64()) {
                (Some(w), Some(g)) => (w - g).abs() < 1e-9,
                _ => want == got,
            };
            assert!(
                same,
                "{expected_file}: {id} {name}: expected {want}, got {got}"
            );
        }
    }
    assert_eq!(
        expected.len(),
        actual.len(),
        "{expected_file} must name every task and the project"
    );
}

/// Rita Mulcahy, "PMP Exam Prep", p. 210 (the fence exercise): PV 3,000,
/// EV 2,500, AC 2,800, CV -300, CPI .893, SV -500, SPI .833. The book
/// rounds CPI before dividing (EAC 4,479, ETC 1,679, VAC -479); planc
/// divides exactly: EAC 4,000 x 2,800 / 2,500 = 4,480.
#[test]
fn the_fence_exercise_matches_the_textbook() {
    let schedule = build_against_file("fence_baseline.plan", "fence.plan");
    assert_figures(&schedule, "fence.expected.json");
}

/// The worked example of docs/tracking.md: a rate rise and a slow task,
/// groups from summed figures.
#[test]
fn the_worked_example_of_the_guide() {
    let schedule = build_against_file("rates_baseline.plan", "rates.plan");
    assert_figures(&schedule, "rates.expected.json");
    assert!(schedule["project"]["baseline"]
        .as_str()
        .is_some_and(|b| b.ends_with("baseline.json")));
}

#[test]
fn without_a_status_date_there_is_no_earned_value() {
    let out = planc(
        &root().join("tests/earned"),
        &["build", "rates_baseline.plan"],
    );
    let schedule = json_of(&out);
    assert_eq!(schedule["project"]["baseline"], "as-planned");
    assert!(schedule["project"]["earned_value"].is_null());
    for t in schedule["tasks"].as_array().expect("tasks") {
        assert!(t["earned_value"].is_null());
        // Its own as-planned schedule: no variance.
        assert_eq!(t["start_variance_days"], 0.0);
        assert_eq!(t["baseline_start"], t["start"]);
    }
}

#[test]
fn baseline_errors_exit_two_with_a_sentence() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let plan = dir.path().join("p.plan");
    std::fs::write(
        &plan,
        "project \"P\" { start 2027-01-04 }\ntask a { duration 1d }\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("broken.json"), "{ not json").expect("write");
    std::fs::write(
        dir.path().join("other.json"),
        r#"{"schema": "someone-else/7", "tasks": []}"#,
    )
    .expect("write");
    let cases: [(&[&str], &str); 4] = [
        (
            &["build", "p.plan", "--baseline", "broken.json"],
            "broken.json",
        ),
        (
            &["build", "p.plan", "--baseline", "other.json"],
            "someone-else/7",
        ),
        // Not a repository (the temporary folder has no .git above it on
        // the test machines; the message names the revision either way).
        (
            &["build", "p.plan", "--baseline", "v9.9-no-such-tag"],
            "v9.9-no-such-tag",
        ),
        (
            &["build", "p.plan", "--baseline", "missing.json"],
            "missing.json",
        ),
    ];
    for (args, named) in cases {
        let out = planc(dir.path(), args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(named), "{args:?} must name {named}: {err}");
        assert!(err.starts_with("planc: "), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("backtrace"),
            "{err}"
        );
        assert!(out.stdout.is_empty(), "nothing is written on an error");
    }
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "planc tests")
        .env("GIT_AUTHOR_EMAIL", "tests@planc.invalid")
        .env("GIT_COMMITTER_NAME", "planc tests")
        .env("GIT_COMMITTER_EMAIL", "tests@planc.invalid")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

const MAIN_PLAN: &str = "project \"Release\" { start 2027-01-04  now 2027-01-15  currency EUR }\n\
resource dev { rate 100/h }\n\
include \"tasks.plan\"\n";

/// Two commits in a real repository; the second changes only the included
/// file (the build grows from 5 to 8 days). `--baseline v1` and
/// `--baseline HEAD~1` read the plan and its include as committed then.
#[test]
fn a_git_revision_is_the_plan_and_its_includes_as_committed() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let d = dir.path();
    if !git(d, &["--version"]) {
        eprintln!("skipped: no `git` command on this machine");
        return;
    }
    std::fs::write(d.join("main.plan"), MAIN_PLAN).expect("write");
    let v1 = "task build { effort 5d  assign dev  finished 2027-01-08 }\n\
              task ship { effort 1d  assign dev  after build }\n";
    std::fs::write(d.join("tasks.plan"), v1).expect("write");
    assert!(git(d, &["init", "-q"]));
    assert!(git(d, &["add", "."]));
    assert!(git(d, &["commit", "-q", "-m", "v1"]));
    assert!(git(d, &["tag", "v1"]));
    let v2 = v1
        .replace("effort 5d", "effort 8d")
        .replace("finished 2027-01-08", "finished 2027-01-13");
    std::fs::write(d.join("tasks.plan"), v2).expect("write");
    assert!(git(d, &["commit", "-q", "-am", "build takes longer"]));

    for rev in ["v1", "HEAD~1"] {
        let schedule = json_of(&planc(d, &["build", "main.plan", "--baseline", rev]));
        assert_eq!(schedule["project"]["baseline"], rev);
        let tasks = schedule["tasks"].as_array().expect("tasks");
        let ship = tasks.iter().find(|t| t["id"] == "ship").expect("ship");
        let build = tasks.iter().find(|t| t["id"] == "build").expect("build");
        // v1: build finished Fri 8; now it finished Wed 13: three working
        // days later. Ship waits for the status date (Fri 15) either way.
        assert_eq!(build["baseline_end"], "2027-01-08T17:00");
        assert_eq!(build["end_variance_days"], 3.0);
        assert_eq!(ship["baseline_start"], "2027-01-15T09:00");
        assert_eq!(ship["start_variance_days"], 0.0);
        // Earned value against v1: BAC of build is 5d x 8h x 100 = 4,000,
        // all planned and all earned by Friday 15; its 8d cost 6,400.
        let ev = &build["earned_value"];
        assert_eq!(ev["pv"], 4000.0);
        assert_eq!(ev["ev"], 4000.0);
        assert_eq!(ev["ac"], 6400.0);
    }
    // The baseline of HEAD is the plan as it is: nothing moved.
    let same = json_of(&planc(d, &["build", "main.plan", "--baseline", "HEAD"]));
    for t in same["tasks"].as_array().expect("tasks") {
        assert_eq!(t["end_variance_days"], 0.0, "{}", t["id"]);
    }
    // An unknown revision is a clear error.
    let unknown = planc(d, &["build", "main.plan", "--baseline", "v7"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("v7"), "{}", stderr(&unknown));
}

/// A group's own fixed cost is planned value of its own, over the group's
/// span (tests/schedule/cost.plan's figures): once all is planned, the
/// group's PV is 1,200 + 650 + its own 100, not its children's alone.
#[test]
fn a_groups_own_cost_is_planned_value_too() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let plan = "project \"Cost\" { start 2027-01-04  now 2027-01-11  currency EUR }\n\
                resource alice { rate 600/d }\n\
                resource bob { rate 75/h }\n\
                task g {\n  cost 100\n  task a { effort 2d  assign alice  progress 100% }\n  \
                task b { effort 1d  assign bob  cost 50  progress 100% }\n}\n";
    std::fs::write(dir.path().join("p.plan"), plan).expect("write");
    let schedule = json_of(&planc(dir.path(), &["build", "p.plan"]));
    let g = &schedule["tasks"][0];
    assert_eq!(g["id"], "g");
    assert_eq!(g["earned_value"]["pv"], 1950.0);
    assert_eq!(schedule["project"]["earned_value"]["pv"], 1950.0);
}
