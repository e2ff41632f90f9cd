//! Benchmark of `throughline check` against its floors, on generated vaults.
//!
//! Run it with:
//!
//! ```text
//! cargo bench --bench check                                   # 10,000 and 100,000 notes, 5 runs
//! THROUGHLINE_BENCH_SIZES=1000 THROUGHLINE_BENCH_RUNS=3 cargo bench --bench check   # smoke run
//! ```
//!
//! For each vault size it:
//!
//! 1. generates a vault with [`vaultgen`] under `target/bench-vaults/vault-<N>/` (or
//!    reuses it when `target/bench-vaults/vault-<N>.complete` records the same generator
//!    format, seed and size; an incomplete or stale vault is deleted and regenerated);
//! 2. measures the **floor** in process: list the vault's `.md` files with `walkdir`,
//!    then, on a rayon pool of exactly 2 threads, read every file and parse it with
//!    `pulldown_cmark::Parser::new_ext(..).into_offset_iter()` (tables, footnotes,
//!    strikethrough, task lists, math, wikilinks), consuming every event. No tool that
//!    reads and parses every note can be faster than this;
//! 3. measures `throughline check <vault> --format json` end to end as a child process
//!    (stdout to `/dev/null`, stderr to `target/bench-vaults/check-stderr.txt`), and its
//!    peak resident memory from `wait4`'s `ru_maxrss` for that child alone. Exit code 0
//!    (clean) and 1 (problems found: the generated vault has broken links on purpose) are
//!    both fine; exit 2, a signal or a failure to start fails the benchmark;
//! 4. after one warm-up run of each (so both see a warm page cache), runs floor and check
//!    alternately `THROUGHLINE_BENCH_RUNS` times (default 5) and reports medians, min and
//!    max;
//! 5. measures `throughline build <vault>`: cold (the output folder and `.throughline/`
//!    removed before each run, so every page is written) and with nothing changed (every
//!    page compared, none written), median of the same number of runs; then, with the
//!    pages in place, `check` and a build after one interview was edited (a line linking
//!    an insight added, the note put back afterwards), and removes the output;
//! 6. when `obsidian-export` (a peer: Rust and pulldown-cmark, it reads a vault, resolves
//!    its links and embeds, and writes every note out) is on `PATH`, runs it
//!    (`--no-recursive-embeds`) on vaults of
//!    at most `THROUGHLINE_BENCH_PEER_NOTES` notes (default 1,000: it took 508 s on the
//!    10,000-note vault), median of up to 3 runs, beside check and the cold build.
//!
//! The table ends with the product's speed targets (product spec §6, issues 2 and 3):
//! check ≤ 2× floor at 10,000 notes, check ≤ 3 s at 100,000 notes, peak RSS ≤ 3× the
//! vault's Markdown bytes, cold build ≤ 2.5× floor at 10,000 notes, a no-change build ≤
//! half the cold build.
//! A missed target is printed as `MISSED` but the benchmark still exits 0: it is a report,
//! not a test. It exits 1 only when the benchmark itself could not run (the check crashed
//! or exited 2, the binary is missing, a vault could not be generated).
//!
//! Environment:
//! - `THROUGHLINE_BENCH_SIZES`: comma-separated note counts (default `10000,100000`).
//! - `THROUGHLINE_BENCH_RUNS`: measured runs per size (default 5, at least 1).
//! - `THROUGHLINE_BENCH_PEER_NOTES`: the largest vault the peer runs on (default 1000).
//! - `CARGO_TARGET_DIR`: where `bench-vaults/` lives (default `<package>/target`).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use common::{
    CheckRun, FloorWork, Stats, build, edit_targets, empty_removed, ensure_vault, floor, mb, ms,
    remove_build_output, run_tool, settings, stderr_tail, vaults_root,
};

/// Sizes measured when `THROUGHLINE_BENCH_SIZES` is not set.
const DEFAULT_SIZES: &[usize] = &[10_000, 100_000];

/// Measured runs when `THROUGHLINE_BENCH_RUNS` is not set.
const DEFAULT_RUNS: usize = 5;

/// Threads of the floor's rayon pool: the 2-core machine of the product's targets.
const FLOOR_THREADS: usize = 2;

/// Target: check at most this many times the floor, at [`RATIO_TARGET_NOTES`] notes.
const RATIO_TARGET: f64 = 2.0;
/// Vault size the ratio target applies to.
const RATIO_TARGET_NOTES: usize = 10_000;
/// Target: check at most this long, at [`TIME_TARGET_NOTES`] notes.
const TIME_TARGET: Duration = Duration::from_secs(3);
/// Vault size the time target applies to.
const TIME_TARGET_NOTES: usize = 100_000;
/// Target: a cold build at most this many times the floor, at [`RATIO_TARGET_NOTES`].
const BUILD_RATIO_TARGET: f64 = 2.5;
/// Target: peak RSS at most this many times the vault's Markdown bytes, at every size.
const RSS_TARGET: f64 = 3.0;

/// The measurements of one vault size.
struct SizeReport {
    notes: usize,
    work: FloorWork,
    floor: Stats,
    check: Stats,
    peak_rss_bytes: u64,
    exit_code: i32,
    cold_build: Stats,
    cold_rss_bytes: u64,
    no_change_build: Stats,
    /// `check` with the pages in place.
    check_built: Stats,
    /// `build` after one interview was edited, the pages in place.
    one_edit_build: Stats,
    /// The peer's median time and peak RSS, when it ran.
    peer: Option<(Stats, u64)>,
}

/// The peer tool's binary, if it is on `PATH`.
fn peer_binary() -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|folder| folder.join(PEER))
        .find(|candidate| candidate.is_file())
}

/// The peer measured beside `check` and `build`.
const PEER: &str = "obsidian-export";

/// Runs the peer on `vault` (exporting into a fresh folder) up to 3 times.
fn measure_peer(
    peer: &Path,
    vault: &Path,
    stderr_path: &Path,
    runs: usize,
) -> Result<(Stats, u64), String> {
    let out = vault.with_extension("peer-export");
    let out_arg = out.to_string_lossy().into_owned();
    let mut times = Vec::new();
    let mut rss = 0;
    for _ in 0..runs.clamp(1, 3) {
        if out.exists() {
            fs::remove_dir_all(&out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
        }
        fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
        // The generated vault has notes that embed themselves (an edge case
        // Obsidian shows once); the peer stops at them unless told to skip.
        let run = run_tool(
            peer,
            &[],
            vault,
            &[&out_arg, "--no-recursive-embeds"],
            stderr_path,
        )?;
        if run.exit_code != 0 {
            return Err(format!("{PEER} exited with {}", run.exit_code));
        }
        times.push(run.elapsed);
        rss = rss.max(run.peak_rss_bytes);
    }
    fs::remove_dir_all(&out).map_err(|e| format!("cannot remove {}: {e}", out.display()))?;
    Ok((Stats::of(&times), rss))
}

/// Runs `throughline check <vault> --format json` once.
fn check(binary: &Path, vault: &Path, stderr_path: &Path) -> Result<CheckRun, String> {
    run_tool(
        binary,
        &["check"],
        vault,
        &["--format", "json"],
        stderr_path,
    )
}

/// Measures one size: warm-up, then floor and check alternately.
fn measure(
    notes: usize,
    vault: &Path,
    binary: &Path,
    stderr_path: &Path,
    pool: &rayon::ThreadPool,
    runs: usize,
) -> Result<SizeReport, String> {
    let work = floor(vault, pool).map_err(|e| format!("floor failed: {e}"))?;
    if work.files != notes {
        return Err(format!(
            "{} has {} notes, expected {notes}; delete it to regenerate",
            vault.display(),
            work.files
        ));
    }
    let with_stderr = |message: String| format!("{message}\n{}", stderr_tail(stderr_path));
    let warm = check(binary, vault, stderr_path).map_err(with_stderr)?;
    if !matches!(warm.exit_code, 0 | 1) {
        return Err(with_stderr(format!("check exited with {}", warm.exit_code)));
    }
    let mut floor_times = Vec::with_capacity(runs);
    let mut check_times = Vec::with_capacity(runs);
    let mut peak_rss_bytes = warm.peak_rss_bytes;
    let mut exit_code = warm.exit_code;
    for _ in 0..runs {
        let started = Instant::now();
        let again = floor(vault, pool).map_err(|e| format!("floor failed: {e}"))?;
        floor_times.push(started.elapsed());
        assert_eq!(again, work, "the floor must do the same work every run");
        let run = check(binary, vault, stderr_path).map_err(with_stderr)?;
        if !matches!(run.exit_code, 0 | 1) {
            return Err(with_stderr(format!("check exited with {}", run.exit_code)));
        }
        check_times.push(run.elapsed);
        peak_rss_bytes = peak_rss_bytes.max(run.peak_rss_bytes);
        exit_code = run.exit_code;
    }
    // Builds: cold (no pages, no manifest) then with nothing changed.
    remove_build_output(vault)?;
    build(binary, vault, stderr_path).map_err(with_stderr)?;
    let mut cold_times = Vec::with_capacity(runs);
    let mut cold_rss_bytes = 0;
    for _ in 0..runs {
        remove_build_output(vault)?;
        let run = build(binary, vault, stderr_path).map_err(with_stderr)?;
        cold_times.push(run.elapsed);
        cold_rss_bytes = cold_rss_bytes.max(run.peak_rss_bytes);
    }
    let mut no_change_times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let run = build(binary, vault, stderr_path).map_err(with_stderr)?;
        no_change_times.push(run.elapsed);
    }
    // With the pages in place, as in a vault whose pages are kept: `check`,
    // and a build after one interview was edited (a line added that links an
    // insight; the note is put back afterwards).
    let mut check_built_times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let run = check(binary, vault, stderr_path).map_err(with_stderr)?;
        if !matches!(run.exit_code, 0 | 1) {
            remove_build_output(vault)?;
            return Err(with_stderr(format!("check exited with {}", run.exit_code)));
        }
        check_built_times.push(run.elapsed);
    }
    let (interview, insights) = edit_targets(vault)?;
    let original = fs::read_to_string(&interview).map_err(|e| e.to_string())?;
    let edits = (0..runs).map(|edit| -> Result<Duration, String> {
        let insight = &insights[edit % insights.len()];
        let text = format!(
            "{original}\n- Benchmark edit {edit}: the export broke again. [[{insight}]] #pain\n"
        );
        fs::write(&interview, text).map_err(|e| format!("cannot edit the note: {e}"))?;
        let run = build(binary, vault, stderr_path).map_err(with_stderr)?;
        Ok(run.elapsed)
    });
    // Collected before the note is put back, whether a build failed or not:
    // the cached vault must stay as generated.
    let one_edit_times: Result<Vec<Duration>, String> = edits.collect();
    fs::write(&interview, &original).map_err(|e| e.to_string())?;
    remove_build_output(vault)?;
    let one_edit_times = one_edit_times?;
    let peer_limit: usize = std::env::var("THROUGHLINE_BENCH_PEER_NOTES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1000);
    let peer = match peer_binary() {
        Some(peer) if notes <= peer_limit => match measure_peer(&peer, vault, stderr_path, runs) {
            Ok(measured) => Some(measured),
            Err(message) => {
                eprintln!("{PEER} on {notes} notes: {message} (not reported)");
                None
            }
        },
        _ => None,
    };
    Ok(SizeReport {
        notes,
        work,
        floor: Stats::of(&floor_times),
        check: Stats::of(&check_times),
        peak_rss_bytes,
        exit_code,
        cold_build: Stats::of(&cold_times),
        cold_rss_bytes,
        no_change_build: Stats::of(&no_change_times),
        check_built: Stats::of(&check_built_times),
        one_edit_build: Stats::of(&one_edit_times),
        peer,
    })
}

/// `ok` or `MISSED`.
fn verdict(holds: bool) -> &'static str {
    if holds { "ok" } else { "MISSED" }
}

/// Prints the results table and the targets.
fn print_report(reports: &[SizeReport], runs: usize) {
    println!();
    println!(
        "throughline check vs floor (median of {runs} runs after 1 warm-up; floor = walkdir + read + pulldown-cmark on {FLOOR_THREADS} threads)"
    );
    println!();
    println!(
        "{:>8} {:>8} {:>10} {:>9} {:>13} {:>9} {:>13} {:>7} {:>8} {:>7} {:>5}",
        "notes",
        "md MB",
        "events",
        "floor ms",
        "floor min-max",
        "check ms",
        "check min-max",
        "ratio",
        "RSS MB",
        "RSS/md",
        "exit"
    );
    for r in reports {
        println!(
            "{:>8} {:>8.1} {:>10} {:>9.0} {:>13} {:>9.0} {:>13} {:>6.2}x {:>8.1} {:>6.2}x {:>5}",
            r.notes,
            mb(r.work.bytes),
            r.work.events,
            ms(r.floor.median),
            format!("{:.0}-{:.0}", ms(r.floor.min), ms(r.floor.max)),
            ms(r.check.median),
            format!("{:.0}-{:.0}", ms(r.check.min), ms(r.check.max)),
            r.check.median.as_secs_f64() / r.floor.median.as_secs_f64(),
            mb(r.peak_rss_bytes),
            r.peak_rss_bytes as f64 / r.work.bytes as f64,
            r.exit_code,
        );
    }
    println!();
    println!(
        "throughline build (median of {runs} runs; cold = no pages and no manifest, no-change = nothing to write)"
    );
    println!();
    println!(
        "{:>8} {:>9} {:>13} {:>7} {:>9} {:>13} {:>12} {:>8}",
        "notes",
        "cold ms",
        "cold min-max",
        "/floor",
        "same ms",
        "same min-max",
        "same/cold",
        "RSS MB"
    );
    for r in reports {
        println!(
            "{:>8} {:>9.0} {:>13} {:>6.2}x {:>9.0} {:>13} {:>11.2}x {:>8.1}",
            r.notes,
            ms(r.cold_build.median),
            format!("{:.0}-{:.0}", ms(r.cold_build.min), ms(r.cold_build.max)),
            r.cold_build.median.as_secs_f64() / r.floor.median.as_secs_f64(),
            ms(r.no_change_build.median),
            format!(
                "{:.0}-{:.0}",
                ms(r.no_change_build.min),
                ms(r.no_change_build.max)
            ),
            r.no_change_build.median.as_secs_f64() / r.cold_build.median.as_secs_f64(),
            mb(r.cold_rss_bytes),
        );
    }
    println!();
    println!(
        "with the pages in place (median of {runs} runs; one edit = a line linking an insight added to one interview)"
    );
    println!();
    println!(
        "{:>8} {:>9} {:>13} {:>7} {:>10} {:>14} {:>7}",
        "notes", "check ms", "check min-max", "/floor", "1 edit ms", "1 edit min-max", "/cold"
    );
    for r in reports {
        let range = |stats: &Stats| format!("{:.0}-{:.0}", ms(stats.min), ms(stats.max));
        println!(
            "{:>8} {:>9.0} {:>13} {:>6.2}x {:>10.0} {:>14} {:>6.2}x",
            r.notes,
            ms(r.check_built.median),
            range(&r.check_built),
            r.check_built.median.as_secs_f64() / r.floor.median.as_secs_f64(),
            ms(r.one_edit_build.median),
            range(&r.one_edit_build),
            r.one_edit_build.median.as_secs_f64() / r.cold_build.median.as_secs_f64(),
        );
    }
    let peers: Vec<&SizeReport> = reports.iter().filter(|r| r.peer.is_some()).collect();
    if !peers.is_empty() {
        println!();
        println!(
            "peer: {PEER} <vault> <folder> (median of up to 3 runs; a different job: it writes every note out)"
        );
        println!();
        println!(
            "{:>8} {:>9} {:>13} {:>8} {:>9} {:>9}",
            "notes", "peer ms", "peer min-max", "RSS MB", "/check", "/cold"
        );
        for r in peers {
            let Some((peer, rss)) = &r.peer else { continue };
            println!(
                "{:>8} {:>9.0} {:>13} {:>8.1} {:>8.2}x {:>8.2}x",
                r.notes,
                ms(peer.median),
                format!("{:.0}-{:.0}", ms(peer.min), ms(peer.max)),
                mb(*rss),
                peer.median.as_secs_f64() / r.check.median.as_secs_f64(),
                peer.median.as_secs_f64() / r.cold_build.median.as_secs_f64(),
            );
        }
    }
    println!();
    println!("targets (product spec §6):");
    for r in reports {
        let ratio = r.check.median.as_secs_f64() / r.floor.median.as_secs_f64();
        if r.notes == RATIO_TARGET_NOTES {
            println!(
                "  {:>7} notes: check <= {RATIO_TARGET}x floor        {:>6} ({ratio:.2}x)",
                r.notes,
                verdict(ratio <= RATIO_TARGET)
            );
        }
        if r.notes == RATIO_TARGET_NOTES {
            let cold = r.cold_build.median.as_secs_f64() / r.floor.median.as_secs_f64();
            println!(
                "  {:>7} notes: cold build <= {BUILD_RATIO_TARGET}x floor  {:>6} ({cold:.2}x)",
                r.notes,
                verdict(cold <= BUILD_RATIO_TARGET)
            );
        }
        let same = r.no_change_build.median.as_secs_f64() / r.cold_build.median.as_secs_f64();
        println!(
            "  {:>7} notes: no-change build <= 0.5x cold {:>5} ({same:.2}x)",
            r.notes,
            verdict(same <= 0.5)
        );
        if r.notes == TIME_TARGET_NOTES {
            println!(
                "  {:>7} notes: check <= {:.0} s              {:>6} ({:.2} s)",
                r.notes,
                TIME_TARGET.as_secs_f64(),
                verdict(r.check.median <= TIME_TARGET),
                r.check.median.as_secs_f64()
            );
        }
        let rss_ratio = r.peak_rss_bytes as f64 / r.work.bytes as f64;
        println!(
            "  {:>7} notes: peak RSS <= {RSS_TARGET}x markdown  {:>6} ({:.1} MB = {rss_ratio:.2}x of {:.1} MB)",
            r.notes,
            verdict(rss_ratio <= RSS_TARGET),
            mb(r.peak_rss_bytes),
            mb(r.work.bytes)
        );
    }
    if !reports
        .iter()
        .any(|r| r.notes == RATIO_TARGET_NOTES || r.notes == TIME_TARGET_NOTES)
    {
        println!(
            "  (the time targets apply at {RATIO_TARGET_NOTES} and {TIME_TARGET_NOTES} notes; none measured)"
        );
    }
}

fn main() -> ExitCode {
    let settings = match settings(DEFAULT_SIZES, DEFAULT_RUNS) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    // SAFETY: sysconf only reads a system constant.
    let online = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    println!("machine: {cores} cores available to this process ({online} online)");

    let Some(binary) = option_env!("CARGO_BIN_EXE_throughline").map(PathBuf::from) else {
        eprintln!(
            "error: the `throughline` binary target does not exist yet, nothing to benchmark"
        );
        return ExitCode::from(1);
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(FLOOR_THREADS)
        .build()
    {
        Ok(pool) => pool,
        Err(error) => {
            eprintln!("error: cannot build the floor's thread pool: {error}");
            return ExitCode::from(1);
        }
    };
    let root = vaults_root();
    let stderr_path = root.join("check-stderr.txt");
    let mut reports = Vec::new();
    let mut measured = Vec::new();
    let mut failed = false;
    for &notes in &settings.sizes {
        let vault = match ensure_vault(&root, notes) {
            Ok(vault) => vault,
            Err(error) => {
                eprintln!("FAILED {notes} notes: cannot generate the vault: {error}");
                failed = true;
                continue;
            }
        };
        match measure(notes, &vault, &binary, &stderr_path, &pool, settings.runs) {
            Ok(report) => reports.push(report),
            Err(message) => {
                eprintln!("FAILED {notes} notes: {message}");
                failed = true;
            }
        }
        measured.push(vault);
    }
    // Last: deleting thousands of pages slows the file creations that follow.
    for vault in &measured {
        if let Err(message) = empty_removed(vault) {
            eprintln!("warning: {message}");
        }
    }
    if !reports.is_empty() {
        print_report(&reports, settings.runs);
    }
    if failed {
        eprintln!("\nthe benchmark FAILED for at least one size (see above)");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
