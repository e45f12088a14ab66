//! The access page: what version 2 of the language adds to a policy, in the
//! words of the other pages: access levels (their `also when` rules, whether
//! they flow down the resource tree, the denies that take them away), tags,
//! groups (nesting, what each gives, how many members) and the levels that
//! `access for role` lines give on resources.

use super::reports::users_page;
use super::{counted_users, entry_head, heading, joined, t, MAX_CELLS};
use crate::doc::{anchor, Block, Cell, Inline, Page};
use crate::sema::model::*;
use crate::words::Words;

/// `access for role` lines listed when they are too many for a matrix.
const LINES_SHOWN: usize = 2000;

/// Members named on a group's entry (the rest are counted).
const MEMBERS_NAMED: usize = 10;

impl Words<'_> {
    /// Whether the policy or its data has anything the access page shows.
    pub(super) fn has_access_page(&self) -> bool {
        let p = &self.program.policy;
        let d = &self.program.data;
        !p.access.is_empty()
            || !p.tags.is_empty()
            || !d.groups.is_empty()
            || d.resources.iter().any(|r| !r.role_access.is_empty())
    }

    fn access_link(&self, l: AccessId) -> Inline {
        let m = &self.program.policy.access_level(l).meta;
        super::link("access", "access", &m.name, &m.name, true)
    }

    fn group_link(&self, g: GroupId) -> Inline {
        let m = &self.program.data.group(g).meta;
        super::link("group", "access", &m.name, &m.name, true)
    }

    /// A link to the user at index `u` on the users' page that lists them.
    pub(super) fn user_link(&self, u: usize) -> Inline {
        let name = &self.program.data.users[u].meta.name;
        super::link("user", &users_page(u), name, name, true)
    }

    pub(super) fn doc_access(&self) -> Page {
        let p = &self.program.policy;
        let d = &self.program.data;
        let mut blocks = vec![heading(1, "Access, tags and groups", "page-top")];
        if !p.access.is_empty() {
            blocks.push(heading(2, "Access levels", "levels"));
            blocks.push(Block::Para(vec![t(
                "An access level is held on a resource: listed for the user in the data, given by a group or by an `access for role` line, or by a rule below.",
            )]));
            for (i, l) in p.access.iter().enumerate() {
                let id = AccessId::from_index(i);
                let mut items = entry_head(&mut blocks, &l.meta, "access");
                if l.inherited.is_some() {
                    items.push(vec![t(
                        "Inherited: held on a resource, it is held on its sub-resources too (after the parent's revokes and denies; each sub-resource's own exceptions apply again).",
                    )]);
                }
                for c in &l.also_when {
                    items.push(vec![t(format!("Also held {}.", self.when(Some(c))))]);
                }
                for dn in p.access_denies.iter().filter(|dn| dn.levels.contains(&id)) {
                    items.push(vec![t(format!(
                        "Taken away from every user {}.",
                        self.when(dn.when.as_ref())
                    ))]);
                }
                blocks.push(Block::List(items));
            }
        }
        if !p.tags.is_empty() {
            blocks.push(heading(2, "Tags", "tags"));
            let rows = p
                .tags
                .iter()
                .enumerate()
                .map(|(i, tag)| {
                    let id = TagId::from_index(i);
                    let tagged: Vec<&str> = d
                        .resources
                        .iter()
                        .filter(|r| r.tags.iter().any(|(x, _)| *x == id))
                        .map(|r| r.meta.name.as_str())
                        .collect();
                    let mut shown: Vec<String> = tagged
                        .iter()
                        .take(MEMBERS_NAMED)
                        .map(|r| format!("`{r}`"))
                        .collect();
                    if tagged.len() > shown.len() {
                        shown.push(format!("and {} more", tagged.len() - shown.len()));
                    }
                    vec![
                        Cell(vec![
                            Inline::Anchor(anchor("tag", &tag.meta.name)),
                            Inline::Code(tag.meta.name.clone()),
                        ]),
                        Cell::text(tag.meta.label.clone().unwrap_or_default()),
                        Cell::text(tagged.len().to_string()),
                        Cell::text(shown.join(", ")),
                    ]
                })
                .collect();
            blocks.push(Block::Table {
                caption: "Every tag, and the resources that carry it".into(),
                head: vec![
                    "Tag".into(),
                    "Label".into(),
                    "Resources".into(),
                    "Which".into(),
                ],
                head_title: Vec::new(),
                rows,
            });
        }
        if !d.groups.is_empty() {
            blocks.extend(self.doc_groups());
        }
        // `access for role` lines, as the seed's status types are read: a
        // matrix per kind of resource (its first tag), roles × resources,
        // each cell the levels the role gives there
        let with_lines: Vec<usize> = (0..d.resources.len())
            .filter(|&i| !d.resources[i].role_access.is_empty())
            .collect();
        if !with_lines.is_empty() {
            blocks.push(heading(2, "Access for a role on a resource", "role-access"));
            blocks.push(Block::Para(vec![t(
                "Every holder of the role has the levels on the resource (`access for role` lines of the data), by kind of resource (its first tag).",
            )]));
            let mut kinds: Vec<(Option<TagId>, Vec<usize>)> = Vec::new();
            for &i in &with_lines {
                let kind = d.resources[i].tags.first().map(|(t, _)| *t);
                match kinds.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, rs)) => rs.push(i),
                    None => kinds.push((kind, vec![i])),
                }
            }
            for (kind, resources) in kinds {
                let what = match kind {
                    Some(tag) => p.tag(tag).meta.display().to_string(),
                    None => "Resources without a tag".to_string(),
                };
                let mut roles: Vec<RoleId> = resources
                    .iter()
                    .flat_map(|&i| d.resources[i].role_access.iter().map(|(r, _, _)| *r))
                    .collect();
                roles.sort_by_key(|r| r.index());
                roles.dedup();
                if roles.len() * resources.len() > MAX_CELLS {
                    // too many for a matrix: the lines themselves, the
                    // first LINES_SHOWN of them
                    blocks.extend(self.role_access_lines(&what, &resources));
                    continue;
                }
                let mut head = vec!["Role".to_string()];
                head.extend(
                    resources
                        .iter()
                        .map(|&i| d.resources[i].meta.display().to_string()),
                );
                let mut head_title = vec![String::new()];
                head_title.extend(resources.iter().map(|&i| d.resources[i].meta.name.clone()));
                let rows = roles
                    .iter()
                    .map(|&role| {
                        let mut row = vec![Cell(vec![self.role_link(role)])];
                        for &i in &resources {
                            let levels: Vec<Inline> = d.resources[i]
                                .role_access
                                .iter()
                                .filter(|(r, _, _)| *r == role)
                                .map(|(_, l, _)| self.access_link(*l))
                                .collect();
                            row.push(if levels.is_empty() {
                                Cell::empty()
                            } else {
                                Cell(joined(levels))
                            });
                        }
                        row
                    })
                    .collect();
                blocks.push(Block::Table {
                    caption: format!("{what}: the levels each role gives"),
                    head,
                    head_title,
                    rows,
                });
            }
        }
        Page::new("access", "Access", blocks)
    }

    /// `access for role` lines as a list (resource, role, levels), when
    /// they are too many for a matrix; at most [`LINES_SHOWN`] of them.
    fn role_access_lines(&self, what: &str, resources: &[usize]) -> Vec<Block> {
        let d = &self.program.data;
        let all: Vec<(usize, RoleId, AccessId)> = resources
            .iter()
            .flat_map(|&i| {
                d.resources[i]
                    .role_access
                    .iter()
                    .map(move |(r, l, _)| (i, *r, *l))
            })
            .collect();
        let rows = all
            .iter()
            .take(LINES_SHOWN)
            .map(|&(i, role, level)| {
                vec![
                    Cell(vec![Inline::Code(d.resources[i].meta.name.clone())]),
                    Cell(vec![self.role_link(role)]),
                    Cell(vec![self.access_link(level)]),
                ]
            })
            .collect();
        let mut out = vec![Block::Table {
            caption: format!("{what}: the levels each role gives"),
            head: vec!["Resource".into(), "Role".into(), "Level".into()],
            head_title: Vec::new(),
            rows,
        }];
        if all.len() > LINES_SHOWN {
            out.push(Block::Para(vec![t(format!(
                "The first {LINES_SHOWN} of {} lines are shown; `rights query \"can USER access LEVEL on RESOURCE\"` answers for any of them.",
                all.len()
            ))]));
        }
        out
    }

    fn doc_groups(&self) -> Vec<Block> {
        let d = &self.program.data;
        let members = counted_users(d.users.len(), d.groups.len(), MEMBERS_NAMED, |u| {
            self.program
                .groups_of(UserId::from_index(u))
                .into_iter()
                .map(|g| g.index())
        });
        let mut blocks = vec![
            heading(2, "Groups", "groups"),
            Block::Para(vec![t(
                "A member of a group has the roles and access it gives, and those of every group it is in.",
            )]),
        ];
        for (i, g) in d.groups.iter().enumerate() {
            let id = GroupId::from_index(i);
            let mut items = entry_head(&mut blocks, &g.meta, "group");
            if let Some(parent) = g.parent {
                items.push(vec![t("In: "), self.group_link(parent)]);
            }
            let inside: Vec<Inline> = d
                .groups
                .iter()
                .enumerate()
                .filter(|(_, x)| x.parent == Some(id))
                .map(|(k, _)| self.group_link(GroupId::from_index(k)))
                .collect();
            if !inside.is_empty() {
                let mut x = vec![t("Groups in it: ")];
                x.extend(joined(inside));
                items.push(x);
            }
            if !g.roles.is_empty() {
                let mut x = vec![t("Gives the roles: ")];
                x.extend(joined(
                    g.roles.iter().map(|(r, _)| self.role_link(*r)).collect(),
                ));
                items.push(x);
            }
            for (res, level, _) in &g.access {
                items.push(vec![
                    t("Gives access "),
                    self.access_link(*level),
                    t(" on "),
                    Inline::Code(d.resource(*res).meta.name.clone()),
                ]);
            }
            let (n, first) = &members[i];
            let mut x = vec![t(match n {
                0 => "No member in the data.".to_string(),
                1 => "1 member (directly or through a group in it): ".to_string(),
                n => format!("{n} members (directly or through a group in it): "),
            })];
            if !first.is_empty() {
                x.extend(joined(first.iter().map(|&u| self.user_link(u)).collect()));
            }
            if *n > first.len() {
                x.push(t(format!(" and {} more", n - first.len())));
            }
            items.push(x);
            blocks.push(Block::List(items));
        }
        blocks
    }
}
