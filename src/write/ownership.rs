//! Which files are ours: a generated page starts with frontmatter holding
//! `generated-by: throughline`. A file in the output folder without that marker is
//! the user's and is never overwritten or removed.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The frontmatter line that marks a generated page.
pub const MARKER: &str = "generated-by: throughline";

/// Whether `bytes` (the start of a file) carry our marker in their frontmatter.
pub fn has_marker(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Some(block) = crate::parse::split_frontmatter(&text) else {
        return false;
    };
    text[block.yaml]
        .lines()
        .any(|line| line.trim_end() == MARKER)
}

/// Whether the file at `path` is a page we generated (reads its first 4 KiB).
pub fn is_generated(path: &Path) -> bool {
    let mut start = Vec::with_capacity(4096);
    match File::open(path) {
        Ok(file) => file.take(4096).read_to_end(&mut start).is_ok() && has_marker(&start),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_only_in_frontmatter() {
        assert!(has_marker(
            b"---\ngenerated-by: throughline\nx: 1\n---\nbody"
        ));
        assert!(!has_marker(
            b"---\ntitle: mine\n---\ngenerated-by: throughline\n"
        ));
        assert!(!has_marker(b"generated-by: throughline\n"));
        assert!(!has_marker(b""));
    }
}
