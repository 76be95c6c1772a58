//! Folding ranges: every declaration with a body over more than one line,
//! and every block of two or more comment lines in a row.

use super::{reply, Refusal, Server};
use lsp_types::{FoldingRange, FoldingRangeKind, FoldingRangeParams};
use serde_json::Value;

pub fn folding_ranges(server: &Server, params: FoldingRangeParams) -> Result<Value, Refusal> {
    let Some((analysis, file)) = server.locate(&params.text_document.uri) else {
        return reply(Vec::<FoldingRange>::new());
    };
    let Some((source, lines)) = analysis.source(file) else {
        return reply(Vec::<FoldingRange>::new());
    };
    let text = &source.text;
    let mut ranges: Vec<FoldingRange> = analysis
        .index
        .symbols_in(file)
        .filter_map(|(_, s)| {
            let start = lines.position(text, s.span.start as usize).line;
            let end = lines.position(text, s.span.end as usize).line;
            (end > start).then(|| fold(start, end, None))
        })
        .collect();
    ranges.extend(comment_blocks(text));
    ranges.sort_by_key(|r| (r.start_line, r.end_line));
    reply(ranges)
}

fn fold(start: u32, end: u32, kind: Option<FoldingRangeKind>) -> FoldingRange {
    FoldingRange {
        start_line: start,
        start_character: None,
        end_line: end,
        end_character: None,
        kind,
        collapsed_text: None,
    }
}

/// Runs of two or more lines that hold only a comment.
fn comment_blocks(text: &str) -> Vec<FoldingRange> {
    let mut out = Vec::new();
    let mut run: Option<(u32, u32)> = None;
    for (n, line) in text.lines().enumerate() {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        if line.trim_start().starts_with('#') {
            run = Some(run.map_or((n, n), |(start, _)| (start, n)));
        } else if let Some((start, end)) = run.take() {
            if end > start {
                out.push(fold(start, end, Some(FoldingRangeKind::Comment)));
            }
        }
    }
    if let Some((start, end)) = run.filter(|(s, e)| e > s) {
        out.push(fold(start, end, Some(FoldingRangeKind::Comment)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::comment_blocks;

    #[test]
    fn comment_runs_of_two_lines_fold() {
        let folds = comment_blocks("# a\n# b\ntask x\n# lone\n\n  # c\n  # d\n  # e");
        let lines: Vec<(u32, u32)> = folds.iter().map(|f| (f.start_line, f.end_line)).collect();
        assert_eq!(lines, [(0, 1), (5, 7)]);
    }
}
