//! JSON data files (docs/reference/data.md) → the same AST data declarations that
//! `.rights` files produce, so one resolver validates both.
//!
//! Each entry keeps spans into the JSON text: the entry's `id`, and every name
//! it uses, so a bad entry is reported at the file, line and column where it is
//! written, naming the user, resource or event and the field.
//!
//! A mistake stays where it is made: a field of the wrong type, an unknown
//! field or a key written twice is reported, and the rest of the entry is kept
//! (so its id is still declared and nothing else reports it unknown). Only an
//! entry without a usable `id` is left out. `null` means "absent" for every
//! optional field.

mod entry;
pub mod pointer;

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast;
use entry::{pattern_of, Entry};
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataFile<'a> {
    #[serde(borrow, default)]
    users: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    resources: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    events: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    groups: Option<Vec<&'a RawValue>>,
    /// The JSON Schema the file says it follows (`rights schema`): for
    /// editors; not read.
    #[serde(rename = "$schema", borrow, default)]
    #[allow(dead_code, reason = "read only so that the key is allowed")]
    schema: Option<&'a RawValue>,
}

/// What a data file looks like, for the help of a file that does not parse.
const SHAPE_HELP: &str = "a data file is an object with optional `users`, `resources`, `events` and `groups` arrays (see the guide: docs/reference/data.md)";

/// Reads one JSON data file into data declarations. Shape errors are reported
/// per entry and field; what reads cleanly is still returned. Invalid JSON
/// (or a top level of the wrong shape) is one [`Code::InvalidJson`] error and
/// no items.
pub fn parse_json(file: FileId, text: &str) -> (Vec<ast::Item>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // a data file is an object (serde would also read a list by position)
    if !text.trim_start().starts_with('{') {
        let at = text.len() - text.trim_start().len();
        let message = if text.trim().is_empty() {
            "invalid data file: it is empty"
        } else {
            "invalid data file: expected an object"
        };
        diags.push(
            Diagnostic::error(Code::InvalidJson, message)
                .at(Span::new(file, at, at), "here")
                .help(SHAPE_HELP),
        );
        return (Vec::new(), diags);
    }
    let top: DataFile = match serde_json::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let at = offset_of(text, e.line(), e.column());
            diags.push(
                Diagnostic::error(
                    Code::InvalidJson,
                    format!("invalid data file: {}", strip_position(&e)),
                )
                .at(Span::new(file, at, at), "here")
                .help(SHAPE_HELP),
            );
            return (Vec::new(), diags);
        }
    };
    let mut items = Vec::new();
    for raw in top.resources.iter().flatten() {
        let Some(mut e) = Entry::read(file, text, raw, "resource", &mut diags) else {
            continue;
        };
        let label = e.string("name", &mut diags);
        let parent = e.name("parent", &mut diags);
        let details = e.string_map("details", &mut diags);
        let tags = e.names("tags", &mut diags).unwrap_or_default();
        let attributes = e.attributes("attributes", &mut diags);
        let role_access = e
            .access("role_access", &mut diags)
            .into_iter()
            .map(|a| ast::RoleAccess {
                role: a.resource,
                levels: a.levels,
                span: a.span,
            })
            .collect();
        e.no_other_fields(
            &[
                "id",
                "name",
                "parent",
                "details",
                "tags",
                "role_access",
                "attributes",
            ],
            &mut diags,
        );
        items.push(ast::Item::Resource(ast::ResourceDecl {
            doc: None,
            id: e.id.clone(),
            label,
            parent,
            details,
            tags,
            role_access,
            attributes,
            span: e.span,
            from_json: true,
        }));
    }
    for raw in top.groups.iter().flatten() {
        let Some(mut e) = Entry::read(file, text, raw, "group", &mut diags) else {
            continue;
        };
        let label = e.string("name", &mut diags);
        let parent = e.name("parent", &mut diags);
        let roles = e.names("roles", &mut diags).unwrap_or_default();
        let access = e.access("access", &mut diags);
        e.no_other_fields(&["id", "name", "parent", "roles", "access"], &mut diags);
        items.push(ast::Item::Group(ast::GroupDecl {
            doc: None,
            id: e.id.clone(),
            label,
            parent,
            roles,
            access,
            span: e.span,
            from_json: true,
        }));
    }
    for raw in top.events.iter().flatten() {
        let Some(mut e) = Entry::read(file, text, raw, "event", &mut diags) else {
            continue;
        };
        let label = e.string("name", &mut diags);
        let resources = e.names("resources", &mut diags).unwrap_or_default();
        e.no_other_fields(&["id", "name", "resources"], &mut diags);
        items.push(ast::Item::Event(ast::EventDecl {
            doc: None,
            id: e.id.clone(),
            label,
            resources,
            span: e.span,
            from_json: true,
        }));
    }
    for raw in top.users.iter().flatten() {
        let Some(mut e) = Entry::read(file, text, raw, "user", &mut diags) else {
            continue;
        };
        let label = e.string("name", &mut diags);
        // absent or `null`: the default role applies; `[]`: exactly no roles;
        // an item may be an object with a window (§9.3)
        let mut windows = Vec::new();
        let mut split = |list: ast::Windowed, items: Vec<(ast::Name, Option<ast::Window>)>| {
            let mut names = Vec::with_capacity(items.len());
            for (index, (n, w)) in items.into_iter().enumerate() {
                if let Some(window) = w {
                    windows.push(ast::ItemWindow {
                        list,
                        index,
                        window,
                    });
                }
                names.push(n);
            }
            names
        };
        let roles = e
            .windowed_names("roles", &mut diags)
            .map(|r| split(ast::Windowed::Roles, r));
        let pats = |ns: Vec<ast::Name>| ns.into_iter().map(pattern_of).collect::<Vec<_>>();
        let grants = pats(split(
            ast::Windowed::Grants,
            e.windowed_names("grants", &mut diags).unwrap_or_default(),
        ));
        let revokes = pats(split(
            ast::Windowed::Revokes,
            e.windowed_names("revokes", &mut diags).unwrap_or_default(),
        ));
        let flags = e.names("flags", &mut diags).unwrap_or_default();
        let groups = split(
            ast::Windowed::Groups,
            e.windowed_names("groups", &mut diags).unwrap_or_default(),
        );
        let mut entries =
            |list: ast::Windowed, got: Vec<(ast::AccessEntry, Option<ast::Window>)>| {
                let mut out = Vec::with_capacity(got.len());
                for (index, (entry, w)) in got.into_iter().enumerate() {
                    if let Some(window) = w {
                        windows.push(ast::ItemWindow {
                            list,
                            index,
                            window,
                        });
                    }
                    out.push(entry);
                }
                out
            };
        let access = entries(
            ast::Windowed::Access,
            e.windowed_access("access", &mut diags),
        );
        let revoke_access = entries(
            ast::Windowed::RevokeAccess,
            e.windowed_access("revoke_access", &mut diags),
        );
        let attributes = e.attributes("attributes", &mut diags);
        e.no_other_fields(
            &[
                "id",
                "name",
                "roles",
                "grants",
                "revokes",
                "flags",
                "access",
                "groups",
                "revoke_access",
                "attributes",
            ],
            &mut diags,
        );
        items.push(ast::Item::User(ast::UserDecl {
            doc: None,
            id: e.id.clone(),
            label,
            roles,
            grants,
            revokes,
            flags,
            access,
            groups,
            revoke_access,
            attributes,
            windows,
            span: e.span,
            from_json: true,
        }));
    }
    (items, diags)
}

/// Byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

/// serde_json's message without its " at line L column C" (the span says where).
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The levels of a data file's access entries hold no spare room: with
    /// a million entries, room for four levels each is 90 MB.
    #[test]
    fn access_levels_are_sized_exactly() {
        let text = r#"{"users": [{"id": "a", "access": {"r1": ["view"], "r2": ["view", "edit", "own"]}}]}"#;
        let (items, diags) = parse_json(FileId(0), text);
        assert!(diags.is_empty(), "{diags:?}");
        let Some(ast::Item::User(u)) = items.first() else {
            unreachable!("no user in {items:?}")
        };
        let sizes: Vec<(usize, usize)> = u
            .access
            .iter()
            .map(|e| (e.levels.len(), e.levels.capacity()))
            .collect();
        assert_eq!(sizes, vec![(1, 1), (3, 3)]);
    }
}
