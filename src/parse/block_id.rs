//! Block ids: `^id` at the end of a block (rule F4).
//!
//! An id is ASCII letters, digits and `-`. It ends a paragraph or a list item's own
//! text after whitespace (`text ^id`), or stands alone as a paragraph right after
//! the block it names (lists, quotes, callouts, tables, code).

/// Where a trailing `^id` was found in a block's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailingId<'a> {
    /// The id as written (compare lower-cased, rule F5).
    pub id: &'a str,
    /// Byte offset of the `^` within the text given.
    pub caret: usize,
    /// Whether the id is the whole text (a standalone `^id` paragraph).
    pub is_alone: bool,
}

/// The `^id` ending `text` (trailing whitespace ignored), if any.
pub fn trailing_block_id(text: &str) -> Option<TrailingId<'_>> {
    let trimmed = text.trim_end();
    let id_start = trimmed
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .map_or(0, |i| {
            i + trimmed[i..].chars().next().map_or(1, char::len_utf8)
        });
    let id = &trimmed[id_start..];
    if id.is_empty() || id_start == 0 || trimmed.as_bytes()[id_start - 1] != b'^' {
        return None;
    }
    let caret = id_start - 1;
    let before = &trimmed[..caret];
    if before.trim().is_empty() {
        return Some(TrailingId {
            id,
            caret,
            is_alone: true,
        });
    }
    before.ends_with(char::is_whitespace).then_some(TrailingId {
        id,
        caret,
        is_alone: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_ids() {
        let found = trailing_block_id("Some text ^my-id\n").unwrap(); // row 39
        assert_eq!((found.id, found.is_alone), ("my-id", false));
        assert!(trailing_block_id("^tbl").unwrap().is_alone); // row 41
        assert_eq!(trailing_block_id("  ^tbl  \n").unwrap().id, "tbl");
        assert_eq!(
            trailing_block_id("line one\n    ^37006f").unwrap().id,
            "37006f"
        );
        assert_eq!(trailing_block_id("text ^my_id"), None); // row 42
        assert_eq!(trailing_block_id("text^id"), None); // row 42
        assert_eq!(trailing_block_id("text ^"), None);
        assert_eq!(trailing_block_id("caf\u{e9} ^\u{e9}t\u{e9}"), None);
        assert_eq!(trailing_block_id("no id"), None);
    }
}
