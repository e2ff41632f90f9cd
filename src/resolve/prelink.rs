//! Links resolved while their note is parsed.
//!
//! Which file a linkpath opens depends only on the vault's file list (rules
//! C1–C7), known once the scan is done. A load that parses every source (no
//! cache) looks each link up right after its note is parsed, on the same
//! thread, while the note is still in the cache; [`super::resolve`] is then
//! left with the few links that need more: a heading or block to find in their
//! target (which must be parsed first: a note that is not a source is read
//! only then), or a problem to report. `check` checks those subpaths itself
//! once every target is parsed ([`settle_subpaths`]), before it resolves the
//! rest.

use rayon::prelude::*;

use super::Resolution;
use super::name_index::{FileId, Lookup, LoweredName, NameIndex};
use super::subpath::subpath_found_in;
use crate::parse::Note;
use crate::scan::VaultFile;

/// The links of one note, looked up as it was parsed.
#[derive(Debug, Default)]
pub struct Prelinked {
    /// One per link (per link kept, after [`Prelinked::keep_links`]): its
    /// target, and no subpath verdict until [`settle_subpaths`] finds one.
    pub resolutions: Vec<Resolution>,
    /// The links that may need a diagnostic or a subpath check, in order:
    /// unresolved, with a `#…` part, or a bare name several files carry.
    pub unsettled: Vec<Unsettled>,
    /// Links dropped from the note, and from `resolutions`, once they opened
    /// their one file ([`Prelinked::keep_links`]).
    pub dropped: u32,
}

impl Prelinked {
    /// Keeps the resolutions of the links at `kept_at` (ascending, every
    /// unsettled link among them) and renumbers the unsettled links in the
    /// same way: for a note that kept only those links
    /// ([`Note::keep_for_check`]).
    pub fn keep_links(&mut self, kept_at: &[usize]) {
        self.dropped += (self.resolutions.len() - kept_at.len()) as u32;
        self.resolutions = kept_at.iter().map(|&at| self.resolutions[at]).collect();
        for unsettled in &mut self.unsettled {
            let now = kept_at.binary_search(&(unsettled.link as usize));
            unsettled.link = now.expect("every unsettled link is kept") as u32;
        }
    }
}

/// A link whose resolution is not finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsettled {
    /// Its index in the note's links.
    pub link: u32,
    /// Whether all it lacks is its subpath's check (it has one target,
    /// unambiguously); else it is looked up again in full.
    pub only_subpath: bool,
    /// Its byte range in its note's text as parsed: `check` gives a link it
    /// kept for its subpath alone ([`crate::parse::KeptLink::Subpath`]) its
    /// line from there, should the subpath be missing
    /// ([`crate::parse::Note::restore_lines`]).
    pub written: (u32, u32),
}

/// The links of many notes, looked up against `index` as they were parsed.
#[derive(Debug)]
pub struct Prelinks {
    /// The index the links were looked up in, built from the scan's files.
    pub index: NameIndex,
    /// One per note, in the notes' order.
    pub notes: Vec<Prelinked>,
}

/// Looks up every link of `note` (the note of `file`).
pub fn prelink(index: &NameIndex, note: &Note, file: FileId) -> Prelinked {
    let folder = note.path.folder().to_lowercase();
    let mut scratch = String::new();
    // Each link lower-cased and hashed once: the names one after the other,
    // in one buffer sized for them (lower-casing rarely lengthens a name;
    // `.md` is appended to the last one for a moment).
    let length: usize = note.links.iter().map(|link| link.linkpath.len()).sum();
    let mut lowered = String::with_capacity(length + ".md".len());
    let names: Vec<Option<(LoweredName, std::ops::Range<usize>)>> = note
        .links
        .iter()
        .map(|link| {
            let linkpath = note.linkpath(link);
            if linkpath.is_empty() {
                return None;
            }
            let at = lowered.len();
            let name = LoweredName::appended(linkpath, &mut lowered);
            Some((name, at..lowered.len()))
        })
        .collect();
    // Each lookup waits on memory: ask for what all of them read first, so
    // the waits overlap.
    index.prefetch(names.iter().flatten().map(|(name, _)| name));
    let mut unsettled = Vec::new();
    let resolutions = note
        .links
        .iter()
        .zip(names)
        .enumerate()
        .map(|(at, (link, name))| {
            let linkpath = note.linkpath(link);
            let lookup = match name {
                Some((name, range)) => {
                    scratch.clear();
                    scratch.push_str(&lowered[range]);
                    index.lookup_lowered(name, &folder, &mut scratch)
                }
                None => index.lookup_with(linkpath, file, &folder, &mut scratch),
            };
            let found = lookup.target.is_some() && !is_ambiguous(linkpath, &lookup);
            if !found || link.subpath.is_some() {
                unsettled.push(Unsettled {
                    link: at as u32,
                    only_subpath: found,
                    written: (link.span.start, link.span.end),
                });
            }
            Resolution {
                target: lookup.target,
                subpath_found: None,
            }
        })
        .collect();
    Prelinked {
        resolutions,
        unsettled,
        dropped: 0,
    }
}

/// Checks, once every note is parsed, the subpaths of the links that found
/// their one file (`only_subpath`): a subpath found settles its link (its
/// resolution says so, and it leaves `unsettled`). `notes` are the notes of
/// `note_files` (each file once), `prelinked` theirs. Returns the positions of
/// the notes where a subpath was not found, in order.
pub fn settle_subpaths(
    files: &[VaultFile],
    notes: &[Note],
    note_files: &[FileId],
    prelinked: &mut [Prelinked],
) -> Vec<usize> {
    // Each file's note, by position: one read per target (a binary search
    // over 100,000 notes missed the cache at most of its steps).
    let mut position_of = vec![u32::MAX; files.len()];
    for (at, &file) in note_files.iter().enumerate() {
        position_of[file as usize] = at as u32;
    }
    let note_of = |target: FileId| {
        let at = position_of[target as usize];
        (at != u32::MAX).then(|| &notes[at as usize])
    };
    let missing: Vec<bool> = notes
        .par_iter()
        .zip(prelinked.par_iter_mut())
        .map(|(note, prelinked)| {
            let Prelinked {
                resolutions,
                unsettled,
                ..
            } = prelinked;
            let mut missing = false;
            let mut key = String::new();
            // The targets are anywhere in memory: ask for each one's list of
            // headings, then for the first headings in it, before any is read.
            let targets = || {
                unsettled
                    .iter()
                    .filter(|unsettled| unsettled.only_subpath)
                    .filter_map(|unsettled| resolutions[unsettled.link as usize].target)
                    .filter_map(note_of)
            };
            for target in targets() {
                super::prefetch::prefetch(&target.headings);
            }
            for target in targets() {
                let first = target.headings.iter().take(HEADINGS_PREFETCHED);
                for heading in first.step_by(HEADINGS_PER_LINE) {
                    super::prefetch::prefetch(&heading.key_hash);
                }
            }
            unsettled.retain(|unsettled| {
                if !unsettled.only_subpath {
                    return true;
                }
                let at = unsettled.link as usize;
                // Both are there for such a link; were one not, the note is
                // read again, like one whose subpath is missing.
                let found = match (
                    resolutions[at].target,
                    note.links.get(at).and_then(|link| note.subpath(link)),
                ) {
                    (Some(target), Some(subpath)) => subpath_found_in(
                        &files[target as usize],
                        note_of(target),
                        subpath,
                        &mut key,
                    ),
                    _ => false,
                };
                if found {
                    resolutions[at].subpath_found = Some(true);
                }
                missing |= !found;
                !found
            });
            missing
        })
        .collect();
    missing
        .iter()
        .enumerate()
        .filter_map(|(at, &missing)| missing.then_some(at))
        .collect()
}

/// How many of a target's headings are asked for ahead (a link's heading is
/// usually among a note's first few; the rest are read as found).
const HEADINGS_PREFETCHED: usize = 8;

/// How many headings one 64-byte cache line holds (a prefetch asks for one
/// line): one when a heading is larger.
const HEADINGS_PER_LINE: usize = match 64 / std::mem::size_of::<crate::parse::Heading>() {
    0 => 1,
    many => many,
};

/// Whether a link names a file by a bare name several files carry (reported
/// as an info: Obsidian picks one of them).
pub(super) fn is_ambiguous(linkpath: &str, lookup: &Lookup) -> bool {
    lookup.candidates.len() > 1 && !linkpath.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeping_links_keeps_their_resolutions_and_renumbers_the_unsettled() {
        let found = |target| Resolution {
            target: Some(target),
            subpath_found: None,
        };
        let unresolved = Resolution {
            target: None,
            subpath_found: None,
        };
        let mut prelinked = Prelinked {
            resolutions: vec![found(1), found(2), unresolved, found(4), found(5)],
            unsettled: vec![
                Unsettled {
                    link: 2,
                    only_subpath: false,
                    written: (20, 30),
                },
                Unsettled {
                    link: 4,
                    only_subpath: true,
                    written: (40, 50),
                },
            ],
            dropped: 0,
        };
        prelinked.keep_links(&[0, 2, 4]);
        assert_eq!(prelinked.resolutions, [found(1), unresolved, found(5)]);
        let now: Vec<u32> = prelinked.unsettled.iter().map(|u| u.link).collect();
        assert_eq!(now, [1, 2]);
        assert_eq!(prelinked.dropped, 2);
    }
}
