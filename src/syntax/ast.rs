//! The typed syntax tree of one `.plan` file. Every node keeps its span.
//! Values are already validated (dates exist, numbers fit); meaning (names,
//! which attribute belongs where) is the checker's business.
//!
//! The tree is kept small, as a big plan holds a few nodes per task: names
//! are `Box<str>`, a reference is its dotted text (one string, however
//! many names), block bodies are boxed slices, and what
//! is large or rarely written sits behind a `Box` (a nested declaration,
//! texts, `hours`, `range`, `any of`, lags, assignment counts and
//! percentages), so that an [`Item`] is 64 bytes and a [`Decl`] 88. The
//! size test at the end guards this.

use crate::source::Span;
use jiff::civil::{Date, Time};

/// One parsed file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct File {
    pub items: Vec<TopItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TopItem {
    Decl(Decl),
    Include(Include),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Include {
    pub path: Text,
    pub span: Span,
}

/// The keyword of a declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeclKind {
    Project,
    Calendar,
    Resource,
    Team,
    Task,
    Milestone,
    Risk,
    Issue,
}

impl DeclKind {
    pub fn keyword(self) -> &'static str {
        match self {
            DeclKind::Project => "project",
            DeclKind::Calendar => "calendar",
            DeclKind::Resource => "resource",
            DeclKind::Team => "team",
            DeclKind::Task => "task",
            DeclKind::Milestone => "milestone",
            DeclKind::Risk => "risk",
            DeclKind::Issue => "issue",
        }
    }
}

/// `KEYWORD [id] ["title"] [{ body }]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decl {
    pub kind: DeclKind,
    pub keyword: Span,
    pub id: Option<Ident>,
    /// Boxed, like every optional text: most declarations have none.
    pub title: Option<Box<Text>>,
    pub body: Box<[Item]>,
    /// Whether a `{ ... }` body was written (even if empty).
    pub has_body: bool,
    pub span: Span,
}

impl Decl {
    /// The span used to point at this declaration: its id, else its keyword.
    pub fn name_span(&self) -> Span {
        self.id.as_ref().map_or(self.keyword, |i| i.span)
    }

    pub fn attrs(&self) -> impl Iterator<Item = &Attr> {
        self.body.iter().filter_map(|i| match i {
            Item::Attr(a) => Some(a),
            Item::Decl(_) => None,
        })
    }

    /// The nested tasks and milestones (a group's children).
    pub fn children(&self) -> impl Iterator<Item = &Decl> {
        self.nested()
            .filter(|d| matches!(d.kind, DeclKind::Task | DeclKind::Milestone))
    }

    /// Resources declared in place in this body: a team's inline members.
    pub fn inline_resources(&self) -> impl Iterator<Item = &Decl> {
        self.nested().filter(|d| d.kind == DeclKind::Resource)
    }

    /// Every declaration nested in this body, whatever its kind.
    pub fn nested(&self) -> impl Iterator<Item = &Decl> {
        self.body.iter().filter_map(|i| match i {
            Item::Decl(d) => Some(&**d),
            Item::Attr(_) => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Item {
    /// Boxed: a declaration is twice the size of an attribute.
    Decl(Box<Decl>),
    Attr(Attr),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: Box<str>,
    pub span: Span,
}

/// A string or text block, escapes resolved.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Text {
    pub value: String,
    /// True for a `"""` text block.
    pub block: bool,
    pub span: Span,
}

/// `a` or `a.b.c`, kept as written. A reference holds no spaces or
/// comments, so each name's span follows from its place in the text: one
/// string per reference instead of one per name (a large plan holds a few
/// references per task).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reference {
    /// The dotted names; never empty in a parsed tree, and no name in it is
    /// empty.
    pub text: Box<str>,
    pub span: Span,
}

impl Reference {
    pub fn dotted(&self) -> &str {
        &self.text
    }

    /// The names, first to last.
    pub fn names(&self) -> std::str::Split<'_, char> {
        self.text.split('.')
    }

    /// How many names there are (`a.b.c`: 3; none in an empty text).
    pub fn len(&self) -> usize {
        if self.is_empty() {
            return 0;
        }
        self.names().count()
    }

    /// Whether the reference has no text (only in a tree the parser gave
    /// up on).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The last name (`c` in `a.b.c`).
    pub fn last_name(&self) -> &str {
        self.text.rsplit('.').next().unwrap_or(&self.text)
    }

    /// The names before the last, dotted (`a.b` in `a.b.c`); empty for a
    /// single name.
    pub fn prefix(&self) -> &str {
        self.text.rfind('.').map_or("", |dot| &self.text[..dot])
    }

    /// The names before the `at`-th (counted from 0), dotted.
    pub fn names_before(&self, at: usize) -> &str {
        let end = self.name_offsets().nth(at).map_or(0, |(start, _)| start);
        self.text[..end].strip_suffix('.').unwrap_or("")
    }

    /// The `at`-th name (counted from 0) and its span.
    pub fn name_at(&self, at: usize) -> Option<(&str, Span)> {
        if self.is_empty() {
            return None;
        }
        let (start, name) = self.name_offsets().nth(at)?;
        let from = self.span.start as usize + start;
        let span = Span::new(self.span.file, from, from + name.len());
        Some((name, span))
    }

    /// Each name with its byte offset in the text.
    fn name_offsets(&self) -> impl Iterator<Item = (usize, &str)> {
        self.names().scan(0, |offset, name| {
            let start = *offset;
            *offset += name.len() + 1;
            Some((start, name))
        })
    }
}

/// A decimal number kept exactly: `value = digits / 10^scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    pub digits: i64,
    pub scale: u8,
}

impl Decimal {
    /// The value times `factor`, rounded to the nearest integer; `None` on
    /// overflow.
    pub fn scaled(self, factor: i64) -> Option<i64> {
        let num = i128::from(self.digits).checked_mul(i128::from(factor))?;
        let den = 10i128.checked_pow(u32::from(self.scale))?;
        let rounded = (num + den / 2).div_euclid(den);
        i64::try_from(rounded).ok()
    }

    pub fn is_integer(self) -> bool {
        self.scale == 0
    }

    pub fn as_f64(self) -> f64 {
        self.digits as f64 / 10f64.powi(i32::from(self.scale))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Number {
    pub value: Decimal,
    pub span: Span,
}

/// A percentage, in hundredths of a percent, checked to be 0..=100%.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Percent {
    pub value: Decimal,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DurationUnit {
    Minute,
    Hour,
    Day,
    Week,
}

impl DurationUnit {
    pub fn suffix(self) -> &'static str {
        match self {
            DurationUnit::Minute => "min",
            DurationUnit::Hour => "h",
            DurationUnit::Day => "d",
            DurationUnit::Week => "w",
        }
    }
}

/// `2.5d`: the amount and unit as written; how many minutes it is depends
/// on the calendar and the attribute, so conversion is the checker's job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Duration {
    pub amount: Decimal,
    pub unit: DurationUnit,
    pub span: Span,
}

/// A date with an optional time of day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Moment {
    pub date: Date,
    pub time: Option<Time>,
    pub span: Span,
}

/// A date or an inclusive date range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateSpan {
    pub first: Date,
    pub last: Date,
    pub span: Span,
}

/// A time of day in minutes after midnight; `24:00` is 1440.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeRange {
    pub from: u16,
    pub to: u16,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][self.index()]
    }
}

/// `mon..fri` or `sat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DayItem {
    pub first: Weekday,
    pub last: Weekday,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RateUnit {
    Hour,
    Day,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rate {
    pub amount: Decimal,
    pub unit: RateUnit,
    pub span: Span,
}

/// `[COUNT] RESOURCE [PERCENT]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AssignItem {
    /// Boxed, as is `percent`: most assignments are a bare resource.
    pub count: Option<Box<Number>>,
    pub resource: Reference,
    pub percent: Option<Box<Percent>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AssignList {
    pub items: Vec<AssignItem>,
    /// `any of a, b`: one of these. Boxed, as it is rare.
    pub any_of: Option<Box<(Span, Vec<AssignItem>)>>,
}

/// Which ends a dependency links.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DepKind {
    /// `after x`: finish-to-start.
    FinishToStart,
    /// `after start of x`: start-to-start.
    StartToStart,
    /// `finish after x`: finish-to-finish.
    FinishToFinish,
    /// `finish after start of x`: start-to-finish.
    StartToFinish,
}

impl DepKind {
    /// The kind written as `after X` / `after start of X` (`finish` false)
    /// or `finish after X` / `finish after start of X` (`finish` true).
    pub fn from_words(finish: bool, start_of: bool) -> DepKind {
        match (finish, start_of) {
            (false, false) => DepKind::FinishToStart,
            (false, true) => DepKind::StartToStart,
            (true, false) => DepKind::FinishToFinish,
            (true, true) => DepKind::StartToFinish,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Dependency {
    pub kind: DepKind,
    pub target: Reference,
    /// Positive lag or negative lead. Boxed, as it is rare.
    pub lag: Option<Box<(bool, Duration)>>,
    pub span: Span,
}

/// One attribute line such as `effort 3d`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attr {
    pub value: AttrValue,
    pub keyword: Span,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AttrValue {
    Start(Moment),
    Deadline(Moment),
    Now(Moment),
    Currency(Ident),
    Calendar(Reference),
    Budget(Number),
    Note(Box<Text>),
    Workdays(Vec<DayItem>),
    Hours(Box<[DayItem]>, Box<[TimeRange]>),
    Holiday(DateSpan, Option<Box<Text>>),
    Role(Box<Text>),
    Units(Number),
    Capacity(Percent),
    Rate(Rate),
    Off(DateSpan, Option<Box<Text>>),
    Effort(Duration),
    Duration(Duration),
    Elapsed(Duration),
    Assign(AssignList),
    After(Vec<Dependency>),
    NotBefore(Moment),
    Priority(Number),
    Progress(Percent),
    Range(Box<Duration>, Box<Duration>),
    Cost(Number),
    Tags(Vec<Ident>),
    Date(Moment),
    Chance(Percent),
    Delay(Duration),
    Affects(Vec<Reference>),
    Owner(Reference),
    Response(Box<Text>),
    Status(Ident),
    Raised(Moment),
    /// When a task actually finished, or a milestone was reached.
    Finished(Moment),
    /// When a task actually started.
    Started(Moment),
    /// Work or length still to do after the status date.
    Remaining(Duration),
    /// Actual cost so far.
    Spent(Number),
    /// A level-of-effort task's range: `during FROM..TO`.
    During(Box<Reference>, Box<Reference>),
    Severity(Ident),
    Resolution(Box<Text>),
    Members(Vec<Reference>),
    /// An attribute whose value was reported as invalid while parsing; kept
    /// so that later checks do not also call it missing.
    Invalid(&'static str),
}

// `AttrValue::kind` and `AttrValue::keyword` are in `super::keywords`,
// with the table they read.

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_reference_has_no_names() {
        let file = crate::source::FileId(0);
        let empty = Reference {
            text: Box::default(),
            span: Span::new(file, 4, 9),
        };
        assert_eq!(empty.len(), 0);
        assert!(empty.name_at(0).is_none());
        assert_eq!((empty.prefix(), empty.last_name()), ("", ""));
        let one = Reference {
            text: "a".into(),
            span: Span::new(file, 4, 5),
        };
        assert_eq!(one.len(), 1);
        assert_eq!(one.name_at(0), Some(("a", Span::new(file, 4, 5))));
    }

    /// A 100k-task plan holds about four of these per task: growing them
    /// costs memory on every plan (see the module docs).
    #[test]
    fn nodes_stay_small() {
        assert!(std::mem::size_of::<Item>() <= 64);
        assert!(std::mem::size_of::<Attr>() <= 64);
        assert!(std::mem::size_of::<AttrValue>() <= 40);
        assert!(std::mem::size_of::<Decl>() <= 88);
        assert!(std::mem::size_of::<Dependency>() <= 56);
        assert!(std::mem::size_of::<AssignItem>() <= 64);
        assert!(std::mem::size_of::<Ident>() <= 32);
        assert!(std::mem::size_of::<Reference>() <= 32);
    }
}
