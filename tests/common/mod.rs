//! What the command-line tests share: running the real `planc` binary.

use std::path::Path;
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
