//! The policy half of a program, compiled once per policy: conditions as a
//! flat node array, role closure and role rights as bit matrices, denies,
//! default-role lines, access rules, actions, reports and `assigns`. Nothing
//! here depends on users, resources or events.

use super::bits::{self, BitMatrix};
use super::cond::TABLE_WALK;
use super::{AssignsIr, Node, NodeId, PolicyCode};
use crate::sema::model::*;

impl PolicyCode {
    /// Compiles a checked policy (no cycles: see `sema::limits`).
    pub fn compile(policy: &Policy) -> PolicyCode {
        let nr = policy.rights.len();
        let nroles = policy.roles.len();
        let mut c = PolicyCode {
            nodes: Vec::new(),
            kids: Vec::new(),
            n_rights: nr,
            n_roles: nroles,
            n_flags: policy.flags.len(),
            n_access: policy.access.len(),
            n_groups: policy.names.groups.len(),
            n_tags: policy.tags.len(),
            role_closure: BitMatrix::new(nroles, nroles),
            role_rights: BitMatrix::new(nroles, nr),
            granted_by: vec![Vec::new(); nr],
            deny_rights: BitMatrix::new(policy.denies.len(), nr),
            deny_cond: Vec::new(),
            default_cond: Vec::new(),
            default_role: policy.default_roles.iter().map(|l| l.role).collect(),
            access_rules: Vec::new(),
            action_cond: Vec::new(),
            action_scoped: policy.actions.iter().map(|a| a.on_resource).collect(),
            report_requires: Vec::new(),
            report_where: Vec::new(),
            report_details: Vec::new(),
            assigns: Vec::new(),
            assign_sets: BitMatrix::with_width(nroles),
            assign_levels: BitMatrix::with_width(policy.access.len()),
            access_deny_levels: BitMatrix::new(policy.access_denies.len(), policy.access.len()),
            access_deny_cond: Vec::new(),
            access_denies_of: vec![Vec::new(); policy.access.len()],
            access_plain: Vec::new(),
            access_inherited: policy
                .access
                .iter()
                .map(|l| l.inherited.is_some())
                .collect(),
            values: policy.values.clone(),
            uses_context: false,
            report_event_rows: policy
                .reports
                .iter()
                .map(|r| r.rows == RowsSource::Event)
                .collect(),
            action_tabled: Vec::new(),
            report_tabled: Vec::new(),
        };
        c.compile_conditions(policy);
        c.compile_roles(policy);
        // every condition is compiled now (`assigns` ones last)
        c.uses_context = c.nodes.iter().any(|n| matches!(n, Node::Context(_)));
        c
    }

    fn compile_conditions(&mut self, policy: &Policy) {
        self.access_rules = policy
            .access
            .iter()
            .map(|l| l.also_when.iter().map(|c| self.cond(c)).collect())
            .collect();
        self.action_cond = policy.actions.iter().map(|a| self.cond(&a.when)).collect();
        for r in &policy.reports {
            let req = self.cond(&r.requires);
            self.report_requires.push(req);
            let w = r.rows_where.as_ref().map(|c| self.cond(c));
            self.report_where.push(w);
            let d = r.details_when.as_ref().map(|c| self.cond(c));
            self.report_details.push(d);
        }
        for (i, d) in policy.denies.iter().enumerate() {
            for site in &d.rights {
                self.deny_rights.set(i, site.right.index());
            }
            let c = d.when.as_ref().map(|c| self.cond(c));
            self.deny_cond.push(c);
        }
        self.default_cond = policy
            .default_roles
            .iter()
            .map(|l| self.cond(&l.when))
            .collect();
        for (i, d) in policy.access_denies.iter().enumerate() {
            for &l in &d.levels {
                self.access_deny_levels.set(i, l.index());
                if let Some(list) = self.access_denies_of.get_mut(l.index()) {
                    if !list.contains(&(i as u32)) {
                        list.push(i as u32);
                    }
                }
            }
            let c = d.when.as_ref().map(|c| self.cond(c));
            self.access_deny_cond.push(c);
        }
        self.access_plain = self
            .access_rules
            .iter()
            .zip(&self.access_denies_of)
            .zip(&self.access_inherited)
            .map(|((rules, denies), inherited)| rules.is_empty() && denies.is_empty() && !inherited)
            .collect();
        // the tables are built for every user: only for conditions short to walk
        let mut memo = vec![None; self.action_cond.len()];
        let short = |c: &PolicyCode, node: NodeId, memo: &mut Vec<Option<usize>>| {
            c.walk_cost(node, memo) <= TABLE_WALK
        };
        self.action_tabled = (0..self.action_cond.len())
            .map(|a| {
                let Some(&c) = self.action_cond.get(a) else {
                    return false;
                };
                short(self, c, &mut memo)
                    && (!self.action_scoped.get(a).copied().unwrap_or(false)
                        || self.levels_decide(c))
            })
            .collect();
        self.report_tabled = (0..self.report_requires.len())
            .map(|r| {
                let requires = self.report_requires.get(r).copied();
                let rows = self.report_where.get(r).copied().flatten();
                requires.is_some_and(|c| short(self, c, &mut memo))
                    && rows.is_none_or(|c| short(self, c, &mut memo) && self.levels_decide(c))
            })
            .collect();
    }

    /// Compiles a condition into nodes. The model's conditions nest at most
    /// `syntax::MAX_NESTING` deep, so this recursion is bounded.
    fn cond(&mut self, c: &Cond) -> NodeId {
        let node = match c {
            Cond::Const(b, _) => Node::Const(*b),
            Cond::Right(id, _) => Node::Right(*id),
            Cond::Role(id, _) => Node::Role(*id),
            Cond::Flag(id, _) => Node::Flag(*id),
            Cond::Access(id, _) => Node::Access(*id),
            Cond::Can(id, _) => Node::Can(*id),
            Cond::Group(id, _) => Node::Group(*id),
            Cond::Tag(id, _) => Node::Tag(*id),
            Cond::Same(a, _) => Node::Same(*a),
            Cond::UserAttr(a, v, _) => Node::UserAttr(*a, *v),
            Cond::ResourceAttr(a, v, _) => Node::ResourceAttr(*a, *v),
            Cond::Context(c, _) => Node::Context(*c),
            Cond::Not(x, _) => Node::Not(self.cond(x)),
            Cond::And(xs, _) | Cond::Or(xs, _) => {
                let children: Vec<NodeId> = xs.iter().map(|x| self.cond(x)).collect();
                let start = self.kids.len() as u32;
                self.kids.extend_from_slice(&children);
                let len = children.len() as u32;
                if matches!(c, Cond::And(..)) {
                    Node::And { start, len }
                } else {
                    Node::Or { start, len }
                }
            }
        };
        self.nodes.push(node);
        (self.nodes.len() - 1) as NodeId
    }

    fn compile_roles(&mut self, policy: &Policy) {
        // parents before children (the model is acyclic)
        let n = policy.roles.len();
        let mut pending: Vec<usize> = policy.roles.iter().map(|r| r.parents.len()).collect();
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, r) in policy.roles.iter().enumerate() {
            for (p, _) in &r.parents {
                children[p.index()].push(i);
            }
        }
        let mut ready: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
        while let Some(r) = ready.pop() {
            self.role_closure.set(r, r);
            for site in &policy.roles[r].grants {
                self.role_rights.set(r, site.right.index());
            }
            for (p, _) in &policy.roles[r].parents {
                let anc = self.role_closure.row(p.index()).to_vec();
                bits::union_into(self.role_closure.row_mut(r), &anc);
                let rights = self.role_rights.row(p.index()).to_vec();
                bits::union_into(self.role_rights.row_mut(r), &rights);
            }
            for &c in &children[r] {
                pending[c] -= 1;
                if pending[c] == 0 {
                    ready.push(c);
                }
            }
        }
        for (ri, role) in policy.roles.iter().enumerate() {
            for site in &role.grants {
                if let Some(by) = self.granted_by.get_mut(site.right.index()) {
                    if by.last() != Some(&RoleId::from_index(ri)) {
                        by.push(RoleId::from_index(ri));
                    }
                }
            }
        }
        for (ri, role) in policy.roles.iter().enumerate() {
            for (k, rule) in role.assigns.iter().enumerate() {
                let (access, set) = match &rule.what {
                    Assignable::Roles(rs) => (
                        false,
                        rs.as_ref().map(|rs| {
                            let mut row = vec![0u64; self.assign_sets.stride()];
                            for r in rs {
                                bits::set(&mut row, r.index());
                            }
                            self.assign_sets.push(&row)
                        }),
                    ),
                    Assignable::Access(ls) => (
                        true,
                        ls.as_ref().map(|ls| {
                            let mut row = vec![0u64; self.assign_levels.stride()];
                            for l in ls {
                                bits::set(&mut row, l.index());
                            }
                            self.assign_levels.push(&row)
                        }),
                    ),
                };
                let on_resource = matches!(rule.scope, AssignsScope::OnResource(_));
                let cond = rule.scope.cond().map(|c| self.cond(c));
                self.assigns.push(AssignsIr {
                    from: RoleId::from_index(ri),
                    rule: k,
                    access,
                    set,
                    on_resource,
                    cond,
                });
            }
        }
    }

    /// The rights a role grants (inherited ones included), in id order.
    pub fn role_rights(&self, r: RoleId) -> impl Iterator<Item = RightId> + '_ {
        bits::ones(self.role_rights.row(r.index())).map(RightId::from_index)
    }

    /// Whether role `r` grants right `right` (itself or through an ancestor).
    pub fn role_grants(&self, r: RoleId, right: RightId) -> bool {
        self.role_rights.get(r.index(), right.index())
    }

    /// Whether role `r` is `ancestor` or inherits from it.
    pub fn role_inherits(&self, r: RoleId, ancestor: RoleId) -> bool {
        self.role_closure.get(r.index(), ancestor.index())
    }
}
