use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};

pub const RULE: Rule = Rule {
    code: "R024",
    name: "window-ended",
    severity: Severity::Warning,
    summary: "a user's item whose window (`until`) has ended",
    doc: "What it does: finds a user's statement (`roles`, `groups`, `grant`, `revoke`, \
`access R: …`, `revoke access R: …`) whose window ended before the date the lint runs as of \
(today in UTC, or `--at`).

Why it matters: an item past its `until` is as if it were not written (§9.3): it grants, \
revokes and joins nothing any more, yet a reader of the policy still sees it. Stale windows \
hide who really has what.

Example:
    user li \"Li (locum)\" {
      roles reporter until 2020-12-31   # ended long ago
    }

Instead: delete the item, or extend its window if it should still hold.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let day = ctx.program.day();
    for data in ctx.all_data() {
        for u in &data.users {
            let mut seen: Vec<crate::source::Span> = Vec::new();
            for w in &u.windows {
                let Some(until) = w.window.until else {
                    continue;
                };
                if until >= day || seen.iter().any(|s| s.same_place(&w.at)) {
                    continue;
                }
                seen.push(w.at);
                out.push(
                    Diagnostic::warning(
                        crate::diag::Code::Lint(RULE.code),
                        format!(
                            "this item of user `{}` ended {until}: it no longer counts",
                            u.meta.name
                        ),
                    )
                    .at(w.at, format!("{} (today is {day})", w.window.words()))
                    .help("delete the item, or extend its window if it should still hold"),
                );
            }
        }
    }
}
