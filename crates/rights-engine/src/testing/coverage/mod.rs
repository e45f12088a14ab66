//! Policy coverage: which rights, roles, actions, reports, denies, access
//! denies, revokes (of rights and of access), groups, tags and default-role
//! lines the tests exercised.
//!
//! An expectation exercises what its decision depends on: the report, action,
//! right, role or access level it asks about; everything its conditions reach
//! (through `can` and access rules); for every right involved, the user's
//! roles that grant it, the denies that cover it (their conditions were
//! evaluated), the user's revoke of it, and the default-role line that gave
//! the user a role; for every access level involved on a resource, the
//! groups and `access for role` roles that grant it, the user's revoke of it
//! there, and the access denies that cover it; and every group and tag a
//! condition names, with the groups that made the user a member.

mod facts;
mod report;

use crate::ir::{Node, NodeId, Program, RoleOrigin};
use crate::sema::model::*;
use crate::source::Span;

/// A revoke in some data (of a right, or of an access level on a
/// resource), and whether a test exercised it.
#[derive(Clone, Debug)]
pub struct RevokeSite {
    pub span: Span,
    pub what: Revoked,
    /// The user's id.
    pub user: String,
    pub seen: bool,
}

/// An `access for role ROLE: LEVEL` line of a resource, and whether a
/// test's decision rested on it.
#[derive(Clone, Debug)]
pub struct LineSite {
    pub span: Span,
    /// "`role`: `level` on `resource`".
    pub name: String,
    pub seen: bool,
}

/// What a revoke takes away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revoked {
    Right(RightId),
    /// An access level (the site names the resource: resource ids differ
    /// between the data sets of tests).
    Access(AccessId),
}

/// Something no test exercised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missed {
    /// `right`, `role`, `action`, `report`, `deny`, `default-role line`, `revoke`.
    pub kind: &'static str,
    /// Its name (for a deny, the rights it names; for a revoke, the right).
    pub name: String,
    /// For a revoke: the user it is in.
    pub user: Option<String>,
    pub span: Span,
}

/// What the tests of a model exercised.
#[derive(Clone, Debug)]
pub struct Coverage {
    pub rights: Vec<bool>,
    pub roles: Vec<bool>,
    pub actions: Vec<bool>,
    pub reports: Vec<bool>,
    pub denies: Vec<bool>,
    pub access_denies: Vec<bool>,
    pub default_lines: Vec<bool>,
    pub groups: Vec<bool>,
    pub tags: Vec<bool>,
    /// Attributes and context facts a tested condition read (§9).
    pub attributes: Vec<bool>,
    pub contexts: Vec<bool>,
    /// Levels declared `inherited` whose flow down the tree (or its stop) an
    /// explanation showed; `None` for a level not declared so.
    pub inherited: Vec<Option<bool>>,
    /// Every revoke in the data (global and tests'), by site.
    pub revokes: Vec<RevokeSite>,
    /// Every `access for role` line of a resource in the data (global and
    /// tests'), by site.
    pub role_access_lines: Vec<LineSite>,
    /// Names of the global data's groups (every data set has the same).
    group_names: Vec<(String, Span)>,
    /// The resource in scope while a condition is walked.
    resource: Option<ResourceId>,
    /// Resource names per revoke of access (data sets differ).
    revoke_names: Vec<String>,
    /// The lines an explanation's site may point to, by place: one lookup
    /// per fact, whatever the size of the policy and data.
    sites: rustc_hash::FxHashMap<Place, Vec<Site>>,
}

/// A span's file, start and end.
type Place = (u32, u32, u32);

fn place(s: &Span) -> Place {
    (s.file.0, s.start, s.end)
}

/// A line coverage counts, by its index in its list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Site {
    Revoke(usize),
    RoleAccessLine(usize),
    Deny(usize),
    AccessDeny(usize),
    DefaultLine(usize),
}

impl Coverage {
    pub fn new(model: &Model) -> Coverage {
        let p = &model.policy;
        let mut revokes = Vec::new();
        let mut revoke_names = Vec::new();
        let datas = std::iter::once(&*model.data)
            .chain(model.tests.iter().filter_map(|t| t.data.as_deref()));
        let mut role_access_lines: Vec<LineSite> = Vec::new();
        let mut sites: rustc_hash::FxHashMap<Place, Vec<Site>> = Default::default();
        for (i, d) in p.denies.iter().enumerate() {
            sites.entry(place(&d.span)).or_default().push(Site::Deny(i));
        }
        for (i, d) in p.access_denies.iter().enumerate() {
            sites
                .entry(place(&d.span))
                .or_default()
                .push(Site::AccessDeny(i));
        }
        for (i, d) in p.default_roles.iter().enumerate() {
            sites
                .entry(place(&d.span))
                .or_default()
                .push(Site::DefaultLine(i));
        }
        for data in datas {
            for res in &data.resources {
                for (role, _, span) in &res.role_access {
                    let at = sites.entry(place(span)).or_default();
                    if at.iter().any(|x| matches!(x, Site::RoleAccessLine(_))) {
                        continue;
                    }
                    at.push(Site::RoleAccessLine(role_access_lines.len()));
                    // one line, every level it names
                    let levels: Vec<&str> = res
                        .role_access
                        .iter()
                        .filter(|(_, _, s)| s.same_place(span))
                        .map(|(_, l, _)| p.access_level(*l).meta.name.as_str())
                        .collect();
                    role_access_lines.push(LineSite {
                        span: *span,
                        name: format!(
                            "{}: {}` on `{}",
                            p.role(*role).meta.name,
                            levels.join(", "),
                            res.meta.name
                        ),
                        seen: false,
                    });
                }
            }
            for u in &data.users {
                let entries = u
                    .revokes
                    .iter()
                    .map(|s| (s.span, Revoked::Right(s.right), String::new()))
                    .chain(u.revoke_access.iter().map(|(r, l, span)| {
                        let name = data
                            .resources
                            .get(r.index())
                            .map_or(String::new(), |x| x.meta.name.clone());
                        (*span, Revoked::Access(*l), name)
                    }));
                for (span, what, name) in entries {
                    let at = sites.entry(place(&span)).or_default();
                    let known = at.iter().any(|x| match x {
                        Site::Revoke(k) => {
                            revokes.get(*k).is_some_and(|r: &RevokeSite| r.what == what)
                        }
                        _ => false,
                    });
                    if !known {
                        at.push(Site::Revoke(revokes.len()));
                        revokes.push(RevokeSite {
                            span,
                            what,
                            user: u.meta.name.clone(),
                            seen: false,
                        });
                        revoke_names.push(name);
                    }
                }
            }
        }
        Coverage {
            rights: vec![false; p.rights.len()],
            roles: vec![false; p.roles.len()],
            actions: vec![false; p.actions.len()],
            reports: vec![false; p.reports.len()],
            denies: vec![false; p.denies.len()],
            access_denies: vec![false; p.access_denies.len()],
            default_lines: vec![false; p.default_roles.len()],
            groups: vec![false; p.names.groups.len()],
            tags: vec![false; p.tags.len()],
            attributes: vec![false; p.attributes.len()],
            contexts: vec![false; p.contexts.len()],
            inherited: p
                .access
                .iter()
                .map(|l| l.inherited.map(|_| false))
                .collect(),
            revokes,
            role_access_lines,
            group_names: model
                .data
                .groups
                .iter()
                .map(|g| (g.meta.name.clone(), g.meta.span))
                .collect(),
            revoke_names,
            resource: None,
            sites,
        }
    }

    /// Records what one expectation exercises: everything its conditions
    /// reach (on the resource asked about), and every fact the explanation
    /// of its decision rests on — so that coverage never counts less than
    /// what `explain` shows the decision depends on.
    pub fn expectation(&mut self, program: &Program, e: &Expectation) {
        match e {
            Expectation::Can { question, .. } => {
                let u = question.user;
                let on = question.on;
                match question.target {
                    Target::Right(r) => self.right(program, u, r),
                    Target::Action(a) => self.action(program, u, a, on),
                    Target::Run(rep) => self.report(program, u, rep, on),
                    Target::Assign { role, .. } => {
                        self.roles[role.index()] = true;
                        self.assigns(program, u, false, role.index(), on);
                    }
                    Target::Access(l) => {
                        if let Some(r) = on {
                            self.access(program, u, r, l);
                        }
                    }
                    Target::AssignAccess { level, .. } => {
                        self.assigns(program, u, true, level.index(), on)
                    }
                }
                self.explained(&program.reasons(question).reasons);
            }
            Expectation::Report {
                question, outcome, ..
            } => {
                let (u, rep) = (question.user, question.report);
                self.report(program, u, rep, None);
                // why it may be run at all, and why each row (found or
                // expected) is one or not, and how it shows
                let run = CanQ {
                    user: u,
                    target: Target::Run(rep),
                    on: None,
                    event: None,
                };
                self.explained(&program.reasons(&run).reasons);
                let mut rows: Vec<ResourceId> = program
                    .report_rows(question)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(r, _)| r)
                    .collect();
                if let ExpectedReport::Shows(expected) = outcome {
                    rows.extend(expected.iter().map(|(r, _)| *r));
                }
                rows.sort();
                rows.dedup();
                for res in rows {
                    self.report(program, u, rep, Some(res));
                    let row = CanQ {
                        on: Some(res),
                        ..run
                    };
                    self.explained(&program.reasons(&row).reasons);
                    self.explained(&program.details_reasons(u, rep, res));
                }
            }
        }
    }

    /// The `assigns` rules of the user's roles that cover what is handed out.
    fn assigns(
        &mut self,
        program: &Program,
        u: UserId,
        access: bool,
        what: usize,
        on: Option<ResourceId>,
    ) {
        for a in &program.code().assigns {
            if a.access == access && program.assigns_rule_covers(a, u, what) {
                self.role(program, u, a.from);
                if let Some(c) = a.cond {
                    self.cond_on(program, u, c, if a.on_resource { on } else { None });
                }
            }
        }
    }

    /// An access level of `u` on `r`, with everything that decided it.
    fn access(&mut self, program: &Program, u: UserId, r: ResourceId, l: AccessId) {
        for g in program.groups_of(u) {
            let gives = program
                .data
                .groups
                .get(g.index())
                .is_some_and(|grp| grp.access.iter().any(|(x, y, _)| *x == r && *y == l));
            if gives {
                self.group(program, u, g);
            }
        }
        if let Some(role) = program.role_access_via(u, r, l) {
            self.role(program, u, role);
        }
        if let Some(user) = program.data.users.get(u.index()) {
            for (x, y, span) in &user.revoke_access {
                if *x == r && *y == l {
                    self.revoke_seen(span, Revoked::Access(l));
                }
            }
        }
        for &d in program
            .code()
            .access_denies_of
            .get(l.index())
            .map_or(&[][..], |v| v.as_slice())
        {
            if let Some(seen) = self.access_denies.get_mut(d as usize) {
                *seen = true;
            }
            if let Some(Some(c)) = program.code().access_deny_cond.get(d as usize) {
                self.cond_on(program, u, *c, Some(r));
            }
        }
        let rules = program
            .code()
            .access_rules
            .get(l.index())
            .cloned()
            .unwrap_or_default();
        for c in rules {
            self.cond_on(program, u, c, Some(r));
        }
    }

    /// A group condition or a group that gave the user a role or access: the
    /// group, and the groups the user joined that lead to it.
    fn group(&mut self, program: &Program, u: UserId, g: GroupId) {
        if let Some(seen) = self.groups.get_mut(g.index()) {
            *seen = true;
        }
        if let Some(user) = program.data.users.get(u.index()) {
            for (j, _) in &user.groups {
                if program.in_group(u, g) && program.group_nested_in(*j, g) {
                    if let Some(seen) = self.groups.get_mut(j.index()) {
                        *seen = true;
                    }
                }
            }
        }
    }

    fn report(&mut self, program: &Program, u: UserId, rep: ReportId, on: Option<ResourceId>) {
        self.reports[rep.index()] = true;
        let nodes = [
            program.code().report_requires.get(rep.index()).copied(),
            program
                .code()
                .report_where
                .get(rep.index())
                .copied()
                .flatten(),
            program
                .code()
                .report_details
                .get(rep.index())
                .copied()
                .flatten(),
        ];
        for n in nodes.into_iter().flatten() {
            self.cond_on(program, u, n, on);
        }
    }

    fn action(&mut self, program: &Program, u: UserId, a: ActionId, on: Option<ResourceId>) {
        if let Some(&c) = program.code().action_cond.get(a.index()) {
            self.actions[a.index()] = true;
            self.cond_on(program, u, c, on);
        }
    }

    /// Like [`Coverage::cond`], on one resource: access levels there are
    /// followed to what decided them.
    fn cond_on(&mut self, program: &Program, u: UserId, node: NodeId, on: Option<ResourceId>) {
        self.resource = on;
        self.cond(program, u, node);
        self.resource = None;
    }

    /// Walks a condition and everything it reaches, each action and access
    /// level once.
    fn cond(&mut self, program: &Program, u: UserId, node: NodeId) {
        let mut seen_access = vec![false; program.code().access_rules.len()];
        let mut seen_action = vec![false; program.code().action_cond.len()];
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            match program.code().node(n) {
                Node::Const(_) | Node::Flag(_) => {}
                Node::Same(a) | Node::UserAttr(a, _) | Node::ResourceAttr(a, _) => {
                    if let Some(seen) = self.attributes.get_mut(a.index()) {
                        *seen = true;
                    }
                }
                Node::Context(c) => {
                    if let Some(seen) = self.contexts.get_mut(c.index()) {
                        *seen = true;
                    }
                }
                Node::Right(r) => self.right(program, u, r),
                Node::Role(r) => self.role(program, u, r),
                Node::Access(l) => {
                    if !std::mem::replace(&mut seen_access[l.index()], true) {
                        stack.extend(program.code().access_rules[l.index()].iter().copied());
                        if let Some(r) = self.resource {
                            let saved = self.resource.take();
                            self.access(program, u, r, l);
                            self.resource = saved;
                        }
                    }
                }
                Node::Group(g) => self.group(program, u, g),
                Node::Tag(t) => {
                    if let Some(seen) = self.tags.get_mut(t.index()) {
                        *seen = true;
                    }
                }
                Node::Can(a) => {
                    if !std::mem::replace(&mut seen_action[a.index()], true) {
                        self.actions[a.index()] = true;
                        stack.push(program.code().action_cond[a.index()]);
                    }
                }
                Node::Not(x) => stack.push(x),
                Node::And { start, len } | Node::Or { start, len } => {
                    stack.extend(program.code().children(start, len).iter().copied())
                }
            }
        }
    }

    /// A `role` condition: the role, the user's own role that has it, and the
    /// default-role line that gave the user that role.
    fn role(&mut self, program: &Program, u: UserId, r: RoleId) {
        self.roles[r.index()] = true;
        if !program.has_role(u, r) {
            return;
        }
        let direct: Vec<RoleId> = match program.role_origin(u) {
            RoleOrigin::Default(i) => {
                if let Some(seen) = self.default_lines.get_mut(i) {
                    *seen = true;
                }
                program
                    .policy
                    .default_roles
                    .get(i)
                    .map(|l| vec![l.role])
                    .unwrap_or_default()
            }
            _ => program
                .data
                .users
                .get(u.index())
                .and_then(|d| d.roles.as_ref())
                .map(|rs| rs.iter().map(|(x, _)| *x).collect())
                .unwrap_or_default(),
        };
        for g in program.groups_of(u) {
            let gives = program
                .data
                .groups
                .get(g.index())
                .is_some_and(|grp| grp.roles.iter().any(|(x, _)| program.role_inherits(*x, r)));
            if gives {
                self.group(program, u, g);
            }
        }
        for x in direct {
            if program.role_inherits(x, r) {
                self.roles[x.index()] = true;
            }
        }
    }

    /// A right involved in a decision for `u`, with everything that decided it.
    fn right(&mut self, program: &Program, u: UserId, r: RightId) {
        self.rights[r.index()] = true;
        // every role of the user through which the right comes: the role
        // that grants it and each role that inherits it on the way
        for role in program.roles_of(u) {
            if program.code().role_grants(role, r) {
                self.roles[role.index()] = true;
            }
        }
        for (d, deny) in program.policy.denies.iter().enumerate() {
            if deny.rights.iter().any(|s| s.right == r) {
                self.denies[d] = true;
            }
        }
        if let Some(user) = program.data.users.get(u.index()) {
            for s in user.revokes.iter().filter(|s| s.right == r) {
                self.revoke_seen(&s.span, Revoked::Right(r));
            }
        }
        if let RoleOrigin::Default(i) = program.role_origin(u) {
            if let Some(seen) = self.default_lines.get_mut(i) {
                *seen = true;
            }
        }
    }

    /// Marks the revoke written at `span` (of that kind) as exercised.
    fn revoke_seen(&mut self, span: &Span, what: Revoked) {
        let Some(at) = self.sites.get(&place(span)) else {
            return;
        };
        for x in at {
            if let Site::Revoke(k) = *x {
                if let Some(r) = self.revokes.get_mut(k) {
                    let same_kind = match (r.what, what) {
                        (Revoked::Right(_), Revoked::Right(_)) => true,
                        (a, b) => a == b,
                    };
                    if same_kind {
                        r.seen = true;
                    }
                }
            }
        }
    }
}
