//! Byte-level scanning that knows where strings, text blocks and comments
//! end, shared by error recovery, the nesting check and the formatter's
//! comment finder (which all look at text the grammar may reject); and
//! the nesting limit every reader and later pass relies on.

/// The end of the line starting at or after `from` (the offset of its
/// `\n`, or the end of the text).
pub(crate) fn skip_to_line_end(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |p| from + p)
}

/// The end of the string or text block opening at `i`: a text block runs
/// to the next `"""`; a string to its closing quote, stepping over
/// escapes, or to the end of its line if it is never closed (so that an
/// unclosed quote damages one line only).
pub(crate) fn skip_string(bytes: &[u8], i: usize) -> usize {
    let rest = bytes.get(i..).unwrap_or(&[]);
    if rest.starts_with(b"\"\"\"") {
        let body = rest.get(3..).unwrap_or(&[]);
        return body
            .windows(3)
            .position(|w| w == b"\"\"\"")
            .map_or(bytes.len(), |p| i + 3 + p + 3);
    }
    let mut j = i + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            b'\n' => return j,
            _ => j += 1,
        }
    }
    bytes.len()
}

/// One step of a scan that knows strings and comments: a comment (from
/// its `#` to the end of its line, the `\n` excluded), a string or text
/// block (as [`skip_string`] ends it), or any other single byte.
#[derive(Clone, Copy)]
pub(crate) struct Step {
    pub start: usize,
    pub end: usize,
    /// The first byte: `#` for a comment, `"` for a string.
    pub byte: u8,
}

/// The steps of `bytes`, in order, from its start to its end.
pub(crate) fn steps(bytes: &[u8]) -> impl Iterator<Item = Step> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        let (start, &byte) = (i, bytes.get(i)?);
        i = match byte {
            b'#' => skip_to_line_end(bytes, i),
            b'"' => skip_string(bytes, i),
            _ => i + 1,
        };
        Some(Step {
            start,
            end: i,
            byte,
        })
    })
}

/// Deepest `{` nesting accepted. Bounds the recursion of the parser and of
/// every later pass over the tree.
pub const MAX_NESTING: usize = 100;

/// Offset of the first `{` nested deeper than [`MAX_NESTING`], if any.
pub(super) fn too_deep_at(text: &str) -> Option<usize> {
    nesting(text, text.len()).err()
}

/// Walks `text` up to `until`, stepping over strings and comments: the
/// `{` depth there, or `Err` with the offset of the first `{` deeper than
/// [`MAX_NESTING`].
pub(super) fn nesting(text: &str, until: usize) -> Result<usize, usize> {
    let mut depth = 0usize;
    for step in steps(text.as_bytes()).take_while(|step| step.start < until) {
        match step.byte {
            b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(step.start);
                }
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_end_at_their_quote_or_their_line() {
        let text = br#"a "b \" c" d"#;
        assert_eq!(skip_string(text, 2), 10);
        assert_eq!(skip_string(b"\"open\nnext", 0), 5);
        assert_eq!(skip_string(b"\"\"\"x\ny\"\"\" z", 0), 9);
        assert_eq!(skip_to_line_end(b"ab\ncd", 0), 2);
        assert_eq!(skip_to_line_end(b"ab", 5), 2);
    }

    #[test]
    fn nesting_limit_is_found_outside_strings_and_comments() {
        let deep = "{".repeat(MAX_NESTING + 1);
        assert_eq!(too_deep_at(&deep), Some(MAX_NESTING));
        let quoted = format!("\"{deep}\" # {deep}");
        assert_eq!(too_deep_at(&quoted), None);
    }
}
