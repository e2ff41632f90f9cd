//! The human format: one block per problem, like a compiler's.
//!
//! ```text
//! error[broken-link]: `[[Onbaording]]` does not resolve: no file in the vault is named `Onbaording`
//!   --> vault/Interviews/2026-10-05 Dana.md:12:5
//!    |
//! 12 | We went through [[Onbaording]] together.
//!    |                 ^^^^^^^^^^^^^^
//!    = help: correct the link text, or create the note
//! ```

use std::io::{self, Write};

use super::display_path;
use crate::diagnostics::{Diagnostic, Severity};

/// Longest source line shown before it is cut around the problem.
const MAX_SHOWN_CHARS: usize = 140;

/// Options for the human renderer.
#[derive(Debug, Clone, Copy)]
pub struct HumanStyle<'a> {
    /// ANSI colours (the binary decides: a terminal and no `NO_COLOR`).
    pub color: bool,
    /// Prefix for paths (the vault folder as the user wrote it).
    pub path_prefix: &'a str,
}

/// Writes every diagnostic, separated by blank lines.
pub fn render<'a>(
    out: &mut dyn Write,
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    style: HumanStyle<'_>,
) -> io::Result<()> {
    for diagnostic in diagnostics {
        render_one(out, diagnostic, style)?;
        writeln!(out)?;
    }
    Ok(())
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// Writes one diagnostic.
pub fn render_one(
    out: &mut dyn Write,
    diagnostic: &Diagnostic,
    style: HumanStyle<'_>,
) -> io::Result<()> {
    let color = style.color;
    let severity_color = match diagnostic.severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
    };
    let title = format!("{}[{}]", diagnostic.severity, diagnostic.code);
    writeln!(
        out,
        "{}: {}",
        paint(color, severity_color, &title),
        paint(color, "1", &diagnostic.message)
    )?;
    let path = display_path(style.path_prefix, diagnostic.path.as_str());
    let Some(location) = &diagnostic.location else {
        writeln!(out, "  {} {path}", paint(color, "1;34", "-->"))?;
        if let Some(help) = &diagnostic.help {
            writeln!(out, "   {} {help}", paint(color, "1;34", "= help:"))?;
        }
        return Ok(());
    };
    let line_number = location.start.line.to_string();
    let gutter = " ".repeat(line_number.len());
    let bar = paint(color, "1;34", "|");
    writeln!(
        out,
        "{gutter}{} {path}:{}:{}",
        paint(color, "1;34", "-->"),
        location.start.line,
        location.start.column
    )?;
    writeln!(out, "{gutter} {bar}")?;
    let (shown, caret_column) = shown_line(&location.line_text, location.start.column as usize);
    writeln!(out, "{} {bar} {shown}", paint(color, "1;34", &line_number))?;
    let available = shown
        .chars()
        .count()
        .saturating_sub(caret_column - 1)
        .max(1);
    let carets = "^".repeat((location.length as usize).clamp(1, available));
    writeln!(
        out,
        "{gutter} {bar} {}{}",
        " ".repeat(caret_column - 1),
        paint(color, severity_color, &carets)
    )?;
    if let Some(help) = &diagnostic.help {
        writeln!(out, "{gutter} {} {help}", paint(color, "1;34", "= help:"))?;
    }
    Ok(())
}

/// The line as shown (tabs as spaces, cut to a window around the column when
/// long), and the 1-based column of the problem within it.
fn shown_line(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let column = column.clamp(1, chars.len() + 1);
    if chars.len() <= MAX_SHOWN_CHARS {
        return (chars.into_iter().collect(), column);
    }
    let start = column.saturating_sub(MAX_SHOWN_CHARS / 3).max(1) - 1;
    let end = (start + MAX_SHOWN_CHARS).min(chars.len());
    let mut shown = String::new();
    let mut offset = 0;
    if start > 0 {
        shown.push('…');
        offset = 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, column - start + offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Location, Position};
    use crate::scan::VaultPath;

    #[test]
    fn shows_path_line_column_source_and_caret() {
        let diagnostic = Diagnostic::new(
            Code::BrokenLink,
            VaultPath::new("Notes/a.md").unwrap(),
            "`[[Nope]]` does not resolve",
        )
        .at(Location {
            start: Position { line: 3, column: 5 },
            length: 8,
            line_text: "see [[Nope]] here".into(),
        })
        .with_help("create the note");
        let mut out = Vec::new();
        let style = HumanStyle {
            color: false,
            path_prefix: "vault",
        };
        render(&mut out, &[diagnostic], style).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "error[broken-link]: `[[Nope]]` does not resolve\n --> vault/Notes/a.md:3:5\n  |\n3 | see [[Nope]] here\n  |     ^^^^^^^^\n  = help: create the note\n\n"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_problem() {
        let line = format!("{}[[X]]{}", "a".repeat(300), "b".repeat(300));
        let (shown, column) = shown_line(&line, 301);
        assert!(shown.chars().count() <= MAX_SHOWN_CHARS + 2);
        assert_eq!(
            shown.chars().skip(column - 1).take(5).collect::<String>(),
            "[[X]]"
        );
    }
}
