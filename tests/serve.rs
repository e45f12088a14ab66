//! `rights serve` as an application meets it: the real binary on a loopback
//! port, spoken to over HTTP/1.1 (a plain TCP client: what is on the wire
//! is what is tested). Answers are compared with the command line's.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `rights serve`, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
    /// What it wrote to stderr after its address.
    said: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `rights serve ARGS… --listen 127.0.0.1:0` and waits for its address.
fn serve(args: &[&str]) -> Server {
    serve_every(args, "50")
}

/// [`serve`], looking at the files every `ms` milliseconds.
fn serve_every(args: &[&str], ms: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rights"))
        .arg("serve")
        .args(args)
        .args(["--listen", "127.0.0.1:0", "--reload-ms", ms])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RIGHTS_TODAY", common::TODAY)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rights serve starts");
    let mut line = String::new();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    stderr.read_line(&mut line).unwrap();
    // what it says later (reloads) is read, and kept for the test
    let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let keep = said.clone();
    std::thread::spawn(move || {
        let mut l = String::new();
        while stderr.read_line(&mut l).is_ok_and(|n| n > 0) {
            keep.lock().unwrap().push_str(&l);
            l.clear();
        }
    });
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server { child, addr, said }
}

/// One HTTP exchange: the status and the body.
fn call(
    s: &Server,
    method: &str,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        s.addr,
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let body = response.get(split + 4..).unwrap_or_default();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let body = if chunked {
        unchunked(body)
    } else {
        body.to_vec()
    };
    (status, String::from_utf8(body).unwrap())
}

/// A body sent in chunks (`Transfer-Encoding: chunked`), put together.
fn unchunked(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&rest[..eol]).to_string();
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        let data = &rest[eol + 2..];
        out.extend_from_slice(&data[..n]);
        rest = data[n..].strip_prefix(b"\r\n").unwrap_or(&data[n..]);
    }
    out
}

fn post(s: &Server, path: &str, body: &str) -> (u16, Value) {
    let (status, text) = call(s, "POST", path, body, &[]);
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    )
}

const REFERENCE: &str = "tests/data/reference.rights";

/// The command line's answers to JSON requests (`rights query --format json
/// --input json INPUTS… -`), one per request, and its output as printed.
fn cli_answers<S: AsRef<str>>(inputs: &[&str], requests: &[S]) -> (Vec<Value>, String) {
    let mut args = vec!["query", "--format", "json", "--input", "json"];
    args.extend_from_slice(inputs);
    args.push("-");
    let lines: Vec<&str> = requests.iter().map(AsRef::as_ref).collect();
    let cli = common::rights_with_stdin(&args, &lines.join("\n"));
    let answers: Vec<Value> = cli
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), requests.len(), "{}", cli.transcript());
    (answers, cli.stdout)
}

#[test]
fn answers_are_the_command_lines() {
    let s = serve(&[REFERENCE]);
    let requests = [
        r#"{"user": "jane", "run": "status_detail", "on": "resource_z"}"#,
        r#"{"user": "jane", "run": "status_detail", "on": "resource_m"}"#,
        r#"{"user": "jane", "right": "report.status_detail", "explain": true}"#,
        r#"{"user": "bob", "assign": "status_updater", "to": "carol", "on": "resource_m"}"#,
        r#"{"user": "dana", "access": "view_history", "on": "resource_m", "with": ["emergency"]}"#,
        r#"{"user": "li", "run": "status_detail", "on": "resource_z", "at": "2026-12-25"}"#,
        r#"{"user": "jane", "run": "status_snapshot", "on": "resource_z", "event": "flood"}"#,
    ];
    let (lines, _) = cli_answers(&[REFERENCE], &requests);
    for (r, want) in requests.iter().zip(&lines) {
        let (status, got) = post(&s, "/v1/can", r);
        assert_eq!(status, 200, "{r}: {got}");
        assert_eq!(&got, want, "{r}");
    }
    // both decisions occur above, and the brief form says only the decision
    let decisions: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["decision"].as_str())
        .collect();
    assert!(
        decisions.contains(&"allow") && decisions.contains(&"deny"),
        "{decisions:?}"
    );
    let (status, brief) = post(&s, "/v1/can?brief=true", requests[1]);
    assert_eq!((status, brief), (200, json!({ "decision": "deny" })));
    // explain=true adds the fixes the command line's `explain` gives
    let (_, explained) = post(&s, "/v1/can?explain=true", requests[1]);
    assert!(
        !explained["fixes"].as_array().unwrap().is_empty(),
        "{explained}"
    );
    // a text query, as `rights query --format json` answers it
    let q = "who can run status_detail on resource_z";
    let cli = common::rights_with_stdin(&["query", "--format", "json", REFERENCE, q], "");
    let want: Value = serde_json::from_str(cli.stdout.trim()).unwrap();
    assert_eq!(post(&s, "/v1/query", q), (200, want.clone()));
    assert_eq!(
        post(&s, "/v1/query", &json!({ "query": q }).to_string()),
        (200, want)
    );
}

#[test]
fn mistakes_get_json_errors_with_codes() {
    let s = serve(&[REFERENCE, "--max-body", "200"]);
    let (status, e) = post(&s, "/v1/can", r#"{"user": "jan", "run": "status_detail"}"#);
    assert_eq!(status, 404, "{e}");
    assert_eq!(e["error"]["code"], "unknown_name");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `jane`?"),
        "{e}"
    );
    let (status, e) = post(&s, "/v1/can", "not json");
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (400, Some("bad_request")),
        "{e}"
    );
    let (status, e) = post(
        &s,
        "/v1/can",
        r#"{"user": "jane", "run": "status_detail", "on": "resource_z", "at": "2026-02-30"}"#,
    );
    assert_eq!(status, 400, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("28 days"),
        "{e}"
    );
    // a query with a syntax error: its place in the query's text
    let (status, e) = post(&s, "/v1/query", "who can run");
    assert_eq!(status, 400, "{e}");
    assert_eq!(e["error"]["diagnostics"][0]["file"], "<query>", "{e}");
    let big = format!(r#"{{"user": "{}", "right": "x"}}"#, "a".repeat(300));
    let (status, e) = post(&s, "/v1/can", &big);
    assert_eq!(
        (status, e["error"]["code"].as_str()),
        (413, Some("too_large")),
        "{e}"
    );
    assert_eq!(call(&s, "GET", "/v1/can", "", &[]).0, 405);
    let (status, body) = call(&s, "GET", "/nowhere", "", &[]);
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("POST /v1/can"), "{body}");
    // the server is still there
    assert_eq!(call(&s, "GET", "/health", "", &[]).0, 200);
}

#[test]
fn a_batch_is_answered_in_order() {
    let s = serve(&[REFERENCE]);
    let requests = [
        json!({ "user": "jane", "run": "status_detail", "on": "resource_z" }),
        json!({ "user": "nobody", "right": "report.status_detail" }),
        json!({ "user": "jane", "run": "status_detail", "on": "resource_m" }),
    ];
    let array = Value::Array(requests.to_vec()).to_string();
    let lines: Vec<String> = requests.iter().map(Value::to_string).collect();
    for body in [array, lines.join("\n")] {
        let (status, v) = post(&s, "/v1/batch?brief=true", &body);
        assert_eq!(status, 200, "{v}");
        let answers = v["answers"].as_array().unwrap();
        assert_eq!(answers.len(), 3, "{v}");
        assert_eq!(answers[0], json!({ "decision": "allow" }));
        assert_eq!(answers[1]["error"]["code"], "unknown_name", "{v}");
        assert_eq!(answers[2], json!({ "decision": "deny" }));
    }
    // full answers, as /v1/can gives each
    let (_, v) = post(&s, "/v1/batch", &lines[0]);
    let (_, one) = post(&s, "/v1/can", &lines[0]);
    assert_eq!(v["answers"][0], one);
}

#[test]
fn a_token_is_asked_for_when_set() {
    let dir = temp_dir("token");
    std::fs::write(dir.join("token"), "s3cret\n").unwrap();
    let token_file = dir.join("token");
    let s = serve(&[REFERENCE, "--token-file", token_file.to_str().unwrap()]);
    let body = r#"{"user": "jane", "right": "report.status_detail"}"#;
    let status = |auth: Option<&str>| {
        let headers: Vec<(&str, &str)> = auth.map(|a| ("Authorization", a)).into_iter().collect();
        call(&s, "POST", "/v1/can", body, &headers).0
    };
    assert_eq!(status(None), 401);
    assert_eq!(status(Some("Bearer wrong")), 401);
    assert_eq!(status(Some("Bearer s3cret")), 200);
    // a caller without the token is refused before its body is read (the
    // body announced never comes; the default body time is 10 s)
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.write_all(b"POST /v1/can HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
        .unwrap();
    c.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let mut head = [0u8; 12];
    c.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 401");
    // health is for the load balancer: no token
    assert_eq!(call(&s, "GET", "/health", "", &[]).0, 200);
    // an empty token would check nothing: refused at start
    std::fs::write(dir.join("empty"), "\n").unwrap();
    for given in [
        ["--token-file", dir.join("empty").to_str().unwrap()],
        ["--token", " "],
    ] {
        let run = common::rights(&["serve", REFERENCE, given[0], given[1]]);
        assert_eq!(run.code, 2, "{}", run.transcript());
        assert!(
            run.stderr.contains("the token is empty"),
            "{}",
            run.transcript()
        );
    }
}

/// `policy.rights` holding `text`, in a fresh folder of its own.
fn policy_file(name: &str, text: &str) -> PathBuf {
    let policy = temp_dir(name).join("policy.rights");
    std::fs::write(&policy, text).unwrap();
    policy
}

/// Replaces a file's text at once, as editors save (a new file renamed over
/// the old): a reload never sees it half written. (A file written in place
/// while the server reads it is loaded again at the next look:
/// `loaded::tests` in the server crate.)
fn replace_file(path: &Path, text: &str) {
    let new = path.with_extension("new");
    std::fs::write(&new, text).unwrap();
    std::fs::rename(&new, path).unwrap();
}

/// Jane holds right `r` through role `a`.
const JANE_HOLDS_R: &str = "right r\nrole a { grant r }\nuser jane { roles a }\n";

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The decision log's lines, once it has `n` (or after 10 s, as many as it has).
fn log_lines(log: &Path, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        if lines.len() >= n || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until `/v1/policy` satisfies `ok`.
fn policy_when(s: &Server, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, v) = {
            let (status, text) = call(s, "GET", "/v1/policy", "", &[]);
            (status, serde_json::from_str::<Value>(&text).unwrap())
        };
        if ok(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "the policy never became so: {v}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_changed_policy_is_swapped_in_whole_and_a_broken_one_refused() {
    let v1 = "right r \"R\"\nrole a { grant r }\nuser jane { roles a }\n";
    let policy = policy_file("reload", v1);
    let log = policy.with_file_name("decisions.jsonl");
    let s = serve(&[
        policy.to_str().unwrap(),
        "--decision-log",
        log.to_str().unwrap(),
    ]);
    let ask = r#"{"user": "jane", "right": "r"}"#;
    let first = policy_when(&s, |_| true);
    assert_eq!(post(&s, "/v1/can?brief=true", ask).1["decision"], "allow");
    // a new version that checks: swapped in
    replace_file(
        &policy,
        "right r \"R\"\nrole a { }\nuser jane { roles a }\n",
    );
    let second = policy_when(&s, |v| v["revision"] != first["revision"]);
    assert_eq!(second["reloads"], 1, "{second}");
    assert_eq!(post(&s, "/v1/can?brief=true", ask).1["decision"], "deny");
    // a broken one: refused, reported, and the last good one answers
    replace_file(
        &policy,
        "right r \"R\"\nrole a { grant nothing }\nuser jane { roles a }\n",
    );
    let refused = policy_when(&s, |v| !v["rejected"].is_null());
    assert_eq!(refused["revision"], second["revision"], "{refused}");
    let message = refused["rejected"]["diagnostics"][0]["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("nothing"), "{refused}");
    assert_eq!(post(&s, "/v1/can?brief=true", ask).1["decision"], "deny");
    // mended: swapped in, the refusal gone
    replace_file(&policy, v1);
    let mended = policy_when(&s, |v| v["rejected"].is_null() && v["reloads"] == 2);
    assert_eq!(mended["revision"], first["revision"], "{mended}");
    assert_eq!(post(&s, "/v1/can?brief=true", ask).1["decision"], "allow");
    // each reload was said on stderr, the refusal with its diagnostics
    let said = s.said.lock().unwrap().clone();
    assert_eq!(
        said.matches("rights serve: reloaded: now serving revision")
            .count(),
        2,
        "{said}"
    );
    assert!(
        said.contains("refused revision") && said.contains("nothing"),
        "{said}"
    );
    // the metrics count what happened, and the log has a line per decision
    let (_, metrics) = call(&s, "GET", "/metrics", "", &[]);
    assert!(
        metrics.contains("rights_decisions_total{decision=\"allow\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("rights_decisions_total{decision=\"deny\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("rights_policy_reloads_total 2"),
        "{metrics}"
    );
    let lines = log_lines(&log, 4);
    let decisions: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["decision"].as_str())
        .collect();
    assert_eq!(decisions, ["allow", "deny", "deny", "allow"], "{lines:?}");
    assert_eq!(lines[0]["revision"], first["revision"]);
    assert_eq!(lines[1]["revision"], second["revision"]);
    assert_eq!(lines[0]["query"], "can jane r");
}

#[test]
fn a_policy_that_does_not_check_is_not_served() {
    let policy = policy_file("broken", "role a { grant nothing }\n");
    let run = common::rights_with_stdin(
        &["serve", policy.to_str().unwrap(), "--listen", "127.0.0.1:0"],
        "",
    );
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stderr.contains("nothing is served"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown right"), "{}", run.stderr);
}

/// `kill -HUP`: the files are read again at once.
#[cfg(unix)]
#[test]
fn sighup_reloads_now() {
    let policy = policy_file("hup", JANE_HOLDS_R);
    // files looked at once an hour: only the signal reloads
    let s = serve_every(&[policy.to_str().unwrap()], "3600000");
    let first = policy_when(&s, |_| true);
    replace_file(&policy, "right r\nrole a { }\nuser jane { roles a }\n");
    let status = Command::new("kill")
        .args(["-HUP", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let after = policy_when(&s, |v| v["revision"] != first["revision"]);
    assert_eq!(after["reloads"], 1, "{after}");
    let ask = r#"{"user": "jane", "right": "r"}"#;
    assert_eq!(post(&s, "/v1/can?brief=true", ask).1["decision"], "deny");
}

#[test]
fn the_playground_asks_the_server_and_never_writes() {
    let text = "right r \"R\"\nrole a \"A\" { grant r }\nuser jane { roles a }\n\
                context on_shift\ncontext emergency\n";
    let policy = policy_file("playground", text);
    let s = serve(&[policy.to_str().unwrap(), "--max-body", "2000"]);
    let (status, page) = call(&s, "GET", "/", "", &[]);
    assert_eq!(status, 200);
    assert!(
        page.contains("<form id=\"ask\">") && !page.contains("https://"),
        "{page}"
    );
    let (_, files) = {
        let (status, body) = call(&s, "GET", "/v1/files", "", &[]);
        (status, serde_json::from_str::<Value>(&body).unwrap())
    };
    assert_eq!(files["policy"][0]["text"], text);
    assert_eq!(
        post(&s, "/v1/complete", "can ja").1,
        json!({ "items": ["can jane"] })
    );
    // a word starts after a comma, as in the REPL
    assert_eq!(
        post(&s, "/v1/complete", "can jane r with on_shift,em").1,
        json!({ "items": ["can jane r with on_shift,emergency"] })
    );
    // what if: the edited copy answers; the file is as it was
    let edited = text.replace("grant r", "");
    let ask = |t: &str| {
        json!({ "files": [{ "name": "policy.rights", "text": t }], "query": "can jane r" })
            .to_string()
    };
    let (status, v) = post(&s, "/v1/scratch", &ask(&edited));
    assert_eq!((status, v["decision"].as_str()), (200, Some("deny")), "{v}");
    assert_eq!(post(&s, "/v1/scratch", &ask(text)).1["decision"], "allow");
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), text);
    let (status, v) = post(&s, "/v1/scratch", &ask("role a { grant nothing }"));
    assert_eq!(
        (status, v["error"]["code"].as_str()),
        (400, Some("policy_errors")),
        "{v}"
    );
    assert!(
        v["error"]["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nothing"),
        "{v}"
    );
    // as large as a request may be, no larger
    let (status, _) = post(&s, "/v1/scratch", &ask(&"#".repeat(3000)));
    assert_eq!(status, 413);
    // and it can be turned off
    let off = serve(&[policy.to_str().unwrap(), "--no-playground"]);
    assert_eq!(call(&off, "GET", "/", "", &[]).0, 404);
}

/// The playground in Debian's headless Chromium: questions, reasons linked
/// to lines, completion, what if, no request off the server, axe-core clean
/// in both colour schemes and at 390 px (tests/doc/a11y/playground.mjs).
#[test]
fn the_playground_works_in_a_browser() {
    if !Path::new("/usr/bin/chromium").is_file() {
        common::tool_missing("/usr/bin/chromium is missing (.ci/install-browser installs it)");
        return;
    }
    let s = serve(&[REFERENCE]);
    let guarded = serve(&[REFERENCE, "--token", "s3cret"]);
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf)
        .join("doc-screenshots/playground");
    let out = Command::new("bash")
        .env("A11Y_SCRIPT", "playground.mjs")
        .env("PLAYGROUND_TOKEN_URL", format!("http://{}", guarded.addr))
        .env("PLAYGROUND_TOKEN", "s3cret")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/doc/a11y/run.sh"))
        .arg(format!("http://{}", s.addr))
        .arg(&shots)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if let Some(reason) = stdout.lines().find(|l| l.starts_with("skipped:")) {
        common::tool_missing(reason);
        return;
    }
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("playground: ") && stdout.contains(", 0 failed"),
        "{stdout}\n{stderr}"
    );
    print!("{stdout}");
}

/// The decision log names the context facts an allowed decision rests on
/// (break-glass use), whether the answer was full or brief, and none for a
/// decision that does not rest on them.
#[test]
fn the_log_says_what_a_decision_rests_on() {
    let log = temp_dir("relies").join("decisions.jsonl");
    let s = serve(&[REFERENCE, "--decision-log", log.to_str().unwrap()]);
    let glass =
        r#"{"user": "dana", "access": "view_history", "on": "resource_m", "with": ["emergency"]}"#;
    let plain = r#"{"user": "jane", "right": "report.status_detail"}"#;
    assert_eq!(post(&s, "/v1/can", glass).1["decision"], "allow");
    assert_eq!(post(&s, "/v1/can?brief=true", glass).1["decision"], "allow");
    assert_eq!(post(&s, "/v1/can?brief=true", plain).1["decision"], "allow");
    let lines = log_lines(&log, 3);
    let rests: Vec<&Value> = lines.iter().map(|l| &l["relies_on"]).collect();
    assert_eq!(
        rests,
        [&json!(["emergency"]), &json!(["emergency"]), &json!([])],
        "{lines:?}"
    );
}

/// Clients that send their bodies slowly are dropped after
/// `--body-timeout-ms`: more of them than the pool has threads do not stop
/// the server answering.
#[test]
fn slow_bodies_do_not_hold_the_server() {
    let s = serve(&[REFERENCE, "--body-timeout-ms", "300"]);
    let slow: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut c = TcpStream::connect(&s.addr).unwrap();
            c.write_all(
                b"POST /v1/can HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{\"user\"",
            )
            .unwrap();
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    let (status, v) = post(
        &s,
        "/v1/can?brief=true",
        r#"{"user": "jane", "right": "report.status_detail"}"#,
    );
    assert_eq!((status, v), (200, json!({ "decision": "allow" })));
    // and each slow client was answered 408 once its time was up (it waited
    // 700 ms, more than the 300 allowed), its connection then closed
    for mut c in slow {
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut got = String::new();
        let _ = c.read_to_string(&mut got);
        assert!(got.starts_with("HTTP/1.1 408"), "{got:?}");
    }
}

/// A generated workload with JSON data (answers cite data entries by line,
/// column and pointer): every full answer of a batch is the command line's.
#[test]
fn a_batch_over_json_data_answers_as_the_command_line() {
    let dir = temp_dir("workload");
    let gen = common::rights_with_stdin(
        &[
            "bench-gen",
            "--out",
            dir.to_str().unwrap(),
            "--users",
            "200",
            "--resources",
            "300",
        ],
        "",
    );
    assert_eq!(gen.code, 0, "{}", gen.transcript());
    let data: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("data.json")).unwrap()).unwrap();
    let ids = |list: &str| -> Vec<&str> {
        data[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect()
    };
    let (users, resources) = (ids("users"), ids("resources"));
    let requests: Vec<String> = (0..400)
        .map(|i| {
            json!({ "user": users[i * 7 % users.len()], "run": "status_detail", "on": resources[i * 13 % resources.len()] })
                .to_string()
        })
        .collect();
    let (policy, data_file) = (dir.join("policy.rights"), dir.join("data.json"));
    let (policy, data_file) = (policy.to_str().unwrap(), data_file.to_str().unwrap());
    let (want, stdout) = cli_answers(&[policy, "--data", data_file], &requests);
    assert!(
        stdout.contains("\"pointer\":\"/users/"),
        "answers cite data entries"
    );
    let s = serve(&[policy, "--data", data_file]);
    let (status, got) = post(&s, "/v1/batch", &requests.join("\n"));
    assert_eq!(status, 200);
    assert_eq!(got["answers"].as_array().unwrap(), &want);
}

/// Every route's answer, as a golden file: the shapes applications read.
/// (What changes from run to run, times and the address, is masked.)
#[test]
fn every_route_answers_in_its_shape() {
    let s = serve(&[REFERENCE]);
    let mut out = String::new();
    let mut show = |method: &str, path: &str, body: &str| {
        let (status, text) = call(&s, method, path, body, &[]);
        let shown = match serde_json::from_str::<Value>(&text) {
            Ok(mut v) => {
                for key in ["loaded_at", "time_ms", "latency_us"] {
                    if let Some(x) = v.get_mut(key) {
                        *x = json!("…");
                    }
                }
                serde_json::to_string_pretty(&v).unwrap()
            }
            Err(_) => text,
        };
        out.push_str(&format!("$ {method} {path} {body}\n{status}\n{shown}\n\n"));
    };
    show("GET", "/health", "");
    show("GET", "/v1/policy", "");
    show(
        "POST",
        "/v1/can",
        r#"{"user": "jane", "run": "status_detail", "on": "resource_m"}"#,
    );
    show(
        "POST",
        "/v1/can?explain=true",
        r#"{"user": "jane", "run": "status_detail", "on": "resource_m"}"#,
    );
    show(
        "POST",
        "/v1/can?brief=true",
        r#"{"user": "dana", "access": "view_history", "on": "resource_m", "with": ["emergency"]}"#,
    );
    show("POST", "/v1/batch?brief=true", "{\"user\": \"jane\", \"right\": \"report.status_detail\"}\n{\"user\": \"jan\", \"right\": \"report.status_detail\"}");
    show("POST", "/v1/query", "where can jane run status_detail");
    show(
        "POST",
        "/v1/query",
        "report status_snapshot as jane for event flood",
    );
    show("POST", "/v1/query", "roles dana");
    show("POST", "/v1/query", "who can rn");
    show("POST", "/v1/can", r#"{"user": "jane"}"#);
    show("POST", "/v1/complete", "can jane run st");
    show("GET", "/nowhere", "");
    insta::assert_snapshot!(out);
}

/// `/metrics` is Prometheus' text format: every line a comment or a sample
/// (`name{labels} value`), each counter as many as what was asked.
#[test]
fn metrics_parse_as_prometheus_text() {
    let s = serve(&[REFERENCE]);
    let ask = r#"{"user": "jane", "right": "report.status_detail"}"#;
    for _ in 0..3 {
        post(&s, "/v1/can?brief=true", ask);
    }
    post(&s, "/v1/can", r#"{"user": "nobody", "right": "x"}"#);
    let (status, text) = call(&s, "GET", "/metrics", "", &[]);
    assert_eq!(status, 200);
    let mut samples = std::collections::HashMap::new();
    for line in text.lines() {
        if line.starts_with("# HELP ") || line.starts_with("# TYPE ") {
            continue;
        }
        let (name, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("not a sample: {line}"));
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("not a number: {line}"));
        let metric = name.split('{').next().unwrap();
        assert!(
            metric
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "not a metric name: {line}"
        );
        if let Some(labels) = name.strip_prefix(metric) {
            assert!(
                labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')),
                "{line}"
            );
        }
        samples.insert(name.to_string(), value);
    }
    assert_eq!(samples[r#"rights_decisions_total{decision="allow"}"#], 3.0);
    assert_eq!(
        samples[r#"rights_requests_total{route="/v1/can",status="2xx"}"#],
        3.0
    );
    assert_eq!(
        samples[r#"rights_requests_total{route="/v1/can",status="4xx"}"#],
        1.0
    );
    // the histogram counts every request before this one, buckets rising
    let inf = samples[r#"rights_request_duration_seconds_bucket{le="+Inf"}"#];
    assert_eq!(inf, 4.0);
    assert_eq!(samples["rights_request_duration_seconds_count"], inf);
    assert!(samples
        .keys()
        .any(|k| k.starts_with("rights_policy_info{revision=")));
}

/// A reload while requests keep coming: none fails, and the answers switch
/// from the old version's to the new one's once, never back.
#[test]
fn a_reload_under_load_fails_no_request() {
    let policy = policy_file("reload-load", JANE_HOLDS_R);
    let s = std::sync::Arc::new(serve(&[policy.to_str().unwrap()]));
    let asking: Vec<_> = (0..4)
        .map(|_| {
            let s = s.clone();
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let until = Instant::now() + Duration::from_millis(1500);
                while Instant::now() < until {
                    let (status, v) = post(
                        &s,
                        "/v1/can?brief=true",
                        r#"{"user": "jane", "right": "r"}"#,
                    );
                    seen.push((status, v["decision"].as_str().unwrap_or("?").to_string()));
                }
                seen
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(400));
    replace_file(&policy, "right r\nrole a { }\nuser jane { roles a }\n");
    let changed = Instant::now();
    let new = policy_when(&s, |v| v["reloads"] == 1);
    assert!(
        changed.elapsed() < Duration::from_secs(1),
        "the swap took {:?}",
        changed.elapsed()
    );
    assert!(new["rejected"].is_null());
    for t in asking {
        let seen = t.join().unwrap();
        assert!(seen.iter().all(|(status, _)| *status == 200), "{seen:?}");
        let decisions: Vec<&str> = seen.iter().map(|(_, d)| d.as_str()).collect();
        let switch = decisions
            .iter()
            .position(|d| *d == "deny")
            .unwrap_or(decisions.len());
        assert!(switch > 0, "the old version answered first: {decisions:?}");
        assert!(
            decisions[switch..].iter().all(|d| *d == "deny"),
            "{decisions:?}"
        );
        assert!(
            switch < decisions.len(),
            "the new version answered last: {decisions:?}"
        );
    }
}

/// The deployment files say what the binary does: every flag they pass is
/// one `rights serve` takes, and the probes ask `/health`.
#[test]
fn the_deployment_files_match_the_binary() {
    let help = common::rights_with_stdin(&["serve", "--help"], "").stdout;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let k8s = std::fs::read_to_string(root.join("deploy/kubernetes.yaml")).unwrap();
    let docker = std::fs::read_to_string(root.join("deploy/Dockerfile")).unwrap();
    let mut flags = 0;
    // the lines that run it: the container's arguments and entry point
    let runs = k8s
        .lines()
        .chain(docker.lines())
        .filter(|l| l.trim_start().starts_with("args:") || l.starts_with("ENTRYPOINT"));
    for text in runs {
        for word in text.split(|c: char| c == '"' || c.is_whitespace() || c == ',') {
            if word.starts_with("--") && word.len() > 2 {
                flags += 1;
                assert!(
                    help.contains(word),
                    "`{word}` is not a flag of rights serve:\n{help}"
                );
            }
        }
    }
    assert!(flags >= 3, "no flags found");
    assert_eq!(k8s.matches("path: /health").count(), 2, "{k8s}");
    assert!(
        docker.contains(r#"ENTRYPOINT ["rights", "serve""#),
        "{docker}"
    );
}
