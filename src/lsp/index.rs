//! Every declaration of a plan and every name that refers to one, found
//! from the syntax trees (so it works on plans with errors, which have no
//! model): what go to definition, references, rename, the outline and
//! hover look up. References resolve by the rules of spec 2.2, as the
//! checker resolves them: a task name is looked up among the siblings of
//! the declaration that refers, then outwards; the rest of a dotted path
//! walks down. Resources and teams share one flat namespace; calendars,
//! risks and issues have one each.

use crate::source::{FileId, Span};
use crate::syntax::ast::{AttrValue, Decl, DeclKind, File, Item, Reference, TopItem};
use std::collections::HashMap;

/// The namespaces of spec 2.2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Space {
    Task,
    Resource,
    Calendar,
    Risk,
    Issue,
    Project,
}

/// One declaration with an id.
#[derive(Clone, Debug)]
pub struct Symbol {
    pub kind: DeclKind,
    /// A task's full dotted path; the id of anything else.
    pub path: String,
    pub title: Option<String>,
    pub name_span: Span,
    pub span: Span,
    /// The enclosing declaration's symbol (a group, a team).
    pub parent: Option<usize>,
    /// Whether a task has nested tasks or milestones.
    pub is_group: bool,
    /// The end of the title, when there is one.
    pub title_end: Option<u32>,
}

impl Symbol {
    pub fn space(&self) -> Space {
        space_of(self.kind)
    }

    /// The declared id: the last name of the path.
    pub fn id(&self) -> &str {
        self.path.rsplit('.').next().unwrap_or(&self.path)
    }
}

fn space_of(kind: DeclKind) -> Space {
    match kind {
        DeclKind::Task | DeclKind::Milestone => Space::Task,
        DeclKind::Resource | DeclKind::Team => Space::Resource,
        DeclKind::Calendar => Space::Calendar,
        DeclKind::Risk => Space::Risk,
        DeclKind::Issue => Space::Issue,
        DeclKind::Project => Space::Project,
    }
}

/// A place where a symbol's id is written: its declaration or one name of
/// a reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spot {
    pub span: Span,
    pub symbol: usize,
    pub is_declaration: bool,
}

/// Where a reference of some namespace is written, with the scope it is
/// resolved from (for completion).
#[derive(Default, Debug)]
pub struct Index {
    pub symbols: Vec<Symbol>,
    by_name: HashMap<(Space, String), usize>,
    /// Sorted by file and start.
    spots: Vec<Spot>,
}

impl Index {
    pub fn build(files: &[(FileId, File)]) -> Index {
        let mut index = Index::default();
        for (_, file) in files {
            for item in &file.items {
                if let TopItem::Decl(decl) = item {
                    index.declare(decl, None, None);
                }
            }
        }
        let mut spots: Vec<Spot> = index
            .symbols
            .iter()
            .enumerate()
            .map(|(i, s)| Spot {
                span: s.name_span,
                symbol: i,
                is_declaration: true,
            })
            .collect();
        for (_, file) in files {
            for item in &file.items {
                if let TopItem::Decl(decl) = item {
                    index.refer(decl, None, &mut spots);
                }
            }
        }
        spots.sort_by_key(|s| (s.span.file, s.span.start));
        index.spots = spots;
        index
    }

    /// Adds `decl` and what it nests; `task_parent` is the enclosing task's
    /// path, `parent` its symbol.
    fn declare(&mut self, decl: &Decl, task_parent: Option<&str>, parent: Option<usize>) {
        let Some(id) = &decl.id else {
            return;
        };
        let is_task = matches!(decl.kind, DeclKind::Task | DeclKind::Milestone);
        let path = match (is_task, task_parent) {
            (true, Some(p)) => format!("{p}.{}", id.name),
            _ => id.name.to_string(),
        };
        let me = self.symbols.len();
        self.symbols.push(Symbol {
            kind: decl.kind,
            path: path.clone(),
            title: decl.title.as_ref().map(|t| t.value.clone()),
            name_span: id.span,
            span: decl.span,
            parent,
            is_group: decl.children().next().is_some(),
            title_end: decl.title.as_ref().map(|t| t.span.end),
        });
        self.by_name
            .entry((space_of(decl.kind), path.clone()))
            .or_insert(me);
        for nested in decl.nested() {
            self.declare(nested, is_task.then_some(path.as_str()), Some(me));
        }
    }

    /// Records the references written in `decl`, declared in the task
    /// `scope` (a dotted path) if any.
    fn refer(&self, decl: &Decl, scope: Option<&str>, spots: &mut Vec<Spot>) {
        let is_task = matches!(decl.kind, DeclKind::Task | DeclKind::Milestone);
        let own = match (&decl.id, is_task) {
            (Some(id), true) => Some(match scope {
                Some(s) => format!("{s}.{}", id.name),
                None => id.name.to_string(),
            }),
            _ => None,
        };
        let here = own.as_deref();
        for item in decl.body.iter() {
            match item {
                Item::Decl(nested) => self.refer(nested, if is_task { here } else { scope }, spots),
                Item::Attr(attr) => {
                    for (space, reference) in references_of(&attr.value) {
                        self.resolve_into(space, reference, here, spots);
                    }
                }
            }
        }
    }

    fn resolve_into(
        &self,
        space: Space,
        reference: &Reference,
        scope: Option<&str>,
        spots: &mut Vec<Spot>,
    ) {
        if space != Space::Task {
            if let Some(&symbol) = self.by_name.get(&(space, reference.dotted().to_string())) {
                spots.push(Spot {
                    span: reference.span,
                    symbol,
                    is_declaration: false,
                });
            }
            return;
        }
        let mut names = (0..reference.len()).filter_map(|i| reference.name_at(i));
        let Some((first, span)) = names.next() else {
            return;
        };
        let Some(mut found) = self.find_task(scope, first) else {
            return;
        };
        spots.push(Spot {
            span,
            symbol: found,
            is_declaration: false,
        });
        for (name, span) in names {
            let path = format!("{}.{name}", self.symbols[found].path);
            let Some(&child) = self.by_name.get(&(Space::Task, path)) else {
                return;
            };
            found = child;
            spots.push(Spot {
                span,
                symbol: found,
                is_declaration: false,
            });
        }
    }

    /// The task a single `name` reaches from inside the task `scope`: its
    /// siblings first, then outwards (spec 2.2).
    pub fn find_task(&self, scope: Option<&str>, name: &str) -> Option<usize> {
        let mut container = scope.and_then(parent_path);
        loop {
            let path = match container {
                Some(c) => format!("{c}.{name}"),
                None => name.to_string(),
            };
            if let Some(&found) = self.by_name.get(&(Space::Task, path)) {
                return Some(found);
            }
            container = parent_path(container?);
        }
    }

    /// The symbol named `path` in `space`.
    pub fn get(&self, space: Space, path: &str) -> Option<usize> {
        self.by_name.get(&(space, path.to_string())).copied()
    }

    /// The spot under byte `offset` of `file` (a name touching the offset
    /// on either side counts, as the cursor may stand just after it).
    pub fn spot_at(&self, file: FileId, offset: usize) -> Option<Spot> {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        let after = self
            .spots
            .partition_point(|s| (s.span.file, s.span.start) <= (file, offset));
        self.spots[..after]
            .iter()
            .rev()
            .take(4)
            .find(|s| s.span.file == file && s.span.start <= offset && offset <= s.span.end)
            .copied()
    }

    /// Every place the symbol's id is written, its declaration first.
    pub fn spots_of(&self, symbol: usize) -> impl Iterator<Item = &Spot> {
        let declaration = self.spots.iter().filter(move |s| s.symbol == symbol);
        let mut all: Vec<&Spot> = declaration.collect();
        all.sort_by_key(|s| (!s.is_declaration, s.span.file, s.span.start));
        all.into_iter()
    }

    /// The symbols of one file, in order.
    pub fn symbols_in(&self, file: FileId) -> impl Iterator<Item = (usize, &Symbol)> {
        self.symbols
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.name_span.file == file)
    }

    /// The innermost declaration around byte `offset` of `file`.
    pub fn innermost(&self, file: FileId, offset: usize) -> Option<&Symbol> {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        self.symbols
            .iter()
            .filter(|s| s.span.file == file && s.span.start <= offset && offset <= s.span.end)
            .max_by_key(|s| s.span.start)
    }

    /// The innermost task declared around byte `offset` of `file`.
    pub fn task_around(&self, file: FileId, offset: usize) -> Option<&Symbol> {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        self.symbols
            .iter()
            .filter(|s| {
                s.space() == Space::Task
                    && s.span.file == file
                    && s.span.start <= offset
                    && offset <= s.span.end
            })
            .max_by_key(|s| s.span.start)
    }
}

/// `a.b` of `a.b.c`.
fn parent_path(path: &str) -> Option<&str> {
    path.rfind('.').map(|dot| &path[..dot])
}

/// The references an attribute writes, with their namespaces.
fn references_of(value: &AttrValue) -> Vec<(Space, &Reference)> {
    match value {
        AttrValue::After(deps) => deps.iter().map(|d| (Space::Task, &d.target)).collect(),
        AttrValue::During(from, to) => vec![(Space::Task, &**from), (Space::Task, &**to)],
        AttrValue::Affects(refs) => refs.iter().map(|r| (Space::Task, r)).collect(),
        AttrValue::Assign(list) => list
            .items
            .iter()
            .chain(list.any_of.iter().flat_map(|a| a.1.iter()))
            .map(|i| (Space::Resource, &i.resource))
            .collect(),
        AttrValue::Members(refs) => refs.iter().map(|r| (Space::Resource, r)).collect(),
        AttrValue::Owner(r) => vec![(Space::Resource, r)],
        AttrValue::Calendar(r) => vec![(Space::Calendar, r)],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str) -> Index {
        let mut diags = crate::diagnostic::Diagnostics::new();
        let file = crate::syntax::parse(text, FileId(0), &mut diags);
        Index::build(&[(FileId(0), file)])
    }

    #[test]
    fn references_resolve_among_siblings_first() {
        let ix = index("task a { task x {} task b { after x } }\ntask x {}\ntask c { after a.x }");
        let inner = ix.get(Space::Task, "a.x").unwrap();
        let outer = ix.get(Space::Task, "x").unwrap();
        let uses = |s| ix.spots_of(s).filter(|s| !s.is_declaration).count();
        assert_eq!(uses(inner), 2);
        assert_eq!(uses(outer), 0);
    }
}
