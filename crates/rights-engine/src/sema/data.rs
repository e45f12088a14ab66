//! Data: users, resources and events, written in `.rights` files or read from
//! JSON, resolved against the policy. [`extend`] adds to data that may already
//! hold entries (a REPL session adds one user without resolving 100,000 again);
//! resolving a whole model starts from empty data.

use super::define::{patterns, role_ref};
use super::model::*;
use super::names::{unknown, unknown_data, Kind};
use super::nesting::{groups, resource_cycles};
use super::{duplicate, meta};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast;
use std::collections::HashSet;
use std::sync::Arc;

/// The data declarations among a list of items, by kind.
#[derive(Default)]
pub(super) struct Decls<'a> {
    pub users: Vec<&'a ast::UserDecl>,
    pub resources: Vec<&'a ast::ResourceDecl>,
    pub events: Vec<&'a ast::EventDecl>,
    pub groups: Vec<&'a ast::GroupDecl>,
}

impl<'a> Decls<'a> {
    pub fn of(items: &[&'a ast::Item]) -> Decls<'a> {
        let mut d = Decls::default();
        for item in items {
            match item {
                ast::Item::User(u) => d.users.push(u),
                ast::Item::Resource(r) => d.resources.push(r),
                ast::Item::Event(e) => d.events.push(e),
                ast::Item::Group(g) => d.groups.push(g),
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
pub(super) fn listed_twice(what: &str, name: &ast::Name, first: crate::source::Span) -> Diagnostic {
    Diagnostic::warning(
        Code::Duplicate,
        format!("{what} `{}` is listed twice", name.text),
    )
    .at(name.span, "listed again here")
    .also(first, "first listed here")
    .help("it counts once: remove the second mention")
}

/// An empty data id (`user ""`): refused, as nothing could name it.
fn empty_id(kind: &str, id: &ast::Name) -> Option<Diagnostic> {
    id.text.is_empty().then(|| {
        Diagnostic::error(Code::BadData, format!("a {kind} with an empty id"))
            .at(id.span, "an empty id")
            .help(format!("give the {kind} a non-empty id"))
    })
}

/// What a declaration of an id the data already holds does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Again {
    /// It is declared twice: an error, the first declaration counts.
    Duplicate,
    /// It takes the place of the entry already there (a test's own data
    /// over the global data, §7): the entry keeps its id, so what refers to
    /// it by id refers to the new one. Declared twice among the new
    /// declarations is still an error.
    Replaces,
}

/// The ids of entries added or replaced by one [`extend_as`] that replaces
/// (`Again::Replaces`), by kind: a second declaration among them is
/// declared twice. (Where duplicates are errors there is nothing to record:
/// the functions below take `None`.)
#[derive(Default)]
struct Fresh {
    resources: HashSet<usize>,
    events: HashSet<usize>,
    users: HashSet<usize>,
}

/// Where a declaration of an id goes: `Some(None)` for a new entry,
/// `Some(Some(i))` in place of the entry at `i` (when `fresh`, the entries
/// replacing others, does not hold `i` yet), `None` when it is declared
/// twice (reported into `diags`, against the first's span `first` gives).
fn place(
    fresh: Option<&mut HashSet<usize>>,
    (kind, id): (&str, &ast::Name),
    existing: Option<usize>,
    first: impl Fn(usize) -> Span,
    diags: &mut Diagnostics,
) -> Option<Option<usize>> {
    match existing {
        None => Some(None),
        Some(i) if fresh.is_some_and(|f| f.insert(i)) => Some(Some(i)),
        Some(i) => {
            diags.push(duplicate(kind, id, first(i)));
            None
        }
    }
}

/// Puts an entry where [`place`] said: in place of the entry at `i`, or
/// after the others, named in their table (and recorded as fresh when the
/// entries replace others).
fn put<T, Id: Copy>(
    (entries, ids): (&mut Vec<T>, &mut Arc<NameMap<Id>>),
    (name, entry): (&str, T),
    at: Option<usize>,
    fresh: Option<&mut HashSet<usize>>,
    id_of: impl Fn(usize) -> Id,
) {
    match at {
        Some(i) => entries[i] = entry,
        None => {
            let i = entries.len();
            Arc::make_mut(ids).insert(name.to_string(), id_of(i));
            entries.push(entry);
            if let Some(f) = fresh {
                f.insert(i);
            }
        }
    }
}

/// Resolves data declarations and adds them to `data`, reporting into `diags`.
pub(super) fn extend(policy: &Policy, data: &mut Data, decls: &Decls, diags: &mut Diagnostics) {
    extend_as(policy, data, decls, Again::Duplicate, diags)
}

/// [`extend`], an id already in `data` handled as `again` says.
pub(super) fn extend_as(
    policy: &Policy,
    data: &mut Data,
    decls: &Decls,
    again: Again,
    diags: &mut Diagnostics,
) {
    for (kind, id) in decls
        .users
        .iter()
        .map(|u| ("user", &u.id))
        .chain(decls.resources.iter().map(|r| ("resource", &r.id)))
        .chain(decls.events.iter().map(|e| ("event", &e.id)))
        .chain(decls.groups.iter().map(|g| ("group", &g.id)))
    {
        diags.extend(empty_id(kind, id));
    }
    let mut fresh = (again == Again::Replaces).then(Fresh::default);
    let first_new_resource = data.resources.len();
    for r in &decls.resources {
        let existing = data.resource_ids.get(&r.id.text).map(|id| id.index());
        let first = |i: usize| data.resources[i].meta.span;
        let slot = fresh.as_mut().map(|f| &mut f.resources);
        let Some(at) = place(slot, ("resource", &r.id), existing, first, diags) else {
            continue;
        };
        let resource = Resource {
            meta: meta(&r.id, &r.label, &r.doc),
            parent: None,
            details: r
                .details
                .iter()
                .map(|(k, v)| (k.text.clone(), v.clone()))
                .collect(),
            tags: Vec::new(),
            role_access: Vec::new(),
            attributes: Vec::new(),
        };
        let slot = fresh.as_mut().map(|f| &mut f.resources);
        let list = (&mut data.resources, &mut data.resource_ids);
        put(
            list,
            (&r.id.text, Arc::new(resource)),
            at,
            slot,
            ResourceId::from_index,
        );
    }
    for r in &decls.resources {
        let Some(&id) = data.resource_ids.get(&r.id.text) else {
            continue;
        };
        if !data.resources[id.index()].meta.span.same_place(&r.id.span) {
            continue;
        }
        let (tags, role_access) = resource_extras(policy, r, diags);
        let mut found = Diagnostics::new();
        let attributes = attributes(policy, &r.attributes, &mut found);
        let f = field(r.from_json, "attribute", "attributes");
        diags.extend(
            found
                .into_iter()
                .map(|d| d.in_entry("resource", &r.id.text, f)),
        );
        let res = Arc::make_mut(&mut data.resources[id.index()]);
        res.tags = tags;
        res.role_access = role_access;
        res.attributes = attributes;
    }
    for r in &decls.resources {
        let (Some(p), Some(&id)) = (&r.parent, data.resource_ids.get(&r.id.text)) else {
            continue;
        };
        if !data.resources[id.index()].meta.span.same_place(&r.id.span) {
            continue;
        }
        match data.resource_ids.get(&p.text) {
            Some(&pid) => Arc::make_mut(&mut data.resources[id.index()]).parent = Some(pid),
            None => diags.push(
                unknown_data(data, Kind::Resource, p.into())
                    .in_entry("resource", &r.id.text, "parent"),
            ),
        }
    }
    match &fresh {
        None => {
            let new: Vec<usize> = (first_new_resource..data.resources.len()).collect();
            resource_cycles(data, &new, |i| i >= first_new_resource, diags);
        }
        Some(f) => {
            let mut new: Vec<usize> = f.resources.iter().copied().collect();
            new.sort_unstable();
            resource_cycles(data, &new, |i| f.resources.contains(&i), diags);
        }
    }
    if !decls.groups.is_empty() {
        groups(policy, data, &decls.groups, diags);
    }
    for e in &decls.events {
        let existing = data.event_ids.get(&e.id.text).map(|id| id.index());
        let first = |i: usize| data.events[i].meta.span;
        let slot = fresh.as_mut().map(|f| &mut f.events);
        let Some(at) = place(slot, ("event", &e.id), existing, first, diags) else {
            continue;
        };
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
        let event = Event {
            meta: meta(&e.id, &e.label, &e.doc),
            resources: res,
        };
        let slot = fresh.as_mut().map(|f| &mut f.events);
        let list = (&mut data.events, &mut data.event_ids);
        put(list, (&e.id.text, event), at, slot, EventId::from_index);
    }
    data.users.reserve(decls.users.len());
    for u in &decls.users {
        let resolve = |data: &Data| {
            let mut found = Diagnostics::new();
            (user(policy, data, u, &mut found), found)
        };
        let slot = fresh.as_mut().map(|f| &mut f.users);
        insert_user(data, u, slot, resolve, diags);
    }
}

/// Users resolved a batch at a time by [`extend_users`].
const USERS_AT_ONCE: usize = 4096;

/// The fewest users of a batch one thread resolves (fewer are not worth a
/// thread).
const USERS_A_THREAD: usize = 512;

/// Resolves users given by value after [`extend`], a batch at a time, each
/// batch's entries dropped once it is resolved: a lean load of a large data
/// file (`Workspace::load_to_answer`) never holds every entry's syntax
/// beside the whole model: it reads them a batch at a time.
/// A batch's users are resolved on every core (each entry on its own: only
/// the policy and the resources are read), then added in order: the same
/// checks, in the same order, as users in `decls`.
pub(super) fn extend_users(
    policy: &Policy,
    data: &mut Data,
    users: &mut impl super::UserBatches,
    diags: &mut Diagnostics,
) {
    data.users.reserve(users.count());
    Arc::make_mut(&mut data.user_ids).reserve(users.count());
    loop {
        let batch = users.next_batch(USERS_AT_ONCE);
        if batch.is_empty() {
            return;
        }
        let resolved = crate::cores::map_chunks(&batch, USERS_A_THREAD, |chunk| {
            chunk
                .iter()
                .map(|u| {
                    let mut found = Diagnostics::new();
                    (user(policy, data, u, &mut found), found)
                })
                .collect::<Vec<_>>()
        });
        for (u, resolved) in batch.iter().zip(resolved.into_iter().flatten()) {
            diags.extend(empty_id("user", &u.id));
            insert_user(data, u, None, |_| resolved, diags);
        }
    }
}

/// Adds the user `resolved` gives (with the problems found in its entry),
/// in place of the user of its id when users are replaced (`fresh`, as in
/// [`place`]), or reports `u` as declared twice and keeps the first (its
/// entry's own problems are then not reported).
fn insert_user(
    data: &mut Data,
    u: &ast::UserDecl,
    mut fresh: Option<&mut HashSet<usize>>,
    resolved: impl FnOnce(&Data) -> (User, Diagnostics),
    diags: &mut Diagnostics,
) {
    let existing = data.user_ids.get(&u.id.text).map(|id| id.index());
    let first = |i: usize| data.users[i].meta.span;
    let Some(at) = place(
        fresh.as_deref_mut(),
        ("user", &u.id),
        existing,
        first,
        diags,
    ) else {
        return;
    };
    let (user, found) = resolved(data);
    diags.extend(found);
    let list = (&mut data.users, &mut data.user_ids);
    put(
        list,
        (&u.id.text, Arc::new(user)),
        at,
        fresh,
        UserId::from_index,
    );
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
    let access = access_entries(policy, data, &u.access, &mut found);
    diags.extend(found.drain(..).map(|d| entry(d, "access")));
    let revoke_access = access_entries(policy, data, &u.revoke_access, &mut found);
    let f = field(u.from_json, "revoke access", "revoke_access");
    diags.extend(found.drain(..).map(|d| entry(d, f)));
    let groups = group_refs(policy, &u.groups, &mut found);
    diags.extend(found.drain(..).map(|d| entry(d, "groups")));
    let attributes = attributes(policy, &u.attributes, &mut found);
    let f = field(u.from_json, "attribute", "attributes");
    diags.extend(found.drain(..).map(|d| entry(d, f)));
    let windows = windows(u, &mut found);
    diags.extend(found.drain(..).map(|d| entry(d, "window")));
    User {
        meta: meta(&u.id, &u.label, &u.doc),
        roles,
        grants,
        revokes,
        flags,
        access,
        groups,
        revoke_access,
        attributes,
        windows,
        span: u.span,
    }
}

/// `attribute NAME "v", …` lines: each attribute once (a second line for
/// one adds its values, with a warning), an empty list not set (§9.7).
fn attributes(
    policy: &Policy,
    lines: &[ast::AttributeValues],
    diags: &mut Diagnostics,
) -> Vec<(AttrId, Vec<String>, Span)> {
    let mut out: Vec<(AttrId, Vec<String>, Span)> = Vec::new();
    for line in lines {
        let Some(&a) = policy.names.attributes.get(&line.name.text) else {
            diags.push(unknown(policy, Kind::Attribute, (&line.name).into()));
            continue;
        };
        let values = line.values.iter().map(|v| v.text.clone());
        match out.iter_mut().find(|(x, _, _)| *x == a) {
            Some((_, vs, first)) => {
                diags.push(listed_twice("attribute", &line.name, *first));
                for v in values {
                    if !vs.contains(&v) {
                        vs.push(v);
                    }
                }
            }
            None => {
                let mut vs: Vec<String> = Vec::new();
                for v in values {
                    if !vs.contains(&v) {
                        vs.push(v);
                    }
                }
                if !vs.is_empty() {
                    out.push((a, vs, line.name.span));
                }
            }
        }
    }
    out
}

/// A date as written, or a diagnostic.
pub(super) fn day(d: &ast::DateLit, diags: &mut Diagnostics) -> Option<Day> {
    match resolve_day(&d.text) {
        Ok(day) => Some(day),
        Err(e) => {
            diags.push(e.at(d.span, "not a day"));
            None
        }
    }
}

/// A day written `YYYY-MM-DD` (in a policy, a query or a JSON request's
/// `at`), or what is wrong with it (with no place: the caller knows it).
pub fn resolve_day(text: &str) -> Result<Day, Diagnostic> {
    Day::parse(text).map_err(|why| {
        Diagnostic::error(Code::BadDate, why)
            .help("write a day that exists, as YYYY-MM-DD: `2026-12-31`")
    })
}

/// A window as written (`from` after `until` is an error).
fn window(w: &ast::Window, diags: &mut Diagnostics) -> Option<Window> {
    let from = match &w.from {
        Some(d) => Some(day(d, diags)?),
        None => None,
    };
    let until = match &w.until {
        Some(d) => Some(day(d, diags)?),
        None => None,
    };
    if let (Some(f), Some(u)) = (from, until) {
        if f > u {
            diags.push(
                Diagnostic::error(
                    Code::BadDate,
                    format!("this window ends ({u}) before it begins ({f})"),
                )
                .at(w.span, "`from` is after `until`")
                .help("swap the dates, or correct the one that is wrong"),
            );
            return None;
        }
    }
    Some(Window { from, until })
}

/// The windows of a user's items, keyed by the span each item carries in
/// the model (a role's name, a pattern, an access entry, a group's id).
fn windows(u: &ast::UserDecl, diags: &mut Diagnostics) -> Vec<ItemWindow> {
    let mut out = Vec::new();
    for w in &u.windows {
        let span = match w.list {
            ast::Windowed::Roles => u
                .roles
                .as_ref()
                .and_then(|r| r.get(w.index))
                .map(|n| n.span),
            ast::Windowed::Groups => u.groups.get(w.index).map(|n| n.span),
            ast::Windowed::Grants => u.grants.get(w.index).map(|p| p.span()),
            ast::Windowed::Revokes => u.revokes.get(w.index).map(|p| p.span()),
            ast::Windowed::Access => u.access.get(w.index).map(|a| a.span),
            ast::Windowed::RevokeAccess => u.revoke_access.get(w.index).map(|a| a.span),
        };
        // each statement's window is checked once, at its first item
        let first = out
            .last()
            .is_none_or(|p: &ItemWindow| !p.at.same_place(&w.window.span));
        let Some(span) = span else { continue };
        let window = if first {
            window(&w.window, diags)
        } else {
            out.last().map(|p: &ItemWindow| p.window)
        };
        if let Some(window) = window {
            out.push(ItemWindow {
                list: w.list,
                span,
                window,
                at: w.window.span,
            });
        }
    }
    out
}

/// `RES: LEVEL, …` entries (a user's or group's access, a user's revoked
/// access), each level with the span of its entry; a level listed twice on one
/// resource is a warning.
pub(super) fn access_entries(
    policy: &Policy,
    data: &Data,
    entries: &[ast::AccessEntry],
    diags: &mut Diagnostics,
) -> Vec<(ResourceId, AccessId, Span)> {
    // sized at once: a user's access is kept as long as the model (room
    // left over by doubling was 6 of 16 entries a user on the large workload)
    let mut access = Vec::with_capacity(entries.iter().map(|a| a.levels.len()).sum());
    let mut seen: Vec<(AccessId, Span)> = Vec::new();
    for a in entries {
        let Some(&rid) = data.resource_ids.get(&a.resource.text) else {
            diags.push(unknown_data(data, Kind::Resource, (&a.resource).into()));
            continue;
        };
        seen.clear();
        for l in &a.levels {
            match policy.names.access.get(&l.text) {
                Some(&lid) => match seen.iter().find(|(x, _)| *x == lid) {
                    Some((_, first)) => diags.push(listed_twice("access level", l, *first)),
                    None => {
                        seen.push((lid, l.span));
                        access.push((rid, lid, a.span));
                    }
                },
                None => diags.push(unknown(policy, Kind::Access, l.into())),
            }
        }
    }
    access
}

/// Group names (a user's `groups`), each once.
fn group_refs(
    policy: &Policy,
    names: &[ast::Name],
    diags: &mut Diagnostics,
) -> Vec<(GroupId, Span)> {
    let mut out: Vec<(GroupId, Span)> = Vec::new();
    for n in names {
        match policy.names.groups.get(&n.text) {
            Some(&g) => match out.iter().find(|(x, _)| *x == g) {
                Some((_, first)) => diags.push(listed_twice("group", n, *first)),
                None => out.push((g, n.span)),
            },
            None => diags.push(unknown(policy, Kind::Group, n.into())),
        }
    }
    out
}

/// A resource's tags, and its `access for role` lines (role, level, line).
type Extras = (Vec<(TagId, Span)>, Vec<(RoleId, AccessId, Span)>);

/// A resource's tags and `access for role` lines.
fn resource_extras(policy: &Policy, r: &ast::ResourceDecl, diags: &mut Diagnostics) -> Extras {
    let entry = |d: Diagnostic, f: &str| d.in_entry("resource", &r.id.text, f);
    let mut tags: Vec<(TagId, Span)> = Vec::new();
    for n in &r.tags {
        match policy.names.tags.get(&n.text) {
            Some(&t) => match tags.iter().find(|(x, _)| *x == t) {
                Some((_, first)) => diags.push(entry(listed_twice("tag", n, *first), "tags")),
                None => tags.push((t, n.span)),
            },
            None => diags.push(entry(unknown(policy, Kind::Tag, n.into()), "tags")),
        }
    }
    let mut role_access = Vec::new();
    let f = field(r.from_json, "access for role", "role_access");
    for ra in &r.role_access {
        let mut found = Diagnostics::new();
        let Some(role) = role_ref(policy, &mut found, &ra.role) else {
            diags.extend(found.into_iter().map(|d| entry(d, f)));
            continue;
        };
        let mut seen: Vec<(AccessId, Span)> = Vec::new();
        for l in &ra.levels {
            match policy.names.access.get(&l.text) {
                Some(&lid) => match seen.iter().find(|(x, _)| *x == lid) {
                    Some((_, first)) => {
                        diags.push(entry(listed_twice("access level", l, *first), f))
                    }
                    None => {
                        seen.push((lid, l.span));
                        role_access.push((role, lid, ra.span));
                    }
                },
                None => diags.push(entry(unknown(policy, Kind::Access, l.into()), f)),
            }
        }
    }
    (tags, role_access)
}
