//! Printing diagnostics: plain rustc-style text (stable, for logs and
//! tests), miette's graphical renderer on a terminal, or JSON lines for
//! CI tools. This is the only place that knows about miette.

pub use crate::diagnostic::summary;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::SourceMap;

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
    d.to_plain(sources)
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
