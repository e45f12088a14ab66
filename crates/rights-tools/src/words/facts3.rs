//! The facts of version 3 (§9) as sentences: shared attribute values,
//! a user's or a resource's value, a context fact given or not.

use super::Words;
use crate::eval::explain::Fact;

impl Words<'_> {
    /// The window of the item of `list` in user `u`'s data written at
    /// `span`, if it has one (`User::window_of`).
    pub fn item_window(
        &self,
        u: crate::sema::model::UserId,
        list: crate::sema::model::Windowed,
        span: crate::source::Span,
    ) -> Option<crate::sema::model::Window> {
        let user = self.program.data.users.get(u.index())?;
        user.window_of(list, span).map(|w| w.window)
    }

    /// The window of the user's data item a fact rests on (§9.3): "until
    /// 2026-12-31" for one in force; for a fact that does not hold, an item
    /// that would make it hold but has ended or not begun: "li's listing of
    /// it ended 2026-12-31".
    pub(super) fn window_note(&self, f: &Fact) -> Option<String> {
        use crate::eval::explain::{AccessHow, RoleFact};
        use crate::sema::model::{Window, Windowed};
        if !self.program.dated() {
            return None;
        }
        let day = self.program.day();
        let undated = self.program.undated_data();
        let ended = |w: &Window| match (w.from, w.until) {
            (_, Some(u)) if u < day => format!("its window ended {u}"),
            (Some(f), _) if day < f => format!("its window begins {f}"),
            _ => w.words(),
        };
        let find =
            |u: crate::sema::model::UserId, list: Windowed, span: Option<crate::source::Span>| {
                let user = undated.users.get(u.index())?;
                let w = user.window_of(list, span?)?;
                Some(w.window)
            };
        match *f {
            Fact::Role { user, role, how } => {
                let entry = undated
                    .users
                    .get(user.index())?
                    .roles
                    .as_ref()?
                    .iter()
                    .find(|(r, _)| *r == role)
                    .map(|(_, s)| *s);
                let w = find(user, Windowed::Roles, entry)?;
                match how {
                    RoleFact::Listed => Some(w.words()),
                    RoleFact::Missing => Some(format!("listed for them, but {}", ended(&w))),
                    _ => None,
                }
            }
            Fact::Access {
                user,
                resource,
                level,
                how,
            } => {
                let entry = undated
                    .users
                    .get(user.index())?
                    .access
                    .iter()
                    .find(|(r, l, _)| *r == resource && *l == level)
                    .map(|(_, _, s)| *s);
                let w = find(user, Windowed::Access, entry)?;
                match how {
                    AccessHow::Data => Some(w.words()),
                    AccessHow::Missing => Some(format!("granted in the data, but {}", ended(&w))),
                    _ => None,
                }
            }
            Fact::Member {
                user,
                group,
                via: None,
                member,
            } => {
                let entry = undated
                    .users
                    .get(user.index())?
                    .groups
                    .iter()
                    .find(|(g, _)| *g == group)
                    .map(|(_, s)| *s);
                let w = find(user, Windowed::Groups, entry)?;
                Some(if member {
                    w.words()
                } else {
                    format!("listed for them, but {}", ended(&w))
                })
            }
            _ => None,
        }
    }

    /// A version-3 fact as a sentence (other facts: see `Words::fact`).
    pub(super) fn fact_v3(&self, f: &Fact) -> String {
        let p = &self.program.policy;
        match *f {
            Fact::Same {
                user,
                resource,
                attr,
                holds,
            } => {
                let a = &p.attribute(attr).meta.name;
                let r = self.resource_name(resource);
                let shared = self.program.shared_values(user, resource, attr);
                if holds {
                    let vs: Vec<String> = shared.iter().map(|v| format!("{v:?}")).collect();
                    format!(
                        "{} and `{r}` share `{a}` {}",
                        self.user(user),
                        vs.join(", ")
                    )
                } else {
                    let of = |vs: &[String]| {
                        if vs.is_empty() {
                            "none".to_string()
                        } else {
                            vs.iter()
                                .map(|v| format!("{v:?}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    };
                    format!(
                        "{} and `{r}` share no `{a}` value ({}: {}; `{r}`: {})",
                        self.user(user),
                        self.user(user),
                        of(self.program.data.users[user.index()].attribute(attr)),
                        of(self.program.data.resources[resource.index()].attribute(attr)),
                    )
                }
            }
            Fact::UserValue {
                user,
                attr,
                value,
                has,
            } => format!(
                "{}'s `{}` {} {:?}",
                self.user(user),
                p.attribute(attr).meta.name,
                if has { "is" } else { "is not" },
                p.value(value)
            ),
            Fact::ResourceValue {
                resource,
                attr,
                value,
                has,
            } => format!(
                "`{}`'s `{}` {} {:?}",
                self.resource_name(resource),
                p.attribute(attr).meta.name,
                if has { "is" } else { "is not" },
                p.value(value)
            ),
            Fact::Context { context, given } => format!(
                "the question is asked {} `{}`",
                if given { "with" } else { "without" },
                p.context(context).meta.name
            ),
            Fact::InEvent {
                resource,
                report,
                event,
                asked,
            } => {
                let r = self.resource_name(resource);
                let rep = &p.report(report).meta.name;
                let name =
                    |e: crate::sema::model::EventId| self.program.data.event(e).meta.name.clone();
                match (event, asked) {
                    (Some(e), _) => format!("`{r}` is a resource of event `{}`", name(e)),
                    (None, Some(e)) => format!(
                        "`{r}` is not a resource of event `{}`, and report `{rep}` lists the resources of the event it is run for",
                        name(e)
                    ),
                    (None, None) => format!(
                        "`{r}` is in no event, and report `{rep}` lists the resources of an event"
                    ),
                }
            }
            _ => String::new(),
        }
    }
}
