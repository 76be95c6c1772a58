//! `planc fmt`: rewrites plans in the canonical layout (`crate::fmt`), or
//! with `--check` prints what it would change and fails if anything would.
//! Files with errors are never touched; their diagnostics are printed.

use super::check::print_diagnostics;
use super::input::{open_regular, read_at_most, too_large};
use super::output::write_atomic;
use super::{exit, MessageFormat};
use crate::fmt::FormatError;
use crate::source::{SourceFile, SourceMap};
use crate::{Diagnostic, Diagnostics, Loaded};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The examples at the end of `planc fmt --help`.
pub const EXAMPLES: &str = "\
Examples:
  planc fmt plan.plan                rewrite one plan in place
  planc fmt                          every .plan file under this folder
  planc fmt --check                  in CI: show the diff, exit 1 if any
  cat plan.plan | planc fmt -        standard input to standard output";

#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Plans or folders (searched for `.plan` files); `-` formats standard
    /// input to standard output. Default: the current folder.
    pub files: Vec<PathBuf>,
    /// Change nothing: print a unified diff of what would change and exit
    /// 1 if anything would.
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: &FmtArgs) -> u8 {
    let targets = if args.files.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.files.clone()
    };
    let mut status = exit::OK;
    for target in &targets {
        let code = if target.as_os_str() == "-" {
            format_stdin(args.check)
        } else if target.is_dir() {
            format_dir(target, args.check)
        } else {
            format_path(target, args.check)
        };
        status = worse(status, code);
    }
    status
}

/// Usage and I/O problems outrank plan problems, which outrank success.
fn worse(a: u8, b: u8) -> u8 {
    let rank = |c: u8| match c {
        exit::OK => 0,
        exit::PLAN_ERRORS => 1,
        _ => 2,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// Every `.plan` file under `dir` (hidden folders skipped), in name order.
fn format_dir(dir: &Path, check: bool) -> u8 {
    let mut files = Vec::new();
    if let Err(e) = collect_plans(dir, &mut files) {
        say!("planc: cannot read the folder `{}`: {e}", dir.display());
        return exit::USAGE;
    }
    files.sort();
    files.iter().fold(exit::OK, |status, file| {
        worse(status, format_path(file, check))
    })
}

/// The `.plan` files under `dir`. Symbolic links are not followed, to
/// folders or to files: a link could lead outside the folder (whose plans
/// are not the user's to rewrite), around in a loop, or to a device or a
/// secret. Only regular files are taken.
fn collect_plans(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        // The entry's own type: a symbolic link is neither a folder nor a
        // file here.
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect_plans(&path, out)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "plan") {
            out.push(path);
        }
    }
    Ok(())
}

/// Formats one plan in place, or with `check` prints its diff. A plan
/// named through a symbolic link is rewritten where the link points, and
/// the link stays a link.
fn format_path(path: &Path, check: bool) -> u8 {
    let max = crate::LoadOptions::default().max_file_bytes;
    let read = open_regular(path).and_then(|file| read_at_most(file, max));
    let name = path.display().to_string();
    let bytes = match read {
        Ok(Some(b)) => b,
        Ok(None) => {
            report(&name, "", only(too_large(&name, max)));
            return exit::PLAN_ERRORS;
        }
        Err(e) => {
            say!("planc: cannot read `{name}`: {e}");
            return exit::USAGE;
        }
    };
    let Some((text, formatted)) = format_bytes(&name, bytes) else {
        return exit::PLAN_ERRORS;
    };
    if text == formatted {
        return exit::OK;
    }
    if check {
        print_diff(&text, &formatted, &name);
        return exit::PLAN_ERRORS;
    }
    match std::fs::canonicalize(path).and_then(|target| rewrite(&target, &formatted)) {
        Ok(()) => exit::OK,
        Err(e) => {
            say!("planc: cannot write `{name}`: {e}");
            exit::USAGE
        }
    }
}

/// Standard input to standard output; with `--check`, the diff instead.
fn format_stdin(check: bool) -> u8 {
    let max = crate::LoadOptions::default().max_file_bytes;
    let bytes = match read_at_most(std::io::stdin().lock(), max) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            report("<stdin>", "", only(too_large("<stdin>", max)));
            return exit::PLAN_ERRORS;
        }
        Err(e) => {
            say!("planc: cannot read standard input: {e}");
            return exit::USAGE;
        }
    };
    let Some((text, formatted)) = format_bytes("<stdin>", bytes) else {
        return exit::PLAN_ERRORS;
    };
    if check {
        if text == formatted {
            return exit::OK;
        }
        print_diff(&text, &formatted, "<stdin>");
        return exit::PLAN_ERRORS;
    }
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`planc fmt - | head`) is not an error of planc's.
    let _ = stdout
        .write_all(formatted.as_bytes())
        .and_then(|()| stdout.flush());
    exit::OK
}

/// The text and its formatted form; `None` after printing why the text
/// cannot be formatted.
fn format_bytes(name: &str, bytes: Vec<u8>) -> Option<(String, String)> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::error(
                crate::diagnostic::codes::UNREADABLE,
                format!(
                    "`{name}` is not valid UTF-8 (first bad byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
            .with_help("save the file as UTF-8");
            let mut diagnostics = Diagnostics::new();
            diagnostics.push(d);
            report(name, "", diagnostics);
            return None;
        }
    };
    let mut sources = SourceMap::new();
    let file = sources.add(SourceFile::new(name, None, text.clone()));
    match crate::fmt::format_file(&text, file) {
        Ok(formatted) => Some((text, formatted)),
        Err(FormatError::Invalid(diags)) => {
            report(name, &text, diags);
            None
        }
        Err(FormatError::Internal(message)) => {
            say!("planc: internal error formatting `{name}`: {message}");
            None
        }
    }
}

fn only(d: Diagnostic) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    diagnostics.push(d);
    diagnostics
}

/// Prints a file's diagnostics the way `planc check` does.
fn report(name: &str, text: &str, mut diagnostics: Diagnostics) {
    diagnostics.sort();
    let mut sources = SourceMap::new();
    sources.add(SourceFile::new(name, None, text.to_string()));
    let loaded = Loaded {
        sources,
        files: Vec::new(),
        diagnostics,
        options: crate::LoadOptions::default(),
    };
    print_diagnostics(loaded.diagnostics.iter(), &loaded, MessageFormat::Human);
    say!(
        "{}",
        super::report::summary(
            loaded.diagnostics.error_count(),
            loaded.diagnostics.warning_count()
        )
    );
    say!("planc: `{name}` was not formatted");
}

fn print_diff(old: &str, new: &str, name: &str) {
    let diff = crate::fmt::diff::unified(old, new, &format!("a/{name}"), &format!("b/{name}"));
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(diff.as_bytes())
        .and_then(|()| stdout.flush());
}

/// Replaces the file atomically, keeping its permissions.
fn rewrite(path: &Path, text: &str) -> std::io::Result<()> {
    let permissions = std::fs::metadata(path)?.permissions();
    write_atomic(path, text.as_bytes())?;
    std::fs::set_permissions(path, permissions)
}
