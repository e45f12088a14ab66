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
    // the CI kit it writes runs as written: every `rights …` of the
    // workflow's steps and of the pre-commit hooks passes here, and no
    // placeholder is left for the user to find
    let mut kit_commands = 0;
    for file in [".github/workflows/rights.yml", ".pre-commit-config.yaml"] {
        let text = std::fs::read_to_string(demo.join(file)).unwrap();
        assert!(!text.contains("OWNER"), "{file} has a placeholder:\n{text}");
        for line in text.lines() {
            let line = line.trim();
            let Some(cmd) = line
                .strip_prefix("- run: rights ")
                .or_else(|| line.strip_prefix("entry: rights "))
            else {
                continue;
            };
            let args: Vec<&str> = cmd.split_whitespace().collect();
            let (code, out, err) = rights_in(&demo, &args);
            assert_eq!(code, 0, "{file}: rights {cmd}\n{out}{err}");
            kit_commands += 1;
        }
    }
    assert_eq!(kit_commands, 6, "three workflow steps and three hooks");
    // it never overwrites: a second run changes nothing and says why
    let before = std::fs::read_to_string(demo.join("policy.rights")).unwrap();
    std::fs::write(demo.join("policy.rights"), "# mine\n").unwrap();
    let (code, _, err) = rights_in(&dir, &["init", "demo"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("never overwrites"), "{err}");
    assert_eq!(
        std::fs::read_to_string(demo.join("policy.rights")).unwrap(),
        "# mine\n"
    );
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
    for page in [
        "rights.1",
        "rights-check.1",
        "rights-query.1",
        "rights-init.1",
        "rights-diff.1",
    ] {
        let text = std::fs::read_to_string(dir.join("pages").join(page)).unwrap();
        assert!(
            text.starts_with(".ie") || text.contains(".TH"),
            "{page}: {}",
            &text[..text.len().min(200)]
        );
    }
    assert!(std::fs::read_to_string(dir.join("pages/rights-check.1"))
        .unwrap()
        .contains("rights\\-check"));
}

/// Every JSON data fixture of the repository against the schema: the good
/// ones validate, and what the schema rejects `rights check` rejects too
/// (with the fixture's own policy where it has one, else the reference).
#[test]
fn every_data_fixture_against_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schema/rights-data.schema.json")).unwrap(),
    )
    .unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("rights-data.schema.json", schema)
        .unwrap();
    let index = compiler
        .compile("rights-data.schema.json", &mut schemas)
        .unwrap();
    let mut fixtures = Vec::new();
    let mut stack = vec![root.join("tests")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if !p.ends_with("snapshots") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "json")
                && !p.to_string_lossy().contains("sarif")
            {
                fixtures.push(p);
            }
        }
    }
    fixtures.sort();
    let (mut valid, mut rejected) = (0, 0);
    for f in &fixtures {
        let text = std::fs::read_to_string(f).unwrap();
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
            // not JSON at all: the check refuses it (tests/diagnostics/invalid_json)
            rejected += 1;
            continue;
        };
        // the editor server's project fixtures hold other JSON too
        if !value.is_object() && !value.is_array() {
            continue;
        }
        let ok = schemas.validate(&value, index).is_ok();
        if ok {
            valid += 1;
            continue;
        }
        rejected += 1;
        let policy = f.with_extension("rights");
        let policy = if policy.exists() {
            policy
        } else {
            root.join("tests/data/reference.rights")
        };
        let (code, out, err) = rights_in(
            root,
            &[
                "check",
                policy.to_str().unwrap(),
                "--data",
                f.to_str().unwrap(),
            ],
        );
        assert_ne!(
            code,
            0,
            "{}: the schema rejects it, `rights check` accepts it:\n{out}{err}",
            f.display()
        );
    }
    for good in [
        "tests/data/extra_users.json",
        "tests/data/version3.json",
        "tests/data/language/12_data.json",
        "tests/diff/users_before.json",
    ] {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join(good)).unwrap()).unwrap();
        if let Err(e) = schemas.validate(&v, index) {
            panic!("{good} does not validate:\n{e:#}");
        }
    }
    assert!(
        valid >= 8 && rejected >= 5,
        "{valid} valid, {rejected} rejected"
    );
}

/// The VS Code extension ships the same schema and associates it with data
/// files (a file naming it with `"$schema"` is validated anywhere).
#[test]
fn the_editor_extension_carries_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ours = std::fs::read_to_string(root.join("schema/rights-data.schema.json")).unwrap();
    let shipped =
        std::fs::read_to_string(root.join("editors/vscode/schemas/rights-data.schema.json"))
            .unwrap();
    assert_eq!(
        ours, shipped,
        "copy schema/rights-data.schema.json to editors/vscode/schemas/"
    );
    let pkg: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("editors/vscode/package.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        pkg["contributes"]["jsonValidation"][0]["url"],
        "./schemas/rights-data.schema.json"
    );
}
