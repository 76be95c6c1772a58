//! Converting literal values to planc's units: durations to minutes (which
//! needs the day length), dates to moments, money to cents, shares.

use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::syntax::ast::{self, DurationUnit};
use crate::units::{Day, Minutes, Moment, Money, Share};

/// How `d` and `w` are counted.
#[derive(Clone, Copy, Debug)]
pub enum DayLength {
    /// Working days of this many minutes; a week is five of them.
    Working(Minutes),
    /// Calendar days of 24 hours; a week is seven.
    Calendar,
}

pub fn duration_minutes(d: &ast::Duration, day: DayLength) -> Minutes {
    let per_unit = match (d.unit, day) {
        (DurationUnit::Minute, _) => 1,
        (DurationUnit::Hour, _) => 60,
        (DurationUnit::Day, DayLength::Working(m)) => m.0,
        (DurationUnit::Week, DayLength::Working(m)) => 5 * m.0,
        (DurationUnit::Day, DayLength::Calendar) => 1440,
        (DurationUnit::Week, DayLength::Calendar) => 7 * 1440,
    };
    // The parser bounded amounts so that this cannot overflow at 24h days.
    Minutes(d.amount.scaled(per_unit).unwrap_or(i64::MAX / 4))
}

/// A date alone is the start of the day.
pub fn moment(m: &ast::Moment) -> Moment {
    let day = Day::from_date(m.date).start();
    match m.time {
        Some(t) => Moment(day.0 + i64::from(t.hour()) * 60 + i64::from(t.minute())),
        None => day,
    }
}

/// A deadline given as a date alone means the end of that day.
pub fn deadline(m: &ast::Moment) -> Moment {
    match m.time {
        Some(_) => moment(m),
        None => Day::from_date(m.date).start() + Minutes(1440),
    }
}

pub fn money(n: &ast::Number, diags: &mut Diagnostics) -> Option<Money> {
    match n.value.scaled(100) {
        Some(cents) => Some(Money(cents)),
        None => {
            diags.push(
                Diagnostic::error(codes::NUMBER_TOO_LARGE, "this amount is too large")
                    .at(n.span, "too large to represent"),
            );
            None
        }
    }
}

pub fn share(p: &ast::Percent) -> Share {
    Share(p.value.scaled(100).map_or(0, |v| v.clamp(0, 10_000) as u32))
}

/// A whole number within `range`, or a diagnostic saying what is allowed.
pub fn whole_number(
    n: &ast::Number,
    what: &str,
    range: std::ops::RangeInclusive<i64>,
    diags: &mut Diagnostics,
) -> Option<i64> {
    let value = if n.value.is_integer() {
        Some(n.value.digits)
    } else {
        None
    };
    match value {
        Some(v) if range.contains(&v) => Some(v),
        _ => {
            diags.push(
                Diagnostic::error(
                    codes::VALUE_RANGE,
                    format!(
                        "{what} must be a whole number from {} to {}",
                        range.start(),
                        range.end()
                    ),
                )
                .at(n.span, "out of range"),
            );
            None
        }
    }
}
