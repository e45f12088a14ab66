//! Data as of a day (§9.3): the items whose window holds that day, as if
//! the others were not written. A program is compiled from data as of the
//! question's date, so nothing after `sema` reads a window to decide.

use super::model::*;
use crate::source::Span;

impl Data {
    /// Whether any user has an item with a window (else every date gives the
    /// same data).
    pub fn has_windows(&self) -> bool {
        self.users.iter().any(|u| !u.windows.is_empty())
    }

    /// The data as of `day`: each user's items outside their window left
    /// out. A user whose every listed role has ended lists none, and the
    /// default role applies.
    pub fn as_of(&self, day: Day) -> Data {
        let mut out = self.clone();
        for u in &mut out.users {
            if u.windows.is_empty() {
                continue;
            }
            // only a user with windows is copied; the others stay shared
            let u = std::sync::Arc::make_mut(u);
            let keep = |windows: &[ItemWindow], list: Windowed, span: Span| {
                super::asked::window_in(windows, list, span).is_none_or(|w| w.window.holds(day))
            };
            let w = std::mem::take(&mut u.windows);
            if let Some(roles) = &mut u.roles {
                let had = !roles.is_empty();
                roles.retain(|&(_, s)| keep(&w, Windowed::Roles, s));
                if had && roles.is_empty() {
                    u.roles = None;
                }
            }
            u.groups.retain(|&(_, s)| keep(&w, Windowed::Groups, s));
            u.grants.retain(|r| keep(&w, Windowed::Grants, r.span));
            u.revokes.retain(|r| keep(&w, Windowed::Revokes, r.span));
            u.access.retain(|&(_, _, s)| keep(&w, Windowed::Access, s));
            u.revoke_access
                .retain(|&(_, _, s)| keep(&w, Windowed::RevokeAccess, s));
            u.windows = w;
        }
        out
    }
}
