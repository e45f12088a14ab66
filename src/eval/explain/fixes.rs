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
            Target::Assign { role, .. } => self.assign_alts(u, Handed::Role(role), q.on),
            Target::Access(l) => match q.on {
                Some(r) => self.alts_access(u, r, l, true),
                None => Vec::new(),
            },
            Target::AssignAccess { level, .. } => self.assign_alts(u, Handed::Level(level), q.on),
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
                Fix::AddToGroup(g) => user.groups.push((g, span)),
                Fix::RemoveFromGroup(g) => user.groups.retain(|(x, _)| *x != g),
                Fix::RemoveAccessRevoke(l, r) => user
                    .revoke_access
                    .retain(|(rr, ll, _)| !(*rr == r && *ll == l)),
                Fix::TagResource(..) | Fix::UntagResource(..) => {}
            }
        }
        // tags are on resources: the what-if shares the resources' tags, changed
        let mut shared = self.tables.shared.clone();
        for &fix in changes {
            match fix {
                Fix::TagResource(t, r) => std::sync::Arc::make_mut(&mut shared)
                    .resource_tags
                    .set(r.index(), t.index()),
                Fix::UntagResource(t, r) => {
                    let sh = std::sync::Arc::make_mut(&mut shared);
                    if let Some(word) = sh.resource_tags.row_mut(r.index()).get_mut(t.index() / 64)
                    {
                        *word &= !(1u64 << (t.index() % 64));
                    }
                }
                _ => {}
            }
        }
        Some(Program {
            policy: self.policy.clone(),
            data: self.data.clone(),
            code: self.code.clone(),
            tables: DataTables::build_users(&self.code, shared, [&user]),
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
            Target::Assign { .. } | Target::AssignAccess { .. } => {}
            Target::Access(l) => {
                // the revoke or deny that takes the level away
                return match q.on {
                    Some(r) if !self.has_access(q.user, r, l) => {
                        let reason = self.explain_access(q.user, r, l);
                        let removed = matches!(
                            reason.fact,
                            Fact::Access {
                                how: AccessHow::Revoked | AccessHow::Denied,
                                ..
                            }
                        );
                        if removed {
                            vec![reason]
                        } else {
                            Vec::new()
                        }
                    }
                    _ => Vec::new(),
                };
            }
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
                Node::Not(_)
                | Node::Const(_)
                | Node::Role(_)
                | Node::Flag(_)
                | Node::Access(_)
                | Node::Group(_)
                | Node::Tag(_) => {}
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

    /// Ways to be allowed to hand out a role or level: take a role whose rule
    /// covers it (and meet its condition), or meet the condition of a rule held.
    fn assign_alts(&self, u: UserId, what: Handed, on: Option<ResourceId>) -> Vec<Vec<Fix>> {
        let (access, index) = match what {
            Handed::Role(r) => (false, r.index()),
            Handed::Level(l) => (true, l.index()),
        };
        let mut fixes = Vec::new();
        for a in &self.code.assigns {
            if a.access != access || !a.covers(&self.code, index) {
                continue;
            }
            let cond = match (a.on_resource, a.cond, on) {
                (true, _, None) => Vec::new(),
                (_, None, _) => vec![Vec::new()],
                (true, Some(c), Some(res)) => self.alts(c, u, Some(res), true),
                (false, Some(c), _) => self.alts(c, u, None, true),
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

    /// Ways to give `u` level `l` on `r`: grant it (in data, by a role with
    /// `access for role`, or by an `also when` rule), lift the revoke, and make
    /// every access deny that applies stop applying.
    fn alts_access(&self, u: UserId, r: ResourceId, l: AccessId, want: bool) -> Vec<Vec<Fix>> {
        if self.has_access(u, r, l) == want {
            return vec![Vec::new()];
        }
        if !want {
            return vec![vec![Fix::RemoveAccess(l, r)]];
        }
        let granted = self.data_access(u, r, l)
            || self.role_access(u, r, l)
            || self
                .code
                .access_rules
                .get(l.index())
                .is_some_and(|rules| rules.iter().any(|&c| self.eval(c, u, Some(r))));
        let grant = if granted {
            vec![Vec::new()]
        } else {
            let mut v = vec![vec![Fix::GrantAccess(l, r)]];
            if let Some(res) = self.data.resources.get(r.index()) {
                for (role, x, _) in &res.role_access {
                    if *x == l {
                        v.push(vec![Fix::AssignRole(*role)]);
                    }
                }
            }
            // a group whose members have it
            for (g, group) in self.data.groups.iter().enumerate() {
                if group.access.iter().any(|(x, y, _)| *x == r && *y == l) {
                    v.push(vec![Fix::AddToGroup(GroupId::from_index(g))]);
                }
            }
            for &c in self
                .code
                .access_rules
                .get(l.index())
                .map(|x| x.as_slice())
                .unwrap_or(&[])
            {
                v.extend(self.alts(c, u, Some(r), true));
            }
            normalize(v)
        };
        let mut out = if self.access_revoked(u, r, l) {
            and_alts(grant, vec![vec![Fix::RemoveAccessRevoke(l, r)]])
        } else {
            grant
        };
        // every deny of this level that applies must stop applying
        let denies: Vec<u32> = self
            .code
            .access_denies_of
            .get(l.index())
            .cloned()
            .unwrap_or_default();
        for d in denies {
            match self
                .code
                .access_deny_cond
                .get(d as usize)
                .copied()
                .flatten()
            {
                None => return Vec::new(),
                Some(c) if self.eval(c, u, Some(r)) => {
                    out = and_alts(out, self.alts(c, u, Some(r), false));
                    if out.is_empty() {
                        return out;
                    }
                }
                Some(_) => {}
            }
        }
        out
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
            Node::Role(r) if want => {
                // the role, or a group that gives it
                let mut v = vec![vec![Fix::AssignRole(r)]];
                for (g, group) in self.data.groups.iter().enumerate() {
                    if group.roles.iter().any(|(x, _)| self.role_inherits(*x, r)) {
                        v.push(vec![Fix::AddToGroup(GroupId::from_index(g))]);
                    }
                }
                v
            }
            Node::Role(r) => vec![vec![Fix::RemoveRole(r)]],
            Node::Flag(f) => vec![vec![if want {
                Fix::SetFlag(f)
            } else {
                Fix::ClearFlag(f)
            }]],
            Node::Access(l) => match res {
                None => Vec::new(),
                Some(r) => self.alts_access(u, r, l, want),
            },
            Node::Group(g) => vec![vec![if want {
                Fix::AddToGroup(g)
            } else {
                Fix::RemoveFromGroup(g)
            }]],
            Node::Tag(t) => match res {
                None => Vec::new(),
                Some(r) => vec![vec![if want {
                    Fix::TagResource(t, r)
                } else {
                    Fix::UntagResource(t, r)
                }]],
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
        // groups whose roles grant it
        for (g, group) in self.data.groups.iter().enumerate() {
            if group
                .roles
                .iter()
                .any(|(role, _)| self.code.role_grants(*role, r))
            {
                out.push(lift(vec![Fix::AddToGroup(GroupId::from_index(g))]));
            }
        }
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
