//! Outputs, one module per format, all drawn from a checked model and its
//! schedule.

pub mod csv;
pub mod html;
pub mod ics;
pub mod json;
pub mod markdown;
pub mod mermaid;
pub mod mspdi;
pub mod view;

use crate::check::Model;
use crate::diagnostic::Diagnostic;
use crate::schedule::Schedule;
use crate::source::SourceMap;

/// The output formats of `planc build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
    Mermaid,
    Markdown,
    /// A CSV task table (RFC 4180).
    Csv,
    /// An iCalendar file (RFC 5545) of milestones and tasks.
    Ics,
    /// MS Project XML (MSPDI).
    Mspdi,
}

impl Format {
    /// The format an output file's extension asks for.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext {
            "json" => Some(Format::Json),
            "html" | "htm" => Some(Format::Html),
            "mmd" | "mermaid" => Some(Format::Mermaid),
            "md" | "markdown" => Some(Format::Markdown),
            "csv" => Some(Format::Csv),
            "ics" => Some(Format::Ics),
            "xml" => Some(Format::Mspdi),
            _ => None,
        }
    }
}

/// Everything a renderer may draw on.
pub struct Input<'a> {
    pub model: &'a Model,
    pub schedule: &'a Schedule,
    /// Warnings (a rendered plan has no errors).
    pub diagnostics: &'a [Diagnostic],
    pub sources: &'a SourceMap,
    /// Collapse groups below this depth in visual outputs (`--depth`).
    pub depth: Option<u32>,
    /// The schedule against its baseline, when there is one.
    pub tracking: Option<&'a crate::schedule::Tracking>,
}

/// How the visual outputs write what they show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// Times of day beside dates in tables and Mermaid bars (`--times`);
    /// by default they show dates alone and only tooltips and JSON keep
    /// the minutes.
    pub times: bool,
}

/// Renders in `format`, dates alone.
pub fn render(format: Format, input: &Input<'_>) -> String {
    render_styled(format, input, Style::default())
}

/// The HTML report with each task's name a link to `link(span of its
/// name)` where that gives one (`planc watch --serve --editor`).
pub fn render_html_linked(
    input: &Input<'_>,
    style: Style,
    link: &dyn Fn(crate::source::Span) -> Option<String>,
) -> String {
    let mut view = view::build(input).styled(style);
    for row in &mut view.rows {
        row.href = link(input.model.task(row.task).name_span);
    }
    html::render(&view)
}

/// Renders in `format` in `style`.
pub fn render_styled(format: Format, input: &Input<'_>, style: Style) -> String {
    let view = || view::build(input).styled(style);
    match format {
        Format::Json => json::render_tracked(
            input.model,
            input.schedule,
            input.tracking,
            input.diagnostics,
            input.sources,
        ),
        Format::Html => html::render(&view()),
        Format::Mermaid => mermaid::render(&view()),
        Format::Markdown => markdown::render(&view()),
        Format::Csv => csv::render(input),
        Format::Ics => ics::render(input),
        Format::Mspdi => mspdi::render(input),
    }
}
