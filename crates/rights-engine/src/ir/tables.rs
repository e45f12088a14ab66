//! The data half of a program: per-user tables built against a compiled
//! policy. Each user's roles (explicit, or the first matching default-role
//! line, plus ancestors) as a row users share, flags, **effective rights** —
//! granted minus revoked minus denied (docs/reference/semantics.md) — as the
//! row of their roles, shared, and the rights their own data turns over
//! (`rights.rs`), and their access (`access.rs`, built beside the rest).
//!
//! Built once per data set; rebuilt alone for a test's own data or a "what
//! if" fix, and extended one user at a time (the REPL), never recompiling the
//! policy.

use super::access::AccessTables;
use super::bits::{self, BitMatrix};
use super::cards::{Card, UserCard};
use super::cond::{LevelFacts, Levels, Truth, UserFacts};
use super::rights::UserRights;
use super::{DataTables, PolicyCode, RoleOrigin, Shared};
use crate::sema::model::*;
use std::sync::Arc;

/// The most words of action tables built for one data set (32 MB): past
/// it, actions are decided by walking their conditions.
const DECISION_TABLES_BUDGET: usize = 1 << 22;

/// The fewest users whose access tables are built on a thread of their own.
const JOIN_MIN: usize = 1 << 12;

/// Deduplication of rows (of rights, of roles) while a table is built, without a
/// second copy of any row: a row's hash leads to the last set pushed with that
/// hash, and `earlier` chains the sets that share a hash; rows are compared in
/// the matrix itself.
#[derive(Default)]
struct Dedup {
    last: rustc_hash::FxHashMap<u64, u32>,
    earlier: Vec<u32>,
}

impl Dedup {
    const NONE: u32 = u32::MAX;

    fn hash(row: &[u64]) -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = rustc_hash::FxBuildHasher.build_hasher();
        h.write_usize(row.len());
        for &w in row {
            h.write_u64(w);
        }
        h.finish()
    }

    /// The set equal to `row`, pushed to `sets` if there is none yet.
    fn find_or_push(&mut self, sets: &mut BitMatrix, row: &[u64]) -> u32 {
        let hash = Dedup::hash(row);
        let mut at = self.last.get(&hash).copied().unwrap_or(Dedup::NONE);
        while at != Dedup::NONE {
            if sets.row(at as usize) == row {
                return at;
            }
            at = self
                .earlier
                .get(at as usize)
                .copied()
                .unwrap_or(Dedup::NONE);
        }
        let set = sets.push(row) as u32;
        // sets pushed without deduplication (push_user) have no chain
        self.earlier.resize(set as usize, Dedup::NONE);
        self.earlier
            .push(self.last.insert(hash, set).unwrap_or(Dedup::NONE));
        set
    }
}

/// The deduplication of rights rows and of role rows.
#[derive(Default)]
struct Dedups {
    rights: Dedup,
    roles: Dedup,
}

/// Buffers reused from one user to the next while tables are built.
struct Scratch {
    flags: Vec<u64>,
    roles: Vec<u64>,
    groups: Vec<u64>,
    granted: Vec<u64>,
    /// What the user's roles grant, less denies: the row users share.
    base: Vec<u64>,
    /// The user's attribute values, while their rows are made.
    attrs: Vec<(AttrId, u32)>,
}

impl Shared {
    /// Sets `row` to the groups `user` is a member of (nesting included).
    pub(super) fn groups_of(&self, user: &User, row: &mut [u64]) {
        row.fill(0);
        for (g, _) in &user.groups {
            if g.index() < self.group_closure.rows() {
                bits::union_into(row, self.group_closure.row(g.index()));
            }
        }
    }

    /// What users share in one data set.
    pub fn build(code: &PolicyCode, data: &Data) -> Shared {
        let ng = code.n_groups;
        let mut group_closure = BitMatrix::new(ng, ng);
        let mut group_roles = BitMatrix::new(ng, code.n_roles);
        let mut group_access = vec![Vec::new(); ng];
        // each group and its parents; the chain is acyclic (checked by sema)
        // and at most `ng` long
        for (g, group) in data.groups.iter().enumerate().take(ng) {
            let mut cur = Some(GroupId::from_index(g));
            let mut steps = 0;
            while let Some(c) = cur {
                if steps > ng {
                    break;
                }
                group_closure.set(g, c.index());
                cur = data.groups.get(c.index()).and_then(|x| x.parent);
                steps += 1;
            }
            for (r, _) in &group.roles {
                group_roles.set(g, r.index());
            }
            group_access[g] = group.access.iter().map(|(r, l, _)| (*r, *l)).collect();
        }
        let mut resource_tags = BitMatrix::new(data.resources.len(), code.n_tags);
        let mut role_access_start = Vec::with_capacity(data.resources.len() + 1);
        let mut role_access = Vec::new();
        let mut role_access_masks = BitMatrix::with_width(code.n_access);
        for (i, r) in data.resources.iter().enumerate() {
            for (t, _) in &r.tags {
                resource_tags.set(i, t.index());
            }
            role_access_start.push(role_access.len() as u32);
            let mut roles: Vec<RoleId> = r.role_access.iter().map(|(role, _, _)| *role).collect();
            roles.sort_unstable();
            roles.dedup();
            for role in roles {
                let mut row = vec![0u64; role_access_masks.stride()];
                for (x, l, _) in &r.role_access {
                    if *x == role {
                        bits::set(&mut row, l.index());
                    }
                }
                role_access.push(role);
                role_access_masks.push(&row);
            }
        }
        role_access_start.push(role_access.len() as u32);
        // attribute values: the policy's first (their ids are its `ValueId`s),
        // then every value a user or a resource holds
        let mut values: rustc_hash::FxHashMap<String, u32> = Default::default();
        for v in &code.values {
            let next = values.len() as u32;
            values.entry(v.clone()).or_insert(next);
        }
        let holders = data
            .users
            .iter()
            .map(|u| &u.attributes)
            .chain(data.resources.iter().map(|r| &r.attributes));
        for attrs in holders {
            for (_, vs, _) in attrs {
                for v in vs {
                    if !values.contains_key(v) {
                        let next = values.len() as u32;
                        values.insert(v.clone(), next);
                    }
                }
            }
        }
        let mut resource_attr_start = Vec::new();
        let mut resource_attrs = Vec::new();
        if data.resources.iter().any(|r| !r.attributes.is_empty()) {
            resource_attr_start.reserve(data.resources.len() + 1);
            for r in &data.resources {
                resource_attr_start.push(resource_attrs.len() as u32);
                let start = resource_attrs.len();
                push_values(
                    &values,
                    r.attributes.iter().map(|(a, v, _)| (*a, v)),
                    &mut resource_attrs,
                );
                resource_attrs[start..].sort_unstable();
            }
            resource_attr_start.push(resource_attrs.len() as u32);
        }
        let mut in_event = vec![false; data.resources.len()];
        let mut event_resources = Vec::with_capacity(data.events.len());
        for e in &data.events {
            for r in &e.resources {
                if let Some(x) = in_event.get_mut(r.index()) {
                    *x = true;
                }
            }
            let mut sorted: Vec<u32> = e.resources.iter().map(|r| r.0).collect();
            sorted.sort_unstable();
            event_resources.push(sorted);
        }
        Shared {
            group_closure,
            group_roles,
            group_access,
            resource_tags,
            role_access_start,
            role_access,
            role_access_masks,
            values,
            resource_attr_start,
            resource_attrs,
            in_event,
            event_resources,
            resource_cards: data
                .resources
                .iter()
                .map(|r| Card::of(&r.meta.name))
                .collect(),
        }
    }
}

impl DataTables {
    /// Empty tables shaped for a policy, sharing `shared`.
    pub fn empty(code: &PolicyCode, shared: Arc<Shared>) -> DataTables {
        DataTables {
            shared,
            role_sets: BitMatrix::with_width(code.n_roles),
            user_groups: BitMatrix::with_width(code.n_groups),
            user_role_origin: Vec::new(),
            user_cards: Vec::new(),
            user_flags: BitMatrix::with_width(code.n_flags),
            rights_sets: BitMatrix::with_width(code.n_rights),
            access: AccessTables::new(code.n_access),
            decision_tables: Vec::new(),
            decision_stride: code.action_cond.len() + code.report_requires.len(),
            user_attr_start: vec![0],
            user_attrs: Vec::new(),
            with: ContextSet::NONE,
        }
    }

    fn scratch(&self) -> Scratch {
        Scratch {
            flags: vec![0; self.user_flags.stride()],
            roles: vec![0; self.role_sets.stride()],
            groups: vec![0; self.user_groups.stride()],
            granted: vec![0; self.rights_sets.stride()],
            base: vec![0; self.rights_sets.stride()],
            attrs: Vec::new(),
        }
    }

    /// The tables of every user of a data set, in data order.
    pub fn build(code: &PolicyCode, data: &Data) -> DataTables {
        DataTables::build_with(code, data, ContextSet::NONE)
    }

    /// The tables of every user, for questions asked with context facts
    /// `with` (deny conditions may read them).
    pub fn build_with(code: &PolicyCode, data: &Data, with: ContextSet) -> DataTables {
        let shared = Arc::new(Shared::build(code, data));
        DataTables::build_users_with(code, shared, data.users.iter().map(|u| &**u), with)
    }

    pub(crate) fn build_users_with<'u, I>(
        code: &PolicyCode,
        shared: Arc<Shared>,
        users: I,
        with: ContextSet,
    ) -> DataTables
    where
        I: IntoIterator<Item = &'u User>,
        I::IntoIter: ExactSizeIterator + Clone + Sync,
    {
        let users = users.into_iter();
        let mut t = DataTables::empty(code, shared);
        t.with = if code.uses_context {
            with
        } else {
            ContextSet::NONE
        };
        let n = users.len();
        t.user_groups.reserve_rows(n);
        t.user_flags.reserve_rows(n);
        t.user_role_origin.reserve(n);
        t.user_cards.reserve(n);
        // room for a row per user at once: the rows are never moved as they
        // grow (a copy of every row so far, and both copies in memory, at
        // each doubling), and room no user needs is never touched, so it
        // takes no memory (users share rows: most of it is never touched)
        t.rights_sets.reserve_rows(n);
        if n.saturating_mul(t.decision_stride) > DECISION_TABLES_BUDGET {
            t.decision_stride = 0;
        }
        t.decision_tables.reserve(n * t.decision_stride);
        let shared = Arc::clone(&t.shared);
        let access = || {
            let mut a = AccessTables::new(code.n_access);
            a.reserve(users.clone());
            let mut s = a.scratch(&shared);
            for u in users.clone() {
                a.push_user(&shared, u, &mut s);
            }
            a
        };
        let rows = |mut t: DataTables| {
            let mut dedup = Dedups::default();
            let mut scratch = t.scratch();
            for u in users.clone() {
                t.push_user_rows(code, u, &mut scratch, Some(&mut dedup));
            }
            t
        };
        // the access tables read nothing the other rows make: on a thread
        // of their own when there are many users
        let (mut t, access) = if n >= JOIN_MIN {
            crate::cores::join(|| rows(t), access)
        } else {
            (rows(t), access())
        };
        t.access = access;
        t
    }

    /// Adds one user at the end (their id is the number of users before).
    pub fn push_user(&mut self, code: &PolicyCode, user: &User) {
        let mut scratch = self.scratch();
        self.push_user_rows(code, user, &mut scratch, None);
        let shared = Arc::clone(&self.shared);
        let mut s = self.access.scratch(&shared);
        self.access.push_user(&shared, user, &mut s);
    }

    /// Number of users in the tables.
    pub fn users(&self) -> usize {
        self.user_cards.len()
    }

    /// User `i`'s roles (ancestors included), as a row.
    pub(crate) fn roles_row(&self, i: usize) -> &[u64] {
        match self.user_cards.get(i) {
            Some(c) => self.role_sets.row(c.roles as usize),
            None => &[],
        }
    }

    /// Adds one user's rows but their access (see `AccessTables`).
    fn push_user_rows(
        &mut self,
        code: &PolicyCode,
        user: &User,
        s: &mut Scratch,
        dedup: Option<&mut Dedups>,
    ) {
        s.flags.fill(0);
        s.roles.fill(0);
        s.granted.fill(0);
        for (f, _) in &user.flags {
            bits::set(&mut s.flags, f.index());
        }
        let shared = Arc::clone(&self.shared);
        let attr_start = self.user_attrs.len();
        push_values(
            &shared.values,
            user.attributes.iter().map(|(a, v, _)| (*a, v)),
            &mut self.user_attrs,
        );
        self.user_attrs[attr_start..].sort_unstable();
        self.user_attr_start.push(self.user_attrs.len() as u32);
        // a copy in the scratch space (the tables grow while it is read)
        s.attrs.clear();
        s.attrs.extend_from_slice(&self.user_attrs[attr_start..]);
        let attrs = s.attrs.as_slice();
        let with = self.with;
        shared.groups_of(user, &mut s.groups);
        // roles: explicit, or the first matching default line; then ancestors
        let origin = match &user.roles {
            Some(rs) => {
                for (r, _) in rs {
                    add_role(code, &mut s.roles, &mut s.granted, *r);
                }
                RoleOrigin::Explicit
            }
            None => {
                // default-role conditions use flags and groups only (sema checks it)
                let facts = UserFacts {
                    code,
                    rights: &[],
                    roles: &[],
                    flags: &s.flags,
                    groups: &s.groups,
                    attrs,
                    with,
                };
                match code
                    .default_cond
                    .iter()
                    .position(|&c| code.holds(c, &facts))
                {
                    Some(i) => {
                        if let Some(&r) = code.default_role.get(i) {
                            add_role(code, &mut s.roles, &mut s.granted, r);
                        }
                        RoleOrigin::Default(i)
                    }
                    None => RoleOrigin::None,
                }
            }
        };
        // the roles of every group the user is a member of (§8.1)
        for g in bits::ones(&s.groups) {
            for r in bits::ones(shared.group_roles.row(g)) {
                add_role(code, &mut s.roles, &mut s.granted, RoleId::from_index(r));
            }
        }
        s.base.copy_from_slice(&s.granted);
        for site in &user.grants {
            bits::set(&mut s.granted, site.right.index());
        }
        // revokes and denies always win
        for site in &user.revokes {
            bits::clear(&mut s.granted, site.right.index());
        }
        let facts = UserFacts {
            code,
            rights: &[],
            roles: &s.roles,
            flags: &s.flags,
            groups: &s.groups,
            attrs,
            with,
        };
        for (d, cond) in code.deny_cond.iter().enumerate() {
            if cond.is_none_or(|c| code.holds(c, &facts)) {
                bits::subtract(&mut s.granted, code.deny_rights.row(d));
                bits::subtract(&mut s.base, code.deny_rights.row(d));
            }
        }
        self.user_flags.push(&s.flags);
        self.user_groups.push(&s.groups);
        self.user_role_origin.push(origin);
        // the rows of the user's roles and of what they grant, shared, and
        // the rights the user's own data turns over, or a row of their own
        // when it turns over many
        let (roles, rights) = match dedup {
            Some(d) => {
                let roles = d.roles.find_or_push(&mut self.role_sets, &s.roles);
                let rights = match UserRights::flips_between(&s.base, &s.granted) {
                    Some(flips) => UserRights::flipped(
                        d.rights.find_or_push(&mut self.rights_sets, &s.base),
                        flips,
                    ),
                    None => {
                        UserRights::exact(d.rights.find_or_push(&mut self.rights_sets, &s.granted))
                    }
                };
                (roles, rights)
            }
            None => (
                self.role_sets.push(&s.roles) as u32,
                UserRights::exact(self.rights_sets.push(&s.granted) as u32),
            ),
        };
        self.user_cards.push(UserCard {
            card: Card::of(&user.meta.name),
            rights,
            roles,
            revokes: !user.revokes.is_empty(),
        });
        if self.decision_stride > 0 {
            let user = UserFacts {
                code,
                rights: &s.granted,
                roles: &s.roles,
                flags: &s.flags,
                groups: &s.groups,
                attrs,
                with,
            };
            for (a, &c) in code.action_cond.iter().enumerate() {
                let table = if !code.action_tabled.get(a).copied().unwrap_or(false) {
                    Levels(0)
                } else if code.action_scoped.get(a).copied().unwrap_or(false) {
                    code.holds(c, &LevelFacts(user))
                } else {
                    Levels::splat(code.holds(c, &user))
                };
                self.decision_tables.push(table.0);
            }
            for (r, &requires) in code.report_requires.iter().enumerate() {
                let table = if code.report_tabled.get(r).copied().unwrap_or(false) {
                    let rows = match code.report_where.get(r).copied().flatten() {
                        Some(w) => code.holds(w, &LevelFacts(user)),
                        None => Levels::TRUE,
                    };
                    Levels::splat(code.holds(requires, &user)).and(rows)
                } else {
                    Levels(0)
                };
                self.decision_tables.push(table.0);
            }
        }
    }
}

/// The `(attribute, value id)` pairs of an entry's attributes, for values
/// with an id (a user's value no condition or resource names matches nothing).
fn push_values<'v>(
    ids: &rustc_hash::FxHashMap<String, u32>,
    attrs: impl Iterator<Item = (AttrId, &'v Vec<String>)>,
    out: &mut Vec<(AttrId, u32)>,
) {
    for (a, vs) in attrs {
        for v in vs {
            if let Some(&id) = ids.get(v) {
                out.push((a, id));
            }
        }
    }
}

/// Gives a user a role: the role and its ancestors, and the rights they grant.
fn add_role(code: &PolicyCode, roles: &mut [u64], granted: &mut [u64], r: RoleId) {
    if r.index() < code.n_roles {
        bits::union_into(roles, code.role_closure.row(r.index()));
        bits::union_into(granted, code.role_rights.row(r.index()));
    }
}
