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

/// Whether `node` runs and `editors/vscode/node_modules` holds each of
/// `packages`; panics when they must be there (`PLANC_REQUIRE_NODE=1`),
/// else prints why `test` is skipped.
pub fn node_packages_ready(test: &str, packages: &[&str]) -> bool {
    let node = Command::new("node").arg("--version").output().is_ok();
    let modules = root().join("editors/vscode/node_modules");
    if node && packages.iter().all(|p| modules.join(p).exists()) {
        return true;
    }
    let how = "install Node.js, then (cd editors/vscode && npm ci)";
    let required = std::env::var("PLANC_REQUIRE_NODE").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "PLANC_REQUIRE_NODE=1 but node or editors/vscode/node_modules is missing: {how}"
    );
    eprintln!("skipping {test}: node or editors/vscode/node_modules is missing; to run it: {how}");
    false
}
