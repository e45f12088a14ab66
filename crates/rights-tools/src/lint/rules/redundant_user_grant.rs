use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule, RuleFix};
use crate::sema::model::UserId;

pub const RULE: Rule = Rule {
    code: "R005",
    name: "redundant-user-grant",
    severity: Severity::Warning,
    summary: "a user is granted a right their roles already give (the red asterisk)",
    doc: "What it does: finds a user's own `grant` of a right that one of the user's roles \
(explicit or default, with ancestors) already grants. EMResource marks these with a red \
asterisk.

Why it matters: the direct grant survives when the role changes, so taking the role away \
no longer takes the right away.

Example:
    role reporter { grant report.status_detail }
    user jane { roles reporter  grant report.status_detail }

Instead: remove the user's grant; keep direct grants for rights no role gives.",
    proved: false,
    suppressible: true,
    fix: Some(RuleFix::RemoveGrant),
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    for (ui, user) in ctx.model.data.users.iter().enumerate() {
        let roles = ctx.program.roles_of(UserId::from_index(ui));
        // only a grant naming the right exactly: `grant c.*` may give others too
        for site in user.grants.iter().filter(|s| ctx.names_exactly(s)) {
            let by = roles
                .iter()
                .find(|&&r| p.role(r).grants.iter().any(|g| g.right == site.right));
            if let Some(&role) = by {
                out.push(
                    Diagnostic::warning(
                        crate::diag::Code::Lint(RULE.code),
                        format!(
                            "user `{}` is granted `{}` directly, though role `{}` already gives it",
                            user.meta.name,
                            p.right(site.right).meta.name,
                            p.role(role).meta.name
                        ),
                    )
                    .at(site.span, "redundant direct grant")
                    .help("remove the direct grant, so that the role alone decides"),
                );
            }
        }
    }
}
