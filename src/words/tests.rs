//! The test runner's report in words: each failing expectation with expected
//! and actual and the explanation, the pass/fail count, and coverage.

use super::Words;
use crate::eval::answer::Answer;
use crate::sema::model::Policy;
use crate::source::SourceMap;
use crate::testing::coverage::{Coverage, Missed};
use crate::testing::TestResult;
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
                        "explanations": f.explanations.iter().map(|e| words.json(&Answer::Can { explanation: e.clone(), detailed: true }, "")).collect::<Vec<_>>(),
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
