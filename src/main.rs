#![forbid(unsafe_code)]

// The pipeline allocates many small nodes on a worker thread; glibc's
// per-thread arenas grow slowly there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    planc::cli::main()
}
