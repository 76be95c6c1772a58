//! A resource's load over time in the abstract model, in the form that
//! suits the model's size and time unit.

mod tree;

use super::model::Abstract;
use tree::Steps;

/// A resource's load in the abstract model: a step function of time.
/// Steps sit in a vector for resources few nodes use (fast to scan), in a
/// balanced tree for busy ones (a check or a booking takes logarithmic
/// time however long the history), or, on a model counted in grid units
/// (see [`grid_unit`]), one cell per unit (a check reads the window's
/// cells and needs no search).
#[derive(Clone)]
pub(super) enum Load {
    Small(Vec<(i64, i64)>),
    Large(Steps),
    /// Load per unit of time from 0; beyond the vector, zero.
    Grid(Vec<i64>),
}

/// Most nodes using a resource whose load is kept in a vector: a check
/// there reads the steps in its window one by one, and a booking moves
/// the steps after it, at most about twice this many.
const FEW_USERS: usize = 64;

/// Longest schedule, in units, whose loads may be kept per unit, and most
/// cells over all resources.
const GRID_UNITS: i64 = 1 << 16;
const GRID_CELLS: i64 = 1 << 21;
/// Longest schedule, in units, on which any resource's load may be kept
/// per unit. A check that meets an overflow walks the cells to its end: on
/// a longer schedule only a resource with few users keeps that walk
/// short (a busy one's overflow may span most of the schedule).
const SHORT_GRID_UNITS: i64 = 1 << 12;
/// Longest mean node length, in units, for which cells beat steps: a
/// check or a booking on a grid reads or writes one cell per unit of the
/// node's length, on steps about one per other node in its window.
const GRID_MEAN_LENGTH: i64 = 32;

impl Load {
    /// A load for a resource that `users` nodes demand.
    pub(super) fn for_size(users: usize) -> Load {
        if users <= FEW_USERS {
            Load::Small(Vec::new())
        } else {
            Load::Large(Steps::new())
        }
    }

    pub(super) fn clear(&mut self) {
        match self {
            Load::Small(v) => v.clear(),
            Load::Large(steps) => steps.clear(),
            Load::Grid(cells) => cells.clear(),
        }
    }

    /// If `demand` over [from, to) overflows `limit`: where the first
    /// overflowing stretch ends. Adds the steps or cells it read to `work`,
    /// the search's budget being counted in such operations.
    pub(super) fn conflict(
        &self,
        from: i64,
        to: i64,
        demand: i64,
        limit: i64,
        work: &mut u64,
    ) -> Option<i64> {
        match self {
            Load::Small(v) => {
                let first = v.partition_point(|&(t, _)| t <= from);
                let at = if first == 0 { 0 } else { v[first - 1].1 };
                let rest = v[first..].iter().map(|&(t, l)| (t, l));
                first_overflow_end(at, rest, to, demand, limit, work)
            }
            Load::Large(steps) => {
                let most = limit - demand;
                let overflow = steps.first_over(from, to, most, work)?;
                // Past the last booking the load is zero, so only a demand
                // over the limit (never asked) finds no end.
                Some(
                    steps
                        .first_within_after(overflow, most, work)
                        .unwrap_or(i64::MAX / 4),
                )
            }
            Load::Grid(cells) => {
                let over = |t: i64| grid_cell(cells, t) + demand > limit;
                let mut t = from;
                while t < to && !over(t) {
                    t += 1;
                }
                *work += (t - from).unsigned_abs();
                if t >= to {
                    return None;
                }
                let overflow = t;
                // Beyond the cells the load is zero, so this stops.
                while over(t) && t <= cells.len() as i64 {
                    t += 1;
                }
                *work += (t - overflow).unsigned_abs();
                Some(t)
            }
        }
    }

    /// Books `demand` over [from, to); adds the steps or cells it changed
    /// to `work`.
    pub(super) fn add(&mut self, from: i64, to: i64, demand: i64, work: &mut u64) {
        match self {
            Load::Small(v) => {
                let i = split_at(v, from);
                let j = split_at(v, to);
                // An insert moves the steps after it.
                *work += (v.len() - i) as u64;
                for step in &mut v[i..j] {
                    step.1 += demand;
                }
            }
            Load::Large(steps) => steps.add(from, to, demand, work),
            Load::Grid(cells) => {
                // Times are never negative: every pass starts at zero.
                let first = usize::try_from(from).unwrap_or(0);
                let end = usize::try_from(to).unwrap_or(0);
                if cells.len() < end {
                    *work += (end - cells.len()) as u64;
                    cells.resize(end, 0);
                }
                *work += end.saturating_sub(first) as u64;
                for cell in cells.iter_mut().take(end).skip(first) {
                    *cell += demand;
                }
            }
        }
    }
}

/// The load in one cell of a grid (zero outside it).
fn grid_cell(cells: &[i64], u: i64) -> i64 {
    usize::try_from(u)
        .ok()
        .and_then(|u| cells.get(u))
        .copied()
        .unwrap_or(0)
}

/// The unit for grid loads, if the model suits them: the largest that
/// divides every length, lag and release, provided the longest schedule
/// possible (every node one after the other, every lag waited) is short in
/// those units, and short enough for its busiest resource (see
/// [`SHORT_GRID_UNITS`]). A plan counted in whole days, as the RCPSP
/// benchmarks are, has one.
pub(super) fn grid_unit(model: &Abstract) -> Option<i64> {
    let times = model
        .length
        .iter()
        .chain(&model.release)
        .copied()
        .chain(model.preds.iter().flatten().map(|l| l.lag));
    let unit = times.fold(0i64, |g, t| {
        gcd(g, t.unsigned_abs().min(i64::MAX as u64) as i64)
    });
    if unit <= 0 {
        return None;
    }
    let longest = model.release.iter().copied().max().unwrap_or(0)
        + model.length.iter().sum::<i64>()
        + model
            .preds
            .iter()
            .flatten()
            .map(|l| l.lag.max(0))
            .sum::<i64>();
    let units = longest / unit + 1;
    let cells = units.saturating_mul(model.limits.len() as i64);
    let total_length: i64 = model.length.iter().sum();
    let mean_length = total_length / unit / (model.len().max(1) as i64);
    let busiest = model.users.iter().copied().max().unwrap_or(0);
    let walks_short = units <= SHORT_GRID_UNITS || busiest <= FEW_USERS;
    (units <= GRID_UNITS && cells <= GRID_CELLS && mean_length <= GRID_MEAN_LENGTH && walks_short)
        .then_some(unit)
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Makes sure a step starts at `t`; returns its position.
fn split_at(v: &mut Vec<(i64, i64)>, t: i64) -> usize {
    let i = v.partition_point(|&(s, _)| s < t);
    if v.get(i).is_none_or(|&(s, _)| s != t) {
        let load = if i == 0 { 0 } else { v[i - 1].1 };
        v.insert(i, (t, load));
    }
    i
}

/// Given the load at the window's start and the steps after it: `None` if
/// the demand fits until `to`, else the end of the first overflow.
fn first_overflow_end(
    at: i64,
    rest: impl Iterator<Item = (i64, i64)>,
    to: i64,
    demand: i64,
    limit: i64,
    work: &mut u64,
) -> Option<i64> {
    let over = |load: i64| load + demand > limit;
    let mut rest = rest.inspect(|_| *work += 1);
    if !over(at) {
        loop {
            match rest.next() {
                Some((t, load)) if t < to => {
                    if over(load) {
                        break;
                    }
                }
                _ => return None,
            }
        }
    }
    rest.find(|&(_, load)| !over(load))
        .map(|(t, _)| t)
        .or(Some(i64::MAX / 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_points_past_the_overflow() {
        for load in every_form() {
            load_points_past_the_overflow_in(load);
        }
    }

    fn load_points_past_the_overflow_in(mut l: Load) {
        let w = &mut 0;
        l.add(10, 20, 1, w);
        assert_eq!(l.conflict(0, 10, 1, 1, w), None);
        assert_eq!(l.conflict(5, 15, 1, 1, w), Some(20));
        assert_eq!(l.conflict(20, 30, 1, 1, w), None);
        l.add(20, 25, 1, w);
        assert_eq!(l.conflict(12, 30, 1, 1, w), Some(25));
        assert_eq!(l.conflict(12, 30, 1, 2, w), None);
        assert!(*w > 0, "reading and booking loads is counted as work");
    }

    /// The load as one number per unit of time: what every form of
    /// [`Load`] must answer.
    struct PerUnit(Vec<i64>);

    impl PerUnit {
        fn at(&self, t: i64) -> i64 {
            grid_cell(&self.0, t)
        }

        fn conflict(&self, from: i64, to: i64, demand: i64, limit: i64) -> Option<i64> {
            let over = |t: i64| self.at(t) + demand > limit;
            let overflow = (from..to).find(|&t| over(t))?;
            (overflow..).find(|&t| !over(t))
        }

        fn add(&mut self, from: i64, to: i64, demand: i64) {
            let end = usize::try_from(to).unwrap_or(0);
            if self.0.len() < end {
                self.0.resize(end, 0);
            }
            for t in from..to {
                self.0[t as usize] += demand;
            }
        }
    }

    /// Every form of load a decoder may use.
    fn every_form() -> [Load; 3] {
        [
            Load::Small(Vec::new()),
            Load::Large(Steps::new()),
            Load::Grid(Vec::new()),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Random bookings and checks, with several demands and limits,
        /// get the per-unit answer from every form of load.
        #[test]
        fn every_form_answers_as_the_per_unit_load(
            steps in proptest::collection::vec((0..400i64, 1..60i64, 1..4i64, 0..400i64), 1..200),
            limit in 3..6i64,
        ) {
            let mut reference = PerUnit(Vec::new());
            let mut forms = every_form();
            let w = &mut 0;
            for (i, &(from, len, demand, ask)) in steps.iter().enumerate() {
                let expected = reference.conflict(ask, ask + len, demand, limit);
                for (k, load) in forms.iter().enumerate() {
                    let got = load.conflict(ask, ask + len, demand, limit, w);
                    proptest::prop_assert_eq!(got, expected, "check {} on form {}", i, k);
                }
                // Book only where it fits, as the decoder does, so loads
                // stay within the limit and every overflow ends.
                if reference.conflict(from, from + len, demand, limit).is_none() {
                    reference.add(from, from + len, demand);
                    for load in &mut forms {
                        load.add(from, from + len, demand, w);
                    }
                }
            }
        }
    }

    /// Bookings placed one after the other on one busy resource, each
    /// found by asking from the start (a thousand-task person): the work
    /// counted per placement grows with the logarithm of the history, not
    /// with the history, and every answer matches the per-unit load.
    #[test]
    fn a_long_history_costs_logarithmic_work_per_placement() {
        let mut load = Load::for_size(FEW_USERS + 1);
        let mut reference = PerUnit(Vec::new());
        let mut work = 0u64;
        let mut worst = 0u64;
        let placements: i64 = 20_000;
        for i in 0..placements {
            // Lengths 1-3, with a hole now and then that later ones fill.
            let len = 1 + i % 3;
            let mut s = if i % 7 == 0 { i * 2 } else { 0 };
            let before = work;
            while let Some(end) = load.conflict(s, s + len, 1, 1, &mut work) {
                assert_eq!(reference.conflict(s, s + len, 1, 1), Some(end));
                s = end;
            }
            load.add(s, s + len, 1, &mut work);
            reference.add(s, s + len, 1);
            worst = worst.max(work - before);
        }
        let log = u64::from(placements.ilog2());
        assert!(
            work <= placements as u64 * 40 * log,
            "{work} operations for {placements} placements"
        );
        if let Load::Large(steps) = &load {
            assert!(steps.depth() <= 6 * log as usize, "depth {}", steps.depth());
        }
        println!("{work} operations, worst placement {worst}");
    }

    /// A check on a grid that meets an overflow walks its cells to the
    /// end: one person with thousands of one-unit nodes walked thousands
    /// per check, so such a model keeps trees; a short schedule, or a
    /// long one whose resources have few users each, keeps cells.
    #[test]
    fn a_busy_resource_on_a_long_schedule_keeps_steps_not_cells() {
        let busy = Abstract::for_tests(vec![1; 5_000], vec![1; 5_000]);
        assert_eq!(grid_unit(&busy), None);
        let short = Abstract::for_tests(vec![1; 1_000], vec![1; 1_000]);
        assert_eq!(grid_unit(&short), Some(1));
        let mut spread = Abstract::for_tests(vec![1; 5_000], vec![1; 5_000]);
        spread.limits = vec![1; 5_000 / FEW_USERS + 1];
        spread.users = vec![FEW_USERS; spread.limits.len()];
        assert_eq!(grid_unit(&spread), Some(1));
    }

    #[test]
    fn long_lengths_in_small_units_keep_steps_not_cells() {
        // Two nodes of about 10,000 units each: a grid would read and write
        // 10,000 cells per placement where steps read two.
        let model = Abstract::for_tests(vec![10_000, 10_001], vec![1, 1]);
        assert_eq!(grid_unit(&model), None);
        let model = Abstract::for_tests(vec![7, 3], vec![1, 1]);
        assert_eq!(grid_unit(&model), Some(1));
    }
}
