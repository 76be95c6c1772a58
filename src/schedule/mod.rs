//! Scheduling (spec section 3): working-time calendars, the dependency
//! network, resource levelling, critical path, cost and the warnings that
//! come with them (deadlines missed, budgets exceeded, over-allocation).
//!
//! Entry point: [`schedule`]. The result is a [`Schedule`] with a time span,
//! bookings, slack and cost for every task, and totals per resource.

mod alternatives;
pub mod calendar;
mod cost;
mod critical;
pub mod earned;
mod improve;
mod network;
mod profile;
mod progress;
mod ready;
mod sgs;
mod tracking;
mod warnings;
mod work;

pub use earned::{Baseline, BaselineSource, Tracking};
pub use network::Bound;
pub use sgs::Driver;

use crate::check::{Booking, Model};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::units::{Demand, Minutes, Moment, Money, Share};

/// How to schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Respect resource limits (on by default); off, over-allocations are
    /// warned about instead.
    pub level: bool,
    /// How hard levelling searches for a shorter schedule.
    pub effort: LevelEffort,
    /// Ignore actuals (`started`, `finished`, `remaining`) and the status
    /// date's effect on dates: the version-1 schedule (`--as-planned`).
    pub as_planned: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelEffort {
    /// One priority-rule pass plus a bounded improvement (the default).
    Normal,
    /// Searches longer for a shorter schedule.
    Thorough,
    /// The priority-rule pass alone, no search: `planc simulate` schedules
    /// thousands of variants of one plan and measures their spread, which
    /// the search's occasional small gain would only blur at great cost.
    Rule,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            level: true,
            effort: LevelEffort::Normal,
            as_planned: false,
        }
    }
}

/// A scheduled plan.
#[derive(Clone, Debug)]
pub struct Schedule {
    pub start: Moment,
    pub end: Moment,
    /// Per task, indexed like `Model::tasks`.
    pub tasks: Vec<TaskSchedule>,
    /// Per resource, indexed like `Model::resources`.
    pub resources: Vec<ResourceUse>,
    pub cost: Money,
    pub levelled: bool,
}

#[derive(Clone, Debug)]
pub struct TaskSchedule {
    pub start: Moment,
    pub end: Moment,
    pub bookings: Vec<BookedResource>,
    /// What fixed the start; `None` for groups.
    pub driver: Option<Driver>,
    /// Working minutes the end may slip (negative: a deadline is missed).
    pub slack: Minutes,
    pub critical: bool,
    /// Work booked, in minutes of one full-time unit (effort for effort
    /// tasks; for groups, the sum of their children).
    pub work: Minutes,
    /// Resource cost plus fixed cost (groups: rolled up).
    pub cost: Money,
    /// Done share: given, or for groups derived from children by work.
    pub progress: Share,
    /// When the task actually started (given, or implied by a `finished`).
    pub actual_start: Option<Moment>,
    /// When the task actually finished.
    pub actual_end: Option<Moment>,
    /// Work (effort tasks) or length still to do after the status date.
    pub remaining: Minutes,
    /// Where the task stands at the status date.
    pub state: TaskState,
}

/// Where a task stands at the status date (spec 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    Done,
    InProgress,
    NotStarted,
}

impl TaskState {
    /// The word in outputs (`done`, `in_progress`, `not_started`).
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Done => "done",
            TaskState::InProgress => "in_progress",
            TaskState::NotStarted => "not_started",
        }
    }
}

#[derive(Clone, Debug)]
pub struct BookedResource {
    pub resource: crate::check::ResourceId,
    pub booking: Booking,
    pub demand: Demand,
    /// Minutes of the resource's working time inside the task's span.
    pub minutes: Minutes,
    /// Work done: minutes x demand, in full-unit minutes.
    pub work: Minutes,
    pub cost: Money,
}

#[derive(Clone, Debug)]
pub struct ResourceUse {
    /// Work booked in full-unit minutes.
    pub booked: Minutes,
    /// Working minutes available between project start and end (x units x
    /// capacity).
    pub available: Minutes,
    pub cost: Money,
}

impl ResourceUse {
    /// Booked over available, 0 when nothing is available.
    pub fn utilisation(&self) -> f64 {
        if self.available.0 <= 0 {
            0.0
        } else {
            self.booked.0 as f64 / self.available.0 as f64
        }
    }
}

/// The scheduler's verdict: a schedule unless an error made one impossible,
/// and its diagnostics.
pub struct Scheduled {
    pub schedule: Option<Schedule>,
    pub diagnostics: Diagnostics,
}

/// 100 years in minutes: no plan may run longer (spec 3).
const HORIZON_YEARS_DAYS: i64 = 36_525;

/// Schedules a checked model: from the status date when the plan has one
/// (spec 6), else (or `--as-planned`) as first planned.
pub fn schedule(model: &Model, options: &Options) -> Scheduled {
    let mut scheduled = tracking::schedule(model, options);
    if let Some(schedule) = &mut scheduled.schedule {
        tracking::fill_state(model, schedule);
    }
    scheduled
}

/// Schedules a model whose actuals have been turned into constraints (see
/// `tracking`), or a plan without any.
fn schedule_plain(model: &Model, options: &Options) -> Scheduled {
    let mut diags = Diagnostics::new();
    let network = network::Network::build(model);
    let calendars = work::WorkCalendars::build(model);
    let ctx = sgs::Context::new(model, &network, &calendars);
    let idle = resources_without_work(model, &ctx);
    if !idle.is_empty() {
        return Scheduled {
            schedule: None,
            diagnostics: idle,
        };
    }
    let placed = match improve::best_schedule(&ctx, options) {
        Ok(p) => p,
        Err(failure) => {
            diags.push(failure_diagnostic(model, failure));
            return Scheduled {
                schedule: None,
                diagnostics: diags,
            };
        }
    };
    // The backward pass reads the pass in its own numbering (see
    // `sgs::Placed`); everything after it, in the model's.
    let latest = critical::latest(&placed.context(&ctx), &placed.forward, options.level);
    let forward = placed.into_model();
    let mut tasks: Vec<TaskSchedule> = (0..model.tasks.len())
        .map(|i| {
            let slack = critical::slack(&ctx, forward.end[i], latest.finish[i]);
            TaskSchedule {
                start: forward.start[i],
                end: forward.end[i],
                bookings: Vec::new(),
                driver: forward.driver[i],
                slack,
                critical: slack.0 <= 0,
                work: Minutes::ZERO,
                cost: Money::ZERO,
                progress: Share::ZERO,
                actual_start: None,
                actual_end: None,
                remaining: Minutes::ZERO,
                state: TaskState::NotStarted,
            }
        })
        .collect();
    // Freed before costing allocates every task's bookings: reused memory
    // rather than fresh pages on a large plan.
    drop(latest);
    let resources = cost::book_and_cost(model, &ctx, &forward, &mut tasks);
    let start = model.project.start;
    let end = forward.makespan_end;
    let schedule = Schedule {
        start,
        end,
        cost: model
            .roots()
            .map(|r| tasks[r.index()].cost)
            .fold(Money::ZERO, |a, b| a + b),
        tasks,
        resources,
        levelled: options.level,
    };
    warnings::deadlines(model, &schedule, &calendars.project, &mut diags);
    warnings::budgets(model, &schedule, &mut diags);
    warnings::fixed_starts(model, &schedule, &mut diags);
    if !options.level {
        warnings::overallocations(model, &forward, &schedule, &mut diags);
    }
    Scheduled {
        schedule: Some(schedule),
        diagnostics: diags,
    }
}

/// A resource with no working time at all after the project start can
/// never do the work assigned to it: name the first task that needs it.
fn resources_without_work(model: &Model, ctx: &sgs::Context<'_>) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut reported = vec![false; model.resources.len()];
    // Once per resource, not once per task that books it.
    let idle: Vec<bool> = ctx
        .calendars
        .resources
        .iter()
        .map(|cal| {
            cal.next_working(model.project.start)
                .is_none_or(|t| t > ctx.horizon)
        })
        .collect();
    for task in &model.tasks {
        if task.kind == crate::check::TaskKind::Group {
            continue;
        }
        for assignment in &task.assignments {
            let options: &[Booking] = match assignment {
                crate::check::Assignment::Fixed(b) => std::slice::from_ref(b),
                crate::check::Assignment::AnyOf(list) => list,
            };
            let all_idle = options.iter().all(|b| idle[b.resource.index()]);
            let Some(first) = options.first() else {
                continue;
            };
            let r = first.resource.index();
            if all_idle && !reported[r] {
                reported[r] = true;
                let res = model.resource(first.resource);
                diags.push(
                    Diagnostic::error(codes::NO_WORKING_TIME, format!("`{}` needs `{}`, who has no working time after the project start", task.path, res.id))
                        .at(task.name_span, "can never be worked on")
                        .also(res.span, "no working time left for this resource")
                        .with_help("check the resource's calendar and its `off` periods, or assign someone else"),
                );
            }
        }
    }
    diags
}

fn failure_diagnostic(model: &Model, failure: sgs::Failure) -> Diagnostic {
    match failure {
        sgs::Failure::CannotFinish(t) => {
            let task = model.task(t);
            Diagnostic::error(codes::CANNOT_FINISH, format!("the task `{}` cannot finish within 100 years of the project start", task.path))
                .at(task.name_span, "never finishes")
                .with_help("check that its resources and calendars have working time (workdays, hours, time off) and that its work is not absurdly large")
        }
        sgs::Failure::Stuck(t) => {
            let task = model.task(t);
            Diagnostic::error(
                codes::CANNOT_FINISH,
                format!(
                    "the task `{}` can never start: it waits for itself through its dependencies",
                    task.path
                ),
            )
            .at(task.name_span, "never ready")
            .with_help(
                "this is a bug in planc's checker if no cycle was reported; please report the plan",
            )
        }
    }
}
