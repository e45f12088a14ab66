use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};

pub const RULE: Rule = Rule {
    code: "R017",
    name: "access-deny-removes-nothing",
    severity: Severity::Warning,
    summary: "a `deny access` of levels nothing can grant",
    doc: "What it does: finds `deny access LEVELS` declarations (§8.4) where none of the levels \
can be granted: no user's or group's data grants it, no `access for role` line gives it, \
and it has no `also when` rule.

Why it matters: the deny never takes anything away. It is usually a misspelt level, or a \
deny written for access that is granted some other way than intended.

Example:
    access view_resource \"View Resource\"
    access export \"Export\"                       # nothing grants it
    deny access export when tag archived

Instead: deny the level that is granted, or delete the deny.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    let mut grantable = vec![false; p.access.len()];
    for (l, level) in p.access.iter().enumerate() {
        if !level.also_when.is_empty() {
            grantable[l] = true;
        }
    }
    for data in ctx.all_data() {
        let entries = data
            .users
            .iter()
            .flat_map(|u| u.access.iter().map(|(_, l, _)| *l))
            .chain(
                data.groups
                    .iter()
                    .flat_map(|g| g.access.iter().map(|(_, l, _)| *l)),
            )
            .chain(
                data.resources
                    .iter()
                    .flat_map(|r| r.role_access.iter().map(|(_, l, _)| *l)),
            );
        for l in entries {
            grantable[l.index()] = true;
        }
    }
    for deny in &p.access_denies {
        if deny.levels.iter().any(|l| grantable[l.index()]) {
            continue;
        }
        let names: Vec<String> = deny
            .levels
            .iter()
            .map(|l| format!("`{}`", p.access_level(*l).meta.name))
            .collect();
        out.push(
            Diagnostic::warning(
                crate::diag::Code::Lint(RULE.code),
                format!("this access deny removes {}, which nothing grants", names.join(", ")),
            )
            .at(deny.span, "it never takes anything away")
            .help("deny a level that data, groups, `access for role` or an `also when` rule grants, or delete the deny"),
        );
    }
}
