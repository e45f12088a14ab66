use crate::diag::{Diagnostic, Severity};
use crate::lint::{unused_finding, Ctx, Rule, Unused};
use crate::sema::model::Cond;

pub const RULE: Rule = Rule {
    code: "R015",
    name: "unused-tag",
    severity: Severity::Warning,
    summary: "a tag no condition reads, or one no resource carries",
    doc: "What it does: finds tags (§8.2) that no condition reads (`tag T` in an action, \
report, access rule, `assigns` or access deny), and tags that conditions read but no \
resource carries.

Why it matters: a tag nobody reads classifies resources without effect; a tag no resource \
carries makes every `tag T` condition false, so the rule that reads it never applies.

Example:
    tag archived \"Archived\"
    tag legacy \"Legacy\"                        # read by nothing
    resource old_site { tags archived, legacy }
    deny access update_status when tag archived

Instead: read the tag where it matters (`deny access … when tag legacy`), tag the resources \
it is meant for, or delete it.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    let read = ctx.read_by_conditions(p.tags.len(), |a| match a {
        Cond::Tag(t, _) => Some(t.index()),
        _ => None,
    });
    let mut carried = vec![false; p.tags.len()];
    for data in ctx.all_data() {
        for r in &data.resources {
            for (t, _) in &r.tags {
                carried[t.index()] = true;
            }
        }
    }
    for (t, tag) in p.tags.iter().enumerate() {
        let words = || Unused {
            unread: (
                format!("tag `{}` is read by no condition", tag.meta.name),
                "no condition uses `tag` with this name",
                "use it in a condition (`… when tag NAME`), or delete it",
            ),
            unset: (
                format!("tag `{}` is on no resource", tag.meta.name),
                "conditions read it, but every `tag` check of it is false",
                "tag the resources it is meant for (`resource R { tags NAME }`)",
            ),
        };
        out.extend(unused_finding(
            RULE.code,
            tag.meta.span,
            read[t],
            carried[t],
            words,
        ));
    }
}
