//! The visual outputs: snapshots of the Mermaid and Markdown text and of the
//! HTML report's structure for every sample, the hostile plan's titles
//! escaped in every output, `--depth`, and the browser checks of
//! `tests/browser/run.mjs` (real Mermaid and real Chromium), which run when
//! Chromium and the node packages are installed.
//!
//! Re-bless snapshots with `INSTA_UPDATE=always cargo test --test render`
//! (or `cargo insta review`).

use planc::render::{self, Format, Input, Style};
use std::path::Path;
use std::process::Command;

mod common;
use common::{plans, root};

/// Compiles `path` and renders it, with the checkout's own folder taken
/// out of file names so that snapshots do not depend on where it is.
fn build(path: &Path, format: Format, depth: Option<u32>) -> String {
    build_styled(path, format, depth, Style::default())
}

/// [`build`] in a style (`--times`).
fn build_styled(path: &Path, format: Format, depth: Option<u32>, style: Style) -> String {
    let loaded = planc::load(path, &planc::LoadOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let options = planc::schedule::Options::default();
    let mut compiled = planc::compile(&loaded, &options);
    planc::track_as_planned(&mut compiled, &options);
    let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) else {
        panic!("{} does not compile", path.display());
    };
    let diagnostics: Vec<planc::Diagnostic> = compiled.diagnostics.iter().cloned().collect();
    let text = render::render_styled(
        format,
        &Input {
            model,
            schedule,
            diagnostics: &diagnostics,
            sources: &loaded.sources,
            depth,
            tracking: compiled.tracking.as_ref(),
        },
        style,
    );
    text.replace(&format!("{}/", root().display()), "")
}

/// The samples' schedules as JSON: any change to a date, a slack or a cost
/// of a sample shows up here for review.
#[test]
fn json_snapshots() {
    for (name, path) in plans().into_iter().filter(|(n, _)| *n != "hostile") {
        let json = build(&path, Format::Json, None);
        insta::assert_snapshot!(format!("json_{name}"), json);
    }
}

#[test]
fn mermaid_snapshots() {
    for (name, path) in plans() {
        insta::assert_snapshot!(
            format!("mermaid_{name}"),
            build(&path, Format::Mermaid, None)
        );
    }
}

#[test]
fn markdown_snapshots() {
    for (name, path) in plans() {
        insta::assert_snapshot!(
            format!("markdown_{name}"),
            build(&path, Format::Markdown, None)
        );
    }
}

/// The report's structure: its elements with their ids and classes, in
/// order, with text and coordinates left out (the chart's geometry is
/// checked in the browser).
fn skeleton(html: &str) -> String {
    let body = html.split("<body>").nth(1).unwrap_or(html);
    let body = body.split("<script>").next().unwrap_or(body);
    let mut out = String::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        rest = &rest[end..];
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect();
        if name.is_empty() || name.starts_with('/') {
            continue;
        }
        let attr = |key: &str| {
            tag.split(&format!(" {key}=\""))
                .nth(1)
                .and_then(|s| s.split('"').next())
                .map(|v| format!(" {key}={v}"))
        };
        let line = format!(
            "{name}{}{}",
            attr("id").unwrap_or_default(),
            attr("class").unwrap_or_default()
        );
        // Runs of identical elements (bars, cells) collapse to one line.
        match out.lines().last() {
            Some(last) if last.trim_end_matches(['+', ' ']) == line => out.push('+'),
            _ => {
                out.push('\n');
                out.push_str(&line);
            }
        }
    }
    out
}

/// With `--times` the tables and the Mermaid bars show times of day too.
#[test]
fn times_snapshots() {
    let (name, path) = plans()[0].clone();
    let times = Style { times: true };
    insta::assert_snapshot!(
        format!("mermaid_times_{name}"),
        build_styled(&path, Format::Mermaid, None, times)
    );
    insta::assert_snapshot!(
        format!("markdown_times_{name}"),
        build_styled(&path, Format::Markdown, None, times)
    );
}

/// Writes `text` as a plan in a fresh folder and renders it.
fn build_text(text: &str, format: Format, style: Style) -> String {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("plan.plan");
    std::fs::write(&path, text).expect("write the plan");
    build_styled(&path, format, None, style)
}

/// A 7.5 h day with a lunch break: ends fall at odd minutes.
const ODD_HOURS: &str = r#"project "Odd" { start 2027-01-04  calendar office }
calendar office { workdays mon..fri  hours 09:00..12:30, 13:30..17:30 }
task a "Write" { duration 10h }
task b "Review" { after a  duration 3h }
milestone m "Signed off" { after b }
task w "Cure" { after b  elapsed 2d }
"#;

/// By default a bar runs from its first day to the day after its last
/// (Mermaid's ends are exclusive), so it covers every day it works on; a
/// milestone stays on its day; an end at midnight belongs to the day before.
#[test]
fn mermaid_bars_cover_their_days_with_dates_alone() {
    let chart = build_text(ODD_HOURS, Format::Mermaid, Style::default());
    assert!(chart.contains("    dateFormat YYYY-MM-DD\n"), "{chart}");
    let line = |title: &str| {
        chart
            .lines()
            .find(|l| l.trim_start().starts_with(title))
            .unwrap_or_else(|| panic!("no bar for {title}:\n{chart}"))
            .to_string()
    };
    // Mon 09:00 to Tue 11:30 (10 h at 7.5 h a day): Monday and Tuesday.
    assert!(
        line("Write :").ends_with("2027-01-04, 2027-01-06"),
        "{chart}"
    );
    // Tue 11:30 to Tue 15:30 (over lunch): Tuesday alone.
    assert!(
        line("Review :").ends_with("2027-01-05, 2027-01-06"),
        "{chart}"
    );
    assert!(
        // Reached at Tue 15:30: drawn at the end of Tuesday, after Review.
        line("Signed off :").ends_with("2027-01-06, 2027-01-06"),
        "{chart}"
    );
    // Tue 15:30 plus 48 calendar hours: Thursday 15:30.
    assert!(
        line("Cure :").ends_with("2027-01-05, 2027-01-08"),
        "{chart}"
    );
    for line in task_lines(&chart) {
        let dates: Vec<&str> = line.rsplit(", ").take(2).collect();
        assert!(dates.iter().all(|d| d.len() == 10), "dates alone: {line}");
    }
}

/// `--times` writes the exact minutes, in Mermaid and in the tables.
#[test]
fn times_show_the_minutes() {
    let times = Style { times: true };
    let chart = build_text(ODD_HOURS, Format::Mermaid, times);
    assert!(chart.contains("dateFormat YYYY-MM-DD HH:mm"), "{chart}");
    assert!(
        chart.contains("2027-01-04 09:00, 2027-01-05 11:30"),
        "{chart}"
    );
    let markdown = build_text(ODD_HOURS, Format::Markdown, times);
    assert!(
        markdown.contains("| 2027-01-05 11:30 | 2027-01-05 15:30 |"),
        "{markdown}"
    );
    let plain = build_text(ODD_HOURS, Format::Markdown, Style::default());
    assert!(!plain.contains("11:30"), "{plain}");
    let html = build_text(ODD_HOURS, Format::Html, Style::default());
    assert!(
        html.contains("<td class=\"dt\">2027-01-05</td>"),
        "dates alone in the table"
    );
    assert!(
        !html.contains("<td class=\"dt\">2027-01-05 11:30</td>"),
        "dates alone in the table"
    );
    assert!(
        html.contains("2027-01-05 11:30"),
        "the tooltips keep the minutes"
    );
    let html = build_text(ODD_HOURS, Format::Html, times);
    assert!(
        html.contains("<td class=\"dt\">2027-01-05 11:30</td>"),
        "{html}"
    );
}

/// `planc build --times` through the real binary: the flag reaches every
/// visual output, and without it the reports show dates alone.
#[test]
fn the_times_flag_reaches_the_reports() {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("odd.plan"), ODD_HOURS).expect("write the plan");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_planc"))
            .arg("build")
            .arg("odd.plan")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("planc runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for format in ["mermaid", "markdown", "html"] {
        let exact = run(&["--format", format, "--times"]);
        let plain = run(&["--format", format]);
        assert!(
            exact.contains("2027-01-05 11:30"),
            "{format} with --times:\n{exact}"
        );
        let shown = |text: &str| {
            // HTML tooltips keep the minutes; the table cells are what is shown.
            text.contains("| 2027-01-05 11:30")
                || text.contains(">2027-01-05 11:30<")
                || text.contains(", 2027-01-05 11:30")
        };
        assert!(shown(&exact), "{format} with --times shows the minutes");
        assert!(!shown(&plain), "{format} shows dates alone:\n{plain}");
    }
}

/// A task's Mermaid state comes from its actuals: moving the status date
/// moves the forecast's dates (spec 6) but changes no state; a 0% task is
/// neither `done` nor `active`.
#[test]
fn mermaid_states_follow_the_actuals_not_the_status_date() {
    let plan = |now: &str| {
        format!(
            "project \"S\" {{ start 2027-01-04  now {now} }}\n\
             task a \"Finished\" {{ duration 2d  progress 100% }}\n\
             task b \"Half done\" {{ after a  duration 5d  progress 50% }}\n\
             task c \"Not started\" {{ after a  duration 5d }}\n"
        )
    };
    let early = build_text(&plan("2027-01-05"), Format::Mermaid, Style::default());
    let late = build_text(&plan("2027-01-08"), Format::Mermaid, Style::default());
    // Each line up to its dates.
    let states = |chart: &str| -> Vec<String> {
        chart
            .lines()
            .map(|l| l.find(", 20").map_or(l, |i| &l[..i]).to_string())
            .collect()
    };
    assert_eq!(states(&early), states(&late));
    assert!(early.contains("Finished :done, t0,"), "{early}");
    assert!(early.contains("Half done :active, t1,"), "{early}");
    let started = build_text(
        "project \"S\" { start 2027-01-04  now 2027-01-06 }\n\
         task a \"Started\" { duration 2d  started 2027-01-05 }\n\
         task b \"Finished\" { duration 2d  finished 2027-01-05 }\n",
        Format::Mermaid,
        Style::default(),
    );
    assert!(started.contains("Started :crit, active, t0,"), "{started}");
    assert!(started.contains("Finished :done, t1,"), "{started}");
    let not_started = early
        .lines()
        .find(|l| l.contains("Not started :"))
        .unwrap_or_default();
    assert!(
        !not_started.contains("active") && !not_started.contains("done"),
        "{early}"
    );
}

/// The "Tasks" card counts tasks; groups and milestones are said apart.
#[test]
fn the_tasks_card_counts_tasks_apart_from_groups_and_milestones() {
    let html = build_text(
        "project \"C\" { start 2027-01-04 }\n\
         task g { task a { duration 1d }  task b { after a  duration 1d }  milestone m { after b } }\n",
        Format::Html,
        Style::default(),
    );
    let card = html
        .split("<span class=\"k-label\">Tasks</span>")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap_or_default();
    assert!(card.contains("<span class=\"k-value\">2</span>"), "{card}");
    assert!(
        card.contains("2 critical · 1 group · 1 milestone"),
        "{card}"
    );
}

#[test]
fn html_structure_snapshots() {
    for (name, path) in [plans()[2].clone(), plans()[4].clone()] {
        insta::assert_snapshot!(
            format!("html_{name}"),
            skeleton(&build(&path, Format::Html, None))
        );
    }
}

#[test]
fn html_has_no_network_references() {
    for (name, path) in plans() {
        let html = build(&path, Format::Html, None);
        for needle in [
            "http://", "https://", "src=", "@import", "<link", "url(http", "//cdn",
        ] {
            // The hostile plan's titles may contain such text, escaped.
            if name == "hostile" && (needle == "http://" || needle == "src=") {
                continue;
            }
            assert!(
                !html.contains(needle),
                "{name}: the report contains `{needle}`"
            );
        }
        assert_eq!(
            html.matches("<script").count(),
            1,
            "{name}: exactly one (inline) script"
        );
    }
}

#[test]
fn hostile_titles_are_text_in_html() {
    let html = build(
        &root().join("tests/render/hostile.plan"),
        Format::Html,
        None,
    );
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only planc's own script element"
    );
    assert!(!html.contains("<img"), "a note's <img> stays text");
    assert!(!html.contains("<svg onload"), "an issue's <svg> stays text");
    assert!(
        !html.contains("<b>Bobby"),
        "a resource name's markup stays text"
    );
    assert!(
        !html.contains("<script>window"),
        "a title's script stays text"
    );
    assert!(
        html.contains("&#60;script&#62;window.__pwned = &#39;task&#39;&#60;/script&#62;"),
        "the title is there, escaped"
    );
    assert!(
        html.contains("5% done")
            && html.contains("title page")
            && html.contains("🚀")
            && html.contains("שלום עולם")
    );
}

#[test]
fn hostile_titles_keep_mermaid_lines_whole() {
    let text = build(
        &root().join("tests/render/hostile.plan"),
        Format::Mermaid,
        None,
    );
    let tasks = task_lines(&text);
    // Fourteen tasks and a milestone in the group, and one top-level task.
    assert_eq!(
        tasks.len(),
        16,
        "every task of the hostile plan is emitted:\n{text}"
    );
    for line in &tasks {
        let name = line.trim_start();
        assert_eq!(
            line.matches(':').count(),
            1,
            "one `:` before the metadata (dates alone have none): {line}"
        );
        assert!(!name.starts_with('%'), "no comment lines: {line}");
        let lower = name.to_lowercase();
        for word in [
            "title",
            "section",
            "excludes",
            "click",
            "dateformat",
            "2027",
        ] {
            assert!(
                !lower.starts_with(word),
                "a name starts a statement: {line}"
            );
        }
        let (name_part, _) = name.split_once(" :").unwrap_or((name, ""));
        let bare = without_entities(name_part);
        assert!(
            !bare.contains(['#', ';', '%', ':']),
            "syntax characters outside entities: {line}"
        );
    }
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with("%%") && !l.starts_with("%% planc")),
        "no stray comments"
    );
}

/// The task lines of a Mermaid chart: those whose metadata names an id
/// `tN`.
fn task_lines(chart: &str) -> Vec<&str> {
    chart
        .lines()
        .filter(|l| {
            l.rsplit_once(" :").is_some_and(|(_, meta)| {
                meta.split(", ").any(|item| {
                    item.len() > 1
                        && item.starts_with('t')
                        && item[1..].chars().all(|c| c.is_ascii_digit())
                })
            })
        })
        .collect()
}

/// `name_part` with every `#N;` entity removed.
fn without_entities(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with(';') {
            rest = &after[digits + 1..];
        } else {
            out.push('#');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A plan of `groups` top-level groups of `tasks` tasks each, plus two
/// top-level tasks outside any group.
fn wide_plan(groups: usize, tasks: usize) -> String {
    let mut text = String::from("project \"Wide\" { start 2027-01-04 }\n");
    text.push_str("task loose_a { duration 1d }\ntask loose_b { duration 2d }\n");
    for g in 0..groups {
        text.push_str(&format!("task g{g} \"Group {g}\" {{\n"));
        for t in 0..tasks {
            text.push_str(&format!("  task t{t} {{ duration {}d }}\n", 1 + t % 5));
        }
        text.push_str("}\n");
    }
    text
}

/// The `tN` ids of the bars in some chart text.
fn bar_ids(chart: &str) -> Vec<String> {
    task_lines(chart)
        .iter()
        .filter_map(|l| {
            let (_, meta) = l.rsplit_once(" :")?;
            meta.split(", ")
                .find(|item| item.starts_with('t') && item[1..].chars().all(|c| c.is_ascii_digit()))
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn markdown_splits_a_chart_too_large_for_github() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("wide.plan");
    std::fs::write(&path, wide_plan(3, 500)).expect("write the plan");
    let whole = build(&path, Format::Mermaid, None);
    assert!(
        whole.len() > render::mermaid::GITHUB_LIMIT,
        "the plan is too small to split"
    );
    let markdown = build(&path, Format::Markdown, None);
    assert!(markdown.contains("split by top-level group"), "{markdown}");
    let charts: Vec<&str> = markdown
        .split("```mermaid\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .collect();
    // The loose tasks' chart first, then one per group, in plan order.
    assert_eq!(charts.len(), 4);
    let headings: Vec<&str> = markdown.lines().filter(|l| l.starts_with("### ")).collect();
    assert_eq!(
        headings,
        ["### Wide", "### Group 0", "### Group 1", "### Group 2"]
    );
    for chart in &charts {
        assert!(chart.len() <= render::mermaid::GITHUB_LIMIT);
    }
    assert_eq!(bar_ids(charts[0]).len(), 2);
    let mut split: Vec<String> = charts.iter().flat_map(|c| bar_ids(c)).collect();
    let mut all = bar_ids(&whole);
    assert_eq!(all.len(), 1502);
    split.sort();
    all.sort();
    assert_eq!(split, all, "every bar in exactly one chart");
}

#[test]
fn depth_collapses_groups_in_every_visual_output() {
    let path = root().join("samples/software-release.plan");
    let mermaid = build(&path, Format::Mermaid, Some(1));
    let bars = task_lines(&mermaid).len();
    // Six top-level groups, shown as one bar each.
    assert_eq!(bars, 6, "{mermaid}");
    let html = build(&path, Format::Html, Some(1));
    assert_eq!(html.matches("<g class=\"bar ").count(), 6);
    let markdown = build(&path, Format::Markdown, Some(2));
    let full = build(&path, Format::Markdown, None);
    assert!(markdown.lines().count() < full.lines().count());
}

#[test]
fn outputs_are_deterministic() {
    let path = root().join("samples/software-release.plan");
    for format in [Format::Html, Format::Mermaid, Format::Markdown] {
        assert_eq!(build(&path, format, None), build(&path, format, None));
    }
}

/// Real Mermaid and real Chromium (tests/browser/run.mjs). Skipped, with a
/// message, when Chromium or the node packages are missing, unless
/// PLANC_REQUIRE_BROWSER=1 (CI), where missing tools fail the test.
#[test]
fn browser_checks() {
    let chromium = Path::new("/usr/bin/chromium");
    let modules = root().join("tests/browser/node_modules");
    let required = std::env::var("PLANC_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    if !chromium.exists()
        || !modules.join("playwright-core").exists()
        || !modules.join("mermaid").exists()
    {
        let how = "apt-get install chromium && (cd tests/browser && npm ci)";
        assert!(!required, "PLANC_REQUIRE_BROWSER=1 but Chromium or tests/browser/node_modules is missing; install with: {how}");
        eprintln!("skipping the browser checks: Chromium or the node packages are missing; to run them: {how}");
        return;
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| root().join("target"), Path::to_path_buf)
        .join("browser");
    let status = Command::new("node")
        .arg(root().join("tests/browser/run.mjs"))
        .arg(env!("CARGO_BIN_EXE_planc"))
        .arg(&out)
        .status();
    match status {
        Ok(s) => assert!(
            s.success(),
            "browser checks failed (see the output above); screenshots in {}",
            out.display()
        ),
        Err(e) => panic!("cannot run node: {e}; install Node.js to run the browser checks"),
    }
}
