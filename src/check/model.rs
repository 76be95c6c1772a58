//! The checked model: every name resolved to an id, every value in planc's
//! units, inheritance (priority, assignments) applied. This is all the
//! scheduler and the renderers see of a plan.

use crate::source::Span;
use crate::units::{Day, Minutes, Moment, Money, Share};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(
    /// A task, group or milestone: its index in [`Model::tasks`].
    TaskId
);
id_type!(
    /// A resource: its index in [`Model::resources`].
    ResourceId
);
id_type!(
    /// A calendar: its index in [`Model::calendars`]; 0 is the built-in one.
    CalendarId
);

/// A whole checked plan.
#[derive(Clone, Debug)]
pub struct Model {
    pub project: Project,
    pub calendars: Vec<CalendarDef>,
    pub resources: Vec<Resource>,
    pub teams: Vec<Team>,
    /// Tasks in declaration order; a parent always comes before its children.
    pub tasks: Vec<Task>,
    pub risks: Vec<Risk>,
    pub issues: Vec<Issue>,
}

impl Model {
    pub fn task(&self, id: TaskId) -> &Task {
        &self.tasks[id.index()]
    }

    pub fn resource(&self, id: ResourceId) -> &Resource {
        &self.resources[id.index()]
    }

    pub fn calendar(&self, id: CalendarId) -> &CalendarDef {
        &self.calendars[id.index()]
    }

    /// Top-level tasks in declaration order.
    pub fn roots(&self) -> impl Iterator<Item = TaskId> + '_ {
        self.tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.parent.is_none())
            .map(|(i, _)| TaskId(i as u32))
    }

    /// Length of one working day of the project calendar (what `1d` means).
    pub fn day_minutes(&self) -> Minutes {
        self.calendar(self.project.calendar).day_minutes
    }
}

#[derive(Clone, Debug)]
pub struct Project {
    pub title: String,
    pub start: Moment,
    pub deadline: Option<Moment>,
    pub now: Option<Moment>,
    pub currency: Option<String>,
    pub calendar: CalendarId,
    pub budget: Option<Money>,
    pub note: Option<String>,
    pub span: Span,
}

/// Closed days with a reason: a holiday or time off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closure {
    pub first: Day,
    pub last: Day,
    pub why: Option<String>,
}

#[derive(Clone, Debug)]
pub struct CalendarDef {
    pub id: String,
    pub title: String,
    /// Working ranges per weekday (Monday = 0) in minutes after midnight.
    pub week: [Vec<(u16, u16)>; 7],
    pub holidays: Vec<Closure>,
    /// Length of a working day: the calendar's general `hours`.
    pub day_minutes: Minutes,
    /// `None` for the built-in calendar.
    pub span: Option<Span>,
}

/// Monday to Friday, 09:00 to 17:00: the built-in calendar's week (spec).
pub fn office_week() -> [Vec<(u16, u16)>; 7] {
    let day = vec![(9 * 60, 17 * 60)];
    [
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        Vec::new(),
        Vec::new(),
    ]
}

impl CalendarDef {
    /// Mon..Fri 09:00..17:00, no holidays.
    pub fn builtin() -> CalendarDef {
        CalendarDef {
            id: "builtin".to_string(),
            title: "Built-in calendar".to_string(),
            week: office_week(),
            holidays: Vec::new(),
            day_minutes: Minutes(8 * 60),
            span: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RatePer {
    Hour,
    Day,
}

/// `rate 600/d`: a day is the resource calendar's working day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub amount: Money,
    pub per: RatePer,
}

#[derive(Clone, Debug)]
pub struct Resource {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub units: u32,
    pub capacity: Share,
    pub rate: Option<Rate>,
    pub calendar: CalendarId,
    pub off: Vec<Closure>,
    pub note: Option<String>,
    pub span: Span,
}

impl Resource {
    /// What the resource can give at any moment: units x capacity.
    pub fn limit(&self) -> crate::units::Demand {
        crate::units::Demand::of(self.units, Share::FULL, self.capacity)
    }
}

#[derive(Clone, Debug)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub members: Vec<ResourceId>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskKind {
    Leaf,
    Group,
    Milestone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkKind {
    /// Work to do; how long it takes depends on who does it.
    Effort,
    /// Working time on the project calendar.
    Duration,
    /// Calendar time: nights and weekends count.
    Elapsed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Work {
    pub kind: WorkKind,
    pub minutes: Minutes,
}

/// One resource booked by a task: `count` units at `percent` of their time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Booking {
    pub resource: ResourceId,
    pub count: u32,
    pub percent: Share,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assignment {
    Fixed(Booking),
    /// One of these, chosen while levelling (`schedule::alternatives`).
    AnyOf(Vec<Booking>),
}

/// Which ends a dependency links. The model's own copy of the syntax's
/// kind, so that scheduling and rendering never read the syntax tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DepKind {
    /// `after x`: starts after `x` ends.
    FinishToStart,
    /// `after start of x`: starts after `x` starts.
    StartToStart,
    /// `finish after x`: ends after `x` ends.
    FinishToFinish,
    /// `finish after start of x`: ends after `x` starts.
    StartToFinish,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub kind: DepKind,
    pub target: TaskId,
    /// Working time on the project calendar; negative for a lead.
    pub lag: Minutes,
    pub span: Span,
}

/// One task, group or milestone. A plan may hold a million of these, so
/// the record is kept small: the id is not stored apart from the path, the
/// title only when it differs from the id, and attributes most tasks lack
/// sit in one optional box ([`TaskDetails`]).
#[derive(Clone, Debug)]
pub struct Task {
    /// The full dotted path (`discovery.signoff`).
    pub path: Box<str>,
    /// The declared title; `None` when the task has none (its title is
    /// then its id).
    pub(crate) own_title: Option<Box<str>>,
    pub kind: TaskKind,
    pub parent: Option<TaskId>,
    pub children: Box<[TaskId]>,
    pub depth: u32,
    pub work: Option<Work>,
    /// Effective assignments (inherited from the nearest group that has
    /// some when the task has none).
    pub assignments: Box<[Assignment]>,
    /// The task's own dependencies (a group's apply to its leaves; the
    /// scheduler combines them).
    pub dependencies: Box<[Dependency]>,
    /// Effective priority, 1..=1000.
    pub priority: u32,
    pub cost: Money,
    /// `None` when the task sets none of them.
    pub(crate) details: Option<Box<TaskDetails>>,
    pub span: Span,
    pub name_span: Span,
}

/// A task's attributes that most tasks do not set.
#[derive(Clone, Debug, Default)]
pub struct TaskDetails {
    pub start: Option<Moment>,
    pub not_before: Option<Moment>,
    pub deadline: Option<Moment>,
    /// A milestone's fixed `date`.
    pub date: Option<Moment>,
    pub progress: Option<Share>,
    /// When a task actually finished, or a milestone was reached (`finished`).
    pub finished: Option<Moment>,
    /// When a task actually started (`started`).
    pub started: Option<Moment>,
    /// Work (effort tasks) or length still to do after the status date
    /// (`remaining`); overrides what progress implies.
    pub remaining: Option<Minutes>,
    /// Actual cost so far (`spent`).
    pub spent: Option<Money>,
    /// A level-of-effort task's range (`during FROM..TO`): it spans from the
    /// start of the first to the end of the second.
    pub during: Option<(TaskId, TaskId)>,
    pub range: Option<(Minutes, Minutes)>,
    pub budget: Option<Money>,
    pub tags: Vec<String>,
    pub note: Option<String>,
}

/// What a task that sets none of the details has.
static NO_DETAILS: TaskDetails = TaskDetails {
    start: None,
    not_before: None,
    deadline: None,
    date: None,
    progress: None,
    finished: None,
    started: None,
    remaining: None,
    spent: None,
    during: None,
    range: None,
    budget: None,
    tags: Vec::new(),
    note: None,
};

impl Task {
    pub fn is_group(&self) -> bool {
        self.kind == TaskKind::Group
    }

    /// The id as declared (`signoff`): the last segment of the path (ids
    /// contain no dots).
    pub fn id(&self) -> &str {
        self.path.rsplit('.').next().unwrap_or(&self.path)
    }

    /// The declared title, else the id.
    pub fn title(&self) -> &str {
        self.own_title.as_deref().unwrap_or_else(|| self.id())
    }

    /// Start, deadline, tags and the other rarely set attributes.
    pub fn details(&self) -> &TaskDetails {
        self.details.as_deref().unwrap_or(&NO_DETAILS)
    }

    /// The details, created empty on first use.
    pub(crate) fn details_mut(&mut self) -> &mut TaskDetails {
        self.details.get_or_insert_with(Box::default)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Open,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Risk {
    pub id: String,
    pub title: String,
    pub chance: Option<Share>,
    pub delay: Option<Minutes>,
    pub cost: Option<Money>,
    pub affects: Vec<TaskId>,
    pub owner: Option<ResourceId>,
    pub response: Option<String>,
    pub status: Status,
    pub note: Option<String>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Issue {
    pub id: String,
    pub title: String,
    pub raised: Option<Moment>,
    pub owner: Option<ResourceId>,
    pub affects: Vec<TaskId>,
    pub severity: Severity,
    pub status: Status,
    pub resolution: Option<String>,
    pub note: Option<String>,
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A million-task plan holds a million of these: growing the record
    /// costs memory (and first-touch time) on every large plan.
    #[test]
    fn tasks_stay_small() {
        assert!(std::mem::size_of::<Task>() <= 160);
        assert!(std::mem::size_of::<Assignment>() <= 24);
        assert!(std::mem::size_of::<Dependency>() <= 32);
    }

    #[test]
    fn id_is_the_last_segment_of_the_path() {
        let task = Task {
            path: "discovery.review.signoff".into(),
            own_title: None,
            kind: TaskKind::Leaf,
            parent: None,
            children: Box::default(),
            depth: 2,
            work: None,
            assignments: Box::default(),
            dependencies: Box::default(),
            priority: 500,
            cost: Money::ZERO,
            details: None,
            span: Span::new(crate::source::FileId(0), 0, 0),
            name_span: Span::new(crate::source::FileId(0), 0, 0),
        };
        assert_eq!(task.id(), "signoff");
        assert_eq!(task.title(), "signoff");
        assert!(task.details().tags.is_empty());
    }
}
