//! The real vaults under `../shared/corpora/`: no panic, every file accounted for,
//! counts snapshotted, and resolutions checked by hand against the files.
//!
//! Skipped, with a message, when the corpora folder is absent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::support::parse_jsonl;

fn corpus(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(name);
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipped: corpus `{}` is absent", path.display());
        None
    }
}

fn run(vault: &Path, args: &[&str]) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_throughline"))
        .args(args)
        .arg(vault)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

/// Files Obsidian sees: everything not under a hidden name.
fn visible_files(root: &Path) -> usize {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count()
}

/// Counts of `check` and `links` on a corpus.
fn counts(vault: &Path) -> (Value, Vec<Value>) {
    let (stdout, code) = run(vault, &["check", "--format", "json"]);
    assert!(code == 0 || code == 1, "exit {code}");
    let report: Value = serde_json::from_str(&stdout).expect("valid JSON");
    let (links_out, code) = run(vault, &["links"]);
    assert_eq!(code, 0);
    let links = parse_jsonl(&links_out);
    let summary = &report["summary"];
    assert_eq!(
        summary["files"].as_u64(),
        Some(visible_files(vault) as u64),
        "every file accounted for"
    );
    assert_eq!(summary["links"].as_u64(), Some(links.len() as u64));
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    for diagnostic in report["diagnostics"].as_array().unwrap() {
        *by_code
            .entry(diagnostic["code"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for link in &links {
        *by_kind
            .entry(link["kind"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    let counts = json!({
        "files": summary["files"],
        "notes": summary["notes"],
        "links": summary["links"],
        "resolved": summary["resolved"],
        "unresolved": summary["unresolved"],
        "invalid_frontmatter": summary["invalid_frontmatter"],
        "links_by_kind": by_kind,
        "diagnostics_by_code": by_code,
    });
    (counts, links)
}

fn find<'a>(links: &'a [Value], source: &str, raw: &str) -> &'a Value {
    links
        .iter()
        .find(|l| l["source"] == source && l["raw"] == raw)
        .unwrap_or_else(|| panic!("no link {raw} in {source}"))
}

#[test]
fn obsidian_help_vault() {
    let Some(vault) = corpus("obsidian-help-en") else {
        return;
    };
    let (counts, links) = counts(&vault);
    insta::assert_json_snapshot!(counts);
    // Resolutions checked by hand against the files.
    let link = find(&links, "Bases/Views.md", "[[Table view\\|Table]]");
    assert_eq!(
        link["target"], "Bases/Layouts/Table view.md",
        "escaped pipe in a table"
    );
    assert_eq!(link["display"], "Table");
    let link = find(
        &links,
        "Obsidian Publish/Introduction to Obsidian Publish.md",
        "[[Security and privacy]]",
    );
    assert_eq!(
        link["target"], "Obsidian Publish/Security and privacy.md",
        "own folder wins"
    );
    let link = find(
        &links,
        "Obsidian Sync/Headless Sync.md",
        "[[Security and privacy|encryption and privacy protections]]",
    );
    assert_eq!(link["target"], "Obsidian Sync/Security and privacy.md");
    let link = find(
        &links,
        "Obsidian Sync/Set up Obsidian Sync.md",
        "![[Obsidian Sync/Security and privacy#^sync-geo-regions]]",
    );
    assert_eq!(
        link["subpath_found"], true,
        "a callout's id on the line after it"
    );
    let link = find(
        &links,
        "Linking notes and files/Internal links.md",
        "![[internal-links-header.png#interface]]",
    );
    assert_eq!(link["target"], "Attachments/internal-links-header.png");
    let link = find(
        &links,
        "Linking notes and files/Aliases.md",
        "[[Internal links#Change the link display text|Change the link display text]]",
    );
    assert_eq!(link["target"], "Linking notes and files/Internal links.md");
    assert_eq!(link["subpath_found"], true);
    let link = find(
        &links,
        "Linking notes and files/Internal links.md",
        "[[Example#Details]]",
    );
    assert_eq!(
        link["target"],
        Value::Null,
        "the page's own examples link to a note that does not exist"
    );
    let link = find(
        &links,
        "Bases/Introduction to Bases.md",
        "![Example of a base showing a table view with a list of books](bases-noshadow.png#interface)",
    );
    assert_eq!(
        (link["kind"].as_str(), link["target"].as_str()),
        (Some("markdown"), Some("Attachments/bases-noshadow.png"))
    );
}

#[test]
fn kepano_vault() {
    let Some(vault) = corpus("kepano-obsidian") else {
        return;
    };
    let (counts, links) = counts(&vault);
    insta::assert_json_snapshot!(counts);
    let link = find(
        &links,
        "Clippings/68 Bits of Unsolicited Advice.md",
        "[[Kevin Kelly]]",
    );
    assert_eq!(link["kind"], "frontmatter");
    assert_eq!(link["target"], "References/Kevin Kelly.md");
    assert_eq!(
        (link["line"].as_u64(), link["column"].as_u64()),
        (Some(5), Some(6))
    );
    let link = find(&links, "Categories/Podcasts.md", "[[Podcast episodes]]");
    assert_eq!(link["target"], "Categories/Podcast episodes.md");
    assert_eq!(
        (link["line"].as_u64(), link["column"].as_u64()),
        (Some(4), Some(11))
    );
}

/// A new user starts research inside the help vault: `init`, a plan, a person and an
/// insight, `new interview`, a few observations, then `digest`, `export` and `build`
/// work on the whole real vault.
#[test]
fn research_started_in_the_help_vault() {
    let Some(source) = corpus("obsidian-help-en") else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let vault = temp.path().join("Obsidian Help");
    crate::support::copy_tree(&source, &vault);
    let cli = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_throughline"))
            .current_dir(&vault)
            .args(args)
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    cli(&["init"]);
    let write = |path: &str, text: &str| {
        let path = vault.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Research/Help round.md",
        "---\ntype: plan\nroles: [new user, writer]\ntarget: 2\n---\n# Help round\n\n## Questions\n\n- How do you find a help page?\n- What was missing?\n",
    );
    write(
        "Research/Sam Oduya.md",
        "---\ntype: person\nrole: new user\ncompany: Freelance\n---\n",
    );
    write(
        "Research/Search comes first.md",
        "---\ntype: insight\n---\nPeople search before they browse.\n",
    );
    let created = cli(&[
        "new",
        "interview",
        "--plan",
        "help round",
        "--participant",
        "sam oduya",
        "--date",
        "2026-11-20",
    ]);
    assert!(
        created
            .trim_end()
            .ends_with("Interviews/2026-11-20 Sam Oduya.md")
    );
    let interview = vault.join("Interviews/2026-11-20 Sam Oduya.md");
    let text = std::fs::read_to_string(&interview).unwrap();
    assert!(
        text.contains("### How do you find a help page?\n"),
        "{text}"
    );
    let text = text
        .replace(
            "### How do you find a help page?\n",
            "### How do you find a help page?\nThe search box, never the sidebar.\n",
        )
        .replace(
            "## Learned\n",
            "## Learned\n- Searches [[Search comes first|first]], then opens [[Home]] #pain\n",
        )
        .replace(
            "## Surprises\n",
            "## Surprises\n- Had never seen [[Callouts]] <script>alert(1)</script>\n",
        );
    std::fs::write(&interview, text).unwrap();

    let digest: Value = serde_json::from_str(&cli(&[
        "digest",
        "--format",
        "json",
        "--vault-name",
        "Obsidian Help",
    ]))
    .expect("valid JSON");
    assert_eq!(digest["schema"], 1);
    assert_eq!(digest["period"]["label"], "2026-W47");
    assert_eq!(digest["learned"].as_array().unwrap().len(), 1);
    assert_eq!(digest["surprised"].as_array().unwrap().len(), 1);
    assert_eq!(digest["insights"][0]["note"]["title"], "Search comes first");
    assert_eq!(digest["insights"][0]["strength"], "individual");
    assert_eq!(
        digest["interviews"][0]["note"]["url"],
        "obsidian://open?vault=Obsidian%20Help&file=Interviews%2F2026-11-20%20Sam%20Oduya.md"
    );
    let plan = &digest["plans"][0];
    assert_eq!(plan["questions_answered"], 1);
    assert_eq!(plan["roles"][0]["role"], "new user");
    assert_eq!(plan["roles"][0]["held"], 1);

    let html = cli(&["digest", "--format", "html"]);
    assert!(
        !html.contains("<script>"),
        "a note's markup reached the page"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));

    let rows = parse_jsonl(&cli(&["export", "--format", "jsonl"]));
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["insights"], json!(["Search comes first"]));
    assert_eq!(rows[0]["roles"], json!(["new user"]));

    cli(&["build"]);
    assert!(
        vault
            .join("Throughline/Insights/Search comes first (evidence).md")
            .is_file()
    );
    cli(&["build", "--check"]);
}
