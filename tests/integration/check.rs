//! `throughline check`: formats, exit codes, the sample vault.

use serde_json::Value;

use crate::support::VaultTest;

fn sample_vault() -> VaultTest {
    VaultTest::sample()
}

#[test]
fn sample_vault_human() {
    let vault = sample_vault();
    let run = vault.run(&["check"]);
    assert_eq!(run.code, 1, "the sample vault has a deliberate broken link");
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn sample_vault_json() {
    let vault = sample_vault();
    let (report, code) = vault.check_json();
    assert_eq!(code, 1);
    insta::assert_json_snapshot!(report);
}

#[test]
fn sample_vault_github() {
    let vault = sample_vault();
    let run = vault.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn clean_vault_exits_zero() {
    let vault = VaultTest::new();
    vault.file("A.md", "[[B]]\n").file("B.md", "# B\n");
    let run = vault.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("no problems"), "{}", run.stdout);
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let vault = VaultTest::new();
    vault.file("A.md", "[[B#Nope]]\n").file("B.md", "# B\n");
    assert_eq!(vault.run(&["check"]).code, 0);
    assert_eq!(vault.run(&["check", "--deny-warnings"]).code, 1);
}

#[test]
fn infos_never_fail() {
    let vault = VaultTest::new();
    vault
        .file("A.md", "[[N]]\n")
        .file("x/N.md", "")
        .file("y/N.md", "");
    let run = vault.run(&["check", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("info[ambiguous-link]"));
}

#[test]
fn quiet_hides_infos_and_summary() {
    let vault = VaultTest::new();
    vault
        .file("A.md", "[[N]] [[Missing]]\n")
        .file("x/N.md", "x")
        .file("y/N.md", "y");
    let run = vault.run(&["check", "--quiet"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("error[broken-link]"));
    assert!(!run.stdout.contains("ambiguous-link"));
    assert!(!run.stdout.contains("checked"));
}

#[test]
fn missing_vault_is_exit_2_with_a_message() {
    let vault = VaultTest::new();
    let run = vault.run(&["check", "no-such-folder"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`no-such-folder` does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_error_is_exit_2() {
    let vault = VaultTest::new();
    assert_eq!(vault.run(&["check", "--format", "xml"]).code, 2);
    assert_eq!(vault.run(&["frobnicate"]).code, 2);
}

/// Every diagnostic kind `check` can produce, as well-formed GitHub annotations.
#[test]
fn github_annotations_are_well_formed_for_every_kind() {
    let vault = VaultTest::new();
    vault
        .file("broken.md", "[[Nowhere]] [[Target#Nope]] [[Dup]]\n")
        .file("Target.md", "# Only\n")
        .file("a/Dup.md", "a")
        .file("b/Dup.md", "b")
        .file("yaml.md", "---\ntitle: @bad\n---\n")
        .file("latin1.md", b"caf\xe9\n".as_slice())
        .file("binary.md", b"\x00\x01\x02".as_slice())
        .file("empty.md", "")
        .file(".obsidian/app.json", "{not json")
        // Schema problems of typed notes.
        .file("Someone.md", "---\ntype: person\n---\n")
        .file(
            "Interviews/no date.md",
            "---\ntype: interview\nparticipant: \"[[Someone]]\"\nplan: \"[[Target]]\"\n---\n",
        )
        .file(
            "Interviews/bad date.md",
            "---\ntype: interview\ndate: someday\nparticipant: Ana\nrole: pm\n---\n",
        )
        // Over the configured size limit.
        .file("throughline.toml", "max-note-bytes = 2000\n")
        .file("big.md", "x".repeat(3000));
    std::fs::create_dir_all(vault.path().join("folder.md")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("nowhere", vault.path().join("dangling.md")).unwrap();
    let run = vault.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    let pattern = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:\n]+(,line=\d+,col=\d+,endColumn=\d+)?,title=[a-z0-9-]+::[^\n\r]+$",
    )
    .unwrap();
    let mut titles = std::collections::BTreeSet::new();
    for line in run.stdout.lines() {
        assert!(pattern.is_match(line), "malformed annotation: {line}");
        titles.insert(
            line.split("title=")
                .nth(1)
                .unwrap()
                .split("::")
                .next()
                .unwrap()
                .to_owned(),
        );
    }
    let expected = [
        "ambiguous-link",
        "binary-note",
        "broken-link",
        "empty-note",
        "folder-named-like-note",
        "invalid-frontmatter",
        "invalid-obsidian-settings",
        "invalid-property",
        "invalid-utf8",
        "missing-property",
        "note-too-large",
        "role-not-found",
        "subpath-not-found",
        "unreadable-path",
        "wrong-link-type",
    ];
    // `unreadable-note` needs a file the process may not read, which a test
    // running as root (CI containers) cannot make; its rendering is the same path.
    for code in expected {
        assert!(
            titles.contains(code),
            "no `{code}` annotation in:\n{}",
            run.stdout
        );
    }
}

/// An empty vault whose Obsidian settings leave out `Archive/`.
fn vault_leaving_out_archive() -> VaultTest {
    let vault = VaultTest::new();
    vault.file(
        ".obsidian/app.json",
        r#"{"userIgnoreFilters": ["Archive/"]}"#,
    );
    vault
}

/// Notes that are not sources (generated pages, Obsidian's excluded files) are
/// read by `check` and `links` only when a source links into one with a
/// subpath; its headings and blocks then count as any note's.
#[test]
fn subpaths_into_notes_that_are_not_sources_are_looked_for_in_them() {
    let vault = vault_leaving_out_archive();
    vault
        .file("Archive/Hidden.md", "# Present\n\nText ^kept\n")
        .file(
            "Throughline/Page (evidence).md",
            "---\ngenerated-by: throughline\n---\n## Evidence\n",
        )
        .file(
            "A.md",
            "[[Hidden#Present]] [[Hidden#^kept]] [[Hidden#Absent]]\n\
             [[Page (evidence)#Evidence]] [[Page (evidence)#Nope]] [[Hidden]]\n",
        );
    let found: Vec<(String, Value)> = vault
        .links_in("A.md")
        .into_iter()
        .map(|link| {
            (
                link["raw"].as_str().unwrap().to_owned(),
                link["subpath_found"].clone(),
            )
        })
        .collect();
    let expected = [
        ("[[Hidden#Present]]", Value::Bool(true)),
        ("[[Hidden#^kept]]", Value::Bool(true)),
        ("[[Hidden#Absent]]", Value::Bool(false)),
        ("[[Page (evidence)#Evidence]]", Value::Bool(true)),
        ("[[Page (evidence)#Nope]]", Value::Bool(false)),
        ("[[Hidden]]", Value::Null),
    ];
    let expected: Vec<(String, Value)> = expected
        .into_iter()
        .map(|(raw, found)| (raw.to_owned(), found))
        .collect();
    assert_eq!(found, expected);
    let (report, _) = vault.check_json();
    let mut missing: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "subpath-not-found")
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect();
    missing.sort();
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(missing[0].contains("Absent"), "{missing:?}");
    assert!(missing[1].contains("Nope"), "{missing:?}");
}

/// A broken link written as an alias is told which note carries it, when
/// that note is a source: a note left out is not read for its aliases.
#[test]
fn alias_hints_name_sources_only() {
    let vault = vault_leaving_out_archive();
    vault
        .file("Archive/Old.md", "---\naliases: [Legacy]\n---\n")
        .file("Notes/New.md", "---\naliases: [Current]\n---\n")
        .file("B.md", "[[Current]]\n[[Legacy]]\n");
    let (report, _) = vault.check_json();
    let help_of = |line: u64| {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "broken-link" && d["line"] == line)
            .map(|d| d["help"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_else(|| panic!("no broken link on line {line}: {report}"))
    };
    assert!(
        help_of(1).contains("is an alias of `Notes/New.md`"),
        "{}",
        help_of(1)
    );
    assert!(!help_of(2).contains("alias"), "{}", help_of(2));
}
