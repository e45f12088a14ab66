//! The data half of a program: per-user tables built against a compiled
//! policy. Each user's roles (explicit, or the first matching default-role
//! line, plus ancestors), flags, **effective rights** — granted minus revoked
//! minus denied (LANGUAGE.md §4) — as a bitset deduplicated across users, and
//! access grants as a CSR table sorted by resource, one bitmask per resource.
//!
//! Built once per data set; rebuilt alone for a test's own data or a "what
//! if" fix, and extended one user at a time (the REPL), never recompiling the
//! policy.

use super::bits::{self, BitMatrix};
use super::cond::RoleFlagFacts;
use super::{DataTables, PolicyCode, RoleOrigin};
use crate::sema::model::*;

/// Deduplication of effective-rights sets while a table is built.
type Dedup = rustc_hash::FxHashMap<Vec<u64>, u32>;

/// Buffers reused from one user to the next while tables are built.
struct Scratch {
    flags: Vec<u64>,
    roles: Vec<u64>,
    granted: Vec<u64>,
    entries: Vec<(ResourceId, AccessId)>,
    row: Vec<u64>,
}

impl DataTables {
    /// Empty tables shaped for a policy.
    pub fn empty(code: &PolicyCode) -> DataTables {
        DataTables {
            user_roles: BitMatrix::with_width(code.n_roles),
            user_role_origin: Vec::new(),
            user_flags: BitMatrix::with_width(code.n_flags),
            user_rights: Vec::new(),
            rights_sets: BitMatrix::with_width(code.n_rights),
            access_start: vec![0],
            access_res: Vec::new(),
            access_masks: BitMatrix::with_width(code.n_access),
        }
    }

    fn scratch(&self) -> Scratch {
        Scratch {
            flags: vec![0; self.user_flags.stride()],
            roles: vec![0; self.user_roles.stride()],
            granted: vec![0; self.rights_sets.stride()],
            entries: Vec::new(),
            row: vec![0; self.access_masks.stride()],
        }
    }

    /// The tables of every user, in data order.
    pub fn build<'u, I>(code: &PolicyCode, users: I) -> DataTables
    where
        I: IntoIterator<Item = &'u User>,
        I::IntoIter: ExactSizeIterator,
    {
        let users = users.into_iter();
        let mut t = DataTables::empty(code);
        let n = users.len();
        t.user_roles.reserve_rows(n);
        t.user_flags.reserve_rows(n);
        t.user_role_origin.reserve(n);
        t.user_rights.reserve(n);
        t.access_start.reserve(n);
        let mut dedup = Dedup::default();
        let mut scratch = t.scratch();
        for u in users {
            t.push_user_with(code, u, &mut scratch, Some(&mut dedup));
        }
        t
    }

    /// Adds one user at the end (their id is the number of users before).
    pub fn push_user(&mut self, code: &PolicyCode, user: &User) {
        let mut scratch = self.scratch();
        self.push_user_with(code, user, &mut scratch, None);
    }

    /// Number of users in the tables.
    pub fn users(&self) -> usize {
        self.user_rights.len()
    }

    fn push_user_with(
        &mut self,
        code: &PolicyCode,
        user: &User,
        s: &mut Scratch,
        dedup: Option<&mut Dedup>,
    ) {
        s.flags.fill(0);
        s.roles.fill(0);
        s.granted.fill(0);
        for (f, _) in &user.flags {
            bits::set(&mut s.flags, f.index());
        }
        // roles: explicit, or the first matching default line; then ancestors
        let origin = match &user.roles {
            Some(rs) => {
                for (r, _) in rs {
                    add_role(code, &mut s.roles, &mut s.granted, *r);
                }
                RoleOrigin::Explicit
            }
            None => {
                // default-role conditions use flags only (sema checks it)
                let facts = RoleFlagFacts {
                    roles: &[],
                    flags: &s.flags,
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
        for site in &user.grants {
            bits::set(&mut s.granted, site.right.index());
        }
        // revokes and denies always win
        for site in &user.revokes {
            bits::clear(&mut s.granted, site.right.index());
        }
        let facts = RoleFlagFacts {
            roles: &s.roles,
            flags: &s.flags,
        };
        for (d, cond) in code.deny_cond.iter().enumerate() {
            if cond.is_none_or(|c| code.holds(c, &facts)) {
                bits::subtract(&mut s.granted, code.deny_rights.row(d));
            }
        }
        self.user_flags.push(&s.flags);
        self.user_roles.push(&s.roles);
        self.user_role_origin.push(origin);
        let set = match dedup {
            Some(dedup) => match dedup.get(s.granted.as_slice()) {
                Some(&set) => set,
                None => {
                    let set = self.rights_sets.push(&s.granted) as u32;
                    dedup.insert(s.granted.clone(), set);
                    set
                }
            },
            None => self.rights_sets.push(&s.granted) as u32,
        };
        self.user_rights.push(set);
        // access: this user's entries sorted by resource, one mask per resource
        s.entries.clear();
        s.entries
            .extend(user.access.iter().map(|(r, l, _)| (*r, *l)));
        s.entries.sort_unstable();
        let mut i = 0;
        while i < s.entries.len() {
            let res = s.entries[i].0;
            s.row.fill(0);
            while i < s.entries.len() && s.entries[i].0 == res {
                bits::set(&mut s.row, s.entries[i].1.index());
                i += 1;
            }
            self.access_res.push(res);
            self.access_masks.push(&s.row);
        }
        self.access_start.push(self.access_res.len() as u32);
    }
}

/// Gives a user a role: the role and its ancestors, and the rights they grant.
fn add_role(code: &PolicyCode, roles: &mut [u64], granted: &mut [u64], r: RoleId) {
    if r.index() < code.n_roles {
        bits::union_into(roles, code.role_closure.row(r.index()));
        bits::union_into(granted, code.role_rights.row(r.index()));
    }
}
