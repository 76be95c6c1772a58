//! The front end's second half: from syntax trees to a checked [`Model`].
//! Resolves every name (spec 2.2), converts values to planc's units, applies
//! inheritance, and enforces the rules of spec section 2 (one project, a
//! start, work on every leaf, no dependency cycles, demands a resource can
//! meet). Every problem is collected; checking goes on after an error.

mod attrs;
mod calendars;
mod cycles;
pub mod model;
mod names;
mod resources;
mod risks;
mod tasks;
mod tracking;
mod values;

use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast::{AttrValue, Decl, DeclKind, TopItem};
use crate::syntax::Loaded;
pub use model::*;

/// The result of checking: a model when there were no errors, and every
/// diagnostic (warnings too).
#[derive(Debug)]
pub struct Checked {
    pub model: Option<Model>,
    pub diagnostics: Diagnostics,
}

/// Most tasks one plan may declare by default (`LoadOptions::max_tasks`).
pub const MAX_TASKS: usize = crate::syntax::DEFAULT_MAX_TASKS;

/// Checks a loaded plan.
pub fn check(loaded: &Loaded) -> Checked {
    let mut diags = Diagnostics::new();
    let decls = top_level_decls(loaded);
    for decl in &decls {
        check_placement_deep(decl, &mut diags);
    }
    let root_span = loaded
        .files
        .first()
        .map_or(Span::new(crate::source::FileId(0), 0, 0), |(id, _)| {
            Span::new(*id, 0, 0)
        });

    let calendars = calendars::lower_all(&decls, &mut diags);
    // When loading lost part of the plan (a syntax error, an unreadable or
    // too-deep file), the project may be in the lost part: do not also say
    // the plan has none.
    let lost_something = loaded.diagnostics.has_errors();
    let project_decl = find_project(&decls, root_span, !lost_something, &mut diags);
    let project_calendar = project_decl
        .and_then(|p| {
            attrs::first(p, |v| match v {
                AttrValue::Calendar(r) => Some(r),
                _ => None,
            })
        })
        .and_then(|r| calendars.names.resolve(r).map_err(|d| diags.push(*d)).ok())
        .unwrap_or(CalendarId(0));
    let day = calendars.defs[project_calendar.index()].day_minutes;
    let resources = resources::lower_all(&decls, &calendars.names, project_calendar, &mut diags);
    let now = project_decl.and_then(|p| {
        attrs::first(p, |v| match v {
            AttrValue::Now(m) => Some(values::moment(m)),
            _ => None,
        })
    });
    let tasks = tasks::lower_all(&decls, &resources, day, now, &mut diags);
    cycles::check_dependencies(&tasks.tasks, &mut diags);
    let (risks, issues) =
        risks::lower_risks_and_issues(&decls, &tasks, &resources, day, &mut diags);
    let project = project_decl.and_then(|p| lower_project(p, project_calendar, &mut diags));

    let max_tasks = loaded.options.max_tasks;
    if tasks.tasks.len() > max_tasks {
        diags.push(
            Diagnostic::error(
                codes::TOO_MANY_TASKS,
                format!(
                    "the plan has {} tasks; planc schedules at most {}",
                    thousands(tasks.tasks.len()),
                    thousands(max_tasks)
                ),
            )
            .at(root_span, "too many tasks in this plan")
            .with_help("split the plan into several plans, or summarise detail into larger tasks"),
        );
    }
    diags.sort();
    let model = match project {
        Some(project) if !diags.has_errors() => Some(Model {
            project,
            calendars: calendars.defs,
            resources: resources.resources,
            teams: resources.teams,
            tasks: tasks.tasks,
            risks,
            issues,
        }),
        _ => None,
    };
    Checked {
        model,
        diagnostics: diags,
    }
}

/// Every file's top-level declarations, file by file. A team's inline
/// members follow the team: they are top-level resources too (spec v2).
fn top_level_decls(loaded: &Loaded) -> Vec<&Decl> {
    let mut decls = Vec::new();
    for item in loaded.files.iter().flat_map(|(_, f)| f.items.iter()) {
        if let TopItem::Decl(d) = item {
            decls.push(d);
            if d.kind == DeclKind::Team {
                decls.extend(d.inline_resources());
            }
        }
    }
    decls
}

/// `2000001` as `2,000,001`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Checks the attributes of `decl` and of the tasks inside it. A team's
/// inline members are checked as top-level declarations; a resource
/// declared anywhere else is misplaced.
fn check_placement_deep(decl: &Decl, diags: &mut Diagnostics) {
    attrs::check_placement(decl, diags);
    if decl.kind != DeclKind::Team {
        for resource in decl.inline_resources() {
            diags.push(attrs::misplaced_resource(decl, resource));
        }
    }
    for child in decl.children() {
        check_placement_deep(child, diags);
    }
}

/// The one `project`: reports a missing or second one.
fn find_project<'a>(
    decls: &[&'a Decl],
    root: Span,
    report_missing: bool,
    diags: &mut Diagnostics,
) -> Option<&'a Decl> {
    let projects: Vec<&Decl> = decls
        .iter()
        .copied()
        .filter(|d| d.kind == DeclKind::Project)
        .collect();
    let Some(first) = projects.first() else {
        if !report_missing {
            return None;
        }
        diags.push(
            Diagnostic::error(codes::MISSING_PROJECT, "the plan has no `project`")
                .at(root, "a plan needs one `project` declaration")
                .with_help("start the plan with `project \"Title\" { start 2027-01-04 }`"),
        );
        return None;
    };
    for extra in projects.iter().skip(1) {
        diags.push(
            Diagnostic::error(codes::SECOND_PROJECT, "a plan has exactly one `project`")
                .at(extra.keyword, "second `project` here")
                .also(first.keyword, "first `project` here")
                .with_help(
                    "merge the two, or split the plan into two files that are built separately",
                ),
        );
    }
    Some(first)
}

fn lower_project(decl: &Decl, calendar: CalendarId, diags: &mut Diagnostics) -> Option<Project> {
    let mut project = Project {
        title: decl
            .title
            .as_ref()
            .map(|t| t.value.clone())
            .or_else(|| decl.id.as_ref().map(|i| i.name.to_string()))
            .unwrap_or_else(|| "Untitled project".to_string()),
        start: crate::units::Moment(0),
        deadline: None,
        now: None,
        currency: None,
        calendar,
        budget: None,
        note: None,
        span: decl.span,
    };
    let mut start = None;
    for attr in decl.attrs() {
        match &attr.value {
            AttrValue::Start(m) => start = Some(values::moment(m)),
            // Already reported; do not also call the start missing.
            AttrValue::Invalid("start") => return None,
            AttrValue::Deadline(m) => project.deadline = Some(values::deadline(m)),
            AttrValue::Now(m) => project.now = Some(values::moment(m)),
            AttrValue::Currency(c) => project.currency = Some(c.name.to_string()),
            AttrValue::Budget(n) => project.budget = values::money(n, diags),
            AttrValue::Note(t) => project.note = Some(t.value.clone()),
            _ => {}
        }
    }
    match start {
        Some(s) => {
            project.start = s;
            Some(project)
        }
        None => {
            diags.push(
                Diagnostic::error(codes::MISSING_START, "the project has no `start`")
                    .at(decl.keyword, "needs `start DATE`")
                    .with_help("add the first day of work, like `start 2027-01-04`"),
            );
            None
        }
    }
}
