//! What the grammar accepts at a point of a text, for an editor's
//! completion (`planc lsp`): the text before the cursor is parsed with the
//! pest grammar, and the rules pest expected where it stopped say which
//! keywords and which kinds of value may come next. The grammar is the one
//! definition of the language, so nothing here lists keywords by hand.

use super::grammar::{self, PlanParser, Rule};
use pest::error::{ErrorVariant, InputLocation};
use pest::Parser;

/// What may come at the end of a text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    /// Keywords, as written (the first word of `not before`, `finish after`
    /// is `not`, `finish`), in the keyword table's order.
    pub keywords: Vec<&'static str>,
    /// A date or date-time (`start`, `deadline`, ...).
    pub date: bool,
    /// A duration (`effort`, `duration`, a lag, ...).
    pub duration: bool,
    /// A name of something declared (a reference or an id).
    pub name: bool,
}

/// What the grammar accepts right after `before`: the text of a file up to
/// the cursor (without the partly typed word). It is read from its last
/// top-level declaration (a line that starts with a word), so that a
/// mistake above does not stop completion, else whole; empty when neither
/// reads to the end.
pub fn expected_after(before: &str) -> Expected {
    // The last declaration alone first: the grammar reads a plan one
    // declaration after another, and a large plan parses slowly.
    if let Some(start) = last_declaration_start(before).filter(|&s| s > 0) {
        let last = expected_at_end(&before[start..]);
        if last != Expected::default() {
            return last;
        }
    }
    expected_at_end(before)
}

/// The start of the last line that begins with a letter: where the last
/// top-level declaration starts, in a plan laid out as `planc fmt` does.
fn last_declaration_start(text: &str) -> Option<usize> {
    text.rmatch_indices('\n')
        .map(|(i, _)| i + 1)
        .find(|&i| text[i..].starts_with(|c: char| c.is_ascii_alphabetic()))
}

fn expected_at_end(before: &str) -> Expected {
    let Err(error) = PlanParser::parse(Rule::plan, before) else {
        // Everything parsed: a new declaration may follow.
        return expected_from(&[Rule::kw_task]).with_top_level();
    };
    let at = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    if before[at.min(before.len())..].trim().is_empty() {
        if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
            let mut expected = expected_from(positives);
            // pest names the `number` a duration starts with, not the
            // duration: ask the grammar whether one is read here.
            if positives.contains(&Rule::number) {
                expected.duration = reads_past(before, "1d");
            }
            return expected;
        }
    }
    Expected::default()
}

/// Whether the grammar reads `sample` whole after `before`.
fn reads_past(before: &str, sample: &str) -> bool {
    let text = format!("{before}{sample} ");
    match PlanParser::parse(Rule::plan, &text) {
        Ok(_) => true,
        Err(e) => {
            let at = match e.location {
                InputLocation::Pos(p) => p,
                InputLocation::Span((s, _)) => s,
            };
            at > before.len() + sample.len()
        }
    }
}

impl Expected {
    /// Every keyword that starts a top-level declaration.
    fn with_top_level(mut self) -> Expected {
        self.keywords = super::keywords::top_level_keywords().collect();
        self
    }
}

fn expected_from(rules: &[Rule]) -> Expected {
    let mut expected = Expected::default();
    for rule in rules {
        if let Some(keyword) = grammar::keyword(*rule) {
            push_once(&mut expected.keywords, keyword.word);
        } else if let Some(attribute) = grammar::attribute(*rule) {
            let first = attribute.name.split(' ').next().unwrap_or(attribute.name);
            push_once(&mut expected.keywords, first);
        }
        match rule {
            Rule::moment | Rule::date | Rule::date_span => expected.date = true,
            Rule::duration | Rule::lag => expected.duration = true,
            Rule::reference | Rule::ident | Rule::assign_item | Rule::dependency => {
                expected.name = true
            }
            _ => {}
        }
    }
    expected
}

fn push_once(words: &mut Vec<&'static str>, word: &'static str) {
    if !words.contains(&word) {
        words.push(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_a_task_block_attributes_and_nested_tasks_are_expected() {
        let e = expected_after("task a {\n  ");
        for word in [
            "effort",
            "after",
            "assign",
            "task",
            "milestone",
            "not",
            "finish",
        ] {
            assert!(e.keywords.contains(&word), "{word}: {:?}", e.keywords);
        }
        assert!(!e.keywords.contains(&"project"), "{:?}", e.keywords);
    }

    #[test]
    fn at_the_top_level_declarations_are_expected() {
        let e = expected_after("task a { effort 1d }\n");
        assert!(e.keywords.contains(&"project"), "{:?}", e.keywords);
        assert!(e.keywords.contains(&"task"), "{:?}", e.keywords);
        assert!(!e.keywords.contains(&"effort"), "{:?}", e.keywords);
    }

    #[test]
    fn values_are_told_apart() {
        assert!(expected_after("task a { effort ").duration);
        assert!(!expected_after("task a { priority ").duration);
        assert!(expected_after("task a { deadline ").date);
        assert!(expected_after("task a { after ").name);
    }

    #[test]
    fn an_error_above_is_stepped_over() {
        let e = expected_after("task { } }\ntask a {\n  ");
        assert!(e.keywords.contains(&"effort"), "{:?}", e.keywords);
        assert_eq!(expected_after("task { } } task a {\n"), Expected::default());
    }
}
