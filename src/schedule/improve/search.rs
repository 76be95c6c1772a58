//! The search itself: starting orders from classic priority rules, each
//! justified, then the genetic search on the pool they form.

use super::budget::Allowance;
use super::decode::{Decoder, Direction, Plan};
use super::genetic::evolve;
use super::load::grid_unit;
use super::model::Abstract;
use super::rng::Rng;
use super::Spent;

/// Justification rounds after each starting order, at most.
const FBI_ROUNDS: usize = 6;

/// A search's result: the keys that reproduce its schedule and the
/// alternatives it books.
pub(super) type Found = (Vec<i64>, Vec<u16>);

/// Searches for a short forward schedule; returns its start times (the
/// keys that reproduce it) and the alternatives it books (see
/// [`Plan::choice`]), or nothing when a search too small to run beyond
/// the starting rule finds no shorter abstract schedule than the rule's.
pub(super) fn search(
    model: &Abstract,
    lst: &[i64],
    allowance: Allowance,
    spent: &mut Spent,
) -> Option<Found> {
    // Plans come back in grid units then; only their order and makespan
    // matter, which scaling keeps.
    let scaled = grid_unit(model).map(|unit| model.scaled(unit));
    let mut dec = match &scaled {
        Some(units) => Decoder::new(units, true, allowance),
        None => Decoder::new(model, false, allowance),
    };
    let mut pool: Vec<Plan> = Vec::new();
    let mut rule_makespan = i64::MAX;
    for (k, keys) in starting_orders(model, lst).into_iter().enumerate() {
        if !dec.affords(2) {
            break;
        }
        let first = dec.decode(&keys, Direction::Forward);
        if k == 0 {
            rule_makespan = first.makespan;
        }
        let plan = dec.justify(first, FBI_ROUNDS);
        pool.push(plan);
        // The starting rule's order, justified, is a function of the plan
        // alone, so it moves little under small edits; the rest of the
        // search is a sample, and by default a sample too small to settle
        // finds a different order after every edit.
        if k == 0 && !dec.affords(allowance.wider_search) {
            break;
        }
    }
    let searched = pool.len() > 1;
    if searched {
        let mut rng = Rng(seed_of(model));
        evolve(&mut dec, &mut pool, &mut rng);
    }
    *spent = Spent {
        decodes: dec.decodes,
        work: dec.work,
    };
    pool.into_iter()
        .min_by_key(|p| p.makespan)
        .filter(|p| searched || p.makespan < rule_makespan)
        .map(|p| (p.start, p.choice))
}

/// Keys from classic priority rules (smaller first): latest start, latest
/// finish, most total successors, greatest rank positional weight, and
/// biased random samples of the latest-start rule.
fn starting_orders(model: &Abstract, lst: &[i64]) -> Vec<Vec<i64>> {
    let n = model.len();
    let lft: Vec<i64> = (0..n)
        .map(|i| lst[i].saturating_add(model.length[i]))
        .collect();
    let successors = total_successors(model);
    let mts: Vec<i64> = successors.iter().map(|&c| -(c as i64)).collect();
    let grpw: Vec<i64> = (0..n)
        .map(|i| {
            -(model.length[i]
                + model.succs[i]
                    .iter()
                    .map(|l| model.length[l.other as usize])
                    .sum::<i64>())
        })
        .collect();
    let mut orders = vec![lst.to_vec(), lft, mts, grpw];
    let mut rng = Rng(seed_of(model) ^ 0x5EED);
    let spread = model.length.iter().copied().max().unwrap_or(1).max(1);
    for _ in 0..4 {
        orders.push(
            lst.iter()
                .map(|&k| k.saturating_add(rng.below(spread as usize * 2) as i64))
                .collect(),
        );
    }
    orders
}

/// How many nodes come after each node, directly or not (capped, so that
/// huge networks stay linear: the count only needs to rank).
fn total_successors(model: &Abstract) -> Vec<u32> {
    let n = model.len();
    // Reverse topological order by repeated peeling.
    let mut outdeg: Vec<u32> = model.succs.iter().map(|s| s.len() as u32).collect();
    let mut stack: Vec<usize> = (0..n).filter(|&i| outdeg[i] == 0).collect();
    let mut count = vec![0u32; n];
    while let Some(i) = stack.pop() {
        for l in &model.preds[i] {
            let p = l.other as usize;
            count[p] = count[p].saturating_add(count[i].saturating_add(1));
            outdeg[p] -= 1;
            if outdeg[p] == 0 {
                stack.push(p);
            }
        }
    }
    count
}

/// A seed from the model itself, so the same plan gives the same schedule.
fn seed_of(model: &Abstract) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for (node, len) in model.length.iter().enumerate() {
        h = (h ^ (*len as u64)).wrapping_mul(0x1000_0000_01B3);
        h = (h ^ model.preds[node].len() as u64).wrapping_mul(0x1000_0000_01B3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A search on twelve independent nodes of one resource (every order
    /// is as short) that may spend `decodes` abstract schedules.
    fn search_allowing(decodes: usize) -> (Option<Found>, Spent) {
        let model = Abstract::for_tests((1..=12).map(|k| k * 60).collect(), vec![1; 12]);
        let lst: Vec<i64> = (0..12).collect();
        let allowance = Allowance {
            decodes,
            work: u64::MAX,
            wider_search: 500,
        };
        let mut spent = Spent::default();
        let found = search(&model, &lst, allowance, &mut spent);
        (found, spent)
    }

    #[test]
    fn a_search_too_small_to_settle_keeps_to_the_starting_rule() {
        let (found, spent) = search_allowing(100);
        assert!(found.is_none(), "no shorter schedule, so the rule stays");
        assert!(spent.decodes <= 1 + 2 * FBI_ROUNDS, "{spent:?}");
    }

    #[test]
    fn a_search_that_can_settle_runs_the_genetic_search() {
        let (found, spent) = search_allowing(2_000);
        assert!(found.is_some());
        assert!(spent.decodes > 500, "{spent:?}");
    }
}
