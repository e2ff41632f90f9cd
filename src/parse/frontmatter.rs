//! The frontmatter block: where it is (rule H1) and what Obsidian reads from it —
//! links in property values (H4), the `tags` list (G6) and the `aliases` list (H5).
//!
//! Obsidian's rule, not pulldown-cmark's: only at byte 0, opened by `---` and a
//! line break, closed by a later line that is `---` (trailing spaces allowed);
//! `...` does not close it; an empty block is valid.

use std::ops::Range;

use super::properties::{Properties, PropertyValue};
use super::tag::frontmatter_tag;

/// Where the frontmatter is in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontmatterBlock {
    /// The YAML text between the delimiter lines.
    pub yaml: Range<usize>,
    /// Where the body starts (after the closing line and its line break).
    pub body_start: usize,
}

/// Finds the frontmatter block at the start of `text` (BOM already removed).
pub fn split_frontmatter(text: &str) -> Option<FrontmatterBlock> {
    let yaml_start = if text.starts_with("---\n") {
        4
    } else if text.starts_with("---\r\n") {
        5
    } else {
        return None;
    };
    let mut line_start = yaml_start;
    while line_start <= text.len() {
        let rest = &text[line_start..];
        let (line, next) = match rest.find('\n') {
            Some(newline) => (&rest[..newline], line_start + newline + 1),
            None => (rest, text.len() + 1),
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with("---") && line[3..].trim_matches([' ', '\t']).is_empty() {
            return Some(FrontmatterBlock {
                yaml: yaml_start..line_start,
                body_start: next.min(text.len()),
            });
        }
        if next > text.len() {
            break;
        }
        line_start = next;
    }
    None
}

/// A link found in a property value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyLink<'a> {
    /// Key path: `key`, `list.0`, `parent.child`.
    pub key: String,
    /// The whole string value (`[[Note|Alias]]`).
    pub value: &'a str,
    /// Whether it is a Markdown link (`[t](Note.md)`, Obsidian ≥ 1.11) rather than a
    /// wikilink.
    pub is_markdown: bool,
}

/// Every string value, at any depth, that is entirely a `[[wikilink]]` or a
/// Markdown link (rule H4), in document order.
pub fn property_links(properties: &Properties) -> Vec<PropertyLink<'_>> {
    let mut links = Vec::new();
    // The key path of the value looked at, written out only for a link.
    let mut key = String::new();
    for (name, value) in &properties.0 {
        key.clear();
        key.push_str(name);
        collect_links(&mut key, value, &mut links);
    }
    links
}

fn collect_links<'a>(
    key: &mut String,
    value: &'a PropertyValue,
    links: &mut Vec<PropertyLink<'a>>,
) {
    use std::fmt::Write;
    match value {
        PropertyValue::String(text) => {
            let text = text.trim();
            let is_wikilink = text.starts_with("[[") && text.ends_with("]]") && text.len() >= 4;
            let is_markdown = !is_wikilink && markdown_link_parts(text).is_some();
            if is_wikilink || is_markdown {
                links.push(PropertyLink {
                    key: key.clone(),
                    value: text,
                    is_markdown,
                });
            }
        }
        PropertyValue::List(items) => {
            let parent = key.len();
            for (index, item) in items.iter().enumerate() {
                write!(key, ".{index}").expect("writing to a String cannot fail");
                collect_links(key, item, links);
                key.truncate(parent);
            }
        }
        PropertyValue::Map(entries) => {
            let parent = key.len();
            for (child, item) in entries {
                key.push('.');
                key.push_str(child);
                collect_links(key, item, links);
                key.truncate(parent);
            }
        }
        _ => {}
    }
}

/// `[text](destination)` as a whole string: its text and destination (angle
/// brackets removed).
pub fn markdown_link_parts(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix('[')?;
    let close = rest.find("](")?;
    let label = &rest[..close];
    let destination = rest[close + 2..].strip_suffix(')')?;
    if destination.contains([')', '\n']) && !destination.starts_with('<') {
        return None;
    }
    let destination = destination.trim();
    let destination = destination
        .strip_prefix('<')
        .and_then(|d| d.strip_suffix('>'))
        .unwrap_or(destination);
    Some((label, destination))
}

/// The `tags` property (key in any case) as Obsidian ≥ 1.9 reads it: a list of
/// strings, `#` optional; scalars and non-string items are ignored (rule G6).
pub fn frontmatter_tags(properties: &Properties) -> Vec<String> {
    list_of_strings(properties, "tags")
        .filter_map(frontmatter_tag)
        .map(str::to_owned)
        .collect()
}

/// The `aliases` property as a list of strings (rule H5). Aliases never resolve
/// links (rule C8); they are kept for suggestions and display.
pub fn frontmatter_aliases(properties: &Properties) -> Vec<String> {
    list_of_strings(properties, "aliases")
        .map(str::trim)
        .filter(|alias| !alias.is_empty())
        .map(str::to_owned)
        .collect()
}

fn list_of_strings<'a>(properties: &'a Properties, key: &str) -> impl Iterator<Item = &'a str> {
    properties
        .get_ignore_case(key)
        .and_then(PropertyValue::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(PropertyValue::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::properties::parse_yaml;
    use rstest::rstest;

    #[rstest]
    #[case::basic("---\nk: v\n---\nbody", Some((4..9, 13)))]
    #[case::trailing_spaces("---\nk: v\n---   \nbody", Some((4..9, 16)))] // row 72
    #[case::crlf("---\r\nk: v\r\n---\r\n", Some((5..11, 16)))] // row 72
    #[case::empty("---\n---\n", Some((4..4, 8)))] // row 72
    #[case::at_end("---\nk: v\n---", Some((4..9, 12)))]
    #[case::blank_line_first("\n---\nk: v\n---", None)] // row 71
    #[case::dots_do_not_close("---\nk: v\n...\n", None)] // row 73
    #[case::unclosed("---\nk: v\n", None)]
    #[case::four_dashes("---\nk: v\n----\n", None)]
    #[case::no_newline("---", None)]
    fn frontmatter_blocks(#[case] text: &str, #[case] expected: Option<(Range<usize>, usize)>) {
        let found = split_frontmatter(text).map(|block| (block.yaml, block.body_start));
        assert_eq!(found, expected);
    }

    #[test]
    fn links_in_properties() {
        // rows 67–70
        let properties = parse_yaml(
            "link: \"[[Episode IV]]\"\nunquoted: [[Episode IV]]\nlinks: [\"[[A]]\", \"[[B|bee]]\"]\nnote: \"see [[A]] here\"\nnested:\n  child: \"[[C]]\"\nmd: \"[t](Note.md)\"\n",
            2,
        )
        .unwrap();
        let links = property_links(&properties);
        let found: Vec<(&str, &str)> = links.iter().map(|l| (l.key.as_str(), l.value)).collect();
        assert_eq!(
            found,
            [
                ("link", "[[Episode IV]]"),
                ("links.0", "[[A]]"),
                ("links.1", "[[B|bee]]"),
                ("nested.child", "[[C]]"),
                ("md", "[t](Note.md)")
            ]
        );
        assert!(links[4].is_markdown);
    }

    #[test]
    fn key_paths_of_links_nested_in_maps_and_lists() {
        let properties = parse_yaml(
            "nested: {a: \"[[C]]\", b: [\"x\", \"[[D]]\"], c: \"[[F]]\"}\nl: [{k: \"[[E]]\"}, \"[[G]]\"]\nafter: \"[[H]]\"\n",
            2,
        )
        .unwrap();
        let found: Vec<(String, &str)> = property_links(&properties)
            .into_iter()
            .map(|link| (link.key, link.value))
            .collect();
        let expected = [
            ("nested.a", "[[C]]"),
            ("nested.b.1", "[[D]]"),
            ("nested.c", "[[F]]"),
            ("l.0.k", "[[E]]"),
            ("l.1", "[[G]]"),
            ("after", "[[H]]"),
        ];
        let expected: Vec<(String, &str)> = expected
            .iter()
            .map(|&(key, value)| (key.to_owned(), value))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn tags_and_aliases() {
        // row 63
        let properties = parse_yaml("tags: [recipe, \"#cooking\"]\n", 2).unwrap();
        assert_eq!(frontmatter_tags(&properties), ["recipe", "cooking"]);
        // row 64: a scalar is not recognised (Obsidian ≥ 1.9)
        let properties = parse_yaml("tags: recipe\n", 2).unwrap();
        assert!(frontmatter_tags(&properties).is_empty());
        // row 65
        let properties = parse_yaml("tags:\n  - two words\n  - ok\n  -\n  - 2024\n", 2).unwrap();
        assert_eq!(frontmatter_tags(&properties), ["ok"]);
        // row 66
        let properties = parse_yaml("Tags: [x]\naliases: [AI, \" \"]\n", 2).unwrap();
        assert_eq!(frontmatter_tags(&properties), ["x"]);
        assert_eq!(frontmatter_aliases(&properties), ["AI"]);
    }
}
