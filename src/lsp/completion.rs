//! Completion: the keywords the grammar accepts at the cursor (the text
//! before it is parsed and pest's expected rules read, see
//! `syntax::complete`), kept to those the enclosing declaration takes;
//! the names in scope after `after`, `assign`, `affects`, `calendar` and
//! the like; dates and durations as snippets.

use super::analysis::Analysis;
use super::index::Space;
use super::{reply, Refusal, Server};
use crate::syntax::ast::DeclKind;
use crate::syntax::complete::expected_after;
use crate::syntax::keywords::{self, Declares};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, InsertTextFormat,
};
use serde_json::Value;

/// Most names one completion offers.
const MAX_NAMES: usize = 1_000;

pub fn complete(server: &Server, params: CompletionParams) -> Result<Value, Refusal> {
    let place = params.text_document_position;
    let Some((analysis, file, offset)) = server.at(&place.text_document.uri, place.position) else {
        return reply(Value::Null);
    };
    let Some((source, _)) = analysis.source(file) else {
        return reply(Value::Null);
    };
    let before = &source.text[..offset];
    let typed = partial_word(before);
    let before_word = &before[..before.len() - typed.len()];
    let mut items = Vec::new();
    if let Some(space) = name_context(before_word) {
        let scope = analysis
            .index
            .task_around(file, offset)
            .map(|s| s.path.clone());
        items.extend(names(analysis, space, scope.as_deref()));
    } else {
        let expected = expected_after(before_word);
        let enclosing = enclosing_declaration(before_word);
        items.extend(
            expected
                .keywords
                .iter()
                .filter(|w| fits(w, enclosing))
                .map(|w| keyword_item(w)),
        );
        if expected.date {
            items.extend(date_items(analysis));
        }
        if expected.duration {
            items.extend(duration_items(typed));
        }
    }
    reply(CompletionResponse::Array(items))
}

/// The identifier (or dotted reference, or number) being typed just
/// before the cursor.
fn partial_word(before: &str) -> &str {
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .last()
        .map_or(before.len(), |(i, _)| i);
    &before[start..]
}

/// The namespace of the names expected after `before` (which ends just
/// before the word being typed): a list of references opened by `after`,
/// `assign` and the like, right after the keyword or a comma.
pub fn name_context(before: &str) -> Option<Space> {
    let line_start = before.rfind(['\n', '{', '}', ';']).map_or(0, |i| i + 1);
    let line = &before[line_start..];
    let trimmed = line.trim_end();
    // After a complete name with no comma, a new attribute comes next.
    let last = trimmed.chars().next_back()?;
    let words: Vec<&str> = trimmed
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let opening = |w: &str| match w {
        "after" | "during" | "affects" => Some(Space::Task),
        "assign" | "owner" | "resource" => Some(Space::Resource),
        "calendar" => Some(Space::Calendar),
        _ => None,
    };
    let last_word = *words.last()?;
    if last != ',' && opening(last_word).is_none() && !matches!(last_word, "of") {
        return None;
    }
    for w in words.iter().rev() {
        if let Some(space) = opening(w) {
            return Some(space);
        }
        let part_of_a_list = w
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '%' | '+' | '-'));
        if !part_of_a_list || (keywords::find(w).is_some() && !matches!(*w, "of" | "start" | "any"))
        {
            return None;
        }
    }
    None
}

/// The keyword of the innermost declaration whose `{` is still open at the
/// end of `before` (strings and comments stepped over).
pub fn enclosing_declaration(before: &str) -> Option<DeclKind> {
    let mut stack: Vec<Option<DeclKind>> = Vec::new();
    let mut last_declaring: Option<DeclKind> = None;
    let mut chars = before.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => {
                while chars.peek().is_some_and(|(_, c)| *c != '\n') {
                    chars.next();
                }
            }
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' => stack.push(last_declaring.take()),
            '}' => {
                stack.pop();
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if !(d.is_ascii_alphanumeric() || d == '_') {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                if let Some(kind) = keywords::find(&before[i..end]).and_then(|k| k.declares.kind())
                {
                    last_declaring = Some(kind);
                }
            }
            _ => {}
        }
    }
    stack.last().copied().flatten()
}

/// Whether keyword `word` may start an item of the enclosing declaration.
fn fits(word: &str, enclosing: Option<DeclKind>) -> bool {
    let Some(kind) = enclosing else {
        return true;
    };
    let Some(keyword) = keywords::find(word) else {
        return true;
    };
    let takes = keywords::takes(kind);
    let as_attribute = keyword.attribute.is_some_and(|a| takes.contains(&a.kind));
    let as_declaration = match keyword.declares {
        Declares::Anywhere(_) => matches!(kind, DeclKind::Task | DeclKind::Milestone),
        Declares::InTeams(_) => kind == DeclKind::Team,
        _ => false,
    };
    as_attribute
        || as_declaration
        || keyword.declares == Declares::Nothing && keyword.attribute.is_none()
}

fn keyword_item(word: &str) -> CompletionItem {
    let detail =
        crate::syntax::keywords::find(word).and_then(|k| k.attribute.map(|a| a.name.to_string()));
    CompletionItem {
        label: word.to_string(),
        kind: Some(CompletionItemKind::KEYWORD),
        detail,
        ..CompletionItem::default()
    }
}

/// The names of `space` as written from inside the task `scope`: the id
/// where it reaches the task, else the full path.
fn names(analysis: &Analysis, space: Space, scope: Option<&str>) -> Vec<CompletionItem> {
    analysis
        .index
        .symbols
        .iter()
        .enumerate()
        .filter(|(_, s)| s.space() == space && Some(s.path.as_str()) != scope)
        .take(MAX_NAMES)
        .map(|(i, s)| {
            let label = match space {
                Space::Task if analysis.index.find_task(scope, s.id()) != Some(i) => s.path.clone(),
                _ => s.id().to_string(),
            };
            CompletionItem {
                label,
                kind: Some(match s.kind {
                    DeclKind::Task | DeclKind::Milestone => CompletionItemKind::FUNCTION,
                    DeclKind::Resource | DeclKind::Team => CompletionItemKind::VARIABLE,
                    _ => CompletionItemKind::CONSTANT,
                }),
                detail: Some(match &s.title {
                    Some(t) => format!("{} — {t}", s.kind.keyword()),
                    None => s.kind.keyword().to_string(),
                }),
                ..CompletionItem::default()
            }
        })
        .collect()
}

fn snippet(label: &str, text: &str, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(CompletionItemKind::SNIPPET),
        detail: Some(detail.to_string()),
        insert_text: Some(text.to_string()),
        insert_text_format: Some(InsertTextFormat::SNIPPET),
        ..CompletionItem::default()
    }
}

fn date_items(analysis: &Analysis) -> Vec<CompletionItem> {
    let mut items = vec![snippet("YYYY-MM-DD", "${1:2027}-${2:01}-${3:01}", "a date")];
    if let Some(model) = &analysis.compiled.model {
        let start = model.project.start.describe();
        items.push(snippet(&start, &start, "the project start"));
    }
    items
}

fn duration_items(typed: &str) -> Vec<CompletionItem> {
    let amount = if !typed.is_empty() && typed.chars().all(|c| c.is_ascii_digit() || c == '.') {
        typed
    } else {
        "1"
    };
    [
        ("d", "working days"),
        ("h", "hours"),
        ("w", "weeks"),
        ("min", "minutes"),
    ]
    .iter()
    .map(|(unit, what)| {
        snippet(
            &format!("{amount}{unit}"),
            &format!("${{1:{amount}}}{unit}"),
            what,
        )
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_reference_keywords_and_commas() {
        assert_eq!(name_context("task a { after "), Some(Space::Task));
        assert_eq!(name_context("task a { after b, "), Some(Space::Task));
        assert_eq!(
            name_context("task a { assign 2 qa 50%, "),
            Some(Space::Resource)
        );
        assert_eq!(
            name_context("task a { assign any of "),
            Some(Space::Resource)
        );
        assert_eq!(
            name_context("resource r { calendar "),
            Some(Space::Calendar)
        );
        assert_eq!(name_context("risk r { affects "), Some(Space::Task));
        assert_eq!(name_context("task a { after b "), None);
        assert_eq!(name_context("task a { effort "), None);
        assert_eq!(name_context("task a {\n  "), None);
    }

    #[test]
    fn the_enclosing_declaration_is_the_innermost_open_brace() {
        assert_eq!(enclosing_declaration("task a { "), Some(DeclKind::Task));
        assert_eq!(
            enclosing_declaration("team t { resource r \"R\" { "),
            Some(DeclKind::Resource)
        );
        assert_eq!(enclosing_declaration("task a { } "), None);
        assert_eq!(
            enclosing_declaration("task a { note \"} task {\" # }\n "),
            Some(DeclKind::Task)
        );
    }

    #[test]
    fn keywords_fit_the_declaration() {
        assert!(fits("effort", Some(DeclKind::Task)));
        assert!(!fits("effort", Some(DeclKind::Resource)));
        assert!(fits("rate", Some(DeclKind::Resource)));
        assert!(fits("task", Some(DeclKind::Task)));
        assert!(!fits("task", Some(DeclKind::Resource)));
        assert!(fits("project", None));
    }

    #[test]
    fn the_word_being_typed_is_taken_off() {
        assert_eq!(partial_word("after des"), "des");
        assert_eq!(partial_word("after a.b"), "a.b");
        assert_eq!(partial_word("effort 3"), "3");
        assert_eq!(partial_word("effort "), "");
    }
}
