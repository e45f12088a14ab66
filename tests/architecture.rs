//! The invariants ARCHITECTURE.md states, checked: each crate depends on
//! exactly what its **Depends on** line names and the engine's dependency
//! closure holds no command-line, editor, layout, diff or TOML crate; each
//! module imports only what its **Imports** line names (both read from
//! ARCHITECTURE.md itself, so the document cannot drift from the code); only
//! `syntax` mentions pest, only `cli` prints or exits (and only `cli::out`
//! writes standard output), and no source file grows past 700 lines.

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

/// Module → the paths it may import, from the `Imports:` lines. A line goes
/// on over the next ones while it ends with a comma (a paragraph after it is
/// prose, not imports).
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
            while text.trim_end().ends_with(',') {
                let Some(next) = lines.next() else { break };
                text.push(' ');
                text.push_str(next);
            }
            let paths = quoted(&text, '`');
            let m = module.clone().expect("an Imports line belongs to a module");
            out.insert(m, paths);
        }
    }
    out
}

/// The pieces of `text` between pairs of `q` (`` `a`, `b` `` → a, b).
fn quoted(text: &str, q: char) -> Vec<String> {
    text.split(q)
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Crate → the crates it may depend on, from the `Depends on:` lines.
fn allowed_dependencies() -> BTreeMap<String, Vec<String>> {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut out = BTreeMap::new();
    let mut krate: Option<String> = None;
    for line in doc.lines() {
        if let Some(rest) = line.strip_prefix("**crate `") {
            krate = rest.split('`').next().map(str::to_string);
        }
        if let Some(rest) = line.strip_prefix("Depends on:") {
            let deps = quoted(rest, '`');
            out.insert(
                krate.clone().expect("a Depends line belongs to a crate"),
                deps,
            );
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

/// Every source file of the workspace: the root package's and each crate's.
fn all_sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    for e in std::fs::read_dir(root().join("crates")).unwrap() {
        let src = e.unwrap().path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    files.sort();
    files
}

/// The crates whose whole source is one module, and that module's name.
const ONE_MODULE_CRATES: &[(&str, &str)] = &[
    ("rights-lsp", "lsp"),
    ("rights-server", "serve"),
    ("rights-bench", "bench_gen"),
];

/// The module a source file belongs to (`crates/rights-engine/src/eval/explain/facts.rs`
/// → `eval`, `src/cli/mod.rs` → `cli`), and the names that are the module's
/// own when a file says `crate::NAME` (a one-module crate's files).
fn module_of(path: &Path) -> (String, Vec<String>) {
    let rel = match path.strip_prefix(root().join("crates")) {
        Ok(rest) => {
            let krate = rest
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .to_string();
            let src = root().join("crates").join(&krate).join("src");
            if let Some((_, m)) = ONE_MODULE_CRATES.iter().find(|(c, _)| *c == krate) {
                let own = std::fs::read_dir(&src)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().to_string()))
                    .collect();
                return (m.to_string(), own);
            }
            path.strip_prefix(&src).unwrap().to_path_buf()
        }
        Err(_) => path.strip_prefix(root().join("src")).unwrap().to_path_buf(),
    };
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy()
        .to_string();
    (first.trim_end_matches(".rs").to_string(), Vec::new())
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
    // the Imports of a module end where its line does, not in the prose after it
    assert!(
        allowed
            .get("words")
            .is_some_and(|w| !w.iter().any(|p| p.ends_with(".rs"))),
        "{:?}",
        allowed.get("words")
    );
    let mut problems = Vec::new();
    for f in all_sources() {
        let (module, own) = module_of(&f);
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
            let first = path.split("::").next().unwrap_or_default();
            if first == module || own.iter().any(|o| o == first) {
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

/// The `[dependencies]` names of a package's Cargo.toml, those of every
/// `[target.….dependencies]` included.
fn dependencies_of(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    let names = |t: Option<&toml::Value>| -> Vec<String> {
        t.and_then(|d| d.as_table())
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut deps = names(doc.get("dependencies"));
    if let Some(targets) = doc.get("target").and_then(|t| t.as_table()) {
        for t in targets.values() {
            deps.extend(names(t.get("dependencies")));
        }
    }
    deps.sort();
    deps.dedup();
    deps
}

#[test]
fn every_crate_depends_on_exactly_what_architecture_md_names() {
    let allowed = allowed_dependencies();
    assert!(allowed.len() >= 5, "Depends lines found: {allowed:?}");
    let mut manifests = vec![("rights".to_string(), root().join("Cargo.toml"))];
    for e in std::fs::read_dir(root().join("crates")).unwrap() {
        let dir = e.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        manifests.push((name, dir.join("Cargo.toml")));
    }
    for (name, manifest) in manifests {
        let mut want = allowed
            .get(&name)
            .unwrap_or_else(|| panic!("crate `{name}` has no Depends line in ARCHITECTURE.md"))
            .clone();
        want.sort();
        assert_eq!(dependencies_of(&manifest), want, "crate `{name}`");
    }
}

/// An application that embeds the engine compiles no command-line, editor,
/// layout, diff or TOML crate: none is in the engine's dependency closure.
#[test]
fn the_engine_pulls_in_no_front_end_crate() {
    let text = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let lock: toml::Table = toml::from_str(&text).unwrap();
    let packages = lock["package"].as_array().unwrap();
    let deps_of = |name: &str| -> Vec<String> {
        packages
            .iter()
            .filter(|p| p["name"].as_str() == Some(name))
            .flat_map(|p| {
                p.get("dependencies")
                    .and_then(|d| d.as_array())
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|d| {
                d.as_str()
                    .map(|s| s.split(' ').next().unwrap_or(s).to_string())
            })
            .collect()
    };
    let mut closure: Vec<String> = vec!["rights-engine".into()];
    let mut i = 0;
    while i < closure.len() {
        for d in deps_of(&closure[i].clone()) {
            if !closure.contains(&d) {
                closure.push(d);
            }
        }
        i += 1;
    }
    assert!(closure.len() > 5, "{closure:?}");
    for forbidden in [
        "clap",
        "rustyline",
        "lsp-server",
        "lsp-types",
        "layout-rs",
        "similar",
        "toml",
        "rights-tools",
        "rights-lsp",
    ] {
        assert!(
            !closure.iter().any(|c| c == forbidden),
            "the engine's dependency closure holds `{forbidden}`: {closure:?}"
        );
    }
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
    for f in all_sources() {
        let (module, _) = module_of(&f);
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
        // standard output has one writer per program: the command line's,
        // which ends quietly on a closed pipe, and the language server's
        // framing (the protocol owns stdout there)
        if !f.ends_with("src/cli/out.rs") && !f.ends_with("rights-lsp/src/transport.rs") {
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
    for f in all_sources() {
        let n = std::fs::read_to_string(&f).unwrap().lines().count();
        assert!(
            n <= 700,
            "{} has {n} lines: give its second job its own file",
            f.display()
        );
    }
}

/// No English is parsed back: the front ends (tools, the editor server, the
/// command line) act on a diagnostic's data (its code, kind, name and
/// replacement), never on its message or help text.
#[test]
fn front_ends_read_diagnostics_as_data_not_words() {
    let mut problems = Vec::new();
    for f in all_sources() {
        let rel = f
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("crates/rights-engine/") {
            continue; // the engine writes the words
        }
        let code = code_of(&std::fs::read_to_string(&f).unwrap());
        for pattern in [
            "message.starts_with(",
            "message.strip_prefix(",
            "message.contains(",
            "message.split",
            "help.starts_with(",
            "help.contains(",
            "help.find(",
            "\"did you mean",
        ] {
            if code.contains(pattern) {
                problems.push(format!("{rel} reads a diagnostic's words: `{pattern}`"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// One keyword list: the grammar's `keyword` trie, its `kw_*` rules, the
/// engine's `KEYWORDS`, the VS Code grammar's builder and the Vim syntax
/// file name the same words.
#[test]
fn every_keyword_list_agrees() {
    use std::collections::BTreeSet;
    let grammar = std::fs::read_to_string(root().join("grammar/rights.pest")).unwrap();
    // `keyword = @{ ( "a" ~ ("ssigns" | …) | "c" ~ "an" … }`
    let start = grammar.find("\nkeyword = @{").unwrap();
    let body = &grammar[start..grammar[start..].find("\n}").unwrap() + start];
    let mut trie = BTreeSet::new();
    for line in body.lines().skip(1) {
        let q = quoted(line, '"');
        if let Some((first, rest)) = q.split_first() {
            if rest.is_empty() {
                trie.insert(first.clone());
            }
            for r in rest {
                trie.insert(format!("{first}{r}"));
            }
        }
    }
    let rules: BTreeSet<String> = grammar
        .lines()
        .filter(|l| l.starts_with("kw_"))
        .filter_map(|l| quoted(l, '"').into_iter().next())
        .collect();
    let engine: BTreeSet<String> = rights::syntax::KEYWORDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let builder =
        std::fs::read_to_string(root().join("editors/vscode/syntaxes/build-grammar.mjs")).unwrap();
    let list = &builder[builder.find("const KEYWORDS = [").unwrap()..];
    let list = &list[..list.find("];").unwrap()];
    let vscode: BTreeSet<String> = quoted(list, '\'').into_iter().collect();
    let vim_file = std::fs::read_to_string(root().join("editors/vim/syntax/rights.vim")).unwrap();
    let vim: BTreeSet<String> = vim_file
        .lines()
        .filter_map(|l| l.strip_prefix("syntax keyword rights"))
        .filter(|l| !l.starts_with("Todo"))
        .flat_map(|l| l.split_whitespace().skip(1).map(str::to_string))
        .collect();
    assert!(engine.len() > 40, "{engine:?}");
    assert_eq!(
        vim, engine,
        "the Vim syntax file's keywords and syntax::KEYWORDS"
    );
    assert_eq!(
        trie, engine,
        "the grammar's `keyword` rule and syntax::KEYWORDS"
    );
    assert_eq!(
        rules, engine,
        "the grammar's kw_* rules and syntax::KEYWORDS"
    );
    assert_eq!(
        vscode, engine,
        "the VS Code grammar's KEYWORDS and syntax::KEYWORDS"
    );
}
