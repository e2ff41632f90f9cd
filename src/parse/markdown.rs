//! The note body through pulldown-cmark, plus what it does not know.
//!
//! One pass over pulldown-cmark's events with source offsets collects links
//! (wikilinks re-read by Obsidian's rules, internal Markdown links), top-level
//! headings, block ids, callouts, footnote labels and tags. Code, math and HTML
//! keep their contents out of all of these, as in Obsidian (rule I3). Then `%%`
//! comments are found outside those regions, and what lies in them is marked or
//! dropped as [`crate::choices`] says.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::block_id::trailing_block_id;
use super::callout::callout_header;
use super::comment::{comment_ranges, is_inside};
use super::heading::{heading_key, heading_text, key_hash};
use super::markdown_link::{internal_target, split_alt_size};
use super::tag::tag_after_hash;
use super::wikilink::parse_wikilink;
use super::{
    Block, BlockKind, BodyScope, Callout, Heading, Interner, Link, LinkKind, ListItem, Span,
    TagMention,
};
use crate::choices;
use crate::diagnostics::{LineIndex, Position, PositionCursor};

/// The pulldown-cmark options Obsidian's syntax needs. Frontmatter is split off
/// beforehand (rule H1), so metadata blocks stay off.
pub const MARKDOWN_OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_MATH)
    .union(Options::ENABLE_WIKILINKS);

/// Everything found in a body.
#[derive(Debug, Default)]
pub struct BodyFacts {
    /// Links and embeds, in source order.
    pub links: Vec<Link>,
    /// Top-level headings, in order.
    pub headings: Vec<Heading>,
    /// Blocks with a `^id`.
    pub blocks: Vec<Block>,
    /// Inline tags.
    pub tags: Vec<TagMention>,
    /// Callouts (nested ones too).
    pub callouts: Vec<Callout>,
    /// Footnote labels, lower-cased.
    pub footnotes: Vec<String>,
    /// List items, in order of their end.
    pub list_items: Vec<ListItem>,
    /// `%%` comment ranges.
    pub comments: Vec<Range<usize>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ContainerKind {
    BlockQuote,
    List,
    Item,
    Footnote,
    Table,
}

struct Container {
    kind: ContainerKind,
    start: usize,
    /// For items: where the item's own text ends (its first nested block).
    own_end: Option<usize>,
}

struct PendingMarkdownLink {
    range: Range<usize>,
    destination: String,
    is_image: bool,
    label: String,
    depth: u32,
}

struct Walker<'a, 'i> {
    text: &'a str,
    /// Absent when positions are not worked out ([`BodyScope::ForCheck`]).
    positions: Option<PositionCursor<'a>>,
    interner: &'i mut Interner<'a>,
    facts: BodyFacts,
    containers: Vec<Container>,
    opaque: Vec<Range<usize>>,
    link_depth: u32,
    markdown_link: Option<PendingMarkdownLink>,
    at_inline_start: bool,
    heading_start: Option<(u8, Range<usize>)>,
    html_block: bool,
    code_block: bool,
    previous_block: Option<(BlockKind, Range<usize>)>,
    /// Whether list items, callouts and body tags are collected.
    everything: bool,
}

/// Scans the body `text[body_start..]`; all offsets are offsets into `text`.
///
/// `links` holds the links found so far (the frontmatter's); the body's follow.
/// Positions are worked out with `index`, when given.
pub fn scan_body<'a>(
    text: &'a str,
    body_start: usize,
    index: Option<&'a LineIndex>,
    interner: &mut Interner<'a>,
    mut links: Vec<Link>,
    scope: BodyScope,
) -> BodyFacts {
    let body = &text[body_start..];
    // Room for the links up front: one allocation instead of a doubling
    // series. A wikilink opens with two `[`, a Markdown link with one (a note
    // of Markdown links grows once more); `memchr` counts them in one pass.
    let brackets = memchr::memchr_iter(b'[', body.as_bytes()).count();
    links.reserve_exact(brackets / 2 + 1);
    let mut walker = Walker {
        text,
        positions: index.map(|index| PositionCursor::new(index, text)),
        interner,
        facts: BodyFacts {
            links,
            ..BodyFacts::default()
        },
        containers: Vec::new(),
        opaque: Vec::new(),
        link_depth: 0,
        markdown_link: None,
        at_inline_start: false,
        heading_start: None,
        html_block: false,
        code_block: false,
        previous_block: None,
        everything: scope == BodyScope::Everything,
    };
    for (event, range) in Parser::new_ext(body, MARKDOWN_OPTIONS).into_offset_iter() {
        let range = range.start + body_start..range.end + body_start;
        walker.event(event, range);
    }
    walker.finish(body_start)
}

impl Walker<'_, '_> {
    /// A span; its position is worked out only when the body's lines are
    /// indexed ([`BodyScope::ForCheck`] leaves it at line 0).
    fn span(&mut self, range: &Range<usize>) -> Span {
        let position = match &mut self.positions {
            Some(positions) => positions.position(range.start),
            None => Position { line: 0, column: 0 },
        };
        Span::new(range.clone(), position)
    }

    fn is_top_level(&self) -> bool {
        self.containers.is_empty()
    }

    fn inside_quote(&self) -> bool {
        self.containers
            .iter()
            .any(|c| matches!(c.kind, ContainerKind::BlockQuote | ContainerKind::Table))
    }

    /// A nested block starts: the enclosing item's own text ends here.
    fn nested_block_starts(&mut self, at: usize) {
        if let Some(container) = self.containers.last_mut()
            && container.kind == ContainerKind::Item
            && container.own_end.is_none()
        {
            container.own_end = Some(at);
        }
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(text) => self.text_event(&text, range),
            Event::Code(code) => {
                if let Some(link) = &mut self.markdown_link {
                    link.label.push_str(&code);
                }
                self.opaque.push(range);
                self.at_inline_start = false;
            }
            Event::InlineMath(_) | Event::DisplayMath(_) | Event::InlineHtml(_) => {
                self.opaque.push(range);
                self.at_inline_start = false;
            }
            Event::Html(_) if !self.html_block => self.opaque.push(range),
            Event::SoftBreak | Event::HardBreak => self.at_inline_start = true,
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph | Tag::TableCell => self.at_inline_start = true,
            Tag::Heading { level, .. } => {
                self.at_inline_start = true;
                self.nested_block_starts(range.start);
                if self.is_top_level() {
                    self.heading_start = Some((level as u8, range));
                }
            }
            Tag::BlockQuote(_) => {
                self.nested_block_starts(range.start);
                if self.everything
                    && let Some(header) = callout_header(&self.text[range.clone()])
                {
                    let span = self.span(&range);
                    self.facts.callouts.push(Callout { header, span });
                }
                self.push(ContainerKind::BlockQuote, range.start);
            }
            Tag::List(_) => {
                self.nested_block_starts(range.start);
                self.push(ContainerKind::List, range.start);
            }
            Tag::Item => {
                self.at_inline_start = true;
                self.push(ContainerKind::Item, range.start);
            }
            Tag::Table(_) => {
                self.nested_block_starts(range.start);
                self.push(ContainerKind::Table, range.start);
            }
            Tag::FootnoteDefinition(label) => {
                self.facts.footnotes.push(label.to_lowercase());
                self.push(ContainerKind::Footnote, range.start);
            }
            Tag::CodeBlock(_) => {
                self.nested_block_starts(range.start);
                self.code_block = true;
                self.opaque.push(range);
            }
            Tag::HtmlBlock => {
                self.nested_block_starts(range.start);
                self.html_block = true;
                self.opaque.push(range);
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => self.link_start(link_type, &dest_url, false, range),
            Tag::Image {
                link_type,
                dest_url,
                ..
            } => self.link_start(link_type, &dest_url, true, range),
            _ => {}
        }
    }

    fn push(&mut self, kind: ContainerKind, start: usize) {
        self.containers.push(Container {
            kind,
            start,
            own_end: None,
        });
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Paragraph if self.is_top_level() => self.paragraph_end(range),
            TagEnd::Heading(_) => {
                if let Some((level, start)) = self.heading_start.take() {
                    let source = &self.text[start.clone()];
                    let text = heading_text(source).to_owned();
                    let span = self.span(&start);
                    let key = heading_key(&text);
                    self.facts.headings.push(Heading {
                        level,
                        key_hash: key_hash(&key),
                        key,
                        text,
                        span,
                    });
                    self.previous_block = None;
                }
            }
            TagEnd::Item => {
                if let Some(item) = self.containers.pop() {
                    self.record_item(&item, &range);
                    self.item_end(item, range);
                }
            }
            TagEnd::BlockQuote(_) => {
                self.containers.pop();
                if self.is_top_level() {
                    self.quote_end(range);
                }
            }
            TagEnd::List(_) => self.container_end(BlockKind::List, range),
            TagEnd::Table => self.container_end(BlockKind::Table, range),
            TagEnd::FootnoteDefinition => {
                self.containers.pop();
            }
            TagEnd::CodeBlock => {
                self.code_block = false;
                self.top_level_block_ends(BlockKind::Code, range);
            }
            TagEnd::HtmlBlock => {
                self.html_block = false;
                self.top_level_block_ends(BlockKind::Html, range);
            }
            TagEnd::Link | TagEnd::Image => self.link_end(),
            _ => {}
        }
    }

    fn container_end(&mut self, kind: BlockKind, range: Range<usize>) {
        self.containers.pop();
        self.top_level_block_ends(kind, range);
    }

    fn top_level_block_ends(&mut self, kind: BlockKind, range: Range<usize>) {
        if self.is_top_level() {
            self.previous_block = Some((kind, range));
        }
    }

    /// Rule F4 (a) and (c) for a top-level paragraph.
    fn paragraph_end(&mut self, range: Range<usize>) {
        let source = &self.text[range.clone()];
        match trailing_block_id(source) {
            Some(found) if found.is_alone => {
                // (c): names the block before it.
                if let Some((kind, block_range)) = self.previous_block.take() {
                    let span = self.span(&block_range);
                    self.facts.blocks.push(Block {
                        id: found.id.to_owned(),
                        kind,
                        span,
                    });
                }
                return;
            }
            Some(found) => {
                let span = self.span(&range);
                self.facts.blocks.push(Block {
                    id: found.id.to_owned(),
                    kind: BlockKind::Paragraph,
                    span,
                });
            }
            None => {}
        }
        self.previous_block = Some((BlockKind::Paragraph, range));
    }

    /// A `^id` ending a top-level blockquote or callout (on its last line, or on a
    /// line of its own right after it, which Markdown folds into the quote) names
    /// the whole quote. The help vault writes callout ids this way.
    fn quote_end(&mut self, range: Range<usize>) {
        if let Some(found) = trailing_block_id(&self.text[range.clone()]) {
            let span = self.span(&range);
            self.facts.blocks.push(Block {
                id: found.id.to_owned(),
                kind: BlockKind::Quote,
                span,
            });
        }
        self.previous_block = Some((BlockKind::Quote, range));
    }

    /// Keeps every list item's extent, for observations (issue 3).
    fn record_item(&mut self, item: &Container, range: &Range<usize>) {
        if !self.everything {
            return;
        }
        let depth = self
            .containers
            .iter()
            .filter(|c| c.kind == ContainerKind::List)
            .count() as u8;
        let in_quote = self.inside_quote()
            || self
                .containers
                .iter()
                .any(|c| c.kind == ContainerKind::Footnote);
        let span = self.span(&(item.start..range.end));
        let own_end = item.own_end.unwrap_or(range.end).max(item.start);
        self.facts.list_items.push(ListItem {
            span,
            own_end: own_end as u32,
            depth,
            in_quote,
        });
    }

    /// Rule F4 (b): an id at the end of an item's own text names the item.
    fn item_end(&mut self, item: Container, range: Range<usize>) {
        if choices::BLOCK_IDS_INSIDE_QUOTES_IGNORED && self.inside_quote() {
            return;
        }
        let own_end = item.own_end.unwrap_or(range.end);
        let own_text = &self.text[item.start..own_end.max(item.start)];
        if let Some(found) = trailing_block_id(own_text) {
            let span = self.span(&(item.start..range.end));
            self.facts.blocks.push(Block {
                id: found.id.to_owned(),
                kind: BlockKind::ListItem,
                span,
            });
        }
    }

    fn link_start(
        &mut self,
        link_type: LinkType,
        destination: &str,
        is_image: bool,
        range: Range<usize>,
    ) {
        self.link_depth += 1;
        self.at_inline_start = false;
        match link_type {
            LinkType::WikiLink { .. } => self.wikilink(is_image, range),
            LinkType::Inline if self.markdown_link.is_none() => {
                self.markdown_link = Some(PendingMarkdownLink {
                    range,
                    destination: destination.to_owned(),
                    is_image,
                    label: String::new(),
                    depth: self.link_depth,
                });
            }
            _ => {}
        }
    }

    fn wikilink(&mut self, is_embed: bool, range: Range<usize>) {
        let (is_embed, range) = if is_embed {
            (true, range)
        } else {
            self.obsidian_wikilink_start(range)
        };
        let raw = &self.text[range.clone()];
        let inner = raw
            .strip_prefix('!')
            .unwrap_or(raw)
            .strip_prefix("[[")
            .and_then(|rest| rest.strip_suffix("]]"));
        let Some(parts) = inner.and_then(|inner| parse_wikilink(inner, is_embed)) else {
            return;
        };
        let span = self.span(&range);
        let link = Link {
            kind: LinkKind::Wikilink,
            is_embed,
            in_comment: false,
            span,
            raw: self.interner.intern(raw),
            linkpath: self.interner.intern(&parts.linkpath),
            subpath: parts.subpath.map(|subpath| self.interner.intern(&subpath)),
            display: parts.display.map(|display| self.interner.intern(display)),
            size: parts.size,
            property: None,
        };
        self.facts.links.push(link);
    }

    /// Obsidian scans for `[[` left to right, so `[[[draft] plan]]` is a link to
    /// `[draft] plan` where pulldown-cmark sees `[` and a link to `draft] plan`: the
    /// leftmost `[[` whose inner text holds no other `[[` wins (rule B1).
    fn obsidian_wikilink_start(&self, range: Range<usize>) -> (bool, Range<usize>) {
        let bytes = self.text.as_bytes();
        let mut first = range.start;
        while first > 0 && bytes[first - 1] == b'[' && range.start - first < 8 {
            first -= 1;
        }
        let inner_end = range.end.saturating_sub(2);
        let start = (first..range.start)
            .find(|&s| !self.text[s + 2..inner_end].contains("[["))
            .unwrap_or(range.start);
        let is_embed = start > 0 && bytes[start - 1] == b'!' && start < range.start;
        let start = if is_embed { start - 1 } else { start };
        (is_embed, start..range.end)
    }

    fn link_end(&mut self) {
        if let Some(pending) = &self.markdown_link
            && pending.depth == self.link_depth
        {
            let pending = self.markdown_link.take().expect("checked just above");
            self.markdown_link_end(pending);
        }
        self.link_depth = self.link_depth.saturating_sub(1);
    }

    fn markdown_link_end(&mut self, pending: PendingMarkdownLink) {
        let Some(target) = internal_target(&pending.destination) else {
            return;
        };
        let (label, size) = if pending.is_image {
            split_alt_size(&pending.label)
        } else {
            (pending.label.as_str(), None)
        };
        let label = label.trim();
        let span = self.span(&pending.range);
        let text = self.text;
        let link = Link {
            kind: LinkKind::Markdown,
            is_embed: pending.is_image,
            in_comment: false,
            span,
            raw: self.interner.intern(&text[pending.range.clone()]),
            linkpath: self.interner.intern(&target.linkpath),
            subpath: target.subpath.map(|subpath| self.interner.intern(&subpath)),
            display: (!label.is_empty()).then(|| self.interner.intern(label)),
            size,
            property: None,
        };
        self.facts.links.push(link);
    }

    fn text_event(&mut self, text: &str, range: Range<usize>) {
        let at_inline_start = std::mem::replace(&mut self.at_inline_start, false);
        if self.code_block {
            return;
        }
        if self.link_depth > 0 {
            if let Some(link) = &mut self.markdown_link {
                link.label.push_str(text);
            }
            if choices::NO_TAGS_IN_LINK_TEXT {
                return;
            }
        }
        if !self.everything {
            return;
        }
        let source = &self.text[range.clone()];
        for hash in memchr::memchr_iter(b'#', source.as_bytes()) {
            let at = range.start + hash;
            let before = self.text[..at].chars().next_back();
            let may_start = match before {
                None => true,
                Some(c) if c.is_whitespace() => true,
                Some('\\') => false,
                Some(_) => hash == 0 && at_inline_start,
            };
            if !may_start {
                continue;
            }
            if let Some(name) = tag_after_hash(self.text, at) {
                let end = at + 1 + name.len();
                let span = self.span(&(at..end));
                let name = self.interner.intern(name);
                self.facts.tags.push(TagMention {
                    name,
                    span: Some(span),
                    in_comment: false,
                });
            }
        }
    }

    fn finish(mut self, body_start: usize) -> BodyFacts {
        self.opaque.sort_by_key(|range| range.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(self.opaque.len());
        for range in self.opaque {
            match merged.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        let comments = comment_ranges(self.text, body_start..self.text.len(), &merged);
        let mut facts = self.facts;
        if !comments.is_empty() {
            let hidden = |span: &Span| is_inside(&comments, span.start as usize);
            for link in &mut facts.links {
                link.in_comment = hidden(&link.span);
            }
            if !choices::RECORD_LINKS_IN_COMMENTS {
                facts.links.retain(|link| !link.in_comment);
            }
            for tag in &mut facts.tags {
                tag.in_comment = tag.span.as_ref().is_some_and(hidden);
            }
            if !choices::RECORD_TAGS_IN_COMMENTS {
                facts.tags.retain(|tag| !tag.in_comment);
            }
            if choices::STRUCTURE_IN_COMMENTS_IS_HIDDEN {
                facts.headings.retain(|heading| !hidden(&heading.span));
                facts.blocks.retain(|block| !hidden(&block.span));
                facts.callouts.retain(|callout| !hidden(&callout.span));
                facts.list_items.retain(|item| !hidden(&item.span));
            }
        }
        facts.comments = comments;
        facts
    }
}
