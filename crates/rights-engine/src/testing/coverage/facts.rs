//! Coverage from explanations: every fact the explanation of a decision
//! rests on (what `explain` shows) marks the item it names and the line its
//! site points to, so coverage never counts less than the explanation.

use super::{place, Coverage, Revoked, Site};
use crate::eval::explain::{AccessHow, Fact, Reason, RoleFact};
use crate::sema::model::RightId;
use crate::source::Span;

impl Coverage {
    /// Every fact of an explanation, and the facts it rests on.
    pub(super) fn explained(&mut self, reasons: &[Reason]) {
        let mut stack: Vec<&Reason> = reasons.iter().collect();
        while let Some(r) = stack.pop() {
            stack.extend(r.because.iter());
            self.fact(&r.fact, r.site);
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
    fn fact(&mut self, fact: &Fact, site: Option<Span>) {
        match *fact {
            Fact::Right { right, .. } => Self::seen(&mut self.rights, right.index()),
            Fact::GrantedByRole { role } => Self::seen(&mut self.roles, role.index()),
            Fact::Revoked { .. } => {
                if let Some(s) = site {
                    // the right itself does not matter: one revoke per site
                    self.revoke_seen(&s, Revoked::Right(RightId::from_index(0)));
                }
            }
            Fact::Denied { .. } => self.site_seen(site, |x| matches!(x, Site::Deny(_))),
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
                    self.site_seen(site, |x| matches!(x, Site::DefaultLine(_)));
                }
            }
            Fact::Access { level, how, .. } => match how {
                AccessHow::Group(g) => Self::seen(&mut self.groups, g.index()),
                AccessHow::RoleAccess(role) => {
                    Self::seen(&mut self.roles, role.index());
                    self.site_seen(site, |x| matches!(x, Site::RoleAccessLine(_)));
                }
                AccessHow::Revoked => {
                    if let Some(s) = site {
                        self.revoke_seen(&s, Revoked::Access(level));
                    }
                }
                AccessHow::Denied => self.site_seen(site, |x| matches!(x, Site::AccessDeny(_))),
                AccessHow::Inherited(_) | AccessHow::NotInherited(_) => {
                    if let Some(Some(seen)) = self.inherited.get_mut(level.index()) {
                        *seen = true;
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
            Fact::Same { attr, .. }
            | Fact::UserValue { attr, .. }
            | Fact::ResourceValue { attr, .. } => Self::seen(&mut self.attributes, attr.index()),
            Fact::Context { context, .. } => Self::seen(&mut self.contexts, context.index()),
            Fact::Action { action, .. } => Self::seen(&mut self.actions, action.index()),
            Fact::MayRun { report, .. } | Fact::Row { report, .. } => {
                Self::seen(&mut self.reports, report.index())
            }
            Fact::AssignRule { from, .. } => Self::seen(&mut self.roles, from.index()),
            _ => {}
        }
    }

    /// Marks the lines of the kind `which` written at `site` as exercised.
    fn site_seen(&mut self, site: Option<Span>, which: impl Fn(&Site) -> bool) {
        let Some(at) = site.and_then(|s| self.sites.get(&place(&s))) else {
            return;
        };
        let hits: Vec<Site> = at.iter().copied().filter(|x| which(x)).collect();
        for x in hits {
            match x {
                Site::Deny(i) => Self::seen(&mut self.denies, i),
                Site::AccessDeny(i) => Self::seen(&mut self.access_denies, i),
                Site::DefaultLine(i) => Self::seen(&mut self.default_lines, i),
                Site::RoleAccessLine(i) => {
                    if let Some(l) = self.role_access_lines.get_mut(i) {
                        l.seen = true;
                    }
                }
                Site::Revoke(_) => {}
            }
        }
    }
}
