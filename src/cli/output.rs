//! Writing outputs safely: atomically (a temporary file in the same folder,
//! then a rename), and never over one of the plan's own input files.

use super::interrupt;
use crate::source::SourceMap;
use std::io::{self, BufWriter, Write};
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
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |out| out.write_all(contents))
}

/// Writes to `path` atomically what `write` writes to the (buffered)
/// writer it is given, so an output can be streamed without first being
/// held whole in memory.
///
/// The bytes go to a new temporary file next to `path`, renamed over it
/// once safely on disk; on failure or Ctrl-C the temporary file is
/// removed. A device or a pipe (`-o /dev/null`, `-o /dev/stdout`) is
/// written to as it is: a file renamed over it would replace it (run as
/// root, over `/dev/null` itself).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    if is_special(path) {
        let file = std::fs::OpenOptions::new().write(true).open(path)?;
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        return out.flush();
    }
    let temp = interrupt::TempOutput::create(&folder_of(path), &hidden_name(path))?;
    let mut out = BufWriter::new(temp.as_file()?);
    write(&mut out)?;
    out.into_inner()
        .map_err(io::IntoInnerError::into_error)?
        .sync_all()?;
    temp.persist(path)
}

/// The folder `path` is in; `.` for a bare file name.
fn folder_of(path: &Path) -> std::path::PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => Path::new(".").to_path_buf(),
    }
}

/// The start of the temporary file's name: `.out.html.`, hidden so that
/// folder listings and file watchers pass over it.
fn hidden_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    format!(".{name}.")
}

/// Whether `path` (followed through links) exists and is neither a
/// regular file nor a folder: a device, a pipe or a socket.
pub fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}
