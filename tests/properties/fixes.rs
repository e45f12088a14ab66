//! Exact fixes against brute force: every change the explanation may suggest
//! for one user (and the resource in question) is listed, and sets of them
//! are tried with the concrete evaluator (`Program::would_allow`).

use rights::eval::explain::Fix;
use rights::ir::{Program, RoleOrigin};
use rights::sema::model::*;

/// Every single change `explain` may suggest for `u` on `on`.
pub fn changes(p: &Program, u: UserId, on: Option<ResourceId>) -> Vec<Fix> {
    let pol = &p.policy;
    let user = &p.data.users[u.index()];
    let mut out = Vec::new();
    for r in (0..pol.roles.len()).map(RoleId::from_index) {
        let listed = match &user.roles {
            Some(rs) => rs.iter().any(|(x, _)| *x == r),
            None => match p.role_origin(u) {
                RoleOrigin::Default(i) => pol.default_roles[i].role == r,
                _ => false,
            },
        };
        out.push(if listed {
            Fix::RemoveRole(r)
        } else {
            Fix::AssignRole(r)
        });
    }
    for f in (0..pol.flags.len()).map(FlagId::from_index) {
        let has = user.flags.iter().any(|(x, _)| *x == f);
        out.push(if has {
            Fix::ClearFlag(f)
        } else {
            Fix::SetFlag(f)
        });
    }
    for g in (0..p.data.groups.len()).map(GroupId::from_index) {
        let has = user.groups.iter().any(|(x, _)| *x == g);
        out.push(if has {
            Fix::RemoveFromGroup(g)
        } else {
            Fix::AddToGroup(g)
        });
    }
    for r in (0..pol.rights.len()).map(RightId::from_index) {
        let has = user.grants.iter().any(|s| s.right == r);
        out.push(if has {
            Fix::RemoveGrant(r)
        } else {
            Fix::GrantRight(r)
        });
        if user.revokes.iter().any(|s| s.right == r) {
            out.push(Fix::RemoveRevoke(r));
        }
    }
    if let Some(res) = on {
        for l in (0..pol.access.len()).map(AccessId::from_index) {
            let has = user.access.iter().any(|(r, x, _)| *r == res && *x == l);
            out.push(if has {
                Fix::RemoveAccess(l, res)
            } else {
                Fix::GrantAccess(l, res)
            });
            if user
                .revoke_access
                .iter()
                .any(|(r, x, _)| *r == res && *x == l)
            {
                out.push(Fix::RemoveAccessRevoke(l, res));
            }
        }
        for t in (0..pol.tags.len()).map(TagId::from_index) {
            let has = p.data.resources[res.index()]
                .tags
                .iter()
                .any(|(x, _)| *x == t);
            out.push(if has {
                Fix::UntagResource(t, res)
            } else {
                Fix::TagResource(t, res)
            });
        }
    }
    out
}

/// Every subset of `all` with exactly `k` elements, passed to `f` until it
/// returns true; whether it did.
pub fn any_subset(all: &[Fix], k: usize, f: &mut impl FnMut(&[Fix]) -> bool) -> bool {
    fn go(
        all: &[Fix],
        k: usize,
        start: usize,
        cur: &mut Vec<Fix>,
        f: &mut impl FnMut(&[Fix]) -> bool,
    ) -> bool {
        if cur.len() == k {
            return f(cur);
        }
        for i in start..all.len() {
            if all.len() - i < k - cur.len() {
                break;
            }
            cur.push(all[i]);
            if go(all, k, i + 1, cur, f) {
                return true;
            }
            cur.pop();
        }
        false
    }
    go(all, k, 0, &mut Vec::new(), f)
}
