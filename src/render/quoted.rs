//! Observation text quoted on a generated page.
//!
//! The text is shown as written, with two repairs so the page stays truthful:
//! every link in it is rewritten to resolve from the page's own folder (or becomes
//! its plain text when it resolves nowhere — a generated page never carries a
//! broken link; a heading or block that does not exist in a source note is
//! dropped from the link, while one into a page or a note left out is kept as
//! written, as those are not read for it),
//! and `#tags` are escaped so quoting an interview does not tag the
//! page. Embeds become plain links.

use crate::parse::{clean_link_text, split_linktext};
use crate::scan::VaultPath;

use super::links::LinkWriter;

/// Whether a `#subpath` exists in a target file.
pub type SubpathCheck<'a> = &'a dyn Fn(&VaultPath, &str) -> bool;

/// Rewrites `text` (from the note at `source`) for the page at `page`.
pub fn quote_for_page(
    text: &str,
    source: &VaultPath,
    page: &VaultPath,
    links: &LinkWriter,
    subpath_exists: SubpathCheck<'_>,
) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    let mut at_word_start = true;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("![[").or_else(|| rest.strip_prefix("[["))
            && let Some(close) = after.find("]]")
            && !after[..close].contains('\n')
        {
            let inner = &after[..close];
            out.push_str(&rewrite_wikilink(
                inner,
                source,
                page,
                links,
                subpath_exists,
            ));
            rest = &after[close + 2..];
            at_word_start = false;
            continue;
        }
        if rest.starts_with('[')
            && let Some((replacement, used)) =
                rewrite_markdown_link(rest, source, page, links, subpath_exists)
        {
            out.push_str(&replacement);
            rest = &rest[used..];
            at_word_start = false;
            continue;
        }
        if rest.starts_with('`')
            && let Some(close) = rest[1..].find('`')
        {
            out.push_str(&rest[..close + 2]);
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
            out.push_str(copied);
            at_word_start = copied.chars().next_back().is_some_and(char::is_whitespace);
            rest = after;
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        if c == '#' && at_word_start {
            out.push('\\');
        }
        out.push(c);
        at_word_start = c.is_whitespace();
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn rewrite_wikilink(
    inner: &str,
    source: &VaultPath,
    page: &VaultPath,
    links: &LinkWriter,
    subpath_exists: SubpathCheck<'_>,
) -> String {
    let (link, display) = match inner.find('|') {
        Some(bar) if bar > 0 => (&inner[..bar], Some(inner[bar + 1..].trim())),
        _ => (inner, None),
    };
    let link = link.trim();
    let link = link.strip_suffix('\\').unwrap_or(link);
    let cleaned = clean_link_text(link);
    let (linkpath, subpath) = split_linktext(&cleaned);
    let shown = display
        .filter(|display| !display.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| crate::parse::default_display(linkpath, subpath));
    match links.resolve_from(source, linkpath) {
        Some(target) => links
            .link(
                page,
                &target,
                subpath.filter(|subpath| subpath_exists(&target, subpath)),
                display.filter(|d| !d.is_empty()),
                false,
            )
            .unwrap_or(shown),
        None => shown.replace('[', "\\[").replace(']', "\\]"),
    }
}

/// `[text](destination)` at the start of `text`: the rewritten link and the
/// bytes it used; `None` when it is not an internal Markdown link.
fn rewrite_markdown_link(
    text: &str,
    source: &VaultPath,
    page: &VaultPath,
    links: &LinkWriter,
    subpath_exists: SubpathCheck<'_>,
) -> Option<(String, usize)> {
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
    if crate::parse::has_scheme(destination) {
        return None;
    }
    let decoded = crate::parse::decode_uri(destination)?;
    let cleaned = clean_link_text(&decoded);
    let (linkpath, subpath) = split_linktext(&cleaned);
    let used = close + 2 + end + 1;
    let replacement = match links.resolve_from(source, linkpath) {
        Some(target) => {
            let subpath = subpath.filter(|subpath| subpath_exists(&target, subpath));
            links
                .link(page, &target, subpath, Some(label), false)
                .unwrap_or_else(|_| label.to_owned())
        }
        None => label.to_owned(),
    };
    Some((replacement, used))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NewLinkFormat;

    #[test]
    fn links_are_rewritten_and_tags_escaped() {
        let paths = [
            "Interviews/One.md",
            "Insights/Big idea.md",
            "Out/Insights/Page.md",
        ];
        let links = LinkWriter::new(
            paths.iter().map(|p| VaultPath::new(p).unwrap()).collect(),
            NewLinkFormat::Shortest,
            false,
        );
        let source = VaultPath::new("Interviews/One.md").unwrap();
        let page = VaultPath::new("Out/Insights/Page.md").unwrap();
        let quoted = quote_for_page(
            "Said [[Big idea|this]] and [[Missing]] #pain, see ![[Big idea#Gone]] `#code` [md](Big%20idea.md) [web](https://x.y)",
            &source,
            &page,
            &links,
            &|_, subpath| subpath != "#Gone",
        );
        assert_eq!(
            quoted,
            "Said [[Big idea|this]] and Missing \\#pain, see [[Big idea]] `#code` [[Big idea|md]] [web](https://x.y)"
        );
    }

    #[test]
    fn only_a_hash_that_starts_a_word_is_escaped() {
        let links = LinkWriter::new(
            vec![VaultPath::new("Interviews/One.md").unwrap()],
            NewLinkFormat::Shortest,
            false,
        );
        let source = VaultPath::new("Interviews/One.md").unwrap();
        let page = VaultPath::new("Out/Page.md").unwrap();
        let quote = |text: &str| quote_for_page(text, &source, &page, &links, &|_, _| true);
        assert_eq!(quote("#a b#c d\n#e\t#f"), "\\#a b#c d\n\\#e\t\\#f");
        assert_eq!(quote("wow! [x] `#y` #z"), "wow! [x] `#y` \\#z");
        assert_eq!(quote("[[One]]#tag é #ü"), "[[One]]#tag é \\#ü");
    }
}
