//! The pages version 3 adds (§9): attributes, context facts and the levels
//! that flow down the resource tree; and what expires in the next 30 days.

use super::{heading, t, Words};
use crate::doc::{anchor, Block, Cell, Inline, Page};
use crate::sema::model::*;

/// How far ahead the expiring page looks.
const EXPIRING_DAYS: u32 = 30;

impl Words<'_> {
    /// Whether the policy or its data uses any of §9 (the pages are made then).
    pub(super) fn uses_version3(&self) -> bool {
        let p = &self.program.policy;
        !p.attributes.is_empty()
            || !p.contexts.is_empty()
            || p.has_inherited()
            || self.program.dated()
    }

    /// Attributes (with who has which value), context facts, inherited levels.
    pub(super) fn doc_conditions(&self) -> Page {
        let p = &self.program.policy;
        let d = &self.program.data;
        let mut blocks = vec![heading(
            1,
            "Attributes, context and inherited access",
            "page-top",
        )];
        if !p.attributes.is_empty() {
            blocks.push(heading(2, "Attributes", "attributes"));
            blocks.push(Block::Para(vec![t(
                "Values set on users and resources; conditions compare them exactly.",
            )]));
            let rows = p
                .attributes
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let id = AttrId::from_index(i);
                    let mut values: Vec<&str> = d
                        .users
                        .iter()
                        .flat_map(|u| u.attribute(id).iter())
                        .chain(d.resources.iter().flat_map(|r| r.attribute(id).iter()))
                        .map(String::as_str)
                        .collect();
                    values.sort_unstable();
                    values.dedup();
                    let users = d
                        .users
                        .iter()
                        .filter(|u| !u.attribute(id).is_empty())
                        .count();
                    let resources = d
                        .resources
                        .iter()
                        .filter(|r| !r.attribute(id).is_empty())
                        .count();
                    vec![
                        Cell(vec![
                            Inline::Anchor(anchor("attribute", &a.meta.name)),
                            Inline::Code(a.meta.name.clone()),
                        ]),
                        Cell::text(a.meta.label.clone().unwrap_or_default()),
                        Cell::text(values.join(", ")),
                        Cell::text(format!(
                            "{users} user{}, {resources} resource{}",
                            if users == 1 { "" } else { "s" },
                            if resources == 1 { "" } else { "s" }
                        )),
                    ]
                })
                .collect();
            blocks.push(Block::Table {
                caption: "Attributes".into(),
                head: vec![
                    "Attribute".into(),
                    "Label".into(),
                    "Values in the data".into(),
                    "Set on".into(),
                ],
                head_title: Vec::new(),
                rows,
            });
        }
        if !p.contexts.is_empty() {
            blocks.push(heading(2, "Context facts", "contexts"));
            blocks.push(Block::Para(vec![
                t("Facts given with a question ("),
                Inline::Code("with emergency".into()),
                t("), not about the user: a fact not given is false."),
            ]));
            let rows = p
                .contexts
                .iter()
                .map(|c| {
                    vec![
                        Cell(vec![
                            Inline::Anchor(anchor("context", &c.meta.name)),
                            Inline::Code(c.meta.name.clone()),
                        ]),
                        Cell::text(c.meta.label.clone().unwrap_or_default()),
                    ]
                })
                .collect();
            blocks.push(Block::Table {
                caption: "Context facts".into(),
                head: vec!["Fact".into(), "Label".into()],
                head_title: Vec::new(),
                rows,
            });
        }
        let inherited: Vec<&AccessLevel> =
            p.access.iter().filter(|l| l.inherited.is_some()).collect();
        if !inherited.is_empty() {
            blocks.push(heading(
                2,
                "Access that flows down the resource tree",
                "inherited",
            ));
            blocks.push(Block::Para(vec![t(
                "Held on a resource, these levels are held on every sub-resource too, unless a revoke or an access deny takes them away there (and then below it).",
            )]));
            blocks.push(Block::List(
                inherited
                    .iter()
                    .map(|l| {
                        vec![
                            Inline::Code(l.meta.name.clone()),
                            t(l.meta
                                .label
                                .as_ref()
                                .map(|x| format!(" ({x})"))
                                .unwrap_or_default()),
                        ]
                    })
                    .collect(),
            ));
        }
        Page::new("conditions", "Attributes and context", blocks)
    }

    /// What expires in the next 30 days (as of the program's date).
    pub(super) fn doc_expiring(&self) -> Page {
        let x = self.program.expiring(EXPIRING_DAYS);
        let mut blocks = vec![
            heading(1, "Expiring", "page-top"),
            Block::Para(vec![
                t(format!(
                    "Every item of a user's data whose window ends within {} days of {} (",
                    x.days, x.day
                )),
                Inline::Code(format!("expiring within {} days", x.days)),
                t(")."),
            ]),
        ];
        if x.items.is_empty() {
            blocks.push(Block::Para(vec![t("Nothing expires in that time.")]));
        } else {
            let rows = x
                .items
                .iter()
                .map(|e| {
                    vec![
                        Cell::text(e.window.until.map(|d| d.to_string()).unwrap_or_default()),
                        Cell(vec![Inline::Code(self.user(e.user).to_string())]),
                        Cell::text(self.expiring_what(e.what)),
                        Cell::text(e.window.words()),
                        Cell::text(self.sources.file_line(e.at)),
                    ]
                })
                .collect();
            blocks.push(Block::Table {
                caption: "Items that expire".into(),
                head: vec![
                    "Until".into(),
                    "User".into(),
                    "What".into(),
                    "Window".into(),
                    "Written at".into(),
                ],
                head_title: Vec::new(),
                rows,
            });
        }
        Page::new("expiring", "Expiring", blocks)
    }
}
