//! Callouts: a blockquote whose first line starts `[!type]` (rule I2).
//!
//! `> [!faq]- Title` is a callout of type `faq`, collapsed, titled "Title";
//! `> [!note|wide]` carries metadata `wide`. Types compare case-insensitively;
//! unknown types are kept as written (Obsidian styles them as `note`).

/// How a callout folds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    /// `+`: foldable, open.
    Expanded,
    /// `-`: foldable, closed.
    Collapsed,
}

/// The first line of a callout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalloutHeader {
    /// The type, lower-cased (`quote`, `my-type`).
    pub kind: String,
    /// Text after `|` inside the brackets.
    pub metadata: Option<String>,
    /// `+` or `-` after the brackets.
    pub fold: Option<Fold>,
    /// The title as written; `None` when the line has none.
    pub title: Option<String>,
}

/// Reads a callout header from the source of a blockquote (starting at its `>`).
pub fn callout_header(blockquote_source: &str) -> Option<CalloutHeader> {
    let first_line = blockquote_source.lines().next()?;
    let content = first_line.trim_start().strip_prefix('>')?.trim_start();
    let inner_and_rest = content.strip_prefix("[!")?;
    let close = inner_and_rest.find(']')?;
    let inner = &inner_and_rest[..close];
    let (kind, metadata) = match inner.split_once('|') {
        Some((kind, metadata)) => (kind, Some(metadata.trim().to_owned())),
        None => (inner, None),
    };
    let kind = kind.trim();
    if kind.is_empty() || kind.contains(char::is_whitespace) {
        return None;
    }
    let mut rest = &inner_and_rest[close + 1..];
    let fold = match rest.chars().next() {
        Some('+') => Some(Fold::Expanded),
        Some('-') => Some(Fold::Collapsed),
        _ => None,
    };
    if fold.is_some() {
        rest = &rest[1..];
    }
    let title = rest.trim();
    Some(CalloutHeader {
        kind: kind.to_lowercase(),
        metadata,
        fold,
        title: (!title.is_empty()).then(|| title.to_owned()),
    })
}

/// The title Obsidian shows when none is written: the type with `-` as spaces and
/// the first letter upper-cased (`my-type` → `My type`).
pub fn default_title(kind: &str) -> String {
    let spaced = kind.replace('-', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        // row 75
        let header = callout_header("> [!faq]- Are callouts foldable?\n> yes").unwrap();
        assert_eq!(header.kind, "faq");
        assert_eq!(header.fold, Some(Fold::Collapsed));
        assert_eq!(header.title.as_deref(), Some("Are callouts foldable?"));
        // row 76
        assert_eq!(callout_header("> [!INFO]").unwrap().kind, "info");
        let custom = callout_header(">[!my-type]").unwrap();
        assert_eq!((custom.kind.as_str(), custom.title), ("my-type", None));
        assert_eq!(default_title("my-type"), "My type");
        // row 77
        let meta = callout_header("> [!note|wide] T").unwrap();
        assert_eq!(meta.metadata.as_deref(), Some("wide"));
        assert_eq!(meta.title.as_deref(), Some("T"));
        assert_eq!(
            callout_header("> [!quote]+").unwrap().fold,
            Some(Fold::Expanded)
        );
        assert_eq!(callout_header("> just a quote"), None);
        assert_eq!(callout_header("> [!] empty"), None);
    }
}
