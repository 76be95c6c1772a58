//! Writing outputs safely: atomically (a temporary file in the same folder,
//! then a rename), and never over one of the plan's own input files.

use crate::source::SourceMap;
use std::fs::File;
use std::io::{BufWriter, Write};
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
    write_atomic_with(path, |file| file.write_all(contents))
}

/// Writes to `path` atomically what `write` writes to the buffered file
/// it is given: an output can be streamed without first being held whole
/// in memory.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let (tmp_path, file) = tempfile_in(dir, &name)?;
    let result = (|| {
        let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
        write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp_path, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp_path);
    }
    result
}

/// Large enough that a big output goes out in few system calls.
const WRITE_BUFFER: usize = 1 << 20;

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
