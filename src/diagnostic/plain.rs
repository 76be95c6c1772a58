//! Diagnostics as plain rustc-style text: stable, with no colour, for
//! logs, pipes and the golden tests. The CLI adds miette's graphical
//! style and JSON lines on top.

use super::{Diagnostic, Label};
use crate::source::{FileId, SourceMap};
use std::fmt::Write as _;

impl Diagnostic {
    /// rustc-style text with no colour: the message, each label under its
    /// source line, and the help.
    pub fn to_plain(&self, sources: &SourceMap) -> String {
        let mut out = format!(
            "{}[{}]: {}\n",
            self.severity.as_str(),
            self.code,
            self.message
        );
        // Labels of one file are shown together in line order, the primary
        // label's file first.
        let mut labels: Vec<(bool, &Label)> = self
            .primary
            .iter()
            .map(|l| (true, l))
            .chain(self.secondary.iter().map(|l| (false, l)))
            .collect();
        let primary_file = self.primary.as_ref().map(|l| l.span.file);
        labels.sort_by_key(|(_, l)| (Some(l.span.file) != primary_file, l.span.file, l.span.start));
        let width = labels
            .iter()
            .filter_map(|(_, l)| {
                sources
                    .get(l.span.file)
                    .map(|f| f.line_col(l.span.start as usize).0)
            })
            .max()
            .map_or(1, |line| line.to_string().len());
        let pad = " ".repeat(width);
        let mut last: Option<(FileId, usize)> = None;
        for (k, (is_primary, label)) in labels.iter().enumerate() {
            let Some(file) = sources.get(label.span.file) else {
                continue;
            };
            let (line, col) = file.line_col(label.span.start as usize);
            match last {
                Some((f, _)) if f == label.span.file => {}
                _ => {
                    let arrow = if k == 0 { "-->" } else { ":::" };
                    // The header names the primary place when it is in this file.
                    let (hl, hc) = match &self.primary {
                        Some(p) if p.span.file == label.span.file => {
                            file.line_col(p.span.start as usize)
                        }
                        _ => (line, col),
                    };
                    let _ = writeln!(out, "{pad}{arrow} {}:{hl}:{hc}", file.name);
                    let _ = writeln!(out, "{pad} |");
                }
            }
            if let Some((f, prev_line)) = last {
                if f == label.span.file && line > prev_line + 1 {
                    let _ = writeln!(out, "{pad}...");
                }
            }
            last = Some((label.span.file, line));
            let text = file.line_text(line);
            let (end_line, end_col) = file.line_col(label.span.end as usize);
            let underline_len = if end_line == line {
                end_col.saturating_sub(col).max(1)
            } else {
                text.chars().count().saturating_sub(col - 1).max(1)
            };
            let mark = if *is_primary { "^" } else { "-" };
            let shown: String = text
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let _ = writeln!(out, "{line:>width$} | {shown}");
            let _ = writeln!(
                out,
                "{pad} | {}{} {}",
                " ".repeat(col - 1),
                mark.repeat(underline_len),
                label.text
            );
        }
        if !labels.is_empty() && self.help.is_some() {
            let _ = writeln!(out, "{pad} |");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        out
    }
}

/// "2 errors, 1 warning".
pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems".to_string(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}
