//! A line-based unified diff, for `planc fmt --check`. The matching is
//! `imara-diff`'s histogram diff (the algorithm and heuristics of git):
//! the `similar` crate's Myers diff has no bound but a wall-clock deadline
//! and takes seconds on a large plan re-indented throughout
//! (docs/performance.md, "Formatting"). Only the printing is ours, for
//! GNU diff's hunk ranges and its "No newline at end of file" marker.

use imara_diff::{Algorithm, Diff, InternedInput};

/// Lines of context shown around each change.
pub const CONTEXT: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edit {
    /// Old line `.0` is new line `.1`.
    Keep(usize, usize),
    Delete(usize),
    Insert(usize),
}

/// The unified diff from `old` to `new` under the names given; empty when
/// they are equal.
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let edits = line_edits(old, new, a.len(), b.len());
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    for hunk in hunks(&edits) {
        write_hunk(&mut out, &edits[hunk.0..hunk.1], &a, &b);
    }
    out
}

/// The line edits turning `a` into `b`, from a histogram diff (git's
/// default heuristics: near-linear even when every line changed).
fn line_edits(old: &str, new: &str, a_len: usize, b_len: usize) -> Vec<Edit> {
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(Algorithm::Histogram, &input);
    diff.postprocess_lines(&input);
    let mut edits = Vec::with_capacity(a_len.max(b_len));
    let (mut i, mut j) = (0, 0);
    for hunk in diff.hunks() {
        let (before, after) = (range_of(&hunk.before), range_of(&hunk.after));
        while i < before.start {
            edits.push(Edit::Keep(i, j));
            (i, j) = (i + 1, j + 1);
        }
        edits.extend(before.clone().map(Edit::Delete));
        edits.extend(after.clone().map(Edit::Insert));
        (i, j) = (before.end, after.end);
    }
    while i < a_len && j < b_len {
        edits.push(Edit::Keep(i, j));
        (i, j) = (i + 1, j + 1);
    }
    edits
}

fn range_of(r: &std::ops::Range<u32>) -> std::ops::Range<usize> {
    r.start as usize..r.end as usize
}

/// Ranges of `edits` that form hunks: each change with [`CONTEXT`] kept
/// lines around it, changes closer than twice that merged.
fn hunks(edits: &[Edit]) -> Vec<(usize, usize)> {
    let changes: Vec<usize> = edits
        .iter()
        .enumerate()
        .filter(|(_, e)| !matches!(e, Edit::Keep(..)))
        .map(|(k, _)| k)
        .collect();
    let mut hunks: Vec<(usize, usize)> = Vec::new();
    for &k in &changes {
        let start = k.saturating_sub(CONTEXT);
        let end = (k + 1 + CONTEXT).min(edits.len());
        match hunks.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => hunks.push((start, end)),
        }
    }
    hunks
}

fn write_hunk(out: &mut String, edits: &[Edit], a: &[&str], b: &[&str]) {
    let old_count = edits
        .iter()
        .filter(|e| !matches!(e, Edit::Insert(_)))
        .count();
    let new_count = edits
        .iter()
        .filter(|e| !matches!(e, Edit::Delete(_)))
        .count();
    let old_start = edits.iter().find_map(|e| match e {
        Edit::Keep(i, _) | Edit::Delete(i) => Some(*i),
        Edit::Insert(_) => None,
    });
    let new_start = edits.iter().find_map(|e| match e {
        Edit::Keep(_, j) | Edit::Insert(j) => Some(*j),
        Edit::Delete(_) => None,
    });
    // A side with no lines in a hunk is possible only when that whole side
    // is empty (context lines would be there otherwise): its range is 0,0.
    let old_line = old_start.map_or(0, |i| i + 1);
    let new_line = new_start.map_or(0, |j| j + 1);
    out.push_str(&format!(
        "@@ -{} +{} @@\n",
        range(old_line, old_count),
        range(new_line, new_count)
    ));
    for edit in edits {
        let (mark, line) = match *edit {
            Edit::Keep(i, _) => (' ', a[i]),
            Edit::Delete(i) => ('-', a[i]),
            Edit::Insert(j) => ('+', b[j]),
        };
        out.push(mark);
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

fn range(start: usize, count: usize) -> String {
    if count == 1 {
        start.to_string()
    } else {
        format!("{start},{count}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("a\nb\n", "a\nb\n", "a", "b"), "");
    }

    #[test]
    fn a_change_is_shown_with_three_lines_of_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        assert_eq!(
            unified(old, new, "a/p", "b/p"),
            "--- a/p\n+++ b/p\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn distant_changes_make_separate_hunks() {
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new: String = (1..=20)
            .map(|i| match i {
                2 => "two\n".to_string(),
                19 => "nineteen\n".to_string(),
                _ => format!("{i}\n"),
            })
            .collect();
        let diff = unified(&old, &new, "a", "b");
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        assert!(
            diff.contains("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n"),
            "{diff}"
        );
        assert!(
            diff.contains("@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+nineteen\n 20\n"),
            "{diff}"
        );
    }

    #[test]
    fn a_missing_final_newline_is_marked() {
        assert_eq!(
            unified("a\nb", "a\nb\n", "x", "y"),
            "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"
        );
    }

    #[test]
    fn an_empty_side_has_the_range_zero() {
        assert_eq!(
            unified("", "a\n", "x", "y"),
            "--- x\n+++ y\n@@ -0,0 +1 @@\n+a\n"
        );
        assert_eq!(
            unified("a\n", "", "x", "y"),
            "--- x\n+++ y\n@@ -1 +0,0 @@\n-a\n"
        );
    }

    #[test]
    fn repeated_lines_are_matched_exactly() {
        let old = "}\n}\nx\n}\n";
        let new = "}\ny\n}\n}\n";
        let diff = unified(old, new, "a", "b");
        let removed = diff
            .lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
            .count();
        let added = diff
            .lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .count();
        assert_eq!((removed, added), (1, 1), "{diff}");
    }
}
