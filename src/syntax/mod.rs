//! The front end's first half: reading files, following includes, parsing
//! with the pest grammar (`grammar/plan.pest`; valid files take a fast
//! hand-written reader of the same grammar) and lowering to a typed AST
//! with spans. Nothing here knows what a name refers to; that is `check`.

pub mod ast;
mod chunks;
pub mod complete;
mod descent;
mod expected;
mod grammar;
mod hints;
mod include;
pub mod keywords;
mod literal;
mod lower;
mod parser;
mod recover;
mod revision;
pub(crate) mod scan;

pub use include::{
    load_at_revision, load_overlaid, load_path, load_str, LoadError, LoadOptions, Loaded, Overlay,
    DEFAULT_MAX_TASKS,
};
pub use literal::parse_decimal;
#[doc(hidden)]
pub use parser::clean_files_read_slowly;
pub use parser::parse;
pub use scan::MAX_NESTING;

use crate::diagnostic::Diagnostics;
use crate::source::FileId;

/// Both readers of one text, for the tests that hold them to the same
/// language: the fast reader's tree (`None` where it leaves the text to
/// the grammar) and the tree and diagnostics of the pest grammar alone
/// (the whole file, then declaration by declaration if that fails), which
/// [`parse`] must reproduce exactly.
#[doc(hidden)]
pub fn parse_both(text: &str, file: FileId) -> (Option<ast::File>, ast::File, Diagnostics) {
    let mut diags = Diagnostics::new();
    let slow = parser::parse_with_grammar(text, file, &mut diags, chunks::Readers::GrammarOnly);
    (descent::read(text, file).ok(), slow, diags)
}
