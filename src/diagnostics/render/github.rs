//! The GitHub Actions format: one workflow command per problem, which GitHub shows
//! as an annotation on the file in the pull request.
//!
//! ```text
//! ::error file=vault/Notes/a.md,line=3,col=5,endColumn=13,title=broken-link::`[[Nope]]` does not resolve (help: create the note)
//! ```
//!
//! - command: `error`, `warning` or `notice` (for infos);
//! - `file`: the path from the folder `check` ran in (the vault folder as given,
//!   joined with the vault path), which is the repository root in CI;
//! - `line`, `col`, `endColumn`: 1-based, omitted for problems about a whole file;
//! - `title`: the diagnostic code;
//! - the message, with the help after it in parentheses.
//!
//! Escaping follows GitHub's rules: in the message `%`, CR and LF are
//! percent-encoded; in property values `:` and `,` are too.

use std::io::{self, Write};

use super::{display_path, render_each};
use crate::diagnostics::{Diagnostic, Severity};

/// Writes one line per diagnostic.
pub fn render<'a>(
    out: &mut dyn Write,
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    path_prefix: &str,
) -> io::Result<()> {
    render_each(out, diagnostics, |text, _, diagnostic| {
        writeln!(text, "{}", annotation(diagnostic, path_prefix))
    })?;
    Ok(())
}

/// The workflow command for one diagnostic.
pub fn annotation(diagnostic: &Diagnostic, path_prefix: &str) -> String {
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let path = display_path(path_prefix, diagnostic.path.as_str());
    let mut properties = vec![format!("file={}", escape_property(&path))];
    if let Some(location) = &diagnostic.location {
        properties.push(format!("line={}", location.start.line));
        properties.push(format!("col={}", location.start.column));
        properties.push(format!(
            "endColumn={}",
            location.start.column + location.length
        ));
    }
    properties.push(format!("title={}", diagnostic.code));
    let mut message = diagnostic.message.to_string();
    if let Some(help) = &diagnostic.help {
        message.push_str(" (help: ");
        message.push_str(help);
        message.push(')');
    }
    format!(
        "::{command} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Location, Position};
    use crate::scan::VaultPath;

    #[test]
    fn annotations_are_escaped() {
        let diagnostic = Diagnostic::new(
            Code::SubpathNotFound,
            VaultPath::new("a, b: c.md").unwrap(),
            "100% wrong\nreally",
        )
        .at(Location {
            start: Position { line: 2, column: 3 },
            length: 4,
            line_text: "".into(),
        });
        assert_eq!(
            annotation(&diagnostic, "v"),
            "::warning file=v/a%2C b%3A c.md,line=2,col=3,endColumn=7,title=subpath-not-found::100%25 wrong%0Areally"
        );
        let whole_file = Diagnostic::new(
            Code::EmptyNote,
            VaultPath::new("e.md").unwrap(),
            "note is empty",
        );
        assert_eq!(
            annotation(&whole_file, ""),
            "::notice file=e.md,title=empty-note::note is empty"
        );
    }
}
