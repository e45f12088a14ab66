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
    let mut last = LastVariant::default();
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
            run_one(t, program, &mut last, coverage.as_deref_mut())
        })
        .collect()
}

/// The variant of a program last asked for (another date, other facts),
/// kept for the next group of expectations asked the same way: the tests
/// of one date share it. One at a time: a variant of large data is a copy
/// of its tables.
#[derive(Default)]
struct LastVariant {
    /// Whose variant (not kept alive by this).
    base: std::sync::Weak<Program>,
    key: Option<(Day, ContextSet)>,
    variant: Option<Arc<Program>>,
}

impl LastVariant {
    fn of(&mut self, base: &Arc<Program>, when: When) -> Arc<Program> {
        let key = base.variant_of(when);
        if let (Some(v), true) = (&self.variant, self.key == Some(key)) {
            if std::sync::Weak::ptr_eq(&self.base, &Arc::downgrade(base)) {
                return v.clone();
            }
        }
        // the one kept is let go before the next is built
        self.variant = None;
        let v = base.at_once(when).arc(base);
        self.base = Arc::downgrade(base);
        self.key = Some(key);
        self.variant = Some(v.clone());
        v
    }
}

/// A test's expectations in groups that `program` answers as one variant
/// (the same date, the same facts where they change an answer), in order
/// within each group: each group's variant is built once.
fn by_when<'t>(t: &'t Test, program: &Program) -> Vec<(When, Vec<&'t Expectation>)> {
    let mut groups: Vec<((Day, ContextSet), When, Vec<&Expectation>)> = Vec::new();
    for e in &t.expects {
        let when = expectation_when(t, e);
        let key = program.variant_of(when);
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, g)) => g.push(e),
            None => groups.push((key, when, vec![e])),
        }
    }
    groups.into_iter().map(|(_, w, g)| (w, g)).collect()
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
    last: &mut LastVariant,
    mut coverage: Option<&mut coverage::Coverage>,
) -> TestResult {
    let mut failures = Vec::new();
    for (when, group) in by_when(t, &test_program) {
        let program = last.of(&test_program, when);
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
