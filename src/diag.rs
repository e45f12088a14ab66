//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Every phase reports problems as [`Diagnostic`] values — data, not strings —
//! each with a stable [`Code`], a severity, a lowercase message without a final
//! period (user input in backticks), a primary span with a label, optional
//! secondary spans, and a `help` line. Rendering (miette's graphical report, or
//! JSON for machines) happens only at the edge, in [`render`] and [`to_json`].

use crate::source::{SourceMap, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode, SourceSpan,
};
use serde::Serialize;
use std::fmt;

/// The stable code of each kind of diagnostic: the single table of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    // reading
    Io,
    InvalidUtf8,
    // syntax
    Syntax,
    TooDeep,
    TooLarge,
    // resolution and checks
    Duplicate,
    UnknownName,
    RoleCycle,
    ActionCycle,
    TooComplex,
    AccessOutOfScope,
    NotAllowedHere,
    EmptyPattern,
    NameClash,
    ReportShape,
    // data
    InvalidJson,
    BadData,
    // queries
    QueryShape,
    /// A lint rule's finding, by the rule's code (`R001`…, see `lint::RULES`).
    Lint(&'static str),
}

impl Code {
    /// Every code, for documentation and tests.
    pub const ALL: &'static [Code] = &[
        Code::Io,
        Code::InvalidUtf8,
        Code::Syntax,
        Code::TooDeep,
        Code::TooLarge,
        Code::Duplicate,
        Code::UnknownName,
        Code::RoleCycle,
        Code::ActionCycle,
        Code::TooComplex,
        Code::AccessOutOfScope,
        Code::NotAllowedHere,
        Code::EmptyPattern,
        Code::NameClash,
        Code::ReportShape,
        Code::InvalidJson,
        Code::BadData,
        Code::QueryShape,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Io => "rights::io::read",
            Code::InvalidUtf8 => "rights::io::invalid_utf8",
            Code::Syntax => "rights::syntax::unexpected",
            Code::TooDeep => "rights::syntax::too_deep",
            Code::TooLarge => "rights::syntax::too_large",
            Code::Duplicate => "rights::resolve::duplicate",
            Code::UnknownName => "rights::resolve::unknown_name",
            Code::RoleCycle => "rights::resolve::role_cycle",
            Code::ActionCycle => "rights::resolve::action_cycle",
            Code::TooComplex => "rights::resolve::too_complex",
            Code::AccessOutOfScope => "rights::resolve::access_out_of_scope",
            Code::NotAllowedHere => "rights::resolve::not_allowed_here",
            Code::EmptyPattern => "rights::resolve::empty_pattern",
            Code::NameClash => "rights::resolve::name_clash",
            Code::ReportShape => "rights::resolve::report_shape",
            Code::InvalidJson => "rights::data::invalid_json",
            Code::BadData => "rights::data::bad_entry",
            Code::QueryShape => "rights::query::shape",
            Code::Lint(code) => code,
        }
    }

    /// One line on what the code means (for docs and `--explain`-style listings).
    pub fn summary(self) -> &'static str {
        match self {
            Code::Io => "a file or directory could not be read",
            Code::InvalidUtf8 => "a file is not valid UTF-8",
            Code::Syntax => "the text does not follow the grammar",
            Code::TooDeep => "parentheses are nested deeper than the limit",
            Code::TooLarge => "an input is larger than the limit",
            Code::Duplicate => "a name or data id is declared twice",
            Code::UnknownName => "a name refers to nothing declared",
            Code::RoleCycle => "role inheritance forms a cycle",
            Code::ActionCycle => "actions or access rules depend on themselves",
            Code::TooComplex => {
                "an action or access rule depends on too long a chain, or expands too far"
            }
            Code::AccessOutOfScope => "`access` is used where no resource is in scope",
            Code::NotAllowedHere => "a condition uses something its context does not allow",
            Code::EmptyPattern => "a right pattern matches no declared right",
            Code::NameClash => "an action and a right share a name",
            Code::ReportShape => "a report lacks a clause or repeats one",
            Code::InvalidJson => "a JSON data file is not valid JSON of the expected shape",
            Code::BadData => "a data entry is invalid",
            Code::QueryShape => "a query does not fit what it names",
            Code::Lint(_) => "a lint rule's finding (see `rights lint --explain CODE`)",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(name, c);
        let close = score >= 0.85 || (strsim::damerau_levenshtein(name, c) <= 2 && name.len() > 2);
        if close && best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

// ───────────────────────────── rendering ─────────────────────────────

/// How to draw diagnostics for people.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub color: bool,
    pub width: usize,
    /// At most this many diagnostics are drawn; the rest are counted.
    pub max_shown: usize,
}

/// How many diagnostics are drawn unless `--max-errors` says otherwise.
pub const DEFAULT_MAX_SHOWN: usize = 50;

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
            max_shown: DEFAULT_MAX_SHOWN,
        }
    }
}

/// Renders one diagnostic as miette's graphical report (`file:line:col`, the
/// offending text underlined, labels and help).
pub fn render(diag: &Diagnostic, sources: &SourceMap, opts: RenderOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false);
    let view = MietteView::new(diag, sources);
    let mut out = String::new();
    if handler.render_report(&mut out, &view).is_err() {
        out = format!("{}: {}\n", diag.code, diag.message);
    }
    out
}

/// Renders every diagnostic, then a summary line (`error: 3 errors, 1 warning`).
pub fn render_all(diags: &[Diagnostic], sources: &SourceMap, opts: RenderOptions) -> String {
    let mut out = String::new();
    for d in diags.iter().take(opts.max_shown) {
        out.push_str(&render(d, sources, opts));
        out.push('\n');
    }
    if diags.len() > opts.max_shown {
        let more = diags.len() - opts.max_shown;
        out.push_str(&format!(
            "… and {more} more not shown (--max-errors N shows more)\n"
        ));
    }
    if let Some(line) = summary_line(diags) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `error: 2 errors and 1 warning found` / `warning: 1 warning found`.
pub fn summary_line(diags: &[Diagnostic]) -> Option<String> {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => None,
        (0, w) => Some(format!("warning: {} found", plural(w, "warning"))),
        (e, 0) => Some(format!("error: {} found", plural(e, "error"))),
        (e, w) => Some(format!(
            "error: {} and {} found",
            plural(e, "error"),
            plural(w, "warning")
        )),
    }
}

/// The diagnostic as miette sees it: one source file, labels in that file.
struct MietteView {
    code: Code,
    severity: Severity,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<std::sync::Arc<str>>>,
    labels: Vec<LabeledSpan>,
}

impl MietteView {
    fn new(diag: &Diagnostic, sources: &SourceMap) -> MietteView {
        let main_file = diag.primary.as_ref().map(|(s, _)| s.file);
        let source = main_file
            .and_then(|f| sources.get(f))
            .map(|f| NamedSource::new(f.name.clone(), f.text.clone()));
        // a diagnostic draws at most this many places; the rest are listed in its help
        const MAX_LABELS: usize = 8;
        let mut labels = Vec::new();
        let mut help = diag.help.clone();
        if let Some((span, label)) = &diag.primary {
            labels.push(LabeledSpan::new_primary_with_span(
                Some(label.clone()).filter(|l| !l.is_empty()),
                to_source_span(*span),
            ));
        }
        let mut elsewhere = Vec::new();
        for (k, (span, label)) in diag.secondary.iter().enumerate() {
            if k + 1 >= MAX_LABELS {
                elsewhere.push(format!("{}: {}", sources.location(*span), label));
                if elsewhere.len() >= MAX_LABELS {
                    let rest = diag.secondary.len() - k - 1;
                    if rest > 0 {
                        elsewhere.push(format!("… and {rest} more"));
                    }
                    break;
                }
                continue;
            }
            if Some(span.file) == main_file {
                labels.push(LabeledSpan::new_with_span(
                    Some(label.clone()).filter(|l| !l.is_empty()),
                    to_source_span(*span),
                ));
            } else {
                elsewhere.push(format!("{}: {}", sources.location(*span), label));
            }
        }
        if !elsewhere.is_empty() {
            let extra = elsewhere.join("\n");
            help = Some(match help {
                Some(h) => format!("{h}\n{extra}"),
                None => extra,
            });
        }
        MietteView {
            code: diag.code,
            severity: diag.severity,
            message: diag.message.clone(),
            help,
            source,
            labels,
        }
    }
}

fn to_source_span(span: Span) -> SourceSpan {
    SourceSpan::new((span.start as usize).into(), span.len())
}

impl fmt::Debug for MietteView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for MietteView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MietteView {}

impl miette::Diagnostic for MietteView {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() || self.source.is_none() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

// ───────────────────────────── JSON ─────────────────────────────

#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub label: Option<String>,
    pub help: Option<String>,
    pub related: Vec<JsonRelated>,
}

#[derive(Serialize)]
pub struct JsonRelated {
    pub file: Option<String>,
    pub line: usize,
    pub column: usize,
    pub label: String,
}

/// The machine-readable form of one diagnostic.
pub fn to_json(diag: &Diagnostic, sources: &SourceMap) -> JsonDiagnostic {
    let pos = |span: Span| {
        sources.get(span.file).map(|f| {
            let (l, c) = f.line_col(span.start);
            let (el, ec) = f.line_col(span.end);
            (f.name.clone(), l, c, el, ec)
        })
    };
    let primary = diag.primary.as_ref().and_then(|(s, _)| pos(*s));
    JsonDiagnostic {
        code: diag.code.as_str(),
        severity: diag.severity,
        message: diag.message.clone(),
        file: primary.as_ref().map(|p| p.0.clone()),
        line: primary.as_ref().map(|p| p.1),
        column: primary.as_ref().map(|p| p.2),
        end_line: primary.as_ref().map(|p| p.3),
        end_column: primary.as_ref().map(|p| p.4),
        label: diag.primary.as_ref().map(|(_, l)| l.clone()),
        help: diag.help.clone(),
        related: diag
            .secondary
            .iter()
            .filter_map(|(s, label)| {
                pos(*s).map(|p| JsonRelated {
                    file: Some(p.0),
                    line: p.1,
                    column: p.2,
                    label: label.clone(),
                })
            })
            .collect(),
    }
}
