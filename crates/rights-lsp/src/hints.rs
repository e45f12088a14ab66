//! Inlay hints (beside a user: the roles `roles U` finds that the
//! declaration does not list; beside a `prefix.*` pattern: the rights it
//! names), document highlights, and the type hierarchy of roles (supertypes
//! are the roles a role extends, subtypes the roles that extend it).

use super::analysis::{path_to_uri, Analysis};
use super::convert::{offset_in, position, range, Encoding};
use crate::index::{Kind, Occurrence};
use crate::syntax::ast::{Item, Pattern, RoleDecl};
use crate::words::Words;
use lsp_types::*;

/// The hints of the items that overlap the range asked for.
pub fn inlay_hints(a: &Analysis, enc: Encoding, p: &InlayHintParams) -> Option<Vec<InlayHint>> {
    let (file, src) = a.document(&p.text_document.uri)?;
    // JSON data gets none (a user's line there may be the whole file's)
    if a.is_data(file) {
        return Some(Vec::new());
    }
    let program = a.ws.program()?;
    let words = Words::new(program, &a.ws.sources);
    let (from, to) = (
        offset_in(src, p.range.start, enc),
        offset_in(src, p.range.end, enc),
    );
    let hint = |at: u32, label: String| InlayHint {
        position: position(src, at, enc),
        label: InlayHintLabel::String(label),
        kind: None,
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: None,
        data: None,
    };
    let mut out = Vec::new();
    let patterns = |grants: &[Pattern], out: &mut Vec<InlayHint>| {
        for g in grants {
            if let Pattern::Prefix(n) = g {
                // after the `.*`
                out.push(hint(n.span.end + 2, words.pattern_hint(&n.text)));
            }
        }
    };
    let items =
        a.ws.items()
            .filter(|i| i.span().file == file && i.span().end >= from && i.span().start <= to);
    for item in items {
        match item {
            Item::User(u) => {
                if let Some(h) = words.user_roles_hint(&u.id.text) {
                    let line_end = src.text[u.id.span.end as usize..]
                        .find('\n')
                        .map_or(src.text.len(), |i| u.id.span.end as usize + i);
                    let at = src.text[..line_end].trim_end().len() as u32;
                    out.push(hint(at, h));
                }
                patterns(&u.grants, &mut out);
            }
            Item::Role(r) => patterns(&r.grants, &mut out),
            _ => {}
        }
    }
    Some(out)
}

/// Every place of the name under the cursor in this document: where it is
/// declared (written) and used (read).
pub fn highlights(
    a: &Analysis,
    enc: Encoding,
    p: &DocumentHighlightParams,
) -> Option<Vec<DocumentHighlight>> {
    let tp = &p.text_document_position_params;
    let (file, src) = a.document(&tp.text_document.uri)?;
    let o = a.index.at(file, offset_in(src, tp.position, enc))?;
    Some(
        a.index
            .references(o)
            .into_iter()
            .filter(|x| x.span.file == file)
            .map(|x| DocumentHighlight {
                range: range(src, x.span, enc),
                kind: Some(if x.decl {
                    DocumentHighlightKind::WRITE
                } else {
                    DocumentHighlightKind::READ
                }),
            })
            .collect(),
    )
}

/// The declarations of roles, with the spans of their blocks.
fn roles(a: &Analysis) -> impl Iterator<Item = &RoleDecl> {
    a.ws.items().filter_map(|i| match i {
        Item::Role(r) => Some(r),
        _ => None,
    })
}

fn item(a: &Analysis, enc: Encoding, r: &RoleDecl) -> Option<TypeHierarchyItem> {
    let src = a.source(r.span.file)?;
    let uri = path_to_uri(a.path(r.span.file)?)?;
    Some(TypeHierarchyItem {
        name: r.name.text.clone(),
        kind: SymbolKind::CLASS,
        tags: None,
        detail: r.label.clone(),
        uri,
        range: range(src, r.span, enc),
        selection_range: range(src, r.name.span, enc),
        data: Some(serde_json::Value::String(r.name.text.clone())),
    })
}

/// The role under the cursor, as the start of a type hierarchy.
pub fn prepare(
    a: &Analysis,
    enc: Encoding,
    p: &TextDocumentPositionParams,
) -> Option<Vec<TypeHierarchyItem>> {
    let (file, src) = a.document(&p.text_document.uri)?;
    let o: &Occurrence = a.index.at(file, offset_in(src, p.position, enc))?;
    if o.kind != Kind::Role {
        return None;
    }
    let r = roles(a).find(|r| r.name.text == o.name)?;
    Some(vec![item(a, enc, r)?])
}

/// The roles a role extends (`up`), or the roles that extend it.
pub fn related(
    a: &Analysis,
    enc: Encoding,
    of: &TypeHierarchyItem,
    up: bool,
) -> Vec<TypeHierarchyItem> {
    let name = of.name.as_str();
    let parents: Vec<&str> = match roles(a).find(|r| r.name.text == name) {
        Some(r) if up => r.extends.iter().map(|n| n.text.as_str()).collect(),
        _ => Vec::new(),
    };
    roles(a)
        .filter(|r| match up {
            true => parents.contains(&r.name.text.as_str()),
            false => r.extends.iter().any(|n| n.text == name),
        })
        .filter_map(|r| item(a, enc, r))
        .collect()
}
