//! `throughline export`: one row per observation, for spreadsheets and other tools.
//!
//! Columns (CSV header and JSON Lines fields, in this order), see
//! [`throughline::export::ObservationRow`]:
//! `interview` (vault path), `date` (`YYYY-MM-DD` or empty/null), `line`, `kind`
//! (`learned`, `surprise`, `quote`, `open question`), `text` (Markdown as
//! written), `participants`, `roles`, `companies`, `insights`, `jobs` (note
//! titles), `tags` (`#pain`, `#step/confirm`), `link` (a link back to the
//! observation, as the vault's link settings write it).
//!
//! - `--format csv` (default): RFC 4180 (quoted when needed, UTF-8, `\n` line
//!   ends); a list is one field, its items joined by `; `.
//! - `--format jsonl`: one JSON object per line; lists are arrays, a missing date is
//!   null.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::progress_bar::ProgressBar;
use super::{Global, Outcome, VaultArg};
use throughline::config;
use throughline::export::{ObservationRow, observation_rows};

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    vault: VaultArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

const HEADER: [&str; 12] = [
    "interview",
    "date",
    "line",
    "kind",
    "text",
    "participants",
    "roles",
    "companies",
    "insights",
    "jobs",
    "tags",
    "link",
];

pub fn run(args: &ExportArgs, global: Global) -> anyhow::Result<Outcome> {
    let root = &args.vault.vault;
    let config = config::load(root)?;
    let progress = ProgressBar::start(global);
    let analysis = throughline::analyze(root, &config)
        .with_context(|| format!("cannot read `{}`", root.display()))?;
    drop(progress);
    let rows = observation_rows(&analysis);
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            File::create(path).with_context(|| format!("cannot create `{}`", path.display()))?,
        ),
        None => Box::new(io::stdout().lock()),
    };
    let mut out = io::BufWriter::new(out);
    match args.format {
        ExportFormat::Csv => write_csv(&mut out, &rows)?,
        ExportFormat::Jsonl => {
            for row in &rows {
                serde_json::to_writer(&mut out, row)?;
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    if global.verbose {
        eprintln!("{} observations", rows.len());
    }
    // As in `check`: the OS frees the memory faster at exit.
    std::mem::forget(analysis);
    Ok(Outcome::Clean)
}

fn write_csv(out: &mut impl Write, rows: &[ObservationRow]) -> anyhow::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    writer.write_record(HEADER)?;
    for row in rows {
        let line = row.line.to_string();
        let list = |items: &[String]| items.join("; ");
        writer.write_record([
            row.interview.as_str(),
            row.date.as_deref().unwrap_or(""),
            &line,
            row.kind,
            &row.text,
            &list(&row.participants),
            &list(&row.roles),
            &list(&row.companies),
            &list(&row.insights),
            &list(&row.jobs),
            &list(&row.tags),
            &row.link,
        ])?;
    }
    writer.flush()?;
    Ok(())
}
