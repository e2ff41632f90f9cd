//! `throughline links`: the public schema, in both formats.

use serde_json::Value;

use crate::support::VaultTest;

const FIELDS: [&str; 10] = [
    "source",
    "line",
    "column",
    "kind",
    "embed",
    "raw",
    "target",
    "subpath",
    "subpath_found",
    "display",
];

fn vault() -> VaultTest {
    let vault = VaultTest::new();
    vault
        .file(
            "notes/a.md",
            "---\nup: \"[[b]]\"\n---\n# A\n\nSee [[b#Sec|the section]], ![[pic.png|200]], [m](b.md) and [web](https://x.y).\né [[missing]] [[#A]]\n",
        )
        .file("b.md", "# Sec\n")
        .file("pic.png", [0u8; 4]);
    vault
}

#[test]
fn jsonl_has_exactly_the_schema_fields_in_order() {
    let run = vault().run(&["links", "--format", "jsonl"]);
    assert_eq!(run.code, 0);
    for line in run.stdout.lines() {
        // serde_json keeps insertion order (feature `preserve_order`): the printed order.
        let object: serde_json::Map<String, Value> = serde_json::from_str(line).unwrap();
        let keys: Vec<&str> = object.keys().map(String::as_str).collect();
        assert_eq!(keys, FIELDS, "{line}");
    }
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn tsv_has_a_header_and_the_same_rows() {
    let vault = vault();
    let run = vault.run(&["links", "--format", "tsv"]);
    assert_eq!(run.code, 0);
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next().unwrap(), FIELDS.join("\t"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), vault.links().len());
    for row in &rows {
        assert_eq!(row.split('\t').count(), FIELDS.len(), "{row}");
    }
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn positions_are_one_based_characters() {
    let links = vault().links();
    let missing = links.iter().find(|l| l["raw"] == "[[missing]]").unwrap();
    // `é [[missing]]`: the column counts the accented letter as one character.
    assert_eq!(
        (missing["line"].as_u64(), missing["column"].as_u64()),
        (Some(7), Some(3))
    );
}

#[test]
fn closed_pipe_is_not_an_error() {
    let vault = VaultTest::new();
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!("[[n{i}]]\n"));
    }
    vault.file("many.md", text);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_throughline"))
        .args(["links"])
        .current_dir(vault.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
