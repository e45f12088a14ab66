//! `rights init [DIR]`: a new project in one command — `rights.toml`, a
//! commented starter policy, a data file that names its JSON Schema, a test
//! file, and the CI kit (a GitHub Actions workflow and a pre-commit config).
//! What it writes passes `rights check`, `rights test` and `rights lint
//! --deny-warnings` as created. It never overwrites a file.
//!
//! `rights schema`: the JSON Schema of data files.

use super::{EXIT_OK, EXIT_USAGE};
use crate::cli::out::outln;
use std::path::{Path, PathBuf};

/// The JSON Schema of data files (draft 2020-12).
pub const SCHEMA: &str = include_str!("../../schema/rights-data.schema.json");

#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  rights init northfield && cd northfield && rights test")]
pub struct Args {
    /// The folder to make the project in (made if missing); the current one by default.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

#[derive(clap::Args, Debug)]
#[command(after_help = "Example:\n  rights schema > rights-data.schema.json")]
pub struct SchemaArgs {}

const TOML: &str = "# The project: which files form the policy, and its data.\npolicy = [\"policy.rights\", \"tests.rights\"]\ndata = [\"data.json\"]\n";

const POLICY: &str = r#"# A starter policy. Every name here is yours to change: `rights check` says
# what is wrong and where, `rights fmt` lays it out, and the guide (docs/ in
# the rights repository) has every form.

## See the census of a ward.
right report.census "Census"
## See how the wards compare.
right report.ward_summary "Ward Summary"

## Access levels are held on one resource at a time (granted in data.json).
access view "View"
access update "Update"

## A role bundles rights; a role that extends another holds its rights too.
role staff "Staff" {
  grant report.census
}
role manager "Manager" extends staff {
  grant report.ward_summary
}

## Update a ward's status: staff with update access on that ward.
action update_status "Update status" on resource when role staff and access update

## The census, one row per ward the user may view, in full where they may update.
report ward_census "Ward Census" {
  requires right report.census
  rows resources where access view
  details when access update
}
"#;

const TESTS: &str = r#"# Tests of the policy: `rights test` runs them.

test "managers see the ward summary, staff do not" {
  expect can ana report.ward_summary
  expect not can ben report.ward_summary
}
test "updates need update access on the ward" {
  expect can ana update_status on ward_a
  expect not can ben update_status on ward_a
}
test "the census shows the wards a user may view" {
  expect report ward_census as ana shows ward_a full, ward_b name_only
  expect report ward_census as ben shows ward_a name_only
}
"#;

const DATA: &str = r#"{
  "$schema": "./rights-data.schema.json",
  "users": [
    {"id": "ana", "name": "Ana Ruiz", "roles": ["manager"],
     "access": {"ward_a": ["view", "update"], "ward_b": ["view"]}},
    {"id": "ben", "name": "Ben Okafor", "roles": ["staff"],
     "access": {"ward_a": ["view"]}}
  ],
  "resources": [
    {"id": "ward_a", "name": "Ward A"},
    {"id": "ward_b", "name": "Ward B"}
  ]
}
"#;

const WORKFLOW: &str = r#"# Check, lint and test the policy on every push and pull request.
name: rights
on:
  push:
  pull_request:
jobs:
  policy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: dtolnay/rust-toolchain@stable
      # set the repository variable RIGHTS_GIT_URL to the git repository
      # rights is built from (Settings → Secrets and variables → Variables)
      - name: Install rights
        run: cargo install --locked --git "${{ vars.RIGHTS_GIT_URL }}" rights
      - run: rights check
      - run: rights lint --deny-warnings
      - run: rights test --coverage
"#;

const PRE_COMMIT: &str = r#"# pre-commit hooks (https://pre-commit.com): format, lint and test the policy
# with the `rights` on PATH (the rights repository's .pre-commit-hooks.yaml
# builds it instead, from a `repo:` URL and `rev:` of your choice).
repos:
  - repo: local
    hooks:
      - id: rights-fmt
        name: rights fmt --check
        entry: rights fmt --check
        language: system
        files: \.rights$
      - id: rights-lint
        name: rights lint
        entry: rights lint --deny-warnings
        language: system
        files: \.(rights|json)$
        pass_filenames: false
      - id: rights-test
        name: rights test
        entry: rights test
        language: system
        files: \.(rights|json)$
        pass_filenames: false
"#;

/// Every file `rights init` writes, by path in the project.
pub fn files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("rights.toml", TOML),
        ("policy.rights", POLICY),
        ("tests.rights", TESTS),
        ("data.json", DATA),
        ("rights-data.schema.json", SCHEMA),
        (".github/workflows/rights.yml", WORKFLOW),
        (".pre-commit-config.yaml", PRE_COMMIT),
    ]
}

pub fn run(args: Args) -> i32 {
    let dir = &args.dir;
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot make {}: {e}", dir.display());
        return EXIT_USAGE;
    }
    let taken: Vec<String> = files()
        .iter()
        .map(|(p, _)| dir.join(p))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !taken.is_empty() {
        eprintln!(
            "error: {} already exist{}: `rights init` never overwrites a file\n  help: choose an empty folder (`rights init DIR`), or move these away",
            taken.join(", "),
            if taken.len() == 1 { "s" } else { "" }
        );
        return EXIT_USAGE;
    }
    for (path, text) in files() {
        if let Err(e) = write(dir, path, text) {
            eprintln!("error: cannot write {}: {e}", dir.join(path).display());
            return EXIT_USAGE;
        }
        outln!("wrote {}", dir.join(path).display());
    }
    let shown = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
    outln!("next: {shown}rights test");
    EXIT_OK
}

fn write(dir: &Path, path: &str, text: &str) -> std::io::Result<()> {
    let p = dir.join(path);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // never overwrite, even if a file appeared since the check
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(p)?;
    std::io::Write::write_all(&mut f, text.as_bytes())
}

pub fn schema(_: SchemaArgs) -> i32 {
    crate::cli::out::out!("{SCHEMA}");
    EXIT_OK
}
