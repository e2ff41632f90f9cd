//! What a run is configured with: throughline's options and Obsidian's settings.
//!
//! Raw input becomes a validated [`Config`] before any stage runs.

mod obsidian;

pub use obsidian::{ExcludedFiles, NewLinkFormat, ObsidianSettings};

use crate::choices;

/// The validated configuration of one run.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder throughline owns and writes its pages into (vault-relative,
    /// no trailing `/`). Its files are link targets, never sources.
    pub output_folder: String,
    /// Notes larger than this are kept as link targets but not parsed.
    pub max_note_bytes: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            output_folder: "Throughline".to_owned(),
            max_note_bytes: choices::MAX_NOTE_BYTES,
        }
    }
}
