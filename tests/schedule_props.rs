//! Scheduler invariants on random plans (spec section 3).
//!
//! Each case is a plan built as text from random parameters: 5 to 40
//! tasks in random groups, dependencies of all four kinds with lags and
//! leads, 1 to 4 resources with units, capacity, calendars and days off,
//! custom calendars with day overrides and holidays, effort, duration,
//! elapsed, milestones, `any of`. The plan is compiled like `planc build`
//! does, and the result is checked against rules restated here from the
//! spec, with working time computed independently of `src/schedule`
//! (straight from the checked model's weekly hours and closed days):
//!
//! - every dependency holds, lags and leads in project working time, and
//!   a task starts no later than its constraints allow unless it waited
//!   for a resource;
//! - no resource is booked over `units x capacity` at any minute
//!   (levelled), and `--no-level` warns exactly when it is;
//! - duration and effort work only in working time: a task starts on a
//!   working minute and its last minute is a working one;
//! - the work booked equals the effort asked, to the last minute's share;
//! - a task starts no earlier than the project start and its own bounds;
//! - without deadlines and fixed starts no task has negative slack;
//! - group spans are the min/max of their children;
//! - compiling twice gives byte-identical JSON.

use planc::check::DepKind;
use planc::check::{Model, TaskKind, WorkKind};
use planc::schedule::{Options, Schedule};
use planc::units::{Day, Demand};
use planc::LoadOptions;
use proptest::prelude::*;
use std::fmt::Write as _;

const DAY: i64 = 1440;

// ---------------------------------------------------------------- the plan

#[derive(Clone, Debug)]
struct CalSpec {
    /// Bit d set: weekday d (Monday = 0) is a working day.
    workdays: u8,
    /// First range start hour and length; second range after a gap.
    first: (u16, u16),
    second: Option<(u16, u16)>,
    /// `hours fri ...` override: start hour, length.
    friday: Option<(u16, u16)>,
    /// Holidays: day offset from the project start, extra days.
    holidays: Vec<(i64, i64)>,
}

#[derive(Clone, Debug)]
struct ResSpec {
    units: u32,
    capacity: u32,
    calendar: Option<usize>,
    off: Vec<(i64, i64)>,
}

#[derive(Clone, Debug)]
struct DepSpec {
    target: usize,
    kind: u8,
    lag: u8,
}

#[derive(Clone, Debug)]
struct TaskSpec {
    /// Which open group (or the top level) holds the task.
    parent: usize,
    /// 0..=2 effort, 3 duration, 4 elapsed, 5 milestone.
    kind: u8,
    amount: u8,
    unit_days: bool,
    deps: Vec<DepSpec>,
    assign: Vec<(usize, u32, bool)>,
    any_of: Option<(usize, usize)>,
    not_before: Option<(i64, u16)>,
    fixed_start: bool,
    priority: Option<u32>,
}

#[derive(Clone, Debug)]
struct PlanSpec {
    start_offset: i64,
    start_hour: Option<u16>,
    calendars: Vec<CalSpec>,
    project_calendar: Option<usize>,
    resources: Vec<ResSpec>,
    tasks: Vec<TaskSpec>,
}

fn cal_spec() -> impl Strategy<Value = CalSpec> {
    (
        1u8..128,
        (6u16..=10, 2u16..=5),
        prop::option::of((1u16..=2, 2u16..=4)),
        prop::option::of((7u16..=10, 2u16..=4)),
        prop::collection::vec((0i64..40, 0i64..3), 0..=2),
    )
        .prop_map(|(workdays, first, second, friday, holidays)| CalSpec {
            workdays,
            first,
            second,
            friday,
            holidays,
        })
}

fn res_spec() -> impl Strategy<Value = ResSpec> {
    (
        1u32..=3,
        prop::sample::select(vec![100u32, 100, 75, 50, 25]),
        prop::option::of(0usize..2),
        prop::collection::vec((0i64..40, 0i64..4), 0..=2),
    )
        .prop_map(|(units, capacity, calendar, off)| ResSpec {
            units,
            capacity,
            calendar,
            off,
        })
}

fn task_spec() -> impl Strategy<Value = TaskSpec> {
    (
        (0usize..4, 0u8..6, 1u8..=8, any::<bool>()),
        prop::collection::vec(
            (0usize..64, 0u8..4, 0u8..8).prop_map(|(target, kind, lag)| DepSpec {
                target,
                kind,
                lag,
            }),
            0..=2,
        ),
        prop::collection::vec((0usize..4, 1u32..=3, any::<bool>()), 0..=2),
        prop::option::of((0usize..4, 0usize..4)),
        prop::option::of((0i64..20, 0u16..24)),
        (
            any::<bool>(),
            prop::option::of(prop::sample::select(vec![100u32, 400, 500, 600, 900])),
        ),
    )
        .prop_map(
            |(
                (parent, kind, amount, unit_days),
                deps,
                assign,
                any_of,
                not_before,
                (fixed_start, priority),
            )| TaskSpec {
                parent,
                kind,
                amount,
                unit_days,
                deps,
                assign,
                any_of,
                not_before,
                fixed_start,
                priority,
            },
        )
}

fn plan_spec() -> impl Strategy<Value = PlanSpec> {
    (
        0i64..7,
        prop::option::of(0u16..24),
        prop::collection::vec(cal_spec(), 0..=2),
        prop::option::of(0usize..2),
        prop::collection::vec(res_spec(), 1..=4),
        prop::collection::vec(task_spec(), 5..=40),
    )
        .prop_map(
            |(start_offset, start_hour, calendars, project_calendar, resources, tasks)| PlanSpec {
                start_offset,
                start_hour,
                calendars,
                project_calendar,
                resources,
                tasks,
            },
        )
}

/// 2027-01-01 plus `offset` days, as `YYYY-MM-DD`.
fn date(offset: i64) -> String {
    let base = Day::from_date(jiff::civil::date(2027, 1, 1));
    Day(base.0 + offset)
        .to_date()
        .map_or_else(|| "2027-01-01".to_string(), |d| d.to_string())
}

fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The tree shape: each task's parent (`None` at the top level), chosen
/// among the groups still open in the text so that declaration order is
/// the index order.
fn parents(spec: &PlanSpec) -> Vec<Option<usize>> {
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(spec.tasks.len());
    for (i, t) in spec.tasks.iter().enumerate() {
        // Open chain: the previous task and its ancestors, at most 3 deep.
        let mut open = Vec::new();
        let mut cur = i.checked_sub(1);
        while let Some(c) = cur {
            open.push(c);
            cur = parents[c];
        }
        open.retain(|&c| depth(&parents, c) < 3);
        let choice = t.parent % (open.len() + 1);
        parents.push(if choice == open.len() {
            None
        } else {
            open.get(choice).copied()
        });
    }
    parents
}

fn depth(parents: &[Option<usize>], mut i: usize) -> usize {
    let mut d = 0;
    while let Some(p) = parents[i] {
        d += 1;
        i = p;
    }
    d
}

fn is_ancestor(parents: &[Option<usize>], a: usize, mut i: usize) -> bool {
    while let Some(p) = parents[i] {
        if p == a {
            return true;
        }
        i = p;
    }
    false
}

fn path(parents: &[Option<usize>], i: usize) -> String {
    let mut names = vec![format!("t{i}")];
    let mut cur = parents[i];
    while let Some(p) = cur {
        names.push(format!("t{p}"));
        cur = parents[p];
    }
    names.reverse();
    names.join(".")
}

/// Builds the plan's text.
fn render(spec: &PlanSpec) -> String {
    let mut out = String::new();
    let start = match spec.start_hour {
        Some(h) => format!("{}T{}", date(spec.start_offset), hhmm(h * 60 + 15)),
        None => date(spec.start_offset),
    };
    let cal_count = spec.calendars.len();
    let pcal = spec
        .project_calendar
        .filter(|&c| c < cal_count)
        .map(|c| format!("  calendar c{c}"))
        .unwrap_or_default();
    let _ = writeln!(out, "project \"Random\" {{ start {start}{pcal} }}");
    for (k, c) in spec.calendars.iter().enumerate() {
        let days: Vec<&str> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .enumerate()
            .filter(|(d, _)| c.workdays & (1 << d) != 0)
            .map(|(_, n)| *n)
            .collect();
        let (s1, l1) = (c.first.0 * 60, c.first.1 * 60);
        let mut hours = format!("{}..{}", hhmm(s1), hhmm(s1 + l1));
        if let Some((gap, len)) = c.second {
            let s2 = s1 + l1 + gap * 60;
            hours.push_str(&format!(", {}..{}", hhmm(s2), hhmm(s2 + len * 60)));
        }
        let _ = writeln!(
            out,
            "calendar c{k} {{\n  workdays {}\n  hours {hours}",
            days.join(", ")
        );
        if let Some((s, l)) = c.friday {
            let _ = writeln!(out, "  hours fri {}..{}", hhmm(s * 60), hhmm((s + l) * 60));
        }
        for &(off, extra) in &c.holidays {
            let _ = writeln!(
                out,
                "  holiday {}..{}",
                date(spec.start_offset + off),
                date(spec.start_offset + off + extra)
            );
        }
        let _ = writeln!(out, "}}");
    }
    for (k, r) in spec.resources.iter().enumerate() {
        let _ = write!(
            out,
            "resource r{k} {{ units {}  capacity {}%",
            r.units, r.capacity
        );
        if let Some(c) = r.calendar.filter(|&c| c < cal_count) {
            let _ = write!(out, "  calendar c{c}");
        }
        for &(off, extra) in &r.off {
            let _ = write!(
                out,
                "  off {}..{}",
                date(spec.start_offset + off),
                date(spec.start_offset + off + extra)
            );
        }
        let _ = writeln!(out, " }}");
    }
    let parents = parents(spec);
    let n = spec.tasks.len();
    let has_children: Vec<bool> = (0..n).map(|i| parents.contains(&Some(i))).collect();
    // Last index inside each task's subtree.
    let mut last = (0..n).collect::<Vec<_>>();
    for i in (0..n).rev() {
        if let Some(p) = parents[i] {
            last[p] = last[p].max(last[i]);
        }
    }
    for i in 0..n {
        render_task(&mut out, spec, &parents, &has_children, &last, i);
        // Close every group whose subtree ends here.
        let mut cur = Some(i);
        while let Some(c) = cur {
            if last[c] != i {
                break;
            }
            if has_children[c] {
                let _ = writeln!(out, "{}}}", "  ".repeat(depth(&parents, c)));
            }
            cur = parents[c];
        }
    }
    out
}

fn render_task(
    out: &mut String,
    spec: &PlanSpec,
    parents: &[Option<usize>],
    has_children: &[bool],
    last: &[usize],
    i: usize,
) {
    let t = &spec.tasks[i];
    let indent = "  ".repeat(depth(parents, i));
    let group = has_children[i];
    let milestone = !group && t.kind == 5;
    let mut attrs: Vec<String> = Vec::new();
    let lags = [
        "", " + 2h", " + 1d", " - 4h", " - 1d", " + 90min", "", " + 0.5d",
    ];
    let mut after = Vec::new();
    let mut finish_after = Vec::new();
    for d in &t.deps {
        // Only targets wholly declared before this task and not its
        // ancestors: such a plan can never have a cycle.
        let candidates: Vec<usize> = (0..i)
            .filter(|&j| last[j] < i && !is_ancestor(parents, j, i))
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let j = candidates[d.target % candidates.len()];
        let target = path(parents, j);
        let lag = lags[usize::from(d.lag) % lags.len()];
        match d.kind {
            0 => after.push(format!("{target}{lag}")),
            1 => after.push(format!("start of {target}{lag}")),
            2 => finish_after.push(format!("{target}{lag}")),
            _ => finish_after.push(format!("start of {target}{lag}")),
        }
    }
    if !after.is_empty() {
        attrs.push(format!("after {}", after.join(", ")));
    }
    if !finish_after.is_empty() {
        attrs.push(format!("finish after {}", finish_after.join(", ")));
    }
    if let Some((off, hour)) = t.not_before {
        let when = format!("{}T{}", date(spec.start_offset + off), hhmm(hour * 60));
        if milestone && t.fixed_start {
            attrs.push(format!("date {when}"));
        } else if t.fixed_start && !milestone {
            attrs.push(format!("start {when}"));
        } else if !milestone {
            attrs.push(format!("not before {when}"));
        }
    }
    if let Some(p) = t.priority {
        attrs.push(format!("priority {p}"));
    }
    let res_count = spec.resources.len();
    if !milestone {
        let mut fixed: Vec<usize> = Vec::new();
        let mut items = Vec::new();
        for &(r, count, half) in &t.assign {
            let r = r % res_count;
            if fixed.contains(&r) {
                continue;
            }
            fixed.push(r);
            let count = 1 + (count - 1) % spec.resources[r].units;
            let pct = if half { " 50%" } else { "" };
            items.push(format!("{count} r{r}{pct}"));
        }
        // Groups assign only sometimes, so that leaves inherit.
        if !items.is_empty() && (!group || t.amount.is_multiple_of(2)) {
            attrs.push(format!("assign {}", items.join(", ")));
        }
        if let Some((a, b)) = t.any_of {
            let (a, b) = (a % res_count, b % res_count);
            if !group && a != b && !fixed.contains(&a) && !fixed.contains(&b) {
                attrs.push(format!("assign any of r{a}, r{b}"));
            }
        }
    }
    if !group && !milestone {
        let unit = if t.unit_days { "d" } else { "h" };
        let amount = f64::from(t.amount) / 2.0;
        let word = match t.kind {
            0..=2 => "effort",
            3 => "duration",
            _ => "elapsed",
        };
        attrs.push(format!("{word} {amount}{unit}"));
    }
    let keyword = if milestone { "milestone" } else { "task" };
    let open = if group { "" } else { " }" };
    let _ = writeln!(out, "{indent}{keyword} t{i} {{ {}{open}", attrs.join("  "));
}

// ------------------------------------------------- working time, by hand

/// Working time straight from a calendar definition and closed days.
struct Cal {
    week: [Vec<(i64, i64)>; 7],
    /// Closed days, inclusive (day numbers).
    closed: Vec<(i64, i64)>,
}

impl Cal {
    fn project(model: &Model) -> Cal {
        let def = model.calendar(model.project.calendar);
        Cal {
            week: def.week.clone().map(|d| {
                d.iter()
                    .map(|&(s, e)| (i64::from(s), i64::from(e)))
                    .collect()
            }),
            closed: def.holidays.iter().map(|h| (h.first.0, h.last.0)).collect(),
        }
    }

    fn resource(model: &Model, r: usize) -> Cal {
        let res = &model.resources[r];
        let def = model.calendar(res.calendar);
        let mut closed: Vec<(i64, i64)> =
            def.holidays.iter().map(|h| (h.first.0, h.last.0)).collect();
        closed.extend(
            model
                .calendar(model.project.calendar)
                .holidays
                .iter()
                .map(|h| (h.first.0, h.last.0)),
        );
        closed.extend(res.off.iter().map(|o| (o.first.0, o.last.0)));
        Cal {
            week: def.week.clone().map(|d| {
                d.iter()
                    .map(|&(s, e)| (i64::from(s), i64::from(e)))
                    .collect()
            }),
            closed,
        }
    }

    /// Working ranges of a day as absolute minutes.
    fn ranges(&self, day: i64) -> Vec<(i64, i64)> {
        if self.closed.iter().any(|&(f, l)| f <= day && day <= l) {
            return Vec::new();
        }
        let weekday = (day + 3).rem_euclid(7) as usize;
        self.week[weekday]
            .iter()
            .map(|&(s, e)| (day * DAY + s, day * DAY + e))
            .collect()
    }

    fn is_working(&self, t: i64) -> bool {
        self.ranges(t.div_euclid(DAY))
            .iter()
            .any(|&(s, e)| s <= t && t < e)
    }

    /// The first working minute at or after `t`.
    fn next_working(&self, t: i64) -> Option<i64> {
        let first = t.div_euclid(DAY);
        (first..first + 3650).find_map(|day| {
            self.ranges(day)
                .into_iter()
                .find(|&(_, e)| e > t)
                .map(|(s, _)| s.max(t))
        })
    }

    fn work_between(&self, a: i64, b: i64) -> i64 {
        if b <= a {
            return 0;
        }
        let mut total = 0;
        for day in a.div_euclid(DAY)..=(b - 1).div_euclid(DAY) {
            for (s, e) in self.ranges(day) {
                total += (e.min(b) - s.max(a)).max(0);
            }
        }
        total
    }

    /// `base` moved by `lag` working minutes: forwards, the first moment
    /// with that much work since `base`; backwards, the earliest moment with
    /// that much work until `base`.
    fn shift(&self, base: i64, lag: i64) -> i64 {
        if lag == 0 {
            return base;
        }
        let mut remaining = lag.abs();
        if lag > 0 {
            for day in base.div_euclid(DAY)..base.div_euclid(DAY) + 3650 {
                for (s, e) in self.ranges(day) {
                    if e <= base {
                        continue;
                    }
                    let from = s.max(base);
                    if e - from >= remaining {
                        return from + remaining;
                    }
                    remaining -= e - from;
                }
            }
            return i64::MAX;
        }
        let mut found: Option<i64> = None;
        for day in (base.div_euclid(DAY) - 3650..=base.div_euclid(DAY)).rev() {
            for (s, e) in self.ranges(day).into_iter().rev() {
                if s >= base {
                    continue;
                }
                let to = e.min(base);
                if found.is_some() {
                    // The answer was a range's start: the earliest moment
                    // with the same work until `base` is the end of the
                    // working range before it.
                    return to;
                }
                if to - s > remaining {
                    return to - remaining;
                }
                if to - s == remaining {
                    found = Some(s);
                    continue;
                }
                remaining -= to - s;
            }
        }
        found.unwrap_or(i64::MIN)
    }
}

// ------------------------------------------------------------- the checks

struct Compiled {
    model: Model,
    schedule: Schedule,
    warnings: Vec<String>,
    json: String,
}

fn compile(text: &str, level: bool) -> Result<Compiled, String> {
    let loaded = planc::syntax::load_str("random.plan", text, None, &LoadOptions::default());
    let compiled = planc::compile(
        &loaded,
        &Options {
            level,
            ..Options::default()
        },
    );
    let errors: Vec<String> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    if !errors.is_empty() {
        return Err(format!("errors: {errors:?}"));
    }
    let (Some(model), Some(schedule)) = (compiled.model, compiled.schedule) else {
        return Err("no schedule and no error".to_string());
    };
    let diags: Vec<planc::Diagnostic> = compiled.diagnostics.iter().cloned().collect();
    let json = planc::render::json::render(&model, &schedule, &diags, &loaded.sources);
    let warnings = compiled
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| d.code.0.to_string())
        .collect();
    Ok(Compiled {
        model,
        schedule,
        warnings,
        json,
    })
}

fn iso(m: i64) -> String {
    planc::units::Moment(m).to_iso()
}

/// Every dependency, the task's own and its groups', in working time.
fn dependencies_hold(c: &Compiled) -> Result<(), String> {
    let (model, s) = (&c.model, &c.schedule);
    let project = Cal::project(model);
    for (i, task) in model.tasks.iter().enumerate() {
        if task.kind == TaskKind::Group {
            continue;
        }
        let mut cur = Some(i);
        while let Some(holder) = cur {
            for d in &model.tasks[holder].dependencies {
                let t = d.target.index();
                let base = match d.kind {
                    DepKind::FinishToStart | DepKind::FinishToFinish => s.tasks[t].end.0,
                    DepKind::StartToStart | DepKind::StartToFinish => s.tasks[t].start.0,
                };
                let bound = project.shift(base, d.lag.0);
                let (what, actual, met) = match d.kind {
                    DepKind::FinishToStart | DepKind::StartToStart => {
                        ("start", s.tasks[i].start.0, s.tasks[i].start.0 >= bound)
                    }
                    DepKind::FinishToFinish | DepKind::StartToFinish => {
                        let end = s.tasks[i].end.0;
                        (
                            "end",
                            end,
                            end >= bound || no_own_work_between(c, i, end, bound),
                        )
                    }
                };
                if !met {
                    return Err(format!(
                        "`{}` {what} {} is before {} required by {:?} on `{}` (lag {} min)",
                        task.path,
                        iso(actual),
                        iso(bound),
                        d.kind,
                        model.tasks[t].path,
                        d.lag.0
                    ));
                }
            }
            cur = model.tasks[holder].parent.map(|p| p.index());
        }
    }
    Ok(())
}

/// For an end bound: a task that ends at 17:00 has ended "by" 09:00 the
/// next working morning if it could not have worked in between.
fn no_own_work_between(c: &Compiled, i: usize, from: i64, to: i64) -> bool {
    let task = &c.model.tasks[i];
    let Some(work) = task.work else { return false };
    match work.kind {
        WorkKind::Elapsed => false,
        WorkKind::Duration => Cal::project(&c.model).work_between(from, to) == 0,
        WorkKind::Effort if c.schedule.tasks[i].bookings.is_empty() => {
            Cal::project(&c.model).work_between(from, to) == 0
        }
        WorkKind::Effort => c.schedule.tasks[i]
            .bookings
            .iter()
            .all(|b| Cal::resource(&c.model, b.resource.index()).work_between(from, to) == 0),
    }
}

/// Over-allocations by hand: (resource, minute) of the first one found.
fn first_overload(c: &Compiled) -> Option<(usize, i64)> {
    for (r, res) in c.model.resources.iter().enumerate() {
        let limit = res.limit().0;
        let mut events: Vec<(i64, i64)> = Vec::new();
        for t in &c.schedule.tasks {
            for b in t.bookings.iter().filter(|b| b.resource.index() == r) {
                if t.end > t.start {
                    events.push((t.start.0, b.demand.0));
                    events.push((t.end.0, -b.demand.0));
                }
            }
        }
        // Ends before starts at the same minute: [start, end) spans.
        events.sort_by_key(|&(m, d)| (m, d));
        let mut load = 0;
        for (m, d) in events {
            load += d;
            if load > limit {
                return Some((r, m));
            }
        }
    }
    None
}

/// Work happens in working time, and effort booked equals effort asked.
fn work_is_in_working_time(c: &Compiled) -> Result<(), String> {
    let (model, s) = (&c.model, &c.schedule);
    let project = Cal::project(model);
    for (i, task) in model.tasks.iter().enumerate() {
        let Some(work) = task.work else { continue };
        let ts = &s.tasks[i];
        let (start, end) = (ts.start.0, ts.end.0);
        match work.kind {
            WorkKind::Elapsed => {
                if end - start != work.minutes.0 {
                    return Err(format!(
                        "`{}` elapsed {} min but spans {}",
                        task.path,
                        work.minutes.0,
                        end - start
                    ));
                }
            }
            WorkKind::Duration => check_on(&project, &task.path, start, end, work.minutes.0)?,
            WorkKind::Effort if ts.bookings.is_empty() => {
                check_on(&project, &task.path, start, end, work.minutes.0)?
            }
            WorkKind::Effort => {
                let cals: Vec<Cal> = ts
                    .bookings
                    .iter()
                    .map(|b| Cal::resource(model, b.resource.index()))
                    .collect();
                if !cals.iter().any(|k| k.is_working(start)) {
                    return Err(format!(
                        "`{}` starts {} when none of its resources works",
                        task.path,
                        iso(start)
                    ));
                }
                if !cals.iter().any(|k| k.is_working(end - 1)) {
                    return Err(format!(
                        "`{}` ends {} after a minute none of its resources works",
                        task.path,
                        iso(end)
                    ));
                }
                let mut done: i128 = 0;
                let mut rate: i128 = 0;
                for (b, k) in ts.bookings.iter().zip(&cals) {
                    let minutes = k.work_between(start, end);
                    if minutes != b.minutes.0 {
                        return Err(format!(
                            "`{}`: {} worked {} min, planc says {}",
                            task.path,
                            model.resources[b.resource.index()].id,
                            minutes,
                            b.minutes.0
                        ));
                    }
                    done += i128::from(minutes) * i128::from(b.demand.0);
                    rate += i128::from(b.demand.0);
                }
                let asked = i128::from(work.minutes.0) * i128::from(Demand::ONE_UNIT);
                // At least the effort, and less than one more minute of
                // everyone's work (the last minute is a whole minute).
                if done < asked || done >= asked + rate.max(1) {
                    return Err(format!(
                        "`{}`: {} unit-minutes booked for an effort of {}",
                        task.path, done, asked
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_on(cal: &Cal, path: &str, start: i64, end: i64, minutes: i64) -> Result<(), String> {
    if minutes > 0 && !cal.is_working(start) {
        return Err(format!(
            "`{path}` starts {} outside working time",
            iso(start)
        ));
    }
    if minutes > 0 && !cal.is_working(end - 1) {
        return Err(format!(
            "`{path}` ends {} after a non-working minute",
            iso(end)
        ));
    }
    let worked = cal.work_between(start, end);
    if worked != minutes {
        return Err(format!(
            "`{path}` spans {worked} working minutes, not {minutes}"
        ));
    }
    Ok(())
}

fn bounds_hold(c: &Compiled) -> Result<(), String> {
    for (i, task) in c.model.tasks.iter().enumerate() {
        if task.kind == TaskKind::Group {
            continue;
        }
        let start = c.schedule.tasks[i].start;
        let mut earliest = vec![c.model.project.start];
        let mut cur = Some(i);
        while let Some(h) = cur {
            let t = &c.model.tasks[h];
            let details = t.details();
            earliest.extend(
                [details.start, details.not_before, details.date]
                    .into_iter()
                    .flatten(),
            );
            cur = t.parent.map(|p| p.index());
        }
        if let Some(e) = earliest.iter().find(|e| start < **e) {
            return Err(format!(
                "`{}` starts {} before its bound {}",
                task.path,
                start.to_iso(),
                e.to_iso()
            ));
        }
        if c.schedule.tasks[i].end < start {
            return Err(format!("`{}` ends before it starts", task.path));
        }
    }
    Ok(())
}

fn groups_span_children(c: &Compiled) -> Result<(), String> {
    for (i, task) in c.model.tasks.iter().enumerate() {
        if task.kind != TaskKind::Group {
            continue;
        }
        let kids = task.children.iter().map(|k| &c.schedule.tasks[k.index()]);
        let start = kids.clone().map(|k| k.start).min();
        let end = kids.map(|k| k.end).max();
        let g = &c.schedule.tasks[i];
        if start != Some(g.start) || end != Some(g.end) {
            return Err(format!(
                "group `{}` spans {}..{}, its children {:?}..{:?}",
                task.path,
                g.start.to_iso(),
                g.end.to_iso(),
                start.map(|m| m.to_iso()),
                end.map(|m| m.to_iso())
            ));
        }
    }
    Ok(())
}

/// Slack is negative only when a deadline is missed or a fixed start
/// (`start`, a milestone's `date`) holds a task later than its links
/// allow; without them every task may slip zero or more working minutes.
fn slack_is_never_negative(c: &Compiled) -> Result<(), String> {
    let fixed = |t: &planc::check::Task| {
        let d = t.details();
        d.deadline.is_some() || d.start.is_some() || d.date.is_some()
    };
    if c.model.project.deadline.is_some() || c.model.tasks.iter().any(fixed) {
        return Ok(());
    }
    for (i, task) in c.model.tasks.iter().enumerate() {
        let slack = c.schedule.tasks[i].slack;
        if slack.0 < 0 {
            return Err(format!(
                "`{}` has slack {} min without any deadline",
                task.path, slack.0
            ));
        }
    }
    Ok(())
}

/// The other half of "every dependency holds": a task starts no later than
/// its constraints allow (the schedule is left-justified), unless it waited
/// for a resource, and then its driver says so. Tasks with finish
/// dependencies may start later to meet them and are left out.
fn starts_as_early_as_allowed(c: &Compiled, level: bool) -> Result<(), String> {
    let (model, s) = (&c.model, &c.schedule);
    let project = Cal::project(model);
    for (i, task) in model.tasks.iter().enumerate() {
        if task.kind == TaskKind::Group {
            continue;
        }
        let mut earliest = model.project.start.0;
        let mut has_finish_dependency = false;
        let mut cur = Some(i);
        while let Some(h) = cur {
            let holder = &model.tasks[h];
            let details = holder.details();
            for bound in [details.start, details.not_before, details.date]
                .into_iter()
                .flatten()
            {
                earliest = earliest.max(bound.0);
            }
            for d in &holder.dependencies {
                let t = &s.tasks[d.target.index()];
                match d.kind {
                    DepKind::FinishToStart => {
                        earliest = earliest.max(project.shift(t.end.0, d.lag.0))
                    }
                    DepKind::StartToStart => {
                        earliest = earliest.max(project.shift(t.start.0, d.lag.0))
                    }
                    DepKind::FinishToFinish | DepKind::StartToFinish => {
                        has_finish_dependency = true
                    }
                }
            }
            cur = holder.parent.map(|p| p.index());
        }
        if has_finish_dependency {
            continue;
        }
        let ts = &s.tasks[i];
        let expected = match task.work.map(|w| w.kind) {
            None | Some(WorkKind::Elapsed) => Some(earliest),
            Some(WorkKind::Effort) if !ts.bookings.is_empty() => ts
                .bookings
                .iter()
                .filter_map(|b| Cal::resource(model, b.resource.index()).next_working(earliest))
                .min(),
            Some(_) => project.next_working(earliest),
        };
        let Some(expected) = expected else { continue };
        let waited = matches!(ts.driver, Some(planc::schedule::Driver::Resource(..)));
        let ok = ts.start.0 == expected || (level && waited && ts.start.0 > expected);
        if !ok {
            return Err(format!(
                "`{}` starts {}, but its constraints allow {} (driver {:?})",
                task.path,
                iso(ts.start.0),
                iso(expected),
                ts.driver
            ));
        }
    }
    Ok(())
}

fn check_all(text: &str, level: bool) -> Result<(), String> {
    let c = compile(text, level)?;
    dependencies_hold(&c)?;
    starts_as_early_as_allowed(&c, level)?;
    work_is_in_working_time(&c)?;
    bounds_hold(&c)?;
    groups_span_children(&c)?;
    slack_is_never_negative(&c)?;
    let overload = first_overload(&c);
    let warned = c.warnings.iter().any(|w| w == "W0503");
    if level {
        if let Some((r, m)) = overload {
            return Err(format!(
                "`{}` is over-allocated at {}",
                c.model.resources[r].id,
                iso(m)
            ));
        }
        if warned {
            return Err("W0503 with levelling on".to_string());
        }
    } else if overload.is_some() != warned {
        return Err(format!(
            "over-allocation {overload:?} but W0503 warned: {warned}"
        ));
    }
    let again = compile(text, level)?;
    if again.json != c.json {
        return Err("two compilations gave different JSON".to_string());
    }
    Ok(())
}

/// 64 cases by default (a few seconds); `PROPTEST_CASES=5000` searches
/// harder.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn levelled_schedules_keep_every_rule(spec in plan_spec()) {
        let text = render(&spec);
        if let Err(e) = check_all(&text, true) {
            prop_assert!(false, "{e}\n--- plan ---\n{text}");
        }
    }

    #[test]
    fn unlevelled_schedules_keep_every_rule_but_resource_limits(spec in plan_spec()) {
        let text = render(&spec);
        if let Err(e) = check_all(&text, false) {
            prop_assert!(false, "{e}\n--- plan ---\n{text}");
        }
    }
}

#[test]
fn the_oracle_calendar_counts_like_the_spec() {
    // Built-in hours, no closed days: Mon 2027-01-04 is day 17_900.
    let cal = Cal {
        week: std::array::from_fn(|d| if d < 5 { vec![(540, 1020)] } else { Vec::new() }),
        closed: Vec::new(),
    };
    let mon = Day::from_date(jiff::civil::date(2027, 1, 4)).0 * DAY;
    assert_eq!(cal.work_between(mon, mon + 7 * DAY), 40 * 60);
    // Friday 17:00 + 1h is Monday 10:00; Wednesday 17:00 - 8h is Tuesday 17:00.
    assert_eq!(cal.shift(mon + 4 * DAY + 1020, 60), mon + 7 * DAY + 600);
    assert_eq!(cal.shift(mon + 2 * DAY + 1020, -480), mon + DAY + 1020);
    assert_eq!(cal.shift(mon + 2 * DAY + 1020, -240), mon + 2 * DAY + 780);
    assert!(cal.is_working(mon + 540) && !cal.is_working(mon + 1020));
}

#[test]
fn generated_plans_are_valid_plans() {
    let spec = PlanSpec {
        start_offset: 3,
        start_hour: None,
        calendars: Vec::new(),
        project_calendar: None,
        resources: vec![ResSpec {
            units: 2,
            capacity: 50,
            calendar: None,
            off: vec![(2, 1)],
        }],
        tasks: (0..6)
            .map(|k| TaskSpec {
                parent: k % 2,
                kind: (k % 6) as u8,
                amount: 3,
                unit_days: true,
                deps: vec![DepSpec {
                    target: k,
                    kind: (k % 4) as u8,
                    lag: k as u8,
                }],
                assign: vec![(0, 2, false)],
                any_of: None,
                not_before: None,
                fixed_start: false,
                priority: None,
            })
            .collect(),
    };
    let text = render(&spec);
    let c = compile(&text, true);
    assert!(c.is_ok(), "{c:?}\n{text}", c = c.as_ref().err());
}

/// Compiles a small plan whose schedule the tests below then break.
fn sample() -> Compiled {
    let text = "project \"p\" { start 2027-01-04 }\nresource alice {}\n\
                task a { effort 1d  assign alice }\ntask b { after a + 1h  effort 1d  assign alice }\n\
                task c { finish after a  duration 4h }\ntask g { task x { duration 1h } task y { after x  duration 1h } }\n";
    match compile(text, true) {
        Ok(c) => c,
        Err(e) => panic!("the sample does not compile: {e}"),
    }
}

#[test]
fn the_checks_accept_a_good_schedule() {
    let c = sample();
    assert_eq!(dependencies_hold(&c), Ok(()));
    assert_eq!(work_is_in_working_time(&c), Ok(()));
    assert_eq!(bounds_hold(&c), Ok(()));
    assert_eq!(groups_span_children(&c), Ok(()));
    assert_eq!(first_overload(&c), None);
    assert_eq!(starts_as_early_as_allowed(&c, true), Ok(()));
}

#[test]
fn the_checks_catch_broken_schedules() {
    use planc::units::{Minutes, Moment};
    let shift = |c: &mut Compiled, i: usize, by: i64| {
        let t = &mut c.schedule.tasks[i];
        t.start = t.start + Minutes(by);
        t.end = t.end + Minutes(by);
    };
    // b one minute too early: inside a's lag, and overlapping a on alice.
    let mut c = sample();
    let lag_end = c.schedule.tasks[0].end.0 + 60;
    let b_start = c.schedule.tasks[1].start.0;
    shift(&mut c, 1, (b_start - lag_end).min(0) - 1);
    assert!(dependencies_hold(&c).is_err());
    let mut c = sample();
    let gap = c.schedule.tasks[1].start.0 - c.schedule.tasks[0].start.0;
    shift(&mut c, 1, -gap);
    assert!(first_overload(&c).is_some());
    // x later than it has to be.
    let mut c = sample();
    let x = c
        .model
        .tasks
        .iter()
        .position(|t| &*t.path == "g.x")
        .unwrap_or(0);
    shift(&mut c, x, 60);
    assert!(starts_as_early_as_allowed(&c, true).is_err());
    // c finishing before a (in working time).
    let mut c = sample();
    shift(&mut c, 2, -60);
    assert!(dependencies_hold(&c).is_err());
    // A task stretched by a minute no longer matches its work.
    let mut c = sample();
    c.schedule.tasks[0].end = c.schedule.tasks[0].end + Minutes(1);
    assert!(work_is_in_working_time(&c).is_err());
    // A start before the project start.
    let mut c = sample();
    c.schedule.tasks[0].start = Moment(c.model.project.start.0 - 1);
    assert!(bounds_hold(&c).is_err());
    // A group that does not span its children.
    let mut c = sample();
    let g = c
        .model
        .tasks
        .iter()
        .position(|t| &*t.path == "g")
        .unwrap_or(0);
    c.schedule.tasks[g].end = c.schedule.tasks[g].end + Minutes(1);
    assert!(groups_span_children(&c).is_err());
}

// ------------------------------------------------------------- tracking

/// A task of a plan in flight: its work, what it waits for, and what the
/// plan says happened (spec 6).
#[derive(Clone, Debug)]
struct TrackedTask {
    effort: bool,
    days: u32,
    resource: usize,
    after: Vec<usize>,
    actual: Actual,
}

#[derive(Clone, Debug)]
enum Actual {
    None,
    /// Started this many days before the status date, with this progress.
    Started(u32, u32),
    /// Started and finished this many days before the status date.
    Finished(u32, u32),
}

#[derive(Clone, Debug)]
struct TrackedPlan {
    /// Days from the project start (Mon 2027-01-04) to the status date.
    now: u32,
    tasks: Vec<TrackedTask>,
}

fn tracked_plan() -> impl Strategy<Value = TrackedPlan> {
    let actual = prop_oneof![
        2 => Just(Actual::None),
        1 => (1u32..6, 0u32..100).prop_map(|(d, p)| Actual::Started(d, p)),
        1 => (1u32..8, 0u32..4).prop_map(|(s, len)| Actual::Finished(s + len, s)),
    ];
    let task = (
        any::<bool>(),
        1u32..5,
        0usize..2,
        prop::collection::vec(0usize..12, 0..3),
        actual,
    )
        .prop_map(|(effort, days, resource, after, actual)| TrackedTask {
            effort,
            days,
            resource,
            after,
            actual,
        });
    (10u32..30, prop::collection::vec(task, 1..12))
        .prop_map(|(now, tasks)| TrackedPlan { now, tasks })
}

/// The plan's text: with its actuals and status date, or (`actuals`
/// false) the same plan as first written.
fn render_tracked(plan: &TrackedPlan, actuals: bool) -> String {
    let day = |offset: u32| date(i64::from(plan.now) - i64::from(offset));
    let mut out = String::from("project \"Tracked\" { start 2027-01-04");
    if actuals {
        out.push_str(&format!("  now {}", date(i64::from(plan.now))));
    }
    out.push_str(" }\nresource r0 \"R0\"\nresource r1 \"R1\"\n");
    for (i, t) in plan.tasks.iter().enumerate() {
        let work = if t.effort { "effort" } else { "duration" };
        out.push_str(&format!(
            "task t{i} {{ {work} {}d  assign r{}",
            t.days, t.resource
        ));
        let after: std::collections::BTreeSet<usize> =
            t.after.iter().copied().filter(|&a| a < i).collect();
        if !after.is_empty() {
            let list: Vec<String> = after.iter().map(|a| format!("t{a}")).collect();
            out.push_str(&format!("  after {}", list.join(", ")));
        }
        if actuals {
            match t.actual {
                Actual::None => {}
                Actual::Started(d, p) => {
                    out.push_str(&format!("  started {}  progress {p}%", day(d)))
                }
                Actual::Finished(s, f) => {
                    out.push_str(&format!("  started {}  finished {}", day(s), day(f)))
                }
            }
        }
        out.push_str(" }\n");
    }
    out
}

fn schedule_of(text: &str, options: &Options) -> Result<(Model, Schedule), String> {
    let loaded = planc::syntax::load_str("tracked.plan", text, None, &LoadOptions::default());
    let compiled = planc::compile(&loaded, options);
    let errors: Vec<String> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    match (compiled.model, compiled.schedule) {
        (Some(m), Some(s)) if errors.is_empty() => Ok((m, s)),
        _ => Err(format!("errors: {errors:?}")),
    }
}

fn spans(s: &Schedule) -> Vec<(String, String)> {
    s.tasks
        .iter()
        .map(|t| (t.start.to_iso(), t.end.to_iso()))
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// Nothing that has not started is scheduled before the status date,
    /// levelled or not.
    #[test]
    fn nothing_unstarted_is_scheduled_before_now(plan in tracked_plan(), level in any::<bool>()) {
        let text = render_tracked(&plan, true);
        let options = Options { level, ..Options::default() };
        let (model, s) = schedule_of(&text, &options).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let now = model.project.now.expect("the plan has a status date");
        for (i, t) in s.tasks.iter().enumerate() {
            if t.state == planc::schedule::TaskState::NotStarted {
                prop_assert!(t.start >= now, "`{}` starts {} before now\n{text}", model.tasks[i].path, t.start.to_iso());
            } else {
                prop_assert!(t.end >= t.start, "{text}");
            }
        }
    }

    /// A finished task sits at its actual dates, wherever the status date
    /// is and whatever levelling does.
    #[test]
    fn finished_tasks_never_move(plan in tracked_plan(), later in 1u32..20) {
        let text = render_tracked(&plan, true);
        let moved = TrackedPlan {
            now: plan.now + later,
            tasks: plan
                .tasks
                .iter()
                .map(|t| TrackedTask {
                    actual: match t.actual {
                        Actual::None => Actual::None,
                        Actual::Started(d, p) => Actual::Started(d + later, p),
                        Actual::Finished(s, f) => Actual::Finished(s + later, f + later),
                    },
                    ..t.clone()
                })
                .collect(),
        };
        let text_later = render_tracked(&moved, true);
        let fail = |e: String| TestCaseError::fail(format!("{e}\n{text}"));
        let (model, s) = schedule_of(&text, &Options::default()).map_err(fail)?;
        let (_, s_later) = schedule_of(&text_later, &Options::default()).map_err(fail)?;
        let (_, s_flat) = schedule_of(&text, &Options { level: false, ..Options::default() }).map_err(fail)?;
        for (i, t) in model.tasks.iter().enumerate() {
            if t.details().finished.is_none() {
                continue;
            }
            let span = (s.tasks[i].start, s.tasks[i].end);
            prop_assert_eq!(span, (s_later.tasks[i].start, s_later.tasks[i].end), "{}\n{}", t.path, text);
            prop_assert_eq!(span, (s_flat.tasks[i].start, s_flat.tasks[i].end), "{}\n{}", t.path, text);
            prop_assert_eq!(s.tasks[i].actual_end, Some(s.tasks[i].end));
        }
    }

    /// `--as-planned` is the schedule of the same plan without its
    /// actuals and status date.
    #[test]
    fn as_planned_ignores_actuals_and_the_status_date(plan in tracked_plan(), level in any::<bool>()) {
        let tracked = render_tracked(&plan, true);
        let original = render_tracked(&plan, false);
        let fail = |e: String| TestCaseError::fail(format!("{e}\n{tracked}"));
        let as_planned = Options { level, as_planned: true, ..Options::default() };
        let plain = Options { level, ..Options::default() };
        let (_, a) = schedule_of(&tracked, &as_planned).map_err(fail)?;
        let (_, b) = schedule_of(&original, &plain).map_err(fail)?;
        prop_assert_eq!(spans(&a), spans(&b), "{}", tracked);
        prop_assert_eq!(a.end, b.end);
    }
}
