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

use super::{DisplayPath, render_each};
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

/// Writes `text`, in the ANSI style `code` when `color` is on.
fn paint(
    out: &mut dyn Write,
    color: bool,
    code: &str,
    text: std::fmt::Arguments<'_>,
) -> io::Result<()> {
    match color {
        true => write!(out, "\x1b[{code}m{text}\x1b[0m"),
        false => out.write_fmt(text),
    }
}

/// Writes `count` times the one-byte `unit` (a gutter of spaces, a run of
/// carets) without building a string for it.
fn repeat(out: &mut dyn Write, unit: u8, count: usize) -> io::Result<()> {
    let chunk = [unit; 64];
    let mut left = count;
    while left > 0 {
        let now = left.min(chunk.len());
        out.write_all(&chunk[..now])?;
        left -= now;
    }
    Ok(())
}

/// How many digits `number` is written with.
fn digits(mut number: u32) -> usize {
    let mut count = 1;
    while number >= 10 {
        number /= 10;
        count += 1;
    }
    count
}

/// Writes one diagnostic (a vault can have tens of thousands: written piece
/// by piece, without a string built for each piece, so `out` should be a
/// buffer, as [`render`] gives it).
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
    paint(
        out,
        color,
        severity_color,
        format_args!("{}[{}]", diagnostic.severity, diagnostic.code),
    )?;
    out.write_all(b": ")?;
    paint(out, color, "1", format_args!("{}", diagnostic.message))?;
    out.write_all(b"\n")?;
    // `--> path` and `= help: …`, indented to the gutter.
    let arrow = |out: &mut dyn Write, indent: usize| {
        repeat(out, b' ', indent)?;
        paint(out, color, "1;34", format_args!("-->"))?;
        let path = DisplayPath {
            prefix: style.path_prefix,
            path: diagnostic.path.as_str(),
        };
        write!(out, " {path}")
    };
    let help = |out: &mut dyn Write, indent: usize| match &diagnostic.help {
        Some(help) => {
            repeat(out, b' ', indent)?;
            paint(out, color, "1;34", format_args!("= help:"))?;
            writeln!(out, " {help}")
        }
        None => Ok(()),
    };
    let Some(location) = &diagnostic.location else {
        arrow(out, 2)?;
        out.write_all(b"\n")?;
        return help(out, 3);
    };
    let line = location.start.line;
    let gutter = digits(line);
    let bar = |out: &mut dyn Write| paint(out, color, "1;34", format_args!("|"));
    arrow(out, gutter)?;
    writeln!(out, ":{}:{}", line, location.start.column)?;
    repeat(out, b' ', gutter + 1)?;
    bar(out)?;
    out.write_all(b"\n")?;
    let (shown, caret_column) = shown_line(&location.line_text, location.start.column as usize);
    paint(out, color, "1;34", format_args!("{line}"))?;
    out.write_all(b" ")?;
    bar(out)?;
    writeln!(out, " {shown}")?;
    let available = shown
        .chars()
        .count()
        .saturating_sub(caret_column - 1)
        .max(1);
    let carets = (location.length as usize).clamp(1, available);
    repeat(out, b' ', gutter + 1)?;
    bar(out)?;
    repeat(out, b' ', caret_column)?;
    match color {
        true => {
            write!(out, "\x1b[{severity_color}m")?;
            repeat(out, b'^', carets)?;
            out.write_all(b"\x1b[0m")?;
        }
        false => repeat(out, b'^', carets)?,
    }
    out.write_all(b"\n")?;
    help(out, gutter + 1)
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
    fn colours_wide_gutters_long_carets_and_no_location() {
        let located = Diagnostic::new(
            Code::AmbiguousLink,
            VaultPath::new("a.md").unwrap(),
            "matches 2 files",
        )
        .at(Location {
            start: Position {
                line: 1234,
                column: 2,
            },
            length: 70,
            line_text: format!("x{}", "y".repeat(80)).into(),
        });
        let unlocated = Diagnostic::new(
            Code::EmptyNote,
            VaultPath::new("b.md").unwrap(),
            "note is empty",
        )
        .with_help("write something");
        let render_with = |color: bool, prefix: &str| {
            let mut out = Vec::new();
            let style = HumanStyle {
                color,
                path_prefix: prefix,
            };
            render(&mut out, [&located, &unlocated], style).unwrap();
            String::from_utf8(out).unwrap()
        };
        let carets = "^".repeat(70);
        let line = format!("x{}", "y".repeat(80));
        let severity = Severity::Info;
        let plain = format!(
            "{severity}[ambiguous-link]: matches 2 files\n    --> v/a.md:1234:2\n     |\n1234 | {line}\n     |  {carets}\n\n\
             {severity}[empty-note]: note is empty\n  --> v/b.md\n   = help: write something\n\n"
        );
        assert_eq!(render_with(false, "v/"), plain);
        let blue = |text: &str| format!("\x1b[1;34m{text}\x1b[0m");
        let painted = format!(
            "\x1b[1;36m{severity}[ambiguous-link]\x1b[0m: \x1b[1mmatches 2 files\x1b[0m\n    {} a.md:1234:2\n     {}\n{} {} {line}\n     {}  \x1b[1;36m{carets}\x1b[0m\n\n\
             \x1b[1;36m{severity}[empty-note]\x1b[0m: \x1b[1mnote is empty\x1b[0m\n  {} b.md\n   {} write something\n\n",
            blue("-->"),
            blue("|"),
            blue("1234"),
            blue("|"),
            blue("|"),
            blue("-->"),
            blue("= help:"),
        );
        assert_eq!(render_with(true, "."), painted);
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
