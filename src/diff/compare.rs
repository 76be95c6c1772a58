//! What changed between two snapshots, ordered by what matters to a
//! project manager: the end and the milestones first, then money, the
//! critical path, the task list, and last the details of each task.

use super::snapshot::{number, Kind, Snapshot, Task};
use crate::units::{Minutes, Moment, Money};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// The schema of the diff's JSON (docs/diff.schema.json).
pub const SCHEMA: &str = "planc-diff/1";

/// Everything `planc diff` reports; serialized as is for `--format json`.
#[derive(Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    /// What each side is: a revision, "working tree" or a file name.
    pub old: String,
    pub new: String,
    pub title: String,
    pub end: EndChange,
    pub milestones: Vec<MilestoneChange>,
    pub cost: CostChange,
    pub critical_joined: Vec<String>,
    pub critical_left: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub renamed: Vec<Renamed>,
    pub moved: Vec<Moved>,
    pub changed: Vec<Changed>,
    pub overallocations_new: Vec<String>,
    pub overallocations_gone: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct EndChange {
    pub old: String,
    pub new: String,
    /// Working days on the new side's project calendar; positive is later.
    pub slip_days: f64,
    #[serde(skip)]
    pub slip: Minutes,
    pub deadline_old: Option<String>,
    pub deadline_new: Option<String>,
    pub deadline_met_old: Option<bool>,
    pub deadline_met_new: Option<bool>,
}

#[derive(Debug, Serialize)]
pub struct MilestoneChange {
    pub id: String,
    pub title: String,
    pub old: String,
    pub new: String,
    pub slip_days: f64,
    #[serde(skip)]
    pub slip: Minutes,
    pub deadline_met_old: Option<bool>,
    pub deadline_met_new: Option<bool>,
}

#[derive(Debug, Serialize)]
pub struct CostChange {
    pub currency: Option<String>,
    pub old: f64,
    pub new: f64,
    pub budget_old: Option<f64>,
    pub budget_new: Option<f64>,
    pub within_budget_old: Option<bool>,
    pub within_budget_new: Option<bool>,
    /// Top-level groups whose cost changed.
    pub groups: Vec<GroupCost>,
}

#[derive(Debug, Serialize)]
pub struct GroupCost {
    pub id: String,
    pub old: f64,
    pub new: f64,
}

#[derive(Debug, Serialize)]
pub struct Renamed {
    pub old: String,
    pub new: String,
}

#[derive(Debug, Serialize)]
pub struct Moved {
    pub id: String,
    pub old_start: String,
    pub new_start: String,
    pub old_end: String,
    pub new_end: String,
    /// End shift in working days (start shift for a milestone is the same).
    pub slip_days: f64,
    #[serde(skip)]
    pub slip: Minutes,
    pub why: String,
}

#[derive(Debug, Serialize)]
pub struct Changed {
    pub id: String,
    /// `effort 10d -> 15d`, `assigned alice -> alice, bob`, ...
    pub what: Vec<String>,
}

impl Report {
    /// Nothing that a schedule reader would see changed.
    pub fn is_empty(&self) -> bool {
        self.end.old == self.end.new
            && self.end.deadline_met_old == self.end.deadline_met_new
            && self.milestones.is_empty()
            && self.cost.old == self.cost.new
            && self.cost.within_budget_old == self.cost.within_budget_new
            && self.cost.groups.is_empty()
            && self.critical_joined.is_empty()
            && self.critical_left.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.renamed.is_empty()
            && self.moved.is_empty()
            && self.changed.is_empty()
            && self.overallocations_new.is_empty()
            && self.overallocations_gone.is_empty()
    }

    /// The slips beyond `limit` (end and milestones), as lines.
    pub fn slips_over(&self, limit: Minutes) -> Vec<String> {
        let mut over = Vec::new();
        if self.end.slip > limit {
            over.push(format!(
                "the project end slips {} working days",
                number(self.end.slip_days)
            ));
        }
        for m in &self.milestones {
            if m.slip > limit {
                over.push(format!(
                    "`{}` slips {} working days",
                    m.id,
                    number(m.slip_days)
                ));
            }
        }
        over
    }
}

/// Compares two snapshots; `labels` name the sides.
pub fn compare(old: &Snapshot, new: &Snapshot, labels: (String, String)) -> Report {
    let names = match_tasks(old, new);
    let days = |w: Minutes| slip_days(w, new.day);
    let end_slip = new.work_between(old.end, new.end);
    let end = EndChange {
        old: old.end.to_iso(),
        new: new.end.to_iso(),
        slip_days: days(end_slip),
        slip: end_slip,
        deadline_old: old.deadline.map(Moment::to_iso),
        deadline_new: new.deadline.map(Moment::to_iso),
        deadline_met_old: old.deadline.map(|d| old.end <= d),
        deadline_met_new: new.deadline.map(|d| new.end <= d),
    };
    let mut milestones = Vec::new();
    let mut moved = Vec::new();
    let mut changed = Vec::new();
    let (mut joined, mut left) = (Vec::new(), Vec::new());
    for (o, n) in names
        .pairs
        .iter()
        .map(|&(o, n)| (&old.tasks[o], &new.tasks[n]))
    {
        if o.critical != n.critical && n.kind != Kind::Group {
            if n.critical { &mut joined } else { &mut left }.push(n.id.clone());
        }
        let edits = own_changes(o, n, new.day);
        if n.kind == Kind::Milestone {
            let slip = new.work_between(o.end, n.end);
            let met = |t: &Task| t.deadline.map(|d| t.end <= d);
            if o.end != n.end || met(o) != met(n) {
                milestones.push(MilestoneChange {
                    id: n.id.clone(),
                    title: n.title.clone(),
                    old: o.end.to_iso(),
                    new: n.end.to_iso(),
                    slip_days: days(slip),
                    slip,
                    deadline_met_old: met(o),
                    deadline_met_new: met(n),
                });
            }
        }
        if n.kind != Kind::Group && (o.start != n.start || o.end != n.end) {
            let slip = new.work_between(o.end, n.end);
            moved.push(Moved {
                id: n.id.clone(),
                old_start: o.start.to_iso(),
                new_start: n.start.to_iso(),
                old_end: o.end.to_iso(),
                new_end: n.end.to_iso(),
                slip_days: days(slip),
                slip,
                why: why_moved(o, n, &edits, old, new, &names),
            });
        }
        if !edits.is_empty() {
            changed.push(Changed {
                id: n.id.clone(),
                what: edits,
            });
        }
    }
    // The largest slips first; the sort is stable, so ties keep plan order.
    moved.sort_by_key(|m| std::cmp::Reverse(m.slip.0.abs()));
    milestones.sort_by_key(|m| std::cmp::Reverse(m.slip.0.abs()));
    let (overallocations_new, overallocations_gone) =
        one_sided(&old.overallocations, &new.overallocations);
    Report {
        schema: SCHEMA,
        old: labels.0,
        new: labels.1,
        title: new.title.clone(),
        end,
        milestones,
        cost: cost_change(old, new, &names),
        critical_joined: joined,
        critical_left: left,
        added: names
            .added
            .iter()
            .map(|&n| new.tasks[n].id.clone())
            .collect(),
        removed: names
            .removed
            .iter()
            .map(|&o| old.tasks[o].id.clone())
            .collect(),
        renamed: names
            .renamed
            .iter()
            .map(|&(o, n)| Renamed {
                old: old.tasks[o].id.clone(),
                new: new.tasks[n].id.clone(),
            })
            .collect(),
        moved,
        changed,
        overallocations_new,
        overallocations_gone,
    }
}

/// Working days, to the hundredth.
fn slip_days(w: Minutes, day: Minutes) -> f64 {
    if day.0 <= 0 {
        return 0.0;
    }
    let d = (w.0 as f64 / day.0 as f64 * 100.0).round() / 100.0;
    if d == 0.0 {
        0.0
    } else {
        d
    }
}

/// How the tasks of the two sides correspond.
struct Matching {
    /// (old, new) indices of the same task, in the new plan's order.
    pairs: Vec<(usize, usize)>,
    added: Vec<usize>,
    removed: Vec<usize>,
    /// A subset of `pairs`: the id changed, the title and place did not.
    renamed: Vec<(usize, usize)>,
    /// New id to old id, for the drivers of renamed tasks.
    old_id: FxHashMap<String, String>,
}

/// Pairs tasks by id; a task whose id is gone is paired with a new one of
/// the same title under the same (possibly renamed) parent, as a rename.
/// Parents come before children, so a renamed group carries its children.
fn match_tasks(old: &Snapshot, new: &Snapshot) -> Matching {
    let mut taken = vec![false; old.tasks.len()];
    let mut old_of_new: Vec<Option<usize>> = vec![None; new.tasks.len()];
    for (n, t) in new.tasks.iter().enumerate() {
        if let Some(o) = old.position(&t.id) {
            taken[o] = true;
            old_of_new[n] = Some(o);
        }
    }
    // Unmatched old tasks by (parent as the new side names it, title).
    let mut renamed_parent: FxHashMap<&str, &str> = FxHashMap::default();
    let mut spare: Option<Spare> = None;
    let mut renamed = Vec::new();
    for (n, t) in new.tasks.iter().enumerate() {
        if old_of_new[n].is_some() {
            continue;
        }
        // Built on first need: most diffs rename nothing.
        let spare = spare.get_or_insert_with(|| unmatched_by_title(old, &taken));
        let parent_in_old = t
            .parent
            .as_deref()
            .map(|p| renamed_parent.get(p).copied().unwrap_or(p).to_string());
        let Some(o) = spare
            .get_mut(&(parent_in_old, t.title.as_str()))
            .and_then(|c| (!c.is_empty()).then(|| c.remove(0)))
        else {
            continue;
        };
        if old.tasks[o].kind != t.kind {
            continue;
        }
        taken[o] = true;
        old_of_new[n] = Some(o);
        renamed.push((o, n));
        renamed_parent.insert(&t.id, &old.tasks[o].id);
    }
    let pairs: Vec<(usize, usize)> = old_of_new
        .iter()
        .enumerate()
        .filter_map(|(n, o)| o.map(|o| (o, n)))
        .collect();
    let old_id = renamed
        .iter()
        .map(|&(o, n)| (new.tasks[n].id.clone(), old.tasks[o].id.clone()))
        .collect();
    Matching {
        added: (0..new.tasks.len())
            .filter(|&n| old_of_new[n].is_none())
            .collect(),
        removed: (0..old.tasks.len()).filter(|&o| !taken[o]).collect(),
        pairs,
        renamed,
        old_id,
    }
}

/// Old tasks left unmatched by id, by (parent, title).
type Spare<'s> = FxHashMap<(Option<String>, &'s str), Vec<usize>>;

fn unmatched_by_title<'s>(old: &'s Snapshot, taken: &[bool]) -> Spare<'s> {
    let mut spare: Spare<'s> = FxHashMap::default();
    for (o, t) in old.tasks.iter().enumerate().filter(|&(o, _)| !taken[o]) {
        spare
            .entry((t.parent.clone(), t.title.as_str()))
            .or_default()
            .push(o);
    }
    spare
}

/// What the plan says differently about one task: its length, who does it
/// and what it waits for.
fn own_changes(o: &Task, n: &Task, day: Minutes) -> Vec<String> {
    let mut edits = Vec::new();
    if o.work != n.work {
        let show = |w: &Option<(String, f64)>| {
            w.as_ref().map_or("none".to_string(), |(k, h)| {
                format!("{k} {}", length(*h, day))
            })
        };
        edits.push(match (&o.work, &n.work) {
            (Some((ko, ho)), Some((kn, hn))) if ko == kn => {
                format!("{ko} {} -> {}", length(*ho, day), length(*hn, day))
            }
            _ => format!("{} -> {}", show(&o.work), show(&n.work)),
        });
    }
    if o.assignments != n.assignments {
        edits.push(format!(
            "assigned {} -> {}",
            list_or_none(&o.assignments),
            list_or_none(&n.assignments)
        ));
    }
    if o.dependencies != n.dependencies {
        edits.push(format!(
            "dependencies {} -> {}",
            list_or_none(&o.dependencies),
            list_or_none(&n.dependencies)
        ));
    }
    if o.deadline != n.deadline {
        let show = |d: Option<Moment>| d.map_or("none".to_string(), Moment::to_iso);
        edits.push(format!(
            "deadline {} -> {}",
            show(o.deadline),
            show(n.deadline)
        ));
    }
    edits
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// Hours as the plan would write them: days when they are whole days.
fn length(hours: f64, day: Minutes) -> String {
    let day_hours = day.0 as f64 / 60.0;
    if day_hours > 0.0 && ((hours / day_hours) * 100.0).round() % 100.0 == 0.0 {
        format!("{}d", number(hours / day_hours))
    } else {
        format!("{}h", number(hours))
    }
}

/// Why a task moved: its own changes, else what now fixes its start.
fn why_moved(
    o: &Task,
    n: &Task,
    edits: &[String],
    old: &Snapshot,
    new: &Snapshot,
    names: &Matching,
) -> String {
    if !edits.is_empty() {
        return edits.join("; ");
    }
    if o.start == n.start {
        return "its length in working time changed (a calendar, time off or who does the work)"
            .to_string();
    }
    let Some(d) = &n.driver else {
        return "its start moved".to_string();
    };
    let same_driver = o.driver.as_ref().is_some_and(|od| {
        od.kind == d.kind
            && od.resource == d.resource
            && od.task.as_deref()
                == d.task
                    .as_deref()
                    .map(|t| names.old_id.get(t).map_or(t, String::as_str))
    });
    let now = if same_driver { "" } else { "now " };
    let moved_by = |id: &str| {
        let old_id = names.old_id.get(id).map_or(id, String::as_str);
        match (old.task(old_id), new.task(id)) {
            (Some(a), Some(b)) if a.end != b.end => {
                let w = new.work_between(a.end, b.end);
                let d = slip_days(Minutes(w.0.abs()), new.day);
                format!(
                    " ({} {} working {})",
                    if w.0 >= 0 { "later by" } else { "earlier by" },
                    number(d),
                    if d == 1.0 { "day" } else { "days" }
                )
            }
            (None, Some(_)) => " (new)".to_string(),
            _ => String::new(),
        }
    };
    match (d.kind.as_str(), &d.task, &d.resource) {
        ("dependency", Some(t), _) => format!("{now}after `{t}`{}", moved_by(t)),
        ("resource", Some(t), Some(r)) => {
            format!("{now}waits for `{r}`, busy on `{t}`{}", moved_by(t))
        }
        ("resource", None, Some(r)) => format!("{now}waits for `{r}`"),
        (kind, _, _) => format!("{now}starts at its {kind}"),
    }
}

/// Total cost, budget status and the top-level groups whose cost changed.
fn cost_change(old: &Snapshot, new: &Snapshot, names: &Matching) -> CostChange {
    let within = |s: &Snapshot| s.budget.map(|b| s.cost <= b);
    let groups = names
        .pairs
        .iter()
        .map(|&(o, n)| (&old.tasks[o], &new.tasks[n]))
        .filter(|(o, n)| n.kind == Kind::Group && n.parent.is_none() && o.cost != n.cost)
        .map(|(o, n)| GroupCost {
            id: n.id.clone(),
            old: o.cost.as_f64(),
            new: n.cost.as_f64(),
        })
        .collect();
    CostChange {
        currency: new.currency.clone(),
        old: old.cost.as_f64(),
        new: new.cost.as_f64(),
        budget_old: old.budget.map(Money::as_f64),
        budget_new: new.budget.map(Money::as_f64),
        within_budget_old: within(old),
        within_budget_new: within(new),
        groups,
    }
}

/// Lines only in `new`, and lines only in `old`.
fn one_sided(old: &[String], new: &[String]) -> (Vec<String>, Vec<String>) {
    let o: FxHashSet<&String> = old.iter().collect();
    let n: FxHashSet<&String> = new.iter().collect();
    (
        new.iter().filter(|l| !o.contains(l)).cloned().collect(),
        old.iter().filter(|l| !n.contains(l)).cloned().collect(),
    )
}
