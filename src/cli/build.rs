//! `planc build`: compile a plan to JSON (and, later, other formats).

use super::check::{load_input, print_diagnostics};
use super::output::{check_not_input, write_atomic};
use super::{exit, BuildArgs, MessageFormat};
use crate::render::Format;
use crate::LoadOptions;
use std::io::Write;

pub fn run(args: &BuildArgs) -> u8 {
    let format = match resolve_format(args) {
        Ok(f) => f,
        Err(message) => {
            eprintln!("planc: {message}");
            return exit::USAGE;
        }
    };
    let options = LoadOptions {
        allow_outside_includes: args.common.allow_outside_includes,
        ..LoadOptions::default()
    };
    let loaded = match load_input(&args.common.file, &options) {
        Ok(l) => l,
        Err(message) => {
            eprintln!("planc: {message}");
            return exit::USAGE;
        }
    };
    if let Some(out) = &args.output {
        if let Err(message) = check_not_input(out, &loaded.sources) {
            eprintln!("planc: {message}");
            return exit::USAGE;
        }
    }
    let compiled = crate::compile(&loaded, &args.common.schedule_options());
    print_diagnostics(compiled.diagnostics.iter(), &loaded, MessageFormat::Human);
    let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) else {
        eprintln!("{}", super::report::summary(compiled.diagnostics.error_count(), compiled.diagnostics.warning_count()));
        return exit::PLAN_ERRORS;
    };
    let diags: Vec<crate::Diagnostic> = compiled.diagnostics.iter().cloned().collect();
    let input = crate::render::Input {
        model,
        schedule,
        diagnostics: &diags,
        sources: &loaded.sources,
        depth: args.depth,
    };
    let text = crate::render::render(format, &input);
    match &args.output {
        Some(path) => {
            if let Err(e) = write_atomic(path, text.as_bytes()) {
                eprintln!("planc: cannot write `{}`: {e}", path.display());
                return exit::USAGE;
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`planc build | head`) is not an error.
            let _ = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush());
        }
    }
    exit::OK
}

/// `--format`, else the extension of `-o`, else JSON.
fn resolve_format(args: &BuildArgs) -> Result<Format, String> {
    if let Some(f) = args.format {
        return Ok(f.into());
    }
    let Some(out) = &args.output else {
        return Ok(Format::Json);
    };
    let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("");
    Format::from_extension(ext).ok_or_else(|| {
        format!(
            "cannot tell the format from `{}`; name the file `.json`, `.html`, `.mmd` or `.md`, or pass `--format`",
            out.display()
        )
    })
}
