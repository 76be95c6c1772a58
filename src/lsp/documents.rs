//! The texts the editor has open, with their versions, and the conversion
//! between LSP positions (line and UTF-16 code unit) and byte offsets.
//! A position the editor sends may lie past the end of a line or of the
//! text, or inside a character: it is clamped to the nearest character
//! boundary before it, never trusted.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Url};
use std::collections::HashMap;
use std::path::PathBuf;

/// Byte offsets of line starts in one text, for position conversion.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// The byte offset of `position` in `text`, clamped: past the end of a
    /// line is its end, past the last line the end of the text, inside a
    /// surrogate pair (or a multi-byte character) the character's start.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |&next| next.saturating_sub(1));
        let line_text = text.get(start..end).unwrap_or("");
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let mut units = 0usize;
        for (i, c) in line_text.char_indices() {
            let next = units + c.len_utf16();
            if next > position.character as usize {
                return start + i;
            }
            units = next;
        }
        start + line_text.len()
    }

    /// The LSP position of byte `offset` (clamped to the text and to a
    /// character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(to_u32(line), to_u32(character))
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }

    /// The byte range of an LSP range, in order (a reversed range is
    /// turned around).
    pub fn byte_range(&self, text: &str, range: Range) -> (usize, usize) {
        let a = self.offset(text, range.start);
        let b = self.offset(text, range.end);
        (a.min(b), a.max(b))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One open text.
#[derive(Debug)]
pub struct Document {
    pub text: String,
    pub version: i32,
    pub lines: LineIndex,
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let lines = LineIndex::new(&text);
        Document {
            text,
            version,
            lines,
        }
    }

    /// Applies the editor's changes in order: a change with a range
    /// replaces that range, one without replaces the whole text.
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, version: i32) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let (start, end) = self.lines.byte_range(&self.text, range);
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
            self.lines = LineIndex::new(&self.text);
        }
        self.version = version;
    }
}

/// Every open text, by URI, and the path each stands for.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<Url, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: Url, text: String, version: i32) {
        self.open.insert(uri, Document::new(text, version));
    }

    pub fn change(
        &mut self,
        uri: &Url,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
    ) -> bool {
        match self.open.get_mut(uri) {
            // An older version than the one held came late: keep the newer.
            Some(doc) if version >= doc.version => {
                doc.apply(changes, version);
                true
            }
            _ => false,
        }
    }

    pub fn close(&mut self, uri: &Url) {
        self.open.remove(uri);
    }

    pub fn get(&self, uri: &Url) -> Option<&Document> {
        self.open.get(uri)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Url, &Document)> {
        self.open.iter()
    }

    /// The open texts by the path they stand for, for the loader.
    pub fn overlay(&self) -> crate::syntax::Overlay {
        self.open
            .iter()
            .map(|(uri, doc)| (path_of(uri), doc.text.clone()))
            .collect()
    }
}

/// The file a URI names: its path for a `file:` URI (resolved when it
/// exists), else a made-up path that no file has, so that an unsaved
/// buffer is a plan of its own.
pub fn path_of(uri: &Url) -> PathBuf {
    match uri.to_file_path() {
        Ok(path) => std::fs::canonicalize(&path).unwrap_or(path),
        Err(()) => std::env::temp_dir()
            .join("planc-lsp-unsaved")
            .join(uri.as_str().replace(['/', ':', '\\'], "_")),
    }
}

/// The URI of a file's path.
pub fn uri_of(path: &std::path::Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn positions_count_utf16_units() {
        // `é` is 2 bytes and 1 unit; `😀` is 4 bytes and 2 units.
        let text = "aé😀b\nxy";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(0, 1)), 1);
        assert_eq!(index.offset(text, pos(0, 2)), 3);
        assert_eq!(index.offset(text, pos(0, 4)), 7);
        assert_eq!(index.position(text, 7), pos(0, 4));
        assert_eq!(index.position(text, 9), pos(1, 0));
    }

    #[test]
    fn a_position_inside_a_surrogate_pair_clamps_to_its_start() {
        let text = "a😀b";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(0, 2)), 1);
        // A byte offset inside the character goes back to its start.
        assert_eq!(index.position(text, 3), pos(0, 1));
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(0, 99)), 2);
        assert_eq!(index.offset(text, pos(7, 3)), text.len());
        assert_eq!(index.position(text, 999), pos(1, 2));
    }

    #[test]
    fn edits_apply_in_order_and_reversed_ranges_turn_around() {
        let mut doc = Document::new("task a\n".into(), 1);
        let change = |range: Option<Range>, text: &str| TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.into(),
        };
        doc.apply(
            vec![
                change(Some(Range::new(pos(0, 6), pos(0, 6))), " { }"),
                change(Some(Range::new(pos(0, 6), pos(0, 5))), "b"),
                change(Some(Range::new(pos(9, 0), pos(12, 0))), "# end"),
            ],
            2,
        );
        assert_eq!(doc.text, "task b { }\n# end");
        assert_eq!(doc.version, 2);
    }
}
