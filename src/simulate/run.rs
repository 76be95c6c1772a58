//! The iterations: each schedules a copy of the model with its draws
//! written in, with the same rules as `build` (except the improvement
//! search), on as many threads as rayon has.
//!
//! Results are put in place by iteration index, and what is summed over
//! iterations (criticality) is summed in integers, so the outcome is the
//! same on any number of threads.

use super::model::{Draws, Uncertainty};
use crate::check::{Model, TaskId};
use crate::schedule::{self, LevelEffort, Options};
use crate::units::{Moment, Money};
use rayon::prelude::*;

/// What one iteration leaves behind: a few numbers, never its schedule.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub end: Moment,
    /// The end of every tracked task (milestones, tasks with deadlines),
    /// in the order of [`Tracked`].
    pub tracked: Vec<Moment>,
    /// Resource and fixed cost plus the cost of the risks that happened.
    pub cost: Money,
    /// For each risk (index in `Uncertainty::risks`) that happened and
    /// delays something: the project end had it not happened.
    pub without: Vec<(usize, Moment)>,
}

/// Everything the iterations produced.
pub struct Runs {
    /// By iteration index.
    pub outcomes: Vec<Outcome>,
    /// Per model task: the iterations in which it was critical.
    pub critical: Vec<u32>,
    /// Per risk in `Uncertainty::risks`: the iterations it happened in.
    pub occurred: Vec<u32>,
}

/// An iteration that could not be scheduled (a draw pushed the plan past
/// the 100-year horizon, say): the first such, by index.
#[derive(Debug)]
pub struct Failure {
    pub iteration: u64,
    pub message: String,
}

/// How the iterations schedule.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    pub level: bool,
    pub as_planned: bool,
}

impl Rules {
    fn options(self) -> Options {
        Options {
            level: self.level,
            effort: LevelEffort::Rule,
            as_planned: self.as_planned,
        }
    }
}

/// What one chunk of iterations counted and kept.
struct Chunk {
    critical: Vec<u32>,
    occurred: Vec<u32>,
    outcomes: Vec<(u64, Result<Outcome, String>)>,
}

impl Chunk {
    fn new(model: &Model, risks: usize) -> Chunk {
        Chunk {
            critical: vec![0; model.tasks.len()],
            occurred: vec![0; risks],
            outcomes: Vec::new(),
        }
    }

    fn merge(mut self, other: Chunk) -> Chunk {
        add_into(&mut self.critical, &other.critical);
        add_into(&mut self.occurred, &other.occurred);
        self.outcomes.extend(other.outcomes);
        self
    }
}

fn add_into(total: &mut [u32], more: &[u32]) {
    for (t, m) in total.iter_mut().zip(more) {
        *t += m;
    }
}

/// Chunks of iterations per thread, and fewest iterations in a chunk.
const CHUNKS_PER_THREAD: u64 = 8;
const MIN_CHUNK: u64 = 16;

/// Runs `iterations` iterations of `model` under `uncertainty`.
pub fn run(
    model: &Model,
    uncertainty: &Uncertainty,
    tracked: &[TaskId],
    iterations: u64,
    rules: Rules,
) -> Result<Runs, Failure> {
    let risks = uncertainty.risks.len();
    // A copy of the model per chunk of iterations, a few chunks per thread
    // so that a slow chunk does not leave a core idle: a large plan's copy
    // costs about what one of its schedules does.
    let chunk = iterations
        .div_ceil(rayon::current_num_threads().max(1) as u64 * CHUNKS_PER_THREAD)
        .max(MIN_CHUNK);
    let starts: Vec<u64> = (0..iterations)
        .step_by(usize::try_from(chunk).unwrap_or(usize::MAX))
        .collect();
    let chunks: Vec<Chunk> = starts
        .par_iter()
        .map(|&first| {
            // The chunk's copy of the model to write draws into, dropped
            // with the chunk: only its counters and outcomes are kept.
            let mut copy = model.clone();
            let mut w = Chunk::new(model, risks);
            for i in first..(first + chunk).min(iterations) {
                let result = one(&mut copy, &mut w, uncertainty, tracked, i, rules);
                w.outcomes.push((i, result));
            }
            w
        })
        .collect();
    let Some(mut merged) = chunks.into_iter().reduce(Chunk::merge) else {
        return Ok(Runs {
            outcomes: Vec::new(),
            critical: vec![0; model.tasks.len()],
            occurred: vec![0; risks],
        });
    };
    merged.outcomes.sort_by_key(|(i, _)| *i);
    let mut outcomes = Vec::with_capacity(merged.outcomes.len());
    for (iteration, result) in merged.outcomes {
        match result {
            Ok(o) => outcomes.push(o),
            Err(message) => return Err(Failure { iteration, message }),
        }
    }
    Ok(Runs {
        outcomes,
        critical: merged.critical,
        occurred: merged.occurred,
    })
}

/// One iteration, and its reruns without each risk that happened.
fn one(
    model: &mut Model,
    w: &mut Chunk,
    uncertainty: &Uncertainty,
    tracked: &[TaskId],
    iteration: u64,
    rules: Rules,
) -> Result<Outcome, String> {
    let draws = uncertainty.draw(iteration);
    let s = schedule_with(model, uncertainty, &draws, rules)?;
    for (count, t) in w.critical.iter_mut().zip(&s.tasks) {
        *count += u32::from(t.critical);
    }
    let mut cost = s.cost;
    let mut without = Vec::new();
    for (index, risk) in uncertainty.risks.iter().enumerate() {
        if !draws.occurred[index] {
            continue;
        }
        w.occurred[index] += 1;
        cost += risk.cost;
        if risk.delays() {
            let other = uncertainty.without_risk(&draws, index);
            let rerun = schedule_with(model, uncertainty, &other, rules)?;
            without.push((index, rerun.end));
        }
    }
    Ok(Outcome {
        end: s.end,
        tracked: tracked.iter().map(|t| s.tasks[t.index()].end).collect(),
        cost,
        without,
    })
}

fn schedule_with(
    model: &mut Model,
    uncertainty: &Uncertainty,
    draws: &Draws,
    rules: Rules,
) -> Result<schedule::Schedule, String> {
    uncertainty.apply(model, draws);
    let scheduled = schedule::schedule(model, &rules.options());
    scheduled.schedule.ok_or_else(|| {
        scheduled
            .diagnostics
            .iter()
            .find(|d| d.severity == crate::Severity::Error)
            .map_or_else(
                || "the plan cannot be scheduled".to_string(),
                |d| d.message.clone(),
            )
    })
}
