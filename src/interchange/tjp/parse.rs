//! Recursive descent over the TaskJuggler subset `planc import` reads
//! (see the module doc of `tjp`). Attributes it does not carry over are
//! skipped whole and kept as notes; an attribute whose arguments it does
//! not know ends where a new line starts a new word (outside brackets and
//! after no comma), which is how TaskJuggler files are written.

use super::codes;
use super::lex::{DateLit, Lexer, Tok, Token, Unit};
use super::model::*;
use super::Files;
use crate::diagnostic::Diagnostic;
use crate::source::Span;
use std::collections::VecDeque;

/// How deep tasks, resources and blocks may nest: far beyond any real
/// plan, and well within the stack.
const MAX_NESTING: usize = 200;

/// Top-level words that start a report or a report-like declaration.
const REPORTS: &[&str] = &[
    "taskreport",
    "textreport",
    "resourcereport",
    "tracereport",
    "accountreport",
    "icalreport",
    "export",
    "navigator",
    "statussheetreport",
    "timesheetreport",
    "nikureport",
    "tagfile",
];

/// Words TaskJuggler knows that planc does not carry over (a note each,
/// no warning).
const KNOWN_UNSUPPORTED: &[&str] = &[
    "copyright",
    "flags",
    "account",
    "balance",
    "supplement",
    "timesheet",
    "statussheet",
    "projectid",
    "projectids",
    "auxdir",
    "timeformat",
    "shorttimeformat",
    "numberformat",
    "currencyformat",
    "scenario",
    "extend",
    "timingresolution",
    "weekstartsmonday",
    "weekstartssunday",
    "outputdir",
    "alertlevels",
    "trackingscenario",
    "journalentry",
    "markdate",
    "email",
    "managers",
    "booking",
    "chargeset",
    "charge",
    "purge",
    "responsible",
    "scheduling",
    "minstart",
    "maxstart",
    "minend",
    "statusnote",
    "shifts",
    "shift",
    "select",
    "persistent",
    "mandatory",
    "replace",
    "fail",
    "warn",
    "projection",
    "leaveallowance",
    "limits",
    "startbuffer",
    "endbuffer",
    "startcredit",
    "endcredit",
];

pub struct Parser<'f, 's> {
    lexer: Lexer,
    ahead: VecDeque<Token>,
    last: Option<Span>,
    files: &'f mut Files<'s>,
    depth: usize,
    /// Attributes the file declares with `extend`: kept as comments
    /// without a warning.
    custom: rustc_hash::FxHashSet<String>,
    pub diagnostics: Vec<Diagnostic>,
}

type Result<T> = std::result::Result<T, Box<Diagnostic>>;

impl<'f, 's> Parser<'f, 's> {
    pub fn new(lexer: Lexer, files: &'f mut Files<'s>) -> Self {
        Parser {
            lexer,
            ahead: VecDeque::new(),
            last: None,
            files,
            depth: 0,
            custom: rustc_hash::FxHashSet::default(),
            diagnostics: Vec::new(),
        }
    }

    // ------------------------------------------------------------ tokens

    fn peek_at(&mut self, n: usize) -> Result<&Token> {
        while self.ahead.len() <= n {
            let t = self.lexer.next_token()?;
            self.ahead.push_back(t);
        }
        Ok(&self.ahead[n])
    }

    fn peek(&mut self) -> Result<&Token> {
        self.peek_at(0)
    }

    fn bump(&mut self) -> Result<Token> {
        self.peek()?;
        let t = self.ahead.pop_front().unwrap_or(Token {
            tok: Tok::Eof,
            span: Span::new(crate::source::FileId(0), 0, 0),
            line_start: true,
        });
        self.last = Some(t.span);
        Ok(t)
    }

    fn at_punct(&mut self, c: char) -> Result<bool> {
        Ok(self.peek()?.is_punct(c))
    }

    fn expected(&mut self, what: &str) -> Box<Diagnostic> {
        match self.peek() {
            Ok(t) => {
                let found = t.describe();
                let span = t.span;
                Box::new(
                    Diagnostic::error(codes::SYNTAX, format!("expected {what}, found {found}"))
                        .at(span, format!("expected {what}")),
                )
            }
            Err(e) => e,
        }
    }

    fn expect_punct(&mut self, c: char, what: &str) -> Result<Span> {
        if self.at_punct(c)? {
            Ok(self.bump()?.span)
        } else {
            Err(self.expected(what))
        }
    }

    fn expect_ident(&mut self, what: &str) -> Result<(String, Span)> {
        if let Tok::Ident(s) = &self.peek()?.tok {
            let s = s.clone();
            let span = self.bump()?.span;
            return Ok((s, span));
        }
        Err(self.expected(what))
    }

    fn expect_string(&mut self, what: &str) -> Result<String> {
        if let Tok::Str(s) = &self.peek()?.tok {
            let s = s.clone();
            self.bump()?;
            return Ok(s);
        }
        Err(self.expected(what))
    }

    fn optional_string(&mut self) -> Result<Option<String>> {
        if matches!(self.peek()?.tok, Tok::Str(_)) {
            return self.expect_string("a string").map(Some);
        }
        Ok(None)
    }

    fn expect_date(&mut self, what: &str) -> Result<DateLit> {
        if let Tok::Date(d) = self.peek()?.tok {
            let span = self.bump()?.span;
            if jiff::civil::Date::new(d.year, d.month, d.day).is_err() || d.minute > 24 * 60 {
                return Err(Box::new(
                    Diagnostic::error(codes::SYNTAX, "not a valid date")
                        .at(span, "expected YYYY-MM-DD[-hh:mm]"),
                ));
            }
            return Ok(d);
        }
        Err(self.expected(what))
    }

    fn expect_number(&mut self, what: &str) -> Result<f64> {
        if let Tok::Number(n) = self.peek()?.tok {
            self.bump()?;
            return Ok(n);
        }
        Err(self.expected(what))
    }

    fn expect_duration(&mut self, what: &str) -> Result<Dur> {
        match self.peek()?.tok {
            Tok::Duration(value, unit) => {
                self.bump()?;
                Ok(Dur { value, unit })
            }
            // A bare number is days, as in tj3.
            Tok::Number(value) => {
                self.bump()?;
                Ok(Dur {
                    value,
                    unit: Unit::Day,
                })
            }
            _ => Err(self.expected(what)),
        }
    }

    /// Runs `item` for every attribute in `{ ... }` (the `{` is next).
    fn block(
        &mut self,
        owner: &str,
        mut item: impl FnMut(&mut Self, String, Span) -> Result<()>,
    ) -> Result<()> {
        let open = self.expect_punct('{', "`{`")?;
        self.nest(open)?;
        loop {
            let t = self.peek()?.clone();
            match &t.tok {
                Tok::Punct('}') => {
                    self.bump()?;
                    break;
                }
                Tok::Eof => {
                    return Err(Box::new(
                        Diagnostic::error(
                            codes::SYNTAX,
                            format!(
                            "expected `}}` closing the {owner} block, found the end of the file"
                        ),
                        )
                        .at(t.span, "the file ends here")
                        .also(open, "the block opens here"),
                    ));
                }
                Tok::Ident(word) => {
                    let word = word.clone();
                    if self.peek_at(1)?.is_punct(':')
                        && matches!(self.peek_at(2)?.tok, Tok::Ident(_))
                    {
                        // `delayed:effort 40d`: another scenario's value.
                        item(self, format!("{word}:"), t.span)?;
                        continue;
                    }
                    item(self, word, t.span)?;
                }
                _ => {
                    return Err(self.expected(&format!("an attribute of the {owner} or `}}`")));
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn nest(&mut self, at: Span) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(Box::new(
                Diagnostic::error(
                    codes::TOO_DEEP,
                    format!("blocks nest more than {MAX_NESTING} deep"),
                )
                .at(at, "too deep"),
            ));
        }
        Ok(())
    }

    // ------------------------------------------------------------ skipping

    /// Skips the attribute or declaration starting at the next token and
    /// returns a note quoting its first line.
    fn skip(&mut self, why: &str) -> Result<Note> {
        let first = self.bump()?;
        let mut last = first.span;
        let mut depth = 0usize;
        let mut after_comma = false;
        loop {
            let t = self.peek()?.clone();
            if t.tok == Tok::Eof {
                if depth > 0 {
                    return Err(self.expected("`}` closing the block"));
                }
                break;
            }
            if depth == 0 && ((t.line_start && !after_comma) || t.is_punct('}')) {
                break;
            }
            match t.tok {
                Tok::Punct('{' | '(' | '[') => depth += 1,
                Tok::Punct('}' | ')' | ']') => depth = depth.saturating_sub(1),
                _ => {}
            }
            after_comma = t.is_punct(',');
            self.bump()?;
            last = t.span;
        }
        let text = self.files.first_line(first.span, last);
        Ok(Note {
            text: format!("`{text}`: {why}"),
        })
    }

    /// A note kept where it was found and, for a word planc does not know
    /// at all, a warning.
    fn skip_word(&mut self, word: &str, span: Span, notes: &mut Vec<Note>) -> Result<()> {
        if word.ends_with(':') {
            notes.push(self.skip("only the first scenario is imported")?);
        } else if REPORTS.contains(&word) {
            notes.push(self.skip("reports are not imported (planc build writes its own)")?);
        } else if self.custom.contains(word) {
            notes.push(self.skip("a custom attribute")?);
        } else if KNOWN_UNSUPPORTED.contains(&word) {
            notes.push(self.skip("no plan equivalent")?);
        } else {
            self.diagnostics.push(
                Diagnostic::warning(
                    codes::SKIPPED,
                    format!("`{word}` is not something planc imports; skipped"),
                )
                .at(span, "skipped (kept as a `# import:` comment)"),
            );
            notes.push(self.skip("not imported")?);
        }
        Ok(())
    }

    // ------------------------------------------------------------ file

    pub fn file(mut self) -> Result<(TjProject, Vec<Diagnostic>)> {
        let mut out = TjProject::default();
        loop {
            let t = self.peek()?.clone();
            let Tok::Ident(word) = &t.tok else {
                if t.tok == Tok::Eof {
                    break;
                }
                return Err(self.expected("a declaration such as `project`, `resource` or `task`"));
            };
            match word.as_str() {
                "project" => {
                    if out.project.span.is_some() {
                        return Err(Box::new(
                            Diagnostic::error(codes::SYNTAX, "a second `project`")
                                .at(t.span, "TaskJuggler files have one project"),
                        ));
                    }
                    out.project = self.project()?;
                }
                "resource" => {
                    let r = self.resource()?;
                    out.resources.push(r);
                }
                "task" => {
                    let task = self.task()?;
                    out.tasks.push(task);
                }
                "leaves" => {
                    self.bump()?;
                    let leaves = self.leaves()?;
                    out.holidays.extend(leaves);
                }
                "vacation" => {
                    self.bump()?;
                    let leaves = self.vacations()?;
                    out.holidays.extend(leaves);
                }
                "rate" if matches!(self.peek_at(1)?.tok, Tok::Number(_)) => {
                    self.bump()?;
                    out.default_rate = Some(self.expect_number("a rate")?);
                }
                "shift" => {
                    let shift = self.shift()?;
                    out.shifts.push(shift);
                }
                "include" => self.include(&mut out.notes)?,
                "macro" => {
                    out.notes
                        .push(self.skip("not a macro definition TaskJuggler accepts")?);
                }
                _ => {
                    let word = word.clone();
                    self.skip_word(&word, t.span, &mut out.notes)?;
                }
            }
        }
        if out.project.span.is_none() {
            let span = self
                .last
                .unwrap_or(Span::new(crate::source::FileId(0), 0, 0));
            return Err(Box::new(
                Diagnostic::error(
                    codes::SYNTAX,
                    "expected a `project` declaration, found none",
                )
                .at(span, "the file ends without a project")
                .with_help("a TaskJuggler file starts with `project ID \"Name\" START +DURATION`"),
            ));
        }
        Ok((out, self.diagnostics))
    }

    fn include(&mut self, notes: &mut Vec<Note>) -> Result<()> {
        let keyword = self.bump()?;
        let (name, span) = match self.peek()?.tok.clone() {
            Tok::Str(name) => (name, self.bump()?.span),
            _ => return Err(self.expected("the file name to include, in quotes")),
        };
        // Nothing after the name may be read before the included file is
        // pushed: its text comes first.
        let (file, text) = self.files.load(keyword.span.file, &name, span)?;
        self.lexer.push_file(file, text);
        notes.push(Note {
            text: format!("included \"{name}\""),
        });
        Ok(())
    }

    // ------------------------------------------------------------ project

    fn project(&mut self) -> Result<Project> {
        let keyword = self.bump()?;
        let mut p = Project {
            span: Some(keyword.span),
            ..Project::default()
        };
        if let Tok::Ident(id) = &self.peek()?.tok {
            p.id = Some(id.clone());
            self.bump()?;
        }
        p.name = self.expect_string("the project's name, in quotes")?;
        p.version = self.optional_string()?;
        let start = self.expect_date("the project's start date")?;
        p.start = Some(start);
        let end = if self.at_punct('-')? {
            self.bump()?;
            let end = self.expect_date("the project's end date")?;
            p.end = Some(date_text(end));
            date_time_text(end)
        } else if self.at_punct('+')? {
            self.bump()?;
            let d = self.expect_duration("the project's duration (`+4m`)")?;
            p.end = Some(format!("+{}{}", number_text(d.value), unit_text(d.unit)));
            end_after(start, d)
        } else {
            return Err(self.expected("`- END` or `+DURATION` after the project's start"));
        };
        self.define_project_macros(start, &end);
        if self.at_punct('{')? {
            self.block("project", |s, word, span| {
                s.project_attribute(&mut p, &word, span)
            })?;
        }
        Ok(p)
    }

    /// The built-in macros tj3 defines once the header is read (`now`
    /// is the start until the project says otherwise: tj3's default, the
    /// moment it runs, would make imports differ from day to day).
    fn define_project_macros(&mut self, start: DateLit, end: &str) {
        let text = date_time_text(start);
        self.lexer.define("projectstart", &text);
        self.lexer.define("now", &text);
        self.lexer.define("today", &text);
        self.lexer.define("projectend", end);
    }

    fn project_attribute(&mut self, p: &mut Project, word: &str, span: Span) -> Result<()> {
        match word {
            "timezone" => {
                self.bump()?;
                p.timezone = Some(self.expect_string("a time zone name")?);
            }
            "now" => {
                self.bump()?;
                let now = self.expect_date("a date")?;
                self.lexer.define("now", &date_time_text(now));
                self.lexer.define("today", &date_time_text(now));
                p.now = Some(now);
            }
            "currency" => {
                self.bump()?;
                p.currency = Some(self.expect_string("a currency code")?);
            }
            "dailyworkinghours" => {
                self.bump()?;
                p.daily_hours = Some(self.expect_number("a number of hours")?);
            }
            "yearlyworkingdays" => {
                self.bump()?;
                p.yearly_days = Some(self.expect_number("a number of days")?);
            }
            "workinghours" => {
                self.bump()?;
                let wh = self.working_hours()?;
                p.working_hours.push(wh);
            }
            "extend" => self.extend(&mut p.notes)?,
            _ => self.skip_word(word, span, &mut p.notes)?,
        }
        Ok(())
    }

    /// `extend task|resource { TYPE id "Name" [{ ... }] ... }`: custom
    /// attributes, remembered so that their values become comments.
    fn extend(&mut self, notes: &mut Vec<Note>) -> Result<()> {
        self.bump()?;
        let (kind, _) = self.expect_ident("`task` or `resource`")?;
        let mut names = Vec::new();
        self.block("extend", |s, _, _| {
            s.bump()?;
            let (id, _) = s.expect_ident("the custom attribute's id")?;
            s.optional_string()?;
            if s.at_punct('{')? {
                s.block("custom attribute", |s, _, _| s.skip("").map(drop))?;
            }
            names.push(id);
            Ok(())
        })?;
        notes.push(Note {
            text: format!(
                "custom {kind} attributes {}: their values are kept as comments",
                names.join(", ")
            ),
        });
        self.custom.extend(names);
        Ok(())
    }

    // ------------------------------------------------------------ time

    fn working_hours(&mut self) -> Result<WorkingHours> {
        let mut days = Vec::new();
        loop {
            let (first, _) = self.expect_ident("a day of the week (`mon`, ...)")?;
            let from = self.weekday(&first)?;
            if self.at_punct('-')? && matches!(self.peek_at(1)?.tok, Tok::Ident(_)) {
                self.bump()?;
                let (last, _) = self.expect_ident("a day of the week")?;
                let to = self.weekday(&last)?;
                let mut d = from;
                loop {
                    days.push(d);
                    if d == to {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            } else {
                days.push(from);
            }
            if self.at_punct(',')? && matches!(self.peek_at(1)?.tok, Tok::Ident(_)) {
                self.bump()?;
                continue;
            }
            break;
        }
        let mut hours = Vec::new();
        if self.peek()?.ident() == Some("off") {
            self.bump()?;
            return Ok(WorkingHours { days, hours });
        }
        loop {
            let from = self.expect_time()?;
            self.expect_punct('-', "`-` between the two times")?;
            let to = self.expect_time()?;
            hours.push((from, to.max(from)));
            if self.at_punct(',')? {
                self.bump()?;
                continue;
            }
            break;
        }
        Ok(WorkingHours { days, hours })
    }

    fn expect_time(&mut self) -> Result<u32> {
        if let Tok::Time(t) = self.peek()?.tok {
            let span = self.bump()?.span;
            if t > 24 * 60 {
                return Err(Box::new(
                    Diagnostic::error(codes::SYNTAX, "not a time of day")
                        .at(span, "expected hh:mm up to 24:00"),
                ));
            }
            return Ok(t);
        }
        Err(self.expected("a time of day (`9:00`) or `off`"))
    }

    fn weekday(&mut self, word: &str) -> Result<usize> {
        const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let lower = word.to_ascii_lowercase();
        DAYS.iter()
            .position(|d| lower.starts_with(d))
            .ok_or_else(|| {
                let span = self
                    .last
                    .unwrap_or(Span::new(crate::source::FileId(0), 0, 0));
                Box::new(
                    Diagnostic::error(
                        codes::SYNTAX,
                        format!("expected a day of the week, found `{word}`"),
                    )
                    .at(span, "expected mon, tue, wed, thu, fri, sat or sun"),
                )
            })
    }

    fn interval(&mut self) -> Result<Interval> {
        let start = self.expect_date("a date")?;
        let end = if self.at_punct('-')? && matches!(self.peek_at(1)?.tok, Tok::Date(_)) {
            self.bump()?;
            IntervalEnd::Until(self.expect_date("a date")?)
        } else if self.at_punct('+')? {
            self.bump()?;
            IntervalEnd::For(self.expect_duration("a duration")?)
        } else {
            IntervalEnd::WholeDay
        };
        Ok(Interval { start, end })
    }

    /// After `leaves`: `TYPE ["name"] INTERVAL, ...`.
    fn leaves(&mut self) -> Result<Vec<Leave>> {
        let mut out = Vec::new();
        loop {
            let (kind, span) = self.expect_ident("the kind of leave (`holiday`, `annual`, ...)")?;
            let name = self.optional_string()?;
            let interval = self.interval()?;
            out.push(Leave {
                kind,
                name,
                interval,
                span,
            });
            if self.at_punct(',')? {
                self.bump()?;
                continue;
            }
            return Ok(out);
        }
    }

    /// After `vacation`: `["name"] INTERVAL, ...`.
    fn vacations(&mut self) -> Result<Vec<Leave>> {
        let mut out = Vec::new();
        loop {
            let span = self.peek()?.span;
            let name = self.optional_string()?;
            let interval = self.interval()?;
            out.push(Leave {
                kind: "holiday".into(),
                name,
                interval,
                span,
            });
            if self.at_punct(',')? {
                self.bump()?;
                continue;
            }
            return Ok(out);
        }
    }

    fn shift(&mut self) -> Result<Shift> {
        self.bump()?;
        let (id, _) = self.expect_ident("the shift's id")?;
        let name = self.optional_string()?.unwrap_or_else(|| id.clone());
        let mut shift = Shift {
            id,
            name,
            working_hours: Vec::new(),
            leaves: Vec::new(),
            notes: Vec::new(),
            children: Vec::new(),
        };
        if self.at_punct('{')? {
            self.block("shift", |s, word, span| {
                match word.as_str() {
                    "workinghours" => {
                        s.bump()?;
                        let wh = s.working_hours()?;
                        shift.working_hours.push(wh);
                    }
                    "leaves" => {
                        s.bump()?;
                        let l = s.leaves()?;
                        shift.leaves.extend(l);
                    }
                    "vacation" => {
                        s.bump()?;
                        let l = s.vacations()?;
                        shift.leaves.extend(l);
                    }
                    "shift" => {
                        let child = s.shift()?;
                        shift.children.push(child);
                    }
                    _ => s.skip_word(&word, span, &mut shift.notes)?,
                }
                Ok(())
            })?;
        }
        Ok(shift)
    }

    // ------------------------------------------------------------ resources

    fn resource(&mut self) -> Result<Resource> {
        let keyword = self.bump()?;
        let (id, _) = self.expect_ident("the resource's id")?;
        let name = self.optional_string()?.unwrap_or_else(|| id.clone());
        let mut r = Resource {
            id,
            name,
            span: Some(keyword.span),
            ..Resource::default()
        };
        if self.at_punct('{')? {
            self.block("resource", |s, word, span| {
                s.resource_attribute(&mut r, &word, span)
            })?;
        }
        Ok(r)
    }

    fn resource_attribute(&mut self, r: &mut Resource, word: &str, span: Span) -> Result<()> {
        match word {
            "resource" => {
                let child = self.resource()?;
                r.children.push(child);
            }
            "rate" => {
                self.bump()?;
                r.rate = Some(self.expect_number("a daily rate")?);
            }
            "efficiency" => {
                self.bump()?;
                r.efficiency = Some(self.expect_number("an efficiency (1.0 is normal)")?);
            }
            "limits" => {
                self.bump()?;
                for limit in self.limits()? {
                    match limit {
                        Limit::DailyMax(d, resources) if resources.is_empty() => {
                            r.daily_max = Some(d)
                        }
                        Limit::DailyMax(..) => r.notes.push(Note {
                            text: "a `dailymax` limit for other resources: not imported".into(),
                        }),
                        Limit::Other(note) => r.notes.push(note),
                    }
                }
            }
            "leaves" => {
                self.bump()?;
                let l = self.leaves()?;
                r.leaves.extend(l);
            }
            "vacation" => {
                self.bump()?;
                let l = self.vacations()?;
                r.leaves.extend(l);
            }
            "workinghours" => {
                self.bump()?;
                let wh = self.working_hours()?;
                r.working_hours.push(wh);
            }
            "shifts" | "shift"
                if matches!(self.peek_at(1)?.tok, Tok::Ident(_))
                    && !matches!(self.peek_at(2)?.tok, Tok::Date(_)) =>
            {
                self.bump()?;
                let (id, span) = self.expect_ident("a shift's id")?;
                r.shift = Some((id, span));
            }
            _ => self.skip_word(word, span, &mut r.notes)?,
        }
        Ok(())
    }

    /// After `limits`: `{ dailymax 6h [{ resources r1, r2 }] ... }`.
    fn limits(&mut self) -> Result<Vec<Limit>> {
        let mut out = Vec::new();
        self.block("limits", |s, word, _| {
            if word != "dailymax" {
                let note = s.skip("only `dailymax` limits are imported")?;
                out.push(Limit::Other(note));
                return Ok(());
            }
            s.bump()?;
            let d = s.expect_duration("a duration")?;
            let mut resources = Vec::new();
            if s.at_punct('{')? {
                let mut other = Vec::new();
                s.block("limit", |s, word, _| {
                    if word == "resources" {
                        s.bump()?;
                        loop {
                            let (r, _) = s.expect_ident("a resource id")?;
                            resources.push(r);
                            if s.at_punct(',')? {
                                s.bump()?;
                                continue;
                            }
                            return Ok(());
                        }
                    }
                    let note = s.skip("not imported")?;
                    other.push(note);
                    Ok(())
                })?;
                if !other.is_empty() {
                    out.push(Limit::Other(Note {
                        text: "`dailymax` with a period or other condition: not imported".into(),
                    }));
                    return Ok(());
                }
            }
            out.push(Limit::DailyMax(d, resources));
            Ok(())
        })?;
        Ok(out)
    }

    // ------------------------------------------------------------ tasks

    fn task(&mut self) -> Result<Task> {
        let keyword = self.bump()?;
        let mut task = Task {
            span: Some(keyword.span),
            ..Task::default()
        };
        if let Tok::Ident(id) = &self.peek()?.tok {
            task.id = Some(id.clone());
            self.bump()?;
        }
        task.name = self.expect_string("the task's name, in quotes")?;
        if self.at_punct('{')? {
            self.block("task", |s, word, span| {
                s.task_attribute(&mut task, &word, span)
            })?;
        }
        Ok(task)
    }

    fn task_attribute(&mut self, t: &mut Task, word: &str, span: Span) -> Result<()> {
        match word {
            "task" => {
                let child = self.task()?;
                t.children.push(child);
            }
            "milestone" => {
                self.bump()?;
                t.milestone = true;
            }
            "effort" | "length" | "duration" => {
                self.bump()?;
                let d = self.expect_duration("a duration (`5d`)")?;
                t.work = Some(match word {
                    "effort" => Work::Effort(d),
                    "length" => Work::Length(d),
                    _ => Work::Duration(d),
                });
            }
            "start" => {
                self.bump()?;
                t.start = Some(self.expect_date("a date")?);
            }
            "end" => {
                self.bump()?;
                t.end = Some(self.expect_date("a date")?);
            }
            "period" => {
                self.bump()?;
                let i = self.interval()?;
                t.start = Some(i.start);
                match i.end {
                    IntervalEnd::Until(end) => t.end = Some(end),
                    _ => t.notes.push(Note {
                        text: "a `period` without an end date: only its start is imported".into(),
                    }),
                }
            }
            "maxend" => {
                self.bump()?;
                t.max_end = Some(self.expect_date("a date")?);
            }
            "priority" => {
                self.bump()?;
                t.priority = Some(self.expect_number("a priority (1 to 1000)")?);
            }
            "complete" => {
                self.bump()?;
                t.complete = Some(self.expect_number("a percentage (0 to 100)")?);
            }
            "depends" => {
                self.bump()?;
                let deps = self.dependencies()?;
                t.depends.extend(deps);
            }
            "precedes" => {
                self.bump()?;
                let deps = self.dependencies()?;
                t.precedes.extend(deps);
            }
            "allocate" => {
                self.bump()?;
                let a = self.allocations()?;
                t.allocate.extend(a);
            }
            "limits" => {
                self.bump()?;
                for limit in self.limits()? {
                    match limit {
                        Limit::DailyMax(d, resources) if !resources.is_empty() => {
                            t.daily_max.extend(resources.into_iter().map(|r| (r, d)));
                        }
                        Limit::DailyMax(..) => t.notes.push(Note {
                            text: "a `dailymax` limit on the whole task: not imported".into(),
                        }),
                        Limit::Other(note) => t.notes.push(note),
                    }
                }
            }
            "note" => {
                self.bump()?;
                t.note = Some(self.expect_string("the note, in quotes")?);
            }
            "journalentry" => {
                self.bump()?;
                let j = self.journal_entry()?;
                t.journal.push(j);
            }
            "flags" => {
                self.bump()?;
                loop {
                    let (flag, _) = self.expect_ident("a flag")?;
                    t.flags.push(flag);
                    if self.at_punct(',')? {
                        self.bump()?;
                        continue;
                    }
                    break;
                }
            }
            "scheduling" if self.peek_at(1)?.ident() == Some("alap") => {
                t.notes.push(self.skip(
                    "TaskJuggler schedules this task backward (as late as possible); planc forward",
                )?);
                self.diagnostics.push(
                    Diagnostic::warning(
                        codes::APPROXIMATED,
                        "`scheduling alap` is not imported: planc schedules forward",
                    )
                    .at(span, "imported approximately (see the `# import:` comment)"),
                );
            }
            _ => self.skip_word(word, span, &mut t.notes)?,
        }
        Ok(())
    }

    fn path(&mut self) -> Result<Path> {
        let start = self.peek()?.span;
        let mut ups = 0;
        while self.at_punct('!')? {
            self.bump()?;
            ups += 1;
        }
        let (first, _) = self.expect_ident("the id of a task (`!sibling` or `parent.child`)")?;
        let mut names = vec![first];
        while self.at_punct('.')? && matches!(self.peek_at(1)?.tok, Tok::Ident(_)) {
            self.bump()?;
            let (next, _) = self.expect_ident("a task id")?;
            names.push(next);
        }
        let end = self.last.unwrap_or(start);
        let span = if end.file == start.file {
            start.to(end)
        } else {
            start
        };
        Ok(Path { ups, names, span })
    }

    fn dependencies(&mut self) -> Result<Vec<Dependency>> {
        let mut out = Vec::new();
        loop {
            let target = self.path()?;
            let mut dep = Dependency {
                target,
                on_start: false,
                gap_length: None,
                gap_duration: None,
                notes: Vec::new(),
            };
            if self.at_punct('{')? {
                self.block("dependency", |s, word, _| {
                    match word.as_str() {
                        "gaplength" => {
                            s.bump()?;
                            dep.gap_length = Some(s.expect_duration("a duration")?);
                        }
                        "gapduration" => {
                            s.bump()?;
                            dep.gap_duration = Some(s.expect_duration("a duration")?);
                        }
                        "onstart" => {
                            s.bump()?;
                            dep.on_start = true;
                        }
                        "onend" => {
                            s.bump()?;
                            dep.on_start = false;
                        }
                        _ => {
                            let note = s.skip("not imported")?;
                            dep.notes.push(note);
                        }
                    }
                    Ok(())
                })?;
            }
            out.push(dep);
            if self.at_punct(',')? {
                self.bump()?;
                continue;
            }
            return Ok(out);
        }
    }

    fn allocations(&mut self) -> Result<Vec<Allocation>> {
        let mut out = Vec::new();
        loop {
            let first = self.expect_ident("a resource id")?;
            let mut a = Allocation {
                resources: vec![first],
                notes: Vec::new(),
            };
            if self.at_punct('{')? {
                self.block("allocation", |s, word, _| {
                    if word == "alternative" {
                        s.bump()?;
                        loop {
                            let r = s.expect_ident("a resource id")?;
                            a.resources.push(r);
                            if s.at_punct(',')? {
                                s.bump()?;
                                continue;
                            }
                            return Ok(());
                        }
                    }
                    let note = s.skip("not imported")?;
                    a.notes.push(note);
                    Ok(())
                })?;
            }
            out.push(a);
            if self.at_punct(',')? {
                self.bump()?;
                continue;
            }
            return Ok(out);
        }
    }

    fn journal_entry(&mut self) -> Result<Journal> {
        let date = self.expect_date("the entry's date")?;
        let headline = self.expect_string("the entry's headline, in quotes")?;
        let mut j = Journal {
            date,
            headline,
            author: None,
            summary: None,
            details: None,
        };
        if self.at_punct('{')? {
            self.block("journal entry", |s, word, _| {
                match word.as_str() {
                    "author" => {
                        s.bump()?;
                        j.author = Some(s.expect_ident("the author's resource id")?.0);
                    }
                    "summary" => {
                        s.bump()?;
                        j.summary = Some(s.expect_string("the summary")?);
                    }
                    "details" => {
                        s.bump()?;
                        j.details = Some(s.expect_string("the details")?);
                    }
                    _ => {
                        s.skip("not imported")?;
                    }
                }
                Ok(())
            })?;
        }
        Ok(j)
    }
}

pub enum Limit {
    /// `dailymax` and the resources it is for (none: the owner).
    DailyMax(Dur, Vec<String>),
    Other(Note),
}

pub fn date_text(d: DateLit) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// `start` plus a duration of calendar time, as text for `${projectend}`
/// (the start itself when that is no date).
fn end_after(start: DateLit, d: Dur) -> String {
    let span = match d.unit {
        Unit::Min => jiff::Span::new().try_minutes(d.value as i64),
        Unit::Hour => jiff::Span::new().try_hours(d.value as i64),
        Unit::Day => jiff::Span::new().try_days(d.value as i64),
        Unit::Week => jiff::Span::new().try_weeks(d.value as i64),
        Unit::Month => jiff::Span::new().try_months(d.value as i64),
        Unit::Year => jiff::Span::new().try_years(d.value as i64),
    };
    let end = jiff::civil::Date::new(start.year, start.month, start.day)
        .ok()
        .zip(span.ok())
        .and_then(|(date, span)| date.checked_add(span).ok());
    match end {
        Some(date) => format!("{date}-00:00"),
        None => date_time_text(start),
    }
}

/// A date-time as the lexer reads it back (for the built-in macros).
fn date_time_text(d: DateLit) -> String {
    format!("{}-{:02}:{:02}", date_text(d), d.minute / 60, d.minute % 60)
}

pub fn number_text(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}

pub fn unit_text(u: Unit) -> &'static str {
    match u {
        Unit::Min => "min",
        Unit::Hour => "h",
        Unit::Day => "d",
        Unit::Week => "w",
        Unit::Month => "m",
        Unit::Year => "y",
    }
}
