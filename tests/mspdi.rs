//! MS Project XML (MSPDI) both ways, proven against an independent tool.
//!
//! - Export: every sample's `build --format mspdi` is read back with MPXJ
//!   (`tests/mspdi/readback.py`: PyPI `mpxj` + `JPype1`, a Java runtime)
//!   and every task's start, finish, outline level, links (type and lag)
//!   and every assignment's work must equal planc's JSON. Skipped with a
//!   message without them, unless `PLANC_REQUIRE_MPXJ=1` (set by `.ci/run`).
//! - Round trip: `plan -> mspdi -> planc import -> build` gives every task
//!   the same start and end.
//! - Import: the fixtures (written by MPXJ with `tests/mspdi/make_fixtures.py`,
//!   and by hand) import, check without errors and are fmt-clean; a golden
//!   of the imported plan and its notes.
//! - Bad input: truncated, flipped and hostile files are located
//!   diagnostics, never panics (`FUZZ_SECONDS`, default 3 s).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn planc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .output()
        .expect("planc runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The samples, by a short name and the plan to build.
const SAMPLES: &[(&str, &str)] = &[
    ("in-flight", "samples/in-flight.plan"),
    ("office-move", "samples/office-move.plan"),
    ("software-release", "samples/software-release.plan"),
    ("website-relaunch", "samples/website-relaunch.plan"),
    ("platform", "samples/platform/main.plan"),
];

/// The MSPDI fixtures planc did not write (MPXJ, or by hand).
fn fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/mspdi"))
        .expect("tests/mspdi")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files
}

/// Builds `plan` into `out` (a `.json` or `.xml`), asserting success.
fn build(plan: &Path, out: &Path) {
    let o = planc(
        &root(),
        &[
            "build",
            &plan.to_string_lossy(),
            "-o",
            &out.to_string_lossy(),
        ],
    );
    assert!(
        o.status.success(),
        "build {}: {}",
        plan.display(),
        text(&o.stderr)
    );
}

fn import(xml: &Path, out: &Path) -> Output {
    planc(
        &root(),
        &[
            "import",
            &xml.to_string_lossy(),
            "-o",
            &out.to_string_lossy(),
        ],
    )
}

/// Each task's (start, end), in plan order.
fn dates(json: &Path) -> Vec<(String, String, String)> {
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).expect("json")).expect("valid json");
    value["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap_or_default().to_string(),
                t["start"].as_str().unwrap_or_default().to_string(),
                t["end"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Whether MPXJ can run here; `Err` says why not.
fn mpxj_available() -> Result<(), String> {
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|o| o.status.success()) {
        return Err("no Java runtime (apt-get install default-jre-headless)".into());
    }
    let python = Command::new("python3")
        .args(["-c", "import mpxj, jpype"])
        .output();
    match python {
        Ok(o) if o.status.success() => Ok(()),
        _ => Err("python3 cannot import mpxj and jpype (pip install mpxj JPype1)".into()),
    }
}

fn mpxj_or_skip(test: &str) -> bool {
    match mpxj_available() {
        Ok(()) => true,
        Err(why) => {
            let required = std::env::var("PLANC_REQUIRE_MPXJ").is_ok_and(|v| v == "1");
            assert!(!required, "PLANC_REQUIRE_MPXJ=1 but {why}");
            eprintln!("skipping {test}: {why}");
            false
        }
    }
}

#[test]
fn every_sample_exported_reads_back_in_mpxj_with_planc_dates_links_and_work() {
    if !mpxj_or_skip("the MPXJ read-back") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, plan) in SAMPLES {
        let json = dir.path().join(format!("{name}.json"));
        let xml = dir.path().join(format!("{name}.xml"));
        build(&root().join(plan), &json);
        build(&root().join(plan), &xml);
        let o = Command::new("python3")
            .arg(root().join("tests/mspdi/readback.py"))
            .arg(&xml)
            .arg(&json)
            .output()
            .expect("python3 runs");
        let report = text(&o.stdout);
        assert!(
            o.status.success(),
            "{name}: MPXJ reads other dates, links or work:\n{report}{}",
            text(&o.stderr)
        );
        assert!(report.contains("0 differences"), "{name}: {report}");
    }
}

#[test]
fn a_round_trip_through_ms_project_xml_keeps_every_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, plan) in SAMPLES {
        let json = dir.path().join(format!("{name}.json"));
        let xml = dir.path().join(format!("{name}.xml"));
        let back = dir.path().join(format!("{name}.plan"));
        let again = dir.path().join(format!("{name}.again.json"));
        build(&root().join(plan), &json);
        build(&root().join(plan), &xml);
        let o = import(&xml, &back);
        assert!(o.status.success(), "{name}: import: {}", text(&o.stderr));
        build(&back, &again);
        let before = dates(&json);
        let after = dates(&again);
        assert_eq!(before.len(), after.len(), "{name}: task count");
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(
                (&b.1, &b.2),
                (&a.1, &a.2),
                "{name}: `{}` moved in the round trip",
                b.0
            );
        }
    }
}

#[test]
fn fixtures_import_check_without_errors_and_are_fmt_clean() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = fixtures();
    assert!(files.len() >= 2, "fixtures: {files:?}");
    for xml in files {
        let plan = dir.path().join("imported.plan");
        let o = import(&xml, &plan);
        assert!(o.status.success(), "{}: {}", xml.display(), text(&o.stderr));
        let check = planc(dir.path(), &["check", "imported.plan"]);
        assert!(
            check.status.success(),
            "{}: check: {}",
            xml.display(),
            text(&check.stderr)
        );
        assert!(
            !text(&check.stderr).contains("error"),
            "{}: {}",
            xml.display(),
            text(&check.stderr)
        );
        let fmt = planc(dir.path(), &["fmt", "--check", "imported.plan"]);
        assert!(
            fmt.status.success(),
            "{}: not fmt-clean: {}",
            xml.display(),
            text(&fmt.stderr)
        );
    }
}

#[test]
fn the_mpxj_fixture_imports_as_the_golden_plan() {
    let o = planc(&root(), &["import", "tests/mspdi/garden-studio.xml"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    insta::assert_snapshot!("mspdi_import_garden_studio", text(&o.stdout));
    insta::assert_snapshot!("mspdi_import_garden_studio_notes", text(&o.stderr));
}

#[test]
fn the_hand_written_fixture_imports_as_the_golden_plan() {
    let o = planc(&root(), &["import", "tests/mspdi/hand-written.xml"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    insta::assert_snapshot!("mspdi_import_hand_written", text(&o.stdout));
}

#[test]
fn website_relaunch_exports_as_the_golden_xml() {
    let o = planc(
        &root(),
        &[
            "build",
            "samples/website-relaunch.plan",
            "--format",
            "mspdi",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    insta::assert_snapshot!("mspdi_export_website_relaunch", text(&o.stdout));
}

#[test]
fn two_links_between_one_pair_keep_one_and_hold_the_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = r#"project "Pair" { start 2027-01-04 }
task a "A" { duration 5d }
task b "B" {
  after start of a + 1d
  finish after a + 2d
  duration 2d
}
"#;
    std::fs::write(dir.path().join("pair.plan"), plan).expect("write");
    let o = planc(dir.path(), &["build", "pair.plan", "--format", "mspdi"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let xml = text(&o.stdout);
    assert_eq!(xml.matches("<PredecessorLink>").count(), 1, "{xml}");
    // B starts where the finish-to-finish link put it, not a day after A.
    assert!(xml.contains("<ConstraintType>4</ConstraintType>"), "{xml}");
    assert!(
        xml.contains("<ConstraintDate>2027-01-11T09:00:00</ConstraintDate>"),
        "{xml}"
    );
}

#[test]
fn truncated_xml_is_a_located_error_naming_what_was_expected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let full =
        std::fs::read_to_string(root().join("tests/mspdi/hand-written.xml")).expect("fixture");
    let cut = &full[..full.len() / 2];
    std::fs::write(dir.path().join("cut.xml"), cut).expect("write");
    let o = planc(dir.path(), &["import", "cut.xml"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("E0930"), "{err}");
    assert!(err.contains("cut.xml:"), "{err}");
    assert!(err.contains("expected `</"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_xml_bomb_is_inert() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bomb =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE Project [\n <!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        bomb.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    bomb.push_str(
        "]>\n<Project><Title>&lol9;</Title><StartDate>2027-01-04T09:00:00</StartDate></Project>\n",
    );
    std::fs::write(dir.path().join("bomb.xml"), bomb).expect("write");
    let started = std::time::Instant::now();
    let o = planc(dir.path(), &["import", "bomb.xml"]);
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
    let out = text(&o.stdout);
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        out.len() < 1000,
        "the entity was expanded: {} bytes",
        out.len()
    );
    assert!(!out.contains("lollol"), "{out}");
    assert!(err.contains("W0934"), "{err}");
    assert!(err.contains("not expanded"), "{err}");
}

#[test]
fn a_file_that_is_not_ms_project_xml_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("page.xml"), "<html><body/></html>").expect("write");
    let o = planc(dir.path(), &["import", "page.xml"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("E0931") && err.contains("page.xml:1:1"),
        "{err}"
    );
}

/// A small generator: truncations and byte flips need no quality.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn truncations_and_byte_flips_never_panic() {
    use planc::interchange::{import, Foreign};
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let mut seeds: Vec<Vec<u8>> = fixtures()
        .iter()
        .map(|p| std::fs::read(p).expect("fixture"))
        .collect();
    seeds.push(
        std::process::Command::new(env!("CARGO_BIN_EXE_planc"))
            .current_dir(root())
            .args(["build", "samples/in-flight.plan", "--format", "mspdi"])
            .output()
            .expect("planc runs")
            .stdout,
    );
    let mut rng = Xorshift(0x9E37_79B9_7F4A_7C15);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let mut runs = 0u64;
    while std::time::Instant::now() < deadline || runs < 50 {
        let seed = &seeds[rng.below(seeds.len())];
        let mut bytes = seed.clone();
        match rng.below(3) {
            0 => bytes.truncate(rng.below(bytes.len())),
            1 => {
                for _ in 0..=rng.below(8) {
                    let i = rng.below(bytes.len());
                    bytes[i] = (rng.next() & 0xFF) as u8;
                }
            }
            _ => {
                let i = rng.below(bytes.len());
                let j = rng.below(bytes.len());
                let (lo, hi) = (i.min(j), i.max(j));
                bytes.drain(lo..hi);
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let imported = import(Foreign::MsProject, Path::new("fuzz.xml"), text.clone());
        if imported.plan.is_none() {
            assert!(
                imported.diagnostics.iter().any(|d| d.is_error()),
                "no plan and no error for:\n{text}"
            );
        }
        runs += 1;
    }
    eprintln!("{runs} damaged MSPDI files imported without a panic");
}

/// One golden per MS Project XML diagnostic, beside the plan goldens in
/// `tests/diagnostics/snapshots` (whose coverage test and docs test read
/// them): the harness there runs plans, these cases are foreign files.
#[test]
fn each_import_diagnostic_has_a_golden() {
    let cases = ["entity", "malformed", "no-start", "not-project", "notes"];
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("diagnostics/snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    for case in cases {
        let file = format!("tests/mspdi/bad/{case}.xml");
        let o = planc(&root(), &["import", &file]);
        let name = format!("mspdi_{}", case.replace('-', "_"));
        settings.bind(|| insta::assert_snapshot!(name, text(&o.stderr)));
    }
}

/// The round trip through another writer: a sample's export as MPXJ
/// writes it again (`tests/mspdi/website-relaunch-mpxj.xml`, by
/// `make_fixtures.py`) imports to a plan with the sample's dates.
#[test]
fn a_sample_rewritten_by_mpxj_imports_to_the_same_schedule() {
    let dir = tempfile::tempdir().expect("temp dir");
    let json = dir.path().join("sample.json");
    let back = dir.path().join("back.plan");
    let again = dir.path().join("again.json");
    build(&root().join("samples/website-relaunch.plan"), &json);
    let o = import(&root().join("tests/mspdi/website-relaunch-mpxj.xml"), &back);
    assert!(o.status.success(), "{}", text(&o.stderr));
    build(&back, &again);
    let before = dates(&json);
    let after = dates(&again);
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.1, &b.2), (&a.1, &a.2), "`{}` moved", b.0);
    }
}
