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
use super::Options;
use budget::{Budget, MIN_DECODES};
use model::Abstract;

/// The best forward pass found for these options.
pub fn best_schedule(ctx: &Context<'_>, options: &Options) -> Result<Placed, Failure> {
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
    if budget.decodes_for(activities, 1) < MIN_DECODES {
        drop(unlevelled);
        return sgs::forward(ctx, &lst_keys, true);
    }
    let baseline = sgs::forward(ctx, &lst_keys, true)?;
    let baseline = look_ahead(ctx, &lst_keys, baseline);
    let model = Abstract::build(ctx, &unlevelled);
    let decodes = budget.decodes_for(model.len(), model.demand_weight());
    if model.len() == 0 || decodes < MIN_DECODES || !model.has_demands() {
        return Ok(baseline);
    }
    // Keys are per model task; the model's nodes are network places.
    let model_id = |t: &Pos| ctx.network.model_id(*t).index();
    let lst_abstract: Vec<i64> = model.task.iter().map(|t| lst_keys[model_id(t)]).collect();
    let (found, choice) = search::search(&model, &lst_abstract, decodes);
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
    // with its calendars, agrees that it is shorter.
    let policy = if model.has_alternatives() {
        Policy::Given(&choices)
    } else {
        Policy::Rule
    };
    match sgs::forward_choosing(ctx, &keys, true, policy) {
        Ok(candidate) if candidate.makespan_end() < baseline.makespan_end() => Ok(candidate),
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
