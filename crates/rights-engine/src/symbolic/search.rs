//! The smallest changes to a user's facts that make a function hold: a
//! cheapest path to `true` in the diagram, where taking a variable's value
//! costs one when it differs from the user's and nothing otherwise, and a
//! variable the path skips keeps the user's value. Alternatives are found
//! one by one, each excluding every superset of those found before, so each
//! is minimal (no part of it would do) and they come smallest first.

use super::{Limit, NODE_LIMIT};
use biodivine_lib_bdd::{
    op_function, Bdd, BddPartialValuation, BddPointer, BddVariable, BddVariableSet,
};

/// One change: a variable and the value it takes.
pub type Change = (BddVariable, bool);

const NONE: u32 = u32::MAX;

/// The cheapest set of changes to `current` (one value per variable of the
/// universe) under which `f` holds, or `None` when nothing does.
pub fn cheapest(f: &Bdd, current: &[bool]) -> Option<Vec<Change>> {
    if f.is_false() {
        return None;
    }
    let n = f.size();
    let mut cost = vec![NONE; n];
    // children first, with an explicit stack: diagrams can be deep
    let mut stack: Vec<(BddPointer, bool)> = vec![(f.root_pointer(), false)];
    while let Some((p, expanded)) = stack.pop() {
        let i = p.to_index();
        if cost.get(i).is_some_and(|&c| c != NONE) {
            continue;
        }
        if p.is_zero() {
            cost[i] = NONE - 1; // unreachable goal: effectively infinite
            continue;
        }
        if p.is_one() {
            cost[i] = 0;
            continue;
        }
        let (lo, hi) = (f.low_link_of(p), f.high_link_of(p));
        if !expanded {
            stack.push((p, true));
            stack.push((lo, false));
            stack.push((hi, false));
            continue;
        }
        let v = f.var_of(p).to_index();
        let cur = current.get(v).copied().unwrap_or(false);
        let step = |value: bool| u32::from(value != cur);
        let via = |child: BddPointer, value: bool| {
            let c = cost[child.to_index()];
            if c >= NONE - 1 {
                NONE - 1
            } else {
                c + step(value)
            }
        };
        cost[i] = via(lo, false).min(via(hi, true));
    }
    if cost[f.root_pointer().to_index()] >= NONE - 1 {
        return None;
    }
    // walk down the cheapest branches
    let mut changes = Vec::new();
    let mut p = f.root_pointer();
    while !p.is_terminal() {
        let v = f.var_of(p);
        let cur = current.get(v.to_index()).copied().unwrap_or(false);
        let (lo, hi) = (f.low_link_of(p), f.high_link_of(p));
        let c = |child: BddPointer, value: bool| {
            cost[child.to_index()].saturating_add(u32::from(value != cur))
        };
        // on a tie, change this (earlier-declared) fact rather than a later
        // one: the first role that would do, not the last
        let take_hi = c(hi, true) < c(lo, false) || (c(hi, true) == c(lo, false) && !cur);
        let value = take_hi;
        if value != cur {
            changes.push((v, value));
        }
        p = if take_hi { hi } else { lo };
    }
    Some(changes)
}

/// Minimal sets of changes under which `f` holds, smallest first: at least
/// `enough` of them (when there are so many), and then every other one of
/// the same size as the last, up to `cap` in all — so that a caller ranking
/// alternatives of one size sees all of them. Empty when nothing would make
/// it hold (or it already holds).
pub fn smallest(
    vars: &BddVariableSet,
    f: &Bdd,
    current: &[bool],
    enough: usize,
    cap: usize,
) -> Result<Vec<Vec<Change>>, Limit> {
    let mut g = f.clone();
    let mut found: Vec<Vec<Change>> = Vec::new();
    while found.len() < cap {
        let Some(changes) = cheapest(&g, current) else {
            break;
        };
        if changes.is_empty() {
            break;
        }
        if found.len() >= enough && found.last().is_some_and(|l| l.len() < changes.len()) {
            break;
        }
        // exclude this set and every superset of it
        let clause = vars.mk_conjunctive_clause(&BddPartialValuation::from_values(&changes));
        g = Bdd::binary_op_with_limit(NODE_LIMIT, &g, &clause, op_function::and_not)
            .ok_or(Limit::TooLarge)?;
        found.push(changes);
    }
    Ok(found)
}

/// Fixes the variables that may not change to their current values.
pub fn restrict_unchangeable(
    f: &Bdd,
    current: &[bool],
    may_change: impl Fn(usize, bool) -> bool,
) -> Bdd {
    let fixed: Vec<(BddVariable, bool)> = (0..current.len())
        .filter(|&v| !may_change(v, current[v]))
        .map(|v| (BddVariable::from_index(v), current[v]))
        .collect();
    f.restrict(&fixed)
}
