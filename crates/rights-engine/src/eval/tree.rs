//! What version 3 asks of the data (§9): access that flows down the
//! resource tree, attribute values, a resource's events, `where can`.

use crate::ir::Program;
use crate::sema::model::*;

/// How far up the tree a question walks before the whole tree's answers
/// are computed at once (`held_down_the_tree`).
const SHALLOW: usize = 64;

/// How many (user, level) answers for deep trees a program keeps.
const DEEP_KEPT: usize = 256;

impl Program {
    /// The parent of `res` through which `u` holds inherited level `l` on
    /// it (§9.1): `l` is declared `inherited` and held on the parent, after
    /// the parent's revokes and denies. The chain is walked up to the first
    /// ancestor that holds it by other sources; resource trees are acyclic
    /// (sema), and the walk is iterative, so a deep tree cannot overflow.
    pub fn inherited_from(&self, u: UserId, res: ResourceId, l: AccessId) -> Option<ResourceId> {
        if !self
            .code
            .access_inherited
            .get(l.index())
            .copied()
            .unwrap_or(false)
        {
            return None;
        }
        let parent = self.data.resources.get(res.index())?.parent?;
        // up from the parent, each ancestor's scope made once (a question
        // allocates nothing): the first that holds `l` by other sources
        // passes it down, unless one on the way takes it away
        let mut cur = parent;
        let mut depth = 1;
        loop {
            let here = self.scope(u, Some(cur));
            if self.taken_away_in(&here, l) {
                return None;
            }
            if self.granted_directly(&here, cur, l) {
                return Some(parent);
            }
            match self.data.resources.get(cur.index()).and_then(|r| r.parent) {
                // a deep tree: every resource's answer at once, kept (each
                // question would otherwise walk the whole chain again)
                Some(_) if depth >= SHALLOW => {
                    let held = self.held_down_the_tree(u, l);
                    return held
                        .get(parent.index())
                        .copied()
                        .unwrap_or(false)
                        .then_some(parent);
                }
                Some(p) => {
                    cur = p;
                    depth += 1;
                }
                None => return None,
            }
        }
    }

    /// Whether `u` holds inherited level `l` on each resource, computed once
    /// for the whole tree (parents before children, each resource once) and
    /// kept with the program: for trees deeper than [`SHALLOW`].
    fn held_down_the_tree(&self, u: UserId, l: AccessId) -> std::sync::Arc<Vec<bool>> {
        let key = (u.0, l.0);
        if let Ok(memo) = self.deep.lock() {
            if let Some(held) = memo.get(&key) {
                return held.clone();
            }
        }
        // computed without the lock: a level's rules may read another
        // inherited level, which fills its own entry
        let n = self.data.resources.len();
        // 0: not yet, 1: held, 2: not held
        let mut state = vec![0u8; n];
        let mut path: Vec<usize> = Vec::new();
        for r in 0..n {
            let mut cur = Some(r);
            while let Some(c) = cur {
                if state.get(c).copied().unwrap_or(2) != 0 || path.len() > n {
                    break;
                }
                path.push(c);
                cur = self
                    .data
                    .resources
                    .get(c)
                    .and_then(|x| x.parent)
                    .map(|p| p.index());
            }
            while let Some(c) = path.pop() {
                let res = ResourceId::from_index(c);
                let from_parent = self
                    .data
                    .resources
                    .get(c)
                    .and_then(|x| x.parent)
                    .is_some_and(|p| state.get(p.index()) == Some(&1));
                let s = self.scope(u, Some(res));
                let held = !self.taken_away_in(&s, l)
                    && (from_parent || self.granted_directly(&s, res, l));
                state[c] = if held { 1 } else { 2 };
            }
        }
        let held = std::sync::Arc::new(state.into_iter().map(|s| s == 1).collect::<Vec<_>>());
        if let Ok(mut memo) = self.deep.lock() {
            if memo.len() >= DEEP_KEPT {
                memo.clear();
            }
            memo.insert(key, held.clone());
        }
        held
    }

    /// Whether report `rep` lists an event's resources (§9.6).
    #[inline]
    pub fn event_rows(&self, rep: ReportId) -> bool {
        self.code
            .report_event_rows
            .get(rep.index())
            .copied()
            .unwrap_or(false)
    }

    /// Whether `res` is a resource of event `e`, or of any event.
    pub fn in_event(&self, res: ResourceId, e: Option<EventId>) -> bool {
        self.tables.shared.in_event(res, e)
    }

    /// Every resource on which `can` holds for `user` (§9.5), in
    /// declaration order.
    pub fn where_can(
        &self,
        user: UserId,
        target: Target,
        event: Option<EventId>,
    ) -> Vec<ResourceId> {
        (0..self.data.resources.len())
            .map(ResourceId::from_index)
            .filter(|&r| {
                self.can(&CanQ {
                    user,
                    target,
                    on: Some(r),
                    event,
                })
            })
            .collect()
    }

    /// The values of attribute `a` that user `u` and resource `res` share.
    pub fn shared_values(&self, u: UserId, res: ResourceId, a: AttrId) -> Vec<&str> {
        let (Some(user), Some(r)) = (
            self.data.users.get(u.index()),
            self.data.resources.get(res.index()),
        ) else {
            return Vec::new();
        };
        let theirs = r.attribute(a);
        user.attribute(a)
            .iter()
            .filter(|v| theirs.contains(v))
            .map(String::as_str)
            .collect()
    }

    /// User `u`'s `(attribute, value id)` pairs.
    #[inline]
    fn user_attrs(&self, u: UserId) -> &[(AttrId, u32)] {
        let t = &self.tables;
        row_of(&t.user_attr_start, &t.user_attrs, u.index())
    }

    /// Resource `r`'s `(attribute, value id)` pairs.
    #[inline]
    fn resource_attrs(&self, r: ResourceId) -> &[(AttrId, u32)] {
        let sh = &self.tables.shared;
        row_of(&sh.resource_attr_start, &sh.resource_attrs, r.index())
    }

    /// Does user `u` have value `v` (a value a condition names) of `a`?
    #[inline]
    pub fn user_has_value(&self, u: UserId, a: AttrId, v: ValueId) -> bool {
        crate::ir::cond::has_value(self.user_attrs(u), a, v.0)
    }

    /// Does resource `r` have value `v` (a value a condition names) of `a`?
    #[inline]
    pub fn resource_has_value(&self, r: ResourceId, a: AttrId, v: ValueId) -> bool {
        crate::ir::cond::has_value(self.resource_attrs(r), a, v.0)
    }

    /// Do user `u` and resource `r` share a value of `a`?
    #[inline]
    pub fn same_value(&self, u: UserId, r: ResourceId, a: AttrId) -> bool {
        crate::ir::cond::share_value(self.user_attrs(u), self.resource_attrs(r), a)
    }

    /// The context facts this program's questions are asked with.
    #[inline]
    pub fn given(&self) -> ContextSet {
        self.tables.with
    }
}

/// Row `i` of a CSR table (`start[i]..start[i+1]` of `items`); empty when
/// the table has no such row.
#[inline]
fn row_of<'t, T>(start: &[u32], items: &'t [T], i: usize) -> &'t [T] {
    match (start.get(i), start.get(i + 1)) {
        (Some(&a), Some(&b)) => items.get(a as usize..b as usize).unwrap_or(&[]),
        _ => &[],
    }
}
