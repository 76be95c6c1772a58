//! Generates a random plan of any size for benchmarks, as `.plan` or as
//! TaskJuggler `.tjp` (the same plan, for comparing the two tools).
//!
//! ```text
//! cargo run --release --example genplan -- TASKS [SEED] [--tjp] > plan.plan
//! cargo run --release --example genplan -- TASKS [SEED] --dir DIR
//! cargo run --release --example genplan -- TASKS [SEED] --shape SHAPE
//! cargo run --release --example genplan -- TASKS [SEED] --ranges > plan.plan
//! ```
//!
//! With `--dir`, the plan is written as `DIR/plan.plan`, which includes
//! `DIR/part-N.plan` files of at most 100,000 tasks each: planc reads at
//! most 64 MiB from one file, and a million-task plan is 83 MB.
//!
//! The plans look like the ones the performance issue measured TaskJuggler
//! on: about 1.5 dependencies per task, one resource per 20 tasks, efforts
//! of 1-10 days; plus groups (two levels), project holidays, part-time
//! people (a half-day calendar or a 50% capacity), time off, a milestone
//! per group and a few `any of` assignments. The same TASKS and SEED give
//! the same plan.
//!
//! `--shape` writes a contention shape instead, where a few people share
//! many tasks (see [`Shape`]); these are what levelling has to be quick on.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use std::fmt::Write;

/// Leaves per subgroup and subgroups per top-level group.
const TASKS_PER_SUBGROUP: usize = 10;
const SUBGROUPS_PER_GROUP: usize = 10;
const TASKS_PER_RESOURCE: usize = 20;
/// Share of dependencies on a task of the same subgroup (in percent); the
/// rest point to any earlier task.
const LOCAL_PERCENT: u32 = 85;

struct Resource {
    id: String,
    /// On the half-day calendar.
    half_days: bool,
    /// At 50% capacity.
    half_capacity: bool,
    /// A week off starting this many weeks into the project.
    off_week: Option<usize>,
}

struct Leaf {
    path: String,
    effort_days: u32,
    deps: Vec<usize>,
    /// One resource, or several to choose from (`any of`).
    assign: Vec<usize>,
    any_of: bool,
}

pub struct Plan {
    /// Write a `range` on every leaf and a risk per [`LEAVES_PER_RISK`]
    /// leaves (`--ranges`): input for `planc simulate`.
    pub uncertain: bool,
    resources: Vec<Resource>,
    /// Leaves in declaration order; groups follow from the paths.
    leaves: Vec<Leaf>,
    holidays: Vec<String>,
}

pub fn generate(tasks: usize, seed: u64) -> Plan {
    let mut rng = Pcg64::seed_from_u64(seed);
    let resource_count = tasks.div_ceil(TASKS_PER_RESOURCE).max(1);
    let resources = (0..resource_count)
        .map(|i| Resource {
            id: format!("r{i}"),
            half_days: i % 10 == 3,
            half_capacity: i % 10 == 7,
            off_week: (i % 4 == 1).then(|| rng.random_range(1..40)),
        })
        .collect();
    let mut leaves: Vec<Leaf> = Vec::with_capacity(tasks);
    for i in 0..tasks {
        let sub = i / TASKS_PER_SUBGROUP;
        let path = format!("g{}.s{}.t{i}", sub / SUBGROUPS_PER_GROUP, sub);
        // 0..=3 dependencies, 1.5 on average.
        let count = match rng.random_range(0..4u32) {
            0 => 0,
            1 => 1,
            2 => 2,
            _ => 3,
        };
        let mut deps: Vec<usize> = Vec::new();
        for _ in 0..count.min(i) {
            // Mostly within the subgroup; sometimes any earlier task, which
            // keeps the longest chain short (logarithmic) as plans grow.
            let first_in_subgroup = sub * TASKS_PER_SUBGROUP;
            let target = if i > first_in_subgroup && rng.random_range(0..100u32) < LOCAL_PERCENT {
                rng.random_range(first_in_subgroup..i)
            } else {
                rng.random_range(0..i)
            };
            deps.push(target);
        }
        deps.sort_unstable();
        deps.dedup();
        let any_of = rng.random_range(0..25u32) == 0 && resource_count > 2;
        let assign = if any_of {
            let first = rng.random_range(0..resource_count - 2);
            vec![first, first + 1, first + 2]
        } else {
            vec![rng.random_range(0..resource_count)]
        };
        leaves.push(Leaf {
            path,
            effort_days: rng.random_range(1..=10),
            deps,
            assign,
            any_of,
        });
    }
    let holidays = (2027..2035)
        .flat_map(|y| {
            [
                format!("{y}-01-01"),
                format!("{y}-05-01"),
                format!("{y}-10-03"),
                format!("{y}-12-25"),
                format!("{y}-12-26"),
            ]
        })
        .collect();
    Plan {
        uncertain: false,
        resources,
        leaves,
        holidays,
    }
}

/// Monday of the week `w` weeks after 2027-01-04, as a date.
fn week_start(w: usize) -> String {
    let base = jiff::civil::date(2027, 1, 4);
    let d = base
        .checked_add(jiff::Span::new().days(7 * w as i64))
        .unwrap_or(base);
    d.to_string()
}

fn week_end(w: usize) -> String {
    let base = jiff::civil::date(2027, 1, 8);
    let d = base
        .checked_add(jiff::Span::new().days(7 * w as i64))
        .unwrap_or(base);
    d.to_string()
}

/// Groups and subgroups opening and closing around the leaves.
fn structure(leaf: usize) -> (usize, usize) {
    let sub = leaf / TASKS_PER_SUBGROUP;
    (sub / SUBGROUPS_PER_GROUP, sub)
}

/// Project, calendars and resources.
fn write_header(o: &mut String, p: &Plan) {
    let _ = writeln!(
        o,
        "project \"Generated plan\" {{\n  start 2027-01-04\n  calendar office\n}}\n"
    );
    let _ = writeln!(
        o,
        "calendar office {{\n  workdays mon..fri\n  hours 09:00..17:00"
    );
    for h in &p.holidays {
        let _ = writeln!(o, "  holiday {h}");
    }
    let _ = writeln!(
        o,
        "}}\ncalendar half {{\n  workdays mon..fri\n  hours 09:00..13:00\n}}\n"
    );
    for r in &p.resources {
        let _ = write!(o, "resource {} {{", r.id);
        if r.half_days {
            let _ = write!(o, " calendar half");
        }
        if r.half_capacity {
            let _ = write!(o, " capacity 50%");
        }
        if let Some(w) = r.off_week {
            let _ = write!(o, " off {}..{}", week_start(w), week_end(w));
        }
        let _ = writeln!(o, " }}");
    }
}

pub fn write_plan(p: &Plan) -> String {
    let mut o = String::new();
    write_header(&mut o, p);
    write_leaves(&mut o, p, 0..p.leaves.len());
    write_risks(&mut o, p);
    o
}

/// Leaves per risk of an uncertain plan.
pub const LEAVES_PER_RISK: usize = 100;

/// One risk per [`LEAVES_PER_RISK`] leaves of an uncertain plan, each on
/// one leaf: a one-in-five chance of three days' delay and some cost.
fn write_risks(o: &mut String, p: &Plan) {
    if !p.uncertain {
        return;
    }
    for (k, leaf) in p.leaves.iter().step_by(LEAVES_PER_RISK).enumerate() {
        let _ = writeln!(
            o,
            "risk r{k} {{ chance 20%  delay 3d  cost 1000  affects {} }}",
            leaf.path
        );
    }
}

/// Tasks per file of a plan written with `--dir` (whole top-level groups).
const TASKS_PER_PART: usize = 100_000;

/// The plan as a main file (project, calendars, resources and includes)
/// and parts holding the tasks: `(file name, text)`, main file first.
pub fn write_split(p: &Plan) -> Vec<(String, String)> {
    let mut main = String::new();
    write_header(&mut main, p);
    let mut parts = Vec::new();
    let mut start = 0;
    while start < p.leaves.len() {
        let end = (start + TASKS_PER_PART).min(p.leaves.len());
        let name = format!("part-{}.plan", parts.len() + 1);
        let _ = writeln!(main, "include \"{name}\"");
        let mut text = String::new();
        write_leaves(&mut text, p, start..end);
        parts.push((name, text));
        start = end;
    }
    let mut files = vec![("plan.plan".to_string(), main)];
    files.extend(parts);
    files
}

/// The leaves in `range` (which starts and ends on group boundaries) in
/// their groups and subgroups, each subgroup closed by a milestone.
fn write_leaves(o: &mut String, p: &Plan, range: std::ops::Range<usize>) {
    let last = range.end.saturating_sub(1);
    let mut open: Option<(usize, usize)> = None;
    for i in range {
        let leaf = &p.leaves[i];
        let (g, s) = structure(i);
        if open.map(|(_, os)| os) != Some(s) {
            if let Some((og, os)) = open {
                let _ = writeln!(o, "    milestone m{os} {{ after t{} }}\n  }}", i - 1);
                if og != g {
                    let _ = writeln!(o, "}}");
                }
            }
            if open.map(|(og, _)| og) != Some(g) {
                let _ = writeln!(o, "task g{g} {{");
            }
            let _ = writeln!(o, "  task s{s} {{");
            open = Some((g, s));
        }
        let _ = write!(o, "    task t{i} {{ effort {}d", leaf.effort_days);
        if p.uncertain {
            // From three quarters of the estimate to nearly twice it, in hours.
            let hours = leaf.effort_days * 8;
            let _ = write!(o, "  range {}h..{}h", hours * 3 / 4, hours * 7 / 4);
        }
        if !leaf.deps.is_empty() {
            let deps: Vec<&str> = leaf
                .deps
                .iter()
                .map(|&d| p.leaves[d].path.as_str())
                .collect();
            let _ = write!(o, "  after {}", deps.join(", "));
        }
        let names: Vec<&str> = leaf
            .assign
            .iter()
            .map(|&r| p.resources[r].id.as_str())
            .collect();
        if leaf.any_of {
            let _ = write!(o, "  assign any of {}", names.join(", "));
        } else {
            let _ = write!(o, "  assign {}", names.join(", "));
        }
        let _ = writeln!(o, " }}");
    }
    if let Some((_, os)) = open {
        let _ = writeln!(o, "    milestone m{os} {{ after t{} }}\n  }}\n}}", last);
    }
}

/// The same plan in TaskJuggler's language, with one CSV report.
fn write_tjp(p: &Plan) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "project gen \"Generated plan\" 2027-01-04 +8y {{\n  timezone \"UTC\"\n  workinghours mon-fri 9:00-17:00\n  workinghours sat, sun off\n}}\n");
    for h in &p.holidays {
        let _ = writeln!(o, "leaves holiday \"holiday\" {h}");
    }
    for r in &p.resources {
        let _ = write!(o, "resource {} \"{}\" {{", r.id, r.id);
        if r.half_days {
            let _ = write!(o, " workinghours mon-fri 9:00-13:00");
        }
        if r.half_capacity {
            let _ = write!(o, " efficiency 0.5");
        }
        if let Some(w) = r.off_week {
            let _ = write!(
                o,
                " leaves annual {} - {}",
                week_start(w),
                week_start(w + 1)
            );
        }
        let _ = writeln!(o, " }}");
    }
    let mut open: Option<(usize, usize)> = None;
    for (i, leaf) in p.leaves.iter().enumerate() {
        let (g, s) = structure(i);
        if open.map(|(_, os)| os) != Some(s) {
            if let Some((og, os)) = open {
                let _ = writeln!(
                    o,
                    "    task m{os} \"m{os}\" {{ milestone depends {} }}\n  }}",
                    p.leaves[i - 1].path
                );
                if og != g {
                    let _ = writeln!(o, "}}");
                }
            }
            if open.map(|(og, _)| og) != Some(g) {
                let _ = writeln!(o, "task g{g} \"g{g}\" {{");
            }
            let _ = writeln!(o, "  task s{s} \"s{s}\" {{");
            open = Some((g, s));
        }
        let _ = write!(o, "    task t{i} \"t{i}\" {{ effort {}d", leaf.effort_days);
        if !leaf.deps.is_empty() {
            let deps: Vec<&str> = leaf
                .deps
                .iter()
                .map(|&d| p.leaves[d].path.as_str())
                .collect();
            let _ = write!(o, " depends {}", deps.join(", "));
        }
        let names: Vec<&str> = leaf
            .assign
            .iter()
            .map(|&r| p.resources[r].id.as_str())
            .collect();
        match names.split_first() {
            Some((first, rest)) if leaf.any_of => {
                let _ = write!(o, " allocate {first} {{ alternative {} }}", rest.join(", "));
            }
            Some((first, _)) => {
                let _ = write!(o, " allocate {first}");
            }
            None => {}
        }
        let _ = writeln!(o, " }}");
    }
    if let Some((_, os)) = open {
        let last = p.leaves.last().map_or("", |l| l.path.as_str());
        let _ = writeln!(
            o,
            "    task m{os} \"m{os}\" {{ milestone depends {last} }}\n  }}\n}}"
        );
    }
    let _ = writeln!(
        o,
        "\ntaskreport tasks \"tasks\" {{\n  formats csv\n  columns id, start, end\n}}"
    );
    o
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let shape = args
        .iter()
        .position(|a| a == "--shape")
        .and_then(|i| args.get(i + 1));
    let args: Vec<String> = match args.iter().position(|a| a == "--shape") {
        Some(i) => args[..i]
            .iter()
            .chain(args.iter().skip(i + 2))
            .cloned()
            .collect(),
        None => args.clone(),
    };
    if let Some(name) = shape {
        let Some(shape) = Shape::parse(name) else {
            eprintln!(
                "genplan: unknown shape {name}; one of: {}",
                Shape::NAMES.join(", ")
            );
            std::process::exit(2);
        };
        let numbers: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
        let Some(&tasks) = numbers.first() else {
            eprintln!("usage: genplan TASKS [SEED] --shape SHAPE");
            std::process::exit(2);
        };
        let seed = numbers.get(1).copied().unwrap_or(1);
        print!("{}", write_shape(shape, tasks.max(1) as usize, seed));
        return;
    }
    let tjp = args.iter().any(|a| a == "--tjp");
    let dir = args
        .iter()
        .position(|a| a == "--dir")
        .and_then(|i| args.get(i + 1));
    let numbers: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let Some(&tasks) = numbers.first() else {
        eprintln!("usage: genplan TASKS [SEED] [--tjp | --dir DIR]");
        std::process::exit(2);
    };
    let seed = numbers.get(1).copied().unwrap_or(1);
    let mut plan = generate(tasks.max(1) as usize, seed);
    plan.uncertain = args.iter().any(|a| a == "--ranges");
    if let Some(dir) = dir {
        for (name, text) in write_split(&plan) {
            let path = std::path::Path::new(dir).join(name);
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("genplan: cannot write {}: {e}", path.display());
                std::process::exit(1);
            }
        }
        return;
    }
    let text = if tjp {
        write_tjp(&plan)
    } else {
        write_plan(&plan)
    };
    print!("{text}");
}

/// A contention shape: few people, many tasks (issue 17). The project is on
/// the built-in calendar (mon..fri, 09:00..17:00); `offcal` and `mixed`
/// give someone a half-day calendar, whose bookings then reach off that
/// person's working time (or of the project's).
///
/// One person has at most about 100 years of work in a plan (the
/// scheduler's horizon), so the shapes booked in days repeat their people
/// per [`BLOCK`] tasks: the tasks of block k use block k's people and
/// depend only on tasks of their own block. A 10,000-task plan is one
/// block, exactly the shape; 100,000 tasks are five blocks of 20,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One resource, `effort 1d` each, no dependencies.
    One,
    /// 5 resources, half the tasks after a random earlier task, 1-5d efforts.
    Five,
    /// A team of 5 assigned to every task, 1-5d efforts, a third after a
    /// random earlier task.
    Team,
    /// `any of` pools: 6 people, each task `any of` 2-3 of them, 1-5d
    /// efforts, a third after a random earlier task.
    AnyOf,
    /// Chains of 50 tasks (each after the one before), efforts of 4, 8 or
    /// 12 hours, all on one person.
    Chains,
    /// One resource, `effort 1h` each, no dependencies, one block whatever
    /// the size (100,000 hours are 48 years).
    Hours,
    /// One person on a half-day calendar with two weeks off every year,
    /// `duration` 1-3d each (counted on the project calendar, so off the
    /// person's working time), no dependencies; blocks of [`SMALL_BLOCK`].
    OffCal,
    /// One person, `elapsed` 1-3d each (nights and weekends count), no
    /// dependencies; blocks of [`SMALL_BLOCK`].
    Elapsed,
    /// Two people, one full-time and one on a half-day calendar, sharing
    /// the `effort` (1-3d) of every task, no dependencies; blocks of
    /// [`SMALL_BLOCK`].
    Mixed,
}

/// Tasks per block of people (see [`Shape`]).
pub const BLOCK: usize = 20_000;

/// Tasks per block of the shapes whose tasks take 2 days on average:
/// 20,000 of them would pass the horizon.
pub const SMALL_BLOCK: usize = 10_000;

impl Shape {
    pub const NAMES: &'static [&'static str] = &[
        "one", "five", "team", "anyof", "chains", "hours", "offcal", "elapsed", "mixed",
    ];
    pub const ALL: &'static [Shape] = &[
        Shape::One,
        Shape::Five,
        Shape::Team,
        Shape::AnyOf,
        Shape::Chains,
        Shape::Hours,
        Shape::OffCal,
        Shape::Elapsed,
        Shape::Mixed,
    ];

    pub fn parse(name: &str) -> Option<Shape> {
        let i = Shape::NAMES.iter().position(|&n| n == name)?;
        Some(Shape::ALL[i])
    }

    pub fn name(self) -> &'static str {
        let i = Shape::ALL.iter().position(|&s| s == self).unwrap_or(0);
        Shape::NAMES[i]
    }

    /// People per block.
    fn people(self) -> usize {
        match self {
            Shape::One | Shape::Chains | Shape::Hours | Shape::OffCal | Shape::Elapsed => 1,
            Shape::Mixed => 2,
            Shape::Five | Shape::Team => 5,
            Shape::AnyOf => 6,
        }
    }

    fn block(self) -> usize {
        match self {
            Shape::Hours => usize::MAX,
            Shape::OffCal | Shape::Elapsed | Shape::Mixed => SMALL_BLOCK,
            _ => BLOCK,
        }
    }
}

/// A contention shape of `tasks` tasks (deterministic in `seed`).
pub fn write_shape(shape: Shape, tasks: usize, seed: u64) -> String {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "project \"{} shape\" {{\n  start 2027-01-04\n}}\n",
        shape.name()
    );
    if matches!(shape, Shape::OffCal | Shape::Mixed) {
        let _ = writeln!(o, "calendar half {{ hours 09:00..13:00 }}\n");
    }
    let blocks = tasks.div_ceil(shape.block().min(tasks.max(1)));
    for b in 0..blocks {
        for p in 0..shape.people() {
            let _ = writeln!(o, "resource p{b}_{p} {{{}}}", person_attributes(shape, p));
        }
        if shape == Shape::Team {
            let members: Vec<String> = (0..5).map(|p| format!("p{b}_{p}")).collect();
            let _ = writeln!(o, "team crew{b} {{ resource {} }}", members.join(", "));
        }
    }
    let _ = writeln!(o);
    for i in 0..tasks {
        let b = i / shape.block();
        let first = b * shape.block();
        let local = i - first;
        let mut after: Option<usize> = None;
        let (effort, assign) = match shape {
            Shape::One => ("1d".to_string(), format!("p{b}_0")),
            Shape::Hours => ("1h".to_string(), format!("p{b}_0")),
            Shape::OffCal | Shape::Elapsed => {
                let d = rng.random_range(1..=3u32);
                (format!("{d}d"), format!("p{b}_0"))
            }
            Shape::Mixed => {
                let d = rng.random_range(1..=3u32);
                (format!("{d}d"), format!("p{b}_0, p{b}_1"))
            }
            Shape::Five => {
                if local > 0 && rng.random_range(0..2u32) == 0 {
                    after = Some(rng.random_range(first..i));
                }
                let d = rng.random_range(1..=5u32);
                (
                    format!("{d}d"),
                    format!("p{b}_{}", rng.random_range(0..5u32)),
                )
            }
            Shape::Team => {
                if local > 0 && rng.random_range(0..3u32) == 0 {
                    after = Some(rng.random_range(first..i));
                }
                let d = rng.random_range(1..=5u32);
                (format!("{d}d"), format!("crew{b}"))
            }
            Shape::AnyOf => {
                if local > 0 && rng.random_range(0..3u32) == 0 {
                    after = Some(rng.random_range(first..i));
                }
                let d = rng.random_range(1..=5u32);
                let count = rng.random_range(2..=3usize);
                let start = rng.random_range(0..6usize);
                let pool: Vec<String> = (0..count)
                    .map(|k| format!("p{b}_{}", (start + k) % 6))
                    .collect();
                (format!("{d}d"), format!("any of {}", pool.join(", ")))
            }
            Shape::Chains => {
                if !local.is_multiple_of(50) {
                    after = Some(i - 1);
                }
                let h = 4 * rng.random_range(1..=3u32);
                (format!("{h}h"), format!("p{b}_0"))
            }
        };
        let kind = match shape {
            Shape::OffCal => "duration",
            Shape::Elapsed => "elapsed",
            _ => "effort",
        };
        let _ = write!(o, "task t{i} {{ {kind} {effort}");
        if let Some(a) = after {
            let _ = write!(o, "  after t{a}");
        }
        let _ = writeln!(o, "  assign {assign} }}");
    }
    o
}

/// The attributes of person `p` of a block (inside the braces): the
/// half-day calendar of `offcal` and of `mixed`'s second person, and
/// `offcal`'s time off (two weeks every August, for the 100 years a
/// person can be booked).
fn person_attributes(shape: Shape, p: usize) -> String {
    match (shape, p) {
        (Shape::OffCal, _) => {
            let off: Vec<String> = (2027..2127)
                .map(|y| format!("off {y}-08-02..{y}-08-13"))
                .collect();
            format!(" calendar half {} ", off.join(" "))
        }
        (Shape::Mixed, 1) => " calendar half ".to_string(),
        _ => String::new(),
    }
}
