//! `planc import`: a TaskJuggler project (`.tjp`) or an MS Project XML
//! file (MSPDI, `.xml`) becomes a `.plan`, laid out by `planc fmt`, with a
//! `# import:` comment wherever something could not be carried over.
//!
//! Used only by `cli`. An importer reads the foreign file into plan text
//! through [`emit::PlanText`] (valid identifiers, quoted strings, notes), and
//! [`import`] formats the result, so every importer writes the same layout.
//! Problems in the foreign file are diagnostics located in that file (it is
//! added to the returned [`SourceMap`]), never panics.

pub mod emit;
pub mod mspdi;
pub mod tjp;

use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, SourceMap};
use std::path::Path;

/// The foreign formats `planc import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Foreign {
    /// TaskJuggler 3 (`.tjp`, `.tji`).
    TaskJuggler,
    /// MS Project XML (MSPDI).
    MsProject,
}

impl Foreign {
    /// The format a file's extension names.
    pub fn from_path(path: &Path) -> Option<Foreign> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "tjp" | "tji" => Some(Foreign::TaskJuggler),
            "xml" | "mspdi" => Some(Foreign::MsProject),
            _ => None,
        }
    }
}

/// What an importer made of one foreign file.
pub struct Imported {
    /// The plan, formatted; `None` when errors kept it from being made.
    pub plan: Option<String>,
    /// Errors and notes, located in the foreign file.
    pub diagnostics: Vec<Diagnostic>,
    /// The foreign file (and, for TaskJuggler, the files it includes), for
    /// printing the diagnostics.
    pub sources: SourceMap,
}

/// Imports `text`, read from `path` (its name is used in messages).
pub fn import(foreign: Foreign, path: &Path, text: String) -> Imported {
    let mut sources = SourceMap::new();
    let name = path.display().to_string();
    let file = sources.add(SourceFile::new(name, Some(path.to_path_buf()), text));
    let (plan, diagnostics) = match foreign {
        // TaskJuggler files include others, which join `sources`.
        Foreign::TaskJuggler => tjp::read(&mut sources, file),
        Foreign::MsProject => match sources.get(file) {
            Some(source) => mspdi::read(file, &source.text),
            None => (None, Vec::new()),
        },
    };
    let plan = plan.map(|text| format_plan(&text));
    Imported {
        plan,
        diagnostics,
        sources,
    }
}

/// Lays the written plan out as `planc fmt` does. An importer that wrote
/// text the grammar rejects has a bug; the unformatted text is still more
/// use to the person importing than nothing, so it is kept.
fn format_plan(text: &str) -> String {
    crate::fmt::format(text).unwrap_or_else(|_| text.to_string())
}
