//! Baselines and earned value at the status date (spec v2 sections 6 and
//! 7): each task's baseline dates and their variance, and PV, EV, AC, SV,
//! CV, SPI, CPI, EAC, ETC, VAC and the earned-schedule SPI(t) for every
//! task, group and the project.
//!
//! Planned value accrues linearly in working time on the project calendar
//! between a task's baseline start and end (a task's bookings run at one
//! rate over its span), so the baseline's PV curve is piecewise linear and
//! earned schedule is found by one sweep over its corners.

use super::calendar::Calendar;
use super::Schedule;
use crate::check::{Model, TaskKind};
use crate::units::{Minutes, Moment, Money, Share};
use std::collections::HashMap;

/// Where a baseline came from, as the outputs name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaselineSource {
    /// The plan's own schedule with actuals ignored (`--as-planned`).
    AsPlanned,
    /// The plan as committed at a git revision.
    Revision(String),
    /// A schedule written by `planc build --format json`.
    File(String),
}

impl BaselineSource {
    /// `"as-planned"`, the revision or the file, as JSON and reports write it.
    pub fn label(&self) -> &str {
        match self {
            BaselineSource::AsPlanned => "as-planned",
            BaselineSource::Revision(r) => r,
            BaselineSource::File(f) => f,
        }
    }
}

/// One task as the baseline planned it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BaselineTask {
    pub start: Moment,
    pub end: Moment,
    /// Its planned cost: the budget at completion (BAC).
    pub cost: Money,
    /// Groups only roll up their children; their own dates are shown but
    /// their cost is not counted twice.
    pub group: bool,
}

/// A baseline schedule, its tasks by full dotted id.
#[derive(Clone, Debug)]
pub struct Baseline {
    pub source: BaselineSource,
    /// The baseline's project start: where actual time (AT) and earned
    /// schedule (ES) are counted from.
    pub start: Moment,
    pub tasks: BaselineTasks,
}

/// A baseline's tasks: in the model's own order when the baseline is the
/// same plan scheduled another way, else by full dotted id.
#[derive(Clone, Debug)]
pub enum BaselineTasks {
    SameModel(Vec<BaselineTask>),
    ById(HashMap<Box<str>, BaselineTask>),
}

impl Baseline {
    /// The baseline of a scheduled plan, to be matched with another plan
    /// by task id.
    pub fn from_schedule(model: &Model, schedule: &Schedule, source: BaselineSource) -> Baseline {
        let tasks = model
            .tasks
            .iter()
            .zip(&schedule.tasks)
            .map(|(t, s)| (t.path.clone(), baseline_task(t.kind, s)))
            .collect();
        Baseline {
            source,
            start: schedule.start,
            tasks: BaselineTasks::ById(tasks),
        }
    }

    /// The same model scheduled another way (`--as-planned`): matched by
    /// position, with no table of ids to build.
    pub fn same_model(model: &Model, schedule: &Schedule) -> Baseline {
        let tasks = model
            .tasks
            .iter()
            .zip(&schedule.tasks)
            .map(|(t, s)| baseline_task(t.kind, s))
            .collect();
        Baseline {
            source: BaselineSource::AsPlanned,
            start: schedule.start,
            tasks: BaselineTasks::SameModel(tasks),
        }
    }

    /// The baseline task of each of the model's tasks, matched by full
    /// dotted id; `None` for tasks the baseline does not have.
    fn matched(&self, model: &Model) -> Vec<Option<BaselineTask>> {
        match &self.tasks {
            BaselineTasks::SameModel(tasks) => tasks.iter().copied().map(Some).collect(),
            BaselineTasks::ById(by_id) => model
                .tasks
                .iter()
                .map(|t| by_id.get(&t.path).copied())
                .collect(),
        }
    }

    /// The baseline's last end.
    fn end(&self) -> Option<Moment> {
        match &self.tasks {
            BaselineTasks::SameModel(tasks) => tasks.iter().map(|t| t.end).max(),
            BaselineTasks::ById(by_id) => by_id.values().map(|t| t.end).max(),
        }
    }
}

fn baseline_task(kind: TaskKind, s: &super::TaskSchedule) -> BaselineTask {
    BaselineTask {
        start: s.start,
        end: s.end,
        cost: s.cost,
        group: kind == TaskKind::Group,
    }
}

/// Earned-value figures at the status date. Money is exact; a ratio whose
/// divisor is zero is `None`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figures {
    /// Planned value: the baseline's cost of the work scheduled up to `now`.
    pub pv: Money,
    /// Earned value: BAC x progress.
    pub ev: Money,
    /// Actual cost.
    pub ac: Money,
    /// Budget at completion: the baseline's planned cost.
    pub bac: Money,
    /// Earned schedule in working minutes from the baseline's start;
    /// `None` when the baseline plans no cost to measure time by.
    pub es: Option<Minutes>,
    /// Actual time: working minutes from the baseline's start to `now`, or
    /// to the end of work that is complete.
    pub at: Minutes,
}

impl Figures {
    pub fn sv(&self) -> Money {
        Money(self.ev.0 - self.pv.0)
    }

    pub fn cv(&self) -> Money {
        Money(self.ev.0 - self.ac.0)
    }

    pub fn spi(&self) -> Option<f64> {
        ratio(self.ev.0 as f64, self.pv.0 as f64)
    }

    pub fn cpi(&self) -> Option<f64> {
        ratio(self.ev.0 as f64, self.ac.0 as f64)
    }

    /// EAC = BAC / CPI, i.e. BAC x AC / EV (one rounding, to the cent).
    pub fn eac(&self) -> Option<Money> {
        let cpi = self.cpi()?;
        if cpi == 0.0 {
            return None;
        }
        Some(Money((self.bac.0 as f64 / cpi).round() as i64))
    }

    pub fn etc(&self) -> Option<Money> {
        self.eac().map(|eac| Money(eac.0 - self.ac.0))
    }

    pub fn vac(&self) -> Option<Money> {
        self.eac().map(|eac| Money(self.bac.0 - eac.0))
    }

    /// SPI(t) = ES / AT; null also while nothing was planned or earned
    /// (PV = EV = 0): a task not due yet has no pace to measure, though
    /// ES would be its planned start.
    pub fn spi_t(&self) -> Option<f64> {
        if self.pv.0 == 0 && self.ev.0 == 0 {
            return None;
        }
        ratio(self.es?.0 as f64, self.at.0 as f64)
    }
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b != 0.0).then(|| a / b)
}

/// Per task: its baseline, its variance and its earned value.
#[derive(Clone, Debug)]
pub struct TaskTracking {
    pub baseline: Option<BaselineTask>,
    /// Working days on the project calendar, positive = later than the
    /// baseline; `None` without a baseline task.
    pub start_variance_days: Option<f64>,
    pub end_variance_days: Option<f64>,
    /// `None` without a status date.
    pub earned: Option<Figures>,
}

/// One point of the S-curve: cumulative PV from the baseline; EV and AC
/// only up to the status date.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvePoint {
    pub at: Moment,
    pub pv: Money,
    pub ev: Option<Money>,
    pub ac: Option<Money>,
}

/// A schedule tracked against a baseline.
#[derive(Clone, Debug)]
pub struct Tracking {
    pub source: BaselineSource,
    pub baseline_start: Moment,
    pub baseline_end: Option<Moment>,
    /// Per task, indexed like `Model::tasks`.
    pub tasks: Vec<TaskTracking>,
    /// The project's figures; `None` without a status date.
    pub project: Option<Figures>,
    /// The S-curve, empty without a status date.
    pub curve: Vec<CurvePoint>,
}

/// What one task contributes to earned value of its own: a leaf all of
/// its cost, a group only its own fixed cost (its children carry theirs).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Part {
    /// The baseline task with the cost of this part alone.
    baseline: Option<BaselineTask>,
    /// Done share, 0..=1.
    progress: f64,
    /// `spent` where given.
    spent: Option<Money>,
    /// Its planned cost now (current rates and work).
    cost: Money,
    /// Where its done work lies in the current schedule: from its start
    /// to the earlier of its end and `now` (for the S-curve).
    start: Moment,
    end: Moment,
}

impl Part {
    fn bac(&self) -> Money {
        self.baseline.map_or(Money::ZERO, |b| b.cost)
    }

    fn ev(&self) -> Money {
        Money((self.bac().0 as f64 * self.progress).round() as i64)
    }

    /// `spent` where given, else the done share of its cost at the planned
    /// rates.
    fn ac(&self) -> Money {
        self.spent
            .unwrap_or_else(|| Money((self.cost.0 as f64 * self.progress).round() as i64))
    }
}

/// A leaf's planned cost as a piece of the PV curve, in working minutes
/// from the baseline's start.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Piece {
    from: i64,
    to: i64,
    cost: i64,
}

impl Piece {
    /// Its planned value at working minute `w`.
    fn value_at(&self, w: i64) -> f64 {
        if w >= self.to {
            self.cost as f64
        } else if w <= self.from {
            0.0
        } else {
            self.cost as f64 * (w - self.from) as f64 / (self.to - self.from) as f64
        }
    }
}

/// Tracks a schedule against a baseline: variance for every task and, with
/// a status date, earned value. `spent` is each task's actual cost where
/// the plan gives one.
pub fn track(
    model: &Model,
    schedule: &Schedule,
    baseline: &Baseline,
    spent: &dyn Fn(usize) -> Option<Money>,
) -> Tracking {
    let calendar = super::work::WorkCalendars::build(model).project;
    let matched = baseline.matched(model);
    let day = model.calendar(model.project.calendar).day_minutes.0.max(1);
    let clock = Clock {
        calendar: &calendar,
        origin: baseline.start,
    };
    let parts = parts(model, schedule, &matched, spent);
    let figures = model
        .project
        .now
        .map(|now| figures_at(model, schedule, &parts, &clock, now));
    let tasks = matched
        .iter()
        .enumerate()
        .map(|(i, b)| TaskTracking {
            baseline: *b,
            start_variance_days: b
                .map(|b| clock.variance_days(b.start, schedule.tasks[i].start, day)),
            end_variance_days: b.map(|b| clock.variance_days(b.end, schedule.tasks[i].end, day)),
            earned: figures.as_ref().map(|(per_task, _)| per_task[i]),
        })
        .collect();
    let baseline_end = baseline.end().map(|e| e.max(baseline.start));
    let curve = match model.project.now {
        Some(now) => s_curve(&parts, &clock, now, baseline_end.unwrap_or(baseline.start)),
        None => Vec::new(),
    };
    Tracking {
        source: baseline.source.clone(),
        baseline_start: baseline.start,
        baseline_end,
        tasks,
        project: figures.map(|(_, project)| project),
        curve,
    }
}

/// Each task's own part. A group's baseline cost is rolled up, so its own
/// is what its children's do not account for.
fn parts(
    model: &Model,
    schedule: &Schedule,
    matched: &[Option<BaselineTask>],
    spent: &dyn Fn(usize) -> Option<Money>,
) -> Vec<Part> {
    model
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let s = &schedule.tasks[i];
            let group = t.kind == TaskKind::Group;
            let baseline = matched[i].map(|b| {
                let children: i64 = if group {
                    t.children
                        .iter()
                        .filter_map(|c| matched[c.index()])
                        .map(|c| c.cost.0)
                        .sum()
                } else {
                    0
                };
                BaselineTask {
                    cost: Money((b.cost.0 - children).max(0)),
                    ..b
                }
            });
            Part {
                baseline,
                progress: if is_done(s) {
                    1.0
                } else {
                    s.progress.as_fraction()
                },
                spent: spent(i),
                cost: if group { t.cost } else { s.cost },
                start: s.start,
                end: s.end,
            }
        })
        .collect()
}

/// Complete: `finished`, or progress 100%.
fn is_done(t: &super::TaskSchedule) -> bool {
    t.state == super::TaskState::Done || t.progress == Share::FULL
}

/// Working time on the project calendar, counted from the baseline's start.
struct Clock<'c> {
    calendar: &'c Calendar,
    origin: Moment,
}

impl Clock<'_> {
    /// Working minutes from the origin to `t` (negative before it).
    fn at(&self, t: Moment) -> i64 {
        self.signed(self.origin, t)
    }

    fn signed(&self, a: Moment, b: Moment) -> i64 {
        if b >= a {
            self.calendar.work_between(a, b).0
        } else {
            -self.calendar.work_between(b, a).0
        }
    }

    /// `now - then` in working days, two decimals.
    fn variance_days(&self, then: Moment, now: Moment, day: i64) -> f64 {
        (self.signed(then, now) as f64 * 100.0 / day as f64).round() / 100.0
    }

    fn piece(&self, b: &BaselineTask) -> Piece {
        Piece {
            from: self.at(b.start),
            to: self.at(b.end),
            cost: b.cost.0,
        }
    }
}

/// Figures of every task (leaves from their own numbers, groups from their
/// descendants' sums) and of the project, at `now`.
fn figures_at(
    model: &Model,
    schedule: &Schedule,
    parts: &[Part],
    clock: &Clock<'_>,
    now: Moment,
) -> (Vec<Figures>, Figures) {
    let at = clock.at(now).max(0);
    // Actual time stops when the work is done (Lipke: at completion AT is
    // the actual duration), so a task finished long ago is not slower the
    // later the status date.
    let at_of = |done: bool, end: Moment| {
        if done {
            clock.at(end.min(now)).max(0)
        } else {
            at
        }
    };
    let n = model.tasks.len();
    let pieces: Vec<Option<Piece>> = parts
        .iter()
        .map(|p| p.baseline.map(|b| clock.piece(&b)))
        .collect();
    let mut sums: Vec<Sums> = parts
        .iter()
        .zip(&pieces)
        .map(|(part, piece)| Sums {
            pv: piece.map_or(0, |p| p.value_at(at).round() as i64),
            ev: part.ev().0,
            ac: part.ac().0,
            bac: part.bac().0,
        })
        .collect();
    // Tasks are in pre-order (a parent before its children), so a task's
    // subtree is the run of indices up to `subtree_end`, and one backward
    // pass rolls every sum up to its parent.
    let mut subtree_end: Vec<usize> = (1..=n).collect();
    for i in (0..n).rev() {
        if let Some(parent) = model.tasks[i].parent {
            let own = sums[i];
            sums[parent.index()].add(&own);
            subtree_end[parent.index()] = subtree_end[parent.index()].max(subtree_end[i]);
        }
    }
    // A group's PV curve is its subtree's pieces, gathered into one buffer
    // in turn: the work is the plan's size times its nesting depth (at
    // most MAX_NESTING), the memory only the plan's.
    let mut buffer: Vec<Piece> = Vec::new();
    let per_task = (0..n)
        .map(|i| {
            buffer.clear();
            buffer.extend(pieces[i..subtree_end[i]].iter().flatten());
            let t = &schedule.tasks[i];
            sums[i].figures(&buffer, at_of(is_done(t), t.end))
        })
        .collect();
    let mut project = Sums::default();
    for root in model.roots() {
        project.add(&sums[root.index()]);
    }
    buffer.clear();
    buffer.extend(pieces.iter().flatten());
    let all_done = model.roots().all(|r| is_done(&schedule.tasks[r.index()]));
    (
        per_task,
        project.figures(&buffer, at_of(all_done, schedule.end)),
    )
}

#[derive(Clone, Copy, Debug, Default)]
struct Sums {
    pv: i64,
    ev: i64,
    ac: i64,
    bac: i64,
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.pv += o.pv;
        self.ev += o.ev;
        self.ac += o.ac;
        self.bac += o.bac;
    }

    fn figures(&self, pieces: &[Piece], at: i64) -> Figures {
        Figures {
            pv: Money(self.pv),
            ev: Money(self.ev),
            ac: Money(self.ac),
            bac: Money(self.bac),
            es: earned_schedule(pieces, self.ev as f64),
            at: Minutes(at),
        }
    }
}

/// The latest working minute, up to the baseline's last end, at which the
/// PV curve of `pieces` is at most `ev`: where the baseline planned to
/// have earned what has been earned. `None` when the pieces plan no cost.
fn earned_schedule(pieces: &[Piece], ev: f64) -> Option<Minutes> {
    if pieces.iter().all(|p| p.cost == 0) {
        return None;
    }
    // Corners of the curve: a piece's rate starts at `from` and stops at
    // `to`; a piece without length steps up by its whole cost at `to`.
    let mut corners: Vec<(i64, f64, f64)> = Vec::with_capacity(pieces.len() * 2);
    for p in pieces.iter() {
        if p.to > p.from {
            let rate = p.cost as f64 / (p.to - p.from) as f64;
            corners.push((p.from, rate, 0.0));
            corners.push((p.to, -rate, 0.0));
        } else {
            corners.push((p.to, 0.0, p.cost as f64));
        }
    }
    corners.sort_by_key(|c| c.0);
    let origin = corners.first().map_or(0, |c| c.0).min(0);
    let (mut t, mut value, mut rate) = (origin, 0.0_f64, 0.0_f64);
    for (when, d_rate, step) in corners {
        let reached = value + rate * (when - t) as f64;
        if reached > ev + 1e-6 && rate > 0.0 {
            return Some(Minutes(t + ((ev - value) / rate).floor() as i64));
        }
        value = reached;
        t = when;
        if value + step > ev + 1e-6 {
            return Some(Minutes(t));
        }
        value += step;
        rate += d_rate;
    }
    Some(Minutes(t))
}

/// Samples of the S-curve between the baseline's start and the later of
/// its end and `now`: PV from the baseline; EV and AC up to `now`, the
/// done work of each task spread evenly between its start and the earlier
/// of its end and `now` (a plan keeps no history of when work was done).
fn s_curve(parts: &[Part], clock: &Clock<'_>, now: Moment, end: Moment) -> Vec<CurvePoint> {
    const SAMPLES: i64 = 48;
    let first = clock.origin;
    let last = end.max(now);
    if last <= first {
        return Vec::new();
    }
    let step = ((last.0 - first.0) / SAMPLES).max(1);
    let mut moments: Vec<Moment> = (0..=SAMPLES)
        .map(|k| Moment(first.0 + step * k))
        .filter(|m| *m < last)
        .collect();
    moments.push(now);
    moments.push(last);
    moments.sort();
    moments.dedup();
    let pieces: Vec<Option<Piece>> = parts
        .iter()
        .map(|l| l.baseline.map(|b| clock.piece(&b)))
        .collect();
    moments
        .into_iter()
        .map(|m| {
            let w = clock.at(m);
            let pv: f64 = pieces.iter().flatten().map(|p| p.value_at(w)).sum();
            let done = (m <= now).then(|| done_by(parts, clock, m, now));
            CurvePoint {
                at: m,
                pv: Money(pv.round() as i64),
                ev: done.map(|d| d.0),
                ac: done.map(|d| d.1),
            }
        })
        .collect()
}

/// EV and AC earned by moment `m` (at or before `now`).
fn done_by(parts: &[Part], clock: &Clock<'_>, m: Moment, now: Moment) -> (Money, Money) {
    let (mut ev, mut ac) = (0.0, 0.0);
    for leaf in parts {
        let share = done_share(clock, leaf.start, leaf.end.min(now), m);
        ev += leaf.ev().0 as f64 * share;
        ac += leaf.ac().0 as f64 * share;
    }
    (Money(ev.round() as i64), Money(ac.round() as i64))
}

/// Share of the span [from, to] passed at `m`, in working time.
fn done_share(clock: &Clock<'_>, from: Moment, to: Moment, m: Moment) -> f64 {
    if m >= to {
        return 1.0;
    }
    if m <= from {
        return 0.0;
    }
    let whole = clock.signed(from, to);
    if whole <= 0 {
        return 1.0;
    }
    clock.signed(from, m) as f64 / whole as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(pv: i64, ev: i64, ac: i64, bac: i64) -> Figures {
        Figures {
            pv: Money(pv),
            ev: Money(ev),
            ac: Money(ac),
            bac: Money(bac),
            es: None,
            at: Minutes(0),
        }
    }

    /// PMI, PMBOK Guide 6th ed. section 7.4.2.2 and the usual textbook
    /// exercise built on it: BAC 100,000, PV 50,000, EV 40,000, AC 45,000
    /// gives SV -10,000, CV -5,000, SPI 0.80, CPI 0.889, EAC 112,500,
    /// ETC 67,500 and VAC -12,500.
    #[test]
    fn textbook_figures() {
        let f = figures(5_000_000, 4_000_000, 4_500_000, 10_000_000);
        assert_eq!(f.sv(), Money(-1_000_000));
        assert_eq!(f.cv(), Money(-500_000));
        assert_eq!(f.spi(), Some(0.8));
        assert!((f.cpi().unwrap_or(0.0) - 0.888_888).abs() < 1e-5);
        assert_eq!(f.eac(), Some(Money(11_250_000)));
        assert_eq!(f.etc(), Some(Money(6_750_000)));
        assert_eq!(f.vac(), Some(Money(-1_250_000)));
    }

    #[test]
    fn a_zero_divisor_is_null() {
        let f = figures(0, 0, 0, 1_000);
        assert_eq!(f.spi(), None);
        assert_eq!(f.cpi(), None);
        assert_eq!(f.eac(), None);
        assert_eq!(f.etc(), None);
        assert_eq!(f.vac(), None);
        assert_eq!(f.spi_t(), None);
        // Work done for nothing spent: CPI has a divisor but EAC's is 0.
        let g = figures(10, 0, 5, 100);
        assert_eq!(g.cpi(), Some(0.0));
        assert_eq!(g.eac(), None);
    }

    /// Lipke's earned-schedule example shape: PV 100 per period for four
    /// periods; EV 250 is earned half-way through the third.
    #[test]
    fn earned_schedule_interpolates_between_corners() {
        let pieces = vec![Piece {
            from: 0,
            to: 400,
            cost: 400,
        }];
        assert_eq!(earned_schedule(&pieces, 250.0), Some(Minutes(250)));
        assert_eq!(earned_schedule(&pieces, 0.0), Some(Minutes(0)));
        // All earned: the baseline's end, however long after it.
        assert_eq!(earned_schedule(&pieces, 400.0), Some(Minutes(400)));
    }

    #[test]
    fn earned_schedule_of_overlapping_pieces_and_steps() {
        // 0..100 at 1/min, 50..150 at 2/min, a step of 30 at 200.
        let pieces = vec![
            Piece {
                from: 0,
                to: 100,
                cost: 100,
            },
            Piece {
                from: 50,
                to: 150,
                cost: 200,
            },
            Piece {
                from: 200,
                to: 200,
                cost: 30,
            },
        ];
        // At 50: 50. Then 3/min: 110 at 70.
        assert_eq!(earned_schedule(&pieces, 110.0), Some(Minutes(70)));
        // Flat at 300 from 150 to 200: the latest minute at most 300 is 200.
        assert_eq!(earned_schedule(&pieces, 300.0), Some(Minutes(200)));
        assert_eq!(earned_schedule(&pieces, 330.0), Some(Minutes(200)));
        // A task whose piece starts later: nothing earned is its start.
        let later = vec![Piece {
            from: 100,
            to: 200,
            cost: 10,
        }];
        assert_eq!(earned_schedule(&later, 0.0), Some(Minutes(100)));
        let free = vec![Piece {
            from: 0,
            to: 10,
            cost: 0,
        }];
        assert_eq!(earned_schedule(&free, 0.0), None);
    }

    #[test]
    fn piece_value_is_linear_inside_and_whole_after() {
        let p = Piece {
            from: 100,
            to: 300,
            cost: 1_000,
        };
        assert_eq!(p.value_at(50), 0.0);
        assert_eq!(p.value_at(200), 500.0);
        assert_eq!(p.value_at(400), 1_000.0);
    }
}
