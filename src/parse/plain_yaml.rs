//! Frontmatter written the plain way, read without the YAML parser.
//!
//! Almost every note's frontmatter is a few `key: value` lines: plain words,
//! a date, a number, a quoted `"[[link]]"`, a `[a, b]` list or a block list of
//! such items. A general YAML parser spends several microseconds on each; this
//! reader takes that plain subset only, gives exactly what the YAML parser
//! gives for it (a property test compares the two), and hands anything else —
//! comments, escapes, nesting, numbers with signs or exponents, tabs, keys
//! YAML would retype — back to the YAML parser by returning `None`.

use super::properties::{Properties, PropertyValue};

/// The properties of `yaml` when every line of it is in the plain subset.
pub fn parse_plain(yaml: &str) -> Option<Properties> {
    if !yaml.chars().all(is_plain_char) {
        return None;
    }
    let mut entries: Vec<(String, PropertyValue)> = Vec::new();
    let mut lines = yaml.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim_start_matches(' ').is_empty() {
            continue;
        }
        let (key, rest) = line.split_once(':')?;
        if !is_plain_key(key) || entries.iter().any(|(known, _)| known == key) {
            return None;
        }
        let value = match rest.strip_prefix(' ') {
            Some(written) => value(written.trim_end_matches(' '))?,
            None if rest.is_empty() => block_list(&mut lines)?,
            None => return None,
        };
        entries.push((key.to_owned(), value));
    }
    Some(Properties(entries))
}

/// Characters YAML reads as themselves everywhere: no tabs, no carriage
/// returns, no comments, no control or special characters.
fn is_plain_char(c: char) -> bool {
    match c {
        '\n' => true,
        '#' | '\\' | '\u{7f}' => false,
        ' '..='~' => true,
        '\u{a0}'..='\u{2027}' | '\u{202a}'..='\u{d7ff}' | '\u{e000}'..='\u{fefe}' => true,
        '\u{ff00}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}' => true,
        _ => false,
    }
}

/// A key YAML reads as this very text: a letter or `_`, then letters, digits,
/// `_`, `-` and inner spaces; not a word YAML reads as null or a boolean.
fn is_plain_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' '))
        && !key.ends_with(' ')
        && key.len() <= 128
        && !["null", "true", "false"]
            .iter()
            .any(|word| key.eq_ignore_ascii_case(word))
}

/// A value written after `key: ` (trailing spaces removed).
fn value(written: &str) -> Option<PropertyValue> {
    match written.as_bytes().first()? {
        b'[' => flow_list(written),
        _ => scalar(written),
    }
}

/// A scalar: quoted text, or a plain word, date or number.
fn scalar(written: &str) -> Option<PropertyValue> {
    let text = |inner: &str| Some(PropertyValue::String(inner.to_owned()));
    for quote in ['"', '\''] {
        if let Some(inner) = written.strip_prefix(quote) {
            // No escapes: no backslash (see `is_plain_char`), no quote inside.
            let inner = inner
                .strip_suffix(quote)
                .filter(|inner| !inner.contains(quote))?;
            return text(inner);
        }
    }
    let first = written.chars().next()?;
    let bytes = written.as_bytes();
    let has_colon_space =
        memchr::memchr_iter(b':', bytes).any(|colon| bytes.get(colon + 1) == Some(&b' '));
    if has_colon_space || written.ends_with(':') {
        return None;
    }
    match first {
        '0'..='9' if is_date(written) => text(written),
        '0' if written.len() == 1 => Some(PropertyValue::Integer(0)),
        '1'..='9' if written.len() <= 18 && written.bytes().all(|b| b.is_ascii_digit()) => {
            written.parse().ok().map(PropertyValue::Integer)
        }
        c if c.is_ascii_alphabetic() || !c.is_ascii() => match written {
            "null" | "Null" | "NULL" => Some(PropertyValue::Null),
            "true" | "True" | "TRUE" => Some(PropertyValue::Bool(true)),
            "false" | "False" | "FALSE" => Some(PropertyValue::Bool(false)),
            _ => text(written),
        },
        _ => None,
    }
}

/// `YYYY-MM-DD`, with `THH:MM` or `THH:MM:SS` after it or not: text in YAML
/// 1.2, which has no date type.
fn is_date(written: &str) -> bool {
    let shape: &[u8] = match written.len() {
        10 => b"0000-00-00",
        16 => b"0000-00-00T00:00",
        19 => b"0000-00-00T00:00:00",
        _ => return false,
    };
    written.bytes().zip(shape).all(|(b, want)| match want {
        b'0' => b.is_ascii_digit(),
        _ => b == *want,
    })
}

/// `[a, "b"]`: plain or quoted items, one line.
fn flow_list(written: &str) -> Option<PropertyValue> {
    let mut rest = written.strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    while !rest.is_empty() || !items.is_empty() {
        rest = rest.trim_start_matches(' ');
        let end = match rest.chars().next()? {
            quote @ ('"' | '\'') => rest[1..].find(quote)? + 2,
            _ => rest.find(',').unwrap_or(rest.len()),
        };
        let item = rest[..end].trim_end_matches(' ');
        if !item.starts_with(['"', '\'']) && item.contains(['[', ']', '{', '}', '"', '\'', ':']) {
            return None;
        }
        items.push(scalar(item)?);
        rest = rest[end..].trim_start_matches(' ');
        match rest.strip_prefix(',') {
            Some(after) => rest = after,
            None if rest.is_empty() => break,
            None => return None,
        }
    }
    Some(PropertyValue::List(items))
}

/// The `- item` lines after `key:` (all indented alike), or null when none.
fn block_list<'a>(
    lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>,
) -> Option<PropertyValue> {
    let mut items = Vec::new();
    let mut indent = None;
    while let Some(line) = lines.next_if(|line| line.starts_with([' ', '-'])) {
        let item = line.trim_start_matches(' ');
        if item.is_empty() {
            return None;
        }
        let this_indent = line.len() - item.len();
        if *indent.get_or_insert(this_indent) != this_indent {
            return None;
        }
        let value = match item.strip_prefix('-')? {
            "" => PropertyValue::Null,
            rest => scalar(rest.strip_prefix(' ')?.trim_end_matches(' '))?,
        };
        items.push(value);
    }
    Some(match indent {
        Some(_) => PropertyValue::List(items),
        None => PropertyValue::Null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn yaml_serde(yaml: &str) -> Option<Properties> {
        super::super::properties::parse_with_yaml_crate(yaml)
    }

    #[test]
    fn plain_frontmatter_reads_as_the_yaml_parser_reads_it() {
        let yaml = "type: interview\ndate: 2019-11-08\nparticipant: \"[[Eva Yilmaz]]\"\n\
            role: Sales ops\nat: 2020-07-20T14:15\nn: 42\nzero: 0\nflag: yes\nt: True\nnone: null\nempty:\n\
            jobs:\n  - \"[[A]]\"\n  - '[[B|b]]'\n  -\ntags: [research, interview, 7]\n\
            compact:\n- x\nlist: []\nname: Björn Ångström\nurl: https://example.com/x?y=1\n";
        let plain = parse_plain(yaml).expect("plain");
        assert_eq!(Some(&plain), yaml_serde(yaml).as_ref());
        assert_eq!(plain.0.len(), 17);
    }

    #[test]
    fn anything_else_goes_to_the_yaml_parser() {
        for yaml in [
            "a: 1 # comment\n",
            "a: \"x\\ty\"\n",
            "a:\tb\n",
            "a: -1\n",
            "a: 1.5\n",
            "a: 0x1f\n",
            "a: .inf\n",
            "a: b: c\n",
            "a: b:\n",
            "a: [x, [y]]\n",
            "a:\n  b: c\n",
            "a:\n  - x\n    - y\n",
            "a: x\na: y\n",
            "True: x\n",
            "a: &anchor x\n",
            "a: *x\n",
            "a: |\n  text\n",
            "a: x\r\n",
            "a:b\n",
            "- a\n",
            "a: \"x\" y\n",
            "a: multi\n  line\n",
            "\"quoted key\": x\n",
            "a: 2020-8-21\n",
            "a: 1234567890123456789\n",
        ] {
            assert_eq!(parse_plain(yaml), None, "{yaml:?}");
        }
    }

    #[test]
    fn most_frontmatter_of_a_research_vault_is_plain_and_reads_the_same() {
        let generated = tempfile::tempdir().unwrap();
        let options = vaultgen::GenOptions {
            notes: 600,
            seed: vaultgen::DEFAULT_SEED,
        };
        vaultgen::generate(generated.path(), &options).unwrap();
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault");
        let (mut blocks, mut plain) = (0, 0);
        for root in [generated.path(), &sample] {
            for entry in walkdir::WalkDir::new(root) {
                let path = entry.unwrap().into_path();
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let Some(block) = super::super::split_frontmatter(&text) else {
                    continue;
                };
                let yaml = &text[block.yaml];
                blocks += 1;
                if let Some(properties) = parse_plain(yaml) {
                    plain += 1;
                    assert_eq!(Some(properties), yaml_serde(yaml), "{}", path.display());
                }
            }
        }
        assert!(plain * 10 >= blocks * 9, "{plain} of {blocks} plain");
    }

    /// Lines built from pieces that are or are nearly plain.
    fn line() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec![
            "type",
            "date",
            "a b",
            "follow-up-of",
            "_x",
            "k-",
            "True",
            "null",
            "2k",
            "k ",
            "",
        ]);
        let word = prop::sample::select(vec![
            "x",
            "yes",
            "no",
            "null",
            "Null",
            "~",
            "true",
            "FALSE",
            "0",
            "07",
            "12",
            "-3",
            "1.5",
            "1e3",
            "2020-08-21",
            "2020-08-2",
            "[[A]]",
            "\"[[A]]\"",
            "'b'",
            "'it''s'",
            "\"a\"b\"",
            "a: b",
            "a:",
            "c d",
            "é",
            "[a, b]",
            "[]",
            "[a, [b]]",
            "[a,]",
            "[ ]",
            "{a: b}",
            "&x",
            "*x",
            "!t x",
            "%",
            "@",
            "`",
            "|",
            ">",
            "?",
            "-",
            "- x",
            "x ",
            "nan",
            "inf",
            ".inf",
            "[\"[[A]]\", \"[[B, C]]\"]",
            "[\"a\" , 'b', c]",
            "[\"a\" x]",
            "[\"a]",
            "[a, \"b\",]",
            "[,]",
            "[a b, 'c:d']",
            "0x10",
            "+1",
            "1_000",
            "a\tb",
            "x # c",
            "",
        ]);
        let indent = prop::sample::select(vec!["", " ", "  ", "    "]);
        prop_oneof![
            (key.clone(), word.clone()).prop_map(|(k, w)| format!("{k}: {w}")),
            key.prop_map(|k| format!("{k}:")),
            (indent, word).prop_map(|(i, w)| format!("{i}- {w}")),
            Just(String::new()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

        #[test]
        fn what_the_plain_reader_takes_it_reads_as_the_yaml_parser(
            lines in prop::collection::vec(line(), 1..8)
        ) {
            let yaml = lines.join("\n") + "\n";
            if let Some(plain) = parse_plain(&yaml) {
                prop_assert_eq!(Some(plain), yaml_serde(&yaml), "{:?}", yaml);
            }
        }
    }
}
