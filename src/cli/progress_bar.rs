//! The progress bar on stderr while a command reads a large vault (product
//! spec §4: only when stderr is a terminal).
//!
//! The pipeline counts what it does in [`throughline::progress::PROGRESS`];
//! a thread of ours reads the counts ten times a second and draws them with
//! indicatif. The bar appears only once a run has taken [`DEFAULT_DELAY`] (a
//! small vault is done before it would), and is cleared before the command
//! prints anything, so it never mixes with the output. `--quiet` has none.
//! `THROUGHLINE_PROGRESS_DELAY_MS` sets the delay (the tests show it at once).

use std::io::{self, IsTerminal};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressDrawTarget, ProgressStyle};
use throughline::progress::{PROGRESS, Snapshot};

use super::Global;

/// How long a run goes before its bar appears.
const DEFAULT_DELAY: Duration = Duration::from_millis(400);

/// How often the bar is redrawn.
const REFRESH: Duration = Duration::from_millis(100);

/// The bar of a stage whose total is known.
const COUNTED: &str = "{msg:>13} [{bar:30}] {human_pos}/{human_len}";

/// The bar of a stage whose total is not known yet (the walk).
const UNCOUNTED: &str = "{msg:>13} {spinner} {human_pos} files";

/// A progress bar on stderr, drawn until dropped (dropping it clears it).
pub struct ProgressBar {
    stop: Sender<()>,
    drawer: Option<JoinHandle<()>>,
}

impl ProgressBar {
    /// Starts counting and drawing, when stderr is a terminal and the user
    /// did not ask for `--quiet`.
    pub fn start(global: Global) -> Option<ProgressBar> {
        if global.quiet || !io::stderr().is_terminal() {
            return None;
        }
        let delay = std::env::var("THROUGHLINE_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(DEFAULT_DELAY, Duration::from_millis);
        PROGRESS.enable();
        let (stop, stopped) = mpsc::channel();
        let drawer = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || draw_until_stopped(delay, &stopped))
            .ok();
        Some(ProgressBar { stop, drawer })
    }
}

impl Drop for ProgressBar {
    /// Stops counting and clears the bar: the command prints after.
    fn drop(&mut self) {
        PROGRESS.disable();
        let _ = self.stop.send(());
        if let Some(drawer) = self.drawer.take() {
            let _ = drawer.join();
        }
    }
}

/// Draws the counts every [`REFRESH`] from `delay` on, until told to stop;
/// then clears the bar.
fn draw_until_stopped(delay: Duration, stopped: &mpsc::Receiver<()>) {
    let started = Instant::now();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let mut shown: Option<(throughline::progress::Stage, bool)> = None;
    // Until told to stop (or the bar is gone), once per refresh.
    while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(REFRESH) {
        if started.elapsed() < delay {
            continue;
        }
        let Some(Snapshot { stage, done, total }) = PROGRESS.snapshot() else {
            continue;
        };
        let bar = bar.get_or_insert_with(|| {
            indicatif::ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        });
        let counted = total > 0;
        if counted {
            bar.set_length(total);
        } else {
            bar.unset_length();
        }
        bar.set_position(done);
        if shown != Some((stage, counted)) {
            let template = if counted { COUNTED } else { UNCOUNTED };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(stage.label());
            shown = Some((stage, counted));
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}
