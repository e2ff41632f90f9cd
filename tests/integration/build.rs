//! `throughline build`: the pages for the sample vault, links that resolve,
//! re-builds that write nothing, configuration and templates.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use throughline::config::Config;

use crate::support::{VaultTest, copy_tree};

fn sample_vault() -> VaultTest {
    VaultTest::sample()
}

/// Every generated page: vault path → content.
fn pages(root: &Path) -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = walkdir::WalkDir::new(root.join("Throughline"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, std::fs::read_to_string(entry.path()).unwrap())
        })
        .collect();
    pages.sort();
    pages
}

/// Checks that every link on every generated page resolves, and that its
/// heading or block exists: loads the vault with the output folder treated as
/// ordinary notes.
fn assert_generated_links_resolve(root: &Path) -> usize {
    let config = Config {
        output_folder: "no-output-folder".to_owned(),
        ..Config::default()
    };
    let vault = throughline::load_vault(root, &config).expect("loads");
    let mut checked = 0;
    for (note, resolutions) in vault.sources() {
        if !note.path.is_in_folder("Throughline") {
            continue;
        }
        for (link, resolution) in note.links.iter().zip(resolutions) {
            checked += 1;
            assert!(
                resolution.target.is_some(),
                "{}:{}: `{}` does not resolve",
                note.path,
                link.span.position.line,
                note.raw(link)
            );
            assert_ne!(
                resolution.subpath_found,
                Some(false),
                "{}:{}: `{}` names a missing heading or block",
                note.path,
                link.span.position.line,
                note.raw(link)
            );
        }
    }
    checked
}

#[test]
fn sample_vault_pages() {
    let vault = sample_vault();
    let run = vault.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("17 pages: 17 written, 0 unchanged, 0 removed"),
        "{}",
        run.stdout
    );
    let pages = pages(vault.path());
    assert_eq!(pages.len(), 17);
    for (path, content) in &pages {
        assert!(
            content.starts_with("---\ngenerated-by: throughline\n"),
            "{path}"
        );
        let name = path
            .trim_start_matches("Throughline/")
            .replace(['/', ' ', ',', '(', ')'], "_");
        insta::assert_snapshot!(name, content);
    }
}

#[test]
fn every_link_on_the_sample_pages_resolves() {
    let vault = sample_vault();
    assert_eq!(vault.run(&["build"]).code, 0);
    let checked = assert_generated_links_resolve(vault.path());
    assert!(checked > 200, "only {checked} links checked");
}

#[test]
fn pages_follow_the_vaults_link_settings() {
    let vault = sample_vault();
    vault.file(
        ".obsidian/app.json",
        r#"{"userIgnoreFilters": ["Templates/"], "useMarkdownLinks": true, "newLinkFormat": "relative"}"#,
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    let insights = std::fs::read_to_string(vault.path().join("Throughline/Insights.md")).unwrap();
    assert!(insights.contains("](./Digest.md)"), "{insights}");
    assert!(
        !insights.contains("[["),
        "no wikilinks when Markdown links are asked for"
    );
    assert_generated_links_resolve(vault.path());
}

#[test]
fn check_mode_reports_stale_pages() {
    let vault = sample_vault();
    let before = vault.run(&["build", "--check"]);
    assert_eq!(
        before.code, 1,
        "nothing built yet: every page would be written"
    );
    assert!(
        before
            .stdout
            .contains("would write  Throughline/Insights.md"),
        "{}",
        before.stdout
    );
    assert!(
        !vault.path().join("Throughline").exists(),
        "--check writes nothing"
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    let after = vault.run(&["build", "--check"]);
    assert_eq!(after.code, 0, "{}", after.stdout);
    let dry = vault.run(&["build", "--dry-run"]);
    assert_eq!(dry.code, 0);
}

#[test]
fn editing_one_interview_changes_exactly_the_pages_that_show_it() {
    let vault = sample_vault();
    assert_eq!(vault.run(&["build"]).code, 0);
    let interview = vault.path().join("Interviews/2026-11-18 Dana Whitfield.md");
    let text = std::fs::read_to_string(&interview).unwrap();
    let old = "came to about two and a half hours a week";
    assert!(text.contains(old));
    let before: BTreeSet<String> = pages(vault.path())
        .into_iter()
        .filter(|(_, content)| content.contains(old))
        .map(|(path, _)| path)
        .collect();
    assert!(before.len() >= 2, "{before:?}");
    std::fs::write(
        &interview,
        text.replace(old, "came to about three hours a week"),
    )
    .unwrap();
    let run = vault.run(&["build", "--dry-run"]);
    let would: BTreeSet<String> = run
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("would write  "))
        .map(str::to_owned)
        .collect();
    assert_eq!(would, before, "{}", run.stdout);
    let written = vault.run(&["build"]);
    assert!(
        written
            .stdout
            .contains(&format!("{} written", before.len())),
        "{}",
        written.stdout
    );
}

#[test]
fn a_user_note_named_like_a_page_keeps_its_name() {
    let vault = sample_vault();
    vault.file("Notes/Insights.md", "My own insights index.\n");
    vault.file("Notes/Links there.md", "[[Insights]]\n");
    assert_eq!(vault.run(&["build"]).code, 0);
    assert!(vault.path().join("Throughline/Insights (2).md").exists());
    let links = vault.links_in("Notes/Links there.md");
    assert_eq!(links[0]["target"], "Notes/Insights.md");
    assert_generated_links_resolve(vault.path());
}

#[test]
fn config_errors_name_the_key_and_exit_2() {
    let vault = sample_vault();
    vault.file(
        "throughline.toml",
        "output = \"Generated\"\n\n[strength]\npattern-min-participant = 3\n",
    );
    let run = vault.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("pattern-min-participant") && run.stderr.contains("line 4"),
        "{}",
        run.stderr
    );
    vault.file(
        "throughline.toml",
        "output = \"Generated\"\n\n[strength]\npattern-min-participants = 2\n",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    assert!(vault.path().join("Generated/Insights.md").exists());
    assert!(!vault.path().join("Throughline").exists());
    let check = vault.run(&["check"]);
    assert!(
        check.code == 1,
        "check reads the same configuration: {}",
        check.stdout
    );
}

#[test]
fn templates_are_overridden_by_the_vault_and_errors_name_the_line() {
    let vault = sample_vault();
    vault.file(
        ".throughline/templates/insights.md.j2",
        "---\ngenerated-by: throughline\n---\n# Our insights\n{% for row in insights %}\n- {{ row.page | wikilink(display=row.note.title) }}\n{% endfor %}\n",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    let insights = std::fs::read_to_string(vault.path().join("Throughline/Insights.md")).unwrap();
    assert!(
        insights.starts_with("---\ngenerated-by: throughline\n---\n# Our insights\n- [["),
        "{insights}"
    );
    assert_generated_links_resolve(vault.path());
    vault.file(
        ".throughline/templates/insights.md.j2",
        "line one\n{{ no_such_variable }}\n",
    );
    let run = vault.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("insights.md.j2") && run.stderr.contains("line 2"),
        "{}",
        run.stderr
    );
}

#[test]
fn generated_vault_builds_and_every_link_resolves() {
    let vault = VaultTest::new();
    vaultgen::generate(
        vault.path(),
        &vaultgen::GenOptions {
            notes: 1500,
            seed: vaultgen::DEFAULT_SEED,
        },
    )
    .unwrap();
    let run = vault.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(assert_generated_links_resolve(vault.path()) > 1000);
    let again = vault.run(&["build"]);
    assert!(again.stdout.contains(" 0 written"), "{}", again.stdout);
}

#[test]
fn corpora_build_without_trouble() {
    for name in ["obsidian-help-en", "kepano-obsidian"] {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpora")
            .join(name);
        if !source.is_dir() {
            eprintln!("skipped: corpus `{name}` is absent");
            continue;
        }
        let vault = VaultTest::new();
        copy_tree(&source, vault.path());
        let run = vault.run(&["build"]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
        assert_generated_links_resolve(vault.path());
    }
}

/// Sets every file's modification time an hour back, so the next build trusts
/// its fingerprint (recent files are "racy" and force a full build).
fn backdate(root: &Path) {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            let file = std::fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap();
            file.set_modified(past).unwrap();
        }
    }
}

#[test]
fn an_unchanged_vault_is_not_read_again() {
    let vault = sample_vault();
    backdate(vault.path());
    assert_eq!(vault.run(&["build"]).code, 0);
    // Same size, same time, different words: only a full read could notice, and
    // the fingerprint says nothing changed, so no note is read.
    let note = vault.path().join("Interviews/2026-11-18 Dana Whitfield.md");
    let old_time = std::fs::metadata(&note).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&note).unwrap();
    let edited = text.replace("two and a half hours", "two and a HALF hours");
    assert_eq!(text.len(), edited.len());
    std::fs::write(&note, &edited).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&note)
        .unwrap()
        .set_modified(old_time)
        .unwrap();
    let quick = vault.run(&["build"]);
    assert!(
        quick.stdout.contains("0 written, 17 unchanged"),
        "{}",
        quick.stdout
    );
    assert!(
        quick.stdout.contains("2 problems"),
        "the summary is the last build's: {}",
        quick.stdout
    );
    let digest = std::fs::read_to_string(vault.path().join("Throughline/Digest.md")).unwrap();
    assert!(!digest.contains("a HALF"));
    // A real edit changes the time: the next build reads and writes.
    std::fs::File::options()
        .write(true)
        .open(&note)
        .unwrap()
        .set_modified(old_time + std::time::Duration::from_secs(60))
        .unwrap();
    let full = vault.run(&["build"]);
    assert!(!full.stdout.contains(" 0 written"), "{}", full.stdout);
    assert!(
        std::fs::read_to_string(vault.path().join("Throughline/Digest.md"))
            .unwrap()
            .contains("a HALF")
    );
}

#[test]
fn any_change_to_the_inputs_or_pages_means_a_full_build() {
    let vault = sample_vault();
    backdate(vault.path());
    assert_eq!(vault.run(&["build"]).code, 0);
    let written = |vault: &VaultTest| vault.run(&["build"]).stdout;
    // A page deleted by hand comes back.
    std::fs::remove_file(vault.path().join("Throughline/Digest.md")).unwrap();
    assert!(written(&vault).contains("1 written"));
    backdate(vault.path());
    assert!(written(&vault).contains("0 written"));
    // A new file anywhere in the vault counts: here it mends the broken link
    // that Vault health lists.
    vault.file("Concepts/Onboarding checklist.pdf", [0u8; 8]);
    vault.file("Concepts/Onboarding checklist.md", "The checklist.\n");
    backdate(vault.path());
    let after_new_file = written(&vault);
    assert!(
        !after_new_file.contains(" 0 written") && after_new_file.contains("1 problem"),
        "{after_new_file}"
    );
    // A file dropped into the output folder is noticed too.
    vault.file("Throughline/Stray.md", "mine\n");
    backdate(vault.path());
    let run = vault.run(&["build"]);
    assert!(run.stdout.contains("0 written"), "{}", run.stdout);
    assert!(vault.path().join("Throughline/Stray.md").exists());
    // Changing a template override rebuilds.
    vault.file(
        ".throughline/templates/digest.md.j2",
        "---\ngenerated-by: throughline\n---\nShort digest.\n",
    );
    backdate(vault.path());
    assert!(written(&vault).contains("1 written"));
}

#[test]
fn digest_templates_may_list_the_queue_or_override_its_entries() {
    let vault = sample_vault();
    assert_eq!(vault.run(&["build"]).code, 0);
    let default_digest = fs::read_to_string(vault.path().join("Throughline/Digest.md")).unwrap();
    let queued = default_digest.matches("\n  - ask ").count();
    assert!(queued > 0, "{default_digest}");
    // A digest template written against the queue itself (as before
    // `validation-entry.md.j2` existed) still gets it.
    vault.file(
        ".throughline/templates/digest.md.j2",
        "---\ngenerated-by: throughline\n---\n{% for entry in queue %}\n- {{ entry.insight.note.title }}: {{ entry.follow_ups | length }} to ask\n{% endfor %}\n",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    let listed = fs::read_to_string(vault.path().join("Throughline/Digest.md")).unwrap();
    let asked: usize = listed
        .lines()
        .filter_map(|line| {
            line.strip_suffix(" to ask")?
                .rsplit(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert_eq!(asked, queued, "{listed}");
    // Such a template never shows the entries: one the vault breaks is not used.
    vault.file(
        ".throughline/templates/validation-entry.md.j2",
        "{{ entry.insight.no_such_field }}\n",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    // An entry template of the vault's own renders each entry of the default digest.
    fs::remove_file(vault.path().join(".throughline/templates/digest.md.j2")).unwrap();
    vault.file(
        ".throughline/templates/validation-entry.md.j2",
        "* {{ entry.insight.note.title | md }} ({{ entry.insight.evidence }} observations)\n",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    let own = fs::read_to_string(vault.path().join("Throughline/Digest.md")).unwrap();
    assert!(!own.contains("\n  - ask "), "{own}");
    assert!(own.contains(" observations)\n"), "{own}");
}

#[test]
fn the_digest_lists_the_configured_number_of_insights_to_validate_and_counts_the_rest() {
    let vault = sample_vault();
    assert_eq!(vault.run(&["build"]).code, 0);
    let digest_path = vault.path().join("Throughline/Digest.md");
    let whole = fs::read_to_string(&digest_path).unwrap();
    let entries = |digest: &str| -> Vec<String> {
        let queue = digest.split("## Validation queue").nth(1).unwrap();
        let queue = queue.split("\n## ").next().unwrap();
        (queue.lines())
            .filter(|line| line.starts_with("- [["))
            .map(str::to_owned)
            .collect()
    };
    let all = entries(&whole);
    assert!(all.len() >= 3, "{whole}");
    assert!(whole.contains(&format!("\nvalidation-queue: {}\n", all.len())));
    assert!(!whole.contains("…and "), "{whole}");

    vault.file("throughline.toml", "[digest]\nqueue = 2\n");
    assert_eq!(vault.run(&["build"]).code, 0);
    let capped = fs::read_to_string(&digest_path).unwrap();
    // The most pressing first, as in the whole queue; the frontmatter still
    // counts every insight that needs validating.
    assert_eq!(entries(&capped), all[..2], "{capped}");
    assert!(capped.contains(&format!("\nvalidation-queue: {}\n", all.len())));
    let more = all.len() - 2;
    let noun = if more == 1 {
        "insight needs"
    } else {
        "insights need"
    };
    // A paragraph of its own after the list (not a line of its last item).
    assert!(
        capped.contains(&format!(
            "\n\n…and {more} more {noun} validation, marked ⚠ in [[Insights]]: the queue lists the 2 most pressing (strongest first, then most participants).\n"
        )),
        "{capped}"
    );
    assert!(assert_generated_links_resolve(vault.path()) > 0);
}

#[test]
fn job_templates_may_list_the_insights_or_override_each_row() {
    let vault = sample_vault();
    assert_eq!(vault.run(&["build"]).code, 0);
    let path = vault
        .path()
        .join("Throughline/Jobs/Record work done on site (job).md");
    let page = || fs::read_to_string(&path).unwrap();
    let default_page = page();
    let rows = default_page.matches("(evidence)\\|").count();
    assert!(rows > 0, "{default_page}");
    // A job template written against the insights themselves (as before
    // `job-insight-row.md.j2` existed) still gets them, and a row template
    // the vault breaks is not used.
    vault.file(
        ".throughline/templates/job.md.j2",
        "---\ngenerated-by: throughline\n---\n{% for row in insights %}\n- {{ row.note.title }}: {{ row.participants }} people\n{% endfor %}\n",
    );
    vault.file(
        ".throughline/templates/job-insight-row.md.j2",
        "{{ no_such_variable.field }}\n",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    assert_eq!(page().matches(" people\n").count(), rows, "{}", page());
    // A row template of the vault's own renders each row of the default job page.
    fs::remove_file(vault.path().join(".throughline/templates/job.md.j2")).unwrap();
    // It may show the page's own path: rows are then not shared between pages.
    vault.file(
        ".throughline/templates/job-insight-row.md.j2",
        "| {{ row.note.title | cell }} | {{ row.evidence }} observations | {{ page }} |\n",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    let own = page();
    let from_here = " observations | Throughline/Jobs/Record work done on site (job).md |\n";
    assert_eq!(own.matches(from_here).count(), rows, "{own}");
    assert!(!own.contains("(evidence)\\|"), "{own}");
}

#[test]
fn insights_templates_may_list_the_rows_or_override_each_row() {
    let vault = sample_vault();
    assert_eq!(vault.run(&["build"]).code, 0);
    let page = || fs::read_to_string(vault.path().join("Throughline/Insights.md")).unwrap();
    let default_page = page();
    let rows = default_page.matches("(evidence)\\|").count();
    assert!(rows > 0, "{default_page}");
    // An overview template written against the rows themselves (as before
    // `insight-row.md.j2` existed) still gets them.
    vault.file(
        ".throughline/templates/insights.md.j2",
        "---\ngenerated-by: throughline\n---\n{% for row in insights %}\n- {{ row.note.title }}: {{ row.participants }} people\n{% endfor %}\n",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    assert_eq!(page().matches(" people\n").count(), rows, "{}", page());
    // Such a template never shows the rendered rows: one the vault breaks is not used.
    vault.file(
        ".throughline/templates/insight-row.md.j2",
        "{{ row.no_such_field }}\n",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    // A row template of the vault's own renders each row of the default overview.
    fs::remove_file(vault.path().join(".throughline/templates/insights.md.j2")).unwrap();
    vault.file(
        ".throughline/templates/insight-row.md.j2",
        "| {{ row.note.title | cell }} | {{ row.evidence }} observations |\n",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    let own = page();
    assert_eq!(own.matches(" observations |\n").count(), rows, "{own}");
    assert!(!own.contains("(evidence)\\|"), "{own}");
}

#[test]
fn job_templates_may_show_the_evidence_or_override_its_section() {
    let vault = sample_vault();
    assert_eq!(vault.run(&["build"]).code, 0);
    let path = vault
        .path()
        .join("Throughline/Jobs/Record work done on site (job).md");
    let page = || fs::read_to_string(&path).unwrap();
    let default_page = page();
    let sources = default_page.matches("|source]]").count();
    assert!(sources > 0, "{default_page}");
    // A job template written against the evidence and interviews themselves
    // (as before `job-evidence.md.j2` existed) still gets them, and a
    // section template the vault breaks is not used.
    vault.file(
        ".throughline/templates/job.md.j2",
        "---\ngenerated-by: throughline\n---\n{{ interviews | length }} interviews\n{% for item in evidence %}\n- {{ item.text | first_line }} ({{ item.interview.note.title }})\n{% endfor %}\n",
    );
    vault.file(
        ".throughline/templates/job-evidence.md.j2",
        "{{ no_such_variable.field }}\n",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    let own = page();
    let interviews = default_page.split("\ninterviews: ").nth(1).unwrap();
    let interviews = interviews.lines().next().unwrap();
    assert!(
        own.contains(&format!("\n{interviews} interviews\n")),
        "{own}"
    );
    assert_eq!(own.matches(")\n").count(), sources, "{own}");
    // A section template of the vault's own renders the evidence of the
    // default job page.
    fs::remove_file(vault.path().join(".throughline/templates/job.md.j2")).unwrap();
    vault.file(
        ".throughline/templates/job-evidence.md.j2",
        "{% for item in evidence %}* seen {{ item.interview.date }}\n{% endfor %}",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    let own = page();
    assert_eq!(own.matches("\n* seen ").count(), sources, "{own}");
    assert!(!own.contains("|source]]"), "{own}");
}

#[test]
fn a_vault_folder_that_does_not_exist_is_exit_2_and_is_not_made() {
    let vault = VaultTest::new();
    for args in [
        &["build", "no-such-folder"][..],
        &["build", "--check", "no-such-folder"],
        &["watch", "no-such-folder"],
    ] {
        let run = vault.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("no-such-folder"),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!vault.path().join("no-such-folder").exists(), "{args:?}");
    }
}

#[test]
fn pages_are_named_by_the_configured_patterns_and_still_resolve() {
    let vault = sample_vault();
    vault.file(
        "throughline.toml",
        "[pages]\ninsight = \"Evidence - {title}\"\njob = \"JTBD {title}\"\n",
    );
    let run = vault.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names: Vec<String> = pages(vault.path())
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    let insights: Vec<&String> = names
        .iter()
        .filter(|path| path.starts_with("Throughline/Insights/"))
        .collect();
    assert!(!insights.is_empty());
    assert!(
        insights
            .iter()
            .all(|path| path.starts_with("Throughline/Insights/Evidence - ")),
        "{insights:?}"
    );
    assert!(
        names
            .iter()
            .filter(|path| path.starts_with("Throughline/Jobs/"))
            .all(|path| path.starts_with("Throughline/Jobs/JTBD ")),
        "{names:?}"
    );
    assert!(names.iter().any(|path| path.ends_with(" (coverage).md")));
    assert!(assert_generated_links_resolve(vault.path()) > 100);
}

/// Builds `vault` and returns the "Notes not read" section of its Vault
/// health page, whose `notes-left-out` count must be `count`.
fn notes_not_read(vault: &VaultTest, count: usize) -> String {
    let run = vault.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let health = fs::read_to_string(vault.path().join("Throughline/Vault health.md")).unwrap();
    assert!(
        health.contains(&format!("notes-left-out: {count}\n")),
        "{health}"
    );
    health
        .split("## Notes not read")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the section is there")
        .to_owned()
}

#[test]
fn vault_health_lists_the_notes_it_could_not_read() {
    let vault = sample_vault();
    vault.file(
        "Interviews/2026-12-01 Broken.md",
        "---\ntype: interview\ndate: 2026-12-01\nparticipant: [unclosed\n---\n## Learned\n- something\n",
    );
    let section = notes_not_read(&vault, 1);
    assert!(
        section.contains("[[2026-12-01 Broken]], line 5")
            && section.contains("(`invalid-frontmatter`)"),
        "{section}"
    );
    assert!(assert_generated_links_resolve(vault.path()) > 100);
}

#[test]
fn vault_health_names_paths_the_walk_could_not_read() {
    let vault = sample_vault();
    std::os::unix::fs::symlink(
        vault.path().join("nowhere/at all.md"),
        vault.path().join("Interviews/Gone.md"),
    )
    .unwrap();
    // With a note whose frontmatter is broken too: both kinds in one list.
    vault.file(
        "Interviews/2026-12-01 Broken.md",
        "---\ntype: interview\ndate: [\n---\n",
    );
    // A path in a folder the configuration ignores is not missed.
    vault.file("throughline.toml", "ignore = [\"Archive\"]\n");
    fs::create_dir_all(vault.path().join("Archive")).unwrap();
    std::os::unix::fs::symlink(
        vault.path().join("nowhere/else.md"),
        vault.path().join("Archive/Old.md"),
    )
    .unwrap();
    let section = notes_not_read(&vault, 2);
    assert!(
        section.contains("- Interviews/Gone.md: ")
            && section.contains("is a symbolic link to something that does not exist")
            && section.contains("(`unreadable-path`)")
            && section.contains("[[2026-12-01 Broken]]"),
        "{section}"
    );
    assert_eq!(section.matches("What these notes say").count(), 1);
    assert!(!section.contains("None"), "{section}");
    assert!(!section.contains("Old.md"), "{section}");
    assert!(assert_generated_links_resolve(vault.path()) > 100);
}

#[test]
fn a_link_into_a_page_that_goes_breaks_in_the_build_that_removes_it() {
    // A note links into an insight's page; the insight note is deleted. The
    // build that removes the page lists the link as broken, as a build of
    // the vault as it now is does, and the next build writes nothing.
    let vault = sample_vault();
    vault.file(
        "Notes/Pointer.md",
        "See [[Parts shortages are discovered only on site (evidence)#Evidence]].\n",
    );
    assert_eq!(vault.run(&["build"]).code, 0);
    std::fs::remove_file(
        vault
            .path()
            .join("Insights/Parts shortages are discovered only on site.md"),
    )
    .unwrap();
    let removed = vault.run(&["build"]);
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    assert!(removed.stdout.contains("1 removed"), "{}", removed.stdout);
    let health = std::fs::read_to_string(vault.path().join("Throughline/Vault health.md")).unwrap();
    assert!(health.contains("[[Pointer]], line 1"), "{health}");
    let again = vault.run(&["build"]);
    assert!(
        again.stdout.contains("0 written") && again.stdout.contains("0 removed"),
        "{}",
        again.stdout
    );
}
