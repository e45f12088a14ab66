//! Resolving queries (§5) and test expectations against a policy and its data.
//!
//! The core works on plain names ([`NameRef`]), so the library API, which
//! asks with strings, resolves exactly as a typed query does, with the same
//! errors; the AST forms are converted to it. A successful resolution hashes a
//! few names and allocates nothing.

use super::model::*;
use super::names::{unknown, unknown_data, Kind, NameRef};
use crate::diag::{Code, Diagnostic};
use crate::syntax::ast;

type Res<T> = Result<T, Vec<Diagnostic>>;

/// What a `can` question asks about, by name.
#[derive(Clone, Copy, Debug)]
pub enum TargetNames<'a> {
    /// `run REPORT`
    Run { report: NameRef<'a> },
    /// `assign ROLE to USER`
    Assign { role: NameRef<'a>, to: NameRef<'a> },
    /// `NAME`: an action or a right (an action if both could be meant).
    Named { name: NameRef<'a> },
    /// `access LEVEL` (on a resource, §8.6).
    Access { level: NameRef<'a> },
    /// `assign access LEVEL to USER` (on a resource, §8.5).
    AssignAccess { level: NameRef<'a>, to: NameRef<'a> },
}

/// One look-up's result: the error is boxed, so that the common case (found)
/// moves a few bytes, not a whole diagnostic.
type One<T> = Result<T, Box<Diagnostic>>;

// The look-ups are small and inlined; building an error is kept out of the
// way (`#[cold]`), so asking by name costs the hash look-ups and little else.

#[inline]
fn user(data: &Data, n: NameRef) -> One<UserId> {
    match data.user_ids.get(n.text) {
        Some(&id) => Ok(id),
        None => Err(missing_data(data, Kind::User, n)),
    }
}

#[inline]
fn resource(data: &Data, n: NameRef) -> One<ResourceId> {
    match data.resource_ids.get(n.text) {
        Some(&id) => Ok(id),
        None => Err(missing_data(data, Kind::Resource, n)),
    }
}

#[inline]
fn report(policy: &Policy, n: NameRef) -> One<ReportId> {
    match policy.names.reports.get(n.text) {
        Some(&id) => Ok(id),
        None => Err(missing(policy, Kind::Report, n)),
    }
}

#[cold]
#[inline(never)]
fn missing_data(data: &Data, kind: Kind, n: NameRef) -> Box<Diagnostic> {
    Box::new(unknown_data(data, kind, n))
}

#[cold]
#[inline(never)]
fn missing(policy: &Policy, kind: Kind, n: NameRef) -> Box<Diagnostic> {
    Box::new(unknown(policy, kind, n))
}

/// Collects the errors of several independent look-ups.
#[inline]
fn all<A, B>(a: One<A>, b: One<B>) -> Res<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => Err(a.err().into_iter().chain(b.err()).map(|d| *d).collect()),
    }
}

#[inline]
fn opt<'a, T>(n: Option<NameRef<'a>>, f: impl FnOnce(NameRef<'a>) -> One<T>) -> One<Option<T>> {
    n.map(f).transpose()
}

fn target_names(t: &ast::CanTarget) -> (TargetNames<'_>, Option<NameRef<'_>>) {
    match t {
        ast::CanTarget::Run { report, on, .. } => (
            TargetNames::Run {
                report: report.into(),
            },
            on.as_ref().map(NameRef::from),
        ),
        ast::CanTarget::Assign { role, to, on } => (
            TargetNames::Assign {
                role: role.into(),
                to: to.into(),
            },
            on.as_ref().map(NameRef::from),
        ),
        ast::CanTarget::Named { name, on } => (
            TargetNames::Named { name: name.into() },
            on.as_ref().map(NameRef::from),
        ),
        ast::CanTarget::Access { level, on } => (
            TargetNames::Access {
                level: level.into(),
            },
            on.as_ref().map(NameRef::from),
        ),
        ast::CanTarget::AssignAccess { level, to, on } => (
            TargetNames::AssignAccess {
                level: level.into(),
                to: to.into(),
            },
            on.as_ref().map(NameRef::from),
        ),
    }
}

/// Resolves `can USER …` as written.
#[inline]
pub fn resolve_can(policy: &Policy, data: &Data, q: &ast::CanQuery) -> Res<CanQ> {
    let (t, on) = target_names(&q.target);
    let mut c = resolve_can_names(policy, data, (&q.user).into(), t, on)?;
    if let ast::CanTarget::Run { event: Some(e), .. } = &q.target {
        c.event = Some(resolve_event(policy, data, c.target, e.into())?);
    }
    Ok(c)
}

/// The event of `for event E`, for a question about `target`: a `rows
/// event` report's (the same words for a typed query, a JSON request and
/// the library).
pub fn resolve_event(policy: &Policy, data: &Data, target: Target, e: NameRef) -> Res<EventId> {
    let event = data
        .event_ids
        .get(e.text)
        .copied()
        .ok_or_else(|| vec![unknown_data(data, Kind::Event, e)])?;
    let refuse = |why: String| {
        let d = Diagnostic::error(Code::QueryShape, why);
        let d = match e.span {
            Some(span) => d.at(span, "this event is not used"),
            None => d,
        };
        Err(vec![d.help(format!("drop `for event {}`", e.text))])
    };
    match target {
        Target::Run(r) if policy.report(r).rows == RowsSource::Resources => refuse(format!(
            "report `{}` lists every resource, not an event's",
            policy.report(r).meta.name
        )),
        Target::Run(_) => Ok(event),
        _ => refuse(
            "`for event` goes with `run REPORT` (a report whose rows are an event's resources)"
                .into(),
        ),
    }
}

/// Context facts by name, as the tools take them (`--with NAME`).
pub fn resolve_contexts(policy: &Policy, names: &[&str]) -> Res<ContextSet> {
    let mut diags = Vec::new();
    let mut with = ContextSet::NONE;
    for n in names {
        match policy.names.contexts.get(n) {
            Some(&c) => with = with.with(c),
            None => diags.push(unknown(policy, Kind::Context, NameRef::bare(n))),
        }
    }
    if diags.is_empty() {
        Ok(with)
    } else {
        Err(diags)
    }
}

/// The date and context facts a query's suffix names (§9.6).
pub fn resolve_when(policy: &Policy, s: &ast::Suffix) -> Res<When> {
    let mut diags = Vec::new();
    let mut with = ContextSet::NONE;
    for n in &s.with {
        match policy.names.contexts.get(&n.text) {
            Some(&c) => with = with.with(c),
            None => diags.push(unknown(policy, Kind::Context, n.into())),
        }
    }
    let at = s.at.as_ref().and_then(|d| super::data::day(d, &mut diags));
    if diags.is_empty() {
        Ok(When { at, with })
    } else {
        Err(diags)
    }
}

/// Resolves `can USER TARGET [on RESOURCE]` from names: what every name
/// means is decided by [`lookup_can`]; when it finds nothing, the question is
/// resolved again step by step only to say what is wrong.
#[inline]
pub fn resolve_can_names(
    policy: &Policy,
    data: &Data,
    u: NameRef,
    t: TargetNames,
    on: Option<NameRef>,
) -> Res<CanQ> {
    match lookup_can(policy, data, u.text, t, on.map(|n| n.text)) {
        Some(q) => Ok(q),
        None => Err(why_not(policy, data, u, t, on)),
    }
}

/// The meaning of `can USER TARGET [on RESOURCE]` when every name is known
/// and the resource fits the target: a few hash look-ups, nothing built.
#[inline(always)]
pub fn lookup_can(
    policy: &Policy,
    data: &Data,
    user: &str,
    t: TargetNames,
    on: Option<&str>,
) -> Option<CanQ> {
    let user = *data.user_ids.get(user)?;
    let on = match on {
        Some(r) => Some(*data.resource_ids.get(r)?),
        None => None,
    };
    let target = match t {
        TargetNames::Run { report } => Target::Run(*policy.names.reports.get(report.text)?),
        TargetNames::Assign { role, to } => Target::Assign {
            role: *policy.names.roles.get(role.text)?,
            to: *data.user_ids.get(to.text)?,
        },
        TargetNames::Named { name } => match policy.names.actions.get(name.text) {
            // an action decided per resource needs one; a global one takes none
            Some(&a) => {
                (policy.action(a).on_resource == on.is_some()).then_some(Target::Action(a))?
            }
            None if on.is_none() => Target::Right(*policy.names.rights.get(name.text)?),
            None => return None,
        },
        // access is held and handed out on one resource
        TargetNames::Access { level } => {
            on?;
            Target::Access(*policy.names.access.get(level.text)?)
        }
        TargetNames::AssignAccess { level, to } => {
            on?;
            Target::AssignAccess {
                level: *policy.names.access.get(level.text)?,
                to: *data.user_ids.get(to.text)?,
            }
        }
    };
    Some(CanQ {
        user,
        target,
        on,
        event: None,
    })
}

/// Everything wrong with a `can` question that [`lookup_can`] could not resolve.
#[cold]
#[inline(never)]
fn why_not(
    policy: &Policy,
    data: &Data,
    u: NameRef,
    t: TargetNames,
    on: Option<NameRef>,
) -> Vec<Diagnostic> {
    let u = user(data, u);
    let t = target(policy, data, t, on);
    let errors: Vec<Diagnostic> = t
        .err()
        .unwrap_or_default()
        .into_iter()
        .chain(u.err().map(|d| *d))
        .collect();
    if errors.is_empty() {
        // cannot happen: both agree on every name; say so rather than panic
        return vec![Diagnostic::error(
            Code::QueryShape,
            "internal error: the question could not be resolved (this is a bug, please report it)",
        )];
    }
    errors
}

/// Resolves the target of `can`/`who can` and checks that `on RESOURCE` fits it.
#[inline]
fn target(
    policy: &Policy,
    data: &Data,
    t: TargetNames,
    on: Option<NameRef>,
) -> Res<(Target, Option<ResourceId>)> {
    match t {
        TargetNames::Run { report: r } => {
            let (rid, on) = all(report(policy, r), opt(on, |n| resource(data, n)))?;
            Ok((Target::Run(rid), on))
        }
        TargetNames::Assign { role, to } => {
            let role_id = match policy.names.roles.get(role.text) {
                Some(&id) => Ok(id),
                None => Err(missing(policy, Kind::Role, role)),
            };
            let (role_id, to_id) = all(role_id, user(data, to))?;
            let on = opt(on, |n| resource(data, n)).map_err(|e| vec![*e])?;
            Ok((
                Target::Assign {
                    role: role_id,
                    to: to_id,
                },
                on,
            ))
        }
        TargetNames::Named { name } => {
            let on_id = opt(on, |n| resource(data, n)).map_err(|e| vec![*e])?;
            if let Some(&a) = policy.names.actions.get(name.text) {
                let action = policy.action(a);
                if action.on_resource && on_id.is_none() {
                    return Err(vec![needs_resource(action, name)]);
                }
                if !action.on_resource {
                    if let Some(on) = on {
                        return Err(vec![global_with_resource("action", name.text, on)]);
                    }
                }
                return Ok((Target::Action(a), on_id));
            }
            if let Some(&r) = policy.names.rights.get(name.text) {
                if let Some(on) = on {
                    return Err(vec![global_with_resource("right", name.text, on)]);
                }
                return Ok((Target::Right(r), None));
            }
            Err(vec![*missing(policy, Kind::ActionOrRight, name)])
        }
        TargetNames::Access { level } => {
            let l = match policy.names.access.get(level.text) {
                Some(&id) => Ok(id),
                None => Err(missing(policy, Kind::Access, level)),
            };
            let (l, on) = all(l, opt(on, |n| resource(data, n)))?;
            match on {
                Some(on) => Ok((Target::Access(l), Some(on))),
                None => Err(vec![access_needs_resource(level, "access")]),
            }
        }
        TargetNames::AssignAccess { level, to } => {
            let l = match policy.names.access.get(level.text) {
                Some(&id) => Ok(id),
                None => Err(missing(policy, Kind::Access, level)),
            };
            let (l, to) = all(l, user(data, to))?;
            match opt(on, |n| resource(data, n)).map_err(|e| vec![*e])? {
                Some(on) => Ok((Target::AssignAccess { level: l, to }, Some(on))),
                None => Err(vec![access_needs_resource(level, "assign access")]),
            }
        }
    }
}

#[cold]
#[inline(never)]
fn access_needs_resource(level: NameRef, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::QueryShape,
        format!(
            "access `{}` is held on a resource, and none is named",
            level.text
        ),
    )
    .at_maybe(level.span, "on which resource?")
    .help(format!(
        "name the resource: `… {what} {} … on RESOURCE`",
        level.text
    ))
}

#[cold]
#[inline(never)]
fn needs_resource(action: &Action, name: NameRef) -> Diagnostic {
    Diagnostic::error(
        Code::QueryShape,
        format!("action `{}` is decided per resource", name.text),
    )
    .at_maybe(name.span, "this action needs a resource")
    .also(action.meta.span, "declared `on resource` here")
    .help(format!("add the resource: `… {} on RESOURCE`", name.text))
}

#[cold]
#[inline(never)]
fn global_with_resource(kind: &str, name: &str, on: NameRef) -> Diagnostic {
    Diagnostic::error(
        Code::QueryShape,
        format!("{kind} `{name}` does not depend on a resource"),
    )
    .at_maybe(on.span, "this resource is not used")
    .help(format!(
        "{} {kind} is held everywhere or nowhere: drop `on {}`",
        if kind == "action" { "a global" } else { "a" },
        on.text
    ))
}

/// Resolves `report REPORT as USER [for event EVENT]`.
pub fn resolve_report_query(policy: &Policy, data: &Data, q: &ast::ReportQuery) -> Res<ReportQ> {
    let (rid, uid) = all(
        report(policy, (&q.report).into()),
        user(data, (&q.user).into()),
    )?;
    let event = match &q.event {
        Some(e) => Some(
            data.event_ids
                .get(&e.text)
                .copied()
                .ok_or_else(|| vec![unknown_data(data, Kind::Event, e.into())])?,
        ),
        None => None,
    };
    let rep = policy.report(rid);
    match (rep.rows, &q.event) {
        (RowsSource::Event, None) => Err(vec![Diagnostic::error(
            Code::QueryShape,
            format!("report `{}` lists the resources of an event", q.report.text),
        )
        .at(q.span, "no event given")
        .help(format!(
            "name the event: `report {} as {} for event EVENT`",
            q.report.text, q.user.text
        ))]),
        (RowsSource::Resources, Some(e)) => Err(vec![Diagnostic::error(
            Code::QueryShape,
            format!(
                "report `{}` lists every resource, not an event's",
                q.report.text
            ),
        )
        .at(e.span, "this event is not used")
        .help(format!("drop `for event {}`", e.text))]),
        _ => Ok(ReportQ {
            report: rid,
            user: uid,
            event,
        }),
    }
}

/// Resolves any query, with its date and context facts.
pub fn resolve_query(policy: &Policy, data: &Data, q: &ast::Query) -> Res<Asked> {
    let question = resolve_question(policy, data, q);
    let when = resolve_when(policy, q.suffix());
    match (question, when) {
        (Ok(question), Ok(when)) => Ok(Asked { question, when }),
        (q, w) => Err(q.err().into_iter().chain(w.err()).flatten().collect()),
    }
}

fn resolve_question(policy: &Policy, data: &Data, q: &ast::Query) -> Res<Question> {
    Ok(match q {
        ast::Query::Can(c) => Question::Can(resolve_can(policy, data, c)?),
        ast::Query::Explain(c) => Question::Explain(resolve_can(policy, data, c)?),
        ast::Query::Who { target: t, .. } => {
            let (t, on) = target_names(t);
            let (target, on) = target(policy, data, t, on)?;
            Question::Who { target, on }
        }
        ast::Query::What { user: u, on, .. } => {
            let (user, on) = all(
                user(data, u.into()),
                opt(on.as_ref().map(NameRef::from), |n| resource(data, n)),
            )?;
            Question::What { user, on }
        }
        ast::Query::Rights { user: u, .. } => {
            Question::Rights(user(data, u.into()).map_err(|e| vec![*e])?)
        }
        ast::Query::Roles { user: u, .. } => {
            Question::Roles(user(data, u.into()).map_err(|e| vec![*e])?)
        }
        ast::Query::Groups { user: u, .. } => {
            Question::Groups(user(data, u.into()).map_err(|e| vec![*e])?)
        }
        ast::Query::Report(r) => Question::Report(resolve_report_query(policy, data, r)?),
        ast::Query::Expiring { days, suffix, .. } => {
            if let Some(first) = suffix.with.first() {
                return Err(vec![Diagnostic::error(
                    Code::QueryShape,
                    "`expiring` lists the data's windows: context facts change nothing there",
                )
                .at(first.span, "drop `with …`")
                .help("ask `expiring within N days [at DATE]`")]);
            }
            Question::Expiring { days: *days }
        }
        ast::Query::Where {
            user: u,
            target: t,
            span,
            ..
        } => {
            let (names, on) = target_names(t);
            if let Some(on) = on {
                return Err(vec![Diagnostic::error(
                    Code::QueryShape,
                    "`where can` names no resource: it finds them",
                )
                .at_maybe(on.span, "drop this `on`")
                .help("ask `where can USER …` without `on R`, or `can USER … on R`")]);
            }
            let uid = user(data, u.into()).map_err(|e| vec![*e])?;
            let target = where_target(policy, data, names, *span)?;
            let event = match t {
                ast::CanTarget::Run { event: Some(e), .. } => {
                    Some(resolve_event(policy, data, target, e.into())?)
                }
                _ => None,
            };
            Question::Where {
                user: uid,
                target,
                event,
            }
        }
    })
}

/// The target of `where can`: one that is decided per resource.
fn where_target(
    policy: &Policy,
    data: &Data,
    t: TargetNames,
    span: crate::source::Span,
) -> Res<Target> {
    let not_scoped = |what: String| {
        vec![Diagnostic::error(
            Code::QueryShape,
            format!("{what} does not depend on a resource"),
        )
        .at(span, "no resource decides this")
        .help("`where can` asks about a report, an access level, an action declared `on resource` or an assignment on resources; ask `can USER …` instead")]
    };
    Ok(match t {
        TargetNames::Run { report: r } => Target::Run(report(policy, r).map_err(|e| vec![*e])?),
        TargetNames::Assign { role, to } => {
            let role_id = match policy.names.roles.get(role.text) {
                Some(&id) => Ok(id),
                None => Err(missing(policy, Kind::Role, role)),
            };
            let (role, to) = all(role_id, user(data, to))?;
            Target::Assign { role, to }
        }
        TargetNames::Named { name } => match policy.names.actions.get(name.text) {
            Some(&a) if policy.action(a).on_resource => Target::Action(a),
            Some(_) => return Err(not_scoped(format!("action `{}`", name.text))),
            None if policy.names.rights.contains_key(name.text) => {
                return Err(not_scoped(format!("right `{}`", name.text)))
            }
            None => return Err(vec![*missing(policy, Kind::ActionOrRight, name)]),
        },
        TargetNames::Access { level } => match policy.names.access.get(level.text) {
            Some(&l) => Target::Access(l),
            None => return Err(vec![*missing(policy, Kind::Access, level)]),
        },
        TargetNames::AssignAccess { level, to } => {
            let l = match policy.names.access.get(level.text) {
                Some(&id) => Ok(id),
                None => Err(missing(policy, Kind::Access, level)),
            };
            let (level, to) = all(l, user(data, to))?;
            Target::AssignAccess { level, to }
        }
    })
}
