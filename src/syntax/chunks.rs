//! Recovery across a broken file: its top-level declarations, found by a
//! scan that knows strings, comments and braces but not the grammar, are
//! read one by one ([`super::recover`] repairs each broken one), and a
//! `}` that closes a declaration too early is reported and taken out.

use super::ast::File;
use super::descent;
use super::keywords::{self, Declares};
use super::recover::{recover_declaration, Rereads};
use super::scan::steps;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

/// Whether error recovery may read declarations with the fast reader
/// (tests compare with the grammar alone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Readers {
    Both,
    GrammarOnly,
}

/// Parses each top-level declaration on its own so that one run reports a
/// syntax error in every broken declaration, not just the first.
pub(super) fn parse_with_recovery(
    text: &str,
    file: FileId,
    diags: &mut Diagnostics,
    readers: Readers,
) -> File {
    let patched = close_late(text, file, diags);
    let text = patched.as_deref().unwrap_or(text);
    let mut items = Vec::new();
    let mut rereads = Rereads::for_file(text.len());
    for (start, end) in top_level_chunks(text) {
        let chunk = &text[start..end];
        if chunk_is_only_comments(chunk) {
            continue;
        }
        // Most declarations of a broken file are fine: read those fast.
        if readers == Readers::Both {
            if let Ok(item) = descent::read_declaration(text, start, end, file) {
                items.push(item);
                continue;
            }
        }
        // The grammar reads the rest, repairing and reporting each error.
        items.extend(recover_declaration(
            text,
            start,
            end,
            file,
            diags,
            &mut rereads,
        ));
    }
    File { items }
}

/// A `}` that closes a top-level declaration while the lines after it are
/// still indented as its content, up to a `}` that then closes nothing,
/// is one `}` too many: `task a { ... } }` on one line. Reports it and
/// returns the text without it (offsets kept), so that the declaration
/// keeps its indented lines and nothing is reported about them.
fn close_late(text: &str, file: FileId, diags: &mut Diagnostics) -> Option<String> {
    let pairs = early_closes(text);
    if pairs.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for (early, stray) in pairs {
        bytes[early] = b' ';
        let line = |at: usize| text[..at].matches('\n').count() + 1;
        diags.push(
            Diagnostic::error(codes::SYNTAX, "a `}` closes its block too early")
                .at(
                    Span::new(file, early, early + 1),
                    "this `}` ends the top-level declaration",
                )
                .also(
                    Span::new(file, stray, stray + 1),
                    "so this `}` closes nothing",
                )
                .with_help(format!(
                    "the lines after it are indented as part of the block: remove this `}}` \
                     (or the one on line {})",
                    line(stray)
                )),
        );
    }
    String::from_utf8(bytes).ok()
}

/// Pairs of (a `}` that brought the depth to 0 with only indented lines
/// after it, the `}` that then closes nothing).
fn early_closes(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut pairs = Vec::new();
    let mut depth = 0usize;
    // The first `}` of the run that brought the depth to 0, and whether an
    // indented line followed it.
    let mut candidate: Option<usize> = None;
    let mut indented = false;
    for step in steps(bytes) {
        let i = step.start;
        match step.byte {
            b'{' => depth += 1,
            b'}' => {
                if depth == 0 {
                    if let Some(early) = candidate.take().filter(|_| indented) {
                        pairs.push((early, i));
                    }
                } else {
                    depth -= 1;
                    if depth == 0 && candidate.is_none() {
                        candidate = Some(i);
                        indented = false;
                    }
                }
            }
            b'\n' => {
                let next = i + 1;
                let content = next
                    + bytes[next..]
                        .iter()
                        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
                        .count();
                match bytes.get(content) {
                    None | Some(b'\n' | b'#' | b'}') => {}
                    // A line in column 0 ends the candidate's indented run.
                    Some(_) if content == next => candidate = None,
                    Some(_) => indented = true,
                }
            }
            _ => {}
        }
    }
    pairs
}

/// Blank lines and comments only, blank as the grammar's `WHITESPACE`
/// means it (a stray U+2028 is not blank: the grammar reports it).
fn chunk_is_only_comments(chunk: &str) -> bool {
    let blank = |c: char| matches!(c, ' ' | '\t' | '\r' | '\u{FEFF}');
    chunk.split('\n').all(|line| {
        let line = line.trim_start_matches(blank);
        line.is_empty() || line.starts_with('#')
    })
}

/// Byte ranges of the top-level declarations, found by a scan that knows
/// strings, comments and braces. A line that starts in column 0 with a
/// top-level keyword also starts a new chunk, so an unclosed `{` does not
/// swallow the rest of the file.
fn top_level_chunks(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut starts = vec![0usize];
    let mut depth: usize = 0;
    let mut line_start = true;
    for step in steps(bytes) {
        let i = step.start;
        if line_start && i > 0 && starts_with_keyword(&text[i..]) {
            if *starts.last().unwrap_or(&0) != i {
                starts.push(i);
            }
            depth = 0;
        } else if depth == 0
            && step.byte.is_ascii_alphabetic()
            && is_word_start(bytes, i)
            && starts_with_keyword(&text[i..])
            && *starts.last().unwrap_or(&0) != i
            && i > 0
        {
            starts.push(i);
        }
        line_start = step.byte == b'\n';
        match step.byte {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let mut chunks = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(text.len());
        chunks.push((s, e));
    }
    chunks
}

fn is_word_start(bytes: &[u8], i: usize) -> bool {
    i == 0
        || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'.')
}

fn starts_with_keyword(rest: &str) -> bool {
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    keywords::find(&rest[..end]).is_some_and(|k| k.declares != Declares::Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_early_brace_needs_indented_lines_and_a_stray_brace_after_it() {
        let early = "task g {\n  task a { } }\n  task b { }\n}\n";
        assert_eq!(early_closes(early), [(22, 37)]);
        for fine in [
            "task g {\n  task a { }\n}\n",
            "task g {\n}\n}\n",
            "task g { }\ntask h { }\n  }\n",
            "task g { \"}\" }\n  # }\n",
        ] {
            assert_eq!(early_closes(fine), [], "{fine}");
        }
    }
}
