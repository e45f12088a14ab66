use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::Cond;

pub const RULE: Rule = Rule {
    code: "R026",
    name: "unused-context",
    severity: Severity::Warning,
    summary: "a context fact no condition reads",
    doc: "What it does: finds context facts (§9.4) that no condition reads (`context NAME`).

Why it matters: a fact given with a question (`with emergency`) that no rule reads changes \
nothing, yet whoever asks believes it does: a break-glass switch wired to nothing.

Example:
    context emergency \"Break-glass\"
    context on_shift \"On shift\"             # read by nothing
    access view_history also when context emergency

Instead: read it in the rule it is meant for (`deny … when not context on_shift`), or delete it.",
    proved: false,
    suppressible: true,
    fix: None,
    check,
};

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let p = ctx.policy();
    let read = ctx.read_by_conditions(p.contexts.len(), |a| match a {
        Cond::Context(x, _) => Some(x.index()),
        _ => None,
    });
    for (k, fact) in p.contexts.iter().enumerate() {
        if read[k] {
            continue;
        }
        out.push(
            Diagnostic::warning(
                crate::diag::Code::Lint(RULE.code),
                format!("context fact `{}` is read by no condition", fact.meta.name),
            )
            .at(fact.meta.span, "asking `with` it changes no answer")
            .help("use it in a condition (`… when context NAME`), or delete it"),
        );
    }
}
