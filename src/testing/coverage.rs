//! Policy coverage: which rights, roles, actions, reports, denies, revokes and
//! default-role lines the tests exercised.
//!
//! An expectation exercises what its decision depends on: the report, action,
//! right or role it asks about; everything its conditions reach (through `can`
//! and access rules); and, for every right involved, the user's role that
//! grants it, the denies that cover it (their conditions were evaluated), the
//! user's revoke of it, and the default-role line that gave the user a role.

use crate::ir::{Node, NodeId, Program, RoleOrigin};
use crate::sema::model::*;
use crate::source::Span;

/// A revoke in some data, and whether a test exercised it.
#[derive(Clone, Debug)]
pub struct RevokeSite {
    pub span: Span,
    pub right: RightId,
    /// The user's id.
    pub user: String,
    pub seen: bool,
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
    pub default_lines: Vec<bool>,
    /// Every revoke in the data (global and tests'), by site.
    pub revokes: Vec<RevokeSite>,
}

impl Coverage {
    pub fn new(model: &Model) -> Coverage {
        let p = &model.policy;
        let mut revokes = Vec::new();
        let datas = std::iter::once(&*model.data)
            .chain(model.tests.iter().filter_map(|t| t.data.as_deref()));
        for data in datas {
            for u in &data.users {
                for s in &u.revokes {
                    if !revokes
                        .iter()
                        .any(|r: &RevokeSite| r.span.same_place(&s.span))
                    {
                        revokes.push(RevokeSite {
                            span: s.span,
                            right: s.right,
                            user: u.meta.name.clone(),
                            seen: false,
                        });
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
            default_lines: vec![false; p.default_roles.len()],
            revokes,
        }
    }

    /// Records what one expectation exercises.
    pub fn expectation(&mut self, program: &Program, e: &Expectation) {
        match e {
            Expectation::Can { question, .. } => {
                let u = question.user;
                match question.target {
                    Target::Right(r) => self.right(program, u, r),
                    Target::Action(a) => self.action(program, u, a),
                    Target::Run(rep) => self.report(program, u, rep),
                    Target::Assign { role, .. } => {
                        self.roles[role.index()] = true;
                        for a in &program.code().assigns {
                            if program.assigns_rule_covers(a, u, role) {
                                self.roles[a.from.index()] = true;
                                if let Some(c) = a.cond {
                                    self.cond(program, u, c);
                                }
                            }
                        }
                    }
                }
            }
            Expectation::Report { question, .. } => {
                self.report(program, question.user, question.report)
            }
        }
    }

    fn report(&mut self, program: &Program, u: UserId, rep: ReportId) {
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
            self.cond(program, u, n);
        }
    }

    fn action(&mut self, program: &Program, u: UserId, a: ActionId) {
        if let Some(&c) = program.code().action_cond.get(a.index()) {
            self.actions[a.index()] = true;
            self.cond(program, u, c);
        }
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
                Node::Right(r) => self.right(program, u, r),
                Node::Role(r) => self.role(program, u, r),
                Node::Access(l) => {
                    if !std::mem::replace(&mut seen_access[l.index()], true) {
                        stack.extend(program.code().access_rules[l.index()].iter().copied());
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
                if let Some(entry) = self.revokes.iter_mut().find(|x| x.span.same_place(&s.span)) {
                    entry.seen = true;
                }
            }
        }
        if let RoleOrigin::Default(i) = program.role_origin(u) {
            if let Some(seen) = self.default_lines.get_mut(i) {
                *seen = true;
            }
        }
    }

    /// Everything no test exercised, in the order of the kinds above.
    pub fn missed(&self, policy: &Policy) -> Vec<Missed> {
        let mut out = Vec::new();
        let mut add = |kind, seen: &[bool], meta: &dyn Fn(usize) -> (String, Span)| {
            for (i, s) in seen.iter().enumerate() {
                if !s {
                    let (name, span) = meta(i);
                    out.push(Missed {
                        kind,
                        name,
                        user: None,
                        span,
                    });
                }
            }
        };
        add("right", &self.rights, &|i| {
            (
                policy.rights[i].meta.name.clone(),
                policy.rights[i].meta.span,
            )
        });
        add("role", &self.roles, &|i| {
            (policy.roles[i].meta.name.clone(), policy.roles[i].meta.span)
        });
        add("action", &self.actions, &|i| {
            (
                policy.actions[i].meta.name.clone(),
                policy.actions[i].meta.span,
            )
        });
        add("report", &self.reports, &|i| {
            (
                policy.reports[i].meta.name.clone(),
                policy.reports[i].meta.span,
            )
        });
        add("deny", &self.denies, &|i| {
            let mut names: Vec<&str> = Vec::new();
            for s in &policy.denies[i].rights {
                let n = policy.right(s.right).meta.name.as_str();
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            let shown = if names.len() > 3 {
                format!("{}, …", names[..3].join(", "))
            } else {
                names.join(", ")
            };
            (shown, policy.denies[i].span)
        });
        add("default-role line", &self.default_lines, &|i| {
            (
                policy.role(policy.default_roles[i].role).meta.name.clone(),
                policy.default_roles[i].span,
            )
        });
        for r in &self.revokes {
            if !r.seen {
                out.push(Missed {
                    kind: "revoke",
                    name: policy.right(r.right).meta.name.clone(),
                    user: Some(r.user.clone()),
                    span: r.span,
                });
            }
        }
        out
    }

    /// (kind, exercised, total) for the summary line.
    pub fn totals(&self) -> Vec<(&'static str, usize, usize)> {
        let count = |v: &[bool]| (v.iter().filter(|b| **b).count(), v.len());
        let mut out = Vec::new();
        for (kind, v) in [
            ("rights", &self.rights),
            ("roles", &self.roles),
            ("actions", &self.actions),
            ("reports", &self.reports),
            ("denies", &self.denies),
            ("default-role lines", &self.default_lines),
        ] {
            let (a, b) = count(v);
            out.push((kind, a, b));
        }
        out.push((
            "revokes",
            self.revokes.iter().filter(|r| r.seen).count(),
            self.revokes.len(),
        ));
        out
    }
}
