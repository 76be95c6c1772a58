//! The abstract model the search works on: every activity with a fixed
//! length, its demands and its links, time counted in working minutes of
//! the project calendar from the project start. Built once from the
//! unlevelled pass; schedules of it cost no calendar arithmetic.

use crate::check::TaskKind;
use crate::check::{Assignment, Booking, DepKind};
use crate::schedule::network::Pos;
use crate::schedule::sgs::{Context, Forward};
use crate::schedule::work::place;
use crate::units::Moment;

/// A link between two nodes of the abstract model: the later node may not
/// start (or finish, `to_finish`) before the earlier node's start (or
/// finish, `from_finish`) plus `lag`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Link {
    pub(super) other: u32,
    pub(super) from_finish: bool,
    pub(super) to_finish: bool,
    pub(super) lag: i64,
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

/// One alternative of an `any of`: its place in the list as written, and
/// its resource and demand.
#[derive(Clone, Copy, Debug)]
pub(super) struct Alternative {
    pub(super) listed: u16,
    pub(super) resource: u32,
    pub(super) demand: i64,
}

/// The fixed-length model the search works on. Nodes are the activities in
/// network order, followed by one zero-length node per group that some
/// activity depends on (finishing when the group's last activity does).
pub(super) struct Abstract {
    /// Per node: the task it stands for (the group for group nodes).
    pub(super) task: Vec<Pos>,
    pub(super) activities: usize,
    pub(super) length: Vec<i64>,
    pub(super) release: Vec<i64>,
    /// Per node: 1000 - priority (smaller goes first), 0 for group nodes.
    pub(super) rank: Vec<u32>,
    pub(super) preds: Vec<Vec<Link>>,
    pub(super) succs: Vec<Vec<Link>>,
    /// Per node: (resource, demand), without the `any of` booking of a
    /// node that has [`Alternative`]s.
    pub(super) demands: Vec<Vec<(u32, i64)>>,
    /// Per node: the alternatives of its `any of` that the search may move
    /// it between (empty: its bookings are fixed).
    pub(super) alternatives: Vec<Vec<Alternative>>,
    pub(super) limits: Vec<i64>,
    /// Per resource: how many nodes demand it (bounds its load's steps).
    pub(super) users: Vec<usize>,
}

impl Abstract {
    /// The model of `unlevelled`, a pass on `ctx.network`.
    pub(super) fn build(ctx: &Context<'_>, unlevelled: &Forward<Pos>) -> Abstract {
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
        let mut alternatives: Vec<Vec<Alternative>> = vec![Vec::new(); nodes];
        let mut preds: Vec<Vec<Link>> = vec![Vec::new(); nodes];
        for (node, &a) in task.iter().enumerate().take(activities) {
            let i = a.index();
            let t = model.task(ctx.network.model_id(a));
            length[node] = if t.kind == TaskKind::Milestone {
                0
            } else {
                cal.work_between(unlevelled.start[i], unlevelled.end[i]).0
            };
            if let Some((m, _)) = ctx.network.facts[i].earliest {
                release[node] = minutes_from_start(m).max(0);
            }
            rank[node] = 1000u32.saturating_sub(t.priority);
            let booked = unlevelled.bookings_of(i);
            alternatives[node] = movable_alternatives(ctx, unlevelled, a, booked);
            // The `any of` booking comes last (fixed bookings first): with
            // alternatives, the search chooses it instead.
            let fixed = booked.len() - usize::from(!alternatives[node].is_empty());
            for b in &booked[..fixed] {
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
            let mut cur = ctx.network.facts[i].parent;
            while let Some(g) = cur {
                if let Some(gn) = node_of[g.index()] {
                    preds[gn as usize].push(Link {
                        other: node as u32,
                        from_finish: true,
                        to_finish: false,
                        lag: 0,
                    });
                }
                cur = ctx.network.facts[g.index()].parent;
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
        for list in &alternatives {
            for alt in list {
                users[alt.resource as usize] += 1;
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
            alternatives,
            limits,
            users,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.task.len()
    }

    pub(super) fn is_activity(&self, node: usize) -> bool {
        node < self.activities
    }

    /// Demands of all nodes together; each alternative is tried as each
    /// placement is, so it counts too.
    pub(super) fn demand_count(&self) -> usize {
        self.demands.iter().map(Vec::len).sum::<usize>()
            + self.alternatives.iter().map(Vec::len).sum::<usize>()
    }

    /// A model of independent nodes of these lengths, each demanding its
    /// unit of one resource of one unit.
    #[cfg(test)]
    pub(super) fn for_tests(length: Vec<i64>, demand: Vec<i64>) -> Abstract {
        let n = length.len();
        Abstract {
            task: (0..n).map(Pos::at).collect(),
            activities: n,
            release: vec![0; n],
            rank: vec![0; n],
            preds: vec![Vec::new(); n],
            succs: vec![Vec::new(); n],
            demands: demand.iter().map(|&d| vec![(0, d)]).collect(),
            limits: vec![1],
            users: vec![n],
            alternatives: vec![Vec::new(); n],
            length,
        }
    }

    pub(super) fn has_demands(&self) -> bool {
        self.demands.iter().any(|d| !d.is_empty()) || self.has_alternatives()
    }

    pub(super) fn has_alternatives(&self) -> bool {
        self.alternatives.iter().any(|a| !a.is_empty())
    }
    /// The same model with every time divided by `unit` (which divides
    /// them all). Its schedules are the original's, scaled: the serial
    /// scheme only adds and compares times.
    pub(super) fn scaled(&self, unit: i64) -> Abstract {
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
            alternatives: self.alternatives.clone(),
            limits: self.limits.clone(),
            users: self.users.clone(),
        }
    }
}

/// The alternatives of activity `a`'s one `any of` that would give it the
/// length it had in the unlevelled pass (`booked` its bookings there):
/// the model keeps one length per node, so the search moves a task only
/// between alternatives alike in capacity and calendar. None for a task
/// with no `any of`, or several (those keep the choice of the real scheme).
fn movable_alternatives(
    ctx: &Context<'_>,
    unlevelled: &Forward<Pos>,
    a: Pos,
    booked: &[Booking],
) -> Vec<Alternative> {
    let net = ctx.network;
    let i = a.index();
    if !net.facts[i].any_of {
        return Vec::new();
    }
    let assignments = &ctx.model.task(net.model_id(a)).assignments;
    let mut lists = assignments.iter().filter_map(|x| match x {
        Assignment::AnyOf(list) => Some(list),
        Assignment::Fixed(_) => None,
    });
    let (Some(options), None) = (lists.next(), lists.next()) else {
        return Vec::new();
    };
    let fixed = net.fixed.of(i);
    if booked.len() != fixed.len() + 1 || options.len() < 2 {
        return Vec::new();
    }
    let work = net.facts[i].work;
    let start = unlevelled.start[i];
    let mut trial: Vec<Booking> = fixed.to_vec();
    let mut out = Vec::with_capacity(options.len());
    for (k, option) in options.iter().enumerate() {
        trial.push(*option);
        let same_length = place(net, ctx.calendars, work, start, &trial)
            .is_ok_and(|p| p.end == unlevelled.end[i]);
        trial.pop();
        let demand = net.demand(option).0;
        if let (true, Ok(listed)) = (same_length && demand > 0, u16::try_from(k)) {
            out.push(Alternative {
                listed,
                resource: option.resource.0,
                demand,
            });
        }
    }
    // One alternative left is no choice: the task keeps its booking.
    if out.len() < 2 {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
