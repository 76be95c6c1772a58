//! The pest binding. `Rule` and `Pair` never leave the syntax module.
//! pest names a rule after the grammar, so its `kw_` and `attr_` rules
//! find their rows of the keyword table by name.

use super::keywords::{self, Attribute, Keyword};
use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "../grammar/plan.pest"]
pub(crate) struct PlanParser;

/// The keyword table's row of a `kw_` rule.
pub(crate) fn keyword(rule: Rule) -> Option<&'static Keyword> {
    format!("{rule:?}")
        .strip_prefix("kw_")
        .and_then(keywords::find)
}

/// The keyword table's attribute of an `attr_` rule.
pub(crate) fn attribute(rule: Rule) -> Option<&'static Attribute> {
    keywords::attribute_by_rule(&format!("{rule:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table test reads the grammar's text; this one holds the
    /// generated `Rule` enum to the table.
    #[test]
    fn every_keyword_and_attribute_rule_finds_its_row() {
        for rule in Rule::all_rules() {
            let name = format!("{rule:?}");
            assert_eq!(name.starts_with("kw_"), keyword(*rule).is_some(), "{name}");
            assert_eq!(
                name.starts_with("attr_"),
                attribute(*rule).is_some(),
                "{name}"
            );
        }
    }
}
