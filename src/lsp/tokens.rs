//! Semantic tokens for a whole file: keywords, strings, numbers (dates and
//! durations as numbers with a `date` or `duration` modifier, so that an
//! editor that does not know the modifiers still colours them as
//! numbers), comments, and names by what they name (from the index).

use super::analysis::Analysis;
use super::documents::LineIndex;
use super::{reply, Refusal, Server};
use crate::source::FileId;
use crate::syntax::ast::DeclKind;
use lsp_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
    SemanticTokensParams,
};
use serde_json::Value;

/// The token types, in the legend's order.
const TYPES: [SemanticTokenType; 11] = [
    SemanticTokenType::KEYWORD,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::EVENT,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::CLASS,
    SemanticTokenType::ENUM,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::PROPERTY,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Keyword,
    String,
    Number,
    Comment,
    Task,
    Milestone,
    Resource,
    Team,
    Calendar,
    Group,
    Other,
}

const DATE: u32 = 1;
const DURATION: u32 = 2;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: vec![
            SemanticTokenModifier::new("date"),
            SemanticTokenModifier::new("duration"),
        ],
    }
}

pub fn semantic_tokens(server: &Server, params: SemanticTokensParams) -> Result<Value, Refusal> {
    let Some((analysis, file)) = server.locate(&params.text_document.uri) else {
        return reply(Value::Null);
    };
    let Some((source, lines)) = analysis.source(file) else {
        return reply(Value::Null);
    };
    let raw = lex(&source.text, |start| name_kind(analysis, file, start));
    reply(SemanticTokens {
        result_id: None,
        data: encode(&source.text, lines, &raw),
    })
}

fn name_kind(analysis: &Analysis, file: FileId, start: usize) -> Option<Kind> {
    let spot = analysis.index.spot_at(file, start)?;
    if spot.span.start as usize != start {
        return None;
    }
    let s = &analysis.index.symbols[spot.symbol];
    Some(match s.kind {
        DeclKind::Task if s.is_group => Kind::Group,
        DeclKind::Task => Kind::Task,
        DeclKind::Milestone => Kind::Milestone,
        DeclKind::Resource => Kind::Resource,
        DeclKind::Team => Kind::Team,
        DeclKind::Calendar => Kind::Calendar,
        _ => Kind::Other,
    })
}

/// One token: byte range, kind, modifier bits.
type Raw = (usize, usize, Kind, u32);

/// The tokens of a text, in order. `name` says what the name starting at
/// a byte offset names, if anything.
fn lex(text: &str, name: impl Fn(usize) -> Option<Kind>) -> Vec<Raw> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        match b {
            b'#' => {
                i = memchr_newline(bytes, i);
                out.push((start, i, Kind::Comment, 0));
            }
            b'"' => {
                i = string_end(bytes, i);
                out.push((start, i, Kind::String, 0));
            }
            b'0'..=b'9' => {
                let (end, modifier) = number_end(bytes, i);
                i = end;
                out.push((start, i, Kind::Number, modifier));
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let word = &text[start..i];
                let kind = name(start)
                    .or_else(|| crate::syntax::keywords::find(word).map(|_| Kind::Keyword));
                if let Some(kind) = kind {
                    out.push((start, i, kind, 0));
                }
            }
            _ => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

/// Just past the string or text block starting at `from`.
fn string_end(bytes: &[u8], from: usize) -> usize {
    if bytes[from..].starts_with(b"\"\"\"") {
        let body = from + 3;
        return bytes[body..]
            .windows(3)
            .position(|w| w == b"\"\"\"")
            .map_or(bytes.len(), |p| body + p + 3);
    }
    let mut i = from + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Just past the number, date, time or duration at `from`, and its
/// modifier.
fn number_end(bytes: &[u8], from: usize) -> (usize, u32) {
    let digits = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = digits(from);
    let at = |i: usize| bytes.get(i).copied();
    // A date: 4 digits, `-`, 2 digits, `-`, 2 digits.
    if i - from == 4 && at(i) == Some(b'-') {
        let month = digits(i + 1);
        if month - i == 3 && at(month) == Some(b'-') {
            let day = digits(month + 1);
            if day - month == 3 {
                return (day, DATE);
            }
        }
    }
    // A time of day: `9:00`.
    if at(i) == Some(b':') {
        let minutes = digits(i + 1);
        if minutes > i + 1 {
            return (minutes, DATE);
        }
    }
    if at(i) == Some(b'.') && at(i + 1).is_some_and(|b| b.is_ascii_digit()) {
        i = digits(i + 1);
    }
    for unit in [&b"min"[..], b"h", b"d", b"w"] {
        let end = i + unit.len();
        if bytes.get(i..end) == Some(unit)
            && !at(end).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return (end, DURATION);
        }
    }
    if at(i) == Some(b'%') {
        i += 1;
    }
    (i, 0)
}

/// The protocol's relative encoding, one token per line (a text block
/// over several lines is cut at its line ends).
fn encode(text: &str, lines: &LineIndex, raw: &[Raw]) -> Vec<SemanticToken> {
    let mut out = Vec::new();
    let (mut last_line, mut last_char) = (0u32, 0u32);
    for &(start, end, kind, modifiers) in raw {
        let mut from = start;
        while from < end {
            let line_end = text[from..end].find('\n').map_or(end, |p| from + p);
            if line_end > from {
                let a = lines.position(text, from);
                let b = lines.position(text, line_end);
                let delta_line = a.line - last_line;
                let delta_start = if delta_line == 0 {
                    a.character - last_char
                } else {
                    a.character
                };
                out.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: b.character.saturating_sub(a.character),
                    token_type: type_index(kind),
                    token_modifiers_bitset: modifiers,
                });
                (last_line, last_char) = (a.line, a.character);
            }
            from = line_end + 1;
        }
    }
    out
}

fn type_index(kind: Kind) -> u32 {
    match kind {
        Kind::Keyword => 0,
        Kind::String => 1,
        Kind::Number => 2,
        Kind::Comment => 3,
        Kind::Task => 4,
        Kind::Milestone => 5,
        Kind::Resource => 6,
        Kind::Team => 7,
        Kind::Calendar => 8,
        Kind::Group => 9,
        Kind::Other => 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_told_apart() {
        let text = "task a { effort 2.5d start 2027-01-04 09:00 progress 50% } # done";
        let kinds: Vec<(&str, Kind, u32)> = lex(text, |_| None)
            .into_iter()
            .map(|(s, e, k, m)| (&text[s..e], k, m))
            .collect();
        assert!(kinds.contains(&("2.5d", Kind::Number, DURATION)));
        assert!(kinds.contains(&("2027-01-04", Kind::Number, DATE)));
        assert!(kinds.contains(&("09:00", Kind::Number, DATE)));
        assert!(kinds.contains(&("50%", Kind::Number, 0)));
        assert!(kinds.contains(&("effort", Kind::Keyword, 0)));
        assert!(kinds.contains(&("# done", Kind::Comment, 0)));
        assert!(!kinds.iter().any(|(w, _, _)| *w == "a"));
    }

    #[test]
    fn a_text_block_is_cut_at_line_ends() {
        let text = "note \"\"\"one\ntwo\"\"\"";
        let raw = lex(text, |_| None);
        let data = encode(text, &LineIndex::new(text), &raw);
        assert_eq!(data.len(), 3);
        assert_eq!((data[2].delta_line, data[2].length), (1, 6));
    }
}
