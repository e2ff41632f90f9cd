//! throughline turns an Obsidian vault of customer-research notes into
//! consolidated, always-current insight pages.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`scan`] — which files are in the vault ([`scan::VaultPath`]: relative, NFC,
//!    never escapes the vault);
//! 2. [`parse`] — one file → one [`parse::Note`]: frontmatter, properties, links,
//!    headings, blocks, tags, callouts, by Obsidian's rules;
//! 3. [`resolve`] — the whole vault: which file each link opens, and whether its
//!    heading or block exists ([`resolve::Vault`]);
//! 4. [`model`] — typed research notes: interviews and their observations, plans,
//!    insights, jobs, people, companies;
//! 5. [`consolidate`] — evidence and strength per insight, jobs by role and step,
//!    plan coverage, the digest, vault health;
//! 6. [`render`] — the pages, from minijinja templates;
//! 7. [`write`] — the only writer: atomic, only into the output folder, never
//!    over a file it did not generate;
//!
//! [`watch`] keeps the pages current as files change, reusing parsed notes;
//! [`export`] gives the model's observations as rows for other tools;
//! [`scaffold`] starts new interview notes from their plan.
//!
//! [`pipeline`] runs them in order. Problems in notes are [`diagnostics`], never
//! errors: the rest of the vault is always processed. Where Obsidian's behaviour
//! is uncertain, the rule we chose is in [`choices`].

#![warn(missing_docs)]

pub mod choices;
pub mod config;
pub mod consolidate;
pub mod diagnostics;
pub mod export;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod scan;
pub mod watch;
pub mod write;

pub use pipeline::{Analysis, BuildError, BuildReport, LoadError, analyze, build, load_vault};
