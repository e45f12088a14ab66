//! Rows of `rows event` reports when an event's resources change: a
//! resource that joins or leaves an event changes what `report R as U for
//! event E` shows, even where nothing else about the user changed.

use super::decide::{Names, Pair};
use super::{Change, On, What};
use crate::ir::Program;
use crate::sema::model::*;
use rustc_hash::FxHashSet;

/// Resources that joined or left an event (matched by name): the rows of
/// `rows event` reports run for that event change with them.
pub(super) struct Moved {
    pairs: Vec<MovedPair>,
}

/// (event, resource, its id in the old and the new version, a member
/// before, a member after)
type MovedPair = (
    String,
    String,
    Option<ResourceId>,
    Option<ResourceId>,
    bool,
    bool,
);

impl Moved {
    pub(super) fn of(po: &Program, pn: &Program) -> Moved {
        let mut pairs = Vec::new();
        let members = |p: &Program, e: &str| -> Vec<String> {
            p.data
                .event_ids
                .get(e)
                .and_then(|id| p.data.events.get(id.index()))
                .map(|ev| {
                    ev.resources
                        .iter()
                        .filter_map(|r| p.data.resources.get(r.index()))
                        .map(|r| r.meta.name.clone())
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut events: Vec<&str> = po
            .data
            .events
            .iter()
            .map(|e| e.meta.name.as_str())
            .collect();
        for e in &pn.data.events {
            if !po.data.event_ids.contains_key(e.meta.name.as_str()) {
                events.push(&e.meta.name);
            }
        }
        for e in events {
            let (a, b) = (members(po, e), members(pn, e));
            if a == b {
                continue;
            }
            let a_set: FxHashSet<&str> = a.iter().map(String::as_str).collect();
            let b_set: FxHashSet<&str> = b.iter().map(String::as_str).collect();
            let mut seen: FxHashSet<&str> = Default::default();
            for r in a.iter().chain(b.iter()) {
                let (ia, ib) = (a_set.contains(r.as_str()), b_set.contains(r.as_str()));
                if ia == ib || !seen.insert(r) {
                    continue;
                }
                pairs.push((
                    e.to_string(),
                    r.clone(),
                    po.data.resource_ids.get(r.as_str()).copied(),
                    pn.data.resource_ids.get(r.as_str()).copied(),
                    ia,
                    ib,
                ));
            }
        }
        Moved { pairs }
    }
}

/// A user's rows of `rows event` reports on the resources that joined or
/// left an event.
pub(super) fn event_rows(p: &Pair, n: &Names, moved: &Moved, out: &mut Vec<Change>) {
    if moved.pairs.is_empty() {
        return;
    }
    let (po, pn) = (p.old.program, p.new.program);
    let by_event = |prog: &Program, rep: Option<ReportId>| {
        rep.is_some_and(|r| prog.policy.report(r).rows == RowsSource::Event)
    };
    for r in &n.reports {
        if !by_event(po, r.old) && !by_event(pn, r.new) {
            continue;
        }
        for (ev, res, ro, rn, was, is) in &moved.pairs {
            let row = |prog: &Program,
                       u: UserId,
                       rep: Option<ReportId>,
                       x: Option<ResourceId>,
                       member: bool| {
                let (rep, x) = (rep?, x?);
                (member
                    && prog.policy.report(rep).rows == RowsSource::Event
                    && prog.may_run(u, rep)
                    && prog.is_row(u, rep, x))
                .then(|| prog.visibility(u, rep, x))
            };
            let before = row(po, p.uo, r.old, *ro, *was);
            let after = row(pn, p.un, r.new, *rn, *is);
            if before == after {
                continue;
            }
            let gained = match (before, after) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (b, a) => a == Some(Visibility::Full) && b != a,
            };
            p.push(
                out,
                What::Row {
                    report: r.name.clone(),
                    on: On::Resource(res.clone()),
                    event: Some(ev.clone()),
                    before,
                    after,
                },
                gained,
                (Vec::new(), Vec::new()),
            );
        }
    }
}
