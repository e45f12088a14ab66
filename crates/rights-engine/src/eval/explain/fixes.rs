//! What would change a denial: the smallest sets of changes to the user's
//! facts (or the resource's tags) under which the question holds, found
//! exactly in the symbolic view (`crate::symbolic`) — all minimal
//! alternatives up to a few, smallest first — each then verified by asking
//! the question again, with the same evaluator, of a "what if" copy of the
//! user (a one-user table build against the same compiled policy). When no
//! change would do, why: nobody could ever be allowed, not on this resource,
//! or the denies and revokes in the way.

use super::*;
use crate::ir::{DataTables, Node, NodeId, RoleOrigin};
use crate::symbolic::{self, search, Fact as Var, Limit, Symbolic};
use biodivine_lib_bdd::{Bdd, BddPartialValuation};

/// Minimal alternatives looked at from each search, whatever their size;
/// every one that the evaluator confirms is kept, ranked (`Rank`). How many
/// are shown is for the words to decide (`Words::shown_fixes`).
pub const MAX_ALTERNATIVES: usize = 64;

/// What the search found for a denial.
pub(super) struct Found {
    pub fixes: Vec<Vec<Fix>>,
    /// Why nothing would allow it, when nothing would.
    pub never: Option<Reason>,
}

impl Program {
    /// Verified alternatives that would allow a denied question.
    pub(super) fn fixes_for(&self, q: &CanQ) -> Found {
        let search = || -> Result<Found, Limit> {
            let sym = symbolic::of(self)?;
            let f = sym.question(q)?;
            let fixes = self.smallest_fixes(&sym, &f, q.user, q.on, |p| p.can(&what_if(q)))?;
            let never = if !fixes.is_empty() {
                None
            } else if f.is_false() {
                // on another kind of resource (or with one), someone could be?
                let mut elsewhere = false;
                for prof in 0..sym.profiles() {
                    elsewhere |= !sym.question_on(q, Some(prof))?.is_false();
                }
                Some(match q.on {
                    Some(r) if elsewhere => Reason::new(false, Fact::NotOnResource { resource: r }),
                    None if elsewhere => Reason::new(false, Fact::NeedsResource),
                    _ => Reason::new(false, Fact::NobodyEver),
                })
            } else {
                Some(Reason::new(false, Fact::NoChangeWould))
            };
            Ok(Found { fixes, never })
        };
        search().unwrap_or_else(|limit| Found {
            fixes: Vec::new(),
            never: Some(Reason::new(false, Fact::NotSearched(limit))),
        })
    }

    /// Verified alternatives that would show a name-only row in full.
    pub(super) fn details_fixes(&self, u: UserId, rep: ReportId, res: ResourceId) -> Vec<Vec<Fix>> {
        let search = || -> Result<Vec<Vec<Fix>>, Limit> {
            let sym = symbolic::of(self)?;
            let f = sym.report_details(rep, sym.binding().profile_of(res))?;
            self.smallest_fixes(&sym, &f, u, Some(res), |p| {
                p.visibility(UserId(0), rep, res) == Visibility::Full
            })
        };
        search().unwrap_or_default()
    }

    /// The smallest sets of changes to user `u` (on `on`) under which `f`
    /// holds, as fixes, verified, smallest first.
    ///
    /// A user whose data lists no roles is searched twice: with roles left
    /// as they are (so the default role still follows the flags), and with
    /// roles listed — the default role kept as a listed one — where at least
    /// one role changes, as `with_changes` applies a role fix.
    fn smallest_fixes(
        &self,
        sym: &Symbolic,
        f: &Bdd,
        u: UserId,
        on: Option<ResourceId>,
        verify: impl Fn(&Program) -> bool,
    ) -> Result<Vec<Vec<Fix>>, Limit> {
        let b = sym.binding();
        let vars = &sym.universe().vars;
        let lists = b.var(Var::Lists);
        let current = sym.facts_of(self, u, on);
        let lists_now = lists.is_some_and(|v| current.get(v.to_index()).copied().unwrap_or(false));
        let changeable =
            |v: usize, now: bool| match b.fact(biodivine_lib_bdd::BddVariable::from_index(v)) {
                Some(Var::Role(_) | Var::Flag(_) | Var::Group(_) | Var::Grant(_)) => true,
                Some(Var::Tag(_) | Var::Access(_)) => on.is_some(),
                // revokes may be lifted, never added
                Some(Var::Revoke(_)) => now,
                Some(Var::AccessRevoke(_)) => now && on.is_some(),
                // the question's facts, attribute values and the parent's
                // access are not changed by a fix to this user's data
                Some(
                    Var::Lists
                    | Var::Context(_)
                    | Var::UserValue(..)
                    | Var::ResourceValue(..)
                    | Var::Same(_)
                    | Var::Inherited(_),
                )
                | None => false,
            };
        let mut alts: Vec<Vec<Fix>> = Vec::new();
        let add = |changes: Vec<search::Change>, alts: &mut Vec<Vec<Fix>>| {
            let fixes: Vec<Fix> = changes
                .into_iter()
                .filter_map(|(v, to)| fix_of(b.fact(v)?, to, on))
                .collect();
            if !fixes.is_empty() {
                alts.push(fixes);
            }
        };
        let kept = search::restrict_unchangeable(f, &current, changeable);
        for changes in search::smallest(vars, &kept, &current, MAX_ALTERNATIVES, MAX_ALTERNATIVES)?
        {
            add(changes, &mut alts);
        }
        if let (Some(lists), false) = (lists, lists_now) {
            // roles listed: the default role (if one applies) becomes listed
            let mut base = current.clone();
            base[lists.to_index()] = true;
            if let RoleOrigin::Default(i) = self.role_origin(u) {
                let listed = self
                    .code
                    .default_role
                    .get(i)
                    .and_then(|&r| b.var(Var::Role(r)));
                if let Some(v) = listed {
                    base[v.to_index()] = true;
                }
            }
            let roles_as_base = BddPartialValuation::from_values(
                &b.role
                    .iter()
                    .map(|&v| (v, base[v.to_index()]))
                    .collect::<Vec<_>>(),
            );
            let unchanged = vars.mk_conjunctive_clause(&roles_as_base);
            let g = Bdd::binary_op_with_limit(
                symbolic::NODE_LIMIT,
                &f.restrict(&[(lists, true)]),
                &unchanged,
                biodivine_lib_bdd::op_function::and_not,
            )
            .ok_or(Limit::TooLarge)?;
            let g = search::restrict_unchangeable(&g, &base, changeable);
            for changes in search::smallest(vars, &g, &base, MAX_ALTERNATIVES, MAX_ALTERNATIVES)? {
                add(changes, &mut alts);
            }
        }
        // drop any alternative that contains a smaller one
        alts.sort_by_key(Vec::len);
        let mut minimal: Vec<Vec<Fix>> = Vec::new();
        for alt in alts {
            if !minimal.iter().any(|m| m.iter().all(|x| alt.contains(x))) {
                minimal.push(alt);
            }
        }
        // each checked with the real evaluator on a "what if" copy of the
        // user, and measured there: what else it would give them
        let mut ranked: Vec<(Rank, Vec<Fix>)> = Vec::new();
        for mut alt in minimal {
            let Some(p) = self.with_changes(u, &alt) else {
                continue;
            };
            if !verify(&p) {
                continue;
            }
            alt.sort_by_key(|f| self.fix_rank(*f));
            let rank = Rank {
                size: alt.len(),
                shared: alt.iter().any(|f| f.is_shared()),
                gained: self.gained(u, on, &p),
                kinds: alt.iter().map(|f| self.fix_rank(*f)).collect(),
            };
            ranked.push((rank, alt));
        }
        ranked.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(ranked.into_iter().map(|(_, alt)| alt).collect())
    }

    /// How many rights, and access levels on the resource asked about, the
    /// user `u` would hold in the "what if" program `p` (its user 0) that
    /// they do not hold now: what a fix gives beyond what is asked.
    fn gained(&self, u: UserId, on: Option<ResourceId>, p: &Program) -> usize {
        let rights = p
            .rights_of(UserId(0))
            .into_iter()
            .filter(|&r| !self.has_right(u, r))
            .count();
        let levels = on.map_or(0, |res| {
            (0..self.policy.access.len())
                .map(AccessId::from_index)
                .filter(|&l| p.has_access(UserId(0), res, l) && !self.has_access(u, res, l))
                .count()
        });
        rights + levels
    }

    /// Would the question be allowed after these changes to the user?
    pub fn would_allow(&self, q: &CanQ, changes: &[Fix]) -> bool {
        self.with_changes(q.user, changes)
            .is_some_and(|p| p.can(&what_if(q)))
    }

    /// A program whose only user (user 0) is `u` changed by `changes`: the
    /// "what if" that checks a suggested fix with the real evaluator. It
    /// shares the compiled policy; only the one user's tables are built. Ask
    /// it only about user 0, and only for decisions: its data still holds
    /// every user as they are (user 0's entry is not `u`'s), so it is never
    /// explained or worded.
    fn with_changes(&self, u: UserId, changes: &[Fix]) -> Option<Program> {
        let mut user = User::clone(self.data.users.get(u.index())?);
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
                Fix::RemoveGrant(r) => user.grants.retain(|s| s.right != r),
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
            tables: DataTables::build_users_with(&self.code, shared, [&user], self.given()),
            symbolic: Default::default(),
            undated: None,
            day: self.day(),
            variants: Default::default(),
            deep: Default::default(),
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
                | Node::Tag(_)
                | Node::Same(_)
                | Node::UserAttr(..)
                | Node::ResourceAttr(..)
                | Node::Context(_) => {}
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
}

impl Program {
    /// How ordinary a change is, for ordering alternatives of one size:
    /// granting before taking away, a role with fewer rights before one with
    /// more, then declaration order.
    fn fix_rank(&self, f: Fix) -> (u8, usize, Fix) {
        let rights = |r: RoleId| self.code.role_rights(r).count();
        match f {
            Fix::AssignRole(r) => (0, rights(r), f),
            Fix::GrantAccess(..) => (1, 0, f),
            Fix::GrantRight(_) => (2, 0, f),
            Fix::AddToGroup(_) => (3, 0, f),
            Fix::SetFlag(_) => (4, 0, f),
            Fix::RemoveRevoke(_) | Fix::RemoveAccessRevoke(..) => (5, 0, f),
            Fix::TagResource(..) | Fix::UntagResource(..) => (6, 0, f),
            Fix::ClearFlag(_) => (7, 0, f),
            Fix::RemoveRole(_) | Fix::RemoveFromGroup(_) => (8, 0, f),
            Fix::RemoveGrant(_) | Fix::RemoveAccess(..) => (9, 0, f),
        }
    }
}

/// The question `q` asked of the "what if" program's only user (user 0).
fn what_if(q: &CanQ) -> CanQ {
    let target = match q.target {
        Target::Assign { role, .. } => Target::Assign {
            role,
            to: UserId(0),
        },
        t => t,
    };
    CanQ {
        user: UserId(0),
        target,
        on: q.on,
        event: q.event,
    }
}

/// How alternatives of changes are ordered: smallest first; among those of
/// one size, changes to this one user's data before a change to a resource
/// everyone shares (a tag); then least privilege (the fewest rights and
/// levels it gives the user beyond what is asked); then the most ordinary
/// kinds of change (granting before taking away, a role with fewer rights
/// before one with more), then declaration order.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    size: usize,
    shared: bool,
    gained: usize,
    kinds: Vec<(u8, usize, Fix)>,
}

/// The fix that sets a fact of the user (or the resource `on`) to `to`.
fn fix_of(fact: Var, to: bool, on: Option<ResourceId>) -> Option<Fix> {
    Some(match (fact, to) {
        (Var::Role(r), true) => Fix::AssignRole(r),
        (Var::Role(r), false) => Fix::RemoveRole(r),
        (Var::Flag(x), true) => Fix::SetFlag(x),
        (Var::Flag(x), false) => Fix::ClearFlag(x),
        (Var::Group(g), true) => Fix::AddToGroup(g),
        (Var::Group(g), false) => Fix::RemoveFromGroup(g),
        (Var::Grant(r), true) => Fix::GrantRight(r),
        (Var::Grant(r), false) => Fix::RemoveGrant(r),
        (Var::Revoke(r), false) => Fix::RemoveRevoke(r),
        (Var::Tag(t), true) => Fix::TagResource(t, on?),
        (Var::Tag(t), false) => Fix::UntagResource(t, on?),
        (Var::Access(l), true) => Fix::GrantAccess(l, on?),
        (Var::Access(l), false) => Fix::RemoveAccess(l, on?),
        (Var::AccessRevoke(l), false) => Fix::RemoveAccessRevoke(l, on?),
        _ => return None,
    })
}
