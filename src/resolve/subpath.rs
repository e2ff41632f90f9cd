//! Does a link's `#…` part name something in its target (rules F2–F6)?
//!
//! `#^id` names a block (ids compare case-insensitively), `#[^label]` a footnote,
//! anything else a heading or a chain of headings compared by Obsidian's
//! `stripHeading`.

use crate::choices;
use crate::parse::{Heading, Note, heading_key_into, key_hash};
use crate::scan::{FileKind, VaultFile};

/// Whether `subpath` exists in `file`: in its note when it has one (`note`),
/// else when it is an attachment, as [`choices::SUBPATH_ON_ATTACHMENT_IS_FOUND`]
/// says.
/// `key` is a buffer for the heading keys compared, reused across calls.
pub(super) fn subpath_found_in(
    file: &VaultFile,
    note: Option<&Note>,
    subpath: &str,
    key: &mut String,
) -> bool {
    match note {
        Some(note) => {
            debug_assert!(
                !note.is_unread,
                "`{}` is a subpath target, so it was read (see `pipeline::load_scanned`)",
                note.path
            );
            subpath_exists_with(note, subpath, key)
        }
        None => file.kind == FileKind::Attachment && choices::SUBPATH_ON_ATTACHMENT_IS_FOUND,
    }
}

/// Whether `subpath` (starting with `#`) exists in `note`.
pub fn subpath_exists(note: &Note, subpath: &str) -> bool {
    subpath_exists_with(note, subpath, &mut String::new())
}

/// [`subpath_exists`] with a buffer for the heading keys it compares.
fn subpath_exists_with(note: &Note, subpath: &str, key: &mut String) -> bool {
    let inner = subpath.strip_prefix('#').unwrap_or(subpath);
    if let Some(id) = inner.strip_prefix('^') {
        let id = id.trim();
        return note
            .blocks
            .iter()
            .any(|block| block.id.eq_ignore_ascii_case(id));
    }
    if let Some(label) = inner
        .strip_prefix("[^")
        .and_then(|rest| rest.strip_suffix(']'))
    {
        let label = label.to_lowercase();
        return note.footnotes.contains(&label);
    }
    // `[[Note#]]`: nothing after the `#` names the note itself.
    if subpath.split('#').all(|part| part.trim().is_empty()) {
        return true;
    }
    heading_chain_with(&note.headings, subpath, key).is_some()
}

/// The index of the heading a `#A#B` chain lands on (rule F3): the first heading
/// matching `A`, then the first later, deeper heading matching `B`, and so on.
pub fn find_heading_chain(headings: &[Heading], subpath: &str) -> Option<usize> {
    heading_chain_with(headings, subpath, &mut String::new())
}

/// [`find_heading_chain`] with a buffer for the keys it compares.
fn heading_chain_with(headings: &[Heading], subpath: &str, key: &mut String) -> Option<usize> {
    let mut level = 0;
    let mut from = 0;
    let mut found = None;
    let mut section_end = headings.len();
    for part in subpath.split('#').filter(|part| !part.trim().is_empty()) {
        heading_key_into(part, key);
        let hash = key_hash(key);
        let index = (from..section_end).find(|&i| {
            let heading = &headings[i];
            heading.level > level && heading.key_hash == hash && heading.key == *key
        })?;
        level = headings[index].level;
        from = index + 1;
        if !choices::HEADING_CHAIN_UNBOUNDED {
            section_end = (from..headings.len())
                .find(|&i| headings[i].level <= level)
                .unwrap_or(headings.len());
        }
        found = Some(index);
    }
    found
}
