//! Latest times and total slack: a backward pass over the placed schedule,
//! against the project end (or the project deadline, if earlier) and every
//! task deadline. Waits for a resource count as links too, so that after
//! levelling the critical path runs through the resource chains.

use super::network::Pos;
use super::sgs::{in_model_places, Context, Driver, Forward};
use crate::check::{DepKind, TaskKind, WorkKind};
use crate::units::{Minutes, Moment};

/// Latest start and finish of every task.
pub struct Latest {
    pub start: Vec<Moment>,
    pub finish: Vec<Moment>,
}

/// Runs the backward pass over `f`, a pass in the numbering of
/// `ctx.network`; the times are in the model's numbering. `with_resources`
/// adds the resource waits recorded in the drivers as finish-to-start
/// links.
pub fn latest(ctx: &Context<'_>, f: &Forward<Pos>, with_resources: bool) -> Latest {
    let model = ctx.model;
    let n = model.tasks.len();
    let cal = &ctx.calendars.project;
    let base = match model.project.deadline {
        Some(d) => d.min(f.makespan_end),
        None => f.makespan_end,
    };
    let far = Moment(i64::MAX / 4);
    // Bounds collected on any task (groups too) from the tasks that wait for it.
    let mut finish_bound: Vec<Moment> = vec![far; n];
    let mut start_bound: Vec<Moment> = vec![far; n];
    let mut ls = vec![far; n];
    let mut lf = vec![far; n];
    // The latest end of a predecessor for which `m` still follows `lag`
    // after it. Counting a lag back gives the earliest such end, which may
    // sit at the close of a working day; every moment of the idle time
    // after it counts the lag out to the same `m`, so the latest is the
    // next working minute (a milestone or `elapsed` task before it may end
    // there).
    let back = |m: Moment, lag: Minutes| -> Moment {
        if lag.0 == 0 {
            return m;
        }
        let moved = if lag.0 > 0 {
            cal.sub_work(m, lag)
        } else {
            cal.add_work(m, -lag)
        };
        moved.and_then(|x| cal.next_working(x)).unwrap_or(m)
    };
    for &a in f.order.iter().rev() {
        let i = a.index();
        let mut finish = base.min(finish_bound[i]);
        if let Some(d) = ctx.network.facts[i].deadline {
            finish = finish.min(d);
        }
        let mut start_limit = start_bound[i];
        let mut cur = ctx.network.facts[i].parent;
        while let Some(g) = cur {
            finish = finish.min(finish_bound[g.index()]);
            start_limit = start_limit.min(start_bound[g.index()]);
            cur = ctx.network.facts[g.index()].parent;
        }
        let mut start = shift_back(ctx, f, a, finish);
        if start_limit < start {
            start = start_limit;
            finish = finish.min(shift_forward(ctx, f, a, start));
        }
        ls[i] = start;
        lf[i] = finish;
        for c in ctx.network.constraints.of(i) {
            let t = c.target.index();
            match c.kind {
                DepKind::FinishToStart => finish_bound[t] = finish_bound[t].min(back(start, c.lag)),
                DepKind::StartToStart => start_bound[t] = start_bound[t].min(back(start, c.lag)),
                DepKind::FinishToFinish => {
                    finish_bound[t] = finish_bound[t].min(back(finish, c.lag))
                }
                DepKind::StartToFinish => start_bound[t] = start_bound[t].min(back(finish, c.lag)),
            }
        }
        if with_resources {
            if let Some(Driver::Resource(_, Some(blocker))) = f.driver[i] {
                let b = blocker.index();
                finish_bound[b] = finish_bound[b].min(start);
            }
        }
    }
    // Groups: from their children, in the model's numbering (children come
    // after parents in the task list, so walk it backwards).
    let mut ls = in_model_places(ctx.network, ls.into_iter(), far);
    let mut lf = in_model_places(ctx.network, lf.into_iter(), far);
    for i in (0..n).rev() {
        if model.tasks[i].kind != TaskKind::Group {
            continue;
        }
        let children = &model.tasks[i].children;
        ls[i] = children.iter().map(|c| ls[c.index()]).min().unwrap_or(far);
        lf[i] = children.iter().map(|c| lf[c.index()]).max().unwrap_or(far);
    }
    Latest {
        start: ls,
        finish: lf,
    }
}

/// Latest start for a latest finish, keeping the placed length.
fn shift_back(ctx: &Context<'_>, f: &Forward<Pos>, a: Pos, finish: Moment) -> Moment {
    let i = a.index();
    match ctx.network.facts[i].work.map(|w| w.kind) {
        None | Some(WorkKind::Elapsed) => finish - (f.end[i] - f.start[i]),
        Some(_) => {
            let cal = &ctx.calendars.project;
            let length = cal.work_between(f.start[i], f.end[i]);
            let Some(earliest) = cal.sub_work(finish, length) else {
                return finish - (f.end[i] - f.start[i]);
            };
            latest_working_start(cal, earliest, length)
        }
    }
}

/// `sub_work` gives the earliest start that needs all the work, which may
/// lie in the idle time before it (Mon 17:00 for a day ending Tue 17:00).
/// A task waiting in working time starts at the next working minute, so
/// its latest start is there: an `elapsed` task or milestone before it may
/// end as late as that, not at the end of the previous working day.
fn latest_working_start(
    cal: &super::calendar::Calendar,
    earliest: Moment,
    length: Minutes,
) -> Moment {
    if length.0 <= 0 {
        return earliest;
    }
    cal.next_working(earliest).unwrap_or(earliest)
}

/// Latest finish for a latest start, keeping the placed length.
fn shift_forward(ctx: &Context<'_>, f: &Forward<Pos>, a: Pos, start: Moment) -> Moment {
    let i = a.index();
    match ctx.network.facts[i].work.map(|w| w.kind) {
        None | Some(WorkKind::Elapsed) => start + (f.end[i] - f.start[i]),
        Some(_) => {
            let cal = &ctx.calendars.project;
            let length = cal.work_between(f.start[i], f.end[i]);
            cal.add_work(start, length)
                .unwrap_or(start + (f.end[i] - f.start[i]))
        }
    }
}

/// Total slack in working minutes of the project calendar: how far the
/// task's end may move before it delays the project or breaks a deadline.
/// Negative when a deadline is already missed.
pub fn slack(ctx: &Context<'_>, end: Moment, latest_finish: Moment) -> Minutes {
    let cal = &ctx.calendars.project;
    if latest_finish >= end {
        cal.work_between(end, latest_finish)
    } else {
        -cal.work_between(latest_finish, end)
    }
}
