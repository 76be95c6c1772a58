//! `planc import`: a TaskJuggler or MS Project XML file to a formatted
//! `.plan` (docs/interchange.md). Reading within the size limit and
//! writing are here; `crate::interchange` does the translating.

use super::check::human_style;
use super::exit;
use super::input::{open_regular, read_at_most, too_large};
use super::output::write_atomic;
use super::report;
use crate::diagnostic::{codes, Diagnostic};
use crate::interchange::{self, Foreign};
use crate::source::SourceMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub(crate) struct ImportArgs {
    /// The file to import: a TaskJuggler project (`.tjp`) or MS Project XML
    /// (`.xml`).
    pub file: PathBuf,
    /// Where to write the plan (atomically); standard output when absent or `-`.
    #[arg(short, long, value_name = "PLAN")]
    pub output: Option<PathBuf>,
}

pub const EXAMPLES: &str = "Examples:
  planc import tutorial.tjp -o tutorial.plan
  planc import schedule.xml -o schedule.plan
  planc import schedule.xml | planc check -";

pub fn run(args: &ImportArgs) -> u8 {
    let Some(foreign) = Foreign::from_path(&args.file) else {
        say!(
            "planc: cannot tell what `{}` is: planc imports TaskJuggler (.tjp) and MS Project XML (.xml) files",
            args.file.display()
        );
        return exit::USAGE;
    };
    let text = match read_foreign(&args.file) {
        Ok(text) => text,
        Err(problem) => {
            print(&[*problem], &SourceMap::new());
            return exit::USAGE;
        }
    };
    let imported = interchange::import(foreign, &args.file, text);
    print(&imported.diagnostics, &imported.sources);
    let Some(plan) = imported.plan else {
        return exit::PLAN_ERRORS;
    };
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    match output {
        Some(path) if path == args.file => {
            say!(
                "planc: `{}` is the file being imported; choose another output",
                path.display()
            );
            exit::USAGE
        }
        Some(path) => match write_atomic(path, plan.as_bytes()) {
            Ok(()) => exit::OK,
            Err(e) => {
                say!("planc: cannot write `{}`: {e}", path.display());
                exit::USAGE
            }
        },
        None => {
            let _ = std::io::stdout().write_all(plan.as_bytes());
            exit::OK
        }
    }
}

/// The foreign file's text, read no further than the size limit plans have.
fn read_foreign(path: &Path) -> Result<String, Box<Diagnostic>> {
    let name = path.display().to_string();
    let max = crate::LoadOptions::default().max_file_bytes;
    let unreadable = |e: std::io::Error| {
        Box::new(Diagnostic::error(
            codes::UNREADABLE,
            format!("cannot read `{name}`: {e}"),
        ))
    };
    let file = open_regular(path).map_err(unreadable)?;
    let bytes = read_at_most(file, max)
        .map_err(unreadable)?
        .ok_or_else(|| Box::new(too_large(&name, max)))?;
    String::from_utf8(bytes).map_err(|e| {
        Box::new(Diagnostic::error(
            codes::UNREADABLE,
            format!(
                "`{name}` is not valid UTF-8 (first bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })
}

fn print(diagnostics: &[Diagnostic], sources: &SourceMap) {
    let style = human_style();
    for d in diagnostics {
        say!("{}", report::render(d, sources, style));
    }
}
