//! The edge-case table of `obsidian-semantics.md` (b), one case per row.
//!
//! Link rows run the real binary (`links --format jsonl`) on copies of the fixture
//! vaults under `tests/fixtures/` (`v`, `v2`, `v3`, …), with the row's source note
//! added. Rows about tags, frontmatter, callouts and comments, which `links` does
//! not show, use the library's parser on the row's text. Rows marked [D-only] in
//! the spec are included with the choice documented in `src/choices.rs`.

use rstest::rstest;
use serde_json::Value;
use throughline::config::Config;
use throughline::parse::{BlockKind, Fold, Note, NoteBytes, parse_note};
use throughline::scan::VaultPath;

use crate::support::VaultTest;

/// Writes `source` with `input` into a copy of `fixture` (minus `remove`), and
/// returns the links found in `source`.
fn links_of(fixture: &str, remove: &[&str], source: &str, input: &str) -> Vec<Value> {
    let vault = VaultTest::from_fixture(fixture);
    for path in remove {
        std::fs::remove_file(vault.path().join(path)).expect("the fixture file exists");
    }
    vault.file(source, input);
    vault.links_in(source)
}

/// The one link of a row.
fn only_link(fixture: &str, source: &str, input: &str) -> Value {
    let links = links_of(fixture, &[], source, input);
    assert_eq!(
        links.len(),
        1,
        "expected one link in {input:?}, got {links:#?}"
    );
    links.into_iter().next().expect("length checked")
}

fn parse(text: &str) -> Note {
    parse_note(
        VaultPath::new("x.md").expect("valid"),
        NoteBytes::Read(text.as_bytes().to_vec()),
    )
}

#[rstest]
#[case::row01_unique_name(
    "v",
    "x.md",
    "[[Three laws of motion]]",
    "Projects/Three laws of motion.md"
)]
#[case::row02_case_insensitive(
    "v",
    "x.md",
    "[[three LAWS of motion]]",
    "Projects/Three laws of motion.md"
)]
#[case::row03_with_extension(
    "v",
    "x.md",
    "[[Three laws of motion.md]]",
    "Projects/Three laws of motion.md"
)]
#[case::row04_extension_case("v", "x.md", "[[Ext.MD]]", "Ext.md")]
#[case::row05_folder_path(
    "v",
    "x.md",
    "[[Projects/Three laws of motion]]",
    "Projects/Three laws of motion.md"
)]
#[case::row06_root_exact_path("v", "x.md", "[[Note]]", "Note.md")]
#[case::row07_exact_path_beats_own_folder("v", "a/src.md", "[[Note]]", "Note.md")]
#[case::row08_own_folder_shortest("v2", "a/src.md", "[[Note]]", "a/Note.md")]
#[case::row09_ancestor_folder_does_not_help("v3", "zzzz/deep/src.md", "[[Note]]", "b/Note.md")]
#[case::row10_shortest_path("v3", "x.md", "[[Note]]", "b/Note.md")]
#[case::row11_folder_suffix_match("only-a-b-note", "x.md", "[[b/Note]]", "a/b/Note.md")]
#[case::row14_absolute("v", "x.md", "[[/a/Note]]", "a/Note.md")]
#[case::row15_dot_slash("v", "a/b/src.md", "[[./Note]]", "a/b/Note.md")]
#[case::row15_dot_dot_slash("v", "a/b/src.md", "[[../Note]]", "a/Note.md")]
#[case::row16_pdf_with_extension("v", "x.md", "[[Report.pdf]]", "Report.pdf")]
#[case::row17_canvas_with_extension("v", "x.md", "[[Doc.canvas]]", "Doc.canvas")]
#[case::row18_dot_in_name("v", "x.md", "[[v2.0 Release]]", "v2.0 Release.md")]
#[case::row18_dot_number("v", "x.md", "[[Note.1]]", "Note.1.md")]
#[case::row19_nfd_typed("v", "x.md", "[[Cafe\u{301}]]", "Caf\u{e9}.md")]
#[case::row46_markdown_vault_wide("v", "x.md", "[y](My%20Note.md)", "Sub/My Note.md")]
#[case::row47_markdown_full_path("v", "Sub/md2.md", "[z](Sub/My%20Note.md)", "Sub/My Note.md")]
#[case::row48_angle_brackets("v", "x.md", "[x](<Sub/My Note.md>)", "Sub/My Note.md")]
#[case::row48_no_extension(
    "v",
    "x.md",
    "[x](Three%20laws%20of%20motion)",
    "Projects/Three laws of motion.md"
)]
#[case::row49_markdown_relative("v", "a/b/src.md", "[x](../Note.md)", "a/Note.md")]
fn resolves_to(
    #[case] fixture: &str,
    #[case] source: &str,
    #[case] input: &str,
    #[case] target: &str,
) {
    let link = only_link(fixture, source, input);
    assert_eq!(link["target"], target, "{link:#}");
}

#[test]
fn row10_without_the_shortest_the_next_shortest() {
    // `a/b/Note.md` (11 characters) beats `zzzz/Note.md` (12): length, not depth.
    let links = links_of("v3", &["b/Note.md"], "x.md", "[[Note]]");
    assert_eq!(links[0]["target"], "a/b/Note.md");
}

#[rstest]
#[case::row12_folder_not_a_suffix("only-a-b-note", "[[c/Note]]")]
#[case::row13_leading_slash_needs_exact_path("only-a-note", "[[/Note]]")]
#[case::row16_pdf_needs_extension("v", "[[Report]]")]
#[case::row17_canvas_needs_extension("v", "[[Doc]]")]
#[case::row20_alias("v", "[[AI]]")]
#[case::row20_alias_lower_case("v", "[[ai]]")]
#[case::row23_url_is_an_internal_link("v", "[[https://example.com]]")]
fn unresolved(#[case] fixture: &str, #[case] input: &str) {
    let link = only_link(fixture, "x.md", input);
    assert_eq!(link["target"], Value::Null, "{link:#}");
    assert_eq!(link["kind"], "wikilink");
}

#[rstest]
#[case::row26_empty("[[]]")]
#[case::row26_newline("[[a\n b]]")]
#[case::row50_https("[x](https://e.com)")]
#[case::row50_obsidian_url("[x](obsidian://open?vault=v&file=Note)")]
#[case::row51_code_span("`[[Note]]`")]
#[case::row51_fenced_code("```\n[[Note]]\n```\n")]
#[case::row51_indented_code("para\n\n    [[Note]]\n")]
#[case::row54_html_comment("<!-- [[Hidden]] -->")]
#[case::row54_html_block("<div>[[N]]</div>\n")]
#[case::math("$x = [[Note]]$")]
fn not_a_link(#[case] input: &str) {
    let links = links_of("v", &[], "x.md", input);
    assert!(links.is_empty(), "{input:?} gave {links:#?}");
}

#[test]
fn row20_alias_broken_link_explains_aliases() {
    let vault = VaultTest::from_fixture("v");
    vault.file("x.md", "[[AI]]\n");
    let (report, code) = vault.check_json();
    assert_eq!(code, 1);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let broken = diagnostics
        .iter()
        .find(|d| d["path"] == "x.md")
        .expect("x.md has a problem");
    assert_eq!(broken["code"], "broken-link");
    assert!(
        broken["help"]
            .as_str()
            .unwrap()
            .contains("alias of `Artificial Intelligence.md`")
    );
}

#[test]
fn row21_alias_as_display_text() {
    let link = only_link("v", "x.md", "[[Artificial Intelligence|AI]]");
    assert_eq!(link["target"], "Artificial Intelligence.md");
    assert_eq!(link["display"], "AI");
}

#[test]
fn row22_self_heading_link() {
    let link = only_link("v", "x.md", "# Heading\n\nSee [[#Heading]].\n");
    assert_eq!(link["target"], "x.md");
    assert_eq!(link["subpath"], "#Heading");
    assert_eq!(link["subpath_found"], true);
    assert_eq!(link["display"], "Heading");
}

#[test]
fn row24_square_bracket_inside() {
    let vault = VaultTest::from_fixture("v");
    vault.file("Sq]uare.md", "odd name\n");
    vault.file("x.md", "[[Sq]uare]]");
    let links = vault.links_in("x.md");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["target"], "Sq]uare.md");
}

#[rstest]
#[case::row25_padded("[[  foo  ]]", "foo")]
#[case::row25_padded_with_display("[[ foo |foo]]", "foo")]
fn row25_trimmed(#[case] input: &str, #[case] display: &str) {
    let vault = VaultTest::new();
    vault.file("foo.md", "foo\n");
    vault.file("x.md", input);
    let links = vault.links_in("x.md");
    assert_eq!(links[0]["target"], "foo.md");
    assert_eq!(links[0]["display"], display);
}

#[test]
fn row27_nested_brackets_only_inner_link() {
    let links = links_of("v", &[], "x.md", "[[a|[[b]]]]");
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["raw"], "[[b]]");
}

#[rstest]
#[case::row28_heading_and_display("[[Note#Head|Alias]]", "#Head", true, "Alias")]
#[case::row29_table_escape("| a | b |\n|---|---|\n| [[Note\\|Alias]] | x |\n", "", true, "Alias")]
#[case::row31_chain_display("[[Note#A#B]]", "#A#B", true, "Note > A > B")]
#[case::row32_missing_heading_still_resolves(
    "[[Note#Missing]]",
    "#Missing",
    false,
    "Note > Missing"
)]
fn note_links(
    #[case] input: &str,
    #[case] subpath: &str,
    #[case] found: bool,
    #[case] display: &str,
) {
    let link = only_link("v", "x.md", input);
    assert_eq!(link["target"], "Note.md");
    if subpath.is_empty() {
        assert_eq!(link["subpath"], Value::Null);
        assert_eq!(link["subpath_found"], Value::Null);
    } else {
        assert_eq!(link["subpath"], subpath);
        assert_eq!(link["subpath_found"], found);
    }
    assert_eq!(link["display"], display);
}

#[test]
fn row30_double_bar() {
    let link = only_link("v", "x.md", "[[Log||b]]");
    assert_eq!(link["target"], "Log.md");
    assert_eq!(link["display"], "|b");
}

#[rstest]
#[case::row33_punctuation_ignored("[[Headings#foo bar]]", true)]
#[case::row34_link_in_heading("[[Headings#Title Other]]", true)]
#[case::row35_bold_stripped_underscore_kept("[[Headings#Bold snake_case]]", true)]
#[case::row36_chain("[[Headings#C#B]]", true)]
#[case::row37_heading_in_callout_is_not_a_heading("[[Headings#Inside]]", false)]
#[case::row38_repeated_heading("[[Headings#Intro]]", true)]
#[case::row39_block_case_insensitive("[[N#^MY-ID]]", true)]
#[case::row40_list_item_block("[[N#^li1]]", true)]
#[case::row41_table_block("[[N#^tbl]]", true)]
#[case::row42_underscore_is_not_an_id("[[N#^my_id]]", false)]
#[case::row42_no_space_is_not_an_id("[[N#^id]]", false)]
#[case::row45_block_embed("![[Note#^abc]]", true)]
#[case::row45_heading_embed("![[Note#Head]]", true)]
#[case::footnote("[[N#[^fn]|the footnote]]", true)]
fn subpaths(#[case] input: &str, #[case] found: bool) {
    let link = only_link("v", "x.md", input);
    assert_ne!(link["target"], Value::Null, "{link:#}");
    assert_eq!(link["subpath_found"], found, "{link:#}");
}

#[test]
fn rows36_38_40_41_which_heading_and_block() {
    let vault =
        throughline::load_vault(&crate::support::fixture("v"), &Config::default()).expect("loads");
    let file = vault
        .files
        .iter()
        .position(|f| f.path.as_str() == "Headings.md")
        .expect("Headings.md exists");
    let headings = &vault.note(file as u32).expect("parsed").headings;
    // Row 36: `#C#B` lands on the second `## B`, the one under `# C`.
    let b = throughline::resolve::find_heading_chain(headings, "#C#B").expect("found");
    assert_eq!(headings[b].text, "B");
    assert!(headings[..b].iter().any(|h| h.text == "C"));
    assert_eq!(
        headings
            .iter()
            .filter(|h| h.text == "B")
            .position(|h| std::ptr::eq(h, &headings[b])),
        Some(1)
    );
    // Row 38: the first `## Intro`.
    let intro = throughline::resolve::find_heading_chain(headings, "#Intro").expect("found");
    assert_eq!(headings.iter().position(|h| h.text == "Intro"), Some(intro));
    // Row 37: the heading inside the callout is not a heading of the file.
    assert!(headings.iter().all(|h| h.text != "Inside"));

    let n = parse(
        "Some text ^my-id\n\n- item ^li1\n  - child\n- other\n\n| a |\n|---|\n| 1 |\n\n^tbl\n",
    );
    let kinds: Vec<(&str, BlockKind)> = n.blocks.iter().map(|b| (b.id.as_str(), b.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("my-id", BlockKind::Paragraph),
            ("li1", BlockKind::ListItem),
            ("tbl", BlockKind::Table)
        ]
    );
    // Row 40: the item's block is the item and its children, not the whole list.
    let item = &n.blocks[1];
    let text = &n.text[item.span.range()];
    assert!(
        text.contains("child") && !text.contains("other"),
        "{text:?}"
    );
}

#[test]
fn rows43_44_embed_sizes() {
    let note = parse("![[img/photo.png|100x145]] ![[photo.png|caption|100]]");
    let sizes: Vec<_> = note
        .links
        .iter()
        .map(|l| l.size.map(|s| (s.width, s.height)))
        .collect();
    assert_eq!(sizes, [Some((100, Some(145))), Some((100, None))]);
    let links = links_of(
        "v",
        &[],
        "x.md",
        "![[img/photo.png|100x145]]\n![[photo.png|caption|100]]\n",
    );
    assert_eq!(links[0]["target"], "img/photo.png");
    assert_eq!(links[0]["embed"], true);
    assert_eq!(links[0]["display"], Value::Null);
    assert_eq!(links[1]["target"], "img/photo.png");
    assert_eq!(links[1]["display"], "caption");
}

#[test]
fn row52_dollars_do_not_start_math() {
    let link = only_link("v", "x.md", "[[Cost $5 to $10]]");
    assert_eq!(link["display"], "Cost $5 to $10");
    assert_eq!(link["target"], Value::Null);
}

#[test]
fn row53_links_in_comments_are_recorded() {
    let link = only_link("v", "x.md", "%%[[Note]]%%");
    assert_eq!(link["target"], "Note.md");
    let note = parse("%%[[Note]]%% and [[Log]]");
    assert_eq!(
        note.links.iter().map(|l| l.in_comment).collect::<Vec<_>>(),
        [true, false]
    );
}

fn tags(text: &str) -> Vec<String> {
    let note = parse(text);
    note.tags
        .iter()
        .map(|tag| note.tag_name(tag).to_owned())
        .collect()
}

#[rstest]
#[case::row55("#tag #1984 #y1984 #1984book", &["tag", "y1984", "1984book"])]
#[case::row56_nested("#inbox/to-read", &["inbox/to-read"])]
#[case::row57_punctuation_ends_a_tag("#tag. #tag's #tag,x", &["tag", "tag", "tag"])]
#[case::row58_not_after_a_word("word#notag http://x.io/#frag", &[])]
#[case::row59_unicode("#café #日本語 #🎉 #snake_case", &["café", "日本語", "🎉", "snake_case"])]
#[case::row60_case_kept_as_written("#Tag #TAG", &["Tag", "TAG"])]
#[case::row61_heading_tag("## Sub #tag", &["tag"])]
#[case::row61_line_start_tag("#tag at line start", &["tag"])]
#[case::row62_trailing_slash("#a/", &["a"])]
#[case::code_is_not_a_tag("`#code` and\n\n```\n#fenced\n```\n", &[])]
#[case::link_text_is_not_a_tag("[[Note#Heading]] [[Note|x #y]]", &[])]
#[case::escaped("\\#notatag", &[])]
#[case::quote_line_start(">#quoted", &["quoted"])]
#[case::table_cell("| #cell |\n|---|\n| #row |", &["cell", "row"])]
fn rows55_62_inline_tags(#[case] text: &str, #[case] expected: &[&str]) {
    assert_eq!(tags(text), expected);
}

#[test]
fn row60_tags_compare_case_insensitively() {
    let found = tags("#Tag #TAG");
    assert_eq!(found[0].to_lowercase(), found[1].to_lowercase());
}

#[rstest]
#[case::row63_list("---\ntags: [recipe, \"#cooking\"]\n---\n", &["recipe", "cooking"])]
#[case::row64_scalar_not_recognised("---\ntags: recipe\n---\n", &[])]
#[case::row65_items_filtered("---\ntags:\n  - two words\n  - ok\n  -\n  - 2024\n---\n", &["ok"])]
#[case::row66_key_case("---\nTags: [x]\n---\n", &["x"])]
fn rows63_66_frontmatter_tags(#[case] text: &str, #[case] expected: &[&str]) {
    assert_eq!(tags(text), expected);
}

#[test]
fn rows67_70_frontmatter_links() {
    let vault = VaultTest::from_fixture("v");
    vault.file(
        "x.md",
        "---\nlink: \"[[Log]]\"\nunquoted: [[Log]]\nlinks: [\"[[Note]]\", \"[[Ext|bee]]\"]\nnote: \"see [[Log]] here\"\n---\nbody\n",
    );
    let links = vault.links_in("x.md");
    let found: Vec<(&str, &str, &str)> = links
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap(),
                l["raw"].as_str().unwrap(),
                l["target"].as_str().unwrap(),
            )
        })
        .collect();
    // Row 67: a quoted link; row 68: unquoted is a YAML list, not a link; row 69:
    // list items with display text; row 70: text around a link is not a link.
    assert_eq!(
        found,
        [
            ("frontmatter", "[[Log]]", "Log.md"),
            ("frontmatter", "[[Note]]", "Note.md"),
            ("frontmatter", "[[Ext|bee]]", "Ext.md")
        ]
    );
    assert_eq!(links[2]["display"], "bee");
    // Positions point at the value in the file.
    assert_eq!(
        (links[0]["line"].as_u64(), links[0]["column"].as_u64()),
        (Some(2), Some(8))
    );
    let note = parse("---\nlinks: [\"[[A]]\", \"[[B|bee]]\"]\n---\n");
    let keys: Vec<_> = note
        .links
        .iter()
        .map(|l| note.property_key(l).unwrap())
        .collect();
    assert_eq!(keys, ["links.0", "links.1"]);
}

#[rstest]
#[case::row71_blank_line_first("\n---\nk: v\n---\n", false, true)]
#[case::row72_trailing_spaces("---\nk: v\n---   \nbody", true, true)]
#[case::row72_crlf("---\r\nk: v\r\n---\r\n", true, true)]
#[case::row72_empty("---\n---\n", true, true)]
#[case::row73_array("---\n- a\n- b\n---\n", true, false)]
#[case::row73_dots_do_not_close("---\nk: v\n...\n", false, true)]
fn rows71_73_frontmatter_blocks(#[case] text: &str, #[case] has_block: bool, #[case] valid: bool) {
    let note = parse(text);
    assert_eq!(note.frontmatter.is_some(), has_block, "{text:?}");
    assert_eq!(note.has_valid_frontmatter, valid, "{text:?}");
    if has_block && valid && text.contains("k: v") {
        assert_eq!(
            note.properties
                .get_ignore_case("k")
                .and_then(|v| v.as_str()),
            Some("v")
        );
    }
}

#[test]
fn row74_yaml_1_2_values_are_strings() {
    let note = parse("---\nflag: yes\nd: 2020-08-21\n---\n");
    assert_eq!(
        note.properties
            .get_ignore_case("flag")
            .and_then(|v| v.as_str()),
        Some("yes")
    );
    assert_eq!(
        note.properties
            .get_ignore_case("d")
            .and_then(|v| v.as_str()),
        Some("2020-08-21")
    );
}

#[test]
fn rows75_77_callouts() {
    let note = parse(
        "> [!faq]- Are callouts foldable?\n> Yes.\n\n> [!INFO]\n> x\n\n> [!my-type]\n> y\n\n> [!note|wide] T\n> z\n",
    );
    let headers: Vec<_> = note.callouts.iter().map(|c| &c.header).collect();
    assert_eq!(headers[0].kind, "faq");
    assert_eq!(headers[0].fold, Some(Fold::Collapsed));
    assert_eq!(headers[0].title.as_deref(), Some("Are callouts foldable?"));
    assert_eq!(headers[1].kind, "info");
    assert_eq!(headers[2].kind, "my-type");
    assert_eq!(
        throughline::parse::default_title(&headers[2].kind),
        "My type"
    );
    assert_eq!(headers[3].kind, "note");
    assert_eq!(headers[3].metadata.as_deref(), Some("wide"));
    assert_eq!(headers[3].title.as_deref(), Some("T"));
}

#[test]
fn row78_block_comment_spans_paragraphs() {
    let note =
        parse("before\n\n%%\n# Hidden heading\n\nstill hidden [[Note]] #tag\n%%\n\n# Shown\n");
    assert_eq!(note.comments.len(), 1);
    assert_eq!(
        note.headings
            .iter()
            .map(|h| h.text.as_str())
            .collect::<Vec<_>>(),
        ["Shown"]
    );
    assert!(note.links[0].in_comment);
    assert!(note.tags[0].in_comment);
}

#[test]
fn row79_four_percent_signs_are_an_empty_comment() {
    let note = parse("A %%%% B [[Note]]");
    assert_eq!(note.comments, vec![std::ops::Range { start: 2, end: 6 }]);
    assert!(!note.links[0].in_comment);
}

#[test]
fn row80_embed_cycle_resolves_without_trouble() {
    let vault = VaultTest::new();
    vault
        .file("A.md", "![[B]]\n")
        .file("B.md", "![[C]]\n")
        .file("C.md", "![[A]]\n");
    let links = vault.links();
    let targets: Vec<_> = links
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["B.md", "C.md", "A.md"]);
    let run = vault.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}
