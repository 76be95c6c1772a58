//! Actuals (spec 6): `started`, `finished`, `remaining`, `spent` and the
//! level-of-effort `during`, with the rules that tie them to each other,
//! to the status date and to the task's predecessors.

use super::model::*;
use super::names::{Remembered, TaskNames};
use super::tasks::is_ancestor;
use super::values::{self, DayLength};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast::{self, Attr, AttrValue, Decl};
use crate::units::{Minutes, Moment, Share, MINUTES_PER_DAY};

/// A task's actual attributes as written, with where they were written.
#[derive(Default)]
pub struct Actuals<'a> {
    started: Option<(&'a ast::Moment, Span)>,
    finished: Option<(&'a ast::Moment, Span)>,
    remaining: Option<(&'a ast::Duration, Span)>,
    spent: Option<&'a ast::Number>,
    pub during: Option<(&'a ast::Reference, &'a ast::Reference, Span)>,
    /// `progress` is lowered with the other details; read here for the
    /// rule on `progress 100%` with work remaining.
    progress: Option<Share>,
}

impl<'a> Actuals<'a> {
    /// Keeps `attr` if it is an actual; says whether it was.
    pub fn take(&mut self, attr: &'a Attr) -> bool {
        match &attr.value {
            AttrValue::Started(m) => self.started = Some((m, attr.span)),
            AttrValue::Finished(m) => self.finished = Some((m, attr.span)),
            AttrValue::Remaining(d) => self.remaining = Some((d, attr.span)),
            AttrValue::Spent(n) => self.spent = Some(n),
            AttrValue::During(from, to) => self.during = Some((from, to, attr.span)),
            AttrValue::Progress(p) => {
                self.progress = Some(values::share(p));
                return false;
            }
            _ => return false,
        }
        true
    }

    /// Sets the task's actuals and reports the rules they break. `task.work`
    /// is already lowered.
    #[allow(clippy::too_many_arguments)]
    pub fn lower(
        &self,
        id: TaskId,
        task: &mut Task,
        names: &TaskNames<'_>,
        memo: &mut Remembered,
        now: Option<Moment>,
        day: Minutes,
        diags: &mut Diagnostics,
    ) {
        if let Some(n) = self.spent {
            task.details_mut().spent = values::money(n, diags);
        }
        if task.kind == TaskKind::Milestone {
            // A milestone's `finished` is the moment it was reached.
            if let Some((m, span)) = self.finished {
                let reached = values::moment(m);
                check_not_after_now(task, reached, span, now, "finished", diags);
                task.details_mut().finished = Some(reached);
            }
            return;
        }
        if task.kind == TaskKind::Group {
            self.report_group_actuals(task, diags);
            return;
        }
        let started = self.started.map(|(m, span)| (values::moment(m), span));
        // A date alone is the end of that day: the task was done that day.
        let finished = self.finished.map(|(m, span)| (values::deadline(m), span));
        if let (Some((s, s_span)), Some((f, f_span))) = (started, finished) {
            if f <= s {
                diags.push(
                    Diagnostic::error(
                        codes::FINISH_BEFORE_START,
                        format!("`{}` finished before it started", task.path),
                    )
                    .at(f_span, "finished here")
                    .also(s_span, "after it started here")
                    .with_help("check both dates: `finished` comes after `started`"),
                );
            }
        }
        if let Some((s, span)) = started {
            check_not_after_now(task, s, span, now, "started", diags);
            task.details_mut().started = Some(s);
        }
        if let Some((f, span)) = finished {
            check_not_after_now(task, f, span, now, "finished", diags);
            task.details_mut().finished = Some(f);
        }
        if let Some((d, span)) = self.remaining {
            let length = match task.work.map(|w| w.kind) {
                Some(WorkKind::Elapsed) => DayLength::Calendar,
                _ => DayLength::Working(day),
            };
            let left = values::duration_minutes(d, length);
            self.check_remaining(task, left, span, diags);
            task.details_mut().remaining = Some(left);
        }
        if let Some((from, to, span)) = self.during {
            let ends = lower_during(id, task, from, to, span, names, memo, diags);
            if ends.is_some() {
                task.details_mut().during = ends;
            }
        }
    }

    fn check_remaining(&self, task: &Task, left: Minutes, span: Span, diags: &mut Diagnostics) {
        if let Some((_, f_span)) = self.finished {
            diags.push(
                Diagnostic::error(
                    codes::REMAINING_ON_FINISHED,
                    format!("the finished task `{}` has work remaining", task.path),
                )
                .at(span, "nothing remains of a finished task")
                .also(f_span, "finished here")
                .with_help("remove `remaining`, or `finished` if the task is not done"),
            );
        } else if self.progress == Some(Share::FULL) && left.0 > 0 {
            diags.push(
                Diagnostic::error(
                    codes::DONE_WITH_REMAINING,
                    format!("`{}` is 100% done but has work remaining", task.path),
                )
                .at(span, "work remaining on a complete task")
                .with_help("lower `progress`, or remove `remaining` (or write `finished DATE`)"),
            );
        }
    }

    /// A group's actuals come from its children: only `spent` is its own.
    fn report_group_actuals(&self, task: &Task, diags: &mut Diagnostics) {
        if let Some((_, _, span)) = self.during {
            diags.push(
                Diagnostic::error(
                    codes::DURING_ON_GROUP,
                    format!("the group `{}` cannot be a level-of-effort task", task.path),
                )
                .at(span, "`during` on a group")
                .with_help("move `during` into a task of its own inside the group"),
            );
        }
        let spans = [
            self.started.map(|(_, s)| (s, "started")),
            self.finished.map(|(_, s)| (s, "finished")),
            self.remaining.map(|(_, s)| (s, "remaining")),
        ];
        for (span, word) in spans.into_iter().flatten() {
            diags.push(
                Diagnostic::error(
                    codes::GROUP_ACTUALS,
                    format!("the group `{}` has a `{word}` of its own", task.path),
                )
                .at(span, "a group's actuals come from its children")
                .with_help(format!("write `{word}` on the tasks inside the group")),
            );
        }
    }
}

fn check_not_after_now(
    task: &Task,
    at: Moment,
    span: Span,
    now: Option<Moment>,
    word: &str,
    diags: &mut Diagnostics,
) {
    let Some(now) = now else {
        return;
    };
    if at <= now {
        return;
    }
    let code = if word == "started" {
        codes::STARTED_AFTER_NOW
    } else {
        codes::FINISHED_AFTER_NOW
    };
    diags.push(
        Diagnostic::error(
            code,
            format!("`{}` {word} after the status date", task.path),
        )
        .at(span, "later than the project's `now`")
        .with_help("actuals describe the past: move `now` forward, or correct the date"),
    );
}

/// A `during` task has no work of its own: its length is its range.
pub fn check_no_work(
    task: &Task,
    works: &[(WorkKind, &ast::Duration, Span)],
    diags: &mut Diagnostics,
) {
    if let Some((_, _, span)) = works.first() {
        diags.push(
            Diagnostic::error(
                codes::DURING_WITH_WORK,
                format!(
                    "the level-of-effort task `{}` has work of its own",
                    task.path
                ),
            )
            .at(*span, "a `during` task spans its range")
            .with_help("remove the work; `assign pm 20%` books that share for the whole range"),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn lower_during(
    id: TaskId,
    task: &Task,
    from: &ast::Reference,
    to: &ast::Reference,
    span: Span,
    names: &TaskNames<'_>,
    memo: &mut Remembered,
    diags: &mut Diagnostics,
) -> Option<(TaskId, TaskId)> {
    let mut resolve = |r: &ast::Reference| match names.resolve(memo, Some(id), r) {
        Ok(t) => Some(t),
        Err(d) => {
            diags.push(*d);
            None
        }
    };
    let (from_id, to_id) = (resolve(from)?, resolve(to)?);
    for (end, r) in [(from_id, from), (to_id, to)] {
        if end == id || is_ancestor(names, end, id) {
            diags.push(
                Diagnostic::error(
                    codes::DURING_CYCLE,
                    format!("the range of `{}` contains itself", task.path),
                )
                .at(r.span, "this is the task itself or its group")
                .also(span, "in this range")
                .with_help("a `during` range runs between other tasks or milestones"),
            );
            return None;
        }
    }
    Some((from_id, to_id))
}

/// Rules between tasks, once all are lowered: a `during` range may not end
/// at another level-of-effort task, nothing may depend on one, and a task
/// started before a predecessor finished is worth a warning.
pub fn check_links(tasks: &[Task], sources: &[&Decl], diags: &mut Diagnostics) {
    let is_during = |t: TaskId| tasks[t.index()].details().during.is_some();
    for (i, task) in tasks.iter().enumerate() {
        if let Some((from, to)) = task.details().during {
            for end in [from, to] {
                if is_during(end) {
                    diags.push(
                        Diagnostic::error(
                            codes::DURING_CYCLE,
                            format!(
                                "the range of `{}` ends at the level-of-effort task `{}`",
                                task.path,
                                tasks[end.index()].path
                            ),
                        )
                        .at(
                            during_span(sources[i]),
                            "its range is not known before this task's",
                        )
                        .also(tasks[end.index()].name_span, "a `during` task")
                        .with_help("let the range run between ordinary tasks or milestones"),
                    );
                }
            }
        }
        for dep in task.dependencies.iter() {
            if is_during(dep.target) {
                diags.push(
                    Diagnostic::error(
                        codes::DEPENDS_ON_DURING,
                        format!(
                            "`{}` depends on the level-of-effort task `{}`",
                            task.path,
                            tasks[dep.target.index()].path
                        ),
                    )
                    .at(dep.span, "a `during` task drives no other task")
                    .with_help("depend on the task or milestone that ends its range"),
                );
            }
        }
    }
    warn_started_early(tasks, diags);
}

fn during_span(decl: &Decl) -> Span {
    decl.attrs()
        .find(|a| matches!(a.value, AttrValue::During(..)))
        .map_or(decl.name_span(), |a| a.span)
}

/// Where a task stands for the rule on starting early: finished at a
/// moment, not known to be finished, or done without a date (a milestone
/// may be reached, and a task at 100% done, without saying when).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Completion {
    FinishedAt(Moment),
    Done,
    Open,
}

impl Completion {
    /// A group's: open while any child is; else its latest finish.
    fn combine(self, other: Completion) -> Completion {
        match (self, other) {
            (Completion::Open, _) | (_, Completion::Open) => Completion::Open,
            (Completion::FinishedAt(a), Completion::FinishedAt(b)) => {
                Completion::FinishedAt(a.max(b))
            }
            (Completion::FinishedAt(a), Completion::Done)
            | (Completion::Done, Completion::FinishedAt(a)) => Completion::FinishedAt(a),
            (Completion::Done, Completion::Done) => Completion::Done,
        }
    }
}

/// Every task's [`Completion`], groups from their children, children
/// before parents (an explicit stack: plans may nest deeply).
fn completions(tasks: &[Task]) -> Vec<Completion> {
    let own = |t: &Task| {
        let d = t.details();
        match d.finished {
            Some(f) => Completion::FinishedAt(f),
            None if t.kind == TaskKind::Milestone || d.progress == Some(Share::FULL) => {
                Completion::Done
            }
            None => Completion::Open,
        }
    };
    let mut done = vec![Completion::Done; tasks.len()];
    let mut stack: Vec<(usize, bool)> = (0..tasks.len())
        .filter(|&i| tasks[i].parent.is_none())
        .map(|i| (i, false))
        .collect();
    while let Some((i, children_done)) = stack.pop() {
        let task = &tasks[i];
        if task.kind != TaskKind::Group {
            done[i] = own(task);
        } else if children_done {
            done[i] = task
                .children
                .iter()
                .map(|c| done[c.index()])
                .fold(Completion::Done, Completion::combine);
        } else {
            stack.push((i, true));
            stack.extend(task.children.iter().map(|c| (c.index(), false)));
        }
    }
    done
}

/// A task that started while a task it waits for (finish-to-start, its
/// own link or one of its groups') had not finished: the plan and the
/// facts disagree, which is worth knowing. A group waited for has
/// finished when all of its tasks have.
fn warn_started_early(tasks: &[Task], diags: &mut Diagnostics) {
    let mut completion: Option<Vec<Completion>> = None;
    for task in tasks {
        let Some(started) = task.details().started else {
            continue;
        };
        // `started 2027-01-04` says the day, not the hour: a predecessor
        // that finished that morning finished before the work began.
        let began_by = if started.minute_of_day() == 0 {
            Moment(started.0.saturating_add(MINUTES_PER_DAY))
        } else {
            started
        };
        let done = completion.get_or_insert_with(|| completions(tasks));
        let mut seen = Vec::new();
        for dep in links_in_force(tasks, task) {
            if dep.kind != DepKind::FinishToStart || seen.contains(&dep.target) {
                continue;
            }
            seen.push(dep.target);
            let before = &tasks[dep.target.index()];
            let why = match done[dep.target.index()] {
                Completion::FinishedAt(f) if f > began_by => "it finished later",
                Completion::FinishedAt(_) | Completion::Done => continue,
                Completion::Open => "it has not finished",
            };
            diags.push(
                Diagnostic::warning(
                    codes::STARTED_BEFORE_PREDECESSOR,
                    format!("`{}` started before `{}` finished", task.path, before.path),
                )
                .at(dep.span, format!("waits for `{}`: {why}", before.path))
                .also(before.name_span, "the predecessor")
                .with_help(
                    "if the work really overlapped, say so with `after start of` or a lead (`- 2d`)",
                ),
            );
        }
    }
}

/// A task's own dependencies, then those of each group around it (which
/// apply to it as well).
fn links_in_force<'a>(tasks: &'a [Task], task: &'a Task) -> impl Iterator<Item = &'a Dependency> {
    let groups = std::iter::successors(task.parent, |p| tasks[p.index()].parent);
    task.dependencies
        .iter()
        .chain(groups.flat_map(|g| tasks[g.index()].dependencies.iter()))
}
