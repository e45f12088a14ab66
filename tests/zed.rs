//! The Zed dev extension (`editors/zed`) as Zed installs it: `prepare.sh`
//! writes the extension's folder, Zed fetches the grammar named in its
//! manifest with git (`git fetch --depth 1 REPOSITORY COMMIT`, as its
//! extension builder does) and builds `src/parser.c` under `path`, reads the
//! language's config and queries, and starts the language server the crate
//! names. Zed itself cannot run here (no display, no package): each step it
//! takes is taken by hand instead. The crate's WebAssembly build needs
//! rustup's `wasm32-wasip2` target and is not part of this test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{rights, scratch};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_zed_extension_fetches_its_grammar_and_names_the_language_server() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = scratch("zed");
    let out = dir.join("zed-rights");
    let made = Command::new(root.join("editors/zed/prepare.sh"))
        .arg(&out)
        .output()
        .expect("prepare.sh runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );

    // the manifest: every placeholder filled, the grammar at this clone's HEAD
    let text = std::fs::read_to_string(out.join("extension.toml")).unwrap();
    assert!(!text.contains('@'), "a placeholder is left:\n{text}");
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    let grammar = manifest["grammars"]["rights"].as_table().unwrap();
    let repository = grammar["repository"].as_str().unwrap();
    let commit = grammar["commit"].as_str().unwrap();
    let path = grammar["path"].as_str().unwrap();
    let toplevel = git(root, &["rev-parse", "--show-toplevel"]);
    assert_eq!(repository, format!("file://{toplevel}"));
    assert_eq!(commit, git(root, &["rev-parse", "HEAD"]));

    // the grammar as Zed fetches it: a generated parser where `path` says
    let fetched = dir.join("grammar");
    std::fs::create_dir_all(&fetched).unwrap();
    git(&fetched, &["init", "-q"]);
    git(&fetched, &["remote", "add", "origin", repository]);
    git(&fetched, &["fetch", "-q", "--depth", "1", "origin", commit]);
    git(&fetched, &["checkout", "-q", "FETCH_HEAD"]);
    let parser = fetched.join(path).join("src/parser.c");
    let c = std::fs::read_to_string(&parser).unwrap();
    assert!(c.contains("tree_sitter_rights"), "{}", parser.display());

    // the language: its grammar is the one the manifest names, for `.rights`
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(out.join("languages/rights/config.toml")).unwrap())
            .unwrap();
    assert_eq!(config["grammar"].as_str(), Some("rights"));
    assert_eq!(
        config["path_suffixes"].as_array().unwrap()[0].as_str(),
        Some("rights")
    );
    let language = config["name"].as_str().unwrap();
    let server = manifest["language_servers"]["rights"].as_table().unwrap();
    let languages = server["languages"].as_array().unwrap();
    assert!(languages.iter().any(|l| l.as_str() == Some(language)));
    // the highlights are the grammar's own
    assert_eq!(
        std::fs::read_to_string(out.join("languages/rights/highlights.scm")).unwrap(),
        std::fs::read_to_string(root.join("editors/tree-sitter-rights/queries/highlights.scm"))
            .unwrap()
    );

    // the crate starts `rights lsp`, a command the binary has
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(lib.contains(r#"which("rights")"#) && lib.contains(r#"vec!["lsp".to_string()]"#));
    let help = rights(&["lsp", "--help"]);
    assert_eq!(help.code, 0, "{}", help.stderr);
    let crate_toml: toml::Table =
        toml::from_str(&std::fs::read_to_string(out.join("Cargo.toml")).unwrap()).unwrap();
    assert_eq!(
        crate_toml["lib"]["crate-type"].as_array().unwrap()[0].as_str(),
        Some("cdylib")
    );
}
