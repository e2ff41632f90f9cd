//! `throughline new interview`: a note Obsidian and throughline read back as
//! meant, names checked with suggestions, never an overwrite.

use std::fs;

use serde_json::Value;

use crate::support::VaultTest;

const PLAN: &str = "Preventive maintenance planning";

fn new_interview(vault: &VaultTest, extra: &[&str]) -> crate::support::Run {
    let mut args = vec![
        "new",
        "interview",
        "--plan",
        PLAN,
        "--participant",
        "Kai Lindqvist",
    ];
    args.extend_from_slice(extra);
    vault.run(&args)
}

#[test]
fn a_new_interview_from_its_plan() {
    let vault = VaultTest::sample();
    let run = new_interview(&vault, &["--date", "2026-12-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = "Interviews/2026-12-01 Kai Lindqvist.md";
    assert!(run.stdout.trim_end().ends_with(path), "{}", run.stdout);
    let text = fs::read_to_string(vault.path().join(path)).unwrap();
    insta::assert_snapshot!("new_interview_kai", text);
    // Every frontmatter link resolves to the note it names.
    let targets: Vec<(String, Value)> = vault
        .links_in(path)
        .into_iter()
        .map(|link| {
            (
                link["raw"].as_str().unwrap().to_owned(),
                link["target"].clone(),
            )
        })
        .collect();
    assert_eq!(
        targets,
        [
            (
                "[[Kai Lindqvist]]".to_owned(),
                Value::from("People/Kai Lindqvist.md")
            ),
            (
                "[[Halvorsen Climate]]".to_owned(),
                Value::from("Companies/Halvorsen Climate.md")
            ),
            (
                format!("[[{PLAN}]]"),
                Value::from(format!("Plans/{PLAN}.md"))
            ),
        ]
    );
    // `check` finds nothing wrong with it.
    let (report, _) = vault.check_json();
    let about_it: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"] == path)
        .collect();
    assert!(about_it.is_empty(), "{about_it:?}");
    // The plan's coverage counts it, in the person note's role.
    assert_eq!(vault.run(&["build"]).code, 0);
    let coverage = fs::read_to_string(
        vault
            .path()
            .join(format!("Throughline/Plans/{PLAN} (coverage).md")),
    )
    .unwrap();
    assert!(coverage.contains("2026-12-01 Kai Lindqvist"), "{coverage}");
}

#[test]
fn given_role_company_folder() {
    let vault = VaultTest::sample();
    let run = new_interview(
        &vault,
        &[
            "--date",
            "2026-12-02",
            "--role",
            "dispatcher",
            "--company",
            "northgate mechanical",
            "--folder",
            "Interviews/Round 3",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = fs::read_to_string(
        vault
            .path()
            .join("Interviews/Round 3/2026-12-02 Kai Lindqvist.md"),
    )
    .unwrap();
    assert!(text.contains("\nrole: dispatcher\n"), "{text}");
    assert!(
        text.contains("\ncompany: \"[[Northgate Mechanical]]\"\n"),
        "{text}"
    );
    assert!(
        text.contains("# Kai Lindqvist — Northgate Mechanical\n"),
        "{text}"
    );
}

#[test]
fn unknown_names_suggest_the_closest() {
    let vault = VaultTest::sample();
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "new",
                "interview",
                "--plan",
                "Preventive maintenance",
                "--participant",
                "Kai Lindqvist",
            ],
            "no plan note is named `Preventive maintenance`; did you mean `Preventive maintenance planning`?",
        ),
        (
            &[
                "new",
                "interview",
                "--plan",
                PLAN,
                "--participant",
                "Kai Lindqvst",
            ],
            "no person note is named `Kai Lindqvst`; did you mean `Kai Lindqvist`?",
        ),
        (
            &[
                "new",
                "interview",
                "--plan",
                PLAN,
                "--participant",
                "Kai Lindqvist",
                "--company",
                "Halvorsen",
            ],
            "no company note is named `Halvorsen`; did you mean `Halvorsen Climate`?",
        ),
    ];
    for (args, message) in cases {
        let run = vault.run(args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    let bad_date = new_interview(&vault, &["--date", "01/12/2026"]);
    assert_eq!(bad_date.code, 2);
    assert!(
        bad_date.stderr.contains("YYYY-MM-DD"),
        "{}",
        bad_date.stderr
    );
    // Nothing was written.
    let interviews = fs::read_dir(vault.path().join("Interviews"))
        .unwrap()
        .count();
    assert_eq!(interviews, 10);
}

#[test]
fn never_overwrites() {
    let vault = VaultTest::sample();
    assert_eq!(new_interview(&vault, &["--date", "2026-12-01"]).code, 0);
    let path = vault.path().join("Interviews/2026-12-01 Kai Lindqvist.md");
    fs::write(&path, "notes already taken\n").unwrap();
    let again = new_interview(&vault, &["--date", "2026-12-01"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("exists"), "{}", again.stderr);
    assert_eq!(fs::read_to_string(&path).unwrap(), "notes already taken\n");
}

#[test]
fn a_vault_without_plans_says_how_to_make_one() {
    let vault = VaultTest::new();
    vault.file("Home.md", "# Home\n\nNotes, no research yet.\n");
    let run = vault.run(&[
        "new",
        "interview",
        "--plan",
        "Onboarding",
        "--participant",
        "Ana Ruiz",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the vault has no plan notes, so `Onboarding` cannot be one: give a note `type: plan`"
        ),
        "{}",
        run.stderr
    );
    assert!(!vault.path().join("Interviews").exists());
}
