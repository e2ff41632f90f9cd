//! `throughline build`: write the consolidated pages.

use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::progress_bar::ProgressBar;
use super::{Global, Outcome, VaultArg};
use throughline::build;
use throughline::write::WriteMode;

#[derive(Args)]
pub struct BuildArgs {
    #[command(flatten)]
    vault: VaultArg,
    /// Write nothing; exit 1 if any page would change (for CI).
    #[arg(long, conflicts_with = "dry_run")]
    check: bool,
    /// Write nothing; list what would be written and removed.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: &BuildArgs, global: Global) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let mode = if args.check || args.dry_run {
        WriteMode::Check
    } else {
        WriteMode::Write
    };
    let progress = ProgressBar::start(global);
    let report = build(&args.vault.vault, mode)
        .with_context(|| format!("cannot build `{}`", args.vault.vault.display()))?;
    drop(progress);
    let write = &report.write;
    let prefix = args.vault.display_prefix();
    let shown = |path: &throughline::scan::VaultPath| {
        throughline::diagnostics::render::display_path(&prefix, path.as_str())
    };
    for path in &write.foreign {
        eprintln!(
            "warning: `{}` is not a page throughline generated (no `generated-by: throughline`); it was left alone",
            shown(path)
        );
    }
    if mode == WriteMode::Check {
        for path in &write.written {
            println!("would write  {}", shown(path));
        }
        for path in &write.removed {
            println!("would remove {}", shown(path));
        }
    } else if global.verbose {
        for path in &write.written {
            eprintln!("wrote   {}", shown(path));
        }
        for path in &write.removed {
            eprintln!("removed {}", shown(path));
        }
    }
    if global.verbose {
        let stages: Vec<String> = report
            .timings
            .iter()
            .map(|(stage, time)| format!("{stage} {} ms", time.as_millis()))
            .collect();
        eprintln!("{}", stages.join(", "));
    }
    if !global.quiet {
        let problems = report.problems.errors + report.problems.warnings;
        let verb = if mode == WriteMode::Check {
            "would be "
        } else {
            ""
        };
        println!(
            "{} notes, {} pages: {} {verb}written, {} unchanged, {} {verb}removed; {} in {} ms{}",
            report.stats.notes,
            report.pages,
            write.written.len(),
            write.unchanged,
            write.removed.len(),
            match problems {
                0 => "no problems".to_owned(),
                1 => "1 problem (see `throughline check`)".to_owned(),
                n => format!("{n} problems (see `throughline check`)"),
            },
            started.elapsed().as_millis(),
            if write.foreign.is_empty() {
                String::new()
            } else {
                format!("; {} files left alone", write.foreign.len())
            },
        );
    }
    Ok(if args.check && write.has_changes() {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}
