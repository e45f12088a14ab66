//! Conditions as English sentences: "the user has role `admin` and has flag
//! `override`". Hover texts, generated documentation and explanations word a
//! condition through here.

use super::pieces::Labelled;
use super::Words;
use crate::sema::model::*;

/// A declared name as conditions write it, its label after it:
/// `analytics_access` (Analytics Access).
pub(super) fn labelled(m: &Meta) -> String {
    Labelled(m).to_string()
}

impl Words<'_> {
    /// A flag as conditions name it: `analytics_access` (Analytics Access),
    /// as rights are.
    fn flag_words(&self, f: FlagId) -> String {
        labelled(&self.program.policy.flag(f).meta)
    }

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
                Cond::Flag(f, _) => format!("the user lacks flag {}", self.flag_words(*f)),
                Cond::Tag(t, _) => {
                    format!("the resource is not tagged {}", labelled(&p.tag(*t).meta))
                }
                Cond::Group(g, _) => format!("the user is not in group `{}`", self.group(*g)),
                Cond::Can(a, _) => format!("the user may not `{}`", p.action(*a).meta.name),
                Cond::Access(l, _) => format!(
                    "the user lacks access {} on the resource",
                    labelled(&p.access_level(*l).meta)
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
            Cond::Flag(f, _) => format!("the user has flag {}", self.flag_words(*f)),
            Cond::Access(l, _) => format!(
                "the user has access {} on the resource",
                labelled(&p.access_level(*l).meta)
            ),
            Cond::Can(a, _) => format!("the user may `{}`", p.action(*a).meta.name),
            Cond::Group(g, _) => format!("the user is in group `{}`", self.group(*g)),
            Cond::Tag(t, _) => format!("the resource is tagged {}", labelled(&p.tag(*t).meta)),
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

    /// The actions and reports whose conditions read a right, each with
    /// what the right is to it (from the condition's structure).
    pub fn needed_by(&self, id: RightId) -> Vec<(Used, RightPart)> {
        let p = &self.program.policy;
        let mut out = Vec::new();
        for a in (0..p.actions.len()).map(ActionId::from_index) {
            if let Some(part) = right_part(&p.action(a).when, id) {
                out.push((Used::Action(a), part));
            }
        }
        for r in (0..p.reports.len()).map(ReportId::from_index) {
            let rep = p.report(r);
            // whether the report may be run is its `requires`; which rows
            // and details it shows are only part of its conditions
            let part = right_part(&rep.requires, id).or_else(|| {
                rep.rows_where
                    .iter()
                    .chain(rep.details_when.iter())
                    .find_map(|c| right_part(c, id))
                    .map(|_| RightPart::Counts)
            });
            if let Some(part) = part {
                out.push((Used::Report(r), part));
            }
        }
        out
    }
}

/// What reads a right: an action's condition or a report's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Used {
    Action(ActionId),
    Report(ReportId),
}

/// What a right is to a condition that reads it, from the condition's
/// structure: the words "needed for", "enough for", "prevents" are true of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RightPart {
    /// Reached from the top through `and`s alone: without it, no.
    Needed,
    /// Reached through `or`s alone: with it, yes.
    Enough,
    /// Under a `not`: holding it can make the answer no.
    Prevents,
    /// Part of the condition in some other way.
    Counts,
}

impl RightPart {
    /// The words before the list of what reads the right.
    pub fn words(self) -> &'static str {
        match self {
            RightPart::Needed => "Needed for: ",
            RightPart::Enough => "Enough for: ",
            RightPart::Prevents => "Holding it prevents: ",
            RightPart::Counts => "Part of the conditions of: ",
        }
    }
}

/// What right `r` is to condition `c`, if `c` reads it (the strongest reading
/// of its occurrences, in `RightPart`'s order).
pub fn right_part(c: &Cond, r: RightId) -> Option<RightPart> {
    // (node, under a `not`, only `and`s above, only `or`s above)
    let mut stack = vec![(c, false, true, true)];
    let mut best: Option<RightPart> = None;
    while let Some((c, negated, ands, ors)) = stack.pop() {
        match c {
            Cond::And(xs, _) => stack.extend(xs.iter().map(|x| (x, negated, ands, false))),
            Cond::Or(xs, _) => stack.extend(xs.iter().map(|x| (x, negated, false, ors))),
            Cond::Not(x, _) => stack.push((x, !negated, false, false)),
            Cond::Right(x, _) if *x == r => {
                let part = match (negated, ands, ors) {
                    (true, _, _) => RightPart::Prevents,
                    (false, true, _) => RightPart::Needed,
                    (false, false, true) => RightPart::Enough,
                    (false, false, false) => RightPart::Counts,
                };
                best = Some(best.map_or(part, |b| b.min(part)));
            }
            _ => {}
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn sp() -> Span {
        Span::new(crate::source::FileId(0), 0, 0)
    }

    #[test]
    fn what_a_right_is_to_a_condition_follows_its_structure() {
        let (x, y) = (RightId(0), RightId(1));
        let rx = || Cond::Right(x, sp());
        let ry = || Cond::Right(y, sp());
        let and = |a, b| Cond::And(vec![a, b], sp());
        let or = |a, b| Cond::Or(vec![a, b], sp());
        let not = |a| Cond::Not(Box::new(a), sp());
        assert_eq!(right_part(&and(rx(), ry()), x), Some(RightPart::Needed));
        assert_eq!(right_part(&or(rx(), ry()), x), Some(RightPart::Enough));
        assert_eq!(
            right_part(&and(ry(), not(rx())), x),
            Some(RightPart::Prevents)
        );
        assert_eq!(
            right_part(&or(and(rx(), ry()), ry()), x),
            Some(RightPart::Counts)
        );
        assert_eq!(right_part(&rx(), x), Some(RightPart::Needed));
        assert_eq!(right_part(&ry(), x), None);
        // not not x: needed no more (a `not` above), but not prevented
        assert_eq!(right_part(&not(not(rx())), x), Some(RightPart::Counts));
    }
}
