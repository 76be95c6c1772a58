//! Reading what planc is pointed at (standard input, a plan named on the
//! command line) under the same rule as `planc::load`: a regular file,
//! at most [`crate::LoadOptions::max_file_bytes`]. A FIFO would block, a
//! device (`/dev/zero`) never ends, and an endless standard input must
//! not fill the memory.

use crate::diagnostic::{codes, Diagnostic};
use std::io::{self, Read};
use std::path::Path;

/// The bytes of `reader`, or `None` when it has more than `max` bytes (it
/// is read no further than one byte past `max`).
pub fn read_at_most(reader: impl Read, max: usize) -> io::Result<Option<Vec<u8>>> {
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    reader.take(limit).read_to_end(&mut bytes)?;
    Ok((bytes.len() <= max).then_some(bytes))
}

/// Opens `path` (following a symbolic link) if it is a regular file.
pub fn open_regular(path: &Path) -> io::Result<std::fs::File> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    std::fs::File::open(path)
}

/// The error for an input over the limit, as `planc::load` words it.
pub fn too_large(name: &str, max: usize) -> Diagnostic {
    Diagnostic::error(
        codes::TOO_LARGE_INPUT,
        format!("`{name}` is larger than {max} bytes, the most planc reads from one file"),
    )
}
