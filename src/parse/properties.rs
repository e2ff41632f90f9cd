//! YAML frontmatter → our own property values. The only module that names a YAML
//! crate; frontmatter in the plain subset of [`super::plain_yaml`] is read
//! without it, to the same values.
//!
//! yaml_serde (serde_yaml's maintained continuation) reads YAML 1.2 as Obsidian's
//! `yaml` library does (rule H2): `yes`/`no` are strings, unquoted dates are
//! strings, the document must be a mapping, duplicate keys are an error. Its values
//! become [`PropertyValue`]s so nothing downstream depends on the YAML crate.

use std::sync::LazyLock;

use regex::Regex;

/// A property's value, as YAML gave it.
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyValue {
    /// `~`, `null` or nothing.
    Null,
    /// `true` / `false` (only those: YAML 1.2).
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A number with a fraction or exponent (or an integer too large for `i64`).
    Float(f64),
    /// Any text, including unquoted dates.
    String(String),
    /// A sequence.
    List(Vec<PropertyValue>),
    /// A nested mapping, keys in document order.
    Map(Vec<(String, PropertyValue)>),
}

impl PropertyValue {
    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PropertyValue::String(text) => Some(text),
            _ => None,
        }
    }

    /// The items of a list value.
    pub fn as_list(&self) -> Option<&[PropertyValue]> {
        match self {
            PropertyValue::List(items) => Some(items),
            _ => None,
        }
    }
}

/// A note's properties, keys in document order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Properties(pub Vec<(String, PropertyValue)>);

impl Properties {
    /// The value of the first key equal to `key`, ignoring ASCII case.
    pub fn get_ignore_case(&self, key: &str) -> Option<&PropertyValue> {
        self.0
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value)
    }

    /// Whether there are no properties.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Why a frontmatter block is not usable, and where (byte offset in the YAML text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlProblem {
    /// Byte offset in the YAML text.
    pub offset: usize,
    /// What is wrong, with line numbers already counted in the note's lines.
    pub message: String,
    /// What to do.
    pub help: &'static str,
}

const QUOTE_HELP: &str = "fix the YAML; a value that starts with `@`, `` ` ``, `{`, `[` or `*`, or contains `: `, must be in quotes";

/// Parses the YAML between the `---` lines. `first_line` is the note line on which
/// the YAML text starts, so messages can name lines of the note.
pub fn parse_yaml(yaml: &str, first_line: usize) -> Result<Properties, YamlProblem> {
    if yaml.trim().is_empty() {
        return Ok(Properties::default());
    }
    match super::plain_yaml::parse_plain(yaml) {
        Some(properties) => Ok(properties),
        None => parse_general(yaml, first_line),
    }
}

/// What the YAML crate reads in `yaml`, for the plain reader's tests.
#[cfg(test)]
pub(super) fn parse_with_yaml_crate(yaml: &str) -> Option<Properties> {
    parse_general(yaml, 1).ok()
}

/// [`parse_yaml`] by the YAML crate, for any YAML.
fn parse_general(yaml: &str, first_line: usize) -> Result<Properties, YamlProblem> {
    let value: PropertyValue = yaml_serde::from_str(yaml).map_err(|error| {
        let message = error.to_string();
        if let Some(at) = message.find(COMPLEX_KEY) {
            // yaml_serde prefixes the path of the value in error: `created: …`.
            let property = message[..at]
                .strip_suffix(": ")
                .filter(|path| !path.is_empty());
            return complex_key_problem(yaml, property);
        }
        let offset = error.location().map_or(0, |location| location.index());
        let offset = duplicate_key_offset(yaml, &message).unwrap_or(offset);
        YamlProblem {
            offset: offset.min(yaml.len()),
            message: note_relative_message(&message, first_line),
            help: QUOTE_HELP,
        }
    })?;
    match value {
        PropertyValue::Null => Ok(Properties::default()),
        PropertyValue::Map(entries) => Ok(Properties(entries)),
        other => Err(YamlProblem {
            offset: 0,
            message: format!(
                "frontmatter must be a set of `key: value` properties, not {}",
                kind_name(&other)
            ),
            help: "write each property as `key: value` on its own line",
        }),
    }
}

/// The error raised for a mapping or list used as a key.
const COMPLEX_KEY: &str = "a mapping or list is used as a key";

/// Reads YAML straight into [`PropertyValue`]s (no intermediate YAML tree):
/// scalars by YAML 1.2 meaning, tags (`!x value`) dropped, keys as text.
impl<'de> serde::Deserialize<'de> for PropertyValue {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<PropertyValue, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> serde::de::Visitor<'de> for ValueVisitor {
    type Value = PropertyValue;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a property value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<PropertyValue, E> {
        Ok(PropertyValue::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<PropertyValue, E> {
        Ok(PropertyValue::Integer(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<PropertyValue, E> {
        Ok(i64::try_from(value).map_or(PropertyValue::Float(value as f64), PropertyValue::Integer))
    }

    fn visit_f64<E>(self, value: f64) -> Result<PropertyValue, E> {
        Ok(PropertyValue::Float(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<PropertyValue, E> {
        Ok(PropertyValue::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<PropertyValue, E> {
        Ok(PropertyValue::String(value))
    }

    fn visit_unit<E>(self) -> Result<PropertyValue, E> {
        Ok(PropertyValue::Null)
    }

    fn visit_none<E>(self) -> Result<PropertyValue, E> {
        Ok(PropertyValue::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<PropertyValue, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> Result<PropertyValue, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(PropertyValue::List(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<PropertyValue, A::Error> {
        use serde::de::Error;
        let mut entries: Vec<(String, PropertyValue)> =
            Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(Key(key)) = map.next_key()? {
            let key = key.ok_or_else(|| A::Error::custom(COMPLEX_KEY))?;
            if entries.iter().any(|(existing, _)| *existing == key) {
                return Err(A::Error::custom(format!(
                    "duplicate entry with key \"{key}\""
                )));
            }
            let value = map.next_value::<PropertyValue>()?;
            entries.push((key, value));
        }
        Ok(PropertyValue::Map(entries))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<PropertyValue, A::Error> {
        // `!tag value`: the tag is dropped, the value kept.
        use serde::de::VariantAccess;
        let (_, variant) = data.variant::<serde::de::IgnoredAny>()?;
        variant.newtype_variant()
    }
}

/// A mapping key: text, or a scalar written as text; `None` for a list or
/// mapping used as a key.
struct Key(Option<String>);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        Ok(Key(match PropertyValue::deserialize(deserializer)? {
            PropertyValue::String(text) => Some(text),
            PropertyValue::Integer(number) => Some(number.to_string()),
            PropertyValue::Float(number) => Some(number.to_string()),
            PropertyValue::Bool(flag) => Some(flag.to_string()),
            PropertyValue::Null => Some("null".to_owned()),
            PropertyValue::List(_) | PropertyValue::Map(_) => None,
        }))
    }
}

/// `created: {{date}}` is valid YAML (a mapping used as a key) but no property
/// Obsidian can show; it is almost always an unfilled template placeholder.
fn complex_key_problem(yaml: &str, property: Option<&str>) -> YamlProblem {
    let offset = yaml
        .find('{')
        .or_else(|| property.and_then(|name| top_level_key_offset(yaml, name)))
        .unwrap_or(0);
    let message = match property {
        Some(name) => format!(
            "property `{name}` holds a mapping used as a key, which is not a property value (an unfilled template placeholder like `{{{{date}}}}`?)"
        ),
        None => "a property name is a list or mapping, not text".to_owned(),
    };
    YamlProblem {
        offset,
        message,
        help: "quote the value (`created: \"{{date}}\"`), or exclude template folders in Obsidian's Settings → Files and links → Excluded files",
    }
}

fn kind_name(value: &PropertyValue) -> &'static str {
    match value {
        PropertyValue::List(_) => "a list",
        PropertyValue::Map(_) => "a mapping",
        _ => "a single value",
    }
}

/// For `duplicate entry with key "k"`, the offset of the second `k:` line.
fn duplicate_key_offset(yaml: &str, message: &str) -> Option<usize> {
    let key = message
        .strip_prefix("duplicate entry with key \"")?
        .split('"')
        .next()?;
    let mut seen = 0;
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(['\'', '"']);
        if trimmed.starts_with(key)
            && trimmed[key.len()..]
                .trim_start_matches(['\'', '"'])
                .starts_with(':')
        {
            seen += 1;
            if seen == 2 {
                return Some(offset);
            }
        }
        offset += line.len();
    }
    None
}

/// The offset of a top-level `key:` line.
fn top_level_key_offset(yaml: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        if line.starts_with(key) && line[key.len()..].trim_start().starts_with(':') {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

static YAML_POSITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?: at)? line (\d+) column (\d+)").expect("a valid constant regex")
});

/// Drops the YAML crate's own leading position (we show ours) and renumbers the
/// lines it mentions as lines of the note.
fn note_relative_message(message: &str, first_line: usize) -> String {
    let message = match message.find(", while") {
        Some(comma) => {
            let (head, tail) = message.split_at(comma);
            format!("{}{}", YAML_POSITION.replace(head, ""), tail)
        }
        None => YAML_POSITION.replace(message, "").into_owned(),
    };
    YAML_POSITION
        .replace_all(&message, |captures: &regex::Captures<'_>| {
            let line: usize = captures[1].parse().unwrap_or(1);
            format!(" at line {} column {}", line + first_line - 1, &captures[2])
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_2_meanings() {
        // row 74
        let properties = parse_yaml(
            "flag: yes\nd: 2020-08-21\nn: 3\nf: 1.5\nt: true\nnone: ~\n",
            2,
        )
        .unwrap();
        assert_eq!(
            properties.get_ignore_case("flag"),
            Some(&PropertyValue::String("yes".into()))
        );
        assert_eq!(
            properties.get_ignore_case("D"),
            Some(&PropertyValue::String("2020-08-21".into()))
        );
        assert_eq!(
            properties.get_ignore_case("n"),
            Some(&PropertyValue::Integer(3))
        );
        assert_eq!(
            properties.get_ignore_case("f"),
            Some(&PropertyValue::Float(1.5))
        );
        assert_eq!(
            properties.get_ignore_case("t"),
            Some(&PropertyValue::Bool(true))
        );
        assert_eq!(
            properties.get_ignore_case("none"),
            Some(&PropertyValue::Null)
        );
    }

    #[test]
    fn empty_and_comment_only_blocks_are_valid() {
        assert_eq!(parse_yaml("", 2), Ok(Properties::default()));
        assert_eq!(
            parse_yaml("# just a comment\n", 2),
            Ok(Properties::default())
        );
    }

    #[test]
    fn invalid_blocks_say_where() {
        // row 73: a list is not a set of properties.
        let problem = parse_yaml("- a\n- b\n", 2).unwrap_err();
        assert!(
            problem.message.contains("not a list"),
            "{}",
            problem.message
        );
        let problem = parse_yaml("a: 1\nb: @x\n", 2).unwrap_err();
        assert_eq!(problem.offset, "a: 1\nb: ".len());
        assert!(
            !problem.message.contains("line 2 column"),
            "{}",
            problem.message
        );
        let problem = parse_yaml("a: 1\nb: [1, 2\nc: 3\n", 2).unwrap_err();
        assert!(
            problem.message.contains("at line 3 column 4"),
            "{}",
            problem.message
        );
        let problem = parse_yaml("k: v\nother: 1\nk: w\n", 2).unwrap_err();
        assert_eq!(problem.offset, "k: v\nother: 1\n".len());
        let problem = parse_yaml("title: x\ncreated: {{date}}\n", 2).unwrap_err();
        assert_eq!(problem.offset, "title: x\ncreated: ".len());
        assert!(problem.message.contains("`created`"));
    }

    #[test]
    fn nested_values_and_tags() {
        let properties = parse_yaml("a: !custom v\nb:\n  c: [1, \"[[X]]\"]\n", 2).unwrap();
        assert_eq!(
            properties.get_ignore_case("a"),
            Some(&PropertyValue::String("v".into()))
        );
        let PropertyValue::Map(entries) = properties.get_ignore_case("b").unwrap() else {
            panic!("b is a map");
        };
        assert_eq!(entries[0].0, "c");
    }
}
