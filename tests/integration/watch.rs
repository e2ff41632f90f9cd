//! `throughline watch` on real file-system events (no mocked watcher).
//!
//! Each test starts the real binary on a copy of the sample vault, changes files the
//! way editors, shells and `git checkout` do, and waits until the output folder holds
//! exactly what a fresh `build` of the final vault writes. Waits poll with a generous
//! deadline; a fixed sleep is used only to prove that nothing happens.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread;
use std::time::{Duration, Instant};

use crate::support::{VaultTest, copy_tree_without};

/// The default output folder.
const OUTPUT: &str = "Throughline";

/// throughline's own state folder.
const STATE: &str = ".throughline";

/// How long any wait may take before the test fails (CI machines are slow and noisy).
const DEADLINE: Duration = Duration::from_secs(60);

/// An interview of the sample vault, and a line of it that links no insight yet.
const INTERVIEW: &str = "Interviews/2026-10-22 Tomasz Kowal.md";
const INTERVIEW_LINE: &str = "[[Complete a maintenance visit]] #pain #step/confirm";
const EDITED_LINE: &str = "[[Complete a maintenance visit]] [[Parts shortages are discovered only on site]] #pain #step/confirm";

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Out,
    Err,
}

/// A running `throughline watch` and everything it has printed so far.
struct Watch {
    child: Child,
    lines: Receiver<(Stream, String)>,
    seen: Vec<(Stream, String)>,
    /// How many of `seen` a [`Watch::wait_for`] has already looked at.
    cursor: usize,
}

impl Watch {
    /// Starts `throughline watch` in `vault` and waits until it is watching.
    fn start(vault: &VaultTest) -> Watch {
        Watch::start_with(vault, &[])
    }

    /// [`Watch::start`] with more arguments.
    fn start_with(vault: &VaultTest, arguments: &[&str]) -> Watch {
        let mut watch = Watch::spawn(vault, arguments);
        watch.wait_for("the watch to start", |stream, line| {
            stream == Stream::Out && line.starts_with("watching ")
        });
        watch
    }

    /// Starts `throughline watch` in `vault`, without waiting for anything.
    fn spawn(vault: &VaultTest, arguments: &[&str]) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_throughline"))
            .args(["watch", "--debounce", "50"])
            .args(arguments)
            .current_dir(vault.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let (sender, lines) = channel();
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        for (stream, reader) in [
            (
                Stream::Out,
                Box::new(stdout) as Box<dyn std::io::Read + Send>,
            ),
            (Stream::Err, Box::new(stderr)),
        ] {
            let sender = sender.clone();
            thread::spawn(move || {
                for line in BufReader::new(reader).lines().map_while(Result::ok) {
                    if sender.send((stream, line)).is_err() {
                        break;
                    }
                }
            });
        }
        Watch {
            child,
            lines,
            seen: Vec::new(),
            cursor: 0,
        }
    }

    /// Waits for a line matching `wanted`, printed after the line the previous wait
    /// matched; fails with everything printed on timeout.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(Stream, &str) -> bool) -> String {
        while self.cursor < self.seen.len() {
            let (stream, line) = &self.seen[self.cursor];
            self.cursor += 1;
            if wanted(*stream, line) {
                return line.clone();
            }
        }
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok((stream, line)) => {
                    self.seen.push((stream, line.clone()));
                    self.cursor = self.seen.len();
                    if wanted(stream, &line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    panic!(
                        "waited in vain for {what}; the watch printed:\n{}",
                        self.transcript()
                    )
                }
            }
        }
    }

    /// Waits for a line matching `wanted`, printed at any time so far or later
    /// (standard output and error arrive in no fixed order relative to each other).
    fn wait_for_any(&mut self, what: &str, wanted: impl Fn(Stream, &str) -> bool) -> String {
        if let Some((_, line)) = self
            .seen
            .iter()
            .find(|(stream, line)| wanted(*stream, line))
        {
            return line.clone();
        }
        self.wait_for(what, wanted)
    }

    /// Reads what is printed during `period`, and waits only for later lines.
    fn settle(&mut self, period: Duration) {
        self.lines_during(period);
        self.cursor = self.seen.len();
    }

    /// Collects what is printed during `period` (used only to prove silence).
    fn lines_during(&mut self, period: Duration) -> Vec<String> {
        let deadline = Instant::now() + period;
        let mut lines = Vec::new();
        while let Ok((stream, line)) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            self.seen.push((stream, line.clone()));
            lines.push(line);
        }
        lines
    }

    /// Update lines printed so far (one per update, after the first build).
    fn updates(&self) -> Vec<&str> {
        self.seen
            .iter()
            .filter(|(stream, line)| *stream == Stream::Out && is_update_line(line))
            .map(|(_, line)| line.as_str())
            .skip(1)
            .collect()
    }

    fn transcript(&self) -> String {
        self.seen
            .iter()
            .map(|(stream, line)| format!("{stream:?}: {line}\n"))
            .collect()
    }

    /// Fails if the watch has exited.
    fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().expect("the child can be polled") {
            panic!("the watch exited ({status}):\n{}", self.transcript());
        }
    }

    /// Sends Ctrl-C and waits for the exit code.
    fn interrupt(self) -> (i32, String) {
        self.press_ctrl_c();
        self.exit()
    }

    /// Sends Ctrl-C (SIGINT).
    fn press_ctrl_c(&self) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid fits");
        // SAFETY: sending a signal to our own child process has no memory effects.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    }

    /// Waits until the process catches Ctrl-C (its handler is installed):
    /// the SIGINT bit of `SigCgt` in `/proc/<pid>/status`.
    fn wait_until_ctrl_c_is_caught(&self) {
        let status = format!("/proc/{}/status", self.child.id());
        let deadline = Instant::now() + DEADLINE;
        loop {
            let caught = fs::read_to_string(&status)
                .ok()
                .and_then(|text| {
                    let mask = text.lines().find_map(|line| line.strip_prefix("SigCgt:"))?;
                    u64::from_str_radix(mask.trim(), 16).ok()
                })
                .is_some_and(|mask| mask & (1 << (libc::SIGINT - 1)) != 0);
            if caught {
                return;
            }
            assert!(Instant::now() < deadline, "the watch never caught Ctrl-C");
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits for the process to exit: its exit code and everything it printed.
    fn exit(mut self) -> (i32, String) {
        let deadline = Instant::now() + DEADLINE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the child can be polled") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the watch did not stop on Ctrl-C:\n{}",
                self.transcript()
            );
            thread::sleep(Duration::from_millis(20));
        };
        self.lines_during(Duration::from_millis(200));
        (status.code().unwrap_or(-1), self.transcript())
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether a line of standard output reports a build or an update.
fn is_update_line(line: &str) -> bool {
    line.ends_with(" ms") && line.contains(": ")
}

/// Every file of the output folder: relative path → bytes.
fn pages(vault: &Path) -> BTreeMap<String, Vec<u8>> {
    let output = vault.join(OUTPUT);
    walkdir::WalkDir::new(&output)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let bytes = fs::read(entry.path()).ok()?;
            let relative = entry.path().strip_prefix(&output).ok()?;
            Some((relative.to_string_lossy().into_owned(), bytes))
        })
        .collect()
}

/// What a fresh `build` of the vault as it is now writes: the vault is copied
/// without its output and state folders and built from scratch.
fn fresh_pages(vault: &Path) -> BTreeMap<String, Vec<u8>> {
    let fresh = VaultTest::new();
    copy_tree_without(vault, fresh.path(), &[OUTPUT, STATE]);
    let run = fresh.run(&["build"]);
    assert_eq!(run.code, 0, "the fresh build failed: {}", run.stderr);
    pages(fresh.path())
}

/// Page names that differ between two output folders.
fn differing(left: &BTreeMap<String, Vec<u8>>, right: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    left.keys()
        .chain(right.keys())
        .filter(|name| left.get(*name) != right.get(*name))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Waits until the watch's output folder equals a fresh build of the vault.
fn converge(watch: &mut Watch, vault: &VaultTest) -> BTreeMap<String, Vec<u8>> {
    let expected = fresh_pages(vault.path());
    let deadline = Instant::now() + DEADLINE;
    loop {
        let actual = pages(vault.path());
        if actual == expected {
            watch.assert_running();
            return actual;
        }
        if Instant::now() > deadline {
            panic!(
                "the pages never matched a fresh build; differing: {:?}\nthe watch printed:\n{}",
                differing(&actual, &expected),
                watch.transcript()
            );
        }
        watch.lines_during(Duration::from_millis(100));
    }
}

/// Starts a watch on the sample vault, applies `change`, and checks that the pages
/// follow: they converge to a fresh build, and differ from before when `changes_pages`.
fn follows(change: impl FnOnce(&VaultTest), changes_pages: bool) -> (VaultTest, Watch) {
    let vault = VaultTest::sample();
    let mut watch = Watch::start(&vault);
    let before = pages(vault.path());
    assert!(!before.is_empty(), "the first build wrote no page");
    change(&vault);
    let after = converge(&mut watch, &vault);
    if changes_pages {
        assert_ne!(before, after, "the change should have changed some page");
        watch.wait_for("an update line", |stream, line| {
            stream == Stream::Out && is_update_line(line) && !line.starts_with("built ")
        });
    }
    (vault, watch)
}

fn read(vault: &VaultTest, path: &str) -> String {
    fs::read_to_string(vault.path().join(path)).expect("the note can be read")
}

fn edited_interview(vault: &VaultTest) -> String {
    let text = read(vault, INTERVIEW);
    assert!(text.contains(INTERVIEW_LINE));
    text.replacen(INTERVIEW_LINE, EDITED_LINE, 1)
}

/// A new interview note that backs an insight.
fn new_interview(participant: &str, company: &str) -> String {
    format!(
        "---\ntype: interview\ndate: 2026-11-24\nparticipant: \"[[{participant}]]\"\ncompany: \"[[{company}]]\"\nrole: \"[[Dispatcher]]\"\n---\n# {participant}\n\n## Learned\n\n- Parts are ordered after the visit. [[Parts shortages are discovered only on site]] #pain\n"
    )
}

#[test]
fn in_place_write_is_followed() {
    follows(
        |vault| {
            let text = edited_interview(vault);
            fs::write(vault.path().join(INTERVIEW), text).unwrap();
        },
        true,
    );
}

/// A note that is not a source (here one Obsidian's settings exclude) is read
/// only once a source links into it with a heading: a save that quotes such
/// links converges to a fresh build (a quote's link into a note left out keeps
/// its heading, found or not).
#[test]
fn a_save_that_links_into_an_excluded_note_is_followed() {
    let vault = VaultTest::sample();
    vault.file("Templates/Hidden guide.md", "# Present\n\nText\n");
    let mut watch = Watch::start(&vault);
    let quoting = format!("{EDITED_LINE} [[Hidden guide#Present]] [[Hidden guide#Absent]]");
    let text = read(&vault, INTERVIEW).replacen(INTERVIEW_LINE, &quoting, 1);
    fs::write(vault.path().join(INTERVIEW), text).unwrap();
    let after = converge(&mut watch, &vault);
    let page = "Insights/Parts shortages are discovered only on site (evidence).md";
    let page = String::from_utf8_lossy(&after[page]);
    assert!(page.contains("[[Hidden guide#Present]]"), "{page}");
    assert!(page.contains("[[Hidden guide#Absent]]"), "{page}");
    // The note was read for the save: its problems are `check`'s (one
    // heading missing, none for the one found).
    let update = watch.wait_for_any("the update", |stream, line| {
        stream == Stream::Out && is_update_line(line) && line.starts_with("Interviews/")
    });
    let (report, _) = vault.check_json();
    let summary = &report["summary"];
    let problems = summary["errors"].as_u64().unwrap() + summary["warnings"].as_u64().unwrap();
    assert!(
        update.contains(&format!("; {problems} problems")),
        "{update} / {summary}"
    );
}

/// `--verbose` follows each update's line with its stage times and the pages
/// written (`cargo bench --bench watch` reads both).
#[test]
fn verbose_updates_give_stage_times_and_pages_written() {
    let vault = VaultTest::sample();
    let mut watch = Watch::start_with(&vault, &["--verbose"]);
    fs::write(vault.path().join(INTERVIEW), edited_interview(&vault)).unwrap();
    let update = watch.wait_for("the update", |_, line| is_update_line(line));
    let written: usize = update
        .rsplit_once(": ")
        .and_then(|(_, pages)| pages.split(' ').next()?.parse().ok())
        .expect("the update line counts the pages written");
    assert!(written > 0, "{update}");
    let times = watch.wait_for("stage times", |_, line| line.starts_with("  load "));
    let (stages, rendered) = times.trim().split_once("; ").expect("stages; rendered");
    let names: Vec<&str> = stages
        .split(", ")
        .map(|stage| {
            let (name, time) = stage.split_once(' ').unwrap();
            let ms: f64 = time.strip_suffix(" ms").unwrap().parse().unwrap();
            assert!(ms >= 0.0, "{times}");
            name
        })
        .collect();
    assert_eq!(names, ["load", "consolidate", "render", "write"]);
    let (rendered, planned) = rendered
        .strip_suffix(" pages rendered")
        .and_then(|counts| counts.split_once(" of "))
        .expect("`N of M pages rendered`");
    let rendered: usize = rendered.parse().unwrap();
    assert!(
        written <= rendered && rendered <= planned.parse().unwrap(),
        "{times}"
    );
    for _ in 0..written {
        let wrote = watch.wait_for("a page written", |_, line| line.starts_with("  wrote "));
        let page = wrote.trim_start().strip_prefix("wrote ").unwrap();
        assert!(page.contains("Throughline/"), "{wrote}");
    }
    assert_eq!(watch.interrupt().0, 0);
}

#[test]
fn polling_follows_a_write() {
    let vault = VaultTest::sample();
    let mut watch = Watch::start_with(&vault, &["--poll"]);
    assert!(watch.transcript().contains(", polling"));
    let before = pages(vault.path());
    let text = edited_interview(&vault);
    fs::write(vault.path().join(INTERVIEW), text).unwrap();
    let after = converge(&mut watch, &vault);
    assert_ne!(before, after);
    let nested = vault.path().join("Interviews/2026/November");
    fs::create_dir_all(&nested).unwrap();
    fs::write(
        nested.join("2026-11-24 Ola Berg.md"),
        new_interview("Ola Berg", "Fjord Service"),
    )
    .unwrap();
    let nested_after = converge(&mut watch, &vault);
    assert_ne!(after, nested_after);
}

#[test]
fn atomic_save_by_rename_is_followed() {
    follows(
        |vault| {
            let text = edited_interview(vault);
            let temporary = vault.path().join("Interviews/.Tomasz.md.tmp-4242");
            fs::write(&temporary, text).unwrap();
            fs::rename(&temporary, vault.path().join(INTERVIEW)).unwrap();
        },
        true,
    );
}

#[test]
fn vim_backup_dance_is_followed() {
    follows(
        |vault| {
            // What vim does with `backupcopy=no`: probe the folder with a file named
            // 4913, move the note to a backup, write a new note, drop the backup.
            let text = edited_interview(vault);
            let note = vault.path().join(INTERVIEW);
            let probe = vault.path().join("Interviews/4913");
            fs::write(&probe, "").unwrap();
            fs::remove_file(&probe).unwrap();
            let backup = vault.path().join(format!("{INTERVIEW}~"));
            fs::rename(&note, &backup).unwrap();
            fs::write(&note, text).unwrap();
            fs::remove_file(&backup).unwrap();
        },
        true,
    );
}

#[test]
fn files_in_a_new_nested_folder_are_found() {
    let (_vault, watch) = follows(
        |vault| {
            // Written before the watch on the new folders can exist.
            let folder = vault.path().join("Interviews/2026/November");
            fs::create_dir_all(&folder).unwrap();
            for (name, company) in [("Ola Berg", "Fjord Service"), ("Ines Duarte", "Lumen FM")] {
                fs::write(
                    folder.join(format!("2026-11-24 {name}.md")),
                    new_interview(name, company),
                )
                .unwrap();
            }
        },
        true,
    );
    // The update names the notes found in the new folders, not only the
    // folders (their files may have no events of their own).
    let updates = watch.updates();
    assert!(
        updates
            .iter()
            .any(|line| line.contains(" files changed: ") || line.contains("Berg.md changed: ")),
        "{updates:?}"
    );
}

#[test]
fn deleted_note_is_followed() {
    follows(
        |vault| fs::remove_file(vault.path().join(INTERVIEW)).unwrap(),
        true,
    );
}

#[test]
fn renamed_note_is_followed() {
    follows(
        |vault| {
            fs::rename(
                vault.path().join(INTERVIEW),
                vault
                    .path()
                    .join("Interviews/2026-10-22 Tomasz Kowal (call).md"),
            )
            .unwrap();
        },
        true,
    );
}

#[test]
fn moved_and_deleted_folders_are_followed() {
    follows(
        |vault| {
            fs::create_dir(vault.path().join("Research")).unwrap();
            fs::rename(
                vault.path().join("Interviews"),
                vault.path().join("Research/Interviews"),
            )
            .unwrap();
            fs::remove_dir_all(vault.path().join("Jobs")).unwrap();
        },
        true,
    );
}

#[test]
fn mass_change_is_coalesced() {
    let (_vault, watch) = follows(
        |vault| {
            // As many files at once as a `git checkout` of a busy branch.
            let folder = vault.path().join("Interviews/Imported");
            fs::create_dir_all(&folder).unwrap();
            for index in 0..1000 {
                fs::write(
                    folder.join(format!("2026-11-24 Participant {index}.md")),
                    new_interview(
                        &format!("Participant {index}"),
                        &format!("Company {}", index % 40),
                    ),
                )
                .unwrap();
            }
        },
        true,
    );
    let updates = watch.updates();
    // One update is what happens on an idle machine; a loaded CI runner may see the
    // writes spread out, so a small handful is accepted, never one per file.
    assert!(
        (1..=3).contains(&updates.len()),
        "1,000 files should coalesce into one update, got {}:\n{}",
        updates.len(),
        updates.join("\n")
    );
}

#[test]
fn broken_frontmatter_keeps_the_last_good_parse() {
    let vault = VaultTest::sample();
    let mut watch = Watch::start(&vault);
    let before = pages(vault.path());
    let good = read(&vault, INTERVIEW);
    // Mid-edit: an unclosed quote in the frontmatter, and an edited body.
    let broken = edited_interview(&vault).replacen("date: 2026-10-22", "date: \"2026-10-22", 1);
    fs::write(vault.path().join(INTERVIEW), broken).unwrap();
    watch.wait_for("the update", |stream, line| {
        stream == Stream::Out && line.contains("Tomasz Kowal.md changed")
    });
    let warning = watch.wait_for_any("the frontmatter warning", |stream, line| {
        stream == Stream::Err && line.contains("invalid frontmatter")
    });
    assert!(warning.contains("2026-10-22 Tomasz Kowal.md"), "{warning}");
    assert!(warning.contains("last good version"), "{warning}");
    let during = pages(vault.path());
    assert_eq!(
        differing(&during, &before),
        ["Vault health.md"],
        "while the frontmatter is broken, the last good parse stands; only Vault health changes"
    );
    let health = String::from_utf8_lossy(&during["Vault health.md"]);
    let not_read = health
        .split("## Notes not read")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_default();
    assert!(
        not_read.contains("[[2026-10-22 Tomasz Kowal]]") && not_read.contains("last good version"),
        "Vault health names the note whose frontmatter is broken:\n{health}"
    );
    // Saved broken again: still one problem for it (its last good parse
    // carries this save's, not every broken save's), and the same pages.
    let again = read(&vault, INTERVIEW).replacen(EDITED_LINE, INTERVIEW_LINE, 1);
    fs::write(vault.path().join(INTERVIEW), again).unwrap();
    let update = watch.wait_for("the second update", |stream, line| {
        stream == Stream::Out && line.contains("Tomasz Kowal.md changed")
    });
    assert!(update.contains("; 3 problems in"), "{update}");
    assert_eq!(pages(vault.path()), during, "{}", watch.transcript());
    // Fixed: the pages follow the note again.
    fs::write(
        vault.path().join(INTERVIEW),
        good.replacen(INTERVIEW_LINE, EDITED_LINE, 1),
    )
    .unwrap();
    let after = converge(&mut watch, &vault);
    assert_ne!(before, after);
}

#[test]
fn no_update_without_a_change() {
    let vault = VaultTest::sample();
    let mut watch = Watch::start(&vault);
    let lines = watch.lines_during(Duration::from_secs(2));
    assert!(
        lines.is_empty(),
        "the watch must not react to its own writes or reads:\n{}",
        watch.transcript()
    );
    assert!(watch.updates().is_empty());
    watch.assert_running();
}

#[test]
fn create_then_delete_within_the_window_changes_no_page() {
    let vault = VaultTest::sample();
    let mut watch = Watch::start(&vault);
    let before = pages(vault.path());
    let path = vault.path().join("Interviews/scratch.md");
    fs::write(&path, new_interview("Short Lived", "Nowhere")).unwrap();
    fs::remove_file(&path).unwrap();
    watch.lines_during(Duration::from_secs(1));
    assert_eq!(
        differing(&pages(vault.path()), &before),
        Vec::<String>::new()
    );
    watch.assert_running();
}

#[test]
fn second_writer_is_refused_while_watching() {
    let vault = VaultTest::sample();
    let mut watch = Watch::start(&vault);
    for args in [&["build"][..], &["watch"][..]] {
        let run = vault.run(args);
        assert_eq!(run.code, 2, "`{args:?}` should be refused: {run:?}");
        assert!(run.stderr.contains("already writing this vault"), "{run:?}");
    }
    // Reading commands still work.
    assert_eq!(vault.run(&["build", "--check"]).code, 0);
    watch.assert_running();
}

#[test]
fn ctrl_c_stops_cleanly_and_releases_the_lock() {
    let vault = VaultTest::sample();
    let watch = Watch::start(&vault);
    let (code, transcript) = watch.interrupt();
    assert_eq!(code, 0, "{transcript}");
    assert!(transcript.contains("Out: stopped"), "{transcript}");
    assert!(!vault.path().join(STATE).join("lock").exists());
    // The spare files it made for pages are gone with it.
    let left: Vec<String> = fs::read_dir(vault.path().join(STATE))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".~"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(vault.run(&["build"]).code, 0);
}

/// A generated vault whose first build lasts long enough (seconds, in a test
/// build) to press Ctrl-C during it.
fn slow_to_build_vault() -> VaultTest {
    let vault = VaultTest::new();
    vaultgen::generate(
        vault.path(),
        &vaultgen::GenOptions {
            notes: 3000,
            seed: vaultgen::DEFAULT_SEED,
        },
    )
    .expect("the vault can be generated");
    vault
}

/// A `watch` started on [`slow_to_build_vault`], sent Ctrl-C during its first
/// build; it has said it will stop once that build is done.
fn ctrl_c_during_set_up() -> (VaultTest, Watch) {
    let vault = slow_to_build_vault();
    let mut watch = Watch::spawn(&vault, &[]);
    watch.wait_until_ctrl_c_is_caught();
    watch.press_ctrl_c();
    watch.wait_for("the answer to Ctrl-C", |stream, line| {
        stream == Stream::Err && line.starts_with("stopping once the first build is done")
    });
    (vault, watch)
}

#[test]
fn ctrl_c_during_set_up_stops_once_the_first_build_is_done() {
    let (vault, watch) = ctrl_c_during_set_up();
    let (code, transcript) = watch.exit();
    assert_eq!(code, 0, "{transcript}");
    assert!(transcript.contains("Out: stopped"), "{transcript}");
    assert!(!transcript.contains("Out: watching"), "{transcript}");
    assert!(!vault.path().join(STATE).join("lock").exists());
    // The first build was whole: there is nothing left to write.
    let check = vault.run(&["build", "--check"]);
    assert_eq!(check.code, 0, "{check:?}");
}

#[test]
fn a_second_ctrl_c_during_set_up_stops_at_once_and_leaves_whole_pages() {
    let (vault, watch) = ctrl_c_during_set_up();
    // As soon as a page is in place (the build has hundreds more to write).
    let output = vault.path().join(OUTPUT);
    let deadline = Instant::now() + DEADLINE;
    let is_page = |entry: &walkdir::DirEntry| {
        entry.file_type().is_file() && !entry.file_name().to_string_lossy().starts_with('.')
    };
    while !walkdir::WalkDir::new(&output)
        .into_iter()
        .filter_map(Result::ok)
        .any(|entry| is_page(&entry))
    {
        assert!(Instant::now() < deadline, "no pages were written");
        thread::sleep(Duration::from_millis(5));
    }
    watch.press_ctrl_c();
    let (code, transcript) = watch.exit();
    assert_eq!(code, 130, "{transcript}");
    assert!(!transcript.contains("Out: watching"), "{transcript}");
    // Every page on disk is one a build writes (a temporary file left behind
    // is hidden); the next build takes the lock over, writes the rest and
    // removes the temporary files.
    let hidden = |page: &str| {
        page.rsplit('/')
            .next()
            .is_some_and(|name| name.starts_with('.'))
    };
    let whole: BTreeMap<String, Vec<u8>> = pages(vault.path())
        .into_iter()
        .filter(|(page, _)| !hidden(page))
        .collect();
    assert!(
        !whole.is_empty(),
        "pages were written before the second Ctrl-C"
    );
    let build = vault.run(&["build"]);
    assert!(matches!(build.code, 0 | 1), "{build:?}");
    let built = pages(vault.path());
    assert_eq!(
        differing(&built, &fresh_pages(vault.path())),
        Vec::<String>::new()
    );
    for (page, bytes) in &whole {
        assert_eq!(built.get(page), Some(bytes), "`{page}` was not whole");
    }
}

#[test]
fn vault_folder_gone_and_back() {
    let vault = VaultTest::sample();
    let mut watch = Watch::start(&vault);
    let parked = VaultTest::new();
    let aside = parked.path().join("vault");
    fs::rename(vault.path(), &aside).unwrap();
    watch.wait_for("the missing-vault warning", |stream, line| {
        stream == Stream::Err && line.contains("is gone")
    });
    watch.assert_running();
    // Gone a while, and edited where it went (the watch may still see that
    // folder): nothing is built, and the warning is not said again.
    fs::write(
        aside.join("Written away.md"),
        "A note saved while the vault was away.\n",
    )
    .unwrap();
    watch.lines_during(Duration::from_millis(800));
    fs::rename(&aside, vault.path()).unwrap();
    watch.wait_for("the vault to be back", |stream, line| {
        stream == Stream::Err && line.contains("is back")
    });
    // It watches the returned folder. The first edit may race with the rebuild
    // that follows the return; once it shows, that rebuild is over, so the second
    // edit can only be seen by the new watch.
    let text = edited_interview(&vault);
    fs::write(vault.path().join(INTERVIEW), text).unwrap();
    let edited = converge(&mut watch, &vault);
    fs::remove_file(vault.path().join(INTERVIEW)).unwrap();
    let deleted = converge(&mut watch, &vault);
    assert_ne!(edited, deleted);
    let warnings = watch.transcript().matches("is gone").count();
    assert_eq!(
        warnings,
        1,
        "one warning per absence:\n{}",
        watch.transcript()
    );
}

#[test]
fn a_broken_template_is_reported_and_watching_goes_on() {
    let vault = VaultTest::sample();
    let mut watch = Watch::start(&vault);
    let before = pages(vault.path());
    vault.file(
        ".throughline/templates/insight.md.j2",
        "{% for x in %}broken",
    );
    watch.wait_for("the template error", |stream, line| {
        stream == Stream::Err && line.contains("insight.md.j2") && line.contains("save again")
    });
    watch.assert_running();
    assert_eq!(
        differing(&pages(vault.path()), &before),
        Vec::<String>::new()
    );
    // Fixed: back to the default template, and edits are followed again.
    fs::remove_file(vault.path().join(".throughline/templates/insight.md.j2")).unwrap();
    let text = edited_interview(&vault);
    fs::write(vault.path().join(INTERVIEW), text).unwrap();
    let after = converge(&mut watch, &vault);
    assert_ne!(before, after);
}

#[test]
fn a_failed_update_keeps_the_last_good_parse_of_broken_frontmatter() {
    let vault = VaultTest::sample();
    let mut watch = Watch::start(&vault);
    let before = pages(vault.path());
    let is_template_error =
        |stream: Stream, line: &str| stream == Stream::Err && line.contains("insight.md.j2");
    // An update that fails (a broken template of the vault's own)...
    vault.file(
        ".throughline/templates/insight.md.j2",
        "{% for x in %}broken",
    );
    watch.wait_for("the template error", is_template_error);
    // (Every update the template's writing made is over.)
    watch.settle(Duration::from_millis(500));
    // ...then a note saved mid-edit with broken frontmatter, which fails too.
    let broken = edited_interview(&vault).replacen("date: 2026-10-22", "date: \"2026-10-22", 1);
    fs::write(vault.path().join(INTERVIEW), broken).unwrap();
    watch.wait_for("the template error of the note's update", is_template_error);
    watch.settle(Duration::from_millis(500));
    // Once the template is fixed, the note's last good parse still stands:
    // as in `broken_frontmatter_keeps_the_last_good_parse`, only the health
    // page changes.
    fs::remove_file(vault.path().join(".throughline/templates/insight.md.j2")).unwrap();
    watch.wait_for("the update", |stream, line| {
        stream == Stream::Out && is_update_line(line)
    });
    watch.assert_running();
    assert_eq!(
        differing(&pages(vault.path()), &before),
        ["Vault health.md"],
        "the last good parse was lost with the failed updates:\n{}",
        watch.transcript()
    );
    // The update that succeeds warns of the note, as the one that read it
    // would have (output and error arrive in no fixed order).
    let warning = watch.wait_for_any("the frontmatter warning", |stream, line| {
        stream == Stream::Err && line.contains("invalid frontmatter")
    });
    assert!(
        warning.contains("2026-10-22 Tomasz Kowal.md") && warning.contains("last good version"),
        "{warning}"
    );
    // Fixed too: the notes given back after the failures serve the next
    // update, which ends where a fresh build of the vault ends.
    let good = read(&vault, INTERVIEW).replacen("date: \"2026-10-22", "date: 2026-10-22", 1);
    fs::write(vault.path().join(INTERVIEW), good).unwrap();
    let after = converge(&mut watch, &vault);
    assert_ne!(before, after);
}

#[test]
fn a_manifest_that_cannot_be_saved_is_a_warning_and_watching_goes_on() {
    let vault = VaultTest::sample();
    let mut watch = Watch::start(&vault);
    // Something in the manifest's way (a folder with a file in it).
    let manifest = vault.path().join(".throughline/manifest.json");
    watch.lines_during(Duration::from_millis(300));
    fs::remove_file(&manifest).unwrap();
    fs::create_dir_all(manifest.join("in the way")).unwrap();
    let text = edited_interview(&vault);
    fs::write(vault.path().join(INTERVIEW), text).unwrap();
    let edited = converge(&mut watch, &vault);
    watch.wait_for_any("the manifest's warning", |stream, line| {
        stream == Stream::Err
            && line.contains("manifest.json")
            && line.contains("the pages are in place")
    });
    watch.assert_running();
    // Out of the way again: the next update saves it.
    fs::remove_dir_all(&manifest).unwrap();
    fs::remove_file(vault.path().join(INTERVIEW)).unwrap();
    let deleted = converge(&mut watch, &vault);
    assert_ne!(edited, deleted);
    watch.lines_during(Duration::from_millis(300));
    assert!(manifest.is_file(), "saved again");
}

#[test]
fn a_generated_page_deleted_or_edited_by_hand_is_restored() {
    let vault = VaultTest::sample();
    let mut watch = Watch::start(&vault);
    let before = pages(vault.path());
    let page = vault.path().join(OUTPUT).join("Insights.md");
    let text = fs::read_to_string(&page).unwrap();
    // Let the events of the first build's own writes pass the debouncer first: a
    // file created and removed within its window is reported as nothing at all.
    watch.lines_during(Duration::from_millis(300));
    fs::remove_file(&page).unwrap();
    assert_eq!(converge(&mut watch, &vault), before);
    fs::write(&page, text.replacen("\n# ", "\n# Edited by hand: ", 1)).unwrap();
    assert_eq!(converge(&mut watch, &vault), before);
    // Restoring it is our own write: no update follows (the restoring update's
    // line is printed just after its pages; let it arrive first).
    watch.lines_during(Duration::from_millis(500));
    let settled = watch.updates().len();
    watch.lines_during(Duration::from_secs(1));
    assert_eq!(watch.updates().len(), settled, "{}", watch.transcript());
}

#[test]
fn someone_elses_file_gone_from_the_output_folder_is_noticed() {
    let vault = VaultTest::sample();
    vault.file(&format!("{OUTPUT}/Scratch.md"), "my own notes\n");
    vault.file("Notes/Uses scratch.md", "See [[Scratch]].\n");
    let mut watch = Watch::start(&vault);
    // A first save: its update walks (the first build created pages) and
    // creates none, so the next one may reuse its walk.
    let original = read(&vault, INTERVIEW);
    fs::write(vault.path().join(INTERVIEW), edited_interview(&vault)).unwrap();
    watch.wait_for("an update line", |stream, line| {
        stream == Stream::Out && is_update_line(line) && !line.starts_with("built ")
    });
    // No page changes when the file goes, so no update; the next one must not
    // trust the last walk.
    fs::remove_file(vault.path().join(OUTPUT).join("Scratch.md")).unwrap();
    watch.lines_during(Duration::from_millis(300));
    fs::write(vault.path().join(INTERVIEW), original).unwrap();
    let after = converge(&mut watch, &vault);
    let health = String::from_utf8(after["Vault health.md"].clone()).unwrap();
    assert!(health.contains("Uses scratch"), "{health}");
}
