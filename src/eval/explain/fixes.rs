//! What would change a denial: alternative sets of [`Fix`]es, smallest first,
//! each verified by asking the question again, with the same evaluator, of a
//! "what if" copy of the user (a one-user table build against the same
//! compiled policy, never a policy compile); and the denies and revokes that
//! no grant can lift.

use super::*;
use crate::ir::{DataTables, Node, NodeId, RoleOrigin};

/// Candidate alternatives kept while searching; at most [`MAX_SHOWN_FIXES`] are shown.
const MAX_ALTERNATIVES: usize = 8;
const MAX_SHOWN_FIXES: usize = 3;
/// The most changes one suggested alternative may combine.
const MAX_FIX_SIZE: usize = 12;

impl Program {
    /// Verified alternatives that would allow a denied question.
    pub(super) fn fixes_for(&self, q: &CanQ) -> Vec<Vec<Fix>> {
        let u = q.user;
        let alts = match q.target {
            Target::Right(r) => self.alts_right(u, r, true),
            Target::Action(a) => {
                let node = self.code.action_cond.get(a.index()).copied().unwrap_or(0);
                let res = if self.policy.action(a).on_resource {
                    q.on
                } else {
                    None
                };
                self.alts(node, u, res, true)
            }
            Target::Run(rep) => {
                let req = self
                    .code
                    .report_requires
                    .get(rep.index())
                    .copied()
                    .unwrap_or(0);
                let fixes = self.alts(req, u, None, true);
                match (q.on, self.code.report_where.get(rep.index())) {
                    (Some(res), Some(Some(w))) => {
                        and_alts(fixes, self.alts(*w, u, Some(res), true))
                    }
                    _ => fixes,
                }
            }
            Target::Assign { role, .. } => self.assign_alts(u, role, q.on),
        };
        alts.into_iter()
            .filter(|alt| !alt.is_empty() && self.would_allow(q, alt))
            .take(MAX_SHOWN_FIXES)
            .collect()
    }

    /// Verified alternatives that would show a name-only row in full.
    pub(super) fn details_fixes(
        &self,
        cond: NodeId,
        u: UserId,
        rep: ReportId,
        res: ResourceId,
    ) -> Vec<Vec<Fix>> {
        self.alts(cond, u, Some(res), true)
            .into_iter()
            .filter(|alt| {
                !alt.is_empty()
                    && self
                        .with_changes(u, alt)
                        .is_some_and(|p| p.visibility(UserId(0), rep, res) == Visibility::Full)
            })
            .take(MAX_SHOWN_FIXES)
            .collect()
    }

    /// Would the question be allowed after these changes to the user?
    pub fn would_allow(&self, q: &CanQ, changes: &[Fix]) -> bool {
        let target = match q.target {
            Target::Assign { role, .. } => Target::Assign {
                role,
                to: UserId(0),
            },
            t => t,
        };
        self.with_changes(q.user, changes).is_some_and(|p| {
            p.can(&CanQ {
                user: UserId(0),
                target,
                on: q.on,
            })
        })
    }

    /// A program whose only user (user 0) is `u` changed by `changes`: the
    /// "what if" that checks a suggested fix with the real evaluator. It
    /// shares the compiled policy; only the one user's tables are built. Ask
    /// it only about user 0.
    fn with_changes(&self, u: UserId, changes: &[Fix]) -> Option<Program> {
        let mut user = self.data.users.get(u.index())?.clone();
        let span = user.span;
        // roles given by default become explicit, so adding one keeps them
        if user.roles.is_none()
            && changes
                .iter()
                .any(|f| matches!(f, Fix::AssignRole(_) | Fix::RemoveRole(_)))
        {
            user.roles = Some(match self.role_origin(u) {
                RoleOrigin::Default(i) => self
                    .policy
                    .default_roles
                    .get(i)
                    .map(|l| vec![(l.role, span)])
                    .unwrap_or_default(),
                _ => Vec::new(),
            });
        }
        for &fix in changes {
            match fix {
                Fix::GrantRight(r) => user.grants.push(RightSite {
                    right: r,
                    span,
                    exact: true,
                }),
                Fix::AssignRole(r) => user.roles.get_or_insert_with(Vec::new).push((r, span)),
                Fix::SetFlag(f) => user.flags.push((f, span)),
                Fix::GrantAccess(l, r) => user.access.push((r, l, span)),
                Fix::RemoveRevoke(r) => user.revokes.retain(|s| s.right != r),
                Fix::RemoveRole(r) => {
                    if let Some(rs) = user.roles.as_mut() {
                        rs.retain(|(x, _)| *x != r)
                    }
                }
                Fix::ClearFlag(f) => user.flags.retain(|(x, _)| *x != f),
                Fix::RemoveAccess(l, r) => {
                    user.access.retain(|(rr, ll, _)| !(*rr == r && *ll == l))
                }
            }
        }
        Some(Program {
            policy: self.policy.clone(),
            data: self.data.clone(),
            code: self.code.clone(),
            tables: DataTables::build(&self.code, [&user]),
        })
    }

    /// Denies and revokes that take away a right the question needs.
    pub(super) fn blockers(&self, q: &CanQ) -> Vec<Reason> {
        let mut rights = Vec::new();
        match q.target {
            Target::Right(r) => rights.push(r),
            Target::Action(a) => {
                if let Some(&n) = self.code.action_cond.get(a.index()) {
                    self.rights_in(n, &mut rights)
                }
            }
            Target::Run(rep) => {
                if let Some(&n) = self.code.report_requires.get(rep.index()) {
                    self.rights_in(n, &mut rights)
                }
            }
            Target::Assign { .. } => {}
        }
        rights
            .into_iter()
            .filter(|&r| !self.has_right(q.user, r))
            .flat_map(|r| self.removals(q.user, r))
            .collect()
    }

    /// Rights a condition mentions (through `can` too).
    fn rights_in(&self, node: NodeId, out: &mut Vec<RightId>) {
        let mut stack = vec![(node, 0usize)];
        while let Some((n, depth)) = stack.pop() {
            if depth > self.policy.actions.len() + 1 {
                continue;
            }
            match self.code.node(n) {
                Node::Right(r) => {
                    if !out.contains(&r) {
                        out.push(r)
                    }
                }
                Node::Not(_) | Node::Const(_) | Node::Role(_) | Node::Flag(_) | Node::Access(_) => {
                }
                Node::Can(a) => {
                    if let Some(&c) = self.code.action_cond.get(a.index()) {
                        stack.push((c, depth + 1))
                    }
                }
                Node::And { start, len } | Node::Or { start, len } => {
                    stack.extend(self.code.children(start, len).iter().map(|&c| (c, depth)))
                }
            }
        }
    }

    /// Ways to be allowed to assign `role`: take a role whose rule covers it
    /// (and meet its condition), or meet the condition of a rule held.
    fn assign_alts(&self, u: UserId, role: RoleId, on: Option<ResourceId>) -> Vec<Vec<Fix>> {
        let mut fixes = Vec::new();
        for a in &self.code.assigns {
            let covers_role = match a.roles {
                None => true,
                Some(row) => self.code.assign_sets.get(row, role.index()),
            };
            if !covers_role {
                continue;
            }
            let cond = match (a.cond, on) {
                (None, _) => vec![Vec::new()],
                (Some(c), Some(res)) => self.alts(c, u, Some(res), true),
                (Some(_), None) => Vec::new(),
            };
            if self.has_role(u, a.from) {
                if a.cond.is_some() {
                    fixes.extend(cond);
                }
            } else {
                fixes.extend(and_alts(vec![vec![Fix::AssignRole(a.from)]], cond));
            }
        }
        normalize(fixes)
    }

    /// Alternative sets of changes that would make `node` evaluate to `want`.
    fn alts(&self, node: NodeId, u: UserId, res: Option<ResourceId>, want: bool) -> Vec<Vec<Fix>> {
        if self.eval(node, u, res) == want {
            return vec![Vec::new()];
        }
        let out = match self.code.node(node) {
            Node::Const(_) => Vec::new(),
            Node::Right(r) => {
                if want {
                    self.alts_right(u, r, true)
                } else {
                    Vec::new()
                }
            }
            Node::Role(r) => vec![vec![if want {
                Fix::AssignRole(r)
            } else {
                Fix::RemoveRole(r)
            }]],
            Node::Flag(f) => vec![vec![if want {
                Fix::SetFlag(f)
            } else {
                Fix::ClearFlag(f)
            }]],
            Node::Access(l) => match res {
                None => Vec::new(),
                Some(r) if want => {
                    let mut v = vec![vec![Fix::GrantAccess(l, r)]];
                    for &c in self
                        .code
                        .access_rules
                        .get(l.index())
                        .map(|x| x.as_slice())
                        .unwrap_or(&[])
                    {
                        v.extend(self.alts(c, u, Some(r), true));
                    }
                    v
                }
                Some(r) => vec![vec![Fix::RemoveAccess(l, r)]],
            },
            Node::Can(a) => {
                let res = if self.policy.action(a).on_resource {
                    res
                } else {
                    None
                };
                match self.code.action_cond.get(a.index()) {
                    Some(&c) => self.alts(c, u, res, want),
                    None => Vec::new(),
                }
            }
            Node::Not(x) => self.alts(x, u, res, !want),
            Node::And { start, len } | Node::Or { start, len } => {
                let is_and = matches!(self.code.node(node), Node::And { .. });
                let kids = self.code.children(start, len);
                // every child must change (and→true, or→false), or any one may (and→false, or→true)
                if is_and == want {
                    let mut acc = vec![Vec::new()];
                    for &c in kids {
                        acc = and_alts(acc, self.alts(c, u, res, want));
                        if acc.is_empty() {
                            break;
                        }
                    }
                    acc
                } else {
                    kids.iter()
                        .flat_map(|&c| self.alts(c, u, res, want))
                        .collect()
                }
            }
        };
        normalize(out)
    }

    /// Ways to give `u` right `r`: none if a deny takes it; else lift the
    /// revoke, or grant it, or assign a role that grants it.
    fn alts_right(&self, u: UserId, r: RightId, want: bool) -> Vec<Vec<Fix>> {
        if !want || self.has_right(u, r) {
            return vec![Vec::new()];
        }
        let denied = self.policy.denies.iter().enumerate().any(|(d, deny)| {
            deny.rights.iter().any(|s| s.right == r)
                && self
                    .code
                    .deny_cond
                    .get(d)
                    .copied()
                    .flatten()
                    .is_none_or(|c| self.eval(c, u, None))
        });
        if denied {
            return Vec::new();
        }
        let data = self.data.users.get(u.index());
        let revoked = data.is_some_and(|d| d.revokes.iter().any(|s| s.right == r));
        let granted = self
            .roles_of(u)
            .iter()
            .any(|&role| self.code.role_grants(role, r))
            || data.is_some_and(|d| d.grants.iter().any(|s| s.right == r));
        let lift = |mut alt: Vec<Fix>| {
            if revoked {
                alt.push(Fix::RemoveRevoke(r));
            }
            alt
        };
        if granted {
            return vec![lift(Vec::new())];
        }
        let mut out = vec![lift(vec![Fix::GrantRight(r)])];
        // roles that grant it, narrowest first
        let mut roles: Vec<(usize, RoleId)> = (0..self.policy.roles.len())
            .map(RoleId::from_index)
            .filter(|&role| self.code.role_grants(role, r))
            .map(|role| (self.code.role_rights(role).count(), role))
            .collect();
        roles.sort();
        out.extend(
            roles
                .into_iter()
                .take(2)
                .map(|(_, role)| vec![Fix::AssignRole(role)]),
        );
        out
    }
}

/// Every combination of one alternative from each side (both must happen).
fn and_alts(a: Vec<Vec<Fix>>, b: Vec<Vec<Fix>>) -> Vec<Vec<Fix>> {
    let mut out = Vec::new();
    for x in a.iter().take(MAX_ALTERNATIVES) {
        for y in b.iter().take(MAX_ALTERNATIVES) {
            // a change of more than this many facts is no "smallest change"
            if x.len() + y.len() > MAX_FIX_SIZE {
                continue;
            }
            let mut v = x.clone();
            v.extend(y.iter().copied());
            out.push(v);
        }
    }
    normalize(out)
}

/// Sorted, deduplicated alternatives, smallest first, at most eight; an empty
/// alternative ("nothing to change") makes every other one unnecessary.
fn normalize(alts: Vec<Vec<Fix>>) -> Vec<Vec<Fix>> {
    let mut alts: Vec<Vec<Fix>> = alts
        .into_iter()
        .map(|mut v| {
            v.sort();
            v.dedup();
            v
        })
        .collect();
    alts.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    alts.dedup();
    if alts.first().is_some_and(|a| a.is_empty()) {
        return vec![Vec::new()];
    }
    // drop an alternative that contains a smaller one
    let mut kept: Vec<Vec<Fix>> = Vec::new();
    for a in alts {
        if !kept.iter().any(|k| k.iter().all(|f| a.contains(f))) {
            kept.push(a);
        }
    }
    kept.truncate(MAX_ALTERNATIVES);
    kept
}
