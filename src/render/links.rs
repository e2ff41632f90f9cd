//! Writing links the way Obsidian writes them (rule C9), checked by resolving them
//! back: every link on a generated page opens the note it means.
//!
//! "Shortest path when possible": the file name (without `.md` for notes) when
//! resolving it from the page's folder gives exactly the intended file, else the
//! full vault path. Obsidian's other settings (relative and absolute paths,
//! Markdown links) are honoured when `.obsidian/app.json` asks for them.

use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;
use std::sync::RwLock;

use crate::config::NewLinkFormat;
use crate::resolve::{FileId, NameIndex};
use crate::scan::VaultPath;

/// Writes links between the vault's files, including the pages about to be
/// generated.
#[derive(Debug)]
pub struct LinkWriter {
    paths: Vec<VaultPath>,
    index: NameIndex,
    format: NewLinkFormat,
    markdown: bool,
    /// Link paths already worked out, by source folder, then target path: pages
    /// sit in a few folders and link the same notes again and again (looked up
    /// with borrowed strings: a large build writes millions of links).
    cache: RwLock<HashMap<String, HashMap<String, String>>>,
}

/// A link asked for by text could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkTextError {
    /// The page or the target is not a vault path.
    #[error("`{0}` is not a vault path")]
    NotAPath(String),
    /// No link text resolves back to the target.
    #[error(transparent)]
    Unlinkable(#[from] UnlinkableError),
}

fn vault_paths(from: &str, to: &str) -> Result<(VaultPath, VaultPath), LinkTextError> {
    let path =
        |text: &str| VaultPath::new(text).ok_or_else(|| LinkTextError::NotAPath(text.to_owned()));
    Ok((path(from)?, path(to)?))
}

/// A link could not be written so that it resolves back to its target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no link text from `{from}` resolves to `{to}`")]
pub struct UnlinkableError {
    /// The page.
    pub from: String,
    /// The target.
    pub to: String,
}

impl LinkWriter {
    /// A writer over `paths` (every file of the vault and every page to be written).
    pub fn new(mut paths: Vec<VaultPath>, format: NewLinkFormat, markdown: bool) -> LinkWriter {
        paths.sort();
        paths.dedup();
        let index = NameIndex::from_paths(&paths);
        LinkWriter {
            paths,
            index,
            format,
            markdown,
            cache: RwLock::new(HashMap::new()),
        }
    }

    /// Whether this writer is the one [`LinkWriter::new`] would make from
    /// `paths` (sorted in place) and these settings.
    pub fn writes_for(
        &self,
        paths: &mut Vec<VaultPath>,
        format: NewLinkFormat,
        markdown: bool,
    ) -> bool {
        paths.sort();
        paths.dedup();
        self.format == format && self.markdown == markdown && self.paths == *paths
    }

    fn id(&self, path: &VaultPath) -> Option<FileId> {
        self.paths
            .binary_search(path)
            .ok()
            .map(|index| index as FileId)
    }

    /// The id of the page itself (any id that is not a target works for C1),
    /// looked for only when `linkpath` is empty: only then does a lookup read
    /// it (rule C1, a link to the note itself).
    fn source_id_for(&self, from: &VaultPath, linkpath: &str) -> FileId {
        match linkpath.is_empty() {
            true => self.id(from).unwrap_or(FileId::MAX),
            false => FileId::MAX,
        }
    }

    /// The file `linkpath` (cleaned) opens when written in `from`.
    pub fn resolve_from(&self, from: &VaultPath, linkpath: &str) -> Option<VaultPath> {
        let folder = from.folder().to_lowercase();
        let target = self
            .index
            .lookup(linkpath, self.source_id_for(from, linkpath), &folder)
            .target?;
        self.paths.get(target as usize).cloned()
    }

    /// Whether `text` (a link path) written in `from` opens `to`.
    pub fn resolves(&self, from: &VaultPath, text: &str, to: &VaultPath) -> bool {
        let folder = from.folder().to_lowercase();
        let lookup = self
            .index
            .lookup(text, self.source_id_for(from, text), &folder);
        lookup.target.is_some() && lookup.target == self.id(to)
    }

    /// The link path to write in `from` for `to` (no brackets, no subpath).
    pub fn link_path(&self, from: &VaultPath, to: &VaultPath) -> Result<String, UnlinkableError> {
        if let Some(found) = self.cached(from.folder(), to.as_str()) {
            return Ok(found);
        }
        let found = self.compute_link_path(from, to)?;
        self.remember(from.folder(), to.as_str(), &found);
        Ok(found)
    }

    /// [`LinkWriter::link_path`] for paths as text (a template's `page` and
    /// target), made vault paths only when the answer is not known yet.
    fn link_path_of(&self, from: &str, to: &str) -> Result<String, LinkTextError> {
        // The cache holds only what was worked out for valid paths: a hit
        // means `to` and the folder of `from` are valid, and only the rest of
        // `from` is left to check — its file name, and that the folder part is
        // not an empty first segment (`/Page.md` splits into the root's
        // folder `""` and `Page.md`).
        let (folder, name) = from.rsplit_once('/').unwrap_or(("", from));
        if let Some(found) = self.cached(folder, to) {
            return match VaultPath::is_valid(name) && !from.starts_with('/') {
                true => Ok(found),
                false => Err(LinkTextError::NotAPath(from.to_owned())),
            };
        }
        for path in [from, to] {
            if !VaultPath::is_valid(path) {
                return Err(LinkTextError::NotAPath(path.to_owned()));
            }
        }
        let (from_path, to_path) = vault_paths(from, to)?;
        let found = self.compute_link_path(&from_path, &to_path)?;
        self.remember(folder, to, &found);
        Ok(found)
    }

    fn cached(&self, folder: &str, to: &str) -> Option<String> {
        let cache = self.cache.read().ok()?;
        cache.get(folder)?.get(to).cloned()
    }

    fn remember(&self, folder: &str, to: &str, found: &str) {
        if let Ok(mut cache) = self.cache.write() {
            cache
                .entry(folder.to_owned())
                .or_default()
                .insert(to.to_owned(), found.to_owned());
        }
    }

    fn compute_link_path(
        &self,
        from: &VaultPath,
        to: &VaultPath,
    ) -> Result<String, UnlinkableError> {
        let keep_extension = self.markdown || !to.is_markdown();
        let full = if keep_extension {
            to.as_str()
        } else {
            to.link_path()
        };
        let candidates: Vec<String> = match self.format {
            NewLinkFormat::Shortest => {
                let name = if keep_extension {
                    to.file_name()
                } else {
                    to.stem()
                };
                vec![name.to_owned(), full.to_owned()]
            }
            NewLinkFormat::Absolute => vec![full.to_owned()],
            NewLinkFormat::Relative => vec![relative_path(from.folder(), full), full.to_owned()],
        };
        candidates
            .into_iter()
            .find(|candidate| self.resolves(from, candidate, to))
            .ok_or_else(|| UnlinkableError {
                from: from.to_string(),
                to: to.to_string(),
            })
    }

    /// A complete link from `from` to `to`, with an optional `#subpath` and display
    /// text. `in_table` escapes the `|` of a wikilink as `\|` (rule B4).
    pub fn link(
        &self,
        from: &VaultPath,
        to: &VaultPath,
        subpath: Option<&str>,
        display: Option<&str>,
        in_table: bool,
    ) -> Result<String, UnlinkableError> {
        let path = self.link_path(from, to)?;
        Ok(self.complete_link(path, Some(to), subpath, display, in_table))
    }

    /// [`LinkWriter::link`] for paths as text, as the `wikilink` filter has them.
    pub fn link_of(
        &self,
        from: &str,
        to: &str,
        subpath: Option<&str>,
        display: Option<&str>,
        in_table: bool,
    ) -> Result<String, LinkTextError> {
        let path = self.link_path_of(from, to)?;
        let to = if self.markdown {
            Some(VaultPath::new(to).ok_or_else(|| LinkTextError::NotAPath(to.to_owned()))?)
        } else {
            None
        };
        Ok(self.complete_link(path, to.as_ref(), subpath, display, in_table))
    }

    /// The link around `path`; `to` (its target) is needed for Markdown links only.
    fn complete_link(
        &self,
        path: String,
        to: Option<&VaultPath>,
        subpath: Option<&str>,
        display: Option<&str>,
        in_table: bool,
    ) -> String {
        let subpath: Option<Cow<'_, str>> =
            subpath
                .filter(|s| !s.is_empty())
                .map(|s| match s.starts_with('#') {
                    true => Cow::Borrowed(s),
                    false => Cow::Owned(format!("#{s}")),
                });
        if self.markdown {
            let text = display.map_or_else(
                || to.map(|to| to.stem().to_owned()).unwrap_or_default(),
                str::to_owned,
            );
            let text = text.replace('[', "\\[").replace(']', "\\]");
            let text = if in_table {
                text.replace('|', "\\|")
            } else {
                text
            };
            let destination = encode_destination(&path);
            let fragment = subpath.map(|s| encode_destination(&s)).unwrap_or_default();
            return format!("[{text}]({destination}{fragment})");
        }
        // Pushed piece by piece: every page writes thousands of these.
        let subpath = subpath.as_deref().unwrap_or_default();
        let mut link = String::with_capacity(
            path.len() + subpath.len() + display.map_or(0, |d| d.len() + 2) + 4,
        );
        link.push_str("[[");
        link.push_str(&path);
        link.push_str(subpath);
        if let Some(display) = display {
            push_display(&mut link, display, in_table);
        }
        link.push_str("]]");
        link
    }
}

/// Appends `|display` to a wikilink being written: `[[` and `]]` in it broken
/// up so they cannot end or start a link, and in a table `|` escaped as `\|`
/// (rule B4).
fn push_display(link: &mut String, display: &str, in_table: bool) {
    link.push_str(if in_table { "\\|" } else { "|" });
    let breaks_link =
        display.contains("[[") || display.contains("]]") || (in_table && display.contains('|'));
    if !breaks_link {
        link.push_str(display);
        return;
    }
    let display = display.replace("[[", "[ [").replace("]]", "] ]");
    match in_table {
        true => link.push_str(&display.replace('|', "\\|")),
        false => link.push_str(&display),
    }
}

/// `../`-style path from `folder` to `path` (both vault-relative).
fn relative_path(folder: &str, path: &str) -> String {
    let from: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = path.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    let joined = parts.join("/");
    if from.len() == common {
        format!("./{joined}")
    } else {
        joined
    }
}

/// A Markdown link destination: spaces and the characters Markdown cannot carry
/// are percent-encoded (rule C9, RN v0.10.12).
fn encode_destination(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '^' if !out.ends_with('#') => out.push_str("%5E"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> VaultPath {
        VaultPath::new(p).unwrap()
    }

    fn writer(paths: &[&str], format: NewLinkFormat, markdown: bool) -> LinkWriter {
        LinkWriter::new(paths.iter().map(|p| path(p)).collect(), format, markdown)
    }

    #[test]
    fn links_asked_for_by_text_are_the_links_of_vault_paths() {
        for (format, markdown) in [
            (NewLinkFormat::Shortest, false),
            (NewLinkFormat::Relative, false),
            (NewLinkFormat::Shortest, true),
        ] {
            let links = writer(
                &[
                    "Insights/A.md",
                    "Concepts/Onboarding.md",
                    "Jobs/Archive/Onboarding.md",
                    "Out/Page.md",
                    "Out/Insights/Other page.md",
                ],
                format,
                markdown,
            );
            for from in ["Out/Page.md", "Out/Insights/Other page.md"] {
                for to in ["Insights/A.md", "Concepts/Onboarding.md", "Out/Page.md"] {
                    let expected = links
                        .link(&path(from), &path(to), Some("#^b"), Some("a|b"), true)
                        .unwrap();
                    // Twice: the second answer comes from the cache.
                    for _ in 0..2 {
                        let by_text = links
                            .link_of(from, to, Some("#^b"), Some("a|b"), true)
                            .unwrap();
                        assert_eq!(by_text, expected, "{from} → {to} ({format:?}, {markdown})");
                    }
                }
            }
        }
    }

    #[test]
    fn a_writer_is_kept_only_for_the_same_files_and_settings() {
        let links = writer(&["b/B.md", "A.md"], NewLinkFormat::Shortest, false);
        let mut same = vec![path("A.md"), path("b/B.md"), path("A.md")];
        assert!(links.writes_for(&mut same, NewLinkFormat::Shortest, false));
        let mut more = vec![path("A.md"), path("b/B.md"), path("c/B.md")];
        assert!(!links.writes_for(&mut more, NewLinkFormat::Shortest, false));
        let mut same = vec![path("b/B.md"), path("A.md")];
        assert!(!links.writes_for(&mut same, NewLinkFormat::Absolute, false));
        assert!(!links.writes_for(&mut same, NewLinkFormat::Shortest, true));
    }

    #[test]
    fn text_that_is_not_a_vault_path_is_an_error() {
        let links = writer(
            &["Insights/A.md", "Out/Page.md"],
            NewLinkFormat::Shortest,
            false,
        );
        assert_eq!(
            links.link_of("Out/Page.md", "../A.md", None, None, false),
            Err(LinkTextError::NotAPath("../A.md".to_owned()))
        );
        assert_eq!(
            links.link_of("/Out/Page.md", "Insights/A.md", None, None, false),
            Err(LinkTextError::NotAPath("/Out/Page.md".to_owned()))
        );
        assert!(matches!(
            links.link_of("Out/Page.md", "Missing.md", None, None, false),
            Err(LinkTextError::Unlinkable(_))
        ));
        // Also once the page's folder is in the cache.
        links
            .link_of("Out/Page.md", "Insights/A.md", None, None, false)
            .unwrap();
        // And once the root's is: `/Page.md` has the root's folder part.
        links
            .link_of("Page.md", "Insights/A.md", None, None, false)
            .unwrap();
        for page in [
            "Out/..",
            "Out/.",
            "Out/",
            "Out/a\\b.md",
            "Out/./Page.md",
            "Out//Page.md",
            "/Page.md",
            "/Out/Page.md",
        ] {
            assert_eq!(
                links.link_of(page, "Insights/A.md", None, None, false),
                Err(LinkTextError::NotAPath(page.to_owned()))
            );
        }
    }

    #[test]
    fn shortest_when_unique_else_full_path() {
        let links = writer(
            &[
                "Insights/A.md",
                "Concepts/Onboarding.md",
                "Jobs/Archive/Onboarding.md",
                "img/p.png",
                "Out/Page.md",
            ],
            NewLinkFormat::Shortest,
            false,
        );
        let page = path("Out/Page.md");
        assert_eq!(
            links
                .link(&page, &path("Insights/A.md"), None, None, false)
                .unwrap(),
            "[[A]]"
        );
        assert_eq!(
            links
                .link(
                    &page,
                    &path("Jobs/Archive/Onboarding.md"),
                    Some("#^x"),
                    Some("see"),
                    false
                )
                .unwrap(),
            "[[Jobs/Archive/Onboarding#^x|see]]"
        );
        assert_eq!(
            links
                .link(&page, &path("img/p.png"), None, None, false)
                .unwrap(),
            "[[p.png]]"
        );
        assert_eq!(
            links
                .link(&page, &path("Insights/A.md"), None, Some("a|b"), true)
                .unwrap(),
            "[[A\\|a\\|b]]"
        );
        // A display text that would close or open a link is broken up.
        assert_eq!(
            links
                .link(
                    &page,
                    &path("Insights/A.md"),
                    Some("Top"),
                    Some("x]]y[[z"),
                    false
                )
                .unwrap(),
            "[[A#Top|x] ]y[ [z]]"
        );
        assert_eq!(
            links
                .link(&page, &path("Insights/A.md"), None, Some("a|b"), false)
                .unwrap(),
            "[[A|a|b]]"
        );
    }

    #[test]
    fn relative_absolute_and_markdown() {
        let relative = writer(
            &["a/b/Note.md", "Out/Page.md"],
            NewLinkFormat::Relative,
            false,
        );
        assert_eq!(
            relative
                .link_path(&path("Out/Page.md"), &path("a/b/Note.md"))
                .unwrap(),
            "../a/b/Note"
        );
        let absolute = writer(
            &["a/b/Note.md", "Out/Page.md"],
            NewLinkFormat::Absolute,
            false,
        );
        assert_eq!(
            absolute
                .link_path(&path("Out/Page.md"), &path("a/b/Note.md"))
                .unwrap(),
            "a/b/Note"
        );
        let markdown = writer(
            &["a/My Note.md", "Out/Page.md"],
            NewLinkFormat::Shortest,
            true,
        );
        assert_eq!(
            markdown
                .link(
                    &path("Out/Page.md"),
                    &path("a/My Note.md"),
                    Some("#Some Heading"),
                    None,
                    false
                )
                .unwrap(),
            "[My Note](My%20Note.md#Some%20Heading)"
        );
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative_path("Out", "a/b/Note"), "../a/b/Note");
        assert_eq!(relative_path("", "a/Note"), "./a/Note");
        assert_eq!(relative_path("a", "a/b/Note"), "./b/Note");
    }
}
