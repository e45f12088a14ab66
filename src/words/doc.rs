//! The pages of `rights doc` in words: the rights catalogue by component,
//! the roles (graph, matrices, what each may assign, the default-role
//! table), the reports and actions with their conditions as sentences, and
//! with data the users. Built as the document model of [`crate::doc`], which
//! writes it as HTML or Markdown.

use super::Words;
use crate::doc::graph::Graph;
use crate::doc::{anchor, Block, Cell, Entry, Inline, Page, Site, Target};
use crate::ir::{Program, RoleOrigin};
use crate::sema::model::*;

/// Above this many rights the role × right matrix is shown per component.
const WIDE: usize = 60;

fn link(kind: &'static str, page: &'static str, name: &str, text: &str, code: bool) -> Inline {
    Inline::Link {
        text: text.to_string(),
        to: Target {
            page,
            anchor: anchor(kind, name),
        },
        code,
    }
}

fn t(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// At most this many names in one list; the rest are counted.
const LIST: usize = 40;

/// A matrix of more cells than this is not drawn (its counts are).
const MAX_CELLS: usize = 20_000;

/// Inlines joined by ", " (or "none"), at most [`LIST`] of them.
fn joined(xs: Vec<Inline>) -> Vec<Inline> {
    if xs.is_empty() {
        return vec![t("none")];
    }
    let n = xs.len();
    let mut out = Vec::new();
    for (i, x) in xs.into_iter().take(LIST).enumerate() {
        if i > 0 {
            out.push(t(", "));
        }
        out.push(x);
    }
    if n > LIST {
        out.push(t(format!(" and {} more", n - LIST)));
    }
    out
}

/// The component of a right: the part of its name before the first `.`.
fn component(name: &str) -> &str {
    name.split_once('.').map_or("(no component)", |(c, _)| c)
}

/// What a role alone decides of a condition: `Some(true)` when its rights
/// and roles make the condition hold, `Some(false)` when they make it fail,
/// `None` when it depends on the user (flags, groups, access, resources).
fn role_decides(p: &Program, role: RoleId, c: &Cond, depth: u32) -> Option<bool> {
    if depth > 32 {
        return None;
    }
    let code = p.code();
    match c {
        Cond::Const(b, _) => Some(*b),
        Cond::Right(r, _) => Some(code.role_grants(role, *r)),
        Cond::Role(r, _) => Some(code.role_inherits(role, *r)),
        Cond::Not(x, _) => role_decides(p, role, x, depth + 1).map(|b| !b),
        Cond::And(xs, _) => {
            let mut all = Some(true);
            for x in xs {
                match role_decides(p, role, x, depth + 1) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        Cond::Or(xs, _) => {
            let mut any = Some(false);
            for x in xs {
                match role_decides(p, role, x, depth + 1) {
                    Some(true) => return Some(true),
                    None => any = None,
                    Some(false) => {}
                }
            }
            any
        }
        Cond::Can(a, _) => {
            let a = p.policy.action(*a);
            if a.on_resource {
                None
            } else {
                role_decides(p, role, &a.when, depth + 1)
            }
        }
        Cond::Flag(..) | Cond::Access(..) | Cond::Group(..) | Cond::Tag(..) => None,
    }
}

/// Whether some deny can take away a right the condition needs.
fn deny_touches(grants: &Grants, c: &Cond) -> bool {
    match c {
        Cond::Or(xs, _) | Cond::And(xs, _) => xs.iter().any(|x| deny_touches(grants, x)),
        Cond::Not(x, _) => deny_touches(grants, x),
        Cond::Right(r, _) => grants.denied.get(r.index()).copied().unwrap_or(false),
        _ => false,
    }
}

/// The mark of what a role alone decides: ✓ holds, ? depends on the user.
fn mark(decided: Option<bool>, denied: bool) -> Cell {
    match (decided, denied) {
        (Some(true), false) => Cell::text("✓"),
        (Some(true), true) => Cell::text("✓ ‡"),
        (None, _) => Cell::text("?"),
        (Some(false), _) => Cell::empty(),
    }
}

/// Who grants what, computed once: the pages ask it for every right and
/// every cell of the matrices.
struct Grants {
    /// Per right: the roles that grant it directly.
    direct: Vec<Vec<RoleId>>,
    /// Per right: some deny names it.
    denied: Vec<bool>,
    /// Per right: its component's index in `components`.
    component: Vec<usize>,
    components: Vec<String>,
}

impl Grants {
    fn of(p: &Policy) -> Grants {
        let mut direct = vec![Vec::new(); p.rights.len()];
        for (k, role) in p.roles.iter().enumerate() {
            for g in &role.grants {
                if let Some(v) = direct.get_mut(g.right.index()) {
                    if v.last() != Some(&RoleId::from_index(k)) {
                        v.push(RoleId::from_index(k));
                    }
                }
            }
        }
        let mut denied = vec![false; p.rights.len()];
        for d in &p.denies {
            for x in &d.rights {
                if let Some(b) = denied.get_mut(x.right.index()) {
                    *b = true;
                }
            }
        }
        let mut components: Vec<String> = Vec::new();
        let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let component = p
            .rights
            .iter()
            .map(|r| {
                let c = component(&r.meta.name).to_string();
                *at.entry(c.clone()).or_insert_with(|| {
                    components.push(c);
                    components.len() - 1
                })
            })
            .collect();
        Grants {
            direct,
            denied,
            component,
            components,
        }
    }

    fn is_direct(&self, r: RightId, role: RoleId) -> bool {
        self.direct.get(r.index()).is_some_and(|v| v.contains(&role))
    }
}

impl Words<'_> {
    fn right_link(&self, r: RightId) -> Inline {
        let m = &self.program.policy.right(r).meta;
        link("right", "rights", &m.name, &m.name, true)
    }

    fn role_link(&self, r: RoleId) -> Inline {
        let m = &self.program.policy.role(r).meta;
        link("role", "roles", &m.name, &m.name, true)
    }

    fn report_link(&self, r: ReportId) -> Inline {
        let m = &self.program.policy.report(r).meta;
        link("report", "reports", &m.name, &m.name, true)
    }

    fn action_link(&self, a: ActionId) -> Inline {
        let m = &self.program.policy.action(a).meta;
        link("action", "reports", &m.name, &m.name, true)
    }

    /// The site: every page, and the search index.
    pub fn doc_site(&self, title: &str) -> Site {
        let has_data = !self.program.data.users.is_empty();
        let grants = Grants::of(&self.program.policy);
        let mut pages = vec![
            self.doc_index(title, has_data, &grants),
            self.doc_rights(&grants),
            self.doc_roles(&grants),
            self.doc_reports(&grants),
        ];
        if has_data {
            pages.push(self.doc_users());
        }
        Site {
            title: title.to_string(),
            pages,
            index: self.doc_search_index(has_data),
        }
    }

    fn doc_search_index(&self, has_data: bool) -> Vec<Entry> {
        let p = &self.program.policy;
        let mut out = Vec::new();
        let mut add = |text: &str, kind: &'static str, page: &'static str, a: String| {
            out.push(Entry {
                text: text.to_string(),
                kind,
                to: Target { page, anchor: a },
            })
        };
        for r in &p.rights {
            add(&r.meta.name, "right", "rights", anchor("right", &r.meta.name));
            if let Some(l) = &r.meta.label {
                add(l, "right", "rights", anchor("right", &r.meta.name));
            }
        }
        for r in &p.roles {
            add(&r.meta.name, "role", "roles", anchor("role", &r.meta.name));
            if let Some(l) = &r.meta.label {
                add(l, "role", "roles", anchor("role", &r.meta.name));
            }
        }
        for r in &p.reports {
            add(r.meta.display(), "report", "reports", anchor("report", &r.meta.name));
        }
        for a in &p.actions {
            add(a.meta.display(), "action", "reports", anchor("action", &a.meta.name));
        }
        if has_data {
            for u in &self.program.data.users {
                add(&u.meta.name, "user", "users", anchor("user", &u.meta.name));
            }
        }
        out
    }

    fn doc_index(&self, title: &str, has_data: bool, grants: &Grants) -> Page {
        let p = &self.program.policy;
        let components = grants.components.len();
        let mut items = vec![
            vec![
                link("page", "rights", "top", "Rights", false),
                t(format!(
                    ": {} rights in {components} component{}, each with who has it and what can take it away.",
                    p.rights.len(),
                    if components == 1 { "" } else { "s" }
                )),
            ],
            vec![
                link("page", "roles", "top", "Roles", false),
                t(format!(": {} roles, how they extend each other, and the rights and reports of each.", p.roles.len())),
            ],
            vec![
                link("page", "reports", "top", "Reports and actions", false),
                t(format!(": {} reports and {} actions, and who may run or use each.", p.reports.len(), p.actions.len())),
            ],
        ];
        if has_data {
            items.push(vec![
                link("page", "users", "top", "Users", false),
                t(format!(": {} users, their roles and how each came.", self.program.data.users.len())),
            ]);
        }
        let mut blocks = vec![
            Block::Heading {
                level: 1,
                text: title.to_string(),
                anchor: "page-top".into(),
            },
            Block::Para(vec![t("Generated from the policy: what these pages say is what the policy enforces.")]),
            Block::List(items),
        ];
        blocks.extend(self.doc_default_roles());
        Page {
            file: "index",
            title: "Overview".into(),
            blocks,
        }
    }

    fn doc_default_roles(&self) -> Vec<Block> {
        let p = &self.program.policy;
        if p.default_roles.is_empty() {
            return Vec::new();
        }
        let rows = p
            .default_roles
            .iter()
            .map(|l| {
                vec![
                    Cell(vec![t(self.condition(&l.when))]),
                    Cell(vec![
                        self.role_link(l.role),
                        t(format!(" ({})", p.role(l.role).meta.display())),
                    ]),
                ]
            })
            .collect();
        vec![
            Block::Heading {
                level: 2,
                text: "Default roles".into(),
                anchor: "default-roles".into(),
            },
            Block::Para(vec![t("A user whose data lists no roles gets the role of the first line whose condition holds.")]),
            Block::Table {
                caption: "When a user lists no roles: condition → default role".into(),
                head: vec!["When".into(), "Default role".into()],
                rows,
            },
        ]
    }

    fn doc_rights(&self, grants: &Grants) -> Page {
        let p = &self.program.policy;
        let mut blocks = vec![Block::Heading {
            level: 1,
            text: "Rights".into(),
            anchor: "page-top".into(),
        }];
        let mut last = None;
        for (i, r) in p.rights.iter().enumerate() {
            let id = RightId::from_index(i);
            let c = component(&r.meta.name);
            if last != Some(c) {
                blocks.push(Block::Heading {
                    level: 2,
                    text: format!("Component: {c}"),
                    anchor: anchor("component", c),
                });
                last = Some(c);
            }
            blocks.push(Block::Heading {
                level: 3,
                text: r.meta.display().to_string(),
                anchor: anchor("right", &r.meta.name),
            });
            let mut items = vec![vec![t("Name: "), Inline::Code(r.meta.name.clone())]];
            if let Some(d) = &r.meta.doc {
                blocks.push(Block::Para(vec![t(d.replace('\n', " "))]));
            }
            let mut direct = Vec::new();
            let mut inherited = Vec::new();
            let code = self.program.code();
            for k in 0..p.roles.len() {
                let rid = RoleId::from_index(k);
                if grants.is_direct(id, rid) {
                    direct.push(self.role_link(rid));
                } else if code.role_grants(rid, id) {
                    inherited.push(self.role_link(rid));
                }
            }
            let mut granted = vec![t("Granted by roles: ")];
            granted.extend(joined(direct));
            items.push(granted);
            if !inherited.is_empty() {
                let mut x = vec![t("Through inheritance: ")];
                x.extend(joined(inherited));
                items.push(x);
            }
            let denies = p
                .denies
                .iter()
                .filter(|d| grants.denied[i] && d.rights.iter().any(|x| x.right == id));
            for dn in denies {
                let when = dn
                    .when
                    .as_ref()
                    .map_or("always".to_string(), |c| format!("when {}", self.condition(c)));
                items.push(vec![t(format!("Taken away from every user {when}."))]);
            }
            let uses = |c: &Cond| cond_mentions(c, id);
            let mut needed: Vec<Inline> = p
                .actions
                .iter()
                .enumerate()
                .filter(|(_, a)| uses(&a.when))
                .map(|(k, _)| self.action_link(ActionId::from_index(k)))
                .collect();
            needed.extend(
                p.reports
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| {
                        uses(&r.requires)
                            || r.rows_where.as_ref().is_some_and(uses)
                            || r.details_when.as_ref().is_some_and(uses)
                    })
                    .map(|(k, _)| self.report_link(ReportId::from_index(k))),
            );
            if !needed.is_empty() {
                let mut x = vec![t("Needed by: ")];
                x.extend(joined(needed));
                items.push(x);
            }
            blocks.push(Block::List(items));
        }
        Page {
            file: "rights",
            title: "Rights".into(),
            blocks,
        }
    }

    fn role_graph(&self) -> Graph {
        let p = &self.program.policy;
        Graph {
            nodes: p
                .roles
                .iter()
                .map(|r| (r.meta.name.clone(), r.meta.display().to_string()))
                .collect(),
            edges: p
                .roles
                .iter()
                .enumerate()
                .flat_map(|(i, r)| r.parents.iter().map(move |(x, _)| (i, x.index())))
                .collect(),
            relation: "extends",
        }
    }

    /// The role graph alone (`rights graph`).
    pub fn doc_role_graph(&self) -> Graph {
        self.role_graph()
    }

    /// The group graph (`rights graph --groups`).
    pub fn doc_group_graph(&self) -> Graph {
        let d = &self.program.data;
        Graph {
            nodes: d
                .groups
                .iter()
                .map(|g| (g.meta.name.clone(), g.meta.display().to_string()))
                .collect(),
            edges: d
                .groups
                .iter()
                .enumerate()
                .filter_map(|(i, g)| g.parent.map(|x| (i, x.index())))
                .collect(),
            relation: "is in",
        }
    }

    fn matrix(&self, grants: &Grants, caption: String, rights: &[RightId]) -> Block {
        let p = &self.program.policy;
        let code = self.program.code();
        let denied = |r: RightId| grants.denied.get(r.index()).copied().unwrap_or(false);
        let mut head = vec!["Role".to_string()];
        head.extend(rights.iter().map(|&r| p.right(r).meta.name.clone()));
        let rows = p
            .roles
            .iter()
            .enumerate()
            .map(|(k, _)| {
                let rid = RoleId::from_index(k);
                let mut row = vec![Cell(vec![self.role_link(rid)])];
                for &r in rights {
                    let mark = if grants.is_direct(r, rid) {
                        "●"
                    } else if code.role_grants(rid, r) {
                        "○"
                    } else {
                        ""
                    };
                    row.push(match (mark, denied(r)) {
                        ("", _) => Cell::empty(),
                        (m, true) => Cell::text(format!("{m} ‡")),
                        (m, false) => Cell::text(m),
                    });
                }
                row
            })
            .collect();
        Block::Table {
            caption,
            head,
            rows,
        }
    }

    fn doc_roles(&self, grants: &Grants) -> Page {
        let p = &self.program.policy;
        let mut blocks = vec![
            Block::Heading {
                level: 1,
                text: "Roles".into(),
                anchor: "page-top".into(),
            },
            Block::Heading {
                level: 2,
                text: "How roles extend each other".into(),
                anchor: "graph".into(),
            },
            Block::Graph(self.role_graph()),
            Block::Para(vec![t("An arrow goes from a role to the role it extends: it has every right of that role too.")]),
            Block::Heading {
                level: 2,
                text: "Role × right".into(),
                anchor: "matrix".into(),
            },
            Block::Para(vec![t("● granted directly; ○ inherited from a role it extends; ‡ a deny can take the right away from some users.")]),
        ];
        let all: Vec<RightId> = (0..p.rights.len()).map(RightId::from_index).collect();
        if all.len() <= WIDE {
            blocks.push(self.matrix(grants, "Which role has which right".into(), &all));
        } else {
            // too wide for one table: a count per component, then each component folded
            let comps = &grants.components;
            let mut total = vec![0usize; comps.len()];
            for &c in &grants.component {
                total[c] += 1;
            }
            let mut head = vec!["Role".to_string()];
            head.extend(comps.iter().cloned());
            let rows = (0..p.roles.len())
                .map(|k| {
                    let rid = RoleId::from_index(k);
                    let mut row = vec![Cell(vec![self.role_link(rid)])];
                    let mut has = vec![0usize; comps.len()];
                    for r in self.program.role_rights(rid) {
                        if let Some(&c) = grants.component.get(r.index()) {
                            has[c] += 1;
                        }
                    }
                    for (c, n) in has.iter().enumerate() {
                        row.push(if *n == 0 {
                            Cell::empty()
                        } else {
                            Cell::text(format!("{n} of {}", total[c]))
                        });
                    }
                    row
                })
                .collect();
            blocks.push(Block::Table {
                caption: "How many rights of each component each role has".into(),
                head,
                rows,
            });
            let cells = p.roles.len() * all.len();
            if cells > MAX_CELLS {
                blocks.push(Block::Para(vec![t(format!(
                    "With {} roles and {} rights the matrix would have {cells} cells: each component's own matrix is shown when it has at most {MAX_CELLS}; the others are given by the counts above and by each role's list of rights below.",
                    p.roles.len(),
                    all.len()
                ))]));
            }
            for (ci, c) in comps.iter().enumerate() {
                if p.roles.len() * total[ci] > MAX_CELLS {
                    continue;
                }
                let rs: Vec<RightId> = all
                    .iter()
                    .copied()
                    .filter(|&r| grants.component[r.index()] == ci)
                    .collect();
                blocks.push(Block::Details {
                    summary: format!("Component {c}: {} rights", rs.len()),
                    blocks: vec![self.matrix(grants, format!("Which role has which right of {c}"), &rs)],
                });
            }
        }
        if !p.reports.is_empty() {
            let mut head = vec!["Role".to_string()];
            head.extend(p.reports.iter().map(|r| r.meta.display().to_string()));
            let rows = p
                .roles
                .iter()
                .enumerate()
                .map(|(k, _)| {
                    let mut row = vec![Cell(vec![self.role_link(RoleId::from_index(k))])];
                    for rep in &p.reports {
                        let decided = role_decides(self.program, RoleId::from_index(k), &rep.requires, 0);
                        row.push(mark(decided, deny_touches(grants, &rep.requires)));
                    }
                    row
                })
                .collect();
            blocks.push(Block::Heading {
                level: 2,
                text: "Role × report".into(),
                anchor: "reports".into(),
            });
            blocks.push(Block::Para(vec![t("✓ the role's rights meet what the report requires; ? it depends on the user (flags, groups or access); ‡ a deny can take a needed right away from some users.")]));
            blocks.push(Block::Table {
                caption: "Which role may run which report".into(),
                head,
                rows,
            });
        }
        blocks.extend(self.doc_default_roles());
        blocks.push(Block::Heading {
            level: 2,
            text: "Every role".into(),
            anchor: "every-role".into(),
        });
        for (k, role) in p.roles.iter().enumerate() {
            let rid = RoleId::from_index(k);
            blocks.push(Block::Heading {
                level: 3,
                text: role.meta.display().to_string(),
                anchor: anchor("role", &role.meta.name),
            });
            if let Some(d) = &role.meta.doc {
                blocks.push(Block::Para(vec![t(d.replace('\n', " "))]));
            }
            let mut items = vec![vec![t("Name: "), Inline::Code(role.meta.name.clone())]];
            if !role.parents.is_empty() {
                let mut x = vec![t("Extends: ")];
                x.extend(joined(role.parents.iter().map(|(r, _)| self.role_link(*r)).collect()));
                items.push(x);
            }
            let rights: Vec<RightId> = self.program.role_rights(rid).collect();
            let mut x = vec![t(format!("Rights ({}): ", rights.len()))];
            x.extend(joined(rights.into_iter().map(|r| self.right_link(r)).collect()));
            items.push(x);
            for a in &role.assigns {
                items.push(vec![t(self.assigns_sentence(a))]);
            }
            blocks.push(Block::List(items));
        }
        Page {
            file: "roles",
            title: "Roles".into(),
            blocks,
        }
    }

    fn assigns_sentence(&self, a: &AssignsRule) -> String {
        let p = &self.program.policy;
        let what = match &a.what {
            Assignable::Roles(None) => "every role".to_string(),
            Assignable::Roles(Some(rs)) => format!(
                "the roles {}",
                rs.iter().map(|r| format!("`{}`", p.role(*r).meta.name)).collect::<Vec<_>>().join(", ")
            ),
            Assignable::Access(None) => "every access level".to_string(),
            Assignable::Access(Some(ls)) => format!(
                "access {}",
                ls.iter().map(|l| format!("`{}`", p.access_level(*l).meta.name)).collect::<Vec<_>>().join(", ")
            ),
        };
        let scope = match &a.scope {
            AssignsScope::Anywhere => String::new(),
            AssignsScope::When(c) => format!(", when {}", self.condition(c)),
            AssignsScope::OnResource(None) => " on a resource".to_string(),
            AssignsScope::OnResource(Some(c)) => {
                format!(" on a resource where {}", self.condition(c))
            }
        };
        format!("May assign {what}{scope}.")
    }

    fn doc_reports(&self, grants: &Grants) -> Page {
        let p = &self.program.policy;
        let data = &self.program.data;
        let mut blocks = vec![Block::Heading {
            level: 1,
            text: "Reports and actions".into(),
            anchor: "page-top".into(),
        }];
        for (k, r) in p.reports.iter().enumerate() {
            let rid = ReportId::from_index(k);
            blocks.push(Block::Heading {
                level: 2,
                text: format!("Report: {}", r.meta.display()),
                anchor: anchor("report", &r.meta.name),
            });
            if let Some(d) = &r.meta.doc {
                blocks.push(Block::Para(vec![t(d.replace('\n', " "))]));
            }
            let rows = match r.rows {
                RowsSource::Resources => "every resource",
                RowsSource::Event => "the resources of the event it is run for",
            };
            let mut items = vec![
                vec![t("Name: "), Inline::Code(r.meta.name.clone())],
                vec![t(format!("May be run when {}.", self.condition(&r.requires)))],
                vec![t(match &r.rows_where {
                    Some(c) => format!("Rows: {rows}, where {}.", self.condition(c)),
                    None => format!("Rows: {rows}."),
                })],
            ];
            if let Some(c) = &r.details_when {
                items.push(vec![t(format!(
                    "A row shows in full when {}; otherwise by name only.",
                    self.condition(c)
                ))]);
            }
            let roles: Vec<Inline> = (0..p.roles.len())
                .filter(|&i| role_decides(self.program, RoleId::from_index(i), &r.requires, 0) == Some(true))
                .map(|i| self.role_link(RoleId::from_index(i)))
                .collect();
            let mut x = vec![t(if deny_touches(grants, &r.requires) {
                "Roles whose rights meet what it requires (a deny can take them away from some users): "
            } else {
                "Roles whose rights meet what it requires: "
            })];
            x.extend(joined(roles));
            items.push(x);
            if !data.users.is_empty() {
                let n = (0..data.users.len())
                    .filter(|&u| self.program.may_run(UserId::from_index(u), rid))
                    .count();
                items.push(vec![t(format!("Users who may run it: {n} of {}.", data.users.len()))]);
            }
            blocks.push(Block::List(items));
        }
        for a in &p.actions {
            blocks.push(Block::Heading {
                level: 2,
                text: format!("Action: {}", a.meta.display()),
                anchor: anchor("action", &a.meta.name),
            });
            let on = if a.on_resource { " on a resource" } else { "" };
            let mut items = vec![
                vec![t("Name: "), Inline::Code(a.meta.name.clone())],
                vec![t(format!("Allowed{on} when {}.", self.condition(&a.when)))],
            ];
            if !a.on_resource {
                let roles: Vec<Inline> = (0..p.roles.len())
                    .filter(|&i| role_decides(self.program, RoleId::from_index(i), &a.when, 0) == Some(true))
                    .map(|i| self.role_link(RoleId::from_index(i)))
                    .collect();
                let mut x = vec![t("Roles whose rights meet its condition: ")];
                x.extend(joined(roles));
                items.push(x);
            }
            blocks.push(Block::List(items));
        }
        Page {
            file: "reports",
            title: "Reports and actions".into(),
            blocks,
        }
    }

    fn doc_users(&self) -> Page {
        let d = &self.program.data;
        let rows = d
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let uid = UserId::from_index(i);
                let how = match self.program.role_origin(uid) {
                    RoleOrigin::Explicit => "listed in the data".to_string(),
                    RoleOrigin::Default(k) => format!("default role (line {})", k + 1),
                    RoleOrigin::None => "no role".to_string(),
                };
                let roles = joined(self.program.roles_of(uid).into_iter().map(|r| self.role_link(r)).collect());
                let groups: Vec<String> = self
                    .program
                    .groups_of(uid)
                    .into_iter()
                    .map(|g| self.group(g).to_string())
                    .collect();
                let mut name = Cell(vec![
                    Inline::Anchor(anchor("user", &u.meta.name)),
                    Inline::Code(u.meta.name.clone()),
                ]);
                if let Some(l) = &u.meta.label {
                    name.0.push(t(format!(" ({l})")));
                }
                vec![
                    name,
                    Cell(roles),
                    Cell::text(how),
                    Cell::text(if groups.is_empty() { String::new() } else { groups.join(", ") }),
                    Cell::text(self.program.rights_of(uid).len().to_string()),
                ]
            })
            .collect();
        Page {
            file: "users",
            title: "Users".into(),
            blocks: vec![
                Block::Heading {
                    level: 1,
                    text: "Users".into(),
                    anchor: "page-top".into(),
                },
                Block::Table {
                    caption: "Every user of the data: roles (and how they came), groups, and how many rights".into(),
                    head: vec!["User".into(), "Roles".into(), "How".into(), "Groups".into(), "Rights".into()],
                    rows,
                },
            ],
        }
    }
}

/// Whether a condition mentions a right.
fn cond_mentions(c: &Cond, r: RightId) -> bool {
    match c {
        Cond::Or(xs, _) | Cond::And(xs, _) => xs.iter().any(|x| cond_mentions(x, r)),
        Cond::Not(x, _) => cond_mentions(x, r),
        Cond::Right(x, _) => *x == r,
        _ => false,
    }
}
