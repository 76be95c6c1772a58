//! `planc diff`: what a change to a plan does to its schedule. Each side is
//! a compiled plan or a JSON schedule, read into one [`Snapshot`]; the two
//! are compared into a [`Report`], written as text, Markdown or JSON.
//! Used only by `cli`; it uses the pipeline's public types and output.

pub mod compare;
pub mod snapshot;
mod write;

pub use compare::{compare, Report};
pub use snapshot::Snapshot;
pub use write::{render, Format};

use crate::Compiled;

/// The snapshot of a plan compiled without errors; `None` otherwise.
pub fn snapshot_of(compiled: &Compiled) -> Option<Snapshot> {
    let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) else {
        return None;
    };
    Some(Snapshot::from_compiled(
        model,
        schedule,
        &compiled.diagnostics,
    ))
}
