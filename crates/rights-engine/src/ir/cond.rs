//! The one walker of compiled conditions. What an atom (`right`, `role`,
//! `flag`, `access`, `can`) means is asked of a [`Facts`]: the evaluator in
//! `eval` answers for a user on a resource; the table builder in `tables.rs`
//! answers for a user alone while it decides each user's default role and
//! denies, and builds each user's action tables (see [`Levels`]).
//! Monomorphised per caller, so the evaluator's hot path pays for no
//! indirection.

use super::{Node, NodeId, PolicyCode};
use crate::sema::model::*;

/// What a condition evaluates to: a truth value, or a truth value for each
/// combination of access levels ([`Levels`]).
pub(crate) trait Truth: Copy + PartialEq {
    const TRUE: Self;
    const FALSE: Self;
    fn not(self) -> Self;
    fn and(self, other: Self) -> Self;
    fn or(self, other: Self) -> Self;
}

impl Truth for bool {
    const TRUE: bool = true;
    const FALSE: bool = false;
    #[inline(always)]
    fn not(self) -> bool {
        !self
    }
    #[inline(always)]
    fn and(self, other: bool) -> bool {
        self && other
    }
    #[inline(always)]
    fn or(self, other: bool) -> bool {
        self || other
    }
}

/// A condition's value on a resource for every combination of the first
/// [`LEVELS`] access levels held there: bit `m` is its value when the levels
/// held are the bits of `m`. An action whose condition reads nothing of the
/// resource but those levels is decided by one shift: `table >> held & 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Levels(pub u64);

/// How many access levels a [`Levels`] table covers (2^6 = 64 bits).
pub(crate) const LEVELS: usize = 6;

/// The most nodes a walk of a condition may visit (`can` looked into) for
/// the condition to be tabled: tables are built for every user, so a long
/// condition is walked only when a question asks it.
pub(crate) const TABLE_WALK: usize = 256;

impl Levels {
    /// The same value whatever the levels held.
    #[inline]
    pub(crate) fn splat(b: bool) -> Levels {
        Levels(if b { u64::MAX } else { 0 })
    }

    /// "Level `l` is held": bit `m` set when `m` has bit `l`.
    #[inline]
    pub(crate) fn level(l: usize) -> Levels {
        const PATTERNS: [u64; LEVELS] = [
            0xAAAA_AAAA_AAAA_AAAA,
            0xCCCC_CCCC_CCCC_CCCC,
            0xF0F0_F0F0_F0F0_F0F0,
            0xFF00_FF00_FF00_FF00,
            0xFFFF_0000_FFFF_0000,
            0xFFFF_FFFF_0000_0000,
        ];
        Levels(PATTERNS.get(l).copied().unwrap_or(0))
    }

    /// The value when the levels held are `held` (their first [`LEVELS`] bits).
    #[inline(always)]
    pub(crate) fn at(self, held: u64) -> bool {
        (self.0 >> (held & ((1 << LEVELS) - 1))) & 1 != 0
    }
}

impl Truth for Levels {
    const TRUE: Levels = Levels(u64::MAX);
    const FALSE: Levels = Levels(0);
    #[inline]
    fn not(self) -> Levels {
        Levels(!self.0)
    }
    #[inline]
    fn and(self, other: Levels) -> Levels {
        Levels(self.0 & other.0)
    }
    #[inline]
    fn or(self, other: Levels) -> Levels {
        Levels(self.0 | other.0)
    }
}

/// The truth of each kind of atom, for one user (and one resource, if any).
pub(crate) trait Facts {
    type V: Truth;
    fn right(&self, r: RightId) -> Self::V;
    fn role(&self, r: RoleId) -> Self::V;
    fn flag(&self, f: FlagId) -> Self::V;
    fn access(&self, l: AccessId) -> Self::V;
    fn action(&self, a: ActionId) -> Self::V;
    fn group(&self, g: GroupId) -> Self::V;
    fn tag(&self, t: TagId) -> Self::V;
    /// `same ATTR` on the resource in scope (false without one).
    fn same(&self, a: AttrId) -> Self::V;
    fn user_attr(&self, a: AttrId, v: ValueId) -> Self::V;
    /// `resource ATTR = "v"` on the resource in scope (false without one).
    fn resource_attr(&self, a: AttrId, v: ValueId) -> Self::V;
    fn context(&self, c: ContextId) -> Self::V;
}

/// Whether a sorted `(attribute, value)` list holds the pair.
#[inline]
pub(crate) fn has_value(list: &[(AttrId, u32)], a: AttrId, v: u32) -> bool {
    list.binary_search(&(a, v)).is_ok()
}

/// Whether two sorted `(attribute, value)` lists share a value of `a`.
#[inline]
pub(crate) fn share_value(x: &[(AttrId, u32)], y: &[(AttrId, u32)], a: AttrId) -> bool {
    fn of(l: &[(AttrId, u32)], a: AttrId) -> &[(AttrId, u32)] {
        let start = l.partition_point(|&(b, _)| b < a);
        let end = l.partition_point(|&(b, _)| b <= a);
        l.get(start..end).unwrap_or(&[])
    }
    let (xs, ys) = (of(x, a), of(y, a));
    let (mut i, mut j) = (0, 0);
    while let (Some(p), Some(q)) = (xs.get(i), ys.get(j)) {
        match p.1.cmp(&q.1) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    false
}

impl PolicyCode {
    /// The value of a compiled condition, given the facts. Conditions nest
    /// at most `syntax::MAX_NESTING` deep and `can` chains are bounded by
    /// sema, so the recursion is bounded.
    #[inline]
    pub(crate) fn holds<F: Facts>(&self, node: NodeId, f: &F) -> F::V {
        match self.nodes.get(node as usize) {
            None => F::V::FALSE,
            Some(&n) => match n {
                Node::Const(b) => {
                    if b {
                        F::V::TRUE
                    } else {
                        F::V::FALSE
                    }
                }
                Node::Right(r) => f.right(r),
                Node::Role(r) => f.role(r),
                Node::Flag(x) => f.flag(x),
                Node::Access(l) => f.access(l),
                Node::Can(a) => f.action(a),
                Node::Group(g) => f.group(g),
                Node::Tag(t) => f.tag(t),
                Node::Same(a) => f.same(a),
                Node::UserAttr(a, v) => f.user_attr(a, v),
                Node::ResourceAttr(a, v) => f.resource_attr(a, v),
                Node::Context(c) => f.context(c),
                Node::Not(x) => self.holds(x, f).not(),
                Node::And { start, len } => {
                    let mut v = F::V::TRUE;
                    for &c in self.children(start, len) {
                        v = v.and(self.holds(c, f));
                        if v == F::V::FALSE {
                            break;
                        }
                    }
                    v
                }
                Node::Or { start, len } => {
                    let mut v = F::V::FALSE;
                    for &c in self.children(start, len) {
                        v = v.or(self.holds(c, f));
                        if v == F::V::TRUE {
                            break;
                        }
                    }
                    v
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

    /// How many nodes a whole walk of a condition visits, `can` looked into
    /// (each action's cost remembered in `memo`), saturating.
    pub(crate) fn walk_cost(&self, node: NodeId, memo: &mut Vec<Option<usize>>) -> usize {
        match self.node(node) {
            Node::Can(a) => {
                if let Some(Some(c)) = memo.get(a.index()) {
                    return *c;
                }
                let c = self
                    .action_cond
                    .get(a.index())
                    .map_or(0, |&c| self.walk_cost(c, memo))
                    .saturating_add(1);
                if let Some(m) = memo.get_mut(a.index()) {
                    *m = Some(c);
                }
                c
            }
            Node::Not(x) => self.walk_cost(x, memo).saturating_add(1),
            Node::And { start, len } | Node::Or { start, len } => self
                .children(start, len)
                .iter()
                .fold(1usize, |n, &c| n.saturating_add(self.walk_cost(c, memo))),
            _ => 1,
        }
    }

    /// Whether a condition, evaluated on a resource, reads nothing of the
    /// resource but the first [`LEVELS`] access levels, each decided by the
    /// access row alone (no `also when` rule, no access deny): then a
    /// [`Levels`] table per user decides it. `can` of an action decided per
    /// resource is looked into; one decided for the user alone reads no
    /// resource.
    pub(crate) fn levels_decide(&self, node: NodeId) -> bool {
        match self.node(node) {
            Node::Tag(_) | Node::Same(_) | Node::ResourceAttr(..) => false,
            Node::Access(l) => {
                l.index() < LEVELS && self.access_plain.get(l.index()).copied().unwrap_or(false)
            }
            Node::Can(a) => {
                !self.action_scoped.get(a.index()).copied().unwrap_or(false)
                    || self
                        .action_cond
                        .get(a.index())
                        .is_some_and(|&c| self.levels_decide(c))
            }
            Node::Not(x) => self.levels_decide(x),
            Node::And { start, len } | Node::Or { start, len } => self
                .children(start, len)
                .iter()
                .all(|&c| self.levels_decide(c)),
            Node::Const(_)
            | Node::Right(_)
            | Node::Role(_)
            | Node::Flag(_)
            | Node::Group(_)
            | Node::UserAttr(..)
            | Node::Context(_) => true,
        }
    }
}

/// One user's rows, for conditions evaluated without a resource: deny and
/// default-role conditions while tables are built (`rights` empty: sema
/// allows only roles, flags and groups there), and actions decided for the
/// user alone while their action tables are built. Access and tags are
/// false without a resource, as in `eval`.
#[derive(Clone, Copy)]
pub(crate) struct UserFacts<'a> {
    pub code: &'a PolicyCode,
    pub rights: &'a [u64],
    pub roles: &'a [u64],
    pub flags: &'a [u64],
    pub groups: &'a [u64],
    /// The user's `(attribute, value)` pairs, sorted.
    pub attrs: &'a [(AttrId, u32)],
    /// The context facts given.
    pub with: ContextSet,
}

impl Facts for UserFacts<'_> {
    type V = bool;
    fn right(&self, r: RightId) -> bool {
        super::bits::test(self.rights, r.index())
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
    fn action(&self, a: ActionId) -> bool {
        self.code
            .action_cond
            .get(a.index())
            .is_some_and(|&c| self.code.holds(c, self))
    }
    fn group(&self, g: GroupId) -> bool {
        super::bits::test(self.groups, g.index())
    }
    fn tag(&self, _: TagId) -> bool {
        false
    }
    fn same(&self, _: AttrId) -> bool {
        false
    }
    fn user_attr(&self, a: AttrId, v: ValueId) -> bool {
        has_value(self.attrs, a, v.0)
    }
    fn resource_attr(&self, _: AttrId, _: ValueId) -> bool {
        false
    }
    fn context(&self, c: ContextId) -> bool {
        self.with.has(c)
    }
}

/// One user's rows on a resource whose access levels are left open: the
/// [`Levels`] table of a condition [`PolicyCode::levels_decide`] accepts.
pub(crate) struct LevelFacts<'a>(pub UserFacts<'a>);

impl Facts for LevelFacts<'_> {
    type V = Levels;
    fn right(&self, r: RightId) -> Levels {
        Levels::splat(self.0.right(r))
    }
    fn role(&self, r: RoleId) -> Levels {
        Levels::splat(self.0.role(r))
    }
    fn flag(&self, f: FlagId) -> Levels {
        Levels::splat(self.0.flag(f))
    }
    fn access(&self, l: AccessId) -> Levels {
        Levels::level(l.index())
    }
    fn action(&self, a: ActionId) -> Levels {
        let code = self.0.code;
        let Some(&c) = code.action_cond.get(a.index()) else {
            return Levels::FALSE;
        };
        if code.action_scoped.get(a.index()).copied().unwrap_or(false) {
            code.holds(c, self)
        } else {
            Levels::splat(code.holds(c, &self.0))
        }
    }
    fn group(&self, g: GroupId) -> Levels {
        Levels::splat(self.0.group(g))
    }
    fn tag(&self, _: TagId) -> Levels {
        // never asked: `levels_decide` refuses tags
        Levels::FALSE
    }
    fn same(&self, _: AttrId) -> Levels {
        // never asked: `levels_decide` refuses what reads the resource
        Levels::FALSE
    }
    fn user_attr(&self, a: AttrId, v: ValueId) -> Levels {
        Levels::splat(self.0.user_attr(a, v))
    }
    fn resource_attr(&self, _: AttrId, _: ValueId) -> Levels {
        Levels::FALSE
    }
    fn context(&self, c: ContextId) -> Levels {
        Levels::splat(self.0.context(c))
    }
}
