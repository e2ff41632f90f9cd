//! `throughline init`: the commented defaults and the default templates, and
//! never a file overwritten.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::support::VaultTest;

const TEMPLATES: [&str; 8] = [
    "insights.md.j2",
    "insight.md.j2",
    "job.md.j2",
    "plan.md.j2",
    "digest.md.j2",
    "health.md.j2",
    "report.md.j2",
    "report.html.j2",
];

fn pages(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root.join("Throughline"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            (
                entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn init_writes_defaults_that_change_nothing() {
    let plain = VaultTest::sample();
    assert_eq!(plain.run(&["build"]).code, 0);

    let vault = VaultTest::sample();
    let run = vault.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("wrote throughline.toml"),
        "{}",
        run.stdout
    );
    let config = fs::read_to_string(vault.path().join("throughline.toml")).unwrap();
    assert!(config.contains("# output = \"Throughline\""), "{config}");
    assert!(
        config.contains("# pattern-min-participants = 3"),
        "{config}"
    );
    for name in TEMPLATES {
        let path = vault.path().join(".throughline/templates").join(name);
        let text = fs::read_to_string(&path).unwrap();
        let shipped = fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("templates")
                .join(name),
        )
        .unwrap();
        assert_eq!(text, shipped, "{name} is a copy of the default");
    }
    // With the written config and templates, the pages are the default ones.
    assert_eq!(vault.run(&["build"]).code, 0);
    assert_eq!(pages(vault.path()), pages(plain.path()));
}

#[test]
fn init_never_overwrites() {
    let vault = VaultTest::new();
    vault.file("throughline.toml", "output = \"Research pages\"\n");
    vault.file(".throughline/templates/digest.md.j2", "my digest\n");
    let run = vault.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("kept  throughline.toml"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("kept  .throughline/templates/digest.md.j2")
    );
    assert!(
        run.stdout
            .contains("wrote .throughline/templates/insight.md.j2")
    );
    assert_eq!(
        fs::read_to_string(vault.path().join("throughline.toml")).unwrap(),
        "output = \"Research pages\"\n"
    );
    assert_eq!(
        fs::read_to_string(vault.path().join(".throughline/templates/digest.md.j2")).unwrap(),
        "my digest\n"
    );
    let again = vault.run(&["init"]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.contains("nothing to do"), "{}", again.stdout);
}

#[test]
fn init_needs_a_folder() {
    let vault = VaultTest::new();
    let run = vault.run(&["init", "no-such-folder"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a folder"), "{}", run.stderr);
}

#[test]
fn init_never_writes_through_a_link_out_of_the_vault() {
    let vault = VaultTest::new();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), vault.path().join(".throughline")).unwrap();
    let run = vault.run(&["init"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("outside the vault"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}
