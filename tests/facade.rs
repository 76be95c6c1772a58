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

/// An editor's open texts stand in for files: the root's unsaved text is
/// read instead of the disk's, and an include may name a file that exists
/// only as an open text.
#[test]
fn load_overlaid_reads_open_texts_in_place_of_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("plan.plan");
    std::fs::write(&root, "this is not a plan").unwrap();
    let root = std::fs::canonicalize(&root).unwrap();
    let folder = root.parent().unwrap().to_path_buf();
    let mut overlay = planc::syntax::Overlay::new();
    overlay.insert(
        root.clone(),
        "project p \"P\" { start 2027-03-01 }\ninclude \"./people.plan\"\ntask a { effort 1d  assign alice }\n".into(),
    );
    overlay.insert(
        folder.join("people.plan"),
        "resource alice \"Alice\"\n".into(),
    );
    let loaded = planc::load_overlaid(&root, &overlay, &planc::LoadOptions::default()).unwrap();
    let compiled = planc::compile(&loaded, &planc::ScheduleOptions::default());
    assert!(
        compiled.diagnostics.is_empty(),
        "{:?}",
        compiled.diagnostics
    );
    assert_eq!(loaded.sources.files().count(), 2);
    let model = compiled.model.unwrap();
    assert_eq!(model.resources[0].id, "alice");
}
