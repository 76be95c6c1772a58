//! A hand-written recursive-descent reader for the grammar of
//! `grammar/plan.pest`, for the common case: a file without errors.
//!
//! pest reads about 5 MB of plan a second here, most of it spent in
//! generic machinery (a call-limit and stack guard on every rule, token
//! queues, `Pair` trees); this reader does the same job an order of
//! magnitude faster. It follows the grammar rule by rule, so both readers
//! build the same tree with the same spans: a span ends at its rule's last
//! token, never on the blanks and comments after it.
//!
//! It never reports anything: on input it does not accept, or on a literal
//! that would be reported (2027-02-30, 150%), it gives up and
//! [`super::parser`] runs the pest grammar, which stays the definition of
//! the language and the source of every syntax error. Accepting less than
//! the grammar is safe (the grammar then runs); accepting more, or
//! building another tree, is a bug, and the tests below and in
//! `tests/fuzz.rs` compare both readers on valid, broken and random text.
//!
//! Every list it builds has exactly the capacity it needs (a grown `Vec`
//! wastes up to half of itself, and mimalloc keeps a shrunk block at its
//! old size), so a big plan's tree costs what it holds.

use super::ast::*;
use super::keywords::{self, AttrKind, Attribute, Declares};
use super::literal::{weekday, Lexeme, Literals};
use super::scan::skip_to_line_end;
use crate::diagnostic::Diagnostics;
use crate::source::{FileId, Span};

/// Why the fast reader left a text to the pest grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Unread {
    /// The text is not in the language: the grammar fails on it too, and
    /// says where and why.
    Syntax,
    /// The syntax is fine but a literal is reported (or the reader is
    /// unsure): the grammar reads it and reports.
    Literal,
}

/// The tree of `text`.
pub(super) fn read(text: &str, file: FileId) -> Result<File, Unread> {
    let items = with_reader(text, 0, file, |r| r.plan())?;
    Ok(File { items })
}

/// The one top-level declaration in `text[start..end]`, read the way the
/// grammar's `lone_declaration` reads it (error recovery parses a broken
/// file declaration by declaration).
pub(super) fn read_declaration(
    text: &str,
    start: usize,
    end: usize,
    file: FileId,
) -> Result<TopItem, Unread> {
    let text = text.get(..end).ok_or(Unread::Syntax)?;
    with_reader(text, start, file, |r| {
        r.skip();
        let item = r.top_item()?;
        r.skip();
        (r.pos == r.bytes.len()).then_some(item)
    })
}

/// Runs `read` on a reader of `text` from `pos`; any reported literal
/// makes it [`Unread::Literal`].
fn with_reader<'t, T>(
    text: &'t str,
    pos: usize,
    file: FileId,
    read: impl for<'d> FnOnce(&mut Reader<'t, 'd>) -> Option<T>,
) -> Result<T, Unread> {
    let mut scratch = Diagnostics::new();
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos,
        items: Vec::new(),
        lit: Literals {
            file,
            diags: &mut scratch,
        },
    };
    let result = read(&mut reader);
    if !scratch.is_empty() {
        return Err(Unread::Literal);
    }
    result.ok_or(Unread::Syntax)
}

const BOM: &[u8] = "\u{FEFF}".as_bytes();

struct Reader<'t, 'd> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    /// The items of every open block, innermost last: a block drains its
    /// own into an exact-size slice when it closes.
    items: Vec<Item>,
    lit: Literals<'d>,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `items` without spare capacity. `shrink_to_fit` would not do: mimalloc
/// keeps a block that shrinks by less than half at its old size.
fn exact<T>(items: Vec<T>) -> Vec<T> {
    if items.len() == items.capacity() {
        return items;
    }
    let mut exact = Vec::with_capacity(items.len());
    exact.extend(items);
    exact
}

impl<'t> Reader<'t, '_> {
    // ------------------------------------------------------------ tokens

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn span(&self, start: usize) -> Span {
        self.lit.span(start, self.pos)
    }

    /// Length of the one `WHITESPACE` character at `i` (0 if none).
    fn whitespace_len(&self, i: usize) -> usize {
        match self.at(i) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => 1,
            Some(0xEF) if self.bytes[i..].starts_with(BOM) => BOM.len(),
            _ => 0,
        }
    }

    /// End of the run of `WHITESPACE` characters starting at `i`.
    fn whitespace_end(&self, i: usize) -> usize {
        let mut j = i;
        loop {
            let n = self.whitespace_len(j);
            if n == 0 {
                return j;
            }
            j += n;
        }
    }

    /// pest's implicit skip between the parts of a non-atomic rule:
    /// `WHITESPACE* ~ (COMMENT ~ WHITESPACE*)*`.
    fn skip(&mut self) {
        loop {
            self.pos = self.whitespace_end(self.pos);
            if self.peek() != Some(b'#') {
                return;
            }
            self.pos = skip_to_line_end(self.bytes, self.pos);
        }
    }

    /// Skips blanks and comments if `starts` sees an optional tail after
    /// them; otherwise stays put, so the span of the rule ends here.
    fn skip_to(&mut self, starts: impl FnOnce(&Self) -> bool) -> bool {
        let end = self.pos;
        self.skip();
        if starts(self) {
            return true;
        }
        self.pos = end;
        false
    }

    fn eat(&mut self, literal: &str) -> bool {
        if self.bytes[self.pos..].starts_with(literal.as_bytes()) {
            self.pos += literal.len();
            true
        } else {
            false
        }
    }

    /// End of the run of identifier characters starting at `i`.
    fn word_end(&self, i: usize) -> usize {
        let mut j = i;
        while self.at(j).is_some_and(is_ident_char) {
            j += 1;
        }
        j
    }

    /// The word at the cursor (identifier characters), not consumed.
    fn word(&self) -> &'t str {
        &self.text[self.pos..self.word_end(self.pos)]
    }

    /// `kw_x = @{ "x" ~ !ident_char }`: the keyword's span, consumed.
    fn keyword(&mut self, keyword: &str) -> Option<Span> {
        (self.word() == keyword).then(|| {
            let start = self.pos;
            self.pos += keyword.len();
            self.span(start)
        })
    }

    /// `ident = @{ ident_start ~ ident_char* }`.
    fn ident(&mut self) -> Option<Ident> {
        if !self.peek().is_some_and(is_ident_start) {
            return None;
        }
        let start = self.pos;
        self.pos = self.word_end(start);
        Some(Ident {
            name: self.text[start..self.pos].into(),
            span: self.span(start),
        })
    }

    /// `reference = @{ ident ~ ("." ~ ident)* }`.
    fn reference(&mut self) -> Option<Reference> {
        let start = self.pos;
        if !self.peek().is_some_and(is_ident_start) {
            return None;
        }
        self.pos = self.word_end(start);
        while self.at_reference_dot() {
            self.pos = self.word_end(self.pos + 1);
        }
        Some(Reference {
            text: self.text[start..self.pos].into(),
            span: self.span(start),
        })
    }

    /// Does `"." ~ ident` follow the cursor?
    fn at_reference_dot(&self) -> bool {
        self.peek() == Some(b'.') && self.at(self.pos + 1).is_some_and(is_ident_start)
    }

    /// End of `ASCII_DIGIT{n}` at `i`.
    fn digits_exactly(&self, i: usize, n: usize) -> Option<usize> {
        (i..i + n)
            .all(|j| self.at(j).is_some_and(|b| b.is_ascii_digit()))
            .then_some(i + n)
    }

    /// End of `ASCII_DIGIT+` at `i`.
    fn digits(&self, i: usize) -> Option<usize> {
        let mut j = i;
        while self.at(j).is_some_and(|b| b.is_ascii_digit()) {
            j += 1;
        }
        (j > i).then_some(j)
    }

    /// End of `number = @{ ASCII_DIGIT+ ~ ("." ~ ASCII_DIGIT+)? }` at `i`.
    fn number_end(&self, i: usize) -> Option<usize> {
        let whole = self.digits(i)?;
        if self.at(whole) == Some(b'.') {
            if let Some(frac) = self.digits(whole + 1) {
                return Some(frac);
            }
        }
        Some(whole)
    }

    fn not_ident_char_at(&self, i: usize) -> bool {
        !self.at(i).is_some_and(is_ident_char)
    }

    /// `date = @{ ASCII_DIGIT{4} ~ "-" ~ ASCII_DIGIT{2} ~ "-" ~ ASCII_DIGIT{2} }`.
    fn date_end(&self, i: usize) -> Option<usize> {
        let y = self.digits_exactly(i, 4)?;
        (self.at(y) == Some(b'-')).then_some(())?;
        let m = self.digits_exactly(y + 1, 2)?;
        (self.at(m) == Some(b'-')).then_some(())?;
        self.digits_exactly(m + 1, 2)
    }

    /// `time = @{ ASCII_DIGIT{1,2} ~ ":" ~ ASCII_DIGIT{2} ~ !ident_char }`.
    fn time_end(&self, i: usize) -> Option<usize> {
        let mut h = self.digits_exactly(i, 1)?;
        if self.at(h).is_some_and(|b| b.is_ascii_digit()) {
            h += 1;
        }
        (self.at(h) == Some(b':')).then_some(())?;
        let end = self.digits_exactly(h + 1, 2)?;
        self.not_ident_char_at(end).then_some(end)
    }

    fn lexeme(&self, start: usize, end: usize) -> Lexeme<'t> {
        (&self.text[start..end], self.lit.span(start, end))
    }

    // ------------------------------------------------------------ literals

    fn number(&mut self) -> Option<Number> {
        let start = self.pos;
        self.pos = self.number_end(start)?;
        let (text, span) = self.lexeme(start, self.pos);
        self.lit.number(text, span)
    }

    /// `percent = ${ number ~ "%" }`.
    fn percent(&mut self) -> Option<Percent> {
        let start = self.pos;
        let end = self.number_end(start)?;
        (self.at(end) == Some(b'%')).then_some(())?;
        self.pos = end + 1;
        let (text, span) = self.lexeme(start, self.pos);
        self.lit.percent(text, span)
    }

    /// `duration = ${ number ~ duration_unit ~ !ident_char }`.
    fn duration(&mut self) -> Option<Duration> {
        let start = self.pos;
        let number_end = self.number_end(start)?;
        let rest = &self.bytes[number_end..];
        let unit = ["min", "h", "d", "w"]
            .into_iter()
            .find(|u| rest.starts_with(u.as_bytes()))?;
        let end = number_end + unit.len();
        self.not_ident_char_at(end).then_some(())?;
        self.pos = end;
        let span = self.span(start);
        let number = &self.text[start..number_end];
        let written = &self.text[start..end];
        self.lit.duration(number, unit, written, span)
    }

    /// `rate = ${ number ~ "/" ~ rate_unit ~ !ident_char }`.
    fn rate(&mut self) -> Option<Rate> {
        let start = self.pos;
        let number_end = self.number_end(start)?;
        (self.at(number_end) == Some(b'/')).then_some(())?;
        let unit = match self.at(number_end + 1) {
            Some(b'h') => "h",
            Some(b'd') => "d",
            _ => return None,
        };
        let end = number_end + 2;
        self.not_ident_char_at(end).then_some(())?;
        self.pos = end;
        let span = self.span(start);
        self.lit.rate(&self.text[start..number_end], unit, span)
    }

    /// `moment = ${ date ~ (("T" | (" " | "\t")+) ~ time)? ~ !ident_char }`.
    fn moment(&mut self) -> Option<Moment> {
        let (date, time, span) = self.date_and_tail(|r, date_end| {
            let time_start = match r.at(date_end) {
                Some(b'T') => date_end + 1,
                Some(b' ' | b'\t') => {
                    let mut j = date_end;
                    while matches!(r.at(j), Some(b' ' | b'\t')) {
                        j += 1;
                    }
                    j
                }
                _ => return None,
            };
            r.time_end(time_start).map(|e| (time_start, e))
        })?;
        self.lit.moment(date, time, span)
    }

    /// `date_span = ${ date ~ (".." ~ date)? ~ !ident_char }`.
    fn date_span(&mut self) -> Option<DateSpan> {
        let (first, last, span) = self.date_and_tail(|r, date_end| {
            if !r.bytes[date_end..].starts_with(b"..") {
                return None;
            }
            r.date_end(date_end + 2).map(|e| (date_end + 2, e))
        })?;
        self.lit.date_span(first, last, span)
    }

    /// `date ~ tail? ~ !ident_char`, atomic: the date, the optional tail
    /// that `tail` finds after it (its start and end), and the whole span.
    fn date_and_tail(
        &mut self,
        tail: impl FnOnce(&Self, usize) -> Option<(usize, usize)>,
    ) -> Option<(Lexeme<'t>, Option<Lexeme<'t>>, Span)> {
        let start = self.pos;
        let date_end = self.date_end(start)?;
        let tail = tail(self, date_end);
        let end = tail.map_or(date_end, |(_, e)| e);
        self.not_ident_char_at(end).then_some(())?;
        self.pos = end;
        let date = self.lexeme(start, date_end);
        let tail = tail.map(|(s, e)| self.lexeme(s, e));
        Some((date, tail, self.span(start)))
    }

    /// `time_range = ${ time ~ ".." ~ time }`.
    fn time_range(&mut self) -> Option<TimeRange> {
        let start = self.pos;
        let from_end = self.time_end(start)?;
        if !self.bytes[from_end..].starts_with(b"..") {
            return None;
        }
        let to_end = self.time_end(from_end + 2)?;
        self.pos = to_end;
        let span = self.span(start);
        let from = self.lexeme(start, from_end);
        let to = self.lexeme(from_end + 2, to_end);
        self.lit.time_range(from, to, span)
    }

    /// `text = _{ text_block | string }`.
    fn text(&mut self) -> Option<Text> {
        let start = self.pos;
        if self.bytes[start..].starts_with(b"\"\"\"") {
            let body = start + 3;
            let close = self.text[body..].find("\"\"\"")? + body;
            self.pos = close + 3;
            let span = self.span(start);
            return Some(self.lit.text(&self.text[body..close], true, span));
        }
        self.string()
    }

    /// `string = ${ "\"" ~ string_chars ~ "\"" }`, escapes checked as the
    /// grammar checks them.
    fn string(&mut self) -> Option<Text> {
        let start = self.pos;
        (self.peek() == Some(b'"')).then_some(())?;
        let mut i = start + 1;
        loop {
            match self.at(i)? {
                b'"' => break,
                b'\n' | b'\r' => return None,
                b'\\' => i = self.escape_end(i + 1)?,
                _ => i += 1,
            }
        }
        self.pos = i + 1;
        let span = self.span(start);
        Some(self.lit.text(&self.text[start + 1..i], false, span))
    }

    /// End of an escape whose backslash ends at `i`:
    /// `"\"" | "\\" | "n" | "t" | "u{" ~ ASCII_HEX_DIGIT{1,6} ~ "}"`.
    fn escape_end(&self, i: usize) -> Option<usize> {
        match self.at(i)? {
            b'"' | b'\\' | b'n' | b't' => Some(i + 1),
            b'u' if self.at(i + 1) == Some(b'{') => {
                let hex_start = i + 2;
                let mut j = hex_start;
                while j < hex_start + 6 && self.at(j).is_some_and(|b| b.is_ascii_hexdigit()) {
                    j += 1;
                }
                (j > hex_start && self.at(j) == Some(b'}')).then_some(j + 1)
            }
            _ => None,
        }
    }

    /// `title = { text }`, optional: only where a quote starts it after
    /// the blanks and comments.
    fn optional_title(&mut self) -> Option<Option<Text>> {
        if self.skip_to(|r| r.peek() == Some(b'"')) {
            self.text().map(Some)
        } else {
            Some(None)
        }
    }

    // ------------------------------------------------------------ lists

    /// The tail of `x ~ ("," ~ x)+ | x`, after its first `x`; the cursor
    /// stays at the end of the last item. A comma not followed by an item
    /// fails the whole file in every context, so it gives up here.
    fn comma_tail<T>(
        &mut self,
        items: &mut Vec<T>,
        item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<()> {
        self.comma_tail_until(items, |_| false, item)
    }

    /// [`Self::comma_tail`], ending before a comma followed by what `stop`
    /// sees (a negative lookahead such as `!(kw_any ~ kw_of)`).
    fn comma_tail_until<T>(
        &mut self,
        items: &mut Vec<T>,
        mut stop: impl FnMut(&mut Self) -> bool,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<()> {
        loop {
            let save = self.pos;
            self.skip();
            if !self.eat(",") {
                self.pos = save;
                return Some(());
            }
            self.skip();
            if stop(self) {
                self.pos = save;
                return Some(());
            }
            items.push(item(self)?);
        }
    }

    fn comma_list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut items = vec![item(self)?];
        self.comma_tail(&mut items, item)?;
        Some(exact(items))
    }

    // ------------------------------------------------------------ declarations

    fn plan(&mut self) -> Option<Vec<TopItem>> {
        let mut items = Vec::new();
        self.skip();
        while self.pos < self.bytes.len() {
            items.push(self.top_item()?);
            self.skip();
        }
        Some(exact(items))
    }

    /// `plan = { SOI ~ declaration* ~ EOI }`: a declaration or an include.
    fn top_item(&mut self) -> Option<TopItem> {
        let keyword = keywords::find(self.word())?;
        if keyword.declares == Declares::Include {
            let start = self.pos;
            self.keyword("include")?;
            self.skip();
            if self.peek() != Some(b'"') {
                return None;
            }
            let path = self.string()?;
            return Some(TopItem::Include(Include {
                path,
                span: self.span(start),
            }));
        }
        let kind = keyword.declares.kind()?;
        self.decl(kind).map(TopItem::Decl)
    }

    /// `task = { kw_task ~ (ident ~ decl_tail | ident) }` and its
    /// siblings, with `decl_tail = _{ title ~ block | title | block }`;
    /// `project` has an optional identifier.
    fn decl(&mut self, kind: DeclKind) -> Option<Decl> {
        let start = self.pos;
        let keyword = self.keyword(kind.keyword())?;
        let id = if self.skip_to(|r| r.peek().is_some_and(is_ident_start)) {
            self.ident()
        } else {
            None
        };
        if id.is_none() && kind != DeclKind::Project {
            return None;
        }
        let title = self.optional_title()?.map(Box::new);
        let has_body = self.skip_to(|r| r.peek() == Some(b'{'));
        let body = if has_body {
            self.block()?
        } else {
            Box::default()
        };
        Some(Decl {
            kind,
            keyword,
            id,
            title,
            body,
            has_body,
            span: self.span(start),
        })
    }

    /// `block = { open_brace ~ item* ~ close_brace }`.
    fn block(&mut self) -> Option<Box<[Item]>> {
        self.eat("{").then_some(())?;
        let open = self.items.len();
        self.skip();
        while self.peek() != Some(b'}') {
            let item = self.item()?;
            self.items.push(item);
            self.skip();
        }
        self.pos += 1;
        // A drain knows its length: the slice is allocated once, exactly.
        Some(self.items.drain(open..).collect())
    }

    /// `item = _{ inline_resource | attribute | task | milestone }`: every
    /// alternative starts with a keyword of its own.
    fn item(&mut self) -> Option<Item> {
        let keyword = keywords::find(self.word())?;
        match keyword.declares {
            Declares::Anywhere(kind) => self.nested_decl(kind),
            Declares::InTeams(kind) if self.declares_resource() => self.nested_decl(kind),
            _ => self.attribute(keyword.attribute.as_ref()?).map(Item::Attr),
        }
    }

    /// `inline_resource`'s look-ahead: `resource ID` followed by a title or
    /// a body declares a member; otherwise it lists references.
    fn declares_resource(&mut self) -> bool {
        let start = self.pos;
        let declares = self.keyword("resource").is_some() && {
            self.skip();
            self.peek().is_some_and(is_ident_start) && {
                self.pos = self.word_end(self.pos);
                self.skip();
                matches!(self.peek(), Some(b'"' | b'{'))
            }
        };
        self.pos = start;
        declares
    }

    fn nested_decl(&mut self, kind: DeclKind) -> Option<Item> {
        self.decl(kind).map(|d| Item::Decl(Box::new(d)))
    }

    // ------------------------------------------------------------ attributes

    /// An attribute of the keyword table: its keyword(s), then its value.
    /// The match has no `_` arm: a new kind does not compile until it is
    /// read here.
    fn attribute(&mut self, attribute: &Attribute) -> Option<Attr> {
        let start = self.pos;
        let mut keyword = self.keyword(self.word())?;
        self.skip();
        if let Some(second) = attribute.second_word() {
            self.keyword(second)?;
            self.skip();
            // The keyword of a two-word attribute runs to just before its value.
            keyword = self
                .lit
                .span(keyword.start as usize, self.pos.saturating_sub(1));
        }
        let value = match attribute.kind {
            AttrKind::After => AttrValue::After(self.dependencies(false)?),
            AttrKind::FinishAfter => AttrValue::After(self.dependencies(true)?),
            AttrKind::NotBefore => AttrValue::NotBefore(self.moment()?),
            AttrKind::Effort => AttrValue::Effort(self.duration()?),
            AttrKind::Duration => AttrValue::Duration(self.duration()?),
            AttrKind::Assign => AttrValue::Assign(self.assign_list()?),
            AttrKind::Elapsed => AttrValue::Elapsed(self.duration()?),
            AttrKind::Start => AttrValue::Start(self.moment()?),
            AttrKind::Deadline => AttrValue::Deadline(self.moment()?),
            AttrKind::Priority => AttrValue::Priority(self.number()?),
            AttrKind::Progress => AttrValue::Progress(self.percent()?),
            AttrKind::Note => AttrValue::Note(Box::new(self.text()?)),
            AttrKind::Tags => AttrValue::Tags(self.comma_list(Self::ident)?),
            AttrKind::Range => self.range()?,
            AttrKind::Cost => AttrValue::Cost(self.number()?),
            AttrKind::Budget => AttrValue::Budget(self.number()?),
            AttrKind::Date => AttrValue::Date(self.moment()?),
            AttrKind::Role => AttrValue::Role(Box::new(self.text()?)),
            AttrKind::Units => AttrValue::Units(self.number()?),
            AttrKind::Capacity => AttrValue::Capacity(self.percent()?),
            AttrKind::Rate => AttrValue::Rate(self.rate()?),
            AttrKind::Off => {
                let (when, why) = self.dated_title()?;
                AttrValue::Off(when, why)
            }
            AttrKind::Holiday => {
                let (when, why) = self.dated_title()?;
                AttrValue::Holiday(when, why)
            }
            AttrKind::Calendar => AttrValue::Calendar(self.reference()?),
            AttrKind::Workdays => AttrValue::Workdays(self.day_set()?),
            AttrKind::Hours => self.hours()?,
            AttrKind::Now => AttrValue::Now(self.moment()?),
            AttrKind::Currency => AttrValue::Currency(self.ident()?),
            AttrKind::Chance => AttrValue::Chance(self.percent()?),
            AttrKind::Delay => AttrValue::Delay(self.duration()?),
            AttrKind::Affects => AttrValue::Affects(self.comma_list(Self::reference)?),
            AttrKind::Owner => AttrValue::Owner(self.reference()?),
            AttrKind::Response => AttrValue::Response(Box::new(self.text()?)),
            AttrKind::Status => AttrValue::Status(self.ident()?),
            AttrKind::Raised => AttrValue::Raised(self.moment()?),
            AttrKind::Finished => AttrValue::Finished(self.moment()?),
            AttrKind::Started => AttrValue::Started(self.moment()?),
            AttrKind::Remaining => AttrValue::Remaining(self.duration()?),
            AttrKind::Spent => AttrValue::Spent(self.number()?),
            AttrKind::During => self.during()?,
            AttrKind::Severity => AttrValue::Severity(self.ident()?),
            AttrKind::Resolution => AttrValue::Resolution(Box::new(self.text()?)),
            AttrKind::Members => AttrValue::Members(self.comma_list(Self::reference)?),
        };
        Some(Attr {
            value,
            keyword,
            span: self.span(start),
        })
    }

    /// `attr_range = { kw_range ~ duration ~ ".." ~ duration }`.
    fn range(&mut self) -> Option<AttrValue> {
        let low = self.duration()?;
        self.skip();
        self.eat("..").then_some(())?;
        self.skip();
        let high = self.duration()?;
        Some(AttrValue::Range(Box::new(low), Box::new(high)))
    }

    /// `reference ~ ".." ~ reference` of `during`.
    fn during(&mut self) -> Option<AttrValue> {
        let from = self.reference()?;
        self.skip();
        self.eat("..").then_some(())?;
        self.skip();
        let to = self.reference()?;
        Some(AttrValue::During(Box::new(from), Box::new(to)))
    }

    /// `date_span ~ title | date_span` of `holiday` and `off`.
    fn dated_title(&mut self) -> Option<(DateSpan, Option<Box<Text>>)> {
        let when = self.date_span()?;
        Some((when, self.optional_title()?.map(Box::new)))
    }

    /// `attr_hours = { kw_hours ~ day_set? ~ time_range ~ ("," ~ time_range)* }`.
    fn hours(&mut self) -> Option<AttrValue> {
        let days = if self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.day_set()?
        } else {
            Vec::new()
        };
        self.skip();
        let ranges = self.comma_list(Self::time_range)?;
        Some(AttrValue::Hours(
            days.into_boxed_slice(),
            ranges.into_boxed_slice(),
        ))
    }

    /// `day_set = { day_item ~ ("," ~ day_item)* }`.
    fn day_set(&mut self) -> Option<Vec<DayItem>> {
        self.comma_list(Self::day_item)
    }

    /// `day_item = { weekday ~ ".." ~ weekday | weekday }`.
    fn day_item(&mut self) -> Option<DayItem> {
        let start = self.pos;
        let first = self.weekday()?;
        let save = self.pos;
        self.skip();
        let mut last = first;
        if !self.eat("..") {
            self.pos = save;
        } else {
            self.skip();
            match self.weekday() {
                Some(day) => last = day,
                None => self.pos = save,
            }
        }
        Some(DayItem {
            first,
            last,
            span: self.span(start),
        })
    }

    /// `weekday = @{ ("mon" | ... | "sun") ~ !ident_char }`.
    fn weekday(&mut self) -> Option<Weekday> {
        let word = self.word();
        if !matches!(word, "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun") {
            return None;
        }
        self.pos += word.len();
        Some(weekday(word))
    }

    /// `attr_after`'s `dependency ~ ("," ~ dependency)*`.
    fn dependencies(&mut self, finish: bool) -> Option<Vec<Dependency>> {
        self.comma_list(|r| r.dependency(finish))
    }

    /// `dependency = { start_of? ~ (reference ~ lag | reference) }` with
    /// `start_of = { kw_start ~ kw_of ~ &reference }`.
    fn dependency(&mut self, finish: bool) -> Option<Dependency> {
        let start = self.pos;
        let start_of = self.start_of();
        self.skip();
        let target = self.reference()?;
        let lag = if self.skip_to(|r| matches!(r.peek(), Some(b'+' | b'-'))) {
            Some(Box::new(self.lag()?))
        } else {
            None
        };
        let kind = DepKind::from_words(finish, start_of);
        Some(Dependency {
            kind,
            target,
            lag,
            span: self.span(start),
        })
    }

    fn start_of(&mut self) -> bool {
        let save = self.pos;
        if self.keyword("start").is_some() {
            self.skip();
            if self.keyword("of").is_some() {
                self.skip();
                if self.peek().is_some_and(is_ident_start) {
                    return true;
                }
            }
        }
        self.pos = save;
        false
    }

    /// `lag = ${ lag_sign ~ WHITESPACE* ~ duration }`.
    fn lag(&mut self) -> Option<(bool, Duration)> {
        let positive = self.peek() == Some(b'+');
        self.pos = self.whitespace_end(self.pos + 1);
        Some((positive, self.duration()?))
    }

    /// `assign_list = { any_of | assign_items ~ "," ~ any_of | assign_items }`
    /// with `assign_items = _{ assign_item ~ ("," ~ !(kw_any ~ kw_of) ~
    /// assign_item)+ | assign_item }`.
    fn assign_list(&mut self) -> Option<AssignList> {
        if self.at_any_of() {
            let any_of = self.any_of()?;
            return Some(AssignList {
                items: Vec::new(),
                any_of: Some(Box::new(any_of)),
            });
        }
        let mut items = vec![self.assign_item()?];
        self.comma_tail_until(&mut items, Self::at_any_of, Self::assign_item)?;
        let any_of = if self.skip_to(|r| r.peek() == Some(b',')) {
            self.pos += 1;
            self.skip();
            Some(Box::new(self.any_of()?))
        } else {
            None
        };
        Some(AssignList {
            items: exact(items),
            any_of,
        })
    }

    /// Does `kw_any ~ kw_of` start here? (Cursor unchanged.)
    fn at_any_of(&mut self) -> bool {
        let save = self.pos;
        let found = self.keyword("any").is_some() && {
            self.skip();
            self.keyword("of").is_some()
        };
        self.pos = save;
        found
    }

    /// `any_of = { kw_any ~ kw_of ~ assign_item ~ ("," ~ assign_item)* }`.
    fn any_of(&mut self) -> Option<(Span, Vec<AssignItem>)> {
        let start = self.pos;
        self.keyword("any")?;
        self.skip();
        self.keyword("of")?;
        self.skip();
        let items = self.comma_list(Self::assign_item)?;
        Some((self.span(start), items))
    }

    /// `assign_item = { count? ~ (reference ~ percent | reference) }` with
    /// `count = @{ ASCII_DIGIT+ ~ &(WHITESPACE+ ~ ident_start) }`.
    fn assign_item(&mut self) -> Option<AssignItem> {
        let start = self.pos;
        let count = match self.count_end() {
            Some(end) => {
                self.pos = end;
                let (text, span) = self.lexeme(start, end);
                Some(Box::new(self.lit.number(text, span)?))
            }
            None => None,
        };
        self.skip();
        let resource = self.reference()?;
        let percent = if self.skip_to(Self::at_percent) {
            Some(Box::new(self.percent()?))
        } else {
            None
        };
        Some(AssignItem {
            count,
            resource,
            percent,
            span: self.span(start),
        })
    }

    /// Does `number ~ "%"` start here?
    fn at_percent(&self) -> bool {
        self.number_end(self.pos)
            .is_some_and(|end| self.at(end) == Some(b'%'))
    }

    fn count_end(&self) -> Option<usize> {
        let end = self.digits(self.pos)?;
        let j = self.whitespace_end(end);
        (j > end && self.at(j).is_some_and(is_ident_start)).then_some(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::chunks::Readers;
    use crate::syntax::parser::parse_with_grammar;

    /// Both readers on `text`: where the fast one succeeds, the grammar
    /// must build the same tree and report nothing.
    fn agree(text: &str) -> bool {
        let fast = read(text, FileId(0)).ok();
        let mut diags = Diagnostics::new();
        let slow = parse_with_grammar(text, FileId(0), &mut diags, Readers::GrammarOnly);
        if let Some(fast) = &fast {
            assert!(
                diags.is_empty(),
                "the fast reader accepted what the grammar rejects:\n{text}"
            );
            assert_eq!(fast, &slow, "the readers disagree on:\n{text}");
        }
        fast.is_some()
    }

    #[test]
    fn reads_every_construct_like_the_grammar() {
        let plan = r#"
# a comment
project demo "Demo" {
  start 2027-01-04
  now 2027-01-04T09:30
  currency EUR
  calendar office
  budget 100000.50
}
calendar office {
  workdays mon..fri, sat
  hours mon..thu 09:00..12:00, 13:00..17:00
  hours fri 9:00..13:00
  holiday 2027-12-24..2027-12-26 "Christmas"
  holiday 2027-05-01
}
resource dev "Developer" { rate 800/d capacity 50% units 2 role "dev" off 2027-02-01 }
team devs { resource dev, ops.x }
team ops { resource ann "Ann" { rate 600/d } resource ben"Ben" resource cal{} resource dev
  resource eve # a comment
  "Eve" }
task build """
    Build it
  """ {
  effort 2.50d
  after a, start of b + 2d, c.d -1h
  finish after start of e
  assign 2 dev 50%, ops, any of x, y 30%
  not before 2027-03-01 10:00
  priority 5 progress 40% note "say \"hi\" \u{1F600}\n"
  tags one, two
  range 1d..3w
  cost 10 elapsed 30min duration 2h deadline 2027-06-30
  task inner
  milestone done { after inner }
  milestone signed { finished 2027-01-05T16:00 progress 100% }
}
risk r1 { chance 20% delay 5d affects build owner dev response "hedge" }
issue i1 { status open raised 2027-01-10 severity high resolution """fix""" date 2027-01-11 }
include "other.plan"
task tail
"#;
        assert!(agree(plan), "the fast reader gave up on a valid plan");
    }

    #[test]
    fn spans_cover_what_the_grammar_covers() {
        for text in [
            "task a\n\n# trailing comment\ntask b",
            "task a { after b\n  # note\n  effort 1d }",
            "task a { assign x , y\n}",
            "calendar c { workdays mon\n , tue\n hours 09:00..10:00 \n }",
            "task a { after b +  3d }",
            "project\n{ }",
            "task a\"t\"{effort 1d}",
            "\u{FEFF}task a",
            "task a { cost 5effort 3d }",
            "team t { resource a \"A\"  }\n# end",
            "team t { resource a\n  { }\n resource b }",
        ] {
            assert!(agree(text), "the fast reader gave up on:\n{text}");
        }
    }

    /// The end of every span in the grammar's tree of `text` that starts
    /// at `at`, and that the fast reader built the same tree.
    fn span_ends_at(text: &str, at: &str) -> Vec<usize> {
        assert!(agree(text), "the fast reader gave up on:\n{text}");
        let mut diags = Diagnostics::new();
        let tree = parse_with_grammar(text, FileId(0), &mut diags, Readers::GrammarOnly);
        let start = text.find(at).unwrap_or(usize::MAX) as u32;
        let debug = format!("{tree:?}");
        let needle = format!("start: {start}, end: ");
        debug
            .match_indices(&needle)
            .filter_map(|(i, _)| {
                let rest = &debug[i + needle.len()..];
                rest[..rest.find(' ')?].parse().ok()
            })
            .collect()
    }

    #[test]
    fn spans_end_at_the_last_token_not_on_the_blanks_after_it() {
        // Each case: the text, where the node starts, and where its code ends.
        for (text, at, code) in [
            ("task a\n\n# c\ntask b", "task a", "task a"),
            ("task a \"A\"  # c\ntask b", "task a", "task a \"A\""),
            ("project  # c\n", "project", "project"),
            ("task a { after b  # c\n }", "after", "after b"),
            ("task a { after b, c + 2d\n }", "after", "after b, c + 2d"),
            (
                "task a { assign x , y 50% \n}",
                "assign",
                "assign x , y 50%",
            ),
            (
                "task a { assign x, any of y, z\n}",
                "assign",
                "assign x, any of y, z",
            ),
            ("task a { tags t, u  }", "tags", "tags t, u"),
            ("team t { resource a, b  }", "resource", "resource a, b"),
            (
                "calendar c { workdays mon..fri, sat\n }",
                "workdays",
                "workdays mon..fri, sat",
            ),
            (
                "calendar c { hours mon 09:00..10:00\n }",
                "hours",
                "hours mon 09:00..10:00",
            ),
            (
                "calendar c { holiday 2027-01-01\n\n }",
                "holiday",
                "holiday 2027-01-01",
            ),
            (
                "risk r { affects a, b.c # c\n }",
                "affects",
                "affects a, b.c",
            ),
        ] {
            let start = text.find(at).unwrap_or(0);
            let end = start + code.len();
            let ends = span_ends_at(text, at);
            assert!(!ends.is_empty(), "no node starts at `{at}` in:\n{text}");
            assert!(
                ends.iter().all(|&e| e <= end),
                "a span from `{at}` runs past `{code}` ({ends:?}, code ends at {end}) in:\n{text}"
            );
            assert!(
                ends.contains(&end),
                "no span from `{at}` ends at `{code}`'s end"
            );
        }
    }

    #[test]
    fn leaves_errors_to_the_grammar() {
        for text in [
            "task",
            "task a {",
            "task a { effort 3 }",
            "task a { effort 3dx }",
            "task a { after b, }",
            "task a { start 2027-02-30 }",
            "task a { progress 150% }",
            "task a { note \"\\q\" }",
            "task a { note \"\\u{D800}\" }",
            "calendar c { hours 10:00..09:00 }",
            "task a { frobnicate 1 }",
            "task a { hours mon, 09:00..10:00 }",
            "project p \"\"\"open",
            "task a { assign 2dev }",
            "milestone m { finished }",
            "milestone m { finished 2027-01-05x }",
        ] {
            assert!(!agree(text), "the fast reader accepted:\n{text}");
        }
    }
}
