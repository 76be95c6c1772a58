//! Warnings about a finished schedule: deadlines missed (with the overrun),
//! budgets exceeded, fixed starts that could not be kept, and (without
//! levelling) every over-allocated resource.

use super::sgs::{Driver, Forward};
use super::Schedule;
use crate::check::{Model, TaskKind};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::units::Minutes;

pub fn deadlines(model: &Model, s: &Schedule, diags: &mut Diagnostics) {
    for (i, task) in model.tasks.iter().enumerate() {
        let Some(deadline) = task.details().deadline else {
            continue;
        };
        let end = s.tasks[i].end;
        if end > deadline {
            diags.push(
                Diagnostic::warning(codes::DEADLINE_MISSED, format!("`{}` misses its deadline by {}", task.path, overrun(end - deadline)))
                    .at(task.name_span, format!("ends {}, deadline {}", end.to_iso(), deadline.describe_as_end()))
                    .with_help("what drives it: see `critical` and the drivers in the report; raise its priority, add people, or move the deadline"),
            );
        }
    }
    if let Some(deadline) = model.project.deadline {
        if s.end > deadline {
            diags.push(
                Diagnostic::warning(
                    codes::DEADLINE_MISSED,
                    format!(
                        "the project misses its deadline by {}",
                        overrun(s.end - deadline)
                    ),
                )
                .at(
                    model.project.span,
                    format!(
                        "ends {}, deadline {}",
                        s.end.to_iso(),
                        deadline.describe_as_end()
                    ),
                ),
            );
        }
    }
}

/// "3 days 4 hours" in calendar time.
fn overrun(m: Minutes) -> String {
    let days = m.0 / 1440;
    let hours = (m.0 % 1440) / 60;
    let minutes = m.0 % 60;
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} day{}", if days == 1 { "" } else { "s" }));
    }
    if hours > 0 {
        parts.push(format!("{hours} hour{}", if hours == 1 { "" } else { "s" }));
    }
    if minutes > 0 || parts.is_empty() {
        parts.push(format!(
            "{minutes} minute{}",
            if minutes == 1 { "" } else { "s" }
        ));
    }
    parts.join(" ")
}

pub fn budgets(model: &Model, s: &Schedule, diags: &mut Diagnostics) {
    for (i, task) in model.tasks.iter().enumerate() {
        let Some(budget) = task.details().budget else {
            continue;
        };
        let cost = s.tasks[i].cost;
        if cost > budget {
            diags.push(
                Diagnostic::warning(
                    codes::BUDGET_EXCEEDED,
                    format!(
                        "`{}` costs {cost}, {} over its budget of {budget}",
                        task.path,
                        crate::units::Money(cost.0 - budget.0)
                    ),
                )
                .at(task.name_span, "over budget"),
            );
        }
    }
    if let Some(budget) = model.project.budget {
        if s.cost > budget {
            diags.push(
                Diagnostic::warning(
                    codes::BUDGET_EXCEEDED,
                    format!(
                        "the project costs {}, {} over its budget of {budget}",
                        s.cost,
                        crate::units::Money(s.cost.0 - budget.0)
                    ),
                )
                .at(model.project.span, "over budget"),
            );
        }
    }
}

/// A fixed `start` (or a milestone's `date`) is a promise; when a
/// dependency or a busy resource pushed the task later, say so.
pub fn fixed_starts(model: &Model, s: &Schedule, diags: &mut Diagnostics) {
    for (i, task) in model.tasks.iter().enumerate() {
        let Some(fixed) = task.details().start.or(task.details().date) else {
            continue;
        };
        let pushed = matches!(
            s.tasks[i].driver,
            Some(Driver::Dependency(..) | Driver::Resource(..))
        );
        if task.kind != TaskKind::Group && pushed && s.tasks[i].start > fixed {
            let actual = s.tasks[i].start;
            let message = if task.details().start.is_some() {
                format!(
                    "`{}` cannot start at its fixed start {}; it starts {}",
                    task.path,
                    fixed.describe(),
                    actual.to_iso()
                )
            } else {
                format!(
                    "`{}` cannot be at its fixed date {}; it is at {}",
                    task.path,
                    fixed.to_iso(),
                    actual.to_iso()
                )
            };
            diags.push(
                Diagnostic::warning(codes::FIXED_START_MOVED, message)
                    .at(task.name_span, "later than fixed")
                    .with_help("a dependency or a busy resource pushed it; see the task's driver in the report"),
            );
        }
    }
}

pub fn overallocations(model: &Model, f: &Forward, diags: &mut Diagnostics) {
    for (r, res) in model.resources.iter().enumerate() {
        for (from, to, peak) in f.profiles[r].overloads(res.limit()) {
            diags.push(
                Diagnostic::warning(
                    codes::OVERALLOCATED,
                    format!(
                        "`{}` is booked {:.2} units from {} to {}, over its {:.2}",
                        res.id,
                        peak.as_units(),
                        from.to_iso(),
                        to.to_iso(),
                        res.limit().as_units()
                    ),
                )
                .at(res.span, "over-allocated")
                .with_help("levelling (the default, without `--no-level`) moves tasks so that this cannot happen"),
            );
        }
    }
}
