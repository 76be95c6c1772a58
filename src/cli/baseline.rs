//! `planc build --baseline REV|FILE.json`: the schedule the outputs compare
//! with. A value ending `.json` that names an existing file is a schedule
//! written by `planc build --format json`; anything else is a git revision
//! of the plan (the plan and its includes as committed there, compiled
//! with the same options).

use super::build::Settings;
use crate::schedule::{Baseline, BaselineSource};
use crate::units::{Day, Minutes, Moment, Money};
use std::collections::HashMap;
use std::path::Path;

/// What `--baseline` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source<'a> {
    File(&'a Path),
    Revision(&'a str),
}

/// A `.json` value that exists is a file; else a revision.
pub fn classify(value: &str) -> Source<'_> {
    let path = Path::new(value);
    if value.ends_with(".json") && path.is_file() {
        Source::File(path)
    } else {
        Source::Revision(value)
    }
}

/// Loads the baseline `value` names for the plan at `plan` (`None` when
/// the plan is read from standard input). The error is a whole sentence.
pub fn load(value: &str, plan: Option<&Path>, settings: &Settings) -> Result<Baseline, String> {
    match classify(value) {
        Source::File(path) => from_json_file(path),
        Source::Revision(rev) => {
            let plan = plan.ok_or_else(|| {
                format!("`--baseline {rev}` reads the plan from git; it cannot be used with a plan on standard input")
            })?;
            at_revision(plan, rev, settings)
        }
    }
}

/// The plan and its includes as committed at `rev`, compiled with the
/// same options as the build.
fn at_revision(plan: &Path, rev: &str, settings: &Settings) -> Result<Baseline, String> {
    let loaded = crate::load_at_revision(plan, rev, &settings.load)
        .map_err(|e| format!("cannot read the baseline `{rev}`: {e}"))?;
    let compiled = crate::compile(&loaded, &settings.schedule);
    let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) else {
        return Err(format!(
            "the plan at `{rev}` has {} error(s); run `git stash` or `git checkout {rev}` and `planc check` to see them",
            compiled.diagnostics.error_count()
        ));
    };
    Ok(Baseline::from_schedule(
        model,
        schedule,
        BaselineSource::Revision(rev.to_string()),
    ))
}

/// The schedule in a JSON file written by `planc build`.
fn from_json_file(path: &Path) -> Result<Baseline, String> {
    let name = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the baseline `{name}`: {e}"))?;
    from_json(&text, BaselineSource::File(path.display().to_string())).map_err(|e| {
        format!(
            "the baseline `{name}` is not a schedule written by `planc build --format json`: {e}"
        )
    })
}

/// Schedules `planc build` writes and this version reads: the task fields
/// a baseline needs are the same in both.
const KNOWN_SCHEMAS: [&str; 2] = ["planc/1", crate::render::json::SCHEMA];

#[derive(serde::Deserialize)]
struct Document {
    schema: String,
    project: ProjectJson,
    tasks: Vec<TaskJson>,
}

#[derive(serde::Deserialize)]
struct ProjectJson {
    start: String,
}

#[derive(serde::Deserialize)]
struct TaskJson {
    id: String,
    kind: String,
    start: String,
    end: String,
    cost: f64,
}

/// Reads a JSON schedule; the error says what is wrong with it.
pub fn from_json(text: &str, source: BaselineSource) -> Result<Baseline, String> {
    // The schema is looked at first, so a file of another kind or version
    // is named as such rather than by the first field it lacks.
    let head: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    match head.get("schema").and_then(|s| s.as_str()) {
        Some(s) if KNOWN_SCHEMAS.contains(&s) => {}
        Some(s) => {
            return Err(format!(
                "its schema is `{s}`; planc reads `{}`",
                KNOWN_SCHEMAS.join("` and `")
            ))
        }
        None => return Err("it has no `schema` field".to_string()),
    }
    let doc: Document = serde_json::from_value(head).map_err(|e| e.to_string())?;
    debug_assert!(KNOWN_SCHEMAS.contains(&doc.schema.as_str()));
    let start = moment(&doc.project.start)?;
    let mut tasks = HashMap::with_capacity(doc.tasks.len());
    for t in doc.tasks {
        let task = crate::schedule::earned::BaselineTask {
            start: moment(&t.start)?,
            end: moment(&t.end)?,
            cost: cents(t.cost)?,
            group: t.kind == "group",
        };
        tasks.insert(t.id.into_boxed_str(), task);
    }
    Ok(Baseline {
        source,
        start,
        tasks: crate::schedule::earned::BaselineTasks::ById(tasks),
    })
}

/// `YYYY-MM-DDTHH:MM`, as JSON outputs write moments.
fn moment(text: &str) -> Result<Moment, String> {
    let dt: jiff::civil::DateTime = text
        .parse()
        .map_err(|_| format!("`{text}` is not a date and time (YYYY-MM-DDTHH:MM)"))?;
    let minutes = i64::from(dt.hour()) * 60 + i64::from(dt.minute());
    Ok(Day::from_date(dt.date()).start() + Minutes(minutes))
}

/// An amount in currency units to cents.
fn cents(amount: f64) -> Result<Money, String> {
    let c = (amount * 100.0).round();
    if !c.is_finite() || c.abs() > 9.0e15 {
        return Err(format!("the cost {amount} is out of range"));
    }
    Ok(Money(c as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Baseline, String> {
        from_json(text, BaselineSource::File("b.json".into()))
    }

    #[test]
    fn reads_the_fields_a_baseline_needs() {
        let b = read(
            r#"{"schema": "planc/1", "project": {"start": "2027-01-04T09:00"},
                "tasks": [{"id": "a.b", "kind": "task", "start": "2027-01-04T09:00",
                           "end": "2027-01-05T17:00", "cost": 1234.56, "extra": 1}]}"#,
        );
        let b = b.expect("a good baseline reads");
        let crate::schedule::earned::BaselineTasks::ById(tasks) = &b.tasks else {
            panic!("a file's tasks are by id");
        };
        let t = tasks.get("a.b").expect("the task is there");
        assert_eq!(t.cost, Money(123_456));
        assert_eq!(t.start, b.start);
        assert_eq!(t.end.0 - t.start.0, 1440 + 8 * 60);
    }

    #[test]
    fn names_what_is_wrong() {
        let other = read(r#"{"schema": "other/3", "project": {}, "tasks": []}"#);
        assert!(other.is_err_and(|e| e.contains("`other/3`")));
        let none = read(r#"{"tasks": []}"#);
        assert!(none.is_err_and(|e| e.contains("no `schema`")));
        let broken = read("{");
        assert!(broken.is_err());
        let bad_date =
            read(r#"{"schema": "planc/2", "project": {"start": "tomorrow"}, "tasks": []}"#);
        assert!(bad_date.is_err_and(|e| e.contains("`tomorrow`")));
    }

    #[test]
    fn a_json_value_is_a_file_only_when_it_exists() {
        assert_eq!(classify("v1.0"), Source::Revision("v1.0"));
        assert_eq!(
            classify("/no/such/baseline.json"),
            Source::Revision("/no/such/baseline.json")
        );
    }
}
