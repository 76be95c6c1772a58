//! A resource's load over time: a step function from moments to the demand
//! booked, kept in a B-tree so that finding the next free window looks only
//! at the breakpoints inside the window asked about, never the whole history.

use crate::check::TaskId;
use crate::units::{Demand, Moment};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// Load from each key until the next key. Before the first key: zero.
    steps: BTreeMap<Moment, Step>,
}

/// One breakpoint of the load.
#[derive(Clone, Copy, Debug)]
struct Step {
    /// The load from here to the next breakpoint.
    load: Demand,
    /// The task whose booking ends here (the last booked), to explain
    /// waits. Every booking's end is a breakpoint, so this shares the
    /// breakpoints' tree rather than needing one of its own.
    ending: Option<TaskId>,
}

impl Profile {
    pub fn new() -> Profile {
        Profile::default()
    }

    /// If adding `demand` over [from, to) would exceed `limit`, the moment
    /// the first overloaded stretch ends (the earliest a retry can start).
    ///
    /// One walk back from `to` sees every step inside the window and then
    /// the step in force at `from`, with a single descent of the tree;
    /// walking back, the nearest step that fits after an overloaded one is
    /// the last fitting step seen.
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
        // The earliest overloaded stretch so far, by where it ends inside
        // the window (`None`: at `to` or later).
        let mut first_over: Option<Option<Moment>> = None;
        let mut next_fit: Option<Moment> = None;
        let mut load_at_from = Demand(0);
        for (&t, step) in self.steps.range(..to).rev() {
            if t <= from {
                load_at_from = step.load;
                break;
            }
            if over(step.load) {
                first_over = Some(next_fit);
            } else {
                next_fit = Some(t);
            }
        }
        if over(load_at_from) {
            first_over = Some(next_fit);
        }
        match first_over? {
            Some(fit) => Some(fit),
            // The stretch runs past the window: the first step from `to`
            // on that fits. Overloaded for ever cannot happen with finite
            // bookings, but the caller treats a far moment as "no room".
            None => Some(
                self.steps
                    .range(to..)
                    .find(|(_, step)| !over(step.load))
                    .map_or(Moment(i64::MAX / 4), |(&t, _)| t),
            ),
        }
    }

    /// Books `demand` over [from, to) for `task`.
    ///
    /// One walk back from `to` raises the steps inside the window and
    /// finds the loads in force at `to` and at `from`, for the breakpoints
    /// to add there if they are missing (each of the five lookups this
    /// replaces was a descent of the tree).
    pub fn add(&mut self, from: Moment, to: Moment, demand: Demand, task: TaskId) {
        if to <= from || demand.0 == 0 {
            return;
        }
        let mut to_exists = false;
        let mut from_exists = false;
        // Loads in force before this booking: at `to` (if there is no step
        // there) and at `from`. Before the first step: zero.
        let mut load_at_to: Option<Demand> = None;
        let mut load_at_from = Demand(0);
        for (&t, step) in self.steps.range_mut(..=to).rev() {
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
            self.steps.insert(to, step);
        }
        if !from_exists {
            let step = Step {
                load: load_at_from + demand,
                ending: None,
            };
            self.steps.insert(from, step);
        }
    }

    /// The same load with the tasks renamed by `rename` (for a pass run on
    /// a renumbered network).
    pub fn renamed(mut self, rename: impl Fn(TaskId) -> TaskId) -> Profile {
        for step in self.steps.values_mut() {
            step.ending = step.ending.map(&rename);
        }
        self
    }

    /// The task whose booking ends at `t`, if any.
    pub fn ending_at(&self, t: Moment) -> Option<TaskId> {
        self.steps.get(&t).and_then(|s| s.ending)
    }

    /// Stretches where the load exceeds `limit`: (from, to, peak).
    pub fn overloads(&self, limit: Demand) -> Vec<(Moment, Moment, Demand)> {
        let mut out: Vec<(Moment, Moment, Demand)> = Vec::new();
        let mut open: Option<(Moment, Demand)> = None;
        for (&t, &Step { load, .. }) in &self.steps {
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
    }

    #[test]
    fn agrees_with_a_load_per_minute() {
        // A small deterministic generator (no dependency needed).
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        for _ in 0..200 {
            let mut p = Profile::new();
            let mut naive = Naive {
                load: vec![0; 64],
                ending: vec![None; 64],
            };
            for task in 0..12u32 {
                let from = next(40) as usize;
                let to = from + next(20) as usize;
                let demand = next(3) as i64;
                let limit = 1 + next(4) as i64;
                let (f, t) = (Moment(from as i64), Moment(to as i64));
                assert_eq!(
                    p.conflict(f, t, Demand(demand), Demand(limit)),
                    naive.conflict(from, to, demand, limit),
                    "conflict over [{from}, {to}) of {demand} within {limit}"
                );
                p.add(f, t, Demand(demand), TaskId(task));
                if to > from && demand > 0 {
                    naive.load[from..to].iter_mut().for_each(|l| *l += demand);
                    naive.ending[to] = Some(TaskId(task));
                }
                for m in 0..64 {
                    assert_eq!(p.ending_at(Moment(m as i64)), naive.ending[m]);
                }
            }
        }
    }
}
