//! Answers to every query form (docs/reference/queries.md), as data: what the CLI, the
//! REPL and the library render or return.

use super::explain::{Explanation, Reason};
use crate::ir::{Program, RoleOrigin};
use crate::sema::model::*;
use crate::source::Span;

/// The answer to one query.
#[derive(Clone, Debug)]
pub enum Answer {
    /// `can …` (and `explain can …` with `detailed`).
    Can {
        explanation: Explanation,
        detailed: bool,
    },
    /// `who can …`: every user for whom it holds, in data order.
    Who {
        target: Target,
        on: Option<ResourceId>,
        users: Vec<UserId>,
    },
    What(WhatAnswer),
    Rights(RightsAnswer),
    Roles(RolesAnswer),
    Groups(GroupsAnswer),
    Report(ReportAnswer),
    /// `where can U …` (§9.5): the resources, in declaration order.
    Where {
        user: UserId,
        target: Target,
        event: Option<EventId>,
        resources: Vec<ResourceId>,
    },
    Expiring(ExpiringAnswer),
}

impl Answer {
    /// For a `can` answer: whether it is allowed, and the context facts
    /// given without which it would be denied (a server logs them).
    pub fn decision(&self) -> Option<(bool, &[ContextId])> {
        match self {
            Answer::Can { explanation, .. } => {
                Some((explanation.allowed, explanation.relies_on.as_slice()))
            }
            _ => None,
        }
    }
}

/// `expiring within N days` (§9.3) as of `day`.
#[derive(Clone, Debug)]
pub struct ExpiringAnswer {
    pub day: Day,
    pub days: u32,
    /// By date, then in data order.
    pub items: Vec<Expiring>,
}

/// One windowed item whose `until` falls within the days asked.
#[derive(Clone, Debug)]
pub struct Expiring {
    pub user: UserId,
    pub what: ExpiringWhat,
    pub window: Window,
    /// The item as written (its statement's window: `at`).
    pub at: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpiringWhat {
    Role(RoleId),
    Right(RightId),
    Revoke(RightId),
    Group(GroupId),
    Access(ResourceId, AccessId),
    RevokeAccess(ResourceId, AccessId),
}

impl ExpiringWhat {
    /// The JSON `kind`: `role`, `right`, `revoke`, `group`, `access`, `revoke_access`.
    pub fn kind(self) -> &'static str {
        match self {
            ExpiringWhat::Role(_) => "role",
            ExpiringWhat::Right(_) => "right",
            ExpiringWhat::Revoke(_) => "revoke",
            ExpiringWhat::Group(_) => "group",
            ExpiringWhat::Access(..) => "access",
            ExpiringWhat::RevokeAccess(..) => "revoke_access",
        }
    }
}

/// `groups U` (§8.6): every group the user is a member of, once.
#[derive(Clone, Debug)]
pub struct GroupsAnswer {
    pub user: UserId,
    pub groups: Vec<Membership>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Membership {
    pub group: GroupId,
    /// `None` for a group the user joined; otherwise the group they joined
    /// through which it is reached (the first in their list, when several).
    pub via: Option<GroupId>,
    /// The user's `groups` entry that makes them a member.
    pub at: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct WhatAnswer {
    pub user: UserId,
    pub on: Option<ResourceId>,
    /// Actions that hold, each with why.
    pub actions: Vec<(ActionId, Explanation)>,
    /// Reports the user may run (on the resource, if one is given).
    pub reports: Vec<(ReportId, Explanation)>,
    /// On a resource: the access levels the user holds there, each with why.
    pub access: Vec<(AccessId, Explanation)>,
    /// Without a resource: what the listing leaves out, so that it never
    /// reads as "nothing" for a user who holds something.
    pub elsewhere: Option<Elsewhere>,
}

/// What `what can U do` without `on R` does not list: the rights the user
/// holds, the actions decided on a resource, and the resources on which
/// the data (or the user's groups) give the user access.
#[derive(Clone, Debug, Default)]
pub struct Elsewhere {
    pub rights: usize,
    pub resource_actions: Vec<ActionId>,
    /// Resources where the user holds at least one access level (see
    /// `Program::access_held`), in resource order.
    pub access_on: Vec<ResourceId>,
}

#[derive(Clone, Debug)]
pub struct RightsAnswer {
    pub user: UserId,
    pub held: Vec<HeldRight>,
    /// Rights granted to the user that a revoke or deny takes away.
    pub removed: Vec<(RightId, Vec<Reason>)>,
}

#[derive(Clone, Debug)]
pub struct HeldRight {
    pub right: RightId,
    /// Roles that grant it: (role, the grant's span, the group that gives the
    /// user that role, if it comes from a group).
    pub from_roles: Vec<(RoleId, Span, Option<GroupId>)>,
    /// The user's own grant of it.
    pub direct: Option<Span>,
    /// Granted directly although a role already gives it (the seed's red asterisk).
    pub redundant: bool,
}

#[derive(Clone, Debug)]
pub struct RolesAnswer {
    pub user: UserId,
    pub roles: Vec<(RoleId, RoleHow)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleHow {
    Explicit(Span),
    /// The default-role line that matched.
    Default(Span),
    /// Inherited from this role the user has directly.
    Inherited(RoleId),
    /// Given by a group of the user (the group's `roles` entry), or inherited
    /// from a role a group gives.
    Group(GroupId, Span),
}

#[derive(Clone, Debug)]
pub struct ReportAnswer {
    pub question: ReportQ,
    /// `None` when the user may not run the report.
    pub rows: Option<Vec<(ResourceId, Visibility)>>,
    /// Why the user may or may not run it.
    pub requires: Reason,
}

impl Program {
    /// Answers a resolved query as of its date and with its context facts
    /// (this program's date and no facts where it names none).
    pub fn answer_asked(&self, q: &Asked) -> Answer {
        self.at(q.when).answer(&q.question)
    }

    /// Answers a resolved query.
    pub fn answer(&self, q: &Question) -> Answer {
        match *q {
            Question::Can(c) => Answer::Can {
                explanation: self.reasons(&c),
                detailed: false,
            },
            Question::Explain(c) => Answer::Can {
                explanation: self.explain(&c),
                detailed: true,
            },
            Question::Who { target, on } => Answer::Who {
                target,
                on,
                users: self.who_can(target, on),
            },
            Question::What { user, on } => Answer::What(self.what(user, on)),
            Question::Rights(u) => Answer::Rights(self.rights_answer(u)),
            Question::Roles(u) => Answer::Roles(self.roles_answer(u)),
            Question::Groups(u) => Answer::Groups(self.groups_answer(u)),
            Question::Report(r) => Answer::Report(self.report_answer(r)),
            Question::Where {
                user,
                target,
                event,
            } => Answer::Where {
                user,
                target,
                event,
                resources: self.where_can(user, target, event),
            },
            Question::Expiring { days } => Answer::Expiring(self.expiring(days)),
        }
    }

    /// Every windowed item whose `until` is within `days` days of this
    /// program's date, ended or not (§9.7).
    pub fn expiring(&self, days: u32) -> ExpiringAnswer {
        let day = self.day();
        let last = day.plus(days);
        let mut items = Vec::new();
        for (i, u) in self.undated_data().users.iter().enumerate() {
            if u.windows.is_empty() {
                continue;
            }
            let user = UserId::from_index(i);
            let mut push = |list: Windowed, span: Span, what: ExpiringWhat| {
                if let Some(w) = u.window_of(list, span) {
                    if w.window
                        .until
                        .is_some_and(|until| day <= until && until <= last)
                    {
                        items.push(Expiring {
                            user,
                            what,
                            window: w.window,
                            at: w.at,
                        });
                    }
                }
            };
            for &(r, s) in u.roles.iter().flatten() {
                push(Windowed::Roles, s, ExpiringWhat::Role(r));
            }
            for site in &u.grants {
                push(Windowed::Grants, site.span, ExpiringWhat::Right(site.right));
            }
            for site in &u.revokes {
                push(
                    Windowed::Revokes,
                    site.span,
                    ExpiringWhat::Revoke(site.right),
                );
            }
            for &(g, s) in &u.groups {
                push(Windowed::Groups, s, ExpiringWhat::Group(g));
            }
            for &(r, l, s) in &u.access {
                push(Windowed::Access, s, ExpiringWhat::Access(r, l));
            }
            for &(r, l, s) in &u.revoke_access {
                push(Windowed::RevokeAccess, s, ExpiringWhat::RevokeAccess(r, l));
            }
        }
        items.sort_by_key(|e| e.window.until);
        ExpiringAnswer { day, days, items }
    }

    fn what(&self, user: UserId, on: Option<ResourceId>) -> WhatAnswer {
        let mut actions = Vec::new();
        for (i, a) in self.policy.actions.iter().enumerate() {
            // with a resource: the actions decided on it; without: the global ones
            if a.on_resource != on.is_some() {
                continue;
            }
            let q = CanQ {
                user,
                target: Target::Action(ActionId::from_index(i)),
                on,
                event: None,
            };
            if self.can(&q) {
                actions.push((ActionId::from_index(i), self.reasons(&q)));
            }
        }
        let mut reports = Vec::new();
        for i in 0..self.policy.reports.len() {
            let q = CanQ {
                user,
                target: Target::Run(ReportId::from_index(i)),
                on,
                event: None,
            };
            if self.can(&q) {
                reports.push((ReportId::from_index(i), self.reasons(&q)));
            }
        }
        let mut access = Vec::new();
        if let Some(r) = on {
            for i in 0..self.policy.access.len() {
                let q = CanQ {
                    user,
                    target: Target::Access(AccessId::from_index(i)),
                    on: Some(r),
                    event: None,
                };
                if self.can(&q) {
                    access.push((AccessId::from_index(i), self.reasons(&q)));
                }
            }
        }
        let elsewhere = on.is_none().then(|| self.elsewhere(user));
        WhatAnswer {
            user,
            on,
            actions,
            reports,
            access,
            elsewhere,
        }
    }

    fn elsewhere(&self, user: UserId) -> Elsewhere {
        let access_on = self.access_held(user).into_iter().map(|(r, _)| r).collect();
        Elsewhere {
            rights: self.rights_of(user).len(),
            resource_actions: (0..self.policy.actions.len())
                .map(ActionId::from_index)
                .filter(|&a| self.policy.action(a).on_resource)
                .collect(),
            access_on,
        }
    }

    fn rights_answer(&self, u: UserId) -> RightsAnswer {
        let data = self.data.users.get(u.index());
        let roles = self.roles_answer(u).roles;
        let from_roles = |r: RightId| -> Vec<(RoleId, Span, Option<GroupId>)> {
            roles
                .iter()
                .filter_map(|&(role, how)| {
                    let group = match how {
                        RoleHow::Group(g, _) => Some(g),
                        _ => None,
                    };
                    self.policy
                        .role(role)
                        .grants
                        .iter()
                        .find(|s| s.right == r)
                        .map(|s| (role, s.span, group))
                })
                .collect()
        };
        let direct = |r: RightId| {
            data.and_then(|d| d.grants.iter().find(|s| s.right == r))
                .map(|s| s.span)
        };
        let held: Vec<HeldRight> = self
            .rights_of(u)
            .into_iter()
            .map(|right| {
                let from_roles = from_roles(right);
                let direct = direct(right);
                HeldRight {
                    right,
                    redundant: direct.is_some() && !from_roles.is_empty(),
                    from_roles,
                    direct,
                }
            })
            .collect();
        // granted (by a role or directly) but not held
        let mut removed = Vec::new();
        for i in 0..self.policy.rights.len() {
            let r = RightId::from_index(i);
            if self.has_right(u, r) {
                continue;
            }
            let granted = !from_roles(r).is_empty() || direct(r).is_some();
            if granted {
                removed.push((r, self.explain_right(u, r).because));
            }
        }
        RightsAnswer {
            user: u,
            held,
            removed,
        }
    }

    /// Every role of a user and how each comes (listed, default, inherited,
    /// from a group): what `roles U` answers, and every listing of a user's
    /// roles words (hovers, pages).
    pub fn roles_answer(&self, u: UserId) -> RolesAnswer {
        let data = self.data.users.get(u.index());
        let direct: Vec<(RoleId, RoleHow)> = match self.role_origin(u) {
            RoleOrigin::Explicit => data
                .and_then(|d| d.roles.as_ref())
                .map(|rs| {
                    rs.iter()
                        .map(|(r, s)| (*r, RoleHow::Explicit(*s)))
                        .collect()
                })
                .unwrap_or_default(),
            RoleOrigin::Default(i) => self
                .policy
                .default_roles
                .get(i)
                .map(|line| vec![(line.role, RoleHow::Default(line.span))])
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        // the roles the user's groups give, with the group entry
        let mut from_groups: Vec<(RoleId, GroupId, Span)> = Vec::new();
        for g in self.groups_of(u) {
            if let Some(group) = self.data.groups.get(g.index()) {
                from_groups.extend(group.roles.iter().map(|(r, s)| (*r, g, *s)));
            }
        }
        let mut roles = Vec::new();
        for r in self.roles_of(u) {
            if let Some(d) = direct.iter().find(|(x, _)| *x == r) {
                roles.push(*d);
            } else if let Some((_, g, s)) = from_groups.iter().find(|(x, _, _)| *x == r) {
                roles.push((r, RoleHow::Group(*g, *s)));
            } else if let Some((from, _)) = direct.iter().find(|(x, _)| self.role_inherits(*x, r)) {
                roles.push((r, RoleHow::Inherited(*from)));
            } else if let Some((x, _, _)) = from_groups
                .iter()
                .find(|(x, _, _)| self.role_inherits(*x, r))
            {
                roles.push((r, RoleHow::Inherited(*x)));
            }
        }
        RolesAnswer { user: u, roles }
    }

    /// The groups `u` joined, in the order of `u`'s list, each followed by
    /// the groups it is nested in, nearest first; each group once.
    fn groups_answer(&self, u: UserId) -> GroupsAnswer {
        let joined = self
            .data
            .users
            .get(u.index())
            .map_or(&[][..], |d| &d.groups[..]);
        let mut groups: Vec<Membership> = Vec::new();
        let seen = |gs: &[Membership], g: GroupId| gs.iter().any(|m| m.group == g);
        for &(g, at) in joined {
            if !seen(&groups, g) {
                groups.push(Membership {
                    group: g,
                    via: None,
                    at: Some(at),
                });
            }
        }
        for &(g, at) in joined {
            // the chain is finite: cycles are errors before a program exists,
            // and the bound keeps it so whatever the data
            let mut next = self.data.groups.get(g.index()).and_then(|x| x.parent);
            let mut steps = 0;
            while let Some(p) = next {
                if steps > self.data.groups.len() {
                    break;
                }
                steps += 1;
                if !seen(&groups, p) {
                    groups.push(Membership {
                        group: p,
                        via: Some(g),
                        at: Some(at),
                    });
                }
                next = self.data.groups.get(p.index()).and_then(|x| x.parent);
            }
        }
        GroupsAnswer { user: u, groups }
    }

    fn report_answer(&self, q: ReportQ) -> ReportAnswer {
        let requires = self
            .code
            .report_requires
            .get(q.report.index())
            .map(|&c| self.explain_node(c, q.user, None))
            .unwrap_or_else(|| Reason::new(false, super::explain::Fact::Const(false)));
        ReportAnswer {
            question: q,
            rows: self.report_rows(&q),
            requires,
        }
    }
}
