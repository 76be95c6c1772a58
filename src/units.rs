//! Units shared by every phase: moments in civil time, spans of minutes,
//! money and shares. Newtypes keep minutes, money and percentages from being
//! mixed up; every phase (syntax, check, schedule, render) speaks in them.
//!
//! Dates go through jiff rather than chrono or time: plans use civil dates
//! with no time zone, and jiff's `civil::Date` models exactly that, rejects
//! impossible dates (2027-02-30) at construction and does checked
//! arithmetic, while chrono's naive types panic on overflow in several
//! operations. Inside the scheduler, moments are plain minute counts
//! ([`Moment`]) so that calendar arithmetic is integer arithmetic; jiff is
//! used at the edges (validating input, printing output).

use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub};

/// Minutes in one calendar day.
pub const MINUTES_PER_DAY: i64 = 24 * 60;

/// A day number: days since 1970-01-01 (a Thursday) in civil time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl Day {
    /// Weekday with Monday = 0 .. Sunday = 6.
    pub fn weekday(self) -> usize {
        // 1970-01-01 was a Thursday (index 3).
        (self.0 + 3).rem_euclid(7) as usize
    }

    /// The moment this day starts (00:00).
    pub fn start(self) -> Moment {
        Moment(self.0 * MINUTES_PER_DAY)
    }
}

/// A moment in civil local time at minute resolution: minutes since
/// 1970-01-01T00:00. There are no time zones in the language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Moment(pub i64);

impl Moment {
    /// The day this moment falls on.
    pub fn day(self) -> Day {
        Day(self.0.div_euclid(MINUTES_PER_DAY))
    }

    /// Minutes since the start of the day (0..1440).
    pub fn minute_of_day(self) -> i64 {
        self.0.rem_euclid(MINUTES_PER_DAY)
    }
}

impl Add<Minutes> for Moment {
    type Output = Moment;
    fn add(self, rhs: Minutes) -> Moment {
        Moment(self.0.saturating_add(rhs.0))
    }
}

impl Sub<Minutes> for Moment {
    type Output = Moment;
    fn sub(self, rhs: Minutes) -> Moment {
        Moment(self.0.saturating_sub(rhs.0))
    }
}

impl Sub for Moment {
    type Output = Minutes;
    fn sub(self, rhs: Moment) -> Minutes {
        Minutes(self.0.saturating_sub(rhs.0))
    }
}

/// A length of time in minutes (working or calendar, as the context says).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Minutes(pub i64);

impl Minutes {
    pub const ZERO: Minutes = Minutes(0);

    pub fn hours_f64(self) -> f64 {
        self.0 as f64 / 60.0
    }
}

impl Add for Minutes {
    type Output = Minutes;
    fn add(self, rhs: Minutes) -> Minutes {
        Minutes(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Minutes {
    fn add_assign(&mut self, rhs: Minutes) {
        self.0 = self.0.saturating_add(rhs.0);
    }
}

impl Sub for Minutes {
    type Output = Minutes;
    fn sub(self, rhs: Minutes) -> Minutes {
        Minutes(self.0.saturating_sub(rhs.0))
    }
}

impl Neg for Minutes {
    type Output = Minutes;
    fn neg(self) -> Minutes {
        Minutes(-self.0)
    }
}

/// An amount of money in hundredths of the currency unit (cents), so that
/// sums are exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

impl Money {
    pub const ZERO: Money = Money(0);

    /// The amount in currency units, for output.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 = self.0.saturating_add(rhs.0);
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        if abs.is_multiple_of(100) {
            write!(f, "{sign}{}", abs / 100)
        } else {
            write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
        }
    }
}

/// A share such as `40%` or a capacity, in hundredths of a percent
/// (10_000 = 100 %), so that `12.5%` is exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Share(pub u32);

impl Share {
    pub const FULL: Share = Share(10_000);
    pub const ZERO: Share = Share(0);

    pub fn as_fraction(self) -> f64 {
        self.0 as f64 / 10_000.0
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 100;
        let frac = self.0 % 100;
        if frac == 0 {
            write!(f, "{whole}%")
        } else if frac.is_multiple_of(10) {
            write!(f, "{whole}.{}%", frac / 10)
        } else {
            write!(f, "{whole}.{frac:02}%")
        }
    }
}

/// How much of a resource a task holds: count x percent x capacity, in
/// millionths of one unit (1_000_000 = one full-time unit). Integer so that
/// levelling compares exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Demand(pub i64);

impl Demand {
    pub const ONE_UNIT: i64 = 1_000_000;

    /// `count` units at `percent` of their time, of a resource whose units
    /// each give `capacity` of their working time.
    pub fn of(count: u32, percent: Share, capacity: Share) -> Demand {
        // 10_000 x 10_000 = 1e8 per full unit; scale to 1e6.
        let raw = i64::from(count) * i64::from(percent.0) * i64::from(capacity.0);
        Demand(raw / 100)
    }

    pub fn as_units(self) -> f64 {
        self.0 as f64 / Self::ONE_UNIT as f64
    }
}

impl Add for Demand {
    type Output = Demand;
    fn add(self, rhs: Demand) -> Demand {
        Demand(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Demand {
    type Output = Demand;
    fn sub(self, rhs: Demand) -> Demand {
        Demand(self.0.saturating_sub(rhs.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_a_thursday() {
        assert_eq!(Day(0).weekday(), 3);
        assert_eq!(Day(4).weekday(), 0); // 1970-01-05 was a Monday
        assert_eq!(Day(-1).weekday(), 2);
    }

    #[test]
    fn demand_of_half_time_person_at_half_capacity() {
        let d = Demand::of(1, Share(5_000), Share(5_000));
        assert_eq!(d.0, 250_000);
        assert_eq!(Demand::of(2, Share::FULL, Share::FULL).0, 2_000_000);
    }

    #[test]
    fn money_prints_without_needless_cents() {
        assert_eq!(Money(60_000).to_string(), "600");
        assert_eq!(Money(-1_250).to_string(), "-12.50");
    }

    #[test]
    fn share_prints_shortest() {
        assert_eq!(Share(4_000).to_string(), "40%");
        assert_eq!(Share(1_250).to_string(), "12.5%");
        assert_eq!(Share(1_234).to_string(), "12.34%");
    }
}

/// The civil date 1970-01-01, day 0.
fn epoch() -> jiff::civil::Date {
    jiff::civil::date(1970, 1, 1)
}

impl Day {
    /// The day number of a civil date.
    pub fn from_date(date: jiff::civil::Date) -> Day {
        Day(date.since(epoch()).map_or(0, |s| i64::from(s.get_days())))
    }

    /// The civil date of this day, if it is within jiff's range.
    pub fn to_date(self) -> Option<jiff::civil::Date> {
        let days = i32::try_from(self.0).ok()?;
        epoch()
            .checked_add(jiff::Span::new().try_days(days).ok()?)
            .ok()
    }
}

impl Moment {
    /// `YYYY-MM-DDTHH:MM`, the one way moments are written in outputs.
    pub fn to_iso(self) -> String {
        let minute = self.minute_of_day();
        match self.day().to_date() {
            Some(date) => format!("{date}T{:02}:{:02}", minute / 60, minute % 60),
            None => format!("day{}T{:02}:{:02}", self.day().0, minute / 60, minute % 60),
        }
    }
}

impl Moment {
    /// How a person reads a moment: the date alone at midnight, else the
    /// date and time.
    pub fn describe(self) -> String {
        if self.minute_of_day() == 0 {
            self.day()
                .to_date()
                .map_or_else(|| self.to_iso(), |d| d.to_string())
        } else {
            self.to_iso()
        }
    }

    /// How a person reads a deadline: midnight is the end of the day before.
    pub fn describe_as_end(self) -> String {
        if self.minute_of_day() == 0 {
            let day = Day(self.day().0 - 1);
            day.to_date()
                .map_or_else(|| self.to_iso(), |d| format!("end of {d}"))
        } else {
            self.to_iso()
        }
    }
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn days_round_trip_through_dates() {
        let d = jiff::civil::date(2027, 1, 4);
        assert_eq!(Day::from_date(d), Day(20822));
        assert_eq!(Day(20822).weekday(), 0);
        assert_eq!(Day(20822).to_date(), Some(d));
        assert_eq!(Moment(20822 * 1440 + 9 * 60).to_iso(), "2027-01-04T09:00");
    }
}
