//! Edits the server proposes: quick fixes from the repairs diagnostics
//! carry (a misspelt name replaced by the suggestion, a missing `}`
//! added), and formatting through `planc fmt`'s library code.

use super::{reply, Refusal, Server};
use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, DocumentFormattingParams,
    Range, TextEdit, WorkspaceEdit,
};
use serde_json::Value;
use std::collections::HashMap;

pub fn code_actions(server: &Server, params: CodeActionParams) -> Result<Value, Refusal> {
    let uri = params.text_document.uri;
    let Some((analysis, file)) = server.locate(&uri) else {
        return reply(Vec::<CodeActionOrCommand>::new());
    };
    let Some((source, lines)) = analysis.source(file) else {
        return reply(Vec::<CodeActionOrCommand>::new());
    };
    let (from, to) = lines.byte_range(&source.text, params.range);
    let mut actions = Vec::new();
    for d in analysis.compiled.diagnostics.iter() {
        let Some(primary) = d.primary.as_ref().filter(|l| l.span.file == file) else {
            continue;
        };
        let touches = primary.span.start as usize <= to && from <= primary.span.end as usize;
        if !touches {
            continue;
        }
        for (title, span, replacement) in repairs(d, &source.text, file) {
            let edit = TextEdit::new(
                lines.range(&source.text, span.0, span.1),
                replacement.clone(),
            );
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(actions.is_empty()),
                ..CodeAction::default()
            }));
        }
    }
    reply(actions)
}

/// The repairs of a diagnostic in `file`: its own fixes, else the word
/// its help names when the help is "did you mean `word`?" and the primary
/// place is one word.
fn repairs(d: &Diagnostic, text: &str, file: FileId) -> Vec<(String, (usize, usize), String)> {
    let own: Vec<_> = d
        .fixes
        .iter()
        .filter(|f| f.span.file == file)
        .map(|f| {
            let at = (f.span.start as usize, f.span.end as usize);
            let title = if f.span.is_empty() {
                format!("Add `{}`", f.replacement.trim())
            } else {
                format!("Replace with `{}`", f.replacement)
            };
            (title, at, f.replacement.clone())
        })
        .collect();
    if !own.is_empty() {
        return own;
    }
    let (Some(help), Some(primary)) = (&d.help, &d.primary) else {
        return Vec::new();
    };
    let Some(word) = help
        .strip_prefix("did you mean `")
        .and_then(|rest| rest.strip_suffix("`?"))
        .filter(|w| !w.contains('`'))
    else {
        return Vec::new();
    };
    let at = (primary.span.start as usize, primary.span.end as usize);
    let written = text.get(at.0..at.1).unwrap_or("");
    if written.is_empty()
        || !written
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Vec::new();
    }
    vec![(format!("Replace with `{word}`"), at, word.to_string())]
}

/// The whole document in `planc fmt`'s layout, as one edit; no edits when
/// it has syntax errors (it is left as it is, as `planc fmt` leaves it) or
/// is formatted already.
pub fn format(server: &Server, params: DocumentFormattingParams) -> Result<Value, Refusal> {
    let uri = &params.text_document.uri;
    let Some(doc) = server.documents.get(uri) else {
        return reply(Vec::<TextEdit>::new());
    };
    let Ok(formatted) = crate::fmt::format(&doc.text) else {
        return reply(Vec::<TextEdit>::new());
    };
    if formatted == doc.text {
        return reply(Vec::<TextEdit>::new());
    }
    let whole = Range::new(
        lsp_types::Position::new(0, 0),
        doc.lines.position(&doc.text, doc.text.len()),
    );
    reply(vec![TextEdit::new(whole, formatted)])
}
