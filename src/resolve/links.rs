//! Resolving one note's links against the vault: the lookup (rules C1–C7), the
//! subpath check (F2–F5), and the problem a link has, with what to do about it.

use std::sync::{Arc, LazyLock};

use foldhash::HashMap;

use super::Resolution;
use super::name_index::{FileId, Lookup, NameIndex, Rule};
use super::prelink::{self, Prelinked, Unsettled};
use super::subpath::subpath_found_in;
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::{Link, LinkKind, Note};
use crate::scan::{FileKind, VaultFile};

/// The note whose links are being resolved, with what its links share.
struct LinkResolver<'a> {
    note: &'a Note,
    file: FileId,
    /// The note's folder, lower-cased.
    folder: String,
    /// Reused by every lookup.
    scratch: String,
    /// Reused by every subpath check, for the heading keys it compares.
    key: String,
    /// Problems found so far, in link order.
    diagnostics: Vec<Diagnostic>,
}

impl<'a> LinkResolver<'a> {
    fn new(note: &'a Note, file: FileId) -> LinkResolver<'a> {
        LinkResolver {
            note,
            file,
            folder: note.path.folder().to_lowercase(),
            scratch: String::new(),
            key: String::new(),
            diagnostics: Vec::new(),
        }
    }
}

pub(super) struct Context<'a> {
    pub(super) files: &'a [VaultFile],
    pub(super) notes: &'a [Note],
    pub(super) note_of_file: &'a [Option<u32>],
    pub(super) index: &'a NameIndex,
    pub(super) aliases: &'a HashMap<String, FileId>,
    /// Attachments by lower-cased file name, sorted (for broken-link hints;
    /// made when the first is needed).
    pub(super) attachments: std::sync::OnceLock<Vec<(String, FileId)>>,
}

impl Context<'_> {
    fn note(&self, file: FileId) -> Option<&Note> {
        self.note_of_file[file as usize].map(|index| &self.notes[index as usize])
    }

    pub(super) fn resolve_note(
        &self,
        note: &Note,
        file: FileId,
    ) -> (Vec<Resolution>, Vec<Diagnostic>) {
        let mut links = LinkResolver::new(note, file);
        let resolutions = note
            .links
            .iter()
            .map(|link| self.resolve_link(&mut links, link))
            .collect();
        (resolutions, links.diagnostics)
    }

    /// [`Context::resolve_note`] for a note whose links were looked up as it
    /// was parsed: a subpath is checked in the target found, and a link that
    /// may have a problem is resolved again, in full.
    pub(super) fn finish_note(
        &self,
        note: &Note,
        file: FileId,
        prelinked: Prelinked,
    ) -> (Vec<Resolution>, Vec<Diagnostic>) {
        let Prelinked {
            mut resolutions,
            unsettled,
            ..
        } = prelinked;
        let mut links = LinkResolver::new(note, file);
        for Unsettled {
            link, only_subpath, ..
        } in unsettled
        {
            let (at, link) = (link as usize, &note.links[link as usize]);
            if only_subpath
                && let (Some(target), Some(subpath)) = (resolutions[at].target, note.subpath(link))
                && self.subpath_found(target, subpath, &mut links.key)
            {
                resolutions[at].subpath_found = Some(true);
                continue;
            }
            resolutions[at] = self.resolve_link(&mut links, link);
        }
        (resolutions, links.diagnostics)
    }

    /// Resolves one link of `links.note`, noting its problem if it has one.
    fn resolve_link(&self, links: &mut LinkResolver<'_>, link: &Link) -> Resolution {
        let note = links.note;
        let lookup = self.index.lookup_with(
            note.linkpath(link),
            links.file,
            &links.folder,
            &mut links.scratch,
        );
        let subpath_found = match (note.subpath(link), lookup.target) {
            (Some(subpath), Some(target)) => {
                Some(self.subpath_found(target, subpath, &mut links.key))
            }
            _ => None,
        };
        if let Some(diagnostic) = self.link_problem(note, link, &lookup, subpath_found) {
            links.diagnostics.push(diagnostic);
        }
        Resolution {
            target: lookup.target,
            subpath_found,
        }
    }

    fn subpath_found(&self, target: FileId, subpath: &str, key: &mut String) -> bool {
        subpath_found_in(
            &self.files[target as usize],
            self.note(target),
            subpath,
            key,
        )
    }

    fn link_problem(
        &self,
        note: &Note,
        link: &Link,
        lookup: &Lookup,
        subpath_found: Option<bool>,
    ) -> Option<Diagnostic> {
        let is_ambiguous = prelink::is_ambiguous(note.linkpath(link), lookup);
        let is_problem = lookup.target.is_none() || subpath_found == Some(false) || is_ambiguous;
        if !is_problem {
            return None;
        }
        let location = note.span_location(&link.span);
        let shown = shown_link(note, link);
        let Some(target) = lookup.target else {
            let diagnostic = Diagnostic::new(
                Code::BrokenLink,
                note.path.clone(),
                format!(
                    "{shown} does not resolve: no file in the vault is named `{}`",
                    link_name(note.linkpath(link))
                ),
            )
            .at(location);
            return Some(diagnostic.with_help(self.broken_link_help(note.linkpath(link), lookup)));
        };
        if subpath_found == Some(false) {
            let subpath = note.subpath(link).unwrap_or_default();
            let target_path = &self.files[target as usize].path;
            let what = if subpath.starts_with("#^") {
                format!("no block `{}`", &subpath[1..])
            } else if subpath.starts_with("#[^") {
                format!("no footnote `{}`", &subpath[1..])
            } else {
                format!("no heading matching `{}`", subpath.trim_start_matches('#'))
            };
            let help = if subpath.starts_with("#^") {
                "add ` ^id` at the end of the block, or correct the id".to_owned()
            } else {
                let headings: Vec<&str> = self
                    .note(target)
                    .map(|target| {
                        target
                            .headings
                            .iter()
                            .take(8)
                            .map(|h| h.text.as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                if headings.is_empty() {
                    format!("`{target_path}` has no headings; link to the note without `#…`")
                } else {
                    format!(
                        "correct the heading (case and punctuation do not matter); `{target_path}` has: {}",
                        headings
                            .iter()
                            .map(|h| format!("`{h}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            };
            return Some(
                Diagnostic::new(
                    Code::SubpathNotFound,
                    note.path.clone(),
                    format!("{shown} opens `{target_path}`, but it has {what}"),
                )
                .at(location)
                .with_help(help),
            );
        }
        if is_ambiguous {
            let chosen = &self.files[target as usize].path;
            let reason = match lookup.rule {
                Some(Rule::ExactPath) => "its exact path",
                Some(Rule::OwnFolder) => "it is in this note's folder",
                _ => "it has the shortest path",
            };
            // Tens of thousands in a large vault: each text written in one
            // string, not pieced together from others.
            let mut others = lookup
                .candidates
                .iter()
                .filter(|&&id| id != target)
                .map(|&id| &self.files[id as usize].path);
            let example = others.clone().next().map_or("", |path| path.link_path());
            let mut help = String::from("also named so: ");
            if let Some(first) = others.next() {
                write_into(&mut help, format_args!("`{first}`"));
            }
            for other in others {
                write_into(&mut help, format_args!(", `{other}`"));
            }
            write_into(
                &mut help,
                format_args!("; write the folder to choose one, e.g. `[[{example}]]`"),
            );
            return Some(
                Diagnostic::new(
                    Code::AmbiguousLink,
                    note.path.clone(),
                    format!(
                        "{shown} matches {} files; Obsidian opens `{chosen}` ({reason})",
                        lookup.candidates.len()
                    ),
                )
                .at(location)
                .with_help(help),
            );
        }
        None
    }

    /// Attachments whose lower-cased file name starts with `lower_prefix`, by
    /// name.
    fn attachments_named(&self, lower_prefix: &str) -> impl Iterator<Item = FileId> {
        let names = self.attachments.get_or_init(|| {
            let mut names: Vec<(String, FileId)> = (0..self.files.len() as FileId)
                .filter(|&id| self.files[id as usize].kind == FileKind::Attachment)
                .map(|id| (self.files[id as usize].path.file_name().to_lowercase(), id))
                .collect();
            names.sort();
            names
        });
        let first = names.partition_point(|(name, _)| name.as_str() < lower_prefix);
        names[first..]
            .iter()
            .take_while(move |(name, _)| name.starts_with(lower_prefix))
            .map(|&(_, id)| id)
    }

    fn broken_link_help(&self, linkpath: &str, lookup: &Lookup) -> Arc<str> {
        let lower = linkpath.to_lowercase();
        if let Some(&file) = self.aliases.get(&lower) {
            let path = &self.files[file as usize].path;
            return format!(
                "`{}` is an alias of `{path}`, and aliases do not resolve links: write `[[{}|{}]]`",
                linkpath,
                path.stem(),
                linkpath
            )
            .into();
        }
        if linkpath.starts_with('/') && !lookup.candidates.is_empty() {
            return "a leading `/` asks for the exact vault path; remove it or write the full path"
                .into();
        }
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        if !name.is_empty() {
            let with_extension: Vec<String> = self
                .attachments_named(&format!("{name}."))
                .take(3)
                .map(|id| format!("`{}`", self.files[id as usize].path.file_name()))
                .collect();
            if !with_extension.is_empty() {
                return format!(
                    "links to files other than notes need the extension: {}",
                    with_extension.join(", ")
                )
                .into();
            }
        }
        CORRECT_OR_CREATE.clone()
    }
}

/// The help of most broken links, made once and shared: tens of thousands
/// of them in a large vault.
static CORRECT_OR_CREATE: LazyLock<Arc<str>> =
    LazyLock::new(|| Arc::from("correct the link text, or create the note"));

/// Appends formatted text to a string (which cannot fail).
fn write_into(text: &mut String, arguments: std::fmt::Arguments<'_>) {
    use std::fmt::Write;
    text.write_fmt(arguments)
        .expect("writing to a String cannot fail");
}

/// How a link is quoted in messages (written straight into the message).
fn shown_link<'a>(note: &'a Note, link: &'a Link) -> ShownLink<'a> {
    ShownLink { note, link }
}

/// A link as messages quote it: see [`shown_link`].
struct ShownLink<'a> {
    note: &'a Note,
    link: &'a Link,
}

impl std::fmt::Display for ShownLink<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (note, link) = (self.note, self.link);
        match link.kind {
            LinkKind::Frontmatter => write!(
                f,
                "`{}` in property `{}`",
                note.raw(link),
                note.property_key(link).unwrap_or_default()
            ),
            _ => write!(f, "`{}`", note.raw(link)),
        }
    }
}

/// The file name a link path asks for, for messages.
fn link_name(linkpath: &str) -> &str {
    linkpath.rsplit('/').next().unwrap_or(linkpath)
}
