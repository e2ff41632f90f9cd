//! `throughline digest`: the digest of a period as Markdown, self-contained HTML
//! or JSON (schema 1, see [`throughline::render::DigestReport`]).

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::progress_bar::ProgressBar;
use super::{Global, Outcome, VaultArg};
use throughline::config::{self, NoteType};
use throughline::consolidate::consolidate;
use throughline::model::find_note;
use throughline::render::{ReportOptions, digest_report, report_html, report_markdown};
use throughline::write::write_atomically;

#[derive(Args)]
pub struct DigestArgs {
    #[command(flatten)]
    vault: VaultArg,
    /// First day, YYYY-MM-DD (default: the start of the latest period with interviews).
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Last day, YYYY-MM-DD (default: the end of the latest period; with --since,
    /// the latest interview's day).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Only this plan's interviews (a plan note's name).
    #[arg(long, value_name = "PLAN")]
    plan: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DigestFormat::Md)]
    format: DigestFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The Obsidian vault's name: links become obsidian://open URLs (HTML, JSON).
    #[arg(long, value_name = "NAME")]
    vault_name: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum DigestFormat {
    /// Markdown with wikilinks.
    Md,
    /// One self-contained HTML file (inline CSS and SVG charts).
    Html,
    /// JSON, schema 1.
    Json,
}

fn date(flag: &str, text: &Option<String>) -> anyhow::Result<Option<jiff::civil::Date>> {
    text.as_deref()
        .map(|text| {
            text.trim().parse::<jiff::civil::Date>().map_err(|_| {
                anyhow::anyhow!(
                    "`{flag} {text}` is not a date: write it as YYYY-MM-DD, e.g. 2026-11-25"
                )
            })
        })
        .transpose()
}

pub fn run(args: &DigestArgs, global: Global) -> anyhow::Result<Outcome> {
    let root = &args.vault.vault;
    let config = config::load(root)?;
    let since = date("--since", &args.since)?;
    let until = date("--until", &args.until)?;
    if let (Some(since), Some(until)) = (since, until)
        && until < since
    {
        anyhow::bail!("`--until {until}` is before `--since {since}`");
    }
    let progress = ProgressBar::start(global);
    let analysis = throughline::analyze(root, &config)
        .with_context(|| format!("cannot read `{}`", root.display()))?;
    drop(progress);
    let plan = match &args.plan {
        Some(name) => Some(find_note(&analysis.model, NoteType::Plan, name)?.file),
        None => None,
    };
    let consolidation = consolidate(&analysis.model, &analysis.vault.diagnostics, &config);
    let options = ReportOptions {
        since,
        until,
        plan,
        vault_name: args.vault_name.clone(),
    };
    let report = digest_report(&analysis, &consolidation, &config, &options);
    let text = match args.format {
        DigestFormat::Md => report_markdown(root, &report, &analysis)?,
        DigestFormat::Html => report_html(root, &report, &analysis)?,
        DigestFormat::Json => {
            let mut json = serde_json::to_string_pretty(&report)?;
            json.push('\n');
            json
        }
    };
    match &args.output {
        Some(path) => {
            write_atomically(path, text.as_bytes())
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            if !global.quiet {
                eprintln!("wrote {}", path.display());
            }
        }
        None => {
            let mut out = io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    // As in `check`: the OS frees the memory faster at exit.
    std::mem::forget((analysis, consolidation));
    Ok(Outcome::Clean)
}
