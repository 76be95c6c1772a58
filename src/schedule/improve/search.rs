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

/// Searches for a short forward schedule; returns its start times (the
/// keys that reproduce it) and the alternatives it books (see
/// [`Plan::choice`]).
pub(super) fn search(
    model: &Abstract,
    lst: &[i64],
    allowance: Allowance,
    spent: &mut Spent,
) -> (Vec<i64>, Vec<u16>) {
    // Plans come back in grid units then; only their order and makespan
    // matter, which scaling keeps.
    let scaled = grid_unit(model).map(|unit| model.scaled(unit));
    let mut dec = match &scaled {
        Some(units) => Decoder::new(units, true, allowance),
        None => Decoder::new(model, false, allowance),
    };
    let mut pool: Vec<Plan> = Vec::new();
    for keys in starting_orders(model, lst) {
        if !dec.affords(2) {
            break;
        }
        let first = dec.decode(&keys, Direction::Forward);
        let plan = dec.justify(first, FBI_ROUNDS);
        pool.push(plan);
    }
    let mut rng = Rng(seed_of(model));
    evolve(&mut dec, &mut pool, &mut rng);
    *spent = Spent {
        decodes: dec.decodes,
        work: dec.work,
    };
    pool.into_iter()
        .min_by_key(|p| p.makespan)
        .map(|p| (p.start, p.choice))
        .unwrap_or_else(|| (lst.to_vec(), Vec::new()))
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
