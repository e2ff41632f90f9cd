//! `throughline links`: every link in the vault with its resolution — a public,
//! stable interface (product.md §4).
//!
//! ## `--format jsonl` (default)
//! One JSON object per link, one per line, ordered by source path then position,
//! with exactly these fields in this order:
//! - `source`: vault-relative path of the note, `/`-separated;
//! - `line`, `column`: 1-based; column counted in characters;
//! - `kind`: `wikilink`, `markdown` or `frontmatter`;
//! - `embed`: true for `![[…]]` and `![…](…)`;
//! - `raw`: the link as written, brackets included; for a frontmatter link the
//!   property value;
//! - `target`: vault-relative path of the file it resolves to, or null;
//! - `subpath`: `#Heading`, `#A#B` or `#^id` as written, or null;
//! - `subpath_found`: true or false when there is a subpath and a target, else null
//!   (subpaths on attachments count as found: the file opens);
//! - `display`: the text shown for the link: the text after `|`, or for a wikilink
//!   without one the link text with `#` shown as ` > ` (rule B7); an embed's alt
//!   text; a Markdown link's text; null when there is none (an embed without alt
//!   text, a Markdown link with empty text).
//!
//! External URLs are not listed. Links inside `%%` comments are (Obsidian records
//! them).
//!
//! ## `--format tsv`
//! The same fields as columns, with a header row of the field names. Null is an
//! empty field; booleans are `true`/`false`; in text, `\` `tab` `newline` and
//! `carriage return` are written `\\` `\t` `\n` `\r`.

use std::borrow::Cow;
use std::io::{self, Write};

use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::progress_bar::ProgressBar;
use super::{Global, Outcome, VaultArg};
use throughline::config;
use throughline::load_vault;

#[derive(Args)]
pub struct LinksArgs {
    #[command(flatten)]
    vault: VaultArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LinksFormat::Jsonl)]
    format: LinksFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum LinksFormat {
    /// One JSON object per line.
    Jsonl,
    /// Tab-separated values with a header row.
    Tsv,
}

/// One row of the output; field order is the schema's order.
#[derive(Serialize)]
struct LinkRow<'a> {
    source: &'a str,
    line: u32,
    column: u32,
    kind: &'a str,
    embed: bool,
    raw: &'a str,
    target: Option<&'a str>,
    subpath: Option<&'a str>,
    subpath_found: Option<bool>,
    display: Option<Cow<'a, str>>,
}

const TSV_HEADER: &str =
    "source\tline\tcolumn\tkind\tembed\traw\ttarget\tsubpath\tsubpath_found\tdisplay";

pub fn run(args: &LinksArgs, global: Global) -> anyhow::Result<Outcome> {
    let config = config::load(&args.vault.vault)?;
    let progress = ProgressBar::start(global);
    let vault = load_vault(&args.vault.vault, &config)
        .with_context(|| format!("cannot read `{}`", args.vault.vault.display()))?;
    drop(progress);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if matches!(args.format, LinksFormat::Tsv) {
        writeln!(out, "{TSV_HEADER}")?;
    }
    let mut count = 0usize;
    for (note, resolutions) in vault.sources() {
        let mut order: Vec<usize> = (0..note.links.len()).collect();
        order.sort_by_key(|&i| note.links[i].span.position);
        for i in order {
            let link = &note.links[i];
            let resolution = resolutions[i];
            let row = LinkRow {
                source: note.path.as_str(),
                line: link.span.position.line,
                column: link.span.position.column,
                kind: link.kind.as_str(),
                embed: link.is_embed,
                raw: note.raw(link),
                target: resolution
                    .target
                    .map(|id| vault.files[id as usize].path.as_str()),
                subpath: note.subpath(link),
                subpath_found: resolution.subpath_found,
                display: note.display(link),
            };
            match args.format {
                LinksFormat::Jsonl => {
                    serde_json::to_writer(&mut out, &row)?;
                    writeln!(out)?;
                }
                LinksFormat::Tsv => write_tsv(&mut out, &row)?,
            }
            count += 1;
        }
    }
    out.flush()?;
    if global.verbose {
        eprintln!("{count} links");
    }
    // As in `check`: the OS frees the memory faster at exit.
    std::mem::forget(vault);
    Ok(Outcome::Clean)
}

fn write_tsv(out: &mut dyn Write, row: &LinkRow<'_>) -> io::Result<()> {
    let text = |value: Option<&str>| value.map(escape_tsv).unwrap_or_default();
    let flag = |value: Option<bool>| value.map(|b| b.to_string()).unwrap_or_default();
    writeln!(
        out,
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        escape_tsv(row.source),
        row.line,
        row.column,
        row.kind,
        row.embed,
        escape_tsv(row.raw),
        text(row.target),
        text(row.subpath),
        flag(row.subpath_found),
        text(row.display.as_deref()),
    )
}

fn escape_tsv(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}
