//! The command line: the one home of clap and of the terminal.
//!
//! Each command lives in its own file and returns an [`Outcome`]; this module turns
//! outcomes and errors into exit codes: 0 clean, 1 problems found, 2 usage, config
//! or I/O error. A closed pipe (`throughline links | head`) ends quietly with 0.

mod build;
mod check;
mod digest;
mod export;
mod init;
mod links;
mod new;
mod progress_bar;
mod watch;

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// What a command found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report: exit 0.
    Clean,
    /// Problems found (or pages would change): exit 1.
    Problems,
}

#[derive(Parser)]
#[command(
    name = "throughline",
    version,
    about = "Turn an Obsidian vault of customer-research notes into consolidated insight pages",
    long_about = "throughline reads an Obsidian vault (plain Markdown, Obsidian need not run), parses and \
                  resolves every link exactly as Obsidian does, and reports what is broken.\n\n\
                  Exit codes: 0 clean, 1 problems found, 2 usage, configuration or I/O error.",
    after_help = "Examples:\n  throughline build sample-vault\n  throughline check sample-vault\n  throughline links sample-vault --format tsv"
)]
struct Cli {
    /// Print less: only errors and warnings, no summary.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more: counts and timings on stderr.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the consolidated pages: insights, jobs, plans, digest, vault health.
    #[command(
        after_help = "Examples:\n  throughline build sample-vault\n  throughline build --check      # in CI: exit 1 if committed pages are stale\n  \
                            throughline build --dry-run    # show what would change\n\n\
                            Pages go to the output folder (default `Throughline/`, see `throughline.toml`).\n\
                            Exit codes: 0 done; 1 with --check when a page would change; 2 usage, config or I/O error."
    )]
    Build(build::BuildArgs),
    /// Build, then keep the pages current as notes change (run it beside Obsidian).
    #[command(
        after_help = "Examples:\n  throughline watch my-vault\n  throughline watch my-vault --poll    # network shares, WSL, or when the watch limit is reached\n\n\
                            One line per update: what changed, which pages were written, how long it took.\n\
                            Ctrl-C stops it; pages are always whole (written atomically)."
    )]
    Watch(watch::WatchArgs),
    /// Report broken links, missing headings and blocks, invalid frontmatter, unreadable notes.
    #[command(
        after_help = "Examples:\n  throughline check\n  throughline check my-vault --deny-warnings\n  \
                            throughline check my-vault --format github   # in GitHub Actions\n\n\
                            Exit codes: 0 clean, 1 problems (errors; warnings too with --deny-warnings), 2 error."
    )]
    Check(check::CheckArgs),
    /// List every link in the vault with the file it resolves to.
    #[command(
        after_help = "Examples:\n  throughline links my-vault\n  throughline links my-vault --format tsv > links.tsv\n\n\
                            Fields (jsonl, in this order): source, line, column, kind, embed, raw, target, subpath, \
                            subpath_found, display."
    )]
    Links(links::LinksArgs),
    /// The digest of a period (learned, surprised, strength changes, what to validate, plan coverage) as Markdown, HTML or JSON.
    #[command(after_help = "Examples:\n  throughline digest sample-vault\n  \
                            throughline digest sample-vault --format html -o digest.html --vault-name \"Coilbook research\"\n  \
                            throughline digest my-vault --since 2026-11-01 --until 2026-11-30 --plan \"Q4 onboarding\" --format json\n\n\
                            Default period: the latest week (see `[digest] period` in throughline.toml) with interviews.\n\
                            Strength changes compare evidence dated before --since with evidence up to --until.")]
    Digest(digest::DigestArgs),
    /// Export every observation as a row (CSV or JSON Lines) for spreadsheets and other tools.
    #[command(
        after_help = "Examples:\n  throughline export sample-vault > observations.csv\n  \
                            throughline export my-vault --format jsonl -o observations.jsonl\n\n\
                            Columns: interview, date, line, kind, text, participants, roles, companies, insights, jobs, tags, link\n\
                            (lists joined by `; ` in CSV, arrays in JSON Lines)."
    )]
    Export(export::ExportArgs),
    /// Write a commented throughline.toml with every default, and the default templates to edit.
    #[command(
        after_help = "Examples:\n  throughline init my-vault\n  cd my-vault && throughline init\n\n\
                            Writes throughline.toml and .throughline/templates/*.md.j2; a file that exists is kept, never overwritten."
    )]
    Init(init::InitArgs),
    /// Start a note: `new interview` from its plan.
    #[command(
        after_help = "Examples:\n  throughline new interview sample-vault --plan \"Preventive maintenance planning\" --participant \"Dana Whitfield\"\n  \
                            throughline new interview --help   # every option"
    )]
    New(new::NewArgs),
}

/// Options every command shares.
#[derive(Debug, Clone, Copy)]
pub struct Global {
    /// `--quiet`.
    pub quiet: bool,
    /// `--verbose`.
    pub verbose: bool,
    /// Whether stdout gets ANSI colours.
    pub color: bool,
}

/// The vault argument every command takes: a folder, the current one by default.
#[derive(clap::Args, Debug, Clone)]
pub struct VaultArg {
    /// The vault folder (default: the current folder).
    #[arg(value_name = "VAULT", default_value = ".")]
    pub vault: PathBuf,
}

impl VaultArg {
    /// The vault folder as written, for printing paths the user can open.
    pub fn display_prefix(&self) -> String {
        self.vault.to_string_lossy().into_owned()
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let global = Global {
        quiet: cli.quiet,
        verbose: cli.verbose,
        color: io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    match cli.command {
        Command::Watch(_) => crate::keep_freed_memory_between_updates(),
        _ => {
            crate::keep_freed_memory();
            crate::without_transparent_huge_pages();
        }
    }
    let result = match cli.command {
        Command::Build(args) => build::run(&args, global),
        Command::Check(args) => check::run(&args, global),
        Command::Links(args) => links::run(&args, global),
        Command::Export(args) => export::run(&args, global),
        Command::Digest(args) => digest::run(&args, global),
        Command::Init(args) => init::run(&args, global),
        Command::New(args) => new::run(&args, global),
        Command::Watch(args) => watch::run(&args, global),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|json| json.io_error_kind() == Some(io::ErrorKind::BrokenPipe))
    })
}
