//! [`TextRef`]: a string a note owns, without an allocation of its own.
//!
//! A vault has hundreds of thousands of links; giving each of their strings its own
//! heap allocation cost more time and memory than parsing them. Almost every link
//! path, subpath and display text is a slice of the note's source, so a link keeps
//! a range of the source; the few strings that cleaning changed (decoded `%20`,
//! NFC, NBSP) go into one string arena per note.

/// A range of a note's source text or of its string arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TextRef {
    start: u32,
    len: u32,
    in_arena: bool,
}

impl TextRef {
    /// Resolves against the note's source text and arena.
    pub fn get<'a>(self, text: &'a str, arena: &'a str) -> &'a str {
        let store = if self.in_arena { arena } else { text };
        let start = self.start as usize;
        store
            .get(start..start + self.len as usize)
            .unwrap_or_default()
    }

    /// Byte length.
    pub fn len(self) -> usize {
        self.len as usize
    }

    /// Whether the string is empty.
    pub fn is_empty(self) -> bool {
        self.len == 0
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

    /// A reference to `value`: a range of the source when `value` is a slice of it,
    /// else a copy in the arena.
    pub fn intern(&mut self, value: &str) -> TextRef {
        let base = self.text.as_ptr() as usize;
        let at = value.as_ptr() as usize;
        if at >= base && at + value.len() <= base + self.text.len() {
            return TextRef {
                start: (at - base) as u32,
                len: value.len() as u32,
                in_arena: false,
            };
        }
        let start = self.arena.len();
        self.arena.push_str(value);
        TextRef {
            start: start as u32,
            len: value.len() as u32,
            in_arena: true,
        }
    }

    /// The arena, for the note to keep.
    pub fn into_arena(mut self) -> String {
        self.arena.shrink_to_fit();
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
}
