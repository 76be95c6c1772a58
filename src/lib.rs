//! planc compiles plain-text project plans (`.plan` files) into schedules.
//!
//! The pipeline, one module per phase, data flowing one way:
//!
//! 1. [`syntax`]: read the plan and its includes, parse with the pest
//!    grammar in `grammar/plan.pest`, lower to a typed AST with spans.
//! 2. [`check`](mod@check): resolve names, convert values, enforce the language's
//!    rules; produce a checked [`check::Model`].
//! 3. [`schedule`]: working-time calendars, dependencies, resource
//!    levelling, critical path and cost.
//! 4. [`render`](mod@render): the outputs (JSON, HTML, Mermaid, Markdown).
//! 5. [`cli`]: the `planc` command; only [`cli::main`] is public.
//!
//! Programs use the facade: [`load()`], [`check()`], [`compile()`],
//! [`track_as_planned()`] (or [`track()`] with another baseline) and
//! [`render()`], and the model and schedule types re-exported here.
//!
//! Every phase reports problems as [`diagnostic::Diagnostic`] values and
//! keeps going, so one run reports every error.

#![forbid(unsafe_code)]

pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod fmt;
pub mod interchange;
mod lsp;
pub mod render;
pub mod schedule;
pub mod simulate;
pub mod source;
pub mod syntax;
#[cfg(test)]
mod testing;
pub mod units;

use std::path::Path;

pub use check::{Checked, Model};
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use render::{Format, Style};
pub use schedule::{Options as ScheduleOptions, Schedule};
pub use syntax::{LoadError, LoadOptions, Loaded};

/// Loads the plan at `path` and every file it includes.
pub fn load(path: &Path, options: &LoadOptions) -> Result<Loaded, LoadError> {
    syntax::load_path(path, options)
}

/// Loads the plan at `path` and every file it includes, with the texts of
/// `overlay` (keyed by resolved path) read in place of the files on disk:
/// an editor's unsaved buffers.
pub fn load_overlaid(
    path: &Path,
    overlay: &syntax::Overlay,
    options: &LoadOptions,
) -> Result<Loaded, LoadError> {
    syntax::load_overlaid(path, overlay, options)
}

/// Loads the plan at `path` and every file it includes as committed at git
/// `revision` (a commit, tag, branch or `HEAD~2`).
pub fn load_at_revision(
    path: &Path,
    revision: &str,
    options: &LoadOptions,
) -> Result<Loaded, LoadError> {
    syntax::load_at_revision(path, revision, options)
}

/// Checks a loaded plan: names, values and rules. Parse diagnostics from
/// loading are included in the result.
pub fn check(loaded: &Loaded) -> Checked {
    let mut checked = check::check(loaded);
    let mut all = loaded.diagnostics.clone();
    all.extend(std::mem::take(&mut checked.diagnostics));
    all.sort();
    if all.has_errors() {
        checked.model = None;
    }
    checked.diagnostics = all;
    checked
}

/// Loads and checks a plan held in memory (standard input, tests).
pub fn check_str(name: &str, text: &str) -> (Loaded, Checked) {
    let loaded = syntax::load_str(name, text, None, &LoadOptions::default());
    let checked = check(&loaded);
    (loaded, checked)
}

/// A plan taken through every phase: its model and schedule when there
/// were no errors, and every diagnostic from every phase.
pub struct Compiled {
    pub model: Option<Model>,
    pub schedule: Option<schedule::Schedule>,
    pub diagnostics: Diagnostics,
    /// The schedule against its baseline, once [`track_as_planned`] or
    /// [`track`] has been called: variance and, with a status date, earned
    /// value.
    pub tracking: Option<schedule::Tracking>,
}

/// Checks and schedules a loaded plan.
pub fn compile(loaded: &Loaded, options: &schedule::Options) -> Compiled {
    schedule_checked(check(loaded), options)
}

/// [`compile`], freeing the syntax trees as soon as the model is built:
/// what is left of `loaded` (sources, diagnostics) is all that rendering
/// needs, and a large plan's trees weigh as much as its model.
pub fn compile_freeing_trees(loaded: &mut Loaded, options: &schedule::Options) -> Compiled {
    let checked = check(loaded);
    drop(std::mem::take(&mut loaded.files));
    schedule_checked(checked, options)
}

fn schedule_checked(checked: Checked, options: &schedule::Options) -> Compiled {
    let mut diagnostics = checked.diagnostics;
    let Some(model) = checked.model else {
        return Compiled {
            model: None,
            schedule: None,
            diagnostics,
            tracking: None,
        };
    };
    let scheduled = schedule::schedule(&model, options);
    diagnostics.extend(scheduled.diagnostics);
    diagnostics.sort();
    Compiled {
        model: Some(model),
        schedule: scheduled.schedule,
        diagnostics,
        tracking: None,
    }
}

/// Tracks a compiled plan against its own as-planned schedule (the
/// baseline when `--baseline` names none). Apart from [`compile`] because
/// with a status date it schedules the plan a second time, which `check`
/// and a baseline's own compilation do not need.
pub fn track_as_planned(compiled: &mut Compiled, options: &schedule::Options) {
    if let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) {
        compiled.tracking = Some(tracking_as_planned(model, schedule, options));
    }
}

/// The schedule tracked against the plan's own as-planned schedule.
/// Without a status date actuals move nothing, so the schedule is its own
/// as-planned schedule and is not computed twice.
fn tracking_as_planned(
    model: &Model,
    schedule: &schedule::Schedule,
    options: &schedule::Options,
) -> schedule::Tracking {
    let as_planned_options = schedule::Options {
        as_planned: true,
        ..*options
    };
    let rescheduled = (model.project.now.is_some() && !options.as_planned)
        .then(|| schedule::schedule(model, &as_planned_options).schedule)
        .flatten();
    let baseline = schedule::Baseline::same_model(model, rescheduled.as_ref().unwrap_or(schedule));
    schedule::earned::track(model, schedule, &baseline, &|i| actual_cost(model, i))
}

/// What a task says it has cost so far (`spent`).
fn actual_cost(model: &Model, task: usize) -> Option<units::Money> {
    model.tasks[task].details().spent
}

/// Tracks a compiled plan against another baseline (`--baseline`); does
/// nothing to a plan with errors.
pub fn track(compiled: &mut Compiled, baseline: &schedule::Baseline) {
    if let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) {
        compiled.tracking = Some(schedule::earned::track(model, schedule, baseline, &|i| {
            actual_cost(model, i)
        }));
    }
}

/// Renders a compiled plan in `format`; `None` when it has errors and so
/// nothing to render. `depth` collapses groups below it in the visual
/// outputs (`--depth`); `style` is how they write dates (`--times`).
pub fn render(
    format: Format,
    loaded: &Loaded,
    compiled: &Compiled,
    depth: Option<u32>,
    style: Style,
) -> Option<String> {
    with_render_input(loaded, compiled, depth, |input| {
        render::render_styled(format, input, style)
    })
}

/// The HTML report of a compiled plan with each task's name a link to
/// `link(span of its name)` (`planc watch --serve --editor`); `None` when
/// the plan has errors.
pub fn render_html_linked(
    loaded: &Loaded,
    compiled: &Compiled,
    depth: Option<u32>,
    style: Style,
    link: &dyn Fn(source::Span) -> Option<String>,
) -> Option<String> {
    with_render_input(loaded, compiled, depth, |input| {
        render::render_html_linked(input, style, link)
    })
}

/// Calls `draw` with what the renderers draw on, for a renderer that takes
/// options of its own (`render::ics::render_with`, `per_resource`); `None`
/// when the plan has errors and so nothing to render.
pub fn with_render_input<R>(
    loaded: &Loaded,
    compiled: &Compiled,
    depth: Option<u32>,
    draw: impl FnOnce(&render::Input<'_>) -> R,
) -> Option<R> {
    let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) else {
        return None;
    };
    // Only warnings are left when there is a schedule.
    let diagnostics: Vec<Diagnostic> = compiled.diagnostics.iter().cloned().collect();
    let input = render::Input {
        model,
        schedule,
        diagnostics: &diagnostics,
        sources: &loaded.sources,
        depth,
        tracking: compiled.tracking.as_ref(),
    };
    Some(draw(&input))
}
