//! Diagnostics as the editor shows them: every `check` error and `lint`
//! finding (with related places, help, and the unused-item tag), and each
//! test expectation that fails, with the expected and actual answers and
//! the explanation.

use super::analysis::{path_to_uri, Analysis};
use super::convert::{range, Encoding};
use crate::diag::{self, Severity};
use crate::eval::answer::Answer;
use crate::source::Span;
use crate::words::Words;
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString,
};
use std::collections::HashMap;

/// Diagnostics per file id.
pub fn all(a: &Analysis, enc: Encoding) -> HashMap<u32, Vec<Diagnostic>> {
    let mut out: HashMap<u32, Vec<Diagnostic>> = HashMap::new();
    let first_file = a.paths.first().map(|_| 0u32);
    for d in &a.diagnostics {
        let (span, file) = match &d.primary {
            Some((s, _)) => (Some(*s), s.file.0),
            None => match first_file {
                Some(f) => (None, f),
                None => continue,
            },
        };
        out.entry(file).or_default().push(one(a, d, span, enc));
    }
    for t in &a.tests {
        for f in &t.failures {
            let Some(src) = a.source(f.span.file) else {
                continue;
            };
            let words = Words::new(&f.program, &a.ws.sources);
            let mut message = format!(
                "test \"{}\": expected {}, but {}",
                t.name, f.expected, f.actual
            );
            for e in &f.explanations {
                let shown = words.human(&Answer::Can {
                    explanation: e.clone(),
                    detailed: true,
                });
                message.push('\n');
                message.push_str(shown.trim_end());
            }
            out.entry(f.span.file.0).or_default().push(Diagnostic {
                range: range(src, f.span, enc),
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String("test-failed".into())),
                source: Some("rights test".into()),
                message,
                ..Default::default()
            });
        }
    }
    out
}

fn one(a: &Analysis, d: &diag::Diagnostic, span: Option<Span>, enc: Encoding) -> Diagnostic {
    let r = span
        .and_then(|s| a.source(s.file).map(|f| range(f, s, enc)))
        .unwrap_or_default();
    let rule = crate::lint::rule_of(d);
    let code = match rule {
        Some(r) => format!("{} {}", r.code, r.name),
        None => d.code.as_str().to_string(),
    };
    let mut message = d.message.clone();
    if let Some((_, label)) = &d.primary {
        if !label.is_empty() && label != &d.message {
            message.push_str(&format!(": {label}"));
        }
    }
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    if rule.is_some() {
        message.push_str("\n(hover for the rule's explanation)");
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|(s, label)| {
            let f = a.source(s.file)?;
            let uri = path_to_uri(a.path(s.file)?)?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, range(f, *s, enc)),
                message: label.clone(),
            })
        })
        .collect();
    let unused = rule.is_some_and(|r| r.name.starts_with("unused-"));
    Diagnostic {
        range: r,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(code)),
        source: Some(
            if rule.is_some() {
                "rights lint"
            } else {
                "rights check"
            }
            .into(),
        ),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: unused.then(|| vec![DiagnosticTag::UNNECESSARY]),
        ..Default::default()
    }
}
