use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::Meta;
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    code: "R012",
    name: "duplicate-label",
    severity: Severity::Warning,
    summary: "two declarations of the same kind share a label",
    doc: "What it does: finds two rights, roles, access levels, flags, actions or reports with \
the same label.

Why it matters: labels are what administrators see in listings and explanations; two \
entries called \"Reporting User\" cannot be told apart.

Example:
    role reporter \"Reporting User\"
    role reporting_user \"Reporting User\"

Instead: give each a distinct label (\"Reporting User (Analytics)\").",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    let kinds: [(&str, Vec<&Meta>); 6] = [
        ("right", p.rights.iter().map(|x| &x.meta).collect()),
        ("role", p.roles.iter().map(|x| &x.meta).collect()),
        ("access level", p.access.iter().map(|x| &x.meta).collect()),
        ("flag", p.flags.iter().map(|x| &x.meta).collect()),
        ("action", p.actions.iter().map(|x| &x.meta).collect()),
        ("report", p.reports.iter().map(|x| &x.meta).collect()),
    ];
    for (kind, metas) in kinds {
        let mut first: HashMap<&str, &Meta> = HashMap::new();
        for m in metas {
            let Some(label) = m.label.as_deref() else {
                continue;
            };
            match first.get(label) {
                Some(f) => out.push(
                    Diagnostic::warning(
                        crate::diag::Code::Lint(RULE.code),
                        format!(
                            "{kind}s `{}` and `{}` are both labelled \"{label}\"",
                            f.name, m.name
                        ),
                    )
                    .at(m.span, "same label as another")
                    .also(f.span, "first labelled here")
                    .help("give each a distinct label"),
                ),
                None => {
                    first.insert(label, m);
                }
            }
        }
    }
}
