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

use std::borrow::Cow;
use std::io::{self, Write};

use super::{display_path, render_each};
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
    render_each(out, diagnostics, |text, _, diagnostic| {
        render_one(text, diagnostic, style)?;
        writeln!(text)
    })?;
    Ok(())
}

fn paint<'a>(color: bool, code: &str, text: &'a str) -> Cow<'a, str> {
    match color {
        true => Cow::Owned(format!("\x1b[{code}m{text}\x1b[0m")),
        false => Cow::Borrowed(text),
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
fn shown_line(line: &str, column: usize) -> (Cow<'_, str>, usize) {
    let ascii = line.is_ascii();
    let count = match ascii {
        true => line.len(),
        false => line.chars().count(),
    };
    let column = column.clamp(1, count + 1);
    let (start, end) = match count <= MAX_SHOWN_CHARS {
        true => (0, count),
        false => {
            let start = column.saturating_sub(MAX_SHOWN_CHARS / 3).max(1) - 1;
            (start, (start + MAX_SHOWN_CHARS).min(count))
        }
    };
    // The byte offset of a character (not beyond the end).
    let byte_at = |chars: usize| match ascii {
        true => chars,
        false => line
            .char_indices()
            .nth(chars)
            .map_or(line.len(), |(at, _)| at),
    };
    let window = &line[byte_at(start)..byte_at(end)];
    let (cut_before, cut_after) = (start > 0, end < count);
    if !cut_before && !cut_after && !window.contains('\t') {
        return (Cow::Borrowed(window), column);
    }
    let mut shown = String::with_capacity(window.len() + 6);
    if cut_before {
        shown.push('…');
    }
    shown.extend(window.chars().map(|c| if c == '\t' { ' ' } else { c }));
    if cut_after {
        shown.push('…');
    }
    (Cow::Owned(shown), column - start + usize::from(cut_before))
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

    /// The window worked out character by character, as a reference.
    fn shown_by_chars(line: &str, column: usize) -> (String, usize) {
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
        let before = if start > 0 { "…" } else { "" };
        let after = if end < chars.len() { "…" } else { "" };
        let middle: String = chars[start..end].iter().collect();
        (
            format!("{before}{middle}{after}"),
            column - start + before.len().min(1),
        )
    }

    #[test]
    fn windows_match_a_character_by_character_cut() {
        let lines = [
            String::new(),
            "short\tline".to_owned(),
            "é".repeat(139),
            "é".repeat(141),
            format!("{}\t[[Ünïcode]]{}", "ß".repeat(200), "x".repeat(90)),
            format!("{}[[X]]{}", "a".repeat(300), "b\t".repeat(150)),
            "a".repeat(140),
            "a".repeat(141),
        ];
        for line in &lines {
            for column in [0, 1, 2, 47, 48, 100, 141, 142, 200, 301, 500, 1000] {
                let (shown, at) = shown_line(line, column);
                assert_eq!(
                    (shown.into_owned(), at),
                    shown_by_chars(line, column),
                    "{line:?} at {column}"
                );
            }
        }
    }
}
