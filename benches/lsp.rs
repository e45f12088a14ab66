#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmarks fail by panicking"
)]

//! criterion benchmarks of `rights lsp` (issue 15), in process (the handlers
//! the server runs, without JSON-RPC framing):
//! - a keystroke's work (the text analysed: check, lint, tests, index; and its
//!   diagnostics made) on the default workload's policy, with and without its
//!   data, and on the large workload's policy (10,000 rights, 1,000 roles);
//! - hover, definition, completion, references and rename on the seed policy
//!   `policies/emresource.rights`.

use criterion::{criterion_group, criterion_main, Criterion};
use rights::bench_gen::{Shape, Workload};
use rights::lsp::InProcess;
use serde_json::{json, Value};
use std::hint::black_box;
use std::path::PathBuf;

fn folder() -> PathBuf {
    std::env::temp_dir().join("rights-lsp-bench-absent")
}

fn keystroke(c: &mut Criterion, label: &str, policy: String, data: Option<String>) {
    let dir = folder();
    let p = dir.join("policy.rights");
    let mut data_paths = Vec::new();
    if let Some(d) = data {
        std::fs::create_dir_all(&dir).unwrap();
        let dp = dir.join(format!("{label}.json"));
        std::fs::write(&dp, d).unwrap();
        data_paths.push(dp);
    }
    let mut s = InProcess::new(dir.clone(), vec![(p.clone(), policy.clone())], data_paths);
    let edited = format!("{policy}\n# a comment typed\n");
    let mut g = c.benchmark_group("lsp keystroke");
    g.sample_size(10);
    let mut flip = false;
    g.bench_function(label, |b| {
        b.iter(|| {
            flip = !flip;
            let t = if flip { edited.clone() } else { policy.clone() };
            black_box(s.change(p.clone(), t))
        })
    });
    g.finish();
}

fn at(path: &std::path::Path, text: &str, needle: &str, shift: usize) -> Value {
    let i = text.find(needle).expect("needle") + shift;
    let before = &text[..i];
    let line = before.matches('\n').count();
    let col = before.len() - before.rfind('\n').map_or(0, |x| x + 1);
    json!({ "textDocument": { "uri": format!("file://{}", path.display()) },
            "position": { "line": line, "character": col } })
}

fn handlers(c: &mut Criterion) {
    let text = std::fs::read_to_string("policies/emresource.rights").unwrap();
    let dir = folder();
    let p = dir.join("emresource.rights");
    let mut s = InProcess::new(dir.clone(), vec![(p.clone(), text.clone())], Vec::new());
    let role = at(&p, &text, "extends ", 8);
    let mut refs = role.clone();
    refs["context"] = json!({ "includeDeclaration": true });
    let mut rename = role.clone();
    rename["newName"] = json!("renamed_role");
    let grant = at(&p, &text, "grant ", 6);
    let cases: Vec<(&str, &str, Value)> = vec![
        ("hover on a role", "textDocument/hover", role.clone()),
        (
            "definition of a role",
            "textDocument/definition",
            role.clone(),
        ),
        ("completion after grant", "textDocument/completion", grant),
        ("references of a role", "textDocument/references", refs),
        ("rename a role", "textDocument/rename", rename),
    ];
    let mut g = c.benchmark_group("lsp handlers (emresource)");
    for (name, method, params) in cases {
        let v = s.request(method, params.clone()).unwrap();
        assert!(!v.is_null(), "{name}: no answer");
        g.bench_function(name, |b| {
            b.iter(|| black_box(s.request(method, params.clone()).unwrap()))
        });
    }
    g.finish();
}

/// Completion after `can ` (every user fits; the first 1,000 are answered)
/// and after `can user12` with 120,000 users in the data.
fn completion_at_scale(c: &mut Criterion) {
    let w = Workload::generate(&Shape {
        users: 120_000,
        ..Shape::default()
    });
    let dir = std::env::temp_dir().join("rights-lsp-bench-completion");
    std::fs::create_dir_all(&dir).unwrap();
    let dp = dir.join("data.json");
    std::fs::write(&dp, w.data_json().to_string()).unwrap();
    let p = dir.join("policy.rights");
    let policy = w.policy();
    let mut s = InProcess::new(dir.clone(), vec![(p.clone(), policy.clone())], vec![dp]);
    let mut g = c.benchmark_group("lsp completion (120,000 users)");
    for typed in ["", "user12"] {
        let text = format!("{policy}\ntest \"t\" {{\n  expect can {typed}");
        s.change(p.clone(), text.clone());
        let params = at(&p, &text, &format!("expect can {typed}"), 11 + typed.len());
        let v = s
            .request("textDocument/completion", params.clone())
            .unwrap();
        let n = v["items"].as_array().map_or(0, Vec::len);
        assert!(n > 0, "no users offered");
        g.bench_function(format!("after `can {typed}` ({n} items)"), |b| {
            b.iter(|| {
                black_box(
                    s.request("textDocument/completion", params.clone())
                        .unwrap(),
                )
            })
        });
    }
    g.finish();
}

/// Formatting a 1.16 MB policy (the language reference's policy and 10,000
/// users written in it, unformatted) through the server's handler.
fn formatting_at_scale(c: &mut Criterion) {
    let mut text = std::fs::read_to_string("tests/data/reference.rights").unwrap();
    for i in 0..10_000 {
        text.push_str(&format!(
            "\nuser u{i} \"User {i}\" {{\n  roles reporting_user, status_updater\n  access resource_z: view_resource, run_reports\n}}\n"
        ));
    }
    let dir = folder();
    let p = dir.join("big.rights");
    let mut s = InProcess::new(dir.clone(), vec![(p.clone(), text.clone())], Vec::new());
    let params = json!({ "textDocument": { "uri": format!("file://{}", p.display()) },
                         "options": { "tabSize": 2, "insertSpaces": true } });
    let v = s
        .request("textDocument/formatting", params.clone())
        .unwrap();
    assert!(
        v.as_array().is_some_and(|e| !e.is_empty()),
        "nothing to format"
    );
    let mut g = c.benchmark_group("lsp formatting");
    g.sample_size(10);
    g.bench_function(format!("a {:.2} MB policy", text.len() as f64 / 1e6), |b| {
        b.iter(|| {
            black_box(
                s.request("textDocument/formatting", params.clone())
                    .unwrap(),
            )
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    formatting_at_scale(c);
    completion_at_scale(c);
    let w = Workload::generate(&Shape::default());
    keystroke(c, "default policy (200 rights, 20 roles)", w.policy(), None);
    keystroke(
        c,
        "default policy with its data (1,000 users)",
        w.policy(),
        Some(w.data_json().to_string()),
    );
    let large = Workload::generate(&Shape::large()).policy();
    eprintln!("large policy: {} bytes", large.len());
    keystroke(c, "large policy (10,000 rights, 1,000 roles)", large, None);
    handlers(c);
}

criterion_group!(lsp, benches);
criterion_main!(lsp);
