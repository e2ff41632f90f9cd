//! `throughline new interview`: start a conversation's note from its plan.

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use super::{Global, Outcome, VaultArg};
use throughline::config;
use throughline::scaffold::{InterviewRequest, new_interview};
use throughline::write::create_atomically;

#[derive(Args)]
pub struct NewArgs {
    #[command(subcommand)]
    what: NewWhat,
}

#[derive(Subcommand)]
enum NewWhat {
    /// A new interview note: frontmatter filled in, the plan's questions as
    /// headings, empty Learned / Surprises / Quotes / Open questions sections.
    #[command(
        after_help = "Examples:\n  throughline new interview sample-vault --plan \"Preventive maintenance planning\" --participant \"Dana Whitfield\"\n  \
                            throughline new interview --plan Q3 --participant \"Ana Ruiz\" --date 2026-12-01 --role controller --company Acme\n\n\
                            Writes <folder>/<date> <participant>.md (folder: the first `[types] interview` folder of throughline.toml, else Interviews).\n\
                            Role and company come from the person note when not given. An existing note is never overwritten."
    )]
    Interview(InterviewArgs),
}

#[derive(Args)]
struct InterviewArgs {
    #[command(flatten)]
    vault: VaultArg,
    /// The interview plan (a plan note's name).
    #[arg(long)]
    plan: String,
    /// Who you talk to (a person note's name).
    #[arg(long)]
    participant: String,
    /// The day of the conversation, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE")]
    date: Option<String>,
    /// Their role (default: the person note's `role`).
    #[arg(long, value_name = "ROLE")]
    role: Option<String>,
    /// Their company (default: the person note's `company`).
    #[arg(long, value_name = "COMPANY")]
    company: Option<String>,
    /// The folder for the note (vault-relative).
    #[arg(long, value_name = "FOLDER")]
    folder: Option<String>,
}

pub fn run(args: &NewArgs, global: Global) -> anyhow::Result<Outcome> {
    match &args.what {
        NewWhat::Interview(args) => interview(args, global),
    }
}

fn interview(args: &InterviewArgs, global: Global) -> anyhow::Result<Outcome> {
    let root = &args.vault.vault;
    let config = config::load(root)?;
    let date = match &args.date {
        Some(text) => text.trim().parse::<jiff::civil::Date>().map_err(|_| {
            anyhow::anyhow!(
                "`--date {text}` is not a date: write it as YYYY-MM-DD, e.g. 2026-11-25"
            )
        })?,
        None => jiff::ZonedDateTime::now().date(),
    };
    let analysis = throughline::analyze(root, &config)
        .with_context(|| format!("cannot read `{}`", root.display()))?;
    let request = InterviewRequest {
        plan: args.plan.clone(),
        participant: args.participant.clone(),
        date,
        role: args.role.clone(),
        company: args.company.clone(),
        folder: args.folder.clone(),
    };
    let (path, text) = new_interview(&analysis, &config, &request)?;
    let full = path.to_fs_path(root);
    if !create_atomically(&full, text.as_bytes())
        .with_context(|| format!("cannot write `{}`", full.display()))?
    {
        bail!(
            "`{}` exists; it was left as it is (choose another --date or --folder)",
            full.display()
        );
    }
    if !global.quiet {
        println!("{}", full.display());
    }
    Ok(Outcome::Clean)
}
