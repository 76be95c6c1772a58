//! Prints a parsed file in the canonical layout. The declarations and
//! attributes come from the AST; comments and blank lines come from the
//! original text and are put back beside the node they belong to:
//!
//! - a comment that ends a line of code stays at the end of that node's
//!   line (a *trailing* comment);
//! - any other comment is printed on its own line before the next node,
//!   or before the `}` of its block, or at the end of the file;
//! - a blank line before a node or comment is kept (one, however many
//!   there were), except right after a `{` or at the top of the file.

use super::source::Source;
use super::spell;
use crate::syntax::ast::*;

/// Longest line a block may be kept on one line in, indentation included.
pub const MAX_WIDTH: usize = 100;

/// Most attributes a block may keep on one line.
pub const MAX_INLINE_ATTRS: usize = 4;

const INDENT: &str = "  ";

/// Prints `file`, parsed from `source`, in the canonical layout.
pub fn print(file: &File, source: &Source<'_>) -> String {
    let mut printer = Printer {
        source,
        next_comment: 0,
        out: String::with_capacity(source.text.len() + source.text.len() / 8),
        fresh: true,
    };
    for item in &file.items {
        match item {
            TopItem::Decl(decl) => printer.decl(decl, 0),
            TopItem::Include(include) => printer.include(include),
        }
    }
    printer.comments_before(source.text.len(), 0);
    printer.out
}

struct Printer<'s, 'a> {
    source: &'s Source<'a>,
    /// The first comment not printed yet.
    next_comment: usize,
    out: String,
    /// Nothing printed yet in this block (or file): a blank line here is
    /// dropped.
    fresh: bool,
}

impl Printer<'_, '_> {
    fn include(&mut self, include: &Include) {
        let start = include.span.start as usize;
        let end = include.span.end as usize;
        self.comments_before(end, 0);
        self.begin_line(start, 0);
        self.out.push_str("include ");
        self.out.push_str(&spell::string(&include.path.value));
        self.end_line(end);
    }

    fn decl(&mut self, decl: &Decl, depth: usize) {
        let start = decl.span.start as usize;
        let end = decl.span.end as usize;
        let open = self.open_brace(decl, end);
        let header_end = open.map_or(end, |o| o + 1);
        self.comments_before(header_end, depth);
        self.begin_line(start, depth);
        let head = header(decl, &indent(depth));
        self.out.push_str(&head);
        let Some(open) = open else {
            self.end_line(end);
            return;
        };
        // `end` is just past the `}` of the body.
        let close = end.saturating_sub(1).max(open);
        if let Some(inline) = self.inline_body(decl, &head, depth, open, close) {
            self.out.push(' ');
            self.out.push_str(&inline);
            self.end_line(end);
            return;
        }
        self.out.push_str(" {");
        self.end_line(header_end);
        self.fresh = true;
        for item in &decl.body {
            match item {
                Item::Decl(child) => self.decl(child, depth + 1),
                Item::Attr(attr) => self.attr(attr, depth + 1),
            }
        }
        self.comments_before(close, depth + 1);
        self.fresh = false;
        self.out.push_str(&indent(depth));
        self.out.push('}');
        self.end_line(end);
    }

    fn attr(&mut self, attr: &Attr, depth: usize) {
        let start = attr.span.start as usize;
        let end = attr.span.end as usize;
        self.comments_before(end, depth);
        self.begin_line(start, depth);
        let text = attr_text(attr, &indent(depth), self.source, end);
        self.out.push_str(&text);
        self.end_line(end);
    }

    /// Where the `{` of a declaration's body is, if it has one.
    fn open_brace(&self, decl: &Decl, end: usize) -> Option<usize> {
        if !decl.has_body {
            return None;
        }
        let header_end = [
            Some(decl.keyword.end),
            decl.id.as_ref().map(|i| i.span.end),
            decl.title.as_ref().map(|t| t.span.end),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(decl.span.start) as usize;
        let open = self.source.next_code(header_end);
        (self.source.text.as_bytes().get(open) == Some(&b'{') && open < end).then_some(open)
    }

    /// The body as `{ a  b }` when the author wrote it on one line and it
    /// may stay there: no child declarations, no comments, at most
    /// [`MAX_INLINE_ATTRS`] attributes, no multi-line text, and the whole
    /// line within [`MAX_WIDTH`]. An empty body without comments is `{}`.
    fn inline_body(
        &self,
        decl: &Decl,
        head: &str,
        depth: usize,
        open: usize,
        close: usize,
    ) -> Option<String> {
        if self.source.has_comment_in(open, close) {
            return None;
        }
        if decl.body.is_empty() {
            return Some("{}".to_string());
        }
        let attrs: Vec<&Attr> = decl.attrs().collect();
        if attrs.len() != decl.body.len()
            || attrs.len() > MAX_INLINE_ATTRS
            || self.source.spans_lines(open, close)
        {
            return None;
        }
        let parts: Vec<String> = attrs
            .iter()
            .map(|a| attr_text(a, "", self.source, a.span.end as usize))
            .collect();
        let inline = format!("{{ {} }}", parts.join("  "));
        let width = INDENT.len() * depth + head.chars().count() + 1 + inline.chars().count();
        let one_line = !head.contains('\n') && !inline.contains('\n');
        (one_line && width <= MAX_WIDTH).then_some(inline)
    }

    /// Prints, each on its own line, every comment not printed yet that
    /// starts before `pos`.
    fn comments_before(&mut self, pos: usize, depth: usize) {
        while let Some(&comment) = self.source.comments.get(self.next_comment) {
            if comment.start >= pos {
                break;
            }
            self.next_comment += 1;
            self.begin_line(comment.start, depth);
            self.out.push_str(self.source.comment_text(comment));
            self.out.push('\n');
        }
    }

    /// Starts a line at `depth`, after a blank line if the author left one
    /// before `pos`.
    fn begin_line(&mut self, pos: usize, depth: usize) {
        if !self.fresh && self.source.blank_line_before(pos) {
            self.out.push('\n');
        }
        self.fresh = false;
        self.out.push_str(&indent(depth));
    }

    /// Ends the line of a node whose text ends at `end`, with the comment
    /// that follows it on the same line, if any.
    fn end_line(&mut self, end: usize) {
        if let Some(&comment) = self.source.comments.get(self.next_comment) {
            if self.source.same_line_gap(end, comment.start) {
                self.next_comment += 1;
                self.out.push_str("  ");
                self.out.push_str(self.source.comment_text(comment));
            }
        }
        self.out.push('\n');
    }
}

fn indent(depth: usize) -> String {
    INDENT.repeat(depth)
}

/// `task id "Title"`.
fn header(decl: &Decl, indent: &str) -> String {
    let mut out = decl.kind.keyword().to_string();
    if let Some(id) = &decl.id {
        out.push(' ');
        out.push_str(&id.name);
    }
    if let Some(title) = &decl.title {
        out.push(' ');
        out.push_str(&spell::text(title, indent));
    }
    out
}

/// One attribute in canonical spelling. An attribute whose value the
/// parser could not read (never the case in a file without errors) is
/// copied as written rather than lost.
fn attr_text(attr: &Attr, indent: &str, source: &Source<'_>, end: usize) -> String {
    let value = match &attr.value {
        AttrValue::Start(m)
        | AttrValue::Deadline(m)
        | AttrValue::Now(m)
        | AttrValue::NotBefore(m)
        | AttrValue::Date(m)
        | AttrValue::Raised(m)
        | AttrValue::Started(m)
        | AttrValue::Finished(m) => spell::moment(m),
        AttrValue::Currency(i) | AttrValue::Status(i) | AttrValue::Severity(i) => {
            i.name.to_string()
        }
        AttrValue::Calendar(r) | AttrValue::Owner(r) => spell::reference(r),
        AttrValue::Budget(n)
        | AttrValue::Units(n)
        | AttrValue::Priority(n)
        | AttrValue::Spent(n)
        | AttrValue::Cost(n) => spell::decimal(n.value),
        AttrValue::Note(t)
        | AttrValue::Role(t)
        | AttrValue::Response(t)
        | AttrValue::Resolution(t) => spell::text(t, indent),
        AttrValue::Workdays(days) => spell::day_set(days),
        AttrValue::Hours(days, ranges) => hours(days, ranges),
        AttrValue::Holiday(when, why) | AttrValue::Off(when, why) => {
            let mut out = spell::date_span(when);
            if let Some(why) = why {
                out.push(' ');
                out.push_str(&spell::text(why, indent));
            }
            out
        }
        AttrValue::Capacity(p) | AttrValue::Progress(p) | AttrValue::Chance(p) => spell::percent(p),
        AttrValue::Rate(r) => spell::rate(r),
        AttrValue::Effort(d)
        | AttrValue::Duration(d)
        | AttrValue::Elapsed(d)
        | AttrValue::Remaining(d)
        | AttrValue::Delay(d) => spell::duration(d),
        AttrValue::Assign(list) => spell::assign_list(list),
        AttrValue::After(deps) => join(deps.iter().map(spell::dependency)),
        AttrValue::Range(low, high) => {
            format!("{}..{}", spell::duration(low), spell::duration(high))
        }
        AttrValue::During(from, to) => {
            format!("{}..{}", spell::reference(from), spell::reference(to))
        }
        AttrValue::Tags(tags) => join(tags.iter().map(|t| t.name.to_string())),
        AttrValue::Affects(refs) | AttrValue::Members(refs) => {
            join(refs.iter().map(spell::reference))
        }
        AttrValue::Invalid(_) => {
            let start = attr.span.start as usize;
            return source.text.get(start..end).unwrap_or("").to_string();
        }
    };
    format!("{} {value}", attr.value.keyword())
}

/// `fri 09:00..13:00, 14:00..17:00`.
fn hours(days: &[DayItem], ranges: &[TimeRange]) -> String {
    let ranges = join(ranges.iter().map(spell::time_range));
    if days.is_empty() {
        ranges
    } else {
        format!("{} {ranges}", spell::day_set(days))
    }
}

fn join(parts: impl Iterator<Item = String>) -> String {
    parts.collect::<Vec<_>>().join(", ")
}
