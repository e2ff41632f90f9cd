//! Headings as link targets: their text, and Obsidian's heading comparison.
//!
//! Only headings at the top level of the document count (rule F1). A heading's text
//! is the raw source of its line(s), and two headings match when they are equal
//! after [`strip_heading`] on both sides, ignoring case (rule F2).

/// Obsidian's `stripHeading`: each of `` !"#$%&()*+,.:;<=>?@^`{|}~/[]\ `` and line
/// breaks become a space, runs of whitespace collapse to one space, and the ends
/// are trimmed. `_`, `-`, `'`, letters, digits and emoji are kept.
pub fn strip_heading(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_stripped(text, &mut out, |c| c);
    out
}

/// Appends `stripHeading` of `text` to `out`, each kept character through
/// `map`.
fn push_stripped(text: &str, out: &mut String, map: impl Fn(char) -> char) {
    let start = out.len();
    let mut pending_space = false;
    for c in text.chars() {
        if is_heading_separator(c) {
            pending_space = out.len() > start;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(map(c));
        }
    }
}

/// Whether `stripHeading` turns `c` into a space.
pub fn is_heading_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '!' | '"'
                | '#'
                | '$'
                | '%'
                | '&'
                | '('
                | ')'
                | '*'
                | '+'
                | ','
                | '.'
                | ':'
                | ';'
                | '<'
                | '='
                | '>'
                | '?'
                | '@'
                | '^'
                | '`'
                | '{'
                | '|'
                | '}'
                | '~'
                | '/'
                | '['
                | ']'
                | '\\'
        )
}

/// The key two headings are compared by: stripped, then lower-cased.
pub fn heading_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    heading_key_into(text, &mut key);
    key
}

/// [`heading_key`] into a reused buffer; ASCII text, the common case, in one
/// pass.
pub fn heading_key_into(text: &str, key: &mut String) {
    key.clear();
    if !text.is_ascii() {
        key.push_str(&strip_heading(text).to_lowercase());
        return;
    }
    push_stripped(text, key, |c| c.to_ascii_lowercase());
}

/// A hash of a heading key, for quick comparisons (in memory only: never
/// stored).
pub fn key_hash(key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(key.as_bytes())
}

/// The text of an ATX heading line (`## Title ##` → `Title`) or of a setext
/// heading's lines (the underline dropped), as written in the source.
pub fn heading_text(source: &str) -> &str {
    let source = source.trim_end_matches(['\n', '\r']);
    let trimmed = source.trim_start();
    if trimmed.starts_with('#') {
        let line = trimmed.lines().next().unwrap_or("");
        let content = line.trim_start_matches('#');
        let content = content.trim();
        // A closing sequence of `#` is dropped when a space precedes it.
        let without_closing = content.trim_end_matches('#');
        if without_closing.len() < content.len()
            && (without_closing.is_empty() || without_closing.ends_with([' ', '\t']))
        {
            return without_closing.trim_end();
        }
        content
    } else {
        // Setext: everything but the last (underline) line.
        match source.rfind('\n') {
            Some(newline) => source[..newline].trim(),
            None => source.trim(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_heading_rules() {
        assert_eq!(strip_heading("Foo: Bar?"), "Foo Bar"); // row 33
        assert_eq!(strip_heading("Title [[Other]]"), "Title Other"); // row 34
        assert_eq!(strip_heading("**Bold** snake_case"), "Bold snake_case"); // row 35
        assert_eq!(strip_heading("  a -- b's  c "), "a -- b's c");
        assert_eq!(heading_key("Foo: Bar?"), heading_key("foo bar"));
    }

    #[test]
    fn a_key_is_the_stripped_heading_lower_cased() {
        let mut reused = String::from("left over");
        for text in [
            "Foo: Bar?",
            "  A -- B's  C ",
            "#Tag (Draft)",
            "ÉTUDE Über Straße",
            "ΣΟΦΙΑ Σ",
            "",
            "?!",
        ] {
            let expected = strip_heading(text).to_lowercase();
            assert_eq!(heading_key(text), expected, "{text}");
            heading_key_into(text, &mut reused);
            assert_eq!(reused, expected, "{text}");
        }
    }

    #[test]
    fn heading_text_from_source() {
        assert_eq!(heading_text("## Foo: Bar?\n"), "Foo: Bar?");
        assert_eq!(heading_text("# Title ##\n"), "Title");
        assert_eq!(heading_text("# C#\n"), "C#");
        assert_eq!(heading_text("#\n"), "");
        assert_eq!(heading_text("Setext *head*\n---\n"), "Setext *head*");
        assert_eq!(heading_text("Two\nlines\n===\n"), "Two\nlines");
    }
}
