//! Markdown-style links to vault files: `[text](Some%20Note.md#Heading)`.
//!
//! A destination without a URL scheme is internal (rule D1): it is URI-decoded as
//! JavaScript's `decodeURI` does (reserved characters stay encoded), cleaned like a
//! wikilink, split at the first `#`, and then resolved exactly like a wikilink.

use std::borrow::Cow;

use super::wikilink::{EmbedSize, clean_link_text, parse_size, split_cleaned};

/// Linkpath and subpath of an internal Markdown link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownTarget<'a> {
    /// Decoded, cleaned file part; empty for `[x](#Heading)`.
    pub linkpath: Cow<'a, str>,
    /// From the first `#` on, decoded.
    pub subpath: Option<Cow<'a, str>>,
}

/// The vault target of a Markdown link destination (as pulldown-cmark gives it:
/// angle brackets and backslash escapes already removed). `None` for external URLs
/// (`https:`, `obsidian:`, `mailto:`…), empty destinations, and destinations that do
/// not URI-decode (rule D3).
pub fn internal_target(destination: &str) -> Option<MarkdownTarget<'_>> {
    let destination = destination.trim();
    if destination.is_empty() || has_scheme(destination) {
        return None;
    }
    let cleaned = match decode_uri(destination)? {
        Cow::Borrowed(decoded) => clean_link_text(decoded),
        // Kept when cleaning leaves it as it is (the usual case).
        Cow::Owned(decoded) => match clean_link_text(&decoded) {
            Cow::Borrowed(cleaned) if cleaned.len() == decoded.len() => Cow::Owned(decoded),
            cleaned => Cow::Owned(cleaned.into_owned()),
        },
    };
    let (linkpath, subpath) = split_cleaned(cleaned);
    if linkpath.is_empty() && subpath.is_none() {
        return None;
    }
    Some(MarkdownTarget { linkpath, subpath })
}

/// Whether `text` starts with a URL scheme (`scheme:`), per RFC 3986.
pub fn has_scheme(text: &str) -> bool {
    let Some(colon) = text.find(':') else {
        return false;
    };
    let scheme = &text[..colon];
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// JavaScript's `decodeURI`: `%XX` sequences become characters, except those that
/// decode to a reserved character (`; / ? : @ & = + $ , #`), which stay as written.
/// `None` for a malformed escape or bytes that are not UTF-8.
pub fn decode_uri(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('%') {
        return Some(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // What runs up to the next `%` is copied as it is.
        let escape = memchr::memchr(b'%', &bytes[i..]).map_or(bytes.len(), |at| i + at);
        out.extend_from_slice(&bytes[i..escape]);
        i = escape;
        if i == bytes.len() {
            break;
        }
        let byte = hex_byte(bytes, i)?;
        if byte < 0x80 {
            if b";/?:@&=+$,#".contains(&byte) {
                out.extend_from_slice(&bytes[i..i + 3]);
            } else {
                out.push(byte);
            }
            i += 3;
            continue;
        }
        // A multi-byte character: its continuation bytes must all be escaped too.
        let width = match byte {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return None,
        };
        let mut sequence = [byte, 0, 0, 0];
        for (k, decoded) in sequence.iter_mut().enumerate().take(width).skip(1) {
            let at = i + 3 * k;
            if bytes.get(at) != Some(&b'%') {
                return None;
            }
            *decoded = hex_byte(bytes, at)?;
        }
        std::str::from_utf8(&sequence[..width]).ok()?;
        out.extend_from_slice(&sequence[..width]);
        i += 3 * width;
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

fn hex_byte(bytes: &[u8], at: usize) -> Option<u8> {
    let digit = |b: u8| (b as char).to_digit(16);
    let high = digit(*bytes.get(at + 1)?)?;
    let low = digit(*bytes.get(at + 2)?)?;
    Some((high * 16 + low) as u8)
}

/// Alt text of a Markdown image with a trailing `|W` or `|WxH` size (rule D4).
pub fn split_alt_size(alt: &str) -> (&str, Option<EmbedSize>) {
    if let Some(bar) = alt.rfind('|')
        && let Some(size) = parse_size(&alt[bar + 1..])
    {
        return (alt[..bar].trim_end(), Some(size));
    }
    (alt, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(
        linkpath: &'static str,
        subpath: Option<&'static str>,
    ) -> Option<MarkdownTarget<'static>> {
        Some(MarkdownTarget {
            linkpath: Cow::Borrowed(linkpath),
            subpath: subpath.map(Cow::Borrowed),
        })
    }

    #[test]
    fn internal_destinations() {
        assert_eq!(internal_target("My%20Note.md"), target("My Note.md", None)); // row 46
        assert_eq!(
            internal_target("Sub/My Note.md"),
            target("Sub/My Note.md", None)
        ); // row 48
        assert_eq!(
            internal_target("Three%20laws%20of%20motion"),
            target("Three laws of motion", None)
        );
        assert_eq!(internal_target("../Note.md"), target("../Note.md", None)); // row 49
        assert_eq!(
            internal_target("Note.md#Some%20Heading"),
            target("Note.md", Some("#Some Heading"))
        );
        assert_eq!(internal_target("#Local"), target("", Some("#Local")));
        assert_eq!(
            internal_target("N%C3%B6te.md"),
            target("N\u{f6}te.md", None)
        );
        assert_eq!(
            internal_target("C%23%20notes.md"),
            target("C%23 notes.md", None)
        );
        assert_eq!(
            internal_target("100%25%20done.md"),
            target("100% done.md", None)
        );
    }

    #[test]
    fn external_and_malformed_destinations() {
        for destination in [
            "https://e.com",
            "obsidian://open?vault=x",
            "mailto:a@b.c",
            "",
            "bad%zz.md",
            "%C3.md",
            "%FF%FF.md",
        ] {
            assert_eq!(internal_target(destination), None, "{destination}");
        }
    }

    #[test]
    fn image_sizes_in_alt_text() {
        assert_eq!(
            split_alt_size("alt|100"),
            (
                "alt",
                Some(EmbedSize {
                    width: 100,
                    height: None
                })
            )
        );
        assert_eq!(
            split_alt_size("alt|100x50").1,
            Some(EmbedSize {
                width: 100,
                height: Some(50)
            })
        );
        assert_eq!(split_alt_size("a|b"), ("a|b", None));
    }
}
