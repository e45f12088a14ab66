//! Declarations: rights, access levels, flags, roles, default roles,
//! actions, denies, reports, users, resources and events.

use super::{Builder, PResult};
use crate::syntax::ast::*;
use crate::syntax::parse::Rule;
use pest::iterators::Pair;

impl<'t> Builder<'t> {
    pub(in crate::syntax) fn item(&self, p: Pair<'_, Rule>) -> PResult<Item> {
        let span = self.span(&p);
        let doc = self.doc_before(span.start as usize);
        Ok(match p.as_rule() {
            Rule::right_decl => {
                let (name, label) = self.name_label(p)?;
                Item::Right(RightDecl {
                    doc,
                    name,
                    label,
                    span,
                })
            }
            Rule::rights_group => {
                let mut it = self.children(p).into_iter();
                let prefix = self.name(&self.next_of(&mut it, span)?);
                let mut entries = Vec::new();
                for e in it {
                    let espan = self.span(&e);
                    let edoc = self.doc_before(espan.start as usize);
                    let (n, label) = self.name_label(e)?;
                    entries.push(RightDecl {
                        doc: edoc,
                        name: Name {
                            text: format!("{}.{}", prefix.text, n.text),
                            span: n.span,
                        },
                        label,
                        span: espan,
                    });
                }
                Item::Rights(RightsGroup {
                    doc,
                    prefix,
                    entries,
                    span,
                })
            }
            Rule::access_decl => {
                let mut name = None;
                let mut label = None;
                let mut also_when = None;
                for c in self.children(p) {
                    match c.as_rule() {
                        Rule::name => name = Some(self.name(&c)),
                        Rule::label => label = Some(self.label(c)?),
                        Rule::also_when => also_when = Some(self.first_cond(c)?),
                        _ => return Err(self.shape_error(self.span(&c), "access")),
                    }
                }
                Item::Access(AccessDecl {
                    doc,
                    name: name.ok_or_else(|| self.shape_error(span, "access name"))?,
                    label,
                    also_when,
                    span,
                })
            }
            Rule::flag_decl => {
                let (name, label) = self.name_label(p)?;
                Item::Flag(FlagDecl {
                    doc,
                    name,
                    label,
                    span,
                })
            }
            Rule::role_decl => Item::Role(self.role(p, doc)?),
            Rule::default_roles => {
                let mut lines = Vec::new();
                for line in self.children(p) {
                    let lspan = self.span(&line);
                    let mut it = self.children(line).into_iter();
                    let role = self.name(&self.next_of(&mut it, lspan)?);
                    let when = match it.next() {
                        Some(c) => Some(self.cond(c)?),
                        None => None,
                    };
                    lines.push(DefaultLine {
                        role,
                        when,
                        span: lspan,
                    });
                }
                Item::DefaultRoles(DefaultRoles { doc, lines, span })
            }
            Rule::action_decl => {
                let mut name = None;
                let mut label = None;
                let mut on_resource = false;
                let mut when = None;
                for c in self.children(p) {
                    match c.as_rule() {
                        Rule::name => name = Some(self.name(&c)),
                        Rule::label => label = Some(self.label(c)?),
                        Rule::on_resource => on_resource = true,
                        Rule::cond => when = Some(self.cond(c)?),
                        _ => return Err(self.shape_error(self.span(&c), "action")),
                    }
                }
                Item::Action(ActionDecl {
                    doc,
                    name: name.ok_or_else(|| self.shape_error(span, "action name"))?,
                    label,
                    on_resource,
                    when: when.ok_or_else(|| self.shape_error(span, "action condition"))?,
                    span,
                })
            }
            Rule::deny_decl => {
                let mut patterns = Vec::new();
                let mut when = None;
                for c in self.children(p) {
                    match c.as_rule() {
                        Rule::cond => when = Some(self.cond(c)?),
                        _ => patterns.push(self.pattern(c)?),
                    }
                }
                Item::Deny(DenyDecl {
                    doc,
                    patterns,
                    when,
                    span,
                })
            }
            Rule::report_decl => Item::Report(self.report(p, doc)?),
            Rule::user_decl => Item::User(self.user(p, doc)?),
            Rule::resource_decl => Item::Resource(self.resource(p, doc)?),
            Rule::event_decl => Item::Event(self.event(p, doc)?),
            Rule::test_decl => Item::Test(self.test(p, doc)?),
            _ => return Err(self.shape_error(span, "item")),
        })
    }

    pub(super) fn role(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<RoleDecl> {
        let span = self.span(&p);
        let mut role = RoleDecl {
            doc,
            name: Name {
                text: String::new(),
                span,
            },
            label: None,
            extends: Vec::new(),
            grants: Vec::new(),
            assigns: Vec::new(),
            span,
        };
        for c in self.children(p) {
            match c.as_rule() {
                Rule::name => role.name = self.name(&c),
                Rule::label => role.label = Some(self.label(c)?),
                Rule::extends_clause => {
                    role.extends = self.children(c).iter().map(|n| self.name(n)).collect()
                }
                Rule::role_body => {
                    for stmt in self.children(c) {
                        match stmt.as_rule() {
                            Rule::grant_stmt => {
                                for pat in self.children(stmt) {
                                    role.grants.push(self.pattern(pat)?);
                                }
                            }
                            Rule::assigns_stmt => role.assigns.push(self.assigns(stmt)?),
                            _ => return Err(self.shape_error(self.span(&stmt), "role body")),
                        }
                    }
                }
                _ => return Err(self.shape_error(self.span(&c), "role")),
            }
        }
        Ok(role)
    }

    pub(super) fn assigns(&self, p: Pair<'_, Rule>) -> PResult<Assigns> {
        let span = self.span(&p);
        let mut roles = Some(Vec::new());
        let mut on_resource_when = None;
        for c in self.children(p) {
            match c.as_rule() {
                Rule::all_pattern => roles = None,
                Rule::name => {
                    if let Some(r) = roles.as_mut() {
                        r.push(self.name(&c))
                    }
                }
                Rule::assigns_scope => on_resource_when = Some(self.first_cond(c)?),
                _ => return Err(self.shape_error(self.span(&c), "assigns")),
            }
        }
        Ok(Assigns {
            roles,
            on_resource_when,
            span,
        })
    }

    pub(super) fn report(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<ReportDecl> {
        let span = self.span(&p);
        let mut r = ReportDecl {
            doc,
            name: Name {
                text: String::new(),
                span,
            },
            label: None,
            requires: Vec::new(),
            rows: Vec::new(),
            details: Vec::new(),
            span,
        };
        for c in self.children(p) {
            match c.as_rule() {
                Rule::name => r.name = self.name(&c),
                Rule::label => r.label = Some(self.label(c)?),
                Rule::requires_clause => r.requires.push(self.first_cond(c)?),
                Rule::details_clause => r.details.push(self.first_cond(c)?),
                Rule::rows_clause => {
                    let cspan = self.span(&c);
                    let mut source = RowsSource::Resources;
                    let mut filter = None;
                    for part in self.children(c) {
                        match part.as_rule() {
                            Rule::rows_resources => source = RowsSource::Resources,
                            Rule::rows_event => source = RowsSource::Event,
                            Rule::rows_where => filter = Some(self.first_cond(part)?),
                            _ => return Err(self.shape_error(self.span(&part), "rows")),
                        }
                    }
                    r.rows.push(RowsClause {
                        source,
                        filter,
                        span: cspan,
                    });
                }
                _ => return Err(self.shape_error(self.span(&c), "report")),
            }
        }
        Ok(r)
    }

    pub(super) fn user(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<UserDecl> {
        let span = self.span(&p);
        let mut u = UserDecl {
            doc,
            id: Name {
                text: String::new(),
                span,
            },
            label: None,
            roles: None,
            grants: Vec::new(),
            revokes: Vec::new(),
            flags: Vec::new(),
            access: Vec::new(),
            span,
            from_json: false,
        };
        for c in self.children(p) {
            match c.as_rule() {
                Rule::data_id => u.id = self.data_id(c)?,
                Rule::label => u.label = Some(self.label(c)?),
                Rule::user_body => {
                    for stmt in self.children(c) {
                        match stmt.as_rule() {
                            Rule::user_roles => {
                                let names: Vec<Name> =
                                    self.children(stmt).iter().map(|n| self.name(n)).collect();
                                u.roles.get_or_insert_with(Vec::new).extend(names);
                            }
                            Rule::grant_stmt => {
                                for pat in self.children(stmt) {
                                    u.grants.push(self.pattern(pat)?);
                                }
                            }
                            Rule::revoke_stmt => {
                                for pat in self.children(stmt) {
                                    u.revokes.push(self.pattern(pat)?);
                                }
                            }
                            Rule::user_flags => u
                                .flags
                                .extend(self.children(stmt).iter().map(|n| self.name(n))),
                            Rule::user_access => {
                                let aspan = self.span(&stmt);
                                let mut it = self.children(stmt).into_iter();
                                let resource = self.data_id(self.next_of(&mut it, aspan)?)?;
                                let levels = it.map(|n| self.name(&n)).collect();
                                u.access.push(AccessEntry {
                                    resource,
                                    levels,
                                    span: aspan,
                                });
                            }
                            _ => return Err(self.shape_error(self.span(&stmt), "user body")),
                        }
                    }
                }
                _ => return Err(self.shape_error(self.span(&c), "user")),
            }
        }
        Ok(u)
    }

    pub(super) fn resource(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<ResourceDecl> {
        let span = self.span(&p);
        let mut r = ResourceDecl {
            doc,
            id: Name {
                text: String::new(),
                span,
            },
            label: None,
            parent: None,
            details: Vec::new(),
            span,
            from_json: false,
        };
        for c in self.children(p) {
            match c.as_rule() {
                Rule::data_id => r.id = self.data_id(c)?,
                Rule::label => r.label = Some(self.label(c)?),
                Rule::resource_parent => {
                    let cspan = self.span(&c);
                    let mut it = self.children(c).into_iter();
                    r.parent = Some(self.data_id(self.next_of(&mut it, cspan)?)?);
                }
                Rule::resource_body => {
                    for d in self.children(c) {
                        let dspan = self.span(&d);
                        let mut it = self.children(d).into_iter();
                        let key = self.name(&self.next_of(&mut it, dspan)?);
                        let value = self.string(self.next_of(&mut it, dspan)?)?;
                        r.details.push((key, value));
                    }
                }
                _ => return Err(self.shape_error(self.span(&c), "resource")),
            }
        }
        Ok(r)
    }

    pub(super) fn event(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<EventDecl> {
        let span = self.span(&p);
        let mut e = EventDecl {
            doc,
            id: Name {
                text: String::new(),
                span,
            },
            label: None,
            resources: Vec::new(),
            span,
            from_json: false,
        };
        for c in self.children(p) {
            match c.as_rule() {
                Rule::data_id => e.id = self.data_id(c)?,
                Rule::label => e.label = Some(self.label(c)?),
                Rule::event_body => {
                    for list in self.children(c) {
                        for id in self.children(list) {
                            e.resources.push(self.data_id(id)?);
                        }
                    }
                }
                _ => return Err(self.shape_error(self.span(&c), "event")),
            }
        }
        Ok(e)
    }
}
