//! The VS Code extension's TextMate grammar (`editors/vscode/syntaxes/`),
//! run by the engine VS Code uses (vscode-textmate + vscode-oniguruma,
//! through `editors/vscode/test/tokenize.js`):
//!
//! - every sample's tokens and scopes are a snapshot;
//! - planc's own parser says where every keyword, declaration name,
//!   reference, string, date, duration, percentage and money value of a
//!   sample is, and the token there must have the matching scope; comments
//!   are found by a scan that steps over strings;
//! - a plan generated from the keyword table (`syntax::keywords`) and the
//!   grammar's `attr_` rules writes every keyword and every attribute, and
//!   gets the same checks, plus: each keyword of the table is scoped as a
//!   keyword somewhere in it.
//!
//! Needs node and `npm ci` in `editors/vscode`; skipped with a message
//! without them, unless `PLANC_REQUIRE_NODE=1` (set by `.ci/run`).

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use planc::diagnostic::Diagnostics;
use planc::source::{FileId, Span};
use planc::syntax::ast::{self, AttrValue, Item, TopItem};
use planc::syntax::keywords::{self, Declares, KEYWORDS};
use serde::Deserialize;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn vscode_dir() -> PathBuf {
    root().join("editors/vscode")
}

/// Whether node and the extension's packages this file needs are there
/// (see [`common::node_packages_ready`]).
fn node_ready(test: &str) -> bool {
    common::node_packages_ready(test, &["vscode-textmate", "vscode-oniguruma"])
}

#[derive(Deserialize)]
struct Tokenized {
    files: Vec<FileTokens>,
}

#[derive(Deserialize)]
struct FileTokens {
    tokens: Vec<Token>,
}

#[derive(Deserialize, Debug)]
struct Token {
    start: usize,
    end: usize,
    text: String,
    scopes: Vec<String>,
}

/// The tokens of each file, in order.
fn tokenize(files: &[PathBuf]) -> Vec<Vec<Token>> {
    let output = Command::new("node")
        .arg(vscode_dir().join("test/tokenize.js"))
        .args(files)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "tokenize.js failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tokenized: Tokenized = serde_json::from_slice(&output.stdout).expect("tokenize.js JSON");
    assert_eq!(tokenized.files.len(), files.len());
    tokenized.files.into_iter().map(|f| f.tokens).collect()
}

/// Every `.plan` file under `samples/`, sorted.
fn samples() -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root().join("samples")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("samples/") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "plan") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A scope without the grammar's `.plan` suffix, for shorter snapshots.
fn short(scope: &str) -> &str {
    scope.strip_suffix(".plan").unwrap_or(scope)
}

/// One line per source line that has tokens: `N | text:scope ...`, with
/// the innermost scope of each token that is not blank.
fn token_listing(text: &str, tokens: &[Token]) -> String {
    let line_of = |byte: usize| text[..byte].matches('\n').count() + 1;
    let mut lines: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for token in tokens.iter().filter(|t| !t.text.trim().is_empty()) {
        let scope = token.scopes.last().map_or("", |s| short(s));
        lines
            .entry(line_of(token.start))
            .or_default()
            .push(format!("{}:{scope}", token.text.trim()));
    }
    let mut out = String::new();
    for (line, tokens) in lines {
        let _ = writeln!(out, "{line:>4} | {}", tokens.join("  "));
    }
    out
}

#[test]
fn every_sample_tokenizes_as_in_its_snapshot() {
    if !node_ready("the TextMate snapshots") {
        return;
    }
    let files = samples();
    for (path, tokens) in files.iter().zip(tokenize(&files)) {
        let text = std::fs::read_to_string(path).expect("a sample");
        let name = path
            .strip_prefix(root().join("samples"))
            .expect("under samples/")
            .to_string_lossy()
            .replace(['/', '\\'], "__");
        insta::assert_snapshot!(name, token_listing(&text, &tokens));
    }
}

/// What a place in the text must be scoped as, and why (for messages).
struct Expect {
    start: usize,
    end: usize,
    scope: &'static str,
    what: &'static str,
}

/// Collects the places to check while walking planc's tree of a file.
#[derive(Default)]
struct Expectations(Vec<Expect>);

impl Expectations {
    fn span(&mut self, span: Span, scope: &'static str, what: &'static str) {
        self.0.push(Expect {
            start: span.start as usize,
            end: span.end as usize,
            scope,
            what,
        });
    }

    /// Only the first `len` bytes of `span` (a date of a date span, the
    /// first time of a time range: the `..` between is an operator).
    fn head(&mut self, span: Span, len: usize, scope: &'static str, what: &'static str) {
        let start = span.start as usize;
        self.0.push(Expect {
            start,
            end: (start + len).min(span.end as usize),
            scope,
            what,
        });
    }

    fn file(&mut self, file: &ast::File) {
        for item in &file.items {
            match item {
                TopItem::Decl(decl) => self.decl(decl),
                TopItem::Include(include) => {
                    self.head(
                        include.span,
                        "include".len(),
                        "keyword.control.import",
                        "include",
                    );
                    self.text(&include.path);
                }
            }
        }
    }

    fn decl(&mut self, decl: &ast::Decl) {
        self.span(decl.keyword, "keyword.declaration", "declaration keyword");
        if let Some(id) = &decl.id {
            self.span(id.span, "entity.name", "declaration name");
        }
        if let Some(title) = &decl.title {
            self.text(title);
        }
        for item in decl.body.iter() {
            match item {
                Item::Decl(inner) => self.decl(inner),
                Item::Attr(attr) => self.attr(attr),
            }
        }
    }

    fn text(&mut self, text: &ast::Text) {
        self.span(text.span, "string.quoted", "string");
    }

    fn reference(&mut self, reference: &ast::Reference) {
        self.span(reference.span, "variable.other.reference", "reference");
    }

    fn moment(&mut self, moment: &ast::Moment) {
        self.span(moment.span, "constant.numeric.date", "date");
    }

    fn duration(&mut self, duration: &ast::Duration) {
        self.span(duration.span, "constant.numeric.duration", "duration");
    }

    fn percent(&mut self, percent: &ast::Percent) {
        self.span(percent.span, "constant.numeric.percent", "percentage");
    }

    fn date_span(&mut self, dates: &ast::DateSpan, title: Option<&ast::Text>) {
        let first_date = "2027-01-01".len();
        self.head(dates.span, first_date, "constant.numeric.date", "date");
        if let Some(title) = title {
            self.text(title);
        }
    }

    fn assign_item(&mut self, item: &ast::AssignItem) {
        if let Some(count) = &item.count {
            self.span(count.span, "constant.numeric", "count");
        }
        self.reference(&item.resource);
        if let Some(percent) = &item.percent {
            self.percent(percent);
        }
    }

    fn attr(&mut self, attr: &ast::Attr) {
        self.span(attr.keyword, "keyword.other.attribute", "attribute keyword");
        match &attr.value {
            AttrValue::Start(m)
            | AttrValue::Deadline(m)
            | AttrValue::Now(m)
            | AttrValue::NotBefore(m)
            | AttrValue::Date(m)
            | AttrValue::Raised(m)
            | AttrValue::Finished(m)
            | AttrValue::Started(m) => self.moment(m),
            AttrValue::Effort(d)
            | AttrValue::Duration(d)
            | AttrValue::Elapsed(d)
            | AttrValue::Delay(d)
            | AttrValue::Remaining(d) => self.duration(d),
            AttrValue::Range(low, high) => {
                self.duration(low);
                self.duration(high);
            }
            AttrValue::Note(t) | AttrValue::Role(t) | AttrValue::Response(t) => self.text(t),
            AttrValue::Resolution(t) => self.text(t),
            AttrValue::Holiday(dates, title) | AttrValue::Off(dates, title) => {
                self.date_span(dates, title.as_deref());
            }
            AttrValue::Capacity(p) | AttrValue::Progress(p) | AttrValue::Chance(p) => {
                self.percent(p);
            }
            AttrValue::Budget(n) | AttrValue::Cost(n) | AttrValue::Spent(n) => {
                self.span(n.span, "constant.numeric.money", "money");
            }
            AttrValue::Units(n) | AttrValue::Priority(n) => {
                self.span(n.span, "constant.numeric", "number");
            }
            AttrValue::Rate(rate) => self.span(rate.span, "constant.numeric.rate", "rate"),
            AttrValue::Calendar(r) | AttrValue::Owner(r) => self.reference(r),
            AttrValue::Affects(refs) | AttrValue::Members(refs) => {
                refs.iter().for_each(|r| self.reference(r));
            }
            AttrValue::During(from, to) => {
                self.reference(from);
                self.reference(to);
            }
            AttrValue::After(deps) => {
                for dep in deps {
                    self.reference(&dep.target);
                    if let Some(lag) = &dep.lag {
                        self.duration(&lag.1);
                    }
                }
            }
            AttrValue::Assign(list) => {
                list.items.iter().for_each(|i| self.assign_item(i));
                if let Some(any_of) = &list.any_of {
                    any_of.1.iter().for_each(|i| self.assign_item(i));
                }
            }
            AttrValue::Tags(tags) => {
                tags.iter()
                    .for_each(|t| self.span(t.span, "entity.name.tag", "tag"));
            }
            AttrValue::Currency(id) | AttrValue::Status(id) | AttrValue::Severity(id) => {
                self.span(id.span, "constant.other", "enumerated word");
            }
            AttrValue::Workdays(days) => {
                days.iter().for_each(|d| {
                    self.head(d.span, 3, "constant.language.weekday", "weekday");
                });
            }
            AttrValue::Hours(days, times) => {
                days.iter().for_each(|d| {
                    self.head(d.span, 3, "constant.language.weekday", "weekday");
                });
                times.iter().for_each(|t| {
                    // "9:00" or the first four bytes of "09:00".
                    self.head(t.span, 4, "constant.numeric.time", "time");
                });
            }
            AttrValue::Invalid(_) => {}
        }
    }

    /// `#` comments, found by stepping over strings and text blocks.
    fn comments(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if text[at..].starts_with("\"\"\"") {
                at += 3 + text[at + 3..].find("\"\"\"").map_or(text.len(), |e| e + 3);
            } else if bytes[at] == b'"' {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' && bytes[at] != b'\n' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                at += 1;
            } else if bytes[at] == b'#' {
                let end = text[at..].find('\n').map_or(text.len(), |e| at + e);
                self.0.push(Expect {
                    start: at,
                    end,
                    scope: "comment.line",
                    what: "comment",
                });
                at = end;
            } else {
                at += 1;
            }
        }
    }
}

/// Parses `text` with planc (it must have no errors) and lists what each
/// place must be scoped as.
fn expectations(text: &str) -> Vec<Expect> {
    let mut diags = Diagnostics::new();
    let tree = planc::syntax::parse(text, FileId(0), &mut diags);
    assert!(
        !diags.has_errors(),
        "planc rejects the text: {:?}",
        diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let mut found = Expectations::default();
    found.file(&tree);
    found.comments(text);
    found.0
}

/// Checks that every token over each expected place carries its scope;
/// returns how many places of each kind were checked.
fn check_scopes(name: &str, text: &str, tokens: &[Token]) -> BTreeMap<&'static str, usize> {
    let mut checked = BTreeMap::new();
    let mut wrong = Vec::new();
    for expect in expectations(text) {
        let over: Vec<&Token> = tokens
            .iter()
            .filter(|t| t.start < expect.end && expect.start < t.end)
            .collect();
        // Blanks between the words of `not before` carry no scope.
        let over: Vec<&Token> = over
            .into_iter()
            .filter(|t| !t.text.trim().is_empty())
            .collect();
        assert!(!over.is_empty(), "{name}: no token at {}", expect.start);
        for token in over {
            if !token.scopes.iter().any(|s| s.starts_with(expect.scope)) {
                wrong.push(format!(
                    "{name}: {} `{}` at byte {}: token `{}` has {:?}, expected {}",
                    expect.what,
                    &text[expect.start..expect.end],
                    expect.start,
                    token.text,
                    token.scopes,
                    expect.scope
                ));
            }
        }
        *checked.entry(expect.what).or_insert(0) += 1;
    }
    assert!(wrong.is_empty(), "wrong scopes:\n{}", wrong.join("\n"));
    checked
}

#[test]
fn every_sample_gets_the_scopes_planc_parses_it_with() {
    if !node_ready("the TextMate scope checks") {
        return;
    }
    let files = samples();
    let mut checked: BTreeMap<&str, usize> = BTreeMap::new();
    for (path, tokens) in files.iter().zip(tokenize(&files)) {
        let text = std::fs::read_to_string(path).expect("a sample");
        for (what, count) in check_scopes(&path.display().to_string(), &text, &tokens) {
            *checked.entry(what).or_insert(0) += count;
        }
    }
    for what in [
        "declaration keyword",
        "declaration name",
        "attribute keyword",
        "reference",
        "string",
        "date",
        "duration",
        "percentage",
        "money",
        "comment",
        "include",
    ] {
        assert!(
            checked.get(what).copied().unwrap_or(0) > 0,
            "no {what} checked"
        );
    }
}

/// An example value for the rest of an `attr_` rule after its keywords,
/// so that a plan can write every attribute; a new shape of value fails
/// here until it has one.
fn example_value(rule: &str, shape: &str) -> &'static str {
    match shape {
        "moment" => "2027-01-04 09:30",
        "ident" => "open",
        "reference" => "ref_a.child",
        "number" => "1200",
        "text" => "\"a text with \\\"escapes\\\"\"",
        "day_set" => "mon..wed, fri",
        "day_set? ~ time_range_comma* ~ time_range" => "mon..fri 09:00..12:00, 13:00..17:00",
        "(date_span ~ title | date_span)" => "2027-02-15..2027-02-19 \"Away\"",
        "percent" => "40%",
        "rate" => "600/d",
        "duration" => "2.5d",
        "duration ~ \"..\" ~ duration" => "90min..3w",
        "assign_list" => "2 ref_a 50%, ref_b, any of ref_c, ref_d",
        "dependencies" => "start of ref_a + 2d, ref_b - 4h, ref_c",
        "references" => "ref_a, ref_b.child",
        "ident_comma* ~ ident" => "urgent, backend",
        "reference ~ \"..\" ~ reference" => "ref_a..ref_b",
        _ => panic!("{rule}: no example for a value written `{shape}`; add one"),
    }
}

/// `(rule, value shape)` of every `attr_` rule of the grammar: its body
/// without the braces and the leading `kw_` words.
fn attribute_shapes() -> BTreeMap<String, String> {
    let grammar = std::fs::read_to_string(root().join("grammar/plan.pest")).expect("the grammar");
    grammar
        .lines()
        .filter(|line| line.starts_with("attr_"))
        .filter_map(|line| {
            let (name, body) = line.split_once('=')?;
            let body = body.trim().strip_prefix('{')?.strip_suffix('}')?;
            let shape: Vec<&str> = body
                .split(" ~ ")
                .map(str::trim)
                .skip_while(|part| part.starts_with("kw_"))
                .collect();
            Some((name.trim().to_string(), shape.join(" ~ ")))
        })
        .collect()
}

/// The lines of one attribute: its keyword(s) and an example value.
fn attribute_line(kind: keywords::AttrKind, shapes: &BTreeMap<String, String>) -> String {
    let attribute = kind.attribute();
    let shape = shapes
        .get(attribute.rule)
        .unwrap_or_else(|| panic!("no grammar rule {}", attribute.rule));
    format!(
        "{} {}",
        attribute.name,
        example_value(attribute.rule, shape)
    )
}

/// A plan that declares every kind of declaration of the keyword table,
/// each with every attribute it takes, nested declarations where the
/// table allows them, and an include.
fn every_keyword_plan() -> String {
    let shapes = attribute_shapes();
    let mut plan = String::from("# Written by tests/textmate.rs from the keyword table.\n");
    for (n, keyword) in KEYWORDS.iter().enumerate() {
        let Some(kind) = keyword.declares.kind() else {
            if keyword.declares == Declares::Include {
                plan.push_str("include \"other.plan\"  # a comment after a string\n");
            }
            continue;
        };
        let _ = writeln!(plan, "{} decl_{n} \"Title {n}\" {{", keyword.word);
        for attr in keywords::takes(kind) {
            let _ = writeln!(
                plan,
                "  {}  # {}",
                attribute_line(*attr, &shapes),
                attr.name()
            );
        }
        match keyword.declares {
            Declares::Anywhere(_) => {
                let _ = writeln!(plan, "  {} inner_{n} \"Inner\" {{ }}", keyword.word);
            }
            Declares::InTeams(_) => {
                let _ = writeln!(plan, "}}\nteam team_{n} {{");
                let _ = writeln!(plan, "  {} inline_{n} \"Inline\" {{ }}", keyword.word);
            }
            _ => {}
        }
        plan.push_str("}\n");
    }
    plan
}

#[test]
fn every_keyword_of_the_table_is_scoped_as_a_keyword() {
    if !node_ready("the TextMate keyword checks") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("every-keyword.plan");
    let plan = every_keyword_plan();
    std::fs::write(&path, &plan).expect("written");
    let tokens = tokenize(std::slice::from_ref(&path)).remove(0);
    check_scopes("every-keyword.plan", &plan, &tokens);
    let missing: Vec<&str> = KEYWORDS
        .iter()
        .map(|k| k.word)
        .filter(|word| {
            !tokens
                .iter()
                .any(|t| t.text == *word && t.scopes.iter().any(|s| s.starts_with("keyword.")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "keywords never scoped as keywords: {missing:?}\n{plan}"
    );
}

/// Keywords are words only where the grammar expects them: a task named
/// like a keyword is a name, and a reference named like one a reference.
#[test]
fn keywords_used_as_names_are_names() {
    if !node_ready("the TextMate name checks") {
        return;
    }
    let plan = "project \"P\" { start 2027-01-04 }\n\
                task test \"Test\" { effort 2d }\n\
                task start { after test  assign note }\n\
                resource note\n";
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("names.plan");
    std::fs::write(&path, plan).expect("written");
    let tokens = tokenize(std::slice::from_ref(&path)).remove(0);
    check_scopes("names.plan", plan, &tokens);
}
