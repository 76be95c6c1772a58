//! `planc simulate`: Monte Carlo schedule risk (docs/simulation.md). Loads
//! and schedules the plan as `build` does, then hands the model and its
//! schedule to `crate::simulate` and writes the report.

use super::build::{load_for_output, write_output, Settings};
use super::check::print_diagnostics;
use super::{exit, CommonArgs, MessageFormat};
use crate::simulate::{self, Distribution, Report};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const EXAMPLES: &str = "\
Examples:
  planc simulate plan.plan
  planc simulate plan.plan -o risk.html
  planc simulate plan.plan --iterations 2000 --seed 7 -o risk.json
  planc simulate plan.plan --distribution triangular -o risk.md";

#[derive(clap::Args, Debug)]
pub(crate) struct SimulateArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// How many variants of the plan to schedule.
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub iterations: u64,
    /// Seed of the draws: the same plan and seed give the same report.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// How a `range` is drawn.
    #[arg(long, value_enum, default_value_t = DistributionArg::Pert)]
    pub distribution: DistributionArg,
    /// Where to write the report (atomically): `.json`, `.md` or `.html`;
    /// a text summary on standard output when absent.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Threads to run iterations on (default: one per core). The report is
    /// the same for any number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DistributionArg {
    /// Beta (PERT, lambda 4) around the written estimate.
    Pert,
    /// Triangular between the bounds, peaking at the estimate.
    Triangular,
    /// Uniform between the bounds.
    Uniform,
}

impl From<DistributionArg> for Distribution {
    fn from(d: DistributionArg) -> Distribution {
        match d {
            DistributionArg::Pert => Distribution::Pert,
            DistributionArg::Triangular => Distribution::Triangular,
            DistributionArg::Uniform => Distribution::Uniform,
        }
    }
}

/// The output formats, chosen by the extension of `-o`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Output {
    Text,
    Json,
    Markdown,
    Html,
}

fn output_format(path: Option<&Path>) -> Result<Output, String> {
    let Some(path) = path else {
        return Ok(Output::Text);
    };
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "json" => Ok(Output::Json),
        "md" | "markdown" => Ok(Output::Markdown),
        "html" | "htm" => Ok(Output::Html),
        "txt" => Ok(Output::Text),
        _ => Err(format!(
            "cannot tell the format from `{}`; name the file `.json`, `.md`, `.html` or `.txt`",
            path.display()
        )),
    }
}

pub fn run(args: &SimulateArgs) -> u8 {
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    let format = match output_format(output) {
        Ok(f) => f,
        Err(message) => {
            say!("planc: {message}");
            return exit::USAGE;
        }
    };
    let settings = Settings::new(&args.common, None);
    let mut loaded = match load_for_output(&args.common.file, &settings, output) {
        Ok(l) => l,
        Err(message) => {
            say!("planc: {message}");
            return exit::USAGE;
        }
    };
    let compiled = crate::compile_freeing_trees(&mut loaded, &settings.schedule);
    print_diagnostics(compiled.diagnostics.iter(), &loaded, MessageFormat::Human);
    let (Some(model), Some(plan)) = (&compiled.model, &compiled.schedule) else {
        let d = &compiled.diagnostics;
        say!(
            "{}",
            super::report::summary(d.error_count(), d.warning_count())
        );
        return exit::PLAN_ERRORS;
    };
    let report = match simulate_on_threads(model, plan, args, &settings) {
        Ok(r) => r,
        Err(message) => {
            say!("planc: {message}");
            return exit::PLAN_ERRORS;
        }
    };
    if report.nothing_varies() {
        say!("planc: nothing varies in this plan (no `range` and no open risk with a `chance`): the dates are the plan's");
    }
    let text = match format {
        Output::Text => simulate::write::text::render(&report),
        Output::Json => simulate::write::json::render(&report),
        Output::Markdown => simulate::write::markdown::render(&report),
        Output::Html => simulate::write::html::render(&report),
    };
    match output {
        Some(path) => {
            if let Err(message) = write_output(path, &text) {
                say!("planc: {message}");
                return exit::USAGE;
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`planc simulate | head`) is not an error.
            let _ = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush());
        }
    }
    exit::OK
}

/// Runs the simulation on `--threads` threads, else rayon's default pool.
fn simulate_on_threads(
    model: &crate::Model,
    plan: &crate::Schedule,
    args: &SimulateArgs,
    settings: &Settings,
) -> Result<Report, String> {
    let options = simulate::Settings {
        iterations: args.iterations,
        seed: args.seed,
        distribution: args.distribution.into(),
        level: settings.schedule.level,
        as_planned: settings.schedule.as_planned,
    };
    let go = || {
        simulate::simulate(model, plan, &options).map_err(|f| {
            format!(
                "iteration {} of the simulation cannot be scheduled: {}",
                f.iteration, f.message
            )
        })
    };
    match args.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n))
            .build()
            .map_err(|e| format!("cannot start {n} threads: {e}"))?
            .install(go),
        None => go(),
    }
}
