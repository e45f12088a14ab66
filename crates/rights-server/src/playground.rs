//! The playground at `/`: one page (no network beyond this server) where a
//! person asks questions in the language's text and reads the answer as a
//! tree of reasons linked to the policy's lines; and what it asks of the
//! server: the policy's files (`GET /v1/files`), completion of a question
//! (`POST /v1/complete`), and questions asked of an edited copy of the
//! policy held only for the request (`POST /v1/scratch`: never written, as
//! large as a request body may be, checked as files are).

use crate::api::{text_query, Reply};
use crate::complete::{candidates, word_start, Place};
use crate::loaded::Loaded;
use crate::source::Origin;
use crate::workspace::Workspace;
use serde_json::{json, Value};

/// At most this many completions are offered.
const MOST_COMPLETIONS: usize = 50;

/// `GET /`: the page.
pub fn page() -> Reply {
    Reply {
        status: 200,
        content_type: "text/html; charset=utf-8",
        body: include_str!("playground.html").to_string(),
    }
}

/// `GET /v1/files`: the policy's files with their texts, the data's names.
pub fn files(loaded: &Loaded) -> Reply {
    let policy: Vec<Value> = loaded
        .policy_texts
        .iter()
        .map(|(name, text)| json!({ "name": name, "text": &**text }))
        .collect();
    let data: Vec<&String> = loaded.data_texts.iter().map(|(name, _)| name).collect();
    Reply::ok(json!({ "revision": loaded.revision, "policy": policy, "data": data }).to_string())
}

/// `POST /v1/complete`: the body is a question being typed; the answer,
/// the whole texts it may become with its last word completed.
pub fn complete(loaded: &Loaded, text: &str) -> Reply {
    let start = word_start(text);
    let (before, typed) = text.split_at(start);
    let items: Vec<String> = candidates(&[&loaded.names], &[], Place::Repl, before, typed)
        .into_iter()
        .take(MOST_COMPLETIONS)
        .map(|c| format!("{before}{}", c.word))
        .collect();
    Reply::ok(json!({ "items": items }).to_string())
}

/// `POST /v1/scratch`: `{"files": [{"name", "text"}], "query"}`: the query
/// asked of a policy made of these texts and the data served, held only
/// for this request.
pub fn scratch(loaded: &Loaded, body: &str) -> Reply {
    let v: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => return Reply::error(400, "bad_request", format!("not JSON: {e}")),
    };
    let (Some(files), Some(query)) = (
        v.get("files").and_then(Value::as_array),
        v.get("query").and_then(Value::as_str),
    ) else {
        return Reply::error(
            400,
            "bad_request",
            "send {\"files\": [{\"name\": \"…\", \"text\": \"…\"}], \"query\": \"…\"}",
        );
    };
    let mut ws = Workspace::default();
    for f in files {
        let (Some(name), Some(text)) = (
            f.get("name").and_then(Value::as_str),
            f.get("text").and_then(Value::as_str),
        ) else {
            return Reply::error(400, "bad_request", "each file has a `name` and a `text`");
        };
        ws.add_policy_text(Origin::Input(name.to_string()), text.to_string());
    }
    for (name, text) in &loaded.data_texts {
        ws.add_data_text(Origin::Input(name.clone()), text.to_string());
    }
    ws.check();
    if !ws.is_compiled() {
        let errors = ws.diagnostics().iter().filter(|d| d.is_error());
        let diagnostics = crate::api::diagnostics_json(errors, &ws.sources);
        let body = json!({ "error": {
            "code": "policy_errors",
            "message": "the edited policy does not check",
            "diagnostics": diagnostics,
        } });
        return Reply {
            status: 400,
            content_type: "application/json",
            body: body.to_string(),
        };
    }
    text_query(&ws, query)
}
