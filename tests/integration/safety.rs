//! Safety: what a build may touch (product.md §3, §5).
//!
//! The user's files in the output folder survive every build; stale generated pages
//! go; nothing is written outside `Throughline/` and `.throughline/`; a second build
//! writes nothing; a killed build leaves every page whole (old or new, never half);
//! one writer per vault, and the lock of a dead one is taken over.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crate::support::{Run, VaultTest, copy_tree};

/// The default output folder.
const OUTPUT: &str = "Throughline";

/// throughline's own state folder.
const STATE: &str = ".throughline";

/// The frontmatter line that marks a generated page.
const MARKER: &str = "generated-by: throughline";

/// An interview of the sample vault, and a line of it that links no insight yet.
const INTERVIEW: &str = "Interviews/2026-10-22 Tomasz Kowal.md";
const INTERVIEW_LINE: &str = "[[Complete a maintenance visit]] #pain #step/confirm";

/// The evidence page the edited interview line adds to.
const EDITED_EVIDENCE: &str =
    "Throughline/Insights/Parts shortages are discovered only on site (evidence).md";

fn sample_vault() -> VaultTest {
    VaultTest::sample()
}

/// `throughline build`, which must succeed.
fn build(vault: &VaultTest) -> Run {
    let run = vault.run(&["build"]);
    assert_eq!(
        run.code, 0,
        "build failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    run
}

/// Replaces `from` (which must be there) by `to` in the vault file `path`.
fn replace_in(vault: &VaultTest, path: &str, from: &str, to: &str) {
    let full = vault.path().join(path);
    let text = fs::read_to_string(&full).expect("the note can be read");
    assert!(text.contains(from), "`{path}` no longer contains `{from}`");
    fs::write(&full, text.replacen(from, to, 1)).expect("the note can be written");
}

/// Adds an observation to an interview: a new piece of evidence for an insight.
fn edit_interview(vault: &VaultTest) {
    replace_in(
        vault,
        INTERVIEW,
        INTERVIEW_LINE,
        "[[Complete a maintenance visit]] [[Parts shortages are discovered only on site]] #pain #step/confirm",
    );
}

/// `path` relative to `root`, with `/` separators.
fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .expect("inside the root")
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every file below `folder` (hidden ones too): path relative to `folder` → bytes.
fn files(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(folder)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let bytes = fs::read(entry.path()).expect("the file can be read");
            (relative(folder, entry.path()), bytes)
        })
        .collect()
}

/// One entry of a [`listing`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Folder {
        modified: SystemTime,
    },
    File {
        size: u64,
        modified: SystemTime,
        bytes: Vec<u8>,
    },
}

/// Every file and folder below `root` (not `root` itself), with sizes, times and bytes.
fn listing(root: &Path) -> BTreeMap<String, Entry> {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .map(|entry| entry.expect("the vault can be walked"))
        .map(|entry| {
            let metadata = entry.metadata().expect("the entry has metadata");
            let modified = metadata.modified().expect("the file system keeps times");
            let value = if entry.file_type().is_dir() {
                Entry::Folder { modified }
            } else {
                Entry::File {
                    size: metadata.len(),
                    modified,
                    bytes: fs::read(entry.path()).expect("the file can be read"),
                }
            };
            (relative(root, entry.path()), value)
        })
        .collect()
}

/// Paths added, removed or changed between two listings.
fn differences(before: &BTreeMap<String, Entry>, after: &BTreeMap<String, Entry>) -> Vec<String> {
    let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    paths
        .into_iter()
        .filter(|path| before.get(*path) != after.get(*path))
        .cloned()
        .collect()
}

/// Whether the vault path `path` is `folder` or inside it.
fn is_under(path: &str, folder: &str) -> bool {
    path == folder || path.starts_with(&format!("{folder}/"))
}

/// Whether `bytes` start with a frontmatter block that holds our marker.
fn has_marker(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Some(rest) = text.strip_prefix("---\n") else {
        return false;
    };
    let Some(end) = rest.find("\n---\n") else {
        return false;
    };
    rest[..end].lines().any(|line| line == MARKER)
}

/// Whether `name` is one of throughline's temporary files (`.~<random>.tmp`).
fn is_temp_name(name: &str) -> bool {
    name.starts_with(".~") && name.ends_with(".tmp")
}

/// The file name of a `/`-separated path.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[test]
fn user_file_in_output_folder_survives_every_build() {
    let vault = sample_vault();
    let mine = "# My notes\n\nWhat I think of the generated pages, kept next to them.\n";
    // The exact path of the insights index throughline generates, but no marker.
    let in_the_way = "---\ntitle: my own index\n---\n# Insights\n\nMine, not throughline's.\n";
    vault
        .file("Throughline/My notes.md", mine)
        .file("Throughline/Insights.md", in_the_way);
    for round in 1..=3 {
        if round == 3 {
            edit_interview(&vault);
        }
        let evidence_before = fs::read(vault.path().join(EDITED_EVIDENCE)).ok();
        let run = build(&vault);
        assert_eq!(
            fs::read_to_string(vault.path().join("Throughline/My notes.md")).unwrap(),
            mine,
            "build {round} changed the user's note"
        );
        assert_eq!(
            fs::read_to_string(vault.path().join("Throughline/Insights.md")).unwrap(),
            in_the_way,
            "build {round} overwrote the user's file at a page's path"
        );
        assert!(
            run.stderr.lines().any(|line| {
                line.contains("Throughline/Insights.md") && line.contains("left alone")
            }),
            "build {round} did not report the file in the way:\n{}",
            run.stderr
        );
        // The other pages are written as usual.
        let evidence = fs::read(vault.path().join(EDITED_EVIDENCE)).expect("the page exists");
        assert!(has_marker(&evidence), "build {round}: {EDITED_EVIDENCE}");
        match round {
            1 => assert!(!run.stdout.contains(" 0 written"), "{}", run.stdout),
            2 => assert!(run.stdout.contains(" 0 written"), "{}", run.stdout),
            _ => assert_ne!(
                evidence_before.as_deref(),
                Some(evidence.as_slice()),
                "the interview edit did not reach {EDITED_EVIDENCE}"
            ),
        }
    }
}

#[test]
fn deleted_insight_page_disappears() {
    let vault = sample_vault();
    build(&vault);
    let gone = EDITED_EVIDENCE;
    let edited =
        "Throughline/Insights/Weekly maintenance plans fall apart by midweek (evidence).md";
    // The user makes one page their own by removing the marker…
    let text = fs::read_to_string(vault.path().join(edited)).unwrap();
    let theirs = text.replacen(&format!("{MARKER}\n"), "", 1);
    assert_ne!(theirs, text, "the page carried no marker");
    vault.file(edited, &theirs);
    // …then both insights are deleted.
    let before = files(&vault.path().join(OUTPUT));
    fs::remove_file(
        vault
            .path()
            .join("Insights/Parts shortages are discovered only on site.md"),
    )
    .unwrap();
    fs::remove_file(
        vault
            .path()
            .join("Insights/Weekly maintenance plans fall apart by midweek.md"),
    )
    .unwrap();

    let run = build(&vault);

    assert!(
        !vault.path().join(gone).exists(),
        "the page of the deleted insight is still there"
    );
    assert!(run.stdout.contains("1 removed"), "{}", run.stdout);
    assert_eq!(
        fs::read_to_string(vault.path().join(edited))
            .ok()
            .as_deref(),
        Some(theirs.as_str()),
        "a stale page without the marker was removed or changed"
    );
    assert!(
        run.stderr
            .lines()
            .any(|line| line.contains(edited) && line.contains("left alone")),
        "the unmarked stale page was not reported:\n{}",
        run.stderr
    );
    let after = files(&vault.path().join(OUTPUT));
    for path in before.keys() {
        let path = format!("{OUTPUT}/{path}");
        if path != gone {
            assert!(vault.path().join(&path).exists(), "`{path}` was removed");
        }
    }
    assert_eq!(after.len(), before.len() - 1, "{:?}", after.keys());

    // And it stays: the next build neither removes nor rewrites it.
    let run = build(&vault);
    assert!(run.stdout.contains(" 0 written"), "{}", run.stdout);
    assert_eq!(
        fs::read_to_string(vault.path().join(edited)).unwrap(),
        theirs
    );
}

#[test]
fn nothing_written_outside_the_output_folder() {
    let vault = sample_vault();
    let pristine = listing(vault.path());

    // On a vault never built, `--check` and `--dry-run` create nothing at all.
    for (args, code) in [(["build", "--check"], 1), (["build", "--dry-run"], 0)] {
        let run = vault.run(&args);
        assert_eq!(run.code, code, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("would write"), "{}", run.stdout);
        assert_eq!(
            differences(&pristine, &listing(vault.path())),
            Vec::<String>::new(),
            "{args:?} changed the vault"
        );
    }

    let mut before = pristine;
    for round in 1..=2 {
        build(&vault);
        let after = listing(vault.path());
        let changed = differences(&before, &after);
        let outside: Vec<&String> = changed
            .iter()
            .filter(|path| !is_under(path, OUTPUT) && !is_under(path, STATE))
            .collect();
        assert!(
            outside.is_empty(),
            "build {round} wrote outside `{OUTPUT}/` and `{STATE}/`: {outside:?}"
        );
        assert!(
            changed.iter().any(|path| is_under(path, OUTPUT)),
            "build {round} wrote no page"
        );

        // With pages to write, `--check` and `--dry-run` still change nothing,
        // not even throughline's own state.
        if round == 1 {
            edit_interview(&vault);
        } else {
            replace_in(
                &vault,
                INTERVIEW,
                "[[Record work done on site]] #gain",
                "[[Record work done on site]] [[Weekly maintenance plans fall apart by midweek]] #gain",
            );
        }
        before = listing(vault.path());
        for (args, code) in [(["build", "--check"], 1), (["build", "--dry-run"], 0)] {
            let run = vault.run(&args);
            assert_eq!(run.code, code, "{args:?}: {}{}", run.stdout, run.stderr);
            assert!(run.stdout.contains("would write"), "{}", run.stdout);
            assert_eq!(
                differences(&before, &listing(vault.path())),
                Vec::<String>::new(),
                "{args:?} changed the vault"
            );
        }
    }
}

#[test]
fn second_build_writes_nothing() {
    let vault = sample_vault();
    build(&vault);
    let output = vault.path().join(OUTPUT);
    let stamps = |vault: &VaultTest| -> BTreeMap<String, (SystemTime, Vec<u8>)> {
        let mut paths: Vec<PathBuf> = files(&output)
            .into_keys()
            .map(|path| output.join(path))
            .collect();
        paths.push(vault.path().join(STATE).join("manifest.json"));
        paths
            .into_iter()
            .map(|path| {
                let modified = fs::metadata(&path).unwrap().modified().unwrap();
                (
                    relative(vault.path(), &path),
                    (modified, fs::read(&path).unwrap()),
                )
            })
            .collect()
    };
    let first = stamps(&vault);
    let pages = first.len() - 1;
    assert!(pages > 10, "pages and the manifest: {:?}", first.keys());
    // Longer than any file system's time granularity, so a rewrite would show.
    thread::sleep(Duration::from_millis(1100));

    let run = build(&vault);

    let summary = format!("{pages} pages: 0 written, {pages} unchanged, 0 removed");
    assert!(run.stdout.contains(&summary), "{}", run.stdout);
    let second = stamps(&vault);
    for (path, (modified, bytes)) in &first {
        let (now_modified, now_bytes) = &second[path];
        assert_eq!(now_bytes, bytes, "`{path}` changed");
        assert_eq!(now_modified, modified, "`{path}` was rewritten");
    }
    let run = vault.run(&["build", "--check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("would write"), "{}", run.stdout);

    // One interview edited: `--check` fails and lists exactly the pages a build
    // then changes.
    edit_interview(&vault);
    let run = vault.run(&["build", "--check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let listed: BTreeSet<String> = run
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("would write  "))
        .map(str::to_owned)
        .collect();
    assert!(listed.contains(EDITED_EVIDENCE), "{}", run.stdout);
    let before = files(&output);
    build(&vault);
    let after = files(&output);
    let changed: BTreeSet<String> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| format!("{OUTPUT}/{path}"))
        .collect();
    assert_eq!(listed, changed, "`--check` listed other pages than changed");
}

/// Kills a child process when dropped, so a failing test leaves none behind.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn second_build_waits_for_the_lock() {
    let vault = sample_vault();
    let mut sleeper = KillOnDrop(
        Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("`sleep` runs"),
    );
    let lock = vault.path().join(STATE).join("lock");
    let held = format!("{}\n", sleeper.0.id());
    vault.file(".throughline/lock", &held);

    let run = vault.run(&["build"]);

    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("already writing"), "{}", run.stderr);
    assert!(
        !vault.path().join(OUTPUT).exists(),
        "a build without the lock wrote pages"
    );
    assert_eq!(
        fs::read_to_string(&lock).unwrap(),
        held,
        "the lock was taken"
    );

    // The holder dies without removing its lock: the next build takes it over.
    sleeper.0.kill().unwrap();
    sleeper.0.wait().unwrap();
    let run = build(&vault);
    assert!(!run.stdout.contains(" 0 written"), "{}", run.stdout);
    assert!(has_marker(
        &fs::read(vault.path().join("Throughline/Insights.md")).unwrap()
    ));
    assert!(!lock.exists(), "the build did not release its lock");
}

#[test]
fn leftover_temp_files_in_the_output_folder_are_removed() {
    let vault = sample_vault();
    build(&vault);
    let temps = [
        "Throughline/.~a1B2c3.tmp",
        "Throughline/Insights/.~x9Y8z7.tmp",
    ];
    for temp in temps {
        vault.file(temp, "---\ngenerated-by: throughline\ninsight: \"[[Par");
    }
    build(&vault);
    for temp in temps {
        assert!(!vault.path().join(temp).exists(), "`{temp}` is still there");
    }
}

#[test]
fn leftover_manifest_temp_file_is_removed() {
    let vault = sample_vault();
    build(&vault);
    // What `write_atomically` leaves when the build is killed while saving the manifest.
    let temp = ".throughline/.~a1B2c3.tmp";
    vault.file(temp, "{\n  \"schema\": 1,\n  \"output\": \"Throughl");
    build(&vault);
    assert!(!vault.path().join(temp).exists(), "`{temp}` is still there");
}

/// Notes of the generated vault the kill test builds (about 170 pages).
const KILL_NOTES: usize = 1200;

/// Builds killed in the kill test.
const KILLS: usize = 30;

/// splitmix64: a small deterministic random generator.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Templates that differ from the defaults on every page, near its start: one
/// more frontmatter line. Read once, so every build of the test uses the same.
fn variant_templates() -> Vec<(String, String)> {
    let defaults = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let from = format!("---\n{MARKER}\n");
    let mut templates: Vec<(String, String)> = fs::read_dir(defaults)
        .expect("the default templates are there")
        .map(|entry| entry.expect("the templates can be listed").path())
        // The pages' templates; `report.*` are the `digest` command's, and
        // `validation-entry`, `insight-row`, `job-insight-row` and
        // `job-evidence` render parts of pages.
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            !name.starts_with("report.")
                && !matches!(
                    name.as_ref(),
                    "validation-entry.md.j2"
                        | "insight-row.md.j2"
                        | "job-insight-row.md.j2"
                        | "job-evidence.md.j2"
                )
        })
        .map(|path| {
            let text = fs::read_to_string(&path).expect("a template can be read");
            assert!(text.starts_with(&from), "{}", path.display());
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                text.replacen(&from, &format!("{from}variant: b\n"), 1),
            )
        })
        .collect();
    templates.sort();
    templates
}

/// Sets the vault's templates: variant 0 is the defaults, variant 1 overrides
/// them in `.throughline/templates/` with `templates`.
fn set_templates(root: &Path, variant: usize, templates: &[(String, String)]) {
    let folder = root.join(STATE).join("templates");
    if variant == 0 {
        if folder.exists() {
            fs::remove_dir_all(&folder).expect("the templates can be removed");
        }
        return;
    }
    fs::create_dir_all(&folder).expect("the templates folder can be created");
    for (name, text) in templates {
        fs::write(folder.join(name), text).expect("a template is written");
    }
}

/// `throughline build` in `root`, as a child process.
fn spawn_build(root: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_throughline"))
        .arg("build")
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

/// Polls until the page at `path` no longer has `size` bytes (the build renamed
/// its other version into place) or the build ended; whether the page changed.
fn wait_for_page(child: &mut Child, path: &Path, size: u64) -> bool {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if fs::metadata(path).map(|metadata| metadata.len()).ok() != Some(size) {
            return true;
        }
        if child.try_wait().expect("the child can be polled").is_some() {
            return false;
        }
        assert!(
            Instant::now() < deadline,
            "the build never wrote `{}`",
            path.display()
        );
        thread::sleep(Duration::from_micros(200));
    }
}

/// Waits for a child that ended by itself; it must have succeeded.
fn assert_succeeded(mut child: Child) {
    let status = child.wait().expect("the child can be waited for");
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    assert!(status.success(), "the build failed ({status}): {stderr}");
}

/// Asserts two output folders are identical, naming the files that differ.
fn assert_same_output(actual: &BTreeMap<String, Vec<u8>>, expected: &BTreeMap<String, Vec<u8>>) {
    let paths: BTreeSet<&String> = actual.keys().chain(expected.keys()).collect();
    let differing: Vec<&String> = paths
        .into_iter()
        .filter(|path| actual.get(*path) != expected.get(*path))
        .collect();
    assert!(differing.is_empty(), "output differs in {differing:?}");
}

#[test]
fn killed_builds_never_leave_partial_pages() {
    let started = Instant::now();
    let vault = VaultTest::new();
    let root = vault.path();
    vaultgen::generate(
        root,
        &vaultgen::GenOptions {
            notes: KILL_NOTES,
            seed: vaultgen::DEFAULT_SEED,
        },
    )
    .expect("the vault is generated");
    let output = root.join(OUTPUT);
    let templates = variant_templates();
    assert!(templates.len() >= 6, "{} templates", templates.len());

    // The two outputs a page may have, each from an uninterrupted build of a copy.
    let references: Vec<BTreeMap<String, Vec<u8>>> = (0..2)
        .map(|variant| {
            let copy = VaultTest::new();
            copy_tree(root, copy.path());
            set_templates(copy.path(), variant, &templates);
            build(&copy);
            files(&copy.path().join(OUTPUT))
        })
        .collect();
    assert!(references[0].len() > 150, "{} pages", references[0].len());
    assert!(
        references[0].keys().eq(references[1].keys()),
        "the variants have different pages"
    );
    for (path, bytes) in &references[0] {
        assert!(!file_name(path).starts_with('.'), "`{path}` in a reference");
        assert_ne!(
            bytes, &references[1][path],
            "`{path}` is the same in both variants"
        );
    }

    // Calibration: how long a build of every page takes.
    let spawned = Instant::now();
    assert_succeeded(spawn_build(root));
    let whole_build = spawned.elapsed();
    assert_same_output(&files(&output), &references[0]);

    let mut random = Random(0x7468_726f_7567_686c);
    let mut version: BTreeMap<String, usize> =
        references[0].keys().map(|path| (path.clone(), 0)).collect();
    let mut variant = 0;
    let (mut mid_write, mut before_writing, mut after_writing, mut finished) = (0, 0, 0, 0);
    let (mut with_temp_files, mut locks_left) = (0, 0);
    for kill in 0..KILLS {
        // The variant fewer pages have: most pages change.
        let with_b = version.values().filter(|&&now| now == 1).count();
        variant = match (2 * with_b).cmp(&version.len()) {
            std::cmp::Ordering::Less => 1,
            std::cmp::Ordering::Greater => 0,
            std::cmp::Ordering::Equal => 1 - variant,
        };
        set_templates(root, variant, &templates);
        let mut child = spawn_build(root);
        let spawned = Instant::now();
        if kill % 6 == 5 {
            // Anywhere in the build: scanning, rendering, writing.
            let delay = whole_build.mul_f64(1.1 * random.unit());
            while spawned.elapsed() < delay && child.try_wait().unwrap().is_none() {
                thread::sleep(Duration::from_millis(1));
            }
        } else {
            // While writing: once a random page still to rewrite is rewritten,
            // plus up to 4 ms, so the kill lands anywhere in a page's write,
            // flush or rename.
            let pending: Vec<&String> = version
                .iter()
                .filter(|(_, now)| **now != variant)
                .map(|(path, _)| path)
                .collect();
            let page = pending[(random.next() % pending.len() as u64) as usize];
            let size = references[1 - variant][page].len() as u64;
            if wait_for_page(&mut child, &output.join(page), size) {
                thread::sleep(Duration::from_micros(random.next() % 4000));
            }
        }
        let ended_by_itself = child.try_wait().unwrap().is_some();
        if ended_by_itself {
            assert_succeeded(child);
        } else {
            child.kill().expect("the build can be killed");
            child.wait().expect("the killed build can be waited for");
        }

        // Every page is whole: the old version or the new one.
        let on_disk = files(&output);
        let (mut temps, mut changed) = (0, 0);
        for (path, bytes) in &on_disk {
            if file_name(path).starts_with('.') {
                assert!(is_temp_name(file_name(path)), "unexpected hidden `{path}`");
                temps += 1;
                continue;
            }
            assert!(
                references[0].contains_key(path),
                "kill {kill}: `{path}` is no page (a visible temporary or partial file)"
            );
            assert!(
                has_marker(bytes),
                "kill {kill}: `{path}` has no marker in its frontmatter"
            );
            let now = (0..2)
                .find(|&v| &references[v][path] == bytes)
                .unwrap_or_else(|| {
                    panic!(
                        "kill {kill}: `{path}` is neither version ({} bytes; the versions have {} and {})",
                        bytes.len(),
                        references[0][path].len(),
                        references[1][path].len()
                    )
                });
            if version.insert(path.clone(), now) != Some(now) {
                changed += 1;
            }
        }
        let missing: Vec<&String> = references[0]
            .keys()
            .filter(|path| !on_disk.contains_key(*path))
            .collect();
        assert!(missing.is_empty(), "kill {kill}: pages gone: {missing:?}");
        let remaining = version.values().filter(|&&v| v != variant).count();
        if ended_by_itself {
            assert_eq!(remaining, 0, "kill {kill}: a finished build left old pages");
            finished += 1;
        } else if temps > 0 || (changed > 0 && remaining > 0) {
            mid_write += 1;
        } else if remaining > 0 {
            before_writing += 1;
        } else {
            after_writing += 1;
        }
        with_temp_files += usize::from(temps > 0);
        locks_left += usize::from(root.join(STATE).join("lock").exists());
    }
    // A normal build finishes the job (over a stale lock, most likely) and
    // leaves exactly what an uninterrupted build leaves.
    build(&vault);
    let on_disk = files(&output);
    let temps: Vec<&String> = on_disk
        .keys()
        .filter(|path| is_temp_name(file_name(path)))
        .collect();
    assert!(temps.is_empty(), "temporary files left: {temps:?}");
    assert_same_output(&on_disk, &references[variant]);
    assert!(!root.join(STATE).join("lock").exists());
    // Reported, not asserted: see `leftover_manifest_temp_file_is_removed`.
    let state_temp_files = fs::read_dir(root.join(STATE))
        .expect("the state folder is there")
        .filter_map(Result::ok)
        .filter(|entry| is_temp_name(&entry.file_name().to_string_lossy()))
        .count();

    eprintln!(
        "killed_builds_never_leave_partial_pages: {} pages, build {whole_build:.2?}; \
         {KILLS} kills: {mid_write} mid-write \
         ({with_temp_files} with temporary files), {before_writing} before writing, \
         {after_writing} after the last page, {finished} finished first; \
         {locks_left} left a stale lock for the next build to take over; \
         {state_temp_files} temporary files left in `{STATE}/`; {:.1?} in all",
        references[0].len(),
        started.elapsed()
    );
    assert!(
        mid_write >= KILLS / 4,
        "only {mid_write} of {KILLS} kills landed while pages were written"
    );
}

/// A symbolic link in the vault's place for `link` (relative), leading to
/// `target` outside the vault.
fn link_out(vault: &VaultTest, link: &str, target: &Path) {
    let at = vault.path().join(link);
    fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[test]
fn folders_that_lead_out_of_the_vault_are_never_written_through() {
    for link in [
        "Throughline",
        "Throughline/Insights",
        ".throughline",
        "Research",
    ] {
        let vault = VaultTest::sample();
        let outside = tempfile::tempdir().unwrap();
        if link == "Research" {
            // An output folder not made yet, inside a folder linked elsewhere.
            vault.file("throughline.toml", "output = \"Research/Generated\"\n");
        }
        // Something of the user's there, to be left exactly as it is.
        fs::write(outside.path().join("theirs.md"), "mine\n").unwrap();
        if link == "Throughline/Insights" {
            // A first build makes the output folder; then its folder is linked.
            assert_eq!(vault.run(&["build"]).code, 0);
            fs::remove_dir_all(vault.path().join(link)).unwrap();
        }
        link_out(&vault, link, outside.path());
        let run = vault.run(&["build"]);
        assert_eq!(run.code, 2, "{link}: {}", run.stdout);
        assert!(
            run.stderr.contains("outside the vault"),
            "{link}: {}",
            run.stderr
        );
        let there: Vec<String> = fs::read_dir(outside.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(there, ["theirs.md"], "{link}: nothing written there");
        assert_eq!(
            fs::read_to_string(outside.path().join("theirs.md")).unwrap(),
            "mine\n"
        );
        // `build --check` writes nothing, so it only compares.
        if link != ".throughline" {
            let check = vault.run(&["build", "--check"]);
            assert_ne!(check.code, 2, "{link}: {}", check.stderr);
        }
    }
}
