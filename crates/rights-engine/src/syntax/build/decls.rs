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
                let mut inherited = false;
                for c in self.children(p) {
                    match c.as_rule() {
                        Rule::name => name = Some(self.name(&c)),
                        Rule::label => label = Some(self.label(c)?),
                        Rule::inherited => inherited = true,
                        Rule::also_when => also_when = Some(self.first_cond(c)?),
                        _ => return Err(self.shape_error(self.span(&c), "access")),
                    }
                }
                Item::Access(AccessDecl {
                    doc,
                    name: name.ok_or_else(|| self.shape_error(span, "access name"))?,
                    label,
                    inherited,
                    also_when,
                    span,
                })
            }
            Rule::attribute_decl | Rule::context_decl => {
                let attribute = p.as_rule() == Rule::attribute_decl;
                let (name, label) = self.name_label(p)?;
                let d = FlagDecl {
                    doc,
                    name,
                    label,
                    span,
                };
                if attribute {
                    Item::Attribute(d)
                } else {
                    Item::Context(d)
                }
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
            Rule::tag_decl => {
                let (name, label) = self.name_label(p)?;
                Item::Tag(TagDecl {
                    doc,
                    name,
                    label,
                    span,
                })
            }
            Rule::deny_access => {
                let mut levels = Some(Vec::new());
                let mut when = None;
                for c in self.children(p) {
                    match c.as_rule() {
                        Rule::all_pattern => levels = None,
                        Rule::name => {
                            if let Some(l) = levels.as_mut() {
                                l.push(self.name(&c))
                            }
                        }
                        Rule::cond => when = Some(self.cond(c)?),
                        _ => return Err(self.shape_error(self.span(&c), "deny access")),
                    }
                }
                Item::DenyAccess(DenyAccessDecl {
                    doc,
                    levels,
                    when,
                    span,
                })
            }
            Rule::group_decl => Item::Group(self.group(p, doc)?),
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
                            Rule::role_grant => {
                                for pat in self.children(stmt) {
                                    role.grants.push(self.pattern(pat)?);
                                }
                            }
                            Rule::assigns_stmt | Rule::assigns_access => {
                                role.assigns.push(self.assigns(stmt)?)
                            }
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
        let access = p.as_rule() == Rule::assigns_access;
        let mut names = Some(Vec::new());
        let mut scope = AssignsScope::Anywhere;
        for c in self.children(p) {
            match c.as_rule() {
                Rule::all_pattern => names = None,
                Rule::name => {
                    if let Some(r) = names.as_mut() {
                        r.push(self.name(&c))
                    }
                }
                Rule::assigns_scope => {
                    let cond = match self.children(c).into_iter().next() {
                        Some(cond) => Some(self.cond(cond)?),
                        None => None,
                    };
                    scope = AssignsScope::OnResource(cond);
                }
                Rule::assigns_when => scope = AssignsScope::When(self.first_cond(c)?),
                _ => return Err(self.shape_error(self.span(&c), "assigns")),
            }
        }
        Ok(Assigns {
            what: if access {
                AssignsWhat::Access(names)
            } else {
                AssignsWhat::Roles(names)
            },
            scope,
            span,
        })
    }

    /// `RES: LEVEL, …` in `access` (users, groups) and `revoke access`.
    fn access_entry(&self, stmt: Pair<'_, Rule>) -> PResult<(AccessEntry, Option<Window>)> {
        let aspan = self.span(&stmt);
        let (kids, window) = self.windowed(stmt);
        let mut it = kids.into_iter();
        let resource = self.data_id(self.next_of(&mut it, aspan)?)?;
        let levels = it.map(|n| self.name(&n)).collect();
        Ok((
            AccessEntry {
                resource,
                levels,
                span: aspan,
            },
            window,
        ))
    }

    pub(super) fn group(&self, p: Pair<'_, Rule>, doc: Doc) -> PResult<GroupDecl> {
        let span = self.span(&p);
        let mut g = GroupDecl {
            doc,
            id: Name {
                text: String::new(),
                span,
            },
            label: None,
            parent: None,
            roles: Vec::new(),
            access: Vec::new(),
            span,
            from_json: false,
        };
        for c in self.children(p) {
            match c.as_rule() {
                Rule::data_id => g.id = self.data_id(c)?,
                Rule::label => g.label = Some(self.label(c)?),
                Rule::group_parent => {
                    let cspan = self.span(&c);
                    let mut it = self.children(c).into_iter();
                    g.parent = Some(self.data_id(self.next_of(&mut it, cspan)?)?);
                }
                Rule::group_body => {
                    for stmt in self.children(c) {
                        match stmt.as_rule() {
                            Rule::group_roles => g
                                .roles
                                .extend(self.children(stmt).iter().map(|n| self.name(n))),
                            Rule::group_access => g.access.push(self.access_entry(stmt)?.0),
                            _ => return Err(self.shape_error(self.span(&stmt), "group body")),
                        }
                    }
                }
                _ => return Err(self.shape_error(self.span(&c), "group")),
            }
        }
        Ok(g)
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
            groups: Vec::new(),
            revoke_access: Vec::new(),
            attributes: Vec::new(),
            windows: Vec::new(),
            span,
            from_json: false,
        };
        for c in self.children(p) {
            match c.as_rule() {
                Rule::data_id => u.id = self.data_id(c)?,
                Rule::label => u.label = Some(self.label(c)?),
                Rule::user_body => {
                    for stmt in self.children(c) {
                        let rule = stmt.as_rule();
                        if rule == Rule::user_flags {
                            u.flags
                                .extend(self.children(stmt).iter().map(|n| self.name(n)));
                            continue;
                        }
                        if rule == Rule::attribute_stmt {
                            u.attributes.push(self.attribute_values(stmt)?);
                            continue;
                        }
                        let (list, before, window) = match rule {
                            Rule::user_roles => {
                                let (names, window) = self.windowed(stmt);
                                let roles = u.roles.get_or_insert_with(Vec::new);
                                let before = roles.len();
                                roles.extend(names.iter().map(|n| self.name(n)));
                                (Windowed::Roles, before, window)
                            }
                            Rule::grant_stmt | Rule::revoke_stmt => {
                                let (pats, window) = self.windowed(stmt);
                                let (list, into) = if rule == Rule::grant_stmt {
                                    (Windowed::Grants, &mut u.grants)
                                } else {
                                    (Windowed::Revokes, &mut u.revokes)
                                };
                                let before = into.len();
                                for pat in pats {
                                    into.push(self.pattern(pat)?);
                                }
                                (list, before, window)
                            }
                            Rule::user_access | Rule::revoke_access => {
                                let (entry, window) = self.access_entry(stmt)?;
                                let (list, into) = if rule == Rule::user_access {
                                    (Windowed::Access, &mut u.access)
                                } else {
                                    (Windowed::RevokeAccess, &mut u.revoke_access)
                                };
                                into.push(entry);
                                (list, into.len() - 1, window)
                            }
                            Rule::user_groups => {
                                let (ids, window) = self.windowed(stmt);
                                let before = u.groups.len();
                                for id in ids {
                                    u.groups.push(self.data_id(id)?);
                                }
                                (Windowed::Groups, before, window)
                            }
                            _ => return Err(self.shape_error(self.span(&stmt), "user body")),
                        };
                        if let Some(window) = window {
                            let after = match list {
                                Windowed::Roles => u.roles.as_ref().map_or(0, Vec::len),
                                Windowed::Grants => u.grants.len(),
                                Windowed::Revokes => u.revokes.len(),
                                Windowed::Groups => u.groups.len(),
                                Windowed::Access | Windowed::RevokeAccess => before + 1,
                            };
                            for index in before..after {
                                u.windows.push(ItemWindow {
                                    list,
                                    index,
                                    window: window.clone(),
                                });
                            }
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
            tags: Vec::new(),
            role_access: Vec::new(),
            attributes: Vec::new(),
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
                        match d.as_rule() {
                            Rule::detail_stmt => {
                                let mut it = self.children(d).into_iter();
                                let key = self.name(&self.next_of(&mut it, dspan)?);
                                let value = self.string(self.next_of(&mut it, dspan)?)?;
                                r.details.push((key, value));
                            }
                            Rule::attribute_stmt => r.attributes.push(self.attribute_values(d)?),
                            Rule::resource_tags => {
                                r.tags.extend(self.children(d).iter().map(|n| self.name(n)))
                            }
                            Rule::role_access => {
                                let mut it = self.children(d).into_iter();
                                let role = self.name(&self.next_of(&mut it, dspan)?);
                                let levels = it.map(|n| self.name(&n)).collect();
                                r.role_access.push(RoleAccess {
                                    role,
                                    levels,
                                    span: dspan,
                                });
                            }
                            _ => return Err(self.shape_error(dspan, "resource body")),
                        }
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
