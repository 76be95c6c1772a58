//! How long `planc fmt` takes on large plans: 100 000 tasks in groups of
//! ten, with comments, blank lines and non-canonical spellings, built here
//! as text; and the largest single-file plan of the speed benchmarks
//! (examples/genplan.rs, 100 000 tasks, seed 1). Run with
//! `cargo bench --bench fmt`.

#[allow(dead_code)]
#[path = "../examples/genplan.rs"]
mod genplan;

use std::fmt::Write;

// Measure with the allocator the `planc` binary ships with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// A plan of `groups` groups of ten tasks each, written untidily.
fn large_plan(groups: usize) -> String {
    let mut out =
        String::from("# A generated plan.\nproject \"Large\" {start 2027-01-04 09:00}\n\n");
    out.push_str("resource dev \"Developer\" {rate 600.00/d   units 04}\n");
    for g in 0..groups {
        let _ = writeln!(out, "\n# group {g}\ntask g{g} \"Group {g}\" {{");
        for t in 0..10 {
            let after = if t > 0 {
                format!("  after t{}+1.0d", t - 1)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "    task t{t} \"Task {t}\" {{ effort 2.50d  assign dev 50.0%{after} }}   # task {t}"
            );
        }
        out.push_str("}\n");
    }
    out
}

/// The whole of `planc fmt` on one file: parse, print, and the check
/// that the result parses back to the same plan (a second parse).
#[divan::bench(args = [100_000], sample_count = 5)]
fn format_large_plan(bencher: divan::Bencher, tasks: usize) {
    bench_format(bencher, large_plan(tasks / 10));
}

/// The whole of `planc fmt` on the generated benchmark plan.
#[divan::bench(args = [100_000], sample_count = 5)]
fn format_generated_plan(bencher: divan::Bencher, tasks: usize) {
    bench_format(bencher, genplan::write_plan(&genplan::generate(tasks, 1)));
}

fn bench_format(bencher: divan::Bencher, text: String) {
    bencher.bench(|| {
        planc::fmt::format(divan::black_box(&text))
            .map(|s| s.len())
            .unwrap_or(0)
    });
}

/// One parse of the same plan, for comparison: formatting costs about two
/// of these plus the printing.
#[divan::bench(args = [100_000], sample_count = 5)]
fn parse_large_plan(bencher: divan::Bencher, tasks: usize) {
    let text = large_plan(tasks / 10);
    bencher.bench(|| {
        let mut diags = planc::Diagnostics::new();
        planc::syntax::parse(
            divan::black_box(&text),
            planc::source::FileId(0),
            &mut diags,
        )
        .items
        .len()
    });
}

/// The diff `planc fmt --check` prints for the generated plan re-indented
/// throughout, where every line changes (the worst case for line matching).
#[divan::bench(args = [10_000, 100_000], sample_count = 5)]
fn diff_reindented_plan(bencher: divan::Bencher, tasks: usize) {
    let tidy = genplan::write_plan(&genplan::generate(tasks, 1));
    let untidy: String = tidy.lines().map(|l| format!("   {l}\n")).collect();
    bencher.bench(|| planc::fmt::diff::unified(divan::black_box(&untidy), &tidy, "a", "b").len());
}
