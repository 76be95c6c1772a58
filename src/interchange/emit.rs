//! Writing plan text from a foreign model: identifiers the grammar accepts
//! and unique among their kind, strings with the spec's escapes, and the
//! `# import:` notes. Layout is left to `planc fmt`.

use rustc_hash::FxHashSet;

/// Plan text under construction.
#[derive(Default)]
pub struct PlanText {
    text: String,
    depth: usize,
}

impl PlanText {
    pub fn new() -> PlanText {
        PlanText::default()
    }

    /// One line at the current depth (indentation is redone by fmt; it
    /// only keeps the unformatted text readable).
    pub fn line(&mut self, line: impl AsRef<str>) {
        for _ in 0..self.depth {
            self.text.push_str("  ");
        }
        self.text.push_str(line.as_ref());
        self.text.push('\n');
    }

    /// `HEADER {` and one level deeper.
    pub fn open(&mut self, header: impl AsRef<str>) {
        self.line(format!("{} {{", header.as_ref()));
        self.depth += 1;
    }

    /// `}` and one level up.
    pub fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.line("}");
    }

    /// A `# import: ...` note for something not carried over.
    pub fn note(&mut self, what: impl AsRef<str>) {
        let one_line: String = what.as_ref().lines().collect::<Vec<_>>().join(" ");
        self.line(format!("# import: {one_line}"));
    }

    pub fn blank(&mut self) {
        self.text.push('\n');
    }

    pub fn finish(self) -> String {
        self.text
    }
}

/// `s` as a plan string literal, spelt as `planc fmt` spells strings.
pub fn quote(s: &str) -> String {
    crate::fmt::spell::string(s)
}

/// Hands out identifiers (`[A-Za-z_][A-Za-z0-9_]*`) made from foreign ids or
/// names, each unique within this set (one set per namespace and scope).
#[derive(Default)]
pub struct Idents {
    taken: FxHashSet<String>,
    /// Per base, the suffix to try next: a file with many tasks of one
    /// name would otherwise retry every suffix before it (quadratic).
    next_suffix: rustc_hash::FxHashMap<String, usize>,
}

impl Idents {
    pub fn new() -> Idents {
        Idents::default()
    }

    /// An identifier for `raw`: its ASCII letters, digits and underscores
    /// (others become `_`), a leading `_` before a digit, `_N` added when
    /// the result is taken.
    pub fn make(&mut self, raw: &str) -> String {
        let base = sanitize(raw);
        let mut candidate = base.clone();
        let mut n = self.next_suffix.get(&base).copied().unwrap_or(2);
        while self.taken.contains(&candidate) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        self.next_suffix.insert(base, n);
        self.taken.insert(candidate.clone());
        candidate
    }
}

fn sanitize(raw: &str) -> String {
    let mut out: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() {
        out.push_str("item");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_what_the_grammar_needs() {
        assert_eq!(quote("a \"b\" \\ c\nd\te"), r#""a \"b\" \\ c\nd\te""#);
        assert_eq!(quote("\u{7}"), r#""\u{7}""#);
    }

    #[test]
    fn idents_are_valid_and_unique() {
        let mut ids = Idents::new();
        assert_eq!(ids.make("build-server"), "build_server");
        assert_eq!(ids.make("build server"), "build_server_2");
        assert_eq!(ids.make("1st"), "_1st");
        assert_eq!(ids.make(""), "item");
        assert_eq!(ids.make("é"), "_");
    }
}
