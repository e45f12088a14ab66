//! The facts a decision rests on, as a tree of [`Reason`]s.

use super::*;
use crate::ir::{Node, NodeId, RoleOrigin};
use crate::sema::model::attribute_span;

/// How far up the resource tree an explanation follows an inherited level.
const EXPLAINED_DEPTH: usize = 32;

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
                let mut in_event = true;
                if let (Some(res), true) = (q.on, self.event_rows(rep)) {
                    let event = match q.event {
                        Some(e) => self.in_event(res, Some(e)).then_some(e),
                        None => self
                            .data
                            .events
                            .iter()
                            .position(|ev| ev.resources.contains(&res))
                            .map(EventId::from_index),
                    };
                    in_event = event.is_some();
                    reasons.push(Reason::new(
                        event.is_some(),
                        Fact::InEvent {
                            resource: res,
                            report: rep,
                            event,
                            asked: q.event,
                        },
                    ));
                }
                if let (Some(res), true) = (q.on, in_event) {
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
            Target::Assign { role, .. } => self.assign_reasons(u, Handed::Role(role), q.on),
            Target::Access(l) => match q.on {
                Some(r) => vec![self.explain_access(u, r, l)],
                None => vec![Reason::new(false, Fact::NoResource)],
            },
            Target::AssignAccess { level, .. } => {
                self.assign_reasons(u, Handed::Level(level), q.on)
            }
        }
    }

    /// Why `u` holds right `r`, or why not.
    pub fn explain_right(&self, u: UserId, r: RightId) -> Reason {
        let fact = |how| Fact::Right {
            user: u,
            right: r,
            how,
        };
        if self.has_right(u, r) {
            return Reason::new(true, fact(RightHow::Held)).because(self.grant_sources(u, r));
        }
        // not held: something grants it only if something takes it away,
        // so the granting roles and entries are looked for only then
        let removals = self.removals(u, r);
        if removals.is_empty() {
            return Reason::new(false, fact(RightHow::NotGranted));
        }
        let sources = self.grant_sources(u, r);
        if !sources.is_empty() {
            let mut because = sources;
            because.extend(removals);
            return Reason::new(false, fact(RightHow::TakenAway)).because(because);
        }
        Reason::new(false, fact(RightHow::NotGranted)).because(removals)
    }

    /// The roles and user grants that grant `r` to `u` (before revokes and denies).
    fn grant_sources(&self, u: UserId, r: RightId) -> Vec<Reason> {
        let mut out = Vec::new();
        // the roles that grant it themselves, those the user has (in role
        // order, as roles_of lists them)
        let granters = self
            .code
            .granted_by
            .get(r.index())
            .map_or(&[][..], Vec::as_slice);
        for &role in granters {
            if !self.has_role(u, role) {
                continue;
            }
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
        // (the user's entry read only when it revokes something)
        if let Some(site) = self
            .data
            .users
            .get(u.index())
            .filter(|_| self.revokes_any(u))
            .and_then(|d| d.revokes.iter().find(|s| s.right == r))
        {
            out.push(Reason::new(false, Fact::Revoked { user: u }).at(site.span));
        }
        for (d, deny) in self.policy.denies.iter().enumerate() {
            if !self.code.deny_rights.get(d, r.index()) {
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
        let default = match self.role_origin(u) {
            RoleOrigin::Default(i) => self.policy.default_roles.get(i).map(|l| (i, l)),
            _ => None,
        };
        let default_reason = |how, i: usize, span| {
            let cond = self
                .code
                .default_cond
                .get(i)
                .map(|&c| self.explain_node(c, u, None));
            Reason::new(true, fact(how))
                .at(span)
                .because(cond.into_iter().collect())
        };
        // the role itself, as listed, chosen by default, or given by a group
        if let Some((_, span)) = listed.and_then(|rs| rs.iter().find(|(x, _)| *x == r)) {
            return Reason::new(true, fact(RoleFact::Listed)).at(*span);
        }
        if let Some((i, line)) = default.filter(|(_, l)| l.role == r) {
            return default_reason(RoleFact::Default, i, line.span);
        }
        if let Some(reason) = self.group_role(u, r, |x| x == r) {
            return reason;
        }
        // an ancestor of one of those
        if let Some((d, span)) =
            listed.and_then(|rs| rs.iter().find(|(x, _)| self.role_inherits(*x, r)))
        {
            return Reason::new(true, fact(RoleFact::InheritedFrom(*d))).at(*span);
        }
        if let Some((i, line)) = default.filter(|(_, l)| self.role_inherits(l.role, r)) {
            return default_reason(RoleFact::DefaultInherited(line.role), i, line.span);
        }
        if let Some(reason) = self.group_role(u, r, |x| self.role_inherits(x, r)) {
            return reason;
        }
        Reason::new(true, fact(RoleFact::Held))
    }

    /// Role `r` as given by one of `u`'s groups (a group role `g` with
    /// `gives(g)`), with how `u` is a member.
    fn group_role(&self, u: UserId, r: RoleId, gives: impl Fn(RoleId) -> bool) -> Option<Reason> {
        for g in self.groups_of(u) {
            let group = self.data.groups.get(g.index())?;
            if let Some((_, span)) = group.roles.iter().find(|(x, _)| gives(*x)) {
                return Some(
                    Reason::new(
                        true,
                        Fact::Role {
                            user: u,
                            role: r,
                            how: RoleFact::FromGroup(g),
                        },
                    )
                    .at(*span)
                    .because(vec![self.explain_member(u, g)]),
                );
            }
        }
        None
    }

    /// Why `u` is a member of group `g`, or not: directly (site: the user's
    /// `groups` entry) or through a group they joined that is nested in it.
    pub fn explain_member(&self, u: UserId, g: GroupId) -> Reason {
        let fact = |via, member| Fact::Member {
            user: u,
            group: g,
            via,
            member,
        };
        if !self.in_group(u, g) {
            return Reason::new(false, fact(None, false));
        }
        let joined = self
            .data
            .users
            .get(u.index())
            .map_or(&[][..], |d| &d.groups[..]);
        if let Some((_, span)) = joined.iter().find(|(x, _)| *x == g) {
            return Reason::new(true, fact(None, true)).at(*span);
        }
        let via = joined
            .iter()
            .find(|(x, _)| self.tables.shared.group_closure.get(x.index(), g.index()));
        match via {
            Some((v, span)) => Reason::new(true, fact(Some(*v), true)).at(*span),
            None => Reason::new(true, fact(None, true)),
        }
    }

    fn explain_tag(&self, res: ResourceId, t: TagId) -> Reason {
        let has = self.has_tag(res, t);
        let site = self
            .data
            .resources
            .get(res.index())
            .and_then(|r| r.tags.iter().find(|(x, _)| *x == t))
            .map(|(_, s)| *s);
        Reason::new(
            has,
            Fact::Tag {
                resource: res,
                tag: t,
                has,
            },
        )
        .at_maybe(site)
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

    /// Why `u` has access level `l` on `res`, or not: what grants it, and
    /// what takes it away (§8.4).
    pub fn explain_access(&self, u: UserId, res: ResourceId, l: AccessId) -> Reason {
        let fact = |how| Fact::Access {
            user: u,
            resource: res,
            level: l,
            how,
        };
        let sources = self.access_sources(u, res, l);
        if self.has_access(u, res, l) {
            let mut it = sources.into_iter();
            return it
                .next()
                .unwrap_or_else(|| Reason::new(true, fact(AccessHow::Missing)));
        }
        // what takes it away: the revoke, or the deny that applies
        if self.access_revoked(u, res, l) {
            let site = self
                .data
                .users
                .get(u.index())
                .and_then(|d| {
                    d.revoke_access
                        .iter()
                        .find(|(r, x, _)| *r == res && *x == l)
                })
                .map(|(_, _, s)| *s);
            return Reason::new(false, fact(AccessHow::Revoked))
                .at_maybe(site)
                .because(sources);
        }
        if let Some(d) = self.access_denied_by(u, res, l) {
            let deny = &self.policy.access_denies[d.index()];
            let mut because = sources;
            if let Some(Some(c)) = self.code.access_deny_cond.get(d.index()) {
                because.push(self.explain_node(*c, u, Some(res)));
            }
            return Reason::new(false, fact(AccessHow::Denied))
                .at(deny.span)
                .because(because);
        }
        // the user's data entry on `res` (for other levels), looked for
        // only where the tables hold a row for it (see `access_sources`)
        let entry = self
            .data
            .users
            .get(u.index())
            .filter(|_| self.access_entry(u, res).is_some())
            .and_then(|d| d.access.iter().find(|(r, _, _)| *r == res));
        let rules: &[NodeId] = self
            .code
            .access_rules
            .get(l.index())
            .map_or(&[], |v| v.as_slice());
        let mut because: Vec<Reason> = rules
            .iter()
            .map(|&c| self.explain_node(c, u, Some(res)))
            .collect();
        // an inherited level: why the parent does not pass it down (§9.1)
        // (the resource's parent read only for an inherited level)
        let level = self
            .policy
            .access
            .get(l.index())
            .filter(|x| x.inherited.is_some());
        let parent = level.and_then(|_| self.data.resources.get(res.index())?.parent);
        if let (Some(parent), Some(level)) = (parent, level) {
            if self.shallow(res) {
                because.push(
                    Reason::new(false, fact(AccessHow::NotInherited(parent)))
                        .at_maybe(level.inherited)
                        .because(vec![self.explain_access(u, parent, l)]),
                );
            }
        }
        Reason::new(false, fact(AccessHow::Missing))
            .at_maybe(entry.map(|(_, _, s)| *s))
            .because(because)
    }

    /// Everything that grants `u` level `l` on `res` (before revokes and
    /// denies): the data entry, a group, `access for role`, an `also when` rule.
    fn access_sources(&self, u: UserId, res: ResourceId, l: AccessId) -> Vec<Reason> {
        let fact = |how| Fact::Access {
            user: u,
            resource: res,
            level: l,
            how,
        };
        let mut out = Vec::new();
        // the compiled tables hold a row for (u, res) whenever the user or
        // one of their groups has an entry on `res`: without one, neither
        // list is read (on a large workload each is a cache miss or more)
        let listed = self.access_entry(u, res).is_some();
        let data = self.data.users.get(u.index()).filter(|_| listed);
        if let Some((_, _, span)) =
            data.and_then(|d| d.access.iter().find(|(r, x, _)| *r == res && *x == l))
        {
            out.push(Reason::new(true, fact(AccessHow::Data)).at(*span));
        }
        let groups = if listed {
            self.groups_of(u)
        } else {
            Vec::new()
        };
        for g in groups {
            let Some(group) = self.data.groups.get(g.index()) else {
                continue;
            };
            if let Some((_, _, span)) = group.access.iter().find(|(r, x, _)| *r == res && *x == l) {
                out.push(
                    Reason::new(true, fact(AccessHow::Group(g)))
                        .at(*span)
                        .because(vec![self.explain_member(u, g)]),
                );
                break;
            }
        }
        if let Some(role) = self.role_access_via(u, res, l) {
            let site = self
                .data
                .resources
                .get(res.index())
                .and_then(|r| r.role_access.iter().find(|(x, y, _)| *x == role && *y == l))
                .map(|(_, _, s)| *s);
            out.push(
                Reason::new(true, fact(AccessHow::RoleAccess(role)))
                    .at_maybe(site)
                    .because(vec![self.explain_role(u, role)]),
            );
        }
        let rules: &[NodeId] = self
            .code
            .access_rules
            .get(l.index())
            .map_or(&[], |v| v.as_slice());
        let conds = &self.policy.access_level(l).also_when;
        for (k, &c) in rules.iter().enumerate() {
            if self.eval(c, u, Some(res)) {
                out.push(
                    Reason::new(true, fact(AccessHow::AlsoWhen))
                        .at_maybe(conds.get(k).map(|c| c.span()))
                        .because(vec![self.explain_node(c, u, Some(res))]),
                );
                break;
            }
        }
        if let Some(parent) = self.inherited_from(u, res, l) {
            // the chain is explained up the tree while it is short: a
            // reason nests once per level, and trees may be deep
            let because = if self.shallow(res) {
                vec![self.explain_access(u, parent, l)]
            } else {
                Vec::new()
            };
            out.push(
                Reason::new(true, fact(AccessHow::Inherited(parent)))
                    .at_maybe(self.policy.access_level(l).inherited)
                    .because(because),
            );
        }
        out
    }

    /// Whether `res` is at most [`EXPLAINED_DEPTH`] levels below a
    /// top-level resource (explanations follow inheritance that far).
    fn shallow(&self, res: ResourceId) -> bool {
        let mut cur = self.data.resources.get(res.index()).and_then(|r| r.parent);
        for _ in 0..EXPLAINED_DEPTH {
            match cur {
                Some(p) => cur = self.data.resources.get(p.index()).and_then(|r| r.parent),
                None => return true,
            }
        }
        false
    }

    /// Describes a condition's value for `u` (on `res`).
    pub fn explain_node(&self, node: NodeId, u: UserId, res: Option<ResourceId>) -> Reason {
        match self.code.node(node) {
            Node::Const(b) => Reason::new(b, Fact::Const(b)),
            Node::Right(r) => self.explain_right(u, r),
            Node::Role(r) => self.explain_role(u, r),
            Node::Flag(f) => self.explain_flag(u, f),
            Node::Group(g) => self.explain_member(u, g),
            Node::Tag(t) => match res {
                Some(r) => self.explain_tag(r, t),
                None => Reason::new(false, Fact::NoResource),
            },
            Node::Same(attr) => match res {
                Some(resource) => {
                    let holds = self.same_value(u, resource, attr);
                    Reason::new(
                        holds,
                        Fact::Same {
                            user: u,
                            resource,
                            attr,
                            holds,
                        },
                    )
                    .at_maybe(attribute_span(
                        &self.data.resource(resource).attributes,
                        attr,
                    ))
                }
                None => Reason::new(false, Fact::NoResource),
            },
            Node::UserAttr(attr, value) => {
                let has = self.user_has_value(u, attr, value);
                let site = self
                    .data
                    .users
                    .get(u.index())
                    .and_then(|d| attribute_span(&d.attributes, attr));
                Reason::new(
                    has,
                    Fact::UserValue {
                        user: u,
                        attr,
                        value,
                        has,
                    },
                )
                .at_maybe(site)
            }
            Node::ResourceAttr(attr, value) => match res {
                Some(resource) => {
                    let has = self.resource_has_value(resource, attr, value);
                    Reason::new(
                        has,
                        Fact::ResourceValue {
                            resource,
                            attr,
                            value,
                            has,
                        },
                    )
                }
                None => Reason::new(false, Fact::NoResource),
            },
            Node::Context(context) => {
                let given = self.given().has(context);
                Reason::new(given, Fact::Context { context, given }).at(self
                    .policy
                    .context(context)
                    .meta
                    .span)
            }
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

    /// Every `assigns` rule that covers the role (or level), as it applies to `u`.
    fn assign_reasons(&self, u: UserId, what: Handed, on: Option<ResourceId>) -> Vec<Reason> {
        let (access, index) = match what {
            Handed::Role(r) => (false, r.index()),
            Handed::Level(l) => (true, l.index()),
        };
        let mut reasons = Vec::new();
        for a in &self.code.assigns {
            if a.access != access || !a.covers(&self.code, index) || !self.has_role(u, a.from) {
                continue;
            }
            let rule = &self.policy.role(a.from).assigns[a.rule];
            let scope = match (a.on_resource, on) {
                (false, _) if a.cond.is_some() => AssignScope::When,
                (false, _) => AssignScope::Anywhere,
                (true, Some(res)) => AssignScope::OnResource(res),
                (true, None) => AssignScope::NeedsResource,
            };
            let mut because = vec![self.explain_role(u, a.from)];
            if let Some(c) = a.cond {
                match (a.on_resource, on) {
                    (true, Some(res)) => because.push(self.explain_node(c, u, Some(res))),
                    (false, _) => because.push(self.explain_node(c, u, None)),
                    (true, None) => {}
                }
            }
            let holds = self.assigns_rule_holds(a, u, on);
            reasons.push(
                Reason::new(
                    holds,
                    Fact::AssignRule {
                        user: u,
                        from: a.from,
                        what,
                        scope,
                        holds,
                    },
                )
                .at(rule.span)
                .because(because),
            );
        }
        if reasons.is_empty() {
            reasons.push(Reason::new(false, Fact::NoAssignRule { user: u, what }));
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
