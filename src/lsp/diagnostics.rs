//! A plan's diagnostics as the editor shows them: the same codes,
//! messages, places and help as `planc check`, the secondary labels as
//! related information, grouped by file.

use super::analysis::Analysis;
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::FileId;
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range, Url,
};
use std::collections::HashMap;
use std::path::PathBuf;

/// For every file of the plan, its diagnostics (empty for a file without
/// any, so that the editor clears what it showed).
pub fn by_file(
    analysis: &Analysis,
    uris: &HashMap<PathBuf, Url>,
) -> Vec<(Url, Vec<lsp_types::Diagnostic>)> {
    let mut per_file: HashMap<FileId, Vec<lsp_types::Diagnostic>> = HashMap::new();
    let root = FileId(0);
    for d in analysis.compiled.diagnostics.iter() {
        let file = d.primary.as_ref().map_or(root, |l| l.span.file);
        per_file
            .entry(file)
            .or_default()
            .push(to_lsp(analysis, d, uris));
    }
    analysis
        .loaded
        .sources
        .files()
        .filter_map(|(id, _)| {
            let uri = analysis.uri(id, uris)?;
            Some((uri, per_file.remove(&id).unwrap_or_default()))
        })
        .collect()
}

/// The range of a label in its file.
pub fn range_of(analysis: &Analysis, label: &Label) -> Range {
    analysis
        .source(label.span.file)
        .map(|(f, lines)| lines.range(&f.text, label.span.start as usize, label.span.end as usize))
        .unwrap_or_default()
}

fn to_lsp(
    analysis: &Analysis,
    d: &Diagnostic,
    uris: &HashMap<PathBuf, Url>,
) -> lsp_types::Diagnostic {
    let range = d
        .primary
        .as_ref()
        .map(|l| range_of(analysis, l))
        .unwrap_or_default();
    let mut message = d.message.clone();
    if let Some(label) = d.primary.as_ref().filter(|l| !l.text.is_empty()) {
        message.push_str(&format!(" ({})", label.text));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|l| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(analysis.uri(l.span.file, uris)?, range_of(analysis, l)),
                message: l.text.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.0.to_string())),
        source: Some("planc".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}
