//! `rights lsp`: the language server, over stdio (JSON-RPC through
//! `lsp-server`, the types of `lsp-types`). The folders the editor opens form
//! one policy, as on the command line; the editor's unsaved text wins over
//! the disk. Diagnostics are `rights check` + `rights lint` + failed test
//! expectations, published after typing pauses (debounced); every request
//! is answered from an analysis of the current text.
//!
//! - `mod.rs`: the message loop, documents and when to analyse;
//! - `analysis.rs`: one analysis (workspace, diagnostics, index, tests);
//! - `convert.rs`: positions and ranges;
//! - `diagnostics.rs`: diagnostics as the editor shows them;
//! - `navigate.rs`: hover, definition, references, rename;
//! - `outline.rs`: completion, symbols, semantic tokens, folding;
//! - `edits.rs`: code actions and formatting;
//! - `lens.rs`: test code lenses, commands and `rights/explain`.

// the engine's and the tools' modules under their own names, as in every crate
use rights_engine::{diag, eval, ir, sema, source, syntax, testing, workspace};
use rights_tools::{complete, fmt, index, lint, project, words};

mod analysis;
mod convert;
mod diagnostics;
mod edits;
mod lens;
mod navigate;
mod outline;
pub mod transport;

pub use analysis::{path_to_uri, uri_to_path};

use analysis::Analysis;
use convert::Encoding;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::*;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// How long typing must pause before diagnostics are published.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Runs the server on stdin and stdout until the client says `exit`.
/// Serves on stdin and stdout until `exit` (or the end of input). The exit
/// code, as the protocol says: 0 after `shutdown`, 1 without it.
pub fn run() -> Result<i32, String> {
    let (conn, io) = transport::stdio();
    let result = serve(&conn);
    drop(conn);
    io.join()?;
    result
}

fn serve(conn: &Connection) -> Result<i32, String> {
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let init: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let utf8 = init
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
        .is_some_and(|v| v.contains(&PositionEncodingKind::UTF8));
    let enc = if utf8 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let caps = capabilities(enc);
    let result = json!({
        "capabilities": caps,
        "serverInfo": { "name": "rights", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    // changes on disk (a `git checkout`, a data file rewritten) reach us where
    // the client can watch files for us
    let watch = init
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    if watch {
        let glob = |p: &str| FileSystemWatcher {
            glob_pattern: GlobPattern::String(p.into()),
            kind: None,
        };
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![
                glob("**/*.rights"),
                glob("**/*.json"),
                glob("**/rights.toml"),
            ],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "rights-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        send(
            conn,
            Message::Request(Request::new(
                RequestId::from("rights-watch".to_string()),
                "client/registerCapability".into(),
                params,
            )),
        );
    }
    let mut s = Server::new(&init, enc);
    s.watched = watch;
    s.analyse();
    s.settle(conn);
    // after `shutdown`: requests refused, `exit` ends with 0 (without it, 1)
    let mut shutting_down = false;
    let code = |shutting_down: bool| if shutting_down { 0 } else { 1 };
    loop {
        // a message, lint's findings, or (while the text is dirty) the end
        // of a pause in typing
        let timeout = if s.dirty {
            DEBOUNCE
        } else {
            Duration::from_secs(3600)
        };
        let msg = crossbeam_channel::select! {
            recv(conn.receiver) -> m => match m {
                Ok(m) => m,
                // the end of input: as `exit`
                Err(_) => return Ok(code(shutting_down)),
            },
            recv(s.lint_rx) -> r => {
                if let Ok((generation, findings)) = r {
                    s.linted(conn, generation, findings);
                }
                continue;
            },
            default(timeout) => {
                if s.dirty {
                    s.analyse();
                    s.settle(conn);
                }
                continue;
            },
        };
        match msg {
            Message::Request(req) => {
                let refuse = |why: &str| {
                    Response::new_err(req.id.clone(), ErrorCode::InvalidRequest as i32, why.into())
                };
                if shutting_down {
                    send(
                        conn,
                        Message::Response(refuse("the server is shutting down")),
                    );
                    continue;
                }
                match req.method.as_str() {
                    "shutdown" => {
                        shutting_down = true;
                        send(conn, Message::Response(Response::new_ok(req.id, ())));
                        continue;
                    }
                    "initialize" => {
                        send(
                            conn,
                            Message::Response(refuse("the server is already initialized")),
                        );
                        continue;
                    }
                    _ => {}
                }
                if s.dirty {
                    s.analyse();
                    s.settle(conn);
                }
                // a bug in a handler answers that request with an error; the
                // server and the editor's session go on
                let id = req.id.clone();
                let resp =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.request(req)))
                        .unwrap_or_else(|_| {
                            Response::new_err(
                                id,
                                ErrorCode::InternalError as i32,
                                "internal error in rights lsp (this is a bug; please report it)"
                                    .into(),
                            )
                        });
                send(conn, Message::Response(resp));
                for n in s.outbox.drain(..) {
                    send(conn, Message::Notification(n));
                }
            }
            Message::Notification(n) if n.method == "exit" => return Ok(code(shutting_down)),
            Message::Notification(n) => s.notify(n),
            Message::Response(_) => {}
        }
    }
}

fn send(conn: &Connection, m: Message) {
    // a client gone away ends the loop at the next receive
    let _ = conn.sender.send(m);
}

fn capabilities(enc: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match enc {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), ".".into()]),
            ..Default::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_range_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: outline::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: Default::default(),
            },
        )),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![lens::RUN_TESTS.into()],
            work_done_progress_options: Default::default(),
        }),
        ..Default::default()
    }
}

/// The server's state between messages.
pub struct Server {
    enc: Encoding,
    folders: Vec<PathBuf>,
    /// Data files named by the client's settings (`initializationOptions`
    /// or `workspace/didChangeConfiguration`: `{ "data": [...] }`).
    data: Vec<PathBuf>,
    /// Open documents by path: their text.
    open: HashMap<PathBuf, String>,
    /// What was read from disk, until the client says it changed.
    disk: analysis::Disk,
    /// The client tells us of changes on disk (it watches files for us);
    /// without it, the disk is read again for every analysis.
    watched: bool,
    analysis: Analysis,
    /// The text changed since the last analysis.
    dirty: bool,
    /// Files diagnostics were last published for (to clear them).
    published: Vec<PathBuf>,
    /// Problems with the configuration, shown once each.
    problems: Vec<String>,
    outbox: Vec<Notification>,
    /// Counts analyses: lint's findings for an older one are dropped.
    generation: u64,
    lint_tx: crossbeam_channel::Sender<(u64, Vec<crate::diag::Diagnostic>)>,
    lint_rx: crossbeam_channel::Receiver<(u64, Vec<crate::diag::Diagnostic>)>,
}

impl Server {
    fn new(init: &InitializeParams, enc: Encoding) -> Server {
        let mut folders: Vec<PathBuf> = init
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| uri_to_path(&f.uri))
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            if let Some(p) = init.root_uri.as_ref().and_then(uri_to_path) {
                folders.push(p);
            }
        }
        let mut s = Server::with(folders, enc);
        if let Some(o) = &init.initialization_options {
            s.configure(o);
        }
        s
    }

    /// A server on folders, before any document is opened.
    fn with(folders: Vec<PathBuf>, enc: Encoding) -> Server {
        let (lint_tx, lint_rx) = crossbeam_channel::unbounded();
        Server {
            enc,
            folders,
            data: Vec::new(),
            open: HashMap::new(),
            disk: analysis::Disk::default(),
            watched: false,
            analysis: Analysis::build(&Default::default(), None, true),
            dirty: true,
            published: Vec::new(),
            problems: Vec::new(),
            outbox: Vec::new(),
            generation: 0,
            lint_tx,
            lint_rx,
        }
    }

    fn configure(&mut self, settings: &Value) {
        let v = settings.get("rights").unwrap_or(settings);
        if let Some(list) = v.get("data").and_then(Value::as_array) {
            let base = self.folders.first().cloned().unwrap_or_default();
            self.data = list
                .iter()
                .filter_map(Value::as_str)
                .map(|d| base.join(d))
                .collect();
            self.disk.forget();
            self.dirty = true;
        }
    }

    /// Analyses the current text (lint excepted: [`Server::settle`] starts it).
    fn analyse(&mut self) {
        if !self.watched {
            self.disk.forget();
        }
        let (inputs, problems) =
            analysis::gather(&self.folders, &self.open, &self.data, &mut self.disk);
        self.analysis = Analysis::build(&inputs, Some(&self.analysis), false);
        self.generation += 1;
        self.dirty = false;
        for p in problems {
            if !self.problems.contains(&p) {
                self.outbox.push(Notification::new(
                    "window/showMessage".into(),
                    ShowMessageParams {
                        typ: MessageType::WARNING,
                        message: format!("rights: {p}"),
                    },
                ));
                self.problems.push(p);
            }
        }
    }

    /// After an analysis: when lint has nothing to add, publish now; else
    /// lint on another thread (requests are answered meanwhile) and publish
    /// when it is done, so that findings do not flicker away while typing.
    fn settle(&mut self, conn: &Connection) {
        if self.analysis.linted {
            self.publish(conn);
            return;
        }
        let ws = self.analysis.ws.clone();
        let tx = self.lint_tx.clone();
        let generation = self.generation;
        std::thread::spawn(move || {
            // the receiver may be gone (the server stopped): nothing to do then
            let _ = tx.send((generation, Analysis::lint(&ws)));
        });
    }

    /// Lint's findings arrived: kept (and published) if they are of the
    /// current text.
    fn linted(
        &mut self,
        conn: &Connection,
        generation: u64,
        findings: Vec<crate::diag::Diagnostic>,
    ) {
        if generation != self.generation || self.dirty {
            return;
        }
        self.analysis.diagnostics = findings;
        self.analysis.linted = true;
        self.publish(conn);
    }

    fn publish(&mut self, conn: &Connection) {
        let by_file = diagnostics::all(&self.analysis, self.enc);
        let mut now = Vec::new();
        for (i, path) in self.analysis.paths.iter().enumerate() {
            let Some(uri) = path_to_uri(path) else {
                continue;
            };
            let list = by_file.get(&(i as u32)).cloned().unwrap_or_default();
            let n = Notification::new(
                "textDocument/publishDiagnostics".into(),
                PublishDiagnosticsParams {
                    uri,
                    diagnostics: list,
                    version: None,
                },
            );
            send(conn, Message::Notification(n));
            now.push(path.clone());
        }
        for gone in self.published.iter().filter(|p| !now.contains(p)) {
            if let Some(uri) = path_to_uri(gone) {
                let n = Notification::new(
                    "textDocument/publishDiagnostics".into(),
                    PublishDiagnosticsParams {
                        uri,
                        diagnostics: Vec::new(),
                        version: None,
                    },
                );
                send(conn, Message::Notification(n));
            }
        }
        self.published = now;
        for n in self.outbox.drain(..) {
            send(conn, Message::Notification(n));
        }
        // for clients and tests that wait for the complete diagnostics
        send(
            conn,
            Message::Notification(Notification::new(
                "$/rights/analysed".into(),
                json!({ "generation": self.generation }),
            )),
        );
    }

    fn notify(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    if let Some(path) = uri_to_path(&p.text_document.uri) {
                        self.open.insert(path, p.text_document.text);
                        self.dirty = true;
                    }
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    if let Some(path) = uri_to_path(&p.text_document.uri) {
                        let text = match self.open.remove(&path) {
                            Some(t) => t,
                            None => std::fs::read_to_string(&path).unwrap_or_default(),
                        };
                        let text = apply_changes(text, &p.content_changes, self.enc);
                        self.open.insert(path, text);
                        self.dirty = true;
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    if let Some(path) = uri_to_path(&p.text_document.uri) {
                        self.open.remove(&path);
                        // the disk has the last word again
                        self.disk.changed(&path);
                        self.dirty = true;
                    }
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) {
                    if let Some(path) = uri_to_path(&p.text_document.uri) {
                        self.disk.changed(&path);
                    }
                }
                self.dirty = true;
            }
            "workspace/didChangeWatchedFiles" => {
                match serde_json::from_value::<DidChangeWatchedFilesParams>(n.params) {
                    Ok(p) => {
                        for c in &p.changes {
                            match uri_to_path(&c.uri) {
                                Some(path) => self.disk.changed(&path),
                                None => self.disk.forget(),
                            }
                        }
                    }
                    Err(_) => self.disk.forget(),
                }
                self.dirty = true;
            }
            "workspace/didChangeConfiguration" => {
                if let Ok(p) = serde_json::from_value::<DidChangeConfigurationParams>(n.params) {
                    self.configure(&p.settings);
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                if let Ok(p) = serde_json::from_value::<DidChangeWorkspaceFoldersParams>(n.params) {
                    for f in &p.event.removed {
                        if let Some(path) = uri_to_path(&f.uri) {
                            self.folders.retain(|x| *x != path);
                        }
                    }
                    self.folders
                        .extend(p.event.added.iter().filter_map(|f| uri_to_path(&f.uri)));
                    self.disk.forget();
                    self.dirty = true;
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        match self.answer(req) {
            Ok(v) => Response::new_ok(id, v),
            Err(RequestError(code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn answer(&mut self, req: Request) -> Result<Value, RequestError> {
        // fixes for lint's findings need them: lint now if it has not finished
        if req.method == "textDocument/codeAction" && !self.analysis.linted {
            self.analysis.diagnostics = Analysis::lint(&self.analysis.ws);
            self.analysis.linted = true;
        }
        let a = &self.analysis;
        let enc = self.enc;
        let p = req.params;
        let v = match req.method.as_str() {
            "textDocument/hover" => json!(navigate::hover(a, enc, &params(p)?)),
            "textDocument/definition" => json!(navigate::definition(a, enc, &params(p)?)),
            "textDocument/references" => json!(navigate::references(a, enc, &params(p)?)),
            "textDocument/prepareRename" => json!(navigate::prepare_rename(a, enc, &params(p)?)?),
            "textDocument/rename" => json!(navigate::rename(a, enc, &params(p)?)?),
            "textDocument/completion" => json!(outline::completion(a, enc, &params(p)?)),
            "textDocument/documentSymbol" => json!(outline::document_symbols(a, enc, &params(p)?)),
            "workspace/symbol" => json!(outline::workspace_symbols(a, enc, &params(p)?)),
            "textDocument/semanticTokens/full" => {
                json!(outline::semantic_tokens(a, enc, &params(p)?))
            }
            "textDocument/foldingRange" => json!(outline::folding(a, enc, &params(p)?)),
            "textDocument/codeAction" => json!(edits::code_actions(a, enc, &params(p)?)),
            "textDocument/formatting" => json!(edits::format(a, enc, &params(p)?)?),
            "textDocument/rangeFormatting" => json!(edits::format_range(a, enc, &params(p)?)?),
            "textDocument/codeLens" => json!(lens::code_lens(a, enc, &params(p)?)),
            "workspace/executeCommand" => {
                let (v, note) = lens::execute(a, &params(p)?)?;
                if let Some(n) = note {
                    self.outbox.push(n);
                }
                v
            }
            lens::EXPLAIN => json!(lens::explain(a, enc, &params(p)?)?),
            m => {
                return Err(RequestError(
                    ErrorCode::MethodNotFound,
                    format!("rights lsp does not answer `{m}`"),
                ))
            }
        };
        Ok(v)
    }
}

/// A request that cannot be answered: its error code and message.
pub struct RequestError(pub ErrorCode, pub String);

impl RequestError {
    pub fn invalid(message: impl Into<String>) -> RequestError {
        RequestError(ErrorCode::InvalidParams, message.into())
    }
    pub fn failed(message: impl Into<String>) -> RequestError {
        RequestError(ErrorCode::RequestFailed, message.into())
    }
}

fn params<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, RequestError> {
    serde_json::from_value(v).map_err(|e| RequestError::invalid(format!("invalid parameters: {e}")))
}

/// A document's text after the editor's changes (a change without a range
/// replaces the whole text).
fn apply_changes(
    mut text: String,
    changes: &[TextDocumentContentChangeEvent],
    enc: Encoding,
) -> String {
    for c in changes {
        match c.range {
            None => text = c.text.clone(),
            Some(r) => {
                let start = convert::offset(&text, r.start, enc);
                let end = convert::offset(&text, r.end, enc).max(start);
                text.replace_range(start..end, &c.text);
            }
        }
    }
    text
}

/// The server without a client, for benchmarks: documents given as open
/// texts, requests answered in process (the handlers `rights lsp` runs).
/// Only with the `bench` feature, which the benchmarks turn on: it is not
/// part of the shipped library.
#[cfg(feature = "bench")]
pub struct InProcess {
    server: Server,
}

#[cfg(feature = "bench")]
impl InProcess {
    /// A server on `folder` with these texts open (UTF-16 positions).
    pub fn new(folder: PathBuf, open: Vec<(PathBuf, String)>, data: Vec<PathBuf>) -> InProcess {
        let mut server = Server::with(vec![folder], Encoding::Utf16);
        // as with an editor that watches files for the server (VS Code)
        server.watched = true;
        server.data = data;
        server.open = open.into_iter().collect();
        server.analyse();
        InProcess { server }
    }

    /// A keystroke's work: the new text analysed and its diagnostics made;
    /// returns how many diagnostics there are.
    pub fn change(&mut self, path: PathBuf, text: String) -> usize {
        self.server.open.insert(path, text);
        self.server.analyse();
        // the whole work, lint included, on this thread
        if !self.server.analysis.linted {
            let ws = self.server.analysis.ws.clone();
            self.server.analysis.diagnostics = Analysis::lint(&ws);
        }
        diagnostics::all(&self.server.analysis, self.server.enc)
            .values()
            .map(Vec::len)
            .sum()
    }

    /// One request's answer (or its error message).
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let req = Request::new(RequestId::from(1), method.to_string(), params);
        self.server.answer(req).map_err(|RequestError(_, m)| m)
    }
}
