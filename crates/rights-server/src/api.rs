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
use crate::words::Words;
use crate::workspace::Workspace;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde_json::{json, Value};
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

/// The methods the routes tell apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    Get,
    Post,
    Other,
}
use How::{Get, Other, Post};

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

/// A request as the routes read it: its method, and the body (read whole,
/// or the reply that refuses it).
pub(crate) struct Asked {
    post: bool,
    get: bool,
    method: String,
    body: Result<String, Reply>,
}

/// Answers one request (on the connection's task).
pub async fn handle(
    state: Arc<State>,
    rq: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, std::convert::Infallible> {
    let started = Instant::now();
    let path = rq.uri().path().to_string();
    let query = rq.uri().query().unwrap_or("").to_string();
    let route = crate::metrics::ROUTES
        .iter()
        .find(|r| **r == path)
        .copied()
        .unwrap_or("other");
    let method = rq.method().clone();
    // the token first: a caller without it costs no body read
    let authorization = rq
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if path.starts_with("/v1/") && !authorized(&state, authorization) {
        let reply = Reply::error(
            401,
            "unauthorized",
            "this server asks for a token: send `Authorization: Bearer TOKEN`",
        );
        return Ok(respond(&state, route, reply, started));
    }
    let body = if method == hyper::Method::POST {
        read_body(rq, state.max_body, state.body_time).await
    } else {
        Ok(String::new())
    };
    let asked = Asked {
        post: method == hyper::Method::POST,
        get: method == hyper::Method::GET,
        method: method.to_string(),
        body,
    };
    // a bug in a handler: an internal error for this request, and the
    // server goes on
    let bug = || {
        Reply::error(
            500,
            "internal",
            "internal error in rights serve (this is a bug; please report it)",
        )
    };
    // a question answers in microseconds on this task; a text query (`where
    // can` over large data), a batch, a scratch policy or a question
    // explained (its fixes searched) may take longer, and runs where it
    // holds up no connection
    let explained = path == "/v1/can"
        && (Flags::of(&query).explain || asked.body.as_ref().is_ok_and(|b| asks_explain(b)));
    let long = explained || matches!(path.as_str(), "/v1/query" | "/v1/batch" | "/v1/scratch");
    let answer = {
        let state = state.clone();
        move || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                route_request(&state, asked, &path, &query, started)
            }))
        }
    };
    let reply = if long {
        match tokio::task::spawn_blocking(answer).await {
            Ok(Ok(reply)) => reply,
            _ => bug(),
        }
    } else {
        answer().unwrap_or_else(|_| bug())
    };
    Ok(respond(&state, route, reply, started))
}

/// Whether a `/v1/can` body asks for an explanation: its `explain` member
/// is `true`. Read as JSON where it may say so (a user named `explain` is
/// not asking, a key written `"expl\u0061in"` is: only a `\u` escape can
/// spell it otherwise); most bodies say nothing of it and are not parsed here.
fn asks_explain(body: &str) -> bool {
    (body.contains("\"explain\"") || body.contains("\\u"))
        && serde_json::from_str::<Value>(body.trim())
            .is_ok_and(|v| v.get("explain").and_then(Value::as_bool) == Some(true))
}

/// A reply as the HTTP response, counted in the metrics.
fn respond(
    state: &State,
    route: &'static str,
    reply: Reply,
    started: Instant,
) -> hyper::Response<Full<Bytes>> {
    let status = reply.status;
    state.metrics.request(route, status, started.elapsed());
    let mut response = hyper::Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(reply.content_type),
    );
    response
}

fn route_request(state: &State, asked: Asked, path: &str, query: &str, started: Instant) -> Reply {
    let (method, body) = (asked.method, asked.body);
    let loaded = state.served.current();
    let how = if asked.post {
        Post
    } else if asked.get {
        Get
    } else {
        Other
    };
    match (path, how) {
        ("/v1/can", Post) => match body {
            Ok(text) => can(state, &loaded, &text, Flags::of(query), started),
            Err(r) => r,
        },
        ("/v1/batch", Post) => match body {
            Ok(text) => many(state, &loaded, &text, Flags::of(query), started),
            Err(r) => r,
        },
        ("/v1/query", Post) => match body {
            Ok(text) => text_query(&loaded.ws, &text),
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
        ("/health", Get) => {
            Reply::ok(json!({ "status": "ready", "revision": loaded.revision }).to_string())
        }
        ("/metrics", Get) => Reply {
            status: 200,
            content_type: "text/plain; version=0.0.4; charset=utf-8",
            body: state.metrics.text(&loaded.revision, state.served.reloads()),
        },
        _ => match crate::routes::ROUTES
            .iter()
            .find(|r| r.path == path && (state.playground || r.path != "/"))
        {
            Some(r) => Reply::error(
                405,
                "method_not_allowed",
                format!("{path} takes {}", r.method),
            ),
            None => Reply::error(
                404,
                "not_found",
                format!("no route {method} {path}: {}", crate::routes::route_list()),
            ),
        },
    }
}

/// Whether the request carries the token (when one is asked for).
fn authorized(state: &State, authorization: Option<&str>) -> bool {
    let Some(token) = &state.token else {
        return true;
    };
    authorization
        .and_then(|a| a.strip_prefix("Bearer "))
        .is_some_and(|given| same(given.as_bytes(), token.as_bytes()))
}

/// Compares in a time that does not depend on where the texts differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The request's body as text: at most `max` bytes, all there within
/// `time` (a client sending it slowly is answered 408 and holds nothing).
async fn read_body(
    rq: hyper::Request<hyper::body::Incoming>,
    max: usize,
    time: std::time::Duration,
) -> Result<String, Reply> {
    let too_big = || {
        Reply::error(
            413,
            "too_large",
            format!("the body is over {max} bytes (`rights serve --max-body` sets the limit)"),
        )
    };
    let announced = rq
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > max as u64) {
        return Err(too_big());
    }
    let limited = http_body_util::Limited::new(rq.into_body(), max);
    match tokio::time::timeout(time, limited.collect()).await {
        Err(_) => Err(Reply::error(
            408,
            "timeout",
            "the body did not arrive in time (`rights serve --body-timeout-ms`)",
        )),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_big()),
        Ok(Err(e)) => Err(Reply::error(
            400,
            "bad_request",
            format!("the body could not be read: {e}"),
        )),
        Ok(Ok(collected)) => String::from_utf8(collected.to_bytes().to_vec())
            .map_err(|_| Reply::error(400, "bad_request", "the body is not UTF-8")),
    }
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

/// Diagnostics as every route lists them: `rights check --format json`'s
/// objects (a JSON request's have no file or line: it is not a text).
pub(crate) fn diagnostics_json<'d>(
    ds: impl IntoIterator<Item = &'d Diagnostic>,
    sources: &crate::source::SourceMap,
) -> Vec<Value> {
    ds.into_iter()
        .filter_map(|d| serde_json::to_value(diag::to_json(d, sources)).ok())
        .collect()
}

/// One JSON request answered: the answer's JSON text, or its error.
fn answer_one(
    state: &State,
    loaded: &Loaded,
    words: &Words,
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
    let base = words.program;
    let (q, when) = r.resolve(base).map_err(|ds| {
        let detail = diagnostics_json(&ds, &crate::source::SourceMap::new());
        refused(&ds, detail)
    })?;
    let program = base.at(when);
    // the decision is taken once: by the answer with its reasons, or alone
    let (allowed, out, relies_on) = if flags.brief {
        let allowed = program.can(&q);
        let decision = if allowed { "allow" } else { "deny" };
        // the context facts an allowed decision rests on, for the log only
        let relies_on = if state.log.is_some() && allowed && !r.with.is_empty() {
            program.relies_on(&q)
        } else {
            Vec::new()
        };
        (
            allowed,
            format!("{{\"decision\":\"{decision}\"}}"),
            relies_on,
        )
    } else {
        let question = if r.explain || flags.explain {
            Question::Explain(q)
        } else {
            Question::Can(q)
        };
        let answer = program.answer(&question);
        let mut out = String::with_capacity(1024);
        // the words of the program answering: a window is worded as of the
        // day asked about
        if std::ptr::eq(&*program, base) {
            words.write_json(&answer, &r.text(), &mut out);
        } else {
            Words::new(&program, &loaded.ws.sources).write_json(&answer, &r.text(), &mut out);
        }
        let (allowed, relies_on) = answer.decision().unwrap_or((false, &[]));
        (allowed, out, relies_on.to_vec())
    };
    state.metrics.decision(allowed);
    if let Some(log) = &state.log {
        let decision = if allowed { "allow" } else { "deny" };
        let relies_on: Vec<String> = relies_on
            .iter()
            .map(|&c| program.policy.context(c).meta.name.clone())
            .collect();
        write_log(
            state,
            log,
            loaded,
            &r,
            text,
            (decision, &relies_on),
            started,
        );
    }
    Ok(out)
}

/// A decision's line in the log.
fn write_log(
    state: &State,
    log: &Log,
    loaded: &Loaded,
    r: &Request,
    text: &str,
    (decision, relies_on): (&str, &[String]),
    started: Instant,
) {
    let time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let latency = started.elapsed().as_micros() as u64;
    // written as text here, the members in the order they always had: the
    // request as it was sent, when it is JSON on one line (a request spread
    // over lines, in a batch's array, is written compact)
    let request = logged_request(text);
    let string = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "null".into());
    let line = format!(
        "{{\"decision\":{},\"latency_us\":{latency},\"query\":{},\"relies_on\":{},\"request\":{request},\"revision\":{},\"time_ms\":{time},\"with\":{}}}",
        string(decision),
        string(&r.text()),
        serde_json::to_string(relies_on).unwrap_or_else(|_| "[]".into()),
        string(&loaded.revision),
        serde_json::to_string(&r.with).unwrap_or_else(|_| "[]".into()),
    );
    if !log.write(line) {
        state.metrics.log_dropped.fetch_add(1, Ordering::Relaxed);
    }
}

/// A request as the decision log writes it: as it was sent when that is
/// JSON on one line, else compact (one line: the log is JSON Lines).
fn logged_request(text: &str) -> String {
    match serde_json::value::RawValue::from_string(text.trim().to_string()) {
        Ok(raw) if !raw.get().contains(['\n', '\r']) => raw.get().to_string(),
        _ => serde_json::from_str::<Value>(text).map_or_else(|_| "null".into(), |v| v.to_string()),
    }
}

/// The words of the program served, for one request's answers (a batch's
/// share what they worded).
fn words_of(loaded: &Loaded) -> Result<Words<'_>, Reply> {
    match loaded.ws.program() {
        Some(p) => Ok(Words::new(p, &loaded.ws.sources)),
        None => Err(Reply::error(
            500,
            "internal",
            "the policy served did not compile",
        )),
    }
}

fn can(state: &State, loaded: &Loaded, text: &str, flags: Flags, started: Instant) -> Reply {
    let words = match words_of(loaded) {
        Ok(w) => w,
        Err(r) => return r,
    };
    match answer_one(state, loaded, &words, (text, None), flags, started) {
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
    let words = match words_of(loaded) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let mut shapes = RequestShapes::default();
    let mut out = String::with_capacity(items.len() * 24 + 16);
    out.push_str("{\"answers\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match answer_one(
            state,
            loaded,
            &words,
            (item, Some(&mut shapes)),
            flags,
            started,
        ) {
            Ok(a) => out.push_str(&a),
            Err(r) => out.push_str(&r.body),
        }
    }
    out.push_str("]}");
    Reply::ok(out)
}

/// `/v1/query`: a query in the language's text, answered as `rights query
/// --format json` answers it (by the policy served, or a scratch copy).
pub(crate) fn text_query(ws: &Workspace, body: &str) -> Reply {
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
            let detail = diagnostics_json(&f.diagnostics, &f.sources);
            return refused(&f.diagnostics, detail);
        }
    };
    let Some(program) = ws.program() else {
        return Reply::error(500, "internal", "the policy served did not compile");
    };
    let program = program.at(asked.when);
    let words = Words::new(&program, &ws.sources);
    let mut out = String::with_capacity(1024);
    words.write_json(&program.answer(&asked.question), &text, &mut out);
    Reply::ok(out)
}

#[cfg(test)]
mod tests {
    use super::{asks_explain, logged_request};

    #[test]
    fn the_log_writes_a_request_as_sent_on_one_line() {
        let sent = r#"{"user": "jane", "can": "r"}"#;
        assert_eq!(logged_request(sent), sent);
        let spread = "{\n  \"user\": \"jane\",\n  \"can\": \"r\"\n}";
        assert_eq!(logged_request(spread), r#"{"can":"r","user":"jane"}"#);
        assert_eq!(logged_request("not json"), "null");
    }

    #[test]
    fn an_explanation_is_asked_by_the_member_not_by_the_word() {
        assert!(asks_explain(
            r#"{"user": "jane", "can": "r", "explain": true}"#
        ));
        assert!(asks_explain(
            r#"{"user": "jane", "can": "r", "expl\u0061in": true}"#
        ));
        assert!(!asks_explain(r#"{"user": "explain", "can": "r"}"#));
        assert!(!asks_explain(
            r#"{"user": "jane", "can": "r", "explain": false}"#
        ));
        assert!(!asks_explain(r#"{"user": "jane", "can": "r"}"#));
        assert!(!asks_explain("not json, \"explain\""));
    }
}
