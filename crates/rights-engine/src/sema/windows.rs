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

#[cfg(test)]
mod tests {
    use crate::sema::model::Day;
    use crate::source::FileId;
    use crate::syntax::parse_file;
    use std::sync::Arc;

    #[test]
    fn data_as_of_a_day_copies_only_users_with_windows() {
        let file = parse_file(
            FileId(0),
            "right r.a \"A\"\nrole x { grant r.a }\n\
             user a { roles x }\nuser b { roles x until 2026-01-31 }\n",
        )
        .unwrap();
        let (model, diags) = crate::sema::resolve(&file.items);
        assert!(diags.is_empty(), "{diags:?}");
        let data = &model.data;
        let then = data.as_of(Day::parse("2026-06-01").unwrap());
        assert!(Arc::ptr_eq(&data.users[0], &then.users[0]));
        assert!(!Arc::ptr_eq(&data.users[1], &then.users[1]));
        assert_eq!(then.users[1].roles, None);
        assert!(data.users[1].roles.is_some());
        assert!(Arc::ptr_eq(&data.user_ids, &then.user_ids));
    }
}
