//! Program → decisions, reports, listings and explanations.
//!
//! The decision functions here ([`Program::can`], [`Program::eval`], …) are the
//! one evaluator behind the CLI, the REPL, policy tests and the library API.
//! They read only the program's dense tables: no string is hashed and nothing
//! is allocated to answer `can`. Evaluation always terminates: conditions are
//! acyclic (checked by sema) and nest boundedly.
//!
//! [`explain`] describes a decision in words, using these same functions for
//! every truth value it reports, so an explanation cannot disagree with the
//! decision it explains.

pub mod answer;
pub mod explain;
mod tree;

use crate::ir::cond::{Facts, Levels};
use crate::ir::{bits, AssignsIr, NodeId, Program};
use crate::sema::model::*;

/// Where a condition is evaluated (see `Program::scope`).
#[derive(Clone, Copy)]
struct Scope {
    user: UserId,
    res: Option<ResourceId>,
    /// The row of `access.masks` for (user, res), if the data grants any level there.
    row: Option<usize>,
    /// The first 32 levels held there (granted, not revoked).
    held: u64,
}

impl Program {
    /// Does user `u` hold right `r` (effective: after revokes and denies)?
    #[inline]
    pub fn has_right(&self, u: UserId, r: RightId) -> bool {
        match self.tables.user_cards.get(u.index()) {
            Some(c) => c.rights.has(&self.tables.rights_sets, r.index()),
            None => false,
        }
    }

    /// Does user `u` have role `r` (assigned, default, or an ancestor of either)?
    #[inline]
    pub fn has_role(&self, u: UserId, r: RoleId) -> bool {
        bits::test(self.tables.roles_row(u.index()), r.index())
    }

    #[inline]
    pub fn has_flag(&self, u: UserId, f: FlagId) -> bool {
        self.tables.user_flags.get(u.index(), f.index())
    }

    /// Is `u` a member of group `g` (directly or through nested groups)?
    #[inline]
    pub fn in_group(&self, u: UserId, g: GroupId) -> bool {
        self.tables.user_groups.get(u.index(), g.index())
    }

    /// Is group `g` nested in group `ancestor` (or the same)?
    pub fn group_nested_in(&self, g: GroupId, ancestor: GroupId) -> bool {
        self.tables
            .shared
            .group_closure
            .get(g.index(), ancestor.index())
    }

    /// Does resource `r` have tag `t`?
    #[inline]
    pub fn has_tag(&self, r: ResourceId, t: TagId) -> bool {
        self.tables.shared.resource_tags.get(r.index(), t.index())
    }

    /// The row of `access.masks` for user `u` on `res`, if the data grants any level there.
    #[inline]
    pub(crate) fn access_row(&self, u: UserId, res: ResourceId) -> Option<usize> {
        self.access_entry(u, res).map(|(row, _)| row)
    }

    /// The resources of `u`'s access entries (the data's and the groups'),
    /// in resource order.
    pub fn access_resources(&self, u: UserId) -> &[ResourceId] {
        let t = &self.tables;
        let (Some(&start), Some(&end)) = (
            t.access.start.get(u.index()),
            t.access.start.get(u.index() + 1),
        ) else {
            return &[];
        };
        t.access
            .res
            .get(start as usize..end as usize)
            .unwrap_or(&[])
    }

    /// Every resource where `u` holds an access level, with how many: from
    /// the data, the user's groups and `access for role` lines (`also when`
    /// rules, which may hold anywhere, are not searched), after revokes and
    /// access denies; in resource order.
    pub fn access_held(&self, u: UserId) -> Vec<(ResourceId, usize)> {
        let sh = &self.tables.shared;
        let mut candidates: Vec<ResourceId> = self.access_resources(u).to_vec();
        for r in 0..self.data.resources.len() {
            let (Some(&start), Some(&end)) =
                (sh.role_access_start.get(r), sh.role_access_start.get(r + 1))
            else {
                continue;
            };
            let mine = (start as usize..end as usize).any(|i| {
                sh.role_access
                    .get(i)
                    .is_some_and(|&role| self.has_role(u, role))
            });
            if mine {
                candidates.push(ResourceId::from_index(r));
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let levels = self.policy.access.len();
        candidates
            .into_iter()
            .map(|r| {
                // the access row looked up once per resource, not per level
                let scope = self.scope(u, Some(r));
                let held = (0..levels)
                    .filter(|&l| self.has_access_in(&scope, AccessId::from_index(l)))
                    .count();
                (r, held)
            })
            .filter(|&(_, held)| held > 0)
            .collect()
    }

    /// The row of `access.masks` for user `u` on `res` and the first 32
    /// levels held there (granted, not revoked). There is a row wherever
    /// the user's data grants or revokes a level or one of their groups
    /// grants one (the explanations read those lists only where there is:
    /// a test in `workspace/tests.rs` holds the tables to it).
    #[inline]
    pub(crate) fn access_entry(&self, u: UserId, res: ResourceId) -> Option<(usize, u64)> {
        let v = self.tables.access.index.get(u.0, res.0)?;
        Some(((v >> 32) as usize, v & u64::from(u32::MAX)))
    }

    /// Do the data or `u`'s groups grant `u` access level `l` on `res`
    /// (before revokes and denies)?
    #[inline]
    pub fn data_access(&self, u: UserId, res: ResourceId, l: AccessId) -> bool {
        self.access_row(u, res)
            .is_some_and(|row| self.tables.access.masks.get(row, l.index()))
    }

    /// Does `u`'s data revoke access level `l` on `res`?
    #[inline]
    pub fn access_revoked(&self, u: UserId, res: ResourceId, l: AccessId) -> bool {
        self.access_row(u, res)
            .is_some_and(|row| self.tables.access.revokes.get(row, l.index()))
    }

    /// Does `access for role` on `res` give `u` level `l` (through one of `u`'s roles)?
    #[inline]
    pub fn role_access(&self, u: UserId, res: ResourceId, l: AccessId) -> bool {
        self.role_access_via(u, res, l).is_some()
    }

    /// The role through which `access for role` on `res` gives `u` level `l`.
    #[inline]
    pub fn role_access_via(&self, u: UserId, res: ResourceId, l: AccessId) -> Option<RoleId> {
        let sh = &self.tables.shared;
        let start = *sh.role_access_start.get(res.index())? as usize;
        let end = *sh.role_access_start.get(res.index() + 1)? as usize;
        (start..end).find_map(|i| {
            let role = *sh.role_access.get(i)?;
            (sh.role_access_masks.get(i, l.index()) && self.has_role(u, role)).then_some(role)
        })
    }

    /// Access of `u` on `res` (§4.4, §8.4): what data, groups, `access for
    /// role` and `also when` rules grant, minus revokes, minus access denies.
    #[inline]
    pub fn has_access(&self, u: UserId, res: ResourceId, l: AccessId) -> bool {
        self.has_access_in(&self.scope(u, Some(res)), l)
    }

    /// The first access deny that removes `l` from `u` on `res`, if any.
    pub fn access_denied_by(
        &self,
        u: UserId,
        res: ResourceId,
        l: AccessId,
    ) -> Option<AccessDenyId> {
        self.denied_in(&self.scope(u, Some(res)), l)
            .map(|d| AccessDenyId::from_index(d as usize))
    }

    #[inline]
    fn denied_in(&self, s: &Scope, l: AccessId) -> Option<u32> {
        let denies = self.code.access_denies_of.get(l.index())?;
        denies.iter().copied().find(|&d| {
            self.code
                .access_deny_cond
                .get(d as usize)
                .copied()
                .flatten()
                .is_none_or(|c| self.eval_in(c, s))
        })
    }

    /// Where a condition is evaluated: the user, the resource in scope, and the
    /// user's access row on it (looked up once per question, not per `access`).
    #[inline]
    fn scope(&self, user: UserId, res: Option<ResourceId>) -> Scope {
        let entry = res.and_then(|r| self.access_entry(user, r));
        Scope {
            user,
            res,
            row: entry.map(|(row, _)| row),
            held: entry.map_or(0, |(_, held)| held),
        }
    }

    #[inline(always)]
    fn has_access_in(&self, s: &Scope, l: AccessId) -> bool {
        let Some(res) = s.res else {
            return false;
        };
        let row = |m: &crate::ir::bits::BitMatrix| s.row.is_some_and(|r| m.get(r, l.index()));
        if self.tables.shared.role_access.is_empty()
            && self
                .code
                .access_plain
                .get(l.index())
                .copied()
                .unwrap_or(false)
        {
            // the common case: the access row decides
            return if l.index() < 32 {
                s.held >> l.index() & 1 != 0
            } else {
                row(&self.tables.access.masks)
                    && !s
                        .row
                        .is_some_and(|r| self.tables.access.revokes.get(r, l.index()))
            };
        }
        self.has_access_full(s, res, l)
    }

    /// Access with `access for role`, `also when` rules and access denies:
    /// what grants it, cheapest first; then revokes and denies, which always
    /// win, only when something grants it.
    #[inline(never)]
    fn has_access_full(&self, s: &Scope, res: ResourceId, l: AccessId) -> bool {
        (self.granted_directly(s, res, l) || self.inherited_from(s.user, res, l).is_some())
            && !self.taken_away_in(s, l)
    }

    /// Whether `l` is given on `res` (the scope's resource) by a source
    /// other than inheritance: the data, a group, an `access for role`
    /// line, an `also when` rule.
    fn granted_directly(&self, s: &Scope, res: ResourceId, l: AccessId) -> bool {
        s.row
            .is_some_and(|r| self.tables.access.masks.get(r, l.index()))
            || self.role_access(s.user, res, l)
            || self
                .code
                .access_rules
                .get(l.index())
                .is_some_and(|rules| rules.iter().any(|&c| self.eval_in(c, s)))
    }

    /// Whether the user's revokes or an access deny take `l` away in scope.
    fn taken_away_in(&self, s: &Scope, l: AccessId) -> bool {
        s.row
            .is_some_and(|r| self.tables.access.revokes.get(r, l.index()))
            || self.denied_in(s, l).is_some()
    }

    /// Evaluates a compiled condition for user `u`, on resource `res` where one is in scope.
    pub fn eval(&self, node: NodeId, u: UserId, res: Option<ResourceId>) -> bool {
        self.eval_in(node, &self.scope(u, res))
    }

    #[inline]
    fn eval_in(&self, node: NodeId, s: &Scope) -> bool {
        self.code.holds(node, &At { p: self, s })
    }

    /// `u`'s decision table in slot `slot` (an action's index, or the
    /// number of actions plus a report's), if the program has tables.
    #[inline(always)]
    fn decision_table(&self, u: UserId, slot: usize) -> Option<Levels> {
        let t = &self.tables;
        if t.decision_stride == 0 {
            return None;
        }
        t.decision_tables
            .get(u.index() * t.decision_stride + slot)
            .map(|&x| Levels(x))
    }

    /// Action `a` decided from `u`'s table, when it can be: for the user
    /// alone (`on_resource` false: no level held, and no tag is read, by
    /// `levels_decide`), or on a resource by the levels held there, when
    /// the data has no `access for role` (which could give a level otherwise).
    #[inline(always)]
    fn action_from_table(&self, a: ActionId, on_resource: bool, s: &Scope) -> Option<bool> {
        if !self
            .code
            .action_tabled
            .get(a.index())
            .copied()
            .unwrap_or(false)
            || on_resource && !self.tables.shared.role_access.is_empty()
        {
            return None;
        }
        let table = self.decision_table(s.user, a.index())?;
        Some(table.at(if on_resource { s.held } else { 0 }))
    }

    /// `run rep on res` decided from `u`'s table of the report, when it can
    /// be: its `rows … where` reads only the levels held, and the data has
    /// no `access for role`.
    #[inline(always)]
    fn run_from_table(&self, u: UserId, rep: ReportId, res: ResourceId) -> Option<bool> {
        if !self
            .code
            .report_tabled
            .get(rep.index())
            .copied()
            .unwrap_or(false)
            || !self.tables.shared.role_access.is_empty()
        {
            return None;
        }
        let table = self.decision_table(u, self.code.action_cond.len() + rep.index())?;
        Some(table.at(self.access_entry(u, res).map_or(0, |(_, held)| held)))
    }

    /// An action inside a condition: on the same resource if it is decided
    /// per resource, for the user alone otherwise.
    #[inline]
    fn action_in(&self, a: ActionId, s: &Scope) -> bool {
        let scoped = self
            .code
            .action_scoped
            .get(a.index())
            .copied()
            .unwrap_or(false);
        if let Some(v) = self.action_from_table(a, scoped && s.res.is_some(), s) {
            return v;
        }
        let Some(&c) = self.code.action_cond.get(a.index()) else {
            return false;
        };
        if scoped {
            self.eval_in(c, s)
        } else {
            self.eval_in(
                c,
                &Scope {
                    user: s.user,
                    res: None,
                    row: None,
                    held: 0,
                },
            )
        }
    }

    /// Does action `a` hold for `u` (on `res`, for a resource-scoped action)?
    #[inline]
    pub fn action_holds(&self, u: UserId, a: ActionId, res: Option<ResourceId>) -> bool {
        let scoped = self
            .code
            .action_scoped
            .get(a.index())
            .copied()
            .unwrap_or(false);
        self.action_in(a, &self.scope(u, if scoped { res } else { None }))
    }

    /// May `u` run the report at all (`requires`)?
    #[inline]
    pub fn may_run(&self, u: UserId, rep: ReportId) -> bool {
        self.code
            .report_requires
            .get(rep.index())
            .is_some_and(|&c| self.eval(c, u, None))
    }

    /// Would `res` be a row of the report for `u` (`rows … where`)?
    #[inline]
    pub fn is_row(&self, u: UserId, rep: ReportId, res: ResourceId) -> bool {
        match self.code.report_where.get(rep.index()) {
            Some(Some(c)) => self.eval(*c, u, Some(res)),
            _ => true,
        }
    }

    /// How a row shows for `u`: in full, or name only when `details when` fails.
    #[inline]
    pub fn visibility(&self, u: UserId, rep: ReportId, res: ResourceId) -> Visibility {
        match self.code.report_details.get(rep.index()) {
            Some(Some(c)) if !self.eval(*c, u, Some(res)) => Visibility::NameOnly,
            _ => Visibility::Full,
        }
    }

    /// May `u` assign `role` to another user (on `on`)? A rule limited to
    /// resources (`assigns … on resource …`) only counts with a resource; a
    /// rule with `when COND` alone counts where COND holds for `u`.
    pub fn may_assign(&self, u: UserId, role: RoleId, on: Option<ResourceId>) -> bool {
        self.code.assigns.iter().any(|a| {
            !a.access
                && self.assigns_rule_covers(a, u, role.index())
                && self.assigns_rule_holds(a, u, on)
        })
    }

    /// May `u` grant access level `l` to another user on `on` (§8.5)?
    pub fn may_assign_access(&self, u: UserId, l: AccessId, on: Option<ResourceId>) -> bool {
        self.code.assigns.iter().any(|a| {
            a.access
                && self.assigns_rule_covers(a, u, l.index())
                && self.assigns_rule_holds(a, u, on)
        })
    }

    /// Whether some role's `assigns` rule covers role `r` (someone may be
    /// allowed to hand it out).
    pub fn assignable(&self, r: RoleId) -> bool {
        self.code
            .assigns
            .iter()
            .any(|a| !a.access && a.covers(&self.code, r.index()))
    }

    /// Whether rule `a` belongs to one of `u`'s roles and covers the role (or
    /// level) with index `what`.
    pub(crate) fn assigns_rule_covers(&self, a: &AssignsIr, u: UserId, what: usize) -> bool {
        a.covers(&self.code, what) && self.has_role(u, a.from)
    }

    /// Whether rule `a`'s scope and condition hold for `u` (on `on`).
    pub(crate) fn assigns_rule_holds(
        &self,
        a: &AssignsIr,
        u: UserId,
        on: Option<ResourceId>,
    ) -> bool {
        if a.on_resource {
            on.is_some_and(|r| a.cond.is_none_or(|c| self.eval(c, u, Some(r))))
        } else {
            a.cond.is_none_or(|c| self.eval(c, u, None))
        }
    }

    /// Answers a `can` question (§5).
    #[inline]
    pub fn can(&self, q: &CanQ) -> bool {
        match q.target {
            Target::Right(r) => self.has_right(q.user, r),
            Target::Action(a) => self.action_holds(q.user, a, q.on),
            Target::Run(rep) => match q.on {
                Some(r) if self.event_rows(rep) && !self.in_event(r, q.event) => false,
                Some(r) => match self.run_from_table(q.user, rep, r) {
                    Some(v) => v,
                    None => self.may_run(q.user, rep) && self.is_row(q.user, rep, r),
                },
                None => self.may_run(q.user, rep),
            },
            Target::Assign { role, .. } => self.may_assign(q.user, role, q.on),
            Target::Access(l) => q.on.is_some_and(|r| self.has_access(q.user, r, l)),
            Target::AssignAccess { level, .. } => self.may_assign_access(q.user, level, q.on),
        }
    }

    /// Every user for whom `can` holds, in data order.
    pub fn who_can(&self, target: Target, on: Option<ResourceId>) -> Vec<UserId> {
        (0..self.data.users.len())
            .map(UserId::from_index)
            .filter(|&user| {
                self.can(&CanQ {
                    user,
                    target,
                    on,
                    event: None,
                })
            })
            .collect()
    }

    /// The rows of a report run by `u`: `None` when `u` may not run it.
    pub fn report_rows(&self, q: &ReportQ) -> Option<Vec<(ResourceId, Visibility)>> {
        if !self.may_run(q.user, q.report) {
            return None;
        }
        let rows = |res: ResourceId| {
            self.is_row(q.user, q.report, res)
                .then(|| (res, self.visibility(q.user, q.report, res)))
        };
        let rep = self.policy.report(q.report);
        Some(match (rep.rows, q.event) {
            (RowsSource::Event, Some(e)) => self
                .data
                .events
                .get(e.index())
                .map(|ev| ev.resources.iter().filter_map(|&r| rows(r)).collect())
                .unwrap_or_default(),
            (RowsSource::Event, None) => Vec::new(),
            (RowsSource::Resources, _) => (0..self.data.resources.len())
                .map(ResourceId::from_index)
                .filter_map(rows)
                .collect(),
        })
    }

    /// The user's effective rights, in declaration order.
    pub fn rights_of(&self, u: UserId) -> Vec<RightId> {
        match self.tables.user_cards.get(u.index()) {
            Some(c) => bits::ones(&c.rights.row(&self.tables.rights_sets))
                .map(RightId::from_index)
                .collect(),
            None => Vec::new(),
        }
    }

    /// How many rights the user holds (as [`Program::rights_of`] lists them).
    pub fn rights_count(&self, u: UserId) -> usize {
        match self.tables.user_cards.get(u.index()) {
            Some(c) => c.rights.count(&self.tables.rights_sets),
            None => 0,
        }
    }

    /// The groups the user is a member of (nesting included), in declaration order.
    pub fn groups_of(&self, u: UserId) -> Vec<GroupId> {
        bits::ones(self.tables.user_groups.row(u.index()))
            .map(GroupId::from_index)
            .collect()
    }

    /// The user's roles (ancestors included), in declaration order.
    pub fn roles_of(&self, u: UserId) -> Vec<RoleId> {
        bits::ones(self.tables.roles_row(u.index()))
            .map(RoleId::from_index)
            .collect()
    }
}

/// The facts of one scope, as the condition walker asks for them.
struct At<'a> {
    p: &'a Program,
    s: &'a Scope,
}

impl Facts for At<'_> {
    type V = bool;
    #[inline]
    fn right(&self, r: RightId) -> bool {
        self.p.has_right(self.s.user, r)
    }
    #[inline]
    fn role(&self, r: RoleId) -> bool {
        self.p.has_role(self.s.user, r)
    }
    #[inline]
    fn flag(&self, f: FlagId) -> bool {
        self.p.has_flag(self.s.user, f)
    }
    #[inline]
    fn access(&self, l: AccessId) -> bool {
        self.p.has_access_in(self.s, l)
    }
    #[inline]
    fn action(&self, a: ActionId) -> bool {
        self.p.action_in(a, self.s)
    }
    #[inline]
    fn group(&self, g: GroupId) -> bool {
        self.p.in_group(self.s.user, g)
    }
    #[inline]
    fn tag(&self, t: TagId) -> bool {
        self.s.res.is_some_and(|r| self.p.has_tag(r, t))
    }
    #[inline]
    fn same(&self, a: AttrId) -> bool {
        self.s
            .res
            .is_some_and(|r| self.p.same_value(self.s.user, r, a))
    }
    #[inline]
    fn user_attr(&self, a: AttrId, v: ValueId) -> bool {
        self.p.user_has_value(self.s.user, a, v)
    }
    #[inline]
    fn resource_attr(&self, a: AttrId, v: ValueId) -> bool {
        self.s
            .res
            .is_some_and(|r| self.p.resource_has_value(r, a, v))
    }
    #[inline]
    fn context(&self, c: ContextId) -> bool {
        self.p.tables.with.has(c)
    }
}
