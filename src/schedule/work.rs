//! How long work takes: the working-time calendars of the project and of
//! each resource, and the placement of one task from a start moment under
//! given bookings (effort shared across assignments by demand, minute by
//! minute of each resource's working time).

use super::calendar::{Calendar, WeekPattern};
use super::network::Network;
use crate::check::{Booking, Model, Work, WorkKind};
use crate::units::{Day, Demand, Minutes, Moment};
use std::sync::Arc;

/// Every calendar the scheduler needs, built once.
pub struct WorkCalendars {
    pub project: Arc<Calendar>,
    /// Per resource: its calendar minus its time off and the project's
    /// holidays. Resources with the same calendar and no time off share one.
    pub resources: Vec<Arc<Calendar>>,
}

impl WorkCalendars {
    pub fn build(model: &Model) -> WorkCalendars {
        let project_def = model.calendar(model.project.calendar);
        let holidays: Vec<(Day, Day)> = project_def
            .holidays
            .iter()
            .map(|c| (c.first, c.last))
            .collect();
        let project = Arc::new(Calendar::new(
            WeekPattern::new(project_def.week.clone()),
            holidays.clone(),
        ));
        let mut shared: Vec<Option<Arc<Calendar>>> = vec![None; model.calendars.len()];
        let resources = model
            .resources
            .iter()
            .map(|r| {
                let def = model.calendar(r.calendar);
                let mut closed: Vec<(Day, Day)> =
                    def.holidays.iter().map(|c| (c.first, c.last)).collect();
                if r.calendar != model.project.calendar {
                    closed.extend(holidays.iter().copied());
                }
                if r.off.is_empty() {
                    if r.calendar == model.project.calendar {
                        return project.clone();
                    }
                    if let Some(c) = &shared[r.calendar.index()] {
                        return c.clone();
                    }
                    let c = Arc::new(Calendar::new(WeekPattern::new(def.week.clone()), closed));
                    shared[r.calendar.index()] = Some(c.clone());
                    return c;
                }
                closed.extend(r.off.iter().map(|o| (o.first, o.last)));
                Arc::new(Calendar::new(WeekPattern::new(def.week.clone()), closed))
            })
            .collect();
        WorkCalendars { project, resources }
    }
}

/// Where a task lands: its span. The minutes each resource works inside
/// it are asked for separately ([`worked_minutes`]), once the span is
/// final: levelling tries many spans per task, and most are rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    pub start: Moment,
    pub end: Moment,
}

/// Why a task cannot be placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceError {
    /// No working time left before the horizon.
    NoWorkingTime,
}

/// Places a task of `work` (`None`: a milestone) starting no earlier than
/// `from` with `bookings`.
pub fn place(
    net: &Network,
    cals: &WorkCalendars,
    work: Option<Work>,
    from: Moment,
    bookings: &[Booking],
) -> Result<Placement, PlaceError> {
    let Some(work) = work else {
        // Milestones sit at the exact moment their constraints allow.
        return Ok(Placement {
            start: from,
            end: from,
        });
    };
    match work.kind {
        WorkKind::Elapsed => Ok(Placement {
            start: from,
            end: from + work.minutes,
        }),
        WorkKind::Duration => place_on(&cals.project, from, work.minutes),
        WorkKind::Effort if bookings.is_empty() => place_on(&cals.project, from, work.minutes),
        WorkKind::Effort => place_effort(net, cals, from, work.minutes, bookings),
    }
}

/// Appends to `out`, per booking, the minutes of its resource's working
/// time that the placed task `p` of `work` takes (nothing for a milestone).
pub fn worked_minutes(
    net: &Network,
    cals: &WorkCalendars,
    work: Option<Work>,
    p: Placement,
    bookings: &[Booking],
    out: &mut Vec<Minutes>,
) -> Result<(), PlaceError> {
    let Some(work) = work else {
        return Ok(());
    };
    let calendar_of = |b: &Booking| &cals.resources[b.resource.index()];
    if work.kind == WorkKind::Effort && !shares_one_calendar(cals, bookings) {
        // Only the walk knows who worked when; it starts at the placement's
        // start, where the first resource begins, and so repeats itself.
        let needed = needed_work(net, work.minutes, bookings)?;
        let demands = demands_of(net, bookings);
        let (_, worked) = walk_stretches(&calendars_of(cals, bookings), &demands, p.start, needed)?;
        out.extend(worked);
        return Ok(());
    }
    if work.kind == WorkKind::Effort {
        // One calendar: every booking works the same minutes.
        if let Some(first) = bookings.first().map(calendar_of) {
            let minutes = first.work_between(p.start, p.end);
            out.extend(bookings.iter().map(|_| minutes));
        }
        return Ok(());
    }
    out.extend(
        bookings
            .iter()
            .map(|b| calendar_of(b).work_between(p.start, p.end)),
    );
    Ok(())
}

/// The working minutes a task takes on the calendar of its first booking's
/// resource, when it is placed on that calendar alone (effort on one
/// calendar its resources share, or a duration on the project calendar
/// that resource shares): its span is then a function of its start and
/// these minutes alone.
pub fn one_calendar_minutes(
    net: &Network,
    cals: &WorkCalendars,
    work: Option<Work>,
    bookings: &[Booking],
) -> Option<Minutes> {
    let work = work?;
    let first = bookings.first()?;
    if work.kind == WorkKind::Duration
        && Arc::ptr_eq(&cals.project, &cals.resources[first.resource.index()])
    {
        return Some(work.minutes);
    }
    if work.kind != WorkKind::Effort || !shares_one_calendar(cals, bookings) {
        return None;
    }
    let total_demand: i64 = bookings.iter().map(|b| net.demand(b).0).sum();
    let needed = needed_work(net, work.minutes, bookings).ok()?;
    i64::try_from(div_ceil(needed, i128::from(total_demand)))
        .ok()
        .map(Minutes)
}

/// Fixed working time on one calendar.
fn place_on(cal: &Calendar, from: Moment, minutes: Minutes) -> Result<Placement, PlaceError> {
    let (start, end) = cal
        .start_and_end(from, minutes)
        .ok_or(PlaceError::NoWorkingTime)?;
    Ok(Placement { start, end })
}

/// Whether all bookings are on one calendar (the common case, one
/// calendar query; otherwise the working stretches are walked).
fn shares_one_calendar(cals: &WorkCalendars, bookings: &[Booking]) -> bool {
    let calendar_of = |b: &Booking| &cals.resources[b.resource.index()];
    match bookings.first() {
        Some(first) => bookings
            .iter()
            .all(|b| Arc::ptr_eq(calendar_of(b), calendar_of(first))),
        None => true,
    }
}

/// The effort in demand-minutes: one full unit working one minute does
/// Demand::ONE_UNIT of it. Fails when the bookings do no work at all.
fn needed_work(net: &Network, effort: Minutes, bookings: &[Booking]) -> Result<i128, PlaceError> {
    let total_demand: i64 = bookings.iter().map(|b| net.demand(b).0).sum();
    if total_demand <= 0 {
        return Err(PlaceError::NoWorkingTime);
    }
    Ok(i128::from(effort.0) * i128::from(Demand::ONE_UNIT))
}

fn calendars_of<'c>(cals: &'c WorkCalendars, bookings: &[Booking]) -> Vec<&'c Arc<Calendar>> {
    bookings
        .iter()
        .map(|b| &cals.resources[b.resource.index()])
        .collect()
}

fn demands_of(net: &Network, bookings: &[Booking]) -> Vec<i64> {
    bookings.iter().map(|b| net.demand(b).0).collect()
}

/// Effort shared by several resources: each contributes its demand per
/// minute it works. When all share one calendar this is one calendar
/// query; otherwise the working stretches are walked from the start.
fn place_effort(
    net: &Network,
    cals: &WorkCalendars,
    from: Moment,
    effort: Minutes,
    bookings: &[Booking],
) -> Result<Placement, PlaceError> {
    let total_demand: i64 = bookings.iter().map(|b| net.demand(b).0).sum();
    let needed = needed_work(net, effort, bookings)?;
    // The common case (levelling calls it at every retry) allocates nothing.
    if shares_one_calendar(cals, bookings) {
        if let Some(first) = bookings.first() {
            let minutes = div_ceil(needed, i128::from(total_demand));
            let minutes = i64::try_from(minutes).map_err(|_| PlaceError::NoWorkingTime)?;
            return place_on(
                &cals.resources[first.resource.index()],
                from,
                Minutes(minutes),
            );
        }
    }
    let (placement, _) = walk_stretches(
        &calendars_of(cals, bookings),
        &demands_of(net, bookings),
        from,
        needed,
    )?;
    Ok(placement)
}

/// Walks the working stretches of several calendars from `from` until
/// `needed` demand-minutes are done: the span, and the minutes each
/// calendar worked inside it.
fn walk_stretches(
    calendars: &[&Arc<Calendar>],
    demands: &[i64],
    from: Moment,
    needed: i128,
) -> Result<(Placement, Vec<Minutes>), PlaceError> {
    let mut start = None;
    let mut t = from;
    let mut remaining = needed;
    let mut worked = vec![Minutes::ZERO; calendars.len()];
    loop {
        // Who works now, and when does that change next?
        let mut rate: i128 = 0;
        let mut next_change: Option<Moment> = None;
        let mut working = vec![false; calendars.len()];
        for (i, cal) in calendars.iter().enumerate() {
            if let Some((s, e)) = cal.stretch_at_or_after(t) {
                if s <= t {
                    working[i] = true;
                    rate += i128::from(demands[i]);
                    next_change = Some(next_change.map_or(e, |n: Moment| n.min(e)));
                } else {
                    next_change = Some(next_change.map_or(s, |n: Moment| n.min(s)));
                }
            }
        }
        let Some(next) = next_change else {
            return Err(PlaceError::NoWorkingTime);
        };
        if rate == 0 {
            t = next;
            continue;
        }
        let begin = *start.get_or_insert(t);
        let span = i128::from((next - t).0);
        if rate * span >= remaining {
            let minutes = div_ceil(remaining, rate) as i64;
            let end = t + Minutes(minutes);
            for (i, w) in worked.iter_mut().enumerate() {
                if working[i] {
                    *w += Minutes(minutes);
                }
            }
            return Ok((Placement { start: begin, end }, worked));
        }
        remaining -= rate * span;
        for (i, w) in worked.iter_mut().enumerate() {
            if working[i] {
                *w += Minutes(span as i64);
            }
        }
        t = next;
    }
}

fn div_ceil(a: i128, b: i128) -> i128 {
    (a + b - 1) / b
}

/// The work a booking of demand `d` does in `minutes` of its resource's
/// time, in minutes of one full unit (what effort is measured in).
pub fn work_done(d: Demand, minutes: Minutes) -> Minutes {
    Minutes(((i128::from(minutes.0) * i128::from(d.0)) / i128::from(Demand::ONE_UNIT)) as i64)
}
