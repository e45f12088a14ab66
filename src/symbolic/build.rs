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
//!
//! What R's data says about access (`access for role`, group access) is its
//! profile (`universe.rs`): a function about a resource is built for one
//! profile, `Some(p)`; `None` is no resource in scope.

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
    /// Condition nodes without a resource in scope.
    node: Vec<Cell>,
    /// Per profile (allocated on first use): condition nodes and access
    /// levels on a resource with that profile.
    scoped: Vec<OnceLock<Scoped>>,
    /// Nodes of every function kept so far.
    total: std::sync::atomic::AtomicUsize,
}

struct Scoped {
    node: Vec<Cell>,
    access: Vec<Cell>,
}

impl Memo {
    pub(super) fn new(p: &Program, profiles: usize) -> Memo {
        Memo {
            role: cells(p.policy.roles.len()),
            right: cells(p.policy.rights.len()),
            default_line: cells(p.code.default_cond.len()),
            node: cells(p.code.nodes.len()),
            scoped: (0..profiles).map(|_| OnceLock::new()).collect(),
            total: std::sync::atomic::AtomicUsize::new(0),
        }
    }
}

/// Where a function is evaluated: no resource, or a resource of a profile.
pub type Scope = Option<usize>;

impl Symbolic {
    /// A function from its cell, built on first use; every function kept
    /// counts against [`super::TOTAL_LIMIT`], so a policy whose functions are
    /// each just under the node limit still stops in bounded time and memory.
    fn cached(&self, cell: Option<&Cell>, build: impl FnOnce() -> R) -> R {
        let counted = || {
            let f = build()?;
            let total = self
                .memo
                .total
                .fetch_add(f.size(), std::sync::atomic::Ordering::Relaxed);
            if total + f.size() > super::TOTAL_LIMIT {
                return Err(super::Limit::TooLarge);
            }
            Ok(f)
        };
        match cell {
            Some(c) => c.get_or_init(counted).clone(),
            None => counted(),
        }
    }

    fn scoped(&self, prof: usize) -> Option<&Scoped> {
        self.memo.scoped.get(prof).map(|cell| {
            cell.get_or_init(|| Scoped {
                node: cells(self.code.nodes.len()),
                access: cells(self.policy.access.len()),
            })
        })
    }

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
        self.cached(self.memo.default_line.get(i), || {
            let mut f = self.t();
            for (j, &c) in self.code.default_cond.iter().enumerate().take(i + 1) {
                let cond = self.node(c, None)?;
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
        self.cached(self.memo.role.get(y.index()), || {
            self.roles_where(|z| self.code.role_closure.get(z, y.index()))
        })
    }

    /// U holds right `r` (§4.3).
    pub fn right(&self, r: RightId) -> R {
        self.cached(self.memo.right.get(r.index()), || {
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
            Some(c) => self.node(c, None),
            None => Ok(self.t()),
        }
    }

    /// Access deny `d`'s condition holds on a resource of profile `prof`.
    pub fn access_deny_applies(&self, d: usize, prof: usize) -> R {
        match self.code.access_deny_cond.get(d).copied().flatten() {
            Some(c) => self.node(c, Some(prof)),
            None => Ok(self.t()),
        }
    }

    /// U has access level `l` on a resource of profile `prof` (§8.4).
    pub fn access(&self, l: AccessId, prof: usize) -> R {
        let cell = self.scoped(prof).and_then(|s| s.access.get(l.index()));
        self.cached(cell, || {
            let mut granted = match self.b.access.get(l.index()) {
                Some(&v) => self.var(v),
                None => self.f(),
            };
            if let Some(ids) = self.b.profiles.get(prof) {
                for &(g, ll) in &ids.group_access {
                    if ll == l {
                        granted = self.or(&granted, &self.member(g))?;
                    }
                }
                for &(y, ll) in &ids.role_access {
                    if ll == l {
                        granted = self.or(&granted, &self.has_role(y)?)?;
                    }
                }
            }
            for &c in self.code.access_rules.get(l.index()).into_iter().flatten() {
                granted = self.or(&granted, &self.node(c, Some(prof))?)?;
            }
            if let Some(&v) = self.b.access_revoke.get(l.index()) {
                granted = self.and_not(&granted, &self.var(v))?;
            }
            let denies = self.code.access_denies_of.get(l.index());
            for &d in denies.into_iter().flatten() {
                granted = self.and_not(&granted, &self.access_deny_applies(d as usize, prof)?)?;
            }
            Ok(granted)
        })
    }

    /// Whether action `a` is decided per resource.
    pub fn action_scoped(&self, a: ActionId) -> bool {
        self.code
            .action_scoped
            .get(a.index())
            .copied()
            .unwrap_or(false)
    }

    /// Action `a` holds (for a resource-scoped action, on a resource of
    /// profile `prof`, and never without one).
    pub fn action(&self, a: ActionId, prof: Scope) -> R {
        let scope = if self.action_scoped(a) { prof } else { None };
        match self.code.action_cond.get(a.index()) {
            Some(&c) => self.node(c, scope),
            None => Ok(self.f()),
        }
    }

    /// U may run the report at all (`requires`).
    pub fn report_requires(&self, rep: ReportId) -> R {
        match self.code.report_requires.get(rep.index()) {
            Some(&c) => self.node(c, None),
            None => Ok(self.f()),
        }
    }

    /// A resource of profile `prof` is a row (`where`; true without one).
    pub fn report_where(&self, rep: ReportId, prof: usize) -> R {
        match self.code.report_where.get(rep.index()).copied().flatten() {
            Some(c) => self.node(c, Some(prof)),
            None => Ok(self.t()),
        }
    }

    /// A row of profile `prof` shows in full (`details when`; true without one).
    pub fn report_details(&self, rep: ReportId, prof: usize) -> R {
        match self.code.report_details.get(rep.index()).copied().flatten() {
            Some(c) => self.node(c, Some(prof)),
            None => Ok(self.t()),
        }
    }

    /// U may assign the role (or, with `access`, grant the level) with index
    /// `what`, with no resource named (`None`) or on a resource of a profile
    /// (§8.5).
    pub fn assign(&self, access: bool, what: usize, on: Scope) -> R {
        let mut f = self.f();
        for a in &self.code.assigns {
            if a.access != access || !a.covers(&self.code, what) {
                continue;
            }
            let scope = match (a.on_resource, on, a.cond) {
                (true, None, _) => continue,
                (_, _, None) => self.t(),
                (true, Some(p), Some(c)) => self.node(c, Some(p))?,
                (false, _, Some(c)) => self.node(c, None)?,
            };
            f = self.or(&f, &self.and(&self.has_role(a.from)?, &scope)?)?;
        }
        Ok(f)
    }

    /// Builds every function of the policy (rights, roles, actions, access
    /// levels, reports, `assigns`, denies, default lines) and returns their
    /// total size in nodes: what `rights analyze` needs, for benchmarks.
    pub fn build_all(&self) -> Result<usize, crate::symbolic::Limit> {
        let mut nodes = 0;
        let p = &self.policy;
        let profiles = 0..self.universe.profiles.len();
        for r in (0..p.rights.len()).map(RightId::from_index) {
            nodes += self.right(r)?.size();
        }
        for y in (0..p.roles.len()).map(RoleId::from_index) {
            nodes += self.has_role(y)?.size();
            nodes += self.assign(false, y.index(), None)?.size();
            for prof in profiles.clone() {
                nodes += self.assign(false, y.index(), Some(prof))?.size();
            }
        }
        for a in (0..p.actions.len()).map(ActionId::from_index) {
            for prof in profiles.clone() {
                nodes += self.action(a, Some(prof))?.size();
            }
        }
        for l in (0..p.access.len()).map(AccessId::from_index) {
            for prof in profiles.clone() {
                nodes += self.access(l, prof)?.size();
                nodes += self.assign(true, l.index(), Some(prof))?.size();
            }
        }
        for rep in (0..p.reports.len()).map(ReportId::from_index) {
            nodes += self.report_requires(rep)?.size();
            for prof in profiles.clone() {
                nodes += self.report_where(rep, prof)?.size();
                nodes += self.report_details(rep, prof)?.size();
            }
        }
        for d in 0..self.code.deny_cond.len() {
            nodes += self.deny_applies(d)?.size();
        }
        for d in 0..self.code.access_deny_cond.len() {
            for prof in profiles.clone() {
                nodes += self.access_deny_applies(d, prof)?.size();
            }
        }
        for i in 0..self.code.default_cond.len() {
            nodes += self.default_line(i)?.size();
        }
        Ok(nodes)
    }

    /// A compiled condition, without a resource or on one of a profile. Conditions
    /// nest at most `syntax::MAX_NESTING` deep and chains of actions and
    /// rules are bounded by sema, so the recursion is bounded.
    pub(crate) fn node(&self, n: NodeId, scope: Scope) -> R {
        let cell = match scope {
            None => self.memo.node.get(n as usize),
            Some(p) => self.scoped(p).and_then(|s| s.node.get(n as usize)),
        };
        self.cached(cell, || {
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
                Node::Access(l) => match scope {
                    Some(p) => self.access(l, p),
                    None => Ok(self.f()),
                },
                Node::Tag(t) => Ok(match (scope, self.b.tag.get(t.index())) {
                    (Some(_), Some(&v)) => self.var(v),
                    _ => self.f(),
                }),
                // on the same resource if it is decided per resource
                Node::Can(a) => self.action(a, scope),
                Node::Not(x) => Ok(self.node(x, scope)?.not()),
                Node::And { start, len } => {
                    let mut f = self.t();
                    for &c in self.code.children(start, len) {
                        f = self.and(&f, &self.node(c, scope)?)?;
                        if f.is_false() {
                            break;
                        }
                    }
                    Ok(f)
                }
                Node::Or { start, len } => {
                    let mut f = self.f();
                    for &c in self.code.children(start, len) {
                        f = self.or(&f, &self.node(c, scope)?)?;
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
