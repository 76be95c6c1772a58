//! `planc lsp`: starts the language server (`src/lsp/`) on standard input
//! and output. `--stdio` is accepted and ignored: clients often pass it.

/// The arguments of `planc lsp`.
#[derive(clap::Args, Debug)]
pub(crate) struct LspArgs {
    /// Talk over standard input and output (the only way; accepted because
    /// editors pass it).
    #[arg(long)]
    pub stdio: bool,
}

pub(crate) const EXAMPLES: &str = "\
Examples:
  planc lsp            (started by an editor; see docs/editors.md)
  planc lsp --stdio";

/// Serves until the client says `exit`; 0 then, 2 if the connection broke.
pub(crate) fn run(_args: &LspArgs) -> u8 {
    match crate::lsp::serve_stdio() {
        Ok(()) => super::exit::OK,
        Err(e) => {
            say!("planc lsp: {e}");
            super::exit::USAGE
        }
    }
}
