//! Diagnostics drawn for people: miette's graphical report, capped in number,
//! and a rustc-style summary line.

use super::{Code, Diagnostic, Severity};
use crate::source::{SourceMap, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode, SourceSpan,
};
use std::fmt;

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
    source: Option<NamedSource<std::sync::Arc<String>>>,
    labels: Vec<LabeledSpan>,
}

impl MietteView {
    fn new(diag: &Diagnostic, sources: &SourceMap) -> MietteView {
        let main_file = diag.primary.as_ref().map(|(s, _)| s.file);
        // a control character in the source (an escape sequence, say) is
        // drawn as `?`, never sent to the terminal
        let source = main_file
            .and_then(|f| sources.get(f))
            .map(|f| NamedSource::new(crate::source::drawable(&f.name), f.shown_text()));
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
        let shown = |t: &str| crate::source::drawable(t).into_owned();
        let labels = labels
            .into_iter()
            .map(|l| {
                let text = l.label().map(shown);
                if l.primary() {
                    LabeledSpan::new_primary_with_span(text, *l.inner())
                } else {
                    LabeledSpan::new_with_span(text, *l.inner())
                }
            })
            .collect();
        MietteView {
            code: diag.code,
            severity: diag.severity,
            message: shown(&diag.message),
            help: help.as_deref().map(shown),
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
