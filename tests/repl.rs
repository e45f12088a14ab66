//! `rights repl`: golden transcripts of piped sessions (`tests/repl/*.repl`,
//! first line `# args: …`), `:reload` after a file changes, and a real
//! terminal (tmux) for tab completion and history across restarts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::scratch;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_rights")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs a piped session with stderr merged into stdout, as a terminal shows it.
fn piped_session(args: &[String], input: &str) -> String {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" repl \"$@\" 2>&1")
        .arg(bin())
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("RIGHTS_TODAY", common::TODAY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    format!(
        "exit: {}\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout)
    )
}

#[test]
fn golden_piped_sessions() {
    insta::glob!("repl/*.repl", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let args: Vec<String> = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# args:"))
            .expect("first line is `# args: …`")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        insta::assert_snapshot!(piped_session(&args, &text));
    });
}

#[test]
fn reload_reads_the_changed_file_and_says_what_changed() {
    let dir = scratch("repl-reload");
    let policy = dir.join("policy.rights");
    std::fs::write(
        &policy,
        "right report.a \"A\"\nrole reporter { grant report.a }\nuser jane { roles reporter }\n",
    )
    .unwrap();
    let mut child = Command::new(bin())
        .args(["repl", policy.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .env("RIGHTS_TODAY", common::TODAY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "can jane report.b").unwrap();
    stdin.flush().unwrap();
    writeln!(stdin, "roles jane").unwrap();
    stdin.flush().unwrap();
    // wait until the session has answered, then change the file under it
    let mut seen = String::new();
    while !seen.contains("roles of jane") {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the session ended early: {seen}"
        );
        seen.push_str(&line);
    }
    std::fs::write(
        &policy,
        "right report.a \"A\"\nright report.b \"B\"\nrole reporter { grant report.a, report.b }\nuser jane { roles reporter }\nuser joe { roles reporter }\n",
    )
    .unwrap();
    writeln!(stdin, ":reload").unwrap();
    writeln!(stdin, "can jane report.b").unwrap();
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains("unknown action or right `report.b`"),
        "{stderr}"
    );
    assert_eq!(status.code(), Some(1), "an entry had an error");
    assert!(
        rest.contains("policy.rights changed; rights 1 → 2 (+1), users 1 → 2 (+1)\n"),
        "{rest}"
    );
    assert!(
        rest.contains("allow: jane holds right `report.b` (B)"),
        "{rest}"
    );
}

#[test]
fn a_broken_reload_keeps_the_last_good_policy() {
    let dir = scratch("repl-broken");
    let policy = dir.join("policy.rights");
    std::fs::write(
        &policy,
        "right report.a \"A\"\nuser jane { grant report.a }\n",
    )
    .unwrap();
    let ws = rights::cli::repl::session::Session::start(
        vec![policy.clone()],
        vec![],
        Default::default(),
    );
    let (mut session, first) = ws.unwrap();
    assert!(!first.failed);
    std::fs::write(
        &policy,
        "right report.a \"A\"\nuser jane { grant report.zzz }\n",
    )
    .unwrap();
    let reply = session.handle(":reload");
    assert!(reply.failed);
    assert!(
        reply.err.contains("unknown right `report.zzz`"),
        "{}",
        reply.err
    );
    assert!(
        reply
            .err
            .contains("still answering from the last version that checked"),
        "{}",
        reply.err
    );
    let reply = session.handle("can jane report.a");
    assert!(reply.out.starts_with("allow:"), "{reply:?}");
}

// ───────────────────────────── a real terminal ─────────────────────────────

struct Tmux {
    socket: String,
}

impl Tmux {
    fn available() -> bool {
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn start(socket: &str, command: &str) -> Tmux {
        let t = Tmux {
            socket: socket.to_string(),
        };
        // a server of the same socket that is still shutting down refuses
        // for a moment: try again for up to 5 s
        let start = Instant::now();
        while !t.tmux(&["new-session", "-d", "-x", "150", "-y", "50", command]) {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "tmux starts a session"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        t
    }

    fn tmux(&self, args: &[&str]) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .status()
            .is_ok_and(|s| s.success())
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend(keys);
        assert!(self.tmux(&args));
    }

    /// Waits until the screen satisfies `f` (at most 20 s).
    fn wait_for(&self, what: &str, f: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if f(&s) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("timed out waiting for {what}; the screen shows:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// The last line of the screen that shows the prompt.
fn prompt_line(screen: &str) -> String {
    screen
        .lines()
        .rev()
        .find(|l| l.starts_with("rights>"))
        .unwrap_or("")
        .trim_end()
        .to_string()
}

#[test]
fn terminal_tab_completion_and_history_across_restarts() {
    if !Tmux::available() {
        common::tool_missing("tmux is not installed: this test needs a real terminal");
        return;
    }
    let dir = scratch("repl-tty");
    let history = dir.join("history");
    let command = format!(
        "env NO_COLOR=1 RIGHTS_HISTORY={} {} repl {}",
        history.display(),
        bin(),
        root().join("tests/data/reference.rights").display()
    );
    let socket = format!("rights-test-{}", std::process::id());
    {
        let t = Tmux::start(&socket, &command);
        t.wait_for("the prompt", |s| s.contains("rights>"));
        // a declared user completes after `can`, a report after `run`
        t.keys(&["can ja", "Tab"]);
        t.wait_for("`jane` completed", |s| prompt_line(s) == "rights> can jane");
        t.keys(&["run status_de", "Tab"]);
        t.wait_for("`status_detail` completed", |s| {
            prompt_line(s) == "rights> can jane run status_detail"
        });
        t.keys(&["on resource_z", "Enter"]);
        t.wait_for("the answer", |s| {
            s.contains("allow: jane may run report `status_detail` on `resource_z`")
        });
        // a name declared in the session completes too
        t.keys(&["user zelda { flags analytics_access }", "Enter"]);
        t.wait_for("the declaration", |s| s.contains("added user `zelda`"));
        t.keys(&["roles ze", "Tab"]);
        t.wait_for("`zelda` completed", |s| {
            prompt_line(s) == "rights> roles zelda"
        });
        t.keys(&["Enter"]);
        t.wait_for("roles answer", |s| {
            s.contains("reporting_user  default role")
        });
        t.keys(&["C-d"]);
        let start = Instant::now();
        while t.screen().contains("rights>")
            && start.elapsed() < Duration::from_secs(5)
            && t.tmux(&["has-session"])
        {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let saved = std::fs::read_to_string(&history).unwrap();
    assert!(
        saved.contains("can jane run status_detail on resource_z"),
        "{saved}"
    );
    {
        let t = Tmux::start(&socket, &command);
        t.wait_for("the prompt", |s| s.contains("rights>"));
        t.keys(&["Up"]);
        t.wait_for("the last entry", |s| {
            prompt_line(s) == "rights> roles zelda"
        });
        t.keys(&["Up", "Up"]);
        t.wait_for("an older entry", |s| {
            prompt_line(s) == "rights> can jane run status_detail on resource_z"
        });
        t.keys(&["Enter"]);
        t.wait_for("the answer again", |s| {
            s.contains("allow: jane may run report `status_detail` on `resource_z`")
        });
        t.keys(&[":q", "Enter"]);
    }
}

/// Lines typed while an answer is being computed, and a pasted block
/// (bracketed paste), are all answered, in order.
#[test]
fn terminal_answers_typed_ahead_and_pasted_lines_in_order() {
    if !Tmux::available() {
        common::tool_missing("tmux is not installed: this test needs a real terminal");
        return;
    }
    let dir = scratch("repl-typeahead");
    let command = format!(
        "env NO_COLOR=1 RIGHTS_HISTORY={} {} repl {}",
        dir.join("history").display(),
        bin(),
        root().join("tests/data/reference.rights").display()
    );
    let socket = format!("rights-typeahead-{}", std::process::id());
    let t = Tmux::start(&socket, &command);
    t.wait_for("the prompt", |s| s.contains("rights>"));
    // three lines at once, before the first is answered
    t.keys(&[
        "roles jane",
        "Enter",
        "roles bob",
        "Enter",
        "roles carol",
        "Enter",
    ]);
    let s = t.wait_for("three answers", |s| s.contains("roles of carol:"));
    let order: Vec<usize> = ["roles of jane:", "roles of bob:", "roles of carol:"]
        .iter()
        .map(|a| s.find(a).unwrap_or(usize::MAX))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{s}");
    t.keys(&["C-l"]);
    t.wait_for("a clear screen", |s| !s.contains("roles of"));
    // a pasted block, as a terminal pastes it (bracketed)
    assert!(t.tmux(&["set-buffer", "groups dana\nroles dana\nrights frank"]));
    assert!(t.tmux(&["paste-buffer", "-p"]));
    t.keys(&["Enter"]);
    let s = t.wait_for("three answers to the paste", |s| s.contains("frank holds"));
    let order: Vec<usize> = ["groups of dana:", "roles of dana:", "frank holds"]
        .iter()
        .map(|a| s.find(a).unwrap_or(usize::MAX))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{s}");
    assert!(!s.contains("unexpected"), "{s}");
    t.keys(&[":q", "Enter"]);
}
