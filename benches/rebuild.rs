//! What `planc watch` does on every save, timed: load, compile (check and
//! schedule), render and write atomically, for each sample plan and output
//! format, through the library's facade. The time from a save to the new file on disk is this plus the
//! watch's debounce delay (`--debounce`, 100 ms by default).
//!
//! Run with `cargo bench --bench rebuild`; the figures are quoted in
//! docs/cli.md.

use std::io::Write;
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

/// One rebuild of `plan` into `out` (format from its extension) with the
/// default settings, as `planc watch` does it on a save.
fn rebuild_file(plan: &Path, out: &Path) {
    let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = planc::Format::from_extension(ext).expect("a known extension");
    let loaded = planc::load(plan, &planc::LoadOptions::default()).expect("the sample loads");
    let compiled = planc::compile(&loaded, &planc::ScheduleOptions::default());
    let text = planc::render(format, &loaded, &compiled, None, planc::Style::default())
        .expect("the sample has no errors");
    // Atomic, as the command writes: a temporary file beside it, renamed.
    let folder = out.parent().expect("the output is in a folder");
    let mut file = tempfile::NamedTempFile::new_in(folder).expect("a temporary file");
    file.write_all(text.as_bytes())
        .expect("the output is written");
    file.persist(out).expect("the output is renamed into place");
}

/// One rebuild of each sample into HTML, the format `--serve` shows.
#[divan::bench(args = SAMPLES, sample_count = 30)]
fn rebuild_html(bencher: divan::Bencher, plan: &str) {
    let plan = sample(plan);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("out.html");
    bencher.bench_local(|| rebuild_file(&plan, &out));
}

/// One rebuild of the largest sample into each output format.
#[divan::bench(args = OUTPUTS, sample_count = 30)]
fn rebuild_largest_sample(bencher: divan::Bencher, output: &str) {
    let plan = sample(SAMPLES[0]);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join(output);
    bencher.bench_local(|| rebuild_file(&plan, &out));
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
            tracking: compiled.tracking.as_ref(),
        };
        bencher.bench_local(|| planc::render::render(Format::Html, &input));
    }
}
