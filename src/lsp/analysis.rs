//! One analysis of a plan: the open texts overlaid on the files on disk,
//! loaded, checked and scheduled through the facade, plus the index of its
//! names. Every request is answered from the last analysis, so that hover,
//! hints and the rest cost a lookup, not a compilation.

use super::documents::{path_of, LineIndex};
use super::index::{Index, Space};
use crate::check::{ResourceId, TaskId};
use crate::source::{FileId, SourceFile};
use crate::{Compiled, LoadOptions, Loaded};
use lsp_types::Url;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct Analysis {
    pub loaded: Loaded,
    pub compiled: Compiled,
    pub index: Index,
    /// Per file of `loaded.sources`, for position conversion.
    pub lines: Vec<LineIndex>,
    /// Each model task's id by path, and each resource's by id.
    tasks: HashMap<String, TaskId>,
    resources: HashMap<String, ResourceId>,
}

impl Analysis {
    /// Loads, checks and schedules the plan rooted at `root`, with the
    /// open texts in place of their files. `None` when the root cannot be
    /// read at all.
    pub fn run(root: &Path, overlay: &crate::syntax::Overlay) -> Option<Analysis> {
        let loaded = crate::load_overlaid(root, overlay, &LoadOptions::default()).ok()?;
        let compiled = crate::compile(&loaded, &crate::ScheduleOptions::default());
        let index = Index::build(&loaded.files);
        let lines = loaded
            .sources
            .files()
            .map(|(_, f)| LineIndex::new(&f.text))
            .collect();
        let tasks = compiled
            .model
            .iter()
            .flat_map(|m| m.tasks.iter().enumerate())
            .map(|(i, t)| (t.path.to_string(), TaskId(i as u32)))
            .collect();
        let resources = compiled
            .model
            .iter()
            .flat_map(|m| m.resources.iter().enumerate())
            .map(|(i, r)| (r.id.clone(), ResourceId(i as u32)))
            .collect();
        Some(Analysis {
            loaded,
            compiled,
            index,
            lines,
            tasks,
            resources,
        })
    }

    /// The file of the plan a URI names, if it is one of its files.
    pub fn file_of(&self, uri: &Url) -> Option<FileId> {
        let path = path_of(uri);
        self.loaded
            .sources
            .files()
            .find(|(_, f)| f.path.as_deref() == Some(path.as_path()))
            .map(|(id, _)| id)
    }

    pub fn source(&self, file: FileId) -> Option<(&SourceFile, &LineIndex)> {
        Some((
            self.loaded.sources.get(file)?,
            self.lines.get(file.0 as usize)?,
        ))
    }

    /// The URI of one of the plan's files.
    pub fn uri(&self, file: FileId, uris: &HashMap<PathBuf, Url>) -> Option<Url> {
        let path = self.loaded.sources.get(file)?.path.as_ref()?;
        uris.get(path)
            .cloned()
            .or_else(|| super::documents::uri_of(path))
    }

    /// Every file path of the plan.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.loaded
            .sources
            .files()
            .filter_map(|(_, f)| f.path.as_deref())
    }

    /// The model's task for a symbol of the task namespace.
    pub fn task_of(&self, symbol: usize) -> Option<TaskId> {
        let s = self.index.symbols.get(symbol)?;
        (s.space() == Space::Task)
            .then(|| self.tasks.get(&s.path).copied())
            .flatten()
    }

    /// The model's resource for a resource symbol.
    pub fn resource_of(&self, symbol: usize) -> Option<ResourceId> {
        let s = self.index.symbols.get(symbol)?;
        (s.kind == crate::syntax::ast::DeclKind::Resource)
            .then(|| self.resources.get(&s.path).copied())
            .flatten()
    }
}
