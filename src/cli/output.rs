//! Writing outputs safely: atomically (a temporary file in the same folder,
//! then a rename), and never over one of the plan's own input files.

use crate::source::SourceMap;
use std::io::Write;
use std::path::Path;

/// Refuses an output path that is one of the plan's input files.
pub fn check_not_input(out: &Path, sources: &SourceMap) -> Result<(), String> {
    let is_plan = out.extension().is_some_and(|e| e == "plan");
    let canonical = std::fs::canonicalize(out).ok();
    for (_, file) in sources.files() {
        if let (Some(a), Some(b)) = (&canonical, &file.path) {
            if a == b {
                return Err(format!(
                    "refusing to overwrite the input file `{}`",
                    out.display()
                ));
            }
        }
    }
    if is_plan {
        return Err(format!(
            "refusing to write output to `{}`: a `.plan` file is an input; choose another name",
            out.display()
        ));
    }
    Ok(())
}

/// Writes `contents` to `path` atomically.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let mut tmp = tempfile_in(dir, &name)?;
    let result = (|| {
        tmp.1.write_all(contents)?;
        tmp.1.sync_all()?;
        std::fs::rename(&tmp.0, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp.0);
    }
    result
}

/// A new hidden file next to the target, created exclusively.
fn tempfile_in(dir: &Path, name: &str) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let pid = std::process::id();
    for attempt in 0..100u32 {
        let candidate = dir.join(format!(".{name}.{pid}.{attempt}.tmp"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(f) => return Ok((candidate, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "cannot create a temporary file",
    ))
}
