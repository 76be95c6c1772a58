//! The front end's first half: reading files, following includes, parsing
//! with the pest grammar (`grammar/plan.pest`) and lowering to a typed AST
//! with spans. Nothing here knows what a name refers to; that is `check`.

pub mod ast;
mod expected;
mod grammar;
mod include;
mod parser;
pub(crate) mod scan;

pub use include::{load_path, load_str, LoadError, LoadOptions, Loaded, DEFAULT_MAX_TASKS};
pub use parser::{parse, parse_decimal, MAX_NESTING};
