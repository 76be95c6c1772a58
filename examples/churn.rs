//! Measures how much of a levelled schedule moves under one small edit
//! that should not concern it (issue 17, "stable under small edits").
//!
//! ```text
//! cargo run --release --example churn -- [--edits N] [--seed S] [--thorough] [--verbose] PLAN...
//! ```
//!
//! For each of N seeded edits (default 200) it picks a plan and one of
//! three edits, in turn: (a) lengthen one task by one day, (b) add one
//! task at the end (one day of work for the people of a random task,
//! after a random task), (c) add one dependency between two tasks that
//! had none. The edit is made on the checked model, as the one-line
//! change would make it, and both versions are levelled.
//!
//! A task has *churned* when its start moved although it neither depends
//! on the edited task (directly or not, through groups too) nor books a
//! resource that the edited task or one of its dependants may book. The
//! figure per edit is churned tasks over all tasks of the plan (groups and
//! milestones included, the added task not); the program prints the
//! median, mean and worst over all edits, overall and per kind of edit.
//! `--verbose` prints each edit and how many tasks it moved on stderr.
//! `scripts/churn.sh` runs it on the samples and generated 1k plans;
//! `tests/churn.rs` runs [`measure`] on them and holds the figures.

use planc::check::{Assignment, DepKind, Dependency, Model, TaskId, TaskKind, Work, WorkKind};
use planc::schedule::{LevelEffort, Options};
use planc::units::Minutes;
use planc::LoadOptions;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A small seeded generator (SplitMix64): the edits must be the same on
/// every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    Lengthen,
    AddTask,
    AddDependency,
}

impl Edit {
    const ALL: [Edit; 3] = [Edit::Lengthen, Edit::AddTask, Edit::AddDependency];

    fn label(self) -> &'static str {
        match self {
            Edit::Lengthen => "lengthen a task by 1d",
            Edit::AddTask => "add a task at the end",
            Edit::AddDependency => "add a dependency",
        }
    }
}

struct Args {
    edits: usize,
    seed: u64,
    effort: LevelEffort,
    verbose: bool,
    plans: Vec<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        edits: 200,
        seed: 1,
        effort: LevelEffort::Normal,
        verbose: false,
        plans: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--edits" => args.edits = number(it.next())?,
            "--seed" => args.seed = number(it.next())?,
            "--thorough" => args.effort = LevelEffort::Thorough,
            "--verbose" => args.verbose = true,
            _ => args.plans.push(PathBuf::from(a)),
        }
    }
    if args.plans.is_empty() {
        return Err("usage: churn [--edits N] [--seed S] [--thorough] [--verbose] PLAN...".into());
    }
    Ok(args)
}

fn number<T: std::str::FromStr>(s: Option<String>) -> Result<T, String> {
    s.and_then(|s| s.parse().ok())
        .ok_or_else(|| "expected a number".to_string())
}

pub fn load(path: &Path) -> Result<Model, String> {
    let loaded = planc::load(path, &LoadOptions::default())
        .map_err(|e| format!("{}: {e:?}", path.display()))?;
    planc::check(&loaded)
        .model
        .ok_or_else(|| format!("{}: does not check", path.display()))
}

/// Start of every task, or `None` when the plan does not schedule.
fn starts(model: &Model, options: &Options) -> Option<Vec<i64>> {
    let scheduled = planc::schedule::schedule(model, options);
    scheduled
        .schedule
        .map(|s| s.tasks.iter().map(|t| t.start.0).collect())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut plans = Vec::new();
    for path in &args.plans {
        match load(path) {
            Ok(m) => plans.push(m),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let results = measure(&plans, args.edits, args.seed, args.effort, args.verbose);
    println!(
        "{:<24} {:>6} {:>8} {:>8} {:>8}",
        "edit", "edits", "median", "mean", "worst"
    );
    for kind in Edit::ALL {
        let figures: Vec<f64> = results
            .iter()
            .filter(|r| r.0 == kind)
            .map(|r| r.1)
            .collect();
        print_row(kind.label(), figures);
    }
    print_row("all", results.iter().map(|r| r.1).collect());
    ExitCode::SUCCESS
}

/// Makes `edits` seeded single edits of `plans` and levels each plan
/// before and after: per edit, its kind and the share of tasks (in
/// percent) that moved although the edit does not concern them.
/// `verbose` prints each edit on stderr.
pub fn measure(
    plans: &[Model],
    edits: usize,
    seed: u64,
    effort: LevelEffort,
    verbose: bool,
) -> Vec<(Edit, f64)> {
    let options = Options {
        effort,
        ..Options::default()
    };
    let before: Vec<Option<Vec<i64>>> = plans.iter().map(|m| starts(m, &options)).collect();
    let mut rng = Rng(seed);
    let mut results: Vec<(Edit, f64)> = Vec::new();
    let mut attempts = 0;
    while results.len() < edits && attempts < edits * 20 {
        attempts += 1;
        let p = rng.below(plans.len());
        let Some(old) = &before[p] else { continue };
        let kind = Edit::ALL[results.len() % Edit::ALL.len()];
        let Some((edited, task)) = edit(&plans[p], kind, &mut rng) else {
            continue;
        };
        let Some(new) = starts(&edited, &options) else {
            continue;
        };
        let exempt = concerned(&edited, task);
        let n = plans[p].tasks.len();
        let moved = (0..n)
            .filter(|&i| !exempt.contains(&i) && old[i] != new[i])
            .count();
        if verbose {
            eprintln!("plan {p}: {}: {moved} of {n} tasks moved", kind.label());
        }
        results.push((kind, 100.0 * moved as f64 / n.max(1) as f64));
    }
    results
}

/// Median, mean and worst of some figures.
pub fn summary(mut figures: Vec<f64>) -> (f64, f64, f64) {
    figures.sort_by(f64::total_cmp);
    let n = figures.len();
    let median = if n == 0 {
        0.0
    } else if !n.is_multiple_of(2) {
        figures[n / 2]
    } else {
        (figures[n / 2 - 1] + figures[n / 2]) / 2.0
    };
    let mean = figures.iter().sum::<f64>() / n.max(1) as f64;
    let worst = figures.last().copied().unwrap_or(0.0);
    (median, mean, worst)
}

fn print_row(label: &str, figures: Vec<f64>) {
    let n = figures.len();
    let (median, mean, worst) = summary(figures);
    println!("{label:<24} {n:>6} {median:>7.2}% {mean:>7.2}% {worst:>7.2}%");
}

/// Leaves with some work: the tasks an edit may lengthen or depend on.
fn working_leaves(model: &Model) -> Vec<usize> {
    (0..model.tasks.len())
        .filter(|&i| {
            let t = &model.tasks[i];
            t.children.is_empty() && t.kind != TaskKind::Milestone && t.work.is_some()
        })
        .collect()
}

/// The model after one edit of `kind`, and the edited task.
fn edit(model: &Model, kind: Edit, rng: &mut Rng) -> Option<(Model, usize)> {
    let leaves = working_leaves(model);
    if leaves.is_empty() {
        return None;
    }
    let mut m = model.clone();
    let day = model.day_minutes();
    match kind {
        Edit::Lengthen => {
            let t = leaves[rng.below(leaves.len())];
            let work = m.tasks[t].work?;
            m.tasks[t].work = Some(Work {
                minutes: Minutes(work.minutes.0 + day.0),
                ..work
            });
            Some((m, t))
        }
        Edit::AddTask => {
            let like = leaves[rng.below(leaves.len())];
            let after = leaves[rng.below(leaves.len())];
            let mut task = model.tasks[like].clone();
            task.path = "churn_added".into();
            task.parent = None;
            task.depth = 0;
            task.work = Some(Work {
                kind: WorkKind::Effort,
                minutes: day,
            });
            task.dependencies = vec![Dependency {
                kind: DepKind::FinishToStart,
                target: TaskId(after as u32),
                lag: Minutes(0),
                span: task.span,
            }]
            .into();
            let id = m.tasks.len();
            m.tasks.push(task);
            Some((m, id))
        }
        Edit::AddDependency => {
            let from = leaves[rng.below(leaves.len())];
            let to = leaves[rng.below(leaves.len())];
            // No cycle: `from` must not already come after `to`.
            if from == to || dependants(model, to).contains(&from) {
                return None;
            }
            let mut deps = m.tasks[to].dependencies.to_vec();
            deps.push(Dependency {
                kind: DepKind::FinishToStart,
                target: TaskId(from as u32),
                lag: Minutes(0),
                span: m.tasks[to].span,
            });
            m.tasks[to].dependencies = deps.into();
            Some((m, to))
        }
    }
}

/// Every task that depends on `task`, directly or not: through its own
/// dependencies, those of its groups, and dependencies on its groups.
fn dependants(model: &Model, task: usize) -> BTreeSet<usize> {
    let n = model.tasks.len();
    // Per task, the tasks that name it (or a group above it) as a
    // dependency, directly or through their groups.
    let mut named_by: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, t) in model.tasks.iter().enumerate() {
        for d in t.dependencies.iter() {
            named_by[d.target.index()].push(i);
        }
    }
    let mut seen = BTreeSet::new();
    let mut stack = vec![task];
    while let Some(x) = stack.pop() {
        // x finishing moves the groups above it and whoever names x.
        let mut up = Some(x);
        while let Some(u) = up {
            for &d in &named_by[u] {
                // A group that depends moves every task inside it.
                for inside in with_descendants(model, d) {
                    if seen.insert(inside) {
                        stack.push(inside);
                    }
                }
            }
            up = model.tasks[u].parent.map(|p| p.index());
        }
    }
    seen
}

fn with_descendants(model: &Model, task: usize) -> Vec<usize> {
    let mut out = vec![task];
    let mut k = 0;
    while k < out.len() {
        out.extend(model.tasks[out[k]].children.iter().map(|c| c.index()));
        k += 1;
    }
    out
}

/// The tasks an edit of `task` may rightly move: itself, its groups, its
/// dependants, and every task booking a resource that it or one of its
/// dependants may book.
fn concerned(model: &Model, task: usize) -> BTreeSet<usize> {
    let mut out = dependants(model, task);
    out.insert(task);
    let mut resources = BTreeSet::new();
    for &t in out.iter() {
        resources.extend(resources_of(model, t));
    }
    for (i, _) in model.tasks.iter().enumerate() {
        if resources_of(model, i).any(|r| resources.contains(&r)) {
            out.insert(i);
        }
    }
    let mut up = model.tasks[task].parent;
    while let Some(g) = up {
        out.insert(g.index());
        up = model.tasks[g.index()].parent;
    }
    out
}

/// Every resource a task may book, alternatives included.
fn resources_of(model: &Model, task: usize) -> impl Iterator<Item = u32> + '_ {
    model.tasks[task].assignments.iter().flat_map(|a| match a {
        Assignment::Fixed(b) => vec![b.resource.0],
        Assignment::AnyOf(list) => list.iter().map(|b| b.resource.0).collect(),
    })
}
