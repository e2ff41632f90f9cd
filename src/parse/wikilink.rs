//! The inside of a `[[…]]`: link path, subpath, display text and embed size.
//!
//! pulldown-cmark finds wikilinks (and keeps them out of code, math and HTML); this
//! module re-reads the source text of each one by Obsidian's rules, because
//! pulldown-cmark neither trims, nor strips the table escape, nor refuses a newline
//! (rules B1–B7, E2). Parts borrow from the source text whenever cleaning leaves
//! them unchanged, so a note's links cost no allocation in the common case.

use std::borrow::Cow;

/// A wikilink's parts, cleaned as Obsidian cleans them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WikilinkParts<'a> {
    /// The file part: trimmed, NBSP → space, NFC; empty for `[[#Heading]]`.
    pub linkpath: Cow<'a, str>,
    /// From the first `#` on (`#Heading`, `#A#B`, `#^id`), as written.
    pub subpath: Option<Cow<'a, str>>,
    /// Text after the first `|`, trimmed; for embeds, the alt text before a size.
    pub display: Option<&'a str>,
    /// `|W` or `|WxH` of an embed.
    pub size: Option<EmbedSize>,
}

/// The width and optional height of an embed (`![[img.png|100x145]]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbedSize {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: Option<u32>,
}

/// The bytes [`parse_wikilink`]'s scan stops at.
const NOTABLE: [bool; 256] = {
    let mut table = [false; 256];
    let mut at = 0;
    let notable = b"\n\r[|#\xC2";
    while at < notable.len() {
        table[notable[at] as usize] = true;
        at += 1;
    }
    table
};

/// Parses the text between `[[` and `]]`. `None` when Obsidian would not see a
/// link there: empty, a line break inside, or a nested `[[` (rule B1).
pub fn parse_wikilink(inner: &str, is_embed: bool) -> Option<WikilinkParts<'_>> {
    // One pass: no line break, no nested `[[`, where the first `|` is, and
    // whether cleaning and splitting have anything to look for. Most bytes
    // are none of those, and are skipped by one table lookup each.
    let bytes = inner.as_bytes();
    let mut first_bar = None;
    let mut hash_before_bar = false;
    let mut has_hash = false;
    let mut has_nbsp = false;
    for (i, &byte) in bytes.iter().enumerate() {
        if !NOTABLE[byte as usize] {
            continue;
        }
        match byte {
            b'\n' | b'\r' => return None,
            b'[' if bytes.get(i + 1) == Some(&b'[') => return None,
            b'|' if first_bar.is_none() => first_bar = Some(i),
            b'#' => {
                has_hash = true;
                hash_before_bar |= first_bar.is_none();
            }
            // U+00A0 in UTF-8.
            0xC2 if bytes.get(i + 1) == Some(&0xA0) => has_nbsp = true,
            _ => {}
        }
    }
    if bytes.is_empty() {
        return None;
    }
    // B3: split at the first `|`, unless it is the first character.
    let (link, rest, has_hash) = match first_bar {
        Some(bar) if bar > 0 => (&inner[..bar], Some(&inner[bar + 1..]), hash_before_bar),
        _ => (inner, None, has_hash),
    };
    // B4: one trailing backslash (the table escape `\|`) is dropped.
    let link = trim(link);
    let link = link.strip_suffix('\\').unwrap_or(link);
    let cleaned = match has_nbsp {
        true => clean_link_text(link),
        false => crate::scan::nfc(trim(link)),
    };
    let (linkpath, subpath) = match has_hash {
        true => split_cleaned(cleaned),
        false => match cleaned {
            Cow::Borrowed(text) => (Cow::Borrowed(trim(text)), None),
            Cow::Owned(text) => (Cow::Owned(trim(&text).to_owned()), None),
        },
    };
    if linkpath.is_empty() && subpath.is_none() {
        return None;
    }
    let (display, size) = match rest {
        None => (None, None),
        Some(rest) if is_embed => split_embed_size(rest),
        Some(rest) => (Some(trim(rest)), None),
    };
    Some(WikilinkParts {
        linkpath,
        subpath,
        display,
        size,
    })
}

/// [`split_linktext`] on cleaned text, borrowing when the text was borrowed.
pub fn split_cleaned(linktext: Cow<'_, str>) -> (Cow<'_, str>, Option<Cow<'_, str>>) {
    match linktext {
        Cow::Borrowed(text) => {
            let (linkpath, subpath) = split_linktext(text);
            (Cow::Borrowed(linkpath), subpath.map(Cow::Borrowed))
        }
        Cow::Owned(text) => {
            let (linkpath, subpath) = split_linktext(&text);
            (
                Cow::Owned(linkpath.to_owned()),
                subpath.map(|subpath| Cow::Owned(subpath.to_owned())),
            )
        }
    }
}

/// Obsidian's `cleanString`: NBSP → space, trim, NFC (rule A4). Borrows when
/// nothing but trimming was needed.
pub fn clean_link_text(text: &str) -> Cow<'_, str> {
    if text.contains('\u{a0}') {
        let replaced = text.replace('\u{a0}', " ");
        return Cow::Owned(crate::scan::nfc(replaced.trim()).into_owned());
    }
    crate::scan::nfc(trim(text))
}

/// [`str::trim`], answered from the first and last bytes when neither can
/// start or end white space (every ASCII white space is at most `' '`): most
/// link texts, trimmed several times each.
fn trim(text: &str) -> &str {
    let plain = |byte: u8| byte > b' ' && byte.is_ascii();
    match text.as_bytes() {
        [first, .., last] if plain(*first) && plain(*last) => text,
        [only] if plain(*only) => text,
        _ => text.trim(),
    }
}

/// Splits link text at the first `#` (rule B6): linkpath (trimmed) and subpath.
pub fn split_linktext(linktext: &str) -> (&str, Option<&str>) {
    match memchr::memchr(b'#', linktext.as_bytes()) {
        Some(hash) => (trim(&linktext[..hash]), Some(&linktext[hash..])),
        None => (trim(linktext), None),
    }
}

/// The text Obsidian shows for a link without `|` (rule B7): `#` separators become
/// ` > `, and a link to the note itself shows only its subpath.
pub fn default_display(linkpath: &str, subpath: Option<&str>) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if !linkpath.is_empty() {
        parts.push(linkpath);
    }
    if let Some(subpath) = subpath {
        parts.extend(
            subpath
                .split('#')
                .map(str::trim)
                .filter(|part| !part.is_empty()),
        );
    }
    parts.join(" > ")
}

/// An embed's part after the first `|`: a size, or alt text and a size after the
/// last `|`, or alt text alone (rule E2).
fn split_embed_size(rest: &str) -> (Option<&str>, Option<EmbedSize>) {
    if let Some(size) = parse_size(rest) {
        return (None, Some(size));
    }
    if let Some(bar) = rest.rfind('|')
        && let Some(size) = parse_size(&rest[bar + 1..])
    {
        return (Some(rest[..bar].trim()), Some(size));
    }
    (Some(rest.trim()), None)
}

/// `^\s*(\d+)\s*(?:x\s*(\d+)\s*)?$`
pub fn parse_size(text: &str) -> Option<EmbedSize> {
    let text = text.trim();
    let (width, height) = match text.split_once('x') {
        Some((width, height)) => (width.trim_end(), Some(height.trim_start())),
        None => (text, None),
    };
    let number = |digits: &str| {
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u32>().ok())
            .flatten()
    };
    Some(EmbedSize {
        width: number(width)?,
        height: match height {
            Some(height) => Some(number(height)?),
            None => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn the_quick_trim_trims_as_str_trim_does() {
        let edges = [
            "", " ", "a", "é", "\u{a0}", "\u{b}", "\t", "\n", "\u{3000}", "\u{feff}", "!", "~",
        ];
        for first in edges {
            for last in edges {
                for middle in ["", "x", " y "] {
                    let text = format!("{first}{middle}{last}");
                    assert_eq!(trim(&text), text.trim(), "{text:?}");
                }
            }
        }
    }

    fn parts(
        linkpath: &'static str,
        subpath: Option<&'static str>,
        display: Option<&'static str>,
    ) -> WikilinkParts<'static> {
        WikilinkParts {
            linkpath: Cow::Borrowed(linkpath),
            subpath: subpath.map(Cow::Borrowed),
            display,
            size: None,
        }
    }

    #[rstest]
    #[case::trimmed("  foo  ", parts("foo", None, None))] // row 25
    #[case::trimmed_with_display(" foo |foo", parts("foo", None, Some("foo")))] // row 25
    #[case::square_bracket_inside("Sq]uare", parts("Sq]uare", None, None))] // row 24
    #[case::schemed("https://example.com", parts("https://example.com", None, None))] // row 23
    #[case::self_heading("#Heading", parts("", Some("#Heading"), None))] // row 22
    #[case::heading_and_alias("Note#Head|Alias", parts("Note", Some("#Head"), Some("Alias")))] // row 28
    #[case::table_escape("Note\\|Alias", parts("Note", None, Some("Alias")))] // row 29
    #[case::double_bar("a||b", parts("a", None, Some("|b")))] // row 30
    #[case::chain("Note#A#B", parts("Note", Some("#A#B"), None))] // row 31
    #[case::dollars("Cost $5 to $10", parts("Cost $5 to $10", None, None))] // row 52
    #[case::nbsp("My\u{a0}Note", parts("My Note", None, None))]
    #[case::nfd("Cafe\u{301}", parts("Caf\u{e9}", None, None))] // row 19
    #[case::block("N#^MY-ID", parts("N", Some("#^MY-ID"), None))]
    #[case::empty_display("Note|", parts("Note", None, Some("")))]
    #[case::hash_in_display("Note|see #x", parts("Note", None, Some("see #x")))]
    #[case::leading_bar_then_hash("|Note#Part", parts("|Note", Some("#Part"), None))]
    #[case::nbsp_after_bar("Note|a\u{a0}b", parts("Note", None, Some("a\u{a0}b")))]
    fn wikilink_parts(#[case] inner: &str, #[case] expected: WikilinkParts<'static>) {
        assert_eq!(parse_wikilink(inner, false), Some(expected));
    }

    #[rstest]
    #[case::empty("")] // row 26
    #[case::newline("a\n b")] // row 26
    #[case::nested("a|[[b")] // row 27
    #[case::blank("   ")]
    fn not_links(#[case] inner: &str) {
        assert_eq!(parse_wikilink(inner, false), None);
    }

    #[test]
    fn embed_sizes() {
        // row 43
        let link = parse_wikilink("img/photo.png|100x145", true).unwrap();
        assert_eq!(
            link.size,
            Some(EmbedSize {
                width: 100,
                height: Some(145)
            })
        );
        assert_eq!(link.display, None);
        // row 44
        let link = parse_wikilink("photo.png|caption|100", true).unwrap();
        assert_eq!(link.display, Some("caption"));
        assert_eq!(
            link.size,
            Some(EmbedSize {
                width: 100,
                height: None
            })
        );
        let link = parse_wikilink("photo.png| 200 x 50 ", true).unwrap();
        assert_eq!(
            link.size,
            Some(EmbedSize {
                width: 200,
                height: Some(50)
            })
        );
        // Not an embed: a number is display text.
        let link = parse_wikilink("photo.png|100", false).unwrap();
        assert_eq!(link.display, Some("100"));
        assert_eq!(
            parse_wikilink("Note|just text", true).unwrap().display,
            Some("just text")
        );
    }

    #[test]
    fn default_display_follows_b7() {
        assert_eq!(default_display("Note", Some("#A#B")), "Note > A > B");
        assert_eq!(default_display("", Some("#H")), "H");
        assert_eq!(default_display("Note", Some("#^abc")), "Note > ^abc");
        assert_eq!(default_display("Note", None), "Note");
    }
}
