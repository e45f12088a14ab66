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
    /// Per node: whether it reaches an `access` condition (through `can`
    /// too), so that it differs from one profile to another; other nodes on
    /// a resource are built once, for profile 0.
    by_profile: Vec<bool>,
    /// Per node: its class among nodes that are the same condition (the
    /// same text compiles to separate nodes; they share one function).
    canon: Vec<u32>,
    classes: usize,
}

struct Scoped {
    node: Vec<Cell>,
    access: Vec<Cell>,
}

impl Memo {
    pub(super) fn new(p: &Program, profiles: usize) -> Memo {
        let (canon, classes) = canonical(&p.code);
        Memo {
            role: cells(p.policy.roles.len()),
            right: cells(p.policy.rights.len()),
            default_line: cells(p.code.default_cond.len()),
            node: cells(classes),
            canon,
            classes,
            scoped: (0..profiles).map(|_| OnceLock::new()).collect(),
            by_profile: by_profile(&p.code),
        }
    }
}

/// Classes of nodes that are the same condition: same kind, same atom, same
/// classes of children (`can A` by A's condition's class), numbered densely.
/// Computed to a fixed point, since `can` may refer to a later node.
fn canonical(code: &crate::ir::PolicyCode) -> (Vec<u32>, usize) {
    use rustc_hash::FxHashMap;
    let n = code.nodes.len();
    // start from each node its own class; merge until nothing changes
    let mut canon: Vec<u32> = (0..n as u32).collect();
    for _round in 0..=n.min(64) {
        let mut ids: FxHashMap<(u8, u32, Vec<u32>), u32> = FxHashMap::default();
        let mut class_of = |node: &Node| {
            let key = match *node {
                Node::Const(b) => (0, u32::from(b), Vec::new()),
                Node::Right(r) => (1, r.index() as u32, Vec::new()),
                Node::Role(r) => (2, r.index() as u32, Vec::new()),
                Node::Flag(f) => (3, f.index() as u32, Vec::new()),
                Node::Access(l) => (4, l.index() as u32, Vec::new()),
                Node::Group(g) => (5, g.index() as u32, Vec::new()),
                Node::Tag(t) => (6, t.index() as u32, Vec::new()),
                Node::Same(a) => (12, a.index() as u32, Vec::new()),
                Node::UserAttr(a, v) => (13, v.index() as u32, vec![a.index() as u32]),
                Node::ResourceAttr(a, v) => (14, v.index() as u32, vec![a.index() as u32]),
                Node::Context(c) => (15, c.index() as u32, Vec::new()),
                Node::Can(a) => {
                    let scoped = code.action_scoped.get(a.index()).copied().unwrap_or(false);
                    let cond = code
                        .action_cond
                        .get(a.index())
                        .and_then(|&c| canon.get(c as usize).copied())
                        .unwrap_or(u32::MAX);
                    (7, u32::from(scoped), vec![cond])
                }
                Node::Not(x) => (
                    8,
                    0,
                    vec![canon.get(x as usize).copied().unwrap_or(u32::MAX)],
                ),
                Node::And { start, len } => (
                    9,
                    0,
                    code.children(start, len)
                        .iter()
                        .map(|&c| canon.get(c as usize).copied().unwrap_or(u32::MAX))
                        .collect(),
                ),
                Node::Or { start, len } => (
                    10,
                    0,
                    code.children(start, len)
                        .iter()
                        .map(|&c| canon.get(c as usize).copied().unwrap_or(u32::MAX))
                        .collect(),
                ),
            };
            let fresh = ids.len() as u32;
            *ids.entry(key).or_insert(fresh)
        };
        let next: Vec<u32> = code.nodes.iter().map(&mut class_of).collect();
        if next == canon {
            break;
        }
        canon = next;
    }
    let classes = canon.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    (canon, classes)
}

/// Which nodes reach an `access` condition (directly, or through `can` of
/// an action decided per resource). Children come before parents in the
/// node array except through `can`, so this walks to a fixed point (chains
/// of actions are bounded by sema).
fn by_profile(code: &crate::ir::PolicyCode) -> Vec<bool> {
    let n = code.nodes.len();
    let mut out = vec![false; n];
    let mut changed = true;
    let mut rounds = 0;
    while changed && rounds <= n {
        changed = false;
        rounds += 1;
        for i in 0..n {
            if out[i] {
                continue;
            }
            let yes = match code.nodes[i] {
                Node::Access(_) => true,
                Node::Can(a) => {
                    code.action_scoped.get(a.index()).copied().unwrap_or(false)
                        && code
                            .action_cond
                            .get(a.index())
                            .is_some_and(|&c| out.get(c as usize).copied().unwrap_or(false))
                }
                Node::Not(x) => out.get(x as usize).copied().unwrap_or(false),
                Node::And { start, len } | Node::Or { start, len } => code
                    .children(start, len)
                    .iter()
                    .any(|&c| out.get(c as usize).copied().unwrap_or(false)),
                _ => false,
            };
            if yes {
                out[i] = true;
                changed = true;
            }
        }
    }
    out
}

/// Where a function is evaluated: no resource, or a resource of a profile.
pub type Scope = Option<usize>;

impl Symbolic {
    /// A function from its cell, built on first use and kept.
    fn cached(&self, cell: Option<&Cell>, build: impl FnOnce() -> R) -> R {
        match cell {
            Some(c) => c.get_or_init(build).clone(),
            None => build(),
        }
    }

    fn scoped(&self, prof: usize) -> Option<&Scoped> {
        self.memo.scoped.get(prof).map(|cell| {
            cell.get_or_init(|| Scoped {
                node: cells(self.memo.classes),
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
            // held on the parent: a free fact of the resource in scope (§9.1)
            if self
                .code
                .access_inherited
                .get(l.index())
                .copied()
                .unwrap_or(false)
            {
                if let Some(&v) = self.b.inherited.get(l.index()) {
                    granted = self.or(&granted, &self.var(v))?;
                }
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
        // a node that reaches no `access` is the same on every profile
        let scope = match scope {
            Some(_)
                if !self
                    .memo
                    .by_profile
                    .get(n as usize)
                    .copied()
                    .unwrap_or(true) =>
            {
                Some(0)
            }
            s => s,
        };
        let class = self.memo.canon.get(n as usize).copied().unwrap_or(u32::MAX) as usize;
        let cell = match scope {
            None => self.memo.node.get(class),
            Some(p) => self.scoped(p).and_then(|s| s.node.get(class)),
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
                Node::Same(a) => Ok(match (scope, self.b.same.get(a.index())) {
                    (Some(_), Some(&v)) => self.var(v),
                    _ => self.f(),
                }),
                Node::ResourceAttr(a, x) => Ok(
                    match (
                        scope,
                        self.b.var(super::universe::Fact::ResourceValue(a, x)),
                    ) {
                        (Some(_), Some(v)) => self.var(v),
                        _ => self.f(),
                    },
                ),
                Node::UserAttr(a, x) => Ok(self
                    .b
                    .var(super::universe::Fact::UserValue(a, x))
                    .map_or_else(|| self.f(), |v| self.var(v))),
                Node::Context(c) => Ok(self
                    .b
                    .context
                    .get(c.index())
                    .map_or_else(|| self.f(), |&v| self.var(v))),
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
