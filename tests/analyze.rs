//! `rights analyze`: two policies compared for every possible user (an
//! equivalent refactoring, an added grant, a removed deny), in every output
//! format, with the exit codes a CI gate reads; and what it proves of one
//! policy.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::{rights, scratch};

const BASE: &str = "tests/analyze/base.rights";

fn compared(new: &str, extra: &[&str]) -> String {
    let mut out = String::new();
    for format in ["human", "json", "markdown"] {
        let mut args = vec!["analyze", BASE, new, "--format", format];
        args.extend(extra);
        let run = rights(&args);
        if format == "json" {
            serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap();
        }
        out.push_str(&format!("=== {format}\n{}", run.transcript()));
    }
    out
}

#[test]
fn an_equivalent_refactoring_is_equivalent() {
    let run = rights(&["analyze", BASE, "tests/analyze/refactored.rights"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.contains("12 of 12 items allow exactly the same"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(compared("tests/analyze/refactored.rights", &[]));
}

#[test]
fn an_added_grant_is_new_access_with_a_witness() {
    let run = rights(&["analyze", BASE, "tests/analyze/added_grant.rights"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run
        .stdout
        .contains("more permissive: right `report.status_detail`"));
    assert!(run.stdout.contains("user witness { roles viewer }"));
    assert!(run.stdout.contains("vic (now allowed)"));
    assert!(!run.stdout.contains("right `report.status_summary`"));
    insta::assert_snapshot!(compared("tests/analyze/added_grant.rights", &[]));
    // reported, not failed, with --allow-new
    let allowed = rights(&[
        "analyze",
        BASE,
        "tests/analyze/added_grant.rights",
        "--allow-new",
    ]);
    assert_eq!(allowed.code, 0);
    assert_eq!(allowed.stdout, run.stdout);
}

#[test]
fn a_removed_deny_is_reported() {
    let run = rights(&["analyze", BASE, "tests/analyze/removed_deny.rights"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stdout.contains("more permissive: right `event.manage`"));
    assert!(run.stdout.contains("flags suspended"));
    assert!(run.stdout.contains("sam (now allowed)"));
    insta::assert_snapshot!(compared("tests/analyze/removed_deny.rights", &[]));
}

#[test]
fn taking_access_away_is_not_new_access() {
    let run = rights(&["analyze", "tests/analyze/added_grant.rights", BASE]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run
        .stdout
        .contains("less permissive: right `report.status_detail`"));
    assert!(run.stdout.contains("vic (now denied)"));
}

#[test]
fn the_witness_is_a_user_that_pastes_into_a_test() {
    let run = rights(&[
        "analyze",
        BASE,
        "tests/analyze/added_grant.rights",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let item = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "right" && i["name"] == "report.status_detail")
        .unwrap();
    let user = item["gains"]["user"].as_str().unwrap();
    // the witness, pasted into the new policy's test, passes there and fails in the old
    let test = format!("{user}\ntest \"witness\" {{ expect can witness report.status_detail }}\n");
    let dir = scratch("analyze_witness");
    for (name, policy, ok) in [
        ("new", "tests/analyze/added_grant.rights", true),
        ("old", BASE, false),
    ] {
        let text = std::fs::read_to_string(policy).unwrap() + &test;
        let path = dir.join(format!("{name}.rights"));
        std::fs::write(&path, text).unwrap();
        let run = rights(&["test", path.to_str().unwrap()]);
        assert_eq!(run.code == 0, ok, "{name}: {}", run.transcript());
    }
}

#[test]
fn errors_exit_2() {
    let missing = rights(&["analyze", BASE, "tests/analyze/missing.rights"]);
    assert_eq!(missing.code, 2, "{}", missing.transcript());
    let dir = scratch("analyze_errors");
    let broken = dir.join("broken.rights");
    std::fs::write(&broken, "role x { grant }\n").unwrap();
    let run = rights(&["analyze", BASE, broken.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("expected a name"), "{}", run.stderr);
    assert_eq!(rights(&["analyze"]).code, 2);
    assert_eq!(rights(&["analyze", BASE, BASE, BASE]).code, 2);
}

#[test]
fn one_policy_findings_are_proofs() {
    let mut out = String::new();
    for f in [
        "tests/lint/R019-right-never-held.rights",
        "tests/lint/R020-never-allowed.rights",
        "tests/lint/R022-deny-constant.rights",
        "policies/",
    ] {
        for format in ["human", "json", "markdown"] {
            let run = rights(&["analyze", f, "--format", format]);
            assert_eq!(run.code, 0, "{}", run.transcript());
            out.push_str(&format!("=== {f} {format}\n{}", run.transcript()));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn a_new_right_or_action_someone_can_use_is_new_access() {
    let run = rights(&["analyze", BASE, "tests/analyze/new_right.rights"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("more permissive: right `admin.delete_all` (new)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("more permissive: action `wipe` (new)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("vic (now allowed)"), "{}", run.stdout);
    // the other way round it is taken away: listed, not new access
    let back = rights(&["analyze", "tests/analyze/new_right.rights", BASE]);
    assert_eq!(back.code, 0, "{}", back.transcript());
    assert!(
        back.stdout.contains(
            "only in tests/analyze/new_right.rights: right `admin.delete_all`, action `wipe`"
        ),
        "{}",
        back.stdout
    );
}

#[test]
fn access_a_resource_now_gives_to_a_role_is_new_access_on_that_resource() {
    let run = rights(&["analyze", BASE, "tests/analyze/role_access.rights"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("more permissive: access `run_reports` on a resource"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("access for role event_manager: run_reports }  # like r1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("sam on r1 (now allowed)"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(compared("tests/analyze/role_access.rights", &[]));
}

/// A witness's "like R" names only a resource where the witness shows the
/// difference: never an archived ward that can never be a row.
#[test]
fn a_witness_is_like_only_a_resource_where_it_holds() {
    let run = rights(&[
        "analyze",
        "tests/analyze/archived/old.rights",
        "tests/analyze/archived/new.rights",
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stdout.contains("# like sm_ward"), "{}", run.stdout);
    assert!(!run.stdout.contains("sm_old_wing"), "{}", run.stdout);
}
