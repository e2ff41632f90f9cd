//! Bad input (product.md §5): each case gives a clear diagnostic, never a panic,
//! and the rest of the vault is still processed.

use serde_json::Value;

use crate::support::VaultTest;

/// A vault with one healthy pair of notes, to prove the rest is processed.
fn vault_with_a_healthy_note() -> VaultTest {
    let vault = VaultTest::new();
    vault
        .file("Healthy.md", "Links to [[Other]].\n")
        .file("Other.md", "# Other\n");
    vault
}

fn diagnostics(report: &Value) -> Vec<(String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Runs check, asserts it neither panicked nor failed to run, and that the healthy
/// note's link was still resolved.
fn check(vault: &VaultTest) -> Value {
    let run = vault.run(&["check", "--format", "json"]);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let healthy = vault.links_in("Healthy.md");
    assert_eq!(
        healthy[0]["target"], "Other.md",
        "the rest of the vault is processed"
    );
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn invalid_yaml_points_into_the_file_and_the_note_still_counts() {
    let vault = vault_with_a_healthy_note();
    vault.file(
        "Bad.md",
        "---\ntitle: fine\nowner: @someone\n---\nBody links [[Other]].\n",
    );
    let report = check(&vault);
    let bad = &report["diagnostics"][0];
    assert_eq!(bad["code"], "invalid-frontmatter");
    assert_eq!(bad["path"], "Bad.md");
    assert_eq!(
        (bad["line"].as_u64(), bad["column"].as_u64()),
        (Some(3), Some(8))
    );
    // The note is still an (untyped) note: its body links are resolved.
    assert_eq!(vault.links_in("Bad.md")[0]["target"], "Other.md");
}

#[test]
fn non_utf8_bytes_are_read_lossily_with_a_warning() {
    let vault = vault_with_a_healthy_note();
    vault.file("Latin1.md", b"line one\ncaf\xe9 [[Other]]\n".as_slice());
    let report = check(&vault);
    let found = &report["diagnostics"][0];
    assert_eq!(found["code"], "invalid-utf8");
    assert_eq!(
        (found["line"].as_u64(), found["column"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(vault.links_in("Latin1.md")[0]["target"], "Other.md");
}

#[test]
fn binary_file_named_md_is_reported_and_skipped() {
    let vault = vault_with_a_healthy_note();
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend([0u8, 159, 146, 150, 0, 1, 2, 3]);
    bytes.extend(b"[[Other]]");
    vault.file("Scan.md", bytes);
    let report = check(&vault);
    assert!(diagnostics(&report).contains(&("binary-note".into(), "Scan.md".into())));
    assert!(vault.links_in("Scan.md").is_empty());
}

#[test]
fn empty_note_is_an_info() {
    let vault = vault_with_a_healthy_note();
    vault.file("Empty.md", "");
    let report = check(&vault);
    assert!(diagnostics(&report).contains(&("empty-note".into(), "Empty.md".into())));
    assert_eq!(report["summary"]["errors"], 0);
}

#[test]
fn hundred_megabyte_note_is_not_parsed_but_still_resolves() {
    let vault = vault_with_a_healthy_note();
    let line = "A line of a pasted log that goes on and on, with a [[link]] now and then.\n";
    let huge = line.repeat(100 * 1024 * 1024 / line.len() + 1);
    vault.file("Export.md", huge);
    vault.file("Points there.md", "[[Export]]\n");
    let report = check(&vault);
    assert!(diagnostics(&report).contains(&("note-too-large".into(), "Export.md".into())));
    assert_eq!(vault.links_in("Points there.md")[0]["target"], "Export.md");
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported_and_not_followed_forever() {
    let vault = vault_with_a_healthy_note();
    vault.file("Folder/Inside.md", "inside\n");
    std::os::unix::fs::symlink("..", vault.path().join("Folder/loop")).unwrap();
    let report = check(&vault);
    assert!(
        diagnostics(&report).contains(&("unreadable-path".into(), "Folder/loop".into())),
        "{report:#}"
    );
}

#[cfg(unix)]
#[test]
fn dangling_symlink_and_folder_named_like_a_note() {
    let vault = vault_with_a_healthy_note();
    std::os::unix::fs::symlink("does-not-exist.md", vault.path().join("Dangling.md")).unwrap();
    std::fs::create_dir_all(vault.path().join("Looks like a note.md")).unwrap();
    let report = check(&vault);
    let found = diagnostics(&report);
    assert!(
        found.contains(&("unreadable-path".into(), "Dangling.md".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "folder-named-like-note".into(),
            "Looks like a note.md".into()
        )),
        "{found:?}"
    );
}

#[test]
fn nfd_file_names_are_matched_by_nfc_links() {
    let vault = vault_with_a_healthy_note();
    vault.file("Cafe\u{301} notes.md", "decomposed name on disk\n");
    vault.file(
        "Links.md",
        "[[Caf\u{e9} notes]] and [[Cafe\u{301} notes]]\n",
    );
    check(&vault);
    let links = vault.links_in("Links.md");
    assert_eq!(links[0]["target"], "Caf\u{e9} notes.md");
    assert_eq!(links[1]["target"], "Caf\u{e9} notes.md");
}

#[test]
fn names_with_hash_percent_and_brackets() {
    let vault = vault_with_a_healthy_note();
    vault
        .file("C# notes.md", "sharp\n")
        .file("100% done.md", "done\n")
        .file("[draft] plan.md", "plan\n");
    vault.file(
        "Links.md",
        "[[100% done]] [[[draft] plan]] [d](100%25%20done.md) [[C# notes]]\n",
    );
    check(&vault);
    let links = vault.links_in("Links.md");
    let targets: Vec<&Value> = links.iter().map(|l| &l["target"]).collect();
    assert_eq!(targets[0], "100% done.md");
    assert_eq!(targets[1], "[draft] plan.md");
    assert_eq!(targets[2], "100% done.md");
    // `#` starts the subpath (rule B6): Obsidian cannot link to this name either.
    assert_eq!(links[3]["subpath"], "# notes");
    assert_eq!(targets[3], &Value::Null);
}

#[test]
fn deep_folders() {
    let vault = vault_with_a_healthy_note();
    let deep = (0..60)
        .map(|i| format!("d{i}"))
        .collect::<Vec<_>>()
        .join("/");
    vault.file(&format!("{deep}/Deep note.md"), "[[Other]]\n");
    vault.file("Up.md", "[[Deep note]]\n");
    check(&vault);
    assert_eq!(
        vault.links_in("Up.md")[0]["target"],
        format!("{deep}/Deep note.md")
    );
}

#[test]
fn links_that_climb_out_of_the_vault_are_never_followed() {
    let outside = VaultTest::new();
    outside.file("secret.md", "outside the vault\n");
    let vault = vault_with_a_healthy_note();
    let escape = format!("{}/secret", outside.path().display());
    vault.file(
        "Escape.md",
        format!("[[../../../../../../etc/passwd]] [x](../../../../etc/passwd) [[{escape}]] [[../secret]]\n"),
    );
    check(&vault);
    for link in vault.links_in("Escape.md") {
        assert_eq!(link["target"], Value::Null, "{link:#}");
    }
}

#[test]
fn hidden_files_and_folders_are_not_in_the_vault() {
    let vault = vault_with_a_healthy_note();
    vault
        .file(".trash/Old.md", "[[Nowhere]]\n")
        .file(".hidden.md", "[[Nowhere]]\n");
    vault.file("Asks.md", "[[Old]]\n");
    let report = check(&vault);
    let found = diagnostics(&report);
    assert_eq!(found, [("broken-link".to_owned(), "Asks.md".to_owned())]);
}

#[test]
fn excluded_files_resolve_but_are_not_checked() {
    let vault = vault_with_a_healthy_note();
    vault
        .file(
            ".obsidian/app.json",
            r#"{"userIgnoreFilters": ["Templates/"]}"#,
        )
        .file(
            "Templates/Daily.md",
            "---\ncreated: {{date}}\n---\n[[Nowhere]]\n",
        )
        .file("Uses.md", "[[Daily]]\n");
    let report = check(&vault);
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
    assert_eq!(vault.links_in("Uses.md")[0]["target"], "Templates/Daily.md");
    assert!(vault.links_in("Templates/Daily.md").is_empty());
}

#[test]
fn links_to_pages_a_build_will_write_are_not_broken_before_the_first_build() {
    let vault = vault_with_a_healthy_note();
    vault.file(
        "Home.md",
        "[[Insights]] and [[Vault health]] and [[Nowhere]]\n[[Digest]]\n",
    );
    let report = check(&vault);
    let broken: Vec<(String, String)> = diagnostics(&report)
        .into_iter()
        .filter(|(code, _)| code == "broken-link")
        .collect();
    assert_eq!(broken, [("broken-link".to_owned(), "Home.md".to_owned())]);
    assert!(!vault.path().join("Throughline").exists());
}

#[test]
fn output_folder_pages_resolve_but_are_not_checked() {
    let vault = vault_with_a_healthy_note();
    vault
        .file("Throughline/Insights.md", "[[Nowhere]]\n")
        .file("Home.md", "[[Insights]]\n");
    let report = check(&vault);
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
    assert_eq!(
        vault.links_in("Home.md")[0]["target"],
        "Throughline/Insights.md"
    );
}
