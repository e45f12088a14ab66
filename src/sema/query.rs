//! Resolving queries (§5) and test expectations against a policy and its data.

use super::model::*;
use super::names::{unknown, unknown_data, Kind};
use crate::diag::{Code, Diagnostic};
use crate::syntax::ast;

type Res<T> = Result<T, Vec<Diagnostic>>;

fn user(data: &Data, n: &ast::Name) -> Result<UserId, Diagnostic> {
    data.user_ids
        .get(&n.text)
        .copied()
        .ok_or_else(|| unknown_data(data, Kind::User, n))
}

fn resource(data: &Data, n: &ast::Name) -> Result<ResourceId, Diagnostic> {
    data.resource_ids
        .get(&n.text)
        .copied()
        .ok_or_else(|| unknown_data(data, Kind::Resource, n))
}

fn report(policy: &Policy, n: &ast::Name) -> Result<ReportId, Diagnostic> {
    policy
        .names
        .reports
        .get(&n.text)
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

fn opt<T>(
    n: &Option<ast::Name>,
    f: impl FnOnce(&ast::Name) -> Result<T, Diagnostic>,
) -> Result<Option<T>, Diagnostic> {
    n.as_ref().map(f).transpose()
}

/// Resolves `can USER …`.
pub fn resolve_can(policy: &Policy, data: &Data, q: &ast::CanQuery) -> Res<CanQ> {
    let u = user(data, &q.user);
    let t = target(policy, data, &q.target);
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
fn target(policy: &Policy, data: &Data, t: &ast::CanTarget) -> Res<(Target, Option<ResourceId>)> {
    match t {
        ast::CanTarget::Run { report: r, on } => {
            let (rid, on) = all(report(policy, r), opt(on, |n| resource(data, n)))?;
            Ok((Target::Run(rid), on))
        }
        ast::CanTarget::Assign { role, to, on } => {
            let role_id = policy
                .names
                .roles
                .get(&role.text)
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
        ast::CanTarget::Named { name, on } => {
            let on_id = opt(on, |n| resource(data, n)).map_err(|e| vec![e])?;
            if let Some(&a) = policy.names.actions.get(&name.text) {
                let action = policy.action(a);
                if action.on_resource && on_id.is_none() {
                    return Err(vec![Diagnostic::error(
                        Code::QueryShape,
                        format!("action `{}` is decided per resource", name.text),
                    )
                    .at(name.span, "this action needs a resource")
                    .also(action.meta.span, "declared `on resource` here")
                    .help(format!("add the resource: `… {} on RESOURCE`", name.text))]);
                }
                if !action.on_resource {
                    if let Some(on) = on {
                        return Err(vec![global_with_resource("action", &name.text, on)]);
                    }
                }
                return Ok((Target::Action(a), on_id));
            }
            if let Some(&r) = policy.names.rights.get(&name.text) {
                if let Some(on) = on {
                    return Err(vec![global_with_resource("right", &name.text, on)]);
                }
                return Ok((Target::Right(r), None));
            }
            Err(vec![unknown(policy, Kind::ActionOrRight, name)])
        }
    }
}

fn global_with_resource(kind: &str, name: &str, on: &ast::Name) -> Diagnostic {
    Diagnostic::error(
        Code::QueryShape,
        format!("{kind} `{name}` does not depend on a resource"),
    )
    .at(on.span, "this resource is not used")
    .help(format!(
        "{} {kind} is held everywhere or nowhere: drop `on {}`",
        if kind == "action" { "a global" } else { "a" },
        on.text
    ))
}

/// Resolves `report REPORT as USER [for event EVENT]`.
pub fn resolve_report_query(policy: &Policy, data: &Data, q: &ast::ReportQuery) -> Res<ReportQ> {
    let (rid, uid) = all(report(policy, &q.report), user(data, &q.user))?;
    let event = match &q.event {
        Some(e) => Some(
            data.event_ids
                .get(&e.text)
                .copied()
                .ok_or_else(|| vec![unknown_data(data, Kind::Event, e)])?,
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
            let (target, on) = target(policy, data, t)?;
            Question::Who { target, on }
        }
        ast::Query::What { user: u, on, .. } => {
            let (user, on) = all(user(data, u), opt(on, |n| resource(data, n)))?;
            Question::What { user, on }
        }
        ast::Query::Rights { user: u, .. } => Question::Rights(user(data, u).map_err(|e| vec![e])?),
        ast::Query::Roles { user: u, .. } => Question::Roles(user(data, u).map_err(|e| vec![e])?),
        ast::Query::Report(r) => Question::Report(resolve_report_query(policy, data, r)?),
    })
}
