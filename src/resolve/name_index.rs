//! The name index and Obsidian's linkpath rules (C1–C7): which file a link's file
//! part opens.
//!
//! Obsidian keeps a multimap from lower-cased file name (with extension) to files
//! (rule A2) and resolves every link through it, so lookup is one hash probe plus
//! a scan of the few files sharing a name — never a walk over the vault.

use rayon::prelude::*;

use super::name_table::{NameTable, Named, hash_name};
use crate::choices;
use crate::scan::VaultFile;

/// Index of a file in the scan's sorted file list.
pub type FileId = u32;

/// Why a linkpath resolved to the file it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Empty linkpath: the note itself (C1).
    SelfLink,
    /// The only file with that name (C3).
    UniqueName,
    /// A `./` or `../` path rebuilt from the note's folder (C4).
    Relative,
    /// The exact vault path (C5).
    ExactPath,
    /// A path ending in the link text, in the note's own folder or below (C6).
    OwnFolder,
    /// The shortest path ending in the link text elsewhere (C6).
    Shortest,
}

/// The outcome of resolving one linkpath.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup<'a> {
    /// The file Obsidian opens.
    pub target: Option<FileId>,
    /// The rule that chose it.
    pub rule: Option<Rule>,
    /// Every file with the link's file name (for ambiguity reports).
    pub candidates: &'a [FileId],
}

impl<'a> Lookup<'a> {
    fn unresolved(candidates: &'a [FileId]) -> Lookup<'a> {
        Lookup {
            target: None,
            rule: None,
            candidates,
        }
    }

    fn found(target: FileId, rule: Rule, candidates: &'a [FileId]) -> Lookup<'a> {
        Lookup {
            target: Some(target),
            rule: Some(rule),
            candidates,
        }
    }
}

/// Lower-cased file names → files, plus what the rules compare.
#[derive(Debug, Default)]
pub struct NameIndex {
    by_name: NameTable,
    shared: Vec<FileId>,
    /// Every file's lower-cased path, one after the other (one buffer: a
    /// lookup comparing a path misses the cache once, not twice).
    lower_paths: String,
    /// Where each file's lower-cased path ends in `lower_paths`.
    path_ends: Vec<u32>,
    utf16_lengths: Vec<u32>,
}

impl NameIndex {
    /// Indexes every file (sources and link-only targets alike).
    pub fn new(files: &[VaultFile]) -> NameIndex {
        NameIndex::from_path_iter(files.iter().map(|file| &file.path))
    }

    /// Indexes a sorted list of paths; ids are positions in it.
    pub fn from_paths(paths: &[crate::scan::VaultPath]) -> NameIndex {
        NameIndex::from_path_iter(paths.iter())
    }

    fn from_path_iter<'a>(
        paths: impl ExactSizeIterator<Item = &'a crate::scan::VaultPath>,
    ) -> NameIndex {
        // Lower-cased in parallel; names grouped by sorting (a stable sort:
        // the files of a name stay in file order).
        let paths: Vec<&crate::scan::VaultPath> = paths.collect();
        let (lowered, utf16_lengths): (Vec<String>, Vec<u32>) = paths
            .par_iter()
            .map(|path| {
                let lower = path.as_str().to_lowercase();
                let utf16 = lower.encode_utf16().count() as u32;
                (lower, utf16)
            })
            .unzip();
        let mut lower_paths = String::with_capacity(lowered.iter().map(String::len).sum());
        let mut path_ends = Vec::with_capacity(lowered.len());
        for lower in &lowered {
            lower_paths.push_str(lower);
            path_ends.push(lower_paths.len() as u32);
        }
        let mut named: Vec<(&str, FileId)> = lowered
            .iter()
            .enumerate()
            .map(|(id, lower)| (lower.rsplit('/').next().unwrap_or(lower), id as FileId))
            .collect();
        named.par_sort_by(|a, b| a.0.cmp(b.0));
        // Most names are unique: keep their file inline, the rest in one flat list.
        let mut shared = Vec::new();
        let by_name = NameTable::new(named.chunk_by(|a, b| a.0 == b.0).map(|files| {
            let named = match files {
                [(_, only)] => Named::One(*only),
                _ => {
                    let start = shared.len() as u32;
                    shared.extend(files.iter().map(|&(_, id)| id));
                    Named::Many(start, files.len() as u32)
                }
            };
            (files[0].0, named)
        }));
        NameIndex {
            by_name,
            shared,
            lower_paths,
            path_ends,
            utf16_lengths,
        }
    }

    /// The lower-cased vault path of a file.
    pub fn lower_path(&self, id: FileId) -> &str {
        let start = match id {
            0 => 0,
            _ => self.path_ends[id as usize - 1] as usize,
        };
        &self.lower_paths[start..self.path_ends[id as usize] as usize]
    }

    /// The files that share their lower-cased name with another, name by
    /// name (each name's files in file order).
    pub fn shared_files(&self) -> &[FileId] {
        &self.shared
    }

    /// Files whose lower-cased name is exactly `lower_name`.
    pub fn files_named(&self, lower_name: &str) -> &[FileId] {
        self.files_named_hashed(lower_name, hash_name(lower_name))
    }

    /// [`NameIndex::files_named`], `hash` being [`hash_name`] of the name.
    fn files_named_hashed(&self, lower_name: &str, hash: u64) -> &[FileId] {
        match self.by_name.get(lower_name, hash) {
            None => &[],
            Some(Named::One(id)) => std::slice::from_ref(id),
            Some(&Named::Many(start, len)) => &self.shared[start as usize..(start + len) as usize],
        }
    }

    /// Resolves `linkpath` (already cleaned) written in the note `source`, whose
    /// folder lower-cased is `source_folder` (rules C1–C7).
    pub fn lookup(&self, linkpath: &str, source: FileId, source_folder: &str) -> Lookup<'_> {
        self.lookup_with(linkpath, source, source_folder, &mut String::new())
    }

    /// [`NameIndex::lookup`] with a scratch buffer, reused across the links of a
    /// note so resolving allocates nothing.
    pub fn lookup_with(
        &self,
        linkpath: &str,
        source: FileId,
        source_folder: &str,
        path: &mut String,
    ) -> Lookup<'_> {
        // C1: an empty linkpath is the note itself.
        if linkpath.is_empty() {
            return Lookup::found(source, Rule::SelfLink, &[]);
        }
        let name = LoweredName::new(linkpath, path);
        self.lookup_lowered(name, source_folder, path)
    }

    /// [`NameIndex::lookup_with`] for a linkpath already lower-cased, alone
    /// in `path`: by [`LoweredName::new`], or by [`LoweredName::appended`]
    /// and copied there (and not empty).
    pub(super) fn lookup_lowered(
        &self,
        name: LoweredName,
        source_folder: &str,
        path: &mut String,
    ) -> Lookup<'_> {
        let LoweredName {
            name_start,
            name_has_dot,
            first_hash,
        } = name;
        // C2: candidates by file name, with `.md` added when needed.
        let candidates = match name_has_dot {
            true => match self.files_named_hashed(&path[name_start..], first_hash) {
                [] => {
                    path.push_str(".md");
                    self.files_named(&path[name_start..])
                }
                found => found,
            },
            false => {
                path.push_str(".md");
                self.files_named_hashed(&path[name_start..], first_hash)
            }
        };
        if candidates.is_empty() {
            return Lookup::unresolved(&[]);
        }
        let all = candidates;
        // C3: a bare name carried by exactly one file.
        if name_start == 0 && candidates.len() == 1 {
            return Lookup::found(candidates[0], Rule::UniqueName, all);
        }
        // C4: `./` and `../` are rebuilt from the note's folder.
        if path.starts_with("./") || path.starts_with("../") {
            *path = rebuild_relative(source_folder, path);
            if let Some(&id) = candidates
                .iter()
                .find(|&&id| self.lower_path(id) == path.as_str())
            {
                return Lookup::found(id, Rule::Relative, all);
            }
        }
        // C5: the exact vault path wins; a leading `/` demands it.
        let is_absolute = path.starts_with('/');
        let wanted = path.strip_prefix('/').unwrap_or(path);
        if let Some(&id) = candidates.iter().find(|&&id| self.lower_path(id) == wanted) {
            return Lookup::found(id, Rule::ExactPath, all);
        }
        if is_absolute {
            return Lookup::unresolved(all);
        }
        // C6: paths ending in the link text; own folder first, then shortest.
        let best = |own_folder: bool| {
            candidates
                .iter()
                .copied()
                .filter(|&id| {
                    let lower = self.lower_path(id);
                    lower.ends_with(wanted) && lower.starts_with(source_folder) == own_folder
                })
                .min_by(|&a, &b| self.suffix_order(a, b))
        };
        if let Some(id) = best(true) {
            return Lookup::found(id, Rule::OwnFolder, all);
        }
        match best(false) {
            Some(id) => Lookup::found(id, Rule::Shortest, all),
            None => Lookup::unresolved(all),
        }
    }

    /// Asks the CPU to fetch what looking up `names` reads: the slots of
    /// all, then the names in them and, for a name written with a folder
    /// (compared by path), the path of the name's only file; so the lookups
    /// that follow wait for memory together rather than one after another.
    pub(super) fn prefetch<'n>(&self, names: impl Iterator<Item = &'n LoweredName> + Clone) {
        for name in names.clone() {
            self.by_name.prefetch_slot(name.first_hash);
        }
        for name in names {
            let guess = self.by_name.prefetch_name_and_guess(name.first_hash);
            // A bare name carried by one file is found without its path.
            if name.name_start == 0 {
                continue;
            }
            if let Some(Named::One(id)) = guess
                && (id as usize) < self.path_ends.len()
            {
                // Its first and last bytes: a path may span two cache lines.
                let path = self.lower_path(id).as_bytes();
                if let (Some(first), Some(last)) = (path.first(), path.last()) {
                    super::prefetch::prefetch(first);
                    super::prefetch::prefetch(last);
                }
            }
        }
    }

    /// Shorter path first (UTF-16 length, as JavaScript counts); equal lengths by
    /// [`choices::TIE_BREAK_BY_LOWERCASE_PATH_BYTES`].
    fn suffix_order(&self, a: FileId, b: FileId) -> std::cmp::Ordering {
        let by_length = self.utf16_lengths[a as usize].cmp(&self.utf16_lengths[b as usize]);
        if choices::TIE_BREAK_BY_LOWERCASE_PATH_BYTES {
            by_length.then_with(|| self.lower_path(a).cmp(self.lower_path(b)))
        } else {
            by_length
        }
    }
}

/// A linkpath lower-cased into a buffer, with what its first lookup probes:
/// made once per link, for the prefetch ([`NameIndex::prefetch`]) and the
/// lookup ([`NameIndex::lookup_lowered`]) alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LoweredName {
    /// Where the file name starts, counted from where this linkpath starts
    /// in its buffer: 0 for a bare name (no folder written).
    name_start: usize,
    /// Whether the file name has a `.`.
    name_has_dot: bool,
    /// The hash the file name is looked up under first: as written when it
    /// has a `.`, else with `.md` added.
    first_hash: u64,
}

impl LoweredName {
    /// Lower-cases the non-empty `linkpath` into `path`.
    pub(super) fn new(linkpath: &str, path: &mut String) -> LoweredName {
        path.clear();
        LoweredName::appended(linkpath, path)
    }

    /// Lower-cases the non-empty `linkpath` onto the end of `buffer` (what
    /// was there stays); the name's offsets count from where it starts.
    pub(super) fn appended(linkpath: &str, buffer: &mut String) -> LoweredName {
        let start = buffer.len();
        if linkpath.is_ascii() {
            buffer.push_str(linkpath);
            buffer[start..].make_ascii_lowercase();
        } else {
            buffer.push_str(&linkpath.to_lowercase());
        }
        let bytes = &buffer.as_bytes()[start..];
        let name_start = memchr::memrchr(b'/', bytes).map_or(0, |slash| slash + 1);
        let name_has_dot = memchr::memchr(b'.', &bytes[name_start..]).is_some();
        let first_hash = match name_has_dot {
            true => hash_name(&buffer[start + name_start..]),
            // Probed first as a note's file name: `.md` appended for the
            // hash, then taken off again.
            false => {
                buffer.push_str(".md");
                let hash = hash_name(&buffer[start + name_start..]);
                buffer.truncate(buffer.len() - ".md".len());
                hash
            }
        };
        LoweredName {
            name_start,
            name_has_dot,
            first_hash,
        }
    }
}

/// `./x` → `<folder>/x`; each `../` climbs one folder, never above the root
/// ([`choices::RELATIVE_LINKS_STOP_AT_ROOT`]).
fn rebuild_relative(source_folder: &str, path: &str) -> String {
    let mut folders: Vec<&str> = source_folder.split('/').filter(|s| !s.is_empty()).collect();
    let mut rest = path;
    loop {
        if let Some(after) = rest.strip_prefix("./") {
            rest = after;
        } else if let Some(after) = rest.strip_prefix("../") {
            folders.pop();
            rest = after;
        } else {
            break;
        }
    }
    folders.push(rest);
    folders.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lowered_name_is_hashed_as_the_file_name_it_probes_first() {
        let mut path = String::new();
        for (linkpath, lowered, name, probed) in [
            ("Note", "note", "note", "note.md"),
            ("Folder/Sub/Note", "folder/sub/note", "note", "note.md"),
            ("a.b/Note", "a.b/note", "note", "note.md"),
            ("a/Chart.PNG", "a/chart.png", "chart.png", "chart.png"),
            ("x.y/", "x.y/", "", ".md"),
            ("Ünïcode/Ärger", "ünïcode/ärger", "ärger", "ärger.md"),
            ("Ö/a.B", "ö/a.b", "a.b", "a.b"),
        ] {
            let found = LoweredName::new(linkpath, &mut path);
            assert_eq!(path, lowered, "{linkpath}");
            assert_eq!(&path[found.name_start..], name, "{linkpath}");
            assert_eq!(found.name_has_dot, name.contains('.'), "{linkpath}");
            assert_eq!(found.first_hash, hash_name(probed), "{linkpath}");
            // Appended after other names, it is the same name.
            let mut buffer = String::from("earlier/names");
            let appended = LoweredName::appended(linkpath, &mut buffer);
            assert_eq!(appended, found, "{linkpath}");
            assert_eq!(buffer, format!("earlier/names{lowered}"), "{linkpath}");
        }
    }

    #[test]
    fn relative_paths_are_rebuilt_inside_the_vault() {
        assert_eq!(rebuild_relative("a/b", "./note.md"), "a/b/note.md");
        assert_eq!(rebuild_relative("a/b", "../note.md"), "a/note.md");
        assert_eq!(rebuild_relative("a/b", "./../note.md"), "a/note.md");
        assert_eq!(rebuild_relative("a", "../../../etc/passwd"), "etc/passwd");
        assert_eq!(rebuild_relative("", "./x.md"), "x.md");
    }
}
