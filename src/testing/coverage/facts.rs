//! Coverage from explanations: every fact the explanation of a decision
//! rests on (what `explain` shows) marks the item it names and the line its
//! site points to, so coverage never counts less than the explanation.

use super::{Coverage, Revoked};
use crate::eval::explain::{AccessHow, Fact, Reason, RoleFact};
use crate::ir::Program;
use crate::source::Span;

impl Coverage {
    /// Every fact of an explanation, and the facts it rests on.
    pub(super) fn explained(&mut self, program: &Program, reasons: &[Reason]) {
        let mut stack: Vec<&Reason> = reasons.iter().collect();
        while let Some(r) = stack.pop() {
            stack.extend(r.because.iter());
            self.fact(program, &r.fact, r.site);
        }
    }

    fn seen(v: &mut [bool], i: usize) {
        if let Some(x) = v.get_mut(i) {
            *x = true;
        }
    }

    /// One fact of an explanation: the item it names, and the line its
    /// site points to (a revoke, a deny, a default-role line, an `access
    /// for role` line).
    fn fact(&mut self, program: &Program, fact: &Fact, site: Option<Span>) {
        let same = |a: &Span| site.is_some_and(|s| s.same_place(a));
        match *fact {
            Fact::Right { right, .. } => Self::seen(&mut self.rights, right.index()),
            Fact::GrantedByRole { role } => Self::seen(&mut self.roles, role.index()),
            Fact::Revoked { .. } => {
                for x in self.revokes.iter_mut() {
                    if same(&x.span) && matches!(x.what, Revoked::Right(_)) {
                        x.seen = true;
                    }
                }
            }
            Fact::Denied { .. } => {
                for (i, d) in program.policy.denies.iter().enumerate() {
                    if same(&d.span) {
                        Self::seen(&mut self.denies, i);
                    }
                }
            }
            Fact::Role { role, how, .. } => {
                Self::seen(&mut self.roles, role.index());
                match how {
                    RoleFact::InheritedFrom(r) | RoleFact::DefaultInherited(r) => {
                        Self::seen(&mut self.roles, r.index())
                    }
                    RoleFact::FromGroup(g) => Self::seen(&mut self.groups, g.index()),
                    _ => {}
                }
                if matches!(how, RoleFact::Default | RoleFact::DefaultInherited(_)) {
                    for (i, line) in program.policy.default_roles.iter().enumerate() {
                        if same(&line.span) {
                            Self::seen(&mut self.default_lines, i);
                        }
                    }
                }
            }
            Fact::Access { level, how, .. } => match how {
                AccessHow::Group(g) => Self::seen(&mut self.groups, g.index()),
                AccessHow::RoleAccess(role) => {
                    Self::seen(&mut self.roles, role.index());
                    for x in self.role_access_lines.iter_mut() {
                        if same(&x.span) {
                            x.seen = true;
                        }
                    }
                }
                AccessHow::Revoked => {
                    for x in self.revokes.iter_mut() {
                        if same(&x.span) && x.what == Revoked::Access(level) {
                            x.seen = true;
                        }
                    }
                }
                AccessHow::Denied => {
                    for (i, d) in program.policy.access_denies.iter().enumerate() {
                        if same(&d.span) {
                            Self::seen(&mut self.access_denies, i);
                        }
                    }
                }
                AccessHow::Data | AccessHow::AlsoWhen | AccessHow::Missing => {}
            },
            Fact::Member { group, via, .. } => {
                Self::seen(&mut self.groups, group.index());
                if let Some(v) = via {
                    Self::seen(&mut self.groups, v.index());
                }
            }
            Fact::Tag { tag, .. } => Self::seen(&mut self.tags, tag.index()),
            Fact::Action { action, .. } => Self::seen(&mut self.actions, action.index()),
            Fact::MayRun { report, .. } | Fact::Row { report, .. } => {
                Self::seen(&mut self.reports, report.index())
            }
            Fact::AssignRule { from, .. } => Self::seen(&mut self.roles, from.index()),
            _ => {}
        }
    }
}
