use crate::diag::{Diagnostic, Severity};
use crate::lint::{unused_finding, Ctx, Rule, Unused};
use crate::sema::model::Cond;

pub const RULE: Rule = Rule {
    code: "R025",
    name: "unused-attribute",
    severity: Severity::Warning,
    summary: "an attribute no condition reads, or one no user or resource has",
    doc: "What it does: finds attributes (§9.2) that no condition reads (`same A`, `user A = \
\"v\"`, `resource A = \"v\"`), and attributes that conditions read but no user and no \
resource has a value of.

Why it matters: an attribute nobody reads is data without effect; one nobody has makes every \
condition that reads it false (`same A` needs a value on both sides), so the rule never applies.

Example:
    attribute unit \"Clinical unit\"
    attribute shift \"Shift\"                 # read by nothing
    access view_history also when same unit
    user nina { attribute unit \"icu\"  attribute shift \"night\" }
    resource ward_icu { attribute unit \"icu\" }

Instead: read the attribute where it matters, give users and resources its values, or delete it.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    let read = ctx.read_by_conditions(p.attributes.len(), |a| match a {
        Cond::Same(x, _) | Cond::UserAttr(x, _, _) | Cond::ResourceAttr(x, _, _) => Some(x.index()),
        _ => None,
    });
    let mut held = vec![false; p.attributes.len()];
    for data in ctx.all_data() {
        let lists = data
            .users
            .iter()
            .map(|u| &u.attributes)
            .chain(data.resources.iter().map(|r| &r.attributes));
        for attrs in lists {
            for (a, _, _) in attrs {
                held[a.index()] = true;
            }
        }
    }
    for (a, attr) in p.attributes.iter().enumerate() {
        let words = || Unused {
            unread: (
                format!("attribute `{}` is read by no condition", attr.meta.name),
                "no `same`, `user … =` or `resource … =` uses it",
                "use it in a condition (`… when same NAME`), or delete it",
            ),
            unset: (
                format!("no user or resource has attribute `{}`", attr.meta.name),
                "conditions read it, but every one of them is false",
                "give users and resources values (`attribute NAME \"value\"`)",
            ),
        };
        out.extend(unused_finding(
            RULE.code,
            attr.meta.span,
            read[a],
            held[a],
            words,
        ));
    }
}
