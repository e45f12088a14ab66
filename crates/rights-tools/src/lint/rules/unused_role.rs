use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::{Assignable, Cond};

pub const RULE: Rule = Rule {
    code: "R002",
    name: "unused-role",
    severity: Severity::Warning,
    summary: "a role that no user has and nothing extends, assigns or mentions",
    doc: "What it does: finds roles that no user lists, no group gives, no default-role line \
gives, no role extends, no `assigns` names, no `access for role` line names (R016 looks at \
those), and no `role X` condition mentions.

Why it matters: nobody can end up holding such a role, so its grants have no effect; it \
is usually left over from a reorganisation or misspelt where it is used.

Example:
    role auditor \"Auditor\" { grant report.* }     # no user, no parent of anything

Instead: give the role to the users who need it (`user ann { roles auditor }`), let an \
administrator role assign it (`assigns auditor`), or delete it.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    let mut used = vec![false; p.roles.len()];
    for r in &p.roles {
        for (parent, _) in &r.parents {
            used[parent.index()] = true;
        }
        for a in &r.assigns {
            if let Assignable::Roles(Some(roles)) = &a.what {
                for role in roles {
                    used[role.index()] = true;
                }
            }
        }
    }
    for l in &p.default_roles {
        used[l.role.index()] = true;
    }
    for data in ctx.all_data() {
        for u in &data.users {
            for (r, _) in u.roles.iter().flatten() {
                used[r.index()] = true;
            }
        }
        // a group gives its roles to its members
        for g in &data.groups {
            for (r, _) in &g.roles {
                used[r.index()] = true;
            }
        }
        for res in &data.resources {
            for (r, _, _) in &res.role_access {
                used[r.index()] = true;
            }
        }
    }
    for c in ctx.conditions() {
        c.for_each_atom(|a| {
            if let Cond::Role(r, _) = a {
                used[r.index()] = true;
            }
        });
    }
    for (i, role) in p.roles.iter().enumerate() {
        if !used[i] {
            out.push(
                Diagnostic::warning(
                    crate::diag::Code::Lint(RULE.code),
                    format!("role `{}` is never given to anyone", role.meta.name),
                )
                .at(
                    role.meta.span,
                    "no user, group, default line, role or `assigns` refers to it",
                )
                .help("give it to users, let a role assign or extend it, or delete it"),
            );
        }
    }
}
