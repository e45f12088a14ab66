//! LANGUAGE.md is the contract: every example in it parses (copies are kept in
//! `tests/data/language/`), and `tests/data/reference.rights` checks cleanly.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use rights::source::{Origin, SourceMap};
use std::path::Path;

fn files(ext: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/language");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    out.sort();
    out
}

#[test]
fn every_policy_example_parses() {
    let examples = files(".rights");
    assert!(examples.len() >= 10, "examples are missing: {examples:?}");
    for path in examples {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut sources = SourceMap::new();
        let id = sources.add(Origin::Path(path.clone()), text.clone());
        if let Err(d) = rights::syntax::parse_file(id, &text) {
            panic!("{}", rights::diag::render(&d, &sources, Default::default()));
        }
    }
}

#[test]
fn every_query_example_parses() {
    for path in files("_queries.txt") {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut count = 0;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let mut sources = SourceMap::new();
            let id = sources.add(Origin::Input("<query>".into()), line.to_string());
            if let Err(d) = rights::syntax::parse_query(id, line) {
                panic!(
                    "{line}\n{}",
                    rights::diag::render(&d, &sources, Default::default())
                );
            }
            count += 1;
        }
        assert_eq!(count, 12, "LANGUAGE.md §5 lists 12 queries");
    }
}

#[test]
fn the_json_data_example_reads_cleanly() {
    for path in files("_data.json") {
        let text = std::fs::read_to_string(&path).unwrap();
        let rights::data::ReadJson { items, diags, .. } =
            rights::data::parse_json(rights::source::FileId(0), &text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(items.len(), 3, "one user, one resource, one event");
    }
}

#[test]
fn reference_policy_checks_cleanly() {
    let ws = rights::workspace::Workspace::load(
        &[Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference.rights")],
        &[],
    );
    let (model, diags) = (ws.model(), ws.diagnostics());
    assert!(
        diags.is_empty(),
        "{}",
        rights::diag::render_all(diags, &ws.sources, Default::default())
    );
    assert_eq!(model.tests.len(), 13);
    assert_eq!(model.policy.rights.len(), 10);
    assert_eq!(model.policy.attributes.len(), 1);
    assert_eq!(model.policy.contexts.len(), 1);
    assert!(model.policy.has_inherited());
}

#[test]
fn ast_shape_equality_ignores_spans_and_span_equality_does_not() {
    let a = rights::syntax::parse_file(rights::source::FileId(0), "role r { grant x.y }").unwrap();
    let b =
        rights::syntax::parse_file(rights::source::FileId(1), "\n\n  role   r {\n grant x.y\n}")
            .unwrap();
    let c = rights::syntax::parse_file(rights::source::FileId(0), "role r { grant x.z }").unwrap();
    use rights::source::Shape;
    // by shape, the same tree wherever it is written; by place, not
    assert_eq!(Shape(&a), Shape(&b));
    assert_ne!(Shape(&a), Shape(&c));
    assert_ne!(a, b);
}

/// LANGUAGE.md §9.5: each `where can` example answers, against the reference
/// policy, what its comment says (the resources before the first `:`).
#[test]
fn the_where_can_examples_answer_as_written() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/language/24_where.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let ws = rights::workspace::Workspace::load(
        &[Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference.rights")],
        &[],
    );
    let mut count = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (query, said) = line.split_once('#').unwrap_or((line, ""));
        let answer = ws.ask(query.trim(), "<query>").unwrap();
        let rights::eval::answer::Answer::Where { resources, .. } = answer else {
            panic!("{query}: not a `where can` answer");
        };
        let names: Vec<&str> = resources
            .iter()
            .map(|r| ws.program().unwrap().data.resource(*r).meta.name.as_str())
            .collect();
        let said: Vec<&str> = said
            .split(':')
            .next()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(names, said, "{query}");
        count += 1;
    }
    assert_eq!(count, 3);
}
