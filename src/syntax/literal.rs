//! Literal values as written in a plan (numbers, percents, durations,
//! rates, dates, times, strings): turned into AST values, and reported
//! when they are out of range (2027-02-30, 25:00, 150%). Both readers of
//! the grammar (the pest binding in `parser` and the fast reader in
//! `descent`) lower literals here, so they agree on values and messages.

use super::ast::*;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

/// A literal's text with its span.
pub(super) type Lexeme<'t> = (&'t str, Span);

/// Lowers literal text to values, reporting bad ones into `diags`.
pub(super) struct Literals<'d> {
    pub file: FileId,
    pub diags: &'d mut Diagnostics,
}

impl Literals<'_> {
    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// A string (`raw` between the quotes, escapes unresolved) or a text
    /// block (`raw` between the triple quotes).
    pub fn text(&mut self, raw: &str, block: bool, span: Span) -> Text {
        let value = if block {
            dedent_block(raw)
        } else {
            if let Some(bad) = invalid_unicode_escape(raw) {
                self.diags.push(
                    Diagnostic::error(codes::SYNTAX, format!("`{bad}` is not a Unicode character"))
                        .at(span, "invalid escape in this string")
                        .with_help("`\\u{...}` takes the hex code of a character, like `\\u{1F600}`; surrogates and codes above 10FFFF are not characters"),
                );
            }
            unescape(raw)
        };
        Text { value, block, span }
    }

    pub fn decimal(&mut self, text: &str, span: Span) -> Option<Decimal> {
        let decimal = parse_decimal(text);
        if decimal.is_none() {
            self.diags.push(
                Diagnostic::error(
                    codes::NUMBER_TOO_LARGE,
                    format!("the number `{text}` is too large"),
                )
                .at(span, "too large to represent")
                .with_help("numbers may have at most 18 significant digits"),
            );
        }
        decimal
    }

    pub fn number(&mut self, text: &str, span: Span) -> Option<Number> {
        let value = self.decimal(text, span)?;
        Some(Number { value, span })
    }

    /// `written` is the whole percent, `%` included.
    pub fn percent(&mut self, written: &str, span: Span) -> Option<Percent> {
        let value = self.decimal(written.trim_end_matches('%'), span)?;
        if exceeds_hundred(value) {
            self.diags.push(
                Diagnostic::error(
                    codes::PERCENT_RANGE,
                    format!("`{written}` is more than 100%"),
                )
                .at(span, "must be between 0% and 100%"),
            );
            return None;
        }
        Some(Percent { value, span })
    }

    /// `written` is the whole duration, for the message.
    pub fn duration(
        &mut self,
        number: &str,
        unit: &str,
        written: &str,
        span: Span,
    ) -> Option<Duration> {
        let unit = match unit {
            "min" => DurationUnit::Minute,
            "h" => DurationUnit::Hour,
            "d" => DurationUnit::Day,
            _ => DurationUnit::Week,
        };
        let amount = self.decimal(number, span)?;
        // A duration must fit in minutes even at a 24-hour day, with room to add.
        let minutes_per_unit = match unit {
            DurationUnit::Minute => 1,
            DurationUnit::Hour => 60,
            DurationUnit::Day => 1440,
            DurationUnit::Week => 10080,
        };
        if amount
            .scaled(minutes_per_unit)
            .is_none_or(|m| m > MAX_DURATION_MINUTES)
        {
            self.diags.push(
                Diagnostic::error(
                    codes::NUMBER_TOO_LARGE,
                    format!("the duration `{written}` is too long"),
                )
                .at(span, "longer than planc can schedule")
                .with_help("plans may span at most 100 years"),
            );
            return None;
        }
        Some(Duration { amount, unit, span })
    }

    pub fn rate(&mut self, number: &str, unit: &str, span: Span) -> Option<Rate> {
        let unit = if unit == "h" {
            RateUnit::Hour
        } else {
            RateUnit::Day
        };
        let amount = self.decimal(number, span)?;
        Some(Rate { amount, unit, span })
    }

    pub fn moment(
        &mut self,
        date: Lexeme<'_>,
        time: Option<Lexeme<'_>>,
        span: Span,
    ) -> Option<Moment> {
        let date = self.date(date.0, date.1)?;
        let time = match time {
            Some((text, t_span)) => {
                let minutes = self.time_of_day(text, t_span, false)?;
                Some(
                    jiff::civil::Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0)
                        .ok()?,
                )
            }
            None => None,
        };
        Some(Moment { date, time, span })
    }

    pub fn date(&mut self, text: &str, span: Span) -> Option<jiff::civil::Date> {
        let mut parts = text.split('-').map(|p| p.parse::<i16>().ok());
        let (Some(Some(y)), Some(Some(m)), Some(Some(d))) =
            (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        match jiff::civil::Date::new(y, m as i8, d as i8) {
            Ok(date) if (1900..=2999).contains(&y) => Some(date),
            Ok(_) => {
                self.diags.push(
                    Diagnostic::error(
                        codes::INVALID_DATE,
                        format!("the year in `{text}` is out of range"),
                    )
                    .at(span, "planc handles years 1900 to 2999"),
                );
                None
            }
            Err(_) => {
                let why = if !(1..=12).contains(&m) {
                    format!("there is no month {m}")
                } else {
                    let last = days_in_month(y, m as i8);
                    format!("{} {y} has {last} days", month_name(m as i8))
                };
                self.diags.push(
                    Diagnostic::error(codes::INVALID_DATE, format!("`{text}` is not a date"))
                        .at(span, why)
                        .with_help("dates are written YYYY-MM-DD, like `2027-01-04`"),
                );
                None
            }
        }
    }

    /// Minutes after midnight; `24:00` only where `end_allowed`.
    pub fn time_of_day(&mut self, text: &str, span: Span, end_allowed: bool) -> Option<u16> {
        let (h, m) = text.split_once(':')?;
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        let ok = (h < 24 && m < 60) || (end_allowed && h == 24 && m == 0);
        if !ok {
            let why = if m >= 60 {
                "minutes go from 00 to 59".to_string()
            } else if h == 24 && !end_allowed {
                "`24:00` may only end a range of hours".to_string()
            } else if h == 24 {
                "`24:00` is the latest time of day".to_string()
            } else {
                "hours go from 00 to 23".to_string()
            };
            self.diags.push(
                Diagnostic::error(
                    codes::INVALID_TIME,
                    format!("`{text}` is not a time of day"),
                )
                .at(span, why)
                .with_help("times are written HH:MM, like `09:30`; `24:00` may end a range"),
            );
            return None;
        }
        Some(h * 60 + m)
    }

    pub fn time_range(
        &mut self,
        from: Lexeme<'_>,
        to: Lexeme<'_>,
        span: Span,
    ) -> Option<TimeRange> {
        let from = self.time_of_day(from.0, from.1, false);
        let to = self.time_of_day(to.0, to.1, true);
        let (from, to) = (from?, to?);
        if to <= from {
            self.diags.push(
                Diagnostic::error(
                    codes::EMPTY_RANGE,
                    "this range of hours ends before it starts",
                )
                .at(span, "the end must come after the start")
                .with_help(
                    "night shifts are written as two ranges: `22:00..24:00` and `00:00..06:00`",
                ),
            );
            return None;
        }
        Some(TimeRange { from, to, span })
    }

    pub fn date_span(
        &mut self,
        first: Lexeme<'_>,
        last: Option<Lexeme<'_>>,
        span: Span,
    ) -> Option<DateSpan> {
        let first_day = self.date(first.0, first.1);
        let last_day = match last {
            Some((text, s)) => self.date(text, s),
            None => first_day,
        };
        let (first, last) = (first_day?, last_day?);
        if last < first {
            self.diags.push(
                Diagnostic::error(
                    codes::EMPTY_RANGE,
                    "this range of dates ends before it starts",
                )
                .at(span, "the last day must not come before the first"),
            );
            return None;
        }
        Some(DateSpan { first, last, span })
    }
}

/// Durations longer than this many minutes (about 200 years of 24-hour
/// days) are rejected as too large.
const MAX_DURATION_MINUTES: i64 = 200 * 366 * 1440;

pub(super) fn weekday(text: &str) -> Weekday {
    match text {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

/// Is a decimal above 100 (exactly, before any rounding)?
fn exceeds_hundred(value: Decimal) -> bool {
    let hundred = 10i128.pow(u32::from(value.scale)) * 100;
    i128::from(value.digits) > hundred
}

/// Parses `123` or `12.50` exactly; `None` if it does not fit.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = frac.trim_end_matches('0');
    let scale = u8::try_from(frac.len()).ok()?;
    if scale > 9 {
        return None;
    }
    let digits: i64 = format!("{whole}{frac}").parse().ok()?;
    Some(Decimal { digits, scale })
}

/// The first `\u{...}` escape that names no character, if any.
fn invalid_unicode_escape(raw: &str) -> Option<String> {
    let mut rest = raw;
    while let Some(i) = rest.find("\\u{") {
        let after = &rest[i + 3..];
        let hex: String = after.chars().take_while(|&c| c != '}').collect();
        let valid = u32::from_str_radix(&hex, 16)
            .ok()
            .and_then(char::from_u32)
            .is_some();
        let preceded_by_backslash =
            rest[..i].chars().rev().take_while(|&c| c == '\\').count() % 2 == 1;
        if !valid && !preceded_by_backslash {
            return Some(format!("\\u{{{hex}}}"));
        }
        rest = &rest[i + 3..];
    }
    None
}

/// Resolves the escapes of a string the grammar accepted.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                out.push(ch.unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// A text block loses its first newline and the indentation common to its
/// lines, so that it can be indented with the plan.
fn dedent_block(raw: &str) -> String {
    let raw = raw.strip_prefix('\n').unwrap_or(raw);
    let raw = raw.strip_prefix("\r\n").unwrap_or(raw);
    let indent = raw
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = raw
        .lines()
        .map(|l| l.get(indent..).unwrap_or(l.trim_start()))
        .collect();
    lines.join("\n").trim_end().to_string()
}

fn days_in_month(year: i16, month: i8) -> i8 {
    jiff::civil::Date::new(year, month, 1)
        .map(|d| d.days_in_month())
        .unwrap_or(31)
}

fn month_name(month: i8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES
        .get((month - 1) as usize)
        .copied()
        .unwrap_or("that month")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(
            parse_decimal("2.50"),
            Some(Decimal {
                digits: 25,
                scale: 1
            })
        );
        assert_eq!(
            parse_decimal("42"),
            Some(Decimal {
                digits: 42,
                scale: 0
            })
        );
        assert_eq!(parse_decimal("99999999999999999999"), None);
        assert_eq!(parse_decimal("0.0000000001"), None);
    }

    #[test]
    fn text_blocks_are_dedented() {
        assert_eq!(dedent_block("\n    one\n      two\n    "), "one\n  two");
    }

    #[test]
    fn escapes_are_resolved() {
        assert_eq!(unescape(r#"a\"b\\c\nd\u{1F600}"#), "a\"b\\c\nd😀");
    }
}
