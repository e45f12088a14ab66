//! AST → resolved [`Model`]: name resolution and every static check of
//! LANGUAGE.md, over all files of a policy at once.
//!
//! Resolution never stops at the first problem: it returns the model and every
//! diagnostic found, with a `Const(false)` placeholder wherever a name was
//! unknown. Callers must not compile a model whose diagnostics hold an error.

mod cycles;
pub mod model;
mod names;
mod query;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast;
pub use model::Model;
use model::*;
use names::{unknown, Kind};
pub use query::{resolve_can, resolve_query, resolve_report_query};
use std::collections::HashMap;

/// Resolves the items of every file of a policy (and its data) into a model.
pub fn resolve<'a>(items: impl IntoIterator<Item = &'a ast::Item>) -> (Model, Diagnostics) {
    let items: Vec<&ast::Item> = items.into_iter().collect();
    let mut r = Resolver::default();
    r.declare(&items);
    r.define(&items);
    r.check_dependency_cycles();

    let users: Vec<&ast::UserDecl> = items
        .iter()
        .filter_map(|i| match i {
            ast::Item::User(u) => Some(u),
            _ => None,
        })
        .collect();
    let resources: Vec<&ast::ResourceDecl> = items
        .iter()
        .filter_map(|i| match i {
            ast::Item::Resource(u) => Some(u),
            _ => None,
        })
        .collect();
    let events: Vec<&ast::EventDecl> = items
        .iter()
        .filter_map(|i| match i {
            ast::Item::Event(u) => Some(u),
            _ => None,
        })
        .collect();
    let data = r.data(&users, &resources, &events);

    let mut tests = Vec::new();
    for item in &items {
        if let ast::Item::Test(t) = item {
            tests.push(r.test(t, &data, (&users, &resources, &events)));
        }
    }
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for item in &items {
        if let ast::Item::Test(t) = item {
            match seen.get(t.name.as_str()) {
                Some(first) => r.diags.push(
                    Diagnostic::warning(
                        Code::Duplicate,
                        format!("two tests are named {:?}", t.name),
                    )
                    .at(t.name_span, "this name is taken")
                    .also(*first, "first test with this name")
                    .help("give each test its own name, so failures say which one failed"),
                ),
                None => {
                    seen.insert(&t.name, t.name_span);
                }
            }
        }
    }
    let Resolver { policy, diags } = r;
    (
        Model {
            policy,
            data,
            tests,
        },
        diags,
    )
}

/// What a condition may contain where it is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Allowed {
    /// Everything (actions, `also when`, report clauses, `assigns`).
    All,
    /// Only `role`, `flag`, `not`, `and`, `or` (deny conditions).
    RoleFlag,
    /// Only `flag`, `not`, `and`, `or` (default-role conditions).
    FlagOnly,
}

#[derive(Clone, Copy)]
struct Ctx {
    /// Is a resource in scope (may `access` be used)?
    resource: bool,
    allowed: Allowed,
    /// Where the condition is, for messages: "a global action", "`requires`".
    place: &'static str,
    /// Advice when `access` is used without a resource.
    access_help: &'static str,
}

#[derive(Default)]
struct Resolver {
    policy: Policy,
    diags: Diagnostics,
}

/// The first declaration of each name, for "first declared here".
fn duplicate(kind: &str, name: &ast::Name, first: Span) -> Diagnostic {
    Diagnostic::error(
        Code::Duplicate,
        format!("{kind} `{}` is declared twice", name.text),
    )
    .at(name.span, "declared again here")
    .also(first, "first declared here")
    .help("remove one of the declarations, or rename one of them")
}

fn meta(name: &ast::Name, label: &ast::Label, doc: &ast::Doc) -> Meta {
    Meta {
        name: name.text.clone(),
        label: label.clone(),
        doc: doc.clone(),
        span: name.span,
    }
}

impl Resolver {
    // ── pass 1: declare every name ──

    fn declare(&mut self, items: &[&ast::Item]) {
        let mut default_block: Option<Span> = None;
        for item in items {
            match item {
                ast::Item::Right(d) => self.declare_right(d),
                ast::Item::Rights(g) => {
                    for d in &g.entries {
                        self.declare_right(d);
                    }
                }
                // a line that only adds a rule (`access x also when …`) never
                // declares the level while a declaring line exists anywhere, so
                // the order of lines does not matter
                ast::Item::Access(d) if d.label.is_none() && d.also_when.is_some() => {}
                ast::Item::Access(d) => self.declare_access(d),
                ast::Item::Flag(d) => {
                    if let Some(&id) = self.policy.names.flags.get(&d.name.text) {
                        let first = self.policy.flags[id.index()].meta.span;
                        self.diags.push(duplicate("flag", &d.name, first));
                    } else {
                        let id = FlagId::from_index(self.policy.flags.len());
                        self.policy.names.flags.insert(d.name.text.clone(), id);
                        self.policy.flags.push(Flag {
                            meta: meta(&d.name, &d.label, &d.doc),
                        });
                    }
                }
                ast::Item::Role(d) => {
                    if let Some(&id) = self.policy.names.roles.get(&d.name.text) {
                        let first = self.policy.roles[id.index()].meta.span;
                        self.diags.push(duplicate("role", &d.name, first));
                    } else {
                        let id = RoleId::from_index(self.policy.roles.len());
                        self.policy.names.roles.insert(d.name.text.clone(), id);
                        self.policy.roles.push(Role {
                            meta: meta(&d.name, &d.label, &d.doc),
                            parents: Vec::new(),
                            grants: Vec::new(),
                            assigns: Vec::new(),
                        });
                    }
                }
                ast::Item::Action(d) => {
                    if let Some(&id) = self.policy.names.actions.get(&d.name.text) {
                        let first = self.policy.actions[id.index()].meta.span;
                        self.diags.push(duplicate("action", &d.name, first));
                    } else {
                        let id = ActionId::from_index(self.policy.actions.len());
                        self.policy.names.actions.insert(d.name.text.clone(), id);
                        self.policy.actions.push(Action {
                            meta: meta(&d.name, &d.label, &d.doc),
                            on_resource: d.on_resource,
                            when: Cond::Const(false, d.when.span()),
                        });
                    }
                }
                ast::Item::Report(d) => {
                    if let Some(&id) = self.policy.names.reports.get(&d.name.text) {
                        let first = self.policy.reports[id.index()].meta.span;
                        self.diags.push(duplicate("report", &d.name, first));
                    } else {
                        let id = ReportId::from_index(self.policy.reports.len());
                        self.policy.names.reports.insert(d.name.text.clone(), id);
                        self.policy.reports.push(Report {
                            meta: meta(&d.name, &d.label, &d.doc),
                            requires: Cond::Const(true, d.name.span),
                            rows: ast::RowsSource::Resources,
                            rows_where: None,
                            details_when: None,
                        });
                    }
                }
                ast::Item::DefaultRoles(d) => {
                    let here = Span {
                        end: d.span.start + 12,
                        ..d.span
                    };
                    if let Some(first) = default_block {
                        self.diags.push(
                            Diagnostic::error(Code::Duplicate, "`default role` is declared twice")
                                .at(here, "declared again here")
                                .also(first, "first declared here")
                                .help("the first matching line wins, so keep every line in one `default role` block"),
                        );
                    } else {
                        default_block = Some(here);
                    }
                }
                _ => {}
            }
        }
        for item in items {
            if let ast::Item::Access(d) = item {
                if !self.policy.names.access.contains_key(&d.name.text) {
                    self.declare_access(d);
                }
            }
        }
        // an action and a right may not share a name
        for (name, &aid) in &self.policy.names.actions {
            if let Some(&rid) = self.policy.names.rights.get(name) {
                let a = &self.policy.actions[aid.index()].meta;
                let r = &self.policy.rights[rid.index()].meta;
                self.diags.push(
                    Diagnostic::error(
                        Code::NameClash,
                        format!("action `{name}` has the same name as a right"),
                    )
                    .at(a.span, "action declared here")
                    .also(r.span, "right declared here")
                    .help("`can USER NAME` must name one thing: rename the action or the right"),
                );
            }
        }
        let mut sorted: Vec<(String, RightId)> = self
            .policy
            .names
            .rights
            .iter()
            .map(|(n, &id)| (n.clone(), id))
            .collect();
        sorted.sort();
        self.policy.names.rights_sorted = sorted;
    }

    fn declare_access(&mut self, d: &ast::AccessDecl) {
        if let Some(&id) = self.policy.names.access.get(&d.name.text) {
            let first = self.policy.access[id.index()].meta.span;
            self.diags.push(duplicate("access level", &d.name, first).help(
                "a second `access` line for a declared level may only add a rule: `access NAME also when COND`",
            ));
        } else {
            let id = AccessId::from_index(self.policy.access.len());
            self.policy.names.access.insert(d.name.text.clone(), id);
            self.policy.access.push(AccessLevel {
                meta: meta(&d.name, &d.label, &d.doc),
                also_when: Vec::new(),
            });
        }
    }

    fn declare_right(&mut self, d: &ast::RightDecl) {
        if let Some(&id) = self.policy.names.rights.get(&d.name.text) {
            let first = self.policy.rights[id.index()].meta.span;
            self.diags.push(duplicate("right", &d.name, first));
        } else {
            let id = RightId::from_index(self.policy.rights.len());
            self.policy.names.rights.insert(d.name.text.clone(), id);
            self.policy.rights.push(Right {
                meta: meta(&d.name, &d.label, &d.doc),
            });
        }
    }

    // ── pass 2: resolve every body ──

    fn define(&mut self, items: &[&ast::Item]) {
        for item in items {
            match item {
                ast::Item::Access(d) => {
                    if let (Some(c), Some(&id)) =
                        (&d.also_when, self.policy.names.access.get(&d.name.text))
                    {
                        let ctx = Ctx {
                            resource: true,
                            allowed: Allowed::All,
                            place: "`also when`",
                            access_help: "",
                        };
                        let c = self.cond(c, ctx);
                        self.policy.access[id.index()].also_when.push(c);
                    }
                }
                ast::Item::Role(d) => self.define_role(d),
                ast::Item::DefaultRoles(d) => {
                    for line in &d.lines {
                        let Some(role) = self.role_ref(&line.role) else {
                            continue;
                        };
                        let when = match &line.when {
                            Some(c) => self.cond(
                                c,
                                Ctx {
                                    resource: false,
                                    allowed: Allowed::FlagOnly,
                                    place: "a default-role condition",
                                    access_help: "",
                                },
                            ),
                            None => Cond::Const(true, line.span),
                        };
                        self.policy.default_roles.push(DefaultLine {
                            role,
                            when,
                            span: line.span,
                        });
                    }
                }
                ast::Item::Action(d) => {
                    let Some(&id) = self.policy.names.actions.get(&d.name.text) else {
                        continue;
                    };
                    if !self.policy.actions[id.index()]
                        .meta
                        .span
                        .same_place(&d.name.span)
                    {
                        continue; // a duplicate, already reported
                    }
                    let ctx = Ctx {
                        resource: d.on_resource,
                        allowed: Allowed::All,
                        place: "a global action",
                        access_help:
                            "make the action resource-scoped: `action NAME on resource when …`",
                    };
                    let c = self.cond(&d.when, ctx);
                    self.policy.actions[id.index()].when = c;
                }
                ast::Item::Deny(d) => {
                    let rights = self.patterns(&d.patterns);
                    let when = d.when.as_ref().map(|c| {
                        self.cond(
                            c,
                            Ctx {
                                resource: false,
                                allowed: Allowed::RoleFlag,
                                place: "a deny condition",
                                access_help: "",
                            },
                        )
                    });
                    self.policy.denies.push(Deny {
                        rights,
                        when,
                        span: d.span,
                    });
                }
                ast::Item::Report(d) => self.define_report(d),
                _ => {}
            }
        }
    }

    fn define_role(&mut self, d: &ast::RoleDecl) {
        let Some(&id) = self.policy.names.roles.get(&d.name.text) else {
            return;
        };
        if !self.policy.roles[id.index()]
            .meta
            .span
            .same_place(&d.name.span)
        {
            return; // a duplicate, already reported
        }
        let parents: Vec<(RoleId, Span)> = d
            .extends
            .iter()
            .filter_map(|p| self.role_ref(p).map(|r| (r, p.span)))
            .collect();
        let grants = self.patterns(&d.grants);
        let mut assigns = Vec::new();
        for a in &d.assigns {
            let roles = a
                .roles
                .as_ref()
                .map(|names| names.iter().filter_map(|n| self.role_ref(n)).collect());
            let on_resource_when = a.on_resource_when.as_ref().map(|c| {
                self.cond(
                    c,
                    Ctx {
                        resource: true,
                        allowed: Allowed::All,
                        place: "`assigns … on resource when`",
                        access_help: "",
                    },
                )
            });
            assigns.push(AssignsRule {
                roles,
                on_resource_when,
                span: a.span,
            });
        }
        let role = &mut self.policy.roles[id.index()];
        role.parents = parents;
        role.grants = grants;
        role.assigns = assigns;
    }

    fn define_report(&mut self, d: &ast::ReportDecl) {
        let Some(&id) = self.policy.names.reports.get(&d.name.text) else {
            return;
        };
        if !self.policy.reports[id.index()]
            .meta
            .span
            .same_place(&d.name.span)
        {
            return;
        }
        let name = &d.name.text;
        for (clause, spans) in [
            (
                "requires",
                d.requires.iter().map(|c| c.span()).collect::<Vec<_>>(),
            ),
            ("rows", d.rows.iter().map(|r| r.span).collect()),
            ("details", d.details.iter().map(|c| c.span()).collect()),
        ] {
            if spans.len() > 1 {
                self.diags.push(
                    Diagnostic::error(
                        Code::ReportShape,
                        format!("report `{name}` has more than one `{clause}` clause"),
                    )
                    .at(spans[1], "second clause here")
                    .also(spans[0], "first clause here")
                    .help(if clause == "rows" {
                        "a report has one `rows` clause: `rows resources` or `rows event`, with one `where`".to_string()
                    } else {
                        format!("combine them into one `{clause}` with `and` or `or`")
                    }),
                );
            }
        }
        if d.rows.is_empty() {
            self.diags.push(
                Diagnostic::error(
                    Code::ReportShape,
                    format!("report `{name}` has no `rows` clause"),
                )
                .at(d.name.span, "this report says nothing of its rows")
                .help("add `rows resources` (every resource) or `rows event` (the resources of the event it is run for), optionally with `where COND`"),
            );
        }
        let requires = match d.requires.first() {
            Some(c) => self.cond(
                c,
                Ctx {
                    resource: false,
                    allowed: Allowed::All,
                    place: "`requires`",
                    access_help: "`requires` decides who may run the report at all; per-resource conditions belong in `rows … where` or `details when`",
                },
            ),
            None => Cond::Const(true, d.name.span),
        };
        let per_resource = |place| Ctx {
            resource: true,
            allowed: Allowed::All,
            place,
            access_help: "",
        };
        let (rows, rows_where) = match d.rows.first() {
            Some(r) => (
                r.source,
                r.filter
                    .as_ref()
                    .map(|c| self.cond(c, per_resource("`rows … where`"))),
            ),
            None => (ast::RowsSource::Resources, None),
        };
        let details_when = d
            .details
            .first()
            .map(|c| self.cond(c, per_resource("`details when`")));
        let report = &mut self.policy.reports[id.index()];
        report.requires = requires;
        report.rows = rows;
        report.rows_where = rows_where;
        report.details_when = details_when;
    }

    fn role_ref(&mut self, name: &ast::Name) -> Option<RoleId> {
        match self.policy.names.roles.get(&name.text) {
            Some(&id) => Some(id),
            None => {
                self.diags.push(unknown(&self.policy, Kind::Role, name));
                None
            }
        }
    }

    /// Expands right patterns; reports unknown rights and patterns matching nothing.
    fn patterns(&mut self, patterns: &[ast::Pattern]) -> Vec<RightSite> {
        let mut out = Vec::new();
        for p in patterns {
            match expand_pattern(&self.policy, p) {
                Ok(ids) => out.extend(ids.into_iter().map(|right| RightSite {
                    right,
                    span: p.span(),
                })),
                Err(d) => self.diags.push(*d),
            }
        }
        out
    }

    fn cond(&mut self, c: &ast::Cond, ctx: Ctx) -> Cond {
        match c {
            ast::Cond::Or(xs, s) => Cond::Or(xs.iter().map(|x| self.cond(x, ctx)).collect(), *s),
            ast::Cond::And(xs, s) => Cond::And(xs.iter().map(|x| self.cond(x, ctx)).collect(), *s),
            ast::Cond::Not(x, s) => Cond::Not(Box::new(self.cond(x, ctx)), *s),
            ast::Cond::Const(b, s) => Cond::Const(*b, *s),
            ast::Cond::Right(n) => {
                if ctx.allowed != Allowed::All {
                    return self.not_allowed("right", n, ctx);
                }
                match self.policy.names.rights.get(&n.text) {
                    Some(&id) => Cond::Right(id, n.span),
                    None => self.unknown_in_cond(Kind::Right, n),
                }
            }
            ast::Cond::Role(n) => {
                if ctx.allowed == Allowed::FlagOnly {
                    return self.not_allowed("role", n, ctx);
                }
                match self.policy.names.roles.get(&n.text) {
                    Some(&id) => Cond::Role(id, n.span),
                    None => self.unknown_in_cond(Kind::Role, n),
                }
            }
            ast::Cond::Flag(n) => match self.policy.names.flags.get(&n.text) {
                Some(&id) => Cond::Flag(id, n.span),
                None => self.unknown_in_cond(Kind::Flag, n),
            },
            ast::Cond::Access(n) => {
                if ctx.allowed != Allowed::All {
                    return self.not_allowed("access", n, ctx);
                }
                if !ctx.resource {
                    let mut d = Diagnostic::error(
                        Code::AccessOutOfScope,
                        format!(
                            "`access {}` needs a resource, and {} has none",
                            n.text, ctx.place
                        ),
                    )
                    .at(n.span, "no resource in scope here");
                    if !ctx.access_help.is_empty() {
                        d = d.help(ctx.access_help);
                    }
                    self.diags.push(d);
                    return Cond::Const(false, n.span);
                }
                match self.policy.names.access.get(&n.text) {
                    Some(&id) => Cond::Access(id, n.span),
                    None => self.unknown_in_cond(Kind::Access, n),
                }
            }
            ast::Cond::Can(n) => {
                if ctx.allowed != Allowed::All {
                    return self.not_allowed("can", n, ctx);
                }
                match self.policy.names.actions.get(&n.text) {
                    Some(&id) => {
                        if self.policy.actions[id.index()].on_resource && !ctx.resource {
                            self.diags.push(
                                Diagnostic::error(
                                    Code::AccessOutOfScope,
                                    format!(
                                        "`can {}` needs a resource, and {} has none",
                                        n.text, ctx.place
                                    ),
                                )
                                .at(n.span, "a resource-scoped action")
                                .also(
                                    self.policy.actions[id.index()].meta.span,
                                    "declared `on resource` here",
                                )
                                .help(
                                    if ctx.access_help.is_empty() {
                                        "use it only where a resource is in scope"
                                    } else {
                                        ctx.access_help
                                    },
                                ),
                            );
                            return Cond::Const(false, n.span);
                        }
                        Cond::Can(id, n.span)
                    }
                    None => self.unknown_in_cond(Kind::Action, n),
                }
            }
        }
    }

    fn not_allowed(&mut self, what: &str, n: &ast::Name, ctx: Ctx) -> Cond {
        let (allowed, why) = match ctx.allowed {
            Allowed::RoleFlag => (
                "`role`, `flag`, `not`, `and` and `or`",
                "so that whether a right is denied never depends on a right or a resource",
            ),
            _ => (
                "`flag`, `not`, `and` and `or`",
                "the default role is chosen from the user's flags alone",
            ),
        };
        self.diags.push(
            Diagnostic::error(
                Code::NotAllowedHere,
                format!("`{what}` cannot be used in {}", ctx.place),
            )
            .at(n.span, format!("`{what} {}` is not allowed here", n.text))
            .help(format!("{} may use only {allowed}, {why}", ctx.place)),
        );
        Cond::Const(false, n.span)
    }

    fn unknown_in_cond(&mut self, kind: Kind, n: &ast::Name) -> Cond {
        self.diags.push(unknown(&self.policy, kind, n));
        Cond::Const(false, n.span)
    }

    // ── cycles ──

    fn check_dependency_cycles(&mut self) {
        // role inheritance
        let edges: Vec<Vec<usize>> = self
            .policy
            .roles
            .iter()
            .map(|r| r.parents.iter().map(|(p, _)| p.index()).collect())
            .collect();
        for cycle in cycles::find_cycles(&edges) {
            let names: Vec<String> = cycle
                .iter()
                .map(|&i| format!("`{}`", self.policy.roles[i].meta.name))
                .collect();
            let first = cycle[0];
            let chain = cycle
                .iter()
                .chain(std::iter::once(&first))
                .map(|&i| self.policy.roles[i].meta.name.as_str())
                .collect::<Vec<_>>()
                .join(" → ");
            let mut d = Diagnostic::error(
                Code::RoleCycle,
                format!("role inheritance cycle through {}", names.join(", ")),
            );
            for (k, &i) in cycle.iter().enumerate() {
                let next = cycle[(k + 1) % cycle.len()];
                let role = &self.policy.roles[i];
                let span = role
                    .parents
                    .iter()
                    .find(|(p, _)| p.index() == next)
                    .map(|(_, s)| *s)
                    .unwrap_or(role.meta.span);
                let label = format!(
                    "`{}` extends `{}`",
                    role.meta.name, self.policy.roles[next].meta.name
                );
                d = if k == 0 {
                    d.at(span, label)
                } else {
                    d.also(span, label)
                };
            }
            self.diags.push(d.help(format!(
                "inheritance must not loop ({chain}); remove one of these `extends`"
            )));
        }
        // actions (through `can`) and access levels (through `also when`)
        let na = self.policy.actions.len();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); na + self.policy.access.len()];
        let mut sites: HashMap<(usize, usize), Span> = HashMap::new();
        let mut add = |from: usize, c: &Cond, edges: &mut Vec<Vec<usize>>| {
            c.for_each_atom(|a| {
                let to = match a {
                    Cond::Can(id, s) => Some((id.index(), *s)),
                    Cond::Access(id, s) => Some((na + id.index(), *s)),
                    _ => None,
                };
                if let Some((to, s)) = to {
                    edges[from].push(to);
                    sites.entry((from, to)).or_insert(s);
                }
            })
        };
        for (i, a) in self.policy.actions.iter().enumerate() {
            add(i, &a.when, &mut edges);
        }
        for (i, l) in self.policy.access.iter().enumerate() {
            for c in &l.also_when {
                add(na + i, c, &mut edges);
            }
        }
        let action_cycles = cycles::find_cycles(&edges);
        if action_cycles.is_empty() {
            self.check_complexity(&edges);
        }
        let node_name = |i: usize| {
            if i < na {
                format!("action `{}`", self.policy.actions[i].meta.name)
            } else {
                format!("access `{}`", self.policy.access[i - na].meta.name)
            }
        };
        for cycle in action_cycles {
            let names: Vec<String> = cycle.iter().map(|&i| node_name(i)).collect();
            let mut d = Diagnostic::error(
                Code::ActionCycle,
                format!("{} depend on each other in a cycle", names.join(", ")),
            );
            if cycle.len() == 1 {
                d.message = format!("{} depends on itself", names[0]);
            }
            for (k, &i) in cycle.iter().enumerate() {
                let next = cycle[(k + 1) % cycle.len()];
                let span = sites.get(&(i, next)).copied().unwrap_or_default();
                let label = format!("{} uses {}", node_name(i), node_name(next));
                d = if k == 0 {
                    d.at(span, label)
                } else {
                    d.also(span, label)
                };
            }
            self.diags.push(d.help(
                "evaluation must terminate: break the cycle by writing one of these conditions without the others",
            ));
        }
    }

    /// Bounds evaluation: along `can` and `also when`, no chain may be longer
    /// than [`MAX_DEPENDENCY_DEPTH`] and no condition may expand (every `can`
    /// and access rule inlined) to more than [`MAX_EXPANSION`] nodes. The graph
    /// is acyclic here. Reports only the first node past a limit on each chain.
    fn check_complexity(&mut self, edges: &[Vec<usize>]) {
        let na = self.policy.actions.len();
        let n = edges.len();
        let node_name = |p: &Policy, i: usize| {
            if i < na {
                format!("action `{}`", p.actions[i].meta.name)
            } else {
                format!("access `{}`", p.access[i - na].meta.name)
            }
        };
        let own_size = |i: usize| -> u64 {
            let conds: Vec<&Cond> = if i < na {
                vec![&self.policy.actions[i].when]
            } else {
                self.policy.access[i - na].also_when.iter().collect()
            };
            conds.iter().map(|c| cond_len(c) as u64).sum::<u64>().max(1)
        };
        // dependencies first (Kahn's algorithm over "i uses j")
        let mut pending: Vec<usize> = edges.iter().map(Vec::len).collect();
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, deps) in edges.iter().enumerate() {
            for &d in deps {
                users[d].push(i);
            }
        }
        let mut ready: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
        let mut depth = vec![1usize; n];
        let mut size = vec![0u64; n];
        let mut over = vec![false; n];
        while let Some(i) = ready.pop() {
            let deps = &edges[i];
            depth[i] = 1 + deps.iter().map(|&d| depth[d]).max().unwrap_or(0);
            size[i] = deps
                .iter()
                .fold(own_size(i), |acc, &d| acc.saturating_add(size[d]));
            let inherited = deps.iter().any(|&d| over[d]);
            over[i] = inherited || depth[i] > MAX_DEPENDENCY_DEPTH || size[i] > MAX_EXPANSION;
            if over[i] && !inherited {
                let span = if i < na {
                    self.policy.actions[i].meta.span
                } else {
                    self.policy.access[i - na].meta.span
                };
                let (message, label) = if depth[i] > MAX_DEPENDENCY_DEPTH {
                    (
                        format!(
                            "{} depends on a chain of {} actions and access rules, more than {MAX_DEPENDENCY_DEPTH}",
                            node_name(&self.policy, i),
                            depth[i]
                        ),
                        "the chain through `can` and `also when` is too long",
                    )
                } else {
                    (
                        format!(
                            "{} expands to more than {MAX_EXPANSION} conditions through `can` and `also when`",
                            node_name(&self.policy, i)
                        ),
                        "evaluating this would take too long",
                    )
                };
                self.diags.push(
                    Diagnostic::error(Code::TooComplex, message)
                        .at(span, label)
                        .help("write the condition more directly: conditions that use the same action many times, or chains of actions each using the last, can usually be flattened"),
                );
            }
            for &u in &users[i] {
                pending[u] -= 1;
                if pending[u] == 0 {
                    ready.push(u);
                }
            }
        }
    }

    // ── data ──

    fn data(
        &mut self,
        users: &[&ast::UserDecl],
        resources: &[&ast::ResourceDecl],
        events: &[&ast::EventDecl],
    ) -> Data {
        let mut data = Data::default();
        for r in resources {
            if let Some(&id) = data.resource_ids.get(&r.id.text) {
                let first = data.resources[id.index()].meta.span;
                self.diags.push(duplicate("resource", &r.id, first));
                continue;
            }
            let id = ResourceId::from_index(data.resources.len());
            data.resource_ids.insert(r.id.text.clone(), id);
            data.resources.push(Resource {
                meta: meta(&r.id, &r.label, &r.doc),
                parent: None,
                details: r
                    .details
                    .iter()
                    .map(|(k, v)| (k.text.clone(), v.clone()))
                    .collect(),
            });
        }
        for r in resources {
            let (Some(p), Some(&id)) = (&r.parent, data.resource_ids.get(&r.id.text)) else {
                continue;
            };
            if !data.resources[id.index()].meta.span.same_place(&r.id.span) {
                continue;
            }
            match data.resource_ids.get(&p.text) {
                Some(&pid) => data.resources[id.index()].parent = Some(pid),
                None => self.diags.push(
                    names::unknown_data(&data, Kind::Resource, p)
                        .in_entry("resource", &r.id.text, "parent"),
                ),
            }
        }
        // sub-resource cycles: walk each chain at most n steps
        let n = data.resources.len();
        let mut reported = vec![false; n];
        for start in 0..n {
            let mut cur = data.resources[start].parent;
            let mut steps = 0;
            while let Some(p) = cur {
                if p.index() == start {
                    if !reported[start] {
                        let mut chain = vec![start];
                        let mut c = data.resources[start].parent;
                        while let Some(x) = c {
                            if x.index() == start {
                                break;
                            }
                            reported[x.index()] = true;
                            chain.push(x.index());
                            c = data.resources[x.index()].parent;
                        }
                        reported[start] = true;
                        let names: Vec<String> = chain
                            .iter()
                            .map(|&i| format!("`{}`", data.resources[i].meta.name))
                            .collect();
                        let message = if names.len() == 1 {
                            format!("resource {} is its own parent", names[0])
                        } else {
                            format!(
                                "resources {} are each other's sub-resources in a cycle",
                                names.join(", ")
                            )
                        };
                        self.diags.push(
                            Diagnostic::error(Code::BadData, message)
                            .at(data.resources[start].meta.span, "this resource is its own ancestor")
                            .help("a sub-resource's `in PARENT` chain must end at a top-level resource"),
                        );
                    }
                    break;
                }
                steps += 1;
                if steps > n {
                    break;
                }
                cur = data.resources[p.index()].parent;
            }
        }
        for e in events {
            if let Some(&id) = data.event_ids.get(&e.id.text) {
                let first = data.events[id.index()].meta.span;
                self.diags.push(duplicate("event", &e.id, first));
                continue;
            }
            let mut res = Vec::new();
            for r in &e.resources {
                match data.resource_ids.get(&r.text) {
                    Some(&rid) => {
                        if !res.contains(&rid) {
                            res.push(rid)
                        }
                    }
                    None => self
                        .diags
                        .push(names::unknown_data(&data, Kind::Resource, r)),
                }
            }
            let id = EventId::from_index(data.events.len());
            data.event_ids.insert(e.id.text.clone(), id);
            data.events.push(Event {
                meta: meta(&e.id, &e.label, &e.doc),
                resources: res,
            });
        }
        for u in users {
            if let Some(&id) = data.user_ids.get(&u.id.text) {
                let first = data.users[id.index()].meta.span;
                self.diags.push(duplicate("user", &u.id, first));
                continue;
            }
            let before = self.diags.len();
            let roles = u.roles.as_ref().map(|names| {
                names
                    .iter()
                    .filter_map(|n| self.role_ref(n).map(|r| (r, n.span)))
                    .collect()
            });
            self.tag_entry(before, &u.id.text, "roles");
            let before = self.diags.len();
            let grants = self.patterns(&u.grants);
            self.tag_entry(before, &u.id.text, "grant");
            let before = self.diags.len();
            let revokes = self.patterns(&u.revokes);
            self.tag_entry(before, &u.id.text, "revoke");
            let mut flags = Vec::new();
            for f in &u.flags {
                match self.policy.names.flags.get(&f.text) {
                    Some(&id) => flags.push((id, f.span)),
                    None => self.diags.push(
                        unknown(&self.policy, Kind::Flag, f).in_entry("user", &u.id.text, "flags"),
                    ),
                }
            }
            let mut access = Vec::new();
            for a in &u.access {
                let Some(&rid) = data.resource_ids.get(&a.resource.text) else {
                    self.diags.push(
                        names::unknown_data(&data, Kind::Resource, &a.resource)
                            .in_entry("user", &u.id.text, "access"),
                    );
                    continue;
                };
                for l in &a.levels {
                    match self.policy.names.access.get(&l.text) {
                        Some(&lid) => access.push((rid, lid, a.span)),
                        None => self.diags.push(
                            unknown(&self.policy, Kind::Access, l)
                                .in_entry("user", &u.id.text, "access"),
                        ),
                    }
                }
            }
            let id = UserId::from_index(data.users.len());
            data.user_ids.insert(u.id.text.clone(), id);
            data.users.push(User {
                meta: meta(&u.id, &u.label, &u.doc),
                roles,
                grants,
                revokes,
                flags,
                access,
                span: u.span,
            });
        }
        data
    }

    /// Names the user entry in the diagnostics added since `from`.
    fn tag_entry(&mut self, from: usize, user: &str, field: &str) {
        for d in &mut self.diags[from..] {
            *d = d.clone().in_entry("user", user, field);
        }
    }

    // ── tests ──

    fn test(
        &mut self,
        t: &ast::TestDecl,
        global: &Data,
        (users, resources, events): (&[&ast::UserDecl], &[&ast::ResourceDecl], &[&ast::EventDecl]),
    ) -> Test {
        let has_local = !(t.users.is_empty() && t.resources.is_empty() && t.events.is_empty());
        let local = if has_local {
            // the test's own declarations, then the global ones they do not shadow
            let mut ds = Diagnostics::new();
            let local_ids = |ids: Vec<&ast::Name>, kind: &str, ds: &mut Diagnostics| {
                let mut seen: HashMap<&str, Span> = HashMap::new();
                for id in ids {
                    if let Some(first) = seen.get(id.text.as_str()) {
                        ds.push(duplicate(kind, id, *first));
                    }
                    seen.entry(&id.text).or_insert(id.span);
                }
                seen.into_keys()
                    .map(str::to_string)
                    .collect::<std::collections::HashSet<_>>()
            };
            let lu = local_ids(t.users.iter().map(|u| &u.id).collect(), "user", &mut ds);
            let lr = local_ids(
                t.resources.iter().map(|u| &u.id).collect(),
                "resource",
                &mut ds,
            );
            let le = local_ids(t.events.iter().map(|u| &u.id).collect(), "event", &mut ds);
            self.diags.extend(ds);
            let us: Vec<&ast::UserDecl> = t
                .users
                .iter()
                .chain(users.iter().copied().filter(|u| !lu.contains(&u.id.text)))
                .collect();
            let rs: Vec<&ast::ResourceDecl> = t
                .resources
                .iter()
                .chain(
                    resources
                        .iter()
                        .copied()
                        .filter(|r| !lr.contains(&r.id.text)),
                )
                .collect();
            let es: Vec<&ast::EventDecl> = t
                .events
                .iter()
                .chain(events.iter().copied().filter(|e| !le.contains(&e.id.text)))
                .collect();
            // keep only what the test's own text causes (global data was checked once)
            let before = self.diags.len();
            let data = self.data(&us, &rs, &es);
            let mut kept = Vec::new();
            for d in self.diags.drain(before..) {
                let inside = d.primary.as_ref().is_some_and(|(s, _)| {
                    s.file == t.span.file && s.start >= t.span.start && s.end <= t.span.end
                });
                if inside && d.code != Code::Duplicate {
                    kept.push(d);
                }
            }
            self.diags.extend(kept);
            Some(data)
        } else {
            None
        };
        let data = local.as_ref().unwrap_or(global);
        let mut expects = Vec::new();
        for e in &t.expects {
            match e {
                ast::Expect::Can {
                    negated,
                    query,
                    span,
                } => match resolve_can(&self.policy, data, query) {
                    Ok(question) => expects.push(Expectation::Can {
                        negated: *negated,
                        question,
                        span: *span,
                    }),
                    Err(ds) => self.diags.extend(ds),
                },
                ast::Expect::Report {
                    query,
                    outcome,
                    span,
                } => {
                    let q = resolve_report_query(&self.policy, data, query);
                    let outcome = match outcome {
                        ast::ReportOutcome::Denied => Some(ExpectedReport::Denied),
                        ast::ReportOutcome::Empty => Some(ExpectedReport::Empty),
                        ast::ReportOutcome::Shows(rows) => {
                            let mut out = Vec::new();
                            let mut ok = true;
                            for (id, vis) in rows {
                                match data.resource_ids.get(&id.text) {
                                    Some(&rid) => out.push((rid, *vis)),
                                    None => {
                                        ok = false;
                                        self.diags.push(names::unknown_data(
                                            data,
                                            Kind::Resource,
                                            id,
                                        ));
                                    }
                                }
                            }
                            ok.then_some(ExpectedReport::Shows(out))
                        }
                    };
                    match (q, outcome) {
                        (Ok(question), Some(outcome)) => expects.push(Expectation::Report {
                            question,
                            outcome,
                            span: *span,
                        }),
                        (Err(ds), _) => self.diags.extend(ds),
                        _ => {}
                    }
                }
            }
        }
        Test {
            name: t.name.clone(),
            span: t.span,
            data: local,
            expects,
        }
    }
}

/// The longest chain of actions and access rules a condition may depend on.
pub const MAX_DEPENDENCY_DEPTH: usize = 64;
/// The most condition nodes one action or access rule may expand to.
pub const MAX_EXPANSION: u64 = 1_000_000;

/// Number of nodes in a condition tree (iterative).
fn cond_len(c: &Cond) -> usize {
    let mut n = 0;
    let mut stack = vec![c];
    while let Some(c) = stack.pop() {
        n += 1;
        match c {
            Cond::Or(xs, _) | Cond::And(xs, _) => stack.extend(xs.iter()),
            Cond::Not(x, _) => stack.push(x),
            _ => {}
        }
    }
    n
}

/// The rights a pattern matches (an error if it names no declared right).
pub fn expand_pattern(policy: &Policy, p: &ast::Pattern) -> Result<Vec<RightId>, Box<Diagnostic>> {
    match p {
        ast::Pattern::Exact(n) => match policy.names.rights.get(&n.text) {
            Some(&id) => Ok(vec![id]),
            None => Err(Box::new(unknown(policy, Kind::Right, n))),
        },
        ast::Pattern::Prefix(n) => {
            let prefix = format!("{}.", n.text);
            let sorted = &policy.names.rights_sorted;
            let start = sorted.partition_point(|(name, _)| name.as_str() < prefix.as_str());
            let ids: Vec<RightId> = sorted[start..]
                .iter()
                .take_while(|(name, _)| name.starts_with(&prefix))
                .map(|(_, id)| *id)
                .collect();
            if ids.is_empty() {
                let mut d = Diagnostic::error(
                    Code::EmptyPattern,
                    format!("`{}.*` matches no declared right", n.text),
                )
                .at(n.span, "no right starts with this prefix");
                let prefixes: Vec<String> = sorted
                    .iter()
                    .filter_map(|(name, _)| name.rsplit_once('.').map(|(p, _)| p.to_string()))
                    .collect();
                if let Some(h) =
                    crate::diag::did_you_mean(&n.text, prefixes.iter().map(|s| s.as_str()))
                {
                    d = d.help(h);
                } else {
                    d = d.help(format!(
                        "declare rights under `{}.` or remove the pattern",
                        n.text
                    ));
                }
                Err(Box::new(d))
            } else {
                Ok(ids)
            }
        }
        ast::Pattern::All(s) => {
            if policy.rights.is_empty() {
                Err(Box::new(
                    Diagnostic::error(Code::EmptyPattern, "`*` matches no declared right")
                        .at(*s, "there are no rights")
                        .help("declare rights with `right NAME \"Label\"`"),
                ))
            } else {
                Ok((0..policy.rights.len()).map(RightId::from_index).collect())
            }
        }
    }
}
