//! Which typed note each file is: its type and its place in its list.

use crate::config::NoteType;
use crate::resolve::FileId;

/// For each file of the vault, its type and index in the model's list of
/// notes of that type, if it is a typed note. A list by file, not a hash map:
/// filling and reading it touch no hash table scattered over memory (at
/// 100,000 notes the map's probes were most of the first pass's time).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeIndex(Vec<Option<(NoteType, u32)>>);

impl TypeIndex {
    /// An index of `files` files, none typed yet.
    pub fn new(files: usize) -> TypeIndex {
        TypeIndex(vec![None; files])
    }

    /// The type of `file` and its index in its list.
    pub fn get(&self, file: FileId) -> Option<(NoteType, usize)> {
        let (kind, index) = (*self.0.get(file as usize)?)?;
        Some((kind, index as usize))
    }

    /// How many files it is for.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is for no file.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records that `file` is the `index`th note of type `kind`.
    pub fn insert(&mut self, file: FileId, kind: NoteType, index: usize) {
        if let Some(slot) = self.0.get_mut(file as usize) {
            *slot = Some((kind, index as u32));
        }
    }

    /// Every typed file, in file order.
    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = (FileId, NoteType, usize)> + '_ {
        self.0.iter().enumerate().filter_map(|(file, typed)| {
            typed.map(|(kind, index)| (file as FileId, kind, index as usize))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_keep_their_type_and_place() {
        let mut types = TypeIndex::new(4);
        types.insert(2, NoteType::Job, 7);
        types.insert(0, NoteType::Person, 0);
        types.insert(9, NoteType::Plan, 1);
        assert_eq!(types.get(2), Some((NoteType::Job, 7)));
        assert_eq!(types.get(1), None);
        assert_eq!(types.get(9), None);
        let all: Vec<_> = types.iter().collect();
        assert_eq!(all, [(0, NoteType::Person, 0), (2, NoteType::Job, 7)]);
        assert_eq!(TypeIndex::default().get(0), None);
    }
}
