//! `VaultTest`: a temporary vault, the real binary, and helpers to read its output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

/// A temporary vault.
pub struct VaultTest {
    dir: TempDir,
}

/// What a run of the binary printed and returned.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// The folder of a fixture vault under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

impl VaultTest {
    /// An empty vault.
    pub fn new() -> VaultTest {
        VaultTest {
            dir: tempfile::Builder::new()
                .prefix("throughline-test")
                .tempdir()
                .expect("a temporary folder can be created"),
        }
    }

    /// A copy of the project's `sample-vault/`, without what a build of it
    /// writes (the README's first command builds it in place, before a new
    /// user runs the tests).
    pub fn sample() -> VaultTest {
        let vault = VaultTest::new();
        copy_tree_without(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault"),
            vault.path(),
            &["Throughline", ".throughline"],
        );
        vault
    }

    /// A copy of `tests/fixtures/<name>`.
    pub fn from_fixture(name: &str) -> VaultTest {
        let vault = VaultTest::new();
        copy_tree(&fixture(name), vault.path());
        vault
    }

    /// The vault folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (folders created as needed).
    pub fn file(&self, path: &str, bytes: impl AsRef<[u8]>) -> &VaultTest {
        let full = self.path().join(path);
        fs::create_dir_all(full.parent().expect("a file path has a parent"))
            .expect("folders can be created");
        fs::write(&full, bytes).expect("the file can be written");
        self
    }

    /// Runs `throughline <args…>` inside the vault folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_throughline"))
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("the binary runs");
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code().unwrap_or(-1),
        }
    }

    /// Every link, from `links --format jsonl`.
    pub fn links(&self) -> Vec<Value> {
        let run = self.run(&["links"]);
        assert_eq!(run.code, 0, "links failed: {}", run.stderr);
        parse_jsonl(&run.stdout)
    }

    /// The links written in `source`.
    pub fn links_in(&self, source: &str) -> Vec<Value> {
        self.links()
            .into_iter()
            .filter(|link| link["source"] == source)
            .collect()
    }

    /// `check --format json`, parsed.
    pub fn check_json(&self) -> (Value, i32) {
        let run = self.run(&["check", "--format", "json"]);
        let document = serde_json::from_str(&run.stdout).unwrap_or_else(|error| {
            panic!(
                "check --format json printed invalid JSON ({error}): {}",
                run.stdout
            )
        });
        (document, run.code)
    }
}

/// One value per line of JSON Lines.
pub fn parse_jsonl(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("bad JSON line ({error}): {line}"))
        })
        .collect()
}

/// Copies a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    copy_tree_without(from, to, &[]);
}

/// Copies a folder tree except the top-level entries named in `left_out`
/// (never even listed: a running `watch` may be writing there).
pub fn copy_tree_without(from: &Path, to: &Path, left_out: &[&str]) {
    let walk = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() != 1 || !left_out.iter().any(|name| entry.file_name() == *name)
        });
    for entry in walk {
        let entry = entry.expect("the fixture can be walked");
        let relative = entry.path().strip_prefix(from).expect("inside the fixture");
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("folders can be created");
        } else {
            fs::copy(entry.path(), &target).expect("fixture files can be copied");
        }
    }
}
