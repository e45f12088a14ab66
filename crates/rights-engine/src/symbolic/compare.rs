//! Two policies, item by item, over every possible user: for each right,
//! action, report (may run, rows, details), access level and `assigns`
//! present in both (matched by name), whether the new one allows the same,
//! more, less, or some of each — with, for each difference, a witness: the
//! user (and resource) with the fewest facts on which the two disagree.
//!
//! Facts are shared by name ([`super::Symbolic::pair`]). An item about a
//! resource is compared on every resource profile of either policy's data
//! (what `access for role` and group access say of it), the empty profile
//! included: a resource of any tags, on which the user has any access.

use super::search;
use super::{Limit, Meaning, Profile, Scope, Symbolic, R};
use crate::sema::model::*;
use biodivine_lib_bdd::{Bdd, BddValuation, BddVariable};

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
    /// Where the report's rows come from (`rows event` or `rows resources`).
    RowsFrom(String),
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
    /// For an item about a resource: what the resource's data says of
    /// access, and a resource of the data that says the same.
    pub resource: Option<(Profile, Option<String>)>,
}

/// One item compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compared {
    pub item: Item,
    pub verdict: Verdict,
    /// The item is only in the new policy (and some user could use it).
    pub only_new: bool,
}

/// Items present in only one of the two policies (by kind and name).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OnlyIn {
    pub old: Vec<Item>,
    pub new: Vec<Item>,
}

type Family<'a> = &'a dyn Fn(&Symbolic, usize, Scope) -> R;

/// Where an item about a resource is compared: each profile against itself,
/// and each resource of both data sets whose profile changed, its old
/// profile against its new one.
fn resource_pairs(old: &Symbolic, new: &Symbolic) -> Vec<(usize, usize, Option<String>)> {
    let mut pairs: Vec<(usize, usize, Option<String>)> = (0..old.universe.profiles.len())
        .map(|p| (p, p, None))
        .collect();
    for (i, r) in old.data.resources.iter().enumerate() {
        let Some(&n) = new.data.resource_ids.get(r.meta.name.as_str()) else {
            continue;
        };
        let po = old.b.profile_of(ResourceId::from_index(i));
        let pn = new.b.profile_of(n);
        if po != pn && !pairs.iter().any(|(a, b, _)| *a == po && *b == pn) {
            pairs.push((po, pn, Some(r.meta.name.clone())));
        }
    }
    pairs
}

/// Compares `new` with `old` (built with [`Symbolic::pair`]).
pub fn compare(old: &Symbolic, new: &Symbolic) -> Result<(Vec<Compared>, OnlyIn), Limit> {
    let mut out = Vec::new();
    let mut only = OnlyIn::default();
    let pairs = resource_pairs(old, new);
    let profiles = old.universe.profiles.len();
    let mut item = |it: Item,
                    ids: (Option<usize>, Option<usize>),
                    scoped: bool,
                    f: Family,
                    out: &mut Vec<Compared>|
     -> Result<(), Limit> {
        let scopes: Vec<(Scope, Scope, Option<String>)> = if scoped {
            pairs
                .iter()
                .map(|(a, b, name)| (Some(*a), Some(*b), name.clone()))
                .collect()
        } else {
            vec![(None, None, None)]
        };
        // what a witness on (old profile, new profile) is about: the new
        // profile, and the resources it may be "like" (looked through
        // lazily, up to the first for which it holds)
        let resource = |po: Scope, pn: Scope, name: &Option<String>| {
            pn.map(|pn| Place {
                profile: new.universe.profiles.get(pn).cloned().unwrap_or_default(),
                old_profile: po,
                new_profile: pn,
                name: name.clone(),
            })
        };
        let (o, n) = match ids {
            (Some(o), Some(n)) => (o, n),
            (Some(_), None) => {
                only.old.push(it);
                return Ok(());
            }
            (None, Some(n)) => {
                // new: new access if anyone could use it
                let mut usable = None;
                let new_scopes: Vec<Scope> = if scoped {
                    (0..profiles).map(Some).collect()
                } else {
                    vec![None]
                };
                for p in new_scopes {
                    let fnew = f(new, n, p)?;
                    if !fnew.is_false() {
                        usable = Some(witness(old, new, &fnew, resource(None, p, &None)));
                        break;
                    }
                }
                match usable {
                    Some(w) => out.push(Compared {
                        item: it,
                        verdict: Verdict::More(w),
                        only_new: true,
                    }),
                    None => only.new.push(it),
                }
                return Ok(());
            }
            (None, None) => return Ok(()),
        };
        let (mut more, mut less) = (None, None);
        for (so, sn, name) in scopes {
            let (fo, fn_) = (f(old, o, so)?, f(new, n, sn)?);
            if more.is_none() {
                let gained = Symbolic::and_not_once(&fn_, &fo)?;
                if !gained.is_false() {
                    more = Some(witness(old, new, &gained, resource(so, sn, &name)));
                }
            }
            if less.is_none() {
                let lost = Symbolic::and_not_once(&fo, &fn_)?;
                if !lost.is_false() {
                    less = Some(witness(old, new, &lost, resource(so, sn, &name)));
                }
            }
        }
        let verdict = match (more, less) {
            (None, None) => Verdict::Same,
            (Some(m), None) => Verdict::More(m),
            (None, Some(l)) => Verdict::Less(l),
            (Some(more), Some(less)) => Verdict::Both { more, less },
        };
        out.push(Compared {
            item: it,
            verdict,
            only_new: false,
        });
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
            let ids = (id_of(old, kind, &name), id_of(new, kind, &name));
            match kind {
                Kind::Right => {
                    let f = |s: &Symbolic, i: usize, _: Scope| s.right(RightId::from_index(i));
                    item(Item::Right(name), ids, false, &f, &mut out)?;
                }
                Kind::Action => {
                    let scoped = [(old, ids.0), (new, ids.1)]
                        .iter()
                        .any(|(s, i)| i.is_some_and(|i| s.action_scoped(ActionId::from_index(i))));
                    let f = |s: &Symbolic, i: usize, p: Scope| s.action(ActionId::from_index(i), p);
                    item(Item::Action(name), ids, scoped, &f, &mut out)?;
                }
                Kind::Report => {
                    let run = |s: &Symbolic, i: usize, _: Scope| {
                        s.report_requires(ReportId::from_index(i))
                    };
                    let rows = |s: &Symbolic, i: usize, p: Scope| {
                        let rep = ReportId::from_index(i);
                        let w = s.report_where(rep, p.unwrap_or(0))?;
                        s.and(&s.report_requires(rep)?, &w)
                    };
                    let full = |s: &Symbolic, i: usize, p: Scope| {
                        let rep = ReportId::from_index(i);
                        let prof = p.unwrap_or(0);
                        let row = s.and(&s.report_requires(rep)?, &s.report_where(rep, prof)?)?;
                        s.and(&row, &s.report_details(rep, prof)?)
                    };
                    item(Item::Run(name.clone()), ids, false, &run, &mut out)?;
                    item(Item::Rows(name.clone()), ids, true, &rows, &mut out)?;
                    item(Item::Details(name.clone()), ids, true, &full, &mut out)?;
                    if let (Some(o), Some(n)) = ids {
                        let src =
                            |s: &Symbolic, i: usize| s.policy.report(ReportId::from_index(i)).rows;
                        let (so, sn) = (src(old, o), src(new, n));
                        if so != sn {
                            // every resource is more than the event's; whoever may run it
                            let runs = new.report_requires(ReportId::from_index(n))?;
                            let w = witness(old, new, &runs, None);
                            let verdict = if sn == RowsSource::Resources {
                                Verdict::More(w)
                            } else {
                                Verdict::Less(w)
                            };
                            out.push(Compared {
                                item: Item::RowsFrom(name),
                                verdict,
                                only_new: false,
                            });
                        }
                    }
                }
                Kind::Access => {
                    let f = |s: &Symbolic, i: usize, p: Scope| {
                        s.access(AccessId::from_index(i), p.unwrap_or(0))
                    };
                    let g = |s: &Symbolic, i: usize, p: Scope| s.assign(true, i, p);
                    item(Item::Access(name.clone()), ids, true, &f, &mut out)?;
                    item(Item::AssignAccess(name), ids, true, &g, &mut out)?;
                }
                Kind::Role => {
                    let f = |s: &Symbolic, i: usize, p: Scope| s.assign(false, i, p);
                    item(Item::Assign(name.clone(), false), ids, false, &f, &mut out)?;
                    item(Item::Assign(name, true), ids, true, &f, &mut out)?;
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

/// Where a witness on a resource stands: the new profile, and which
/// resources of the new data may be named as alike (one named resource, or
/// every one with these profiles in the old and new data).
struct Place {
    profile: Profile,
    old_profile: Scope,
    new_profile: usize,
    name: Option<String>,
}

/// The valuation with the fewest true facts on which `f` holds (on a
/// resource with that profile), and the first resource of the data for
/// which it holds too, with the tags that resource has: a "like R" note
/// names only a resource where the witness user shows the difference.
fn witness(old: &Symbolic, s: &Symbolic, f: &Bdd, place: Option<Place>) -> Witness {
    let none = vec![false; s.universe.meaning.len()];
    let set: Vec<BddVariable> = search::cheapest(f, &none)
        .unwrap_or_default()
        .into_iter()
        .filter(|&(_, value)| value)
        .map(|(v, _)| v)
        .collect();
    let facts = set
        .iter()
        .filter_map(|v| s.universe.meaning.get(v.to_index()).cloned())
        .collect();
    let resource = place.map(|place| {
        let holds_on = |r: ResourceId| {
            let Ok(n) = u16::try_from(s.universe.meaning.len()) else {
                return false;
            };
            let mut at = BddValuation::all_false(n);
            for &v in &set {
                at.set(v);
            }
            // the witness's own tags give way to the resource's
            for &t in &s.b.tag {
                at.set_value(t, false);
            }
            for (t, _) in s.data.resources.get(r.index()).map_or(&[][..], |x| &x.tags) {
                if let Some(&v) = s.b.tag.get(t.index()) {
                    at.set(v);
                }
            }
            f.eval_in(&at)
        };
        let alike = |r: &ResourceId| {
            if s.b.profile_of(*r) != place.new_profile {
                return false;
            }
            let name = s
                .data
                .resources
                .get(r.index())
                .map_or("", |x| x.meta.name.as_str());
            place.old_profile.is_none_or(|po| {
                old.data
                    .resource_ids
                    .get(name)
                    .is_none_or(|&o| old.b.profile_of(o) == po)
            })
        };
        let like = match &place.name {
            Some(n) => s
                .data
                .resource_ids
                .get(n.as_str())
                .copied()
                .filter(|&r| holds_on(r)),
            None => (0..s.data.resources.len())
                .map(ResourceId::from_index)
                .filter(alike)
                .find(|&r| holds_on(r)),
        };
        let like = like
            .and_then(|r| s.data.resources.get(r.index()))
            .map(|r| r.meta.name.clone());
        (place.profile, like)
    });
    Witness { facts, resource }
}
