//! Choosing the order in which the serial scheme places activities, to
//! make the levelled schedule short.
//!
//! The starting rule is the one of spec 3: priority, then the unlevelled
//! latest start, then declaration order. On top of it runs a search on an
//! *abstract* model built from the unlevelled pass: every activity gets a
//! fixed length in working minutes of the project calendar, its demands on
//! the resources it booked, and its links to other activities; time is
//! counted in working minutes from the project start. On that model a
//! schedule takes microseconds to build, so the search can try many
//! orders: several priority rules as starts, forward-backward improvement
//! (justification) after each, and then a small genetic search on activity
//! lists. The best order found is handed to the real, calendar-aware
//! scheme in [`sgs::forward`], and its result is kept only if it really is
//! shorter than the starting rule's.
//!
//! Higher `priority` always goes first: the real scheme orders by priority
//! before any key, and the abstract forward passes do the same, so the
//! search only reorders within equal priority. The search is
//! deterministic: a fixed work budget (no clocks) and a pseudo-random
//! generator seeded from the plan.

use super::critical;
use super::sgs::{self, node_of_key, queue_key, Context, Failure, Forward, Key, Placed};
use super::{LevelEffort, Options};
use crate::check::DepKind;
use crate::check::{TaskId, TaskKind};
use crate::units::Moment;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Activity placements the default search may spend (an abstract schedule
/// of n activities costs n). Sized so that a 120-activity plan levels in
/// well under 50 ms.
const NORMAL_BUDGET: usize = 150_000;
/// Activity placements the default search may spend on a large plan (over
/// [`SMALL_MODEL`] nodes): one justification for up to 5,000 nodes.
const LARGE_BUDGET: usize = 15_000;
/// The same as [`NORMAL_BUDGET`] for `--level thorough`.
const THOROUGH_BUDGET: usize = 4_000_000;
/// Demands per node, on average, that one placement of the budget pays for.
const DEMANDS_PER_PLACEMENT: usize = 8;
/// Abstract schedules at most, however small the plan.
const NORMAL_MAX_DECODES: usize = 2_000;
const THOROUGH_MAX_DECODES: usize = 50_000;
/// Below this many abstract schedules the search is not worth its set-up.
const MIN_DECODES: usize = 3;
/// Justification rounds after each new schedule, at most.
const FBI_ROUNDS: usize = 6;
/// The same for children of the genetic search: one round catches most of
/// the gain at a third of the cost.
const CHILD_FBI_ROUNDS: usize = 1;
/// Genetic search: population size and mutation chance (per mille).
const POPULATION: usize = 32;
const MUTATION_PER_MILLE: u64 = 15;

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
    let (budget, most) = match options.effort {
        LevelEffort::Normal => (NORMAL_BUDGET, NORMAL_MAX_DECODES),
        LevelEffort::Thorough => (THOROUGH_BUDGET, THOROUGH_MAX_DECODES),
    };
    // Every activity is a node: if the budget cannot pay for even that
    // many, skip building the model, and free the unlevelled pass before
    // the levelled one allocates (on a large plan its memory is reused
    // rather than fresh pages touched).
    let activities = ctx.network.activities.len();
    if decodes_for(activities, options.effort, budget, most) < MIN_DECODES {
        drop(unlevelled);
        return sgs::forward(ctx, &lst_keys, true);
    }
    let baseline = sgs::forward(ctx, &lst_keys, true)?;
    let model = Abstract::build(ctx, &unlevelled);
    let decodes = decodes_for(
        model.len(),
        options.effort,
        budget / model.demand_weight(),
        most,
    );
    if model.len() == 0 || decodes < MIN_DECODES || !model.has_demands() {
        return Ok(baseline);
    }
    let lst_abstract: Vec<i64> = model.task.iter().map(|t| lst_keys[t.index()]).collect();
    let found = search(&model, &lst_abstract, decodes);
    let mut keys = lst_keys;
    for (node, t) in model.task.iter().enumerate() {
        if model.is_activity(node) {
            keys[t.index()] = found[node];
        }
    }
    // The search's order is only a proposal: keep it if the real scheme,
    // with its calendars, agrees that it is shorter.
    match sgs::forward(ctx, &keys, true) {
        Ok(candidate) if candidate.makespan_end() < baseline.makespan_end() => Ok(candidate),
        _ => Ok(baseline),
    }
}

/// How many abstract schedules the search may build on a model of `nodes`
/// nodes: the budget shared out, within the cap. Large plans by default
/// get one justification of the starting rule (most of the gain, at the
/// cost of three abstract passes) while that fits in [`LARGE_BUDGET`], and
/// no search beyond: its three passes, and the real pass that checks its
/// proposal, would cost more than the levelled pass itself, for a gain
/// that is rare and small on plans that size.
fn decodes_for(nodes: usize, effort: LevelEffort, budget: usize, most: usize) -> usize {
    let affordable = (budget / nodes.max(1)).min(most);
    if effort == LevelEffort::Normal && nodes > SMALL_MODEL {
        (LARGE_BUDGET / nodes).min(affordable).min(MIN_DECODES)
    } else {
        affordable
    }
}

/// A link between two nodes of the abstract model: the later node may not
/// start (or finish, `to_finish`) before the earlier node's start (or
/// finish, `from_finish`) plus `lag`.
#[derive(Clone, Copy, Debug)]
struct Link {
    other: u32,
    from_finish: bool,
    to_finish: bool,
    lag: i64,
}

impl Link {
    /// The same constraint seen from the other end in mirrored time.
    fn mirrored(self, other: u32) -> Link {
        Link {
            other,
            from_finish: !self.to_finish,
            to_finish: !self.from_finish,
            lag: self.lag,
        }
    }
}

/// The fixed-length model the search works on. Nodes are the activities in
/// network order, followed by one zero-length node per group that some
/// activity depends on (finishing when the group's last activity does).
struct Abstract {
    /// Per node: the task it stands for (the group for group nodes).
    task: Vec<TaskId>,
    activities: usize,
    length: Vec<i64>,
    release: Vec<i64>,
    /// Per node: 1000 - priority (smaller goes first), 0 for group nodes.
    rank: Vec<u32>,
    preds: Vec<Vec<Link>>,
    succs: Vec<Vec<Link>>,
    /// Per node: (resource, demand).
    demands: Vec<Vec<(u32, i64)>>,
    limits: Vec<i64>,
    /// Per resource: how many nodes demand it (bounds its load's steps).
    users: Vec<usize>,
}

impl Abstract {
    fn build(ctx: &Context<'_>, unlevelled: &Forward) -> Abstract {
        let model = ctx.model;
        let cal = &ctx.calendars.project;
        let origin = model.project.start;
        let minutes_from_start = |m: Moment| -> i64 {
            if m >= origin {
                cal.work_between(origin, m).0
            } else {
                -cal.work_between(m, origin).0
            }
        };
        let mut node_of: Vec<Option<u32>> = vec![None; model.tasks.len()];
        let mut task = Vec::with_capacity(ctx.network.activities.len());
        for &a in &ctx.network.activities {
            node_of[a.index()] = Some(task.len() as u32);
            task.push(a);
        }
        let activities = task.len();
        // Group nodes for every group some activity waits for.
        for &a in &ctx.network.activities {
            for c in ctx.network.constraints.of(a.index()) {
                let t = c.target.index();
                if node_of[t].is_none() {
                    node_of[t] = Some(task.len() as u32);
                    task.push(c.target);
                }
            }
        }
        let nodes = task.len();
        let mut length = vec![0i64; nodes];
        let mut release = vec![0i64; nodes];
        let mut rank = vec![0u32; nodes];
        let mut demands: Vec<Vec<(u32, i64)>> = vec![Vec::new(); nodes];
        let mut preds: Vec<Vec<Link>> = vec![Vec::new(); nodes];
        for (node, &a) in task.iter().enumerate().take(activities) {
            let i = a.index();
            let t = model.task(a);
            length[node] = if t.kind == TaskKind::Milestone {
                0
            } else {
                cal.work_between(unlevelled.start[i], unlevelled.end[i]).0
            };
            if let Some((m, _)) = ctx.network.facts[i].earliest {
                release[node] = minutes_from_start(m).max(0);
            }
            rank[node] = 1000u32.saturating_sub(t.priority);
            for b in unlevelled.bookings_of(i) {
                let d = ctx.network.demand(b).0;
                if d > 0 {
                    demands[node].push((b.resource.0, d));
                }
            }
            for c in ctx.network.constraints.of(i) {
                let Some(from) = node_of[c.target.index()] else {
                    continue;
                };
                let (from_finish, to_finish) = match c.kind {
                    DepKind::FinishToStart => (true, false),
                    DepKind::StartToStart => (false, false),
                    DepKind::FinishToFinish => (true, true),
                    DepKind::StartToFinish => (false, true),
                };
                // A start link to a group really means its first start; the
                // group node only knows its finish, which is stricter but
                // keeps the model a plain precedence network.
                let from_finish = from_finish || (from as usize) >= activities;
                preds[node].push(Link {
                    other: from,
                    from_finish,
                    to_finish,
                    lag: c.lag.0,
                });
            }
            // The activity completes every group node above it.
            let mut cur = t.parent;
            while let Some(g) = cur {
                if let Some(gn) = node_of[g.index()] {
                    preds[gn as usize].push(Link {
                        other: node as u32,
                        from_finish: true,
                        to_finish: false,
                        lag: 0,
                    });
                }
                cur = model.task(g).parent;
            }
        }
        let mut succs: Vec<Vec<Link>> = vec![Vec::new(); nodes];
        for (node, list) in preds.iter().enumerate() {
            for l in list {
                succs[l.other as usize].push(l.mirrored(node as u32));
            }
        }
        let limits = model.resources.iter().map(|r| r.limit().0).collect();
        let mut users = vec![0usize; model.resources.len()];
        for list in &demands {
            for &(r, _) in list {
                users[r as usize] += 1;
            }
        }
        Abstract {
            task,
            activities,
            length,
            release,
            rank,
            preds,
            succs,
            demands,
            limits,
            users,
        }
    }

    fn len(&self) -> usize {
        self.task.len()
    }

    fn is_activity(&self, node: usize) -> bool {
        node < self.activities
    }

    /// How many times dearer a placement is here than on a plan with a
    /// few resources per task, for which the budget is sized: placing a
    /// node asks every resource it demands, so a team of thousands
    /// assigned to every task makes each placement that much dearer.
    fn demand_weight(&self) -> usize {
        let demands: usize = self.demands.iter().map(Vec::len).sum();
        (demands / (self.len().max(1) * DEMANDS_PER_PLACEMENT)).max(1)
    }

    fn has_demands(&self) -> bool {
        self.demands.iter().any(|d| !d.is_empty())
    }
}

/// A schedule of the abstract model: start per node and the makespan.
#[derive(Clone)]
struct Plan {
    start: Vec<i64>,
    makespan: i64,
}

/// Which way a pass runs: forwards in real time, or backwards (in mirrored
/// time, with every link reversed) to right-justify a schedule.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Forward,
    Backward,
}

/// Reusable buffers for the serial scheme on the abstract model.
struct Decoder<'a> {
    model: &'a Abstract,
    profiles: Vec<Load>,
    finish: Vec<i64>,
    start: Vec<i64>,
    waiting: Vec<u32>,
    /// Abstract schedules built so far (the budget's unit).
    decodes: usize,
}

impl<'a> Decoder<'a> {
    /// A decoder on `model`; `in_units` says its times are counted in grid
    /// units (see [`grid_unit`]), so that its loads can be grids.
    fn new(model: &'a Abstract, in_units: bool) -> Decoder<'a> {
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
        }
    }

    /// Runs the serial scheme in `dir`, taking eligible nodes by (rank when
    /// forwards, key, index). Returns the schedule in real time.
    fn decode(&mut self, keys: &[i64], dir: Direction) -> Plan {
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
                    self.profiles[r as usize].add(s, s + len, d);
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
    fn earliest_fit(&self, node: usize, from: i64) -> i64 {
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
            let limit = m.limits[r as usize];
            if d > limit {
                // Cannot fit at all: the real scheme reports it; here just
                // place it so the search can go on.
                continue;
            }
            if let Some(t) = self.profiles[r as usize].conflict(s, s + len, d, limit) {
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
    fn justify(&mut self, mut plan: Plan, rounds: usize) -> Plan {
        for _ in 0..rounds {
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

/// A resource's load in the abstract model: a step function of time, as
/// (moment, load from then on) pairs in time order. Resources few nodes
/// use keep them in a vector (fast to scan, and a plan with thousands of
/// people each doing a few tasks has only such); busy ones in a B-tree,
/// so that inserting a step never moves the whole history.
///
/// When the model is counted in grid units (see [`grid_unit`]) the load is
/// kept per unit instead: a check then reads the window's few cells and
/// needs no search.
#[derive(Clone)]
enum Load {
    Small(Vec<(i64, i64)>),
    Large(BTreeMap<i64, i64>),
    /// Load per unit of time from 0; beyond the vector, zero.
    Grid(Vec<i64>),
}

/// Longest schedule, in units, whose loads may be kept per unit, and most
/// cells over all resources.
const GRID_UNITS: i64 = 1 << 16;
const GRID_CELLS: i64 = 1 << 21;

/// Largest model that the default search treats as small, and most users
/// of one resource whose load is kept in a vector.
const SMALL_MODEL: usize = 2_000;

impl Load {
    /// A load for a resource that `users` nodes demand.
    fn for_size(users: usize) -> Load {
        if users <= SMALL_MODEL {
            Load::Small(Vec::new())
        } else {
            Load::Large(BTreeMap::new())
        }
    }

    fn clear(&mut self) {
        match self {
            Load::Small(v) => v.clear(),
            Load::Large(m) => m.clear(),
            Load::Grid(cells) => cells.clear(),
        }
    }

    /// If `demand` over [from, to) overflows `limit`: where the first
    /// overflowing stretch ends.
    fn conflict(&self, from: i64, to: i64, demand: i64, limit: i64) -> Option<i64> {
        match self {
            Load::Small(v) => {
                let first = v.partition_point(|&(t, _)| t <= from);
                let at = if first == 0 { 0 } else { v[first - 1].1 };
                let rest = v[first..].iter().map(|&(t, l)| (t, l));
                first_overflow_end(at, rest, to, demand, limit)
            }
            Load::Large(m) => {
                let at = m.range(..=from).next_back().map_or(0, |(_, l)| *l);
                let rest = m.range(from + 1..).map(|(&t, &l)| (t, l));
                first_overflow_end(at, rest, to, demand, limit)
            }
            Load::Grid(cells) => {
                let over = |t: i64| grid_cell(cells, t) + demand > limit;
                let mut t = from;
                while t < to && !over(t) {
                    t += 1;
                }
                if t >= to {
                    return None;
                }
                // Beyond the cells the load is zero, so this stops.
                while over(t) && t <= cells.len() as i64 {
                    t += 1;
                }
                Some(t)
            }
        }
    }

    fn add(&mut self, from: i64, to: i64, demand: i64) {
        match self {
            Load::Small(v) => {
                let i = split_at(v, from);
                let j = split_at(v, to);
                for step in &mut v[i..j] {
                    step.1 += demand;
                }
            }
            Load::Large(m) => {
                let at_from = m.range(..=from).next_back().map_or(0, |(_, l)| *l);
                let at_to = m.range(..=to).next_back().map_or(0, |(_, l)| *l);
                m.entry(from).or_insert(at_from);
                m.entry(to).or_insert(at_to);
                for (_, load) in m.range_mut(from..to) {
                    *load += demand;
                }
            }
            Load::Grid(cells) => {
                // Times are never negative: every pass starts at zero.
                let first = usize::try_from(from).unwrap_or(0);
                let end = usize::try_from(to).unwrap_or(0);
                if cells.len() < end {
                    cells.resize(end, 0);
                }
                for cell in cells.iter_mut().take(end).skip(first) {
                    *cell += demand;
                }
            }
        }
    }
}

/// The load in one cell of a grid (zero outside it).
fn grid_cell(cells: &[i64], u: i64) -> i64 {
    usize::try_from(u)
        .ok()
        .and_then(|u| cells.get(u))
        .copied()
        .unwrap_or(0)
}

/// The unit for grid loads, if the model suits them: the largest that
/// divides every length, lag and release, provided the longest schedule
/// possible (every node one after the other, every lag waited) is short in
/// those units. A plan counted in whole days, as the RCPSP benchmarks are,
/// has one.
fn grid_unit(model: &Abstract) -> Option<i64> {
    let times = model
        .length
        .iter()
        .chain(&model.release)
        .copied()
        .chain(model.preds.iter().flatten().map(|l| l.lag));
    let unit = times.fold(0i64, |g, t| {
        gcd(g, t.unsigned_abs().min(i64::MAX as u64) as i64)
    });
    if unit <= 0 {
        return None;
    }
    let longest = model.release.iter().copied().max().unwrap_or(0)
        + model.length.iter().sum::<i64>()
        + model
            .preds
            .iter()
            .flatten()
            .map(|l| l.lag.max(0))
            .sum::<i64>();
    let units = longest / unit + 1;
    let cells = units.saturating_mul(model.limits.len() as i64);
    (units <= GRID_UNITS && cells <= GRID_CELLS).then_some(unit)
}

impl Abstract {
    /// The same model with every time divided by `unit` (which divides
    /// them all). Its schedules are the original's, scaled: the serial
    /// scheme only adds and compares times.
    fn scaled(&self, unit: i64) -> Abstract {
        let scale = |list: &[Link]| -> Vec<Link> {
            list.iter()
                .map(|l| Link {
                    lag: l.lag / unit,
                    ..*l
                })
                .collect()
        };
        Abstract {
            task: self.task.clone(),
            activities: self.activities,
            length: self.length.iter().map(|l| l / unit).collect(),
            release: self.release.iter().map(|r| r / unit).collect(),
            rank: self.rank.clone(),
            preds: self.preds.iter().map(|p| scale(p)).collect(),
            succs: self.succs.iter().map(|p| scale(p)).collect(),
            demands: self.demands.clone(),
            limits: self.limits.clone(),
            users: self.users.clone(),
        }
    }
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Makes sure a step starts at `t`; returns its position.
fn split_at(v: &mut Vec<(i64, i64)>, t: i64) -> usize {
    let i = v.partition_point(|&(s, _)| s < t);
    if v.get(i).is_none_or(|&(s, _)| s != t) {
        let load = if i == 0 { 0 } else { v[i - 1].1 };
        v.insert(i, (t, load));
    }
    i
}

/// Given the load at the window's start and the steps after it: `None` if
/// the demand fits until `to`, else the end of the first overflow.
fn first_overflow_end(
    at: i64,
    mut rest: impl Iterator<Item = (i64, i64)>,
    to: i64,
    demand: i64,
    limit: i64,
) -> Option<i64> {
    let over = |load: i64| load + demand > limit;
    if !over(at) {
        loop {
            match rest.next() {
                Some((t, load)) if t < to => {
                    if over(load) {
                        break;
                    }
                }
                _ => return None,
            }
        }
    }
    rest.find(|&(_, load)| !over(load))
        .map(|(t, _)| t)
        .or(Some(i64::MAX / 4))
}

/// A small deterministic generator (SplitMix64): the search needs cheap,
/// reproducible choices, not statistical quality.
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
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
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

/// Searches for a short forward schedule; returns its start times (the
/// keys that reproduce it).
fn search(model: &Abstract, lst: &[i64], max_decodes: usize) -> Vec<i64> {
    // Plans come back in grid units then; only their order and makespan
    // matter, which scaling keeps.
    let scaled = grid_unit(model).map(|unit| model.scaled(unit));
    let mut dec = match &scaled {
        Some(units) => Decoder::new(units, true),
        None => Decoder::new(model, false),
    };
    let mut pool: Vec<Plan> = Vec::new();
    for keys in starting_orders(model, lst) {
        if dec.decodes + 1 >= max_decodes {
            break;
        }
        let first = dec.decode(&keys, Direction::Forward);
        let rounds = FBI_ROUNDS.min(max_decodes.saturating_sub(dec.decodes) / 2);
        let plan = dec.justify(first, rounds);
        pool.push(plan);
    }
    let mut rng = Rng(seed_of(model));
    evolve(&mut dec, &mut pool, &mut rng, max_decodes);
    pool.into_iter()
        .min_by_key(|p| p.makespan)
        .map(|p| p.start)
        .unwrap_or_else(|| lst.to_vec())
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

/// A genetic search on activity lists: two-point crossover of the parents'
/// start orders, a few adjacent swaps, a forward pass and justification;
/// the child replaces the worst member when it is better.
fn evolve(dec: &mut Decoder<'_>, pool: &mut Vec<Plan>, rng: &mut Rng, max_decodes: usize) {
    if pool.is_empty() {
        return;
    }
    let n = dec.model.len();
    // Grow the population by mutating what we have.
    let mut i = 0;
    while pool.len() < POPULATION && dec.decodes + 3 <= max_decodes {
        let parent = order_of(&pool[i % pool.len()]);
        let child = mutate(parent, rng, 200);
        let plan = dec.decode(&keys_of(&child, n), Direction::Forward);
        pool.push(dec.justify(plan, CHILD_FBI_ROUNDS));
        i += 1;
    }
    while dec.decodes + 3 <= max_decodes {
        let a = tournament(pool, rng);
        let b = tournament(pool, rng);
        let child = crossover(&order_of(&pool[a]), &order_of(&pool[b]), rng);
        let child = mutate(child, rng, MUTATION_PER_MILLE);
        let plan = dec.decode(&keys_of(&child, n), Direction::Forward);
        let plan = dec.justify(plan, CHILD_FBI_ROUNDS);
        let worst = (0..pool.len())
            .max_by_key(|&k| (pool[k].makespan, k))
            .unwrap_or(0);
        let duplicate = pool.iter().any(|p| p.start == plan.start);
        if !duplicate && plan.makespan <= pool[worst].makespan {
            pool[worst] = plan;
        }
    }
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
    fn load_points_past_the_overflow() {
        for size in [1, SMALL_MODEL + 1] {
            load_points_past_the_overflow_in(Load::for_size(size));
        }
        load_points_past_the_overflow_in(Load::Grid(Vec::new()));
    }

    fn load_points_past_the_overflow_in(mut l: Load) {
        l.add(10, 20, 1);
        assert_eq!(l.conflict(0, 10, 1, 1), None);
        assert_eq!(l.conflict(5, 15, 1, 1), Some(20));
        assert_eq!(l.conflict(20, 30, 1, 1), None);
        l.add(20, 25, 1);
        assert_eq!(l.conflict(12, 30, 1, 1), Some(25));
        assert_eq!(l.conflict(12, 30, 1, 2), None);
    }

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

    #[test]
    fn links_mirror_back_to_themselves() {
        let l = Link {
            other: 1,
            from_finish: true,
            to_finish: false,
            lag: 5,
        };
        let m = l.mirrored(2).mirrored(1);
        assert_eq!(
            (m.other, m.from_finish, m.to_finish, m.lag),
            (1, true, false, 5)
        );
    }
}
