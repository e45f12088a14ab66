//! `rights doc` and `rights graph`: the Markdown of both seed policies as
//! golden files; the HTML site checked for structure (every right's label
//! once in the catalogue, every role a row of the matrix, every link landing
//! on an anchor); the role graph as DOT, Mermaid and SVG; errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;
use common::rights_with_stdin;
use rights::workspace::Workspace;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn out_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("doc")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn doc(args: &[&str]) -> common::Run {
    let r = rights_with_stdin(args, "");
    assert_eq!(r.code, 0, "{}", r.transcript());
    r
}

/// The entry of `name` (a `kind`: role, group) on a Markdown page: from its
/// anchor to the next heading.
fn entry_of<'a>(page: &'a str, kind: &str, name: &str) -> &'a str {
    let heading = format!("<a id=\"{}\"></a>", rights::doc::anchor(kind, name));
    let entry = page
        .split(&heading)
        .nth(1)
        .unwrap_or_else(|| panic!("no entry for {kind} {name}:\n{page}"));
    entry.split("\n#").next().unwrap_or(entry)
}

/// A data file of probe users, `probe_ROLE` holding only ROLE, for every
/// role of the policy: what a matrix says of a role, asked of the engine.
fn probe_data(policy: &str, dir: &Path) -> PathBuf {
    let ws = Workspace::load(&[PathBuf::from(policy)], &[]);
    let p = &ws.program().unwrap().policy;
    let probes: Vec<serde_json::Value> = p
        .roles
        .iter()
        .map(
            |r| serde_json::json!({"id": format!("probe_{}", r.meta.name), "roles": [r.meta.name]}),
        )
        .collect();
    let data = dir.join("probes.json");
    std::fs::write(&data, serde_json::json!({ "users": probes }).to_string()).unwrap();
    data
}

/// Each of `questions` asked of POLICY with `data` in one `--brief`
/// stream: the answers, one per question.
fn ask_all(policy: &str, data: &Path, questions: &[String]) -> Vec<String> {
    let text: String = questions.iter().map(|q| format!("{q}\n")).collect();
    let r = rights_with_stdin(
        &[
            "query",
            policy,
            "--data",
            data.to_str().unwrap(),
            "--brief",
            "-",
        ],
        &text,
    );
    let answers: Vec<String> = r.stdout.lines().map(str::to_string).collect();
    assert_eq!(answers.len(), questions.len(), "{}", r.transcript());
    answers
}

/// A policy written to `NAME.rights` in a fresh folder of its own.
fn policy_file(name: &str, text: &str) -> PathBuf {
    let dir = out_dir(name);
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join(format!("{name}.rights"));
    std::fs::write(&policy, text).unwrap();
    policy
}

/// `rights doc POLICY --format markdown -o DIR`.
fn markdown(policy: &str, dir: &Path) {
    doc(&[
        "doc",
        policy,
        "--format",
        "markdown",
        "-o",
        dir.to_str().unwrap(),
    ]);
}

/// `VERB U` asked of every user of the policy in one `--brief` stream: each
/// user's answer as words (`roles jane` → `["viewer", "reporter"]`).
fn ask_every_user(policy: &str, program: &rights::ir::Program, verb: &str) -> Vec<Vec<String>> {
    let users: Vec<&str> = program
        .data
        .users
        .iter()
        .map(|u| u.meta.name.as_str())
        .collect();
    let questions: String = users.iter().map(|u| format!("{verb} {u}\n")).collect();
    let answers = rights_with_stdin(&["query", policy, "--brief", "-"], &questions);
    let held: Vec<Vec<String>> = answers
        .stdout
        .lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect();
    assert_eq!(held.len(), users.len(), "{}", answers.transcript());
    held
}

#[test]
fn markdown_of_the_seed_policies() {
    for seed in ["emresource", "analytics"] {
        let dir = out_dir(&format!("md-{seed}"));
        let policy = format!("policies/{seed}.rights");
        markdown(&policy, &dir);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        for n in names {
            let text = std::fs::read_to_string(dir.join(&n)).unwrap();
            insta::assert_snapshot!(format!("{seed}_{n}"), text);
        }
    }
}

/// Every `id="…"` of a page.
fn ids(html: &str) -> BTreeSet<String> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&amp;", "&"))
        .collect()
}

/// Every `href="page.html#anchor"` of a page.
fn links(html: &str) -> Vec<(String, String)> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter_map(|h| h.split_once('#'))
        .map(|(p, a)| (p.to_string(), a.replace("&amp;", "&")))
        .collect()
}

/// A written HTML site: every page well formed, offline, loading the one
/// search file; every link and every search result lands on an anchor that
/// exists. Returns the pages by file name.
fn check_html_site(seed: &str, dir: &Path) -> BTreeMap<String, String> {
    let mut pages: BTreeMap<String, String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    // one search file for every page: the index and the script
    let search = pages.remove("search.js").expect("search.js is written");
    let (index, _script) = search.split_once(";\n").unwrap();
    assert!(
        !index.contains('<'),
        "no `<` in the search index: {index:.200}"
    );
    for p in ["index.html", "rights.html", "roles.html", "reports.html"] {
        assert!(pages.contains_key(p), "{seed}: {p} missing");
    }
    let anchors: BTreeMap<&String, BTreeSet<String>> =
        pages.iter().map(|(n, h)| (n, ids(h))).collect();
    for (name, html) in &pages {
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
            "{name}"
        );
        // nothing from the network (the SVG namespace is a name, not a fetch)
        let local = html.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !local.contains("http://") && !local.contains("https://"),
            "{name} links out"
        );
        assert!(
            html.contains("<script src=\"search.js\" defer></script>"),
            "{name}"
        );
        assert!(
            !html.contains("var INDEX"),
            "{name}: the index is in search.js only"
        );
        for (p, a) in links(html) {
            // `#main`: this page
            let p = if p.is_empty() { name.clone() } else { p };
            let target = anchors
                .get(&p)
                .unwrap_or_else(|| panic!("{seed}/{name}: a link to a missing page {p}"));
            assert!(
                target.contains(&a),
                "{seed}/{name}: a link to {p}#{a}, which is not there"
            );
        }
    }
    // every search result lands
    let hrefs: Vec<&str> = search
        .split("\"h\":\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert!(hrefs.len() > 20, "{seed}: {} search entries", hrefs.len());
    for h in hrefs {
        let (p, a) = h.split_once('#').unwrap();
        assert!(
            anchors.get(&p.to_string()).is_some_and(|t| t.contains(a)),
            "{seed}: a search result for {h}, which is not there"
        );
    }
    pages
}

#[test]
fn the_html_site_is_whole_and_every_link_lands() {
    for seed in ["emresource", "analytics"] {
        let dir = out_dir(&format!("html-{seed}"));
        let policy = format!("policies/{seed}.rights");
        let r = doc(&["doc", &policy, "-o", dir.to_str().unwrap()]);
        assert!(r.stderr.contains("wrote"), "{}", r.stderr);
        let pages = check_html_site(seed, &dir);
        let ws = Workspace::load(&[PathBuf::from(&policy)], &[]);
        let policy = &ws.program().unwrap().policy;
        let rights = &pages["rights.html"];
        for r in &policy.rights {
            let heading = format!(
                "id=\"{}\">{}</h3>",
                rights::doc::anchor("right", &r.meta.name),
                r.meta
                    .display()
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#39;")
            );
            assert_eq!(rights.matches(&heading).count(), 1, "{seed}: {heading}");
        }
        let roles = &pages["roles.html"];
        for role in &policy.roles {
            let row = format!(
                "<th scope=\"row\"><a href=\"roles.html#{}\">",
                rights::doc::anchor("role", &role.meta.name)
            );
            assert!(
                roles.matches(&row).count() >= 1,
                "{seed}: no matrix row for {}",
                role.meta.name
            );
        }
        assert!(roles.contains("<svg"), "{seed}: the role graph is drawn");
    }
}

#[test]
fn the_role_graph_as_dot_mermaid_and_svg() {
    let dot = doc(&["graph", "policies/emresource.rights"]);
    let mermaid = doc(&["graph", "policies/emresource.rights", "--format", "mermaid"]);
    insta::assert_snapshot!("emresource_roles.dot", dot.stdout);
    insta::assert_snapshot!("emresource_roles.mermaid", mermaid.stdout);
    let svg = doc(&["graph", "policies/emresource.rights", "--format", "svg"]);
    assert!(
        svg.stdout.starts_with("<svg"),
        "{}",
        &svg.stdout[..100.min(svg.stdout.len())]
    );
    assert!(svg.stdout.contains("Regional Administrator"));
    let groups = doc(&["graph", "tests/data/reference.rights", "--groups"]);
    assert!(groups.stdout.contains("n1 -> n0"), "{}", groups.stdout);
}

#[test]
fn errors() {
    let r = rights_with_stdin(
        &[
            "doc",
            "tests/diagnostics/unknown_role.rights",
            "-o",
            "target/tmp/never",
        ],
        "",
    );
    assert!(r.code == 1 || r.code == 2, "{}", r.transcript());
    let r = rights_with_stdin(
        &["doc", "policies/emresource.rights", "-o", "/proc/nope/site"],
        "",
    );
    assert_eq!(r.code, 2, "{}", r.transcript());
    assert!(r.stderr.contains("cannot write"), "{}", r.stderr);
    let r = rights_with_stdin(&["doc", "policies/emresource.rights"], "");
    assert_eq!(r.code, 2, "{}", r.transcript());
}

/// Version 3 (§9): a page of attributes, context facts and inherited levels,
/// and one of what expires in the next 30 days, linked from every page.
#[test]
fn version3_pages_of_the_reference_policy() {
    let dir = out_dir("v3");
    let run = doc(&[
        "doc",
        "tests/data/reference.rights",
        "-o",
        dir.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let conditions = std::fs::read_to_string(dir.join("conditions.md")).unwrap();
    assert!(
        conditions.contains("| <a id=\"attribute-unit\"></a>`unit` | Clinical unit | cardiology, icu, locum\\_pool | 2 users, 1 resource |"),
        "{conditions}"
    );
    assert!(conditions.contains("`emergency`"), "{conditions}");
    assert!(
        conditions.contains("- `view_history` (View History)"),
        "{conditions}"
    );
    // the tests' date is 2026-12-20 (RIGHTS_TODAY)
    let expiring = std::fs::read_to_string(dir.join("expiring.md")).unwrap();
    assert!(
        expiring.contains("| 2026-12-31 | `li` | role `reporter` | until 2026-12-31 | tests/data/reference.rights:213 |"),
        "{expiring}"
    );
}

/// The site's title: `title` in the project's rights.toml, else the policy's
/// name; a folder with a generic name (`policies`) is named by the project's
/// folder, never "The policies policy".
#[test]
fn the_title_comes_from_the_project_or_its_folder() {
    let root = out_dir("title");
    let project = root.join("st_marys");
    std::fs::create_dir_all(project.join("policies")).unwrap();
    std::fs::copy(
        "policies/analytics.rights",
        project.join("policies/analytics.rights"),
    )
    .unwrap();
    let title_of = |out: &str| {
        let site = root.join(out);
        doc(&[
            "doc",
            project.join("policies").to_str().unwrap(),
            "-o",
            site.to_str().unwrap(),
        ]);
        let index = std::fs::read_to_string(site.join("index.html")).unwrap();
        index
            .split("<title>")
            .nth(1)
            .unwrap()
            .split("</title>")
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(title_of("a"), "Overview — The st marys policy");
    std::fs::write(
        project.join("rights.toml"),
        "title = \"St Mary's <Hospital>\"\n",
    )
    .unwrap();
    assert_eq!(title_of("b"), "Overview — St Mary&#39;s &lt;Hospital&gt;");
}

/// A deny of every user is a definite state: the matrix marks the right ✗,
/// and no role is said to meet a report that needs it (as `rights query`
/// answers); a deny of some users is ‡ and leaves the role listed.
#[test]
fn a_deny_of_every_user_is_definite() {
    let policy = policy_file(
        "denies",
        "flag contractor\n\
         right report.a \"A\"\n\
         right report.b \"B\"\n\
         role viewer { grant report.a, report.b }\n\
         deny report.a\n\
         deny report.b when flag contractor\n\
         report a \"Report A\" { requires right report.a rows resources }\n\
         report b \"Report B\" { requires right report.b rows resources }\n\
         user ann { roles viewer }\n",
    );
    let dir = policy.parent().unwrap().to_path_buf();
    let site = dir.join("md");
    markdown(policy.to_str().unwrap(), &site);
    let roles = std::fs::read_to_string(site.join("roles.md")).unwrap();
    // a right per row, a role per column
    let row = |right: &str| {
        roles
            .lines()
            .find(|l| l.starts_with(&format!("| [`{right}`]")))
            .unwrap_or_else(|| panic!("{roles}"))
    };
    assert!(row("report.a").ends_with("| ● ✗ |"), "{}", row("report.a"));
    assert!(row("report.b").ends_with("| ● ‡ |"), "{}", row("report.b"));
    let reports = std::fs::read_to_string(site.join("reports.md")).unwrap();
    let part = |name: &str| {
        let start = reports.find(name).unwrap();
        let rest = &reports[start..];
        rest[..rest[1..].find("\n#").map_or(rest.len(), |e| e + 1)].to_string()
    };
    let a = part("Report A");
    assert!(
        !a.contains("`viewer`"),
        "report A needs a right no one holds:\n{a}"
    );
    let b = part("Report B");
    assert!(
        b.contains("`viewer`") && b.contains("from some users"),
        "{b}"
    );
    // as the engine answers
    let q = rights_with_stdin(&["query", policy.to_str().unwrap(), "can ann run a"], "");
    assert!(q.stdout.starts_with("deny"), "{}", q.transcript());
    let q = rights_with_stdin(&["query", policy.to_str().unwrap(), "can ann run b"], "");
    assert!(q.stdout.starts_with("allow"), "{}", q.transcript());
}

/// Each role's entry says how many users hold it: the same count as asking
/// `roles U` of every user (`rights query --brief -`).
#[test]
fn role_holders_agree_with_the_roles_query() {
    for seed in ["emresource", "analytics"] {
        let policy = format!("policies/{seed}.rights");
        let dir = out_dir(&format!("holders-{seed}"));
        markdown(&policy, &dir);
        let roles_md = std::fs::read_to_string(dir.join("roles.md")).unwrap();
        let ws = Workspace::load(&[PathBuf::from(&policy)], &[]);
        let program = ws.program().unwrap();
        let held = ask_every_user(&policy, program, "roles");
        let mut checked = 0;
        let mut held_by_someone = 0;
        for role in &program.policy.roles {
            let name = &role.meta.name;
            let entry = entry_of(&roles_md, "role", name);
            let line = entry.lines().find(|l| l.starts_with("- Held by")).unwrap();
            let said: usize = match line.split_whitespace().nth(3) {
                Some("no") => 0,
                Some(n) => n.parse().unwrap_or_else(|_| panic!("{line}")),
                None => panic!("{line}"),
            };
            let counted = held.iter().filter(|rs| rs.contains(name)).count();
            assert_eq!(said, counted, "{seed}: role {name}: {line}");
            checked += 1;
            held_by_someone += usize::from(counted > 0);
        }
        assert!(checked >= 3, "{seed}");
        // not only roles nobody holds (where "no" and 0 agree for nothing)
        assert!(held_by_someone >= 2, "{seed}: {held_by_someone} roles held");
    }
}

/// The access page documents groups: each group's members are counted as
/// `groups U` answers for every user, and what it gives is linked.
#[test]
fn group_members_agree_with_the_groups_query() {
    let policy = "tests/data/reference.rights";
    let dir = out_dir("groups");
    markdown(policy, &dir);
    let page = std::fs::read_to_string(dir.join("access.md")).unwrap();
    let ws = Workspace::load(&[PathBuf::from(policy)], &[]);
    let program = ws.program().unwrap();
    let held = ask_every_user(policy, program, "groups");
    assert!(!program.data.groups.is_empty());
    for g in &program.data.groups {
        let name = &g.meta.name;
        let entry = entry_of(&page, "group", name);
        let line = entry
            .lines()
            .find(|l| l.contains("member"))
            .unwrap_or_else(|| panic!("{entry}"));
        let said: usize = match line.split_whitespace().nth(1) {
            Some("No") => 0,
            Some(n) => n.parse().unwrap_or_else(|_| panic!("{line}")),
            None => panic!("{line}"),
        };
        let counted = held.iter().filter(|gs| gs.contains(name)).count();
        assert_eq!(said, counted, "group {name}: {line}");
        for (r, _) in &g.roles {
            let role = &program.policy.role(*r).meta.name;
            assert!(
                entry.contains(&format!("[`{role}`](roles.md#role-{role})")),
                "{entry}"
            );
        }
    }
}

/// Every cell of the role × right and role × report matrices, against the
/// engine: for each role a probe user who holds only that role (no flags, no
/// groups) is asked every right and report. ● ○ (with no deny) is allow, ✗
/// and an empty cell are deny; ✓ is allow and an empty report cell deny
/// (‡ and ? depend on the user and are left out).
#[test]
fn every_matrix_cell_agrees_with_the_engine() {
    for policy in [
        "policies/emresource.rights",
        "policies/analytics.rights",
        "tests/data/reference.rights",
    ] {
        let dir = out_dir(&format!(
            "cells-{}",
            Path::new(policy).file_stem().unwrap().to_str().unwrap()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let ws = Workspace::load(&[PathBuf::from(policy)], &[]);
        let p = &ws.program().unwrap().policy;
        let data = probe_data(policy, &dir);
        let site = dir.join("md");
        markdown(policy, &site);
        let roles_md = std::fs::read_to_string(site.join("roles.md")).unwrap();
        // (role, right or report, cell) of every matrix: a role per row
        // (`| Role |`), or a right per row and a role per column (`| Right |`)
        let mut cells: Vec<(String, String, String)> = Vec::new();
        let mut head: Vec<String> = Vec::new();
        let mut roles_across = false;
        for line in roles_md.lines() {
            if line.starts_with("| Role |") || line.starts_with("| Right |") {
                roles_across = line.starts_with("| Right |");
                head = line
                    .split(" | ")
                    .map(|c| c.trim_matches(['|', ' ']).replace('\\', ""))
                    .collect();
            } else if line.starts_with("| [`") && !head.is_empty() {
                let row: Vec<&str> = line
                    .split(" | ")
                    .map(|c| c.trim_matches(['|', ' ']))
                    .collect();
                let first = row[0].split('`').nth(1).unwrap().to_string();
                for (i, c) in row.iter().enumerate().skip(1) {
                    let column = head[i].split('`').nth(1).unwrap_or(&head[i]).to_string();
                    cells.push(if roles_across {
                        (column, first.clone(), c.to_string())
                    } else {
                        (first.clone(), head[i].clone(), c.to_string())
                    });
                }
            } else if !line.starts_with('|') && !line.trim().is_empty() {
                head.clear();
            }
        }
        // a column is headed `Label (`name`)`, or by the name alone
        let name_of = |col: &str| match col.split('`').nth(1) {
            Some(name) => name.to_string(),
            None => col.to_string(),
        };
        let report_of = |col: &str| p.reports.iter().find(|r| r.meta.name == name_of(col));
        let right_of = |col: &str| p.rights.iter().find(|r| r.meta.name == name_of(col));
        let mut asked = Vec::new();
        for (role, col, cell) in &cells {
            let expect = match cell.as_str() {
                "●" | "○" | "✓" => "allow",
                "" | "● ✗" | "○ ✗" => "deny",
                _ => continue, // ‡ and ?: depends on the user
            };
            let question = if let Some(r) = right_of(col) {
                format!("can probe_{role} {}", r.meta.name)
            } else if let Some(r) = report_of(col) {
                format!("can probe_{role} run {}", r.meta.name)
            } else {
                continue; // a count per component
            };
            asked.push((question, expect, cell.clone()));
        }
        assert!(asked.len() > 20, "{policy}: {} cells checked", asked.len());
        let questions: Vec<String> = asked.iter().map(|(q, _, _)| q.clone()).collect();
        let answers = ask_all(policy, &data, &questions);
        for ((q, expect, cell), got) in asked.iter().zip(answers) {
            assert_eq!(got, *expect, "{policy}: the cell `{cell}` for `{q}`");
        }
    }
}

/// A policy past the sizes that split pages (1,200 rights, 250 roles): the
/// catalogue is a page per component and the roles' entries pages of 100,
/// every page small, and every link and search result still lands.
#[test]
fn a_large_site_is_split_and_every_link_lands() {
    let dir = out_dir("large-site");
    let gen = rights_with_stdin(
        &[
            "bench-gen",
            "--roles",
            "250",
            "--rights",
            "1200",
            "--users",
            "300",
            "--resources",
            "50",
            "--queries",
            "1",
            "--out",
            dir.join("wl").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(gen.code, 0, "{}", gen.transcript());
    let site = dir.join("site");
    doc(&[
        "doc",
        dir.join("wl/policy.rights").to_str().unwrap(),
        "--data",
        dir.join("wl/data.json").to_str().unwrap(),
        "-o",
        site.to_str().unwrap(),
    ]);
    let pages = check_html_site("large", &site);
    for p in ["roles-1.html", "roles-3.html"] {
        assert!(pages.contains_key(p), "{p} missing");
    }
    assert!(pages.keys().filter(|p| p.starts_with("rights-")).count() > 1);
    for (name, html) in &pages {
        assert!(html.len() < 2_000_000, "{name} is {} bytes", html.len());
    }
}

/// The `access for role` matrices of the access page, against the engine:
/// each level a cell names is held on that resource by a user who holds
/// only that role.
#[test]
fn role_access_cells_agree_with_the_engine() {
    let policy = "policies/emresource.rights";
    let dir = out_dir("role-access");
    std::fs::create_dir_all(&dir).unwrap();
    let data = probe_data(policy, &dir);
    markdown(policy, &dir.join("md"));
    let page = std::fs::read_to_string(dir.join("md/access.md")).unwrap();
    let section = page.split("<a id=\"role-access\"></a>").nth(1).unwrap();
    let mut head: Vec<String> = Vec::new();
    let mut questions = Vec::new();
    for line in section.lines() {
        if line.starts_with("| Role |") {
            head = line
                .split(" | ")
                .map(|c| c.split('`').nth(1).unwrap_or("").to_string())
                .collect();
        } else if line.starts_with("| [`") {
            let row: Vec<&str> = line.split(" | ").collect();
            let role = row[0].split('`').nth(1).unwrap();
            for (i, cell) in row.iter().enumerate().skip(1) {
                for level in cell.split('`').skip(1).step_by(2) {
                    questions.push(format!("can probe_{role} access {level} on {}", head[i]));
                }
            }
        }
    }
    assert!(questions.len() >= 5, "{questions:?}");
    let answers = ask_all(policy, &data, &questions);
    for (q, a) in questions.iter().zip(answers) {
        assert_eq!(a, "allow", "{q}");
    }
}

/// A right a report reads only for its rows or its details is part of its
/// conditions, not needed to run it; one its `requires` needs is needed.
#[test]
fn rows_and_details_rights_are_not_needed_to_run_a_report() {
    let policy = policy_file(
        "report-parts",
        "right report.a \"A\"\n\
         right report.b \"B\"\n\
         right report.c \"C\"\n\
         role r { grant report.a, report.b, report.c }\n\
         report p \"P\" {\n  requires right report.a\n  rows resources where right report.c\n  details when right report.b\n}\n",
    );
    let dir = policy.parent().unwrap().to_path_buf();
    markdown(policy.to_str().unwrap(), &dir.join("md"));
    let rights_md = std::fs::read_to_string(dir.join("md/rights.md")).unwrap();
    let entry = |r: &str| entry_of(&rights_md, "right", r).to_string();
    assert!(
        entry("report.a").contains("- Needed for: [`p`]"),
        "{}",
        entry("report.a")
    );
    for r in ["report.b", "report.c"] {
        assert!(
            entry(r).contains("- Part of the conditions of: [`p`]"),
            "{}",
            entry(r)
        );
        assert!(!entry(r).contains("Needed for"), "{}", entry(r));
    }
}
