use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};

pub const RULE: Rule = Rule {
    code: "R011",
    name: "right-without-prefix",
    severity: Severity::Warning,
    summary: "a right whose name has no component prefix",
    doc: "What it does: finds rights whose name is a single identifier, with no `component.` \
prefix.

Why it matters: the seed products group rights by component (\"Event - …\", \"Report - …\"); \
prefixes keep related rights together in listings and let `grant report.*` cover a \
component.

Example:
    right status_detail \"Report - Status Detail\"

Instead: `right report.status_detail \"Report - Status Detail\"`.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    for r in &ctx.policy().rights {
        if !r.meta.name.contains('.') {
            out.push(
                Diagnostic::warning(
                    crate::diag::Code::Lint(RULE.code),
                    format!("right `{}` has no component prefix", r.meta.name),
                )
                .at(r.meta.span, "expected `component.name`")
                .help(format!(
                    "name it after its component, e.g. `report.{}`",
                    r.meta.name
                )),
            );
        }
    }
}
