//! Nesting in data: groups in groups (§8.1) and resources in resources,
//! resolved and checked for cycles.

use super::data::{access_entries, listed_twice};
use super::define::role_ref;
use super::meta;
use super::model::*;
use super::names::{unknown, Kind};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast;
use rustc_hash::FxHashMap;

/// Every group's body, in the order the policy numbered them (a name declared
/// twice was reported when it was declared; the first declaration counts),
/// then parents and nesting cycles.
pub(super) fn groups(
    policy: &Policy,
    data: &mut Data,
    decls: &[&ast::GroupDecl],
    diags: &mut Diagnostics,
) {
    let n = policy.names.groups.len();
    let mut defined: Vec<Option<&ast::GroupDecl>> = vec![None; n];
    // where each group's declaration comes among `decls`: a cycle is
    // reported at its member declared first (a test's own groups come
    // first, so a cycle a test makes is reported in the test)
    let mut declared_at: Vec<usize> = vec![usize::MAX; n];
    for (k, g) in decls.iter().enumerate() {
        if let Some(&id) = policy.names.groups.get(&g.id.text) {
            if defined[id.index()].is_none() {
                defined[id.index()] = Some(g);
                declared_at[id.index()] = k;
            }
        }
    }
    let mut out = Vec::with_capacity(n);
    for g in defined.iter().flatten() {
        let entry = |d: Diagnostic, f: &str| d.in_entry("group", &g.id.text, f);
        let mut found = Diagnostics::new();
        let mut roles: Vec<(RoleId, Span)> = Vec::new();
        for r in &g.roles {
            if let Some(role) = role_ref(policy, &mut found, r) {
                match roles.iter().find(|(x, _)| *x == role) {
                    Some((_, first)) => found.push(listed_twice("role", r, *first)),
                    None => roles.push((role, r.span)),
                }
            }
        }
        diags.extend(found.drain(..).map(|d| entry(d, "roles")));
        let access = access_entries(policy, data, &g.access, &mut found);
        diags.extend(found.drain(..).map(|d| entry(d, "access")));
        let parent = g
            .parent
            .as_ref()
            .and_then(|p| match policy.names.groups.get(&p.text) {
                Some(&id) => Some(id),
                None => {
                    diags.push(entry(unknown(policy, Kind::Group, p.into()), "parent"));
                    None
                }
            });
        out.push(Group {
            meta: meta(&g.id, &g.label, &g.doc),
            parent,
            roles,
            access,
        });
    }
    data.groups = out;
    let edges: Vec<Vec<usize>> = data
        .groups
        .iter()
        .map(|g| g.parent.iter().map(|p| p.index()).collect())
        .collect();
    for mut cycle in super::cycles::find_cycles(&edges) {
        if let Some(k) = (0..cycle.len()).min_by_key(|&k| {
            cycle
                .get(k)
                .and_then(|&i| declared_at.get(i))
                .copied()
                .unwrap_or(usize::MAX)
        }) {
            cycle.rotate_left(k);
        }
        let names: Vec<String> = cycle
            .iter()
            .map(|&i| format!("`{}`", data.groups[i].meta.name))
            .collect();
        let mut d = Diagnostic::error(
            Code::GroupCycle,
            if names.len() == 1 {
                format!("group {} is nested in itself", names[0])
            } else {
                format!(
                    "groups {} are nested in each other in a cycle",
                    names.join(", ")
                )
            },
        );
        for (k, &i) in cycle.iter().enumerate() {
            let next = cycle[(k + 1) % cycle.len()];
            let g = &data.groups[i];
            let label = format!("`{}` is in `{}`", g.meta.name, data.groups[next].meta.name);
            d = if k == 0 {
                d.at(g.meta.span, label)
            } else {
                d.also(g.meta.span, label)
            };
        }
        diags.push(d.help("a group's `in PARENT` chain must end at a group that is in no other; remove one of these `in`"));
    }
}

/// Sub-resource cycles through the resources `new` (added or replaced by
/// one `extend_as`, in order; `is_new` says whether a resource is one of
/// them). Cycles among older resources only were reported when they were
/// added. Each resource is walked once: a walk stops at a resource an
/// earlier walk reached, so a 100,000-deep tree costs 100,000 steps, not
/// their square. A test's few resources keep marks for the resources they
/// walk only, not for every global one ([`Marks`]).
pub(super) fn resource_cycles(
    data: &Data,
    new: &[usize],
    is_new: impl Fn(usize) -> bool,
    diags: &mut Diagnostics,
) {
    let n = data.resources.len();
    let mut walk = Marks::for_walks(new.len(), n);
    let mut starts: Vec<usize> = Vec::new();
    for &start in new.iter().filter(|&&i| i < n) {
        if walk.get(start).is_some() {
            continue;
        }
        let mut cur = start;
        loop {
            walk.set(cur, start);
            match data.resources[cur].parent {
                Some(p) if p.index() < n => {
                    let p = p.index();
                    match walk.get(p) {
                        Some(w) if w == start => {
                            // a cycle through p: report it at its first new
                            // resource (one with none is an older cycle)
                            let mut first = is_new(p).then_some(p);
                            let mut c = data.resources[p].parent;
                            while let Some(x) = c {
                                if x.index() == p {
                                    break;
                                }
                                if is_new(x.index()) {
                                    first = Some(first.map_or(x.index(), |f| f.min(x.index())));
                                }
                                c = data.resources[x.index()].parent;
                            }
                            starts.extend(first);
                            break;
                        }
                        Some(_) => break,
                        None => cur = p,
                    }
                }
                _ => break,
            }
        }
    }
    starts.sort_unstable();
    for start in starts {
        let mut chain = vec![start];
        let mut c = data.resources[start].parent;
        while let Some(x) = c {
            if x.index() == start {
                break;
            }
            chain.push(x.index());
            c = data.resources[x.index()].parent;
        }
        let names: Vec<String> = chain
            .iter()
            .map(|&i| format!("`{}`", data.resources[i].meta.name))
            .collect();
        let message = if names.len() == 1 {
            format!("resource {} is its own parent", names[0])
        } else {
            format!(
                "resources {} are each other's sub-resources in a cycle",
                names.join(", ")
            )
        };
        diags.push(
            Diagnostic::error(Code::BadData, message)
                .at(
                    data.resources[start].meta.span,
                    "this resource is its own ancestor",
                )
                .help("a sub-resource's `in PARENT` chain must end at a top-level resource"),
        );
    }
}

/// The walk that reached each resource walked so far (by its start): a
/// mark for every resource when most are walked (a whole load), a map of
/// those walked when few are (a test's own resources over global data).
enum Marks {
    Dense(Vec<usize>),
    Sparse(FxHashMap<usize, usize>),
}

impl Marks {
    fn for_walks(walks: usize, resources: usize) -> Marks {
        if walks.saturating_mul(8) >= resources {
            Marks::Dense(vec![usize::MAX; resources])
        } else {
            Marks::Sparse(FxHashMap::default())
        }
    }

    fn get(&self, i: usize) -> Option<usize> {
        match self {
            Marks::Dense(v) => v.get(i).copied().filter(|&w| w != usize::MAX),
            Marks::Sparse(m) => m.get(&i).copied(),
        }
    }

    fn set(&mut self, i: usize, start: usize) {
        match self {
            Marks::Dense(v) => {
                if let Some(x) = v.get_mut(i) {
                    *x = start;
                }
            }
            Marks::Sparse(m) => {
                m.insert(i, start);
            }
        }
    }
}
