//! The guide in `docs/` cannot rot: every example in it is checked.
//!
//! - A ```` ```rights ```` block parses; after `<!-- file: NAME -->` it is
//!   the whole of that file in the chapter's working folder, after `<!-- add
//!   to: NAME -->` it is appended to it (the tutorial builds one policy).
//! - A ```` ```json ```` block after `<!-- file: NAME -->` is written as that file.
//! - A ```` ```console ```` block's `$ rights …` lines are run (in the
//!   tutorial's folder for `docs/tutorial/`, at the repository's root
//!   elsewhere) and must print exactly what follows them (stdout, then stderr).
//! - The generated parts (`<!-- generated: NAME -->` … `<!-- end generated -->`)
//!   are what the code's own metadata says (diagnostic codes, lint rules).
//!
//! `UPDATE_GUIDE=1 cargo test --test guide` writes what the commands print and
//! the generated parts into the pages instead of comparing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The pages, in the order `docs/SUMMARY.md` lists them.
fn pages() -> Vec<PathBuf> {
    let summary = std::fs::read_to_string(root().join("docs/SUMMARY.md")).unwrap();
    let mut out = Vec::new();
    for line in summary.lines() {
        if let Some(start) = line.find("](") {
            let rest = &line[start + 2..];
            if let Some(end) = rest.find(')') {
                let p = root().join("docs").join(&rest[..end]);
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
    }
    assert!(out.len() >= 10, "the guide lists too few pages: {out:?}");
    out
}

/// Runs `rights ARGS` in `dir` as a reader of the guide would (no colour,
/// the guide's date for today).
fn run(dir: &Path, args: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rights"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RIGHTS_TODAY", common::TODAY)
        .output()
        .unwrap();
    let mut s = String::from_utf8_lossy(&out.stdout).to_string();
    s.push_str(&String::from_utf8_lossy(&out.stderr));
    s
}

/// A sentence from a summary: its first letter in capitals.
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The generated parts: what the code's metadata says.
fn generated(name: &str) -> String {
    match name {
        "diagnostics" => {
            let mut s = String::new();
            for code in rights::diag::Code::ALL {
                s.push_str(&format!(
                    "### `{}`\n\n{}.\n\n",
                    code.as_str(),
                    sentence(code.summary())
                ));
            }
            s
        }
        "lint-rules" => {
            let mut s = String::new();
            for r in rights::lint::RULES {
                let mut notes = Vec::new();
                notes.push(match r.severity {
                    rights::diag::Severity::Error => "an error",
                    _ => "a warning",
                });
                if r.proved {
                    notes.push("proved for every possible user");
                }
                if !r.suppressible {
                    notes.push("cannot be suppressed");
                }
                s.push_str(&format!(
                    "### {} `{}`\n\n{} ({}).\n\n```text\n{}\n```\n\n",
                    r.code,
                    r.name,
                    sentence(r.summary),
                    notes.join(", "),
                    r.doc
                ));
            }
            s
        }
        other => panic!("no generated part named {other}"),
    }
}

#[test]
fn every_example_of_the_guide_works_as_shown() {
    let update = std::env::var("UPDATE_GUIDE").is_ok();
    let tutorial = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("guide-tutorial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tutorial);
    std::fs::create_dir_all(&tutorial).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let in_tutorial = page.starts_with(root().join("docs/tutorial"));
        let dir = if in_tutorial {
            tutorial.clone()
        } else {
            root()
        };
        let mut out = String::new();
        let mut lines = text.lines().peekable();
        let mut directive: Option<(bool, String)> = None;
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        while let Some(line) = lines.next() {
            out.push_str(line);
            out.push('\n');
            if let Some(rest) = line.strip_prefix("<!-- file: ") {
                directive = Some((false, rest.trim_end_matches(" -->").to_string()));
                continue;
            }
            if let Some(rest) = line.strip_prefix("<!-- add to: ") {
                directive = Some((true, rest.trim_end_matches(" -->").to_string()));
                continue;
            }
            if let Some(part) = line.strip_prefix("<!-- generated: ") {
                let part = part.trim_end_matches(" -->");
                let mut old = String::new();
                for l in lines.by_ref() {
                    if l == "<!-- end generated -->" {
                        break;
                    }
                    old.push_str(l);
                    old.push('\n');
                }
                let want = generated(part);
                if old != want && !update {
                    failures.push(format!(
                        "{name}: the generated part `{part}` is not what the code says"
                    ));
                }
                out.push_str(&want);
                out.push_str("<!-- end generated -->\n");
                checked += 1;
                continue;
            }
            let Some(lang) = line.strip_prefix("```") else {
                continue;
            };
            let lang = lang.trim().to_string();
            let mut body = String::new();
            let mut end = String::from("```");
            for l in lines.by_ref() {
                if l.starts_with("```") {
                    end = l.to_string();
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            match lang.as_str() {
                "rights" | "json" => {
                    if let Some((append, file)) = directive.take() {
                        let path = dir.join(&file);
                        if append {
                            let mut old = std::fs::read_to_string(&path).unwrap_or_default();
                            old.push('\n');
                            old.push_str(&body);
                            std::fs::write(&path, old).unwrap();
                        } else {
                            std::fs::write(&path, &body).unwrap();
                        }
                    } else if lang == "rights" {
                        if let Err(d) = rights::syntax::parse_file(rights::source::FileId(0), &body)
                        {
                            failures.push(format!(
                                "{name}: an example does not parse: {}\n{body}",
                                d.message
                            ));
                        }
                    }
                    out.push_str(&body);
                }
                "console" => {
                    let mut expected: Vec<(String, String)> = Vec::new();
                    for l in body.lines() {
                        if let Some(cmd) = l.strip_prefix("$ ") {
                            expected.push((cmd.to_string(), String::new()));
                        } else if let Some(last) = expected.last_mut() {
                            last.1.push_str(l);
                            last.1.push('\n');
                        }
                    }
                    for (cmd, want) in &expected {
                        let ws = common::shell_words(cmd);
                        assert_eq!(
                            ws[0], "rights",
                            "{name}: only `rights` commands are run: {cmd}"
                        );
                        let got = run(&dir, &ws[1..]);
                        if &got != want && !update {
                            failures.push(format!(
                                "{name}: `{cmd}` printed\n{got}\ninstead of\n{want}"
                            ));
                        }
                        out.push_str(&format!("$ {cmd}\n{got}"));
                        checked += 1;
                    }
                }
                _ => out.push_str(&body),
            }
            directive = None;
            out.push_str(&end);
            out.push('\n');
        }
        if update && out != text {
            std::fs::write(&page, out).unwrap();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(checked >= 40, "only {checked} examples were checked");
}

/// No text the product shows or ships points to the internal specification.
#[test]
fn nothing_refers_to_the_internal_specification() {
    let mut offenders = Vec::new();
    let mut stack = vec![
        root().join("crates"),
        root().join("src"),
        root().join("docs"),
        root().join("grammar"),
        root().join("editors"),
    ];
    let mut files = vec![root().join("README.md"), root().join("SEMANTICS.md")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if !p.ends_with("node_modules") && !p.ends_with("target") {
                    stack.push(p);
                }
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("rs" | "md" | "pest" | "vim" | "mjs" | "json" | "toml")
            ) {
                files.push(p);
            }
        }
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        if text.contains("LANGUAGE.md") {
            offenders.push(f.display().to_string());
        }
    }
    assert!(
        offenders.is_empty(),
        "these still point to LANGUAGE.md: {offenders:?}"
    );
}
