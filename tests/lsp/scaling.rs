//! Cost grows with the input no faster than the work: each case is run on a
//! policy and on one twice its size, in process (the handlers the server
//! runs), and the ratio of the best times must stay well under 4 (what a
//! quadratic path gives; a linear one gives about 2). No wall-clock limit:
//! only the ratio of two times on the same machine.

use rights::lsp::InProcess;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// `tests/data/reference.rights` with `n` more users, each three lines.
fn policy(n: usize) -> String {
    let mut s = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference.rights"),
    )
    .unwrap();
    for i in 0..n {
        s.push_str(&format!(
            "\nuser u{i} \"User {i}\" {{\n  roles reporting_user, status_updater\n  access resource_z: view_resource, run_reports\n}}\n"
        ));
    }
    s
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

/// The best time of `request` on a policy of `n` added users, with
/// `tail` then typed at its end (the text may not parse then, as while
/// typing) and the cursor after it; with the answer.
fn time_request(n: usize, tail: &str, method: &str, runs: usize) -> (Duration, Value) {
    let dir = std::env::temp_dir().join("rights-lsp-scaling-absent");
    let p: PathBuf = dir.join("policy.rights");
    let text = policy(n);
    let mut s = InProcess::new(dir, vec![(p.clone(), text.clone())], Vec::new());
    let text = format!("{text}{tail}");
    let line = text.matches('\n').count();
    let col = text.len() - text.rfind('\n').map_or(0, |i| i + 1);
    s.change(p.clone(), text);
    let params: Value = json!({
        "textDocument": { "uri": format!("file://{}", p.display()) },
        "position": { "line": line, "character": col },
        "options": { "tabSize": 2, "insertSpaces": true },
    });
    // the first answer builds what is cached per analysis
    let answer = s.request(method, params.clone()).unwrap();
    let best = best_of(runs, || {
        std::hint::black_box(s.request(method, params.clone()).unwrap());
    });
    (best, answer)
}

fn assert_linear(what: &str, small: Duration, big: Duration) {
    let ratio = big.as_secs_f64() / small.as_secs_f64().max(1e-9);
    eprintln!("{what}: {small:?} -> {big:?} (x{ratio:.2}) for twice the input");
    assert!(
        ratio < 3.2,
        "{what}: twice the input took {ratio:.2} times as long ({small:?} -> {big:?})"
    );
}

#[test]
fn completion_grows_linearly_with_the_names_declared() {
    // every user fits: the answer is the first 1,000, marked incomplete
    let tail = "\ntest \"t\" {\n  expect can ";
    let (small, v) = time_request(4_000, tail, "textDocument/completion", 7);
    assert_eq!(v["items"].as_array().unwrap().len(), 1000);
    assert_eq!(v["isIncomplete"], true);
    let (big, _) = time_request(8_000, tail, "textDocument/completion", 7);
    assert_linear("completion after `can `", small, big);
    // what is typed narrows the answer: all of `u12…` fits
    let (small, v) = time_request(4_000, &format!("{tail}u12"), "textDocument/completion", 7);
    assert_eq!(v["items"].as_array().unwrap().len(), 111);
    assert_eq!(v["isIncomplete"], false);
    let (big, _) = time_request(8_000, &format!("{tail}u12"), "textDocument/completion", 7);
    assert_linear("completion of `can u12`", small, big);
}

#[test]
fn formatting_grows_linearly_with_the_file() {
    let (small, v) = time_request(1_000, "", "textDocument/formatting", 3);
    assert!(
        !v.as_array().unwrap().is_empty(),
        "the policy needs formatting"
    );
    let (big, _) = time_request(2_000, "", "textDocument/formatting", 3);
    assert_linear("formatting", small, big);
}
