use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::symbolic::findings::Finding;

pub const RULE: Rule = Rule {
    code: "R020",
    name: "never-allowed",
    severity: Severity::Warning,
    summary: "an action or report nobody could ever use",
    doc: "What it does: proves, over every possible user and resource, that an action's \
condition never holds, that a report's `requires` never holds, or that a report never has a \
row for anyone who may run it.

Why it matters: the action or report can never be used; its condition likely contradicts \
itself or a deny.

Example:
    action approve on resource when right status.update and not right status.update

Instead: fix the condition so that some user meets it, or remove the action or report.",
    proved: true,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for f in ctx.findings() {
        if matches!(
            f,
            Finding::ActionNeverAllowed { .. }
                | Finding::ReportNeverRun { .. }
                | Finding::ReportNeverRows { .. }
        ) {
            out.push(
                ctx.proved(f, RULE.code)
                    .help("fix the condition so that some user meets it"),
            );
        }
    }
}
