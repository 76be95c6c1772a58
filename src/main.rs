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

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    planc::cli::main()
}
