//! The tree-sitter grammar against the language's own parser: every policy
//! of the repository and every `rights` block of the guide that `rights`
//! parses, tree-sitter parses without an error; the queries compile and
//! capture what they say.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use std::path::{Path, PathBuf};
use tree_sitter::{Parser, Query, QueryCursor, StreamingIterator};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn parser() -> Parser {
    let mut p = Parser::new();
    p.set_language(&tree_sitter_rights::LANGUAGE.into())
        .unwrap();
    p
}

fn rights_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() && !matches!(name, "target" | "node_modules" | ".git") {
            rights_files(&p, out);
        } else if name.ends_with(".rights") {
            out.push(p);
        }
    }
}

/// The guide's ```rights blocks.
fn guide_blocks() -> Vec<(String, String)> {
    let mut pages = Vec::new();
    let mut stack = vec![root().join("docs")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                pages.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        let mut block: Option<(usize, String)> = None;
        for (i, line) in text.lines().enumerate() {
            match &mut block {
                None if line.trim() == "```rights" => block = Some((i + 1, String::new())),
                Some((start, b)) if line.trim() == "```" => {
                    out.push((format!("{}:{start}", page.display()), std::mem::take(b)));
                    block = None;
                }
                Some((_, b)) => {
                    b.push_str(line);
                    b.push('\n');
                }
                None => {}
            }
        }
    }
    out
}

/// The first error or missing node, as `line:column kind`.
fn first_error(tree: &tree_sitter::Tree) -> Option<String> {
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            let at = node.start_position();
            return Some(format!(
                "{}:{} {}",
                at.row + 1,
                at.column + 1,
                if node.is_missing() {
                    format!("missing {}", node.kind())
                } else {
                    "error".to_string()
                }
            ));
        }
        if node.has_error() {
            stack.extend(
                node.children(&mut cursor)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev(),
            );
        }
    }
    None
}

#[test]
fn whatever_rights_parses_tree_sitter_parses() {
    let mut files = Vec::new();
    rights_files(&root(), &mut files);
    let mut texts: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.display().to_string(), std::fs::read_to_string(f).unwrap()))
        .collect();
    texts.extend(guide_blocks());
    let mut p = parser();
    let (mut checked, mut failures) = (0, Vec::new());
    for (name, text) in &texts {
        let ours = rights_engine::syntax::parse_file(rights_engine::source::FileId(0), text);
        if ours.is_err() {
            continue; // a fixture of a syntax error
        }
        checked += 1;
        let tree = p.parse(text, None).unwrap();
        if let Some(e) = first_error(&tree) {
            failures.push(format!("{name}: {e}"));
        }
    }
    eprintln!("{checked} texts that rights parses, parsed by tree-sitter");
    assert!(checked > 100, "only {checked} policies found");
    assert!(
        failures.is_empty(),
        "tree-sitter fails where rights parses:\n{}",
        failures.join("\n")
    );
}

#[test]
fn a_syntax_error_is_an_error_node() {
    let tree = parser()
        .parse("role reporter { grant }\nright x", None)
        .unwrap();
    assert!(tree.root_node().has_error());
}

/// Each capture of `query` on `text`, as (captured text, capture name).
fn captures(query: &str, text: &str) -> Vec<(String, String)> {
    let language = tree_sitter_rights::LANGUAGE.into();
    let query = Query::new(&language, query).unwrap();
    let tree = parser().parse(text, None).unwrap();
    let mut cursor = QueryCursor::new();
    let mut out = Vec::new();
    let mut matches = cursor.matches(&query, tree.root_node(), text.as_bytes());
    while let Some(m) = matches.next() {
        for c in m.captures() {
            out.push((
                c.node.utf8_text(text.as_bytes()).unwrap().to_string(),
                query.capture_names()[c.index as usize].to_string(),
            ));
        }
    }
    out
}

#[test]
fn highlights_name_what_they_should() {
    let text = r#"# roles
role reporter "Reporter" extends viewer { grant report.*, status.view }
user jane { roles reporter until 2026-12-31 }
action edit on resource when right status.view and not flag contractor
test "t" { expect can jane edit on r1 at 2026-12-01 }
"#;
    let got = captures(tree_sitter_rights::HIGHLIGHTS_QUERY, text);
    let has = |t: &str, c: &str| got.iter().any(|(a, b)| a == t && b == c);
    for (t, c) in [
        ("# roles", "comment"),
        ("role", "keyword"),
        ("reporter", "type"),
        ("\"Reporter\"", "string.special"),
        ("viewer", "type"),
        ("status.view", "function"),
        (".*", "operator"),
        ("until", "keyword"),
        ("2026-12-31", "number"),
        ("jane", "variable"),
        ("and", "keyword.operator"),
        ("not", "keyword.operator"),
        ("expect", "keyword"),
    ] {
        assert!(has(t, c), "`{t}` is not captured as @{c}: {got:?}");
    }
    // a keyword inside a dotted name is part of the name
    let got = captures(
        tree_sitter_rights::HIGHLIGHTS_QUERY,
        "right report.status \"S\"\n",
    );
    assert!(
        got.iter()
            .any(|(a, b)| a == "report.status" && b == "function"),
        "{got:?}"
    );
    assert!(!got.iter().any(|(a, _)| a == "report"), "{got:?}");
}

#[test]
fn folds_are_blocks() {
    let text = "role a {\n  grant x\n}\ntest \"t\" {\n  expect can u x\n}\n";
    let got = captures(tree_sitter_rights::FOLDS_QUERY, text);
    assert_eq!(got.len(), 2, "{got:?}");
}

/// The generated parser is the grammar's: `src/grammar.json` is what
/// `tree-sitter generate` wrote from `grammar.js`, so a change of one without
/// the other is caught where the CLI is (`.ci/run` regenerates and compares).
#[test]
fn node_types_name_every_rule() {
    let node_types = tree_sitter_rights::NODE_TYPES;
    for rule in [
        "role_declaration",
        "can_query",
        "window",
        "user_attribute",
        "expect_report",
    ] {
        assert!(
            node_types.contains(&format!("\"type\": \"{rule}\"")),
            "{rule}"
        );
    }
}

/// `src/` was generated from this `grammar.js` and not edited since
/// (`./generate.sh` stamps both): a grammar changed without regenerating,
/// or a parser edited by hand, fails.
#[test]
fn the_parser_is_generated_from_this_grammar() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fnv = |path: &str| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in std::fs::read(dir.join(path)).unwrap() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    };
    let stamp = std::fs::read_to_string(dir.join("src/grammar.js.fnv1a")).unwrap();
    assert_eq!(
        stamp.trim(),
        format!("{} {}", fnv("grammar.js"), fnv("src/parser.c")),
        "grammar.js or src/parser.c changed since generate.sh ran: run editors/tree-sitter-rights/generate.sh"
    );
}
