//! `planc check`: load, check and schedule, print diagnostics, write
//! nothing; the one gate a CI job needs.

use super::report::{self, Style};
use super::{exit, CheckArgs, MessageFormat};
use crate::{LoadOptions, Loaded};
use std::io::{IsTerminal, Read, Write};
use std::path::Path;

pub fn run(args: &CheckArgs) -> u8 {
    let options = LoadOptions {
        allow_outside_includes: args.common.allow_outside_includes,
        ..LoadOptions::default()
    };
    let mut loaded = match load_input(&args.common.file, &options) {
        Ok(l) => l,
        Err(message) => {
            eprintln!("planc: {message}");
            return exit::USAGE;
        }
    };
    let compiled = crate::compile_freeing_trees(&mut loaded, &args.common.schedule_options());
    let diags = &compiled.diagnostics;
    print_diagnostics(diags.iter(), &loaded, args.message_format);
    if args.message_format == MessageFormat::Human && !diags.is_empty() {
        eprintln!(
            "{}",
            report::summary(diags.error_count(), diags.warning_count())
        );
    }
    let code = if diags.has_errors() {
        exit::PLAN_ERRORS
    } else {
        exit::OK
    };
    super::leave_to_exit((loaded, compiled));
    code
}

/// Reads the plan from a path or, for `-`, standard input.
pub fn load_input(file: &Path, options: &LoadOptions) -> Result<Loaded, String> {
    if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(match String::from_utf8(bytes) {
            Ok(text) => crate::syntax::load_str("<stdin>", &text, None, options),
            Err(e) => {
                let mut loaded = crate::syntax::load_str("<stdin>", "", None, options);
                loaded.diagnostics = crate::Diagnostics::new();
                loaded.diagnostics.push(
                    crate::Diagnostic::error(
                        crate::diagnostic::codes::UNREADABLE,
                        format!(
                            "standard input is not valid UTF-8 (first bad byte at offset {})",
                            e.utf8_error().valid_up_to()
                        ),
                    )
                    .with_help("save the file as UTF-8"),
                );
                loaded
            }
        });
    }
    crate::load(file, options).map_err(|e| e.to_string())
}

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
fn human_style() -> Style {
    if std::io::stderr().is_terminal() {
        let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Style::Fancy { colour }
    } else {
        Style::Plain
    }
}
