//! Moving around a plan by its names: go to definition, find references,
//! rename (across every file of the plan, refused with a reason when the
//! new name is not an identifier or is taken), the outline of a file and
//! the symbols of every open plan.

use super::analysis::Analysis;
use super::index::{Space, Symbol};
use super::{reply, Refusal, Server};
use crate::source::Span;
use crate::syntax::ast::DeclKind;
use lsp_types::*;
use serde_json::Value;
use std::collections::HashMap;

/// The location of a span of the plan.
fn location(server: &Server, analysis: &Analysis, span: Span) -> Option<Location> {
    let uri = analysis.uri(span.file, &server.uris())?;
    let (source, lines) = analysis.source(span.file)?;
    Some(Location::new(
        uri,
        lines.range(&source.text, span.start as usize, span.end as usize),
    ))
}

/// The symbol whose name is under the cursor.
fn symbol_at<'s>(
    server: &'s Server,
    place: &TextDocumentPositionParams,
) -> Option<(&'s Analysis, usize)> {
    let (analysis, file, offset) = server.at(&place.text_document.uri, place.position)?;
    let spot = analysis.index.spot_at(file, offset)?;
    Some((analysis, spot.symbol))
}

pub fn definition(server: &Server, params: GotoDefinitionParams) -> Result<Value, Refusal> {
    let found =
        symbol_at(server, &params.text_document_position_params).and_then(|(analysis, symbol)| {
            location(server, analysis, analysis.index.symbols[symbol].name_span)
        });
    reply(found.map(GotoDefinitionResponse::Scalar))
}

pub fn references(server: &Server, params: ReferenceParams) -> Result<Value, Refusal> {
    let Some((analysis, symbol)) = symbol_at(server, &params.text_document_position) else {
        return reply(Vec::<Location>::new());
    };
    let with_declaration = params.context.include_declaration;
    let found: Vec<Location> = analysis
        .index
        .spots_of(symbol)
        .filter(|s| with_declaration || !s.is_declaration)
        .filter_map(|s| location(server, analysis, s.span))
        .collect();
    reply(found)
}

pub fn prepare_rename(
    server: &Server,
    params: TextDocumentPositionParams,
) -> Result<Value, Refusal> {
    let Some((analysis, file, offset)) = server.at(&params.text_document.uri, params.position)
    else {
        return Err(Refusal::failed("this file is not part of an analysed plan"));
    };
    let Some(spot) = analysis.index.spot_at(file, offset) else {
        return Err(Refusal::failed("there is no declared name here to rename"));
    };
    let Some((source, lines)) = analysis.source(file) else {
        return reply(Value::Null);
    };
    let range = lines.range(
        &source.text,
        spot.span.start as usize,
        spot.span.end as usize,
    );
    reply(PrepareRenameResponse::RangeWithPlaceholder {
        range,
        placeholder: analysis.index.symbols[spot.symbol].id().to_string(),
    })
}

pub fn rename(server: &Server, params: RenameParams) -> Result<Value, Refusal> {
    let Some((analysis, symbol)) = symbol_at(server, &params.text_document_position) else {
        return Err(Refusal::failed("there is no declared name here to rename"));
    };
    let new_name = params.new_name.trim();
    let s = &analysis.index.symbols[symbol];
    check_new_name(analysis, s, new_name)?;
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for spot in analysis.index.spots_of(symbol) {
        if let Some(at) = location(server, analysis, spot.span) {
            changes
                .entry(at.uri)
                .or_default()
                .push(TextEdit::new(at.range, new_name.to_string()));
        }
    }
    reply(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

/// Why `new_name` cannot be the symbol's id, if it cannot.
fn check_new_name(analysis: &Analysis, s: &Symbol, new_name: &str) -> Result<(), Refusal> {
    if !is_identifier(new_name) {
        return Err(Refusal::failed(format!(
            "`{new_name}` is not a valid name: a name is a letter or `_` followed by letters, digits and `_`"
        )));
    }
    if new_name == s.id() {
        return Ok(());
    }
    let taken = match s.space() {
        Space::Task => {
            let path = match s.path.rfind('.') {
                Some(dot) => format!("{}.{new_name}", &s.path[..dot]),
                None => new_name.to_string(),
            };
            analysis.index.get(Space::Task, &path)
        }
        space => analysis.index.get(space, new_name),
    };
    if let Some(other) = taken {
        let other = &analysis.index.symbols[other];
        return Err(Refusal::failed(format!(
            "`{new_name}` is taken: a {} `{}` is declared with that name",
            other.kind.keyword(),
            other.path
        )));
    }
    Ok(())
}

/// The grammar's `ident`: a letter or `_`, then letters, digits and `_`.
pub fn is_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn symbol_kind(s: &Symbol) -> SymbolKind {
    match s.kind {
        DeclKind::Task if s.is_group => SymbolKind::NAMESPACE,
        DeclKind::Task => SymbolKind::FUNCTION,
        DeclKind::Milestone => SymbolKind::EVENT,
        DeclKind::Resource => SymbolKind::OBJECT,
        DeclKind::Team => SymbolKind::STRUCT,
        DeclKind::Calendar => SymbolKind::CONSTANT,
        DeclKind::Risk | DeclKind::Issue => SymbolKind::PROPERTY,
        DeclKind::Project => SymbolKind::MODULE,
    }
}

pub fn document_symbols(server: &Server, params: DocumentSymbolParams) -> Result<Value, Refusal> {
    let Some((analysis, file)) = server.locate(&params.text_document.uri) else {
        return reply(Vec::<DocumentSymbol>::new());
    };
    let Some((source, lines)) = analysis.source(file) else {
        return reply(Vec::<DocumentSymbol>::new());
    };
    let in_file: Vec<(usize, &Symbol)> = analysis.index.symbols_in(file).collect();
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, s) in &in_file {
        let parent = s
            .parent
            .filter(|p| analysis.index.symbols[*p].name_span.file == file);
        children.entry(parent).or_default().push(*i);
    }
    #[allow(deprecated)] // `deprecated` is a field the type still requires.
    fn build(
        at: Option<usize>,
        children: &HashMap<Option<usize>, Vec<usize>>,
        analysis: &Analysis,
        text: &str,
        lines: &super::documents::LineIndex,
    ) -> Vec<DocumentSymbol> {
        children
            .get(&at)
            .into_iter()
            .flatten()
            .map(|&i| {
                let s = &analysis.index.symbols[i];
                let nested = build(Some(i), children, analysis, text, lines);
                DocumentSymbol {
                    name: s.id().to_string(),
                    detail: s.title.clone(),
                    kind: symbol_kind(s),
                    tags: None,
                    deprecated: None,
                    range: lines.range(text, s.span.start as usize, s.span.end as usize),
                    selection_range: lines.range(
                        text,
                        s.name_span.start as usize,
                        s.name_span.end as usize,
                    ),
                    children: (!nested.is_empty()).then_some(nested),
                }
            })
            .collect()
    }
    reply(build(None, &children, analysis, &source.text, lines))
}

/// Most symbols one workspace search answers with.
const MAX_WORKSPACE_SYMBOLS: usize = 500;

pub fn workspace_symbols(server: &Server, params: WorkspaceSymbolParams) -> Result<Value, Refusal> {
    let query = params.query.to_lowercase();
    let mut found = Vec::new();
    let mut roots: Vec<_> = server.analyses.iter().collect();
    roots.sort_by(|a, b| a.0.cmp(b.0));
    for (_, analysis) in roots {
        for s in &analysis.index.symbols {
            let matches = s.path.to_lowercase().contains(&query)
                || s.title
                    .as_ref()
                    .is_some_and(|t| t.to_lowercase().contains(&query));
            if !matches {
                continue;
            }
            let Some(at) = location(server, analysis, s.name_span) else {
                continue;
            };
            #[allow(deprecated)] // `deprecated` is a field the type still requires.
            found.push(SymbolInformation {
                name: s.path.clone(),
                kind: symbol_kind(s),
                tags: None,
                deprecated: None,
                location: at,
                container_name: s.title.clone(),
            });
            if found.len() >= MAX_WORKSPACE_SYMBOLS {
                return reply(found);
            }
        }
    }
    reply(found)
}

#[cfg(test)]
mod tests {
    use super::is_identifier;

    #[test]
    fn identifiers_are_the_grammars() {
        assert!(is_identifier("build_2"));
        assert!(is_identifier("_x"));
        assert!(!is_identifier("2x"));
        assert!(!is_identifier("a.b"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("a b"));
    }
}
