//! `planc build`: compile a plan and write it in one of the output formats.
//! The steps of one build (load, compile, render, write atomically) are
//! functions of their own because `planc watch` runs them on every save.

use super::check::{load_input, print_diagnostics};
use super::output::{check_not_input, is_special, write_atomic, write_atomic_with};
use super::{exit, BuildArgs, CommonArgs, FormatArg, MessageFormat};
use crate::render::Format;
use crate::{Compiled, LoadError, LoadOptions, Loaded};
use std::io::Write;
use std::path::Path;

pub fn run(args: &BuildArgs) -> u8 {
    // `-o -` is standard output, as `-` is standard input.
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    // A `.plan` output is refused before anything else is said about it.
    if let Some(out) = output {
        if let Err(message) = check_not_input(out, &crate::source::SourceMap::new()) {
            say!("planc: {message}");
            return exit::USAGE;
        }
    }
    let format = match build_format(args, output) {
        Ok(f) => f,
        Err(message) => {
            say!("planc: {message}");
            return exit::USAGE;
        }
    };
    let settings = Settings::new(&args.common, args.depth).with_times(args.times);
    let mut loaded = match load_for_output(&args.common.file, &settings, output) {
        Ok(l) => l,
        Err(message) => {
            say!("planc: {message}");
            return exit::USAGE;
        }
    };
    let mut compiled = crate::compile_freeing_trees(&mut loaded, &settings.schedule);
    print_diagnostics(compiled.diagnostics.iter(), &loaded, MessageFormat::Human);
    if let Err(message) = track(&mut compiled, args, &settings) {
        say!("planc: {message}");
        return exit::USAGE;
    }
    if format == Format::Json {
        if let Some(code) = stream_json(output, &loaded, &compiled) {
            return code;
        }
    }
    let rendered = if format == Format::Ics {
        render_ics(&loaded, &compiled, args)
    } else {
        render_compiled(format, &loaded, &compiled, &settings).map(|text| (text, Vec::new()))
    };
    let Some((text, calendars)) = rendered else {
        say!(
            "{}",
            super::report::summary(
                compiled.diagnostics.error_count(),
                compiled.diagnostics.warning_count()
            )
        );
        return exit::PLAN_ERRORS;
    };
    if format == Format::Mermaid && text.len() > crate::render::mermaid::GITHUB_LIMIT {
        // The chart itself carries the same note as a comment; say it where
        // the person running the build looks too.
        say!(
            "planc: warning: the chart has {} characters; GitHub shows Mermaid charts of at most {}. \
             Use `--depth 1`, or `--format markdown`, which splits it by top-level group.",
            text.len(),
            crate::render::mermaid::GITHUB_LIMIT
        );
    }
    if let Some(dir) = &args.per_resource {
        if let Err(message) = write_per_resource(dir, &calendars, &loaded) {
            say!("planc: {message}");
            return exit::USAGE;
        }
    }
    match output {
        Some(path) => {
            if let Err(message) = write_output(path, &text) {
                say!("planc: {message}");
                return exit::USAGE;
            }
        }
        // With `--per-resource` the files are the output asked for.
        None if args.per_resource.is_some() => {}
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`planc build | head`) is not an error.
            let _ = stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush());
        }
    }
    exit::OK
}

/// The format of a build: as [`resolve_format`] says, except that
/// `--per-resource` alone means iCalendar; the iCalendar options with
/// another format are a usage error rather than ignored.
fn build_format(args: &BuildArgs, output: Option<&Path>) -> Result<Format, String> {
    let format = if args.per_resource.is_some() && args.format.is_none() && output.is_none() {
        Format::Ics
    } else {
        resolve_format(args.format, output)?
    };
    let ics_option = if args.per_resource.is_some() {
        Some("--per-resource")
    } else {
        args.ics_tasks.map(|_| "--ics-tasks")
    };
    match ics_option {
        Some(option) if format != Format::Ics => Err(format!(
            "`{option}` is for iCalendar output; add `--format ics` or name the output `.ics`"
        )),
        _ => Ok(format),
    }
}

/// The whole plan's calendar with `--ics-tasks`, and with `--per-resource`
/// each resource's id and calendar; `None` when the plan has errors.
fn render_ics(
    loaded: &Loaded,
    compiled: &Compiled,
    args: &BuildArgs,
) -> Option<(String, Vec<(String, String)>)> {
    let options = crate::render::ics::Options {
        tasks: args.ics_tasks.map(Into::into).unwrap_or_default(),
    };
    crate::with_render_input(loaded, compiled, None, |input| {
        let calendar = crate::render::ics::render_with(input, options);
        let per_resource = match args.per_resource {
            Some(_) => crate::render::ics::per_resource(input),
            None => Vec::new(),
        };
        (calendar, per_resource)
    })
}

/// Writes `DIR/ID.ics` for each resource, each atomically, making DIR
/// when it does not exist.
fn write_per_resource(
    dir: &Path,
    calendars: &[(String, String)],
    loaded: &Loaded,
) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot make the folder `{}`: {e}", dir.display()))?;
    for (id, calendar) in calendars {
        let path = dir.join(format!("{id}.ics"));
        check_not_input(&path, &loaded.sources)?;
        write_output(&path, calendar)?;
    }
    Ok(())
}

/// Tracks the plan against `--baseline`, else its own as-planned schedule.
fn track(compiled: &mut Compiled, args: &BuildArgs, settings: &Settings) -> Result<(), String> {
    if compiled.schedule.is_none() {
        return Ok(());
    }
    match &args.baseline {
        Some(value) => {
            let plan = Some(args.common.file.as_path()).filter(|p| *p != Path::new("-"));
            let baseline = super::baseline::load(value, plan, settings)?;
            crate::track(compiled, &baseline);
        }
        None => crate::track_as_planned(compiled, &settings.schedule),
    }
    Ok(())
}

/// Writes JSON straight to the output file or standard output: on large
/// plans the text is as big as everything else the build holds, so it is
/// never kept whole. `None` when the plan has errors and so nothing to
/// write; else the exit code.
fn stream_json(output: Option<&Path>, loaded: &Loaded, compiled: &Compiled) -> Option<u8> {
    let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) else {
        return None;
    };
    let diags: Vec<crate::Diagnostic> = compiled.diagnostics.iter().cloned().collect();
    let sources = &loaded.sources;
    let tracking = compiled.tracking.as_ref();
    match output {
        Some(path) => {
            let written = write_atomic_with(path, |mut file| {
                crate::render::json::write(&mut file, model, schedule, tracking, &diags, sources)
            });
            if let Err(e) = written {
                say!("planc: cannot write `{}`: {e}", path.display());
                return Some(exit::USAGE);
            }
        }
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            // A closed pipe (`planc build | head`) is not an error.
            let _ =
                crate::render::json::write(&mut stdout, model, schedule, tracking, &diags, sources)
                    .and_then(|()| stdout.flush());
        }
    }
    Some(exit::OK)
}

/// Everything a build needs besides the plan and where the output goes.
#[derive(Clone, Debug)]
pub struct Settings {
    pub load: LoadOptions,
    pub schedule: crate::schedule::Options,
    /// `--depth`: collapse groups below it in visual outputs.
    pub depth: Option<u32>,
    /// `--times`: times of day beside dates in visual outputs.
    pub style: crate::render::Style,
}

impl Settings {
    pub fn new(common: &CommonArgs, depth: Option<u32>) -> Settings {
        Settings {
            load: LoadOptions {
                allow_outside_includes: common.allow_outside_includes,
                ..LoadOptions::default()
            },
            schedule: common.schedule_options(),
            depth,
            style: crate::render::Style::default(),
        }
    }

    /// These settings with `--times` on or off.
    pub fn with_times(mut self, times: bool) -> Settings {
        self.style.times = times;
        self
    }
}

/// Loads a plan from disk, with its includes, and compiles it. Only an
/// unreadable root file is an `Err`; everything else is a diagnostic.
/// The plan named on the command line, refused when `output` would
/// overwrite it or a file it includes.
pub fn load_for_output(
    file: &Path,
    settings: &Settings,
    output: Option<&Path>,
) -> Result<Loaded, String> {
    let loaded = load_input(file, &settings.load)?;
    if let Some(out) = output {
        check_not_input(out, &loaded.sources)?;
    }
    Ok(loaded)
}

pub fn load_and_compile(plan: &Path, settings: &Settings) -> Result<(Loaded, Compiled), LoadError> {
    let loaded = crate::load(plan, &settings.load)?;
    let mut compiled = crate::compile(&loaded, &settings.schedule);
    crate::track_as_planned(&mut compiled, &settings.schedule);
    Ok((loaded, compiled))
}

/// Renders a compiled plan in `format`; `None` when it has errors and so
/// nothing to render.
pub fn render_compiled(
    format: Format,
    loaded: &Loaded,
    compiled: &Compiled,
    settings: &Settings,
) -> Option<String> {
    crate::render(format, loaded, compiled, settings.depth, settings.style)
}

/// Writes an output file atomically; the error names the file.
pub fn write_output(path: &Path, text: &str) -> Result<(), String> {
    write_atomic(path, text.as_bytes())
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

/// `--format`, else the extension of `-o`, else JSON. A device or a pipe
/// (`-o /dev/null`) without a known extension gets JSON, as standard
/// output does.
pub fn resolve_format(format: Option<FormatArg>, output: Option<&Path>) -> Result<Format, String> {
    if let Some(f) = format {
        return Ok(f.into());
    }
    let Some(out) = output else {
        return Ok(Format::Json);
    };
    let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("");
    if let Some(format) = Format::from_extension(ext) {
        return Ok(format);
    }
    if is_special(out) {
        return Ok(Format::Json);
    }
    Err(format!(
        "cannot tell the format from `{}`; name the file `.json`, `.html`, `.mmd`, `.md`, `.csv`, `.ics` or `.xml`, or pass `--format`",
        out.display()
    ))
}
