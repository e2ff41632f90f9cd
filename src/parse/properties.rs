//! YAML frontmatter → our own property values. The only module that names a YAML
//! crate.
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
    let value: yaml_serde::Value = yaml_serde::from_str(yaml).map_err(|error| {
        let offset = error.location().map_or(0, |location| location.index());
        let message = error.to_string();
        let offset = duplicate_key_offset(yaml, &message).unwrap_or(offset);
        YamlProblem {
            offset: offset.min(yaml.len()),
            message: note_relative_message(&message, first_line),
            help: QUOTE_HELP,
        }
    })?;
    match value {
        yaml_serde::Value::Null => Ok(Properties::default()),
        yaml_serde::Value::Mapping(mapping) => {
            let mut properties = Vec::with_capacity(mapping.len());
            for (key, value) in mapping {
                let Some(name) = scalar_key(&key) else {
                    return Err(complex_key_problem(yaml, None));
                };
                let value = convert(value).ok_or_else(|| complex_key_problem(yaml, Some(&name)))?;
                properties.push((name, value));
            }
            Ok(Properties(properties))
        }
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

fn convert(value: yaml_serde::Value) -> Option<PropertyValue> {
    Some(match value {
        yaml_serde::Value::Null => PropertyValue::Null,
        yaml_serde::Value::Bool(flag) => PropertyValue::Bool(flag),
        yaml_serde::Value::Number(number) => match number.as_i64() {
            Some(integer) => PropertyValue::Integer(integer),
            None => PropertyValue::Float(number.as_f64().unwrap_or(f64::NAN)),
        },
        yaml_serde::Value::String(text) => PropertyValue::String(text),
        yaml_serde::Value::Sequence(items) => {
            PropertyValue::List(items.into_iter().map(convert).collect::<Option<_>>()?)
        }
        yaml_serde::Value::Mapping(mapping) => {
            let mut entries = Vec::with_capacity(mapping.len());
            for (key, value) in mapping {
                entries.push((scalar_key(&key)?, convert(value)?));
            }
            PropertyValue::Map(entries)
        }
        yaml_serde::Value::Tagged(tagged) => convert(tagged.value)?,
    })
}

/// Keys must be scalars: Obsidian's properties are named by text.
fn scalar_key(key: &yaml_serde::Value) -> Option<String> {
    match key {
        yaml_serde::Value::String(text) => Some(text.clone()),
        yaml_serde::Value::Number(number) => Some(number.to_string()),
        yaml_serde::Value::Bool(flag) => Some(flag.to_string()),
        yaml_serde::Value::Null => Some("null".to_owned()),
        yaml_serde::Value::Tagged(tagged) => scalar_key(&tagged.value),
        _ => None,
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

fn kind_name(value: &yaml_serde::Value) -> &'static str {
    match value {
        yaml_serde::Value::Sequence(_) => "a list",
        yaml_serde::Value::Mapping(_) => "a mapping",
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
