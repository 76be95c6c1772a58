//! Working-time arithmetic at minute resolution.
//!
//! A calendar is a weekly pattern of working hours minus whole closed days
//! (holidays, time off). Every query goes through the cumulative working
//! time `W(t)` (working minutes from a fixed origin up to `t`), which is
//! computed arithmetically in O(log E) for E closed ranges and inverted the
//! same way, so the cost never depends on how far apart two moments are.

use crate::units::{Day, Minutes, Moment, MINUTES_PER_DAY};

const MINUTES_PER_WEEK: i64 = 7 * MINUTES_PER_DAY;

/// Monday 1970-01-05 00:00: counting weeks from a Monday makes a week index
/// plus a weekday locate any minute.
const WEEK_ORIGIN: i64 = 4 * MINUTES_PER_DAY;

/// 300 Julian years of days (1670..2270), far beyond any real plan.
const HORIZON_DAYS: i64 = 109_575;

/// Queries never look beyond this many minutes from 1970 in either direction
/// and return `None` past it; this bound also keeps all arithmetic far from
/// overflow.
pub const HORIZON: Moment = Moment(HORIZON_DAYS * MINUTES_PER_DAY);

/// Closed days are clipped to a little beyond the horizon: days further out
/// can't affect any answer, and clipping keeps `Day::start` from overflowing.
const CLOSED_SLACK_DAYS: i64 = 8;

/// Working hours of one week: for each weekday (Monday = 0) the working ranges
/// as minute-of-day [start, end), 0 <= start < end <= 1440.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WeekPattern {
    /// Sorted, disjoint, non-adjacent, non-empty ranges per weekday.
    days: [Vec<(u16, u16)>; 7],
}

impl WeekPattern {
    /// Ranges may be given unsorted and overlapping; they are normalised
    /// (sorted, merged; empty/invalid ranges dropped, ends past 24:00 clipped)
    /// so that equal hours compare and hash equal.
    pub fn new(days: [Vec<(u16, u16)>; 7]) -> WeekPattern {
        WeekPattern {
            days: days.map(normalise_day),
        }
    }

    /// Mon..Fri 09:00..17:00.
    pub fn standard() -> WeekPattern {
        WeekPattern::new(crate::check::model::office_week())
    }

    /// Every day 00:00..24:00.
    pub fn always() -> WeekPattern {
        WeekPattern::new(std::array::from_fn(|_| vec![(0, 1440)]))
    }

    /// The normalised working ranges of one weekday (empty for weekday >= 7).
    pub fn ranges(&self, weekday: usize) -> &[(u16, u16)] {
        self.days.get(weekday).map_or(&[], Vec::as_slice)
    }

    /// Working minutes on one weekday (0 for weekday >= 7).
    pub fn minutes_on(&self, weekday: usize) -> i64 {
        self.ranges(weekday)
            .iter()
            .map(|&(s, e)| i64::from(e) - i64::from(s))
            .sum()
    }

    /// Working minutes in a whole week.
    pub fn week_total(&self) -> i64 {
        (0..7).map(|d| self.minutes_on(d)).sum()
    }
}

/// Sort and merge one day's ranges; touching ranges merge too, so a range end
/// is always a non-working minute or midnight.
fn normalise_day(ranges: Vec<(u16, u16)>) -> Vec<(u16, u16)> {
    let day_end = MINUTES_PER_DAY as u16;
    let mut ranges: Vec<(u16, u16)> = ranges
        .into_iter()
        .map(|(s, e)| (s, e.min(day_end)))
        .filter(|&(s, e)| s < e)
        .collect();
    ranges.sort_unstable();
    let mut out: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Pattern minutes of one day that lie before minute-of-day `m`.
fn day_prefix(ranges: &[(u16, u16)], m: i64) -> i64 {
    ranges
        .iter()
        .map(|&(s, e)| (m.min(i64::from(e)) - i64::from(s)).max(0))
        .sum()
}

/// A weekly pattern with closed days, prepared for O(log E) queries.
///
/// What a query reads sits in the struct itself and in one slice of closed
/// ranges: many resources have a calendar of their own, scattered in
/// memory, so every separate allocation a lookup touches is a cache miss.
#[derive(Clone, Debug)]
pub struct Calendar {
    /// Kept for [`Calendar::pattern`]; queries read `days` instead.
    pattern: Box<WeekPattern>,
    week_total: i64,
    /// Pattern minutes in a week before each weekday; `[7]` is the week total.
    week_prefix: [i64; 8],
    /// The pattern's working ranges per weekday, inline when few.
    days: InlineDays,
    /// Merged closed ranges, sorted by start.
    closed: Box<[Closed]>,
    /// Shortcuts into `closed` by start moment...
    by_start: Buckets,
    /// ...and by `work_at_start`.
    by_work: Buckets,
}

/// Below this many closed ranges a plain binary search is as quick.
const MIN_BUCKETED: usize = 8;

/// Where a key falls in a sorted list in O(1) when the keys are spread
/// evenly (holidays and time off are): the span of the keys cut into at
/// most as many equal buckets as there are keys, each knowing how many
/// keys lie before it, so a search only looks inside one bucket. Clustered keys
/// make a bucket larger, never the search wrong or worse than O(log E).
#[derive(Clone, Debug, Default)]
struct Buckets {
    base: i64,
    /// Log2 of the bucket width.
    shift: u32,
    /// Keys below the start of each bucket; one more entry than buckets.
    /// Empty: not bucketed.
    before: Box<[u32]>,
}

impl Buckets {
    fn new(keys: &[i64]) -> Buckets {
        let (Some(&first), Some(&last)) = (keys.first(), keys.last()) else {
            return Buckets::default();
        };
        if keys.len() < MIN_BUCKETED {
            return Buckets::default();
        }
        // At most as many buckets as keys, of a power-of-two width (a shift
        // rather than a division per query), reaching past the last key.
        let span = last - first;
        let shift = (span / keys.len() as i64 + 1)
            .unsigned_abs()
            .next_power_of_two()
            .trailing_zeros();
        let buckets = (span >> shift) + 1;
        let before = (0..=buckets)
            // Fits: there are fewer closed ranges than days in the horizon.
            .map(|b| keys.partition_point(|&k| k < first + (b << shift)) as u32)
            .collect();
        Buckets {
            base: first,
            shift,
            before,
        }
    }

    /// Bounds (lo, hi) on how many keys are below `x`; None if not bucketed.
    fn window(&self, x: i64) -> Option<(usize, usize)> {
        let all = *self.before.last()? as usize;
        if x <= self.base {
            return Some((0, 0));
        }
        let b = usize::try_from(x.saturating_sub(self.base) >> self.shift).unwrap_or(usize::MAX);
        match (self.before.get(b), self.before.get(b.saturating_add(1))) {
            (Some(&lo), Some(&hi)) => Some((lo as usize, hi as usize)),
            _ => Some((all, all)),
        }
    }
}

/// How many of `closed` have `key` below `x` (`key` nondecreasing).
fn count_below(
    closed: &[Closed],
    buckets: &Buckets,
    x: i64,
    key: impl Fn(&Closed) -> i64,
) -> usize {
    let (lo, hi) = buckets.window(x).unwrap_or((0, closed.len()));
    lo + closed
        .get(lo..hi)
        .map_or(0, |part| part.partition_point(|c| key(c) < x))
}

/// One merged closed range and what W needs about it, side by side so a
/// binary search and its answer share cache lines.
#[derive(Clone, Copy, Debug)]
struct Closed {
    /// Start of the first closed day.
    start: i64,
    /// Start of the day after the last (exclusive).
    end: i64,
    /// `W` at the start of the range (and all through it): nondecreasing,
    /// so it can be binary searched to invert `W`.
    work_at_start: i64,
    /// Pattern minutes removed by this range and all before it.
    lost_through: i64,
}

/// Most patterns have one or two ranges a day; more spill to the pattern.
const INLINE_RANGES: usize = 2;

/// Marks a weekday whose ranges did not fit inline.
const SPILLED: u8 = u8::MAX;

/// A weekday's working ranges copied into the calendar itself.
#[derive(Clone, Copy, Debug)]
struct InlineDays {
    ranges: [[(u16, u16); INLINE_RANGES]; 7],
    /// Ranges used per weekday, or `SPILLED`.
    len: [u8; 7],
}

impl InlineDays {
    fn of(pattern: &WeekPattern) -> InlineDays {
        let mut days = InlineDays {
            ranges: [[(0, 0); INLINE_RANGES]; 7],
            len: [SPILLED; 7],
        };
        for d in 0..7 {
            let src = pattern.ranges(d);
            if src.len() <= INLINE_RANGES {
                days.ranges[d][..src.len()].copy_from_slice(src);
                days.len[d] = src.len() as u8;
            }
        }
        days
    }
}

impl Calendar {
    /// `closed`: inclusive day ranges (first, last) with no work at all
    /// (holidays, time off); may be unsorted/overlapping; first > last means
    /// empty and is ignored.
    pub fn new(pattern: WeekPattern, closed: Vec<(Day, Day)>) -> Calendar {
        let mut week_prefix = [0i64; 8];
        for d in 0..7 {
            week_prefix[d + 1] = week_prefix[d] + pattern.minutes_on(d);
        }
        let lo = -HORIZON_DAYS - CLOSED_SLACK_DAYS;
        let hi = HORIZON_DAYS + CLOSED_SLACK_DAYS;
        let mut ranges: Vec<(i64, i64)> = closed
            .into_iter()
            .filter(|&(f, l)| f.0 <= l.0 && l.0 >= lo && f.0 <= hi)
            .map(|(f, l)| (f.0.max(lo), l.0.min(hi)))
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(ranges.len());
        for (f, l) in ranges {
            match merged.last_mut() {
                // Adjacent ranges merge too, so a range never starts exactly
                // where the previous one ends.
                Some(last) if f <= last.1 + 1 => last.1 = last.1.max(l),
                _ => merged.push((f, l)),
            }
        }
        let mut cal = Calendar {
            week_total: week_prefix[7],
            days: InlineDays::of(&pattern),
            pattern: Box::new(pattern),
            week_prefix,
            closed: Box::default(),
            by_start: Buckets::default(),
            by_work: Buckets::default(),
        };
        let mut lost = 0i64;
        let mut closed = Vec::with_capacity(merged.len());
        for &(f, l) in &merged {
            let (start, end) = (f * MINUTES_PER_DAY, (l + 1) * MINUTES_PER_DAY);
            let ps = cal.pattern_work(start);
            let work_at_start = ps - lost;
            lost += cal.pattern_work(end) - ps;
            closed.push(Closed {
                start,
                end,
                work_at_start,
                lost_through: lost,
            });
        }
        let starts: Vec<i64> = closed.iter().map(|c| c.start).collect();
        let works: Vec<i64> = closed.iter().map(|c| c.work_at_start).collect();
        cal.by_start = Buckets::new(&starts);
        cal.by_work = Buckets::new(&works);
        cal.closed = closed.into_boxed_slice();
        cal
    }

    /// The weekly pattern this calendar was built from.
    pub fn pattern(&self) -> &WeekPattern {
        &self.pattern
    }

    /// True if the calendar has any working time at all (pattern non-empty).
    /// Closed ranges are finite, so a non-empty pattern always has work
    /// eventually.
    pub fn has_work(&self) -> bool {
        self.week_total > 0
    }

    /// True if the minute [t, t+1) is working time (false beyond HORIZON).
    pub fn is_working(&self, t: Moment) -> bool {
        if !in_horizon(t.0) {
            return false;
        }
        if self.closed_range_at(t.0).is_some() {
            return false;
        }
        let m = t.minute_of_day();
        self.day_ranges(t.day().weekday())
            .iter()
            .any(|&(s, e)| i64::from(s) <= m && m < i64::from(e))
    }

    /// Working minutes in [a, b); 0 if b <= a. Moments beyond HORIZON are
    /// clamped to it.
    pub fn work_between(&self, a: Moment, b: Moment) -> Minutes {
        let a = clamp_horizon(a.0);
        let b = clamp_horizon(b.0);
        if b <= a {
            return Minutes::ZERO;
        }
        Minutes(self.work_at(b) - self.work_at(a))
    }

    /// Earliest moment t' >= t at which work happens (the minute starting at
    /// t' is working), i.e. where a task starting at t really starts. None if
    /// no work ever, or t or the answer beyond HORIZON.
    pub fn next_working(&self, t: Moment) -> Option<Moment> {
        if !self.has_work() || !in_horizon(t.0) {
            return None;
        }
        // The first minute that raises W above W(t) is the working one.
        let end = self.first_reaching(self.work_at(t.0) + 1);
        (end <= HORIZON.0).then(|| Moment(end - 1))
    }

    /// Smallest t' >= t such that work_between(t, t') == work: the moment the
    /// work is finished, so a job ends at the end of its last working minute
    /// rather than at the start of the next stretch. Work == 0 returns t;
    /// negative work counts backwards like `sub_work`. None if it would pass
    /// HORIZON or there is no work.
    pub fn add_work(&self, t: Moment, work: Minutes) -> Option<Moment> {
        if work.0 == 0 {
            return Some(t);
        }
        if !self.has_work() || !in_horizon(t.0) {
            return None;
        }
        // W rises by at most one a minute, so more than this can't fit.
        if work.0.unsigned_abs() > 2 * HORIZON.0.unsigned_abs() + 1 {
            return None;
        }
        // For both signs the answer is the first moment W reaches the target:
        // forwards it is the end of the last minute needed, backwards it is
        // the earliest start that still leaves exactly `work` before t.
        let found = self.first_reaching(self.work_at(t.0) + work.0);
        in_horizon(found).then_some(Moment(found))
    }

    /// `next_working(from)` and then `add_work` of `work` from there, in
    /// one go: no work lies between `from` and where the work starts, so
    /// W there is W(from), computed once (placing a task asks this at
    /// every levelling retry).
    pub fn start_and_end(&self, from: Moment, work: Minutes) -> Option<(Moment, Moment)> {
        if !self.has_work() || !in_horizon(from.0) {
            return None;
        }
        let w = self.work_at(from.0);
        let end = self.first_reaching(w + 1);
        if end > HORIZON.0 {
            return None;
        }
        let start = Moment(end - 1);
        if work.0 == 0 {
            return Some((start, start));
        }
        // As `add_work` from `start`, which is in the horizon: from <= start < end.
        if work.0.unsigned_abs() > 2 * HORIZON.0.unsigned_abs() + 1 {
            return None;
        }
        let found = self.first_reaching(w + work.0);
        in_horizon(found).then_some((start, Moment(found)))
    }

    /// Smallest t' <= t such that work_between(t', t) == work, i.e. the
    /// earliest start that needs all `work` (Fri 17:00 minus a day is
    /// Thu 17:00). Work == 0 returns t; negative work counts forwards. None
    /// before -HORIZON or if there is no work.
    pub fn sub_work(&self, t: Moment, work: Minutes) -> Option<Moment> {
        self.add_work(t, Minutes(work.0.checked_neg()?))
    }

    /// The working stretch containing t or the first one after it, clipped
    /// to start at >= t: (s, e) with t <= s < e, all of [s, e) working, and e
    /// a non-working minute or midnight. None if none before HORIZON.
    pub fn stretch_at_or_after(&self, t: Moment) -> Option<(Moment, Moment)> {
        let s = self.next_working(t)?;
        let m = s.minute_of_day();
        let day_start = s.day().start().0;
        self.day_ranges(s.day().weekday())
            .iter()
            .find(|&&(rs, re)| i64::from(rs) <= m && m < i64::from(re))
            .map(|&(_, re)| (s, Moment(day_start + i64::from(re))))
    }

    /// The latest working stretch ending at or before t, clipped to end at
    /// <= t: (s, e) with s < e <= t, s preceded by a non-working minute or
    /// midnight. None if none after -HORIZON.
    pub fn stretch_before(&self, t: Moment) -> Option<(Moment, Moment)> {
        if !self.has_work() || !in_horizon(t.0) {
            return None;
        }
        // The first moment W reaches W(t) ends the last working minute <= t.
        let e = Moment(self.first_reaching(self.work_at(t.0)));
        let last = Moment(e.0 - 1);
        let m = last.minute_of_day();
        let day_start = last.day().start().0;
        let s = self
            .day_ranges(last.day().weekday())
            .iter()
            .find(|&&(rs, re)| i64::from(rs) <= m && m < i64::from(re))
            .map(|&(rs, _)| Moment(day_start + i64::from(rs)))?;
        in_horizon(s.0).then_some((s, e))
    }

    /// Working minutes of the bare weekly pattern from WEEK_ORIGIN to t
    /// (negative before it). Callers keep |t| within the clipped range.
    fn pattern_work(&self, t: i64) -> i64 {
        let rel = t - WEEK_ORIGIN;
        let week = rel.div_euclid(MINUTES_PER_WEEK);
        let in_week = rel.rem_euclid(MINUTES_PER_WEEK);
        let d = (in_week / MINUTES_PER_DAY) as usize;
        week * self.week_total
            + self.week_prefix[d]
            + day_prefix(self.day_ranges(d), in_week % MINUTES_PER_DAY)
    }

    /// Smallest t with pattern_work(t) >= x; needs week_total > 0.
    fn pattern_reaching(&self, x: i64) -> i64 {
        // Take the x-th working minute as lying in week `q` at in-week rank
        // r in 1..=week_total, so a whole-week x lands at the end of the
        // previous week's last stretch, not at the next week's start.
        let q = (x - 1).div_euclid(self.week_total);
        let mut r = x - q * self.week_total;
        let mut d = 0;
        while d < 6 && self.week_prefix[d + 1] < r {
            d += 1;
        }
        r -= self.week_prefix[d];
        let mut offset = 0;
        for &(s, e) in self.day_ranges(d) {
            let len = i64::from(e) - i64::from(s);
            if r <= len {
                offset = i64::from(s) + r;
                break;
            }
            r -= len;
        }
        WEEK_ORIGIN + q * MINUTES_PER_WEEK + d as i64 * MINUTES_PER_DAY + offset
    }

    /// The pattern's working ranges on one weekday (empty for weekday >= 7).
    fn day_ranges(&self, weekday: usize) -> &[(u16, u16)] {
        match (self.days.ranges.get(weekday), self.days.len.get(weekday)) {
            (Some(r), Some(&n)) if n != SPILLED => r.get(..usize::from(n)).unwrap_or(&[]),
            _ => self.pattern.ranges(weekday),
        }
    }

    /// The closed range containing t, if any.
    fn closed_range_at(&self, t: i64) -> Option<&Closed> {
        let i = self.starts_at_or_before(t);
        i.checked_sub(1)
            .and_then(|j| self.closed.get(j))
            .filter(|c| t < c.end)
    }

    /// How many closed ranges start at or before t.
    fn starts_at_or_before(&self, t: i64) -> usize {
        count_below(&self.closed, &self.by_start, t.saturating_add(1), |c| {
            c.start
        })
    }

    /// Pattern minutes removed by the first `i` closed ranges.
    fn lost_before(&self, i: usize) -> i64 {
        i.checked_sub(1)
            .and_then(|j| self.closed.get(j))
            .map_or(0, |c| c.lost_through)
    }

    /// Cumulative working time W(t): pattern work minus what closed ranges
    /// before t removed; constant inside a closed range.
    fn work_at(&self, t: i64) -> i64 {
        let i = self.starts_at_or_before(t);
        if let Some(c) = i.checked_sub(1).and_then(|j| self.closed.get(j)) {
            if t < c.end {
                return c.work_at_start;
            }
            return self.pattern_work(t) - c.lost_through;
        }
        self.pattern_work(t)
    }

    /// Smallest t with W(t) >= v; needs week_total > 0. The answer lies in
    /// the open gap just before the first closed range whose W already
    /// reaches v, where W is the pattern work shifted by a constant.
    fn first_reaching(&self, v: i64) -> i64 {
        let i = count_below(&self.closed, &self.by_work, v, |c| c.work_at_start);
        self.pattern_reaching(v + self.lost_before(i))
    }
}

fn in_horizon(t: i64) -> bool {
    (-HORIZON.0..=HORIZON.0).contains(&t)
}

fn clamp_horizon(t: i64) -> i64 {
    t.clamp(-HORIZON.0, HORIZON.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm),
    /// computed independently of the code under test.
    fn civil_day(y: i64, m: i64, d: i64) -> Day {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }

    fn at(y: i64, m: i64, d: i64, hh: i64, mm: i64) -> Moment {
        Moment(civil_day(y, m, d).0 * MINUTES_PER_DAY + hh * 60 + mm)
    }

    fn hours(h: i64) -> Minutes {
        Minutes(h * 60)
    }

    fn standard() -> Calendar {
        Calendar::new(WeekPattern::standard(), Vec::new())
    }

    #[test]
    fn civil_day_helper_matches_known_dates() {
        assert_eq!(civil_day(1970, 1, 1), Day(0));
        assert_eq!(civil_day(1970, 1, 5), Day(4));
        assert_eq!(civil_day(1970, 1, 5).weekday(), 0);
        assert_eq!(civil_day(2027, 1, 4), Day(20822));
        assert_eq!(civil_day(2027, 1, 4).weekday(), 0);
        assert_eq!(civil_day(2000, 3, 1), Day(11017));
        assert_eq!(civil_day(1969, 12, 31), Day(-1));
    }

    #[test]
    fn pattern_normalises_ranges() {
        let p = WeekPattern::new([
            vec![(600, 700), (540, 620), (800, 900), (700, 720), (50, 50)],
            vec![(900, 800), (1500, 1600), (1400, 2000)],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
        ]);
        assert_eq!(p.ranges(0), &[(540, 720), (800, 900)]);
        assert_eq!(p.ranges(1), &[(1400, 1440)]);
        assert_eq!(p.minutes_on(0), 280);
        assert_eq!(p.minutes_on(7), 0);
        assert_eq!(p.week_total(), 320);
        assert_eq!(WeekPattern::standard().week_total(), 2400);
        assert_eq!(WeekPattern::always().week_total(), 7 * 1440);
        let q = WeekPattern::new([
            vec![(800, 900), (540, 720)],
            vec![(1400, 1440)],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
        ]);
        assert_eq!(p, q);
    }

    #[test]
    fn standard_calendar_by_hand() {
        let c = standard();
        let mon9 = at(2027, 1, 4, 9, 0);
        assert!(c.has_work());
        // A day's job ends the same evening, not next morning.
        assert_eq!(c.add_work(mon9, hours(8)), Some(at(2027, 1, 4, 17, 0)));
        assert_eq!(c.add_work(mon9, Minutes(481)), Some(at(2027, 1, 5, 9, 1)));
        assert_eq!(c.add_work(mon9, hours(40)), Some(at(2027, 1, 8, 17, 0)));
        assert_eq!(
            c.add_work(at(2027, 1, 8, 16, 0), hours(2)),
            Some(at(2027, 1, 11, 10, 0))
        );
        // Starting outside hours: the job begins at the next opening.
        assert_eq!(
            c.add_work(at(2027, 1, 9, 12, 0), hours(1)),
            Some(at(2027, 1, 11, 10, 0))
        );
        assert_eq!(c.add_work(mon9, Minutes::ZERO), Some(mon9));
        // Backwards: Fri 17:00 minus a day is Thu 17:00.
        assert_eq!(
            c.sub_work(at(2027, 1, 8, 17, 0), hours(8)),
            Some(at(2027, 1, 7, 17, 0))
        );
        assert_eq!(
            c.sub_work(at(2027, 1, 11, 10, 0), hours(2)),
            Some(at(2027, 1, 8, 16, 0))
        );
        assert_eq!(
            c.sub_work(at(2027, 1, 10, 12, 0), Minutes::ZERO),
            Some(at(2027, 1, 10, 12, 0))
        );
        assert_eq!(
            c.work_between(at(2027, 1, 4, 0, 0), at(2027, 1, 11, 0, 0)),
            Minutes(2400)
        );
        assert_eq!(
            c.work_between(at(2027, 1, 4, 10, 30), at(2027, 1, 5, 9, 30)),
            Minutes(6 * 60 + 30 + 30)
        );
        assert_eq!(c.work_between(mon9, mon9), Minutes::ZERO);
        assert_eq!(c.work_between(at(2027, 1, 5, 0, 0), mon9), Minutes::ZERO);
        assert_eq!(
            c.next_working(at(2027, 1, 9, 10, 0)),
            Some(at(2027, 1, 11, 9, 0))
        );
        assert_eq!(
            c.next_working(at(2027, 1, 4, 12, 0)),
            Some(at(2027, 1, 4, 12, 0))
        );
        assert_eq!(
            c.next_working(at(2027, 1, 4, 17, 0)),
            Some(at(2027, 1, 5, 9, 0))
        );
        assert_eq!(
            c.stretch_at_or_after(at(2027, 1, 4, 10, 30)),
            Some((at(2027, 1, 4, 10, 30), at(2027, 1, 4, 17, 0)))
        );
        assert_eq!(
            c.stretch_at_or_after(at(2027, 1, 4, 17, 0)),
            Some((at(2027, 1, 5, 9, 0), at(2027, 1, 5, 17, 0)))
        );
        assert_eq!(
            c.stretch_before(at(2027, 1, 4, 8, 0)),
            Some((at(2027, 1, 1, 9, 0), at(2027, 1, 1, 17, 0)))
        );
        assert_eq!(
            c.stretch_before(at(2027, 1, 4, 11, 0)),
            Some((at(2027, 1, 4, 9, 0), at(2027, 1, 4, 11, 0)))
        );
        assert_eq!(
            c.stretch_before(at(2027, 1, 4, 9, 0)),
            Some((at(2027, 1, 1, 9, 0), at(2027, 1, 1, 17, 0)))
        );
        assert!(c.is_working(at(2027, 1, 4, 9, 0)));
        assert!(!c.is_working(at(2027, 1, 4, 17, 0)));
        assert!(!c.is_working(at(2027, 1, 9, 12, 0)));
    }

    #[test]
    fn standard_calendar_before_the_epoch() {
        let c = standard();
        // 1969-12-29 was a Monday.
        assert_eq!(civil_day(1969, 12, 29).weekday(), 0);
        assert_eq!(
            c.add_work(at(1969, 12, 31, 16, 0), hours(2)),
            Some(at(1970, 1, 1, 10, 0))
        );
        assert_eq!(
            c.work_between(at(1969, 12, 29, 0, 0), at(1970, 1, 5, 0, 0)),
            Minutes(2400)
        );
        assert_eq!(
            c.sub_work(at(1970, 1, 5, 9, 0), hours(40)),
            Some(at(1969, 12, 26, 17, 0))
        );
    }

    #[test]
    fn lunch_break_calendar() {
        let day = vec![(13 * 60, 17 * 60), (9 * 60, 12 * 60)];
        let p = WeekPattern::new([
            day.clone(),
            day.clone(),
            day.clone(),
            day.clone(),
            day,
            vec![],
            vec![],
        ]);
        assert_eq!(p.week_total(), 5 * 7 * 60);
        let c = Calendar::new(p, vec![]);
        let mon9 = at(2027, 1, 4, 9, 0);
        assert_eq!(c.add_work(mon9, hours(3)), Some(at(2027, 1, 4, 12, 0)));
        assert_eq!(c.add_work(mon9, hours(4)), Some(at(2027, 1, 4, 14, 0)));
        assert_eq!(c.add_work(mon9, hours(7)), Some(at(2027, 1, 4, 17, 0)));
        assert_eq!(
            c.add_work(at(2027, 1, 4, 12, 30), Minutes(1)),
            Some(at(2027, 1, 4, 13, 1))
        );
        assert_eq!(
            c.next_working(at(2027, 1, 4, 12, 0)),
            Some(at(2027, 1, 4, 13, 0))
        );
        assert_eq!(
            c.work_between(at(2027, 1, 4, 11, 0), at(2027, 1, 4, 14, 0)),
            hours(2)
        );
        // Smallest start: the lunch hour is left out of the job.
        assert_eq!(
            c.sub_work(at(2027, 1, 4, 14, 0), hours(1)),
            Some(at(2027, 1, 4, 12, 0))
        );
        assert_eq!(
            c.stretch_at_or_after(at(2027, 1, 4, 11, 0)),
            Some((at(2027, 1, 4, 11, 0), at(2027, 1, 4, 12, 0)))
        );
        assert_eq!(
            c.stretch_at_or_after(at(2027, 1, 4, 12, 15)),
            Some((at(2027, 1, 4, 13, 0), at(2027, 1, 4, 17, 0)))
        );
        assert_eq!(
            c.stretch_before(at(2027, 1, 4, 12, 45)),
            Some((at(2027, 1, 4, 9, 0), at(2027, 1, 4, 12, 0)))
        );
    }

    #[test]
    fn short_friday_calendar() {
        let day = vec![(9 * 60, 17 * 60)];
        let p = WeekPattern::new([
            day.clone(),
            day.clone(),
            day.clone(),
            day,
            vec![(9 * 60, 13 * 60)],
            vec![],
            vec![],
        ]);
        assert_eq!(p.week_total(), 4 * 480 + 240);
        let c = Calendar::new(p, vec![]);
        let mon9 = at(2027, 1, 4, 9, 0);
        assert_eq!(c.add_work(mon9, Minutes(2160)), Some(at(2027, 1, 8, 13, 0)));
        assert_eq!(
            c.add_work(mon9, Minutes(2400)),
            Some(at(2027, 1, 11, 13, 0))
        );
        assert_eq!(
            c.add_work(at(2027, 1, 8, 12, 0), hours(2)),
            Some(at(2027, 1, 11, 10, 0))
        );
        assert_eq!(
            c.sub_work(at(2027, 1, 11, 10, 0), hours(2)),
            Some(at(2027, 1, 8, 12, 0))
        );
        assert_eq!(
            c.stretch_before(at(2027, 1, 10, 0, 0)),
            Some((at(2027, 1, 8, 9, 0), at(2027, 1, 8, 13, 0)))
        );
    }

    #[test]
    fn always_calendar() {
        let c = Calendar::new(WeekPattern::always(), vec![]);
        let t = at(2027, 1, 6, 15, 17);
        assert_eq!(
            c.add_work(t, Minutes(3 * 1440)),
            Some(Moment(t.0 + 3 * 1440))
        );
        assert_eq!(c.sub_work(t, Minutes(5000)), Some(Moment(t.0 - 5000)));
        assert_eq!(c.work_between(t, Moment(t.0 + 123_456)), Minutes(123_456));
        assert_eq!(c.next_working(t), Some(t));
        // Stretches are split at midnight.
        assert_eq!(c.stretch_at_or_after(t), Some((t, at(2027, 1, 7, 0, 0))));
        assert_eq!(c.stretch_before(t), Some((at(2027, 1, 6, 0, 0), t)));
        assert_eq!(
            c.stretch_before(at(2027, 1, 6, 0, 0)),
            Some((at(2027, 1, 5, 0, 0), at(2027, 1, 6, 0, 0)))
        );
        // A closed week shifts the end by exactly a week.
        let closed = Calendar::new(
            WeekPattern::always(),
            vec![(civil_day(2027, 1, 10), civil_day(2027, 1, 16))],
        );
        assert_eq!(
            closed.add_work(t, Minutes(10 * 1440)),
            Some(Moment(t.0 + 17 * 1440))
        );
    }

    #[test]
    fn holidays_in_the_middle_of_a_job() {
        // Wednesday and the next Monday off.
        let c = Calendar::new(
            WeekPattern::standard(),
            vec![
                (civil_day(2027, 1, 11), civil_day(2027, 1, 11)),
                (civil_day(2027, 1, 6), civil_day(2027, 1, 6)),
            ],
        );
        let mon9 = at(2027, 1, 4, 9, 0);
        assert_eq!(c.add_work(mon9, hours(40)), Some(at(2027, 1, 12, 17, 0)));
        assert_eq!(
            c.add_work(at(2027, 1, 5, 16, 0), hours(2)),
            Some(at(2027, 1, 7, 10, 0))
        );
        assert_eq!(
            c.sub_work(at(2027, 1, 12, 17, 0), hours(40)),
            Some(at(2027, 1, 1, 17, 0))
        );
        assert_eq!(
            c.next_working(at(2027, 1, 5, 17, 0)),
            Some(at(2027, 1, 7, 9, 0))
        );
        assert_eq!(
            c.next_working(at(2027, 1, 6, 10, 0)),
            Some(at(2027, 1, 7, 9, 0))
        );
        assert_eq!(
            c.work_between(at(2027, 1, 4, 0, 0), at(2027, 1, 18, 0, 0)),
            hours(64)
        );
        assert_eq!(
            c.work_between(at(2027, 1, 6, 10, 0), at(2027, 1, 6, 12, 0)),
            Minutes::ZERO
        );
        assert_eq!(
            c.stretch_before(at(2027, 1, 12, 8, 0)),
            Some((at(2027, 1, 8, 9, 0), at(2027, 1, 8, 17, 0)))
        );
        assert_eq!(
            c.stretch_at_or_after(at(2027, 1, 9, 0, 0)),
            Some((at(2027, 1, 12, 9, 0), at(2027, 1, 12, 17, 0)))
        );
        assert!(!c.is_working(at(2027, 1, 6, 10, 0)));
        // Overlapping, reversed and duplicate ranges normalise to the same.
        let messy = Calendar::new(
            WeekPattern::standard(),
            vec![
                (civil_day(2027, 1, 6), civil_day(2027, 1, 6)),
                (civil_day(2027, 1, 11), civil_day(2027, 1, 11)),
                (civil_day(2027, 1, 11), civil_day(2027, 1, 11)),
                (civil_day(2027, 1, 20), civil_day(2027, 1, 3)),
            ],
        );
        assert_eq!(
            messy.add_work(mon9, hours(40)),
            Some(at(2027, 1, 12, 17, 0))
        );
    }

    #[test]
    fn adjacent_and_overlapping_closed_ranges() {
        let c = Calendar::new(
            WeekPattern::standard(),
            vec![
                (civil_day(2027, 1, 5), civil_day(2027, 1, 6)),
                (civil_day(2027, 1, 7), civil_day(2027, 1, 7)),
                (civil_day(2027, 1, 6), civil_day(2027, 1, 12)),
            ],
        );
        let mon9 = at(2027, 1, 4, 9, 0);
        assert_eq!(c.add_work(mon9, hours(8)), Some(at(2027, 1, 4, 17, 0)));
        assert_eq!(c.add_work(mon9, hours(9)), Some(at(2027, 1, 13, 10, 0)));
        assert_eq!(
            c.sub_work(at(2027, 1, 13, 10, 0), hours(1)),
            Some(at(2027, 1, 4, 17, 0))
        );
    }

    #[test]
    fn year_long_job_with_weekly_holidays() {
        // Every Wednesday of 2027 off, given newest first.
        let first_wed = civil_day(2027, 1, 6);
        assert_eq!(first_wed.weekday(), 2);
        let closed: Vec<(Day, Day)> = (0..52)
            .rev()
            .map(|k| {
                let d = Day(first_wed.0 + 7 * k);
                (d, d)
            })
            .collect();
        let c = Calendar::new(WeekPattern::standard(), closed);
        let start = at(2027, 1, 4, 9, 0);
        // 52 weeks of four days.
        let work = Minutes(52 * 4 * 480);
        let end = at(2027, 12, 31, 17, 0);
        assert_eq!(civil_day(2027, 12, 31).weekday(), 4);
        assert_eq!(c.add_work(start, work), Some(end));
        assert_eq!(c.work_between(start, end), work);
        assert_eq!(c.sub_work(end, work), Some(at(2027, 1, 1, 17, 0)));
        // One more minute spills into 2028 (Monday 3 January).
        assert_eq!(
            c.add_work(start, Minutes(work.0 + 1)),
            Some(at(2028, 1, 3, 9, 1))
        );
        // The whole of 2027 (52 weeks and Friday 1 January): 261 weekdays
        // minus the 52 Wednesdays.
        assert_eq!(
            c.work_between(at(2027, 1, 1, 0, 0), at(2028, 1, 1, 0, 0)),
            Minutes((261 - 52) * 480)
        );
    }

    #[test]
    fn calendar_without_work() {
        let empty = WeekPattern::new(Default::default());
        let c = Calendar::new(empty, vec![(Day(3), Day(10))]);
        let t = at(2027, 1, 4, 9, 0);
        assert!(!c.has_work());
        assert_eq!(c.work_between(t, Moment(t.0 + 100_000)), Minutes::ZERO);
        assert_eq!(c.next_working(t), None);
        assert_eq!(c.add_work(t, Minutes(1)), None);
        assert_eq!(c.sub_work(t, Minutes(1)), None);
        assert_eq!(c.add_work(t, Minutes::ZERO), Some(t));
        assert_eq!(c.sub_work(t, Minutes::ZERO), Some(t));
        assert_eq!(c.stretch_at_or_after(t), None);
        assert_eq!(c.stretch_before(t), None);
        assert!(!c.is_working(t));
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let c = Calendar::new(
            WeekPattern::standard(),
            vec![
                (Day(i64::MIN), Day(i64::MIN + 5)),
                (Day(i64::MAX - 5), Day(i64::MAX)),
                (Day(i64::MIN), Day(i64::MAX)),
                (Day(i64::MAX), Day(i64::MIN)),
            ],
        );
        // Everything inside the horizon is closed.
        let t = at(2027, 1, 4, 9, 0);
        assert_eq!(c.next_working(t), None);
        assert_eq!(c.add_work(t, Minutes(1)), None);
        assert_eq!(c.sub_work(t, Minutes(1)), None);
        assert_eq!(c.stretch_before(t), None);
        assert_eq!(
            c.work_between(Moment(i64::MIN), Moment(i64::MAX)),
            Minutes(0)
        );

        let c = standard();
        for m in [Moment(i64::MIN), Moment(i64::MAX), Moment(HORIZON.0 + 1)] {
            assert_eq!(c.next_working(m), None);
            assert_eq!(c.add_work(m, Minutes(1)), None);
            assert_eq!(c.sub_work(m, Minutes(1)), None);
            assert_eq!(c.stretch_at_or_after(m), None);
            assert_eq!(c.stretch_before(m), None);
            assert!(!c.is_working(m));
        }
        for w in [i64::MIN, i64::MIN + 1, i64::MAX, 4 * HORIZON.0] {
            assert_eq!(c.add_work(t, Minutes(w)), None);
            assert_eq!(c.sub_work(t, Minutes(w)), None);
        }
        let all = c.work_between(Moment(i64::MIN), Moment(i64::MAX));
        assert_eq!(all, c.work_between(Moment(-HORIZON.0), HORIZON));
        assert!(all.0 > 2400 * 52 * 590);
        // Running out of horizon.
        assert_eq!(c.add_work(t, Minutes(all.0)), None);
        assert_eq!(c.sub_work(t, Minutes(all.0)), None);
        assert_eq!(c.next_working(HORIZON), None);
        assert_eq!(c.stretch_at_or_after(Moment(HORIZON.0 - 1)), None);
        assert!(c.stretch_before(Moment(-HORIZON.0)).is_none());
        // The whole span is reachable in one step; going back, the smallest
        // start lies in the idle time before -HORIZON, so there is none.
        let lo = c.next_working(Moment(-HORIZON.0)).unwrap_or(t);
        let end = c.add_work(lo, all);
        assert!(end.is_some_and(|e| e <= HORIZON));
        assert_eq!(end.map(|e| c.work_between(lo, e)), Some(all));
        assert_eq!(end.and_then(|e| c.sub_work(e, all)), None);
        assert_eq!(
            end.and_then(|e| c.sub_work(e, Minutes(all.0 - 1))),
            Some(Moment(lo.0 + 1))
        );
    }

    #[test]
    fn negative_work_counts_backwards() {
        let c = standard();
        let t = at(2027, 1, 6, 11, 0);
        assert_eq!(c.add_work(t, Minutes(-120)), c.sub_work(t, Minutes(120)));
        assert_eq!(c.sub_work(t, Minutes(-120)), c.add_work(t, Minutes(120)));
    }

    #[test]
    fn many_long_range_queries_stay_cheap() {
        // 5 000 closed ranges over a century; 20 000 century-spanning
        // queries would take hours if anything walked day by day.
        let closed: Vec<(Day, Day)> = (0..5_000)
            .map(|k| (Day(k * 7 + 1), Day(k * 7 + 1 + k % 3)))
            .collect();
        let c = Calendar::new(WeekPattern::standard(), closed);
        let mut x: i64 = 12345;
        for _ in 0..20_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let t = Moment((x >> 20).rem_euclid(36_500 * MINUTES_PER_DAY));
            let w = Minutes((x >> 8).rem_euclid(100 * 2400 * 52));
            let end = c.add_work(t, w);
            assert!(end.is_some());
            if let Some(e) = end {
                assert_eq!(c.work_between(t, e), w);
            }
        }
    }

    // ---- Properties against a minute-by-minute oracle ----

    /// The obvious definition, straight from the raw (unnormalised) inputs.
    struct Naive {
        days: [Vec<(u16, u16)>; 7],
        closed: Vec<(Day, Day)>,
    }

    /// Enough for every random calendar to find its answer.
    const WALK_LIMIT: i64 = 200 * MINUTES_PER_DAY;

    impl Naive {
        fn working(&self, t: i64) -> bool {
            let m = Moment(t);
            let day = m.day();
            if self.closed.iter().any(|&(f, l)| f <= day && day <= l) {
                return false;
            }
            let mod_ = m.minute_of_day();
            self.days[day.weekday()]
                .iter()
                .any(|&(s, e)| i64::from(s) <= mod_ && mod_ < i64::from(e.min(1440)))
        }

        fn has_work(&self) -> bool {
            self.days.iter().flatten().any(|&(s, e)| s < e.min(1440))
        }

        fn work_between(&self, a: i64, b: i64) -> i64 {
            (a..b).filter(|&t| self.working(t)).count() as i64
        }

        fn next_working(&self, t: i64) -> Option<i64> {
            (t..t + WALK_LIMIT).find(|&u| self.working(u))
        }

        fn add_work(&self, t: i64, work: i64) -> Option<i64> {
            if work == 0 {
                return Some(t);
            }
            let mut left = work;
            for u in t..t + WALK_LIMIT {
                if self.working(u) {
                    left -= 1;
                    if left == 0 {
                        return Some(u + 1);
                    }
                }
            }
            None
        }

        fn sub_work(&self, t: i64, work: i64) -> Option<i64> {
            if work == 0 {
                return Some(t);
            }
            let mut left = work;
            let mut u = t;
            while left > 0 {
                u -= 1;
                if t - u > WALK_LIMIT {
                    return None;
                }
                if self.working(u) {
                    left -= 1;
                }
            }
            // Smallest: back over the idle minutes before it.
            while !self.working(u - 1) {
                u -= 1;
                if t - u > WALK_LIMIT {
                    return None;
                }
            }
            Some(u)
        }

        fn stretch_at_or_after(&self, t: i64) -> Option<(i64, i64)> {
            let s = self.next_working(t)?;
            let mut e = s + 1;
            while e.rem_euclid(MINUTES_PER_DAY) != 0 && self.working(e) {
                e += 1;
            }
            Some((s, e))
        }

        fn stretch_before(&self, t: i64) -> Option<(i64, i64)> {
            let last = (t - WALK_LIMIT..t).rev().find(|&u| self.working(u))?;
            let mut s = last;
            while s.rem_euclid(MINUTES_PER_DAY) != 0 && self.working(s - 1) {
                s -= 1;
            }
            Some((s, last + 1))
        }
    }

    fn arb_day() -> impl Strategy<Value = Vec<(u16, u16)>> {
        // Biased towards midnight so stretches running into the next day
        // and all-day patterns come up often.
        let start = prop_oneof![3 => 0u16..1440, 1 => Just(0u16)];
        let len = prop_oneof![3 => 0u16..700, 1 => Just(1440u16)];
        prop::collection::vec(
            (start, len).prop_map(|(s, len)| (s, s.saturating_add(len))),
            0..4,
        )
    }

    fn arb_pattern() -> impl Strategy<Value = [Vec<(u16, u16)>; 7]> {
        (
            arb_day(),
            arb_day(),
            arb_day(),
            arb_day(),
            arb_day(),
            arb_day(),
            arb_day(),
        )
            .prop_map(|(a, b, c, d, e, f, g)| [a, b, c, d, e, f, g])
    }

    fn arb_closed() -> impl Strategy<Value = Vec<(Day, Day)>> {
        prop::collection::vec(
            (-30i64..60, -2i64..12).prop_map(|(f, len)| (Day(f), Day(f + len))),
            0..6,
        )
    }

    /// Up to 50 closed ranges of up to a year, anywhere within two
    /// centuries of the epoch.
    fn arb_far_closed() -> impl Strategy<Value = Vec<(Day, Day)>> {
        prop::collection::vec(
            (-80_000i64..80_000, -2i64..400).prop_map(|(f, len)| (Day(f), Day(f + len))),
            0..50,
        )
    }

    /// Moments within a few weeks of the epoch, around the closed ranges.
    fn arb_moment() -> impl Strategy<Value = i64> {
        (-20 * MINUTES_PER_DAY)..(50 * MINUTES_PER_DAY)
    }

    fn build(days: [Vec<(u16, u16)>; 7], closed: Vec<(Day, Day)>) -> (Calendar, Naive) {
        let cal = Calendar::new(WeekPattern::new(days.clone()), closed.clone());
        (cal, Naive { days, closed })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn work_between_matches_oracle(
            days in arb_pattern(), closed in arb_closed(),
            a in arb_moment(), len in 0i64..(12 * MINUTES_PER_DAY),
        ) {
            let (cal, naive) = build(days, closed);
            prop_assert_eq!(cal.has_work(), naive.has_work());
            let b = a + len;
            prop_assert_eq!(cal.work_between(Moment(a), Moment(b)).0, naive.work_between(a, b));
            prop_assert_eq!(cal.work_between(Moment(b), Moment(a)).0, 0);
            prop_assert_eq!(cal.is_working(Moment(a)), naive.working(a));
        }

        #[test]
        fn next_working_and_stretches_match_oracle(
            days in arb_pattern(), closed in arb_closed(), t in arb_moment(),
        ) {
            let (cal, naive) = build(days, closed);
            prop_assert_eq!(cal.next_working(Moment(t)).map(|m| m.0), naive.next_working(t));
            prop_assert_eq!(
                cal.stretch_at_or_after(Moment(t)).map(|(s, e)| (s.0, e.0)),
                naive.stretch_at_or_after(t)
            );
            prop_assert_eq!(
                cal.stretch_before(Moment(t)).map(|(s, e)| (s.0, e.0)),
                naive.stretch_before(t)
            );
        }

        /// Enough closed ranges for the bucket shortcut, clustered or spread.
        #[test]
        fn many_closed_ranges_match_oracle(
            days in arb_pattern(),
            closed in prop::collection::vec(
                (-30i64..60, 0i64..3).prop_map(|(f, len)| (Day(f), Day(f + len))),
                MIN_BUCKETED..40,
            ),
            far in prop_oneof![Just(None), (-400i64..400).prop_map(Some)],
            t in arb_moment(), len in 0i64..(12 * MINUTES_PER_DAY), work in 0i64..4000,
        ) {
            let mut closed = closed;
            // A far-off range widens the buckets so the near ones crowd into few.
            closed.extend(far.map(|d| (Day(d), Day(d))));
            let (cal, naive) = build(days, closed);
            prop_assert_eq!(cal.work_between(Moment(t), Moment(t + len)).0, naive.work_between(t, t + len));
            prop_assert_eq!(cal.is_working(Moment(t)), naive.working(t));
            prop_assert_eq!(cal.next_working(Moment(t)).map(|m| m.0), naive.next_working(t));
            let work = work % (3 * cal.pattern().week_total() + 1);
            prop_assert_eq!(cal.add_work(Moment(t), Minutes(work)).map(|m| m.0), naive.add_work(t, work));
            prop_assert_eq!(cal.sub_work(Moment(t), Minutes(work)).map(|m| m.0), naive.sub_work(t, work));
        }

        #[test]
        fn add_and_sub_work_match_oracle(
            days in arb_pattern(), closed in arb_closed(),
            t in arb_moment(), work in 0i64..4000,
        ) {
            let (cal, naive) = build(days, closed);
            // At most three weeks of work, so the oracle's walk finds it.
            let work = work % (3 * cal.pattern().week_total() + 1);
            prop_assert_eq!(
                cal.add_work(Moment(t), Minutes(work)).map(|m| m.0),
                naive.add_work(t, work)
            );
            prop_assert_eq!(
                cal.sub_work(Moment(t), Minutes(work)).map(|m| m.0),
                naive.sub_work(t, work)
            );
        }

        #[test]
        fn start_and_end_is_next_working_then_add_work(
            days in arb_pattern(),
            closed in arb_far_closed(),
            t in -(250 * 366 * MINUTES_PER_DAY)..(250 * 366 * MINUTES_PER_DAY),
            work in -10_080i64..(100 * 52 * 10_080),
        ) {
            let cal = Calendar::new(WeekPattern::new(days), closed);
            let (t, w) = (Moment(t), Minutes(work));
            let separately = cal
                .next_working(t)
                .and_then(|s| cal.add_work(s, w).map(|e| (s, e)));
            prop_assert_eq!(cal.start_and_end(t, w), separately);
        }

        #[test]
        fn round_trips_far_apart(
            days in arb_pattern(),
            closed in arb_far_closed(),
            t in -(250 * 366 * MINUTES_PER_DAY)..(250 * 366 * MINUTES_PER_DAY),
            work in 0i64..(100 * 52 * 10_080),
        ) {
            let cal = Calendar::new(WeekPattern::new(days), closed);
            let t = Moment(t);
            let w = Minutes(work);
            if let Some(end) = cal.add_work(t, w) {
                prop_assert!(end >= t);
                prop_assert_eq!(cal.work_between(t, end), w);
                if work > 0 {
                    // Minimal: one minute earlier is not enough.
                    prop_assert_eq!(cal.work_between(t, Moment(end.0 - 1)).0, work - 1);
                    // Going back the same work lands on the smallest start,
                    // which is no later than t and has no work in between.
                    let back = cal.sub_work(end, w);
                    prop_assert!(back.is_some_and(|b| b <= t));
                    if let Some(b) = back {
                        prop_assert_eq!(cal.work_between(b, t).0, 0);
                        prop_assert_eq!(cal.work_between(b, end), w);
                    }
                    let start = cal.next_working(t);
                    prop_assert!(start.is_some_and(|s| s < end && cal.work_between(t, s).0 == 0));
                }
            }
            if let Some(begin) = cal.sub_work(t, w) {
                prop_assert!(begin <= t);
                prop_assert_eq!(cal.work_between(begin, t), w);
                if work > 0 {
                    // Smallest: the minute just before it is working.
                    prop_assert_eq!(cal.work_between(Moment(begin.0 - 1), t).0, work + 1);
                }
            }
            // Additivity over a split point.
            let mid = Moment(t.0 + work);
            let far = Moment(t.0 + 2 * work);
            prop_assert_eq!(
                cal.work_between(t, mid) + cal.work_between(mid, far),
                cal.work_between(t, far)
            );
        }
    }
}
