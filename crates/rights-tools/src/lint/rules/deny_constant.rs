use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::symbolic::findings::Finding;

pub const RULE: Rule = Rule {
    code: "R022",
    name: "deny-constant",
    severity: Severity::Warning,
    summary: "a deny whose condition never holds, or always holds",
    doc: "What it does: proves, over every possible user (and resource, for `deny access`), \
that a deny's `when` condition never holds (the deny removes nothing) or always holds (it \
removes the rights or levels from everyone, like a deny without `when`).

Why it matters: a deny that never applies gives false comfort; one that always applies \
probably has a condition that contradicts itself.

Example:
    deny report.benchmarking when flag clinic_admin and not flag clinic_admin

Instead: fix the condition, or write the deny without `when` if it is meant for everyone.",
    proved: true,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for f in ctx.findings() {
        if matches!(
            f,
            Finding::DenyNever { .. }
                | Finding::DenyAlways { .. }
                | Finding::AccessDenyNever { .. }
                | Finding::AccessDenyAlways { .. }
        ) {
            out.push(ctx.proved(f, RULE.code).help("fix the deny's condition"));
        }
    }
}
