use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::symbolic::findings::Finding;

pub const RULE: Rule = Rule {
    code: "R021",
    name: "details-constant",
    severity: Severity::Warning,
    summary: "a `details when` that never holds, or always holds, on a row",
    doc: "What it does: proves, over every possible user and resource, that a report's \
`details when` decides nothing: on every row anyone can see it never holds (every row is \
name-only for everyone) or always holds (every row is in full).

Why it matters: a `details when` that never holds hides every detail from everyone; one that \
always holds protects nothing.

Example:
    report snapshot {
      requires right report.snapshot
      rows resources where access view_resource
      details when access view_resource          # always holds on a row
    }

Instead: make the condition depend on what should show the details (say `access \
run_reports`), or remove it.",
    proved: true,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for f in ctx.findings() {
        if matches!(
            f,
            Finding::DetailsNever { .. } | Finding::DetailsAlways { .. }
        ) {
            out.push(
                ctx.proved(f, RULE.code)
                    .help("make `details when` depend on the row"),
            );
        }
    }
}
