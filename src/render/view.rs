//! The view model every visual output (HTML, Mermaid, Markdown) draws from:
//! the plan's tasks in outline order after `--depth` collapsing, each with
//! its dates, status and the words a reader needs (assignees, what drove its
//! start), plus the resource load, risks sorted by exposure, the issue log
//! and the warnings. Renderers only lay this out; every decision about what
//! a plan *means* for a reader is made here, once.

use super::Input;
use crate::check::{DepKind, Model, Severity as IssueSeverity, Status, TaskId, TaskKind};
use crate::diagnostic::Diagnostic;
use crate::schedule::calendar::{Calendar, WeekPattern};
use crate::schedule::{Bound, Driver, Schedule};
use crate::source::SourceMap;
use crate::units::{Day, Minutes, Moment, Money, Share};

/// Everything a visual output shows.
pub struct View {
    pub title: String,
    pub note: Option<String>,
    pub start: Moment,
    pub end: Moment,
    pub now: Option<Moment>,
    pub deadline: Option<Moment>,
    pub currency: String,
    pub cost: Money,
    pub budget: Option<Money>,
    pub levelled: bool,
    /// Minutes in one working day of the project calendar (what `1d` means).
    pub day_minutes: i64,
    /// Overall progress, weighted by work.
    pub progress: Share,
    /// Visible tasks in outline order.
    pub rows: Vec<Row>,
    /// The plan's tasks by kind, visible or not.
    pub counts: Counts,
    pub resources: Vec<ResourceRow>,
    /// Mondays of the weeks the resource strips cover.
    pub weeks: Vec<Day>,
    pub risks: Vec<RiskRow>,
    pub issues: Vec<IssueRow>,
    pub warnings: Vec<String>,
    /// Days without work on the project calendar (weekends, holidays)
    /// between the start and the end, as inclusive runs.
    pub closed_days: Vec<(Day, Day)>,
    /// Show times of day beside dates (`--times`).
    pub times: bool,
    /// The schedule against its baseline, when there is something to
    /// compare: a status date, or a baseline other than the plan itself.
    pub tracking: Option<Tracked>,
}

/// What the visual outputs show of a baseline and earned value.
pub struct Tracked {
    /// `as-planned`, the revision or the file.
    pub baseline: String,
    /// Per model task.
    pub tasks: Vec<crate::schedule::earned::TaskTracking>,
    /// The project's earned value; `None` without a status date.
    pub project: Option<crate::schedule::earned::Figures>,
    pub curve: Vec<crate::schedule::earned::CurvePoint>,
}

impl Tracked {
    /// A row's baseline and earned value.
    pub fn of(&self, row: &Row) -> Option<&crate::schedule::earned::TaskTracking> {
        self.tasks.get(row.task.index())
    }
}

/// How many leaf tasks, groups and milestones a plan has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub tasks: usize,
    pub groups: usize,
    pub milestones: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Task,
    Group,
    Milestone,
}

/// Where a task stands against the status date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    Done,
    /// Under way at the status date.
    Active,
    /// Should be finished by the status date but is not.
    Late,
    Upcoming,
}

/// One visible task.
pub struct Row {
    pub task: TaskId,
    /// The full dotted path.
    pub path: String,
    pub title: String,
    pub kind: Kind,
    /// 0 for top-level tasks.
    pub depth: u32,
    /// Row index of the parent, when the parent is visible.
    pub parent: Option<usize>,
    /// A group whose children are hidden by `--depth`.
    pub collapsed: bool,
    /// Row index of the top-level ancestor (itself for top-level rows).
    pub root: usize,
    pub start: Moment,
    pub end: Moment,
    pub work: Minutes,
    pub assignees: Vec<String>,
    pub slack: Minutes,
    pub critical: bool,
    pub progress: Share,
    /// Done, in progress or not started, from the actuals (spec 6).
    pub state: crate::schedule::TaskState,
    pub status: Progress,
    pub cost: Money,
    pub budget: Option<Money>,
    pub deadline: Option<Moment>,
    /// Calendar time the end lies past the deadline.
    pub overrun: Option<Minutes>,
    /// What fixed the start, in words.
    pub driver: Option<String>,
    /// Indexes into [`View::issues`] of open issues on this task.
    pub issues: Vec<usize>,
    /// Incoming dependencies drawn as arrows: (row of the predecessor, kind).
    pub preds: Vec<(usize, DepKind)>,
    pub tags: Vec<String>,
    pub note: Option<String>,
    /// Where a click on the task's name goes: the task in the plan's text,
    /// opened in an editor (`planc watch --serve --editor`).
    pub href: Option<String>,
}

pub struct ResourceRow {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub booked: Minutes,
    pub utilisation: f64,
    pub cost: Money,
    /// Load per week of [`View::weeks`]: booked over available (1.0 = full).
    pub load: Vec<f64>,
}

pub struct RiskRow {
    pub id: String,
    pub title: String,
    pub chance: Option<Share>,
    pub delay: Option<Minutes>,
    pub cost: Option<Money>,
    /// chance x delay.
    pub delay_exposure: Option<Minutes>,
    /// chance x cost.
    pub cost_exposure: Option<Money>,
    pub affects: Vec<String>,
    pub owner: Option<String>,
    pub response: Option<String>,
    pub open: bool,
}

pub struct IssueRow {
    pub id: String,
    pub title: String,
    pub raised: Option<Moment>,
    pub owner: Option<String>,
    pub affects: Vec<String>,
    pub severity: IssueSeverity,
    pub open: bool,
    pub resolution: Option<String>,
    pub note: Option<String>,
}

/// Builds the view of a scheduled plan.
pub fn build(input: &Input<'_>) -> View {
    let model = input.model;
    let schedule = input.schedule;
    let issues = issue_rows(model);
    let (rows, visible_of) = task_rows(model, schedule, input.depth, &issues);
    let mut rows = rows;
    link_dependencies(model, &mut rows, &visible_of);
    let weeks = weeks_between(schedule.start, schedule.end);
    View {
        title: model.project.title.clone(),
        note: model.project.note.clone(),
        start: schedule.start,
        end: schedule.end,
        now: model.project.now,
        deadline: model.project.deadline,
        currency: model.project.currency.clone().unwrap_or_default(),
        cost: schedule.cost,
        budget: model.project.budget,
        levelled: schedule.levelled,
        day_minutes: model.day_minutes().0.max(1),
        progress: overall_progress(model, schedule),
        counts: counts(model),
        resources: resource_rows(model, schedule, &weeks),
        weeks,
        risks: risk_rows(model),
        issues,
        warnings: warnings(input.diagnostics, input.sources),
        closed_days: closed_days(model, schedule.start, schedule.end),
        rows,
        times: false,
        tracking: tracked(input),
    }
}

/// The tracking worth showing: without a status date the plan's own
/// as-planned schedule is the schedule itself, so there is nothing to
/// compare.
fn tracked(input: &Input<'_>) -> Option<Tracked> {
    let t = input.tracking?;
    let as_planned = t.source == crate::schedule::BaselineSource::AsPlanned;
    if as_planned && input.model.project.now.is_none() {
        return None;
    }
    Some(Tracked {
        baseline: t.source.label().to_string(),
        tasks: t.tasks.clone(),
        project: t.project,
        curve: t.curve.clone(),
    })
}

impl View {
    /// The view written in `style`.
    pub fn styled(mut self, style: super::Style) -> View {
        self.times = style.times;
        self
    }

    /// A row's start for a table: its date, or date and time with `--times`.
    pub fn start_text(&self, row: &Row) -> String {
        if self.times {
            date_time(row.start)
        } else {
            date(row.start)
        }
    }

    /// A row's end for a table: the last day it occupies, or the exact end
    /// with `--times`.
    pub fn end_text(&self, row: &Row) -> String {
        if self.times {
            date_time(row.end)
        } else {
            end_date(row.start, row.end)
        }
    }
}

/// Tasks in outline order, hiding those below `depth`; also returns, per
/// model task, the row that stands for it (itself or its nearest visible
/// ancestor).
fn task_rows(
    model: &Model,
    schedule: &Schedule,
    depth: Option<u32>,
    issues: &[IssueRow],
) -> (Vec<Row>, Vec<Option<usize>>) {
    let limit = depth.map(|d| d.max(1));
    let mut rows = Vec::new();
    let mut visible_of = vec![None; model.tasks.len()];
    let mut open_issues: Vec<Vec<usize>> = vec![Vec::new(); model.tasks.len()];
    for (i, issue) in model.issues.iter().enumerate() {
        if issue.status == Status::Open {
            for t in &issue.affects {
                if let Some(list) = open_issues.get_mut(t.index()) {
                    list.push(i);
                }
            }
        }
    }
    // Issue rows are sorted; map model issue index -> row index.
    let issue_row: Vec<usize> = {
        let mut map = vec![0; model.issues.len()];
        for (row, issue) in issues.iter().enumerate() {
            if let Some(i) = model.issues.iter().position(|m| m.id == issue.id) {
                map[i] = row;
            }
        }
        map
    };
    // Depth-first, children in declaration order; an explicit stack keeps
    // deep plans from exhausting the call stack.
    let mut stack: Vec<(TaskId, Option<usize>)> = model
        .roots()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .map(|t| (t, None))
        .collect();
    while let Some((id, parent_row)) = stack.pop() {
        let task = model.task(id);
        let index = rows.len();
        let hidden_children = limit.is_some_and(|l| task.depth + 1 >= l);
        let root = parent_row.map_or(index, |p: usize| {
            rows.get(p).map_or(index, |r: &Row| r.root)
        });
        let mut row = task_row(model, schedule, id, parent_row, root);
        row.collapsed = task.is_group() && hidden_children;
        row.issues = open_issues[id.index()]
            .iter()
            .map(|&i| issue_row[i])
            .collect();
        rows.push(row);
        mark_subtree(model, id, index, &mut visible_of);
        if !hidden_children {
            for child in task.children.iter().rev() {
                stack.push((*child, Some(index)));
            }
        }
    }
    (rows, visible_of)
}

/// Records `row` as the visible stand-in for `id` and, until a child gets
/// its own row, for every task below it.
fn mark_subtree(model: &Model, id: TaskId, row: usize, visible_of: &mut [Option<usize>]) {
    let mut stack = vec![id];
    while let Some(t) = stack.pop() {
        visible_of[t.index()] = Some(row);
        stack.extend(model.task(t).children.iter().copied());
    }
}

fn task_row(
    model: &Model,
    schedule: &Schedule,
    id: TaskId,
    parent: Option<usize>,
    root: usize,
) -> Row {
    let task = model.task(id);
    let s = &schedule.tasks[id.index()];
    let kind = match task.kind {
        TaskKind::Leaf => Kind::Task,
        TaskKind::Group => Kind::Group,
        TaskKind::Milestone => Kind::Milestone,
    };
    let mut assignees: Vec<String> = s
        .bookings
        .iter()
        .map(|b| model.resource(b.resource).name.clone())
        .collect();
    if task.is_group() {
        assignees = group_assignees(model, schedule, id);
    }
    Row {
        task: id,
        path: task.path.to_string(),
        title: task.title().to_string(),
        kind,
        depth: task.depth,
        parent,
        collapsed: false,
        root,
        start: s.start,
        end: s.end,
        work: s.work,
        assignees,
        slack: s.slack,
        critical: s.critical,
        progress: s.progress,
        state: s.state,
        status: status(s.start, s.end, s.progress, model.project.now),
        cost: s.cost,
        budget: task.details().budget,
        deadline: task.details().deadline,
        overrun: task
            .details()
            .deadline
            .filter(|d| s.end > *d)
            .map(|d| s.end - d),
        driver: s.driver.map(|d| driver_text(model, d)),
        issues: Vec::new(),
        preds: Vec::new(),
        tags: task.details().tags.clone(),
        note: task.details().note.clone(),
        href: None,
    }
}

fn counts(model: &Model) -> Counts {
    let mut counts = Counts::default();
    for task in &model.tasks {
        match task.kind {
            TaskKind::Leaf => counts.tasks += 1,
            TaskKind::Group => counts.groups += 1,
            TaskKind::Milestone => counts.milestones += 1,
        }
    }
    counts
}

/// Everyone booked anywhere below a group, in first-booked order.
fn group_assignees(model: &Model, schedule: &Schedule, id: TaskId) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut stack = vec![id];
    let mut order = Vec::new();
    while let Some(t) = stack.pop() {
        order.push(t);
        stack.extend(model.task(t).children.iter().rev().copied());
    }
    for t in order {
        for b in &schedule.tasks[t.index()].bookings {
            let name = &model.resource(b.resource).name;
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// Done, under way, late or upcoming at the status date (without one,
/// only "done" is known).
pub fn status(start: Moment, end: Moment, progress: Share, now: Option<Moment>) -> Progress {
    if progress >= Share::FULL {
        return Progress::Done;
    }
    match now {
        Some(now) if end <= now && end > start => Progress::Late,
        Some(now) if end <= now && progress.0 == 0 && end == start => Progress::Late,
        Some(now) if start <= now && now < end => Progress::Active,
        Some(now) if start <= now && progress.0 > 0 => Progress::Active,
        _ => Progress::Upcoming,
    }
}

/// What fixed a task's start, in words (the report's and the editor's hover).
pub fn driver_text(model: &Model, d: Driver) -> String {
    match d {
        Driver::ProjectStart => "the project start".to_string(),
        Driver::Bound(Bound::Start) => "its fixed start".to_string(),
        Driver::Bound(Bound::NotBefore) => "its `not before` date".to_string(),
        Driver::Bound(Bound::Date) => "its fixed date".to_string(),
        Driver::Bound(Bound::StatusDate) => "the status date".to_string(),
        Driver::Dependency(t, kind) => {
            let what = match kind {
                DepKind::FinishToStart => "the end of",
                DepKind::StartToStart => "the start of",
                DepKind::FinishToFinish => "finish-to-finish on",
                DepKind::StartToFinish => "start-to-finish on",
            };
            format!("{what} {} ({})", model.task(t).title(), model.task(t).path)
        }
        Driver::Resource(r, Some(t)) => format!(
            "waiting for {} (busy on {})",
            model.resource(r).name,
            model.task(t).title()
        ),
        Driver::Resource(r, None) => format!("waiting for {}", model.resource(r).name),
    }
}

/// Arrows between visible rows; a dependency on a hidden task is drawn from
/// the collapsed group that holds it. Arrows inside one row are dropped.
fn link_dependencies(model: &Model, rows: &mut [Row], visible_of: &[Option<usize>]) {
    for (to, row_task) in rows.iter().map(|r| r.task).enumerate().collect::<Vec<_>>() {
        let mut preds: Vec<(usize, DepKind)> = Vec::new();
        let mut add = |from: Option<usize>, kind: DepKind| {
            if let Some(from) = from {
                if from != to && !preds.contains(&(from, kind)) {
                    preds.push((from, kind));
                }
            }
        };
        let task = model.task(row_task);
        for d in &task.dependencies {
            add(visible_of[d.target.index()], d.kind);
        }
        // A collapsed group also stands for the dependencies of the tasks
        // it hides, when they come from outside it.
        if rows[to].collapsed {
            let mut stack: Vec<TaskId> = task.children.to_vec();
            while let Some(t) = stack.pop() {
                for d in &model.task(t).dependencies {
                    add(visible_of[d.target.index()], d.kind);
                }
                stack.extend(model.task(t).children.iter().copied());
            }
        }
        rows[to].preds = preds;
    }
}

fn overall_progress(model: &Model, schedule: &Schedule) -> Share {
    let (mut done, mut total) = (0i128, 0i128);
    for r in model.roots() {
        let s = &schedule.tasks[r.index()];
        let w = i128::from(s.work.0.max(1));
        done += w * i128::from(s.progress.0);
        total += w;
    }
    if total == 0 {
        Share::ZERO
    } else {
        Share(u32::try_from(done / total).unwrap_or(0))
    }
}

/// Mondays from the week of `start` to the week of `end`, at most ~10 years.
fn weeks_between(start: Moment, end: Moment) -> Vec<Day> {
    let first = Day(start.day().0 - start.day().weekday() as i64);
    let last = end.day();
    (0..520)
        .map(|w| Day(first.0 + 7 * w))
        .take_while(|d| d.0 <= last.0)
        .collect()
}

/// The calendar a resource works by, as the scheduler builds it.
fn resource_calendar(model: &Model, r: &crate::check::Resource) -> Calendar {
    let def = model.calendar(r.calendar);
    let mut closed: Vec<(Day, Day)> = def.holidays.iter().map(|c| (c.first, c.last)).collect();
    closed.extend(
        model
            .calendar(model.project.calendar)
            .holidays
            .iter()
            .map(|c| (c.first, c.last)),
    );
    closed.extend(r.off.iter().map(|o| (o.first, o.last)));
    Calendar::new(WeekPattern::new(def.week.clone()), closed)
}

fn resource_rows(model: &Model, schedule: &Schedule, weeks: &[Day]) -> Vec<ResourceRow> {
    let mut booked_in_week: Vec<Vec<f64>> = vec![vec![0.0; weeks.len()]; model.resources.len()];
    let calendars: Vec<Calendar> = model
        .resources
        .iter()
        .map(|r| resource_calendar(model, r))
        .collect();
    let first = weeks.first().map_or(0, |d| d.0);
    for s in &schedule.tasks {
        for b in &s.bookings {
            let Some(cal) = calendars.get(b.resource.index()) else {
                continue;
            };
            let from = ((s.start.day().0 - first) / 7).max(0) as usize;
            let to = ((s.end.day().0 - first) / 7).max(0) as usize;
            for w in from..=to.min(weeks.len().saturating_sub(1)) {
                let week_start = weeks[w].start();
                let week_end = week_start + Minutes(7 * 1440);
                let a = s.start.max(week_start);
                let z = s.end.min(week_end);
                if z > a {
                    booked_in_week[b.resource.index()][w] +=
                        cal.work_between(a, z).0 as f64 * b.demand.as_units();
                }
            }
        }
    }
    model
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let limit = r.limit().as_units();
            let load = weeks
                .iter()
                .zip(&booked_in_week[i])
                .map(|(w, &booked)| {
                    let available = calendars[i]
                        .work_between(w.start(), w.start() + Minutes(7 * 1440))
                        .0 as f64
                        * limit;
                    if available > 0.0 {
                        booked / available
                    } else if booked > 0.0 {
                        f64::INFINITY
                    } else {
                        0.0
                    }
                })
                .collect();
            let usage = &schedule.resources[i];
            ResourceRow {
                id: r.id.clone(),
                name: r.name.clone(),
                role: r.role.clone(),
                booked: usage.booked,
                utilisation: usage.utilisation(),
                cost: usage.cost,
                load,
            }
        })
        .collect()
}

fn risk_rows(model: &Model) -> Vec<RiskRow> {
    let mut rows: Vec<RiskRow> = model
        .risks
        .iter()
        .map(|r| {
            let chance = r.chance.map(Share::as_fraction);
            RiskRow {
                id: r.id.clone(),
                title: r.title.clone(),
                chance: r.chance,
                delay: r.delay,
                cost: r.cost,
                delay_exposure: chance
                    .zip(r.delay)
                    .map(|(c, d)| Minutes((c * d.0 as f64).round() as i64)),
                cost_exposure: chance
                    .zip(r.cost)
                    .map(|(c, m)| Money((c * m.0 as f64).round() as i64)),
                affects: r
                    .affects
                    .iter()
                    .map(|t| model.task(*t).title().to_string())
                    .collect(),
                owner: r.owner.map(|o| model.resource(o).name.clone()),
                response: r.response.clone(),
                open: r.status == Status::Open,
            }
        })
        .collect();
    // Open first, then the largest expected delay, then the largest
    // expected cost: the order a steering meeting reads them in.
    rows.sort_by(|a, b| {
        b.open
            .cmp(&a.open)
            .then(
                b.delay_exposure
                    .unwrap_or_default()
                    .cmp(&a.delay_exposure.unwrap_or_default()),
            )
            .then(
                b.cost_exposure
                    .unwrap_or_default()
                    .cmp(&a.cost_exposure.unwrap_or_default()),
            )
    });
    rows
}

fn issue_rows(model: &Model) -> Vec<IssueRow> {
    let mut rows: Vec<IssueRow> = model
        .issues
        .iter()
        .map(|i| IssueRow {
            id: i.id.clone(),
            title: i.title.clone(),
            raised: i.raised,
            owner: i.owner.map(|o| model.resource(o).name.clone()),
            affects: i
                .affects
                .iter()
                .map(|t| model.task(*t).title().to_string())
                .collect(),
            severity: i.severity,
            open: i.status == Status::Open,
            resolution: i.resolution.clone(),
            note: i.note.clone(),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.open
            .cmp(&a.open)
            .then(b.severity.cmp(&a.severity))
            .then(a.raised.cmp(&b.raised))
    });
    rows
}

/// One line per warning: code, message and place.
fn warnings(diagnostics: &[Diagnostic], sources: &SourceMap) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let place = d.primary.as_ref().and_then(|l| {
                let file = sources.get(l.span.file)?;
                let (line, col) = file.line_col(l.span.start as usize);
                Some(format!(" ({}:{line}:{col})", file.name))
            });
            format!(
                "{} {}: {}{}",
                d.severity.as_str(),
                d.code,
                d.message,
                place.unwrap_or_default()
            )
        })
        .collect()
}

/// Runs of days without work on the project calendar.
fn closed_days(model: &Model, start: Moment, end: Moment) -> Vec<(Day, Day)> {
    let cal = model.calendar(model.project.calendar);
    let is_closed = |d: Day| {
        cal.week.get(d.weekday()).is_none_or(|r| r.is_empty())
            || cal.holidays.iter().any(|h| h.first <= d && d <= h.last)
    };
    let mut runs: Vec<(Day, Day)> = Vec::new();
    let last = end.day().0.min(start.day().0 + 36_600);
    for n in start.day().0..=last {
        let d = Day(n);
        if !is_closed(d) {
            continue;
        }
        match runs.last_mut() {
            Some(run) if run.1 .0 + 1 == n => run.1 = d,
            _ => runs.push((d, d)),
        }
    }
    runs
}

// ----------------------------------------------------------------- words

/// `2027-03-01`.
pub fn date(m: Moment) -> String {
    m.day()
        .to_date()
        .map_or_else(|| m.to_iso(), |d| d.to_string())
}

/// `2027-03-01 09:00`.
pub fn date_time(m: Moment) -> String {
    m.to_iso().replacen('T', " ", 1)
}

/// The last day a task occupies: an end at midnight belongs to the day
/// before.
pub fn end_date(start: Moment, end: Moment) -> String {
    date(last_day(start, end).start())
}

/// The day [`end_date`] names.
pub fn last_day(start: Moment, end: Moment) -> Day {
    if end > start && end.minute_of_day() == 0 {
        Moment(end.0 - 1).day()
    } else {
        end.day()
    }
}

/// A deadline: a date-only deadline means the end of that day (midnight
/// after it), which reads best as that day.
pub fn deadline_date(m: Moment) -> String {
    if m.minute_of_day() == 0 {
        date(Moment(m.0 - 1))
    } else {
        date_time(m)
    }
}

/// Working time in project days (`3d`, `2.5d`) or hours below a day.
pub fn work_days(m: Minutes, day_minutes: i64) -> String {
    if m.0 == 0 {
        return "0".to_string();
    }
    if m.0.abs() < day_minutes {
        return format!("{}h", trim(m.0 as f64 / 60.0));
    }
    format!("{}d", trim(m.0 as f64 / day_minutes as f64))
}

/// Calendar time in days or hours (`3 days`, `5 hours`).
pub fn calendar_span(m: Minutes) -> String {
    if m.0 >= 1440 {
        let days = trim(m.0 as f64 / 1440.0);
        format!("{days} day{}", if days == "1" { "" } else { "s" })
    } else {
        let hours = trim(m.0 as f64 / 60.0);
        format!("{hours} hour{}", if hours == "1" { "" } else { "s" })
    }
}

/// `1 group`, `3 groups`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// One decimal at most, no trailing `.0`.
fn trim(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Money with thousands separators and the currency code: `12,400 USD`.
pub fn money(m: Money, currency: &str) -> String {
    let whole = (m.0 / 100).unsigned_abs();
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if m.0 < 0 { "-" } else { "" };
    if currency.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped} {currency}")
    }
}

impl RiskRow {
    /// What the risk would do: `5d delay + 12,000 EUR`.
    pub fn impact(&self, day_minutes: i64, currency: &str) -> String {
        join_parts(
            self.delay
                .map(|d| format!("{} delay", work_days(d, day_minutes))),
            self.cost.map(|c| money(c, currency)),
        )
    }

    /// Chance times impact: `1.5d + 3,000 EUR`.
    pub fn exposure(&self, day_minutes: i64, currency: &str) -> String {
        join_parts(
            self.delay_exposure.map(|d| work_days(d, day_minutes)),
            self.cost_exposure.map(|c| money(c, currency)),
        )
    }
}

fn join_parts(delay: Option<String>, cost: Option<String>) -> String {
    [delay, cost]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" + ")
}

impl IssueRow {
    /// The resolution of a closed issue, else its note.
    pub fn text(&self) -> &str {
        match (&self.resolution, &self.note) {
            (Some(res), _) if !self.open => res,
            (_, Some(note)) => note,
            (Some(res), None) => res,
            (None, None) => "",
        }
    }
}

impl ResourceRow {
    /// The busiest week: its Monday and load, when the resource works at
    /// all.
    pub fn peak(&self, weeks: &[Day]) -> Option<(Day, f64)> {
        self.load
            .iter()
            .zip(weeks)
            .filter(|(load, _)| **load > 0.0)
            .fold(
                None,
                |best: Option<(Day, f64)>, (&load, &week)| match best {
                    Some((_, top)) if top >= load => best,
                    _ => Some((week, load)),
                },
            )
    }
}

impl Row {
    pub fn is_milestone(&self) -> bool {
        self.kind == Kind::Milestone
    }

    pub fn is_group(&self) -> bool {
        self.kind == Kind::Group
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(Money(123_456_700), "USD"), "1,234,567 USD");
        assert_eq!(money(Money(-50_000), ""), "-500");
    }

    #[test]
    fn work_reads_in_days_or_hours() {
        assert_eq!(work_days(Minutes(480 * 5), 480), "5d");
        assert_eq!(work_days(Minutes(90), 480), "1.5h");
        assert_eq!(work_days(Minutes(1200), 480), "2.5d");
    }

    #[test]
    fn an_end_at_midnight_belongs_to_the_day_before() {
        let monday = Day(20822);
        assert_eq!(end_date(monday.start(), Day(20823).start()), "2027-01-04");
        assert_eq!(
            end_date(monday.start(), monday.start() + Minutes(17 * 60)),
            "2027-01-04"
        );
    }

    #[test]
    fn status_follows_the_status_date() {
        let s = Moment(1000);
        let e = Moment(2000);
        assert_eq!(status(s, e, Share::FULL, None), Progress::Done);
        assert_eq!(
            status(s, e, Share::ZERO, Some(Moment(1500))),
            Progress::Active
        );
        assert_eq!(
            status(s, e, Share(5000), Some(Moment(2500))),
            Progress::Late
        );
        assert_eq!(
            status(s, e, Share::ZERO, Some(Moment(500))),
            Progress::Upcoming
        );
    }
}
