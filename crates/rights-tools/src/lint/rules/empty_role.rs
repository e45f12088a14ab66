use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::{Assignable, RoleId};

pub const RULE: Rule = Rule {
    code: "R003",
    name: "empty-role",
    severity: Severity::Warning,
    summary: "a role that grants nothing, extends nothing and assigns nothing",
    doc: "What it does: finds roles with no `grant`, no `extends`, no `assigns`, and no \
`access for role` line that gives them access — and no part in the policy's structure: a \
role that another role extends, that an `assigns` rule names, that a default-role line, a \
group or a user's data gives, is a base or a marker on purpose and is not reported.

Why it matters: holding such a role changes nothing except `role X` conditions; when no \
condition mentions it either, the role is a placeholder someone forgot to fill.

Example:
    role billing_user \"Billing User\"

Instead: grant the role its rights (`role billing_user { grant report.billing.* }`); if \
the role exists only to be tested in conditions (`deny … when role billing_user`), say so \
with `# rights: allow(empty-role)`.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let mentioned = mentioned_roles(ctx);
    // a role that `access for role` names gives access (§8.3)
    let mut gives_access = vec![false; ctx.policy().roles.len()];
    for data in ctx.all_data() {
        for r in &data.resources {
            for (role, _, _) in &r.role_access {
                gives_access[role.index()] = true;
            }
        }
    }
    // a role with a part to play in the policy's structure is not a
    // forgotten placeholder: another role extends it, an `assigns` rule
    // names it, a default-role line gives it, or a group or a user holds it
    let p = ctx.policy();
    let mut has_a_part = vec![false; p.roles.len()];
    let mut mark = |r: RoleId| {
        if let Some(x) = has_a_part.get_mut(r.index()) {
            *x = true;
        }
    };
    for role in &p.roles {
        role.parents.iter().for_each(|(r, _)| mark(*r));
        for rule in &role.assigns {
            if let Assignable::Roles(Some(named)) = &rule.what {
                named.iter().for_each(|r| mark(*r));
            }
        }
    }
    p.default_roles.iter().for_each(|line| mark(line.role));
    for data in ctx.all_data() {
        for g in &data.groups {
            g.roles.iter().for_each(|(r, _)| mark(*r));
        }
        // assigned to someone: a role users hold is a marker on purpose
        for u in &data.users {
            u.roles.iter().flatten().for_each(|(r, _)| mark(*r));
        }
    }
    for (i, role) in p.roles.iter().enumerate() {
        if role.grants.is_empty()
            && role.parents.is_empty()
            && role.assigns.is_empty()
            && !gives_access[i]
            && !has_a_part[i]
        {
            let mut d = Diagnostic::warning(
                crate::diag::Code::Lint(RULE.code),
                format!("role `{}` grants nothing", role.meta.name),
            )
            .at(role.meta.span, "no `grant`, `extends` or `assigns`");
            d = if mentioned[i] {
                d.help("it is only tested in conditions; if that is intended, add `# rights: allow(empty-role)`")
            } else {
                d.help("grant it rights, make it extend a role, or delete it")
            };
            out.push(d);
        }
    }
}

fn mentioned_roles(ctx: &Ctx) -> Vec<bool> {
    let mut v = vec![false; ctx.policy().roles.len()];
    for c in ctx.conditions() {
        c.for_each_atom(|a| {
            if let crate::sema::model::Cond::Role(r, _) = a {
                v[r.index()] = true;
            }
        });
    }
    v
}
