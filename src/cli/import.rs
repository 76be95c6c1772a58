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
use crate::source::{SourceFile, SourceMap, Span};
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
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    // Refused before the (possibly long) import, not after it.
    if let Some(path) = output {
        if is_same_file(path, &args.file) {
            say!(
                "planc: `{}` is the file being imported; choose another output",
                path.display()
            );
            return exit::USAGE;
        }
    }
    let text = match read_foreign(&args.file) {
        Ok(text) => text,
        Err(Unread::Io(problem)) => {
            print(&[*problem], &SourceMap::new());
            return exit::USAGE;
        }
        Err(Unread::NotUtf8(problem, sources)) => {
            print(&[*problem], &sources);
            return exit::PLAN_ERRORS;
        }
    };
    let imported = interchange::import(foreign, &args.file, text);
    print(&imported.diagnostics, &imported.sources);
    let Some(plan) = imported.plan else {
        return exit::PLAN_ERRORS;
    };
    match output {
        Some(path) => match write_atomic(path, plan.as_bytes()) {
            Ok(()) => exit::OK,
            Err(e) => {
                say!("planc: cannot write `{}`: {e}", path.display());
                exit::USAGE
            }
        },
        None => {
            // A closed pipe (`planc import x.tjp | head`) is not an error.
            let _ = std::io::stdout().write_all(plan.as_bytes());
            exit::OK
        }
    }
}

/// Whether `output` names the file at `input`, however either is written
/// (`./x.xml`, a link to it): writing there would replace what is read.
fn is_same_file(output: &Path, input: &Path) -> bool {
    if output == input {
        return true;
    }
    match (std::fs::canonicalize(output), std::fs::canonicalize(input)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Why a foreign file gave no text.
enum Unread {
    /// It could not be read (missing, not a regular file, too large): a
    /// problem with the command, exit 2.
    Io(Box<Diagnostic>),
    /// It is not UTF-8: a problem in the file, located in it (a lossy copy
    /// of it in the map) like any other, exit 1.
    NotUtf8(Box<Diagnostic>, SourceMap),
}

/// The foreign file's text, read no further than the size limit plans
/// have. The size is asked of the file system first, so a file of
/// gigabytes is refused without a byte read; the reading stops at the
/// limit all the same, for a file that grows meanwhile. A FIFO or a
/// device is refused unopened: it could block or never end.
fn read_foreign(path: &Path) -> Result<String, Unread> {
    let name = path.display().to_string();
    let max = crate::LoadOptions::default().max_file_bytes;
    let unreadable = |e: std::io::Error| {
        Unread::Io(Box::new(Diagnostic::error(
            codes::UNREADABLE,
            format!("cannot read `{name}`: {e}"),
        )))
    };
    let file = open_regular(path).map_err(unreadable)?;
    let too_big = || Unread::Io(Box::new(too_large(&name, max)));
    let size = file.metadata().map_err(unreadable)?.len();
    if size > u64::try_from(max).unwrap_or(u64::MAX) {
        return Err(too_big());
    }
    let bytes = read_at_most(file, max)
        .map_err(unreadable)?
        .ok_or_else(too_big)?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        not_utf8(&name, path, e.as_bytes(), offset)
    })
}

/// The error for a file that is not UTF-8, at its first bad byte, as
/// `planc check` words it for a plan.
fn not_utf8(name: &str, path: &Path, bytes: &[u8], offset: usize) -> Unread {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let mut sources = SourceMap::new();
    let text = String::from_utf8_lossy(bytes).into_owned();
    let file = sources.add(SourceFile::new(name, Some(path.to_path_buf()), text));
    let (line, column) = sources.get(file).map_or((1, 1), |f| f.line_col(offset));
    let help = if utf16 {
        "the file is UTF-16 (it starts with a UTF-16 byte order mark); save or export it as UTF-8"
    } else {
        "save the file as UTF-8"
    };
    let d = Diagnostic::error(
        codes::UNREADABLE,
        format!("`{name}` is not valid UTF-8 (first bad byte at line {line}, column {column}, byte offset {offset})"),
    )
    .at(Span::new(file, offset, offset + 1), "not UTF-8")
    .with_help(help);
    Unread::NotUtf8(Box::new(d), sources)
}

fn print(diagnostics: &[Diagnostic], sources: &SourceMap) {
    let style = human_style();
    for d in diagnostics {
        say!("{}", report::render(d, sources, style));
    }
}
