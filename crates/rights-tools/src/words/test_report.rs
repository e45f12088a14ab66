//! The test runner's report in words: each failing expectation with expected
//! and actual and the explanation, the pass/fail count, and coverage.

use super::Words;
use crate::eval::answer::Answer;
use crate::eval::explain::{Explanation, Fact, Reason};
use crate::sema::model::Policy;
use crate::sema::model::Visibility;
use crate::source::SourceMap;
use crate::testing::coverage::{Coverage, Missed};
use crate::testing::{RowDiff, TestResult};
use serde_json::{json, Value};

/// A coverage gap in words: "right `x`", "revoke of `x` from jane",
/// "revoke of access `x` on `r` from jane".
pub fn missed_text(m: &Missed) -> String {
    match (&m.user, m.kind) {
        (Some(user), "revoke access") => format!("revoke of access `{}` from {user}", m.name),
        (Some(user), _) => format!("{} of `{}` from {user}", m.kind, m.name),
        (None, _) => format!("{} `{}`", m.kind, m.name),
    }
}

/// The report for people.
pub fn human(
    results: &[TestResult],
    sources: &SourceMap,
    coverage: Option<(&Coverage, &Policy)>,
    all_fixes: bool,
) -> String {
    let mut out = String::new();
    for r in results {
        if r.passed() {
            out.push_str(&format!("ok      {}\n", r.name));
            continue;
        }
        out.push_str(&format!(
            "FAILED  {}  [{}]\n",
            r.name,
            sources.file_line(r.span)
        ));
        for f in &r.failures {
            let text = sources
                .slice(f.span)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            out.push_str(&format!("  {}: {text}\n", sources.location(f.span)));
            out.push_str(&format!("    expected: {}\n", f.expected));
            out.push_str(&format!("    actual:   {}\n", f.actual));
            let words = Words::new(&f.program, sources).with_all_fixes(all_fixes);
            if !f.rows.is_empty() {
                // the rows first, each with why, briefly
                out.push_str("    rows that differ:\n");
                for (row, e) in f.rows.iter().zip(&f.explanations) {
                    out.push_str(&format!("      {}\n", words.row_diff(row, e)));
                }
                continue;
            }
            for e in &f.explanations {
                let shown = words.human(&Answer::Can {
                    explanation: e.clone(),
                    detailed: true,
                });
                for line in shown.lines() {
                    out.push_str(&format!("    {line}\n"));
                }
            }
        }
    }
    if results.is_empty() {
        out.push_str("no tests found\n");
    }
    let passed = results.iter().filter(|r| r.passed()).count();
    out.push_str(&format!(
        "{passed} passed, {} failed\n",
        results.len() - passed
    ));
    if let Some((coverage, policy)) = coverage {
        let totals: Vec<String> = coverage
            .totals()
            .iter()
            .filter(|(_, _, total)| *total > 0)
            .map(|(k, a, b)| format!("{k} {a}/{b}"))
            .collect();
        out.push_str(&format!("coverage: {}\n", totals.join(", ")));
        let missed = coverage.missed(policy);
        if missed.is_empty() {
            out.push_str("every right, role, action, report, deny, access deny, group, tag, `access for role` line, revoke and default-role line is exercised\n");
        } else {
            out.push_str("not exercised by any test:\n");
            for m in &missed {
                out.push_str(&format!(
                    "  {}  [{}]\n",
                    missed_text(m),
                    sources.file_line(m.span)
                ));
            }
        }
    }
    out
}

/// The report for machines.
pub fn json(
    results: &[TestResult],
    sources: &SourceMap,
    coverage: Option<(&Coverage, &Policy)>,
    all_fixes: bool,
) -> Value {
    let tests: Vec<_> = results
        .iter()
        .map(|r| {
            json!({
                "name": r.name,
                "at": sources.file_line(r.span),
                "passed": r.passed(),
                "expectations": r.expectations,
                "failures": r.failures.iter().map(|f| {
                    let words = Words::new(&f.program, sources).with_all_fixes(all_fixes);
                    json!({
                        "at": sources.location(f.span),
                        "expected": f.expected,
                        "actual": f.actual,
                        "rows": f.rows.iter().zip(&f.explanations).map(|(row, e)| words.row_diff_json(row, e)).collect::<Vec<_>>(),
                        "explanations": f.explanations.iter().map(|e| {
                            words.json(&Answer::Can { explanation: e.clone(), detailed: true }, &words.query_text(&e.subject))
                        }).collect::<Vec<_>>(),
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let passed = results.iter().filter(|r| r.passed()).count();
    let mut out = json!({"tests": tests, "passed": passed, "failed": results.len() - passed});
    if let Some((coverage, policy)) = coverage {
        out["coverage"] = json!({
            "totals": coverage.totals().iter().map(|(k, a, b)| (k.to_string(), json!({"exercised": a, "total": b}))).collect::<serde_json::Map<_, _>>(),
            "missed": coverage.missed(policy).iter().map(|m| json!({"kind": m.kind, "name": m.name, "user": m.user, "at": sources.file_line(m.span)})).collect::<Vec<_>>(),
        });
    }
    out
}

impl Words<'_> {
    fn visibility(v: Option<Visibility>) -> &'static str {
        match v {
            Some(v) => v.as_str(),
            None => "not a row",
        }
    }

    /// The facts that decide an explanation, briefly: the leaves of its
    /// tree that agree with the decision, under the part that decides a
    /// row when there is one (whether it runs at all is not in question).
    fn deciding<'e>(&self, e: &'e Explanation) -> Vec<&'e Reason> {
        fn leaves<'e>(r: &'e Reason, want: bool, out: &mut Vec<&'e Reason>) {
            if r.holds != want {
                return;
            }
            if r.because.is_empty() {
                out.push(r);
            }
            for c in &r.because {
                leaves(c, want, out);
            }
        }
        let row: Vec<&Reason> = e
            .reasons
            .iter()
            .filter(|r| matches!(r.fact, Fact::Row { .. }))
            .collect();
        let scope: Vec<&Reason> = if row.is_empty()
            || !e
                .reasons
                .iter()
                .all(|r| r.holds || matches!(r.fact, Fact::Row { .. }))
        {
            e.reasons.iter().collect()
        } else {
            row
        };
        let mut out = Vec::new();
        for r in scope {
            leaves(r, e.allowed, &mut out);
        }
        out
    }

    /// "r4: expected full, found not a row: bob has no `view` access on `r4`
    /// (would allow it: grant access `view` on `r4` to bob)".
    pub fn row_diff(&self, row: &RowDiff, e: &Explanation) -> String {
        let why: Vec<String> = self
            .deciding(e)
            .iter()
            .take(3)
            .map(|r| match self.at(r.site) {
                Some(at) => format!("{}  [{at}]", self.fact(&r.fact)),
                None => self.fact(&r.fact),
            })
            .collect();
        let name = self.resource_name(row.resource);
        let mut line = match (row.expected, row.found) {
            (Some(x), Some(y)) => format!("{name}: expected {}, found {}", x.as_str(), y.as_str()),
            (Some(x), None) => format!("{name}: expected {}, not a row", x.as_str()),
            (None, Some(y)) => format!("{name}: not expected, found {}", y.as_str()),
            (None, None) => format!("{name}: {}", Self::visibility(None)),
        };
        if !why.is_empty() {
            line.push_str(&format!(": {}", why.join("; ")));
        }
        if let Some(fix) = e.fixes.first().filter(|_| !e.allowed) {
            line.push_str(&format!(
                " (would allow it: {})",
                self.alternative(e.user, fix)
            ));
        }
        line
    }

    pub fn row_diff_json(&self, row: &RowDiff, e: &Explanation) -> Value {
        json!({
            "resource": self.resource_name(row.resource),
            "expected": row.expected.map(|v| v.as_str()),
            "found": row.found.map(|v| v.as_str()),
            "because": self.deciding(e).iter().map(|r| json!({"text": self.fact(&r.fact), "at": self.at(r.site)})).collect::<Vec<_>>(),
        })
    }
}
