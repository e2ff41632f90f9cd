//! Diagnostics → text, one renderer per output format.
//!
//! - [`human`]: for people: `path:line:column`, the source line, a caret, help.
//! - [`json`]: one JSON document for tools (schema documented there).
//! - [`github`]: GitHub Actions workflow commands, one annotation per problem.
//!
//! Renderers write to any `io::Write`; only the binary decides where that goes.

pub mod github;
pub mod human;
pub mod json;

/// Joins the vault folder as the user wrote it with a vault path, so that the
/// printed path works from the user's current folder (and from the repository root
/// in CI). An empty or `.` prefix leaves the vault path alone.
pub fn display_path(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() || prefix == "." {
        path.to_owned()
    } else {
        format!("{prefix}/{path}")
    }
}
