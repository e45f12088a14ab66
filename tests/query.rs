//! `rights query`: golden transcripts. Each `tests/queries/*.queries` file names
//! its arguments on a first `# args:` line; its queries are piped to
//! `rights query ARGS -`, and the human and JSON answers are kept as snapshots.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::{rights, rights_with_stdin};

fn args_of(text: &str) -> Vec<String> {
    let first = text.lines().next().unwrap();
    let args = first
        .strip_prefix("# args:")
        .expect("first line is `# args: …`");
    args.split_whitespace().map(str::to_string).collect()
}

#[test]
fn golden_query_transcripts() {
    insta::glob!("queries/*.queries", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let mut args = vec!["query".to_string()];
        args.extend(args_of(&text));
        args.push("-".into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let human = rights_with_stdin(&args, &text);
        let mut json_args = args.clone();
        json_args.extend(["--format", "json"]);
        let json = rights_with_stdin(&json_args, &text);
        // every JSON line parses
        for line in json.stdout.lines() {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
        insta::assert_snapshot!(format!(
            "{}\n=== json\n{}",
            human.transcript(),
            json.transcript()
        ));
    });
}

fn json_of(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["query", "tests/data/reference.rights", "--format", "json"];
    all.extend(args);
    let run = rights(&all);
    assert_eq!(run.code, 0, "{}", run.transcript());
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn json_can_carries_the_decision_and_reasons() {
    let allow = json_of(&["can jane run status_detail on resource_z"]);
    assert_eq!(allow["decision"], "allow");
    let deny = json_of(&["explain can jane run status_detail on resource_m"]);
    assert_eq!(deny["decision"], "deny");
    assert_eq!(
        deny["fixes"][0][0],
        "grant access `run_reports` on `resource_m` to jane"
    );
    let missing = &deny["reasons"][1]["because"][0];
    assert_eq!(missing["holds"], false);
    assert_eq!(missing["at"], "tests/data/reference.rights:86");
}

#[test]
fn json_who_lists_users_and_report_lists_rows() {
    // li's access to resource_z holds from 2026-12-01 until 2026-12-24
    let who = json_of(&["who can run status_detail on resource_z"]);
    assert_eq!(who["users"], serde_json::json!(["jane", "li"]));
    let who = json_of(&["who can run status_detail on resource_z at 2026-12-25"]);
    assert_eq!(who["users"], serde_json::json!(["jane"]));
    let report = json_of(&["report status_snapshot as jane for event flood"]);
    let rows: Vec<(String, String)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["resource"].as_str().unwrap().into(),
                r["visibility"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("resource_a".into(), "name_only".into()),
            ("resource_m".into(), "name_only".into()),
            ("resource_z".into(), "full".into())
        ]
    );
    assert_eq!(report["rows"][2]["details"]["beds"], "4");
    assert!(
        report["rows"][0]["details"].is_null(),
        "name-only rows show no details"
    );
}

#[test]
fn a_single_query_argument_is_answered() {
    let run = rights(&[
        "query",
        "tests/data/reference.rights",
        "can jane run status_detail on resource_z",
    ]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .starts_with("allow: jane may run report `status_detail` on `resource_z`\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_bad_query_exits_1_and_a_bad_policy_too() {
    let run = rights(&["query", "tests/data/reference.rights", "can jane fly"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("unknown action or right `fly`"),
        "{}",
        run.stderr
    );
    let run = rights(&["query", "tests/diagnostics/role_cycle.rights", "roles a"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("rights::resolve::role_cycle"),
        "{}",
        run.stderr
    );
    let run = rights(&[
        "query",
        "tests/diagnostics/bad_data.rights",
        "--data",
        "tests/diagnostics/bad_data.json",
        "roles jane",
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("bad_data.json"), "{}", run.stderr);
    let run = rights(&["query", "nowhere.rights", "roles jane"]);
    assert_eq!(run.code, 2);
}

/// The README's tour shows real output: every `$ rights …` block in it is run
/// and must print exactly what the README shows.
#[test]
fn readme_examples_print_what_the_readme_shows() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let mut checked = 0;
    let mut lines = readme.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(cmd) = line.strip_prefix("$ rights ") else {
            continue;
        };
        let mut expected = String::new();
        while let Some(l) = lines.peek() {
            if l.starts_with("```") {
                break;
            }
            expected.push_str(l);
            expected.push('\n');
            lines.next();
        }
        let args = common::shell_words(cmd);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = rights(&args);
        assert_eq!(run.stdout, expected, "README example `rights {cmd}`");
        checked += 1;
    }
    assert!(checked >= 1, "the README shows no example output");
}

/// In JSON answers, a reason that rests on a JSON data entry says where:
/// `"at"` (file:line), `"column"` and `"pointer"` lead to the entry, even in
/// a file of one line.
#[test]
fn json_reasons_lead_to_the_data_entry() {
    let dir = common::scratch("query-pointer");
    let before = std::fs::read_to_string("tests/diff/users_before.json")
        .or_else(|_| {
            std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/diff/users_before.json"
            ))
        })
        .unwrap();
    // minified: one line
    let value: serde_json::Value = serde_json::from_str(&before).unwrap();
    let data = dir.join("users.json");
    std::fs::write(&data, value.to_string()).unwrap();
    let run = rights(&[
        "query",
        "policies/emresource.rights",
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
        "explain can ben run status_detail on resource_z",
    ]);
    let answer: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let text = std::fs::read_to_string(&data).unwrap();
    let mut seen = 0;
    let mut stack = vec![answer["reasons"].clone()];
    while let Some(v) = stack.pop() {
        for r in v.as_array().into_iter().flatten() {
            stack.push(r["because"].clone());
            let Some(pointer) = r["pointer"].as_str() else {
                continue;
            };
            seen += 1;
            assert!(r["at"].as_str().unwrap().ends_with("users.json:1"), "{r}");
            // the column is where the pointed-to member is written
            let column = r["column"].as_u64().unwrap() as usize;
            let at: String = text.chars().skip(column - 1).collect();
            let last = pointer.rsplit('/').next().unwrap();
            assert!(
                at.starts_with(&format!("\"{last}\"")),
                "{pointer} at column {column}: {}",
                &at[..40.min(at.len())]
            );
            assert!(
                value.pointer(pointer).is_some(),
                "{pointer} is not in the file"
            );
        }
    }
    assert!(seen > 0, "no reason pointed into the data: {answer}");
}

/// The batch path writes `can` answers straight to the output; the text is
/// the same as the JSON answer built as a value, on every question of the
/// reference policy and of JSON data with escapes and pointers.
#[test]
fn json_answers_written_straight_equal_the_built_ones() {
    use rights::eval::answer::Answer;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let ws = rights::workspace::Workspace::load(
        &[root.join("tests/data/reference.rights")],
        &[root.join("tests/data/extra_users.json")],
    );
    let program = ws.program().unwrap();
    let words = rights::words::Words::new(program, &ws.sources);
    let mut asked = 0;
    for u in &program.data.users {
        for (i, _) in program.policy.reports.iter().enumerate() {
            for on in std::iter::once(None)
                .chain(program.data.resources.iter().map(|r| Some(&r.meta.name)))
            {
                let report = &program.policy.reports[i].meta.name;
                let q = match on {
                    Some(r) => format!(
                        "explain can {} run {report} on {}",
                        rights::syntax::keywords::data_id_text(&u.meta.name),
                        rights::syntax::keywords::data_id_text(r)
                    ),
                    None => format!(
                        "explain can {} run {report}",
                        rights::syntax::keywords::data_id_text(&u.meta.name)
                    ),
                };
                let Ok(answer) = ws.ask(&q, "<q>") else {
                    continue;
                };
                assert!(matches!(answer, Answer::Can { .. }));
                let mut straight = String::new();
                words.write_json(&answer, "a \"quoted\"\tquery\u{1}", &mut straight);
                assert_eq!(
                    straight,
                    words.json(&answer, "a \"quoted\"\tquery\u{1}").to_string(),
                    "{q}"
                );
                asked += 1;
            }
        }
    }
    assert!(asked > 50, "{asked}");
}
