//! Loading a plan: the root file and, depth first, every file it includes.
//! Includes resolve against the including file, must stay inside the root
//! plan's folder (unless allowed), and may be neither repeated nor cyclic.

use super::ast::{File, TopItem};
use super::parser::parse;
use super::revision::GitTree;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use std::io;
use std::path::{Component, Path, PathBuf};

/// Most tasks a plan may declare unless the options say otherwise.
pub const DEFAULT_MAX_TASKS: usize = 2_000_000;

/// Limits and permissions for loading.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Let includes reach outside the root plan's folder.
    pub allow_outside_includes: bool,
    /// Largest accepted file, in bytes.
    pub max_file_bytes: usize,
    /// Most files one plan may consist of.
    pub max_files: usize,
    /// Deepest chain of includes within includes.
    pub max_include_depth: usize,
    /// Most tasks and milestones one plan may declare.
    pub max_tasks: usize,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            allow_outside_includes: false,
            max_file_bytes: 64 * 1024 * 1024,
            max_files: 1_000,
            max_include_depth: 100,
            max_tasks: DEFAULT_MAX_TASKS,
        }
    }
}

/// A plan as read from disk: its files, their syntax trees and what went
/// wrong along the way.
#[derive(Debug)]
pub struct Loaded {
    pub sources: SourceMap,
    /// The parsed files in the order loaded: the root first, then includes
    /// depth first. Declaration order (a levelling tie-breaker) follows it.
    pub files: Vec<(FileId, File)>,
    pub diagnostics: Diagnostics,
    /// The options it was loaded with (the checker reads the task limit).
    pub options: LoadOptions,
}

/// The root file could not be read at all (an I/O problem, not a plan
/// problem: the CLI exits with 2).
#[derive(Debug, thiserror::Error)]
#[error("cannot read `{path}`: {source}")]
pub struct LoadError {
    pub path: String,
    #[source]
    pub source: std::io::Error,
}

impl LoadError {
    pub(super) fn new(path: &Path, source: io::Error) -> LoadError {
        LoadError {
            path: path.display().to_string(),
            source,
        }
    }
}

/// Where the loader reads files: the file system, or one git revision's
/// tree ([`GitTree`]). Paths are absolute; a file's identity is its
/// resolved path (symbolic links followed).
pub(super) trait FileStore {
    /// The resolved path of an existing file or folder.
    fn resolve(&self, path: &Path) -> io::Result<PathBuf>;
    /// Whether a resolved path is a regular file, and its size in bytes.
    fn regular_file_size(&self, path: &Path) -> io::Result<Option<u64>>;
    /// At most `limit` bytes of a resolved regular file.
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>>;
}

/// The plan as it is on disk.
struct FileSystem;

impl FileStore for FileSystem {
    fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn regular_file_size(&self, path: &Path) -> io::Result<Option<u64>> {
        let meta = std::fs::metadata(path)?;
        Ok(meta.is_file().then_some(meta.len()))
    }

    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        io::Read::read_to_end(
            &mut io::Read::take(std::fs::File::open(path)?, limit),
            &mut bytes,
        )?;
        Ok(bytes)
    }
}

/// Texts that stand in for files on disk: the unsaved buffers of an
/// editor (`planc lsp`), keyed by resolved path. A text here is read
/// instead of the file, and may name a file that does not exist yet.
pub type Overlay = std::collections::HashMap<PathBuf, String>;

/// The file system, with some files replaced by texts held in memory.
struct Overlaid<'o>(&'o Overlay);

impl FileStore for Overlaid<'_> {
    fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
        let normal = lexically_normal(path);
        if self.0.contains_key(&normal) {
            return Ok(normal);
        }
        FileSystem.resolve(path)
    }

    fn regular_file_size(&self, path: &Path) -> io::Result<Option<u64>> {
        match self.0.get(path) {
            Some(text) => Ok(Some(text.len() as u64)),
            None => FileSystem.regular_file_size(path),
        }
    }

    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        match self.0.get(path) {
            Some(text) => {
                let end = usize::try_from(limit).unwrap_or(usize::MAX).min(text.len());
                Ok(text.as_bytes()[..end].to_vec())
            }
            None => FileSystem.read(path, limit),
        }
    }
}

/// Loads the plan at `path` and every file it includes, reading the texts
/// of `overlay` in place of those files.
pub fn load_overlaid(
    path: &Path,
    overlay: &Overlay,
    options: &LoadOptions,
) -> Result<Loaded, LoadError> {
    load_from(&Overlaid(overlay), path, options)
}

/// Loads the plan at `path` and every file it includes as committed at
/// git `revision` (see [`GitTree`]). Not a repository, an unknown revision
/// or a plan missing from it is a [`LoadError`].
pub fn load_at_revision(
    path: &Path,
    revision: &str,
    options: &LoadOptions,
) -> Result<Loaded, LoadError> {
    let tree = GitTree::open(path, revision).map_err(|e| LoadError::new(path, e))?;
    load_from(&tree, path, options)
}

/// Loads the plan at `path` and everything it includes.
pub fn load_path(path: &Path, options: &LoadOptions) -> Result<Loaded, LoadError> {
    load_from(&FileSystem, path, options)
}

fn load_from(
    store: &dyn FileStore,
    path: &Path,
    options: &LoadOptions,
) -> Result<Loaded, LoadError> {
    let fail = |source| LoadError::new(path, source);
    let absolute = std::path::absolute(path).map_err(fail)?;
    let canonical = store.resolve(&absolute).map_err(fail)?;
    // A FIFO or a device would block or never end: only regular files, and
    // never more than the size limit (plus one byte, to notice the excess).
    if store.regular_file_size(&canonical).map_err(fail)?.is_none() {
        return Err(fail(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    let limit = u64::try_from(options.max_file_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let bytes = store.read(&canonical, limit).map_err(fail)?;
    let root_dir = canonical
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut loader = Loader::new(store, options, root_dir);
    loader.add_root(path.display().to_string(), Some(canonical), bytes);
    Ok(loader.finish())
}

/// Loads a plan from text (standard input, tests). Includes resolve against
/// `base_dir`, the current directory when `None`.
pub fn load_str(name: &str, text: &str, base_dir: Option<&Path>, options: &LoadOptions) -> Loaded {
    let dir = base_dir
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    let mut loader = Loader::new(&FileSystem, options, dir.clone());
    loader.add_root(name.to_string(), None, text.as_bytes().to_vec());
    loader.finish()
}

struct Loader<'o> {
    store: &'o dyn FileStore,
    options: &'o LoadOptions,
    root_dir: PathBuf,
    sources: SourceMap,
    files: Vec<(FileId, File)>,
    diagnostics: Diagnostics,
    /// Canonical paths loaded so far, with the include that loaded them.
    seen: Vec<(PathBuf, Option<Span>)>,
}

impl<'o> Loader<'o> {
    fn new(store: &'o dyn FileStore, options: &'o LoadOptions, root_dir: PathBuf) -> Loader<'o> {
        Loader {
            store,
            options,
            root_dir,
            sources: SourceMap::new(),
            files: Vec::new(),
            diagnostics: Diagnostics::new(),
            seen: Vec::new(),
        }
    }

    fn finish(self) -> Loaded {
        Loaded {
            sources: self.sources,
            files: self.files,
            diagnostics: self.diagnostics,
            options: self.options.clone(),
        }
    }

    fn add_root(&mut self, name: String, path: Option<PathBuf>, bytes: Vec<u8>) {
        if let Some(p) = &path {
            self.seen.push((p.clone(), None));
        }
        let dir = path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root_dir.clone());
        let mut stack = path.iter().cloned().collect::<Vec<_>>();
        self.add_file(name, path, bytes, &dir, &mut stack, None);
    }

    /// Adds one file, parses it and follows its includes depth first.
    fn add_file(
        &mut self,
        name: String,
        path: Option<PathBuf>,
        bytes: Vec<u8>,
        dir: &Path,
        stack: &mut Vec<PathBuf>,
        included_at: Option<Span>,
    ) {
        let (text, bad_offset) = decode(bytes);
        let text_len = text.len();
        let id = self.sources.add(SourceFile::new(name.clone(), path, text));
        if let Some(offset) = bad_offset {
            let (line, column) = self.sources.get(id).map_or((1, 1), |f| f.line_col(offset));
            let mut d = Diagnostic::error(
                codes::UNREADABLE,
                format!("`{name}` is not valid UTF-8 (first bad byte at line {line}, column {column}, byte offset {offset})"),
            )
            .at(Span::new(id, offset, offset + 1), "not UTF-8")
            .with_help("save the file as UTF-8");
            if let Some(at) = included_at {
                d = d.also(at, "included here");
            }
            self.diagnostics.push(d);
            return;
        }
        if text_len > self.options.max_file_bytes {
            let mut d = Diagnostic::error(
                codes::TOO_LARGE_INPUT,
                format!(
                    "`{name}` is larger than {} bytes, the most planc reads from one file",
                    self.options.max_file_bytes
                ),
            );
            if let Some(at) = included_at {
                d = d.at(at, "included here");
            }
            self.diagnostics.push(d);
            return;
        }
        // Parse the stored text in place: the source map keeps it for
        // diagnostics, so there is no need for a second copy.
        let Some(source) = self.sources.get(id) else {
            return;
        };
        let file = parse(&source.text, id, &mut self.diagnostics);
        self.add_tree(id, file, dir, stack);
    }

    /// Adds the syntax tree of file `id` and follows its includes.
    fn add_tree(&mut self, id: FileId, file: File, dir: &Path, stack: &mut Vec<PathBuf>) {
        let includes: Vec<_> = file
            .items
            .iter()
            .filter_map(|item| match item {
                TopItem::Include(inc) => Some(inc.clone()),
                TopItem::Decl(_) => None,
            })
            .collect();
        self.files.push((id, file));
        for inc in &includes {
            self.follow_include(&inc.path.value, inc.path.span, dir, stack);
        }
    }

    /// The file an include names, if it may be read: inside the root
    /// plan's folder (unless allowed), existing, and a regular file within
    /// the size limit; else why not.
    fn locate(&self, written: &str, at: Span, dir: &Path) -> Result<PathBuf, Box<Diagnostic>> {
        let joined = dir.join(written);
        // Judge the written path before touching the file system, so that a
        // plan cannot learn which files exist outside its folder.
        if !self.options.allow_outside_includes
            && !lexically_normal(&joined).starts_with(&self.root_dir)
        {
            return Err(Box::new(outside_folder(written, at)));
        }
        let Ok(canonical) = self.store.resolve(&joined) else {
            return Err(Box::new(
                Diagnostic::error(
                    codes::INCLUDE_NOT_FOUND,
                    format!("cannot find the included file `{written}`"),
                )
                .at(at, "no such file")
                .with_help(format!(
                    "paths are relative to the including file; looked for `{}`",
                    joined.display()
                )),
            ));
        };
        if !self.options.allow_outside_includes && !canonical.starts_with(&self.root_dir) {
            return Err(Box::new(outside_folder(written, at)));
        }
        if let Some(d) = unfit_to_read(
            self.store,
            &canonical,
            written,
            at,
            self.options.max_file_bytes,
        ) {
            return Err(Box::new(d));
        }
        Ok(canonical)
    }

    fn follow_include(&mut self, written: &str, at: Span, dir: &Path, stack: &mut Vec<PathBuf>) {
        if stack.len() > self.options.max_include_depth {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::TOO_DEEP,
                    format!(
                        "includes are nested more than {} levels deep",
                        self.options.max_include_depth
                    ),
                )
                .at(at, "one include too deep")
                .with_help(
                    "include the files from fewer levels, for example all from the root plan",
                ),
            );
            return;
        }
        if self.sources.files().count() >= self.options.max_files {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::TOO_LARGE_INPUT,
                    format!(
                        "a plan may consist of at most {} files",
                        self.options.max_files
                    ),
                )
                .at(at, "one file too many"),
            );
            return;
        }
        let canonical = match self.locate(written, at, dir) {
            Ok(path) => path,
            Err(d) => {
                self.diagnostics.push(*d);
                return;
            }
        };
        if let Some(pos) = stack.iter().position(|p| *p == canonical) {
            let chain: Vec<String> = stack[pos..]
                .iter()
                .chain(std::iter::once(&canonical))
                .map(|p| file_name(p))
                .collect();
            self.diagnostics.push(
                Diagnostic::error(
                    codes::INCLUDE_CYCLE,
                    format!("include cycle: {}", chain.join(" -> ")),
                )
                .at(at, "this include closes the cycle")
                .with_help("remove one of the includes on the cycle"),
            );
            return;
        }
        if let Some((_, first)) = self.seen.iter().find(|(p, _)| *p == canonical) {
            let mut d = Diagnostic::error(
                codes::INCLUDED_TWICE,
                format!("`{written}` is included twice"),
            )
            .at(at, "included again here")
            .with_help("include each file once; its declarations are visible everywhere");
            if let Some(first) = first {
                d = d.also(*first, "first included here");
            } else {
                d = d.with_help("this is the root plan itself");
            }
            self.diagnostics.push(d);
            return;
        }
        let limit = u64::try_from(self.options.max_file_bytes).unwrap_or(u64::MAX);
        let bytes = match self.store.read(&canonical, limit) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::UNREADABLE,
                        format!("cannot read the included file `{written}`: {e}"),
                    )
                    .at(at, "unreadable"),
                );
                return;
            }
        };
        self.seen.push((canonical.clone(), Some(at)));
        let name = display_name(dir, written, &self.sources, at);
        let next_dir = canonical
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        stack.push(canonical.clone());
        self.add_file(name, Some(canonical), bytes, &next_dir, stack, Some(at));
        stack.pop();
    }
}

fn outside_folder(written: &str, at: Span) -> Diagnostic {
    Diagnostic::error(
        codes::INCLUDE_OUTSIDE,
        format!("`{written}` is outside the plan's folder"),
    )
    .at(at, "includes must stay inside the folder of the root plan")
    .with_help(
        "move the file next to the plan, or pass `--allow-outside-includes` if you trust this plan",
    )
}

/// `path` with `.` and `..` resolved by name alone, without the file system.
pub(super) fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Why an included file is not read at all: not a regular file (a FIFO
/// would block, a device never ends) or larger than the limit (judged
/// before reading, so memory stays bounded).
fn unfit_to_read(
    store: &dyn FileStore,
    path: &Path,
    written: &str,
    at: Span,
    max_bytes: usize,
) -> Option<Diagnostic> {
    let Some(size) = store.regular_file_size(path).ok()? else {
        return Some(
            Diagnostic::error(
                codes::UNREADABLE,
                format!("the included file `{written}` is not a regular file"),
            )
            .at(at, "not a regular file"),
        );
    };
    if size > max_bytes as u64 {
        return Some(
            Diagnostic::error(
                codes::TOO_LARGE_INPUT,
                format!(
                    "`{written}` is {size} bytes; planc reads files of at most {max_bytes} bytes"
                ),
            )
            .at(at, "included here"),
        );
    }
    None
}

/// The name an included file is shown under: its path relative to the
/// including file's name, as a person would write it.
fn display_name(_dir: &Path, written: &str, sources: &SourceMap, at: Span) -> String {
    let parent = sources
        .get(at.file)
        .map(|f| {
            Path::new(&f.name)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let joined = parent.join(written);
    joined.display().to_string()
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// UTF-8 text, or a lossy copy (for showing the place) and the offset of
/// the first bad byte.
fn decode(bytes: Vec<u8>) -> (String, Option<usize>) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            (
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
                Some(offset),
            )
        }
    }
}
