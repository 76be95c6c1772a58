//! What the reader understood of a TaskJuggler project, before it is
//! written as plan text: TaskJuggler's own terms (durations with their
//! units, `!` references), resolved by `write.rs`.

use super::lex::{DateLit, Unit};
use crate::source::Span;

/// A duration as written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dur {
    pub value: f64,
    pub unit: Unit,
}

/// Working hours of one week: for each day (Monday first) its intervals
/// in minutes after midnight.
#[derive(Clone, Debug, PartialEq)]
pub struct Week {
    pub days: [Vec<(u32, u32)>; 7],
}

impl Default for Week {
    /// tj3's default: Monday to Friday, 9:00 to 17:00.
    fn default() -> Week {
        let day = vec![(9 * 60, 17 * 60)];
        Week {
            days: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                Vec::new(),
                Vec::new(),
            ],
        }
    }
}

/// `workinghours DAYS (off | INTERVALS)`.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkingHours {
    pub days: Vec<usize>,
    pub hours: Vec<(u32, u32)>,
}

/// A time interval as written (`DATE`, `DATE - DATE`, `DATE +DURATION`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub start: DateLit,
    pub end: IntervalEnd,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IntervalEnd {
    /// A date alone: that whole day.
    WholeDay,
    /// `- DATE`: up to (not including) that moment.
    Until(DateLit),
    /// `+ DURATION` of calendar time.
    For(Dur),
}

/// A leave or vacation: a holiday of the project or time off of a resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Leave {
    pub kind: String,
    pub name: Option<String>,
    pub interval: Interval,
    pub span: Span,
}

/// Something not carried over, kept as a `# import:` comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub text: String,
}

#[derive(Clone, Debug, Default)]
pub struct Project {
    pub id: Option<String>,
    pub name: String,
    pub version: Option<String>,
    pub start: Option<DateLit>,
    pub end: Option<String>,
    pub now: Option<DateLit>,
    pub currency: Option<String>,
    pub timezone: Option<String>,
    pub daily_hours: Option<f64>,
    pub yearly_days: Option<f64>,
    pub working_hours: Vec<WorkingHours>,
    pub notes: Vec<Note>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct Shift {
    pub id: String,
    pub name: String,
    pub working_hours: Vec<WorkingHours>,
    pub leaves: Vec<Leave>,
    pub notes: Vec<Note>,
    pub children: Vec<Shift>,
}

#[derive(Clone, Debug, Default)]
pub struct Resource {
    pub id: String,
    pub name: String,
    pub span: Option<Span>,
    pub rate: Option<f64>,
    pub efficiency: Option<f64>,
    pub daily_max: Option<Dur>,
    pub leaves: Vec<Leave>,
    pub working_hours: Vec<WorkingHours>,
    pub shift: Option<(String, Span)>,
    pub notes: Vec<Note>,
    pub children: Vec<Resource>,
}

/// `!!a.b`: two levels up from the task that refers, then `a`, then `b`;
/// without `!`, from the top.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub ups: usize,
    pub names: Vec<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Dependency {
    pub target: Path,
    pub on_start: bool,
    pub gap_length: Option<Dur>,
    pub gap_duration: Option<Dur>,
    pub notes: Vec<Note>,
}

/// One `allocate` item: a resource and its alternatives.
#[derive(Clone, Debug)]
pub struct Allocation {
    pub resources: Vec<(String, Span)>,
    pub notes: Vec<Note>,
}

#[derive(Clone, Debug)]
pub struct Journal {
    pub date: DateLit,
    pub headline: String,
    pub author: Option<String>,
    pub summary: Option<String>,
    pub details: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Work {
    Effort(Dur),
    Length(Dur),
    Duration(Dur),
}

#[derive(Clone, Debug, Default)]
pub struct Task {
    pub id: Option<String>,
    pub name: String,
    pub span: Option<Span>,
    pub milestone: bool,
    pub work: Option<Work>,
    pub start: Option<DateLit>,
    pub end: Option<DateLit>,
    pub max_end: Option<DateLit>,
    pub priority: Option<f64>,
    pub complete: Option<f64>,
    pub depends: Vec<Dependency>,
    pub precedes: Vec<Dependency>,
    pub allocate: Vec<Allocation>,
    /// `limits { dailymax 6h { resources r } }`: per resource.
    pub daily_max: Vec<(String, Dur)>,
    pub note: Option<String>,
    pub journal: Vec<Journal>,
    pub flags: Vec<String>,
    pub notes: Vec<Note>,
    pub children: Vec<Task>,
}

/// A whole TaskJuggler project, includes read.
#[derive(Clone, Debug, Default)]
pub struct TjProject {
    pub project: Project,
    pub default_rate: Option<f64>,
    pub holidays: Vec<Leave>,
    pub shifts: Vec<Shift>,
    pub resources: Vec<Resource>,
    pub tasks: Vec<Task>,
    /// Top-level constructs not carried over, in file order.
    pub notes: Vec<Note>,
}
