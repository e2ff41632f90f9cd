//! Tags: `#tag` in text (rules G1–G5) and the `tags` property (rule G6).
//!
//! A tag is `#` after whitespace or at the start of a line, followed by characters
//! that are not whitespace, general or supplemental punctuation, or one of
//! `` '!"#$%&()*+,.:;<=>?@^`{|}~[]\ ``; it needs one non-digit and never ends in `/`.
//! Tags compare case-insensitively.

/// Whether `c` can be part of a tag name (rule G1).
pub fn is_tag_char(c: char) -> bool {
    !(c.is_whitespace()
        || ('\u{2000}'..='\u{206F}').contains(&c)
        || ('\u{2E00}'..='\u{2E7F}').contains(&c)
        || matches!(
            c,
            '\'' | '!'
                | '"'
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
                | '['
                | ']'
                | '\\'
        ))
}

/// The tag name (without `#`) that starts right after the `#` at `hash` in `text`,
/// if the characters there form one. Whether the `#` itself may start a tag (the
/// character before it) is the caller's question.
pub fn tag_after_hash(text: &str, hash: usize) -> Option<&str> {
    let rest = &text[hash + 1..];
    let end = rest.find(|c: char| !is_tag_char(c)).unwrap_or(rest.len());
    let name = rest[..end].trim_end_matches('/');
    is_valid_tag_name(name).then_some(name)
}

/// A tag name needs at least one character that is not a digit (rule G2) and no
/// trailing `/` (rule G3).
pub fn is_valid_tag_name(name: &str) -> bool {
    !name.is_empty() && !name.ends_with('/') && !name.bytes().all(|b| b.is_ascii_digit())
}

/// A frontmatter `tags` item as Obsidian reads it (rule G6): a leading `#` is
/// optional, empty items and items with a space are dropped.
pub fn frontmatter_tag(item: &str) -> Option<&str> {
    let name = item.trim();
    let name = name.strip_prefix('#').unwrap_or(name);
    (!name.is_empty() && !name.contains(char::is_whitespace)).then_some(name)
}

/// `#inbox/to-read` also implies `#inbox` (rule G3): the tag and its parents.
pub fn with_parents(name: &str) -> impl Iterator<Item = &str> {
    name.match_indices('/')
        .map(move |(slash, _)| &name[..slash])
        .chain(std::iter::once(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::plain("#tag", Some("tag"))] // row 55
    #[case::digits("#1984", None)]
    #[case::letter_first("#y1984", Some("y1984"))]
    #[case::digits_first("#1984book", Some("1984book"))]
    #[case::nested("#inbox/to-read", Some("inbox/to-read"))] // row 56
    #[case::full_stop("#tag.", Some("tag"))] // row 57
    #[case::apostrophe("#tag's", Some("tag"))]
    #[case::comma("#tag,x", Some("tag"))]
    #[case::accented("#café", Some("café"))] // row 59
    #[case::cjk("#日本語", Some("日本語"))]
    #[case::emoji("#🎉", Some("🎉"))]
    #[case::snake("#snake_case", Some("snake_case"))]
    #[case::trailing_slash("#a/", Some("a"))] // row 62
    #[case::only_slash("#/", None)]
    #[case::dash("#2024-goals", Some("2024-goals"))]
    #[case::general_punctuation("#a\u{2014}b", Some("a"))]
    #[case::empty("# heading", None)]
    fn tag_names(#[case] text: &str, #[case] expected: Option<&str>) {
        assert_eq!(tag_after_hash(text, 0), expected);
    }

    #[test]
    fn frontmatter_items() {
        assert_eq!(frontmatter_tag("recipe"), Some("recipe"));
        assert_eq!(frontmatter_tag("#cooking"), Some("cooking"));
        assert_eq!(frontmatter_tag("two words"), None);
        assert_eq!(frontmatter_tag(""), None);
    }

    #[test]
    fn parents() {
        let all: Vec<_> = with_parents("a/b/c").collect();
        assert_eq!(all, ["a", "a/b", "a/b/c"]);
    }
}
