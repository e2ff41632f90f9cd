//! The links in an observation's text as a generated page quotes it: one walk
//! over the text, shared by the quoting itself ([`crate::render::quote_for_page`])
//! and by what the model records of the text ([`quoted_linkpaths`]), so that
//! both see the same links.
//!
//! The walk is not the parser's: a quote is a line or two of Markdown taken out
//! of its note, and the walk finds `[[wikilinks]]`, `![[embeds]]` and internal
//! `[label](destination)` links anywhere outside a code span.

use std::borrow::Cow;

use super::{clean_link_text, decode_uri, has_scheme, split_linktext};

/// One piece of a quoted text, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuotePiece<'t> {
    /// A wikilink or an embed: what is between its brackets.
    Wikilink(&'t str),
    /// An internal Markdown link: its label, and its destination decoded and
    /// cleaned (a linkpath and maybe a `#subpath`).
    MarkdownLink {
        /// What the link shows.
        label: &'t str,
        /// The destination as link text.
        linktext: String,
    },
    /// Text that starts nothing, or a code span: copied as it is.
    Text(&'t str),
    /// A `#` that starts a word (a tag, on the page it is quoted on).
    WordHash,
    /// Any other character.
    Char(char),
}

/// Walks `text`, handing each piece to `each`.
pub fn quote_pieces<'t>(text: &'t str, mut each: impl FnMut(QuotePiece<'t>)) {
    let mut rest = text;
    let mut at_word_start = true;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("![[").or_else(|| rest.strip_prefix("[["))
            && let Some(close) = after.find("]]")
            && !after[..close].contains('\n')
        {
            each(QuotePiece::Wikilink(&after[..close]));
            rest = &after[close + 2..];
            at_word_start = false;
            continue;
        }
        if rest.starts_with('[')
            && let Some((label, linktext, used)) = markdown_link_at(rest)
        {
            each(QuotePiece::MarkdownLink { label, linktext });
            rest = &rest[used..];
            at_word_start = false;
            continue;
        }
        if rest.starts_with('`')
            && let Some(close) = rest[1..].find('`')
        {
            each(QuotePiece::Text(&rest[..close + 2]));
            rest = &rest[close + 2..];
            at_word_start = false;
            continue;
        }
        // A run of text that starts nothing is copied whole.
        let run = rest
            .bytes()
            .position(|byte| matches!(byte, b'[' | b'!' | b'`' | b'#'))
            .unwrap_or(rest.len());
        if run > 0 {
            let (copied, after) = rest.split_at(run);
            each(QuotePiece::Text(copied));
            at_word_start = copied.chars().next_back().is_some_and(char::is_whitespace);
            rest = after;
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        match c == '#' && at_word_start {
            true => each(QuotePiece::WordHash),
            false => each(QuotePiece::Char(c)),
        }
        at_word_start = c.is_whitespace();
        rest = &rest[c.len_utf8()..];
    }
}

/// What is between a wikilink's brackets, split: its link text cleaned (a
/// linkpath and maybe a `#subpath`) and what it shows, if it says (`|`).
pub fn wikilink_parts(inner: &str) -> (Cow<'_, str>, Option<&str>) {
    let (link, display) = match inner.find('|') {
        Some(bar) if bar > 0 => (&inner[..bar], Some(inner[bar + 1..].trim())),
        _ => (inner, None),
    };
    let link = link.trim();
    let link = link.strip_suffix('\\').unwrap_or(link);
    (clean_link_text(link), display)
}

/// `[label](destination)` at the start of `text`, when it is an internal
/// link: its label, its destination as link text, and the bytes it used.
fn markdown_link_at(text: &str) -> Option<(&str, String, usize)> {
    let close = text.find("](")?;
    let label = &text[1..close];
    if label.contains(['[', '\n']) {
        return None;
    }
    let after = &text[close + 2..];
    let end = after.find(')')?;
    let destination = after[..end].trim();
    let destination = destination
        .strip_prefix('<')
        .and_then(|d| d.strip_suffix('>'))
        .unwrap_or(destination);
    if has_scheme(destination) {
        return None;
    }
    let decoded = decode_uri(destination)?;
    let linktext = clean_link_text(&decoded).into_owned();
    Some((label, linktext, close + 2 + end + 1))
}

/// The linkpaths of the links in `text`, each once, sorted, with whether
/// one of them names a heading or block (`[[Note#Heading]]`,
/// `[see](Note.md#^id)`; an empty linkpath is the note itself): a page
/// quoting the text writes a link to the file each opens, and looks for
/// those headings and blocks there.
pub fn quoted_linkpaths(text: &str) -> Vec<(String, bool)> {
    let mut found: Vec<(String, bool)> = Vec::new();
    // Most observations have no link, and say so at once.
    if !text.contains('[') {
        return found;
    }
    let mut add = |linktext: &str| {
        let (linkpath, subpath) = split_linktext(linktext);
        found.push((linkpath.to_owned(), subpath.is_some()));
    };
    quote_pieces(text, |piece| match piece {
        QuotePiece::Wikilink(inner) => add(&wikilink_parts(inner).0),
        QuotePiece::MarkdownLink { linktext, .. } => add(&linktext),
        _ => {}
    });
    merge_linkpaths(&mut found);
    found
}

/// Sorts `links` and keeps each linkpath once, with whether any of its
/// links has a subpath.
pub fn merge_linkpaths(links: &mut Vec<(String, bool)>) {
    // With a subpath first: `dedup_by` keeps the first of each run.
    links.sort_unstable_by(|(a, a_sub), (b, b_sub)| a.cmp(b).then(b_sub.cmp(a_sub)));
    links.dedup_by(|later, kept| later.0 == kept.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_links_code_spans_runs_and_word_hashes() {
        let mut pieces = Vec::new();
        quote_pieces(
            "a [[B|c]] `[[d]]` #e [f](G%20h.md#I) [w](https://x) ![[J]]",
            |p| pieces.push(p),
        );
        use QuotePiece::*;
        assert_eq!(
            pieces,
            [
                Text("a "),
                Wikilink("B|c"),
                Text(" "),
                Text("`[[d]]`"),
                Text(" "),
                WordHash,
                Text("e "),
                MarkdownLink {
                    label: "f",
                    linktext: "G h.md#I".to_owned()
                },
                Text(" "),
                Char('['),
                Text("w](https://x) "),
                Wikilink("J"),
            ]
        );
    }

    #[test]
    fn wikilink_parts_split_the_display_and_clean_the_link() {
        assert_eq!(
            wikilink_parts(" Note#H |shown"),
            ("Note#H".into(), Some("shown"))
        );
        assert_eq!(wikilink_parts("Note\\|x"), ("Note".into(), Some("x")));
        assert_eq!(wikilink_parts("|x"), ("|x".into(), None));
    }

    #[test]
    fn quoted_linkpaths_are_every_link_once_with_whether_one_has_a_subpath() {
        let owned = |list: &[(&str, bool)]| -> Vec<(String, bool)> {
            list.iter()
                .map(|&(path, sub)| (path.to_owned(), sub))
                .collect()
        };
        assert_eq!(
            quoted_linkpaths(
                "See [[A]], [[a b#^id|x]], [[A#Other]], [[#Self]], [[Plain]], `[[Code#X]]`, \
                 [md](C.md#H), [web](https://x.y/#z) #tag"
            ),
            owned(&[
                ("", true),
                ("A", true),
                ("C.md", true),
                ("Plain", false),
                ("a b", true)
            ])
        );
        assert!(quoted_linkpaths("no links #tag").is_empty());
        assert_eq!(
            quoted_linkpaths("[[Note]] and [x](y.md)"),
            owned(&[("Note", false), ("y.md", false)])
        );
    }
}
