//! Choosing the order in which the serial scheme places activities, to
//! make the levelled schedule short.
//!
//! The starting rule is the one of spec 3: priority, then the unlevelled
//! latest start, then declaration order. On top of it runs a search on an
//! *abstract* model built from the unlevelled pass ([`model`]): every
//! activity gets a fixed length in working minutes of the project
//! calendar, its demands on the resources it booked, and its links to
//! other activities. On that model a schedule is cheap to build
//! ([`decode`], with the resource loads of [`load`]), so the search
//! ([`search`], [`genetic`]) can try many orders within its [`budget`].
//! The best order found is handed to the real, calendar-aware scheme in
//! [`sgs::forward`], and its result is kept only if it really is shorter
//! than the starting rule's.
//!
//! Higher `priority` always goes first: the real scheme orders by priority
//! before any key, and the abstract forward passes do the same, so the
//! search only reorders within equal priority. The search is
//! deterministic: a work budget (no clocks) and a pseudo-random generator
//! ([`rng`]) seeded from the plan.

mod budget;
mod decode;
mod genetic;
mod load;
mod model;
mod rng;
mod search;

use super::alternatives::{Choices, Policy};
use super::critical;
use super::network::Pos;
use super::sgs::{self, Context, Failure, Key, Placed};
use super::{LevelEffort, Options};
use budget::{Budget, MIN_DECODES};
use model::Abstract;

/// The best forward pass found for these options.
pub fn best_schedule(ctx: &Context<'_>, options: &Options) -> Result<Placed, Failure> {
    best_schedule_spending(ctx, options, &mut Spent::default())
}

/// What the search spent on one plan: abstract schedules and operations
/// (see [`budget`]); zero when there was no search.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Spent {
    pub(super) decodes: usize,
    pub(super) work: u64,
}

/// [`best_schedule`], recording in `spent` what the search spent.
fn best_schedule_spending(
    ctx: &Context<'_>,
    options: &Options,
    spent: &mut Spent,
) -> Result<Placed, Failure> {
    let by_declaration: Vec<Key> = (0..ctx.model.tasks.len() as i64).collect();
    if !options.level {
        return sgs::forward(ctx, &by_declaration, false);
    }
    let unlevelled = sgs::unlevelled_times(ctx, &by_declaration)?;
    let lst_keys: Vec<Key> = critical::latest(ctx, &unlevelled, false)
        .start
        .iter()
        .map(|m| m.0)
        .collect();
    let budget = Budget::for_effort(options.effort);
    // Every activity is a node: if the budget cannot pay for even that
    // many, skip building the model, and free the unlevelled pass before
    // the levelled one allocates (its memory is then reused).
    let activities = ctx.network.activities.len();
    if budget.allowance(activities, 0).decodes < MIN_DECODES {
        drop(unlevelled);
        return sgs::forward(ctx, &lst_keys, true);
    }
    let baseline = sgs::forward(ctx, &lst_keys, true)?;
    let baseline = look_ahead(ctx, &lst_keys, baseline);
    let model = Abstract::build(ctx, &unlevelled);
    let allowance = budget.allowance(model.len(), model.demand_count());
    if model.len() == 0 || allowance.decodes < MIN_DECODES || !model.has_demands() {
        return Ok(baseline);
    }
    // Keys are per model task; the model's nodes are network places.
    let model_id = |t: &Pos| ctx.network.model_id(*t).index();
    let lst_abstract: Vec<i64> = model.task.iter().map(|t| lst_keys[model_id(t)]).collect();
    let Some((found, choice)) = search::search(&model, &lst_abstract, allowance, spent) else {
        return Ok(baseline);
    };
    let mut keys = lst_keys;
    let mut choices = Choices::new(ctx.model.tasks.len());
    for (node, t) in model.task.iter().enumerate() {
        if model.is_activity(node) {
            keys[model_id(t)] = found[node];
            let chosen = choice.get(node).copied().unwrap_or(0);
            if let Some(alt) = model.alternatives[node].get(usize::from(chosen)) {
                choices.set(ctx.network.model_id(*t), usize::from(alt.listed));
            }
        }
    }
    // The search's order is only a proposal: keep it if the real scheme,
    // with its calendars, agrees that it is shorter by enough to be worth
    // a different order (see `worth_reordering`).
    let policy = if model.has_alternatives() {
        Policy::Given(&choices)
    } else {
        Policy::Rule
    };
    match sgs::forward_choosing(ctx, &keys, true, policy) {
        Ok(candidate) if worth_reordering(ctx, &baseline, &candidate, options.effort) => {
            Ok(candidate)
        }
        _ => Ok(baseline),
    }
}

/// The pass that resolves `any of` looking ahead (see
/// [`super::alternatives`]) instead of `baseline`, the starting rule's,
/// when the plan has an `any of` and the project so ends earlier.
fn look_ahead(ctx: &Context<'_>, keys: &[Key], baseline: Placed) -> Placed {
    let any_of = ctx
        .network
        .activities
        .iter()
        .any(|a| ctx.network.facts[a.index()].any_of);
    if !any_of {
        return baseline;
    }
    match sgs::forward_choosing(ctx, keys, true, Policy::LookAhead) {
        Ok(candidate) if candidate.makespan_end() < baseline.makespan_end() => candidate,
        _ => baseline,
    }
}

/// Least gain, in per mille of the starting rule's project length, for
/// which the default level keeps a searched order.
const NORMAL_GAIN_PER_MILLE: i64 = 20;

/// Whether `candidate` finishes enough earlier than the starting rule's
/// `baseline` to be kept. A searched order differs from the starting rule
/// everywhere and from one search to the next after any edit, so by
/// default it must save a meaningful share of the project (a plan read
/// every week should not reshuffle for an hour); `--level thorough` asks
/// for the shortest schedule and keeps any gain.
fn worth_reordering(
    ctx: &Context<'_>,
    baseline: &Placed,
    candidate: &Placed,
    effort: LevelEffort,
) -> bool {
    let start = ctx.model.project.start;
    let before = (baseline.makespan_end() - start).0;
    let after = (candidate.makespan_end() - start).0;
    gain_is_worth(before, after, effort)
}

/// Whether a project of length `after` is worth an order other than the
/// starting rule's, whose project takes `before`.
fn gain_is_worth(before: i64, after: i64, effort: LevelEffort) -> bool {
    match effort {
        LevelEffort::Thorough => after < before,
        LevelEffort::Rule => false,
        LevelEffort::Normal => {
            after < before
                && after.saturating_mul(1000) <= before.saturating_mul(1000 - NORMAL_GAIN_PER_MILLE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{network, work};

    /// Plans on which `--level thorough` once took seconds: every cost of
    /// the search must be counted in its budget, so its work stays bounded
    /// whatever the calendars, lengths and teams. Work, not time: the same
    /// count on any machine.
    #[test]
    fn thorough_search_work_stays_within_its_budget() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/levelling_work");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        assert!(files.len() >= 8, "fixtures missing in {}", dir.display());
        let options = Options {
            effort: LevelEffort::Thorough,
            ..Options::default()
        };
        let bound = budget::THOROUGH_WORK;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let spent = spent_on(&text, &options);
            println!("{}: {spent:?}", file.display());
            assert!(
                spent.decodes >= MIN_DECODES,
                "{}: the search did not run",
                file.display()
            );
            // The last abstract schedule may overrun by its own cost.
            assert!(
                spent.work <= bound + bound / 20,
                "{}: {} operations over the bound {bound}",
                file.display(),
                spent.work
            );
        }
    }

    #[test]
    fn by_default_only_a_real_gain_changes_the_order() {
        let normal = LevelEffort::Normal;
        assert!(gain_is_worth(1000, 980, normal));
        assert!(!gain_is_worth(1000, 981, normal));
        assert!(!gain_is_worth(1000, 1000, normal));
        assert!(gain_is_worth(1000, 999, LevelEffort::Thorough));
        assert!(!gain_is_worth(1000, 1000, LevelEffort::Thorough));
    }

    fn spent_on(text: &str, options: &Options) -> Spent {
        let (_, checked) = crate::check_str("plan", text);
        let Some(model) = checked.model else {
            panic!("the fixture does not check: {:?}", checked.diagnostics);
        };
        let network = network::Network::build(&model);
        let calendars = work::WorkCalendars::build(&model);
        let ctx = Context::new(&model, &network, &calendars);
        let mut spent = Spent::default();
        let placed = best_schedule_spending(&ctx, options, &mut spent);
        assert!(placed.is_ok(), "the fixture does not schedule");
        spent
    }
}
