//! `vaultgen`: a deterministic generator of realistic Obsidian customer-research vaults.
//!
//! throughline's benchmarks (`benches/check.rs`) and larger tests need vaults of 10,000
//! and 100,000 notes that look like a real product team's research vault, not like
//! `note1.md … noteN.md`. [`generate`] writes such a vault: about 60% interviews
//! (`type: interview` with `date`, `participant`, `role`, `company`, `plan`, `jobs`,
//! `follow-up-of`), plus insights, jobs, people, companies, plans with `## Questions`, and
//! ordinary notes, in nested folders (`Interviews/2026/10/`, `Insights/Billing/Trust/`,
//! `People/Customers/Europe/` …, about one folder per 20 notes), with bodies of 1–8 KB
//! using every link form Obsidian knows (see `note.rs`), a few duplicate names, about
//! 1.5% broken links, fake links inside code, and a handful of `.png` attachments.
//!
//! The output is a pure function of [`GenOptions`]: the same `notes` and `seed` give a
//! byte-identical tree on any machine and with any number of threads. Bump
//! [`FORMAT_VERSION`] whenever the output changes, so cached benchmark vaults are
//! regenerated.
//!
//! ```no_run
//! let summary = vaultgen::generate(
//!     std::path::Path::new("target/vault"),
//!     &vaultgen::GenOptions { notes: 1000, seed: vaultgen::DEFAULT_SEED },
//! )?;
//! println!("{} notes, {} bytes of Markdown", summary.notes, summary.markdown_bytes);
//! # Ok::<(), std::io::Error>(())
//! ```

mod note;
mod plan;
mod rng;
mod words;

use std::fs;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Version of the generated vault's shape; part of the benchmark's cache marker.
pub const FORMAT_VERSION: u32 = 2;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 42;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenOptions {
    /// Number of Markdown notes.
    pub notes: usize,
    /// Seed of every random choice; the same seed gives the same vault.
    pub seed: u64,
}

impl Default for GenOptions {
    fn default() -> Self {
        Self {
            notes: 1000,
            seed: DEFAULT_SEED,
        }
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenSummary {
    /// Markdown notes written.
    pub notes: usize,
    /// Non-Markdown files written (images and `.obsidian/app.json`).
    pub attachments: usize,
    /// Folders created below the vault root (not counting `.obsidian`).
    pub folders: usize,
    /// Total bytes of all Markdown notes.
    pub markdown_bytes: u64,
}

impl GenSummary {
    /// All files written.
    pub fn files(&self) -> usize {
        self.notes + self.attachments
    }
}

/// A valid 1×1 PNG, so image embeds point at real images.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// Obsidian's per-vault settings, as a fresh vault with Markdown links off has them.
const APP_JSON: &str = "{\n  \"newLinkFormat\": \"shortest\",\n  \"useMarkdownLinks\": false,\n  \"attachmentFolderPath\": \"Attachments\"\n}\n";

/// Notes rendered per unit of work handed to a thread.
const CHUNK: usize = 256;

/// Writes a vault of `opts.notes` notes into `dir`, which must not exist or be empty.
///
/// Notes are rendered and written on up to 8 threads; the output does not depend on the
/// number of threads, because every note has its own random stream.
///
/// # Errors
/// `AlreadyExists` when `dir` holds files (the generator never overwrites a vault),
/// or any I/O error from creating folders and files.
pub fn generate(dir: &Path, opts: &GenOptions) -> io::Result<GenSummary> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "`{}` is not empty; vaultgen only writes into a new or empty folder",
                dir.display()
            ),
        ));
    }
    let plan = plan::plan(opts.notes, opts.seed);
    fs::create_dir_all(dir)?;
    for folder in &plan.folders {
        fs::create_dir_all(dir.join(folder))?;
    }
    fs::create_dir_all(dir.join(".obsidian"))?;
    fs::write(dir.join(".obsidian").join("app.json"), APP_JSON)?;
    for attachment in &plan.attachments {
        fs::write(dir.join(attachment), PNG)?;
    }

    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let next_chunk = AtomicUsize::new(0);
    let results: Vec<io::Result<u64>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> io::Result<u64> {
                    let mut writer = note::Writer::new(&plan);
                    let mut text = String::with_capacity(16 * 1024);
                    let mut bytes = 0u64;
                    loop {
                        let start = next_chunk.fetch_add(1, Ordering::Relaxed) * CHUNK;
                        if start >= plan.notes.len() {
                            return Ok(bytes);
                        }
                        for index in start..(start + CHUNK).min(plan.notes.len()) {
                            writer.render(index, &mut text);
                            let meta = plan.note(index);
                            let mut path = dir.join(&meta.folder);
                            path.push(format!("{}.md", meta.name));
                            fs::write(&path, text.as_bytes())?;
                            bytes += text.len() as u64;
                        }
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a vaultgen worker panicked"))
            .collect()
    });
    let mut markdown_bytes = 0;
    for result in results {
        markdown_bytes += result?;
    }
    Ok(GenSummary {
        notes: plan.notes.len(),
        attachments: plan.attachments.len() + 1,
        folders: plan.folders.len(),
        markdown_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    /// A fresh scratch folder under the system temp dir (no tempfile dependency needed).
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("vaultgen-test-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    /// Every file under `dir`, relative path → bytes, sorted.
    fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            for entry in fs::read_dir(dir).expect("test folder is readable") {
                let path = entry.expect("test entry is readable").path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    let relative = path
                        .strip_prefix(root)
                        .expect("under root")
                        .to_string_lossy()
                        .into_owned();
                    out.insert(relative, fs::read(&path).expect("test file is readable"));
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, dir, &mut out);
        out
    }

    #[test]
    fn same_seed_gives_identical_tree() {
        let (a, b, c) = (scratch("a"), scratch("b"), scratch("c"));
        let opts = GenOptions {
            notes: 300,
            seed: 7,
        };
        let summary_a = generate(&a, &opts).expect("generate a");
        let summary_b = generate(&b, &opts).expect("generate b");
        generate(
            &c,
            &GenOptions {
                notes: 300,
                seed: 8,
            },
        )
        .expect("generate c");
        assert_eq!(summary_a, summary_b);
        let (tree_a, tree_b, tree_c) = (tree(&a), tree(&b), tree(&c));
        assert_eq!(
            tree_a.keys().collect::<Vec<_>>(),
            tree_b.keys().collect::<Vec<_>>()
        );
        assert!(tree_a == tree_b, "same seed must give identical bytes");
        assert!(tree_a != tree_c, "another seed must give another vault");
        for dir in [a, b, c] {
            fs::remove_dir_all(dir).expect("clean up");
        }
    }

    #[test]
    fn writes_exactly_n_notes_with_bodies_of_1_to_8_kb() {
        for notes in [0, 1, 5, 7, 40, 500] {
            let dir = scratch(&format!("n{notes}"));
            let summary = generate(&dir, &GenOptions { notes, seed: 3 }).expect("generate");
            let files = tree(&dir);
            let markdown: Vec<_> = files
                .iter()
                .filter(|(path, _)| path.ends_with(".md"))
                .collect();
            assert_eq!(markdown.len(), notes);
            assert_eq!(summary.notes, notes);
            assert_eq!(
                summary.markdown_bytes,
                markdown.iter().map(|(_, b)| b.len() as u64).sum::<u64>()
            );
            for (path, bytes) in markdown {
                let text = std::str::from_utf8(bytes).expect("notes are UTF-8");
                let body = match text.strip_prefix("---\n") {
                    Some(rest) => &rest[rest.find("\n---\n").expect("frontmatter is closed") + 5..],
                    None => text,
                };
                assert!(
                    (1024..=8192).contains(&body.len()),
                    "{path}: body of {} bytes",
                    body.len()
                );
            }
            fs::remove_dir_all(dir).expect("clean up");
        }
    }

    #[test]
    fn refuses_a_non_empty_folder() {
        let dir = scratch("full");
        generate(&dir, &GenOptions { notes: 3, seed: 1 }).expect("first generate");
        let error = generate(&dir, &GenOptions { notes: 3, seed: 1 }).expect_err("second generate");
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        fs::remove_dir_all(dir).expect("clean up");
    }
}
