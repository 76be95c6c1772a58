//! Hover: on a task, what the scheduler computed for it (dates, work,
//! who, slack, critical or not, what drives its start); on a resource, its
//! load and over-allocation; on a keyword, its line of the language
//! reference (`docs/language.md`, the one place the words are explained).

use super::analysis::Analysis;
use super::index::Symbol;
use super::{reply, Refusal, Server};
use crate::check::{Model, ResourceId, TaskId, TaskKind, WorkKind};
use crate::diagnostic::codes;
use crate::schedule::Schedule;
use crate::source::FileId;
use crate::syntax::ast::DeclKind;
use crate::units::{Minutes, Moment};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use serde_json::Value;

/// The language reference, read when planc is built.
const REFERENCE: &str = include_str!("../../docs/language.md");

pub fn hover(server: &Server, params: HoverParams) -> Result<Value, Refusal> {
    let place = params.text_document_position_params;
    let Some((analysis, file, offset)) = server.at(&place.text_document.uri, place.position) else {
        return reply(Value::Null);
    };
    let text = match analysis.index.spot_at(file, offset) {
        Some(spot) => symbol_text(analysis, spot.symbol),
        None => keyword_text(analysis, file, offset),
    };
    reply(text.map(|value| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: None,
    }))
}

fn symbol_text(analysis: &Analysis, symbol: usize) -> Option<String> {
    let s = analysis.index.symbols.get(symbol)?;
    let heading = heading(s);
    let body = match (
        &analysis.compiled.model,
        &analysis.compiled.schedule,
        analysis.task_of(symbol),
        analysis.resource_of(symbol),
    ) {
        (Some(model), Some(schedule), Some(task), _) => task_text(model, schedule, task),
        (Some(model), Some(schedule), _, Some(resource)) => {
            resource_text(analysis, model, schedule, resource)
        }
        _ if matches!(
            s.kind,
            DeclKind::Task | DeclKind::Milestone | DeclKind::Resource
        ) =>
        {
            "_not scheduled: the plan has errors_".to_string()
        }
        _ => String::new(),
    };
    Some(if body.is_empty() {
        heading
    } else {
        format!("{heading}\n\n{body}")
    })
}

fn heading(s: &Symbol) -> String {
    let kind = if s.is_group {
        "group"
    } else {
        s.kind.keyword()
    };
    match &s.title {
        Some(title) => format!("**{kind}** `{}` — {title}", s.path),
        None => format!("**{kind}** `{}`", s.path),
    }
}

/// A task's computed start and end, work, assignees, slack, criticality
/// and driver, one line each.
pub fn task_text(model: &Model, schedule: &Schedule, id: TaskId) -> String {
    let task = model.task(id);
    let Some(s) = schedule.tasks.get(id.index()) else {
        return String::new();
    };
    let day = model.day_minutes();
    let mut lines = Vec::new();
    if task.kind == TaskKind::Milestone {
        lines.push(format!("date: {}", s.start.describe()));
    } else {
        lines.push(format!(
            "start: {} · end: {}",
            s.start.describe(),
            s.end.describe_as_end()
        ));
    }
    if let Some(work) = task.work {
        let word = match work.kind {
            WorkKind::Effort => "effort",
            WorkKind::Duration => "duration",
            WorkKind::Elapsed => "elapsed",
        };
        lines.push(format!("{word}: {}", in_days(work.minutes, day)));
    } else if task.is_group() {
        lines.push(format!("work: {}", in_days(s.work, day)));
    }
    let who: Vec<&str> = s
        .bookings
        .iter()
        .map(|b| model.resource(b.resource).name.as_str())
        .collect();
    if !who.is_empty() {
        lines.push(format!("assigned: {}", who.join(", ")));
    }
    let critical = if s.critical { " · **critical**" } else { "" };
    lines.push(format!("slack: {}{critical}", in_days(s.slack, day)));
    if let Some(driver) = s.driver {
        lines.push(format!(
            "start driven by: {}",
            crate::render::view::driver_text(model, driver)
        ));
    }
    lines.join("  \n")
}

fn resource_text(
    analysis: &Analysis,
    model: &Model,
    schedule: &Schedule,
    id: ResourceId,
) -> String {
    let resource = model.resource(id);
    let Some(used) = schedule.resources.get(id.index()) else {
        return String::new();
    };
    let day = model.day_minutes();
    let mut lines = vec![format!(
        "load: {} booked of {} available ({:.0}%)",
        in_days(used.booked, day),
        in_days(used.available, day),
        used.utilisation() * 100.0
    )];
    let tasks = schedule
        .tasks
        .iter()
        .filter(|t| t.bookings.iter().any(|b| b.resource == id))
        .count();
    lines.push(format!("tasks: {tasks}"));
    let over = analysis
        .compiled
        .diagnostics
        .iter()
        .filter(|d| d.code == codes::OVERALLOCATED)
        .filter(|d| d.primary.as_ref().is_some_and(|l| l.span == resource.span))
        .count();
    lines.push(if over == 0 {
        "not over-allocated".to_string()
    } else {
        format!("**over-allocated** {over} time(s) (see the warnings)")
    });
    lines.join("  \n")
}

/// Working minutes as days of the project calendar (`2.5d`), or hours
/// below a day (`4h`).
pub fn in_days(minutes: Minutes, day: Minutes) -> String {
    if minutes.0.abs() < day.0.max(1) && minutes.0 != 0 {
        return format!("{}h", trim(minutes.0 as f64 / 60.0));
    }
    format!("{}d", trim(minutes.0 as f64 / day.0.max(1) as f64))
}

fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `Mar 3`: a short date for hints; an end at midnight is the day before.
pub fn short_date(moment: Moment, is_end: bool) -> String {
    let day = if is_end && moment.minute_of_day() == 0 {
        crate::units::Day(moment.day().0 - 1)
    } else {
        moment.day()
    };
    day.to_date()
        .map_or_else(|| moment.to_iso(), |d| d.strftime("%b %-d").to_string())
}

fn keyword_text(analysis: &Analysis, file: FileId, offset: usize) -> Option<String> {
    let (source, _) = analysis.source(file)?;
    let word = word_at(&source.text, offset)?;
    let keyword = crate::syntax::keywords::find(word)?;
    let context = analysis.index.innermost(file, offset).map(|s| s.kind);
    let line = reference_line(keyword.word, context)?;
    Some(format!("**{}** — {line}", keyword.word))
}

/// The identifier-like word around byte `offset`.
pub fn word_at(text: &str, offset: usize) -> Option<&str> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    (start < end).then(|| &text[start..end])
}

/// The reference's line for `word`: for a declaration keyword, the first
/// sentence of its section; for an attribute, its row in the table of the
/// declaration it is written in (else the first table that has it).
pub fn reference_line(word: &str, context: Option<DeclKind>) -> Option<String> {
    let sections = sections();
    let declares = crate::syntax::keywords::find(word)
        .and_then(|k| k.declares.kind())
        .is_some();
    let in_context = context.map(|k| k.keyword());
    if declares && context.is_none() {
        if let Some(line) = sections
            .iter()
            .find(|(title, _)| section_names(title, word))
            .and_then(|(_, body)| first_sentence(body))
        {
            return Some(line);
        }
    }
    let row_in = |body: &str| table_row(body, word);
    let preferred = in_context.and_then(|k| {
        sections
            .iter()
            .filter(|(title, _)| section_names(title, k))
            .find_map(|(_, body)| row_in(body))
    });
    preferred
        .or_else(|| {
            sections
                .iter()
                .filter(|(title, _)| !title.contains("Which attribute"))
                .find_map(|(_, body)| row_in(body))
        })
        .or_else(|| {
            sections
                .iter()
                .find(|(title, _)| section_names(title, word))
                .and_then(|(_, body)| first_sentence(body))
        })
}

/// The reference's numbered sections (`## 8. task and group` and its
/// subsections as one), title and text.
fn sections() -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    let mut rest = REFERENCE;
    while let Some(at) = rest.find("\n## ") {
        let after = &rest[at + 4..];
        let title_end = after.find('\n').unwrap_or(after.len());
        let body_end = after[title_end..]
            .find("\n## ")
            .map_or(after.len(), |e| title_end + e);
        out.push((&after[..title_end], &after[title_end..body_end]));
        rest = &after[body_end..];
    }
    out
}

/// Whether a section title (`8. task and group`) is about `word`.
fn section_names(title: &str, word: &str) -> bool {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .skip(1)
        .any(|w| w == word)
}

fn first_sentence(body: &str) -> Option<String> {
    let paragraph = body
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with("```") && !p.starts_with('|'))?;
    let joined = paragraph.replace('\n', " ");
    let end = joined.find(". ").map_or(joined.len(), |e| e + 1);
    Some(joined[..end].to_string())
}

/// `| \`effort DURATION\` | amount of work ... |` as "`effort DURATION`:
/// amount of work ...".
fn table_row(body: &str, word: &str) -> Option<String> {
    body.lines().find_map(|line| {
        let cells: Vec<&str> = line
            .trim()
            .strip_prefix('|')?
            .strip_suffix('|')?
            .split('|')
            .map(str::trim)
            .collect();
        let first = cells.first()?;
        let names = first.trim_matches('`');
        let matches = first.starts_with('`')
            && names
                .split(['`', ',', ' '])
                .find(|w| !w.is_empty())
                .is_some_and(|w| w == word);
        let rest: Vec<&str> = cells[1..]
            .iter()
            .copied()
            .filter(|c| !c.is_empty())
            .collect();
        (matches && !rest.is_empty() && rest.iter().any(|c| *c != "x"))
            .then(|| format!("{first}: {}", rest.join(" — ")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_read_their_row_in_the_context_table() {
        let line = reference_line("effort", Some(DeclKind::Task)).unwrap();
        assert!(line.contains("amount of work"), "{line}");
        let start = reference_line("start", Some(DeclKind::Task)).unwrap();
        assert!(start.contains("fixed start"), "{start}");
        let project = reference_line("start", Some(DeclKind::Project)).unwrap();
        assert!(project.contains("required"), "{project}");
    }

    #[test]
    fn declaration_keywords_read_their_section() {
        let line = reference_line("milestone", None).unwrap();
        assert!(!line.is_empty());
    }

    #[test]
    fn words_are_found_around_an_offset() {
        assert_eq!(word_at("  effort 3d", 4), Some("effort"));
        assert_eq!(word_at("  effort 3d", 8), Some("effort"));
        assert_eq!(word_at("a  b", 2), None);
        assert_eq!(word_at("é x", 1), None);
    }

    #[test]
    fn durations_read_in_days_or_hours() {
        assert_eq!(in_days(Minutes(480 * 5 / 2), Minutes(480)), "2.5d");
        assert_eq!(in_days(Minutes(240), Minutes(480)), "4h");
        assert_eq!(in_days(Minutes(0), Minutes(480)), "0d");
    }
}
