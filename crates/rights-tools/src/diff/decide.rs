//! Every decision of every user, under both versions. Users, resources and
//! every policy name are matched by name; a name one version lacks is a
//! decision that is false there.

use super::causes::Changed;
use super::events::{event_rows, Moved};
use super::resources::Resources;
use super::{Change, Diff, On, UserSummary, Version, What};
use crate::eval::explain::Reason;
use crate::ir::{Program, RoleOrigin};
use crate::sema::model::*;
use rustc_hash::FxHashSet;

/// Both versions of one user.
pub(super) struct Pair<'a> {
    pub(super) old: Version<'a>,
    pub(super) new: Version<'a>,
    pub(super) uo: UserId,
    pub(super) un: UserId,
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
                // the event whose resources changed
                if let What::Row { event: Some(e), .. } = what {
                    let d = &prog.data;
                    if let Some(ev) = d
                        .event_ids
                        .get(e.as_str())
                        .and_then(|i| d.events.get(i.index()))
                    {
                        out.push(Reason::new(true, Fact::Const(true)).at(ev.meta.span));
                    }
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
    // the `extends` of the user's roles: a role hierarchy changed is a cause
    for r in prog.roles_of(u) {
        for (_, span) in &p.role(r).parents {
            out.push(Reason::new(true, Fact::Const(true)).at(*span));
        }
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
    pub(super) fn push(
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

/// Compares the decisions of every user present in both versions.
pub(super) fn compare(old: Version, new: Version, changed: &Changed) -> Diff {
    let (po, pn) = (old.program, new.program);
    let mut d = Diff::default();
    for (i, u) in pn.data.users.iter().enumerate() {
        if !po.data.user_ids.contains_key(u.meta.name.as_str()) {
            d.users_added
                .push(UserSummary::of(pn, UserId::from_index(i)));
        }
    }
    for (i, u) in po.data.users.iter().enumerate() {
        if !pn.data.user_ids.contains_key(u.meta.name.as_str()) {
            d.users_removed
                .push(UserSummary::of(po, UserId::from_index(i)));
        }
    }
    let resources = Resources::of(po, pn);
    let names = Names::of(po, pn);
    let moved = Moved::of(po, pn);
    // where only role grants, denies or default-role lines differ, a user
    // whose rows are the same under both decides everything alike
    let same_conditions = po.same_conditions(pn);
    for (i, u) in po.data.users.iter().enumerate() {
        let Some(&un) = pn.data.user_ids.get(u.meta.name.as_str()) else {
            continue;
        };
        let pair = Pair {
            old,
            new,
            uo: UserId::from_index(i),
            un,
            name: &u.meta.name,
            changed,
        };
        if !(same_conditions && po.same_user(UserId::from_index(i), pn, un)) {
            user_changes(&pair, &names, &resources, &mut d.changes);
        }
        // (the same user, and the same rows, but an event's resources changed)
        event_rows(&pair, &names, &moved, &mut d.changes);
    }
    d
}

/// The names of one kind in either version (old order first), and each
/// version's ids mapped to their place in that list.
struct Union {
    names: Vec<String>,
    old: Vec<usize>,
    new: Vec<usize>,
}

impl Union {
    fn of<'a>(old: impl Iterator<Item = &'a str>, new: impl Iterator<Item = &'a str>) -> Union {
        let mut names: Vec<String> = Vec::new();
        let mut at: rustc_hash::FxHashMap<&str, usize> = Default::default();
        let mut place = |x: &'a str, names: &mut Vec<String>| {
            *at.entry(x).or_insert_with(|| {
                names.push(x.to_string());
                names.len() - 1
            })
        };
        let old: Vec<usize> = old.map(|x| place(x, &mut names)).collect();
        let new: Vec<usize> = new.map(|x| place(x, &mut names)).collect();
        Union { names, old, new }
    }

    /// The names held in exactly one version (by the ids each holds), in
    /// order, each with whether the new version holds it.
    fn changed(
        &self,
        old: impl Iterator<Item = usize>,
        new: impl Iterator<Item = usize>,
    ) -> Vec<(&str, bool)> {
        let mut a: Vec<usize> = old.filter_map(|i| self.old.get(i).copied()).collect();
        let mut b: Vec<usize> = new.filter_map(|i| self.new.get(i).copied()).collect();
        a.sort_unstable();
        b.sort_unstable();
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while i < a.len() || j < b.len() {
            match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) if x == y => {
                    i += 1;
                    j += 1;
                }
                (Some(x), Some(y)) if x < y => {
                    out.push((*x, false));
                    i += 1;
                }
                (Some(_), Some(y)) => {
                    out.push((*y, true));
                    j += 1;
                }
                (Some(x), None) => {
                    out.push((*x, false));
                    i += 1;
                }
                (None, Some(y)) => {
                    out.push((*y, true));
                    j += 1;
                }
                (None, None) => break,
            }
        }
        out.sort_unstable();
        out.into_iter()
            .filter_map(|(k, held)| self.names.get(k).map(|n| (n.as_str(), held)))
            .collect()
    }
}

/// A name of one kind with its id in each version (if it has it).
pub(super) struct Both<T> {
    pub(super) name: String,
    pub(super) old: Option<T>,
    pub(super) new: Option<T>,
}

/// Every name of each kind, in either version (old order first).
pub(super) struct Names {
    rights: Union,
    roles: Union,
    groups: Union,
    /// Actions, and whether each is decided per resource (in either).
    actions: Vec<(Both<ActionId>, bool)>,
    pub(super) reports: Vec<Both<ReportId>>,
    levels: Vec<Both<AccessId>>,
    /// Roles some `assigns` rule of either version may hand out.
    assignable: Vec<Both<RoleId>>,
}

fn both<T: Copy>(
    old: impl Iterator<Item = String>,
    new: impl Iterator<Item = String>,
    find_old: impl Fn(&str) -> Option<T>,
    find_new: impl Fn(&str) -> Option<T>,
) -> Vec<Both<T>> {
    let mut out: Vec<Both<T>> = Vec::new();
    let mut seen = FxHashSet::default();
    for name in old.chain(new) {
        if seen.insert(name.clone()) {
            out.push(Both {
                old: find_old(&name),
                new: find_new(&name),
                name,
            });
        }
    }
    out
}

impl Names {
    fn of(po: &Program, pn: &Program) -> Names {
        let assignable = |p: &Program| -> Vec<String> {
            p.policy
                .roles
                .iter()
                .enumerate()
                .filter(|(i, _)| p.assignable(RoleId::from_index(*i)))
                .map(|(_, r)| r.meta.name.clone())
                .collect()
        };
        let names = |v: &[Meta]| v.iter().map(|m| m.name.clone()).collect::<Vec<_>>();
        let metas = |p: &Program| {
            (
                p.policy
                    .actions
                    .iter()
                    .map(|x| x.meta.clone())
                    .collect::<Vec<_>>(),
                p.policy
                    .reports
                    .iter()
                    .map(|x| x.meta.clone())
                    .collect::<Vec<_>>(),
                p.policy
                    .access
                    .iter()
                    .map(|x| x.meta.clone())
                    .collect::<Vec<_>>(),
            )
        };
        let ((ao, ro, lo), (an, rn, ln)) = (metas(po), metas(pn));
        let (no, nn) = (&po.policy.names, &pn.policy.names);
        let actions = both(
            names(&ao).into_iter(),
            names(&an).into_iter(),
            |x| no.actions.get(x).copied(),
            |x| nn.actions.get(x).copied(),
        )
        .into_iter()
        .map(|b| {
            let scoped = b.old.is_some_and(|a| po.policy.action(a).on_resource)
                || b.new.is_some_and(|a| pn.policy.action(a).on_resource);
            (b, scoped)
        })
        .collect();
        Names {
            rights: Union::of(
                po.policy.rights.iter().map(|x| x.meta.name.as_str()),
                pn.policy.rights.iter().map(|x| x.meta.name.as_str()),
            ),
            roles: Union::of(
                po.policy.roles.iter().map(|x| x.meta.name.as_str()),
                pn.policy.roles.iter().map(|x| x.meta.name.as_str()),
            ),
            groups: Union::of(
                po.data.groups.iter().map(|x| x.meta.name.as_str()),
                pn.data.groups.iter().map(|x| x.meta.name.as_str()),
            ),
            actions,
            reports: both(
                names(&ro).into_iter(),
                names(&rn).into_iter(),
                |x| no.reports.get(x).copied(),
                |x| nn.reports.get(x).copied(),
            ),
            levels: both(
                names(&lo).into_iter(),
                names(&ln).into_iter(),
                |x| no.access.get(x).copied(),
                |x| nn.access.get(x).copied(),
            ),
            assignable: both(
                assignable(po).into_iter(),
                assignable(pn).into_iter(),
                |x| no.roles.get(x).copied(),
                |x| nn.roles.get(x).copied(),
            ),
        }
    }
}

fn user_changes(p: &Pair, n: &Names, res: &Resources, out: &mut Vec<Change>) {
    let (po, pn) = (p.old.program, p.new.program);
    // rights, roles and groups: sets, compared by name
    let changed_rights = n.rights.changed(
        po.rights_of(p.uo).into_iter().map(|r| r.index()),
        pn.rights_of(p.un).into_iter().map(|r| r.index()),
    );
    for (name, b) in changed_rights {
        let why = |prog: &Program, u: UserId| {
            prog.policy
                .names
                .rights
                .get(name)
                .map(|&r| vec![prog.explain_right(u, r)])
                .unwrap_or_default()
        };
        p.push(
            out,
            What::Right(name.to_string()),
            b,
            (why(po, p.uo), why(pn, p.un)),
        );
    }
    let changed_roles = n.roles.changed(
        po.roles_of(p.uo).into_iter().map(|r| r.index()),
        pn.roles_of(p.un).into_iter().map(|r| r.index()),
    );
    for (name, b) in changed_roles {
        let why = |prog: &Program, u: UserId| {
            prog.policy
                .names
                .roles
                .get(name)
                .map(|&r| vec![prog.explain_role(u, r)])
                .unwrap_or_default()
        };
        p.push(
            out,
            What::Role(name.to_string()),
            b,
            (why(po, p.uo), why(pn, p.un)),
        );
    }
    let changed_groups = n.groups.changed(
        po.groups_of(p.uo).into_iter().map(|g| g.index()),
        pn.groups_of(p.un).into_iter().map(|g| g.index()),
    );
    for (name, b) in changed_groups {
        let why = |prog: &Program, u: UserId| {
            prog.policy
                .names
                .groups
                .get(name)
                .map(|&g| vec![prog.explain_member(u, g)])
                .unwrap_or_default()
        };
        p.push(
            out,
            What::Group(name.to_string()),
            b,
            (why(po, p.uo), why(pn, p.un)),
        );
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
    // one question under both versions; the change built only if it differs
    // `on`: None for a question without a resource; Some((old, new)) for
    // one on a resource, where a side without the resource asks nothing
    // (its answer is no)
    let ask = |to: (Option<Target>, Option<Target>),
               on: Option<(Option<ResourceId>, Option<ResourceId>)>,
               what: &dyn Fn() -> What,
               out: &mut Vec<Change>| {
        let q = |u: UserId, t: Option<Target>, r: Option<Option<ResourceId>>| {
            let on = match r {
                None => None,
                Some(r) => Some(r?),
            };
            t.map(|target| CanQ {
                user: u,
                target,
                on,
                event: None,
            })
        };
        let (qo, qn) = (
            q(p.uo, to.0, on.map(|x| x.0)),
            q(p.un, to.1, on.map(|x| x.1)),
        );
        let a = qo.as_ref().is_some_and(|q| po.can(q));
        let b = qn.as_ref().is_some_and(|q| pn.can(q));
        if a != b {
            let why = (
                qo.map(|q| po.reasons(&q).reasons).unwrap_or_default(),
                qn.map(|q| pn.reasons(&q).reasons).unwrap_or_default(),
            );
            p.push(out, what(), b, why);
        }
    };
    for (a, scoped) in &n.actions {
        if !scoped {
            let what = || What::Action {
                action: a.name.clone(),
                on: None,
            };
            ask(
                (a.old.map(Target::Action), a.new.map(Target::Action)),
                None,
                &what,
                out,
            );
        }
    }
    for r in &n.reports {
        let a = r.old.is_some_and(|x| po.may_run(p.uo, x));
        let b = r.new.is_some_and(|x| pn.may_run(p.un, x));
        if a != b {
            let reasons = |prog: &Program, u: UserId, x: Option<ReportId>| {
                x.map(|x| {
                    prog.reasons(&CanQ {
                        user: u,
                        target: Target::Run(x),
                        on: None,
                        event: None,
                    })
                    .reasons
                })
                .unwrap_or_default()
            };
            let why = (reasons(po, p.uo, r.old), reasons(pn, p.un, r.new));
            p.push(out, What::Run(r.name.clone()), b, why);
        }
    }
    let assign = |x: Option<RoleId>| {
        x.map(|role| Target::Assign {
            role,
            to: UserId(0),
        })
    };
    for y in &n.assignable {
        let what = || What::Assign {
            role: y.name.clone(),
            on: None,
        };
        ask((assign(y.old), assign(y.new)), None, &what, out);
    }
    // questions on resources
    for (k, others) in res.for_user(po, pn, p.uo, p.un) {
        let Some((rname, ro, rn)) = res.both.get(k) else {
            continue;
        };
        let on = || match others {
            Some(n) => On::Others(n),
            None => On::Resource(rname.clone()),
        };
        let rs = Some((*ro, *rn));
        for (a, scoped) in &n.actions {
            if *scoped {
                let what = || What::Action {
                    action: a.name.clone(),
                    on: Some(on()),
                };
                ask(
                    (a.old.map(Target::Action), a.new.map(Target::Action)),
                    rs,
                    &what,
                    out,
                );
            }
        }
        for l in &n.levels {
            let what = || What::Access {
                level: l.name.clone(),
                on: on(),
            };
            ask(
                (l.old.map(Target::Access), l.new.map(Target::Access)),
                rs,
                &what,
                out,
            );
            let grant = |x: Option<AccessId>| {
                x.map(|level| Target::AssignAccess {
                    level,
                    to: UserId(0),
                })
            };
            let what = || What::AssignAccess {
                level: l.name.clone(),
                on: on(),
            };
            ask((grant(l.old), grant(l.new)), rs, &what, out);
        }
        for y in &n.assignable {
            let what = || What::Assign {
                role: y.name.clone(),
                on: Some(on()),
            };
            ask((assign(y.old), assign(y.new)), rs, &what, out);
        }
        for r in &n.reports {
            let row =
                |prog: &Program, u: UserId, rep: Option<ReportId>, res: Option<ResourceId>| {
                    let (rep, res) = (rep?, res?);
                    (prog.may_run(u, rep) && prog.is_row(u, rep, res))
                        .then(|| prog.visibility(u, rep, res))
                };
            let (before, after) = (row(po, p.uo, r.old, *ro), row(pn, p.un, r.new, *rn));
            if before != after {
                let why =
                    |prog: &Program, u: UserId, rep: Option<ReportId>, res: Option<ResourceId>| {
                        let (Some(rep), Some(res)) = (rep, res) else {
                            return Vec::new();
                        };
                        let mut v = prog
                            .reasons(&CanQ {
                                user: u,
                                target: Target::Run(rep),
                                on: Some(res),
                                event: None,
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
                    report: r.name.clone(),
                    on: on(),
                    event: None,
                    before,
                    after,
                };
                p.push(
                    out,
                    what,
                    gained,
                    (why(po, p.uo, r.old, *ro), why(pn, p.un, r.new, *rn)),
                );
            }
        }
    }
}
