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

use crate::ir::cond::Facts;
use crate::ir::{bits, AssignsIr, NodeId, Program};
use crate::sema::model::*;

/// Where a condition is evaluated (see `Program::scope`).
#[derive(Clone, Copy)]
struct Scope {
    user: UserId,
    res: Option<ResourceId>,
    /// The row of `access_masks` for (user, res), if the data grants any level there.
    row: Option<usize>,
}

impl Program {
    /// Does user `u` hold right `r` (effective: after revokes and denies)?
    #[inline]
    pub fn has_right(&self, u: UserId, r: RightId) -> bool {
        match self.tables.user_rights.get(u.index()) {
            Some(&set) => self.tables.rights_sets.get(set as usize, r.index()),
            None => false,
        }
    }

    /// Does user `u` have role `r` (assigned, default, or an ancestor of either)?
    #[inline]
    pub fn has_role(&self, u: UserId, r: RoleId) -> bool {
        self.tables.user_roles.get(u.index(), r.index())
    }

    #[inline]
    pub fn has_flag(&self, u: UserId, f: FlagId) -> bool {
        self.tables.user_flags.get(u.index(), f.index())
    }

    /// The row of `access_masks` for user `u` on `res`, if the data grants any level there.
    #[inline]
    pub(crate) fn access_row(&self, u: UserId, res: ResourceId) -> Option<usize> {
        let t = &self.tables;
        let start = *t.access_start.get(u.index())? as usize;
        let end = *t.access_start.get(u.index() + 1)? as usize;
        let slice = t.access_res.get(start..end)?;
        slice.binary_search(&res).ok().map(|i| start + i)
    }

    /// Does the data grant `u` access level `l` on `res`?
    #[inline]
    pub fn data_access(&self, u: UserId, res: ResourceId, l: AccessId) -> bool {
        self.access_row(u, res)
            .is_some_and(|row| self.tables.access_masks.get(row, l.index()))
    }

    /// Access of `u` on `res` (§4.4): what data grants plus every `also when` rule that holds.
    #[inline]
    pub fn has_access(&self, u: UserId, res: ResourceId, l: AccessId) -> bool {
        self.has_access_in(&self.scope(u, Some(res)), l)
    }

    /// Where a condition is evaluated: the user, the resource in scope, and the
    /// user's access row on it (looked up once per question, not per `access`).
    #[inline]
    fn scope(&self, user: UserId, res: Option<ResourceId>) -> Scope {
        Scope {
            user,
            res,
            row: res.and_then(|r| self.access_row(user, r)),
        }
    }

    #[inline]
    fn has_access_in(&self, s: &Scope, l: AccessId) -> bool {
        s.res.is_some()
            && (s
                .row
                .is_some_and(|row| self.tables.access_masks.get(row, l.index()))
                || self
                    .code
                    .access_rules
                    .get(l.index())
                    .is_some_and(|rules| rules.iter().any(|&c| self.eval_in(c, s))))
    }

    /// Evaluates a compiled condition for user `u`, on resource `res` where one is in scope.
    pub fn eval(&self, node: NodeId, u: UserId, res: Option<ResourceId>) -> bool {
        self.eval_in(node, &self.scope(u, res))
    }

    #[inline]
    fn eval_in(&self, node: NodeId, s: &Scope) -> bool {
        self.code.holds(node, &At { p: self, s })
    }

    /// An action inside a condition: on the same resource if it is decided
    /// per resource, for the user alone otherwise.
    #[inline]
    fn action_in(&self, a: ActionId, s: &Scope) -> bool {
        let Some(&c) = self.code.action_cond.get(a.index()) else {
            return false;
        };
        if self
            .code
            .action_scoped
            .get(a.index())
            .copied()
            .unwrap_or(false)
        {
            self.eval_in(c, s)
        } else {
            self.eval_in(
                c,
                &Scope {
                    user: s.user,
                    res: None,
                    row: None,
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
    /// resources (`assigns … on resource when …`) only counts with a resource.
    pub fn may_assign(&self, u: UserId, role: RoleId, on: Option<ResourceId>) -> bool {
        self.code
            .assigns
            .iter()
            .any(|a| self.assigns_rule_covers(a, u, role) && self.assigns_rule_holds(a, u, on))
    }

    pub(crate) fn assigns_rule_covers(&self, a: &AssignsIr, u: UserId, role: RoleId) -> bool {
        self.has_role(u, a.from)
            && match a.roles {
                None => true,
                Some(row) => self.code.assign_sets.get(row, role.index()),
            }
    }

    pub(crate) fn assigns_rule_holds(
        &self,
        a: &AssignsIr,
        u: UserId,
        on: Option<ResourceId>,
    ) -> bool {
        match a.cond {
            None => true,
            Some(c) => on.is_some_and(|r| self.eval(c, u, Some(r))),
        }
    }

    /// Answers a `can` question (§5).
    #[inline]
    pub fn can(&self, q: &CanQ) -> bool {
        match q.target {
            Target::Right(r) => self.has_right(q.user, r),
            Target::Action(a) => self.action_holds(q.user, a, q.on),
            Target::Run(rep) => {
                self.may_run(q.user, rep) && q.on.is_none_or(|r| self.is_row(q.user, rep, r))
            }
            Target::Assign { role, .. } => self.may_assign(q.user, role, q.on),
        }
    }

    /// Every user for whom `can` holds, in data order.
    pub fn who_can(&self, target: Target, on: Option<ResourceId>) -> Vec<UserId> {
        (0..self.data.users.len())
            .map(UserId::from_index)
            .filter(|&user| self.can(&CanQ { user, target, on }))
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
        match self.tables.user_rights.get(u.index()) {
            Some(&set) => bits::ones(self.tables.rights_sets.row(set as usize))
                .map(RightId::from_index)
                .collect(),
            None => Vec::new(),
        }
    }

    /// The user's roles (ancestors included), in declaration order.
    pub fn roles_of(&self, u: UserId) -> Vec<RoleId> {
        bits::ones(self.tables.user_roles.row(u.index()))
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
}
