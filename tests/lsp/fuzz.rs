//! Random edits, one after another, never crash the server, and after each
//! its diagnostics are exactly what `rights check` + `rights lint` report on
//! the same text (through the library: the same messages on the same lines).

use super::client::{uri, Client};
use super::root;
use rights::source::Origin;
use rights::workspace::Workspace;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// A small deterministic generator (no dependency needed for this).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "\"",
    ",",
    "\n",
    " ",
    "role ",
    "right ",
    "grant ",
    "extends ",
    "when ",
    "and ",
    "or ",
    "not ",
    "flag ",
    "reporter",
    "admin",
    "report.*",
    "x",
    "report.status_detail",
    "access view",
    "# c\n",
    "deny ",
    "*",
    "test \"t\" {",
    "expect can ",
];

/// (line, message) of what the library reports for the texts.
fn expected(
    files: &[(std::path::PathBuf, String)],
    data: &(std::path::PathBuf, String),
) -> BTreeSet<(String, u64, String)> {
    let mut ws = Workspace::default();
    for (p, t) in files {
        ws.add_policy_text(Origin::Path(p.clone()), t.clone());
    }
    ws.add_data_text(Origin::Path(data.0.clone()), data.1.clone());
    ws.check();
    let (found, _) = rights::lint::check_and_lint(&ws);
    found
        .iter()
        .filter_map(|d| {
            let (s, _) = d.primary.as_ref()?;
            let f = ws.sources.get(s.file)?;
            let name = match &f.origin {
                Origin::Path(p) => p.file_name()?.to_string_lossy().to_string(),
                Origin::Input(n) => n.clone(),
            };
            Some((name, (f.line_of(s.start) - 1) as u64, d.message.clone()))
        })
        .collect()
}

fn published(c: &mut Client, files: &[&str]) -> BTreeSet<(String, u64, String)> {
    let mut out = BTreeSet::new();
    for f in files {
        let d = c.diagnostics(&root().join(f));
        for x in d.as_array().into_iter().flatten() {
            if x["source"] == "rights test" {
                continue;
            }
            // the editor's message adds the label and help after it
            let msg = x["message"].as_str().unwrap_or("");
            out.insert((
                f.to_string(),
                x["range"]["start"]["line"].as_u64().unwrap_or(0),
                msg.to_string(),
            ));
        }
    }
    out
}

#[test]
fn random_edits_never_crash_and_match_check_and_lint() {
    let mut c = Client::start(&root(), json!({}));
    let names = ["rights.rights", "roles.rights"];
    let mut texts: Vec<String> = names
        .iter()
        .map(|n| std::fs::read_to_string(root().join(n)).unwrap())
        .collect();
    let data = (
        root().join("users.json"),
        std::fs::read_to_string(root().join("users.json")).unwrap(),
    );
    for (n, t) in names.iter().zip(&texts) {
        c.open(&root().join(n), t);
    }
    let mut rng = Lcg(0x5eed_2026);
    for step in 0..60 {
        let k = rng.below(names.len());
        let t = &mut texts[k];
        // delete a short range, or insert a piece, at a character boundary
        let mut at = rng.below(t.len() + 1);
        while !t.is_char_boundary(at) {
            at -= 1;
        }
        if rng.below(3) == 0 && at < t.len() {
            let mut end = (at + 1 + rng.below(12)).min(t.len());
            while !t.is_char_boundary(end) {
                end -= 1;
            }
            t.replace_range(at..end, "");
        } else {
            t.insert_str(at, PIECES[rng.below(PIECES.len())]);
        }
        c.clear();
        c.change(&root().join(names[k]), step + 2, &texts[k]);
        // a request makes the server analyse the new text and publish first
        let r = c.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri(&root().join(names[k])) }, "position": { "line": 0, "character": 0 } }),
        );
        assert!(
            r.get("error").is_none() || r["error"]["code"] != -32603,
            "{r}"
        );
        // lint runs beside requests: wait until the analysis is complete
        c.notification("$/rights/analysed");
        let files: Vec<(std::path::PathBuf, String)> = names
            .iter()
            .zip(&texts)
            .map(|(n, t)| (root().join(n), t.clone()))
            .collect();
        let want: BTreeSet<(String, u64, String)> = expected(&files, &data);
        let got = published(&mut c, &names);
        let got_short: BTreeSet<(String, u64, String)> = got
            .iter()
            .map(|(f, l, m)| {
                let m = want
                    .iter()
                    .find(|(wf, wl, wm)| wf == f && wl == l && m.starts_with(wm.as_str()))
                    .map_or(m.clone(), |(_, _, wm)| wm.clone());
                (f.clone(), *l, m)
            })
            .collect();
        let want_here: BTreeSet<_> = want
            .into_iter()
            .filter(|(f, _, _)| names.contains(&f.as_str()))
            .collect();
        assert_eq!(
            got_short, want_here,
            "step {step}: after editing {}:\n{}",
            names[k], texts[k]
        );
    }
    let _: Value = c.result(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(&root().join("roles.rights")) } }),
    );
    c.shutdown();
}
