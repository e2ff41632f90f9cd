//! [`TextRef`]: a string a note owns, without an allocation of its own.
//!
//! A vault has hundreds of thousands of links; giving each of their strings its own
//! heap allocation cost more time and memory than parsing them. Almost every link
//! path, subpath and display text is a slice of the note's source, so a link keeps
//! a range of the source; the few strings that cleaning changed (decoded `%20`,
//! NFC, NBSP) go into one string arena per note.

use std::num::NonZeroU32;

/// A range of a note's source text or of its string arena, in 8 bytes (a link
/// holds five of them, some optional: `Option<TextRef>` is 8 bytes too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TextRef {
    /// The start offset, with [`IN_ARENA`] set for a range of the arena.
    start: u32,
    /// The length plus one (never zero, which gives `Option` its niche).
    len_plus_one: NonZeroU32,
}

/// The bit of [`TextRef::start`] that says the range is in the arena.
const IN_ARENA: u32 = 1 << 31;

impl TextRef {
    /// A range of the source (`in_arena` false) or of the arena. Offsets and
    /// lengths past what fits (2 GiB; notes are far smaller, see
    /// `max_note_bytes`) give an empty string, never a wrong one.
    fn new(start: usize, len: usize, in_arena: bool) -> TextRef {
        match (u32::try_from(start), u32::try_from(len)) {
            (Ok(start), Ok(len)) if start < IN_ARENA && len < u32::MAX => TextRef {
                start: if in_arena { start | IN_ARENA } else { start },
                len_plus_one: NonZeroU32::MIN.saturating_add(len),
            },
            _ => TextRef {
                start: 0,
                len_plus_one: NonZeroU32::MIN,
            },
        }
    }

    /// Resolves against the note's source text and arena.
    pub fn get<'a>(self, text: &'a str, arena: &'a str) -> &'a str {
        let store = if self.start & IN_ARENA != 0 {
            arena
        } else {
            text
        };
        let start = (self.start & !IN_ARENA) as usize;
        store.get(start..start + self.len()).unwrap_or_default()
    }

    /// The empty string.
    pub const EMPTY: TextRef = TextRef {
        start: 0,
        len_plus_one: NonZeroU32::MIN,
    };

    /// This reference once the source keeps only its first `prefix` bytes and
    /// the range `moved` of it, moved to offset `to`: a range of either moves
    /// with them (or stays), a range of the arena stays, and anything else of
    /// the source is copied into `arena`.
    pub fn relocated(
        self,
        text: &str,
        prefix: usize,
        moved: &std::ops::Range<usize>,
        to: usize,
        arena: &mut String,
    ) -> TextRef {
        if self.start & IN_ARENA != 0 {
            return self;
        }
        let start = self.start as usize;
        let end = start + self.len();
        if end <= prefix {
            self
        } else if moved.start <= start && end <= moved.end {
            TextRef::new(start - moved.start + to, self.len(), false)
        } else {
            let at = arena.len();
            arena.push_str(text.get(start..end).unwrap_or_default());
            TextRef::new(at, self.len(), true)
        }
    }

    /// Byte length.
    pub fn len(self) -> usize {
        (self.len_plus_one.get() - 1) as usize
    }

    /// Whether the string is empty.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// Builds [`TextRef`]s while a note is parsed.
pub struct Interner<'a> {
    text: &'a str,
    arena: String,
}

impl<'a> Interner<'a> {
    /// An interner for strings of (or derived from) `text`.
    pub fn new(text: &'a str) -> Interner<'a> {
        Interner {
            text,
            arena: String::new(),
        }
    }

    /// An interner for strings of `text` that adds to `arena` (a note's,
    /// whose references stay as they are).
    pub(crate) fn with_arena(text: &'a str, arena: String) -> Interner<'a> {
        Interner { text, arena }
    }

    /// A reference to `value`: a range of the source when `value` is a slice of it,
    /// else a copy in the arena.
    pub fn intern(&mut self, value: &str) -> TextRef {
        let base = self.text.as_ptr() as usize;
        let at = value.as_ptr() as usize;
        if at >= base && at + value.len() <= base + self.text.len() {
            return TextRef::new(at - base, value.len(), false);
        }
        let start = self.arena.len();
        self.arena.push_str(value);
        TextRef::new(start, value.len(), true)
    }

    /// The arena, for the note to keep.
    pub fn into_arena(mut self) -> String {
        self.arena.shrink_to_fit();
        self.arena
    }

    /// The arena as it is, for more strings to be added to it.
    pub(crate) fn into_growing_arena(self) -> String {
        self.arena
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_of_the_source_are_not_copied() {
        let text = "see [[Note]] here";
        let mut interner = Interner::new(text);
        let slice = interner.intern(&text[6..10]);
        let cleaned = String::from("Caf\u{e9}");
        let copy = interner.intern(&cleaned);
        let arena = interner.into_arena();
        assert_eq!(arena, "Caf\u{e9}");
        assert_eq!(slice.get(text, &arena), "Note");
        assert_eq!(copy.get(text, &arena), "Caf\u{e9}");
    }

    #[test]
    fn relocated_references_read_the_same_string() {
        let text = "---\nk: v\n---\nfirst line\nsee [[Target]] here\n";
        let prefix = text.find("first").unwrap();
        let line = text.find("see").unwrap()..text.find(" here").unwrap() + 5;
        let mut interner = Interner::new(text);
        let in_prefix = interner.intern(&text[4..5]);
        let in_line = interner.intern(&text[line.start + 6..line.start + 12]);
        let elsewhere = interner.intern(&text[prefix..prefix + 5]);
        let owned = String::from("Caf\u{e9}");
        let in_arena = interner.intern(&owned);
        let mut arena = interner.into_arena();
        let mut kept = text[..prefix].to_owned();
        let to = kept.len();
        kept.push_str(&text[line.clone()]);
        let mut moved = |r: TextRef| r.relocated(text, prefix, &line, to, &mut arena);
        let refs = [in_prefix, in_line, elsewhere, in_arena].map(&mut moved);
        let read: Vec<&str> = refs.iter().map(|r| r.get(&kept, &arena)).collect();
        assert_eq!(read, ["k", "Target", "first", "Caf\u{e9}"]);
        assert_eq!(TextRef::EMPTY.get(&kept, &arena), "");
    }

    #[test]
    fn a_reference_is_as_small_as_its_option() {
        assert_eq!(std::mem::size_of::<TextRef>(), 8);
        assert_eq!(std::mem::size_of::<Option<TextRef>>(), 8);
    }

    #[test]
    fn empty_strings_and_arena_strings_keep_their_place() {
        let text = "ab";
        let mut interner = Interner::new(text);
        let empty = interner.intern(&text[1..1]);
        let owned = String::from("xyz");
        let copy = interner.intern(&owned);
        let arena = interner.into_arena();
        assert!(empty.is_empty());
        assert_eq!(empty.get(text, &arena), "");
        assert_eq!(copy.len(), 3);
        assert_eq!(copy.get(text, &arena), "xyz");
    }
}
