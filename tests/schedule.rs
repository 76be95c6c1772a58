//! Golden schedules, one scheduling rule per plan (spec section 3 and 2.1).
//!
//! Every `tests/schedule/*.plan` carries its expected result in comments,
//! worked out by hand and written before the plan was run:
//!
//! ```text
//! # expect: build 2027-01-20T09:00 2027-02-22T11:40   (id = full dotted path)
//! # expect-warning: W0501      (one line per warning expected)
//! # expect-error: E0501        (the plan must not schedule)
//! # options: no-level          (schedule without resource limits)
//! # options: as-planned        (ignore actuals and the status date's effect)
//! # expect-slack: a 16         (slack_hours in the JSON output)
//! # expect-critical: a true
//! # expect-cost: a 1200        (`@project` for the whole project)
//! # expect-driver: b resource alice a   (kind, then resource and/or task)
//! # expect-assign: b bob       (the resources booked, in order)
//! # expect-booked: alice 48    (booked_hours of a resource)
//! # expect-effort: a 80        (effort_hours of a task)
//! # expect-progress: g 100     (progress of a task, in percent)
//! # tj3: agrees                (what TaskJuggler said; see tests/schedule/tj3/)
//! ```
//!
//! The `tj3` line is required. "agrees" means TaskJuggler 3 gave the same
//! end for every task and the same start once its start is moved to the
//! next working minute (tj3 starts a task after one ending Friday 17:00 at
//! Friday 17:00, planc at Monday 09:00). The `.tjp` inputs are in
//! `tests/schedule/tj3/`; `scripts/tj3-crosscheck.sh` re-runs the comparison.
//!
//! Each plan is loaded with `planc::load` and compiled with the default
//! options (or `--no-level`). Every task of a plan that schedules must have
//! an `expect` line; the warnings and errors produced must be exactly the
//! ones listed. Checks on slack, cost, drivers and bookings read the JSON
//! output, so they test `render::json` too.

use planc::schedule::Options;
use planc::LoadOptions;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CASES: &str = "tests/schedule";

/// What a plan's comments promise.
#[derive(Debug, Default)]
struct Expected {
    no_level: bool,
    /// `--as-planned`: actuals and the status date move no dates.
    as_planned: bool,
    /// Task path -> (start, end).
    spans: BTreeMap<String, (String, String)>,
    warnings: Vec<String>,
    errors: Vec<String>,
    checks: Vec<Check>,
    tj3: Option<String>,
}

/// A check on the JSON output.
#[derive(Debug)]
enum Check {
    Slack(String, f64),
    Critical(String, bool),
    Cost(String, f64),
    Driver(String, Vec<String>),
    Assign(String, Vec<String>),
    Booked(String, f64),
    Effort(String, f64),
    Progress(String, f64),
}

fn package_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every golden plan, sorted by name.
fn plans() -> Vec<PathBuf> {
    let dir = package_root().join(CASES);
    let mut plans: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "plan"))
        .collect();
    plans.sort();
    plans
}

fn number(word: &str, line: &str) -> Result<f64, String> {
    word.parse()
        .map_err(|_| format!("not a number in `{line}`"))
}

/// Reads the `# expect...` comments of a plan.
fn parse_expected(text: &str) -> Result<Expected, String> {
    let mut e = Expected::default();
    for raw in text.lines() {
        let Some(comment) = raw.trim().strip_prefix('#') else {
            continue;
        };
        let Some((key, rest)) = comment.trim().split_once(':') else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        let arity = |n: usize| -> Result<(), String> {
            if words.len() == n {
                Ok(())
            } else {
                Err(format!("`{raw}` needs {n} values"))
            }
        };
        match key.trim() {
            "options" => {
                for w in &words {
                    match *w {
                        "no-level" => e.no_level = true,
                        "as-planned" => e.as_planned = true,
                        other => return Err(format!("unknown option `{other}`")),
                    }
                }
            }
            "expect" => {
                arity(3)?;
                let old = e.spans.insert(
                    words[0].to_string(),
                    (words[1].to_string(), words[2].to_string()),
                );
                if old.is_some() {
                    return Err(format!("`{}` is expected twice", words[0]));
                }
            }
            "expect-warning" => {
                arity(1)?;
                e.warnings.push(words[0].to_string());
            }
            "expect-error" => {
                arity(1)?;
                e.errors.push(words[0].to_string());
            }
            "expect-slack" => {
                arity(2)?;
                e.checks
                    .push(Check::Slack(words[0].to_string(), number(words[1], raw)?));
            }
            "expect-progress" => {
                arity(2)?;
                e.checks.push(Check::Progress(
                    words[0].to_string(),
                    number(words[1], raw)?,
                ));
            }
            "expect-critical" => {
                arity(2)?;
                let flag = match words[1] {
                    "true" => true,
                    "false" => false,
                    _ => return Err(format!("`{raw}`: true or false")),
                };
                e.checks.push(Check::Critical(words[0].to_string(), flag));
            }
            "expect-cost" => {
                arity(2)?;
                e.checks
                    .push(Check::Cost(words[0].to_string(), number(words[1], raw)?));
            }
            "expect-driver" => {
                if words.len() < 2 {
                    return Err(format!("`{raw}` needs a task and a driver kind"));
                }
                let kind: Vec<String> = words[1..].iter().map(|w| w.replace('_', " ")).collect();
                e.checks.push(Check::Driver(words[0].to_string(), kind));
            }
            "expect-assign" => {
                if words.is_empty() {
                    return Err(format!("`{raw}` needs a task"));
                }
                e.checks.push(Check::Assign(
                    words[0].to_string(),
                    words[1..].iter().map(|w| w.to_string()).collect(),
                ));
            }
            "expect-booked" => {
                arity(2)?;
                e.checks
                    .push(Check::Booked(words[0].to_string(), number(words[1], raw)?));
            }
            "expect-effort" => {
                arity(2)?;
                e.checks
                    .push(Check::Effort(words[0].to_string(), number(words[1], raw)?));
            }
            "tj3" => e.tj3 = Some(rest.trim().to_string()),
            _ => {}
        }
    }
    Ok(e)
}

/// The outcome of one plan: its diagnostic codes and, if it scheduled, the
/// JSON output parsed.
struct Outcome {
    warnings: Vec<String>,
    errors: Vec<String>,
    json: Option<Value>,
}

fn run(path: &Path, expected: &Expected) -> Result<Outcome, String> {
    let loaded = planc::load(path, &LoadOptions::default()).map_err(|e| e.to_string())?;
    let options = Options {
        level: !expected.no_level,
        as_planned: expected.as_planned,
        ..Options::default()
    };
    let compiled = planc::compile(&loaded, &options);
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for d in compiled.diagnostics.iter() {
        let list = if d.is_error() {
            &mut errors
        } else {
            &mut warnings
        };
        list.push(d.code.0.to_string());
    }
    warnings.sort();
    errors.sort();
    let json = match (&compiled.model, &compiled.schedule) {
        (Some(model), Some(schedule)) => {
            let diags: Vec<planc::Diagnostic> = compiled.diagnostics.iter().cloned().collect();
            let text = planc::render::json::render(model, schedule, &diags, &loaded.sources);
            Some(
                serde_json::from_str(&text)
                    .map_err(|e| format!("the JSON output does not parse: {e}"))?,
            )
        }
        _ => None,
    };
    Ok(Outcome {
        warnings,
        errors,
        json,
    })
}

fn find<'v>(json: &'v Value, list: &str, id: &str) -> Result<&'v Value, String> {
    json[list]
        .as_array()
        .and_then(|items| items.iter().find(|t| t["id"] == id))
        .ok_or_else(|| format!("no {list} entry `{id}` in the output"))
}

fn close(actual: &Value, expected: f64) -> bool {
    actual
        .as_f64()
        .is_some_and(|a| (a - expected).abs() < 0.005)
}

fn check_one(json: &Value, check: &Check) -> Result<(), String> {
    let fail = |what: &str, id: &str, actual: &Value, expected: String| {
        Err(format!(
            "{what} of `{id}`: got {actual}, expected {expected}"
        ))
    };
    match check {
        Check::Slack(id, hours) => {
            let t = find(json, "tasks", id)?;
            if !close(&t["slack_hours"], *hours) {
                return fail("slack_hours", id, &t["slack_hours"], hours.to_string());
            }
        }
        Check::Critical(id, flag) => {
            let t = find(json, "tasks", id)?;
            if t["critical"] != *flag {
                return fail("critical", id, &t["critical"], flag.to_string());
            }
        }
        Check::Cost(id, amount) => {
            let cost = if id == "@project" {
                &json["project"]["cost"]
            } else {
                &find(json, "tasks", id)?["cost"]
            };
            if !close(cost, *amount) {
                return fail("cost", id, cost, amount.to_string());
            }
        }
        Check::Progress(id, percent) => {
            let t = find(json, "tasks", id)?;
            if !close(&t["progress"], *percent) {
                return fail("progress", id, &t["progress"], percent.to_string());
            }
        }
        Check::Effort(id, hours) => {
            let t = find(json, "tasks", id)?;
            if !close(&t["effort_hours"], *hours) {
                return fail("effort_hours", id, &t["effort_hours"], hours.to_string());
            }
        }
        Check::Booked(id, hours) => {
            let r = find(json, "resources", id)?;
            if !close(&r["booked_hours"], *hours) {
                return fail("booked_hours", id, &r["booked_hours"], hours.to_string());
            }
        }
        Check::Assign(id, resources) => {
            let t = find(json, "tasks", id)?;
            let actual: Vec<&str> = t["assignments"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x["resource"].as_str()).collect())
                .unwrap_or_default();
            if actual != *resources {
                return fail(
                    "assignments",
                    id,
                    &t["assignments"],
                    format!("{resources:?}"),
                );
            }
        }
        Check::Driver(id, words) => {
            let t = find(json, "tasks", id)?;
            let d = &t["driver"];
            let mut actual = vec![d["kind"].as_str().unwrap_or("none").to_string()];
            actual.extend(d["resource"].as_str().map(str::to_string));
            actual.extend(d["task"].as_str().map(str::to_string));
            // A kind may be two words (`not before`, `status date`).
            if actual.join(" ") != words.join(" ") {
                return fail("driver", id, d, words.join(" "));
            }
        }
    }
    Ok(())
}

/// Every way the plan's result differs from its comments.
fn verify(path: &Path) -> Vec<String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return vec![format!("unreadable: {e}")],
    };
    let expected = match parse_expected(&text) {
        Ok(e) => e,
        Err(e) => return vec![e],
    };
    let mut problems = Vec::new();
    if expected.tj3.is_none() {
        problems.push("no `# tj3:` line saying whether TaskJuggler agreed".to_string());
    }
    let outcome = match run(path, &expected) {
        Ok(o) => o,
        Err(e) => return vec![e],
    };
    let mut want_warnings = expected.warnings.clone();
    want_warnings.sort();
    let mut want_errors = expected.errors.clone();
    want_errors.sort();
    if outcome.warnings != want_warnings {
        problems.push(format!(
            "warnings {:?}, expected {:?}",
            outcome.warnings, want_warnings
        ));
    }
    if outcome.errors != want_errors {
        problems.push(format!(
            "errors {:?}, expected {:?}",
            outcome.errors, want_errors
        ));
    }
    let Some(json) = outcome.json else {
        if want_errors.is_empty() {
            problems.push("the plan did not schedule".to_string());
        }
        return problems;
    };
    let tasks = json["tasks"].as_array().cloned().unwrap_or_default();
    for t in &tasks {
        let id = t["id"].as_str().unwrap_or("?");
        let actual = (
            t["start"].as_str().unwrap_or("?"),
            t["end"].as_str().unwrap_or("?"),
        );
        match expected.spans.get(id) {
            None => problems.push(format!(
                "`{id}` has no expectation; it ran {} .. {}",
                actual.0, actual.1
            )),
            Some((s, e)) if (s.as_str(), e.as_str()) != actual => {
                problems.push(format!(
                    "`{id}`: got {} {}, expected {s} {e}",
                    actual.0, actual.1
                ));
            }
            Some(_) => {}
        }
    }
    for id in expected.spans.keys() {
        if !tasks.iter().any(|t| t["id"] == id.as_str()) {
            problems.push(format!("expected task `{id}` is not in the plan"));
        }
    }
    for check in &expected.checks {
        if let Err(e) = check_one(&json, check) {
            problems.push(e);
        }
    }
    problems
}

#[test]
fn every_golden_plan_schedules_as_worked_out_by_hand() {
    let mut report = String::new();
    for path in plans() {
        let problems = verify(&path);
        if !problems.is_empty() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            report.push_str(&format!("{name}:\n"));
            for p in problems {
                report.push_str(&format!("  {p}\n"));
            }
        }
    }
    assert!(report.is_empty(), "golden schedules differ:\n{report}");
}

#[test]
fn there_is_a_golden_plan_for_every_rule() {
    assert!(plans().len() >= 40, "only {} golden plans", plans().len());
}

#[test]
fn every_plan_expects_something_checkable() {
    for path in plans() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let e = parse_expected(&text).unwrap_or_default();
        assert!(
            !e.spans.is_empty() || !e.errors.is_empty(),
            "{} expects nothing",
            path.display()
        );
    }
}

#[test]
fn the_expectation_parser_rejects_malformed_lines() {
    assert!(parse_expected("# expect: a 2027-01-04T09:00").is_err());
    assert!(parse_expected("# expect-critical: a maybe").is_err());
    assert!(parse_expected("# options: fast").is_err());
    assert!(parse_expected("# expect: a x y\n# expect: a x y").is_err());
    let e = parse_expected(
        "# expect: a.b 2027-01-04T09:00 2027-01-04T17:00\n# expect-driver: a fixed_start",
    )
    .unwrap_or_default();
    assert_eq!(
        e.spans.get("a.b").map(|s| s.0.as_str()),
        Some("2027-01-04T09:00")
    );
    assert!(
        matches!(&e.checks[..], [Check::Driver(_, words)] if words == &["fixed start".to_string()])
    );
}
