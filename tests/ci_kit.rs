//! The CI kit: the pre-commit hooks and the example GitHub workflow run
//! commands that exist and work on a real policy; shell completions and the
//! man page are generated.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::rights;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Each hook's `entry` (with its default `args`, or the policy's files for
/// a hook that is passed file names) succeeds on the bundled policies.
#[test]
fn pre_commit_hooks_run_on_the_bundled_policies() {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let mut hooks = 0;
    for block in text.split("\n- id: ").skip(1) {
        let field = |name: &str| {
            block
                .lines()
                .find_map(|l| l.trim().strip_prefix(&format!("{name}: ")))
                .map(str::to_string)
        };
        let entry = field("entry").unwrap();
        assert_eq!(field("language").as_deref(), Some("rust"));
        let mut words: Vec<String> = entry.split_whitespace().map(str::to_string).collect();
        assert_eq!(words.remove(0), "rights");
        if field("pass_filenames").as_deref() == Some("false") {
            // the default `args: [.]` would read the test fixtures too: a
            // policy repository's root is its policy
            words.push("policies/".into());
        } else {
            words.extend([
                "policies/emresource.rights".into(),
                "policies/analytics.rights".into(),
            ]);
        }
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        let run = rights(&args);
        assert_eq!(run.code, 0, "hook `{entry}`: {}", run.transcript());
        hooks += 1;
    }
    assert_eq!(hooks, 3);
}

/// Every `rights …` command of the example workflow names a subcommand and
/// options that exist (each is run with `--help` appended, which checks them
/// without needing the repository's base branch).
#[test]
fn the_example_workflow_uses_commands_that_exist() {
    let text = std::fs::read_to_string(root().join("examples/ci/rights.yml")).unwrap();
    let mut commands = 0;
    for line in text.lines() {
        let line = line.trim().trim_start_matches("run: ");
        let Some(rest) = line.strip_prefix("rights ") else {
            continue;
        };
        let sub = rest.split_whitespace().next().unwrap();
        let run = rights(&[sub, "--help"]);
        assert_eq!(run.code, 0, "`rights {sub}`: {}", run.transcript());
        for flag in rest.split_whitespace().filter(|w| w.starts_with("--")) {
            assert!(run.stdout.contains(flag), "`rights {sub}` has no {flag}");
        }
        commands += 1;
    }
    assert!(commands >= 6, "{commands} commands");
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = rights(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for sub in ["check", "query", "diff", "analyze"] {
            assert!(run.stdout.contains(sub), "{shell} completions lack {sub}");
        }
    }
    assert_eq!(rights(&["completions", "tcsh"]).code, 2);
    let man = rights(&["man"]);
    assert_eq!(man.code, 0);
    assert!(man.stdout.contains(".TH rights 1"), "{}", man.stdout);
    assert!(man.stdout.contains("diff"));
    // a subcommand's own page
    let diff = rights(&["man", "diff"]);
    assert_eq!(diff.code, 0, "{}", diff.transcript());
    assert!(diff.stdout.contains(".TH rights-diff 1"), "{}", diff.stdout);
    assert!(diff.stdout.contains("fail\\-on"), "{}", diff.stdout);
    let none = rights(&["man", "nothing"]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("no subcommand `nothing`"),
        "{}",
        none.stderr
    );
}
