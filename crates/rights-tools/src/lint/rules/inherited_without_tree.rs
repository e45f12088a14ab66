use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};

pub const RULE: Rule = Rule {
    code: "R028",
    name: "inherited-without-sub-resources",
    severity: Severity::Warning,
    summary: "an `inherited` access level where no resource has a parent",
    doc: "What it does: finds access levels declared `inherited` (§9.1) when no resource of \
the data (nor of any test) is a sub-resource (`resource R in PARENT`).

Why it matters: `inherited` passes a level down the resource tree; without a tree it does \
nothing, and the reader is led to think access flows where it cannot.

Example:
    access view_history \"View History\" inherited
    resource ward_a \"Ward A\"                # no resource is `in` another

Instead: declare the sub-resources (`resource bay_1 in ward_a`), or drop `inherited`.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let tree = ctx
        .all_data()
        .iter()
        .any(|d| d.resources.iter().any(|r| r.parent.is_some()));
    if tree {
        return;
    }
    for level in &ctx.policy().access {
        let Some(at) = level.inherited else {
            continue;
        };
        out.push(
            Diagnostic::warning(
                crate::diag::Code::Lint(RULE.code),
                format!(
                    "access `{}` is inherited, but no resource has a parent",
                    level.meta.name
                ),
            )
            .at(at, "nothing for it to flow down to")
            .help("declare sub-resources (`resource R in PARENT`), or drop `inherited`"),
        );
    }
}
