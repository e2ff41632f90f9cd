//! Integration tests: the real `throughline` binary on real folders.
//!
//! One test binary; one module per command, plus the Obsidian edge-case table,
//! bad input and the real vaults under `../shared/corpora`.

mod bad_input;
mod browser;
mod build;
mod check;
mod ci_recipe;
mod cli;
mod corpora;
mod digest;
mod export;
mod init;
mod links;
mod never_panics;
mod new;
mod progress;
mod safety;
mod semantics;
mod support;
mod watch;
