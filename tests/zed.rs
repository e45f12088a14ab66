//! The Zed dev extension (`editors/zed`) as Zed installs it: `prepare.sh`
//! writes the extension's folder, Zed fetches the grammar named in its
//! manifest with git (`git fetch --depth 1 REPOSITORY COMMIT`, as its
//! extension builder does) and builds `src/parser.c` under `path`, reads the
//! language's config and queries, and starts the language server the crate
//! names. Zed itself cannot run here (no display, no package): each step it
//! takes is taken by hand instead. The crate's WebAssembly build needs
//! rustup's `wasm32-wasip2` target and is not part of this test.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{rights, scratch, tool_missing};
use std::path::Path;
use std::process::Command;

/// `git` as a user runs it in `dir` (none of the variables a git hook
/// running `cargo test` would pass on; any owner of the clone trusted).
fn git_command(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(dir);
    trusted(&mut c);
    c
}

/// No `GIT_DIR` and the like from outside; a clone owned by another user
/// (a CI container's checkout) trusted.
fn trusted(c: &mut Command) -> &mut Command {
    for v in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
    ] {
        c.env_remove(v);
    }
    c.env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", "safe.directory")
        .env("GIT_CONFIG_VALUE_0", "*")
}

/// The source tree, if it is a git clone. Zed fetches the grammar from a
/// git repository: a source tree that is not a clone has nothing to offer
/// it, and the extension cannot be written: the test says so and stops
/// (under `CI=true` it fails instead: CI runs on a clone).
fn clone_root() -> Option<&'static Path> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let inside = git_command(root)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !inside {
        tool_missing("a git clone of the source tree (Zed fetches the grammar from it)");
    }
    inside.then_some(root)
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_zed_extension_fetches_its_grammar_and_names_the_language_server() {
    let Some(root) = clone_root() else { return };
    let dir = scratch("zed");
    let out = dir.join("zed-rights");
    let made = trusted(&mut Command::new(root.join("editors/zed/prepare.sh")))
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

    // the crate and the language's config as they are in the repository
    for f in [
        "Cargo.toml",
        "Cargo.lock",
        "src/lib.rs",
        "languages/rights/config.toml",
    ] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(root.join("editors/zed").join(f)).unwrap(),
            "{f}"
        );
    }
    // the command the crate gives Zed is one the binary has
    let lib = std::fs::read_to_string(root.join("editors/zed/src/lib.rs")).unwrap();
    assert!(lib.contains(r#"which("rights")"#) && lib.contains(r#"vec!["lsp".to_string()]"#));
    let help = rights(&["lsp", "--help"]);
    assert_eq!(help.code, 0, "{}", help.stderr);
}

#[test]
fn prepare_sh_replaces_only_a_folder_it_wrote() {
    let Some(root) = clone_root() else { return };
    let dir = scratch("zed-refuse");
    std::fs::write(dir.join("keep.txt"), "mine").unwrap();
    let run = trusted(&mut Command::new(root.join("editors/zed/prepare.sh")))
        .arg(&dir)
        .output()
        .expect("prepare.sh runs");
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("holds no extension.toml"));
    assert_eq!(
        std::fs::read_to_string(dir.join("keep.txt")).unwrap(),
        "mine"
    );
}
