//! Edges a new user hit, each as a file: `tests/edges/NAME.args` holds the
//! command line (words, with '…' quoting one argument), optionally followed
//! by `--- stdin` and the text piped in. What the user sees (exit code,
//! stdout, stderr) is kept as a golden snapshot; fixtures live in
//! `tests/edges/fixtures/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::rights_with_stdin;

/// Splits a command line on spaces, keeping '…' together.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix('\'') {
            let end = quoted.find('\'').expect("a closing quote");
            out.push(quoted[..end].to_string());
            rest = quoted[end + 1..].trim_start();
        } else {
            let end = rest.find(' ').unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            rest = rest[end..].trim_start();
        }
    }
    out
}

#[test]
fn golden_edges() {
    insta::glob!("edges/*.args", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let (line, stdin) = match text.split_once("--- stdin\n") {
            Some((l, s)) => (l, s),
            None => (text.as_str(), ""),
        };
        let args = words(line);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = rights_with_stdin(&args, stdin);
        insta::assert_snapshot!(run.transcript());
    });
}
