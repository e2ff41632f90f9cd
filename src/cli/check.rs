//! `throughline check`: diagnostics only, for people and for CI.

use std::io::{self, Write};
use std::time::Instant;

use anyhow::Context;
use clap::{Args, ValueEnum};
use serde_json::json;

use super::progress_bar::ProgressBar;
use super::{Global, Outcome, VaultArg};
use throughline::config;
use throughline::diagnostics::render::{github, human, json};
use throughline::diagnostics::{Severity, Summary};
use throughline::pipeline::check_vault;

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    vault: VaultArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    format: CheckFormat,
    /// Fail (exit 1) on warnings too, not only on errors.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    /// Readable blocks with the source line and a caret.
    Human,
    /// One JSON document (schema 1).
    Json,
    /// GitHub Actions annotations, one line per problem.
    Github,
}

pub fn run(args: &CheckArgs, global: Global) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let config = config::load(&args.vault.vault)?;
    let progress = ProgressBar::start(global);
    let vault = check_vault(&args.vault.vault, &config)
        .with_context(|| format!("cannot check `{}`", args.vault.vault.display()))?;
    drop(progress);
    let stats = vault.stats();
    let prefix = args.vault.display_prefix();
    let shown = || {
        vault
            .diagnostics
            .iter()
            .filter(|d| !(global.quiet && d.severity == Severity::Info))
    };
    let counts = Summary::of(&vault.diagnostics);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format {
        CheckFormat::Human => {
            let style = human::HumanStyle {
                color: global.color,
                path_prefix: &prefix,
            };
            human::render(&mut out, shown(), style)?;
            if !global.quiet {
                writeln!(
                    out,
                    "checked {} notes ({} files in the vault), {} links ({} unresolved): {}",
                    stats.notes,
                    stats.files,
                    stats.links,
                    stats.unresolved,
                    count_words(counts)
                )?;
            }
        }
        CheckFormat::Json => {
            let extra = json!({
                "files": stats.files,
                "notes": stats.notes,
                "links": stats.links,
                "resolved": stats.resolved,
                "unresolved": stats.unresolved,
                "invalid_frontmatter": stats.invalid_frontmatter,
            });
            json::render(&mut out, &prefix, shown(), counts, extra)?;
        }
        CheckFormat::Github => github::render(&mut out, shown(), &prefix)?,
    }
    out.flush()?;
    if global.verbose {
        let timings = vault.timings;
        eprintln!(
            "{} files, {} notes parsed, {} links in {} ms (scan {} ms, parse {} ms, resolve {} ms)",
            stats.files,
            stats.notes,
            stats.links,
            started.elapsed().as_millis(),
            timings.scan.as_millis(),
            timings.parse.as_millis(),
            timings.resolve.as_millis(),
        );
    }
    let summary = Summary::of(&vault.diagnostics);
    let failed = summary.errors > 0 || (args.deny_warnings && summary.warnings > 0);
    // The process ends here: the OS takes the vault's memory back faster than
    // freeing its hundreds of thousands of allocations one by one.
    std::mem::forget(vault);
    Ok(if failed {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}

fn count_words(summary: Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if summary.errors + summary.warnings + summary.infos == 0 {
        return "no problems".to_owned();
    }
    format!(
        "{}, {}, {}",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.infos, "info")
    )
}
