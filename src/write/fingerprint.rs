//! Knowing that nothing changed since the last build, without reading a note.
//!
//! A build's inputs are every file of the vault outside the output folder (names
//! decide where links go; notes decide everything else), `throughline.toml`,
//! `.obsidian/app.json`, the template overrides and this program itself. Their
//! paths, sizes and modification times are hashed into a fingerprint kept in the
//! manifest. When the next build finds the same fingerprint, the pages it listed
//! untouched and nothing else in the output folder, its pages cannot differ: it
//! writes nothing without parsing anything.
//!
//! A file modified in the two seconds before the build started might be modified
//! again within the same timestamp tick; such a build stores no fingerprint, so the
//! next one runs in full ("racy" files, as git calls them).

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

use crate::scan::{Exclusion, Scan};

/// How recent a modification makes the fingerprint untrustworthy.
const RACY_WINDOW: Duration = Duration::from_secs(2);

/// The fingerprint of a build's inputs, or `None` when an input changed too
/// recently to be trusted (or could not be read).
pub fn inputs_fingerprint(root: &Path, scan: &Scan, started: SystemTime) -> Option<String> {
    let mut stamps: Vec<(String, u64, u128)> = scan
        .files
        .par_iter()
        .filter(|file| file.exclusion != Exclusion::OutputFolder)
        .map(|file| {
            stamp(&file.fs_path).map(|(size, modified)| (file.path.to_string(), size, modified))
        })
        .collect::<Option<Vec<_>>>()?;
    for extra in [".obsidian/app.json", "throughline.toml"] {
        if let Some((size, modified)) = stamp(&root.join(extra)) {
            stamps.push((extra.to_owned(), size, modified));
        }
    }
    let templates = root.join(super::STATE_FOLDER).join("templates");
    if let Ok(entries) = std::fs::read_dir(&templates) {
        for entry in entries.flatten() {
            if let Some((size, modified)) = stamp(&entry.path()) {
                stamps.push((
                    format!("templates/{}", entry.file_name().to_string_lossy()),
                    size,
                    modified,
                ));
            }
        }
    }
    let racy_after = started
        .checked_sub(RACY_WINDOW)
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |duration| duration.as_nanos());
    if stamps
        .iter()
        .any(|(_, _, modified)| *modified >= racy_after)
    {
        return None;
    }
    stamps.sort();
    let mut text = program_identity();
    for (path, size, modified) in &stamps {
        text.push_str(&format!("{path}\0{size}\0{modified}\n"));
    }
    Some(format!(
        "{:016x}",
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    ))
}

/// This program: its version and its default templates.
fn program_identity() -> String {
    let mut identity = format!("throughline {}\n", env!("CARGO_PKG_VERSION"));
    for (name, text) in crate::render::DEFAULT_TEMPLATES {
        identity.push_str(&format!(
            "{name} {:016x}\n",
            xxhash_rust::xxh3::xxh3_64(text.as_bytes())
        ));
    }
    identity
}

/// Size and modification time (ns since the epoch) of a file.
fn stamp(path: &Path) -> Option<(u64, u128)> {
    let metadata = std::fs::metadata(path).ok()?;
    let modified = metadata
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((metadata.len(), modified))
}
