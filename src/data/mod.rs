//! JSON data files (LANGUAGE.md §6) → the same AST data declarations that
//! `.rights` files produce, so one resolver validates both.
//!
//! Each entry keeps spans into the JSON text: the entry's `id`, and every name
//! it uses, so a bad entry is reported at the file, line and column where it is
//! written, naming the user, resource or event and the field.

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Name, Pattern};
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataFile<'a> {
    #[serde(borrow, default)]
    users: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    resources: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    events: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonUser {
    id: String,
    #[serde(default)]
    name: Option<String>,
    /// Absent or `null`: the default role applies; `[]`: exactly no roles.
    #[serde(default)]
    roles: Option<Vec<String>>,
    #[serde(default)]
    grants: Vec<String>,
    #[serde(default)]
    revokes: Vec<String>,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default, deserialize_with = "unique_keys")]
    access: Vec<(String, Vec<String>)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonResource {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default, deserialize_with = "unique_keys")]
    details: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonEvent {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    resources: Vec<String>,
}

/// Reads one JSON data file into data declarations. Shape errors (bad JSON,
/// a missing `id`, an unknown field, a wrong type) are reported per entry;
/// entries that read cleanly are still returned.
pub fn parse_json(file: FileId, text: &str) -> (Vec<ast::Item>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let top: DataFile = match serde_json::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let at = offset_of(text, e.line(), e.column());
            diags.push(
                Diagnostic::error(Code::InvalidJson, format!("invalid data file: {}", strip_position(&e)))
                    .at(Span::new(file, at, at), "here")
                    .help("a data file is an object with optional `users`, `resources` and `events` arrays (see LANGUAGE.md §6)"),
            );
            return (Vec::new(), diags);
        }
    };
    let mut items = Vec::new();
    let ctx = Ctx { file, text };
    for raw in &top.resources {
        match ctx.entry::<JsonResource>(raw, "resource") {
            Ok((r, loc)) => items.push(ast::Item::Resource(ast::ResourceDecl {
                doc: None,
                id: loc.name(&r.id, 0),
                label: r.name,
                parent: r.parent.as_ref().map(|p| loc.name_after_key(p, "parent")),
                details: r
                    .details
                    .into_iter()
                    .map(|(k, v)| (loc.name(&k, 0), v))
                    .collect(),
                span: loc.span,
                from_json: true,
            })),
            Err(d) => diags.push(*d),
        }
    }
    for raw in &top.events {
        match ctx.entry::<JsonEvent>(raw, "event") {
            Ok((e, loc)) => items.push(ast::Item::Event(ast::EventDecl {
                doc: None,
                id: loc.name(&e.id, 0),
                label: e.name,
                resources: loc.names_after_key(&e.resources, "resources"),
                span: loc.span,
                from_json: true,
            })),
            Err(d) => diags.push(*d),
        }
    }
    for raw in &top.users {
        match ctx.entry::<JsonUser>(raw, "user") {
            Ok((u, loc)) => {
                let pats = |names: &[String], key: &str| -> Vec<Pattern> {
                    loc.names_after_key(names, key)
                        .into_iter()
                        .map(pattern_of)
                        .collect()
                };
                let access = u
                    .access
                    .iter()
                    .map(|(res, levels)| {
                        let resource = loc.name_after_key(res, "access");
                        let rel = (resource.span.end as usize).saturating_sub(loc.base);
                        let levels = loc.names_from(levels, rel);
                        ast::AccessEntry {
                            span: resource.span,
                            resource,
                            levels,
                        }
                    })
                    .collect();
                items.push(ast::Item::User(ast::UserDecl {
                    doc: None,
                    id: loc.name(&u.id, 0),
                    label: u.name,
                    roles: u.roles.as_ref().map(|r| loc.names_after_key(r, "roles")),
                    grants: pats(&u.grants, "grants"),
                    revokes: pats(&u.revokes, "revokes"),
                    flags: loc.names_after_key(&u.flags, "flags"),
                    access,
                    span: loc.span,
                    from_json: true,
                }))
            }
            Err(d) => diags.push(*d),
        }
    }
    (items, diags)
}

/// A JSON object read in order, refusing a key written twice (serde's maps
/// would silently keep the last one).
fn unique_keys<'de, D, V>(d: D) -> Result<Vec<(String, V)>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Visit<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
        type Value = Vec<(String, V)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out: Vec<(String, V)> = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, V>()? {
                if out.iter().any(|(x, _)| *x == k) {
                    return Err(serde::de::Error::custom(format!("duplicate key `{k}`")));
                }
                out.push((k, v));
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visit(std::marker::PhantomData))
}

/// `report.*` and `*` in JSON grants and revokes are patterns, as in `.rights` files.
fn pattern_of(n: Name) -> Pattern {
    if n.text == "*" {
        Pattern::All(n.span)
    } else if let Some(prefix) = n.text.strip_suffix(".*") {
        Pattern::Prefix(Name {
            text: prefix.to_string(),
            span: n.span,
        })
    } else {
        Pattern::Exact(n)
    }
}

struct Ctx<'t> {
    file: FileId,
    text: &'t str,
}

/// One entry's place in the file, for finding the spans of the names it uses.
struct Loc<'t> {
    file: FileId,
    /// The entry's text and its byte offset in the file.
    raw: &'t str,
    base: usize,
    span: Span,
    /// The entry's string tokens (quotes included), in order, found in one scan.
    strings: Vec<(usize, usize)>,
}

/// Every string token of a JSON text: (start, end) with the quotes.
fn string_tokens(raw: &str) -> Vec<(usize, usize)> {
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push((start, i.min(bytes.len())));
        } else {
            i += 1;
        }
    }
    out
}

impl<'t> Ctx<'t> {
    fn entry<T: for<'de> Deserialize<'de>>(
        &self,
        raw: &'t RawValue,
        kind: &str,
    ) -> Result<(T, Loc<'t>), Box<Diagnostic>> {
        let s = raw.get();
        let base = (s.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        let base = if base <= self.text.len() { base } else { 0 };
        let span = Span::new(self.file, base, base + s.len());
        if !s.trim_start().starts_with('{') {
            return Err(Box::new(
                Diagnostic::error(
                    Code::BadData,
                    format!("invalid {kind} entry: expected an object"),
                )
                .at(Span::new(self.file, base, base + 1), "not an object")
                .help(format!(
                    "write each {kind} as an object: {{\"id\": \"…\", …}}"
                )),
            ));
        }
        match serde_json::from_str::<T>(s) {
            Ok(v) => Ok((
                v,
                Loc {
                    file: self.file,
                    raw: s,
                    base,
                    span,
                    strings: string_tokens(s),
                },
            )),
            Err(e) => {
                let at = base + offset_of(s, e.line(), e.column());
                let id = serde_json::from_str::<serde_json::Value>(s)
                    .ok()
                    .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_string));
                let what = match id {
                    Some(id) => format!("{kind} `{id}`"),
                    None => format!("{kind} entry"),
                };
                Err(Box::new(
                    Diagnostic::error(
                        Code::BadData,
                        format!("invalid {what}: {}", strip_position(&e)),
                    )
                    .at(Span::new(self.file, at, at + 1), "here")
                    .help(format!(
                        "see the {kind} fields in LANGUAGE.md §6; every field but `id` is optional"
                    )),
                ))
            }
        }
    }
}

impl<'t> Loc<'t> {
    /// The span of the JSON string `value` at or after byte `from` of the entry
    /// (the whole entry if it cannot be found).
    fn find(&self, value: &str, from: usize) -> Span {
        // the common case: a value written without escapes, found among the
        // entry's string tokens from `from` on (usually the very next one)
        let first = self.strings.partition_point(|&(s, _)| s < from);
        for &(s, e) in &self.strings[first..] {
            if self.raw.get(s + 1..e.saturating_sub(1)) == Some(value) {
                return Span::new(self.file, self.base + s, self.base + e);
            }
        }
        let quoted = serde_json::to_string(value).unwrap_or_default();
        match self.raw.get(from..).and_then(|r| r.find(&quoted)) {
            Some(i) => {
                let start = self.base + from + i;
                Span::new(self.file, start, start + quoted.len())
            }
            None => self.span,
        }
    }

    fn name(&self, value: &str, from: usize) -> Name {
        Name {
            text: value.to_string(),
            span: self.find(value, from),
        }
    }

    fn key_pos(&self, key: &str) -> usize {
        self.strings
            .iter()
            .find(|&&(s, e)| self.raw.get(s + 1..e.saturating_sub(1)) == Some(key))
            .map_or(0, |&(s, _)| s)
    }

    fn name_after_key(&self, value: &str, key: &str) -> Name {
        self.name(value, self.key_pos(key))
    }

    fn names_after_key(&self, values: &[String], key: &str) -> Vec<Name> {
        self.names_from(values, self.key_pos(key))
    }

    /// Names found one after another from byte `from` of the entry.
    fn names_from(&self, values: &[String], from: usize) -> Vec<Name> {
        let mut pos = from;
        values
            .iter()
            .map(|v| {
                let n = self.name(v, pos);
                if !n.span.same_place(&self.span) {
                    pos = (n.span.end as usize).saturating_sub(self.base);
                }
                n
            })
            .collect()
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
