//! Hostile and huge input: no panic, no hang, no stack overflow; exit codes are
//! 0, 1 or 2 only; the documented limits hold.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::{rights, scratch};
use rights::bench_gen::Rng;
use std::path::Path;
use std::time::{Duration, Instant};

fn check_file(path: &Path) -> (i32, Duration, String) {
    let t = Instant::now();
    let run = rights(&["check", path.to_str().unwrap()]);
    (run.code, t.elapsed(), run.stderr)
}

/// Tokens that are not keywords (the keywords come from `rights::syntax::KEYWORDS`).
const OTHER_TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    ",",
    ":",
    "*",
    ".*",
    "\"label\"",
    "\"",
    "#",
    "##",
    "\n",
    "a.b",
    "x",
    "jane",
    "r1",
    "report.status_detail",
    "é",
    "\u{202E}",
    "\\",
    "((((",
    "))))",
    "1",
    "_",
    // version 3 (§9)
    "2026-12-31",
    "2026-02-30",
    "=",
    "\"icu\"",
];

#[test]
fn random_token_soups_and_byte_files_exit_0_1_or_2_quickly() {
    let dir = scratch("hostile-soup");
    let mut rng = Rng::new(42);
    let mut files = Vec::new();
    for i in 0..300 {
        let n = 1 + rng.below(200);
        let words: Vec<&str> = rights::syntax::KEYWORDS
            .iter()
            .chain(rights::syntax::keywords::CONTEXTUAL_KEYWORDS)
            .chain(OTHER_TOKENS)
            .copied()
            .collect();
        let text: Vec<&str> = (0..n).map(|_| words[rng.below(words.len())]).collect();
        let path = dir.join(format!("soup{i}.rights"));
        std::fs::write(&path, text.join(" ")).unwrap();
        files.push(path);
    }
    for i in 0..100 {
        let n = rng.below(2000);
        let bytes: Vec<u8> = (0..n).map(|_| rng.below(256) as u8).collect();
        let path = dir.join(format!("bytes{i}.rights"));
        std::fs::write(&path, bytes).unwrap();
        files.push(path);
    }
    for path in files {
        let (code, took, stderr) = check_file(&path);
        assert!(
            matches!(code, 0..=2),
            "{}: exit {code}\n{stderr}",
            path.display()
        );
        assert!(
            !stderr.contains("internal error"),
            "{}: {stderr}",
            path.display()
        );
        assert!(
            took < Duration::from_secs(5),
            "{} took {took:?}",
            path.display()
        );
    }
}

#[test]
fn a_20000_role_inheritance_chain_compiles_and_answers() {
    let dir = scratch("hostile-chain");
    let n = 20_000;
    let mut s = String::from("right a.b \"B\"\nrole r0 { grant a.b }\n");
    for i in 1..n {
        s.push_str(&format!("role r{i} extends r{}\n", i - 1));
    }
    s.push_str(&format!("user u {{ roles r{} }}\n", n - 1));
    let path = dir.join("chain.rights");
    std::fs::write(&path, s).unwrap();
    let run = rights(&["query", path.to_str().unwrap(), "can u a.b"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.starts_with("allow: u holds right `a.b`"),
        "{}",
        run.stdout
    );
}

#[test]
fn long_and_chains_and_stacked_nots_do_not_overflow() {
    let dir = scratch("hostile-long");
    let ands = (0..200_000)
        .map(|_| "flag f")
        .collect::<Vec<_>>()
        .join(" and ");
    let path = dir.join("and.rights");
    std::fs::write(
        &path,
        format!("flag f \"F\"\naction a when {ands}\nuser u {{ flags f }}\n"),
    )
    .unwrap();
    let run = rights(&["query", path.to_str().unwrap(), "can u a"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.starts_with("allow"),
        "{}",
        &run.stdout[..run.stdout.len().min(200)]
    );
    // and a denial of it is explained without trying every combination
    let path = dir.join("and_deny.rights");
    std::fs::write(
        &path,
        format!("flag f \"F\"\naction a when {ands}\nuser u {{ }}\n"),
    )
    .unwrap();
    let t = Instant::now();
    let run = rights(&["query", path.to_str().unwrap(), "explain can u a"]);
    assert_eq!(run.code, 0, "{}", &run.stderr);
    assert!(run.stdout.starts_with("deny"));
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "explaining took {:?}",
        t.elapsed()
    );
    let nots = "not ".repeat(500_000);
    let path = dir.join("not.rights");
    std::fs::write(
        &path,
        format!("flag f \"F\"\naction a when {nots}flag f\nuser u {{ flags f }}\n"),
    )
    .unwrap();
    let run = rights(&["query", path.to_str().unwrap(), "can u a"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout.starts_with("allow"),
        "500,000 `not`s cancel out: {}",
        run.stdout
    );
}

#[test]
fn a_10_mb_policy_checks_in_seconds() {
    let dir = scratch("hostile-big");
    let mut s = String::new();
    let mut i = 0;
    while s.len() < 10 * 1024 * 1024 {
        s.push_str(&format!(
            "## right number {i}\nright c{}.r{i} \"Right number {i}\"\n",
            i % 50
        ));
        i += 1;
    }
    s.push_str("role all { grant c0.*, c1.* }\n");
    let path = dir.join("big.rights");
    std::fs::write(&path, s).unwrap();
    let (code, took, stderr) = check_file(&path);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        took < Duration::from_secs(30),
        "a 10 MB policy took {took:?}"
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_with_a_diagnostic() {
    let dir = scratch("hostile-huge");
    let path = dir.join("huge.rights");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(rights::workspace::MAX_FILE_SIZE + 1).unwrap(); // sparse: nothing is written
    let (code, _, stderr) = check_file(&path);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("rights::syntax::too_large"), "{stderr}");
    assert!(stderr.contains("67108864 bytes"), "{stderr}");
}

#[test]
fn a_panic_is_reported_as_a_bug_with_exit_2() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rights"))
        .env("RIGHTS_TODAY", common::TODAY)
        .args(["check", "policies"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RIGHTS_DEBUG_PANIC", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.starts_with("error: internal error in rights"),
        "{stderr}"
    );
    assert!(stderr.contains("this is a bug"), "{stderr}");
    assert!(!stderr.contains("stack backtrace"), "{stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "one short line, no trace: {stderr}"
    );
}

/// A condition that defeats any variable order (pairs of flags declared
/// apart) stops the symbolic view at its node limit, quickly and in bounded
/// memory, with words: `analyze` exits 2, `explain` says what would allow it
/// is not known, `lint` says the rules that are proofs were not run.
#[test]
fn a_condition_too_tangled_for_the_symbolic_view_is_refused_in_words() {
    let n = 30;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!("flag a{i} \"A{i}\"\n"));
    }
    for i in 0..n {
        text.push_str(&format!("flag b{i} \"B{i}\"\n"));
    }
    let pairs: Vec<String> = (0..n)
        .map(|i| format!("(flag a{i} and flag b{i})"))
        .collect();
    text.push_str(&format!(
        "action go when {}\nuser u {{ }}\n",
        pairs.join(" or ")
    ));
    let dir = scratch("tangled");
    let path = dir.join("tangled.rights");
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap();
    let t = Instant::now();
    let analyze = rights(&["analyze", p]);
    assert_eq!(analyze.code, 2, "{}", analyze.transcript());
    assert!(analyze.stderr.contains("too tangled"), "{}", analyze.stderr);
    let explain = rights(&["query", p, "explain can u go"]);
    assert_eq!(explain.code, 0, "{}", explain.transcript());
    assert!(
        explain.stdout.contains("what would allow it is not known"),
        "{}",
        explain.stdout
    );
    let lint = rights(&["lint", p]);
    assert_eq!(lint.code, 0, "{}", lint.transcript());
    assert!(lint.stderr.contains("were not run"), "{}", lint.stderr);
    assert!(
        t.elapsed() < Duration::from_secs(60),
        "took {:?}",
        t.elapsed()
    );
}

/// A resource tree 20,000 deep with a level that flows down it: checked,
/// asked, explained and searched (`where can`) in linear time, without
/// overflowing the stack.
#[test]
fn a_20000_deep_resource_tree_with_an_inherited_level() {
    let dir = scratch("hostile-tree");
    let n = 20_000;
    let mut s = String::from("access view \"View\" inherited\nresource r0\n");
    for i in 1..n {
        s.push_str(&format!("resource r{i} in r{}\n", i - 1));
    }
    s.push_str("user u { access r0: view  revoke access r15000: view }\n");
    let path = dir.join("tree.rights");
    std::fs::write(&path, s).unwrap();
    let p = path.to_str().unwrap();
    let run = rights(&["query", p, &format!("can u access view on r{}", 14_999)]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.starts_with("allow"), "{}", run.stdout);
    let run = rights(&[
        "query",
        p,
        &format!("explain can u access view on r{}", n - 1),
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.starts_with("deny"), "{}", run.stdout);
    let run = rights(&["query", p, "--brief", "where can u access view"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stdout.split_whitespace().count(), 15_000);
    // a cycle deep in the tree is found, once
    let mut s = std::fs::read_to_string(&path).unwrap();
    s = s.replace("resource r0\n", "resource r0 in r19999\n");
    std::fs::write(&path, s).unwrap();
    let run = rights(&["check", p]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_eq!(
        run.stderr.matches("in a cycle").count(),
        1,
        "{}",
        run.stderr
    );
}
