//! What the tests share: the package root, the sample plans, running the
//! real `planc` binary. Each test file uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `planc ARGS` in `dir`, without colour and with nothing on standard
/// input; its status and both outputs.
pub fn planc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("planc runs: {e}"))
}

/// The package root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The sample plans and the hostile plan, with short names.
pub fn plans() -> Vec<(&'static str, PathBuf)> {
    vec![
        ("office-move", root().join("samples/office-move.plan")),
        (
            "software-release",
            root().join("samples/software-release.plan"),
        ),
        (
            "website-relaunch",
            root().join("samples/website-relaunch.plan"),
        ),
        ("platform", root().join("samples/platform/main.plan")),
        ("in-flight", root().join("samples/in-flight.plan")),
        ("hostile", root().join("tests/render/hostile.plan")),
    ]
}
