//! Conditions as English sentences: "the user has role `admin` and has flag
//! `override`". Hover texts, generated documentation and explanations word a
//! condition through here.

use super::Words;
use crate::sema::model::*;

impl Words<'_> {
    /// A condition in words, about "the user" (and "the resource" for tags
    /// and access levels).
    pub fn condition(&self, c: &Cond) -> String {
        self.cond_in(c, false)
    }

    fn cond_in(&self, c: &Cond, nested: bool) -> String {
        let p = &self.program.policy;
        let join = |xs: &[Cond], word: &str| {
            let parts: Vec<String> = xs.iter().map(|x| self.cond_in(x, true)).collect();
            let s = parts.join(&format!(" {word} "));
            if nested && xs.len() > 1 {
                format!("({s})")
            } else {
                s
            }
        };
        match c {
            Cond::Or(xs, _) => join(xs, "or"),
            Cond::And(xs, _) => join(xs, "and"),
            Cond::Not(x, _) => match &**x {
                Cond::Right(r, _) => format!("the user lacks right {}", self.right(*r)),
                Cond::Role(r, _) => format!("the user lacks role {}", self.role(*r)),
                Cond::Flag(f, _) => format!("the user lacks flag `{}`", p.flag(*f).meta.name),
                Cond::Tag(t, _) => format!("the resource is not tagged `{}`", p.tag(*t).meta.name),
                Cond::Group(g, _) => format!("the user is not in group `{}`", self.group(*g)),
                Cond::Can(a, _) => format!("the user may not `{}`", p.action(*a).meta.name),
                Cond::Access(l, _) => format!(
                    "the user lacks access `{}` on the resource",
                    p.access_level(*l).meta.name
                ),
                Cond::Context(c, _) => format!(
                    "the question is asked without `{}`",
                    p.context(*c).meta.name
                ),
                other => format!("not {}", self.cond_in(other, true)),
            },
            Cond::Const(true, _) => "always".into(),
            Cond::Const(false, _) => "never".into(),
            Cond::Right(r, _) => format!("the user has right {}", self.right(*r)),
            Cond::Role(r, _) => format!("the user has role {}", self.role(*r)),
            Cond::Flag(f, _) => format!("the user has flag `{}`", p.flag(*f).meta.name),
            Cond::Access(l, _) => format!(
                "the user has access `{}` on the resource",
                p.access_level(*l).meta.name
            ),
            Cond::Can(a, _) => format!("the user may `{}`", p.action(*a).meta.name),
            Cond::Group(g, _) => format!("the user is in group `{}`", self.group(*g)),
            Cond::Tag(t, _) => format!("the resource is tagged `{}`", p.tag(*t).meta.name),
            Cond::Same(a, _) => format!(
                "the user and the resource share a `{}` value",
                p.attribute(*a).meta.name
            ),
            Cond::UserAttr(a, v, _) => format!(
                "the user's `{}` is {:?}",
                p.attribute(*a).meta.name,
                p.value(*v)
            ),
            Cond::ResourceAttr(a, v, _) => format!(
                "the resource's `{}` is {:?}",
                p.attribute(*a).meta.name,
                p.value(*v)
            ),
            Cond::Context(c, _) => {
                format!("the question is asked with `{}`", p.context(*c).meta.name)
            }
        }
    }
}

impl Words<'_> {
    /// "always", or "when CONDITION" (a deny's or a rule's `when`).
    pub fn when(&self, c: Option<&Cond>) -> String {
        c.map_or("always".to_string(), |c| {
            format!("when {}", self.condition(c))
        })
    }

    /// The actions and reports whose conditions read a right.
    pub fn needed_by(&self, id: RightId) -> (Vec<ActionId>, Vec<ReportId>) {
        let p = &self.program.policy;
        let uses = |c: &Cond| mentions_right(c, id);
        let actions = (0..p.actions.len())
            .map(ActionId::from_index)
            .filter(|&a| uses(&p.action(a).when))
            .collect();
        let reports = (0..p.reports.len())
            .map(ReportId::from_index)
            .filter(|&r| {
                let r = p.report(r);
                uses(&r.requires)
                    || r.rows_where.as_ref().is_some_and(uses)
                    || r.details_when.as_ref().is_some_and(uses)
            })
            .collect();
        (actions, reports)
    }
}

/// Whether a condition reads a right.
fn mentions_right(c: &Cond, r: RightId) -> bool {
    match c {
        Cond::Or(xs, _) | Cond::And(xs, _) => xs.iter().any(|x| mentions_right(x, r)),
        Cond::Not(x, _) => mentions_right(x, r),
        Cond::Right(x, _) => *x == r,
        _ => false,
    }
}
