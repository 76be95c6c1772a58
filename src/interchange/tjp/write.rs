//! A read TaskJuggler project as plan text: TaskJuggler's working hours
//! as the project calendar, nested resources as teams, `!` references as
//! plan references, durations in plan units, and a `# import:` comment
//! (with a warning where dates will differ) for everything else.

use super::codes;
use super::lex::{DateLit, Unit};
use super::model::*;
use super::parse::{number_text, unit_text};
use crate::diagnostic::Diagnostic;
use crate::interchange::emit::{quote, Idents, PlanText};
use crate::source::Span;
use jiff::civil::{Date, DateTime};
use rustc_hash::FxHashMap;

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const PROJECT_CALENDAR: &str = "working_hours";

/// Writes `p` as plan text; warnings go to `diagnostics`.
pub fn write(p: &TjProject, diagnostics: &mut Vec<Diagnostic>) -> String {
    let mut w = Writer::new(p, diagnostics);
    w.project();
    w.calendars();
    w.resources();
    w.tasks();
    w.out.finish()
}

/// What a resource takes from the resources it is nested in.
#[derive(Clone, Default)]
struct Inherited<'a> {
    rate: Option<f64>,
    efficiency: Option<f64>,
    daily_max: Option<Dur>,
    leaves: Vec<&'a Leave>,
    working_hours: Vec<&'a WorkingHours>,
    shift: Option<&'a (String, Span)>,
}

struct Node<'a> {
    task: &'a Task,
    parent: Option<usize>,
    id: String,
    children: Vec<usize>,
}

struct Writer<'a, 'd> {
    p: &'a TjProject,
    out: PlanText,
    diagnostics: &'d mut Vec<Diagnostic>,
    week: Week,
    /// Minutes in TaskJuggler's working day (`dailyworkinghours`).
    tj_day: f64,
    /// Minutes in the plan calendar's working day, when equal to `tj_day`
    /// (then `d` means the same in both).
    plan_day: Option<f64>,
    resource_ids: FxHashMap<String, String>,
    calendar_ids: Idents,
    shift_calendars: FxHashMap<String, String>,
    nodes: Vec<Node<'a>>,
    by_name: FxHashMap<(Option<usize>, String), usize>,
    by_tj_id: FxHashMap<(Option<usize>, &'a str), usize>,
    incoming: Vec<Vec<(usize, &'a Dependency)>>,
}

impl<'a, 'd> Writer<'a, 'd> {
    fn new(p: &'a TjProject, diagnostics: &'d mut Vec<Diagnostic>) -> Self {
        let mut week = Week::default();
        for wh in &p.project.working_hours {
            apply_hours(&mut week, wh);
        }
        let tj_day = p.project.daily_hours.unwrap_or(8.0) * 60.0;
        let plan_day = common_day(&week)
            .map(|hours| day_minutes(&hours) as f64)
            .filter(|m| (m - tj_day).abs() < 0.5);
        let mut calendar_ids = Idents::new();
        calendar_ids.make(PROJECT_CALENDAR);
        Writer {
            p,
            out: PlanText::new(),
            diagnostics,
            week,
            tj_day,
            plan_day,
            resource_ids: FxHashMap::default(),
            calendar_ids,
            shift_calendars: FxHashMap::default(),
            nodes: Vec::new(),
            by_name: FxHashMap::default(),
            by_tj_id: FxHashMap::default(),
            incoming: Vec::new(),
        }
    }

    fn approximated(&mut self, span: Option<Span>, message: String) {
        let mut d = Diagnostic::warning(codes::APPROXIMATED, message);
        if let Some(span) = span {
            d = d.at(span, "imported approximately (see the `# import:` comment)");
        }
        self.diagnostics.push(d);
    }

    // ------------------------------------------------------------ project

    fn project(&mut self) {
        let pr = &self.p.project;
        self.out.open(format!("project {}", quote(&pr.name)));
        if let Some(id) = &pr.id {
            self.out.note(format!("TaskJuggler project id `{id}`"));
        }
        if let Some(v) = &pr.version {
            self.out.note(format!("version {}", quote(v)));
        }
        if let Some(start) = pr.start {
            let start = self.moment(start);
            self.out.line(format!("start {start}"));
        }
        if let Some(end) = &pr.end {
            self.out.note(format!(
                "TaskJuggler schedules within the project's end ({end}); planc has no such limit"
            ));
        }
        self.out.line(format!("calendar {PROJECT_CALENDAR}"));
        if let Some(c) = &pr.currency {
            if is_ident(c) {
                self.out.line(format!("currency {c}"));
            } else {
                self.out.note(format!("currency {}", quote(c)));
            }
        }
        if let Some(now) = pr.now {
            let now = self.moment(now);
            self.out.note(format!(
                "now {now}: TaskJuggler's report date does not move dates; add `now` once progress is recorded as actuals"
            ));
        }
        if let Some(tz) = &pr.timezone {
            self.out.note(format!(
                "timezone {}: planc has civil time; dates are kept as written",
                quote(tz)
            ));
        }
        if pr.daily_hours.is_some() && self.plan_day.is_none() {
            self.out.note(
                "dailyworkinghours differs from the working hours: durations are written in hours",
            );
        }
        if let Some(days) = pr.yearly_days {
            self.out
                .note(format!("yearlyworkingdays {}", number_text(days)));
        }
        let notes = pr.notes.clone();
        self.notes(&notes);
        self.out.close();
        self.out.blank();
        let top = self.p.notes.clone();
        self.notes(&top);
        if !top.is_empty() {
            self.out.blank();
        }
    }

    fn notes(&mut self, notes: &[Note]) {
        for n in notes {
            self.out.note(&n.text);
        }
    }

    // ------------------------------------------------------------ calendars

    fn calendars(&mut self) {
        let week = self.week.clone();
        let holidays: Vec<&Leave> = self.p.holidays.iter().collect();
        self.calendar(
            PROJECT_CALENDAR,
            "Working hours",
            &week,
            &holidays,
            "holiday",
        );
        for shift in &self.p.shifts {
            self.shift(shift, &week);
        }
    }

    fn shift(&mut self, shift: &'a Shift, base: &Week) {
        let mut week = base.clone();
        for wh in &shift.working_hours {
            apply_hours(&mut week, wh);
        }
        let id = self.calendar_ids.make(&shift.id);
        self.shift_calendars.insert(shift.id.clone(), id.clone());
        let leaves: Vec<&Leave> = shift.leaves.iter().collect();
        self.calendar(&id, &shift.name, &week, &leaves, "holiday");
        for child in &shift.children {
            self.shift(child, &week);
        }
    }

    fn calendar(&mut self, id: &str, title: &str, week: &Week, leaves: &[&Leave], word: &str) {
        self.out.open(format!("calendar {id} {}", quote(title)));
        let working: Vec<usize> = (0..7).filter(|&d| !week.days[d].is_empty()).collect();
        match common_day(week) {
            Some(hours) if !working.is_empty() => {
                let days: Vec<&str> = working.iter().map(|&d| DAY_NAMES[d]).collect();
                self.out.line(format!("workdays {}", days.join(", ")));
                self.out.line(format!("hours {}", hours_text(&hours)));
                for &d in &working {
                    if week.days[d] != hours {
                        self.out.line(format!(
                            "hours {} {}",
                            DAY_NAMES[d],
                            hours_text(&week.days[d])
                        ));
                    }
                }
            }
            _ => {
                self.out
                    .note("no working hours at all: planc's default calendar is used instead");
            }
        }
        for leave in leaves {
            self.leave(leave, word);
        }
        self.out.close();
        self.out.blank();
    }

    /// A leave as `holiday` or `off` days: planc's days are whole.
    fn leave(&mut self, leave: &Leave, word: &str) {
        let Some((first, last, partial)) = leave_days(&leave.interval) else {
            self.out
                .note(format!("a {} leave with an invalid date", leave.kind));
            return;
        };
        let title = leave.name.clone().unwrap_or_else(|| leave.kind.clone());
        let span = if first == last {
            first.to_string()
        } else {
            format!("{first}..{last}")
        };
        if partial {
            self.out.note(format!(
                "the {} leave {span} covers part of a day; planc takes whole days",
                leave.kind
            ));
            self.approximated(
                Some(leave.span),
                format!("a leave covering part of a day is imported as whole days ({span})"),
            );
        }
        self.out.line(format!("{word} {span} {}", quote(&title)));
    }

    // ------------------------------------------------------------ resources

    fn resources(&mut self) {
        let mut ids = Idents::new();
        let mut all = Vec::new();
        collect_resources(&self.p.resources, &mut all);
        for r in &all {
            let id = ids.make(&r.id);
            self.resource_ids.insert(r.id.clone(), id);
        }
        let default = Inherited {
            rate: self.p.default_rate,
            ..Inherited::default()
        };
        for r in &self.p.resources {
            self.resource(r, &default);
        }
    }

    fn resource(&mut self, r: &'a Resource, from: &Inherited<'a>) {
        let mut inherited = from.clone();
        inherited.rate = r.rate.or(from.rate);
        inherited.efficiency = r.efficiency.or(from.efficiency);
        inherited.daily_max = r.daily_max.or(from.daily_max);
        inherited.leaves.extend(r.leaves.iter());
        inherited.working_hours.extend(r.working_hours.iter());
        if r.shift.is_some() {
            inherited.shift = r.shift.as_ref();
        }
        if r.children.is_empty() {
            self.leaf_resource(r, &inherited);
            return;
        }
        for child in &r.children {
            self.resource(child, &inherited);
        }
        let mut members = Vec::new();
        leaf_ids(r, &mut members);
        let members: Vec<String> = members
            .iter()
            .filter_map(|m| self.resource_ids.get(*m).cloned())
            .collect();
        let id = self.resource_id(&r.id);
        self.out.open(format!("team {id} {}", quote(&r.name)));
        self.out.line(format!("resource {}", members.join(", ")));
        if r.rate.is_some() || r.efficiency.is_some() || r.daily_max.is_some() {
            self.out
                .note("rate, efficiency and limits of the group are given to each member");
        }
        self.notes(&r.notes);
        self.out.close();
        self.out.blank();
    }

    fn resource_id(&self, tj: &str) -> String {
        self.resource_ids
            .get(tj)
            .cloned()
            .unwrap_or_else(|| tj.to_string())
    }

    fn leaf_resource(&mut self, r: &'a Resource, inherited: &Inherited<'a>) {
        let id = self.resource_id(&r.id);
        let calendar = self.resource_calendar(&id, inherited);
        self.out.open(format!("resource {id} {}", quote(&r.name)));
        if let Some(rate) = inherited.rate {
            self.out.line(format!("rate {}/d", number_text(rate)));
        }
        self.capacity(r, inherited);
        if let Some(calendar) = calendar {
            self.out.line(format!("calendar {calendar}"));
        }
        for leave in &inherited.leaves {
            self.leave(leave, "off");
        }
        self.notes(&r.notes);
        self.out.close();
        self.out.blank();
    }

    /// `efficiency` and a `dailymax` limit as one capacity, where planc's
    /// capacity (a share of each working hour, at most 100%) can say it.
    fn capacity(&mut self, r: &Resource, inherited: &Inherited) {
        let mut share = 1.0;
        if let Some(e) = inherited.efficiency {
            if e > 0.0 && e <= 1.0 {
                share *= e;
            } else if (e - 1.0).abs() > f64::EPSILON {
                self.out.note(format!(
                    "efficiency {}: planc's capacity is a share of working time, 0 to 100%",
                    number_text(e)
                ));
                self.approximated(
                    r.span,
                    format!(
                        "efficiency {} of `{}` is not imported",
                        number_text(e),
                        r.id
                    ),
                );
            }
        }
        if let Some(max) = inherited.daily_max {
            let ratio = self.working_minutes(max) / self.tj_day;
            if ratio < 1.0 {
                share *= ratio;
                self.out.note(format!(
                    "limits {{ dailymax {}{} }}: imported as a capacity (work spread over each day)",
                    number_text(max.value),
                    unit_text(max.unit)
                ));
                self.approximated(
                    r.span,
                    format!("the daily limit of `{}` is imported as a capacity", r.id),
                );
            }
        }
        if share < 1.0 && share > 0.0 {
            self.out.line(format!(
                "capacity {}%",
                number_text((share * 100.0 * 100.0).round() / 100.0)
            ));
        }
    }

    /// A calendar of the resource's own working hours or shift, if any.
    fn resource_calendar(&mut self, id: &str, inherited: &Inherited) -> Option<String> {
        let shift = inherited
            .shift
            .and_then(|(s, _)| self.shift_calendars.get(s).cloned());
        if inherited.working_hours.is_empty() {
            return shift;
        }
        let mut week = self.week.clone();
        for wh in &inherited.working_hours {
            apply_hours(&mut week, wh);
        }
        let cal = self.calendar_ids.make(&format!("{id}_hours"));
        self.calendar(
            &cal,
            &format!("Working hours of {id}"),
            &week,
            &[],
            "holiday",
        );
        Some(cal)
    }

    // ------------------------------------------------------------ tasks

    fn tasks(&mut self) {
        for t in &self.p.tasks {
            self.add_node(t, None);
        }
        self.incoming = vec![Vec::new(); self.nodes.len()];
        for i in 0..self.nodes.len() {
            let task = self.nodes[i].task;
            for dep in &task.precedes {
                match self.resolve(i, &dep.target) {
                    Some(j) => self.incoming[j].push((i, dep)),
                    None => self.unknown_task(&dep.target),
                }
            }
        }
        let roots: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].parent.is_none())
            .collect();
        for i in roots {
            self.task(i);
        }
    }

    fn add_node(&mut self, task: &'a Task, parent: Option<usize>) {
        let index = self.nodes.len();
        let raw = match &task.id {
            Some(id) => id.clone(),
            None => task.name.chars().take(40).collect(),
        };
        let mut id = sanitized(&raw);
        let mut n = 2;
        while self.by_name.contains_key(&(parent, id.clone())) {
            id = format!("{}_{n}", sanitized(&raw));
            n += 1;
        }
        self.by_name.insert((parent, id.clone()), index);
        if let Some(tj) = &task.id {
            self.by_tj_id.insert((parent, tj.as_str()), index);
        }
        self.nodes.push(Node {
            task,
            parent,
            id,
            children: Vec::new(),
        });
        if let Some(p) = parent {
            self.nodes[p].children.push(index);
        }
        for child in &task.children {
            self.add_node(child, Some(index));
        }
    }

    /// The task a TaskJuggler path names, seen from task `from`.
    fn resolve(&self, from: usize, path: &Path) -> Option<usize> {
        let mut base = if path.ups == 0 { None } else { Some(from) };
        for _ in 0..path.ups {
            base = self.nodes[base?].parent;
            if base.is_none() {
                // `!` from a top-level task: the top level itself.
                break;
            }
        }
        let mut at = base;
        for name in &path.names {
            at = Some(*self.by_tj_id.get(&(at, name.as_str()))?);
        }
        at
    }

    fn unknown_task(&mut self, path: &Path) {
        let written = format!("{}{}", "!".repeat(path.ups), path.names.join("."));
        self.diagnostics.push(
            Diagnostic::warning(codes::UNKNOWN_NAME, format!("no task `{written}`"))
                .at(path.span, "this dependency is left out"),
        );
    }

    /// A plan reference to `to` written in task `from` (section 2.2 of the
    /// language: siblings first, then outwards), the shortest that reaches it.
    fn reference(&self, from: usize, to: usize) -> String {
        let mut chain = vec![to];
        while let Some(p) = self.nodes[chain[chain.len() - 1]].parent {
            chain.push(p);
        }
        chain.reverse();
        for k in (0..chain.len()).rev() {
            let head = chain[k];
            let mut scope = self.nodes[from].parent;
            loop {
                if let Some(&found) = self.by_name.get(&(scope, self.nodes[head].id.clone())) {
                    if found == head {
                        return self.dotted(&chain[k..]);
                    }
                    break;
                }
                match scope {
                    Some(s) => scope = self.nodes[s].parent,
                    None => break,
                }
            }
        }
        self.dotted(&chain)
    }

    fn dotted(&self, nodes: &[usize]) -> String {
        nodes
            .iter()
            .map(|&n| self.nodes[n].id.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }

    fn task(&mut self, i: usize) {
        let t = self.nodes[i].task;
        let is_group = !self.nodes[i].children.is_empty();
        let work = t.work.filter(|w| self.work_minutes(*w) > 0.0);
        let timed = t.start.is_some() && t.end.is_some();
        let milestone = !is_group && (t.milestone || (work.is_none() && !timed));
        let keyword = if milestone { "milestone" } else { "task" };
        let id = self.nodes[i].id.clone();
        self.out.open(format!("{keyword} {id} {}", quote(&t.name)));
        if t.id.is_none() {
            self.out.note("no id in TaskJuggler: made from the name");
        }
        self.notes(&t.notes);
        if is_group {
            self.group_times(t);
        } else if milestone {
            self.milestone_times(t);
        } else {
            self.leaf_times(t, work);
            self.assignments(t);
        }
        if milestone && !t.allocate.is_empty() {
            self.out
                .note("resources allocated to a milestone: planc milestones take none");
        }
        self.dependencies(i);
        if let Some(end) = t.max_end {
            let end = self.moment_exact(end);
            self.out.line(format!("deadline {end}"));
        }
        if let Some(priority) = t.priority {
            let p = priority.round().clamp(1.0, 1000.0);
            self.out.line(format!("priority {}", number_text(p)));
        }
        self.progress(t, milestone);
        if !t.flags.is_empty() {
            let mut tags = Idents::new();
            let list: Vec<String> = t.flags.iter().map(|f| tags.make(f)).collect();
            self.out.line(format!("tags {}", list.join(", ")));
        }
        if let Some(note) = note_text(t) {
            self.out.line(format!("note {}", quote(&note)));
        }
        for c in self.nodes[i].children.clone() {
            self.task(c);
        }
        self.out.close();
    }

    fn group_times(&mut self, t: &Task) {
        if let Some(start) = t.start {
            let start = self.moment(start);
            self.out.line(format!("not before {start}"));
        }
        if let Some(end) = t.end {
            let end = self.moment(end);
            self.out.note(format!("end {end} of a group: not imported"));
        }
        if t.work.is_some() {
            self.out
                .note("work given to a group: planc groups have none of their own");
        }
    }

    fn milestone_times(&mut self, t: &Task) {
        if let Some(at) = t.start.or(t.end) {
            let at = self.moment(at);
            self.out.line(format!("date {at}"));
        }
    }

    fn leaf_times(&mut self, t: &Task, work: Option<Work>) {
        match (work, t.start, t.end) {
            (None, Some(start), Some(end)) => {
                let minutes = self.between(start, end);
                let start = self.moment(start);
                self.out.line(format!("start {start}"));
                self.out
                    .line(format!("elapsed {}", fmt_minutes(minutes, Some(1440.0))));
                return;
            }
            (_, Some(start), end) => {
                let start = self.moment(start);
                self.out.line(format!("not before {start}"));
                if let Some(end) = end {
                    let end = self.moment(end);
                    self.out
                        .note(format!("end {end}: the start and the work decide the end"));
                }
            }
            (_, None, Some(end)) => {
                let end_text = self.moment(end);
                self.out.note(format!(
                    "end {end_text}: TaskJuggler schedules this task backward from its end; planc forward, with the end as a deadline"
                ));
                let deadline = self.moment_exact(end);
                self.out.line(format!("deadline {deadline}"));
                self.approximated(
                    t.span,
                    format!(
                        "`{}` is scheduled backward in TaskJuggler (an end and no start)",
                        t.name
                    ),
                );
            }
            _ => {}
        }
        match work {
            Some(Work::Effort(d)) => {
                let text = self.working(d);
                self.out.line(format!("effort {text}"));
            }
            Some(Work::Length(d)) => {
                let text = self.working(d);
                self.out.line(format!("duration {text}"));
            }
            Some(Work::Duration(d)) => {
                let minutes = calendar_minutes(d);
                self.out
                    .line(format!("elapsed {}", fmt_minutes(minutes, Some(1440.0))));
            }
            None => {}
        }
    }

    fn assignments(&mut self, t: &'a Task) {
        let mut plain = Vec::new();
        for a in &t.allocate {
            let mut names = Vec::new();
            for (r, span) in &a.resources {
                match self.resource_ids.get(r) {
                    Some(id) => names.push((r.as_str(), id.clone())),
                    None => {
                        self.diagnostics.push(
                            Diagnostic::warning(codes::UNKNOWN_NAME, format!("no resource `{r}`"))
                                .at(*span, "this allocation is left out"),
                        );
                        self.out.note(format!("allocate {r}: no such resource"));
                    }
                }
            }
            self.notes(&a.notes);
            match names.len() {
                0 => {}
                1 => {
                    let (tj, id) = &names[0];
                    let share = self.task_share(t, tj);
                    plain.push(match share {
                        Some(s) => format!("{id} {}%", number_text(s)),
                        None => id.clone(),
                    });
                }
                _ => {
                    let ids: Vec<&str> = names.iter().map(|(_, id)| id.as_str()).collect();
                    self.out.line(format!("assign any of {}", ids.join(", ")));
                }
            }
        }
        if !plain.is_empty() {
            self.out.line(format!("assign {}", plain.join(", ")));
        }
    }

    /// A task's `dailymax` for one resource as the share of its day.
    fn task_share(&mut self, t: &Task, resource: &str) -> Option<f64> {
        let (_, max) = t.daily_max.iter().find(|(r, _)| r == resource)?;
        let ratio = self.working_minutes(*max) / self.tj_day;
        if !(ratio > 0.0 && ratio < 1.0) {
            return None;
        }
        self.out.note(format!(
            "limits {{ dailymax {}{} }} for {resource}: imported as a share of each hour",
            number_text(max.value),
            unit_text(max.unit)
        ));
        self.approximated(
            t.span,
            format!(
                "the daily limit of `{resource}` on `{}` is imported as a share",
                t.name
            ),
        );
        Some((ratio * 100.0 * 100.0).round() / 100.0)
    }

    fn dependencies(&mut self, i: usize) {
        let task = self.nodes[i].task;
        let mut lines = Vec::new();
        for dep in &task.depends {
            match self.resolve(i, &dep.target) {
                Some(j) => lines.push(self.after(i, j, dep, false)),
                None => {
                    self.unknown_task(&dep.target);
                    lines.push(format!(
                        "# import: depends {}{}: no such task",
                        "!".repeat(dep.target.ups),
                        dep.target.names.join(".")
                    ));
                }
            }
        }
        for (j, dep) in self.incoming[i].clone() {
            lines.push(self.after(i, j, dep, true));
        }
        for line in lines {
            self.out.line(line);
        }
    }

    /// `after [start of] REF [+ LAG]` in task `i` for a dependency on `j`.
    fn after(&mut self, i: usize, j: usize, dep: &Dependency, preceded: bool) -> String {
        let reference = self.reference(i, j);
        let of = if dep.on_start && !preceded {
            "start of "
        } else {
            ""
        };
        let mut lag = 0.0;
        if let Some(g) = dep.gap_length {
            lag += self.working_minutes(g);
        }
        if let Some(g) = dep.gap_duration {
            // Calendar days become working days: the nearest plan lag.
            lag += calendar_minutes(g) / 1440.0 * self.day_or_tj();
            self.out.note(format!(
                "gapduration {}{} after {reference}: a lag in calendar time, imported as working days",
                number_text(g.value),
                unit_text(g.unit)
            ));
            self.approximated(
                Some(dep.target.span),
                "a `gapduration` (calendar time) is imported as a lag in working time".into(),
            );
        }
        if preceded {
            let from = self.nodes[j].task.name.clone();
            self.out.note(format!(
                "`{from}` precedes this task: TaskJuggler places `{from}` backward from here; planc makes this task wait for it"
            ));
            self.approximated(
                Some(dep.target.span),
                "`precedes` is imported as a dependency the other way round (planc schedules forward)".into(),
            );
        }
        self.notes(&dep.notes);
        if lag > 0.0 {
            let text = fmt_minutes(lag, self.plan_day);
            format!("after {of}{reference} + {text}")
        } else {
            format!("after {of}{reference}")
        }
    }

    fn progress(&mut self, t: &Task, milestone: bool) {
        let Some(c) = t.complete else { return };
        let c = c.clamp(0.0, 100.0);
        if milestone && c > 0.0 && c < 100.0 {
            self.out.note(format!(
                "complete {}: a milestone is done or not",
                number_text(c)
            ));
            return;
        }
        self.out.line(format!("progress {}%", number_text(c)));
    }

    // ------------------------------------------------------------ units

    fn day_or_tj(&self) -> f64 {
        self.plan_day.unwrap_or(self.tj_day)
    }

    fn working_minutes(&self, d: Dur) -> f64 {
        let yearly = self.p.project.yearly_days.unwrap_or(260.714);
        let per = match d.unit {
            Unit::Min => 1.0,
            Unit::Hour => 60.0,
            Unit::Day => self.tj_day,
            Unit::Week => self.tj_day * 5.0,
            Unit::Month => self.tj_day * yearly / 12.0,
            Unit::Year => self.tj_day * yearly,
        };
        d.value * per
    }

    fn work_minutes(&self, w: Work) -> f64 {
        match w {
            Work::Effort(d) | Work::Length(d) => self.working_minutes(d),
            Work::Duration(d) => calendar_minutes(d),
        }
    }

    fn working(&self, d: Dur) -> String {
        fmt_minutes(self.working_minutes(d), self.plan_day)
    }

    /// A date as the plan writes it; a UTC offset is dropped with a note.
    fn moment(&mut self, d: DateLit) -> String {
        if let Some(offset) = d.offset {
            let sign = if offset < 0 { '-' } else { '+' };
            let a = offset.abs();
            self.out.note(format!(
                "the UTC offset {sign}{:02}{:02} of {} is dropped: planc has civil time",
                a / 60,
                a % 60,
                super::parse::date_text(d)
            ));
        }
        match civil(d) {
            Some(dt) if dt.hour() == 0 && dt.minute() == 0 => dt.date().to_string(),
            Some(dt) => dt.strftime("%Y-%m-%dT%H:%M").to_string(),
            None => super::parse::date_text(d),
        }
    }

    /// A date-time even at midnight (a plan `deadline` date alone means
    /// the end of that day; TaskJuggler's means its start).
    fn moment_exact(&mut self, d: DateLit) -> String {
        let text = self.moment(d);
        if text.len() == 10 {
            format!("{text}T00:00")
        } else {
            text
        }
    }

    fn between(&self, a: DateLit, b: DateLit) -> f64 {
        match (civil(a), civil(b)) {
            (Some(a), Some(b)) => a
                .until(b)
                .ok()
                .and_then(|s| s.total(jiff::Unit::Minute).ok())
                .unwrap_or(0.0)
                .max(0.0),
            _ => 0.0,
        }
    }
}

fn collect_resources<'a>(list: &'a [Resource], out: &mut Vec<&'a Resource>) {
    for r in list {
        out.push(r);
        collect_resources(&r.children, out);
    }
}

fn leaf_ids<'a>(r: &'a Resource, out: &mut Vec<&'a str>) {
    if r.children.is_empty() {
        out.push(&r.id);
    }
    for c in &r.children {
        leaf_ids(c, out);
    }
}

fn note_text(t: &Task) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(n) = &t.note {
        parts.push(n.clone());
    }
    for j in &t.journal {
        let mut entry = format!("{} {}", super::parse::date_text(j.date), j.headline);
        if let Some(a) = &j.author {
            entry.push_str(&format!(" ({a})"));
        }
        for text in [&j.summary, &j.details].into_iter().flatten() {
            entry.push('\n');
            entry.push_str(text);
        }
        parts.push(entry);
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn civil(d: DateLit) -> Option<DateTime> {
    let date = Date::new(d.year, d.month, d.day).ok()?;
    let dt = date.to_datetime(jiff::civil::Time::midnight());
    dt.checked_add(jiff::Span::new().minutes(i64::from(d.minute)))
        .ok()
}

/// The first and last whole day of a leave, and whether it covers only
/// part of one of them.
fn leave_days(i: &Interval) -> Option<(Date, Date, bool)> {
    let start = civil(i.start)?;
    let first = start.date();
    let mut partial = i.start.minute != 0;
    let end = match i.end {
        IntervalEnd::WholeDay => return Some((first, first, partial)),
        IntervalEnd::Until(end) => civil(end)?,
        IntervalEnd::For(d) => start
            .checked_add(jiff::Span::new().minutes(calendar_minutes(d) as i64))
            .ok()?,
    };
    let last = if end.hour() == 0 && end.minute() == 0 {
        end.date().yesterday().ok()?
    } else {
        partial = true;
        end.date()
    };
    Some((first, last.max(first), partial))
}

fn calendar_minutes(d: Dur) -> f64 {
    let per = match d.unit {
        Unit::Min => 1.0,
        Unit::Hour => 60.0,
        Unit::Day => 1440.0,
        Unit::Week => 7.0 * 1440.0,
        Unit::Month => 30.0 * 1440.0,
        Unit::Year => 365.0 * 1440.0,
    };
    d.value * per
}

/// Minutes as a plan duration: days when `day` is given and they come out
/// to two decimals, else hours, else whole minutes.
fn fmt_minutes(minutes: f64, day: Option<f64>) -> String {
    let exact = |v: f64| ((v * 100.0).round() - v * 100.0).abs() < 1e-6;
    if let Some(day) = day {
        let days = minutes / day;
        if exact(days) {
            return format!("{}d", number_text(days));
        }
    }
    let hours = minutes / 60.0;
    if exact(hours) {
        return format!("{}h", number_text(hours));
    }
    format!("{}min", number_text(minutes.round()))
}

fn apply_hours(week: &mut Week, wh: &WorkingHours) {
    for &d in &wh.days {
        if let Some(day) = week.days.get_mut(d) {
            *day = wh.hours.clone();
        }
    }
}

/// The working hours most working days share.
fn common_day(week: &Week) -> Option<Vec<(u32, u32)>> {
    let mut best: Option<(&Vec<(u32, u32)>, usize)> = None;
    for day in week.days.iter().filter(|d| !d.is_empty()) {
        let count = week.days.iter().filter(|d| *d == day).count();
        if best.is_none_or(|(_, c)| count > c) {
            best = Some((day, count));
        }
    }
    best.map(|(d, _)| d.clone())
}

fn day_minutes(hours: &[(u32, u32)]) -> u32 {
    hours.iter().map(|(a, b)| b.saturating_sub(*a)).sum()
}

fn hours_text(hours: &[(u32, u32)]) -> String {
    hours
        .iter()
        .map(|(a, b)| format!("{}..{}", clock(*a), clock(*b)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn clock(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn is_ident(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn sanitized(raw: &str) -> String {
    Idents::new().make(raw)
}
