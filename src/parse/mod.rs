//! Parse: one file → one [`Note`] holding everything later stages need.
//!
//! The frontmatter is split off by Obsidian's rule and read as YAML; the body goes
//! through pulldown-cmark with source offsets, plus what pulldown-cmark lacks
//! (`%%` comments, tags, block ids, callouts, Obsidian's wikilink rules). Every
//! link keeps its 1-based line and character column. Nothing here looks at other
//! files: that is [`crate::resolve`]'s job.

mod block_id;
mod callout;
mod comment;
mod frontmatter;
mod heading;
mod keep;
mod markdown;
mod markdown_link;
mod plain_yaml;
mod properties;
mod quoted_links;
mod source;
mod tag;
mod text_ref;
mod wikilink;

pub use callout::{CalloutHeader, Fold, default_title};
pub use frontmatter::{FrontmatterBlock, split_frontmatter};
pub use heading::{heading_key, heading_key_into, is_heading_separator, key_hash, strip_heading};
pub use keep::KeptLink;
pub use markdown::MARKDOWN_OPTIONS;
pub use markdown_link::{decode_uri, has_scheme};
pub use properties::{Properties, PropertyValue};
pub use quoted_links::{
    QuotePiece, merge_linkpaths, quote_pieces, quoted_linkpaths, wikilink_parts,
};
pub(crate) use source::{Decoded, decode};
pub use tag::with_parents as tag_with_parents;
pub use text_ref::{Interner, TextRef};
pub use wikilink::{EmbedSize, clean_link_text, default_display, split_linktext};

use std::borrow::Cow;
use std::ops::Range;

use crate::diagnostics::{Code, Diagnostic, LineCounter, LineIndex, Location, Position};
use crate::scan::VaultPath;

/// A parsed note.
#[derive(Debug, Clone)]
pub struct Note {
    /// Where it is.
    pub path: VaultPath,
    /// Its text (BOM dropped, invalid UTF-8 replaced).
    pub text: String,
    /// The frontmatter block, if the note has one.
    pub frontmatter: Option<FrontmatterBlock>,
    /// Whether the frontmatter parsed (a note without frontmatter counts as valid).
    pub has_valid_frontmatter: bool,
    /// Its properties (empty when the frontmatter is missing or invalid).
    pub properties: Properties,
    /// Links and embeds: frontmatter links first, then the body's in source order.
    pub links: Vec<Link>,
    /// Top-level headings in order (rule F1).
    pub headings: Vec<Heading>,
    /// Blocks with a `^id` (rule F4).
    pub blocks: Vec<Block>,
    /// Tags: the `tags` property's, then the body's.
    pub tags: Vec<TagMention>,
    /// Callouts.
    pub callouts: Vec<Callout>,
    /// Footnote labels, lower-cased (rule F6).
    pub footnotes: Vec<String>,
    /// List items (every level), in the order they end.
    pub list_items: Vec<ListItem>,
    /// The `aliases` property (never used to resolve, rule C8).
    pub aliases: Vec<String>,
    /// `%%` comment ranges in `text`.
    pub comments: Vec<Range<usize>>,
    /// Problems found while parsing (copied into the vault's list by
    /// [`crate::resolve::resolve`]; moved there, leaving this empty, by
    /// [`crate::resolve::resolve_once`]).
    pub diagnostics: Vec<Diagnostic>,
    /// Strings that are not slices of `text` (see [`TextRef`]).
    pub strings: String,
    /// A hash of the path and of what a link's subpath can name here:
    /// headings, block ids, footnotes ([`Note::hash_anchors`]). Worked out
    /// once, as pages are keyed on every note's anchors on every update; 0
    /// for a note parsed for `check` ([`BodyScope::ForCheck`]), which keys no
    /// page.
    pub anchors_hash: u64,
    /// Whether the note was left unread ([`Note::unread`]): a file that is not
    /// a source, read only once a source links into it with a subpath.
    pub is_unread: bool,
}

/// A byte range in a note's text and the position where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Start byte offset.
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
    /// Line and column of `start`.
    pub position: Position,
}

impl Span {
    /// A span for `range`, starting at `position`.
    pub fn new(range: Range<usize>, position: Position) -> Span {
        let clamp = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Span {
            start: clamp(range.start),
            end: clamp(range.end),
            position,
        }
    }

    /// The byte range.
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// How a link is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkKind {
    /// `[[…]]` or `![[…]]` in the body.
    Wikilink,
    /// `[…](…)` or `![…](…)` in the body, internal only.
    Markdown,
    /// A property value that is a link (rule H4).
    Frontmatter,
}

impl LinkKind {
    /// The name used in `links` output.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Wikilink => "wikilink",
            LinkKind::Markdown => "markdown",
            LinkKind::Frontmatter => "frontmatter",
        }
    }
}

/// One link or embed, as written and as cleaned. Its strings are [`TextRef`]s:
/// read them through the note ([`Note::linkpath`], [`Note::raw`], …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// How it is written.
    pub kind: LinkKind,
    /// `![[…]]` or `![…](…)`.
    pub is_embed: bool,
    /// Whether it lies inside a `%%` comment.
    pub in_comment: bool,
    /// Where it is (for frontmatter links: where the value is written).
    pub span: Span,
    /// The link as written, brackets included; for frontmatter, the value.
    pub raw: TextRef,
    /// The file part, cleaned (rules A4, B4–B6, D1); empty means this note.
    pub linkpath: TextRef,
    /// `#Heading`, `#A#B`, `#^id`, as written.
    pub subpath: Option<TextRef>,
    /// Display text given explicitly: after `|`, an embed's alt text, a Markdown
    /// link's text.
    pub display: Option<TextRef>,
    /// An embed's size.
    pub size: Option<EmbedSize>,
    /// For frontmatter links, the key path (`jobs.0`).
    pub property: Option<TextRef>,
}

/// A top-level heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The heading's text as written.
    pub text: String,
    /// [`heading_key`] of the text: what links are compared with.
    pub key: String,
    /// A hash of `key`, so a link's subpath is compared without reading every
    /// heading's text ([`key_hash`]).
    pub key_hash: u64,
    /// The heading line(s).
    pub span: Span,
}

/// What kind of block a `^id` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A paragraph.
    Paragraph,
    /// One list item with its children.
    ListItem,
    /// A whole list.
    List,
    /// A blockquote or callout.
    Quote,
    /// A table.
    Table,
    /// A code block.
    Code,
    /// An HTML block.
    Html,
}

/// A block named by a `^id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The id as written (compared lower-cased, rule F5).
    pub id: String,
    /// What it names.
    pub kind: BlockKind,
    /// The block's extent.
    pub span: Span,
}

/// A tag in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagMention {
    /// The name without `#`, as written (compare lower-cased, rule G4); read it
    /// with [`Note::tag_name`].
    pub name: TextRef,
    /// Where it is written in the body; `None` for the `tags` property.
    pub span: Option<Span>,
    /// Whether it lies inside a `%%` comment.
    pub in_comment: bool,
}

/// A list item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListItem {
    /// The item with its nested children.
    pub span: Span,
    /// Where the item's own text ends (its first nested block, or its end).
    pub own_end: u32,
    /// 1 for an item of a list at the top of the document, 2 for a nested list…
    pub depth: u8,
    /// Whether it is inside a blockquote, callout, table or footnote.
    pub in_quote: bool,
}

/// A callout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callout {
    /// Type, fold and title.
    pub header: CalloutHeader,
    /// The whole callout.
    pub span: Span,
}

/// What of a note's body a parse collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyScope {
    /// Everything [`Note`] holds.
    Everything,
    /// What `check` reads ([`Note::keep_for_check`]): list items, callouts
    /// and tags written in the body are not collected (their lists stay
    /// empty); links, headings, blocks, footnotes and comments are, without
    /// their positions (line 0: [`Note::keep_for_check`] works out those of
    /// the links it keeps the lines of).
    ForCheck,
}

/// How a file's bytes turned out, for [`parse_note`].
pub enum NoteBytes {
    /// The file's content.
    Read(Vec<u8>),
    /// Too large to parse.
    TooLarge {
        /// Its size in bytes.
        size: u64,
        /// The limit it is over.
        limit: u64,
    },
    /// Could not be read.
    Unreadable(std::io::Error),
}

impl Note {
    /// A note with no content: for files that could not be parsed.
    pub fn empty(path: VaultPath) -> Note {
        Note {
            path,
            text: String::new(),
            frontmatter: None,
            has_valid_frontmatter: true,
            properties: Properties::default(),
            links: Vec::new(),
            headings: Vec::new(),
            blocks: Vec::new(),
            tags: Vec::new(),
            callouts: Vec::new(),
            footnotes: Vec::new(),
            list_items: Vec::new(),
            aliases: Vec::new(),
            comments: Vec::new(),
            diagnostics: Vec::new(),
            strings: String::new(),
            anchors_hash: 0,
            is_unread: false,
        }
        .with_anchors_hashed()
    }

    /// A note not read (yet): its file is not a source, and no source links
    /// into it with a heading or block to look for (see
    /// [`crate::pipeline::load_scanned`]). Nothing else is read of such a
    /// note.
    pub fn unread(path: VaultPath) -> Note {
        Note {
            is_unread: true,
            ..Note::empty(path)
        }
    }

    /// Fills in [`Note::anchors_hash`] from the path, headings, blocks and
    /// footnotes.
    pub fn with_anchors_hashed(mut self) -> Note {
        self.anchors_hash = self.hash_anchors();
        self
    }

    /// What [`Note::anchors_hash`] holds.
    pub fn hash_anchors(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut state = xxhash_rust::xxh3::Xxh3::new();
        self.path.as_str().hash(&mut state);
        for heading in &self.headings {
            (heading.level, &heading.text).hash(&mut state);
        }
        for block in &self.blocks {
            block.id.hash(&mut state);
        }
        self.footnotes.hash(&mut state);
        state.finish()
    }

    /// A string of this note.
    pub fn str(&self, text: TextRef) -> &str {
        text.get(&self.text, &self.strings)
    }

    /// The link as written (brackets included; for frontmatter, the value).
    pub fn raw(&self, link: &Link) -> &str {
        self.str(link.raw)
    }

    /// The link's file part, cleaned; empty for a link to this note.
    pub fn linkpath(&self, link: &Link) -> &str {
        self.str(link.linkpath)
    }

    /// The link's `#…` part as written.
    pub fn subpath(&self, link: &Link) -> Option<&str> {
        link.subpath.map(|subpath| self.str(subpath))
    }

    /// The frontmatter key path of a property link.
    pub fn property_key(&self, link: &Link) -> Option<&str> {
        link.property.map(|key| self.str(key))
    }

    /// The text Obsidian shows for the link: the explicit display text, else for a
    /// wikilink that is not an embed the link text with `#` as ` > ` (rule B7).
    pub fn display(&self, link: &Link) -> Option<Cow<'_, str>> {
        if let Some(display) = link.display {
            return Some(Cow::Borrowed(self.str(display)));
        }
        match link.kind {
            LinkKind::Markdown => None,
            _ if link.is_embed => None,
            _ => Some(Cow::Owned(default_display(
                self.linkpath(link),
                self.subpath(link),
            ))),
        }
    }

    /// A tag's name without `#`.
    pub fn tag_name(&self, tag: &TagMention) -> &str {
        self.str(tag.name)
    }

    /// A location in this note's text, for diagnostics.
    pub fn location(&self, range: Range<usize>) -> Location {
        let index = LineIndex::new(&self.text);
        Location::from_range(&self.text, &index, range.start, range.end)
    }

    /// The location of a span.
    pub fn span_location(&self, span: &Span) -> Location {
        let start = span.start as usize;
        let line = crate::diagnostics::line_text(&self.text, start);
        let end = (span.end as usize).min(start + line.len());
        let length = self
            .text
            .get(start..end)
            .map_or(1, |marked| marked.chars().count().max(1)) as u32;
        Location {
            start: span.position,
            length,
            line_text: std::sync::Arc::from(line),
        }
    }
}

/// A size in bytes as people read it (1 KB = 1,024 bytes).
fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    match bytes {
        0..KB => format!("{bytes} bytes"),
        KB..MB => format!("{:.1} KB", bytes as f64 / KB as f64),
        _ => format!("{:.1} MB", bytes as f64 / MB as f64),
    }
}

/// Parses one note.
pub fn parse_note(path: VaultPath, bytes: NoteBytes) -> Note {
    parse_note_for(path, bytes, |_| BodyScope::Everything)
}

/// Parses one note, collecting of its body what `scope` asks for. `scope`
/// is given the note with its path, properties, tags, aliases and problems
/// so far; nothing of its body or text is read yet.
pub fn parse_note_for(
    path: VaultPath,
    bytes: NoteBytes,
    scope: impl FnOnce(&Note) -> BodyScope,
) -> Note {
    let bytes = match bytes {
        NoteBytes::Read(bytes) => bytes,
        NoteBytes::TooLarge { size, limit } => {
            let mut note = Note::empty(path.clone());
            note.diagnostics.push(
                Diagnostic::new(
                    Code::NoteTooLarge,
                    path,
                    format!(
                        "note is {}, over the parse limit of {}; it is kept as a link target only",
                        human_size(size),
                        human_size(limit)
                    ),
                )
                .with_help(
                    "split the note, move the export or log out of the vault, or raise `max-note-bytes` in throughline.toml",
                ),
            );
            return note;
        }
        NoteBytes::Unreadable(error) => {
            let mut note = Note::empty(path.clone());
            note.diagnostics.push(
                Diagnostic::new(
                    Code::UnreadableNote,
                    path,
                    format!("cannot read the note: {error}"),
                )
                .with_help("check that the file still exists and can be read, then run again"),
            );
            return note;
        }
    };
    if bytes.is_empty() {
        let mut note = Note::empty(path.clone());
        note.diagnostics.push(
            Diagnostic::new(Code::EmptyNote, path, "note is empty")
                .with_help("write something in it, or delete it"),
        );
        return note;
    }
    let (text, first_invalid) = match source::decode(bytes) {
        source::Decoded::Text {
            text,
            first_invalid,
        } => (text, first_invalid),
        source::Decoded::Binary => {
            let mut note = Note::empty(path.clone());
            note.diagnostics.push(
                Diagnostic::new(
                    Code::BinaryNote,
                    path,
                    "file ends in `.md` but holds binary data; it is not parsed",
                )
                .with_help("give the file its real extension (`.pdf`, `.png`, …)"),
            );
            return note;
        }
    };
    parse_text(path, text, first_invalid, scope)
}

fn parse_text(
    path: VaultPath,
    text: String,
    first_invalid: Option<usize>,
    scope: impl FnOnce(&Note) -> BodyScope,
) -> Note {
    let mut interner = Interner::new(&text);
    let mut note = Note::empty(path);
    if let Some(offset) = first_invalid {
        let location = Location::from_range(&text, &LineIndex::new(&text), offset, offset + 3);
        note.diagnostics.push(
            Diagnostic::new(
                Code::InvalidUtf8,
                note.path.clone(),
                "note is not valid UTF-8; invalid bytes are read as `\u{FFFD}`",
            )
            .at(location)
            .with_help("re-save the note with UTF-8 encoding"),
        );
    }
    let frontmatter = split_frontmatter(&text);
    let body_start = frontmatter.as_ref().map_or(0, |block| block.body_start);
    let mut links = Vec::new();
    if let Some(block) = &frontmatter {
        let yaml = &text[block.yaml.clone()];
        let first_line = LineCounter::new(&text).position(block.yaml.start).line as usize;
        match properties::parse_yaml(yaml, first_line) {
            Ok(properties) => {
                links = frontmatter_links(&text, &mut interner, block, &properties);
                note.tags = frontmatter::frontmatter_tags(&properties)
                    .into_iter()
                    .map(|name| TagMention {
                        name: interner.intern(&name),
                        span: None,
                        in_comment: false,
                    })
                    .collect();
                note.aliases = frontmatter::frontmatter_aliases(&properties);
                note.properties = properties;
            }
            Err(problem) => {
                note.has_valid_frontmatter = false;
                let offset = block.yaml.start + problem.offset;
                let index = LineIndex::new(&text);
                let location = Location::from_range(&text, &index, offset, offset + 1);
                note.diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidFrontmatter,
                        note.path.clone(),
                        format!(
                            "invalid frontmatter, the note's properties are ignored: {}",
                            problem.message
                        ),
                    )
                    .at(location)
                    .with_help(problem.help),
                );
            }
        }
    }
    let scope = scope(&note);
    // Every line is indexed for a body whose positions are all worked out
    // (the frontmatter's few positions were counted).
    let index = (scope == BodyScope::Everything).then(|| LineIndex::new(&text));
    let mut facts = markdown::scan_body(
        &text,
        body_start,
        index.as_ref(),
        &mut interner,
        links,
        scope,
    );
    // A vault keeps every note's lists at once: no room to grow. (A body
    // parsed for `check` has its links copied out by `Note::keep_for_check`.)
    if scope == BodyScope::Everything {
        facts.links.shrink_to_fit();
    }
    facts.headings.shrink_to_fit();
    facts.blocks.shrink_to_fit();
    facts.callouts.shrink_to_fit();
    facts.list_items.shrink_to_fit();
    facts.comments.shrink_to_fit();
    note.links = facts.links;
    note.headings = facts.headings;
    note.blocks = facts.blocks;
    note.tags.extend(facts.tags);
    note.tags.shrink_to_fit();
    note.callouts = facts.callouts;
    note.footnotes = facts.footnotes;
    note.list_items = facts.list_items;
    note.comments = facts.comments;
    note.frontmatter = frontmatter;
    note.strings = interner.into_arena();
    note.text = text;
    match scope {
        BodyScope::Everything => note.with_anchors_hashed(),
        BodyScope::ForCheck => Note {
            anchors_hash: 0,
            ..note
        },
    }
}

/// Where `needle` (short) first occurs in `haystack`, as [`str::find`]
/// says: its first byte found by `memchr`, the rest compared (cheaper, for a
/// value of a few words, than setting up a general substring search).
fn find_short(haystack: &str, needle: &str) -> Option<usize> {
    let Some(&first) = needle.as_bytes().first() else {
        return Some(0);
    };
    memchr::memchr_iter(first, haystack.as_bytes())
        .find(|&at| haystack.as_bytes()[at..].starts_with(needle.as_bytes()))
}

/// Frontmatter links with the place their value is written (found by searching
/// the YAML text in document order; the key's line if the value is escaped).
fn frontmatter_links(
    text: &str,
    interner: &mut Interner<'_>,
    block: &FrontmatterBlock,
    properties: &Properties,
) -> Vec<Link> {
    let mut links = Vec::new();
    let mut positions = LineCounter::new(text);
    let mut search_from = block.yaml.start;
    for found in frontmatter::property_links(properties) {
        let yaml = &text[search_from..block.yaml.end];
        // The value as written in the file, so `raw` and positions point at it.
        let (range, value) = match find_short(yaml, found.value) {
            Some(at) => {
                let start = search_from + at;
                search_from = start + found.value.len();
                (
                    start..start + found.value.len(),
                    &text[start..start + found.value.len()],
                )
            }
            None => (block.yaml.start..block.yaml.start, found.value),
        };
        let parsed = if found.is_markdown {
            frontmatter::markdown_link_parts(value).and_then(|(label, destination)| {
                let target = markdown_link::internal_target(destination)?;
                let label = label.trim();
                Some((
                    target.linkpath,
                    target.subpath,
                    (!label.is_empty()).then_some(label),
                ))
            })
        } else {
            wikilink::parse_wikilink(&value[2..value.len() - 2], false)
                .map(|parts| (parts.linkpath, parts.subpath, parts.display))
        };
        let Some((linkpath, subpath, display)) = parsed else {
            continue;
        };
        links.push(Link {
            kind: LinkKind::Frontmatter,
            is_embed: false,
            in_comment: false,
            span: Span::new(range.clone(), positions.position(range.start)),
            raw: interner.intern(value),
            linkpath: interner.intern(&linkpath),
            subpath: subpath.map(|subpath| interner.intern(&subpath)),
            display: display.map(|display| interner.intern(display)),
            size: None,
            property: Some(interner.intern(&found.key)),
        });
    }
    links
}

#[cfg(test)]
mod tests;
