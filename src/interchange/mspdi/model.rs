//! The parts of an MSPDI file planc reads, as typed values. A value that
//! cannot be read is reported (located) and left out; elements planc does
//! not know are noted once per name.

use super::xml::Element;
use super::Diagnostics;
use crate::diagnostic::{codes, Diagnostic};
use jiff::civil::DateTime;
use rustc_hash::{FxHashMap, FxHashSet};

/// Working ranges per weekday, Monday = 0, in minutes after midnight;
/// `None` where the calendar says nothing about that day (inherited).
pub type Week = [Option<Vec<(u16, u16)>>; 7];

pub struct Project {
    pub title: String,
    pub start: DateTime,
    pub status: Option<DateTime>,
    pub currency: Option<String>,
    pub calendar: Option<i64>,
    pub minutes_per_day: i64,
    pub calendars: Vec<Calendar>,
    pub resources: Vec<Resource>,
    pub tasks: Vec<Task>,
    pub assignments: FxHashMap<i64, Vec<Assignment>>,
    /// Size of the file, for clamping spans.
    pub len: usize,
}

pub struct Calendar {
    pub uid: i64,
    pub name: String,
    pub base: Option<i64>,
    pub is_base: bool,
    pub week: Week,
    pub exceptions: Vec<Exception>,
    pub at: usize,
}

pub struct Exception {
    pub from: DateTime,
    pub to: DateTime,
    pub name: Option<String>,
    pub working: bool,
    pub at: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    Material,
    Work,
    Cost,
}

pub struct Resource {
    pub uid: i64,
    pub name: String,
    pub kind: ResourceKind,
    pub group: Option<String>,
    pub max_units: f64,
    /// Per hour, as MSPDI keeps it, and whether MS Project shows it per day.
    pub rate: Option<(f64, bool)>,
    pub calendar: Option<i64>,
    pub notes: Option<String>,
    pub at: usize,
}

pub struct Task {
    pub uid: i64,
    pub name: String,
    pub level: u32,
    pub milestone: bool,
    /// MSPDI `Type`: 0 fixed units, 1 fixed duration, 2 fixed work.
    pub fixed_duration: bool,
    pub duration: Option<i64>,
    pub elapsed: bool,
    pub work: Option<i64>,
    pub priority: Option<i64>,
    pub percent: Option<f64>,
    pub actual_start: Option<DateTime>,
    pub actual_finish: Option<DateTime>,
    /// Minutes of work and of working time still to do.
    pub remaining_work: Option<i64>,
    pub remaining_duration: Option<i64>,
    pub constraint: Option<(i64, Option<DateTime>)>,
    pub deadline: Option<DateTime>,
    pub notes: Option<String>,
    pub links: Vec<Link>,
    pub baselines: Vec<(Option<DateTime>, Option<DateTime>)>,
    pub calendar: Option<i64>,
    pub at: usize,
}

pub struct Link {
    pub predecessor: i64,
    /// 0 FF, 1 FS, 2 SF, 3 SS.
    pub kind: i64,
    /// Tenths of a minute.
    pub lag: i64,
    pub lag_format: i64,
    pub at: usize,
}

pub struct Assignment {
    pub resource: i64,
    pub units: f64,
    pub work: Option<i64>,
    pub at: usize,
}

/// Children of `Project` and of its records that planc reads or knowingly
/// passes over (computed values MS Project recalculates); any other name
/// is noted once.
const KNOWN: &[&str] = &[
    // Project
    "SaveVersion",
    "Name",
    "Title",
    "Subject",
    "Category",
    "Company",
    "Manager",
    "Author",
    "CreationDate",
    "Revision",
    "LastSaved",
    "ScheduleFromStart",
    "StartDate",
    "FinishDate",
    "FYStartDate",
    "CriticalSlackLimit",
    "CurrencyDigits",
    "CurrencySymbol",
    "CurrencyCode",
    "CurrencySymbolPosition",
    "CalendarUID",
    "DefaultStartTime",
    "DefaultFinishTime",
    "MinutesPerDay",
    "MinutesPerWeek",
    "DaysPerMonth",
    "DefaultTaskType",
    "DefaultFixedCostAccrual",
    "DefaultStandardRate",
    "DefaultOvertimeRate",
    "DurationFormat",
    "WorkFormat",
    "EditableActualCosts",
    "HonorConstraints",
    "InsertedProjectsLikeSummary",
    "MultipleCriticalPaths",
    "NewTasksEffortDriven",
    "NewTasksEstimated",
    "SplitsInProgressTasks",
    "SpreadActualCost",
    "SpreadPercentComplete",
    "TaskUpdatesResource",
    "FiscalYearStart",
    "WeekStartDay",
    "MoveCompletedEndsBack",
    "MoveRemainingStartsBack",
    "MoveRemainingStartsForward",
    "MoveCompletedEndsForward",
    "BaselineForEarnedValue",
    "AutoAddNewResourcesAndTasks",
    "StatusDate",
    "CurrentDate",
    "MicrosoftProjectServerURL",
    "Autolink",
    "NewTaskStartDate",
    "NewTasksAreManual",
    "DefaultTaskEVMethod",
    "ProjectExternallyEdited",
    "ExtendedCreationDate",
    "ActualsInSync",
    "RemoveFileProperties",
    "AdminProject",
    "UpdateManuallyScheduledTasksWhenEditingLinks",
    "KeepTaskOnNearestWorkingTimeWhenMadeAutoScheduled",
    "GUID",
    "OutlineCodes",
    "WBSMasks",
    "ExtendedAttributes",
    "Calendars",
    "Tasks",
    "Resources",
    "Assignments",
    "Views",
    "Filters",
    "Groups",
    "Tables",
    "Maps",
    "Reports",
    "Drawings",
    "DataLinks",
    "VBAProjects",
    // Calendar
    "UID",
    "IsBaseCalendar",
    "IsBaselineCalendar",
    "BaseCalendarUID",
    "WeekDays",
    "Exceptions",
    "WorkWeeks",
    // Task and resource
    "ID",
    "Active",
    "Manual",
    "Type",
    "IsNull",
    "CreateDate",
    "Contact",
    "WBS",
    "WBSLevel",
    "OutlineNumber",
    "OutlineLevel",
    "Priority",
    "Start",
    "Finish",
    "Duration",
    "ManualStart",
    "ManualFinish",
    "ManualDuration",
    "Work",
    "Stop",
    "Resume",
    "ResumeValid",
    "EffortDriven",
    "Recurring",
    "OverAllocated",
    "Estimated",
    "Milestone",
    "Summary",
    "DisplayAsSummary",
    "Critical",
    "IsSubproject",
    "IsSubprojectReadOnly",
    "SubprojectName",
    "ExternalTask",
    "ExternalTaskProject",
    "EarlyStart",
    "EarlyFinish",
    "LateStart",
    "LateFinish",
    "StartVariance",
    "FinishVariance",
    "WorkVariance",
    "FreeSlack",
    "TotalSlack",
    "StartSlack",
    "FinishSlack",
    "FixedCost",
    "FixedCostAccrual",
    "PercentComplete",
    "PercentWorkComplete",
    "Cost",
    "OvertimeCost",
    "OvertimeWork",
    "ActualStart",
    "ActualFinish",
    "ActualDuration",
    "ActualCost",
    "ActualOvertimeCost",
    "ActualWork",
    "ActualOvertimeWork",
    "RegularWork",
    "RemainingDuration",
    "RemainingCost",
    "RemainingWork",
    "RemainingOvertimeCost",
    "RemainingOvertimeWork",
    "ACWP",
    "CV",
    "ConstraintType",
    "ConstraintDate",
    "Deadline",
    "LevelAssignments",
    "LevelingCanSplit",
    "LevelingDelay",
    "LevelingDelayFormat",
    "PreLeveledStart",
    "PreLeveledFinish",
    "Hyperlink",
    "HyperlinkAddress",
    "HyperlinkSubAddress",
    "IgnoreResourceCalendar",
    "Notes",
    "HideBar",
    "Rollup",
    "BCWS",
    "BCWP",
    "PhysicalPercentComplete",
    "EarnedValueMethod",
    "PredecessorLink",
    "ActualWorkProtected",
    "ActualOvertimeWorkProtected",
    "ExtendedAttribute",
    "Baseline",
    "TimephasedData",
    "IsPublished",
    "StatusManager",
    "CommitmentStart",
    "CommitmentFinish",
    "CommitmentType",
    "DurationText",
    "StartText",
    "FinishText",
    "Initials",
    "Phonetics",
    "NTAccount",
    "MaterialLabel",
    "Code",
    "Group",
    "WorkGroup",
    "EmailAddress",
    "MaxUnits",
    "PeakUnits",
    "CanLevel",
    "AccrueAt",
    "StandardRate",
    "StandardRateFormat",
    "OvertimeRate",
    "OvertimeRateFormat",
    "CostPerUse",
    "IsGeneric",
    "IsInactive",
    "IsEnterprise",
    "BookingType",
    "ActiveDirectoryGUID",
    "IsCostResource",
    "AssnOwner",
    "AssnOwnerGuid",
    "IsBudget",
    "AvailabilityPeriods",
    "Rates",
    "SV",
    "CostVariance",
    "WorkVariance",
    "IsTeamAssignmentPool",
    "CostCenter",
    "AvailableFrom",
    "AvailableTo",
    "CalendarUID",
    "Duration",
    // Assignment
    "TaskUID",
    "ResourceUID",
    "Units",
    "Delay",
    "LevelingDelay",
    "HasFixedRateUnits",
    "FixedMaterial",
    "WorkContour",
    "RateScale",
    "Stop",
    "Resume",
    "BudgetCost",
    "BudgetWork",
    "CostRateTable",
    "Confirmed",
    "ResponsePending",
    "UpdateNeeded",
    "VAC",
    "StartVariance",
];

/// Notes each unknown child element of `parent` once per name.
struct Unknown {
    /// [`KNOWN`] as a set: every child of every task is looked up.
    known: FxHashSet<&'static str>,
    seen: FxHashSet<String>,
}

impl Unknown {
    fn check(&mut self, parent: &Element, diags: &mut Diagnostics, len: usize) {
        for child in &parent.children {
            if !self.known.contains(child.name.as_str()) && self.seen.insert(child.name.clone()) {
                let span = diags.span_at(child.at, len);
                diags.list.push(
                    Diagnostic::warning(
                        codes::MSPDI_UNKNOWN_ELEMENT,
                        format!(
                            "the element `<{}>` is not MS Project XML planc knows; skipped",
                            child.name
                        ),
                    )
                    .at(span, "skipped"),
                );
            }
        }
    }
}

/// Reads the project; `None` (with an error) when it has no start date.
pub fn read_project(root: &Element, diags: &mut Diagnostics, len: usize) -> Option<Project> {
    let mut unknown = Unknown {
        known: KNOWN.iter().copied().collect(),
        seen: FxHashSet::default(),
    };
    unknown.check(root, diags, len);
    let mut reader = Values { diags, len };
    let title = root
        .text_of("Title")
        .or_else(|| root.text_of("Name"))
        .unwrap_or("Imported project")
        .to_string();
    let calendars = root
        .child("Calendars")
        .map(|c| c.all("Calendar").map(|c| reader.calendar(c)).collect())
        .unwrap_or_default();
    let resources = root
        .child("Resources")
        .map(|r| {
            r.all("Resource")
                .filter_map(|r| {
                    unknown.check(r, reader.diags, len);
                    reader.resource(r)
                })
                .collect()
        })
        .unwrap_or_default();
    let tasks: Vec<Task> = root
        .child("Tasks")
        .map(|t| {
            t.all("Task")
                .filter_map(|t| {
                    unknown.check(t, reader.diags, len);
                    reader.task(t)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut assignments: FxHashMap<i64, Vec<Assignment>> = FxHashMap::default();
    if let Some(list) = root.child("Assignments") {
        for a in list.all("Assignment") {
            unknown.check(a, reader.diags, len);
            if let Some((task, assignment)) = reader.assignment(a) {
                assignments.entry(task).or_default().push(assignment);
            }
        }
    }
    let start = reader
        .date(root, "StartDate")
        .or_else(|| tasks.iter().filter_map(|t| t.actual_start).min());
    let Some(start) = start else {
        let span = reader.diags.span_at(root.at, len);
        reader.diags.list.push(
            Diagnostic::error(
                codes::MSPDI_NO_START,
                "the project has no `<StartDate>`: a plan needs a start",
            )
            .at(span, "in this project"),
        );
        return None;
    };
    Some(Project {
        title,
        start,
        status: reader.date(root, "StatusDate"),
        currency: root
            .text_of("CurrencyCode")
            .filter(|c| c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()))
            .map(str::to_string),
        calendar: reader.int(root, "CalendarUID"),
        minutes_per_day: reader
            .int(root, "MinutesPerDay")
            .filter(|m| (1..=1440).contains(m))
            .unwrap_or(480),
        calendars,
        resources,
        tasks,
        assignments,
        len,
    })
}

/// Reads typed values out of elements, reporting the unreadable ones.
struct Values<'d> {
    diags: &'d mut Diagnostics,
    len: usize,
}

impl Values<'_> {
    fn int(&mut self, parent: &Element, name: &str) -> Option<i64> {
        let text = parent.text_of(name)?;
        match text.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => self.bad(parent, name, "a whole number", text),
        }
    }

    fn number(&mut self, parent: &Element, name: &str) -> Option<f64> {
        let text = parent.text_of(name)?;
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Some(n),
            _ => self.bad(parent, name, "a number", text),
        }
    }

    fn flag(&mut self, parent: &Element, name: &str) -> bool {
        matches!(parent.text_of(name), Some("1") | Some("true"))
    }

    fn date(&mut self, parent: &Element, name: &str) -> Option<DateTime> {
        let text = parent.text_of(name)?;
        match parse_date_time(text) {
            Some(d) => Some(d),
            None => self.bad(
                parent,
                name,
                "a date and time like 2027-01-04T09:00:00",
                text,
            ),
        }
    }

    /// Minutes of a `PT8H30M0S` duration.
    fn duration(&mut self, parent: &Element, name: &str) -> Option<i64> {
        let text = parent.text_of(name)?;
        match parse_duration(text) {
            Some(m) => Some(m),
            None => self.bad(parent, name, "a duration like PT8H0M0S", text),
        }
    }

    fn bad<T>(&mut self, parent: &Element, name: &str, expected: &str, found: &str) -> Option<T> {
        let at = parent.child(name).map_or(parent.at, |c| c.at);
        let found: String = found.chars().take(40).collect();
        self.diags.bad_value(
            at,
            self.len,
            format!("`<{name}>` should hold {expected}, found `{found}`"),
        );
        None
    }

    fn calendar(&mut self, c: &Element) -> Calendar {
        let mut week: Week = Default::default();
        let mut exceptions = Vec::new();
        let mut old_style = Vec::new();
        for day in c
            .child("WeekDays")
            .into_iter()
            .flat_map(|w| w.all("WeekDay"))
        {
            let day_type = self.int(day, "DayType").unwrap_or(-1);
            if day_type == 0 {
                // MSPDI before 2007 kept exceptions as weekday 0.
                if let Some(e) = self.old_exception(day) {
                    old_style.push(e);
                }
                continue;
            }
            if !(1..=7).contains(&day_type) {
                continue;
            }
            // MSPDI counts from Sunday (1); planc from Monday (0).
            let index = ((day_type + 5) % 7) as usize;
            week[index] = Some(self.working_times(day));
        }
        for e in c
            .child("Exceptions")
            .into_iter()
            .flat_map(|x| x.all("Exception"))
        {
            if let Some(e) = self.exception(e) {
                exceptions.push(e);
            }
        }
        // Writers since MS Project 2007 repeat the old form beside the new
        // one; the old form counts only in files without the new.
        if exceptions.is_empty() {
            exceptions = old_style;
        }
        Calendar {
            uid: self.int(c, "UID").unwrap_or(-1),
            name: c.text_of("Name").unwrap_or("Calendar").to_string(),
            base: self.int(c, "BaseCalendarUID").filter(|b| *b >= 0),
            is_base: self.flag(c, "IsBaseCalendar"),
            week,
            exceptions,
            at: c.at,
        }
    }

    /// A weekday's working ranges; none when it is not a working day.
    fn working_times(&mut self, day: &Element) -> Vec<(u16, u16)> {
        if !self.flag(day, "DayWorking") {
            return Vec::new();
        }
        let mut ranges = Vec::new();
        for t in day
            .child("WorkingTimes")
            .into_iter()
            .flat_map(|w| w.all("WorkingTime"))
        {
            let from = t.text_of("FromTime").and_then(parse_time);
            let to = t.text_of("ToTime").and_then(parse_time);
            match (from, to) {
                // Midnight as an end is the end of the day.
                (Some(from), Some(0)) => ranges.push((from, 24 * 60)),
                (Some(from), Some(to)) if to > from => ranges.push((from, to)),
                _ => {}
            }
        }
        ranges
    }

    fn old_exception(&mut self, day: &Element) -> Option<Exception> {
        let period = day.child("TimePeriod")?;
        Some(Exception {
            from: self.date(period, "FromDate")?,
            to: self.date(period, "ToDate")?,
            name: None,
            working: self.flag(day, "DayWorking"),
            at: day.at,
        })
    }

    fn exception(&mut self, e: &Element) -> Option<Exception> {
        let period = e.child("TimePeriod")?;
        Some(Exception {
            from: self.date(period, "FromDate")?,
            to: self.date(period, "ToDate")?,
            name: e.text_of("Name").map(str::to_string),
            working: self.flag(e, "DayWorking"),
            at: e.at,
        })
    }

    fn resource(&mut self, r: &Element) -> Option<Resource> {
        let uid = self.int(r, "UID")?;
        let name = r.text_of("Name");
        if self.flag(r, "IsNull") || (uid == 0 && name.is_none()) {
            return None;
        }
        let kind = match self.int(r, "Type") {
            _ if self.flag(r, "IsCostResource") => ResourceKind::Cost,
            Some(0) => ResourceKind::Material,
            Some(2) => ResourceKind::Cost,
            _ => ResourceKind::Work,
        };
        let rate = self.number(r, "StandardRate").filter(|r| *r > 0.0);
        let per_day = r.text_of("StandardRateFormat") == Some("3");
        Some(Resource {
            uid,
            name: name.unwrap_or("Resource").to_string(),
            kind,
            group: r.text_of("Group").map(str::to_string),
            max_units: self
                .number(r, "MaxUnits")
                .filter(|u| *u > 0.0)
                .unwrap_or(1.0),
            rate: rate.map(|r| (r, per_day)),
            calendar: self.int(r, "CalendarUID").filter(|c| *c >= 0),
            notes: r.text_of("Notes").map(str::to_string),
            at: r.at,
        })
    }

    fn task(&mut self, t: &Element) -> Option<Task> {
        let uid = self.int(t, "UID")?;
        let level = self.int(t, "OutlineLevel").unwrap_or(1);
        if self.flag(t, "IsNull") || level <= 0 {
            return None;
        }
        let duration_format = self.int(t, "DurationFormat").unwrap_or(7);
        let links = t
            .all("PredecessorLink")
            .filter_map(|l| {
                Some(Link {
                    predecessor: self.int(l, "PredecessorUID")?,
                    kind: self.int(l, "Type").unwrap_or(1),
                    lag: self.int(l, "LinkLag").unwrap_or(0),
                    lag_format: self.int(l, "LagFormat").unwrap_or(7),
                    at: l.at,
                })
            })
            .collect();
        let baselines = t
            .all("Baseline")
            .map(|b| (self.date(b, "Start"), self.date(b, "Finish")))
            .collect();
        let constraint = self
            .int(t, "ConstraintType")
            .map(|kind| (kind, self.date(t, "ConstraintDate")));
        Some(Task {
            uid,
            name: t.text_of("Name").unwrap_or("Task").to_string(),
            level: u32::try_from(level).unwrap_or(u32::MAX),
            milestone: self.flag(t, "Milestone"),
            fixed_duration: t.text_of("Type") == Some("1"),
            duration: self.duration(t, "Duration"),
            elapsed: is_elapsed_format(duration_format),
            work: self.duration(t, "Work"),
            priority: self.int(t, "Priority"),
            percent: self.number(t, "PercentComplete"),
            actual_start: self.date(t, "ActualStart"),
            actual_finish: self.date(t, "ActualFinish"),
            remaining_work: self.duration(t, "RemainingWork"),
            remaining_duration: self.duration(t, "RemainingDuration"),
            constraint,
            deadline: self.date(t, "Deadline"),
            notes: t.text_of("Notes").map(str::to_string),
            links,
            baselines,
            calendar: self.int(t, "CalendarUID").filter(|c| *c >= 0),
            at: t.at,
        })
    }

    fn assignment(&mut self, a: &Element) -> Option<(i64, Assignment)> {
        let task = self.int(a, "TaskUID")?;
        let resource = self.int(a, "ResourceUID")?;
        if resource < 0 {
            return None;
        }
        Some((
            task,
            Assignment {
                resource,
                units: self.number(a, "Units").unwrap_or(1.0),
                work: self.duration(a, "Work"),
                at: a.at,
            },
        ))
    }
}

/// MSPDI's elapsed duration formats (elapsed minutes, hours, days, weeks,
/// months, percent, and their estimated forms).
pub fn is_elapsed_format(format: i64) -> bool {
    matches!(
        format,
        4 | 6 | 8 | 10 | 12 | 20 | 36 | 38 | 40 | 42 | 44 | 52
    )
}

/// `2027-01-04T09:00:00` (seconds and a fraction optional).
pub fn parse_date_time(text: &str) -> Option<DateTime> {
    text.parse::<DateTime>().ok()
}

/// Minutes after midnight of `09:00:00`.
fn parse_time(text: &str) -> Option<u16> {
    let mut parts = text.split(':');
    let h: u16 = parts.next()?.trim().parse().ok()?;
    let m: u16 = parts.next().unwrap_or("0").trim().parse().ok()?;
    (h <= 24 && m < 60)
        .then_some(h * 60 + m)
        .filter(|t| *t <= 24 * 60)
}

/// Minutes of an ISO 8601 duration as MSPDI writes it (`PT8H30M0S`,
/// `P1DT2H`, fractions allowed); seconds are rounded to the minute.
pub fn parse_duration(text: &str) -> Option<i64> {
    let rest = text.strip_prefix('-').unwrap_or(text);
    let negative = rest.len() != text.len();
    let rest = rest.strip_prefix('P')?;
    let mut total = 0f64;
    let mut number = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' | '.' => number.push(c),
            unit => {
                let n: f64 = number.parse().ok()?;
                number.clear();
                let minutes = match (unit, in_time) {
                    ('Y', false) => n * 365.0 * 1440.0,
                    ('M', false) => n * 30.0 * 1440.0,
                    ('W', false) => n * 7.0 * 1440.0,
                    ('D', false) => n * 1440.0,
                    ('H', true) => n * 60.0,
                    ('M', true) => n,
                    ('S', true) => n / 60.0,
                    _ => return None,
                };
                total += minutes;
            }
        }
    }
    if !number.is_empty() || !total.is_finite() || total > 1e12 {
        return None;
    }
    let minutes = total.round() as i64;
    Some(if negative { -minutes } else { minutes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_minutes() {
        assert_eq!(parse_duration("PT8H0M0S"), Some(480));
        assert_eq!(parse_duration("PT1H30M0S"), Some(90));
        assert_eq!(parse_duration("PT0.5H"), Some(30));
        assert_eq!(parse_duration("P1DT1H"), Some(1500));
        assert_eq!(parse_duration("PT8H0M"), Some(480));
        assert_eq!(parse_duration("8h"), None);
        assert_eq!(parse_duration("PT8"), None);
    }

    #[test]
    fn times_and_dates() {
        assert_eq!(parse_time("09:30:00"), Some(570));
        assert_eq!(parse_time("25:00:00"), None);
        assert!(parse_date_time("2027-01-04T09:00:00").is_some());
        assert!(parse_date_time("2027-13-04T09:00:00").is_none());
    }
}
