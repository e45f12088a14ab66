//! Explanations: the facts a decision rests on, each with where it comes from,
//! and for a denial, the smallest changes that would allow it.
//!
//! Every truth value here comes from the evaluator's own functions
//! (`eval`, `has_right`, `has_access`, …); this module only describes them.

use crate::ir::{Node, NodeId, Program, RoleOrigin};
use crate::sema::model::*;
use crate::source::Span;

/// One fact in an explanation, with the facts it rests on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// Whether this part of the condition is satisfied.
    pub holds: bool,
    /// The fact, in words: "jane has no `run_reports` access on `resource_m`".
    pub text: String,
    /// Where the fact comes from (a grant, a data entry, a deny…).
    pub site: Option<Span>,
    pub because: Vec<Reason>,
}

impl Reason {
    fn new(holds: bool, text: String) -> Reason {
        Reason {
            holds,
            text,
            site: None,
            because: Vec::new(),
        }
    }
    fn at(mut self, site: Span) -> Reason {
        self.site = Some(site);
        self
    }
    fn because(mut self, r: Vec<Reason>) -> Reason {
        self.because = r;
        self
    }
}

/// One change to policy or data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fix {
    GrantRight(RightId),
    AssignRole(RoleId),
    SetFlag(FlagId),
    GrantAccess(AccessId, ResourceId),
    RemoveRevoke(RightId),
    RemoveRole(RoleId),
    ClearFlag(FlagId),
    RemoveAccess(AccessId, ResourceId),
}

/// A decision with its reasons.
#[derive(Clone, Debug)]
pub struct Explanation {
    pub allowed: bool,
    /// The user the question is about.
    pub user: UserId,
    /// The question in words: "jane may run report `status_detail` on `resource_m`".
    pub subject: String,
    pub reasons: Vec<Reason>,
    /// For a denial: alternative sets of changes, smallest first (at most three).
    /// Empty when nothing would allow it (see `blocked`).
    pub fixes: Vec<Vec<Fix>>,
    /// For a denial no grant can lift: the denies and revokes that forbid it.
    pub blocked: Vec<Reason>,
}

/// Candidate alternatives kept while searching; at most [`MAX_SHOWN_FIXES`] are shown.
const MAX_ALTERNATIVES: usize = 8;
const MAX_SHOWN_FIXES: usize = 3;
/// The most changes one suggested alternative may combine.
const MAX_FIX_SIZE: usize = 12;

impl Program {
    fn user_name(&self, u: UserId) -> &str {
        self.data
            .users
            .get(u.index())
            .map_or("?", |x| x.meta.name.as_str())
    }
    fn resource_name(&self, r: ResourceId) -> &str {
        self.data
            .resources
            .get(r.index())
            .map_or("?", |x| x.meta.name.as_str())
    }
    fn right_name(&self, r: RightId) -> String {
        let m = &self.policy.right(r).meta;
        match &m.label {
            Some(l) => format!("`{}` ({l})", m.name),
            None => format!("`{}`", m.name),
        }
    }
    fn role_name(&self, r: RoleId) -> String {
        format!("`{}`", self.policy.role(r).meta.name)
    }

    /// Describes a change in words: "grant access `run_reports` on `resource_m` to jane".
    pub fn fix_text(&self, u: UserId, fix: Fix) -> String {
        let user = self.user_name(u);
        match fix {
            Fix::GrantRight(r) => {
                format!("grant right `{}` to {user}", self.policy.right(r).meta.name)
            }
            Fix::AssignRole(r) => match self.user_role_origin.get(u.index()) {
                Some(RoleOrigin::Default(i)) => format!(
                    "assign role {} to {user}, keeping the default role {}",
                    self.role_name(r),
                    self.role_name(self.policy.default_roles[*i].role)
                ),
                _ => format!("assign role {} to {user}", self.role_name(r)),
            },
            Fix::SetFlag(f) => format!("set flag `{}` for {user}", self.policy.flag(f).meta.name),
            Fix::GrantAccess(l, r) => format!(
                "grant access `{}` on `{}` to {user}",
                self.policy.access_level(l).meta.name,
                self.resource_name(r)
            ),
            Fix::RemoveRevoke(r) => format!(
                "remove the revoke of `{}` from {user}",
                self.policy.right(r).meta.name
            ),
            Fix::RemoveRole(r) => format!("take role {} from {user}", self.role_name(r)),
            Fix::ClearFlag(f) => {
                format!("clear flag `{}` for {user}", self.policy.flag(f).meta.name)
            }
            Fix::RemoveAccess(l, r) => format!(
                "take access `{}` on `{}` from {user}",
                self.policy.access_level(l).meta.name,
                self.resource_name(r)
            ),
        }
    }

    /// Explains a `can` decision.
    pub fn explain(&self, q: &CanQ) -> Explanation {
        self.explain_with(q, true)
    }

    /// The reasons for a decision, without searching for what would change it
    /// (for `can`, which shows why; `explain` also shows what would allow it).
    pub fn reasons(&self, q: &CanQ) -> Explanation {
        self.explain_with(q, false)
    }

    fn explain_with(&self, q: &CanQ, with_fixes: bool) -> Explanation {
        let u = q.user;
        let user = self.user_name(u).to_string();
        let allowed = self.can(q);
        let on_text = |r: Option<ResourceId>| {
            r.map(|r| format!(" on `{}`", self.resource_name(r)))
                .unwrap_or_default()
        };
        let (subject, reasons, fixes) = match q.target {
            Target::Right(r) => (
                format!("{user} holds right {}", self.right_name(r)),
                vec![self.explain_right(u, r)],
                self.alts_right(u, r, true),
            ),
            Target::Action(a) => {
                let action = &self.policy.action(a).meta;
                let node = self.action_cond.get(a.index()).copied().unwrap_or(0);
                let res = if self.policy.action(a).on_resource {
                    q.on
                } else {
                    None
                };
                (
                    format!("{user} may `{}`{}", action.name, on_text(res)),
                    vec![self.explain_node(node, u, res)],
                    self.alts(node, u, res, true),
                )
            }
            Target::Run(rep) => {
                let name = &self.policy.report(rep).meta.name;
                let req = self.report_requires.get(rep.index()).copied().unwrap_or(0);
                let mut reasons = vec![Reason::new(
                    self.may_run(u, rep),
                    format!("{user} may run report `{name}` at all (`requires`)"),
                )
                .because(vec![self.explain_node(req, u, None)])];
                let mut fixes = self.alts(req, u, None, true);
                if let Some(res) = q.on {
                    let row = self.is_row(u, rep, res);
                    let text = if row {
                        format!(
                            "`{}` is a row of `{name}` for {user}",
                            self.resource_name(res)
                        )
                    } else {
                        format!(
                            "`{}` is not a row of `{name}` for {user}",
                            self.resource_name(res)
                        )
                    };
                    let mut r = Reason::new(row, text);
                    if let Some(Some(w)) = self.report_where.get(rep.index()) {
                        r = r.because(vec![self.explain_node(*w, u, Some(res))]);
                        fixes = and_alts(fixes, self.alts(*w, u, Some(res), true));
                    } else if self.policy.report(rep).rows == RowsSource::Event {
                        r.text
                            .push_str(" (it lists every resource of the event it is run for)");
                    } else {
                        r.text.push_str(" (it lists every resource)");
                    }
                    reasons.push(r);
                }
                (
                    format!("{user} may run report `{name}`{}", on_text(q.on)),
                    reasons,
                    fixes,
                )
            }
            Target::Assign { role, to } => {
                let (reasons, fixes) = self.explain_assign(u, role, q.on);
                (
                    format!(
                        "{user} may assign role {} to {}{}",
                        self.role_name(role),
                        self.user_name(to),
                        on_text(q.on)
                    ),
                    reasons,
                    fixes,
                )
            }
        };
        let blocked = if allowed || !with_fixes {
            Vec::new()
        } else {
            self.blockers(q)
        };
        Explanation {
            allowed,
            user: u,
            subject,
            reasons,
            fixes: if allowed || !with_fixes {
                Vec::new()
            } else {
                self.verified(q, fixes)
            },
            blocked,
        }
    }

    /// Keeps only the alternatives that really allow the question: each is
    /// applied to a copy of the user and the question asked again, by the same
    /// evaluator.
    fn verified(&self, q: &CanQ, alts: Vec<Vec<Fix>>) -> Vec<Vec<Fix>> {
        alts.into_iter()
            .filter(|alt| !alt.is_empty() && self.would_allow(q, alt))
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

    /// A program with only user `u` (as user 0), changed by `changes`: the
    /// "what if" that checks a suggested fix with the real evaluator.
    fn with_changes(&self, u: UserId, changes: &[Fix]) -> Option<Program> {
        let original = self.data.users.get(u.index())?;
        let mut user = original.clone();
        let span = user.span;
        // roles given by default become explicit, so adding one keeps them
        if user.roles.is_none() {
            let default = match self.user_role_origin.get(u.index()) {
                Some(RoleOrigin::Default(i)) => vec![(self.policy.default_roles[*i].role, span)],
                _ => Vec::new(),
            };
            if changes
                .iter()
                .any(|f| matches!(f, Fix::AssignRole(_) | Fix::RemoveRole(_)))
            {
                user.roles = Some(default);
            }
        }
        for &fix in changes {
            match fix {
                Fix::GrantRight(r) => user.grants.push(RightSite { right: r, span }),
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
        let data = Data {
            users: vec![user],
            resources: self.data.resources.clone(),
            events: self.data.events.clone(),
            user_ids: Default::default(),
            resource_ids: self.data.resource_ids.clone(),
            event_ids: self.data.event_ids.clone(),
        };
        Some(Program::compile_parts(
            self.policy.clone(),
            std::sync::Arc::new(data),
        ))
    }

    /// Why a report row shows in full or by name only (`details when`).
    pub fn explain_details(&self, u: UserId, rep: ReportId, res: ResourceId) -> Explanation {
        let vis = self.visibility(u, rep, res);
        let name = &self.policy.report(rep).meta.name;
        let (reasons, fixes) = match self.report_details.get(rep.index()) {
            Some(Some(c)) if vis != crate::syntax::ast::Visibility::Full => {
                let fixes = self
                    .alts(*c, u, Some(res), true)
                    .into_iter()
                    .filter(|alt| {
                        !alt.is_empty()
                            && self.with_changes(u, alt).is_some_and(|p| {
                                p.visibility(UserId(0), rep, res)
                                    == crate::syntax::ast::Visibility::Full
                            })
                    })
                    .take(MAX_SHOWN_FIXES)
                    .collect();
                (vec![self.explain_node(*c, u, Some(res))], fixes)
            }
            Some(Some(c)) => (vec![self.explain_node(*c, u, Some(res))], Vec::new()),
            _ => (Vec::new(), Vec::new()),
        };
        Explanation {
            allowed: vis == crate::syntax::ast::Visibility::Full,
            user: u,
            subject: format!(
                "{} may see `{}` in full in report `{name}` (`details when`)",
                self.user_name(u),
                self.resource_name(res)
            ),
            reasons,
            fixes,
            blocked: Vec::new(),
        }
    }

    /// Denies and revokes that take away a right the question needs.
    fn blockers(&self, q: &CanQ) -> Vec<Reason> {
        let mut rights = Vec::new();
        match q.target {
            Target::Right(r) => rights.push(r),
            Target::Action(a) => {
                if let Some(&n) = self.action_cond.get(a.index()) {
                    self.rights_in(n, &mut rights)
                }
            }
            Target::Run(rep) => {
                if let Some(&n) = self.report_requires.get(rep.index()) {
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
            match self.node(n) {
                Node::Right(r) => {
                    if !out.contains(&r) {
                        out.push(r)
                    }
                }
                Node::Not(_) | Node::Const(_) | Node::Role(_) | Node::Flag(_) | Node::Access(_) => {
                }
                Node::Can(a) => {
                    if let Some(&c) = self.action_cond.get(a.index()) {
                        stack.push((c, depth + 1))
                    }
                }
                Node::And { start, len } | Node::Or { start, len } => {
                    stack.extend(self.children(start, len).iter().map(|&c| (c, depth)))
                }
            }
        }
    }

    // ── facts ──

    /// Why `u` holds right `r`, or why not.
    pub fn explain_right(&self, u: UserId, r: RightId) -> Reason {
        let user = self.user_name(u);
        let name = self.right_name(r);
        let sources = self.grant_sources(u, r);
        if self.has_right(u, r) {
            return Reason::new(true, format!("{user} holds right {name}")).because(sources);
        }
        let removals = self.removals(u, r);
        if !removals.is_empty() && !sources.is_empty() {
            let mut because = sources;
            because.extend(removals);
            return Reason::new(
                false,
                format!("{user} does not hold right {name}: it is taken away"),
            )
            .because(because);
        }
        Reason::new(
            false,
            format!("{user} does not hold right {name}: none of {user}'s roles grants it, and it is not granted to {user} directly"),
        )
        .because(removals)
    }

    /// The roles and user grants that grant `r` to `u` (before revokes and denies).
    fn grant_sources(&self, u: UserId, r: RightId) -> Vec<Reason> {
        let user = self.user_name(u);
        let mut out = Vec::new();
        for role in self.roles_of(u) {
            for site in &self.policy.role(role).grants {
                if site.right == r {
                    out.push(
                        Reason::new(true, format!("role {} grants it", self.role_name(role)))
                            .at(site.span)
                            .because(vec![self.explain_role(u, role)]),
                    );
                    break;
                }
            }
        }
        if let Some(data) = self.data.users.get(u.index()) {
            for site in &data.grants {
                if site.right == r {
                    out.push(
                        Reason::new(true, format!("it is granted to {user} directly"))
                            .at(site.span),
                    );
                    break;
                }
            }
        }
        out
    }

    /// The revokes and denies that take `r` from `u`.
    fn removals(&self, u: UserId, r: RightId) -> Vec<Reason> {
        let user = self.user_name(u);
        let mut out = Vec::new();
        if let Some(data) = self.data.users.get(u.index()) {
            for site in &data.revokes {
                if site.right == r {
                    out.push(
                        Reason::new(false, format!("it is revoked from {user}")).at(site.span),
                    );
                    break;
                }
            }
        }
        for (d, deny) in self.policy.denies.iter().enumerate() {
            if !deny.rights.iter().any(|s| s.right == r) {
                continue;
            }
            let applies = match self.deny_cond.get(d).copied().flatten() {
                None => true,
                Some(c) => self.eval(c, u, None),
            };
            if applies {
                let mut reason =
                    Reason::new(false, format!("a deny takes it from {user}")).at(deny.span);
                if let Some(Some(c)) = self.deny_cond.get(d) {
                    reason = reason.because(vec![self.explain_node(*c, u, None)]);
                }
                out.push(reason);
            }
        }
        out
    }

    /// Why `u` has role `r`, or not.
    pub fn explain_role(&self, u: UserId, r: RoleId) -> Reason {
        let user = self.user_name(u);
        let name = self.role_name(r);
        if !self.has_role(u, r) {
            return Reason::new(false, format!("{user} does not have role {name}"));
        }
        let data = self.data.users.get(u.index());
        match self.user_role_origin.get(u.index()) {
            Some(RoleOrigin::Explicit) => {
                let listed = data
                    .and_then(|d| d.roles.as_ref())
                    .and_then(|rs| rs.iter().find(|(x, _)| *x == r));
                if let Some((_, span)) = listed {
                    return Reason::new(
                        true,
                        format!("{user} has role {name}: it is listed in {user}'s data"),
                    )
                    .at(*span);
                }
                let via = data
                    .and_then(|d| d.roles.as_ref())
                    .and_then(|rs| rs.iter().find(|(x, _)| self.role_inherits(*x, r)));
                match via {
                    Some((d, span)) => Reason::new(
                        true,
                        format!(
                            "{user} has role {name}: inherited, as {user}'s role {} extends it",
                            self.role_name(*d)
                        ),
                    )
                    .at(*span),
                    None => Reason::new(true, format!("{user} has role {name}")),
                }
            }
            Some(RoleOrigin::Default(i)) => {
                let line = &self.policy.default_roles[*i];
                let how = if line.role == r {
                    format!("{user} has role {name} by default: {user}'s data lists no roles, and this is the first default-role line that matches")
                } else {
                    format!(
                        "{user} has role {name}: inherited from the default role {}",
                        self.role_name(line.role)
                    )
                };
                let cond = self
                    .default_cond
                    .get(*i)
                    .map(|&c| self.explain_node(c, u, None));
                Reason::new(true, how)
                    .at(line.span)
                    .because(cond.into_iter().collect())
            }
            _ => Reason::new(true, format!("{user} has role {name}")),
        }
    }

    fn explain_flag(&self, u: UserId, f: FlagId) -> Reason {
        let user = self.user_name(u);
        let name = &self.policy.flag(f).meta.name;
        if self.has_flag(u, f) {
            let site = self
                .data
                .users
                .get(u.index())
                .and_then(|d| d.flags.iter().find(|(x, _)| *x == f))
                .map(|(_, s)| *s);
            let r = Reason::new(true, format!("{user} has flag `{name}`"));
            match site {
                Some(s) => r.at(s),
                None => r,
            }
        } else {
            Reason::new(false, format!("{user} does not have flag `{name}`"))
        }
    }

    fn explain_access(&self, u: UserId, res: ResourceId, l: AccessId) -> Reason {
        let user = self.user_name(u);
        let level = &self.policy.access_level(l).meta.name;
        let rname = self.resource_name(res);
        let data = self.data.users.get(u.index());
        if self.data_access(u, res, l) {
            let site = data
                .and_then(|d| d.access.iter().find(|(r, x, _)| *r == res && *x == l))
                .map(|(_, _, s)| *s);
            let r = Reason::new(
                true,
                format!("{user} has `{level}` access on `{rname}` in the data"),
            );
            return match site {
                Some(s) => r.at(s),
                None => r,
            };
        }
        let rules = self
            .access_rules
            .get(l.index())
            .cloned()
            .unwrap_or_default();
        let conds = &self.policy.access_level(l).also_when;
        for (k, &c) in rules.iter().enumerate() {
            if self.eval(c, u, Some(res)) {
                let r = Reason::new(
                    true,
                    format!("{user} has `{level}` access on `{rname}` by an `also when` rule"),
                )
                .because(vec![self.explain_node(c, u, Some(res))]);
                return match conds.get(k) {
                    Some(cond) => r.at(cond.span()),
                    None => r,
                };
            }
        }
        let mut r = Reason::new(
            false,
            format!("{user} has no `{level}` access on `{rname}`"),
        );
        let entry = data.and_then(|d| d.access.iter().find(|(r, _, _)| *r == res));
        if let Some((_, _, s)) = entry {
            r = r.at(*s);
        }
        if !rules.is_empty() {
            r = r.because(
                rules
                    .iter()
                    .map(|&c| self.explain_node(c, u, Some(res)))
                    .collect(),
            );
        }
        r
    }

    /// Describes a condition's value for `u` (on `res`).
    pub fn explain_node(&self, node: NodeId, u: UserId, res: Option<ResourceId>) -> Reason {
        match self.node(node) {
            Node::Const(b) => Reason::new(b, format!("`{b}`")),
            Node::Right(r) => self.explain_right(u, r),
            Node::Role(r) => self.explain_role(u, r),
            Node::Flag(f) => self.explain_flag(u, f),
            Node::Access(l) => match res {
                Some(r) => self.explain_access(u, r, l),
                None => Reason::new(false, "no resource is in scope".into()),
            },
            Node::Can(a) => {
                let action = self.policy.action(a);
                let res = if action.on_resource { res } else { None };
                let holds = self.action_holds(u, a, res);
                let on = res
                    .map(|r| format!(" on `{}`", self.resource_name(r)))
                    .unwrap_or_default();
                let verb = if holds { "holds" } else { "does not hold" };
                let inner = self
                    .action_cond
                    .get(a.index())
                    .map(|&c| self.explain_node(c, u, res));
                Reason::new(holds, format!("action `{}` {verb}{on}", action.meta.name))
                    .at(action.meta.span)
                    .because(inner.into_iter().collect())
            }
            Node::Not(x) => {
                let mut inner = self.explain_node(x, u, res);
                inner.holds = !inner.holds;
                inner
            }
            Node::And { start, len } => {
                let kids = self.children(start, len);
                let holds = self.eval(node, u, res);
                let shown: Vec<Reason> = kids
                    .iter()
                    .filter(|&&c| holds || !self.eval(c, u, res))
                    .map(|&c| self.explain_node(c, u, res))
                    .collect();
                collapse(holds, shown, "all of these hold", "not all of these hold")
            }
            Node::Or { start, len } => {
                let kids = self.children(start, len);
                match kids.iter().find(|&&c| self.eval(c, u, res)) {
                    Some(&c) => self.explain_node(c, u, res),
                    None => {
                        let shown = kids.iter().map(|&c| self.explain_node(c, u, res)).collect();
                        collapse(false, shown, "", "none of these holds")
                    }
                }
            }
        }
    }

    fn explain_assign(
        &self,
        u: UserId,
        role: RoleId,
        on: Option<ResourceId>,
    ) -> (Vec<Reason>, Vec<Vec<Fix>>) {
        let user = self.user_name(u);
        let mut reasons = Vec::new();
        let mut fixes = Vec::new();
        for a in &self.assigns {
            let covers_role = match a.roles {
                None => true,
                Some(row) => self.assign_sets.get(row, role.index()),
            };
            if !covers_role {
                continue;
            }
            let rule = &self.policy.role(a.from).assigns[a.rule];
            let from = self.role_name(a.from);
            if !self.has_role(u, a.from) {
                let cond = match (a.cond, on) {
                    (None, _) => vec![Vec::new()],
                    (Some(c), Some(res)) => self.alts(c, u, Some(res), true),
                    (Some(_), None) => Vec::new(),
                };
                fixes.extend(and_alts(vec![vec![Fix::AssignRole(a.from)]], cond));
                continue;
            }
            let holds = self.assigns_rule_holds(a, u, on);
            let mut r = Reason::new(
                holds,
                format!(
                    "{user}'s role {from} may assign role {}",
                    self.role_name(role)
                ),
            )
            .at(rule.span)
            .because(vec![self.explain_role(u, a.from)]);
            if let Some(c) = a.cond {
                match on {
                    Some(res) => {
                        r.text.push_str(&format!(
                            " on resources where its condition holds, as it does{} on `{}`",
                            if holds { "" } else { " not" },
                            self.resource_name(res)
                        ));
                        r.because.push(self.explain_node(c, u, Some(res)));
                        fixes.extend(self.alts(c, u, Some(res), true));
                    }
                    None => r.text.push_str(
                        " only on resources where its condition holds: name one with `on RESOURCE`",
                    ),
                }
            }
            reasons.push(r);
        }
        if reasons.is_empty() {
            reasons.push(Reason::new(
                false,
                format!(
                    "none of {user}'s roles may assign role {}",
                    self.role_name(role)
                ),
            ));
        }
        (reasons, normalize(fixes))
    }

    // ── smallest changes ──

    /// Alternative sets of changes that would make `node` evaluate to `want`.
    fn alts(&self, node: NodeId, u: UserId, res: Option<ResourceId>, want: bool) -> Vec<Vec<Fix>> {
        if self.eval(node, u, res) == want {
            return vec![Vec::new()];
        }
        let out = match self.node(node) {
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
                match self.action_cond.get(a.index()) {
                    Some(&c) => self.alts(c, u, res, want),
                    None => Vec::new(),
                }
            }
            Node::Not(x) => self.alts(x, u, res, !want),
            Node::And { start, len } | Node::Or { start, len } => {
                let is_and = matches!(self.node(node), Node::And { .. });
                let kids = self.children(start, len);
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
                && match self.deny_cond.get(d).copied().flatten() {
                    None => true,
                    Some(c) => self.eval(c, u, None),
                }
        });
        if denied {
            return Vec::new();
        }
        let revoked = self
            .data
            .users
            .get(u.index())
            .is_some_and(|d| d.revokes.iter().any(|s| s.right == r));
        let granted = self
            .roles_of(u)
            .iter()
            .any(|&role| self.role_rights.get(role.index(), r.index()))
            || self
                .data
                .users
                .get(u.index())
                .is_some_and(|d| d.grants.iter().any(|s| s.right == r));
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
            .filter(|&role| self.role_rights.get(role.index(), r.index()))
            .map(|role| (self.role_rights(role).count(), role))
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

/// A reason for an `and`/`or` node: one shown child stands for the node itself.
fn collapse(holds: bool, mut shown: Vec<Reason>, yes: &str, no: &str) -> Reason {
    if shown.len() == 1 {
        let mut only = shown.remove(0);
        only.holds = holds;
        return only;
    }
    Reason::new(holds, if holds { yes } else { no }.to_string()).because(shown)
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

/// Sorted, deduplicated alternatives, smallest first, at most three; an empty
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
