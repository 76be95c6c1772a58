//! Cache prefetch hints. Much of the work on a large plan reads data in an
//! order unrelated to where it lies (name tables, tasks in placement
//! order, the JSON writer after the passes), so nearly every such read
//! misses the cache; the code often knows what it reads next, and can ask
//! for it while it works on the current item.

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
