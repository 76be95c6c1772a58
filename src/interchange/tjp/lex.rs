//! Tokens of a TaskJuggler file. Macros are expanded here, as tj3 does,
//! on the text: `${name}` may sit inside a string or glue an identifier
//! together (`${content}${major}`), so expansion cannot wait for tokens.
//! Input comes from a stack of frames: the file, files it includes, and
//! macro bodies being expanded. A token from a macro body is located at
//! the outermost `${...}` that produced it, the place a user can edit.

use super::codes;
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// How deep macros may expand inside one another (a macro that uses
/// itself would otherwise never end).
const MAX_EXPANSION_DEPTH: usize = 64;
/// How many bytes all expansions together may add: a few macros that each
/// use the previous one twice would otherwise make gigabytes.
const MAX_EXPANDED_BYTES: usize = 64 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    Str(String),
    Number(f64),
    Duration(f64, Unit),
    Date(DateLit),
    /// A time of day, in minutes after midnight (`24:00` is 1440).
    Time(u32),
    Punct(char),
    Eof,
}

/// Units of a TaskJuggler duration (`30min`, `4h`, `2d`, `1w`, `3m`, `1y`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Min,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// A TaskJuggler date: `2002-01-16`, `2002-03-05-13:00`,
/// `2011-11-11-0:00--0500` (with a UTC offset).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateLit {
    pub year: i16,
    pub month: i8,
    pub day: i8,
    /// Minutes after midnight.
    pub minute: u32,
    /// The written UTC offset in minutes, if any.
    pub offset: Option<i32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
    /// The first token on its line (ends an attribute whose arguments
    /// are not known).
    pub line_start: bool,
}

impl Token {
    pub fn is_punct(&self, c: char) -> bool {
        self.tok == Tok::Punct(c)
    }

    pub fn ident(&self) -> Option<&str> {
        match &self.tok {
            Tok::Ident(s) => Some(s),
            _ => None,
        }
    }

    /// How the token reads in "found ..." messages.
    pub fn describe(&self) -> String {
        match &self.tok {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Str(_) => "a string".into(),
            Tok::Number(_) => "a number".into(),
            Tok::Duration(..) => "a duration".into(),
            Tok::Date(_) => "a date".into(),
            Tok::Time(_) => "a time of day".into(),
            Tok::Punct(c) => format!("`{c}`"),
            Tok::Eof => "the end of the file".into(),
        }
    }
}

struct Frame {
    file: FileId,
    text: Rc<str>,
    pos: usize,
    /// For a macro body: the outermost call, where its tokens are located.
    call: Option<Span>,
    /// For a macro body called with arguments: `${1}`, `${2}`, ...
    args: Option<Rc<Vec<String>>>,
}

#[derive(Clone, Copy)]
struct Loc {
    file: FileId,
    pos: usize,
    call: Option<Span>,
}

pub struct Lexer {
    frames: Vec<Frame>,
    macros: FxHashMap<String, Rc<str>>,
    expanded_bytes: usize,
    /// Where the last character read ended.
    last_end: Option<Loc>,
    saw_newline: bool,
}

impl Lexer {
    pub fn new(file: FileId, text: Rc<str>) -> Lexer {
        Lexer {
            frames: vec![Frame {
                file,
                text,
                pos: 0,
                call: None,
                args: None,
            }],
            macros: FxHashMap::default(),
            expanded_bytes: 0,
            last_end: None,
            saw_newline: true,
        }
    }

    /// Defines (or redefines) a macro, as `macro name [body]` does.
    pub fn define(&mut self, name: &str, body: &str) {
        self.macros.insert(name.to_string(), Rc::from(body));
    }

    /// Continues with `text` (an included file) before the rest.
    pub fn push_file(&mut self, file: FileId, text: Rc<str>) {
        self.frames.push(Frame {
            file,
            text,
            pos: 0,
            call: None,
            args: None,
        });
        self.saw_newline = true;
    }

    /// The next token; `Tok::Eof` at the end of the outermost file.
    pub fn next_token(&mut self) -> Result<Token, Box<Diagnostic>> {
        loop {
            self.skip_trivia()?;
            let line_start = std::mem::take(&mut self.saw_newline);
            let start = self.loc();
            let Some(c) = self.peek_raw() else {
                return Ok(Token {
                    tok: Tok::Eof,
                    span: self.span_from(start),
                    line_start: true,
                });
            };
            let tok = self.token_starting_with(c, start)?;
            if let Tok::Ident(word) = &tok {
                if word == "macro" && self.read_macro_definition(start)? {
                    self.saw_newline = true;
                    continue;
                }
            }
            return Ok(Token {
                tok,
                span: self.span_from(start),
                line_start,
            });
        }
    }

    fn token_starting_with(&mut self, c: char, start: Loc) -> Result<Tok, Box<Diagnostic>> {
        if c == '-' && self.raw_starts_with("-8<-") {
            return self.scissors_string(start).map(Tok::Str);
        }
        if c == '"' || c == '\'' {
            return self.quoted_string(c, start).map(Tok::Str);
        }
        if c.is_ascii_digit() {
            return Ok(self.number_like());
        }
        if c.is_ascii_alphabetic() || c == '_' {
            return Ok(Tok::Ident(self.ident_chars()));
        }
        self.advance();
        Ok(Tok::Punct(c))
    }

    // -------------------------------------------------------------- chars

    fn top_has_text(&self) -> bool {
        self.frames.last().is_some_and(|f| f.pos < f.text.len())
    }

    /// Drops finished frames (never the outermost file).
    fn pop_finished(&mut self) {
        while self.frames.len() > 1 && !self.top_has_text() {
            self.frames.pop();
        }
    }

    /// The next character of the top frame, no macro expansion.
    fn peek_raw(&mut self) -> Option<char> {
        self.pop_finished();
        let f = self.frames.last()?;
        f.text.get(f.pos..)?.chars().next()
    }

    fn raw_starts_with(&mut self, s: &str) -> bool {
        self.pop_finished();
        self.frames
            .last()
            .is_some_and(|f| f.text.get(f.pos..).is_some_and(|t| t.starts_with(s)))
    }

    /// The next character, expanding any `${...}` first.
    fn peek(&mut self) -> Result<Option<char>, Box<Diagnostic>> {
        while self.raw_starts_with("${") {
            self.expand_call()?;
        }
        Ok(self.peek_raw())
    }

    fn advance(&mut self) {
        let Some(c) = self.peek_raw() else { return };
        if let Some(f) = self.frames.last_mut() {
            f.pos += c.len_utf8();
            self.last_end = Some(Loc {
                file: f.file,
                pos: f.pos,
                call: f.call,
            });
        }
    }

    fn loc(&mut self) -> Loc {
        self.pop_finished();
        match self.frames.last() {
            Some(f) => Loc {
                file: f.file,
                pos: f.pos,
                call: f.call,
            },
            None => Loc {
                file: FileId(0),
                pos: 0,
                call: None,
            },
        }
    }

    fn span_from(&self, start: Loc) -> Span {
        if let Some(call) = start.call {
            return call;
        }
        match self.last_end {
            Some(end) if end.file == start.file && end.call.is_none() && end.pos >= start.pos => {
                Span::new(start.file, start.pos, end.pos)
            }
            _ => Span::new(start.file, start.pos, start.pos),
        }
    }

    fn error_at(&self, start: Loc, message: String) -> Box<Diagnostic> {
        let span = self.span_from(start);
        Box::new(Diagnostic::error(codes::SYNTAX, message).at(span, "here"))
    }

    // ------------------------------------------------------------ trivia

    /// Spaces, newlines, `#` and `//` comments, `/* */` comments, and the
    /// expansion of macros that stand between tokens.
    fn skip_trivia(&mut self) -> Result<(), Box<Diagnostic>> {
        loop {
            let Some(c) = self.peek_raw() else {
                return Ok(());
            };
            if c == '\n' {
                self.saw_newline = true;
                self.advance();
            } else if c.is_whitespace() {
                self.advance();
            } else if c == '#' || self.raw_starts_with("//") {
                self.skip_line();
            } else if self.raw_starts_with("/*") {
                self.skip_block_comment()?;
            } else if self.raw_starts_with("${") {
                self.expand_call()?;
            } else {
                return Ok(());
            }
        }
    }

    fn skip_line(&mut self) {
        while let Some(c) = self.peek_raw() {
            if c == '\n' {
                return;
            }
            self.advance();
        }
    }

    fn skip_block_comment(&mut self) -> Result<(), Box<Diagnostic>> {
        let start = self.loc();
        self.advance();
        self.advance();
        loop {
            if self.raw_starts_with("*/") {
                self.advance();
                self.advance();
                return Ok(());
            }
            match self.peek_raw() {
                Some('\n') => {
                    self.saw_newline = true;
                    self.advance();
                }
                Some(_) => self.advance(),
                None => {
                    return Err(self.error_at(
                        start,
                        "expected `*/` closing this comment, found the end of the file".into(),
                    ))
                }
            }
        }
    }

    // ------------------------------------------------------------ tokens

    fn ident_chars(&mut self) -> String {
        let mut out = String::new();
        while let Ok(Some(c)) = self.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                out.push(c);
                self.advance();
            } else {
                break;
            }
        }
        out
    }

    fn digits(&mut self) -> String {
        let mut out = String::new();
        while let Ok(Some(c)) = self.peek() {
            if !c.is_ascii_digit() {
                break;
            }
            out.push(c);
            self.advance();
        }
        out
    }

    /// The text after the current position in the top frame (for looking
    /// ahead a few characters without reading them).
    fn rest(&self) -> &str {
        self.frames
            .last()
            .and_then(|f| f.text.get(f.pos..))
            .unwrap_or("")
    }

    /// A number, a duration, a time of day or a date.
    fn number_like(&mut self) -> Tok {
        let first = self.digits();
        let rest = self.rest();
        if first.len() == 4
            && rest.starts_with('-')
            && rest[1..].starts_with(|c: char| c.is_ascii_digit())
        {
            return self.date_after_year(&first);
        }
        if first.len() <= 2 && rest.starts_with(':') {
            self.advance();
            let minutes = self.digits();
            return Tok::Time(clock_minutes(&first, &minutes));
        }
        let mut text = first;
        let rest = self.rest();
        if rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
            self.advance();
            text.push('.');
            text.push_str(&self.digits());
        }
        let value = text.parse::<f64>().unwrap_or(0.0);
        match self.unit_suffix() {
            Some(unit) => Tok::Duration(value, unit),
            None => Tok::Number(value),
        }
    }

    /// A unit written right after a number, if one is there (and no more
    /// identifier characters follow it).
    fn unit_suffix(&mut self) -> Option<Unit> {
        let rest = self.rest();
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let unit = match word.as_str() {
            "min" => Unit::Min,
            "h" => Unit::Hour,
            "d" => Unit::Day,
            "w" => Unit::Week,
            "m" => Unit::Month,
            "y" => Unit::Year,
            _ => return None,
        };
        for _ in 0..word.len() {
            self.advance();
        }
        Some(unit)
    }

    fn date_after_year(&mut self, year: &str) -> Tok {
        self.advance(); // '-'
        let month = self.digits();
        let mut day = String::new();
        if self.rest().starts_with('-') {
            self.advance();
            day = self.digits();
        }
        let mut minute = 0;
        let after_dash = self.rest().strip_prefix('-').unwrap_or("");
        let hour_len = after_dash.chars().take_while(char::is_ascii_digit).count();
        if (1..=2).contains(&hour_len) && after_dash[hour_len..].starts_with(':') {
            self.advance();
            let hours = self.digits();
            self.advance(); // ':'
            let minutes = self.digits();
            minute = clock_minutes(&hours, &minutes);
            if self.rest().starts_with(':')
                && self.rest()[1..].starts_with(|c: char| c.is_ascii_digit())
            {
                self.advance();
                self.digits(); // seconds: planc has minutes
            }
        }
        let offset = self.utc_offset();
        Tok::Date(DateLit {
            year: year.parse().unwrap_or(0),
            month: month.parse().unwrap_or(0),
            day: day.parse().unwrap_or(0),
            minute,
            offset,
        })
    }

    /// `-+0100` or `--0500` after a date-time.
    fn utc_offset(&mut self) -> Option<i32> {
        let rest = self.rest();
        let b = rest.as_bytes();
        if b.len() < 6 || b[0] != b'-' || !(b[1] == b'+' || b[1] == b'-') {
            return None;
        }
        if !b[2..6].iter().all(u8::is_ascii_digit) {
            return None;
        }
        let sign = if b[1] == b'-' { -1 } else { 1 };
        let hours = i32::from(b[2] - b'0') * 10 + i32::from(b[3] - b'0');
        let minutes = i32::from(b[4] - b'0') * 10 + i32::from(b[5] - b'0');
        for _ in 0..6 {
            self.advance();
        }
        Some(sign * (hours * 60 + minutes))
    }

    fn quoted_string(&mut self, quote: char, start: Loc) -> Result<String, Box<Diagnostic>> {
        self.advance();
        let mut out = String::new();
        loop {
            match self.peek()? {
                None => {
                    return Err(self.error_at(
                        start,
                        format!(
                            "expected `{quote}` closing this string, found the end of the file"
                        ),
                    ))
                }
                Some(c) if c == quote => {
                    self.advance();
                    return Ok(out);
                }
                Some('\\') => {
                    self.advance();
                    if let Some(c) = self.peek()? {
                        out.push(c);
                        self.advance();
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.advance();
                }
            }
        }
    }

    /// `-8<- ... ->8-`: text on the lines between, without the indentation
    /// of its first line.
    fn scissors_string(&mut self, start: Loc) -> Result<String, Box<Diagnostic>> {
        for _ in 0..4 {
            self.advance();
        }
        let mut raw = String::new();
        loop {
            if self.raw_starts_with("->8-") {
                for _ in 0..4 {
                    self.advance();
                }
                return Ok(dedent(&raw));
            }
            match self.peek()? {
                Some(c) => {
                    raw.push(c);
                    self.advance();
                }
                None => {
                    return Err(self.error_at(
                        start,
                        "expected `->8-` closing this text, found the end of the file".into(),
                    ))
                }
            }
        }
    }

    // ------------------------------------------------------------ macros

    /// After the word `macro`: `name [ body ]`. Reads it and returns true;
    /// false (nothing read) when what follows is not a definition.
    fn read_macro_definition(&mut self, start: Loc) -> Result<bool, Box<Diagnostic>> {
        let rest = self.rest();
        let after_space = rest.trim_start_matches([' ', '\t']);
        if !after_space.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return Ok(false);
        }
        while matches!(self.peek_raw(), Some(' ' | '\t')) {
            self.advance();
        }
        let mut name = String::new();
        while let Some(c) = self.peek_raw() {
            if !(c.is_ascii_alphanumeric() || c == '_') {
                break;
            }
            name.push(c);
            self.advance();
        }
        while matches!(self.peek_raw(), Some(c) if c.is_whitespace()) {
            self.advance();
        }
        if self.peek_raw() != Some('[') {
            return Err(self.error_at(
                start,
                format!("expected `[` starting the body of macro `{name}`"),
            ));
        }
        self.advance();
        let mut depth = 1usize;
        let mut body = String::new();
        loop {
            match self.peek_raw() {
                None => {
                    return Err(self.error_at(
                        start,
                        format!("expected `]` closing the body of macro `{name}`, found the end of the file"),
                    ))
                }
                Some(c) => {
                    self.advance();
                    match c {
                        '[' => depth += 1,
                        ']' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    body.push(c);
                }
            }
        }
        self.define(&name, &body);
        Ok(true)
    }

    /// Reads `${name args...}` at the current position and continues with
    /// the macro's body.
    fn expand_call(&mut self) -> Result<(), Box<Diagnostic>> {
        let start = self.loc();
        self.advance();
        self.advance();
        let mut inner = String::new();
        let mut quote: Option<char> = None;
        loop {
            let Some(c) = self.peek_raw() else {
                return Err(self.error_at(
                    start,
                    "expected `}` closing this macro call, found the end of the file".into(),
                ));
            };
            self.advance();
            match (quote, c) {
                (None, '}') => break,
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            inner.push(c);
        }
        let call = match start.call {
            Some(outer) => outer,
            None => self.span_from(start),
        };
        let (name, args) = split_call(&inner);
        let body = self.macro_body(&name).ok_or_else(|| {
            Box::new(
                Diagnostic::error(codes::UNKNOWN_MACRO, format!("no macro named `{name}`"))
                    .at(call, "used here")
                    .with_help("define it first: `macro NAME [ text ]`"),
            )
        })?;
        if self.frames.len() > MAX_EXPANSION_DEPTH {
            return Err(Box::new(Diagnostic::error(
                codes::MACRO_LIMIT,
                format!("macros expand more than {MAX_EXPANSION_DEPTH} levels deep here (does `{name}` use itself?)"),
            )
            .at(call, "expanding this")));
        }
        self.expanded_bytes = self.expanded_bytes.saturating_add(body.len());
        if self.expanded_bytes > MAX_EXPANDED_BYTES {
            return Err(Box::new(
                Diagnostic::error(
                    codes::MACRO_LIMIT,
                    "macros expand to more than 64 MiB of text".to_string(),
                )
                .at(call, "expanding this"),
            ));
        }
        let file = start.file;
        self.frames.push(Frame {
            file,
            text: body,
            pos: 0,
            call: Some(call),
            args: (!args.is_empty()).then(|| Rc::new(args)),
        });
        Ok(())
    }

    /// The body of `name`: a defined macro, or `1`, `2`, ... an argument of
    /// the macro being expanded.
    fn macro_body(&self, name: &str) -> Option<Rc<str>> {
        if let Ok(n) = name.parse::<usize>() {
            let args = self.frames.iter().rev().find_map(|f| f.args.clone())?;
            return n
                .checked_sub(1)
                .and_then(|i| args.get(i))
                .map(|a| Rc::from(a.as_str()));
        }
        self.macros.get(name).cloned()
    }
}

/// `name "arg one" 'arg two' three` inside `${...}`.
fn split_call(inner: &str) -> (String, Vec<String>) {
    let inner = inner.trim();
    let name_end = inner
        .find(|c: char| c.is_whitespace())
        .unwrap_or(inner.len());
    let name = inner[..name_end].trim_start_matches('?').to_string();
    let mut args = Vec::new();
    let mut chars = inner[name_end..].chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '\'' {
            chars.next();
            let arg: String = chars.by_ref().take_while(|&d| d != c).collect();
            args.push(arg);
        } else {
            let mut arg = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_whitespace() {
                    break;
                }
                arg.push(d);
                chars.next();
            }
            args.push(arg);
        }
    }
    (name, args)
}

fn clock_minutes(hours: &str, minutes: &str) -> u32 {
    let h: u32 = hours.parse().unwrap_or(0);
    let m: u32 = minutes.parse().unwrap_or(0);
    h.saturating_mul(60).saturating_add(m)
}

/// The lines of a scissors text, without the first line's indentation and
/// without the blank first and last lines.
fn dedent(raw: &str) -> String {
    let body = raw
        .strip_prefix('\n')
        .or_else(|| raw.strip_prefix("\r\n"))
        .unwrap_or(raw);
    let indent: String = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.chars().take_while(|c| *c == ' ' || *c == '\t').collect())
        .unwrap_or_default();
    let lines: Vec<&str> = body
        .lines()
        .map(|l| l.strip_prefix(indent.as_str()).unwrap_or(l.trim_start()))
        .collect();
    lines.join("\n").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<Tok> {
        let mut lexer = Lexer::new(FileId(0), Rc::from(text));
        let mut out = Vec::new();
        loop {
            let t = lexer.next_token().expect("lexes");
            if t.tok == Tok::Eof {
                return out;
            }
            out.push(t.tok);
        }
    }

    fn ident(s: &str) -> Tok {
        Tok::Ident(s.into())
    }

    #[test]
    fn words_numbers_durations_dates_and_times() {
        assert_eq!(
            tokens("effort 20d rate 390.0 9:00 - 17:00"),
            vec![
                ident("effort"),
                Tok::Duration(20.0, Unit::Day),
                ident("rate"),
                Tok::Number(390.0),
                Tok::Time(540),
                Tok::Punct('-'),
                Tok::Time(1020),
            ]
        );
        let date = |minute, offset| {
            Tok::Date(DateLit {
                year: 2011,
                month: 11,
                day: 11,
                minute,
                offset,
            })
        };
        assert_eq!(tokens("2011-11-11"), vec![date(0, None)]);
        assert_eq!(tokens("2011-11-11-13:30"), vec![date(810, None)]);
        assert_eq!(tokens("2011-11-11-0:00--0500"), vec![date(0, Some(-300))]);
        assert_eq!(
            tokens("2011-11-11 - 2011-11-11"),
            vec![date(0, None), Tok::Punct('-'), date(0, None)]
        );
    }

    #[test]
    fn comments_and_strings_of_every_kind() {
        assert_eq!(
            tokens("# one\n/* two\n */ a // three\n\"b \\\" c\" 'd'"),
            vec![ident("a"), Tok::Str("b \" c".into()), Tok::Str("d".into())]
        );
        assert_eq!(
            tokens("note -8<-\n    first\n      second\n    ->8-"),
            vec![ident("note"), Tok::Str("first\n  second".into())]
        );
    }

    #[test]
    fn macros_expand_in_words_and_strings_with_arguments() {
        let text = "macro a [f]\nmacro b [20]\nmacro hi [\"hello ${1}\"]\n${a}${b} \"${a} x\" ${hi \"you\"}";
        assert_eq!(
            tokens(text),
            vec![
                ident("f20"),
                Tok::Str("f x".into()),
                Tok::Str("hello you".into())
            ]
        );
    }

    #[test]
    fn a_macro_using_itself_is_an_error_not_a_hang() {
        let mut lexer = Lexer::new(FileId(0), Rc::from("macro a [${a}]\n${a}"));
        let error = lexer.next_token().expect_err("recursion is refused");
        assert_eq!(error.code, codes::MACRO_LIMIT);
        let mut lexer = Lexer::new(FileId(0), Rc::from("${nope}"));
        assert_eq!(
            lexer.next_token().expect_err("unknown").code,
            codes::UNKNOWN_MACRO
        );
    }

    #[test]
    fn tokens_from_a_macro_are_located_at_its_call() {
        let mut lexer = Lexer::new(FileId(0), Rc::from("macro m [x y]\n  ${m}"));
        let x = lexer.next_token().expect("x");
        assert_eq!((x.span.start, x.span.end), (16, 20));
        assert!(x.line_start);
    }

    #[test]
    fn a_truncated_string_names_what_was_expected() {
        let mut lexer = Lexer::new(FileId(0), Rc::from("note \"abc"));
        lexer.next_token().expect("note");
        let error = lexer.next_token().expect_err("truncated");
        assert!(error.message.contains("expected `\"`"), "{}", error.message);
    }
}
