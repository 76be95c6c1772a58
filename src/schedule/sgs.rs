//! The serial schedule-generation scheme: activities are taken one at a
//! time, among those whose predecessors are all placed, in the order of a
//! priority key, and each is placed at the earliest moment its constraints,
//! its calendars and (when levelling) its resources allow. Every placement
//! is final, so the result is left-justified.

use super::alternatives::{self, Policy, Trial, Waiting};
use super::network::{Bound, Network, Pos};
use super::profile::{BusyStarts, Profile, Retry, SpanKey, SpanTime, SHARED_MAX};
use super::ready::{queue_key, Ranking, ReadyQueue};
use super::work::{
    one_calendar_minutes, place, worked_minutes, PlaceError, Placement, WorkCalendars,
};
use crate::check::DepKind;
use crate::check::{Assignment, Booking, Model, ResourceId, TaskId, Work, WorkKind};
use crate::units::{Minutes, Moment};

/// What fixed a task's start (shown to users as "why here?"). `I` names
/// tasks: network places during a pass, model ids (the default) after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Driver<I = TaskId> {
    ProjectStart,
    /// `start`, `not before` or a milestone `date` (on it or a group).
    Bound(Bound),
    /// A dependency on this task (or group).
    Dependency(I, DepKind),
    /// Waited for this resource, held until then by that task.
    Resource(ResourceId, Option<I>),
}

/// Everything the scheme needs, built once per plan.
#[derive(Clone, Copy)]
pub struct Context<'m> {
    pub model: &'m Model,
    /// In the model's numbering, except inside a forward pass, which
    /// renumbers it in the order it takes activities.
    pub network: &'m Network,
    pub calendars: &'m WorkCalendars,
    /// Latest moment any task may end (the 100-year horizon).
    pub horizon: Moment,
}

impl<'m> Context<'m> {
    /// The context for scheduling `model`, with the 100-year horizon
    /// (spec 3), never past the calendars' own.
    pub fn new(model: &'m Model, network: &'m Network, calendars: &'m WorkCalendars) -> Self {
        let years = model.project.start + Minutes(super::HORIZON_YEARS_DAYS * 1440);
        Context {
            model,
            network,
            calendars,
            horizon: years.min(super::calendar::HORIZON),
        }
    }
}

/// Ordering of eligible activities: smaller first. Priority always comes
/// first (spec 3), then the rule's key, then declaration order.
pub type Key = i64;

/// A complete forward pass. `I` names tasks: [`Pos`] for a pass in the
/// numbering of the network it ran on, [`TaskId`] once in the model's;
/// per-task values are indexed by the same numbering.
#[derive(Clone, Debug)]
pub struct Forward<I> {
    /// Per task (groups included): start and end.
    pub start: Vec<Moment>,
    pub end: Vec<Moment>,
    /// The bookings chosen (any-of resolved) and, parallel to them, the
    /// minutes each resource worked, of all tasks in one list each (one
    /// allocation per pass rather than two per task); `booked` says where
    /// a task's part is.
    bookings: Vec<Booking>,
    worked: Vec<Minutes>,
    booked: Vec<BookedRange>,
    pub driver: Vec<Option<Driver<I>>>,
    /// Activities in the order they were placed (a topological order).
    pub order: Vec<I>,
    pub makespan_end: Moment,
    /// Per resource: the load booked.
    pub profiles: Vec<Profile<I>>,
}

/// Where one task's bookings lie in [`Forward`]'s lists (empty for groups).
#[derive(Clone, Copy, Debug, Default)]
struct BookedRange {
    first: u32,
    len: u32,
}

impl<I> Forward<I> {
    /// The bookings chosen for task `i` (any-of resolved).
    pub fn bookings_of(&self, i: usize) -> &[Booking] {
        let r = self.booked[i];
        &self.bookings[r.first as usize..][..r.len as usize]
    }

    /// Per booking of task `i`: the minutes its resource worked on it.
    pub fn worked_of(&self, i: usize) -> &[Minutes] {
        let r = self.booked[i];
        &self.worked[r.first as usize..][..r.len as usize]
    }
}

impl Forward<Pos> {
    /// This pass, run on `net`, in the model's numbering: per-task values
    /// move to the model's places, drivers, the order and the loads name
    /// model ids.
    fn into_model(self, net: &Network) -> Forward<TaskId> {
        let driver = self.driver.iter().map(|d| d.map(|d| d.into_model(net)));
        let driver = in_model_places(net, driver, None);
        Forward {
            start: in_model_places(net, self.start.iter().copied(), Moment(0)),
            end: in_model_places(net, self.end.iter().copied(), Moment(0)),
            booked: in_model_places(net, self.booked.iter().copied(), BookedRange::default()),
            driver,
            order: self.order.iter().map(|&t| net.model_id(t)).collect(),
            profiles: self
                .profiles
                .into_iter()
                .map(|p| p.renamed(|t| net.model_id(t)))
                .collect(),
            bookings: self.bookings,
            worked: self.worked,
            makespan_end: self.makespan_end,
        }
    }
}

/// Per-task values of `net`'s tasks, moved to their places in the model.
pub fn in_model_places<T: Copy>(
    net: &Network,
    values: impl Iterator<Item = T>,
    blank: T,
) -> Vec<T> {
    let mut out = vec![blank; net.facts.len()];
    for (i, v) in values.enumerate() {
        out[net.model_id(Pos::at(i)).index()] = v;
    }
    out
}

impl Driver<Pos> {
    /// This driver, found on `net`, in the model's numbering.
    fn into_model(self, net: &Network) -> Driver {
        match self {
            Driver::Dependency(t, kind) => Driver::Dependency(net.model_id(t), kind),
            Driver::Resource(r, t) => Driver::Resource(r, t.map(|t| net.model_id(t))),
            Driver::ProjectStart => Driver::ProjectStart,
            Driver::Bound(b) => Driver::Bound(b),
        }
    }
}

/// Why a pass failed: the task that could not be placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure<I = TaskId> {
    /// No working time within the horizon for this task.
    CannotFinish(I),
    /// Some tasks never became ready (a cycle the checker should have caught).
    Stuck(I),
}

impl Failure<Pos> {
    /// This failure, found on `net`, in the model's numbering.
    fn into_model(self, net: &Network) -> Failure {
        match self {
            Failure::CannotFinish(t) => Failure::CannotFinish(net.model_id(t)),
            Failure::Stuck(t) => Failure::Stuck(net.model_id(t)),
        }
    }
}

/// Runs the scheme with `keys` (indexed by [`TaskId`]) ordering ties
/// within a priority, on `ctx.network` renumbered in the order the pass
/// takes activities; the result stays in that numbering (see [`Placed`]).
pub fn forward(ctx: &Context<'_>, keys: &[Key], level: bool) -> Result<Placed, Failure> {
    forward_choosing(ctx, keys, level, Policy::Rule)
}

/// [`forward`], resolving `any of` by `policy`.
pub fn forward_choosing(
    ctx: &Context<'_>,
    keys: &[Key],
    level: bool,
    policy: Policy<'_>,
) -> Result<Placed, Failure> {
    let network = ctx.network.renumbered(&queue_order(ctx.network, keys));
    let pass = Context {
        network: &network,
        ..*ctx
    };
    // In the new numbering, the queue order is the numbering itself.
    match run(&pass, network.activities.clone(), level, true, policy) {
        Ok(forward) => Ok(Placed { forward, network }),
        Err(failure) => Err(failure.into_model(&network)),
    }
}

/// A forward pass in the numbering of the network it ran on: what reads
/// the pass task by task in placement order (the backward pass) is
/// quicker there; [`Placed::into_model`] gives the model's numbering.
pub struct Placed {
    pub forward: Forward<Pos>,
    pub network: Network,
}

impl Placed {
    /// `ctx` with the network this pass ran on.
    pub fn context<'a>(&'a self, ctx: &Context<'a>) -> Context<'a> {
        Context {
            network: &self.network,
            ..*ctx
        }
    }

    pub fn makespan_end(&self) -> Moment {
        self.forward.makespan_end
    }

    /// The pass in the model's numbering.
    pub fn into_model(self) -> Forward<TaskId> {
        self.forward.into_model(&self.network)
    }
}

/// The activities of `net` in the order a pass takes them when nothing
/// holds them back: priority, then `keys[task]` (by model id), then place.
fn queue_order(net: &Network, keys: &[Key]) -> Vec<Pos> {
    Ranking::order(&net.activities, |t| {
        queue_key(
            1000 - net.facts[t.index()].priority,
            keys[net.model_id(t).index()],
            t.index(),
        )
    })
}

/// An unlevelled pass whose resource loads are not recorded (they stay
/// empty): levelling starts from its times and bookings and never reads
/// its loads, which are the dearest part of a pass (`docs/performance.md`).
pub fn unlevelled_times(ctx: &Context<'_>, keys: &[Key]) -> Result<Forward<Pos>, Failure> {
    run(
        ctx,
        queue_order(ctx.network, keys),
        false,
        false,
        Policy::Rule,
    )
    .map_err(|failure| failure.into_model(ctx.network))
}

/// The scheme, taking ready activities in the queue `order`.
fn run(
    ctx: &Context<'_>,
    order: Vec<Pos>,
    level: bool,
    loads: bool,
    policy: Policy<'_>,
) -> Result<Forward<Pos>, Failure<Pos>> {
    run_with(ctx, order, level, loads, policy, true)
}

/// [`run`], with or without the skips over starts known to conflict (the
/// tests hold the two to one schedule).
fn run_with(
    ctx: &Context<'_>,
    order: Vec<Pos>,
    level: bool,
    loads: bool,
    policy: Policy<'_>,
    skips: bool,
) -> Result<Forward<Pos>, Failure<Pos>> {
    let model = ctx.model;
    let net = &ctx.network;
    let n = model.tasks.len();
    let mut f = Forward {
        start: vec![model.project.start; n],
        end: vec![model.project.start; n],
        bookings: Vec::with_capacity(net.activities.len()),
        worked: Vec::with_capacity(net.activities.len()),
        booked: vec![BookedRange::default(); n],
        driver: vec![None; n],
        order: Vec::with_capacity(net.activities.len()),
        makespan_end: model.project.start,
        profiles: vec![Profile::new(); model.resources.len()],
    };
    let mut leaves_left: Vec<u32> = net.leaf_count.clone();
    let mut group_seen: Vec<bool> = vec![false; n];
    let mut done: Vec<Pos> = Vec::new();
    let mut chosen: Vec<Booking> = Vec::new();
    // Without resources to follow, `busy` never skips.
    let followed = if level && loads && skips {
        model.resources.len()
    } else {
        0
    };
    let mut busy = BusyStarts::new(followed);
    let mut choice = Choosing {
        policy,
        waiting: Waiting::new(net, model.resources.len()),
        trials: Vec::new(),
    };
    let mut ranking = Ranking::new(n, order, |t| net.target_count[t.index()]);
    let mut ready = ReadyQueue::new(ranking.len());
    for &a in &net.activities {
        if let Some(o) = ranking.ready_from_start(a) {
            ready.insert(o);
        }
    }
    while let Some(o) = ready.pop_min() {
        let a = ranking.task(o);
        let (from, end_at_least, driver) = earliest(ctx, &f, a);
        let (placement, driver) = place_best(
            ctx,
            &f,
            a,
            (from, end_at_least, driver),
            level,
            &mut chosen,
            &mut busy,
            &mut choice,
        )?;
        choice.waiting.placed(net, a);
        if placement.end > ctx.horizon {
            return Err(Failure::CannotFinish(a));
        }
        let booked = record_bookings(ctx, &mut f, a, placement, &chosen)?;
        if loads {
            book_loads(net, &mut f, booked, a, placement);
        }
        f.start[a.index()] = placement.start;
        f.end[a.index()] = placement.end;
        f.driver[a.index()] = Some(driver);
        f.makespan_end = f.makespan_end.max(placement.end);
        f.order.push(a);
        // The activity and every group that it completes are now done.
        done.clear();
        done.push(a);
        let mut cur = net.facts[a.index()].parent;
        while let Some(g) = cur {
            let gi = g.index();
            if !group_seen[gi] {
                group_seen[gi] = true;
                f.start[gi] = placement.start;
                f.end[gi] = placement.end;
            } else {
                f.start[gi] = f.start[gi].min(placement.start);
                f.end[gi] = f.end[gi].max(placement.end);
            }
            leaves_left[gi] -= 1;
            if leaves_left[gi] == 0 {
                done.push(g);
            }
            cur = net.facts[gi].parent;
        }
        for &t in &done {
            for &w in net.waiters.of(t.index()) {
                if let Some(o) = ranking.release(w) {
                    ready.insert(o);
                }
            }
        }
    }
    if f.order.len() < net.activities.len() {
        // Named as declared first, whatever the numbering of the pass.
        let stuck = net
            .activities
            .iter()
            .copied()
            .filter(|&a| ranking.waits(a))
            .min_by_key(|&a| net.model_id(a));
        return Err(Failure::Stuck(stuck.unwrap_or(Pos::at(0))));
    }
    // Groups with no activity at all cannot exist (a group has children),
    // but a group of empty groups keeps the project start.
    Ok(f)
}

/// Appends the bookings chosen for `a` and the minutes each resource works
/// on it to the pass's lists; returns where they are.
fn record_bookings(
    ctx: &Context<'_>,
    f: &mut Forward<Pos>,
    a: Pos,
    placement: Placement,
    chosen: &[Booking],
) -> Result<BookedRange, Failure<Pos>> {
    let first = f.bookings.len();
    let work = ctx.network.facts[a.index()].work;
    worked_minutes(
        ctx.network,
        ctx.calendars,
        work,
        placement,
        chosen,
        &mut f.worked,
    )
    .map_err(|_| Failure::CannotFinish(a))?;
    // A milestone books nothing (its bookings were dropped when placed).
    let len = f.worked.len() - first;
    f.bookings
        .extend_from_slice(&chosen[..len.min(chosen.len())]);
    let booked = BookedRange {
        first: first as u32,
        len: len as u32,
    };
    f.booked[a.index()] = booked;
    Ok(booked)
}

/// Adds the demand of `a`'s bookings (`r` in the pass's lists) over its
/// placement to the resources' loads.
fn book_loads(net: &Network, f: &mut Forward<Pos>, r: BookedRange, a: Pos, placement: Placement) {
    for k in r.first as usize..(r.first + r.len) as usize {
        let b = f.bookings[k];
        f.profiles[b.resource.index()].add(placement.start, placement.end, net.demand(&b), a);
    }
}

/// The earliest start allowed by the project start, bounds and
/// dependencies, the earliest end allowed by finish dependencies, and what
/// set the start.
fn earliest(ctx: &Context<'_>, f: &Forward<Pos>, a: Pos) -> (Moment, Option<Moment>, Driver<Pos>) {
    let model = ctx.model;
    let mut from = model.project.start;
    let mut driver = Driver::ProjectStart;
    if let Some((m, bound)) = ctx.network.facts[a.index()].earliest {
        if m > from || (m == from && bound == Bound::Date) {
            from = m;
            driver = Driver::Bound(bound);
        }
    }
    let mut end_at_least: Option<Moment> = None;
    for c in ctx.network.constraints.of(a.index()) {
        let t = c.target.index();
        let base = match c.kind {
            DepKind::FinishToStart | DepKind::FinishToFinish => f.end[t],
            DepKind::StartToStart | DepKind::StartToFinish => f.start[t],
        };
        let bound = lagged(ctx, base, c.lag);
        match c.kind {
            DepKind::FinishToStart | DepKind::StartToStart => {
                if bound > from {
                    from = bound;
                    driver = Driver::Dependency(c.target, c.kind);
                }
            }
            DepKind::FinishToFinish | DepKind::StartToFinish => {
                end_at_least = Some(end_at_least.map_or(bound, |e| e.max(bound)));
            }
        }
    }
    (from, end_at_least, driver)
}

/// `base` moved by a lag (or lead) of working time on the project calendar.
pub fn lagged(ctx: &Context<'_>, base: Moment, lag: Minutes) -> Moment {
    let cal = &ctx.calendars.project;
    let moved = if lag.0 >= 0 {
        cal.add_work(base, lag)
    } else {
        cal.sub_work(base, -lag)
    };
    moved.unwrap_or(base)
}

/// How a pass resolves `any of`, and its scratch.
struct Choosing<'c> {
    policy: Policy<'c>,
    waiting: Waiting,
    trials: Vec<Trial>,
}

/// Places an activity, trying each `any of` alternative and keeping the
/// one the policy chooses (see [`alternatives`]). `chosen` (scratch,
/// reused across activities) ends up holding the bookings: the fixed
/// ones, then each `any of` as resolved.
#[allow(clippy::too_many_arguments)]
fn place_best(
    ctx: &Context<'_>,
    f: &Forward<Pos>,
    a: Pos,
    (from, end_at_least, driver): (Moment, Option<Moment>, Driver<Pos>),
    level: bool,
    chosen: &mut Vec<Booking>,
    busy: &mut BusyStarts,
    choice: &mut Choosing<'_>,
) -> Result<(Placement, Driver<Pos>), Failure<Pos>> {
    chosen.clear();
    chosen.extend_from_slice(ctx.network.fixed.of(a.index()));
    if !ctx.network.facts[a.index()].any_of {
        return place_levelled(ctx, f, a, from, end_at_least, driver, chosen, level, busy);
    }
    let id = ctx.network.model_id(a);
    let assignments = &ctx.model.task(id).assignments;
    let lists = assignments
        .iter()
        .filter(|x| matches!(x, Assignment::AnyOf(_)))
        .count();
    // Resolve each `any of` in turn, given the ones before it. The last
    // choice's winning trial is the final placement: no need to redo it.
    let mut resolved: Option<(Placement, Driver<Pos>)> = None;
    for assignment in assignments {
        let Assignment::AnyOf(options) = assignment else {
            continue;
        };
        choice.trials.clear();
        let mut drivers: Vec<(usize, Driver<Pos>)> = Vec::with_capacity(options.len());
        for (k, option) in options.iter().enumerate() {
            chosen.push(*option);
            if let Ok((p, d)) =
                place_levelled(ctx, f, a, from, end_at_least, driver, chosen, level, busy)
            {
                choice.trials.push(Trial {
                    booking: *option,
                    placement: p,
                });
                drivers.push((k, d));
            }
            chosen.pop();
        }
        let trials = &choice.trials;
        let given = match choice.policy {
            // The search chooses only for a task with one list.
            Policy::Given(c) if lists == 1 => c
                .of(id)
                .and_then(|k| drivers.iter().position(|&(listed, _)| listed == k)),
            _ => None,
        };
        let pick = given.or_else(|| match choice.policy {
            Policy::LookAhead => alternatives::by_look_ahead(
                trials,
                &choice.waiting,
                ctx.calendars,
                &ctx.network.limit,
            ),
            _ => alternatives::by_rule(trials, &choice.waiting),
        });
        match pick {
            Some(k) => {
                chosen.push(trials[k].booking);
                resolved = Some((trials[k].placement, drivers[k].1));
            }
            None => return Err(Failure::CannotFinish(a)),
        }
    }
    match resolved {
        Some(found) => Ok(found),
        None => place_levelled(ctx, f, a, from, end_at_least, driver, chosen, level, busy),
    }
}

/// The earliest placement from `from` at which every booked resource has
/// room for the whole span (when levelling).
#[allow(clippy::too_many_arguments)]
fn place_levelled(
    ctx: &Context<'_>,
    f: &Forward<Pos>,
    a: Pos,
    from: Moment,
    end_at_least: Option<Moment>,
    mut driver: Driver<Pos>,
    bookings: &[Booking],
    level: bool,
    busy: &mut BusyStarts,
) -> Result<(Placement, Driver<Pos>), Failure<Pos>> {
    let net = &ctx.network;
    let work = net.facts[a.index()].work;
    let fail = |_: PlaceError| Failure::CannotFinish(a);
    let mut s = from;
    if let Some(min_end) = end_at_least {
        let min_end = end_bound_in_working_time(ctx, work, bookings, min_end);
        let p = place(net, ctx.calendars, work, s, bookings).map_err(fail)?;
        if p.end < min_end {
            s = start_for_end(ctx, a, s, min_end, bookings).map_err(fail)?;
            if s > from {
                driver = finish_driver(ctx, f, a).unwrap_or(driver);
            }
        }
    }
    // The first booking's resource is asked first at every retry, so the
    // retries it causes form one walk, which `busy` may shorten.
    let skippable = if level {
        skip_key(ctx, work, bookings)
    } else {
        None
    };
    loop {
        if let Some((r, key)) = skippable {
            let (profile, limit) = (&f.profiles[r.index()], net.limit[r.index()]);
            if let Some(landing) = busy.skip(r.index(), key, s, profile, limit) {
                // The walk would have retried there, and failed as below.
                if landing > ctx.horizon {
                    return Err(Failure::CannotFinish(a));
                }
                driver = Driver::Resource(r, profile.ending_at(landing));
                s = landing;
            }
        }
        #[cfg(test)]
        TRIES.with(|n| n.set(n.get() + 1));
        let p = place(net, ctx.calendars, work, s, bookings).map_err(fail)?;
        if p.end > ctx.horizon {
            return Err(Failure::CannotFinish(a));
        }
        if !level {
            return Ok((p, driver));
        }
        match first_conflict(net, f, p, bookings) {
            None => return Ok((p, driver)),
            Some((first_over, t, k)) => {
                if t > ctx.horizon || t <= s {
                    return Err(Failure::CannotFinish(a));
                }
                let r = bookings[k].resource;
                if let (Some((_, key)), 0) = (skippable, k) {
                    learn_busy(ctx, busy, bookings, key, s, (first_over, t));
                }
                driver = Driver::Resource(r, f.profiles[r.index()].ending_at(t));
                s = t;
            }
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Placements tried by levelled searches on this thread: the work a
    /// test holds to a budget.
    static TRIES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// For a task whose span is a function of its start and of its key (see
/// [`SpanKey`]): its first booking's resource and that key. A task of
/// effort shared across more than [`SHARED_MAX`] calendars has none.
fn skip_key(
    ctx: &Context<'_>,
    work: Option<Work>,
    bookings: &[Booking],
) -> Option<(ResourceId, SpanKey)> {
    let work = work?;
    let first = bookings.first()?;
    let cals = ctx.calendars;
    let (time, minutes) = match work.kind {
        WorkKind::Elapsed => (SpanTime::Elapsed, work.minutes),
        WorkKind::Duration => (SpanTime::Project, work.minutes),
        WorkKind::Effort => match one_calendar_minutes(ctx.network, cals, Some(work), bookings) {
            Some(minutes) => {
                let own = &cals.resources[first.resource.index()];
                let on_project = std::sync::Arc::ptr_eq(own, &cals.project);
                let time = if on_project {
                    SpanTime::Project
                } else {
                    SpanTime::Own
                };
                (time, minutes)
            }
            None => (shared_time(ctx, bookings)?, work.minutes),
        },
    };
    Some((
        first.resource,
        SpanKey {
            time,
            minutes: minutes.0,
            demand: ctx.network.demand(first).0,
        },
    ))
}

/// The [`SpanTime::Shared`] of effort booked on several calendars: the
/// span starts where one of them works (so every demand must count).
fn shared_time(ctx: &Context<'_>, bookings: &[Booking]) -> Option<SpanTime> {
    if bookings.len() > SHARED_MAX {
        return None;
    }
    let mut shared = [(u32::MAX, 0); SHARED_MAX];
    for (place, b) in shared.iter_mut().zip(bookings) {
        let demand = ctx.network.demand(b).0;
        if demand <= 0 {
            return None;
        }
        *place = (b.resource.index() as u32, demand);
    }
    Some(SpanTime::Shared(shared))
}

/// The retry from `s` found the first booking's resource overloaded from
/// `first_over` until `t`: every start up to the end of the last minute of
/// the span's time before `t` conflicts too (the rest, up to `t`, start
/// where a start at `t` would, so they are left to the walk).
fn learn_busy(
    ctx: &Context<'_>,
    busy: &mut BusyStarts,
    bookings: &[Booking],
    key: SpanKey,
    s: Moment,
    (first_over, t): (Moment, Moment),
) {
    let Some(first) = bookings.first() else {
        return;
    };
    let cals = ctx.calendars;
    let last_work_end = |cal: &super::calendar::Calendar| cal.stretch_before(t).map(|(_, e)| e);
    let until = match key.time {
        SpanTime::Elapsed => Some(t),
        SpanTime::Project => last_work_end(&cals.project),
        SpanTime::Own => last_work_end(&cals.resources[first.resource.index()]),
        SpanTime::Shared(_) => bookings
            .iter()
            .filter_map(|b| last_work_end(&cals.resources[b.resource.index()]))
            .max(),
    };
    if let Some(until) = until {
        let seen = Retry {
            from: s,
            first_over,
            until: until.min(t),
            landing: t,
        };
        busy.learn(first.resource.index(), key, seen);
    }
}

/// The first booking, in the order written, whose resource has no room
/// for `p`, with the earliest moment a retry can start for it. The other
/// resources are asked again from that start: each answer only bounds the
/// start from below, so the retries end where every resource has room,
/// and a task that books a team of thousands asks one resource per retry
/// rather than all of them. The booking is given by its place in `bookings`,
/// with where the overload it ends begins.
fn first_conflict(
    net: &Network,
    f: &Forward<Pos>,
    p: Placement,
    bookings: &[Booking],
) -> Option<(Moment, Moment, usize)> {
    bookings.iter().enumerate().find_map(|(k, b)| {
        let r = b.resource;
        f.profiles[r.index()]
            .overload_in(p.start, p.end, net.demand(b), net.limit[r.index()])
            .map(|(first_over, t)| (first_over, t, k))
    })
}

/// The dependency that forced the end of `a` later, for the driver.
fn finish_driver(ctx: &Context<'_>, f: &Forward<Pos>, a: Pos) -> Option<Driver<Pos>> {
    ctx.network
        .constraints
        .of(a.index())
        .iter()
        .filter(|c| matches!(c.kind, DepKind::FinishToFinish | DepKind::StartToFinish))
        .max_by_key(|c| match c.kind {
            DepKind::FinishToFinish => f.end[c.target.index()],
            _ => f.start[c.target.index()],
        })
        .map(|c| Driver::Dependency(c.target, c.kind))
}

/// A finish dependency's bound as the task's own working time sees it: a
/// task that must not finish before Wednesday 09:00 has met that bound when
/// its last work ends Tuesday 17:00, because it could not have worked in
/// between (as a task after one ending at 17:00 starts 09:00 the next
/// working day). Milestones and `elapsed` tasks are in calendar time and
/// keep the bound as it is.
fn end_bound_in_working_time(
    ctx: &Context<'_>,
    work: Option<Work>,
    bookings: &[Booking],
    min_end: Moment,
) -> Moment {
    let Some(work) = work else {
        return min_end;
    };
    let last_work_before = |cal: &super::calendar::Calendar| {
        cal.stretch_before(min_end).map_or(min_end, |(_, end)| end)
    };
    match work.kind {
        WorkKind::Elapsed => min_end,
        WorkKind::Effort if !bookings.is_empty() => bookings
            .iter()
            .map(|b| last_work_before(&ctx.calendars.resources[b.resource.index()]))
            .max()
            .unwrap_or(min_end),
        WorkKind::Effort | WorkKind::Duration => last_work_before(&ctx.calendars.project),
    }
}

/// The smallest start at or after `from` whose placement ends at or after
/// `min_end` (placements end later when they start later, so bisect).
fn start_for_end(
    ctx: &Context<'_>,
    a: Pos,
    from: Moment,
    min_end: Moment,
    bookings: &[Booking],
) -> Result<Moment, PlaceError> {
    let work = ctx.network.facts[a.index()].work;
    let (mut lo, mut hi) = (from.0, min_end.0.max(from.0));
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let p = place(ctx.network, ctx.calendars, work, Moment(mid), bookings)?;
        if p.end >= min_end {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(Moment(lo))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::work::WorkCalendars;
    use crate::units::Demand;

    /// A sample plan rich in groups, links of every kind, priorities,
    /// `any of` and contended resources.
    fn sample_model() -> Model {
        let text = include_str!("../../samples/software-release.plan");
        let (_, checked) = crate::check_str("software-release.plan", text);
        checked.model.expect("the sample is a valid plan")
    }

    /// A random plan where few resources share many tasks: calendars with
    /// breaks, pools, part-time capacity, time off, effort, duration and
    /// elapsed work (bookings off the resources' working time), several
    /// bookings, `any of`, dependencies of every kind with lags. With
    /// `off_time`, every resource has a calendar of its own and time off,
    /// and two tasks in three are durations or elapsed: most bookings
    /// reach off their resources' working time.
    fn random_plan(next: &mut impl FnMut(u64) -> u64, off_time: bool) -> String {
        let mut o = String::from(
            "project \"P\" { start 2027-01-04 }\n\
             calendar half { hours 09:00..13:00 }\n\
             calendar split { workdays mon..sat  hours 08:00..11:00, 14:00..19:00 }\n",
        );
        let resources = 1 + next(3);
        for r in 0..resources {
            o.push_str(&format!("resource r{r} {{"));
            let calendar = if off_time { next(2) } else { next(4) };
            match calendar {
                0 => o.push_str(" calendar half"),
                1 => o.push_str(" calendar split"),
                _ => {}
            }
            match next(4) {
                0 => o.push_str(" units 2"),
                1 => o.push_str(" capacity 50%"),
                _ => {}
            }
            if off_time || next(4) == 0 {
                o.push_str(&format!(" off 2027-01-{:02}", 5 + next(20)));
            }
            o.push_str(" }\n");
        }
        let tasks = 5 + next(60);
        for i in 0..tasks {
            o.push_str(&format!("task t{i} {{ "));
            // Few lengths, so that tasks share spans and the skips happen.
            let amount = [1, 3, 4, 8, 16][next(5) as usize];
            let kind = if off_time {
                [0, 1, 19][next(3) as usize]
            } else {
                next(20)
            };
            match kind {
                0 => o.push_str(&format!("elapsed {amount}h")),
                1 | 2 => o.push_str(&format!("duration {amount}h")),
                _ => o.push_str(&format!("effort {amount}h")),
            }
            if i > 0 && next(3) == 0 {
                let (word, of) = [
                    ("after", ""),
                    ("after", "start of "),
                    ("finish after", ""),
                    ("finish after", "start of "),
                ][next(4) as usize];
                let lag = match next(5) {
                    0 => " + 3h".to_string(),
                    1 => " - 1h".to_string(),
                    _ => String::new(),
                };
                o.push_str(&format!("  {word} {of}t{}{lag}", next(i)));
            }
            let r = |k: u64| format!("r{}", k % resources);
            let first = next(resources);
            match next(8) {
                0 => {}
                1 | 3 if resources == 1 => o.push_str(&format!("  assign {}", r(first))),
                1 => o.push_str(&format!("  assign {}, {}", r(first), r(first + 1))),
                2 => o.push_str(&format!("  assign {} 50%", r(first))),
                3 => o.push_str(&format!("  assign any of {}, {}", r(first), r(first + 1))),
                _ => o.push_str(&format!("  assign {}", r(first))),
            }
            o.push_str(" }\n");
        }
        o
    }

    /// Skipping the starts known to conflict changes nothing: on random
    /// contended plans, every pass places every task where the plain walk
    /// does, with the same driver and bookings; also where most bookings
    /// are off their resources' working time.
    #[test]
    fn skipping_known_conflicts_keeps_every_placement() {
        let mut next = crate::testing::xorshift(0x5851_f42d_4c95_7f2d);
        for off_time in [false, true] {
            let skips_before = super::super::profile::skips();
            for case in 0..400 {
                let text = random_plan(&mut next, off_time);
                same_placements_with_and_without_skips(case, &text);
            }
            let skips = super::super::profile::skips() - skips_before;
            assert!(
                skips > 1_000,
                "only {skips} skips (off_time: {off_time}): the plans do not test them"
            );
        }
    }

    /// Levelled passes over `text` (declaration order and its reverse),
    /// with and without skips, place every task alike.
    fn same_placements_with_and_without_skips(case: usize, text: &str) {
        let (_, checked) = crate::check_str("random.plan", text);
        let Some(model) = checked.model else {
            panic!("case {case} does not check:\n{text}");
        };
        let network = Network::build(&model);
        let calendars = WorkCalendars::build(&model);
        let ctx = Context::new(&model, &network, &calendars);
        let n = model.tasks.len() as i64;
        for keys in [(0..n).collect::<Vec<Key>>(), (0..n).rev().collect()] {
            let order = queue_order(&network, &keys);
            let plain = run_with(&ctx, order.clone(), true, true, Policy::Rule, false);
            let skipping = run_with(&ctx, order, true, true, Policy::Rule, true);
            let (plain, skipping) = match (plain, skipping) {
                (Ok(p), Ok(s)) => (p, s),
                (Err(p), Err(s)) => {
                    assert_eq!(p, s, "case {case}:\n{text}");
                    continue;
                }
                (p, s) => panic!("case {case}: {:?} vs {:?}\n{text}", p.err(), s.err()),
            };
            assert_eq!(plain.start, skipping.start, "case {case}:\n{text}");
            assert_eq!(plain.end, skipping.end, "case {case}:\n{text}");
            assert_eq!(plain.driver, skipping.driver, "case {case}:\n{text}");
            for i in 0..model.tasks.len() {
                assert_eq!(plain.bookings_of(i), skipping.bookings_of(i));
            }
        }
    }

    /// One person with 2,000 tasks, booked off their working time in each
    /// of the ways that used to stop the skips (durations on a half-day
    /// calendar with time off, elapsed work, effort shared with someone on
    /// another calendar): a levelled pass tries a few placements per task
    /// (each of the three lengths walks once past the bookings of the
    /// others), where the walk past every earlier booking tried two
    /// million in all.
    #[test]
    fn searches_off_working_time_stay_within_their_budget() {
        const TASKS: usize = 2_000;
        for (kind, people) in [("duration", "p"), ("elapsed", "p"), ("effort", "q, p")] {
            let mut text = String::from(
                "project \"P\" { start 2027-01-04 }\n\
                 calendar half { hours 09:00..13:00 }\n\
                 resource p { calendar half off 2027-03-01..2027-03-12 off 2028-03-01 }\n\
                 resource q {}\n",
            );
            for i in 0..TASKS {
                let days = 1 + i % 3;
                text.push_str(&format!(
                    "task t{i} {{ {kind} {days}d  assign {people} }}\n"
                ));
            }
            let (_, checked) = crate::check_str("shape.plan", &text);
            let model = checked.model.expect("the plan checks");
            let network = Network::build(&model);
            let calendars = WorkCalendars::build(&model);
            let ctx = Context::new(&model, &network, &calendars);
            let keys: Vec<Key> = (0..model.tasks.len() as i64).collect();
            let before = TRIES.with(|n| n.get());
            let pass = forward(&ctx, &keys, true);
            let tries = TRIES.with(|n| n.get()) - before;
            assert!(pass.is_ok(), "{kind}: the plan schedules");
            assert!(
                tries <= 5 * TASKS,
                "{kind}: {tries} placements tried for {TASKS} tasks"
            );
        }
    }

    /// A pass on the renumbered network, brought back to the model's
    /// numbering, is the pass run on the model's own numbering.
    #[test]
    fn renumbered_passes_place_every_task_as_before() {
        let model = sample_model();
        let network = Network::build(&model);
        let calendars = WorkCalendars::build(&model);
        let ctx = Context::new(&model, &network, &calendars);
        let n = model.tasks.len() as i64;
        // Declaration order and its reverse: two different renumberings.
        for keys in [(0..n).collect::<Vec<Key>>(), (0..n).rev().collect()] {
            for level in [false, true] {
                let order = queue_order(&network, &keys);
                // A pass on the network numbered as the model is, in model ids.
                let direct = run(&ctx, order, level, true, Policy::Rule)
                    .expect("the sample schedules")
                    .into_model(&network);
                let placed = forward(&ctx, &keys, level).expect("the sample schedules");
                assert!(placed.network.is_renumbered());
                let back = placed.into_model();
                assert_eq!(back.start, direct.start);
                assert_eq!(back.end, direct.end);
                assert_eq!(back.driver, direct.driver);
                assert_eq!(back.order, direct.order);
                for i in 0..model.tasks.len() {
                    assert_eq!(back.bookings_of(i), direct.bookings_of(i));
                    assert_eq!(back.worked_of(i), direct.worked_of(i));
                }
                for (b, d) in back.profiles.iter().zip(&direct.profiles) {
                    let unit = Demand(Demand::ONE_UNIT);
                    assert_eq!(b.overloads(unit), d.overloads(unit));
                    for &t in &direct.end {
                        assert_eq!(b.ending_at(t), d.ending_at(t));
                    }
                }
            }
        }
    }
}
