//! Watch: keep the pages current while the user writes in Obsidian.
//!
//! A [`WatchSession`] holds the vault's lock for its whole life, builds once,
//! then waits for file-system events (notify + notify-debouncer-full, or a
//! polling watcher with `--poll`). Each batch of relevant events — coalesced while
//! more keep arriving, so a `git checkout` of thousands of files is one update,
//! except that a save of one known note starts at once —
//! leads to one update: the vault is walked again (new folders are never missed)
//! unless the events name only files the last walk knew and that are still
//! files (a save), or plain files added or removed (put into the last walk's
//! files), only notes whose size or time changed are read and parsed,
//! and only pages whose bytes changed are written. A note saved with broken frontmatter keeps its
//! last good parse. Our own writes land in the output folder and `.throughline/`,
//! which are not sources, so they never trigger an update.
//!
//! Choice (issue 4): when the vault folder disappears, the session keeps running,
//! says so once, and rebuilds when the folder comes back.

mod change;
mod incremental;
mod poll;

pub use change::{Changes, classify};
pub use incremental::Incremental;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer_opt};

use crate::config::{Config, ConfigError};
use crate::diagnostics::Summary;
use crate::pipeline::BuildError;
use crate::scan::VaultPath;
use crate::write::{LockError, STATE_FOLDER, VaultLock};
use poll::Poller;

/// How often `--poll` walks the vault (longer on vaults where a walk is slow).
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// How the session watches.
#[derive(Debug, Clone, Copy)]
pub struct WatchOptions {
    /// Poll the file system instead of kernel notifications (network shares,
    /// WSL, or when the inotify limit is reached).
    pub poll: bool,
    /// How long events are collected before an update.
    pub debounce: Duration,
}

impl Default for WatchOptions {
    fn default() -> WatchOptions {
        WatchOptions {
            poll: false,
            debounce: Duration::from_millis(50),
        }
    }
}

/// What one update did.
#[derive(Debug, Clone)]
pub struct Update {
    /// Vault paths reported changed (empty for the first build or a rescan).
    pub changed: Vec<VaultPath>,
    /// Why the update ran.
    pub reason: Reason,
    /// Pages written.
    pub written: Vec<VaultPath>,
    /// Pages removed.
    pub removed: Vec<VaultPath>,
    /// Files in the output folder left alone.
    pub foreign: Vec<VaultPath>,
    /// Notes with broken frontmatter whose last good parse was kept.
    pub kept_last_good: Vec<VaultPath>,
    /// Notes parsed as sources.
    pub notes: usize,
    /// Problems found.
    pub problems: Summary,
    /// Time from the first event of the batch being seen to the last page written.
    pub elapsed: Duration,
    /// Pages rendered (the others showed nothing new), of all pages.
    pub rendered: (usize, usize),
    /// Time per stage (see [`crate::pipeline::BuildReport::timings`]).
    pub timings: [(&'static str, Duration); 4],
}

/// What started an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The first build.
    Start,
    /// Files changed.
    Files,
    /// Settings or templates changed.
    Settings,
    /// Events were lost or the vault came back: everything was compared.
    Rescan,
}

/// What the session reports between updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The vault folder is gone; waiting for it.
    VaultMissing,
    /// The vault folder is back.
    VaultBack,
    /// The watcher reported a problem (events may be lost; a full compare follows).
    WatcherError(String),
    /// `throughline.toml` became invalid; the previous configuration stays.
    ConfigError(String),
    /// An update failed (a template, a page that cannot be written); the
    /// session keeps watching.
    UpdateFailed(String),
    /// The last update's manifest could not be saved (its pages are in place).
    ManifestNotSaved(String),
}

/// Watching failed.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// Another process holds the vault.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The first build failed.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The configuration is invalid at start.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The kernel's limit of watched folders is reached.
    #[error(
        "the system's limit of watched folders is reached (fs.inotify.max_user_watches); raise it with \
         `sudo sysctl fs.inotify.max_user_watches=524288` (add `fs.inotify.max_user_watches=524288` to \
         /etc/sysctl.conf to keep it), or run `throughline watch --poll`"
    )]
    WatchLimit,
    /// The watcher could not start.
    #[error("cannot watch `{path}`: {message}")]
    Watcher {
        /// The vault.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// The running watcher; held so it keeps watching (dropping it stops it).
#[expect(dead_code, reason = "held only to keep the watcher alive")]
enum Watcher {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Poller),
}

/// A running watch.
pub struct WatchSession {
    root: PathBuf,
    config: Config,
    options: WatchOptions,
    incremental: Incremental,
    events: Receiver<DebounceEventResult>,
    watcher: Option<Watcher>,
    /// Declared after `incremental`, so dropped after it: the lock is given up
    /// only once a manifest being saved is on disk (see `KeptManifest`'s drop).
    _lock: VaultLock,
    vault_missing: bool,
    /// Pages the last update wrote, as it left them: their events are ours.
    own_writes: crate::write::PageStamps,
    /// Changes seen while set-up took the events of its own writes (see
    /// [`WatchSession::settle_events`]), for the first update.
    pending: Option<Changes>,
    /// What set-up had to say meanwhile, said before the first update.
    held_notices: Vec<Notice>,
}

/// The file `watch` writes into its state folder once set-up is done: its
/// event comes after those of set-up's own writes (see
/// [`WatchSession::settle_events`]).
const SETTLED_MARK: &str = ".~settled.tmp";

/// How often a wait for events looks whether it should stop (Ctrl-C).
const STOP_CHECK: Duration = Duration::from_millis(100);

/// How long set-up waits at most for the events of its own writes.
const SETTLE_AT_MOST: Duration = Duration::from_secs(60);

/// How long set-up waits for them without any event coming (a file system
/// that reports none).
const SETTLE_QUIET: Duration = Duration::from_secs(10);

impl WatchSession {
    /// Takes the vault's lock, builds, and starts watching. When `stop` is set
    /// during the first build, set-up ends after it (its pages are written;
    /// nothing more is done), and [`WatchSession::next_update`] returns `None`.
    pub fn start(
        root: &Path,
        options: WatchOptions,
        stop: &AtomicBool,
    ) -> Result<(WatchSession, Update), WatchError> {
        // Absolute, so that a vault folder deleted or moved away is noticed even
        // when it is the current folder.
        let root = &std::fs::canonicalize(root).map_err(|error| WatchError::Watcher {
            path: root.to_path_buf(),
            message: error.to_string(),
        })?;
        let lock = VaultLock::acquire(&root.join(STATE_FOLDER))?;
        let config = crate::config::load(root)?;
        let (sender, events) = channel();
        let mut session = WatchSession {
            root: root.to_path_buf(),
            config,
            options,
            incremental: Incremental::default(),
            events,
            watcher: None,
            _lock: lock,
            vault_missing: false,
            own_writes: Default::default(),
            pending: None,
            held_notices: Vec::new(),
        };
        if session.options.poll {
            session.incremental.always_walk();
        }
        session.watcher = Some(session.watch(sender)?);
        let mut first = session.update(Changes::default(), Reason::Start, Instant::now())?;
        if stop.load(Ordering::Relaxed) {
            return Ok((session, first));
        }
        // The pages the first build wrote or removed change the vault's
        // files (all of them are new in a vault built for the first time):
        // the next update would walk, find them changed and resolve every
        // link again. It is done now (its build first takes in the pages
        // read again on another thread: those a note links into with a
        // heading or block), so that `watch` is ready when it says it is
        // watching (the first save after a first build took 0.3 s at 10,000
        // notes and 3.7 s at 100,000). Its own writes add to the first's.
        if !first.written.is_empty() || !first.removed.is_empty() {
            let earlier = std::mem::take(&mut session.own_writes);
            match session.update(Changes::default(), Reason::Files, Instant::now()) {
                Ok(update) => {
                    first.written.extend(update.written);
                    first.written.sort();
                    first.written.dedup();
                    first.removed.extend(update.removed);
                }
                // Tried again, every file compared, as the first update once
                // watching (a failure then is said, as any update's).
                Err(WatchError::Build(_)) => {
                    session.incremental.forget_pages();
                    session.pending = Some(Changes {
                        rescan: true,
                        ..Changes::default()
                    });
                }
                Err(error) => return Err(error),
            }
            for (page, stamp) in earlier {
                session.own_writes.entry(page).or_insert(stamp);
            }
            session.incremental.settle_pages();
        }
        session.settle_events(stop);
        Ok((session, first))
    }

    fn watch(
        &self,
        sender: std::sync::mpsc::Sender<DebounceEventResult>,
    ) -> Result<Watcher, WatchError> {
        let failed = |error: notify::Error| match error.kind {
            notify::ErrorKind::MaxFilesWatch => WatchError::WatchLimit,
            _ => WatchError::Watcher {
                path: self.root.clone(),
                message: error.to_string(),
            },
        };
        if self.options.poll {
            Ok(Watcher::Poll(Poller::start(
                &self.root,
                &self.config.output_folder,
                POLL_INTERVAL,
                sender,
            )))
        } else {
            let mut debouncer = new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
                self.options.debounce,
                debouncer_tick(self.options.debounce),
                sender,
                RecommendedCache::new(),
                notify::Config::default(),
            )
            .map_err(failed)?;
            debouncer
                .watch(&self.root, RecursiveMode::Recursive)
                .map_err(failed)?;
            Ok(Watcher::Native(debouncer))
        }
    }

    /// Takes the events of set-up's own writes before `watch` says it is
    /// watching. A first build writes every page that is not up to date —
    /// all of them in a vault built for the first time, 14,000 files at
    /// 100,000 notes — and the debouncer took seconds to release their
    /// events after the build: a save made meanwhile waited behind them
    /// (7.6 s from the write to its update at 100,000 notes). Set-up writes a
    /// mark into the state folder and takes events until the mark's arrives
    /// (events come in order; at most [`SETTLE_AT_MOST`], or [`SETTLE_QUIET`]
    /// without any event, or until events were lost, the watcher stopped or
    /// `stop` was set). Notices wait for the first update too.
    /// Changes of the user's among them wait for the first update. Polling
    /// has no such backlog.
    fn settle_events(&mut self, stop: &AtomicBool) {
        if !matches!(self.watcher, Some(Watcher::Native(_))) {
            return;
        }
        let mark = self.root.join(STATE_FOLDER).join(SETTLED_MARK);
        if std::fs::write(&mark, b"").is_err() {
            return;
        }
        let until = Instant::now() + SETTLE_AT_MOST;
        let mut quiet_until = Instant::now() + SETTLE_QUIET;
        let mut changes = self.pending.take().unwrap_or_default();
        let mut held = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let now = Instant::now();
            let Some(left) = until.min(quiet_until).checked_duration_since(now) else {
                break;
            };
            // In slices, so that Ctrl-C is seen.
            let batch = match self.events.recv_timeout(left.min(STOP_CHECK)) {
                Ok(batch) => batch,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
            };
            quiet_until = Instant::now() + SETTLE_QUIET;
            let marked = batch
                .as_ref()
                .is_ok_and(|events| (events.iter()).any(|event| event.paths.contains(&mark)));
            changes.merge(self.changes_of(batch, &mut |notice| held.push(notice)));
            if marked || changes.rescan {
                break;
            }
        }
        let _ = std::fs::remove_file(&mark);
        self.held_notices = held;
        self.pending = (!changes.is_empty()).then_some(changes);
    }

    /// Waits for the next update, reporting notices as they happen. Returns
    /// `None` when `stop` is set.
    pub fn next_update(
        &mut self,
        stop: &AtomicBool,
        notice: &mut dyn FnMut(Notice),
    ) -> Result<Option<Update>, WatchError> {
        // The last update's manifest was being saved while its line was read.
        // It could not be when the vault folder went away: that is what is said.
        if let Some(problem) = self.incremental.settle_manifest() {
            if self.root.is_dir() {
                notice(Notice::ManifestNotSaved(problem));
            } else if !std::mem::replace(&mut self.vault_missing, true) {
                notice(Notice::VaultMissing);
            }
        }
        for held in std::mem::take(&mut self.held_notices) {
            notice(held);
        }
        if stop.load(Ordering::Relaxed) {
            return Ok(None);
        }
        if let Some(changes) = self.pending.take()
            && let Some(update) = self.update_with(changes, Instant::now(), notice)?
        {
            return Ok(Some(update));
        }
        loop {
            if stop.load(Ordering::Relaxed) {
                return Ok(None);
            }
            match self.events.recv_timeout(STOP_CHECK) {
                Ok(_) if self.vault_missing && self.root.is_dir() => {
                    return self.come_back(notice).map(Some);
                }
                // Still gone: nothing to build, and it was said once.
                Ok(_) if self.vault_missing => continue,
                Ok(batch) => {
                    let seen = Instant::now();
                    let mut changes = self.changes_of(batch, notice);
                    if changes.is_empty() {
                        continue;
                    }
                    // Coalesce: keep collecting while events keep coming. The
                    // debouncer releases a long stream of events in batches a
                    // tick apart (see `debouncer_tick`), so half the debounce
                    // is enough.
                    // A save of one note the last walk knew (what an editor
                    // does) starts at once, unless more has already arrived: a
                    // stream that begins so costs at most one more update.
                    let gap = (self.options.debounce / 2).max(Duration::from_millis(10));
                    let mut stream = !self.is_one_save(&changes);
                    loop {
                        let more = match stream {
                            true => self.events.recv_timeout(gap).ok(),
                            false => self.events.try_recv().ok(),
                        };
                        let Some(more) = more else { break };
                        changes.merge(self.changes_of(more, notice));
                        stream = true;
                    }
                    if let Some(update) = self.update_with(changes, seen, notice)? {
                        return Ok(Some(update));
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    let exists = self.root.is_dir();
                    if !exists && !self.vault_missing {
                        self.vault_missing = true;
                        notice(Notice::VaultMissing);
                    } else if exists && self.vault_missing {
                        return self.come_back(notice).map(Some);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(WatchError::Watcher {
                        path: self.root.clone(),
                        message: "the watcher stopped".to_owned(),
                    });
                }
            }
        }
    }

    /// The update for `changes` (first seen at `seen`); `None` when it
    /// failed in a way that is said and waited out (the vault gone, a broken
    /// template, an unwritable page).
    fn update_with(
        &mut self,
        changes: Changes,
        seen: Instant,
        notice: &mut dyn FnMut(Notice),
    ) -> Result<Option<Update>, WatchError> {
        let reason = if changes.rescan {
            Reason::Rescan
        } else if changes.settings || changes.templates {
            Reason::Settings
        } else {
            Reason::Files
        };
        self.reconfigure(&changes, notice)?;
        match self.update(changes, reason, seen) {
            Ok(update) => Ok(Some(update)),
            // Whatever failed (reading, or writing into a folder that moved
            // away), the vault is gone.
            Err(WatchError::Build(_)) if !self.root.is_dir() => {
                if !std::mem::replace(&mut self.vault_missing, true) {
                    notice(Notice::VaultMissing);
                }
                Ok(None)
            }
            // A broken template or an unwritable page: say so and keep
            // watching; the next save tries again.
            Err(WatchError::Build(error)) => {
                self.incremental.forget_pages();
                notice(Notice::UpdateFailed(error.to_string()));
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// The vault folder is back: watch it afresh (the old watch may follow the
    /// folder's old place) and compare everything.
    fn come_back(&mut self, notice: &mut dyn FnMut(Notice)) -> Result<Update, WatchError> {
        self.vault_missing = false;
        notice(Notice::VaultBack);
        self.rewatch()?;
        self.incremental.forget();
        self.update(Changes::default(), Reason::Rescan, Instant::now())
    }

    /// Takes in changed settings or templates: pages render afresh, and a valid
    /// `throughline.toml` replaces the configuration.
    fn reconfigure(
        &mut self,
        changes: &Changes,
        notice: &mut dyn FnMut(Notice),
    ) -> Result<(), WatchError> {
        if changes.settings || changes.templates || changes.rescan {
            // Templates are read as pages render; a rescan trusts nothing.
            self.incremental.forget_pages();
        }
        if !changes.settings {
            return Ok(());
        }
        match crate::config::load(&self.root) {
            Ok(config) => {
                let moved = config.output_folder != self.config.output_folder;
                self.config = config;
                if moved && self.options.poll {
                    // The poller skips the output folder by name.
                    self.rewatch()?;
                }
            }
            Err(error) => notice(Notice::ConfigError(error.to_string())),
        }
        Ok(())
    }

    /// Replaces the watcher and its channel (events of the old one are dropped).
    fn rewatch(&mut self) -> Result<(), WatchError> {
        let (sender, events) = channel();
        self.events = events;
        self.watcher = None;
        self.watcher = Some(self.watch(sender)?);
        Ok(())
    }

    /// Whether `changes` is one note the last walk knew, saved again.
    fn is_one_save(&self, changes: &Changes) -> bool {
        !changes.rescan
            && !changes.settings
            && !changes.templates
            && changes.paths.len() == 1
            && changes
                .paths
                .first()
                .is_some_and(|path| self.incremental.knows_file(path))
    }

    fn changes_of(
        &mut self,
        batch: DebounceEventResult,
        notice: &mut dyn FnMut(Notice),
    ) -> Changes {
        match batch {
            Ok(events) => {
                let mut changes = classify(&self.root, &self.config.output_folder, &events);
                // Pages someone else edited or deleted are rendered again; our
                // own writes are not a change.
                let outputs: Vec<VaultPath> =
                    std::mem::take(&mut changes.outputs).into_iter().collect();
                for page in crate::write::changed_by_others(&self.root, &outputs, &self.own_writes)
                {
                    self.incremental.forget_page(&page);
                    changes.paths.insert(page);
                }
                // A file gone from the output folder (ours removed as stale, or
                // someone's own): the next update walks the vault.
                if outputs
                    .iter()
                    .any(|path| !path.to_fs_path(&self.root).exists())
                {
                    self.incremental.forget_walk();
                }
                changes
            }
            Err(errors) => {
                for error in errors {
                    let message = match error.kind {
                        notify::ErrorKind::MaxFilesWatch => WatchError::WatchLimit.to_string(),
                        _ => error.to_string(),
                    };
                    notice(Notice::WatcherError(message));
                }
                Changes {
                    rescan: true,
                    ..Changes::default()
                }
            }
        }
    }

    /// One update: walk, parse what changed, build, write what changed.
    fn update(
        &mut self,
        changes: Changes,
        reason: Reason,
        seen: Instant,
    ) -> Result<Update, WatchError> {
        // Events name every changed file, unless some were lost (a rescan) or
        // this is a start, a return or a settings change: then compare all.
        let named: Vec<VaultPath> = changes.paths.iter().cloned().collect();
        let changed = (reason == Reason::Files).then_some(named.as_slice());
        // The files under each path named, before and after the build: a
        // folder's files may have no events of their own (a new folder is
        // walked; one moved away takes its files along).
        let before: Vec<Vec<VaultPath>> = (changes.paths.iter())
            .map(|path| self.incremental.files_in(path))
            .collect();
        let (mut report, kept_last_good) =
            self.incremental.build(&self.root, &self.config, changed)?;
        self.own_writes = std::mem::take(&mut report.write.stamps);
        let mut changed = Vec::with_capacity(changes.paths.len());
        for (path, before) in changes.paths.into_iter().zip(before) {
            let after = self.incremental.files_in(&path);
            let on_disk = self.root.join(path.as_str());
            changed.extend(files_changed(path, &before, &after, || on_disk.is_dir()));
        }
        changed.sort();
        changed.dedup();
        Ok(Update {
            changed,
            reason,
            written: report.write.written,
            removed: report.write.removed,
            foreign: report.write.foreign,
            kept_last_good,
            notes: report.stats.notes,
            problems: report.problems,
            elapsed: seen.elapsed(),
            rendered: (report.rendered, report.pages),
            timings: report.timings,
        })
    }
}

/// How often the debouncer looks for events whose debounce time has passed:
/// a tenth of the debounce. An event is released between one debounce and one
/// tick after it; notify-debouncer-full's default tick, a quarter, added up
/// to 12.5 ms to every save at the default 50 ms. A tick costs a thread
/// wake-up (100–200 a second; microseconds each).
fn debouncer_tick(debounce: Duration) -> Option<Duration> {
    (!debounce.is_zero()).then(|| (debounce / 10).max(Duration::from_millis(1)).min(debounce))
}

/// The files an event's `path` stands for, given the files found under it
/// (as a folder, ascending) by the builds `before` and `after` the update:
/// a folder's files that came or went, else the path itself — unless it is
/// an empty folder (`is_empty_folder`, asked only then). A folder whose
/// files stayed the same (its times or permissions changed) names none.
fn files_changed(
    path: VaultPath,
    before: &[VaultPath],
    after: &[VaultPath],
    is_empty_folder: impl FnOnce() -> bool,
) -> Vec<VaultPath> {
    if before.is_empty() && after.is_empty() {
        return match is_empty_folder() {
            true => Vec::new(),
            false => vec![path],
        };
    }
    let gone = before
        .iter()
        .filter(|file| after.binary_search(file).is_err());
    let came = after
        .iter()
        .filter(|file| before.binary_search(file).is_err());
    gone.chain(came).cloned().collect()
}

#[cfg(test)]
mod files_changed_tests {
    use super::*;

    fn paths(paths: &[&str]) -> Vec<VaultPath> {
        paths
            .iter()
            .map(|path| VaultPath::new(path).unwrap())
            .collect()
    }

    #[test]
    fn a_folder_names_the_files_that_came_or_went_and_a_file_names_itself() {
        let folder = VaultPath::new("Notes").unwrap();
        let named = |before: &[&str], after: &[&str], empty: bool| -> Vec<VaultPath> {
            files_changed(folder.clone(), &paths(before), &paths(after), || empty)
        };
        // A new folder, or one moved in: its files.
        assert_eq!(
            named(&[], &["Notes/a.md", "Notes/b.md"], false),
            paths(&["Notes/a.md", "Notes/b.md"])
        );
        // Moved away or deleted: the files that went.
        assert_eq!(named(&["Notes/a.md"], &[], false), paths(&["Notes/a.md"]));
        // Touched, or its permissions changed: nothing.
        assert_eq!(named(&["Notes/a.md"], &["Notes/a.md"], false), paths(&[]));
        // One file in, another out.
        assert_eq!(
            named(&["Notes/a.md"], &["Notes/b.md"], false),
            paths(&["Notes/a.md", "Notes/b.md"])
        );
        // An empty folder names nothing; a file (no files under it) itself.
        assert_eq!(named(&[], &[], true), paths(&[]));
        assert_eq!(named(&[], &[], false), paths(&["Notes"]));
    }
}

#[cfg(test)]
mod tick_tests {
    use super::*;

    #[test]
    fn the_debouncer_ticks_a_tenth_of_the_debounce_never_longer_than_it() {
        let ms = Duration::from_millis;
        assert_eq!(debouncer_tick(ms(50)), Some(ms(5)));
        assert_eq!(debouncer_tick(ms(5)), Some(ms(1)));
        assert_eq!(
            debouncer_tick(Duration::from_micros(500)),
            Some(Duration::from_micros(500))
        );
        assert_eq!(debouncer_tick(Duration::ZERO), None);
    }
}

#[cfg(test)]
mod start_tests {
    use super::*;

    /// A watch started on a copy of the sample vault: the copy, the session
    /// and its first update.
    fn started_on_sample() -> (tempfile::TempDir, WatchSession, Update) {
        let vault = incremental::tests::sample_copy();
        let (session, first) = WatchSession::start(
            vault.path(),
            WatchOptions::default(),
            &AtomicBool::new(false),
        )
        .unwrap();
        (vault, session, first)
    }

    #[test]
    fn the_pages_a_first_build_wrote_are_files_of_the_vault_once_watching() {
        let (_vault, session, first) = started_on_sample();
        assert!(
            first
                .written
                .iter()
                .any(|page| page.as_str() == "Throughline/Insights.md"),
            "{:?}",
            first.written
        );
        // Taken in before watching: a first save does not find the vault's
        // files changed (and resolve every link again).
        assert!(
            session
                .incremental
                .built_with_file("Throughline/Insights.md")
        );
    }

    #[test]
    fn set_up_takes_the_events_of_its_own_writes_before_it_is_watching() {
        let (vault, session, first) = started_on_sample();
        assert!(!first.written.is_empty());
        assert!(!vault.path().join(STATE_FOLDER).join(SETTLED_MARK).exists());
        // Whatever arrives now is not the pages' (the mark's removal may).
        std::thread::sleep(Duration::from_millis(300));
        let output = session.root.join("Throughline");
        while let Ok(batch) = session.events.try_recv() {
            for event in batch.unwrap() {
                assert!(
                    !event.paths.iter().any(|path| path.starts_with(&output)),
                    "{event:?}"
                );
            }
        }
    }
}
