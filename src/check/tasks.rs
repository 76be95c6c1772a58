//! Tasks, groups and milestones: the tree, their attributes, their
//! dependencies and assignments, inheritance, and the rules on work.

use super::model::*;
use super::names::{Remembered, TaskNames};
use super::resources::Resources;
use super::values::{self, whole_number, DayLength};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast::{self, AttrValue, Decl, DeclKind, Ident};
use crate::units::{Minutes, Moment, Money, Share};

pub struct Tasks<'a> {
    pub tasks: Vec<Task>,
    pub names: TaskNames<'a>,
}

const DEFAULT_PRIORITY: u32 = 500;

/// Lowers every task and milestone in the plan.
pub fn lower_all<'a>(
    decls: &[&'a Decl],
    resources: &Resources,
    day: Minutes,
    now: Option<Moment>,
    diags: &mut Diagnostics,
) -> Tasks<'a> {
    let roots = || {
        decls
            .iter()
            .copied()
            .filter(|d| matches!(d.kind, DeclKind::Task | DeclKind::Milestone))
    };
    // Counted first so that the (large) task records are never moved.
    let count: usize = roots().map(count_tree).sum();
    let mut tasks = Tasks {
        tasks: Vec::with_capacity(count),
        names: TaskNames::with_capacity(count),
    };
    let mut sources: Vec<&Decl> = Vec::with_capacity(count);
    for decl in roots() {
        add_tree(decl, None, 0, &mut tasks, &mut sources, diags);
    }
    let lowering = Lowering {
        names: &tasks.names,
        sources: &sources,
        resources,
        day,
        now,
    };
    lower_every_task(&lowering, &mut tasks.tasks, diags);
    super::tracking::check_links(&tasks.tasks, &sources, diags);
    apply_inheritance(&mut tasks.tasks);
    tasks
}

/// What lowering a task's attributes reads besides the task itself.
struct Lowering<'t, 'a> {
    names: &'t TaskNames<'a>,
    /// Each task's declaration, by task id.
    sources: &'t [&'a Decl],
    resources: &'t Resources,
    day: Minutes,
    /// The status date, against which actuals are checked.
    now: Option<Moment>,
}

/// Lowers every task's attributes, in task order.
fn lower_every_task(lowering: &Lowering<'_, '_>, tasks: &mut [Task], diags: &mut Diagnostics) {
    let mut scratch = Scratch::default();
    for (index, task) in tasks.iter_mut().enumerate() {
        let decl = lowering.sources[index];
        lower_attributes(
            TaskId(index as u32),
            decl,
            task,
            lowering,
            &mut scratch,
            diags,
        );
    }
}

/// How many tasks `add_tree` makes of `decl` and what it contains.
fn count_tree(decl: &Decl) -> usize {
    if decl.id.is_none() {
        return 0;
    }
    1 + decl.children().map(count_tree).sum::<usize>()
}

/// Allocates ids in declaration order (pre-order) and records the tree.
/// Returns the task's id (`None` for a declaration without one).
fn add_tree<'a>(
    decl: &'a Decl,
    parent: Option<TaskId>,
    depth: u32,
    tasks: &mut Tasks<'a>,
    sources: &mut Vec<&'a Decl>,
    diags: &mut Diagnostics,
) -> Option<TaskId> {
    let ident = decl.id.as_ref()?;
    let path = match parent {
        Some(p) => dotted_path(&tasks.tasks[p.index()].path, &ident.name),
        None => Box::from(&*ident.name),
    };
    let id = TaskId(tasks.tasks.len() as u32);
    let first = tasks.names.get(parent, &ident.name);
    if let Some(first) = first {
        diags.push(duplicate_task(
            ident,
            tasks.tasks[first.index()].name_span,
            parent.map(|p| &*tasks.tasks[p.index()].path),
        ));
    }
    tasks.names.add(parent, &ident.name, first.is_some());
    let has_children = decl.children().next().is_some();
    let kind = match decl.kind {
        DeclKind::Milestone => TaskKind::Milestone,
        _ if has_children => TaskKind::Group,
        _ => TaskKind::Leaf,
    };
    tasks.tasks.push(Task {
        path,
        own_title: decl.title.as_ref().map(|t| Box::from(t.value.as_str())),
        kind,
        parent,
        children: Box::default(),
        depth,
        work: None,
        assignments: Box::default(),
        dependencies: Box::default(),
        priority: 0,
        cost: Money::ZERO,
        details: None,
        span: decl.span,
        name_span: ident.span,
    });
    sources.push(decl);
    if decl.kind == DeclKind::Milestone && has_children {
        if let Some(child) = decl.children().next() {
            diags.push(
                Diagnostic::error(
                    codes::MISPLACED_ATTRIBUTE,
                    "a milestone cannot contain tasks",
                )
                .at(child.keyword, "nested in a milestone")
                .with_help(
                    "make the outer declaration a `task` (a group), with the milestone inside it",
                ),
            );
        }
    }
    // Sized exactly so that the list is kept without reallocating.
    let mut children = Vec::with_capacity(decl.children().filter(|c| c.id.is_some()).count());
    for child in decl.children() {
        children.extend(add_tree(child, Some(id), depth + 1, tasks, sources, diags));
    }
    tasks.tasks[id.index()].children = children.into_boxed_slice();
    Some(id)
}

/// `parent.id`, allocated once at its final size.
fn dotted_path(parent: &str, id: &str) -> Box<str> {
    let mut path = String::with_capacity(parent.len() + 1 + id.len());
    path.push_str(parent);
    path.push('.');
    path.push_str(id);
    path.into_boxed_str()
}

fn duplicate_task(ident: &Ident, first: Span, parent: Option<&str>) -> Diagnostic {
    let place = match parent {
        Some(p) => format!("in `{p}`"),
        None => "at the top level".to_string(),
    };
    Diagnostic::error(
        codes::DUPLICATE_ID,
        format!("the id `{}` is used twice {place}", ident.name),
    )
    .at(ident.span, "declared again here")
    .also(first, "first declared here")
    .with_help("ids must be unique among siblings; rename one of them")
}

/// Lists reused from one task to the next while lowering attributes: each
/// task keeps an exactly-sized copy, and no list is allocated per task.
#[derive(Default)]
struct Scratch<'a> {
    works: Vec<(WorkKind, &'a ast::Duration, Span)>,
    deps: Vec<Dependency>,
    assignments: Vec<Assignment>,
    memo: Remembered,
}

/// Fills in one task's attributes, resolving its references. Sets every
/// field it may set, so that a task can be lowered again.
fn lower_attributes<'a>(
    id: TaskId,
    decl: &'a Decl,
    task: &mut Task,
    lowering: &Lowering<'_, 'a>,
    scratch: &mut Scratch<'a>,
    diags: &mut Diagnostics,
) {
    let Lowering { resources, day, .. } = *lowering;
    task.cost = Money::ZERO;
    task.details = None;
    task.work = None;
    let works = &mut scratch.works;
    works.clear();
    let deps = &mut scratch.deps;
    deps.clear();
    let assignments = &mut scratch.assignments;
    assignments.clear();
    let mut priority = None;
    let mut range = None;
    let mut task_fields = Vec::new();
    let mut work_was_invalid = false;
    let mut actuals = super::tracking::Actuals::default();
    for attr in decl.attrs() {
        if actuals.take(attr) {
            continue;
        }
        match &attr.value {
            // Already reported while parsing; not also "missing".
            AttrValue::Invalid("effort" | "duration" | "elapsed") => work_was_invalid = true,
            AttrValue::Effort(d) => works.push((WorkKind::Effort, d, attr.keyword)),
            AttrValue::Duration(d) => works.push((WorkKind::Duration, d, attr.keyword)),
            AttrValue::Elapsed(d) => works.push((WorkKind::Elapsed, d, attr.keyword)),
            AttrValue::After(list) => {
                for dep in list {
                    let memo = &mut scratch.memo;
                    if let Some(d) = lower_dependency(id, task, dep, lowering, memo, diags) {
                        deps.push(d);
                    }
                }
            }
            AttrValue::Assign(list) => {
                for item in &list.items {
                    assignments.extend(
                        resources
                            .bookings(item, diags)
                            .into_iter()
                            .map(Assignment::Fixed),
                    );
                }
                if let Some((_, items)) = list.any_of.as_deref() {
                    let options: Vec<Booking> = items
                        .iter()
                        .flat_map(|i| resources.bookings(i, diags))
                        .collect();
                    if !options.is_empty() {
                        assignments.push(Assignment::AnyOf(options));
                    }
                }
            }
            AttrValue::Priority(n) => {
                priority = whole_number(n, "`priority`", 1..=1000, diags).map(|p| p as u32)
            }
            AttrValue::Range(low, high) => range = Some((low, high, attr.span)),
            AttrValue::Progress(p) if task.kind == TaskKind::Milestone => {
                if milestone_progress_is_valid(task, p, diags) {
                    task_fields.push(&attr.value);
                }
            }
            other => task_fields.push(other),
        }
    }
    let work = if work_was_invalid && works.is_empty() {
        None
    } else if actuals.during.is_some() && task.kind == TaskKind::Leaf {
        super::tracking::check_no_work(task, works, diags);
        None
    } else {
        check_work(task, works, day, diags)
    };
    task.work = work;
    let names = lowering.names;
    actuals.lower(id, task, names, &mut scratch.memo, lowering.now, day, diags);
    check_total_demand(decl, assignments, resources, diags);
    task.dependencies = Box::from(deps.as_slice());
    task.assignments = Box::from(assignments.as_slice());
    task.priority = priority.unwrap_or(0);
    for value in task_fields {
        match value {
            AttrValue::Start(m) => task.details_mut().start = Some(values::moment(m)),
            AttrValue::NotBefore(m) => task.details_mut().not_before = Some(values::moment(m)),
            AttrValue::Deadline(m) => task.details_mut().deadline = Some(values::deadline(m)),
            AttrValue::Date(m) => task.details_mut().date = Some(values::moment(m)),
            AttrValue::Progress(p) => task.details_mut().progress = Some(values::share(p)),
            AttrValue::Cost(n) => task.cost = values::money(n, diags).unwrap_or(Money::ZERO),
            AttrValue::Budget(n) => task.details_mut().budget = values::money(n, diags),
            AttrValue::Tags(tags) => task
                .details_mut()
                .tags
                .extend(tags.iter().map(|t| t.name.to_string())),
            AttrValue::Note(t) => task.details_mut().note = Some(t.value.clone()),
            _ => {}
        }
    }
    if let Some((low, high, span)) = range {
        if task.kind == TaskKind::Group {
            diags.push(
                Diagnostic::warning(
                    codes::RANGE_IGNORED,
                    format!("the `range` of the group `{}` is ignored", task.path),
                )
                .at(span, "a group's estimate comes from its children")
                .with_help("give each task inside its own `range`"),
            );
        } else {
            let range = check_range(task, low, high, span, day, diags);
            if range.is_some() {
                task.details_mut().range = range;
            }
        }
    }
}

/// A milestone is reached or not: `progress 0%` or `100%`, nothing between.
fn milestone_progress_is_valid(task: &Task, p: &ast::Percent, diags: &mut Diagnostics) -> bool {
    let share = values::share(p);
    if share == Share::ZERO || share == Share::FULL {
        return true;
    }
    diags.push(
        Diagnostic::error(
            codes::MILESTONE_PROGRESS,
            format!(
                "the milestone `{}` is reached or not: its progress is 0% or 100%, not {share}",
                task.path
            ),
        )
        .at(p.span, "neither 0% nor 100%")
        .with_help("write `progress 100%` once it is reached (or `finished DATE`), else leave progress out"),
    );
    false
}

/// The fixed bookings of one task on one resource add up; together they
/// may not ask for more than the resource has.
fn check_total_demand(
    decl: &Decl,
    assignments: &[Assignment],
    resources: &Resources,
    diags: &mut Diagnostics,
) {
    let span = decl
        .attrs()
        .find(|a| matches!(a.value, AttrValue::Assign(_)))
        .map_or(decl.name_span(), |a| a.span);
    for total in demand_totals(assignments) {
        let (r, asked) = (total.resource, total.asked);
        // At least one unit each (see `Resources::check_demand`).
        if asked <= u64::from(Share::FULL.0) {
            continue;
        }
        let res = &resources.resources[r.index()];
        let available = u64::from(res.units) * u64::from(Share::FULL.0);
        let single_item_too_big = asked > available && total.items == 1;
        if asked > available && !single_item_too_big {
            diags.push(
                Diagnostic::error(
                    codes::DEMAND_TOO_HIGH,
                    format!(
                        "this task asks for {}% of `{}`, which has {}% ({} unit{})",
                        asked / 100,
                        res.id,
                        available / 100,
                        res.units,
                        if res.units == 1 { "" } else { "s" }
                    ),
                )
                .at(
                    span,
                    "these assignments add up to more than the resource has",
                )
                .also(res.span, "declared here")
                .with_help(format!(
                    "assign `{}` once, with the share it really gives",
                    res.id
                )),
            );
        }
    }
}

/// What a task's fixed bookings ask of one resource, all items together.
struct DemandTotal {
    resource: ResourceId,
    /// Count x percent, summed.
    asked: u64,
    /// How many items book it.
    items: usize,
    /// Where the first of them is in the task's list.
    first: usize,
}

/// The fixed bookings summed per resource, in the order the resources are
/// first booked. Sorted rather than searched: a team of thousands
/// assigned to a task books thousands of resources at once.
fn demand_totals(assignments: &[Assignment]) -> Vec<DemandTotal> {
    let mut items: Vec<DemandTotal> = assignments
        .iter()
        .enumerate()
        .filter_map(|(first, a)| match a {
            Assignment::Fixed(b) => Some(DemandTotal {
                resource: b.resource,
                asked: u64::from(b.count) * u64::from(b.percent.0),
                items: 1,
                first,
            }),
            Assignment::AnyOf(_) => None,
        })
        .collect();
    items.sort_unstable_by_key(|t| (t.resource, t.first));
    let mut totals: Vec<DemandTotal> = Vec::with_capacity(items.len());
    for item in items {
        match totals.last_mut() {
            Some(last) if last.resource == item.resource => {
                last.asked += item.asked;
                last.items += 1;
            }
            _ => totals.push(item),
        }
    }
    totals.sort_unstable_by_key(|t| t.first);
    totals
}

/// Exactly one of effort, duration, elapsed on a leaf; none on a group.
fn check_work(
    task: &Task,
    works: &[(WorkKind, &ast::Duration, Span)],
    day: Minutes,
    diags: &mut Diagnostics,
) -> Option<Work> {
    let day_length = |kind: WorkKind| match kind {
        WorkKind::Elapsed => DayLength::Calendar,
        _ => DayLength::Working(day),
    };
    match (task.kind, works) {
        (TaskKind::Milestone, _) => None,
        (TaskKind::Group, [(_, _, span), ..]) => {
            diags.push(
                Diagnostic::error(
                    codes::GROUP_WITH_WORK,
                    format!("the group `{}` has work of its own", task.path),
                )
                .at(*span, "a group's span comes from its children")
                .with_help("move the work into a child task, like `task work { effort 3d }`"),
            );
            None
        }
        (TaskKind::Group, []) => None,
        (TaskKind::Leaf, []) => {
            diags.push(
                Diagnostic::error(
                    codes::MISSING_WORK,
                    format!(
                        "the task `{}` has no effort, duration or elapsed time",
                        task.path
                    ),
                )
                .at(
                    task.name_span,
                    "needs one of `effort`, `duration`, `elapsed`",
                )
                .with_help(
                    "add one, like `effort 3d`; or make it a `milestone` if it takes no time",
                ),
            );
            None
        }
        (TaskKind::Leaf, [(kind, d, _)]) => Some(Work {
            kind: *kind,
            minutes: values::duration_minutes(d, day_length(*kind)),
        }),
        // The same keyword twice was reported as a repeated attribute.
        (TaskKind::Leaf, [(kind, d, _), rest @ ..]) if rest.iter().all(|(k, _, _)| k == kind) => {
            Some(Work {
                kind: *kind,
                minutes: values::duration_minutes(d, day_length(*kind)),
            })
        }
        (TaskKind::Leaf, [(_, _, first), (_, _, second), ..]) => {
            diags.push(
                Diagnostic::error(codes::CONFLICTING_WORK, format!("the task `{}` has more than one of effort, duration and elapsed", task.path))
                    .at(*second, "second amount of work")
                    .also(*first, "first amount of work")
                    .with_help("keep the one that says how the work behaves: `effort` (depends on who works), `duration` (working time) or `elapsed` (calendar time)"),
            );
            None
        }
    }
}

fn check_range(
    task: &Task,
    low: &ast::Duration,
    high: &ast::Duration,
    span: Span,
    day: Minutes,
    diags: &mut Diagnostics,
) -> Option<(Minutes, Minutes)> {
    let length = match task.work.map(|w| w.kind) {
        Some(WorkKind::Elapsed) => DayLength::Calendar,
        _ => DayLength::Working(day),
    };
    let (lo, hi) = (
        values::duration_minutes(low, length),
        values::duration_minutes(high, length),
    );
    if hi < lo {
        diags.push(
            Diagnostic::error(
                codes::EMPTY_RANGE,
                "this range's upper bound is below its lower bound",
            )
            .at(span, "optimistic..pessimistic, smallest first"),
        );
        return None;
    }
    if let Some(work) = task.work {
        if work.minutes < lo || work.minutes > hi {
            diags.push(
                Diagnostic::warning(
                    codes::ESTIMATE_OUTSIDE_RANGE,
                    format!("the estimate of `{}` lies outside its range", task.path),
                )
                .at(span, "does not contain the estimate")
                .with_help(
                    "a range gives the optimistic and pessimistic bounds around the estimate",
                ),
            );
        }
    }
    Some((lo, hi))
}

/// One dependency of the task `from` (`me`). Other tasks are known only
/// by their names and declarations: they may be being lowered meanwhile.
fn lower_dependency(
    from: TaskId,
    me: &Task,
    dep: &ast::Dependency,
    lowering: &Lowering<'_, '_>,
    memo: &mut Remembered,
    diags: &mut Diagnostics,
) -> Option<Dependency> {
    let Lowering { names, day, .. } = *lowering;
    let target = match names.resolve(memo, Some(from), &dep.target) {
        Ok(t) => t,
        Err(d) => {
            diags.push(*d);
            return None;
        }
    };
    let lag = dep.lag.as_deref().map_or(Minutes::ZERO, |(positive, d)| {
        let m = values::duration_minutes(d, DayLength::Working(day));
        if *positive {
            m
        } else {
            -m
        }
    });
    if target == from {
        diags.push(
            Diagnostic::error(
                codes::DEPENDENCY_CYCLE,
                format!("`{}` depends on itself", me.path),
            )
            .at(dep.target.span, "a task cannot wait for itself")
            .with_help("remove this dependency"),
        );
        return None;
    }
    let relation = if is_ancestor(names, target, from) {
        Some("contains it")
    } else if is_ancestor(names, from, target) {
        Some("is inside it")
    } else {
        None
    };
    if let Some(relation) = relation {
        diags.push(
            Diagnostic::error(
                codes::DEPENDS_ON_RELATIVE,
                format!(
                    "`{}` depends on `{}`, which {relation}",
                    me.path,
                    names.path(target)
                ),
            )
            .at(
                dep.target.span,
                "a task may not depend on its own group or its own children",
            )
            .also(
                lowering.sources[target.index()].name_span(),
                "declared here",
            )
            .with_help("a group's span is made of its children: depend on a sibling instead"),
        );
        return None;
    }
    Some(Dependency {
        kind: lower_dep_kind(dep.kind),
        target,
        lag,
        span: dep.target.span,
    })
}

fn lower_dep_kind(kind: ast::DepKind) -> DepKind {
    match kind {
        ast::DepKind::FinishToStart => DepKind::FinishToStart,
        ast::DepKind::StartToStart => DepKind::StartToStart,
        ast::DepKind::FinishToFinish => DepKind::FinishToFinish,
        ast::DepKind::StartToFinish => DepKind::StartToFinish,
    }
}

/// Is `a` an ancestor of `b`?
pub(super) fn is_ancestor(names: &TaskNames, a: TaskId, b: TaskId) -> bool {
    let mut cur = names.parent(b);
    while let Some(p) = cur {
        if p == a {
            return true;
        }
        cur = names.parent(p);
    }
    false
}

/// Priority and assignments flow from groups to the tasks inside that do
/// not set their own. Parents precede children, so one pass suffices.
fn apply_inheritance(tasks: &mut [Task]) {
    for i in 0..tasks.len() {
        let parent = tasks[i].parent.map(TaskId::index);
        if tasks[i].priority == 0 {
            tasks[i].priority = parent.map_or(DEFAULT_PRIORITY, |p| tasks[p].priority);
        }
        // Copied only where inherited: most tasks have their own.
        if tasks[i].assignments.is_empty() && tasks[i].kind != TaskKind::Milestone {
            if let Some(p) = parent {
                tasks[i].assignments = tasks[p].assignments.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{calendars, resources};
    use crate::syntax::LoadOptions;
    use std::fmt::Write;

    /// A plan of `groups` groups of ten tasks, every group with the same
    /// mistakes and doubts: a dependency on its own group, one on itself,
    /// one on its own child, a task without work, a range around the wrong
    /// estimate, a range on a group, too much of one resource; and, with
    /// `unknown`, that many misspelt names per group.
    fn flawed_plan(groups: usize, unknown: usize) -> String {
        let mut plan = String::from("project p { start 2027-01-04 }\n");
        plan.push_str("resource dev { units 2 }\nresource qa\n");
        for g in 0..groups {
            let _ = writeln!(plan, "task g{g} {{");
            let _ = writeln!(plan, "  range 1d..2d");
            for t in 0..10 {
                let _ = write!(plan, "  task t{t} {{ effort {}d", 1 + t % 3);
                let mut after = Vec::new();
                if t > 0 {
                    after.push(format!("t{}", t - 1));
                }
                if g > 0 {
                    after.push(format!("g{}.t{t}", g - 1));
                }
                if !after.is_empty() {
                    let _ = write!(plan, "  after {}", after.join(", "));
                }
                plan.push_str("  assign dev  tags a, b  note \"n\"  cost 10 }\n");
            }
            let _ = writeln!(plan, "  task a {{ effort 1d  after g{g} }}");
            let _ = writeln!(plan, "  task b {{ effort 1d  after b }}");
            let _ = writeln!(plan, "  task c {{ task d {{ effort 1d }} after c.d }}");
            let _ = writeln!(plan, "  task e {{ assign dev }}");
            let _ = writeln!(plan, "  task f {{ effort 5d  range 1d..2d }}");
            let _ = writeln!(plan, "  task h {{ effort 1d  assign 2 dev, dev }}");
            for u in 0..unknown {
                let _ = writeln!(
                    plan,
                    "  task u{u} {{ effort 1d  after t{u}x, nope.t1  tags x  note \"u\"  cost 5 }}"
                );
            }
            let _ = writeln!(plan, "}}");
        }
        plan
    }

    /// The diagnostics of lowering `text`'s tasks.
    fn lowered_diagnostics(text: &str) -> Vec<String> {
        let loaded = crate::syntax::load_str("plan.plan", text, None, &LoadOptions::default());
        assert!(!loaded.diagnostics.has_errors());
        let decls = crate::check::top_level_decls(&loaded);
        let mut diags = Diagnostics::new();
        let cals = calendars::lower_all(&decls, &mut diags);
        let res = resources::lower_all(&decls, &cals.names, CalendarId(0), &mut diags);
        lower_all(&decls, &res, Minutes(480), None, &mut diags);
        diags.iter().map(|d| format!("{d:?}")).collect()
    }

    #[test]
    fn every_group_reports_its_mistakes() {
        let diags = lowered_diagnostics(&flawed_plan(40, 0));
        assert!(diags.len() >= 40 * 6, "{}", diags.len());
    }

    #[test]
    fn a_few_unknown_names_get_suggestions() {
        // 80 misspelt names, fewer than get suggestions (200).
        let diags = lowered_diagnostics(&flawed_plan(40, 1));
        assert!(diags.iter().any(|d| d.contains("did you mean")));
    }

    #[test]
    fn suggestions_stop_at_the_plans_budget() {
        // More misspelt names than get suggestions (200).
        let diags = lowered_diagnostics(&flawed_plan(40, 8));
        let helped = diags.iter().filter(|d| d.contains("did you mean")).count();
        assert!(helped > 0 && helped < 40 * 8, "{helped}");
    }
}
