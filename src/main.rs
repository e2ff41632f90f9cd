//! The `throughline` binary: parse the command line, run, exit 0, 1 or 2.

use std::process::ExitCode;

mod cli;

/// mimalloc instead of the system allocator: a vault is hundreds of thousands of
/// small strings and vectors built on two threads at once; measured in
/// `cargo bench --bench check` (README, Benchmark). Its v2 line (the `v2`
/// feature in `Cargo.toml`), not v3: parsing grows and frees pulldown-cmark's
/// trees note after note, and v3 served the growth from fresh pages more often.
/// At 10,000 notes `check` peaked at 162 MB instead of 186 MB and ran 5 % faster.
/// Fresh memory is costly: the kernel zeroes every new page.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h`; the binding names
/// no constant for it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps memory the process frees for its own later use instead of returning
/// it to the system after mimalloc's default 10 ms. A one-off command (`check`,
/// `build`, …) frees and allocates throughout a run that ends soon after: each
/// return made the kernel zero fresh pages on the next allocation — a third of
/// `check`'s time at 100,000 notes, for 2 % more peak memory (README,
/// Benchmark).
fn keep_freed_memory() {
    set_purge_delay(-1);
}

/// How long `watch` keeps memory an update freed before returning it to the
/// system, in milliseconds. Obsidian saves a note every few seconds while the
/// user types; with mimalloc's default (10 ms), each update returned what the
/// last one freed, and faulted the same amount back in: ~2,700 page faults
/// per update at 10,000 notes. mimalloc purges lazily, on later allocator
/// calls: memory freed more than 5 s before the next update goes back to the
/// system then (arenas wait longer, `arena_purge_mult` times as long).
const WATCH_PURGE_DELAY_MS: std::ffi::c_long = 5_000;

/// `watch`: keeps freed memory between updates (see [`WATCH_PURGE_DELAY_MS`]).
fn keep_freed_memory_between_updates() {
    set_purge_delay(WATCH_PURGE_DELAY_MS);
}

/// Returns memory freed so far to the system now, on every thread of the pool
/// (each has its own heap): `watch` calls it once its first build, which
/// needs far more memory than any update, is done.
fn return_freed_memory() {
    let collect = || {
        // SAFETY: `mi_collect` may be called from any thread at any time.
        unsafe { libmimalloc_sys::mi_collect(true) }
    };
    rayon::broadcast(|_| collect());
    collect();
}

/// Turns transparent huge pages off for this process: a one-off command
/// (`check`, `build`, …), not `watch`. mimalloc asks for them on its 1 GiB
/// arenas (`MADV_HUGEPAGE`; its `allow_thp` option, on by default), so the
/// first touch of each 2 MiB made the kernel find and zero a whole huge page.
/// In a VM whose free memory goes back to the host (virtio balloon free page
/// reporting, as on the machine of the benchmarks) that is fresh host memory
/// each time: `check` at 10,000 notes run alone (3 s apart) took 456 ms with
/// huge pages and 386 ms without, at 100,000 notes back to back 3.58 s and
/// 3.36 s (1.3 s of system time against 0.8 s), and a cold build at 100,000
/// notes 17.9 s and 16.5 s. Run back to back at 10,000 notes, when the last
/// run's huge pages are still there to reuse, huge pages were 4–8 % faster
/// (README, Benchmark). `watch` keeps them: its updates walk the same few
/// hundred MB again and again; at 10,000 notes, two rounds of 12 edits took
/// 31.0 and 37.5 ms (medians) with huge pages, 37.5 and 40.5 ms without.
/// mimalloc does the same when `allow_thp` is off (its `prim/unix/prim.c`),
/// but reads that option before `main` runs; the process flag also covers
/// arenas already reserved.
fn without_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: `prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)` only sets a flag of the
    // calling process; it reads and writes no memory of ours. A kernel
    // without it returns an error, and then nothing changes. The arguments
    // after the option are read as `unsigned long` (a variadic call): passed
    // as such, the zeros the kernel requires are zeros in every bit.
    unsafe {
        let (on, zero): (libc::c_ulong, libc::c_ulong) = (1, 0);
        libc::prctl(libc::PR_SET_THP_DISABLE, on, zero, zero, zero);
    }
}

fn set_purge_delay(milliseconds: std::ffi::c_long) {
    // SAFETY: sets a documented mimalloc option to a documented value (-1:
    // never purge, else a delay); options may be set at any time.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, milliseconds) };
}

fn main() -> ExitCode {
    cli::main()
}
