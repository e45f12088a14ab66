//! Conditions, queries, expectations and names as text: conditions with the
//! fewest parentheses that keep their meaning (and a few that help readers).

use super::WIDTH;
use crate::syntax::ast::*;
use crate::syntax::keywords::{data_id_text as data_id, quote};

/// The statements a list was written in: items joined by a comma belong to
/// one statement (`grant a, b`, over one line or several), a keyword starts
/// another; each statement as [`list`] lays it out at `indent`. One pass
/// over the items, looking only at the text between two of them.
pub(super) fn by_statement(
    src: &str,
    keyword: &str,
    parts: impl Iterator<Item = (crate::source::Span, String)>,
    indent: usize,
) -> Vec<(usize, usize, String)> {
    let mut out: Vec<(usize, usize, Vec<String>)> = Vec::new();
    for (span, text) in parts {
        let (start, end) = (span.start as usize, span.end as usize);
        // joined by a comma: nothing but punctuation (the rest of a
        // pattern, `.*`) and blanks between the two; a comment between them
        // ends the statement, so it stays after the item it follows
        let joined = out.last().is_some_and(|last| {
            src.get(last.1..start).is_some_and(|between| {
                between.contains(',')
                    && !between
                        .chars()
                        .any(|c| c.is_alphanumeric() || c == '"' || c == '#')
            })
        });
        match out.last_mut() {
            Some(last) if joined => {
                last.1 = end;
                last.2.push(text);
            }
            _ => out.push((start, end, vec![text])),
        }
    }
    out.into_iter()
        .map(|(s, e, items)| (s, e, list(keyword, &items, indent).join("\n")))
        .collect()
}

/// `KW a, b, c` on one line when it fits in [`WIDTH`] at `indent`;
/// otherwise `KW` alone, then one item per line (each but the last followed
/// by a comma), indented under it.
pub(super) fn list(kw: &str, items: &[String], indent: usize) -> Vec<String> {
    let one = format!("{kw} {}", items.join(", "));
    if one.len() + 2 * indent <= WIDTH || items.len() < 2 {
        return vec![one];
    }
    let mut lines = vec![kw.to_string()];
    for (i, item) in items.iter().enumerate() {
        let comma = if i + 1 < items.len() { "," } else { "" };
        lines.push(format!("  {item}{comma}"));
    }
    lines
}

pub(super) fn expect_span(e: &Expect) -> crate::source::Span {
    match e {
        Expect::Can { span, .. } | Expect::Report { span, .. } => *span,
    }
}

pub(super) fn expect_lines(e: &Expect) -> Vec<String> {
    match e {
        Expect::Can { negated, query, .. } => {
            vec![format!(
                "expect {}{}",
                if *negated { "not " } else { "" },
                can_query(query)
            )]
        }
        Expect::Report { query, outcome, .. } => {
            let head = format!("expect {}", report_query(query));
            match outcome {
                ReportOutcome::Denied => vec![format!("{head} denied")],
                ReportOutcome::Empty => vec![format!("{head} empty")],
                // in a test block: one level in
                ReportOutcome::Shows(rows) => {
                    let rows: Vec<String> = rows
                        .iter()
                        .map(|(id, v)| format!("{} {}", data_id(&id.text), v.as_str()))
                        .collect();
                    let one = format!("{head} shows {}", rows.join(", "));
                    let tail = format!("shows {}", rows.join(", "));
                    if one.len() + 2 <= WIDTH {
                        vec![one]
                    } else if tail.len() + 2 * 2 <= WIDTH {
                        // the rows on the next line, where they fit
                        vec![head, format!("  {tail}")]
                    } else {
                        list(&format!("{head} shows"), &rows, 1)
                    }
                }
            }
        }
    }
}

pub(super) fn can_query(q: &CanQuery) -> String {
    format!(
        "can {} {}{}",
        data_id(&q.user.text),
        target(&q.target),
        suffix(&q.suffix)
    )
}

/// ` with a, b at 2026-12-20`, or nothing.
pub(super) fn suffix(s: &Suffix) -> String {
    let mut out = String::new();
    if !s.with.is_empty() {
        out.push_str(" with ");
        out.push_str(&names(&s.with));
    }
    if let Some(d) = &s.at {
        out.push_str(" at ");
        out.push_str(&d.text);
    }
    out
}

pub(super) fn on(o: &Option<Name>) -> String {
    o.as_ref()
        .map(|n| format!(" on {}", data_id(&n.text)))
        .unwrap_or_default()
}

pub(super) fn target(t: &CanTarget) -> String {
    match t {
        CanTarget::Run {
            report,
            on: o,
            event,
        } => format!(
            "run {}{}{}",
            report.text,
            on(o),
            event
                .as_ref()
                .map(|e| format!(" for event {}", data_id(&e.text)))
                .unwrap_or_default()
        ),
        CanTarget::Assign { role, to, on: o } => {
            format!("assign {} to {}{}", role.text, data_id(&to.text), on(o))
        }
        CanTarget::Named { name, on: o } => format!("{}{}", name.text, on(o)),
        CanTarget::Access { level, on: r } => format!("access {}{}", level.text, on(r)),
        CanTarget::AssignAccess { level, to, on: o } => format!(
            "assign access {} to {}{}",
            level.text,
            data_id(&to.text),
            on(o)
        ),
    }
}

pub(super) fn report_query(q: &ReportQuery) -> String {
    let mut s = format!("report {} as {}", q.report.text, data_id(&q.user.text));
    if let Some(e) = &q.event {
        s.push_str(&format!(" for event {}", data_id(&e.text)));
    }
    s.push_str(&suffix(&q.suffix));
    s
}

/// `HEAD KW COND` on one line, or broken before `KW` and before each top-level
/// `or` (or, for a long `and` chain, each `and`).
pub(super) fn with_condition(head: &str, kw: &str, c: &Cond, indent: usize) -> Vec<String> {
    let kw_sp = if kw.is_empty() {
        String::new()
    } else {
        format!(" {kw}")
    };
    let one = format!("{head}{kw_sp} {}", cond(c, Prec::Or));
    if one.len() + 2 * indent <= WIDTH {
        return vec![one];
    }
    let (first, rest): (String, Vec<String>) = match c {
        Cond::Or(xs, _) => (
            cond(&xs[0], Prec::Not),
            xs[1..]
                .iter()
                .map(|x| format!("    or {}", cond(x, Prec::Not)))
                .collect(),
        ),
        Cond::And(xs, _) => (
            cond(&xs[0], Prec::Not),
            xs[1..]
                .iter()
                .map(|x| format!("    and {}", cond(x, Prec::Not)))
                .collect(),
        ),
        other => (cond(other, Prec::Or), Vec::new()),
    };
    if kw.is_empty() {
        let mut v = vec![format!("{head} {first}")];
        v.extend(rest);
        return v;
    }
    let mut v = vec![head.to_string(), format!("  {kw} {first}")];
    v.extend(rest);
    v
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Prec {
    Or,
    And,
    Not,
    Atom,
}

/// A condition with the parentheses its tree needs: a nested `and` inside `and`
/// (or `or` inside `or`) keeps its parentheses, so the text parses back to the
/// same tree.
pub(super) fn cond(c: &Cond, ctx: Prec) -> String {
    cond_at(c, ctx, 0)
}

/// Below this many parentheses, an `and` inside an `or` gets parentheses that
/// are not needed but read more clearly; deeper, only needed ones are written,
/// so the output never nests deeper than the input (which the parser bounds).
const CLARIFYING_DEPTH: usize = 16;

pub(super) fn cond_at(c: &Cond, ctx: Prec, depth: usize) -> String {
    let prec = match c {
        Cond::Or(..) => Prec::Or,
        Cond::And(..) => Prec::And,
        Cond::Not(..) => Prec::Not,
        _ => Prec::Atom,
    };
    // `and` asks its operands to bind tighter than itself, so an `and` inside an
    // `and` keeps its parentheses and is not flattened into its parent on re-parse
    let needs = prec < ctx;
    let inner = depth + usize::from(needs);
    let text = match c {
        Cond::Or(xs, _) => {
            let child = if inner < CLARIFYING_DEPTH {
                Prec::Not
            } else {
                Prec::And
            };
            xs.iter()
                .map(|x| cond_at(x, child, inner))
                .collect::<Vec<_>>()
                .join(" or ")
        }
        Cond::And(xs, _) => xs
            .iter()
            .map(|x| cond_at(x, Prec::Not, inner))
            .collect::<Vec<_>>()
            .join(" and "),
        Cond::Not(x, _) => format!("not {}", cond_at(x, Prec::Atom, inner)),
        Cond::Const(b, _) => b.to_string(),
        Cond::Right(n) => format!("right {}", n.text),
        Cond::Role(n) => format!("role {}", n.text),
        Cond::Flag(n) => format!("flag {}", n.text),
        Cond::Access(n) => format!("access {}", n.text),
        Cond::Can(n) => format!("can {}", n.text),
        Cond::Group(n) => format!("group {}", data_id(&n.text)),
        Cond::Tag(n) => format!("tag {}", n.text),
        Cond::Same(n) => format!("same {}", n.text),
        Cond::UserAttr(n, v) => format!("user {} = {}", n.text, quote(&v.text)),
        Cond::ResourceAttr(n, v) => format!("resource {} = {}", n.text, quote(&v.text)),
        Cond::Context(n) => format!("context {}", n.text),
    };
    if needs {
        format!("({text})")
    } else {
        text
    }
}

pub(super) fn entry_name<'n>(prefix: &str, full: &'n str) -> &'n str {
    full.strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('.'))
        .unwrap_or(full)
}

pub(super) fn label(l: &Option<String>) -> String {
    l.as_ref()
        .map(|l| format!(" {}", quote(l)))
        .unwrap_or_default()
}

/// A list of names, or `*` for `None`.
pub(super) fn names_or_all(ns: &Option<Vec<Name>>) -> String {
    match ns {
        None => "*".to_string(),
        Some(ns) => names(ns),
    }
}

pub(super) fn names(ns: &[Name]) -> String {
    ns.iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn pattern(p: &Pattern) -> String {
    match p {
        Pattern::Exact(n) => n.text.clone(),
        Pattern::Prefix(n) => format!("{}.*", n.text),
        Pattern::All(_) => "*".into(),
    }
}
