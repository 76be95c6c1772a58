//! `planc diff`: what a change to a plan does to its schedule. Each side is
//! a compiled plan or a JSON schedule, read into one [`Snapshot`]; the two
//! are compared into a [`Report`], written as text, Markdown or JSON.
//! Used only by `cli`; it uses the pipeline's public types and output.

pub mod compare;
pub mod git;
pub mod snapshot;
mod write;

pub use compare::{compare, Report};
pub use snapshot::Snapshot;
pub use write::{render, Format};

use crate::{Compiled, Loaded};

/// The snapshot of a plan compiled without errors; `None` otherwise.
/// It goes through the build's own JSON so that a plan and the JSON
/// schedule built from it are the same side.
pub fn snapshot_of(loaded: &Loaded, compiled: &Compiled) -> Option<Snapshot> {
    let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) else {
        return None;
    };
    let diagnostics: Vec<crate::Diagnostic> = compiled.diagnostics.iter().cloned().collect();
    let mut json = Vec::new();
    crate::render::json::write(&mut json, model, schedule, &diagnostics, &loaded.sources).ok()?;
    Snapshot::from_json(&json).ok()
}
