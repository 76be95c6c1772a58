//! Name resolution (spec 2.2): a reference's first name is looked up among
//! the siblings of the declaration that refers, then among its parent's
//! siblings and so on out to the top level; the rest of the path walks down
//! through children. Tasks, resources/teams, calendars, risks and issues
//! are separate namespaces.

use crate::check::model::TaskId;
use crate::diagnostic::{codes, Diagnostic};
use crate::syntax::ast::Reference;
use rustc_hash::FxHashMap;
use std::cell::Cell;

/// Tasks and milestones, by (parent, id). Ids are borrowed from the syntax
/// trees, so that looking one up allocates nothing.
#[derive(Default)]
pub struct TaskNames<'a> {
    by_scope: FxHashMap<(u32, &'a str), TaskId>,
    parents: Vec<Option<TaskId>>,
    /// Each task's own id; paths are rebuilt from these only for messages.
    ids: Vec<&'a str>,
    /// How many times an unknown name was to get suggestions so far,
    /// those refused past the budget included.
    suggested: Cell<usize>,
}

/// What [`TaskNames::resolve`] remembers from one reference to the next:
/// the path prefix (all names but the last) of the last reference
/// resolved. References side by side mostly share theirs (`after
/// g0.s0.t1, g0.s0.t3`), and each name it saves is a probe into a table
/// that on a large plan is far larger than the cache. Whoever resolves
/// keeps one; a new one is always right.
#[derive(Default)]
pub struct Remembered {
    /// The names, dotted (`g0.s0`).
    dotted: String,
    /// The scope it was resolved from (see [`TaskNames::find`]), the task
    /// it names, and how many names the table held then (names added
    /// since may hide it); `None` while nothing is remembered.
    found: Option<(Option<TaskId>, TaskId, usize)>,
}

impl Remembered {
    /// The task of the dotted `prefix` resolved from `scope` in a table
    /// of `names` names, if remembered.
    fn task(&self, scope: Option<TaskId>, prefix: &str, names: usize) -> Option<TaskId> {
        let (from, task, then) = self.found?;
        (from == scope && then == names && self.dotted == prefix).then_some(task)
    }

    fn remember(&mut self, scope: Option<TaskId>, prefix: &str, task: TaskId, names: usize) {
        self.dotted.clear();
        self.dotted.push_str(prefix);
        self.found = Some((scope, task, names));
    }
}

/// The parent of a top-level task in the tables' keys.
const TOP: u32 = u32::MAX;

fn scope_key(parent: Option<TaskId>) -> u32 {
    parent.map_or(TOP, |p| p.0)
}

impl<'a> TaskNames<'a> {
    /// Room for `tasks` names without growing.
    pub fn with_capacity(tasks: usize) -> Self {
        TaskNames {
            by_scope: FxHashMap::with_capacity_and_hasher(tasks, Default::default()),
            parents: Vec::with_capacity(tasks),
            ids: Vec::with_capacity(tasks),
            suggested: Cell::new(0),
        }
    }

    /// Adds a task under its id; a `duplicate` is kept (its children
    /// still get checked) but under no name anybody can look up.
    pub fn add(&mut self, parent: Option<TaskId>, id: &'a str, duplicate: bool) -> TaskId {
        let task = TaskId(self.parents.len() as u32);
        if !duplicate {
            self.by_scope.insert((scope_key(parent), id), task);
        }
        self.parents.push(parent);
        self.ids.push(id);
        task
    }

    pub fn get(&self, parent: Option<TaskId>, id: &str) -> Option<TaskId> {
        self.by_scope.get(&(scope_key(parent), id)).copied()
    }

    /// The parent a task was added under.
    pub fn parent(&self, task: TaskId) -> Option<TaskId> {
        self.parents[task.index()]
    }

    /// The full dotted path of a task (`discovery.signoff`).
    pub fn path(&self, task: TaskId) -> String {
        let mut parts = vec![self.ids[task.index()]];
        let mut cur = self.parents[task.index()];
        while let Some(p) = cur {
            parts.push(self.ids[p.index()]);
            cur = self.parents[p.index()];
        }
        parts.reverse();
        parts.join(".")
    }

    /// Resolves `reference` written inside the task `from` (or at the top
    /// level when `from` is `None`), with what `memo` remembers from the
    /// reference before.
    pub fn resolve(
        &self,
        memo: &mut Remembered,
        from: Option<TaskId>,
        reference: &Reference,
    ) -> Result<TaskId, Box<Diagnostic>> {
        if reference.is_empty() {
            return Err(Box::new(Diagnostic::error(
                codes::UNKNOWN_NAME,
                "empty reference",
            )));
        }
        let prefix = reference.prefix();
        if prefix.is_empty() {
            return self
                .find(from, reference.dotted())
                .ok_or_else(|| Box::new(self.unknown(from, reference, 0)));
        }
        let scope = from.and_then(|t| self.parents[t.index()]);
        let task = match memo.task(scope, prefix, self.parents.len()) {
            Some(task) => task,
            None => {
                let task = self.resolve_prefix(from, reference)?;
                memo.remember(scope, prefix, task, self.parents.len());
                task
            }
        };
        self.get(Some(task), reference.last_name())
            .ok_or_else(|| Box::new(self.unknown(from, reference, reference.len() - 1)))
    }

    /// Resolves all of `reference`'s names but the last (there are
    /// several).
    fn resolve_prefix(
        &self,
        from: Option<TaskId>,
        reference: &Reference,
    ) -> Result<TaskId, Box<Diagnostic>> {
        let prefix = reference.prefix();
        let mut names = prefix.split('.');
        let first = names.next().unwrap_or(prefix);
        let Some(mut task) = self.find(from, first) else {
            return Err(Box::new(self.unknown(from, reference, 0)));
        };
        for (i, name) in names.enumerate() {
            match self.get(Some(task), name) {
                Some(child) => task = child,
                None => return Err(Box::new(self.unknown(from, reference, i + 1))),
            }
        }
        Ok(task)
    }

    /// The error for the `at`-th name of `reference` (counted from 0),
    /// which names nothing.
    fn unknown(&self, from: Option<TaskId>, reference: &Reference, at: usize) -> Diagnostic {
        let (name, span) = reference
            .name_at(at)
            .unwrap_or((reference.dotted(), reference.span));
        let written = reference.dotted();
        let message = if at == 0 {
            format!("no task or milestone `{name}` is visible here")
        } else {
            format!(
                "`{}` has no task or milestone `{name}`",
                reference.names_before(at)
            )
        };
        let mut d = Diagnostic::error(codes::UNKNOWN_NAME, message).at(span, "not found");
        let suggestions = self.suggest(from, written);
        if written == "finish" {
            d = d.with_help("`finish after` starts an attribute of its own: put it after the `after` list, not inside it");
        } else if !suggestions.is_empty() {
            d = d.with_help(format!("did you mean {}?", or_list(&suggestions)));
            // Each suggestion is shown as written from here: it replaces
            // the whole reference.
            for suggestion in &suggestions {
                d = d.with_fix(reference.span, suggestion.clone());
            }
        }
        d
    }

    /// Close names: tasks whose id is spelled like the last part written,
    /// each shown the shortest way that reaches it from here. Bounded so
    /// that a plan with thousands of unknown names stays fast.
    fn suggest(&self, from: Option<TaskId>, written: &str) -> Vec<String> {
        let last = written.rsplit('.').next().unwrap_or(written);
        if last.len() > MAX_SUGGESTED_LEN {
            return Vec::new();
        }
        let asked = self.suggested.get();
        self.suggested.set(asked + 1);
        if asked >= MAX_SUGGESTIONS {
            return Vec::new();
        }
        let limit = (last.chars().count() / 3).max(1);
        let mut scored: Vec<(usize, usize)> = Vec::new();
        for (i, tail) in self.ids.iter().enumerate() {
            if Some(TaskId(i as u32)) == from || tail.len() > MAX_SUGGESTED_LEN {
                continue;
            }
            let distance = strsim::damerau_levenshtein(tail, last);
            if distance <= limit {
                scored.push((distance, i));
            }
        }
        scored.sort_unstable();
        let mut out: Vec<String> = Vec::new();
        for (_, i) in scored {
            let tail = self.ids[i];
            let shown = if self.find(from, tail) == Some(TaskId(i as u32)) {
                tail.to_string()
            } else {
                self.path(TaskId(i as u32))
            };
            if shown != written && !out.contains(&shown) {
                out.push(shown);
            }
            if out.len() == 3 {
                break;
            }
        }
        out
    }

    /// The task a single name reaches from `from`, without diagnostics.
    fn find(&self, from: Option<TaskId>, name: &str) -> Option<TaskId> {
        let mut scope = from.and_then(|t| self.parents[t.index()]);
        loop {
            if let Some(t) = self.get(scope, name) {
                return Some(t);
            }
            scope = self.parents[scope?.index()];
        }
    }
}

/// Names longer than this get no spelling suggestions (edit distance is
/// quadratic in the length).
const MAX_SUGGESTED_LEN: usize = 64;
/// Unknown names per plan that get suggestions; the rest get none.
const MAX_SUGGESTIONS: usize = 200;

/// A flat namespace (resources and teams, calendars, risks, issues).
pub struct FlatNames<T> {
    pub what: &'static str,
    by_name: FxHashMap<String, T>,
    order: Vec<String>,
}

impl<T: Copy> FlatNames<T> {
    pub fn new(what: &'static str) -> FlatNames<T> {
        FlatNames {
            what,
            by_name: FxHashMap::default(),
            order: Vec::new(),
        }
    }

    /// Adds a name; returns the earlier entry when it is taken.
    pub fn add(&mut self, name: &str, value: T) -> Option<T> {
        if let Some(old) = self.get(name) {
            return Some(old);
        }
        self.by_name.insert(name.to_string(), value);
        self.order.push(name.to_string());
        None
    }

    fn get(&self, name: &str) -> Option<T> {
        self.by_name.get(name).copied()
    }

    pub fn resolve(&self, reference: &Reference) -> Result<T, Box<Diagnostic>> {
        let written = reference.dotted();
        if let Some(v) = self.get(written) {
            return Ok(v);
        }
        let span = reference.span;
        let mut d = Diagnostic::error(
            codes::UNKNOWN_NAME,
            format!("no {} `{written}` is declared", self.what),
        )
        .at(span, "not found");
        let suggestions = closest(written, self.order.iter().map(String::as_str));
        if !suggestions.is_empty() {
            d = d.with_help(format!("did you mean {}?", or_list(&suggestions)));
            for suggestion in &suggestions {
                d = d.with_fix(span, suggestion.clone());
            }
        } else if self.order.is_empty() {
            d = d.with_help(format!(
                "declare it first, like `{} {written} {{ ... }}`",
                self.keyword()
            ));
        }
        Err(Box::new(d))
    }

    fn keyword(&self) -> &'static str {
        match self.what {
            "resource or team" => "resource",
            other => other,
        }
    }
}

/// Up to three names close to `written`, closest first.
pub fn closest<'a>(written: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    if written.len() > MAX_SUGGESTED_LEN {
        return Vec::new();
    }
    let names = names.filter(|n| n.len() <= MAX_SUGGESTED_LEN);
    let limit = (written.chars().count() / 3).max(1) + 1;
    let mut scored: Vec<(usize, &str)> = names
        .filter(|n| *n != written)
        .map(|n| (strsim::damerau_levenshtein(written, n), n))
        .filter(|(d, n)| *d <= limit || n.starts_with(written) || written.starts_with(n))
        .collect();
    scored.sort();
    scored.dedup();
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`".
pub fn or_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn reference(dotted: &str) -> Reference {
        Reference {
            text: dotted.into(),
            span: Span::new(FileId(0), 0, dotted.len()),
        }
    }

    /// Resolution as spec 2.2 words it, one scope at a time, by scanning
    /// every task: the reference the tables must agree with.
    fn slow_resolve(
        parents: &[Option<TaskId>],
        ids: &[&str],
        added: &[bool],
        from: Option<TaskId>,
        path: &[&str],
    ) -> Option<TaskId> {
        let child = |parent: Option<TaskId>, id: &str| {
            (0..ids.len())
                .rev()
                .find(|&i| added[i] && parents[i] == parent && ids[i] == id)
                .map(|i| TaskId(i as u32))
        };
        let mut scope = from.and_then(|t| parents[t.index()]);
        let mut task = loop {
            if let Some(t) = child(scope, path[0]) {
                break t;
            }
            scope = parents[scope?.index()];
        };
        for id in &path[1..] {
            task = child(Some(task), id)?;
        }
        Some(task)
    }

    #[test]
    fn inner_names_hide_outer_ones() {
        let mut names = TaskNames::default();
        let a = names.add(None, "a", false);
        let b = names.add(None, "b", false);
        let bx = names.add(Some(b), "x", false);
        let by = names.add(Some(b), "y", false);
        let bya = names.add(Some(by), "a", false);
        let long = names.add(None, "a_rather_long_id", false);
        let long_x = names.add(Some(long), "x", false);
        let resolve = |from, dotted| {
            let memo = &mut Remembered::default();
            names.resolve(memo, from, &reference(dotted)).ok()
        };
        assert_eq!(resolve(Some(bya), "a"), Some(bya));
        assert_eq!(resolve(Some(by), "a"), Some(a));
        assert_eq!(resolve(Some(by), "x"), Some(bx));
        assert_eq!(resolve(Some(bx), "y.a"), Some(bya));
        assert_eq!(resolve(Some(long_x), "b.y.a"), Some(bya));
        assert_eq!(resolve(Some(bya), "a_rather_long_id.x"), Some(long_x));
        assert_eq!(resolve(None, "x"), None);
        assert_eq!(resolve(Some(a), "y"), None);
        assert_eq!(resolve(Some(a), "b.a"), None);
    }

    #[test]
    fn a_prefix_remembered_before_a_name_is_added_is_not_used() {
        let mut names = TaskNames::default();
        let b = names.add(None, "b", false);
        let bx = names.add(Some(b), "x", false);
        let c = names.add(None, "c", false);
        let cy = names.add(Some(c), "y", false);
        let mut memo = Remembered::default();
        let written = reference("b.x");
        assert_eq!(names.resolve(&mut memo, Some(cy), &written).ok(), Some(bx));
        // A `b` beside `y` now hides the top-level one.
        let cb = names.add(Some(c), "b", false);
        let cbx = names.add(Some(cb), "x", false);
        assert_eq!(names.resolve(&mut memo, Some(cy), &written).ok(), Some(cbx));
    }

    #[test]
    fn tables_agree_with_scanning_on_random_trees() {
        // Few distinct ids, so that most are declared under several parents.
        let pool = [
            "a",
            "b",
            "c",
            "task",
            "\u{e9}t\u{e9}",
            "eight_by",
            "nine_byte",
        ];
        let mut next64 = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let mut next = move |below: usize| next64(below as u64) as usize;
        let mut names = TaskNames::default();
        let (mut parents, mut ids, mut added) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..400 {
            let parent = (i > 0 && next(4) > 0).then(|| TaskId(next(i) as u32));
            let id = pool[next(pool.len())];
            let duplicate = names.get(parent, id).is_some();
            names.add(parent, id, duplicate);
            parents.push(parent);
            ids.push(id);
            added.push(!duplicate);
        }
        let mut memo = Remembered::default();
        for _ in 0..4000 {
            let from = (next(8) > 0).then(|| TaskId(next(ids.len()) as u32));
            let path: Vec<&str> = (0..1 + next(3)).map(|_| pool[next(pool.len())]).collect();
            // Then the same prefix with another last name, from a sibling
            // (the same scope: the remembered prefix serves it) or from
            // anywhere (it must not).
            let mut again = path.clone();
            if let Some(last) = again.last_mut() {
                *last = pool[next(pool.len())];
            }
            let sibling = from.and_then(|t| {
                let scope = parents[t.index()];
                (0..ids.len())
                    .map(|j| TaskId(j as u32))
                    .filter(|&j| parents[j.index()] == scope)
                    .nth(next(3))
            });
            let elsewhere = (next(8) > 0).then(|| TaskId(next(ids.len()) as u32));
            for (from, path) in [
                (from, &path),
                (sibling.or(from), &again),
                (elsewhere, &again),
            ] {
                let expected = slow_resolve(&parents, &ids, &added, from, path);
                let written = reference(&path.join("."));
                let found = names.resolve(&mut memo, from, &written);
                assert_eq!(
                    found.clone().ok(),
                    expected,
                    "{} from {from:?}",
                    path.join(".")
                );
                // Remembered or not, the same error (help aside: the
                // number of suggestions is capped per plan).
                let fresh = names.resolve(&mut Remembered::default(), from, &written);
                let error = |r: Result<TaskId, Box<Diagnostic>>| {
                    r.err().map(|d| {
                        let place = (&d.primary, &d.secondary);
                        format!("{} {:?} {place:?}", d.message, d.code)
                    })
                };
                assert_eq!(
                    error(found),
                    error(fresh),
                    "{} from {from:?}",
                    path.join(".")
                );
            }
        }
    }

    #[test]
    fn flat_names_short_and_long() {
        let mut names: FlatNames<u32> = FlatNames::new("resource");
        assert_eq!(names.add("alice", 1), None);
        assert_eq!(names.add("a_long_resource_name", 2), None);
        assert_eq!(names.add("alice", 3), Some(1));
        assert_eq!(names.resolve(&reference("alice")).ok(), Some(1));
        assert_eq!(
            names.resolve(&reference("a_long_resource_name")).ok(),
            Some(2)
        );
        assert!(names.resolve(&reference("bob")).is_err());
    }
}
