//! The serial scheme on the abstract model, forwards and backwards, and
//! forward-backward improvement (justification) of its schedules.

use super::budget::{decode_estimate, Allowance};
use super::load::Load;
use super::model::Abstract;
use crate::schedule::ready::{node_of_key, queue_key};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A schedule of the abstract model: start per node and the makespan.
#[derive(Clone)]
pub(super) struct Plan {
    pub(super) start: Vec<i64>,
    pub(super) makespan: i64,
}

/// Which way a pass runs: forwards in real time, or backwards (in mirrored
/// time, with every link reversed) to right-justify a schedule.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Forward,
    Backward,
}

/// Reusable buffers for the serial scheme on the abstract model.
pub(super) struct Decoder<'a> {
    pub(super) model: &'a Abstract,
    profiles: Vec<Load>,
    finish: Vec<i64>,
    start: Vec<i64>,
    waiting: Vec<u32>,
    /// Abstract schedules built so far, and the operations they took.
    pub(super) decodes: usize,
    pub(super) work: u64,
    allowance: Allowance,
}

impl<'a> Decoder<'a> {
    /// A decoder on `model`; `in_units` says its times are counted in grid
    /// units (see [`grid_unit`]), so that its loads can be grids.
    pub(super) fn new(model: &'a Abstract, in_units: bool, allowance: Allowance) -> Decoder<'a> {
        let n = model.len();
        Decoder {
            model,
            profiles: if in_units {
                vec![Load::Grid(Vec::new()); model.limits.len()]
            } else {
                model.users.iter().map(|&u| Load::for_size(u)).collect()
            },
            finish: vec![0; n],
            start: vec![0; n],
            waiting: vec![0; n],
            decodes: 0,
            work: 0,
            allowance,
        }
    }

    /// Whether `count` more abstract schedules fit in the allowance, each
    /// expected to cost what the ones so far cost on average.
    pub(super) fn affords(&self, count: usize) -> bool {
        let mean = if self.decodes == 0 {
            decode_estimate(self.model.len(), self.model.demand_count())
        } else {
            self.work / self.decodes as u64
        };
        self.decodes + count <= self.allowance.decodes
            && self.work + mean.saturating_mul(count as u64) <= self.allowance.work
    }

    /// Runs the serial scheme in `dir`, taking eligible nodes by (rank when
    /// forwards, key, index). Returns the schedule in real time.
    pub(super) fn decode(&mut self, keys: &[i64], dir: Direction) -> Plan {
        self.decodes += 1;
        let m = self.model;
        let n = m.len();
        let (before, after) = match dir {
            Direction::Forward => (&m.preds, &m.succs),
            Direction::Backward => (&m.succs, &m.preds),
        };
        for p in &mut self.profiles {
            p.clear();
        }
        let mut heap = BinaryHeap::with_capacity(n);
        for node in 0..n {
            self.waiting[node] = before[node].len() as u32;
            if before[node].is_empty() {
                heap.push(Reverse(queue_key(
                    self.rank_of(node, dir),
                    keys[node],
                    node,
                )));
            }
        }
        let mut makespan = 0i64;
        while let Some(Reverse(packed)) = heap.pop() {
            let node = node_of_key(packed);
            let len = m.length[node];
            self.work += 1 + (before[node].len() + after[node].len()) as u64;
            let mut es = if dir == Direction::Forward {
                m.release[node]
            } else {
                0
            };
            for l in &before[node] {
                let o = l.other as usize;
                let base = if l.from_finish {
                    self.finish[o]
                } else {
                    self.start[o]
                };
                let at = base + l.lag - if l.to_finish { len } else { 0 };
                es = es.max(at);
            }
            let s = self.earliest_fit(node, es);
            self.start[node] = s;
            self.finish[node] = s + len;
            makespan = makespan.max(s + len);
            for &(r, d) in &m.demands[node] {
                if len > 0 {
                    self.profiles[r as usize].add(s, s + len, d, &mut self.work);
                }
            }
            for l in &after[node] {
                let o = l.other as usize;
                self.waiting[o] -= 1;
                if self.waiting[o] == 0 {
                    heap.push(Reverse(queue_key(self.rank_of(o, dir), keys[o], o)));
                }
            }
        }
        let start = match dir {
            Direction::Forward => self.start.clone(),
            Direction::Backward => self.finish.iter().map(|f| makespan - f).collect(),
        };
        Plan { start, makespan }
    }

    fn rank_of(&self, node: usize, dir: Direction) -> u32 {
        match dir {
            Direction::Forward => self.model.rank[node],
            Direction::Backward => 0,
        }
    }

    /// The earliest start at or after `from` where every resource of the
    /// node has room for its whole length.
    fn earliest_fit(&mut self, node: usize, from: i64) -> i64 {
        let m = self.model;
        let len = m.length[node];
        if len <= 0 {
            return from;
        }
        let demands = &m.demands[node];
        let mut s = from;
        // Every jump skips only starts that overflow that resource, so the
        // result is the least start that suits all of them, whatever order
        // they are asked in: go round the resources until every one in a
        // row accepts `s`, rather than asking all again after each jump.
        let mut accepted = 0;
        let mut i = 0;
        while accepted < demands.len() {
            let (r, d) = demands[i];
            i = if i + 1 == demands.len() { 0 } else { i + 1 };
            accepted += 1;
            self.work += 1;
            let limit = m.limits[r as usize];
            if d > limit {
                // Cannot fit at all: the real scheme reports it; here just
                // place it so the search can go on.
                continue;
            }
            let conflict = self.profiles[r as usize].conflict(s, s + len, d, limit, &mut self.work);
            if let Some(t) = conflict {
                if t > s {
                    s = t;
                    // This resource has not yet seen the new start either.
                    accepted = 0;
                }
            }
        }
        s
    }

    /// Forward-backward improvement: right-justify, then left-justify in
    /// the order of the right-justified starts, while the makespan drops.
    pub(super) fn justify(&mut self, mut plan: Plan, rounds: usize) -> Plan {
        for _ in 0..rounds {
            if !self.affords(2) {
                break;
            }
            let finish_keys: Vec<i64> = (0..plan.start.len())
                .map(|i| -(plan.start[i] + self.model.length[i]))
                .collect();
            let back = self.decode(&finish_keys, Direction::Backward);
            let again = self.decode(&back.start, Direction::Forward);
            if again.makespan < plan.makespan {
                plan = again;
            } else {
                if again.makespan == plan.makespan {
                    plan = again;
                }
                break;
            }
        }
        plan
    }
}
