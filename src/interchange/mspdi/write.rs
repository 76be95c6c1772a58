//! The read MSPDI project as plan text: calendars (and `off` for a
//! resource calendar's exceptions), work resources, the task outline as
//! nested tasks, links, constraints, tracking. What a plan cannot say is
//! an `# import:` comment where it was.

use super::model::{
    is_elapsed_format, Assignment, Calendar, Link, Project, Resource, ResourceKind, Task, Week,
};
use super::Diagnostics;
use crate::interchange::emit::{quote, Idents, PlanText};
use jiff::civil::DateTime;
use rustc_hash::FxHashMap;

/// planc reads `{` nesting up to 100 deep; an outline deeper than this is
/// flattened at this level (with a note) so the plan stays readable.
const MAX_OUTLINE_DEPTH: usize = 40;
/// How deep a calendar's chain of base calendars is followed.
const MAX_BASE_CHAIN: usize = 8;

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub fn plan_text(p: &Project, diags: &mut Diagnostics) -> String {
    let mut out = PlanText::new();
    let calendars = Calendars::new(p);
    let mut cal_ids = Idents::new();
    let mut plan_calendars: FxHashMap<i64, String> = FxHashMap::default();
    for cal in p.calendars.iter().filter(|c| c.is_base || c.base.is_none()) {
        plan_calendars.insert(cal.uid, cal_ids.make(&ident_base(&cal.name)));
    }
    let project_day = p
        .calendar
        .and_then(|uid| calendars.get(uid))
        .map_or(p.minutes_per_day, |c| day_minutes(&calendars.week(c)));
    write_project(&mut out, p, &plan_calendars);
    for cal in p
        .calendars
        .iter()
        .filter(|c| plan_calendars.contains_key(&c.uid))
    {
        write_calendar(
            &mut out,
            cal,
            &plan_calendars[&cal.uid],
            &calendars,
            &cal.exceptions,
            p,
            diags,
        );
    }
    let resources = write_resources(
        &mut out,
        p,
        &calendars,
        &mut plan_calendars,
        &mut cal_ids,
        diags,
    );
    let mut tasks = Outline::build(&p.tasks, diags, p.len);
    tasks.name_all();
    let writer = TaskWriter {
        p,
        outline: &tasks,
        resources: &resources,
        day: project_day.max(1),
    };
    for &root in &tasks.roots {
        writer.task(&mut out, root, diags);
    }
    out.finish()
}

fn write_project(out: &mut PlanText, p: &Project, calendars: &FxHashMap<i64, String>) {
    out.open(format!("project {}", quote(&p.title)));
    out.line(format!("start {}", moment(p.start)));
    if let Some(status) = p.status {
        out.line(format!("now {}", moment(status)));
    }
    if let Some(currency) = &p.currency {
        out.line(format!("currency {currency}"));
    }
    if let Some(id) = p.calendar.and_then(|uid| calendars.get(&uid)) {
        out.line(format!("calendar {id}"));
    }
    out.close();
}

/// A plan date: the date alone at midnight, else with the time.
fn moment(t: DateTime) -> String {
    if t.hour() == 0 && t.minute() == 0 {
        t.date().to_string()
    } else {
        exact_moment(t)
    }
}

/// Always with the time (a date alone means the end of the day in a
/// deadline).
fn exact_moment(t: DateTime) -> String {
    format!("{}T{:02}:{:02}", t.date(), t.hour(), t.minute())
}

/// A lower-case identifier stem from a name, short enough to read.
fn ident_base(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let mut stem: String = lower
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    while stem.contains("__") {
        stem = stem.replace("__", "_");
    }
    let stem = stem.trim_matches('_');
    stem.chars().take(32).collect()
}

/// The calendars by UID, with their weeks completed from their bases.
struct Calendars<'p> {
    by_uid: FxHashMap<i64, &'p Calendar>,
}

impl<'p> Calendars<'p> {
    fn new(p: &'p Project) -> Calendars<'p> {
        Calendars {
            by_uid: p.calendars.iter().map(|c| (c.uid, c)).collect(),
        }
    }

    fn get(&self, uid: i64) -> Option<&'p Calendar> {
        self.by_uid.get(&uid).copied()
    }

    /// The working ranges of each weekday: the calendar's own, else its
    /// base's, else MS Project's standard week.
    fn week(&self, cal: &Calendar) -> [Vec<(u16, u16)>; 7] {
        let mut week: Week = cal.week.clone();
        let mut base = cal.base;
        for _ in 0..MAX_BASE_CHAIN {
            let Some(b) = base.and_then(|uid| self.get(uid)) else {
                break;
            };
            for (day, own) in week.iter_mut().enumerate() {
                if own.is_none() {
                    own.clone_from(&b.week[day]);
                }
            }
            base = b.base;
        }
        std::array::from_fn(|day| week[day].clone().unwrap_or_else(|| standard_day(day)))
    }
}

/// MS Project's standard calendar: Monday to Friday, 8 to 12 and 13 to 17.
fn standard_day(day: usize) -> Vec<(u16, u16)> {
    if day < 5 {
        vec![(8 * 60, 12 * 60), (13 * 60, 17 * 60)]
    } else {
        Vec::new()
    }
}

/// The most common working day's ranges, which `hours` sets for all days.
fn usual_hours(week: &[Vec<(u16, u16)>; 7]) -> Option<&Vec<(u16, u16)>> {
    let working = week.iter().filter(|d| !d.is_empty());
    working
        .clone()
        .max_by_key(|d| week.iter().filter(|o| o == d).count())
}

fn day_minutes(week: &[Vec<(u16, u16)>; 7]) -> i64 {
    usual_hours(week).map_or(480, |ranges| {
        ranges.iter().map(|(a, b)| i64::from(b - a)).sum()
    })
}

fn ranges_text(ranges: &[(u16, u16)]) -> String {
    ranges
        .iter()
        .map(|(a, b)| format!("{}..{}", clock(*a), clock(*b)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn write_calendar(
    out: &mut PlanText,
    cal: &Calendar,
    id: &str,
    calendars: &Calendars<'_>,
    holidays: &[super::model::Exception],
    p: &Project,
    diags: &mut Diagnostics,
) {
    let week = calendars.week(cal);
    out.open(format!("calendar {id} {}", quote(&cal.name)));
    let working: Vec<&str> = (0..7)
        .filter(|d| !week[*d].is_empty())
        .map(|d| WEEKDAYS[d])
        .collect();
    match usual_hours(&week) {
        Some(usual) => {
            out.line(format!("workdays {}", working.join(", ")));
            out.line(format!("hours {}", ranges_text(usual)));
            for (day, ranges) in week.iter().enumerate() {
                if !ranges.is_empty() && ranges != usual {
                    out.line(format!("hours {} {}", WEEKDAYS[day], ranges_text(ranges)));
                }
            }
        }
        None => {
            out.note(format!(
                "calendar {:?} has no working day; planc's default week is kept",
                cal.name
            ));
            diags.not_carried(
                cal.at,
                p.len,
                format!("the calendar `{}` has no working time", cal.name),
            );
        }
    }
    for e in holidays {
        closure(out, "holiday", e, p, diags);
    }
    out.close();
}

/// A non-working exception as `holiday`/`off`; a working one as a note.
fn closure(
    out: &mut PlanText,
    keyword: &str,
    e: &super::model::Exception,
    p: &Project,
    diags: &mut Diagnostics,
) {
    let first = e.from.date();
    let mut last = e.to.date();
    // An exception that ends at midnight ends the day before.
    if e.to.time() == jiff::civil::Time::midnight() && last > first {
        last = last.yesterday().unwrap_or(last);
    }
    if last < first {
        diags.bad_value(
            e.at,
            p.len,
            "a calendar exception that ends before it starts",
        );
        return;
    }
    let why = e
        .name
        .as_deref()
        .map(|n| format!(" {}", quote(n)))
        .unwrap_or_default();
    if e.working {
        out.note(format!(
            "working exception {first}..{last}{why} (extra working time) not carried over"
        ));
        diags.not_carried(
            e.at,
            p.len,
            "a working-time exception: plans have only non-working exceptions",
        );
        return;
    }
    let span = if first == last {
        first.to_string()
    } else {
        format!("{first}..{last}")
    };
    out.line(format!("{keyword} {span}{why}"));
}

/// An imported work resource: its identifier and its units.
struct PlanResource {
    id: String,
    /// `units`: more than one for a pool.
    units: u32,
    /// `capacity` as a fraction (1 when not set).
    capacity: f64,
}

fn write_resources(
    out: &mut PlanText,
    p: &Project,
    calendars: &Calendars<'_>,
    plan_calendars: &mut FxHashMap<i64, String>,
    cal_ids: &mut Idents,
    diags: &mut Diagnostics,
) -> FxHashMap<i64, PlanResource> {
    let mut ids = Idents::new();
    let mut imported = FxHashMap::default();
    for r in &p.resources {
        if r.kind != ResourceKind::Work {
            let kind = if r.kind == ResourceKind::Material {
                "material"
            } else {
                "cost"
            };
            out.note(format!(
                "{kind} resource {} (UID {}) not carried over: plans have work resources only",
                quote(&r.name),
                r.uid
            ));
            diags.not_carried(
                r.at,
                p.len,
                format!(
                    "the {kind} resource `{}`: plans have work resources only",
                    r.name
                ),
            );
            continue;
        }
        let own = r.calendar.and_then(|uid| calendars.get(uid));
        let (calendar, day) =
            resource_calendar(out, own, calendars, plan_calendars, cal_ids, p, diags);
        let id = ids.make(&ident_base(&r.name));
        let project_calendar = p
            .calendar
            .and_then(|uid| plan_calendars.get(&uid))
            .map(String::as_str);
        let resource = write_resource(
            out,
            r,
            &id,
            calendar.as_deref(),
            day,
            own,
            project_calendar,
            p,
            diags,
        );
        imported.insert(r.uid, resource);
    }
    imported
}

/// The plan calendar a resource works on (writing one when its calendar
/// changes the week of its base) and that calendar's day length.
fn resource_calendar(
    out: &mut PlanText,
    own: Option<&Calendar>,
    calendars: &Calendars<'_>,
    plan_calendars: &mut FxHashMap<i64, String>,
    cal_ids: &mut Idents,
    p: &Project,
    diags: &mut Diagnostics,
) -> (Option<String>, i64) {
    let Some(own) = own else {
        return (None, p.minutes_per_day);
    };
    let week = calendars.week(own);
    let day = day_minutes(&week);
    if let Some(id) = plan_calendars.get(&own.uid) {
        return (Some(id.clone()), day);
    }
    let base = own.base.and_then(|uid| calendars.get(uid));
    if let Some(base) = base {
        if calendars.week(base) == week {
            return (plan_calendars.get(&base.uid).cloned(), day);
        }
    }
    // A week of its own: a plan calendar of its own, with its base's
    // exceptions as holidays (its own become the resource's `off`).
    let id = cal_ids.make(&ident_base(&own.name));
    let holidays = base.map(|b| b.exceptions.as_slice()).unwrap_or(&[]);
    write_calendar(out, own, &id, calendars, holidays, p, diags);
    plan_calendars.insert(own.uid, id.clone());
    (Some(id), day)
}

#[allow(clippy::too_many_arguments)]
fn write_resource(
    out: &mut PlanText,
    r: &Resource,
    id: &str,
    calendar: Option<&str>,
    day: i64,
    own: Option<&Calendar>,
    project_calendar: Option<&str>,
    p: &Project,
    diags: &mut Diagnostics,
) -> PlanResource {
    out.open(format!("resource {id} {}", quote(&r.name)));
    if let Some(group) = &r.group {
        out.line(format!("role {}", quote(group)));
    }
    let (units, capacity) = units_and_capacity(r.max_units);
    if units > 1 {
        out.line(format!("units {units}"));
    }
    if (capacity - 1.0).abs() > 1e-9 {
        out.line(format!("capacity {}%", number(capacity * 100.0)));
    }
    if (f64::from(units) * capacity - r.max_units).abs() > 1e-6 {
        out.note(format!(
            "maximum units {} rounded to {units} x {}%",
            r.max_units,
            number(capacity * 100.0)
        ));
    }
    if let Some((per_hour, per_day)) = r.rate {
        if per_day {
            out.line(format!("rate {}/d", number(per_hour * day as f64 / 60.0)));
        } else {
            out.line(format!("rate {}/h", number(per_hour)));
        }
    }
    if let Some(calendar) = calendar.filter(|c| Some(*c) != project_calendar) {
        out.line(format!("calendar {calendar}"));
    }
    // Exceptions of a calendar that is a plan calendar itself are its
    // holidays; a resource calendar's own ones are the resource's time off.
    if let Some(own) = own.filter(|c| !c.is_base && c.base.is_some()) {
        for e in &own.exceptions {
            closure(out, "off", e, p, diags);
        }
    }
    if let Some(notes) = &r.notes {
        out.line(format!("note {}", quote(notes)));
    }
    out.close();
    PlanResource {
        id: id.to_string(),
        units,
        capacity,
    }
}

/// MSPDI's maximum units as planc's `units` (whole people) and
/// `capacity` (the share of each one's time).
fn units_and_capacity(max_units: f64) -> (u32, f64) {
    if max_units <= 1.0 {
        return (1, max_units.max(0.01));
    }
    let whole = max_units.round();
    if (max_units - whole).abs() < 1e-6 && whole <= 10_000.0 {
        (whole as u32, 1.0)
    } else {
        let units = max_units.ceil().min(10_000.0);
        (units as u32, (max_units / units).max(0.01))
    }
}

/// A number as plan text: at most two decimals, no trailing zeros.
fn number(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The task outline: MSPDI lists tasks in order with an outline level;
/// planc nests them.
struct Outline<'p> {
    tasks: &'p [Task],
    children: Vec<Vec<usize>>,
    parent: Vec<Option<usize>>,
    roots: Vec<usize>,
    by_uid: FxHashMap<i64, usize>,
    ids: Vec<String>,
    paths: Vec<String>,
}

impl<'p> Outline<'p> {
    fn build(tasks: &'p [Task], diags: &mut Diagnostics, len: usize) -> Outline<'p> {
        let n = tasks.len();
        let mut outline = Outline {
            tasks,
            children: vec![Vec::new(); n],
            parent: vec![None; n],
            roots: Vec::new(),
            by_uid: FxHashMap::default(),
            ids: Vec::new(),
            paths: Vec::new(),
        };
        let mut open: Vec<usize> = Vec::new();
        let mut flattened = false;
        for (i, task) in tasks.iter().enumerate() {
            if outline.by_uid.insert(task.uid, i).is_some() {
                diags.bad_value(
                    task.at,
                    len,
                    format!("a second task with UID {}; links name the last", task.uid),
                );
            }
            let mut level = task.level as usize;
            if level > MAX_OUTLINE_DEPTH {
                level = MAX_OUTLINE_DEPTH;
                flattened = true;
            }
            // A level may skip ahead (2 after 0): it nests under the last open task.
            open.truncate(level.saturating_sub(1));
            match open.last() {
                Some(&p) => {
                    outline.parent[i] = Some(p);
                    outline.children[p].push(i);
                }
                None => outline.roots.push(i),
            }
            open.push(i);
        }
        if flattened {
            diags.not_carried(
                0,
                len,
                format!(
                    "outline levels deeper than {MAX_OUTLINE_DEPTH} are flattened to that level"
                ),
            );
        }
        outline
    }

    /// Identifiers unique in the whole plan, so that a full dotted path
    /// resolves the same from anywhere (spec 2.2).
    fn name_all(&mut self) {
        let mut ids = Idents::new();
        self.ids = self
            .tasks
            .iter()
            .map(|t| ids.make(&ident_base(&t.name)))
            .collect();
        self.paths = Vec::with_capacity(self.tasks.len());
        for i in 0..self.tasks.len() {
            // Parents come first in MSPDI order, so their paths exist.
            let path = match self.parent[i] {
                Some(p) => format!("{}.{}", self.paths[p], self.ids[i]),
                None => self.ids[i].clone(),
            };
            self.paths.push(path);
        }
    }

    fn is_ancestor(&self, a: usize, mut of: usize) -> bool {
        while let Some(p) = self.parent[of] {
            if p == a {
                return true;
            }
            of = p;
        }
        false
    }
}

struct TaskWriter<'a> {
    p: &'a Project,
    outline: &'a Outline<'a>,
    resources: &'a FxHashMap<i64, PlanResource>,
    /// The project calendar's working day in minutes (what `d` means).
    day: i64,
}

#[derive(PartialEq, Eq)]
enum Kind {
    Group,
    Leaf,
    Milestone,
}

impl TaskWriter<'_> {
    fn task(&self, out: &mut PlanText, i: usize, diags: &mut Diagnostics) {
        let t = &self.outline.tasks[i];
        let kind = self.kind(i);
        let keyword = if kind == Kind::Milestone {
            "milestone"
        } else {
            "task"
        };
        out.open(format!(
            "{keyword} {} {}",
            self.outline.ids[i],
            quote(&t.name)
        ));
        let effort = kind == Kind::Leaf && self.work(out, t, diags);
        self.links(out, i, diags);
        self.constraint(out, t, &kind, diags);
        if let Some(p) = t.priority.filter(|p| *p != 500) {
            let clamped = p.clamp(1, 1000);
            if clamped != p {
                out.note(format!("priority {p} is outside planc's 1..1000"));
            }
            out.line(format!("priority {clamped}"));
        }
        if let Some(deadline) = t.deadline {
            out.line(format!("deadline {}", exact_moment(deadline)));
        }
        if kind != Kind::Group {
            self.tracking(out, t, &kind, effort);
        }
        if let Some(notes) = &t.notes {
            out.line(format!("note {}", quote(notes)));
        }
        if t.calendar.is_some() {
            out.note(
                "the task's own calendar is not carried over: it works on its resources' calendars",
            );
        }
        for (n, (start, finish)) in t.baselines.iter().enumerate() {
            let start = start.map_or_else(|| "?".to_string(), exact_moment);
            let finish = finish.map_or_else(|| "?".to_string(), exact_moment);
            out.note(format!("baseline {n}: {start} to {finish}"));
        }
        for &child in &self.outline.children[i] {
            self.task(out, child, diags);
        }
        out.close();
    }

    fn kind(&self, i: usize) -> Kind {
        let t = &self.outline.tasks[i];
        if !self.outline.children[i].is_empty() {
            Kind::Group
        } else if t.milestone || (t.duration.unwrap_or(0) <= 0 && t.work.unwrap_or(0) <= 0) {
            Kind::Milestone
        } else {
            Kind::Leaf
        }
    }

    /// `effort` when people's work drives the task, else `duration` or
    /// `elapsed`, and who is assigned; whether it is `effort`.
    fn work(&self, out: &mut PlanText, t: &Task, diags: &mut Diagnostics) -> bool {
        let assigned: Vec<&Assignment> = self
            .p
            .assignments
            .get(&t.uid)
            .map(|list| list.iter().collect())
            .unwrap_or_default();
        let mut items = Vec::new();
        let mut work = 0;
        for a in &assigned {
            match self.resources.get(&a.resource) {
                Some(r) => {
                    if a.units > f64::from(r.units) * r.capacity + 1e-6 {
                        out.note(format!(
                            "{} assigned at {}%, more than it has: booked at most in full",
                            r.id,
                            number(a.units * 100.0)
                        ));
                    }
                    items.push(assign_item(r, a.units));
                    work += a.work.unwrap_or(0);
                }
                None => {
                    let name = self
                        .p
                        .resources
                        .iter()
                        .find(|r| r.uid == a.resource)
                        .map_or_else(|| format!("UID {}", a.resource), |r| quote(&r.name));
                    out.note(format!(
                        "assignment of {name} not carried over: not a work resource of this file"
                    ));
                    diags.not_carried(
                        a.at,
                        self.p.len,
                        "an assignment of a resource that is not an imported work resource",
                    );
                }
            }
        }
        let work = t.work.filter(|w| *w > 0).unwrap_or(work);
        let duration = t.duration.unwrap_or(0).max(0);
        let effort = !t.elapsed && !items.is_empty() && !t.fixed_duration && work > 0;
        if t.elapsed {
            out.line(format!("elapsed {}", minutes_text(duration, None)));
        } else if effort {
            out.line(format!("effort {}", minutes_text(work, Some(self.day))));
        } else {
            out.line(format!(
                "duration {}",
                minutes_text(duration, Some(self.day))
            ));
        }
        if !items.is_empty() {
            out.line(format!("assign {}", items.join(", ")));
        }
        effort
    }

    fn links(&self, out: &mut PlanText, i: usize, diags: &mut Diagnostics) {
        let t = &self.outline.tasks[i];
        let mut starts = Vec::new();
        let mut finishes = Vec::new();
        for link in &t.links {
            let Some(&pred) = self.outline.by_uid.get(&link.predecessor) else {
                diags.bad_value(
                    link.at,
                    self.p.len,
                    format!(
                        "a link from task UID {}, which this file does not have",
                        link.predecessor
                    ),
                );
                continue;
            };
            if pred == i || self.outline.is_ancestor(pred, i) || self.outline.is_ancestor(i, pred) {
                out.note(format!("link with {} not carried over: a task may not depend on itself, its group or its own tasks", self.outline.paths[pred]));
                diags.not_carried(
                    link.at,
                    self.p.len,
                    "a link between a task and its own group",
                );
                continue;
            }
            let lag = self.lag(out, link, diags);
            let path = &self.outline.paths[pred];
            let (list, of_start) = match link.kind {
                0 => (&mut finishes, false),
                2 => (&mut finishes, true),
                3 => (&mut starts, true),
                _ => (&mut starts, false),
            };
            let start_of = if of_start { "start of " } else { "" };
            list.push(format!("{start_of}{path}{lag}"));
        }
        if !starts.is_empty() {
            out.line(format!("after {}", starts.join(", ")));
        }
        if !finishes.is_empty() {
            out.line(format!("finish after {}", finishes.join(", ")));
        }
    }

    /// ` + 2d`, ` - 4h`, or nothing.
    fn lag(&self, out: &mut PlanText, link: &Link, diags: &mut Diagnostics) -> String {
        if matches!(link.lag_format, 19 | 20 | 51 | 52) {
            if link.lag != 0 {
                out.note(format!(
                    "a lag of {}% of the predecessor's length is not carried over",
                    link.lag / 10
                ));
                diags.not_carried(
                    link.at,
                    self.p.len,
                    "a lag in percent: plans have lags in time",
                );
            }
            return String::new();
        }
        if is_elapsed_format(link.lag_format) && link.lag != 0 {
            out.note("an elapsed lag is carried over as working time");
        }
        let minutes = (link.lag as f64 / 10.0).round() as i64;
        match minutes {
            0 => String::new(),
            m if m > 0 => format!(" + {}", minutes_text(m, Some(self.day))),
            m => format!(" - {}", minutes_text(-m, Some(self.day))),
        }
    }

    fn constraint(&self, out: &mut PlanText, t: &Task, kind: &Kind, diags: &mut Diagnostics) {
        let Some((code, date)) = t.constraint else {
            return;
        };
        match (code, date, kind) {
            (0, _, _) => {}
            (2, Some(d), Kind::Milestone) => out.line(format!("date {}", moment(d))),
            (2, Some(d), _) => out.line(format!("start {}", moment(d))),
            (4, Some(d), Kind::Leaf | Kind::Group) => out.line(format!("not before {}", moment(d))),
            (code, date, _) => {
                let name = constraint_name(code);
                let when = date.map(exact_moment).unwrap_or_default();
                out.note(format!("constraint \"{name}\" {when} not carried over"));
                diags.not_carried(
                    t.at,
                    self.p.len,
                    format!("the constraint \"{name}\" of `{}`", t.name),
                );
            }
        }
    }

    /// Actuals as spec 6 reads them; an actual after the status date would
    /// be an error in the plan, so it is a note instead.
    fn tracking(&self, out: &mut PlanText, t: &Task, kind: &Kind, effort: bool) {
        let after_status = |d: DateTime| self.p.status.is_some_and(|s| d > s);
        let mut finished = false;
        let mut started = false;
        if let Some(start) = t.actual_start.filter(|_| *kind == Kind::Leaf) {
            if after_status(start) {
                out.note(format!(
                    "actual start {} is after the status date",
                    exact_moment(start)
                ));
            } else {
                out.line(format!("started {}", moment(start)));
                started = true;
            }
        }
        if let Some(end) = t.actual_finish {
            if after_status(end) || t.actual_start.is_some_and(|s| end < s) {
                out.note(format!(
                    "actual finish {} is after the status date or before the start",
                    exact_moment(end)
                ));
            } else {
                out.line(format!("finished {}", exact_moment(end)));
                finished = true;
            }
        }
        let percent = t.percent.unwrap_or(0.0).clamp(0.0, 100.0);
        if finished || percent <= 0.0 {
            return;
        }
        match kind {
            Kind::Milestone if percent >= 100.0 => out.line("progress 100%"),
            Kind::Milestone => {}
            _ => out.line(format!("progress {}%", number(percent))),
        }
        // MSPDI's percent is whole; what remains says the rest exactly.
        let remaining = if effort {
            t.remaining_work
        } else {
            t.remaining_duration
        };
        if let Some(rest) = remaining.filter(|r| started && percent < 100.0 && *r > 0) {
            let day = (!t.elapsed).then_some(self.day);
            out.line(format!("remaining {}", minutes_text(rest, day)));
        }
    }
}

fn constraint_name(code: i64) -> &'static str {
    match code {
        1 => "as late as possible",
        2 => "must start on",
        3 => "must finish on",
        4 => "start no earlier than",
        5 => "start no later than",
        6 => "finish no earlier than",
        7 => "finish no later than",
        _ => "unknown",
    }
}

/// `alice`, `alice 50%`, `2 qa`: MSPDI units are the share of one
/// resource's time (a pool's whole people count), already scaled by its
/// capacity, which planc applies itself.
fn assign_item(r: &PlanResource, units: f64) -> String {
    let units = units.max(0.0);
    if r.units > 1 {
        let whole = units.round();
        if (units - whole).abs() < 1e-6 && whole >= 1.0 {
            let count = (whole as u32).min(r.units);
            return if count == 1 {
                r.id.clone()
            } else {
                format!("{count} {}", r.id)
            };
        }
        return format!("{} {}%", r.id, number((units * 100.0).min(100.0)));
    }
    let percent = (units / r.capacity * 100.0).min(100.0);
    if (percent - 100.0).abs() < 0.005 {
        r.id.clone()
    } else {
        format!("{} {}%", r.id, number(percent.max(0.01)))
    }
}

/// Minutes as a plan duration: whole days of `day` minutes, else hours,
/// else minutes.
fn minutes_text(m: i64, day: Option<i64>) -> String {
    match day {
        Some(day) if m != 0 && m % day == 0 => format!("{}d", m / day),
        _ if m % 60 == 0 => format!("{}h", m / 60),
        _ => format!("{m}min"),
    }
}
