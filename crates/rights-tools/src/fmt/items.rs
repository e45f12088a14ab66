//! The layout of each declaration: one-line or block form, statements in
//! source order, nested data in tests.

use super::printer::Printer;
use super::text::*;
use super::WIDTH;
use crate::syntax::keywords::{data_id_text as data_id, quote};
use crate::syntax::scan::{brace_after, string_end};
use crate::syntax::{self, ast::*};

pub(super) fn print_file(src: &str, file: &File) -> String {
    let mut p = Printer {
        src,
        comments: syntax::comments(src),
        next: 0,
        out: String::new(),
        last_end: 0,
    };
    for item in &file.items {
        print_item(&mut p, item);
    }
    p.comments_before(usize::MAX, 0);
    p.out
}

/// A block: header line, statements sorted by source position, closing brace.
/// Written on one line when it has at most one short statement and no comment.
fn block(
    p: &mut Printer,
    indent: usize,
    span: crate::source::Span,
    header: &str,
    stmts: Vec<(usize, usize, String)>,
) {
    let (start, end) = (span.start as usize, span.end as usize);
    if header_has_comment(p, start, &stmts) {
        p.verbatim(start, end, indent);
        return;
    }
    if stmts.is_empty() {
        p.element(start, end, indent, &[header.to_string()]);
        return;
    }
    let one_line = format!("{header} {{ {} }}", stmts[0].2);
    if stmts.len() == 1
        && !stmts[0].2.contains('\n')
        && one_line.len() + 2 * indent <= WIDTH
        && !p.has_comment_in(start, end)
    {
        p.element(start, end, indent, &[one_line]);
        return;
    }
    block_multi(p, indent, span, header, stmts);
}

fn print_item(p: &mut Printer, item: &Item) {
    let span = item.span();
    let (start, end) = (span.start as usize, span.end as usize);
    match item {
        Item::Right(d) => p.element(
            start,
            end,
            0,
            &[format!("right {}{}", d.name.text, label(&d.label))],
        ),
        Item::Rights(g) => {
            let width = g
                .entries
                .iter()
                .map(|e| entry_name(&g.prefix.text, &e.name.text).len())
                .max()
                .unwrap_or(0);
            let stmts = g
                .entries
                .iter()
                .map(|e| {
                    let name = entry_name(&g.prefix.text, &e.name.text);
                    let text = match &e.label {
                        Some(l) => format!("{name:width$} {}", quote(l)),
                        None => name.to_string(),
                    };
                    (e.span.start as usize, e.span.end as usize, text)
                })
                .collect();
            let header = format!("rights {}", g.prefix.text);
            if g.entries.is_empty() {
                p.element(start, end, 0, &[format!("{header} {{}}")]);
            } else {
                block_multi(p, 0, span, &header, stmts);
            }
        }
        Item::Access(d) => {
            let head = format!(
                "access {}{}{}",
                d.name.text,
                label(&d.label),
                if d.inherited { " inherited" } else { "" }
            );
            let lines = match &d.also_when {
                Some(c) => with_condition(&head, "also when", c, 0),
                None => vec![head],
            };
            p.element(start, end, 0, &lines);
        }
        Item::Flag(d) => p.element(
            start,
            end,
            0,
            &[format!("flag {}{}", d.name.text, label(&d.label))],
        ),
        Item::Tag(d) => p.element(
            start,
            end,
            0,
            &[format!("tag {}{}", d.name.text, label(&d.label))],
        ),
        Item::Attribute(d) => p.element(
            start,
            end,
            0,
            &[format!("attribute {}{}", d.name.text, label(&d.label))],
        ),
        Item::Context(d) => p.element(
            start,
            end,
            0,
            &[format!("context {}{}", d.name.text, label(&d.label))],
        ),
        Item::DenyAccess(d) => {
            let head = format!("deny access {}", names_or_all(&d.levels));
            let lines = match &d.when {
                Some(c) => with_condition(&head, "when", c, 0),
                None => vec![head],
            };
            p.element(start, end, 0, &lines);
        }
        Item::Group(g) => print_group(p, g),
        Item::Role(d) => {
            let mut header = format!("role {}{}", d.name.text, label(&d.label));
            if !d.extends.is_empty() {
                header.push_str(" extends ");
                header.push_str(&names(&d.extends));
            }
            let mut stmts = by_statement(
                p.src,
                "grant",
                d.grants.iter().map(|x| (x.span(), pattern(x))),
                1,
            );
            for a in &d.assigns {
                let head = match &a.what {
                    AssignsWhat::Roles(rs) => format!("assigns {}", names_or_all(rs)),
                    AssignsWhat::Access(ls) => format!("assigns access {}", names_or_all(ls)),
                };
                let text = match &a.scope {
                    AssignsScope::Anywhere => head,
                    AssignsScope::When(c) => with_condition(&head, "when", c, 1).join("\n"),
                    AssignsScope::OnResource(None) => format!("{head} on resource"),
                    AssignsScope::OnResource(Some(c)) => {
                        with_condition(&head, "on resource when", c, 1).join("\n")
                    }
                };
                stmts.push((a.span.start as usize, a.span.end as usize, text));
            }
            if stmts.is_empty() {
                p.element(start, end, 0, &[header]);
            } else {
                block_multi(p, 0, span, &header, stmts);
            }
        }
        Item::DefaultRoles(d) => {
            let width = d.lines.iter().map(|l| l.role.text.len()).max().unwrap_or(0);
            let stmts = d
                .lines
                .iter()
                .map(|l| {
                    let text = match &l.when {
                        Some(c) => format!("{:width$} when {}", l.role.text, cond(c, Prec::Or)),
                        None => l.role.text.clone(),
                    };
                    (l.span.start as usize, l.span.end as usize, text)
                })
                .collect();
            block_multi(p, 0, span, "default role", stmts);
        }
        Item::Action(d) => {
            let head = format!(
                "action {}{}{}",
                d.name.text,
                label(&d.label),
                if d.on_resource { " on resource" } else { "" }
            );
            p.element(start, end, 0, &with_condition(&head, "when", &d.when, 0));
        }
        Item::Deny(d) => {
            let head = format!(
                "deny {}",
                d.patterns
                    .iter()
                    .map(pattern)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let lines = match &d.when {
                Some(c) => with_condition(&head, "when", c, 0),
                None => vec![head],
            };
            p.element(start, end, 0, &lines);
        }
        Item::Report(d) => {
            let header = format!("report {}{}", d.name.text, label(&d.label));
            let mut stmts = Vec::new();
            for c in &d.requires {
                stmts.push((
                    c.span().start as usize,
                    c.span().end as usize,
                    with_condition("requires", "", c, 1).join("\n"),
                ));
            }
            for r in &d.rows {
                let head = match r.source {
                    RowsSource::Resources => "rows resources",
                    RowsSource::Event => "rows event",
                };
                let text = match &r.filter {
                    Some(c) => with_condition(head, "where", c, 1).join("\n"),
                    None => head.to_string(),
                };
                stmts.push((r.span.start as usize, r.span.end as usize, text));
            }
            for c in &d.details {
                stmts.push((
                    c.span().start as usize,
                    c.span().end as usize,
                    with_condition("details", "when", c, 1).join("\n"),
                ));
            }
            block_multi(p, 0, span, &header, stmts);
        }
        Item::User(u) => print_user(p, 0, u),
        Item::Resource(r) => print_resource(p, 0, r),
        Item::Event(e) => print_event(p, 0, e),
        Item::Test(t) => {
            let header = match &t.at {
                Some(d) => format!("test {} at {}", quote(&t.name), d.text),
                None => format!("test {}", quote(&t.name)),
            };
            let mut children: Vec<(usize, Child)> = Vec::new();
            children.extend(
                t.groups
                    .iter()
                    .map(|g| (g.span.start as usize, Child::Group(g))),
            );
            children.extend(
                t.users
                    .iter()
                    .map(|u| (u.span.start as usize, Child::User(u))),
            );
            children.extend(
                t.resources
                    .iter()
                    .map(|r| (r.span.start as usize, Child::Resource(r))),
            );
            children.extend(
                t.events
                    .iter()
                    .map(|e| (e.span.start as usize, Child::Event(e))),
            );
            children.extend(
                t.expects
                    .iter()
                    .map(|e| (expect_span(e).start as usize, Child::Expect(e))),
            );
            children.sort_by_key(|c| c.0);
            p.comments_before(start, 0);
            p.blank_line_before(start);
            p.line(0, &format!("{header} {{"));
            p.last_end = start;
            if let Some((first, _)) = children.first() {
                p.header_comment(start, *first);
            }
            for (_, c) in children {
                match c {
                    Child::User(u) => print_user(p, 1, u),
                    Child::Group(g) => print_group_at(p, 1, g),
                    Child::Resource(r) => print_resource(p, 1, r),
                    Child::Event(e) => print_event(p, 1, e),
                    Child::Expect(e) => {
                        let s = expect_span(e);
                        p.element(s.start as usize, s.end as usize, 1, &expect_lines(e));
                    }
                }
            }
            p.comments_before(end, 1);
            p.line(0, "}");
            p.last_end = end;
            p.trailing(end);
        }
    }
}

/// Whether a comment sits in a block's header, before its `{` (a comment on
/// the `{` line itself stays there and is handled by `header_comment`).
fn header_has_comment(p: &Printer, start: usize, stmts: &[(usize, usize, String)]) -> bool {
    let brace = brace_after(p.src, start).unwrap_or(start);
    let first = stmts.iter().map(|s| s.0).min().unwrap_or(usize::MAX);
    p.comments[p.next..]
        .iter()
        .take_while(|c| c.start < first)
        .any(|c| c.start > start && c.start < brace)
}

enum Child<'a> {
    User(&'a UserDecl),
    Group(&'a GroupDecl),
    Resource(&'a ResourceDecl),
    Event(&'a EventDecl),
    Expect(&'a Expect),
}

/// A block that is always written over several lines (rights groups, default
/// roles, reports).
fn block_multi(
    p: &mut Printer,
    indent: usize,
    span: crate::source::Span,
    header: &str,
    mut stmts: Vec<(usize, usize, String)>,
) {
    let (start, end) = (span.start as usize, span.end as usize);
    if header_has_comment(p, start, &stmts) {
        p.verbatim(start, end, indent);
        return;
    }
    p.comments_before(start, indent);
    p.blank_line_before(start);
    if stmts.is_empty() {
        p.line(indent, &format!("{header} {{}}"));
        p.last_end = end;
        p.trailing(end);
        return;
    }
    p.line(indent, &format!("{header} {{"));
    p.last_end = start;
    stmts.sort_by_key(|s| s.0);
    p.header_comment(start, stmts[0].0);
    for (s, e, text) in stmts {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        p.element(s, e, indent + 1, &lines);
    }
    p.comments_before(end, indent + 1);
    p.line(indent, "}");
    p.last_end = end;
    p.trailing(end);
}

fn print_user(p: &mut Printer, indent: usize, u: &UserDecl) {
    let header = format!("user {}{}", data_id(&u.id.text), label(&u.label));
    let mut stmts = Vec::new();
    let windowed = |list: Windowed, spans: Vec<crate::source::Span>| {
        u.windows
            .iter()
            .filter(|w| w.list == list)
            .filter_map(|w| spans.get(w.index).map(|s| (*s, &w.window)))
            .collect::<Vec<_>>()
    };
    if let Some(roles) = &u.roles {
        let st = by_statement(
            p.src,
            "roles",
            roles.iter().map(|n| (n.span, n.text.clone())),
            indent + 1,
        );
        let ws = windowed(Windowed::Roles, roles.iter().map(|n| n.span).collect());
        stmts.extend(with_windows(st, &ws));
    }
    let st = by_statement(
        p.src,
        "grant",
        u.grants.iter().map(|x| (x.span(), pattern(x))),
        indent + 1,
    );
    let ws = windowed(
        Windowed::Grants,
        u.grants.iter().map(|x| x.span()).collect(),
    );
    stmts.extend(with_windows(st, &ws));
    let st = by_statement(
        p.src,
        "revoke",
        u.revokes.iter().map(|x| (x.span(), pattern(x))),
        indent + 1,
    );
    let ws = windowed(
        Windowed::Revokes,
        u.revokes.iter().map(|x| x.span()).collect(),
    );
    stmts.extend(with_windows(st, &ws));
    stmts.extend(by_statement(
        p.src,
        "flags",
        u.flags.iter().map(|n| (n.span, n.text.clone())),
        indent + 1,
    ));
    let st = by_statement(
        p.src,
        "groups",
        u.groups.iter().map(|n| (n.span, data_id(&n.text))),
        indent + 1,
    );
    let ws = windowed(Windowed::Groups, u.groups.iter().map(|n| n.span).collect());
    stmts.extend(with_windows(st, &ws));
    let ws = windowed(Windowed::Access, u.access.iter().map(|a| a.span).collect());
    stmts.extend(with_windows(access_lines("access", &u.access), &ws));
    let ws = windowed(
        Windowed::RevokeAccess,
        u.revoke_access.iter().map(|a| a.span).collect(),
    );
    stmts.extend(with_windows(
        access_lines("revoke access", &u.revoke_access),
        &ws,
    ));
    stmts.extend(attribute_lines(&u.attributes));
    block(p, indent, u.span, &header, stmts);
}

/// Each statement that holds an item with a window, with the window at its
/// end (on its last line) and its end at the window's.
fn with_windows(
    stmts: Vec<(usize, usize, String)>,
    windows: &[(crate::source::Span, &Window)],
) -> Vec<(usize, usize, String)> {
    if windows.is_empty() {
        return stmts;
    }
    stmts
        .into_iter()
        .map(|(s, e, text)| {
            let w = windows
                .iter()
                .find(|(span, _)| span.start as usize >= s && span.start as usize <= e);
            match w {
                Some((_, w)) => (
                    s,
                    e.max(w.span.end as usize),
                    format!("{text} {}", window_text(w)),
                ),
                None => (s, e, text),
            }
        })
        .collect()
}

/// `from D until D`, `from D`, `until D`.
fn window_text(w: &Window) -> String {
    match (&w.from, &w.until) {
        (Some(f), Some(u)) => format!("from {} until {}", f.text, u.text),
        (Some(f), None) => format!("from {}", f.text),
        (None, Some(u)) => format!("until {}", u.text),
        (None, None) => String::new(),
    }
}

/// `attribute NAME "v", …` statements.
fn attribute_lines(attrs: &[AttributeValues]) -> Vec<(usize, usize, String)> {
    attrs
        .iter()
        .map(|a| {
            let values: Vec<String> = a.values.iter().map(|v| quote(&v.text)).collect();
            (
                a.span.start as usize,
                a.span.end as usize,
                format!("attribute {} {}", a.name.text, values.join(", ")),
            )
        })
        .collect()
}

/// `KW RES: LEVEL, …` statements, one per entry (its window, if any, is
/// added by [`with_windows`]).
fn access_lines(kw: &str, entries: &[AccessEntry]) -> Vec<(usize, usize, String)> {
    entries
        .iter()
        .map(|a| {
            (
                a.span.start as usize,
                a.span.end as usize,
                format!("{kw} {}: {}", data_id(&a.resource.text), names(&a.levels)),
            )
        })
        .collect()
}

fn print_group(p: &mut Printer, g: &GroupDecl) {
    print_group_at(p, 0, g)
}

fn print_group_at(p: &mut Printer, indent: usize, g: &GroupDecl) {
    let mut header = format!("group {}{}", data_id(&g.id.text), label(&g.label));
    if let Some(parent) = &g.parent {
        header.push_str(&format!(" in {}", data_id(&parent.text)));
    }
    let mut stmts = by_statement(
        p.src,
        "roles",
        g.roles.iter().map(|n| (n.span, n.text.clone())),
        indent + 1,
    );
    stmts.extend(access_lines("access", &g.access));
    block(p, indent, g.span, &header, stmts);
}

fn print_resource(p: &mut Printer, indent: usize, r: &ResourceDecl) {
    let mut header = format!("resource {}{}", data_id(&r.id.text), label(&r.label));
    if let Some(parent) = &r.parent {
        header.push_str(&format!(" in {}", data_id(&parent.text)));
    }
    let mut stmts: Vec<(usize, usize, String)> = r
        .details
        .iter()
        .map(|(k, v)| {
            (
                k.span.start as usize,
                string_end(p.src, k.span.end as usize),
                format!("detail {} {}", k.text, quote(v)),
            )
        })
        .collect();
    stmts.extend(by_statement(
        p.src,
        "tags",
        r.tags.iter().map(|n| (n.span, n.text.clone())),
        indent + 1,
    ));
    for a in &r.role_access {
        stmts.push((
            a.span.start as usize,
            a.span.end as usize,
            format!("access for role {}: {}", a.role.text, names(&a.levels)),
        ));
    }
    stmts.extend(attribute_lines(&r.attributes));
    block(p, indent, r.span, &header, stmts);
}

fn print_event(p: &mut Printer, indent: usize, e: &EventDecl) {
    let header = format!("event {}{}", data_id(&e.id.text), label(&e.label));
    let stmts = by_statement(
        p.src,
        "resources",
        e.resources.iter().map(|n| (n.span, data_id(&n.text))),
        indent + 1,
    );
    block(p, indent, e.span, &header, stmts);
}
