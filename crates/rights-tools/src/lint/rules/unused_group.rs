use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::Cond;

pub const RULE: Rule = Rule {
    code: "R014",
    name: "unused-group",
    severity: Severity::Warning,
    summary: "a group no user joins, no group is nested in, and no condition names",
    doc: "What it does: finds groups (§8.1) that no user lists in `groups`, that no other \
group is nested in (`in GROUP`), and that no condition names (`group G`).

Why it matters: the group's roles and access reach nobody. It is usually a team that was \
renamed in one place but not in the other, or a leftover of a reorganisation.

Example:
    group nurses \"Nurses\" { roles status_updater }
    group night_staff \"Night Staff\" { roles status_updater }    # nobody joins it
    user dana { groups nurses }

Instead: add its members (`user … { groups night_staff }`), nest another group in it, or \
delete it.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let groups = &ctx.model.data.groups;
    let mut used = vec![false; groups.len()];
    for data in ctx.all_data() {
        for u in &data.users {
            for (g, _) in &u.groups {
                if let Some(x) = used.get_mut(g.index()) {
                    *x = true;
                }
            }
        }
    }
    for g in groups {
        if let Some(p) = g.parent {
            if let Some(x) = used.get_mut(p.index()) {
                *x = true;
            }
        }
    }
    for c in ctx.conditions() {
        c.for_each_atom(|a| {
            if let Cond::Group(g, _) = a {
                if let Some(x) = used.get_mut(g.index()) {
                    *x = true;
                }
            }
        });
    }
    for (g, group) in groups.iter().enumerate() {
        if !used[g] {
            out.push(
                Diagnostic::warning(
                    crate::diag::Code::Lint(RULE.code),
                    format!("group `{}` has no members", group.meta.name),
                )
                .at(
                    group.meta.span,
                    "no user joins it, no group is nested in it, no condition names it",
                )
                .help("add members with `groups` in a user, nest a group in it, or delete it"),
            );
        }
    }
}
