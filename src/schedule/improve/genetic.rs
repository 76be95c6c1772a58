//! The genetic search on activity lists: a pool of schedules, children
//! made by crossover and mutation of their start orders.

use super::decode::{Decoder, Direction, Plan};
use super::rng::Rng;

/// Justification rounds for each child: one round catches most of the
/// gain (see `docs/performance.md`).
const CHILD_FBI_ROUNDS: usize = 1;
/// Population size and mutation chance (per mille).
const POPULATION: usize = 32;
const MUTATION_PER_MILLE: u64 = 15;
/// A shake moves one node in this many.
const SHAKE_DIVISOR: usize = 8;
/// Children without a new best before the pool is shaken apart.
const STAGNATION: usize = 4 * POPULATION;
/// A child is justified only when its forward schedule is at most this
/// many percent longer than the pool's worst.
const JUSTIFY_WITHIN_PERCENT: i64 = 10;

/// A genetic search on activity lists: two-point crossover of the parents'
/// start orders, a few adjacent swaps, a forward pass and justification;
/// the child replaces the worst member when it is better.
pub(super) fn evolve(dec: &mut Decoder<'_>, pool: &mut Vec<Plan>, rng: &mut Rng) {
    if pool.is_empty() {
        return;
    }
    let n = dec.model.len();
    // Grow the population by shaking what we have.
    let mut i = 0;
    while pool.len() < POPULATION && dec.affords(3) {
        let parent = order_of(&pool[i % pool.len()]);
        let child = shake(parent, rng, n / SHAKE_DIVISOR + 1);
        let plan = dec.decode(&keys_of(&child, n), Direction::Forward);
        pool.push(dec.justify(plan, CHILD_FBI_ROUNDS));
        i += 1;
    }
    let mut best = pool.iter().map(|p| p.makespan).min().unwrap_or(0);
    let mut since_best = 0;
    while dec.affords(3) {
        // A pool that has stopped improving has usually converged on one
        // schedule: keep the best and shake the rest apart again.
        if since_best > STAGNATION {
            since_best = 0;
            restart(dec, pool, rng);
            continue;
        }
        since_best += 1;
        let a = tournament(pool, rng);
        let b = tournament(pool, rng);
        let child = crossover(&order_of(&pool[a]), &order_of(&pool[b]), rng);
        let child = mutate(child, rng, MUTATION_PER_MILLE);
        let plan = dec.decode(&keys_of(&child, n), Direction::Forward);
        let worst = (0..pool.len())
            .max_by_key(|&k| (pool[k].makespan, k))
            .unwrap_or(0);
        // Justification rarely saves more than a tenth: a child much
        // longer than the pool's worst is not worth its two passes.
        if plan.makespan.saturating_mul(100)
            > pool[worst]
                .makespan
                .saturating_mul(100 + JUSTIFY_WITHIN_PERCENT)
        {
            continue;
        }
        let plan = dec.justify(plan, CHILD_FBI_ROUNDS);
        let duplicate = pool.iter().any(|p| p.start == plan.start);
        if plan.makespan < best {
            best = plan.makespan;
            since_best = 0;
        }
        if !duplicate && plan.makespan <= pool[worst].makespan {
            pool[worst] = plan;
        }
    }
}

/// Replaces every member but the best by a shaken copy of the best.
fn restart(dec: &mut Decoder<'_>, pool: &mut [Plan], rng: &mut Rng) {
    let n = dec.model.len();
    let Some(best) = (0..pool.len()).min_by_key(|&k| (pool[k].makespan, k)) else {
        return;
    };
    let order = order_of(&pool[best]);
    for (k, member) in pool.iter_mut().enumerate() {
        if k == best || !dec.affords(3) {
            continue;
        }
        let child = shake(order.clone(), rng, n / SHAKE_DIVISOR + 1);
        let plan = dec.decode(&keys_of(&child, n), Direction::Forward);
        *member = dec.justify(plan, CHILD_FBI_ROUNDS);
    }
}

/// Moves `moves` random nodes each to a random place of the list.
fn shake(mut order: Vec<u32>, rng: &mut Rng, moves: usize) -> Vec<u32> {
    for _ in 0..moves {
        let from = rng.below(order.len());
        let to = rng.below(order.len());
        if from < order.len() {
            let node = order.remove(from);
            order.insert(to.min(order.len()), node);
        }
    }
    order
}

fn tournament(pool: &[Plan], rng: &mut Rng) -> usize {
    let a = rng.below(pool.len());
    let b = rng.below(pool.len());
    if pool[b].makespan < pool[a].makespan {
        b
    } else {
        a
    }
}

/// Nodes in order of start (ties by index).
fn order_of(plan: &Plan) -> Vec<u32> {
    let mut order: Vec<u32> = (0..plan.start.len() as u32).collect();
    order.sort_by_key(|&i| (plan.start[i as usize], i));
    order
}

/// Keys that make the scheme take nodes in list order.
fn keys_of(order: &[u32], n: usize) -> Vec<i64> {
    let mut keys = vec![0i64; n];
    for (pos, &node) in order.iter().enumerate() {
        keys[node as usize] = pos as i64;
    }
    keys
}

/// Two-point crossover of activity lists: the head and tail from `a`, the
/// middle in `b`'s order.
fn crossover(a: &[u32], b: &[u32], rng: &mut Rng) -> Vec<u32> {
    let n = a.len();
    let mut p = rng.below(n + 1);
    let mut q = rng.below(n + 1);
    if p > q {
        std::mem::swap(&mut p, &mut q);
    }
    let mut taken = vec![false; n];
    let mut child = Vec::with_capacity(n);
    for &x in &a[..p] {
        taken[x as usize] = true;
        child.push(x);
    }
    for &x in b {
        if child.len() >= q {
            break;
        }
        if !taken[x as usize] {
            taken[x as usize] = true;
            child.push(x);
        }
    }
    for &x in a {
        if !taken[x as usize] {
            taken[x as usize] = true;
            child.push(x);
        }
    }
    child
}

/// Swaps neighbours with the given chance per mille.
fn mutate(mut order: Vec<u32>, rng: &mut Rng, per_mille: u64) -> Vec<u32> {
    for i in 1..order.len() {
        if rng.next() % 1000 < per_mille {
            order.swap(i - 1, i);
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossover_keeps_every_node_once() {
        let mut rng = Rng(7);
        let a: Vec<u32> = (0..20).collect();
        let b: Vec<u32> = (0..20).rev().collect();
        for _ in 0..50 {
            let mut c = crossover(&a, &b, &mut rng);
            c.sort_unstable();
            assert_eq!(c, a);
        }
    }
}
