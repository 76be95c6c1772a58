//! `planc build --format ics` and `--format csv` (docs/interchange.md):
//! goldens of a sample, and each file read back by a real parser (Python's
//! `icalendar` package; Python's `csv` module and pandas) with every value
//! compared to planc's own JSON of the same plan. The CLI flags
//! (`--ics-tasks`, `--per-resource`) run the real binary.
//!
//! The Python parts skip with a message when python3 or a package is
//! missing, unless `PLANC_REQUIRE_ICALENDAR=1`, `PLANC_REQUIRE_PYTHON=1` or
//! `PLANC_REQUIRE_PANDAS=1` (set by `.ci/run`) says it must be there.
//! Re-bless the goldens with `INSTA_UPDATE=always cargo test --release
//! --test ics_csv` and read every changed `.snap`.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{planc, plans};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `planc build PLAN ARGS...` in `dir`, which must succeed; its standard
/// output.
fn build(dir: &Path, plan: &Path, args: &[&str]) -> String {
    let mut all = vec!["build", plan.to_str().expect("a UTF-8 path")];
    all.extend(args);
    let out = planc(dir, &all);
    assert_eq!(out.status.code(), Some(0), "{all:?}: {}", stderr(&out));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// planc's JSON of `plan`: the values every other format must agree with.
fn json_of(plan: &Path) -> Value {
    let dir = tempfile::tempdir().unwrap();
    serde_json::from_str(&build(dir.path(), plan, &["--format", "json"])).unwrap()
}

fn tasks(json: &Value) -> &Vec<Value> {
    json["tasks"].as_array().expect("a task list")
}

/// Whether `python3 -c "import MODULES"` works; when it does not, a test
/// skips with a message, unless `require` is set in the environment.
fn has_python(modules: &str, require: &str, install: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os(require).is_none(),
            "python3 with `{modules}` is required ({require} is set)"
        );
        eprintln!("skipped: python3 with `{modules}` is missing ({install})");
    }
    ok
}

/// Runs a Python script on `args` and parses what it prints as JSON.
fn python_json(script: &str, args: &[&str]) -> Value {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "python: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

// ---------------------------------------------------------------- goldens

/// The iCalendar text with its CRLF line ends made visible-free for the
/// snapshot (checked apart in `ics_lines_end_in_crlf_and_fit_75_octets`).
fn unix_lines(text: &str) -> String {
    text.replace("\r\n", "\n")
}

#[test]
fn ics_goldens() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["website-relaunch", "hostile"] {
        let plan = plan_named(name);
        let ics = build(dir.path(), &plan, &["--format", "ics"]);
        insta::assert_snapshot!(format!("ics_{name}"), unix_lines(&ics));
    }
}

#[test]
fn csv_goldens() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["website-relaunch", "hostile"] {
        let plan = plan_named(name);
        let csv = build(dir.path(), &plan, &["--format", "csv"]);
        insta::assert_snapshot!(format!("csv_{name}"), unix_lines(&csv));
    }
}

fn plan_named(name: &str) -> PathBuf {
    plans()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, p)| p)
        .expect("a known plan")
}

#[test]
fn outputs_are_byte_identical_from_run_to_run() {
    let dir = tempfile::tempdir().unwrap();
    for (_, plan) in plans() {
        for format in ["ics", "csv"] {
            let first = build(dir.path(), &plan, &["--format", format]);
            let second = build(dir.path(), &plan, &["--format", format]);
            assert_eq!(first, second, "{} {format}", plan.display());
        }
    }
}

#[test]
fn ics_lines_end_in_crlf_and_fit_75_octets() {
    let dir = tempfile::tempdir().unwrap();
    for (name, plan) in plans() {
        let ics = build(dir.path(), &plan, &["--format", "ics"]);
        assert!(ics.ends_with("END:VCALENDAR\r\n"), "{name}");
        let body = ics.strip_suffix("\r\n").unwrap_or(&ics);
        for line in body.split("\r\n") {
            assert!(
                !line.contains('\n') && !line.contains('\r'),
                "{name}: bare line break in {line:?}"
            );
            assert!(line.len() <= 75, "{name}: {} octets: {line:?}", line.len());
        }
        for required in [
            "VERSION:2.0",
            "PRODID:",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:",
        ] {
            assert!(
                ics.contains(&format!("\r\n{required}")),
                "{name} lacks {required}"
            );
        }
    }
}

// ------------------------------------------------------------- iCalendar

/// Reads calendars with the `icalendar` package: for each file, its name
/// and its events (UID, summary, description, categories, start and end
/// as ISO text, whether the start is a date).
const READ_ICS: &str = r#"
import json, re, sys, datetime
from icalendar import Calendar
out = []
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        cal = Calendar.from_ical(f.read())
    events = []
    for e in cal.walk('VEVENT'):
        start = e.decoded('DTSTART')
        end = e.decoded('DTEND') if 'DTEND' in e else None
        cats = []
        if 'CATEGORIES' in e:
            for c in (e['CATEGORIES'] if isinstance(e['CATEGORIES'], list) else [e['CATEGORIES']]):
                cats.extend(str(x) for x in c.cats)
        def iso(v):
            if v is None:
                return None
            if isinstance(v, datetime.datetime):
                if v.tzinfo is not None:
                    raise SystemExit('a time with a zone: ' + str(v))
                return v.strftime('%Y-%m-%dT%H:%M')
            return v.isoformat()
        events.append({
            'uid': str(e['UID']),
            'summary': str(e['SUMMARY']),
            'description': str(e.get('DESCRIPTION', '')),
            'categories': cats,
            'all_day': not isinstance(start, datetime.datetime),
            'start': iso(start),
            'end': iso(end),
            'stamp': e.decoded('DTSTAMP').strftime('%Y-%m-%dT%H:%M%z'),
        })
    # The package reads X- properties raw, though RFC 5545 (3.8.8.2) makes
    # TEXT their default type: undo the TEXT escapes here.
    raw = str(cal['X-WR-CALNAME'])
    name = re.sub(r'\\([\\;,nN])', lambda m: '\n' if m.group(1) in 'nN' else m.group(1), raw)
    out.append({'name': name, 'method': str(cal['METHOD']), 'events': events})
print(json.dumps(out))
"#;

fn has_icalendar() -> bool {
    has_python(
        "icalendar",
        "PLANC_REQUIRE_ICALENDAR",
        "pip install icalendar",
    )
}

/// The event the calendar should have for `task` (a JSON task), checked
/// against what the parser read: dates, summary, categories.
fn assert_event_matches(plan: &str, task: &Value, event: &Value) {
    let id = task["id"].as_str().unwrap();
    let (start, end) = (
        task["start"].as_str().unwrap(),
        task["end"].as_str().unwrap(),
    );
    assert_eq!(event["summary"], task["title"], "{plan} {id}");
    if event["all_day"] == true {
        // A zero-length moment at midnight: the day it falls on.
        assert_eq!(start, end, "{plan} {id}: only points are all-day");
        assert!(start.ends_with("T00:00"), "{plan} {id}");
        assert_eq!(
            event["start"].as_str().unwrap(),
            &start[..10],
            "{plan} {id}"
        );
    } else {
        assert_eq!(event["start"].as_str().unwrap(), start, "{plan} {id}");
        // No DTEND: the event ends when it starts (RFC 5545 3.6.1).
        let read_end = event["end"].as_str().unwrap_or(start);
        assert_eq!(read_end, end, "{plan} {id}");
    }
    let categories: Vec<&str> = event["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        categories.contains(&"critical"),
        task["critical"] == true,
        "{plan} {id}: {categories:?}"
    );
    assert_eq!(
        categories.contains(&"milestone"),
        task["kind"] == "milestone",
        "{plan} {id}"
    );
    let description = event["description"].as_str().unwrap();
    assert!(description.contains(&format!("Task: {id}")), "{plan} {id}");
    let progress = task["progress"].as_f64().unwrap();
    assert!(
        description.contains(&format!("Progress: {progress}%")),
        "{plan} {id}: {description}"
    );
}

#[test]
fn every_event_read_back_by_icalendar_equals_the_json() {
    if !has_icalendar() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, plan) in plans() {
        let json = json_of(&plan);
        let ics = dir.path().join(format!("{name}.ics"));
        build(dir.path(), &plan, &["-o", ics.to_str().unwrap()]);
        let read = python_json(READ_ICS, &[ics.to_str().unwrap()]);
        let calendar = &read[0];
        assert_eq!(calendar["name"], json["project"]["title"], "{name}");
        assert_eq!(calendar["method"], "PUBLISH");
        let events: BTreeMap<&str, &Value> = calendar["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["uid"].as_str().unwrap(), e))
            .collect();
        let shown: Vec<&Value> = tasks(&json)
            .iter()
            .filter(|t| t["kind"] != "group")
            .collect();
        assert_eq!(
            events.len(),
            shown.len(),
            "{name}: one event per task, UIDs unique"
        );
        let domains: std::collections::BTreeSet<&str> = events
            .keys()
            .filter_map(|u| u.split_once('@'))
            .map(|(_, d)| d)
            .collect();
        assert_eq!(
            domains.len(),
            1,
            "{name}: one plan, one UID domain: {domains:?}"
        );
        let stamp = json["project"]["now"]
            .as_str()
            .or(json["project"]["start"].as_str())
            .unwrap();
        for task in shown {
            let id = task["id"].as_str().unwrap();
            let uid = events
                .keys()
                .find(|u| u.starts_with(&format!("{id}@")))
                .unwrap_or_else(|| panic!("{name}: no event for {id}"));
            let event = events[uid];
            assert_event_matches(name, task, event);
            assert_eq!(event["stamp"].as_str().unwrap(), format!("{stamp}+0000"));
        }
    }
}

#[test]
fn uids_survive_edits_that_rename_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(plan_named("website-relaunch")).unwrap();
    let edited = text.replace("effort 30d", "effort 45d");
    assert_ne!(text, edited, "the sample has the edited line");
    std::fs::write(dir.path().join("a.plan"), &text).unwrap();
    std::fs::write(dir.path().join("b.plan"), &edited).unwrap();
    let uids = |file: &str| -> Vec<String> {
        build(dir.path(), Path::new(file), &["--format", "ics"])
            .lines()
            .filter_map(|l| l.strip_prefix("UID:"))
            .map(str::to_string)
            .collect()
    };
    let (before, after) = (uids("a.plan"), uids("b.plan"));
    assert!(!before.is_empty());
    assert_eq!(before, after);
    let a = build(dir.path(), Path::new("a.plan"), &["--format", "ics"]);
    let b = build(dir.path(), Path::new("b.plan"), &["--format", "ics"]);
    assert_ne!(a, b, "the edit moves dates");
    // Another plan title is another plan: its UIDs differ.
    std::fs::write(
        dir.path().join("c.plan"),
        text.replace("\"Website relaunch\"", "\"Website relaunch 2\""),
    )
    .unwrap();
    let renamed = uids("c.plan");
    assert!(before.iter().all(|u| !renamed.contains(u)));
}

#[test]
fn ics_tasks_chooses_what_besides_milestones() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_named("website-relaunch");
    let json = json_of(&plan);
    let count = |kind: &str| tasks(&json).iter().filter(|t| t["kind"] == kind).count();
    let events = |args: &[&str]| {
        let mut all = vec!["--format", "ics"];
        all.extend(args);
        build(dir.path(), &plan, &all)
            .matches("BEGIN:VEVENT")
            .count()
    };
    let (milestones, leaves, groups) = (count("milestone"), count("task"), count("group"));
    assert!(groups > 0 && milestones > 0);
    assert_eq!(events(&[]), milestones + leaves);
    assert_eq!(events(&["--ics-tasks", "leaves"]), milestones + leaves);
    assert_eq!(
        events(&["--ics-tasks", "all"]),
        milestones + leaves + groups
    );
    assert_eq!(events(&["--ics-tasks", "none"]), milestones);
}

#[test]
fn ics_options_with_another_format_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_named("website-relaunch");
    let p = plan.to_str().unwrap();
    for args in [
        vec!["build", p, "--ics-tasks", "all", "-o", "out.json"],
        vec!["build", p, "--per-resource", "cal", "--format", "csv"],
    ] {
        let out = planc(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("iCalendar"), "{}", stderr(&out));
        assert!(!dir.path().join("out.json").exists());
        assert!(!dir.path().join("cal").exists());
    }
}

#[test]
fn per_resource_writes_one_calendar_per_resource() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_named("website-relaunch");
    let json = json_of(&plan);
    let out = planc(
        dir.path(),
        &["build", plan.to_str().unwrap(), "--per-resource", "cal"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "the files are the output");
    let resources: Vec<&str> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut written: Vec<String> = std::fs::read_dir(dir.path().join("cal"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut expected: Vec<String> = resources.iter().map(|r| format!("{r}.ics")).collect();
    expected.sort();
    assert_eq!(
        written, expected,
        "one file per resource, no temporary files left"
    );
    for resource in &resources {
        let ics = std::fs::read_to_string(dir.path().join(format!("cal/{resource}.ics"))).unwrap();
        let booked: Vec<&str> = tasks(&json)
            .iter()
            .filter(|t| {
                t["assignments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a["resource"] == *resource)
            })
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        let uids: Vec<&str> = ics.lines().filter_map(|l| l.strip_prefix("UID:")).collect();
        assert_eq!(uids.len(), booked.len(), "{resource}");
        for (uid, id) in uids.iter().zip(&booked) {
            assert!(
                uid.starts_with(&format!("{id}/{resource}@")),
                "{resource}: {uid} for {id}"
            );
        }
    }
    // With `-o` as well, the whole plan's calendar is written too.
    let out = planc(
        dir.path(),
        &[
            "build",
            plan.to_str().unwrap(),
            "--per-resource",
            "cal2",
            "-o",
            "all.ics",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("all.ics").is_file());
    assert!(dir.path().join("cal2/alice.ics").is_file());
}

#[test]
fn per_resource_calendars_read_back_by_icalendar() {
    if !has_icalendar() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_named("website-relaunch");
    let json = json_of(&plan);
    build(dir.path(), &plan, &["--per-resource", "cal"]);
    let alice = dir.path().join("cal/alice.ics");
    let read = python_json(READ_ICS, &[alice.to_str().unwrap()]);
    let calendar = &read[0];
    assert!(calendar["name"].as_str().unwrap().contains("Alice"));
    for event in calendar["events"].as_array().unwrap() {
        let uid = event["uid"].as_str().unwrap();
        let id = uid.split('/').next().unwrap();
        let task = tasks(&json).iter().find(|t| t["id"] == id).unwrap();
        assert_event_matches("website-relaunch/alice", task, event);
    }
}

// ------------------------------------------------------------------- CSV

/// Reads a CSV file with Python's `csv` module: the rows as objects.
const READ_CSV: &str = r#"
import csv, json, sys
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    print(json.dumps(list(csv.DictReader(f))))
"#;

/// Reads a CSV file with pandas, every column with the type pandas gives it.
const READ_PANDAS: &str = r#"
import json, sys
import pandas as pd
frame = pd.read_csv(sys.argv[1], keep_default_na=False, dtype={'id': str, 'title': str, 'parent': str, 'assignees': str})
print(frame.to_json(orient='records'))
"#;

/// The CSV's title of a JSON title: one that a spreadsheet would run as a
/// formula starts with `'`.
fn csv_title(title: &str) -> String {
    if title.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{title}")
    } else {
        title.to_string()
    }
}

fn assignees(task: &Value) -> String {
    let ids: Vec<&str> = task["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["resource"].as_str().unwrap())
        .collect();
    ids.join(";")
}

/// A number the CSV holds, as text (Python's `csv`) or a number (pandas).
fn number(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap_or(f64::NAN),
        v => v.as_f64().unwrap_or(f64::NAN),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        v => v.to_string(),
    }
}

/// Every row read back equals the JSON task in its place.
fn assert_rows_match(plan: &str, json: &Value, rows: &Value) {
    let rows = rows.as_array().unwrap();
    let tasks = tasks(json);
    assert_eq!(rows.len(), tasks.len(), "{plan}: one row per task");
    for (row, task) in rows.iter().zip(tasks) {
        let id = task["id"].as_str().unwrap();
        assert_eq!(text(&row["id"]), id, "{plan}");
        assert_eq!(
            text(&row["title"]),
            csv_title(task["title"].as_str().unwrap()),
            "{plan} {id}"
        );
        assert_eq!(text(&row["kind"]), text(&task["kind"]), "{plan} {id}");
        assert_eq!(text(&row["parent"]), text(&task["parent"]), "{plan} {id}");
        assert_eq!(text(&row["start"]), text(&task["start"]), "{plan} {id}");
        assert_eq!(text(&row["end"]), text(&task["end"]), "{plan} {id}");
        assert_eq!(text(&row["assignees"]), assignees(task), "{plan} {id}");
        assert_eq!(
            text(&row["critical"]),
            text(&task["critical"]),
            "{plan} {id}"
        );
        for (column, field) in [
            ("effort_hours", "effort_hours"),
            ("slack_hours", "slack_hours"),
            ("progress", "progress"),
            ("cost", "cost"),
        ] {
            assert_eq!(
                number(&row[column]),
                task[field].as_f64().unwrap(),
                "{plan} {id} {column}"
            );
        }
    }
}

#[test]
fn every_row_read_back_by_python_csv_equals_the_json() {
    if !has_python("csv", "PLANC_REQUIRE_PYTHON", "apt-get install python3") {
        return;
    }
    assert_every_sample_read_back_by(READ_CSV);
}

#[test]
fn every_row_read_back_by_pandas_equals_the_json() {
    if !has_python("pandas", "PLANC_REQUIRE_PANDAS", "pip install pandas") {
        return;
    }
    assert_every_sample_read_back_by(READ_PANDAS);
}

/// Every sample's CSV, read back by the Python `reader` script, holds the
/// rows of its JSON.
fn assert_every_sample_read_back_by(reader: &str) {
    let dir = tempfile::tempdir().unwrap();
    for (name, plan) in plans() {
        let json = json_of(&plan);
        let csv = dir.path().join(format!("{name}.csv"));
        build(dir.path(), &plan, &["-o", csv.to_str().unwrap()]);
        let rows = python_json(reader, &[csv.to_str().unwrap()]);
        assert_rows_match(name, &json, &rows);
    }
}

#[test]
fn csv_quotes_what_needs_quoting() {
    let dir = tempfile::tempdir().unwrap();
    let plan = "project \"Q\" { start 2027-01-04 }\n\
                task a \"Comma, \\\"quote\\\" and\\nbreak\" { duration 1d }\n\
                task b \"=1+2\" { after a  duration 1d }\n";
    std::fs::write(dir.path().join("q.plan"), plan).unwrap();
    let csv = build(dir.path(), Path::new("q.plan"), &["--format", "csv"]);
    assert!(
        csv.contains("a,\"Comma, \"\"quote\"\" and\nbreak\",task,"),
        "{csv}"
    );
    assert!(csv.contains("\r\nb,'=1+2,task,"), "{csv}");
    assert!(csv.starts_with("id,title,kind,parent,start,end,effort_hours,assignees,slack_hours,critical,progress,cost\r\n"));
}

/// A plan with what the samples lack: a milestone on a date (midnight, an
/// all-day event), a long title of multi-octet characters (folded many
/// times) with every character TEXT escapes, and a note of several lines.
const EDGES: &str = "project \"Édition spéciale, 2027; \\\\ 🚀\" { start 2027-03-01 }\n\
task long \"Überprüfung der Zugänge, Straßen; Brücken \\\\ Tunnel — ✨🚀✨🚀✨🚀✨🚀✨🚀 und noch viel mehr Text\" {\n\
  duration 2d\n  note \"first line\\nsecond, with comma; and semicolon\"\n}\n\
milestone kickoff \"Kick-off\" { date 2027-03-01 }\n\
milestone wait_done \"Parts arrived\" { after parts }\n\
task parts \"Parts shipping\" { elapsed 3d }\n";

#[test]
fn edge_cases_read_back_by_icalendar() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("edges.plan"), EDGES).unwrap();
    let plan = dir.path().join("edges.plan");
    let ics = build(dir.path(), &plan, &["--format", "ics"]);
    assert!(
        ics.contains("DTSTART;VALUE=DATE:20270301\r\nDTEND;VALUE=DATE:20270302\r\n"),
        "{ics}"
    );
    if !has_icalendar() {
        return;
    }
    let json = json_of(&plan);
    std::fs::write(dir.path().join("edges.ics"), &ics).unwrap();
    let read = python_json(READ_ICS, &[dir.path().join("edges.ics").to_str().unwrap()]);
    assert_eq!(read[0]["name"], json["project"]["title"]);
    let events = read[0]["events"].as_array().unwrap();
    assert_eq!(events.len(), 4);
    for event in events {
        let uid = event["uid"].as_str().unwrap();
        let id = uid.split('@').next().unwrap();
        let task = tasks(&json).iter().find(|t| t["id"] == id).unwrap();
        assert_event_matches("edges", task, event);
        if id == "kickoff" {
            assert_eq!(event["all_day"], true);
        }
        if id == "long" {
            let description = event["description"].as_str().unwrap();
            assert!(
                description.ends_with("first line\nsecond, with comma; and semicolon"),
                "{description}"
            );
        }
    }
}
