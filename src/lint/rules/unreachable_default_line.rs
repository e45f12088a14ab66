use crate::diag::{Diagnostic, Severity};
use crate::lint::{Ctx, Rule};
use crate::sema::model::{Cond, FlagId};

pub const RULE: Rule = Rule {
    code: "R008",
    name: "unreachable-default-line",
    severity: Severity::Warning,
    summary:
        "a default-role line that can never match because an earlier line always matches first",
    doc: "What it does: for each `default role` line, checks every combination of the flags \
the lines mention; a line is unreachable when, whenever its condition holds, an earlier \
line's condition holds too (the first matching line wins).

Why it matters: the role on that line is never given by default, whatever the flags.

Example:
    default role {
      reporting_user  when flag analytics_access
      billing_user    when flag analytics_access and flag billing_report_admin   # never reached
    }

Instead: order lines from the most specific condition to the least specific.",
    check,
};

/// More flags than this are not enumerated (2^16 combinations at most).
const MAX_FLAGS: usize = 16;

fn eval(c: &Cond, flags: &[FlagId], bits: u32) -> bool {
    match c {
        Cond::Const(b, _) => *b,
        Cond::Flag(f, _) => flags
            .iter()
            .position(|x| x == f)
            .is_some_and(|i| bits & (1 << i) != 0),
        Cond::Not(x, _) => !eval(x, flags, bits),
        Cond::And(xs, _) => xs.iter().all(|x| eval(x, flags, bits)),
        Cond::Or(xs, _) => xs.iter().any(|x| eval(x, flags, bits)),
        _ => false,
    }
}

fn check(ctx: &Ctx, out: &mut Vec<Diagnostic>) {
    let lines = &ctx.policy().default_roles;
    let mut flags: Vec<FlagId> = Vec::new();
    for l in lines {
        l.when.for_each_atom(|a| {
            if let Cond::Flag(f, _) = a {
                if !flags.contains(f) {
                    flags.push(*f);
                }
            }
        });
    }
    if flags.len() > MAX_FLAGS {
        return;
    }
    for (k, line) in lines.iter().enumerate().skip(1) {
        let mut ever = false;
        let mut shadowed_by: Option<usize> = None;
        for bits in 0..(1u32 << flags.len()) {
            if !eval(&line.when, &flags, bits) {
                continue;
            }
            match (0..k).find(|&j| eval(&lines[j].when, &flags, bits)) {
                Some(j) => shadowed_by = shadowed_by.or(Some(j)),
                None => {
                    ever = true;
                    break;
                }
            }
        }
        if !ever {
            let role = &ctx.policy().role(line.role).meta.name;
            let mut d = Diagnostic::warning(
                crate::diag::Code::Lint(RULE.code),
                format!("the default-role line for `{role}` can never match"),
            )
            .at(line.span, "an earlier line always matches first");
            if let Some(j) = shadowed_by {
                d = d.also(lines[j].span, "this earlier line matches first");
            }
            out.push(d.help("put more specific lines first: the first matching line wins"));
        }
    }
}
