use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::{RoleId, UserId};

pub const RULE: Rule = Rule {
    code: "R016",
    name: "role-access-nobody-has",
    severity: Severity::Warning,
    summary: "`access for role` naming a role no user has",
    doc: "What it does: finds `access for role X: …` lines (§8.3) whose role no user has, \
neither directly, by default, through a group, nor through a role that extends it.

Why it matters: the line grants access to nobody. Often the role meant is another one, or \
the users who should have it were never given it.

Example:
    role reporter \"Reporter\"
    role viewer \"Viewer\"                          # no user has it
    resource beds { access for role viewer: view_resource }
    user jane { roles reporter }

Instead: name the role the users have (`access for role reporter: …`), give the role to the \
users it is meant for, or delete the line.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    let program = ctx.program;
    // roles someone has (global data: the data the policy is compiled with)
    let mut held = vec![false; p.roles.len()];
    for u in 0..program.data.users.len() {
        for r in program.roles_of(UserId::from_index(u)) {
            held[r.index()] = true;
        }
    }
    let mut seen = Vec::new();
    for data in ctx.all_data() {
        for r in &data.resources {
            for (role, _, span) in &r.role_access {
                if held[role.index()]
                    || seen
                        .iter()
                        .any(|s: &crate::source::Span| s.same_place(span))
                {
                    continue;
                }
                seen.push(*span);
                let name = &p.role(RoleId::from_index(role.index())).meta.name;
                out.push(
                    Diagnostic::warning(
                        crate::diag::Code::Lint(RULE.code),
                        format!(
                            "`access for role {name}` on `{}` reaches no user",
                            r.meta.name
                        ),
                    )
                    .at(*span, "no user has this role")
                    .help(format!(
                        "give role `{name}` to the users it is meant for, or name a role they have"
                    )),
                );
            }
        }
    }
}
