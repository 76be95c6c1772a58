//! Error phrasing: a syntax error says "expected a date like
//! `2027-01-04`, found ..." and never a pest rule name. Keywords and
//! attributes take their words from [`super::keywords`]; every other rule
//! has its words here (a test checks that every rule has some).

use super::grammar::{self, Rule};
use super::hints::{invisible_name, syntax_help};
use super::keywords::{self, Declares, Keyword};
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, Span};

/// How a rule is described to a planner.
pub(crate) fn describe(rule: Rule) -> &'static str {
    if let Some((keyword, _)) = row(rule) {
        return keyword.phrase;
    }
    if grammar::attribute(rule).is_some() {
        return "an attribute";
    }
    construct(rule).unwrap_or("something else")
}

/// The words for a rule that is neither a keyword, a declaration nor an
/// attribute.
fn construct(rule: Rule) -> Option<&'static str> {
    let words = match rule {
        Rule::EOI => {
            "a new declaration (`task`, `milestone`, `resource`, ...) or the end of the file"
        }
        Rule::WHITESPACE | Rule::COMMENT => "a space",
        Rule::plan | Rule::lone_declaration | Rule::declaration => "a declaration",
        Rule::item | Rule::attribute => "an attribute",
        Rule::string_plain | Rule::escape | Rule::text => "text in quotes",
        Rule::ident_start | Rule::ident_char => "a letter",
        Rule::inline_resource => "`resource`",
        Rule::title | Rule::decl_tail => "a title in quotes",
        Rule::block | Rule::open_brace => "`{`",
        Rule::close_brace => "`}`",
        Rule::assign_list
        | Rule::assign_items
        | Rule::assign_item
        | Rule::assign_item_comma
        | Rule::assign_item_comma_not_any_of => "a resource to assign, like `alice` or `2 qa`",
        Rule::any_of => "`any of`",
        Rule::count => "a count",
        Rule::dependencies | Rule::dependency_comma | Rule::dependency => {
            "a task to depend on, like `design` or `start of design`"
        }
        Rule::start_of => "`start of`",
        Rule::lag => "a lag like `+ 2d`",
        Rule::lag_sign => "`+` or `-`",
        Rule::day_set | Rule::day_item_comma | Rule::day_item | Rule::weekday => {
            "a weekday like `mon` or `mon..fri`"
        }
        Rule::time_range_comma | Rule::time_range => "hours like `09:00..17:00`",
        Rule::date_span => "a date like `2027-04-02` or a range `2027-04-01..2027-04-05`",
        Rule::moment => "a date like `2027-01-04` or `2027-01-04T09:30`",
        Rule::date => "a date like `2027-01-04`",
        Rule::time => "a time like `09:30`",
        Rule::duration => "a duration like `3d`, `4h`, `90min` or `2w`",
        Rule::duration_unit => "a unit: `min`, `h`, `d` or `w`",
        Rule::percent => "a percentage like `40%`",
        Rule::rate => "a rate like `600/d` or `75/h`",
        Rule::rate_unit => "`h` or `d`",
        Rule::number => "a number",
        Rule::text_block => "a text block in `\"\"\"`",
        Rule::block_chars => "the text of a block",
        Rule::string => "a string in double quotes",
        Rule::string_chars => "the closing `\"` of the string",
        Rule::references | Rule::reference_comma | Rule::reference => {
            "a name like `design` or `discovery.signoff`"
        }
        Rule::ident_comma | Rule::ident => {
            "a name (letters, digits and `_`, not starting with a digit)"
        }
        _ => return None,
    };
    Some(words)
}

/// The row of the keyword table a rule stands for: a `kw_` rule, or a
/// declaration rule (named like its keyword: `task`, `include`).
fn row(rule: Rule) -> Option<(&'static Keyword, bool)> {
    if let Some(keyword) = grammar::keyword(rule) {
        return Some((keyword, true));
    }
    keywords::find(&format!("{rule:?}"))
        .filter(|k| k.declares != Declares::Nothing)
        .map(|k| (k, false))
}

/// Is this rule a declaration allowed only at the top level (or its
/// keyword, when the keyword starts nothing else)?
fn is_top_level(rule: Rule) -> bool {
    row(rule).is_some_and(|(k, is_keyword)| {
        let top = matches!(
            k.declares,
            Declares::TopLevel(_) | Declares::InTeams(_) | Declares::Include
        );
        top && !(is_keyword && k.attribute.is_some())
    })
}

/// Does this rule start a nested or top-level declaration? Those are
/// summarised in the phrase rather than listed one by one.
fn starts_declaration(rule: Rule) -> bool {
    row(rule).is_some_and(|(k, _)| match k.declares {
        Declares::Anywhere(_) | Declares::InTeams(_) => true,
        Declares::TopLevel(_) => k.attribute.is_some(),
        Declares::Nothing | Declares::Include => false,
    })
}

/// Does this rule start an attribute (as one of its keywords or as the
/// whole rule)?
fn starts_attribute(rule: Rule) -> bool {
    describe(rule) == "an attribute"
        || grammar::keyword(rule)
            .is_some_and(|k| keywords::attributes().any(|a| a.name.split(' ').any(|w| w == k.word)))
}

/// Describes what the parser expected at a position, as one phrase.
pub(crate) fn expected_phrase(positives: &[Rule]) -> String {
    let attributes = positives.iter().filter(|r| starts_attribute(**r)).count();
    let top_levels = positives.iter().filter(|r| is_top_level(**r)).count();
    let in_block = attributes >= 5;
    let at_top = top_levels >= 4 && !in_block;
    let mut words: Vec<&'static str> = Vec::new();
    if at_top {
        words.push("a declaration (`project`, `calendar`, `resource`, `team`, `task`, `milestone`, `risk`, `issue` or `include`)");
    }
    if in_block {
        words.push(
            "an attribute (like `effort 3d` or `after design`), a nested `task` or `milestone`",
        );
    }
    for rule in positives {
        let skip = (in_block && (starts_attribute(*rule) || starts_declaration(*rule)))
            || (at_top && (is_top_level(*rule) || starts_declaration(*rule)));
        if skip {
            continue;
        }
        let word = describe(*rule);
        if !words.contains(&word) {
            words.push(word);
        }
    }
    match words.len() {
        0 => "something else".to_string(),
        1 => words[0].to_string(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

/// Did the parser stand inside a block (expecting attributes)?
pub(crate) fn inside_block(positives: &[Rule]) -> bool {
    positives.iter().filter(|r| starts_attribute(**r)).count() >= 5
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule the grammar gains is described in words, by the keyword
    /// table or here, before it can reach a message.
    #[test]
    fn every_rule_has_words() {
        for rule in Rule::all_rules() {
            let described = row(*rule).is_some()
                || grammar::attribute(*rule).is_some()
                || construct(*rule).is_some();
            assert!(described, "{rule:?} has no words");
        }
    }
}
