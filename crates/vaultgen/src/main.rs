//! `vaultgen <DIR> --notes N [--seed S]`: writes a generated research vault to `DIR`.
//!
//! A thin wrapper around [`vaultgen::generate`] for trying throughline (or any Obsidian
//! tool) on a vault of realistic shape by hand:
//!
//! ```text
//! cargo run --release -p vaultgen -- /tmp/vault --notes 10000 --seed 42
//! ```
//!
//! `DIR` must not exist or be empty. Arguments are parsed by hand to keep the crate free
//! of dependencies. Exit code 0 on success, 2 on bad arguments or an I/O error.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use vaultgen::{DEFAULT_SEED, GenOptions, generate};

/// Usage text printed for `--help` and after a bad argument.
const USAGE: &str = "usage: vaultgen <DIR> --notes N [--seed S]\n\n\
Writes a deterministic Obsidian research vault of N notes into DIR (new or empty).\n\
The same N and seed always give byte-identical files. Default seed: 42.";

/// Parsed command line.
struct Args {
    dir: PathBuf,
    options: GenOptions,
}

/// Parses `--notes`, `--seed` (also as `--notes=N`) and one positional `DIR`.
fn parse(args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut dir = None;
    let mut notes = None;
    let mut seed = DEFAULT_SEED;
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--notes" | "-n" | "--seed" | "-s" => {
                let value = match inline {
                    Some(value) => value,
                    None => args
                        .next()
                        .ok_or_else(|| format!("`{flag}` needs a value"))?,
                };
                let number: u64 = value
                    .parse()
                    .map_err(|_| format!("`{flag}` expects a whole number, got `{value}`"))?;
                if flag.starts_with("--n") || flag == "-n" {
                    notes = Some(
                        usize::try_from(number)
                            .map_err(|_| format!("`{value}` notes is too many"))?,
                    );
                } else {
                    seed = number;
                }
            }
            _ if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument `{arg}`; give one DIR")),
        }
    }
    let dir = dir.ok_or("missing DIR")?;
    let notes = notes.ok_or("missing `--notes N`")?;
    Ok(Some(Args {
        dir,
        options: GenOptions { notes, seed },
    }))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    match generate(&args.dir, &args.options) {
        Ok(summary) => {
            println!(
                "wrote {} notes ({:.1} MB of Markdown), {} other files, {} folders to {} in {:.2} s (seed {})",
                summary.notes,
                summary.markdown_bytes as f64 / 1e6,
                summary.attachments,
                summary.folders,
                args.dir.display(),
                started.elapsed().as_secs_f64(),
                args.options.seed,
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!(
                "error: cannot generate the vault in `{}`: {error}",
                args.dir.display()
            );
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Result<Option<Args>, String> {
        parse(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn parses_flags_in_any_order() {
        let parsed = args("--seed 9 out --notes=12")
            .expect("valid")
            .expect("not help");
        assert_eq!(parsed.dir, PathBuf::from("out"));
        assert_eq!(parsed.options, GenOptions { notes: 12, seed: 9 });
    }

    #[test]
    fn rejects_bad_input() {
        assert!(args("out").is_err());
        assert!(args("--notes 5").is_err());
        assert!(args("out --notes five").is_err());
        assert!(args("out --notes 5 --bogus").is_err());
        assert!(args("--help").expect("help is fine").is_none());
    }
}
