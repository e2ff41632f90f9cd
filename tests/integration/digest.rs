//! `throughline digest`: Markdown, JSON (schema 1) and HTML, periods, plans,
//! and HTML that no note text can inject markup into.

use std::fs;

use serde_json::Value;

use crate::support::VaultTest;

fn digest(vault: &VaultTest, args: &[&str]) -> String {
    let mut all = vec!["digest"];
    all.extend_from_slice(args);
    let run = vault.run(&all);
    assert_eq!(run.code, 0, "digest {args:?} failed: {}", run.stderr);
    run.stdout
}

fn json(vault: &VaultTest, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&digest(vault, &all)).expect("digest --format json prints JSON")
}

fn titles(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item[key]["title"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn markdown_digest_of_the_latest_week() {
    let vault = VaultTest::sample();
    let text = digest(&vault, &[]);
    insta::assert_snapshot!("digest_sample_md", text);
    for section in [
        "# Research digest: 2026-W47",
        "## What we learned",
        "## What surprised us",
        "## New insights",
        "## Strength changes",
        "## Validation queue",
        "## Plan coverage",
    ] {
        assert!(text.contains(section), "no `{section}`");
    }
    // Its links resolve from the vault's root, as written.
    vault.file("Digest report.md", &text);
    let broken: Vec<Value> = vault
        .links_in("Digest report.md")
        .into_iter()
        .filter(|link| link["target"].is_null() || link["subpath_found"] == false)
        .collect();
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn json_schema_one() {
    let vault = VaultTest::sample();
    let report = json(&vault, &[]);
    assert_eq!(report["schema"], 1);
    let keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "schema",
            "generator",
            "vault",
            "period",
            "plan",
            "interviews",
            "learned",
            "surprised",
            "insights",
            "new_insights",
            "strength_changes",
            "validation_queue",
            "plans"
        ]
    );
    assert_eq!(report["period"]["label"], "2026-W47");
    assert_eq!(report["period"]["start"], "2026-11-16");
    assert_eq!(report["interviews"].as_array().unwrap().len(), 3);
    assert_eq!(report["learned"].as_array().unwrap().len(), 7);
    assert_eq!(report["surprised"].as_array().unwrap().len(), 3);
    assert_eq!(
        report["new_insights"],
        serde_json::json!(["Insights/Parts shortages are discovered only on site.md"])
    );
    let change = &report["strength_changes"][0];
    assert_eq!(
        change["insight"]["title"],
        "Parts shortages are discovered only on site"
    );
    assert_eq!(
        (change["before"].as_str(), change["after"].as_str()),
        (Some("none"), Some("recurring"))
    );
    assert_eq!(report["insights"].as_array().unwrap().len(), 7);
    let first = &report["insights"][0];
    for key in [
        "note",
        "strength",
        "participants",
        "companies",
        "roles",
        "evidence",
        "by_role",
    ] {
        assert!(!first[key].is_null(), "insight without `{key}`: {first}");
    }
    assert_eq!(
        titles(&report["plans"], "note"),
        [
            "Parts and client handover",
            "Preventive maintenance planning"
        ]
    );
    // No vault name: no URLs.
    assert!(first["note"]["url"].is_null());
}

#[test]
fn periods_plans_and_vault_names() {
    let vault = VaultTest::sample();
    let october = json(&vault, &["--since", "2026-10-01", "--until", "2026-10-31"]);
    assert_eq!(october["period"]["label"], "2026-10-01 to 2026-10-31");
    let dates: Vec<&str> = october["interviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["date"].as_str().unwrap())
        .collect();
    assert!(
        !dates.is_empty() && dates.iter().all(|d| d.starts_with("2026-10")),
        "{dates:?}"
    );

    let plan = json(
        &vault,
        &[
            "--plan",
            "parts and client handover",
            "--since",
            "2026-10-01",
        ],
    );
    assert_eq!(plan["plan"]["title"], "Parts and client handover");
    assert_eq!(
        titles(&plan["plans"], "note"),
        ["Parts and client handover"]
    );
    for interview in plan["interviews"].as_array().unwrap() {
        assert_eq!(
            interview["plan"]["title"], "Parts and client handover",
            "{interview}"
        );
    }

    let named = json(&vault, &["--vault-name", "Coilbook research"]);
    assert_eq!(
        named["plans"][0]["note"]["url"],
        "obsidian://open?vault=Coilbook%20research&file=Plans%2FParts%20and%20client%20handover.md"
    );
}

#[test]
fn bad_arguments_are_clear() {
    let vault = VaultTest::sample();
    let cases: [(&[&str], &str); 3] = [
        (&["digest", "--since", "last week"], "YYYY-MM-DD"),
        (
            &["digest", "--since", "2026-11-10", "--until", "2026-11-01"],
            "is before",
        ),
        (
            &["digest", "--plan", "Parts handover"],
            "did you mean `Parts and client handover`?",
        ),
    ];
    for (args, message) in cases {
        let run = vault.run(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn html_escapes_any_note_text() {
    let vault = VaultTest::sample();
    vault.file(
        "Interviews/2026-11-21 Injection test.md",
        "---\ntype: interview\ndate: 2026-11-21\nparticipant: \"[[Dana Whitfield]]\"\nplan: \"[[Parts and client handover]]\"\n---\n## Learned\n\n- <script>alert(1)</script> and <img src=x onerror=alert(2)> & \"quotes\" [[Parts shortages are discovered only on site|<b>bold</b>]] #pain\n",
    );
    let html = digest(&vault, &["--format", "html"]);
    assert!(
        html.starts_with("<!DOCTYPE html>") || html.trim_start().starts_with("<!DOCTYPE html>")
    );
    assert!(!html.contains("<script"), "a script tag reached the page");
    assert!(!html.contains("<img"), "an img tag reached the page");
    assert!(
        !html.contains("<b>bold"),
        "markup from a link's display text reached the page"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "the text is shown, escaped"
    );
    // Self-contained: no external resources.
    for external in ["src=\"http", "href=\"http", "<link ", "@import", "<script"] {
        assert!(!html.contains(external), "`{external}` in the HTML");
    }
}

#[test]
fn output_file_and_vault_without_interviews() {
    let vault = VaultTest::sample();
    let target = vault.path().join("digest.html");
    let run = vault.run(&["digest", "--format", "html", "-o", target.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        fs::read_to_string(&target)
            .unwrap()
            .contains("id=\"participants-chart\"")
    );

    let empty = VaultTest::new();
    empty.file("Note.md", "# Just a note\n");
    let text = digest(&empty, &[]);
    assert!(text.contains("no period to digest"), "{text}");
    let report = json(&empty, &[]);
    assert!(report["period"].is_null());
    assert!(digest(&empty, &["--format", "html"]).contains("no period to digest"));
}

#[test]
fn until_before_every_interview_is_an_empty_period() {
    let vault = VaultTest::sample();
    let report = json(&vault, &["--until", "2020-01-01"]);
    assert_eq!(report["period"]["end"], "2020-01-01");
    assert_eq!(report["interviews"].as_array().unwrap().len(), 0);
}

#[test]
fn undated_evidence_never_makes_an_insight_new_or_stronger() {
    let vault = VaultTest::new();
    for (name, body) in [
        ("Ann", "role: technician\ncompany: Acme"),
        ("Bo", "role: technician\ncompany: Brill"),
    ] {
        vault.file(
            &format!("People/{name}.md"),
            format!("---\ntype: person\n{body}\n---\n"),
        );
    }
    for insight in ["Old need", "Undated only"] {
        vault.file(
            &format!("Insights/{insight}.md"),
            "---\ntype: insight\n---\n",
        );
    }
    vault.file(
        "Interviews/Ann, some time ago.md",
        "---\ntype: interview\nparticipant: \"[[Ann]]\"\n---\n## Learned\n\n- Needs it. [[Old need]]\n- Also this. [[Undated only]]\n",
    );
    vault.file(
        "Interviews/2026-11-18 Bo.md",
        "---\ntype: interview\ndate: 2026-11-18\nparticipant: \"[[Bo]]\"\n---\n## Learned\n\n- Needs it too. [[Old need]]\n",
    );
    let report = json(&vault, &[]);
    assert_eq!(report["period"]["label"], "2026-W47");
    assert!(
        report["new_insights"].as_array().unwrap().is_empty(),
        "{}",
        report["new_insights"]
    );
    let changes = report["strength_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["insight"]["title"], "Old need");
    assert_eq!(changes[0]["before"], "individual");
    assert_eq!(changes[0]["after"], "recurring");
}

#[test]
fn html_escapes_titles_roles_and_companies_in_charts() {
    let vault = VaultTest::new();
    vault.file(
        "People/Eve.md",
        "---\ntype: person\nrole: \"<svg onload=alert(1)>\"\ncompany: \"</svg><script>x</script>\"\n---\n",
    );
    vault.file(
        "Insights/<b>Bold</b> & \"quoted\" <svg onload=alert(2)>.md",
        "---\ntype: insight\n---\n",
    );
    vault.file(
        "Plans/<i>Round</i>.md",
        "---\ntype: plan\nroles: [\"<svg onload=alert(3)>\", \"<u>lead</u>\"]\ntarget: 2\n---\n",
    );
    vault.file(
        "Interviews/2026-11-18 Eve.md",
        "---\ntype: interview\ndate: 2026-11-18\nparticipant: \"[[Eve]]\"\nplan: \"[[<i>Round</i>]]\"\n---\n## Learned\n\n- It hurts. [[<b>Bold</b> & \"quoted\" <svg onload=alert(2)>]]\n",
    );
    let html = digest(
        &vault,
        &["--format", "html", "--vault-name", "v\"><script>"],
    );
    for markup in ["<svg onload", "<script", "<b>", "<i>", "<u>", "</svg><"] {
        assert!(!html.contains(markup), "`{markup}` reached the page");
    }
    assert!(
        html.contains("&lt;svg onload=alert(1)&gt;"),
        "the role is shown"
    );
    assert!(html.contains("id=\"participants-chart\""));
    assert!(html.contains("class=\"coverage-chart chart\""));
}
