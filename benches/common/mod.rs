//! What the benchmarks share: settings from the environment, generated vaults
//! cached under `target/bench-vaults/`, the floor (list, read and parse every note
//! with pulldown-cmark), running the binary with its peak memory, and statistics.

#![allow(dead_code, reason = "each benchmark uses a different part")]

use std::fs::{self, File};
use std::hint::black_box;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pulldown_cmark::{Options, Parser};
use rayon::prelude::*;
use walkdir::WalkDir;

/// Seed of every benchmark vault; part of the cache marker.
pub const SEED: u64 = vaultgen::DEFAULT_SEED;

/// What the benchmark was asked to do.
pub struct Settings {
    pub sizes: Vec<usize>,
    pub runs: usize,
}

/// Reads the settings from the environment; an unparsable value is an error, not a
/// silent default, so a typo does not run a 100,000-note benchmark by surprise.
pub fn settings(default_sizes: &[usize], default_runs: usize) -> Result<Settings, String> {
    let sizes = match std::env::var("THROUGHLINE_BENCH_SIZES") {
        Ok(text) => text
            .split(',')
            .map(|s| s.trim().replace('_', ""))
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<usize>().ok().filter(|&n| n > 0).ok_or_else(|| {
                    format!("THROUGHLINE_BENCH_SIZES: `{s}` is not a positive note count")
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
        Err(_) => default_sizes.to_vec(),
    };
    if sizes.is_empty() {
        return Err("THROUGHLINE_BENCH_SIZES names no size".to_owned());
    }
    let runs = match std::env::var("THROUGHLINE_BENCH_RUNS") {
        Ok(text) => text
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("THROUGHLINE_BENCH_RUNS: `{text}` is not a positive number"))?,
        Err(_) => default_runs,
    };
    Ok(Settings { sizes, runs })
}

/// `target/bench-vaults`, honouring `CARGO_TARGET_DIR`.
pub fn vaults_root() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("bench-vaults")
}

/// The first line of a vault's marker file: what generated it.
pub fn marker_line(notes: usize) -> String {
    format!(
        "vaultgen format={} seed={SEED} notes={notes}",
        vaultgen::FORMAT_VERSION
    )
}

/// Returns the folder of a complete `notes`-note vault, generating it when it is missing,
/// incomplete (no marker: generation was interrupted) or from another generator version.
pub fn ensure_vault(root: &Path, notes: usize) -> io::Result<PathBuf> {
    let dir = root.join(format!("vault-{notes}"));
    let marker = root.join(format!("vault-{notes}.complete"));
    let expected = marker_line(notes);
    let is_complete = fs::read_to_string(&marker)
        .is_ok_and(|text| text.lines().next() == Some(expected.as_str()));
    if is_complete && dir.is_dir() {
        println!("reusing {} ({expected})", dir.display());
        return Ok(dir);
    }
    if marker.exists() {
        fs::remove_file(&marker)?;
    }
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(root)?;
    let started = Instant::now();
    let summary = vaultgen::generate(&dir, &vaultgen::GenOptions { notes, seed: SEED })?;
    println!(
        "generated {} in {:.1} s: {} notes, {:.1} MB of Markdown, {} folders",
        dir.display(),
        started.elapsed().as_secs_f64(),
        summary.notes,
        mb(summary.markdown_bytes),
        summary.folders,
    );
    let partial = root.join(format!("vault-{notes}.complete.tmp"));
    fs::write(
        &partial,
        format!("{expected}\nmarkdown_bytes={}\n", summary.markdown_bytes),
    )?;
    fs::rename(&partial, &marker)?;
    Ok(dir)
}

/// What one floor run read and parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloorWork {
    pub files: usize,
    pub bytes: u64,
    pub events: u64,
}

/// One floor run: list the `.md` files, then read and parse them all on `pool`.
pub fn floor(vault: &Path, pool: &rayon::ThreadPool) -> io::Result<FloorWork> {
    let files: Vec<PathBuf> = WalkDir::new(vault)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
        })
        .filter_map(Result::ok)
        .filter(|entry| {
            entry.file_type().is_file() && entry.path().extension().is_some_and(|ext| ext == "md")
        })
        .map(walkdir::DirEntry::into_path)
        .collect();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
        | Options::ENABLE_WIKILINKS;
    let (bytes, events) = pool.install(|| {
        files
            .par_iter()
            .map(|path| -> io::Result<(u64, u64)> {
                let text = fs::read_to_string(path)?;
                let mut events = 0u64;
                for (event, range) in Parser::new_ext(&text, options).into_offset_iter() {
                    black_box((&event, &range));
                    events += 1;
                }
                Ok((text.len() as u64, events))
            })
            .try_reduce(|| (0, 0), |a, b| Ok((a.0 + b.0, a.1 + b.1)))
    })?;
    Ok(FloorWork {
        files: files.len(),
        bytes,
        events,
    })
}

/// One `throughline check` run.
pub struct CheckRun {
    pub elapsed: Duration,
    pub peak_rss_bytes: u64,
    pub exit_code: i32,
}

/// Runs `throughline build <vault>` once.
pub fn build(binary: &Path, vault: &Path, stderr_path: &Path) -> Result<CheckRun, String> {
    let run = run_tool(binary, &["build"], vault, &[], stderr_path)?;
    if run.exit_code != 0 {
        return Err(format!("build exited with {}", run.exit_code));
    }
    Ok(run)
}

/// Takes away what `build` wrote, so the next build is cold and `check` sees the
/// vault as generated: the folders are moved into [`removed_root`], not
/// deleted. Deleting a build's 1,400 pages (14,000 at 100k) just before the next
/// build made ext4 scan past the recently freed inodes for every file the build
/// created (`recently_deleted` in a `perf` profile; ~0.5 s of system time at 10k),
/// which a user's first build on a new vault never meets. [`empty_removed`]
/// deletes them once the measurements are done (at 100k, six builds' pages,
/// ~2.6 GB, wait on disk until then).
pub fn remove_build_output(vault: &Path) -> Result<(), String> {
    for folder in ["Throughline", ".throughline"] {
        let path = vault.join(folder);
        if path.exists() {
            move_aside(&path, &removed_root(vault))?;
        }
    }
    Ok(())
}

/// Moves `path` into the folder `removed`, under a name no other move used
/// (this process's id, a count and the time).
pub fn move_aside(path: &Path, removed: &Path) -> Result<(), String> {
    static MOVES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    fs::create_dir_all(removed).map_err(|e| format!("cannot create {}: {e}", removed.display()))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let count = MOVES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let to = removed.join(format!("{}-{count}-{nanos}-{name}", std::process::id()));
    fs::rename(path, &to)
        .map_err(|e| format!("cannot move {} to {}: {e}", path.display(), to.display()))
}

/// Where [`remove_build_output`] puts the output it takes away: beside the
/// vault (`vault-10000.removed/`), outside what a walk of the vault sees.
pub fn removed_root(vault: &Path) -> PathBuf {
    let mut name = vault.file_name().unwrap_or_default().to_os_string();
    name.push(".removed");
    vault.with_file_name(name)
}

/// Deletes what [`remove_build_output`] moved away from `vault`.
pub fn empty_removed(vault: &Path) -> Result<(), String> {
    let removed = removed_root(vault);
    match fs::remove_dir_all(&removed) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(format!("cannot remove {}: {error}", removed.display())),
    }
}

/// Runs `throughline <command> <vault> <args>` once and waits for it with `wait4`, so
/// the peak RSS is the child's own.
pub fn run_tool(
    binary: &Path,
    command: &[&str],
    vault: &Path,
    args: &[&str],
    stderr_path: &Path,
) -> Result<CheckRun, String> {
    let stderr = File::create(stderr_path)
        .map_err(|e| format!("cannot create {}: {e}", stderr_path.display()))?;
    let started = Instant::now();
    let child = Command::new(binary)
        .args(command)
        .arg(vault)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let pid = libc::pid_t::try_from(child.id()).map_err(|_| "child pid out of range".to_owned())?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is a plain C struct for which all-zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own un-reaped child (std's `Child` never waited for it), and
        // both out-pointers point at live, writable locals of the right types.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(format!("wait4 failed: {error}"));
        }
    }
    let elapsed = started.elapsed();
    // The child is reaped; dropping `Child` neither waits nor kills.
    drop(child);
    let exit_code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if libc::WIFSIGNALED(status) {
        return Err(format!(
            "check was killed by signal {}",
            libc::WTERMSIG(status)
        ));
    } else {
        return Err(format!("check ended with wait status {status:#x}"));
    };
    let maxrss = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    // Linux reports kilobytes, macOS bytes.
    let peak_rss_bytes = if cfg!(target_os = "macos") {
        maxrss
    } else {
        maxrss * 1024
    };
    Ok(CheckRun {
        elapsed,
        peak_rss_bytes,
        exit_code,
    })
}

/// The last lines of the check's stderr, to show why it failed.
pub fn stderr_tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(12)..].join("\n    ");
    if tail.is_empty() {
        "(no stderr)".to_owned()
    } else {
        format!("    {tail}")
    }
}

/// Median, min and max of some durations.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub median: Duration,
    pub min: Duration,
    pub max: Duration,
}

impl Stats {
    pub fn of(samples: &[Duration]) -> Self {
        let mut sorted = samples.to_vec();
        sorted.sort();
        let middle = sorted.len() / 2;
        let median = if sorted.len() % 2 == 1 {
            sorted[middle]
        } else {
            (sorted[middle - 1] + sorted[middle]) / 2
        };
        Self {
            median,
            min: sorted[0],
            max: sorted[sorted.len() - 1],
        }
    }
}

/// Bytes as decimal megabytes.
pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// Milliseconds of a duration.
pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// The first interview note (in path order) and some insight titles to link.
pub fn edit_targets(vault: &Path) -> Result<(PathBuf, Vec<String>), String> {
    let notes_in = |folder: &str| -> Vec<PathBuf> {
        WalkDir::new(vault.join(folder))
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
            .map(walkdir::DirEntry::into_path)
            .collect()
    };
    let interview = notes_in("Interviews")
        .into_iter()
        .next()
        .ok_or("the vault has no interview")?;
    let insights: Vec<String> = notes_in("Insights")
        .iter()
        .take(5)
        .filter_map(|path| Some(path.file_stem()?.to_string_lossy().into_owned()))
        .collect();
    if insights.is_empty() {
        return Err("the vault has no insight".to_owned());
    }
    Ok((interview, insights))
}
