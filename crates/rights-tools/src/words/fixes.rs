//! Fixes in words: "grant access `run_reports` on `resource_m` to jane".

use super::*;

impl Words<'_> {
    /// A change in words: "grant access `run_reports` on `resource_m` to jane".
    pub fn fix(&self, u: UserId, fix: Fix) -> String {
        let p = &self.program.policy;
        let user = self.user(u);
        match fix {
            Fix::GrantRight(r) => format!("grant right `{}` to {user}", p.right(r).meta.name),
            Fix::AssignRole(r) => match self.program.role_origin(u) {
                RoleOrigin::Default(i) if i < p.default_roles.len() => format!(
                    "assign role {} to {user}, keeping the default role {}",
                    self.role(r),
                    self.role(p.default_roles[i].role)
                ),
                _ => format!("assign role {} to {user}", self.role(r)),
            },
            Fix::SetFlag(f) => format!("set flag `{}` for {user}", p.flag(f).meta.name),
            Fix::GrantAccess(l, r) => format!(
                "grant access `{}` on `{}` to {user}",
                p.access_level(l).meta.name,
                self.resource_name(r)
            ),
            Fix::RemoveGrant(r) => format!(
                "take the direct grant of `{}` from {user}",
                p.right(r).meta.name
            ),
            Fix::RemoveRevoke(r) => format!(
                "remove the revoke of `{}` from {user}",
                p.right(r).meta.name
            ),
            Fix::RemoveRole(r) => match self.program.role_origin(u) {
                RoleOrigin::Default(i) if p.default_roles.get(i).is_some_and(|l| l.role == r) => {
                    format!(
                        "list {user}'s roles without the default role {}",
                        self.role(r)
                    )
                }
                _ => format!("take role {} from {user}", self.role(r)),
            },
            Fix::ClearFlag(f) => format!("clear flag `{}` for {user}", p.flag(f).meta.name),
            Fix::RemoveAccess(l, r) => format!(
                "take access `{}` on `{}` from {user}",
                p.access_level(l).meta.name,
                self.resource_name(r)
            ),
            Fix::AddToGroup(g) => format!("add {user} to group `{}`", self.group(g)),
            Fix::RemoveFromGroup(g) => format!("take {user} out of group `{}`", self.group(g)),
            Fix::RemoveAccessRevoke(l, r) => format!(
                "remove the revoke of access `{}` on `{}` from {user}",
                p.access_level(l).meta.name,
                self.resource_name(r)
            ),
            Fix::TagResource(t, r) => format!(
                "tag `{}` with `{}`",
                self.resource_name(r),
                p.tag(t).meta.name
            ),
            Fix::UntagResource(t, r) => format!(
                "remove tag `{}` from `{}`",
                p.tag(t).meta.name,
                self.resource_name(r)
            ),
        }
    }

    /// One alternative: its changes joined by ", and ".
    pub fn alternative(&self, u: UserId, alt: &[Fix]) -> String {
        alt.iter()
            .map(|&f| self.fix(u, f))
            .collect::<Vec<_>>()
            .join(", and ")
    }
}
