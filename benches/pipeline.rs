//! Each stage of the pipeline on generated plans of 1k, 10k and 100k
//! tasks (examples/genplan.rs, seed 1): parse, check, schedule with and
//! without levelling, and each output (JSON, HTML, Mermaid, Markdown).
//!
//! The contention shapes (`genplan --shape`: a few people sharing many
//! tasks) are scheduled at 10k and 100k tasks by `shape_levelled`.
//!
//! `cargo bench --bench pipeline` (add `-- 1000` to run one size,
//! `-- shape_levelled` the shapes alone).

#[allow(dead_code)]
#[path = "../examples/genplan.rs"]
mod genplan;

use divan::Bencher;
use planc::schedule::{self, Options};
use planc::{LoadOptions, Loaded, Model};

const SIZES: &[usize] = &[1_000, 10_000, 100_000];

// Measure with the allocator the `planc` binary ships with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

fn plan_text(tasks: usize) -> String {
    genplan::write_plan(&genplan::generate(tasks, 1))
}

fn load(text: &str) -> Loaded {
    planc::syntax::load_str("bench.plan", text, None, &LoadOptions::default())
}

fn model(loaded: &Loaded) -> Model {
    match planc::check(loaded).model {
        Some(m) => m,
        None => panic!("the generated plan has errors"),
    }
}

#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn parse(bencher: Bencher, tasks: usize) {
    let text = plan_text(tasks);
    bencher.bench(|| load(&text));
}

#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn check(bencher: Bencher, tasks: usize) {
    let loaded = load(&plan_text(tasks));
    bencher.bench(|| planc::check(&loaded));
}

#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn schedule_levelled(bencher: Bencher, tasks: usize) {
    let m = model(&load(&plan_text(tasks)));
    bencher.bench(|| schedule::schedule(&m, &Options::default()));
}

/// Every contention shape at 10k and 100k tasks, as `shape/tasks`.
const SHAPES: &[&str] = &[
    "one/10000",
    "five/10000",
    "team/10000",
    "anyof/10000",
    "chains/10000",
    "hours/10000",
    "offcal/10000",
    "elapsed/10000",
    "mixed/10000",
    "one/100000",
    "five/100000",
    "team/100000",
    "anyof/100000",
    "chains/100000",
    "hours/100000",
    "offcal/100000",
    "elapsed/100000",
    "mixed/100000",
];

/// The model of a contention shape named as in [`SHAPES`].
fn shape_model(name: &str) -> Model {
    let (shape, tasks) = name.split_once('/').unwrap_or((name, "10000"));
    let Some(shape) = genplan::Shape::parse(shape) else {
        panic!("no shape {shape}");
    };
    let tasks = tasks.parse().unwrap_or(10_000);
    model(&load(&genplan::write_shape(shape, tasks, 1)))
}

#[divan::bench(args = SHAPES, sample_count = 3, sample_size = 1)]
fn shape_levelled(bencher: Bencher, name: &str) {
    let m = shape_model(name);
    bencher.bench(|| schedule::schedule(&m, &Options::default()));
}

#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn schedule_unlevelled(bencher: Bencher, tasks: usize) {
    let m = model(&load(&plan_text(tasks)));
    let options = Options {
        level: false,
        ..Options::default()
    };
    bencher.bench(|| schedule::schedule(&m, &options));
}

#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn render_json(bencher: Bencher, tasks: usize) {
    let loaded = load(&plan_text(tasks));
    let m = model(&loaded);
    let Some(s) = schedule::schedule(&m, &Options::default()).schedule else {
        panic!("the generated plan does not schedule");
    };
    bencher.bench(|| planc::render::json::render(&m, &s, &[], &loaded.sources));
}

/// A checked and scheduled plan, for the output benches.
struct Scheduled {
    loaded: Loaded,
    model: Model,
    schedule: schedule::Schedule,
}

fn scheduled(tasks: usize) -> Scheduled {
    let loaded = load(&plan_text(tasks));
    let model = model(&loaded);
    let Some(schedule) = schedule::schedule(&model, &Options::default()).schedule else {
        panic!("the generated plan does not schedule");
    };
    Scheduled {
        loaded,
        model,
        schedule,
    }
}

fn bench_format(bencher: Bencher, tasks: usize, format: planc::render::Format) {
    let s = scheduled(tasks);
    let input = planc::render::Input {
        model: &s.model,
        schedule: &s.schedule,
        diagnostics: &[],
        sources: &s.loaded.sources,
        depth: None,
        tracking: None,
    };
    bencher.bench(|| planc::render::render(format, &input).len());
}

#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn render_html(bencher: Bencher, tasks: usize) {
    bench_format(bencher, tasks, planc::render::Format::Html);
}

#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn render_mermaid(bencher: Bencher, tasks: usize) {
    bench_format(bencher, tasks, planc::render::Format::Mermaid);
}

#[divan::bench(args = SIZES, sample_count = 3, sample_size = 1)]
fn render_markdown(bencher: Bencher, tasks: usize) {
    bench_format(bencher, tasks, planc::render::Format::Markdown);
}
