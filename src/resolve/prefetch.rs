//! Asking the CPU for memory before it is read.
//!
//! Resolving follows links to files and notes anywhere in the vault, so its
//! reads mostly miss the CPU cache and each waits for memory in turn. Asking
//! for the memory of several reads first lets those waits overlap.

/// A hint to load the cache line holding `value` (its first byte); it changes
/// nothing else.
pub(super) fn prefetch<T: ?Sized>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing the program sees and never faults, even
    // on an address it may not read; `value` is a valid reference anyway.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
