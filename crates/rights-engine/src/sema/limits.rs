//! Limits that make evaluation terminate and stay fast: no cycle in role
//! inheritance, none through `can` and `also when`, and bounded chains and
//! expansion (the cycle search itself is in `cycles.rs`).

use super::cycles;
use super::model::*;
use super::Resolver;
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use std::collections::HashMap;

/// The longest chain of actions and access rules a condition may depend on.
pub const MAX_DEPENDENCY_DEPTH: usize = 64;
/// The most condition nodes one action or access rule may expand to.
pub const MAX_EXPANSION: u64 = 1_000_000;

/// Number of nodes in a condition tree (iterative).
fn cond_len(c: &Cond) -> usize {
    let mut n = 0;
    let mut stack = vec![c];
    while let Some(c) = stack.pop() {
        n += 1;
        match c {
            Cond::Or(xs, _) | Cond::And(xs, _) => stack.extend(xs.iter()),
            Cond::Not(x, _) => stack.push(x),
            _ => {}
        }
    }
    n
}

impl Resolver {
    /// Every check that bounds evaluation: role cycles, action and access-rule
    /// cycles, and (when there are none) chain length and expansion.
    pub(super) fn check_limits(&mut self) {
        // role inheritance
        let edges: Vec<Vec<usize>> = self
            .policy
            .roles
            .iter()
            .map(|r| r.parents.iter().map(|(p, _)| p.index()).collect())
            .collect();
        for cycle in cycles::find_cycles(&edges) {
            let names: Vec<String> = cycle
                .iter()
                .map(|&i| format!("`{}`", self.policy.roles[i].meta.name))
                .collect();
            let first = cycle[0];
            let chain = cycle
                .iter()
                .chain(std::iter::once(&first))
                .map(|&i| self.policy.roles[i].meta.name.as_str())
                .collect::<Vec<_>>()
                .join(" → ");
            let mut d = Diagnostic::error(
                Code::RoleCycle,
                format!("role inheritance cycle through {}", names.join(", ")),
            );
            for (k, &i) in cycle.iter().enumerate() {
                let next = cycle[(k + 1) % cycle.len()];
                let role = &self.policy.roles[i];
                let span = role
                    .parents
                    .iter()
                    .find(|(p, _)| p.index() == next)
                    .map(|(_, s)| *s)
                    .unwrap_or(role.meta.span);
                let label = format!(
                    "`{}` extends `{}`",
                    role.meta.name, self.policy.roles[next].meta.name
                );
                d = if k == 0 {
                    d.at(span, label)
                } else {
                    d.also(span, label)
                };
            }
            self.diags.push(d.help(format!(
                "inheritance must not loop ({chain}); remove one of these `extends`"
            )));
        }
        // actions (through `can`) and access levels (through `also when`)
        let na = self.policy.actions.len();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); na + self.policy.access.len()];
        let mut sites: HashMap<(usize, usize), Span> = HashMap::new();
        let mut add = |from: usize, c: &Cond, edges: &mut Vec<Vec<usize>>| {
            c.for_each_atom(|a| {
                let to = match a {
                    Cond::Can(id, s) => Some((id.index(), *s)),
                    Cond::Access(id, s) => Some((na + id.index(), *s)),
                    _ => None,
                };
                if let Some((to, s)) = to {
                    edges[from].push(to);
                    sites.entry((from, to)).or_insert(s);
                }
            })
        };
        for (i, a) in self.policy.actions.iter().enumerate() {
            add(i, &a.when, &mut edges);
        }
        for (i, l) in self.policy.access.iter().enumerate() {
            for c in &l.also_when {
                add(na + i, c, &mut edges);
            }
        }
        let action_cycles = cycles::find_cycles(&edges);
        if action_cycles.is_empty() {
            self.check_complexity(&edges);
        }
        let node_name = |i: usize| {
            if i < na {
                format!("action `{}`", self.policy.actions[i].meta.name)
            } else {
                format!("access `{}`", self.policy.access[i - na].meta.name)
            }
        };
        for cycle in action_cycles {
            let names: Vec<String> = cycle.iter().map(|&i| node_name(i)).collect();
            let mut d = Diagnostic::error(
                Code::ActionCycle,
                format!("{} depend on each other in a cycle", names.join(", ")),
            );
            if cycle.len() == 1 {
                d.message = format!("{} depends on itself", names[0]);
            }
            for (k, &i) in cycle.iter().enumerate() {
                let next = cycle[(k + 1) % cycle.len()];
                let span = sites.get(&(i, next)).copied().unwrap_or_default();
                let label = format!("{} uses {}", node_name(i), node_name(next));
                d = if k == 0 {
                    d.at(span, label)
                } else {
                    d.also(span, label)
                };
            }
            self.diags.push(d.help(
                "evaluation must terminate: break the cycle by writing one of these conditions without the others",
            ));
        }
    }

    /// Bounds evaluation: along `can` and `also when`, no chain may be longer
    /// than [`MAX_DEPENDENCY_DEPTH`] and no condition may expand (every `can`
    /// and access rule inlined) to more than [`MAX_EXPANSION`] nodes. The graph
    /// is acyclic here. Reports only the first node past a limit on each chain.
    fn check_complexity(&mut self, edges: &[Vec<usize>]) {
        let na = self.policy.actions.len();
        let n = edges.len();
        let node_name = |p: &Policy, i: usize| {
            if i < na {
                format!("action `{}`", p.actions[i].meta.name)
            } else {
                format!("access `{}`", p.access[i - na].meta.name)
            }
        };
        let own_size = |i: usize| -> u64 {
            let conds: Vec<&Cond> = if i < na {
                vec![&self.policy.actions[i].when]
            } else {
                self.policy.access[i - na].also_when.iter().collect()
            };
            conds.iter().map(|c| cond_len(c) as u64).sum::<u64>().max(1)
        };
        // dependencies first (Kahn's algorithm over "i uses j")
        let mut pending: Vec<usize> = edges.iter().map(Vec::len).collect();
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, deps) in edges.iter().enumerate() {
            for &d in deps {
                users[d].push(i);
            }
        }
        let mut ready: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
        let mut depth = vec![1usize; n];
        let mut size = vec![0u64; n];
        let mut over = vec![false; n];
        while let Some(i) = ready.pop() {
            let deps = &edges[i];
            depth[i] = 1 + deps.iter().map(|&d| depth[d]).max().unwrap_or(0);
            size[i] = deps
                .iter()
                .fold(own_size(i), |acc, &d| acc.saturating_add(size[d]));
            let inherited = deps.iter().any(|&d| over[d]);
            over[i] = inherited || depth[i] > MAX_DEPENDENCY_DEPTH || size[i] > MAX_EXPANSION;
            if over[i] && !inherited {
                let span = if i < na {
                    self.policy.actions[i].meta.span
                } else {
                    self.policy.access[i - na].meta.span
                };
                let (message, label) = if depth[i] > MAX_DEPENDENCY_DEPTH {
                    (
                        format!(
                            "{} depends on a chain of {} actions and access rules, more than {MAX_DEPENDENCY_DEPTH}",
                            node_name(&self.policy, i),
                            depth[i]
                        ),
                        "the chain through `can` and `also when` is too long",
                    )
                } else {
                    (
                        format!(
                            "{} expands to more than {MAX_EXPANSION} conditions through `can` and `also when`",
                            node_name(&self.policy, i)
                        ),
                        "evaluating this would take too long",
                    )
                };
                self.diags.push(
                    Diagnostic::error(Code::TooComplex, message)
                        .at(span, label)
                        .help("write the condition more directly: conditions that use the same action many times, or chains of actions each using the last, can usually be flattened"),
                );
            }
            for &u in &users[i] {
                pending[u] -= 1;
                if pending[u] == 0 {
                    ready.push(u);
                }
            }
        }
    }
}
