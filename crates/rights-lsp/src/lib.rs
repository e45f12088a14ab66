//! `rights lsp`: the language server, over stdio (JSON-RPC through
//! `lsp-server`, the types of `lsp-types`). It serves projects found from
//! `rights.toml` as the command line finds them (one analysis each); the
//! editor's unsaved text wins over the disk. Diagnostics are `rights check` + `rights lint` + failed test
//! expectations, published after typing pauses (debounced); every request
//! is answered from an analysis of the current text.
//!
//! - `mod.rs`: the message loop, documents and when to analyse;
//! - `analysis.rs`: one analysis (workspace, diagnostics, index, tests);
//! - `worker.rs`: analyses on a thread of their own, stale ones given up;
//! - `schedule.rs`: when analyses start, and which requests wait for one;
//! - `projects.rs`: the projects served, the project of a document;
//! - `publish.rs`: lint on other threads, diagnostics published, refreshes;
//! - `documents.rs`: the editor's notifications (texts, files, settings);
//! - `capabilities.rs`: what the server tells the client it can do;
//! - `convert.rs`: positions and ranges;
//! - `diagnostics.rs`: diagnostics as the editor shows them;
//! - `navigate.rs`: hover, definition, references, rename;
//! - `outline.rs`: completion, symbols, semantic tokens, folding;
//! - `edits.rs`: code actions and formatting;
//! - `hints.rs`: inlay hints, document highlights, the type hierarchy of roles;
//! - `lens.rs`: test code lenses, commands and `rights/explain`.

#![forbid(unsafe_code)]

// the engine's and the tools' modules under their own names, as in every crate
use rights_engine::{diag, eval, ir, sema, source, syntax, testing, workspace};
use rights_tools::{complete, fmt, index, lint, project, words};

mod analysis;
mod capabilities;
mod convert;
mod diagnostics;
mod documents;
mod edits;
mod hints;
#[cfg(feature = "bench")]
mod in_process;
#[cfg(feature = "bench")]
pub use in_process::InProcess;
mod lens;
mod navigate;
mod outline;
mod projects;
mod publish;
mod schedule;
pub mod transport;
mod worker;

pub use analysis::{path_to_uri, uri_to_path};

use convert::Encoding;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::*;
use project::ProjectKey;
use projects::Projects;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

/// How long typing must pause before diagnostics are published.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// How often the disk is looked at for a client that cannot tell us of
/// changes to files (it does not watch them for us).
const DISK_POLL: Duration = Duration::from_secs(2);

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
    let mut caps = json!(capabilities::capabilities(enc));
    // not among lsp-types' fields yet
    caps["typeHierarchyProvider"] = json!(true);
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
    s.start_analysis(Some(conn));
    s.settle(conn);
    // after `shutdown`: requests refused, `exit` ends with 0 (without it, 1)
    let mut shutting_down = false;
    let code = |shutting_down: bool| if shutting_down { 0 } else { 1 };
    loop {
        // a message, lint's findings, (while the text is dirty) the end of
        // a pause in typing, or (for a client that watches no files) time
        // to look at the disk again
        let timeout = if s.dirty {
            DEBOUNCE
        } else if !s.watched {
            DISK_POLL
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
            recv(s.worker.done) -> f => {
                match f {
                    Ok(f) => {
                        s.finished(Some(conn), f);
                        s.settle(conn);
                        s.answer_waiting(conn);
                    }
                    Err(_) => s.worker_gone(conn),
                }
                continue;
            },
            default(timeout) => {
                // without a watching client, the disk is read again: only a
                // project whose texts changed is analysed again
                if s.dirty || !s.watched {
                    s.start_analysis(Some(conn));
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
                // a request after an edit: its analysis starts now (no pause)
                if s.dirty {
                    s.start_analysis(Some(conn));
                    s.settle(conn);
                }
                if s.answers_now(&req) {
                    s.handle(conn, req);
                } else {
                    // answered when its project's analysis is in; the loop
                    // goes on reading meanwhile
                    s.waiting.push(req);
                }
            }
            Message::Notification(n) if n.method == "exit" => return Ok(code(shutting_down)),
            Message::Notification(n) if n.method == "$/cancelRequest" => s.cancel(conn, &n),
            Message::Notification(n) => s.notify(n),
            Message::Response(_) => {}
        }
    }
}

/// A `$/progress` notification.
fn progress(conn: &Connection, token: &str, value: WorkDoneProgress) {
    let params = ProgressParams {
        token: NumberOrString::String(token.to_string()),
        value: ProgressParamsValue::WorkDone(value),
    };
    send(
        conn,
        Message::Notification(Notification::new("$/progress".into(), params)),
    );
}

fn send(conn: &Connection, m: Message) {
    // a client gone away ends the loop at the next receive
    let _ = conn.sender.send(m);
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
    /// The client takes versioned `documentChanges` in a workspace edit.
    document_changes: bool,
    /// The client shows document symbols as a tree.
    nested_symbols: bool,
    /// What the client asks again for when told (`workspace/codeLens/refresh`,
    /// `workspace/semanticTokens/refresh`): lenses and tokens of documents
    /// other than the one edited change with an analysis.
    refresh: Vec<&'static str>,
    /// The client shows progress (`window.workDoneProgress`).
    shows_progress: bool,
    /// How long the last analysis took, and from how long progress is shown.
    last_analysis: Duration,
    progress_after: Duration,
    /// Numbers the requests the server sends.
    requests_sent: u64,
    /// Open documents by path: the version the editor gave their text.
    versions: HashMap<PathBuf, i32>,
    projects: Projects,
    /// Analyses whose lint runs on another thread, by generation.
    linting: HashSet<u64>,
    /// An analysis was made whose completion `$/rights/analysed` has not yet
    /// announced (a look at an unchanged disk announces nothing).
    announce: bool,
    /// Per project, the analysis whose diagnostics were last published.
    shown: HashMap<ProjectKey, u64>,
    /// Documents opened or closed since diagnostics were last published:
    /// theirs are published again (with the document's version).
    reshow: HashSet<PathBuf>,
    /// The text changed since the last analysis.
    dirty: bool,
    /// Files diagnostics were last published for (to clear them).
    published: Vec<PathBuf>,
    /// Problems with the configuration, shown once each.
    problems: Vec<String>,
    outbox: Vec<Notification>,
    lint_tx: crossbeam_channel::Sender<(u64, Vec<crate::diag::Diagnostic>)>,
    lint_rx: crossbeam_channel::Receiver<(u64, Vec<crate::diag::Diagnostic>)>,
    /// Where analyses are made.
    worker: worker::Worker,
    /// How many times the worker's thread was found gone.
    worker_deaths: u32,
    /// Requests about a project being analysed, in the order they came.
    waiting: Vec<Request>,
    /// The progress shown for the analysis running.
    progress: Option<String>,
}

impl Server {
    fn new(init: &InitializeParams, enc: Encoding) -> Server {
        let mut folders: Vec<PathBuf> = init
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| analysis::uri_to_file_path(&f.uri))
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            if let Some(p) = init.root_uri.as_ref().and_then(analysis::uri_to_file_path) {
                folders.push(p);
            }
        }
        let mut s = Server::with(folders, enc);
        s.document_changes = init
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false);
        let ws = init.capabilities.workspace.as_ref();
        if ws
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false)
        {
            s.refresh.push("workspace/codeLens/refresh");
        }
        if ws
            .and_then(|w| w.semantic_tokens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false)
        {
            s.refresh.push("workspace/semanticTokens/refresh");
        }
        s.shows_progress = init
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        s.nested_symbols = init
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.document_symbol.as_ref())
            .and_then(|d| d.hierarchical_document_symbol_support)
            .unwrap_or(false);
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
            document_changes: false,
            nested_symbols: false,
            refresh: Vec::new(),
            requests_sent: 0,
            shows_progress: false,
            last_analysis: Duration::ZERO,
            progress_after: Duration::from_millis(500),
            versions: HashMap::new(),
            projects: Projects::default(),
            linting: HashSet::new(),
            shown: HashMap::new(),
            announce: true,
            reshow: HashSet::new(),
            dirty: true,
            published: Vec::new(),
            problems: Vec::new(),
            outbox: Vec::new(),
            lint_tx,
            lint_rx,
            worker: worker::Worker::spawn(),
            worker_deaths: 0,
            waiting: Vec::new(),
            progress: None,
        }
    }

    /// Sends the notifications made while handling a message.
    fn flush_outbox(&mut self, conn: &Connection) {
        for n in self.outbox.drain(..) {
            send(conn, Message::Notification(n));
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
        if let Some(ms) = v.get("progressAfterMs").and_then(Value::as_u64) {
            self.progress_after = Duration::from_millis(ms);
        }
    }

    /// Analyses the current text of every project whose texts changed, on
    /// this thread (lint excepted): for benchmarks, which time the work.
    #[cfg(feature = "bench")]
    fn analyse(&mut self) {
        let (now, _) = analysis::gather(&self.folders, &self.open, &self.data, &mut self.disk);
        let builds = self.projects.plan(now);
        let never = std::sync::atomic::AtomicBool::new(false);
        let built = builds
            .into_iter()
            .filter_map(|b| {
                let a = analysis::Analysis::build(&b.inputs, b.previous, &never).ok()?;
                Some((b.key, a))
            })
            .collect();
        self.projects.install(built);
        self.dirty = false;
    }

    /// Formats on a thread of its own and answers from there: other
    /// requests are answered meanwhile (the client drops edits for a text
    /// changed since).
    fn format_later(&self, conn: &Connection, req: Request) {
        let id = req.id.clone();
        let job = self.formatting(req);
        let sender = conn.sender.clone();
        std::thread::spawn(move || {
            // the client may be gone: nothing to do then
            let _ = sender.send(Message::Response(respond(id, job)));
        });
    }

    /// A formatting request's work, apart from the server (a snapshot of
    /// the document): `null` for a document that is not a policy file.
    fn formatting(&self, req: Request) -> impl FnOnce() -> Result<Value, RequestError> + Send {
        let uri = request_uri(&req);
        let doc = uri
            .as_ref()
            .and_then(|u| edits::ToFormat::of(self.projects.for_uri(Some(u)), u));
        let enc = self.enc;
        move || {
            let Some(doc) = doc else {
                return Ok(Value::Null);
            };
            Ok(match req.method.as_str() {
                "textDocument/formatting" => json!(edits::format(&doc, enc, &params(req.params)?)?),
                _ => json!(edits::format_range(&doc, enc, &params(req.params)?)?),
            })
        }
    }

    fn answer(&mut self, req: Request) -> Result<Value, RequestError> {
        // the project that answers: the document's
        let uri = request_uri(&req);
        let enc = self.enc;
        if matches!(
            req.method.as_str(),
            "textDocument/formatting" | "textDocument/rangeFormatting"
        ) {
            // (the message loop runs it on a thread of its own)
            return self.formatting(req)();
        }
        if req.method == "workspace/symbol" {
            let p: WorkspaceSymbolParams = params(req.params)?;
            let mut all = Vec::new();
            for s in &self.projects.list {
                all.extend(outline::workspace_symbols(&s.analysis, enc, &p));
            }
            all.sort_by_key(|(rank, _)| *rank);
            all.truncate(outline::MOST_SYMBOLS);
            let all: Vec<SymbolInformation> = all.into_iter().map(|(_, s)| s).collect();
            return Ok(json!(all));
        }
        // fixes for lint's findings need them: lint now if it has not finished
        if req.method == "textDocument/codeAction" {
            let i = uri
                .as_ref()
                .and_then(uri_to_path)
                .and_then(|p| self.projects.of_path(&p));
            if let Some(s) = i.and_then(|i| self.projects.list.get_mut(i)) {
                s.analysis.lint_now();
            }
        }
        let a = self.projects.for_uri(uri.as_ref());
        let p = req.params;
        let v = match req.method.as_str() {
            "textDocument/hover" => json!(navigate::hover(a, enc, &params(p)?)),
            "textDocument/definition" => json!(navigate::definition(a, enc, &params(p)?)),
            "textDocument/references" => json!(navigate::references(a, enc, &params(p)?)),
            "textDocument/prepareRename" => json!(navigate::prepare_rename(a, enc, &params(p)?)?),
            "textDocument/rename" => {
                let versions = self.document_changes.then_some(&self.versions);
                json!(navigate::rename(a, enc, &params(p)?, versions)?)
            }
            "textDocument/completion" => {
                let p: CompletionParams = params(p)?;
                json!(self.complete(&p))
            }
            "textDocument/documentSymbol" => {
                json!(outline::document_symbols(
                    a,
                    enc,
                    &params(p)?,
                    self.nested_symbols
                ))
            }
            "textDocument/semanticTokens/full" => {
                json!(outline::semantic_tokens(a, enc, &params(p)?))
            }
            "textDocument/foldingRange" => json!(outline::folding(a, enc, &params(p)?)),
            "textDocument/codeAction" => json!(edits::code_actions(a, enc, &params(p)?)),
            "textDocument/codeLens" => json!(lens::code_lens(a, enc, &params(p)?)),
            "workspace/executeCommand" => {
                let (v, note) = lens::execute(a, enc, &params(p)?)?;
                if let Some(n) = note {
                    self.outbox.push(n);
                }
                v
            }
            lens::EXPLAIN => json!(lens::explain(a, enc, &params(p)?)?),
            "textDocument/inlayHint" => json!(hints::inlay_hints(a, enc, &params(p)?)),
            "textDocument/documentHighlight" => json!(hints::highlights(a, enc, &params(p)?)),
            "textDocument/prepareTypeHierarchy" => json!(hints::prepare(a, enc, &params(p)?)),
            "typeHierarchy/supertypes" | "typeHierarchy/subtypes" => {
                let up = req.method == "typeHierarchy/supertypes";
                let item: TypeHierarchyItem = params::<Value>(p)?
                    .get("item")
                    .cloned()
                    .ok_or_else(|| RequestError::invalid("no `item`"))
                    .and_then(params)?;
                json!(hints::related(a, enc, &item, up))
            }
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

/// The document a request is about (a command's second argument is the
/// document of its lens).
fn request_uri(req: &Request) -> Option<Uri> {
    req.params
        .get("textDocument")
        .and_then(|d| d.get("uri"))
        .or_else(|| req.params.get("arguments").and_then(|a| a.get(1)))
        .and_then(Value::as_str)
        .and_then(|u| u.parse().ok())
}

/// The response to a request: its answer, its error, or (a bug in a
/// handler) an internal error; the server and the editor's session go on.
fn respond(id: RequestId, answer: impl FnOnce() -> Result<Value, RequestError>) -> Response {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(answer)) {
        Ok(Ok(v)) => Response::new_ok(id, v),
        Ok(Err(RequestError(code, message))) => Response::new_err(id, code as i32, message),
        Err(_) => Response::new_err(
            id,
            ErrorCode::InternalError as i32,
            "internal error in rights lsp (this is a bug; please report it)".into(),
        ),
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

#[cfg(test)]
mod tests;
