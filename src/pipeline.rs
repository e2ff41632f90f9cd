//! Runs the stages in order: scan → parse → resolve (→ consolidate → render →
//! write, in later issues).
//!
//! [`load_vault`] is what `check` and `links` need: every file found, every note
//! parsed in parallel (results kept in file order), every link resolved.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use crate::config::{Config, ObsidianSettings};
use crate::parse::{Note, NoteBytes, parse_note};
use crate::resolve::{FileId, StageTimings, Vault, resolve};
use crate::scan::{FileKind, ScanError, ScanOptions, scan};

/// Why a vault could not be loaded at all (problems in notes are diagnostics).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The vault folder is missing or not a folder.
    #[error(transparent)]
    Scan(#[from] ScanError),
}

/// Scans, parses and resolves the vault at `root`.
pub fn load_vault(root: &Path, config: &Config) -> Result<Vault, LoadError> {
    let (settings, settings_diagnostics) = ObsidianSettings::load(root);
    let options = ScanOptions {
        output_folder: config.output_folder.trim_matches('/').to_owned(),
        excluded: settings.excluded.clone(),
    };
    let started = Instant::now();
    let mut scan = scan(root, &options)?;
    let scanned = started.elapsed();
    scan.diagnostics.extend(settings_diagnostics);
    let note_files: Vec<FileId> = scan
        .files
        .iter()
        .enumerate()
        .filter(|(_, file)| file.kind == FileKind::Note)
        .map(|(id, _)| id as FileId)
        .collect();
    let started = Instant::now();
    let parsed: Vec<(FileId, Note, Option<Metadata>)> = note_files
        .par_iter()
        .map(|&id| {
            let file = &scan.files[id as usize];
            let (bytes, metadata) = read_note(&file.fs_path, config.max_note_bytes);
            (id, parse_note(file.path.clone(), bytes), metadata)
        })
        .collect();
    let mut notes = Vec::with_capacity(parsed.len());
    for (id, note, metadata) in parsed {
        if let Some(metadata) = metadata {
            let file = &mut scan.files[id as usize];
            file.size = metadata.len();
            file.modified = metadata.modified().ok();
        }
        notes.push((id, note));
    }
    let parsed_in = started.elapsed();
    let started = Instant::now();
    let mut vault = resolve(scan, notes, settings);
    vault.timings = StageTimings {
        scan: scanned,
        parse: parsed_in,
        resolve: started.elapsed(),
    };
    Ok(vault)
}

/// Reads a note (one open, one `fstat`, one read), refusing ones over the size
/// limit without reading them.
fn read_note(path: &Path, max_bytes: u64) -> (NoteBytes, Option<Metadata>) {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(error) => return (NoteBytes::Unreadable(error), None),
    };
    let metadata = match file.metadata() {
        Ok(metadata) => metadata,
        Err(error) => return (NoteBytes::Unreadable(error), None),
    };
    if metadata.is_dir() {
        let error = std::io::Error::other("it is a folder");
        return (NoteBytes::Unreadable(error), Some(metadata));
    }
    if metadata.len() > max_bytes {
        return (NoteBytes::TooLarge(metadata.len()), Some(metadata));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize + 1);
    match file.read_to_end(&mut bytes) {
        Ok(_) if bytes.len() as u64 > max_bytes => {
            (NoteBytes::TooLarge(bytes.len() as u64), Some(metadata))
        }
        Ok(_) => (NoteBytes::Read(bytes), Some(metadata)),
        Err(error) => (NoteBytes::Unreadable(error), Some(metadata)),
    }
}
