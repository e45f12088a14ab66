//! `rights diff`: golden transcripts of what real changes to the seed
//! policies (and to data) do to their users, in every output format; the
//! gates; `git:REV` inside a temporary repository.
//!
//! Each `tests/diff/CASE.edit` names a seed policy file and one replacement;
//! the edited copy is written to `target/diff-cases/CASE/` (a fixed path, so
//! transcripts are stable) and diffed against the original.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::{rel, rights, scratch};
use std::path::Path;
use std::process::Command;

/// Applies a case's replacement; returns (original, edited copy, data
/// arguments), relative.
fn edited(case: &Path) -> (String, String, Vec<String>) {
    let spec = std::fs::read_to_string(case).unwrap();
    let mut body: Vec<&str> = spec.lines().skip_while(|l| l.starts_with('#')).collect();
    let file = body.remove(0).strip_prefix("file: ").unwrap().to_string();
    let mut data = Vec::new();
    while let Some(d) = body.first().and_then(|l| l.strip_prefix("data: ")) {
        data.extend(["--data".to_string(), d.to_string()]);
        body.remove(0);
    }
    let text = body.join("\n");
    let (replace, with) = text.split_once("\nwith: ").unwrap();
    let replace = replace.strip_prefix("replace: ").unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let original = std::fs::read_to_string(root.join(&file)).unwrap();
    assert_eq!(
        original.matches(replace).count(),
        1,
        "{}: the text to replace must occur once",
        case.display()
    );
    let name = case.file_stem().unwrap().to_str().unwrap();
    let dir = format!("target/diff-cases/{name}");
    std::fs::create_dir_all(root.join(&dir)).unwrap();
    let copy = format!(
        "{dir}/{}",
        Path::new(&file).file_name().unwrap().to_str().unwrap()
    );
    // tests running at once write the same case: each writes its own
    // temporary file and renames it into place, so none reads a half-written one
    let tmp = root.join(format!("{copy}.{:?}.tmp", std::thread::current().id()));
    std::fs::write(&tmp, original.replacen(replace, with, 1)).unwrap();
    std::fs::rename(&tmp, root.join(&copy)).unwrap();
    (file, copy, data)
}

fn all_formats(args: &[&str]) -> String {
    let mut out = String::new();
    for format in ["human", "json", "markdown", "github"] {
        let mut a = args.to_vec();
        a.extend(["--format", format]);
        let run = rights(&a);
        if format == "json" {
            serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap();
        }
        out.push_str(&format!("=== {format}\n{}", run.transcript()));
    }
    out
}

#[test]
fn golden_diffs_of_seed_policy_changes() {
    insta::glob!("diff/*.edit", |path| {
        let (original, copy, data) = edited(path);
        let mut args = vec!["diff", original.as_str(), copy.as_str()];
        args.extend(data.iter().map(String::as_str));
        let out = all_formats(&args);
        insta::assert_snapshot!(out);
        let _ = rel(path);
    });
}

#[test]
fn each_change_names_its_users_and_its_cause() {
    let (original, copy, _) = edited(Path::new("tests/diff/grant_added.edit"));
    let run = rights(&["diff", &original, &copy]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    // reporters (jane) and the roles extending reporter (bob, rita) gain it
    assert!(
        run.stdout
            .contains("+ right `report.event_detail`: 2 users gain it (jane, bob)")
            || run.stdout.contains("right `report.event_detail`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("because: + target/diff-cases/grant_added/emresource.rights:185"),
        "{}",
        run.stdout
    );
    let (original, copy, data) = edited(Path::new("tests/diff/deny_removed.edit"));
    let run = rights(&["diff", &original, &copy, &data[0], &data[1]]);
    assert!(
        run.stdout.contains(
            "because: - policies/analytics.rights:79  deny analytics.report.benchmarking"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_data_change_under_one_policy() {
    let args = [
        "diff",
        "policies/emresource.rights",
        "--data",
        "tests/diff/users_before.json",
        "--data-new",
        "tests/diff/users_after.json",
    ];
    let run = rights(&args);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.contains("ben"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("because: + tests/diff/users_after.json:4"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(all_formats(&args));
}

#[test]
fn gates_and_errors() {
    let (original, copy, data) = edited(Path::new("tests/diff/deny_removed.edit"));
    let gate = |extra: &[&str]| {
        let mut a = vec!["diff", original.as_str(), copy.as_str(), &data[0], &data[1]];
        a.extend(extra);
        rights(&a).code
    };
    assert_eq!(gate(&[]), 0);
    assert_eq!(gate(&["--fail-on", "new-access"]), 1);
    assert_eq!(gate(&["--fail-on", "any"]), 1);
    // the other way round, access is only lost
    let back = rights(&[
        "diff",
        &copy,
        &original,
        &data[0],
        &data[1],
        "--fail-on",
        "new-access",
    ]);
    assert_eq!(back.code, 0, "{}", back.transcript());
    assert_eq!(
        rights(&[
            "diff",
            &copy,
            &original,
            &data[0],
            &data[1],
            "--fail-on",
            "any"
        ])
        .code,
        1
    );
    // unchanged
    let same = rights(&["diff", "policies/", "policies/", "--fail-on", "any"]);
    assert_eq!(same.code, 0, "{}", same.transcript());
    assert!(
        same.stdout.contains("the two versions are the same"),
        "{}",
        same.stdout
    );
    // errors: a missing path, a bad revision, one policy without --data-new
    assert_eq!(rights(&["diff", "policies/", "nowhere/"]).code, 2);
    assert_eq!(
        rights(&["diff", "git:no-such-revision-xyz", "policies/"]).code,
        2
    );
    assert_eq!(rights(&["diff", "policies/"]).code, 2);
}

/// `rights diff git:HEAD policies/` in a temporary repository: the committed
/// policy against the working copy.
#[test]
fn git_revision_against_the_working_copy() {
    let dir = scratch("diff_git");
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(&dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output();
        match out {
            Ok(o) => o.status.success(),
            Err(_) => false,
        }
    };
    if !git(&["init", "-q"]) {
        eprintln!("git is not installed: skipped");
        return;
    }
    let policy = "right report.a \"A\"\nright report.b \"B\"\nrole reporter { grant report.a }\nuser jane { roles reporter }\n";
    // the policy committed in `folder`, then a grant added in the working copy
    let commit_then_grant = |folder: &str| {
        let f = dir.join(folder);
        std::fs::create_dir_all(&f).unwrap();
        std::fs::write(f.join("p.rights"), policy).unwrap();
        assert!(git(&["add", "."]));
        assert!(git(&["commit", "-q", "-m", folder]));
        std::fs::write(
            f.join("p.rights"),
            policy.replace("{ grant report.a }", "{ grant report.a, report.b }"),
        )
        .unwrap();
    };
    // `rights diff ARGS` in the repository: exit code and stdout (stderr on failure)
    let diff = |args: &[&str], code: i32| -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_rights"))
            .env("RIGHTS_TODAY", common::TODAY)
            .arg("diff")
            .args(args)
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    };
    commit_then_grant("policies");
    let stdout = diff(&["git:HEAD", "policies/", "--fail-on", "new-access"], 1);
    assert!(
        stdout.contains("+ right `report.b`: 1 user gains it (jane)"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("because: + policies/p.rights:3  role reporter { grant report.a, report.b }"),
        "{stdout}"
    );
    // a revision and a path
    let stdout = diff(&["git:HEAD:policies/p.rights", "policies/p.rights"], 0);
    assert!(stdout.contains("report.b"), "{stdout}");
    // a folder with a space and a non-ASCII letter (git quotes such paths
    // unless asked for NUL-separated output)
    commit_then_grant("polé cies");
    let stdout = diff(&["git:HEAD:polé cies", "polé cies"], 0);
    assert!(
        stdout.contains("+ right `report.b`: 1 user gains it (jane)"),
        "{stdout}"
    );
}

/// Without users in the data, the differences for every possible user; with
/// `--symbolic` and users, both, and which no user exercises yet.
#[test]
fn symbolic_differences_without_users_or_on_request() {
    let dir = scratch("diff_symbolic");
    let old = dir.join("old.rights");
    let new = dir.join("new.rights");
    std::fs::write(
        &old,
        "right a.x \"X\"\nright a.y \"Y\"\nrole r { grant a.x }\n",
    )
    .unwrap();
    std::fs::write(
        &new,
        "right a.x \"X\"\nright a.y \"Y\"\nrole r { grant a.x, a.y }\n",
    )
    .unwrap();
    let run = rights(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--fail-on",
        "new-access",
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("more permissive: right `a.y`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("user witness { roles r }"),
        "{}",
        run.stdout
    );
    let run = rights(&[
        "diff",
        BASE_POLICY,
        "tests/analyze/added_grant.rights",
        "--symbolic",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("+ right `report.status_detail`: 1 user gains it (vic)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("more permissive: right `report.status_detail`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("every difference above changes some user of the data")
            || run
                .stdout
                .contains("not exercised by any user of the data yet"),
        "{}",
        run.stdout
    );
    // users and every possible user in one JSON document
    let run = rights(&[
        "diff",
        BASE_POLICY,
        "tests/analyze/added_grant.rights",
        "--symbolic",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    assert!(v["users"]["changes"].is_array(), "{v}");
    assert!(v["every_possible_user"].is_object(), "{v}");
    // and as GitHub annotations
    let run = rights(&[
        "diff",
        BASE_POLICY,
        "tests/analyze/added_grant.rights",
        "--symbolic",
        "--format",
        "github",
    ]);
    assert!(
        run.stdout.lines().all(|l| l.starts_with("::notice ")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("every possible user"), "{}", run.stdout);
}

const BASE_POLICY: &str = "tests/analyze/base.rights";

/// A pull-request comment holds 65,536 characters: a Markdown diff past it
/// is cut at a line, its open `<details>` closed, and says so. Its headers
/// count changes (as the summary does), not the lines grouping them.
#[test]
fn markdown_fits_a_pull_request_comment() {
    let dir = scratch("diff-markdown-cap");
    let mut rights_text = String::new();
    for i in 0..300 {
        rights_text.push_str(&format!("right c.right_with_a_rather_long_name_{i:03}\n"));
    }
    // each user gains their own right, and the cause is a long line
    // (a quoted line that mentions `</details>` does not close a section)
    let comment = format!("</details> {}", "x".repeat(400));
    let (mut old, mut new) = (rights_text.clone(), rights_text);
    for u in 0..300 {
        old.push_str(&format!("user u{u:03}\n"));
        new.push_str(&format!(
            "user u{u:03} {{ grant c.right_with_a_rather_long_name_{u:03} }} # {comment}\n"
        ));
    }
    std::fs::write(dir.join("old.rights"), old).unwrap();
    std::fs::write(dir.join("new.rights"), new).unwrap();
    let old_path = dir.join("old.rights").display().to_string();
    let new_path = dir.join("new.rights").display().to_string();
    let r = rights(&["diff", &old_path, &new_path, "--format", "markdown"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = &r.stdout;
    assert!(
        md.chars().count() <= 65_536,
        "{} characters",
        md.chars().count()
    );
    let head: String = md.chars().take(600).collect();
    assert!(md.contains("300 changes for 300 users"), "{head}");
    assert!(
        md.contains("<summary>Gained: 300 changes</summary>"),
        "{head}"
    );
    assert!(md.contains("… cut here"));
    let opened = md.lines().filter(|l| l.starts_with("<details>")).count();
    let closed = md.lines().filter(|l| *l == "</details>").count();
    assert_eq!((opened, closed), (1, 1));
    // every line kept is whole
    let last = md.lines().rev().find(|l| l.starts_with("- ")).unwrap();
    assert!(last.ends_with('`'), "{last}");
}

/// A user only in the new data is new access: the gate trips, and the
/// output says who was added and what they can do (roles, rights, access),
/// counted in the summary — never "0 changes for 0 users" alone.
#[test]
fn an_added_user_is_named_with_what_they_can_do() {
    let args = [
        "diff",
        "policies/emresource.rights",
        "--data",
        "tests/diff/users_before.json",
        "--data-new",
        "tests/diff/users_added.json",
        "--fail-on",
        "new-access",
    ];
    let run = rights(&args);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("1 user added, 1 removed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("dora: roles viewer, resource_editor; 4 rights;"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("access on 2 resources (3 levels)"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(all_formats(&args));
}

/// For every possible user, GitHub notices are built from the comparison's
/// data: one per difference, with its witness and the users affected.
#[test]
fn symbolic_github_notices_one_per_difference() {
    let run = rights(&[
        "diff",
        "tests/analyze/base.rights",
        "tests/analyze/added_grant.rights",
        "--symbolic",
        "--format",
        "github",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let every: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::notice title=rights diff (every possible user)::"))
        .collect();
    assert_eq!(every.len(), 2, "{}", run.stdout);
    assert!(every[0].contains("more permissive: right `report.status_detail`; gains it, for example: user witness { roles viewer }"), "{}", every[0]);
    assert!(
        run.stdout.lines().all(|l| l.starts_with("::notice ")),
        "{}",
        run.stdout
    );
}

/// One policy as of two dates (§9.3): who gains and loses what when time
/// passes, each change caused by the windowed item that ended or began.
#[test]
fn time_passing_under_one_policy() {
    insta::assert_snapshot!(
        "time_passing",
        all_formats(&[
            "diff",
            "tests/data/reference.rights",
            "--at",
            "2026-12-20",
            "--at-new",
            "2027-01-02",
        ])
    );
    let run = rights(&[
        "diff",
        "tests/data/reference.rights",
        "--at-new",
        "2027-02-30",
    ]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("'2027-02-30' for '--at-new <DATE>'")
            && run.stderr.contains("that month has 28 days"),
        "{}",
        run.stderr
    );
    // a gate trips on time too: li gains access when her group begins
    let run = rights(&[
        "diff",
        "tests/data/reference.rights",
        "--at",
        "2026-12-20",
        "--at-new",
        "2027-01-02",
        "--fail-on",
        "new-access",
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
}
