use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::symbolic::findings::Finding;

pub const RULE: Rule = Rule {
    code: "R007",
    name: "grant-always-denied",
    severity: Severity::Warning,
    summary: "a grant that a deny always removes",
    doc: "What it does: finds a role's grant of a right that denies remove from every holder \
of that role, whatever else is true of them (their flags, groups, other roles). It is a proof \
over every possible user, not a pattern: `deny x when role lead or not flag sso` on a grant of \
`lead` is found; `deny x when flag suspended` is not (a holder without the flag keeps it).

Why it matters: the grant can never take effect, yet reads as if the role had the right.

Example:
    role billing_user { grant report.benchmarking }
    deny report.benchmarking when role billing_user

Instead: remove the grant, or narrow the deny's condition if some holders should keep it.",
    proved: true,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    // the analysis decides (an exact grant, a right not retired): `rights
    // analyze` reports exactly these
    for f in ctx.findings() {
        if matches!(f, Finding::GrantAlwaysDenied { .. }) {
            out.push(
                ctx.proved(f, RULE.code)
                    .help("remove the grant, or narrow the deny"),
            );
        }
    }
}
