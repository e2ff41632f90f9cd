//! Which type a note has, and the schema problems of typed notes.
//!
//! A note's type comes from its `type` property (key and value
//! case-insensitive), else from the folder rules of `throughline.toml`.

use crate::config::{Config, NoteType, normalize_key};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::parse::{Note, PropertyValue};
use crate::resolve::Resolution;
use crate::scan::VaultPath;

use super::PropertyReader;

/// The type of a note, if it has one of the built-in types.
pub fn note_type(
    note: &Note,
    resolutions: &[Resolution],
    config: &Config,
    path: &VaultPath,
) -> Option<NoteType> {
    let reader = PropertyReader::new(note, resolutions, config);
    match written_type(&reader) {
        WrittenType::Text(text) => NoteType::from_name(text),
        WrittenType::Linked => match reader.items("type").first() {
            Some(item) => NoteType::from_name(&item.text),
            None => folder_type(config, path),
        },
        WrittenType::None => folder_type(config, path),
    }
}

/// Whether `note` may be a plan: its type says so, or it is written as a link
/// or a list (read once links are resolved). Reading a plan reads its body (its
/// questions), so `check` keeps such a note whole.
pub fn may_be_plan(note: &Note, config: &Config, path: &VaultPath) -> bool {
    let reader = PropertyReader::new(note, &[], config);
    match written_type(&reader) {
        WrittenType::Text(text) => NoteType::from_name(text) == Some(NoteType::Plan),
        WrittenType::Linked => true,
        WrittenType::None => folder_type(config, path) == Some(NoteType::Plan),
    }
}

/// How a note's `type` property is written.
enum WrittenType<'a> {
    /// Plain text (no link can be in it): read without copying it.
    Text(&'a str),
    /// A link, a list or another value: read through its items (the folder
    /// rules decide when it has none).
    Linked,
    /// Missing or blank: the folder rules decide.
    None,
}

/// How `reader`'s note writes its `type` property.
fn written_type<'a>(reader: &PropertyReader<'a>) -> WrittenType<'a> {
    match reader.raw("type") {
        Some((_, PropertyValue::String(text))) if !text.contains('[') => {
            match text.trim().is_empty() {
                true => WrittenType::None,
                false => WrittenType::Text(text),
            }
        }
        Some(_) => WrittenType::Linked,
        None => WrittenType::None,
    }
}

/// The type the folder rules of `throughline.toml` give a note at `path`.
fn folder_type(config: &Config, path: &VaultPath) -> Option<NoteType> {
    config
        .type_folders
        .iter()
        .find(|(_, folders)| folders.iter().any(|folder| path.is_in_folder(folder)))
        .map(|(kind, _)| *kind)
}

/// Where property `key` (as written) is in the note: its line in the
/// frontmatter, or the frontmatter's first line when the property is missing.
pub fn property_location(note: &Note, key: Option<&str>) -> Option<Location> {
    let block = note.frontmatter.as_ref()?;
    let yaml = &note.text[block.yaml.clone()];
    let mut offset = block.yaml.start;
    if let Some(key) = key {
        let wanted = normalize_key(key);
        for line in yaml.split_inclusive('\n') {
            if let Some((name, _)) = line.split_once(':')
                && !line.starts_with([' ', '\t', '-'])
                && normalize_key(name.trim_matches(['"', '\''])) == wanted
            {
                let end = offset + name.len();
                return Some(note.location(offset..end));
            }
            offset += line.len();
        }
    }
    Some(note.location(0..3))
}

/// A schema problem in `note`, located at property `key` when it is written.
pub fn problem(
    note: &Note,
    code: Code,
    key: Option<&str>,
    message: String,
    help: &str,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(code, note.path.clone(), message).with_help(help);
    match property_location(note, key) {
        Some(location) => diagnostic.at(location),
        None => diagnostic,
    }
}

/// The values an insight's `status` takes (product spec §2): a person's
/// decision, shown beside the computed strength.
pub const INSIGHT_STATUSES: [&str; 3] = ["open", "validated", "rejected"];

/// A warning for each insight whose `status` is none of [`INSIGHT_STATUSES`]
/// (it is still shown as written): a typo would otherwise pass for a
/// decision nobody made.
pub(crate) fn status_problems(
    vault: &crate::resolve::Vault,
    config: &Config,
    insights: &[super::Insight],
) -> Vec<Diagnostic> {
    insights
        .iter()
        .filter(|insight| !INSIGHT_STATUSES.contains(&insight.status.as_str()))
        .filter_map(|insight| {
            let note = vault.note(insight.note.file)?;
            let reader = PropertyReader::new(note, &[], config);
            let key = reader.raw("status").map(|(key, _)| key);
            let (message, help) = match reader.single("status") {
                Err(count) => (
                    format!("`status` has {count} values; an insight has one"),
                    "keep one value: `open`, `validated` or `rejected`",
                ),
                _ => (
                    format!(
                        "`status` `{}` is not one of `open`, `validated`, `rejected`",
                        insight.status
                    ),
                    "write `validated` or `rejected` once the team has decided, or leave `status` out while it is open",
                ),
            };
            Some(problem(note, Code::InvalidProperty, key, message, help))
        })
        .collect()
}
