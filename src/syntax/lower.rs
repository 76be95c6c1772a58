//! Lowering: pest pairs of the grammar to typed AST nodes, validating
//! literal values as it goes ([`super::literal`]). The attribute rules find
//! their keyword and kind in [`super::keywords`].

use super::ast::*;
use super::grammar::{self, Rule};
use super::keywords::AttrKind;
use super::literal::{weekday, Lexeme, Literals};
use crate::source::Span;
use pest::iterators::Pair;

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

    pub(super) fn top_items(&mut self, plan: Pair<'_, Rule>) -> Vec<TopItem> {
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
        let attribute = grammar::attribute(pair.as_rule())?;
        let mut parts = pair.into_inner().peekable();
        let keyword = parts.peek().map_or(span, |k| self.span(k, base));
        // Skip the keyword pairs (one, or two for `finish after` and `not before`).
        let values: Vec<Pair<'_, Rule>> = parts.filter(|p| !is_keyword(p.as_rule())).collect();
        let keyword = if attribute.second_word().is_some() {
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
            .attr_value(attribute.kind, values, base)
            .unwrap_or(AttrValue::Invalid(attribute.name));
        Some(Attr {
            value,
            keyword,
            span,
        })
    }

    /// The value of an attribute; `None` when a part was invalid (and
    /// reported). The match has no `_` arm: a new kind does not compile
    /// until it is read here.
    fn attr_value(
        &mut self,
        kind: AttrKind,
        values: Vec<Pair<'_, Rule>>,
        base: Base,
    ) -> Option<AttrValue> {
        let mut values = values.into_iter();
        let mut next = || values.next();
        let value = match kind {
            AttrKind::Start => AttrValue::Start(self.moment(next()?, base)?),
            AttrKind::Deadline => AttrValue::Deadline(self.moment(next()?, base)?),
            AttrKind::Now => AttrValue::Now(self.moment(next()?, base)?),
            AttrKind::Currency => AttrValue::Currency(self.ident(&next()?, base)),
            AttrKind::Calendar => AttrValue::Calendar(self.reference(next()?, base)),
            AttrKind::Budget => AttrValue::Budget(self.number(next()?, base)?),
            AttrKind::Note => AttrValue::Note(Box::new(self.text(next()?, base))),
            AttrKind::Workdays => AttrValue::Workdays(self.day_set(next()?, base)),
            AttrKind::Hours => {
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
            AttrKind::Holiday => {
                let when = self.date_span(next()?, base)?;
                let why = next()
                    .and_then(|t| t.into_inner().next())
                    .map(|t| Box::new(self.text(t, base)));
                AttrValue::Holiday(when, why)
            }
            AttrKind::Role => AttrValue::Role(Box::new(self.text(next()?, base))),
            AttrKind::Units => AttrValue::Units(self.number(next()?, base)?),
            AttrKind::Capacity => AttrValue::Capacity(self.percent(next()?, base)?),
            AttrKind::Rate => AttrValue::Rate(self.rate(next()?, base)?),
            AttrKind::Off => {
                let when = self.date_span(next()?, base)?;
                let why = next()
                    .and_then(|t| t.into_inner().next())
                    .map(|t| Box::new(self.text(t, base)));
                AttrValue::Off(when, why)
            }
            AttrKind::Effort => AttrValue::Effort(self.duration(next()?, base)?),
            AttrKind::Duration => AttrValue::Duration(self.duration(next()?, base)?),
            AttrKind::Elapsed => AttrValue::Elapsed(self.duration(next()?, base)?),
            AttrKind::Assign => AttrValue::Assign(self.assign_list(next()?, base)?),
            AttrKind::After | AttrKind::FinishAfter => {
                let finish = kind == AttrKind::FinishAfter;
                let mut deps = Vec::new();
                while let Some(p) = next() {
                    deps.push(self.dependency(p, finish, base)?);
                }
                AttrValue::After(deps)
            }
            AttrKind::NotBefore => AttrValue::NotBefore(self.moment(next()?, base)?),
            AttrKind::Priority => AttrValue::Priority(self.number(next()?, base)?),
            AttrKind::Progress => AttrValue::Progress(self.percent(next()?, base)?),
            AttrKind::Range => {
                let low = self.duration(next()?, base)?;
                let high = self.duration(next()?, base)?;
                AttrValue::Range(Box::new(low), Box::new(high))
            }
            AttrKind::Cost => AttrValue::Cost(self.number(next()?, base)?),
            AttrKind::Tags => {
                let mut tags = Vec::new();
                while let Some(p) = next() {
                    tags.push(self.ident(&p, base));
                }
                AttrValue::Tags(tags)
            }
            AttrKind::Date => AttrValue::Date(self.moment(next()?, base)?),
            AttrKind::Chance => AttrValue::Chance(self.percent(next()?, base)?),
            AttrKind::Delay => AttrValue::Delay(self.duration(next()?, base)?),
            AttrKind::Affects | AttrKind::Members => {
                let mut refs = Vec::new();
                while let Some(p) = next() {
                    refs.push(self.reference(p, base));
                }
                if kind == AttrKind::Affects {
                    AttrValue::Affects(refs)
                } else {
                    AttrValue::Members(refs)
                }
            }
            AttrKind::Owner => AttrValue::Owner(self.reference(next()?, base)),
            AttrKind::Response => AttrValue::Response(Box::new(self.text(next()?, base))),
            AttrKind::Status => AttrValue::Status(self.ident(&next()?, base)),
            AttrKind::Raised => AttrValue::Raised(self.moment(next()?, base)?),
            AttrKind::Finished => AttrValue::Finished(self.moment(next()?, base)?),
            AttrKind::Started => AttrValue::Started(self.moment(next()?, base)?),
            AttrKind::Remaining => AttrValue::Remaining(self.duration(next()?, base)?),
            AttrKind::Spent => AttrValue::Spent(self.number(next()?, base)?),
            AttrKind::During => {
                let from = self.reference(next()?, base);
                let to = self.reference(next()?, base);
                AttrValue::During(Box::new(from), Box::new(to))
            }
            AttrKind::Severity => AttrValue::Severity(self.ident(&next()?, base)),
            AttrKind::Resolution => AttrValue::Resolution(Box::new(self.text(next()?, base))),
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
