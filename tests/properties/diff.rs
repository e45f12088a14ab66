//! `rights diff` against brute force: every question of every user on every
//! resource asked under both versions.

use rights::diff::{Diff, On, What};
use rights::ir::{Program, RoleOrigin};
use rights::sema::model::*;
use std::collections::BTreeSet;

/// Resources a user is asked about one by one in `rights diff`: those with
/// tags, `access for role` or group access (in either version), and the
/// user's own. The rest answer alike, as "*".
fn special(p: &Program, q: &Program, user: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for prog in [p, q] {
        for r in &prog.data.resources {
            let grouped = prog.data.groups.iter().any(|g| {
                g.access
                    .iter()
                    .any(|(x, _, _)| prog.data.resources[x.index()].meta.name == r.meta.name)
            });
            if !r.tags.is_empty() || !r.role_access.is_empty() || grouped {
                out.insert(r.meta.name.clone());
            }
        }
        if let Some(&u) = prog.data.user_ids.get(user) {
            let d = &prog.data.users[u.index()];
            for (r, _, _) in d.access.iter().chain(d.revoke_access.iter()) {
                out.insert(prog.data.resources[r.index()].meta.name.clone());
            }
        }
    }
    out
}

fn vis(v: Option<Visibility>) -> &'static str {
    match v {
        None => "-",
        Some(Visibility::Full) => "full",
        Some(Visibility::NameOnly) => "name",
    }
}

/// (event, resource) pairs whose membership differs between the versions.
fn moved(p: &Program, q: &Program) -> BTreeSet<(String, String)> {
    let members = |x: &Program| -> BTreeSet<(String, String)> {
        x.data
            .events
            .iter()
            .flat_map(|e| {
                e.resources.iter().map(move |r| {
                    (
                        e.meta.name.clone(),
                        x.data.resources[r.index()].meta.name.clone(),
                    )
                })
            })
            .collect()
    };
    let (a, b) = (members(p), members(q));
    a.symmetric_difference(&b).cloned().collect()
}

/// Every answer of one user (by name) in one version, as text lines; rows
/// of `rows event` reports for the (event, resource) pairs in `moved`.
fn answers(
    p: &Program,
    user: &str,
    resources: &[(String, String)],
    moved: &BTreeSet<(String, String)>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(&u) = p.data.user_ids.get(user) else {
        return out;
    };
    let pol = &p.policy;
    for r in p.rights_of(u) {
        out.insert(format!("right {}", pol.right(r).meta.name));
    }
    for y in p.roles_of(u) {
        out.insert(format!("role {}", pol.role(y).meta.name));
    }
    for g in p.groups_of(u) {
        out.insert(format!("group {}", p.data.groups[g.index()].meta.name));
    }
    if let RoleOrigin::Default(i) = p.role_origin(u) {
        out.insert(format!(
            "default {}",
            pol.role(pol.default_roles[i].role).meta.name
        ));
    }
    for (i, rep) in pol.reports.iter().enumerate() {
        if p.may_run(u, ReportId::from_index(i)) {
            out.insert(format!("run {}", rep.meta.name));
        }
    }
    for (i, a) in pol.actions.iter().enumerate() {
        let id = ActionId::from_index(i);
        if !a.on_resource && p.action_holds(u, id, None) {
            out.insert(format!("action {}", a.meta.name));
        }
    }
    for (i, role) in pol.roles.iter().enumerate() {
        if p.may_assign(u, RoleId::from_index(i), None) {
            out.insert(format!("assign {}", role.meta.name));
        }
    }
    for (i, rep) in pol.reports.iter().enumerate() {
        let id = ReportId::from_index(i);
        if rep.rows != RowsSource::Event || !p.may_run(u, id) {
            continue;
        }
        for ev in &p.data.events {
            for &res in &ev.resources {
                let key = (
                    ev.meta.name.clone(),
                    p.data.resources[res.index()].meta.name.clone(),
                );
                if moved.contains(&key) && p.is_row(u, id, res) {
                    out.insert(format!(
                        "row {} for {} on {} {}",
                        rep.meta.name,
                        ev.meta.name,
                        p.data.resources[res.index()].meta.name,
                        vis(Some(p.visibility(u, id, res)))
                    ));
                }
            }
        }
    }
    for (name, shown) in resources {
        let Some(&res) = p.data.resource_ids.get(name.as_str()) else {
            continue;
        };
        for (i, a) in pol.actions.iter().enumerate() {
            if a.on_resource && p.action_holds(u, ActionId::from_index(i), Some(res)) {
                out.insert(format!("action {} on {shown}", a.meta.name));
            }
        }
        for (i, l) in pol.access.iter().enumerate() {
            let l_id = AccessId::from_index(i);
            if p.has_access(u, res, l_id) {
                out.insert(format!("access {} on {shown}", l.meta.name));
            }
            if p.may_assign_access(u, l_id, Some(res)) {
                out.insert(format!("assign_access {} on {shown}", l.meta.name));
            }
        }
        for (i, role) in pol.roles.iter().enumerate() {
            if p.may_assign(u, RoleId::from_index(i), Some(res)) {
                out.insert(format!("assign {} on {shown}", role.meta.name));
            }
        }
        for (i, rep) in pol.reports.iter().enumerate() {
            let id = ReportId::from_index(i);
            if p.may_run(u, id) && p.is_row(u, id, res) {
                out.insert(format!(
                    "row {} on {shown} {}",
                    rep.meta.name,
                    vis(Some(p.visibility(u, id, res)))
                ));
            }
        }
    }
    out
}

/// What brute force finds changed, as "+line" / "-line"; and whether every
/// plain resource of a user changed alike (the claim `rights diff` rests on).
pub fn brute(old: &Program, new: &Program) -> (BTreeSet<String>, bool) {
    let mut out = BTreeSet::new();
    let mut alike = true;
    for u in &old.data.users {
        let name = &u.meta.name;
        if !new.data.user_ids.contains_key(name.as_str()) {
            continue;
        }
        let sp = special(old, new, name);
        let both: Vec<String> = new
            .data
            .resources
            .iter()
            .map(|r| r.meta.name.clone())
            .filter(|r| old.data.resource_ids.contains_key(r.as_str()))
            .collect();
        // resources of one version only are asked about one by one
        let one_sided = new
            .data
            .resources
            .iter()
            .filter(|r| !old.data.resource_ids.contains_key(r.meta.name.as_str()))
            .chain(
                old.data
                    .resources
                    .iter()
                    .filter(|r| !new.data.resource_ids.contains_key(r.meta.name.as_str())),
            )
            .map(|r| (r.meta.name.clone(), r.meta.name.clone()));
        let named: Vec<(String, String)> = both
            .iter()
            .filter(|r| sp.contains(*r))
            .map(|r| (r.clone(), r.clone()))
            .chain(one_sided)
            .collect();
        let mv = moved(old, new);
        let (a, b) = (
            answers(old, name, &named, &mv),
            answers(new, name, &named, &mv),
        );
        for x in a.difference(&b) {
            out.insert(format!("{name} -{x}"));
        }
        for x in b.difference(&a) {
            out.insert(format!("{name} +{x}"));
        }
        // every plain resource, as "*": they must all change alike
        let mut first: Option<BTreeSet<String>> = None;
        for r in both.iter().filter(|r| !sp.contains(*r)) {
            let one = vec![(r.clone(), "*".to_string())];
            let none = BTreeSet::new();
            let (a, b) = (
                answers(old, name, &one, &none),
                answers(new, name, &one, &none),
            );
            let mut d = BTreeSet::new();
            for x in a.difference(&b) {
                if x.contains(" on *") {
                    d.insert(format!("{name} -{x}"));
                }
            }
            for x in b.difference(&a) {
                if x.contains(" on *") {
                    d.insert(format!("{name} +{x}"));
                }
            }
            match &first {
                None => first = Some(d),
                Some(f) => alike &= *f == d,
            }
        }
        out.extend(first.unwrap_or_default());
    }
    (out, alike)
}

/// What `rights diff` reports, in the same lines.
pub fn reported(d: &Diff) -> BTreeSet<String> {
    let on = |o: &On| match o {
        On::Resource(r) => r.clone(),
        On::Others(_) => "*".to_string(),
    };
    let mut out = BTreeSet::new();
    for c in &d.changes {
        let sign = if c.gained { "+" } else { "-" };
        let u = &c.user;
        match &c.what {
            What::Right(x) => {
                out.insert(format!("{u} {sign}right {x}"));
            }
            What::Role(x) => {
                out.insert(format!("{u} {sign}role {x}"));
            }
            What::Group(x) => {
                out.insert(format!("{u} {sign}group {x}"));
            }
            What::DefaultRole { before, after } => {
                if let Some(b) = before {
                    out.insert(format!("{u} -default {b}"));
                }
                if let Some(a) = after {
                    out.insert(format!("{u} +default {a}"));
                }
            }
            What::Run(x) => {
                out.insert(format!("{u} {sign}run {x}"));
            }
            What::Action { action, on: None } => {
                out.insert(format!("{u} {sign}action {action}"));
            }
            What::Action {
                action,
                on: Some(o),
            } => {
                out.insert(format!("{u} {sign}action {action} on {}", on(o)));
            }
            What::Access { level, on: o } => {
                out.insert(format!("{u} {sign}access {level} on {}", on(o)));
            }
            What::AssignAccess { level, on: o } => {
                out.insert(format!("{u} {sign}assign_access {level} on {}", on(o)));
            }
            What::Assign { role, on: None } => {
                out.insert(format!("{u} {sign}assign {role}"));
            }
            What::Assign { role, on: Some(o) } => {
                out.insert(format!("{u} {sign}assign {role} on {}", on(o)));
            }
            What::Row {
                report,
                on: o,
                event,
                before,
                after,
            } => {
                let ev = event
                    .as_deref()
                    .map(|e| format!(" for {e}"))
                    .unwrap_or_default();
                if before.is_some() {
                    out.insert(format!(
                        "{u} -row {report}{ev} on {} {}",
                        on(o),
                        vis(*before)
                    ));
                }
                if after.is_some() {
                    out.insert(format!(
                        "{u} +row {report}{ev} on {} {}",
                        on(o),
                        vis(*after)
                    ));
                }
            }
        }
    }
    out
}
