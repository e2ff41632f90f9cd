//! Latency benchmark of `throughline watch` on generated vaults.
//!
//! Run it with:
//!
//! ```text
//! cargo bench --bench watch                                    # 10,000 and 100,000 notes, 20 edits
//! THROUGHLINE_BENCH_SIZES=10000 THROUGHLINE_BENCH_RUNS=10 cargo bench --bench watch
//! ```
//!
//! For each vault size it:
//!
//! 1. takes the generated vault of the `check` benchmark (generating it when missing) and
//!    copies it to `target/bench-vaults/watch-<N>/`, so the edits never touch the cached
//!    vault;
//! 2. measures the floor (list, read and parse every note with pulldown-cmark, 2
//!    threads) and a cold `throughline build` of the copy, median of up to 3 runs each;
//! 3. starts `throughline watch <copy> --debounce 50` and reports its set-up time (start
//!    to the `watching` line: the first build included) and its resident memory then
//!    (`VmRSS` from `/proc`, and the peak `VmHWM` at the end);
//! 4. edits one interview note `THROUGHLINE_BENCH_RUNS` times (default 20, after 2
//!    warm-up edits), each time adding an observation that links an insight, and
//!    measures from just before the write to the moment the last affected page is
//!    renamed into place (the issue's measure: the last file-system event the benchmark
//!    sees in the output folder before the update's line arrives, through its own
//!    inotify watch). The configured debounce is subtracted; p50, p95 and max are
//!    reported (and, apart, the first edit's: the first update after set-up), beside the
//!    time to the update's line (which `watch` prints once it has also removed stale pages
//!    and kept what the next update reuses; its manifest is saved on another thread after
//!    that) and the time `watch` itself reports for the update (first event seen → the
//!    line); `watch` runs with `--verbose`, and the medians of its stage times per update
//!    (load, consolidate, render, write) are printed with the pages each update wrote and
//!    their bytes: what grows with the vault, and how much of it is the pages affected;
//! 5. restores the note, then adds a new interview note (linking an insight) and removes
//!    it, [`FILE_CHANGES`] times, and reports the time from each write to its update's
//!    line (minus the debounce) and how many pages the new note's update rendered: the
//!    vault's files change, which edits never do;
//! 6. stops the watch with Ctrl-C and checks that it exits 0.
//!
//! Targets (issue 4, product spec §6): p95 ≤ 50 ms at 10,000 notes, ≤ 100 ms at
//! 100,000. A missed target is printed as `MISSED`; the benchmark exits 1 only when it
//! could not run.
//!
//! Environment: `THROUGHLINE_BENCH_SIZES` (default `10000,100000`),
//! `THROUGHLINE_BENCH_RUNS` (edits per size, default 20), `CARGO_TARGET_DIR`.

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::{
    Stats, build, edit_targets, empty_removed, ensure_vault, floor, mb, move_aside, ms,
    remove_build_output, removed_root, settings, vaults_root,
};
use walkdir::WalkDir;

/// Sizes measured when `THROUGHLINE_BENCH_SIZES` is not set.
const DEFAULT_SIZES: &[usize] = &[10_000, 100_000];

/// Edits measured when `THROUGHLINE_BENCH_RUNS` is not set.
const DEFAULT_EDITS: usize = 20;

/// Edits made before measuring.
const WARM_UP_EDITS: usize = 2;

/// The debounce `watch` runs with, subtracted from each latency.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// How long the output folder must have been quiet, after an update's line,
/// for its last change to count as seen.
const QUIET: Duration = Duration::from_millis(50);

/// Pause between edits, so that each edit is an update of its own.
const BETWEEN_EDITS: Duration = Duration::from_millis(300);

/// How many times the benchmark adds a new interview note and removes it.
const FILE_CHANGES: usize = 2;

/// How long to wait for the watch to start or for an update.
const PATIENCE: Duration = Duration::from_secs(600);

/// Targets: p95 latency minus debounce, per vault size.
const TARGETS: &[(usize, Duration)] = &[
    (10_000, Duration::from_millis(50)),
    (100_000, Duration::from_millis(100)),
];

/// Threads of the floor's pool: the 2-core machine of the product's targets.
const FLOOR_THREADS: usize = 2;

/// A line `watch` printed, and when it arrived.
type Line = (Instant, String);

/// A running `throughline watch`.
struct Watch {
    child: Child,
    lines: Receiver<Line>,
}

impl Watch {
    fn start(binary: &Path, vault: &Path) -> Result<Watch, String> {
        let mut child = Command::new(binary)
            .arg("watch")
            .arg(vault)
            .args(["--debounce", &DEBOUNCE.as_millis().to_string()])
            // Each update's stage times and the pages it wrote.
            .arg("--verbose")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (sender, lines) = channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send((Instant::now(), line)).is_err() {
                    break;
                }
            }
        });
        Ok(Watch { child, lines })
    }

    /// The next line for which `wanted` holds.
    fn wait_for(&self, what: &str, wanted: impl Fn(&str) -> bool) -> Result<Line, String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (at, line) = self
                .lines
                .recv_timeout(left)
                .map_err(|_| format!("watch printed no {what} in {} s", PATIENCE.as_secs()))?;
            if wanted(&line) {
                return Ok((at, line));
            }
        }
    }

    /// A field of `/proc/<pid>/status` in bytes (`VmRSS`, `VmHWM`).
    fn memory(&self, field: &str) -> u64 {
        let status =
            fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map_or(0, |kb| kb * 1024)
    }

    /// Ctrl-C, then the exit code.
    fn stop(mut self) -> Result<i32, String> {
        let pid = libc::pid_t::try_from(self.child.id()).map_err(|_| "pid out of range")?;
        // SAFETY: sends a signal to our own child; no memory is touched.
        unsafe { libc::kill(pid, libc::SIGINT) };
        let status = self.child.wait().map_err(|e| format!("wait failed: {e}"))?;
        Ok(status.code().unwrap_or(-1))
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// When the files in the output folder last changed, as the benchmark's own
/// watch on it sees them: pages renamed into place, stale pages removed. Reads
/// (`watch` parses the pages it wrote) are left out.
struct PageEvents {
    times: Arc<Mutex<Vec<Instant>>>,
    _watcher: notify::RecommendedWatcher,
}

impl PageEvents {
    fn start(output: &Path) -> Result<PageEvents, String> {
        use notify::{EventKind, RecursiveMode, Watcher};
        let times = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&times);
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let at = Instant::now();
                if let Ok(event) = event
                    && !matches!(event.kind, EventKind::Access(_))
                    && let Ok(mut times) = seen.lock()
                {
                    times.push(at);
                }
            })
            .map_err(|e| format!("cannot watch the output folder: {e}"))?;
        watcher
            .watch(output, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", output.display()))?;
        Ok(PageEvents {
            times,
            _watcher: watcher,
        })
    }

    /// Waits until no change has been seen for `quiet` (at most a second).
    fn wait_until_quiet(&self, quiet: Duration) {
        let started = Instant::now();
        loop {
            thread::sleep(Duration::from_millis(5));
            let last = self
                .times
                .lock()
                .ok()
                .and_then(|times| times.last().copied());
            let heard = last.map_or(started, |last| last.max(started));
            if heard.elapsed() >= quiet || started.elapsed() >= Duration::from_secs(1) {
                return;
            }
        }
    }

    /// The last change seen after `since` and before `until`.
    fn last_between(&self, since: Instant, until: Instant) -> Option<Instant> {
        let times = self.times.lock().ok()?;
        times
            .iter()
            .copied()
            .filter(|&at| at > since && at <= until)
            .max()
    }
}

/// The measurements of one vault size.
struct Report {
    notes: usize,
    floor: Stats,
    cold_build: Stats,
    setup: Duration,
    rss_after_setup: u64,
    peak_rss: u64,
    markdown_bytes: u64,
    /// Edit → last page in place, minus the debounce.
    latency: Vec<Duration>,
    /// The same for the first edit after set-up (a warm-up edit).
    first_save: Duration,
    /// Edit → update line, minus the debounce.
    to_line: Vec<Duration>,
    reported: Vec<Duration>,
    /// Per update, the time of each stage as `watch --verbose` reports it.
    stages: Vec<Vec<(String, Duration)>>,
    /// Per update, the pages written and their bytes.
    written: Vec<(usize, u64)>,
    /// Per round: a new note's latency to its update line, its removal's
    /// (both minus the debounce), and the pages the new note's update
    /// rendered.
    file_changes: Vec<(Duration, Duration, u64)>,
}

/// The `p`-th percentile (nearest rank) of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Copies the vault without generated output.
fn fresh_copy(from: &Path, to: &Path) -> Result<(), String> {
    // The last copy is moved away, not deleted (see `remove_build_output`).
    if to.exists() {
        move_aside(to, &removed_root(to))?;
    }
    for entry in WalkDir::new(from) {
        let entry = entry.map_err(|e| format!("cannot walk {}: {e}", from.display()))?;
        let relative = entry.path().strip_prefix(from).map_err(|e| e.to_string())?;
        let first = relative.iter().next().map(|name| name.to_string_lossy());
        if matches!(first.as_deref(), Some("Throughline" | ".throughline")) {
            continue;
        }
        let target = to.join(relative);
        let copied = if entry.file_type().is_dir() {
            fs::create_dir_all(&target)
        } else {
            fs::copy(entry.path(), &target).map(|_| ())
        };
        copied.map_err(|e| format!("cannot copy to {}: {e}", target.display()))?;
    }
    Ok(())
}

/// The time `watch` reports at the end of an update line (`… in 12 ms`).
fn reported_time(line: &str) -> Option<Duration> {
    let number = line.strip_suffix(" ms")?.rsplit(' ').next()?;
    number.parse().ok().map(Duration::from_millis)
}

fn measure(notes: usize, binary: &Path, runs: usize) -> Result<Report, String> {
    let root = vaults_root();
    let source = ensure_vault(&root, notes).map_err(|e| format!("cannot generate: {e}"))?;
    let vault = root.join(format!("watch-{notes}"));
    fresh_copy(&source, &vault)?;
    let stderr_path = root.join("watch-stderr.txt");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(FLOOR_THREADS)
        .build()
        .map_err(|e| format!("cannot build the floor's pool: {e}"))?;
    let repeats = runs.min(3);
    let mut floors = Vec::new();
    let mut colds = Vec::new();
    let mut markdown_bytes = 0;
    for _ in 0..repeats {
        remove_build_output(&vault)?;
        let started = Instant::now();
        let work = floor(&vault, &pool).map_err(|e| format!("floor failed: {e}"))?;
        floors.push(started.elapsed());
        markdown_bytes = work.bytes;
        colds.push(build(binary, &vault, &stderr_path)?.elapsed);
    }
    remove_build_output(&vault)?;

    let started = Instant::now();
    let watch = Watch::start(binary, &vault)?;
    let (ready, _) = watch.wait_for("`watching` line", |line| line.starts_with("watching "))?;
    let setup = ready - started;
    let rss_after_setup = watch.memory("VmRSS");
    let pages = PageEvents::start(&vault.join("Throughline"))?;

    let (interview, insights) = edit_targets(&vault)?;
    let original = fs::read_to_string(&interview).map_err(|e| e.to_string())?;
    let mut latency = Vec::new();
    let mut to_line = Vec::new();
    let mut reported = Vec::new();
    let mut stages = Vec::new();
    let mut written_pages = Vec::new();
    let mut first_save = Duration::ZERO;
    for edit in 0..WARM_UP_EDITS + runs {
        let insight = &insights[edit % insights.len()];
        let text = format!(
            "{original}\n- Benchmark edit {edit}: the parts list arrived after the visit. [[{insight}]] #pain\n"
        );
        thread::sleep(BETWEEN_EDITS);
        let written = Instant::now();
        fs::write(&interview, text).map_err(|e| format!("cannot edit the note: {e}"))?;
        let (at, line) = watch.wait_for("update line", |line| line.contains(" changed: "))?;
        // The events of the last renames may still be on their way (nothing
        // changes the output folder after the update's line: the manifest and
        // spare files are in `.throughline/`): wait until it has been quiet.
        pages.wait_until_quiet(QUIET);
        let in_place = pages
            .last_between(written, Instant::now())
            .ok_or("the update changed no file in the output folder")?;
        if edit == 0 {
            first_save = (in_place - written).saturating_sub(DEBOUNCE);
        }
        if edit >= WARM_UP_EDITS {
            latency.push((in_place - written).saturating_sub(DEBOUNCE));
            to_line.push((at - written).saturating_sub(DEBOUNCE));
            reported.push(reported_time(&line).unwrap_or_default());
        }
        // `--verbose` follows the update's line with its stage times, then one
        // line per page written.
        let (_, times) = watch.wait_for("stage times", |line| stage_times(line).is_some())?;
        let mut wrote = Vec::new();
        for _ in 0..written_count(&line) {
            let (_, page) = watch.wait_for("`wrote` line", |line| {
                line.trim_start().starts_with("wrote ")
            })?;
            wrote.push(page);
        }
        if edit >= WARM_UP_EDITS {
            stages.push(stage_times(&times).unwrap_or_default());
            written_pages.push(pages_written(&wrote));
        }
    }
    fs::write(&interview, &original).map_err(|e| e.to_string())?;
    watch.wait_for("update line", |line| line.contains(" changed: "))?;
    // A new interview note, then its removal: the vault's files change.
    let new_note = interview.with_file_name("Benchmark new interview.md");
    let mut file_changes: Vec<(Duration, Duration, u64)> = Vec::new();
    for round in 0..FILE_CHANGES {
        for create in [true, false] {
            thread::sleep(BETWEEN_EDITS);
            let written = Instant::now();
            let done = match create {
                true => fs::write(&new_note, new_interview(round, &insights[0])),
                false => fs::remove_file(&new_note),
            };
            done.map_err(|e| format!("cannot change {}: {e}", new_note.display()))?;
            let (at, _) = watch.wait_for("update line", |line| line.contains(" changed: "))?;
            let (_, times) = watch.wait_for("stage times", |line| stage_times(line).is_some())?;
            let rendered = stage_times(&times)
                .and_then(|times| times.last().map(|(_, count)| count.as_millis() as u64))
                .unwrap_or_default();
            let latency = (at - written).saturating_sub(DEBOUNCE);
            match create {
                true => file_changes.push((latency, Duration::ZERO, rendered)),
                false => {
                    if let Some(last) = file_changes.last_mut() {
                        last.1 = latency;
                    }
                }
            }
        }
    }
    let peak_rss = watch.memory("VmHWM");
    let code = watch.stop()?;
    if code != 0 {
        return Err(format!("watch exited with {code} on Ctrl-C"));
    }
    remove_build_output(&vault)?;
    latency.sort();
    to_line.sort();
    reported.sort();
    Ok(Report {
        notes,
        floor: Stats::of(&floors),
        cold_build: Stats::of(&colds),
        setup,
        rss_after_setup,
        peak_rss,
        markdown_bytes,
        latency,
        first_save,
        to_line,
        reported,
        stages,
        written: written_pages,
        file_changes,
    })
}

/// A new interview note that backs `insight`.
fn new_interview(round: usize, insight: &str) -> String {
    format!(
        "---\ntype: interview\ndate: 2026-11-20\nparticipant: \"[[Bench Participant {round}]]\"\n---\n## Learned\n\n- Round {round}: the parts list arrived after the visit. [[{insight}]] #pain\n"
    )
}

/// The stage times of a `watch --verbose` line such as `  load 8.1 ms,
/// consolidate 9.0 ms, render 30.2 ms, write 15.3 ms; 25 of 14003 pages
/// rendered`, with the pages rendered as the last "stage".
fn stage_times(line: &str) -> Option<Vec<(String, Duration)>> {
    let (stages, rendered) = line.trim().split_once("; ")?;
    let rendered: u64 = rendered
        .strip_suffix(" pages rendered")?
        .split_once(" of ")?
        .0
        .parse()
        .ok()?;
    let mut times = stages
        .split(", ")
        .map(|stage| {
            let (name, time) = stage.split_once(' ')?;
            let ms: f64 = time.strip_suffix(" ms")?.parse().ok()?;
            Some((name.to_owned(), Duration::from_secs_f64(ms / 1e3)))
        })
        .collect::<Option<Vec<_>>>()?;
    // Carried as a count of milliseconds, printed as a count.
    times.push(("rendered".to_owned(), Duration::from_millis(rendered)));
    Some(times)
}

/// The pages an update's line says were written (`25 pages written; …`,
/// `1 page written`, `3 written, 1 removed`, `no page changed`).
fn written_count(line: &str) -> usize {
    let (_, pages) = line.rsplit_once(": ").unwrap_or_default();
    pages
        .split(' ')
        .next()
        .and_then(|count| count.parse().ok())
        .unwrap_or(0)
}

/// The pages a `watch --verbose` update lists as written (`  wrote <path>`),
/// and their bytes on disk now.
fn pages_written(lines: &[String]) -> (usize, u64) {
    let pages: Vec<&str> = lines
        .iter()
        .filter_map(|line| line.trim_start().strip_prefix("wrote "))
        .map(str::trim)
        .collect();
    let bytes = pages
        .iter()
        .filter_map(|path| fs::metadata(path).ok())
        .map(|metadata| metadata.len())
        .sum();
    (pages.len(), bytes)
}

fn print_report(report: &Report) {
    let l = &report.latency;
    let r = &report.reported;
    println!(
        "\n{} notes ({:.1} MB of Markdown)",
        report.notes,
        mb(report.markdown_bytes)
    );
    println!(
        "  floor (read + parse, 2 threads)  {:>9.1} ms   cold build {:>9.1} ms ({:.1}× floor)",
        ms(report.floor.median),
        ms(report.cold_build.median),
        report.cold_build.median.as_secs_f64() / report.floor.median.as_secs_f64()
    );
    println!(
        "  watch set-up (first build incl.) {:>9.1} ms   RSS then {:.0} MB, peak {:.0} MB ({:.1}× Markdown)",
        ms(report.setup),
        mb(report.rss_after_setup),
        mb(report.peak_rss),
        report.peak_rss as f64 / report.markdown_bytes.max(1) as f64
    );
    println!(
        "  edit → last page in place, minus {} ms debounce ({} edits): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        DEBOUNCE.as_millis(),
        l.len(),
        ms(percentile(l, 50.0)),
        ms(percentile(l, 95.0)),
        ms(percentile(l, 100.0)),
    );
    println!(
        "  the first edit after set-up (a warm-up edit, not counted above): {:.1} ms",
        ms(report.first_save)
    );
    for (round, (created, removed, rendered)) in report.file_changes.iter().enumerate() {
        println!(
            "  a new interview note → update line, minus debounce (round {}): {:.1} ms ({rendered} pages rendered); removed: {:.1} ms",
            round + 1,
            ms(*created),
            ms(*removed),
        );
    }
    let t = &report.to_line;
    println!(
        "  edit → update line, minus debounce: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(percentile(t, 50.0)),
        ms(percentile(t, 95.0)),
        ms(percentile(t, 100.0)),
    );
    println!(
        "  update as watch reports it: p50 {:.0} ms, p95 {:.0} ms  (p50 latency = {:.3}× cold build)",
        ms(percentile(r, 50.0)),
        ms(percentile(r, 95.0)),
        percentile(l, 50.0).as_secs_f64() / report.cold_build.median.as_secs_f64()
    );
    // Where an update's time goes, and how much it writes: the overview pages
    // (every insight) grow with the vault, the other pages written do not.
    let names: Vec<&str> = report
        .stages
        .first()
        .map(|stages| stages.iter().map(|(name, _)| name.as_str()).collect())
        .unwrap_or_default();
    let medians: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(at, name)| {
            let mut times: Vec<Duration> = (report.stages.iter())
                .filter_map(|stages| stages.get(at).map(|(_, time)| *time))
                .collect();
            times.sort();
            let median = percentile(&times, 50.0);
            match *name {
                "rendered" => format!("{} pages rendered", median.as_millis()),
                _ => format!("{name} {:.1} ms", ms(median)),
            }
        })
        .collect();
    let mut bytes: Vec<u64> = report.written.iter().map(|(_, bytes)| *bytes).collect();
    bytes.sort();
    let mut pages: Vec<usize> = report.written.iter().map(|(pages, _)| *pages).collect();
    pages.sort();
    println!(
        "  per update, medians: {}; {} pages written, {:.2} MB",
        medians.join(", "),
        pages.get(pages.len() / 2).copied().unwrap_or_default(),
        mb(bytes.get(bytes.len() / 2).copied().unwrap_or_default())
    );
    if let Some(&(_, target)) = TARGETS.iter().find(|(notes, _)| *notes == report.notes) {
        let p95 = percentile(l, 95.0);
        println!(
            "  target p95 ≤ {} ms: {}",
            target.as_millis(),
            if p95 <= target { "met" } else { "MISSED" }
        );
    }
}

fn main() -> ExitCode {
    let settings = match settings(DEFAULT_SIZES, DEFAULT_EDITS) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let Some(binary) = option_env!("CARGO_BIN_EXE_throughline").map(PathBuf::from) else {
        eprintln!("error: the `throughline` binary target does not exist");
        return ExitCode::from(1);
    };
    let mut failed = false;
    for &notes in &settings.sizes {
        match measure(notes, &binary, settings.runs) {
            Ok(report) => print_report(&report),
            Err(message) => {
                eprintln!("FAILED {notes} notes: {message}");
                failed = true;
            }
        }
    }
    // Last: deleting thousands of pages slows the file creations that follow.
    for &notes in &settings.sizes {
        if let Err(message) = empty_removed(&vaults_root().join(format!("watch-{notes}"))) {
            eprintln!("warning: {message}");
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
