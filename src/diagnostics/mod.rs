//! Problems found in the vault: what, where, and what to do.
//!
//! A problem in a note is a [`Diagnostic`]: collected, never an `Err`, so the rest
//! of the vault is still processed. Every stage (scan, parse, resolve) adds its own;
//! the renderers in [`render`] turn them into human, JSON or GitHub output.

mod code;
mod line_index;
pub mod render;

pub use code::{Code, Severity};
pub use line_index::{LineIndex, Position, PositionCursor, floor_char, line_range, line_text};

use crate::scan::VaultPath;
use std::sync::Arc;

/// One problem at one place. Its [`Details`] are shared: a clone is one
/// count taken, not one per text it holds (`watch` gathers every note's
/// problems into the vault's list on every update, and at 100,000 notes the
/// texts' counts, each in memory of its own, were 10 ms of every update).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic(Arc<Details>);

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
        &self.0
    }
}

impl Diagnostic {
    /// A diagnostic with the code's own severity and no location.
    pub fn new(code: Code, path: VaultPath, message: impl Into<Arc<str>>) -> Diagnostic {
        Diagnostic(Arc::new(Details {
            code,
            severity: code.severity(),
            path,
            location: None,
            message: message.into(),
            help: None,
        }))
    }

    /// Adds where the problem is.
    pub fn at(mut self, location: Location) -> Diagnostic {
        Arc::make_mut(&mut self.0).location = Some(location);
        self
    }

    /// Adds what to do about it.
    pub fn with_help(mut self, help: impl Into<Arc<str>>) -> Diagnostic {
        Arc::make_mut(&mut self.0).help = Some(help.into());
        self
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
