//! The files quoted links may open, counted for the vault key: for every link
//! in an observation's text, every file its linkpath could open from any
//! folder (those named like it: which one it opens depends on the folder the
//! page writes it from), or the interview itself for `[[#Heading]]`.
//!
//! Counting looks up every quoted link of every interview (about 270 ms of
//! work at 100,000 notes), so `watch` keeps the counts, and each
//! interview's part of them, from one update to the next: an edit counts
//! again the interviews read again; a new or removed file moves the counts
//! to the files' new ids and counts again the interviews whose links may
//! name it.

use rayon::prelude::*;

use crate::model::{Interview, ModelMoves, ResearchModel, hash_of};
use crate::resolve::{FileId, FileMoves, Vault};

/// The files quoted links may open, with the model they were counted for
/// (its [`ResearchModel::id`]) and each interview's part.
#[derive(Debug, Default)]
pub(super) struct QuotedTargets {
    model: u64,
    pub(super) targets: Targets,
    /// By interview index, what it counted.
    by_interview: Vec<Counted>,
    /// Patched from the last targets: the files whose counts went to or
    /// from zero (see [`Crossed`]). `None` when counted afresh or moved.
    pub(super) crossed: Option<Crossed>,
    /// How many times these targets were moved to files added or removed
    /// (tests: shows that they were).
    #[cfg(test)]
    pub(super) moved: usize,
}

/// By file, how many of the interviews' quoted links may open it, and how
/// many of them with a heading or block.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Targets {
    pub(super) linked: Vec<u32>,
    pub(super) with_subpath: Vec<u32>,
}

/// The files whose counts went to or from zero in one patch, each with
/// whether its counts were above zero before it (linked, with a subpath).
/// A count's zero-ness changes only by crossing, so what is recorded at a
/// file's first crossing is what it was before the patch.
pub(super) type Crossed = foldhash::HashMap<FileId, (bool, bool)>;

/// What one interview's quoted links counted: the hash of the links, the
/// files each may open (with whether it has a heading or block), in order,
/// and whether each link is one its note's parser found too.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counted {
    links: u64,
    files: Box<[(FileId, bool)]>,
    /// Every quoted link (but `[[#Heading]]`) has the linkpath of a link of
    /// the note. The quotes' own walk also finds links where the parser
    /// sees none (inside math, or a fence in a nested line): whether those
    /// name a file added or removed is not known from the note's
    /// resolution (see [`QuotedTargets::of`]).
    parsed: bool,
}

impl Counted {
    /// The files `interview`'s quoted links may open.
    fn of(vault: &Vault, interview: &Interview) -> Counted {
        let links = &interview.links.quoted_links;
        let mut files = Vec::new();
        for (linkpath, subpath) in links {
            let opened = match linkpath.is_empty() {
                true => std::slice::from_ref(&interview.note.file),
                false => vault.index.lookup(linkpath, FileId::MAX, "").candidates,
            };
            files.extend(opened.iter().map(|&file| (file, *subpath)));
        }
        let note = vault.note(interview.note.file);
        let parsed = (links.iter()).all(|(linkpath, _)| {
            linkpath.is_empty()
                || note.is_some_and(|note| {
                    (note.links.iter()).any(|link| note.linkpath(link) == linkpath.as_str())
                })
        });
        Counted {
            links: hash_of(links),
            files: files.into_boxed_slice(),
            parsed,
        }
    }

    /// Moves the files to their ids now; `false` (and unchanged) when one of
    /// them was removed.
    fn move_files(&mut self, moves: &FileMoves) -> bool {
        if self
            .files
            .iter()
            .any(|&(file, _)| moves.get(file).is_none())
        {
            return false;
        }
        for (file, _) in self.files.iter_mut() {
            *file = moves.get(*file).expect("every file is still there");
        }
        true
    }
}

impl Targets {
    fn zeroed(files: usize) -> Targets {
        Targets {
            linked: vec![0; files],
            with_subpath: vec![0; files],
        }
    }

    /// Counts (`by` 1) or uncounts (`by` -1) `counted`'s files; those
    /// `moved` (when given) at their ids now, those removed not at all.
    /// Files whose counts go to or from zero are added to `crossed` (when
    /// given) with their counts' zero-ness before.
    fn count(
        &mut self,
        counted: &Counted,
        by: i32,
        moved: Option<&FileMoves>,
        mut crossed: Option<&mut Crossed>,
    ) {
        for &(file, subpath) in counted.files.iter() {
            let file = match moved {
                Some(moves) => match moves.get(file) {
                    Some(now) => now,
                    None => continue,
                },
                None => file,
            };
            let at = file as usize;
            let before = (self.linked[at] > 0, self.with_subpath[at] > 0);
            let add = |count: &mut u32| {
                // Never below zero while the files are those counted; a
                // wrong uncount shows in tests.
                debug_assert!(count.checked_add_signed(by).is_some());
                *count = count.saturating_add_signed(by);
            };
            add(&mut self.linked[at]);
            if subpath {
                add(&mut self.with_subpath[at]);
            }
            if let Some(crossed) = crossed.as_deref_mut()
                && before != (self.linked[at] > 0, self.with_subpath[at] > 0)
            {
                crossed.entry(file).or_insert(before);
            }
        }
    }
}

impl QuotedTargets {
    /// The targets of `model` and `vault`, from those `kept` for the last
    /// model when it is the one `model` was patched or moved from:
    /// - patched (the same files), the interviews read again are counted
    ///   again (looking up every interview's links took 27–29 ms at 100,000
    ///   notes for the links with a subpath alone, on two cores);
    /// - moved (files added or removed), the counts move to the files' new
    ///   ids, and an interview is counted again when its links were resolved
    ///   afresh (it was read again, or a link of it names a file added or
    ///   removed: see `crate::resolve::LinkMemo`), its quoted links changed,
    ///   one of them is not a link its note's parser found (whether it names
    ///   a file added or removed is not known), or a file it counted was
    ///   removed; a removed interview is uncounted.
    ///
    /// Else every interview is counted.
    pub(super) fn of(
        vault: &Vault,
        model: &ResearchModel,
        kept: Option<QuotedTargets>,
    ) -> QuotedTargets {
        let files = vault.files.len();
        let counted = match (kept, &model.changes, &model.moved) {
            (Some(kept), Some(changes), _)
                if changes.from == kept.model
                    && kept.targets.linked.len() == files
                    && kept.by_interview.len() == model.interviews.len() =>
            {
                Some(kept.patched(vault, model, changes))
            }
            (Some(kept), None, Some(moves))
                if moves.from == kept.model
                    && moves.interviews.len() == kept.by_interview.len()
                    && moves.files.last_len() == kept.targets.linked.len() =>
            {
                Some(kept.moved(vault, model, moves))
            }
            _ => None,
        };
        let counted = counted.unwrap_or_else(|| QuotedTargets::counted(vault, model));
        debug_assert!({
            let fresh = QuotedTargets::counted(vault, model);
            counted.targets == fresh.targets && counted.by_interview == fresh.by_interview
        });
        counted
    }

    /// Every interview counted.
    fn counted(vault: &Vault, model: &ResearchModel) -> QuotedTargets {
        let by_interview: Vec<Counted> = (model.interviews.par_iter())
            .map(|interview| Counted::of(vault, interview))
            .collect();
        let mut targets = Targets::zeroed(vault.files.len());
        for counted in &by_interview {
            targets.count(counted, 1, None, None);
        }
        QuotedTargets::new(model, targets, by_interview)
    }

    /// Targets of `model` counted afresh or moved: not patched, so not known
    /// to count the same files as the last.
    fn new(model: &ResearchModel, targets: Targets, by_interview: Vec<Counted>) -> QuotedTargets {
        QuotedTargets {
            model: model.id,
            targets,
            by_interview,
            crossed: None,
            #[cfg(test)]
            moved: 0,
        }
    }

    /// These targets, with the interviews `changes` lists counted again.
    fn patched(
        mut self,
        vault: &Vault,
        model: &ResearchModel,
        changes: &crate::model::ModelChanges,
    ) -> QuotedTargets {
        let mut crossed = Crossed::default();
        for changed in &changes.interviews {
            let now = &model.interviews[changed.index];
            if changed.links.quoted_links != now.links.quoted_links {
                let counted = Counted::of(vault, now);
                let last = std::mem::replace(&mut self.by_interview[changed.index], counted);
                let targets = &mut self.targets;
                targets.count(&last, -1, None, Some(&mut crossed));
                targets.count(
                    &self.by_interview[changed.index],
                    1,
                    None,
                    Some(&mut crossed),
                );
            }
        }
        QuotedTargets {
            model: model.id,
            crossed: Some(crossed),
            ..self
        }
    }

    /// These targets, of the last model, moved to `model` (see
    /// [`QuotedTargets::of`]).
    fn moved(self, vault: &Vault, model: &ResearchModel, moves: &ModelMoves) -> QuotedTargets {
        let mut targets = Targets::zeroed(vault.files.len());
        let last = self.targets.linked.iter().zip(&self.targets.with_subpath);
        for (file, (&linked, &with_subpath)) in (0..).zip(last) {
            if let Some(now) = moves.files.get(file) {
                targets.linked[now as usize] = linked;
                targets.with_subpath[now as usize] = with_subpath;
            }
        }
        // Each interview's part, moved to where it is now when it still
        // holds; else uncounted (below).
        let kept: Vec<(Counted, Option<usize>)> = (self.by_interview.into_par_iter())
            .zip(&moves.interviews)
            .map(|(mut counted, &now)| {
                let holds = now.filter(|&now| {
                    let interview = &model.interviews[now];
                    counted.parsed
                        && !vault.resolved_afresh(interview.note.file)
                        && counted.links == hash_of(&interview.links.quoted_links)
                        && counted.move_files(&moves.files)
                });
                (counted, holds)
            })
            .collect();
        let mut by_interview: Vec<Option<Counted>> = std::iter::repeat_with(|| None)
            .take(model.interviews.len())
            .collect();
        for (counted, now) in kept {
            match now {
                Some(now) => by_interview[now] = Some(counted),
                None => {
                    targets.count(&counted, -1, Some(&moves.files), None);
                }
            }
        }
        let by_interview = (by_interview.into_iter().enumerate())
            .map(|(at, counted)| {
                counted.unwrap_or_else(|| {
                    let counted = Counted::of(vault, &model.interviews[at]);
                    targets.count(&counted, 1, None, None);
                    counted
                })
            })
            .collect();
        #[allow(unused_mut)]
        let mut moved = QuotedTargets::new(model, targets, by_interview);
        #[cfg(test)]
        {
            moved.moved = self.moved + 1;
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(files: &[(FileId, bool)]) -> Counted {
        Counted {
            links: 0,
            files: files.into(),
            parsed: true,
        }
    }

    #[test]
    fn a_patch_records_each_file_that_crosses_zero_with_its_counts_before_the_patch() {
        let mut targets = Targets::zeroed(5);
        targets.linked[3] = 1;
        targets.linked[4] = 2;
        let mut crossed = Crossed::default();
        // File 1 twice (once with a subpath), file 2, and file 4 (not crossing).
        targets.count(
            &counted(&[(1, false), (1, true), (2, false), (4, false)]),
            1,
            None,
            Some(&mut crossed),
        );
        // Uncounted again: file 1 keeps what it was before the patch.
        targets.count(&counted(&[(1, true)]), -1, None, Some(&mut crossed));
        // File 3 goes to zero; file 4 stays above it.
        targets.count(
            &counted(&[(3, false), (4, false)]),
            -1,
            None,
            Some(&mut crossed),
        );
        assert_eq!((targets.linked[1], targets.with_subpath[1]), (1, 0));
        let mut recorded: Vec<_> = crossed.into_iter().collect();
        recorded.sort();
        assert_eq!(
            recorded,
            [(1, (false, false)), (2, (false, false)), (3, (true, false))]
        );
        // Without a record to keep, the counts still move.
        targets.count(&counted(&[(0, true)]), 1, None, None);
        assert_eq!((targets.linked[0], targets.with_subpath[0]), (1, 1));
    }
}
