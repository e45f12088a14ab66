//! Every decision of every user, under both versions. Users, resources and
//! every policy name are matched by name; a name one version lacks is a
//! decision that is false there.

use super::causes::Changed;
use super::{Change, Diff, On, Version, What};
use crate::eval::explain::Reason;
use crate::ir::{Program, RoleOrigin};
use crate::sema::model::*;
use rustc_hash::FxHashSet;

/// Both versions of one user.
struct Pair<'a> {
    old: Version<'a>,
    new: Version<'a>,
    uo: UserId,
    un: UserId,
    name: &'a str,
    changed: &'a Changed,
}

/// The conditions a decision is taken on, as sites: an explanation cites
/// the facts a condition reads, and these add the condition's own lines (a
/// `details when` rewritten, a default-role line reordered).
fn condition_sites(prog: &Program, u: UserId, what: &What) -> Vec<Reason> {
    use crate::eval::explain::Fact;
    let p = &prog.policy;
    let site = |c: &Cond| Reason::new(true, Fact::Const(true)).at(c.span());
    let mut out = Vec::new();
    match what {
        What::Action { action, .. } => {
            if let Some(&a) = p.names.actions.get(action.as_str()) {
                out.push(site(&p.action(a).when));
            }
        }
        What::Run(r) | What::Row { report: r, .. } => {
            if let Some(&rep) = p.names.reports.get(r.as_str()) {
                let rep = p.report(rep);
                out.push(site(&rep.requires));
                if matches!(what, What::Row { .. }) {
                    out.extend(
                        rep.rows_where
                            .iter()
                            .chain(rep.details_when.iter())
                            .map(site),
                    );
                }
            }
        }
        What::Access { level, .. } => {
            if let Some(&l) = p.names.access.get(level.as_str()) {
                out.extend(p.access_level(l).also_when.iter().map(site));
            }
        }
        _ => {}
    }
    // the default-role line that gave the user a role
    if let RoleOrigin::Default(i) = prog.role_origin(u) {
        if let Some(line) = p.default_roles.get(i) {
            out.push(Reason::new(true, Fact::Const(true)).at(line.span));
        }
    }
    out
}

impl Pair<'_> {
    fn push(
        &self,
        out: &mut Vec<Change>,
        what: What,
        gained: bool,
        why: (Vec<Reason>, Vec<Reason>),
    ) {
        let (mut old, mut new) = why;
        old.extend(condition_sites(self.old.program, self.uo, &what));
        new.extend(condition_sites(self.new.program, self.un, &what));
        let causes = self.changed.causes(&self.old, &old, &self.new, &new);
        out.push(Change {
            user: self.name.to_string(),
            what,
            gained,
            causes,
        });
    }
}

/// The resources a user is asked about: those set apart by tags, `access for
/// role` or group access (in either version), the user's own (in either),
/// and one representative of the rest with how many it stands for.
fn resources_of(
    old: &Program,
    new: &Program,
    special: &[String],
    plain: &[String],
    p: &Pair,
) -> Vec<(String, On)> {
    let mut own: Vec<String> = Vec::new();
    for (prog, u) in [(old, p.uo), (new, p.un)] {
        if let Some(user) = prog.data.users.get(u.index()) {
            for (r, _, _) in user.access.iter().chain(user.revoke_access.iter()) {
                if let Some(res) = prog.data.resources.get(r.index()) {
                    if !own.contains(&res.meta.name) {
                        own.push(res.meta.name.clone());
                    }
                }
            }
        }
    }
    let mut out: Vec<(String, On)> = special
        .iter()
        .chain(own.iter().filter(|n| !special.contains(n)))
        .map(|n| (n.clone(), On::Resource(n.clone())))
        .collect();
    let rest: Vec<&String> = plain.iter().filter(|n| !own.contains(n)).collect();
    if let Some(first) = rest.first() {
        out.push(((*first).clone(), On::Others(rest.len())));
    }
    out
}

/// Compares the decisions of every user present in both versions.
pub(super) fn compare(old: Version, new: Version, changed: &Changed) -> Diff {
    let (po, pn) = (old.program, new.program);
    let mut d = Diff::default();
    for u in &pn.data.users {
        if !po.data.user_ids.contains_key(u.meta.name.as_str()) {
            d.users_added.push(u.meta.name.clone());
        }
    }
    for u in &po.data.users {
        if !pn.data.user_ids.contains_key(u.meta.name.as_str()) {
            d.users_removed.push(u.meta.name.clone());
        }
    }
    // resources in both, split into those set apart and the plain rest
    let set_apart = |p: &Program, r: &Resource| {
        !r.tags.is_empty()
            || !r.role_access.is_empty()
            || p.data.groups.iter().any(|g| {
                g.access.iter().any(|(x, _, _)| {
                    p.data
                        .resources
                        .get(x.index())
                        .is_some_and(|y| y.meta.name == r.meta.name)
                })
            })
    };
    let mut special = Vec::new();
    let mut plain = Vec::new();
    for r in &pn.data.resources {
        let Some(&ro) = po.data.resource_ids.get(r.meta.name.as_str()) else {
            continue;
        };
        let apart = set_apart(pn, r)
            || po
                .data
                .resources
                .get(ro.index())
                .is_some_and(|x| set_apart(po, x));
        if apart {
            special.push(r.meta.name.clone());
        } else {
            plain.push(r.meta.name.clone());
        }
    }
    let names = Names::of(po, pn);
    for u in &po.data.users {
        let (Some(&uo), Some(&un)) = (
            po.data.user_ids.get(u.meta.name.as_str()),
            pn.data.user_ids.get(u.meta.name.as_str()),
        ) else {
            continue;
        };
        let pair = Pair {
            old,
            new,
            uo,
            un,
            name: &u.meta.name,
            changed,
        };
        user_changes(&pair, &names, &special, &plain, &mut d.changes);
    }
    d
}

/// Every name of each kind, in either version (old order first).
struct Names {
    rights: Vec<String>,
    roles: Vec<String>,
    groups: Vec<String>,
    actions: Vec<String>,
    reports: Vec<String>,
    levels: Vec<String>,
    /// Roles some `assigns` rule of either version may hand out.
    assignable: Vec<String>,
}

impl Names {
    fn of(po: &Program, pn: &Program) -> Names {
        fn union<'a>(
            a: impl Iterator<Item = &'a str>,
            b: impl Iterator<Item = &'a str>,
        ) -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            let mut seen = FxHashSet::default();
            for x in a.chain(b) {
                if seen.insert(x) {
                    out.push(x.to_string());
                }
            }
            out
        }
        fn assignable(p: &Program) -> Vec<&str> {
            p.policy
                .roles
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    p.code()
                        .assigns
                        .iter()
                        .any(|a| !a.access && a.covers(p.code(), *i))
                })
                .map(|(_, r)| r.meta.name.as_str())
                .collect()
        }
        Names {
            rights: union(
                po.policy.rights.iter().map(|x| x.meta.name.as_str()),
                pn.policy.rights.iter().map(|x| x.meta.name.as_str()),
            ),
            roles: union(
                po.policy.roles.iter().map(|x| x.meta.name.as_str()),
                pn.policy.roles.iter().map(|x| x.meta.name.as_str()),
            ),
            groups: union(
                po.data.groups.iter().map(|x| x.meta.name.as_str()),
                pn.data.groups.iter().map(|x| x.meta.name.as_str()),
            ),
            actions: union(
                po.policy.actions.iter().map(|x| x.meta.name.as_str()),
                pn.policy.actions.iter().map(|x| x.meta.name.as_str()),
            ),
            reports: union(
                po.policy.reports.iter().map(|x| x.meta.name.as_str()),
                pn.policy.reports.iter().map(|x| x.meta.name.as_str()),
            ),
            levels: union(
                po.policy.access.iter().map(|x| x.meta.name.as_str()),
                pn.policy.access.iter().map(|x| x.meta.name.as_str()),
            ),
            assignable: union(assignable(po).into_iter(), assignable(pn).into_iter()),
        }
    }
}

fn user_changes(p: &Pair, n: &Names, special: &[String], plain: &[String], out: &mut Vec<Change>) {
    let (po, pn) = (p.old.program, p.new.program);
    // rights, roles and groups: sets, compared by name
    let rights = |prog: &Program, u: UserId| -> FxHashSet<String> {
        prog.rights_of(u)
            .into_iter()
            .map(|r| prog.policy.right(r).meta.name.clone())
            .collect()
    };
    let (ro, rn) = (rights(po, p.uo), rights(pn, p.un));
    for name in &n.rights {
        let (a, b) = (ro.contains(name), rn.contains(name));
        if a != b {
            let why = |prog: &Program, u: UserId| {
                prog.policy
                    .names
                    .rights
                    .get(name.as_str())
                    .map(|&r| vec![prog.explain_right(u, r)])
                    .unwrap_or_default()
            };
            p.push(
                out,
                What::Right(name.clone()),
                b,
                (why(po, p.uo), why(pn, p.un)),
            );
        }
    }
    let roles = |prog: &Program, u: UserId| -> FxHashSet<String> {
        prog.roles_of(u)
            .into_iter()
            .map(|r| prog.policy.role(r).meta.name.clone())
            .collect()
    };
    let (ro, rn) = (roles(po, p.uo), roles(pn, p.un));
    for name in &n.roles {
        let (a, b) = (ro.contains(name), rn.contains(name));
        if a != b {
            let why = |prog: &Program, u: UserId| {
                prog.policy
                    .names
                    .roles
                    .get(name.as_str())
                    .map(|&r| vec![prog.explain_role(u, r)])
                    .unwrap_or_default()
            };
            p.push(
                out,
                What::Role(name.clone()),
                b,
                (why(po, p.uo), why(pn, p.un)),
            );
        }
    }
    let groups = |prog: &Program, u: UserId| -> FxHashSet<String> {
        prog.groups_of(u)
            .into_iter()
            .filter_map(|g| prog.data.groups.get(g.index()).map(|x| x.meta.name.clone()))
            .collect()
    };
    let (go, gn) = (groups(po, p.uo), groups(pn, p.un));
    for name in &n.groups {
        let (a, b) = (go.contains(name), gn.contains(name));
        if a != b {
            let why = |prog: &Program, u: UserId| {
                prog.policy
                    .names
                    .groups
                    .get(name.as_str())
                    .map(|&g| vec![prog.explain_member(u, g)])
                    .unwrap_or_default()
            };
            p.push(
                out,
                What::Group(name.clone()),
                b,
                (why(po, p.uo), why(pn, p.un)),
            );
        }
    }
    // the default role
    let default = |prog: &Program, u: UserId| match prog.role_origin(u) {
        RoleOrigin::Default(i) => prog
            .policy
            .default_roles
            .get(i)
            .map(|l| (l.role, prog.policy.role(l.role).meta.name.clone())),
        _ => None,
    };
    let (dfo, dfn) = (default(po, p.uo), default(pn, p.un));
    if dfo.as_ref().map(|x| &x.1) != dfn.as_ref().map(|x| &x.1) {
        let why = |prog: &Program, u: UserId, d: &Option<(RoleId, String)>| {
            d.as_ref()
                .map(|(r, _)| vec![prog.explain_role(u, *r)])
                .unwrap_or_default()
        };
        p.push(
            out,
            What::DefaultRole {
                before: dfo.as_ref().map(|x| x.1.clone()),
                after: dfn.as_ref().map(|x| x.1.clone()),
            },
            dfn.is_some(),
            (why(po, p.uo, &dfo), why(pn, p.un, &dfn)),
        );
    }
    // questions for the user alone
    let can = |prog: &Program, u: UserId, target: Option<Target>, on: Option<ResourceId>| {
        target.map(|t| {
            prog.can(&CanQ {
                user: u,
                target: t,
                on,
            })
        })
    };
    let reasons = |prog: &Program, u: UserId, target: Option<Target>, on: Option<ResourceId>| {
        target
            .map(|t| {
                prog.reasons(&CanQ {
                    user: u,
                    target: t,
                    on,
                })
                .reasons
            })
            .unwrap_or_default()
    };
    let action = |prog: &Program, name: &str| prog.policy.names.actions.get(name).copied();
    let report = |prog: &Program, name: &str| prog.policy.names.reports.get(name).copied();
    let level = |prog: &Program, name: &str| prog.policy.names.access.get(name).copied();
    let role = |prog: &Program, name: &str| prog.policy.names.roles.get(name).copied();
    let scoped = |name: &str| {
        [po, pn]
            .iter()
            .any(|prog| action(prog, name).is_some_and(|a| prog.policy.action(a).on_resource))
    };
    let ask = |what: What,
               to: &dyn Fn(&Program) -> Option<Target>,
               ro: Option<ResourceId>,
               rn: Option<ResourceId>,
               out: &mut Vec<Change>| {
        let (a, b) = (
            can(po, p.uo, to(po), ro).unwrap_or(false),
            can(pn, p.un, to(pn), rn).unwrap_or(false),
        );
        if a != b {
            let why = (reasons(po, p.uo, to(po), ro), reasons(pn, p.un, to(pn), rn));
            p.push(out, what, b, why);
        }
    };
    for name in &n.actions {
        if !scoped(name) {
            let to = |prog: &Program| action(prog, name).map(Target::Action);
            ask(
                What::Action {
                    action: name.clone(),
                    on: None,
                },
                &to,
                None,
                None,
                out,
            );
        }
    }
    for name in &n.reports {
        let (a, b) = (
            report(po, name).is_some_and(|r| po.may_run(p.uo, r)),
            report(pn, name).is_some_and(|r| pn.may_run(p.un, r)),
        );
        if a != b {
            let to = |prog: &Program| report(prog, name).map(Target::Run);
            let why = (
                reasons(po, p.uo, to(po), None),
                reasons(pn, p.un, to(pn), None),
            );
            p.push(out, What::Run(name.clone()), b, why);
        }
    }
    for name in &n.assignable {
        let to = |prog: &Program| {
            role(prog, name).map(|role| Target::Assign {
                role,
                to: UserId(0),
            })
        };
        ask(
            What::Assign {
                role: name.clone(),
                on: None,
            },
            &to,
            None,
            None,
            out,
        );
    }
    // questions on resources
    for (rname, on) in resources_of(po, pn, special, plain, p) {
        let ro = po.data.resource_ids.get(rname.as_str()).copied();
        let rn = pn.data.resource_ids.get(rname.as_str()).copied();
        for name in &n.actions {
            if scoped(name) {
                let to = |prog: &Program| action(prog, name).map(Target::Action);
                let what = What::Action {
                    action: name.clone(),
                    on: Some(on.clone()),
                };
                ask(what, &to, ro, rn, out);
            }
        }
        for name in &n.levels {
            let to = |prog: &Program| level(prog, name).map(Target::Access);
            ask(
                What::Access {
                    level: name.clone(),
                    on: on.clone(),
                },
                &to,
                ro,
                rn,
                out,
            );
            let to = |prog: &Program| {
                level(prog, name).map(|level| Target::AssignAccess {
                    level,
                    to: UserId(0),
                })
            };
            ask(
                What::AssignAccess {
                    level: name.clone(),
                    on: on.clone(),
                },
                &to,
                ro,
                rn,
                out,
            );
        }
        for name in &n.assignable {
            let to = |prog: &Program| {
                role(prog, name).map(|role| Target::Assign {
                    role,
                    to: UserId(0),
                })
            };
            ask(
                What::Assign {
                    role: name.clone(),
                    on: Some(on.clone()),
                },
                &to,
                ro,
                rn,
                out,
            );
        }
        for name in &n.reports {
            let row = |prog: &Program, u: UserId, r: Option<ResourceId>| {
                let (Some(rep), Some(res)) = (report(prog, name), r) else {
                    return None;
                };
                (prog.may_run(u, rep) && prog.is_row(u, rep, res))
                    .then(|| prog.visibility(u, rep, res))
            };
            let (before, after) = (row(po, p.uo, ro), row(pn, p.un, rn));
            if before != after {
                let why = |prog: &Program, u: UserId, r: Option<ResourceId>| {
                    let (Some(rep), Some(res)) = (report(prog, name), r) else {
                        return Vec::new();
                    };
                    let mut v = prog
                        .reasons(&CanQ {
                            user: u,
                            target: Target::Run(rep),
                            on: Some(res),
                        })
                        .reasons;
                    v.extend(prog.details_reasons(u, rep, res));
                    v
                };
                let gained = match (before, after) {
                    (None, Some(_)) => true,
                    (Some(_), None) => false,
                    (b, a) => a == Some(Visibility::Full) && b != a,
                };
                let what = What::Row {
                    report: name.clone(),
                    on: on.clone(),
                    before,
                    after,
                };
                p.push(out, what, gained, (why(po, p.uo, ro), why(pn, p.un, rn)));
            }
        }
    }
}
