//! Warnings about a finished schedule: deadlines missed (with the overrun),
//! budgets exceeded, fixed starts that could not be kept, and (without
//! levelling) every over-allocated resource.

use super::calendar::Calendar;
use super::profile::Profile;
use super::sgs::{Driver, Forward};
use super::Schedule;
use crate::check::{DepKind, Dependency, Model, ResourceId, TaskId, TaskKind};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::units::{Demand, Minutes, Moment};

/// A missed deadline, with its overrun in working time of the project
/// calendar: the same measure as slack, which it makes negative.
pub fn deadlines(model: &Model, s: &Schedule, cal: &Calendar, diags: &mut Diagnostics) {
    let day = model.day_minutes();
    for (i, task) in model.tasks.iter().enumerate() {
        let Some(deadline) = task.details().deadline else {
            continue;
        };
        let end = s.tasks[i].end;
        if end > deadline {
            diags.push(
                Diagnostic::warning(codes::DEADLINE_MISSED, format!("`{}` misses its deadline by {}", task.path, overrun(cal, deadline, end, day)))
                    .at(task.name_span, format!("ends {}, deadline {}", end.to_iso(), deadline.describe_as_end()))
                    .with_help("what drives it: see `critical` and the drivers in the report; raise its priority, add people, or move the deadline"),
            );
        }
    }
    if let Some(deadline) = model.project.deadline {
        if s.end > deadline {
            diags.push(
                Diagnostic::warning(
                    codes::DEADLINE_MISSED,
                    format!(
                        "the project misses its deadline by {}",
                        overrun(cal, deadline, s.end, day)
                    ),
                )
                .at(
                    model.project.span,
                    format!(
                        "ends {}, deadline {}",
                        s.end.to_iso(),
                        deadline.describe_as_end()
                    ),
                ),
            );
        }
    }
}

/// "1.5 working days (12 working hours)": the working time between the
/// deadline and the end, in days of the project (`1d`) and in hours as
/// `slack_hours` shows it. An end that passes the deadline only in idle
/// time (a milestone at night) is given in clock time.
fn overrun(cal: &Calendar, deadline: Moment, end: Moment, day: Minutes) -> String {
    let work = cal.work_between(deadline, end);
    if work.0 <= 0 {
        return format!("{}, outside working time", clock_time(end - deadline));
    }
    let days = work.0 as f64 / day.0.max(1) as f64;
    let hours = work.0 as f64 / 60.0;
    format!(
        "{} working day{} ({} working hour{})",
        decimal(days),
        if decimal(days) == "1" { "" } else { "s" },
        decimal(hours),
        if decimal(hours) == "1" { "" } else { "s" }
    )
}

/// At most two decimals, without trailing zeros: 1, 1.5, 0.13.
fn decimal(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "3 days 4 hours" in calendar time.
fn clock_time(m: Minutes) -> String {
    let days = m.0 / 1440;
    let hours = (m.0 % 1440) / 60;
    let minutes = m.0 % 60;
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} day{}", if days == 1 { "" } else { "s" }));
    }
    if hours > 0 {
        parts.push(format!("{hours} hour{}", if hours == 1 { "" } else { "s" }));
    }
    if minutes > 0 || parts.is_empty() {
        parts.push(format!(
            "{minutes} minute{}",
            if minutes == 1 { "" } else { "s" }
        ));
    }
    parts.join(" ")
}

pub fn budgets(model: &Model, s: &Schedule, diags: &mut Diagnostics) {
    for (i, task) in model.tasks.iter().enumerate() {
        let Some(budget) = task.details().budget else {
            continue;
        };
        let cost = s.tasks[i].cost;
        if cost > budget {
            diags.push(
                Diagnostic::warning(
                    codes::BUDGET_EXCEEDED,
                    format!(
                        "`{}` costs {cost}, {} over its budget of {budget}",
                        task.path,
                        crate::units::Money(cost.0 - budget.0)
                    ),
                )
                .at(task.name_span, "over budget"),
            );
        }
    }
    if let Some(budget) = model.project.budget {
        if s.cost > budget {
            diags.push(
                Diagnostic::warning(
                    codes::BUDGET_EXCEEDED,
                    format!(
                        "the project costs {}, {} over its budget of {budget}",
                        s.cost,
                        crate::units::Money(s.cost.0 - budget.0)
                    ),
                )
                .at(model.project.span, "over budget"),
            );
        }
    }
}

/// A fixed `start` (or a milestone's `date`) is a promise; when a
/// dependency or a busy resource pushed the task later, say which.
pub fn fixed_starts(model: &Model, s: &Schedule, diags: &mut Diagnostics) {
    for (i, task) in model.tasks.iter().enumerate() {
        let Some(fixed) = task.details().start.or(task.details().date) else {
            continue;
        };
        let Some(driver) = s.tasks[i].driver else {
            continue;
        };
        let pushed = matches!(driver, Driver::Dependency(..) | Driver::Resource(..));
        if task.kind == TaskKind::Group || !pushed || s.tasks[i].start <= fixed {
            continue;
        }
        let actual = s.tasks[i].start;
        let cause = Cause::of(model, TaskId(i as u32), driver);
        let message = if task.details().start.is_some() {
            format!(
                "`{}` cannot start at its fixed start {}; it starts {}, {}",
                task.path,
                fixed.describe(),
                actual.to_iso(),
                cause.words(model)
            )
        } else {
            format!(
                "`{}` cannot be at its fixed date {}; it is at {}, {}",
                task.path,
                fixed.to_iso(),
                actual.to_iso(),
                cause.words(model)
            )
        };
        let mut d = Diagnostic::warning(codes::FIXED_START_MOVED, message)
            .at(task.name_span, "later than fixed");
        if let Some((span, label)) = cause.label(model) {
            d = d.also(span, label);
        }
        diags.push(d.with_help(cause.help()));
    }
}

/// What pushed a task past its fixed start, as its driver says.
enum Cause<'m> {
    /// A dependency of the task itself, or of the group it is in.
    Dependency {
        dep: Option<&'m Dependency>,
        group: Option<TaskId>,
        target: TaskId,
        kind: DepKind,
    },
    /// Waiting for a resource, busy on a task until then.
    Resource(ResourceId, Option<TaskId>),
}

impl<'m> Cause<'m> {
    fn of(model: &'m Model, task: TaskId, driver: Driver) -> Cause<'m> {
        match driver {
            Driver::Resource(r, holder) => Cause::Resource(r, holder),
            Driver::Dependency(target, kind) => {
                // The task's own `after` first, then its groups', which
                // apply to every task inside.
                let mut cur = Some(task);
                while let Some(t) = cur {
                    let found = model
                        .task(t)
                        .dependencies
                        .iter()
                        .find(|d| d.target == target && d.kind == kind);
                    if let Some(dep) = found {
                        let group = (t != task).then_some(t);
                        return Cause::Dependency {
                            dep: Some(dep),
                            group,
                            target,
                            kind,
                        };
                    }
                    cur = model.task(t).parent;
                }
                Cause::Dependency {
                    dep: None,
                    group: None,
                    target,
                    kind,
                }
            }
            _ => Cause::Dependency {
                dep: None,
                group: None,
                target: task,
                kind: DepKind::FinishToStart,
            },
        }
    }

    /// "after the end of `a`", to end the message.
    fn words(&self, model: &Model) -> String {
        match self {
            Cause::Dependency {
                group,
                target,
                kind,
                ..
            } => {
                let what = match kind {
                    DepKind::FinishToStart => "after the end of",
                    DepKind::StartToStart => "after the start of",
                    DepKind::FinishToFinish => "to finish after",
                    DepKind::StartToFinish => "to finish after the start of",
                };
                let target = &model.task(*target).path;
                match group {
                    Some(g) => format!(
                        "{what} `{target}` (the `after` of its group `{}`)",
                        model.task(*g).path
                    ),
                    None => format!("{what} `{target}`"),
                }
            }
            Cause::Resource(r, Some(t)) => format!(
                "when `{}` is free of `{}`",
                model.resource(*r).id,
                model.task(*t).path
            ),
            Cause::Resource(r, None) => format!("when `{}` is free", model.resource(*r).id),
        }
    }

    /// The declaration to point at: the dependency or the busy resource.
    fn label(&self, model: &Model) -> Option<(Span, String)> {
        match self {
            Cause::Dependency {
                dep: Some(dep),
                group: Some(g),
                ..
            } => Some((
                dep.span,
                format!(
                    "the group `{}` waits for this, and so does every task in it",
                    model.task(*g).path
                ),
            )),
            Cause::Dependency {
                dep: Some(dep),
                group: None,
                ..
            } => Some((dep.span, "this dependency pushed it".to_string())),
            Cause::Dependency { dep: None, .. } => None,
            Cause::Resource(r, _) => Some((model.resource(*r).span, "busy until then".to_string())),
        }
    }

    fn help(&self) -> &'static str {
        match self {
            Cause::Dependency { group: Some(_), .. } => "move the task out of the group, give the dependency a lead (`after x - 1d`), or drop the fixed start",
            Cause::Dependency { .. } => "give the dependency a lead (`after x - 1d`), start what it waits for earlier, or drop the fixed start",
            Cause::Resource(..) => "raise the task's `priority` so that it gets the resource first, assign someone else, or drop the fixed start",
        }
    }
}

/// Every over-allocated stretch of a resource (without levelling), with
/// the tasks that collide on it.
pub fn overallocations(model: &Model, f: &Forward<TaskId>, s: &Schedule, diags: &mut Diagnostics) {
    let mut users: Option<Vec<Vec<usize>>> = None;
    for (r, res) in model.resources.iter().enumerate() {
        let overloads = f.profiles[r].overloads(res.limit());
        if overloads.is_empty() {
            continue;
        }
        // Built once the first overload shows: most plans have none.
        let users = users.get_or_insert_with(|| tasks_by_resource(model, s));
        let mut sweep = Sweep::new(&users[r]);
        for (from, to, peak) in overloads {
            let colliding = sweep.during(s, from, to);
            diags.push(overallocated(model, r, (from, to, peak), colliding).with_help(
                "levelling (the default, without `--no-level`) moves tasks so that this cannot happen",
            ));
        }
    }
}

/// Stretches where a level-of-effort share (`during`) takes a person over
/// their limit: the share is booked on top of their other work and, as it
/// drives no dates, levelling never moves anything for it. Work before
/// `now` is what happened and is not judged; `placed_from` is where each
/// task's remaining work was placed (a started task's span reaches back
/// to its actual start).
pub fn during_overallocations(
    model: &Model,
    s: &Schedule,
    placed_from: &[Moment],
    now: Option<Moment>,
    diags: &mut Diagnostics,
) {
    let is_during = |i: usize| model.tasks[i].details().during.is_some();
    let mut shares: Vec<Vec<usize>> = vec![Vec::new(); model.resources.len()];
    for (i, t) in s.tasks.iter().enumerate() {
        if is_during(i) {
            for b in &t.bookings {
                shares[b.resource.index()].push(i);
            }
        }
    }
    if shares.iter().all(Vec::is_empty) {
        return;
    }
    let from = now.unwrap_or(Moment(i64::MIN));
    let mut profiles: Vec<Option<Profile<usize>>> = shares
        .iter()
        .map(|list| (!list.is_empty()).then(Profile::new))
        .collect();
    for (i, t) in s.tasks.iter().enumerate() {
        let start = if is_during(i) {
            t.start
        } else {
            placed_from[i]
        }
        .max(from);
        if model.tasks[i].kind == TaskKind::Group || t.end <= start {
            continue;
        }
        for b in &t.bookings {
            if let Some(p) = profiles[b.resource.index()].as_mut() {
                p.add(start, t.end, b.demand, i);
            }
        }
    }
    let users = tasks_by_resource(model, s);
    for (r, profile) in profiles.iter().enumerate() {
        let Some(profile) = profile else { continue };
        let limit = model.resources[r].limit();
        let mut sweep = Sweep::new(&users[r]);
        for (lo, hi, peak) in profile.overloads(limit) {
            let share = shares[r]
                .iter()
                .filter(|&&i| s.tasks[i].start < hi && s.tasks[i].end > lo)
                .flat_map(|&i| s.tasks[i].bookings.iter())
                .filter(|b| b.resource.index() == r)
                .fold(Demand(0), |sum, b| sum + b.demand);
            // Over the limit without the shares too: levelling's business
            // (or `--no-level`'s own warning), not the shares'.
            if share.0 == 0 || peak - share > limit {
                continue;
            }
            let colliding = sweep.during(s, lo, hi);
            diags.push(overallocated(model, r, (lo, hi, peak), colliding).with_help(
                "a `during` share is booked on top of the person's other work and moves none of it: lower the share, or plan the other work around it",
            ));
        }
    }
}

/// The warning for one over-allocated stretch of resource `r`.
fn overallocated(
    model: &Model,
    r: usize,
    (from, to, peak): (Moment, Moment, Demand),
    colliding: &[usize],
) -> Diagnostic {
    let res = &model.resources[r];
    let mut d = Diagnostic::warning(
        codes::OVERALLOCATED,
        format!(
            "`{}` is booked {:.2} units from {} to {}, over its {:.2}: {}",
            res.id,
            peak.as_units(),
            from.to_iso(),
            to.to_iso(),
            res.limit().as_units(),
            task_list(model, colliding)
        ),
    )
    .at(res.span, "over-allocated");
    for &t in colliding.iter().take(NAMED_TASKS) {
        d = d.also(model.tasks[t].name_span, "books it then");
    }
    d
}

/// Tasks named in one over-allocation warning; the rest are counted.
const NAMED_TASKS: usize = 5;

/// "`a` and `b` collide", "`a`, `b`, `c` and 4 more collide".
fn task_list(model: &Model, tasks: &[usize]) -> String {
    let mut names: Vec<String> = tasks
        .iter()
        .take(NAMED_TASKS)
        .map(|&t| format!("`{}`", model.tasks[t].path))
        .collect();
    if tasks.len() > NAMED_TASKS {
        names.push(format!("{} more", tasks.len() - NAMED_TASKS));
    }
    let list = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => "no task".to_string(),
    };
    format!("{list} collide")
}

/// Per resource, the tasks booking it, by start.
fn tasks_by_resource(model: &Model, s: &Schedule) -> Vec<Vec<usize>> {
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); model.resources.len()];
    for (i, t) in s.tasks.iter().enumerate() {
        for b in &t.bookings {
            let list = &mut users[b.resource.index()];
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    for list in &mut users {
        list.sort_by_key(|&i| (s.tasks[i].start, i));
    }
    users
}

/// The tasks of one resource overlapping each overload in turn: overloads
/// come in time order and do not overlap, so one pass over the tasks by
/// start finds them all, however many stretches there are.
struct Sweep<'u> {
    by_start: &'u [usize],
    next: usize,
    active: Vec<usize>,
}

impl<'u> Sweep<'u> {
    fn new(by_start: &'u [usize]) -> Sweep<'u> {
        Sweep {
            by_start,
            next: 0,
            active: Vec::new(),
        }
    }

    /// The tasks whose span meets [from, to), in declaration order.
    fn during(&mut self, s: &Schedule, from: Moment, to: Moment) -> &[usize] {
        while let Some(&t) = self.by_start.get(self.next) {
            if s.tasks[t].start >= to {
                break;
            }
            self.active.push(t);
            self.next += 1;
        }
        self.active.retain(|&t| s.tasks[t].end > from);
        self.active.sort_unstable();
        &self.active
    }
}
