//! A Markdown summary for a README or a pull request: the dates table, the
//! plan's chance, the drivers, the risks and the cost.

use super::{date_rows, day, deadline, name, percent, plan_chance, settings_line, top_sensitive};
use crate::simulate::Report;
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Schedule risk: {}\n", escape(&report.title));
    let _ = writeln!(out, "{}.\n", settings_line(report));
    let _ = writeln!(out, "{}\n", plan_chance(report));
    let _ = writeln!(
        out,
        "| | plan | mean | P10 | P50 | P80 | P90 | P95 | deadline |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for d in date_rows(report) {
        let met = match (d.deadline, d.deadline_probability) {
            (Some(when), Some(p)) => format!("{} by {}", percent(p), deadline(when)),
            _ => "–".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {met} |",
            escape(name(d)),
            day(d.deterministic),
            day(d.mean),
            day(d.p10),
            day(d.p50),
            day(d.p80),
            day(d.p90),
            day(d.p95)
        );
    }
    if report.nothing_varies() {
        return out;
    }
    let top = top_sensitive(report);
    if !top.is_empty() {
        let _ = writeln!(out, "\n| task | sensitivity | critical in |");
        let _ = writeln!(out, "|---|---:|---:|");
        for t in top {
            let _ = writeln!(
                out,
                "| {} | {:+.2} | {} |",
                escape(&t.id),
                t.sensitivity,
                percent(t.criticality)
            );
        }
    }
    if !report.risks.is_empty() {
        let _ = writeln!(
            out,
            "\n| risk | happened in | effect on P80 (working days) |"
        );
        let _ = writeln!(out, "|---|---:|---:|");
        for r in &report.risks {
            let _ = writeln!(
                out,
                "| {} | {} | {:+.1} |",
                escape(&r.id),
                percent(r.occurred),
                r.p80_impact_days
            );
        }
    }
    let _ = write!(out, "\n{}", super::cost_line(report));
    let _ = writeln!(out, ".");
    out
}

/// Text in a table cell: `|` would end the cell, `<` start a tag.
fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('<', "&lt;")
}
