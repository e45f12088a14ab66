//! `rights diff`: what a change to the policy (or to the data) does to real
//! people — every decision of every user of the data compared under the two
//! versions, each change with its cause (the diff lines its explanations
//! rest on), folded where many users change alike.
//!
//! - `decide.rs`: the decisions compared, user by user. A decision depends
//!   on a resource only through the user's access on it, its tags and what
//!   its data says of access; so each user is asked about the resources that
//!   have any of those, and about one representative of all the others
//!   (`On::Others`), never about every resource.
//! - `causes.rs`: the text diff of the two versions and the changed lines
//!   each changed decision's explanations cite.
//! - `versions.rs`: the two versions named on the command line, read at
//!   once, and the gates (`--fail-on`) on the result.

pub mod causes;
mod decide;
mod events;
mod resources;
mod versions;

pub use versions::{comparison_trips, Gate, Plan};

use crate::ir::Program;
use crate::sema::model::Visibility;
use crate::source::SourceMap;
pub use causes::{Cause, Side};

/// One version: the compiled program and the texts it was read from.
#[derive(Clone, Copy)]
pub struct Version<'a> {
    pub program: &'a Program,
    pub sources: &'a SourceMap,
    /// The policy path as given (a file or a directory): files are matched
    /// across versions by their path under it, so `old/a.rights` is
    /// `new/a.rights`, and a single file is the other single file.
    pub root: &'a str,
    /// The data files as given, matched across versions by position.
    pub data: &'a [String],
}

/// Where a decision about a resource is taken.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum On {
    Resource(String),
    /// Every other resource (this many): those on which the user has no
    /// access in the data, that no tag, `access for role` or group access
    /// sets apart.
    Others(usize),
}

/// What changed for one user.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum What {
    Right(String),
    Role(String),
    Group(String),
    /// The default role the user gets (none: no line matches, or the user
    /// lists roles).
    DefaultRole {
        before: Option<String>,
        after: Option<String>,
    },
    Action {
        action: String,
        on: Option<On>,
    },
    /// May run the report at all.
    Run(String),
    /// A row of a report: absent (`None`), in full or name only; with
    /// `event`, the row as `report R as U for event E` shows it (the event's
    /// resources changed).
    Row {
        report: String,
        on: On,
        event: Option<String>,
        before: Option<Visibility>,
        after: Option<Visibility>,
    },
    Access {
        level: String,
        on: On,
    },
    Assign {
        role: String,
        on: Option<On>,
    },
    AssignAccess {
        level: String,
        on: On,
    },
}

impl What {
    /// The same change with `On::Others` counts forgotten (for folding).
    pub fn folded(&self) -> What {
        let fold = |o: &On| match o {
            On::Others(_) => On::Others(0),
            o => o.clone(),
        };
        match self {
            What::Action { action, on } => What::Action {
                action: action.clone(),
                on: on.as_ref().map(fold),
            },
            What::Row {
                report,
                on,
                event,
                before,
                after,
            } => What::Row {
                report: report.clone(),
                on: fold(on),
                event: event.clone(),
                before: *before,
                after: *after,
            },
            What::Access { level, on } => What::Access {
                level: level.clone(),
                on: fold(on),
            },
            What::Assign { role, on } => What::Assign {
                role: role.clone(),
                on: on.as_ref().map(fold),
            },
            What::AssignAccess { level, on } => What::AssignAccess {
                level: level.clone(),
                on: fold(on),
            },
            w => w.clone(),
        }
    }
}

/// One change to one user's decisions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub user: String,
    pub what: What,
    /// Gained (allowed now, or a row that appears or shows more) or lost.
    pub gained: bool,
    pub causes: Vec<Cause>,
}

/// Changes alike (the same decision, the same way, for the same causes),
/// for many users.
#[derive(Clone, Debug)]
pub struct Group {
    pub what: What,
    pub gained: bool,
    pub causes: Vec<Cause>,
    pub users: Vec<String>,
    /// Resources counted over the group (for `On::Others`, the sum).
    pub resources: usize,
}

/// What a user in only one version can do there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserSummary {
    pub name: String,
    /// Every role the user has (listed, default, inherited, from groups).
    pub roles: Vec<String>,
    pub rights: usize,
    /// Resources where the user holds access, and the levels held there.
    pub resources: usize,
    pub levels: usize,
}

impl UserSummary {
    /// User `u` of program `p`.
    pub fn of(p: &crate::ir::Program, u: crate::sema::model::UserId) -> UserSummary {
        let name = p
            .data
            .users
            .get(u.index())
            .map_or(String::new(), |x| x.meta.name.clone());
        let roles = p
            .roles_of(u)
            .into_iter()
            .map(|r| p.policy.role(r).meta.name.clone())
            .collect();
        let held = p.access_held(u);
        let (resources, levels) = (held.len(), held.iter().map(|(_, n)| n).sum());
        UserSummary {
            name,
            roles,
            rights: p.rights_of(u).len(),
            resources,
            levels,
        }
    }
}

/// Everything that changed.
#[derive(Clone, Debug, Default)]
pub struct Diff {
    pub changes: Vec<Change>,
    /// Users only in the new data, or only in the old, with what they
    /// can do there (everything an added user can do is new access).
    pub users_added: Vec<UserSummary>,
    pub users_removed: Vec<UserSummary>,
    /// Whether the texts differ at all.
    pub texts_differ: bool,
}

impl Diff {
    /// Whether any user gained anything.
    pub fn new_access(&self) -> bool {
        self.changes.iter().any(|c| c.gained) || !self.users_added.is_empty()
    }

    /// The changes folded: alike changes of many users in one group, groups
    /// in order of first appearance (users in data order).
    pub fn groups(&self) -> Vec<Group> {
        let mut order: Vec<(What, bool, Vec<Cause>)> = Vec::new();
        let mut groups: rustc_hash::FxHashMap<(What, bool, Vec<Cause>), Group> = Default::default();
        for c in &self.changes {
            let key = (c.what.folded(), c.gained, c.causes.clone());
            let n = match &c.what {
                What::Action {
                    on: Some(On::Others(n)),
                    ..
                }
                | What::Row {
                    on: On::Others(n), ..
                }
                | What::Access {
                    on: On::Others(n), ..
                }
                | What::AssignAccess {
                    on: On::Others(n), ..
                }
                | What::Assign {
                    on: Some(On::Others(n)),
                    ..
                } => *n,
                What::Action { on: Some(_), .. }
                | What::Row { .. }
                | What::Access { .. }
                | What::AssignAccess { .. }
                | What::Assign { on: Some(_), .. } => 1,
                _ => 0,
            };
            let g = groups.entry(key.clone()).or_insert_with(|| {
                order.push(key.clone());
                Group {
                    what: c.what.folded(),
                    gained: c.gained,
                    causes: c.causes.clone(),
                    users: Vec::new(),
                    resources: 0,
                }
            });
            // changes come user by user: a user already in the group is its last
            if g.users.last() != Some(&c.user) {
                g.users.push(c.user.clone());
            }
            g.resources += n;
        }
        order
            .into_iter()
            .filter_map(|k| groups.remove(&k))
            .collect()
    }
}

/// Compares every decision of every user present in both versions (matched
/// by name), with causes from the two versions' texts.
pub fn diff(old: Version, new: Version) -> Diff {
    let changed = causes::Changed::between(&old, &new);
    let mut d = decide::compare(old, new, &changed);
    d.texts_differ = !changed.is_empty();
    d
}
