//! `assign any of` against the exact optimum (issue 17, spec 2 `assign`).
//!
//! Generates small plans (10-30 tasks, 2-6 resources, pools with units,
//! `any of` lists, fixed bookings, dependencies, `effort` in whole days on
//! the default calendar), schedules each through the library with the
//! default options, checks the schedule on its own (lengths, dependencies,
//! units booked per day) and compares its length in working days with
//! the optimum that OR-Tools CP-SAT proves (`tests/optimum/solve.py`, all
//! plans in one Python process). Asserts that planc is never shorter than
//! the optimum (one of the two would be wrong) and that the mean gap is
//! at most 1%; prints the figures
//! (`cargo test --release --test any_of_optimum -- --nocapture`).
//!
//! Without `python3` and `ortools` the test says so and passes, unless
//! `PLANC_REQUIRE_ORTOOLS=1` (set by `.ci/run`).

use planc::schedule::Options;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

const PLANS: usize = 240;
const MEAN_GAP_TARGET: f64 = 1.0;
const SEED: u64 = 0x0A11_0F17;

/// A small deterministic generator (SplitMix64), so that every run checks
/// the same plans.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// `k` distinct numbers below `n`, in random order.
    fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = self.range(i, n - 1);
            all.swap(i, j);
        }
        all.truncate(k.min(n));
        all
    }
}

struct Task {
    /// Working days the task lasts.
    days: usize,
    after: Vec<usize>,
    /// (resource, units booked).
    fixed: Vec<(usize, usize)>,
    /// Each list books one unit of one of its resources.
    any_of: Vec<Vec<usize>>,
}

impl Task {
    /// Units booked at once: the effort is the days times these.
    fn units(&self) -> usize {
        self.fixed.iter().map(|&(_, c)| c).sum::<usize>() + self.any_of.len()
    }
}

struct Plan {
    units: Vec<usize>,
    tasks: Vec<Task>,
}

fn generate(rng: &mut Rng) -> Plan {
    let resources = rng.range(2, 6);
    let units: Vec<usize> = (0..resources)
        .map(|_| if rng.chance(30) { rng.range(2, 3) } else { 1 })
        .collect();
    let n = rng.range(10, 30);
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let days = rng.range(1, 8);
        let mut after = Vec::new();
        if i > 0 && rng.chance(50) {
            let k = rng.range(1, 2);
            after = rng.distinct(i, k);
            after.sort_unstable();
        }
        let mut fixed = Vec::new();
        let mut any_of = Vec::new();
        let kind = rng.range(0, 99);
        if kind < 30 {
            fixed.push((rng.range(0, resources - 1), 1));
        } else if kind < 60 {
            let k = rng.range(2, 3.min(resources));
            any_of.push(rng.distinct(resources, k));
        } else if kind < 75 {
            let picked = rng.distinct(resources, 3.min(resources));
            fixed.push((picked[0], 1));
            any_of.push(picked[1..].to_vec());
        } else if kind < 85 {
            let r = rng.range(0, resources - 1);
            fixed.push((r, units[r].min(2)));
        } else {
            let picked = rng.distinct(resources, 2);
            fixed.extend(picked.iter().map(|&r| (r, 1)));
        }
        tasks.push(Task {
            days,
            after,
            fixed,
            any_of,
        });
    }
    Plan { units, tasks }
}

fn plan_text(plan: &Plan) -> String {
    let mut out = String::from("project \"any of\" { start 2027-01-04 }\n");
    for (r, u) in plan.units.iter().enumerate() {
        out.push_str(&format!("resource r{r} {{ units {u} }}\n"));
    }
    for (i, t) in plan.tasks.iter().enumerate() {
        out.push_str(&format!("task t{i} {{\n  effort {}d\n", t.days * t.units()));
        if !t.after.is_empty() {
            let list: Vec<String> = t.after.iter().map(|p| format!("t{p}")).collect();
            out.push_str(&format!("  after {}\n", list.join(", ")));
        }
        if !t.fixed.is_empty() {
            let list: Vec<String> = t.fixed.iter().map(|&(r, c)| format!("{c} r{r}")).collect();
            out.push_str(&format!("  assign {}\n", list.join(", ")));
        }
        for options in &t.any_of {
            let list: Vec<String> = options.iter().map(|r| format!("r{r}")).collect();
            out.push_str(&format!("  assign any of {}\n", list.join(", ")));
        }
        out.push_str("}\n");
    }
    out
}

fn solver_input(plan: &Plan) -> Value {
    json!({
        "units": plan.units,
        "tasks": plan.tasks.iter().map(|t| json!({
            "days": t.days,
            "after": t.after,
            "fixed": t.fixed.iter().map(|&(r, c)| json!([r, c])).collect::<Vec<_>>(),
            "any_of": t.any_of,
        })).collect::<Vec<_>>(),
    })
}

/// The working day (Monday 2027-01-04 is day 0, weekends skipped) of a
/// moment `minutes` after the project start.
fn working_day(minutes: i64) -> i64 {
    let day = minutes.div_euclid(1440);
    day / 7 * 5 + (day % 7).min(4)
}

/// planc's schedule of `plan`: per task its first working day and its
/// working day after the last, and the units booked per resource.
struct Scheduled {
    span: Vec<(i64, i64)>,
    booked: Vec<Vec<(usize, usize)>>,
}

fn schedule(plan: &Plan, text: &str) -> Result<Scheduled, String> {
    let loaded = planc::syntax::load_str("any-of.plan", text, None, &planc::LoadOptions::default());
    let compiled = planc::compile(&loaded, &Options::default());
    let (Some(model), Some(sched)) = (compiled.model, compiled.schedule) else {
        return Err(format!("not scheduled: {:?}", compiled.diagnostics));
    };
    let mut span = Vec::new();
    let mut booked = Vec::new();
    for (i, t) in plan.tasks.iter().enumerate() {
        let id = format!("t{i}");
        let at = model
            .tasks
            .iter()
            .position(|m| *m.path == *id)
            .ok_or(format!("{id} missing"))?;
        let ts = &sched.tasks[at];
        let first = working_day((ts.start - sched.start).0);
        // The last minute worked lies in the last day.
        let last = working_day((ts.end - sched.start).0 - 1);
        if last + 1 - first != t.days as i64 {
            return Err(format!(
                "{id} lasts {} days, not {}",
                last + 1 - first,
                t.days
            ));
        }
        span.push((first, last + 1));
        let units: Vec<(usize, usize)> = ts
            .bookings
            .iter()
            .map(|b| (b.resource.index(), b.booking.count as usize))
            .collect();
        booked.push(units);
    }
    Ok(Scheduled { span, booked })
}

/// Every dependency kept, every task booked as its plan says, no resource
/// over its units on any day.
fn check(plan: &Plan, s: &Scheduled) -> Result<(), String> {
    let end = s.span.iter().map(|&(_, e)| e).max().unwrap_or(0);
    let mut load = vec![vec![0usize; end as usize]; plan.units.len()];
    for (i, t) in plan.tasks.iter().enumerate() {
        for &p in &t.after {
            if s.span[i].0 < s.span[p].1 {
                return Err(format!("t{i} starts before t{p} ends"));
            }
        }
        let mut expected: Vec<usize> = t.fixed.iter().map(|&(r, _)| r).collect();
        for (k, options) in t.any_of.iter().enumerate() {
            let Some(&(r, _)) = s.booked[i].get(t.fixed.len() + k) else {
                return Err(format!("t{i}: no booking for its any of"));
            };
            if !options.contains(&r) {
                return Err(format!("t{i} books r{r}, not one of {options:?}"));
            }
            expected.push(r);
        }
        let got: Vec<usize> = s.booked[i].iter().map(|&(r, _)| r).collect();
        if got != expected {
            return Err(format!("t{i} books {got:?}, not {expected:?}"));
        }
        for &(r, c) in &s.booked[i] {
            for day in s.span[i].0..s.span[i].1 {
                load[r][day as usize] += c;
                if load[r][day as usize] > plan.units[r] {
                    return Err(format!("r{r} over its units on day {day}"));
                }
            }
        }
    }
    Ok(())
}

/// The optima, or why there are none (no Python, no ortools).
fn optima(plans: &[Plan]) -> Result<Vec<Value>, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/optimum/solve.py");
    let probe = Command::new("python3")
        .args(["-c", "import ortools"])
        .output();
    match probe {
        Ok(out) if out.status.success() => {}
        _ => return Err("python3 with ortools is not installed".into()),
    }
    let input = Value::Array(plans.iter().map(solver_input).collect()).to_string();
    // Kept for re-running the solver by hand.
    let saved = concat!(env!("CARGO_TARGET_TMPDIR"), "/any_of_plans.json");
    std::fs::write(saved, &input).map_err(|e| format!("cannot write {saved}: {e}"))?;
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {script}: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("solver: {e}"))?;
    writer
        .join()
        .map_err(|_| "writer panicked")?
        .map_err(|e| format!("writing to the solver: {e}"))?;
    assert!(
        out.status.success(),
        "the solver failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Value = serde_json::from_slice(&out.stdout).expect("the solver writes JSON");
    Ok(results.as_array().cloned().unwrap_or_default())
}

#[test]
fn any_of_is_near_the_exact_optimum() {
    let mut rng = Rng(SEED);
    let plans: Vec<Plan> = (0..PLANS).map(|_| generate(&mut rng)).collect();
    let results = match optima(&plans) {
        Ok(r) => r,
        Err(why) => {
            assert!(
                std::env::var("PLANC_REQUIRE_ORTOOLS").as_deref() != Ok("1"),
                "PLANC_REQUIRE_ORTOOLS=1 but {why}"
            );
            eprintln!("skipped: {why} (pip install ortools)");
            return;
        }
    };
    assert_eq!(results.len(), plans.len(), "one result per plan");
    let mut gaps = Vec::new();
    let mut worst = (0.0f64, 0usize);
    let mut at_optimum = 0;
    for (k, (plan, result)) in plans.iter().zip(&results).enumerate() {
        let text = plan_text(plan);
        let scheduled = schedule(plan, &text).unwrap_or_else(|e| panic!("plan {k}: {e}\n{text}"));
        check(plan, &scheduled).unwrap_or_else(|e| panic!("plan {k}: {e}\n{text}"));
        let planc_days = scheduled.span.iter().map(|&(_, e)| e).max().unwrap_or(0);
        let optimum = result["makespan"]
            .as_i64()
            .unwrap_or_else(|| panic!("plan {k}: the solver found no schedule"));
        assert_eq!(
            result["optimal"],
            Value::Bool(true),
            "plan {k}: optimum not proven"
        );
        assert!(
            planc_days >= optimum,
            "plan {k}: planc's {planc_days} days beat the optimum {optimum}: one of them is wrong\n{text}"
        );
        let gap = 100.0 * (planc_days - optimum) as f64 / optimum as f64;
        if gap > worst.0 {
            worst = (gap, k);
        }
        if gap > 0.0 && std::env::var_os("PLANC_SHOW_GAPS").is_some() {
            println!("plan {k}: planc {planc_days} days, optimum {optimum}\n{text}");
        }
        if planc_days == optimum {
            at_optimum += 1;
        }
        gaps.push(gap);
    }
    let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
    println!(
        "any of vs CP-SAT: {} plans, mean gap {mean:.3}%, worst {:.1}% (plan {}), {at_optimum} at the optimum",
        gaps.len(),
        worst.0,
        worst.1
    );
    assert!(
        mean <= MEAN_GAP_TARGET,
        "mean gap {mean:.3}% above {MEAN_GAP_TARGET}%"
    );
}

/// The generator writes the plans it describes: every kind of booking
/// and dependency appears, and every plan checks.
#[test]
fn generated_plans_cover_every_booking_and_check() {
    let mut rng = Rng(SEED);
    let plans: Vec<Plan> = (0..40).map(|_| generate(&mut rng)).collect();
    let tasks = || plans.iter().flat_map(|p| &p.tasks);
    assert!(tasks().any(|t| !t.after.is_empty()));
    assert!(tasks().any(|t| t.any_of.len() == 1 && t.fixed.is_empty()));
    assert!(tasks().any(|t| !t.any_of.is_empty() && !t.fixed.is_empty()));
    assert!(tasks().any(|t| t.fixed.iter().any(|&(_, c)| c > 1)));
    assert!(tasks().any(|t| t.fixed.len() == 2));
    assert!(plans.iter().any(|p| p.units.iter().any(|&u| u > 1)));
    for plan in &plans {
        let text = plan_text(plan);
        let s = schedule(plan, &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        check(plan, &s).unwrap_or_else(|e| panic!("{e}\n{text}"));
    }
}
