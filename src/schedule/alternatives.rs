//! Which resource of an `assign any of` a task books (spec 2, `assign`).
//!
//! The starting rule: the alternative that finishes the task earliest;
//! ties go to the one that fewer waiting (not yet placed) tasks need, then
//! to the first listed. A look-ahead pass may instead leave free a
//! resource that waiting tasks need, and the improvement search may hand
//! the scheme its own choices; either is kept only when the project ends
//! earlier (see `improve`).

use super::calendar::Calendar;
use super::network::{Network, Pos};
use super::work::{Placement, WorkCalendars};
use crate::check::{Booking, ResourceId, TaskId, WorkKind};
use crate::units::{Demand, Minutes, Moment};

/// How the scheme chooses among the alternatives of an `any of`.
#[derive(Clone, Copy)]
pub enum Policy<'c> {
    /// The starting rule.
    Rule,
    /// The starting rule, unless another alternative leaves the resources
    /// free for the work waiting for them (see [`by_look_ahead`]).
    LookAhead,
    /// The alternatives chosen by the improvement search, the starting
    /// rule for the rest.
    Given(&'c Choices),
}

/// Per task (by model id): the alternative its `any of` books, when the
/// search chose one. Only tasks with a single `any of` list get a choice.
#[derive(Clone, Debug, Default)]
pub struct Choices {
    per_task: Vec<Option<u16>>,
}

impl Choices {
    pub fn new(tasks: usize) -> Choices {
        Choices {
            per_task: vec![None; tasks],
        }
    }

    pub fn set(&mut self, task: TaskId, alternative: usize) {
        if let (Some(slot), Ok(k)) = (
            self.per_task.get_mut(task.index()),
            u16::try_from(alternative),
        ) {
            *slot = Some(k);
        }
    }

    pub fn of(&self, task: TaskId) -> Option<usize> {
        self.per_task
            .get(task.index())
            .copied()
            .flatten()
            .map(usize::from)
    }
}

/// What waiting tasks need, per resource: how many not-yet-placed
/// activities book it outright, and how much of its working time they
/// take (the backlog the look-ahead weighs).
pub struct Waiting {
    need: Vec<u32>,
    backlog: Vec<Minutes>,
}

impl Waiting {
    /// Every activity of `net` waiting.
    pub fn new(net: &Network, resources: usize) -> Waiting {
        let mut w = Waiting {
            need: vec![0; resources],
            backlog: vec![Minutes::ZERO; resources],
        };
        for &a in &net.activities {
            w.each_need(net, a, |need, backlog, minutes| {
                *need += 1;
                *backlog += minutes;
            });
        }
        w
    }

    /// `a` is placed: it waits no more.
    pub fn placed(&mut self, net: &Network, a: Pos) {
        self.each_need(net, a, |need, backlog, minutes| {
            *need = need.saturating_sub(1);
            *backlog = Minutes((*backlog - minutes).0.max(0));
        });
    }

    /// Calls `f` with the counters of each resource `a` books outright and
    /// the working minutes it keeps that resource busy.
    fn each_need(
        &mut self,
        net: &Network,
        a: Pos,
        mut f: impl FnMut(&mut u32, &mut Minutes, Minutes),
    ) {
        let facts = net.facts[a.index()];
        let busy = match facts.work {
            Some(w) if w.kind != WorkKind::Elapsed => w.minutes,
            _ => Minutes::ZERO,
        };
        for b in net.fixed.of(a.index()) {
            let r = b.resource.index();
            // An effort shared by `count` units takes each of them a share.
            let minutes = Minutes(busy.0 / i64::from(b.count.max(1)));
            if let (Some(need), Some(backlog)) = (self.need.get_mut(r), self.backlog.get_mut(r)) {
                f(need, backlog, minutes);
            }
        }
    }

    fn need(&self, r: ResourceId) -> u32 {
        self.need.get(r.index()).copied().unwrap_or(0)
    }

    fn backlog(&self, r: ResourceId) -> Minutes {
        self.backlog
            .get(r.index())
            .copied()
            .unwrap_or(Minutes::ZERO)
    }
}

/// One alternative tried: its booking and where the task would land.
#[derive(Clone, Copy, Debug)]
pub struct Trial {
    pub booking: Booking,
    pub placement: Placement,
}

/// The index (in `trials`, in the order listed) of the alternative the
/// starting rule books: earliest end, then fewest waiting tasks that need
/// its resource, then the first listed.
pub fn by_rule(trials: &[Trial], waiting: &Waiting) -> Option<usize> {
    (0..trials.len()).min_by_key(|&k| rule_key(&trials[k], waiting, k))
}

fn rule_key(t: &Trial, waiting: &Waiting, k: usize) -> (Moment, u32, usize) {
    (t.placement.end, waiting.need(t.booking.resource), k)
}

/// The alternative that keeps the work ahead shortest: for each one, when
/// every listed resource could be through with the task (if it is the
/// one booked) and the backlog of waiting tasks that need it, the latest
/// of those; the smallest wins, ties by the starting rule. A resource
/// that a long queue of work waits for is so left to that work.
pub fn by_look_ahead(
    trials: &[Trial],
    waiting: &Waiting,
    calendars: &WorkCalendars,
    limit: &[Demand],
) -> Option<usize> {
    let through = |k: usize, booked: bool| -> Moment {
        let t = &trials[k];
        let r = t.booking.resource;
        let from = if booked {
            t.placement.end
        } else {
            t.placement.start
        };
        let units = limit
            .get(r.index())
            .map_or(1, |d| (d.0 / Demand::ONE_UNIT).max(1));
        let backlog = Minutes(waiting.backlog(r).0 / units);
        let cal: &Calendar = calendars
            .resources
            .get(r.index())
            .map_or(&*calendars.project, |c| &**c);
        cal.add_work(from, backlog).unwrap_or(Moment(i64::MAX))
    };
    let idle: Vec<Moment> = (0..trials.len()).map(|k| through(k, false)).collect();
    let others = LatestOfOthers::of(&idle);
    (0..trials.len()).min_by_key(|&chosen| {
        let worst = others.without(chosen).max(Some(through(chosen, true)));
        (worst, rule_key(&trials[chosen], waiting, chosen))
    })
}

/// The latest of a list of values but one, for each one, from the two
/// latest: a long `any of` (a team of hundreds) costs a pass over it
/// rather than one per member.
pub struct LatestOfOthers<T> {
    first: Option<(T, usize)>,
    second: Option<T>,
}

impl<T: Ord + Copy> LatestOfOthers<T> {
    pub fn of(values: &[T]) -> LatestOfOthers<T> {
        let mut first: Option<(T, usize)> = None;
        let mut second: Option<T> = None;
        for (k, &v) in values.iter().enumerate() {
            match first {
                Some((f, _)) if v <= f => second = second.max(Some(v)),
                _ => {
                    second = first.map(|(f, _)| f).max(second);
                    first = Some((v, k));
                }
            }
        }
        LatestOfOthers { first, second }
    }

    /// The latest value but the one at `k`.
    pub fn without(&self, k: usize) -> Option<T> {
        match self.first {
            Some((_, at)) if at == k => self.second,
            Some((v, _)) => Some(v),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Booking, ResourceId};
    use crate::units::Share;

    fn trial(r: u32, start: i64, end: i64) -> Trial {
        Trial {
            booking: Booking {
                resource: ResourceId(r),
                count: 1,
                percent: Share::FULL,
            },
            placement: Placement {
                start: Moment(start),
                end: Moment(end),
            },
        }
    }

    fn waiting(need: &[u32]) -> Waiting {
        Waiting {
            need: need.to_vec(),
            backlog: vec![Minutes::ZERO; need.len()],
        }
    }

    #[test]
    fn the_rule_takes_the_earliest_end_then_the_least_needed_then_the_first() {
        let w = waiting(&[2, 1, 1]);
        assert_eq!(by_rule(&[trial(0, 0, 10), trial(1, 0, 20)], &w), Some(0));
        assert_eq!(by_rule(&[trial(0, 0, 10), trial(1, 0, 10)], &w), Some(1));
        assert_eq!(by_rule(&[trial(1, 0, 10), trial(2, 0, 10)], &w), Some(0));
        assert_eq!(by_rule(&[trial(2, 0, 10), trial(1, 0, 10)], &w), Some(0));
        assert_eq!(by_rule(&[], &w), None);
    }

    #[test]
    fn the_latest_of_the_others_skips_only_the_one_left_out() {
        let values = [3, 9, 4, 9, 1];
        let others = LatestOfOthers::of(&values);
        for k in 0..values.len() {
            let expected = (0..values.len())
                .filter(|&j| j != k)
                .map(|j| values[j])
                .max();
            assert_eq!(others.without(k), expected, "without {k}");
        }
        let single = LatestOfOthers::of(&[5]);
        assert_eq!(single.without(0), None);
        assert_eq!(LatestOfOthers::<i32>::of(&[]).without(0), None);
    }

    #[test]
    fn choices_remember_only_what_was_set() {
        let mut c = Choices::new(3);
        c.set(TaskId(1), 2);
        c.set(TaskId(7), 1);
        assert_eq!(c.of(TaskId(1)), Some(2));
        assert_eq!(c.of(TaskId(0)), None);
        assert_eq!(c.of(TaskId(7)), None);
    }
}
