//! Resolve: the whole vault at once — which file every link opens, and whether its
//! heading or block exists there.
//!
//! Rules C1–C10 and D1–D3 of `obsidian-semantics.md`, through a name index built
//! once (rule A2), so resolution stays linear in the number of links. Resolution is
//! file-level (rule C10): `[[Note#Missing]]` is resolved, with a separate
//! subpath-not-found warning.

mod carry;
mod links;
mod moves;
mod name_index;
mod name_table;
mod prefetch;
mod prelink;
mod subpath;

pub use carry::ChangedNames;
pub use moves::FileMoves;
pub use name_index::{FileId, Lookup, NameIndex, Rule};
pub use prelink::{Prelinked, Prelinks, Unsettled, prelink, settle_subpaths};
pub use subpath::{find_heading_chain, subpath_exists};

use foldhash::{HashMap, HashMapExt};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::ObsidianSettings;
use crate::diagnostics::Diagnostic;
use crate::parse::Note;
use crate::scan::{Scan, VaultFile, VaultPath};
use links::Context;

/// Where one link goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Resolution {
    /// The file it opens, if any.
    pub target: Option<FileId>,
    /// For a link with a subpath and a target: whether the subpath exists there.
    pub subpath_found: Option<bool>,
}

/// Counts of a resolved vault.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VaultStats {
    /// Every file in the vault.
    pub files: usize,
    /// Notes parsed as sources.
    pub notes: usize,
    /// Links in source notes (wikilinks, Markdown, frontmatter).
    pub links: usize,
    /// Links that open a file.
    pub resolved: usize,
    /// Links that open nothing.
    pub unresolved: usize,
    /// Source notes whose frontmatter is invalid.
    pub invalid_frontmatter: usize,
}

/// A scanned, parsed and resolved vault.
#[derive(Debug)]
pub struct Vault {
    /// The vault root.
    pub root: PathBuf,
    /// Every file, sorted by path; a [`FileId`] indexes this list.
    pub files: Vec<VaultFile>,
    /// The notes, in file order: sources parsed, and notes that are not
    /// sources parsed when a source links into one with a subpath, else left
    /// unread ([`Note::unread`]; see [`crate::pipeline::load_scanned`]).
    pub notes: Vec<Note>,
    /// For each file, the index of its note in `notes`.
    note_of_file: Vec<Option<u32>>,
    /// For each note, its file.
    note_file_ids: Vec<FileId>,
    /// The name index.
    pub index: NameIndex,
    /// For each note, what resolving its links found: the resolution of
    /// each link (none for notes that are not sources), the counts
    /// [`Vault::stats`] reads (kept with them: it need not go over every link
    /// or note of every update) and, when `keeps_link_problems`, the links'
    /// problems. One list, which `watch` hands from one resolution to the
    /// next whole ([`Vault::take_link_memo`]) and which the next one patches
    /// in place.
    outcomes: Vec<Outcome>,
    /// Every problem found, sorted by path and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether each outcome keeps the problems its links have (also in
    /// `diagnostics`) for [`Vault::take_link_memo`]; not for a vault resolved
    /// once ([`resolve_once`]), whose outcomes' problems were moved into
    /// `diagnostics`.
    keeps_link_problems: bool,
    /// For each file, whether its note was parsed for this vault (not kept from
    /// an earlier load by `watch`).
    reparsed: Vec<bool>,
    /// For each file, whether its note's links were resolved for this vault
    /// (not kept from the last resolution by `watch`).
    resolved_afresh: Vec<bool>,
    /// Lower-cased alias → the note carrying it (for hints, and the memo).
    aliases: HashMap<String, FileId>,
    /// Obsidian's settings in force.
    pub settings: ObsidianSettings,
    /// The walk that listed `files` ([`Scan::walk`]).
    pub(crate) walk: Option<u64>,
    /// Problems in `diagnostics` that the resolution did not gather (the
    /// model's): those of the last model when the resolution patched the last
    /// list (`watch`), until [`crate::pipeline`] replaces them with this
    /// model's, if they differ.
    pub(crate) added: Vec<Diagnostic>,
    /// Whether `diagnostics` is what the resolution gathered, plus `added`:
    /// `false` once some were taken out (links to pages not written yet),
    /// and the list is then not kept.
    pub(crate) problems_kept_whole: bool,
    /// How long each stage took (filled in by [`crate::pipeline`]).
    pub timings: StageTimings,
    /// Whether the files are those of the last resolution (`watch`; filled
    /// in by [`crate::pipeline`]): file ids are positions in the list of
    /// files, and what `watch` keeps by file id holds only for the same files.
    pub(crate) same_files_as_last: bool,
}

/// Wall-clock time of each stage of loading a vault, for `--verbose`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimings {
    /// Walking the folder tree.
    pub scan: std::time::Duration,
    /// Reading and parsing the notes (in parallel).
    pub parse: std::time::Duration,
    /// Resolving every link.
    pub resolve: std::time::Duration,
}

impl Vault {
    /// The note of a file, if it is a note that was parsed.
    pub fn note(&self, file: FileId) -> Option<&Note> {
        self.note_of_file
            .get(file as usize)
            .copied()
            .flatten()
            .map(|index| &self.notes[index as usize])
    }

    /// The id of the file at `path`, if the vault has one there.
    pub fn file_id(&self, path: &VaultPath) -> Option<FileId> {
        (self.files.binary_search_by(|file| file.path.cmp(path)).ok()).map(|at| at as FileId)
    }

    /// The file id of a note.
    pub fn file_id_of_note(&self, note: usize) -> FileId {
        self.note_file_ids[note]
    }

    /// Whether the note of `file` was parsed for this vault, rather than kept
    /// unchanged from an earlier load (`watch`): a kept note has the same text.
    pub fn reparsed(&self, file: FileId) -> bool {
        self.reparsed.get(file as usize).copied().unwrap_or(true)
    }

    /// The files whose notes were parsed for this vault (see
    /// [`Vault::reparsed`]), in order; `None` when every file counts as
    /// parsed (no note was kept from an earlier load).
    pub fn reparsed_files(&self) -> Option<Vec<FileId>> {
        (self.reparsed.len() == self.files.len()).then(|| {
            (0..)
                .zip(&self.reparsed)
                .filter(|(_, reparsed)| **reparsed)
                .map(|(file, _)| file)
                .collect()
        })
    }

    /// Whether the links of `file`'s note were resolved for this vault, rather
    /// than kept from the last resolution (`watch`): kept links resolve as
    /// they did then.
    pub fn resolved_afresh(&self, file: FileId) -> bool {
        self.resolved_afresh
            .get(file as usize)
            .copied()
            .unwrap_or(true)
    }

    /// The resolution of each link of the note at `note` in
    /// [`Vault::notes`] (none for a note that is not a source).
    pub fn resolutions(&self, note: usize) -> &[Resolution] {
        &self.outcomes[note].resolutions
    }

    /// Whether a link of the note at `note` in [`Vault::notes`] opens no
    /// file (read from the resolution's counts, not from the note).
    pub fn has_unresolved(&self, note: usize) -> bool {
        let outcome = &self.outcomes[note];
        (outcome.resolved as usize) < outcome.resolutions.len()
    }

    /// The file a note belongs to.
    pub fn file_of_note(&self, note: usize) -> &VaultFile {
        debug_assert!(!self.files.is_empty(), "files taken by take_link_memo");
        &self.files[self.note_file_ids[note] as usize]
    }

    /// Counts for summaries and tests.
    pub fn stats(&self) -> VaultStats {
        let mut stats = VaultStats {
            files: self.files.len(),
            ..VaultStats::default()
        };
        // From the outcomes alone: reading each note's and file's own
        // record took 2 ms of every `watch` update at 100,000 notes.
        for (index, outcome) in self.outcomes.iter().enumerate() {
            debug_assert_eq!(outcome.source, self.file_of_note(index).is_source());
            if !outcome.source {
                continue;
            }
            stats.notes += 1;
            let dropped = outcome.dropped as usize;
            stats.links += outcome.resolutions.len() + dropped;
            stats.resolved += outcome.resolved as usize + dropped;
            stats.invalid_frontmatter += usize::from(outcome.invalid_frontmatter);
        }
        stats.unresolved = stats.links - stats.resolved;
        stats
    }

    /// Notes that are sources, with their links' resolutions.
    pub fn sources(&self) -> impl Iterator<Item = (&Note, &[Resolution])> {
        self.source_indices()
            .map(|index| (&self.notes[index], self.resolutions(index)))
    }

    /// The positions of the notes that are sources (as their outcomes record).
    fn source_indices(&self) -> impl Iterator<Item = usize> {
        (0..self.notes.len()).filter(|&index| self.outcomes[index].source)
    }
}

/// What resolving a vault found, kept for the next resolution (`watch`): the
/// name index and each note's resolutions and link problems (carried over to
/// other files when files were only added or removed, see [`carry`]).
#[derive(Debug)]
pub struct LinkMemo {
    /// The files the memo is about (their paths, kinds and exclusions), and
    /// the walk that listed them.
    files: Vec<VaultFile>,
    /// How many files: `files` may be lent to the next scan of the same walk
    /// ([`LinkMemo::lend_files`]).
    file_count: usize,
    walk: Option<u64>,
    /// Obsidian's settings then, as text.
    settings: String,
    aliases: HashMap<String, FileId>,
    index: NameIndex,
    /// By note, in the order of `note_files`: the note's resolutions and
    /// link problems (none at all when the resolution kept no problems). The
    /// next resolution of the same notes takes the list whole, rather than
    /// note by note, and resolves again in place those it must.
    outcomes: Vec<Outcome>,
    /// The file of each note, in order: a memo is used only for the same
    /// notes.
    note_files: Vec<FileId>,
    /// The last vault's problems, sorted, with those added after its
    /// resolution: the next resolution of the same walk takes out those of
    /// the notes it resolves again and puts in their new ones, instead of
    /// gathering every note's (at 100,000 notes, cloning 37,000 problems —
    /// each one's count in memory of its own — was 6 ms of every update).
    problems: Option<(Vec<Diagnostic>, Vec<Diagnostic>)>,
    /// By file: the note's [`Note::anchors_hash`] (0 for other files). A note
    /// read again with the same anchors cannot change whether a subpath into
    /// it is found.
    anchors: Vec<u64>,
}

/// One note's resolutions, how many of them found a file, its link
/// problems, and what [`Vault::stats`] counts of the note.
#[derive(Debug, Default)]
struct Outcome {
    resolutions: Vec<Resolution>,
    resolved: u32,
    /// Links `check` dropped once they opened their one file
    /// ([`Prelinked::dropped`]), not among `resolutions`.
    dropped: u32,
    problems: Vec<Diagnostic>,
    /// Whether the note is a source (else the rest is empty).
    source: bool,
    /// Whether the note's frontmatter could not be read (a note kept from
    /// one resolution to the next is the same note).
    invalid_frontmatter: bool,
    /// The lengths of the names its links that found no file are written
    /// with, as a mask ([`carry::name_bit`]): under `watch`, a file added or
    /// removed is looked for among a note's links only when the mask says
    /// one may name it.
    unresolved_names: u64,
    /// The files its links opened, as a mask ([`carry::file_bit`]): when
    /// files are added or removed, a note's resolved links are looked at
    /// only when the mask says one may have opened a file named as one of
    /// them (`ChangedNames::opened_by_links_named`).
    targets: u64,
}

impl Outcome {
    /// The outcome of a source note.
    fn new(note: &Note, (resolutions, problems): (Vec<Resolution>, Vec<Diagnostic>)) -> Outcome {
        let resolved = resolutions.iter().filter(|r| r.target.is_some()).count() as u32;
        let unresolved_names = (note.links.iter().zip(&resolutions))
            .filter(|(_, resolution)| resolution.target.is_none())
            .fold(0, |mask, (link, _)| {
                mask | carry::name_bit(note.linkpath(link))
            });
        let targets = carry::files_mask(&resolutions);
        Outcome {
            resolutions,
            resolved,
            dropped: 0,
            problems,
            source: true,
            invalid_frontmatter: !note.has_valid_frontmatter,
            unresolved_names,
            targets,
        }
    }
}

impl LinkMemo {
    /// Whether the memo is about `scan`'s files: the same walk listed them (as
    /// many: a list changed by hand but left with its walk number cannot index
    /// past the memo's), or they have the same paths, kinds and exclusions.
    pub(crate) fn is_about(&self, scan: &Scan) -> bool {
        (scan.walk.is_some() && self.walk == scan.walk && self.file_count == scan.files.len())
            || (self.files.len() == scan.files.len()
                && self.files.iter().zip(&scan.files).all(|(was, file)| {
                    was.path == file.path
                        && was.kind == file.kind
                        && was.exclusion == file.exclusion
                }))
    }

    /// The files of the walk `walk` (with the sizes and times the last load
    /// read its notes at), lent for the next scan of the same walk instead of
    /// a copy; `None` when the memo is about another walk, or has lent them.
    pub fn lend_files(&mut self, walk: Option<u64>) -> Option<Vec<VaultFile>> {
        let lendable = walk.is_some() && walk == self.walk && self.files.len() == self.file_count;
        lendable.then(|| std::mem::take(&mut self.files))
    }

    /// Gives back files [`LinkMemo::lend_files`] lent, unused.
    pub fn give_back_files(&mut self, files: Vec<VaultFile>) {
        self.files = files;
    }

    /// The files, unless they are lent.
    pub fn files(&self) -> &[VaultFile] {
        &self.files
    }

    /// The walk that listed the files.
    pub fn walk(&self) -> Option<u64> {
        self.walk
    }

    /// The name index of the memo's files, when they are `scan`'s.
    pub fn index_about(&self, scan: &Scan) -> Option<&NameIndex> {
        self.is_about(scan).then_some(&self.index)
    }

    /// Whether the memo is about `scan`'s files and these notes (`note_files`).
    fn is_about_notes(&self, scan: &Scan, note_files: &[FileId]) -> bool {
        self.is_about(scan) && self.note_files == note_files
    }
}

impl Vault {
    /// Takes what the next resolution of the same files can reuse: the
    /// files, index and aliases, the outcomes (when they kept their link
    /// problems) and the problems (when the list is what the resolution
    /// gathered, plus `added`). The vault keeps its notes; it is only to be
    /// dropped after this.
    pub fn take_link_memo(&mut self) -> LinkMemo {
        // The vault's problems go to the memo: it is not read after this.
        let problems = (self.keeps_link_problems && self.problems_kept_whole).then(|| {
            (
                std::mem::take(&mut self.diagnostics),
                std::mem::take(&mut self.added),
            )
        });
        // Without the problems found, nothing can be reused.
        let outcomes = match self.keeps_link_problems {
            true => std::mem::take(&mut self.outcomes),
            false => Vec::new(),
        };
        let mut anchors = vec![0; self.files.len()];
        for (note, &file) in self.notes.iter().zip(&self.note_file_ids) {
            anchors[file as usize] = note.anchors_hash;
        }
        LinkMemo {
            // The vault is not read after this (see [`NoteCache::refill_from`]).
            file_count: self.files.len(),
            files: std::mem::take(&mut self.files),
            walk: self.walk,
            settings: format!("{:?}", self.settings),
            aliases: std::mem::take(&mut self.aliases),
            index: std::mem::take(&mut self.index),
            note_files: self.note_file_ids.clone(),
            outcomes,
            problems,
            anchors,
        }
    }
}

/// Parsed notes in file order, as resolution takes them: each note, its
/// [`FileId`], and whether it was parsed for this load (`fresh`; under
/// `watch`, most notes are kept from the last load). Three lists rather than
/// one of triples: a load fills them in place, never moving every note.
#[derive(Debug, Default)]
pub struct NotesInOrder {
    /// The notes.
    pub notes: Vec<Note>,
    /// The file of each.
    pub files: Vec<FileId>,
    /// Whether each was parsed for this load.
    pub fresh: Vec<bool>,
    /// Their links, looked up as they were parsed (a load that parsed every
    /// source), to be finished by the resolution.
    pub prelinks: Option<Prelinks>,
    /// The name index of the scan's files, when the load built one.
    pub index: Option<NameIndex>,
}

impl From<Vec<(FileId, Note, bool)>> for NotesInOrder {
    fn from(triples: Vec<(FileId, Note, bool)>) -> NotesInOrder {
        let mut notes = NotesInOrder::default();
        for (file, note, fresh) in triples {
            notes.notes.push(note);
            notes.files.push(file);
            notes.fresh.push(fresh);
        }
        notes
    }
}

/// Resolves every link of every source note. `notes` holds the parsed notes with
/// the [`FileId`] of each.
pub fn resolve(scan: Scan, notes: Vec<(FileId, Note)>, settings: ObsidianSettings) -> Vault {
    let notes: Vec<(FileId, Note, bool)> = notes
        .into_iter()
        .map(|(file, note)| (file, note, true))
        .collect();
    resolve_reusing(scan, notes.into(), settings, None)
}

/// [`resolve`], reusing `memo` (the last resolution) when the settings are the
/// same and the files are too, or differ only by files added or removed (the
/// memo is then carried over to the new file ids, see [`carry`]): `notes`
/// says which notes were parsed afresh, and a note keeps its last outcome
/// unless it is one of them, has a link with a heading or block into one of
/// them, or has a link naming a file added or removed. Aliases that changed
/// resolve all again (broken-link hints name them).
pub fn resolve_reusing(
    scan: Scan,
    notes: NotesInOrder,
    settings: ObsidianSettings,
    memo: Option<LinkMemo>,
) -> Vault {
    resolve_inner(scan, notes, settings, memo, true)
}

/// [`resolve`] for a vault that will not be resolved again (`check`, `build`):
/// the problems found are moved into its diagnostics, not also kept per note for
/// a [`LinkMemo`].
pub fn resolve_once(scan: Scan, notes: NotesInOrder, settings: ObsidianSettings) -> Vault {
    resolve_inner(scan, notes, settings, None, false)
}

fn resolve_inner(
    scan: Scan,
    notes: NotesInOrder,
    settings: ObsidianSettings,
    memo: Option<LinkMemo>,
    keep_problems: bool,
) -> Vault {
    let NotesInOrder {
        notes: mut parsed,
        files: note_file_ids,
        fresh,
        prelinks,
        index: built,
    } = notes;
    debug_assert!(
        parsed.len() == note_file_ids.len() && fresh.len() == parsed.len(),
        "one file and one mark per note"
    );
    let mut note_of_file = vec![None; scan.files.len()];
    let mut changed = vec![false; scan.files.len()];
    for (position, (&file, &fresh)) in note_file_ids.iter().zip(&fresh).enumerate() {
        note_of_file[file as usize] = Some(position as u32);
        changed[file as usize] = fresh;
    }
    // A memo of other files is carried over to these when files were only
    // added or removed (see [`carry`]).
    let (mut memo, carried) = match memo {
        Some(memo) if memo.is_about_notes(&scan, &note_file_ids) => (Some(memo), None),
        Some(memo) => match memo.carried_to(&scan, &note_file_ids) {
            Some((memo, carried)) => (Some(memo), Some(carried)),
            None => (None, None),
        },
        None => (None, None),
    };
    // The memo's aliases, when they are still the vault's.
    let kept_aliases = memo
        .as_mut()
        .filter(|memo| !aliases_changed(memo, &parsed, &fresh, &changed))
        .map(|memo| std::mem::take(&mut memo.aliases));
    let same_aliases = kept_aliases.is_some();
    let aliases = kept_aliases.unwrap_or_else(|| alias_index(&parsed, &note_file_ids, &scan.files));
    let mut memo = memo.filter(|memo| {
        (same_aliases || memo.aliases == aliases) && memo.settings == format!("{settings:?}")
    });
    // The last problems, patched below (see [`LinkMemo::problems`]).
    let last_problems = match keep_problems {
        true => memo.as_mut().and_then(|memo| memo.problems.take()),
        false => None,
    };
    let (index, prelinked): (NameIndex, Option<Vec<Prelinked>>) = match (&mut memo, prelinks) {
        (Some(memo), _) if carried.is_none() => (std::mem::take(&mut memo.index), None),
        (Some(_), _) => (built.unwrap_or_else(|| NameIndex::new(&scan.files)), None),
        (None, Some(prelinks)) => (prelinks.index, Some(prelinks.notes)),
        (None, None) => (built.unwrap_or_else(|| NameIndex::new(&scan.files)), None),
    };
    // One per note; none at all (not a list of `None`s: a hundred thousand
    // under `watch`) when the links were not looked up as notes were parsed.
    let prelinked = match prelinked {
        Some(prelinked) if prelinked.len() == parsed.len() => {
            rayon::iter::Either::Left(prelinked.into_par_iter().map(Some))
        }
        other => {
            debug_assert!(other.is_none(), "one prelinked note per note");
            rayon::iter::Either::Right((0..parsed.len()).into_par_iter().map(|_| None::<Prelinked>))
        }
    };
    // The last outcomes, when there are as many, and which notes to resolve
    // again: all of them without.
    let (mut outcomes, redo): (Vec<Outcome>, Vec<bool>) = match memo {
        Some(mut memo) if memo.outcomes.len() == parsed.len() => {
            let kept = std::mem::take(&mut memo.outcomes);
            // A subpath into a note read again is looked up again, unless
            // the note's headings, blocks and footnotes are the same.
            // (A note not read again is not looked at: under `watch` at
            // 100,000 notes, reading each one's anchors cost 2 ms an update.)
            let anchors_changed = |target: FileId| {
                changed[target as usize] && {
                    let now = note_of_file[target as usize]
                        .map_or(0, |index| parsed[index as usize].anchors_hash);
                    memo.anchors[target as usize] != now
                }
            };
            // Usually none did: then no note's links need a look.
            let any_anchors_changed = note_file_ids.iter().any(|&file| anchors_changed(file));
            let into_changed = |outcome: &Outcome| {
                any_anchors_changed
                    && outcome.resolutions.iter().any(|resolution| {
                        resolution.subpath_found.is_some()
                            && resolution.target.is_some_and(anchors_changed)
                    })
            };
            // A note read again is resolved again, and so is one whose links
            // lead into a note whose anchors changed (or, the files changed,
            // one new here or whose links name a file added or removed).
            let redo = match &carried {
                None => (kept.iter().zip(&fresh))
                    .map(|(outcome, &fresh)| fresh || into_changed(outcome))
                    .collect(),
                Some(carried) => (carried.redo(&parsed, &kept, &fresh, &index, scan.files.len()))
                    .into_iter()
                    .zip(&kept)
                    .map(|(redo, outcome)| redo || into_changed(outcome))
                    .collect(),
            };
            (kept, redo)
        }
        _ => (
            std::iter::repeat_with(Outcome::default)
                .take(parsed.len())
                .collect(),
            vec![true; parsed.len()],
        ),
    };
    let mut resolved_afresh = vec![true; scan.files.len()];
    for (&file, &redo) in note_file_ids.iter().zip(&redo) {
        resolved_afresh[file as usize] = redo;
    }
    let context = Context {
        files: &scan.files,
        notes: &parsed,
        note_of_file: &note_of_file,
        index: &index,
        aliases: &aliases,
        attachments: std::sync::OnceLock::new(),
    };
    // In place: the outcomes kept are not moved.
    outcomes
        .par_iter_mut()
        .zip(redo.par_iter())
        .zip(parsed.par_iter().zip(note_file_ids.par_iter()))
        .zip(prelinked)
        .for_each(|(((outcome, &redo), (note, &file)), prelinked)| {
            if !redo {
                return;
            }
            *outcome = match prelinked {
                _ if !scan.files[file as usize].is_source() => Outcome::default(),
                Some(prelinked) => {
                    let dropped = prelinked.dropped;
                    Outcome {
                        dropped,
                        ..Outcome::new(note, context.finish_note(note, file, prelinked))
                    }
                }
                None => Outcome::new(note, context.resolve_note(note, file)),
            };
        });
    let patching = last_problems.is_some();
    let (mut diagnostics, walk_problems) = match patching {
        true => (Vec::new(), scan.diagnostics),
        false => (scan.diagnostics, Vec::new()),
    };
    // Patching: the notes resolved again, and their problems in note order.
    let mut redone: Vec<VaultPath> = Vec::new();
    // Debug builds check a patched list against gathering every note's.
    let mut gathered_whole = match cfg!(debug_assertions) && patching {
        true => walk_problems.clone(),
        false => Vec::new(),
    };
    if cfg!(debug_assertions) && patching {
        for (outcome, note) in outcomes.iter().zip(&parsed) {
            if outcome.source {
                gathered_whole.extend(note.diagnostics.iter().cloned());
                gathered_whole.extend(outcome.problems.iter().cloned());
            }
        }
    }
    // Patching, only the notes resolved again are looked at.
    let gathered = (outcomes.iter_mut())
        .zip(parsed.iter_mut())
        .zip(&redo)
        .filter(|(_, redo)| !patching || **redo);
    for ((outcome, note), _) in gathered {
        if patching {
            redone.push(note.path.clone());
        }
        if outcome.source {
            match keep_problems {
                // A note kept between updates (`watch`) keeps its own.
                true => diagnostics.extend(note.diagnostics.iter().cloned()),
                // Nothing reads a note's problems once they are the vault's.
                false => diagnostics.append(&mut note.diagnostics),
            }
        }
        match keep_problems {
            true => diagnostics.extend(outcome.problems.iter().cloned()),
            false => diagnostics.append(&mut outcome.problems),
        }
    }
    // Problems in the list that the resolution did not gather (the last
    // model's, when the last list is patched).
    let mut added = Vec::new();
    match last_problems {
        // The last list less the problems of the notes resolved again (the
        // walk's own stay, and so do those added after the last resolution:
        // [`crate::pipeline`] replaces them only when the model's differ),
        // then theirs put in: the same list as gathering every note's and
        // sorting, plus those added.
        Some((mut list, last_added)) => {
            // Found without reading each problem (its own memory): each
            // note's as a run of the sorted list, the walk's and the added
            // ones by identity.
            let walks = Diagnostic::identities(&walk_problems);
            let stays = Diagnostic::identities(&last_added);
            let mut runs: Vec<std::ops::Range<usize>> = redone
                .iter()
                .map(|path| {
                    list.partition_point(|problem| problem.path < *path)
                        ..list.partition_point(|problem| problem.path <= *path)
                })
                .filter(|run| !run.is_empty())
                .collect();
            runs.sort_unstable_by_key(|run| run.start);
            // Run by run from the last (one note's problems are a few; the
            // list, tens of thousands, is not gone over).
            for run in runs.into_iter().rev() {
                let kept: Vec<Diagnostic> = list[run.clone()]
                    .iter()
                    .filter(|problem| {
                        let identity = problem.identity();
                        walks.contains(&identity) || stays.contains(&identity)
                    })
                    .cloned()
                    .collect();
                list.splice(run, kept);
            }
            crate::diagnostics::insert_sorted(&mut list, diagnostics);
            diagnostics = list;
            if cfg!(debug_assertions) {
                gathered_whole.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                let resolved: Vec<&Diagnostic> = (diagnostics.iter())
                    .filter(|problem| !stays.contains(&problem.identity()))
                    .collect();
                debug_assert!(
                    resolved.into_iter().eq(&gathered_whole),
                    "a patched list is the whole one"
                );
            }
            added = last_added;
        }
        None => diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key())),
    }
    Vault {
        root: scan.root,
        files: scan.files,
        notes: parsed,
        note_of_file,
        note_file_ids,
        index,
        outcomes,
        diagnostics,
        keeps_link_problems: keep_problems,
        reparsed: changed,
        resolved_afresh,
        aliases,
        settings,
        walk: scan.walk,
        added,
        problems_kept_whole: true,
        timings: StageTimings::default(),
        same_files_as_last: false,
    }
}

/// Whether the alias index of `memo` (about these notes) may differ from
/// that of `notes`, of which those of `fresh` were read again (`changed`:
/// the same, by file): when one of them has an alias now, or is the first to
/// have had one. (An alias is the first note's that has it: a later one that
/// dropped it changes nothing.) Under `watch` most updates have neither, and
/// the index is kept instead of every note looked at again.
fn aliases_changed(memo: &LinkMemo, notes: &[Note], fresh: &[bool], changed: &[bool]) -> bool {
    notes
        .iter()
        .zip(fresh)
        .any(|(note, &fresh)| fresh && !note.aliases.is_empty())
        || memo
            .aliases
            .values()
            .any(|&file| changed.get(file as usize).is_none_or(|&changed| changed))
}

/// Lower-cased alias → the source carrying it, for "aliases do not resolve"
/// hints (a note that is not a source is not read for its aliases: see
/// [`crate::pipeline::load_scanned`]).
fn alias_index(
    notes: &[Note],
    note_files: &[FileId],
    files: &[VaultFile],
) -> HashMap<String, FileId> {
    let mut aliases = HashMap::new();
    for (note, &file) in notes.iter().zip(note_files) {
        if !files[file as usize].is_source() {
            continue;
        }
        for alias in &note.aliases {
            aliases.entry(alias.to_lowercase()).or_insert(file);
        }
    }
    aliases
}

#[cfg(test)]
pub(crate) mod tests {
    //! Reusing the last resolution gives what resolving afresh gives.

    use super::*;
    use crate::diagnostics::Code;
    use crate::parse::{NoteBytes, parse_note};
    use crate::scan::{Exclusion, FileKind, VaultPath};
    use std::path::PathBuf;

    pub(crate) const BEFORE: &[(&str, &str)] = &[
        ("A.md", "# Top\n\n## Setup\n\nA block ^blk\n"),
        ("B.md", "[[A#Setup]] [[A#^blk]] [[A]] [[Missing]] [[Dup]]\n"),
        ("C.md", "[[B]] [[A#Top]]\n"),
        ("x/Dup.md", "one\n"),
        ("y/Dup.md", "---\naliases: [Other]\n---\ntwo\n"),
    ];

    /// The scan and parsed notes of a vault of `(path, text)` notes held in
    /// memory; the notes in `fresh` count as parsed afresh (see
    /// [`resolve_reusing`]).
    pub(crate) fn scan_and_notes(notes: &[(&str, &str)], fresh: &[&str]) -> (Scan, NotesInOrder) {
        let mut files: Vec<VaultFile> = notes
            .iter()
            .map(|(path, _)| file(path, FileKind::Note))
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let parsed = files
            .iter()
            .enumerate()
            .map(|(id, file)| {
                let text = notes
                    .iter()
                    .find(|(p, _)| *p == file.path.as_str())
                    .unwrap()
                    .1;
                let note = parse_note(file.path.clone(), NoteBytes::Read(text.as_bytes().to_vec()));
                (id as u32, note, fresh.contains(&file.path.as_str()))
            })
            .collect::<Vec<_>>()
            .into();
        let scan = Scan {
            root: PathBuf::from("."),
            files,
            diagnostics: Vec::new(),
            walk: None,
            patchable: false,
        };
        (scan, parsed)
    }

    /// A file of an in-memory vault, at `path`.
    pub(crate) fn file(path: &str, kind: FileKind) -> VaultFile {
        VaultFile {
            path: VaultPath::new(path).unwrap(),
            fs_path: std::sync::Arc::from(PathBuf::from(path)),
            kind,
            exclusion: Exclusion::None,
            size: 0,
            modified: None,
        }
    }

    /// Every diagnostic of `vault`, each with all it says, for comparisons.
    pub(crate) fn shown_diagnostics(vault: &Vault) -> Vec<String> {
        vault
            .diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{:?} {} {:?} {} ({:?})",
                    d.code, d.path, d.location, d.message, d.help
                )
            })
            .collect()
    }

    /// What a resolution shows: every link's resolution, the problems and the
    /// counts (kept counts included).
    pub(crate) fn shown(vault: &Vault) -> (Vec<Vec<Resolution>>, Vec<String>, VaultStats) {
        (
            (0..vault.notes.len())
                .map(|at| vault.resolutions(at).to_vec())
                .collect(),
            shown_diagnostics(vault),
            vault.stats(),
        )
    }

    #[test]
    fn a_memo_is_about_the_files_of_its_walk_or_the_same_files() {
        let memo_of = |scan: Scan| {
            let (_, notes) = scan_and_notes(&[], &[]);
            let mut vault = resolve_reusing(scan, notes, ObsidianSettings::default(), None);
            vault.take_link_memo()
        };
        let (scan, _) = scan_and_notes(&[("A.md", ""), ("b/B.md", "")], &[]);
        let walked = Scan {
            walk: Some(7),
            ..scan.clone()
        };
        // Another walk of the same files, or a list made by hand.
        assert!(memo_of(walked.clone()).is_about(&Scan {
            walk: Some(8),
            ..scan.clone()
        }));
        assert!(memo_of(walked.clone()).is_about(&scan));
        let (other, _) = scan_and_notes(&[("A.md", ""), ("b/C.md", "")], &[]);
        assert!(!memo_of(walked.clone()).is_about(&other));
        assert!(!memo_of(scan.clone()).is_about(&other));
        // The same walk: the files are not compared (only sizes and times of
        // a walk's list are ever updated).
        assert!(memo_of(walked).is_about(&Scan {
            walk: Some(7),
            ..other
        }));
    }

    /// `notes` with the text of `path` replaced by `text`.
    fn replaced<'a>(
        notes: &[(&'a str, &'a str)],
        path: &str,
        text: &'a str,
    ) -> Vec<(&'a str, &'a str)> {
        notes
            .iter()
            .map(|&(p, t)| if p == path { (p, text) } else { (p, t) })
            .collect()
    }

    /// The notes `after` resolved reusing the memo of `before`'s resolution
    /// (`edited` read again), and resolved afresh.
    pub(crate) fn reused_and_fresh(
        before: &[(&str, &str)],
        after: &[(&str, &str)],
        edited: &str,
    ) -> (Vault, Vault) {
        let (scan, notes) = scan_and_notes(before, &[]);
        let mut first = resolve_reusing(scan, notes, ObsidianSettings::default(), None);
        let memo = first.take_link_memo();
        let (scan, notes) = scan_and_notes(after, &[edited]);
        let reused = resolve_reusing(scan, notes, ObsidianSettings::default(), Some(memo));
        let (scan, notes) = scan_and_notes(after, &[]);
        let fresh = resolve_reusing(scan, notes, ObsidianSettings::default(), None);
        (reused, fresh)
    }

    #[test]
    fn reused_resolution_is_a_fresh_one() {
        let edits: [(&str, &str); 5] = [
            // A heading renamed and a block id gone: links into A change.
            ("A.md", "# Top\n\n## Install\n\nA block\n"),
            // A link fixed in a note of its own.
            ("B.md", "[[A#Setup]] [[A#^blk]] [[A]] [[x/Dup]]\n"),
            // Nothing that matters to others.
            ("C.md", "[[B]] [[A#Top]] more text\n"),
            // An alias added: broken-link hints may name it.
            ("x/Dup.md", "---\naliases: [Missing]\n---\none\n"),
            // The same text, parsed again.
            ("y/Dup.md", "---\naliases: [Other]\n---\ntwo\n"),
        ];
        for (path, text) in edits {
            let after = replaced(BEFORE, path, text);
            let (reused, fresh) = reused_and_fresh(BEFORE, &after, path);
            assert_eq!(shown(&reused), shown(&fresh), "after editing {path}");
            let (scan, notes) = scan_and_notes(&after, &[]);
            let mut once = resolve_once(scan, notes, ObsidianSettings::default());
            assert_eq!(shown(&once), shown(&fresh), "resolved once, after {path}");
            // Its memo reuses nothing: it kept no problems to reuse.
            let memo = once.take_link_memo();
            assert!(memo.outcomes.is_empty());
            assert_eq!(memo.note_files, once.note_file_ids);
        }
    }

    /// [`scan_and_notes`] with every note's links looked up as it was parsed.
    fn prelinked(notes: &[(&str, &str)]) -> (Scan, NotesInOrder) {
        let (scan, mut parsed) = scan_and_notes(notes, &[]);
        let index = NameIndex::new(&scan.files);
        let prelinked = parsed
            .notes
            .iter()
            .zip(&parsed.files)
            .map(|(note, &file)| prelink(&index, note, file))
            .collect();
        parsed.prelinks = Some(Prelinks {
            index,
            notes: prelinked,
        });
        (scan, parsed)
    }

    #[test]
    fn links_looked_up_while_parsing_resolve_as_links_looked_up_after() {
        let notes: Vec<(&str, &str)> = BEFORE
            .iter()
            .copied()
            .chain([
                (
                    "D.md",
                    "[[x/Dup]] [[Dup#Nowhere]] [[A#Install#Nothing]] [[#Self]] [[]]\n# Self\n",
                ),
                (
                    "x/E.md",
                    "[[./Dup]] [[../C#Top]] [[/Dup]] ![[pic.png#x]] [m](A.md#Setup)\n",
                ),
            ])
            .collect();
        let (scan, parsed) = prelinked(&notes);
        // Only links that may need more than a lookup are left to finish.
        let unsettled: Vec<Vec<(u32, bool)>> = parsed
            .prelinks
            .as_ref()
            .unwrap()
            .notes
            .iter()
            .map(|p| {
                p.unsettled
                    .iter()
                    .map(|u| (u.link, u.only_subpath))
                    .collect()
            })
            .collect();
        let (_, plain) = scan_and_notes(&notes, &[]);
        let paths: Vec<&str> = plain.notes.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "A.md", "B.md", "C.md", "D.md", "x/Dup.md", "x/E.md", "y/Dup.md"
            ]
        );
        assert_eq!(unsettled[1], [(0, true), (1, true), (3, false), (4, false)]);
        assert_eq!(unsettled[3], [(1, false), (2, true), (3, true)]);
        let once = resolve_once(scan, parsed, ObsidianSettings::default());
        let (scan, plain) = scan_and_notes(&notes, &[]);
        let looked_up_after = resolve_once(scan, plain, ObsidianSettings::default());
        assert_eq!(shown(&once), shown(&looked_up_after));
        assert!(
            once.diagnostics
                .iter()
                .any(|d| d.code == Code::SubpathNotFound)
        );
        assert!(
            once.diagnostics
                .iter()
                .any(|d| d.code == Code::AmbiguousLink)
        );
        assert!(once.diagnostics.iter().any(|d| d.code == Code::BrokenLink));
    }

    #[test]
    fn a_broken_link_naming_attachments_without_their_extension_says_so() {
        let (mut scan, mut notes) = scan_and_notes(&[("Note.md", "[[pic]] [[Zeta]]\n")], &[]);
        for path in [
            "b/Pic.PNG",
            "a/pic.jpg",
            "pic.txt",
            "pic.zip",
            "picture.png",
            "pic",
        ] {
            scan.files.push(file(path, FileKind::Attachment));
        }
        scan.files.sort_by(|a, b| a.path.cmp(&b.path));
        notes.files = vec![
            scan.files
                .iter()
                .position(|f| f.path.as_str() == "Note.md")
                .unwrap() as FileId,
        ];
        let vault = resolve_once(scan, notes, ObsidianSettings::default());
        let helps: Vec<&str> = vault
            .diagnostics
            .iter()
            .map(|d| d.help.as_deref().unwrap_or_default())
            .collect();
        assert_eq!(
            helps,
            [
                "links to files other than notes need the extension: `pic.jpg`, `Pic.PNG`, `pic.txt`",
                "correct the link text, or create the note",
            ]
        );
    }

    #[test]
    fn a_kept_alias_index_follows_aliases_added_and_removed() {
        type Notes = Vec<(&'static str, &'static str)>;
        // `B.md` links `[[Missing]]`: its hint names a note with that alias.
        let missing = replaced(BEFORE, "x/Dup.md", "---\naliases: [Missing]\n---\none\n");
        // `y/Dup.md` has `Other` too, after `x/Dup.md`: not in the index.
        let other = replaced(BEFORE, "x/Dup.md", "---\naliases: [Other]\n---\none\n");
        let cases: [(Notes, Notes, &str); 7] = [
            (BEFORE.to_vec(), missing.clone(), "x/Dup.md"),
            (missing, BEFORE.to_vec(), "x/Dup.md"),
            (
                BEFORE.to_vec(),
                replaced(BEFORE, "y/Dup.md", "two\n"),
                "y/Dup.md",
            ),
            // The first of two with `Other`, then the second, without it.
            (BEFORE.to_vec(), other.clone(), "x/Dup.md"),
            (
                other.clone(),
                replaced(&other, "x/Dup.md", "one\n"),
                "x/Dup.md",
            ),
            // No alias read again, or the second one's dropped: the index is
            // kept.
            (
                other.clone(),
                replaced(&other, "y/Dup.md", "two\n"),
                "y/Dup.md",
            ),
            (BEFORE.to_vec(), replaced(BEFORE, "C.md", "[[B]]\n"), "C.md"),
        ];
        for (before, after, path) in cases {
            let (reused, fresh) = reused_and_fresh(&before, &after, path);
            assert_eq!(shown(&reused), shown(&fresh), "after editing {path}");
            assert_eq!(reused.aliases, fresh.aliases, "after editing {path}");
        }
    }

    #[test]
    fn links_into_a_note_read_again_are_looked_up_again_only_when_its_anchors_changed() {
        let resolved_afresh = |text: &str| {
            let (reused, fresh) = reused_and_fresh(BEFORE, &replaced(BEFORE, "A.md", text), "A.md");
            assert_eq!(shown(&reused), shown(&fresh), "after `{text}`");
            // B links `A#Setup` and `A#^blk`; C links `A#Top`.
            ["B.md", "C.md"].map(|path| {
                let file = reused
                    .files
                    .iter()
                    .position(|file| file.path.as_str() == path)
                    .unwrap();
                reused.resolved_afresh(file as FileId)
            })
        };
        // Other words, the same headings, block and footnotes.
        assert_eq!(
            resolved_afresh("# Top\n\n## Setup\n\nAnother block ^blk\n"),
            [false, false]
        );
        // A heading renamed: every link with a subpath into A is looked up again.
        assert_eq!(
            resolved_afresh("# Top\n\n## Install\n\nA block ^blk\n"),
            [true, true]
        );
    }
}
