//! Problems found in the vault: what, where, and what to do.
//!
//! A problem in a note is a [`Diagnostic`]: collected, never an `Err`, so the rest
//! of the vault is still processed. Every stage (scan, parse, resolve) adds its own;
//! the renderers in [`render`] turn them into human, JSON or GitHub output.

mod code;
mod line_index;
pub mod render;

pub use code::{Code, Severity};
pub use line_index::{
    LineCounter, LineIndex, Position, PositionCursor, floor_char, line_range, line_text,
};

use crate::scan::VaultPath;
use std::sync::Arc;

/// One problem at one place. Its [`Details`] are shared: a clone is one
/// count taken, not one per text it holds (`watch` gathers every note's
/// problems into the vault's list on every update, and at 100,000 notes the
/// texts' counts, each in memory of its own, were 10 ms of every update).
/// Its code and severity are also held beside the shared details, copies
/// made with them and never changed: in this crate, the passes over a large
/// vault's list that read only those (the health page's lists, the counts)
/// read them there, not from each problem's own memory (at 100,000 notes,
/// 74,000 problems, 2–9 ms of every `watch` update).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// A copy of the details' code.
    pub(crate) code: Code,
    /// A copy of the details' severity.
    pub(crate) severity: Severity,
    /// [`Diagnostic::shown_hash`], once worked out: held here too, since
    /// `watch` reads it for every problem on the health page (tens of
    /// thousands) on every update.
    shown_hash: HashOnce,
    details: Arc<Details>,
}

/// What a [`Diagnostic`] says (its fields read through it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    /// What kind of problem (stable name).
    pub code: Code,
    /// How much it matters.
    pub severity: Severity,
    /// The file it is in (vault-relative).
    pub path: VaultPath,
    /// Where in the file, when the problem has a place.
    pub location: Option<Location>,
    /// What is wrong: lower-case start, user values in backticks.
    pub message: Arc<str>,
    /// What to do about it.
    pub help: Option<Arc<str>>,
}

/// A hash worked out at most once (0: not yet; a hash that is 0 is worked
/// out each time), and no part of the value holding it: any two are equal,
/// and a clone has the same (a diagnostic changed by [`Diagnostic::at`]
/// starts again).
#[derive(Default)]
struct HashOnce(std::sync::atomic::AtomicU64);

impl HashOnce {
    fn get_or_init(&self, work_out: impl FnOnce() -> u64) -> u64 {
        use std::sync::atomic::Ordering::Relaxed;
        match self.0.load(Relaxed) {
            0 => {
                let hash = work_out();
                self.0.store(hash, Relaxed);
                hash
            }
            known => known,
        }
    }
}

impl Clone for HashOnce {
    fn clone(&self) -> HashOnce {
        HashOnce(self.0.load(std::sync::atomic::Ordering::Relaxed).into())
    }
}

impl PartialEq for HashOnce {
    fn eq(&self, _: &HashOnce) -> bool {
        true
    }
}

impl Eq for HashOnce {}

impl std::fmt::Debug for HashOnce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("..")
    }
}

/// A place in a file, with the source line for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based line and character column of the start.
    pub start: Position,
    /// Length of the marked text in characters (at least 1), within the line.
    pub length: u32,
    /// The source line, without its line ending.
    pub line_text: Arc<str>,
}

impl Location {
    /// The location of byte range `start..end` in `text`, indexed by `index`.
    pub fn from_range(text: &str, index: &LineIndex, start: usize, end: usize) -> Location {
        let start = floor_char(text, start);
        let line = line_text(text, start);
        let position = index.position(text, start);
        let line_end = start + text[start..].find('\n').unwrap_or(text.len() - start);
        let end = floor_char(text, end.clamp(start, line_end));
        let length = text[start..end]
            .trim_end_matches('\r')
            .chars()
            .count()
            .max(1) as u32;
        Location {
            start: position,
            length,
            line_text: Arc::from(line),
        }
    }
}

impl std::ops::Deref for Diagnostic {
    type Target = Details;

    fn deref(&self) -> &Details {
        &self.details
    }
}

impl Diagnostic {
    /// A diagnostic with the code's own severity and no location.
    pub fn new(code: Code, path: VaultPath, message: impl Into<Arc<str>>) -> Diagnostic {
        let severity = code.severity();
        Diagnostic {
            code,
            severity,
            shown_hash: HashOnce::default(),
            details: Arc::new(Details {
                code,
                severity,
                path,
                location: None,
                message: message.into(),
                help: None,
            }),
        }
    }

    /// Adds where the problem is.
    pub fn at(mut self, location: Location) -> Diagnostic {
        Arc::make_mut(&mut self.details).location = Some(location);
        self.shown_hash = HashOnce::default();
        self
    }

    /// Adds what to do about it.
    pub fn with_help(mut self, help: impl Into<Arc<str>>) -> Diagnostic {
        // Not part of the shown hash: it stays.
        Arc::make_mut(&mut self.details).help = Some(help.into());
        self
    }

    /// Which problem this is: clones of one problem share their details, and
    /// so this (the address of those details, valid while a clone lives).
    pub(crate) fn identity(&self) -> usize {
        Arc::as_ptr(&self.details) as usize
    }

    /// The identities of `problems` ([`Diagnostic::identity`]), to find them
    /// in another list without reading each one's details.
    pub(crate) fn identities(problems: &[Diagnostic]) -> foldhash::HashSet<usize> {
        problems.iter().map(Diagnostic::identity).collect()
    }

    /// A hash of what a page shows of the problem: its path, line, code and
    /// message. Worked out once per problem: `watch` keys the health page,
    /// which lists tens of thousands of them, on every update, and a problem
    /// kept from the last update keeps its hash.
    pub fn shown_hash(&self) -> u64 {
        self.shown_hash.get_or_init(|| {
            use std::hash::BuildHasher;
            foldhash::fast::FixedState::default().hash_one((
                self.path.as_str(),
                self.location.as_ref().map(|location| location.start.line),
                self.code.as_str(),
                &*self.message,
            ))
        })
    }

    /// Sort key: path, then position, then code.
    pub fn sort_key(&self) -> (&VaultPath, Option<Position>, Code) {
        (
            &self.path,
            self.location.as_ref().map(|location| location.start),
            self.code,
        )
    }
}

/// Adds `more` to `list`, which is sorted by [`Diagnostic::sort_key`]: the
/// result is what appending them and a stable sort give, but each added
/// problem finds its place by a binary search, and the list's problems are
/// moved, never compared with each other (a vault's problems are tens of
/// thousands; a model's schema problems, added on every build, a few).
pub fn insert_sorted(list: &mut Vec<Diagnostic>, mut more: Vec<Diagnostic>) {
    if more.is_empty() {
        return;
    }
    more.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut merged = Vec::with_capacity(list.len() + more.len());
    let mut sorted = std::mem::take(list).into_iter();
    for diagnostic in more {
        let key = diagnostic.sort_key();
        // After every problem of the list with the same key (a stable sort
        // keeps the list's first).
        let before = sorted
            .as_slice()
            .partition_point(|other| other.sort_key() <= key);
        merged.extend(sorted.by_ref().take(before));
        merged.push(diagnostic);
    }
    merged.extend(sorted);
    *list = merged;
}

/// Counts of diagnostics by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of infos.
    pub infos: usize,
}

impl Summary {
    /// Counts `diagnostics`.
    pub fn of(diagnostics: &[Diagnostic]) -> Summary {
        let mut summary = Summary::default();
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_shown_hash_follows_what_a_page_shows_and_a_changed_copy_works_it_out_again() {
        let path = VaultPath::new("a.md").unwrap();
        let at = |line: u32| Location {
            start: Position { line, column: 1 },
            length: 1,
            line_text: Arc::from("x"),
        };
        let one = Diagnostic::new(Code::BrokenLink, path.clone(), "gone").at(at(3));
        let same = Diagnostic::new(Code::BrokenLink, path.clone(), "gone").at(at(3));
        assert_eq!(one.shown_hash(), same.shown_hash());
        assert_eq!(one, same, "the hash worked out is no part of the problem");
        // The help is not shown: the hash stays.
        let helped = same.clone().with_help("fix it");
        assert_eq!(helped.shown_hash(), one.shown_hash());
        // A copy of a problem whose hash is known, moved to another line.
        let moved = one.clone().at(at(4));
        assert_ne!(moved.shown_hash(), one.shown_hash());
        // And the problem itself, held nowhere else, moved once its hash is known.
        let known = moved.shown_hash();
        assert_ne!(moved.at(at(5)).shown_hash(), known);
        let other = Diagnostic::new(Code::BrokenLink, path, "elsewhere").at(at(3));
        assert_ne!(other.shown_hash(), one.shown_hash());
    }

    fn diagnostic((path, line, code, text): (u8, u8, bool, u8)) -> Diagnostic {
        let code = if code {
            Code::BrokenLink
        } else {
            Code::AmbiguousLink
        };
        let path = VaultPath::new(&format!("n{path}.md")).unwrap();
        let location = Location {
            start: Position {
                line: u32::from(line),
                column: 1,
            },
            length: 1,
            line_text: Arc::from(""),
        };
        Diagnostic::new(code, path, format!("m{text}")).at(location)
    }

    proptest! {
        /// Inserting is appending and sorting (stable: equal keys keep the
        /// list's first, then the added ones in their order).
        #[test]
        fn inserting_into_a_sorted_list_is_appending_and_sorting(
            list in prop::collection::vec((0u8..4, 0u8..3, any::<bool>(), 0u8..3), 0..30),
            more in prop::collection::vec((0u8..4, 0u8..3, any::<bool>(), 3u8..6), 0..10),
        ) {
            let mut list: Vec<Diagnostic> = list.into_iter().map(diagnostic).collect();
            list.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            let more: Vec<Diagnostic> = more.into_iter().map(diagnostic).collect();
            let mut expected = list.clone();
            expected.extend(more.iter().cloned());
            expected.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            insert_sorted(&mut list, more);
            prop_assert_eq!(list, expected);
        }
    }
}
