//! Clears every span of a syntax tree, so that two trees can be compared
//! for meaning alone: the formatter's proof that it changed only layout.

use crate::source::{FileId, Span};
use crate::syntax::ast::*;

const NOWHERE: Span = Span {
    file: FileId(0),
    start: 0,
    end: 0,
};

pub fn file(file: &mut File) {
    for item in &mut file.items {
        match item {
            TopItem::Decl(d) => decl(d),
            TopItem::Include(i) => {
                i.span = NOWHERE;
                text(&mut i.path);
            }
        }
    }
}

fn decl(decl: &mut Decl) {
    decl.keyword = NOWHERE;
    decl.span = NOWHERE;
    if let Some(id) = &mut decl.id {
        id.span = NOWHERE;
    }
    if let Some(title) = &mut decl.title {
        text(title);
    }
    for item in &mut decl.body {
        match item {
            Item::Decl(d) => self::decl(d),
            Item::Attr(a) => attr(a),
        }
    }
}

fn attr(attr: &mut Attr) {
    attr.keyword = NOWHERE;
    attr.span = NOWHERE;
    match &mut attr.value {
        AttrValue::Start(m)
        | AttrValue::Deadline(m)
        | AttrValue::Now(m)
        | AttrValue::NotBefore(m)
        | AttrValue::Date(m)
        | AttrValue::Raised(m)
        | AttrValue::Started(m)
        | AttrValue::Finished(m) => m.span = NOWHERE,
        AttrValue::Currency(i) | AttrValue::Status(i) | AttrValue::Severity(i) => i.span = NOWHERE,
        AttrValue::Calendar(r) | AttrValue::Owner(r) => reference(r),
        AttrValue::Budget(n)
        | AttrValue::Units(n)
        | AttrValue::Priority(n)
        | AttrValue::Spent(n)
        | AttrValue::Cost(n) => n.span = NOWHERE,
        AttrValue::Note(t)
        | AttrValue::Role(t)
        | AttrValue::Response(t)
        | AttrValue::Resolution(t) => text(t),
        AttrValue::Workdays(days) => days.iter_mut().for_each(|d| d.span = NOWHERE),
        AttrValue::Hours(days, ranges) => {
            days.iter_mut().for_each(|d| d.span = NOWHERE);
            ranges.iter_mut().for_each(|r| r.span = NOWHERE);
        }
        AttrValue::Holiday(when, why) | AttrValue::Off(when, why) => {
            when.span = NOWHERE;
            if let Some(why) = why {
                text(why);
            }
        }
        AttrValue::Capacity(p) | AttrValue::Progress(p) | AttrValue::Chance(p) => p.span = NOWHERE,
        AttrValue::Rate(r) => r.span = NOWHERE,
        AttrValue::Effort(d)
        | AttrValue::Duration(d)
        | AttrValue::Elapsed(d)
        | AttrValue::Remaining(d)
        | AttrValue::Delay(d) => d.span = NOWHERE,
        AttrValue::Assign(list) => {
            list.items.iter_mut().for_each(assign_item);
            if let Some((span, any)) = list.any_of.as_deref_mut() {
                *span = NOWHERE;
                any.iter_mut().for_each(assign_item);
            }
        }
        AttrValue::After(deps) => {
            for dep in deps {
                dep.span = NOWHERE;
                reference(&mut dep.target);
                if let Some((_, lag)) = dep.lag.as_deref_mut() {
                    lag.span = NOWHERE;
                }
            }
        }
        AttrValue::Range(low, high) => {
            low.span = NOWHERE;
            high.span = NOWHERE;
        }
        AttrValue::During(from, to) => {
            reference(from);
            reference(to);
        }
        AttrValue::Tags(tags) => tags.iter_mut().for_each(|t| t.span = NOWHERE),
        AttrValue::Affects(refs) | AttrValue::Members(refs) => refs.iter_mut().for_each(reference),
        AttrValue::Invalid(_) => {}
    }
}

fn assign_item(item: &mut AssignItem) {
    item.span = NOWHERE;
    if let Some(count) = &mut item.count {
        count.span = NOWHERE;
    }
    reference(&mut item.resource);
    if let Some(p) = &mut item.percent {
        p.span = NOWHERE;
    }
}

fn reference(r: &mut Reference) {
    r.span = NOWHERE;
}

/// Whether a text was written as a block is layout, not meaning (nothing
/// after the parser reads it): only the value counts.
fn text(t: &mut Text) {
    t.span = NOWHERE;
    t.block = false;
}
