//! Property tests: arbitrary bytes and Markdown-ish text through the parser and the
//! resolver never panic, and every reported line and column lies inside the file.

use std::path::PathBuf;

use proptest::prelude::*;
use throughline::config::ObsidianSettings;
use throughline::diagnostics::Position;
use throughline::parse::{Note, NoteBytes, parse_note};
use throughline::resolve::resolve;
use throughline::scan::{Exclusion, FileKind, Scan, VaultFile, VaultPath};

const TOKENS: &[&str] = &[
    "[[",
    "]]",
    "|",
    "\\|",
    "#",
    "#^",
    "^id-1",
    " ^blk",
    "%%",
    "---\n",
    "...\n",
    "\n",
    "\n\n",
    "\r\n",
    "> ",
    "> [!note]- T\n",
    "- ",
    "  - ",
    "1. ",
    "```\n",
    "`",
    "$",
    "$$",
    "[",
    "](",
    ")",
    "<",
    ">",
    "<div>",
    "</div>",
    "<!-- ",
    " -->",
    "!",
    "![[",
    "word",
    "Note",
    "a/b",
    "./",
    "../",
    "é",
    "e\u{301}",
    "🎉",
    " ",
    "\t",
    "tags: [x, \"#y\"]\n",
    "k: \"[[Note]]\"\n",
    ": ",
    "{{date}}",
    "#tag",
    "#1984",
    "[^1]",
    "[^1]: foot\n",
    "| a | b |\n|---|---|\n",
    "\u{a0}",
    "*",
    "_",
    "~~",
    "==",
    "\\",
];

fn markdownish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|tokens| tokens.concat())
}

/// (line count, characters on each line) of a note's text.
fn line_lengths(text: &str) -> Vec<usize> {
    text.split('\n')
        .map(|line| line.trim_end_matches('\r').chars().count())
        .collect()
}

fn assert_inside(text: &str, position: Position, what: &str) {
    let lines = line_lengths(text);
    let line = position.line as usize;
    assert!(
        line >= 1 && line <= lines.len(),
        "{what}: line {line} of {} in {text:?}",
        lines.len()
    );
    let column = position.column as usize;
    assert!(
        column >= 1 && column <= lines[line - 1] + 1,
        "{what}: column {column} of line {line} in {text:?}"
    );
}

fn check_note(note: &Note) {
    for link in &note.links {
        assert_inside(&note.text, link.span.position, "link");
        assert!(link.span.end as usize <= note.text.len());
    }
    for heading in &note.headings {
        assert_inside(&note.text, heading.span.position, "heading");
    }
    for block in &note.blocks {
        assert_inside(&note.text, block.span.position, "block");
    }
    for tag in note.tags.iter().filter_map(|tag| tag.span) {
        assert_inside(&note.text, tag.position, "tag");
    }
    for diagnostic in &note.diagnostics {
        if let Some(location) = &diagnostic.location {
            assert_inside(&note.text, location.start, "diagnostic");
        }
    }
}

fn vault_file(path: &str) -> VaultFile {
    VaultFile {
        path: VaultPath::new(path).expect("valid test path"),
        fs_path: PathBuf::from(path).into(),
        kind: if path.ends_with(".md") {
            FileKind::Note
        } else {
            FileKind::Attachment
        },
        exclusion: Exclusion::None,
        size: 0,
        modified: None,
    }
}

proptest! {
    // 256 cases by default; `PROPTEST_CASES=100000` for a longer hunt.

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let note = parse_note(VaultPath::new("x.md").unwrap(), NoteBytes::Read(bytes));
        check_note(&note);
    }

    #[test]
    fn markdownish_text_never_panics(text in markdownish()) {
        let note = parse_note(VaultPath::new("x.md").unwrap(), NoteBytes::Read(text.into_bytes()));
        check_note(&note);
    }

    #[test]
    fn resolver_never_panics(texts in prop::collection::vec(markdownish(), 1..5)) {
        let names = ["Note.md", "a/b/Note.md", "a/x.md", "word.md", "é.md"];
        let mut files: Vec<VaultFile> = names[..texts.len()].iter().map(|p| vault_file(p)).collect();
        files.push(vault_file("img.png"));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let notes: Vec<(u32, Note)> = files
            .iter()
            .enumerate()
            .filter(|(_, file)| file.kind == FileKind::Note)
            .zip(&texts)
            .map(|((id, file), text)| (id as u32, parse_note(file.path.clone(), NoteBytes::Read(text.clone().into_bytes()))))
            .collect();
        let file_count = files.len();
        let scan = Scan { root: PathBuf::from("."), files, diagnostics: Vec::new(), walk: None, patchable: false };
        let vault = resolve(scan, notes, ObsidianSettings::default());
        for (note, resolutions) in vault.sources() {
            prop_assert_eq!(note.links.len(), resolutions.len());
            for resolution in resolutions {
                if let Some(target) = resolution.target {
                    prop_assert!((target as usize) < file_count);
                }
            }
        }
        for diagnostic in &vault.diagnostics {
            let note = vault.notes.iter().find(|n| n.path == diagnostic.path).unwrap();
            if let Some(location) = &diagnostic.location {
                assert_inside(&note.text, location.start, "resolver diagnostic");
            }
        }
    }
}
