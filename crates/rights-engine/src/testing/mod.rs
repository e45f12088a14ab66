//! The policy test runner: runs `test` blocks (docs/reference/tests.md) with the one
//! evaluator. Data declared in a test exists only in that test: the test's
//! program joins the policy, compiled once, with tables built from the test's
//! own data.

pub mod coverage;

use crate::eval::explain::Explanation;
use crate::ir::Program;
use crate::sema::model::*;
use crate::source::Span;
use std::sync::Arc;

/// The result of one `test` block.
#[derive(Clone, Debug)]
pub struct TestResult {
    pub name: String,
    pub span: Span,
    pub expectations: usize,
    pub failures: Vec<FailedExpectation>,
}

impl TestResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// One expectation that did not hold.
#[derive(Clone, Debug)]
pub struct FailedExpectation {
    pub span: Span,
    pub expected: String,
    pub actual: String,
    /// Why the actual decision came out as it did: the `can` decision, or for a
    /// report, why it was denied or why each row that differs is (not) shown.
    pub explanations: Vec<Explanation>,
    /// The program the test ran against (its data may be the test's own).
    pub program: Arc<Program>,
    /// For `report … shows`: each row that differs, expected vs found (the
    /// explanation at the same index says why); empty otherwise.
    pub rows: Vec<RowDiff>,
}

/// A row of a report expected one way and found another: `None` is "not a
/// row".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowDiff {
    pub resource: ResourceId,
    pub expected: Option<Visibility>,
    pub found: Option<Visibility>,
}

/// Runs every test whose name contains `filter` (all when `None`) against
/// the compiled program of their policy.
pub fn run(program: &Program, tests: &[Test], filter: Option<&str>) -> Vec<TestResult> {
    run_with_coverage(program, tests, filter, None)
}

/// Like [`run`], recording what the tests exercised into `coverage`.
pub fn run_with_coverage(
    program: &Program,
    tests: &[Test],
    filter: Option<&str>,
    mut coverage: Option<&mut coverage::Coverage>,
) -> Vec<TestResult> {
    // variants built for the tests' dates and facts are let go after the
    // run (a clone would keep them in the caller's program)
    let global = Arc::new(program.detached());
    tests
        .iter()
        .filter(|t| filter.is_none_or(|f| t.name.contains(f)))
        .map(|t| {
            let program = match (&t.policy, &t.data) {
                // a test that declares groups has a policy of its own (§9.6)
                (Some(policy), data) => Arc::new(Program::join_at(
                    policy.clone(),
                    Arc::new(crate::ir::PolicyCode::compile(policy)),
                    data.clone().unwrap_or_else(|| global.data.clone()),
                    global.day(),
                    ContextSet::NONE,
                )),
                (None, Some(d)) => Arc::new(global.with_data(d.clone())),
                (None, None) => global.clone(),
            };
            run_one(t, program, coverage.as_deref_mut())
        })
        .collect()
}

/// A test's expectations in groups asked at the same date with the same
/// facts, in order within each group: each group's program is built once
/// and let go before the next (a variant of large data is a copy of it).
fn by_when(t: &Test) -> Vec<(When, Vec<&Expectation>)> {
    let mut groups: Vec<(When, Vec<&Expectation>)> = Vec::new();
    let mut index: std::collections::HashMap<When, usize> = std::collections::HashMap::new();
    for e in &t.expects {
        let when = expectation_when(t, e);
        let i = *index.entry(when).or_insert_with(|| {
            groups.push((when, Vec::new()));
            groups.len() - 1
        });
        if let Some((_, g)) = groups.get_mut(i) {
            g.push(e);
        }
    }
    groups
}

/// When an expectation is asked: its own `at`, else its test's, else the
/// run's date; with its own context facts.
fn expectation_when(t: &Test, e: &Expectation) -> When {
    let when = match e {
        Expectation::Can { when, .. } | Expectation::Report { when, .. } => *when,
    };
    When {
        at: when.at.or(t.at),
        with: when.with,
    }
}

fn run_one(
    t: &Test,
    test_program: Arc<Program>,
    mut coverage: Option<&mut coverage::Coverage>,
) -> TestResult {
    let mut failures = Vec::new();
    for (when, group) in by_when(t) {
        let program = test_program.at_once(when).arc(&test_program);
        for e in group {
            if let Some(c) = coverage.as_deref_mut() {
                c.expectation(&program, e);
            }
            check_one(e, &program, &mut failures);
        }
    }
    // in the order of the text, whatever the groups
    failures.sort_by_key(|f| (f.span.file, f.span.start));
    TestResult {
        name: t.name.clone(),
        span: t.span,
        expectations: t.expects.len(),
        failures,
    }
}

/// One expectation asked of `program`; a failure is added to `failures`.
fn check_one(e: &Expectation, program: &Arc<Program>, failures: &mut Vec<FailedExpectation>) {
    match e {
        Expectation::Can {
            negated,
            question,
            span,
            ..
        } => {
            let actual = program.can(question);
            if actual == *negated {
                let verdict = |b: bool| if b { "allow" } else { "deny" };
                failures.push(FailedExpectation {
                    span: *span,
                    expected: verdict(!negated).to_string(),
                    actual: verdict(actual).to_string(),
                    explanations: vec![program.explain(question)],
                    program: program.clone(),
                    rows: Vec::new(),
                });
            }
        }
        Expectation::Report {
            question,
            outcome,
            span,
            ..
        } => {
            let rows = program.report_rows(question);
            let describe = |rows: &Option<Vec<(ResourceId, Visibility)>>| match rows {
                None => "denied".to_string(),
                Some(r) if r.is_empty() => "empty".to_string(),
                Some(r) => format!("shows {}", rows_text(program, r)),
            };
            let ok = match (outcome, &rows) {
                (ExpectedReport::Denied, None) => true,
                (ExpectedReport::Empty, Some(r)) => r.is_empty(),
                (ExpectedReport::Shows(want), Some(got)) => same_rows(want, got),
                _ => false,
            };
            if !ok {
                let expected = match outcome {
                    ExpectedReport::Denied => "denied".to_string(),
                    ExpectedReport::Empty => "empty".to_string(),
                    ExpectedReport::Shows(w) => format!("shows {}", rows_text(program, w)),
                };
                let (explanations, differing) =
                    report_explanations(program, question, outcome, rows.as_deref());
                failures.push(FailedExpectation {
                    span: *span,
                    expected,
                    actual: describe(&rows),
                    explanations,
                    program: program.clone(),
                    rows: differing,
                });
            }
        }
    }
}

/// Why a report came out differently from what was expected: why it was
/// denied, or for each row that differs, why it is or is not a row, and why it
/// shows in full or by name only.
fn report_explanations(
    program: &Program,
    q: &ReportQ,
    expected: &ExpectedReport,
    got: Option<&[(ResourceId, Visibility)]>,
) -> (Vec<Explanation>, Vec<RowDiff>) {
    let run = |on| CanQ {
        user: q.user,
        target: Target::Run(q.report),
        on,
        event: q.event,
    };
    let Some(got) = got else {
        return (vec![program.explain(&run(None))], Vec::new());
    };
    let want: &[(ResourceId, Visibility)] = match expected {
        ExpectedReport::Shows(w) => w,
        _ => &[],
    };
    let mut out = Vec::new();
    let mut differing: Vec<RowDiff> = Vec::new();
    for (r, _) in want.iter().chain(got.iter()) {
        let in_want = want.iter().find(|(x, _)| x == r).map(|(_, v)| *v);
        let in_got = got.iter().find(|(x, _)| x == r).map(|(_, v)| *v);
        if in_want != in_got && !differing.iter().any(|d| d.resource == *r) {
            differing.push(RowDiff {
                resource: *r,
                expected: in_want,
                found: in_got,
            });
            if in_want.is_some() && in_got.is_some() {
                out.push(program.explain_details(q.user, q.report, *r));
            } else {
                out.push(program.explain(&run(Some(*r))));
            }
        }
    }
    (out, differing)
}

/// `shows` lists exactly the rows expected, in any order.
fn same_rows(want: &[(ResourceId, Visibility)], got: &[(ResourceId, Visibility)]) -> bool {
    let key = |v: &Visibility| *v == Visibility::Full;
    let mut a: Vec<(ResourceId, bool)> = want.iter().map(|(r, v)| (*r, key(v))).collect();
    let mut b: Vec<(ResourceId, bool)> = got.iter().map(|(r, v)| (*r, key(v))).collect();
    a.sort();
    b.sort();
    a == b
}

fn rows_text(program: &Program, rows: &[(ResourceId, Visibility)]) -> String {
    rows.iter()
        .map(|(r, v)| {
            let name = program
                .data
                .resources
                .get(r.index())
                .map_or("?", |x| x.meta.name.as_str());
            format!("{name} {}", v.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ")
}
