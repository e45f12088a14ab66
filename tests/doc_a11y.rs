//! The site `rights doc` writes, as a reader's browser sees it: every page of
//! the site of `policies/emresource.rights` and of `policies/analytics.rights`
//! is opened in Debian's headless Chromium, in the light and the dark colour
//! scheme, with every request that would leave the machine blocked, and checked
//! with axe-core (WCAG 2 A and AA rules and axe's best practices) by
//! `tests/doc/a11y/run.sh`. A serious or critical violation, a network request
//! or a script error fails the test; screenshots of `roles.html` in both
//! schemes are left in `target/doc-screenshots/POLICY/`. Without
//! `/usr/bin/chromium` (`.ci/install-browser` installs it) or `node` the test
//! says so and passes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The pages every site has; `users.html` comes with users in the data.
const PAGES: [&str; 4] = ["index.html", "rights.html", "roles.html", "reports.html"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What is missing for the check to run here, if anything.
fn missing_tool() -> Option<&'static str> {
    if !Path::new(CHROMIUM).is_file() {
        return Some("/usr/bin/chromium is missing (.ci/install-browser installs it)");
    }
    let node = Command::new("node")
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|status| status.success()) {
        return Some("node is missing");
    }
    None
}

/// Where the screenshots go: `doc-screenshots/` in the target directory.
fn screenshot_root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| root().join("target"), Path::to_path_buf)
        .join("doc-screenshots")
}

fn text(out: &Output) -> String {
    format!(
        "--- stdout\n{}--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `rights doc POLICY -o SITE` from the package root, into a fresh SITE.
fn write_site(policy: &str, site: &Path) {
    let _ = fs::remove_dir_all(site);
    let out = Command::new(env!("CARGO_BIN_EXE_rights"))
        .env("RIGHTS_TODAY", common::TODAY)
        .args(["doc", policy, "-o"])
        .arg(site)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the rights binary starts");
    assert!(
        out.status.success(),
        "rights doc {policy} -o {} exited with {}:\n{}",
        site.display(),
        out.status,
        text(&out)
    );
    for page in PAGES {
        assert!(
            site.join(page).is_file(),
            "rights doc {policy} wrote no {page}:\n{}",
            text(&out)
        );
    }
}

/// `tests/doc/a11y/run.sh SITE SCREENSHOTS`; true if it ran rather than
/// skipped.
fn check_site(site: &Path, screenshots: &Path) -> bool {
    check_site_searching(site, screenshots, "a")
}

/// [`check_site`], typing `query` into every page's search box.
fn check_site_searching(site: &Path, screenshots: &Path, query: &str) -> bool {
    let out = Command::new("bash")
        .env("SEARCH_QUERY", query)
        .arg(root().join("tests/doc/a11y/run.sh"))
        .arg(site)
        .arg(screenshots)
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("bash starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the accessibility check of {} failed ({}):\n{}",
        site.display(),
        out.status,
        text(&out)
    );
    if let Some(reason) = stdout.lines().find(|l| l.starts_with("skipped:")) {
        common::tool_missing(reason);
        return false;
    }
    assert!(
        stdout.lines().any(|l| l.starts_with("a11y: ")),
        "the accessibility check printed no summary:\n{}",
        text(&out)
    );
    print!("{stdout}");
    true
}

#[test]
fn doc_site_is_accessible_offline_in_both_colour_schemes() {
    if let Some(why) = missing_tool() {
        common::tool_missing(why);
        return;
    }
    let sites = Path::new(env!("CARGO_TARGET_TMPDIR")).join("doc-a11y");
    for (policy, name) in [
        ("policies/emresource.rights", "site"),
        ("policies/analytics.rights", "site-analytics"),
    ] {
        let site = sites.join(name);
        write_site(policy, &site);
        let stem = Path::new(policy).file_stem().unwrap().to_str().unwrap();
        let screenshots = screenshot_root().join(stem);
        let _ = fs::remove_dir_all(&screenshots);
        if !check_site(&site, &screenshots) {
            return;
        }
        for shot in [
            "roles.png",
            "roles-dark.png",
            "roles-phone.png",
            "roles-print.png",
            "index-top.png",
            "rights-top.png",
            "reports-top.png",
            "access-top.png",
        ] {
            let len = fs::metadata(screenshots.join(shot))
                .map(|m| m.len())
                .unwrap_or(0);
            assert!(
                len > 0,
                "no screenshot {} of {policy}",
                screenshots.join(shot).display()
            );
        }
    }
}

/// Labels and descriptions that hold what would end or confuse a script
/// (`<!--<script>`, `</script>`, a line separator) are only text: the search
/// still works on every page and finds them, and no page throws.
#[test]
fn hostile_labels_are_only_text() {
    if let Some(why) = missing_tool() {
        common::tool_missing(why);
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("doc-a11y-hostile");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("hostile.rights");
    fs::write(
        &policy,
        "## Opens a comment: <!--<script>\u{2028}and more\n\
         right report.a \"Report <!--<script> A\"\n\
         right report.b \"B </script><script>alert(1)</script>\"\n\
         role r \"Role {{ braces }} | pipe\" { grant report.a, report.b }\n\
         user u \"U <b>bold</b>\" { roles r }\n",
    )
    .unwrap();
    let site = dir.join("site");
    write_site(policy.to_str().unwrap(), &site);
    let search = fs::read_to_string(site.join("search.js")).unwrap();
    let (index, _) = search.split_once(";\n").unwrap();
    assert!(
        !index.contains('<') && !index.contains('\u{2028}'),
        "{index}"
    );
    check_site_searching(&site, &dir.join("shots"), "script");
}

/// A policy of 64 roles (over the 60 drawn as one picture): the whole graph is not drawn (it could not be
/// read), each role's neighbourhood is, with zoom buttons that work; the
/// pages stay accessible and reflow.
#[test]
fn many_roles_draw_each_roles_neighbourhood() {
    if let Some(why) = missing_tool() {
        common::tool_missing(why);
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("doc-a11y-roles");
    let _ = fs::remove_dir_all(&dir);
    let gen = Command::new(env!("CARGO_BIN_EXE_rights"))
        .args([
            "bench-gen",
            "--roles",
            "64",
            "--users",
            "10",
            "--rights",
            "80",
        ])
        .args(["--resources", "10", "--queries", "1", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(gen.status.success(), "{}", text(&gen));
    let site = dir.join("site");
    let _ = fs::remove_dir_all(&site);
    let out = Command::new(env!("CARGO_BIN_EXE_rights"))
        .env("RIGHTS_TODAY", common::TODAY)
        .arg("doc")
        .arg(dir.join("policy.rights"))
        .arg("--data")
        .arg(dir.join("data.json"))
        .arg("-o")
        .arg(&site)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let roles = fs::read_to_string(site.join("roles.html")).unwrap();
    assert!(roles.contains("With 64 roles the graph cannot be read as one picture"));
    let drawn = roles.matches("<figure class=\"graph\">").count();
    assert!(drawn > 20, "{drawn} neighbourhoods drawn");
    check_site(&site, &dir.join("shots"));
}
