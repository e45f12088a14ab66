//! Data: users, resources and events, written in `.rights` files or read from
//! JSON, resolved against the policy. [`extend`] adds to data that may already
//! hold entries (a REPL session adds one user without resolving 100,000 again);
//! resolving a whole model starts from empty data.

use super::define::{patterns, role_ref};
use super::model::*;
use super::names::{unknown, unknown_data, Kind};
use super::{duplicate, meta};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::syntax::ast;

/// The data declarations among a list of items, by kind.
#[derive(Default)]
pub(super) struct Decls<'a> {
    pub users: Vec<&'a ast::UserDecl>,
    pub resources: Vec<&'a ast::ResourceDecl>,
    pub events: Vec<&'a ast::EventDecl>,
}

impl<'a> Decls<'a> {
    pub fn of(items: &[&'a ast::Item]) -> Decls<'a> {
        let mut d = Decls::default();
        for item in items {
            match item {
                ast::Item::User(u) => d.users.push(u),
                ast::Item::Resource(r) => d.resources.push(r),
                ast::Item::Event(e) => d.events.push(e),
                _ => {}
            }
        }
        d
    }
}

/// The name of a field as the entry's own format writes it.
fn field(from_json: bool, rights: &'static str, json: &'static str) -> &'static str {
    if from_json {
        json
    } else {
        rights
    }
}

/// A warning for a name listed twice in one entry (it counts once).
fn listed_twice(what: &str, name: &ast::Name, first: crate::source::Span) -> Diagnostic {
    Diagnostic::warning(
        Code::Duplicate,
        format!("{what} `{}` is listed twice", name.text),
    )
    .at(name.span, "listed again here")
    .also(first, "first listed here")
    .help("it counts once: remove the second mention")
}

/// Resolves data declarations and adds them to `data`, reporting into `diags`.
pub(super) fn extend(policy: &Policy, data: &mut Data, decls: &Decls, diags: &mut Diagnostics) {
    let first_new_resource = data.resources.len();
    for r in &decls.resources {
        if let Some(&id) = data.resource_ids.get(&r.id.text) {
            let first = data.resources[id.index()].meta.span;
            diags.push(duplicate("resource", &r.id, first));
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
    for r in &decls.resources {
        let (Some(p), Some(&id)) = (&r.parent, data.resource_ids.get(&r.id.text)) else {
            continue;
        };
        if !data.resources[id.index()].meta.span.same_place(&r.id.span) {
            continue;
        }
        match data.resource_ids.get(&p.text) {
            Some(&pid) => data.resources[id.index()].parent = Some(pid),
            None => diags.push(
                unknown_data(data, Kind::Resource, p.into())
                    .in_entry("resource", &r.id.text, "parent"),
            ),
        }
    }
    resource_cycles(data, first_new_resource, diags);
    for e in &decls.events {
        if let Some(&id) = data.event_ids.get(&e.id.text) {
            let first = data.events[id.index()].meta.span;
            diags.push(duplicate("event", &e.id, first));
            continue;
        }
        let mut res: Vec<ResourceId> = Vec::new();
        let mut spans = Vec::new();
        for r in &e.resources {
            match data.resource_ids.get(&r.text) {
                Some(&rid) => match res.iter().position(|&x| x == rid) {
                    Some(k) => diags.push(listed_twice("resource", r, spans[k]).in_entry(
                        "event",
                        &e.id.text,
                        "resources",
                    )),
                    None => {
                        res.push(rid);
                        spans.push(r.span);
                    }
                },
                None => diags.push(unknown_data(data, Kind::Resource, r.into()).in_entry(
                    "event",
                    &e.id.text,
                    "resources",
                )),
            }
        }
        let id = EventId::from_index(data.events.len());
        data.event_ids.insert(e.id.text.clone(), id);
        data.events.push(Event {
            meta: meta(&e.id, &e.label, &e.doc),
            resources: res,
        });
    }
    for u in &decls.users {
        if let Some(&id) = data.user_ids.get(&u.id.text) {
            let first = data.users[id.index()].meta.span;
            diags.push(duplicate("user", &u.id, first));
            continue;
        }
        let user = user(policy, data, u, diags);
        let id = UserId::from_index(data.users.len());
        data.user_ids.insert(u.id.text.clone(), id);
        data.users.push(user);
    }
}

/// One user entry, every name in it resolved; problems name the entry and field.
fn user(policy: &Policy, data: &Data, u: &ast::UserDecl, diags: &mut Diagnostics) -> User {
    let entry = |d: Diagnostic, f: &str| d.in_entry("user", &u.id.text, f);
    let mut found = Diagnostics::new();
    let roles = u.roles.as_ref().map(|names| {
        let mut out: Vec<(RoleId, crate::source::Span)> = Vec::new();
        for n in names {
            if let Some(r) = role_ref(policy, &mut found, n) {
                match out.iter().find(|(x, _)| *x == r) {
                    Some((_, first)) => found.push(listed_twice("role", n, *first)),
                    None => out.push((r, n.span)),
                }
            }
        }
        out
    });
    diags.extend(found.drain(..).map(|d| entry(d, "roles")));
    let grants = patterns(policy, &mut found, &u.grants);
    let f = field(u.from_json, "grant", "grants");
    diags.extend(found.drain(..).map(|d| entry(d, f)));
    let revokes = patterns(policy, &mut found, &u.revokes);
    let f = field(u.from_json, "revoke", "revokes");
    diags.extend(found.drain(..).map(|d| entry(d, f)));
    let mut flags: Vec<(FlagId, crate::source::Span)> = Vec::new();
    for n in &u.flags {
        match policy.names.flags.get(&n.text) {
            Some(&id) => match flags.iter().find(|(x, _)| *x == id) {
                Some((_, first)) => diags.push(entry(listed_twice("flag", n, *first), "flags")),
                None => flags.push((id, n.span)),
            },
            None => diags.push(entry(unknown(policy, Kind::Flag, n.into()), "flags")),
        }
    }
    let mut access: Vec<(ResourceId, AccessId, crate::source::Span)> = Vec::new();
    let mut seen: Vec<(AccessId, crate::source::Span)> = Vec::new();
    for a in &u.access {
        let Some(&rid) = data.resource_ids.get(&a.resource.text) else {
            diags.push(entry(
                unknown_data(data, Kind::Resource, (&a.resource).into()),
                "access",
            ));
            continue;
        };
        seen.clear();
        for l in &a.levels {
            match policy.names.access.get(&l.text) {
                Some(&lid) => match seen.iter().find(|(x, _)| *x == lid) {
                    Some((_, first)) => {
                        diags.push(entry(listed_twice("access level", l, *first), "access"))
                    }
                    None => {
                        seen.push((lid, l.span));
                        access.push((rid, lid, a.span));
                    }
                },
                None => diags.push(entry(unknown(policy, Kind::Access, l.into()), "access")),
            }
        }
    }
    User {
        meta: meta(&u.id, &u.label, &u.doc),
        roles,
        grants,
        revokes,
        flags,
        access,
        span: u.span,
    }
}

/// Sub-resource cycles among the resources from `first` on (older ones were
/// checked when they were added, and cannot point at newer ones): each chain
/// is walked at most n steps.
fn resource_cycles(data: &Data, first: usize, diags: &mut Diagnostics) {
    let n = data.resources.len();
    let mut reported = vec![false; n];
    for start in first..n {
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
                    diags.push(
                        Diagnostic::error(Code::BadData, message)
                            .at(
                                data.resources[start].meta.span,
                                "this resource is its own ancestor",
                            )
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
}
