use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::UserId;

pub const RULE: Rule = Rule {
    code: "R006",
    name: "useless-revoke",
    severity: Severity::Warning,
    summary: "a revoke of a right the user would not hold anyway",
    doc: "What it does: finds a user's `revoke` of a right that none of the user's roles and \
none of the user's own grants give.

Why it matters: the revoke does nothing today, and reads as if the user had the right; it \
is often a misspelt right or a revoke left behind after the user's roles changed.

Example:
    role reporter { grant report.status_detail }
    user jane { roles reporter  revoke report.status_summary }

Instead: remove the revoke, or revoke the right the user actually holds.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    for (ui, user) in ctx.model.data.users.iter().enumerate() {
        let roles = ctx.program.roles_of(UserId::from_index(ui));
        for site in &user.revokes {
            let granted = roles
                .iter()
                .any(|&r| p.role(r).grants.iter().any(|g| g.right == site.right))
                || user.grants.iter().any(|g| g.right == site.right);
            if !granted && ctx.names_exactly(site) {
                out.push(
                    Diagnostic::warning(
                        crate::diag::Code::Lint(RULE.code),
                        format!(
                            "user `{}` would not hold `{}` anyway",
                            user.meta.name,
                            p.right(site.right).meta.name
                        ),
                    )
                    .at(site.span, "nothing grants this right to this user")
                    .help("remove the revoke, or check that it names the right you mean"),
                );
            }
        }
    }
}
