//! Pass 1: every policy name declared (rights, access levels, flags, roles,
//! actions, reports), duplicates and name clashes reported.

use super::model::*;
use super::{duplicate, meta, Resolver};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast;

impl Resolver {
    pub(super) fn declare(&mut self, items: &[&ast::Item]) {
        let mut default_block: Option<Span> = None;
        let mut group_spans: Vec<Span> = Vec::new();
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
                ast::Item::Access(d)
                    if d.label.is_none() && (d.also_when.is_some() || d.inherited) => {}
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
                ast::Item::Attribute(d) => {
                    if let Some(&id) = self.policy.names.attributes.get(&d.name.text) {
                        let first = self.policy.attributes[id.index()].meta.span;
                        self.diags.push(duplicate("attribute", &d.name, first));
                    } else {
                        let id = AttrId::from_index(self.policy.attributes.len());
                        self.policy.names.attributes.insert(d.name.text.clone(), id);
                        self.policy.attributes.push(Attribute {
                            meta: meta(&d.name, &d.label, &d.doc),
                        });
                    }
                }
                ast::Item::Context(d) => {
                    if let Some(&id) = self.policy.names.contexts.get(&d.name.text) {
                        let first = self.policy.contexts[id.index()].meta.span;
                        self.diags.push(duplicate("context fact", &d.name, first));
                    } else if self.policy.contexts.len() >= 64 {
                        self.diags.push(
                            Diagnostic::error(
                                Code::TooComplex,
                                format!("context fact `{}` is one too many", d.name.text),
                            )
                            .at(d.name.span, "the 65th context fact")
                            .help(
                                "a policy declares at most 64 context facts; combine some of them",
                            ),
                        );
                    } else {
                        let id = ContextId::from_index(self.policy.contexts.len());
                        self.policy.names.contexts.insert(d.name.text.clone(), id);
                        self.policy.contexts.push(ContextFact {
                            meta: meta(&d.name, &d.label, &d.doc),
                        });
                    }
                }
                ast::Item::Tag(d) => {
                    if let Some(&id) = self.policy.names.tags.get(&d.name.text) {
                        let first = self.policy.tags[id.index()].meta.span;
                        self.diags.push(duplicate("tag", &d.name, first));
                    } else {
                        let id = TagId::from_index(self.policy.tags.len());
                        self.policy.names.tags.insert(d.name.text.clone(), id);
                        self.policy.tags.push(Tag {
                            meta: meta(&d.name, &d.label, &d.doc),
                        });
                    }
                }
                // groups are data, but conditions name them: their ids are given here
                ast::Item::Group(d) => match self.policy.names.groups.get(&d.id.text) {
                    Some(&id) => {
                        let first = group_spans[id.index()];
                        self.diags.push(duplicate("group", &d.id, first));
                    }
                    None => {
                        let id = GroupId::from_index(group_spans.len());
                        self.policy.names.groups.insert(d.id.text.clone(), id);
                        group_spans.push(d.id.span);
                    }
                },
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
                            rows: RowsSource::Resources,
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
            .map(|(n, &id)| (n.to_string(), id))
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
                inherited: None,
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
}
