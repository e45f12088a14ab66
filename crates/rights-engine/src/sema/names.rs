//! "unknown name" diagnostics with "did you mean" suggestions, and hints when
//! the name exists in another namespace (a role written where a right belongs).

use super::model::{Data, Policy};
use crate::diag::{closest, Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast;

/// A name to resolve: its text and where it was written (the default span
/// when it comes from the library API rather than from text).
#[derive(Clone, Copy, Debug)]
pub struct NameRef<'a> {
    pub text: &'a str,
    /// `None` for a name asked through the library, written nowhere.
    pub span: Option<Span>,
}

impl<'a> NameRef<'a> {
    /// A name that was not written anywhere (asked through the library).
    pub fn bare(text: &'a str) -> NameRef<'a> {
        NameRef { text, span: None }
    }
}

impl<'a> From<&'a ast::Name> for NameRef<'a> {
    fn from(n: &'a ast::Name) -> NameRef<'a> {
        NameRef {
            text: &n.text,
            span: Some(n.span),
        }
    }
}

/// The kinds of names: one enum and one noun table, in `diag`.
pub use crate::diag::NameKind as Kind;

impl Kind {
    fn declare_hint(self, name: &str) -> String {
        let id = if name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
        {
            name.to_string()
        } else {
            format!("\"{name}\"")
        };
        match self {
            Kind::Right => format!("declare it: `right {name} \"Label\"`"),
            Kind::Access => format!("declare it: `access {name} \"Label\"`"),
            Kind::Flag => format!("declare it: `flag {name} \"Label\"`"),
            Kind::Tag => format!("declare it: `tag {name} \"Label\"`"),
            Kind::Group => {
                format!("declare it: `group {id} \"Name\" {{ roles … }}` or add it to a data file")
            }
            Kind::Role => format!("declare it: `role {name} \"Label\" {{ grant … }}`"),
            Kind::Action => format!("declare it: `action {name} when …`"),
            Kind::Report => {
                format!("declare it: `report {name} \"Label\" {{ requires … rows … }}`")
            }
            Kind::ActionOrRight => {
                format!("declare an action (`action {name} when …`) or a right (`right {name}`)")
            }
            Kind::User => {
                format!("declare it: `user {id} \"Name\" {{ … }}` or add it to a data file")
            }
            Kind::Resource => {
                format!("declare it: `resource {id} \"Name\"` or add it to a data file")
            }
            Kind::Event => format!(
                "declare it: `event {id} \"Name\" {{ resources … }}` or add it to a data file"
            ),
            Kind::Attribute => format!("declare it: `attribute {name} \"Label\"`"),
            Kind::Context => format!("declare it: `context {name} \"Label\"`"),
        }
    }
}

/// Names of `kind` in the policy.
fn policy_names(policy: &Policy, kind: Kind) -> Vec<&str> {
    let n = &policy.names;
    match kind {
        Kind::Right => n.rights.keys().collect(),
        Kind::Access => n.access.keys().collect(),
        Kind::Flag => n.flags.keys().collect(),
        Kind::Tag => n.tags.keys().collect(),
        Kind::Group => n.groups.keys().collect(),
        Kind::Role => n.roles.keys().collect(),
        Kind::Action => n.actions.keys().collect(),
        Kind::Report => n.reports.keys().collect(),
        Kind::Attribute => n.attributes.keys().collect(),
        Kind::Context => n.contexts.keys().collect(),
        Kind::ActionOrRight => n.actions.keys().chain(n.rights.keys()).collect(),
        Kind::User | Kind::Resource | Kind::Event => Vec::new(),
    }
}

/// What else `name` is, if it names something of another kind.
fn other_kind(policy: &Policy, kind: Kind, name: &str) -> Option<String> {
    let n = &policy.names;
    let found = [
        (Kind::Right, n.rights.contains_key(name), "right"),
        (Kind::Role, n.roles.contains_key(name), "role"),
        (Kind::Flag, n.flags.contains_key(name), "flag"),
        (Kind::Tag, n.tags.contains_key(name), "tag"),
        (Kind::Group, n.groups.contains_key(name), "group"),
        (Kind::Access, n.access.contains_key(name), "access"),
        (Kind::Attribute, n.attributes.contains_key(name), "same"),
        (Kind::Context, n.contexts.contains_key(name), "context"),
        (Kind::Action, n.actions.contains_key(name), "can"),
        (Kind::Report, n.reports.contains_key(name), ""),
    ];
    for (k, present, keyword) in found {
        if !present
            || k == kind
            || (kind == Kind::ActionOrRight && matches!(k, Kind::Right | Kind::Action))
        {
            continue;
        }
        return Some(match (k, kind) {
            (Kind::Report, Kind::ActionOrRight) => {
                format!("`{name}` is a report: ask `can USER run {name}`")
            }
            (Kind::Report, _) => format!("`{name}` is a report"),
            (Kind::Role, Kind::ActionOrRight) => {
                format!("`{name}` is a role: see a user's roles with `roles USER`")
            }
            _ => format!(
                "`{name}` is {} {}: write `{keyword} {name}`",
                article(k.noun()),
                k.noun()
            ),
        });
    }
    None
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// `unknown role \`reportr\``, with a suggestion.
pub fn unknown(policy: &Policy, kind: Kind, name: NameRef) -> Diagnostic {
    let other = other_kind(policy, kind, name.text);
    let close = match other {
        Some(_) => None,
        None => closest(name.text, policy_names(policy, kind)),
    };
    let help = other
        .or_else(|| close.map(|c| format!("did you mean `{c}`?")))
        .unwrap_or_else(|| kind.declare_hint(name.text));
    let d = Diagnostic::error(
        Code::UnknownName,
        format!("unknown {} `{}`", kind.noun(), name.text),
    )
    .at_maybe(
        name.span,
        format!("no {} is declared with this name", kind.noun()),
    )
    .help(help)
    .unknown_name(kind, name.text);
    match close {
        Some(c) => d.replace_with(c),
        None => d,
    }
}

/// An unknown user, resource or event.
pub fn unknown_data(data: &Data, kind: Kind, name: NameRef) -> Diagnostic {
    let candidates: Vec<&str> = match kind {
        Kind::User => data.user_ids.keys().collect(),
        Kind::Resource => data.resource_ids.keys().collect(),
        _ => data.event_ids.keys().collect(),
    };
    let close = closest(name.text, candidates);
    let help = close
        .map(|c| format!("did you mean `{c}`?"))
        .unwrap_or_else(|| kind.declare_hint(name.text));
    let d = Diagnostic::error(
        Code::UnknownName,
        format!("unknown {} `{}`", kind.noun(), name.text),
    )
    .at_maybe(name.span, format!("no {} has this id", kind.noun()))
    .help(help)
    .unknown_name(kind, name.text);
    match close {
        Some(c) => d.replace_with(c),
        None => d,
    }
}
