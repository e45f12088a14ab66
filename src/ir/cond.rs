//! The one walker of compiled conditions. What an atom (`right`, `role`,
//! `flag`, `access`, `can`) means is asked of a [`Facts`]: the evaluator in
//! `eval` answers for a user on a resource; the table builder in `tables.rs`
//! answers roles, flags and groups while it decides each user's default role
//! and denies (sema allows nothing else there). Monomorphised per caller, so the
//! evaluator's hot path pays for no indirection.

use super::{Node, NodeId, PolicyCode};
use crate::sema::model::*;

/// The truth of each kind of atom, for one user (and one resource, if any).
pub(crate) trait Facts {
    fn right(&self, r: RightId) -> bool;
    fn role(&self, r: RoleId) -> bool;
    fn flag(&self, f: FlagId) -> bool;
    fn access(&self, l: AccessId) -> bool;
    fn action(&self, a: ActionId) -> bool;
    fn group(&self, g: GroupId) -> bool;
    fn tag(&self, t: TagId) -> bool;
}

impl PolicyCode {
    /// Whether a compiled condition holds, given the facts. Conditions nest at
    /// most `syntax::MAX_NESTING` deep and `can` chains are bounded by sema,
    /// so the recursion is bounded.
    #[inline]
    pub(crate) fn holds<F: Facts>(&self, node: NodeId, f: &F) -> bool {
        match self.nodes.get(node as usize) {
            None => false,
            Some(&n) => match n {
                Node::Const(b) => b,
                Node::Right(r) => f.right(r),
                Node::Role(r) => f.role(r),
                Node::Flag(x) => f.flag(x),
                Node::Access(l) => f.access(l),
                Node::Can(a) => f.action(a),
                Node::Group(g) => f.group(g),
                Node::Tag(t) => f.tag(t),
                Node::Not(x) => !self.holds(x, f),
                Node::And { start, len } => {
                    self.children(start, len).iter().all(|&c| self.holds(c, f))
                }
                Node::Or { start, len } => {
                    self.children(start, len).iter().any(|&c| self.holds(c, f))
                }
            },
        }
    }

    #[inline]
    pub(crate) fn children(&self, start: u32, len: u32) -> &[NodeId] {
        self.kids
            .get(start as usize..(start + len) as usize)
            .unwrap_or(&[])
    }

    pub(crate) fn node(&self, id: NodeId) -> Node {
        self.nodes
            .get(id as usize)
            .copied()
            .unwrap_or(Node::Const(false))
    }
}

/// Roles, flags and groups of one user, for deny and default-role conditions.
pub(crate) struct RoleFlagFacts<'a> {
    pub roles: &'a [u64],
    pub flags: &'a [u64],
    pub groups: &'a [u64],
}

impl Facts for RoleFlagFacts<'_> {
    fn right(&self, _: RightId) -> bool {
        false
    }
    fn role(&self, r: RoleId) -> bool {
        super::bits::test(self.roles, r.index())
    }
    fn flag(&self, f: FlagId) -> bool {
        super::bits::test(self.flags, f.index())
    }
    fn access(&self, _: AccessId) -> bool {
        false
    }
    fn action(&self, _: ActionId) -> bool {
        false
    }
    fn group(&self, g: GroupId) -> bool {
        super::bits::test(self.groups, g.index())
    }
    fn tag(&self, _: TagId) -> bool {
        false
    }
}
