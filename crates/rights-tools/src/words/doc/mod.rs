//! The pages of `rights doc` in words: the rights catalogue by component,
//! the roles (graph, matrices, what each may assign, the default-role
//! table), the reports and actions with their conditions as sentences, and
//! with data the users. Built as the document model of [`crate::doc`], which
//! writes it as HTML or Markdown.

mod access;
mod reports;
mod roles;
mod version3;

use super::conditions::{RightPart, Used};
use super::Words;

use crate::doc::{anchor, Block, Cell, Entry, Inline, Page, Site, Target};
use crate::ir::Program;
use crate::sema::model::*;

/// Above this many rights the catalogue is a page per component (a page
/// stays far below 2 MB).
const RIGHTS_SPLIT: usize = 1000;

/// The page of a component's rights when the catalogue is split.
fn rights_page(component: &str) -> String {
    anchor("rights", component)
}

/// Above this many rights the role × right matrix is shown per component.
const WIDE: usize = 60;

fn link(kind: &str, page: &str, name: &str, text: &str, code: bool) -> Inline {
    Inline::Link {
        text: text.to_string(),
        to: Target {
            page: page.to_string(),
            anchor: anchor(kind, name),
        },
        code,
    }
}

/// "Pages: 1–100, 101–200, …" over `total` items `per_page` to a page, each
/// a link to the top of the page `page_of(first item)` names, the current
/// one (if any) in bold.
fn pager(
    total: usize,
    per_page: usize,
    current: Option<usize>,
    page_of: impl Fn(usize) -> String,
) -> Block {
    let mut x = vec![t("Pages: ")];
    x.extend(joined(
        (0..total.div_ceil(per_page))
            .map(|k| {
                let a = k * per_page;
                let label = format!("{}–{}", a + 1, (a + per_page).min(total));
                if current == Some(k) {
                    Inline::Strong(label)
                } else {
                    Inline::Link {
                        text: label,
                        to: Target {
                            page: page_of(a),
                            anchor: "page-top".into(),
                        },
                        code: false,
                    }
                }
            })
            .collect(),
    ));
    Block::Para(x)
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
///
/// A right that a deny takes from every user is never held: a condition that
/// needs it fails for every role (and one under `not` holds).
fn role_decides(p: &Program, grants: &Grants, role: RoleId, c: &Cond, depth: u32) -> Option<bool> {
    if depth > 32 {
        return None;
    }
    let code = p.code();
    match c {
        Cond::Const(b, _) => Some(*b),
        Cond::Right(r, _) => Some(code.role_grants(role, *r) && !grants.always_denied(*r)),
        Cond::Role(r, _) => Some(code.role_inherits(role, *r)),
        Cond::Not(x, _) => role_decides(p, grants, role, x, depth + 1).map(|b| !b),
        Cond::And(xs, _) => {
            let mut all = Some(true);
            for x in xs {
                match role_decides(p, grants, role, x, depth + 1) {
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
                match role_decides(p, grants, role, x, depth + 1) {
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
                role_decides(p, grants, role, &a.when, depth + 1)
            }
        }
        Cond::Flag(..)
        | Cond::Access(..)
        | Cond::Group(..)
        | Cond::Tag(..)
        | Cond::Same(..)
        | Cond::UserAttr(..)
        | Cond::ResourceAttr(..)
        | Cond::Context(..) => None,
    }
}

/// Whether some deny can take away, from some users but not every one, a
/// right the condition reads (a deny of every user is decided already).
fn deny_touches(grants: &Grants, c: &Cond) -> bool {
    match c {
        Cond::Or(xs, _) | Cond::And(xs, _) => xs.iter().any(|x| deny_touches(grants, x)),
        Cond::Not(x, _) => deny_touches(grants, x),
        Cond::Right(r, _) => grants.denied(*r) == Denied::ForSome,
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

/// Whether denies take a right away: from no one, from the users a
/// condition picks, or from every user (a definite state, whatever roles
/// grant it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Denied {
    No,
    ForSome,
    ForEvery,
}

/// Who grants what, computed once: the pages ask it for every right and
/// every cell of the matrices.
struct Grants {
    /// Per right: the roles that grant it directly.
    direct: Vec<Vec<RoleId>>,
    /// Per right: whether a deny takes it, and from whom.
    denied: Vec<Denied>,
    /// Per right: its component's index in `components`.
    component: Vec<usize>,
    components: Vec<String>,
    /// Per component (in the order of `components`): its rights, in order.
    by_component: Vec<Vec<RightId>>,
    /// Per report, per role: whether the role's rights meet what the report
    /// requires (`None`: it depends on the user), worked out once for the
    /// report pages, the role × report matrix and the roles' entries.
    meets: Vec<Vec<Option<bool>>>,
}

impl Grants {
    fn of(program: &Program) -> Grants {
        let p = &program.policy;
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
        let mut denied = vec![Denied::No; p.rights.len()];
        for d in &p.denies {
            let always = match &d.when {
                None | Some(Cond::Const(true, _)) => true,
                Some(_) => false,
            };
            for x in &d.rights {
                if let Some(b) = denied.get_mut(x.right.index()) {
                    *b = if always {
                        Denied::ForEvery
                    } else {
                        (*b).max(Denied::ForSome)
                    };
                }
            }
        }
        let mut components: Vec<String> = Vec::new();
        let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let component: Vec<usize> = p
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
        let mut by_component: Vec<Vec<RightId>> = vec![Vec::new(); components.len()];
        for (i, &c) in component.iter().enumerate() {
            if let Some(rights) = by_component.get_mut(c) {
                rights.push(RightId::from_index(i));
            }
        }
        let mut grants = Grants {
            direct,
            denied,
            component,
            components,
            by_component,
            meets: Vec::new(),
        };
        grants.meets = p
            .reports
            .iter()
            .map(|rep| {
                (0..p.roles.len())
                    .map(|k| {
                        role_decides(program, &grants, RoleId::from_index(k), &rep.requires, 0)
                    })
                    .collect()
            })
            .collect();
        grants
    }

    /// Whether `role`'s rights meet what `report` requires (`None`: it
    /// depends on the user).
    fn meets(&self, report: usize, role: RoleId) -> Option<bool> {
        self.meets
            .get(report)
            .and_then(|m| m.get(role.index()))
            .copied()
            .flatten()
    }

    fn denied(&self, r: RightId) -> Denied {
        self.denied.get(r.index()).copied().unwrap_or(Denied::No)
    }

    fn always_denied(&self, r: RightId) -> bool {
        self.denied(r) == Denied::ForEvery
    }

    fn is_direct(&self, r: RightId, role: RoleId) -> bool {
        self.direct
            .get(r.index())
            .is_some_and(|v| v.contains(&role))
    }
}

/// The heading of one declaration's entry (its label, anchored by kind and
/// name), its description, and the first item of its list: its name.
fn entry_head(blocks: &mut Vec<Block>, m: &Meta, kind: &str) -> Vec<Vec<Inline>> {
    blocks.push(heading(3, m.display().to_string(), anchor(kind, &m.name)));
    if let Some(d) = &m.doc {
        blocks.push(Block::Para(vec![t(d.replace('\n', " "))]));
    }
    vec![vec![t("Name: "), Inline::Code(m.name.clone())]]
}

/// For each of `n` things, how many users it counts and the first `named`
/// of them; `of(u)` lists the things user `u` counts for.
fn counted_users<I: IntoIterator<Item = usize>>(
    users: usize,
    n: usize,
    named: usize,
    of: impl Fn(usize) -> I,
) -> Vec<(usize, Vec<usize>)> {
    let mut out: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); n];
    for u in 0..users {
        for k in of(u) {
            if let Some((count, first)) = out.get_mut(k) {
                *count += 1;
                if first.len() < named {
                    first.push(u);
                }
            }
        }
    }
    out
}

impl Words<'_> {
    fn right_link(&self, r: RightId) -> Inline {
        let m = &self.program.policy.right(r).meta;
        link("right", &self.right_page(r), &m.name, &m.name, true)
    }

    fn role_link(&self, r: RoleId) -> Inline {
        let m = &self.program.policy.role(r).meta;
        link("role", &self.role_page(r), &m.name, &m.name, true)
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
        let (mut site, users) = self.doc_site_parts(title);
        site.pages
            .extend((0..users).map(|k| self.doc_users_page(k)));
        site
    }

    /// The site without the users' pages, and how many of those there are:
    /// each is made when it is asked for ([`Words::doc_users_page`]), so
    /// that a site of 100,000 users is never in memory whole.
    pub fn doc_site_parts(&self, title: &str) -> (Site, usize) {
        let has_data = !self.program.data.users.is_empty();
        let grants = Grants::of(self.program);
        let rights = self.doc_rights(&grants);
        let mut nav: Vec<(String, String)> = [
            ("index", "Overview"),
            ("rights", "Rights"),
            ("roles", "Roles"),
            ("reports", "Reports and actions"),
        ]
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
        let mut pages = vec![self.doc_index(title, has_data, &grants)];
        pages.extend(rights);
        pages.extend(self.doc_roles(&grants));
        pages.push(self.doc_reports(&grants));
        if self.has_access_page() {
            pages.push(self.doc_access());
            nav.push(("access".into(), "Access".into()));
        }
        if has_data {
            nav.push(("users".into(), "Users".into()));
        }
        let fixed = pages.len();
        if self.uses_version3() {
            pages.push(self.doc_conditions());
            if self.program.dated() {
                pages.push(self.doc_expiring());
            }
            nav.extend(
                pages[fixed..]
                    .iter()
                    .map(|p| (p.file.clone(), p.title.clone())),
            );
        }
        let site = Site {
            title: title.to_string(),
            pages,
            index: self.doc_search_index(has_data),
            nav,
        };
        let users = if has_data { self.doc_users_pages() } else { 0 };
        (site, users)
    }

    fn doc_search_index(&self, has_data: bool) -> Vec<Entry> {
        let p = &self.program.policy;
        let mut out = Vec::new();
        // a declaration: found by its name, its label and its description
        let mut declared = |m: &Meta, kind: &'static str, page: &str| {
            let detail: Vec<&str> = [m.label.as_deref(), m.doc.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            out.push(Entry {
                text: m.display().to_string(),
                kind,
                to: Target {
                    page: page.to_string(),
                    anchor: anchor(kind, &m.name),
                },
                detail: Some(format!("{} {}", m.name, detail.join(" "))),
            });
        };
        for (i, r) in p.rights.iter().enumerate() {
            declared(&r.meta, "right", &self.right_page(RightId::from_index(i)));
        }
        for (i, r) in p.roles.iter().enumerate() {
            declared(&r.meta, "role", &self.role_page(RoleId::from_index(i)));
        }
        for r in &p.reports {
            declared(&r.meta, "report", "reports");
        }
        for a in &p.actions {
            declared(&a.meta, "action", "reports");
        }
        if self.has_access_page() {
            for l in &p.access {
                declared(&l.meta, "access", "access");
            }
            for g in &self.program.data.groups {
                declared(&g.meta, "group", "access");
            }
            for tag in &p.tags {
                declared(&tag.meta, "tag", "access");
            }
        }
        if self.uses_version3() {
            for a in &p.attributes {
                declared(&a.meta, "attribute", "conditions");
            }
            for c in &p.contexts {
                declared(&c.meta, "context", "conditions");
            }
        }
        if has_data {
            for (i, u) in self.program.data.users.iter().enumerate() {
                declared(&u.meta, "user", &reports::users_page(i));
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
                t(format!(
                    ": {} users, their roles and how each came.",
                    self.program.data.users.len()
                )),
            ]);
        }
        let mut blocks = vec![
            heading(1, title.to_string(), "page-top"),
            Block::Para(vec![t(
                "Generated from the policy: what these pages say is what the policy enforces.",
            )]),
            Block::List(items),
        ];
        blocks.extend(self.doc_default_roles());
        Page::new("index", "Overview", blocks)
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
            heading(2, "Default roles", "default-roles"),
            Block::Para(vec![t("A user whose data lists no roles gets the role of the first line whose condition holds.")]),
            Block::Table {
                caption: "When a user lists no roles: condition → default role".into(),
                head: vec!["When".into(), "Default role".into()],
                head_title: Vec::new(),
                rows,
            },
        ]
    }

    /// The rights catalogue: one page, the rights under a heading per
    /// component; past [`RIGHTS_SPLIT`] rights, a page per component, listed
    /// on the first.
    fn doc_rights(&self, grants: &Grants) -> Vec<Page> {
        let p = &self.program.policy;
        let by_component = &grants.by_component;
        let mut top = vec![heading(1, "Rights", "page-top")];
        if p.rights.len() <= RIGHTS_SPLIT {
            for (ci, rights) in by_component.iter().enumerate() {
                let c = &grants.components[ci];
                top.push(heading(
                    2,
                    format!("Component: {c}"),
                    anchor("component", c),
                ));
                for &r in rights {
                    self.right_entry(&mut top, r, grants);
                }
            }
            return vec![Page::new("rights", "Rights", top)];
        }
        top.push(Block::Para(vec![t(format!(
            "{} rights in {} components, a page each:",
            p.rights.len(),
            grants.components.len()
        ))]));
        top.push(Block::List(
            by_component
                .iter()
                .enumerate()
                .map(|(ci, rights)| {
                    let c = &grants.components[ci];
                    vec![
                        Inline::Link {
                            text: c.clone(),
                            to: Target {
                                page: rights_page(c),
                                anchor: "page-top".into(),
                            },
                            code: true,
                        },
                        t(format!(": {} rights", rights.len())),
                    ]
                })
                .collect(),
        ));
        let mut pages = vec![Page::new("rights", "Rights", top)];
        for (ci, rights) in by_component.iter().enumerate() {
            let c = &grants.components[ci];
            let mut blocks = vec![heading(1, format!("Rights: {c}"), "page-top")];
            if p.roles.len() * rights.len() <= MAX_CELLS {
                blocks.push(self.matrix(
                    grants,
                    format!("Which role has which right of {c}"),
                    rights,
                ));
            }
            for &r in rights {
                self.right_entry(&mut blocks, r, grants);
            }
            pages.push(Page::new(&rights_page(c), format!("Rights: {c}"), blocks));
        }
        pages
    }

    /// The page that documents right `r`.
    fn right_page(&self, r: RightId) -> String {
        let p = &self.program.policy;
        if p.rights.len() <= RIGHTS_SPLIT {
            return "rights".into();
        }
        rights_page(component(&p.right(r).meta.name))
    }

    /// One right's entry: who grants it (directly, through inheritance),
    /// the denies that take it, and what it is to each condition.
    fn right_entry(&self, blocks: &mut Vec<Block>, id: RightId, grants: &Grants) {
        let p = &self.program.policy;
        let r = p.right(id);
        let mut items = entry_head(blocks, &r.meta, "right");
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
            .filter(|d| grants.denied(id) != Denied::No && d.rights.iter().any(|x| x.right == id));
        for dn in denies {
            items.push(vec![t(format!(
                "Taken away from every user {}.",
                self.when(dn.when.as_ref())
            ))]);
        }
        // what the right is to each condition that reads it, in words
        // true of the condition's structure
        let uses = self.needed_by(id);
        for part in [
            RightPart::Needed,
            RightPart::Enough,
            RightPart::Prevents,
            RightPart::Counts,
        ] {
            let these: Vec<Inline> = uses
                .iter()
                .filter(|(_, p)| *p == part)
                .map(|(u, _)| match *u {
                    Used::Action(a) => self.action_link(a),
                    Used::Report(r) => self.report_link(r),
                })
                .collect();
            if !these.is_empty() {
                let mut x = vec![t(part.words())];
                x.extend(joined(these));
                items.push(x);
            }
        }
        blocks.push(Block::List(items));
    }
}

/// A heading of a page, with its anchor.
pub(super) fn heading(level: u8, text: impl Into<String>, anchor: impl Into<String>) -> Block {
    Block::Heading {
        level,
        text: text.into(),
        anchor: anchor.into(),
    }
}
