//! Cache prefetch hints. The passes over a large plan (and the JSON
//! writer after them) visit tasks in an order unrelated to where their
//! data lies, so nearly every per-task read misses the cache; they do
//! know which task comes next, and can ask for its data while they work
//! on the current one.

/// Asks the CPU to start loading the cache line of `items[i]` (nothing if
/// there is no such item). A hint only: no value changes.
#[inline(always)]
pub fn prefetch<T>(items: &[T], i: usize) {
    if let Some(item) = items.get(i) {
        prefetch_at(item);
    }
}

/// Asks the CPU to start loading the cache line at `p`. A hint only: no
/// value changes, and no address, even a dangling one, makes it fault.
#[inline(always)]
pub fn prefetch_at<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch has no effect but timing and never faults.
    unsafe {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
