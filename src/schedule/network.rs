//! The activity network: which tasks are scheduled (leaves and milestones),
//! what each waits for (its own dependencies and those of every group it is
//! in), and the bookkeeping that tells when a group is complete.
//!
//! The passes visit tasks in an order unrelated to their numbering, so
//! every separate array read per task costs a cache miss on a large plan:
//! what a pass reads about one task is kept together ([`Facts`], one cache
//! line), and the per-task lists are stored flat ([`Lists`]), where a list
//! of lists would cost one miss for a list's header and one for its items.

use crate::check::DepKind;
use crate::check::{Assignment, Booking, Model, TaskId, TaskKind, Work};
use crate::units::{Demand, Minutes, Moment, Share};

/// A task's place in a [`Network`]. A network may number its tasks anew
/// (see [`Network::renumbered`]), so a place is not a [`TaskId`]: the
/// two meet only through [`Network::model_id`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos(u32);

impl Pos {
    /// The place numbered `i`: within the scheduler, for values that hold
    /// a place as a bare number (queue keys, tests).
    pub(super) fn at(i: usize) -> Pos {
        Pos(i as u32)
    }

    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The place of task `t` in a network numbered as the model is, the
    /// one that [`Network::build`] makes.
    fn of_model(t: TaskId) -> Pos {
        Pos(t.0)
    }
}

/// One thing an activity waits for.
#[derive(Clone, Copy, Debug)]
pub struct Constraint {
    pub kind: DepKind,
    /// A leaf, milestone or group.
    pub target: Pos,
    pub lag: Minutes,
}

/// The network derived from a model.
pub struct Network {
    /// Leaves and milestones: in declaration order, or in a renumbered
    /// network the first tasks in the order given.
    pub activities: Vec<Pos>,
    /// For each task (by index): its constraints, own and inherited; empty
    /// for groups.
    pub constraints: Lists<Constraint>,
    /// For each task (by index): what the passes read about it.
    pub facts: Vec<Facts>,
    /// For each task: the activities that wait for it.
    pub waiters: Lists<Pos>,
    /// For each activity: the distinct targets of its constraints (how
    /// many tasks it waits for).
    pub target_count: Vec<u32>,
    /// For each task: the number of activities inside it (1 for a leaf).
    pub leaf_count: Vec<u32>,
    /// For each activity: its fixed bookings (none for milestones, which
    /// book nothing).
    pub fixed: Lists<Booking>,
    /// For each resource: its capacity and its limit (units x capacity).
    pub capacity: Vec<Share>,
    pub limit: Vec<Demand>,
    /// For each task of a [renumbered](Network::renumbered) network: its
    /// id in the model. Empty when the network numbers tasks as the model
    /// does.
    model_ids: Vec<TaskId>,
}

/// What the passes read about one task, copied out of the model (where a
/// task is several cache lines, its lists elsewhere) into one cache line.
#[derive(Clone, Copy, Debug, Default)]
#[repr(align(64))]
pub struct Facts {
    /// The earliest start from `start`/`not before`/`date` on the task or
    /// its groups, with which attribute set it.
    pub earliest: Option<(Moment, Bound)>,
    /// The tightest deadline on the task or its groups.
    pub deadline: Option<Moment>,
    /// Its work (`None` for milestones and groups).
    pub work: Option<Work>,
    pub parent: Option<Pos>,
    pub priority: u32,
    /// Whether it has `any of` assignments to resolve (then read from the
    /// model: they are rare).
    pub any_of: bool,
}

/// One list per task, all in one vector: task `i`'s items are
/// `items[at[i]..at[i + 1]]`.
pub struct Lists<T> {
    items: Vec<T>,
    at: Vec<u32>,
}

impl<T> Lists<T> {
    fn new() -> Lists<T> {
        Lists {
            items: Vec::new(),
            at: vec![0],
        }
    }

    /// Closes the list of the next task: it holds the items pushed since
    /// the previous one was closed.
    fn close(&mut self) {
        self.at.push(self.items.len() as u32);
    }

    /// Task `i`'s list.
    pub fn of(&self, i: usize) -> &[T] {
        let (from, to) = (self.at[i] as usize, self.at[i + 1] as usize);
        &self.items[from..to]
    }

    /// The same lists for tasks numbered anew: task `i`'s list is the old
    /// list of `old[i]`, each item passed through `map`.
    fn renumbered(&self, old: &[Pos], map: impl Fn(&T) -> T) -> Lists<T> {
        let mut lists = Lists {
            items: Vec::with_capacity(self.items.len()),
            at: Vec::with_capacity(old.len() + 1),
        };
        lists.at.push(0);
        for t in old {
            lists.items.extend(self.of(t.index()).iter().map(&map));
            lists.close();
        }
        lists
    }
}

impl Lists<Pos> {
    /// Lists of `n` tasks from (task, item) pairs, keeping the items of
    /// each task in the order given (a counting sort).
    fn grouped(n: usize, pairs: &[(Pos, Pos)]) -> Lists<Pos> {
        let mut at = vec![0u32; n + 1];
        for (t, _) in pairs {
            at[t.index() + 1] += 1;
        }
        for i in 0..n {
            at[i + 1] += at[i];
        }
        let mut next: Vec<u32> = at[..n].to_vec();
        let mut items = vec![Pos(0); pairs.len()];
        for &(t, item) in pairs {
            items[next[t.index()] as usize] = item;
            next[t.index()] += 1;
        }
        Lists { items, at }
    }
}

/// Which attribute gave a task its earliest start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    Start,
    NotBefore,
    Date,
    /// The status date: nothing unstarted is scheduled before it.
    StatusDate,
}

impl Network {
    pub fn build(model: &Model) -> Network {
        let n = model.tasks.len();
        let mut net = Network {
            activities: Vec::new(),
            constraints: Lists::new(),
            facts: model
                .tasks
                .iter()
                .map(|t| Facts {
                    work: t.work,
                    parent: t.parent.map(Pos::of_model),
                    priority: t.priority,
                    ..Facts::default()
                })
                .collect(),
            waiters: Lists::new(),
            target_count: vec![0; n],
            leaf_count: vec![0; n],
            fixed: Lists::new(),
            capacity: model.resources.iter().map(|r| r.capacity).collect(),
            limit: model.resources.iter().map(|r| r.limit()).collect(),
            model_ids: Vec::new(),
        };
        // (target, waiting activity), in activity order.
        let mut waits: Vec<(Pos, Pos)> = Vec::new();
        let mut targets: Vec<Pos> = Vec::new();
        for (i, task) in model.tasks.iter().enumerate() {
            let id = TaskId(i as u32);
            let inherited_deadline = task.parent.and_then(|p| net.facts[p.index()].deadline);
            net.facts[i].deadline = min_opt(task.details().deadline, inherited_deadline);
            let own = own_earliest(task);
            let inherited = task.parent.and_then(|p| net.facts[p.index()].earliest);
            net.facts[i].earliest = max_bound(own, inherited);
            net.record_bookings(i, task);
            if task.kind == TaskKind::Group {
                net.constraints.close();
                continue;
            }
            net.activities.push(Pos::of_model(id));
            let first = net.constraints.items.len();
            let mut cur = Some(id);
            while let Some(t) = cur {
                let task = model.task(t);
                net.constraints
                    .items
                    .extend(task.dependencies.iter().map(|d| Constraint {
                        kind: d.kind,
                        target: Pos::of_model(d.target),
                        lag: d.lag,
                    }));
                cur = task.parent;
            }
            targets.clear();
            targets.extend(net.constraints.items[first..].iter().map(|c| c.target));
            targets.sort_unstable();
            targets.dedup();
            net.target_count[i] = targets.len() as u32;
            waits.extend(targets.iter().map(|&t| (t, Pos::of_model(id))));
            net.constraints.close();
            let mut cur = Some(id);
            while let Some(t) = cur {
                net.leaf_count[t.index()] += 1;
                cur = model.task(t).parent;
            }
        }
        net.waiters = Lists::grouped(n, &waits);
        net
    }

    /// This network with its tasks numbered anew: the activities of
    /// `activities` (all of them, in any order) become tasks 0, 1, 2...,
    /// then come the groups in the model's order. Numbered in the order a
    /// pass takes them, what it reads and writes per task lies in the order
    /// it goes, rather than scattered over memory.
    pub fn renumbered(&self, activities: &[Pos]) -> Network {
        debug_assert_eq!(
            activities.len(),
            self.activities.len(),
            "every activity, once"
        );
        let n = self.facts.len();
        // Per task of this network, its new number; per new number, the
        // task of this network (`old`) and of the model (`model_ids`).
        let mut new_id = vec![u32::MAX; n];
        let mut old: Vec<Pos> = Vec::with_capacity(n);
        for &a in activities {
            new_id[a.index()] = old.len() as u32;
            old.push(a);
        }
        for (i, slot) in new_id.iter_mut().enumerate() {
            if *slot == u32::MAX {
                *slot = old.len() as u32;
                old.push(Pos(i as u32));
            }
        }
        let model_ids: Vec<TaskId> = old.iter().map(|&t| self.model_id(t)).collect();
        let to_new = |t: Pos| Pos(new_id[t.index()]);
        Network {
            activities: (0..activities.len() as u32).map(Pos).collect(),
            constraints: self.constraints.renumbered(&old, |c| Constraint {
                target: to_new(c.target),
                ..*c
            }),
            facts: old
                .iter()
                .map(|t| Facts {
                    parent: self.facts[t.index()].parent.map(to_new),
                    ..self.facts[t.index()]
                })
                .collect(),
            waiters: self.waiters.renumbered(&old, |&w| to_new(w)),
            target_count: old.iter().map(|t| self.target_count[t.index()]).collect(),
            leaf_count: old.iter().map(|t| self.leaf_count[t.index()]).collect(),
            fixed: self.fixed.renumbered(&old, |b| *b),
            capacity: self.capacity.clone(),
            limit: self.limit.clone(),
            model_ids,
        }
    }

    /// Whether tasks are numbered otherwise than in the model.
    #[cfg(test)]
    pub fn is_renumbered(&self) -> bool {
        !self.model_ids.is_empty()
    }

    /// The model's id of the task at place `t`.
    pub fn model_id(&self, t: Pos) -> TaskId {
        self.model_ids
            .get(t.index())
            .copied()
            .unwrap_or(TaskId(t.0))
    }

    /// Closes task `i`'s list of fixed bookings and notes its `any of`.
    fn record_bookings(&mut self, i: usize, task: &crate::check::Task) {
        if matches!(task.kind, TaskKind::Leaf) {
            for assignment in &task.assignments {
                match assignment {
                    Assignment::Fixed(b) => self.fixed.items.push(*b),
                    Assignment::AnyOf(_) => self.facts[i].any_of = true,
                }
            }
        }
        self.fixed.close();
    }

    /// The demand of a booking on its resource.
    pub fn demand(&self, b: &Booking) -> Demand {
        Demand::of(b.count, b.percent, self.capacity[b.resource.index()])
    }
}

fn own_earliest(task: &crate::check::Task) -> Option<(Moment, Bound)> {
    let details = task.details();
    let candidates = [
        details.start.map(|m| (m, Bound::Start)),
        details.not_before.map(|m| (m, Bound::NotBefore)),
        details.date.map(|m| (m, Bound::Date)),
    ];
    candidates.into_iter().flatten().max_by_key(|(m, _)| *m)
}

fn max_bound(a: Option<(Moment, Bound)>, b: Option<(Moment, Bound)>) -> Option<(Moment, Bound)> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.0 > x.0 { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

fn min_opt(a: Option<Moment>, b: Option<Moment>) -> Option<Moment> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbering_keeps_every_fact_and_link() {
        let text = include_str!("../../samples/software-release.plan");
        let (_, checked) = crate::check_str("software-release.plan", text);
        let model = checked.model.expect("the sample is a valid plan");
        let net = Network::build(&model);
        let order: Vec<Pos> = net.activities.iter().rev().copied().collect();
        let re = net.renumbered(&order);
        // Activities first, in the order given; then the groups.
        assert_eq!(re.activities.len(), order.len());
        for (k, &a) in re.activities.iter().enumerate() {
            assert_eq!(a.index(), k);
            assert_eq!(re.model_id(a), net.model_id(order[k]));
        }
        let back = |t: Pos| re.model_id(t);
        let same = |t: Pos| net.model_id(t);
        let mut seen = vec![false; model.tasks.len()];
        for new in 0..model.tasks.len() {
            let old = back(Pos::at(new)).index();
            assert!(!seen[old], "task {old} numbered twice");
            seen[old] = true;
            let (f, g) = (&re.facts[new], &net.facts[old]);
            assert_eq!(f.parent.map(back), g.parent.map(same));
            assert_eq!(
                (f.earliest, f.deadline, f.work),
                (g.earliest, g.deadline, g.work)
            );
            assert_eq!((f.priority, f.any_of), (g.priority, g.any_of));
            assert_eq!(re.target_count[new], net.target_count[old]);
            assert_eq!(re.leaf_count[new], net.leaf_count[old]);
            assert_eq!(re.fixed.of(new), net.fixed.of(old));
            let links = |l: &[Constraint], map: &dyn Fn(Pos) -> TaskId| {
                l.iter()
                    .map(|c| (c.kind, map(c.target), c.lag))
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                links(re.constraints.of(new), &back),
                links(net.constraints.of(old), &same)
            );
            let waiters: Vec<TaskId> = re.waiters.of(new).iter().map(|&w| back(w)).collect();
            let before: Vec<TaskId> = net.waiters.of(old).iter().map(|&w| same(w)).collect();
            assert_eq!(waiters, before);
        }
        assert!(!net.is_renumbered() && re.is_renumbered());
    }
}
