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

use crate::parse::{QuotePiece, quote_pieces, split_linktext, wikilink_parts};
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
    quote_pieces(text, |piece| match piece {
        QuotePiece::Wikilink(inner) => {
            out.push_str(&rewrite_wikilink(
                inner,
                source,
                page,
                links,
                subpath_exists,
            ));
        }
        QuotePiece::MarkdownLink { label, linktext } => out.push_str(&rewrite_markdown_link(
            label,
            &linktext,
            source,
            page,
            links,
            subpath_exists,
        )),
        QuotePiece::Text(text) => out.push_str(text),
        QuotePiece::WordHash => out.push_str("\\#"),
        QuotePiece::Char(c) => out.push(c),
    });
    out
}

fn rewrite_wikilink(
    inner: &str,
    source: &VaultPath,
    page: &VaultPath,
    links: &LinkWriter,
    subpath_exists: SubpathCheck<'_>,
) -> String {
    let (cleaned, display) = wikilink_parts(inner);
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

/// An internal `[label](destination)` link rewritten (`linktext` is its
/// destination as link text).
fn rewrite_markdown_link(
    label: &str,
    linktext: &str,
    source: &VaultPath,
    page: &VaultPath,
    links: &LinkWriter,
    subpath_exists: SubpathCheck<'_>,
) -> String {
    let (linkpath, subpath) = split_linktext(linktext);
    match links.resolve_from(source, linkpath) {
        Some(target) => {
            let subpath = subpath.filter(|subpath| subpath_exists(&target, subpath));
            links
                .link(page, &target, subpath, Some(label), false)
                .unwrap_or_else(|_| label.to_owned())
        }
        None => label.to_owned(),
    }
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
