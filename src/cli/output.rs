//! Writing outputs safely: atomically (a temporary file in the same folder,
//! then a rename), and never over one of the plan's own input files. A
//! streamed output (JSON) is written by a thread of its own, which asks the
//! kernel to start putting it on disk as it goes ([`Background`]).

use crate::source::SourceMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

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
    replace_atomically(path, |mut file| {
        file.write_all(contents)?;
        Ok(file)
    })
}

/// Writes to `path` atomically what `write` writes to the writer it is
/// given: an output can be streamed without first being held whole in
/// memory, and the file is written by a thread of its own (see
/// [`Background`]).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut Background<File>) -> io::Result<()>,
) -> io::Result<()> {
    replace_atomically(path, |file| {
        let mut out = Background::reporting(file, start_writeback);
        write(&mut out)?;
        out.finish()
    })
}

/// Fills a new temporary file next to `path` and renames it over `path`
/// once it is safely on disk; on failure the temporary file is removed.
/// A device or a pipe (`-o /dev/null`, `-o /dev/stdout`) is written to
/// as it is: a file renamed over it would replace it (run as root, over
/// `/dev/null` itself).
fn replace_atomically(path: &Path, fill: impl FnOnce(File) -> io::Result<File>) -> io::Result<()> {
    if is_special(path) {
        let file = std::fs::OpenOptions::new().write(true).open(path)?;
        return fill(file).map(drop);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let (tmp_path, file) = tempfile_in(dir, &name)?;
    let result = fill(file)
        .and_then(|file| file.sync_all())
        .and_then(|_| std::fs::rename(&tmp_path, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp_path);
    }
    result
}

/// Whether `path` (followed through links) exists and is neither a
/// regular file nor a folder: a device, a pipe or a socket.
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// How much a [`Background`] writer gathers before handing it over: large
/// enough that a big output goes out in few system calls.
const WRITE_BUFFER: usize = 1 << 20;

/// The most one system call writes. On this machine (Linux 6.18, ext4,
/// a virtual machine) copying a gigabyte into a new file took 1.5-1.7 s
/// in 1 MB writes and 0.3-0.4 s in 256 KB writes (`dd bs=1M` against
/// `dd bs=256K`, three runs of four each); smaller writes presumably fill
/// the page cache with smaller pieces of memory, which the machine has at
/// hand more often than large fresh ones.
const WRITE_PIECE: usize = 256 << 10;

/// Buffers handed over but not yet written, at most: the writing thread
/// may fall this far behind before the producer waits for it.
const BUFFERS_IN_FLIGHT: usize = 4;

/// A buffered writer whose buffers are written out by a thread of its
/// own. Writing a large output is mostly the kernel copying it into the
/// file (a gigabyte of JSON for a million tasks); on its own thread that
/// runs beside the rendering instead of after it. Buffers come back to be
/// reused, so the memory used stays a few megabytes. Where no thread can
/// be started it writes directly.
pub struct Background<W: Write + Send + 'static> {
    buffer: Vec<u8>,
    sink: Sink<W>,
}

/// Told, on the writing thread, the range of bytes just written.
type Progress<W> = fn(&W, u64, u64);

enum Sink<W: Write + Send + 'static> {
    Thread {
        full: SyncSender<Vec<u8>>,
        empty: Receiver<Vec<u8>>,
        worker: JoinHandle<io::Result<W>>,
    },
    Direct(W),
    /// After [`Background::finish`] or a failure.
    Gone,
}

impl<W: Write + Send + 'static> Background<W> {
    pub fn new(out: W) -> Background<W> {
        Background::reporting(out, |_, _, _| {})
    }

    /// As [`Background::new`], telling `progress` on the writing thread
    /// the offset and length of each piece once it is written.
    pub fn reporting(out: W, progress: Progress<W>) -> Background<W> {
        let (full, to_write) = sync_channel::<Vec<u8>>(BUFFERS_IN_FLIGHT);
        let (give_back, empty) = channel::<Vec<u8>>();
        // The writer is sent to the thread once it runs: if it cannot
        // start, the writer is still here, to be written to directly.
        let (hand, take) = sync_channel::<W>(1);
        let spawned = std::thread::Builder::new()
            .name("planc-writer".into())
            .spawn(move || {
                let Ok(mut out) = take.recv() else {
                    return Err(stopped());
                };
                let mut offset = 0;
                for mut buffer in to_write {
                    for piece in buffer.chunks(WRITE_PIECE) {
                        out.write_all(piece)?;
                    }
                    progress(&out, offset, buffer.len() as u64);
                    offset += buffer.len() as u64;
                    buffer.clear();
                    // The producer may have finished already: fine.
                    let _ = give_back.send(buffer);
                }
                out.flush()?;
                Ok(out)
            });
        let sink = match spawned {
            Ok(worker) => match hand.send(out) {
                Ok(()) => Sink::Thread {
                    full,
                    empty,
                    worker,
                },
                Err(unsent) => Sink::Direct(unsent.0),
            },
            Err(_) => Sink::Direct(out),
        };
        Background {
            buffer: Vec::with_capacity(WRITE_BUFFER),
            sink,
        }
    }

    /// Hands the gathered bytes over to be written.
    fn hand_over(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        match &mut self.sink {
            Sink::Thread { full, empty, .. } => {
                let next = empty
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(WRITE_BUFFER));
                let gathered = std::mem::replace(&mut self.buffer, next);
                if full.send(gathered).is_err() {
                    // The thread stopped, so it failed: its error says why.
                    return Err(self.stop().err().unwrap_or_else(stopped));
                }
                Ok(())
            }
            Sink::Direct(out) => {
                let written = out.write_all(&self.buffer);
                self.buffer.clear();
                written
            }
            Sink::Gone => Err(stopped()),
        }
    }

    /// Lets the writing thread end once it has written everything handed
    /// over; the writer, or the first error.
    fn stop(&mut self) -> io::Result<W> {
        match std::mem::replace(&mut self.sink, Sink::Gone) {
            Sink::Thread { full, worker, .. } => {
                drop(full);
                worker
                    .join()
                    .unwrap_or_else(|_| Err(io::Error::other("the writing thread failed")))
            }
            Sink::Direct(mut out) => out.flush().map(|_| out),
            Sink::Gone => Err(stopped()),
        }
    }

    /// Writes out everything and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.hand_over()?;
        self.stop()
    }
}

/// Asks the kernel to start writing `len` bytes at `offset` of `file` to
/// disk, without waiting: a large output then reaches the disk while it
/// is made, and the `fsync` that ends an atomic write has little left to
/// wait for (a gigabyte of JSON took 0.3 s to sync at the end). A hint:
/// if it fails, the `fsync` still does all the work.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return;
    };
    // SAFETY: sync_file_range reads only its integer arguments; the file
    // descriptor is open for as long as `file` is borrowed.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &File, _: u64, _: u64) {}

fn stopped() -> io::Error {
    io::Error::other("the output writer has stopped")
}

impl<W: Write + Send + 'static> Write for Background<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buffer.len() + data.len() > WRITE_BUFFER {
            self.hand_over()?;
        }
        self.buffer.extend_from_slice(data);
        Ok(data.len())
    }

    /// Hands over what is gathered: it is written soon after, not
    /// necessarily before this returns.
    fn flush(&mut self) -> io::Result<()> {
        self.hand_over()
    }
}

impl<W: Write + Send + 'static> Drop for Background<W> {
    /// Writes out what is left (a caller that skipped [`Background::finish`]
    /// loses nothing) and lets the thread end; errors are lost here, so
    /// callers that care call `finish`.
    fn drop(&mut self) {
        let _ = self.hand_over();
        let _ = self.stop();
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes of every size, some larger than a buffer, in one sequence.
    fn chunks() -> Vec<Vec<u8>> {
        (0..200u32)
            .map(|i| {
                let len = (i as usize * 7919) % (WRITE_BUFFER / 3)
                    + usize::from(i % 50 == 0) * 2 * WRITE_BUFFER;
                (0..len).map(|k| (k as u32 ^ i) as u8).collect()
            })
            .collect()
    }

    #[test]
    fn background_writes_everything_in_order() {
        let chunks = chunks();
        let mut out = Background::new(Vec::new());
        for c in &chunks {
            out.write_all(c).expect("writing to memory");
            if c.len() % 3 == 0 {
                out.flush().expect("flushing to memory");
            }
        }
        let written = out.finish().expect("writing to memory");
        assert_eq!(written, chunks.concat());
    }

    /// Takes `room` bytes, then fails.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            if data.len() > self.room {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
            }
            self.room -= data.len();
            Ok(data.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn background_reports_the_writers_error() {
        let mut out = Background::new(Full {
            room: 3 * WRITE_BUFFER,
        });
        let mut failed = None;
        for c in chunks() {
            if let Err(e) = out.write_all(&c) {
                failed = Some(e);
                break;
            }
        }
        let error = match failed {
            Some(e) => e,
            None => out.finish().err().expect("the writer runs out of room"),
        };
        assert_eq!(error.kind(), io::ErrorKind::StorageFull);
    }
}
