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

    /// The tables of every user, in data order.
    pub fn build<'u>(code: &PolicyCode, users: impl IntoIterator<Item = &'u User>) -> DataTables {
        let mut t = DataTables::empty(code);
        let mut dedup = Dedup::default();
        for u in users {
            t.push_user_with(code, u, Some(&mut dedup));
        }
        t
    }

    /// Adds one user at the end (their id is the number of users before).
    pub fn push_user(&mut self, code: &PolicyCode, user: &User) {
        self.push_user_with(code, user, None);
    }

    /// Number of users in the tables.
    pub fn users(&self) -> usize {
        self.user_rights.len()
    }

    fn push_user_with(&mut self, code: &PolicyCode, user: &User, dedup: Option<&mut Dedup>) {
        let mut flags = vec![0u64; self.user_flags.stride()];
        for (f, _) in &user.flags {
            bits::set(&mut flags, f.index());
        }
        // roles: explicit, or the first matching default line; then ancestors
        let mut roles = vec![0u64; self.user_roles.stride()];
        let mut granted = vec![0u64; self.rights_sets.stride()];
        let origin = match &user.roles {
            Some(rs) => {
                for (r, _) in rs {
                    add_role(code, &mut roles, &mut granted, *r);
                }
                RoleOrigin::Explicit
            }
            None => {
                // default-role conditions use flags only (sema checks it)
                let facts = RoleFlagFacts {
                    roles: &[],
                    flags: &flags,
                };
                match code
                    .default_cond
                    .iter()
                    .position(|&c| code.holds(c, &facts))
                {
                    Some(i) => {
                        if let Some(&r) = code.default_role.get(i) {
                            add_role(code, &mut roles, &mut granted, r);
                        }
                        RoleOrigin::Default(i)
                    }
                    None => RoleOrigin::None,
                }
            }
        };
        for site in &user.grants {
            bits::set(&mut granted, site.right.index());
        }
        // revokes and denies always win
        for site in &user.revokes {
            bits::clear(&mut granted, site.right.index());
        }
        let facts = RoleFlagFacts {
            roles: &roles,
            flags: &flags,
        };
        for (d, cond) in code.deny_cond.iter().enumerate() {
            let applies = match *cond {
                None => true,
                Some(c) => code.holds(c, &facts),
            };
            if applies {
                bits::subtract(&mut granted, code.deny_rights.row(d));
            }
        }
        self.user_flags.push(&flags);
        self.user_roles.push(&roles);
        self.user_role_origin.push(origin);
        let set = match dedup {
            Some(dedup) => {
                let next = self.rights_sets.rows() as u32;
                *dedup.entry(granted).or_insert_with_key(|row| {
                    self.rights_sets.push(row);
                    next
                })
            }
            None => self.rights_sets.push(&granted) as u32,
        };
        self.user_rights.push(set);
        // access: this user's entries sorted by resource, one mask per resource
        let mut entries: Vec<(ResourceId, AccessId)> =
            user.access.iter().map(|(r, l, _)| (*r, *l)).collect();
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
