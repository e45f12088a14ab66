use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::Cond;

pub const RULE: Rule = Rule {
    code: "R001",
    name: "unused-right",
    severity: Severity::Warning,
    summary: "a right that no role, user, action, report or deny uses",
    doc: "What it does: finds rights that no role or user grants, no condition mentions \
(`right X` in an action, report, access rule or `assigns`), and no deny names.

Why it matters: an unused right is either dead weight in the catalogue or a sign that a \
grant was forgotten; policy authors reading the list cannot tell which.

Example:
    right report.status_detail \"Report - Status Detail\"
    right report.old_summary \"Report - Old Summary\"     # nothing grants or checks it
    role reporter { grant report.status_detail }

Instead: grant the right where it belongs (`role reporter { grant report.old_summary }`), \
use it in a condition, or delete it.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    let mut used = vec![false; p.rights.len()];
    for r in &p.roles {
        for s in &r.grants {
            used[s.right.index()] = true;
        }
    }
    for d in &p.denies {
        for s in d.rights.iter().filter(|s| ctx.names_exactly(s)) {
            used[s.right.index()] = true;
        }
    }
    for data in ctx.all_data() {
        for u in &data.users {
            for s in &u.grants {
                used[s.right.index()] = true;
            }
        }
    }
    for c in ctx.conditions() {
        c.for_each_atom(|a| {
            if let Cond::Right(r, _) = a {
                used[r.index()] = true;
            }
        });
    }
    for (i, right) in p.rights.iter().enumerate() {
        if !used[i] {
            out.push(
                Diagnostic::warning(
                    crate::diag::Code::Lint(RULE.code),
                    format!("right `{}` is never granted or used", right.meta.name),
                )
                .at(
                    right.meta.span,
                    "no role, user, condition or deny uses this right",
                )
                .help("grant it to a role, use it in a condition, or delete it"),
            );
        }
    }
}
