//! `planc simulate`: Monte Carlo schedule risk (spec 7, docs/simulation.md).
//!
//! Used only by `cli`. The plan is checked and scheduled once (the
//! deterministic plan); then every iteration writes its draws into a copy
//! of the model and schedules it with the same rules as `build` (the
//! priority-rule pass, without the improvement search). [`model`] says
//! what varies and draws it, [`run`] runs the iterations in parallel,
//! [`stats`] makes the numbers and [`write`] the outputs.
//!
//! What is kept per iteration is a few numbers (the end of the project
//! and of each tracked task, the cost, the ends without each risk that
//! happened); criticality is counted as it goes; sensitivity draws the
//! lengths again from the iterations' streams, one task at a time.

pub mod model;
pub mod run;
pub mod stats;
pub mod write;

use crate::check::{Model, TaskId, TaskKind};
use crate::schedule::calendar::{Calendar, WeekPattern};
use crate::units::{Day, Minutes, Moment, Money};
use crate::Schedule;
pub use model::Distribution;
use model::Uncertainty;
use rayon::prelude::*;

/// What to simulate and how.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub iterations: u64,
    pub seed: u64,
    pub distribution: Distribution,
    /// Respect resource limits (`--no-level` turns it off).
    pub level: bool,
    /// Ignore actuals and the status date (`--as-planned`).
    pub as_planned: bool,
}

/// The statistics of one date: the project end, a milestone or a task with
/// a deadline.
#[derive(Clone, Debug)]
pub struct DateStats {
    /// The full dotted path; empty for the project end.
    pub id: String,
    pub title: String,
    /// The plan's date, as `build` schedules it.
    pub deterministic: Moment,
    /// Averaged in working time on the project calendar.
    pub mean: Moment,
    pub p10: Moment,
    pub p50: Moment,
    pub p80: Moment,
    pub p90: Moment,
    pub p95: Moment,
    pub deadline: Option<Moment>,
    /// Share of iterations that meet the deadline.
    pub deadline_probability: Option<f64>,
    /// Share of iterations at or before the deterministic date.
    pub deterministic_probability: f64,
}

/// Criticality and sensitivity of one task.
#[derive(Clone, Debug)]
pub struct TaskStats {
    pub id: String,
    pub title: String,
    /// Share of iterations in which it is critical.
    pub criticality: f64,
    /// Spearman's rank correlation of its length with the project end.
    pub sensitivity: f64,
    /// Whether its length varies at all (a range or a risk).
    pub varies: bool,
}

/// What one risk does to the end.
#[derive(Clone, Debug)]
pub struct RiskStats {
    pub id: String,
    pub title: String,
    /// Share of iterations in which it happened.
    pub occurred: f64,
    /// P80 of the end minus the P80 with this risk never happening, in
    /// working days of the project calendar.
    pub p80_impact_days: f64,
}

/// Cost percentiles.
#[derive(Clone, Debug)]
pub struct CostStats {
    pub deterministic: Money,
    pub mean: Money,
    pub p50: Money,
    pub p80: Money,
    pub p95: Money,
    pub budget: Option<Money>,
    pub budget_probability: Option<f64>,
}

/// The result of a simulation.
#[derive(Clone, Debug)]
pub struct Report {
    pub title: String,
    pub currency: Option<String>,
    /// Iterations run: 0 when nothing varies.
    pub iterations: u64,
    pub seed: u64,
    pub distribution: Distribution,
    pub levelled: bool,
    /// Tasks with a range to draw from.
    pub estimates: usize,
    /// Open risks with a chance.
    pub risks_open: usize,
    pub end: DateStats,
    pub milestones: Vec<DateStats>,
    pub tasks: Vec<TaskStats>,
    /// Ranked by their impact on the P80 end, largest first.
    pub risks: Vec<RiskStats>,
    pub cost: CostStats,
    /// The end's histogram by day (empty when nothing varies).
    pub histogram: Vec<stats::Bin>,
}

impl Report {
    /// Whether nothing in the plan varies, so every date is the plan's.
    pub fn nothing_varies(&self) -> bool {
        self.iterations == 0
    }
}

/// Simulates `model`, whose deterministic schedule is `plan`.
pub fn simulate(
    model: &Model,
    plan: &Schedule,
    settings: &Settings,
) -> Result<Report, run::Failure> {
    let uncertainty = Uncertainty::of(model, plan, settings.distribution, settings.seed);
    let tracked = tracked_tasks(model);
    let calendar = project_calendar(model);
    let mut report = deterministic_report(model, plan, &tracked, &uncertainty, settings);
    if uncertainty.is_empty() {
        return Ok(report);
    }
    let rules = run::Rules {
        level: settings.level,
        as_planned: settings.as_planned,
    };
    let runs = run::run(model, &uncertainty, &tracked, settings.iterations, rules)?;
    let n = runs.outcomes.len();
    report.iterations = n as u64;
    let mut ends: Vec<Moment> = runs.outcomes.iter().map(|o| o.end).collect();
    let end_ranks = stats::ranks(&ends.iter().map(|m| m.0 as f64).collect::<Vec<_>>());
    ends.sort_unstable();
    report.end = date_stats(&report.end, &ends, &calendar, model.project.start);
    report.histogram = stats::histogram(&ends);
    for (k, item) in report.milestones.iter_mut().enumerate() {
        let mut column: Vec<Moment> = runs.outcomes.iter().map(|o| o.tracked[k]).collect();
        column.sort_unstable();
        *item = date_stats(item, &column, &calendar, model.project.start);
    }
    for (task, count) in report.tasks.iter_mut().zip(&runs.critical) {
        task.criticality = *count as f64 / n as f64;
    }
    let sensitivities = sensitivities(&uncertainty, &end_ranks, n as u64);
    for (t, s) in uncertainty.touched.iter().zip(sensitivities) {
        report.tasks[t.index()].sensitivity = s;
        report.tasks[t.index()].varies = true;
    }
    report.risks = risk_stats(model, &uncertainty, &runs, &ends, &calendar);
    report.cost = cost_stats(&report.cost, runs.outcomes.iter().map(|o| o.cost).collect());
    Ok(report)
}

/// Milestones and tasks with a deadline, in model order.
fn tracked_tasks(model: &Model) -> Vec<TaskId> {
    model
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == TaskKind::Milestone || t.details().deadline.is_some())
        .map(|(i, _)| TaskId(i as u32))
        .collect()
}

/// The project calendar as the scheduler builds it (week and holidays),
/// which working-time means and impacts are measured on.
fn project_calendar(model: &Model) -> Calendar {
    let def = model.calendar(model.project.calendar);
    let holidays: Vec<(Day, Day)> = def.holidays.iter().map(|c| (c.first, c.last)).collect();
    Calendar::new(WeekPattern::new(def.week.clone()), holidays)
}

/// The report of a plan in which nothing varies: every date is the plan's,
/// met with probability 1. The simulation then overwrites what varies.
fn deterministic_report(
    model: &Model,
    plan: &Schedule,
    tracked: &[TaskId],
    uncertainty: &Uncertainty,
    settings: &Settings,
) -> Report {
    let end = fixed_date(
        String::new(),
        model.project.title.clone(),
        plan.end,
        model.project.deadline,
    );
    let milestones = tracked
        .iter()
        .map(|t| {
            let task = model.task(*t);
            fixed_date(
                task.path.to_string(),
                task.title().to_string(),
                plan.tasks[t.index()].end,
                task.details().deadline,
            )
        })
        .collect();
    let tasks = model
        .tasks
        .iter()
        .zip(&plan.tasks)
        .map(|(t, s)| TaskStats {
            id: t.path.to_string(),
            title: t.title().to_string(),
            criticality: if s.critical { 1.0 } else { 0.0 },
            sensitivity: 0.0,
            varies: false,
        })
        .collect();
    let cost = CostStats {
        deterministic: plan.cost,
        mean: plan.cost,
        p50: plan.cost,
        p80: plan.cost,
        p95: plan.cost,
        budget: model.project.budget,
        budget_probability: model.project.budget.map(|b| met(plan.cost <= b)),
    };
    Report {
        title: model.project.title.clone(),
        currency: model.project.currency.clone(),
        iterations: 0,
        seed: settings.seed,
        distribution: settings.distribution,
        levelled: settings.level,
        estimates: uncertainty.estimate_count(),
        risks_open: uncertainty.risks.len(),
        end,
        milestones,
        tasks,
        risks: Vec::new(),
        cost,
        histogram: Vec::new(),
    }
}

fn met(yes: bool) -> f64 {
    if yes {
        1.0
    } else {
        0.0
    }
}

fn fixed_date(id: String, title: String, date: Moment, deadline: Option<Moment>) -> DateStats {
    DateStats {
        id,
        title,
        deterministic: date,
        mean: date,
        p10: date,
        p50: date,
        p80: date,
        p90: date,
        p95: date,
        deadline,
        deadline_probability: deadline.map(|d| met(date <= d)),
        deterministic_probability: 1.0,
    }
}

/// The statistics of one date from its `sorted` simulated values.
fn date_stats(
    fixed: &DateStats,
    sorted: &[Moment],
    calendar: &Calendar,
    start: Moment,
) -> DateStats {
    let at = |p| stats::percentile(sorted, p).unwrap_or(fixed.deterministic);
    DateStats {
        id: fixed.id.clone(),
        title: fixed.title.clone(),
        deterministic: fixed.deterministic,
        mean: stats::working_mean(calendar, start, sorted).unwrap_or(fixed.deterministic),
        p10: at(10),
        p50: at(50),
        p80: at(80),
        p90: at(90),
        p95: at(95),
        deadline: fixed.deadline,
        deadline_probability: fixed.deadline.map(|d| stats::share_at_most(sorted, &d)),
        deterministic_probability: stats::share_at_most(sorted, &fixed.deterministic),
    }
}

/// Spearman's correlation of each touched task's length with the end, in
/// the order of `Uncertainty::touched`. One task's lengths at a time are
/// drawn again, so memory stays at two columns per thread.
fn sensitivities(uncertainty: &Uncertainty, end_ranks: &[f64], n: u64) -> Vec<f64> {
    let sources = uncertainty.sources();
    sources
        .par_iter()
        .enumerate()
        .map(|(place, s)| stats::spearman(&uncertainty.lengths_of(place, s, n), end_ranks))
        .collect()
}

/// Each simulated risk's share of iterations and its effect on the P80
/// end: the P80 with the same draws but the risk forced off.
fn risk_stats(
    model: &Model,
    uncertainty: &Uncertainty,
    runs: &run::Runs,
    sorted_ends: &[Moment],
    calendar: &Calendar,
) -> Vec<RiskStats> {
    let n = runs.outcomes.len().max(1) as f64;
    let p80 = stats::percentile(sorted_ends, 80);
    let day = model.day_minutes().0.max(1) as f64;
    let mut risks: Vec<RiskStats> = uncertainty
        .risks
        .iter()
        .enumerate()
        .map(|(index, r)| {
            let mut without: Vec<Moment> = runs
                .outcomes
                .iter()
                .map(|o| {
                    o.without
                        .iter()
                        .find(|(i, _)| *i == index)
                        .map_or(o.end, |(_, end)| *end)
                })
                .collect();
            without.sort_unstable();
            let impact = match (p80, stats::percentile(&without, 80)) {
                (Some(with), Some(without)) => signed_work(calendar, without, with).0 as f64 / day,
                _ => 0.0,
            };
            let risk = &model.risks[r.risk];
            RiskStats {
                id: risk.id.clone(),
                title: risk.title.clone(),
                occurred: runs.occurred[index] as f64 / n,
                p80_impact_days: impact,
            }
        })
        .collect();
    risks.sort_by(|a, b| b.p80_impact_days.total_cmp(&a.p80_impact_days));
    risks
}

/// Working time from `a` to `b`, negative when `b` is earlier.
fn signed_work(calendar: &Calendar, a: Moment, b: Moment) -> Minutes {
    if b >= a {
        calendar.work_between(a, b)
    } else {
        Minutes(-calendar.work_between(b, a).0)
    }
}

fn cost_stats(fixed: &CostStats, mut costs: Vec<Money>) -> CostStats {
    costs.sort_unstable();
    let at = |p| stats::percentile(&costs, p).unwrap_or(fixed.deterministic);
    let total: i128 = costs.iter().map(|c| i128::from(c.0)).sum();
    let mean = if costs.is_empty() {
        fixed.deterministic
    } else {
        Money((total as f64 / costs.len() as f64).round() as i64)
    };
    CostStats {
        deterministic: fixed.deterministic,
        mean,
        p50: at(50),
        p80: at(80),
        p95: at(95),
        budget: fixed.budget,
        budget_probability: fixed.budget.map(|b| stats::share_at_most(&costs, &b)),
    }
}
