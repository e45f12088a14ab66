//! Every name written in a workspace: where each is declared and where it is
//! used, by kind, across all files (policy, JSON data, `test` blocks and the
//! queries inside them). Built from the syntax trees alone, so it answers even
//! while the policy has errors. The editor server's go to definition, find
//! references, rename, outline and semantic tokens stand on it.
//!
//! Names declared inside a `test` block (its users, resources and events)
//! exist only in that test: a use inside the test finds the test's own
//! declaration first.

use crate::source::{FileId, Span};
use crate::syntax::ast::*;
use crate::syntax::keywords;
use std::collections::HashMap;

/// What a name names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Right,
    /// `prefix` of `rights prefix { … }` and of a `prefix.*` pattern.
    RightPrefix,
    Access,
    Flag,
    Tag,
    Role,
    Action,
    Report,
    Group,
    User,
    Resource,
    Event,
    Test,
    /// An attribute (§9.2).
    Attribute,
    /// A context fact (§9.4).
    Context,
}

impl Kind {
    /// The word for the kind, as a declaration starts (`right`, `role`, …).
    pub fn word(self) -> &'static str {
        match self {
            Kind::Right => "right",
            Kind::RightPrefix => "rights prefix",
            Kind::Access => "access level",
            Kind::Flag => "flag",
            Kind::Tag => "tag",
            Kind::Role => "role",
            Kind::Action => "action",
            Kind::Report => "report",
            Kind::Group => "group",
            Kind::User => "user",
            Kind::Resource => "resource",
            Kind::Event => "event",
            Kind::Test => "test",
            Kind::Attribute => "attribute",
            Kind::Context => "context",
        }
    }

    /// Data ids (users, resources, events, groups) may be written as strings.
    pub fn is_data(self) -> bool {
        matches!(
            self,
            Kind::User | Kind::Resource | Kind::Event | Kind::Group
        )
    }
}

/// One name as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub kind: Kind,
    /// The whole name (a right in a `rights` group: its dotted name).
    pub name: String,
    pub span: Span,
    pub decl: bool,
    /// The `test` block (its index among tests) whose own data this names.
    pub scope: Option<u32>,
    /// Written without its prefix: an entry of a `rights PREFIX { … }`
    /// group, with the group's prefix.
    pub group: Option<String>,
}

/// Every name of a workspace.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// Sorted by file and start.
    pub all: Vec<Occurrence>,
    decls: HashMap<(Kind, String, Option<u32>), Vec<usize>>,
}

impl Index {
    /// Indexes the items of every parsed text.
    pub fn build<'a>(items: impl Iterator<Item = &'a Item>) -> Index {
        let items: Vec<&Item> = items.collect();
        // actions first: `can U NAME` names an action when one is declared
        let actions: std::collections::HashSet<&str> = items
            .iter()
            .filter_map(|i| match i {
                Item::Action(a) => Some(a.name.text.as_str()),
                _ => None,
            })
            .collect();
        let mut w = Walk {
            out: Vec::new(),
            actions: &actions,
            scope: None,
            local: Vec::new(),
            tests: 0,
        };
        for it in &items {
            w.item(it);
        }
        let mut all = w.out;
        all.sort_by_key(|o| (o.span.file.0, o.span.start, o.span.end));
        // (spans never take part in `==`: compare places explicitly)
        all.dedup_by(|a, b| {
            a.span.file == b.span.file
                && a.span.start == b.span.start
                && a.span.end == b.span.end
                && a.kind == b.kind
        });
        let mut decls: HashMap<(Kind, String, Option<u32>), Vec<usize>> = HashMap::new();
        for (i, o) in all.iter().enumerate() {
            if o.decl {
                decls
                    .entry((o.kind, o.name.clone(), o.scope))
                    .or_default()
                    .push(i);
            }
        }
        Index { all, decls }
    }

    /// The name at a byte offset of a file (a cursor just after a name counts).
    pub fn at(&self, file: FileId, offset: u32) -> Option<&Occurrence> {
        let start = self
            .all
            .partition_point(|o| (o.span.file.0, o.span.end) < (file.0, offset));
        self.all[start..]
            .iter()
            .take_while(|o| o.span.file == file && o.span.start <= offset)
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Where a name is declared (first declaration first): in its test for
    /// a test's own data, else outside tests.
    pub fn declarations(&self, o: &Occurrence) -> Vec<&Occurrence> {
        self.decls
            .get(&(o.kind, o.name.clone(), o.scope))
            .map(|v| v.iter().filter_map(|&i| self.all.get(i)).collect())
            .unwrap_or_default()
    }

    /// Whether a name of a kind is declared anywhere outside tests.
    pub fn is_declared(&self, kind: Kind, name: &str) -> bool {
        self.decls.contains_key(&(kind, name.to_string(), None))
    }

    /// Every occurrence of the same thing as `o` (declarations included):
    /// same kind and name, in the same scope (a name has a test's scope only
    /// where that test declares it).
    pub fn references(&self, o: &Occurrence) -> Vec<&Occurrence> {
        self.all
            .iter()
            .filter(|x| x.kind == o.kind && x.scope == o.scope && x.name == o.name)
            .collect()
    }

    /// The declarations of one file, in order.
    pub fn declarations_in(&self, file: FileId) -> impl Iterator<Item = &Occurrence> {
        // `all` is sorted by file: the file's run, found by search
        let from = self.all.partition_point(|o| o.span.file.0 < file.0);
        self.all[from..]
            .iter()
            .take_while(move |o| o.span.file == file)
            .filter(|o| o.decl)
    }

    /// Every declaration outside tests.
    pub fn all_declarations(&self) -> impl Iterator<Item = &Occurrence> {
        self.all.iter().filter(|o| o.decl)
    }
}

/// Why a new name cannot replace an old one.
pub fn rename_problem(index: &Index, o: &Occurrence, new: &str) -> Option<String> {
    let word = o.kind.word();
    if new.is_empty() {
        return Some("the new name is empty".into());
    }
    if o.kind == Kind::RightPrefix {
        return Some(
            "a rights prefix is part of every right under it: rename the rights one by one".into(),
        );
    }
    if !o.kind.is_data() && o.kind != Kind::Test {
        let ok = |part: &str| {
            part.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        let dotted = o.kind == Kind::Right;
        let parts_ok = if dotted {
            new.split('.').all(ok)
        } else {
            ok(new)
        };
        if !parts_ok {
            return Some(format!(
                "`{new}` is not a {word} name: use lower-case letters, digits and `_`{}",
                if dotted {
                    ", with `.` between parts"
                } else {
                    ""
                }
            ));
        }
        if keywords::is_keyword(new) {
            return Some(format!("`{new}` is a keyword of the language"));
        }
    }
    if o.kind == Kind::Right {
        // a right declared inside `rights prefix { … }` keeps its prefix
        let grouped = index
            .references(o)
            .into_iter()
            .find_map(|x| x.group.clone());
        if let Some(prefix) = grouped {
            let rest = new
                .strip_prefix(prefix.as_str())
                .and_then(|r| r.strip_prefix('.'));
            if rest.is_none_or(str::is_empty) {
                return Some(format!(
                    "`{}` is declared in `rights {prefix} {{ … }}`: a new name must keep the prefix `{prefix}.`",
                    o.name
                ));
            }
        }
    }
    if new.chars().any(char::is_control) {
        return Some("a name cannot hold a line break or other control character".into());
    }
    if new == o.name {
        return None;
    }
    // the same kind anywhere (a test's own data would capture the uses in it)
    let clash = index.decls.keys().any(|(k, n, _)| *k == o.kind && n == new);
    if clash {
        return Some(format!("a {word} named `{new}` is already declared"));
    }
    // `can U NAME` means an action before a right of the same name
    let other = match o.kind {
        Kind::Right => Some(Kind::Action),
        Kind::Action => Some(Kind::Right),
        _ => None,
    };
    if let Some(other) = other {
        if index.decls.contains_key(&(other, new.to_string(), None)) {
            return Some(format!(
                "an {} named `{new}` is already declared: `can U {new}` would mean it",
                other.word()
            ));
        }
    }
    None
}

struct Walk<'a> {
    out: Vec<Occurrence>,
    actions: &'a std::collections::HashSet<&'a str>,
    /// The test being walked, and the data it declares.
    scope: Option<u32>,
    local: Vec<(Kind, String)>,
    tests: u32,
}

impl Walk<'_> {
    fn push(&mut self, kind: Kind, n: &Name, decl: bool) {
        let scope = match self.scope {
            Some(t)
                if kind.is_data() && self.local.iter().any(|(k, x)| *k == kind && *x == n.text) =>
            {
                Some(t)
            }
            _ => None,
        };
        self.out.push(Occurrence {
            kind,
            name: n.text.clone(),
            span: n.span,
            decl,
            scope,
            group: None,
        });
    }

    fn use_(&mut self, kind: Kind, n: &Name) {
        self.push(kind, n, false);
    }

    fn pattern(&mut self, p: &Pattern) {
        match p {
            Pattern::Exact(n) => self.use_(Kind::Right, n),
            Pattern::Prefix(n) => self.use_(Kind::RightPrefix, n),
            Pattern::All(_) => {}
        }
    }

    fn cond(&mut self, c: &Cond) {
        match c {
            Cond::Or(xs, _) | Cond::And(xs, _) => xs.iter().for_each(|x| self.cond(x)),
            Cond::Not(x, _) => self.cond(x),
            Cond::Const(..) => {}
            Cond::Right(n) => self.use_(Kind::Right, n),
            Cond::Role(n) => self.use_(Kind::Role, n),
            Cond::Flag(n) => self.use_(Kind::Flag, n),
            Cond::Access(n) => self.use_(Kind::Access, n),
            Cond::Can(n) => self.use_(Kind::Action, n),
            Cond::Group(n) => self.use_(Kind::Group, n),
            Cond::Tag(n) => self.use_(Kind::Tag, n),
            Cond::Same(n) | Cond::UserAttr(n, _) | Cond::ResourceAttr(n, _) => {
                self.use_(Kind::Attribute, n)
            }
            Cond::Context(n) => self.use_(Kind::Context, n),
        }
    }

    fn access_entry(&mut self, e: &AccessEntry) {
        self.use_(Kind::Resource, &e.resource);
        for l in &e.levels {
            self.use_(Kind::Access, l);
        }
    }

    fn item(&mut self, it: &Item) {
        match it {
            Item::Right(d) => self.push(Kind::Right, &d.name, true),
            Item::Rights(g) => {
                self.push(Kind::RightPrefix, &g.prefix, true);
                for e in &g.entries {
                    self.out.push(Occurrence {
                        kind: Kind::Right,
                        name: e.name.text.clone(),
                        span: e.name.span,
                        decl: true,
                        scope: None,
                        group: Some(g.prefix.text.clone()),
                    });
                }
            }
            Item::Access(d) => {
                self.push(Kind::Access, &d.name, true);
                if let Some(c) = &d.also_when {
                    self.cond(c);
                }
            }
            Item::Flag(d) => self.push(Kind::Flag, &d.name, true),
            Item::Attribute(d) => self.push(Kind::Attribute, &d.name, true),
            Item::Context(d) => self.push(Kind::Context, &d.name, true),
            Item::Tag(d) => self.push(Kind::Tag, &d.name, true),
            Item::Role(d) => {
                self.push(Kind::Role, &d.name, true);
                for n in &d.extends {
                    self.use_(Kind::Role, n);
                }
                for p in &d.grants {
                    self.pattern(p);
                }
                for a in &d.assigns {
                    match &a.what {
                        AssignsWhat::Roles(Some(ns)) => {
                            ns.iter().for_each(|n| self.use_(Kind::Role, n))
                        }
                        AssignsWhat::Access(Some(ns)) => {
                            ns.iter().for_each(|n| self.use_(Kind::Access, n))
                        }
                        _ => {}
                    }
                    match &a.scope {
                        AssignsScope::When(c) | AssignsScope::OnResource(Some(c)) => self.cond(c),
                        _ => {}
                    }
                }
            }
            Item::DefaultRoles(d) => {
                for l in &d.lines {
                    self.use_(Kind::Role, &l.role);
                    if let Some(c) = &l.when {
                        self.cond(c);
                    }
                }
            }
            Item::Action(d) => {
                self.push(Kind::Action, &d.name, true);
                self.cond(&d.when);
            }
            Item::Deny(d) => {
                d.patterns.iter().for_each(|p| self.pattern(p));
                if let Some(c) = &d.when {
                    self.cond(c);
                }
            }
            Item::DenyAccess(d) => {
                for n in d.levels.iter().flatten() {
                    self.use_(Kind::Access, n);
                }
                if let Some(c) = &d.when {
                    self.cond(c);
                }
            }
            Item::Report(d) => {
                self.push(Kind::Report, &d.name, true);
                d.requires.iter().for_each(|c| self.cond(c));
                for r in &d.rows {
                    if let Some(c) = &r.filter {
                        self.cond(c);
                    }
                }
                d.details.iter().for_each(|c| self.cond(c));
            }
            Item::Group(d) => {
                self.push(Kind::Group, &d.id, true);
                if let Some(p) = &d.parent {
                    self.use_(Kind::Group, p);
                }
                d.roles.iter().for_each(|n| self.use_(Kind::Role, n));
                d.access.iter().for_each(|e| self.access_entry(e));
            }
            Item::User(d) => self.user(d),
            Item::Resource(d) => self.resource(d),
            Item::Event(d) => self.event(d),
            Item::Test(t) => self.test(t),
        }
    }

    fn user(&mut self, d: &UserDecl) {
        self.push(Kind::User, &d.id, true);
        for n in d.roles.iter().flatten() {
            self.use_(Kind::Role, n);
        }
        d.grants
            .iter()
            .chain(&d.revokes)
            .for_each(|p| self.pattern(p));
        d.flags.iter().for_each(|n| self.use_(Kind::Flag, n));
        d.access
            .iter()
            .chain(&d.revoke_access)
            .for_each(|e| self.access_entry(e));
        d.groups.iter().for_each(|n| self.use_(Kind::Group, n));
        d.attributes
            .iter()
            .for_each(|a| self.use_(Kind::Attribute, &a.name));
    }

    fn resource(&mut self, d: &ResourceDecl) {
        self.push(Kind::Resource, &d.id, true);
        if let Some(p) = &d.parent {
            self.use_(Kind::Resource, p);
        }
        d.tags.iter().for_each(|n| self.use_(Kind::Tag, n));
        for ra in &d.role_access {
            self.use_(Kind::Role, &ra.role);
            ra.levels.iter().for_each(|n| self.use_(Kind::Access, n));
        }
        d.attributes
            .iter()
            .for_each(|a| self.use_(Kind::Attribute, &a.name));
    }

    fn event(&mut self, d: &EventDecl) {
        self.push(Kind::Event, &d.id, true);
        d.resources
            .iter()
            .for_each(|n| self.use_(Kind::Resource, n));
    }

    fn target(&mut self, t: &CanTarget) {
        let on = match t {
            CanTarget::Run { report, on, event } => {
                self.use_(Kind::Report, report);
                if let Some(e) = event {
                    self.use_(Kind::Event, e);
                }
                on
            }
            CanTarget::Assign { role, to, on } => {
                self.use_(Kind::Role, role);
                self.use_(Kind::User, to);
                on
            }
            CanTarget::Named { name, on } => {
                let kind = if self.actions.contains(name.text.as_str()) {
                    Kind::Action
                } else {
                    Kind::Right
                };
                self.use_(kind, name);
                on
            }
            CanTarget::Access { level, on } => {
                self.use_(Kind::Access, level);
                on
            }
            CanTarget::AssignAccess { level, to, on } => {
                self.use_(Kind::Access, level);
                self.use_(Kind::User, to);
                on
            }
        };
        if let Some(r) = on {
            self.use_(Kind::Resource, r);
        }
    }

    fn test(&mut self, t: &TestDecl) {
        let index = self.tests;
        self.tests += 1;
        self.out.push(Occurrence {
            kind: Kind::Test,
            name: t.name.clone(),
            span: t.name_span,
            decl: true,
            scope: None,
            group: None,
        });
        self.scope = Some(index);
        self.local = t
            .users
            .iter()
            .map(|u| (Kind::User, u.id.text.clone()))
            .chain(
                t.resources
                    .iter()
                    .map(|r| (Kind::Resource, r.id.text.clone())),
            )
            .chain(t.events.iter().map(|e| (Kind::Event, e.id.text.clone())))
            .chain(t.groups.iter().map(|g| (Kind::Group, g.id.text.clone())))
            .collect();
        for g in &t.groups {
            self.push(Kind::Group, &g.id, true);
            if let Some(p) = &g.parent {
                self.use_(Kind::Group, p);
            }
            g.roles.iter().for_each(|n| self.use_(Kind::Role, n));
            g.access.iter().for_each(|e| self.access_entry(e));
        }
        t.users.iter().for_each(|u| self.user(u));
        t.resources.iter().for_each(|r| self.resource(r));
        t.events.iter().for_each(|e| self.event(e));
        for e in &t.expects {
            match e {
                Expect::Can { query, .. } => {
                    self.use_(Kind::User, &query.user);
                    self.target(&query.target);
                    query
                        .suffix
                        .with
                        .iter()
                        .for_each(|n| self.use_(Kind::Context, n));
                }
                Expect::Report { query, outcome, .. } => {
                    query
                        .suffix
                        .with
                        .iter()
                        .for_each(|n| self.use_(Kind::Context, n));
                    self.use_(Kind::Report, &query.report);
                    self.use_(Kind::User, &query.user);
                    if let Some(ev) = &query.event {
                        self.use_(Kind::Event, ev);
                    }
                    if let ReportOutcome::Shows(rows) = outcome {
                        rows.iter().for_each(|(n, _)| self.use_(Kind::Resource, n));
                    }
                }
            }
        }
        self.scope = None;
        self.local.clear();
    }
}
