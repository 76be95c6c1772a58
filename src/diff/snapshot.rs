//! One side of a diff: what a schedule says, read from a compiled plan or
//! from the JSON that `planc build` writes. Both readers go through the
//! same text helpers and the JSON writer's own rounding
//! (`render::json::{hours, demand, driver_fields}`), so a `.plan` and its
//! JSON schedule make the same snapshot (`tests/diff.rs` holds them to it).

use crate::diagnostic::codes;
use crate::schedule::calendar::{Calendar, WeekPattern};
use crate::units::{Day, Minutes, Moment, Money};
use rustc_hash::FxHashMap;
use serde::Deserialize;

/// A schedule as the diff sees it.
#[derive(Debug)]
pub struct Snapshot {
    pub title: String,
    pub end: Moment,
    pub deadline: Option<Moment>,
    pub currency: Option<String>,
    pub cost: Money,
    pub budget: Option<Money>,
    /// The project calendar: slips are counted in its working time.
    pub calendar: Calendar,
    /// The length of its working day (a `d`).
    pub day: Minutes,
    /// In the order of the plan (a parent before its children).
    pub tasks: Vec<Task>,
    index: FxHashMap<String, usize>,
    /// The over-allocation warnings, one line each.
    pub overallocations: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Task,
    Group,
    Milestone,
}

#[derive(Debug)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub kind: Kind,
    pub parent: Option<String>,
    pub start: Moment,
    pub end: Moment,
    pub critical: bool,
    pub cost: Money,
    pub deadline: Option<Moment>,
    pub driver: Option<Driver>,
    /// `effort`, `duration` or `elapsed` and its hours, as written.
    pub work: Option<(String, f64)>,
    /// `resource` or `resource x0.5`, sorted.
    pub assignments: Vec<String>,
    /// `after x`, `after start of x + 2h`, ..., sorted.
    pub dependencies: Vec<String>,
}

/// What fixed a task's start (the JSON's `driver`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Driver {
    pub kind: String,
    #[serde(default)]
    pub task: Option<String>,
    #[serde(default)]
    pub resource: Option<String>,
}

impl Snapshot {
    pub fn task(&self, id: &str) -> Option<&Task> {
        self.position(id).map(|i| &self.tasks[i])
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The snapshot of a compiled plan, straight from its model and
    /// schedule (rendering the JSON and reading it back would cost more
    /// than the two compiles of a large plan).
    pub fn from_compiled(
        model: &crate::Model,
        schedule: &crate::Schedule,
        diagnostics: &crate::Diagnostics,
    ) -> Snapshot {
        use crate::render::json::{demand, dep_kind, driver_fields, hours, work_kind};
        let def = model.calendar(model.project.calendar);
        let closed = def.holidays.iter().map(|c| (c.first, c.last)).collect();
        let tasks: Vec<Task> = model
            .tasks
            .iter()
            .zip(&schedule.tasks)
            .map(|(t, s)| {
                let mut assignments: Vec<String> = s
                    .bookings
                    .iter()
                    .map(|b| assignment_text(&model.resource(b.resource).id, demand(b.demand)))
                    .collect();
                assignments.sort();
                let mut dependencies: Vec<String> = t
                    .dependencies
                    .iter()
                    .map(|d| {
                        dependency_text(&model.task(d.target).path, dep_kind(d.kind), hours(d.lag))
                    })
                    .collect();
                dependencies.sort();
                Task {
                    id: t.path.to_string(),
                    title: t.title().to_string(),
                    kind: match t.kind {
                        crate::check::TaskKind::Leaf => Kind::Task,
                        crate::check::TaskKind::Group => Kind::Group,
                        crate::check::TaskKind::Milestone => Kind::Milestone,
                    },
                    parent: t.parent.map(|p| model.task(p).path.to_string()),
                    start: s.start,
                    end: s.end,
                    critical: s.critical,
                    cost: s.cost,
                    deadline: t.details().deadline,
                    driver: s.driver.map(|d| {
                        let (kind, task, resource) = driver_fields(model, d);
                        Driver {
                            kind: kind.to_string(),
                            task: task.map(str::to_string),
                            resource: resource.map(str::to_string),
                        }
                    }),
                    work: t
                        .work
                        .map(|w| (work_kind(w.kind).to_string(), hours(w.minutes))),
                    assignments,
                    dependencies,
                }
            })
            .collect();
        Snapshot {
            title: model.project.title.clone(),
            end: schedule.end,
            deadline: model.project.deadline,
            currency: model.project.currency.clone(),
            cost: schedule.cost,
            budget: model.project.budget,
            calendar: Calendar::new(WeekPattern::new(def.week.clone()), closed),
            day: def.day_minutes,
            index: index_of(&tasks),
            tasks,
            overallocations: diagnostics
                .iter()
                .filter(|d| d.code == codes::OVERALLOCATED)
                .map(|d| d.message.clone())
                .collect(),
        }
    }

    /// Reads a JSON schedule written by `planc build --format json`.
    pub fn from_json(bytes: &[u8]) -> Result<Snapshot, String> {
        let doc: Doc =
            serde_json::from_slice(bytes).map_err(|e| format!("not a planc JSON schedule: {e}"))?;
        if !doc.schema.starts_with("planc/") {
            return Err(format!(
                "not a planc JSON schedule (schema `{}`)",
                doc.schema
            ));
        }
        let Some(cal) = doc.project.calendar else {
            return Err(format!(
                "this JSON schedule (schema `{}`) has no calendar to count working days on; build it again with this planc",
                doc.schema
            ));
        };
        let (calendar, day) = cal.to_calendar()?;
        let tasks = doc
            .tasks
            .into_iter()
            .map(TaskJson::into_task)
            .collect::<Result<Vec<Task>, String>>()?;
        let index = index_of(&tasks);
        Ok(Snapshot {
            title: doc.project.title,
            end: moment(&doc.project.end)?,
            deadline: doc.project.deadline.as_deref().map(moment).transpose()?,
            currency: doc.project.currency,
            cost: money(doc.project.cost),
            budget: doc.project.budget.map(money),
            calendar,
            day,
            tasks,
            index,
            overallocations: doc
                .diagnostics
                .into_iter()
                .filter(|d| d.code == codes::OVERALLOCATED.0)
                .map(|d| d.message)
                .collect(),
        })
    }

    /// Signed working time from `old` to `new` on this calendar.
    pub fn work_between(&self, old: Moment, new: Moment) -> Minutes {
        if new >= old {
            self.calendar.work_between(old, new)
        } else {
            -self.calendar.work_between(new, old)
        }
    }
}

#[derive(Deserialize)]
struct Doc {
    schema: String,
    project: ProjectJson,
    tasks: Vec<TaskJson>,
    #[serde(default)]
    diagnostics: Vec<DiagnosticJson>,
}

#[derive(Deserialize)]
struct ProjectJson {
    title: String,
    end: String,
    deadline: Option<String>,
    currency: Option<String>,
    cost: f64,
    budget: Option<f64>,
    #[serde(default)]
    calendar: Option<CalendarJson>,
}

#[derive(Deserialize)]
struct CalendarJson {
    day_hours: f64,
    week: Vec<Vec<String>>,
    holidays: Vec<HolidayJson>,
}

#[derive(Deserialize)]
struct HolidayJson {
    from: String,
    to: String,
}

#[derive(Deserialize)]
struct TaskJson {
    id: String,
    title: String,
    kind: String,
    parent: Option<String>,
    start: String,
    end: String,
    assignments: Vec<AssignmentJson>,
    dependencies: Vec<DependencyJson>,
    critical: bool,
    cost: f64,
    deadline: Option<String>,
    driver: Option<Driver>,
    #[serde(default)]
    work: Option<WorkJson>,
}

#[derive(Deserialize)]
struct AssignmentJson {
    resource: String,
    demand: f64,
}

#[derive(Deserialize)]
struct DependencyJson {
    task: String,
    #[serde(rename = "type")]
    kind: String,
    lag_hours: f64,
}

#[derive(Deserialize)]
struct WorkJson {
    kind: String,
    hours: f64,
}

#[derive(Deserialize)]
struct DiagnosticJson {
    code: String,
    message: String,
}

impl CalendarJson {
    fn to_calendar(&self) -> Result<(Calendar, Minutes), String> {
        if self.week.len() != 7 {
            return Err("the calendar's week does not have seven days".to_string());
        }
        let mut days: [Vec<(u16, u16)>; 7] = Default::default();
        for (day, ranges) in days.iter_mut().zip(&self.week) {
            for r in ranges {
                day.push(clock_range(r)?);
            }
        }
        let closed = self
            .holidays
            .iter()
            .map(|h| Ok((date(&h.from)?, date(&h.to)?)))
            .collect::<Result<Vec<(Day, Day)>, String>>()?;
        let day = Minutes((self.day_hours * 60.0).round() as i64);
        Ok((Calendar::new(WeekPattern::new(days), closed), day))
    }
}

impl TaskJson {
    fn into_task(self) -> Result<Task, String> {
        let kind = match self.kind.as_str() {
            "group" => Kind::Group,
            "milestone" => Kind::Milestone,
            _ => Kind::Task,
        };
        let mut assignments: Vec<String> = self
            .assignments
            .iter()
            .map(|a| assignment_text(&a.resource, a.demand))
            .collect();
        assignments.sort();
        let mut dependencies: Vec<String> = self
            .dependencies
            .iter()
            .map(|d| dependency_text(&d.task, &d.kind, d.lag_hours))
            .collect();
        dependencies.sort();
        Ok(Task {
            start: moment(&self.start)?,
            end: moment(&self.end)?,
            deadline: self.deadline.as_deref().map(moment).transpose()?,
            id: self.id,
            title: self.title,
            kind,
            parent: self.parent,
            critical: self.critical,
            cost: money(self.cost),
            driver: self.driver,
            work: self.work.map(|w| (w.kind, w.hours)),
            assignments,
            dependencies,
        })
    }
}

fn index_of(tasks: &[Task]) -> FxHashMap<String, usize> {
    tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect()
}

/// `alice`, or `alice x0.5` for another demand than one full unit.
fn assignment_text(resource: &str, demand: f64) -> String {
    if (demand - 1.0).abs() < 1e-9 {
        resource.to_string()
    } else {
        format!("{resource} x{}", number(demand))
    }
}

/// A dependency as the language writes it.
fn dependency_text(task: &str, kind: &str, lag_hours: f64) -> String {
    let (lead, of) = match kind {
        "start-to-start" => ("after", "start of "),
        "finish-to-finish" => ("finish after", ""),
        "start-to-finish" => ("finish after", "start of "),
        _ => ("after", ""),
    };
    let lag = if lag_hours > 0.0 {
        format!(" + {}h", number(lag_hours))
    } else if lag_hours < 0.0 {
        format!(" - {}h", number(-lag_hours))
    } else {
        String::new()
    };
    format!("{lead} {of}{task}{lag}")
}

/// A number without a needless fraction (2, 2.5, 0.33).
pub fn number(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

fn money(x: f64) -> Money {
    Money((x * 100.0).round() as i64)
}

/// `YYYY-MM-DDTHH:MM`, the JSON's moments.
pub fn moment(text: &str) -> Result<Moment, String> {
    let bad = || format!("`{text}` is not a moment (YYYY-MM-DDTHH:MM)");
    let (d, t) = text.split_once('T').ok_or_else(bad)?;
    let day = date(d)?;
    let minute = clock(t).ok_or_else(bad)?;
    Ok(Moment(day.start().0 + i64::from(minute)))
}

fn date(text: &str) -> Result<Day, String> {
    text.parse::<jiff::civil::Date>()
        .map(Day::from_date)
        .map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

/// `HH:MM` as minutes after midnight (24:00 allowed, as a range's end).
fn clock(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let minute = u32::from(h) * 60 + u32::from(m);
    (m < 60 && minute <= 1440).then(|| u16::try_from(minute).ok())?
}

fn clock_range(text: &str) -> Result<(u16, u16), String> {
    text.split_once("..")
        .and_then(|(a, b)| Some((clock(a)?, clock(b)?)))
        .ok_or_else(|| format!("`{text}` is not a range of working hours (HH:MM..HH:MM)"))
}
