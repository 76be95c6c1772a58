//! The formatter's view of the original text: where its comments are (the
//! grammar drops them, so they are found by a scan that knows strings and
//! text blocks) and the few layout facts the printer keeps from it (blank
//! lines, which lines a block spans).

use crate::syntax::scan::steps;

/// One `#` comment: from the `#` to the end of its line (the newline
/// excluded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    pub start: usize,
    pub end: usize,
}

/// The original text and its comments, in order.
pub struct Source<'a> {
    pub text: &'a str,
    pub comments: Vec<Comment>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Source<'a> {
        Source {
            text,
            comments: scan_comments(text),
        }
    }

    /// The comment's text without trailing whitespace (a `\r` of a CRLF
    /// file included).
    pub fn comment_text(&self, comment: Comment) -> &'a str {
        self.text
            .get(comment.start..comment.end)
            .unwrap_or("#")
            .trim_end()
    }

    /// The first byte at or after `pos` that is neither whitespace nor part
    /// of a comment.
    pub fn next_code(&self, pos: usize) -> usize {
        let mut pos = pos;
        loop {
            let rest = self.text.get(pos..).unwrap_or("");
            let trimmed =
                rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\u{FEFF}');
            pos += rest.len() - trimmed.len();
            if !trimmed.starts_with('#') {
                return pos;
            }
            pos += trimmed.find('\n').unwrap_or(trimmed.len());
        }
    }

    /// Whether only spaces and tabs stand between `from` and `to` (so both
    /// are on one line).
    pub fn same_line_gap(&self, from: usize, to: usize) -> bool {
        from <= to
            && self
                .text
                .get(from..to)
                .is_some_and(|gap| gap.bytes().all(|b| b == b' ' || b == b'\t' || b == b'\r'))
    }

    /// Whether nothing but whitespace precedes `pos` on its line.
    pub fn first_on_line(&self, pos: usize) -> bool {
        let before = self.text.get(..pos).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        before[line_start..].trim().is_empty()
    }

    /// Whether the line above the one holding `pos` is blank and `pos`
    /// starts its own line: the author left an empty line before it.
    pub fn blank_line_before(&self, pos: usize) -> bool {
        if !self.first_on_line(pos) {
            return false;
        }
        let before = self.text.get(..pos).unwrap_or("");
        let Some(line_start) = before.rfind('\n') else {
            return false;
        };
        let above = &before[..line_start];
        let above_start = above.rfind('\n').map_or(0, |i| i + 1);
        above[above_start..].trim().is_empty()
    }

    /// Whether `from..to` holds a line break.
    pub fn spans_lines(&self, from: usize, to: usize) -> bool {
        self.text.get(from..to).is_none_or(|t| t.contains('\n'))
    }

    /// Whether a comment starts inside `from..to`.
    pub fn has_comment_in(&self, from: usize, to: usize) -> bool {
        let i = self.comments.partition_point(|c| c.start < from);
        self.comments.get(i).is_some_and(|c| c.start < to)
    }
}

/// Every comment of `text`, in order. Strings and text blocks are skipped
/// by the grammar's rules, so a `#` inside one is not a comment.
fn scan_comments(text: &str) -> Vec<Comment> {
    steps(text.as_bytes())
        .filter(|step| step.byte == b'#')
        .map(|step| Comment {
            start: step.start,
            end: step.end,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        let source = Source::new(text);
        source
            .comments
            .iter()
            .map(|&c| source.comment_text(c))
            .collect()
    }

    #[test]
    fn comments_inside_strings_and_text_blocks_are_not_comments() {
        let text = "task a \"#1 \\\" # no\" # yes\nnote \"\"\"\n# no\n\"\"\" #also\n";
        assert_eq!(texts(text), vec!["# yes", "#also"]);
    }

    #[test]
    fn blank_lines_are_seen_only_at_the_start_of_a_line() {
        let text = "a\n\n  b c";
        let source = Source::new(text);
        assert!(source.blank_line_before(text.find('b').unwrap_or(0)));
        assert!(!source.blank_line_before(text.find('c').unwrap_or(0)));
        assert!(!source.blank_line_before(0));
    }
}
