//! The `planc` command line: argument parsing (clap), one module per
//! subcommand, exit codes (0 ok, 1 plan errors, 2 usage or I/O problems,
//! 130 interrupted). Only [`main`] is public: programs use the library's
//! facade (`planc::load`, `check`, `compile`, `render`) instead.

/// `eprintln!` that never panics: a closed standard error
/// (`planc check bad.plan 2>&1 | head -1`) must not stop planc, so a
/// failed write is ignored.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::say_line(format_args!($($arg)*))
    };
}

mod baseline;
mod build;
mod check;
mod completions;
mod diff;
mod editor_links;
mod fmt;
mod import;
mod init;
mod input;
mod interrupt;
mod lsp;
mod output;
mod report;
mod serve;
mod simulate;
mod usage;
mod watch;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// planc compiles plain-text project plans into schedules and reports.
#[derive(Parser, Debug)]
#[command(name = "planc", version, about, long_about = None, after_help = examples::PLANC)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Check a plan and print every problem found.
    ///
    /// The last line says how it went (`ok: 47 tasks, finish 2027-09-14`).
    /// Exits 0 when the plan has no errors (warnings are fine), 1 when it
    /// has errors, 2 when the file cannot be read or the arguments are wrong.
    #[command(after_help = examples::CHECK)]
    Check(CheckArgs),
    /// Schedule a plan and write a report, a data file or a calendar.
    ///
    /// The formats: JSON, HTML, Mermaid, Markdown, CSV, iCalendar and MS
    /// Project XML.
    ///
    /// Without `-o` the output goes to standard output; warnings go to
    /// standard error. The format follows `--format`, else the extension of
    /// `-o` (.json, .html, .mmd, .md, .csv, .ics, .xml), else JSON.
    #[command(after_help = examples::BUILD)]
    Build(BuildArgs),
    /// Build, then rebuild on every save of the plan or a file it includes.
    ///
    /// A broken save prints its diagnostics and keeps the last good output;
    /// a missing file is waited for. Each rebuild prints one line on standard
    /// error. With `--serve` the HTML report is served on this machine only
    /// (127.0.0.1) and open tabs reload after every rebuild. Ctrl-C stops
    /// watching (exit status 0).
    #[command(after_help = examples::WATCH)]
    Watch(WatchArgs),
    /// Write a commented starter plan that builds as is.
    ///
    /// NAME is the file to write (`.plan` is added when it has no extension)
    /// or a folder to write `plan.plan` into; an existing file is never
    /// overwritten.
    #[command(after_help = examples::INIT)]
    Init(InitArgs),
    /// Print a shell completion script.
    #[command(after_help = examples::COMPLETIONS)]
    Completions(CompletionsArgs),
    /// Rewrite plans in the one canonical layout (docs/fmt.md).
    ///
    /// Comments and blank lines are kept; nothing changes meaning. A plan
    /// with syntax errors is left as it is and its errors are printed
    /// (exit 1). `--check` changes nothing, prints a diff and exits 1 if any
    /// file would change.
    #[command(after_help = fmt::EXAMPLES)]
    Fmt(fmt::FmtArgs),
    /// Show what a change to a plan does to its schedule (docs/diff.md).
    ///
    /// One PLAN: HEAD against the working tree, or `--from REV [--to REV]`.
    /// Two files OLD NEW: each a `.plan` or a JSON schedule from `planc
    /// build`. Reports the end and milestones (slip in working days,
    /// deadlines), cost, the critical path, tasks added, removed, renamed
    /// and moved, and why each moved.
    #[command(after_help = diff::EXAMPLES)]
    Diff(diff::DiffArgs),
    /// Turn a TaskJuggler (.tjp) or MS Project XML (.xml) file into a plan.
    ///
    /// The plan is laid out as `planc fmt` would, with a `# import:` comment
    /// wherever something could not be carried over (docs/interchange.md).
    #[command(after_help = import::EXAMPLES)]
    Import(import::ImportArgs),
    /// Run the language server on standard input and output (for editors).
    ///
    /// Diagnostics as you type, hover with computed dates, inlay hints,
    /// go to definition, references, rename, completion, quick fixes,
    /// formatting, folding and semantic tokens. Started by an editor, not
    /// by hand (docs/editors.md).
    #[command(after_help = lsp::EXAMPLES)]
    Lsp(lsp::LspArgs),
    /// Monte Carlo schedule risk: P50/P80 dates from ranges and risks.
    ///
    /// Every iteration draws each `range` estimate and each open risk, and
    /// schedules the plan as `build` does. Prints a summary; `-o` writes
    /// JSON, Markdown or a self-contained HTML page. The same plan and seed
    /// give the same report on any number of threads (docs/simulation.md).
    #[command(after_help = simulate::EXAMPLES)]
    Simulate(simulate::SimulateArgs),
}

/// Options shared by every command that schedules a plan.
#[derive(clap::Args, Debug)]
pub(crate) struct CommonArgs {
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
    /// Ignore actuals and the status date: the schedule as first planned.
    #[arg(long)]
    pub as_planned: bool,
}

impl CommonArgs {
    pub fn schedule_options(&self) -> crate::schedule::Options {
        crate::schedule::Options {
            level: !self.no_level,
            effort: match self.level {
                LevelArg::Normal => crate::schedule::LevelEffort::Normal,
                LevelArg::Thorough => crate::schedule::LevelEffort::Thorough,
            },
            as_planned: self.as_planned,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LevelArg {
    /// A priority-rule pass with a bounded improvement (fast).
    Normal,
    /// A longer search for a shorter schedule.
    Thorough,
}

#[derive(clap::Args, Debug)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Where to write the output (written atomically); standard output when absent or `-`.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// The output format; by default it follows the extension of `-o`.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Collapse groups below this depth in the chart (HTML, Mermaid, Markdown).
    #[arg(long, value_name = "N")]
    pub depth: Option<u32>,
    /// Show times of day beside dates in the HTML and Markdown tables and
    /// the Mermaid bars (by default dates alone; tooltips and JSON are exact).
    #[arg(long)]
    pub times: bool,
    /// Compare with this baseline: a git revision of the plan (`v1.0`,
    /// `HEAD~3`) or a schedule written by `planc build --format json`
    /// (`FILE.json`). By default the plan's own as-planned schedule.
    #[arg(long, value_name = "REV|FILE.json")]
    pub baseline: Option<String>,
    /// Which tasks the iCalendar output shows besides the milestones:
    /// tasks without children (`leaves`, the default), groups too (`all`),
    /// or milestones alone (`none`).
    #[arg(long, value_enum, value_name = "WHICH")]
    pub ics_tasks: Option<IcsTasksArg>,
    /// Write one iCalendar file per resource into DIR (`DIR/ID.ics`: the
    /// tasks it is booked on), each atomically; the whole plan's calendar
    /// is then written only to `-o`.
    #[arg(long, value_name = "DIR")]
    pub per_resource: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum IcsTasksArg {
    /// Tasks without children.
    Leaves,
    /// Every task and group.
    All,
    /// No tasks: milestones alone.
    None,
}

impl From<IcsTasksArg> for crate::render::ics::Tasks {
    fn from(t: IcsTasksArg) -> crate::render::ics::Tasks {
        match t {
            IcsTasksArg::Leaves => crate::render::ics::Tasks::Leaves,
            IcsTasksArg::All => crate::render::ics::Tasks::All,
            IcsTasksArg::None => crate::render::ics::Tasks::None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// The schedule as JSON (docs/plan.schema.json).
    Json,
    /// A self-contained HTML report.
    Html,
    /// A Mermaid Gantt chart (also `mmd`, its file extension).
    #[value(alias = "mmd")]
    Mermaid,
    /// A Markdown page with a Mermaid chart and a task table.
    Markdown,
    /// A CSV task table, one row per task.
    Csv,
    /// An iCalendar file of milestones and tasks (stable UIDs).
    Ics,
    /// MS Project XML (MSPDI), for MS Project and ProjectLibre.
    Mspdi,
}

impl From<FormatArg> for crate::render::Format {
    fn from(f: FormatArg) -> crate::render::Format {
        match f {
            FormatArg::Json => crate::render::Format::Json,
            FormatArg::Html => crate::render::Format::Html,
            FormatArg::Mermaid => crate::render::Format::Mermaid,
            FormatArg::Markdown => crate::render::Format::Markdown,
            FormatArg::Csv => crate::render::Format::Csv,
            FormatArg::Ics => crate::render::Format::Ics,
            FormatArg::Mspdi => crate::render::Format::Mspdi,
        }
    }
}

#[derive(clap::Args, Debug)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum MessageFormat {
    /// Readable text (graphical on a terminal, plain otherwise).
    Human,
    /// One JSON object per line on standard output.
    Json,
}

#[derive(clap::Args, Debug)]
pub(crate) struct WatchArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Where to write the output after every good build (atomically).
    /// Required unless `--serve` is given.
    #[arg(short, long, required_unless_present = "serve")]
    pub output: Option<PathBuf>,
    /// The output format; by default it follows the extension of `-o`.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Collapse groups below this depth in the chart (HTML, Mermaid, Markdown).
    #[arg(long, value_name = "N")]
    pub depth: Option<u32>,
    /// Show times of day beside dates in the HTML and Markdown tables and
    /// the Mermaid bars (by default dates alone; tooltips and JSON are exact).
    #[arg(long)]
    pub times: bool,
    /// Serve the HTML report with live reload. Without ADDR: 127.0.0.1 on a
    /// free port, reachable from this machine only; ADDR is a port (`8080`)
    /// or an address (`127.0.0.1:8080`). Put it after the plan.
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1:0", value_parser = serve::parse_addr)]
    pub serve: Option<std::net::SocketAddr>,
    /// With `--serve`: each task's name in the report opens the task in an
    /// editor. `vscode`, or a URL template with `{path}`, `{line}` and
    /// `{column}` (docs/editors.md).
    #[arg(long, value_name = "EDITOR", requires = "serve", value_parser = editor_links::parse)]
    pub editor: Option<editor_links::EditorLinks>,
    /// Wait this long after a change before rebuilding, in milliseconds, so
    /// that a burst of saves makes one rebuild.
    #[arg(long, value_name = "MS", default_value_t = 100, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub debounce: u64,
}

#[derive(clap::Args, Debug)]
pub(crate) struct InitArgs {
    /// The file to write (default `plan.plan`).
    pub name: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The examples at the end of each `--help`.
mod examples {
    pub const PLANC: &str = "\
Examples:
  planc init roadmap                    write a starter plan, roadmap.plan
  planc check roadmap.plan              report every problem
  planc build roadmap.plan -o out.html  write a report
  planc watch roadmap.plan --serve      live preview in the browser

Exit status: 0 ok, 1 the plan has errors, 2 wrong arguments or a file problem.";
    pub const CHECK: &str = "\
Examples:
  planc check plan.plan
  planc check --message-format json plan.plan
  cat plan.plan | planc check -";
    pub const BUILD: &str = "\
Examples:
  planc build plan.plan -o plan.html
  planc build plan.plan --format json | jq .project
  planc build plan.plan --no-level -o unlevelled.json
  planc build plan.plan -o plan.ics --ics-tasks all
  planc build plan.plan --per-resource calendars/
  planc build plan.plan -o tasks.csv";
    pub const WATCH: &str = "\
Examples:
  planc watch plan.plan -o plan.html
  planc watch plan.plan --serve
  planc watch plan.plan --serve 8080 -o plan.json
  planc watch plan.plan --format markdown -o plan.md --debounce 300";
    pub const INIT: &str = "\
Examples:
  planc init
  planc init roadmap
  planc init plans/           (writes plans/plan.plan)";
    pub const COMPLETIONS: &str = "\
Examples:
  planc completions bash > ~/.local/share/bash-completion/completions/planc
  planc completions zsh > ~/.zfunc/_planc
  planc completions fish > ~/.config/fish/completions/planc.fish";
}

/// Exit statuses.
pub(crate) mod exit {
    pub const OK: u8 = 0;
    pub const PLAN_ERRORS: u8 = 1;
    pub const USAGE: u8 = 2;
    /// After Ctrl-C or SIGTERM: 128 + SIGINT, as shells do.
    pub const INTERRUPTED: u8 = 130;
}

/// Runs planc with the process's arguments.
pub fn main() -> ExitCode {
    install_panic_hook();
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let e = usage::improve(e, &args);
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
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

/// Writes one line to standard error, ignoring a failure (see `say!`).
pub(crate) fn say_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn run(cli: Cli) -> u8 {
    interrupt::install(match cli.command {
        Command::Watch(_) => interrupt::Stop::Politely,
        _ => interrupt::Stop::AtOnce,
    });
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Watch(args) => watch::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Simulate(args) => simulate::run(&args),
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
        // `say!` ignores a closed standard error: a panic here would abort.
        say!("planc: internal error{place}: this is a bug in planc, please report it with the plan that caused it");
    }));
}
