//! `planc import FILE.tjp`: the examples shipped with TaskJuggler import,
//! check and are fmt-clean; the Tutorial's plan is a golden; the imported
//! Tutorial, ToDo-List, ProjectTemplate and Scrum schedule to tj3's dates
//! except for the differences listed (with their reasons) in
//! docs/interchange.md; broken files are located errors, never panics.
//!
//! The examples come from the `tj3` Debian package
//! (`/usr/share/doc/tj3/examples`); without it (or without `tj3` for the
//! comparison) those tests are skipped with a message, unless
//! `PLANC_REQUIRE_TJ3=1`. The bad-input test runs on those files when
//! present and on a small project of its own always; `FUZZ_SECONDS`
//! sets how long it runs (default 3).

use planc::interchange::{import, Foreign};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::planc;

const EXAMPLES: &str = "/usr/share/doc/tj3/examples";
const ALL_EXAMPLES: &[&str] = &[
    "Tutorial/tutorial.tjp",
    "ToDo-List/todolist.tjp",
    "ProjectTemplate/template.tjp",
    "Scrum/scrum.tjp",
    "Fedora-20/f-20.tjp",
];
/// The examples whose schedules are compared with tj3's.
const COMPARED: &[&str] = &[
    "Tutorial/tutorial.tjp",
    "ToDo-List/todolist.tjp",
    "ProjectTemplate/template.tjp",
    "Scrum/scrum.tjp",
];

fn required() -> bool {
    std::env::var("PLANC_REQUIRE_TJ3").is_ok_and(|v| v == "1")
}

/// The examples folder, or `None` (after saying why) when it is missing.
fn examples() -> Option<PathBuf> {
    let dir = PathBuf::from(EXAMPLES);
    if dir.join(ALL_EXAMPLES[0]).is_file() {
        return Some(dir);
    }
    assert!(
        !required(),
        "PLANC_REQUIRE_TJ3=1 but {EXAMPLES} is missing (apt-get install tj3)"
    );
    eprintln!("skipped: {EXAMPLES} is missing (apt-get install tj3)");
    None
}

fn tj3_available() -> bool {
    let found = Command::new("tj3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            !required(),
            "PLANC_REQUIRE_TJ3=1 but `tj3` is not on the PATH"
        );
        eprintln!("skipped: `tj3` is not on the PATH (apt-get install tj3)");
    }
    found
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Imports `example` with the real binary into `dir`; returns the plan's path.
fn import_example(dir: &Path, examples: &Path, example: &str) -> PathBuf {
    let source = examples.join(example);
    let name = Path::new(example).file_stem().unwrap().to_string_lossy();
    let plan = dir.join(format!("{name}.plan"));
    let out = planc(
        dir,
        &[
            "import",
            source.to_str().unwrap(),
            "-o",
            plan.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "import {example}: {}",
        text(&out.stderr)
    );
    assert!(
        !text(&out.stderr).contains("panicked"),
        "import {example}: {}",
        text(&out.stderr)
    );
    plan
}

#[test]
fn every_example_imports_checks_and_is_fmt_clean() {
    let Some(examples) = examples() else { return };
    let dir = tempfile::tempdir().unwrap();
    for example in ALL_EXAMPLES {
        let plan = import_example(dir.path(), &examples, example);
        let plan = plan.to_str().unwrap();
        let check = planc(dir.path(), &["check", plan]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "check of {example}:\n{}",
            text(&check.stderr)
        );
        assert!(
            !text(&check.stderr).contains("error"),
            "{example}: {}",
            text(&check.stderr)
        );
        let fmt = planc(dir.path(), &["fmt", "--check", plan]);
        assert_eq!(
            fmt.status.code(),
            Some(0),
            "fmt --check {example}: {}",
            text(&fmt.stderr)
        );
        let text = std::fs::read_to_string(plan).unwrap();
        assert!(
            text.contains("# import:"),
            "{example} notes what it left out"
        );
    }
}

#[test]
fn the_tutorial_imports_to_its_golden_plan() {
    let Some(examples) = examples() else { return };
    let dir = tempfile::tempdir().unwrap();
    let plan = import_example(dir.path(), &examples, "Tutorial/tutorial.tjp");
    insta::assert_snapshot!("tutorial_plan", std::fs::read_to_string(plan).unwrap());
}

#[test]
fn fedora_imports_its_included_reports_as_notes() {
    let Some(examples) = examples() else { return };
    let dir = tempfile::tempdir().unwrap();
    let plan = import_example(dir.path(), &examples, "Fedora-20/f-20.tjp");
    let plan = std::fs::read_to_string(plan).unwrap();
    assert!(
        plan.contains("# import: included \"reports.tji\""),
        "{plan}"
    );
    // Macros are expanded, in ids and in strings.
    assert!(plan.contains("task f20 \"Fedora 20\""), "{plan}");
    assert!(
        plan.contains("Alpha Blocker Meeting (f20alpha) #1"),
        "{plan}"
    );
}

// ------------------------------------------------------------ schedules

type Dates = BTreeMap<String, (String, String)>;

/// tj3's dates of every task of `example`, keyed by the path of titles.
fn tj3_dates(dir: &Path, examples: &Path, example: &str) -> Dates {
    let source = std::fs::read_to_string(examples.join(example)).unwrap();
    let report = "\ntaskreport planc_dates \"planc_dates\" {\n  formats csv\n  columns id, name, start, end\n  timeformat \"%Y-%m-%dT%H:%M\"\n  hidetask 0\n}\n";
    std::fs::write(dir.join("example.tjp"), source + report).unwrap();
    let out = Command::new("tj3")
        .args(["--no-color", "--silent", "example.tjp"])
        .current_dir(dir)
        .output()
        .expect("tj3 runs");
    let csv = std::fs::read_to_string(dir.join("planc_dates.csv")).unwrap_or_else(|_| {
        panic!(
            "tj3 on {example}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    });
    let mut titles: BTreeMap<String, String> = BTreeMap::new();
    let mut dates = Dates::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(';').map(|f| f.trim_matches('"')).collect();
        let [id, name, start, end] = f[..] else {
            panic!("tj3 CSV line `{line}`")
        };
        let title = match id.rsplit_once('.') {
            Some((parent, _)) => format!("{} / {}", titles[parent], name.trim()),
            None => name.trim().to_string(),
        };
        titles.insert(id.to_string(), title.clone());
        dates.insert(title, (start.to_string(), end.to_string()));
    }
    dates
}

/// planc's dates of the imported plan (as planned: TaskJuggler's `complete`
/// does not move dates), keyed by the path of titles.
fn planc_dates(dir: &Path, plan: &Path) -> Dates {
    let out = planc(
        dir,
        &[
            "build",
            plan.to_str().unwrap(),
            "--as-planned",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "build: {}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut titles: BTreeMap<String, String> = BTreeMap::new();
    let mut dates = Dates::new();
    for t in json["tasks"].as_array().unwrap() {
        let id = t["id"].as_str().unwrap();
        let name = t["title"].as_str().unwrap();
        let title = match t["parent"].as_str() {
            Some(parent) => format!("{} / {name}", titles[parent]),
            None => name.to_string(),
        };
        titles.insert(id.to_string(), title.clone());
        let date = |k: &str| t[k].as_str().unwrap().to_string();
        dates.insert(title, (date("start"), date("end")));
    }
    dates
}

/// The documented differences: rows `| example | task | start/end | tj3 | planc | reason |`
/// of the table in docs/interchange.md, section "Importing TaskJuggler".
fn documented() -> BTreeSet<(String, String, String, String, String)> {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/interchange.md"))
            .unwrap();
    let section = docs
        .split("## Importing TaskJuggler")
        .nth(1)
        .expect("docs/interchange.md has the section")
        .split("\n## ")
        .next()
        .unwrap();
    let table = section
        .split("<!-- tj3 differences -->")
        .nth(1)
        .expect("the section has the table of differences after `<!-- tj3 differences -->`");
    let mut out = BTreeSet::new();
    for line in table.lines().skip_while(|l| !l.starts_with('|')) {
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('`').to_string())
            .collect();
        if cells.len() < 6 || cells[0] == "example" || cells[0].starts_with('-') {
            continue;
        }
        assert!(
            !cells[5].is_empty(),
            "a difference without a reason: {line}"
        );
        out.insert((
            cells[0].clone(),
            cells[1].clone(),
            cells[2].clone(),
            cells[3].clone(),
            cells[4].clone(),
        ));
    }
    out
}

#[test]
fn imported_examples_schedule_to_tj3s_dates_but_the_documented_differences() {
    let Some(examples) = examples() else { return };
    if !tj3_available() {
        return;
    }
    let mut found = BTreeSet::new();
    for example in COMPARED {
        let dir = tempfile::tempdir().unwrap();
        let theirs = tj3_dates(dir.path(), &examples, example);
        let plan = import_example(dir.path(), &examples, example);
        let ours = planc_dates(dir.path(), &plan);
        let name = example.split('/').next().unwrap().to_string();
        assert_eq!(
            theirs.keys().collect::<Vec<_>>(),
            ours.keys().collect::<Vec<_>>(),
            "{example}: the same tasks"
        );
        for (task, (start, end)) in &theirs {
            let (our_start, our_end) = &ours[task];
            for (which, tj, pl) in [("start", start, our_start), ("end", end, our_end)] {
                if tj != pl {
                    found.insert((
                        name.clone(),
                        task.clone(),
                        which.to_string(),
                        tj.replace('T', " "),
                        pl.replace('T', " "),
                    ));
                }
            }
        }
    }
    let documented = documented();
    let new: Vec<_> = found.difference(&documented).collect();
    let gone: Vec<_> = documented.difference(&found).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "differences from tj3 not documented in docs/interchange.md:\n{}\n\ndocumented but no longer found:\n{}",
        rows(&new),
        rows(&gone)
    );
}

fn rows(list: &[&(String, String, String, String, String)]) -> String {
    list.iter()
        .map(|(e, t, w, a, b)| format!("| {e} | {t} | {w} | {a} | {b} | |"))
        .collect::<Vec<_>>()
        .join("\n")
}

// ------------------------------------------------------------ bad input

/// A project of the test's own with every construct the reader knows.
const OWN: &str = r#"macro dev [allocate ${1}]
project own "Own project" "1.0" 2027-01-04 +3m {
  timezone "Europe/Berlin"
  now 2027-02-01
  currency "EUR"
  workinghours mon - thu 8:00 - 12:00, 13:00 - 17:00
  workinghours fri 8:00 - 12:00, 13:00 - 17:00
}
rate 400.0
leaves holiday "New Year" 2027-01-06
vacation "Carnival" 2027-02-08 - 2027-02-10
shift half "Half days" { workinghours mon - fri 8:00 - 12:00 }
resource team "Team" {
  resource ann "Ann" { rate 500.0 efficiency 0.5 leaves annual 2027-03-01 +1w }
  resource bob "Bob" { shifts half limits { dailymax 3h } }
}
task all "All" {
  task one "One" { effort 5d ${dev "ann"} priority 700 complete 20 }
  task two "Two" {
    length 2d
    depends !one { gaplength 1d }, !three { onstart }
    note -8<-
      Two lines
      of text.
    ->8-
    journalentry 2027-01-10 "Started" { author ann summary "Fine." }
    flags key, pm
  }
  task three "Three" {
    duration 3d
    allocate ann { alternative bob select minallocated }
    start 2027-01-11
    maxend 2027-02-26
    precedes !four { gapduration 2d }
  }
  task four "Four" { effort 1w allocate team limits { dailymax 4h { resources ann } } }
  task "Done" { milestone depends !two }
  task late "Late" { end 2027-03-31 }
}
taskreport t "" { columns id, name, start { title "S" },
                  end
  hidetask ~isleaf()
}
"#;

fn import_text(name: &str, text: &str) -> planc::interchange::Imported {
    import(Foreign::TaskJuggler, Path::new(name), text.to_string())
}

#[test]
fn the_own_project_imports_to_a_plan_that_checks() {
    let imported = import_text("own.tjp", OWN);
    let errors: Vec<_> = imported
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let plan = imported.plan.expect("a plan");
    for expected in [
        "calendar working_hours",
        "hours 08:00..12:00, 13:00..17:00",
        "holiday 2027-01-06 \"New Year\"",
        "holiday 2027-02-08..2027-02-09 \"Carnival\"",
        "calendar half \"Half days\"",
        "rate 500/d",
        "capacity 50%",
        "calendar half",
        "off 2027-03-01..2027-03-07 \"annual\"",
        "team team \"Team\"",
        "resource ann, bob",
        "effort 5d",
        "assign ann",
        "priority 700",
        "progress 20%",
        "duration 2d",
        "after one + 1d",
        "after start of three",
        "note \"Two lines\\nof text.\\n\\n2027-01-10 Started (ann)\\nFine.\"",
        "tags key, pm",
        "elapsed 3d",
        "assign any of ann, bob",
        "not before 2027-01-11",
        "deadline 2027-02-26T00:00",
        "after three + 2d",
        "effort 5d",
        "assign team",
        "milestone Done \"Done\"",
        "after two",
        "milestone late \"Late\"",
        "date 2027-03-31",
        "# import: `taskreport t \"\" {",
    ] {
        assert!(plan.contains(expected), "missing `{expected}` in:\n{plan}");
    }
    let loaded = planc::syntax::load_str("own.plan", &plan, None, &planc::LoadOptions::default());
    let compiled = planc::compile(&loaded, &planc::schedule::Options::default());
    let errors: Vec<_> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{plan}");
}

#[test]
fn a_truncated_file_is_a_located_error_naming_what_was_expected() {
    let cut = OWN.find("task two").unwrap() + "task two \"Two\" {\n    length".len();
    let imported = import_text("own.tjp", &OWN[..cut]);
    assert!(imported.plan.is_none());
    let error = &imported.diagnostics[0];
    assert_eq!(error.code.0, "E0910");
    assert!(
        error.message.contains("expected a duration"),
        "{}",
        error.message
    );
    let span = error.primary.as_ref().expect("located").span;
    let file = imported.sources.get(span.file).unwrap();
    assert_eq!(
        file.line_col(span.start as usize).0,
        OWN[..cut].lines().count()
    );

    let cut = OWN.find("task three").unwrap();
    let imported = import_text("own.tjp", &OWN[..cut]);
    let error = &imported.diagnostics[0];
    assert!(
        error
            .message
            .contains("expected `}` closing the task block"),
        "{}",
        error.message
    );
}

/// A tiny pseudo-random generator: the test needs no crate for it.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

#[test]
fn truncations_and_byte_flips_never_panic() {
    let seconds: f64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let mut inputs = vec![OWN.to_string()];
    if let Ok(dir) = std::fs::read_dir(EXAMPLES) {
        for entry in dir.flatten() {
            for file in std::fs::read_dir(entry.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                if file
                    .path()
                    .extension()
                    .is_some_and(|e| e == "tjp" || e == "tji")
                {
                    inputs.push(std::fs::read_to_string(file.path()).unwrap_or_default());
                }
            }
        }
    }
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    eprintln!("seed {seed}");
    let mut rng = Lcg(seed);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs_f64(seconds);
    let mut runs = 0;
    while std::time::Instant::now() < deadline || runs < 50 {
        let source = &inputs[rng.next(inputs.len())];
        let mut bytes = source.as_bytes().to_vec();
        match rng.next(3) {
            0 => bytes.truncate(rng.next(bytes.len() + 1)),
            1 => {
                for _ in 0..1 + rng.next(8) {
                    let at = rng.next(bytes.len());
                    if let Some(b) = bytes.get_mut(at) {
                        *b = b"{}[]()\"'!-+.,:$#/*8<>\n 0a"[rng.next(25)];
                    }
                }
            }
            _ => {
                let at = rng.next(bytes.len());
                let len = rng.next(200);
                bytes.drain(at..(at + len).min(bytes.len()));
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let imported = std::panic::catch_unwind(|| import_text("fuzz.tjp", &text));
        let Ok(imported) = imported else {
            std::fs::write(std::env::temp_dir().join("planc-tjp-panic.tjp"), &text).ok();
            panic!("the importer panicked (input saved as planc-tjp-panic.tjp)");
        };
        for d in imported.diagnostics.iter().filter(|d| d.is_error()) {
            assert!(d.primary.is_some(), "an error without a place: {d:?}");
        }
        runs += 1;
    }
    eprintln!("{runs} broken files imported without a panic");
}

#[test]
fn includes_stay_inside_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("plan");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(inner.join("tasks.tji"), "task a \"A\" { length 1d }\n").unwrap();
    std::fs::write(dir.path().join("outside.tji"), "task b \"B\"\n").unwrap();
    let main = "project p \"P\" 2027-01-04 +1m\ninclude \"tasks.tji\"\n";
    std::fs::write(inner.join("main.tjp"), main).unwrap();
    let out = planc(&inner, &["import", "main.tjp"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("task a \"A\""),
        "{}",
        text(&out.stdout)
    );

    std::fs::write(
        inner.join("main.tjp"),
        "project p \"P\" 2027-01-04 +1m\ninclude \"../outside.tji\"\n",
    )
    .unwrap();
    let out = planc(&inner, &["import", "main.tjp"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("E0913") && err.contains("outside the folder"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

// ------------------------------------------------------------ diagnostics

/// The importer's diagnostics, one golden per case of `tests/import_tjp/`,
/// kept with the other diagnostic goldens (`tests/diagnostics/snapshots`,
/// which docs/diagnostics.md quotes).
#[test]
fn diagnostic_goldens() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let deep = format!(
        "project p \"P\" 2027-01-04 +1m\n{}{}",
        "task t \"T\" {\n".repeat(201),
        "}\n".repeat(201)
    );
    let cases: Vec<(&str, String, Option<String>)> = vec![
        ("tjp_syntax", "tests/import_tjp/syntax.tjp".into(), None),
        (
            "tjp_unknown_macro",
            "tests/import_tjp/unknown_macro.tjp".into(),
            None,
        ),
        (
            "tjp_macro_limit",
            "tests/import_tjp/macro_limit.tjp".into(),
            None,
        ),
        (
            "tjp_include_outside",
            "tests/import_tjp/include_outside/sub/main.tjp".into(),
            None,
        ),
        (
            "tjp_too_deep",
            "tests/import_tjp/too_deep.tjp".into(),
            Some(deep),
        ),
        ("tjp_warnings", "tests/import_tjp/warnings.tjp".into(), None),
    ];
    for (name, path, text) in cases {
        let text = text.unwrap_or_else(|| std::fs::read_to_string(root.join(&path)).unwrap());
        let imported = import(Foreign::TaskJuggler, Path::new(&path), text);
        let mut out = String::new();
        for d in &imported.diagnostics {
            out.push_str(&d.to_plain(&imported.sources));
            out.push('\n');
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("diagnostics/snapshots");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(name, out));
    }
}
