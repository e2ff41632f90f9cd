//! `%%…%%` comments (rule I1), which pulldown-cmark does not know.
//!
//! A comment opens with `%%` and closes at the next `%%`. It may span lines (and
//! blank lines) only when the opening `%%` starts a line; `%%%%` is an empty
//! comment. `%%` inside code, math or HTML is not a delimiter.

use std::ops::Range;

use crate::choices;

/// Byte ranges of the comments in `text[body.clone()]`, delimiters included, in
/// order. `opaque` lists sorted, non-overlapping ranges where `%%` means nothing.
pub fn comment_ranges(
    text: &str,
    body: Range<usize>,
    opaque: &[Range<usize>],
) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let delimiters: Vec<usize> = memchr::memmem::find_iter(&bytes[body.clone()], b"%%")
        .map(|at| at + body.start)
        .filter(|&at| !is_inside(opaque, at))
        .collect();
    let mut comments = Vec::new();
    let mut i = 0;
    while i < delimiters.len() {
        let open = delimiters[i];
        let starts_line = text[..open]
            .rsplit('\n')
            .next()
            .is_some_and(|before| before.trim().is_empty());
        match delimiters[i + 1..]
            .iter()
            .position(|&close| close >= open + 2)
        {
            Some(offset) => {
                let j = i + 1 + offset;
                let close = delimiters[j];
                if !starts_line && text[open..close].contains('\n') {
                    // An inline comment cannot span lines: this `%%` is plain text.
                    i += 1;
                    continue;
                }
                comments.push(open..close + 2);
                i = j + 1;
            }
            None => {
                if starts_line && choices::UNTERMINATED_BLOCK_COMMENT_RUNS_TO_END {
                    comments.push(open..body.end);
                }
                break;
            }
        }
    }
    comments
}

/// Whether `offset` lies inside one of the sorted, non-overlapping `ranges`.
pub fn is_inside(ranges: &[Range<usize>], offset: usize) -> bool {
    let after = ranges.partition_point(|range| range.start <= offset);
    after > 0 && ranges[after - 1].contains(&offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments(text: &str) -> Vec<&str> {
        comment_ranges(text, 0..text.len(), &[])
            .into_iter()
            .map(|range| &text[range])
            .collect()
    }

    #[test]
    fn inline_and_block_comments() {
        assert_eq!(comments("a %%[[Hidden]]%% b"), ["%%[[Hidden]]%%"]); // row 53
        assert_eq!(comments("A %%%% B"), ["%%%%"]); // row 79
        assert_eq!(
            comments("%%\none\n\ntwo\n%%\nafter"),
            ["%%\none\n\ntwo\n%%"]
        ); // row 78
        assert_eq!(comments("a %% not\nclosed %% here"), Vec::<&str>::new());
        assert_eq!(comments("x\n%%\nrest of note"), ["%%\nrest of note"]);
        assert_eq!(comments("x %% alone"), Vec::<&str>::new());
        assert_eq!(comments("%%a%% b %%c%%"), ["%%a%%", "%%c%%"]);
    }

    #[test]
    fn delimiters_in_code_do_not_count() {
        let text = "`%%` then %%real%%";
        let code = 0..4;
        let found = comment_ranges(text, 0..text.len(), &[code]);
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].clone()], "%%real%%");
    }

    #[test]
    fn inside_sorted_ranges() {
        let ranges = [2..4, 10..12];
        assert!(!is_inside(&ranges, 1));
        assert!(is_inside(&ranges, 2));
        assert!(!is_inside(&ranges, 4));
        assert!(is_inside(&ranges, 11));
        assert!(!is_inside(&ranges, 12));
    }
}
