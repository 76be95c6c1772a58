//! `planc fmt`: prints a plan in one canonical layout, so that plans kept
//! in version control differ only where their meaning does.
//!
//! The file is parsed with the ordinary parser; the layout is printed from
//! the syntax tree ([`print`]), every value in one spelling ([`spell`]),
//! with the comments and blank lines of the original put back
//! ([`source`]). The result is parsed again and its tree compared with the
//! original's (by fingerprint), spans aside ([`unspan`]): a formatting
//! that would change meaning is refused, never written. Includes are not
//! followed: every file is formatted on its own. The rules are in
//! `docs/fmt.md`.

pub mod diff;
mod print;
mod source;
pub mod spell;
mod unspan;

use crate::diagnostic::Diagnostics;
use crate::source::FileId;
use crate::syntax::ast::File;
use std::hash::{BuildHasher, RandomState};

pub use print::{MAX_INLINE_ATTRS, MAX_WIDTH};

/// Why a text was not formatted.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The text has errors the parser reports (syntax, bad values); it is
    /// left as it is and these are the diagnostics.
    #[error("the plan has errors and was not formatted")]
    Invalid(Diagnostics),
    /// The formatted text would not parse to the same plan: a bug in the
    /// formatter. The text is left as it is.
    #[error("{0}")]
    Internal(String),
}

/// Formats the text of one `.plan` file.
pub fn format(text: &str) -> Result<String, FormatError> {
    format_file(text, FileId(0))
}

/// Formats the text of one `.plan` file; diagnostics point into `file`.
pub fn format_file(text: &str, file: FileId) -> Result<String, FormatError> {
    let mut diags = Diagnostics::new();
    let tree = crate::syntax::parse(text, file, &mut diags);
    if diags.has_errors() {
        return Err(FormatError::Invalid(diags));
    }
    let original = source::Source::new(text);
    let formatted = print::print(&tree, &original);
    ensure_same_meaning(tree, &formatted, file)?;
    ensure_same_comments(&original, &source::Source::new(&formatted))?;
    Ok(formatted)
}

fn comment_texts<'a>(source: &source::Source<'a>) -> Vec<&'a str> {
    source
        .comments
        .iter()
        .map(|&c| source.comment_text(c))
        .collect()
}

/// Checks that every comment survived, in order.
fn ensure_same_comments(
    original: &source::Source<'_>,
    formatted: &source::Source<'_>,
) -> Result<(), FormatError> {
    if comment_texts(original) != comment_texts(formatted) {
        return Err(FormatError::Internal(
            "the formatted plan would lose a comment; this is a bug in planc fmt, the file was left as it is".to_string(),
        ));
    }
    Ok(())
}

/// Parses `formatted` and checks that it is the same plan as `original`.
/// The trees are compared by a 64-bit fingerprint of their span-free
/// form, so that the original tree is freed before the formatted text is
/// parsed: a 100,000-task plan's tree weighs a few hundred megabytes.
fn ensure_same_meaning(original: File, formatted: &str, file: FileId) -> Result<(), FormatError> {
    let key = RandomState::new();
    let before = fingerprint(original, &key);
    let mut diags = Diagnostics::new();
    let reparsed = crate::syntax::parse(formatted, file, &mut diags);
    if diags.has_errors() {
        return Err(FormatError::Internal(
            "the formatted plan does not parse; this is a bug in planc fmt, the file was left as it is".to_string(),
        ));
    }
    if fingerprint(reparsed, &key) != before {
        return Err(FormatError::Internal(
            "the formatted plan would not mean the same; this is a bug in planc fmt, the file was left as it is"
                .to_string(),
        ));
    }
    Ok(())
}

/// A 64-bit hash of a tree without its spans, under a random key: trees
/// that differ in meaning collide with a chance of about 2^-64.
fn fingerprint(mut tree: File, key: &RandomState) -> u64 {
    unspan::file(&mut tree);
    key.hash_one(&tree)
}
