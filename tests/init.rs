//! `rights init`, `rights schema` and `rights man --dir`, as a new user runs
//! them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use common::scratch;
use std::path::Path;
use std::process::Command;

fn rights_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rights"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RIGHTS_TODAY", common::TODAY)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn a_new_project_passes_check_test_lint_and_fmt_as_created() {
    let dir = scratch("init");
    let (code, out, err) = rights_in(&dir, &["init", "demo"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("wrote demo/rights.toml\n"), "{out}");
    assert!(out.ends_with("next: cd demo && rights test\n"), "{out}");
    let demo = dir.join("demo");
    for args in [
        &["check"][..],
        &["test"],
        &["lint", "--deny-warnings"],
        &["fmt", "--check", "policy.rights", "tests.rights"],
    ] {
        let (code, out, err) = rights_in(&demo, args);
        assert_eq!(code, 0, "rights {args:?}:\n{out}{err}");
    }
    let (_, out, _) = rights_in(&demo, &["test"]);
    assert!(out.ends_with("3 passed, 0 failed\n"), "{out}");
    // it never overwrites: a second run changes nothing and says why
    let before = std::fs::read_to_string(demo.join("policy.rights")).unwrap();
    std::fs::write(demo.join("policy.rights"), "# mine\n").unwrap();
    let (code, _, err) = rights_in(&dir, &["init", "demo"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("never overwrites"), "{err}");
    assert_eq!(std::fs::read_to_string(demo.join("policy.rights")).unwrap(), "# mine\n");
    assert!(before.contains("role staff"));
}

#[test]
fn the_schema_is_the_file_in_the_repository_and_valid_json() {
    let (code, out, _) = rights_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["schema"]);
    assert_eq!(code, 0);
    let file = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/rights-data.schema.json"),
    )
    .unwrap();
    assert_eq!(out, file);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

#[test]
fn every_man_page_in_one_go() {
    let dir = scratch("man");
    let (code, out, err) = rights_in(&dir, &["man", "--dir", "pages"]);
    assert_eq!(code, 0, "{out}{err}");
    for page in ["rights.1", "rights-check.1", "rights-query.1", "rights-init.1", "rights-diff.1"] {
        let text = std::fs::read_to_string(dir.join("pages").join(page)).unwrap();
        assert!(text.starts_with(".ie") || text.contains(".TH"), "{page}: {}", &text[..text.len().min(200)]);
    }
    assert!(std::fs::read_to_string(dir.join("pages/rights-check.1")).unwrap().contains("rights\\-check"));
}
