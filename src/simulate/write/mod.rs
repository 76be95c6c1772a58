//! The outputs of `planc simulate`: text for the terminal, JSON, Markdown
//! and a self-contained HTML page. Each takes the finished [`Report`].

pub mod html;
pub mod json;
pub mod markdown;
pub mod text;

use super::{DateStats, Report, TaskStats};
use crate::render::view;
use crate::units::{Moment, Money};

/// How many tasks the sensitivity lists and the tornado show.
pub const TOP_TASKS: usize = 10;

/// A date as the build report writes an end: the day, midnight belonging
/// to the day before.
pub(crate) fn day(m: Moment) -> String {
    view::date(super::stats::end_day(m).start())
}

/// A deadline as the build report writes it.
pub(crate) fn deadline(m: Moment) -> String {
    view::deadline_date(m)
}

/// A share as a whole percentage (`62%`), or `<1%`/`>99%` near the ends
/// so that a rare outcome never reads as impossible or certain.
pub(crate) fn percent(p: f64) -> String {
    let whole = (p * 100.0).round();
    if p > 0.0 && whole < 1.0 {
        "<1%".to_string()
    } else if p < 1.0 && whole > 99.0 {
        ">99%".to_string()
    } else {
        format!("{whole:.0}%")
    }
}

pub(crate) fn money(report: &Report, m: Money) -> String {
    view::money(m, report.currency.as_deref().unwrap_or(""))
}

/// The name a date row goes by: `project end` or the task's path.
pub(crate) fn name(d: &DateStats) -> &str {
    if d.id.is_empty() {
        "project end"
    } else {
        &d.id
    }
}

/// Every date row: the project end, then milestones and deadlines.
pub(crate) fn date_rows(report: &Report) -> impl Iterator<Item = &DateStats> {
    std::iter::once(&report.end).chain(&report.milestones)
}

/// The tasks whose length varies, most sensitive first (ties: most
/// critical, then plan order), at most [`TOP_TASKS`].
pub(crate) fn top_sensitive(report: &Report) -> Vec<&TaskStats> {
    let mut tasks: Vec<&TaskStats> = report.tasks.iter().filter(|t| t.varies).collect();
    tasks.sort_by(|a, b| {
        b.sensitivity
            .abs()
            .total_cmp(&a.sensitivity.abs())
            .then(b.criticality.total_cmp(&a.criticality))
    });
    tasks.truncate(TOP_TASKS);
    tasks
}

/// The sentence about the plan's own end date: `The plan's end, 2027-05-20,
/// has a 23% chance.`
pub(crate) fn plan_chance(report: &Report) -> String {
    if report.nothing_varies() {
        return format!(
            "Nothing in this plan varies (no `range` on an estimate, no open risk with a `chance`): \
             its end, {}, is certain as far as the plan says.",
            day(report.end.deterministic)
        );
    }
    format!(
        "The plan's end, {}, has a {} chance of being met.",
        day(report.end.deterministic),
        percent(report.end.deterministic_probability)
    )
}

/// `10000 iterations, seed 1, PERT, levelled`.
pub(crate) fn settings_line(report: &Report) -> String {
    format!(
        "{} iterations, seed {}, {}, {}; {} with a range, {}",
        report.iterations,
        report.seed,
        match report.distribution {
            super::Distribution::Pert => "PERT",
            super::Distribution::Triangular => "triangular",
            super::Distribution::Uniform => "uniform",
        },
        if report.levelled {
            "levelled"
        } else {
            "not levelled"
        },
        view::plural(report.estimates, "estimate"),
        view::plural(report.risks_open, "open risk"),
    )
}

/// "Cost: plan .., mean .., P50 .., P80 .., P95 ..; within the budget of
/// ..: N%", without an ending: the text and Markdown summaries share it.
pub(crate) fn cost_line(report: &Report) -> String {
    let c = &report.cost;
    let mut line = format!(
        "Cost: plan {}, mean {}, P50 {}, P80 {}, P95 {}",
        money(report, c.deterministic),
        money(report, c.mean),
        money(report, c.p50),
        money(report, c.p80),
        money(report, c.p95)
    );
    if let (Some(budget), Some(p)) = (c.budget, c.budget_probability) {
        line.push_str(&format!(
            "; within the budget of {}: {}",
            money(report, budget),
            percent(p)
        ));
    }
    line
}
