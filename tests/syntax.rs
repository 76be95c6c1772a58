//! One test per construct of the language (spec v1): each parses into the
//! AST with the values and shapes expected.

use planc::diagnostic::Diagnostics;
use planc::source::FileId;
use planc::syntax::ast::*;

fn parse_ok(text: &str) -> File {
    let mut diags = Diagnostics::new();
    let file = planc::syntax::parse(text, FileId(0), &mut diags);
    let messages: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
    assert!(diags.is_empty(), "unexpected diagnostics: {messages:?}");
    file
}

fn decls(file: &File) -> Vec<&Decl> {
    file.items
        .iter()
        .filter_map(|i| match i {
            TopItem::Decl(d) => Some(d),
            TopItem::Include(_) => None,
        })
        .collect()
}

/// The attribute values of the first declaration.
fn attrs(text: &str) -> Vec<AttrValue> {
    let file = parse_ok(text);
    let d = decls(&file)[0].clone();
    d.attrs().map(|a| a.value.clone()).collect()
}

fn dec(digits: i64, scale: u8) -> Decimal {
    Decimal { digits, scale }
}

#[test]
fn project_with_every_attribute() {
    let a = attrs(
        r#"project "Relaunch" { start 2027-01-04 deadline 2027-06-30 now 2027-02-15
           currency EUR calendar office budget 50000.50 note "n" }"#,
    );
    assert!(
        matches!(&a[0], AttrValue::Start(m) if m.date == jiff::civil::date(2027, 1, 4) && m.time.is_none())
    );
    assert!(matches!(&a[1], AttrValue::Deadline(_)));
    assert!(matches!(&a[2], AttrValue::Now(_)));
    assert!(matches!(&a[3], AttrValue::Currency(c) if &*c.name == "EUR"));
    assert!(matches!(&a[4], AttrValue::Calendar(r) if r.dotted() == "office"));
    assert!(matches!(&a[5], AttrValue::Budget(n) if n.value == dec(500005, 1)));
    assert!(matches!(&a[6], AttrValue::Note(t) if t.value == "n"));
}

#[test]
fn project_title_and_no_id() {
    let file = parse_ok(r#"project "Website relaunch" { start 2027-01-04 }"#);
    let d = decls(&file)[0];
    assert_eq!(d.kind, DeclKind::Project);
    assert!(d.id.is_none());
    assert_eq!(
        d.title.as_ref().map(|t| t.value.as_str()),
        Some("Website relaunch")
    );
}

#[test]
fn calendar_workdays_hours_and_holidays() {
    let a = attrs(
        r#"calendar office "Office" {
             workdays mon..fri
             hours 09:00..12:00, 13:00..17:00
             hours fri 09:00..13:00
             holiday 2027-04-02 "Good Friday"
             holiday 2027-12-24..2027-12-31
           }"#,
    );
    assert!(
        matches!(&a[0], AttrValue::Workdays(d) if d.len() == 1 && d[0].first == Weekday::Mon && d[0].last == Weekday::Fri)
    );
    assert!(
        matches!(&a[1], AttrValue::Hours(days, r) if days.is_empty() && r.len() == 2 && r[0].from == 540 && r[1].to == 1020)
    );
    assert!(
        matches!(&a[2], AttrValue::Hours(days, r) if days[0].first == Weekday::Fri && r[0].to == 780)
    );
    assert!(
        matches!(&a[3], AttrValue::Holiday(s, Some(why)) if s.first == s.last && why.value == "Good Friday")
    );
    assert!(matches!(&a[4], AttrValue::Holiday(s, None) if s.first < s.last));
}

#[test]
fn workday_lists_and_midnight_end() {
    let a = attrs("calendar c { workdays mon, tue, thu  hours 00:00..24:00 }");
    assert!(matches!(&a[0], AttrValue::Workdays(d) if d.len() == 3 && d[2].first == Weekday::Thu));
    assert!(matches!(&a[1], AttrValue::Hours(_, r) if r[0].from == 0 && r[0].to == 1440));
}

#[test]
fn resource_with_every_attribute() {
    let a = attrs(
        r#"resource alice "Alice Smith" { role "Engineer" units 2 capacity 50% rate 600/d
             calendar office off 2027-02-15..2027-02-19 "Ski trip" note "n" }"#,
    );
    assert!(matches!(&a[0], AttrValue::Role(t) if t.value == "Engineer"));
    assert!(matches!(&a[1], AttrValue::Units(n) if n.value == dec(2, 0)));
    assert!(matches!(&a[2], AttrValue::Capacity(p) if p.value == dec(50, 0)));
    assert!(
        matches!(&a[3], AttrValue::Rate(r) if r.unit == RateUnit::Day && r.amount == dec(600, 0))
    );
    assert!(matches!(&a[4], AttrValue::Calendar(_)));
    assert!(matches!(&a[5], AttrValue::Off(s, Some(_)) if s.first < s.last));
    assert!(matches!(&a[6], AttrValue::Note(_)));
    let hourly = attrs("resource bob { rate 75.5/h }");
    assert!(
        matches!(&hourly[0], AttrValue::Rate(r) if r.unit == RateUnit::Hour && r.amount == dec(755, 1))
    );
}

#[test]
fn team_lists_members() {
    let file = parse_ok(r#"team devs "Developers" { resource alice, bob }"#);
    let d = decls(&file)[0];
    assert_eq!(d.kind, DeclKind::Team);
    assert!(
        matches!(&d.attrs().next().map(|a| &a.value), Some(AttrValue::Members(m)) if m.len() == 2)
    );
}

#[test]
fn task_work_kinds_and_units() {
    for (text, unit) in [
        ("task a { effort 90min }", DurationUnit::Minute),
        ("task a { duration 4h }", DurationUnit::Hour),
        ("task a { elapsed 2.5d }", DurationUnit::Day),
        ("task a { effort 3w }", DurationUnit::Week),
    ] {
        let a = attrs(text);
        let d = match &a[0] {
            AttrValue::Effort(d) | AttrValue::Duration(d) | AttrValue::Elapsed(d) => *d,
            other => panic!("not a work attribute: {other:?}"),
        };
        assert_eq!(d.unit, unit, "{text}");
    }
    assert!(
        matches!(&attrs("task a { elapsed 2.50d }")[0], AttrValue::Elapsed(d) if d.amount == dec(25, 1))
    );
}

#[test]
fn assignments_with_counts_percents_and_any_of() {
    let a =
        attrs("task a { effort 1d assign alice, bob 50%, 2 qa  assign any of carol, dave 25% }");
    let AttrValue::Assign(first) = &a[1] else {
        panic!("no assign")
    };
    assert_eq!(first.items.len(), 3);
    assert!(first.items[1]
        .percent
        .as_deref()
        .is_some_and(|p| p.value == dec(50, 0)));
    assert!(first.items[2]
        .count
        .as_deref()
        .is_some_and(|c| c.value == dec(2, 0)));
    assert!(first.any_of.is_none());
    let AttrValue::Assign(second) = &a[2] else {
        panic!("no second assign")
    };
    let (_, options) = second.any_of.as_deref().expect("any of");
    assert_eq!(options.len(), 2);
    let mixed = attrs("task a { effort 1d assign alice, any of bob, carol }");
    let AttrValue::Assign(list) = &mixed[1] else {
        panic!()
    };
    assert_eq!(list.items.len(), 1);
    assert_eq!(list.any_of.as_deref().map(|(_, o)| o.len()), Some(2));
}

#[test]
fn all_four_dependency_forms_with_lags_and_leads() {
    let a = attrs(
        "task a { effort 1d after design, b + 2d, start of c, start of d + 1d
                  after e - 1d
                  finish after review
                  finish after start of review }",
    );
    let AttrValue::After(deps) = &a[1] else {
        panic!()
    };
    assert_eq!(deps.len(), 4);
    assert_eq!(deps[0].kind, DepKind::FinishToStart);
    assert!(deps[1]
        .lag
        .as_deref()
        .is_some_and(|&(pos, d)| pos && d.amount == dec(2, 0)));
    assert_eq!(deps[2].kind, DepKind::StartToStart);
    assert!(deps[3].lag.is_some());
    let AttrValue::After(lead) = &a[2] else {
        panic!()
    };
    assert!(lead[0].lag.as_deref().is_some_and(|&(pos, _)| !pos));
    assert!(matches!(&a[3], AttrValue::After(d) if d[0].kind == DepKind::FinishToFinish));
    assert!(matches!(&a[4], AttrValue::After(d) if d[0].kind == DepKind::StartToFinish));
}

#[test]
fn dotted_references() {
    let a = attrs("task a { effort 1d after discovery.signoff + 2d }");
    let AttrValue::After(deps) = &a[1] else {
        panic!()
    };
    let target = &deps[0].target;
    assert_eq!(target.dotted(), "discovery.signoff");
    assert_eq!(target.len(), 2);
    assert_eq!(target.prefix(), "discovery");
    assert_eq!(target.last_name(), "signoff");
    assert_eq!(target.names_before(1), "discovery");
    assert_eq!(target.names_before(0), "");
    // Each name's span is where it is written.
    let base = "task a { effort 1d after ".len() as u32;
    let (first, span) = target.name_at(0).unwrap();
    assert_eq!((first, span.start, span.end), ("discovery", base, base + 9));
    let (last, span) = target.name_at(1).unwrap();
    assert_eq!(
        (last, span.start, span.end),
        ("signoff", base + 10, base + 17)
    );
    assert!(target.name_at(2).is_none());
}

#[test]
fn start_not_before_deadline_with_dates_and_times() {
    let a = attrs("task a { effort 1d start 2027-01-04T09:30 not before 2027-01-05 13:00 deadline 2027-02-01 }");
    assert!(
        matches!(&a[1], AttrValue::Start(m) if m.time.is_some_and(|t| t.hour() == 9 && t.minute() == 30))
    );
    assert!(matches!(&a[2], AttrValue::NotBefore(m) if m.time.is_some_and(|t| t.hour() == 13)));
    assert!(matches!(&a[3], AttrValue::Deadline(m) if m.time.is_none()));
}

#[test]
fn priority_progress_range_cost_budget_tags_note() {
    let a = attrs(
        r#"task a { effort 30d priority 700 progress 40.5% range 25d..45d cost 1200.50
                    budget 50000 tags web, frontend note "Shared" }"#,
    );
    assert!(matches!(&a[1], AttrValue::Priority(n) if n.value == dec(700, 0)));
    assert!(matches!(&a[2], AttrValue::Progress(p) if p.value == dec(405, 1)));
    assert!(
        matches!(&a[3], AttrValue::Range(lo, hi) if lo.amount == dec(25, 0) && hi.amount == dec(45, 0))
    );
    assert!(matches!(&a[4], AttrValue::Cost(n) if n.value == dec(12005, 1)));
    assert!(matches!(&a[5], AttrValue::Budget(_)));
    assert!(matches!(&a[6], AttrValue::Tags(t) if t.len() == 2 && &*t[1].name == "frontend"));
    assert!(matches!(&a[7], AttrValue::Note(_)));
}

#[test]
fn groups_nest_tasks_and_milestones() {
    let file = parse_ok(
        r#"task discovery "Discovery" {
             task research "User research" { effort 10d }
             milestone signoff "Signed off" { after research }
           }"#,
    );
    let group = decls(&file)[0];
    let children: Vec<&Decl> = group.children().collect();
    assert_eq!(children.len(), 2);
    assert_eq!(children[1].kind, DeclKind::Milestone);
}

#[test]
fn milestone_attributes() {
    let a = attrs("milestone launch \"Go live\" { after test date 2027-05-31T12:00 deadline 2027-05-31 note \"n\" tags x }");
    assert!(matches!(&a[0], AttrValue::After(_)));
    assert!(matches!(&a[1], AttrValue::Date(m) if m.time.is_some()));
    assert!(matches!(&a[2], AttrValue::Deadline(_)));
}

#[test]
fn risk_with_every_attribute() {
    let a = attrs(
        r#"risk vendor "Vendor slips" { chance 30% delay 10d cost 5000 affects build, test
             owner bob response "Weekly check-ins" status open note "n" }"#,
    );
    assert!(matches!(&a[0], AttrValue::Chance(p) if p.value == dec(30, 0)));
    assert!(matches!(&a[1], AttrValue::Delay(_)));
    assert!(matches!(&a[2], AttrValue::Cost(_)));
    assert!(matches!(&a[3], AttrValue::Affects(r) if r.len() == 2));
    assert!(matches!(&a[4], AttrValue::Owner(_)));
    assert!(matches!(&a[5], AttrValue::Response(_)));
    assert!(matches!(&a[6], AttrValue::Status(s) if &*s.name == "open"));
}

#[test]
fn issue_with_every_attribute() {
    let a = attrs(
        r#"issue outage "Staging down" { raised 2027-02-10 owner alice affects build
             severity high status closed resolution "Restarted" note "n" }"#,
    );
    assert!(matches!(&a[0], AttrValue::Raised(_)));
    assert!(matches!(&a[3], AttrValue::Severity(s) if &*s.name == "high"));
    assert!(matches!(&a[4], AttrValue::Status(s) if &*s.name == "closed"));
    assert!(matches!(&a[5], AttrValue::Resolution(_)));
}

#[test]
fn milestone_finished_and_progress() {
    let a = attrs("milestone signed { finished 2027-01-05T16:00  progress 100% }");
    assert!(matches!(&a[0], AttrValue::Finished(m) if m.time.is_some()));
    assert!(matches!(&a[1], AttrValue::Progress(p) if p.value == dec(100, 0)));
    let a = attrs("milestone signed { finished 2027-01-05 }");
    assert!(matches!(&a[0], AttrValue::Finished(m) if m.time.is_none()));
}

#[test]
fn task_actuals_and_during() {
    let a = attrs(
        "task t { started 2027-01-04  finished 2027-01-08T12:00  remaining 2d  spent 1200.5 }",
    );
    assert!(matches!(&a[0], AttrValue::Started(m) if m.time.is_none()));
    assert!(matches!(&a[1], AttrValue::Finished(m) if m.time.is_some()));
    assert!(matches!(&a[2], AttrValue::Remaining(d) if d.amount == dec(2, 0)));
    assert!(matches!(&a[3], AttrValue::Spent(n) if n.value == dec(12005, 1)));
    let a = attrs("task pm { during kickoff..release.done  assign pat 20% }");
    assert!(
        matches!(&a[0], AttrValue::During(from, to) if &*from.text == "kickoff" && &*to.text == "release.done")
    );
    let a = attrs("task pm { during a .. b }");
    assert!(matches!(&a[0], AttrValue::During(from, to) if &*from.text == "a" && &*to.text == "b"));
}

#[test]
fn include_declaration() {
    let file = parse_ok(r#"include "people.plan""#);
    assert!(matches!(&file.items[0], TopItem::Include(i) if i.path.value == "people.plan"));
}

#[test]
fn comments_are_ignored_everywhere() {
    let file = parse_ok("# head\ntask a { # inside\n effort 1d # after\n} # end\n# tail");
    assert_eq!(decls(&file).len(), 1);
}

#[test]
fn strings_resolve_escapes() {
    let file = parse_ok(r#"task a "say \"hi\" \\ \n\t \u{1F600} # not a comment" { effort 1d }"#);
    let title = decls(&file)[0].title.as_ref().map(|t| t.value.clone());
    assert_eq!(
        title.as_deref(),
        Some("say \"hi\" \\ \n\t 😀 # not a comment")
    );
}

#[test]
fn text_blocks_span_lines_and_lose_indentation() {
    let a = attrs("task a { effort 1d note \"\"\"\n    first\n      second\n    \"\"\" }");
    assert!(matches!(&a[1], AttrValue::Note(t) if t.block && t.value == "first\n  second"));
}

#[test]
fn keywords_are_ids_where_an_id_is_expected() {
    let file = parse_ok("task test { effort 1d } task start { after test effort 1d } task finish { after start effort 1d }");
    let names: Vec<String> = decls(&file)
        .iter()
        .filter_map(|d| d.id.as_ref().map(|i| i.name.to_string()))
        .collect();
    assert_eq!(names, ["test", "start", "finish"]);
}

#[test]
fn several_attributes_share_a_line() {
    let a = attrs("task test \"Acceptance test\" { after build  duration 5d  assign 2 qa }");
    assert_eq!(a.len(), 3);
}

#[test]
fn the_spec_example_parses_and_checks() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec/LANGUAGE.md");
    let Ok(text) = std::fs::read_to_string(&spec) else {
        eprintln!(
            "skipped: {} not found (the shared folder is absent)",
            spec.display()
        );
        return;
    };
    let Some(start) = text.find("```plan\n") else {
        panic!("no plan example in the spec")
    };
    let body = &text[start + 8..];
    let end = body.find("```").unwrap_or(body.len());
    let (_, checked) = planc::check_str("spec.plan", &body[..end]);
    let messages: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(checked.model.is_some(), "{messages:?}");
}

/// Loading gives files depth first, each parsed under its own id, and
/// diagnostics in order, whatever the includes around a missing file, a
/// broken encoding, a repeat or a syntax error.
#[test]
fn includes_load_depth_first_in_order() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let write = |name: &str, text: &[u8]| {
        std::fs::write(dir.path().join(name), text).expect("writing a test file")
    };
    let task = |id: &str| format!("task {id} {{ effort 1d }}\n");
    write(
        "main.plan",
        // A missing file, one that includes another (e), one that is not
        // UTF-8 (bad), one included twice (b) and one with an error (i).
        concat!(
            "include \"a.plan\"\ninclude \"b.plan\"\n",
            "include \"missing.plan\"\ninclude \"d.plan\"\n",
            "include \"e.plan\"\ninclude \"g.plan\"\n",
            "include \"bad.plan\"\ninclude \"h.plan\"\n",
            "include \"c.plan\"\ninclude \"b.plan\"\n",
            "include \"i.plan\"\n",
            "task main_task { effort 1d }\n",
        )
        .as_bytes(),
    );
    for name in ["a", "b", "c", "d", "f", "g", "h"] {
        write(&format!("{name}.plan"), task(name).as_bytes());
    }
    // `e` adds two files, `bad` is not UTF-8, `i` has a syntax error.
    write(
        "e.plan",
        format!("include \"f.plan\"\n{}", task("e")).as_bytes(),
    );
    write("bad.plan", b"task bad { effort 1d }\n\xff\n");
    write("i.plan", b"task i { effort }\n");
    let loaded = planc::load(
        &dir.path().join("main.plan"),
        &planc::LoadOptions::default(),
    )
    .expect("the root plan is readable");
    let names: Vec<&str> = loaded
        .sources
        .files()
        .map(|(_, f)| f.name.rsplit('/').next().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        [
            "main.plan",
            "a.plan",
            "b.plan",
            "d.plan",
            "e.plan",
            "f.plan",
            "g.plan",
            "bad.plan",
            "h.plan",
            "c.plan",
            "i.plan"
        ]
    );
    let parsed: Vec<u32> = loaded.files.iter().map(|(id, _)| id.0).collect();
    assert_eq!(parsed, [0, 1, 2, 3, 4, 5, 6, 8, 9, 10]);
    for (id, file) in &loaded.files {
        for item in &file.items {
            let span = match item {
                TopItem::Decl(d) => d.span,
                TopItem::Include(i) => i.span,
            };
            assert_eq!(
                span.file, *id,
                "a span of file {} names file {}",
                id.0, span.file.0
            );
        }
    }
    let files_of: Vec<(String, u32)> = loaded
        .diagnostics
        .iter()
        .map(|d| {
            let file = d.primary.as_ref().map_or(u32::MAX, |l| l.span.file.0);
            (d.code.0.to_string(), file)
        })
        .collect();
    let codes: Vec<&str> = files_of.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes.len(), 4, "{files_of:?}");
    // Not found and included twice are reported at the root's includes,
    // the encoding and the syntax error in their own files, in the order
    // met.
    let places: Vec<u32> = files_of.iter().map(|(_, file)| *file).collect();
    assert_eq!(places, [0, 7, 0, 10], "{files_of:?}");
}
