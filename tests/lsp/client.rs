//! A small language-server client for tests: starts `rights lsp` as a child
//! process and speaks JSON-RPC to it over its stdin and stdout.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications received, in order.
    pub notifications: Vec<Value>,
}

/// `file://` URI of a path (the fixtures' paths are plain ASCII).
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut buf = vec![0u8; len?];
    r.read_exact(&mut buf).ok()?;
    serde_json::from_slice(&buf).ok()
}

impl Client {
    /// Starts the server on a folder and initializes it.
    pub fn start(root: &Path, init_options: Value) -> Client {
        Client::start_with(root, init_options, json!({}))
    }

    /// [`Client::start`] with the client's capabilities.
    pub fn start_with(root: &Path, init_options: Value, capabilities: Value) -> Client {
        Client::start_in(&[root], init_options, capabilities)
    }

    /// [`Client::start_with`] on several workspace folders (the first is
    /// the root).
    pub fn start_in(folders: &[&Path], init_options: Value, capabilities: Value) -> Client {
        let root = folders[0];
        let mut child = Command::new(env!("CARGO_BIN_EXE_rights"))
            .env("RIGHTS_TODAY", crate::common::TODAY)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("rights lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(m) = read_message(&mut r) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut c = Client {
            child,
            stdin,
            rx,
            next_id: 0,
            notifications: Vec::new(),
        };
        let r = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": capabilities,
                "workspaceFolders": folders
                    .iter()
                    .map(|f| json!({ "uri": uri(f), "name": "ws" }))
                    .collect::<Vec<_>>(),
                "initializationOptions": init_options,
            }),
        );
        assert!(r.get("result").is_some(), "initialize failed: {r}");
        c.notify("initialized", json!({}));
        // the first analysis, lint included, is complete
        c.notification("$/rights/analysed");
        c
    }

    fn send(&mut self, v: &Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (the whole message).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) if m.get("id") == Some(&json!(id)) && m.get("method").is_none() => return m,
                Ok(m) => self.notifications.push(m),
                Err(RecvTimeoutError::Timeout) => panic!("no answer to {method} in 60 s"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server went away during {method}")
                }
            }
        }
    }

    /// Sends a request without waiting for its answer; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// The next response, whatever its request.
    pub fn next_response(&mut self) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) if m.get("method").is_none() => return m,
                Ok(m) => self.notifications.push(m),
                Err(_) => panic!("no response in 60 s"),
            }
        }
    }

    /// The ids of the next `n` responses, in the order they arrive.
    pub fn response_order(&mut self, n: usize) -> Vec<i64> {
        let mut order = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while order.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) if m.get("method").is_none() => {
                    order.push(m["id"].as_i64().expect("a response id"));
                }
                Ok(m) => self.notifications.push(m),
                Err(_) => panic!("only {} of {n} responses in 60 s", order.len()),
            }
        }
        order
    }

    /// The `result` of a request (failing the test on an error response).
    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        match r.get("result") {
            Some(v) => v.clone(),
            None => panic!("{method} failed: {r}"),
        }
    }

    /// The latest diagnostics published for a file, waiting for them.
    pub fn diagnostics(&mut self, path: &Path) -> Value {
        let u = uri(path);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(n) = self.notifications.iter().rev().find(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == u
            }) {
                return n["params"]["diagnostics"].clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) => self.notifications.push(m),
                Err(_) => panic!("no diagnostics for {u}"),
            }
        }
    }

    /// The first notification of a method, waiting for it.
    pub fn notification(&mut self, method: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(n) = self.notifications.iter().find(|n| n["method"] == method) {
                return n.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) => self.notifications.push(m),
                Err(_) => panic!("no {method} notification"),
            }
        }
    }

    /// Every notification of a method received so far.
    pub fn all_notifications(&self, method: &str) -> Vec<Value> {
        self.notifications
            .iter()
            .filter(|n| n["method"] == method)
            .cloned()
            .collect()
    }

    /// Forgets the first notification of a method received so far.
    pub fn notifications_drop_first(&mut self, method: &str) {
        if let Some(i) = self
            .notifications
            .iter()
            .position(|n| n["method"] == method)
        {
            self.notifications.remove(i);
        }
    }

    /// Forgets the notifications received so far.
    pub fn clear(&mut self) {
        self.notifications.clear();
    }

    pub fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(path), "languageId": "rights", "version": 1, "text": text } }),
        );
    }

    pub fn change(&mut self, path: &Path, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(path), "version": version },
                    "contentChanges": [{ "text": text }] }),
        );
    }

    /// Waits until the document's current text is analysed: a request about
    /// it is answered only then (completion excepted).
    pub fn analysed(&mut self, path: &Path) {
        self.result(
            "textDocument/foldingRange",
            json!({ "textDocument": { "uri": uri(path) } }),
        );
    }

    /// Writes bytes to the server as they are (malformed messages).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write");
        self.stdin.flush().expect("flush");
    }

    /// The next response to no request of ours (an answer to a malformed
    /// message), waiting for it.
    pub fn stray_response(&mut self) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(i) = self
                .notifications
                .iter()
                .position(|n| n.get("method").is_none() && n.get("error").is_some())
            {
                return self.notifications.remove(i);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) => self.notifications.push(m),
                Err(_) => panic!("no answer to a malformed message"),
            }
        }
    }

    /// Sends `exit` (with or without `shutdown` before) and returns the exit code.
    pub fn exit(mut self, shutdown: bool) -> Option<i32> {
        if shutdown {
            let r = self.request("shutdown", Value::Null);
            assert!(r.get("error").is_none(), "{r}");
            // after shutdown, requests are refused
            let r = self.request("textDocument/hover", json!({}));
            assert_eq!(r["error"]["code"], -32600, "{r}");
        }
        self.notify("exit", Value::Null);
        self.child.wait().expect("wait").code()
    }

    /// Shuts the server down and checks it exits cleanly.
    pub fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("wait");
        assert!(status.success(), "rights lsp exited with {status}");
    }
}

/// The (line, character) of the `nth` occurrence of `needle` in `text`, plus `shift` characters.
pub fn pos(text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} not in the text"))
        .0
        + shift;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": line, "character": col })
}

/// Replaces the fixture's root path with `$ROOT`, so goldens hold anywhere.
pub fn portable(v: &Value, root: &Path) -> Value {
    let r = root.display().to_string();
    match v {
        Value::String(s) => Value::String(s.replace(&r, "$ROOT")),
        Value::Array(xs) => Value::Array(xs.iter().map(|x| portable(x, root)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.replace(&r, "$ROOT"), portable(x, root)))
                .collect(),
        ),
        other => other.clone(),
    }
}
