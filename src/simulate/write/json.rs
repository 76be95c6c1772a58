//! The JSON output, with exactly the fields of `docs/simulate.schema.json`:
//! dates as `YYYY-MM-DDTHH:MM`, probabilities 0..1, money in currency
//! units.

use super::super::{CostStats, DateStats, Report};
use serde::Serialize;

/// The schema version; bumped only with incompatible changes.
pub const SCHEMA: &str = "planc-simulate/1";

#[derive(Serialize)]
struct Out<'a> {
    schema: &'static str,
    iterations: u64,
    seed: u64,
    distribution: &'static str,
    end: Date,
    milestones: Vec<Milestone>,
    tasks: Vec<Task<'a>>,
    risks: Vec<Risk<'a>>,
    cost: Cost,
}

#[derive(Serialize)]
struct Date {
    deterministic: String,
    mean: String,
    p10: String,
    p50: String,
    p80: String,
    p90: String,
    p95: String,
    deadline_probability: Option<f64>,
}

#[derive(Serialize)]
struct Milestone {
    id: String,
    #[serde(flatten)]
    date: Date,
}

#[derive(Serialize)]
struct Task<'a> {
    id: &'a str,
    criticality: f64,
    sensitivity: f64,
}

#[derive(Serialize)]
struct Risk<'a> {
    id: &'a str,
    occurred: f64,
    p80_impact_days: f64,
}

#[derive(Serialize)]
struct Cost {
    mean: f64,
    p50: f64,
    p80: f64,
    p95: f64,
    budget_probability: Option<f64>,
}

/// `x` rounded to `places` decimals, so outputs stay short and stable.
pub fn round(x: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    let r = (x * scale).round() / scale;
    // -0.0 prints as "-0.0"; a zero is a zero.
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

fn date(d: &DateStats) -> Date {
    Date {
        deterministic: d.deterministic.to_iso(),
        mean: d.mean.to_iso(),
        p10: d.p10.to_iso(),
        p50: d.p50.to_iso(),
        p80: d.p80.to_iso(),
        p90: d.p90.to_iso(),
        p95: d.p95.to_iso(),
        deadline_probability: d.deadline_probability.map(|p| round(p, 4)),
    }
}

fn cost(c: &CostStats) -> Cost {
    Cost {
        mean: c.mean.as_f64(),
        p50: c.p50.as_f64(),
        p80: c.p80.as_f64(),
        p95: c.p95.as_f64(),
        budget_probability: c.budget_probability.map(|p| round(p, 4)),
    }
}

/// The report as pretty-printed JSON with a final newline.
pub fn render(report: &Report) -> String {
    let out = Out {
        schema: SCHEMA,
        iterations: report.iterations,
        seed: report.seed,
        distribution: report.distribution.as_str(),
        end: date(&report.end),
        milestones: report
            .milestones
            .iter()
            .map(|m| Milestone {
                id: m.id.clone(),
                date: date(m),
            })
            .collect(),
        tasks: report
            .tasks
            .iter()
            .map(|t| Task {
                id: &t.id,
                criticality: round(t.criticality, 4),
                sensitivity: round(t.sensitivity, 3),
            })
            .collect(),
        risks: report
            .risks
            .iter()
            .map(|r| Risk {
                id: &r.id,
                occurred: round(r.occurred, 4),
                p80_impact_days: round(r.p80_impact_days, 2),
            })
            .collect(),
        cost: cost(&report.cost),
    };
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_default();
    text.push('\n');
    text
}
