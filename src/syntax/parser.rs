//! Parses one file's text into the AST. A file without errors is read by
//! the fast hand-written reader ([`super::descent`]); anything else goes
//! through the pest grammar, which recovers after a syntax error so that
//! every broken declaration is reported, and whose pairs are lowered into
//! typed nodes here (literal values through [`super::literal`]).

use super::ast::*;
use super::descent::{self, Unread};
use super::expected::{expected_phrase, inside_block};
use super::grammar::{PlanParser, Rule};
use super::literal::{weekday, Lexeme, Literals};
use super::recover::{foreign_keyword, recover_declaration, Rereads};
use super::scan::{skip_string, skip_to_line_end};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use pest::Parser;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Deepest `{` nesting accepted. Bounds the recursion of the parser and of
/// every later pass over the tree.
pub const MAX_NESTING: usize = 100;

/// Parses `text` (file `file`). Returns the declarations that parsed and
/// every diagnostic found; a file with syntax errors still yields the
/// declarations around them, so names can be checked too.
pub fn parse(text: &str, file: FileId, diags: &mut Diagnostics) -> File {
    if let Some(offset) = too_deep_at(text) {
        diags.push(
            Diagnostic::error(
                codes::TOO_DEEP,
                format!("blocks are nested more than {MAX_NESTING} levels deep"),
            )
            .at(Span::new(file, offset, offset + 1), "this `{` is too deep")
            .with_help("split the work into top-level tasks and link them with `after`"),
        );
        return File { items: Vec::new() };
    }
    let unread = match descent::read(text, file) {
        Ok(tree) => return tree,
        Err(unread) => unread,
    };
    let reported = diags.len();
    let tree = match unread {
        Unread::Literal => parse_with_grammar(text, file, diags, Readers::Both),
        // The grammar would fail on the whole file too: go straight to
        // reading it declaration by declaration.
        Unread::Syntax => parse_with_recovery(text, file, diags, Readers::Both),
    };
    if diags.len() == reported {
        CLEAN_FILES_READ_SLOWLY.fetch_add(1, Ordering::Relaxed);
    }
    tree
}

/// Files without a diagnostic that the fast reader refused: each is a gap
/// in it, which the tests that hold both readers to one tree require to
/// stay at zero.
static CLEAN_FILES_READ_SLOWLY: AtomicUsize = AtomicUsize::new(0);

/// How many files without a diagnostic took the slow path in this process.
pub fn clean_files_read_slowly() -> usize {
    CLEAN_FILES_READ_SLOWLY.load(Ordering::Relaxed)
}

/// Parses `text` with the pest grammar: the definition of the language,
/// and the path that reports syntax errors.
pub(super) fn parse_with_grammar(
    text: &str,
    file: FileId,
    diags: &mut Diagnostics,
    readers: Readers,
) -> File {
    match PlanParser::parse(Rule::plan, text) {
        Ok(mut pairs) => {
            let mut lower = Lower {
                lit: Literals { file, diags },
            };
            let items = pairs
                .next()
                .map(|plan| lower.top_items(plan))
                .unwrap_or_default();
            File { items }
        }
        Err(_) => parse_with_recovery(text, file, diags, readers),
    }
}

/// Whether error recovery may read declarations with the fast reader
/// (tests compare with the grammar alone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Readers {
    Both,
    GrammarOnly,
}

/// Parses each top-level declaration on its own so that one run reports a
/// syntax error in every broken declaration, not just the first.
fn parse_with_recovery(
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
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i = skip_to_line_end(bytes, i),
            b'"' => i = skip_string(bytes, i),
            b'{' => {
                depth += 1;
                i += 1;
            }
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
                i += 1;
            }
            b'\n' => {
                i += 1;
                let content = i + bytes[i..]
                    .iter()
                    .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
                    .count();
                match bytes.get(content) {
                    None | Some(b'\n' | b'#' | b'}') => {}
                    // A line in column 0 ends the candidate's indented run.
                    Some(_) if content == i => candidate = None,
                    Some(_) => indented = true,
                }
            }
            _ => i += 1,
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

const TOP_KEYWORDS: &[&str] = &[
    "project",
    "calendar",
    "resource",
    "team",
    "task",
    "milestone",
    "risk",
    "issue",
    "include",
];

/// Byte ranges of the top-level declarations, found by a scan that knows
/// strings, comments and braces. A line that starts in column 0 with a
/// top-level keyword also starts a new chunk, so an unclosed `{` does not
/// swallow the rest of the file.
fn top_level_chunks(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut starts = vec![0usize];
    let mut depth: usize = 0;
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        let b = bytes[i];
        if line_start && i > 0 && starts_with_keyword(&text[i..]) {
            if *starts.last().unwrap_or(&0) != i {
                starts.push(i);
            }
            depth = 0;
        } else if depth == 0
            && b.is_ascii_alphabetic()
            && is_word_start(bytes, i)
            && starts_with_keyword(&text[i..])
            && *starts.last().unwrap_or(&0) != i
            && i > 0
        {
            starts.push(i);
        }
        line_start = false;
        match b {
            b'#' => i = skip_to_line_end(bytes, i),
            b'"' => i = skip_string(bytes, i),
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'\n' => {
                line_start = true;
                i += 1;
            }
            _ => i += 1,
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
    TOP_KEYWORDS.iter().any(|k| {
        rest.starts_with(k)
            && rest[k.len()..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
    })
}

/// Offset of the first `{` nested deeper than [`MAX_NESTING`], if any.
fn too_deep_at(text: &str) -> Option<usize> {
    nesting(text, text.len()).err()
}

/// Walks `text` up to `until`, stepping over strings and comments: the
/// `{` depth there, or `Err` with the offset of the first `{` deeper than
/// [`MAX_NESTING`].
pub(super) fn nesting(text: &str, until: usize) -> Result<usize, usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < until.min(bytes.len()) {
        match bytes[i] {
            b'#' => i = skip_to_line_end(bytes, i),
            b'"' => i = skip_string(bytes, i),
            b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(i);
                }
                i += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(depth)
}

/// Turns a pest error into a diagnostic that names what was expected in
/// words.
pub(super) fn syntax_error(
    err: &pest::error::Error<Rule>,
    chunk: &str,
    base: usize,
    file: FileId,
) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let (expected, in_block) = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            (expected_phrase(positives), inside_block(positives))
        }
        ErrorVariant::CustomError { message } => (message.clone(), false),
    };
    let found = describe_found(chunk, pos);
    let (start, end) = found_span(chunk, pos);
    let mut d = Diagnostic::error(codes::SYNTAX, format!("expected {expected}, found {found}")).at(
        Span::new(file, base + start, base + end),
        format!("expected {expected}"),
    );
    if let Some(help) = syntax_help(chunk, pos, in_block) {
        d = d.with_help(help);
    }
    d
}

/// What stands at the error position, in words.
fn describe_found(chunk: &str, pos: usize) -> String {
    let rest = chunk.get(pos..).unwrap_or("");
    match rest.chars().next() {
        None => "the end of the file".to_string(),
        Some('\n') | Some('\r') => "the end of the line".to_string(),
        Some(' ') | Some('\t') => "a space".to_string(),
        Some(c) if c.is_alphanumeric() || c == '_' => {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
                .take(40)
                .collect();
            format!("`{word}`")
        }
        Some(c) => match invisible_name(c) {
            Some(name) => format!("an invisible character, U+{:04X} ({name})", u32::from(c)),
            None => format!("`{c}`"),
        },
    }
}

/// The name of a character that shows as blank or not at all (pasted
/// from web pages and word processors), so that the message can say what
/// stands there; `None` for characters that show as themselves.
fn invisible_name(c: char) -> Option<&'static str> {
    let name = match c {
        ' ' | '\t' | '\n' | '\r' => return None,
        '\u{00A0}' => "no-break space",
        '\u{00AD}' => "soft hyphen",
        '\u{2000}'..='\u{200A}' => "typographic space",
        '\u{200B}' => "zero-width space",
        '\u{200C}' => "zero-width non-joiner",
        '\u{200D}' => "zero-width joiner",
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            "text direction control"
        }
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{202F}' => "narrow no-break space",
        '\u{205F}' => "math space",
        '\u{2060}' => "word joiner",
        '\u{3000}' => "ideographic space",
        '\u{FEFF}' => "byte order mark",
        c if c.is_control() => "control character",
        c if c.is_whitespace() => "space character",
        _ => return None,
    };
    Some(name)
}

/// The span to underline: the word at the error, or one character.
fn found_span(chunk: &str, pos: usize) -> (usize, usize) {
    let rest = chunk.get(pos..).unwrap_or("");
    let len: usize = rest
        .char_indices()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let len = if len == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        len
    };
    (pos, pos + len)
}

/// Hints for common slips, keyed on what stands at the error.
fn syntax_help(chunk: &str, pos: usize, in_block: bool) -> Option<String> {
    let rest = chunk.get(pos..).unwrap_or("");
    let before = chunk.get(..pos).unwrap_or("").trim_end();
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if in_block
        && TOP_KEYWORDS.contains(&word.as_str())
        && !matches!(word.as_str(), "task" | "milestone")
    {
        return Some(format!(
            "`{word}` declarations are only allowed at the top level, outside every `{{ ... }}`"
        ));
    }
    if let Some((keyword, example)) = foreign_keyword(&word).filter(|_| in_block) {
        return Some(format!(
            "planc has no `{word}`: write `{keyword}`, like `{example}`"
        ));
    }
    if let Some(help) = misspelled_keyword(&word, in_block) {
        return Some(help);
    }
    if let Some(help) = number_help(before, rest) {
        return Some(help);
    }
    if let Some(help) = lookalike_help(rest) {
        return Some(help);
    }
    // The expected rules may not say whether a block is open (after
    // `effort` only a number is); the braces before the error do.
    if rest.starts_with('}') && !in_block && nesting(chunk, pos) == Ok(0) {
        return Some(
            "this `}` closes no `{`: remove it, or look for a `{` missing before it".to_string(),
        );
    }
    if rest.starts_with('"') {
        if let Some(help) = string_help(rest) {
            return Some(help);
        }
    }
    if let Some(help) = trailing_comma_help(before) {
        return Some(help);
    }
    let duration_keyword = ["effort", "duration", "elapsed", "delay"]
        .into_iter()
        .find(|k| before.ends_with(k));
    let after_duration_keyword = duration_keyword.is_some();
    if rest.starts_with(char::is_numeric) {
        let digits: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let after = &rest[digits.len()..];
        if after.starts_with(|c: char| c.is_alphabetic()) && after_duration_keyword {
            return Some(
                "durations take `min`, `h`, `d` or `w`, like `90min`, `4h`, `2.5d`, `3w`"
                    .to_string(),
            );
        }
        if after_duration_keyword {
            return Some(format!("a duration needs a unit: `{digits}d` (days), `{digits}h` (hours) or `{digits}w` (weeks)"));
        }
    }
    if let Some(keyword) = duration_keyword {
        if !rest.starts_with(char::is_numeric) {
            return Some(format!(
                "`{keyword}` takes a duration: a number and a unit, like `5d`, `4h`, `2w` or `90min`"
            ));
        }
    }
    if rest.starts_with('\\') {
        return Some(
            "strings know the escapes `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{1F600}`".to_string(),
        );
    }
    if before.ends_with('"') && (rest.starts_with('\n') || rest.is_empty()) {
        return Some(
            "a string cannot span lines; use a text block `\"\"\"...\"\"\"` for several lines"
                .to_string(),
        );
    }
    if rest.is_empty() && before.matches('{').count() > before.matches('}').count() {
        return Some("a `{` is not closed: add the missing `}`".to_string());
    }
    None
}

/// Help for numbers, durations, percentages and rates written the way
/// people write them elsewhere: `3 days`, `3days`, `8D`, `50 %`,
/// `£260,000`, `260,000`, `700/day`.
fn number_help(before: &str, rest: &str) -> Option<String> {
    let number_before: String = trailing_number(before);
    if !number_before.is_empty() {
        let after_space = rest.trim_start_matches([' ', '\t']);
        if rest.starts_with([' ', '\t']) && after_space.starts_with('%') {
            return Some(format!(
                "write the `%` right after the number, with no space: `{number_before}%`"
            ));
        }
        if rest.starts_with(',') && rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
            let digits: String = rest[1..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ',')
                .filter(char::is_ascii_digit)
                .collect();
            return Some(format!(
                "numbers take no thousands separators: write `{number_before}{digits}`"
            ));
        }
        if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
            if let Some(unit) = unit_for(&word).filter(|unit| *unit != word) {
                return Some(format!(
                    "write the duration as a number and one of `min`, `h`, `d`, `w`: `{number_before}{unit}`"
                ));
            }
        }
        if rest.starts_with([' ', '\t']) {
            let word: String = after_space
                .chars()
                .take_while(|c| c.is_alphabetic())
                .collect();
            if let Some(unit) = unit_for(&word) {
                return Some(format!(
                    "write the unit right after the number, with no space: `{number_before}{unit}`"
                ));
            }
        }
    }
    if let Some(c) = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '£' | '$' | '€' | '¥'))
    {
        let amount: String = rest[c.len_utf8()..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
            .filter(|c| *c != ',')
            .collect();
        let amount = if amount.is_empty() {
            "260000".to_string()
        } else {
            amount
        };
        return Some(format!(
            "write amounts as plain numbers, without `{c}` or thousands separators: `{amount}`; \
             the project's `currency` says what they are in"
        ));
    }
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if digits.is_empty() {
        return None;
    }
    let after = &rest[digits.len()..];
    if after.trim_start_matches([' ', '\t']).starts_with('%') && after.starts_with([' ', '\t']) {
        return Some(format!(
            "write the `%` right after the number, with no space: `{digits}%`"
        ));
    }
    if let Some(per) = after.strip_prefix('/') {
        let word: String = per.chars().take_while(|c| c.is_alphabetic()).collect();
        if let Some(unit) = unit_for(&word).filter(|u| matches!(*u, "h" | "d")) {
            return Some(format!(
                "a rate is per `h` or per `d`: write `{digits}/{unit}`"
            ));
        }
        return None;
    }
    let word: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
    let unit = unit_for(&word)?;
    if word == unit {
        return None;
    }
    Some(format!(
        "write the duration as a number and one of `min`, `h`, `d`, `w`: `{digits}{unit}`"
    ))
}

/// The number a text ends with (`effort 3` gives `3`).
fn trailing_number(before: &str) -> String {
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map_or(before.len(), |(i, _)| i);
    before[start..].to_string()
}

/// The planc unit for a unit word as people write it (`days`, `D`, `hrs`).
fn unit_for(word: &str) -> Option<&'static str> {
    let unit = match word.to_ascii_lowercase().as_str() {
        "min" | "mins" | "minute" | "minutes" => "min",
        "h" | "hr" | "hrs" | "hour" | "hours" => "h",
        "d" | "day" | "days" | "wd" | "workday" | "workdays" => "d",
        "w" | "wk" | "wks" | "week" | "weeks" => "w",
        _ => return None,
    };
    Some(unit)
}

/// Help for a character that looks like (or hides as) one the grammar
/// takes: invisible characters and typographic quotes.
fn lookalike_help(rest: &str) -> Option<String> {
    let c = rest.chars().next()?;
    if invisible_name(c).is_some() {
        return Some(
            "only spaces, tabs and line breaks separate words: delete this character (text \
             copied from web pages or word processors often carries it)"
                .to_string(),
        );
    }
    if matches!(
        c,
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2018}' | '\u{2019}'
    ) {
        return Some(format!(
            "`{c}` is a typographic quote: strings take straight double quotes, `\"like this\"`"
        ));
    }
    None
}

/// Words the grammar knows, for "did you mean" on a misspelled keyword.
const ATTRIBUTE_KEYWORDS: &[&str] = &[
    "start",
    "deadline",
    "now",
    "currency",
    "calendar",
    "budget",
    "note",
    "workdays",
    "hours",
    "holiday",
    "role",
    "units",
    "capacity",
    "rate",
    "off",
    "effort",
    "duration",
    "elapsed",
    "assign",
    "after",
    "finish",
    "not",
    "priority",
    "progress",
    "range",
    "cost",
    "tags",
    "date",
    "chance",
    "delay",
    "affects",
    "owner",
    "response",
    "status",
    "raised",
    "finished",
    "severity",
    "resolution",
    "resource",
    "task",
    "milestone",
];

/// The keyword `word` is, as the static string of the keyword table.
pub(super) fn item_keyword(word: &str) -> Option<&'static str> {
    ATTRIBUTE_KEYWORDS.iter().copied().find(|k| *k == word)
}

/// "did you mean `task`?" for a word that is close to a keyword allowed here.
fn misspelled_keyword(word: &str, in_block: bool) -> Option<String> {
    if word.is_empty() || word.len() > 20 {
        return None;
    }
    let candidates: &[&str] = if in_block {
        ATTRIBUTE_KEYWORDS
    } else {
        TOP_KEYWORDS
    };
    if candidates.contains(&word) {
        return None;
    }
    let best = closest_keyword(word, candidates)?;
    Some(format!("did you mean `{best}`?"))
}

/// The keyword of `candidates` that `word` is a typo of, if any.
fn closest_keyword(word: &str, candidates: &[&'static str]) -> Option<&'static str> {
    candidates
        .iter()
        .map(|k| (strsim::damerau_levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(1))
        .min()
        .map(|(_, k)| k)
}

/// The attribute keyword `word` is a typo of (`efort`), if any.
pub(super) fn misspelled_attribute(word: &str) -> Option<&'static str> {
    if word.len() > 20 {
        return None;
    }
    closest_keyword(word, ATTRIBUTE_KEYWORDS)
}

/// Help for a string the grammar rejected: unclosed, or a bad escape.
fn string_help(rest: &str) -> Option<String> {
    if rest.starts_with("\"\"\"") {
        return Some("this text block is not closed: end it with `\"\"\"`".to_string());
    }
    let line = rest.lines().next().unwrap_or(rest);
    let mut chars = line.char_indices().skip(1);
    while let Some((_, c)) = chars.next() {
        match c {
            '"' => return None,
            '\\' => match chars.next() {
                Some((_, '"' | '\\' | 'n' | 't' | 'u')) => {}
                Some((_, other)) => {
                    return Some(format!(
                        "`\\{other}` is not an escape: write a backslash as `\\\\`; strings know `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{{...}}`"
                    ))
                }
                None => {}
            },
            _ => {}
        }
    }
    Some("this string is not closed: add `\"` before the end of the line (use `\"\"\"` for text over several lines)".to_string())
}

/// A list that ended with a comma swallowed the next attribute's keyword.
fn trailing_comma_help(before: &str) -> Option<String> {
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[word_start..];
    let ahead = before[..word_start].trim_end();
    if ATTRIBUTE_KEYWORDS.contains(&word) && ahead.ends_with(',') {
        return Some(format!("the `,` before `{word}` continues the list, so `{word}` was read as a name: remove that comma"));
    }
    None
}

/// Lowers pest pairs to AST nodes, validating values as it goes.
pub(super) struct Lower<'d> {
    pub(super) lit: Literals<'d>,
}

/// Offset added to spans of pairs parsed from a chunk.
type Base = usize;

impl Lower<'_> {
    fn span(&self, pair: &Pair<'_, Rule>, base: Base) -> Span {
        let s = pair.as_span();
        self.lit.span(base + s.start(), base + s.end())
    }

    fn top_items(&mut self, plan: Pair<'_, Rule>) -> Vec<TopItem> {
        plan.into_inner()
            .filter(|p| p.as_rule() != Rule::EOI)
            .filter_map(|p| self.top_item(p, 0))
            .collect()
    }

    pub(super) fn top_item(&mut self, pair: Pair<'_, Rule>, base: Base) -> Option<TopItem> {
        if pair.as_rule() == Rule::include {
            let span = self.span(&pair, base);
            let path = pair
                .into_inner()
                .find(|p| p.as_rule() == Rule::string)
                .map(|p| self.text(p, base))?;
            return Some(TopItem::Include(Include { path, span }));
        }
        self.decl(pair, base).map(TopItem::Decl)
    }

    fn decl(&mut self, pair: Pair<'_, Rule>, base: Base) -> Option<Decl> {
        let kind = match pair.as_rule() {
            Rule::project => DeclKind::Project,
            Rule::calendar => DeclKind::Calendar,
            Rule::resource => DeclKind::Resource,
            Rule::team => DeclKind::Team,
            Rule::task => DeclKind::Task,
            Rule::milestone => DeclKind::Milestone,
            Rule::risk => DeclKind::Risk,
            Rule::issue => DeclKind::Issue,
            _ => return None,
        };
        let span = self.span(&pair, base);
        let mut decl = Decl {
            kind,
            keyword: span,
            id: None,
            title: None,
            body: Box::default(),
            has_body: false,
            span,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => decl.id = Some(self.ident(&part, base)),
                Rule::title => {
                    decl.title = part
                        .into_inner()
                        .next()
                        .map(|t| Box::new(self.text(t, base)));
                }
                Rule::block => {
                    decl.has_body = true;
                    decl.body = self.block(part, base).into_boxed_slice();
                }
                _ if is_keyword(part.as_rule()) => decl.keyword = self.span(&part, base),
                _ => {}
            }
        }
        Some(decl)
    }

    fn block(&mut self, pair: Pair<'_, Rule>, base: Base) -> Vec<Item> {
        let mut items = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::open_brace | Rule::close_brace => {}
                Rule::task | Rule::milestone | Rule::resource => {
                    items.extend(self.decl(part, base).map(|d| Item::Decl(Box::new(d))));
                }
                _ => items.extend(self.attr(part, base).map(Item::Attr)),
            }
        }
        items
    }

    fn attr(&mut self, pair: Pair<'_, Rule>, base: Base) -> Option<Attr> {
        let span = self.span(&pair, base);
        let rule = pair.as_rule();
        let mut parts = pair.into_inner().peekable();
        let keyword = parts.peek().map_or(span, |k| self.span(k, base));
        // Skip the keyword pairs (one, or two for `finish after` and `not before`).
        let values: Vec<Pair<'_, Rule>> = parts.filter(|p| !is_keyword(p.as_rule())).collect();
        let keyword = if matches!(rule, Rule::attr_finish_after | Rule::attr_not_before) {
            values.first().map_or(keyword, |v| {
                self.lit.span(
                    keyword.start as usize,
                    (v.as_span().start() + base).saturating_sub(1),
                )
            })
        } else {
            keyword
        };
        let value = self
            .attr_value(rule, values, base)
            .unwrap_or(AttrValue::Invalid(rule_keyword(rule)));
        Some(Attr {
            value,
            keyword,
            span,
        })
    }

    /// The value of an attribute; `None` when a part was invalid (and
    /// reported).
    fn attr_value(
        &mut self,
        rule: Rule,
        values: Vec<Pair<'_, Rule>>,
        base: Base,
    ) -> Option<AttrValue> {
        let mut values = values.into_iter();
        let mut next = || values.next();
        let value = match rule {
            Rule::attr_start => AttrValue::Start(self.moment(next()?, base)?),
            Rule::attr_deadline => AttrValue::Deadline(self.moment(next()?, base)?),
            Rule::attr_now => AttrValue::Now(self.moment(next()?, base)?),
            Rule::attr_currency => AttrValue::Currency(self.ident(&next()?, base)),
            Rule::attr_calendar => AttrValue::Calendar(self.reference(next()?, base)),
            Rule::attr_budget => AttrValue::Budget(self.number(next()?, base)?),
            Rule::attr_note => AttrValue::Note(Box::new(self.text(next()?, base))),
            Rule::attr_workdays => AttrValue::Workdays(self.day_set(next()?, base)),
            Rule::attr_hours => {
                let mut days = Vec::new();
                let mut ranges = Vec::new();
                let mut bad = false;
                while let Some(p) = next() {
                    match p.as_rule() {
                        Rule::day_set => days = self.day_set(p, base),
                        _ => match self.time_range(p, base) {
                            Some(r) => ranges.push(r),
                            None => bad = true,
                        },
                    }
                }
                if bad {
                    return None;
                }
                AttrValue::Hours(days.into(), ranges.into())
            }
            Rule::attr_holiday => {
                let when = self.date_span(next()?, base)?;
                let why = next()
                    .and_then(|t| t.into_inner().next())
                    .map(|t| Box::new(self.text(t, base)));
                AttrValue::Holiday(when, why)
            }
            Rule::attr_role => AttrValue::Role(Box::new(self.text(next()?, base))),
            Rule::attr_units => AttrValue::Units(self.number(next()?, base)?),
            Rule::attr_capacity => AttrValue::Capacity(self.percent(next()?, base)?),
            Rule::attr_rate => AttrValue::Rate(self.rate(next()?, base)?),
            Rule::attr_off => {
                let when = self.date_span(next()?, base)?;
                let why = next()
                    .and_then(|t| t.into_inner().next())
                    .map(|t| Box::new(self.text(t, base)));
                AttrValue::Off(when, why)
            }
            Rule::attr_effort => AttrValue::Effort(self.duration(next()?, base)?),
            Rule::attr_duration => AttrValue::Duration(self.duration(next()?, base)?),
            Rule::attr_elapsed => AttrValue::Elapsed(self.duration(next()?, base)?),
            Rule::attr_assign => AttrValue::Assign(self.assign_list(next()?, base)?),
            Rule::attr_after | Rule::attr_finish_after => {
                let finish = rule == Rule::attr_finish_after;
                let mut deps = Vec::new();
                while let Some(p) = next() {
                    deps.push(self.dependency(p, finish, base)?);
                }
                AttrValue::After(deps)
            }
            Rule::attr_not_before => AttrValue::NotBefore(self.moment(next()?, base)?),
            Rule::attr_priority => AttrValue::Priority(self.number(next()?, base)?),
            Rule::attr_progress => AttrValue::Progress(self.percent(next()?, base)?),
            Rule::attr_range => {
                let low = self.duration(next()?, base)?;
                let high = self.duration(next()?, base)?;
                AttrValue::Range(Box::new(low), Box::new(high))
            }
            Rule::attr_cost => AttrValue::Cost(self.number(next()?, base)?),
            Rule::attr_tags => {
                let mut tags = Vec::new();
                while let Some(p) = next() {
                    tags.push(self.ident(&p, base));
                }
                AttrValue::Tags(tags)
            }
            Rule::attr_date => AttrValue::Date(self.moment(next()?, base)?),
            Rule::attr_chance => AttrValue::Chance(self.percent(next()?, base)?),
            Rule::attr_delay => AttrValue::Delay(self.duration(next()?, base)?),
            Rule::attr_affects | Rule::attr_members => {
                let mut refs = Vec::new();
                while let Some(p) = next() {
                    refs.push(self.reference(p, base));
                }
                if rule == Rule::attr_affects {
                    AttrValue::Affects(refs)
                } else {
                    AttrValue::Members(refs)
                }
            }
            Rule::attr_owner => AttrValue::Owner(self.reference(next()?, base)),
            Rule::attr_response => AttrValue::Response(Box::new(self.text(next()?, base))),
            Rule::attr_status => AttrValue::Status(self.ident(&next()?, base)),
            Rule::attr_raised => AttrValue::Raised(self.moment(next()?, base)?),
            Rule::attr_finished => AttrValue::Finished(self.moment(next()?, base)?),
            Rule::attr_severity => AttrValue::Severity(self.ident(&next()?, base)),
            Rule::attr_resolution => AttrValue::Resolution(Box::new(self.text(next()?, base))),
            _ => return None,
        };
        Some(value)
    }

    fn ident(&mut self, pair: &Pair<'_, Rule>, base: Base) -> Ident {
        Ident {
            name: pair.as_str().into(),
            span: self.span(pair, base),
        }
    }

    fn reference(&mut self, pair: Pair<'_, Rule>, base: Base) -> Reference {
        Reference {
            text: pair.as_str().into(),
            span: self.span(&pair, base),
        }
    }

    fn text(&mut self, pair: Pair<'_, Rule>, base: Base) -> Text {
        let span = self.span(&pair, base);
        let block = pair.as_rule() == Rule::text_block;
        let raw = pair.into_inner().next().map_or("", |p| p.as_str());
        self.lit.text(raw, block, span)
    }

    fn lexeme<'p>(&self, pair: &Pair<'p, Rule>, base: Base) -> Lexeme<'p> {
        (pair.as_str(), self.span(pair, base))
    }

    fn number(&mut self, pair: Pair<'_, Rule>, base: Base) -> Option<Number> {
        let span = self.span(&pair, base);
        self.lit.number(pair.as_str(), span)
    }

    fn percent(&mut self, pair: Pair<'_, Rule>, base: Base) -> Option<Percent> {
        let span = self.span(&pair, base);
        self.lit.percent(pair.as_str(), span)
    }

    fn duration(&mut self, pair: Pair<'_, Rule>, base: Base) -> Option<Duration> {
        let span = self.span(&pair, base);
        let written = pair.as_str();
        let mut inner = pair.into_inner();
        let number = inner.next()?.as_str();
        let unit = inner.next()?.as_str();
        self.lit.duration(number, unit, written, span)
    }

    fn rate(&mut self, pair: Pair<'_, Rule>, base: Base) -> Option<Rate> {
        let span = self.span(&pair, base);
        let mut inner = pair.into_inner();
        let number = inner.next()?.as_str();
        let unit = inner.next()?.as_str();
        self.lit.rate(number, unit, span)
    }

    fn moment(&mut self, pair: Pair<'_, Rule>, base: Base) -> Option<Moment> {
        let span = self.span(&pair, base);
        let mut inner = pair.into_inner();
        let date = self.lexeme(&inner.next()?, base);
        let time = inner.next().map(|t| self.lexeme(&t, base));
        self.lit.moment(date, time, span)
    }

    fn time_range(&mut self, pair: Pair<'_, Rule>, base: Base) -> Option<TimeRange> {
        let span = self.span(&pair, base);
        let mut inner = pair.into_inner();
        let from = self.lexeme(&inner.next()?, base);
        let to = self.lexeme(&inner.next()?, base);
        self.lit.time_range(from, to, span)
    }

    fn date_span(&mut self, pair: Pair<'_, Rule>, base: Base) -> Option<DateSpan> {
        let span = self.span(&pair, base);
        let mut inner = pair.into_inner();
        let first = self.lexeme(&inner.next()?, base);
        let last = inner.next().map(|d| self.lexeme(&d, base));
        self.lit.date_span(first, last, span)
    }

    fn day_set(&mut self, pair: Pair<'_, Rule>, base: Base) -> Vec<DayItem> {
        pair.into_inner()
            .map(|item| {
                let span = self.span(&item, base);
                let days: Vec<Weekday> = item.into_inner().map(|d| weekday(d.as_str())).collect();
                let first = days.first().copied().unwrap_or(Weekday::Mon);
                let last = days.get(1).copied().unwrap_or(first);
                DayItem { first, last, span }
            })
            .collect()
    }

    fn assign_list(&mut self, pair: Pair<'_, Rule>, base: Base) -> Option<AssignList> {
        let mut list = AssignList {
            items: Vec::new(),
            any_of: None,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::assign_item => list.items.push(self.assign_item(part, base)?),
                Rule::any_of => {
                    let span = self.span(&part, base);
                    let mut items = Vec::new();
                    for p in part
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::assign_item)
                    {
                        items.push(self.assign_item(p, base)?);
                    }
                    list.any_of = Some(Box::new((span, items)));
                }
                _ => {}
            }
        }
        Some(list)
    }

    fn assign_item(&mut self, pair: Pair<'_, Rule>, base: Base) -> Option<AssignItem> {
        let span = self.span(&pair, base);
        let mut item = AssignItem {
            count: None,
            resource: Reference {
                text: Box::default(),
                span,
            },
            percent: None,
            span,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::count => item.count = Some(Box::new(self.number(part, base)?)),
                Rule::reference => item.resource = self.reference(part, base),
                Rule::percent => item.percent = Some(Box::new(self.percent(part, base)?)),
                _ => {}
            }
        }
        Some(item)
    }

    fn dependency(&mut self, pair: Pair<'_, Rule>, finish: bool, base: Base) -> Option<Dependency> {
        let span = self.span(&pair, base);
        let mut start_of = false;
        let mut target = None;
        let mut lag = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::start_of => start_of = true,
                Rule::reference => target = Some(self.reference(part, base)),
                Rule::lag => {
                    let mut inner = part.into_inner();
                    let positive = inner.next()?.as_str() == "+";
                    lag = Some(Box::new((positive, self.duration(inner.next()?, base)?)));
                }
                _ => {}
            }
        }
        let kind = DepKind::from_words(finish, start_of);
        Some(Dependency {
            kind,
            target: target?,
            lag,
            span,
        })
    }
}

/// Keyword rules are skipped when reading an attribute's values.
fn is_keyword(rule: Rule) -> bool {
    format!("{rule:?}").starts_with("kw_")
}

/// The keyword of an attribute rule, for attributes whose value was bad.
fn rule_keyword(rule: Rule) -> &'static str {
    match rule {
        Rule::attr_start => "start",
        Rule::attr_deadline => "deadline",
        Rule::attr_now => "now",
        Rule::attr_budget => "budget",
        Rule::attr_workdays => "workdays",
        Rule::attr_hours => "hours",
        Rule::attr_holiday => "holiday",
        Rule::attr_units => "units",
        Rule::attr_capacity => "capacity",
        Rule::attr_rate => "rate",
        Rule::attr_off => "off",
        Rule::attr_effort => "effort",
        Rule::attr_duration => "duration",
        Rule::attr_elapsed => "elapsed",
        Rule::attr_assign => "assign",
        Rule::attr_after => "after",
        Rule::attr_finish_after => "finish after",
        Rule::attr_not_before => "not before",
        Rule::attr_priority => "priority",
        Rule::attr_progress => "progress",
        Rule::attr_range => "range",
        Rule::attr_cost => "cost",
        Rule::attr_date => "date",
        Rule::attr_chance => "chance",
        Rule::attr_delay => "delay",
        Rule::attr_raised => "raised",
        Rule::attr_finished => "finished",
        _ => "note",
    }
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

    #[test]
    fn nesting_limit_is_found_outside_strings_and_comments() {
        let deep = "{".repeat(MAX_NESTING + 1);
        assert_eq!(too_deep_at(&deep), Some(MAX_NESTING));
        let quoted = format!("\"{deep}\" # {deep}");
        assert_eq!(too_deep_at(&quoted), None);
    }
}
