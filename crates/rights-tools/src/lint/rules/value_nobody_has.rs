use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::Cond;

pub const RULE: Rule = Rule {
    code: "R027",
    name: "value-nobody-has",
    severity: Severity::Warning,
    summary: "a condition compares with an attribute value no user (or resource) has",
    doc: "What it does: finds `user A = \"v\"` where no user has the value \"v\" of A, and \
`resource A = \"v\"` where no resource has it.

Why it matters: values compare exactly, case and spaces included (§9.2): a value nobody has \
is most often a typo (`\"ICU\"` for `\"icu\"`), and the condition is then always false.

Example:
    attribute unit \"Clinical unit\"
    deny report.benchmarking when user unit = \"locum-pool\"   # the data says \"locum_pool\"
    user pam { attribute unit \"locum_pool\" }

Instead: write the value as the data does, or give it to the users (resources) it is meant for.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    let data = ctx.all_data();
    let has = |user: bool, a: crate::sema::model::AttrId, v: &str| {
        data.iter().any(|d| {
            if user {
                d.users
                    .iter()
                    .any(|u| u.attribute(a).iter().any(|x| x == v))
            } else {
                d.resources
                    .iter()
                    .any(|r| r.attribute(a).iter().any(|x| x == v))
            }
        })
    };
    let mut found: Vec<(crate::source::Span, String)> = Vec::new();
    for c in ctx.conditions() {
        c.for_each_atom(|atom| {
            let (user, a, v, span) = match atom {
                Cond::UserAttr(a, v, s) => (true, *a, *v, *s),
                Cond::ResourceAttr(a, v, s) => (false, *a, *v, *s),
                _ => return,
            };
            let value = p.value(v);
            if !has(user, a, value) && !found.iter().any(|(s, _)| s.same_place(&span)) {
                let who = if user { "user" } else { "resource" };
                found.push((
                    span,
                    format!(
                        "no {who} has the value {value:?} of attribute `{}`",
                        p.attribute(a).meta.name
                    ),
                ));
            }
        });
    }
    for (span, message) in found {
        out.push(
            Diagnostic::warning(crate::diag::Code::Lint(RULE.code), message)
                .at(span, "this condition is always false")
                .help("values compare exactly: write it as the data does, or give it to someone"),
        );
    }
}
