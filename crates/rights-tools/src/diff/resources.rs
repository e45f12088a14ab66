//! The resources of both versions, matched by name, and which of them are
//! set apart (asked about one by one) for a user: those with tags, `access
//! for role` or group access in either version, those only one version
//! has, and the user's own.

use crate::ir::Program;
use crate::sema::model::*;

/// The resources of both versions (matched by name), and which are set
/// apart: by tags, `access for role` or group access, in either version.
pub(super) struct Resources {
    /// (name, id in the old version, id in the new): every resource of
    /// either version (one only in one version is set apart).
    pub(super) both: Vec<(String, Option<ResourceId>, Option<ResourceId>)>,
    /// Per old resource id: its place in `both`.
    by_old: Vec<Option<usize>>,
    by_new: Vec<Option<usize>>,
    special: Vec<usize>,
    plain: Vec<usize>,
}

impl Resources {
    pub(super) fn of(po: &Program, pn: &Program) -> Resources {
        let grouped = |p: &Program| {
            let mut v = vec![false; p.data.resources.len()];
            for g in &p.data.groups {
                for (r, _, _) in &g.access {
                    if let Some(x) = v.get_mut(r.index()) {
                        *x = true;
                    }
                }
            }
            v
        };
        let (go, gn) = (grouped(po), grouped(pn));
        let apart = |p: &Program, g: &[bool], r: ResourceId| {
            p.data
                .resources
                .get(r.index())
                .is_some_and(|x| !x.tags.is_empty() || !x.role_access.is_empty())
                || g.get(r.index()).copied().unwrap_or(false)
        };
        let mut res = Resources {
            both: Vec::new(),
            by_old: vec![None; po.data.resources.len()],
            by_new: vec![None; pn.data.resources.len()],
            special: Vec::new(),
            plain: Vec::new(),
        };
        for (i, r) in pn.data.resources.iter().enumerate() {
            let rn = ResourceId::from_index(i);
            let ro = po.data.resource_ids.get(r.meta.name.as_str()).copied();
            let k = res.both.len();
            res.both.push((r.meta.name.clone(), ro, Some(rn)));
            if let Some(x) = ro.and_then(|ro| res.by_old.get_mut(ro.index())) {
                *x = Some(k);
            }
            if let Some(x) = res.by_new.get_mut(i) {
                *x = Some(k);
            }
            let apart = match ro {
                Some(ro) => apart(po, &go, ro) || apart(pn, &gn, rn),
                // only in the new version: its decisions were all false
                None => true,
            };
            if apart {
                res.special.push(k);
            } else {
                res.plain.push(k);
            }
        }
        for (i, r) in po.data.resources.iter().enumerate() {
            if pn.data.resource_ids.contains_key(r.meta.name.as_str()) {
                continue;
            }
            // only in the old version: its decisions are all false now
            let k = res.both.len();
            res.both
                .push((r.meta.name.clone(), Some(ResourceId::from_index(i)), None));
            if let Some(x) = res.by_old.get_mut(i) {
                *x = Some(k);
            }
            res.special.push(k);
        }
        res
    }

    /// What a user is asked about: the resources set apart, the user's own
    /// (access or revokes in either version), and one representative of all
    /// the others with how many it stands for.
    pub(super) fn for_user(
        &self,
        po: &Program,
        pn: &Program,
        uo: UserId,
        un: UserId,
    ) -> Vec<(usize, Option<usize>)> {
        let mut own: Vec<usize> = Vec::new();
        let mut mine = |k: Option<usize>| {
            if let Some(k) = k {
                if !own.contains(&k) {
                    own.push(k);
                }
            }
        };
        if let Some(u) = po.data.users.get(uo.index()) {
            for (r, _, _) in u.access.iter().chain(&u.revoke_access) {
                mine(self.by_old.get(r.index()).copied().flatten());
            }
        }
        if let Some(u) = pn.data.users.get(un.index()) {
            for (r, _, _) in u.access.iter().chain(&u.revoke_access) {
                mine(self.by_new.get(r.index()).copied().flatten());
            }
        }
        let mut out: Vec<(usize, Option<usize>)> =
            self.special.iter().map(|&k| (k, None)).collect();
        own.sort_unstable();
        for &k in &own {
            if !self.special.contains(&k) {
                out.push((k, None));
            }
        }
        let own_plain = own.iter().filter(|k| !self.special.contains(k)).count();
        if let Some(&first) = self.plain.iter().find(|k| own.binary_search(k).is_err()) {
            out.push((first, Some(self.plain.len().saturating_sub(own_plain))));
        }
        out
    }
}
