//! Obsidian's own settings that change what throughline sees: `.obsidian/app.json`.
//!
//! Read once per run, before the scan. Only the keys that matter to us are read;
//! everything else in the file is ignored. A missing file is normal (defaults); an
//! unreadable or malformed one is a warning, and the defaults are used.

use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use crate::diagnostics::{Code, Diagnostic};
use crate::scan::VaultPath;

/// How Obsidian writes new links (Settings → Files and links → New link format).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NewLinkFormat {
    /// "Shortest path when possible" (Obsidian's default).
    #[default]
    Shortest,
    /// "Relative path to file".
    Relative,
    /// "Absolute path in vault".
    Absolute,
}

/// The settings we honour, with Obsidian's defaults.
#[derive(Debug, Clone, Default)]
pub struct ObsidianSettings {
    /// Settings → Excluded files: not scanned as sources, still link targets (A3).
    pub excluded: ExcludedFiles,
    /// Write Markdown links instead of wikilinks.
    pub use_markdown_links: bool,
    /// How new links are written.
    pub new_link_format: NewLinkFormat,
    /// Where new attachments go (`attachmentFolderPath`), as written.
    pub attachment_folder: Option<String>,
}

/// The `userIgnoreFilters` list, compiled (see [`crate::choices::IGNORE_FILTERS_ARE_PREFIXES_OR_REGEX`]).
#[derive(Debug, Clone, Default)]
pub struct ExcludedFiles {
    prefixes: Vec<String>,
    patterns: Vec<Regex>,
}

impl ExcludedFiles {
    /// Compiles Obsidian's filter strings; returns the filters that are not valid
    /// regular expressions separately.
    pub fn new<'a>(filters: impl IntoIterator<Item = &'a str>) -> (ExcludedFiles, Vec<String>) {
        let mut excluded = ExcludedFiles::default();
        let mut invalid = Vec::new();
        for filter in filters {
            let filter = filter.trim();
            if filter.is_empty() {
                continue;
            }
            match filter
                .strip_prefix('/')
                .and_then(|rest| rest.strip_suffix('/'))
            {
                Some(pattern) if !pattern.is_empty() => match Regex::new(pattern) {
                    Ok(regex) => excluded.patterns.push(regex),
                    Err(_) => invalid.push(filter.to_owned()),
                },
                _ => excluded.prefixes.push(filter.to_owned()),
            }
        }
        (excluded, invalid)
    }

    /// Whether `path` is excluded.
    pub fn is_excluded(&self, path: &VaultPath) -> bool {
        let path = path.as_str();
        self.prefixes
            .iter()
            .any(|prefix| path.starts_with(prefix.as_str()))
            || self.patterns.iter().any(|regex| regex.is_match(path))
    }

    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty() && self.patterns.is_empty()
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawAppJson {
    user_ignore_filters: Option<Vec<String>>,
    use_markdown_links: Option<bool>,
    new_link_format: Option<String>,
    attachment_folder_path: Option<String>,
}

impl ObsidianSettings {
    /// Reads `<root>/.obsidian/app.json`; problems become diagnostics.
    pub fn load(root: &Path) -> (ObsidianSettings, Vec<Diagnostic>) {
        let path = root.join(".obsidian").join("app.json");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return (ObsidianSettings::default(), Vec::new());
            }
            Err(error) => {
                return (
                    ObsidianSettings::default(),
                    vec![settings_problem(format!("cannot read it: {error}"))],
                );
            }
        };
        ObsidianSettings::from_json(&text)
    }

    /// Parses the text of an `app.json`.
    pub fn from_json(text: &str) -> (ObsidianSettings, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let raw: RawAppJson = match serde_json::from_str(text) {
            Ok(raw) => raw,
            Err(error) => {
                diagnostics.push(settings_problem(format!(
                    "not the JSON Obsidian writes: {error}"
                )));
                RawAppJson::default()
            }
        };
        let filters = raw.user_ignore_filters.unwrap_or_default();
        let (excluded, invalid) = ExcludedFiles::new(filters.iter().map(String::as_str));
        for filter in invalid {
            diagnostics.push(settings_problem(format!(
                "excluded-files filter `{filter}` is not a valid regular expression; it is ignored"
            )));
        }
        let new_link_format = match raw.new_link_format.as_deref() {
            None | Some("shortest") => NewLinkFormat::Shortest,
            Some("relative") => NewLinkFormat::Relative,
            Some("absolute") => NewLinkFormat::Absolute,
            Some(other) => {
                diagnostics.push(settings_problem(format!(
                    "unknown `newLinkFormat` `{other}`; using `shortest`"
                )));
                NewLinkFormat::Shortest
            }
        };
        let settings = ObsidianSettings {
            excluded,
            use_markdown_links: raw.use_markdown_links.unwrap_or(false),
            new_link_format,
            attachment_folder: raw.attachment_folder_path,
        };
        (settings, diagnostics)
    }
}

fn settings_problem(message: String) -> Diagnostic {
    let path = VaultPath::new(".obsidian/app.json").expect("a constant valid vault path");
    Diagnostic::new(Code::InvalidObsidianSettings, path, message)
        .with_help("open Settings → Files and links in Obsidian so it rewrites the file, or fix the JSON by hand")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_keys_we_honour() {
        let (settings, diagnostics) = ObsidianSettings::from_json(
            r#"{"userIgnoreFilters": ["Templates/", "/^Archive/.*\\.md$/"], "useMarkdownLinks": true,
                "newLinkFormat": "relative", "attachmentFolderPath": "Attachments", "other": 1}"#,
        );
        assert!(diagnostics.is_empty());
        assert!(settings.use_markdown_links);
        assert_eq!(settings.new_link_format, NewLinkFormat::Relative);
        let path = |p: &str| VaultPath::new(p).unwrap();
        assert!(settings.excluded.is_excluded(&path("Templates/Daily.md")));
        assert!(settings.excluded.is_excluded(&path("Archive/old.md")));
        assert!(!settings.excluded.is_excluded(&path("Archive/old.png")));
        assert!(!settings.excluded.is_excluded(&path("Notes/Templates/x.md")));
    }

    #[test]
    fn malformed_settings_are_a_warning_and_defaults_apply() {
        let (settings, diagnostics) = ObsidianSettings::from_json("{not json");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::InvalidObsidianSettings);
        assert!(settings.excluded.is_empty());
        let (_, diagnostics) = ObsidianSettings::from_json(r#"{"userIgnoreFilters": ["/(/"]}"#);
        assert_eq!(diagnostics.len(), 1);
    }
}
