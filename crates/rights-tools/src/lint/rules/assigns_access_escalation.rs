use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::{AccessId, Assignable, Cond, RoleId};

pub const RULE: Rule = Rule {
    code: "R018",
    name: "assigns-access-escalation",
    severity: Severity::Warning,
    summary: "`assigns access` of levels the assigning role never holds itself",
    doc: "What it does: finds `assigns access LEVELS on resource …` rules (§8.5) handing out a \
level that the assigning role never holds itself: no `access for role` line gives it to the \
role (or a role it extends), the level has no `also when` rule, and the rule's condition \
does not require the assigning user to hold it (`when access LEVEL`). It is the access form \
of R010.

Why it matters: a user with the role can grant others access they cannot have themselves, \
which is usually an escalation nobody meant.

Example:
    role site_manager {
      assigns access update_status, run_reports on resource   # holds neither
    }

Instead: require the level in the rule's condition \
(`… on resource when access update_status`), give the role the level, or hand out fewer \
levels.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

/// The levels a condition requires outright (an `access` atom at its top or
/// in a top-level `and`).
fn required(c: &Cond) -> Vec<AccessId> {
    match c {
        Cond::Access(l, _) => vec![*l],
        Cond::And(xs, _) => xs
            .iter()
            .filter_map(|x| match x {
                Cond::Access(l, _) => Some(*l),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    let program = ctx.program;
    for (ri, role) in p.roles.iter().enumerate() {
        let r = RoleId::from_index(ri);
        for rule in &role.assigns {
            let Assignable::Access(levels) = &rule.what else {
                continue;
            };
            let levels: Vec<AccessId> = match levels {
                Some(ls) => ls.clone(),
                None => (0..p.access.len()).map(AccessId::from_index).collect(),
            };
            let needs = rule.scope.cond().map(required).unwrap_or_default();
            let never: Vec<String> = levels
                .iter()
                .filter(|&&l| {
                    let by_rule = !p.access_level(l).also_when.is_empty();
                    let by_role = ctx.all_data().iter().any(|d| {
                        d.resources.iter().any(|res| {
                            res.role_access
                                .iter()
                                .any(|(x, y, _)| *y == l && program.role_inherits(r, *x))
                        })
                    });
                    !by_rule && !by_role && !needs.contains(&l)
                })
                .map(|l| format!("`{}`", p.access_level(*l).meta.name))
                .collect();
            if never.is_empty() {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    crate::diag::Code::Lint(RULE.code),
                    format!(
                        "role `{}` may grant {} though it never holds {} itself",
                        role.meta.name,
                        never.join(", "),
                        if never.len() == 1 { "it" } else { "them" }
                    ),
                )
                .at(rule.span, "hands out access the role does not have")
                .help("require it in the rule (`on resource when access LEVEL`), give the role the level, or hand out fewer levels"),
            );
        }
    }
}
