//! Diagnostics → text, one renderer per output format.
//!
//! - [`human`]: for people: `path:line:column`, the source line, a caret, help.
//! - [`json`]: one JSON document for tools (schema documented there).
//! - [`github`]: GitHub Actions workflow commands, one annotation per problem.
//!
//! Renderers write to any `io::Write`; only the binary decides where that goes.

pub mod github;
pub mod human;
pub mod json;

use std::io::{self, Write};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;

/// Diagnostics rendered at once: a batch's text is in memory until written.
const BATCH: usize = 4096;

/// Diagnostics one task renders into one buffer.
const PER_TASK: usize = 256;

/// Writes each diagnostic as `write_one` renders it (given its position in
/// the list), in order; returns how many there were. A vault can have tens of
/// thousands of problems: they are rendered on every thread, a batch at a
/// time, and each batch is written as a few large buffers.
fn render_each<'a>(
    out: &mut dyn Write,
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    write_one: impl Fn(&mut Vec<u8>, usize, &Diagnostic) -> io::Result<()> + Sync,
) -> io::Result<usize> {
    let diagnostics: Vec<&Diagnostic> = diagnostics.into_iter().collect();
    for (batch, diagnostics) in diagnostics.chunks(BATCH).enumerate() {
        let rendered: Vec<Vec<u8>> = diagnostics
            .par_chunks(PER_TASK)
            .enumerate()
            .map(|(task, diagnostics)| {
                let first = batch * BATCH + task * PER_TASK;
                let mut text = Vec::new();
                for (at, &diagnostic) in (first..).zip(diagnostics) {
                    write_one(&mut text, at, diagnostic)?;
                }
                Ok(text)
            })
            .collect::<io::Result<_>>()?;
        for text in rendered {
            out.write_all(&text)?;
        }
    }
    Ok(diagnostics.len())
}

/// Joins the vault folder as the user wrote it with a vault path, so that the
/// printed path works from the user's current folder (and from the repository root
/// in CI). An empty or `.` prefix leaves the vault path alone.
pub fn display_path(prefix: &str, path: &str) -> String {
    DisplayPath { prefix, path }.to_string()
}

/// [`display_path`] as a value to write: a renderer writing thousands of
/// paths writes each without making a string of it.
pub struct DisplayPath<'a> {
    /// The vault folder as the user wrote it.
    pub prefix: &'a str,
    /// The vault path.
    pub path: &'a str,
}

impl std::fmt::Display for DisplayPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let prefix = self.prefix.trim_end_matches('/');
        if !prefix.is_empty() && prefix != "." {
            f.write_str(prefix)?;
            f.write_str("/")?;
        }
        f.write_str(self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;
    use crate::scan::VaultPath;

    #[test]
    fn many_diagnostics_are_written_in_their_order() {
        let path = VaultPath::new("a.md").unwrap();
        let diagnostics: Vec<Diagnostic> = (0..BATCH * 2 + PER_TASK + 7)
            .map(|n| Diagnostic::new(Code::BrokenLink, path.clone(), format!("problem {n}")))
            .collect();
        let mut out = Vec::new();
        let count = render_each(&mut out, &diagnostics, |text, at, diagnostic| {
            writeln!(text, "{at}: {}", diagnostic.message)
        })
        .unwrap();
        assert_eq!(count, diagnostics.len());
        let expected: String = (0..diagnostics.len())
            .map(|n| format!("{n}: problem {n}\n"))
            .collect();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn a_diagnostic_that_cannot_be_rendered_is_an_error() {
        let path = VaultPath::new("a.md").unwrap();
        let diagnostics: Vec<Diagnostic> = (0..BATCH + 3)
            .map(|n| Diagnostic::new(Code::BrokenLink, path.clone(), format!("problem {n}")))
            .collect();
        let mut out = Vec::new();
        let result = render_each(&mut out, &diagnostics, |text, at, _| match at {
            4000 => Err(io::Error::other("cannot render")),
            _ => writeln!(text, "{at}"),
        });
        assert_eq!(result.unwrap_err().to_string(), "cannot render");
        // Nothing of the failed batch is written.
        assert!(out.is_empty());
    }
}
