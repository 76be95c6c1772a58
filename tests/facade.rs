//! The library's facade renders what `planc build` writes.

use std::path::Path;
use std::process::Command;

/// `planc build PLAN -o OUT`, from the package root.
fn planc_build(plan: &str, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_planc"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", plan, "-o"])
        .arg(out)
        .status()
        .expect("planc runs");
    assert!(status.success(), "planc build {plan} failed");
}

#[test]
fn facade_render_matches_the_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let formats = [
        (planc::Format::Json, "json"),
        (planc::Format::Html, "html"),
        (planc::Format::Mermaid, "mmd"),
        (planc::Format::Markdown, "md"),
    ];
    for plan in ["samples/office-move.plan", "samples/platform/main.plan"] {
        let loaded = planc::load(&root.join(plan), &planc::LoadOptions::default())
            .expect("the sample loads");
        let options = planc::ScheduleOptions::default();
        let mut compiled = planc::compile(&loaded, &options);
        // `planc build` compares with the as-planned schedule by default.
        planc::track_as_planned(&mut compiled, &options);
        for (format, ext) in formats {
            let out = dir.path().join(format!("out.{ext}"));
            planc_build(plan, &out);
            let written = std::fs::read_to_string(&out).expect("the output is written");
            let rendered = planc::render(format, &loaded, &compiled, None, planc::Style::default())
                .expect("the sample has no errors");
            assert_eq!(rendered, written, "{plan} as {ext}");
        }
    }
}
