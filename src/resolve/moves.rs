//! How the files of one scan became another's when files were added or
//! removed: a file id is a position in the sorted list of files, so each
//! file after a new or removed one has another id now. Memos kept by `watch`
//! (link outcomes, model readings) hold ids, and move them over with this.

use std::cmp::Ordering;

use super::FileId;
use crate::scan::{Exclusion, VaultFile, VaultPath};

/// The ids of a last list of files in a new one.
#[derive(Debug, Clone)]
pub struct FileMoves {
    /// By last id: the same file's id now (`None`: removed).
    now: Vec<Option<FileId>>,
    /// The ids (now) of the files added.
    pub added: Vec<FileId>,
    /// The last ids of the files removed.
    pub removed: Vec<FileId>,
}

impl FileMoves {
    /// How `last` (paths in order, each with its exclusion) became `now`;
    /// `None` when a file on both lists is left out differently now (what
    /// was worked out of it may no longer hold).
    pub fn between<'a>(
        last: impl ExactSizeIterator<Item = (&'a VaultPath, Exclusion)>,
        now: &[VaultFile],
    ) -> Option<FileMoves> {
        let mut moves = FileMoves {
            now: Vec::with_capacity(last.len()),
            added: Vec::new(),
            removed: Vec::new(),
        };
        let mut last = last.peekable();
        let mut new = now.iter().enumerate().peekable();
        loop {
            let order = match (last.peek(), new.peek()) {
                (Some((was, _)), Some((_, file))) => was.cmp(&&file.path),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => return Some(moves),
            };
            match order {
                Ordering::Equal => {
                    let ((_, exclusion), (id, file)) = (last.next()?, new.next()?);
                    if exclusion != file.exclusion {
                        return None;
                    }
                    moves.now.push(Some(id as FileId));
                }
                Ordering::Less => {
                    last.next();
                    moves.removed.push(moves.now.len() as FileId);
                    moves.now.push(None);
                }
                Ordering::Greater => {
                    let (id, _) = new.next()?;
                    moves.added.push(id as FileId);
                }
            }
        }
    }

    /// The id now of the file whose last id was `last` (`None`: removed).
    pub fn get(&self, last: FileId) -> Option<FileId> {
        self.now.get(last as usize).copied().flatten()
    }

    /// How many files the last list had.
    pub fn last_len(&self) -> usize {
        self.now.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::file;
    use super::*;
    use crate::scan::FileKind;

    #[test]
    fn files_keep_their_place_among_those_added_and_removed() {
        let files = |paths: &[&str]| -> Vec<VaultFile> {
            paths.iter().map(|p| file(p, FileKind::Note)).collect()
        };
        let last = files(&["a.md", "b.md", "d.md", "e.md"]);
        let now = files(&["0.md", "a.md", "c.md", "d.md"]);
        let moves = FileMoves::between(last.iter().map(|f| (&f.path, f.exclusion)), &now).unwrap();
        let ids: Vec<Option<FileId>> = (0..4).map(|id| moves.get(id)).collect();
        assert_eq!(ids, [Some(1), None, Some(3), None]);
        assert_eq!(moves.added, [0, 2]);
        assert_eq!(moves.removed, [1, 3]);
        assert_eq!(moves.last_len(), 4);
        // A file left out now that was not: nothing holds.
        let mut ignored = now.clone();
        ignored[1].exclusion = Exclusion::IgnoredByConfig;
        assert!(
            FileMoves::between(last.iter().map(|f| (&f.path, f.exclusion)), &ignored).is_none()
        );
    }
}
