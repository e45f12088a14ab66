use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::symbolic::findings::Finding;

pub const RULE: Rule = Rule {
    code: "R019",
    name: "right-never-held",
    severity: Severity::Warning,
    summary: "a right no user could ever hold",
    doc: "What it does: proves, over every possible user (any roles, flags, groups, direct \
grants), that nobody can hold the right: denies take it from everyone who could be granted it.

Why it matters: every grant of it, and every condition that asks for it, is dead.

Example:
    right report.benchmarking \"Benchmarking\"
    deny report.benchmarking when flag analytics_access or not flag analytics_access

Instead: narrow the deny, or remove the right and what refers to it. (A right retired on \
purpose with a `deny` without `when` is not reported.)",
    proved: true,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for f in ctx.findings() {
        if matches!(f, Finding::RightNeverHeld { .. }) {
            out.push(
                ctx.proved(f, RULE.code)
                    .help("narrow the deny that always applies"),
            );
        }
    }
}
