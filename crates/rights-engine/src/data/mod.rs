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
use crate::source::{FileId, JsonEntries, JsonEntry, Span};
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

/// One JSON data file read: its data declarations, what was found wrong,
/// and where its entries start (for the pointers of places in it).
pub struct ReadJson {
    pub items: Vec<ast::Item>,
    pub diags: Vec<Diagnostic>,
    pub entries: JsonEntries,
}

/// Reads one JSON data file into data declarations. Shape errors are reported
/// per entry and field; what reads cleanly is still returned. Invalid JSON
/// (or a top level of the wrong shape) is one [`Code::InvalidJson`] error and
/// no items.
pub fn parse_json(file: FileId, text: &str) -> ReadJson {
    let mut found = Found::default();
    let (items, diags) = read_json(file, text, &mut found, None);
    ReadJson {
        items,
        diags,
        entries: JsonEntries::new(found.keys, found.starts, text.len()),
    }
}

/// [`parse_json`] without reading the users: where each user's entry is
/// (its text's start and end) instead, to be read a batch at a time with
/// [`read_users_at`] (a lean load never holds every user's syntax at once).
/// The diagnostics are those of everything else.
pub fn parse_json_deferring_users(file: FileId, text: &str) -> (ReadJson, Vec<(u32, u32)>) {
    let mut found = Found::default();
    let mut users = Vec::new();
    let (items, diags) = read_json(file, text, &mut found, Some(&mut users));
    let read = ReadJson {
        items,
        diags,
        entries: JsonEntries::new(found.keys, found.starts, text.len()),
    };
    (read, users)
}

/// The users whose entries [`parse_json_deferring_users`] found at `spans`
/// of `text`, read as [`parse_json`] reads them (on every core), with what
/// was found wrong, in order.
pub fn read_users_at(
    file: FileId,
    text: &str,
    spans: &[(u32, u32)],
) -> (Vec<ast::UserDecl>, Vec<Diagnostic>) {
    let (mut items, mut diags) = (Vec::new(), Vec::new());
    // a batch of a few thousand, read on every core; each entry's text as
    // the reader found it (not checked as JSON again)
    read_entries(
        (file, text),
        (spans, USERS_A_THREAD),
        |&(start, end)| text.get(start as usize..end as usize),
        read_user,
        (&mut items, &mut diags),
    );
    let users = items
        .into_iter()
        .filter_map(|i| match i {
            ast::Item::User(u) => Some(u),
            _ => None,
        })
        .collect();
    (users, diags)
}

/// The top-level arrays' elements, as the reader finds them.
#[derive(Default)]
struct Found {
    keys: Vec<&'static str>,
    starts: Vec<JsonEntry>,
}

fn read_json(
    file: FileId,
    text: &str,
    entries: &mut Found,
    mut defer_users: Option<&mut Vec<(u32, u32)>>,
) -> (Vec<ast::Item>, Vec<Diagnostic>) {
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
    for (key, list, read) in [
        ("resources", &top.resources, read_resource as Reader),
        ("groups", &top.groups, read_group),
        ("events", &top.events, read_event),
        ("users", &top.users, read_user),
    ] {
        if let Some(list) = list {
            record_entries(text, key, list, entries);
            match defer_users.as_deref_mut() {
                Some(spans) if key == "users" => spans.extend(list.iter().map(|raw| {
                    let start = entry::offset_in(text, raw);
                    let end = start + raw.get().len();
                    (
                        u32::try_from(start).unwrap_or(u32::MAX),
                        u32::try_from(end).unwrap_or(u32::MAX),
                    )
                })),
                _ => read_entries(
                    (file, text),
                    (list, PARALLEL_MIN),
                    |raw| Some((*raw).get()),
                    read,
                    (&mut items, &mut diags),
                ),
            }
        }
    }
    (items, diags)
}

/// Where each element of one top-level array starts.
fn record_entries(text: &str, key: &'static str, list: &[&RawValue], entries: &mut Found) {
    let k = u8::try_from(entries.keys.len()).unwrap_or(u8::MAX);
    entries.keys.push(key);
    entries.starts.reserve(list.len());
    for (i, raw) in list.iter().enumerate() {
        entries.starts.push(JsonEntry {
            at: u32::try_from(entry::offset_in(text, raw)).unwrap_or(u32::MAX),
            index: u32::try_from(i).unwrap_or(u32::MAX),
            key: k,
        });
    }
}

/// One resource entry of a data file; `None` (reported) when it has no usable id.
fn read_resource(
    file: FileId,
    text: &str,
    raw: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<ast::Item> {
    let mut e = Entry::read(file, text, raw, "resource", diags)?;
    let label = e.string("name", diags);
    let parent = e.name("parent", diags);
    let details = e.string_map("details", diags);
    let tags = e.names("tags", diags).unwrap_or_default();
    let attributes = e.attributes("attributes", diags);
    let role_access = e
        .access("role_access", diags)
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
        diags,
    );
    Some(ast::Item::Resource(ast::ResourceDecl {
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
    }))
}

/// One group entry of a data file; `None` (reported) when it has no usable id.
fn read_group(
    file: FileId,
    text: &str,
    raw: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<ast::Item> {
    let mut e = Entry::read(file, text, raw, "group", diags)?;
    let label = e.string("name", diags);
    let parent = e.name("parent", diags);
    let roles = e.names("roles", diags).unwrap_or_default();
    let access = e.access("access", diags);
    e.no_other_fields(&["id", "name", "parent", "roles", "access"], diags);
    Some(ast::Item::Group(ast::GroupDecl {
        doc: None,
        id: e.id.clone(),
        label,
        parent,
        roles,
        access,
        span: e.span,
        from_json: true,
    }))
}

/// One event entry of a data file; `None` (reported) when it has no usable id.
fn read_event(
    file: FileId,
    text: &str,
    raw: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<ast::Item> {
    let mut e = Entry::read(file, text, raw, "event", diags)?;
    let label = e.string("name", diags);
    let resources = e.names("resources", diags).unwrap_or_default();
    e.no_other_fields(&["id", "name", "resources"], diags);
    Some(ast::Item::Event(ast::EventDecl {
        doc: None,
        id: e.id.clone(),
        label,
        resources,
        span: e.span,
        from_json: true,
    }))
}

/// One user entry of a data file; `None` (reported) when it has no usable id.
fn read_user(
    file: FileId,
    text: &str,
    raw: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<ast::Item> {
    let mut e = Entry::read(file, text, raw, "user", diags)?;
    let label = e.string("name", diags);
    // absent or `null`: the default role applies; `[]`: exactly no roles;
    // an item may be an object with a window (§9.3)
    let mut windows = Vec::new();
    let roles = e
        .windowed_names("roles", diags)
        .map(|r| split_windows(ast::Windowed::Roles, r, &mut windows));
    let pats = |ns: Vec<ast::Name>| ns.into_iter().map(pattern_of).collect::<Vec<_>>();
    let grants = pats(split_windows(
        ast::Windowed::Grants,
        e.windowed_names("grants", diags).unwrap_or_default(),
        &mut windows,
    ));
    let revokes = pats(split_windows(
        ast::Windowed::Revokes,
        e.windowed_names("revokes", diags).unwrap_or_default(),
        &mut windows,
    ));
    let flags = e.names("flags", diags).unwrap_or_default();
    let groups = split_windows(
        ast::Windowed::Groups,
        e.windowed_names("groups", diags).unwrap_or_default(),
        &mut windows,
    );
    let access = split_windows(
        ast::Windowed::Access,
        e.windowed_access("access", diags),
        &mut windows,
    );
    let revoke_access = split_windows(
        ast::Windowed::RevokeAccess,
        e.windowed_access("revoke_access", diags),
        &mut windows,
    );
    let attributes = e.attributes("attributes", diags);
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
        diags,
    );
    Some(ast::Item::User(ast::UserDecl {
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
    }))
}

/// The items of one of a user's lists, each item's window (if it has one)
/// recorded in `windows` by list and position (§9.3).
fn split_windows<T>(
    list: ast::Windowed,
    items: Vec<(T, Option<ast::Window>)>,
    windows: &mut Vec<ast::ItemWindow>,
) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for (index, (item, window)) in items.into_iter().enumerate() {
        if let Some(window) = window {
            windows.push(ast::ItemWindow {
                list,
                index,
                window,
            });
        }
        out.push(item);
    }
    out
}

/// Reads one entry of a data file into an item, reporting what is wrong.
type Reader = fn(FileId, &str, &str, &mut Vec<Diagnostic>) -> Option<ast::Item>;

/// A list is read in chunks of at least this many entries, each on a
/// thread of its own (a shorter list on the calling thread).
const PARALLEL_MIN: usize = 4096;

/// The fewest users [`read_users_at`] reads on a thread of their own.
const USERS_A_THREAD: usize = 512;

/// Reads a list of entries, in order: a long list in as many chunks as the
/// machine has cores ([`crate::cores`]; entries are independent, no chunk
/// under `min`), the items and diagnostics then joined in the file's order,
/// so the result is the same as reading them one by one. `entry` gives
/// each entry's text (a slice of `text`).
fn read_entries<'t, E: Sync>(
    (file, text): (FileId, &'t str),
    (entries, min): (&[E], usize),
    entry: impl Fn(&E) -> Option<&'t str> + Sync,
    read: Reader,
    (items, diags): (&mut Vec<ast::Item>, &mut Vec<Diagnostic>),
) {
    let parts = crate::cores::map_chunks(entries, min, |chunk| {
        let mut items = Vec::with_capacity(chunk.len());
        let mut diags = Vec::new();
        for e in chunk {
            if let Some(raw) = entry(e) {
                items.extend(read(file, text, raw, &mut diags));
            }
        }
        (items, diags)
    });
    items.reserve(entries.len());
    for (i, d) in parts {
        items.extend(i);
        diags.extend(d);
    }
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

    /// A long list is read in chunks on several threads: the items and the
    /// diagnostics come out in the file's order all the same.
    #[test]
    fn long_lists_keep_the_files_order() {
        let n = 3 * PARALLEL_MIN + 5;
        let users: Vec<String> = (0..n)
            .map(|i| match i % 1000 {
                // an entry without an id is left out, and reported
                7 => r#"{"name": "no id"}"#.to_string(),
                // a field of the wrong type is reported, the entry kept
                500 => format!(r#"{{"id": "u{i}", "roles": 5}}"#),
                _ => format!(r#"{{"id": "u{i}", "roles": ["r"]}}"#),
            })
            .collect();
        let text = format!(r#"{{"users": [{}]}}"#, users.join(",\n"));
        let ReadJson { items, diags, .. } = parse_json(FileId(0), &text);
        let ids: Vec<&str> = items
            .iter()
            .filter_map(|i| match i {
                ast::Item::User(u) => Some(u.id.text.as_str()),
                _ => None,
            })
            .collect();
        let expected: Vec<String> = (0..n)
            .filter(|i| i % 1000 != 7)
            .map(|i| format!("u{i}"))
            .collect();
        assert_eq!(ids, expected);
        let starts: Vec<u32> = diags
            .iter()
            .filter_map(|d| d.primary.as_ref().map(|(span, _)| span.start))
            .collect();
        let wrong = (0..n).filter(|i| matches!(i % 1000, 7 | 500)).count();
        assert_eq!(starts.len(), wrong, "{diags:?}");
        assert!(starts.is_sorted(), "diagnostics out of the file's order");
    }

    /// The levels of a data file's access entries hold no spare room: with
    /// a million entries, room for four levels each is 90 MB.
    #[test]
    fn access_levels_are_sized_exactly() {
        let text = r#"{"users": [{"id": "a", "access": {"r1": ["view"], "r2": ["view", "edit", "own"]}}]}"#;
        let ReadJson { items, diags, .. } = parse_json(FileId(0), text);
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
