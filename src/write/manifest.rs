//! `.throughline/manifest.json`: what the last build generated, so stale pages
//! are removed exactly and unchanged pages are recognised without reading them.
//!
//! ```json
//! {"schema": 1, "output": "Throughline",
//!  "pages": [{"path": "Throughline/Insights.md", "hash": "…", "size": 1234, "modified": 1732550400123}]}
//! ```
//! `hash` is the xxh3-64 of the page's bytes (hex); `size` and `modified`
//! (milliseconds since the Unix epoch) are the file's after we wrote it. When the
//! file on disk still has that size and time, its bytes are taken to be the ones
//! we wrote.

use std::fs;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::atomic::replace_from;

/// The manifest's schema version.
const SCHEMA: u32 = 1;

/// One generated page as written. Its texts are shared, not copied, when
/// it is cloned: `watch` keeps the entry of every page it did not write
/// (14,000 at 100,000 notes) on every update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Vault path.
    pub path: std::sync::Arc<str>,
    /// xxh3-64 of the bytes, hex.
    pub hash: std::sync::Arc<str>,
    /// Size in bytes after writing.
    pub size: u64,
    /// Modification time after writing, ms since the epoch.
    pub modified: Option<u128>,
}

/// The manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Schema version.
    pub schema: u32,
    /// The output folder the pages were written to.
    pub output: String,
    /// Pages by path.
    pub pages: Vec<ManifestEntry>,
    /// Files in the output folder that are not ours, left alone.
    #[serde(default)]
    pub foreign: Vec<String>,
    /// Fingerprint of the build's inputs ([`super::fingerprint`]); absent when an
    /// input changed too recently to trust it.
    #[serde(default)]
    pub inputs: Option<String>,
    /// What the build found, reported again when nothing changed.
    #[serde(default)]
    pub summary: Option<BuildSummary>,
}

/// What a build found, kept so a build with nothing to do can report it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildSummary {
    /// Files in the vault.
    pub files: usize,
    /// Notes parsed.
    pub notes: usize,
    /// Links.
    pub links: usize,
    /// Links that resolve.
    pub resolved: usize,
    /// Invalid frontmatter blocks.
    pub invalid_frontmatter: usize,
    /// Errors found.
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
    /// Infos found.
    pub infos: usize,
}

impl Manifest {
    /// Reads the manifest; an absent or unreadable one is empty (the marker in
    /// each page still protects the user's files).
    pub fn load(path: &Path) -> Manifest {
        let mut manifest: Manifest = fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .filter(|manifest| manifest.schema == SCHEMA)
            .unwrap_or_default();
        // Saved sorted; one edited by hand is sorted here (see
        // [`Manifest::entry`]), a path listed twice keeping its last entry.
        manifest.pages.sort_by(|a, b| a.path.cmp(&b.path));
        manifest.pages.dedup_by(|later, earlier| {
            let same = later.path == earlier.path;
            if same {
                std::mem::swap(later, earlier);
            }
            same
        });
        manifest
    }

    /// Writes the manifest of the vault at `root` to `path` atomically, from
    /// one of `spares` when it has one. Its folder (the state folder) is made
    /// again only while `root` is there.
    pub fn save_from(
        &self,
        root: &Path,
        path: &Path,
        spares: Option<&super::Spares>,
    ) -> std::io::Result<()> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        bytes.push(b'\n');
        let permissions = fs::metadata(path)
            .ok()
            .map(|metadata| metadata.permissions());
        replace_from(spares, root, path, &bytes, permissions)
    }

    /// The entry of the page at `path` (pages are kept sorted by path: found
    /// by a binary search; `Writer::keep`, which looks up thousands of pages
    /// at once, walks them beside its own paths in the same order instead).
    pub fn entry(&self, path: &str) -> Option<&ManifestEntry> {
        self.pages
            .binary_search_by(|entry| (*entry.path).cmp(path))
            .ok()
            .map(|at| &self.pages[at])
    }

    /// A new manifest.
    pub fn new(output: &str, mut pages: Vec<ManifestEntry>) -> Manifest {
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        Manifest {
            schema: SCHEMA,
            output: output.to_owned(),
            pages,
            foreign: Vec::new(),
            inputs: None,
            summary: None,
        }
    }
}

/// The hash recorded for `bytes`.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// Size and modification time of a file, as recorded.
pub fn file_stamp(path: &Path) -> Option<(u64, Option<u128>)> {
    fs::metadata(path).ok().map(|metadata| stamp_of(&metadata))
}

/// [`file_stamp`] of a file whose metadata is at hand.
pub fn stamp_of(metadata: &fs::Metadata) -> (u64, Option<u128>) {
    let modified = metadata
        .modified()
        .ok()
        .and_then(|time: SystemTime| time.duration_since(UNIX_EPOCH).ok())
        .map(|duration| duration.as_millis());
    (metadata.len(), modified)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> ManifestEntry {
        ManifestEntry {
            path: path.into(),
            hash: content_hash(path.as_bytes()).into(),
            size: path.len() as u64,
            modified: None,
        }
    }

    #[test]
    fn entries_are_found_by_path_in_a_manifest_saved_in_any_order() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("manifest.json");
        let names = ["Out/b.md", "Out/Insights/a.md", "Out/a.md", "Out/c d.md"];
        let mut saved = Manifest::new("Out", names.iter().map(|name| entry(name)).collect());
        // Edited by hand: no longer sorted.
        saved.pages.reverse();
        fs::write(&path, serde_json::to_vec(&saved).unwrap()).unwrap();
        let loaded = Manifest::load(&path);
        for name in names {
            assert_eq!(loaded.entry(name), Some(&entry(name)), "{name}");
        }
        assert_eq!(loaded.entry("Out/e.md"), None);
        // A path listed twice: the last entry counts.
        let mut twice = entry("Out/a.md");
        twice.size = 99;
        saved.pages.push(twice.clone());
        fs::write(&path, serde_json::to_vec(&saved).unwrap()).unwrap();
        let loaded = Manifest::load(&path);
        assert_eq!(loaded.entry("Out/a.md"), Some(&twice));
        assert_eq!(loaded.pages.len(), names.len());
        assert_eq!(Manifest::default().entry("Out/a.md"), None);
    }
}
