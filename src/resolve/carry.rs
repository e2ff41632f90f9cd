//! A link memo carried over to files added or removed (`watch`): a new note,
//! a deleted one, a rename. File ids are positions in the sorted list of
//! files, so every id after the change moves; the memo's outcomes are moved
//! to the new ids, and only the notes whose links name an added or removed
//! file are resolved again.
//!
//! Of the files, a link's outcome depends on the files sharing the
//! lower-cased name it looks up (rules C2–C7, ambiguity reports) and, for a
//! broken link, the attachments whose names start with it and a dot (the
//! hint naming them). So a link whose lower-cased name is none of the names
//! an added or removed file answers to resolves as before, to the same file
//! under its new id. (Its other inputs are handled as for the same files:
//! aliases, when they change, resolve every note again; a subpath into a
//! note read again is looked up again when the note's anchors changed.)
//!
//! A link that resolved has the name of the file it opened (or that name
//! without `.md`), so its outcome says whether it may name a changed file
//! without its text being read: only broken links are read (at 100,000
//! notes, reading every link's name from the notes' text took 150 ms), and
//! only when the outcome's mask of their names' lengths has one of the
//! changed names' lengths. A note's resolved links are looked at only when
//! its outcome's mask of the files they opened may hold one of the files a
//! changed name opens ([`ChangedNames::opened_by_links_named`]).

use foldhash::{HashSet, HashSetExt};
use rayon::prelude::*;

use super::{FileId, FileMoves, LinkMemo, Outcome};
use crate::parse::Note;
use crate::scan::{Scan, VaultFile};

/// What carrying a memo over found: which notes kept their outcome, and the
/// names whose links must be looked up again.
#[derive(Debug)]
pub(super) struct Carried {
    /// By note (in the new order): whether its outcome was carried over
    /// (else it is new, or was not a note before).
    pub(super) kept: Vec<bool>,
    /// The names of the files added and removed.
    names: ChangedNames,
    /// The files added (ids in the new list).
    added: Vec<FileId>,
}

/// By file id: whether a link that opened the file may name an added or
/// removed file (see [`ChangedNames::opened_by_links_named`]).
#[derive(Debug)]
pub(super) struct Flagged {
    /// One flag per file.
    files: Vec<bool>,
    /// The flagged files as a mask ([`file_bit`]; 0 when none is, as
    /// usually none is).
    mask: u64,
}

impl Flagged {
    /// The flags `files` (one per file id), with their mask.
    fn new(files: Vec<bool>) -> Flagged {
        let mask = (files.iter().enumerate())
            .filter(|(_, flagged)| **flagged)
            .fold(0, |mask, (id, _)| mask | file_bit(id as FileId));
        Flagged { files, mask }
    }

    /// These flags, `passed` unflagged.
    fn pass_over(self, passed: &[FileId]) -> Flagged {
        let mut files = self.files;
        for &file in passed {
            if let Some(flag) = files.get_mut(file as usize) {
                *flag = false;
            }
        }
        Flagged::new(files)
    }
}

/// A file's bit in a mask of files: its id modulo 64.
pub(super) fn file_bit(file: FileId) -> u64 {
    1 << (file % 64)
}

/// The files `resolutions` opened, as a mask ([`file_bit`]).
pub(super) fn files_mask(resolutions: &[super::Resolution]) -> u64 {
    (resolutions.iter().filter_map(|r| r.target)).fold(0, |mask, file| mask | file_bit(file))
}

/// The lower-cased link names the files added or removed answer to (see
/// [`names_of`]).
#[derive(Debug)]
pub struct ChangedNames {
    names: HashSet<String>,
    /// Their lengths in bytes, sorted: most links' names are ASCII and of
    /// another length, and are passed over without being lower-cased and
    /// hashed (three million links at 100,000 notes).
    lengths: Vec<usize>,
    /// Their lengths as a mask, as [`name_bit`] gives a link name's (the
    /// names are lower-cased): a note whose links that found no file share
    /// no bit with it has none that names an added or removed file.
    length_mask: u64,
}

/// A link name's bit in a mask of name lengths: the length in bytes of the
/// name (after the last `/` of `linkpath`) lower-cased, modulo 64. (A name
/// that is not ASCII may lower-case to another length: the Kelvin sign `K`
/// to `k`.)
pub(super) fn name_bit(linkpath: &str) -> u64 {
    let name = linkpath.rsplit('/').next().unwrap_or(linkpath);
    let length = match name.is_ascii() {
        true => name.len(),
        // The length `to_lowercase` gives, without its string (a final
        // sigma lower-cases to two bytes either way).
        false => (name.chars().flat_map(char::to_lowercase))
            .map(char::len_utf8)
            .sum(),
    };
    1 << (length % 64)
}

impl ChangedNames {
    /// The names of the files `moves` added to `now` or removed from `last`.
    fn of(last: &[VaultFile], now: &[VaultFile], moves: &FileMoves) -> ChangedNames {
        let mut names = HashSet::new();
        for &id in &moves.removed {
            names_of(&last[id as usize], &mut names);
        }
        for &id in &moves.added {
            names_of(&now[id as usize], &mut names);
        }
        let mut lengths: Vec<usize> = names.iter().map(String::len).collect();
        lengths.sort_unstable();
        lengths.dedup();
        let length_mask = (lengths.iter()).fold(0, |mask, &length| mask | 1 << (length % 64));
        ChangedNames {
            names,
            lengths,
            length_mask,
        }
    }

    /// Whether a file whose lower-cased name is `lower` may be what a
    /// link naming an added or removed file opened: its name, or its name
    /// without `.md`, is one of the names.
    fn may_open(&self, lower: &str) -> bool {
        self.names.contains(lower)
            || (lower.strip_suffix(".md")).is_some_and(|stem| self.names.contains(stem))
    }

    /// By file of `index`: whether a link that opened it may name an added
    /// or removed file (see [`ChangedNames::may_open`]).
    ///
    /// Found through the index, name by name: a few files, where asking each
    /// of the files took 10 ms of each update at 100,000 notes (twice).
    pub(super) fn opened_by_links_named(&self, index: &super::NameIndex, files: usize) -> Flagged {
        let mut flagged = vec![false; files];
        let mut with_md = String::new();
        for name in &self.names {
            with_md.clear();
            with_md.push_str(name);
            with_md.push_str(".md");
            let named = index.files_named(name).iter();
            for &id in named.chain(index.files_named(&with_md)) {
                if let Some(flag) = flagged.get_mut(id as usize) {
                    *flag = true;
                }
            }
        }
        debug_assert_eq!(
            flagged,
            (0..files as FileId)
                .map(|id| {
                    let path = index.lower_path(id);
                    self.may_open(path.rsplit('/').next().unwrap_or(path))
                })
                .collect::<Vec<bool>>(),
            "the files named so are those a look at each file finds"
        );
        Flagged::new(flagged)
    }

    /// Whether a link of `note` names an added or removed file: `outcome`
    /// holds its links' resolutions (by file ids `flagged` flags, see
    /// [`ChangedNames::opened_by_links_named`]); the text of a link is read
    /// only when it did not resolve, and its name's length may be one of
    /// theirs.
    pub(super) fn named_by(
        &self,
        note: &Note,
        outcome: &super::Outcome,
        flagged: &Flagged,
    ) -> bool {
        let (resolutions, resolved) = (&outcome.resolutions, outcome.resolved as usize);
        if resolutions.len() != note.links.len() {
            return self.links_named(note);
        }
        debug_assert_eq!(
            resolved,
            resolutions.iter().filter(|r| r.target.is_some()).count(),
            "the count of links with a file is the outcome's"
        );
        debug_assert_eq!(
            outcome.targets,
            files_mask(resolutions),
            "the mask of the files opened is the outcome's"
        );
        // No link that found a file may name one (none of those files is
        // flagged, by the masks), and every link found one or the names of
        // those that found none have other lengths: the note's links need
        // no look (most notes; at 100,000 notes, reading the links' text
        // took 60 ms of a new note's update).
        let none_flagged = outcome.targets & flagged.mask == 0;
        let none_unresolved_named = outcome.unresolved_names & self.length_mask == 0;
        if none_flagged && (resolved == resolutions.len() || none_unresolved_named) {
            debug_assert!(
                (note.links.iter().zip(resolutions))
                    .filter(|(_, resolution)| resolution.target.is_none())
                    .all(|(link, _)| !self.link_named(note, link, &mut String::new())),
                "no link of a note passed over names an added or removed file"
            );
            debug_assert!(
                (resolutions.iter().filter_map(|r| r.target))
                    .all(|target| flagged.files.get(target as usize) == Some(&false)),
                "no link's file is flagged (and each is one of the flagged files' ids)"
            );
            return false;
        }
        let mut lower = String::new();
        (note.links.iter().zip(resolutions)).any(|(link, resolution)| match resolution.target {
            Some(target) => (flagged.files.get(target as usize)).is_none_or(|&flagged| flagged),
            None => !none_unresolved_named && self.link_named(note, link, &mut lower),
        })
    }

    /// Whether a link of `note` names an added or removed file, read from
    /// its text.
    pub fn links_named(&self, note: &Note) -> bool {
        let mut lower = String::new();
        (note.links.iter()).any(|link| self.link_named(note, link, &mut lower))
    }

    /// Whether `link` of `note` names an added or removed file (`lower`: a
    /// buffer).
    fn link_named(&self, note: &Note, link: &crate::parse::Link, lower: &mut String) -> bool {
        let linkpath = note.linkpath(link);
        let name = linkpath.rsplit('/').next().unwrap_or(linkpath);
        lower.clear();
        match name.is_ascii() {
            true if self.lengths.binary_search(&name.len()).is_err() => return false,
            true => {
                lower.push_str(name);
                lower.make_ascii_lowercase();
            }
            false => lower.push_str(&name.to_lowercase()),
        }
        self.names.contains(lower.as_str())
    }
}

impl Carried {
    /// Which notes to resolve again, by note: those read again (`fresh`),
    /// those not carried over, and sources whose links name an added or
    /// removed file (`index`: the files' name index now, which the moved
    /// outcomes' targets are ids of).
    pub(super) fn redo(
        &self,
        notes: &[Note],
        outcomes: &[Outcome],
        fresh: &[bool],
        index: &super::NameIndex,
        files: usize,
    ) -> Vec<bool> {
        // No outcome carried over opened a file added since (its targets
        // are files of the memo's, moved): unflagged, a note whose links all
        // opened a file needs no look.
        let flagged = (self.names.opened_by_links_named(index, files)).pass_over(&self.added);
        (notes.par_iter().zip(outcomes).zip(fresh).zip(&self.kept))
            .map(|(((note, outcome), &fresh), &kept)| {
                fresh || !kept || (outcome.source && self.names.named_by(note, outcome, &flagged))
            })
            .collect()
    }
}

/// The lower-cased names a link may be written with whose outcome `file`
/// decides: its file name, and each part of it before a dot (`x` for
/// `x.md`; `a` and `a.b` for `a.b.png`, which a broken `[[a]]`'s hint names).
fn names_of(file: &VaultFile, names: &mut HashSet<String>) {
    let lower = file.path.file_name().to_lowercase();
    for (dot, _) in lower.match_indices('.').filter(|&(at, _)| at > 0) {
        names.insert(lower[..dot].to_owned());
    }
    names.insert(lower);
}

impl LinkMemo {
    /// The positions in `notes` (the notes of `note_files`, files of `scan`)
    /// of the sources whose links in the memo's outcomes name a file added
    /// or removed (`names`, see [`LinkMemo::changed_names`]), in no order;
    /// a note the memo does not have, or read again (`fresh`, by position:
    /// its outcome is of another text), is left to the caller. `None` when the
    /// memo kept no outcomes, or lent its files.
    pub fn notes_naming(
        &self,
        names: &ChangedNames,
        scan: &Scan,
        notes: &[Note],
        note_files: &[FileId],
        fresh: &[bool],
    ) -> Option<Vec<usize>> {
        if self.outcomes.len() != self.note_files.len() || self.files.len() != self.file_count {
            return None;
        }
        let flagged = names.opened_by_links_named(&self.index, self.files.len());
        (self.outcomes.par_iter().zip(&self.note_files))
            .filter(|(outcome, _)| outcome.source)
            .filter_map(|(outcome, &last)| {
                let path = &self.files[last as usize].path;
                let at = note_files
                    .binary_search_by(|&id| scan.files[id as usize].path.cmp(path))
                    .ok()
                    .filter(|&at| !fresh[at])?;
                names.named_by(&notes[at], outcome, &flagged).then_some(at)
            })
            .collect::<Vec<usize>>()
            .into()
    }

    /// The names of the files added to or removed from the memo's to make
    /// `scan`'s: `None` when the memo lent its files, or a file on both
    /// lists is left out differently now.
    pub fn changed_names(&self, scan: &Scan) -> Option<ChangedNames> {
        if self.files.len() != self.file_count {
            return None;
        }
        let last = self.files.iter().map(|f| (&f.path, f.exclusion));
        let moves = FileMoves::between(last, &scan.files)?;
        Some(ChangedNames::of(&self.files, &scan.files, &moves))
    }

    /// The memo moved over to `scan`'s files, whose notes are `note_files`:
    /// `None` unless files were only added or removed (a path on both lists
    /// is left out or not as before), the memo kept every note's outcome,
    /// and no note with aliases went.
    pub(super) fn carried_to(
        mut self,
        scan: &Scan,
        note_files: &[FileId],
    ) -> Option<(LinkMemo, Carried)> {
        let lent = self.files.len() != self.file_count;
        if lent || self.outcomes.len() != self.note_files.len() {
            return None;
        }
        let (old, new) = (&self.files, &scan.files);
        let moves = FileMoves::between(old.iter().map(|f| (&f.path, f.exclusion)), new)?;
        let names = ChangedNames::of(old, new, &moves);
        let move_id = |id: FileId| moves.get(id);
        // A removed note with aliases changes the alias index: resolved
        // afresh (aliases are few).
        let mut aliases = std::mem::take(&mut self.aliases);
        for file in aliases.values_mut() {
            *file = move_id(*file)?;
        }
        // By note now: the outcome of the same file, its targets moved (a
        // link into a removed file names it, and is resolved again).
        let mut kept = vec![false; note_files.len()];
        let mut outcomes: Vec<Outcome> = std::iter::repeat_with(Outcome::default)
            .take(note_files.len())
            .collect();
        for (&last, mut outcome) in self
            .note_files
            .iter()
            .zip(std::mem::take(&mut self.outcomes))
        {
            let Some(at) = move_id(last).and_then(|now| note_files.binary_search(&now).ok()) else {
                continue;
            };
            for resolution in &mut outcome.resolutions {
                let target = resolution.target;
                resolution.target = target.and_then(move_id);
                // Its file removed: counted as resolved no longer (see
                // `ChangedNames::named_by`).
                if target.is_some() && resolution.target.is_none() {
                    outcome.resolved -= 1;
                    // Its name unknown here: any length.
                    outcome.unresolved_names = u64::MAX;
                }
            }
            // Its files under their new ids.
            outcome.targets = files_mask(&outcome.resolutions);
            outcomes[at] = outcome;
            kept[at] = true;
        }
        let mut anchors = vec![0; new.len()];
        for (old_id, anchor) in self.anchors.iter().enumerate() {
            if let Some(now) = move_id(old_id as FileId) {
                anchors[now as usize] = *anchor;
            }
        }
        let memo = LinkMemo {
            files: Vec::new(),
            file_count: 0,
            walk: scan.walk,
            settings: self.settings,
            aliases,
            // Built again by the resolution: names moved with the ids.
            index: Default::default(),
            outcomes,
            note_files: note_files.to_vec(),
            // Gathered again from the notes' own.
            problems: None,
            anchors,
        };
        let added = moves.added;
        Some((memo, Carried { kept, names, added }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{BEFORE, file, scan_and_notes, shown};
    use super::super::{Vault, resolve_reusing};
    use super::*;
    use crate::config::ObsidianSettings;
    use crate::scan::FileKind;

    /// The scan and notes of `notes` (those in `fresh` read again) with
    /// `attachments` among the files.
    fn vault_with(
        notes: &[(&str, &str)],
        attachments: &[&str],
        fresh: &[&str],
    ) -> (Scan, super::super::NotesInOrder) {
        let (mut scan, mut parsed) = scan_and_notes(notes, fresh);
        for path in attachments {
            scan.files.push(file(path, FileKind::Attachment));
        }
        scan.files.sort_by(|a, b| a.path.cmp(&b.path));
        parsed.files = (parsed.notes.iter())
            .map(|note| scan.files.iter().position(|f| f.path == note.path).unwrap() as FileId)
            .collect();
        (scan, parsed)
    }

    /// `after` resolved with the memo of `before` carried over (the notes
    /// `before` lacks read afresh), and resolved afresh.
    fn carried_and_fresh(
        before: (&[(&str, &str)], &[&str]),
        after: (&[(&str, &str)], &[&str]),
    ) -> (Vault, Vault) {
        let (scan, notes) = vault_with(before.0, before.1, &[]);
        let memo = resolve_reusing(scan, notes, ObsidianSettings::default(), None).take_link_memo();
        let new: Vec<&str> = (after.0.iter())
            .filter(|(path, _)| !before.0.iter().any(|(was, _)| was == path))
            .map(|(path, _)| *path)
            .collect();
        let (scan, notes) = vault_with(after.0, after.1, &new);
        let carried = resolve_reusing(scan, notes, ObsidianSettings::default(), Some(memo));
        let (scan, notes) = vault_with(after.0, after.1, &[]);
        let fresh = resolve_reusing(scan, notes, ObsidianSettings::default(), None);
        (carried, fresh)
    }

    /// The notes of `vault` resolved afresh, by path.
    fn resolved_afresh(vault: &Vault) -> Vec<&str> {
        (0..vault.notes.len())
            .map(|at| vault.file_id_of_note(at))
            .filter(|&file| vault.resolved_afresh(file))
            .map(|file| vault.files[file as usize].path.as_str())
            .collect()
    }

    #[test]
    fn a_memo_carried_over_to_files_added_and_removed_resolves_as_afresh() {
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut notes = BEFORE.to_vec();
            notes.extend_from_slice(extra);
            notes
        };
        let without = |path: &str| -> Vec<(&'static str, &'static str)> {
            BEFORE.iter().copied().filter(|(p, _)| *p != path).collect()
        };
        type Case = (
            Vec<(&'static str, &'static str)>,
            Vec<&'static str>,
            Vec<&'static str>,
        );
        let cases: [(&str, Case); 7] = [
            // B's broken `[[Missing]]` resolves.
            (
                "a note named as a broken link",
                (
                    with(&[("z/Missing.md", "")]),
                    vec![],
                    vec!["B.md", "z/Missing.md"],
                ),
            ),
            // A third `Dup`, at the root: B's `[[Dup]]` opens it.
            (
                "a third note of a shared name",
                (with(&[("Dup.md", "")]), vec![], vec!["B.md", "Dup.md"]),
            ),
            // No one links `Other note`: nothing is resolved again.
            (
                "a note no link names",
                (
                    with(&[("Other note.md", "[[C]]")]),
                    vec![],
                    vec!["Other note.md"],
                ),
            ),
            // `[[Dup]]` is no longer ambiguous.
            (
                "a note of a shared name removed",
                (without("x/Dup.md"), vec![], vec!["B.md"]),
            ),
            // B and C link into it: they break.
            (
                "a linked note removed",
                (without("A.md"), vec![], vec!["B.md", "C.md"]),
            ),
            // An attachment named like the broken link: its hint names it.
            (
                "an attachment named as a broken link",
                (BEFORE.to_vec(), vec!["pics/missing.png"], vec!["B.md"]),
            ),
            // A note moved to a folder: the links to its name are looked up.
            (
                "a linked note moved",
                (
                    (BEFORE.iter().copied())
                        .map(|(p, t)| if p == "A.md" { ("sub/A.md", t) } else { (p, t) })
                        .collect(),
                    vec![],
                    vec!["B.md", "C.md", "sub/A.md"],
                ),
            ),
        ];
        for (what, (after, attachments, redone)) in cases {
            let (carried, fresh) = carried_and_fresh((BEFORE, &[]), (&after, &attachments));
            assert_eq!(shown(&carried), shown(&fresh), "{what}");
            assert_eq!(resolved_afresh(&carried), redone, "{what}");
        }
        // And back: the attachment removed, the hint goes.
        let (carried, fresh) = carried_and_fresh((BEFORE, &["pics/missing.png"]), (BEFORE, &[]));
        assert_eq!(shown(&carried), shown(&fresh));
        assert_eq!(resolved_afresh(&carried), ["B.md"]);
    }

    #[test]
    fn the_notes_naming_a_new_file_are_found_from_the_last_outcomes() {
        let (scan, notes) = vault_with(BEFORE, &[], &[]);
        let memo = resolve_reusing(scan, notes, ObsidianSettings::default(), None).take_link_memo();
        let naming_fresh = |after: &[(&str, &str)], attachments: &[&str], fresh: &[&str]| {
            let (scan, notes) = vault_with(after, attachments, fresh);
            let names = memo.changed_names(&scan).unwrap();
            let mut found = memo
                .notes_naming(&names, &scan, &notes.notes, &notes.files, &notes.fresh)
                .unwrap();
            found.sort_unstable();
            (found.into_iter())
                .map(|at| notes.notes[at].path.as_str().to_owned())
                .collect::<Vec<String>>()
        };
        let naming =
            |after: &[(&str, &str)], attachments: &[&str]| naming_fresh(after, attachments, &[]);
        let mut added = BEFORE.to_vec();
        // B's broken `[[Missing]]` (read from its text) and its `[[Dup]]`
        // (from the file it opened).
        added.push(("z/Missing.md", ""));
        assert_eq!(naming(&added, &[]), ["B.md"]);
        added.push(("Dup.md", ""));
        assert_eq!(naming(&added, &[]), ["B.md"]);
        // An attachment a broken link's hint would name.
        assert_eq!(naming(BEFORE, &["pics/missing.png"]), ["B.md"]);
        // C links `[[A#Top]]`, B `[[A]]`: a second `A` names both.
        let mut second_a = BEFORE.to_vec();
        second_a.push(("q/A.md", ""));
        assert_eq!(naming(&second_a, &[]), ["B.md", "C.md"]);
        // B read again, now linking the new `Fresh`: left to the caller,
        // which looks at every note read again (its outcome is of its last
        // text, whose broken link has another length).
        let mut edited: Vec<(&str, &str)> = (BEFORE.iter().copied())
            .map(|(p, t)| match p {
                "B.md" => (p, "[[A#Setup]] [[A#^blk]] [[A]] [[Fresh]] [[Dup]]\n"),
                _ => (p, t),
            })
            .collect();
        edited.push(("Fresh.md", ""));
        assert!(naming_fresh(&edited, &[], &["B.md", "Fresh.md"]).is_empty());
    }

    #[test]
    fn broken_links_of_any_name_length_or_letters_name_the_file_added() {
        let long = "a".repeat(70);
        let long_link = format!("[[{long}]]\n");
        // One link a note, so that each note is found by its own link's bit.
        let before: Vec<(&str, &str)> = vec![
            ("N1.md", "[[Ärger]]\n"),
            ("N2.md", &long_link),
            ("N3.md", "[[İstanbul]]\n"),
            ("O.md", "[[N1]]\n"),
        ];
        let (scan, notes) = vault_with(&before, &[], &[]);
        let memo = resolve_reusing(scan, notes, ObsidianSettings::default(), None).take_link_memo();
        let long_file = format!("{long}.md");
        // A name that is not ASCII; one of 70 bytes (bit 70 % 64); and one
        // that lower-cases to another length (`İ`, two bytes, to `i̇`, three).
        let cases = [
            ("ärger.md", "N1.md"),
            (long_file.as_str(), "N2.md"),
            ("İstanbul.md", "N3.md"),
        ];
        for (added, naming) in cases {
            let mut after = before.clone();
            after.push((added, ""));
            let (scan, notes) = vault_with(&after, &[], &[]);
            let names = memo.changed_names(&scan).unwrap();
            let found = memo
                .notes_naming(&names, &scan, &notes.notes, &notes.files, &notes.fresh)
                .unwrap();
            let found: Vec<&str> = found
                .iter()
                .map(|&at| notes.notes[at].path.as_str())
                .collect();
            assert_eq!(found, [naming], "{added}");
        }
        // A name no link has: no note.
        let mut after = before.clone();
        after.push(("Other.md", ""));
        let (scan, notes) = vault_with(&after, &[], &[]);
        let names = memo.changed_names(&scan).unwrap();
        let found = memo
            .notes_naming(&names, &scan, &notes.notes, &notes.files, &notes.fresh)
            .unwrap();
        assert!(found.is_empty());
    }

    #[test]
    fn the_names_a_file_answers_to_are_its_name_and_its_parts_before_a_dot() {
        let mut names = HashSet::new();
        names_of(&file("a/Report.v2.PNG", FileKind::Attachment), &mut names);
        let mut names: Vec<String> = names.into_iter().collect();
        names.sort();
        assert_eq!(names, ["report", "report.v2", "report.v2.png"]);
    }

    #[test]
    fn a_memo_is_not_carried_over_when_a_file_changed_kind_or_a_note_with_aliases_went() {
        let (scan, notes) = vault_with(BEFORE, &[], &[]);
        let memo = resolve_reusing(scan, notes, ObsidianSettings::default(), None).take_link_memo();
        // `y/Dup.md` has the alias `Other`.
        let after: Vec<(&str, &str)> = BEFORE
            .iter()
            .copied()
            .filter(|(p, _)| *p != "y/Dup.md")
            .collect();
        let (scan, notes) = vault_with(&after, &[], &[]);
        assert!(memo.carried_to(&scan, &notes.files).is_none());
        let (scan, notes) = vault_with(BEFORE, &[], &[]);
        let memo = resolve_reusing(scan, notes, ObsidianSettings::default(), None).take_link_memo();
        let (mut scan, notes) = vault_with(BEFORE, &[], &[]);
        scan.files[0].exclusion = crate::scan::Exclusion::IgnoredByConfig;
        assert!(memo.carried_to(&scan, &notes.files).is_none());
    }
}
