//! Reading a note's properties the way product.md §2 asks: keys match
//! case-insensitively with `-`, `_` and space alike (plus configured synonyms), and
//! a value may be a link (`"[[Note]]"`, resolved by the engine) or plain text, one
//! value or a list.

use std::borrow::Cow;

use crate::config::{Config, normalize_key};
use crate::parse::{LinkKind, Note, PropertyValue};
use crate::resolve::{FileId, Resolution};

/// An ASCII key's byte as [`normalize_key`] writes it: `_` and space as `-`,
/// letters lower-cased.
fn key_byte(byte: u8) -> u8 {
    match byte {
        b'_' | b' ' => b'-',
        byte => byte.to_ascii_lowercase(),
    }
}

/// Whether a key as written normalises to `name` (see [`normalize_key`]),
/// without allocating for the common ASCII case.
fn key_matches(key: &str, name: &str) -> bool {
    let key = key.trim();
    if !key.is_ascii() {
        return normalize_key(key) == name;
    }
    key.len() == name.len() && key.bytes().map(key_byte).eq(name.bytes())
}

/// A key as written, normalised as [`normalize_key`] does; borrowed when it
/// already is (keys are usually written lower-case, with `-`).
fn normalized(key: &str) -> Cow<'_, str> {
    let key = key.trim();
    if !key.is_ascii() {
        return Cow::Owned(normalize_key(key));
    }
    match key.bytes().all(|byte| key_byte(byte) == byte) {
        true => Cow::Borrowed(key),
        false => Cow::Owned(key.bytes().map(|byte| char::from(key_byte(byte))).collect()),
    }
}

/// Whether `written` is `index` as `format!` writes it (no sign, no leading
/// zero).
fn is_index(written: &str, index: usize) -> bool {
    written.bytes().all(|byte| byte.is_ascii_digit())
        && (written == "0" || !written.starts_with('0'))
        && written.parse() == Ok(index)
}

/// One value of a property: a link (resolved or not) or text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyItem<'a> {
    /// The text: the link's display text or file part, or the plain value
    /// (borrowed from the note, unless a number or a flag written out).
    pub text: Cow<'a, str>,
    /// For a link that resolves, its target.
    pub target: Option<FileId>,
    /// Whether the value was written as a link.
    pub is_link: bool,
}

/// A note's properties, read through the configuration.
pub struct PropertyReader<'a> {
    note: &'a Note,
    resolutions: &'a [Resolution],
    config: &'a Config,
    /// Each property's key, normalised once, for a reader that reads many
    /// properties ([`PropertyReader::for_many`]).
    keys: Option<Vec<Cow<'a, str>>>,
}

impl<'a> PropertyReader<'a> {
    /// A reader for `note`, whose links resolved to `resolutions`.
    pub fn new(
        note: &'a Note,
        resolutions: &'a [Resolution],
        config: &'a Config,
    ) -> PropertyReader<'a> {
        PropertyReader {
            note,
            resolutions,
            config,
            keys: None,
        }
    }

    /// A reader for reading many of `note`'s properties: each key is
    /// normalised once, not once per property read.
    pub fn for_many(
        note: &'a Note,
        resolutions: &'a [Resolution],
        config: &'a Config,
    ) -> PropertyReader<'a> {
        let keys = note.properties.0.iter().map(|(key, _)| normalized(key));
        PropertyReader {
            keys: Some(keys.collect()),
            ..PropertyReader::new(note, resolutions, config)
        }
    }

    /// The key as written and the value of property `canonical`, if present.
    pub fn raw(&self, canonical: &str) -> Option<(&'a str, &'a PropertyValue)> {
        let names = || self.config.property_names(canonical);
        let at = match &self.keys {
            Some(keys) => keys
                .iter()
                .position(|key| names().any(|name| key.as_ref() == name)),
            None => self
                .note
                .properties
                .0
                .iter()
                .position(|(key, _)| names().any(|name| key_matches(key, name))),
        }?;
        let (key, value) = &self.note.properties.0[at];
        Some((key.as_str(), value))
    }

    /// Every value of property `canonical` (a scalar is one value, a list many),
    /// links resolved. Empty values are skipped.
    pub fn items(&self, canonical: &str) -> Vec<PropertyItem<'a>> {
        let Some((key, value)) = self.raw(canonical) else {
            return Vec::new();
        };
        match value {
            PropertyValue::List(items) => items
                .iter()
                .enumerate()
                .filter_map(|(index, item)| self.item(key, Some(index), item))
                .collect(),
            other => self.item(key, None, other).into_iter().collect(),
        }
    }

    /// The single value of property `canonical`; a list of one counts as one.
    /// `Err` with the number of values when a list holds several.
    pub fn single(&self, canonical: &str) -> Result<Option<PropertyItem<'a>>, usize> {
        let mut items = self.items(canonical);
        match items.len() {
            0 => Ok(None),
            1 => Ok(items.pop()),
            many => Err(many),
        }
    }

    /// The value of `key`, or of its item number `index`, as an item.
    fn item(
        &self,
        key: &str,
        index: Option<usize>,
        value: &'a PropertyValue,
    ) -> Option<PropertyItem<'a>> {
        let text: Cow<'a, str> = match value {
            PropertyValue::String(text) => Cow::Borrowed(text.trim()),
            PropertyValue::Integer(number) => Cow::Owned(number.to_string()),
            PropertyValue::Float(number) => Cow::Owned(number.to_string()),
            PropertyValue::Bool(flag) => Cow::Owned(flag.to_string()),
            PropertyValue::Null | PropertyValue::List(_) | PropertyValue::Map(_) => return None,
        };
        if text.is_empty() {
            return None;
        }
        // The frontmatter link written there: its key path is `key` or
        // `key.index` (`frontmatter::property_links`).
        let is_here = |path: &str| match index {
            None => path == key,
            Some(index) => path
                .strip_prefix(key)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|number| is_index(number, index)),
        };
        // Frontmatter links come first in a note's links (`Note::links`):
        // the search stops at the first body link.
        let link = self
            .note
            .links
            .iter()
            .zip(self.resolutions)
            .take_while(|(link, _)| link.kind == LinkKind::Frontmatter)
            .find(|(link, _)| self.note.property_key(link).is_some_and(is_here));
        Some(match link {
            Some((link, resolution)) => PropertyItem {
                text: Cow::Borrowed(
                    link.display
                        .map(|display| self.note.str(display))
                        .filter(|display| !display.is_empty())
                        .unwrap_or_else(|| {
                            let path = self.note.linkpath(link);
                            path.rsplit('/').next().unwrap_or(path)
                        }),
                ),
                target: resolution.target,
                is_link: true,
            },
            None => PropertyItem {
                text,
                target: None,
                is_link: false,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{PropertyReader, is_index, normalize_key, normalized};
    use crate::config::Config;
    use crate::parse::{NoteBytes, parse_note};
    use crate::scan::VaultPath;

    #[test]
    fn a_reader_for_many_reads_finds_what_a_reader_for_one_finds() {
        let text = "---\nType: interview\nFollow_Up Of: a\n\"date \": 2026-01-02\nparticipant: b\nNaïve: c\nrole: d\nROLE: e\n---\n";
        let note = parse_note(
            VaultPath::new("n.md").unwrap(),
            NoteBytes::Read(text.as_bytes().to_vec()),
        );
        assert_eq!(note.properties.0.len(), 7);
        let mut config = Config::default();
        config
            .property_synonyms
            .insert("participant".to_owned(), vec!["naïve".to_owned()]);
        let (one, many) = (
            PropertyReader::new(&note, &[], &config),
            PropertyReader::for_many(&note, &[], &config),
        );
        for name in [
            "type",
            "follow-up-of",
            "date",
            "participant",
            "role",
            "company",
            "naïve",
        ] {
            assert_eq!(one.raw(name), many.raw(name), "{name}");
        }
        assert_eq!(
            many.raw("follow-up-of").map(|(key, _)| key),
            Some("Follow_Up Of")
        );
        assert_eq!(many.raw("role").map(|(key, _)| key), Some("role"));
    }

    #[test]
    fn keys_normalise_as_the_configuration_normalises_them() {
        for key in [
            "date",
            "Date",
            "follow-up-of",
            "Follow_Up Of",
            "  participant ",
            "\tROLE\t",
            "a__b  c",
            "",
            " ",
            "Ärger_Grund",
            "naïve key",
            "İd",
            "x-Y_z w",
            "follow up of",
        ] {
            assert_eq!(normalized(key), normalize_key(key), "{key:?}");
        }
        assert!(matches!(
            normalized("follow-up-of"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn an_item_number_is_read_only_as_written_for_it() {
        assert!(is_index("0", 0) && is_index("12", 12));
        for other in ["01", "+1", "1.x", "", "00"] {
            assert!(!is_index(other, 1) && !is_index(other, 0), "{other}");
        }
    }
}
