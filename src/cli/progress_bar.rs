//! The progress bar on stderr while a command reads a large vault (product
//! spec §4: only when stderr is a terminal).
//!
//! The pipeline counts what it does in [`throughline::progress::PROGRESS`];
//! a thread of ours reads the counts ten times a second and draws them with
//! indicatif. The bar appears only once a run has taken [`DEFAULT_DELAY`] (a
//! small vault is done before it would), and is cleared before the command
//! prints anything, so it never mixes with the output; what is said while it
//! is drawn (`watch` answering Ctrl-C) goes through [`say`], above it.
//! `--quiet` has none.
//! `THROUGHLINE_PROGRESS_DELAY_MS` sets the delay and
//! `THROUGHLINE_PROGRESS_REFRESH_MS` the time between redraws (the tests
//! show every stage at once).

use std::io::{self, IsTerminal};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{HumanCount, ProgressDrawTarget, ProgressStyle};
use throughline::progress::{PROGRESS, Snapshot, Stage};

use super::Global;

/// How long a run goes before its bar appears.
const DEFAULT_DELAY: Duration = Duration::from_millis(400);

/// How often the bar is redrawn.
const DEFAULT_REFRESH: Duration = Duration::from_millis(100);

/// Width of the bar of a stage whose total is known.
const BAR_WIDTH: u64 = 30;

/// The frames of the spinner of a stage with no total.
const SPINNER: [char; 8] = ['⠁', '⠂', '⠄', '⡀', '⢀', '⠠', '⠐', '⠈'];

/// Whether a bar is being drawn, and the lines to print above it at its next
/// redraw (see [`say`]).
static ABOVE: Mutex<(bool, Vec<String>)> = Mutex::new((false, Vec::new()));

/// Prints `line` on stderr: above the bar when one is drawn (printed on its
/// own, it would land on the bar's line and leave a copy of the bar above it).
pub fn say(line: &str) {
    let mut above = ABOVE.lock().unwrap_or_else(PoisonError::into_inner);
    match above.0 {
        true => above.1.push(line.to_owned()),
        false => eprintln!("{line}"),
    }
}

/// [`say`], then exits with `code` at once: the bar's line is cleared (as
/// indicatif clears it) and the lines not yet printed above it are printed in
/// its place, `line` last. The lock is held until the exit, so the bar is
/// not drawn again meanwhile (the drawer redraws under it).
pub fn say_and_exit(line: &str, code: i32) -> ! {
    let mut above = ABOVE.lock().unwrap_or_else(PoisonError::into_inner);
    if above.0 {
        eprint!("\r\u{1b}[2K");
    }
    for earlier in above.1.drain(..) {
        eprintln!("{earlier}");
    }
    eprintln!("{line}");
    std::process::exit(code)
}

/// A progress bar on stderr, drawn until dropped (dropping it clears it).
pub struct ProgressBar {
    stop: Sender<()>,
    drawer: Option<JoinHandle<()>>,
}

impl ProgressBar {
    /// Starts counting and drawing, when stderr is a terminal and the user
    /// did not ask for `--quiet`.
    pub fn start(global: Global) -> Option<ProgressBar> {
        // A terminal indicatif draws on (not one `TERM` says is dumb).
        if global.quiet || !io::stderr().is_terminal() || ProgressDrawTarget::stderr().is_hidden() {
            return None;
        }
        let milliseconds = |variable: &str, default: Duration| {
            std::env::var(variable)
                .ok()
                .and_then(|ms| ms.parse().ok())
                .map_or(default, Duration::from_millis)
        };
        let delay = milliseconds("THROUGHLINE_PROGRESS_DELAY_MS", DEFAULT_DELAY);
        let refresh = milliseconds("THROUGHLINE_PROGRESS_REFRESH_MS", DEFAULT_REFRESH)
            .max(Duration::from_millis(1));
        PROGRESS.enable();
        let (stop, stopped) = mpsc::channel();
        let drawer = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || draw_until_stopped(delay, refresh, &stopped))
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

/// Draws the counts every `refresh` from `delay` on, until told to stop;
/// then clears the bar. Each redraw is one whole line (indicatif draws and
/// clears it), so no frame mixes two stages.
fn draw_until_stopped(delay: Duration, refresh: Duration, stopped: &mpsc::Receiver<()>) {
    let started = Instant::now();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let mut frame = 0;
    ABOVE.lock().unwrap_or_else(PoisonError::into_inner).0 = true;
    // The lines `say` gave since the last redraw, above the bar (if it is
    // drawn yet); `last` leaves it to `say` to print them from then on.
    let print_above = |bar: Option<&indicatif::ProgressBar>, last: bool| {
        let mut above = ABOVE.lock().unwrap_or_else(PoisonError::into_inner);
        above.0 = !last;
        for line in above.1.drain(..) {
            match bar {
                Some(bar) => bar.println(line),
                None => eprintln!("{line}"),
            }
        }
    };
    // Until told to stop (or the bar is gone), once per refresh.
    while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(refresh) {
        print_above(bar.as_ref(), false);
        if started.elapsed() < delay {
            continue;
        }
        let Some(snapshot) = PROGRESS.snapshot() else {
            continue;
        };
        let bar = bar.get_or_insert_with(|| {
            // Drawn as often as it is redrawn (indicatif's own limit is 20 a second).
            let hz = (1000 / refresh.as_millis().max(1)).clamp(1, 255) as u8;
            let target = ProgressDrawTarget::stderr_with_hz(hz);
            let bar = indicatif::ProgressBar::with_draw_target(None, target);
            if let Ok(style) = ProgressStyle::with_template("{msg}") {
                bar.set_style(style);
            }
            bar
        });
        frame += 1;
        // Under the lock, so that `say_and_exit` finds the bar as last drawn.
        let _above = ABOVE.lock().unwrap_or_else(PoisonError::into_inner);
        bar.set_message(line(snapshot, SPINNER[frame % SPINNER.len()]));
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    print_above(None, true);
}

/// The bar's line for `snapshot`.
fn line(Snapshot { stage, done, total }: Snapshot, spinner: char) -> String {
    let label = stage.label();
    match (stage, total) {
        (Stage::Analysing, _) => format!("{label:>13} {spinner}"),
        (_, 0) => format!("{label:>13} {spinner} {} files", HumanCount(done)),
        _ => {
            let filled = (done * BAR_WIDTH / total).min(BAR_WIDTH) as usize;
            let mut drawn = "=".repeat(filled);
            if filled < BAR_WIDTH as usize {
                drawn.push('>');
            }
            format!(
                "{label:>13} [{drawn:<width$}] {}/{}",
                HumanCount(done),
                HumanCount(total),
                width = BAR_WIDTH as usize
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_shows_the_stage_and_its_counts() {
        let at = |stage, done, total| line(Snapshot { stage, done, total }, '*');
        assert_eq!(
            at(Stage::Reading, 1500, 3000),
            format!("reading notes [{:<30}] 1,500/3,000", "=".repeat(15) + ">")
        );
        assert_eq!(
            at(Stage::Writing, 14, 14),
            format!("writing pages [{}] 14/14", "=".repeat(30))
        );
        assert_eq!(
            at(Stage::Scanning, 12345, 0),
            "     scanning * 12,345 files"
        );
        assert_eq!(at(Stage::Analysing, 0, 0), "      linking *");
    }
}
