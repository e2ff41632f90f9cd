//! Note-level parsing tests: the parts working together on whole notes.

use super::*;

fn parse(text: &str) -> Note {
    parse_note(
        VaultPath::new("x.md").unwrap(),
        NoteBytes::Read(text.as_bytes().to_vec()),
    )
}

fn raws(note: &Note) -> Vec<&str> {
    note.links.iter().map(|link| note.raw(link)).collect()
}

#[test]
fn links_keep_line_and_character_column() {
    let note =
        parse("---\nup: \"[[Parent]]\"\n---\n# Title\n\nCafé [[Note|shown]] and ![[img.png|20]]\n");
    let positions: Vec<(u32, u32)> = note
        .links
        .iter()
        .map(|link| (link.span.position.line, link.span.position.column))
        .collect();
    assert_eq!(positions, [(2, 6), (6, 6), (6, 25)]);
    assert_eq!(
        raws(&note),
        ["[[Parent]]", "[[Note|shown]]", "![[img.png|20]]"]
    );
}

#[test]
fn leftmost_double_bracket_wins() {
    let note = parse("[[[draft] plan]] and [[[[x]]");
    let paths: Vec<&str> = note.links.iter().map(|link| note.linkpath(link)).collect();
    assert_eq!(paths, ["[draft] plan", "[x"]);
}

#[test]
fn quote_and_callout_ids() {
    let note = parse(
        "> [!hint] Title\n> Body text.\n^callout-id\n\n> inner ^not-registered\n> more\n\n- item\n\n^list-id\n",
    );
    let ids: Vec<(&str, BlockKind)> = note
        .blocks
        .iter()
        .map(|b| (b.id.as_str(), b.kind))
        .collect();
    assert_eq!(
        ids,
        [
            ("callout-id", BlockKind::Quote),
            ("list-id", BlockKind::List)
        ]
    );
}

#[test]
fn list_item_id_on_a_continuation_line() {
    // The help vault's example: the id on the item's last line.
    let note = parse("- Gemmy\n    $$Paperclip / Pen$$ \n    ^37006f\n- Unhelpful assistant\n");
    assert_eq!(note.blocks.len(), 1);
    assert_eq!(note.blocks[0].id, "37006f");
    assert_eq!(note.blocks[0].kind, BlockKind::ListItem);
}

#[test]
fn invalid_frontmatter_keeps_the_body() {
    let note = parse("---\na: [unclosed\n---\n[[Body link]] #tag\n");
    assert!(!note.has_valid_frontmatter);
    assert!(note.properties.is_empty());
    assert_eq!(raws(&note), ["[[Body link]]"]);
    assert_eq!(note.tags.len(), 1);
    let location = note.diagnostics[0].location.as_ref().unwrap();
    assert_eq!(location.start.line, 3);
}

#[test]
fn footnote_definitions_and_their_links() {
    let note = parse("Text[^Note].\n\n[^Note]: See [[Source]].\n");
    assert_eq!(note.footnotes, ["note"]);
    assert_eq!(raws(&note), ["[[Source]]"]);
}

#[test]
fn unreadable_and_oversized_notes_are_diagnostics() {
    let path = VaultPath::new("x.md").unwrap();
    let note = parse_note(
        path.clone(),
        NoteBytes::Unreadable(std::io::Error::other("gone")),
    );
    assert_eq!(note.diagnostics[0].code, Code::UnreadableNote);
    let note = parse_note(
        path,
        NoteBytes::TooLarge {
            size: 200_000_000,
            limit: crate::choices::MAX_NOTE_BYTES,
        },
    );
    assert_eq!(note.diagnostics[0].code, Code::NoteTooLarge);
    assert!(
        note.diagnostics[0]
            .message
            .contains("note is 190.7 MB, over the parse limit of 16.0 MB"),
        "{}",
        note.diagnostics[0].message
    );
}

#[test]
fn anchors_hash_follows_headings_blocks_and_footnotes_only() {
    let base = parse("# One\n\nText ^block\n\n[^note]: a note\n");
    assert_eq!(base.anchors_hash, base.hash_anchors());
    let same_anchors = parse("# One\n\nOther text ^block\n\n[^note]: changed\n");
    assert_eq!(base.anchors_hash, same_anchors.anchors_hash);
    for changed in [
        "# Two\n\nText ^block\n\n[^note]: a note\n",
        "## One\n\nText ^block\n\n[^note]: a note\n",
        "# One\n\nText ^other\n\n[^note]: a note\n",
        "# One\n\nText ^block\n\n[^else]: a note\n",
    ] {
        assert_ne!(base.anchors_hash, parse(changed).anchors_hash, "{changed}");
    }
}

#[test]
fn a_parse_for_check_leaves_out_only_list_items_callouts_and_body_tags() {
    let text = "---\ntags: [front]\n---\n# Top #inline\n\n- item [[A#Part]] #tag ^item\n  - nested\n\n\
                > [!quote] Said\n> words [[B]]\n\n%% hidden [[C]] %%\n\nPara[^1] ^para\n\n[^1]: note\n";
    let path = VaultPath::new("x.md").unwrap();
    let whole = parse(text);
    let checked = parse_note_for(path, NoteBytes::Read(text.as_bytes().to_vec()), |_| {
        BodyScope::ForCheck
    });
    assert!(!whole.list_items.is_empty() && !whole.callouts.is_empty());
    assert!(whole.tags.len() > 1);
    assert!(checked.list_items.is_empty() && checked.callouts.is_empty());
    let tags: Vec<&str> = checked
        .tags
        .iter()
        .map(|tag| checked.tag_name(tag))
        .collect();
    assert_eq!(tags, ["front"]);
    // The same links, headings and blocks, without body positions.
    let links = |note: &Note| -> Vec<(std::ops::Range<usize>, String, bool)> {
        note.links
            .iter()
            .map(|link| {
                (
                    link.span.range(),
                    note.raw(link).to_owned(),
                    link.in_comment,
                )
            })
            .collect()
    };
    assert_eq!(links(&checked), links(&whole));
    let headings = |note: &Note| -> Vec<(u8, String, std::ops::Range<usize>)> {
        note.headings
            .iter()
            .map(|h| (h.level, h.key.clone(), h.span.range()))
            .collect()
    };
    assert_eq!(headings(&checked), headings(&whole));
    let blocks = |note: &Note| -> Vec<(String, std::ops::Range<usize>)> {
        note.blocks
            .iter()
            .map(|b| (b.id.clone(), b.span.range()))
            .collect()
    };
    assert_eq!(blocks(&checked), blocks(&whole));
    let body_start = checked.frontmatter.as_ref().unwrap().body_start as u32;
    for link in checked
        .links
        .iter()
        .filter(|link| link.span.start >= body_start)
    {
        assert_eq!(link.span.position.line, 0);
    }
    assert!(checked.headings.iter().all(|h| h.span.position.line == 0));
    assert_eq!(checked.footnotes, whole.footnotes);
    assert_eq!(checked.comments, whole.comments);
    assert_eq!(checked.anchors_hash, 0);
    assert_ne!(whole.anchors_hash, 0);
}

#[test]
fn a_short_search_finds_what_str_find_finds() {
    let haystack = "up: \"[[A]]\"\nlist: [\"[[A]]x\", \"[[Ab]]\"]\ncafé: \"[[é]]\"";
    for needle in [
        "[[A]]",
        "[[Ab]]",
        "[[é]]",
        "é",
        "\"",
        "",
        "[[B]]",
        "x\", \"[[Ab",
    ] {
        assert_eq!(
            super::find_short(haystack, needle),
            haystack.find(needle),
            "{needle}"
        );
    }
}
