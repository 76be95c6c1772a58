//! What `planc watch` does on every save, timed: load, compile (check and
//! schedule), render and write atomically, for each sample plan and output
//! format. The time from a save to the new file on disk is this plus the
//! watch's debounce delay (`--debounce`, 100 ms by default).
//!
//! Run with `cargo bench --bench rebuild`; the figures are quoted in
//! docs/cli.md.

use std::path::{Path, PathBuf};

// Measure with the allocator the `planc` binary ships with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// The largest sample first: it is the one the latency promise is about.
const SAMPLES: &[&str] = &[
    "samples/software-release.plan",
    "samples/office-move.plan",
    "samples/website-relaunch.plan",
    "samples/platform/main.plan",
];

const OUTPUTS: &[&str] = &["out.html", "out.json", "out.md", "out.mmd"];

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

/// One rebuild of each sample into HTML, the format `--serve` shows.
#[divan::bench(args = SAMPLES, sample_count = 30)]
fn rebuild_html(bencher: divan::Bencher, plan: &str) {
    let plan = sample(plan);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("out.html");
    bencher.bench_local(|| planc::cli::rebuild_file(&plan, &out).expect("the sample builds"));
}

/// One rebuild of the largest sample into each output format.
#[divan::bench(args = OUTPUTS, sample_count = 30)]
fn rebuild_largest_sample(bencher: divan::Bencher, output: &str) {
    let plan = sample(SAMPLES[0]);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join(output);
    bencher.bench_local(|| planc::cli::rebuild_file(&plan, &out).expect("the sample builds"));
}

/// The stages of one rebuild of the largest sample, to see where the time
/// goes.
mod stages {
    use super::{sample, SAMPLES};
    use planc::render::{Format, Input};

    #[divan::bench(sample_count = 30)]
    fn load(bencher: divan::Bencher) {
        let plan = sample(SAMPLES[0]);
        bencher.bench_local(|| {
            planc::load(&plan, &planc::LoadOptions::default()).expect("the sample loads")
        });
    }

    #[divan::bench(sample_count = 30)]
    fn check(bencher: divan::Bencher) {
        let loaded = planc::load(&sample(SAMPLES[0]), &planc::LoadOptions::default())
            .expect("the sample loads");
        bencher.bench_local(|| planc::check(&loaded));
    }

    #[divan::bench(sample_count = 30)]
    fn compile(bencher: divan::Bencher) {
        let loaded = planc::load(&sample(SAMPLES[0]), &planc::LoadOptions::default())
            .expect("the sample loads");
        bencher.bench_local(|| planc::compile(&loaded, &planc::schedule::Options::default()));
    }

    #[divan::bench(sample_count = 30)]
    fn render_html(bencher: divan::Bencher) {
        let loaded = planc::load(&sample(SAMPLES[0]), &planc::LoadOptions::default())
            .expect("the sample loads");
        let compiled = planc::compile(&loaded, &planc::schedule::Options::default());
        let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) else {
            panic!("the sample has errors");
        };
        let diagnostics: Vec<planc::Diagnostic> = compiled.diagnostics.iter().cloned().collect();
        let input = Input {
            model,
            schedule,
            diagnostics: &diagnostics,
            sources: &loaded.sources,
            depth: None,
        };
        bencher.bench_local(|| planc::render::render(Format::Html, &input));
    }
}
