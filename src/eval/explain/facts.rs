//! The facts a decision rests on, as a tree of [`Reason`]s.

use super::*;
use crate::ir::{Node, NodeId, RoleOrigin};

impl Program {
    /// The reasons of a `can` decision (no fixes).
    pub(super) fn can_reasons(&self, q: &CanQ) -> Vec<Reason> {
        let u = q.user;
        match q.target {
            Target::Right(r) => vec![self.explain_right(u, r)],
            Target::Action(a) => {
                let node = self.code.action_cond.get(a.index()).copied().unwrap_or(0);
                let res = if self.policy.action(a).on_resource {
                    q.on
                } else {
                    None
                };
                vec![self.explain_node(node, u, res)]
            }
            Target::Run(rep) => {
                let req = self
                    .code
                    .report_requires
                    .get(rep.index())
                    .copied()
                    .unwrap_or(0);
                let mut reasons = vec![Reason::new(
                    self.may_run(u, rep),
                    Fact::MayRun {
                        user: u,
                        report: rep,
                    },
                )
                .because(vec![self.explain_node(req, u, None)])];
                if let Some(res) = q.on {
                    let (rows, because) = match self.code.report_where.get(rep.index()) {
                        Some(Some(w)) => (
                            RowsNote::Filtered,
                            vec![self.explain_node(*w, u, Some(res))],
                        ),
                        _ if self.policy.report(rep).rows == RowsSource::Event => {
                            (RowsNote::EveryEventResource, Vec::new())
                        }
                        _ => (RowsNote::EveryResource, Vec::new()),
                    };
                    let is_row = self.is_row(u, rep, res);
                    reasons.push(
                        Reason::new(
                            is_row,
                            Fact::Row {
                                user: u,
                                report: rep,
                                resource: res,
                                rows,
                                is_row,
                            },
                        )
                        .because(because),
                    );
                }
                reasons
            }
            Target::Assign { role, .. } => self.assign_reasons(u, role, q.on),
        }
    }

    /// Why `u` holds right `r`, or why not.
    pub fn explain_right(&self, u: UserId, r: RightId) -> Reason {
        let fact = |how| Fact::Right {
            user: u,
            right: r,
            how,
        };
        let sources = self.grant_sources(u, r);
        if self.has_right(u, r) {
            return Reason::new(true, fact(RightHow::Held)).because(sources);
        }
        let removals = self.removals(u, r);
        if !removals.is_empty() && !sources.is_empty() {
            let mut because = sources;
            because.extend(removals);
            return Reason::new(false, fact(RightHow::TakenAway)).because(because);
        }
        Reason::new(false, fact(RightHow::NotGranted)).because(removals)
    }

    /// The roles and user grants that grant `r` to `u` (before revokes and denies).
    fn grant_sources(&self, u: UserId, r: RightId) -> Vec<Reason> {
        let mut out = Vec::new();
        for role in self.roles_of(u) {
            if let Some(site) = self.policy.role(role).grants.iter().find(|s| s.right == r) {
                out.push(
                    Reason::new(true, Fact::GrantedByRole { role })
                        .at(site.span)
                        .because(vec![self.explain_role(u, role)]),
                );
            }
        }
        if let Some(site) = self
            .data
            .users
            .get(u.index())
            .and_then(|d| d.grants.iter().find(|s| s.right == r))
        {
            out.push(Reason::new(true, Fact::GrantedDirectly { user: u }).at(site.span));
        }
        out
    }

    /// The revokes and denies that take `r` from `u`.
    pub(super) fn removals(&self, u: UserId, r: RightId) -> Vec<Reason> {
        let mut out = Vec::new();
        if let Some(site) = self
            .data
            .users
            .get(u.index())
            .and_then(|d| d.revokes.iter().find(|s| s.right == r))
        {
            out.push(Reason::new(false, Fact::Revoked { user: u }).at(site.span));
        }
        for (d, deny) in self.policy.denies.iter().enumerate() {
            if !deny.rights.iter().any(|s| s.right == r) {
                continue;
            }
            let cond = self.code.deny_cond.get(d).copied().flatten();
            if cond.is_none_or(|c| self.eval(c, u, None)) {
                let mut reason = Reason::new(false, Fact::Denied { user: u }).at(deny.span);
                if let Some(c) = cond {
                    reason = reason.because(vec![self.explain_node(c, u, None)]);
                }
                out.push(reason);
            }
        }
        out
    }

    /// Why `u` has role `r`, or not.
    pub fn explain_role(&self, u: UserId, r: RoleId) -> Reason {
        let fact = |how| Fact::Role {
            user: u,
            role: r,
            how,
        };
        if !self.has_role(u, r) {
            return Reason::new(false, fact(RoleFact::Missing));
        }
        let listed = self
            .data
            .users
            .get(u.index())
            .and_then(|d| d.roles.as_ref());
        match self.role_origin(u) {
            RoleOrigin::Explicit => {
                if let Some((_, span)) = listed.and_then(|rs| rs.iter().find(|(x, _)| *x == r)) {
                    return Reason::new(true, fact(RoleFact::Listed)).at(*span);
                }
                match listed.and_then(|rs| rs.iter().find(|(x, _)| self.role_inherits(*x, r))) {
                    Some((d, span)) => {
                        Reason::new(true, fact(RoleFact::InheritedFrom(*d))).at(*span)
                    }
                    None => Reason::new(true, fact(RoleFact::Held)),
                }
            }
            RoleOrigin::Default(i) => {
                let Some(line) = self.policy.default_roles.get(i) else {
                    return Reason::new(true, fact(RoleFact::Held));
                };
                let how = if line.role == r {
                    RoleFact::Default
                } else {
                    RoleFact::DefaultInherited(line.role)
                };
                let cond = self
                    .code
                    .default_cond
                    .get(i)
                    .map(|&c| self.explain_node(c, u, None));
                Reason::new(true, fact(how))
                    .at(line.span)
                    .because(cond.into_iter().collect())
            }
            RoleOrigin::None => Reason::new(true, fact(RoleFact::Held)),
        }
    }

    fn explain_flag(&self, u: UserId, f: FlagId) -> Reason {
        let has = self.has_flag(u, f);
        let fact = Fact::Flag {
            user: u,
            flag: f,
            has,
        };
        if !has {
            return Reason::new(false, fact);
        }
        let site = self
            .data
            .users
            .get(u.index())
            .and_then(|d| d.flags.iter().find(|(x, _)| *x == f))
            .map(|(_, s)| *s);
        Reason::new(true, fact).at_maybe(site)
    }

    fn explain_access(&self, u: UserId, res: ResourceId, l: AccessId) -> Reason {
        let fact = |how| Fact::Access {
            user: u,
            resource: res,
            level: l,
            how,
        };
        let data = self.data.users.get(u.index());
        if self.data_access(u, res, l) {
            let site = data
                .and_then(|d| d.access.iter().find(|(r, x, _)| *r == res && *x == l))
                .map(|(_, _, s)| *s);
            return Reason::new(true, fact(AccessHow::Data)).at_maybe(site);
        }
        let rules: &[NodeId] = self
            .code
            .access_rules
            .get(l.index())
            .map_or(&[], |v| v.as_slice());
        let conds = &self.policy.access_level(l).also_when;
        for (k, &c) in rules.iter().enumerate() {
            if self.eval(c, u, Some(res)) {
                return Reason::new(true, fact(AccessHow::AlsoWhen))
                    .at_maybe(conds.get(k).map(|c| c.span()))
                    .because(vec![self.explain_node(c, u, Some(res))]);
            }
        }
        let entry = data.and_then(|d| d.access.iter().find(|(r, _, _)| *r == res));
        Reason::new(false, fact(AccessHow::Missing))
            .at_maybe(entry.map(|(_, _, s)| *s))
            .because(
                rules
                    .iter()
                    .map(|&c| self.explain_node(c, u, Some(res)))
                    .collect(),
            )
    }

    /// Describes a condition's value for `u` (on `res`).
    pub fn explain_node(&self, node: NodeId, u: UserId, res: Option<ResourceId>) -> Reason {
        match self.code.node(node) {
            Node::Const(b) => Reason::new(b, Fact::Const(b)),
            Node::Right(r) => self.explain_right(u, r),
            Node::Role(r) => self.explain_role(u, r),
            Node::Flag(f) => self.explain_flag(u, f),
            Node::Access(l) => match res {
                Some(r) => self.explain_access(u, r, l),
                None => Reason::new(false, Fact::NoResource),
            },
            Node::Can(a) => {
                let action = self.policy.action(a);
                let res = if action.on_resource { res } else { None };
                let inner = self
                    .code
                    .action_cond
                    .get(a.index())
                    .map(|&c| self.explain_node(c, u, res));
                let holds = self.action_holds(u, a, res);
                Reason::new(
                    holds,
                    Fact::Action {
                        action: a,
                        on: res,
                        holds,
                    },
                )
                .at(action.meta.span)
                .because(inner.into_iter().collect())
            }
            Node::Not(x) => {
                let mut inner = self.explain_node(x, u, res);
                inner.holds = !inner.holds;
                inner
            }
            Node::And { start, len } => {
                let kids = self.code.children(start, len);
                let holds = self.eval(node, u, res);
                let shown: Vec<Reason> = kids
                    .iter()
                    .filter(|&&c| holds || !self.eval(c, u, res))
                    .map(|&c| self.explain_node(c, u, res))
                    .collect();
                collapse(holds, shown, Fact::AllOf { all: holds })
            }
            Node::Or { start, len } => {
                let kids = self.code.children(start, len);
                match kids.iter().find(|&&c| self.eval(c, u, res)) {
                    Some(&c) => self.explain_node(c, u, res),
                    None => {
                        let shown = kids.iter().map(|&c| self.explain_node(c, u, res)).collect();
                        collapse(false, shown, Fact::NoneOf)
                    }
                }
            }
        }
    }

    /// Every `assigns` rule that covers the role, as it applies to `u`.
    fn assign_reasons(&self, u: UserId, role: RoleId, on: Option<ResourceId>) -> Vec<Reason> {
        let mut reasons = Vec::new();
        for a in &self.code.assigns {
            let covers_role = match a.roles {
                None => true,
                Some(row) => self.code.assign_sets.get(row, role.index()),
            };
            if !covers_role || !self.has_role(u, a.from) {
                continue;
            }
            let rule = &self.policy.role(a.from).assigns[a.rule];
            let scope = match (a.cond, on) {
                (None, _) => AssignScope::Anywhere,
                (Some(_), Some(res)) => AssignScope::OnResource(res),
                (Some(_), None) => AssignScope::NeedsResource,
            };
            let mut because = vec![self.explain_role(u, a.from)];
            if let (Some(c), Some(res)) = (a.cond, on) {
                because.push(self.explain_node(c, u, Some(res)));
            }
            let holds = self.assigns_rule_holds(a, u, on);
            reasons.push(
                Reason::new(
                    holds,
                    Fact::AssignRule {
                        user: u,
                        from: a.from,
                        role,
                        scope,
                        holds,
                    },
                )
                .at(rule.span)
                .because(because),
            );
        }
        if reasons.is_empty() {
            reasons.push(Reason::new(false, Fact::NoAssignRule { user: u, role }));
        }
        reasons
    }
}

/// A reason for an `and`/`or` node: one shown child stands for the node itself.
fn collapse(holds: bool, mut shown: Vec<Reason>, group: Fact) -> Reason {
    if shown.len() == 1 {
        let mut only = shown.remove(0);
        only.holds = holds;
        return only;
    }
    Reason::new(holds, group).because(shown)
}
