//! A deliberately simple reference evaluator, written straight from
//! LANGUAGE.md §4 and §8 over the resolved model: sets, recursion, no
//! precomputation. The property tests compare the compiled IR against it.

use rights::sema::model::Visibility;
use rights::sema::model::*;
use std::collections::BTreeSet;

pub struct Reference<'a> {
    pub p: &'a Policy,
    pub d: &'a Data,
}

impl Reference<'_> {
    /// §8.1: the groups the user joined, and every group they are nested in.
    pub fn groups(&self, u: UserId) -> BTreeSet<GroupId> {
        let mut all = BTreeSet::new();
        let mut todo: Vec<GroupId> = self.d.users[u.index()]
            .groups
            .iter()
            .map(|(g, _)| *g)
            .collect();
        while let Some(g) = todo.pop() {
            if all.insert(g) {
                todo.extend(self.d.group(g).parent);
            }
        }
        all
    }

    /// §4.1 and §8.1: explicit roles, or the first default line that holds,
    /// plus the roles of every group; then ancestors.
    pub fn roles(&self, u: UserId) -> BTreeSet<RoleId> {
        let user = &self.d.users[u.index()];
        let mut direct: Vec<RoleId> = match &user.roles {
            Some(rs) => rs.iter().map(|(r, _)| *r).collect(),
            None => self
                .p
                .default_roles
                .iter()
                .find(|l| self.cond_flags_roles(&l.when, u, &BTreeSet::new()))
                .map(|l| vec![l.role])
                .unwrap_or_default(),
        };
        for g in self.groups(u) {
            direct.extend(self.d.group(g).roles.iter().map(|(r, _)| *r));
        }
        let mut all = BTreeSet::new();
        let mut todo = direct;
        while let Some(r) = todo.pop() {
            if all.insert(r) {
                todo.extend(self.p.role(r).parents.iter().map(|(p, _)| *p));
            }
        }
        all
    }

    /// §4.2–3: granted by roles and the user, minus revokes, minus denies that hold.
    pub fn rights(&self, u: UserId) -> BTreeSet<RightId> {
        let user = &self.d.users[u.index()];
        let roles = self.roles(u);
        let mut granted: BTreeSet<RightId> = roles
            .iter()
            .flat_map(|r| self.p.role(*r).grants.iter().map(|s| s.right))
            .collect();
        granted.extend(user.grants.iter().map(|s| s.right));
        for s in &user.revokes {
            granted.remove(&s.right);
        }
        for deny in &self.p.denies {
            let holds = match &deny.when {
                None => true,
                Some(c) => self.cond_flags_roles(c, u, &roles),
            };
            if holds {
                for s in &deny.rights {
                    granted.remove(&s.right);
                }
            }
        }
        granted
    }

    /// Deny and default-role conditions: only roles, groups and flags.
    fn cond_flags_roles(&self, c: &Cond, u: UserId, roles: &BTreeSet<RoleId>) -> bool {
        let user = &self.d.users[u.index()];
        match c {
            Cond::Or(xs, _) => xs.iter().any(|x| self.cond_flags_roles(x, u, roles)),
            Cond::And(xs, _) => xs.iter().all(|x| self.cond_flags_roles(x, u, roles)),
            Cond::Not(x, _) => !self.cond_flags_roles(x, u, roles),
            Cond::Const(b, _) => *b,
            Cond::Flag(f, _) => user.flags.iter().any(|(x, _)| x == f),
            Cond::Role(r, _) => roles.contains(r),
            Cond::Group(g, _) => self.groups(u).contains(g),
            _ => false,
        }
    }

    /// §8.4, in full: the levels granted by data, by the user's groups, by
    /// `access for role` on the resource and by `also when` rules; minus the
    /// user's revokes there, minus every level an access deny removes.
    pub fn access(&self, u: UserId, res: ResourceId, l: AccessId) -> bool {
        let user = &self.d.users[u.index()];
        if user
            .revoke_access
            .iter()
            .any(|(r, x, _)| *r == res && *x == l)
        {
            return false;
        }
        let denied = self.p.access_denies.iter().any(|d| {
            d.levels.contains(&l) && d.when.as_ref().is_none_or(|c| self.cond(c, u, Some(res)))
        });
        if denied {
            return false;
        }
        let roles = self.roles(u);
        user.access.iter().any(|(r, x, _)| *r == res && *x == l)
            || self.groups(u).iter().any(|&g| {
                self.d
                    .group(g)
                    .access
                    .iter()
                    .any(|(r, x, _)| *r == res && *x == l)
            })
            || self
                .d
                .resource(res)
                .role_access
                .iter()
                .any(|(role, x, _)| *x == l && roles.contains(role))
            || self
                .p
                .access_level(l)
                .also_when
                .iter()
                .any(|c| self.cond(c, u, Some(res)))
    }

    pub fn cond(&self, c: &Cond, u: UserId, res: Option<ResourceId>) -> bool {
        let user = &self.d.users[u.index()];
        match c {
            Cond::Or(xs, _) => xs.iter().any(|x| self.cond(x, u, res)),
            Cond::And(xs, _) => xs.iter().all(|x| self.cond(x, u, res)),
            Cond::Not(x, _) => !self.cond(x, u, res),
            Cond::Const(b, _) => *b,
            Cond::Right(r, _) => self.rights(u).contains(r),
            Cond::Role(r, _) => self.roles(u).contains(r),
            Cond::Flag(f, _) => user.flags.iter().any(|(x, _)| x == f),
            Cond::Access(l, _) => res.is_some_and(|r| self.access(u, r, *l)),
            Cond::Group(g, _) => self.groups(u).contains(g),
            Cond::Tag(t, _) => {
                res.is_some_and(|r| self.d.resource(r).tags.iter().any(|(x, _)| x == t))
            }
            Cond::Can(a, _) => {
                let action = self.p.action(*a);
                self.cond(&action.when, u, if action.on_resource { res } else { None })
            }
        }
    }

    /// §5: `can`.
    pub fn can(&self, q: &CanQ) -> bool {
        let u = q.user;
        match q.target {
            Target::Right(r) => self.rights(u).contains(&r),
            Target::Action(a) => {
                let action = self.p.action(a);
                self.cond(
                    &action.when,
                    u,
                    if action.on_resource { q.on } else { None },
                )
            }
            Target::Run(rep) => {
                let report = self.p.report(rep);
                self.cond(&report.requires, u, None)
                    && q.on.is_none_or(|r| {
                        report
                            .rows_where
                            .as_ref()
                            .is_none_or(|w| self.cond(w, u, Some(r)))
                    })
            }
            Target::Assign { role, .. } => self.may_hand_out(u, q.on, |what| match what {
                Assignable::Roles(rs) => rs.as_ref().is_none_or(|rs| rs.contains(&role)),
                Assignable::Access(_) => false,
            }),
            Target::Access(l) => q.on.is_some_and(|r| self.access(u, r, l)),
            Target::AssignAccess { level, .. } => self.may_hand_out(u, q.on, |what| match what {
                Assignable::Access(ls) => ls.as_ref().is_none_or(|ls| ls.contains(&level)),
                Assignable::Roles(_) => false,
            }),
        }
    }

    /// §2 and §8.5: a rule of one of the user's roles covers it, and its scope
    /// holds: anywhere; `when COND` for the user alone; `on resource [when
    /// COND]` only with a resource where COND holds.
    fn may_hand_out(
        &self,
        u: UserId,
        on: Option<ResourceId>,
        covers: impl Fn(&Assignable) -> bool,
    ) -> bool {
        self.roles(u).iter().any(|&from| {
            self.p.role(from).assigns.iter().any(|a| {
                covers(&a.what)
                    && match &a.scope {
                        AssignsScope::Anywhere => true,
                        AssignsScope::When(c) => self.cond(c, u, None),
                        AssignsScope::OnResource(c) => {
                            on.is_some_and(|r| c.as_ref().is_none_or(|c| self.cond(c, u, Some(r))))
                        }
                    }
            })
        })
    }

    /// §2 reports: rows in order, each full or name only; `None` when denied.
    pub fn report(&self, q: &ReportQ) -> Option<Vec<(ResourceId, Visibility)>> {
        let report = self.p.report(q.report);
        if !self.cond(&report.requires, q.user, None) {
            return None;
        }
        let source: Vec<ResourceId> = match (report.rows, q.event) {
            (RowsSource::Event, Some(e)) => self.d.event(e).resources.clone(),
            (RowsSource::Event, None) => Vec::new(),
            (RowsSource::Resources, _) => (0..self.d.resources.len())
                .map(ResourceId::from_index)
                .collect(),
        };
        Some(
            source
                .into_iter()
                .filter(|&r| {
                    report
                        .rows_where
                        .as_ref()
                        .is_none_or(|w| self.cond(w, q.user, Some(r)))
                })
                .map(|r| {
                    let full = report
                        .details_when
                        .as_ref()
                        .is_none_or(|d| self.cond(d, q.user, Some(r)));
                    (
                        r,
                        if full {
                            Visibility::Full
                        } else {
                            Visibility::NameOnly
                        },
                    )
                })
                .collect(),
        )
    }
}
