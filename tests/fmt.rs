//! `rights fmt`: sound (same tree, every comment kept), idempotent, over every
//! policy file in the project; `policies/` is formatted; the CLI modes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::{rights, rights_with_stdin};
use std::path::{Path, PathBuf};

fn rights_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rights_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rights") {
            out.push(p);
        }
    }
}

#[test]
fn every_file_formats_soundly_and_idempotently() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rights_files(&root.join("policies"), &mut files);
    rights_files(&root.join("tests"), &mut files);
    let mut formatted = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        if rights::syntax::parse_file(rights::source::FileId(0), &text).is_err() {
            continue; // syntax-error fixtures
        }
        // `format` itself refuses output that parses differently, loses a comment
        // or is not a fixed point; check the last two here too
        let once = rights::fmt::format(&text).unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
        // the editor's way (its analysis's parse, with another file id) is the same
        let parsed = rights::syntax::parse_file(rights::source::FileId(7), &text).unwrap();
        let reused = rights::fmt::format_parsed(&text, &parsed).unwrap();
        assert_eq!(once, reused, "{}: format_parsed differs", f.display());
        let twice = rights::fmt::format(&once).unwrap();
        assert_eq!(once, twice, "{} is not idempotent", f.display());
        let count = |t: &str| rights::syntax::comments(t).len();
        assert_eq!(count(&text), count(&once), "{} lost a comment", f.display());
        formatted += 1;
    }
    assert!(formatted > 40, "only {formatted} files were formatted");
}

#[test]
fn bundled_policies_are_formatted() {
    let run = rights(&["fmt", "--check", "policies"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout, "ok: every file is formatted\n");
}

#[test]
fn the_reference_policy_in_canonical_layout() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference.rights"),
    )
    .unwrap();
    insta::assert_snapshot!(rights::fmt::format(&text).unwrap());
}

#[test]
fn stdin_to_stdout() {
    let run = rights_with_stdin(
        &["fmt", "-"],
        "role   r   {grant a.b   # why\n}\nright a.b\n",
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout, "role r {\n  grant a.b  # why\n}\nright a.b\n");
    let run = rights_with_stdin(&["fmt", "-"], "role r {");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("rights::syntax::unexpected"));
}

#[test]
fn check_shows_a_diff_and_writing_fixes_the_file() {
    let dir = common::scratch("fmt");
    let path = dir.join("messy.rights");
    std::fs::write(
        &path,
        "right   report.a   \"A\"\n\n\n# roles\nrole reporter {grant report.a}\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let run = rights(&["fmt", "--check", p]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("-right   report.a   \"A\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("+right report.a \"A\""),
        "{}",
        run.stdout
    );
    let run = rights(&["fmt", p]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "right report.a \"A\"\n\n# roles\nrole reporter {\n  grant report.a\n}\n"
    );
    assert_eq!(rights(&["fmt", "--check", p]).code, 0);
}

/// Every `tests/fmt/*.rights` case, formatted, is a golden snapshot; each is
/// also formatted again to check it is a fixed point. Adding a case means
/// adding a file.
#[test]
fn golden_formatting() {
    insta::glob!("fmt/*.rights", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let once = rights::fmt::format(&text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(rights::fmt::format(&once).unwrap(), once);
        insta::assert_snapshot!(once);
    });
}

/// Comments inside a declaration stay inside it: such a declaration is kept as
/// written rather than reflowed (see `Printer::verbatim`).
#[test]
fn comments_inside_declarations_stay_where_they_are() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fmt/comments_inside_declarations.rights");
    let text = std::fs::read_to_string(path).unwrap();
    let once = rights::fmt::format(&text).unwrap();
    assert!(
        once.contains("action both when right x  # first\n  or right y  # second\n"),
        "{once}"
    );
    assert!(
        once.contains("role b ## b is the base\n  extends base\n"),
        "{once}"
    );
    assert!(
        once.contains("  detail k \"v\"\n  # a note on r\n}"),
        "{once}"
    );
}

#[test]
fn a_byte_order_mark_on_stdin_is_dropped() {
    let run = rights_with_stdin(&["fmt", "-"], "\u{FEFF}right a.b\n");
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout, "right a.b\n");
}

/// Found by the `fmt_roundtrip` fuzzer: dropping the blank line between `##`
/// and a `rights` entry attached the doc comment to the entry, changing the tree.
#[test]
fn fuzz_regression_blank_line_keeps_a_doc_comment_detached() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fmt/blank_line_keeps_a_doc_comment_detached.rights");
    let text = std::fs::read_to_string(path).unwrap();
    let out = rights::fmt::format(&text).unwrap();
    assert_eq!(out, "rights e {\n  ##\n\n  s\n}\n");
}

/// A list longer than the line width (`shows`, `grant`, `roles`,
/// `resources`) is written one item per line, never as one long line.
#[test]
fn long_lists_are_written_one_item_per_line() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fmt/long_lists_break_one_item_per_line.rights"),
    )
    .unwrap();
    let out = rights::fmt::format(&text).unwrap();
    let widest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(
        widest <= rights::fmt::WIDTH,
        "a {widest}-column line:\n{out}"
    );
    assert!(
        out.contains("shows\n    resource_alpha_north_wing full,\n"),
        "{out}"
    );
    assert!(out.contains("  grant report.a, report.b\n"), "{out}");
}

/// A comment between the items of a list stays after the item it follows;
/// the list is never rebuilt around it (which would not parse).
#[test]
fn a_comment_inside_a_list_stays_put() {
    let text =
        "right a.x \"X\"\nright a.y \"Y\"\nrole r \"R\" {\n  grant a.x,  # the first\n    a.y\n}\n";
    let out = rights::fmt::format(text).unwrap();
    assert!(out.contains("# the first"), "{out}");
    assert_eq!(rights::fmt::format(&out).unwrap(), out);
    let long: Vec<String> = (0..8).map(|i| format!("comp.right_number_{i}")).collect();
    let mut text = String::new();
    for r in &long {
        text.push_str(&format!("right {r} \"R\"\n"));
    }
    text.push_str(&format!("role r \"R\" {{ grant {} }}\n", long.join(", ")));
    let once = rights::fmt::format(&text).unwrap();
    // a comment added to the layout fmt wrote
    let commented = once.replacen("comp.right_number_0,", "comp.right_number_0,  # note 0", 1);
    assert_ne!(commented, once, "{once}");
    let again = rights::fmt::format(&commented).unwrap();
    assert!(again.contains("# note 0"), "{again}");
}
