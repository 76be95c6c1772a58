//! A line-based unified diff, for `planc fmt --check`. Lines equal at both
//! ends are matched first; in between, lines that occur once on each side
//! anchor the match (patience diff), and small stretches without anchors
//! get an exact longest-common-subsequence match. Stretches too large for
//! that are shown as replaced wholesale, which is still a correct diff.
//! Not the `similar` crate: its unbounded fallback is far slower on a
//! large plan re-indented throughout (docs/performance.md, "Formatting").

use std::collections::HashMap;

/// Lines of context shown around each change.
pub const CONTEXT: usize = 3;

/// Largest stretch (old lines times new lines) matched exactly.
const MAX_EXACT_CELLS: usize = 4_000_000;

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
    let mut edits = Vec::with_capacity(a.len().max(b.len()));
    diff_range(&a, &b, (0, a.len()), (0, b.len()), &mut edits);
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    for hunk in hunks(&edits) {
        write_hunk(&mut out, &edits[hunk.0..hunk.1], &a, &b);
    }
    out
}

/// Appends the edits turning `a[a_range]` into `b[b_range]`.
fn diff_range(
    a: &[&str],
    b: &[&str],
    a_range: (usize, usize),
    b_range: (usize, usize),
    out: &mut Vec<Edit>,
) {
    let (mut a_lo, mut a_hi) = a_range;
    let (mut b_lo, mut b_hi) = b_range;
    while a_lo < a_hi && b_lo < b_hi && a[a_lo] == b[b_lo] {
        out.push(Edit::Keep(a_lo, b_lo));
        a_lo += 1;
        b_lo += 1;
    }
    let mut suffix = Vec::new();
    while a_lo < a_hi && b_lo < b_hi && a[a_hi - 1] == b[b_hi - 1] {
        a_hi -= 1;
        b_hi -= 1;
        suffix.push(Edit::Keep(a_hi, b_hi));
    }
    if a_lo == a_hi || b_lo == b_hi {
        out.extend((a_lo..a_hi).map(Edit::Delete));
        out.extend((b_lo..b_hi).map(Edit::Insert));
    } else {
        let anchors = unique_anchors(a, b, (a_lo, a_hi), (b_lo, b_hi));
        if anchors.is_empty() {
            exact_or_replace(a, b, (a_lo, a_hi), (b_lo, b_hi), out);
        } else {
            let (mut i, mut j) = (a_lo, b_lo);
            for (ai, bj) in anchors {
                diff_range(a, b, (i, ai), (j, bj), out);
                out.push(Edit::Keep(ai, bj));
                (i, j) = (ai + 1, bj + 1);
            }
            diff_range(a, b, (i, a_hi), (j, b_hi), out);
        }
    }
    out.extend(suffix.into_iter().rev());
}

/// Pairs of lines that occur exactly once in each range, longest run in
/// the same order on both sides.
fn unique_anchors(
    a: &[&str],
    b: &[&str],
    a_range: (usize, usize),
    b_range: (usize, usize),
) -> Vec<(usize, usize)> {
    // Per line: (count in a, index in a, count in b, index in b).
    let mut seen: HashMap<&str, (u32, usize, u32, usize)> = HashMap::new();
    for (i, line) in a.iter().enumerate().take(a_range.1).skip(a_range.0) {
        let entry = seen.entry(line).or_insert((0, i, 0, 0));
        entry.0 += 1;
    }
    for (j, line) in b.iter().enumerate().take(b_range.1).skip(b_range.0) {
        if let Some(entry) = seen.get_mut(line) {
            entry.2 += 1;
            entry.3 = j;
        }
    }
    let mut pairs: Vec<(usize, usize)> = seen
        .values()
        .filter(|e| e.0 == 1 && e.2 == 1)
        .map(|e| (e.1, e.3))
        .collect();
    pairs.sort_unstable();
    longest_increasing_by_second(&pairs)
}

/// The longest subsequence of `pairs` (sorted by first) whose second
/// components increase too (patience sorting).
fn longest_increasing_by_second(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut tails: Vec<usize> = Vec::new();
    let mut back: Vec<Option<usize>> = vec![None; pairs.len()];
    for (k, &(_, second)) in pairs.iter().enumerate() {
        let pile = tails.partition_point(|&t| pairs[t].1 < second);
        back[k] = pile.checked_sub(1).map(|p| tails[p]);
        if pile == tails.len() {
            tails.push(k);
        } else {
            tails[pile] = k;
        }
    }
    let mut run = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(k) = at {
        run.push(pairs[k]);
        at = back[k];
    }
    run.reverse();
    run
}

/// An exact longest-common-subsequence match for small stretches; large
/// ones are shown as deleted and inserted.
fn exact_or_replace(
    a: &[&str],
    b: &[&str],
    a_range: (usize, usize),
    b_range: (usize, usize),
    out: &mut Vec<Edit>,
) {
    let (n, m) = (a_range.1 - a_range.0, b_range.1 - b_range.0);
    if n.saturating_mul(m) > MAX_EXACT_CELLS {
        out.extend((a_range.0..a_range.1).map(Edit::Delete));
        out.extend((b_range.0..b_range.1).map(Edit::Insert));
        return;
    }
    // lcs[i][j]: longest common subsequence of a[i..] and b[j..], row-major.
    let width = m + 1;
    let mut lcs = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * width + j] = if a[a_range.0 + i] == b[b_range.0 + j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[a_range.0 + i] == b[b_range.0 + j] {
            out.push(Edit::Keep(a_range.0 + i, b_range.0 + j));
            i += 1;
            j += 1;
        } else if lcs[(i + 1) * width + j] >= lcs[i * width + j + 1] {
            out.push(Edit::Delete(a_range.0 + i));
            i += 1;
        } else {
            out.push(Edit::Insert(b_range.0 + j));
            j += 1;
        }
    }
    out.extend((a_range.0 + i..a_range.1).map(Edit::Delete));
    out.extend((b_range.0 + j..b_range.1).map(Edit::Insert));
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
