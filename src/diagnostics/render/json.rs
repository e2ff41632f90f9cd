//! The JSON format of `check --format json`: one document, for tools.
//!
//! ```json
//! {
//!   "schema": 1,
//!   "vault": "sample-vault",
//!   "summary": {"errors": 1, "warnings": 1, "infos": 1},
//!   "diagnostics": [
//!     {"code": "broken-link", "severity": "error",
//!      "path": "Interviews/2026-10-29 Lena Brandt.md",
//!      "line": 39, "column": 21, "length": 24,
//!      "message": "…", "help": "…"}
//!   ]
//! }
//! ```
//!
//! Fields of each diagnostic, always present, in this order:
//! - `code`: stable kebab-case name ([`crate::diagnostics::Code`]);
//! - `severity`: `error`, `warning` or `info`;
//! - `path`: vault-relative, `/`-separated;
//! - `line`, `column`: 1-based, column in characters; `null` when the problem is
//!   about a whole file;
//! - `length`: characters marked on that line (≥ 1), or `null`;
//! - `message`: what is wrong; `help`: what to do, or `null`.
//!
//! `schema` changes only when a field changes meaning or disappears; new fields
//! may be added within a schema version.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::render_each;
use crate::diagnostics::{Diagnostic, Summary};

/// The schema version written in every document.
pub const SCHEMA_VERSION: u32 = 1;

/// Writes the whole document followed by a newline, one diagnostic at a time.
pub fn render<'a>(
    out: &mut dyn Write,
    vault: &str,
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    counts: Summary,
    extra_summary: Value,
) -> io::Result<()> {
    let mut summary = json!({
        "errors": counts.errors,
        "warnings": counts.warnings,
        "infos": counts.infos,
    });
    if let (Some(summary), Value::Object(extra)) = (summary.as_object_mut(), extra_summary) {
        summary.extend(extra);
    }
    write!(
        out,
        "{{\n  \"schema\": {SCHEMA_VERSION},\n  \"vault\": {},\n  \"summary\": {},\n  \"diagnostics\": [",
        serde_json::to_string(vault)?,
        serde_json::to_string(&summary)?
    )?;
    // Rows are serialised on every thread, a batch at a time.
    let count = render_each(out, diagnostics, |text, at, diagnostic| {
        text.extend_from_slice(if at == 0 { b"\n    " } else { b",\n    " });
        Ok(serde_json::to_writer(text, &Row::of(diagnostic))?)
    })?;
    out.write_all(if count == 0 { b"]\n}\n" } else { b"\n  ]\n}\n" })
}

/// One diagnostic; field order is the schema's.
#[derive(serde::Serialize)]
struct Row<'a> {
    code: &'a str,
    severity: &'a str,
    path: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    length: Option<u32>,
    message: &'a str,
    help: Option<&'a str>,
}

impl<'a> Row<'a> {
    fn of(diagnostic: &'a Diagnostic) -> Row<'a> {
        let location = diagnostic.location.as_ref();
        Row {
            code: diagnostic.code.as_str(),
            severity: diagnostic.severity.as_str(),
            path: diagnostic.path.as_str(),
            line: location.map(|l| l.start.line),
            column: location.map(|l| l.start.column),
            length: location.map(|l| l.length),
            message: &diagnostic.message,
            help: diagnostic.help.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Location, Position};
    use crate::scan::VaultPath;

    #[test]
    fn document_is_valid_json_with_the_documented_fields() {
        let diagnostics = vec![
            Diagnostic::new(
                Code::BrokenLink,
                VaultPath::new("a.md").unwrap(),
                "`[[x]]` \"quoted\"",
            )
            .at(Location {
                start: Position { line: 2, column: 3 },
                length: 5,
                line_text: "".into(),
            }),
            Diagnostic::new(
                Code::EmptyNote,
                VaultPath::new("b.md").unwrap(),
                "note is empty",
            )
            .with_help("write"),
        ];
        let mut out = Vec::new();
        render(
            &mut out,
            "v",
            &diagnostics,
            Summary::of(&diagnostics),
            json!({"notes": 2}),
        )
        .unwrap();
        let document: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(document["schema"], 1);
        assert_eq!(document["summary"]["errors"], 1);
        assert_eq!(document["summary"]["notes"], 2);
        let first = &document["diagnostics"][0];
        let keys: Vec<&str> = first
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "code", "severity", "path", "line", "column", "length", "message", "help"
            ]
        );
        assert_eq!(document["diagnostics"][1]["line"], Value::Null);
        let mut empty = Vec::new();
        render(&mut empty, "v", &[], Summary::default(), json!({})).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&empty).unwrap()["diagnostics"],
            json!([])
        );
    }
}
