//! Load: scan the vault, read and parse every note in parallel (results kept in
//! file order), resolve every link. `watch` loads through a [`NoteCache`]: only
//! the notes that changed are read and parsed again.

use foldhash::HashSet;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Config, ObsidianSettings};
use crate::consolidate::SummaryMemo;
use crate::model::ModelMemo;
use crate::parse::{Note, NoteBytes, parse_note};
use crate::resolve::{FileId, LinkMemo, StageTimings, Vault, resolve_reusing};
use crate::scan::{FileKind, Scan, ScanError, ScanOptions, VaultPath, scan};

/// Why a vault could not be loaded at all (problems in notes are diagnostics).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The vault folder is missing or not a folder.
    #[error(transparent)]
    Scan(#[from] ScanError),
}

/// Scans, parses and resolves the vault at `root`.
pub fn load_vault(root: &Path, config: &Config) -> Result<Vault, LoadError> {
    let started = Instant::now();
    let (scan, settings) = scan_vault(root, config)?;
    let scanned = started.elapsed();
    Ok(load_scanned(scan, settings, config, scanned))
}

/// Reads Obsidian's settings and walks the vault.
pub fn scan_vault(root: &Path, config: &Config) -> Result<(Scan, ObsidianSettings), LoadError> {
    let (settings, settings_diagnostics) = ObsidianSettings::load(root);
    let options = ScanOptions {
        output_folder: config.output_folder.trim_matches('/').to_owned(),
        excluded: settings.excluded.clone(),
        ignored_folders: config.ignored_folders.clone(),
    };
    let mut scan = scan(root, &options)?;
    scan.diagnostics.extend(settings_diagnostics);
    Ok((scan, settings))
}

/// Parses and resolves a scanned vault (`scanned`: how long the scan took).
pub fn load_scanned(
    scan: Scan,
    settings: ObsidianSettings,
    config: &Config,
    scanned: Duration,
) -> Vault {
    load_scanned_cached(scan, settings, config, scanned, &mut NoteCache::default())
}

/// Notes parsed before, with the size and time of the file they came from.
#[derive(Debug, Default)]
pub struct NoteCache {
    /// Notes by path: those parsed after the last load, and all of them when a
    /// load's files are not the last load's.
    notes: foldhash::HashMap<VaultPath, (u64, Option<std::time::SystemTime>, Note)>,
    /// The last load's notes in its order, with their files' stamps: a load of
    /// the same files (a save under `watch`) takes them by position, without
    /// hashing every path twice per update.
    ordered: Vec<(Stamp, Note)>,
    /// Notes whose new frontmatter is invalid and whose last good parse was kept
    /// (filled by the last load).
    pub kept_last_good: Vec<VaultPath>,
    /// Notes known to have changed, whatever their size and time say.
    changed: HashSet<VaultPath>,
    /// Whether `changed` names every note that changed (the caller saw every
    /// file-system event): the others are kept without looking at their files.
    pub events_complete: bool,
    /// The last resolution, for notes whose links cannot resolve differently.
    links: Option<LinkMemo>,
    /// What the last model read from each note (kept by `watch`; a one-off build
    /// has none and keeps none).
    pub model: Option<ModelMemo>,
    /// The last insight summaries (kept by `watch`, like `model`).
    pub summaries: Option<SummaryMemo>,
    /// The last plan (kept by `watch`, like `model`).
    pub plan: Option<crate::render::PagePlan>,
    /// The manifest the last build saved (kept by `watch`, like `model`).
    pub manifest: Option<crate::write::KeptManifest>,
    /// Notes parsed after the last load ([`NoteCache::insert_parsed`]): the next
    /// load counts them as read afresh.
    parsed_since: HashSet<VaultPath>,
}

/// A file's size and modification time.
type Stamp = (u64, Option<std::time::SystemTime>);

fn stamp_of(metadata: &Metadata) -> Stamp {
    (metadata.len(), metadata.modified().ok())
}

impl NoteCache {
    /// Refills the cache for the next load with the notes and resolution of a
    /// vault just loaded through it (the vault keeps everything else); the
    /// memos stay for their owner to refresh.
    pub fn refill_from(&mut self, vault: &mut Vault) {
        self.links = Some(vault.take_link_memo());
        self.notes.clear();
        self.ordered = std::mem::take(&mut vault.notes)
            .into_iter()
            .enumerate()
            .map(|(index, note)| {
                let file = vault.file_of_note(index);
                ((file.size, file.modified), note)
            })
            .collect();
        self.kept_last_good.clear();
        self.changed.clear();
        self.events_complete = false;
        self.parsed_since.clear();
    }

    /// Puts a note read and parsed after the last load (a page just written:
    /// pages are link targets) in the cache, if its file still has the size and
    /// time it was read with (else it stays to be read again). The next load
    /// takes it as read afresh.
    pub fn insert_parsed(&mut self, parsed: ParsedNote) {
        let now = std::fs::metadata(&parsed.fs_path)
            .ok()
            .map(|m| stamp_of(&m));
        if now != Some((parsed.size, parsed.modified)) || parsed.modified.is_none() {
            return;
        }
        self.changed.remove(&parsed.path);
        self.parsed_since.insert(parsed.path.clone());
        self.notes
            .insert(parsed.path, (parsed.size, parsed.modified, parsed.note));
    }

    /// Marks notes as changed: the next load reads them again even when their
    /// size and modification time are the same as before.
    pub fn mark_changed<'p>(&mut self, paths: impl IntoIterator<Item = &'p VaultPath>) {
        self.changed.extend(paths.into_iter().cloned());
    }

    /// The cached note of `path`, if its file still has this size and time.
    fn take(
        &mut self,
        path: &VaultPath,
        size: u64,
        modified: Option<std::time::SystemTime>,
    ) -> Option<Note> {
        match self.notes.get(path) {
            Some((cached_size, cached_time, _))
                if *cached_size == size
                    && *cached_time == modified
                    && modified.is_some()
                    && !self.changed.contains(path) =>
            {
                self.notes.remove(path).map(|(_, _, note)| note)
            }
            _ => None,
        }
    }

    /// Whether `path` has a cached note not marked changed.
    fn known_unchanged(&self, path: &VaultPath) -> bool {
        self.notes.contains_key(path) && !self.changed.contains(path)
    }

    /// The cached note of `path` with its file's stamp, unless marked changed.
    fn take_unchanged(&mut self, path: &VaultPath) -> Option<(Note, Stamp)> {
        if self.changed.contains(path) {
            return None;
        }
        self.notes
            .remove(path)
            .map(|(size, modified, note)| (note, (size, modified)))
    }

    /// Puts the notes kept in order in the map by path (the files changed).
    fn index_by_path(&mut self) {
        for ((size, modified), note) in std::mem::take(&mut self.ordered) {
            self.notes
                .entry(note.path.clone())
                .or_insert((size, modified, note));
        }
    }

    /// The cached notes in the order of `paths` when they are the notes kept in
    /// order, each with its stamp unless marked changed or parsed since (those
    /// come from the map); the notes not taken are returned as last parses.
    #[allow(clippy::type_complexity)]
    fn take_in_order(
        &mut self,
        paths: &[&VaultPath],
    ) -> Option<(Vec<Option<(Note, Stamp)>>, Vec<Option<Note>>)> {
        let same = self.ordered.len() == paths.len()
            && self
                .ordered
                .par_iter()
                .zip(paths)
                .all(|((_, note), path)| note.path == **path);
        if !same {
            return None;
        }
        // The few notes marked changed or parsed since, by position (`paths`
        // are sorted): no path is hashed per note.
        let position = |path: &VaultPath| paths.binary_search_by(|probe| (*probe).cmp(path)).ok();
        let mut changed = vec![false; paths.len()];
        for at in self.changed.iter().filter_map(position) {
            changed[at] = true;
        }
        let mut newer: Vec<(usize, (u64, Option<std::time::SystemTime>, Note))> = Vec::new();
        for (path, entry) in std::mem::take(&mut self.notes) {
            match position(&path) {
                Some(at) => newer.push((at, entry)),
                None => {
                    self.notes.insert(path, entry);
                }
            }
        }
        newer.sort_unstable_by_key(|(at, _)| *at);
        let mut newer = newer.into_iter().peekable();
        let mut kept = Vec::with_capacity(paths.len());
        let mut last = Vec::with_capacity(paths.len());
        for (at, (stamp, note)) in std::mem::take(&mut self.ordered).into_iter().enumerate() {
            let newer = newer
                .next_if(|(found, _)| *found == at)
                .map(|(_, entry)| entry);
            if changed[at] {
                kept.push(None);
                last.push(Some(newer.map_or(note, |(_, _, newer)| newer)));
                continue;
            }
            kept.push(Some(match newer {
                Some((size, modified, newer)) => (newer, (size, modified)),
                None => (note, stamp),
            }));
            last.push(None);
        }
        Some((kept, last))
    }

    /// Removes and returns the last parse of `path`.
    pub fn remove(&mut self, path: &VaultPath) -> Option<Note> {
        self.notes.remove(path).map(|(_, _, note)| note)
    }
}

/// [`load_scanned`], reusing the notes of `cache` whose files did not change
/// (same size and modification time): only changed notes are read and parsed.
pub fn load_scanned_cached(
    mut scan: Scan,
    settings: ObsidianSettings,
    config: &Config,
    scanned: Duration,
    cache: &mut NoteCache,
) -> Vault {
    let note_files: Vec<FileId> = scan
        .files
        .iter()
        .enumerate()
        .filter(|(_, file)| file.kind == FileKind::Note)
        .map(|(id, _)| id as FileId)
        .collect();
    let started = Instant::now();
    // With a cache: keep the notes whose files did not change (known from the
    // caller's events, or by their size and time), read the rest.
    let mut kept: Vec<Option<(Note, Stamp)>> = Vec::new();
    // The last parses of notes read again (a note saved with broken frontmatter
    // keeps its last good parse).
    let mut last: Vec<Option<Note>> = Vec::new();
    let paths: Vec<&VaultPath> = note_files
        .iter()
        .map(|&id| &scan.files[id as usize].path)
        .collect();
    let in_order = match cache.events_complete {
        true => cache.take_in_order(&paths),
        false => None,
    };
    if let Some((in_order, last_parses)) = in_order {
        (kept, last) = (in_order, last_parses);
    } else if !cache.notes.is_empty() || !cache.ordered.is_empty() {
        cache.index_by_path();
        let events_complete = cache.events_complete;
        let stamps: Vec<Option<Stamp>> = note_files
            .par_iter()
            .map(|&id| {
                let file = &scan.files[id as usize];
                if events_complete && cache.known_unchanged(&file.path) {
                    return None;
                }
                std::fs::metadata(&file.fs_path).ok().map(|m| stamp_of(&m))
            })
            .collect();
        kept = note_files
            .iter()
            .zip(stamps)
            .map(|(&id, stamp)| {
                let path = &scan.files[id as usize].path;
                match stamp {
                    Some(stamp) => Some((cache.take(path, stamp.0, stamp.1)?, stamp)),
                    None if events_complete => cache.take_unchanged(path),
                    None => None,
                }
            })
            .collect();
        last = paths
            .iter()
            .zip(&kept)
            .map(|(path, kept)| match kept {
                Some(_) => None,
                None => cache.remove(path),
            })
            .collect();
    }
    // Which notes were parsed since the last load, by position (no path is
    // hashed per note).
    let mut parsed_since = vec![false; note_files.len()];
    for path in std::mem::take(&mut cache.parsed_since) {
        if let Ok(at) = paths.binary_search_by(|probe| (*probe).cmp(&path)) {
            parsed_since[at] = true;
        }
    }
    drop(paths);
    kept.resize_with(note_files.len(), || None);
    last.resize_with(note_files.len(), || None);
    let parsed: Vec<(FileId, Note, Option<Stamp>, bool)> = note_files
        .par_iter()
        .zip(kept.into_par_iter())
        .zip(parsed_since.par_iter())
        .map(|((&id, kept), &fresh)| match kept {
            Some((note, stamp)) => (id, note, Some(stamp), fresh),
            None => {
                let file = &scan.files[id as usize];
                let (bytes, metadata) = read_note(&file.fs_path, config.max_note_bytes);
                let stamp = metadata.as_ref().map(stamp_of);
                (id, parse_note(file.path.clone(), bytes), stamp, true)
            }
        })
        .collect();
    let mut notes = Vec::with_capacity(parsed.len());
    cache.kept_last_good.clear();
    for ((id, mut note, stamp, fresh), last) in parsed.into_iter().zip(last) {
        // A note saved with broken frontmatter mid-edit keeps its last good parse
        // (the problem is still reported).
        if fresh
            && !note.has_valid_frontmatter
            && let Some(mut last) =
                last.filter(|last| last.has_valid_frontmatter && !last.text.is_empty())
        {
            last.diagnostics.extend(
                note.diagnostics
                    .drain(..)
                    .filter(|d| d.code == crate::diagnostics::Code::InvalidFrontmatter),
            );
            cache.kept_last_good.push(note.path.clone());
            note = last;
        }
        if let Some((size, modified)) = stamp {
            let file = &mut scan.files[id as usize];
            file.size = size;
            file.modified = modified;
        }
        notes.push((id, note, fresh));
    }
    let parsed_in = started.elapsed();
    let started = Instant::now();
    // `watch` keeps memos (it gives the cache a model memo): only then is the
    // resolution kept for the next load.
    let mut vault = match cache.model {
        Some(_) => resolve_reusing(scan, notes, settings, cache.links.take()),
        None => crate::resolve::resolve_once(scan, notes, settings),
    };
    vault.timings = StageTimings {
        scan: scanned,
        parse: parsed_in,
        resolve: started.elapsed(),
    };
    vault
}

/// A note read and parsed, with the size and time its file had then.
#[derive(Debug)]
pub struct ParsedNote {
    path: VaultPath,
    fs_path: std::path::PathBuf,
    size: u64,
    modified: Option<std::time::SystemTime>,
    note: Note,
}

/// Reads and parses the note at `fs_path` (vault path `path`); `None` when it
/// cannot be read as a note.
pub fn read_and_parse(path: &VaultPath, fs_path: &Path, max_bytes: u64) -> Option<ParsedNote> {
    let (bytes, metadata) = read_note(fs_path, max_bytes);
    let (size, modified) = stamp_of(&metadata?);
    if !matches!(bytes, NoteBytes::Read(_)) {
        return None;
    }
    Some(ParsedNote {
        path: path.clone(),
        fs_path: fs_path.to_path_buf(),
        size,
        modified,
        note: parse_note(path.clone(), bytes),
    })
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
        return (
            NoteBytes::TooLarge {
                size: metadata.len(),
                limit: max_bytes,
            },
            Some(metadata),
        );
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize + 1);
    match file.read_to_end(&mut bytes) {
        Ok(_) if bytes.len() as u64 > max_bytes => (
            NoteBytes::TooLarge {
                size: bytes.len() as u64,
                limit: max_bytes,
            },
            Some(metadata),
        ),
        Ok(_) => (NoteBytes::Read(bytes), Some(metadata)),
        Err(error) => (NoteBytes::Unreadable(error), Some(metadata)),
    }
}
