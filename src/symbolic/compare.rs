//! Two policies, item by item, over every possible user: for each right,
//! action, report (may run, rows, details), access level and `assigns`
//! present in both (matched by name), whether the new one allows the same,
//! more, less, or some of each — with, for each difference, a witness: the
//! user (and resource) with the fewest facts on which the two disagree.
//!
//! Facts are shared by name ([`super::Symbolic::pair`]). The access a
//! group's `access` gives on a named resource is left out of the generic
//! resource (it is fixed to none): group access is compared through group
//! membership, the roles groups give and the conditions that name groups.

use super::search;
use super::{Limit, Meaning, Symbolic, R};
use crate::sema::model::*;
use biodivine_lib_bdd::{Bdd, BddVariable};

/// What is compared, by name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Item {
    Right(String),
    /// An action (on a resource, for a resource-scoped one).
    Action(String),
    /// May run the report at all (`requires`).
    Run(String),
    /// A resource is a row (`requires` and `where`).
    Rows(String),
    /// A row shows in full (`requires`, `where` and `details when`).
    Details(String),
    /// Access level on a resource.
    Access(String),
    /// May assign the role, without a resource named (`false`) or with one.
    Assign(String, bool),
    /// May grant the access level on a resource.
    AssignAccess(String),
}

/// How the new policy compares with the old on one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Same,
    /// The new one allows it to some users the old did not, and takes it
    /// from nobody.
    More(Witness),
    /// The new one takes it from some users, and gives it to nobody new.
    Less(Witness),
    /// Both: `more` gains it, `less` loses it.
    Both {
        more: Witness,
        less: Witness,
    },
}

/// A user (and resource) on whom the two policies disagree: the facts that
/// hold for them (every other fact is false), with the fewest facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    pub facts: Vec<Meaning>,
}

/// One item compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compared {
    pub item: Item,
    pub verdict: Verdict,
}

/// Items present in only one of the two policies (by kind and name).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OnlyIn {
    pub old: Vec<Item>,
    pub new: Vec<Item>,
}

/// Compares `new` with `old` (built with [`Symbolic::pair`]).
pub fn compare(old: &Symbolic, new: &Symbolic) -> Result<(Vec<Compared>, OnlyIn), Limit> {
    let mut out = Vec::new();
    let mut only = OnlyIn::default();
    // group access on named resources is not part of the generic resource
    let fixed: Vec<(BddVariable, bool)> = old
        .universe
        .meaning
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m, Meaning::GroupAccess(..)))
        .map(|(i, _)| (BddVariable::from_index(i), false))
        .collect();
    let mut item =
        |it: Item, o: Option<R>, n: Option<R>, out: &mut Vec<Compared>| -> Result<(), Limit> {
            match (o, n) {
                (Some(o), Some(n)) => {
                    let (o, n) = (o?.restrict(&fixed), n?.restrict(&fixed));
                    let verdict = verdict(new, &o, &n)?;
                    out.push(Compared { item: it, verdict });
                }
                (Some(_), None) => only.old.push(it),
                (None, Some(_)) => only.new.push(it),
                (None, None) => {}
            }
            Ok(())
        };
    let names = |s: &Symbolic, kind: Kind| -> Vec<String> {
        let p = &s.policy;
        match kind {
            Kind::Right => p.rights.iter().map(|x| x.meta.name.clone()).collect(),
            Kind::Action => p.actions.iter().map(|x| x.meta.name.clone()).collect(),
            Kind::Report => p.reports.iter().map(|x| x.meta.name.clone()).collect(),
            Kind::Access => p.access.iter().map(|x| x.meta.name.clone()).collect(),
            Kind::Role => p.roles.iter().map(|x| x.meta.name.clone()).collect(),
        }
    };
    for kind in [
        Kind::Right,
        Kind::Action,
        Kind::Report,
        Kind::Access,
        Kind::Role,
    ] {
        let mut all = names(old, kind);
        for n in names(new, kind) {
            if !all.contains(&n) {
                all.push(n);
            }
        }
        for name in all {
            let fo = |s: &Symbolic, f: &dyn Fn(&Symbolic, usize) -> R| {
                id_of(s, kind, &name).map(|i| f(s, i))
            };
            match kind {
                Kind::Right => {
                    let f = |s: &Symbolic, i: usize| s.right(RightId::from_index(i));
                    item(
                        Item::Right(name.clone()),
                        fo(old, &f),
                        fo(new, &f),
                        &mut out,
                    )?;
                }
                Kind::Action => {
                    let f = |s: &Symbolic, i: usize| s.action(ActionId::from_index(i));
                    item(
                        Item::Action(name.clone()),
                        fo(old, &f),
                        fo(new, &f),
                        &mut out,
                    )?;
                }
                Kind::Report => {
                    let run = |s: &Symbolic, i: usize| s.report_requires(ReportId::from_index(i));
                    let rows = |s: &Symbolic, i: usize| {
                        let rep = ReportId::from_index(i);
                        s.and(&s.report_requires(rep)?, &s.report_where(rep)?)
                    };
                    let full = |s: &Symbolic, i: usize| {
                        let rep = ReportId::from_index(i);
                        let row = s.and(&s.report_requires(rep)?, &s.report_where(rep)?)?;
                        s.and(&row, &s.report_details(rep)?)
                    };
                    item(
                        Item::Run(name.clone()),
                        fo(old, &run),
                        fo(new, &run),
                        &mut out,
                    )?;
                    item(
                        Item::Rows(name.clone()),
                        fo(old, &rows),
                        fo(new, &rows),
                        &mut out,
                    )?;
                    item(
                        Item::Details(name.clone()),
                        fo(old, &full),
                        fo(new, &full),
                        &mut out,
                    )?;
                }
                Kind::Access => {
                    let f = |s: &Symbolic, i: usize| s.access(AccessId::from_index(i));
                    let g = |s: &Symbolic, i: usize| s.assign(true, i, true);
                    item(
                        Item::Access(name.clone()),
                        fo(old, &f),
                        fo(new, &f),
                        &mut out,
                    )?;
                    item(
                        Item::AssignAccess(name.clone()),
                        fo(old, &g),
                        fo(new, &g),
                        &mut out,
                    )?;
                }
                Kind::Role => {
                    let without = |s: &Symbolic, i: usize| s.assign(false, i, false);
                    let with = |s: &Symbolic, i: usize| s.assign(false, i, true);
                    item(
                        Item::Assign(name.clone(), false),
                        fo(old, &without),
                        fo(new, &without),
                        &mut out,
                    )?;
                    item(
                        Item::Assign(name.clone(), true),
                        fo(old, &with),
                        fo(new, &with),
                        &mut out,
                    )?;
                }
            }
        }
    }
    Ok((out, only))
}

#[derive(Clone, Copy)]
enum Kind {
    Right,
    Action,
    Report,
    Access,
    Role,
}

fn id_of(s: &Symbolic, kind: Kind, name: &str) -> Option<usize> {
    let n = &s.policy.names;
    match kind {
        Kind::Right => n.rights.get(name).map(|x| x.index()),
        Kind::Action => n.actions.get(name).map(|x| x.index()),
        Kind::Report => n.reports.get(name).map(|x| x.index()),
        Kind::Access => n.access.get(name).map(|x| x.index()),
        Kind::Role => n.roles.get(name).map(|x| x.index()),
    }
}

fn verdict(s: &Symbolic, old: &Bdd, new: &Bdd) -> Result<Verdict, Limit> {
    let gained = s.and_not(new, old)?;
    let lost = s.and_not(old, new)?;
    let w = |f: &Bdd| witness(s, f);
    Ok(match (gained.is_false(), lost.is_false()) {
        (true, true) => Verdict::Same,
        (false, true) => Verdict::More(w(&gained)),
        (true, false) => Verdict::Less(w(&lost)),
        (false, false) => Verdict::Both {
            more: w(&gained),
            less: w(&lost),
        },
    })
}

/// The valuation with the fewest true facts on which `f` holds.
fn witness(s: &Symbolic, f: &Bdd) -> Witness {
    let none = vec![false; s.universe.meaning.len()];
    let facts = search::cheapest(f, &none)
        .unwrap_or_default()
        .into_iter()
        .filter(|&(_, value)| value)
        .filter_map(|(v, _)| s.universe.meaning.get(v.to_index()).cloned())
        .collect();
    Witness { facts }
}
