//! The formatter: one canonical layout for a policy file, every comment kept.
//!
//! Layout: one declaration per line or block; bodies indented by two spaces, one
//! statement per line (a `grant` or `roles` list written over several lines
//! becomes one statement per line, which means the same); labels of a `rights`
//! group aligned; conditions on one line, or broken before `when` and before
//! each top-level `or` or `and` when longer than [`WIDTH`]; at most one blank line where
//! the source had any (a blank line also ends a `##` doc comment's attachment).
//!
//! Comments are placed by position: a comment on its own line stays before the
//! element that follows it; a comment after code on a line stays after that
//! element. [`format`] checks its own work before returning: the output must
//! parse to the same syntax tree (spans ignored), keep every comment, and
//! format to itself.

use crate::source::FileId;
use crate::syntax::keywords::{data_id_text as data_id, quote};
use crate::syntax::scan::{brace_after, string_end};
use crate::syntax::{self, ast::*};

/// The line width conditions are broken at.
pub const WIDTH: usize = 100;

/// Why a text could not be formatted.
#[derive(Debug)]
pub enum FmtError {
    /// The input does not parse.
    Parse(Box<crate::diag::Diagnostic>),
    /// The formatter's output failed its own check (a bug); nothing is written.
    Unsound(String),
}

/// Formats a policy file's text.
pub fn format(text: &str) -> Result<String, FmtError> {
    // a byte-order mark is not part of the text (and is not written back)
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let file = syntax::parse_file(FileId(0), text).map_err(FmtError::Parse)?;
    let out = print_file(text, &file);
    // check the output: same tree, same comments, and a fixed point
    let again = syntax::parse_file(FileId(0), &out)
        .map_err(|d| FmtError::Unsound(format!("the output does not parse: {}", d.message)))?;
    if again != file {
        return Err(FmtError::Unsound(
            "the output parses to a different policy".into(),
        ));
    }
    let texts = |t: &str| -> Vec<String> {
        let mut v: Vec<String> = syntax::comments(t)
            .iter()
            .map(|c| t[c.start..c.end].trim().to_string())
            .collect();
        v.sort();
        v
    };
    if texts(text) != texts(&out) {
        return Err(FmtError::Unsound(
            "a comment would be lost or changed".into(),
        ));
    }
    if print_file(&out, &again) != out {
        return Err(FmtError::Unsound(
            "formatting the output again changes it".into(),
        ));
    }
    Ok(out)
}

/// A piece of output with the source range it came from.
struct Printer<'a> {
    src: &'a str,
    comments: Vec<syntax::Comment>,
    next: usize,
    out: String,
    /// End of the last thing printed, in the source (for blank lines).
    last_end: usize,
}

impl<'a> Printer<'a> {
    fn line(&mut self, indent: usize, text: &str) {
        for _ in 0..indent {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Emits the comments that start before `pos`, each on its own line.
    fn comments_before(&mut self, pos: usize, indent: usize) {
        while let Some(c) = self.comments.get(self.next).copied() {
            if c.start >= pos {
                break;
            }
            self.blank_line_before(c.start);
            let text = self.src[c.start..c.end].trim().to_string();
            self.line(indent, &text);
            self.last_end = c.end;
            self.next += 1;
        }
    }

    /// One blank line where the source has any between the last thing printed
    /// and `pos`, at any depth: a blank line can matter (it ends a doc comment's
    /// hold on the declaration after it).
    fn blank_line_before(&mut self, pos: usize) {
        if self.out.is_empty() || self.out.ends_with("\n\n") {
            return;
        }
        let between = self.src.get(self.last_end..pos).unwrap_or("");
        // the lines wholly between the two: is any of them empty?
        let pieces: Vec<&str> = between.split('\n').collect();
        let blank = pieces.len() > 2
            && pieces[1..pieces.len() - 1]
                .iter()
                .any(|l| l.trim().is_empty());
        if blank {
            self.out.push('\n');
        }
    }

    /// Emits an element: comments before it, its lines, and a comment that
    /// follows it on the same source line.
    fn element(&mut self, start: usize, end: usize, indent: usize, lines: &[String]) {
        if self.comment_inside(start, end) {
            self.verbatim(start, end, indent);
            return;
        }
        self.comments_before(start, indent);
        self.blank_line_before(start);
        for l in lines {
            self.line(indent, l);
        }
        self.last_end = end;
        self.trailing(end);
    }

    /// Appends a comment that starts on the same source line as `end`.
    fn trailing(&mut self, end: usize) {
        if let Some(c) = self.comments.get(self.next).copied() {
            let between = self.src.get(end..c.start).unwrap_or("\n");
            if c.start >= end && !between.contains('\n') {
                let text = self.src[c.start..c.end].trim();
                if self.out.ends_with('\n') {
                    self.out.pop();
                }
                self.out.push_str("  ");
                self.out.push_str(text);
                self.out.push('\n');
                self.last_end = c.end;
                self.next += 1;
            }
        }
    }

    /// After a block's `{` line: a comment written on the header's source line
    /// (before the first statement) stays on the header.
    fn header_comment(&mut self, start: usize, first_stmt: usize) {
        if let Some(c) = self.comments.get(self.next).copied() {
            let same_line = !self.src.get(start..c.start).unwrap_or("\n").contains('\n');
            if same_line && c.start < first_stmt {
                self.trailing(c.start);
            }
        }
    }

    /// Whether a comment starts strictly inside `start..end` (not before or after it).
    fn comment_inside(&self, start: usize, end: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .take_while(|c| c.start < end)
            .any(|c| c.start > start)
    }

    /// Prints an element as it was written: an element with a comment inside
    /// is not reflowed, so that no comment moves away from what it annotates.
    /// Only the first line's indentation and trailing spaces change.
    fn verbatim(&mut self, start: usize, end: usize, indent: usize) {
        self.comments_before(start, indent);
        self.blank_line_before(start);
        let text = self.src.get(start..end).unwrap_or("").to_string();
        for (i, l) in text.lines().enumerate() {
            if i == 0 {
                self.line(indent, l.trim_end());
            } else {
                self.out.push_str(l.trim_end());
                self.out.push('\n');
            }
        }
        while self.comments.get(self.next).is_some_and(|c| c.start < end) {
            self.next += 1;
        }
        self.last_end = end;
        self.trailing(end);
    }

    /// Whether a comment lies inside `start..end`.
    fn has_comment_in(&self, start: usize, end: usize) -> bool {
        self.comments[self.next..]
            .iter()
            .any(|c| c.start >= start && c.start < end)
    }
}

fn print_file(src: &str, file: &File) -> String {
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
            let head = format!("access {}{}", d.name.text, label(&d.label));
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
        Item::Role(d) => {
            let mut header = format!("role {}{}", d.name.text, label(&d.label));
            if !d.extends.is_empty() {
                header.push_str(" extends ");
                header.push_str(&names(&d.extends));
            }
            let mut stmts = by_line(
                p.src,
                "grant",
                d.grants.iter().map(|x| (x.span(), pattern(x))),
            );
            for a in &d.assigns {
                let mut text = match &a.roles {
                    None => "assigns *".to_string(),
                    Some(rs) => format!("assigns {}", names(rs)),
                };
                if let Some(c) = &a.on_resource_when {
                    text = with_condition(&text, "on resource when", c, 1).join("\n");
                }
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
            let header = format!("test {}", quote(&t.name));
            let mut children: Vec<(usize, Child)> = Vec::new();
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
    if let Some(roles) = &u.roles {
        stmts.extend(by_line(
            p.src,
            "roles",
            roles.iter().map(|n| (n.span, n.text.clone())),
        ));
    }
    stmts.extend(by_line(
        p.src,
        "grant",
        u.grants.iter().map(|x| (x.span(), pattern(x))),
    ));
    stmts.extend(by_line(
        p.src,
        "revoke",
        u.revokes.iter().map(|x| (x.span(), pattern(x))),
    ));
    stmts.extend(by_line(
        p.src,
        "flags",
        u.flags.iter().map(|n| (n.span, n.text.clone())),
    ));
    for a in &u.access {
        stmts.push((
            a.span.start as usize,
            a.span.end as usize,
            format!("access {}: {}", data_id(&a.resource.text), names(&a.levels)),
        ));
    }
    block(p, indent, u.span, &header, stmts);
}

fn print_resource(p: &mut Printer, indent: usize, r: &ResourceDecl) {
    let mut header = format!("resource {}{}", data_id(&r.id.text), label(&r.label));
    if let Some(parent) = &r.parent {
        header.push_str(&format!(" in {}", data_id(&parent.text)));
    }
    let stmts = r
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
    block(p, indent, r.span, &header, stmts);
}

fn print_event(p: &mut Printer, indent: usize, e: &EventDecl) {
    let header = format!("event {}{}", data_id(&e.id.text), label(&e.label));
    let stmts = by_line(
        p.src,
        "resources",
        e.resources.iter().map(|n| (n.span, data_id(&n.text))),
    );
    block(p, indent, e.span, &header, stmts);
}

/// Statements of one kind, one per source line their parts were written on:
/// `grant a, b` / `grant c` stay two statements, in source order.
fn by_line(
    src: &str,
    keyword: &str,
    parts: impl Iterator<Item = (crate::source::Span, String)>,
) -> Vec<(usize, usize, String)> {
    let mut out: Vec<(usize, usize, Vec<String>, usize)> = Vec::new();
    for (span, text) in parts {
        let line = src[..(span.start as usize).min(src.len())]
            .matches('\n')
            .count();
        match out.last_mut() {
            Some(last) if last.3 == line => {
                last.1 = span.end as usize;
                last.2.push(text);
            }
            _ => out.push((span.start as usize, span.end as usize, vec![text], line)),
        }
    }
    out.into_iter()
        .map(|(s, e, texts, _)| (s, e, format!("{keyword} {}", texts.join(", "))))
        .collect()
}

fn expect_span(e: &Expect) -> crate::source::Span {
    match e {
        Expect::Can { span, .. } | Expect::Report { span, .. } => *span,
    }
}

fn expect_lines(e: &Expect) -> Vec<String> {
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
            let tail = match outcome {
                ReportOutcome::Denied => "denied".to_string(),
                ReportOutcome::Empty => "empty".to_string(),
                ReportOutcome::Shows(rows) => format!(
                    "shows {}",
                    rows.iter()
                        .map(|(id, v)| format!("{} {}", data_id(&id.text), v.as_str()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let one = format!("{head} {tail}");
            if one.len() + 2 <= WIDTH {
                vec![one]
            } else {
                vec![head, format!("  {tail}")]
            }
        }
    }
}

fn can_query(q: &CanQuery) -> String {
    format!("can {} {}", data_id(&q.user.text), target(&q.target))
}

fn on(o: &Option<Name>) -> String {
    o.as_ref()
        .map(|n| format!(" on {}", data_id(&n.text)))
        .unwrap_or_default()
}

fn target(t: &CanTarget) -> String {
    match t {
        CanTarget::Run { report, on: o } => format!("run {}{}", report.text, on(o)),
        CanTarget::Assign { role, to, on: o } => {
            format!("assign {} to {}{}", role.text, data_id(&to.text), on(o))
        }
        CanTarget::Named { name, on: o } => format!("{}{}", name.text, on(o)),
    }
}

fn report_query(q: &ReportQuery) -> String {
    let mut s = format!("report {} as {}", q.report.text, data_id(&q.user.text));
    if let Some(e) = &q.event {
        s.push_str(&format!(" for event {}", data_id(&e.text)));
    }
    s
}

/// `HEAD KW COND` on one line, or broken before `KW` and before each top-level
/// `or` (or, for a long `and` chain, each `and`).
fn with_condition(head: &str, kw: &str, c: &Cond, indent: usize) -> Vec<String> {
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
enum Prec {
    Or,
    And,
    Not,
    Atom,
}

/// A condition with the parentheses its tree needs: a nested `and` inside `and`
/// (or `or` inside `or`) keeps its parentheses, so the text parses back to the
/// same tree.
fn cond(c: &Cond, ctx: Prec) -> String {
    cond_at(c, ctx, 0)
}

/// Below this many parentheses, an `and` inside an `or` gets parentheses that
/// are not needed but read more clearly; deeper, only needed ones are written,
/// so the output never nests deeper than the input (which the parser bounds).
const CLARIFYING_DEPTH: usize = 16;

fn cond_at(c: &Cond, ctx: Prec, depth: usize) -> String {
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
    };
    if needs {
        format!("({text})")
    } else {
        text
    }
}

fn entry_name<'n>(prefix: &str, full: &'n str) -> &'n str {
    full.strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('.'))
        .unwrap_or(full)
}

fn label(l: &Option<String>) -> String {
    l.as_ref()
        .map(|l| format!(" {}", quote(l)))
        .unwrap_or_default()
}

fn names(ns: &[Name]) -> String {
    ns.iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn pattern(p: &Pattern) -> String {
    match p {
        Pattern::Exact(n) => n.text.clone(),
        Pattern::Prefix(n) => format!("{}.*", n.text),
        Pattern::All(_) => "*".into(),
    }
}
