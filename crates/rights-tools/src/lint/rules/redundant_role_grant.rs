use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule, RuleFix};

pub const RULE: Rule = Rule {
    code: "R004",
    name: "redundant-role-grant",
    severity: Severity::Warning,
    summary: "a role grants a right it already inherits",
    doc: "What it does: finds a `grant` of a right that one of the role's ancestors already \
grants.

Why it matters: the grant has no effect, and it hides the inheritance: removing the right \
from the parent no longer removes it from the child, which surprises whoever does it.

Example:
    role reporter { grant report.status_detail }
    role resource_admin extends reporter { grant report.status_detail }

Instead: drop the grant from the child role and let inheritance give it.",
    proved: false,
    suppressible: true,
    fix: Some(RuleFix::RemoveGrant),
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    for role in &p.roles {
        for site in &role.grants {
            // only the pattern that names the right exactly: `report.*` re-covering is fine
            if !ctx.names_exactly(site) {
                continue;
            }
            let from = role
                .parents
                .iter()
                .find(|(parent, _)| ctx.program.role_rights(*parent).any(|r| r == site.right));
            if let Some((parent, _)) = from {
                out.push(
                    Diagnostic::warning(
                        crate::diag::Code::Lint(RULE.code),
                        format!(
                            "role `{}` already inherits `{}`",
                            role.meta.name,
                            p.right(site.right).meta.name
                        ),
                    )
                    .at(
                        site.span,
                        format!("already granted through `{}`", p.role(*parent).meta.name),
                    )
                    .help("remove this grant: inheritance gives the right"),
                );
            }
        }
    }
}
