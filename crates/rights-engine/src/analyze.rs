//! `rights analyze`: what the symbolic view proves of one policy, and how
//! two policies compare for every possible user — with, for each
//! difference, the real users (and resources) whose answer changes, decided
//! by the evaluator.

use crate::ir::Program;
use crate::sema::model::*;
use crate::symbolic::compare::{self, Compared, Item, OnlyIn, Verdict};
use crate::symbolic::findings::Finding;
use crate::symbolic::{self, Limit, Symbolic};

/// At most this many affected users are listed per difference.
pub const MAX_AFFECTED: usize = 20;
/// At most this many questions are asked per difference when looking for
/// affected users (users × resources on the large workload would be 10⁹).
const MAX_ASKED: usize = 2_000_000;

/// Everything proved about one policy.
pub fn findings(p: &Program) -> Result<Vec<Finding>, Limit> {
    symbolic::of(p)?.findings()
}

/// Two policies compared.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Every item present in both, with the real users it affects.
    pub items: Vec<Difference>,
    pub only: OnlyIn,
}

/// One item of a comparison.
#[derive(Clone, Debug)]
pub struct Difference {
    pub compared: Compared,
    /// Users of the data (present in both, by name) whose answer changes.
    pub affected: Vec<Affected>,
    /// More were affected than are listed, or not every question was asked.
    pub more_affected: bool,
}

/// A real user (on a resource) whose answer differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Affected {
    pub user: String,
    pub resource: Option<String>,
    /// The answer under the new policy (the old one is the opposite).
    pub now: bool,
}

impl Comparison {
    /// Whether the new policy allows something the old did not (the gate).
    pub fn new_access(&self) -> bool {
        self.items
            .iter()
            .any(|d| matches!(d.compared.verdict, Verdict::More(_) | Verdict::Both { .. }))
    }

    /// The items whose verdict is not "the same".
    pub fn differences(&self) -> impl Iterator<Item = &Difference> {
        self.items
            .iter()
            .filter(|d| d.compared.verdict != Verdict::Same)
    }
}

/// Compares `new` with `old` for every possible user, and finds the users
/// of the data whose answers change.
pub fn compare(old: &Program, new: &Program) -> Result<Comparison, Limit> {
    let (so, sn) = Symbolic::pair(old, new)?;
    let (compared, only) = compare::compare(&so, &sn)?;
    let items = compared
        .into_iter()
        .map(|c| {
            let (affected, more_affected) = if c.verdict == Verdict::Same {
                (Vec::new(), false)
            } else {
                affected(old, new, &c.item)
            };
            Difference {
                compared: c,
                affected,
                more_affected,
            }
        })
        .collect();
    Ok(Comparison { items, only })
}

/// The real users (on resources) whose answer to the item differs.
fn affected(old: &Program, new: &Program, item: &Item) -> (Vec<Affected>, bool) {
    let mut out = Vec::new();
    let mut asked = 0usize;
    let scoped = match item {
        Item::Action(a) => [old, new].iter().any(|p| {
            p.policy
                .names
                .actions
                .get(a)
                .is_some_and(|&id| p.policy.action(id).on_resource)
        }),
        Item::Right(_) | Item::Run(_) | Item::Assign(_, false) | Item::RowsFrom(_) => false,
        _ => true,
    };
    let resources: Vec<(&str, Option<ResourceId>, Option<ResourceId>)> = if scoped {
        old.data
            .resources
            .iter()
            .filter_map(|r| {
                let name = r.meta.name.as_str();
                let n = new.data.resource_ids.get(name).copied()?;
                Some((name, old.data.resource_ids.get(name).copied(), Some(n)))
            })
            .collect()
    } else {
        vec![("", None, None)]
    };
    for u in &old.data.users {
        let name = u.meta.name.as_str();
        let (Some(&uo), Some(&un)) = (old.data.user_ids.get(name), new.data.user_ids.get(name))
        else {
            continue;
        };
        for &(rname, ro, rn) in &resources {
            asked += 1;
            if asked > MAX_ASKED || out.len() >= MAX_AFFECTED {
                return (out, true);
            }
            let before = decide(old, uo, ro, item);
            let after = decide(new, un, rn, item);
            if before != after {
                out.push(Affected {
                    user: name.to_string(),
                    resource: ro.map(|_| rname.to_string()),
                    now: after,
                });
            }
        }
    }
    (out, false)
}

/// The evaluator's answer to an item for one user (on one resource).
fn decide(p: &Program, u: UserId, on: Option<ResourceId>, item: &Item) -> bool {
    let n = &p.policy.names;
    let can = |target: Target, on: Option<ResourceId>| {
        p.can(&CanQ {
            user: u,
            target,
            on,
            event: None,
        })
    };
    match item {
        Item::Right(x) => n
            .rights
            .get(x)
            .is_some_and(|&r| can(Target::Right(r), None)),
        Item::Action(x) => n.actions.get(x).is_some_and(|&a| {
            let on = if p.policy.action(a).on_resource {
                on
            } else {
                None
            };
            can(Target::Action(a), on)
        }),
        Item::Run(x) => n.reports.get(x).is_some_and(|&r| p.may_run(u, r)),
        // "sees every resource as a row": may run it, with `rows resources`
        Item::RowsFrom(x) => n
            .reports
            .get(x)
            .is_some_and(|&r| p.may_run(u, r) && p.policy.report(r).rows == RowsSource::Resources),
        Item::Rows(x) => n.reports.get(x).is_some_and(|&r| can(Target::Run(r), on)),
        Item::Details(x) => n.reports.get(x).is_some_and(|&r| {
            can(Target::Run(r), on)
                && on.is_some_and(|res| p.visibility(u, r, res) == Visibility::Full)
        }),
        Item::Access(x) => n.access.get(x).is_some_and(|&l| can(Target::Access(l), on)),
        Item::Assign(x, with) => n.roles.get(x).is_some_and(|&role| {
            can(
                Target::Assign {
                    role,
                    to: UserId(0),
                },
                if *with { on } else { None },
            )
        }),
        Item::AssignAccess(x) => n.access.get(x).is_some_and(|&level| {
            can(
                Target::AssignAccess {
                    level,
                    to: UserId(0),
                },
                on,
            )
        }),
    }
}
