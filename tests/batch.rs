//! `rights query -` at the engine's speed (issue 16): the batch resolver
//! (a line's shape parsed once by the grammar, later lines resolved from
//! their tokens) answers exactly as the ordinary path; JSON request lines
//! answer exactly as the query text they stand for; bad lines are reported
//! with their numbers and the stream goes on.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::rights_with_stdin;
use rights::batch::Batch;
use rights::bench_gen::{Shape, Workload};
use rights::source::Origin;
use rights::workspace::Workspace;

fn small() -> (Shape, Workload) {
    let shape = Shape {
        users: 200,
        resources: 300,
        ..Shape::default()
    };
    let w = Workload::generate(&shape);
    (shape, w)
}

/// The generated workload written where the binary can read it.
fn written(w: &Workload) -> (String, String) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("batch-workload");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("policy.rights");
    let d = dir.join("data.json");
    std::fs::write(&p, w.policy()).unwrap();
    std::fs::write(&d, w.data_json().to_string()).unwrap();
    (p.display().to_string(), d.display().to_string())
}

#[test]
fn the_batch_resolver_answers_as_the_ordinary_path() {
    let (shape, w) = small();
    let mut ws = Workspace::default();
    ws.add_policy_text(Origin::Input("policy.rights".into()), w.policy());
    ws.add_data_text(Origin::Input("data.json".into()), w.data_json().to_string());
    ws.check();
    let mut batch = Batch::new(ws.program().unwrap());
    let mut fast = 0;
    for q in w.queries(3_000) {
        let text = q.text(&shape);
        let slow = ws.resolve_query(&text, "<q>").ok().map(|a| a.question);
        let quick = batch.resolve(&text);
        // a line the batch resolves is resolved the same; one it does not
        // (an error) goes the ordinary way
        if let Some(qq) = quick {
            fast += 1;
            assert_eq!(Some(qq), slow, "{text}");
        } else {
            assert!(
                slow.is_none(),
                "{text} resolves but the batch path gave it up"
            );
        }
    }
    assert!(fast > 2_900, "only {fast} of 3,000 went the fast way");
    assert!(batch.shapes() <= 3, "{} shapes learned", batch.shapes());
}

#[test]
fn every_form_of_can_on_the_reference_policy() {
    let ws = Workspace::load(&["tests/data/reference.rights".into()], &[]);
    assert!(ws.is_compiled());
    let mut batch = Batch::new(ws.program().unwrap());
    // every `can` form, with spacing and quoted ids: the batch path, and
    // exactly what the ordinary path resolves
    let fast = [
        "can jane run status_detail on resource_z",
        "can jane run status_detail",
        "explain can jane run status_detail on resource_m",
        "can jane edit_sub_resources on resource_m",
        "can jane report.status_detail",
        "can bob assign status_updater to carol on resource_m",
        "can frank assign reporter to carol",
        "can dana access update_status on resource_m",
        "can frank assign access update_status to carol on resource_z",
        "can \"jane@example.org\" report.status_detail",
        "can jane access view_resource on \"R-1001\"",
        "can   jane\trun status_detail   on resource_z  ",
    ];
    for text in fast {
        let slow = ws.resolve_query(text, "<q>").ok().map(|a| a.question);
        assert!(slow.is_some(), "{text}: the fixture should answer it");
        assert_eq!(batch.resolve(text), slow, "{text}");
    }
    // errors, other forms, comments, escapes and capitals: the ordinary path
    let ordinary = [
        "can nobody run status_detail",
        "can jane run nothing",
        "can jane edit_sub_resources",
        "who can run status_detail on resource_z",
        "rights jane",
        "can jane run status_detail on resource_z # a comment",
        "can Jane run status_detail",
        "can jane run",
        "can \"a\\\"b\" report.x",
    ];
    for text in ordinary {
        assert_eq!(batch.resolve(text), None, "{text}");
    }
}

#[test]
fn text_and_json_request_lines_give_identical_answers() {
    let (shape, w) = small();
    let (p, d) = written(&w);
    let qs = w.queries(2_000);
    let text: String = qs.iter().map(|q| q.text(&shape) + "\n").collect();
    let json: String = qs.iter().map(|q| q.json(&shape) + "\n").collect();
    let a = rights_with_stdin(&["query", "--brief", &p, "--data", &d, "-"], &text);
    let b = rights_with_stdin(
        &["query", "--brief", "--input", "json", &p, "--data", &d, "-"],
        &json,
    );
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(b.code, 0, "{}", b.stderr);
    assert_eq!(a.stdout.lines().count(), 2_000);
    assert_eq!(a.stdout, b.stdout);
    assert!(a.stdout.contains("allow") && a.stdout.contains("deny"));
    // with reasons, in JSON: the same decisions and the same query text
    let a = rights_with_stdin(&["query", "--format", "json", &p, "--data", &d, "-"], &text);
    let b = rights_with_stdin(
        &[
            "query", "--format", "json", "--input", "json", &p, "--data", &d, "-",
        ],
        &json,
    );
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn bad_request_lines_are_reported_with_their_numbers_and_the_stream_goes_on() {
    let input = concat!(
        "{\"user\": \"jane\", \"run\": \"status_detail\", \"on\": \"resource_z\"}\n",
        "{\"user\": \"jane\", \"run\": \"status_detail\", \"on\": \"resource_zz\"}\n",
        "not json\n",
        "{\"user\": \"jane\"}\n",
        "{\"user\": \"jane\", \"run\": \"status_detail\", \"colour\": \"red\"}\n",
        "\n",
        "{\"user\": \"bob\", \"assign\": \"status_updater\", \"to\": \"carol\", \"on\": \"resource_m\"}\n",
        "{\"user\": \"bob\", \"assign\": \"status_updater\", \"on\": \"resource_m\"}\n",
        "{\"user\": \"jane\", \"right\": \"report.status_detail\", \"explain\": true}\n",
        // `event` as `for event` in a query's text: a `rows event` report's only
        "{\"user\": \"jane\", \"run\": \"status_snapshot\", \"on\": \"resource_z\", \"event\": \"flood\"}\n",
        "{\"user\": \"jane\", \"run\": \"status_snapshot\", \"on\": \"resource_z\", \"event\": \"flod\"}\n",
        "{\"user\": \"jane\", \"run\": \"status_detail\", \"on\": \"resource_z\", \"event\": \"flood\"}\n",
        "{\"user\": \"jane\", \"right\": \"report.status_detail\", \"event\": \"flood\"}\n",
    );
    let mut out = String::new();
    for args in [
        vec![
            "query",
            "--brief",
            "--input",
            "json",
            "tests/data/reference.rights",
            "-",
        ],
        vec![
            "query",
            "--brief",
            "--format",
            "json",
            "--input",
            "json",
            "tests/data/reference.rights",
            "-",
        ],
        vec![
            "query",
            "--input",
            "json",
            "tests/data/reference.rights",
            "-",
        ],
    ] {
        let r = rights_with_stdin(&args, input);
        out.push_str(&format!(
            "$ rights {}\n{}\n",
            args.join(" "),
            r.transcript()
        ));
    }
    insta::assert_snapshot!(out);
    let r = rights_with_stdin(
        &[
            "query",
            "--input",
            "json",
            "tests/data/reference.rights",
            "can jane run status_detail",
        ],
        "",
    );
    assert_eq!(r.code, 2, "{}", r.transcript());
}

#[test]
fn request_shapes_read_lines_exactly_as_serde_does() {
    use rights::batch::{parse_request, RequestShapes};
    let mut shapes = RequestShapes::default();
    // read by their shape: the same request as serde reads
    let fast = [
        r#"{"user": "jane", "run": "status_detail", "on": "resource_z"}"#,
        r#"{"user":"bob","run":"status_detail","on":"resource_m"}"#,
        r#"{"on": "resource_m", "run": "status_detail", "user": "bob"}"#,
        r#"  { "user" : "jané" ,	"right" : "report.status_detail" }  "#,
        r#"{"user": "bob", "assign": "status_updater", "to": "carol", "on": "resource_m"}"#,
        r#"{"user": "frank", "assign_access": "update_status", "to": "carol", "on": "r"}"#,
        r#"{"user": "jane", "right": "report.status_detail", "explain": true}"#,
        r#"{"user": "jane", "right": "report.status_detail", "explain": false}"#,
        r#"{"user": "jane", "action": "edit_sub_resources", "on": null}"#,
        r#"{"user": "jane", "run": null, "action": "edit_sub_resources", "on": "x"}"#,
        r#"{"user": "", "access": "", "on": ""}"#,
        r#"{"user": "user", "right": "on"}"#,
    ];
    for line in fast {
        let slow = parse_request(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(shapes.request(line), Some(slow), "{line}");
    }
    // the same shapes with other values: still the same as serde
    for line in fast {
        let other = line
            .replace("jane", "zoë")
            .replace("resource_m", "\u{1F600}");
        let slow = parse_request(&other).unwrap_or_else(|e| panic!("{other}: {e}"));
        assert_eq!(shapes.request(&other), Some(slow), "{other}");
    }
    // escapes, numbers, shapes serde refuses: serde reads (and words) them
    let ordinary = [
        r#"{"user": "ja\"ne", "run": "status_detail"}"#,
        r#"{"user": "jane\u0041", "run": "status_detail"}"#,
        r#"{"user": 7, "run": "status_detail"}"#,
        r#"{"user": "jane", "user": "bob", "run": "status_detail"}"#,
        r#"{"user": "jane", "run": null, "action": null, "run": "status_detail"}"#,
        r#"{"user": "jane", "run": "status_detail", "action": "x"}"#,
        r#"{"user": "jane", "colour": "red", "run": "x"}"#,
        r#"{"user": "jane", "assign": "status_updater", "on": "resource_m"}"#,
        r#"{"user": ["jane"], "run": "status_detail"}"#,
        r#"{"user": "jane", "run": "status_detail""#,
        r#"{"user": "jane", "run": "status_detail"} {"#,
        r#"not json"#,
        r#""#,
        "{\"user\": \"ja\tne\", \"run\": \"x\"}",
    ];
    for line in ordinary {
        assert_eq!(shapes.request(line), None, "{line}");
    }
    // a key twice is refused, `null` or not
    let twice = parse_request(r#"{"user": "a", "run": null, "action": null, "run": "x"}"#);
    assert_eq!(twice.err().as_deref(), Some("duplicate field `run`"));
    // and they are read the same afterwards (a refused shape stays refused)
    for line in ordinary {
        assert_eq!(shapes.request(line), None, "{line}");
    }
}

/// `--brief` keeps answer N on line N whatever the line holds: an error
/// says `error` (its reason on stderr, with the line number), a blank or
/// comment line is an empty line, a listing is one line of names; JSON
/// output gives one object per question, as text or JSON requests.
#[test]
fn every_question_gets_exactly_one_line() {
    let p = "policies/emresource.rights";
    let text = "can jane run status_detail on resource_z\ncan janex run status_detail\n\n# a comment\ncan jane run status_detail on resource_m\nwho can run no_such_report\nroles jane\nrights jane\nexplain can jane run status_detail on resource_m\nwho can run status_detail on resource_z\n";
    let run = rights_with_stdin(&["query", p, "--brief", "-"], text);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), text.lines().count(), "{}", run.stdout);
    assert_eq!(&lines[..6], ["allow", "error", "", "", "deny", "error"]);
    assert_eq!(lines[6], "viewer reporter");
    assert!(lines[7].contains("report.status_detail"), "{}", lines[7]);
    assert_eq!(lines[8], "deny");
    assert!(lines[9].split(' ').any(|u| u == "jane"), "{}", lines[9]);
    assert!(
        run.stderr.contains("stdin line 2: unknown user `janex`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("stdin line 6: unknown report"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);

    let json = rights_with_stdin(&["query", p, "--brief", "--format", "json", "-"], text);
    let questions = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count();
    assert_eq!(json.stdout.lines().count(), questions, "{}", json.stdout);

    let requests = "{\"user\": \"jane\", \"run\": \"status_detail\", \"on\": \"resource_z\"}\n{\"user\": \"nobody\", \"right\": \"x\"}\nnot json\n\n{\"user\": \"jane\", \"run\": \"status_detail\", \"on\": \"resource_m\"}\n";
    let run = rights_with_stdin(&["query", p, "--brief", "--input", "json", "-"], requests);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        ["allow", "error", "error", "", "deny"],
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("stdin line 3"), "{}", run.stderr);
}
