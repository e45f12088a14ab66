//! `rights check`: golden diagnostics for every kind of error, exit codes,
//! JSON output, and hostile input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::{rel, rights, scratch};
use std::collections::BTreeSet;

/// Every `tests/diagnostics/*.rights` (with `--data NAME.json` when that file
/// exists) is checked, and what the user sees is kept as a snapshot.
#[test]
fn golden_diagnostics() {
    insta::glob!("diagnostics/*.rights", |path| {
        let file = rel(path);
        let json = path.with_extension("json");
        let json_rel = rel(&json);
        let mut args = vec!["check", file.as_str()];
        if json.exists() {
            args.extend(["--data", json_rel.as_str()]);
        }
        let run = rights(&args);
        assert_eq!(
            run.code,
            1,
            "{file} should fail the check:\n{}",
            run.transcript()
        );
        insta::assert_snapshot!(run.transcript());
    });
}

/// Every diagnostic code that input can produce has a fixture showing it.
#[test]
fn every_code_has_a_fixture() {
    let mut seen = BTreeSet::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rights") {
            let mut args = vec![
                "check".to_string(),
                rel(&path),
                "--format".into(),
                "json".into(),
            ];
            let json = path.with_extension("json");
            if json.exists() {
                args.extend(["--data".to_string(), rel(&json)]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out: serde_json::Value = serde_json::from_str(&rights(&args).stdout).unwrap();
            for d in out["diagnostics"].as_array().unwrap() {
                seen.insert(d["code"].as_str().unwrap().to_string());
            }
        }
    }
    // shown by the tests below rather than by fixture files
    let elsewhere = [
        "rights::io::read",
        "rights::io::invalid_utf8",
        "rights::syntax::too_large",
        "rights::query::shape",
    ];
    for code in rights::diag::Code::ALL {
        let code = code.as_str();
        assert!(
            seen.contains(code) || elsewhere.contains(&code),
            "no fixture in tests/diagnostics produces {code}"
        );
    }
}

#[test]
fn three_different_errors_are_all_reported_in_one_run() {
    let run = rights(&[
        "check",
        "tests/diagnostics/three_errors.rights",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let codes: BTreeSet<&str> = out["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        BTreeSet::from([
            "rights::resolve::duplicate",
            "rights::resolve::unknown_name",
            "rights::resolve::not_allowed_here"
        ])
    );
    assert_eq!(out["errors"], 3);
}

#[test]
fn json_diagnostics_carry_file_line_and_column() {
    let run = rights(&[
        "check",
        "tests/diagnostics/name_clash.rights",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let d = &out["diagnostics"][0];
    assert_eq!(d["code"], "rights::resolve::name_clash");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "tests/diagnostics/name_clash.rights");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 8);
    assert_eq!(d["related"][0]["line"], 1);
    assert_eq!(out["ok"], false);
}

#[test]
fn clean_policies_pass() {
    for path in [
        "policies",
        "policies/emresource.rights",
        "tests/data/reference.rights",
    ] {
        let run = rights(&["check", path]);
        assert_eq!(run.code, 0, "{path}:\n{}", run.transcript());
        assert!(run.stdout.starts_with("ok: "), "{}", run.stdout);
        assert!(run.stderr.is_empty(), "{}", run.stderr);
    }
}

#[test]
fn clean_json_output() {
    let run = rights(&["check", "tests/data/reference.rights", "--format", "json"]);
    assert_eq!(run.code, 0);
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(out["ok"], true);
    assert_eq!(out["counts"]["users"], 11);
    assert_eq!(out["counts"]["attributes"], 1);
    assert_eq!(out["counts"]["contexts"], 1);
    assert_eq!(out["diagnostics"].as_array().unwrap().len(), 0);
}

#[test]
fn missing_file_is_an_io_error_exit_2() {
    let run = rights(&["check", "tests/no/such/file.rights"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("rights::io::read"), "{}", run.stderr);
    assert!(
        run.stderr.contains("tests/no/such/file.rights"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_data_file_is_an_io_error_exit_2() {
    let run = rights(&[
        "check",
        "tests/data/reference.rights",
        "--data",
        "nope.json",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read `nope.json`"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(rights(&["check"]).code, 2);
    assert_eq!(rights(&["frobnicate"]).code, 2);
    assert_eq!(rights(&["check", "policies", "--format", "yaml"]).code, 2);
}

#[test]
fn invalid_utf8_is_reported_with_its_position() {
    let dir = scratch("check-1");
    let path = dir.join("bad.rights");
    std::fs::write(&path, b"right a.b \"ok\"\nright a.c \"\xff\"\n").unwrap();
    let run = rights(&["check", path.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stderr.contains("rights::io::invalid_utf8"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("bad.rights:2:12"), "{}", run.stderr);
}

/// A binary or Latin-1 file never sends its raw bytes to the terminal: the
/// message names the byte and its offset, and shows the bytes around it
/// escaped; a Latin-1 line is drawn with `?` in place of the bad bytes.
#[test]
fn undecodable_files_are_shown_escaped_never_raw() {
    let dir = scratch("check-utf8-escaped");
    let latin = dir.join("latin.rights");
    std::fs::write(&latin, b"right x \"X\"\nrole r \"\xff\xfeR\" { grant x }\n").unwrap();
    let binary = dir.join("ls.rights");
    let mut bytes = b"\x7fELF\x02\x01\x01\x00\x00\x1b[31m\x07".to_vec();
    bytes.extend((0u8..=255).cycle().take(4000));
    std::fs::write(&binary, &bytes).unwrap();
    for (path, shown) in [
        (&latin, "byte 0xFF at offset 20 (line 2, column 9)"),
        (
            &binary,
            "is a binary file, not UTF-8 text: byte 0x00 at offset 7",
        ),
    ] {
        let json = rights(&["check", path.to_str().unwrap(), "--format", "json"]);
        assert!(json.stdout.contains(shown), "{}", json.stdout);
        let run = rights(&["check", path.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{}", run.transcript());
        let raw = run
            .stderr
            .chars()
            .find(|c| c.is_control() && *c != '\n' || *c == '\u{fffd}');
        assert_eq!(
            raw, None,
            "a raw byte reached the terminal: {:?}",
            run.stderr
        );
    }
    let run = rights(&["check", latin.to_str().unwrap()]);
    assert!(
        run.stderr.contains(r#"`role r "\xff\xfeR" { grant x }`"#),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(r#"role r "??R" { grant x }"#),
        "{}",
        run.stderr
    );
}

#[test]
fn a_hundred_thousand_nested_parentheses_get_the_nesting_diagnostic() {
    let dir = scratch("check-2");
    let path = dir.join("deep.rights");
    let n = 100_000;
    let text = format!(
        "right a.b \"B\"\naction deep when {}right a.b{}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    std::fs::write(&path, text).unwrap();
    let run = rights(&["check", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(out["diagnostics"][0]["code"], "rights::syntax::too_deep");
    assert_eq!(out["diagnostics"][0]["line"], 2);
}

#[test]
fn a_directory_is_read_recursively_in_path_order() {
    let dir = scratch("check-3");
    std::fs::create_dir_all(dir.join("b/c")).unwrap();
    std::fs::write(
        dir.join("b/c/roles.rights"),
        "role reporter { grant report.a }\n",
    )
    .unwrap();
    std::fs::write(dir.join("a.rights"), "right report.a \"A\"\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "not a policy").unwrap();
    let run = rights(&["check", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("ok: 2 files checked: 1 right, 1 role"),
        "{}",
        run.stdout
    );
}

/// Valid UTF-8 with control bytes (an escape sequence) is drawn with `?`,
/// never sent raw; a UTF-16 file is named as such; a data file that is not
/// UTF-8 has no follow-on errors.
#[test]
fn control_bytes_and_utf16_never_reach_the_terminal() {
    let dir = scratch("check-control-bytes");
    let esc = dir.join("esc.rights");
    std::fs::write(
        &esc,
        b"right x \"X\"\nrole r \"R\x1b[31mred\x07\" { grant x }\nrole s { grant y }\n",
    )
    .unwrap();
    let run = rights(&["check", esc.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'),
        "{:?}",
        run.stderr
    );
    assert!(
        run.stderr.contains("role r \"R?[31mred?\""),
        "{}",
        run.stderr
    );
    let utf16 = dir.join("u16.rights");
    let mut bytes = vec![0xFF, 0xFE];
    for b in "right x \"X\"\n".bytes() {
        bytes.extend([b, 0]);
    }
    std::fs::write(&utf16, &bytes).unwrap();
    let run = rights(&["check", utf16.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("is UTF-16 text, not UTF-8"),
        "{}",
        run.stdout
    );
    let data = dir.join("bad.json");
    std::fs::write(&data, b"{\"users\": [{\"id\": \"a\xff\"}]}").unwrap();
    let run = rights(&[
        "check",
        "tests/edges/fixtures/data_tests.rights",
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["errors"], 1, "{}", run.stdout);
}
