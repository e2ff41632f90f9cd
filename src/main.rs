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
/// Benchmark). `watch` keeps the default: it runs for hours beside Obsidian.
fn keep_freed_memory() {
    // SAFETY: sets a documented mimalloc option to a documented value (-1: never
    // purge); options may be set at any time.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

fn main() -> ExitCode {
    cli::main()
}
