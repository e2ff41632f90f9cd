//! Parse and link lookup on one thread, for choosing between two versions of
//! the parser: steadier on a noisy machine than whole `check` runs, which
//! share two cores with everything else.
//!
//! ```text
//! cargo run --release --example parsebench -- VAULT [pulldown|check|all|prelink]
//! ```
//!
//! Every note of `VAULT` is read into memory first; then, five times over:
//! - `pulldown`: pulldown-cmark alone, with throughline's options (the floor's
//!   parse, on one thread);
//! - `check` (the default): throughline's parse of each note as `check` does it;
//! - `all`: throughline's parse keeping everything, as `build` does it;
//! - `prelink`: each note's links looked up in the vault's name index, as the
//!   load does right after a note is parsed (the notes parsed beforehand).
//!
//! Each round prints its time and a count (events, or links) that must be the
//! same from one version to the next.

use std::path::Path;
use std::time::{Duration, Instant};

use pulldown_cmark::Parser;
use throughline::parse::{BodyScope, MARKDOWN_OPTIONS, Note, NoteBytes, parse_note_for};
use throughline::resolve::{NameIndex, prelink};
use throughline::scan::{FileKind, ScanOptions, scan};

/// The binary's allocator, for the same costs as `throughline` itself.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`, as `src/main.rs` sets it for one-off
/// commands.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

const ROUNDS: usize = 5;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(vault) = args.next() else {
        eprintln!("usage: parsebench VAULT [pulldown|check|all|prelink]");
        std::process::exit(2);
    };
    let mode = args.next().unwrap_or_else(|| "check".to_owned());
    configure_memory_as_check_does();
    let options = ScanOptions {
        output_folder: "Throughline".to_owned(),
        excluded: Default::default(),
        ignored_folders: Vec::new(),
    };
    let scan = match scan(Path::new(&vault), &options) {
        Ok(scan) => scan,
        Err(error) => {
            eprintln!("parsebench: {error}");
            std::process::exit(2);
        }
    };
    let notes: Vec<(u32, &throughline::scan::VaultFile, Vec<u8>)> = scan
        .files
        .iter()
        .enumerate()
        .filter(|(_, file)| file.kind == FileKind::Note)
        .filter_map(|(id, file)| Some((id as u32, file, std::fs::read(&*file.fs_path).ok()?)))
        .collect();
    eprintln!("{} notes read", notes.len());
    // The bytes each round parses, copied before its clock starts (a parse
    // takes its note's bytes).
    let copies = || -> Vec<Vec<u8>> { notes.iter().map(|(_, _, bytes)| bytes.clone()).collect() };
    let parse = |scope: BodyScope| {
        let notes = &notes;
        move |copies: Vec<Vec<u8>>| {
            notes
                .iter()
                .zip(copies)
                .map(|((_, file, _), bytes)| {
                    let note = parse_note_for(file.path.clone(), NoteBytes::Read(bytes), |_| scope);
                    note.links.len()
                })
                .sum::<usize>()
        }
    };
    match mode.as_str() {
        "pulldown" => rounds("pulldown", || {
            notes
                .iter()
                .filter_map(|(_, _, bytes)| std::str::from_utf8(bytes).ok())
                .map(|text| {
                    Parser::new_ext(text, MARKDOWN_OPTIONS)
                        .into_offset_iter()
                        .map(std::hint::black_box)
                        .count()
                })
                .sum()
        }),
        "check" => rounds_with("check", copies, parse(BodyScope::ForCheck)),
        "all" => rounds_with("all", copies, parse(BodyScope::Everything)),
        "prelink" => {
            let index = NameIndex::new(&scan.files);
            let parsed: Vec<(u32, Note)> = notes
                .iter()
                .map(|(id, file, bytes)| {
                    let note =
                        parse_note_for(file.path.clone(), NoteBytes::Read(bytes.clone()), |_| {
                            BodyScope::ForCheck
                        });
                    (*id, note)
                })
                .collect();
            rounds("prelink", || {
                parsed
                    .iter()
                    .map(|(id, note)| {
                        std::hint::black_box(prelink(&index, note, *id))
                            .resolutions
                            .len()
                    })
                    .sum()
            });
        }
        other => {
            eprintln!("parsebench: unknown mode `{other}` (pulldown, check, all or prelink)");
            std::process::exit(2);
        }
    }
}

/// Runs `work` [`ROUNDS`] times, printing each round's time and count.
fn rounds(name: &str, mut work: impl FnMut() -> usize) {
    rounds_with(name, || (), |()| work());
}

/// Runs `work` [`ROUNDS`] times on what `prepare` gives it (prepared before
/// the clock starts), printing each round's time and count, then the median.
fn rounds_with<T>(name: &str, prepare: impl Fn() -> T, mut work: impl FnMut(T) -> usize) {
    let mut times: Vec<Duration> = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let input = prepare();
        let started = Instant::now();
        let count = work(input);
        let took = started.elapsed();
        println!("{name} {took:.1?} ({count})");
        times.push(took);
    }
    times.sort();
    println!("{name} median {:.1?}", times[ROUNDS / 2]);
}

/// Memory as `src/main.rs` sets it up for `check`: freed memory kept for
/// later use, no transparent huge pages.
fn configure_memory_as_check_does() {
    // SAFETY: `mi_option_set` may be called at any time; the option is an
    // integer mimalloc reads on its later calls.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0)` only sets a flag of
        // the calling process; it reads and writes no memory of ours. The
        // arguments after the option are read as `unsigned long`.
        let (on, zero): (libc::c_ulong, libc::c_ulong) = (1, 0);
        let result = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, on, zero, zero, zero) };
        if result != 0 {
            eprintln!(
                "parsebench: transparent huge pages stay on ({}): times differ from `check`'s",
                std::io::Error::last_os_error()
            );
        }
    }
}
