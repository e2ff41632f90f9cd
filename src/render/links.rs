//! Writing links the way Obsidian writes them (rule C9), checked by resolving them
//! back: every link on a generated page opens the note it means.
//!
//! "Shortest path when possible": the file name (without `.md` for notes) when
//! resolving it from the page's folder gives exactly the intended file, else the
//! full vault path. Obsidian's other settings (relative and absolute paths,
//! Markdown links) are honoured when `.obsidian/app.json` asks for them.

use std::collections::HashMap;
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
    /// Link paths already worked out, by (source folder, target): pages sit in a
    /// few folders and link the same notes again and again.
    cache: RwLock<HashMap<(String, VaultPath), String>>,
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

    fn id(&self, path: &VaultPath) -> Option<FileId> {
        self.paths
            .binary_search(path)
            .ok()
            .map(|index| index as FileId)
    }

    /// The id of the page itself (any id that is not a target works for C1).
    fn source_id(&self, from: &VaultPath) -> FileId {
        self.id(from).unwrap_or(FileId::MAX)
    }

    /// The file `linkpath` (cleaned) opens when written in `from`.
    pub fn resolve_from(&self, from: &VaultPath, linkpath: &str) -> Option<VaultPath> {
        let folder = from.folder().to_lowercase();
        let target = self
            .index
            .lookup(linkpath, self.source_id(from), &folder)
            .target?;
        self.paths.get(target as usize).cloned()
    }

    /// Whether `text` (a link path) written in `from` opens `to`.
    pub fn resolves(&self, from: &VaultPath, text: &str, to: &VaultPath) -> bool {
        let folder = from.folder().to_lowercase();
        let lookup = self.index.lookup(text, self.source_id(from), &folder);
        lookup.target.is_some() && lookup.target == self.id(to)
    }

    /// The link path to write in `from` for `to` (no brackets, no subpath).
    pub fn link_path(&self, from: &VaultPath, to: &VaultPath) -> Result<String, UnlinkableError> {
        let key = (from.folder().to_owned(), to.clone());
        if let Some(found) = self
            .cache
            .read()
            .ok()
            .and_then(|cache| cache.get(&key).cloned())
        {
            return Ok(found);
        }
        let found = self.compute_link_path(from, to)?;
        if let Ok(mut cache) = self.cache.write() {
            cache.insert(key, found.clone());
        }
        Ok(found)
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
        let subpath = subpath.filter(|s| !s.is_empty()).map(|s| {
            if s.starts_with('#') {
                s.to_owned()
            } else {
                format!("#{s}")
            }
        });
        if self.markdown {
            let text = display.map_or_else(|| to.stem().to_owned(), str::to_owned);
            let text = text.replace('[', "\\[").replace(']', "\\]");
            let text = if in_table {
                text.replace('|', "\\|")
            } else {
                text
            };
            let destination = encode_destination(&path);
            let fragment = subpath.map(|s| encode_destination(&s)).unwrap_or_default();
            return Ok(format!("[{text}]({destination}{fragment})"));
        }
        let mut link = format!("[[{path}{}", subpath.unwrap_or_default());
        if let Some(display) = display {
            let display = display.replace("[[", "[ [").replace("]]", "] ]");
            link.push_str(if in_table { "\\|" } else { "|" });
            link.push_str(&if in_table {
                display.replace('|', "\\|")
            } else {
                display
            });
        }
        link.push_str("]]");
        Ok(link)
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
