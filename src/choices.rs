//! Our documented choices where Obsidian's behaviour is not established.
//!
//! `obsidian-semantics.md` marks some rules [D-only] (read from unofficial copies of
//! Obsidian's code) or lists them as open questions. Each choice we made lives here,
//! once, with the reason; the code that applies it refers to the constant. When a
//! real Obsidian is checked and disagrees, this is the file to change.

/// Equal-length suffix candidates (rule C6) are ordered by the byte order of their
/// lower-cased vault paths. Obsidian's comparator is not known; this order is
/// stable, independent of the file system, and easy to explain.
pub const TIE_BREAK_BY_LOWERCASE_PATH_BYTES: bool = true;

/// Links inside `%%…%%` comments are recorded (rule I1: Obsidian's metadata cache
/// still lists them, so they appear as links and backlinks).
pub const RECORD_LINKS_IN_COMMENTS: bool = true;

/// Tags inside `%%…%%` comments are recorded too (open question 4). Comment text is
/// tokenised inline like any other text, so we treat tags the same as links.
pub const RECORD_TAGS_IN_COMMENTS: bool = true;

/// Headings, block ids and callouts that start inside a `%%…%%` comment are not part
/// of the note's structure: the comment hides them in reading view, and linking to
/// hidden text is almost certainly a mistake.
pub const STRUCTURE_IN_COMMENTS_IS_HIDDEN: bool = true;

/// An unterminated `%%` at the start of a line hides the rest of the note (what
/// Obsidian's editor shows); an unterminated `%%` inside a line is plain text.
pub const UNTERMINATED_BLOCK_COMMENT_RUNS_TO_END: bool = true;

/// Files ending in `.md` in any letter case (`Note.MD`) are notes. Obsidian's own
/// check is on the extension as written; case-insensitive file systems (macOS,
/// Windows) make the difference invisible to users, and resolution (rule A5) is
/// case-insensitive anyway.
pub const MARKDOWN_EXTENSION_IGNORES_CASE: bool = true;

/// A UTF-8 byte order mark before the opening `---` does not prevent frontmatter
/// (rule H1 leaves BOM handling unverified). Obsidian reads files with a decoder
/// that drops the BOM, so it never sees one.
pub const BOM_IS_DROPPED: bool = true;

/// Block ids written inside a blockquote, callout or table are not registered: rule
/// F5 says parts of these blocks cannot be targeted. An id at the very end of a
/// top-level quote or callout — including a `^id` line right after it with no blank
/// line, which Markdown folds into the quote, as the help vault writes them — names
/// the whole quote.
pub const BLOCK_IDS_INSIDE_QUOTES_IGNORED: bool = true;

/// A `^id` glued to what precedes it (`text^id`, `![[img.png]]^id`) is not a block
/// id (rule F4, row 42). The help vault has one such embed
/// (`Collaborate on a shared vault.md`); we report the link to it as
/// subpath-not-found rather than guess.
pub const GLUED_BLOCK_ID_IS_TEXT: bool = true;

/// In a heading chain `#A#B` (rule F3), each later part may match any later heading
/// that is deeper than the previous match, even past the end of its section.
pub const HEADING_CHAIN_UNBOUNDED: bool = true;

/// A subpath on a link to a file that is not a note (`[[Report.pdf#page=3]]`,
/// `![[photo.png#interface]]`) counts as found: the file opens, and viewers ignore
/// fragments they do not understand.
pub const SUBPATH_ON_ATTACHMENT_IS_FOUND: bool = true;

/// Reference-style links (`[text][ref]` with `[ref]: Note.md`) are not listed as
/// links: Obsidian keeps them apart (`referenceLinks`, ≥ 1.8.7), not in `links`.
pub const REFERENCE_LINKS_ARE_NOT_LINKS: bool = true;

/// `#words` inside the text of a Markdown link (`[see #x](Note.md)`) are not tags,
/// like those inside wikilinks (rule G5).
pub const NO_TAGS_IN_LINK_TEXT: bool = true;

/// `../` segments that would climb above the vault root stop at the root
/// (rule C4): nothing outside the vault is ever looked at.
pub const RELATIVE_LINKS_STOP_AT_ROOT: bool = true;

/// Entries of `.obsidian/app.json` `userIgnoreFilters`: a string is a vault-path
/// prefix (`Templates/`, `Archive/old.md`); a string of the form `/regex/` is a
/// regular expression tested against the vault path, as Obsidian's settings dialog
/// describes.
pub const IGNORE_FILTERS_ARE_PREFIXES_OR_REGEX: bool = true;

/// Notes larger than this are not parsed (they stay link targets), with a
/// `note-too-large` warning.
pub const MAX_NOTE_BYTES: u64 = 16 * 1024 * 1024;
