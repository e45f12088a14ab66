//! The reports-and-actions page and the users page.

use super::{deny_touches, heading, joined, pager, role_decides, t, Grants};
use crate::doc::{anchor, Block, Cell, Inline, Page};
use crate::sema::model::*;
use crate::words::Words;

impl Words<'_> {
    pub(super) fn doc_reports(&self, grants: &Grants) -> Page {
        let p = &self.program.policy;
        let data = &self.program.data;
        let mut blocks = vec![heading(1, "Reports and actions", "page-top")];
        for (k, r) in p.reports.iter().enumerate() {
            let rid = ReportId::from_index(k);
            blocks.push(heading(
                2,
                format!("Report: {}", r.meta.display()),
                anchor("report", &r.meta.name),
            ));
            if let Some(d) = &r.meta.doc {
                blocks.push(Block::Para(vec![t(d.replace('\n', " "))]));
            }
            let rows = match r.rows {
                RowsSource::Resources => "every resource",
                RowsSource::Event => "the resources of the event it is run for",
            };
            let mut items = vec![
                vec![t("Name: "), Inline::Code(r.meta.name.clone())],
                vec![t(format!(
                    "May be run when {}.",
                    self.condition(&r.requires)
                ))],
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
                .filter(|&i| grants.meets(k, RoleId::from_index(i)) == Some(true))
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
                items.push(vec![t(format!(
                    "Users who may run it: {n} of {}.",
                    data.users.len()
                ))]);
            }
            blocks.push(Block::List(items));
        }
        for a in &p.actions {
            blocks.push(heading(
                2,
                format!("Action: {}", a.meta.display()),
                anchor("action", &a.meta.name),
            ));
            let on = if a.on_resource { " on a resource" } else { "" };
            let mut items = vec![
                vec![t("Name: "), Inline::Code(a.meta.name.clone())],
                vec![t(format!("Allowed{on} when {}.", self.condition(&a.when)))],
            ];
            if !a.on_resource {
                let roles: Vec<Inline> = (0..p.roles.len())
                    .filter(|&i| {
                        role_decides(self.program, grants, RoleId::from_index(i), &a.when, 0)
                            == Some(true)
                    })
                    .map(|i| self.role_link(RoleId::from_index(i)))
                    .collect();
                let mut x = vec![t("Roles whose rights meet its condition: ")];
                x.extend(joined(roles));
                items.push(x);
            }
            blocks.push(Block::List(items));
        }
        Page::new("reports", "Reports and actions", blocks)
    }

    /// How many pages the users take, [`USERS_PER_PAGE`] to a page.
    pub(super) fn doc_users_pages(&self) -> usize {
        self.program
            .data
            .users
            .len()
            .div_ceil(USERS_PER_PAGE)
            .max(1)
    }

    /// Page `page` of the users (`users`, `users-2`, …): each links to
    /// every other.
    pub fn doc_users_page(&self, page: usize) -> Page {
        let n = self.program.data.users.len();
        let pages = self.doc_users_pages();
        let from = page * USERS_PER_PAGE;
        let to = (from + USERS_PER_PAGE).min(n);
        // each role's link and name, made once for the page
        let roles: Vec<(Inline, &str)> = (0..self.program.policy.roles.len())
            .map(|k| {
                let r = RoleId::from_index(k);
                (
                    self.role_link(r),
                    self.program.policy.role(r).meta.name.as_str(),
                )
            })
            .collect();
        let rows = (from..to).map(|i| self.doc_user_row(i, &roles)).collect();
        let title = if pages == 1 {
            "Users".to_string()
        } else {
            format!("Users {}–{} of {n}", from + 1, to)
        };
        let mut blocks = vec![heading(1, title, "page-top")];
        if pages > 1 {
            blocks.push(pager(n, USERS_PER_PAGE, Some(page), users_page));
        }
        blocks.push(Block::Table {
            caption:
                "Every user of the data: roles (and how they came), groups, their own grants and exceptions, and how many rights"
                    .into(),
            head: vec![
                "User".into(),
                "Roles".into(),
                "How".into(),
                "Groups".into(),
                "Own grants and exceptions".into(),
                "Rights".into(),
            ],
            head_title: Vec::new(),
            rows,
        });
        Page::new(&users_page(from), "Users", blocks)
    }

    /// One user's row: roles with how each came (as `roles U` says it),
    /// groups, and how many rights.
    fn doc_user_row(&self, i: usize, role_words: &[(Inline, &str)]) -> Vec<Cell> {
        let u = &self.program.data.users[i];
        let uid = UserId::from_index(i);
        let answer = self.program.roles_answer(uid);
        let how = if answer.roles.is_empty() {
            "no role".to_string()
        } else {
            answer
                .roles
                .iter()
                .map(|(r, how)| {
                    let name = role_words.get(r.index()).map_or("", |w| w.1);
                    format!("{name}: {}", self.role_how(how))
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let roles = joined(
            answer
                .roles
                .iter()
                .filter_map(|(r, _)| role_words.get(r.index()).map(|w| w.0.clone()))
                .collect(),
        );
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
            Cell::text(groups.join(", ")),
            Cell::text(self.user_exceptions(u)),
            Cell::text(self.program.rights_count(uid).to_string()),
        ]
    }

    /// What a user's own data adds and takes away, beside roles and groups:
    /// rights granted and revoked, access levels revoked on resources.
    fn user_exceptions(&self, u: &User) -> String {
        let p = &self.program.policy;
        let d = &self.program.data;
        let names = |sites: &[RightSite]| {
            sites
                .iter()
                .map(|s| format!("`{}`", p.right(s.right).meta.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut parts = Vec::new();
        if !u.grants.is_empty() {
            parts.push(format!("grants {}", names(&u.grants)));
        }
        if !u.revokes.is_empty() {
            parts.push(format!("revokes {}", names(&u.revokes)));
        }
        for (res, level, _) in &u.revoke_access {
            parts.push(format!(
                "access `{}` revoked on `{}`",
                p.access_level(*level).meta.name,
                d.resource(*res).meta.name
            ));
        }
        parts.join("; ")
    }
}

/// Users listed on one page: a page stays far below 2 MB whatever the data.
pub(super) const USERS_PER_PAGE: usize = 1000;

/// The page that lists the user at index `i`.
pub(super) fn users_page(i: usize) -> String {
    match i / USERS_PER_PAGE {
        0 => "users".to_string(),
        k => format!("users-{}", k + 1),
    }
}
