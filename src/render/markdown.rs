//! Markdown output: a page to commit next to the plan, with a heading, a
//! summary, the Mermaid chart (split by top-level group when one chart
//! would be too large for GitHub) and a task table.

use super::mermaid;
use super::view::{self, Progress, Row, View};

/// The Markdown page of a plan.
pub fn render(view: &View) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", inline(&view.title)));
    summary(view, &mut out);
    chart(view, &mut out);
    task_table(view, &mut out);
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
            "- **Tasks:** {} ({} on the critical path)",
            view.task_count,
            view.rows
                .iter()
                .filter(|r| r.critical && !r.is_group())
                .count()
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
            view::date(row.start),
            view::end_date(row.start, row.end),
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
