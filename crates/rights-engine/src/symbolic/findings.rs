//! What holds for every possible user of one policy: each finding is a
//! proof over all values of every fact (roles listed, flags, groups,
//! direct grants and revokes; on a resource, access, revokes, tags and the
//! access its data gives to roles and groups), not a pattern match.

use super::{Limit, Symbolic, R};
use crate::sema::model::*;
use biodivine_lib_bdd::Bdd;

/// One thing proved about a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// No user could ever hold the right (a deny always takes it away),
    /// unless a deny without `when` retires it on purpose.
    RightNeverHeld {
        right: RightId,
    },
    /// No user could ever be allowed the action (on any resource).
    ActionNeverAllowed {
        action: ActionId,
    },
    /// No user could ever run the report.
    ReportNeverRun {
        report: ReportId,
    },
    /// Whoever runs the report, it never has a row.
    ReportNeverRows {
        report: ReportId,
    },
    /// Every row of the report is name-only, for everyone (`details when`
    /// never holds where there is a row).
    DetailsNever {
        report: ReportId,
    },
    /// Every row of the report is in full, for everyone: its `details when`
    /// changes nothing.
    DetailsAlways {
        report: ReportId,
    },
    /// The deny's condition never holds: it removes nothing from anyone.
    DenyNever {
        deny: usize,
    },
    /// The deny's condition always holds: it is a deny without `when`.
    DenyAlways {
        deny: usize,
    },
    /// The same for `deny access`.
    AccessDenyNever {
        deny: usize,
    },
    AccessDenyAlways {
        deny: usize,
    },
    /// The default-role line is never the one chosen: its condition never
    /// holds, or earlier lines always hold when it does (`earlier`: one
    /// earlier line that alone does, if one does).
    DefaultLineNever {
        line: usize,
        never_holds: bool,
        earlier: Option<usize>,
    },
    /// A role's own grant of a right (named exactly, not through a pattern;
    /// the right not retired by a deny without `when`) that a deny removes
    /// from every holder of the role: `deny` is one deny that applies to
    /// them all, when one does.
    GrantAlwaysDenied {
        role: RoleId,
        right: RightId,
        deny: Option<usize>,
    },
    /// Two roles grant exactly the same rights (inherited ones included).
    IdenticalRoles {
        first: RoleId,
        second: RoleId,
    },
}

impl Symbolic {
    /// Everything this module can prove about the policy, in declaration
    /// order of kind: rights, actions, reports, denies, access denies,
    /// default lines, grants, roles.
    pub fn findings(&self) -> Result<Vec<Finding>, Limit> {
        let mut out = Vec::new();
        let p = &self.policy;
        for r in (0..p.rights.len()).map(RightId::from_index) {
            if self.right(r)?.is_false() && !self.retired(r) {
                out.push(Finding::RightNeverHeld { right: r });
            }
        }
        // on a resource: on every profile the data's resources have
        let profiles = 0..self.universe.profiles.len();
        for a in (0..p.actions.len()).map(ActionId::from_index) {
            let mut never = true;
            for prof in profiles.clone() {
                never &= self.action(a, Some(prof))?.is_false();
            }
            if never {
                out.push(Finding::ActionNeverAllowed { action: a });
            }
        }
        for rep in (0..p.reports.len()).map(ReportId::from_index) {
            let run = self.report_requires(rep)?;
            if run.is_false() {
                out.push(Finding::ReportNeverRun { report: rep });
                continue;
            }
            let (mut no_rows, mut never, mut always) = (true, true, true);
            for prof in profiles.clone() {
                let row = self.and(&run, &self.report_where(rep, prof)?)?;
                no_rows &= row.is_false();
                let details = self.report_details(rep, prof)?;
                never &= self.and(&row, &details)?.is_false();
                always &= self.and_not(&row, &details)?.is_false();
            }
            let details = self.code.report_details.get(rep.index());
            let has_details = details.copied().flatten().is_some();
            if no_rows {
                out.push(Finding::ReportNeverRows { report: rep });
            } else if has_details && never {
                out.push(Finding::DetailsNever { report: rep });
            } else if has_details && always {
                out.push(Finding::DetailsAlways { report: rep });
            }
        }
        for d in 0..p.denies.len() {
            if self.code.deny_cond.get(d).copied().flatten().is_none() {
                continue;
            }
            match constant(self.deny_applies(d))? {
                Some(false) => out.push(Finding::DenyNever { deny: d }),
                Some(true) => out.push(Finding::DenyAlways { deny: d }),
                None => {}
            }
        }
        for d in 0..p.access_denies.len() {
            if self
                .code
                .access_deny_cond
                .get(d)
                .copied()
                .flatten()
                .is_none()
            {
                continue;
            }
            let (mut never, mut always) = (true, true);
            for prof in profiles.clone() {
                match constant(self.access_deny_applies(d, prof))? {
                    Some(false) => always = false,
                    Some(true) => never = false,
                    None => (never, always) = (false, false),
                }
            }
            if never {
                out.push(Finding::AccessDenyNever { deny: d });
            } else if always {
                out.push(Finding::AccessDenyAlways { deny: d });
            }
        }
        for line in 0..self.code.default_cond.len() {
            if self.default_line(line)?.is_false() {
                let own = match self.code.default_cond.get(line) {
                    Some(&c) => self.node(c, None)?,
                    None => self.f(),
                };
                let mut earlier = None;
                if !own.is_false() {
                    for j in 0..line {
                        let before = match self.code.default_cond.get(j) {
                            Some(&c) => self.node(c, None)?,
                            None => self.f(),
                        };
                        if self.and_not(&own, &before)?.is_false() {
                            earlier = Some(j);
                            break;
                        }
                    }
                }
                out.push(Finding::DefaultLineNever {
                    line,
                    never_holds: own.is_false(),
                    earlier,
                });
            }
        }
        out.extend(self.grants_always_denied()?);
        out.extend(self.identical_roles());
        Ok(out)
    }

    /// Each role's own grants that a deny removes from every holder of it.
    /// Whether a `deny` without `when` removes the right from everyone: a
    /// right deliberately retired, which the findings leave alone.
    pub fn retired(&self, r: RightId) -> bool {
        self.policy
            .denies
            .iter()
            .any(|d| d.when.is_none() && d.rights.iter().any(|s| s.right == r))
    }

    pub fn grants_always_denied(&self) -> Result<Vec<Finding>, Limit> {
        let mut out = Vec::new();
        for (ri, role) in self.policy.roles.iter().enumerate() {
            let y = RoleId::from_index(ri);
            let has = self.has_role(y)?;
            // the role's own grants: a pattern (`report.*`) that happens to
            // cover a right a deny takes is the pattern's carve-out, and a
            // retired right is retired on purpose
            for site in role.grants.iter().filter(|s| s.exact) {
                let r = site.right;
                if self.retired(r) {
                    continue;
                }
                let covering: Vec<usize> = (0..self.code.deny_cond.len())
                    .filter(|&d| self.code.deny_rights.get(d, r.index()))
                    .collect();
                if covering.is_empty() {
                    continue;
                }
                let mut denied = self.f();
                for &d in &covering {
                    denied = self.or(&denied, &self.deny_applies(d)?)?;
                }
                if self.and_not(&has, &denied)?.is_false() {
                    // name one deny that alone covers every holder, if one does
                    let mut one = None;
                    for &d in &covering {
                        if self.and_not(&has, &self.deny_applies(d)?)?.is_false() {
                            one = Some(d);
                            break;
                        }
                    }
                    let finding = Finding::GrantAlwaysDenied {
                        role: y,
                        right: r,
                        deny: one,
                    };
                    if !out.contains(&finding) {
                        out.push(finding);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Pairs of roles that are interchangeable: the same rights (inherited
    /// ones included, not none), neither extending the other, neither with
    /// `assigns`, neither named by a condition, an `access for role`, an
    /// `assigns` list, a default-role line or a group's `roles` (a role that
    /// differs in those is deliberate); each role paired with the first one
    /// like it.
    pub fn identical_roles(&self) -> Vec<Finding> {
        let n = self.policy.roles.len();
        let rights = &self.code.role_rights;
        let mut distinct = vec![false; n];
        for node in &self.code.nodes {
            if let crate::ir::Node::Role(y) = node {
                if let Some(d) = distinct.get_mut(y.index()) {
                    *d = true;
                }
            }
        }
        for res in &self.data.resources {
            for (y, _, _) in &res.role_access {
                if let Some(d) = distinct.get_mut(y.index()) {
                    *d = true;
                }
            }
        }
        for (i, role) in self.policy.roles.iter().enumerate() {
            if !role.assigns.is_empty() {
                distinct[i] = true;
            }
        }
        // named by an `assigns` list, a default-role line or a group
        let mut mark = |y: usize| {
            if let Some(d) = distinct.get_mut(y) {
                *d = true;
            }
        };
        for a in &self.code.assigns {
            if let (false, Some(row)) = (a.access, a.set) {
                for y in crate::ir::bits::ones(self.code.assign_sets.row(row)) {
                    mark(y);
                }
            }
        }
        for y in &self.code.default_role {
            mark(y.index());
        }
        for g in 0..self.shared.group_roles.rows() {
            for y in crate::ir::bits::ones(self.shared.group_roles.row(g)) {
                mark(y);
            }
        }
        // roles by their rights row: the first role with each row, and which
        // roles have it (a hash, not every pair: 20,000 roles stay quick)
        let mut first_with: rustc_hash::FxHashMap<&[u64], Vec<usize>> = Default::default();
        let mut out = Vec::new();
        for (second, &deliberate) in distinct.iter().enumerate() {
            if deliberate || rights.row(second).iter().all(|&w| w == 0) {
                continue;
            }
            let same = first_with.entry(rights.row(second)).or_default();
            let related = |f: usize| {
                self.code.role_closure.get(f, second) || self.code.role_closure.get(second, f)
            };
            if let Some(&first) = same.iter().find(|&&f| !related(f)) {
                out.push(Finding::IdenticalRoles {
                    first: RoleId::from_index(first),
                    second: RoleId::from_index(second),
                });
            }
            same.push(second);
        }
        out
    }
}

/// `Some(b)` when the function is the constant `b`.
fn constant(f: R) -> Result<Option<bool>, Limit> {
    let f: Bdd = f?;
    Ok(f.as_bool())
}
