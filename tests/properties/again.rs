//! A file parsed again after edits (`syntax::parse_file_again`, what the
//! editor server does on every keystroke) equals the whole parse of the new
//! text, spans included; where the new text does not parse, the error is
//! the same.

use super::cases;
use proptest::prelude::*;
use rights::source::FileId;
use rights::syntax::{parse_file, parse_file_again};

const FILES: &[&str] = &[
    include_str!("../data/reference.rights"),
    include_str!("../../policies/analytics.rights"),
];

/// What an edit inserts: tokens, whole declarations, and what breaks them.
const INSERTS: &[&str] = &[
    "",
    " ",
    "\n",
    "x",
    "_2",
    ".",
    "role",
    "}",
    "{",
    "\"",
    "# c",
    "## doc\n",
    "## ",
    "\nrole r9 {}\n",
    " extends admin",
    "grant report.a",
    "(",
    ")",
    " and flag f",
    " when ",
    "\nuser u9 { roles admin }\n",
    "test \"t\" {\n  expect can jane x\n}\n",
    "é",
    // version 3
    "\nattribute zz \"Z\"\n",
    "\ncontext c9\n",
    " until 2027-01-01",
    " from 2026-13-01",
    " inherited",
    " with emergency at 2026-12-20",
    " same unit",
];

/// One edit: at a fraction of the text, delete up to 12 characters and insert.
fn edit(text: &str, at: f64, delete: usize, insert: &str) -> String {
    let mut i = ((text.len() as f64) * at) as usize;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    let mut j = i;
    for _ in 0..delete {
        match text[j..].chars().next() {
            Some(c) => j += c.len_utf8(),
            None => break,
        }
    }
    format!("{}{insert}{}", &text[..i], &text[j..])
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn parsed_again_equals_parsed_whole(
        file in 0..FILES.len(),
        edits in prop::collection::vec((0.0..1.0f64, 0..12usize, 0..INSERTS.len()), 1..4),
    ) {
        let f = FileId(3);
        let mut text = FILES[file].to_string();
        let mut parsed = parse_file(f, &text).unwrap();
        for (at, delete, insert) in edits {
            let new = edit(&text, at, delete, INSERTS[insert]);
            let whole = parse_file(f, &new);
            let again = parse_file_again(f, &text, &parsed, &new);
            match (whole, again) {
                (Ok(a), Ok(b)) => {
                    prop_assert_eq!(&a, &b, "after editing into:\n{}", new);
                    text = new;
                    parsed = a;
                }
                (Err(a), Err(b)) => {
                    prop_assert_eq!(a.message, b.message);
                    prop_assert_eq!(a.primary, b.primary);
                    // typing goes on from the last text that parsed
                }
                (a, b) => prop_assert!(false, "whole {:?}\nagain {:?}\nin:\n{}", a.is_ok(), b.is_ok(), new),
            }
        }
    }
}
