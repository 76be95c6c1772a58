// The pipeline allocates many small nodes on a worker thread; glibc's
// per-thread arenas grow slowly there (measured: a fifth of a 100k-task
// check went to page faults and mprotect).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (the same index in v2 and v3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory for reuse instead of handing it back to the OS.
///
/// A build frees its syntax trees and then allocates the model: with
/// mimalloc's default 10 ms purge the kernel zeroes those pages a second
/// time (measured at 1M tasks: 3.6 s of system time, 1.4 s without it).
/// Long-running commands (`watch`, `serve`) rebuild the same plan, so the
/// kept memory is what the next rebuild needs anyway.
fn keep_freed_memory() {
    // SAFETY: sets an integer option before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// Resident memory past which huge pages are turned off (see
/// [`huge_pages_while_small`]); the 100k-task benchmark peaks near 160 MB.
#[cfg(target_os = "linux")]
const HUGE_PAGES_UP_TO: u64 = 256 << 20;

/// How long the process's memory is watched: long-running commands
/// (`watch`, `serve`) keep their memory between rebuilds, so what counts is
/// the first build, and waking up every 20 ms for ever would not be worth it.
#[cfg(target_os = "linux")]
const WATCH_MEMORY_FOR: std::time::Duration = std::time::Duration::from_secs(30);

/// mimalloc asks for transparent huge pages (2 MB): a small plan then
/// needs a few page faults instead of thousands (10k and 100k-task builds
/// are about 15% faster with them). Once resident memory passes
/// [`HUGE_PAGES_UP_TO`] within the first [`WATCH_MEMORY_FOR`], a thread
/// turns them off for the rest of the process: a large
/// plan touches a gigabyte of fresh memory, and on a virtual machine that
/// hands free memory back to its host in 2 MB blocks (as this one does)
/// each fresh huge page costs the host's fault and zeroing on top of the
/// kernel's, where 4 KB pages mostly come from memory the machine still
/// holds. Measured at 1M tasks: system time 2.8-3.6 s with huge pages
/// throughout, 1.0-1.3 s with this; wall time about 1 s less.
#[cfg(target_os = "linux")]
fn huge_pages_while_small() {
    let watch = || {
        let started = std::time::Instant::now();
        let page = page_size();
        while started.elapsed() < WATCH_MEMORY_FOR {
            std::thread::sleep(std::time::Duration::from_millis(20));
            let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
            if resident_bytes(&statm, page).unwrap_or(0) > HUGE_PAGES_UP_TO {
                // SAFETY: prctl reads only its integer arguments, passed at
                // the width the kernel reads (unsigned long); the setting
                // would be inherited by child processes (planc starts
                // none). A failure only leaves huge pages on.
                let off: libc::c_ulong = 1;
                let none: libc::c_ulong = 0;
                unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, off, none, none, none) };
                return;
            }
        }
    };
    // Without the thread, huge pages stay on: only slower.
    let _ = std::thread::Builder::new()
        .name("planc-memory".into())
        .spawn(watch);
}

#[cfg(not(target_os = "linux"))]
fn huge_pages_while_small() {}

#[cfg(target_os = "linux")]
fn page_size() -> u64 {
    // SAFETY: sysconf reads a constant of the system.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(size).unwrap_or(4096)
}

/// The resident size from `/proc/self/statm` (sizes in pages; the second
/// field is the resident set).
#[cfg(any(target_os = "linux", test))]
fn resident_bytes(statm: &str, page_size: u64) -> Option<u64> {
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    pages.checked_mul(page_size)
}

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    huge_pages_while_small();
    planc::cli::main()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_size_is_the_second_field_in_pages() {
        assert_eq!(
            resident_bytes("5123 1024 300 20 0 900 0\n", 4096),
            Some(4 << 20)
        );
        assert_eq!(resident_bytes("5123", 4096), None);
        assert_eq!(resident_bytes("", 4096), None);
        assert_eq!(resident_bytes("1 x 2", 4096), None);
        assert_eq!(resident_bytes("1 18446744073709551615", 4096), None);
    }
}
