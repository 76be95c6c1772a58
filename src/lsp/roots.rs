//! Which plan an open file belongs to. A file opened on its own may be
//! included by another (`include "people.plan"`): checked alone it would
//! lack the names its includer declares, so it is analysed as part of the
//! plan that includes it. Includers are looked for among the `.plan` files
//! of its folder and the folders above it, up to the workspace folder
//! (includes stay inside the root plan's folder, spec 1.3).

use super::analysis::Analysis;
use crate::syntax::Overlay;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Folders above a file searched for its includer when no workspace
/// folder bounds the search.
const MAX_FOLDERS_UP: usize = 3;
/// Files read per folder at most: a folder of thousands of plans is not
/// searched.
const MAX_FILES_PER_FOLDER: usize = 200;

pub struct Roots {
    folders: Vec<PathBuf>,
    /// The root found for each file opened so far.
    found: HashMap<PathBuf, PathBuf>,
}

impl Roots {
    pub fn new(folders: Vec<PathBuf>) -> Roots {
        let folders = folders
            .into_iter()
            .map(|f| std::fs::canonicalize(&f).unwrap_or(f))
            .collect();
        Roots {
            folders,
            found: HashMap::new(),
        }
    }

    /// The root files of the plans the `open` files belong to: the plan
    /// already analysed that holds a file, else the file's includer's
    /// root, else the file itself.
    pub fn plans_of(
        &mut self,
        open: &[PathBuf],
        overlay: &Overlay,
        analyses: &HashMap<PathBuf, Analysis>,
    ) -> Vec<PathBuf> {
        let mut roots: Vec<PathBuf> = Vec::new();
        for file in open {
            let held = analyses
                .iter()
                .find(|(root, a)| *root != file && a.paths().any(|p| p == file))
                .map(|(root, _)| root.clone());
            let root = match held {
                Some(root) => root,
                None => self.root_of(file, overlay),
            };
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        roots
    }

    fn root_of(&mut self, file: &Path, overlay: &Overlay) -> PathBuf {
        if let Some(root) = self.found.get(file) {
            return root.clone();
        }
        let mut root = file.to_path_buf();
        let mut seen = HashSet::new();
        while seen.insert(root.clone()) {
            match self.includer_of(&root, overlay) {
                Some(includer) => root = includer,
                None => break,
            }
        }
        self.found.insert(file.to_path_buf(), root.clone());
        root
    }

    /// A `.plan` file in a folder at or above `file` that includes it.
    fn includer_of(&self, file: &Path, overlay: &Overlay) -> Option<PathBuf> {
        let bound = self.folders.iter().find(|f| file.starts_with(f));
        let mut folder = file.parent();
        let mut climbed = 0;
        while let Some(dir) = folder {
            if let Some(found) = includer_in(dir, file, overlay) {
                return Some(found);
            }
            climbed += 1;
            let at_bound = bound.is_some_and(|b| b == dir);
            if at_bound || (bound.is_none() && climbed >= MAX_FOLDERS_UP) {
                break;
            }
            folder = dir.parent();
        }
        None
    }
}

fn includer_in(dir: &Path, file: &Path, overlay: &Overlay) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut candidates: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "plan") && p != file)
        .take(MAX_FILES_PER_FOLDER)
        .collect();
    candidates.sort();
    candidates.into_iter().find(|candidate| {
        let text = overlay
            .get(candidate)
            .cloned()
            .or_else(|| std::fs::read_to_string(candidate).ok());
        text.is_some_and(|t| includes(&t, dir, file))
    })
}

/// Whether a plan's text (in folder `dir`) has an `include` of `file`.
fn includes(text: &str, dir: &Path, file: &Path) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        let Some(rest) = line.strip_prefix("include") else {
            return false;
        };
        let written = rest.trim_start().trim_start_matches('"');
        let Some(end) = written.find('"') else {
            return false;
        };
        let joined = dir.join(&written[..end]);
        let resolved = std::fs::canonicalize(&joined).unwrap_or(joined);
        resolved == file
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_include_line_names_its_file() {
        let dir = Path::new("/nowhere");
        assert!(includes(
            "project p {}\ninclude \"people.plan\"\n",
            dir,
            Path::new("/nowhere/people.plan")
        ));
        assert!(!includes(
            "# include \"people.plan\"",
            dir,
            Path::new("/nowhere/people.plan")
        ));
    }
}
