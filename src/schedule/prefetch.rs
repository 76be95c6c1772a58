//! Cache prefetch hints. The passes over a large plan visit tasks in an
//! order unrelated to their numbering, so nearly every per-task read
//! misses the cache; they do know which task comes next, and can ask for
//! its data while they work on the current one.

/// Asks the CPU to start loading the cache line of `items[i]` (nothing if
/// there is no such item). A hint only: no value changes.
#[inline(always)]
pub fn prefetch<T>(items: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = items.get(i) {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch never faults and has no effect but timing
        // (and the address is a live item anyway).
        unsafe { _mm_prefetch::<_MM_HINT_T0>((item as *const T).cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (items, i);
}
