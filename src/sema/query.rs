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
}

fn user(data: &Data, n: NameRef) -> Result<UserId, Diagnostic> {
    data.user_ids
        .get(n.text)
        .copied()
        .ok_or_else(|| unknown_data(data, Kind::User, n))
}

fn resource(data: &Data, n: NameRef) -> Result<ResourceId, Diagnostic> {
    data.resource_ids
        .get(n.text)
        .copied()
        .ok_or_else(|| unknown_data(data, Kind::Resource, n))
}

fn report(policy: &Policy, n: NameRef) -> Result<ReportId, Diagnostic> {
    policy
        .names
        .reports
        .get(n.text)
        .copied()
        .ok_or_else(|| unknown(policy, Kind::Report, n))
}

/// Collects the errors of several independent look-ups.
fn all<A, B>(a: Result<A, Diagnostic>, b: Result<B, Diagnostic>) -> Res<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => Err(a.err().into_iter().chain(b.err()).collect()),
    }
}

fn opt<'a, T>(
    n: Option<NameRef<'a>>,
    f: impl FnOnce(NameRef<'a>) -> Result<T, Diagnostic>,
) -> Result<Option<T>, Diagnostic> {
    n.map(f).transpose()
}

fn target_names(t: &ast::CanTarget) -> (TargetNames<'_>, Option<NameRef<'_>>) {
    match t {
        ast::CanTarget::Run { report, on } => (
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
    }
}

/// Resolves `can USER …` as written.
pub fn resolve_can(policy: &Policy, data: &Data, q: &ast::CanQuery) -> Res<CanQ> {
    let (t, on) = target_names(&q.target);
    resolve_can_names(policy, data, (&q.user).into(), t, on)
}

/// Resolves `can USER TARGET [on RESOURCE]` from names.
pub fn resolve_can_names(
    policy: &Policy,
    data: &Data,
    u: NameRef,
    t: TargetNames,
    on: Option<NameRef>,
) -> Res<CanQ> {
    let u = user(data, u);
    let t = target(policy, data, t, on);
    match (t, u) {
        (Ok((target, on)), Ok(user)) => Ok(CanQ { user, target, on }),
        (t, u) => Err(t
            .err()
            .unwrap_or_default()
            .into_iter()
            .chain(u.err())
            .collect()),
    }
}

/// Resolves the target of `can`/`who can` and checks that `on RESOURCE` fits it.
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
            let role_id = policy
                .names
                .roles
                .get(role.text)
                .copied()
                .ok_or_else(|| unknown(policy, Kind::Role, role));
            let (role_id, to_id) = all(role_id, user(data, to))?;
            let on = opt(on, |n| resource(data, n)).map_err(|e| vec![e])?;
            Ok((
                Target::Assign {
                    role: role_id,
                    to: to_id,
                },
                on,
            ))
        }
        TargetNames::Named { name } => {
            let on_id = opt(on, |n| resource(data, n)).map_err(|e| vec![e])?;
            if let Some(&a) = policy.names.actions.get(name.text) {
                let action = policy.action(a);
                if action.on_resource && on_id.is_none() {
                    return Err(vec![Diagnostic::error(
                        Code::QueryShape,
                        format!("action `{}` is decided per resource", name.text),
                    )
                    .at_maybe(name.span, "this action needs a resource")
                    .also(action.meta.span, "declared `on resource` here")
                    .help(format!("add the resource: `… {} on RESOURCE`", name.text))]);
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
            Err(vec![unknown(policy, Kind::ActionOrRight, name)])
        }
    }
}

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

/// Resolves any query.
pub fn resolve_query(policy: &Policy, data: &Data, q: &ast::Query) -> Res<Question> {
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
            Question::Rights(user(data, u.into()).map_err(|e| vec![e])?)
        }
        ast::Query::Roles { user: u, .. } => {
            Question::Roles(user(data, u.into()).map_err(|e| vec![e])?)
        }
        ast::Query::Report(r) => Question::Report(resolve_report_query(policy, data, r)?),
    })
}
