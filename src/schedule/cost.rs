//! Booked work, cost and utilisation: hours booked x rate per resource plus
//! fixed costs, rolled up to groups and the project.

use super::sgs::{Context, Forward};
use super::work::work_done;
use super::{progress, BookedResource, ResourceUse, TaskSchedule};
use crate::check::{Model, Rate, RatePer, TaskId, TaskKind, WorkKind};
use crate::units::{Demand, Minutes, Money};

/// Fills bookings, work and cost of every task; returns per-resource use.
pub fn book_and_cost(
    model: &Model,
    ctx: &Context<'_>,
    f: &Forward<TaskId>,
    tasks: &mut [TaskSchedule],
) -> Vec<ResourceUse> {
    let mut uses: Vec<ResourceUse> = model
        .resources
        .iter()
        .enumerate()
        .map(|(r, res)| {
            let cal = &ctx.calendars.resources[r];
            let minutes = cal.work_between(model.project.start, f.makespan_end);
            let d = Demand::of(res.units, crate::units::Share::FULL, res.capacity);
            ResourceUse {
                booked: Minutes::ZERO,
                available: Minutes(
                    ((i128::from(minutes.0) * i128::from(d.0)) / i128::from(Demand::ONE_UNIT))
                        as i64,
                ),
                cost: Money::ZERO,
            }
        })
        .collect();
    let day = model.day_minutes();
    // Copied out of the resource records, which are large and, on a big
    // plan, read in no particular order: one compact list stays in cache.
    let rates: Vec<Option<Rate>> = model.resources.iter().map(|r| r.rate).collect();
    for (i, task) in model.tasks.iter().enumerate() {
        if task.kind == TaskKind::Group {
            continue;
        }
        // Exactly sized: a list grown by pushing holds room for four.
        let mut booked = Vec::with_capacity(f.bookings_of(i).len());
        for (b, minutes) in f.bookings_of(i).iter().zip(f.worked_of(i)) {
            let demand = ctx.network.demand(b);
            let work = work_done(demand, *minutes);
            let cost = resource_cost(rates[b.resource.index()], work, day);
            let u = &mut uses[b.resource.index()];
            u.booked += work;
            u.cost += cost;
            booked.push(BookedResource {
                resource: b.resource,
                booking: *b,
                demand,
                minutes: *minutes,
                work,
                cost,
            });
        }
        let ts = &mut tasks[i];
        ts.work = match task.work {
            Some(w) if w.kind == WorkKind::Effort && booked.is_empty() => w.minutes,
            _ => booked.iter().fold(Minutes::ZERO, |a, b| a + b.work),
        };
        ts.cost = booked.iter().fold(task.cost, |a, b| a + b.cost);
        ts.bookings = booked;
    }
    // Roll up: children come after parents, so walk backwards.
    for i in (0..model.tasks.len()).rev() {
        let task = &model.tasks[i];
        if task.kind != TaskKind::Group {
            continue;
        }
        let (mut work, mut cost) = (Minutes::ZERO, task.cost);
        for c in &task.children {
            work += tasks[c.index()].work;
            cost += tasks[c.index()].cost;
        }
        tasks[i].work = work;
        tasks[i].cost = cost;
    }
    progress::derive(model, tasks);
    uses
}

/// `work` full-unit minutes at a resource's `rate`.
pub(super) fn resource_cost(rate: Option<Rate>, work: Minutes, day: Minutes) -> Money {
    let Some(rate) = rate else {
        return Money::ZERO;
    };
    let per = match rate.per {
        RatePer::Hour => 60,
        RatePer::Day => day.0.max(1),
    };
    let cents = i128::from(rate.amount.0) * i128::from(work.0);
    let per = i128::from(per);
    Money(((cents + per / 2) / per) as i64)
}
