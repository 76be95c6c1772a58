//! Name resolution (spec 2.2): a reference's first name is looked up among
//! the siblings of the declaration that refers, then among its parent's
//! siblings and so on out to the top level; the rest of the path walks down
//! through children. Tasks, resources/teams, calendars, risks and issues
//! are separate namespaces.

use crate::check::model::TaskId;
use crate::diagnostic::{codes, Diagnostic};
use crate::syntax::ast::Reference;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Tasks and milestones, by (parent, id). Ids are borrowed from the syntax
/// trees, so that looking one up allocates nothing.
#[derive(Default)]
pub struct TaskNames<'a> {
    /// Ids of up to eight bytes (nearly all), packed into the key so that
    /// comparing keys does not chase a pointer into the syntax trees.
    short: HashMap<ShortKey, TaskId, FastHash>,
    /// Longer ids.
    by_scope: HashMap<(u32, &'a str), TaskId, FastHash>,
    parents: Vec<Option<TaskId>>,
    /// Each task's own id; paths are rebuilt from these only for messages.
    ids: Vec<&'a str>,
    /// How many unknown names got suggestions so far.
    suggested: std::cell::Cell<usize>,
}

/// The parent of a top-level task in the map's keys.
const TOP: u32 = u32::MAX;

fn scope_key(parent: Option<TaskId>) -> u32 {
    parent.map_or(TOP, |p| p.0)
}

/// Parent, length and the bytes of an id of at most eight bytes.
type ShortKey = (u32, u8, u64);

fn short_key(parent: Option<TaskId>, id: &str) -> Option<ShortKey> {
    let bytes = id.as_bytes();
    let mut word = [0u8; 8];
    word.get_mut(..bytes.len())?.copy_from_slice(bytes);
    Some((
        scope_key(parent),
        bytes.len() as u8,
        u64::from_le_bytes(word),
    ))
}

impl<'a> TaskNames<'a> {
    /// Room for `tasks` names without growing.
    pub fn with_capacity(tasks: usize) -> Self {
        TaskNames {
            short: HashMap::with_capacity_and_hasher(tasks, FastHash::default()),
            by_scope: HashMap::default(),
            parents: Vec::with_capacity(tasks),
            ids: Vec::with_capacity(tasks),
            suggested: std::cell::Cell::new(0),
        }
    }

    /// Adds a task under its id; a `duplicate` is kept (its children
    /// still get checked) but under no name anybody can look up.
    pub fn add(&mut self, parent: Option<TaskId>, id: &'a str, duplicate: bool) -> TaskId {
        let task = TaskId(self.parents.len() as u32);
        if !duplicate {
            match short_key(parent, id) {
                Some(key) => self.short.insert(key, task),
                None => self.by_scope.insert((scope_key(parent), id), task),
            };
        }
        self.parents.push(parent);
        self.ids.push(id);
        task
    }

    pub fn get(&self, parent: Option<TaskId>, id: &str) -> Option<TaskId> {
        match short_key(parent, id) {
            Some(key) => self.short.get(&key).copied(),
            None => self.by_scope.get(&(scope_key(parent), id)).copied(),
        }
    }

    /// The full dotted path of a task (`discovery.signoff`).
    fn path(&self, task: TaskId) -> String {
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
            let parent: Vec<&str> = reference.path[..at].iter().map(|p| &*p.name).collect();
            format!(
                "`{}` has no task or milestone `{}`",
                parent.join("."),
                part.name
            )
        };
        let mut d = Diagnostic::error(codes::UNKNOWN_NAME, message).at(part.span, "not found");
        let suggestions = self.suggest(from, &written);
        if at == 0 && reference.path.len() == 1 && &*part.name == "finish" {
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
    map: HashMap<String, T, FastHash>,
    order: Vec<String>,
}

impl<T: Copy> FlatNames<T> {
    pub fn new(what: &'static str) -> FlatNames<T> {
        FlatNames {
            what,
            map: HashMap::default(),
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
        // Most references are one name: look it up without joining.
        if let [only] = &*reference.path {
            if let Some(v) = self.map.get(&*only.name) {
                return Ok(*v);
            }
        }
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

/// Hashing for name tables: the keys are short ids from the plan, and
/// SipHash's protection against chosen collisions costs more than the
/// lookups themselves (a plan is the user's own input). This is the
/// multiply-rotate hash of rustc's `FxHasher`.
type FastHash = BuildHasherDefault<FxHasher>;

#[derive(Default, Clone, Copy)]
struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    /// Rotated because the multiply leaves the low bits, which pick the
    /// bucket, depending only on the low bits of the input (as
    /// rustc-hash 2 does).
    fn finish(&self) -> u64 {
        self.hash.rotate_left(26)
    }
}
