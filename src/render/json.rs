//! JSON output (spec section 5): one object with a schema version, the
//! project, tasks, resources, risks, issues and diagnostics. Field order is
//! fixed by the structs below and floats are rounded, so the output is
//! byte-identical from run to run. `docs/plan.schema.json` describes it.

use crate::check::{Model, TaskKind};
use crate::diagnostic::Diagnostic;
use crate::schedule::{Bound, Driver, Schedule};
use crate::source::SourceMap;
use crate::syntax::ast::DepKind;
use crate::units::{Minutes, Moment, Money, Share};
use serde::Serialize;

/// The schema version; bumped only with incompatible changes.
pub const SCHEMA: &str = "planc/1";

#[derive(Serialize)]
struct Output<'a> {
    schema: &'static str,
    project: Project<'a>,
    tasks: Vec<Task<'a>>,
    resources: Vec<Resource<'a>>,
    risks: Vec<Risk<'a>>,
    issues: Vec<Issue<'a>>,
    diagnostics: Vec<serde_json::Value>,
}

#[derive(Serialize)]
struct Project<'a> {
    title: &'a str,
    start: String,
    end: String,
    deadline: Option<String>,
    now: Option<String>,
    currency: Option<&'a str>,
    cost: f64,
    budget: Option<f64>,
    levelled: bool,
}

#[derive(Serialize)]
struct Task<'a> {
    id: &'a str,
    title: &'a str,
    kind: &'static str,
    parent: Option<&'a str>,
    start: String,
    end: String,
    effort_hours: f64,
    assignments: Vec<AssignmentOut<'a>>,
    dependencies: Vec<DependencyOut<'a>>,
    slack_hours: f64,
    critical: bool,
    progress: f64,
    cost: f64,
    budget: Option<f64>,
    deadline: Option<String>,
    priority: u32,
    driver: Option<DriverOut<'a>>,
    tags: &'a [String],
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct AssignmentOut<'a> {
    resource: &'a str,
    /// Units held: count x percent x capacity.
    demand: f64,
    hours: f64,
    cost: f64,
}

#[derive(Serialize)]
struct DependencyOut<'a> {
    task: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    lag_hours: f64,
}

#[derive(Serialize)]
struct DriverOut<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    task: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'a str>,
}

#[derive(Serialize)]
struct Resource<'a> {
    id: &'a str,
    name: &'a str,
    role: Option<&'a str>,
    units: u32,
    capacity: f64,
    booked_hours: f64,
    available_hours: f64,
    utilisation: f64,
    cost: f64,
}

#[derive(Serialize)]
struct Risk<'a> {
    id: &'a str,
    title: &'a str,
    chance: Option<f64>,
    delay_hours: Option<f64>,
    cost: Option<f64>,
    affects: Vec<&'a str>,
    owner: Option<&'a str>,
    response: Option<&'a str>,
    status: &'static str,
}

#[derive(Serialize)]
struct Issue<'a> {
    id: &'a str,
    title: &'a str,
    raised: Option<String>,
    owner: Option<&'a str>,
    affects: Vec<&'a str>,
    severity: &'static str,
    status: &'static str,
    resolution: Option<&'a str>,
    note: Option<&'a str>,
}

/// Renders the schedule as pretty-printed JSON with a final newline.
pub fn render(
    model: &Model,
    schedule: &Schedule,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> String {
    let output = Output {
        schema: SCHEMA,
        project: Project {
            title: &model.project.title,
            start: schedule.start.to_iso(),
            end: schedule.end.to_iso(),
            deadline: model.project.deadline.map(Moment::to_iso),
            now: model.project.now.map(Moment::to_iso),
            currency: model.project.currency.as_deref(),
            cost: money(schedule.cost),
            budget: model.project.budget.map(money),
            levelled: schedule.levelled,
        },
        tasks: model
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| task(model, schedule, i, t))
            .collect(),
        resources: model
            .resources
            .iter()
            .zip(&schedule.resources)
            .map(|(r, u)| Resource {
                id: &r.id,
                name: &r.name,
                role: r.role.as_deref(),
                units: r.units,
                capacity: share(r.capacity),
                booked_hours: hours(u.booked),
                available_hours: hours(u.available),
                utilisation: round(u.utilisation() * 100.0) / 100.0,
                cost: money(u.cost),
            })
            .collect(),
        risks: model
            .risks
            .iter()
            .map(|r| Risk {
                id: &r.id,
                title: &r.title,
                chance: r.chance.map(share),
                delay_hours: r.delay.map(hours),
                cost: r.cost.map(money),
                affects: r
                    .affects
                    .iter()
                    .map(|t| model.task(*t).path.as_str())
                    .collect(),
                owner: r.owner.map(|o| model.resource(o).id.as_str()),
                response: r.response.as_deref(),
                status: r.status.as_str(),
            })
            .collect(),
        issues: model
            .issues
            .iter()
            .map(|i| Issue {
                id: &i.id,
                title: &i.title,
                raised: i.raised.map(|m| {
                    m.day()
                        .to_date()
                        .map_or_else(|| m.to_iso(), |d| d.to_string())
                }),
                owner: i.owner.map(|o| model.resource(o).id.as_str()),
                affects: i
                    .affects
                    .iter()
                    .map(|t| model.task(*t).path.as_str())
                    .collect(),
                severity: i.severity.as_str(),
                status: i.status.as_str(),
                resolution: i.resolution.as_deref(),
                note: i.note.as_deref(),
            })
            .collect(),
        diagnostics: diagnostics
            .iter()
            .filter_map(|d| serde_json::from_str(&crate::cli::report::json_line(d, sources)).ok())
            .collect(),
    };
    let mut text =
        serde_json::to_string_pretty(&output).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

fn task<'a>(
    model: &'a Model,
    schedule: &Schedule,
    i: usize,
    t: &'a crate::check::Task,
) -> Task<'a> {
    let s = &schedule.tasks[i];
    Task {
        id: &t.path,
        title: &t.title,
        kind: match t.kind {
            TaskKind::Leaf => "task",
            TaskKind::Group => "group",
            TaskKind::Milestone => "milestone",
        },
        parent: t.parent.map(|p| model.task(p).path.as_str()),
        start: s.start.to_iso(),
        end: s.end.to_iso(),
        effort_hours: hours(s.work),
        assignments: s
            .bookings
            .iter()
            .map(|b| AssignmentOut {
                resource: &model.resource(b.resource).id,
                demand: round(b.demand.as_units() * 1000.0) / 1000.0,
                hours: hours(b.work),
                cost: money(b.cost),
            })
            .collect(),
        dependencies: t
            .dependencies
            .iter()
            .map(|d| DependencyOut {
                task: &model.task(d.target).path,
                kind: dep_kind(d.kind),
                lag_hours: hours(d.lag),
            })
            .collect(),
        slack_hours: hours(s.slack),
        critical: s.critical,
        progress: share(s.progress),
        cost: money(s.cost),
        budget: t.budget.map(money),
        deadline: t.deadline.map(Moment::to_iso),
        priority: t.priority,
        driver: s.driver.map(|d| driver(model, d)),
        tags: &t.tags,
        note: t.note.as_deref(),
    }
}

fn driver(model: &Model, d: Driver) -> DriverOut<'_> {
    match d {
        Driver::ProjectStart => DriverOut {
            kind: "project start",
            task: None,
            resource: None,
        },
        Driver::Bound(Bound::Start) => DriverOut {
            kind: "fixed start",
            task: None,
            resource: None,
        },
        Driver::Bound(Bound::NotBefore) => DriverOut {
            kind: "not before",
            task: None,
            resource: None,
        },
        Driver::Bound(Bound::Date) => DriverOut {
            kind: "fixed date",
            task: None,
            resource: None,
        },
        Driver::Dependency(t, _) => DriverOut {
            kind: "dependency",
            task: Some(&model.task(t).path),
            resource: None,
        },
        Driver::Resource(r, t) => DriverOut {
            kind: "resource",
            task: t.map(|t| model.task(t).path.as_str()),
            resource: Some(&model.resource(r).id),
        },
    }
}

pub fn dep_kind(k: DepKind) -> &'static str {
    match k {
        DepKind::FinishToStart => "finish-to-start",
        DepKind::StartToStart => "start-to-start",
        DepKind::FinishToFinish => "finish-to-finish",
        DepKind::StartToFinish => "start-to-finish",
    }
}

fn round(x: f64) -> f64 {
    let r = x.round();
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Hours with two decimals.
fn hours(m: Minutes) -> f64 {
    round(m.0 as f64 * 100.0 / 60.0) / 100.0
}

fn money(m: Money) -> f64 {
    m.as_f64()
}

/// A share as a percentage number (40% -> 40).
fn share(s: Share) -> f64 {
    s.0 as f64 / 100.0
}
