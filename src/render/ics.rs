//! An iCalendar file (RFC 5545) of milestones and tasks, for calendar
//! subscriptions (docs/interchange.md, "Exporting iCalendar").
//!
//! Written by hand, not with the `icalendar` crate: that crate stamps
//! every event with the clock and a random UID unless told otherwise and
//! brings chrono and uuid along, while this file must be byte-identical
//! from run to run with UIDs derived from the plan. What RFC 5545 asks of
//! a writer is small and all here: CRLF line ends, lines folded at 75
//! octets (never inside a UTF-8 character), TEXT escaping.
//!
//! Times are floating local times (no `TZID`, no `Z`): plans have civil
//! times with no time zone (spec section 3), and a floating time is shown
//! at that clock time wherever the reader is, as the plan means it.

use super::json::hours;
use super::Input;
use crate::check::{Resource, Task, TaskKind};
use crate::schedule::TaskSchedule;
use crate::units::{Day, Minutes, Moment};

/// Which tasks become events besides the milestones (`--ics-tasks`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tasks {
    /// Tasks without children (the default): the work people do.
    #[default]
    Leaves,
    /// Leaves and groups.
    All,
    /// Milestones alone.
    None,
}

/// How the calendar is made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub tasks: Tasks,
}

/// The whole plan's calendar with the default options.
pub fn render(input: &Input<'_>) -> String {
    render_with(input, Options::default())
}

/// The whole plan's calendar: milestones, and the tasks `options` asks for.
pub fn render_with(input: &Input<'_>, options: Options) -> String {
    let title = &input.model.project.title;
    let mut calendar = Calendar::new(title, stamp(input));
    let uids = Uids::new(title);
    for (task, s) in tasks(input) {
        if is_shown(task.kind, options.tasks) {
            calendar.event(input, task, s, &uids.task(&task.path));
        }
    }
    calendar.finish()
}

/// One calendar per resource, in the model's order: the resource's id
/// (a file name: ids are ASCII letters, digits and `_`) and the calendar
/// of the tasks it is booked on. The tasks are sorted to their resources
/// in one pass over the bookings, so many resources cost no more than few.
pub fn per_resource(input: &Input<'_>) -> Vec<(String, String)> {
    let model = input.model;
    let mut booked: Vec<Vec<usize>> = vec![Vec::new(); model.resources.len()];
    for (i, s) in input.schedule.tasks.iter().enumerate() {
        for b in &s.bookings {
            let tasks = &mut booked[b.resource.index()];
            // A resource booked twice on one task (two `assign` lines) is
            // one event.
            if tasks.last() != Some(&i) {
                tasks.push(i);
            }
        }
    }
    model
        .resources
        .iter()
        .zip(booked)
        .map(|(resource, tasks)| (resource.id.clone(), for_resource(input, resource, &tasks)))
        .collect()
}

/// The calendar of `tasks` (indexes), booked on `resource`. Its UIDs
/// differ from the whole plan's (the resource is part of them), so that a
/// person subscribed to both calendars does not get two events with one
/// UID.
fn for_resource(input: &Input<'_>, resource: &Resource, tasks: &[usize]) -> String {
    let model = input.model;
    let name = format!("{} \u{2013} {}", model.project.title, resource.name);
    let mut calendar = Calendar::new(&name, stamp(input));
    let uids = Uids::new(&model.project.title);
    for &i in tasks {
        let task = &model.tasks[i];
        let uid = uids.booking(&task.path, &resource.id);
        calendar.event(input, task, &input.schedule.tasks[i], &uid);
    }
    calendar.finish()
}

fn tasks<'a>(input: &Input<'a>) -> impl Iterator<Item = (&'a Task, &'a TaskSchedule)> {
    input.model.tasks.iter().zip(&input.schedule.tasks)
}

fn is_shown(kind: TaskKind, tasks: Tasks) -> bool {
    match kind {
        TaskKind::Milestone => true,
        TaskKind::Leaf => tasks != Tasks::None,
        TaskKind::Group => tasks == Tasks::All,
    }
}

/// `DTSTAMP`: the status date, else the project start, written as UTC
/// (RFC 5545 wants UTC there). The clock would change the file on every
/// build; the status date moves when the plan is brought up to date,
/// which is when its events change.
fn stamp(input: &Input<'_>) -> Moment {
    let project = &input.model.project;
    project.now.unwrap_or(project.start)
}

/// UIDs from the plan's title and a task's full dotted id: the same on
/// every build and after edits that rename nothing, so a subscribed
/// calendar updates its events instead of adding new ones.
struct Uids {
    /// `website-relaunch-1a2b3c4d.planc`: the title made readable, and a
    /// hash of the exact title so that titles that read alike differ.
    domain: String,
}

impl Uids {
    fn new(title: &str) -> Uids {
        Uids {
            domain: format!("{}-{:08x}.planc", slug(title), fnv1a(title.as_bytes())),
        }
    }

    fn task(&self, path: &str) -> String {
        format!("{path}@{}", self.domain)
    }

    fn booking(&self, path: &str, resource: &str) -> String {
        format!("{path}/{resource}@{}", self.domain)
    }
}

/// Lower-case ASCII letters and digits, other runs as one `-`, at most 40
/// characters; `plan` when nothing is left.
fn slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "plan".to_string()
    } else {
        slug.to_string()
    }
}

/// 32-bit FNV-1a: a hash whose value is fixed by its definition, unlike
/// the standard library's, which may change between Rust releases and
/// with it every UID.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash: u32, &b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The calendar being written.
struct Calendar {
    out: String,
    /// The `DTSTAMP` line, the same in every event.
    stamp: String,
}

impl Calendar {
    fn new(name: &str, stamp: Moment) -> Calendar {
        let mut calendar = Calendar {
            out: String::new(),
            stamp: format!("DTSTAMP:{}Z", date_time(stamp)),
        };
        calendar.line("BEGIN:VCALENDAR");
        calendar.line("VERSION:2.0");
        calendar.line("PRODID:-//planc//planc//EN");
        calendar.line("CALSCALE:GREGORIAN");
        calendar.line("METHOD:PUBLISH");
        calendar.text("X-WR-CALNAME", name);
        calendar
    }

    fn event(&mut self, input: &Input<'_>, task: &Task, s: &TaskSchedule, uid: &str) {
        self.line("BEGIN:VEVENT");
        self.text("UID", uid);
        fold_into(&mut self.out, &self.stamp);
        self.span(s.start, s.end);
        self.text("SUMMARY", task.title());
        self.text("DESCRIPTION", &description(input, task, s));
        let categories = categories(task, s);
        if !categories.is_empty() {
            let escaped: Vec<String> = categories.iter().map(|c| escape(c)).collect();
            self.line(&format!("CATEGORIES:{}", escaped.join(",")));
        }
        // A task spans weeks; it must not make its people look busy in
        // free/busy lookups for all of them.
        self.line("TRANSP:TRANSPARENT");
        self.line("END:VEVENT");
    }

    /// `DTSTART` and `DTEND`. A moment at midnight with nothing after it
    /// (a milestone on a date) is an all-day event of that date; a moment
    /// within a day is a timed event without `DTEND`, which RFC 5545 reads
    /// as ending when it starts (a `DTEND` must be later than `DTSTART`).
    fn span(&mut self, start: Moment, end: Moment) {
        if end > start {
            self.line(&format!("DTSTART:{}", date_time(start)));
            self.line(&format!("DTEND:{}", date_time(end)));
        } else if start.minute_of_day() == 0 {
            let day = start.day();
            self.line(&format!("DTSTART;VALUE=DATE:{}", date(day)));
            self.line(&format!("DTEND;VALUE=DATE:{}", date(Day(day.0 + 1))));
        } else {
            self.line(&format!("DTSTART:{}", date_time(start)));
        }
    }

    /// A property whose value is TEXT, escaped.
    fn text(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{}", escape(value)));
    }

    /// One content line, folded, with its CRLF.
    fn line(&mut self, line: &str) {
        fold_into(&mut self.out, line);
    }

    fn finish(mut self) -> String {
        self.line("END:VCALENDAR");
        self.out
    }
}

/// What a reader of the event wants to know about the task.
fn description(input: &Input<'_>, task: &Task, s: &TaskSchedule) -> String {
    let model = input.model;
    let mut lines = vec![format!("Task: {}", task.path)];
    if let Some(parent) = task.parent {
        lines.push(format!("In: {}", model.task(parent).title()));
    }
    // Only work someone does: a `duration` task without people has none.
    if s.work > Minutes::ZERO {
        lines.push(format!("Effort: {} h", hours(s.work)));
    }
    if !s.bookings.is_empty() {
        let names: Vec<&str> = s
            .bookings
            .iter()
            .map(|b| model.resource(b.resource).name.as_str())
            .collect();
        lines.push(format!("Assigned: {}", names.join(", ")));
    }
    lines.push(format!("Progress: {}", s.progress));
    let slack = format!("Slack: {} h", hours(s.slack));
    lines.push(if s.critical {
        format!("{slack} (on the critical path)")
    } else {
        slack
    });
    if let Some(note) = &task.details().note {
        lines.push(String::new());
        lines.push(note.clone());
    }
    lines.join("\n")
}

/// `milestone`, `critical` when it is, then the task's tags.
fn categories(task: &Task, s: &TaskSchedule) -> Vec<String> {
    let mut categories = Vec::new();
    if task.kind == TaskKind::Milestone {
        categories.push("milestone".to_string());
    }
    if s.critical {
        categories.push("critical".to_string());
    }
    categories.extend(task.details().tags.iter().cloned());
    categories
}

/// `YYYYMMDD`.
fn date(day: Day) -> String {
    match day.to_date() {
        Some(d) => format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()),
        // Beyond jiff's years (not a plan a person wrote): the last day
        // iCalendar can hold, rather than an invalid file.
        None => "99991231".to_string(),
    }
}

/// `YYYYMMDDTHHMMSS`, a floating local time.
fn date_time(m: Moment) -> String {
    let minute = m.minute_of_day();
    format!("{}T{:02}{:02}00", date(m.day()), minute / 60, minute % 60)
}

/// TEXT as RFC 5545 (3.3.11) escapes it: `\\`, `\;`, `\,` and `\n` for a
/// line break. Other control characters are not allowed in TEXT and
/// become spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            // CRLF is one line break.
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Most octets on a line, CRLF not counted (RFC 5545 3.1).
const LINE_OCTETS: usize = 75;

/// Appends `line` folded at [`LINE_OCTETS`]: each continuation starts with
/// a space (which counts), and no fold splits a UTF-8 character.
pub fn fold_into(out: &mut String, line: &str) {
    let mut rest = line;
    let mut room = LINE_OCTETS;
    loop {
        if rest.len() <= room {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = LINE_OCTETS - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        fold_into(&mut out, line);
        out
    }

    #[test]
    fn short_lines_are_not_folded() {
        assert_eq!(folded("SUMMARY:Go live"), "SUMMARY:Go live\r\n");
        let exactly = "X".repeat(75);
        assert_eq!(folded(&exactly), format!("{exactly}\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_with_a_space() {
        let line = "D".repeat(200);
        let out = folded(&line);
        let physical: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(physical.iter().all(|l| l.len() <= 75), "{physical:?}");
        assert!(physical[1..].iter().all(|l| l.starts_with(' ')));
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
    }

    #[test]
    fn folding_never_splits_a_character() {
        // 'é' is two octets, '🚀' four: every cut falls inside some of them.
        for prefix in 0..8 {
            let line = format!("{}{}", "a".repeat(prefix), "é🚀".repeat(40));
            let out = folded(&line);
            for physical in out.split("\r\n") {
                assert!(physical.len() <= 75);
            }
            assert_eq!(out.replace("\r\n ", ""), format!("{line}\r\n"));
        }
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(escape("crlf\r\nend"), "crlf\\nend");
        assert_eq!(escape("bell\u{7}"), "bell ");
    }

    #[test]
    fn uids_are_readable_and_fixed() {
        let uids = Uids::new("Website relaunch");
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c_292c);
        assert!(uids
            .task("discovery.signoff")
            .starts_with("discovery.signoff@website-relaunch-"));
        assert_ne!(
            Uids::new("Web site").domain,
            Uids::new("web-site").domain,
            "titles that read alike still differ"
        );
        assert_eq!(slug("🚀"), "plan");
    }
}
