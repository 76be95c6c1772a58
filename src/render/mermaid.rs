//! Mermaid Gantt output: the computed dates written out task by task, never
//! Mermaid's own scheduling (its `after`, durations and `excludes` have
//! known bugs, and an unknown id silently starts a task "today").
//!
//! What the emitter relies on, measured with mermaid 12.3: `dateFormat` must
//! be set or explicit end dates are ignored; end dates are exclusive (our
//! ends are exclusive too, and with dates alone a bar ends on the day after
//! its last); `todayMarker off` keeps the output reproducible;
//! tags come first in the metadata, then id, start and end. Names have no
//! quoting, so every character Mermaid would read as syntax is written as a
//! `#N;` entity, which Mermaid decodes back for display (see [`name`]).

use super::view::{date, date_time, last_day, Kind, Row, View};
use crate::schedule::TaskState;
use crate::units::{Day, Moment};

/// GitHub replaces larger charts with an error box.
pub const GITHUB_LIMIT: usize = 50_000;

/// The `gantt` diagram of a whole plan.
pub fn render(view: &View) -> String {
    let rows: Vec<usize> = (0..view.rows.len()).collect();
    let mut text = chart(view, &view.title, &rows);
    if text.len() > GITHUB_LIMIT {
        let note = format!(
            "%% planc: this chart has {} characters; GitHub shows charts of at most {GITHUB_LIMIT}.\n\
             %% Build with `--depth 1` or `--depth 2`, or use `--format markdown`, which splits it by top-level group.\n",
            text.len()
        );
        text.insert_str(0, &note);
    }
    text
}

/// The chart of the whole plan when it takes at most `limit` bytes; `None`
/// as soon as it grows past them, without writing the rest.
pub fn render_within(view: &View, limit: usize) -> Option<String> {
    let rows: Vec<usize> = (0..view.rows.len()).collect();
    chart_within(view, &view.title, &rows, limit)
}

/// One chart per top-level group (and one for the top-level tasks outside
/// any group), for plans too large for one chart.
pub fn render_split(view: &View) -> Vec<(String, String)> {
    // Rows by top-level group, in one pass (not one pass per group).
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); view.rows.len()];
    for (j, row) in view.rows.iter().enumerate() {
        if let Some(group) = members.get_mut(row.root) {
            group.push(j);
        }
    }
    let mut charts = Vec::new();
    let mut loose: Vec<usize> = Vec::new();
    for (i, row) in view.rows.iter().enumerate() {
        if row.depth != 0 {
            continue;
        }
        if row.is_group() {
            charts.push((row.title.clone(), chart(view, &row.title, &members[i])));
        } else {
            loose.push(i);
        }
    }
    if !loose.is_empty() {
        charts.insert(0, (view.title.clone(), chart(view, &view.title, &loose)));
    }
    charts
}

/// The chart of some rows: top-level groups become sections, their leaves
/// and milestones (and collapsed groups) become bars.
fn chart(view: &View, title: &str, rows: &[usize]) -> String {
    chart_within(view, title, rows, usize::MAX).unwrap_or_default()
}

/// [`chart`], or `None` once it is longer than `limit` bytes.
fn chart_within(view: &View, title: &str, rows: &[usize], limit: usize) -> Option<String> {
    let mut out = String::new();
    out.push_str("gantt\n");
    out.push_str(&format!("    title {}\n", name(title, "Plan")));
    out.push_str(if view.times {
        "    dateFormat YYYY-MM-DD HH:mm\n"
    } else {
        "    dateFormat YYYY-MM-DD\n"
    });
    out.push_str(&format!("    axisFormat {}\n", axis_format(view)));
    out.push_str("    todayMarker off\n");
    let mut section: Option<usize> = None;
    for &i in rows {
        let Some(row) = view.rows.get(i) else {
            continue;
        };
        if !is_bar(row) {
            continue;
        }
        let wanted = if row.depth == 0 && !row.is_group() {
            usize::MAX
        } else {
            row.root
        };
        if section != Some(wanted) {
            let heading = view
                .rows
                .get(wanted)
                .map_or(view.title.as_str(), |r| r.title.as_str());
            out.push_str(&format!("    section {}\n", name(heading, "Tasks")));
            section = Some(wanted);
        }
        out.push_str(&format!(
            "    {} :{}\n",
            name(&row.title, &row.path),
            metadata(view, i, row)
        ));
        if out.len() > limit {
            return None;
        }
    }
    (out.len() <= limit).then_some(out)
}

/// Leaves, milestones and groups collapsed by `--depth` are drawn; open
/// groups are shown by their sections and children.
fn is_bar(row: &Row) -> bool {
    !row.is_group() || row.collapsed
}

/// Tags, then id, start and end: never more than three items after the
/// tags.
fn metadata(view: &View, i: usize, row: &Row) -> String {
    let mut items: Vec<String> = Vec::new();
    if row.critical {
        items.push("crit".into());
    }
    if let Some(state) = state(row.state) {
        items.push(state.into());
    }
    if row.kind == Kind::Milestone {
        items.push("milestone".into());
    }
    items.push(format!("t{i}"));
    let (start, end) = span(view, row);
    items.push(start);
    items.push(end);
    items.join(", ")
}

/// `done` when complete, `active` when started and not finished, else
/// nothing. The actuals alone decide, not the status date: moving `now`
/// rewrites a committed chart's line only where a task's state really
/// changed.
fn state(state: TaskState) -> Option<&'static str> {
    match state {
        TaskState::Done => Some("done"),
        TaskState::InProgress => Some("active"),
        TaskState::NotStarted => None,
    }
}

/// A bar's start and (exclusive) end: exact times with `--times`, else
/// whole days, from its first day to the day after its last, so the bar
/// covers every day the task works on (an end at midnight belongs to the
/// day before).
fn span(view: &View, row: &Row) -> (String, String) {
    if view.times {
        return (date_time(row.start), date_time(row.end));
    }
    if row.kind == Kind::Milestone {
        let at = date(milestone_day(view, row));
        return (at.clone(), at);
    }
    let after_last = Day(last_day(row.start, row.end).0 + 1);
    (date(row.start), date(after_last.start()))
}

/// Where a milestone is drawn when bars cover whole days: one reached as a
/// drawn predecessor ends sits at the end of its day, after that bar; any
/// other at the start of its day, before the tasks it starts.
fn milestone_day(view: &View, row: &Row) -> Moment {
    let at = row.start;
    if at.minute_of_day() == 0 {
        return at;
    }
    let ends_a_bar = row.preds.iter().any(|&(p, _)| {
        view.rows
            .get(p)
            .is_some_and(|pred| !pred.is_milestone() && pred.end == at)
    });
    if ends_a_bar {
        Day(at.day().0 + 1).start()
    } else {
        at.day().start()
    }
}

/// Short labels for long plans, full dates for short ones.
fn axis_format(view: &View) -> &'static str {
    let days = (view.end - view.start).0 / 1440;
    if days > 540 {
        "%b %Y"
    } else {
        "%Y-%m-%d"
    }
}

/// The words Mermaid's gantt lexer (mermaid 12.3, `gantt.jison`) reads as
/// a statement or a click, call or href token when a line starts with them
/// (compared without case, as its rules are `/i`). A name starting with any
/// of them has its first character written as an entity; the browser test
/// reads the installed lexer's rules and tries every one as a title.
const STATEMENTS: &[&str] = &[
    "acctitle",
    "accdescr",
    "href",
    "call",
    "click",
    "gantt",
    "dateformat",
    "inclusiveenddates",
    "topaxis",
    "axisformat",
    "tickinterval",
    "includes",
    "excludes",
    "todaymarker",
    "weekday",
    "weekend",
    "title",
    "section",
];

/// What JavaScript's `\s` matches: Mermaid's lexer skips these at the start
/// of a line and its `trim` drops them, so they count as blank here too.
/// Rust's `char::is_whitespace` is the same set except for U+FEFF (and
/// U+0085, which is a control character and already a space here).
fn is_js_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// A task, section or chart name that Mermaid shows exactly as written:
/// control characters become spaces; `#` `:` `;` `%` `<` `>` `&` `"` `` ` ``
/// become `#N;` entities; a name that would start a statement or a date
/// has its first character written as an entity too. Empty names fall back
/// to `fallback`.
pub fn name(text: &str, fallback: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let trimmed = flat.trim_matches(is_js_blank);
    let source = if trimmed.is_empty() {
        fallback.trim_matches(is_js_blank)
    } else {
        trimmed
    };
    let lower = source.to_lowercase();
    let guard_first = source.starts_with(|c: char| c.is_ascii_digit())
        || STATEMENTS.iter().any(|w| lower.starts_with(w));
    let mut out = String::with_capacity(source.len() + 8);
    for (n, c) in source.chars().enumerate() {
        let special = matches!(
            c,
            '#' | ':'
                | ';'
                | '%'
                | '<'
                | '>'
                | '&'
                | '"'
                | '`'
                | '\\'
                | '{'
                | '}'
                | '\u{b6}'
                | '\u{fb02}'
        );
        if special || (n == 0 && guard_first) {
            out.push_str(&format!("#{};", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    if out.is_empty() {
        out.push_str("#32;");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_characters_become_entities() {
        assert_eq!(name("a: b; c# 5%", "x"), "a#58; b#59; c#35; 5#37;");
        assert_eq!(name("#1;", "x"), "#35;1#59;");
    }

    #[test]
    fn statement_words_and_dates_are_guarded() {
        assert_eq!(name("title page", "x"), "#116;itle page");
        assert_eq!(name("Section 3", "x"), "#83;ection 3");
        assert_eq!(name("2027-01-04 kickoff", "x"), "#50;027-01-04 kickoff");
        assert_eq!(name("Clicker", "x"), "#67;licker");
        assert_eq!(name("Call the vendor", "x"), "#67;all the vendor");
        assert_eq!(name("href site", "x"), "#104;ref site");
    }

    #[test]
    fn blanks_javascript_skips_do_not_hide_a_statement() {
        assert_eq!(name("\u{feff}title Hijacked", "x"), "#116;itle Hijacked");
        assert_eq!(name("\u{a0}\u{3000}section x", "x"), "#115;ection x");
        assert_eq!(name("\u{feff}", "fallback"), "fallback");
    }

    #[test]
    fn newlines_and_empty_names() {
        assert_eq!(name("two\nlines", "x"), "two lines");
        assert_eq!(name(" \n ", "fallback"), "fallback");
        assert_eq!(name("", ""), "#32;");
    }
}
