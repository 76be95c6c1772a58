//! `planc simulate` held to what it claims (issue 21, item 4): the numbers
//! against analytic and independent results, the risk rules, determinism,
//! and the plan in which nothing varies. The outputs' goldens and the
//! command line are at the end.

use planc::schedule::calendar::{Calendar, WeekPattern};
use planc::simulate::{self, Distribution, Report, Settings};
use planc::units::Moment;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::planc;

/// Checks and schedules `text` as `build` does.
fn compile(text: &str) -> (planc::Model, planc::Schedule) {
    let (_, checked) = planc::check_str("test.plan", text);
    let model = checked.model.expect("the plan checks");
    let options = planc::ScheduleOptions::default();
    let schedule = planc::schedule::schedule(&model, &options)
        .schedule
        .expect("the plan schedules");
    (model, schedule)
}

fn settings(iterations: u64, seed: u64) -> Settings {
    Settings {
        iterations,
        seed,
        distribution: Distribution::Pert,
        level: true,
        as_planned: false,
    }
}

fn simulate_text(text: &str, settings: &Settings) -> Report {
    let (model, plan) = compile(text);
    simulate::simulate(&model, &plan, settings).expect("every iteration schedules")
}

/// Mon..Fri 09:00..17:00: the built-in calendar the test plans use.
fn builtin() -> Calendar {
    Calendar::new(WeekPattern::standard(), Vec::new())
}

/// Working minutes from the project start of the test plans (2027-01-04,
/// a Monday, 00:00) to `m`.
fn worked(m: Moment) -> f64 {
    let start = Moment(planc::units::Day::from_date(jiff::civil::date(2027, 1, 4)).0 * 1440);
    builtin().work_between(start, m).0 as f64
}

const DAY: f64 = 480.0;

/// PERT mean: (low + 4 mode + high) / 6.
fn pert_mean(low: f64, mode: f64, high: f64) -> f64 {
    (low + 4.0 * mode + high) / 6.0
}

#[test]
fn a_chain_of_pert_tasks_ends_on_average_at_the_sum_of_their_means() {
    let tasks = [
        (2.0, 3.0, 7.0),
        (5.0, 8.0, 20.0),
        (1.0, 1.0, 4.0),
        (3.0, 6.0, 9.0),
    ];
    let mut plan = String::from("project \"Chain\" { start 2027-01-04 }\n");
    for (i, (low, mode, high)) in tasks.iter().enumerate() {
        let after = if i == 0 {
            String::new()
        } else {
            format!("after t{}  ", i - 1)
        };
        plan.push_str(&format!(
            "task t{i} {{ {after}duration {mode}d  range {low}d..{high}d }}\n"
        ));
    }
    let report = simulate_text(&plan, &settings(4000, 1));
    let expected: f64 = tasks
        .iter()
        .map(|(l, m, h)| pert_mean(*l, *m, *h) * DAY)
        .sum();
    let mean = worked(report.end.mean);
    assert!(
        (mean - expected).abs() / expected < 0.005,
        "mean end after {mean} working minutes, expected {expected}"
    );
}

/// The `q` quantile of Beta(a, b), by integrating its density (Simpson's
/// rule on a fine grid) until the area reaches `q`.
fn beta_quantile(a: f64, b: f64, q: f64) -> f64 {
    let steps = 200_000;
    let h = 1.0 / steps as f64;
    let density = |x: f64| {
        if x <= 0.0 || x >= 1.0 {
            0.0
        } else {
            x.powf(a - 1.0) * (1.0 - x).powf(b - 1.0)
        }
    };
    // Cumulative area at each grid point (trapezoids on a fine grid, with
    // the endpoints' densities zero for a, b > 1).
    let mut cumulative = Vec::with_capacity(steps + 1);
    let mut area = 0.0;
    cumulative.push(0.0);
    for i in 0..steps {
        let (x0, x1) = (i as f64 * h, (i + 1) as f64 * h);
        let mid = (x0 + x1) / 2.0;
        area += h / 6.0 * (density(x0) + 4.0 * density(mid) + density(x1));
        cumulative.push(area);
    }
    let target = q * area;
    let i = cumulative.partition_point(|c| *c < target);
    i as f64 * h
}

#[test]
fn a_single_task_has_the_quantiles_of_its_beta_distribution() {
    let (low, mode, high) = (5.0, 10.0, 30.0);
    let plan = format!(
        "project \"One\" {{ start 2027-01-04 }}\ntask t {{ duration {mode}d  range {low}d..{high}d }}\n"
    );
    let report = simulate_text(&plan, &settings(20_000, 3));
    let alpha = 1.0 + 4.0 * (mode - low) / (high - low);
    let beta = 1.0 + 4.0 * (high - mode) / (high - low);
    for (q, got) in [
        (0.10, report.end.p10),
        (0.50, report.end.p50),
        (0.80, report.end.p80),
        (0.90, report.end.p90),
        (0.95, report.end.p95),
    ] {
        let expected = (low + (high - low) * beta_quantile(alpha, beta, q)) * DAY;
        let got = worked(got);
        assert!(
            (got - expected).abs() / expected < 0.01,
            "quantile {q}: {got} working minutes, the beta distribution's {expected}"
        );
    }
}

#[test]
fn triangular_and_uniform_draws_have_their_means() {
    let plan = "project \"One\" { start 2027-01-04 }\ntask t { duration 10d  range 4d..22d }\n";
    for (distribution, expected) in [
        (Distribution::Triangular, (4.0 + 10.0 + 22.0) / 3.0),
        (Distribution::Uniform, (4.0 + 22.0) / 2.0),
    ] {
        let report = simulate_text(
            plan,
            &Settings {
                distribution,
                ..settings(8000, 11)
            },
        );
        let mean = worked(report.end.mean) / DAY;
        assert!(
            (mean - expected).abs() / expected < 0.01,
            "{distribution:?}: mean {mean} days, expected {expected}"
        );
    }
}

#[test]
fn without_levelling_shared_people_do_not_wait() {
    // Both tasks need alice: levelled they run one after the other.
    let plan = "project \"L\" { start 2027-01-04 }
resource alice \"Alice\"
task a { effort 5d  range 4d..8d  assign alice }
task b { effort 5d  range 4d..8d  assign alice }
";
    let levelled = simulate_text(plan, &settings(200, 1));
    let free = simulate_text(
        plan,
        &Settings {
            level: false,
            ..settings(200, 1)
        },
    );
    assert!(worked(levelled.end.p50) > 1.8 * worked(free.end.p50));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// Whatever the ranges, the percentiles are in order, within what the
    /// ranges allow, and shares are shares.
    #[test]
    fn percentiles_are_ordered_and_within_the_ranges(
        tasks in proptest::collection::vec((1u32..5, 0u32..5, 0u32..10), 1..5),
        seed in 0u64..1000,
    ) {
        let mut plan = String::from("project \"P\" { start 2027-01-04 }\n");
        let (mut lowest, mut highest) = (0.0, 0.0);
        for (i, (low, up, more)) in tasks.iter().enumerate() {
            let (mode, high) = (low + up, low + up + more);
            let after = if i == 0 { String::new() } else { format!("after t{}  ", i - 1) };
            plan.push_str(&format!("task t{i} {{ {after}duration {mode}d  range {low}d..{high}d }}\n"));
            lowest += f64::from(*low) * DAY;
            highest += f64::from(high) * DAY;
        }
        let r = simulate_text(&plan, &settings(60, seed));
        let e = &r.end;
        proptest::prop_assert!(e.p10 <= e.p50 && e.p50 <= e.p80 && e.p80 <= e.p90 && e.p90 <= e.p95);
        proptest::prop_assert!(worked(e.p10) >= lowest - 1.0 && worked(e.p95) <= highest + 1.0);
        proptest::prop_assert!((0.0..=1.0).contains(&e.deterministic_probability));
        for t in &r.tasks {
            proptest::prop_assert!((0.0..=1.0).contains(&t.criticality));
            proptest::prop_assert!((-1.0..=1.0).contains(&t.sensitivity));
        }
    }
}

/// Two parallel chains of three PERT tasks merging into a milestone.
const MERGE: [[(f64, f64, f64); 3]; 2] = [
    [(4.0, 5.0, 10.0), (2.0, 4.0, 9.0), (6.0, 7.0, 12.0)],
    [(3.0, 6.0, 8.0), (5.0, 5.0, 11.0), (2.0, 5.0, 9.0)],
];

fn merge_plan() -> String {
    let mut plan = String::from("project \"Merge\" { start 2027-01-04 }\n");
    for (c, chain) in MERGE.iter().enumerate() {
        for (i, (low, mode, high)) in chain.iter().enumerate() {
            let after = if i == 0 {
                String::new()
            } else {
                format!("after c{c}t{}  ", i - 1)
            };
            plan.push_str(&format!(
                "task c{c}t{i} {{ {after}duration {mode}d  range {low}d..{high}d }}\n"
            ));
        }
    }
    plan.push_str("milestone done { after c0t2, c1t2 }\n");
    plan
}

/// numpy's answer for the merge plan: the median of the later chain's end
/// minus the deterministic end, in days, from a million draws.
const NUMPY_MERGE: &str = r#"
import json, sys
import numpy as np
chains = json.loads(sys.argv[1])
rng = np.random.default_rng(12345)
n = 1_000_000
ends = []
for chain in chains:
    total = np.zeros(n)
    for low, mode, high in chain:
        a = 1 + 4 * (mode - low) / (high - low)
        b = 1 + 4 * (high - mode) / (high - low)
        total += low + (high - low) * rng.beta(a, b, n)
    ends.append(total)
end = np.maximum(*ends)
deterministic = max(sum(m for _, m, _ in chain) for chain in chains)
print(np.median(end) - deterministic)
"#;

/// Whether python3 with numpy is there; CI (`PLANC_REQUIRE_NUMPY=1`, set by
/// `.ci/run`) insists on it.
fn has_numpy() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("PLANC_REQUIRE_NUMPY").is_none(),
            "python3 with numpy is required (PLANC_REQUIRE_NUMPY is set)"
        );
        eprintln!("skipped: python3 with numpy is missing (apt-get install python3-numpy)");
    }
    ok
}

#[test]
fn merging_chains_push_the_median_past_the_plan_as_numpy_says() {
    if !has_numpy() {
        return;
    }
    let chains: Vec<Vec<[f64; 3]>> = MERGE
        .iter()
        .map(|c| c.iter().map(|(l, m, h)| [*l, *m, *h]).collect())
        .collect();
    let out = Command::new("python3")
        .args(["-c", NUMPY_MERGE, &serde_json::to_string(&chains).unwrap()])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let numpy_bias: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let report = simulate_text(&merge_plan(), &settings(20_000, 5));
    let bias = (worked(report.end.p50) - worked(report.end.deterministic)) / DAY;
    assert!(bias > 0.5, "the merge moves the median by {bias} days only");
    assert!(
        (bias - numpy_bias).abs() < 0.03 * numpy_bias,
        "planc's merge bias {bias} days, numpy's {numpy_bias} days"
    );
}

/// A levelled plan: alice does `design` and `build`, so the risk on
/// `design` (an effort task) also moves `build`.
const RISKY: &str = "project \"Risky\" { start 2027-01-04  deadline 2027-03-01 }
resource alice \"Alice\"
resource bob \"Bob\"
task design { effort 5d  assign alice }
task build { after design  effort 10d  assign alice, bob }
task docs { duration 4d  assign alice }
milestone done { after build, docs }
";

#[test]
fn a_certain_risk_is_the_plan_with_its_delay_added() {
    let with_risk =
        format!("{RISKY}risk late {{ chance 100%  delay 3d  affects design, build }}\n");
    // `build` books two people: three days longer is six days more effort.
    let delayed = RISKY
        .replace("effort 5d  assign alice", "effort 8d  assign alice")
        .replace("effort 10d", "effort 16d");
    let report = simulate_text(&with_risk, &settings(50, 1));
    let (_, expected) = compile(&delayed);
    for p in [
        report.end.p10,
        report.end.p50,
        report.end.p95,
        report.end.mean,
    ] {
        assert_eq!(p, expected.end);
    }
    assert_eq!(report.risks[0].occurred, 1.0);
    assert_eq!(report.end.deterministic_probability, 0.0);
}

#[test]
fn a_risk_on_a_group_delays_the_group_once() {
    let plan = "project \"G\" { start 2027-01-04 }
task phase {
  task a { duration 2d }
  task b { after a  duration 3d }
}
milestone done { after phase }
risk r { chance 100%  delay 2d  affects phase }
";
    let report = simulate_text(plan, &settings(10, 1));
    assert_eq!(worked(report.end.p50), 7.0 * DAY);
}

#[test]
fn a_risk_with_no_chance_changes_nothing() {
    let ranged = RISKY.replace("effort 10d", "effort 10d  range 8d..18d");
    let with_risk =
        format!("{ranged}risk never {{ chance 0%  delay 30d  cost 5000  affects build }}\n");
    let a = simulate_text(&ranged, &settings(300, 9));
    let b = simulate_text(&with_risk, &settings(300, 9));
    let json = |r: &Report| simulate::write::json::render(r);
    assert_eq!(json(&a), json(&b));
}

#[test]
fn the_same_seed_gives_the_same_report_and_another_seed_other_draws() {
    let plan = RISKY.replace("effort 10d", "effort 10d  range 8d..18d")
        + "risk r { chance 40%  delay 2d  cost 300  affects docs }\n";
    let json = |seed| simulate::write::json::render(&simulate_text(&plan, &settings(300, seed)));
    assert_eq!(json(1), json(1));
    assert_ne!(json(1), json(2));
}

#[test]
fn a_plan_where_nothing_varies_gives_its_own_dates_for_certain() {
    let report = simulate_text(RISKY, &settings(1000, 1));
    let (_, plan) = compile(RISKY);
    assert!(report.nothing_varies());
    assert_eq!(report.iterations, 0);
    for d in [&report.end, &report.milestones[0]] {
        assert_eq!(d.p10, d.deterministic);
        assert_eq!(d.p95, d.deterministic);
        assert_eq!(d.mean, d.deterministic);
        assert_eq!(d.deterministic_probability, 1.0);
    }
    assert_eq!(report.end.deterministic, plan.end);
    assert_eq!(report.end.deadline_probability, Some(1.0));
    assert!(simulate::write::text::render(&report).contains("Nothing in this plan varies"));
}

#[test]
fn criticality_and_sensitivity_point_at_the_driving_chain() {
    // `long` decides the end; `short` never does.
    let plan = "project \"Two\" { start 2027-01-04 }
task long { duration 20d  range 15d..40d }
task short { duration 2d  range 1d..4d }
milestone done { after long, short }
";
    let report = simulate_text(plan, &settings(2000, 1));
    let task = |id: &str| report.tasks.iter().find(|t| t.id == id).unwrap().clone();
    assert_eq!(task("long").criticality, 1.0);
    assert_eq!(task("short").criticality, 0.0);
    assert!(task("long").sensitivity > 0.99);
    assert!(task("short").sensitivity.abs() < 0.1);
}

#[test]
fn the_risk_that_moves_the_end_ranks_first() {
    let plan = "project \"R\" { start 2027-01-04 }
task a { duration 10d  range 8d..14d }
task b { duration 2d }
risk small { chance 50%  delay 1d  affects b }
risk big { chance 50%  delay 10d  affects a }
";
    let report = simulate_text(plan, &settings(1000, 1));
    assert_eq!(report.risks[0].id, "big");
    assert!(report.risks[0].p80_impact_days > 5.0);
    assert_eq!(report.risks[1].p80_impact_days, 0.0);
    assert!((report.risks[0].occurred - 0.5).abs() < 0.05);
}

#[test]
fn cost_counts_the_risks_that_happen() {
    let plan = "project \"C\" { start 2027-01-04  budget 1000 }
task a { duration 1d  cost 500 }
risk fine { chance 100%  cost 700 }
";
    let report = simulate_text(plan, &settings(20, 1));
    assert_eq!(report.cost.p50.as_f64(), 1200.0);
    assert_eq!(report.cost.budget_probability, Some(0.0));
}

// ------------------------------------------------------ the command line

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const SAMPLE: &str = "samples/software-release.plan";

/// `planc simulate SAMPLE` with a small, fixed run and `extra` arguments.
fn simulate_sample(extra: &[&str]) -> Output {
    let mut args = vec!["simulate", SAMPLE, "--iterations", "200", "--seed", "7"];
    args.extend_from_slice(extra);
    planc(&root(), &args)
}

fn written(extra: &[&str], name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(name);
    let out_arg = out.to_str().unwrap().to_string();
    let mut args = extra.to_vec();
    args.extend(["-o", out_arg.as_str()]);
    let run = simulate_sample(&args);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn the_report_is_the_same_on_any_number_of_threads() {
    let one = written(&["--threads", "1"], "r.json");
    let three = written(&["--threads", "3"], "r.json");
    assert_eq!(one, three);
}

#[test]
fn golden_text() {
    let out = simulate_sample(&[]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn golden_json() {
    insta::assert_snapshot!(written(&[], "r.json"));
}

#[test]
fn golden_markdown() {
    insta::assert_snapshot!(written(&[], "r.md"));
}

#[test]
fn golden_html() {
    insta::assert_snapshot!(written(&[], "r.html"));
}

#[test]
fn the_json_matches_its_schema() {
    let ok = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("PLANC_REQUIRE_PYTHON").is_none(),
            "python3 with jsonschema is required (PLANC_REQUIRE_PYTHON is set)"
        );
        eprintln!(
            "skipped: python3 with jsonschema is missing (apt-get install python3-jsonschema)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let samples = [
        SAMPLE,
        "samples/website-relaunch.plan",
        "samples/in-flight.plan",
    ];
    for (i, sample) in samples.iter().enumerate() {
        let out = dir.path().join(format!("{i}.json"));
        let run = planc(
            &root(),
            &["simulate", sample, "-n", "50", "-o", out.to_str().unwrap()],
        );
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let check = Command::new("python3")
            .args([
                "-c",
                "import json, sys, jsonschema\n\
                 jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))\n\
                 jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))",
                root().join("docs/simulate.schema.json").to_str().unwrap(),
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{sample}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

#[test]
fn a_plan_without_ranges_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.plan"),
        "project \"P\" { start 2027-01-04 }\ntask a { duration 2d }\n",
    )
    .unwrap();
    let out = planc(dir.path(), &["simulate", "p.plan"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing varies"));
    let json = planc(dir.path(), &["simulate", "p.plan", "-o", "p.json"]);
    assert_eq!(json.status.code(), Some(0));
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("p.json")).unwrap()).unwrap();
    assert_eq!(value["iterations"], 0);
    assert_eq!(value["end"]["p95"], value["end"]["deterministic"]);
}

#[test]
fn plan_errors_exit_one_and_unknown_outputs_two() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.plan"),
        "project \"B\" { start 2027-01-04 }\ntask a { after nowhere  duration 2d }\n",
    )
    .unwrap();
    let bad = planc(dir.path(), &["simulate", "bad.plan"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&bad.stderr).contains("backtrace"));
    let odd = planc(&root(), &["simulate", SAMPLE, "-o", "x.pdf"]);
    assert_eq!(odd.status.code(), Some(2));
    let zero = planc(&root(), &["simulate", SAMPLE, "--iterations", "0"]);
    assert_eq!(zero.status.code(), Some(2));
}

/// The HTML page in real Chromium (tests/browser/simulate.mjs). Skipped,
/// with a message, when Chromium or the node packages are missing, unless
/// PLANC_REQUIRE_BROWSER=1 (CI).
#[test]
fn the_html_page_renders_in_a_browser() {
    let chromium = Path::new("/usr/bin/chromium");
    let modules = root().join("tests/browser/node_modules");
    let required = std::env::var("PLANC_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    if !chromium.exists() || !modules.join("playwright-core").exists() {
        let how = "apt-get install chromium && (cd tests/browser && npm ci)";
        assert!(!required, "PLANC_REQUIRE_BROWSER=1 but Chromium or tests/browser/node_modules is missing; install with: {how}");
        eprintln!("skipping the browser check: Chromium or the node packages are missing; to run it: {how}");
        return;
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| root().join("target"), Path::to_path_buf)
        .join("browser");
    let status = Command::new("node")
        .arg(root().join("tests/browser/simulate.mjs"))
        .arg(env!("CARGO_BIN_EXE_planc"))
        .arg(&out)
        .status();
    match status {
        Ok(s) => assert!(
            s.success(),
            "the browser check failed (see the output above)"
        ),
        Err(e) => panic!("cannot run node: {e}; install Node.js to run the browser check"),
    }
}
