//! Parses one file's text into the AST: picks the reader. A file without
//! errors is read by the fast hand-written reader ([`super::descent`]);
//! anything else goes through the pest grammar, whose pairs
//! [`super::lower`] turns into typed nodes, and a file the grammar rejects
//! is read declaration by declaration ([`super::chunks`]) so that every
//! broken declaration is reported.

use super::ast::File;
use super::chunks::{parse_with_recovery, Readers};
use super::descent::{self, Unread};
use super::grammar::{PlanParser, Rule};
use super::literal::Literals;
use super::lower::Lower;
use super::scan::{too_deep_at, MAX_NESTING};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};
use pest::Parser;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Parses `text` (file `file`). Returns the declarations that parsed and
/// every diagnostic found; a file with syntax errors still yields the
/// declarations around them, so names can be checked too.
pub fn parse(text: &str, file: FileId, diags: &mut Diagnostics) -> File {
    if let Some(offset) = too_deep_at(text) {
        diags.push(
            Diagnostic::error(
                codes::TOO_DEEP,
                format!("blocks are nested more than {MAX_NESTING} levels deep"),
            )
            .at(Span::new(file, offset, offset + 1), "this `{` is too deep")
            .with_help("split the work into top-level tasks and link them with `after`"),
        );
        return File { items: Vec::new() };
    }
    let unread = match descent::read(text, file) {
        Ok(tree) => return tree,
        Err(unread) => unread,
    };
    let reported = diags.len();
    let tree = match unread {
        Unread::Literal => parse_with_grammar(text, file, diags, Readers::Both),
        // The grammar would fail on the whole file too: go straight to
        // reading it declaration by declaration.
        Unread::Syntax => parse_with_recovery(text, file, diags, Readers::Both),
    };
    if diags.len() == reported {
        CLEAN_FILES_READ_SLOWLY.fetch_add(1, Ordering::Relaxed);
    }
    tree
}

/// Files without a diagnostic that the fast reader refused: each is a gap
/// in it, which the tests that hold both readers to one tree require to
/// stay at zero.
static CLEAN_FILES_READ_SLOWLY: AtomicUsize = AtomicUsize::new(0);

/// How many files without a diagnostic took the slow path in this process.
pub fn clean_files_read_slowly() -> usize {
    CLEAN_FILES_READ_SLOWLY.load(Ordering::Relaxed)
}

/// Parses `text` with the pest grammar: the definition of the language,
/// and the path that reports syntax errors.
pub(super) fn parse_with_grammar(
    text: &str,
    file: FileId,
    diags: &mut Diagnostics,
    readers: Readers,
) -> File {
    match PlanParser::parse(Rule::plan, text) {
        Ok(mut pairs) => {
            let mut lower = Lower {
                lit: Literals { file, diags },
            };
            let items = pairs
                .next()
                .map(|plan| lower.top_items(plan))
                .unwrap_or_default();
            File { items }
        }
        Err(_) => parse_with_recovery(text, file, diags, readers),
    }
}
