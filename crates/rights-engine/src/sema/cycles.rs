//! Cycle detection over small dependency graphs (role inheritance, actions and
//! access rules). Iterative, so a 20,000-long chain cannot overflow the stack.

/// Every cycle in the graph, one per strongly connected component that has a
/// cycle, each as a list of nodes in cycle order (`a → b → … → a`).
pub fn find_cycles(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let comps = strongly_connected(edges);
    let mut out = Vec::new();
    for comp in comps {
        let first = comp[0];
        if comp.len() == 1 && !edges[first].contains(&first) {
            continue;
        }
        out.push(cycle_in(edges, &comp));
    }
    out.sort();
    out
}

/// A cycle through `comp[0]` that stays inside the component (a shortest one,
/// found by breadth-first search), followed by the component's other nodes
/// that it does not pass through, so every node on a cycle is named.
fn cycle_in(edges: &[Vec<usize>], comp: &[usize]) -> Vec<usize> {
    let start = comp[0];
    let in_comp = |n: usize| comp.binary_search(&n).is_ok();
    let mut prev: std::collections::HashMap<usize, usize> = Default::default();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut end = None;
    'bfs: while let Some(n) = queue.pop_front() {
        for &m in &edges[n] {
            if m == start {
                end = Some(n);
                break 'bfs;
            }
            if in_comp(m) && !prev.contains_key(&m) {
                prev.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    let mut path = Vec::new();
    let mut cur = end.unwrap_or(start);
    while cur != start {
        path.push(cur);
        cur = prev.get(&cur).copied().unwrap_or(start);
    }
    path.push(start);
    path.reverse();
    for &n in comp {
        if !path.contains(&n) {
            path.push(n);
        }
    }
    path
}

/// Tarjan's algorithm without recursion. Each component is returned sorted.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comps = Vec::new();
    let mut next = 0usize;
    let mut call: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        call.push((root, 0));
        while let Some(top) = call.len().checked_sub(1) {
            let (v, ei) = call[top];
            if ei == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(ei) {
                call[top].1 += 1;
                if index[w] == UNSEEN {
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            call.pop();
            if let Some(&(parent, _)) = call.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                comp.sort_unstable();
                comps.push(comp);
            }
        }
    }
    comps
}

#[cfg(test)]
mod tests {
    use super::find_cycles;

    #[test]
    fn finds_each_cycle_with_every_member() {
        // 0 → 1 → 2 → 0, 3 → 3, 4 → 0 (not on a cycle)
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![0]];
        assert_eq!(find_cycles(&edges), vec![vec![0, 1, 2], vec![3]]);
    }

    #[test]
    fn long_chain_is_not_a_cycle_and_does_not_recurse() {
        let n = 200_000;
        let edges: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        assert!(find_cycles(&edges).is_empty());
    }
}
