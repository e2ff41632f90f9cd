//! What `check` keeps of a parsed note.
//!
//! A note's text is most of its memory, and `check` reads little of it: the
//! frontmatter (properties, and the lines schema problems point at), the names
//! of headings, blocks and footnotes (subpath checks), and the lines of the
//! links that may need a diagnostic. Keeping only those, as each note is
//! parsed, keeps a vault's text from ever being in memory all at once.

use std::ops::Range;

use super::markdown::scan_body;
use super::{BodyScope, Interner, Link, Note, Span, TextRef};
use crate::diagnostics::{LineCounter, line_range};

/// What `check` keeps of one body link besides its place in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptLink {
    /// Its lines, and all its strings.
    Line,
    /// Its subpath only (its line and other strings are given back by
    /// [`Note::restore_lines`], should the subpath be missing).
    Subpath,
}

impl Note {
    /// Keeps only what `check` reads: the frontmatter with its links, and of
    /// the body links only those numbered in `keep` (ascending), with their
    /// lines or their subpaths; returns the index each link kept had before,
    /// ascending. A link whose line is kept may need a diagnostic: its strings
    /// read as before, and its position is worked out from the text (a body
    /// parsed for `check` has none). Of a link kept for its subpath only the
    /// subpath can be read; its other strings read as empty, and its position
    /// is whatever the parse gave it. Headings, blocks and footnotes keep their
    /// names (their spans no longer point into the text); list items,
    /// callouts, comments and body tags are dropped.
    pub fn keep_for_check(
        &mut self,
        keep: impl IntoIterator<Item = (usize, KeptLink)>,
    ) -> Vec<usize> {
        let prefix = self
            .frontmatter
            .as_ref()
            .map_or(0, |block| block.body_start)
            .min(self.text.len());
        let old = std::mem::take(&mut self.text);
        let mut text = String::with_capacity(prefix);
        text.push_str(&old[..prefix]);
        let mut arena = std::mem::take(&mut self.strings);
        // The last line copied: its range in the old text and its offset now.
        let mut line: Option<(Range<usize>, usize)> = None;
        // A body parsed for `check` has no positions: those of the links kept
        // with their lines are worked out here.
        let mut positions = LineCounter::new(&old);
        let mut keep = keep.into_iter().peekable();
        // Room for the frontmatter's links (they come first) and those asked
        // for.
        let frontmatter_links = self
            .links
            .partition_point(|link| (link.span.start as usize) < prefix);
        let room = frontmatter_links + keep.size_hint().0;
        let mut links = Vec::with_capacity(room);
        let mut kept_at = Vec::with_capacity(room);
        for (at, mut link) in std::mem::take(&mut self.links).into_iter().enumerate() {
            let kept = keep
                .next_if(|&(index, _)| index == at)
                .map(|(_, kept)| kept);
            let start = link.span.start as usize;
            match kept {
                // The frontmatter stays whole.
                _ if start < prefix => {}
                None => continue,
                Some(KeptLink::Subpath) => {
                    link.subpath = link
                        .subpath
                        .map(|r| r.relocated(&old, prefix, &(0..0), 0, &mut arena));
                    link.raw = TextRef::EMPTY;
                    link.linkpath = TextRef::EMPTY;
                    link.display = None;
                    link.span = Span {
                        start: prefix as u32,
                        end: prefix as u32,
                        position: link.span.position,
                    };
                }
                Some(KeptLink::Line) => {
                    link.span.position = positions.position(start);
                    keep_line(&mut link, &old, prefix, &mut text, &mut line, &mut arena);
                }
            }
            links.push(link);
            kept_at.push(at);
        }
        self.links = links;
        // Tags of the `tags` property name their text in the frontmatter or
        // the arena; a body tag's name would be gone.
        self.tags.retain(|tag| tag.span.is_none());
        self.list_items = Vec::new();
        self.callouts = Vec::new();
        self.comments = Vec::new();
        text.shrink_to_fit();
        arena.shrink_to_fit();
        self.text = text;
        self.strings = arena;
        kept_at
    }
}

impl Note {
    /// Gives links kept for their subpath ([`KeptLink::Subpath`]) their
    /// strings and lines again from `text`, the note's text read anew:
    /// `links` holds each one's index and its byte range in the text it was
    /// parsed from. Each range is parsed alone, as the note's body was.
    /// Returns false, changing nothing, unless each is still a link there,
    /// of the same kind and with the same subpath: else the file changed
    /// since, or the link reads otherwise alone than in its place (a Markdown
    /// link over two lines of a quote), and the note is to be parsed again.
    /// Its file part and display text are taken as they now read, not
    /// compared: resolving it again reports what the file now says.
    pub fn restore_lines(&mut self, text: &str, links: &[(usize, Range<usize>)]) -> bool {
        let mut arena = std::mem::take(&mut self.strings);
        let arena_was = arena.len();
        let mut found = Vec::with_capacity(links.len());
        for (at, range) in links {
            // The text up to the link's end, if the link's place is in it.
            let through_link = text.get(range.clone()).and(text.get(..range.end));
            let again = self
                .links
                .get(*at)
                .zip(through_link)
                .and_then(|(link, through_link)| {
                    // Offsets and strings of the text up to the link's end: those
                    // of `text`.
                    let mut interner =
                        Interner::with_arena(through_link, std::mem::take(&mut arena));
                    let facts = scan_body(
                        through_link,
                        range.start,
                        None,
                        &mut interner,
                        Vec::new(),
                        BodyScope::ForCheck,
                    );
                    arena = interner.into_growing_arena();
                    facts.links.into_iter().find(|again| {
                        (again.span.start as usize, again.span.end as usize)
                            == (range.start, range.end)
                            && (again.kind, again.is_embed) == (link.kind, link.is_embed)
                            && again.subpath.map(|subpath| subpath.get(text, &arena))
                                == link.subpath.map(|subpath| subpath.get(&self.text, &arena))
                    })
                });
            match again {
                Some(again) => found.push(again),
                None => {
                    arena.truncate(arena_was);
                    self.strings = arena;
                    return false;
                }
            }
        }
        let mut positions = LineCounter::new(text);
        let mut copied = std::mem::take(&mut self.text);
        let mut line = None;
        for ((at, range), mut again) in links.iter().zip(found) {
            again.span.position = positions.position(range.start);
            again.in_comment = self.links[*at].in_comment;
            // Its strings are in `text` or the arena: none in a kept prefix.
            keep_line(&mut again, text, 0, &mut copied, &mut line, &mut arena);
            self.links[*at] = again;
        }
        self.text = copied;
        self.strings = arena;
        true
    }
}

/// Copies the lines `link` is written on from `old` to the end of `text`
/// (unless `line`, the last lines copied, holds them), and points its strings
/// there; those that were not in the source stay in `arena`.
fn keep_line(
    link: &mut Link,
    old: &str,
    prefix: usize,
    text: &mut String,
    line: &mut Option<(Range<usize>, usize)>,
    arena: &mut String,
) {
    // Its lines, from the one it starts on to the one it ends on (a Markdown
    // link may go on to the next line, and a diagnostic marks what it can of
    // it).
    let start = link.span.start as usize;
    let end = (link.span.end as usize).clamp(start, old.len());
    let wanted = line_range(old, start).start..line_range(old, end).end;
    let (range, to) = match line {
        Some((range, to)) if range.contains(&start) && wanted.end <= range.end => {
            (range.clone(), *to)
        }
        _ => {
            let to = text.len();
            text.push_str(&old[wanted.clone()]);
            text.push('\n');
            *line = Some((wanted.clone(), to));
            (wanted, to)
        }
    };
    link.span.start = (start - range.start + to) as u32;
    link.span.end = (end - range.start + to) as u32;
    let mut moved = |r: TextRef| r.relocated(old, prefix, &range, to, arena);
    link.raw = moved(link.raw);
    link.linkpath = moved(link.linkpath);
    link.subpath = link.subpath.map(&mut moved);
    link.display = link.display.map(&mut moved);
    link.property = link.property.map(&mut moved);
}

#[cfg(test)]
mod tests {
    use super::super::{NoteBytes, parse_note};
    use super::KeptLink;
    use crate::scan::VaultPath;

    fn parse(text: &str) -> super::Note {
        let path = VaultPath::new("folder/Note.md").unwrap();
        parse_note(path, NoteBytes::Read(text.as_bytes().to_vec()))
    }

    fn lines(links: impl IntoIterator<Item = usize>) -> impl Iterator<Item = (usize, KeptLink)> {
        links.into_iter().map(|at| (at, KeptLink::Line))
    }

    const TEXT: &str = "---\r\nparticipant: \"[[Ann]]\"\r\ntags: [a]\r\n---\r\n# Top\r\n\
        Intro [[One]] and [[Two#Part|shown]] #body\r\n\
        - item [[Three]]\r\n\
        - [docs](<Some%20file.md#Sec>)\r\n";

    #[test]
    fn kept_links_read_as_before_and_the_rest_is_gone() {
        let whole = parse(TEXT);
        let mut kept = parse(TEXT);
        // Links: the frontmatter's, then One, Two, Three, docs.
        assert_eq!(kept.links.len(), 5);
        // The frontmatter's links stay, and those asked for: One and Three go.
        assert_eq!(kept.keep_for_check(lines([2, 4])), [0, 2, 4]);
        assert_eq!(kept.links.len(), 3);
        for (now, at) in [0, 2, 4].into_iter().enumerate() {
            let (before, after) = (&whole.links[at], &kept.links[now]);
            assert_eq!(whole.raw(before), kept.raw(after));
            assert_eq!(whole.linkpath(before), kept.linkpath(after));
            assert_eq!(whole.subpath(before), kept.subpath(after));
            assert_eq!(whole.display(before), kept.display(after));
            assert_eq!(whole.property_key(before), kept.property_key(after));
            assert_eq!(
                whole.span_location(&before.span),
                kept.span_location(&after.span)
            );
            assert_eq!(before.span.position, after.span.position);
        }
        assert_eq!(
            kept.text,
            "---\r\nparticipant: \"[[Ann]]\"\r\ntags: [a]\r\n---\r\n\
             Intro [[One]] and [[Two#Part|shown]] #body\r\n\
             - [docs](<Some%20file.md#Sec>)\r\n"
        );
        assert_eq!(kept.headings, whole.headings);
        assert!(kept.list_items.is_empty());
        let tags: Vec<&str> = kept.tags.iter().map(|tag| kept.tag_name(tag)).collect();
        assert_eq!(tags, ["a"]);
        // Schema problems point into the frontmatter, which is whole.
        assert_eq!(kept.location(5..16), whole.location(5..16));
    }

    /// Whether no frontmatter link follows a body link (what
    /// `PropertyReader` relies on).
    fn frontmatter_links_first(note: &super::Note) -> bool {
        let is_frontmatter = |link: &super::Link| link.kind == super::super::LinkKind::Frontmatter;
        let body_from = note.links.partition_point(is_frontmatter);
        !note.links[body_from..].iter().any(is_frontmatter)
    }

    #[test]
    fn frontmatter_links_come_first_before_and_after_keeping() {
        let text = "---\njobs: [\"[[J1]]\", \"[[J2]]\"]\nplan: \"[[P]]\"\n---\n\
            %% [[In comment]] %%\n![[Embed.png]] [a](A.md) [[B]]\n\
            > [!quote]\n> [[C]] and [[J1]]\n";
        let mut note = parse(text);
        assert_eq!(note.links.len(), 9);
        assert_eq!(
            note.links
                .iter()
                .filter(|l| l.kind == super::super::LinkKind::Frontmatter)
                .count(),
            3
        );
        assert!(frontmatter_links_first(&note));
        note.keep_for_check(lines([4, 7]));
        assert_eq!(note.links.len(), 5);
        assert!(frontmatter_links_first(&note));
        // The check itself: a body link before a frontmatter one is caught.
        note.links.swap(0, 4);
        assert!(!frontmatter_links_first(&note));
    }

    #[test]
    fn a_link_over_two_lines_is_marked_as_before() {
        let text = "x [a\nb](Missing.md) [[Y]]\nthen [c\nd](E.md)\nz\n";
        let whole = parse(text);
        let mut kept = parse(text);
        assert_eq!(kept.links.len(), 3);
        assert_eq!(kept.keep_for_check(lines([0, 1, 2])), [0, 1, 2]);
        for (before, after) in whole.links.iter().zip(&kept.links) {
            assert_eq!(
                whole.span_location(&before.span),
                kept.span_location(&after.span)
            );
            assert_eq!(whole.raw(before), kept.raw(after));
            assert_eq!(whole.linkpath(before), kept.linkpath(after));
        }
    }

    #[test]
    fn a_note_without_frontmatter_keeps_only_the_lines_asked_for() {
        let mut kept = parse("a [[X]]\nb [[Y]] [[Z]]\n");
        assert_eq!(kept.keep_for_check(lines([1, 2])), [1, 2]);
        assert_eq!(kept.text, "b [[Y]] [[Z]]\n");
        assert_eq!(kept.linkpath(&kept.links[1]), "Z");
        assert_eq!(
            kept.span_location(&kept.links[0].span).line_text.as_ref(),
            "b [[Y]] [[Z]]"
        );
        assert!(kept.keep_for_check(lines([])).is_empty());
        assert_eq!(kept.text, "");
        assert!(kept.links.is_empty());
    }

    #[test]
    fn a_link_kept_for_its_subpath_keeps_only_its_subpath() {
        let text = "a [[X#Part one|shown]] and [[Y#^id]]\nb [[Z#Other]]\n";
        let whole = parse(text);
        let mut kept = parse(text);
        let kept_at = kept.keep_for_check([(0, KeptLink::Subpath), (2, KeptLink::Line)]);
        // `[[Y#^id]]`, neither, is gone.
        assert_eq!(kept_at, [0, 2]);
        assert_eq!(kept.text, "b [[Z#Other]]\n");
        let first = &kept.links[0];
        assert_eq!(kept.subpath(first), Some("#Part one"));
        assert_eq!((kept.raw(first), kept.linkpath(first)), ("", ""));
        assert_eq!(first.display, None);
        assert_eq!(first.span.position, whole.links[0].span.position);
        assert_eq!(kept.subpath(&kept.links[1]), Some("#Other"));
        assert_eq!(kept.raw(&kept.links[1]), "[[Z#Other]]");
    }

    /// `text` parsed for `check`, with the links at `subpaths` kept for their
    /// subpath and where each was written, by its index once kept.
    fn cut_for_subpaths(
        text: &str,
        subpaths: &[usize],
    ) -> (super::Note, Vec<(usize, std::ops::Range<usize>)>) {
        let path = VaultPath::new("folder/Note.md").unwrap();
        let mut note =
            super::super::parse_note_for(path, NoteBytes::Read(text.as_bytes().to_vec()), |_| {
                super::super::BodyScope::ForCheck
            });
        let written: Vec<_> = subpaths
            .iter()
            .map(|&at| {
                let span = note.links[at].span;
                span.start as usize..span.end as usize
            })
            .collect();
        let kept_at = note.keep_for_check(subpaths.iter().map(|&at| (at, KeptLink::Subpath)));
        let written = written
            .into_iter()
            .zip(subpaths)
            .map(|(range, at)| (kept_at.binary_search(at).unwrap(), range))
            .collect();
        (note, written)
    }

    #[test]
    fn links_kept_for_their_subpath_get_their_strings_and_lines_back() {
        let whole = parse(TEXT);
        // Two (a wikilink with a display text) and docs (a Markdown link).
        let (mut kept, written) = cut_for_subpaths(TEXT, &[2, 4]);
        assert_eq!(kept.raw(&kept.links[1]), "");
        assert!(kept.restore_lines(TEXT, &written));
        for (now, at) in [(1, 2), (2, 4)] {
            let (before, after) = (&whole.links[at], &kept.links[now]);
            assert_eq!(whole.raw(before), kept.raw(after));
            assert_eq!(whole.linkpath(before), kept.linkpath(after));
            assert_eq!(whole.subpath(before), kept.subpath(after));
            assert_eq!(whole.display(before), kept.display(after));
            assert_eq!((before.kind, before.is_embed), (after.kind, after.is_embed));
            assert_eq!(before.span.position, after.span.position);
            assert_eq!(
                whole.span_location(&before.span),
                kept.span_location(&after.span)
            );
        }
        // The frontmatter's link reads as before.
        assert_eq!(kept.raw(&kept.links[0]), whole.raw(&whole.links[0]));
    }

    #[test]
    fn links_in_lists_tables_callouts_and_comments_get_theirs_back() {
        let text = "- item [[A#One]]\n\n| x | [[B#Two\\|b]] |\n| - | - |\n\n\
                    > [!note] Title\n> in [[C#Three]]\n\n%% hidden [[D#Four]] %%\n\n\
                    split [e\nf](E.md#Five) and ![[F.png#Six|x|20]]\n";
        let whole = parse(text);
        let all: Vec<usize> = (0..whole.links.len()).collect();
        assert_eq!(all.len(), 6, "{:?}", whole.links);
        let (mut kept, written) = cut_for_subpaths(text, &all);
        assert!(kept.restore_lines(text, &written));
        for (before, after) in whole.links.iter().zip(&kept.links) {
            assert_eq!(whole.raw(before), kept.raw(after));
            assert_eq!(whole.linkpath(before), kept.linkpath(after));
            assert_eq!(whole.subpath(before), kept.subpath(after));
            assert_eq!(whole.display(before), kept.display(after));
            assert_eq!(
                (before.kind, before.is_embed, before.in_comment, before.size),
                (after.kind, after.is_embed, after.in_comment, after.size)
            );
            assert_eq!(before.span.position, after.span.position);
            assert_eq!(
                whole.span_location(&before.span),
                kept.span_location(&after.span)
            );
        }
        assert!(whole.links.iter().any(|link| link.in_comment));
    }

    #[test]
    fn a_link_that_reads_otherwise_alone_is_not_taken_back() {
        // Over two lines of a quote, parsed alone the second line is a quote
        // of its own: no link.
        let text = "> [a\n> b](B.md#Gone)\n";
        let (mut kept, written) = cut_for_subpaths(text, &[0]);
        assert!(!kept.restore_lines(text, &written));
    }

    #[test]
    fn an_embed_kept_for_its_subpath_gets_its_size_back() {
        let text = "x
	y ![[Chart.png#Part|alt|100x20]] z [[Q#^id]]
";
        let whole = parse(text);
        let (mut kept, written) = cut_for_subpaths(text, &[0, 1]);
        assert!(kept.restore_lines(text, &written));
        for at in [0, 1] {
            let (before, after) = (&whole.links[at], &kept.links[at]);
            assert_eq!(whole.raw(before), kept.raw(after));
            assert_eq!(before.size, after.size);
            assert_eq!(before.span.position, after.span.position);
        }
    }

    #[test]
    fn a_note_changed_since_its_parse_gets_nothing_back() {
        let (mut kept, written) = cut_for_subpaths(TEXT, &[2]);
        let before = (kept.text.clone(), kept.strings.clone(), kept.links.clone());
        for changed in [
            // Another subpath in the same place.
            TEXT.replace("[[Two#Part|shown]]", "[[Two#Pert|shown]]"),
            // No longer a link there.
            TEXT.replace("[[Two#Part|shown]]", "`[Two#Part|shown]]"),
            // Shorter than the link's place.
            TEXT[..40].to_owned(),
            // Another subpath, after a file part cleaned up (NBSP) into the
            // arena: the arena is as it was.
            TEXT.replace("[[Two#Part|shown]]", "[[T\u{a0}#Pert|shown]]"),
            // A multi-byte character across the link's start.
            TEXT.replace("Intro [[One]] and ", "Intro [[One]] and\u{e9}"),
        ] {
            assert!(!kept.restore_lines(&changed, &written), "{changed}");
            assert_eq!(
                (kept.text.clone(), kept.strings.clone(), kept.links.clone()),
                before
            );
        }
    }

    #[test]
    fn a_note_parsed_for_check_gets_the_positions_of_the_lines_it_keeps() {
        let text = "---\nup: \"[[U]]\"\n---\na [[X#P]] b\ncafé [[Y]]\n";
        let whole = parse(text);
        let path = VaultPath::new("folder/Note.md").unwrap();
        let mut kept =
            super::super::parse_note_for(path, NoteBytes::Read(text.as_bytes().to_vec()), |_| {
                super::super::BodyScope::ForCheck
            });
        assert_eq!(kept.links[2].span.position.line, 0);
        let kept_at = kept.keep_for_check([(1, KeptLink::Subpath), (2, KeptLink::Line)]);
        assert_eq!(kept_at, [0, 1, 2]);
        // The frontmatter's link and the line kept have their positions.
        assert_eq!(kept.links[0].span.position, whole.links[0].span.position);
        assert_eq!(kept.links[2].span.position, whole.links[2].span.position);
        assert_eq!(
            kept.span_location(&kept.links[2].span),
            whole.span_location(&whole.links[2].span)
        );
        assert_eq!(kept.subpath(&kept.links[1]), Some("#P"));
    }
}
