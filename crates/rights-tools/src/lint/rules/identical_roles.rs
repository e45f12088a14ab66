use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::symbolic::findings::Finding;

pub const RULE: Rule = Rule {
    code: "R023",
    name: "identical-roles",
    severity: Severity::Warning,
    summary: "two roles that grant exactly the same rights",
    doc: "What it does: finds pairs of roles whose rights (inherited ones included) are exactly \
the same, where neither extends the other, neither has `assigns`, and no condition, `access \
for role`, `assigns` list, default-role line or group's `roles` names either (roles that differ \
in those are deliberate).

Why it matters: two names for one set of rights drift apart as the policy changes, and \
reviewers cannot tell which to assign.

Example:
    role auditor \"Auditor\" { grant report.status_detail, report.status_summary }
    role reviewer \"Reviewer\" { grant report.status_summary, report.status_detail }

Instead: keep one role (or make one extend the other if they should differ later).",
    proved: true,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for f in ctx.findings() {
        if matches!(f, Finding::IdenticalRoles { .. }) {
            out.push(ctx.proved(f, RULE.code).help("keep one of the two roles"));
        }
    }
}
