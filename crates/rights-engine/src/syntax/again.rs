//! Parsing a file again after an edit, reusing what did not change: the
//! items before the edit and after it are kept from the last parse (those
//! after moved by the edit's change in length), and only the text between
//! them is parsed. The result is the whole parse's, spans included (a
//! property test compares them on random edits); a part that does not parse
//! falls back to the whole parse, so errors read the same.
//!
//! The item next to each side of the edit is parsed again too: the parse of
//! an item may look at the first token after it, and a doc comment belongs
//! to the item after it. After the edit, items are parsed again up to one
//! that begins on a line after the edit's last: an item on an edited line
//! may turn into a comment, and so into the next item's doc (in a file
//! written on one line, everything after the edit is parsed again).

use super::ast::*;
use super::parse::{parse_file, parse_part};
use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// `new` parsed, given that `old` parsed to `before` (whose items are
/// copied where they are kept: [`parse_file_again_from`] moves them).
pub fn parse_file_again(
    file: FileId,
    old: &str,
    before: &File,
    new: &str,
) -> Result<File, Box<Diagnostic>> {
    parse_file_again_from(file, old, before.clone(), new)
}

/// [`parse_file_again`], taking the last parse (its kept items are moved,
/// not copied).
pub fn parse_file_again_from(
    file: FileId,
    old: &str,
    before: File,
    new: &str,
) -> Result<File, Box<Diagnostic>> {
    let (o, n) = (old.as_bytes(), new.as_bytes());
    let most = o.len().min(n.len());
    let prefix = o.iter().zip(n).take_while(|(a, b)| a == b).count();
    let suffix = o
        .iter()
        .rev()
        .zip(n.iter().rev())
        .take(most - prefix)
        .take_while(|(a, b)| a == b)
        .count();
    // the edit: old[prefix..old_end] became new[prefix..new_end]
    let old_end = o.len() - suffix;
    let delta = n.len() as i64 - o.len() as i64;
    let items = &before.items;
    let (keep_head, keep_tail, start, end) = {
        // items wholly before the edit, less the last; wholly after it, less the first
        let before_edit = items.partition_point(|i| (i.span().end as usize) < prefix);
        let keep_head = before_edit.saturating_sub(1);
        let after_edit = items.partition_point(|i| (i.span().start as usize) < old_end);
        let mut keep_tail = (after_edit + 1).min(items.len()).max(keep_head);
        // the last item parsed again begins on a line after the edit's last:
        // an item on a line the edit changed may turn into a comment, and so
        // into the doc comment of the item after it
        let edit_line_end = o[old_end..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(o.len(), |k| old_end + k);
        while keep_tail < items.len()
            && keep_tail > 0
            && (items[keep_tail - 1].span().start as usize) <= edit_line_end
        {
            keep_tail += 1;
        }
        let start = match keep_head {
            0 => 0,
            k => items[k - 1].span().end as usize,
        };
        let end = match items.get(keep_tail) {
            Some(i) => (i.span().start as i64 + delta) as usize,
            None => n.len(),
        };
        (keep_head, keep_tail, start, end)
    };
    if start > end {
        return parse_file(file, new);
    }
    let Some(middle) = parse_part(file, new, start, end) else {
        return parse_file(file, new);
    };
    let mut items = before.items;
    let tail = items.split_off(keep_tail);
    items.truncate(keep_head);
    let mut out = items;
    if out.first().is_some_and(|i| i.span().file != file) {
        for i in &mut out {
            i.map_spans(&mut |s| s.file = file);
        }
    }
    out.extend(middle);
    for mut i in tail {
        i.map_spans(&mut |s| {
            s.file = file;
            s.start = (s.start as i64 + delta) as u32;
            s.end = (s.end as i64 + delta) as u32;
        });
        out.push(i);
    }
    Ok(File { items: out })
}

/// Every span of a syntax tree, changed in place.
pub trait MapSpans {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span));
}

impl MapSpans for Span {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(self)
    }
}

impl<T: MapSpans> MapSpans for Vec<T> {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        for x in self {
            x.map_spans(f);
        }
    }
}

impl<T: MapSpans> MapSpans for Option<T> {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let Some(x) = self {
            x.map_spans(f);
        }
    }
}

impl<T: MapSpans> MapSpans for Box<T> {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        (**self).map_spans(f)
    }
}

impl<A: MapSpans, B> MapSpans for (A, B) {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.0.map_spans(f)
    }
}

/// `MapSpans` for a struct: each listed field.
macro_rules! fields {
    ($($t:ty: $($field:ident),*;)*) => {$(
        impl MapSpans for $t {
            fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
                $(self.$field.map_spans(f);)*
            }
        }
    )*};
}

fields! {
    Name: span;
    RightDecl: name, span;
    RightsGroup: prefix, entries, span;
    AccessDecl: name, also_when, span;
    FlagDecl: name, span;
    TagDecl: name, span;
    RoleDecl: name, extends, grants, assigns, span;
    Assigns: what, scope, span;
    DefaultRoles: lines, span;
    DefaultLine: role, when, span;
    ActionDecl: name, when, span;
    DenyDecl: patterns, when, span;
    DenyAccessDecl: levels, when, span;
    RowsClause: filter, span;
    ReportDecl: name, requires, rows, details, span;
    UserDecl: id, roles, grants, revokes, flags, access, groups, revoke_access, attributes, windows, span;
    GroupDecl: id, parent, roles, access, span;
    AccessEntry: resource, levels, span;
    ResourceDecl: id, parent, details, tags, role_access, attributes, span;
    RoleAccess: role, levels, span;
    EventDecl: id, resources, span;
    TestDecl: name_span, at, users, groups, resources, events, expects, span;
    CanQuery: user, target, suffix, span;
    ReportQuery: report, user, event, suffix, span;
    Value: span;
    DateLit: span;
    Window: from, until, span;
    ItemWindow: window;
    AttributeValues: name, values, span;
    Suffix: with, at;
}

impl MapSpans for Pattern {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Pattern::Exact(n) | Pattern::Prefix(n) => n.map_spans(f),
            Pattern::All(s) => s.map_spans(f),
        }
    }
}

impl MapSpans for Cond {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Cond::Or(xs, s) | Cond::And(xs, s) => {
                xs.map_spans(f);
                s.map_spans(f);
            }
            Cond::Not(x, s) => {
                x.map_spans(f);
                s.map_spans(f);
            }
            Cond::Const(_, s) => s.map_spans(f),
            Cond::Right(n)
            | Cond::Role(n)
            | Cond::Flag(n)
            | Cond::Access(n)
            | Cond::Can(n)
            | Cond::Group(n)
            | Cond::Tag(n)
            | Cond::Same(n)
            | Cond::Context(n) => n.map_spans(f),
            Cond::UserAttr(n, v) | Cond::ResourceAttr(n, v) => {
                n.map_spans(f);
                v.map_spans(f);
            }
        }
    }
}

impl MapSpans for AssignsWhat {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            AssignsWhat::Roles(x) | AssignsWhat::Access(x) => x.map_spans(f),
        }
    }
}

impl MapSpans for AssignsScope {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            AssignsScope::Anywhere => {}
            AssignsScope::When(c) => c.map_spans(f),
            AssignsScope::OnResource(c) => c.map_spans(f),
        }
    }
}

impl MapSpans for Expect {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Expect::Can { query, span, .. } => {
                query.map_spans(f);
                span.map_spans(f);
            }
            Expect::Report {
                query,
                outcome,
                span,
            } => {
                query.map_spans(f);
                outcome.map_spans(f);
                span.map_spans(f);
            }
        }
    }
}

impl MapSpans for ReportOutcome {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let ReportOutcome::Shows(rows) = self {
            rows.map_spans(f);
        }
    }
}

impl MapSpans for CanTarget {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            CanTarget::Run { report, on, event } => {
                report.map_spans(f);
                on.map_spans(f);
                event.map_spans(f);
            }
            CanTarget::Assign { role, to, on } => {
                role.map_spans(f);
                to.map_spans(f);
                on.map_spans(f);
            }
            CanTarget::Named { name, on } => {
                name.map_spans(f);
                on.map_spans(f);
            }
            CanTarget::Access { level, on } => {
                level.map_spans(f);
                on.map_spans(f);
            }
            CanTarget::AssignAccess { level, to, on } => {
                level.map_spans(f);
                to.map_spans(f);
                on.map_spans(f);
            }
        }
    }
}

impl MapSpans for Item {
    fn map_spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Item::Right(d) => d.map_spans(f),
            Item::Rights(d) => d.map_spans(f),
            Item::Access(d) => d.map_spans(f),
            Item::Flag(d) => d.map_spans(f),
            Item::Tag(d) => d.map_spans(f),
            Item::Role(d) => d.map_spans(f),
            Item::DefaultRoles(d) => d.map_spans(f),
            Item::Action(d) => d.map_spans(f),
            Item::Deny(d) => d.map_spans(f),
            Item::DenyAccess(d) => d.map_spans(f),
            Item::Report(d) => d.map_spans(f),
            Item::Group(d) => d.map_spans(f),
            Item::User(d) => d.map_spans(f),
            Item::Resource(d) => d.map_spans(f),
            Item::Event(d) => d.map_spans(f),
            Item::Test(d) => d.map_spans(f),
            Item::Attribute(d) | Item::Context(d) => d.map_spans(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_file;

    fn again_equals_whole(old: &str, new: &str) {
        let f = FileId(0);
        let before = parse_file(f, old).unwrap();
        let whole = parse_file(f, new).unwrap();
        assert_eq!(parse_file_again(f, old, &before, new).unwrap(), whole);
    }

    #[test]
    fn an_item_turned_into_a_comment_becomes_the_next_items_doc() {
        // the line break before `flag a` deleted: `flag a` is doc of `flag b`
        again_equals_whole(
            "## about\n## a\nflag a \"A\"\nflag b \"B\"\nflag c \"C\"\n",
            "## about\n## aflag a \"A\"\nflag b \"B\"\nflag c \"C\"\n",
        );
        // `## ` typed before `flag b`: it is the doc of `flag c`
        again_equals_whole(
            "flag a \"A\"\nflag b \"B\"\nflag c \"C\"\nflag d \"D\"\n",
            "flag a \"A\"\n## flag b \"B\"\nflag c \"C\"\nflag d \"D\"\n",
        );
        // items on the edited line, one after another
        again_equals_whole(
            "flag a \"A\"\nflag b \"B\" flag c \"C\"\nflag d \"D\"\n",
            "flag a \"A\"\n## flag b \"B\" flag c \"C\"\nflag d \"D\"\n",
        );
    }
}
