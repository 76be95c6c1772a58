// The pipeline allocates many small nodes on a worker thread; glibc's
// per-thread arenas grow slowly there (measured: a fifth of a 100k-task
// check went to page faults and mprotect).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    planc::cli::main()
}
