//! A resource's load over time in the abstract model, in the form that
//! suits the model's size and time unit.

use super::budget::SMALL_MODEL;
use super::model::Abstract;
use std::collections::BTreeMap;

/// A resource's load in the abstract model: a step function of time.
/// Steps sit in a vector for resources few nodes use (fast to scan), in a
/// B-tree for busy ones (an insert never moves the whole history), or, on
/// a model counted in grid units (see [`grid_unit`]), one cell per unit
/// (a check reads the window's cells and needs no search).
#[derive(Clone)]
pub(super) enum Load {
    Small(Vec<(i64, i64)>),
    Large(BTreeMap<i64, i64>),
    /// Load per unit of time from 0; beyond the vector, zero.
    Grid(Vec<i64>),
}

/// Longest schedule, in units, whose loads may be kept per unit, and most
/// cells over all resources.
const GRID_UNITS: i64 = 1 << 16;
const GRID_CELLS: i64 = 1 << 21;
/// Longest mean node length, in units, for which cells beat steps: a
/// check or a booking on a grid reads or writes one cell per unit of the
/// node's length, on steps about one per other node in its window.
const GRID_MEAN_LENGTH: i64 = 32;

impl Load {
    /// A load for a resource that `users` nodes demand.
    pub(super) fn for_size(users: usize) -> Load {
        if users <= SMALL_MODEL {
            Load::Small(Vec::new())
        } else {
            Load::Large(BTreeMap::new())
        }
    }

    pub(super) fn clear(&mut self) {
        match self {
            Load::Small(v) => v.clear(),
            Load::Large(m) => m.clear(),
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
            Load::Large(m) => {
                let at = m.range(..=from).next_back().map_or(0, |(_, l)| *l);
                let rest = m.range(from + 1..).map(|(&t, &l)| (t, l));
                first_overflow_end(at, rest, to, demand, limit, work)
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
            Load::Large(m) => {
                let at_from = m.range(..=from).next_back().map_or(0, |(_, l)| *l);
                let at_to = m.range(..=to).next_back().map_or(0, |(_, l)| *l);
                m.entry(from).or_insert(at_from);
                m.entry(to).or_insert(at_to);
                for (_, load) in m.range_mut(from..to) {
                    *load += demand;
                    *work += 1;
                }
            }
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
/// those units. A plan counted in whole days, as the RCPSP benchmarks are,
/// has one.
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
    (units <= GRID_UNITS && cells <= GRID_CELLS && mean_length <= GRID_MEAN_LENGTH).then_some(unit)
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
        for size in [1, SMALL_MODEL + 1] {
            load_points_past_the_overflow_in(Load::for_size(size));
        }
        load_points_past_the_overflow_in(Load::Grid(Vec::new()));
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
