//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Every phase reports problems as [`Diagnostic`] values — data, not strings —
//! each with a stable [`Code`], a severity, a lowercase message without a final
//! period (user input in backticks), a primary span with a label, optional
//! secondary spans, and a `help` line. Rendering (miette's graphical report, or
//! JSON for machines) happens only at the edge, in [`render()`] and [`to_json`].
//!
//! - `code.rs`: the table of stable codes, written once;
//! - `render.rs`: miette's graphical rendering and the summary line;
//! - `json.rs`: the machine-readable form.

mod code;
mod json;
mod render;

pub use code::Code;
pub use json::{to_json, JsonDiagnostic, JsonRelated};
pub use render::{render, render_all, summary_line, RenderOptions, DEFAULT_MAX_SHOWN};

use crate::source::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One problem found in the input.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The main place, with the label printed under it.
    pub primary: Option<(Span, String)>,
    /// Other places that explain the problem (the first declaration of a duplicate, …).
    pub secondary: Vec<(Span, String)>,
    pub help: Option<String>,
    /// What the problem is about, as data, beside the words: the unknown
    /// name and its kind. Tools act on it (the editor declares the name; a
    /// data file that did not parse holds back an unknown user, resource,
    /// event or group it may declare) without reading the message.
    pub unknown: Option<(NameKind, String)>,
    /// The text that belongs at the primary span (a "did you mean"), as
    /// data: the editor's "Replace with" action.
    pub replacement: Option<String>,
}

/// The kinds of names, with the one noun table every message uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    Right,
    Access,
    Flag,
    Tag,
    Group,
    Role,
    Action,
    Report,
    /// An action or a right (the target of `can USER NAME`).
    ActionOrRight,
    User,
    Resource,
    Event,
    /// An attribute (§9.2).
    Attribute,
    /// A context fact (§9.4).
    Context,
}

impl NameKind {
    /// "right", "access level", …
    pub fn noun(self) -> &'static str {
        match self {
            NameKind::Right => "right",
            NameKind::Access => "access level",
            NameKind::Flag => "flag",
            NameKind::Tag => "tag",
            NameKind::Group => "group",
            NameKind::Role => "role",
            NameKind::Action => "action",
            NameKind::Report => "report",
            NameKind::ActionOrRight => "action or right",
            NameKind::User => "user",
            NameKind::Resource => "resource",
            NameKind::Event => "event",
            NameKind::Attribute => "attribute",
            NameKind::Context => "context fact",
        }
    }

    /// Names data files declare (and write as ids: `"st-marys"`).
    pub fn is_data(self) -> bool {
        matches!(
            self,
            NameKind::User | NameKind::Resource | NameKind::Event | NameKind::Group
        )
    }
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            unknown: None,
            replacement: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.primary = Some((span, label.into()));
        self
    }

    /// Like [`Diagnostic::at`], where there may be no place to point at.
    pub fn at_maybe(self, span: Option<Span>, label: impl Into<String>) -> Diagnostic {
        match span {
            Some(s) => self.at(s, label),
            None => self,
        }
    }

    pub fn also(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push((span, label.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Names the data entry and field a problem is in: "… (user `jane`, field `roles`)".
    pub fn in_entry(mut self, kind: &str, id: &str, field: &str) -> Diagnostic {
        self.message = format!("{} (in {kind} `{id}`, field `{field}`)", self.message);
        self
    }

    /// Says, as data, which name is unknown.
    pub fn unknown_name(mut self, kind: NameKind, name: &str) -> Diagnostic {
        self.unknown = Some((kind, name.to_string()));
        self
    }

    /// Says, as data, what belongs at the primary span.
    pub fn replace_with(mut self, text: impl Into<String>) -> Diagnostic {
        self.replacement = Some(text.into());
        self
    }

    /// [`Diagnostic::replace_with`], when there is a replacement.
    pub fn replace_with_maybe(self, text: Option<&str>) -> Diagnostic {
        match text {
            Some(t) => self.replace_with(t),
            None => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A collection of diagnostics, kept in the order found.
pub type Diagnostics = Vec<Diagnostic>;

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// "did you mean `x`?" for the closest of `candidates`, if one is close enough.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The closest of `candidates` to `name`, if one is close enough.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        let close = score >= 0.85 || (strsim::damerau_levenshtein(name, c) <= 2 && name.len() > 2);
        if close && best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}
