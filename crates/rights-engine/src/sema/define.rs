//! Pass 2: every body resolved: role parents, grants and `assigns`, default
//! lines, actions, denies, access rules and reports; conditions checked
//! against what their place allows.

use super::model::*;
use super::names::{unknown, Kind};
use super::{Allowed, Ctx, Resolver};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast;

impl Resolver {
    pub(super) fn define(&mut self, items: &[&ast::Item]) {
        for item in items {
            match item {
                ast::Item::Access(d) => {
                    if let (true, Some(&id)) =
                        (d.inherited, self.policy.names.access.get(&d.name.text))
                    {
                        let level = &mut self.policy.access[id.index()];
                        level.inherited = level.inherited.or(Some(d.span));
                    }
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
                                    allowed: Allowed::FlagGroup,
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
                ast::Item::DenyAccess(d) => {
                    let levels = match &d.levels {
                        None => (0..self.policy.access.len())
                            .map(AccessId::from_index)
                            .collect(),
                        Some(names) => names.iter().filter_map(|n| self.level_ref(n)).collect(),
                    };
                    let when = d.when.as_ref().map(|c| {
                        self.cond(
                            c,
                            Ctx {
                                resource: true,
                                allowed: Allowed::AccessDeny,
                                place: "an access deny condition",
                                access_help: "",
                            },
                        )
                    });
                    self.policy.access_denies.push(AccessDeny {
                        levels,
                        all: d.levels.is_none(),
                        when,
                        span: d.span,
                    });
                }
                ast::Item::Report(d) => self.define_report(d),
                _ => {}
            }
        }
    }

    /// An access level by name, reporting it when unknown.
    pub(super) fn level_ref(&mut self, name: &ast::Name) -> Option<AccessId> {
        match self.policy.names.access.get(&name.text) {
            Some(&id) => Some(id),
            None => {
                self.diags
                    .push(unknown(&self.policy, Kind::Access, name.into()));
                None
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
            let what = match &a.what {
                ast::AssignsWhat::Roles(names) => Assignable::Roles(
                    names
                        .as_ref()
                        .map(|ns| ns.iter().filter_map(|n| self.role_ref(n)).collect()),
                ),
                ast::AssignsWhat::Access(names) => Assignable::Access(
                    names
                        .as_ref()
                        .map(|ns| ns.iter().filter_map(|n| self.level_ref(n)).collect()),
                ),
            };
            let scope = match &a.scope {
                ast::AssignsScope::Anywhere => AssignsScope::Anywhere,
                ast::AssignsScope::When(c) => AssignsScope::When(self.cond(
                    c,
                    Ctx {
                        resource: false,
                        allowed: Allowed::All,
                        place: "`assigns … when` without `on resource`",
                        access_help: "the condition of `assigns … when` is about the assigning user alone; to depend on the resource, write `assigns … on resource when …`",
                    },
                )),
                ast::AssignsScope::OnResource(c) => AssignsScope::OnResource(c.as_ref().map(|c| {
                    self.cond(
                        c,
                        Ctx {
                            resource: true,
                            allowed: Allowed::All,
                            place: "`assigns … on resource when`",
                            access_help: "",
                        },
                    )
                })),
            };
            assigns.push(AssignsRule {
                what,
                scope,
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
                match r.source {
                    ast::RowsSource::Resources => RowsSource::Resources,
                    ast::RowsSource::Event => RowsSource::Event,
                },
                r.filter
                    .as_ref()
                    .map(|c| self.cond(c, per_resource("`rows … where`"))),
            ),
            None => (RowsSource::Resources, None),
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
        role_ref(&self.policy, &mut self.diags, name)
    }

    fn patterns(&mut self, pats: &[ast::Pattern]) -> Vec<RightSite> {
        patterns(&self.policy, &mut self.diags, pats)
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
                if ctx.allowed == Allowed::FlagGroup {
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
            ast::Cond::Group(n) => match self.policy.names.groups.get(&n.text) {
                Some(&id) => Cond::Group(id, n.span),
                None => self.unknown_in_cond(Kind::Group, n),
            },
            ast::Cond::Tag(n) => {
                if !matches!(ctx.allowed, Allowed::All | Allowed::AccessDeny) {
                    return self.not_allowed("tag", n, ctx);
                }
                if !ctx.resource {
                    return self.out_of_scope("tag", n, ctx);
                }
                match self.policy.names.tags.get(&n.text) {
                    Some(&id) => Cond::Tag(id, n.span),
                    None => self.unknown_in_cond(Kind::Tag, n),
                }
            }
            ast::Cond::Same(n) | ast::Cond::ResourceAttr(n, _) => {
                let what = if matches!(c, ast::Cond::Same(_)) {
                    "same"
                } else {
                    "resource"
                };
                if !matches!(ctx.allowed, Allowed::All | Allowed::AccessDeny) {
                    return self.not_allowed(what, n, ctx);
                }
                if !ctx.resource {
                    return self.out_of_scope(what, n, ctx);
                }
                let Some(&a) = self.policy.names.attributes.get(&n.text) else {
                    return self.unknown_in_cond(Kind::Attribute, n);
                };
                match c {
                    ast::Cond::ResourceAttr(_, v) => {
                        Cond::ResourceAttr(a, self.value(&v.text), n.span.to(v.span))
                    }
                    _ => Cond::Same(a, n.span),
                }
            }
            ast::Cond::UserAttr(n, v) => match self.policy.names.attributes.get(&n.text) {
                Some(&a) => Cond::UserAttr(a, self.value(&v.text), n.span.to(v.span)),
                None => self.unknown_in_cond(Kind::Attribute, n),
            },
            ast::Cond::Context(n) => {
                if ctx.allowed == Allowed::FlagGroup {
                    return self.not_allowed("context", n, ctx);
                }
                match self.policy.names.contexts.get(&n.text) {
                    Some(&id) => Cond::Context(id, n.span),
                    None => self.unknown_in_cond(Kind::Context, n),
                }
            }
            ast::Cond::Access(n) => {
                if ctx.allowed != Allowed::All {
                    return self.not_allowed("access", n, ctx);
                }
                if !ctx.resource {
                    return self.out_of_scope("access", n, ctx);
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

    /// The id of an attribute value a condition names (each value once).
    fn value(&mut self, text: &str) -> ValueId {
        if let Some(&id) = self.policy.names.values.get(text) {
            return id;
        }
        let id = ValueId::from_index(self.policy.values.len());
        self.policy.names.values.insert(text.to_string(), id);
        self.policy.values.push(text.to_string());
        id
    }

    /// `access X` or `tag X` where no resource is in scope.
    fn out_of_scope(&mut self, what: &str, n: &ast::Name, ctx: Ctx) -> Cond {
        let mut d = Diagnostic::error(
            Code::AccessOutOfScope,
            format!(
                "`{what} {}` needs a resource, and {} has none",
                n.text, ctx.place
            ),
        )
        .at(n.span, "no resource in scope here");
        if !ctx.access_help.is_empty() {
            d = d.help(ctx.access_help);
        }
        self.diags.push(d);
        Cond::Const(false, n.span)
    }

    fn not_allowed(&mut self, what: &str, n: &ast::Name, ctx: Ctx) -> Cond {
        let (allowed, why) = match ctx.allowed {
            Allowed::RoleFlag => (
                "`role`, `group`, `flag`, `user ATTR = \"v\"`, `context`, `not`, `and` and `or`",
                "so that whether a right is denied never depends on a right or a resource",
            ),
            Allowed::AccessDeny => (
                "`role`, `group`, `flag`, `tag`, attributes, `context`, `not`, `and` and `or`",
                "so that whether access is denied never depends on access or a right",
            ),
            _ => (
                "`flag`, `group`, `user ATTR = \"v\"`, `not`, `and` and `or`",
                "the default role is chosen from the user's flags and groups alone",
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
        self.diags.push(unknown(&self.policy, kind, n.into()));
        Cond::Const(false, n.span)
    }
}

/// A role by name, reporting it when unknown.
pub(super) fn role_ref(
    policy: &Policy,
    diags: &mut Diagnostics,
    name: &ast::Name,
) -> Option<RoleId> {
    match policy.names.roles.get(&name.text) {
        Some(&id) => Some(id),
        None => {
            diags.push(unknown(policy, Kind::Role, name.into()));
            None
        }
    }
}

/// Expands right patterns; reports unknown rights and patterns matching nothing.
pub(super) fn patterns(
    policy: &Policy,
    diags: &mut Diagnostics,
    patterns: &[ast::Pattern],
) -> Vec<RightSite> {
    let mut out = Vec::new();
    for p in patterns {
        match expand_pattern(policy, p) {
            Ok(ids) => {
                let exact = matches!(p, ast::Pattern::Exact(_));
                out.extend(ids.into_iter().map(|right| RightSite {
                    right,
                    span: p.span(),
                    exact,
                }))
            }
            Err(d) => diags.push(*d),
        }
    }
    out
}

/// The rights a pattern matches (an error if it names no declared right).
pub fn expand_pattern(policy: &Policy, p: &ast::Pattern) -> Result<Vec<RightId>, Box<Diagnostic>> {
    match p {
        ast::Pattern::Exact(n) => match policy.names.rights.get(&n.text) {
            Some(&id) => Ok(vec![id]),
            None => Err(Box::new(unknown(policy, Kind::Right, n.into()))),
        },
        ast::Pattern::Prefix(n) => {
            let ids = policy.rights_under(&n.text);
            let sorted = &policy.names.rights_sorted;
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
                if let Some(c) = crate::diag::closest(&n.text, prefixes.iter().map(|s| s.as_str()))
                {
                    d = d.help(format!("did you mean `{c}`?")).replace_with(c);
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
