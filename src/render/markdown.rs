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
