//! Error recovery inside one broken top-level declaration.
//!
//! The grammar stops at the first error. To keep the declaration (so that
//! references to it resolve, and its other attributes are still checked),
//! the item that failed is blanked out with spaces and the declaration is
//! read again; a `{` left open at its end is closed. Blanking keeps every
//! offset, so spans still point into the original text. A blanked
//! attribute leaves an [`AttrValue::Invalid`] behind, so that later checks
//! do not call it missing.

use super::ast::*;
use super::expected::{inside_block, syntax_error};
use super::grammar::{PlanParser, Rule};
use super::hints::{foreign_keyword, misspelled_attribute};
use super::keywords::{self, Declares, Keyword};
use super::literal::Literals;
use super::lower::Lower;
use super::scan::{nesting, steps};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};
use pest::Parser;

/// Most repairs in one declaration. Each repair reports one error; past
/// this many, the declaration is given up.
const MAX_REPAIRS: usize = 20;

/// Bytes the grammar may read again while repairing the declarations of
/// one file, beyond twice the file's length: repairs cost at most a few
/// reads of the file, however many errors it has.
const REREAD_BUDGET: usize = 4 << 20;

/// What is left of a file's budget for reading declarations again.
pub(super) struct Rereads(usize);

impl Rereads {
    pub(super) fn for_file(len: usize) -> Rereads {
        Rereads(REREAD_BUDGET.max(len.saturating_mul(2)))
    }

    /// Takes `len` bytes from the budget; false when it has run out.
    fn take(&mut self, len: usize) -> bool {
        match self.0.checked_sub(len) {
            Some(left) => {
                self.0 = left;
                true
            }
            None => false,
        }
    }
}

/// Reads the declaration `text[start..end]`, reporting each syntax error
/// in it once. A declaration that cannot be repaired but names its id
/// (`resource pm "Unclosed title`) is kept as a bare declaration, so that
/// references to it are not reported unknown; `None` when it has no id.
pub(super) fn recover_declaration(
    text: &str,
    start: usize,
    end: usize,
    file: FileId,
    diags: &mut Diagnostics,
    rereads: &mut Rereads,
) -> Option<TopItem> {
    let region = Region {
        text,
        start,
        end,
        file,
    };
    repair(region, diags, rereads).or_else(|| bare_declaration(text.get(start..end)?, start, file))
}

/// One declaration's place: `text[start..end]` of `file`.
#[derive(Clone, Copy)]
struct Region<'t> {
    text: &'t str,
    start: usize,
    end: usize,
    file: FileId,
}

/// The repair loop of [`recover_declaration`].
fn repair(region: Region<'_>, diags: &mut Diagnostics, rereads: &mut Rereads) -> Option<TopItem> {
    let Region {
        text,
        start,
        end,
        file,
    } = region;
    let mut patched = text.get(start..end)?.as_bytes().to_vec();
    let mut marks: Vec<Mark> = Vec::new();
    for repairs in 0..MAX_REPAIRS {
        if repairs > 0 && !rereads.take(patched.len()) {
            return None;
        }
        // A copy: the text is patched below while the error borrows it.
        let owned = String::from_utf8(patched.clone()).ok()?;
        let chunk = owned.as_str();
        let err = match PlanParser::parse(Rule::lone_declaration, chunk) {
            Ok(pairs) => return lower(pairs, start, file, diags, &marks),
            Err(err) => err,
        };
        let pos = error_position(&err);
        if let Some(open) = open_brace_at_end(chunk, pos) {
            diags.push(never_closed(text, start, end, open, file));
            close_braces(&mut patched, chunk);
            continue;
        }
        diags.push(syntax_error(&err, chunk, start, file));
        let (from, to, mark) = bad_item(chunk, pos, expects_item(&err))?;
        if patched[from..to].iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        marks.extend(mark);
        blank(&mut patched, from, to);
    }
    None
}

/// `KEYWORD ID` of a declaration that could not be read, with nothing
/// else: its id stays known. A task gets an invalid `effort`, so that it
/// is not also reported as having no work.
fn bare_declaration(chunk: &str, base: usize, file: FileId) -> Option<TopItem> {
    let tokens = tokens(chunk);
    let (keyword, id) = (tokens.first()?, tokens.get(1)?);
    // A project needs no id, so a bare one would keep nothing.
    let kind = keywords::find(&chunk[keyword.start..keyword.end])?
        .declares
        .kind()
        .filter(|kind| *kind != DeclKind::Project)?;
    let name = &chunk[id.start..id.end];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let span = |from: usize, to: usize| Span::new(file, base + from, base + to);
    let id_span = span(id.start, id.end);
    let body: Box<[Item]> = if kind == DeclKind::Task {
        Box::new([Item::Attr(Attr {
            value: AttrValue::Invalid("effort"),
            keyword: id_span,
            span: id_span,
        })])
    } else {
        Box::default()
    };
    Some(TopItem::Decl(Decl {
        kind,
        keyword: span(keyword.start, keyword.end),
        id: Some(Ident {
            name: name.into(),
            span: id_span,
        }),
        title: None,
        body,
        has_body: false,
        span: span(keyword.start, code_end(chunk).max(id.end)),
    }))
}

/// An attribute that was blanked: where its keyword stands, where it
/// ended, and the keyword its [`AttrValue::Invalid`] carries.
struct Mark {
    keyword: (usize, usize),
    end: usize,
    word: &'static str,
}

/// Whether the grammar stood where a new item of a block was expected.
fn expects_item(err: &pest::error::Error<Rule>) -> bool {
    match &err.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => inside_block(positives),
        pest::error::ErrorVariant::CustomError { .. } => false,
    }
}

fn error_position(err: &pest::error::Error<Rule>) -> usize {
    match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

fn lower(
    pairs: pest::iterators::Pairs<'_, Rule>,
    base: usize,
    file: FileId,
    diags: &mut Diagnostics,
    marks: &[Mark],
) -> Option<TopItem> {
    let mut lower = Lower {
        lit: Literals { file, diags },
    };
    let mut item = None;
    for pair in pairs {
        if pair.as_rule() != Rule::EOI {
            item = lower.top_item(pair, base);
        }
    }
    if let Some(TopItem::Decl(decl)) = &mut item {
        for mark in marks {
            let attr = Attr {
                value: AttrValue::Invalid(mark.word),
                keyword: Span::new(file, base + mark.keyword.0, base + mark.keyword.1),
                span: Span::new(file, base + mark.keyword.0, base + mark.end),
            };
            insert_attr(decl, attr);
        }
    }
    item
}

/// Puts `attr` into the innermost declaration around it, in source order.
fn insert_attr(decl: &mut Decl, attr: Attr) {
    let at = attr.span.start;
    let mut body = std::mem::take(&mut decl.body).into_vec();
    let inner = body.iter_mut().find_map(|item| match item {
        Item::Decl(d) if d.span.start <= at && at < d.span.end => Some(d),
        _ => None,
    });
    match inner {
        Some(child) => insert_attr(child, attr),
        None => {
            let index = body.partition_point(|item| item_start(item) < at);
            body.insert(index, Item::Attr(attr));
        }
    }
    decl.body = body.into_boxed_slice();
}

fn item_start(item: &Item) -> u32 {
    match item {
        Item::Decl(d) => d.span.start,
        Item::Attr(a) => a.span.start,
    }
}

/// Replaces `bytes[from..to]` with spaces, keeping line breaks (and so
/// every line and column after it).
fn blank(bytes: &mut [u8], from: usize, to: usize) {
    for b in bytes.iter_mut().take(to).skip(from) {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

// ---------------------------------------------------------------- an unclosed `{`

/// The offset of the innermost `{` still open when the error stands at
/// the end of the declaration (only blanks and comments after it).
fn open_brace_at_end(chunk: &str, pos: usize) -> Option<usize> {
    let rest = chunk.get(pos..)?;
    if !only_blanks_and_comments(rest) {
        return None;
    }
    open_braces(chunk).last().copied()
}

fn only_blanks_and_comments(text: &str) -> bool {
    text.split('\n').all(|line| {
        let line = line.trim_start_matches([' ', '\t', '\r', '\u{FEFF}']);
        line.is_empty() || line.starts_with('#')
    })
}

/// Offsets of the `{` that are never closed in `text`, outermost first.
fn open_braces(text: &str) -> Vec<usize> {
    let mut open = Vec::new();
    for step in steps(text.as_bytes()) {
        match step.byte {
            b'{' => open.push(step.start),
            b'}' => {
                open.pop();
            }
            _ => {}
        }
    }
    open
}

/// Closes every open `{` right after the last code of `chunk`: blanks
/// there become `}` (offsets stay), or the braces are appended.
fn close_braces(patched: &mut Vec<u8>, chunk: &str) {
    let mut missing = open_braces(chunk).len();
    let code_end = code_end(chunk);
    let mut i = code_end;
    while missing > 0 && i < patched.len() && matches!(patched[i], b' ' | b'\t' | b'\n' | b'\r') {
        patched[i] = b'}';
        missing -= 1;
        i += 1;
    }
    patched.extend(std::iter::repeat_n(b'}', missing));
}

/// Just past the last character of `text` that is neither blank nor in a
/// comment.
fn code_end(text: &str) -> usize {
    steps(text.as_bytes())
        .filter(|step| !matches!(step.byte, b'#' | b' ' | b'\t' | b'\n' | b'\r'))
        .last()
        .map_or(0, |step| step.end)
}

/// "this `{` is never closed", pointing at the brace and at the end of
/// the file, where the reader found it still open.
fn never_closed(text: &str, start: usize, end: usize, open: usize, file: FileId) -> Diagnostic {
    let brace = start + open;
    let last = code_end(text).max(brace + 1);
    let last_char = text[..last].chars().next_back().map_or(1, char::len_utf8);
    let mut help = "add the `}` that ends this block".to_string();
    // Where the `}` goes: before the declaration that follows, else after
    // the last code of the file.
    let fix = if end < text.len() {
        BraceFix {
            at: end,
            text: "}\n",
        }
    } else {
        BraceFix {
            at: last,
            text: "\n}",
        }
    };
    if end < text.len() {
        let line = text[..end].matches('\n').count() + 1;
        help.push_str(&format!(
            ", before line {line} if the declaration there is not part of it"
        ));
    }
    Diagnostic::error(codes::SYNTAX, "a `{` is never closed")
        .at(
            Span::new(file, brace, brace + 1),
            "this `{` is never closed",
        )
        .also(
            Span::new(file, last - last_char, last),
            "the file ends here",
        )
        .with_help(help)
        .with_fix(Span::new(file, fix.at, fix.at), fix.text)
}

/// Where a missing `}` is inserted.
struct BraceFix {
    at: usize,
    text: &'static str,
}

// ---------------------------------------------------------------- the failing item

/// A word, a string, a brace or another single character, with the `{`
/// depth it stands at (a brace counts as outside its block).
#[derive(Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    depth: usize,
}

fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let is_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut steps = steps(bytes).peekable();
    while let Some(step) = steps.next() {
        let start = step.start;
        let mut end = step.end;
        let mut token_depth = depth;
        match step.byte {
            b'#' | b' ' | b'\t' | b'\n' | b'\r' => continue,
            b'"' => {}
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                token_depth = depth;
            }
            b if is_word(&b) => {
                end = start + bytes[start..].iter().take_while(|b| is_word(b)).count()
            }
            _ => end = start + text[start..].chars().next().map_or(1, char::len_utf8),
        }
        // The rest of a word or of a character is one step per byte.
        while steps.next_if(|step| step.start < end).is_some() {}
        out.push(Token {
            start,
            end,
            depth: token_depth,
        });
    }
    out
}

/// Words after which an attribute keyword is a value, not a new item
/// (`after start of x`, `finish after y`, `a, b`).
const CONTINUES: &[&str] = &[
    ",", "of", "after", "not", "finish", "start", "any", "before",
];

/// The byte range to blank for the error at `pos`, and the mark it
/// leaves; `None` when the error is in the declaration's own header.
fn bad_item(chunk: &str, pos: usize, expects_item: bool) -> Option<(usize, usize, Option<Mark>)> {
    let tokens = tokens(chunk);
    let text = |t: &Token| &chunk[t.start..t.end];
    let at = tokens.iter().position(|t| t.end > pos)?;
    let token = tokens[at];
    // A `}` that closes nothing goes alone.
    if text(&token) == "}" && nesting(chunk, token.start) == Ok(0) {
        return Some((token.start, token.end, None));
    }
    let depth = if text(&token) == "}" {
        token.depth + 1
    } else {
        token.depth
    };
    let starts_item = |i: usize| {
        let t = &tokens[i];
        t.depth == depth
            && keywords::item_keyword(text(t)).is_some()
            && (i == 0 || !CONTINUES.contains(&text(&tokens[i - 1])))
    };
    // `after a,` swallowed the next keyword: the comma is the mistake.
    if at >= 2
        && text(&tokens[at - 2]) == ","
        && keywords::item_keyword(text(&tokens[at - 1])).is_some()
    {
        let comma = tokens[at - 2];
        return Some((comma.start, comma.end, None));
    }
    let first = if expects_item && text(&token) != "}" {
        at
    } else {
        (0..=at)
            .rev()
            .take_while(|&i| tokens[i].depth >= depth || i == at)
            .find(|&i| starts_item(i))?
    };
    if first == 0 {
        return header_extra(chunk, &tokens, at);
    }
    let next = (first + 1..tokens.len())
        .filter(|&j| j >= at)
        .find(|&j| tokens[j].depth < depth || starts_item(j));
    let end = next.map_or(chunk.len(), |j| tokens[j].start);
    let code_end = tokens[first..next.unwrap_or(tokens.len())]
        .last()
        .map_or(end, |t| t.end);
    let first_token = tokens[first];
    let mark = intended_keyword(text(&first_token)).map(|word| Mark {
        keyword: (first_token.start, first_token.end),
        end: code_end,
        word,
    });
    Some((first_token.start, end, mark))
}

/// In a header with its keyword and id in place (`task build Build {`),
/// the extra words before the `{`, so that the declaration survives under
/// its id; `None` for any other header error.
fn header_extra(chunk: &str, tokens: &[Token], at: usize) -> Option<(usize, usize, Option<Mark>)> {
    let has_id = tokens.get(1).is_some_and(|t| {
        chunk[t.start..t.end]
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
    });
    let brace = tokens.iter().position(|t| &chunk[t.start..t.end] == "{")?;
    if !has_id || at < 2 || at >= brace {
        return None;
    }
    Some((tokens[at].start, tokens[brace].start, None))
}

/// The keyword a blanked item meant: itself, or what a TaskJuggler user
/// or a typo meant by it.
fn intended_keyword(word: &str) -> Option<&'static str> {
    match keywords::find(word) {
        // A nested declaration is not an attribute to keep.
        Some(Keyword {
            declares: Declares::Anywhere(_) | Declares::InTeams(_),
            ..
        }) => None,
        Some(Keyword {
            attribute: Some(attribute),
            ..
        }) => Some(attribute.name),
        _ => foreign_keyword(word)
            .map(|(k, _)| k)
            .or_else(|| misspelled_attribute(word)),
    }
}
