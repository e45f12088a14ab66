//! The functions: each built on first use from the compiled policy (the same
//! condition nodes the evaluator walks), once, and kept.
//!
//! Over the variables of `universe.rs`, for a user U (and resource R):
//! - member(G) = U joins G or any group nested in G;
//! - base(Y) = (lists ∧ listed Y) ∨ (¬lists ∧ the default line chosen gives
//!   Y) ∨ some group U is a member of gives Y; has(Y) = base of Y or of a
//!   role extending Y;
//! - right(r) = (some role of U grants r ∨ granted directly) ∧ ¬revoked ∧
//!   no deny covering r applies;
//! - access(l) on R = (granted in data ∨ by a group's access on R ∨ by R's
//!   `access for role` to a role of U ∨ an `also when` rule) ∧ ¬revoked on R
//!   ∧ no access deny covering l applies.

use super::{Symbolic, R};
use crate::ir::{bits, Node, NodeId, Program};
use crate::sema::model::*;
use biodivine_lib_bdd::{Bdd, BddVariable};
use std::sync::OnceLock;

type Cell = OnceLock<R>;

fn cells(n: usize) -> Vec<Cell> {
    (0..n).map(|_| OnceLock::new()).collect()
}

/// Every function built so far.
pub(super) struct Memo {
    role: Vec<Cell>,
    right: Vec<Cell>,
    default_line: Vec<Cell>,
    /// Condition nodes, without a resource in scope and with one.
    node: [Vec<Cell>; 2],
    access: Vec<Cell>,
}

impl Memo {
    pub(super) fn new(p: &Program) -> Memo {
        let n = p.code.nodes.len();
        Memo {
            role: cells(p.policy.roles.len()),
            right: cells(p.policy.rights.len()),
            default_line: cells(p.code.default_cond.len()),
            node: [cells(n), cells(n)],
            access: cells(p.policy.access.len()),
        }
    }
}

fn cached(cell: Option<&Cell>, build: impl FnOnce() -> R) -> R {
    match cell {
        Some(c) => c.get_or_init(build).clone(),
        None => build(),
    }
}

impl Symbolic {
    /// U is a member of group `g` (joined it or a group nested in it).
    pub fn member(&self, g: GroupId) -> Bdd {
        let closure = &self.shared.group_closure;
        let mut vs: Vec<BddVariable> = (0..closure.rows())
            .filter(|&h| closure.get(h, g.index()))
            .filter_map(|h| self.b.group.get(h).copied())
            .collect();
        self.any_of(&mut vs)
    }

    /// U is a member of some group that gives a role for which `gives` holds.
    fn member_giving(&self, gives: impl Fn(usize) -> bool) -> Bdd {
        let sh = &self.shared;
        let giving: Vec<usize> = (0..sh.group_roles.rows())
            .filter(|&g| bits::ones(sh.group_roles.row(g)).any(&gives))
            .collect();
        let mut vs: Vec<BddVariable> = (0..sh.group_closure.rows())
            .filter(|&h| giving.iter().any(|&g| sh.group_closure.get(h, g)))
            .filter_map(|h| self.b.group.get(h).copied())
            .collect();
        self.any_of(&mut vs)
    }

    /// Default-role line `i` is the one chosen (the first whose condition holds).
    pub fn default_line(&self, i: usize) -> R {
        cached(self.memo.default_line.get(i), || {
            let mut f = self.t();
            for (j, &c) in self.code.default_cond.iter().enumerate().take(i + 1) {
                let cond = self.node(c, false)?;
                f = if j == i {
                    self.and(&f, &cond)?
                } else {
                    self.and_not(&f, &cond)?
                };
            }
            Ok(f)
        })
    }

    /// U's roles, whatever their origin, include a role for which `pick` holds.
    fn roles_where(&self, pick: impl Fn(usize) -> bool + Copy) -> R {
        let lists = self.var(self.b.lists);
        let mut listed: Vec<BddVariable> = (0..self.policy.roles.len())
            .filter(|&z| pick(z))
            .filter_map(|z| self.b.role.get(z).copied())
            .collect();
        let explicit = self.and(&lists, &self.any_of(&mut listed))?;
        let mut by_default = self.f();
        for (i, role) in self.code.default_role.iter().enumerate() {
            if pick(role.index()) {
                by_default = self.or(&by_default, &self.default_line(i)?)?;
            }
        }
        let by_default = self.and_not(&by_default, &lists)?;
        let groups = self.member_giving(pick);
        self.or(&self.or(&explicit, &by_default)?, &groups)
    }

    /// U has role `y` (directly, by default, through a group, or by extending it).
    pub fn has_role(&self, y: RoleId) -> R {
        cached(self.memo.role.get(y.index()), || {
            self.roles_where(|z| self.code.role_closure.get(z, y.index()))
        })
    }

    /// U holds right `r` (§4.3).
    pub fn right(&self, r: RightId) -> R {
        cached(self.memo.right.get(r.index()), || {
            let by_role = self.roles_where(|z| self.code.role_rights.get(z, r.index()))?;
            let direct = self.b.grant.get(r.index()).map(|&v| self.var(v));
            let granted = match direct {
                Some(d) => self.or(&by_role, &d)?,
                None => by_role,
            };
            let mut held = match self.b.revoke.get(r.index()) {
                Some(&v) => self.and_not(&granted, &self.var(v))?,
                None => granted,
            };
            for d in 0..self.code.deny_cond.len() {
                if self.code.deny_rights.get(d, r.index()) {
                    held = self.and_not(&held, &self.deny_applies(d)?)?;
                }
            }
            Ok(held)
        })
    }

    /// Deny `d`'s condition holds (always, with no `when`).
    pub fn deny_applies(&self, d: usize) -> R {
        match self.code.deny_cond.get(d).copied().flatten() {
            Some(c) => self.node(c, false),
            None => Ok(self.t()),
        }
    }

    /// Access deny `d`'s condition holds on the resource in scope.
    pub fn access_deny_applies(&self, d: usize) -> R {
        match self.code.access_deny_cond.get(d).copied().flatten() {
            Some(c) => self.node(c, true),
            None => Ok(self.t()),
        }
    }

    /// U has access level `l` on the resource in scope (§8.4).
    pub fn access(&self, l: AccessId) -> R {
        cached(self.memo.access.get(l.index()), || {
            let mut granted = match self.b.access.get(l.index()) {
                Some(&v) => self.var(v),
                None => self.f(),
            };
            for &(g, ll, v) in &self.b.group_access {
                if ll == l {
                    granted = self.or(&granted, &self.and(&self.var(v), &self.member(g))?)?;
                }
            }
            for &(y, ll, v) in &self.b.role_access {
                if ll == l {
                    granted = self.or(&granted, &self.and(&self.var(v), &self.has_role(y)?)?)?;
                }
            }
            for &c in self.code.access_rules.get(l.index()).into_iter().flatten() {
                granted = self.or(&granted, &self.node(c, true)?)?;
            }
            if let Some(&v) = self.b.access_revoke.get(l.index()) {
                granted = self.and_not(&granted, &self.var(v))?;
            }
            for &d in self
                .code
                .access_denies_of
                .get(l.index())
                .into_iter()
                .flatten()
            {
                granted = self.and_not(&granted, &self.access_deny_applies(d as usize)?)?;
            }
            Ok(granted)
        })
    }

    /// Action `a` holds (on the resource in scope, for a resource-scoped action).
    pub fn action(&self, a: ActionId) -> R {
        let scoped = self
            .code
            .action_scoped
            .get(a.index())
            .copied()
            .unwrap_or(false);
        match self.code.action_cond.get(a.index()) {
            Some(&c) => self.node(c, scoped),
            None => Ok(self.f()),
        }
    }

    /// U may run the report at all (`requires`).
    pub fn report_requires(&self, rep: ReportId) -> R {
        match self.code.report_requires.get(rep.index()) {
            Some(&c) => self.node(c, false),
            None => Ok(self.f()),
        }
    }

    /// The resource in scope is a row (`where`; true without one).
    pub fn report_where(&self, rep: ReportId) -> R {
        match self.code.report_where.get(rep.index()).copied().flatten() {
            Some(c) => self.node(c, true),
            None => Ok(self.t()),
        }
    }

    /// A row shows in full (`details when`; true without one).
    pub fn report_details(&self, rep: ReportId) -> R {
        match self.code.report_details.get(rep.index()).copied().flatten() {
            Some(c) => self.node(c, true),
            None => Ok(self.t()),
        }
    }

    /// U may assign the role (or, with `access`, grant the level) with index
    /// `what`, with a resource named or not (§8.5).
    pub fn assign(&self, access: bool, what: usize, on_resource: bool) -> R {
        let mut f = self.f();
        for a in &self.code.assigns {
            if a.access != access || !a.covers(&self.code, what) {
                continue;
            }
            let scope = match (a.on_resource, on_resource, a.cond) {
                (true, false, _) => continue,
                (_, _, None) => self.t(),
                (true, true, Some(c)) => self.node(c, true)?,
                (false, _, Some(c)) => self.node(c, false)?,
            };
            f = self.or(&f, &self.and(&self.has_role(a.from)?, &scope)?)?;
        }
        Ok(f)
    }

    /// A compiled condition, with or without a resource in scope. Conditions
    /// nest at most `syntax::MAX_NESTING` deep and chains of actions and
    /// rules are bounded by sema, so the recursion is bounded.
    pub(crate) fn node(&self, n: NodeId, scoped: bool) -> R {
        let cell = self.memo.node[usize::from(scoped)].get(n as usize);
        cached(cell, || {
            let Some(&node) = self.code.nodes.get(n as usize) else {
                return Ok(self.f());
            };
            match node {
                Node::Const(b) => Ok(if b { self.t() } else { self.f() }),
                Node::Right(r) => self.right(r),
                Node::Role(y) => self.has_role(y),
                Node::Flag(x) => Ok(self
                    .b
                    .flag
                    .get(x.index())
                    .map_or_else(|| self.f(), |&v| self.var(v))),
                Node::Group(g) => Ok(self.member(g)),
                Node::Access(l) if scoped => self.access(l),
                Node::Tag(t) if scoped => Ok(self
                    .b
                    .tag
                    .get(t.index())
                    .map_or_else(|| self.f(), |&v| self.var(v))),
                Node::Access(_) | Node::Tag(_) => Ok(self.f()),
                Node::Can(a) => {
                    let own = self
                        .code
                        .action_scoped
                        .get(a.index())
                        .copied()
                        .unwrap_or(false);
                    match self.code.action_cond.get(a.index()) {
                        Some(&c) => self.node(c, own && scoped),
                        None => Ok(self.f()),
                    }
                }
                Node::Not(x) => Ok(self.node(x, scoped)?.not()),
                Node::And { start, len } => {
                    let mut f = self.t();
                    for &c in self.code.children(start, len) {
                        f = self.and(&f, &self.node(c, scoped)?)?;
                        if f.is_false() {
                            break;
                        }
                    }
                    Ok(f)
                }
                Node::Or { start, len } => {
                    let mut f = self.f();
                    for &c in self.code.children(start, len) {
                        f = self.or(&f, &self.node(c, scoped)?)?;
                        if f.is_true() {
                            break;
                        }
                    }
                    Ok(f)
                }
            }
        })
    }
}
