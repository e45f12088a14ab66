//! The invariants ARCHITECTURE.md states, checked: each module imports only
//! what its **Imports** line names (read from ARCHITECTURE.md itself, so the
//! document cannot drift from the code), only `syntax` mentions pest, only
//! `cli` prints or exits (and only `cli::out` writes standard output), and no source file grows past 700 lines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Module → the paths it may import, from the `Imports:` lines.
fn allowed_imports() -> BTreeMap<String, Vec<String>> {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut out = BTreeMap::new();
    let mut module: Option<String> = None;
    let mut lines = doc.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("**`") {
            module = rest.split('`').next().map(str::to_string);
        }
        if let Some(rest) = line.strip_prefix("Imports:") {
            let mut text = rest.to_string();
            while let Some(next) = lines.peek() {
                if next.trim().is_empty() {
                    break;
                }
                text.push(' ');
                text.push_str(next);
                lines.next();
            }
            let paths: Vec<String> = text
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            let m = module.clone().expect("an Imports line belongs to a module");
            out.insert(m, paths);
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a source file belongs to (`src/eval/explain/facts.rs` → `eval`).
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(root().join("src")).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The code of a file without `//` comments.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::…` path a text mentions, with `{…}` groups expanded.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + 7..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let prefix = &rest[..end];
        if rest[end..].starts_with('{') {
            let close = rest[end..].find('}').map_or(rest.len(), |j| end + j);
            for part in rest[end + 1..close].split(',') {
                let part = part.split(" as ").next().unwrap().trim();
                if part.is_empty() {
                    continue;
                }
                let path = format!("{prefix}{part}");
                let path = path.trim_end_matches("::*").replace("::self", "");
                out.push(path.trim_end_matches(':').to_string());
            }
        } else {
            out.push(prefix.trim_end_matches(':').to_string());
        }
    }
    out
}

#[test]
fn every_module_imports_only_what_architecture_md_allows() {
    let allowed = allowed_imports();
    assert!(allowed.len() >= 15, "Imports lines found: {allowed:?}");
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let mut problems = Vec::new();
    for f in files {
        let module = module_of(&f);
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(ok) = allowed.get(&module) else {
            problems.push(format!(
                "module `{module}` has no Imports line in ARCHITECTURE.md"
            ));
            continue;
        };
        let code = code_of(&std::fs::read_to_string(&f).unwrap());
        for path in crate_paths(&code) {
            if path.split("::").next() == Some(module.as_str()) {
                continue;
            }
            let fits = ok
                .iter()
                .any(|a| path == *a || path.starts_with(&format!("{a}::")));
            if !fits {
                problems.push(format!(
                    "{} imports `crate::{path}`, which ARCHITECTURE.md does not allow `{module}`",
                    f.strip_prefix(root()).unwrap().display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_grouped_and_inline_paths() {
    let code = "use crate::syntax::{self, ast::*};\nlet x = crate::diag::Code::Io;";
    assert_eq!(
        crate_paths(code),
        vec!["syntax", "syntax::ast", "diag::Code::Io"]
    );
}

#[test]
fn only_syntax_sees_pest_and_only_cli_prints() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    for f in files {
        let module = module_of(&f);
        let code = code_of(&std::fs::read_to_string(&f).unwrap());
        if module != "syntax" {
            // the crate, not the word (`cheapest` is fine)
            let uses_pest = code.contains("pest::") || code.contains("pest_derive");
            assert!(!uses_pest, "{} uses pest", f.display());
        }
        if module != "cli" && module != "main" {
            for p in [
                "println!",
                "eprintln!",
                "print!(",
                "eprint!(",
                "process::exit",
            ] {
                assert!(!code.contains(p), "{} uses {p}", f.display());
            }
        }
        // standard output has one writer, which ends quietly on a closed pipe
        if !f.ends_with("src/cli/out.rs") {
            for p in ["println!", "print!(", "io::stdout()"] {
                let bare = code.match_indices(p).any(|(i, _)| {
                    !code[..i].ends_with('e') // eprintln!, eprint!(
                });
                assert!(!bare, "{} uses {p}: write through cli::out", f.display());
            }
        }
    }
}

#[test]
fn no_source_file_is_longer_than_700_lines() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    for f in files {
        let n = std::fs::read_to_string(&f).unwrap().lines().count();
        assert!(
            n <= 700,
            "{} has {n} lines: give its second job its own file",
            f.display()
        );
    }
}
