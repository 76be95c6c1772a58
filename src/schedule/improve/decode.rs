//! The serial scheme on the abstract model, forwards and backwards, and
//! forward-backward improvement (justification) of its schedules.

use super::budget::{decode_estimate, Allowance};
use super::load::Load;
use super::model::Abstract;
use crate::schedule::alternatives::LatestOfOthers;
use crate::schedule::ready::{node_of_key, queue_key};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A schedule of the abstract model: start per node and the makespan.
#[derive(Clone)]
pub(super) struct Plan {
    pub(super) start: Vec<i64>,
    pub(super) makespan: i64,
    /// Per node with alternatives: the one booked (its index among them).
    pub(super) choice: Vec<u16>,
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
    /// The resources some node demands: the only ones a schedule changes,
    /// so the only ones the next needs to reset (a plan may declare far
    /// more resources than it books).
    used: Vec<usize>,
    finish: Vec<i64>,
    start: Vec<i64>,
    waiting: Vec<u32>,
    /// Per node: the alternative booked (see [`Plan::choice`]).
    choice: Vec<u16>,
    /// Per resource: how many nodes demand it outright, all of them and
    /// those not yet placed (the alternatives' tie-break).
    need_all: Vec<u32>,
    need: Vec<u32>,
    /// Per resource: the work (length x demand) of the nodes that demand
    /// it outright, all of them and those not yet placed.
    backlog_all: Vec<i128>,
    backlog: Vec<i128>,
    /// A node's demands with one alternative added, and per alternative
    /// its earliest start.
    trial: Vec<(u32, i64)>,
    starts: Vec<i64>,
    /// Abstract schedules built so far, and the operations they took.
    pub(super) decodes: usize,
    pub(super) work: u64,
    allowance: Allowance,
}

impl<'a> Decoder<'a> {
    /// A decoder on `model`; `in_units` says its times are counted in grid
    /// units (see [`grid_unit`](super::load::grid_unit)), so that its loads can be grids.
    pub(super) fn new(model: &'a Abstract, in_units: bool, allowance: Allowance) -> Decoder<'a> {
        let n = model.len();
        Decoder {
            model,
            profiles: if in_units {
                vec![Load::Grid(Vec::new()); model.limits.len()]
            } else {
                model.users.iter().map(|&u| Load::for_size(u)).collect()
            },
            used: (0..model.limits.len())
                .filter(|&r| model.users[r] > 0)
                .collect(),
            finish: vec![0; n],
            start: vec![0; n],
            waiting: vec![0; n],
            choice: vec![0; n],
            need_all: needs(model),
            need: needs(model),
            backlog_all: backlogs(model),
            backlog: backlogs(model),
            trial: Vec::new(),
            starts: Vec::new(),
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
        for &r in &self.used {
            self.profiles[r].clear();
            self.need[r] = self.need_all[r];
            self.backlog[r] = self.backlog_all[r];
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
            let s = if m.alternatives[node].is_empty() {
                self.earliest_fit(&m.demands[node], len, es)
            } else {
                self.choose(node, es)
            };
            self.start[node] = s;
            self.finish[node] = s + len;
            makespan = makespan.max(s + len);
            for &(r, d) in &m.demands[node] {
                self.need[r as usize] = self.need[r as usize].saturating_sub(1);
                self.backlog[r as usize] -= i128::from(len) * i128::from(d);
                if len > 0 {
                    self.profiles[r as usize].add(s, s + len, d, &mut self.work);
                }
            }
            if let Some(alt) = m.alternatives[node].get(usize::from(self.choice[node])) {
                if len > 0 {
                    self.profiles[alt.resource as usize].add(
                        s,
                        s + len,
                        alt.demand,
                        &mut self.work,
                    );
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
        Plan {
            start,
            makespan,
            choice: self.choice.clone(),
        }
    }

    /// Books the alternative of `node` that lets it start (so finish)
    /// earliest from `from`, ties going to the one fewer waiting nodes
    /// need, then the first: the real scheme's starting rule. Returns the
    /// start.
    fn choose(&mut self, node: usize, from: i64) -> i64 {
        let m = self.model;
        let len = m.length[node];
        let mut trial = std::mem::take(&mut self.trial);
        let mut starts = std::mem::take(&mut self.starts);
        starts.clear();
        for alt in &m.alternatives[node] {
            trial.clear();
            trial.extend_from_slice(&m.demands[node]);
            trial.push((alt.resource, alt.demand));
            starts.push(self.earliest_fit(&trial, len, from));
        }
        self.trial = trial;
        // When each listed resource could be through with the work that
        // waits for it, this node's included if it is the one booked.
        let through = |k: usize, booked: bool| -> i64 {
            let r = m.alternatives[node][k].resource as usize;
            let busy = (self.backlog[r] / i128::from(m.limits[r].max(1))) as i64;
            starts[k] + busy + if booked { len } else { 0 }
        };
        // Every other schedule looks ahead, the rest take the starting
        // rule: the search's pool then holds choices of both kinds.
        let look_ahead = self.decodes % 2 == 1;
        let idle: Vec<i64> = if look_ahead {
            (0..starts.len()).map(|k| through(k, false)).collect()
        } else {
            Vec::new()
        };
        let others = LatestOfOthers::of(&idle);
        let key = |chosen: usize| {
            let worst = look_ahead.then(|| others.without(chosen).max(Some(through(chosen, true))));
            let r = m.alternatives[node][chosen].resource as usize;
            (worst, starts[chosen], self.need[r], chosen)
        };
        let k = (0..starts.len()).min_by_key(|&k| key(k)).unwrap_or(0);
        let s = starts.get(k).copied().unwrap_or(from);
        self.starts = starts;
        self.choice[node] = k as u16;
        s
    }

    fn rank_of(&self, node: usize, dir: Direction) -> u32 {
        match dir {
            Direction::Forward => self.model.rank[node],
            Direction::Backward => 0,
        }
    }

    /// The earliest start at or after `from` where every resource of
    /// `demands` has room for a node of length `len`.
    fn earliest_fit(&mut self, demands: &[(u32, i64)], len: i64, from: i64) -> i64 {
        let m = self.model;
        if len <= 0 {
            return from;
        }
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

/// Per resource: how many nodes demand it outright.
fn needs(model: &Abstract) -> Vec<u32> {
    let mut need = vec![0u32; model.limits.len()];
    for list in &model.demands {
        for &(r, _) in list {
            need[r as usize] += 1;
        }
    }
    need
}

/// Per resource: the work (length x demand) of the nodes that demand it
/// outright.
fn backlogs(model: &Abstract) -> Vec<i128> {
    let mut backlog = vec![0i128; model.limits.len()];
    for (node, list) in model.demands.iter().enumerate() {
        for &(r, d) in list {
            backlog[r as usize] += i128::from(model.length[node]) * i128::from(d);
        }
    }
    backlog
}

#[cfg(test)]
mod tests {
    use super::super::budget::{Budget, MIN_DECODES, THOROUGH_WORK};
    use super::super::rng::Rng;
    use super::super::{best_schedule_spending, Spent};
    use super::*;
    use crate::schedule::sgs::Context;
    use crate::schedule::{network, work, LevelEffort, Options};
    use std::fmt::Write;

    /// A decode resets what the one before booked: the same keys give the
    /// same schedule however many schedules came before, and resources no
    /// node demands (a plan may declare thousands) are never touched.
    #[test]
    fn decodes_reset_only_the_demanded_resources_and_fully() {
        let mut model = Abstract::for_tests(vec![3, 1, 2, 2, 4], vec![1, 1, 1, 1, 1]);
        model.limits = vec![1; 10_000];
        model.users.resize(10_000, 0);
        let allowance = Budget::for_effort(LevelEffort::Thorough).allowance(5, 5);
        let mut dec = Decoder::new(&model, false, allowance);
        assert_eq!(dec.used, vec![0]);
        let keys = [4, 2, 0, 1, 3];
        let first = dec.decode(&keys, Direction::Forward);
        let _ = dec.decode(&[0, 1, 2, 3, 4], Direction::Backward);
        let again = dec.decode(&keys, Direction::Forward);
        assert_eq!(first.start, again.start);
        assert_eq!(first.makespan, 12);
    }

    /// The contention shape `team` (`examples/genplan.rs --shape team`:
    /// five people assigned together to every task, 1-5 day efforts, a
    /// third after a random earlier task) at 2,000 tasks.
    fn team_plan(tasks: usize) -> String {
        let mut rng = Rng(1);
        let mut o = String::from("project \"team\" {\n  start 2027-01-04\n}\n");
        for p in 0..5 {
            let _ = writeln!(o, "resource p{p} {{}}");
        }
        let _ = writeln!(o, "team crew {{ resource p0, p1, p2, p3, p4 }}");
        for i in 0..tasks {
            let days = 1 + rng.below(5);
            let _ = write!(o, "task t{i} {{ effort {days}d");
            if i > 0 && rng.below(3) == 0 {
                let _ = write!(o, "  after t{}", rng.below(i));
            }
            let _ = writeln!(o, "  assign crew }}");
        }
        o
    }

    /// On a plan where a few people share thousands of tasks, a thorough
    /// search runs many abstract schedules and its counted work stays
    /// within the budget: a schedule costs about its nodes and demands
    /// times the logarithm of a load's history, not the history itself
    /// (each once walked a person's whole past).
    #[test]
    fn a_thorough_search_on_a_busy_team_stays_within_its_budget() {
        let text = team_plan(2_000);
        let (_, checked) = crate::check_str("team", &text);
        let Some(model) = checked.model else {
            panic!("the plan does not check: {:?}", checked.diagnostics);
        };
        let network = network::Network::build(&model);
        let calendars = work::WorkCalendars::build(&model);
        let ctx = Context::new(&model, &network, &calendars);
        let options = Options {
            effort: LevelEffort::Thorough,
            ..Options::default()
        };
        let mut spent = Spent::default();
        let placed = best_schedule_spending(&ctx, &options, &mut spent);
        assert!(placed.is_ok(), "the plan does not schedule");
        println!("{spent:?}");
        assert!(spent.decodes >= 10 * MIN_DECODES, "{spent:?}");
        assert!(
            spent.work <= THOROUGH_WORK + THOROUGH_WORK / 20,
            "{} operations over the bound {THOROUGH_WORK}",
            spent.work
        );
    }
}
