//! One JSON entry (a user, resource or event), read field by field: each
//! field is checked on its own, with the span of its value, so one mistake is
//! reported where it is and the rest of the entry is kept.

use crate::diag::{closest, Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Name, Pattern};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

mod seen;
mod windows;

use seen::Seen;

/// A JSON object key, borrowed from the text when it has no escapes.
struct Key<'t>(Cow<'t, str>);

impl<'de: 't, 't> Deserialize<'de> for Key<'t> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'t>(std::marker::PhantomData<&'t ()>);
        impl<'de: 't, 't> Visitor<'de> for V<'t> {
            type Value = Key<'t>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// A JSON object's members in order, keys written twice kept (and reported
/// by the caller), values unparsed.
struct Members<'t>(Vec<(Cow<'t, str>, &'t RawValue)>);

impl<'de: 't, 't> Deserialize<'de> for Members<'t> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'t>(std::marker::PhantomData<&'t ()>);
        impl<'de: 't, 't> Visitor<'de> for V<'t> {
            type Value = Members<'t>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    out.push((k.0, v));
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// Where a list is, for an error about it.
#[derive(Clone, Copy)]
enum Place<'a> {
    /// A field of the entry.
    Field(&'a str),
    /// The levels of an access field (`access`, `revoke_access`, `role_access`)
    /// under one key (a resource, or a role).
    AccessOn(&'a str, &'a str),
    /// The values of one attribute in `attributes` (§9.2).
    Values(&'a str),
}

/// One member of an entry: its key's span and its value.
struct Field<'t> {
    key: Cow<'t, str>,
    key_span: Span,
    value: &'t RawValue,
    used: bool,
}

pub(super) struct Entry<'t> {
    file: FileId,
    text: &'t str,
    kind: &'static str,
    pub id: Name,
    pub span: Span,
    fields: Vec<Field<'t>>,
    /// Where the entry starts in the file, and its string tokens (relative to
    /// that start), found in one scan: names inside fields are found there.
    base: usize,
    tokens: Vec<(usize, usize)>,
}

/// What a JSON value is, for "found a string".
fn found(raw: &str) -> &'static str {
    match raw.trim_start().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'[') => "a list",
        Some(b'{') => "an object",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn is_null(raw: &RawValue) -> bool {
    raw.get().trim() == "null"
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

impl<'t> Entry<'t> {
    /// The byte offset of a value borrowed from the file's text.
    fn offset(&self, raw: &RawValue) -> usize {
        offset_in(self.text, raw)
    }

    fn value_span(&self, raw: &RawValue) -> Span {
        let at = self.offset(raw);
        Span::new(self.file, at, at + raw.get().len())
    }

    /// Reads an entry's members and its `id`; `None` (reported) when it is
    /// not an object or has no usable `id`.
    pub fn read(
        file: FileId,
        text: &'t str,
        raw: &'t str,
        kind: &'static str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Entry<'t>> {
        let base = offset_of(text, raw);
        let span = Span::new(file, base, base + raw.len());
        let members = match serde_json::from_str::<Members>(raw) {
            Ok(m) if raw.trim_start().starts_with('{') => m,
            _ => {
                diags.push(
                    Diagnostic::error(
                        Code::BadData,
                        format!(
                            "invalid {kind} entry: expected an object, found {}",
                            found(raw)
                        ),
                    )
                    .at(Span::new(file, base, base + 1), "not an object")
                    .help(format!(
                        "write each {kind} as an object: {{\"id\": \"…\", …}}"
                    )),
                );
                return None;
            }
        };
        let tokens = string_tokens(raw);
        let mut fields: Vec<Field> = Vec::with_capacity(members.0.len());
        let mut seen = Seen::default();
        for (key, value) in members.0 {
            // the key is the last string token before its value
            let rel = offset_in(text, value).saturating_sub(base);
            let i = tokens.partition_point(|&(_, e)| e <= rel);
            let key_span = match i.checked_sub(1).and_then(|k| tokens.get(k)) {
                Some(&(s, e)) => Span::new(file, base + s, base + e),
                None => span,
            };
            if let Some(first) = seen.first(&key, fields.len(), |i| &fields[i]) {
                diags.push(
                    Diagnostic::error(
                        Code::BadData,
                        format!("{kind} entry has the key `{key}` twice"),
                    )
                    .at(key_span, "written again here")
                    .also(first.key_span, "first written here")
                    .help("write each field once; the first is kept"),
                );
                continue;
            }
            fields.push(Field {
                key,
                key_span,
                value,
                used: false,
            });
        }
        let id = match fields.iter_mut().find(|f| f.key == "id") {
            None => {
                diags.push(
                    Diagnostic::error(Code::BadData, format!("{kind} entry has no `id`"))
                        .at(Span::new(file, base, base + 1), "this entry")
                        .help(format!(
                            "give every {kind} an id: {{\"id\": \"…\", …}}; every other field is optional"
                        )),
                );
                return None;
            }
            Some(f) => {
                f.used = true;
                let at = offset_in(text, f.value);
                let vspan = Span::new(file, at, at + f.value.get().len());
                match serde_json::from_str::<String>(f.value.get()) {
                    Ok(s) if s.is_empty() => {
                        diags.push(
                            Diagnostic::error(
                                Code::BadData,
                                format!("the `id` of a {kind} is empty"),
                            )
                            .at(vspan, "an empty id")
                            .help(format!("give the {kind} a non-empty id")),
                        );
                        return None;
                    }
                    Ok(s) => Name {
                        text: s,
                        span: vspan,
                    },
                    Err(_) => {
                        diags.push(
                            Diagnostic::error(
                                Code::BadData,
                                format!(
                                    "the `id` of a {kind} must be a string, not {}",
                                    found(f.value.get())
                                ),
                            )
                            .at(vspan, "not a string")
                            .help(format!("write the {kind}'s id as a string: \"id\": \"…\"")),
                        );
                        return None;
                    }
                }
            }
        };
        Some(Entry {
            file,
            text,
            kind,
            id,
            span,
            fields,
            base,
            tokens,
        })
    }

    /// The value of a field, marked as read; `None` when absent or `null`.
    fn take(&mut self, key: &str) -> Option<&'t RawValue> {
        let f = self.fields.iter_mut().find(|f| f.key == key)?;
        f.used = true;
        (!is_null(f.value)).then_some(f.value)
    }

    /// A field of the wrong type (`key` may name a place inside a field:
    /// "`access` on `r1`").
    fn wrong(&self, key: &str, raw: &RawValue, expected: &str, example: &str) -> Diagnostic {
        let place =
            if key.starts_with('`') || key.starts_with("an item") || key.starts_with("a value") {
                key.to_string()
            } else {
                format!("field `{key}`")
            };
        Diagnostic::error(
            Code::BadData,
            format!(
                "{place} of {} `{}` must be {expected}, not {}",
                self.kind,
                self.id.text,
                found(raw.get())
            ),
        )
        .at(self.value_span(raw), format!("expected {expected}"))
        .help(format!(
            "write it as {example}; the rest of this {} is kept",
            self.kind
        ))
    }

    /// An optional string field (a label).
    pub fn string(&mut self, key: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
        let raw = self.take(key)?;
        match serde_json::from_str::<String>(raw.get()) {
            Ok(s) => Some(s),
            Err(_) => {
                diags.push(self.wrong(key, raw, "a string", &format!("\"{key}\": \"…\"")));
                None
            }
        }
    }

    /// An optional string field naming something, with its span.
    pub fn name(&mut self, key: &str, diags: &mut Vec<Diagnostic>) -> Option<Name> {
        let raw = self.take(key)?;
        match serde_json::from_str::<String>(raw.get()) {
            Ok(text) => Some(Name {
                text,
                span: self.value_span(raw),
            }),
            Err(_) => {
                diags.push(self.wrong(key, raw, "a string", &format!("\"{key}\": \"…\"")));
                None
            }
        }
    }

    /// The entry's string tokens inside a value, relative to the value.
    fn tokens_in(&self, raw: &RawValue) -> impl Iterator<Item = (usize, usize)> + '_ {
        let start = self.offset(raw).saturating_sub(self.base);
        let end = start + raw.get().len();
        let first = self.tokens.partition_point(|&(s, _)| s < start);
        self.tokens[first..]
            .iter()
            .take_while(move |&&(_, e)| e <= end)
            .map(move |&(s, e)| (s - start, e - start))
    }

    /// A list of plain strings (no escapes) read straight from the tokens:
    /// the common case, with no second parse.
    fn plain_list(&self, raw: &RawValue) -> Option<Vec<Name>> {
        let text = raw.get();
        let base = self.offset(raw);
        // sized exactly: a million entries of one level each would
        // otherwise hold room for four (90 MB on the large workload)
        let mut out = Vec::with_capacity(self.tokens_in(raw).count());
        let mut at = 0;
        let mut open = false;
        let mut close = false;
        let mut gaps = |from: usize, to: usize| -> bool {
            text.get(from..to).is_some_and(|gap| {
                gap.bytes().all(|b| match b {
                    b'[' if !open => {
                        open = true;
                        true
                    }
                    b']' if open && !close => {
                        close = true;
                        true
                    }
                    b',' | b' ' | b'\t' | b'\r' | b'\n' => true,
                    _ => false,
                })
            })
        };
        for (s, e) in self.tokens_in(raw) {
            let inner = text.get(s + 1..e.checked_sub(1)?)?;
            if !gaps(at, s) || inner.contains('\\') || e - s < 2 {
                return None;
            }
            out.push(Name {
                text: inner.to_string(),
                span: Span::new(self.file, base + s, base + e),
            });
            at = e;
        }
        (gaps(at, text.len()) && open && close).then_some(out)
    }

    /// The strings of a JSON list with their spans; elements that are not
    /// strings are reported and left out.
    fn list(
        &self,
        place: Place,
        raw: &'t RawValue,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Vec<Name>> {
        if let Some(names) = self.plain_list(raw) {
            return Some(names);
        }
        // the uncommon case: say what is wrong (strings built only now)
        let (key, example) = match place {
            Place::Field(key) => (key.to_string(), format!("\"{key}\": [\"…\", \"…\"]")),
            Place::Values(attr) => (
                format!("`attributes` `{attr}`"),
                format!("\"{attr}\": [\"value\", …] or \"{attr}\": \"value\""),
            ),
            Place::AccessOn(field, resource) => (
                format!(
                    "`{field}` {} `{resource}`",
                    if field == "role_access" { "for" } else { "on" }
                ),
                // the value as written, in a list (a level this policy
                // declares, or one the resolver will suggest a fix for)
                match serde_json::from_str::<String>(raw.get()) {
                    Ok(one) => format!("\"{resource}\": [{}]", serde_json::Value::from(one)),
                    Err(_) => format!("\"{resource}\": [\"LEVEL\", …]"),
                },
            ),
        };
        let key = key.as_str();
        let Ok(elements) = serde_json::from_str::<Vec<&RawValue>>(raw.get()) else {
            diags.push(self.wrong(key, raw, "a list of strings", &example));
            // one name where a list belongs is kept as that one name: the
            // resolver then says whether it is declared (with a "did you
            // mean" from the policy's own names), and nothing else follows
            return serde_json::from_str::<String>(raw.get()).ok().map(|text| {
                vec![Name {
                    text,
                    span: self.value_span(raw),
                }]
            });
        };
        let mut out = Vec::new();
        for el in elements {
            match serde_json::from_str::<String>(el.get()) {
                Ok(text) => out.push(Name {
                    text,
                    span: self.value_span(el),
                }),
                Err(_) => diags.push(
                    Diagnostic::error(
                        Code::BadData,
                        format!(
                            "{} of {} `{}` lists {}, where a name belongs",
                            if key.starts_with('`') {
                                key.to_string()
                            } else {
                                format!("field `{key}`")
                            },
                            self.kind,
                            self.id.text,
                            found(el.get())
                        ),
                    )
                    .at(self.value_span(el), "not a string")
                    .help("write names as strings; the other names are kept"),
                ),
            }
        }
        Some(out)
    }

    /// An optional list of names; `None` when absent or `null`.
    pub fn names(&mut self, key: &str, diags: &mut Vec<Diagnostic>) -> Option<Vec<Name>> {
        let raw = self.take(key)?;
        self.list(Place::Field(key), raw, diags)
    }

    /// An object's members as (name with span, value), each key once.
    fn object(
        &self,
        key: &str,
        raw: &'t RawValue,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<(Name, &'t RawValue)> {
        let members = match serde_json::from_str::<Members>(raw.get()) {
            Ok(m) if raw.get().trim_start().starts_with('{') => m,
            _ => {
                let example = match key {
                    "details" => format!("\"{key}\": {{\"beds\": \"12\"}}"),
                    _ => format!("\"{key}\": {{\"RESOURCE\": [\"LEVEL\", …]}}"),
                };
                diags.push(self.wrong(key, raw, "an object", &example));
                return Vec::new();
            }
        };
        let mut out: Vec<(Name, &RawValue)> = Vec::with_capacity(members.0.len());
        let mut seen = Seen::default();
        for (k, v) in members.0 {
            // the key is the last string token before its value
            let rel = self.offset(v).saturating_sub(self.base);
            let i = self.tokens.partition_point(|&(_, e)| e <= rel);
            let span = match i.checked_sub(1).and_then(|j| self.tokens.get(j)) {
                Some(&(s, e)) => Span::new(self.file, self.base + s, self.base + e),
                None => self.value_span(raw),
            };
            if let Some(first) = seen.first(&k, out.len(), |i| &out[i].0) {
                diags.push(
                    Diagnostic::error(
                        Code::BadData,
                        format!(
                            "field `{key}` of {} `{}` has the key `{k}` twice",
                            self.kind, self.id.text
                        ),
                    )
                    .at(span, "written again here")
                    .also(first.span, "first written here")
                    .help("write each key once; the first is kept"),
                );
                continue;
            }
            out.push((
                Name {
                    text: k.into_owned(),
                    span,
                },
                v,
            ));
        }
        out
    }

    /// `details`: an object of strings.
    pub fn string_map(&mut self, key: &str, diags: &mut Vec<Diagnostic>) -> Vec<(Name, String)> {
        let Some(raw) = self.take(key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in self.object(key, raw, diags) {
            if is_null(v) {
                continue;
            }
            match serde_json::from_str::<String>(v.get()) {
                Ok(s) => out.push((k, s)),
                Err(_) => diags.push(
                    Diagnostic::error(
                        Code::BadData,
                        format!(
                            "`{}` in field `{key}` of {} `{}` must be a string, not {}",
                            k.text,
                            self.kind,
                            self.id.text,
                            found(v.get())
                        ),
                    )
                    .at(self.value_span(v), "expected a string")
                    .help(format!(
                        "write the value as a string (\"{}\": \"…\"); the rest of this {} is kept",
                        k.text, self.kind
                    )),
                ),
            }
        }
        out
    }

    /// `access`: an object from resource ids to lists of access levels.
    /// `access` of a group or `role_access` of a resource: as a user's,
    /// but a level with a window is an error (windows end a user's items).
    pub fn access(&mut self, key: &str, diags: &mut Vec<Diagnostic>) -> Vec<ast::AccessEntry> {
        let mut out: Vec<ast::AccessEntry> = Vec::new();
        for (entry, window) in self.windowed_access(key, diags) {
            let Some(w) = window else {
                out.push(entry);
                continue;
            };
            diags.push(
                Diagnostic::error(
                    Code::BadData,
                    format!(
                        "field `{key}` of {} `{}` gives a window: only a user's items have one",
                        self.kind, self.id.text
                    ),
                )
                .at(w.span, "a window here")
                .help("write the level as a string; give dates on the users' own entries"),
            );
            // the level is kept, without its window, with the others of its resource
            match out
                .iter_mut()
                .find(|e| e.resource.text == entry.resource.text)
            {
                Some(e) => e.levels.extend(entry.levels),
                None => out.push(entry),
            }
        }
        out
    }

    /// Reports every field not read, with the closest known one.
    pub fn no_other_fields(&self, known: &[&str], diags: &mut Vec<Diagnostic>) {
        for f in self.fields.iter().filter(|f| !f.used) {
            let close = closest(&f.key, known.iter().copied());
            let help = close
                .map(|c| format!("did you mean `{c}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "a {} has the fields {}",
                        self.kind,
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            diags.push(
                Diagnostic::error(
                    Code::BadData,
                    format!(
                        "unknown field `{}` in {} `{}`",
                        f.key, self.kind, self.id.text
                    ),
                )
                .at(f.key_span, "not a field of this entry")
                .help(help)
                .replace_with_maybe(close),
            );
        }
    }
}

/// Where a value borrowed from `text` starts in it.
pub(super) fn offset_in(text: &str, raw: &RawValue) -> usize {
    offset_of(text, raw.get())
}

/// Where `part`, a slice of `text`, starts in it (0 if it is not one).
pub(super) fn offset_of(text: &str, part: &str) -> usize {
    let at = (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    if at <= text.len() {
        at
    } else {
        0
    }
}

/// `report.*` and `*` in JSON grants and revokes are patterns, as in `.rights` files.
pub(super) fn pattern_of(n: Name) -> Pattern {
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
