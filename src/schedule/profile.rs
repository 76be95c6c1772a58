//! A resource's load over time: a step function from moments to the demand
//! booked. The walks that find the next free window look only at the
//! breakpoints inside the window asked about, never the whole history.
//!
//! Most resources carry a few dozen breakpoints, booked roughly in time
//! order, so they live in one flat sorted vector (a lookup reads one
//! contiguous allocation, where a B-tree descent touches several separately
//! allocated nodes, each a cache miss). A resource past [`FLAT_LIMIT`] breakpoints
//! moves to a B-tree, so that a booking in the middle of a long history
//! never costs a memmove of all of it. Each algorithm is written once,
//! over the [`Steps`] storage trait.

use crate::units::{Demand, Moment};
use std::collections::{BTreeMap, HashMap};

/// The most breakpoints kept in the flat vector; a booking that passes it
/// moves the profile to the B-tree for good, so that an insert at the
/// front moves a bounded number of records (docs/performance.md).
const FLAT_LIMIT: usize = 512;

/// Records at the tail of the flat vector scanned before a binary search:
/// bookings arrive roughly in time order, so lookups often land there.
const TAIL_SCAN: usize = 8;

/// `I` names the tasks that book it: network places during a pass, model
/// ids after.
#[derive(Clone, Debug)]
pub struct Profile<I> {
    /// Load from each breakpoint until the next. Before the first: zero.
    steps: Store<I>,
}

impl<I> Default for Profile<I> {
    fn default() -> Profile<I> {
        Profile {
            steps: Store::Flat(Flat(Vec::new())),
        }
    }
}

/// The breakpoints, in one of two representations (see the module doc).
#[derive(Clone, Debug)]
enum Store<I> {
    Flat(Flat<I>),
    Tree(BTreeMap<Moment, Step<I>>),
}

/// One breakpoint of the load.
#[derive(Clone, Copy, Debug)]
struct Step<I> {
    /// The load from here to the next breakpoint.
    load: Demand,
    /// The task whose booking ends here (the last booked), to explain
    /// waits. Every booking's end is a breakpoint, so this shares the
    /// breakpoints' storage rather than needing one of its own.
    ending: Option<I>,
}

/// Breakpoints sorted by moment, without duplicates.
#[derive(Clone, Debug)]
struct Flat<I>(Vec<(Moment, Step<I>)>);

impl<I> Flat<I> {
    /// The index of the first breakpoint at or after `t`. Looks at the
    /// last few records first, where most lookups land.
    fn lower_bound(&self, t: Moment) -> usize {
        let records = &self.0;
        let stop = records.len().saturating_sub(TAIL_SCAN);
        let mut i = records.len();
        while i > stop {
            if records[i - 1].0 < t {
                return i;
            }
            i -= 1;
        }
        records[..i].partition_point(|&(k, _)| k < t)
    }
}

/// What the algorithms need of a breakpoint storage.
trait Steps<I: 'static> {
    /// The breakpoints before `to`, the last first.
    fn before(&self, to: Moment) -> impl Iterator<Item = (Moment, &Step<I>)>;
    /// The breakpoints at or before `to`, the last first, to update.
    fn through_mut(&mut self, to: Moment) -> impl Iterator<Item = (Moment, &mut Step<I>)>;
    /// The breakpoints at or after `t`, in order.
    fn after(&self, t: Moment) -> impl Iterator<Item = (Moment, &Step<I>)>;
    /// The breakpoint at `t`.
    fn at(&self, t: Moment) -> Option<&Step<I>>;
    /// Adds a breakpoint at `t`, where there is none.
    fn insert(&mut self, t: Moment, step: Step<I>);
}

impl<I: 'static> Steps<I> for Flat<I> {
    fn before(&self, to: Moment) -> impl Iterator<Item = (Moment, &Step<I>)> {
        self.0[..self.lower_bound(to)]
            .iter()
            .rev()
            .map(|(t, s)| (*t, s))
    }

    fn through_mut(&mut self, to: Moment) -> impl Iterator<Item = (Moment, &mut Step<I>)> {
        let i = self.lower_bound(to);
        let end = match self.0.get(i) {
            Some(&(t, _)) if t == to => i + 1,
            _ => i,
        };
        self.0[..end].iter_mut().rev().map(|(t, s)| (*t, s))
    }

    fn after(&self, t: Moment) -> impl Iterator<Item = (Moment, &Step<I>)> {
        self.0[self.lower_bound(t)..].iter().map(|(t, s)| (*t, s))
    }

    fn at(&self, t: Moment) -> Option<&Step<I>> {
        match self.0.get(self.lower_bound(t)) {
            Some((k, step)) if *k == t => Some(step),
            _ => None,
        }
    }

    fn insert(&mut self, t: Moment, step: Step<I>) {
        let i = self.lower_bound(t);
        self.0.insert(i, (t, step));
    }
}

impl<I: 'static> Steps<I> for BTreeMap<Moment, Step<I>> {
    fn before(&self, to: Moment) -> impl Iterator<Item = (Moment, &Step<I>)> {
        self.range(..to).rev().map(|(t, s)| (*t, s))
    }

    fn through_mut(&mut self, to: Moment) -> impl Iterator<Item = (Moment, &mut Step<I>)> {
        self.range_mut(..=to).rev().map(|(t, s)| (*t, s))
    }

    fn after(&self, t: Moment) -> impl Iterator<Item = (Moment, &Step<I>)> {
        self.range(t..).map(|(t, s)| (*t, s))
    }

    fn at(&self, t: Moment) -> Option<&Step<I>> {
        self.get(&t)
    }

    fn insert(&mut self, t: Moment, step: Step<I>) {
        BTreeMap::insert(self, t, step);
    }
}

impl<I: Copy + 'static> Profile<I> {
    pub fn new() -> Profile<I> {
        Profile::default()
    }

    /// If adding `demand` over [from, to) would exceed `limit`, the moment
    /// the first overloaded stretch ends (the earliest a retry can start).
    /// The scheme asks [`Profile::overload_in`]; the tests ask this.
    #[cfg(test)]
    pub fn conflict(
        &self,
        from: Moment,
        to: Moment,
        demand: Demand,
        limit: Demand,
    ) -> Option<Moment> {
        self.overload_in(from, to, demand, limit)
            .map(|(_, next_fit)| next_fit)
    }

    /// [`Profile::conflict`], with where the overload it ends begins
    /// inside [from, to): (first overloaded moment, next fit).
    pub fn overload_in(
        &self,
        from: Moment,
        to: Moment,
        demand: Demand,
        limit: Demand,
    ) -> Option<(Moment, Moment)> {
        match &self.steps {
            Store::Flat(steps) => conflict(steps, from, to, demand, limit),
            Store::Tree(steps) => conflict(steps, from, to, demand, limit),
        }
    }

    /// The first moment at or after `t` at which `demand` fits under
    /// `limit`, when it does not fit just before `t`.
    pub fn next_fit(&self, t: Moment, demand: Demand, limit: Demand) -> Moment {
        match &self.steps {
            Store::Flat(steps) => first_fit(steps, t, demand, limit),
            Store::Tree(steps) => first_fit(steps, t, demand, limit),
        }
    }

    /// Books `demand` over [from, to) for `task`.
    pub fn add(&mut self, from: Moment, to: Moment, demand: Demand, task: I) {
        match &mut self.steps {
            Store::Flat(steps) => {
                add(steps, from, to, demand, task);
                if steps.0.len() > FLAT_LIMIT {
                    let records = std::mem::take(&mut steps.0);
                    self.steps = Store::Tree(records.into_iter().collect());
                }
            }
            Store::Tree(steps) => add(steps, from, to, demand, task),
        }
    }

    /// The same load with the tasks renamed by `rename` (for a pass run on
    /// a renumbered network).
    pub fn renamed<J>(self, rename: impl Fn(I) -> J) -> Profile<J> {
        let rename_step = |step: Step<I>| Step {
            load: step.load,
            ending: step.ending.map(&rename),
        };
        let steps = match self.steps {
            Store::Flat(flat) => Store::Flat(Flat(
                flat.0
                    .into_iter()
                    .map(|(t, s)| (t, rename_step(s)))
                    .collect(),
            )),
            Store::Tree(tree) => {
                Store::Tree(tree.into_iter().map(|(t, s)| (t, rename_step(s))).collect())
            }
        };
        Profile { steps }
    }

    /// The task whose booking ends at `t`, if any.
    pub fn ending_at(&self, t: Moment) -> Option<I> {
        let step = match &self.steps {
            Store::Flat(steps) => steps.at(t),
            Store::Tree(steps) => steps.at(t),
        };
        step.and_then(|s| s.ending)
    }

    /// Stretches where the load exceeds `limit`: (from, to, peak).
    pub fn overloads(&self, limit: Demand) -> Vec<(Moment, Moment, Demand)> {
        match &self.steps {
            Store::Flat(steps) => overloads(steps, limit),
            Store::Tree(steps) => overloads(steps, limit),
        }
    }
}

/// Starts already known to conflict on a resource, so that levelling does
/// not walk a long history again, one free gap too short at a time, for
/// every task that books the resource (quadratic on a person with many
/// tasks: each night between two bookings is such a gap).
///
/// Loads only grow during a pass, so a start that conflicted once conflicts
/// for the rest of the pass. Per resource and per kind of placement (a
/// [`SpanKey`]: placements of one key are the same function of the start),
/// this keeps one stretch of such starts, `[from, until)`, and a moment
/// (`landing`) just after load too high for the demand. A walk from inside
/// the stretch retries on this resource until it reaches the end of that
/// overloaded stretch, the first moment from `landing` on where the demand
/// fits (any retry before it ends an earlier overload, inside the stretch):
/// a search goes on there, with the same resource to blame
/// (docs/performance.md, "Levelling by plan shape"). That end is found in
/// the load at each skip, so bookings anywhere, on or off the resource's
/// working time, keep the jump exact; it is kept as the new `landing`, so
/// that the next skip does not read the same steps again.
#[derive(Clone, Debug, Default)]
pub struct BusyStarts {
    per_resource: Vec<HashMap<SpanKey, Busy>>,
}

/// What makes two placements on one resource the same function of their
/// start: the time they are counted in, the minutes they take there and
/// the demand they book on the resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SpanKey {
    pub time: SpanTime,
    pub minutes: i64,
    pub demand: i64,
}

/// The most bookings of a [`SpanTime::Shared`] key.
pub const SHARED_MAX: usize = 3;

/// The time a span is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpanTime {
    /// Working time of the project calendar (durations, and effort of
    /// resources on that calendar).
    Project,
    /// Working time of the resource's own calendar, when it is not the
    /// project's (effort on the calendar every booking shares).
    Own,
    /// Calendar time (`elapsed`).
    Elapsed,
    /// Effort shared by resources on different calendars: each booking's
    /// resource (by index) and demand; unused places are `(u32::MAX, 0)`.
    Shared([(u32, i64); SHARED_MAX]),
}

/// Every start in `[from, until)` conflicts, and a walk from one of them
/// goes on at the first moment from `landing` on where the demand fits
/// (`landing - 1` is overloaded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Busy {
    from: Moment,
    until: Moment,
    landing: Moment,
}

/// What one retry of a walk saw: the placement from `from` overlapped
/// load too high from `first_over` to `landing`, and `until` ends the last
/// minute of the span's time before `landing` (every start before it begins
/// before `landing`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    pub from: Moment,
    pub first_over: Moment,
    pub until: Moment,
    pub landing: Moment,
}

impl BusyStarts {
    pub fn new(resources: usize) -> BusyStarts {
        BusyStarts {
            per_resource: vec![HashMap::new(); resources],
        }
    }

    /// Where a search for a start at `s` of `key` on `resource` goes on,
    /// when `s` is known to conflict: the end of the overloaded stretch
    /// in `profile` (that resource's load, limited to `limit`).
    pub fn skip<I: Copy + 'static>(
        &mut self,
        resource: usize,
        key: SpanKey,
        s: Moment,
        profile: &Profile<I>,
        limit: Demand,
    ) -> Option<Moment> {
        let busy = self.per_resource.get_mut(resource)?.get_mut(&key)?;
        if s < busy.from || busy.until <= s {
            return None;
        }
        #[cfg(test)]
        SKIPS.with(|n| n.set(n.get() + 1));
        busy.landing = profile.next_fit(busy.landing, Demand(key.demand), limit);
        Some(busy.landing)
    }

    /// A walk for `key` on `resource` retried as `seen` says. Its starts
    /// are known to conflict only when the overload began before `until`
    /// (otherwise a later booking may end an overload in between, out of
    /// the span's time, and the walk would stop there). Kept joined to the
    /// stretch known so far when the walk went on from that stretch's
    /// landing (or from the time between, where nothing starts), else
    /// replacing it: searches move forward in time as the pass goes, so
    /// the latest is the useful one.
    pub fn learn(&mut self, resource: usize, key: SpanKey, seen: Retry) {
        let Some(known) = self.per_resource.get_mut(resource) else {
            return;
        };
        if seen.until <= seen.from || seen.until <= seen.first_over {
            return;
        }
        let new = Busy {
            from: seen.from,
            until: seen.until,
            landing: seen.landing,
        };
        let joined = match known.get(&key) {
            Some(old) if old.until <= seen.from && seen.from <= old.landing => Busy {
                from: old.from,
                ..new
            },
            _ => new,
        };
        known.insert(key, joined);
    }
}

#[cfg(test)]
thread_local! {
    /// How many searches [`BusyStarts`] shortened on this thread, for
    /// tests to know that they tried it.
    static SKIPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// [`SKIPS`] so far on this thread.
#[cfg(test)]
pub fn skips() -> usize {
    SKIPS.with(std::cell::Cell::get)
}

/// [`Profile::conflict`] over either storage.
///
/// One walk back from `to` sees every step inside the window and then the
/// step in force at `from`, with a single lookup; walking back, the
/// nearest step that fits after an overloaded one is the last fitting
/// step seen.
fn conflict<I: 'static>(
    steps: &impl Steps<I>,
    from: Moment,
    to: Moment,
    demand: Demand,
    limit: Demand,
) -> Option<(Moment, Moment)> {
    if to <= from {
        return None;
    }
    let over = |load: Demand| load.0 + demand.0 > limit.0;
    // The earliest overloaded stretch so far: where it begins, and where
    // it ends inside the window (`None`: at `to` or later).
    let mut first_over: Option<(Moment, Option<Moment>)> = None;
    let mut next_fit: Option<Moment> = None;
    let mut load_at_from = Demand(0);
    for (t, step) in steps.before(to) {
        if t <= from {
            load_at_from = step.load;
            break;
        }
        if over(step.load) {
            first_over = Some((t, next_fit));
        } else {
            next_fit = Some(t);
        }
    }
    if over(load_at_from) {
        first_over = Some((from, next_fit));
    }
    let (begins, ends) = first_over?;
    match ends {
        Some(fit) => Some((begins, fit)),
        // The stretch runs past the window.
        None => Some((begins, first_fit(steps, to, demand, limit))),
    }
}

/// [`Profile::next_fit`] over either storage: the first step from `t` on
/// at which `demand` fits under `limit`. Overloaded for ever cannot happen
/// with finite bookings, but the caller treats a far moment as "no room".
fn first_fit<I: 'static>(
    steps: &impl Steps<I>,
    t: Moment,
    demand: Demand,
    limit: Demand,
) -> Moment {
    steps
        .after(t)
        .find(|(_, step)| step.load.0 + demand.0 <= limit.0)
        .map_or(Moment(i64::MAX / 4), |(t, _)| t)
}

/// [`Profile::add`] over either storage.
///
/// One walk back from `to` raises the steps inside the window and finds
/// the loads in force at `to` and at `from`, for the breakpoints to add
/// there if they are missing (each of the five lookups this replaces was
/// a search of its own).
fn add<I: Copy + 'static>(
    steps: &mut impl Steps<I>,
    from: Moment,
    to: Moment,
    demand: Demand,
    task: I,
) {
    if to <= from || demand.0 == 0 {
        return;
    }
    let mut to_exists = false;
    let mut from_exists = false;
    // Loads in force before this booking: at `to` (if there is no step
    // there) and at `from`. Before the first step: zero.
    let mut load_at_to: Option<Demand> = None;
    let mut load_at_from = Demand(0);
    for (t, step) in steps.through_mut(to) {
        if t == to {
            to_exists = true;
            step.ending = Some(task);
            continue;
        }
        load_at_to.get_or_insert(step.load);
        if t < from {
            load_at_from = step.load;
            break;
        }
        step.load = step.load + demand;
        if t == from {
            from_exists = true;
            break;
        }
    }
    if !to_exists {
        let step = Step {
            load: load_at_to.unwrap_or(Demand(0)),
            ending: Some(task),
        };
        steps.insert(to, step);
    }
    if !from_exists {
        let step = Step {
            load: load_at_from + demand,
            ending: None,
        };
        steps.insert(from, step);
    }
}

/// [`Profile::overloads`] over either storage.
fn overloads<I: 'static>(steps: &impl Steps<I>, limit: Demand) -> Vec<(Moment, Moment, Demand)> {
    let mut out: Vec<(Moment, Moment, Demand)> = Vec::new();
    let mut open: Option<(Moment, Demand)> = None;
    for (t, &Step { load, .. }) in steps.after(Moment(i64::MIN)) {
        match (open, load.0 > limit.0) {
            (None, true) => open = Some((t, load)),
            (Some((s, peak)), true) => open = Some((s, if load.0 > peak.0 { load } else { peak })),
            (Some((s, peak)), false) => {
                out.push((s, t, peak));
                open = None;
            }
            (None, false) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::TaskId;

    #[test]
    fn conflicts_point_past_the_overload() {
        let mut p = Profile::new();
        let one = Demand(Demand::ONE_UNIT);
        p.add(Moment(10), Moment(20), one, TaskId(0));
        assert_eq!(p.conflict(Moment(0), Moment(10), one, one), None);
        assert_eq!(
            p.conflict(Moment(5), Moment(15), one, one),
            Some(Moment(20))
        );
        assert_eq!(
            p.conflict(Moment(12), Moment(30), one, one),
            Some(Moment(20))
        );
        assert_eq!(p.conflict(Moment(20), Moment(30), one, one), None);
        p.add(Moment(20), Moment(25), one, TaskId(1));
        assert_eq!(
            p.conflict(Moment(12), Moment(30), one, one),
            Some(Moment(25))
        );
        assert_eq!(p.ending_at(Moment(25)), Some(TaskId(1)));
        p.add(Moment(15), Moment(22), one, TaskId(2));
        assert_eq!(
            p.overloads(one),
            vec![(Moment(15), Moment(22), Demand(2 * Demand::ONE_UNIT))]
        );
    }

    /// The load as one number per minute, for checking the step function.
    struct Naive {
        load: Vec<i64>,
        ending: Vec<Option<TaskId>>,
    }

    impl Naive {
        /// The first moment at or after `t` whose load plus `demand` fits.
        fn first_fit(&self, t: usize, demand: i64, limit: i64) -> Moment {
            (t..self.load.len())
                .find(|&m| self.load[m] + demand <= limit)
                .map_or(Moment(i64::MAX / 4), |m| Moment(m as i64))
        }

        fn conflict(&self, from: usize, to: usize, demand: i64, limit: i64) -> Option<Moment> {
            let first_over = (from..to).find(|&m| self.load[m] + demand > limit)?;
            Some(self.first_fit(first_over, demand, limit))
        }

        fn add(&mut self, from: usize, to: usize, demand: i64, task: TaskId) {
            if to > from && demand > 0 {
                self.load[from..to].iter_mut().for_each(|l| *l += demand);
                self.ending[to] = Some(task);
            }
        }

        /// Maximal stretches of minutes over `limit`, with their peaks.
        fn overloads(&self, limit: i64) -> Vec<(Moment, Moment, Demand)> {
            let mut out = Vec::new();
            let mut open: Option<(usize, i64)> = None;
            for (m, &load) in self.load.iter().enumerate() {
                match (open, load > limit) {
                    (None, true) => open = Some((m, load)),
                    (Some((s, peak)), true) => open = Some((s, peak.max(load))),
                    (Some((s, peak)), false) => {
                        out.push((Moment(s as i64), Moment(m as i64), Demand(peak)));
                        open = None;
                    }
                    (None, false) => {}
                }
            }
            out
        }
    }

    /// Checks `conflict` for a booking of `demand` over [from, to) within
    /// `limit` against the load per minute, then books it in both.
    fn check_and_book(
        p: &mut Profile<TaskId>,
        naive: &mut Naive,
        (from, to): (usize, usize),
        demand: i64,
        limit: i64,
        task: u32,
    ) {
        let (f, t) = (Moment(from as i64), Moment(to as i64));
        assert_eq!(
            p.conflict(f, t, Demand(demand), Demand(limit)),
            naive.conflict(from, to, demand, limit),
            "task {task}: conflict over [{from}, {to}) of {demand} within {limit}"
        );
        p.add(f, t, Demand(demand), TaskId(task));
        naive.add(from, to, demand, TaskId(task));
    }

    /// Whether the profile has moved to the B-tree.
    fn is_tree(p: &Profile<TaskId>) -> bool {
        matches!(p.steps, Store::Tree(_))
    }

    /// Enough bookings, anywhere on a long timeline (at the front, in the
    /// middle and at the tail of the history), to pass [`FLAT_LIMIT`]:
    /// both representations must agree with the load per minute.
    #[test]
    fn agrees_with_a_load_per_minute_past_the_switch() {
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        const MINUTES: usize = 3_000;
        for round in 0..3 {
            let mut p = Profile::new();
            let mut naive = Naive {
                load: vec![0; MINUTES],
                ending: vec![None; MINUTES],
            };
            let mut seen_flat = false;
            for task in 0..1_200u32 {
                // Round 0: anywhere; later rounds mostly in time order,
                // as the levelled pass books, with some strays.
                let from = match (round, next(8)) {
                    (0, _) | (_, 0) => next(2_800),
                    _ => (task as u64 * 2 + next(30)).min(2_799),
                } as usize;
                let to = from + next(60) as usize;
                let (demand, limit) = (next(3) as i64, 1 + next(4) as i64);
                seen_flat |= !is_tree(&p);
                check_and_book(&mut p, &mut naive, (from, to), demand, limit, task);
                if task % 100 == 0 {
                    for m in 0..MINUTES {
                        assert_eq!(p.ending_at(Moment(m as i64)), naive.ending[m]);
                    }
                    assert_eq!(p.overloads(Demand(limit)), naive.overloads(limit));
                }
            }
            assert!(seen_flat && is_tree(&p), "round {round} used both");
            for m in 0..MINUTES {
                assert_eq!(p.ending_at(Moment(m as i64)), naive.ending[m]);
            }
            for limit in 1..6 {
                assert_eq!(p.overloads(Demand(limit)), naive.overloads(limit));
            }
        }
    }

    #[test]
    fn agrees_with_a_load_per_minute() {
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..200 {
            let mut p = Profile::new();
            let mut naive = Naive {
                load: vec![0; 64],
                ending: vec![None; 64],
            };
            for task in 0..12u32 {
                let from = next(40) as usize;
                let to = from + next(20) as usize;
                let (demand, limit) = (next(3) as i64, 1 + next(4) as i64);
                check_and_book(&mut p, &mut naive, (from, to), demand, limit, task);
                for m in 0..64 {
                    assert_eq!(p.ending_at(Moment(m as i64)), naive.ending[m]);
                }
            }
        }
    }

    /// One resource levelled the way the scheme does it: the next
    /// placement of `key` on `cal` (its time) from `from` where the demand
    /// fits under `limit`, with the moment of the last retry (what the
    /// scheme names as the wait's cause). With `busy`, the retries skip
    /// the starts it knows.
    fn search(
        p: &Profile<TaskId>,
        cal: &crate::schedule::calendar::Calendar,
        from: Moment,
        key: SpanKey,
        limit: Demand,
        mut busy: Option<&mut BusyStarts>,
    ) -> Option<(Moment, Moment, Option<Moment>)> {
        let (mut s, mut last_retry) = (from, None);
        loop {
            if let Some(b) = busy.as_mut() {
                if let Some(landing) = b.skip(0, key, s, p, limit) {
                    (s, last_retry) = (landing, Some(landing));
                }
            }
            let (start, end) = cal.start_and_end(s, crate::units::Minutes(key.minutes))?;
            let Some((first_over, t)) = p.overload_in(start, end, Demand(key.demand), limit) else {
                return Some((start, end, last_retry));
            };
            if let Some(b) = busy.as_mut() {
                if let Some((_, until)) = cal.stretch_before(t) {
                    let seen = Retry {
                        from: s,
                        first_over,
                        until: until.min(t),
                        landing: t,
                    };
                    b.learn(0, key, seen);
                }
            }
            (s, last_retry) = (t, Some(t));
        }
    }

    /// What one step of [`skips_find_what_the_plain_walk_finds`] does.
    #[derive(Clone, Copy, Debug)]
    enum Step {
        /// A search from a start on the given day and minute, of a span
        /// (index), demand (index) in a time (index: office, half days
        /// with time off, calendar time); its placement is booked.
        Search {
            time: usize,
            span: usize,
            demand: usize,
            day: i64,
            minute: i64,
        },
        /// A booking at any minute (at night, over a weekend, on time
        /// off), as other kinds of work book it, of a demand (index).
        Book {
            day: i64,
            minute: i64,
            length: i64,
            demand: usize,
        },
    }

    /// Steps over two weeks at half hours, so that searches meet the
    /// bookings before them (and the nights and weekends between) often.
    fn arb_step() -> impl proptest::strategy::Strategy<Value = Step> {
        use proptest::prelude::*;
        let half_hour = (0..48i64).prop_map(|h| h * 30);
        prop_oneof![
            4 => (0..3usize, 0..6usize, 0..3usize, 0..14i64, half_hour.clone()).prop_map(
                |(time, span, demand, day, minute)| Step::Search { time, span, demand, day, minute }
            ),
            1 => (0..14i64, half_hour, 1..50i64, 0..3usize).prop_map(
                |(day, minute, length, demand)| Step::Book { day, minute, length: length * 30, demand }
            ),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Skipping the starts [`BusyStarts`] knows gives the answer of
        /// the plain walk, retry cause included, on random bookings of
        /// one resource: spans of a few lengths and demands counted in
        /// three times (the office calendar, half days with time off,
        /// calendar time), starts anywhere, and bookings off every one of
        /// those working times in between.
        #[test]
        fn skips_find_what_the_plain_walk_finds(
            steps in proptest::collection::vec(arb_step(), 1..150),
            two_units in proptest::bool::ANY,
        ) {
            use crate::schedule::calendar::{Calendar, WeekPattern};
            use crate::units::{Day, Minutes};
            let monday = Day(20_000);
            let mut half = WeekPattern::standard();
            half = WeekPattern::new(std::array::from_fn(|d| {
                if half.ranges(d).is_empty() { Vec::new() } else { vec![(9 * 60, 13 * 60)] }
            }));
            let off = vec![(Day(monday.0 + 3), Day(monday.0 + 4)), (Day(monday.0 + 17), Day(monday.0 + 17))];
            let cals = [
                Calendar::new(WeekPattern::standard(), Vec::new()),
                Calendar::new(half, off),
                Calendar::new(WeekPattern::always(), Vec::new()),
            ];
            let times = [SpanTime::Project, SpanTime::Own, SpanTime::Elapsed];
            let unit = Demand::ONE_UNIT;
            let demands = [unit, unit / 2, unit / 4];
            let limit = Demand(if two_units { 2 * unit } else { unit });
            let mut plain = Profile::new();
            let mut skipping = Profile::new();
            let mut busy = BusyStarts::new(1);
            let at = |day: i64, minute: i64| Moment(monday.start().0) + Minutes(day * 1440 + minute);
            for (i, step) in steps.into_iter().enumerate() {
                let task = TaskId(i as u32);
                let (from, to, demand) = match step {
                    Step::Book { day, minute, length, demand } => {
                        let from = at(day, minute);
                        (from, from + Minutes(length), demands[demand])
                    }
                    Step::Search { time, span, demand, day, minute } => {
                        let key = SpanKey {
                            time: times[time],
                            minutes: [60, 240, 480, 960, 2400, 30][span],
                            demand: demands[demand],
                        };
                        let from = at(day, minute);
                        let a = search(&plain, &cals[time], from, key, limit, None);
                        let b = search(&skipping, &cals[time], from, key, limit, Some(&mut busy));
                        proptest::prop_assert_eq!(a, b, "step {}", i);
                        let Some((start, end, _)) = a else { continue };
                        (start, end, key.demand)
                    }
                };
                plain.add(from, to, Demand(demand), task);
                skipping.add(from, to, Demand(demand), task);
            }
        }
    }

    /// A booking at night makes a walk wait for its end; starts before
    /// it are not known to conflict (a shorter booking earlier in the
    /// night, booked later, ends the wait sooner), so nothing is learned
    /// from that retry and the second search stops where the plain walk
    /// does.
    #[test]
    fn an_overload_at_night_teaches_no_skip() {
        use crate::schedule::calendar::{Calendar, WeekPattern};
        let cal = Calendar::new(WeekPattern::standard(), Vec::new());
        let unit = Demand::ONE_UNIT;
        let key = SpanKey {
            time: SpanTime::Project,
            minutes: 240,
            demand: unit / 2,
        };
        let limit = Demand(unit);
        let monday = Moment(crate::units::Day(20_003).start().0);
        let at = |hours: i64| monday + crate::units::Minutes(hours * 60);
        let mut profiles = [Profile::new(), Profile::new()];
        let mut busy = BusyStarts::new(1);
        let book = |profiles: &mut [Profile<TaskId>; 2], from, to, demand, task| {
            for p in profiles {
                p.add(from, to, Demand(demand), TaskId(task));
            }
        };
        book(&mut profiles, at(20), at(22), unit, 0);
        let found = |[plain, skipping]: &[Profile<TaskId>; 2], busy: &mut BusyStarts| {
            let a = search(plain, &cal, at(15), key, limit, None);
            let b = search(skipping, &cal, at(15), key, limit, Some(busy));
            assert_eq!(a, b);
            a
        };
        // Monday 15:00 to Tuesday 11:00 meets the night's booking.
        let first = found(&profiles, &mut busy);
        assert_eq!(first, Some((at(24 + 9), at(24 + 13), Some(at(22)))));
        book(&mut profiles, at(24 + 9), at(24 + 13), unit / 2, 1);
        book(&mut profiles, at(18), at(19), unit, 2);
        let second = found(&profiles, &mut busy);
        assert_eq!(second, Some((at(24 + 9), at(24 + 13), Some(at(19)))));
    }

    /// Stretches join when a walk goes on from the landing of the one
    /// known (or from the time between, where nothing starts), else the
    /// later replaces it; a retry whose overload began after the last
    /// minute before its landing teaches nothing; a skip goes on at the
    /// end of the overload, found in the load at that moment.
    #[test]
    fn busy_stretches_join_at_their_landing() {
        let key = SpanKey {
            time: SpanTime::Elapsed,
            minutes: 480,
            demand: 1,
        };
        let seen = |from, first_over, until, landing| Retry {
            from: Moment(from),
            first_over: Moment(first_over),
            until: Moment(until),
            landing: Moment(landing),
        };
        let mut p: Profile<TaskId> = Profile::new();
        p.add(Moment(10), Moment(25), Demand(1), TaskId(0));
        let limit = Demand(1);
        let mut b = BusyStarts::new(2);
        b.learn(0, key, seen(10, 10, 20, 25));
        assert_eq!(b.skip(0, key, Moment(9), &p, limit), None);
        assert_eq!(b.skip(0, key, Moment(10), &p, limit), Some(Moment(25)));
        assert_eq!(b.skip(0, key, Moment(20), &p, limit), None);
        // Booked on from the landing: the skip follows the load.
        p.add(Moment(25), Moment(30), Demand(1), TaskId(1));
        assert_eq!(b.skip(0, key, Moment(12), &p, limit), Some(Moment(30)));
        // A walk from the landing (or the time between) joins on.
        p.add(Moment(31), Moment(45), Demand(1), TaskId(2));
        b.learn(0, key, seen(22, 31, 40, 45));
        assert_eq!(b.skip(0, key, Moment(12), &p, limit), Some(Moment(45)));
        assert_eq!(b.skip(0, key, Moment(39), &p, limit), Some(Moment(45)));
        let other = SpanKey {
            time: SpanTime::Project,
            ..key
        };
        assert_eq!(b.skip(0, other, Moment(12), &p, limit), None);
        assert_eq!(b.skip(1, key, Moment(12), &p, limit), None);
        // An overload that began past `until` teaches nothing.
        b.learn(0, key, seen(50, 60, 60, 70));
        assert_eq!(b.skip(0, key, Moment(12), &p, limit), Some(Moment(45)));
        // A walk from past the landing replaces the stretch.
        p.add(Moment(100), Moment(130), Demand(1), TaskId(3));
        b.learn(0, key, seen(100, 100, 120, 130));
        assert_eq!(b.skip(0, key, Moment(12), &p, limit), None);
        assert_eq!(b.skip(0, key, Moment(110), &p, limit), Some(Moment(130)));
    }
}
