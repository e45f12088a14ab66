//! [`AccessTables`]: the access users' data and groups give them, per
//! (user, resource), built apart from their other rows (on a thread of its
//! own when a data set is built: it reads nothing the other rows make).

use super::bits::{self, BitMatrix, SparseRows};
use super::pairs::PairIndex;
use super::Shared;
use crate::sema::model::{AccessId, ResourceId, User};

/// See the module's documentation.
#[derive(Clone, Debug)]
pub(crate) struct AccessTables {
    /// CSR: user u's entries are `start[u]..start[u+1]`, sorted by
    /// resource; row i of `masks` holds the levels granted on `res[i]` by
    /// the data and the user's groups, row i of `revokes` those the user's
    /// data revokes there (most have none).
    pub(crate) start: Vec<u32>,
    pub(crate) res: Vec<ResourceId>,
    /// (user, resource) → the entry's index in the high 32 bits and, in the
    /// low 32, the first 32 levels held there (granted and not revoked): a
    /// question's one probe finds the entry and answers a plain level.
    pub(crate) index: PairIndex,
    pub(crate) masks: BitMatrix,
    pub(crate) revokes: SparseRows,
}

/// Buffers reused from one user to the next.
pub(super) struct AccessScratch {
    groups: Vec<u64>,
    /// (resource, level, revoked)
    entries: Vec<(ResourceId, AccessId, bool)>,
    row: Vec<u64>,
    revoked: Vec<u64>,
}

impl AccessTables {
    /// Empty tables for `levels` access levels.
    pub(super) fn new(levels: usize) -> AccessTables {
        AccessTables {
            start: vec![0],
            res: Vec::new(),
            index: PairIndex::default(),
            masks: BitMatrix::with_width(levels),
            revokes: SparseRows::with_width(levels),
        }
    }

    /// Room for `users` (at most an entry per level each grants or
    /// revokes).
    pub(super) fn reserve<'u>(&mut self, users: impl ExactSizeIterator<Item = &'u User> + Clone) {
        // at their size at once (group access adds more now and then): a
        // table that doubles copies itself into fresh memory each time
        // (measured on the large workload: the load's system time
        // 0.14–0.31 → 0.10 s); room never used is never touched, except in
        // the index, which a hash spreads over: its room is the grants'
        let granted: usize = users.clone().map(|u| u.access.len()).sum();
        let entries = granted + users.clone().map(|u| u.revoke_access.len()).sum::<usize>();
        self.start.reserve(users.len());
        self.index.reserve(granted);
        self.res.reserve(entries);
        self.masks.reserve_rows(entries);
    }

    pub(super) fn scratch(&self, shared: &Shared) -> AccessScratch {
        AccessScratch {
            groups: vec![0; shared.group_closure.stride()],
            entries: Vec::new(),
            row: vec![0; self.masks.stride()],
            revoked: vec![0; self.masks.stride()],
        }
    }

    /// Number of users in the tables.
    pub(crate) fn users(&self) -> usize {
        self.start.len() - 1
    }

    /// Adds the entries of one user at the end: theirs and their groups',
    /// and their revokes, sorted by resource: per resource one granted and
    /// one revoked mask.
    pub(super) fn push_user(&mut self, shared: &Shared, user: &User, s: &mut AccessScratch) {
        shared.groups_of(user, &mut s.groups);
        s.entries.clear();
        s.entries
            .extend(user.access.iter().map(|(r, l, _)| (*r, *l, false)));
        for g in bits::ones(&s.groups) {
            if let Some(entries) = shared.group_access.get(g) {
                s.entries
                    .extend(entries.iter().map(|(r, l)| (*r, *l, false)));
            }
        }
        s.entries
            .extend(user.revoke_access.iter().map(|(r, l, _)| (*r, *l, true)));
        s.entries.sort_unstable();
        let uid = self.users() as u32;
        let mut i = 0;
        while i < s.entries.len() {
            let res = s.entries[i].0;
            s.row.fill(0);
            s.revoked.fill(0);
            while i < s.entries.len() && s.entries[i].0 == res {
                let (_, l, revoked) = s.entries[i];
                bits::set(if revoked { &mut s.revoked } else { &mut s.row }, l.index());
                i += 1;
            }
            let held = s.row.first().copied().unwrap_or(0)
                & !s.revoked.first().copied().unwrap_or(0)
                & u64::from(u32::MAX);
            let entry = self.res.len() as u64;
            self.index.insert(uid, res.0, entry << 32 | held);
            self.res.push(res);
            self.masks.push(&s.row);
            self.revokes.push(entry as usize, &s.revoked);
        }
        self.start.push(self.res.len() as u32);
    }
}
