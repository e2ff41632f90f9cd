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

/// Writes each diagnostic as `write_one` renders it, in order. A vault can have
/// tens of thousands of problems: they are rendered on every thread, a batch
/// at a time, and each batch is written as a few large buffers.
fn render_each<'a>(
    out: &mut dyn Write,
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    write_one: impl Fn(&mut Vec<u8>, &Diagnostic) + Sync,
) -> io::Result<()> {
    let diagnostics: Vec<&Diagnostic> = diagnostics.into_iter().collect();
    for batch in diagnostics.chunks(BATCH) {
        let rendered: Vec<Vec<u8>> = batch
            .par_chunks(PER_TASK)
            .map(|task| {
                let mut text = Vec::new();
                for &diagnostic in task {
                    write_one(&mut text, diagnostic);
                }
                text
            })
            .collect();
        for text in rendered {
            out.write_all(&text)?;
        }
    }
    Ok(())
}

/// Joins the vault folder as the user wrote it with a vault path, so that the
/// printed path works from the user's current folder (and from the repository root
/// in CI). An empty or `.` prefix leaves the vault path alone.
pub fn display_path(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() || prefix == "." {
        path.to_owned()
    } else {
        format!("{prefix}/{path}")
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
        render_each(&mut out, &diagnostics, |text, diagnostic| {
            text.extend_from_slice(diagnostic.message.as_bytes());
            text.push(b'\n');
        })
        .unwrap();
        let expected: String = (0..diagnostics.len())
            .map(|n| format!("problem {n}\n"))
            .collect();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
