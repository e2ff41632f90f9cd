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

use crate::diagnostics::{Diagnostic, Summary};

/// The schema version written in every document.
pub const SCHEMA_VERSION: u32 = 1;

/// Writes the whole document followed by a newline.
pub fn render(
    out: &mut dyn Write,
    vault: &str,
    diagnostics: &[Diagnostic],
    extra_summary: Value,
) -> io::Result<()> {
    let counts = Summary::of(diagnostics);
    let mut summary = json!({
        "errors": counts.errors,
        "warnings": counts.warnings,
        "infos": counts.infos,
    });
    if let (Some(summary), Value::Object(extra)) = (summary.as_object_mut(), extra_summary) {
        summary.extend(extra);
    }
    let document = json!({
        "schema": SCHEMA_VERSION,
        "vault": vault,
        "summary": summary,
        "diagnostics": diagnostics.iter().map(to_json).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn to_json(diagnostic: &Diagnostic) -> Value {
    let location = diagnostic.location.as_ref();
    json!({
        "code": diagnostic.code.as_str(),
        "severity": diagnostic.severity.as_str(),
        "path": diagnostic.path.as_str(),
        "line": location.map(|l| l.start.line),
        "column": location.map(|l| l.start.column),
        "length": location.map(|l| l.length),
        "message": diagnostic.message,
        "help": diagnostic.help,
    })
}
