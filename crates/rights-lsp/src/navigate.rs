//! Hover, go to definition, find references and rename: every kind of name,
//! across every file (policy, JSON data, tests and their queries).

use super::analysis::{path_to_uri, Analysis};
use super::convert::{offset_in, range, Encoding};
use super::RequestError;
use crate::index::{rename_problem, Kind, Occurrence};
use crate::source::FileId;
use crate::words::{hover as hover_words, Words};
use lsp_types::*;
use std::collections::HashMap;

/// The file and byte offset of a document position.
pub fn place(a: &Analysis, enc: Encoding, p: &TextDocumentPositionParams) -> Option<(FileId, u32)> {
    let (file, src) = a.document(&p.text_document.uri)?;
    Some((file, offset_in(src, p.position, enc)))
}

fn occurrence<'a>(
    a: &'a Analysis,
    enc: Encoding,
    p: &TextDocumentPositionParams,
) -> Option<&'a Occurrence> {
    let (file, off) = place(a, enc, p)?;
    a.index.at(file, off)
}

pub fn location(a: &Analysis, enc: Encoding, o: &Occurrence) -> Option<Location> {
    let src = a.source(o.span.file)?;
    let uri = path_to_uri(a.path(o.span.file)?)?;
    Some(Location::new(uri, range(src, o.span, enc)))
}

/// The word (letters, digits, `_`) around an offset.
fn word_at(text: &str, off: usize) -> Option<(usize, usize)> {
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let b = text.as_bytes();
    let mut s = off.min(b.len());
    while s > 0 && is_word(b[s - 1]) {
        s -= 1;
    }
    let mut e = off.min(b.len());
    while e < b.len() && is_word(b[e]) {
        e += 1;
    }
    (e > s).then_some((s, e))
}

pub fn hover(a: &Analysis, enc: Encoding, p: &HoverParams) -> Option<Hover> {
    let tp = &p.text_document_position_params;
    let (file, off) = place(a, enc, tp)?;
    let src = a.source(file)?;
    let mut parts = Vec::new();
    let mut at = None;
    if let Some(o) = a.index.at(file, off) {
        at = Some(range(src, o.span, enc));
        let text = if o.scope.is_some() {
            Some(format!(
                "**{}** `{}`, declared in this test only",
                o.kind.word(),
                o.name
            ))
        } else {
            a.ws.program()
                .and_then(|p| Words::new(p, &a.ws.sources).hover(o.kind, &o.name))
        };
        let text = text.unwrap_or_else(|| {
            let decl = a.index.declarations(o);
            match decl.first() {
                Some(d) => format!(
                    "**{}** `{}` (declared at {}; fix the errors to see more)",
                    o.kind.word(),
                    o.name,
                    a.ws.sources.file_line(d.span)
                ),
                None => format!("**{}** `{}` is not declared", o.kind.word(), o.name),
            }
        });
        parts.push(text);
    } else if !a.is_data(file) {
        if let Some((s, e)) = word_at(&src.text, off as usize) {
            if let Some(line) = src.text.get(s..e).and_then(hover_words::keyword) {
                at = Some(range(src, crate::source::Span::new(file, s, e), enc));
                parts.push(line.to_string());
            }
        }
    }
    // a lint finding here: its rule's explanation
    for d in &a.diagnostics {
        let Some((s, _)) = &d.primary else { continue };
        if s.file == file && s.start <= off && off <= s.end {
            if let Some(r) = crate::lint::rule_of(d) {
                let text = format!("**{} {}**: {}\n\n{}", r.code, r.name, r.summary, r.doc);
                if !parts.contains(&text) {
                    parts.push(text);
                }
            }
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: at,
    })
}

pub fn definition(
    a: &Analysis,
    enc: Encoding,
    p: &GotoDefinitionParams,
) -> Option<GotoDefinitionResponse> {
    let o = occurrence(a, enc, &p.text_document_position_params)?;
    let mut decls: Vec<Location> = a
        .index
        .declarations(o)
        .into_iter()
        .filter_map(|d| location(a, enc, d))
        .collect();
    if decls.is_empty() && o.kind == Kind::RightPrefix {
        // `prefix.*` where no `rights prefix { … }` group exists: the rights it matches
        let prefix = format!("{}.", o.name);
        decls = a
            .index
            .all_declarations()
            .filter(|d| d.kind == Kind::Right && d.name.starts_with(&prefix))
            .filter_map(|d| location(a, enc, d))
            .collect();
    }
    match decls.len() {
        0 => None,
        1 => decls.pop().map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(decls)),
    }
}

pub fn references(a: &Analysis, enc: Encoding, p: &ReferenceParams) -> Option<Vec<Location>> {
    let o = occurrence(a, enc, &p.text_document_position)?;
    Some(
        a.index
            .references(o)
            .into_iter()
            .filter(|x| p.context.include_declaration || !x.decl)
            .filter_map(|x| location(a, enc, x))
            .collect(),
    )
}

pub fn prepare_rename(
    a: &Analysis,
    enc: Encoding,
    p: &TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, RequestError> {
    let Some(o) = occurrence(a, enc, p) else {
        return Ok(None);
    };
    if o.kind == Kind::RightPrefix {
        if let Some(why) = rename_problem(&a.index, o, &o.name) {
            return Err(RequestError::failed(why));
        }
    }
    let Some(src) = a.source(o.span.file) else {
        return Ok(None);
    };
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: range(src, o.span, enc),
        placeholder: o.name.clone(),
    }))
}

// `Uri` hashes its text only (the clippy lint is about interior mutability)
#[allow(clippy::mutable_key_type)]
/// Renames a name everywhere it is used. With `versions` (the client takes
/// `documentChanges`), the edit is one versioned document edit per file: an
/// open document's with the version of its text, so the client refuses an
/// edit of a text that changed since; a file not open with none.
pub fn rename(
    a: &Analysis,
    enc: Encoding,
    p: &RenameParams,
    versions: Option<&HashMap<std::path::PathBuf, i32>>,
) -> Result<Option<WorkspaceEdit>, RequestError> {
    let Some(o) = occurrence(a, enc, &p.text_document_position) else {
        return Ok(None);
    };
    let new = p.new_name.trim();
    if let Some(why) = rename_problem(&a.index, o, new) {
        return Err(RequestError::failed(why));
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    let mut by_file: Vec<(std::path::PathBuf, Uri, Vec<TextEdit>)> = Vec::new();
    for x in a.index.references(o) {
        let (Some(src), Some(path)) = (a.source(x.span.file), a.path(x.span.file)) else {
            continue;
        };
        let Some(uri) = path_to_uri(path) else {
            continue;
        };
        let text = if a.is_data(x.span.file) {
            serde_json::Value::String(new.to_string()).to_string()
        } else if let Some(prefix) = &x.group {
            new.strip_prefix(prefix.as_str())
                .and_then(|r| r.strip_prefix('.'))
                .unwrap_or(new)
                .to_string()
        } else if x.kind == Kind::Test {
            crate::syntax::keywords::quote(new)
        } else if x.kind.is_data() {
            crate::syntax::keywords::data_id_text(new)
        } else {
            new.to_string()
        };
        let edit = TextEdit {
            range: range(src, x.span, enc),
            new_text: text,
        };
        if versions.is_some() {
            match by_file.iter_mut().find(|(p, _, _)| p == path) {
                Some((_, _, edits)) => edits.push(edit),
                None => by_file.push((path.to_path_buf(), uri, vec![edit])),
            }
        } else {
            changes.entry(uri).or_default().push(edit);
        }
    }
    let Some(versions) = versions else {
        return Ok(Some(WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }));
    };
    by_file.sort_by(|a, b| a.0.cmp(&b.0));
    let edits = by_file
        .into_iter()
        .map(|(path, uri, edits)| TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri,
                version: versions.get(&path).copied(),
            },
            edits: edits.into_iter().map(OneOf::Left).collect(),
        })
        .collect();
    Ok(Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(edits)),
        ..Default::default()
    }))
}
