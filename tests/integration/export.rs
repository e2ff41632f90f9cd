//! `throughline export`: one row per observation, CSV and JSON Lines agree, and
//! CSV quoting survives any note text.

use std::fs;

use serde_json::Value;

use crate::support::{VaultTest, parse_jsonl};

fn export(vault: &VaultTest, format: &str) -> String {
    let run = vault.run(&["export", "--format", format]);
    assert_eq!(run.code, 0, "export failed: {}", run.stderr);
    run.stdout
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| {
            record
                .expect("a well-formed record")
                .iter()
                .map(str::to_owned)
                .collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn jsonl_rows_of_the_sample_vault() {
    let vault = VaultTest::sample();
    let rows = parse_jsonl(&export(&vault, "jsonl"));
    insta::assert_json_snapshot!("export_sample_jsonl", rows);
    let fields: Vec<&str> = rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "interview",
            "date",
            "line",
            "kind",
            "text",
            "participants",
            "roles",
            "companies",
            "insights",
            "jobs",
            "tags",
            "link"
        ]
    );
    // The group interview: both participants, both roles, their one company.
    let group = rows
        .iter()
        .find(|row| {
            row["interview"]
                .as_str()
                .unwrap()
                .contains("Rob Heller and Nadia Petrov")
        })
        .expect("the group interview has observations");
    assert_eq!(
        group["participants"],
        serde_json::json!(["Rob Heller", "Nadia Petrov"])
    );
    assert_eq!(
        group["companies"],
        serde_json::json!(["Meridian Cold Chain"])
    );
    assert_eq!(group["roles"].as_array().unwrap().len(), 2, "{group}");
    // Every link back resolves to its interview, and its block or heading exists:
    // written into a note, `links` finds each one resolved with its subpath found.
    let body: String = rows
        .iter()
        .map(|row| format!("- {}\n", row["link"].as_str().unwrap()))
        .collect();
    vault.file("Export links.md", body);
    let links = vault.links_in("Export links.md");
    assert_eq!(links.len(), rows.len());
    for (link, row) in links.iter().zip(&rows) {
        assert_eq!(link["target"], row["interview"], "{link}");
        assert_ne!(link["subpath_found"], Value::Bool(false), "{link}");
    }
}

#[test]
fn csv_and_jsonl_agree_whatever_the_text() {
    let vault = VaultTest::sample();
    // Commas, quotes, a line break and a formula-looking start.
    vault.file(
        "Interviews/2026-11-24 Quote Test.md",
        "---\ntype: interview\ndate: 2026-11-24\nparticipant: \"[[Dana Whitfield]]\"\n---\n## Learned\n\n- =SUM(A1), she said \"twice, maybe\"; then:\n  - a nested line [[Parts shortages are discovered only on site]] #pain\n",
    );
    let jsonl = parse_jsonl(&export(&vault, "jsonl"));
    let (header, rows) = csv_rows(&export(&vault, "csv"));
    assert_eq!(header.len(), 12);
    assert_eq!(rows.len(), jsonl.len());
    for (row, json) in rows.iter().zip(&jsonl) {
        for (column, name) in header.iter().enumerate() {
            let expected = match &json[name.as_str()] {
                Value::Null => String::new(),
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                Value::Array(items) => items
                    .iter()
                    .map(|item| item.as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
                    .join("; "),
                other => panic!("unexpected {other}"),
            };
            assert_eq!(row[column], expected, "column {name}");
        }
    }
    let tricky = jsonl
        .iter()
        .find(|row| row["interview"] == "Interviews/2026-11-24 Quote Test.md")
        .expect("the new interview is exported");
    assert!(
        tricky["text"]
            .as_str()
            .unwrap()
            .contains("\"twice, maybe\";")
    );
    assert!(tricky["text"].as_str().unwrap().contains('\n'));
}

#[test]
fn output_file_and_empty_vault() {
    let vault = VaultTest::sample();
    let target = vault.path().join("observations.csv");
    let run = vault.run(&["export", "-o", target.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let written = fs::read_to_string(&target).unwrap();
    assert!(written.starts_with("interview,date,line,kind,text,"));
    assert!(written.lines().count() > 20);

    let empty = VaultTest::new();
    empty.file("Note.md", "# Just a note\n");
    let (header, rows) = csv_rows(&export(&empty, "csv"));
    assert_eq!(header.len(), 12);
    assert!(rows.is_empty());
    assert_eq!(export(&empty, "jsonl"), "");
}
