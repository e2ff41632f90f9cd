//! Load: scan the vault, read and parse every source note in parallel (results
//! kept in file order; a note that is not a source only when a link into it
//! names a heading or block), resolve every link. `watch` loads through a
//! [`NoteCache`]: only the notes that changed are read and parsed again.

use foldhash::HashSet;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Config, ObsidianSettings};
use crate::consolidate::SummaryMemo;
use crate::model::{ModelMemo, make_room};
use crate::parse::{BodyScope, KeptLink, LinkKind, Note, NoteBytes, parse_note, parse_note_for};
use crate::progress::{PROGRESS, Stage};
use crate::resolve::{
    FileId, LinkMemo, NameIndex, NotesInOrder, Prelinked, Prelinks, StageTimings, Vault, prelink,
    resolve_reusing, settle_subpaths,
};
use crate::scan::{FileKind, Scan, ScanError, ScanOptions, VaultFile, VaultPath, scan};

/// Why a vault could not be loaded at all (problems in notes are diagnostics).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The vault folder is missing or not a folder.
    #[error(transparent)]
    Scan(#[from] ScanError),
}

/// Scans, parses and resolves the vault at `root`.
pub fn load_vault(root: &Path, config: &Config) -> Result<Vault, LoadError> {
    load_keeping(root, config, Keep::Everything)
}

/// [`load_vault`] for `check`: each note keeps only what checking reads (see
/// [`Note::keep_for_check`]), so a vault's text is never all in memory at once.
pub fn load_vault_for_check(root: &Path, config: &Config) -> Result<Vault, LoadError> {
    load_keeping(root, config, Keep::ForCheck)
}

/// The most notes a thread reads and parses in one run before it looks for
/// more (see [`load_scanned_keeping`]).
const NOTES_PER_RUN: usize = 16;

/// What a load keeps of each note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Everything parsed.
    Everything,
    /// What `check` reads.
    ForCheck,
}

fn load_keeping(root: &Path, config: &Config, keep: Keep) -> Result<Vault, LoadError> {
    let started = Instant::now();
    let (scan, settings) = scan_vault(root, config)?;
    let scanned = started.elapsed();
    let cache = &mut NoteCache::default();
    Ok(load_scanned_keeping(
        scan, settings, config, scanned, cache, keep,
    ))
}

/// Reads Obsidian's settings and walks the vault.
pub fn scan_vault(root: &Path, config: &Config) -> Result<(Scan, ObsidianSettings), LoadError> {
    let (settings, settings_diagnostics) = ObsidianSettings::load(root);
    let options = scan_options(config, &settings);
    let mut scan = scan(root, &options)?;
    scan.diagnostics.extend(settings_diagnostics);
    Ok((scan, settings))
}

/// What a scan of a vault with `config` and Obsidian's `settings` leaves out.
pub fn scan_options(config: &Config, settings: &ObsidianSettings) -> ScanOptions {
    ScanOptions {
        output_folder: config.output_folder.trim_matches('/').to_owned(),
        excluded: settings.excluded.clone(),
        ignored_folders: config.ignored_folders.clone(),
    }
}

/// Parses and resolves a scanned vault (`scanned`: how long the scan took).
///
/// A note that is not a source (a page in the output folder, a file
/// Obsidian's settings or `throughline.toml` leave out) is a link target
/// only: nothing but its headings, blocks and footnotes is ever looked at,
/// and only when a source links into it with a `#subpath`. Such a note is
/// left unread ([`Note::unread`]) unless a source does: the output folder's
/// pages are as large as the notes they quote.
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
    /// The last load's notes in its order: a load of the same files (a save
    /// under `watch`) takes them by position, without hashing every path twice
    /// per update, and replaces the few read again in place.
    ordered: Vec<Note>,
    /// The stamps of the files of `ordered`.
    ordered_stamps: Vec<Stamp>,
    /// The walk that listed the files of `ordered` (see [`Scan::walk`]).
    ordered_walk: Option<u64>,
    /// Notes whose new frontmatter is invalid and whose last good parse was kept
    /// (filled by the last load, and carried through failed builds for the
    /// notes not read again since).
    pub kept_last_good: Vec<VaultPath>,
    /// Notes known to have changed, whatever their size and time say.
    changed: HashSet<VaultPath>,
    /// Whether `changed` names every note that changed (the caller saw every
    /// file-system event): the others are kept without looking at their files.
    pub events_complete: bool,
    /// The last resolution, for notes whose links cannot resolve differently.
    pub links: Option<LinkMemo>,
    /// What the last model read from each note (kept by `watch`; a one-off build
    /// has none and keeps none).
    pub model: Option<ModelMemo>,
    /// The last insight summaries (kept by `watch`, like `model`).
    pub summaries: Option<SummaryMemo>,
    /// The last model's record hashes, with its id (kept by `watch`, like
    /// `model`).
    pub hashes: Option<(u64, crate::model::RecordHashes)>,
    /// The last plan (kept by `watch`, like `model`).
    pub plan: Option<crate::render::PagePlan>,
    /// The manifest the last build saved (kept by `watch`, like `model`).
    pub manifest: Option<crate::write::KeptManifest>,
    /// Spare files to write pages from (`watch` makes them between updates,
    /// see [`crate::write::Spares`]).
    pub spares: Option<crate::write::Spares>,
    /// Notes parsed after the last load ([`NoteCache::insert_parsed`]): the next
    /// load counts them as read afresh.
    parsed_since: HashSet<VaultPath>,
}

/// New files beyond which the notes kept in order are moved to their new
/// places in one pass rather than each new note inserted (each insertion
/// moves the notes after it).
const FEW_ADDED: usize = 16;

/// A file's size and modification time.
type Stamp = (u64, Option<std::time::SystemTime>);

/// The notes a load takes from its cache, in file order: a note to be read
/// again holds an empty note until it is, and its stamp is unknown.
struct Taken {
    notes: Vec<Note>,
    stamps: Vec<Option<Stamp>>,
    /// The positions of the notes to read, in order, each with its last parse
    /// when the cache had one (a note saved with broken frontmatter keeps it).
    to_read: Vec<(usize, Option<Note>)>,
    /// Whether the notes were kept in their places: those of the walk that
    /// listed the files of the last load (see [`NoteCache::take_in_order`]).
    in_place: bool,
}

fn stamp_of(metadata: &Metadata) -> Stamp {
    (metadata.len(), metadata.modified().ok())
}

impl NoteCache {
    /// Refills the cache for the next load with the notes, files and resolution
    /// of a vault just loaded through it (the vault keeps its problems and the
    /// rest, and is only to be dropped); the memos stay for their owner to
    /// refresh.
    pub fn refill_from(&mut self, vault: &mut Vault) {
        self.notes.clear();
        // With room for new notes, as the notes (below).
        self.ordered_stamps.clear();
        make_room(&mut self.ordered_stamps, vault.notes.len() + 1);
        self.ordered_stamps
            .extend((0..vault.notes.len()).map(|index| {
                let file = vault.file_of_note(index);
                (file.size, file.modified)
            }));
        // Last: the memo takes the vault's files.
        self.links = Some(vault.take_link_memo());
        self.ordered_walk = vault.walk;
        self.ordered = std::mem::take(&mut vault.notes);
        // Room for new notes: a new file's note is put in its place in the
        // list (see `align_to`), which would otherwise move every note into
        // fresh memory.
        let len = self.ordered.len();
        make_room(&mut self.ordered, len + 1);
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

    /// Whether the cache holds a parse of `path` that was read: a note left
    /// unread, or one the cache does not know, is read only once a link needs
    /// it (see [`load_scanned`]).
    pub fn has_read(&self, path: &VaultPath) -> bool {
        let in_order = self
            .ordered
            .binary_search_by(|note| note.path.cmp(path))
            .ok()
            .map(|at| &self.ordered[at]);
        in_order
            .or_else(|| self.notes.get(path).map(|(_, _, note)| note))
            .is_some_and(|note| !note.is_unread)
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
        let stamps = std::mem::take(&mut self.ordered_stamps);
        for (note, (size, modified)) in std::mem::take(&mut self.ordered).into_iter().zip(stamps) {
            self.notes
                .entry(note.path.clone())
                .or_insert((size, modified, note));
        }
    }

    /// The cached notes in the order of `paths`: the notes kept in order,
    /// put in their new places first when files were added or removed (see
    /// [`NoteCache::align_to`]; a new file's note is to be read), and those
    /// marked changed or parsed since from the map; each with its stamp. A
    /// note marked changed is to be read again, and its last parse is kept
    /// for that. `walk` listed the files of `paths`: the same walk lists the
    /// same notes, which are then not compared one by one.
    fn take_in_order(&mut self, paths: &[&VaultPath], walk: Option<u64>) -> Option<Taken> {
        let same = self.ordered.len() == paths.len()
            && self.ordered_stamps.len() == paths.len()
            && ((walk.is_some() && walk == self.ordered_walk)
                || self
                    .ordered
                    .par_iter()
                    .zip(paths)
                    .all(|(note, path)| note.path == **path));
        debug_assert!(
            !same
                || self
                    .ordered
                    .iter()
                    .zip(paths)
                    .all(|(note, path)| note.path == **path),
            "the notes kept in order are those of the walk"
        );
        // Other files (added or removed): the notes kept are put in their
        // places now, and the new files' notes are to be read.
        let mut added = Vec::new();
        if !same {
            if self.ordered_stamps.len() != self.ordered.len() {
                return None;
            }
            added = self.align_to(paths);
        }
        let mut notes = std::mem::take(&mut self.ordered);
        let mut stamps: Vec<Option<Stamp>> = std::mem::take(&mut self.ordered_stamps)
            .into_iter()
            .map(Some)
            .collect();
        // The few notes parsed since or marked changed, by position (`paths`
        // are sorted): no path is hashed per note.
        let position = |path: &VaultPath| paths.binary_search_by(|probe| (*probe).cmp(path)).ok();
        for (path, (size, modified, newer)) in std::mem::take(&mut self.notes) {
            match position(&path) {
                Some(at) => {
                    notes[at] = newer;
                    stamps[at] = Some((size, modified));
                    // A new file's note parsed since is not read again.
                    if let Ok(found) = added.binary_search(&at) {
                        added.remove(found);
                    }
                }
                None => {
                    self.notes.insert(path, (size, modified, newer));
                }
            }
        }
        let mut to_read: Vec<(usize, Option<Note>)> = Vec::new();
        for at in self.changed.iter().filter_map(position) {
            if added.binary_search(&at).is_ok() {
                continue;
            }
            let placeholder = Note::empty(paths[at].clone());
            to_read.push((at, Some(std::mem::replace(&mut notes[at], placeholder))));
            stamps[at] = None;
        }
        for at in added {
            to_read.push((at, None));
            stamps[at] = None;
        }
        to_read.sort_unstable_by_key(|(at, _)| *at);
        Some(Taken {
            notes,
            stamps,
            to_read,
            in_place: same,
        })
    }

    /// Makes the notes kept in order those of `paths` (files were added or
    /// removed), in place: the notes of removed files dropped, an empty note
    /// put where each new file goes. Returns the new files' positions. (A
    /// new list of notes, or a map by path, took 125–180 ms at 100,000 notes:
    /// the kernel zeroing fresh memory for every note moved.)
    fn align_to(&mut self, paths: &[&VaultPath]) -> Vec<usize> {
        // Both lists are sorted: one merge says which notes stay.
        let mut next = 0;
        let stays: Vec<bool> = (self.ordered.iter())
            .map(|note| {
                while next < paths.len() && *paths[next] < note.path {
                    next += 1;
                }
                next < paths.len() && *paths[next] == note.path
            })
            .collect();
        let mut kept = stays.iter();
        self.ordered
            .retain(|_| kept.next().is_some_and(|&stays| stays));
        let mut kept = stays.iter();
        self.ordered_stamps
            .retain(|_| kept.next().is_some_and(|&stays| stays));
        // Where the new files go, by merging again.
        let mut kept = self.ordered.iter().peekable();
        let added: Vec<usize> = (paths.iter().enumerate())
            .filter(|(_, path)| kept.next_if(|note| note.path == ***path).is_none())
            .map(|(at, _)| at)
            .collect();
        let empty = |at: usize| Note::empty(paths[at].clone());
        make_room(&mut self.ordered, paths.len());
        make_room(&mut self.ordered_stamps, paths.len());
        if added.len() <= FEW_ADDED {
            // Each inserted: the notes after it move down at once.
            for &at in &added {
                self.ordered.insert(at, empty(at));
                self.ordered_stamps.insert(at, (0, None));
            }
            return added;
        }
        // Many (a checkout): from the back, each kept note moves to its
        // place and the places left are the new files' (the notes kept are
        // fewer than the places after any of them, so none is overwritten).
        let mut from = self.ordered.len();
        self.ordered.resize_with(paths.len(), || empty(0));
        self.ordered_stamps.resize(paths.len(), (0, None));
        for at in (0..paths.len()).rev() {
            if from > 0 && self.ordered[from - 1].path == *paths[at] {
                from -= 1;
                self.ordered.swap(from, at);
                self.ordered_stamps.swap(from, at);
            } else {
                self.ordered[at] = empty(at);
            }
        }
        added
    }

    /// Removes and returns the last parse of `path`.
    pub fn remove(&mut self, path: &VaultPath) -> Option<Note> {
        self.notes.remove(path).map(|(_, _, note)| note)
    }
}

/// [`load_scanned`], reusing the notes of `cache` whose files did not change
/// (same size and modification time): only changed notes are read and parsed.
pub fn load_scanned_cached(
    scan: Scan,
    settings: ObsidianSettings,
    config: &Config,
    scanned: Duration,
    cache: &mut NoteCache,
) -> Vault {
    load_scanned_keeping(scan, settings, config, scanned, cache, Keep::Everything)
}

fn load_scanned_keeping(
    mut scan: Scan,
    settings: ObsidianSettings,
    config: &Config,
    scanned: Duration,
    cache: &mut NoteCache,
    keep: Keep,
) -> Vault {
    let note_files: Vec<FileId> = scan
        .files
        .iter()
        .enumerate()
        .filter(|(_, file)| file.kind == FileKind::Note)
        .map(|(id, _)| id as FileId)
        .collect();
    let started = Instant::now();
    let paths: Vec<&VaultPath> = note_files
        .iter()
        .map(|&id| &scan.files[id as usize].path)
        .collect();
    // With a cache: keep the notes whose files did not change (known from the
    // caller's events, or by their size and time), read the rest.
    // The files of the walk that listed the last load's: their sizes and
    // times are those that load read its notes at (see `LinkMemo::lend_files`).
    let last_walk = scan.walk.is_some() && scan.walk == cache.ordered_walk;
    let taken = match cache.events_complete {
        true => cache.take_in_order(&paths, scan.walk),
        false => None,
    };
    let taken = match taken {
        Some(taken) => Some(taken),
        None if !cache.notes.is_empty() || !cache.ordered.is_empty() => {
            Some(take_by_path(cache, &scan, &note_files))
        }
        None => None,
    };
    // Which notes were parsed since the last load, by position (no path is
    // hashed per note).
    let mut fresh = vec![false; note_files.len()];
    for path in std::mem::take(&mut cache.parsed_since) {
        if let Ok(at) = paths.binary_search_by(|probe| (*probe).cmp(&path)) {
            fresh[at] = true;
        }
    }
    drop(paths);
    // `check` parses only what it keeps: all of a plan, whose text it keeps
    // whole (below).
    let is_plan = |note: &Note| crate::model::may_be_plan(note, config, &note.path);
    let scope = |note: &Note| match keep {
        Keep::ForCheck if !is_plan(note) => BodyScope::ForCheck,
        _ => BodyScope::Everything,
    };
    let read = |id: FileId| {
        PROGRESS.advance(1);
        let file = &scan.files[id as usize];
        let (bytes, metadata) = read_note(&file.fs_path, config.max_note_bytes);
        let stamp = metadata.as_ref().map(stamp_of);
        let note = parse_note_for(file.path.clone(), bytes, scope);
        (note, stamp)
    };
    // A note that is not a source, read because a source links into it with
    // a subpath (not counted on the progress bar: the reads were).
    let read_link_target = |id: FileId| {
        let file = &scan.files[id as usize];
        let (bytes, metadata) = read_note(&file.fs_path, config.max_note_bytes);
        let mut note = parse_note_for(file.path.clone(), bytes, scope);
        if keep == Keep::ForCheck && !is_plan(&note) {
            note.keep_for_check(std::iter::empty());
        }
        (note, metadata.as_ref().map(stamp_of))
    };
    // Those notes at the positions `targets`, read into place.
    let read_link_targets =
        |targets: &[usize], notes: &mut [Note], stamps: &mut [Option<Stamp>]| {
            let read_now: Vec<(Note, Option<Stamp>)> = (targets.par_iter())
                .map(|&at| read_link_target(note_files[at]))
                .collect();
            for (&at, (note, stamp)) in targets.iter().zip(read_now) {
                notes[at] = note;
                stamps[at] = stamp;
            }
        };
    // Notes a failed build kept the last good parse of: still so, unless
    // read again now (then what is read decides, below).
    let carried = std::mem::take(&mut cache.kept_last_good);
    let mut prelinks = None;
    // A name index built for the load, when the resolution can take it.
    let mut index_built = None;
    // The positions whose files' sizes and times may differ from their
    // notes' stamps: all (`None`), or those read now.
    let mut restamp: Option<Vec<usize>> = None;
    let (notes, stamps) = match taken {
        // Every note read (no cache): straight into place, each note's links
        // looked up as soon as it is parsed.
        None => {
            fresh.fill(true);
            PROGRESS.begin(Stage::Reading, note_files.len() as u64);
            let index = NameIndex::new(&scan.files);
            // A note that is not a source is read below only if a source
            // links into it with a subpath (see `load_scanned`).
            let read_and_link = |id: FileId| {
                let file = &scan.files[id as usize];
                if !file.is_source() {
                    PROGRESS.advance(1);
                    let unread = Note::unread(file.path.clone());
                    return (unread, (None, (Prelinked::default(), (false, Vec::new()))));
                }
                let (mut note, stamp) = read(id);
                let mut prelinked = prelink(&index, &note, id);
                // The unread notes it links into with a subpath: the notes
                // of the files that are not sources (left unread above).
                let unread_targets = unread_subpath_targets(&scan.files, &note, &prelinked);
                // `check` keeps of a note what may have a problem: the lines
                // of links to no file or to one of several, the subpath alone
                // of a link to one file (rarely missing).
                let is_cut = keep == Keep::ForCheck && !is_plan(&note);
                if is_cut {
                    let kept_at = note.keep_for_check(prelinked.unsettled.iter().map(|u| {
                        let kept = match u.only_subpath {
                            true => KeptLink::Subpath,
                            false => KeptLink::Line,
                        };
                        (u.link as usize, kept)
                    }));
                    prelinked.keep_links(&kept_at);
                }
                (note, (stamp, (prelinked, (is_cut, unread_targets))))
            };
            type Linked = (
                Vec<Option<Stamp>>,
                (Vec<Prelinked>, (Vec<bool>, Vec<Vec<FileId>>)),
            );
            // In runs of a few notes: rayon otherwise splits the list into a
            // few long runs, and the thread done first waits at the end for
            // the other's last run (150 ms of 3 s at 100,000 notes).
            let (mut notes, (mut stamps, (mut prelinked, (was_cut, unread_targets)))): (
                Vec<Note>,
                Linked,
            ) = note_files
                .par_iter()
                .with_max_len(NOTES_PER_RUN)
                .map(|&id| read_and_link(id))
                .unzip();
            // Positions ascend with file ids.
            let mut targets: Vec<usize> = (unread_targets.iter().flatten())
                .filter_map(|target| note_files.binary_search(target).ok())
                .collect();
            targets.sort_unstable();
            targets.dedup();
            debug_assert_eq!(
                targets,
                prelinked_subpath_targets(&notes, &note_files, &prelinked)
            );
            read_link_targets(&targets, &mut notes, &mut stamps);
            if keep == Keep::ForCheck {
                // Subpaths checked now that every target is parsed. A note
                // where one is missing has the lines of those links copied
                // from its file again; should they no longer be where they
                // were, the note is read and parsed again, its lines kept.
                let missing = settle_subpaths(&scan.files, &notes, &note_files, &mut prelinked);
                let mut cut_and_missing = vec![false; notes.len()];
                for at in missing.into_iter().filter(|&at| was_cut[at]) {
                    cut_and_missing[at] = true;
                }
                let again: Vec<usize> = notes
                    .par_iter_mut()
                    .zip(&prelinked)
                    .zip(&cut_and_missing)
                    .enumerate()
                    .filter(|(_, (_, missing))| **missing)
                    .filter_map(|(at, ((note, prelinked), _))| {
                        let file = &scan.files[note_files[at] as usize];
                        let restored = read_text(&file.fs_path, config.max_note_bytes)
                            .is_some_and(|text| restore_missing_lines(note, prelinked, &text));
                        (!restored).then_some(at)
                    })
                    .collect();
                let reread: Vec<(Note, Option<Stamp>, Prelinked)> = again
                    .par_iter()
                    .map(|&at| {
                        let id = note_files[at];
                        let (mut note, stamp) = read(id);
                        let mut prelinked = prelink(&index, &note, id);
                        // Read again, it may have become a plan: kept whole.
                        if !is_plan(&note) {
                            let kept_at = note.keep_for_check(
                                prelinked
                                    .unsettled
                                    .iter()
                                    .map(|u| (u.link as usize, KeptLink::Line)),
                            );
                            prelinked.keep_links(&kept_at);
                        }
                        (note, stamp, prelinked)
                    })
                    .collect();
                let reread_any = !again.is_empty();
                for (at, (note, stamp, links)) in again.into_iter().zip(reread) {
                    notes[at] = note;
                    stamps[at] = stamp;
                    prelinked[at] = links;
                }
                // A note read again (its file changed meanwhile) may link into
                // a note left unread.
                if reread_any {
                    let targets = prelinked_subpath_targets(&notes, &note_files, &prelinked);
                    read_link_targets(&targets, &mut notes, &mut stamps);
                }
            }
            prelinks = Some(Prelinks {
                index,
                notes: prelinked,
            });
            (notes, stamps)
        }
        // The few notes to read go into the places kept for them.
        Some(Taken {
            mut notes,
            mut stamps,
            to_read,
            in_place,
        }) => {
            if in_place && last_walk {
                restamp = Some(to_read.iter().map(|(at, _)| *at).collect());
            }
            // Only the branch above cuts notes for `check`
            // (`Note::keep_for_check`), which has no cache to take from.
            debug_assert_eq!(
                keep,
                Keep::Everything,
                "a load with a cache keeps everything"
            );
            // A note that is not a source and was not read stays unread
            // (so does a new one): whether a source now links into it with a
            // subpath is known once the notes are read (below).
            let (to_read, unread): (Vec<_>, Vec<_>) =
                to_read.into_iter().partition(|(at, last)| {
                    scan.files[note_files[*at] as usize].is_source()
                        || last.as_ref().is_some_and(|last| !last.is_unread)
                });
            for (at, _) in unread {
                notes[at] = Note::unread(notes[at].path.clone());
            }
            PROGRESS.begin(Stage::Reading, to_read.len() as u64);
            let read_now: Vec<(Note, Option<Stamp>)> = to_read
                .par_iter()
                .map(|&(at, _)| read(note_files[at]))
                .collect();
            for ((at, last), (mut note, stamp)) in to_read.into_iter().zip(read_now) {
                // A note saved with broken frontmatter mid-edit keeps its last
                // good parse (the problem is still reported).
                if !note.has_valid_frontmatter
                    && let Some(mut last) =
                        last.filter(|last| last.has_valid_frontmatter && !last.text.is_empty())
                {
                    // The problem of this save, not of an earlier broken one.
                    last.diagnostics
                        .retain(|d| d.code != crate::diagnostics::Code::InvalidFrontmatter);
                    last.diagnostics.extend(
                        note.diagnostics
                            .drain(..)
                            .filter(|d| d.code == crate::diagnostics::Code::InvalidFrontmatter),
                    );
                    cache.kept_last_good.push(note.path.clone());
                    note = last;
                }
                notes[at] = note;
                stamps[at] = stamp;
                fresh[at] = true;
            }
            for path in carried {
                let at = note_files
                    .binary_search_by(|&id| scan.files[id as usize].path.cmp(&path))
                    .ok();
                if at.is_some_and(|at| !fresh[at]) {
                    cache.kept_last_good.push(path);
                }
            }
            // Unread notes a source now links into with a subpath. With the
            // files of the last resolution, only the sources read again can
            // link anywhere new; with files added or removed, also those
            // whose links name one of them (below); else every source is
            // looked at.
            let targets = match cache
                .links
                .as_ref()
                .and_then(|memo| memo.index_about(&scan))
            {
                Some(index) => {
                    let read_again = (0..notes.len()).filter(|&at| fresh[at]).collect();
                    looked_up_subpath_targets(&scan, &notes, &note_files, index, read_again)
                }
                None => {
                    // Built here, it is the resolution's too.
                    let index = NameIndex::new(&scan.files);
                    // Files added or removed: the notes read again, and those
                    // whose links name one of them (the others link where
                    // they did); else every note.
                    let memo = cache.links.as_ref();
                    let naming = memo.and_then(|memo| {
                        let names = memo.changed_names(&scan)?;
                        memo.notes_naming(&names, &scan, &notes, &note_files, &fresh)
                    });
                    let looked_at: Vec<usize> = match naming {
                        Some(mut naming) => {
                            naming.extend((0..notes.len()).filter(|&at| fresh[at]));
                            naming.sort_unstable();
                            naming.dedup();
                            naming
                        }
                        None => (0..notes.len()).collect(),
                    };
                    let mut targets =
                        looked_up_subpath_targets(&scan, &notes, &note_files, &index, looked_at);
                    // A note left unread that is a source now (the settings
                    // that leave notes out changed) is read.
                    targets.extend((0..notes.len()).filter(|&at| {
                        notes[at].is_unread && scan.files[note_files[at] as usize].is_source()
                    }));
                    targets.sort_unstable();
                    targets.dedup();
                    index_built = Some(index);
                    targets
                }
            };
            read_link_targets(&targets, &mut notes, &mut stamps);
            for at in targets {
                fresh[at] = true;
            }
            (notes, stamps)
        }
    };
    let mut restamp_one = |at: usize| {
        let file = &mut scan.files[note_files[at] as usize];
        if notes[at].is_unread {
            // No stamp: the next load never takes it as a note read at this
            // size and time (should the note be a source by then).
            file.modified = None;
        } else if let Some((size, modified)) = stamps[at] {
            file.size = size;
            file.modified = modified;
        }
    };
    match restamp {
        // The other notes were kept with the stamps their files have (every
        // note's took 3 ms of each update at 100,000 notes, each file and
        // note far from the last in memory).
        Some(mut positions) => {
            positions.extend((0..notes.len()).filter(|&at| fresh[at]));
            positions.sort_unstable();
            positions.dedup();
            for at in positions {
                restamp_one(at);
            }
            debug_assert!((0..notes.len()).all(|at| {
                let file = &scan.files[note_files[at] as usize];
                match (notes[at].is_unread, stamps[at]) {
                    (true, _) => file.modified.is_none(),
                    (false, Some(stamp)) => (file.size, file.modified) == stamp,
                    (false, None) => true,
                }
            }));
        }
        None => (0..notes.len()).for_each(restamp_one),
    }
    let notes = NotesInOrder {
        notes,
        files: note_files,
        fresh,
        prelinks,
        index: index_built,
    };
    let parsed_in = started.elapsed();
    PROGRESS.begin(Stage::Analysing, 0);
    let started = Instant::now();
    // `watch` keeps memos (it gives the cache a model memo): only then is the
    // resolution kept for the next load.
    let same_files = (cache.links.as_ref()).is_some_and(|memo| memo.is_about(&scan));
    let mut vault = match cache.model {
        Some(_) => resolve_reusing(scan, notes, settings, cache.links.take()),
        None => crate::resolve::resolve_once(scan, notes, settings),
    };
    vault.same_files_as_last = same_files;
    vault.timings = StageTimings {
        scan: scanned,
        parse: parsed_in,
        resolve: started.elapsed(),
    };
    vault
}

/// The positions (in `note_files`, whose file ids ascend) of the unread
/// notes that a source links into with a `#subpath`, ascending: the notes a
/// load must read after all. `prelinked` holds every note's links as looked
/// up: a link with a subpath is always among its note's unsettled ones.
fn prelinked_subpath_targets(
    notes: &[Note],
    note_files: &[FileId],
    prelinked: &[Prelinked],
) -> Vec<usize> {
    let mut targets: Vec<usize> = notes
        .iter()
        .zip(prelinked)
        .flat_map(|(note, prelinked)| {
            prelinked.unsettled.iter().filter_map(|unsettled| {
                let at = unsettled.link as usize;
                note.links.get(at)?.subpath.as_ref()?;
                let target = prelinked.resolutions.get(at)?.target?;
                let position = note_files.binary_search(&target).ok()?;
                notes[position].is_unread.then_some(position)
            })
        })
        .collect();
    targets.sort_unstable();
    targets.dedup();
    targets
}

/// The files of the unread notes that `note`'s links (looked up in
/// `prelinked`) lead into with a `#subpath`: those of notes that are not
/// sources, which a load without a cache leaves unread. Usually none (no
/// allocation): [`prelinked_subpath_targets`] worked out as each note is
/// read, not in a pass over every note's links afterwards (5.6 ms on one
/// thread at 10,000 notes, 96 ms at 100,000).
fn unread_subpath_targets(files: &[VaultFile], note: &Note, prelinked: &Prelinked) -> Vec<FileId> {
    prelinked
        .unsettled
        .iter()
        .filter_map(|unsettled| {
            let at = unsettled.link as usize;
            note.links.get(at)?.subpath.as_ref()?;
            prelinked.resolutions.get(at)?.target
        })
        .filter(|&target| {
            let file = &files[target as usize];
            file.kind == FileKind::Note && !file.is_source()
        })
        .collect()
}

/// [`prelinked_subpath_targets`] for the sources at the positions `look_at`,
/// their links looked up in `index` (the name index of `scan`'s files).
fn looked_up_subpath_targets(
    scan: &Scan,
    notes: &[Note],
    note_files: &[FileId],
    index: &NameIndex,
    look_at: Vec<usize>,
) -> Vec<usize> {
    // File ids ascend with positions.
    let position_of = |file: FileId| note_files.binary_search(&file).ok();
    let mut targets: Vec<usize> = look_at
        .into_par_iter()
        .map(|at| (&notes[at], &note_files[at]))
        .filter(|&(_, &file)| scan.files[file as usize].is_source())
        .flat_map_iter(|(note, &file)| {
            let folder = note.path.folder().to_lowercase();
            note.links
                .iter()
                .filter(|link| link.subpath.is_some())
                .filter_map(|link| index.lookup(note.linkpath(link), file, &folder).target)
                .filter_map(position_of)
                .filter(|&at| notes[at].is_unread)
                .collect::<Vec<_>>()
        })
        .collect();
    targets.sort_unstable();
    targets.dedup();
    targets
}

/// A note's text read again, decoded as its parse decodes it; `None` when it
/// cannot be read as a note now (it is then parsed again, and says why).
fn read_text(path: &Path, max_bytes: u64) -> Option<String> {
    match read_note(path, max_bytes).0 {
        NoteBytes::Read(bytes) => match crate::parse::decode(bytes) {
            crate::parse::Decoded::Text { text, .. } => Some(text),
            crate::parse::Decoded::Binary => None,
        },
        _ => None,
    }
}

/// Gives the body links of `note` (cut for `check`) whose subpath is missing
/// their lines again from `text`, the note's text read anew
/// ([`Note::restore_lines`]). The frontmatter's links need nothing: a cut
/// note keeps its frontmatter whole. (A link not found is passed on: the
/// restoring fails, and the note is parsed again.)
fn restore_missing_lines(note: &mut Note, prelinked: &Prelinked, text: &str) -> bool {
    let links: Vec<(usize, std::ops::Range<usize>)> = prelinked
        .unsettled
        .iter()
        .filter(|unsettled| {
            let kind = note
                .links
                .get(unsettled.link as usize)
                .map(|link| link.kind);
            unsettled.only_subpath && kind != Some(LinkKind::Frontmatter)
        })
        .map(|unsettled| {
            let (start, end) = unsettled.written;
            (unsettled.link as usize, start as usize..end as usize)
        })
        .collect();
    note.restore_lines(text, &links)
}

/// The cached notes by path (the files are not the last load's): a note
/// whose file has the size and time it was read with is kept, or, when the
/// caller saw every file-system event, any note not marked changed.
fn take_by_path(cache: &mut NoteCache, scan: &Scan, note_files: &[FileId]) -> Taken {
    cache.index_by_path();
    let events_complete = cache.events_complete;
    let now: Vec<Option<Stamp>> = note_files
        .par_iter()
        .map(|&id| {
            let file = &scan.files[id as usize];
            if events_complete && cache.known_unchanged(&file.path) {
                return None;
            }
            std::fs::metadata(&file.fs_path).ok().map(|m| stamp_of(&m))
        })
        .collect();
    let mut taken = Taken {
        notes: Vec::with_capacity(note_files.len()),
        stamps: Vec::with_capacity(note_files.len()),
        to_read: Vec::new(),
        in_place: false,
    };
    for (at, (&id, now)) in note_files.iter().zip(now).enumerate() {
        let path = &scan.files[id as usize].path;
        let kept = match now {
            Some(stamp) => cache.take(path, stamp.0, stamp.1).map(|note| (note, stamp)),
            None if events_complete => cache.take_unchanged(path),
            None => None,
        };
        match kept {
            Some((note, stamp)) => {
                taken.notes.push(note);
                taken.stamps.push(Some(stamp));
            }
            None => {
                taken.notes.push(Note::empty(path.clone()));
                taken.stamps.push(None);
                taken.to_read.push((at, cache.remove(path)));
            }
        }
    }
    taken
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

#[cfg(test)]
impl ParsedNote {
    /// The note's vault path.
    pub(crate) fn path(&self) -> &VaultPath {
        &self.path
    }
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
    // Through `Take`, read to the end without asking the file's size and
    // place again (`File`'s own `read_to_end` does: two more system calls
    // per note). A file that grew since is still read whole, up to the limit.
    match (&mut file).take(max_bytes + 1).read_to_end(&mut bytes) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A cache holding notes of `paths` in order (each note's text its path,
    /// its stamp its position).
    fn cache_of(paths: &[&str]) -> NoteCache {
        let mut cache = NoteCache::default();
        for (at, path) in paths.iter().enumerate() {
            let mut note = Note::empty(VaultPath::new(path).unwrap());
            note.text = path.to_string();
            cache.ordered.push(note);
            cache.ordered_stamps.push((at as u64, None));
        }
        cache
    }

    #[test]
    fn notes_kept_in_order_follow_files_added_and_removed() {
        let mut cache = cache_of(&["b.md", "c.md", "e.md", "f.md"]);
        let now: Vec<VaultPath> = ["a.md", "b.md", "d.md", "e.md", "g.md"]
            .iter()
            .map(|p| VaultPath::new(p).unwrap())
            .collect();
        let paths: Vec<&VaultPath> = now.iter().collect();
        // `e.md` was saved: read again, its last parse kept for that.
        cache.mark_changed([&now[3]]);
        let taken = cache.take_in_order(&paths, None).unwrap();
        let texts: Vec<&str> = taken.notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["", "b.md", "", "", ""]);
        let paths_now: Vec<&str> = taken.notes.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(paths_now, ["a.md", "b.md", "d.md", "e.md", "g.md"]);
        assert_eq!(taken.stamps, [None, Some((0, None)), None, None, None]);
        let to_read: Vec<(usize, Option<&str>)> = (taken.to_read.iter())
            .map(|(at, last)| (*at, last.as_ref().map(|n| n.text.as_str())))
            .collect();
        assert_eq!(
            to_read,
            [(0, None), (2, None), (3, Some("e.md")), (4, None)]
        );
    }

    #[test]
    fn many_new_files_are_put_in_place_in_one_pass() {
        let mut cache = cache_of(&["k0.md", "k1.md", "k2.md"]);
        // New files before, between and after the kept ones.
        let mut names: Vec<String> = (0..3).map(|k| format!("k{k}.md")).collect();
        names.extend((0..3 * FEW_ADDED).map(|n| format!("k{}-{n:03}.md", n % 3)));
        names.sort();
        let now: Vec<VaultPath> = names.iter().map(|p| VaultPath::new(p).unwrap()).collect();
        let paths: Vec<&VaultPath> = now.iter().collect();
        let taken = cache.take_in_order(&paths, None).unwrap();
        let paths_now: Vec<&str> = taken.notes.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(paths_now, names);
        let kept: Vec<(usize, &str)> = (taken.notes.iter().enumerate())
            .filter(|(_, n)| !n.text.is_empty())
            .map(|(at, n)| (at, n.text.as_str()))
            .collect();
        let at = |name: &str| names.iter().position(|n| n == name).unwrap();
        assert_eq!(
            kept,
            [
                (at("k0.md"), "k0.md"),
                (at("k1.md"), "k1.md"),
                (at("k2.md"), "k2.md")
            ]
        );
        assert_eq!(taken.to_read.len(), 3 * FEW_ADDED);
        assert_eq!(taken.stamps[at("k2.md")], Some((2, None)));
    }
}
