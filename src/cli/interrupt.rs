//! Ctrl-C and SIGTERM (through the `ctrlc` crate, whose handler runs on a
//! thread of its own, so it may do ordinary work).
//!
//! Every atomic output is a temporary file registered here while it is
//! written; whoever stops planc removes those first, so an interrupted
//! `build -o` leaves nothing behind. One-shot commands then exit at once
//! with [`INTERRUPTED`]. `planc watch` stops by itself between builds
//! (status 0); a build that keeps it busy longer than [`GRACE`] is
//! abandoned, since nothing inside the pipeline looks at the flag.

use super::exit::INTERRUPTED;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// How long `planc watch` may take to notice Ctrl-C by itself.
const GRACE: Duration = Duration::from_millis(500);

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Temporary outputs being written now.
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// What Ctrl-C does to the running command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Exit at once with [`INTERRUPTED`].
    AtOnce,
    /// Let the command stop by itself (it polls [`requested`]); if it has
    /// not within [`GRACE`], exit with status 0.
    Politely,
}

/// Whether the user asked planc to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Routes Ctrl-C and SIGTERM to `stop` from now on.
pub fn install(stop: Stop) {
    // Without a handler the signal still ends planc, only less tidily.
    let _ = ctrlc::set_handler(move || on_signal(stop));
}

fn on_signal(stop: Stop) {
    REQUESTED.store(true, Ordering::SeqCst);
    let code = match stop {
        Stop::AtOnce => INTERRUPTED,
        Stop::Politely => {
            std::thread::sleep(GRACE);
            say!("planc: stopped watching; the build under way was abandoned");
            super::exit::OK
        }
    };
    exit_removing_temp_files(code)
}

fn exit_removing_temp_files(code: u8) -> ! {
    // The lock is held until the process ends: no new temporary file can
    // appear once these are gone.
    let pending = temp_files();
    for path in pending.iter() {
        let _ = std::fs::remove_file(path);
    }
    std::process::exit(i32::from(code))
}

fn temp_files() -> MutexGuard<'static, Vec<PathBuf>> {
    TEMP_FILES.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A hidden temporary file in an output's folder, removed when dropped
/// and when planc is interrupted, until [`TempOutput::persist`] renames it
/// over the output.
pub struct TempOutput {
    file: Option<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl TempOutput {
    /// A new file in `dir` whose name starts with `prefix`.
    pub fn create(dir: &Path, prefix: &str) -> io::Result<TempOutput> {
        let mut pending = temp_files();
        let mut builder = tempfile::Builder::new();
        builder.prefix(prefix).suffix(".tmp");
        with_ordinary_permissions(&mut builder);
        let file = builder.tempfile_in(dir)?;
        let path = file.path().to_path_buf();
        pending.push(path.clone());
        Ok(TempOutput {
            file: Some(file),
            path,
        })
    }

    pub fn as_file(&self) -> io::Result<&File> {
        self.file
            .as_ref()
            .map(tempfile::NamedTempFile::as_file)
            .ok_or_else(|| io::Error::other("the temporary file is gone"))
    }

    /// Renames the file over `target`.
    pub fn persist(mut self, target: &Path) -> io::Result<()> {
        let mut pending = temp_files();
        let file = self
            .file
            .take()
            .ok_or_else(|| io::Error::other("the temporary file is gone"))?;
        // On failure the file comes back inside the error and is removed
        // when that is dropped.
        let persisted = file.persist(target).map(drop).map_err(|e| e.error);
        pending.retain(|p| *p != self.path);
        persisted
    }
}

impl Drop for TempOutput {
    fn drop(&mut self) {
        let mut pending = temp_files();
        // Removed under the lock, so an interrupt never misses it.
        drop(self.file.take());
        pending.retain(|p| *p != self.path);
    }
}

/// Gives new files what they get by default (`rw-rw-rw-` less the umask),
/// where `tempfile` would make them readable by their owner only.
#[cfg(unix)]
fn with_ordinary_permissions(builder: &mut tempfile::Builder) {
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
}

#[cfg(not(unix))]
fn with_ordinary_permissions(_: &mut tempfile::Builder) {}
