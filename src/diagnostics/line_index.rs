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
        let column = count_chars(text, start, offset) + 1;
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

/// Positions of increasing offsets, counted from the previous one: a long line
/// with many links costs one pass over the line, not one pass per link.
pub struct PositionCursor<'a> {
    index: &'a LineIndex,
    text: &'a str,
    line: usize,
    offset: usize,
    column: usize,
}

impl<'a> PositionCursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(index: &'a LineIndex, text: &'a str) -> PositionCursor<'a> {
        PositionCursor {
            index,
            text,
            line: 0,
            offset: 0,
            column: 1,
        }
    }

    /// The position of `offset`; fastest when offsets come in increasing order.
    pub fn position(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let next_line = self
            .index
            .starts
            .get(self.line + 1)
            .map_or(usize::MAX, |&start| start as usize);
        if offset >= self.offset && offset < next_line {
            self.column += count_chars(self.text, self.offset, offset);
        } else {
            let position = self.index.position(self.text, offset);
            self.line = position.line as usize - 1;
            self.column = position.column as usize;
        }
        self.offset = offset;
        Position {
            line: self.line as u32 + 1,
            column: self.column as u32,
        }
    }
}

/// Positions of increasing offsets in a text without a [`LineIndex`]: the
/// line breaks between one offset and the next are counted. For a few
/// offsets in a text, where indexing every line would cost more (each
/// position counts the characters from its line's start, and an offset
/// before the last one counts again from the text's start).
pub struct LineCounter<'a> {
    text: &'a str,
    /// The offset counted up to, its 0-based line, and where that line starts.
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> LineCounter<'a> {
    /// A counter at the start of `text`.
    pub fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter {
            text,
            offset: 0,
            line: 0,
            line_start: 0,
        }
    }

    /// The position of `offset`, as [`LineIndex::position`] gives it; an
    /// offset before the last one counts again from the start.
    pub fn position(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            *self = LineCounter::new(self.text);
        }
        let between = &self.text.as_bytes()[self.offset..offset];
        if let Some(last) = memchr::memrchr(b'\n', between) {
            self.line += memchr::memchr_iter(b'\n', between).count();
            self.line_start = self.offset + last + 1;
        }
        self.offset = offset;
        Position {
            line: self.line as u32 + 1,
            column: (count_chars(self.text, self.line_start, offset) + 1) as u32,
        }
    }
}

/// Characters in a UTF-8 byte slice (counts bytes that start a character).
fn count_chars(text: &str, start: usize, end: usize) -> usize {
    text[floor_char(text, start)..floor_char(text, end)]
        .chars()
        .count()
}

/// The text of the line containing `offset`, without its line ending.
pub fn line_text(text: &str, offset: usize) -> &str {
    let line = &text[line_range(text, offset)];
    line.strip_suffix('\r').unwrap_or(line)
}

/// The byte range of the line containing `offset`, without its `\n` (a `\r`
/// before it stays).
pub fn line_range(text: &str, offset: usize) -> std::ops::Range<usize> {
    let offset = offset.min(text.len());
    let bytes = text.as_bytes();
    let start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &bytes[offset..]).map_or(text.len(), |i| offset + i);
    floor_char(text, start)..floor_char(text, end)
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
    fn cursor_agrees_with_the_index() {
        let text = "ab\ncé[[x]] [[y]]\r\nlast é";
        let index = LineIndex::new(text);
        let mut cursor = PositionCursor::new(&index, text);
        let offsets = [0, 1, 3, 5, 9, 14, 3, text.len() - 2, text.len(), 0];
        for offset in offsets {
            let offset = floor_char(text, offset);
            assert_eq!(
                cursor.position(offset),
                index.position(text, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn a_line_counter_agrees_with_the_index() {
        let text = "ab\ncé[[x]] [[y]]\r\n\nlast é\n";
        let index = LineIndex::new(text);
        let mut counter = LineCounter::new(text);
        let offsets = [
            0,
            1,
            2,
            3,
            5,
            6,
            9,
            14,
            3,
            17,
            18,
            19,
            text.len() - 1,
            text.len(),
            0,
        ];
        for offset in offsets {
            assert_eq!(
                counter.position(offset),
                index.position(text, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn line_text_drops_the_line_ending() {
        let text = "one\r\ntwo\nthree";
        assert_eq!(line_text(text, 1), "one");
        assert_eq!(line_text(text, 6), "two");
        assert_eq!(line_text(text, text.len()), "three");
    }
}
