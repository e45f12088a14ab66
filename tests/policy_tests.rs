//! The `test` blocks of every policy in the project pass: the semantics suite
//! (`tests/semantics/`, one file per rule of LANGUAGE.md §4), the reference
//! policy, and the seed policies, alone and as one directory.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::{rights, scratch};
use std::path::{Path, PathBuf};

fn check_tests_pass(path: &Path) -> usize {
    let ws = rights::workspace::Workspace::load(&[path.to_path_buf()], &[]);
    if let Some(f) = ws.failure() {
        panic!("{}", f.render());
    }
    assert!(ws.diagnostics().is_empty());
    let results = rights::testing::run(ws.program().unwrap(), &ws.model().tests, None);
    assert!(!results.is_empty(), "{} has no tests", path.display());
    for r in &results {
        assert!(
            r.passed(),
            "{}: test {:?} failed: {:?}",
            path.display(),
            r.name,
            r.failures
                .iter()
                .map(|f| (&f.expected, &f.actual))
                .collect::<Vec<_>>()
        );
    }
    results.len()
}

#[test]
fn semantics_suite_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/semantics");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 6);
    for f in files {
        check_tests_pass(&f);
    }
}

#[test]
fn reference_and_seed_policies_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        check_tests_pass(&root.join("tests/data/reference.rights")),
        13
    );
    let em = check_tests_pass(&root.join("policies/emresource.rights"));
    let an = check_tests_pass(&root.join("policies/analytics.rights"));
    assert_eq!(check_tests_pass(&root.join("policies")), em + an);
}

#[test]
fn rights_test_cli_reports_a_wrong_expectation() {
    let dir = scratch("wrong");
    let reference = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference.rights"),
    )
    .unwrap();
    let wrong = format!("{reference}\ntest \"deliberately wrong\" {{\n  expect can jane run status_detail on resource_m\n}}\n");
    let path = dir.join("wrong.rights");
    std::fs::write(&path, wrong).unwrap();
    let run = rights(&["test", path.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("FAILED  deliberately wrong"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("expected: allow"), "{}", run.stdout);
    assert!(run.stdout.contains("actual:   deny"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("jane has no `run_reports` access on `resource_m`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("13 passed, 1 failed\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn rights_test_cli_passes_on_the_reference() {
    let run = rights(&["test", "tests/data/reference.rights"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.ends_with("13 passed, 0 failed\n"));
}

#[test]
fn coverage_of_the_seed_policies_is_complete_and_gaps_are_listed() {
    for policy in [
        "policies/emresource.rights",
        "policies/analytics.rights",
        "policies",
    ] {
        let run = rights(&["test", policy, "--coverage", "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.transcript());
        let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(out["coverage"]["missed"], serde_json::json!([]), "{policy}");
        let rights = &out["coverage"]["totals"]["rights"];
        assert_eq!(
            rights["exercised"], rights["total"],
            "{policy}: every right is exercised"
        );
    }
    // the reference policy's own tests leave gaps, and they are named with their site
    let run = rights(&["test", "tests/data/reference.rights", "--coverage"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("coverage: rights 9/10, roles 6/9, actions 2/3, reports 3/3, denies 3/3, access denies 2/2, groups 2/2, tags 1/2, default-role lines 1/3, access for role lines 2/2, revokes 3/3, attributes 1/1, context facts 1/1, inherited levels 1/1\n"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("  right `event.maintain_ad_hoc_events`  [tests/data/reference.rights:6]\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  role `regional_admin`  [tests/data/reference.rights:34]\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn coverage_follows_role_conditions_to_the_default_line() {
    let run = rights(&[
        "test",
        "tests/data/coverage_roles.rights",
        "--coverage",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let missed: Vec<String> = out["coverage"]["missed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{} {}",
                m["kind"].as_str().unwrap(),
                m["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        missed,
        vec!["right c.x".to_string()],
        "only the right is not exercised"
    );
}

/// Coverage counts every fact an expectation's explanation rests on: for
/// each expectation alone, every group, tag, revoke (of a right or of
/// access) and `access for role` line its explanation names is counted.
#[test]
fn coverage_counts_every_fact_of_each_explanation() {
    use rights::eval::explain::{AccessHow, Fact, Reason};
    use rights::sema::model::{CanQ, Expectation, ExpectedReport, Target};
    use rights::testing::coverage::Coverage;
    fn walk<'a>(rs: &'a [Reason], out: &mut Vec<&'a Reason>) {
        for r in rs {
            out.push(r);
            walk(&r.because, out);
        }
    }
    let mut checked = 0;
    for policy in [
        "tests/data/reference.rights",
        "policies",
        "tests/edges/fixtures/coverage_facts.rights",
    ] {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let ws = rights::workspace::Workspace::load(&[root.join(policy)], &[]);
        let model = ws.model();
        for t in &model.tests {
            let program = match &t.data {
                Some(d) => ws.program().unwrap().with_data(d.clone()),
                None => ws.program().unwrap().clone(),
            };
            for e in &t.expects {
                let mut cov = Coverage::new(model);
                cov.expectation(&program, e);
                // the questions the expectation's decision answers: a report's
                // run, and each row it expects
                let questions: Vec<CanQ> = match e {
                    Expectation::Can { question, .. } => vec![*question],
                    Expectation::Report {
                        question, outcome, ..
                    } => {
                        let run = CanQ {
                            user: question.user,
                            target: Target::Run(question.report),
                            on: None,
                            event: question.event,
                        };
                        let mut qs = vec![run];
                        if let ExpectedReport::Shows(rows) = outcome {
                            qs.extend(rows.iter().map(|(r, _)| CanQ {
                                on: Some(*r),
                                ..run
                            }));
                        }
                        qs
                    }
                };
                let explanations: Vec<_> = questions.iter().map(|q| program.reasons(q)).collect();
                let mut facts = Vec::new();
                for explanation in &explanations {
                    walk(&explanation.reasons, &mut facts);
                }
                for r in facts {
                    let same = |s: &rights::source::Span| r.site.is_some_and(|x| x.same_place(s));
                    let counted = match r.fact {
                        Fact::Member { group, .. }
                        | Fact::Access {
                            how: AccessHow::Group(group),
                            ..
                        } => cov.groups[group.index()],
                        Fact::Tag { tag, .. } => cov.tags[tag.index()],
                        Fact::Right { right, .. } => cov.rights[right.index()],
                        Fact::Revoked { .. }
                        | Fact::Access {
                            how: AccessHow::Revoked,
                            ..
                        } => cov.revokes.iter().any(|x| x.seen && same(&x.span)),
                        Fact::Access {
                            how: AccessHow::RoleAccess(role),
                            ..
                        } => {
                            cov.roles[role.index()]
                                && cov
                                    .role_access_lines
                                    .iter()
                                    .any(|x| x.seen && same(&x.span))
                        }
                        _ => continue,
                    };
                    checked += 1;
                    assert!(
                        counted,
                        "{policy}, test {:?}: {:?} is not counted",
                        t.name, r.fact
                    );
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} facts checked");
}

#[test]
fn coverage_counts_attributes_context_facts_and_inherited_levels() {
    let dir = scratch("coverage-v3");
    let path = dir.join("v3.rights");
    std::fs::write(
        &path,
        "access view \"View\" inherited\nattribute unit\ncontext emergency\n\
         action see on resource when access view or same unit or context emergency\n\
         resource top\nresource child in top\nuser u { access top: view }\n\
         test \"only the data\" {\n  expect can u access view on top\n}\n",
    )
    .unwrap();
    let run = rights(&["test", path.to_str().unwrap(), "--coverage"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("attributes 0/1, context facts 0/1, inherited levels 0/1\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("  attribute `unit`"), "{}", run.stdout);
    assert!(
        run.stdout.contains("  context fact `emergency`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("  inherited level `view`"),
        "{}",
        run.stdout
    );
}
