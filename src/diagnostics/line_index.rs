//! Byte offsets → 1-based line and character column, for one file.
//!
//! Every position we report (links, diagnostics) goes through [`LineIndex`], so
//! "line 12, column 5" means the same thing everywhere: lines are split at `\n`
//! (a preceding `\r` belongs to the line ending), and columns count Unicode scalar
//! values from the start of the line, starting at 1.

/// Start offsets of every line of one text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
}

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
}

impl LineIndex {
    /// Indexes `text`; texts over 4 GiB are indexed up to that size.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = Vec::with_capacity(text.len() / 48 + 1);
        starts.push(0);
        for newline in memchr::memchr_iter(b'\n', text.as_bytes()) {
            starts.push(u32::try_from(newline + 1).unwrap_or(u32::MAX));
        }
        LineIndex { starts }
    }

    /// The position of byte `offset` in `text` (the text this index was built from).
    /// An offset inside a multi-byte character counts as that character.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let offset32 = u32::try_from(offset).unwrap_or(u32::MAX);
        let line = self.starts.partition_point(|&start| start <= offset32) - 1;
        let start = self.starts[line] as usize;
        let column = count_chars(&text.as_bytes()[start..offset]) + 1;
        Position {
            line: line as u32 + 1,
            column: column as u32,
        }
    }

    /// Number of lines (a trailing newline opens one more, empty line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// Characters in a UTF-8 byte slice (counts bytes that start a character).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// The text of the line containing `offset`, without its line ending.
pub fn line_text(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let bytes = text.as_bytes();
    let start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[offset..]).map_or(text.len(), |i| offset + i);
    let line = &text[floor_char(text, start)..floor_char(text, end)];
    line.strip_suffix('\r').unwrap_or(line)
}

/// The largest character boundary at or before `offset`.
pub fn floor_char(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\ncé[[x]]\r\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 3), Position { line: 2, column: 1 });
        let link = text.find("[[").unwrap();
        assert_eq!(index.position(text, link), Position { line: 2, column: 3 });
        let last = text.find("last").unwrap();
        assert_eq!(index.position(text, last), Position { line: 3, column: 1 });
        assert_eq!(
            index.position(text, text.len()),
            Position { line: 3, column: 5 }
        );
        assert_eq!(index.line_count(), 3);
    }

    #[test]
    fn line_text_drops_the_line_ending() {
        let text = "one\r\ntwo\nthree";
        assert_eq!(line_text(text, 1), "one");
        assert_eq!(line_text(text, 6), "two");
        assert_eq!(line_text(text, text.len()), "three");
    }
}
