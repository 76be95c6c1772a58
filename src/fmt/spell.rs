//! The one canonical spelling of every value: numbers without needless
//! zeros, date-times with `T`, times with two-digit hours, strings escaped
//! the same way every time. Each function prints a value of the AST, so a
//! spelling can only differ from the original in form, never in value.

use crate::syntax::ast::*;
use jiff::civil::Date;
use std::fmt::Write;

/// `2.5`, `42`, `0.05`: the exact decimal without leading or trailing
/// zeros.
pub fn decimal(value: Decimal) -> String {
    let digits = value.digits.unsigned_abs().to_string();
    let sign = if value.digits < 0 { "-" } else { "" };
    let scale = usize::from(value.scale);
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, frac) = padded.split_at(padded.len() - scale);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

pub fn duration(value: &Duration) -> String {
    format!("{}{}", decimal(value.amount), value.unit.suffix())
}

pub fn percent(value: &Percent) -> String {
    format!("{}%", decimal(value.value))
}

pub fn rate(value: &Rate) -> String {
    let unit = match value.unit {
        RateUnit::Hour => "h",
        RateUnit::Day => "d",
    };
    format!("{}/{unit}", decimal(value.amount))
}

pub fn date(value: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        value.year(),
        value.month(),
        value.day()
    )
}

/// `2027-01-04` or `2027-01-04T09:30`.
pub fn moment(value: &Moment) -> String {
    match value.time {
        Some(t) => format!("{}T{:02}:{:02}", date(value.date), t.hour(), t.minute()),
        None => date(value.date),
    }
}

/// A time of day given in minutes after midnight (`24:00` is 1440).
pub fn time_of_day(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub fn time_range(value: &TimeRange) -> String {
    format!("{}..{}", time_of_day(value.from), time_of_day(value.to))
}

/// A single day for a one-day span, `first..last` otherwise.
pub fn date_span(value: &DateSpan) -> String {
    if value.first == value.last {
        date(value.first)
    } else {
        format!("{}..{}", date(value.first), date(value.last))
    }
}

/// `mon, wed..fri`.
pub fn day_set(days: &[DayItem]) -> String {
    let items: Vec<String> = days
        .iter()
        .map(|d| {
            if d.first == d.last {
                d.first.name().to_string()
            } else {
                format!("{}..{}", d.first.name(), d.last.name())
            }
        })
        .collect();
    items.join(", ")
}

/// A string in double quotes. Only `"`, `\` and control characters are
/// escaped (`\n`, `\t`, else `\u{..}`); everything else is written as is.
pub fn string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A string or a text block, as the author chose. A text block whose text
/// is one line is written `"""text"""`; otherwise its lines go one level
/// deeper than `indent`, between `"""` lines, which the parser's dedent
/// turns back into the same text.
pub fn text(value: &Text, indent: &str) -> String {
    // A `\r` cannot survive the dedent's line splitting: such a text is
    // written as a string, which escapes it.
    if !value.block || value.value.contains('\r') {
        return string(&value.value);
    }
    if fits_inline_block(&value.value) {
        return format!("\"\"\"{}\"\"\"", value.value);
    }
    let inner = format!("{indent}  ");
    let mut out = String::from("\"\"\"\n");
    for line in value.value.split('\n') {
        if !line.is_empty() {
            out.push_str(&inner);
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str(&inner);
    out.push_str("\"\"\"");
    out
}

/// Whether `"""value"""` on one line reads back as `value`: one line, no
/// whitespace the dedent would strip, no quote that would end it early.
fn fits_inline_block(value: &str) -> bool {
    !value.contains(['\n', '\r'])
        && !value.contains("\"\"\"")
        && !value.ends_with('"')
        && value.trim() == value
}

pub fn reference(value: &Reference) -> String {
    value.dotted().to_string()
}

/// `2 qa 50%`.
pub fn assign_item(value: &AssignItem) -> String {
    let mut out = String::new();
    if let Some(count) = &value.count {
        out.push_str(&decimal(count.value));
        out.push(' ');
    }
    out.push_str(&reference(&value.resource));
    if let Some(p) = &value.percent {
        out.push(' ');
        out.push_str(&percent(p));
    }
    out
}

/// `alice, bob 50%, any of carol, dave`.
pub fn assign_list(value: &AssignList) -> String {
    let mut parts: Vec<String> = value.items.iter().map(assign_item).collect();
    if let Some((_, any)) = value.any_of.as_deref() {
        let names: Vec<String> = any.iter().map(assign_item).collect();
        parts.push(format!("any of {}", names.join(", ")));
    }
    parts.join(", ")
}

/// `start of design + 2d`; the kind's `finish` is part of the keyword.
pub fn dependency(value: &Dependency) -> String {
    let mut out = String::new();
    if matches!(value.kind, DepKind::StartToStart | DepKind::StartToFinish) {
        out.push_str("start of ");
    }
    out.push_str(&reference(&value.target));
    if let Some((positive, lag)) = value.lag.as_deref() {
        out.push_str(if *positive { " + " } else { " - " });
        out.push_str(&duration(lag));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(digits: i64, scale: u8) -> Decimal {
        Decimal { digits, scale }
    }

    #[test]
    fn decimals_lose_needless_zeros() {
        assert_eq!(decimal(dec(25, 1)), "2.5");
        assert_eq!(decimal(dec(250, 2)), "2.5");
        assert_eq!(decimal(dec(5, 2)), "0.05");
        assert_eq!(decimal(dec(40, 0)), "40");
        assert_eq!(decimal(dec(0, 0)), "0");
        assert_eq!(decimal(dec(100, 2)), "1");
    }

    #[test]
    fn strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(
            string("a\"b\\c\nd\te\r😀"),
            "\"a\\\"b\\\\c\\nd\\te\\u{D}😀\""
        );
    }

    #[test]
    fn one_line_text_blocks_stay_inline_unless_a_quote_ends_them() {
        let block = |value: &str| Text {
            value: value.to_string(),
            block: true,
            span: crate::source::Span::new(crate::source::FileId(0), 0, 0),
        };
        assert_eq!(
            text(&block("say \"hi\" now"), ""),
            "\"\"\"say \"hi\" now\"\"\""
        );
        assert_eq!(
            text(&block("ends \"quoted\""), ""),
            "\"\"\"\n  ends \"quoted\"\n  \"\"\""
        );
        assert_eq!(
            text(&block("one\n\n  two"), "  "),
            "\"\"\"\n    one\n\n      two\n    \"\"\""
        );
    }
}
