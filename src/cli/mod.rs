//! The `planc` command line: argument parsing (clap), one module per
//! subcommand, exit codes (0 ok, 1 plan errors, 2 usage or I/O problems).

mod build;
mod check;
mod output;
pub mod report;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// planc compiles plain-text project plans into schedules and reports.
#[derive(Parser, Debug)]
#[command(name = "planc", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a plan and print every problem found.
    ///
    /// Exits 0 when the plan has no errors (warnings are fine), 1 when it
    /// has errors, 2 when the file cannot be read or the arguments are wrong.
    ///
    /// Examples:
    ///   planc check plan.plan
    ///   planc check --message-format json plan.plan
    ///   cat plan.plan | planc check -
    Check(CheckArgs),
    /// Schedule a plan and write it as JSON, HTML, Mermaid or Markdown.
    ///
    /// Without `-o` the output goes to standard output; warnings go to
    /// standard error. The format follows `--format`, else the extension of
    /// `-o` (.json, .html, .mmd, .md), else JSON.
    ///
    /// Examples:
    ///   planc build plan.plan -o plan.json
    ///   planc build plan.plan --format json | jq .project
    ///   planc build plan.plan --no-level -o unlevelled.json
    Build(BuildArgs),
}

/// Options shared by every command that schedules a plan.
#[derive(clap::Args, Debug)]
pub struct CommonArgs {
    /// The plan; `-` reads standard input.
    pub file: PathBuf,
    /// Let `include` reach files outside the root plan's folder.
    #[arg(long)]
    pub allow_outside_includes: bool,
    /// Schedule without resource limits and warn about over-allocations.
    #[arg(long, conflicts_with = "level")]
    pub no_level: bool,
    /// How hard levelling searches for a shorter schedule.
    #[arg(long, value_enum, default_value_t = LevelArg::Normal)]
    pub level: LevelArg,
}

impl CommonArgs {
    pub fn schedule_options(&self) -> crate::schedule::Options {
        crate::schedule::Options {
            level: !self.no_level,
            effort: match self.level {
                LevelArg::Normal => crate::schedule::LevelEffort::Normal,
                LevelArg::Thorough => crate::schedule::LevelEffort::Thorough,
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    /// A priority-rule pass with a bounded improvement (fast).
    Normal,
    /// A longer search for a shorter schedule.
    Thorough,
}

#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Where to write the output (written atomically); standard output when absent.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// The output format; by default it follows the extension of `-o`.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Collapse groups below this depth in the chart (HTML, Mermaid, Markdown).
    #[arg(long, value_name = "N")]
    pub depth: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// The schedule as JSON (docs/plan.schema.json).
    Json,
    /// A self-contained HTML report.
    Html,
    /// A Mermaid Gantt chart.
    Mermaid,
    /// A Markdown page with a Mermaid chart and a task table.
    Markdown,
}

impl From<FormatArg> for crate::render::Format {
    fn from(f: FormatArg) -> crate::render::Format {
        match f {
            FormatArg::Json => crate::render::Format::Json,
            FormatArg::Html => crate::render::Format::Html,
            FormatArg::Mermaid => crate::render::Format::Mermaid,
            FormatArg::Markdown => crate::render::Format::Markdown,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// Readable text (graphical on a terminal, plain otherwise).
    Human,
    /// One JSON object per line on standard output.
    Json,
}

/// Exit statuses.
pub mod exit {
    pub const OK: u8 = 0;
    pub const PLAN_ERRORS: u8 = 1;
    pub const USAGE: u8 = 2;
}

/// Runs planc with the process's arguments.
pub fn main() -> ExitCode {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { exit::OK });
        }
    };
    // Deep plans recurse; give the work a generous stack of its own.
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || run(cli));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => ExitCode::from(101),
    }
}

fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
    }
}

/// A panic is a bug in planc, never the user's fault: say so in one line,
/// without a backtrace, whatever RUST_BACKTRACE says.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("planc: internal error{place}: this is a bug in planc, please report it with the plan that caused it");
    }));
}
