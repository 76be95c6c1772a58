//! Name resolution (spec 2.2): a reference's first name is looked up among
//! the siblings of the declaration that refers, then among its parent's
//! siblings and so on out to the top level; the rest of the path walks down
//! through children. Tasks, resources/teams, calendars, risks and issues
//! are separate namespaces.

use crate::check::model::TaskId;
use crate::diagnostic::{codes, Diagnostic};
use crate::syntax::ast::Reference;
use std::collections::HashMap;

/// Tasks and milestones, by (parent, id).
#[derive(Default)]
pub struct TaskNames {
    by_scope: HashMap<(Option<TaskId>, String), TaskId>,
    parents: Vec<Option<TaskId>>,
    paths: Vec<String>,
    /// How many unknown names got suggestions so far.
    suggested: std::cell::Cell<usize>,
}

impl TaskNames {
    pub fn add(&mut self, parent: Option<TaskId>, id: &str, path: String) -> TaskId {
        let task = TaskId(self.parents.len() as u32);
        self.by_scope.insert((parent, id.to_string()), task);
        self.parents.push(parent);
        self.paths.push(path);
        task
    }

    pub fn get(&self, parent: Option<TaskId>, id: &str) -> Option<TaskId> {
        self.by_scope.get(&(parent, id.to_string())).copied()
    }

    /// Resolves `reference` written inside the task `from` (or at the top
    /// level when `from` is `None`).
    pub fn resolve(
        &self,
        from: Option<TaskId>,
        reference: &Reference,
    ) -> Result<TaskId, Box<Diagnostic>> {
        let Some(first) = reference.path.first() else {
            return Err(Box::new(Diagnostic::error(
                codes::UNKNOWN_NAME,
                "empty reference",
            )));
        };
        let mut scope = from.and_then(|t| self.parents[t.index()]);
        let mut found = None;
        loop {
            if let Some(t) = self.get(scope, &first.name) {
                found = Some(t);
                break;
            }
            match scope {
                Some(s) => scope = self.parents[s.index()],
                None => break,
            }
        }
        let Some(mut task) = found else {
            return Err(Box::new(self.unknown(from, reference, 0)));
        };
        for (i, part) in reference.path.iter().enumerate().skip(1) {
            match self.get(Some(task), &part.name) {
                Some(child) => task = child,
                None => return Err(Box::new(self.unknown(from, reference, i))),
            }
        }
        Ok(task)
    }

    fn unknown(&self, from: Option<TaskId>, reference: &Reference, at: usize) -> Diagnostic {
        let part = &reference.path[at];
        let written = reference.dotted();
        let message = if at == 0 {
            format!("no task or milestone `{}` is visible here", part.name)
        } else {
            let parent: Vec<&str> = reference.path[..at]
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            format!(
                "`{}` has no task or milestone `{}`",
                parent.join("."),
                part.name
            )
        };
        let mut d = Diagnostic::error(codes::UNKNOWN_NAME, message).at(part.span, "not found");
        let suggestions = self.suggest(from, &written);
        if at == 0 && reference.path.len() == 1 && part.name == "finish" {
            d = d.with_help("`finish after` starts an attribute of its own: put it after the `after` list, not inside it");
        } else if !suggestions.is_empty() {
            d = d.with_help(format!("did you mean {}?", or_list(&suggestions)));
        }
        d
    }

    /// Close names: tasks whose id is spelled like the last part written,
    /// each shown the shortest way that reaches it from here. Bounded so
    /// that a plan with thousands of unknown names stays fast.
    fn suggest(&self, from: Option<TaskId>, written: &str) -> Vec<String> {
        let last = written.rsplit('.').next().unwrap_or(written);
        if last.len() > MAX_SUGGESTED_LEN || self.suggested.get() >= MAX_SUGGESTIONS {
            return Vec::new();
        }
        self.suggested.set(self.suggested.get() + 1);
        let limit = (last.chars().count() / 3).max(1);
        let mut scored: Vec<(usize, usize)> = Vec::new();
        for (i, path) in self.paths.iter().enumerate() {
            let tail = path.rsplit('.').next().unwrap_or(path);
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
            let path = &self.paths[i];
            let tail = path.rsplit('.').next().unwrap_or(path);
            let shown = if self.find(from, tail) == Some(TaskId(i as u32)) {
                tail
            } else {
                path
            };
            if shown != written && !out.iter().any(|o| o == shown) {
                out.push(shown.to_string());
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
    map: HashMap<String, T>,
    order: Vec<String>,
}

impl<T: Copy> FlatNames<T> {
    pub fn new(what: &'static str) -> FlatNames<T> {
        FlatNames {
            what,
            map: HashMap::new(),
            order: Vec::new(),
        }
    }

    /// Adds a name; returns the earlier entry when it is taken.
    pub fn add(&mut self, name: &str, value: T) -> Option<T> {
        if let Some(old) = self.map.get(name) {
            return Some(*old);
        }
        self.map.insert(name.to_string(), value);
        self.order.push(name.to_string());
        None
    }

    pub fn resolve(&self, reference: &Reference) -> Result<T, Box<Diagnostic>> {
        let written = reference.dotted();
        if let Some(v) = self.map.get(&written) {
            return Ok(*v);
        }
        let span = reference
            .path
            .first()
            .map_or(reference.span, |p| p.span)
            .to(reference.span);
        let mut d = Diagnostic::error(
            codes::UNKNOWN_NAME,
            format!("no {} `{written}` is declared", self.what),
        )
        .at(span, "not found");
        let suggestions = closest(&written, self.order.iter().map(String::as_str));
        if !suggestions.is_empty() {
            d = d.with_help(format!("did you mean {}?", or_list(&suggestions)));
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
