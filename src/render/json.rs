//! JSON output (spec section 5): one object with a schema version, the
//! project, tasks, resources, risks, issues and diagnostics. The views
//! below borrow from the model and schedule and are serialized by
//! `serde_json`'s pretty printer straight to the writer, never held whole
//! (a large plan makes hundreds of megabytes of JSON). Field order is the
//! views' and floats are rounded, so the output is byte-identical from run
//! to run. `docs/plan.schema.json` describes it.

use crate::check::{DepKind, Model, TaskKind};
use crate::diagnostic::Diagnostic;
use crate::schedule::earned::{Figures, TaskTracking};
use crate::schedule::{Bound, Driver, Schedule, Tracking};
use crate::source::SourceMap;
use crate::units::{Minutes, Moment, Money, Share};
use serde::ser::{Serialize, Serializer};
use std::io::{self, BufWriter, Write};

/// The schema version; bumped only with incompatible changes.
pub const SCHEMA: &str = "planc/2";

/// Renders the schedule as pretty-printed JSON with a final newline,
/// without a baseline (its baseline and earned-value fields null).
pub fn render(
    model: &Model,
    schedule: &Schedule,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> String {
    render_tracked(model, schedule, None, diagnostics, sources)
}

/// Renders the schedule and its tracking against a baseline.
pub fn render_tracked(
    model: &Model,
    schedule: &Schedule,
    tracking: Option<&Tracking>,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> String {
    let mut out = Vec::new();
    if let Err(e) = write(&mut out, model, schedule, tracking, diagnostics, sources) {
        return format!("{{\"error\": \"{e}\"}}\n");
    }
    // serde_json writes UTF-8 only, so this never loses text.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes the schedule as pretty-printed JSON with a final newline: the
/// same bytes as [`render`], without holding the whole text in memory.
pub fn write(
    out: &mut impl Write,
    model: &Model,
    schedule: &Schedule,
    tracking: Option<&Tracking>,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> io::Result<()> {
    let document = Document {
        schema: SCHEMA,
        project: ProjectView::new(model, schedule, tracking),
        tasks: TaskList {
            model,
            schedule,
            tracking,
        },
        resources: model
            .resources
            .iter()
            .zip(&schedule.resources)
            .map(|(r, u)| ResourceView::new(r, u))
            .collect(),
        risks: model
            .risks
            .iter()
            .map(|r| RiskView::new(model, r))
            .collect(),
        issues: model
            .issues
            .iter()
            .map(|i| IssueView::new(model, i))
            .collect(),
        diagnostics: diagnostics.iter().map(|d| d.to_json(sources)).collect(),
    };
    let mut w = BufWriter::new(out);
    serde_json::to_writer_pretty(&mut w, &document).map_err(io::Error::from)?;
    w.write_all(b"\n")?;
    w.flush()
}

#[derive(serde::Serialize)]
struct Document<'m> {
    schema: &'static str,
    project: ProjectView<'m>,
    tasks: TaskList<'m>,
    resources: Vec<ResourceView<'m>>,
    risks: Vec<RiskView<'m>>,
    issues: Vec<IssueView<'m>>,
    diagnostics: Vec<serde_json::Value>,
}

#[derive(serde::Serialize)]
struct ProjectView<'m> {
    title: &'m str,
    start: String,
    end: String,
    deadline: Option<String>,
    now: Option<String>,
    currency: Option<&'m str>,
    cost: f64,
    budget: Option<f64>,
    levelled: bool,
    baseline: Option<&'m str>,
    earned_value: Option<EarnedView>,
    calendar: CalendarView<'m>,
}

/// The project calendar, so that a reader of the JSON alone (`planc diff`
/// between two JSON schedules) can count working time as the build did.
#[derive(serde::Serialize)]
struct CalendarView<'m> {
    id: &'m str,
    day_hours: f64,
    /// Monday first; each day's working ranges as `HH:MM..HH:MM`.
    week: Vec<Vec<String>>,
    holidays: Vec<HolidayView>,
}

#[derive(serde::Serialize)]
struct HolidayView {
    from: String,
    to: String,
}

impl<'m> CalendarView<'m> {
    fn new(c: &'m crate::check::CalendarDef) -> Self {
        let clock = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        let day = |d: crate::units::Day| {
            d.to_date()
                .map_or_else(|| d.start().to_iso(), |d| d.to_string())
        };
        CalendarView {
            id: &c.id,
            day_hours: hours(c.day_minutes),
            week: c
                .week
                .iter()
                .map(|ranges| {
                    ranges
                        .iter()
                        .map(|&(a, b)| format!("{}..{}", clock(a), clock(b)))
                        .collect()
                })
                .collect(),
            holidays: c
                .holidays
                .iter()
                .map(|h| HolidayView {
                    from: day(h.first),
                    to: day(h.last),
                })
                .collect(),
        }
    }
}

impl<'m> ProjectView<'m> {
    fn new(model: &'m Model, schedule: &Schedule, tracking: Option<&'m Tracking>) -> Self {
        let p = &model.project;
        ProjectView {
            title: &p.title,
            start: schedule.start.to_iso(),
            end: schedule.end.to_iso(),
            deadline: p.deadline.map(Moment::to_iso),
            now: p.now.map(Moment::to_iso),
            currency: p.currency.as_deref(),
            cost: money(schedule.cost),
            budget: p.budget.map(money),
            levelled: schedule.levelled,
            calendar: CalendarView::new(model.calendar(p.calendar)),
            baseline: tracking.map(|t| t.source.label()),
            earned_value: tracking
                .and_then(|t| t.project.as_ref())
                .map(EarnedView::new),
        }
    }
}

/// Earned value at the status date; null where a divisor is zero.
#[derive(serde::Serialize)]
struct EarnedView {
    pv: f64,
    ev: f64,
    ac: f64,
    sv: f64,
    cv: f64,
    spi: Option<f64>,
    cpi: Option<f64>,
    eac: Option<f64>,
    etc: Option<f64>,
    vac: Option<f64>,
    spi_t: Option<f64>,
}

impl EarnedView {
    fn new(f: &Figures) -> Self {
        EarnedView {
            pv: money(f.pv),
            ev: money(f.ev),
            ac: money(f.ac),
            sv: money(f.sv()),
            cv: money(f.cv()),
            spi: f.spi().map(index),
            cpi: f.cpi().map(index),
            eac: f.eac().map(money),
            etc: f.etc().map(money),
            vac: f.vac().map(money),
            spi_t: f.spi_t().map(index),
        }
    }
}

/// The task list, each task's view made as it is written, so that the
/// views of a large plan are never all held at once.
struct TaskList<'m> {
    model: &'m Model,
    schedule: &'m Schedule,
    tracking: Option<&'m Tracking>,
}

impl Serialize for TaskList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (model, schedule) = (self.model, self.schedule);
        serializer.collect_seq(model.tasks.iter().enumerate().map(|(i, t)| {
            let tracked = self.tracking.and_then(|k| k.tasks.get(i));
            TaskView::new(model, schedule, i, t).tracked(tracked, &schedule.tasks[i])
        }))
    }
}

#[derive(serde::Serialize)]
struct TaskView<'m> {
    id: &'m str,
    title: &'m str,
    kind: &'static str,
    parent: Option<&'m str>,
    start: String,
    end: String,
    effort_hours: f64,
    assignments: Vec<AssignmentView<'m>>,
    dependencies: Vec<DependencyView<'m>>,
    slack_hours: f64,
    critical: bool,
    progress: f64,
    actual_start: Option<String>,
    actual_end: Option<String>,
    remaining_hours: f64,
    state: &'static str,
    cost: f64,
    budget: Option<f64>,
    deadline: Option<String>,
    priority: u32,
    driver: Option<DriverView<'m>>,
    tags: &'m [String],
    note: Option<&'m str>,
    baseline_start: Option<String>,
    baseline_end: Option<String>,
    start_variance_days: Option<f64>,
    end_variance_days: Option<f64>,
    earned_value: Option<EarnedView>,
    work: Option<WorkView>,
}

/// The length the plan gives a task (`effort`, `duration`, `elapsed`), as
/// written rather than as booked: what `planc diff` compares.
#[derive(serde::Serialize)]
struct WorkView {
    kind: &'static str,
    hours: f64,
}

#[derive(serde::Serialize)]
struct AssignmentView<'m> {
    resource: &'m str,
    demand: f64,
    hours: f64,
    cost: f64,
}

#[derive(serde::Serialize)]
struct DependencyView<'m> {
    task: &'m str,
    #[serde(rename = "type")]
    kind: &'static str,
    lag_hours: f64,
}

/// What fixed a task's start; `task` and `resource` only when they apply.
#[derive(serde::Serialize)]
struct DriverView<'m> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    task: Option<&'m str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'m str>,
}

impl<'m> TaskView<'m> {
    fn new(model: &'m Model, schedule: &'m Schedule, i: usize, t: &'m crate::check::Task) -> Self {
        let s = &schedule.tasks[i];
        let details = t.details();
        TaskView {
            id: &t.path,
            title: t.title(),
            kind: match t.kind {
                TaskKind::Leaf => "task",
                TaskKind::Group => "group",
                TaskKind::Milestone => "milestone",
            },
            parent: t.parent.map(|p| &*model.task(p).path),
            start: s.start.to_iso(),
            end: s.end.to_iso(),
            effort_hours: hours(s.work),
            assignments: s
                .bookings
                .iter()
                .map(|b| AssignmentView {
                    resource: &model.resource(b.resource).id,
                    demand: demand(b.demand),
                    hours: hours(b.work),
                    cost: money(b.cost),
                })
                .collect(),
            dependencies: t
                .dependencies
                .iter()
                .map(|d| DependencyView {
                    task: &model.task(d.target).path,
                    kind: dep_kind(d.kind),
                    lag_hours: hours(d.lag),
                })
                .collect(),
            slack_hours: hours(s.slack),
            critical: s.critical,
            progress: share(s.progress),
            actual_start: s.actual_start.map(Moment::to_iso),
            actual_end: s.actual_end.map(Moment::to_iso),
            remaining_hours: hours(s.remaining),
            state: s.state.as_str(),
            cost: money(s.cost),
            budget: details.budget.map(money),
            deadline: details.deadline.map(Moment::to_iso),
            priority: t.priority,
            driver: s.driver.map(|d| DriverView::new(model, d)),
            tags: &details.tags,
            note: details.note.as_deref(),
            baseline_start: None,
            baseline_end: None,
            start_variance_days: None,
            end_variance_days: None,
            earned_value: None,
            work: t.work.map(|w| WorkView {
                kind: work_kind(w.kind),
                hours: hours(w.minutes),
            }),
        }
    }

    /// This view with the task's baseline and earned value.
    fn tracked(
        mut self,
        tracking: Option<&TaskTracking>,
        s: &crate::schedule::TaskSchedule,
    ) -> Self {
        let Some(t) = tracking else {
            return self;
        };
        // Most baseline dates are the current ones: a copy of the text is
        // far cheaper than writing a date again.
        let iso = |m: Moment, same: Moment, text: &String| {
            if m == same {
                text.clone()
            } else {
                m.to_iso()
            }
        };
        self.baseline_start = t.baseline.map(|b| iso(b.start, s.start, &self.start));
        self.baseline_end = t.baseline.map(|b| iso(b.end, s.end, &self.end));
        self.start_variance_days = t.start_variance_days.map(round_days);
        self.end_variance_days = t.end_variance_days.map(round_days);
        self.earned_value = t.earned.as_ref().map(EarnedView::new);
        self
    }
}

impl<'m> DriverView<'m> {
    fn new(model: &'m Model, d: Driver) -> Self {
        let (kind, task, resource) = driver_fields(model, d);
        DriverView {
            kind,
            task,
            resource,
        }
    }
}

/// A driver as the JSON writes it: its kind, and the task and resource it
/// names (shared with `planc diff`, which reads plans and JSON alike).
pub fn driver_fields(model: &Model, d: Driver) -> (&'static str, Option<&str>, Option<&str>) {
    let (kind, task, resource) = match d {
        Driver::ProjectStart => ("project start", None, None),
        Driver::Bound(Bound::Start) => ("fixed start", None, None),
        Driver::Bound(Bound::NotBefore) => ("not before", None, None),
        Driver::Bound(Bound::Date) => ("fixed date", None, None),
        Driver::Bound(Bound::StatusDate) => ("status date", None, None),
        Driver::Dependency(t, _) => ("dependency", Some(t), None),
        Driver::Resource(r, t) => ("resource", t, Some(r)),
    };
    (
        kind,
        task.map(|t| &*model.task(t).path),
        resource.map(|r| model.resource(r).id.as_str()),
    )
}

/// A work kind as the JSON writes it.
pub fn work_kind(k: crate::check::WorkKind) -> &'static str {
    match k {
        crate::check::WorkKind::Effort => "effort",
        crate::check::WorkKind::Duration => "duration",
        crate::check::WorkKind::Elapsed => "elapsed",
    }
}

/// A demand as the JSON writes it, to a thousandth of a unit.
pub fn demand(d: crate::units::Demand) -> f64 {
    round(d.as_units() * 1000.0) / 1000.0
}

#[derive(serde::Serialize)]
struct ResourceView<'m> {
    id: &'m str,
    name: &'m str,
    role: Option<&'m str>,
    units: u32,
    capacity: f64,
    booked_hours: f64,
    available_hours: f64,
    utilisation: f64,
    cost: f64,
}

impl<'m> ResourceView<'m> {
    fn new(r: &'m crate::check::Resource, u: &crate::schedule::ResourceUse) -> Self {
        ResourceView {
            id: &r.id,
            name: &r.name,
            role: r.role.as_deref(),
            units: r.units,
            capacity: share(r.capacity),
            booked_hours: hours(u.booked),
            available_hours: hours(u.available),
            utilisation: round(u.utilisation() * 100.0) / 100.0,
            cost: money(u.cost),
        }
    }
}

#[derive(serde::Serialize)]
struct RiskView<'m> {
    id: &'m str,
    title: &'m str,
    chance: Option<f64>,
    delay_hours: Option<f64>,
    cost: Option<f64>,
    affects: Vec<&'m str>,
    owner: Option<&'m str>,
    response: Option<&'m str>,
    status: &'static str,
}

impl<'m> RiskView<'m> {
    fn new(model: &'m Model, r: &'m crate::check::Risk) -> Self {
        RiskView {
            id: &r.id,
            title: &r.title,
            chance: r.chance.map(share),
            delay_hours: r.delay.map(hours),
            cost: r.cost.map(money),
            affects: r.affects.iter().map(|t| &*model.task(*t).path).collect(),
            owner: r.owner.map(|o| model.resource(o).id.as_str()),
            response: r.response.as_deref(),
            status: r.status.as_str(),
        }
    }
}

#[derive(serde::Serialize)]
struct IssueView<'m> {
    id: &'m str,
    title: &'m str,
    raised: Option<String>,
    owner: Option<&'m str>,
    affects: Vec<&'m str>,
    severity: &'static str,
    status: &'static str,
    resolution: Option<&'m str>,
    note: Option<&'m str>,
}

impl<'m> IssueView<'m> {
    fn new(model: &'m Model, i: &'m crate::check::Issue) -> Self {
        // A raised date is a day: its time of day is left out.
        let raised = i.raised.map(|m| {
            m.day()
                .to_date()
                .map_or_else(|| m.to_iso(), |d| d.to_string())
        });
        IssueView {
            id: &i.id,
            title: &i.title,
            raised,
            owner: i.owner.map(|o| model.resource(o).id.as_str()),
            affects: i.affects.iter().map(|t| &*model.task(*t).path).collect(),
            severity: i.severity.as_str(),
            status: i.status.as_str(),
            resolution: i.resolution.as_deref(),
            note: i.note.as_deref(),
        }
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
pub fn hours(m: Minutes) -> f64 {
    round(m.0 as f64 * 100.0 / 60.0) / 100.0
}

/// Working days with two decimals.
fn round_days(d: f64) -> f64 {
    round(d * 100.0) / 100.0
}

/// A performance index with three decimals.
fn index(x: f64) -> f64 {
    round(x * 1000.0) / 1000.0
}

fn money(m: Money) -> f64 {
    m.as_f64()
}

/// A share as a percentage number (40% -> 40).
fn share(s: Share) -> f64 {
    s.0 as f64 / 100.0
}
