//! The report as text for a terminal, Markdown for a pull-request comment,
//! or JSON for tools (docs/diff.schema.json).

use super::compare::{CostChange, Moved, Report};
use super::snapshot::{moment, number};
use crate::units::{Moment, Money};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Plain text; with ANSI colour when `colour`.
    Text {
        colour: bool,
    },
    Markdown,
    Json,
}

/// The report in `format`, ending with a newline.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text { colour } => text(report, colour),
        Format::Markdown => markdown(report),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report)
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            s.push('\n');
            s
        }
    }
}

/// The day an end moment falls on: an end at midnight is the day before.
fn end_day(iso: &str) -> String {
    let Ok(m) = moment(iso) else {
        return iso.to_string();
    };
    let day = if m.minute_of_day() == 0 {
        Moment(m.0 - 1).day()
    } else {
        m.day()
    };
    day.to_date()
        .map_or_else(|| iso.to_string(), |d| d.to_string())
}

/// `slips 9 working days`, `3 working days earlier`, `same working time`.
fn slip_words(days: f64) -> String {
    let unit = |d: f64| {
        if d == 1.0 {
            "working day"
        } else {
            "working days"
        }
    };
    if days > 0.0 {
        format!("slips {} {}", number(days), unit(days))
    } else if days < 0.0 {
        format!("{} {} earlier", number(-days), unit(-days))
    } else {
        "no working time lost".to_string()
    }
}

/// `+9d`, `-2.5d`, `0d`: the slip in a table cell.
fn slip_cell(days: f64) -> String {
    if days > 0.0 {
        format!("+{}d", number(days))
    } else {
        format!("{}d", number(days))
    }
}

fn met(m: Option<bool>) -> &'static str {
    match m {
        Some(true) => "met",
        Some(false) => "missed",
        None => "none",
    }
}

/// `met`, `met -> missed`; empty without deadlines on either side.
fn deadline_change(old: Option<bool>, new: Option<bool>) -> String {
    match (old, new) {
        (None, None) => String::new(),
        (o, n) if o == n => met(n).to_string(),
        (o, n) => format!("{} -> {}", met(o), met(n)),
    }
}

fn within(m: Option<bool>) -> &'static str {
    match m {
        Some(true) => "within",
        Some(false) => "over",
        None => "none",
    }
}

fn money(x: f64) -> String {
    Money((x * 100.0).round() as i64).to_string()
}

fn money_change(old: f64, new: f64, currency: Option<&str>) -> String {
    let cur = currency.map_or(String::new(), |c| format!("{c} "));
    let delta = new - old;
    let sign = if delta >= 0.0 { "+" } else { "" };
    if old == new {
        format!("{cur}{}", money(new))
    } else {
        format!(
            "{cur}{} -> {} ({sign}{})",
            money(old),
            money(new),
            money(delta)
        )
    }
}

/// The one line that says what matters most.
fn summary(r: &Report) -> String {
    if r.is_empty() {
        return format!("{}: no schedule change", r.title);
    }
    let deadline = match r.end.deadline_met_new {
        Some(false) => ", deadline missed",
        Some(true) if r.end.deadline_met_old == Some(false) => ", deadline met again",
        Some(true) => ", deadline met",
        None => "",
    };
    let deadline = format!("{deadline}{}", milestone_deadlines(r));
    let (old, new) = (end_day(&r.end.old), end_day(&r.end.new));
    let d = r.end.slip_days;
    if d > 0.0 {
        format!("{} {}: {old} -> {new}{deadline}", r.title, slip_words(d))
    } else if d < 0.0 {
        format!(
            "{} ends {}: {old} -> {new}{deadline}",
            r.title,
            slip_words(d)
        )
    } else {
        format!("{} ends as before, {new}{deadline}", r.title)
    }
}

/// `, now missing its deadline: \`launch\``: milestones that met their
/// deadline and no longer do.
fn milestone_deadlines(r: &Report) -> String {
    let missed: Vec<String> = r
        .milestones
        .iter()
        .filter(|m| m.deadline_met_new == Some(false) && m.deadline_met_old != Some(false))
        .map(|m| format!("`{}`", m.id))
        .collect();
    match missed.len() {
        0 => String::new(),
        1 => format!(", now missing its deadline: {}", missed[0]),
        n if n <= 3 => format!(", now missing their deadlines: {}", missed.join(", ")),
        n => format!(", {n} milestones now missing their deadlines"),
    }
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    /// Red for later, green for earlier.
    fn slip(&self, days: f64, s: &str) -> String {
        if days > 0.0 {
            self.wrap("31", s)
        } else if days < 0.0 {
            self.wrap("32", s)
        } else {
            s.to_string()
        }
    }
}

fn text(r: &Report, colour: bool) -> String {
    let p = Paint { on: colour };
    let mut out = format!(
        "{}\n",
        p.bold(&format!("{} -> {}: {}", r.old, r.new, summary(r)))
    );
    if r.is_empty() {
        return out;
    }
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    let dl = deadline_change(r.end.deadline_met_old, r.end.deadline_met_new);
    let dl = if dl.is_empty() {
        String::new()
    } else {
        format!("  deadline {dl}")
    };
    if r.end.old == r.end.new {
        line(format!(
            "\n{}  {}, unchanged{dl}",
            p.bold("End"),
            end_day(&r.end.new)
        ));
    } else {
        line(format!(
            "\n{}  {} -> {}  {}{dl}",
            p.bold("End"),
            end_day(&r.end.old),
            end_day(&r.end.new),
            p.slip(r.end.slip_days, &slip_words(r.end.slip_days)),
        ));
    }
    if !r.milestones.is_empty() {
        line(p.bold("\nMilestones"));
        for m in &r.milestones {
            let dl = deadline_change(m.deadline_met_old, m.deadline_met_new);
            line(format!(
                "  {}  {} -> {}  {}{}",
                m.id,
                end_day(&m.old),
                end_day(&m.new),
                p.slip(m.slip_days, &slip_words(m.slip_days)),
                if dl.is_empty() {
                    String::new()
                } else {
                    format!("  deadline {dl}")
                }
            ));
        }
    }
    let c = &r.cost;
    if c.old != c.new || c.within_budget_old != c.within_budget_new || !c.groups.is_empty() {
        let budget = budget_status(c, "  budget");
        line(format!(
            "\n{}  {}{budget}",
            p.bold("Cost"),
            money_change(c.old, c.new, c.currency.as_deref())
        ));
        for g in &c.groups {
            line(format!("  {}  {}", g.id, money_change(g.old, g.new, None)));
        }
    }
    if !r.critical_joined.is_empty() || !r.critical_left.is_empty() {
        line(p.bold("\nCritical path"));
        list_line(&mut line, "joins", &r.critical_joined);
        list_line(&mut line, "leaves", &r.critical_left);
    }
    if !r.added.is_empty() || !r.removed.is_empty() || !r.renamed.is_empty() {
        line(p.bold("\nTasks"));
        list_line(&mut line, "added", &r.added);
        list_line(&mut line, "removed", &r.removed);
        let renamed: Vec<String> = r
            .renamed
            .iter()
            .map(|n| format!("{} -> {}", n.old, n.new))
            .collect();
        list_line(&mut line, "renamed", &renamed);
    }
    if !r.moved.is_empty() {
        line(p.bold(&format!("\nMoved ({})", r.moved.len())));
        for m in &r.moved {
            line(format!(
                "  {}  {} -> {}  {}\n      why: {}",
                m.id,
                span(&m.old_start, &m.old_end),
                span(&m.new_start, &m.new_end),
                p.slip(m.slip_days, &slip_words(m.slip_days)),
                m.why
            ));
        }
    }
    if !r.changed.is_empty() {
        line(p.bold("\nChanged"));
        for c in &r.changed {
            line(format!("  {}  {}", c.id, c.what.join("; ")));
        }
    }
    if !r.overallocations_new.is_empty() || !r.overallocations_gone.is_empty() {
        line(p.bold("\nOver-allocation"));
        for o in &r.overallocations_new {
            line(format!("  new   {o}"));
        }
        for o in &r.overallocations_gone {
            line(format!("  gone  {o}"));
        }
    }
    out
}

fn list_line(line: &mut impl FnMut(String), what: &str, items: &[String]) {
    if !items.is_empty() {
        line(format!("  {what}  {}", items.join(", ")));
    }
}

/// `2027-02-01..2027-03-10`; a milestone's one day alone.
fn span(start: &str, end: &str) -> String {
    let (s, e) = (start_day(start), end_day(end));
    if start == end || s == e {
        e
    } else {
        format!("{s}..{e}")
    }
}

fn start_day(iso: &str) -> String {
    iso.split_once('T').map_or(iso, |(d, _)| d).to_string()
}

/// Rows of the main Markdown tables before the rest is folded away, so
/// that a pull-request comment stays about sixty lines.
const MOVED_SHOWN: usize = 15;
const CHANGED_SHOWN: usize = 10;
const MILESTONES_SHOWN: usize = 10;
const LIST_SHOWN: usize = 20;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn code_list(items: &[String]) -> String {
    let shown: Vec<String> = items
        .iter()
        .take(LIST_SHOWN)
        .map(|i| format!("`{}`", cell(i)))
        .collect();
    let more = items.len().saturating_sub(LIST_SHOWN);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

fn markdown(r: &Report) -> String {
    let mut out = format!("**{}**\n", cell(&summary(r)));
    if r.is_empty() {
        return out;
    }
    let mut folded = String::new();
    out.push_str(&format!("\n`{}` -> `{}`\n\n", cell(&r.old), cell(&r.new)));
    out.push_str("| | old | new | slip | deadline |\n|---|---|---|---|---|\n");
    out.push_str(&format!(
        "| **end** | {} | {} | {} | {} |\n",
        end_day(&r.end.old),
        end_day(&r.end.new),
        slip_cell(r.end.slip_days),
        deadline_change(r.end.deadline_met_old, r.end.deadline_met_new)
    ));
    for (i, m) in r.milestones.iter().enumerate() {
        let row = format!(
            "| `{}` {} | {} | {} | {} | {} |\n",
            cell(&m.id),
            cell(&m.title),
            end_day(&m.old),
            end_day(&m.new),
            slip_cell(m.slip_days),
            deadline_change(m.deadline_met_old, m.deadline_met_new)
        );
        if i < MILESTONES_SHOWN {
            out.push_str(&row);
        } else {
            folded_table(
                &mut folded,
                "More milestones",
                "| | old | new | slip | deadline |\n|---|---|---|---|---|\n",
                i == MILESTONES_SHOWN,
                &row,
            );
        }
    }
    let c = &r.cost;
    if c.old != c.new || c.within_budget_old != c.within_budget_new {
        let budget = budget_status(c, ", budget");
        out.push_str(&format!(
            "\n**Cost** {}{budget}\n",
            money_change(c.old, c.new, c.currency.as_deref())
        ));
        if !c.groups.is_empty() {
            let groups: Vec<String> = c
                .groups
                .iter()
                .map(|g| format!("`{}` {}", cell(&g.id), money_change(g.old, g.new, None)))
                .collect();
            out.push_str(&format!("by group: {}\n", groups.join("; ")));
        }
    }
    let mut facts = Vec::new();
    if !r.critical_joined.is_empty() {
        facts.push(format!(
            "**Joined the critical path:** {}",
            code_list(&r.critical_joined)
        ));
    }
    if !r.critical_left.is_empty() {
        facts.push(format!(
            "**Left the critical path:** {}",
            code_list(&r.critical_left)
        ));
    }
    if !r.added.is_empty() {
        facts.push(format!("**Added:** {}", code_list(&r.added)));
    }
    if !r.removed.is_empty() {
        facts.push(format!("**Removed:** {}", code_list(&r.removed)));
    }
    if !r.renamed.is_empty() {
        let renamed: Vec<String> = r
            .renamed
            .iter()
            .map(|n| format!("`{}` -> `{}`", cell(&n.old), cell(&n.new)))
            .collect();
        facts.push(format!("**Renamed:** {}", renamed.join(", ")));
    }
    if !facts.is_empty() {
        out.push('\n');
        for f in facts {
            out.push_str(&format!("- {f}\n"));
        }
    }
    const MOVED_HEAD: &str = "| task | old | new | slip | why |\n|---|---|---|---|---|\n";
    if !r.moved.is_empty() {
        out.push_str(&format!("\n**Moved** ({})\n\n{MOVED_HEAD}", r.moved.len()));
        for (i, m) in r.moved.iter().enumerate() {
            let row = moved_row(m);
            if i < MOVED_SHOWN {
                out.push_str(&row);
            } else {
                folded_table(
                    &mut folded,
                    "More moved tasks",
                    MOVED_HEAD,
                    i == MOVED_SHOWN,
                    &row,
                );
            }
        }
    }
    const CHANGED_HEAD: &str = "| task | change |\n|---|---|\n";
    if !r.changed.is_empty() {
        out.push_str(&format!(
            "\n**Changed** ({})\n\n{CHANGED_HEAD}",
            r.changed.len()
        ));
        for (i, c) in r.changed.iter().enumerate() {
            let row = format!("| `{}` | {} |\n", cell(&c.id), cell(&c.what.join("; ")));
            if i < CHANGED_SHOWN {
                out.push_str(&row);
            } else {
                folded_table(
                    &mut folded,
                    "More changed tasks",
                    CHANGED_HEAD,
                    i == CHANGED_SHOWN,
                    &row,
                );
            }
        }
    }
    if !r.overallocations_new.is_empty() || !r.overallocations_gone.is_empty() {
        out.push_str("\n**Over-allocation**\n\n");
        for o in &r.overallocations_new {
            out.push_str(&format!("- new: {}\n", cell(o)));
        }
        for o in &r.overallocations_gone {
            out.push_str(&format!("- gone: {}\n", cell(o)));
        }
    }
    if !folded.is_empty() {
        out.push_str(&format!(
            "\n<details><summary>The rest</summary>\n{folded}\n</details>\n"
        ));
    }
    out
}

fn moved_row(m: &Moved) -> String {
    format!(
        "| `{}` | {} | {} | {} | {} |\n",
        cell(&m.id),
        span(&m.old_start, &m.old_end),
        span(&m.new_start, &m.new_end),
        slip_cell(m.slip_days),
        cell(&m.why)
    )
}

/// Appends a row to the folded part, with the table's heading first.
fn folded_table(folded: &mut String, title: &str, head: &str, first: bool, row: &str) {
    if first {
        folded.push_str(&format!("\n**{title}**\n\n{head}"));
    }
    folded.push_str(row);
}

/// `{lead} AMOUNT: within|over`, or the change of that status; empty
/// without a budget on the new side.
fn budget_status(c: &CostChange, lead: &str) -> String {
    let Some(b) = c.budget_new else {
        return String::new();
    };
    let status = if c.within_budget_old == c.within_budget_new {
        within(c.within_budget_new).to_string()
    } else {
        format!(
            "{} -> {}",
            within(c.within_budget_old),
            within(c.within_budget_new)
        )
    };
    format!("{lead} {}: {status}", money(b))
}
