//! The roles page: the graph, the role × right and role × report matrices,
//! the default roles, and every role with what it may assign.

use super::{
    counted_users, deny_touches, entry_head, heading, joined, mark, pager, t, Denied, Grants,
    MAX_CELLS, RIGHTS_SPLIT, WIDE,
};
use crate::doc::graph::Graph;
use crate::doc::{Block, Cell, Inline, Page};

/// Up to this many roles, a matrix of rights has a column per role.
const ROLES_AS_COLUMNS: usize = 40;

/// Past this many roles, the roles' entries are on pages of their own.
const ROLES_SPLIT: usize = 100;

/// Roles' entries on one page, when they are split.
const ROLES_PER_PAGE: usize = 100;

/// A role's neighbourhood drawn beside its entry has at most this many roles.
const FOCUS_NODES: usize = 30;

/// At most this many roles' neighbourhoods are drawn (each is laid out).
const FOCUS_DRAWN: usize = 400;

/// Users named on a role's entry (the rest are counted).
const HOLDERS_NAMED: usize = 10;
use crate::sema::model::*;
use crate::words::Words;

impl Words<'_> {
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
            link: Some("role"),
            node_pages: Vec::new(),
            part: false,
        }
    }

    /// The roles `role` extends and those that extend it, directly or not,
    /// with the edges between them: `None` when that is the role alone or
    /// more than [`FOCUS_NODES`] roles.
    fn focused_graph(&self, role: RoleId, whole: &Graph, children: &[Vec<usize>]) -> Option<Graph> {
        let mut keep = vec![false; whole.nodes.len()];
        let mut count = 0;
        // up the parents, then down the children
        for down in [false, true] {
            let mut stack = vec![role.index()];
            while let Some(n) = stack.pop() {
                if !keep[n] {
                    keep[n] = true;
                    count += 1;
                    if count > FOCUS_NODES {
                        return None;
                    }
                } else if n != role.index() {
                    continue;
                }
                if down {
                    stack.extend(children[n].iter().copied().filter(|&c| !keep[c]));
                } else {
                    stack.extend(
                        self.program.policy.roles[n]
                            .parents
                            .iter()
                            .map(|(p, _)| p.index())
                            .filter(|&p| !keep[p]),
                    );
                }
            }
        }
        if count < 2 {
            return None;
        }
        let mut index = vec![usize::MAX; whole.nodes.len()];
        let mut nodes = Vec::with_capacity(count);
        let mut node_pages = Vec::with_capacity(count);
        for (i, n) in whole.nodes.iter().enumerate() {
            if keep[i] {
                index[i] = nodes.len();
                nodes.push(n.clone());
                node_pages.push(self.role_page(RoleId::from_index(i)));
            }
        }
        let edges = whole
            .edges
            .iter()
            .filter(|(a, b)| keep[*a] && keep[*b])
            .map(|(a, b)| (index[*a], index[*b]))
            .collect();
        Some(Graph {
            nodes,
            edges,
            relation: whole.relation,
            link: whole.link,
            node_pages,
            part: true,
        })
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
            link: None,
            node_pages: Vec::new(),
            part: false,
        }
    }

    /// A right's mark for a role: ● granted here, ○ inherited, with ✗ or ‡
    /// when a deny takes it from every user or from some.
    fn right_mark(&self, grants: &Grants, role: RoleId, r: RightId) -> Cell {
        let mark = if grants.is_direct(r, role) {
            "●"
        } else if self.program.code().role_grants(role, r) {
            "○"
        } else {
            ""
        };
        match (mark, grants.denied(r)) {
            ("", _) => Cell::empty(),
            (m, Denied::ForEvery) => Cell::text(format!("{m} ✗")),
            (m, Denied::ForSome) => Cell::text(format!("{m} ‡")),
            (m, Denied::No) => Cell::text(m),
        }
    }

    /// Which role has which of `rights`: a right per row and a role per
    /// column (as administrators read the seed's pages) while the roles fit
    /// across a page; past [`ROLES_AS_COLUMNS`] roles, a role per row.
    /// Headers are labels, with names on hover.
    pub(super) fn matrix(&self, grants: &Grants, caption: String, rights: &[RightId]) -> Block {
        let p = &self.program.policy;
        let roles: Vec<RoleId> = (0..p.roles.len()).map(RoleId::from_index).collect();
        if roles.len() <= ROLES_AS_COLUMNS {
            let mut head = vec!["Right".to_string()];
            head.extend(roles.iter().map(|&r| p.role(r).meta.display().to_string()));
            let mut head_title = vec![String::new()];
            head_title.extend(roles.iter().map(|&r| p.role(r).meta.name.clone()));
            let rows = rights
                .iter()
                .map(|&r| {
                    let mut first = vec![self.right_link(r)];
                    if let Some(l) = &p.right(r).meta.label {
                        first.push(t(format!(" {l}")));
                    }
                    let mut row = vec![Cell(first)];
                    row.extend(roles.iter().map(|&role| self.right_mark(grants, role, r)));
                    row
                })
                .collect();
            return Block::Table {
                caption,
                head,
                head_title,
                rows,
            };
        }
        let mut head = vec!["Role".to_string()];
        head.extend(
            rights
                .iter()
                .map(|&r| p.right(r).meta.display().to_string()),
        );
        let mut head_title = vec![String::new()];
        head_title.extend(rights.iter().map(|&r| p.right(r).meta.name.clone()));
        let rows = roles
            .iter()
            .map(|&role| {
                let mut row = vec![Cell(vec![self.role_link(role)])];
                row.extend(rights.iter().map(|&r| self.right_mark(grants, role, r)));
                row
            })
            .collect();
        Block::Table {
            caption,
            head,
            head_title,
            rows,
        }
    }

    pub(super) fn doc_roles(&self, grants: &Grants) -> Vec<Page> {
        let p = &self.program.policy;
        let whole = self.role_graph();
        let too_big = whole.nodes.len() > crate::doc::graph::PAGE_DRAWN;
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); p.roles.len()];
        for (child, parent) in &whole.edges {
            children[*parent].push(*child);
        }
        let mut focused_left = if too_big { FOCUS_DRAWN } else { 0 };
        let drawn = (!too_big).then(|| Block::Graph(whole.clone()));
        let mut blocks = vec![
            heading(1, "Roles", "page-top"),
            heading(2, "How roles extend each other", "graph"),
            Block::Para(vec![t(if too_big {
                format!("With {} roles the graph cannot be read as one picture: each role's entry below draws the roles it extends and those that extend it. `rights graph` writes the whole graph as DOT or Mermaid. An arrow goes from a role to the role it extends: it has every right of that role too.", p.roles.len())
            } else {
                "An arrow goes from a role to the role it extends: it has every right of that role too.".to_string()
            })]),
            heading(2, "Role × right", "matrix"),
            Block::Para(vec![t("● granted directly; ○ inherited from a role it extends; ‡ a deny takes the right away from some users; ✗ a deny takes it from every user, so no holder has it.")]),
        ];
        // the whole graph, where it can be read as one picture
        if let Some(g) = drawn {
            blocks.insert(2, g);
        }
        let n_rights = p.rights.len();
        if n_rights <= WIDE {
            // a table per component, each under a heading that folds
            for (ci, rights) in grants.by_component.iter().enumerate() {
                let c = &grants.components[ci];
                blocks.push(Block::Details {
                    summary: format!("Component {c}: {} rights", rights.len()),
                    open: true,
                    blocks: vec![self.matrix(
                        grants,
                        format!("Which role has which right of {c}"),
                        rights,
                    )],
                });
            }
        } else {
            // too wide for one table: a count per component, then each component folded
            let comps = &grants.components;
            let total = |c: usize| grants.by_component.get(c).map_or(0, Vec::len);
            let mut head = vec!["Role".to_string()];
            head.extend(comps.iter().cloned());
            let count_cells = p.roles.len() * comps.len();
            let rows = (0..p.roles.len())
                .filter(|_| count_cells <= MAX_CELLS)
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
                            Cell::text(format!("{n} of {}", total(c)))
                        });
                    }
                    row
                })
                .collect();
            if count_cells <= MAX_CELLS {
                blocks.push(Block::Table {
                    caption: "How many rights of each component each role has".into(),
                    head,
                    head_title: Vec::new(),
                    rows,
                });
            } else {
                blocks.push(Block::Para(vec![t(format!(
                    "With {} roles and {} components, how many rights of each a role has is on its entry below.",
                    p.roles.len(),
                    comps.len()
                ))]));
            }
            let cells = p.roles.len() * n_rights;
            if cells > MAX_CELLS {
                blocks.push(Block::Para(vec![t(format!(
                    "With {} roles and {} rights the matrix would have {cells} cells: each component's own matrix is shown when it has at most {MAX_CELLS}; the others are given by the counts above and by each role's list of rights below.",
                    p.roles.len(),
                    n_rights
                ))]));
            }
            if n_rights > RIGHTS_SPLIT {
                blocks.push(Block::Para(vec![t(
                    "Each component's matrix is on its page of the rights catalogue.",
                )]));
            }
            for (c, rs) in comps.iter().zip(&grants.by_component) {
                if p.roles.len() * rs.len() > MAX_CELLS || n_rights > RIGHTS_SPLIT {
                    continue;
                }
                blocks.push(Block::Details {
                    summary: format!("Component {c}: {} rights", rs.len()),
                    open: false,
                    blocks: vec![self.matrix(
                        grants,
                        format!("Which role has which right of {c}"),
                        rs,
                    )],
                });
            }
        }
        if !p.reports.is_empty() {
            let mut head = vec!["Role".to_string()];
            head.extend(p.reports.iter().map(|r| r.meta.display().to_string()));
            let mut head_title = vec![String::new()];
            head_title.extend(p.reports.iter().map(|r| r.meta.name.clone()));
            let rows = p
                .roles
                .iter()
                .enumerate()
                .map(|(k, _)| {
                    let mut row = vec![Cell(vec![self.role_link(RoleId::from_index(k))])];
                    for (i, rep) in p.reports.iter().enumerate() {
                        let decided = grants.meets(i, RoleId::from_index(k));
                        row.push(mark(decided, deny_touches(grants, &rep.requires)));
                    }
                    row
                })
                .collect();
            blocks.push(heading(2, "Role × report", "reports"));
            blocks.push(Block::Para(vec![t("✓ the role's rights meet what the report requires; ? it depends on the user (flags, groups or access); ‡ a deny can take a needed right away from some users.")]));
            blocks.push(Block::Table {
                caption: "Which role may run which report".into(),
                head,
                head_title,
                rows,
            });
        }
        blocks.extend(self.doc_default_roles());
        blocks.push(heading(2, "Every role", "every-role"));
        // past ROLES_SPLIT roles the entries are on pages of their own
        let split = p.roles.len() > ROLES_SPLIT;
        let mut pages: Vec<Page> = Vec::new();
        let pager = |current: Option<usize>| {
            pager(p.roles.len(), ROLES_PER_PAGE, current, |a| {
                self.role_page(RoleId::from_index(a))
            })
        };
        if split {
            blocks.push(Block::Para(vec![t(format!(
                "{} roles, {ROLES_PER_PAGE} to a page:",
                p.roles.len()
            ))]));
            blocks.push(pager(None));
        }
        let mut overview = Some(blocks);
        let mut blocks: Vec<Block> = Vec::new();
        // who has each role (directly or through one that extends it):
        // counted, and the first few named
        let holders = counted_users(
            self.program.data.users.len(),
            p.roles.len(),
            HOLDERS_NAMED,
            |u| {
                self.program
                    .roles_of(UserId::from_index(u))
                    .into_iter()
                    .map(|r| r.index())
            },
        );
        for (k, role) in p.roles.iter().enumerate() {
            let rid = RoleId::from_index(k);
            if split && k % ROLES_PER_PAGE == 0 {
                if k > 0 {
                    let done = std::mem::take(&mut blocks);
                    pages.push(Page::new(
                        &self.role_page(RoleId::from_index(k - 1)),
                        "Roles",
                        done,
                    ));
                }
                let to = (k + ROLES_PER_PAGE).min(p.roles.len());
                blocks.push(heading(
                    1,
                    format!("Roles {}–{to} of {}", k + 1, p.roles.len()),
                    "page-top",
                ));
                blocks.push(pager(Some(k / ROLES_PER_PAGE)));
            }
            let mut items = entry_head(&mut blocks, &role.meta, "role");
            if !children[k].is_empty() {
                let mut x = vec![t("Extended by: ")];
                x.extend(joined(
                    children[k]
                        .iter()
                        .map(|&c| self.role_link(RoleId::from_index(c)))
                        .collect(),
                ));
                items.push(x);
            }
            if !role.parents.is_empty() {
                let mut x = vec![t("Extends: ")];
                x.extend(joined(
                    role.parents
                        .iter()
                        .map(|(r, _)| self.role_link(*r))
                        .collect(),
                ));
                items.push(x);
            }
            // its rights: those it grants itself, then those of each role
            // it extends, named by the nearest role that grants them
            let rights: Vec<RightId> = self.program.role_rights(rid).collect();
            let direct: Vec<RightId> = rights
                .iter()
                .copied()
                .filter(|&r| grants.is_direct(r, rid))
                .collect();
            let mut x = vec![t(format!(
                "Rights ({}), {} granted here: ",
                rights.len(),
                direct.len()
            ))];
            x.extend(joined(direct.iter().map(|&r| self.right_link(r)).collect()));
            items.push(x);
            let givers = self.nearest_granters(rid);
            let mut from: Vec<(RoleId, Vec<RightId>)> = Vec::new();
            for &r in rights.iter().filter(|&&r| !grants.is_direct(r, rid)) {
                let giver = givers.get(r.index()).copied().flatten().unwrap_or(rid);
                match from.iter_mut().find(|(g, _)| *g == giver) {
                    Some((_, rs)) => rs.push(r),
                    None => from.push((giver, vec![r])),
                }
            }
            for (giver, rs) in from {
                let mut x = vec![
                    t(format!("Inherited ({}) from ", rs.len())),
                    self.role_link(giver),
                    t(": "),
                ];
                x.extend(joined(rs.iter().map(|&r| self.right_link(r)).collect()));
                items.push(x);
            }
            // the reports its rights meet, and those that depend on the user
            let (mut meets, mut depends) = (Vec::new(), Vec::new());
            for i in 0..p.reports.len() {
                match grants.meets(i, rid) {
                    Some(true) => meets.push(self.report_link(ReportId::from_index(i))),
                    None => depends.push(self.report_link(ReportId::from_index(i))),
                    Some(false) => {}
                }
            }
            if !meets.is_empty() {
                let mut x = vec![t("Reports its rights meet: ")];
                x.extend(joined(meets));
                items.push(x);
            }
            if !depends.is_empty() {
                let mut x = vec![t(
                    "Reports that depend on the user (flags, groups or access): ",
                )];
                x.extend(joined(depends));
                items.push(x);
            }
            for a in &role.assigns {
                items.push(self.assigns_words(a));
            }
            let (n, first) = &holders[k];
            if !self.program.data.users.is_empty() {
                let mut x = vec![t(match n {
                    0 => "Held by no user of the data.".to_string(),
                    1 => "Held by 1 user: ".to_string(),
                    n => format!("Held by {n} users: "),
                })];
                if !first.is_empty() {
                    x.extend(joined(first.iter().map(|&u| self.user_link(u)).collect()));
                }
                if *n > first.len() {
                    x.push(t(format!(
                        " and {} more (the Users pages list them all)",
                        n - first.len()
                    )));
                }
                items.push(x);
            }
            blocks.push(Block::List(items));
            if focused_left > 0 {
                if let Some(g) = self.focused_graph(rid, &whole, &children) {
                    focused_left -= 1;
                    blocks.push(Block::Graph(g));
                }
            }
        }
        let mut overview = overview.take().unwrap_or_default();
        if split {
            if let Some(last) = p.roles.len().checked_sub(1) {
                pages.push(Page::new(
                    &self.role_page(RoleId::from_index(last)),
                    "Roles",
                    blocks,
                ));
            }
        } else {
            overview.extend(blocks);
        }
        pages.insert(0, Page::new("roles", "Roles", overview));
        pages
    }

    /// The page of role `r`'s entry: the roles page, or past
    /// [`ROLES_SPLIT`] roles one of the entry pages (`roles-1`, `roles-2`, …).
    pub(super) fn role_page(&self, r: RoleId) -> String {
        if self.program.policy.roles.len() <= ROLES_SPLIT {
            "roles".into()
        } else {
            format!("roles-{}", r.index() / ROLES_PER_PAGE + 1)
        }
    }

    /// The role granting `right` that is nearest to `role` among those it
    /// extends (breadth first; `role` itself when none is found).
    /// For each right, the nearest of the roles `role` extends that grants
    /// it itself (one breadth-first walk up the role graph).
    fn nearest_granters(&self, role: RoleId) -> Vec<Option<RoleId>> {
        let p = &self.program.policy;
        let mut giver = vec![None; p.rights.len()];
        let mut queue = std::collections::VecDeque::from([role]);
        let mut seen = vec![false; p.roles.len()];
        while let Some(r) = queue.pop_front() {
            if std::mem::replace(&mut seen[r.index()], true) {
                continue;
            }
            if r != role {
                for site in &p.role(r).grants {
                    if let Some(g @ None) = giver.get_mut(site.right.index()) {
                        *g = Some(r);
                    }
                }
            }
            queue.extend(p.role(r).parents.iter().map(|(x, _)| *x));
        }
        giver
    }

    /// "May assign …": what may be assigned (roles as links), then where.
    fn assigns_words(&self, a: &AssignsRule) -> Vec<Inline> {
        let p = &self.program.policy;
        let mut x = vec![t("May assign ")];
        match &a.what {
            Assignable::Roles(None) => x.push(t("every role")),
            Assignable::Roles(Some(rs)) => {
                x.push(t("the roles "));
                x.extend(joined(rs.iter().map(|r| self.role_link(*r)).collect()));
            }
            Assignable::Access(None) => x.push(t("every access level")),
            Assignable::Access(Some(ls)) => x.push(t(format!(
                "access {}",
                ls.iter()
                    .map(|l| format!("`{}`", p.access_level(*l).meta.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
        x.push(t(match &a.scope {
            AssignsScope::Anywhere => ".".to_string(),
            AssignsScope::When(c) => format!(", when {}.", self.condition(c)),
            AssignsScope::OnResource(None) => " on a resource.".to_string(),
            AssignsScope::OnResource(Some(c)) => {
                format!(" on a resource where {}.", self.condition(c))
            }
        }));
        x
    }
}
