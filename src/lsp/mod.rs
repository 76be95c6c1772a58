//! `planc lsp`: a language server on standard input and output, used only
//! by `cli` (`src/cli/lsp.rs` starts it).
//!
//! Built on `lsp-server` (the message loop and the Content-Length framing)
//! and `lsp-types` (the protocol's types), the crates rust-analyzer, ruff
//! and tinymist are built on; `tower-lsp` is unmaintained and async, which
//! a compiler that answers in milliseconds does not need. `lsp-types` is
//! held at 0.95, whose URIs are `url::Url` (the later versions' URI type
//! cannot give back a file path).
//!
//! The loop (this file) drains every message waiting before it analyses,
//! so a burst of edits is analysed once; a request sees the analysis of
//! every edit before it. An analysis (`analysis.rs`) compiles the plan
//! from the open texts overlaid on the disk through the facade; each
//! feature has its file and answers from the last analysis. A handler
//! that fails answers with an error or an empty result; a panic in one is
//! caught and answered as an internal error, so the server lives on.

mod analysis;
mod completion;
mod diagnostics;
mod documents;
mod edits;
mod folding;
mod hints;
mod hover;
mod index;
mod navigate;
mod roots;
mod tokens;

use analysis::Analysis;
use documents::{path_of, Documents};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::Url;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Serves one client on standard input and output until it says `exit`.
pub fn serve_stdio() -> Result<(), Failure> {
    let (connection, io_threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    io_threads.join()?;
    Ok(())
}

/// The initialize handshake, then the loop.
pub fn serve(connection: &Connection) -> Result<(), Failure> {
    let capabilities = serde_json::to_value(capabilities())?;
    let params = connection.initialize(capabilities)?;
    let params: lsp_types::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let mut server = Server::new(connection.sender.clone(), workspace_folders(&params));
    main_loop(connection, &mut server)
}

fn workspace_folders(params: &lsp_types::InitializeParams) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().ok())
        .collect();
    #[allow(deprecated)] // Older clients send only the root URI.
    if let Some(root) = params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()) {
        folders.push(root);
    }
    folders
}

fn capabilities() -> lsp_types::ServerCapabilities {
    use lsp_types::*;
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), ".".into(), ",".into()]),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: tokens::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            },
        )),
        ..ServerCapabilities::default()
    }
}

fn main_loop(connection: &Connection, server: &mut Server) -> Result<(), Failure> {
    while let Ok(first) = connection.receiver.recv() {
        // Everything already waiting is taken before analysing, so that a
        // burst of edits costs one analysis.
        let batch: Vec<Message> = std::iter::once(first)
            .chain(connection.receiver.try_iter())
            .collect();
        for message in batch {
            match message {
                Message::Request(request) => {
                    if connection.handle_shutdown(&request)? {
                        return Ok(());
                    }
                    server.refresh();
                    let response = server.answer(request);
                    server.send(Message::Response(response));
                }
                Message::Notification(notification) => {
                    if notification.method == note::Exit::METHOD {
                        return Ok(());
                    }
                    server.notice(notification);
                }
                Message::Response(_) => {}
            }
        }
        server.refresh();
    }
    Ok(())
}

pub(crate) struct Server {
    sender: crossbeam_channel::Sender<Message>,
    documents: Documents,
    /// The last analysis of each plan, by root file.
    analyses: HashMap<PathBuf, Analysis>,
    /// Open files changed since the last analysis.
    changed: HashSet<PathBuf>,
    /// The plan each open file belongs to, found when it was opened.
    roots: roots::Roots,
    /// Files published with diagnostics last time, and how many.
    published: HashMap<Url, usize>,
}

impl Server {
    fn new(sender: crossbeam_channel::Sender<Message>, folders: Vec<PathBuf>) -> Server {
        Server {
            sender,
            documents: Documents::default(),
            analyses: HashMap::new(),
            changed: HashSet::new(),
            roots: roots::Roots::new(folders),
            published: HashMap::new(),
        }
    }

    fn send(&self, message: Message) {
        // The client has gone when this fails; the loop ends on its own.
        let _ = self.sender.send(message);
    }

    fn notice(&mut self, notification: Notification) {
        match notification.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(
                    notification.params,
                ) {
                    let doc = p.text_document;
                    self.changed.insert(path_of(&doc.uri));
                    self.documents.open(doc.uri, doc.text, doc.version);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(
                    notification.params,
                ) {
                    let doc = p.text_document;
                    if self
                        .documents
                        .change(&doc.uri, p.content_changes, doc.version)
                    {
                        self.changed.insert(path_of(&doc.uri));
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(
                    notification.params,
                ) {
                    let uri = p.text_document.uri;
                    self.documents.close(&uri);
                    // The file on disk stands for it again.
                    self.changed.insert(path_of(&uri));
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                // A file changed on disk (another program, a `git
                // checkout`): the plans that read it are analysed again.
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(
                    notification.params,
                ) {
                    for change in p.changes {
                        self.changed.insert(path_of(&change.uri));
                    }
                }
            }
            _ => {}
        }
    }

    /// Analyses again every plan an edit touched, and publishes what
    /// changed. Nothing to do when nothing changed.
    fn refresh(&mut self) {
        if self.changed.is_empty() {
            return;
        }
        let changed = std::mem::take(&mut self.changed);
        let overlay = self.documents.overlay();
        let open: Vec<PathBuf> = self.documents.iter().map(|(u, _)| path_of(u)).collect();
        let wanted = self.roots.plans_of(&open, &overlay, &self.analyses);
        self.analyses.retain(|root, _| wanted.contains(root));
        for root in &wanted {
            let stale = match self.analyses.get(root) {
                None => true,
                Some(a) => a.paths().any(|p| changed.contains(p)) || changed.contains(root),
            };
            if !stale {
                continue;
            }
            // A panic in the compiler must not end the session: the
            // last analysis stays (the fuzz tests look for such panics).
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Analysis::run(root, &overlay)
            }));
            match run.ok().flatten() {
                Some(analysis) => {
                    self.publish(&analysis);
                    self.analyses.insert(root.clone(), analysis);
                }
                None => {
                    self.analyses.remove(root);
                }
            }
        }
    }

    fn publish(&mut self, analysis: &Analysis) {
        let uris: HashMap<PathBuf, Url> = self
            .documents
            .iter()
            .map(|(u, _)| (path_of(u), u.clone()))
            .collect();
        for (uri, diagnostics) in diagnostics::by_file(analysis, &uris) {
            let count = diagnostics.len();
            let before = self.published.get(&uri).copied().unwrap_or(0);
            let is_open = self.documents.get(&uri).is_some();
            if count == 0 && before == 0 && !is_open {
                continue;
            }
            let version = self.documents.get(&uri).map(|d| d.version);
            let params = lsp_types::PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics,
                version,
            };
            self.send(Message::Notification(Notification::new(
                note::PublishDiagnostics::METHOD.to_string(),
                params,
            )));
            self.published.insert(uri, count);
        }
    }

    /// The analysis that holds the file `uri` names, and the file's id.
    fn locate(&self, uri: &Url) -> Option<(&Analysis, crate::source::FileId)> {
        self.analyses
            .values()
            .find_map(|a| a.file_of(uri).map(|file| (a, file)))
    }

    /// The analysis, file and byte offset of a position in a document.
    fn at(
        &self,
        uri: &Url,
        position: lsp_types::Position,
    ) -> Option<(&Analysis, crate::source::FileId, usize)> {
        let (analysis, file) = self.locate(uri)?;
        let (source, lines) = analysis.source(file)?;
        Some((analysis, file, lines.offset(&source.text, position)))
    }

    /// Every file URI known by path, for answers that point at files.
    fn uris(&self) -> HashMap<PathBuf, Url> {
        self.documents
            .iter()
            .map(|(u, _)| (path_of(u), u.clone()))
            .collect()
    }

    fn answer(&self, request: Request) -> Response {
        let id = request.id.clone();
        let method = request.method.clone();
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.dispatch(request)));
        match outcome {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(refusal)) => Response::new_err(id, refusal.code as i32, refusal.message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("planc lsp failed on `{method}`; please report it"),
            ),
        }
    }

    fn dispatch(&self, request: Request) -> Result<Value, Refusal> {
        let Request { method, params, .. } = request;
        match method.as_str() {
            req::HoverRequest::METHOD => hover::hover(self, parse(params)?),
            req::InlayHintRequest::METHOD => hints::inlay_hints(self, parse(params)?),
            req::CodeLensRequest::METHOD => hints::code_lenses(self, parse(params)?),
            req::GotoDefinition::METHOD => navigate::definition(self, parse(params)?),
            req::References::METHOD => navigate::references(self, parse(params)?),
            req::PrepareRenameRequest::METHOD => navigate::prepare_rename(self, parse(params)?),
            req::Rename::METHOD => navigate::rename(self, parse(params)?),
            req::DocumentSymbolRequest::METHOD => navigate::document_symbols(self, parse(params)?),
            req::WorkspaceSymbolRequest::METHOD => {
                navigate::workspace_symbols(self, parse(params)?)
            }
            req::Completion::METHOD => completion::complete(self, parse(params)?),
            req::CodeActionRequest::METHOD => edits::code_actions(self, parse(params)?),
            req::Formatting::METHOD => edits::format(self, parse(params)?),
            req::FoldingRangeRequest::METHOD => folding::folding_ranges(self, parse(params)?),
            req::SemanticTokensFullRequest::METHOD => tokens::semantic_tokens(self, parse(params)?),
            _ => Err(Refusal {
                code: ErrorCode::MethodNotFound,
                message: format!("planc lsp does not answer `{method}`"),
            }),
        }
    }
}

/// Why a request gets an error response.
pub(crate) struct Refusal {
    code: ErrorCode,
    message: String,
}

impl Refusal {
    fn invalid(message: impl Into<String>) -> Refusal {
        Refusal {
            code: ErrorCode::InvalidParams,
            message: message.into(),
        }
    }

    /// A request that is well formed but cannot be done (a rename to a
    /// taken name): the protocol's RequestFailed.
    fn failed(message: impl Into<String>) -> Refusal {
        Refusal {
            code: ErrorCode::RequestFailed,
            message: message.into(),
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, Refusal> {
    serde_json::from_value(params).map_err(|e| Refusal::invalid(format!("bad parameters: {e}")))
}

/// A handler's answer as JSON (`null` for nothing).
fn reply<T: serde::Serialize>(value: T) -> Result<Value, Refusal> {
    serde_json::to_value(value).map_err(|e| Refusal {
        code: ErrorCode::InternalError,
        message: e.to_string(),
    })
}
