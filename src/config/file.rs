//! `throughline.toml`: the raw file model and its validation into [`Config`].
//!
//! Every key is optional. Unknown keys and bad values are errors that name the
//! key and its line, so a typo never silently falls back to a default.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{Config, ConfigError, DigestPeriod, NoteType, Sections};

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    /// Output folder.
    output: Option<String>,
    /// Folders whose notes are not sources.
    ignore: Option<Vec<String>>,
    /// Largest note parsed, in bytes.
    max_note_bytes: Option<u64>,
    /// Note type → folders.
    types: Option<BTreeMap<String, Vec<String>>>,
    /// Canonical property name → other names for it.
    properties: Option<BTreeMap<String, Vec<String>>>,
    /// Section kind → heading texts.
    sections: Option<RawSections>,
    /// Signal → tags.
    signals: Option<RawSignals>,
    /// Observation kind → callout kinds.
    callouts: Option<RawCallouts>,
    /// Page kind → name pattern.
    pages: Option<RawPages>,
    /// Strength thresholds.
    strength: Option<RawStrength>,
    /// Digest settings.
    digest: Option<RawDigest>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSections {
    learned: Option<Vec<String>>,
    surprises: Option<Vec<String>>,
    quotes: Option<Vec<String>>,
    open_questions: Option<Vec<String>>,
    questions: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSignals {
    pain: Option<Vec<String>>,
    gain: Option<Vec<String>>,
    workaround: Option<Vec<String>>,
    request: Option<Vec<String>>,
    contradicts: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCallouts {
    quote: Option<Vec<String>>,
    surprise: Option<Vec<String>>,
    insight: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPages {
    insight: Option<String>,
    job: Option<String>,
    plan: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawStrength {
    pattern_min_participants: Option<u32>,
    pattern_min_companies: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDigest {
    period: Option<String>,
    queue: Option<usize>,
}

/// The name of the configuration file at the vault root.
pub const CONFIG_FILE: &str = "throughline.toml";

/// Reads `<root>/throughline.toml` if it exists; defaults otherwise.
pub fn load(root: &Path) -> Result<Config, ConfigError> {
    let path = root.join(CONFIG_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(error) => Err(ConfigError::Unreadable(error)),
    }
}

/// Parses and validates the text of a `throughline.toml`.
pub fn parse(text: &str) -> Result<Config, ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|error| {
        let line = error
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        ConfigError::Invalid {
            line,
            message: error.message().to_owned(),
        }
    })?;
    let invalid = |key: &str, message: String| ConfigError::Invalid {
        line: find_key_line(text, key),
        message: format!("`{key}`: {message}"),
    };
    let mut config = Config::default();
    if let Some(output) = raw.output {
        config.output_folder = clean_folder(&output).ok_or_else(|| {
            invalid(
                "output",
                format!("`{output}` must be a folder inside the vault (relative, no `..`)"),
            )
        })?;
    }
    if let Some(ignore) = raw.ignore {
        config.ignored_folders = ignore
            .iter()
            .map(|folder| {
                clean_folder(folder).ok_or_else(|| {
                    invalid(
                        "ignore",
                        format!("`{folder}` is not a folder inside the vault"),
                    )
                })
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(bytes) = raw.max_note_bytes {
        if bytes == 0 {
            return Err(invalid("max-note-bytes", "must be more than 0".to_owned()));
        }
        config.max_note_bytes = bytes;
    }
    if let Some(types) = raw.types {
        for (name, folders) in types {
            let kind = NoteType::from_name(&name).ok_or_else(|| {
                invalid(
                    &name,
                    format!("unknown note type `{name}` in [types]; expected one of interview, plan, insight, job, person, company"),
                )
            })?;
            let folders = folders
                .iter()
                .map(|folder| {
                    clean_folder(folder).ok_or_else(|| {
                        invalid(
                            &name,
                            format!("`{folder}` is not a folder inside the vault"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            config
                .type_folders
                .retain(|(existing, _)| *existing != kind);
            config.type_folders.push((kind, folders));
        }
    }
    if let Some(properties) = raw.properties {
        for (name, synonyms) in properties {
            let canonical = normalize_key(&name);
            if !super::PROPERTY_NAMES.contains(&canonical.as_str()) {
                return Err(invalid(
                    &name,
                    format!(
                        "unknown property `{name}` in [properties]; expected one of {}",
                        super::PROPERTY_NAMES.join(", ")
                    ),
                ));
            }
            config.property_synonyms.insert(
                canonical,
                synonyms.iter().map(|s| normalize_key(s)).collect(),
            );
        }
    }
    if let Some(sections) = raw.sections {
        let set = |target: &mut Vec<String>, value: Option<Vec<String>>| {
            if let Some(value) = value {
                *target = value;
            }
        };
        let Sections {
            learned,
            surprises,
            quotes,
            open_questions,
            questions,
        } = &mut config.sections;
        set(learned, sections.learned);
        set(surprises, sections.surprises);
        set(quotes, sections.quotes);
        set(open_questions, sections.open_questions);
        set(questions, sections.questions);
    }
    // Tags and callout kinds: one word each, compared lower-cased (a tag's
    // `#` may be written).
    let words = |key: &str, value: Option<Vec<String>>, strip: &str| {
        value
            .map(|items| {
                items
                    .iter()
                    .map(|item| {
                        let word = item.trim().trim_start_matches(strip).to_lowercase();
                        match word.is_empty() || word.contains(char::is_whitespace) {
                            true => Err(invalid(
                                key,
                                format!("`{item}` is not one word (no spaces, not empty)"),
                            )),
                            false => Ok(word),
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
    };
    if let Some(signals) = raw.signals {
        let tags = &mut config.signal_tags;
        for (key, value, target) in [
            ("pain", signals.pain, &mut tags.pain),
            ("gain", signals.gain, &mut tags.gain),
            ("workaround", signals.workaround, &mut tags.workaround),
            ("request", signals.request, &mut tags.request),
            ("contradicts", signals.contradicts, &mut tags.contradicts),
        ] {
            if let Some(words) = words(key, value, "#")? {
                *target = words;
            }
        }
    }
    if let Some(callouts) = raw.callouts {
        let kinds = &mut config.callout_kinds;
        for (key, value, target) in [
            ("quote", callouts.quote, &mut kinds.quote),
            ("surprise", callouts.surprise, &mut kinds.surprise),
            ("insight", callouts.insight, &mut kinds.insight),
        ] {
            if let Some(words) = words(key, value, "")? {
                *target = words;
            }
        }
    }
    if let Some(pages) = raw.pages {
        let names = &mut config.page_names;
        for (key, value, target) in [
            ("insight", pages.insight, &mut names.insight),
            ("job", pages.job, &mut names.job),
            ("plan", pages.plan, &mut names.plan),
        ] {
            let Some(pattern) = value else { continue };
            // The title makes each page's name its own; the rest is text,
            // and not what would read as a file extension (`{title}.md`: a
            // page `X.md.md`, whose link text `X.md` names the user's note).
            let extension = Path::new(&pattern)
                .extension()
                .and_then(|extension| extension.to_str())
                .is_some_and(|extension| extension.chars().all(|c| c.is_ascii_alphanumeric()));
            if !pattern.contains(super::TITLE)
                || pattern.replace(super::TITLE, "").contains(['/', '\\'])
                || extension
            {
                return Err(invalid(
                    key,
                    format!(
                        "`{pattern}` must contain `{}` (the note's title), no `/` and no file extension",
                        super::TITLE
                    ),
                ));
            }
            *target = pattern;
        }
    }
    if let Some(strength) = raw.strength {
        if let Some(participants) = strength.pattern_min_participants {
            if participants < 2 {
                return Err(invalid(
                    "pattern-min-participants",
                    "must be at least 2 (one participant is an individual request)".to_owned(),
                ));
            }
            config.thresholds.pattern_min_participants = participants;
        }
        if let Some(companies) = strength.pattern_min_companies {
            if companies < 1 {
                return Err(invalid(
                    "pattern-min-companies",
                    "must be at least 1".to_owned(),
                ));
            }
            config.thresholds.pattern_min_companies = companies;
        }
    }
    let digest = raw.digest.unwrap_or_default();
    if let Some(period) = digest.period {
        config.digest_period = DigestPeriod::parse(&period).ok_or_else(|| {
            invalid(
                "period",
                format!(
                    "`{period}` is not a period; use `week`, `month` or a number of days like `14d`"
                ),
            )
        })?;
    }
    if let Some(queue) = digest.queue {
        if queue < 1 {
            return Err(invalid("queue", "must be at least 1".to_owned()));
        }
        config.digest_queue = queue;
    }
    Ok(config)
}

/// Property keys compare case-insensitively with `-`, `_` and space alike
/// (product.md §2): all three become `-`.
pub fn normalize_key(key: &str) -> String {
    key.trim()
        .chars()
        .map(|c| match c {
            '_' | ' ' => '-',
            c => c,
        })
        .collect::<String>()
        .to_lowercase()
}

/// A folder inside the vault, without leading or trailing `/`.
fn clean_folder(folder: &str) -> Option<String> {
    let trimmed = folder.trim().trim_matches('/');
    if trimmed.is_empty() {
        return None;
    }
    crate::scan::VaultPath::new(trimmed).map(|path| path.as_str().to_owned())
}

/// The line on which `key` is written, for error messages.
fn find_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(key)
                .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_without_a_file() {
        let config = parse("").unwrap();
        assert_eq!(config.output_folder, "Throughline");
        assert_eq!(config.thresholds.pattern_min_participants, 3);
        assert_eq!(config.thresholds.pattern_min_companies, 2);
        assert_eq!(config.digest_period, DigestPeriod::IsoWeek);
    }

    #[test]
    fn every_setting() {
        let config = parse(
            r#"
output = "Research/Generated/"
ignore = ["Archive"]
max-note-bytes = 1000

[types]
interview = ["Calls/"]

[properties]
participant = ["interviewee", "Who"]

[sections]
learned = ["Findings"]

[signals]
pain = ['#Frustration', "pain"]

[callouts]
quote = ["said"]

[pages]
insight = "Evidence - {title}"

[strength]
pattern-min-participants = 4
pattern-min-companies = 3

[digest]
period = "month"
queue = 5
"#,
        )
        .unwrap();
        assert_eq!(config.output_folder, "Research/Generated");
        assert_eq!(config.ignored_folders, ["Archive"]);
        assert_eq!(config.max_note_bytes, 1000);
        assert!(
            config
                .type_folders
                .contains(&(NoteType::Interview, vec!["Calls".to_owned()]))
        );
        assert_eq!(
            config.property_synonyms["participant"],
            ["interviewee", "who"]
        );
        assert_eq!(config.sections.learned, ["Findings"]);
        assert_eq!(config.signal_tags.pain, ["frustration", "pain"]);
        assert_eq!(
            config.signal_tags.gain,
            ["gain"],
            "the others keep their default"
        );
        assert_eq!(config.callout_kinds.quote, ["said"]);
        assert_eq!(config.callout_kinds.surprise, ["surprise"]);
        assert_eq!(config.page_names.insight, "Evidence - {title}");
        assert_eq!(config.page_names.job, "{title} (job)");
        assert_eq!(config.thresholds.pattern_min_participants, 4);
        assert_eq!(config.digest_period, DigestPeriod::Month);
        assert_eq!(config.digest_queue, 5);
        assert_eq!(
            parse("[digest]\nperiod = \"10d\"").unwrap().digest_period,
            DigestPeriod::Days(10)
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key() {
        let error = parse("outptu = \"x\"").unwrap_err().to_string();
        assert!(
            error.contains("outptu") && error.contains("line 1"),
            "{error}"
        );
        let error = parse("\n[strength]\npattern-min-participants = 1\n")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("pattern-min-participants") && error.contains("line 3"),
            "{error}"
        );
        let error = parse("output = \"../outside\"").unwrap_err().to_string();
        assert!(error.contains("`output`"), "{error}");
        let error = parse("[types]\nmeeting = [\"M\"]").unwrap_err().to_string();
        assert!(error.contains("unknown note type `meeting`"), "{error}");
        let error = parse("[digest]\nperiod = \"fortnight\"")
            .unwrap_err()
            .to_string();
        assert!(error.contains("`period`"), "{error}");
        let error = parse("[digest]\n\nqueue = 0").unwrap_err().to_string();
        assert!(
            error.contains("`queue`") && error.contains("line 3"),
            "{error}"
        );
        let error = parse("[digest]\nqueue = -2").unwrap_err().to_string();
        assert!(error.contains("line 2"), "{error}");
        let error = parse("[strength]\npattern-min-participants = \"three\"")
            .unwrap_err()
            .to_string();
        assert!(error.contains("line 2"), "{error}");
        let error = parse("[signals]\n\npain = [\"big pain\"]")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`pain`") && error.contains("line 3") && error.contains("one word"),
            "{error}"
        );
        let error = parse("[callouts]\nquote = [\"\"]").unwrap_err().to_string();
        assert!(error.contains("`quote`"), "{error}");
        for pattern in [
            "Evidence",
            "{title}/evidence",
            "{title}.md",
            "{title} (v2).pdf",
        ] {
            let error = parse(&format!("[pages]\njob = \"{pattern}\""))
                .unwrap_err()
                .to_string();
            assert!(
                error.contains("`job`") && error.contains("{title}"),
                "{error}"
            );
        }
        let error = parse("[signals]\nfrustration = [\"x\"]")
            .unwrap_err()
            .to_string();
        assert!(error.contains("frustration"), "{error}");
    }

    #[test]
    fn keys_normalise() {
        assert_eq!(normalize_key("Follow up of"), "follow-up-of");
        assert_eq!(normalize_key("follow_up_of"), "follow-up-of");
        assert_eq!(normalize_key(" FOLLOW-UP-OF "), "follow-up-of");
    }
}
