//! A plan's files as committed at one git revision, for `--baseline REV`
//! and `planc diff --from REV`.
//!
//! Read through the `git` command rather than a library such as `gix`:
//! every user of this feature has git installed, the command honours the
//! repository's own configuration (worktrees, alternates, packed and
//! partial clones) exactly as the user's git does, and it keeps a large
//! dependency tree out of a compiler that needs only three plumbing calls
//! (`rev-parse`, `ls-tree`, `cat-file`).

use super::include::{lexically_normal, FileStore};
use std::collections::HashMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Symbolic links followed in a row before giving up (as the kernel does).
const MAX_LINK_HOPS: usize = 40;

/// One entry of a revision's tree.
#[derive(Clone, Debug)]
struct Entry {
    object: String,
    size: u64,
    is_link: bool,
}

/// The tree of one commit, addressed by the absolute paths the files would
/// have in the working tree, so that includes resolve as they do on disk.
#[derive(Debug)]
pub(crate) struct GitTree {
    top: PathBuf,
    revision: String,
    entries: HashMap<PathBuf, Entry>,
    folders: std::collections::HashSet<PathBuf>,
}

impl GitTree {
    /// The tree at `revision` of the repository that holds `plan`.
    pub(crate) fn open(plan: &Path, revision: &str) -> io::Result<GitTree> {
        if revision.is_empty() || revision.starts_with('-') {
            return Err(invalid(format!("`{revision}` is not a git revision")));
        }
        let absolute = std::path::absolute(plan)?;
        let folder = existing_folder(&absolute)?;
        let top = git(&folder, &["rev-parse", "--show-toplevel"])
            .map_err(|e| invalid(format!("not in a git repository ({e})")))?;
        let top = std::fs::canonicalize(top.trim_end_matches('\n'))?;
        let commit = git(
            &folder,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &format!("{revision}^{{commit}}"),
            ],
        )
        .map_err(|_| invalid(format!("unknown revision `{revision}`")))?;
        let listing = git(
            &folder,
            &["ls-tree", "-r", "-l", "-z", "--full-tree", commit.trim()],
        )?;
        let mut tree = GitTree {
            top,
            revision: revision.to_string(),
            entries: HashMap::new(),
            folders: std::collections::HashSet::new(),
        };
        for record in listing.split('\0').filter(|r| !r.is_empty()) {
            tree.add_record(record);
        }
        Ok(tree)
    }

    /// Adds one `ls-tree -l` record: `mode type object size<TAB>path`.
    fn add_record(&mut self, record: &str) {
        let Some((meta, name)) = record.split_once('\t') else {
            return;
        };
        let fields: Vec<&str> = meta.split_whitespace().collect();
        let [mode, kind, object, size] = fields[..] else {
            return;
        };
        if kind != "blob" {
            return;
        }
        let path = self.top.join(name);
        let mut folder = path.parent();
        while let Some(f) = folder {
            if !self.folders.insert(f.to_path_buf()) || f == self.top {
                break;
            }
            folder = f.parent();
        }
        self.folders.insert(self.top.clone());
        self.entries.insert(
            path,
            Entry {
                object: object.to_string(),
                size: size.parse().unwrap_or(0),
                is_link: mode == "120000",
            },
        );
    }

    fn not_found(&self, path: &Path) -> io::Error {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "`{}` is not in revision `{}`",
                path.strip_prefix(&self.top).unwrap_or(path).display(),
                self.revision
            ),
        )
    }

    fn blob(&self, entry: &Entry, limit: u64) -> io::Result<Vec<u8>> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "blob", &entry.object])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut bytes = Vec::new();
        if let Some(out) = child.stdout.take() {
            out.take(limit).read_to_end(&mut bytes)?;
        }
        // Past the limit the rest is not wanted: stop git rather than drain it.
        let _ = child.kill();
        let _ = child.wait();
        Ok(bytes)
    }
}

impl FileStore for GitTree {
    fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
        let mut current = lexically_normal(path);
        if !current.starts_with(&self.top) {
            current = resolved_on_disk(&current);
        }
        for _ in 0..MAX_LINK_HOPS {
            if self.folders.contains(&current) {
                return Ok(current);
            }
            let Some(entry) = self.entries.get(&current) else {
                return Err(self.not_found(path));
            };
            if !entry.is_link {
                return Ok(current);
            }
            let target = String::from_utf8_lossy(&self.blob(entry, 4096)?).into_owned();
            let base = current.parent().map(Path::to_path_buf).unwrap_or_default();
            current = lexically_normal(&base.join(target));
        }
        Err(invalid(format!(
            "too many symbolic links at `{}`",
            path.display()
        )))
    }

    fn regular_file_size(&self, path: &Path) -> io::Result<Option<u64>> {
        if self.folders.contains(path) {
            return Ok(None);
        }
        match self.entries.get(path) {
            Some(entry) if !entry.is_link => Ok(Some(entry.size)),
            Some(_) => Ok(None),
            None => Err(self.not_found(path)),
        }
    }

    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let entry = self.entries.get(path).ok_or_else(|| self.not_found(path))?;
        self.blob(entry, limit)
    }
}

/// The nearest existing folder at or above `path`'s folder, resolved: git
/// is run there (the plan itself may no longer exist in the working tree).
fn existing_folder(path: &Path) -> io::Result<PathBuf> {
    let mut folder = path.parent();
    while let Some(f) = folder {
        if let Ok(resolved) = std::fs::canonicalize(f) {
            return Ok(resolved);
        }
        folder = f.parent();
    }
    Err(invalid(format!("`{}` has no folder", path.display())))
}

/// `path` with its longest existing ancestor resolved on disk, so that a
/// path through a symbolic link names the file as the tree does.
fn resolved_on_disk(path: &Path) -> PathBuf {
    let mut ancestor = Some(path);
    while let Some(a) = ancestor {
        if let Ok(resolved) = std::fs::canonicalize(a) {
            let rest = path.strip_prefix(a).unwrap_or(Path::new(""));
            return resolved.join(rest);
        }
        ancestor = a.parent();
    }
    path.to_path_buf()
}

/// Runs git in `folder`; its standard output, or its complaint as the error.
fn git(folder: &Path, args: &[&str]) -> io::Result<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot run git: {e}")))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let said = String::from_utf8_lossy(&output.stderr);
        Err(invalid(said.trim().to_string()))
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{load_at_revision, LoadOptions};

    fn run(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        assert!(ok, "git {args:?} failed");
    }

    /// A fresh folder, or `None` (the test skips) without git.
    fn git_and_temp_dir() -> Option<tempfile::TempDir> {
        if Command::new("git").arg("--version").output().is_err() {
            eprintln!("skipped: git is not installed");
            return None;
        }
        Some(tempfile::tempdir().expect("temp dir"))
    }

    /// Commits everything in `dir` as it is now, making it a repository
    /// first if it is not one.
    fn commit_all(dir: &Path, message: &str) {
        if !dir.join(".git").exists() {
            run(dir, &["init", "-q"]);
        }
        run(dir, &["add", "."]);
        run(dir, &["commit", "-q", "-m", message]);
    }

    fn names(loaded: &crate::syntax::Loaded) -> Vec<String> {
        loaded
            .sources
            .files()
            .map(|(_, f)| f.name.clone())
            .collect()
    }

    #[test]
    fn reads_the_plan_and_its_includes_as_committed() {
        let Some(dir) = git_and_temp_dir() else {
            return;
        };
        let d = dir.path();
        std::fs::create_dir(d.join("parts")).expect("mkdir");
        std::fs::write(d.join("plan.plan"), "include \"parts/a.plan\"\n").expect("write");
        std::fs::write(d.join("parts/a.plan"), "task a { duration 1d }\n").expect("write");
        commit_all(d, "one");
        std::fs::write(d.join("parts/a.plan"), "task a { duration 2d }\n").expect("write");
        std::fs::write(d.join("plan.plan"), "include \"parts/b.plan\"\n").expect("write");
        std::fs::write(d.join("parts/b.plan"), "task b { duration 1d }\n").expect("write");
        commit_all(d, "two");
        std::fs::write(d.join("plan.plan"), "task c { duration 1d }\n").expect("write");

        let plan = d.join("plan.plan");
        let options = LoadOptions::default();
        let first = load_at_revision(&plan, "HEAD~1", &options).expect("HEAD~1");
        assert!(first.diagnostics.is_empty(), "{:?}", first.diagnostics);
        assert_eq!(names(&first).len(), 2);
        let included = first.sources.files().nth(1).map(|(_, f)| f.text.clone());
        assert_eq!(included.as_deref(), Some("task a { duration 1d }\n"));
        let second = load_at_revision(&plan, "HEAD", &options).expect("HEAD");
        let included = second.sources.files().nth(1).map(|(_, f)| f.text.clone());
        assert_eq!(included.as_deref(), Some("task b { duration 1d }\n"));
    }

    #[test]
    fn unknown_revisions_and_plans_outside_git_are_errors() {
        let Some(dir) = git_and_temp_dir() else {
            return;
        };
        let d = dir.path();
        std::fs::write(d.join("plan.plan"), "task a { duration 1d }\n").expect("write");
        let options = LoadOptions::default();
        let outside = load_at_revision(&d.join("plan.plan"), "HEAD", &options);
        let message = outside.map(|_| ()).unwrap_err().to_string();
        assert!(message.contains("not in a git repository"), "{message}");

        commit_all(d, "one");
        for bad in ["no-such-rev", "--output=x", ""] {
            let e = load_at_revision(&d.join("plan.plan"), bad, &options);
            let message = e.map(|_| ()).unwrap_err().to_string();
            assert!(
                message.contains("unknown revision") || message.contains("not a git revision"),
                "{bad}: {message}"
            );
        }
        let missing = load_at_revision(&d.join("other.plan"), "HEAD", &options);
        let message = missing.map(|_| ()).unwrap_err().to_string();
        assert!(message.contains("is not in revision `HEAD`"), "{message}");
    }
}
