//! A deliberately simple reference evaluator, written straight from
//! LANGUAGE.md §4, §8 and §9 over the resolved model (windows read as
//! written, as of one day, with one set of context facts): sets,
//! recursion, no precomputation. The property tests compare the compiled IR
//! against it.

use rights::sema::model::Visibility;
use rights::sema::model::*;
use std::collections::BTreeSet;

pub struct Reference<'a> {
    pub p: &'a Policy,
    pub d: &'a Data,
    /// The question's date: an item outside its window is not there.
    pub day: Day,
    /// The context facts given.
    pub with: ContextSet,
}

impl<'a> Reference<'a> {
    pub fn new(p: &'a Policy, d: &'a Data, day: Day, with: ContextSet) -> Reference<'a> {
        Reference { p, d, day, with }
    }

    /// §9.3: whether the user's item of `list` carrying `span` is in its window.
    fn live(&self, u: UserId, list: Windowed, span: rights::source::Span) -> bool {
        self.d.users[u.index()]
            .window_of(list, span)
            .is_none_or(|w| w.window.holds(self.day))
    }

    /// §9.2: the user's values of an attribute.
    fn user_values(&self, u: UserId, a: AttrId) -> &[String] {
        self.d.users[u.index()].attribute(a)
    }
}

impl Reference<'_> {
    /// §8.1: the groups the user joined, and every group they are nested in.
    pub fn groups(&self, u: UserId) -> BTreeSet<GroupId> {
        let mut all = BTreeSet::new();
        let mut todo: Vec<GroupId> = self.d.users[u.index()]
            .groups
            .iter()
            .filter(|(_, s)| self.live(u, Windowed::Groups, *s))
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
        // a listed role out of its window is not listed; with every listed
        // role ended, the default role applies
        let listed: Option<Vec<RoleId>> = user.roles.as_ref().and_then(|rs| {
            let live: Vec<RoleId> = rs
                .iter()
                .filter(|(_, s)| self.live(u, Windowed::Roles, *s))
                .map(|(r, _)| *r)
                .collect();
            (rs.is_empty() || !live.is_empty()).then_some(live)
        });
        let mut direct: Vec<RoleId> = match listed {
            Some(rs) => rs,
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
        granted.extend(
            user.grants
                .iter()
                .filter(|s| self.live(u, Windowed::Grants, s.span))
                .map(|s| s.right),
        );
        for s in user
            .revokes
            .iter()
            .filter(|s| self.live(u, Windowed::Revokes, s.span))
        {
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
            Cond::UserAttr(a, v, _) => self
                .user_values(u, *a)
                .iter()
                .any(|x| x == self.p.value(*v)),
            Cond::Context(c, _) => self.with.has(*c),
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
            .any(|(r, x, s)| *r == res && *x == l && self.live(u, Windowed::RevokeAccess, *s))
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
        user.access
            .iter()
            .any(|(r, x, s)| *r == res && *x == l && self.live(u, Windowed::Access, *s))
            // §9.1: held on the parent (after its revokes and denies)
            || (self.p.access_level(l).inherited.is_some()
                && self
                    .d
                    .resource(res)
                    .parent
                    .is_some_and(|parent| self.access(u, parent, l)))
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
            Cond::Same(a, _) => res.is_some_and(|r| {
                let theirs = self.d.resource(r).attribute(*a);
                self.user_values(u, *a).iter().any(|v| theirs.contains(v))
            }),
            Cond::UserAttr(a, v, _) => self
                .user_values(u, *a)
                .iter()
                .any(|x| x == self.p.value(*v)),
            Cond::ResourceAttr(a, v, _) => res.is_some_and(|r| {
                self.d
                    .resource(r)
                    .attribute(*a)
                    .iter()
                    .any(|x| x == self.p.value(*v))
            }),
            Cond::Context(c, _) => self.with.has(*c),
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
                // §9.6: a `rows event` report runs on a resource of an event
                let in_event = |r: ResourceId| match q.event {
                    Some(e) => self.d.event(e).resources.contains(&r),
                    None => self.d.events.iter().any(|e| e.resources.contains(&r)),
                };
                if report.rows == RowsSource::Event && q.on.is_some_and(|r| !in_event(r)) {
                    return false;
                }
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
