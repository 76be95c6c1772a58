//! What `planc simulate` prints on the terminal: a short table of dates, a
//! text histogram of the end, the most sensitive tasks and the risks.

use super::{date_rows, day, deadline, name, percent, plan_chance, settings_line, top_sensitive};
use crate::simulate::Report;
use std::fmt::Write;

/// Longest bar of the histogram, in characters.
const BAR: u32 = 40;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Simulation of \"{}\": {}",
        report.title,
        settings_line(report)
    );
    let _ = writeln!(out);
    dates_table(&mut out, report);
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", plan_chance(report));
    if report.nothing_varies() {
        return out;
    }
    histogram(&mut out, report);
    sensitive(&mut out, report);
    risks(&mut out, report);
    cost(&mut out, report);
    out
}

fn dates_table(out: &mut String, report: &Report) {
    let width = date_rows(report)
        .map(|d| name(d).len())
        .max()
        .unwrap_or(0)
        .max(4);
    let _ = writeln!(
        out,
        "{:width$}  {:10}  {:10}  {:10}  {:10}  {:10}  {:10}  {:10}  deadline",
        "", "plan", "mean", "P10", "P50", "P80", "P90", "P95"
    );
    for d in date_rows(report) {
        let met = match (d.deadline, d.deadline_probability) {
            (Some(when), Some(p)) => format!("{} by {}", percent(p), deadline(when)),
            _ => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "{:width$}  {:10}  {:10}  {:10}  {:10}  {:10}  {:10}  {:10}  {met}",
            name(d),
            day(d.deterministic),
            day(d.mean),
            day(d.p10),
            day(d.p50),
            day(d.p80),
            day(d.p90),
            day(d.p95),
        );
    }
}

fn histogram(out: &mut String, report: &Report) {
    let most = report
        .histogram
        .iter()
        .map(|b| b.count)
        .max()
        .unwrap_or(0)
        .max(1);
    let total = report.iterations.max(1) as f64;
    let _ = writeln!(
        out,
        "\nProject end (iterations per day; `|` marks the plan's date)"
    );
    let plan_day = crate::simulate::stats::end_day(report.end.deterministic);
    let mut seen = 0u64;
    for bin in &report.histogram {
        seen += u64::from(bin.count);
        let bar = "#".repeat((u64::from(bin.count) * u64::from(BAR) / u64::from(most)) as usize);
        let mark = if bin.first <= plan_day && plan_day <= bin.last {
            "|"
        } else {
            " "
        };
        let _ = writeln!(
            out,
            "  {} {mark}{bar:<width$} {:>6}  {:>4} by then",
            view_day(bin.last),
            bin.count,
            percent(seen as f64 / total),
            width = BAR as usize
        );
    }
}

fn view_day(d: crate::units::Day) -> String {
    crate::render::view::date(d.start())
}

fn sensitive(out: &mut String, report: &Report) {
    let top = top_sensitive(report);
    if top.is_empty() {
        return;
    }
    let width = top.iter().map(|t| t.id.len()).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "\nWhat drives the end (rank correlation of a task's length with the end)"
    );
    for t in top {
        let _ = writeln!(
            out,
            "  {:width$}  sensitivity {:+.2}  critical in {}",
            t.id,
            t.sensitivity,
            percent(t.criticality)
        );
    }
}

fn risks(out: &mut String, report: &Report) {
    if report.risks.is_empty() {
        return;
    }
    let width = report.risks.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let _ = writeln!(out, "\nRisks by their effect on the P80 end");
    for r in &report.risks {
        let _ = writeln!(
            out,
            "  {:width$}  happened in {:>4}  P80 {:+.1} working days",
            r.id,
            percent(r.occurred),
            r.p80_impact_days
        );
    }
}

fn cost(out: &mut String, report: &Report) {
    let _ = writeln!(out, "\n{}", super::cost_line(report));
}
