//! The `throughline` binary: parse the command line, run, exit 0, 1 or 2.

use std::process::ExitCode;

mod cli;

/// mimalloc instead of the system allocator: a vault is hundreds of thousands of
/// small strings and vectors built on two threads at once; measured in
/// `cargo bench --bench check` (README, Benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
