//! A plan as committed in git: the root file and the `.plan` files of its
//! folder are read from the revision (`git ls-tree`, `git cat-file`) into
//! a temporary folder and loaded from there, so that includes resolve
//! inside the revision's tree and never in the working tree.

use crate::{LoadOptions, Loaded};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Why a revision could not be read; the command line exits 2.
#[derive(Debug)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The plan at `path` and the `.plan` files beside and below it, as
/// committed at `revision`.
pub fn load_at_revision(
    path: &Path,
    revision: &str,
    options: &LoadOptions,
) -> Result<Loaded, GitError> {
    let dir = folder_of(path);
    let name = path
        .file_name()
        .ok_or_else(|| GitError(format!("`{}` is not a file", path.display())))?;
    let commit = resolve(&dir, revision)?;
    let files = plan_files(&dir, &commit)?;
    let Some(root) = files.iter().position(|f| Path::new(f) == Path::new(name)) else {
        return Err(GitError(format!(
            "`{}` does not exist at {revision}",
            path.display()
        )));
    };
    let tree = tempfile::tempdir()
        .map_err(|e| GitError(format!("cannot make a temporary folder: {e}")))?;
    let mut root_text = String::new();
    for (i, file) in files.iter().enumerate() {
        let bytes = blob(&dir, &commit, file)?;
        if i == root {
            root_text = String::from_utf8_lossy(&bytes).into_owned();
        }
        let target = tree.path().join(file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| GitError(e.to_string()))?;
        }
        std::fs::write(&target, bytes).map_err(|e| GitError(e.to_string()))?;
    }
    Ok(crate::syntax::load_str(
        &path.display().to_string(),
        &root_text,
        Some(tree.path()),
        options,
    ))
}

/// The folder `git` runs in: the plan's own.
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| GitError(format!("cannot run git: {e}")))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(GitError(
            err.lines().next().unwrap_or("git failed").to_string(),
        ))
    }
}

/// The commit `revision` names.
fn resolve(dir: &Path, revision: &str) -> Result<String, GitError> {
    git(dir, &["rev-parse", "--is-inside-work-tree"]).map_err(|_| {
        GitError(format!(
            "`{}` is not inside a git repository",
            dir.display()
        ))
    })?;
    let spec = format!("{revision}^{{commit}}");
    let out = git(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ],
    )
    .map_err(|_| GitError(format!("unknown revision `{revision}`")))?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// The `.plan` files under `dir` at `commit`, relative to `dir`.
fn plan_files(dir: &Path, commit: &str) -> Result<Vec<String>, GitError> {
    let out = git(dir, &["ls-tree", "-r", "-z", "--name-only", commit])?;
    Ok(out
        .split(|&b| b == 0)
        .filter(|f| f.ends_with(b".plan"))
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect())
}

fn blob(dir: &Path, commit: &str, file: &str) -> Result<Vec<u8>, GitError> {
    git(dir, &["cat-file", "blob", &format!("{commit}:./{file}")])
}
