//! Markdown output: a page to commit next to the plan, with a heading, a
//! summary, the Mermaid chart (split by top-level group when one chart
//! would be too large for GitHub), the task table and, as in the HTML
//! report, the resources, the risk register and the issue log.

use super::mermaid;
use super::view::{self, Progress, Row, View};

/// The Markdown page of a plan.
pub fn render(view: &View) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", inline(&view.title)));
    summary(view, &mut out);
    status_report(view, &mut out);
    chart(view, &mut out);
    task_table(view, &mut out);
    resource_table(view, &mut out);
    risk_register(view, &mut out);
    issue_log(view, &mut out);
    warnings(view, &mut out);
    out
}

fn summary(view: &View, out: &mut String) {
    let mut lines = vec![
        format!(
            "- **Schedule:** {} to {}",
            view::date(view.start),
            view::end_date(view.start, view.end)
        ),
        format!(
            "- **Tasks:** {} ({} on the critical path), {}, {}",
            view.counts.tasks,
            view.rows
                .iter()
                .filter(|r| r.critical && r.kind == view::Kind::Task)
                .count(),
            view::plural(view.counts.groups, "group"),
            view::plural(view.counts.milestones, "milestone")
        ),
        format!("- **Progress:** {}", view.progress),
    ];
    if let Some(deadline) = view.deadline {
        let verdict = if view.end > deadline {
            format!("missed by {}", view::calendar_span(view.end - deadline))
        } else {
            "met".to_string()
        };
        lines.push(format!(
            "- **Deadline:** {} ({verdict})",
            view::deadline_date(deadline)
        ));
    }
    if let Some(now) = view.now {
        lines.push(format!("- **Status date:** {}", view::date(now)));
    }
    let mut cost = format!("- **Cost:** {}", view::money(view.cost, &view.currency));
    if let Some(budget) = view.budget {
        cost.push_str(&format!(
            " of a budget of {}",
            view::money(budget, &view.currency)
        ));
    }
    lines.push(cost);
    if !view.levelled {
        lines.push("- Scheduled without resource levelling (`--no-level`).".to_string());
    }
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
}

/// At most this many tasks in each list of the status report.
const STATUS_ITEMS: usize = 15;

/// The stakeholder status report: what finished, what is under way, what
/// is late, the next milestones against the baseline, the budget and what
/// is open. Only for a plan tracked against a baseline.
fn status_report(view: &View, out: &mut String) {
    let Some(tracked) = &view.tracking else {
        return;
    };
    out.push_str(
        "## Status report

",
    );
    let as_of = view
        .now
        .map_or_else(String::new, |n| format!(" at {}", view::date(n)));
    out.push_str(&format!(
        "Compared with the baseline `{}`{as_of}; variance in working days, positive is later than the baseline.\n\n",
        code(&tracked.baseline)
    ));
    let leaves = || view.rows.iter().filter(|r| r.kind == view::Kind::Task);
    let variance = |r: &Row| {
        tracked
            .of(r)
            .and_then(|k| k.end_variance_days)
            .map_or_else(|| "new".to_string(), signed_days)
    };
    let baseline_end = |r: &Row| {
        tracked
            .of(r)
            .and_then(|k| k.baseline)
            .map_or_else(String::new, |b| view::end_date(b.start, b.end))
    };
    status_list(
        out,
        "Finished",
        leaves().filter(|r| r.status == Progress::Done),
        |r| {
            format!(
                "{} — finished {} ({})",
                cell(&r.title),
                view.end_text(r),
                variance(r)
            )
        },
    );
    status_list(
        out,
        "In progress",
        leaves().filter(|r| r.status == Progress::Active),
        |r| {
            format!(
                "{} — {} done, forecast end {}, baseline {} ({})",
                cell(&r.title),
                r.progress,
                view.end_text(r),
                baseline_end(r),
                variance(r)
            )
        },
    );
    let slipped = |r: &&Row| {
        tracked
            .of(r)
            .and_then(|k| k.end_variance_days)
            .is_some_and(|d| d > 0.0)
    };
    status_list(
        out,
        "Late",
        leaves()
            .filter(|r| r.status == Progress::Late || (r.status != Progress::Done && slipped(r))),
        |r| {
            format!(
                "{} — forecast end {}, baseline {} ({}){}",
                cell(&r.title),
                view.end_text(r),
                baseline_end(r),
                variance(r),
                if r.status == Progress::Late {
                    ", due by the status date"
                } else {
                    ""
                }
            )
        },
    );
    let mut milestones: Vec<&Row> = view
        .rows
        .iter()
        .filter(|r| r.kind == view::Kind::Milestone && r.status != Progress::Done)
        .collect();
    milestones.sort_by_key(|r| r.end);
    milestones.truncate(5);
    status_list(out, "Next milestones", milestones.into_iter(), |r| {
        format!(
            "{} — forecast {}, baseline {} ({})",
            cell(&r.title),
            view.end_text(r),
            baseline_end(r),
            variance(r)
        )
    });
    budget_status(view, tracked, out);
    open_items(view, out);
}

/// A titled list of at most [`STATUS_ITEMS`] rows; "none" when empty.
fn status_list<'r>(
    out: &mut String,
    title: &str,
    rows: impl Iterator<Item = &'r Row>,
    line: impl Fn(&Row) -> String,
) {
    out.push_str(&format!("**{title}**\n\n"));
    let rows: Vec<&Row> = rows.collect();
    if rows.is_empty() {
        out.push_str("- none\n");
    }
    for r in rows.iter().take(STATUS_ITEMS) {
        out.push_str(&format!("- {}\n", line(r)));
    }
    if rows.len() > STATUS_ITEMS {
        out.push_str(&format!("- … and {} more\n", rows.len() - STATUS_ITEMS));
    }
    out.push('\n');
}

fn budget_status(view: &View, tracked: &view::Tracked, out: &mut String) {
    out.push_str("**Budget**\n\n");
    let c = &view.currency;
    if let Some(budget) = view.budget {
        out.push_str(&format!(
            "- Budget {}; planned cost now {}\n",
            view::money(budget, c),
            view::money(view.cost, c)
        ));
    }
    match tracked.project {
        Some(f) => {
            let index = |x: Option<f64>| x.map_or_else(|| "–".to_string(), |x| format!("{x:.2}"));
            out.push_str(&format!(
                "- Earned value {} of {} planned (SPI {}, SPI(t) {}); actual cost {} (CPI {})\n",
                view::money(f.ev, c),
                view::money(f.pv, c),
                index(f.spi()),
                index(f.spi_t()),
                view::money(f.ac, c),
                index(f.cpi())
            ));
            out.push_str(&format!(
                "- Budget at completion {}; estimate at completion {}; variance at completion {}\n",
                view::money(f.bac, c),
                f.eac()
                    .map_or_else(|| "–".to_string(), |e| view::money(e, c)),
                f.vac()
                    .map_or_else(|| "–".to_string(), |v| view::money(v, c))
            ));
        }
        None => out.push_str("- No status date: no earned value.\n"),
    }
    out.push('\n');
}

fn open_items(view: &View, out: &mut String) {
    out.push_str("**Open risks and issues**\n\n");
    let risks: Vec<_> = view.risks.iter().filter(|r| r.open).collect();
    let issues: Vec<_> = view.issues.iter().filter(|i| i.open).collect();
    if risks.is_empty() && issues.is_empty() {
        out.push_str("- none\n");
    }
    for r in risks.iter().take(STATUS_ITEMS) {
        out.push_str(&format!(
            "- Risk: {} — exposure {}\n",
            cell(&r.title),
            r.exposure(view.day_minutes, &view.currency)
        ));
    }
    for i in issues.iter().take(STATUS_ITEMS) {
        out.push_str(&format!(
            "- Issue ({}): {}\n",
            i.severity.as_str(),
            cell(&i.title)
        ));
    }
    out.push('\n');
}

/// `+2 d`, `-0.5 d`, `on time`.
fn signed_days(d: f64) -> String {
    if d > 0.0 {
        format!("+{d} d")
    } else if d < 0.0 {
        format!("{d} d")
    } else {
        "on time".to_string()
    }
}

fn chart(view: &View, out: &mut String) {
    out.push_str("## Timeline\n\n");
    if let Some(whole) = mermaid::render_within(view, mermaid::GITHUB_LIMIT) {
        fence(&whole, out);
        return;
    }
    out.push_str("The chart is too large for one Mermaid diagram on GitHub, so it is split by top-level group.\n\n");
    for (title, text) in mermaid::render_split(view) {
        out.push_str(&format!("### {}\n\n", inline(&title)));
        if text.len() > mermaid::GITHUB_LIMIT {
            out.push_str("_This group alone is too large for GitHub; build with `--depth` to collapse it._\n\n");
        }
        fence(&text, out);
    }
}

fn fence(text: &str, out: &mut String) {
    out.push_str("```mermaid\n");
    out.push_str(text);
    out.push_str("```\n\n");
}

fn task_table(view: &View, out: &mut String) {
    out.push_str("## Tasks\n\n");
    out.push_str("| Task | Start | End | Effort | Assigned | Slack | Progress | Cost |\n");
    out.push_str("|---|---|---|--:|---|--:|--:|--:|\n");
    for row in &view.rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            title_cell(view, row),
            view.start_text(row),
            view.end_text(row),
            if row.is_milestone() {
                String::new()
            } else {
                view::work_days(row.work, view.day_minutes)
            },
            cell(&row.assignees.join(", ")),
            view::work_days(row.slack, view.day_minutes),
            row.progress,
            view::money(row.cost, &view.currency),
        ));
    }
    out.push('\n');
}

/// Indented title with markers for groups, milestones, the critical path,
/// missed deadlines and open issues.
fn title_cell(view: &View, row: &Row) -> String {
    let mut text = "&nbsp;&nbsp;".repeat(row.depth as usize);
    let title = cell(&row.title);
    if row.is_group() {
        text.push_str(&format!("**{title}**"));
    } else if row.is_milestone() {
        text.push_str(&format!("◆ {title}"));
    } else {
        text.push_str(&title);
    }
    if row.critical && !row.is_group() {
        text.push_str(" 🔴");
    }
    if row.status == Progress::Late {
        text.push_str(" _(late)_");
    }
    if let Some(overrun) = row.overrun {
        text.push_str(&format!(
            " _(deadline missed by {})_",
            view::calendar_span(overrun)
        ));
    }
    for &i in &row.issues {
        if let Some(issue) = view.issues.get(i) {
            text.push_str(&format!(" ⚠ {}", cell(&issue.title)));
        }
    }
    text
}

/// As the HTML report's resource table; a week-by-week strip does not fit
/// in Markdown, so the busiest week stands for it.
fn resource_table(view: &View, out: &mut String) {
    if view.resources.is_empty() {
        return;
    }
    out.push_str("## Resources\n\n");
    out.push_str("| Resource | Role | Booked | Utilisation | Cost | Busiest week |\n");
    out.push_str("|---|---|--:|--:|--:|---|\n");
    for r in &view.resources {
        let peak = r
            .peak(&view.weeks)
            .map_or_else(String::new, |(week, load)| {
                let share = if load.is_finite() {
                    format!("{}%", (load * 100.0).round())
                } else {
                    "booked with no working time".to_string()
                };
                let over = if load > 1.005 {
                    " **over-allocated**"
                } else {
                    ""
                };
                format!("{share} (week of {}){over}", view::date(week.start()))
            });
        out.push_str(&format!(
            "| {} | {} | {} | {}% | {} | {peak} |\n",
            cell(&r.name),
            cell(r.role.as_deref().unwrap_or_default()),
            view::work_days(r.booked, view.day_minutes),
            (r.utilisation * 100.0).round(),
            view::money(r.cost, &view.currency),
        ));
    }
    out.push('\n');
}

/// Open risks first, by expected delay then expected cost (as in HTML).
fn risk_register(view: &View, out: &mut String) {
    if view.risks.is_empty() {
        return;
    }
    out.push_str("## Risk register\n\n");
    out.push_str("| Risk | Chance | Impact | Exposure | Affects | Owner | Response |\n");
    out.push_str("|---|--:|---|---|---|---|---|\n");
    for r in &view.risks {
        let closed = if r.open { "" } else { " _(closed)_" };
        out.push_str(&format!(
            "| {} `{}`{closed} | {} | {} | **{}** | {} | {} | {} |\n",
            cell(&r.title),
            code(&r.id),
            r.chance.map(|c| c.to_string()).unwrap_or_default(),
            r.impact(view.day_minutes, &view.currency),
            r.exposure(view.day_minutes, &view.currency),
            cell(&r.affects.join(", ")),
            cell(r.owner.as_deref().unwrap_or_default()),
            cell(r.response.as_deref().unwrap_or_default()),
        ));
    }
    out.push_str("\nExposure is chance × impact.\n\n");
}

/// Open issues first, the most severe first (as in HTML).
fn issue_log(view: &View, out: &mut String) {
    if view.issues.is_empty() {
        return;
    }
    out.push_str("## Issue log\n\n");
    out.push_str("| Issue | Severity | Status | Raised | Owner | Affects | Note / resolution |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for i in &view.issues {
        out.push_str(&format!(
            "| {} `{}` | {} | {} | {} | {} | {} | {} |\n",
            cell(&i.title),
            code(&i.id),
            i.severity.as_str(),
            if i.open { "open" } else { "closed" },
            i.raised.map(view::date).unwrap_or_default(),
            cell(i.owner.as_deref().unwrap_or_default()),
            cell(&i.affects.join(", ")),
            cell(i.text()),
        ));
    }
    out.push('\n');
}

/// An id inside backticks: ids are plain words, but a stray backtick or
/// bar would still end the span or the cell.
fn code(id: &str) -> String {
    id.replace(['`', '|'], "")
}

fn warnings(view: &View, out: &mut String) {
    if view.warnings.is_empty() {
        return;
    }
    out.push_str("## Warnings\n\n");
    for w in &view.warnings {
        out.push_str(&format!("- {}\n", inline(w)));
    }
    out.push('\n');
}

/// Text inside a table cell: one line, `|` escaped, Markdown and HTML
/// syntax neutralised so a title shows as written.
pub fn cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}

/// Text on one line of Markdown: newlines become spaces, characters that
/// start Markdown or HTML syntax are backslash-escaped or written as
/// entities.
pub fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_control() => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_on_one_line_and_in_their_column() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
        assert_eq!(cell("<script>x</script>"), "&lt;script&gt;x&lt;/script&gt;");
        assert_eq!(inline("*bold* `code`"), "\\*bold\\* \\`code\\`");
    }
}
