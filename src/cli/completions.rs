//! `planc completions SHELL`: print a completion script for a shell.

use super::{exit, Cli, CompletionsArgs};
use clap::CommandFactory;
use std::io::Write;

pub fn run(args: &CompletionsArgs) -> u8 {
    let mut command = Cli::command();
    // Generated into memory first: clap_complete panics on a failed write,
    // and a closed pipe (`planc completions bash | head`) is not a bug.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "planc", &mut script);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(&script).and_then(|()| stdout.flush());
    exit::OK
}
