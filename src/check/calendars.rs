//! Calendars: working days, hours (with per-day overrides) and holidays.

use super::model::{CalendarDef, CalendarId, Closure};
use super::names::FlatNames;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::syntax::ast::{AttrValue, DayItem, Decl, DeclKind, Weekday};
use crate::units::{Day, Minutes};

pub struct Calendars {
    pub defs: Vec<CalendarDef>,
    pub names: FlatNames<CalendarId>,
}

/// Lowers every top-level calendar; the built-in one is id 0.
pub fn lower_all(decls: &[&Decl], diags: &mut Diagnostics) -> Calendars {
    let mut cals = Calendars {
        defs: vec![CalendarDef::builtin()],
        names: FlatNames::new("calendar"),
    };
    for decl in decls.iter().filter(|d| d.kind == DeclKind::Calendar) {
        let Some(id) = &decl.id else { continue };
        let cal_id = CalendarId(cals.defs.len() as u32);
        if let Some(old) = cals.names.add(&id.name, cal_id) {
            let first = cals.defs[old.index()].span;
            let mut d = Diagnostic::error(
                codes::DUPLICATE_ID,
                format!("the calendar `{}` is declared twice", id.name),
            )
            .at(id.span, "declared again here")
            .with_help("give each calendar its own id");
            if let Some(first) = first {
                d = d.also(first, "first declared here");
            }
            diags.push(d);
            continue;
        }
        cals.defs.push(lower(decl, &id.name));
    }
    cals
}

fn lower(decl: &Decl, id: &str) -> CalendarDef {
    let mut workdays: Option<[bool; 7]> = None;
    let mut general: Vec<(u16, u16)> = Vec::new();
    let mut overrides: [Option<Vec<(u16, u16)>>; 7] = Default::default();
    let mut holidays = Vec::new();
    for attr in decl.attrs() {
        match &attr.value {
            AttrValue::Workdays(items) => {
                let set = workdays.get_or_insert([false; 7]);
                for item in items {
                    for day in expand(item) {
                        set[day.index()] = true;
                    }
                }
            }
            AttrValue::Hours(days, ranges) => {
                let ranges: Vec<(u16, u16)> = ranges.iter().map(|r| (r.from, r.to)).collect();
                if days.is_empty() {
                    general.extend(ranges);
                } else {
                    for item in days {
                        for day in expand(item) {
                            overrides[day.index()]
                                .get_or_insert_with(Vec::new)
                                .extend(ranges.iter().copied());
                        }
                    }
                }
            }
            AttrValue::Holiday(when, why) => holidays.push(Closure {
                first: Day::from_date(when.first),
                last: Day::from_date(when.last),
                why: why.as_ref().map(|t| t.value.clone()),
            }),
            _ => {}
        }
    }
    if general.is_empty() {
        general.push((9 * 60, 17 * 60));
    }
    let general = merge(general);
    let workdays = workdays.unwrap_or([true, true, true, true, true, false, false]);
    let week: [Vec<(u16, u16)>; 7] = std::array::from_fn(|d| match &overrides[d] {
        // Hours given for a day make it a working day.
        Some(own) => merge(own.clone()),
        None if workdays[d] => general.clone(),
        None => Vec::new(),
    });
    let day_minutes = Minutes(general.iter().map(|(a, b)| i64::from(b - a)).sum());
    CalendarDef {
        id: id.to_string(),
        title: decl
            .title
            .as_ref()
            .map_or_else(|| id.to_string(), |t| t.value.clone()),
        week,
        holidays,
        day_minutes,
        span: Some(decl.name_span()),
    }
}

/// The weekdays of `mon..fri` or `fri..mon` (wrapping) or `sat`.
pub fn expand(item: &DayItem) -> Vec<Weekday> {
    let (a, b) = (item.first.index(), item.last.index());
    let count = (b + 7 - a) % 7 + 1;
    (0..count).map(|k| Weekday::ALL[(a + k) % 7]).collect()
}

/// Sorted, merged ranges.
fn merge(mut ranges: Vec<(u16, u16)>) -> Vec<(u16, u16)> {
    ranges.sort_unstable();
    let mut out: Vec<(u16, u16)> = Vec::new();
    for (a, b) in ranges {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge() {
        assert_eq!(
            merge(vec![(600, 700), (540, 620), (800, 900)]),
            vec![(540, 700), (800, 900)]
        );
    }
}
