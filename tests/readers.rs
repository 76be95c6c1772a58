//! The two readers of `.plan` text held to one tree, generatively: plans
//! drawn from a generator that covers every construct of the grammar (every
//! attribute, every literal form, every dependency form, nested groups,
//! inline team members, comments and blank lines between any two tokens,
//! CRLF line ends) must be read by the fast reader, into exactly the tree
//! the pest grammar builds, spans included; and `syntax::parse` must not
//! send any of them down the slow path.

use planc::source::FileId;
use planc::syntax::{clean_files_read_slowly, parse, parse_both};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// A plan as tokens; [`layout`] puts blanks and comments between them.
type Tokens = Vec<String>;

fn one(token: impl Into<String>) -> Tokens {
    vec![token.into()]
}

fn concat(parts: Vec<Tokens>) -> Tokens {
    parts.into_iter().flatten().collect()
}

/// `item ("," item)*`, the commas tokens of their own.
fn comma_list(item: BoxedStrategy<Tokens>, max: usize) -> BoxedStrategy<Tokens> {
    prop::collection::vec(item, 1..=max)
        .prop_map(|items| {
            let mut out = Vec::new();
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(",".to_string());
                }
                out.extend(item);
            }
            out
        })
        .boxed()
}

// ------------------------------------------------------------ literals

fn ident() -> BoxedStrategy<String> {
    prop_oneof![
        6 => "[a-z_][a-z0-9_]{0,6}",
        // Keywords are ids wherever an id is expected.
        1 => prop::sample::select(vec!["start", "task", "of", "any", "after", "note", "mon"])
            .prop_map(String::from),
    ]
    .boxed()
}

fn reference() -> BoxedStrategy<Tokens> {
    prop::collection::vec(ident(), 1..=3)
        .prop_map(|parts| one(parts.join(".")))
        .boxed()
}

fn date() -> BoxedStrategy<String> {
    (2020u32..2031, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}"))
        .boxed()
}

fn time() -> BoxedStrategy<String> {
    (0u32..24, 0u32..60, any::<bool>())
        .prop_map(|(h, m, short)| {
            if short && h < 10 {
                format!("{h}:{m:02}")
            } else {
                format!("{h:02}:{m:02}")
            }
        })
        .boxed()
}

/// A date, a date-time with `T`, or one with spaces or tabs.
fn moment() -> BoxedStrategy<Tokens> {
    prop_oneof![
        date().prop_map(one),
        (date(), time()).prop_map(|(d, t)| one(format!("{d}T{t}"))),
        (
            date(),
            prop::sample::select(vec![" ", "\t", "  \t"]),
            time()
        )
            .prop_map(|(d, gap, t)| one(format!("{d}{gap}{t}"))),
    ]
    .boxed()
}

fn number() -> BoxedStrategy<String> {
    prop_oneof![
        (0u32..100_000).prop_map(|n| n.to_string()),
        (0u32..1000, 0u32..100).prop_map(|(n, f)| format!("{n}.{f:02}")),
        (0u32..100, 0u32..10).prop_map(|(n, f)| format!("{n}.{f}")),
    ]
    .boxed()
}

fn duration() -> BoxedStrategy<String> {
    (
        prop_oneof![
            (1u32..200).prop_map(|n| n.to_string()),
            (1u32..20, 1u32..10).prop_map(|(n, f)| format!("{n}.{f}"))
        ],
        prop::sample::select(vec!["min", "h", "d", "w"]),
    )
        .prop_map(|(n, unit)| format!("{n}{unit}"))
        .boxed()
}

fn percent() -> BoxedStrategy<Tokens> {
    prop_oneof![
        (0u32..=100).prop_map(|n| one(format!("{n}%"))),
        (0u32..100, 1u32..10).prop_map(|(n, f)| one(format!("{n}.{f}%"))),
    ]
    .boxed()
}

fn rate() -> BoxedStrategy<Tokens> {
    (1u32..2000, prop::sample::select(vec!["h", "d"]))
        .prop_map(|(n, unit)| one(format!("{n}/{unit}")))
        .boxed()
}

fn time_range() -> BoxedStrategy<Tokens> {
    (0u32..12, 0u32..60, 12u32..=24, 0u32..60)
        .prop_map(|(h1, m1, h2, m2)| {
            let to = if h2 == 24 {
                "24:00".to_string()
            } else {
                format!("{h2:02}:{m2:02}")
            };
            one(format!("{h1:02}:{m1:02}..{to}"))
        })
        .boxed()
}

fn date_span() -> BoxedStrategy<Tokens> {
    prop_oneof![
        date().prop_map(one),
        (2020u32..2031, 1u32..=12, 1u32..=14, 0u32..14)
            .prop_map(|(y, m, d, n)| one(format!("{y}-{m:02}-{d:02}..{y}-{m:02}-{:02}", d + n))),
    ]
    .boxed()
}

/// A string with every escape, and `#` and braces that are not code.
fn string() -> BoxedStrategy<Tokens> {
    let piece = prop::sample::select(vec![
        "a",
        "Plan",
        " ",
        "# not a comment",
        "{",
        "}",
        "é",
        "😀",
        "\\\"",
        "\\\\",
        "\\n",
        "\\t",
        "\\u{1F600}",
        "\\u{e9}",
        ",",
    ]);
    prop::collection::vec(piece, 0..6)
        .prop_map(|pieces| one(format!("\"{}\"", pieces.concat())))
        .boxed()
}

fn text_block() -> BoxedStrategy<Tokens> {
    let piece = prop::sample::select(vec![
        "line",
        "\n",
        "\n    ",
        "  ",
        "# not a comment",
        "{ }",
        "it's",
        "é",
        "\\n",
    ]);
    prop::collection::vec(piece, 0..8)
        .prop_map(|pieces| one(format!("\"\"\"{}\"\"\"", pieces.concat())))
        .boxed()
}

fn text() -> BoxedStrategy<Tokens> {
    prop_oneof![3 => string(), 1 => text_block()].boxed()
}

fn weekday() -> BoxedStrategy<usize> {
    (0usize..7).boxed()
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// `mon` or `mon..fri` (non-atomic: blanks may stand around the `..`).
fn day_item() -> BoxedStrategy<Tokens> {
    prop_oneof![
        weekday().prop_map(|d| one(WEEKDAYS[d])),
        (weekday(), weekday()).prop_map(|(a, b)| {
            let (a, b) = (a.min(b), a.max(b));
            vec![WEEKDAYS[a].into(), "..".into(), WEEKDAYS[b].into()]
        }),
    ]
    .boxed()
}

// ------------------------------------------------------------ dependencies and assignments

/// `x`, `start of x`, each with a lag or lead like `+ 2d` or `-1h`.
fn dependency() -> BoxedStrategy<Tokens> {
    let lag = (
        prop::sample::select(vec!["+", "-"]),
        prop::sample::select(vec!["", " ", "  ", "\n"]),
        duration(),
    )
        .prop_map(|(sign, gap, d)| format!("{sign}{gap}{d}"));
    (any::<bool>(), reference(), prop::option::of(lag))
        .prop_map(|(start_of, target, lag)| {
            let mut out = Vec::new();
            if start_of {
                out.extend(["start".to_string(), "of".to_string()]);
            }
            out.extend(target);
            out.extend(lag);
            out
        })
        .boxed()
}

/// `2 dev 50%`: the count and the name are one token, because only
/// blanks (no comment) may stand between them.
fn assign_item() -> BoxedStrategy<Tokens> {
    let gap = prop::sample::select(vec![" ", "\t", "\n  ", "  "]);
    (
        prop::option::of((1u32..10, gap)),
        reference(),
        prop::option::of(percent()),
    )
        .prop_map(|(count, who, percent)| {
            let mut out = who;
            if let Some((n, gap)) = count {
                out[0] = format!("{n}{gap}{}", out[0]);
            }
            out.extend(percent.into_iter().flatten());
            out
        })
        .boxed()
}

fn any_of() -> BoxedStrategy<Tokens> {
    comma_list(assign_item(), 3)
        .prop_map(|items| concat(vec![one("any"), one("of"), items]))
        .boxed()
}

fn assign_list() -> BoxedStrategy<Tokens> {
    prop_oneof![
        comma_list(assign_item(), 3),
        any_of(),
        (comma_list(assign_item(), 3), any_of()).prop_map(|(items, any)| concat(vec![
            items,
            one(","),
            any
        ])),
    ]
    .boxed()
}

// ------------------------------------------------------------ attributes

/// The keyword of every attribute the generator writes, as the grammar
/// names its first word; the test below checks the grammar has no other.
const ATTRIBUTE_KEYWORDS: &[&str] = &[
    "start",
    "deadline",
    "now",
    "currency",
    "calendar",
    "budget",
    "note",
    "workdays",
    "hours",
    "holiday",
    "role",
    "units",
    "capacity",
    "rate",
    "off",
    "effort",
    "duration",
    "elapsed",
    "assign",
    "after",
    "finish",
    "not",
    "priority",
    "progress",
    "range",
    "cost",
    "tags",
    "date",
    "chance",
    "delay",
    "affects",
    "owner",
    "response",
    "status",
    "raised",
    "severity",
    "resolution",
    "resource",
    "finished",
    "started",
    "remaining",
    "spent",
    "during",
];

/// Every attribute of the grammar, each with its value.
fn attribute() -> BoxedStrategy<Tokens> {
    fn kw(words: &'static str, value: BoxedStrategy<Tokens>) -> BoxedStrategy<Tokens> {
        value
            .prop_map(move |v| {
                let mut out: Tokens = words.split(' ').map(String::from).collect();
                out.extend(v);
                out
            })
            .boxed()
    }
    let ident_value = || ident().prop_map(one).boxed();
    let dur = || duration().prop_map(one).boxed();
    let num = || number().prop_map(one).boxed();
    let dated = || {
        (date_span(), prop::option::of(text()))
            .prop_map(|(when, why)| concat(vec![when, why.unwrap_or_default()]))
            .boxed()
    };
    let hours = (
        prop::option::of(comma_list(day_item(), 3)),
        comma_list(time_range(), 3),
    )
        .prop_map(|(days, ranges)| concat(vec![days.unwrap_or_default(), ranges]))
        .boxed();
    let range = (duration(), duration())
        .prop_map(|(a, b)| vec![a, "..".to_string(), b])
        .boxed();
    let during = (reference(), reference())
        .prop_map(|(a, b)| concat(vec![a, one(".."), b]))
        .boxed();
    let choices = vec![
        kw("start", moment()),
        kw("deadline", moment()),
        kw("now", moment()),
        kw("currency", ident_value()),
        kw("calendar", reference()),
        kw("budget", num()),
        kw("note", text()),
        kw("workdays", comma_list(day_item(), 3)),
        kw("hours", hours),
        kw("holiday", dated()),
        kw("role", text()),
        kw("units", num()),
        kw("capacity", percent()),
        kw("rate", rate()),
        kw("off", dated()),
        kw("effort", dur()),
        kw("duration", dur()),
        kw("elapsed", dur()),
        kw("assign", assign_list()),
        kw("after", comma_list(dependency(), 3)),
        kw("finish after", comma_list(dependency(), 3)),
        kw("not before", moment()),
        kw("priority", num()),
        kw("progress", percent()),
        kw("range", range),
        kw("cost", num()),
        kw("tags", comma_list(ident_value(), 3)),
        kw("date", moment()),
        kw("chance", percent()),
        kw("delay", dur()),
        kw("affects", comma_list(reference(), 3)),
        kw("owner", reference()),
        kw("response", text()),
        kw("status", ident_value()),
        kw("raised", moment()),
        kw("severity", ident_value()),
        kw("resolution", text()),
        kw("resource", comma_list(reference(), 3)),
        kw("finished", moment()),
        kw("started", moment()),
        kw("remaining", dur()),
        kw("spent", num()),
        kw("during", during),
    ];
    assert_eq!(choices.len(), ATTRIBUTE_KEYWORDS.len());
    prop::strategy::Union::new(choices).boxed()
}

// ------------------------------------------------------------ declarations

/// `keyword id title? { items }?`; a `project` may have no id.
fn decl(keyword: &'static str, items: BoxedStrategy<Vec<Tokens>>) -> BoxedStrategy<Tokens> {
    let id = if keyword == "project" {
        prop::option::of(ident()).boxed()
    } else {
        ident().prop_map(Some).boxed()
    };
    (id, prop::option::of(text()), prop::option::of(items))
        .prop_map(move |(id, title, body)| {
            let mut out = one(keyword);
            // A bare `project` would take the next keyword as its id.
            let body = match (&id, &title, body) {
                (None, None, None) => Some(Vec::new()),
                (_, _, body) => body,
            };
            out.extend(id);
            out.extend(title.into_iter().flatten());
            if let Some(items) = body {
                out.push("{".into());
                out.extend(items.into_iter().flatten());
                out.push("}".into());
            }
            out
        })
        .boxed()
}

/// The items of a block: attributes and, `depth` levels down, tasks and
/// milestones (groups).
fn block_items(depth: u32) -> BoxedStrategy<Vec<Tokens>> {
    let item = if depth == 0 {
        attribute()
    } else {
        prop_oneof![
            4 => attribute(),
            1 => decl("task", block_items(depth - 1)),
            1 => decl("milestone", block_items(depth - 1)),
        ]
        .boxed()
    };
    prop::collection::vec(item, 0..6).boxed()
}

/// A team's items: inline members (`resource ann "Ann" { ... }`) among
/// attributes and member lists.
fn team_items() -> BoxedStrategy<Vec<Tokens>> {
    let inline_member = (
        ident(),
        prop::option::of(text()),
        prop::option::of(block_items(0)),
    )
        .prop_map(|(id, title, body)| {
            // A title or a body tells a member from a reference.
            let body = match (&title, body) {
                (None, None) => Some(Vec::new()),
                (_, body) => body,
            };
            let mut out = concat(vec![one("resource"), one(id), title.unwrap_or_default()]);
            if let Some(items) = body {
                out.extend(concat(vec![one("{"), items.concat(), one("}")]));
            }
            out
        });
    prop::collection::vec(prop_oneof![2 => inline_member, 1 => attribute()], 0..5).boxed()
}

fn top_item() -> BoxedStrategy<Tokens> {
    prop_oneof![
        1 => decl("project", block_items(0)),
        1 => decl("calendar", block_items(0)),
        1 => decl("resource", block_items(0)),
        1 => decl("team", team_items()),
        4 => decl("task", block_items(2)),
        1 => decl("milestone", block_items(0)),
        1 => decl("risk", block_items(0)),
        1 => decl("issue", block_items(0)),
        1 => string().prop_map(|path| concat(vec![one("include"), path])),
    ]
    .boxed()
}

// ------------------------------------------------------------ layout

/// What may stand between two tokens: blanks, blank lines, comments
/// (with quotes and braces in them), a byte-order mark, or nothing.
const GAPS: &[&str] = &[
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\n    ",
    " # a comment\n",
    "# \"quoted\" { brace\n",
    "\n\n  # a comment\n\n  ",
    "\u{FEFF}",
    "",
];

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The tokens with the chosen gaps between them (and before and after);
/// an empty gap between two words becomes a space; `crlf` ends lines with
/// `\r\n`.
fn layout(tokens: &[String], gaps: &[usize], crlf: bool) -> String {
    let mut text = String::new();
    for (i, token) in tokens.iter().enumerate() {
        let mut gap = GAPS[gaps[i] % GAPS.len()];
        let joins_words = text.ends_with(is_word_char) && token.starts_with(is_word_char);
        if gap.is_empty() && joins_words {
            gap = " ";
        }
        text.push_str(gap);
        text.push_str(token);
    }
    text.push_str(GAPS[gaps[tokens.len()] % GAPS.len()]);
    if crlf {
        text = text.replace('\n', "\r\n");
    }
    text
}

fn plan() -> impl Strategy<Value = String> {
    prop::collection::vec(top_item(), 0..6)
        .prop_flat_map(|items| {
            let tokens = items.concat();
            let n = tokens.len() + 1;
            (
                Just(tokens),
                prop::collection::vec(0..GAPS.len(), n),
                prop::bool::weighted(0.3),
            )
        })
        .prop_map(|(tokens, gaps, crlf)| layout(&tokens, &gaps, crlf))
}

/// Both readers on `text`: the fast one reads it, into the grammar's tree,
/// and `parse` takes the fast path.
fn assert_readers_agree(text: &str) {
    let file = FileId(0);
    let (fast, slow, diags) = parse_both(text, file);
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert!(
        diags.is_empty(),
        "the generator wrote an invalid plan ({messages:?}):\n{text}"
    );
    let Some(fast) = fast else {
        panic!("the fast reader refused a valid plan:\n{text}");
    };
    assert!(
        fast == slow,
        "the readers built different trees for:\n{text}\nfast: {fast:?}\nslow: {slow:?}"
    );
    let slow_before = clean_files_read_slowly();
    let mut parse_diags = planc::Diagnostics::new();
    let parsed = parse(text, file, &mut parse_diags);
    assert!(parse_diags.is_empty() && parsed == slow);
    assert_eq!(
        clean_files_read_slowly(),
        slow_before,
        "a valid plan took the slow path:\n{text}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn both_readers_build_one_tree_for_every_valid_plan(text in plan()) {
        assert_readers_agree(&text);
    }
}

/// The generator writes every attribute the grammar knows: a new
/// `attr_*` rule fails here until the generator covers it.
#[test]
fn the_generator_covers_every_attribute_of_the_grammar() {
    let grammar = include_str!("../grammar/plan.pest");
    let in_grammar: BTreeSet<&str> = grammar
        .lines()
        .filter(|line| line.starts_with("attr_"))
        .filter_map(|line| line.split("kw_").nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    let generated: BTreeSet<&str> = ATTRIBUTE_KEYWORDS.iter().copied().collect();
    assert!(in_grammar.len() > 30, "attributes not found in the grammar");
    // `attr_members` starts with `kw_resource`.
    assert_eq!(in_grammar, generated);
}

/// A few fixed plans the generator's shapes might rarely hit together.
#[test]
fn readers_agree_on_fixed_corner_cases() {
    for text in [
        "",
        "\u{FEFF}task a",
        "task a\r\n\r\n# c\r\ntask b\r\n",
        "project { start 2027-01-04 09:30 now 2027-01-04T9:30 }",
        "team t { resource ann \"Ann\" { rate 600/d } resource ben\"Ben\" resource cal{} resource dev }",
        "task a { after start of b + \n 2d, c.d -1h # c\n finish after x }",
        "milestone m { finished 2027-01-05T16:00 progress 100% }",
        "task a { started 2027-01-04 finished 2027-01-08T12:00 remaining 2d spent 1200.50 }",
        "task pm { during a.b..c assign pm 20% }\ntask q { during a .. b }",
        "task a { assign 2\n dev 50%, any of x, y 30% }",
        "calendar c { hours mon .. fri # c\n 09:00..24:00 }",
    ] {
        assert_readers_agree(text);
    }
}
