//! `throughline watch`: build, then keep the pages current; one line per update.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use super::progress_bar::{self, ProgressBar};
use super::{Global, Outcome, VaultArg};
use throughline::diagnostics::render::display_path;
use throughline::watch::{Notice, Reason, Update, WatchOptions, WatchSession};

#[derive(Args)]
pub struct WatchArgs {
    #[command(flatten)]
    vault: VaultArg,
    /// Poll the file system instead of kernel notifications (network shares,
    /// WSL, or when the watch limit is reached).
    #[arg(long)]
    poll: bool,
    /// Milliseconds to collect events before an update.
    #[arg(long, value_name = "MS", default_value_t = 50)]
    debounce: u64,
}

pub fn run(args: &WatchArgs, global: Global) -> anyhow::Result<Outcome> {
    let stop = Arc::new(AtomicBool::new(false));
    let setting_up = Arc::new(AtomicBool::new(true));
    let (handler_stop, handler_setting_up) = (Arc::clone(&stop), Arc::clone(&setting_up));
    let quiet = global.quiet;
    ctrlc::set_handler(move || {
        // A second Ctrl-C stops at once: every page on disk is whole (each
        // is renamed into place), a temporary file left behind is hidden and
        // removed by the next run, and so is the lock (its process is gone).
        if handler_stop.swap(true, Ordering::Relaxed) {
            match quiet {
                true => std::process::exit(130),
                false => progress_bar::say_and_exit("stopping at once", 130),
            }
        }
        if handler_setting_up.load(Ordering::Relaxed) && !quiet {
            progress_bar::say(
                "stopping once the first build is done (Ctrl-C again to stop at once)",
            );
        }
    })
    .context("cannot install the Ctrl-C handler")?;
    let options = WatchOptions {
        poll: args.poll,
        debounce: Duration::from_millis(args.debounce),
    };
    let root = &args.vault.vault;
    let prefix = args.vault.display_prefix();
    // The first build reads the whole vault: a bar while it runs, none for
    // the updates (each has its line).
    let progress = ProgressBar::start(global);
    let (mut session, first) = WatchSession::start(root, options, &stop)
        .with_context(|| format!("cannot watch `{}`", root.display()))?;
    drop(progress);
    print_update(&first, &prefix, global);
    // From here on, Ctrl-C stops at the next wait for events.
    setting_up.store(false, Ordering::Relaxed);
    if stop.load(Ordering::Relaxed) {
        drop(session);
        println!("stopped");
        return Ok(Outcome::Clean);
    }
    // The first build needed far more memory than an update will: once what
    // it freed is dropped, give it back (updates keep theirs for a while).
    // Before saying it is watching: a save made meanwhile would wait for it.
    throughline::pipeline::wait_for_background_drops();
    crate::return_freed_memory();
    println!(
        "watching {} for changes{} (Ctrl-C to stop)",
        if prefix == "." {
            "this folder".to_owned()
        } else {
            format!("`{prefix}`")
        },
        if args.poll { ", polling" } else { "" }
    );
    let mut notice = |notice: Notice| match notice {
        Notice::VaultMissing => {
            eprintln!("warning: the vault folder `{prefix}` is gone; waiting for it to come back")
        }
        Notice::VaultBack => eprintln!("the vault folder `{prefix}` is back; rebuilding"),
        Notice::WatcherError(message) => eprintln!("warning: {message}; comparing every file"),
        Notice::ConfigError(message) => {
            eprintln!("warning: {message}; keeping the previous configuration")
        }
        // Pages rendered before the failure are written (each whole; pages
        // may disagree until the next update); the rest wait for the fix.
        Notice::UpdateFailed(message) => {
            eprintln!("error: {message}; not every page was updated: fix it and save again")
        }
        Notice::ManifestNotSaved(message) => eprintln!(
            "warning: {message}; the pages are in place, and the next update saves the manifest again"
        ),
    };
    while let Some(update) = session.next_update(&stop, &mut notice)? {
        print_update(&update, &prefix, global);
    }
    drop(session);
    println!("stopped");
    Ok(Outcome::Clean)
}

fn print_update(update: &Update, prefix: &str, global: Global) {
    if global.quiet {
        return;
    }
    let shown = |path: &throughline::scan::VaultPath| display_path(prefix, path.as_str());
    for path in &update.kept_last_good {
        eprintln!(
            "warning: `{}` has invalid frontmatter; its last good version is used until it is fixed (see `throughline check`)",
            shown(path)
        );
    }
    for path in &update.foreign {
        eprintln!(
            "warning: `{}` is not a page throughline generated; it was left alone",
            shown(path)
        );
    }
    let what = match update.reason {
        Reason::Start => format!("built {} notes", update.notes),
        Reason::Rescan => "compared every file".to_owned(),
        Reason::Settings => "settings or templates changed".to_owned(),
        Reason::Files => match update.changed.as_slice() {
            [] => "folders changed".to_owned(),
            [one] => format!("{} changed", shown(one)),
            many => format!("{} files changed", many.len()),
        },
    };
    let pages = match (update.written.len(), update.removed.len()) {
        (0, 0) => "no page changed".to_owned(),
        (written, 0) => format!(
            "{written} {} written",
            if written == 1 { "page" } else { "pages" }
        ),
        (written, removed) => format!("{written} written, {removed} removed"),
    };
    let problems = update.problems.errors + update.problems.warnings;
    println!(
        "{what}: {pages}{} in {} ms",
        match problems {
            0 => String::new(),
            1 => "; 1 problem".to_owned(),
            n => format!("; {n} problems"),
        },
        update.elapsed.as_millis()
    );
    if global.verbose {
        let stages: Vec<String> = update
            .timings
            .iter()
            .map(|(stage, time)| format!("{stage} {:.1} ms", time.as_secs_f64() * 1e3))
            .collect();
        println!(
            "  {}; {} of {} pages rendered",
            stages.join(", "),
            update.rendered.0,
            update.rendered.1
        );
        for path in &update.written {
            println!("  wrote   {}", shown(path));
        }
        for path in &update.removed {
            println!("  removed {}", shown(path));
        }
    }
}
