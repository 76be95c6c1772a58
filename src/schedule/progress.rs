//! Progress of every task (spec 2, v2): given, or derived. A group's comes
//! from its children, weighted by work, and is exactly 100% when all of
//! them are complete. A milestone is reached (100%) when it says so, or
//! when the status date is at or after it and everything it depends on is
//! complete.

use super::TaskSchedule;
use crate::check::{DepKind, Model, TaskKind};
use crate::units::Share;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Open,
    Visiting,
    Done,
}

/// Sets `progress` of every task. A milestone's value depends on tasks
/// anywhere in the plan and a group's on its children, so each task is
/// worked out after what it reads (depth first, without recursion: a
/// plan may chain a million tasks).
pub(crate) fn derive(model: &Model, tasks: &mut [TaskSchedule]) {
    let n = model.tasks.len();
    let mut state = vec![State::Open; n];
    let mut stack: Vec<(usize, bool)> = Vec::new();
    let mut reads: Vec<usize> = Vec::new();
    for root in 0..n {
        if state[root] != State::Open {
            continue;
        }
        stack.push((root, false));
        while let Some((i, ready)) = stack.pop() {
            if ready {
                tasks[i].progress = value(model, tasks, &state, i);
                state[i] = State::Done;
                continue;
            }
            if state[i] != State::Open {
                continue;
            }
            state[i] = State::Visiting;
            stack.push((i, true));
            reads.clear();
            prerequisites(model, tasks, i, &mut reads);
            stack.extend(
                reads
                    .iter()
                    .filter(|&&p| state[p] == State::Open)
                    .map(|&p| (p, false)),
            );
        }
    }
}

/// A milestone that says whether it is reached, or lies after the status
/// date, does not look at anything else.
fn decided_milestone(model: &Model, tasks: &[TaskSchedule], i: usize) -> Option<Share> {
    let details = model.tasks[i].details();
    if let Some(p) = details.progress {
        return Some(p);
    }
    if details.finished.is_some() {
        return Some(Share::FULL);
    }
    match model.project.now {
        Some(now) if tasks[i].start <= now => None,
        _ => Some(Share::ZERO),
    }
}

/// The tasks whose progress decides task `i`'s.
fn prerequisites(model: &Model, tasks: &[TaskSchedule], i: usize, out: &mut Vec<usize>) {
    let task = &model.tasks[i];
    if task.details().progress.is_some() {
        return;
    }
    match task.kind {
        TaskKind::Leaf => {}
        TaskKind::Group => out.extend(task.children.iter().map(|c| c.index())),
        TaskKind::Milestone => {
            if decided_milestone(model, tasks, i).is_none() {
                for_each_dependency(model, i, |target, _| out.push(target));
            }
        }
    }
}

/// The milestone's own dependencies and those of its groups, which apply
/// to it too.
fn for_each_dependency(model: &Model, i: usize, mut f: impl FnMut(usize, DepKind)) {
    let mut cur = Some(&model.tasks[i]);
    while let Some(task) = cur {
        for d in task.dependencies.iter() {
            f(d.target.index(), d.kind);
        }
        cur = task.parent.map(|p| model.task(p));
    }
}

fn value(model: &Model, tasks: &[TaskSchedule], state: &[State], i: usize) -> Share {
    let task = &model.tasks[i];
    if task.kind == TaskKind::Leaf && task.details().finished.is_some() {
        return Share::FULL;
    }
    if let Some(p) = task.details().progress {
        return p;
    }
    // A task still being worked out when read is on a loop of start links
    // (`after start of` a group holding the reader): not known complete.
    let known = |t: usize| {
        if state[t] == State::Done {
            tasks[t].progress
        } else {
            Share::ZERO
        }
    };
    match task.kind {
        TaskKind::Leaf if task.details().during.is_some() => {
            span_elapsed(&tasks[i], model.project.now)
        }
        TaskKind::Leaf => Share::ZERO,
        TaskKind::Group => group_progress(tasks, task.children.iter().map(|c| c.index()), known),
        TaskKind::Milestone => {
            if let Some(p) = decided_milestone(model, tasks, i) {
                return p;
            }
            let mut reached = true;
            for_each_dependency(model, i, |target, kind| {
                let p = known(target);
                // A start link needs its task started; a finish link, done.
                reached &= match kind {
                    DepKind::StartToStart | DepKind::StartToFinish => p.0 > 0,
                    DepKind::FinishToStart | DepKind::FinishToFinish => p >= Share::FULL,
                };
            });
            if reached {
                Share::FULL
            } else {
                Share::ZERO
            }
        }
    }
}

/// Children's progress weighted by work (a milestone weighs a minute).
/// The floor of the average is below 100% unless every child is complete,
/// and then it is exactly 100%.
fn group_progress(
    tasks: &[TaskSchedule],
    children: impl Iterator<Item = usize>,
    known: impl Fn(usize) -> Share,
) -> Share {
    let (mut done, mut total) = (0i128, 0i128);
    for c in children {
        let w = i128::from(tasks[c].work.0.max(1));
        done += w * i128::from(known(c).0.min(Share::FULL.0));
        total += w;
    }
    if total == 0 {
        Share::ZERO
    } else {
        Share(u32::try_from(done / total).unwrap_or(0))
    }
}

/// A level-of-effort task is as far along as the status date is in its
/// span (calendar time): it has no work of its own to count.
fn span_elapsed(t: &TaskSchedule, now: Option<crate::units::Moment>) -> Share {
    let Some(now) = now else {
        return Share::ZERO;
    };
    let (whole, done) = ((t.end - t.start).0, (now - t.start).0);
    if now >= t.end {
        Share::FULL
    } else if done <= 0 || whole <= 0 {
        Share::ZERO
    } else {
        let share = i128::from(done) * i128::from(Share::FULL.0) / i128::from(whole);
        Share(u32::try_from(share).unwrap_or(0))
    }
}
