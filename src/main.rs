//! The `throughline` binary: parse the command line, run, exit 0, 1 or 2.

use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    cli::main()
}
