//! The routes, each answered as JSON (`/metrics` as Prometheus text):
//!
//! - `POST /v1/can` — one question, the JSON request `rights query --input
//!   json` reads; the answer as `rights query --format json` gives it
//!   (`?explain=true`: with fixes; `?brief=true`: the decision only);
//! - `POST /v1/batch` — many: a JSON array of requests, or JSON Lines; the
//!   answers in order (`{"answers": [...]}`), a request in error answered
//!   by its error;
//! - `POST /v1/query` — any query in the language's text (`{"query": "…"}`
//!   or the text itself);
//! - `GET /v1/policy`, `GET /health`, `GET /metrics`.
//!
//! Errors: `{"error": {"code", "message", "diagnostics"?}}` with 400 (a bad
//! request), 401 (no token), 404 (an unknown name: the message says "did
//! you mean"; or an unknown route), 405, 413 (a body past the limit).

use crate::batch::{self, one_line, Request, RequestShapes};
use crate::decisions::Log;
use crate::diag::{self, Code, Diagnostic};
use crate::loaded::{Loaded, Served};
use crate::metrics::Metrics;
use crate::sema::model::Question;
use crate::words::{JsonIndex, Words};
use crate::workspace::Workspace;
use serde_json::{json, Value};
use std::io::Read;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// What every request thread shares.
pub struct State {
    pub served: Arc<Served>,
    pub metrics: Metrics,
    pub token: Option<String>,
    pub max_body: usize,
    pub log: Option<Log>,
    /// Whether `/` serves the playground.
    pub playground: bool,
    /// How long a request's body may take to arrive.
    pub body_time: std::time::Duration,
}

/// A response about to be written.
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

const JSON: &str = "application/json";

impl Reply {
    pub fn ok(body: String) -> Reply {
        Reply {
            status: 200,
            content_type: JSON,
            body,
        }
    }

    pub fn error(status: u16, code: &str, message: impl Into<String>) -> Reply {
        let body = json!({ "error": { "code": code, "message": message.into() } });
        Reply {
            status,
            content_type: JSON,
            body: body.to_string(),
        }
    }
}

/// How a question is to be answered (`?explain=true`, `?brief=true`).
#[derive(Clone, Copy, Default)]
struct Flags {
    explain: bool,
    brief: bool,
}

impl Flags {
    fn of(query: &str) -> Flags {
        let mut f = Flags::default();
        for pair in query.split('&') {
            match pair {
                "explain=true" | "explain=1" | "explain" => f.explain = true,
                "brief=true" | "brief=1" | "brief" => f.brief = true,
                _ => {}
            }
        }
        f
    }
}

/// Answers one request on this thread.
pub fn handle(state: &State, rq: tiny_http::Request) {
    let started = Instant::now();
    let url = rq.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let route = crate::metrics::ROUTES
        .iter()
        .find(|r| **r == path)
        .copied()
        .unwrap_or("other");
    // the body is read on a thread of its own, in `body_time`: a client
    // that sends it slowly does not hold a thread of the pool
    let (rq, body) = if *rq.method() == tiny_http::Method::Post {
        match read_body(rq, state.max_body, state.body_time) {
            BodyRead::Done(rq, body) => (*rq, body),
            BodyRead::TimedOut => {
                state.metrics.request(route, 408, started.elapsed());
                return;
            }
        }
    } else {
        (rq, Ok(String::new()))
    };
    // a bug in a handler: an internal error for this request, and the
    // thread goes on serving
    let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        route_request(state, &rq, path, query, body, started)
    }))
    .unwrap_or_else(|_| {
        Reply::error(
            500,
            "internal",
            "internal error in rights serve (this is a bug; please report it)",
        )
    });
    let status = reply.status;
    let mut response = tiny_http::Response::from_string(reply.body).with_status_code(status);
    if let Ok(h) = tiny_http::Header::from_bytes("Content-Type", reply.content_type) {
        response = response.with_header(h);
    }
    // the client may be gone: nothing to do then
    let _ = rq.respond(response);
    state.metrics.request(route, status, started.elapsed());
}

fn route_request(
    state: &State,
    rq: &tiny_http::Request,
    path: &str,
    query: &str,
    body: Result<String, Reply>,
    started: Instant,
) -> Reply {
    use tiny_http::Method::{Get, Post};
    if path.starts_with("/v1/") && !authorized(state, rq) {
        return Reply::error(
            401,
            "unauthorized",
            "this server asks for a token: send `Authorization: Bearer TOKEN`",
        );
    }
    let method = rq.method().clone();
    let loaded = state.served.current();
    match (path, &method) {
        ("/v1/can", Post) => match body {
            Ok(text) => can(state, &loaded, &text, Flags::of(query), started),
            Err(r) => r,
        },
        ("/v1/batch", Post) => match body {
            Ok(text) => many(state, &loaded, &text, Flags::of(query), started),
            Err(r) => r,
        },
        ("/v1/query", Post) => match body {
            Ok(text) => text_query(&loaded.ws, Some(&loaded.json_index), &text),
            Err(r) => r,
        },
        ("/", Get) if state.playground => crate::playground::page(),
        ("/v1/files", Get) => crate::playground::files(&loaded),
        ("/v1/complete", Post) => match body {
            Ok(text) => crate::playground::complete(&loaded, &text),
            Err(r) => r,
        },
        ("/v1/scratch", Post) => match body {
            Ok(text) => crate::playground::scratch(&loaded, &text),
            Err(r) => r,
        },
        ("/v1/policy", Get) => Reply::ok(state.served.describe().to_string()),
        ("/health", Get) => Reply::ok(json!({ "status": "ready", "revision": loaded.revision }).to_string()),
        ("/metrics", Get) => Reply {
            status: 200,
            content_type: "text/plain; version=0.0.4; charset=utf-8",
            body: state.metrics.text(&loaded.revision, state.served.reloads()),
        },
        ("/v1/can" | "/v1/batch" | "/v1/query" | "/v1/complete" | "/v1/scratch", _) => {
            Reply::error(405, "method_not_allowed", format!("{path} takes POST"))
        }
        ("/v1/policy" | "/v1/files" | "/health" | "/metrics", _) => {
            Reply::error(405, "method_not_allowed", format!("{path} takes GET"))
        }
        _ => Reply::error(
            404,
            "not_found",
            format!(
                "no route {method} {path}: the routes are POST /v1/can, POST /v1/batch, POST /v1/query, GET /v1/policy, GET /health, GET /metrics, and the playground's: GET /, GET /v1/files, POST /v1/complete, POST /v1/scratch"
            ),
        ),
    }
}

/// Whether the request carries the token (when one is asked for).
fn authorized(state: &State, rq: &tiny_http::Request) -> bool {
    let Some(token) = &state.token else {
        return true;
    };
    let want = format!("Bearer {token}");
    rq.headers()
        .iter()
        .filter(|h| h.field.equiv("Authorization"))
        .any(|h| same(h.value.as_str().as_bytes(), want.as_bytes()))
}

/// Compares in a time that does not depend on where the texts differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A body read, or given up on.
enum BodyRead {
    Done(Box<tiny_http::Request>, Result<String, Reply>),
    /// Not all there in time: the reading thread keeps the
    /// request, and lets it go (unanswered) when the client sends the rest
    /// or goes away.
    TimedOut,
}

/// Bodies up to this size (announced by `Content-Length`) are read by the
/// HTTP layer (`tiny_http`) before the request is handed over.
const SMALL_BODY: usize = 1024;

fn read_body(mut rq: tiny_http::Request, max: usize, time: std::time::Duration) -> BodyRead {
    // refused unread; or (up to 1 KiB announced, without `Expect`) already
    // read by the HTTP layer, which holds such bodies in memory: no thread
    let expects = rq.headers().iter().any(|h| h.field.equiv("Expect"));
    let in_memory = rq.body_length().is_some_and(|n| n <= SMALL_BODY) && !expects;
    if in_memory || rq.body_length().is_some_and(|n| n > max) {
        let r = body(&mut rq, max);
        return BodyRead::Done(Box::new(rq), r);
    }
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    std::thread::spawn(move || {
        let r = body(&mut rq, max);
        // the handler may have given up: nothing to do then
        let _ = tx.send((rq, r));
    });
    match rx.recv_timeout(time) {
        Ok((rq, r)) => BodyRead::Done(Box::new(rq), r),
        Err(_) => BodyRead::TimedOut,
    }
}

/// The request's body as text, at most `max` bytes.
fn body(rq: &mut tiny_http::Request, max: usize) -> Result<String, Reply> {
    let too_big = || {
        Reply::error(
            413,
            "too_large",
            format!("the body is over {max} bytes (`rights serve --max-body` sets the limit)"),
        )
    };
    if rq.body_length().is_some_and(|n| n > max) {
        return Err(too_big());
    }
    let mut buf = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    if let Err(e) = rq.as_reader().take(limit).read_to_end(&mut buf) {
        return Err(Reply::error(
            400,
            "bad_request",
            format!("the body could not be read: {e}"),
        ));
    }
    if buf.len() > max {
        return Err(too_big());
    }
    String::from_utf8(buf).map_err(|_| Reply::error(400, "bad_request", "the body is not UTF-8"))
}

/// The status and code of a question's mistakes: 404 when a name is
/// unknown, else 400.
fn refused(ds: &[Diagnostic], detail: Vec<Value>) -> Reply {
    let unknown = ds.iter().any(|d| d.code == Code::UnknownName);
    let (status, code) = if unknown {
        (404, "unknown_name")
    } else {
        (400, "bad_request")
    };
    let body = json!({ "error": { "code": code, "message": one_line(ds), "diagnostics": detail } });
    Reply {
        status,
        content_type: JSON,
        body: body.to_string(),
    }
}

/// A request's diagnostics as the API lists them (no place: a JSON request
/// is not a text with lines).
fn listed(ds: &[Diagnostic]) -> Vec<Value> {
    ds.iter()
        .map(|d| json!({ "code": d.code.as_str(), "message": d.message, "help": d.help }))
        .collect()
}

/// One JSON request answered: the answer's JSON text, or its error.
fn answer_one(
    state: &State,
    loaded: &Loaded,
    (text, shapes): (&str, Option<&mut RequestShapes>),
    flags: Flags,
    started: Instant,
) -> Result<String, Reply> {
    let text = text.trim();
    // a batch's lines of a shape seen before are read without a parse
    let known = shapes.and_then(|s| s.request(text));
    let r = match known {
        Some(r) => r,
        None => batch::parse_request(text).map_err(|e| Reply::error(400, "bad_request", e))?,
    };
    let Some(program) = loaded.ws.program() else {
        return Err(Reply::error(
            500,
            "internal",
            "the policy served did not compile",
        ));
    };
    let (q, when) = r.resolve(program).map_err(|ds| refused(&ds, listed(&ds)))?;
    let program = program.at(when);
    let allowed = program.can(&q);
    state.metrics.decision(allowed);
    let decision = if allowed { "allow" } else { "deny" };
    let out = if flags.brief {
        format!("{{\"decision\":\"{decision}\"}}")
    } else {
        let words = Words::new(&program, &loaded.ws.sources).with_json_index(&loaded.json_index);
        let question = if r.explain || flags.explain {
            Question::Explain(q)
        } else {
            Question::Can(q)
        };
        let mut out = String::with_capacity(1024);
        words.write_json(&program.answer(&question), &r.text(), &mut out);
        out
    };
    if state.log.is_some() {
        // the context facts the decision rests on (break-glass use)
        let relies_on: Vec<String> = if allowed && !r.with.is_empty() {
            program
                .explain(&q)
                .relies_on
                .iter()
                .map(|&c| program.policy.context(c).meta.name.clone())
                .collect()
        } else {
            Vec::new()
        };
        log(state, loaded, &r, text, (decision, &relies_on), started);
    }
    Ok(out)
}

/// A decision's line in the log, if there is one.
fn log(
    state: &State,
    loaded: &Loaded,
    r: &Request,
    text: &str,
    (decision, relies_on): (&str, &[String]),
    started: Instant,
) {
    let Some(log) = &state.log else {
        return;
    };
    let time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let line = json!({
        "time_ms": time,
        "query": r.text(),
        "request": serde_json::from_str::<Value>(text).unwrap_or(Value::Null),
        "decision": decision,
        "revision": loaded.revision,
        "with": r.with,
        "relies_on": relies_on,
        "latency_us": started.elapsed().as_micros() as u64,
    });
    if !log.write(line) {
        state.metrics.log_dropped.fetch_add(1, Ordering::Relaxed);
    }
}

fn can(state: &State, loaded: &Loaded, text: &str, flags: Flags, started: Instant) -> Reply {
    match answer_one(state, loaded, (text, None), flags, started) {
        Ok(body) => Reply::ok(body),
        Err(r) => r,
    }
}

/// `/v1/batch`: a JSON array of requests, or one request per line.
fn many(state: &State, loaded: &Loaded, text: &str, flags: Flags, started: Instant) -> Reply {
    let array: Vec<&serde_json::value::RawValue>;
    let items: Vec<&str> = if text.trim_start().starts_with('[') {
        array = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                return Reply::error(
                    400,
                    "bad_request",
                    format!("not a JSON array of requests: {e}"),
                )
            }
        };
        array.iter().map(|r| r.get()).collect()
    } else {
        text.lines().filter(|l| !l.trim().is_empty()).collect()
    };
    let mut shapes = RequestShapes::default();
    let mut out = String::with_capacity(items.len() * 24 + 16);
    out.push_str("{\"answers\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match answer_one(state, loaded, (item, Some(&mut shapes)), flags, started) {
            Ok(a) => out.push_str(&a),
            Err(r) => out.push_str(&r.body),
        }
    }
    out.push_str("]}");
    Reply::ok(out)
}

/// `/v1/query`: a query in the language's text, answered as `rights query
/// --format json` answers it (by the policy served, or a scratch copy).
pub(crate) fn text_query(ws: &Workspace, index: Option<&JsonIndex>, body: &str) -> Reply {
    let text = if body.trim_start().starts_with('{') {
        match serde_json::from_str::<Value>(body) {
            Ok(v) => match v.get("query").and_then(Value::as_str) {
                Some(q) => q.to_string(),
                None => {
                    return Reply::error(
                        400,
                        "bad_request",
                        "send {\"query\": \"…\"} or the query's text",
                    )
                }
            },
            Err(e) => return Reply::error(400, "bad_request", format!("not JSON: {e}")),
        }
    } else {
        body.trim().to_string()
    };
    let asked = match ws.resolve_query(&text, "<query>") {
        Ok(a) => a,
        Err(f) => {
            let detail = f
                .diagnostics
                .iter()
                .filter_map(|d| serde_json::to_value(diag::to_json(d, &f.sources)).ok())
                .collect();
            return refused(&f.diagnostics, detail);
        }
    };
    let Some(program) = ws.program() else {
        return Reply::error(500, "internal", "the policy served did not compile");
    };
    let program = program.at(asked.when);
    let words = Words::new(&program, &ws.sources);
    let words = match index {
        Some(i) => words.with_json_index(i),
        None => words,
    };
    let mut out = String::with_capacity(1024);
    words.write_json(&program.answer(&asked.question), &text, &mut out);
    Reply::ok(out)
}
