use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::{Assignable, RoleId};

pub const RULE: Rule = Rule {
    code: "R010",
    name: "assigns-escalation",
    severity: Severity::Warning,
    summary: "a role may assign a role holding rights the assigning role lacks",
    doc: "What it does: for each `assigns`, compares the rights of every role it may hand out \
with the rights of the assigning role.

Why it matters: delegated user management is privilege escalation when an administrator \
can give someone (including a colleague acting for them) rights the administrator does \
not hold.

Example:
    role resource_admin { grant setup.resources_edit_only  assigns regional_admin }
    role regional_admin { grant setup.* }

Instead: limit `assigns` to roles whose rights the assigning role holds, or give the \
assigning role those rights deliberately.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    for (ai, role) in p.roles.iter().enumerate() {
        let a = RoleId::from_index(ai);
        let own: Vec<_> = ctx.program.role_rights(a).collect();
        for rule in &role.assigns {
            let targets: Vec<RoleId> = match &rule.what {
                Assignable::Roles(Some(rs)) => rs.clone(),
                Assignable::Roles(None) => (0..p.roles.len()).map(RoleId::from_index).collect(),
                Assignable::Access(_) => continue,
            };
            for t in targets {
                let extra: Vec<String> = ctx
                    .program
                    .role_rights(t)
                    .filter(|r| !own.contains(r))
                    .map(|r| format!("`{}`", p.right(r).meta.name))
                    .collect();
                if extra.is_empty() {
                    continue;
                }
                let shown = if extra.len() > 3 {
                    format!("{} and {} more", extra[..3].join(", "), extra.len() - 3)
                } else {
                    extra.join(", ")
                };
                out.push(
                    Diagnostic::warning(
                        crate::diag::Code::Lint(RULE.code),
                        format!(
                            "role `{}` may assign role `{}`, which holds rights `{}` lacks: {shown}",
                            role.meta.name,
                            p.role(t).meta.name,
                            role.meta.name
                        ),
                    )
                    .at(rule.span, "privilege escalation through delegation")
                    .help("assign only roles whose rights the assigning role holds"),
                );
            }
        }
    }
}
