//! `throughline init`: a commented `throughline.toml` with every default, and
//! copies of the default templates in `.throughline/templates/` to edit. Files
//! that exist are kept, never overwritten.

use anyhow::{Context, bail};
use clap::Args;

use super::{Global, Outcome, VaultArg};
use throughline::config::{CONFIG_FILE, commented_file};
use throughline::render::DEFAULT_TEMPLATES;
use throughline::write::{STATE_FOLDER, create_atomically, leads_out_of};

#[derive(Args)]
pub struct InitArgs {
    #[command(flatten)]
    vault: VaultArg,
}

pub fn run(args: &InitArgs, global: Global) -> anyhow::Result<Outcome> {
    let root = &args.vault.vault;
    if !root.is_dir() {
        bail!(
            "`{}` is not a folder: give the vault's folder (or run `throughline init` inside it)",
            root.display()
        );
    }
    let config = commented_file();
    let mut files: Vec<(String, &str)> = vec![(CONFIG_FILE.to_owned(), config.as_str())];
    files.extend(
        DEFAULT_TEMPLATES
            .iter()
            .map(|(name, text)| (format!("{STATE_FOLDER}/templates/{name}"), *text)),
    );
    let prefix = args.vault.display_prefix();
    let shown = |path: &str| {
        if prefix == "." {
            path.to_owned()
        } else {
            format!("{}/{path}", prefix.trim_end_matches('/'))
        }
    };
    // Writing never follows a link out of the vault (product.md §5).
    if let Some(leads_out) = leads_out_of(root, &root.join(STATE_FOLDER)) {
        return Err(leads_out.into());
    }
    let mut created = 0;
    for (path, text) in &files {
        let full = root.join(path);
        if create_atomically(&full, text.as_bytes())
            .with_context(|| format!("cannot write `{}`", full.display()))?
        {
            created += 1;
            if !global.quiet {
                println!("wrote {}", shown(path));
            }
        } else if !global.quiet {
            println!("kept  {} (it exists; init never overwrites)", shown(path));
        }
    }
    if !global.quiet {
        match created {
            0 => println!("nothing to do: every file init writes is already there"),
            _ => println!(
                "edit `{CONFIG_FILE}` to match your vault's folders and headings, and the \
                 templates to change the pages; `throughline build` uses them"
            ),
        }
    }
    Ok(Outcome::Clean)
}
