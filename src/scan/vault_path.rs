//! [`VaultPath`]: a file's place in the vault, as Obsidian names it.
//!
//! Relative to the vault root, `/`-separated, NFC-normalised (Obsidian compares
//! NFC to NFC, rule A4), never empty, never absolute, never containing `.` or `..`
//! segments — so joining it to the root can never leave the vault.

use std::borrow::Cow;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// A vault-relative path (see the module docs for its guarantees). Shared, not
/// copied, when cloned: every diagnostic, page key and model record names its
/// file, and `watch` clones them on every update.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VaultPath(Arc<str>);

/// By the paths' text, the same allocation being equal at once (`Arc`'s
/// equality does the same): lists of files from one walk hold the same
/// allocations, and merging two of them compared every path to itself
/// byte by byte.
impl Ord for VaultPath {
    fn cmp(&self, other: &VaultPath) -> std::cmp::Ordering {
        match Arc::ptr_eq(&self.0, &other.0) {
            true => std::cmp::Ordering::Equal,
            false => self.0.cmp(&other.0),
        }
    }
}

impl PartialOrd for VaultPath {
    fn partial_cmp(&self, other: &VaultPath) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl VaultPath {
    /// Checks and normalises a `/`-separated relative path; `None` when it is empty,
    /// absolute, or has empty, `.` or `..` segments.
    pub fn new(path: &str) -> Option<VaultPath> {
        VaultPath::is_valid(path).then(|| VaultPath(Arc::from(nfc(path).as_ref())))
    }

    /// Whether [`VaultPath::new`] accepts `path` (without normalising it).
    pub fn is_valid(path: &str) -> bool {
        // Bytes, not characters: every byte tested is ASCII, and this runs for
        // every link a page writes.
        let bytes = path.as_bytes();
        if bytes.is_empty() || memchr::memchr(b'\\', bytes).is_some() {
            return false;
        }
        let mut start = 0;
        for end in memchr::memchr_iter(b'/', bytes).chain([bytes.len()]) {
            if matches!(&bytes[start..end], b"" | b"." | b"..") {
                return false;
            }
            start = end + 1;
        }
        true
    }

    /// The vault path of a file system path relative to the vault root (as walkdir
    /// gives it). Names that are not UTF-8 are converted lossily.
    pub fn from_relative(relative: &Path) -> Option<VaultPath> {
        // A path as walkdir gives it is already one: its text is taken as it
        // is when it is valid UTF-8 and a valid vault path (then its
        // components joined by `/` are that same text).
        if let Some(text) = relative.to_str()
            && let Some(path) = VaultPath::new(text)
        {
            return Some(path);
        }
        let mut joined = String::new();
        for component in relative.components() {
            match component {
                Component::Normal(name) => {
                    if !joined.is_empty() {
                        joined.push('/');
                    }
                    joined.push_str(&name.to_string_lossy());
                }
                Component::CurDir => {}
                _ => return None,
            }
        }
        VaultPath::new(&joined)
    }

    /// The path as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last segment, with its extension (`Note.md`).
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// The folder part without a trailing `/`; empty at the vault root.
    pub fn folder(&self) -> &str {
        self.0.rsplit_once('/').map_or("", |(folder, _)| folder)
    }

    /// The extension after the last `.` of the file name, if any.
    pub fn extension(&self) -> Option<&str> {
        let name = self.file_name();
        name.rfind('.')
            .filter(|&dot| dot > 0)
            .map(|dot| &name[dot + 1..])
    }

    /// The file name without its extension (`Note` for `a/Note.md`).
    pub fn stem(&self) -> &str {
        let name = self.file_name();
        match name.rfind('.') {
            Some(dot) if dot > 0 => &name[..dot],
            _ => name,
        }
    }

    /// The path without a `.md` extension: how Obsidian writes a note's full path in
    /// a link (`Projects/Plan`); other files keep their extension.
    pub fn link_path(&self) -> &str {
        if self.is_markdown() {
            &self.0[..self.0.len() - 3]
        } else {
            &self.0
        }
    }

    /// Whether this is a Markdown note (`.md`, any case; see [`crate::choices`]).
    pub fn is_markdown(&self) -> bool {
        self.extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("md"))
    }

    /// Whether this path is `folder` or lies inside it (`folder` without trailing `/`).
    pub fn is_in_folder(&self, folder: &str) -> bool {
        let folder = folder.trim_end_matches('/');
        folder.is_empty()
            || self
                .0
                .strip_prefix(folder)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    /// The file system path under `root` (only for paths whose names were UTF-8 and
    /// NFC on disk; the scanner keeps the real path for reading).
    pub fn to_fs_path(&self, root: &Path) -> PathBuf {
        let mut path = root.to_path_buf();
        path.extend(self.0.split('/'));
        path
    }
}

/// `text` in Unicode Normalization Form C (Obsidian's `normalize("NFC")`),
/// borrowed when it already is.
pub fn nfc(text: &str) -> Cow<'_, str> {
    // Every character below U+0300 (ASCII, Latin-1, Latin Extended, IPA) is
    // NFC on its own and of combining class 0, so none combines with the
    // character before it or is reordered: in UTF-8, no byte of such text is
    // 0xCC or above (those lead U+0300 and up), which one pass over the bytes
    // shows far faster than the quick check over characters. ASCII, the
    // usual case, is asked first: its test reads a word at a time.
    if text.is_ascii()
        || text.bytes().all(|byte| byte < 0xCC)
        || is_nfc_quick(text.chars()) == IsNormalized::Yes
    {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

impl fmt::Display for VaultPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for VaultPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl AsRef<str> for VaultPath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_order_by_their_text_whether_or_not_they_share_an_allocation() {
        let a = VaultPath::new("Notes/a.md").unwrap();
        let b = VaultPath::new("Notes/b.md").unwrap();
        let a_again = VaultPath::new("Notes/a.md").unwrap();
        assert_eq!(a.cmp(&a.clone()), std::cmp::Ordering::Equal);
        assert_eq!(a.cmp(&a_again), std::cmp::Ordering::Equal);
        assert!(a < b && b > a_again);
        let mut paths = [b.clone(), a_again, a.clone(), b];
        paths.sort();
        assert_eq!(
            paths.iter().map(VaultPath::as_str).collect::<Vec<_>>(),
            ["Notes/a.md", "Notes/a.md", "Notes/b.md", "Notes/b.md"]
        );
    }

    #[test]
    fn text_below_u0300_is_nfc_as_written_and_decomposed_text_is_composed() {
        // The byte test agrees with the normalizer for every such character,
        // alone and after a base letter.
        for c in (0..0x300u32).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("e{c}")] {
                assert_eq!(nfc(&text), text.nfc().collect::<String>(), "{c:?}");
                assert!(matches!(nfc(&text), Cow::Borrowed(_)), "{c:?}");
            }
        }
        assert_eq!(nfc("Caf\u{e9} \u{f1}"), "Caf\u{e9} \u{f1}");
        // U+0301 (combining acute, bytes CC 81) composes with the letter before it.
        assert_eq!(nfc("Cafe\u{301}"), "Caf\u{e9}");
        assert_eq!(nfc("\u{1100}\u{1161}"), "\u{ac00}");
    }

    #[test]
    fn rejects_paths_that_could_escape() {
        for bad in [
            "",
            "/etc/passwd",
            "../x.md",
            "a/../../x",
            "a//b",
            "./a",
            "a\\b",
            "a/",
            "a/..",
            "a/./b",
            "/",
        ] {
            assert_eq!(VaultPath::new(bad), None, "{bad}");
        }
        for good in ["a", "a/b.md", ".../x", "a/..b/c.", "é/ß.md"] {
            assert!(VaultPath::is_valid(good), "{good}");
        }
        assert!(VaultPath::from_relative(Path::new("../x")).is_none());
        // Separators doubled or trailing, and `./`, are not in the vault path.
        for (relative, path) in [
            ("a//b.md", "a/b.md"),
            ("./a/b.md", "a/b.md"),
            ("a/./b.md", "a/b.md"),
            ("a/b/", "a/b"),
            ("a/b.md", "a/b.md"),
        ] {
            assert_eq!(
                VaultPath::from_relative(Path::new(relative))
                    .unwrap()
                    .as_str(),
                path,
                "{relative}"
            );
        }
    }

    #[test]
    fn normalises_to_nfc() {
        let nfd = "Cafe\u{301}.md";
        assert_eq!(VaultPath::new(nfd).unwrap().as_str(), "Caf\u{e9}.md");
    }

    #[test]
    fn parts() {
        let path = VaultPath::new("a/b/v2.0 Release.md").unwrap();
        assert_eq!(path.file_name(), "v2.0 Release.md");
        assert_eq!(path.folder(), "a/b");
        assert_eq!(path.extension(), Some("md"));
        assert_eq!(path.stem(), "v2.0 Release");
        assert_eq!(path.link_path(), "a/b/v2.0 Release");
        assert!(path.is_markdown());
        assert!(path.is_in_folder("a"));
        assert!(path.is_in_folder("a/b/"));
        assert!(!path.is_in_folder("a/b/v2"));
        let root = VaultPath::new(".hidden").unwrap();
        assert_eq!(root.extension(), None);
        assert_eq!(root.folder(), "");
        assert_eq!(
            VaultPath::new("img/photo.png").unwrap().link_path(),
            "img/photo.png"
        );
    }
}
