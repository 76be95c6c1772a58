//! Scheduling from the status date (spec 6) and level-of-effort tasks.
//!
//! The scheduler itself knows nothing of actuals: this module turns them
//! into constraints on a copy of the model and schedules that. A finished
//! task becomes a fixed span with nothing to level (the past is what
//! happened); a started one keeps its remaining work, placed from `now`
//! after its predecessors; an unstarted one may not start before `now`; a
//! `during` task is a point that waits for nothing and holds nothing up.
//! The result is then put back in the plan's terms: actual starts, the
//! work done in the past booked at the planned rates, `during` spans.

use super::calendar::Calendar;
use super::cost::resource_cost;
use super::network::Bound;
use super::sgs::Driver;
use super::work::{work_done, WorkCalendars};
use super::{
    progress, schedule_plain, BookedResource, Options, Schedule, Scheduled, TaskSchedule, TaskState,
};
use crate::check::{Assignment, Booking, Model, TaskKind, Work, WorkKind};
use crate::units::{Demand, Minutes, Moment, Money, Share};

/// What the status date makes of one task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// Scheduled as planned (groups, milestones, plans without `now`).
    Planned,
    /// Complete: sits at its actual span.
    Done { start: Moment, end: Moment },
    /// Started: keeps its start, the rest placed from `now`.
    Started { start: Moment, remaining: Minutes },
    /// Not started: not before `now`; `true` when that moved its bound.
    Unstarted(bool),
    /// A level-of-effort task.
    During,
}

/// Schedules `model`, from its status date unless `options.as_planned`.
pub(super) fn schedule(model: &Model, options: &Options) -> Scheduled {
    let has_during = model.tasks.iter().any(|t| t.details().during.is_some());
    let forecast = model.project.now.filter(|_| !options.as_planned);
    let Some(now) = forecast else {
        if !has_during {
            return schedule_plain(model, options);
        }
        let roles: Vec<Role> = model
            .tasks
            .iter()
            .map(|t| match t.details().during {
                Some(_) if t.kind == TaskKind::Leaf => Role::During,
                _ => Role::Planned,
            })
            .collect();
        return schedule_with_roles(model, options, &roles, None);
    };
    let calendars = WorkCalendars::build(model);
    let planned = if needs_planned_dates(model) {
        let plan = schedule(
            model,
            &Options {
                as_planned: true,
                ..*options
            },
        );
        match plan.schedule {
            Some(s) => Some(s),
            None => return plan,
        }
    } else {
        None
    };
    let roles: Vec<Role> = (0..model.tasks.len())
        .map(|i| role(model, i, now, &calendars.project, planned.as_ref()))
        .collect();
    schedule_with_roles(model, options, &roles, Some(now))
}

/// A task done or started without a `started` date sits where the plan
/// had it: only then is the as-planned schedule needed.
fn needs_planned_dates(model: &Model) -> bool {
    model.tasks.iter().any(|t| {
        let d = t.details();
        t.kind == TaskKind::Leaf
            && d.during.is_none()
            && d.started.is_none()
            && (d.finished.is_some() || d.progress.is_some_and(|p| p.0 > 0))
    })
}

fn role(model: &Model, i: usize, now: Moment, cal: &Calendar, planned: Option<&Schedule>) -> Role {
    let task = &model.tasks[i];
    let d = task.details();
    if task.kind == TaskKind::Milestone {
        return d
            .finished
            .map_or(Role::Planned, |at| Role::Done { start: at, end: at });
    }
    if task.kind != TaskKind::Leaf {
        return Role::Planned;
    }
    if d.during.is_some() {
        return Role::During;
    }
    let Some(work) = task.work else {
        return Role::Planned;
    };
    let plan = planned.map(|p| &p.tasks[i]);
    let progress = d.progress.unwrap_or(Share::ZERO);
    // A date alone is the start of that day: the work began at its first
    // working moment.
    let started = d.started.map(|s| cal.next_working(s).unwrap_or(s));
    if let Some(finished) = d.finished {
        let end = cal
            .stretch_before(finished)
            .map_or(finished, |(_, e)| e)
            .max(started.unwrap_or(Moment(i64::MIN)));
        let start = started.unwrap_or_else(|| start_for_finish(cal, work, end, plan));
        return Role::Done {
            start: start.min(end),
            end,
        };
    }
    if progress >= Share::FULL {
        let start = started.unwrap_or_else(|| plan.map_or(now, |p| p.start.min(now)));
        let end = plan.map_or(now, |p| p.end.min(now)).max(start);
        return Role::Done { start, end };
    }
    if started.is_some() || progress.0 > 0 {
        // Planned after the status date, it started at the latest then.
        let start = started.unwrap_or_else(|| {
            let at = plan.map_or(now, |p| p.start.min(now));
            cal.next_working(at).unwrap_or(at).max(at)
        });
        let done = i128::from(work.minutes.0) * i128::from(progress.0) / i128::from(Share::FULL.0);
        let rest = Minutes((work.minutes.0 - done as i64).max(0));
        return Role::Started {
            start,
            remaining: d.remaining.unwrap_or(rest),
        };
    }
    let bound = [d.start, d.not_before].into_iter().flatten().max();
    Role::Unstarted(bound.is_none_or(|b| b < now))
}

/// A finished task without `started` began its planned length before its
/// finish (working time; calendar time for `elapsed`).
fn start_for_finish(
    cal: &Calendar,
    work: Work,
    end: Moment,
    plan: Option<&TaskSchedule>,
) -> Moment {
    let Some(plan) = plan else {
        return end;
    };
    match work.kind {
        WorkKind::Elapsed => end - (plan.end - plan.start),
        _ => {
            let length = cal.work_between(plan.start, plan.end);
            // `sub_work` lands at the end of the day before; the work
            // starts at the next working moment.
            let start = cal.sub_work(end, length).unwrap_or(end);
            cal.next_working(start).unwrap_or(start).min(end)
        }
    }
}

/// The model as the scheduler should see it: actuals turned into
/// constraints, `during` tasks into points.
fn constrained(model: &Model, roles: &[Role], now: Option<Moment>) -> Model {
    let mut m = model.clone();
    for (task, role) in m.tasks.iter_mut().zip(roles) {
        match *role {
            Role::Planned => {}
            Role::Done { start, end } => {
                let milestone = task.kind == TaskKind::Milestone;
                if !milestone {
                    task.work = Some(Work {
                        kind: WorkKind::Elapsed,
                        minutes: end - start,
                    });
                }
                task.dependencies = Box::default();
                task.assignments = Box::default();
                let d = task.details_mut();
                if milestone {
                    d.date = Some(start);
                } else {
                    d.start = Some(start);
                }
                d.not_before = None;
                m.project.start = m.project.start.min(start);
            }
            Role::Started { remaining, .. } => {
                if let Some(w) = &mut task.work {
                    w.minutes = remaining;
                }
                // Once started, a task keeps its people: its rest goes
                // before work not yet begun.
                task.priority = 1000;
                let d = task.details_mut();
                d.start = None;
                d.not_before = now;
            }
            Role::Unstarted(moved) => {
                // On a task not begun, `remaining` is its new estimate.
                let left = task.details().remaining;
                if let (Some(w), Some(left)) = (&mut task.work, left) {
                    w.minutes = left;
                }
                if moved {
                    task.details_mut().not_before = now;
                }
            }
            Role::During => {
                task.kind = TaskKind::Milestone;
                task.work = None;
                task.dependencies = Box::default();
                task.assignments = Box::default();
            }
        }
    }
    if let Some(start) = roles.iter().find_map(|r| match r {
        Role::Started { start, .. } => Some(*start),
        _ => None,
    }) {
        m.project.start = m.project.start.min(start);
    }
    m
}

fn schedule_with_roles(
    model: &Model,
    options: &Options,
    roles: &[Role],
    now: Option<Moment>,
) -> Scheduled {
    let m = constrained(model, roles, now);
    let mut scheduled = schedule_plain(&m, options);
    if let Some(s) = &mut scheduled.schedule {
        let calendars = WorkCalendars::build(model);
        let placed_from: Vec<Moment> = s.tasks.iter().map(|t| t.start).collect();
        put_back(model, roles, &calendars, s);
        warn_fixed_starts_passed(model, roles, s, &mut scheduled.diagnostics);
        super::warnings::during_overallocations(
            model,
            s,
            &placed_from,
            now,
            &mut scheduled.diagnostics,
        );
    }
    scheduled
}

/// A fixed start before the status date of a task that has not started
/// cannot be kept any more.
fn warn_fixed_starts_passed(
    model: &Model,
    roles: &[Role],
    s: &Schedule,
    diags: &mut crate::diagnostic::Diagnostics,
) {
    use crate::diagnostic::{codes, Diagnostic};
    for (i, role) in roles.iter().enumerate() {
        let task = &model.tasks[i];
        let (Role::Unstarted(true), Some(fixed)) = (role, task.details().start) else {
            continue;
        };
        let ts = &s.tasks[i];
        if ts.driver != Some(Driver::Bound(Bound::StatusDate)) || ts.start <= fixed {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                codes::FIXED_START_MOVED,
                format!(
                    "`{}` cannot start at its fixed start {}; it starts {}, after the status date",
                    task.path,
                    fixed.describe(),
                    ts.start.to_iso()
                ),
            )
            .at(task.name_span, "not started by its fixed start")
            .with_help("it has not started: give it a new `start`, or `started DATE` if it did"),
        );
    }
}

/// The schedule of the constrained model in the plan's terms.
fn put_back(model: &Model, roles: &[Role], calendars: &WorkCalendars, s: &mut Schedule) {
    for (i, role) in roles.iter().enumerate() {
        let task = &model.tasks[i];
        let ts = &mut s.tasks[i];
        match *role {
            Role::Planned => {}
            Role::Done { start, end } => {
                ts.start = start;
                ts.end = end;
                ts.actual_start = Some(start);
                ts.actual_end = Some(end);
                ts.critical = false;
                // Finished: its people were on it for the whole actual span.
                let past = book_span(model, calendars, fixed_bookings(task), start, end);
                add_bookings(ts, past);
                keep_unassigned_effort(task, ts);
            }
            Role::Started { start, .. } => {
                ts.actual_start = Some(start);
                let chosen: Vec<Booking> = if ts.bookings.is_empty() {
                    fixed_bookings(task)
                } else {
                    ts.bookings.iter().map(|b| b.booking).collect()
                };
                // The work done is progress x the total (spec 6), however
                // long the span since the start: never the whole span.
                let past = match task.work {
                    Some(w) => book_done(model, chosen, w.kind, done_part(task, w)),
                    None => Vec::new(),
                };
                ts.start = start;
                if ts.driver == Some(Driver::Bound(Bound::NotBefore)) {
                    ts.driver = Some(Driver::Bound(Bound::StatusDate));
                }
                keep_unassigned_effort(task, ts);
                add_bookings(ts, past);
            }
            Role::Unstarted(moved) => {
                if moved && ts.driver == Some(Driver::Bound(Bound::NotBefore)) {
                    ts.driver = Some(Driver::Bound(Bound::StatusDate));
                }
            }
            Role::During => {}
        }
    }
    // A `during` range is known once everything else is placed.
    for (i, role) in roles.iter().enumerate() {
        if *role != Role::During {
            continue;
        }
        let Some((from, to)) = model.tasks[i].details().during else {
            continue;
        };
        let (start, end) = (s.tasks[from.index()].start, s.tasks[to.index()].end);
        let end = end.max(start);
        let booked = book_span(
            model,
            calendars,
            fixed_bookings(&model.tasks[i]),
            start,
            end,
        );
        let ts = &mut s.tasks[i];
        ts.start = start;
        ts.end = end;
        ts.critical = false;
        ts.driver = None;
        ts.bookings.clear();
        ts.cost = model.tasks[i].cost;
        ts.work = Minutes::ZERO;
        add_bookings(ts, booked);
    }
    roll_up(model, s);
}

/// Effort nobody is assigned to weighs its whole amount (in group
/// progress), not the part left after the status date.
fn keep_unassigned_effort(task: &crate::check::Task, ts: &mut TaskSchedule) {
    if let Some(w) = task.work {
        if w.kind == WorkKind::Effort && ts.bookings.is_empty() {
            ts.work = w.minutes;
        }
    }
}

/// The fixed bookings of a task; an `any of` counts as its first choice.
fn fixed_bookings(task: &crate::check::Task) -> Vec<Booking> {
    task.assignments
        .iter()
        .filter_map(|a| match a {
            Assignment::Fixed(b) => Some(*b),
            Assignment::AnyOf(list) => list.first().copied(),
        })
        .collect()
}

/// Each booking over `[start, end)`: its resource's working time there.
fn book_span(
    model: &Model,
    calendars: &WorkCalendars,
    bookings: Vec<Booking>,
    start: Moment,
    end: Moment,
) -> Vec<BookedResource> {
    bookings
        .into_iter()
        .map(|b| {
            let minutes = calendars.resources[b.resource.index()].work_between(start, end);
            booked_for(model, b, minutes)
        })
        .collect()
}

/// One booking held for `minutes` of its resource's time, at its rate.
fn booked_for(model: &Model, b: Booking, minutes: Minutes) -> BookedResource {
    let res = &model.resources[b.resource.index()];
    let demand = Demand::of(b.count, b.percent, res.capacity);
    let work = work_done(demand, minutes);
    BookedResource {
        resource: b.resource,
        booking: b,
        demand,
        minutes,
        work,
        cost: resource_cost(res.rate, work, model.day_minutes()),
    }
}

/// The part of a task's total that its progress says is done.
fn done_part(task: &crate::check::Task, work: Work) -> Minutes {
    let progress = task.details().progress.unwrap_or(Share::ZERO);
    let done = i128::from(work.minutes.0) * i128::from(progress.0) / i128::from(Share::FULL.0);
    Minutes(done as i64)
}

/// Bookings for `done` of a task's work: for effort, that much work shared
/// by the bookings in proportion to their demands; for a duration or
/// elapsed time, each booking held for that long.
fn book_done(
    model: &Model,
    bookings: Vec<Booking>,
    kind: WorkKind,
    done: Minutes,
) -> Vec<BookedResource> {
    let demand_of = |b: &Booking| {
        let res = &model.resources[b.resource.index()];
        Demand::of(b.count, b.percent, res.capacity)
    };
    let total: i64 = bookings.iter().map(|b| demand_of(b).0).sum();
    let minutes = if kind == WorkKind::Effort && total > 0 {
        let m = i128::from(done.0) * i128::from(Demand::ONE_UNIT) / i128::from(total);
        Minutes(m as i64)
    } else {
        done
    };
    bookings
        .into_iter()
        .map(|b| booked_for(model, b, minutes))
        .collect()
}

/// Adds bookings to a task's (the same resource and booking: one line).
fn add_bookings(ts: &mut TaskSchedule, extra: Vec<BookedResource>) {
    for b in extra {
        ts.work += b.work;
        ts.cost += b.cost;
        match ts
            .bookings
            .iter_mut()
            .find(|x| x.resource == b.resource && x.booking == b.booking)
        {
            Some(x) => {
                x.minutes += b.minutes;
                x.work += b.work;
                x.cost += b.cost;
            }
            None => ts.bookings.push(b),
        }
    }
}

/// Groups, the project and the resources again, after the spans and
/// bookings above changed.
fn roll_up(model: &Model, s: &mut Schedule) {
    for i in (0..model.tasks.len()).rev() {
        let task = &model.tasks[i];
        if task.kind != TaskKind::Group {
            continue;
        }
        let (mut work, mut cost) = (Minutes::ZERO, task.cost);
        let (mut start, mut end) = (Moment(i64::MAX), Moment(i64::MIN));
        for c in task.children.iter() {
            let child = &s.tasks[c.index()];
            work += child.work;
            cost += child.cost;
            start = start.min(child.start);
            end = end.max(child.end);
        }
        let g = &mut s.tasks[i];
        g.work = work;
        g.cost = cost;
        if start <= end {
            g.start = start;
            g.end = end;
        }
    }
    for r in s.resources.iter_mut() {
        r.booked = Minutes::ZERO;
        r.cost = Money::ZERO;
    }
    for (i, task) in model.tasks.iter().enumerate() {
        if task.kind == TaskKind::Group {
            continue;
        }
        for b in &s.tasks[i].bookings {
            let u = &mut s.resources[b.resource.index()];
            u.booked += b.work;
            u.cost += b.cost;
        }
    }
    s.cost = model
        .roots()
        .map(|r| s.tasks[r.index()].cost)
        .fold(Money::ZERO, |a, b| a + b);
    s.start = s.tasks.iter().map(|t| t.start).fold(s.start, Moment::min);
    s.end = s.tasks.iter().map(|t| t.end).fold(s.end, Moment::max);
    progress::derive(model, &mut s.tasks);
}

/// Sets every task's state, actual dates (where the schedule has none yet:
/// the plan's own) and remaining work, from the actuals the plan states.
pub(super) fn fill_state(model: &Model, s: &mut Schedule) {
    for i in 0..model.tasks.len() {
        let task = &model.tasks[i];
        let d = task.details();
        let ts = &mut s.tasks[i];
        match task.kind {
            TaskKind::Group => continue,
            TaskKind::Milestone => {
                ts.remaining = Minutes::ZERO;
                ts.state = if ts.progress >= Share::FULL {
                    ts.actual_end = ts.actual_end.or(d.finished);
                    ts.actual_start = ts.actual_end;
                    TaskState::Done
                } else {
                    TaskState::NotStarted
                };
            }
            // A level-of-effort task is where the status date is in its span.
            TaskKind::Leaf if d.during.is_some() => {
                ts.remaining = Minutes::ZERO;
                ts.state = match model.project.now {
                    Some(now) if ts.end <= now => TaskState::Done,
                    Some(now) if ts.start <= now => TaskState::InProgress,
                    _ => TaskState::NotStarted,
                };
                if ts.state != TaskState::NotStarted {
                    ts.actual_start = Some(ts.start);
                }
                if ts.state == TaskState::Done {
                    ts.actual_end = Some(ts.end);
                }
            }
            TaskKind::Leaf => {
                let total = task.work.map_or(Minutes::ZERO, |w| w.minutes);
                ts.actual_start = ts.actual_start.or(d.started);
                if d.finished.is_some() || ts.progress >= Share::FULL {
                    ts.actual_end = ts.actual_end.or(d.finished);
                    ts.state = TaskState::Done;
                    ts.remaining = Minutes::ZERO;
                } else if d.started.is_some() || ts.progress.0 > 0 {
                    let done =
                        i128::from(total.0) * i128::from(ts.progress.0) / i128::from(Share::FULL.0);
                    ts.state = TaskState::InProgress;
                    ts.remaining = d
                        .remaining
                        .unwrap_or(Minutes((total.0 - done as i64).max(0)));
                } else {
                    ts.state = TaskState::NotStarted;
                    ts.remaining = d.remaining.unwrap_or(total);
                }
            }
        }
    }
    // Groups from their children: children come after their parents.
    for i in (0..model.tasks.len()).rev() {
        let task = &model.tasks[i];
        if task.kind != TaskKind::Group {
            continue;
        }
        let mut remaining = Minutes::ZERO;
        let (mut all_done, mut none_started) = (true, true);
        let (mut first, mut last) = (None::<Moment>, None::<Moment>);
        for c in task.children.iter() {
            let child = &s.tasks[c.index()];
            remaining += child.remaining;
            all_done &= child.state == TaskState::Done;
            none_started &= child.state == TaskState::NotStarted;
            if let Some(a) = child.actual_start {
                first = Some(first.map_or(a, |f| f.min(a)));
            }
            last = match (last, child.actual_end) {
                (Some(l), Some(e)) => Some(l.max(e)),
                (None, e) => e,
                (l, None) => l,
            };
        }
        let g = &mut s.tasks[i];
        g.remaining = remaining;
        g.actual_start = first;
        g.state = if all_done {
            g.actual_end = last;
            TaskState::Done
        } else if none_started {
            TaskState::NotStarted
        } else {
            TaskState::InProgress
        };
    }
}
