//! `planc check`: load, check and schedule, print diagnostics, write
//! nothing; the one gate a CI job needs.

use super::input::{read_at_most, too_large};
use super::report::{self, Style};
use super::{exit, CheckArgs, MessageFormat};
use crate::{LoadOptions, Loaded};
use std::io::{IsTerminal, Write};
use std::path::Path;

pub fn run(args: &CheckArgs) -> u8 {
    let options = LoadOptions {
        allow_outside_includes: args.common.allow_outside_includes,
        ..LoadOptions::default()
    };
    let mut loaded = match load_input(&args.common.file, &options) {
        Ok(l) => l,
        Err(message) => {
            say!("planc: {message}");
            return exit::USAGE;
        }
    };
    let compiled = crate::compile_freeing_trees(&mut loaded, &args.common.schedule_options());
    let diags = &compiled.diagnostics;
    print_diagnostics(diags.iter(), &loaded, args.message_format);
    if args.message_format == MessageFormat::Human {
        say!("{}", outcome(&compiled));
    }
    if diags.has_errors() {
        exit::PLAN_ERRORS
    } else {
        exit::OK
    }
}

/// The last line of a human `planc check`: the counts of problems, or for
/// a plan without errors `ok: 47 tasks, finish 2027-09-14`, so that
/// success is visible too.
fn outcome(compiled: &crate::Compiled) -> String {
    let diags = &compiled.diagnostics;
    let summary = report::summary(diags.error_count(), diags.warning_count());
    let (Some(model), Some(schedule), false) =
        (&compiled.model, &compiled.schedule, diags.has_errors())
    else {
        return summary;
    };
    let tasks = model
        .tasks
        .iter()
        .filter(|t| t.kind != crate::check::TaskKind::Group)
        .count();
    let finish = crate::render::view::end_date(schedule.start, schedule.end);
    let plural = if tasks == 1 { "" } else { "s" };
    let ok = format!("ok: {tasks} task{plural}, finish {finish}");
    if diags.is_empty() {
        ok
    } else {
        format!("{ok}; {summary}")
    }
}

/// Reads the plan from a path or, for `-`, standard input.
pub fn load_input(file: &Path, options: &LoadOptions) -> Result<Loaded, String> {
    if file.as_os_str() == "-" {
        return load_stdin(options);
    }
    crate::load(file, options).map_err(|e| e.to_string())
}

/// Standard input, read no further than the size limit.
fn load_stdin(options: &LoadOptions) -> Result<Loaded, String> {
    let max = options.max_file_bytes;
    let bytes = read_at_most(std::io::stdin().lock(), max)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let problem = match bytes.map(String::from_utf8) {
        Some(Ok(text)) => return Ok(crate::syntax::load_str(STDIN, &text, None, options)),
        Some(Err(e)) => crate::Diagnostic::error(
            crate::diagnostic::codes::UNREADABLE,
            format!(
                "standard input is not valid UTF-8 (first bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
        .with_help("save the file as UTF-8"),
        None => too_large(STDIN, max),
    };
    let mut loaded = crate::syntax::load_str(STDIN, "", None, options);
    loaded.diagnostics = crate::Diagnostics::new();
    loaded.diagnostics.push(problem);
    Ok(loaded)
}

/// The name standard input goes by in diagnostics.
const STDIN: &str = "<stdin>";

/// Prints diagnostics in the chosen format: JSON lines on standard output,
/// human text on standard error.
pub fn print_diagnostics<'a>(
    diags: impl Iterator<Item = &'a crate::Diagnostic>,
    loaded: &Loaded,
    format: MessageFormat,
) {
    let style = match format {
        MessageFormat::Json => Style::Json,
        MessageFormat::Human => human_style(),
    };
    let mut text = String::new();
    for d in diags {
        text.push_str(&report::render(d, &loaded.sources, style));
        text.push('\n');
    }
    if style == Style::Json {
        let _ = std::io::stdout().write_all(text.as_bytes());
    } else {
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
}

/// Graphical on a terminal, plain otherwise; colour unless NO_COLOR is set.
pub fn human_style() -> Style {
    if std::io::stderr().is_terminal() {
        let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Style::Fancy { colour }
    } else {
        Style::Plain
    }
}
