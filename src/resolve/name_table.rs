//! The name index's table: lower-cased file name → the files bearing it, laid
//! out for lookups whose memory is not in the cache.
//!
//! A vault's links name files at random, so nearly every lookup misses the
//! CPU cache; at 100,000 notes the misses were most of resolution's time. A
//! general hash map costs three misses per lookup (its control bytes, its
//! bucket, the key's own allocation). Here a lookup costs two — its slot,
//! which holds the full hash, and the name's bytes in one shared buffer — and
//! both can be prefetched, so a note's lookups wait for memory together.

use rayon::prelude::*;

use super::prefetch::prefetch;

/// The files bearing one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Named {
    /// The only one.
    One(u32),
    /// `len` files from `start` in the index's shared list.
    Many(u32, u32),
}

/// One slot: a name's hash, where its bytes are, and its files.
#[derive(Debug, Clone, Copy)]
struct Slot {
    hash: u64,
    start: u32,
    /// `u32::MAX` for an empty slot.
    len: u32,
    named: Named,
}

const EMPTY: Slot = Slot {
    hash: 0,
    start: 0,
    len: u32::MAX,
    named: Named::One(0),
};

/// Distinct names → [`Named`], by open addressing with linear probing; at
/// most half full, so probe sequences stay short.
#[derive(Debug, Default)]
pub(super) struct NameTable {
    slots: Box<[Slot]>,
    /// Every name, one after the other.
    names: String,
}

/// The hash a name is filed under (in memory only, never stored): foldhash,
/// made for hash tables and faster than xxh3 on names this short (every link
/// of a vault is hashed once; prelinking 10,000 notes took 9 % less).
pub(super) fn hash_name(name: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(NAME_SEED).hash_one(name.as_bytes())
}

/// Any fixed seed: the table is built and probed in the same process.
const NAME_SEED: u64 = 0x7468_726f_7567_6800;

impl NameTable {
    /// A table of `entries` (distinct names).
    ///
    /// The names are hashed in parallel, then filed in the order of the
    /// slots they start at: the slots are written one after the other (but
    /// for a run that wraps past the last slot to the first). (Filed
    /// in the entries' order, each was written at random: 46 ms on one thread
    /// for the 100,000 files of a vault, at every `watch` update that adds
    /// or removes a file.) Linear probing finds a name wherever the order of
    /// filing put it.
    pub(super) fn new<'a>(entries: impl Iterator<Item = (&'a str, Named)>) -> NameTable {
        let entries: Vec<(&str, Named)> = entries.collect();
        let size = (entries.len() * 2).next_power_of_two().max(8);
        let mask = size - 1;
        let mut names = String::with_capacity(entries.iter().map(|(name, _)| name.len()).sum());
        let starts: Vec<u32> = (entries.iter())
            .map(|(name, _)| {
                let start = names.len() as u32;
                names.push_str(name);
                start
            })
            .collect();
        let mut filing: Vec<(usize, u64, u32)> = (entries.par_iter().enumerate())
            .map(|(index, (name, _))| {
                let hash = hash_name(name);
                (hash as usize & mask, hash, index as u32)
            })
            .collect();
        filing.par_sort_unstable_by_key(|&(home, _, index)| (home, index));
        let mut slots = vec![EMPTY; size].into_boxed_slice();
        for (home, hash, index) in filing {
            let mut at = home;
            while slots[at].len != u32::MAX {
                at = (at + 1) & mask;
            }
            let (name, named) = entries[index as usize];
            slots[at] = Slot {
                hash,
                start: starts[index as usize],
                len: name.len() as u32,
                named,
            };
        }
        NameTable { slots, names }
    }

    /// The slot a lookup of `hash` starts at (the slot count is a power of
    /// two; an empty table has none).
    fn home(&self, hash: u64) -> Option<usize> {
        let mask = self.slots.len().checked_sub(1)?;
        Some(hash as usize & mask)
    }

    /// The name `slot` holds.
    fn name(&self, slot: &Slot) -> &str {
        &self.names[slot.start as usize..(slot.start + slot.len) as usize]
    }

    /// The files bearing `name` (hashed by [`hash_name`]).
    pub(super) fn get(&self, name: &str, hash: u64) -> Option<&Named> {
        let mut at = self.home(hash)?;
        loop {
            let slot = &self.slots[at];
            if slot.len == u32::MAX {
                return None;
            }
            if slot.hash == hash && self.name(slot) == name {
                return Some(&slot.named);
            }
            at = (at + 1) & (self.slots.len() - 1);
        }
    }

    /// Asks the CPU to fetch the slot a lookup of `hash` starts at, so lookups
    /// made soon after do not each wait for memory in turn.
    pub(super) fn prefetch_slot(&self, hash: u64) {
        if let Some(slot) = self.home(hash).and_then(|at| self.slots.get(at)) {
            prefetch(slot);
        }
    }

    /// Asks the CPU to fetch the bytes of the name in the slot of `hash` (read
    /// it after [`NameTable::prefetch_slot`] had time to bring it in), and
    /// returns that slot's files when its hash is `hash`: a guess, not an
    /// answer, since another name may sit there — only for prefetching more.
    pub(super) fn prefetch_name_and_guess(&self, hash: u64) -> Option<Named> {
        let slot = self.slots.get(self.home(hash)?)?;
        if slot.hash != hash {
            return None;
        }
        if let Some(byte) = self.names.as_bytes().get(slot.start as usize) {
            prefetch(byte);
        }
        Some(slot.named)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Slots a lookup of `name` (in the table) reads before it finds it.
    fn probes(table: &NameTable, name: &str) -> usize {
        let hash = hash_name(name);
        let mut at = table.home(hash).expect("a table with slots");
        let mut count = 1;
        loop {
            let slot = &table.slots[at];
            assert!(slot.len != u32::MAX, "`{name}` is not in the table");
            if table.name(slot) == name {
                return count;
            }
            at = (at + 1) & (table.slots.len() - 1);
            count += 1;
        }
    }

    #[test]
    fn names_of_a_large_vault_are_found_in_few_probes() {
        // Names alike but for a number or a letter, as vaults name notes:
        // the hash must spread them over the low bits the table uses.
        let names: Vec<String> = (0..100_000u32)
            .map(|i| match i % 3 {
                0 => format!("interview {i}.md"),
                1 => format!("2026-{:02}-{:02} call {}.md", i % 12 + 1, i % 28 + 1, i / 3),
                _ => format!("person {}{}.md", char::from(b'a' + (i % 26) as u8), i),
            })
            .collect();
        let table = NameTable::new(names.iter().map(|name| (name.as_str(), Named::One(0))));
        let counts: Vec<usize> = names.iter().map(|name| probes(&table, name)).collect();
        let longest = counts.iter().copied().max().unwrap_or(0);
        let mean = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
        // Linear probing at most half full expects about 1.5 probes.
        assert!(mean < 2.0, "mean probes {mean}");
        assert!(longest < 40, "longest probe run {longest}");
    }

    #[test]
    fn every_name_is_found_and_no_other() {
        let entries: Vec<(String, Named)> = (0..1000u32)
            .map(|i| (format!("note {i}.md"), Named::One(i)))
            .chain([("shared.md".to_owned(), Named::Many(0, 2))])
            .collect();
        let table = NameTable::new(entries.iter().map(|(name, named)| (name.as_str(), *named)));
        for (name, named) in &entries {
            table.prefetch_slot(hash_name(name));
            table.prefetch_name_and_guess(hash_name(name));
            assert_eq!(table.get(name, hash_name(name)), Some(named), "{name}");
        }
        for absent in ["note 1000.md", "note 1", "", "Note 1.md"] {
            assert_eq!(table.get(absent, hash_name(absent)), None, "{absent}");
        }
        // A name under another name's hash (a collision) is not that name.
        assert_eq!(table.get("note 2.md", hash_name("note 1.md")), None);
        let empty = NameTable::default();
        empty.prefetch_slot(hash_name("x.md"));
        assert_eq!(empty.prefetch_name_and_guess(hash_name("x.md")), None);
        assert_eq!(empty.get("x.md", hash_name("x.md")), None);
    }
}
