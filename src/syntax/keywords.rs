//! The keywords of the language, in one table: every word of the
//! grammar's `kw_` rules, what it starts (a declaration, an attribute or
//! nothing on its own), its words in "expected ..." messages, and for an
//! attribute its grammar rule and whether it may repeat; [`takes`] says
//! which declarations take which attribute.
//!
//! The pest binding, the fast reader, error recovery, the checker's
//! placement rules and [`AttrValue::keyword`] all read this table. pest's
//! `Rule` enum is generated from `grammar/plan.pest`, so the grammar cannot
//! be the table; the tests below hold the two to the same words.

use super::ast::{AttrValue, DeclKind, DepKind};

/// An attribute as a planner writes it: one per [`AttrValue`] variant, with
/// `after` and `finish after` apart (one variant, two keywords).
/// `Members` stays last: the table's size is counted up to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttrKind {
    Start,
    Deadline,
    Now,
    Currency,
    Calendar,
    Budget,
    Note,
    Workdays,
    Hours,
    Holiday,
    Role,
    Units,
    Capacity,
    Rate,
    Off,
    Effort,
    Duration,
    Elapsed,
    Assign,
    After,
    FinishAfter,
    NotBefore,
    Priority,
    Progress,
    Range,
    Cost,
    Tags,
    Date,
    Chance,
    Delay,
    Affects,
    Owner,
    Response,
    Status,
    Raised,
    Finished,
    Severity,
    Resolution,
    /// A team's `resource alice, bob`.
    Members,
}

/// How many kinds there are; `Members` is the last one (a test checks).
const KIND_COUNT: usize = AttrKind::Members as usize + 1;

impl AttrKind {
    /// The attribute's row of the table.
    pub fn attribute(self) -> &'static Attribute {
        &BY_KIND[self as usize]
    }

    /// The keyword as written: one word, or two (`finish after`).
    pub fn name(self) -> &'static str {
        self.attribute().name
    }

    /// Whether it may be written more than once (the values add up).
    pub fn repeats(self) -> bool {
        self.attribute().repeats
    }
}

impl AttrValue {
    /// The keyword as written, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            AttrValue::Invalid(keyword) => keyword,
            _ => self.kind().map_or("", AttrKind::name),
        }
    }

    /// The kind of attribute this is; `None` for one whose value was
    /// invalid. The match has no `_` arm: a new variant does not compile
    /// until it has a kind, and the kind a row.
    pub fn kind(&self) -> Option<AttrKind> {
        let kind = match self {
            AttrValue::Start(_) => AttrKind::Start,
            AttrValue::Deadline(_) => AttrKind::Deadline,
            AttrValue::Now(_) => AttrKind::Now,
            AttrValue::Currency(_) => AttrKind::Currency,
            AttrValue::Calendar(_) => AttrKind::Calendar,
            AttrValue::Budget(_) => AttrKind::Budget,
            AttrValue::Note(_) => AttrKind::Note,
            AttrValue::Workdays(_) => AttrKind::Workdays,
            AttrValue::Hours(..) => AttrKind::Hours,
            AttrValue::Holiday(..) => AttrKind::Holiday,
            AttrValue::Role(_) => AttrKind::Role,
            AttrValue::Units(_) => AttrKind::Units,
            AttrValue::Capacity(_) => AttrKind::Capacity,
            AttrValue::Rate(_) => AttrKind::Rate,
            AttrValue::Off(..) => AttrKind::Off,
            AttrValue::Effort(_) => AttrKind::Effort,
            AttrValue::Duration(_) => AttrKind::Duration,
            AttrValue::Elapsed(_) => AttrKind::Elapsed,
            AttrValue::Assign(_) => AttrKind::Assign,
            AttrValue::After(deps) => match deps.first().map(|d| d.kind) {
                Some(DepKind::FinishToFinish | DepKind::StartToFinish) => AttrKind::FinishAfter,
                _ => AttrKind::After,
            },
            AttrValue::NotBefore(_) => AttrKind::NotBefore,
            AttrValue::Priority(_) => AttrKind::Priority,
            AttrValue::Progress(_) => AttrKind::Progress,
            AttrValue::Range(..) => AttrKind::Range,
            AttrValue::Cost(_) => AttrKind::Cost,
            AttrValue::Tags(_) => AttrKind::Tags,
            AttrValue::Date(_) => AttrKind::Date,
            AttrValue::Chance(_) => AttrKind::Chance,
            AttrValue::Delay(_) => AttrKind::Delay,
            AttrValue::Affects(_) => AttrKind::Affects,
            AttrValue::Owner(_) => AttrKind::Owner,
            AttrValue::Response(_) => AttrKind::Response,
            AttrValue::Status(_) => AttrKind::Status,
            AttrValue::Raised(_) => AttrKind::Raised,
            AttrValue::Finished(_) => AttrKind::Finished,
            AttrValue::Severity(_) => AttrKind::Severity,
            AttrValue::Resolution(_) => AttrKind::Resolution,
            AttrValue::Members(_) => AttrKind::Members,
            AttrValue::Invalid(_) => return None,
        };
        Some(kind)
    }
}

/// One word of the grammar (its `kw_WORD` rule).
#[derive(Debug)]
pub struct Keyword {
    pub word: &'static str,
    /// What "expected ..." calls the `kw_` rule.
    pub phrase: &'static str,
    /// The declaration it starts, if any.
    pub declares: Declares,
    /// The attribute it is the first word of, if any.
    pub attribute: Option<Attribute>,
}

/// Where a keyword starts a declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Declares {
    /// Nothing: it starts an attribute or is a later word of one.
    Nothing,
    /// `include "file"`, at the top level.
    Include,
    /// A declaration at the top level only.
    TopLevel(DeclKind),
    /// A declaration at the top level or in a team (`resource ann "Ann"`;
    /// `resource ann, bob` lists members: the grammar tells them apart by
    /// what follows the id).
    InTeams(DeclKind),
    /// A declaration at the top level or in any block.
    Anywhere(DeclKind),
}

impl Declares {
    /// The kind of declaration it starts (`None` for `include`).
    pub fn kind(self) -> Option<DeclKind> {
        match self {
            Declares::TopLevel(kind) | Declares::InTeams(kind) | Declares::Anywhere(kind) => {
                Some(kind)
            }
            Declares::Nothing | Declares::Include => None,
        }
    }
}

/// An attribute: its keyword(s), its grammar rule and whether it repeats.
#[derive(Clone, Copy, Debug)]
pub struct Attribute {
    pub kind: AttrKind,
    /// As written: the keyword, or both words (`finish after`).
    pub name: &'static str,
    /// The `attr_` rule of `grammar/plan.pest`.
    pub rule: &'static str,
    /// Written more than once, the values add up.
    pub repeats: bool,
}

impl Attribute {
    /// The second word of a two-word attribute (`after` of `finish after`).
    pub fn second_word(&self) -> Option<&'static str> {
        self.name.split_once(' ').map(|(_, second)| second)
    }
}

const fn word(word: &'static str, phrase: &'static str, declares: Declares) -> Keyword {
    Keyword {
        word,
        phrase,
        declares,
        attribute: None,
    }
}

const fn attribute(word: &'static str, phrase: &'static str, attribute: Attribute) -> Keyword {
    Keyword {
        word,
        phrase,
        declares: Declares::Nothing,
        attribute: Some(attribute),
    }
}

const fn once(kind: AttrKind, name: &'static str, rule: &'static str) -> Attribute {
    Attribute {
        kind,
        name,
        rule,
        repeats: false,
    }
}

const fn repeated(kind: AttrKind, name: &'static str, rule: &'static str) -> Attribute {
    Attribute {
        kind,
        name,
        rule,
        repeats: true,
    }
}

use AttrKind as K;
use DeclKind as D;

/// One attribute keyword whose name, phrase and grammar rule all follow
/// from its word: `attr!(cost, Cost, once)`.
macro_rules! attr {
    ($word:ident, $kind:ident, $count:ident) => {
        attribute(
            stringify!($word),
            concat!("`", stringify!($word), "`"),
            $count(
                K::$kind,
                stringify!($word),
                concat!("attr_", stringify!($word)),
            ),
        )
    };
}

/// Every keyword, the ones plans write most first (the fast reader looks
/// words up in this order).
pub static KEYWORDS: [Keyword; 49] = TABLE;

/// [`KEYWORDS`] as a constant, which the build can read (below).
const TABLE: [Keyword; 49] = [
    attr!(after, After, repeated),
    attr!(effort, Effort, once),
    attr!(duration, Duration, once),
    attr!(assign, Assign, repeated),
    attr!(elapsed, Elapsed, once),
    attribute(
        "finish",
        "`finish`",
        repeated(K::FinishAfter, "finish after", "attr_finish_after"),
    ),
    attr!(start, Start, once),
    attr!(deadline, Deadline, once),
    attr!(priority, Priority, once),
    attr!(progress, Progress, once),
    attr!(note, Note, once),
    attr!(tags, Tags, repeated),
    attribute(
        "not",
        "`not`",
        once(K::NotBefore, "not before", "attr_not_before"),
    ),
    attr!(range, Range, once),
    attr!(cost, Cost, once),
    attr!(budget, Budget, once),
    attr!(date, Date, once),
    attr!(role, Role, once),
    attr!(units, Units, once),
    attr!(capacity, Capacity, once),
    attr!(rate, Rate, once),
    attr!(off, Off, repeated),
    Keyword {
        word: "calendar",
        phrase: "`calendar`",
        declares: Declares::TopLevel(D::Calendar),
        attribute: Some(once(K::Calendar, "calendar", "attr_calendar")),
    },
    attr!(workdays, Workdays, once),
    attr!(hours, Hours, repeated),
    attr!(holiday, Holiday, repeated),
    attr!(now, Now, once),
    attr!(currency, Currency, once),
    attr!(chance, Chance, once),
    attr!(delay, Delay, once),
    attr!(affects, Affects, repeated),
    attr!(owner, Owner, once),
    attr!(response, Response, once),
    attr!(status, Status, once),
    attr!(raised, Raised, once),
    attr!(severity, Severity, once),
    attr!(resolution, Resolution, once),
    attr!(finished, Finished, once),
    Keyword {
        word: "resource",
        phrase: "`resource`",
        declares: Declares::InTeams(D::Resource),
        attribute: Some(repeated(K::Members, "resource", "attr_members")),
    },
    word("task", "`task`", Declares::Anywhere(D::Task)),
    word("milestone", "`milestone`", Declares::Anywhere(D::Milestone)),
    word("project", "`project`", Declares::TopLevel(D::Project)),
    word("team", "`team`", Declares::TopLevel(D::Team)),
    word("risk", "`risk`", Declares::TopLevel(D::Risk)),
    word("issue", "`issue`", Declares::TopLevel(D::Issue)),
    word("include", "`include`", Declares::Include),
    // Later words: `any of`, `start of`, `not before`.
    word("any", "`any`", Declares::Nothing),
    word("of", "`of`", Declares::Nothing),
    word("before", "`before`", Declares::Nothing),
];

/// The attributes a declaration of `kind` takes, in the order its
/// "takes ..." help lists them.
pub fn takes(kind: DeclKind) -> &'static [AttrKind] {
    match kind {
        D::Project => &[
            K::Start,
            K::Deadline,
            K::Now,
            K::Currency,
            K::Calendar,
            K::Budget,
            K::Note,
        ],
        D::Calendar => &[K::Workdays, K::Hours, K::Holiday, K::Note],
        D::Resource => &[
            K::Role,
            K::Units,
            K::Capacity,
            K::Rate,
            K::Calendar,
            K::Off,
            K::Note,
        ],
        D::Team => &[K::Members, K::Note],
        D::Task => &[
            K::Effort,
            K::Duration,
            K::Elapsed,
            K::Assign,
            K::After,
            K::FinishAfter,
            K::Start,
            K::NotBefore,
            K::Deadline,
            K::Priority,
            K::Progress,
            K::Range,
            K::Cost,
            K::Budget,
            K::Tags,
            K::Note,
        ],
        D::Milestone => &[
            K::After,
            K::FinishAfter,
            K::Date,
            K::Deadline,
            K::Note,
            K::Tags,
            K::Priority,
            K::Progress,
            K::Finished,
        ],
        D::Risk => &[
            K::Chance,
            K::Delay,
            K::Cost,
            K::Affects,
            K::Owner,
            K::Response,
            K::Status,
            K::Note,
        ],
        D::Issue => &[
            K::Raised,
            K::Owner,
            K::Affects,
            K::Severity,
            K::Status,
            K::Resolution,
            K::Note,
        ],
    }
}

/// The row of `word`, if it is a keyword.
pub fn find(word: &str) -> Option<&'static Keyword> {
    KEYWORDS.iter().find(|k| k.word == word)
}

/// The row of the attribute whose `attr_` rule is `rule`.
pub fn attribute_by_rule(rule: &str) -> Option<&'static Attribute> {
    attributes().find(|a| a.rule == rule)
}

/// Every attribute of the table.
pub fn attributes() -> impl Iterator<Item = &'static Attribute> {
    KEYWORDS.iter().filter_map(|k| k.attribute.as_ref())
}

/// Whether `keyword` starts an item of a block: an attribute (its first
/// word) or a nested declaration (`resource` is both).
fn starts_item(keyword: &Keyword) -> bool {
    keyword.attribute.is_some() || matches!(keyword.declares, Declares::Anywhere(_))
}

/// `word` as the table's static string, if it starts an item of a block.
pub fn item_keyword(word: &str) -> Option<&'static str> {
    find(word).filter(|k| starts_item(k)).map(|k| k.word)
}

/// The words that start an item of a block.
pub fn item_keywords() -> impl Iterator<Item = &'static str> {
    KEYWORDS.iter().filter(|k| starts_item(k)).map(|k| k.word)
}

/// The words that start a top-level item (a declaration or `include`).
pub fn top_level_keywords() -> impl Iterator<Item = &'static str> {
    KEYWORDS
        .iter()
        .filter(|k| k.declares != Declares::Nothing)
        .map(|k| k.word)
}

/// Each kind's attribute, gathered from [`TABLE`] when the crate is
/// built: a kind without a row, or with two, fails the build.
static BY_KIND: [Attribute; KIND_COUNT] = by_kind();

const fn by_kind() -> [Attribute; KIND_COUNT] {
    let mut found: [Option<Attribute>; KIND_COUNT] = [None; KIND_COUNT];
    let mut row = 0;
    while row < TABLE.len() {
        if let Some(attribute) = TABLE[row].attribute {
            let kind = attribute.kind as usize;
            assert!(found[kind].is_none(), "an attribute kind has two rows");
            found[kind] = Some(attribute);
        }
        row += 1;
    }
    let mut out = [once(K::Start, "", ""); KIND_COUNT];
    let mut kind = 0;
    while kind < KIND_COUNT {
        match found[kind] {
            Some(attribute) => out[kind] = attribute,
            None => panic!("an attribute kind has no row"),
        }
        kind += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const GRAMMAR: &str = include_str!("../../grammar/plan.pest");

    /// `(name, body)` of every rule of the grammar whose name starts with
    /// `prefix`.
    fn grammar_rules(prefix: &str) -> Vec<(&'static str, &'static str)> {
        GRAMMAR
            .lines()
            .filter(|line| line.starts_with(prefix))
            .filter_map(|line| {
                let (name, body) = line.split_once('=')?;
                Some((name.trim(), body.trim()))
            })
            .collect()
    }

    #[test]
    fn every_keyword_rule_has_a_row_and_every_row_a_rule() {
        let rules: BTreeSet<(&str, &str)> = grammar_rules("kw_")
            .into_iter()
            .map(|(name, body)| {
                let word = body.split('"').nth(1).unwrap_or_default();
                assert_eq!(body, format!("@{{ \"{word}\" ~ !ident_char }}"), "{name}");
                (name, word)
            })
            .collect();
        let names: Vec<String> = KEYWORDS.iter().map(|k| format!("kw_{}", k.word)).collect();
        let rows: BTreeSet<(&str, &str)> = KEYWORDS
            .iter()
            .zip(&names)
            .map(|(k, name)| (name.as_str(), k.word))
            .collect();
        assert_eq!(rows.len(), KEYWORDS.len(), "a word has two rows");
        assert_eq!(rules, rows);
        for keyword in &KEYWORDS {
            assert_eq!(keyword.phrase, format!("`{}`", keyword.word));
        }
    }

    #[test]
    fn every_attribute_rule_has_a_row_and_every_row_a_rule() {
        let rules = grammar_rules("attr_");
        let in_table: BTreeSet<&str> = attributes().map(|a| a.rule).collect();
        let in_grammar: BTreeSet<&str> = rules.iter().map(|(name, _)| *name).collect();
        assert_eq!(in_grammar, in_table);
        // The rule starts with the attribute's keywords, in order.
        for (name, body) in rules {
            let attribute = attribute_by_rule(name).expect("a row");
            let keywords: Vec<String> = KEYWORDS
                .iter()
                .filter(|k| k.attribute.as_ref().is_some_and(|a| a.rule == name))
                .map(|k| k.word)
                .chain(attribute.second_word())
                .map(|w| format!("kw_{w}"))
                .collect();
            let start = format!("{{ {} ~", keywords.join(" ~ "));
            assert!(body.starts_with(&start), "{name}: {body}");
            assert!(attribute
                .name
                .starts_with(keywords[0].trim_start_matches("kw_")));
        }
    }

    #[test]
    fn every_attribute_kind_has_its_own_row() {
        assert_eq!(attributes().count(), KIND_COUNT);
        for attribute in attributes() {
            assert_eq!(attribute.kind.attribute().rule, attribute.rule);
        }
        // `KIND_COUNT` counts up to `Members`: nothing may come after it.
        assert_eq!(
            attributes().map(|a| a.kind as usize).max(),
            Some(KIND_COUNT - 1)
        );
    }

    #[test]
    fn a_declaration_takes_each_attribute_once_in_its_list() {
        use DeclKind::*;
        for kind in [
            Project, Calendar, Resource, Team, Task, Milestone, Risk, Issue,
        ] {
            let list = takes(kind);
            let unique: BTreeSet<&str> = list.iter().map(|k| k.name()).collect();
            assert_eq!(unique.len(), list.len(), "{kind:?}");
        }
    }

    #[test]
    fn every_declaration_keyword_names_its_kind() {
        for keyword in &KEYWORDS {
            if let Some(kind) = keyword.declares.kind() {
                assert_eq!(kind.keyword(), keyword.word);
            }
        }
    }
}
