//! Words for grammar rules, so that a syntax error says "expected a date
//! like `2027-01-04`" and never a pest rule name. The match has no `_` arm:
//! a new rule does not compile until it has words.

use super::grammar::Rule;

/// How a rule is described to a planner.
pub(crate) fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => {
            "a new declaration (`task`, `milestone`, `resource`, ...) or the end of the file"
        }
        Rule::WHITESPACE | Rule::COMMENT => "a space",
        Rule::plan | Rule::lone_declaration | Rule::declaration => "a declaration",
        Rule::item | Rule::attribute => "an attribute",
        Rule::string_plain | Rule::escape | Rule::text => "text in quotes",
        Rule::ident_start | Rule::ident_char => "a letter",
        Rule::project => "`project`",
        Rule::calendar => "`calendar`",
        Rule::resource | Rule::inline_resource => "`resource`",
        Rule::team => "`team`",
        Rule::task => "`task`",
        Rule::milestone => "`milestone`",
        Rule::risk => "`risk`",
        Rule::issue => "`issue`",
        Rule::include => "`include`",
        Rule::title | Rule::decl_tail => "a title in quotes",
        Rule::block | Rule::open_brace => "`{`",
        Rule::close_brace => "`}`",
        Rule::attr_start
        | Rule::attr_deadline
        | Rule::attr_now
        | Rule::attr_currency
        | Rule::attr_calendar
        | Rule::attr_budget
        | Rule::attr_note
        | Rule::attr_workdays
        | Rule::attr_hours
        | Rule::attr_holiday
        | Rule::attr_role
        | Rule::attr_units
        | Rule::attr_capacity
        | Rule::attr_rate
        | Rule::attr_off
        | Rule::attr_effort
        | Rule::attr_duration
        | Rule::attr_elapsed
        | Rule::attr_assign
        | Rule::attr_after
        | Rule::attr_finish_after
        | Rule::attr_not_before
        | Rule::attr_priority
        | Rule::attr_progress
        | Rule::attr_range
        | Rule::attr_cost
        | Rule::attr_tags
        | Rule::attr_date
        | Rule::attr_chance
        | Rule::attr_delay
        | Rule::attr_affects
        | Rule::attr_owner
        | Rule::attr_response
        | Rule::attr_status
        | Rule::attr_raised
        | Rule::attr_finished
        | Rule::attr_severity
        | Rule::attr_resolution
        | Rule::attr_members => "an attribute",
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
        Rule::kw_project => "`project`",
        Rule::kw_calendar => "`calendar`",
        Rule::kw_resource => "`resource`",
        Rule::kw_team => "`team`",
        Rule::kw_task => "`task`",
        Rule::kw_milestone => "`milestone`",
        Rule::kw_risk => "`risk`",
        Rule::kw_issue => "`issue`",
        Rule::kw_include => "`include`",
        Rule::kw_start => "`start`",
        Rule::kw_deadline => "`deadline`",
        Rule::kw_now => "`now`",
        Rule::kw_currency => "`currency`",
        Rule::kw_budget => "`budget`",
        Rule::kw_note => "`note`",
        Rule::kw_workdays => "`workdays`",
        Rule::kw_hours => "`hours`",
        Rule::kw_holiday => "`holiday`",
        Rule::kw_role => "`role`",
        Rule::kw_units => "`units`",
        Rule::kw_capacity => "`capacity`",
        Rule::kw_rate => "`rate`",
        Rule::kw_off => "`off`",
        Rule::kw_effort => "`effort`",
        Rule::kw_duration => "`duration`",
        Rule::kw_elapsed => "`elapsed`",
        Rule::kw_assign => "`assign`",
        Rule::kw_any => "`any`",
        Rule::kw_of => "`of`",
        Rule::kw_after => "`after`",
        Rule::kw_finish => "`finish`",
        Rule::kw_not => "`not`",
        Rule::kw_before => "`before`",
        Rule::kw_priority => "`priority`",
        Rule::kw_progress => "`progress`",
        Rule::kw_range => "`range`",
        Rule::kw_cost => "`cost`",
        Rule::kw_tags => "`tags`",
        Rule::kw_date => "`date`",
        Rule::kw_chance => "`chance`",
        Rule::kw_delay => "`delay`",
        Rule::kw_affects => "`affects`",
        Rule::kw_owner => "`owner`",
        Rule::kw_response => "`response`",
        Rule::kw_status => "`status`",
        Rule::kw_raised => "`raised`",
        Rule::kw_finished => "`finished`",
        Rule::kw_severity => "`severity`",
        Rule::kw_resolution => "`resolution`",
    }
}

/// Is this rule one of the declaration keywords allowed at the top level?
fn is_top_level(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::project
            | Rule::calendar
            | Rule::resource
            | Rule::team
            | Rule::risk
            | Rule::issue
            | Rule::include
            | Rule::kw_project
            | Rule::kw_team
            | Rule::kw_risk
            | Rule::kw_issue
            | Rule::kw_include
    )
}

/// Does this rule start a nested or top-level declaration? Those are
/// summarised in the phrase rather than listed one by one.
fn starts_declaration(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::task
            | Rule::milestone
            | Rule::calendar
            | Rule::resource
            | Rule::kw_task
            | Rule::kw_milestone
            | Rule::kw_calendar
            | Rule::kw_resource
    )
}

/// Does this rule start an attribute (as a keyword or as the whole rule)?
fn starts_attribute(rule: Rule) -> bool {
    describe(rule) == "an attribute"
        || (format!("{rule:?}").starts_with("kw_")
            && !is_top_level(rule)
            && !matches!(
                rule,
                Rule::kw_task | Rule::kw_milestone | Rule::kw_any | Rule::kw_of
            ))
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
