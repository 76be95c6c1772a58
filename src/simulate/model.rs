//! What varies in a plan and how it is drawn: the estimates with a
//! `range` and the open risks with a `chance`, and for one iteration the
//! lengths they give the tasks.
//!
//! Every draw comes from a generator of its own, seeded from (seed,
//! iteration, slot), where the slot is the task's or the risk's place in
//! the model. An iteration's draws therefore depend on nothing but those
//! three numbers: not on the thread that runs it, not on the order
//! iterations finish, and the statistics can draw a task's lengths again
//! without keeping them (see `stats::sensitivity`).

use crate::check::{Assignment, Model, Status, TaskId, TaskKind, WorkKind};
use crate::units::{Minutes, Money, MINUTES_PER_DAY};
use crate::Schedule;
use rand::{Rng, SeedableRng};
use rand_distr::{Beta, Distribution as _, Triangular, Uniform};
use rand_pcg::Pcg64;

/// How a `range` is drawn (`--distribution`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distribution {
    /// PERT: a beta distribution with lambda 4 around the written value.
    Pert,
    /// Triangular between the bounds, peaking at the written value.
    Triangular,
    /// Uniform between the bounds.
    Uniform,
}

impl Distribution {
    /// The word in outputs and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Distribution::Pert => "pert",
            Distribution::Triangular => "triangular",
            Distribution::Uniform => "uniform",
        }
    }
}

/// A ready-made sampler for one estimate, in minutes of its work kind.
#[derive(Clone, Debug)]
enum Sampler {
    /// The bounds meet: nothing to draw.
    Fixed(f64),
    /// PERT: `low + (high - low) * Beta(alpha, beta)`.
    Pert {
        low: f64,
        width: f64,
        beta: Beta<f64>,
    },
    Triangular(Triangular<f64>),
    Uniform(Uniform<f64>),
}

impl Sampler {
    fn new(low: f64, mode: f64, high: f64, distribution: Distribution) -> Sampler {
        // An estimate outside its range is a warning in `check`; the range wins.
        let mode = mode.clamp(low, high);
        let width = high - low;
        if width <= 0.0 {
            return Sampler::Fixed(low);
        }
        let made = match distribution {
            Distribution::Pert => {
                let alpha = 1.0 + 4.0 * (mode - low) / width;
                let beta = 1.0 + 4.0 * (high - mode) / width;
                Beta::new(alpha, beta)
                    .ok()
                    .map(|beta| Sampler::Pert { low, width, beta })
            }
            Distribution::Triangular => Triangular::new(low, high, mode)
                .ok()
                .map(Sampler::Triangular),
            Distribution::Uniform => Uniform::new_inclusive(low, high).ok().map(Sampler::Uniform),
        };
        made.unwrap_or(Sampler::Fixed(mode))
    }

    fn draw(&self, rng: &mut Pcg64) -> f64 {
        match self {
            Sampler::Fixed(x) => *x,
            Sampler::Pert { low, width, beta } => low + width * beta.sample(rng),
            Sampler::Triangular(t) => t.sample(rng),
            Sampler::Uniform(u) => u.sample(rng),
        }
    }
}

/// One task whose estimate has a range.
#[derive(Clone, Debug)]
struct Estimate {
    /// Index into [`Uncertainty::touched`].
    place: usize,
    slot: u64,
    sampler: Sampler,
}

/// One open risk that may happen.
#[derive(Clone, Debug)]
pub struct RiskDraw {
    /// Index in `Model::risks`.
    pub risk: usize,
    slot: u64,
    chance: f64,
    pub cost: Money,
    /// Length added to touched tasks when it happens: (place in
    /// [`Uncertainty::touched`], minutes of that task's work kind).
    extra: Vec<(usize, Minutes)>,
}

impl RiskDraw {
    /// Whether it moves any date when it happens (a cost-only risk does not).
    pub fn delays(&self) -> bool {
        self.extra.iter().any(|(_, m)| m.0 > 0)
    }
}

/// Everything that varies in one plan.
#[derive(Clone, Debug)]
pub struct Uncertainty {
    seed: u64,
    /// Tasks whose length may change, in model order.
    pub touched: Vec<TaskId>,
    /// Their written lengths.
    base: Vec<Minutes>,
    estimates: Vec<Estimate>,
    pub risks: Vec<RiskDraw>,
}

/// What varies one touched task's length.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    estimate: Option<usize>,
    /// (index in [`Uncertainty::risks`], length it adds).
    risks: Vec<(usize, Minutes)>,
}

/// One iteration's draws: the length of every touched task and which
/// risks happened.
#[derive(Clone, Debug)]
pub struct Draws {
    pub lengths: Vec<Minutes>,
    pub occurred: Vec<bool>,
}

impl Uncertainty {
    /// The ranges and open risks of `model`; `plan` (its deterministic
    /// schedule) says which leaves finish a group a risk affects.
    pub fn of(
        model: &Model,
        plan: &Schedule,
        distribution: Distribution,
        seed: u64,
    ) -> Uncertainty {
        let mut touched: Vec<TaskId> = Vec::new();
        let mut place_of: Vec<Option<usize>> = vec![None; model.tasks.len()];
        let mut touch = |t: TaskId, touched: &mut Vec<TaskId>| -> Option<usize> {
            model.tasks[t.index()].work?;
            let slot = &mut place_of[t.index()];
            Some(*slot.get_or_insert_with(|| {
                touched.push(t);
                touched.len() - 1
            }))
        };
        let mut estimates = Vec::new();
        for (i, task) in model.tasks.iter().enumerate() {
            let (Some(work), Some((low, high))) = (task.work, task.details().range) else {
                continue;
            };
            if task.kind != TaskKind::Leaf || high <= low {
                continue;
            }
            let Some(place) = touch(TaskId(i as u32), &mut touched) else {
                continue;
            };
            let sampler = Sampler::new(
                low.0 as f64,
                work.minutes.0 as f64,
                high.0 as f64,
                distribution,
            );
            estimates.push(Estimate {
                place,
                slot: i as u64,
                sampler,
            });
        }
        let mut risks = Vec::new();
        for (r, risk) in model.risks.iter().enumerate() {
            let chance = risk.chance.map_or(0.0, |c| c.as_fraction());
            if risk.status != Status::Open || chance <= 0.0 {
                continue;
            }
            let mut extra = Vec::new();
            if let Some(delay) = risk.delay.filter(|d| d.0 > 0) {
                for leaf in delayed_leaves(model, plan, &risk.affects) {
                    if let Some(place) = touch(leaf, &mut touched) {
                        extra.push((place, extra_length(model, leaf, delay)));
                    }
                }
            }
            risks.push(RiskDraw {
                risk: r,
                slot: (model.tasks.len() + r) as u64,
                chance,
                cost: risk.cost.unwrap_or(Money::ZERO),
                extra,
            });
        }
        let base = touched
            .iter()
            .map(|t| {
                model.tasks[t.index()]
                    .work
                    .map_or(Minutes(0), |w| w.minutes)
            })
            .collect();
        Uncertainty {
            seed,
            touched,
            base,
            estimates,
            risks,
        }
    }

    /// Whether nothing varies: no range wider than a point, no open risk
    /// with a chance.
    pub fn is_empty(&self) -> bool {
        self.estimates.is_empty() && self.risks.is_empty()
    }

    /// How many tasks have a range to draw from.
    pub fn estimate_count(&self) -> usize {
        self.estimates.len()
    }

    /// The draws of iteration `iteration`.
    pub fn draw(&self, iteration: u64) -> Draws {
        let occurred: Vec<bool> = self
            .risks
            .iter()
            .map(|r| self.occurs(r, iteration))
            .collect();
        let mut lengths = self.base.clone();
        for e in &self.estimates {
            lengths[e.place] = self.estimate(e, iteration);
        }
        for (r, _) in self.risks.iter().zip(&occurred).filter(|(_, o)| **o) {
            for (place, extra) in &r.extra {
                lengths[*place] += *extra;
            }
        }
        Draws { lengths, occurred }
    }

    /// Iteration `iteration` with the risk at `index` in [`Self::risks`]
    /// forced off: the same draws otherwise.
    pub fn without_risk(&self, draws: &Draws, index: usize) -> Draws {
        let mut without = draws.clone();
        if without.occurred.get(index).copied().unwrap_or(false) {
            without.occurred[index] = false;
            for (place, extra) in &self.risks[index].extra {
                without.lengths[*place] = without.lengths[*place] - *extra;
            }
        }
        without
    }

    /// What makes each touched task's length vary, by place: its estimate
    /// (index in the estimates) and the risks that lengthen it. Built once
    /// for [`Self::lengths_of`], so that finding them is not a search per
    /// task.
    pub fn sources(&self) -> Vec<Sources> {
        let mut sources = vec![Sources::default(); self.touched.len()];
        for (i, e) in self.estimates.iter().enumerate() {
            sources[e.place].estimate = Some(i);
        }
        for (r, risk) in self.risks.iter().enumerate() {
            for (place, extra) in &risk.extra {
                sources[*place].risks.push((r, *extra));
            }
        }
        sources
    }

    /// The lengths of the touched task at `place` in iterations
    /// `0..iterations`, drawn again from their streams (its estimate and
    /// the risks that lengthen it, `sources` from [`Self::sources`]):
    /// sensitivity needs them once, so they are not kept from the
    /// iterations.
    pub fn lengths_of(&self, place: usize, sources: &Sources, iterations: u64) -> Vec<f64> {
        let estimate = sources.estimate.map(|i| &self.estimates[i]);
        (0..iterations)
            .map(|i| {
                let mut length = estimate.map_or(self.base[place], |e| self.estimate(e, i));
                for (r, extra) in &sources.risks {
                    if self.occurs(&self.risks[*r], i) {
                        length += *extra;
                    }
                }
                length.0 as f64
            })
            .collect()
    }

    fn estimate(&self, e: &Estimate, iteration: u64) -> Minutes {
        let drawn = e.sampler.draw(&mut stream(self.seed, iteration, e.slot));
        Minutes(drawn.round() as i64)
    }

    fn occurs(&self, r: &RiskDraw, iteration: u64) -> bool {
        stream(self.seed, iteration, r.slot).random::<f64>() < r.chance
    }

    /// Writes `draws` into `model` (a copy of the plan's model).
    pub fn apply(&self, model: &mut Model, draws: &Draws) {
        for (t, length) in self.touched.iter().zip(&draws.lengths) {
            if let Some(work) = &mut model.tasks[t.index()].work {
                work.minutes = Minutes(length.0.max(0));
            }
        }
    }
}

/// The generator of one draw: its own stream for every (seed, iteration,
/// slot), so that draws are independent of threads and of each other.
fn stream(seed: u64, iteration: u64, slot: u64) -> Pcg64 {
    let key = mix(mix(seed ^ mix(iteration)) ^ slot.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    Pcg64::seed_from_u64(key)
}

/// splitmix64's finaliser: spreads nearby numbers over all 64 bits.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The leaves a risk's delay lengthens: a leaf itself; for a group, the
/// leaves inside it that finish it in the plan's schedule, so the group
/// ends that much later rather than once per leaf; a milestone has no
/// length to add to.
fn delayed_leaves(model: &Model, plan: &Schedule, affects: &[TaskId]) -> Vec<TaskId> {
    let mut leaves = Vec::new();
    for &t in affects {
        match model.task(t).kind {
            TaskKind::Leaf => leaves.push(t),
            TaskKind::Milestone => {}
            TaskKind::Group => {
                let end = plan.tasks[t.index()].end;
                let mut pending = vec![t];
                while let Some(g) = pending.pop() {
                    for &c in model.task(g).children.iter() {
                        match model.task(c).kind {
                            TaskKind::Group => pending.push(c),
                            TaskKind::Leaf if plan.tasks[c.index()].end == end => leaves.push(c),
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    leaves.sort();
    leaves.dedup();
    leaves
}

/// What `delay` (working time on the project calendar) adds to a task's
/// written amount so that the task takes that much longer: the same for a
/// `duration`, calendar days for an `elapsed`, and for an `effort` the
/// delay times the people booked on it.
fn extra_length(model: &Model, task: TaskId, delay: Minutes) -> Minutes {
    let Some(work) = model.task(task).work else {
        return Minutes(0);
    };
    match work.kind {
        WorkKind::Duration => delay,
        WorkKind::Elapsed => {
            let day = model.day_minutes().0.max(1);
            Minutes(delay.0.saturating_mul(MINUTES_PER_DAY) / day)
        }
        WorkKind::Effort => {
            let units = booked_units(model, task);
            if units <= 0.0 {
                delay
            } else {
                Minutes((delay.0 as f64 * units).round() as i64)
            }
        }
    }
}

/// Full-time people an effort task books (an `any of` counts its first
/// alternative).
fn booked_units(model: &Model, task: TaskId) -> f64 {
    model
        .task(task)
        .assignments
        .iter()
        .filter_map(|a| match a {
            Assignment::Fixed(b) => Some(*b),
            Assignment::AnyOf(alternatives) => alternatives.first().copied(),
        })
        .map(|b| {
            let capacity = model.resource(b.resource).capacity;
            crate::units::Demand::of(b.count, b.percent, capacity).as_units()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_seed_iteration_and_slot() {
        let first = |s, i, k| stream(s, i, k).random::<u64>();
        let a = first(1, 0, 0);
        assert_ne!(a, first(2, 0, 0));
        assert_ne!(a, first(1, 1, 0));
        assert_ne!(a, first(1, 0, 1));
        assert_eq!(a, first(1, 0, 0));
    }

    #[test]
    fn samplers_stay_within_their_bounds() {
        for d in [
            Distribution::Pert,
            Distribution::Triangular,
            Distribution::Uniform,
        ] {
            let s = Sampler::new(10.0, 12.0, 20.0, d);
            for i in 0..2000 {
                let x = s.draw(&mut stream(7, i, 3));
                assert!((10.0..=20.0).contains(&x), "{d:?} drew {x}");
            }
        }
        let point = Sampler::new(5.0, 5.0, 5.0, Distribution::Pert);
        assert_eq!(point.draw(&mut stream(1, 1, 1)), 5.0);
    }

    #[test]
    fn an_estimate_outside_its_range_is_drawn_inside_it() {
        let s = Sampler::new(10.0, 30.0, 20.0, Distribution::Triangular);
        let x = s.draw(&mut stream(1, 2, 3));
        assert!((10.0..=20.0).contains(&x));
    }
}
