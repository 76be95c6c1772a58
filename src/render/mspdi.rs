//! MS Project XML (MSPDI), the XML that MS Project and ProjectLibre open.
//!
//! Written with `quick-xml`'s writer (escaping, indentation). The file
//! holds planc's computed dates, not only its inputs: every task carries
//! its `Start`/`Finish`, and a task whose start no link of MS Project's
//! explains (levelling delayed it, the status date moved it, a second link
//! between the same pair was dropped) gets a "start no earlier than"
//! constraint at planc's start, so that MS Project keeps planc's dates
//! when it recalculates. `docs/interchange.md` lists what is lost.

use super::Input;
use crate::check::{CalendarDef, Closure, DepKind, Model, RatePer, TaskKind, WorkKind};
use crate::schedule::calendar::{Calendar, WeekPattern};
use crate::schedule::{Driver, Schedule, TaskState};
use crate::units::{Day, Minutes, Moment};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use rustc_hash::FxHashSet;
use std::io::Cursor;

/// MSPDI's codes for a link's type.
fn link_type(kind: DepKind) -> u8 {
    match kind {
        DepKind::FinishToFinish => 0,
        DepKind::FinishToStart => 1,
        DepKind::StartToFinish => 2,
        DepKind::StartToStart => 3,
    }
}

/// Duration formats: working days, elapsed days.
const FORMAT_DAYS: &str = "7";
const FORMAT_ELAPSED_DAYS: &str = "8";
/// Constraint types.
const AS_SOON_AS_POSSIBLE: &str = "0";
const MUST_START_ON: &str = "2";
const START_NO_EARLIER_THAN: &str = "4";

/// Writes the plan and its schedule as MSPDI.
pub fn render(input: &Input<'_>) -> String {
    let mut out = Out::new();
    write_project(&mut out, input.model, input.schedule);
    out.finish()
}

/// The XML under construction. Writing into memory cannot fail, so the
/// writer's `io::Result`s are dropped in one place.
struct Out {
    xml: Writer<Cursor<Vec<u8>>>,
}

impl Out {
    fn new() -> Out {
        let mut xml = Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 2);
        let decl = BytesDecl::new("1.0", Some("UTF-8"), Some("yes"));
        let _ = xml.write_event(Event::Decl(decl));
        Out { xml }
    }

    fn open(&mut self, name: &str) {
        let start = quick_xml::events::BytesStart::new(name);
        let _ = self.xml.write_event(Event::Start(start));
    }

    fn open_with(&mut self, name: &str, attr: (&str, &str)) {
        let start = quick_xml::events::BytesStart::new(name).with_attributes([attr]);
        let _ = self.xml.write_event(Event::Start(start));
    }

    fn close(&mut self, name: &str) {
        let end = quick_xml::events::BytesEnd::new(name);
        let _ = self.xml.write_event(Event::End(end));
    }

    fn field(&mut self, name: &str, value: impl AsRef<str>) {
        let _ = self
            .xml
            .create_element(name)
            .write_text_content(BytesText::new(value.as_ref()));
    }

    fn finish(self) -> String {
        let mut text = String::from_utf8_lossy(&self.xml.into_inner().into_inner()).into_owned();
        text.push('\n');
        text
    }
}

/// `2027-03-01T09:00:00`.
fn date_time(t: Moment) -> String {
    format!("{}:00", t.to_iso())
}

/// `PT16H30M0S`: MSPDI durations are hours and minutes of (working) time.
fn duration(m: Minutes) -> String {
    let m = m.0.max(0);
    format!("PT{}H{}M0S", m / 60, m % 60)
}

fn flag(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

/// A number as MSPDI writes decimals: no exponent, at most two places.
fn decimal(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn write_project(out: &mut Out, model: &Model, schedule: &Schedule) {
    let project = &model.project;
    let calendars = CalendarUids::new(model);
    out.open_with("Project", ("xmlns", "http://schemas.microsoft.com/project"));
    out.field("SaveVersion", "14");
    out.field("Name", &project.title);
    out.field("Title", &project.title);
    out.field("ScheduleFromStart", "1");
    out.field("StartDate", date_time(project.start));
    out.field("FinishDate", date_time(schedule.end));
    out.field(
        "CalendarUID",
        calendars.base(project.calendar.index()).to_string(),
    );
    let day = model.day_minutes().0;
    out.field("MinutesPerDay", day.to_string());
    let week: i64 = model
        .calendar(project.calendar)
        .week
        .iter()
        .flatten()
        .map(|&(from, to)| i64::from(to) - i64::from(from))
        .sum();
    out.field("MinutesPerWeek", week.to_string());
    if let Some(now) = project.now {
        out.field("StatusDate", date_time(now));
    }
    if let Some(currency) = &project.currency {
        out.field("CurrencyCode", currency);
    }
    write_calendars(out, model, &calendars);
    write_tasks(out, model, schedule);
    write_resources(out, model, &calendars);
    write_assignments(out, model, schedule);
    out.close("Project");
}

/// UIDs of the calendars: the plan's calendars first (1..), then one per
/// resource (its calendar, its time off and the project's holidays).
struct CalendarUids {
    base_count: usize,
}

impl CalendarUids {
    fn new(model: &Model) -> CalendarUids {
        CalendarUids {
            base_count: model.calendars.len(),
        }
    }

    fn base(&self, index: usize) -> usize {
        index + 1
    }

    fn resource(&self, index: usize) -> usize {
        self.base_count + index + 1
    }
}

fn write_calendars(out: &mut Out, model: &Model, uids: &CalendarUids) {
    out.open("Calendars");
    for (i, def) in model.calendars.iter().enumerate() {
        out.open("Calendar");
        out.field("UID", uids.base(i).to_string());
        out.field("Name", &def.title);
        out.field("IsBaseCalendar", "1");
        out.field("BaseCalendarUID", "-1");
        write_week(out, def);
        write_exceptions(out, &def.holidays);
        out.close("Calendar");
    }
    let project_holidays = &model.calendar(model.project.calendar).holidays;
    for (i, resource) in model.resources.iter().enumerate() {
        let def = model.calendar(resource.calendar);
        // planc closes a resource on its calendar's holidays, the project
        // calendar's holidays and its own time off; MS Project inherits
        // only the base calendar's, so the rest are written here.
        let mut closed: Vec<Closure> = resource.off.clone();
        if resource.calendar != model.project.calendar {
            closed.extend(project_holidays.iter().cloned());
        }
        out.open("Calendar");
        out.field("UID", uids.resource(i).to_string());
        out.field("Name", &resource.name);
        out.field("IsBaseCalendar", "0");
        out.field(
            "BaseCalendarUID",
            uids.base(resource.calendar.index()).to_string(),
        );
        write_week(out, def);
        write_exceptions(out, &closed);
        out.close("Calendar");
    }
    out.close("Calendars");
}

/// The seven weekdays, Sunday first as MSPDI numbers them (1..=7).
fn write_week(out: &mut Out, def: &CalendarDef) {
    out.open("WeekDays");
    for day_type in 1..=7 {
        // planc's week starts on Monday (0); MSPDI's DayType 1 is Sunday.
        let ranges = &def.week[(day_type + 5) % 7];
        out.open("WeekDay");
        out.field("DayType", day_type.to_string());
        out.field("DayWorking", flag(!ranges.is_empty()));
        if !ranges.is_empty() {
            out.open("WorkingTimes");
            for &(from, to) in ranges {
                out.open("WorkingTime");
                out.field("FromTime", time_of_day(from));
                out.field("ToTime", time_of_day(to));
                out.close("WorkingTime");
            }
            out.close("WorkingTimes");
        }
        out.close("WeekDay");
    }
    out.close("WeekDays");
}

/// `09:00:00`; the end of a day, 24:00, is midnight as MSPDI writes it.
fn time_of_day(minute: u16) -> String {
    let minute = minute % (24 * 60);
    format!("{:02}:{:02}:00", minute / 60, minute % 60)
}

fn write_exceptions(out: &mut Out, closed: &[Closure]) {
    if closed.is_empty() {
        return;
    }
    out.open("Exceptions");
    for closure in closed {
        out.open("Exception");
        out.field("EnteredByOccurrences", "0");
        out.open("TimePeriod");
        out.field("FromDate", date_time(closure.first.start()));
        out.field(
            "ToDate",
            date_time(Day(closure.last.0).start() + Minutes(23 * 60 + 59)),
        );
        out.close("TimePeriod");
        out.field("Occurrences", "1");
        out.field("Name", closure.why.as_deref().unwrap_or("Closed"));
        out.field("Type", "1");
        out.field("DayWorking", "0");
        out.close("Exception");
    }
    out.close("Exceptions");
}

/// Task UIDs: the project summary task is 0, plan tasks are their model
/// index + 1 (a parent comes before its children, as MSPDI's outline needs).
fn task_uid(index: usize) -> usize {
    index + 1
}

fn write_tasks(out: &mut Out, model: &Model, schedule: &Schedule) {
    let project_calendar = project_calendar(model);
    let outline = outline_numbers(model);
    out.open("Tasks");
    write_summary_task(out, model, schedule);
    for (i, task) in model.tasks.iter().enumerate() {
        let placed = &schedule.tasks[i];
        let details = task.details();
        out.open("Task");
        out.field("UID", task_uid(i).to_string());
        out.field("ID", task_uid(i).to_string());
        out.field("Name", task.title());
        out.field("Type", task_type(task.work.map(|w| w.kind)));
        out.field("IsNull", "0");
        out.field("WBS", &outline[i]);
        out.field("OutlineNumber", &outline[i]);
        out.field("OutlineLevel", (task.depth + 1).to_string());
        out.field("Priority", task.priority.to_string());
        out.field("Start", date_time(placed.start));
        out.field("Finish", date_time(placed.end));
        let elapsed = task.work.is_some_and(|w| w.kind == WorkKind::Elapsed);
        let length = if elapsed {
            placed.end - placed.start
        } else {
            project_calendar.work_between(placed.start, placed.end)
        };
        out.field("Duration", duration(length));
        out.field(
            "DurationFormat",
            if elapsed {
                FORMAT_ELAPSED_DAYS
            } else {
                FORMAT_DAYS
            },
        );
        out.field("Work", duration(placed.work));
        out.field("Milestone", flag(task.kind == TaskKind::Milestone));
        out.field("Summary", flag(task.is_group()));
        out.field("Critical", flag(placed.critical));
        out.field("FixedCost", decimal(task.cost.as_f64()));
        out.field("PercentComplete", percent(placed.progress.as_fraction()));
        if let Some(start) = placed.actual_start {
            out.field("ActualStart", date_time(start));
        }
        if let Some(end) = placed.actual_end {
            out.field("ActualFinish", date_time(end));
        }
        if placed.state == TaskState::InProgress {
            // The whole percent MSPDI holds loses the exact rest.
            let effort = task.work.is_some_and(|w| w.kind == WorkKind::Effort);
            if effort {
                out.field("RemainingWork", duration(placed.remaining));
            } else {
                // A level-of-effort task has no remaining work of its own:
                // its rest is its span after the status date.
                let from = model
                    .project
                    .now
                    .map_or(placed.start, |now| now.max(placed.start));
                let rest = if elapsed {
                    placed.end - from
                } else {
                    project_calendar.work_between(from, placed.end)
                };
                out.field("RemainingDuration", duration(rest));
            }
        }
        let (links, dropped) = links_ms_project_holds(task.dependencies.iter());
        match constraint(model, schedule, i, dropped) {
            Some((kind, at)) => {
                out.field("ConstraintType", kind);
                out.field("ConstraintDate", date_time(at));
            }
            None => out.field("ConstraintType", AS_SOON_AS_POSSIBLE),
        }
        if let Some(deadline) = details.deadline {
            out.field("Deadline", date_time(deadline));
        }
        if let Some(note) = &details.note {
            out.field("Notes", note);
        }
        for dep in links {
            out.open("PredecessorLink");
            out.field("PredecessorUID", task_uid(dep.target.index()).to_string());
            out.field("Type", link_type(dep.kind).to_string());
            out.field("CrossProject", "0");
            out.field("LinkLag", (dep.lag.0 * 10).to_string());
            out.field("LagFormat", FORMAT_DAYS);
            out.close("PredecessorLink");
        }
        out.close("Task");
    }
    out.close("Tasks");
}

/// The project's own line (UID 0, outline level 0), as MS Project writes it.
fn write_summary_task(out: &mut Out, model: &Model, schedule: &Schedule) {
    out.open("Task");
    out.field("UID", "0");
    out.field("ID", "0");
    out.field("Name", &model.project.title);
    out.field("Type", "1");
    out.field("IsNull", "0");
    out.field("WBS", "0");
    out.field("OutlineNumber", "0");
    out.field("OutlineLevel", "0");
    out.field("Start", date_time(schedule.start));
    out.field("Finish", date_time(schedule.end));
    out.field("Summary", "1");
    out.close("Task");
}

/// Task `Type`: fixed work for effort, fixed duration otherwise.
fn task_type(kind: Option<WorkKind>) -> &'static str {
    match kind {
        Some(WorkKind::Effort) => "2",
        _ => "1",
    }
}

fn percent(fraction: f64) -> String {
    ((fraction * 100.0).round() as i64)
        .clamp(0, 100)
        .to_string()
}

/// `1`, `1.2`, `1.2.3`: each task's place among its siblings.
fn outline_numbers(model: &Model) -> Vec<String> {
    let mut numbers: Vec<String> = vec![String::new(); model.tasks.len()];
    let mut next_child = vec![0u32; model.tasks.len()];
    let mut next_root = 0u32;
    for (i, task) in model.tasks.iter().enumerate() {
        numbers[i] = match task.parent {
            Some(p) => {
                next_child[p.index()] += 1;
                format!("{}.{}", numbers[p.index()], next_child[p.index()])
            }
            None => {
                next_root += 1;
                next_root.to_string()
            }
        };
    }
    numbers
}

/// The links of one task that MSPDI can hold: one per predecessor (the
/// first written), and whether any was dropped.
fn links_ms_project_holds<'a>(
    deps: impl Iterator<Item = &'a crate::check::Dependency>,
) -> (Vec<&'a crate::check::Dependency>, bool) {
    let mut seen = FxHashSet::default();
    let mut kept = Vec::new();
    let mut dropped = false;
    for dep in deps {
        if seen.insert(dep.target) {
            kept.push(dep);
        } else {
            dropped = true;
        }
    }
    (kept, dropped)
}

/// The constraint that keeps a task where planc put it: a fixed start as
/// "must start on"; "start no earlier than" planc's start wherever a link
/// or the project start does not explain it; nothing for groups.
fn constraint(
    model: &Model,
    schedule: &Schedule,
    i: usize,
    dropped_link: bool,
) -> Option<(&'static str, Moment)> {
    let task = &model.tasks[i];
    if task.is_group() {
        return None;
    }
    let milestone = task.kind == TaskKind::Milestone;
    let placed = &schedule.tasks[i];
    let details = task.details();
    if let Some(fixed) = details.start.or(details.date) {
        if fixed == placed.start {
            return Some((MUST_START_ON, fixed));
        }
    }
    let explained = matches!(
        placed.driver,
        Some(Driver::ProjectStart | Driver::Dependency(..))
    );
    let tracked = placed.actual_start.is_some() || model.project.now.is_some();
    // A milestone sits where its links put it; only a fixed date holds it.
    if milestone || (explained && !dropped_link && !tracked) {
        None
    } else {
        Some((START_NO_EARLIER_THAN, placed.start))
    }
}

fn project_calendar(model: &Model) -> Calendar {
    let def = model.calendar(model.project.calendar);
    let closed = def.holidays.iter().map(|c| (c.first, c.last)).collect();
    Calendar::new(WeekPattern::new(def.week.clone()), closed)
}

fn write_resources(out: &mut Out, model: &Model, calendars: &CalendarUids) {
    out.open("Resources");
    for (i, resource) in model.resources.iter().enumerate() {
        out.open("Resource");
        out.field("UID", (i + 1).to_string());
        out.field("ID", (i + 1).to_string());
        out.field("Name", &resource.name);
        out.field("Type", "1");
        out.field("IsNull", "0");
        if let Some(role) = &resource.role {
            out.field("Group", role);
        }
        out.field("MaxUnits", decimal(resource.limit().as_units()));
        if let Some(rate) = resource.rate {
            let day_hours = model.calendar(resource.calendar).day_minutes.0 as f64 / 60.0;
            // MSPDI holds every rate per hour; the format only says how
            // MS Project shows it.
            let (per_hour, format) = match rate.per {
                RatePer::Hour => (rate.amount.as_f64(), "2"),
                RatePer::Day if day_hours > 0.0 => (rate.amount.as_f64() / day_hours, "3"),
                RatePer::Day => (0.0, "3"),
            };
            out.field("StandardRate", format!("{per_hour}"));
            out.field("StandardRateFormat", format);
        }
        out.field("CalendarUID", calendars.resource(i).to_string());
        if let Some(note) = &resource.note {
            out.field("Notes", note);
        }
        out.close("Resource");
    }
    out.close("Resources");
}

fn write_assignments(out: &mut Out, model: &Model, schedule: &Schedule) {
    out.open("Assignments");
    let mut uid = 0usize;
    for (i, task) in model.tasks.iter().enumerate() {
        if task.is_group() {
            continue;
        }
        let placed = &schedule.tasks[i];
        for booked in &placed.bookings {
            uid += 1;
            out.open("Assignment");
            out.field("UID", uid.to_string());
            out.field("TaskUID", task_uid(i).to_string());
            out.field("ResourceUID", (booked.resource.index() + 1).to_string());
            out.field("Units", decimal(booked.demand.as_units()));
            out.field("Work", duration(booked.work));
            out.field("Start", date_time(placed.start));
            out.field("Finish", date_time(placed.end));
            out.close("Assignment");
        }
    }
    out.close("Assignments");
}
