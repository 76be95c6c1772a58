//! The statistics of the iterations: percentiles (nearest rank on a sorted
//! array), the mean in working time, Spearman's rank correlation, and the
//! histogram of the end.
//!
//! Written here rather than taken from a crate: each is a few lines over a
//! sorted array, and the crates that have them (statrs and the like) bring
//! a linear-algebra stack for nothing else.

use crate::schedule::calendar::Calendar;
use crate::units::{Day, Minutes, Moment};

/// The `p`th percentile of `sorted` by nearest rank: the smallest value
/// with at least `p`% of the values at or below it.
pub fn percentile<T: Copy>(sorted: &[T], p: u32) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (u64::from(p) * n as u64).div_ceil(100) as usize;
    Some(sorted[rank.clamp(1, n) - 1])
}

/// Share of `sorted` at or below `limit`.
pub fn share_at_most<T: Ord>(sorted: &[T], limit: &T) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at_most = sorted.partition_point(|x| x <= limit);
    at_most as f64 / sorted.len() as f64
}

/// The mean of `moments` in working time on `calendar` from `start`: the
/// moment by which the average amount of work since `start` is done.
pub fn working_mean(calendar: &Calendar, start: Moment, moments: &[Moment]) -> Option<Moment> {
    if moments.is_empty() {
        return None;
    }
    let total: i128 = moments
        .iter()
        .map(|m| i128::from(calendar.work_between(start, *m).0))
        .sum();
    let mean = (total as f64 / moments.len() as f64).round() as i64;
    // Working time does not tell the moments of one non-working stretch
    // apart (Friday 17:00 and Monday 09:00 are the same offset): a mean
    // lies within the values it averages, so it is kept between them.
    let lowest = moments.iter().copied().min()?;
    let highest = moments.iter().copied().max()?;
    calendar
        .add_work(start, Minutes(mean))
        .map(|m| m.clamp(lowest, highest))
}

/// Ranks of `values` (1-based), ties sharing their average rank.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let shared = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = shared;
        }
        i = j + 1;
    }
    ranks
}

/// Pearson's correlation of two equally long series; 0 when either does
/// not vary (a constant length says nothing about the end).
pub fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n < 2 {
        return 0.0;
    }
    let mean = |v: &[f64]| v[..n].iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x[..n].iter().zip(&y[..n]) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        0.0
    } else {
        (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0)
    }
}

/// Spearman's rank correlation: Pearson's on the ranks.
pub fn spearman(x: &[f64], y_ranks: &[f64]) -> f64 {
    correlation(&ranks(x), y_ranks)
}

/// One bar of the histogram: iterations ending on days `first..=last`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bin {
    pub first: Day,
    pub last: Day,
    pub count: u32,
}

/// Most bars a histogram has; wider spreads put several days in a bar.
pub const MAX_BINS: i64 = 30;

/// The histogram of `sorted` moments by day. A moment at midnight counts
/// for the day before: an end at 00:00 is the end of that day.
pub fn histogram(sorted: &[Moment]) -> Vec<Bin> {
    let (Some(first), Some(last)) = (sorted.first(), sorted.last()) else {
        return Vec::new();
    };
    let (first, last) = (end_day(*first), end_day(*last));
    let days = last.0 - first.0 + 1;
    let width = (days + MAX_BINS - 1) / MAX_BINS;
    let bins = (days + width - 1) / width;
    let mut counts = vec![0u32; bins as usize];
    for m in sorted {
        let bin = ((end_day(*m).0 - first.0) / width) as usize;
        if let Some(c) = counts.get_mut(bin) {
            *c += 1;
        }
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, count)| {
            let from = first.0 + i as i64 * width;
            Bin {
                first: Day(from),
                last: Day((from + width - 1).min(last.0)),
                count,
            }
        })
        .collect()
}

/// The day an end falls on, midnight belonging to the day before.
pub fn end_day(m: Moment) -> Day {
    Day((m.0 - 1).div_euclid(crate::units::MINUTES_PER_DAY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mean_stays_between_the_values_it_averages() {
        use crate::schedule::calendar::WeekPattern;
        use crate::units::Day;
        let calendar = Calendar::new(WeekPattern::standard(), Vec::new());
        // Monday 2027-01-04 at 00:00, the project start, and at 09:00.
        let monday = Day::from_date(jiff::civil::date(2027, 1, 4)).start();
        let nine = Moment(monday.0 + 9 * 60);
        assert_eq!(working_mean(&calendar, monday, &[nine, nine]), Some(nine));
        let five = Moment(monday.0 + 17 * 60);
        // Half of the day's eight working hours after 09:00.
        assert_eq!(
            working_mean(&calendar, monday, &[nine, five]),
            Some(Moment(monday.0 + 13 * 60))
        );
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 10), Some(1));
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 80), Some(8));
        assert_eq!(percentile(&v, 95), Some(10));
        assert_eq!(percentile(&[7], 10), Some(7));
        assert_eq!(percentile::<i64>(&[], 50), None);
    }

    #[test]
    fn tied_values_share_their_rank() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn spearman_sees_monotone_relations() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [1.0, 4.0, 9.0, 16.0, 100.0];
        assert!((spearman(&x, &ranks(&y)) - 1.0).abs() < 1e-12);
        let down: Vec<f64> = y.iter().map(|v| -v).collect();
        assert!((spearman(&x, &ranks(&down)) + 1.0).abs() < 1e-12);
        assert_eq!(spearman(&[2.0; 5], &ranks(&y)), 0.0);
    }

    #[test]
    fn share_counts_ties_as_met() {
        assert_eq!(share_at_most(&[1, 2, 2, 3], &2), 0.75);
        assert_eq!(share_at_most(&[1, 2, 2, 3], &0), 0.0);
    }

    #[test]
    fn histogram_counts_every_moment_once() {
        let day = crate::units::MINUTES_PER_DAY;
        let ends: Vec<Moment> = (0..100).map(|i| Moment(i * day + 600)).collect();
        let bins = histogram(&ends);
        assert!(bins.len() as i64 <= MAX_BINS);
        assert_eq!(bins.iter().map(|b| b.count).sum::<u32>(), 100);
        assert_eq!(bins[0].first, Day(0));
        assert_eq!(bins.last().map(|b| b.last), Some(Day(99)));
    }
}
