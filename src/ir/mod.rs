//! Model → [`Program`]: the form the evaluator runs.
//!
//! Everything that does not depend on the question is computed here, once:
//! - role closure (every ancestor of every role) and the rights each role grants;
//! - each user's roles (explicit, or the first matching default-role line, plus
//!   ancestors), flags, and **effective rights** — granted minus revoked minus
//!   denied (LANGUAGE.md §4) — as a bitset, deduplicated across users;
//! - each user's access grants as a sorted table (CSR), one bitmask per resource;
//! - conditions as a flat node array addressed by `u32`.
//!
//! Ids are the model's dense ids; the evaluator never hashes a string or
//! allocates to answer `can`. The model itself is kept as the side table that
//! maps ids back to names, labels and spans for explanations.

pub mod bits;

use crate::sema::model::*;
use bits::{ones, BitMatrix};
use std::sync::Arc;

/// Index of a compiled condition node.
pub type NodeId = u32;

/// A compiled condition node. Children of `And`/`Or` are `kids[start..start+len]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Const(bool),
    Right(RightId),
    Role(RoleId),
    Flag(FlagId),
    Access(AccessId),
    Can(ActionId),
    Not(NodeId),
    And { start: u32, len: u32 },
    Or { start: u32, len: u32 },
}

/// How a user came by their roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleOrigin {
    /// The user's data lists `roles`.
    Explicit,
    /// The default-role line with this index matched.
    Default(usize),
    /// No roles listed and no default-role line matched.
    None,
}

/// An `assigns` rule, flattened: `from` (and every role extending it) may
/// assign `roles` (all when `None`) where `cond` holds.
#[derive(Clone, Debug)]
pub struct AssignsIr {
    pub from: RoleId,
    pub rule: usize,
    /// Row in `Program::assign_sets`, or `None` for `*`.
    pub roles: Option<usize>,
    pub cond: Option<NodeId>,
}

/// The compiled policy and data.
#[derive(Clone, Debug)]
pub struct Program {
    /// The side table: names, labels, docs and spans.
    pub policy: Arc<Policy>,
    pub data: Arc<Data>,

    pub(crate) nodes: Vec<Node>,
    pub(crate) kids: Vec<NodeId>,

    /// Row r: every ancestor of role r, r included.
    pub(crate) role_closure: BitMatrix,
    /// Row r: every right role r grants, inherited ones included.
    pub(crate) role_rights: BitMatrix,
    /// Row d: the rights deny d removes.
    pub(crate) deny_rights: BitMatrix,
    pub(crate) deny_cond: Vec<Option<NodeId>>,
    pub(crate) default_cond: Vec<NodeId>,

    pub(crate) user_roles: BitMatrix,
    pub(crate) user_role_origin: Vec<RoleOrigin>,
    pub(crate) user_flags: BitMatrix,
    /// User u's effective rights are row `user_rights[u]` of `rights_sets`.
    pub(crate) user_rights: Vec<u32>,
    pub(crate) rights_sets: BitMatrix,

    /// CSR: user u's access entries are `access_start[u]..access_start[u+1]`,
    /// sorted by resource; row i of `access_masks` holds the levels on `access_res[i]`.
    pub(crate) access_start: Vec<u32>,
    pub(crate) access_res: Vec<ResourceId>,
    pub(crate) access_masks: BitMatrix,
    /// `also when` rules of each access level.
    pub(crate) access_rules: Vec<Vec<NodeId>>,

    pub(crate) action_cond: Vec<NodeId>,
    /// Whether each action is decided per resource (copied from the policy so
    /// the evaluator need not reach through it).
    pub(crate) action_scoped: Vec<bool>,
    pub(crate) report_requires: Vec<NodeId>,
    pub(crate) report_where: Vec<Option<NodeId>>,
    pub(crate) report_details: Vec<Option<NodeId>>,

    pub(crate) assigns: Vec<AssignsIr>,
    pub(crate) assign_sets: BitMatrix,
}

impl Program {
    /// Compiles a checked model. The model must have no errors (cycles in
    /// particular): callers get it from [`crate::load::Workspace::checked_model`].
    pub fn compile(model: Model) -> Program {
        Program::compile_parts(Arc::new(model.policy), Arc::new(model.data))
    }

    /// Compiles a policy with one set of data (tests compile the same policy
    /// with each test's data).
    pub fn compile_parts(policy: Arc<Policy>, data: Arc<Data>) -> Program {
        let nr = policy.rights.len();
        let nroles = policy.roles.len();
        let mut p = Program {
            nodes: Vec::new(),
            kids: Vec::new(),
            role_closure: BitMatrix::new(nroles, nroles),
            role_rights: BitMatrix::new(nroles, nr),
            deny_rights: BitMatrix::new(policy.denies.len(), nr),
            deny_cond: Vec::new(),
            default_cond: Vec::new(),
            user_roles: BitMatrix::new(data.users.len(), nroles),
            user_role_origin: Vec::with_capacity(data.users.len()),
            user_flags: BitMatrix::new(data.users.len(), policy.flags.len()),
            user_rights: Vec::with_capacity(data.users.len()),
            rights_sets: BitMatrix::with_width(nr),
            access_start: Vec::with_capacity(data.users.len() + 1),
            access_res: Vec::new(),
            access_masks: BitMatrix::with_width(policy.access.len()),
            access_rules: Vec::new(),
            action_cond: Vec::new(),
            action_scoped: policy.actions.iter().map(|a| a.on_resource).collect(),
            report_requires: Vec::new(),
            report_where: Vec::new(),
            report_details: Vec::new(),
            assigns: Vec::new(),
            assign_sets: BitMatrix::with_width(nroles),
            policy: policy.clone(),
            data: data.clone(),
        };
        p.compile_conditions(&policy);
        p.compile_roles(&policy);
        p.compile_users(&policy, &data);
        p
    }

    fn compile_conditions(&mut self, policy: &Policy) {
        self.access_rules = policy
            .access
            .iter()
            .map(|l| l.also_when.iter().map(|c| self.cond(c)).collect())
            .collect();
        self.action_cond = policy.actions.iter().map(|a| self.cond(&a.when)).collect();
        for r in &policy.reports {
            let req = self.cond(&r.requires);
            self.report_requires.push(req);
            let w = r.rows_where.as_ref().map(|c| self.cond(c));
            self.report_where.push(w);
            let d = r.details_when.as_ref().map(|c| self.cond(c));
            self.report_details.push(d);
        }
        for (i, d) in policy.denies.iter().enumerate() {
            for site in &d.rights {
                self.deny_rights.set(i, site.right.index());
            }
            let c = d.when.as_ref().map(|c| self.cond(c));
            self.deny_cond.push(c);
        }
        self.default_cond = policy
            .default_roles
            .iter()
            .map(|l| self.cond(&l.when))
            .collect();
    }

    /// Compiles a condition into nodes. The model's conditions nest at most
    /// `syntax::MAX_NESTING` deep, so this recursion is bounded.
    fn cond(&mut self, c: &Cond) -> NodeId {
        let node = match c {
            Cond::Const(b, _) => Node::Const(*b),
            Cond::Right(id, _) => Node::Right(*id),
            Cond::Role(id, _) => Node::Role(*id),
            Cond::Flag(id, _) => Node::Flag(*id),
            Cond::Access(id, _) => Node::Access(*id),
            Cond::Can(id, _) => Node::Can(*id),
            Cond::Not(x, _) => Node::Not(self.cond(x)),
            Cond::And(xs, _) | Cond::Or(xs, _) => {
                let children: Vec<NodeId> = xs.iter().map(|x| self.cond(x)).collect();
                let start = self.kids.len() as u32;
                self.kids.extend_from_slice(&children);
                let len = children.len() as u32;
                if matches!(c, Cond::And(..)) {
                    Node::And { start, len }
                } else {
                    Node::Or { start, len }
                }
            }
        };
        self.nodes.push(node);
        (self.nodes.len() - 1) as NodeId
    }

    fn compile_roles(&mut self, policy: &Policy) {
        // parents before children (the model is acyclic)
        let n = policy.roles.len();
        let mut pending: Vec<usize> = policy.roles.iter().map(|r| r.parents.len()).collect();
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, r) in policy.roles.iter().enumerate() {
            for (p, _) in &r.parents {
                children[p.index()].push(i);
            }
        }
        let mut ready: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
        while let Some(r) = ready.pop() {
            self.role_closure.set(r, r);
            for site in &policy.roles[r].grants {
                self.role_rights.set(r, site.right.index());
            }
            for (p, _) in &policy.roles[r].parents {
                let anc = self.role_closure.row(p.index()).to_vec();
                bits::union_into(self.role_closure.row_mut(r), &anc);
                let rights = self.role_rights.row(p.index()).to_vec();
                bits::union_into(self.role_rights.row_mut(r), &rights);
            }
            for &c in &children[r] {
                pending[c] -= 1;
                if pending[c] == 0 {
                    ready.push(c);
                }
            }
        }
        for (ri, role) in policy.roles.iter().enumerate() {
            for (k, rule) in role.assigns.iter().enumerate() {
                let roles = rule.roles.as_ref().map(|rs| {
                    let mut row = vec![0u64; self.assign_sets.stride()];
                    for r in rs {
                        bits::set(&mut row, r.index());
                    }
                    self.assign_sets.push(&row)
                });
                let cond = rule.on_resource_when.as_ref().map(|c| self.cond(c));
                self.assigns.push(AssignsIr {
                    from: RoleId::from_index(ri),
                    rule: k,
                    roles,
                    cond,
                });
            }
        }
    }

    fn compile_users(&mut self, policy: &Policy, data: &Data) {
        let mut dedup: rustc_hash::FxHashMap<Vec<u64>, u32> = Default::default();
        let rights_stride = self.rights_sets.stride();
        for (ui, user) in data.users.iter().enumerate() {
            let u = UserId::from_index(ui);
            for (f, _) in &user.flags {
                self.user_flags.set(ui, f.index());
            }
            // roles: explicit, or the first matching default line; then ancestors
            let (direct, origin): (Vec<RoleId>, RoleOrigin) = match &user.roles {
                Some(rs) => (rs.iter().map(|(r, _)| *r).collect(), RoleOrigin::Explicit),
                None => {
                    let line = (0..self.default_cond.len())
                        .find(|&i| self.eval_user_cond(self.default_cond[i], u));
                    match line {
                        Some(i) => (vec![policy.default_roles[i].role], RoleOrigin::Default(i)),
                        None => (Vec::new(), RoleOrigin::None),
                    }
                }
            };
            self.user_role_origin.push(origin);
            let mut granted = vec![0u64; rights_stride];
            for r in &direct {
                let closure = self.role_closure.row(r.index()).to_vec();
                bits::union_into(self.user_roles.row_mut(ui), &closure);
                bits::union_into(&mut granted, self.role_rights.row(r.index()));
            }
            for site in &user.grants {
                bits::set(&mut granted, site.right.index());
            }
            // revokes and denies always win
            for site in &user.revokes {
                bits::clear(&mut granted, site.right.index());
            }
            for d in 0..self.deny_cond.len() {
                let applies = match self.deny_cond[d] {
                    None => true,
                    Some(c) => self.eval_user_cond(c, u),
                };
                if applies {
                    bits::subtract(&mut granted, self.deny_rights.row(d));
                }
            }
            let next = self.rights_sets.rows() as u32;
            let set = *dedup.entry(granted).or_insert_with_key(|row| {
                self.rights_sets.push(row);
                next
            });
            self.user_rights.push(set);
        }
        // access: CSR sorted by resource
        let mut entries: Vec<(ResourceId, AccessId)> = Vec::new();
        for user in &data.users {
            self.access_start.push(self.access_res.len() as u32);
            entries.clear();
            entries.extend(user.access.iter().map(|(r, l, _)| (*r, *l)));
            entries.sort_unstable();
            let mut row = vec![0u64; self.access_masks.stride()];
            let mut i = 0;
            while i < entries.len() {
                let res = entries[i].0;
                row.iter_mut().for_each(|w| *w = 0);
                while i < entries.len() && entries[i].0 == res {
                    bits::set(&mut row, entries[i].1.index());
                    i += 1;
                }
                self.access_res.push(res);
                self.access_masks.push(&row);
            }
        }
        self.access_start.push(self.access_res.len() as u32);
    }

    /// Evaluates a deny or default-role condition while users are being
    /// compiled: such conditions use only roles and flags (checked by sema),
    /// and flags and roles are filled in before they are asked.
    fn eval_user_cond(&self, node: NodeId, u: UserId) -> bool {
        self.eval(node, u, None)
    }

    /// Number of distinct effective-rights sets (users share them).
    pub fn distinct_rights_sets(&self) -> usize {
        self.rights_sets.rows()
    }

    /// The rights a role grants (inherited ones included), in id order.
    pub fn role_rights(&self, r: RoleId) -> impl Iterator<Item = RightId> + '_ {
        ones(self.role_rights.row(r.index())).map(RightId::from_index)
    }

    /// Whether role `r` is `ancestor` or inherits from it.
    pub fn role_inherits(&self, r: RoleId, ancestor: RoleId) -> bool {
        self.role_closure.get(r.index(), ancestor.index())
    }
}
