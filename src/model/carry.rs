//! Readings carried over to files added or removed (`watch`). A reading of an
//! interview or plan names files by id, and a file id is a position in the
//! sorted list of files: a new or removed note moves the ids after it. A
//! reading whose note was neither read nor resolved again still holds; its
//! files are moved to their new ids ([`FileMoves`]) instead of the note
//! being read again.
//!
//! What a reading depends on besides its note and where its links go (both
//! the same, or it is read again): the configuration, the people's roles and
//! companies, the titles of people and companies (names written as text
//! match them), and the type of each file its links open. The first three
//! are the context fingerprint ([`super::context_fingerprint`]); the types
//! are compared file by file ([`types_kept`]). A file added or removed is
//! named by the links that open it, and the notes with those links are
//! resolved again (see `crate::resolve`), so their readings are made again.

use super::{Entity, Interview, Observation, Plan, TypeIndex};
use crate::resolve::{FileId, FileMoves};

/// Whether every file on both lists has the type it had (`moves`: how the
/// last files became these; `None`: the same files).
pub(super) fn types_kept(last: &TypeIndex, now: &TypeIndex, moves: Option<&FileMoves>) -> bool {
    (0..last.len() as FileId).all(|file| {
        let moved = match moves {
            Some(moves) => moves.get(file),
            None => Some(file),
        };
        moved.is_none_or(|moved| {
            last.get(file).map(|(kind, _)| kind) == now.get(moved).map(|(kind, _)| kind)
        })
    })
}

/// Each file of `files` moved; `None` when one was removed.
fn moved_all(files: &mut [FileId], moves: &FileMoves) -> Option<()> {
    for file in files {
        *file = moves.get(*file)?;
    }
    Some(())
}

/// An optional file moved; `None` when it was removed.
fn moved_option(file: &mut Option<FileId>, moves: &FileMoves) -> Option<()> {
    if let Some(id) = file {
        *id = moves.get(*id)?;
    }
    Some(())
}

impl Entity {
    /// Its note moved; `None` when the note was removed.
    pub(crate) fn move_files(&mut self, moves: &FileMoves) -> Option<()> {
        moved_option(&mut self.file, moves)
    }
}

impl Interview {
    /// Its files moved to their ids now; `None` when one was removed (the
    /// interview is then read again).
    pub(super) fn move_files(&mut self, moves: &FileMoves) -> Option<()> {
        self.note.file = moves.get(self.note.file)?;
        for participant in &mut self.participants {
            participant.person.move_files(moves)?;
            if let Some(role) = &mut participant.role {
                role.move_files(moves)?;
            }
            if let Some(company) = &mut participant.company {
                company.move_files(moves)?;
            }
        }
        moved_option(&mut self.plan, moves)?;
        moved_option(&mut self.follow_up_of, moves)?;
        moved_all(&mut self.jobs, moves)?;
        for (_, insight, _) in &mut self.links.insights {
            *insight = moves.get(*insight)?;
        }
        for (_, job) in &mut self.links.jobs {
            *job = moves.get(*job)?;
        }
        moved_all(&mut self.links.job_notes, moves)
    }
}

impl Plan {
    /// Its files moved to their ids now; `None` when one was removed.
    pub(super) fn move_files(&mut self, moves: &FileMoves) -> Option<()> {
        self.note.file = moves.get(self.note.file)?;
        for role in &mut self.roles {
            role.move_files(moves)?;
        }
        moved_all(&mut self.jobs, moves)
    }
}

impl Observation {
    /// Moved with its interview (now the `interview`th). The insights and
    /// jobs it links are among the interview's links, which moved already
    /// (see [`Interview::move_files`]): none was removed, and the `retain`s
    /// below only guard against that.
    pub(super) fn move_files(&mut self, interview: usize, moves: &FileMoves) {
        self.interview = interview;
        self.insights.retain_mut(|file| match moves.get(*file) {
            Some(now) => {
                *file = now;
                true
            }
            None => false,
        });
        self.jobs.retain_mut(|file| match moves.get(*file) {
            Some(now) => {
                *file = now;
                true
            }
            None => false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NoteType;
    use crate::model::NoteRef;
    use crate::scan::{Exclusion, VaultPath};

    fn moves(last: &[&str], now: &[&str]) -> FileMoves {
        let last: Vec<VaultPath> = last.iter().map(|p| VaultPath::new(p).unwrap()).collect();
        let now: Vec<crate::scan::VaultFile> = now
            .iter()
            .map(|p| crate::scan::VaultFile {
                path: VaultPath::new(p).unwrap(),
                fs_path: std::sync::Arc::from(std::path::PathBuf::from(p)),
                kind: crate::scan::FileKind::Note,
                exclusion: Exclusion::None,
                size: 0,
                modified: None,
            })
            .collect();
        FileMoves::between(last.iter().map(|p| (p, Exclusion::None)), &now).unwrap()
    }

    #[test]
    fn an_interview_moves_its_files_or_says_one_was_removed() {
        let note = |file, path: &str| NoteRef {
            file,
            path: VaultPath::new(path).unwrap(),
        };
        // b.md is new; d.md went.
        let moves = moves(
            &["a.md", "c.md", "d.md", "e.md"],
            &["a.md", "b.md", "c.md", "e.md"],
        );
        let mut interview = Interview::placeholder(note(1, "c.md"));
        interview.plan = Some(3);
        interview.jobs = vec![0, 1];
        interview.links.insights = vec![(0, 3, false)];
        assert_eq!(interview.move_files(&moves), Some(()));
        assert_eq!(
            (interview.note.file, interview.plan, interview.jobs.clone()),
            (2, Some(3), vec![0, 2])
        );
        assert_eq!(interview.links.insights, [(0, 3, false)]);
        interview.follow_up_of = Some(2);
        assert_eq!(interview.move_files(&moves), None);
        let mut observation = Observation::learned(0, "x");
        observation.insights = vec![1, 3];
        observation.move_files(4, &moves);
        assert_eq!(
            (observation.interview, observation.insights),
            (4, vec![2, 3])
        );
    }

    #[test]
    fn types_are_kept_when_every_file_on_both_lists_has_its_type() {
        let moves = moves(&["a.md", "c.md"], &["a.md", "b.md", "c.md"]);
        let mut last = TypeIndex::new(2);
        last.insert(0, NoteType::Interview, 0);
        last.insert(1, NoteType::Job, 0);
        let mut now = TypeIndex::new(3);
        now.insert(0, NoteType::Interview, 0);
        now.insert(1, NoteType::Interview, 1);
        now.insert(2, NoteType::Job, 0);
        assert!(types_kept(&last, &now, Some(&moves)));
        now.insert(2, NoteType::Insight, 0);
        assert!(!types_kept(&last, &now, Some(&moves)));
        assert!(!types_kept(&last, &TypeIndex::new(2), None));
        assert!(types_kept(&last, &last.clone(), None));
    }
}
