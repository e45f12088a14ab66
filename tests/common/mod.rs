//! Helpers shared by the integration tests: run the `rights` binary as a user would.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail by panicking"
)]

use std::io::Write;

/// The day the tests take for today (`RIGHTS_TODAY`).
pub const TODAY: &str = "2026-12-20";
use std::path::Path;
use std::process::{Command, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr in one text, for snapshots.
    pub fn transcript(&self) -> String {
        let mut s = format!("exit: {}\n", self.code);
        if !self.stdout.is_empty() {
            s.push_str("--- stdout\n");
            s.push_str(&self.stdout);
        }
        if !self.stderr.is_empty() {
            s.push_str("--- stderr\n");
            s.push_str(&self.stderr);
        }
        s
    }
}

/// Runs `rights ARGS…` in the package root, without colour, feeding `stdin`.
pub fn rights_with_stdin(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rights"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        // answers as of one day, whatever day the tests run (§9.3)
        .env("RIGHTS_TODAY", TODAY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the rights binary starts");
    // written from a thread: a large answer fills stdout while we write
    let writer = child.stdin.take().map(|mut input| {
        let text = stdin.to_string();
        std::thread::spawn(move || {
            // the child may stop reading early (an error): that is its answer
            let _ = input.write_all(text.as_bytes());
        })
    });
    let out = child
        .wait_with_output()
        .expect("the rights binary finishes");
    if let Some(w) = writer {
        let _ = w.join();
    }
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn rights(args: &[&str]) -> Run {
    rights_with_stdin(args, "")
}

/// A fresh, empty directory for files a test writes (under cargo's tmp dir,
/// named after the test and the process, so parallel runs never share one).
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the scratch directory can be made");
    dir
}

/// A path relative to the package root, with `/` separators (stable in snapshots).
pub fn rel(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// A tool a test drives (tmux, Neovim, Chromium) is missing. Under `CI=true`
/// (set by CI) that is a failure: a test that did not run must never pass.
/// On a developer's machine the test says so and skips (the caller returns).
pub fn tool_missing(what: &str) {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !ci,
        "{what}: under CI=true this test must run, not skip (.ci/run installs the tools)"
    );
    eprintln!("{what}: skipping this test (it needs the tool; .ci/run installs it)");
}

/// Splits a shell line as the README and the guide write them into words,
/// with '…' quoting.
pub fn shell_words(cmd: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut rest = cmd.trim_start();
    while !rest.is_empty() {
        if let Some(q) = rest.strip_prefix('\'') {
            let end = q.find('\'').unwrap_or(q.len());
            args.push(q[..end].to_string());
            rest = q.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find(' ').unwrap_or(rest.len());
            args.push(rest[..end].to_string());
            rest = &rest[end..];
        }
        rest = rest.trim_start();
    }
    args
}
