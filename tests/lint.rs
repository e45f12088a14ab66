//! `rights lint`: one fixture per rule (`tests/lint/CODE-name.rights`) with its
//! rendered finding as a golden snapshot, every code documented, suppression,
//! the output formats (SARIF validated against the SARIF 2.1.0 schema), and the
//! bundled policies lint-clean.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::{rel, rights};

#[test]
fn golden_findings_one_fixture_per_rule() {
    insta::glob!("lint/R*.rights", |path| {
        let file = rel(path);
        let run = rights(&["lint", &file]);
        let code = path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .split('-')
            .next()
            .unwrap()
            .to_string();
        assert!(
            run.stderr.contains(&format!("{code}\n")) || run.stderr.contains(&format!("{code} ")),
            "{file} must produce {code}:\n{}",
            run.stderr
        );
        insta::assert_snapshot!(run.transcript());
    });
}

#[test]
fn every_rule_has_a_fixture_and_an_explanation() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint");
    for rule in rights::lint::RULES {
        let fixture = dir.join(format!("{}-{}.rights", rule.code, rule.name));
        assert!(fixture.exists(), "no fixture {}", fixture.display());
        let run = rights(&["lint", "--explain", rule.code]);
        assert_eq!(run.code, 0);
        for part in ["What it does:", "Why it matters:", "Example", "Instead:"] {
            assert!(
                run.stdout.contains(part),
                "{} --explain lacks {part:?}",
                rule.code
            );
        }
        assert_eq!(rights(&["lint", "--explain", rule.name]).stdout, run.stdout);
    }
    let run = rights(&["lint", "--explain", "R999"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("R001  unused-right"), "{}", run.stderr);
}

#[test]
fn suppressions_on_the_line_or_above_the_declaration() {
    let run = rights(&["lint", "tests/lint/suppressed.rights", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout, "ok: no findings\n");
}

#[test]
fn exit_codes() {
    // warnings alone pass, unless --deny-warnings
    assert_eq!(
        rights(&["lint", "tests/lint/R001-unused-right.rights"]).code,
        0
    );
    assert_eq!(
        rights(&[
            "lint",
            "tests/lint/R001-unused-right.rights",
            "--deny-warnings"
        ])
        .code,
        1
    );
    // an error-level finding fails
    assert_eq!(
        rights(&["lint", "tests/lint/R013-trojan-source.rights"]).code,
        1
    );
    // a policy that does not check fails with its errors
    let run = rights(&["lint", "tests/diagnostics/role_cycle.rights"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("rights::resolve::role_cycle"));
    assert_eq!(rights(&["lint", "no/such/file.rights"]).code, 2);
    assert_eq!(rights(&["lint"]).code, 2);
}

#[test]
fn bundled_policies_are_lint_clean() {
    let run = rights(&["lint", "policies", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
}

#[test]
fn json_lines_and_github_annotations() {
    let run = rights(&[
        "lint",
        "tests/lint/R005-redundant-user-grant.rights",
        "--format",
        "json",
    ]);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    let f = &lines[0];
    assert_eq!(f["code"], "R005");
    assert_eq!(f["rule"], "redundant-user-grant");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["file"], "tests/lint/R005-redundant-user-grant.rights");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(3), Some(35))
    );
    let run = rights(&[
        "lint",
        "tests/lint/R005-redundant-user-grant.rights",
        "--format",
        "github",
    ]);
    assert_eq!(
        run.stdout,
        "::warning file=tests/lint/R005-redundant-user-grant.rights,line=3,col=35,endLine=3,endColumn=55,title=R005 redundant-user-grant::user `jane` is granted `report.status_detail` directly, though role `reporter` already gives it (help: remove the direct grant, so that the role alone decides)\n"
    );
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let schema_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("sarif-schema-2.1.0.json", schema)
        .unwrap();
    let index = compiler
        .compile("sarif-schema-2.1.0.json", &mut schemas)
        .unwrap();
    for fixture in [
        "tests/lint/R010-assigns-escalation.rights",
        "tests/lint/R013-trojan-source.rights",
        "policies",
    ] {
        let run = rights(&["lint", fixture, "--format", "sarif"]);
        let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        if let Err(e) = schemas.validate(&log, index) {
            panic!("{fixture}: SARIF does not validate:\n{e:#}");
        }
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .unwrap()
                .len(),
            rights::lint::RULES.len()
        );
    }
    let run = rights(&[
        "lint",
        "tests/lint/R010-assigns-escalation.rights",
        "--format",
        "sarif",
    ]);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "R010");
    assert_eq!(result["level"], "warning");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/lint/R010-assigns-escalation.rights"
    );
}

#[test]
fn trojan_source_cannot_be_suppressed_and_is_found_in_broken_policies() {
    let dir = common::scratch("lint-trojan");
    let quiet = dir.join("quiet.rights");
    std::fs::write(
        &quiet,
        "right a.b \"B\"\n# rights: allow(R013)\nuser u { grant a.b }  # \u{202E} hidden\n",
    )
    .unwrap();
    let run = rights(&["lint", quiet.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stderr.contains("U+202E"), "{}", run.stderr);
    let broken = dir.join("broken.rights");
    std::fs::write(
        &broken,
        "right a.b \"B\u{200B}\"\nuser u { grant a.nothing }\n",
    )
    .unwrap();
    let run = rights(&["lint", broken.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("\"code\":\"R013\""), "{}", run.stdout);
    assert!(
        run.stdout.contains("rights::resolve::unknown_name"),
        "{}",
        run.stdout
    );
}

/// One finding, one source: the proof rules of `lint` report exactly what
/// `rights analyze` proves, in the same words, on every policy here.
#[test]
fn lint_and_analyze_report_the_same_proofs() {
    let proof_rules = ["R007", "R008", "R019", "R020", "R021", "R022", "R023"];
    let mut policies: Vec<String> = vec![
        "policies".into(),
        "tests/data/reference.rights".into(),
        "tests/analyze/pattern_grant.rights".into(),
    ];
    for dir in ["tests/analyze", "tests/lint"] {
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "rights"))
            .map(|p| rel(&p))
            .collect();
        files.sort();
        policies.extend(files);
    }
    let mut compared = 0;
    for policy in &policies {
        let analyzed = rights(&["analyze", policy, "--format", "json"]);
        if analyzed.code != 0 {
            continue; // a fixture with errors, or too large: nothing is proved
        }
        let doc: serde_json::Value = serde_json::from_str(&analyzed.stdout).unwrap();
        let mut proved: Vec<String> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect();
        let linted = rights(&["lint", policy, "--format", "json"]);
        let mut found: Vec<String> = linted
            .stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|d| proof_rules.contains(&d["code"].as_str().unwrap_or_default()))
            .map(|d| d["message"].as_str().unwrap().to_string())
            .collect();
        proved.sort();
        found.sort();
        assert_eq!(proved, found, "{policy}: analyze and lint disagree");
        compared += proved.len();
    }
    assert!(compared >= 7, "only {compared} findings compared");
}

/// R003 reports a forgotten placeholder, never a role with a part in the
/// policy: a base role others extend, one a default-role line, a group or a
/// user's data gives, one an `assigns` rule names.
#[test]
fn empty_role_leaves_roles_with_a_part_alone() {
    let dir = common::scratch("lint-empty-role");
    let path = dir.join("roles.rights");
    std::fs::write(
        &path,
        "right report.a \"A\"\nflag staff \"Staff\"\n\
         role base \"Base\"\nrole lead \"Lead\" extends base { grant report.a }\n\
         role marker \"Marker\"\nrole handed \"Handed out\"\nrole boss \"Boss\" { assigns handed }\n\
         role forgotten \"Forgotten\"\n\
         default role { base when flag staff  marker }\n\
         role held \"Held\"\n\
         user jane { roles lead, held }\n",
    )
    .unwrap();
    let run = rights(&["lint", path.to_str().unwrap(), "--format", "json"]);
    let empty: Vec<String> = run
        .stdout
        .lines()
        .filter(|l| l.contains("\"R003\""))
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["message"].to_string())
        .collect();
    assert_eq!(
        empty,
        ["\"role `forgotten` grants nothing\""],
        "{}",
        run.stdout
    );
}

/// The README's rule table is the rules' own metadata: code, name, summary,
/// and whether the rule is a proof or an error.
#[test]
fn readme_rule_table_is_the_rules_metadata() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("| code | name | finds |").unwrap();
    let rows: Vec<&str> = readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let want: Vec<String> = rights::lint::RULES
        .iter()
        .map(|r| {
            let mut notes = Vec::new();
            if r.proved {
                notes.push("proved");
            }
            if r.severity == rights::diag::Severity::Error {
                notes.push("an error");
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            };
            format!("| {} | {} | {}{notes} |", r.code, r.name, r.summary)
        })
        .collect();
    let mut want = want;
    want.sort();
    assert_eq!(rows, want);
}
