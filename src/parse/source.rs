//! Bytes of a note → its text, as Obsidian would read it.
//!
//! A byte order mark is dropped (see [`crate::choices::BOM_IS_DROPPED`]); bytes that
//! are not UTF-8 become `�` with a warning; a file with a NUL byte near its start
//! is binary and not parsed.

/// How a note's bytes read.
#[derive(Debug)]
pub enum Decoded {
    /// Text, with the byte offset of the first invalid UTF-8 sequence if there was one.
    Text {
        /// The text (lossily converted where needed).
        text: String,
        /// Offset in `text` of the first replacement character we inserted.
        first_invalid: Option<usize>,
    },
    /// Binary data: a NUL byte in the first 8 KiB.
    Binary,
}

/// How far into a file we look for a NUL byte.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// Decodes a note's bytes.
pub fn decode(mut bytes: Vec<u8>) -> Decoded {
    if memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)]).is_some() {
        return Decoded::Binary;
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") && crate::choices::BOM_IS_DROPPED {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded::Text {
            text,
            first_invalid: None,
        },
        Err(error) => {
            let first_invalid = error.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            Decoded::Text {
                text,
                first_invalid: Some(first_invalid),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        match decode(b"\xEF\xBB\xBF---\nk: v\n---\n".to_vec()) {
            Decoded::Text {
                text,
                first_invalid,
            } => {
                assert!(text.starts_with("---\n"));
                assert_eq!(first_invalid, None);
            }
            Decoded::Binary => panic!("text expected"),
        }
        match decode(b"ok \xFF\xFE here".to_vec()) {
            Decoded::Text {
                text,
                first_invalid,
            } => {
                assert_eq!(first_invalid, Some(3));
                assert!(text.contains('\u{FFFD}'));
            }
            Decoded::Binary => panic!("text expected"),
        }
        assert!(matches!(
            decode(b"PK\x03\x04\x00\x00".to_vec()),
            Decoded::Binary
        ));
    }
}
