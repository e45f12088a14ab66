//! The facts of version 3 (§9) as sentences: shared attribute values,
//! a user's or a resource's value, a context fact given or not.

use super::Words;
use crate::eval::explain::Fact;

impl Words<'_> {
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
                let name = |e: crate::sema::model::EventId| {
                    self.program.data.event(e).meta.name.clone()
                };
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
