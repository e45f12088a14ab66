use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::symbolic::findings::Finding;

pub const RULE: Rule = Rule {
    code: "R008",
    name: "unreachable-default-line",
    severity: Severity::Warning,
    summary: "a default-role line that is never chosen",
    doc: "What it does: finds `default role` lines that no user could ever get: whenever the \
line's condition holds, an earlier line's holds too (the first matching line wins), or the \
condition never holds. It is a proof over every combination of flags and groups.

Why it matters: the role on that line is never given by default.

Example:
    default role {
      reporting_user  when flag analytics_access
      billing_user    when flag analytics_access and flag billing_report_admin   # never reached
    }

Instead: order lines from the most specific condition to the least specific.",
    proved: true,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for f in ctx.findings() {
        if matches!(f, Finding::DefaultLineNever { .. }) {
            out.push(
                ctx.proved(f, RULE.code)
                    .help("put more specific lines first, or remove this one"),
            );
        }
    }
}
