//! `--poll`: find changes by walking the vault and comparing each file's size and
//! modification time (to the nanosecond) with the previous walk.
//!
//! notify's `PollWatcher` was the first choice, but it compares times in whole
//! seconds: a note saved twice within one second keeps its first version until it
//! is saved again (measured here). The walk below costs what a `stat` of every
//! file costs, and its findings go into the same channel, in the same form, as
//! kernel events do, so an update cannot tell the two apart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use notify::Event;
use notify::event::{EventKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, DebouncedEvent};
use walkdir::WalkDir;

use crate::write::STATE_FOLDER;

/// What one walk saw of a file.
type Seen = HashMap<PathBuf, (u64, Option<SystemTime>)>;

/// A polling thread; it stops when this is dropped.
pub struct Poller {
    stop: Arc<AtomicBool>,
}

impl Poller {
    /// Walks `root` now (the baseline), then every `interval` — or, on a vault so
    /// large that a walk takes a good part of that, every two walks' time — and
    /// sends what changed.
    pub fn start(
        root: &Path,
        output_folder: &str,
        interval: Duration,
        sender: Sender<DebounceEventResult>,
    ) -> Poller {
        let stop = Arc::new(AtomicBool::new(false));
        let walker = Walker {
            root: root.to_path_buf(),
            output_folder: root.join(output_folder.trim_matches('/')),
        };
        let mut previous = walker.walk();
        let stopped = Arc::clone(&stop);
        thread::spawn(move || {
            loop {
                let started = Instant::now();
                if !walker.root.is_dir() {
                    // The session notices a missing vault itself; keep the baseline.
                    if !pause(&stopped, interval) {
                        return;
                    }
                    continue;
                }
                let current = walker.walk();
                let changed = differences(&previous, &current);
                previous = current;
                if !changed.is_empty() {
                    let event = changed.into_iter().fold(
                        Event::new(EventKind::Modify(ModifyKind::Any)),
                        Event::add_path,
                    );
                    let batch = vec![DebouncedEvent::new(event, Instant::now())];
                    if sender.send(Ok(batch)).is_err() {
                        return;
                    }
                }
                if !pause(&stopped, interval.max(started.elapsed() * 2)) {
                    return;
                }
            }
        });
        Poller { stop }
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Sleeps for `period` in short steps; `false` when asked to stop.
fn pause(stop: &AtomicBool, period: Duration) -> bool {
    let deadline = Instant::now() + period;
    while Instant::now() < deadline {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        thread::sleep(Duration::from_millis(25).min(deadline - Instant::now()));
    }
    !stop.load(Ordering::Relaxed)
}

/// Which files a walk looks at: the sources, the two settings files and our
/// templates; never the output folder or other hidden folders.
struct Walker {
    root: PathBuf,
    output_folder: PathBuf,
}

impl Walker {
    fn walk(&self) -> Seen {
        WalkDir::new(&self.root)
            .follow_links(true)
            .into_iter()
            .filter_entry(|entry| self.wanted(entry.path()))
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_file())
            .filter_map(|entry| {
                let metadata = entry.metadata().ok()?;
                Some((
                    entry.into_path(),
                    (metadata.len(), metadata.modified().ok()),
                ))
            })
            .collect()
    }

    fn wanted(&self, path: &Path) -> bool {
        if path == self.output_folder {
            return false;
        }
        let Ok(relative) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut names = relative.iter().map(|name| name.to_string_lossy());
        let Some(first) = names.next() else {
            return true;
        };
        let second = names.next();
        match (first.as_ref(), second.as_deref()) {
            (".obsidian", None | Some("app.json")) => true,
            (STATE_FOLDER, None | Some("templates")) => true,
            _ => !relative
                .iter()
                .any(|name| name.as_encoded_bytes().first() == Some(&b'.')),
        }
    }
}

/// Files added, removed, or changed in size or time between two walks.
fn differences(previous: &Seen, current: &Seen) -> Vec<PathBuf> {
    let mut changed: Vec<PathBuf> = current
        .iter()
        .filter(|(path, seen)| previous.get(*path) != Some(seen))
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(
        previous
            .keys()
            .filter(|path| !current.contains_key(*path))
            .cloned(),
    );
    changed.sort();
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn walk_sees_sources_settings_and_templates_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for path in [
            "Notes/a.md",
            "Throughline/Insights.md",
            ".obsidian/app.json",
            ".obsidian/workspace.json",
            ".throughline/manifest.json",
            ".throughline/templates/insight.md.j2",
            ".git/HEAD",
            "Notes/.hidden.md",
        ] {
            let full = root.join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, "x").unwrap();
        }
        let walker = Walker {
            root: root.to_path_buf(),
            output_folder: root.join("Throughline"),
        };
        let mut seen: Vec<String> = walker
            .walk()
            .into_keys()
            .map(|path| {
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ".obsidian/app.json",
                ".throughline/templates/insight.md.j2",
                "Notes/a.md"
            ]
        );
    }

    #[test]
    fn same_second_rewrite_is_a_difference() {
        let dir = tempfile::tempdir().unwrap();
        let note = dir.path().join("a.md");
        fs::write(&note, "one").unwrap();
        let walker = Walker {
            root: dir.path().to_path_buf(),
            output_folder: dir.path().join("Throughline"),
        };
        let before = walker.walk();
        // Same size, within the same second: only the nanoseconds differ.
        thread::sleep(Duration::from_millis(10));
        fs::write(&note, "two").unwrap();
        fs::write(dir.path().join("b.md"), "new").unwrap();
        let after = walker.walk();
        assert_eq!(
            differences(&before, &after),
            [note.clone(), dir.path().join("b.md")]
        );
        fs::remove_file(&note).unwrap();
        assert_eq!(differences(&after, &walker.walk()), [note]);
    }
}
