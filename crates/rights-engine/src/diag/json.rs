//! Diagnostics for machines: one JSON object per diagnostic.

use super::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};
use serde::Serialize;

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
