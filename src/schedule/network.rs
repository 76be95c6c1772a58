//! The activity network: which tasks are scheduled (leaves and milestones),
//! what each waits for (its own dependencies and those of every group it is
//! in), and the bookkeeping that tells when a group is complete.

use crate::check::{Model, TaskId, TaskKind};
use crate::syntax::ast::DepKind;
use crate::units::{Minutes, Moment};

/// One thing an activity waits for.
#[derive(Clone, Copy, Debug)]
pub struct Constraint {
    pub kind: DepKind,
    /// A leaf, milestone or group.
    pub target: TaskId,
    pub lag: Minutes,
}

/// The network derived from a model.
pub struct Network {
    /// Leaves and milestones in declaration order.
    pub activities: Vec<TaskId>,
    /// For each task (by index): its constraints, own and inherited; empty
    /// for groups.
    pub constraints: Vec<Vec<Constraint>>,
    /// For each task: the earliest start from `start`/`not before`/`date`
    /// on it or its groups, with which attribute set it.
    pub earliest: Vec<Option<(Moment, Bound)>>,
    /// For each task: the activities that wait for it.
    pub waiters: Vec<Vec<TaskId>>,
    /// For each task: the number of activities inside it (1 for a leaf).
    pub leaf_count: Vec<u32>,
    /// For each task: the tightest deadline on it or its groups.
    pub deadline: Vec<Option<Moment>>,
    /// For each task: its parent and its priority, copied out of the model
    /// so that the passes read small arrays rather than whole tasks.
    pub parent: Vec<Option<TaskId>>,
    pub priority: Vec<u32>,
}

/// Which attribute gave a task its earliest start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    Start,
    NotBefore,
    Date,
}

impl Network {
    pub fn build(model: &Model) -> Network {
        let n = model.tasks.len();
        let mut net = Network {
            activities: Vec::new(),
            constraints: vec![Vec::new(); n],
            earliest: vec![None; n],
            waiters: vec![Vec::new(); n],
            leaf_count: vec![0; n],
            deadline: vec![None; n],
            parent: model.tasks.iter().map(|t| t.parent).collect(),
            priority: model.tasks.iter().map(|t| t.priority).collect(),
        };
        for (i, task) in model.tasks.iter().enumerate() {
            let id = TaskId(i as u32);
            let inherited_deadline = task.parent.and_then(|p| net.deadline[p.index()]);
            net.deadline[i] = min_opt(task.deadline, inherited_deadline);
            let own = own_earliest(task);
            let inherited = task.parent.and_then(|p| net.earliest[p.index()]);
            net.earliest[i] = max_bound(own, inherited);
            if task.kind == TaskKind::Group {
                continue;
            }
            net.activities.push(id);
            let mut list = Vec::new();
            let mut cur = Some(id);
            while let Some(t) = cur {
                let task = model.task(t);
                list.extend(task.dependencies.iter().map(|d| Constraint {
                    kind: d.kind,
                    target: d.target,
                    lag: d.lag,
                }));
                cur = task.parent;
            }
            let mut targets: Vec<TaskId> = list.iter().map(|c| c.target).collect();
            targets.sort_unstable();
            targets.dedup();
            for t in targets {
                net.waiters[t.index()].push(id);
            }
            net.constraints[i] = list;
            let mut cur = Some(id);
            while let Some(t) = cur {
                net.leaf_count[t.index()] += 1;
                cur = model.task(t).parent;
            }
        }
        net
    }

    /// Distinct targets an activity waits for.
    pub fn target_count(&self, id: TaskId) -> usize {
        let mut targets: Vec<TaskId> = self.constraints[id.index()]
            .iter()
            .map(|c| c.target)
            .collect();
        targets.sort_unstable();
        targets.dedup();
        targets.len()
    }
}

fn own_earliest(task: &crate::check::Task) -> Option<(Moment, Bound)> {
    let candidates = [
        task.start.map(|m| (m, Bound::Start)),
        task.not_before.map(|m| (m, Bound::NotBefore)),
        task.date.map(|m| (m, Bound::Date)),
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
