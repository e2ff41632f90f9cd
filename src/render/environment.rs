//! The minijinja environment: templates and the filters they use.
//!
//! Templates are looked up through one loader — the vault's
//! `.throughline/templates/<name>` first, then the defaults embedded from the
//! repository's `templates/` — because templates added with `add_template` would
//! be found before any loader and could not be overridden.
//!
//! Filters:
//! - `wikilink(subpath=, display=, table=)`: a vault path → the shortest link text
//!   that resolves to it from the page being rendered ([`LinkWriter`]);
//! - `links`: people or companies (`name`, and `path` when they have a note) as
//!   links or escaped names, separated by `, `;
//! - `names`: the `name` of each item of a list, escaped, separated by `, `;
//! - `md`: escapes Markdown in text shown inline (titles, names);
//! - `cell`: `md`, plus `|` escaped and line breaks removed, for table cells;
//! - `quote(indent)`: text as a blockquote (`> ` on every line), kept as
//!   written; with `indent`, every line indented by that many spaces;
//! - `date(format)`: a `YYYY-MM-DD` date in `strftime` format;
//! - `label`: text made safe for a Mermaid chart label;
//! - `first_line`: the first line of a page's Markdown (quoted observation text),
//!   at most 160 characters, never cut inside a link or a code span.
//! - `shorten(n)`: at most `n` characters, cut at a word, ending in `…`.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior};

use super::links::{LinkTextError, LinkWriter};

/// The default templates, embedded at build time.
pub const DEFAULT_TEMPLATES: [(&str, &str); 12] = [
    (
        "insights.md.j2",
        include_str!("../../templates/insights.md.j2"),
    ),
    (
        "insight-row.md.j2",
        include_str!("../../templates/insight-row.md.j2"),
    ),
    (
        "insight.md.j2",
        include_str!("../../templates/insight.md.j2"),
    ),
    ("job.md.j2", include_str!("../../templates/job.md.j2")),
    (
        "job-insight-row.md.j2",
        include_str!("../../templates/job-insight-row.md.j2"),
    ),
    (
        "job-evidence.md.j2",
        include_str!("../../templates/job-evidence.md.j2"),
    ),
    ("plan.md.j2", include_str!("../../templates/plan.md.j2")),
    ("digest.md.j2", include_str!("../../templates/digest.md.j2")),
    (
        "validation-entry.md.j2",
        include_str!("../../templates/validation-entry.md.j2"),
    ),
    ("health.md.j2", include_str!("../../templates/health.md.j2")),
    ("report.md.j2", include_str!("../../templates/report.md.j2")),
    (
        "report.html.j2",
        include_str!("../../templates/report.html.j2"),
    ),
];

/// Builds the environment. `user_templates` is `<vault>/.throughline/templates`.
pub fn environment(user_templates: PathBuf, links: Arc<LinkWriter>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.set_loader(move |name| {
        // Only plain file names: never a path that could leave the folder.
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return Ok(None);
        }
        let user = user_templates.join(name);
        match std::fs::read_to_string(&user) {
            Ok(text) => return Ok(Some(text)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(Error::new(
                    ErrorKind::TemplateNotFound,
                    format!("cannot read `{}`: {error}", user.display()),
                ));
            }
        }
        Ok(DEFAULT_TEMPLATES
            .iter()
            .find(|(default, _)| *default == name)
            .map(|(_, text)| (*text).to_owned()))
    });
    let for_entities = Arc::clone(&links);
    env.add_filter(
        "wikilink",
        move |state: &State, target: Cow<'_, str>, options: Kwargs| {
            wikilink(&links, state, &target, &options)
        },
    );
    env.add_filter("links", move |state: &State, items: &Value| {
        entity_links(&for_entities, state, items)
    });
    env.add_filter("names", entity_names);
    env.add_filter("md", |text: String| escape_markdown(&text));
    env.add_filter("cell", |text: String| escape_cell(&text));
    env.add_filter("quote", |text: String, indent: Option<usize>| {
        blockquote_indented(&text, indent.unwrap_or(0))
    });
    env.add_filter("date", format_date);
    env.add_filter("label", |text: String| chart_label(&text));
    env.add_filter("first_line", |text: String| first_line(&text));
    env.add_filter("shorten", |text: String, limit: usize| {
        shorten(&text, limit)
    });
    env
}

fn wikilink(
    links: &LinkWriter,
    state: &State,
    target: &str,
    options: &Kwargs,
) -> Result<String, Error> {
    // Read without `Kwargs::get`, which records every name it is asked for
    // in a set: this filter runs for every link of every page. (Unknown names
    // are reported before values of the wrong type, and keys that are not
    // strings, which template syntax cannot write, are not looked at.)
    if let Some(unknown) = options.args().find(|key| !WIKILINK_OPTIONS.contains(key)) {
        return Err(Error::new(
            ErrorKind::TooManyArguments,
            format!("unknown keyword argument '{unknown}'"),
        ));
    }
    let subpath = text_option(options, "subpath")?;
    let display = text_option(options, "display")?;
    let table: Option<bool> = options.peek("table")?;
    let page = page_of(state)?;
    links
        .link_of(
            page_path(&page)?,
            target,
            subpath.as_deref(),
            display.as_deref(),
            table.unwrap_or(false),
        )
        .map_err(|error| link_error(error, &page))
}

/// `links`: a list of people or companies (each with a `name`, and a `path`
/// when it has a note) as links where there is a note and escaped names where
/// not, separated by `, ` — what a loop writing `x.path | wikilink` or
/// `x.name | md` for each writes, in one call (evidence lists name the
/// participants of every observation).
/// As strict as that loop: an undefined list, or an item without a `path`
/// (none when there is no note) or, where it is needed, a `name`, is an error.
fn entity_links(links: &LinkWriter, state: &State, items: &Value) -> Result<String, Error> {
    let mut page = None;
    each_item("links", items, |item, out| {
        let path = item.get_attr("path")?;
        if path.is_undefined() {
            return Err(undefined_in("links", "an item's `path`"));
        }
        if !path.is_true() {
            return push_name("links", item, out);
        }
        let page = match &page {
            Some(page) => page,
            None => page.insert(page_of(state)?),
        };
        let link = links
            .link_of(page_path(page)?, &value_text(&path), None, None, false)
            .map_err(|error| link_error(error, page))?;
        out.push_str(&link);
        Ok(())
    })
}

/// `names`: the `name` of each item of a list, escaped as `md` escapes it,
/// separated by `, ` (what a loop writing `x.name | md` for each writes).
fn entity_names(items: &Value) -> Result<String, Error> {
    each_item("names", items, |item, out| push_name("names", item, out))
}

/// What `write` writes of each item of the list `items`, separated by `, `;
/// an undefined list is an error of `filter`.
fn each_item(
    filter: &str,
    items: &Value,
    mut write: impl FnMut(&Value, &mut String) -> Result<(), Error>,
) -> Result<String, Error> {
    if items.is_undefined() {
        return Err(undefined_in(filter, "the list"));
    }
    let mut out = String::new();
    for (at, item) in items.try_iter()?.enumerate() {
        if at > 0 {
            out.push_str(", ");
        }
        write(&item, &mut out)?;
    }
    Ok(out)
}

/// Appends the `name` of `item`, escaped; an item without one is an error of
/// `filter`.
fn push_name(filter: &str, item: &Value, out: &mut String) -> Result<(), Error> {
    let name = item.get_attr("name")?;
    if name.is_undefined() {
        return Err(undefined_in(filter, "an item's `name`"));
    }
    out.push_str(&escape_markdown(&value_text(&name)));
    Ok(())
}

fn undefined_in(filter: &str, what: &str) -> Error {
    Error::new(
        ErrorKind::UndefinedError,
        format!(
            "`{filter}` needs a list of people or companies (`name`, and `path` for `links`); {what} is undefined"
        ),
    )
}

/// A value as text, as a `String` argument reads it.
fn value_text(value: &Value) -> Cow<'_, str> {
    match value.as_str() {
        Some(text) => Cow::Borrowed(text),
        None => Cow::Owned(value.to_string()),
    }
}

/// The template's `page`: the vault path of the page being rendered.
fn page_of(state: &State) -> Result<Value, Error> {
    state.lookup("page").ok_or_else(page_not_set)
}

fn page_path(page: &Value) -> Result<&str, Error> {
    page.as_str().ok_or_else(page_not_set)
}

fn page_not_set() -> Error {
    Error::new(
        ErrorKind::UndefinedError,
        "`page` (the page's own path) is not set",
    )
}

/// A link that cannot be written from `page`, as a template error.
fn link_error(error: LinkTextError, page: &Value) -> Error {
    let page = page.as_str().unwrap_or_default();
    let message = match &error {
        LinkTextError::NotAPath(path) if path == page => {
            format!("page `{page}` is not a vault path")
        }
        LinkTextError::NotAPath(path) => {
            format!("link target `{path}` is not a vault path")
        }
        LinkTextError::Unlinkable(_) => error.to_string(),
    };
    Error::new(ErrorKind::InvalidOperation, message)
}

/// The keyword arguments of the `wikilink` filter.
const WIKILINK_OPTIONS: [&str; 3] = ["subpath", "display", "table"];

/// A keyword argument as text, as an `Option<String>` argument reads it (any
/// value but none or undefined, written out), borrowed when it is a string.
fn text_option<'a>(options: &'a Kwargs, key: &'a str) -> Result<Option<Cow<'a, str>>, Error> {
    let value: Option<&Value> = options.peek(key)?;
    Ok(value.map(value_text))
}

/// Escapes the characters that would turn plain text into Markdown syntax,
/// and a start that reads as a list item (`1. Projects`, `- x`, `+ x`):
/// written after a page's own `- `, it would open a list inside the item.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let marker = list_marker(text);
    for (index, c) in text.chars().enumerate() {
        if Some(index) == marker {
            out.push('\\');
            out.push(c);
            continue;
        }
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '=' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '#' if index == 0 || out.ends_with(' ') => out.push_str("\\#"),
            '%' if out.ends_with('%') => out.push_str("\\%"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Where `text` starts like a list item (`1.`, `12)`, `-` or `+`, then a
/// space or its end): the marker's index (in characters, all ASCII before it).
fn list_marker(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let digits = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    let marker = match bytes.get(digits)? {
        b'.' | b')' if digits > 0 => digits,
        b'-' | b'+' if digits == 0 => 0,
        _ => return None,
    };
    bytes
        .get(marker + 1)
        .is_none_or(|&next| next == b' ' || next == b'\t')
        .then_some(marker)
}

/// Text for a table cell: escaped, on one line.
pub fn escape_cell(text: &str) -> String {
    escape_markdown(text.trim())
}

/// Text as a blockquote, every line prefixed with `> `.
pub fn blockquote(text: &str) -> String {
    blockquote_indented(text, 0)
}

/// [`blockquote`] with every line indented by `indent` spaces (`quote(2)` in a
/// template writes what `quote | indent(2, true)` writes, in one pass: a
/// quote under a list item).
pub fn blockquote_indented(text: &str, indent: usize) -> String {
    let text = text.trim_end();
    let mut out = String::with_capacity(text.len() + 16);
    for (at, line) in text.lines().enumerate() {
        if at > 0 {
            out.push('\n');
        }
        out.extend(std::iter::repeat_n(' ', indent));
        out.push('>');
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
    }
    out
}

fn format_date(date: String, format: Option<String>) -> Result<String, Error> {
    let parsed: jiff::civil::Date = date.parse().map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("`{date}` is not a date"),
        )
    })?;
    match format {
        None => Ok(parsed.to_string()),
        Some(format) => Ok(parsed.strftime(&format).to_string()),
    }
}

/// The first line of a text, cut at 160 characters.
pub fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() <= 160 {
        return line.to_owned();
    }
    let at = line
        .char_indices()
        .nth(159)
        .map_or(line.len(), |(at, _)| at);
    let cut = line[..markdown_cut(line, at)].trim_end();
    // A `\` left at the end would escape the `…`.
    format!("{}…", cut.trim_end_matches('\\'))
}

/// The end, at most `at`, that cuts `line` (Markdown) outside any link
/// (`[[…]]`, `[…](…)`) and code span: before the one `at` falls in.
fn markdown_cut(line: &str, at: usize) -> usize {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < at {
        let end = match bytes[i] {
            // An escaped character is text.
            b'\\' => {
                i += 2;
                continue;
            }
            b'`' => line[i + 1..].find('`').map(|close| i + close + 2),
            b'[' if line[i..].starts_with("[[") => line[i..].find("]]").map(|close| i + close + 2),
            // `[text](destination)`: the first `]` must open the `(`; any
            // other `[` (`[sic]`, `[ ]`) is text.
            b'[' => line[i..]
                .find(']')
                .filter(|&close| line[i + close + 1..].starts_with('('))
                .and_then(|close| {
                    let open = i + close + 1;
                    line[open..].find(')').map(|end| open + end + 1)
                }),
            _ => None,
        };
        match end {
            Some(end) if end > at => return i,
            Some(end) => i = end,
            None => i += 1,
        }
    }
    at
}

/// At most `limit` characters: longer text is cut at a word and ends in `…`.
pub fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let cut: String = text.chars().take(limit.saturating_sub(1)).collect();
    let at_word = match cut.rfind(' ') {
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end())
}

/// A Mermaid label: no quotes or brackets, at most 40 characters.
pub fn chart_label(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if matches!(c, '"' | '[' | ']' | '\n' | '\r' | ',' | ';' | '`') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.chars().count() <= 40 {
        cleaned
    } else {
        let cut: String = cleaned.chars().take(39).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_line_is_cut_outside_links_and_code_and_never_after_a_backslash() {
        let short = "Short \\#tag [[Note]]\nsecond line";
        assert_eq!(first_line(short), "Short \\#tag [[Note]]");
        let words = "word ".repeat(30);
        let cases = [
            (
                format!("{words}[[A long link target|shown text]] after"),
                words.trim_end().to_owned(),
            ),
            (
                format!("{words}[shown text](Some%20note.md) after"),
                words.trim_end().to_owned(),
            ),
            (
                format!("{words}`code span that runs on` after"),
                words.trim_end().to_owned(),
            ),
        ];
        for (line, kept) in cases {
            assert_eq!(first_line(&line), format!("{kept}…"), "{line}");
        }
        // A bracket that opens no link is text: only the link at the cut goes.
        let sic = format!("[sic] {words}[link](target.md)");
        assert_eq!(first_line(&sic), format!("[sic] {}…", words.trim_end()));
        // A link that ends before the cut is kept whole, the text after it cut.
        let early = format!("[[Note]] {}", "x".repeat(200));
        assert!(first_line(&early).starts_with("[[Note]] xxx"));
        assert_eq!(first_line(&early).chars().count(), 160);
        // An escape at the cut does not escape the ellipsis.
        let escaped = format!("{}\\#tag", "y".repeat(158));
        assert_eq!(first_line(&escaped), format!("{}…", "y".repeat(158)));
    }
    use crate::config::NewLinkFormat;
    use crate::scan::VaultPath;

    #[test]
    fn escaping() {
        assert_eq!(
            escape_markdown("a *b* [[c]] | d_e #tag"),
            "a \\*b\\* \\[\\[c\\]\\] \\| d\\_e \\#tag"
        );
        assert_eq!(escape_cell("two\nlines | pipe"), "two lines \\| pipe");
        // A start that would open a list inside a page's own list item.
        assert_eq!(escape_markdown("1. Projects/x.md"), "1\\. Projects/x.md");
        assert_eq!(escape_markdown("12) twelve"), "12\\) twelve");
        assert_eq!(escape_markdown("- dash"), "\\- dash");
        assert_eq!(escape_markdown("+ plus"), "\\+ plus");
        assert_eq!(escape_markdown("2026-10-05 Dana"), "2026-10-05 Dana");
        assert_eq!(escape_markdown("1.5 hours"), "1.5 hours");
        assert_eq!(escape_markdown("-x"), "-x");
        assert_eq!(blockquote("one\n\ntwo\n"), "> one\n>\n> two");
        assert_eq!(blockquote("a\r\nb  \n\n"), "> a\n> b");
        assert_eq!(blockquote(""), "");
        assert_eq!(chart_label("Say \"hi\", [now]"), "Say hi now");
        assert_eq!(chart_label(&"x".repeat(50)).chars().count(), 40);
        assert_eq!(
            format_date("2026-11-05".into(), Some("%b %-d, %Y".into())).unwrap(),
            "Nov 5, 2026"
        );
    }

    fn render(template: &str) -> Result<String, Error> {
        let paths = ["Notes/A.md", "Out/Page.md"];
        let links = LinkWriter::new(
            paths.iter().map(|p| VaultPath::new(p).unwrap()).collect(),
            NewLinkFormat::Shortest,
            false,
        );
        let env = environment(PathBuf::from("/nonexistent"), Arc::new(links));
        let people = vec![
            minijinja::context! { name => "Ann", path => "Notes/A.md" },
            minijinja::context! { name => "Bo_b [x]", path => () },
            minijinja::context! { name => "Cy", path => "" },
        ];
        let nameless = vec![minijinja::context! { path => () }];
        let pathless = vec![minijinja::context! { name => "Ann" }];
        env.render_str(
            template,
            minijinja::context! { page => "Out/Page.md", n => 7, people, nameless, pathless },
        )
    }

    #[test]
    fn an_indented_quote_is_a_quote_indented() {
        for text in ["one", "one\ntwo\n\nthree\n", "a\r\nb", "", "\n\n", "x\ry"] {
            let text = minijinja::Value::from(text);
            let env = Environment::new();
            let indented = env
                .render_str(
                    "{{ t | indent(2, true) }}",
                    minijinja::context! { t => blockquote(text.as_str().unwrap()) },
                )
                .unwrap();
            assert_eq!(
                blockquote_indented(text.as_str().unwrap(), 2),
                indented,
                "{text:?}"
            );
            assert_eq!(
                render(&format!("{{{{ {text:?} | quote(2) }}}}")).unwrap(),
                indented
            );
        }
    }

    #[test]
    fn names_writes_each_name_escaped() {
        let by_loop =
            "{% for p in people %}{{ p.name | md }}{% if not loop.last %}, {% endif %}{% endfor %}";
        let looped = render(by_loop).unwrap();
        assert_eq!(looped, "Ann, Bo\\_b \\[x\\], Cy");
        assert_eq!(render("{{ people | names }}").unwrap(), looped);
        assert_eq!(render("{{ [] | names }}").unwrap(), "");
        for template in [
            "{{ nameless | names }}",
            "{{ missing | names }}",
            "{{ 3 | names }}",
        ] {
            assert!(render(template).is_err(), "{template}");
        }
    }

    #[test]
    fn links_writes_a_link_where_there_is_a_note_and_the_name_elsewhere() {
        let by_loop = "{% for p in people %}{% if p.path %}{{ p.path | wikilink }}{% else %}\
            {{ p.name | md }}{% endif %}{% if not loop.last %}, {% endif %}{% endfor %}";
        let looped = render(by_loop).unwrap();
        assert_eq!(looped, "[[A]], Bo\\_b \\[x\\], Cy");
        assert_eq!(render("{{ people | links }}").unwrap(), looped);
        assert_eq!(render("{{ [] | links }}").unwrap(), "");
        // Where the loop fails under strict undefined behaviour, so does `links`.
        for template in [
            "{{ nameless | links }}",
            "{{ pathless | links }}",
            "{{ missing | links }}",
            "{{ 3 | links }}",
        ] {
            assert!(render(template).is_err(), "{template}");
            let looped = by_loop.replace("people", &template[3..template.find(" |").unwrap()]);
            assert!(render(&looped).is_err(), "{looped}");
        }
    }

    #[test]
    fn options_are_read_as_text_and_unknown_ones_refused() {
        assert_eq!(
            render(r#"{{ "Notes/A.md" | wikilink(subpath="Top", display="see") }}"#).unwrap(),
            "[[A#Top|see]]"
        );
        // A value that is not a string is written out; none is no option.
        assert_eq!(
            render(r#"{{ "Notes/A.md" | wikilink(display=n, subpath=none) }}"#).unwrap(),
            "[[A|7]]"
        );
        assert_eq!(
            render(r#"{{ "Notes/A.md" | wikilink(display="a|b", table=true) }}"#).unwrap(),
            "[[A\\|a\\|b]]"
        );
        let error = render(r#"{{ "Notes/A.md" | wikilink(dispaly="x") }}"#).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TooManyArguments);
        assert!(error.to_string().contains("dispaly"), "{error}");
        // Strict: an undefined target is an error, not an empty link.
        assert!(render("{{ missing | wikilink }}").is_err());
    }
}
