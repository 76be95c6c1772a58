//! A resource's load over time: a step function from moments to the demand
//! booked, kept in a B-tree so that finding the next free window looks only
//! at the breakpoints inside the window asked about, never the whole history.

use crate::check::TaskId;
use crate::units::{Demand, Moment};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// Load from each key until the next key. Before the first key: zero.
    steps: BTreeMap<Moment, Demand>,
    /// Which task's booking ends at a moment, to explain waits.
    ends: BTreeMap<Moment, TaskId>,
}

impl Profile {
    pub fn new() -> Profile {
        Profile::default()
    }

    fn load_at(&self, t: Moment) -> Demand {
        self.steps
            .range(..=t)
            .next_back()
            .map_or(Demand(0), |(_, d)| *d)
    }

    /// If adding `demand` over [from, to) would exceed `limit`, the moment
    /// the first overloaded stretch ends (the earliest a retry can start).
    pub fn conflict(
        &self,
        from: Moment,
        to: Moment,
        demand: Demand,
        limit: Demand,
    ) -> Option<Moment> {
        if to <= from {
            return None;
        }
        let over = |load: Demand| load.0 + demand.0 > limit.0;
        let mut overloaded = over(self.load_at(from));
        let mut iter = self
            .steps
            .range((std::ops::Bound::Excluded(from), std::ops::Bound::Unbounded));
        if !overloaded {
            // Find the first overloaded step starting inside the window.
            loop {
                match iter.next() {
                    Some((&t, &load)) if t < to => {
                        if over(load) {
                            overloaded = true;
                            break;
                        }
                    }
                    _ => return None,
                }
            }
        }
        debug_assert!(overloaded);
        // The overloaded stretch ends at the first later step that fits.
        for (&t, &load) in iter {
            if !over(load) {
                return Some(t);
            }
        }
        // Overloaded for ever: cannot happen with finite bookings, but the
        // caller treats a far moment as "no room".
        Some(Moment(i64::MAX / 4))
    }

    /// Books `demand` over [from, to) for `task`.
    pub fn add(&mut self, from: Moment, to: Moment, demand: Demand, task: TaskId) {
        if to <= from || demand.0 == 0 {
            return;
        }
        let at_from = self.load_at(from);
        let at_to = self.load_at(to);
        self.steps.entry(from).or_insert(at_from);
        self.steps.entry(to).or_insert(at_to);
        for (_, load) in self.steps.range_mut(from..to) {
            *load = *load + demand;
        }
        self.ends.insert(to, task);
    }

    /// The task whose booking ends at `t`, if any.
    pub fn ending_at(&self, t: Moment) -> Option<TaskId> {
        self.ends.get(&t).copied()
    }

    /// Stretches where the load exceeds `limit`: (from, to, peak).
    pub fn overloads(&self, limit: Demand) -> Vec<(Moment, Moment, Demand)> {
        let mut out: Vec<(Moment, Moment, Demand)> = Vec::new();
        let mut open: Option<(Moment, Demand)> = None;
        for (&t, &load) in &self.steps {
            match (open, load.0 > limit.0) {
                (None, true) => open = Some((t, load)),
                (Some((s, peak)), true) => {
                    open = Some((s, if load.0 > peak.0 { load } else { peak }))
                }
                (Some((s, peak)), false) => {
                    out.push((s, t, peak));
                    open = None;
                }
                (None, false) => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
