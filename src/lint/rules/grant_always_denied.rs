use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::Cond;

pub const RULE: Rule = Rule {
    code: "R007",
    name: "grant-always-denied",
    severity: Severity::Warning,
    summary: "a grant that a deny always removes",
    doc: "What it does: finds a role's grant of a right that a deny removes from every holder \
of that role: a deny with no condition, or one whose condition is `role R` where the \
granting role is R or extends it.

Why it matters: the grant can never take effect, yet reads as if the role had the right.

Example:
    role billing_user { grant report.benchmarking }
    deny report.benchmarking when role billing_user

Instead: remove the grant, or narrow the deny's condition if some holders should keep it.",
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    for (ri, role) in p.roles.iter().enumerate() {
        let rid = crate::sema::model::RoleId::from_index(ri);
        for site in &role.grants {
            if !ctx.names_exactly(site) {
                continue;
            }
            let deny = p.denies.iter().find(|d| {
                d.rights.iter().any(|s| s.right == site.right)
                    && match &d.when {
                        None | Some(Cond::Const(true, _)) => true,
                        Some(Cond::Role(r, _)) => ctx.program.role_inherits(rid, *r),
                        _ => false,
                    }
            });
            if let Some(d) = deny {
                out.push(
                    Diagnostic::warning(
                        crate::diag::Code::Lint(RULE.code),
                        format!(
                            "role `{}` grants `{}`, but a deny always takes it away",
                            role.meta.name,
                            p.right(site.right).meta.name
                        ),
                    )
                    .at(site.span, "this grant never takes effect")
                    .also(d.span, "this deny removes it from every holder of the role")
                    .help("remove the grant, or narrow the deny"),
                );
            }
        }
    }
}
