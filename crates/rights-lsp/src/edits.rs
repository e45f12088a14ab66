//! Code actions (apply a "did you mean", allow a lint finding, remove a
//! redundant grant, declare a missing right or role) and formatting through
//! the one formatter, which refuses as `rights fmt` does.

use super::analysis::Analysis;
use super::convert::{offset_in, position, range, Encoding};
use super::RequestError;
use crate::diag::{Code, NameKind};
use crate::source::{SourceFile, Span};
use lsp_types::*;
use std::collections::HashMap;

// `Uri` hashes its text only (the clippy lint is about interior mutability)
#[allow(clippy::mutable_key_type)]
fn edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    let mut changes = HashMap::new();
    changes.insert(uri.clone(), edits);
    WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }
}

fn action(title: String, uri: &Uri, edits: Vec<TextEdit>, preferred: bool) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        edit: Some(edit(uri, edits)),
        is_preferred: preferred.then_some(true),
        ..Default::default()
    })
}

/// The span of a list element with the comma and spaces that go with it.
fn list_element(text: &str, s: Span) -> (usize, usize) {
    let (start, end) = (s.start as usize, s.end as usize);
    let after = &text[end..];
    let trimmed = after.trim_start_matches([' ', '\t']);
    if let Some(rest) = trimmed.strip_prefix(',') {
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        return (start, end + (after.len() - rest.len()) + spaces);
    }
    let before = &text[..start];
    let trimmed = before.trim_end_matches([' ', '\t']);
    if let Some(b) = trimmed.strip_suffix(',') {
        return (b.len(), end);
    }
    // the only element: the whole line when it holds nothing else, else the
    // element with its keyword
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = after.find('\n').map_or(text.len(), |i| end + i + 1);
    let line = &text[line_start..line_end];
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.len() == 2 && matches!(words[0], "grant" | "revoke") {
        return (line_start, line_end);
    }
    let kw = ["grant", "revoke"]
        .iter()
        .find_map(|k| trimmed.strip_suffix(k).map(|b| b.len()));
    match kw {
        Some(k) => {
            let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
            (k, end + spaces)
        }
        None => (start, end),
    }
}

pub fn code_actions(
    a: &Analysis,
    enc: Encoding,
    p: &CodeActionParams,
) -> Option<CodeActionResponse> {
    let (file, src) = a.document(&p.text_document.uri)?;
    let uri = &p.text_document.uri;
    let (from, to) = (
        offset_in(src, p.range.start, enc),
        offset_in(src, p.range.end, enc),
    );
    let mut out = Vec::new();
    for d in &a.diagnostics {
        let Some((s, _)) = &d.primary else { continue };
        if s.file != file || s.end < from || s.start > to {
            continue;
        }
        let r = range(src, *s, enc);
        // the diagnostic's data, never its words
        if let Some(x) = d.replacement.as_deref() {
            let data_id = d.unknown.as_ref().is_some_and(|(k, _)| k.is_data());
            let text = if a.is_data(file) {
                serde_json::Value::String(x.to_string()).to_string()
            } else if data_id {
                crate::syntax::keywords::data_id_text(x)
            } else {
                x.to_string()
            };
            out.push(action(
                format!("Replace with `{x}`"),
                uri,
                vec![TextEdit::new(r, text)],
                true,
            ));
        }
        if d.code == Code::UnknownName && !a.is_data(file) {
            if let Some(decl) = d.unknown.as_ref().and_then(|(k, n)| declaration_for(*k, n)) {
                let at = src.text.len();
                let end = position(src, at as u32, enc);
                let sep = if src.text.ends_with('\n') || src.text.is_empty() {
                    ""
                } else {
                    "\n"
                };
                out.push(action(
                    format!("Declare {}", decl.0),
                    uri,
                    vec![TextEdit::new(
                        Range::new(end, end),
                        format!("{sep}{}\n", decl.1),
                    )],
                    false,
                ));
            }
        }
        if let Some(rule) = crate::lint::rule_of(d) {
            if rule.fix == Some(crate::lint::RuleFix::RemoveGrant) {
                let (s0, e0) = list_element(&src.text, *s);
                let rr = range(src, Span::new(file, s0, e0), enc);
                out.push(action(
                    "Remove the redundant grant".into(),
                    uri,
                    vec![TextEdit::new(rr, String::new())],
                    true,
                ));
            }
            if rule.suppressible && !a.is_data(file) {
                out.push(allow(src, *s, rule, uri));
            }
        }
    }
    Some(out)
}

/// `# rights: allow(CODE)` on its own line above the finding, indented alike.
fn allow(src: &SourceFile, s: Span, rule: &crate::lint::Rule, uri: &Uri) -> CodeActionOrCommand {
    let line = src.line_of(s.start);
    let text = src.line(line);
    let indent: String = text.chars().take_while(|c| c.is_whitespace()).collect();
    let at = Position::new(line.saturating_sub(1) as u32, 0);
    action(
        format!("Allow {} ({}) here", rule.code, rule.name),
        uri,
        vec![TextEdit::new(
            Range::new(at, at),
            format!("{indent}# rights: allow({})\n", rule.code),
        )],
        false,
    )
}

/// An unknown right `x` → ("right `x`", "right x"): what declaring it takes.
fn declaration_for(kind: NameKind, name: &str) -> Option<(String, String)> {
    let text = match kind {
        NameKind::Right => format!("right {name}"),
        NameKind::Role => format!("role {name} {{}}"),
        NameKind::Flag => format!("flag {name}"),
        NameKind::Tag => format!("tag {name}"),
        NameKind::Access => format!("access {name}"),
        _ => return None,
    };
    Some((format!("{} `{name}`", kind.noun()), text))
}

fn whole(src: &SourceFile, enc: Encoding) -> Range {
    Range::new(
        Position::new(0, 0),
        position(src, src.text.len() as u32, enc),
    )
}

/// A document to format, apart from its analysis: formatting runs on a
/// thread of its own, so that a long one holds up no other request.
pub struct ToFormat {
    ws: std::sync::Arc<crate::workspace::Workspace>,
    file: crate::source::FileId,
}

impl ToFormat {
    /// The document of `uri` (`None`: not a policy file of the analysis).
    pub fn of(a: &Analysis, uri: &Uri) -> Option<ToFormat> {
        let (file, _) = a.document(uri)?;
        (!a.is_data(file)).then(|| ToFormat {
            ws: a.ws.clone(),
            file,
        })
    }

    fn source(&self) -> Option<&SourceFile> {
        self.ws.sources.get(self.file)
    }
}

/// The document formatted.
fn formatted(doc: &ToFormat) -> Result<Option<(&SourceFile, String)>, RequestError> {
    let Some(src) = doc.source() else {
        return Ok(None);
    };
    // the analysis's parse of the text, where it has one
    let done = match doc.ws.parse_of(doc.file) {
        Some(parsed) if !src.text.starts_with('\u{FEFF}') => {
            crate::fmt::format_parsed(&src.text, parsed)
        }
        _ => crate::fmt::format(&src.text),
    };
    match done {
        Ok(t) => Ok(Some((src, t))),
        Err(crate::fmt::FmtError::Parse(d)) => {
            let line = d.primary.as_ref().map_or(1, |(s, _)| src.line_of(s.start));
            Err(RequestError::failed(format!(
                "rights fmt cannot format this file: line {line}: {}",
                d.message
            )))
        }
        Err(crate::fmt::FmtError::Unsound(m)) => Err(RequestError::failed(format!(
            "rights fmt refused to format this file: {m}"
        ))),
    }
}

pub fn format(
    doc: &ToFormat,
    enc: Encoding,
    _p: &DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>, RequestError> {
    let Some((src, new)) = formatted(doc)? else {
        return Ok(None);
    };
    if *src.text == *new {
        return Ok(Some(Vec::new()));
    }
    Ok(Some(vec![TextEdit::new(whole(src, enc), new)]))
}

/// Formats the whole text, and keeps the changed lines that touch the range.
pub fn format_range(
    doc: &ToFormat,
    _enc: Encoding,
    p: &DocumentRangeFormattingParams,
) -> Result<Option<Vec<TextEdit>>, RequestError> {
    let Some((src, new)) = formatted(doc)? else {
        return Ok(None);
    };
    let (first, last) = (p.range.start.line as usize, p.range.end.line as usize);
    let diff = similar::TextDiff::from_lines(src.text.as_str(), new.as_str());
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let mut edits = Vec::new();
    for op in diff.ops() {
        let (tag, old, new_r) = op.as_tag_tuple();
        if tag == similar::DiffTag::Equal {
            continue;
        }
        let touches = old.start <= last && first < old.end.max(old.start + 1);
        if !touches {
            continue;
        }
        let start = Position::new(old.start as u32, 0);
        let end = Position::new(old.end as u32, 0);
        let text: String = new_lines[new_r].concat();
        edits.push(TextEdit::new(Range::new(start, end), text));
    }
    Ok(Some(edits))
}
