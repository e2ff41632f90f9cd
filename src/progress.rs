//! How far a long run has got: counters the pipeline advances as it walks the
//! vault, reads notes and writes pages, for the command line to show as a
//! progress bar.
//!
//! The counters are one process-wide [`PROGRESS`], advanced only once the
//! command line has [`Progress::enable`]d it (stderr is a terminal): otherwise
//! advancing is one read of a flag no thread writes, and the threads reading
//! notes never share a counter's cache line.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// The stage a run is in, as far as a progress bar tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Walking the vault's folders (how many files there are is not known yet).
    Scanning,
    /// Reading and parsing notes.
    Reading,
    /// Resolving links and working out the research model (nothing counted).
    Analysing,
    /// Rendering and writing pages.
    Writing,
}

impl Stage {
    /// What the stage is called on the bar.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Scanning => "scanning",
            Stage::Reading => "reading notes",
            Stage::Analysing => "linking",
            Stage::Writing => "writing pages",
        }
    }
}

/// Where a run is: its stage, and how many of how many items it has done
/// (`total` 0: not known).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    /// The stage.
    pub stage: Stage,
    /// Items done in it.
    pub done: u64,
    /// Items it has, 0 when not known.
    pub total: u64,
}

/// The counters (see the module documentation).
#[derive(Debug)]
pub struct Progress {
    enabled: AtomicBool,
    /// The stage and its total: set a few times a run, read with `done`
    /// under the lock, so a snapshot never mixes two stages.
    stage: Mutex<Option<(Stage, u64)>>,
    /// Items done in the stage: advanced from every thread, without the lock.
    done: AtomicU64,
}

/// The process's counters.
pub static PROGRESS: Progress = Progress::new();

impl Progress {
    /// Counters that count nothing until enabled.
    pub const fn new() -> Progress {
        Progress {
            enabled: AtomicBool::new(false),
            stage: Mutex::new(None),
            done: AtomicU64::new(0),
        }
    }

    /// Starts counting (from no stage).
    pub fn enable(&self) {
        self.set_stage(None);
        self.enabled.store(true, Ordering::Relaxed);
    }

    /// Stops counting: what the pipeline does next is not shown.
    pub fn disable(&self) {
        self.enabled.store(false, Ordering::Relaxed);
        self.set_stage(None);
    }

    /// Enters `stage`, which has `total` items (0: not known yet).
    pub fn begin(&self, stage: Stage, total: u64) {
        if self.enabled.load(Ordering::Relaxed) {
            self.set_stage(Some((stage, total)));
        }
    }

    fn set_stage(&self, stage: Option<(Stage, u64)>) {
        let mut current = self.stage.lock().unwrap_or_else(PoisonError::into_inner);
        self.done.store(0, Ordering::Relaxed);
        *current = stage;
    }

    /// Counts `items` more done in the current stage.
    pub fn advance(&self, items: u64) {
        if self.enabled.load(Ordering::Relaxed) {
            self.done.fetch_add(items, Ordering::Relaxed);
        }
    }

    /// Where the run is, if counting and in a stage. Read while other threads
    /// advance: `done` may be a count or two off (one a thread made as the
    /// stage began counts in the new one), never past the total.
    pub fn snapshot(&self) -> Option<Snapshot> {
        if !self.enabled.load(Ordering::Relaxed) {
            return None;
        }
        let current = self.stage.lock().unwrap_or_else(PoisonError::into_inner);
        let (stage, total) = (*current)?;
        let done = self.done.load(Ordering::Relaxed);
        Some(Snapshot {
            stage,
            done: if total > 0 { done.min(total) } else { done },
            total,
        })
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_count_only_once_enabled() {
        let progress = Progress::new();
        progress.begin(Stage::Reading, 10);
        progress.advance(3);
        assert_eq!(progress.snapshot(), None);
        progress.enable();
        assert_eq!(progress.snapshot(), None, "no stage yet");
        progress.begin(Stage::Reading, 10);
        progress.advance(3);
        progress.advance(4);
        assert_eq!(
            progress.snapshot(),
            Some(Snapshot {
                stage: Stage::Reading,
                done: 7,
                total: 10
            })
        );
        progress.disable();
        progress.advance(1);
        assert_eq!(progress.snapshot(), None);
    }

    #[test]
    fn a_new_stage_counts_from_zero_and_done_never_passes_the_total() {
        let progress = Progress::new();
        progress.enable();
        progress.begin(Stage::Scanning, 0);
        progress.advance(250);
        assert_eq!(
            progress.snapshot().map(|s| (s.done, s.total)),
            Some((250, 0))
        );
        progress.begin(Stage::Writing, 4);
        progress.advance(5);
        assert_eq!(
            progress.snapshot(),
            Some(Snapshot {
                stage: Stage::Writing,
                done: 4,
                total: 4
            })
        );
    }
}
