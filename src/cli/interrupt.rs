//! Ctrl-C for long-running commands (`planc watch`): the first SIGINT or
//! SIGTERM sets a flag that the command polls between builds, so it stops
//! cleanly (exit status 0) instead of dying half-way through a write.
//!
//! std has no signal API and planc does not depend on a signal crate, so
//! this installs the handler through the C library's `signal(3)`, which
//! every Unix libstd already links. The handler only stores to an atomic,
//! which is async-signal-safe. Elsewhere the default behaviour stays.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Whether the user asked planc to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Routes Ctrl-C (and SIGTERM) to [`requested`] from now on.
pub fn install() {
    imp::install();
}

#[cfg(unix)]
mod imp {
    use std::sync::atomic::Ordering;

    /// The signal numbers are the same on every Unix planc builds for.
    const SIGINT: i32 = 2;
    const SIGTERM: i32 = 15;

    extern "C" {
        /// `sighandler_t signal(int, sighandler_t)`; the previous handler
        /// is returned as a pointer-sized value that planc does not need.
        fn signal(signum: i32, handler: extern "C" fn(i32)) -> usize;
    }

    extern "C" fn on_signal(_signum: i32) {
        super::REQUESTED.store(true, Ordering::SeqCst);
    }

    pub fn install() {
        // SAFETY: `on_signal` only stores to a static atomic, which is
        // async-signal-safe, and it lives for the whole program.
        unsafe {
            signal(SIGINT, on_signal);
            signal(SIGTERM, on_signal);
        }
    }
}

#[cfg(not(unix))]
mod imp {
    /// Without a handler, Ctrl-C ends the process at once; outputs are
    /// written atomically, so nothing is left half-written.
    pub fn install() {}
}
