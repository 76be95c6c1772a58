//! Printing diagnostics: plain rustc-style text (stable, for logs and
//! tests), miette's graphical renderer on a terminal, or JSON lines for
//! CI tools. This is the only place that knows about miette.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::SourceMap;
use std::fmt::Write as _;

/// How diagnostics are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Fancy { colour: bool },
    Json,
}

/// Renders one diagnostic in `style`.
pub fn render(d: &Diagnostic, sources: &SourceMap, style: Style) -> String {
    match style {
        Style::Plain => plain(d, sources),
        Style::Fancy { colour } => fancy(d, sources, colour),
        Style::Json => json_line(d, sources),
    }
}

/// rustc-style text with no colour.
pub fn plain(d: &Diagnostic, sources: &SourceMap) -> String {
    let mut out = format!("{}[{}]: {}\n", d.severity.as_str(), d.code, d.message);
    // Labels of one file are shown together in line order, the primary
    // label's file first.
    let mut labels: Vec<(bool, &Label)> = d
        .primary
        .iter()
        .map(|l| (true, l))
        .chain(d.secondary.iter().map(|l| (false, l)))
        .collect();
    let primary_file = d.primary.as_ref().map(|l| l.span.file);
    labels.sort_by_key(|(_, l)| (Some(l.span.file) != primary_file, l.span.file, l.span.start));
    let width = labels
        .iter()
        .filter_map(|(_, l)| {
            sources
                .get(l.span.file)
                .map(|f| f.line_col(l.span.start as usize).0)
        })
        .max()
        .map_or(1, |line| line.to_string().len());
    let pad = " ".repeat(width);
    let mut last: Option<(crate::source::FileId, usize)> = None;
    for (k, (is_primary, label)) in labels.iter().enumerate() {
        let Some(file) = sources.get(label.span.file) else {
            continue;
        };
        let (line, col) = file.line_col(label.span.start as usize);
        match last {
            Some((f, _)) if f == label.span.file => {}
            _ => {
                let arrow = if k == 0 { "-->" } else { ":::" };
                // The header names the primary place when it is in this file.
                let (hl, hc) = match &d.primary {
                    Some(p) if p.span.file == label.span.file => {
                        file.line_col(p.span.start as usize)
                    }
                    _ => (line, col),
                };
                let _ = writeln!(out, "{pad}{arrow} {}:{hl}:{hc}", file.name);
                let _ = writeln!(out, "{pad} |");
            }
        }
        if let Some((f, prev_line)) = last {
            if f == label.span.file && line > prev_line + 1 {
                let _ = writeln!(out, "{pad}...");
            }
        }
        last = Some((label.span.file, line));
        let text = file.line_text(line);
        let (end_line, end_col) = file.line_col(label.span.end as usize);
        let underline_len = if end_line == line {
            end_col.saturating_sub(col).max(1)
        } else {
            text.chars().count().saturating_sub(col - 1).max(1)
        };
        let mark = if *is_primary { "^" } else { "-" };
        let shown: String = text
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let _ = writeln!(out, "{line:>width$} | {shown}");
        let _ = writeln!(
            out,
            "{pad} | {}{} {}",
            " ".repeat(col - 1),
            mark.repeat(underline_len),
            label.text
        );
    }
    if !labels.is_empty() && d.help.is_some() {
        let _ = writeln!(out, "{pad} |");
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} = help: {help}");
    }
    out
}

/// One JSON object per line (see [`Diagnostic::to_json`]).
pub fn json_line(d: &Diagnostic, sources: &SourceMap) -> String {
    d.to_json(sources).to_string()
}

/// miette's graphical report. Labels in other files than the primary one
/// are shown as plain notes below it.
fn fancy(d: &Diagnostic, sources: &SourceMap, colour: bool) -> String {
    let Some(primary) = &d.primary else {
        return plain(d, sources);
    };
    let Some(file) = sources.get(primary.span.file) else {
        return plain(d, sources);
    };
    let mut labels = vec![miette::LabeledSpan::new_primary_with_span(
        Some(primary.text.clone()),
        to_miette(primary),
    )];
    let mut elsewhere = Vec::new();
    for l in &d.secondary {
        if l.span.file == primary.span.file {
            labels.push(miette::LabeledSpan::new_with_span(
                Some(l.text.clone()),
                to_miette(l),
            ));
        } else if let Some(f) = sources.get(l.span.file) {
            let (line, col) = f.line_col(l.span.start as usize);
            elsewhere.push(format!("{} ({}:{line}:{col})", l.text, f.name));
        }
    }
    let mut help = d.help.clone().unwrap_or_default();
    for note in elsewhere {
        if !help.is_empty() {
            help.push('\n');
        }
        help.push_str(&note);
    }
    let report = FancyDiag {
        message: d.message.clone(),
        code: d.code.0,
        severity: d.severity,
        labels,
        help: (!help.is_empty()).then_some(help),
        source: miette::NamedSource::new(file.name.clone(), file.text.clone()),
    };
    let theme = if colour {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        return plain(d, sources);
    }
    out
}

fn to_miette(l: &Label) -> miette::SourceSpan {
    (l.span.start as usize, l.span.len()).into()
}

#[derive(Debug)]
struct FancyDiag {
    message: String,
    code: &'static str,
    severity: Severity,
    labels: Vec<miette::LabeledSpan>,
    help: Option<String>,
    source: miette::NamedSource<String>,
}

impl std::fmt::Display for FancyDiag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FancyDiag {}

impl miette::Diagnostic for FancyDiag {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(format!("planc::{}", self.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// "2 errors, 1 warning".
pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems".to_string(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}
