//! A CSV task table (RFC 4180), one row per task in plan order, for
//! spreadsheets and scripts (docs/interchange.md, "Exporting CSV").
//!
//! The `csv` crate does the quoting (a field with a comma, quote or line
//! break is quoted, quotes doubled) and ends rows with CRLF as RFC 4180
//! asks. The values are the JSON output's, with the same rounding, so that
//! the two never disagree; only a title that a spreadsheet would run as a
//! formula is changed (see [`defuse_formula`]).

use super::json::hours;
use super::Input;
use crate::check::{Model, Task, TaskKind};
use crate::schedule::TaskSchedule;

/// The header row: the column names, as the JSON output names its fields.
pub const COLUMNS: [&str; 12] = [
    "id",
    "title",
    "kind",
    "parent",
    "start",
    "end",
    "effort_hours",
    "assignees",
    "slack_hours",
    "critical",
    "progress",
    "cost",
];

/// The table as text: a header row, then one row per task.
pub fn render(input: &Input<'_>) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let rows = std::iter::once(COLUMNS.map(String::from)).chain(
        input
            .model
            .tasks
            .iter()
            .zip(&input.schedule.tasks)
            .map(|(task, scheduled)| row(input.model, task, scheduled)),
    );
    for record in rows {
        // Writing into a `Vec` fails only when memory does.
        if writer.write_record(&record).is_err() {
            break;
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    // Every field is a Rust string, so the bytes are UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// One task's row, in the order of [`COLUMNS`].
fn row(model: &Model, task: &Task, s: &TaskSchedule) -> [String; 12] {
    [
        task.path.to_string(),
        defuse_formula(task.title()),
        kind(task.kind).to_string(),
        task.parent
            .map(|p| model.task(p).path.to_string())
            .unwrap_or_default(),
        s.start.to_iso(),
        s.end.to_iso(),
        number(hours(s.work)),
        assignees(model, s),
        number(hours(s.slack)),
        s.critical.to_string(),
        number(f64::from(s.progress.0) / 100.0),
        number(s.cost.as_f64()),
    ]
}

/// The task kind as the JSON output words it.
fn kind(k: TaskKind) -> &'static str {
    match k {
        TaskKind::Leaf => "task",
        TaskKind::Group => "group",
        TaskKind::Milestone => "milestone",
    }
}

/// The ids of the resources booked on the task, separated by `;` (ids
/// never contain one, and a `,` would make every such cell quoted).
fn assignees(model: &Model, s: &TaskSchedule) -> String {
    let ids: Vec<&str> = s
        .bookings
        .iter()
        .map(|b| model.resource(b.resource).id.as_str())
        .collect();
    ids.join(";")
}

/// A number as a spreadsheet reads it: `40`, `12.5`, never `40.0`.
fn number(x: f64) -> String {
    format!("{x}")
}

/// A title that starts like a formula (`=`, `+`, `-`, `@`, a tab or a
/// carriage return) gets a leading `'`: Excel and LibreOffice run such a
/// cell as a formula when the file is opened (CSV injection), and the `'`
/// is how they are told to show text. Other titles are written as they are.
pub fn defuse_formula(title: &str) -> String {
    if title.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{title}")
    } else {
        title.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_other_titles_kept() {
        assert_eq!(defuse_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse_formula("-1 day"), "'-1 day");
        assert_eq!(defuse_formula("Plan = fun"), "Plan = fun");
    }

    #[test]
    fn numbers_have_no_needless_decimals() {
        assert_eq!(number(40.0), "40");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(0.0), "0");
    }
}
