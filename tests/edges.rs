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

enum Stream {
    Stdout,
    Stderr,
}

/// Runs `rights ARGS…` with one stream's pipe closed before it starts (so
/// every write meets a reader that is gone); the other is captured.
fn with_reader_gone(args: &[&str], gone: Stream) -> std::process::Output {
    use std::process::{Command, Stdio};
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rights"));
    cmd.env("RIGHTS_TODAY", common::TODAY);
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    match gone {
        Stream::Stdout => cmd.stdout(writer).stderr(Stdio::piped()),
        Stream::Stderr => cmd.stdout(Stdio::null()).stderr(writer),
    };
    cmd.output().unwrap()
}

/// Every command whose reader goes away (`| head -1`, `| true`) ends
/// quietly with exit 0: no "internal error", no silent exit 1. The pipe's
/// read end is closed before the command starts, so every write meets it.
#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let commands: &[&[&str]] = &[
        &["test", "policies/"],
        &["lint", "--explain", "R001"],
        &["lint", "policies/", "--format", "sarif"],
        &["lint", "policies/", "--format", "json"],
        &[
            "diff",
            "tests/analyze/base.rights",
            "tests/analyze/removed_deny.rights",
        ],
        &[
            "analyze",
            "tests/analyze/base.rights",
            "tests/analyze/removed_deny.rights",
        ],
        &["analyze", "policies/emresource.rights"],
        &[
            "query",
            "policies/emresource.rights",
            "can jane run status_detail on resource_z",
        ],
        &[
            "query",
            "policies/emresource.rights",
            "--format",
            "json",
            "roles jane",
        ],
        &["check", "policies/", "--format", "json"],
        &["graph", "policies/emresource.rights"],
        &["man"],
        &["completions", "bash"],
    ];
    for args in commands {
        let out = with_reader_gone(args, Stream::Stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            (out.status.code(), stderr.as_ref()),
            (Some(0), ""),
            "rights {} with its reader gone",
            args.join(" ")
        );
    }
    // diagnostics go to stderr: a closed stderr ends quietly too, never an
    // abort (a panic while reporting a panic)
    let bad = "tests/edges/fixtures/unknown_right.rights";
    let stderr_commands: &[&[&str]] = &[&["check", bad], &["lint", bad], &["test", bad]];
    for args in stderr_commands {
        let out = with_reader_gone(args, Stream::Stderr);
        assert_eq!(
            out.status.code(),
            Some(0),
            "rights {} with stderr's reader gone",
            args.join(" ")
        );
    }
}

/// With `--format json`, a policy with errors gives the JSON error document
/// on stdout (as `check` does), and nothing on stderr, for every command.
#[test]
fn every_json_command_reports_a_policy_with_errors_as_json() {
    let bad = "tests/edges/fixtures/unknown_right.rights";
    let ok = "policies/emresource.rights";
    let commands: &[&[&str]] = &[
        &["check", bad],
        &["analyze", bad],
        &["analyze", ok, bad],
        &["diff", bad, ok],
        &["test", bad],
        &["query", bad, "roles jane"],
        &["lint", "tests/edges/fixtures/no_such_file.rights"],
    ];
    for args in commands {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let run = common::rights(&all);
        let first = run.stdout.lines().next().unwrap_or_default();
        let doc: serde_json::Value = serde_json::from_str(first)
            .unwrap_or_else(|e| panic!("rights {}: not JSON ({e}): {}", all.join(" "), run.stdout));
        let diagnostics = doc.get("diagnostics").and_then(|d| d.as_array());
        let named = diagnostics.map_or_else(
            || doc["message"].as_str().unwrap_or_default().to_string(),
            |ds| ds.iter().map(|d| d["message"].to_string()).collect(),
        );
        assert!(
            named.contains("unknown right `y`") || named.contains("cannot read"),
            "rights {}: {doc}",
            all.join(" ")
        );
        if diagnostics.is_some() {
            assert_eq!(doc["ok"], false, "rights {}", all.join(" "));
        }
        assert_eq!(run.stderr, "", "rights {}", all.join(" "));
        assert!(run.code == 1 || run.code == 2, "rights {}", all.join(" "));
    }
}

/// Runs `rights ARGS…` in `dir`.
fn rights_in(dir: &std::path::Path, args: &[&str]) -> common::Run {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rights"))
        .env("RIGHTS_TODAY", common::TODAY)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    common::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// In a folder with `rights.toml` (or below it), every command takes the
/// project's policy files when no PATH is given, and its data files when no
/// `--data` is (and the paths given are inside the project).
#[test]
fn the_command_line_reads_rights_toml() {
    let dir = common::scratch("project");
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::create_dir_all(dir.join("target")).unwrap();
    std::fs::write(
        dir.join("policies/p.rights"),
        "right report.a \"Report A\"\nrole member \"Member\" { grant report.a }\n\
         test \"from the data\" {\n  expect can bob report.a\n  expect not can cy report.a\n}\n",
    )
    .unwrap();
    // a build folder's policies are not the project's
    std::fs::write(dir.join("target/stale.rights"), "right broken").unwrap();
    // nor those of a project below with its own rights.toml (they would be
    // declared twice)
    std::fs::create_dir_all(dir.join("inner")).unwrap();
    std::fs::write(dir.join("inner/rights.toml"), "").unwrap();
    std::fs::write(dir.join("inner/i.rights"), "right report.a \"Report A\"\n").unwrap();
    std::fs::write(
        dir.join("users.json"),
        r#"{"users": [{"id": "bob", "roles": ["member"]}, {"id": "cy"}]}"#,
    )
    .unwrap();
    std::fs::write(dir.join("rights.toml"), "data = [\"users.json\"]\n").unwrap();
    let sub = dir.join("sub");
    for (where_, args) in [
        (&dir, vec!["check"]),
        (&dir, vec!["test"]),
        (&dir, vec!["test", "policies/p.rights"]),
        (&dir, vec!["lint"]),
        (&dir, vec!["analyze"]),
        (&dir, vec!["graph"]),
        (&dir, vec!["query", "can bob report.a"]),
        (&dir, vec!["query", "policies", "can bob report.a"]),
        (&sub, vec!["check"]),
        (&sub, vec!["test"]),
    ] {
        let run = rights_in(where_, &args);
        assert_eq!(
            run.code,
            0,
            "rights {} in {}: {}",
            args.join(" "),
            where_.display(),
            run.transcript()
        );
    }
    let run = rights_in(&dir, &["query", "roles bob"]);
    assert!(run.stdout.contains("member"), "{}", run.stdout);
    let run = rights_in(&dir, &["fmt", "--check"]);
    assert!(
        run.stdout.contains("policies/p.rights (formatted)"),
        "{}",
        run.transcript()
    );
    assert!(!run.transcript().contains("stale"), "{}", run.transcript());
    // the policy named: `policy = […]`
    std::fs::write(
        dir.join("rights.toml"),
        "policy = [\"policies\"]\ndata = [\"users.json\"]\n",
    )
    .unwrap();
    assert_eq!(rights_in(&sub, &["test"]).code, 0);
    // a malformed file is a clear error, exit 2
    std::fs::write(dir.join("rights.toml"), "policy = 3\n").unwrap();
    let run = rights_in(&dir, &["check"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("rights.toml"), "{}", run.stderr);
    // no PATH and no project: say what to do
    std::fs::remove_file(dir.join("rights.toml")).unwrap();
    let run = rights_in(&dir, &["check"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("no policy given"), "{}", run.stderr);
}
