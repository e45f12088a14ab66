//! What version 3 adds to a JSON entry (§9.2, §9.3): items with a window
//! (`{"name", "from", "until"}`) and attribute values.

use super::{is_null, Entry, Place};
use crate::diag::{Code, Diagnostic};
use crate::syntax::ast::{self, Name};
use serde_json::value::RawValue;

impl<'t> Entry<'t> {
    /// A list whose items may carry a window (§9.3): each a string, or an
    /// object `{"name": "…", "from": "YYYY-MM-DD", "until": "YYYY-MM-DD"}`.
    fn windowed_list(
        &self,
        place: Place,
        raw: &'t RawValue,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Vec<(Name, Option<ast::Window>)>> {
        if let Some(names) = self.plain_list(raw) {
            return Some(names.into_iter().map(|n| (n, None)).collect());
        }
        let Ok(elements) = serde_json::from_str::<Vec<&RawValue>>(raw.get()) else {
            return self
                .list(place, raw, diags)
                .map(|ns| ns.into_iter().map(|n| (n, None)).collect());
        };
        let mut out = Vec::new();
        for el in elements {
            if !el.get().trim_start().starts_with('{') {
                if let Some(one) = self.list(place, el, &mut Vec::new()) {
                    // a string: its own one-element list
                    out.extend(one.into_iter().map(|n| (n, None)));
                } else {
                    let item = match place {
                        Place::Field(f) => format!("an item of `{f}`"),
                        Place::AccessOn(f, r) => format!("an item of `{f}` on `{r}`"),
                        Place::Values(a) => format!("a value of `{a}`"),
                    };
                    diags.push(self.wrong(
                        &item,
                        el,
                        "a string or an object with `name`, `from`, `until`",
                        "\"reporter\" or {\"name\": \"reporter\", \"until\": \"2026-12-31\"}",
                    ));
                }
                continue;
            }
            let members = self.object("an item", el, diags);
            let mut name = None;
            let mut from = None;
            let mut until = None;
            for (k, v) in members {
                let text = serde_json::from_str::<String>(v.get()).ok();
                let Some(text) = text else {
                    diags.push(self.wrong(
                        &format!("`{}` of an item", k.text),
                        v,
                        "a string",
                        "\"2026-12-31\"",
                    ));
                    continue;
                };
                let lit = || ast::DateLit {
                    text: text.clone(),
                    span: self.value_span(v),
                };
                match k.text.as_str() {
                    "name" => {
                        name = Some(Name {
                            text: text.clone(),
                            span: self.value_span(v),
                        })
                    }
                    "from" => from = Some(lit()),
                    "until" => until = Some(lit()),
                    other => diags.push(
                        Diagnostic::error(
                            Code::BadData,
                            format!(
                                "unknown key `{other}` in an item of {} `{}`",
                                self.kind, self.id.text
                            ),
                        )
                        .at(k.span, "not a key of an item")
                        .help("an item with a window has the keys `name`, `from` and `until`"),
                    ),
                }
            }
            let Some(name) = name else {
                diags.push(
                    Diagnostic::error(
                        Code::BadData,
                        format!("an item of {} `{}` has no `name`", self.kind, self.id.text),
                    )
                    .at(self.value_span(el), "which item?")
                    .help("write it as {\"name\": \"reporter\", \"until\": \"2026-12-31\"}"),
                );
                continue;
            };
            let window = (from.is_some() || until.is_some()).then(|| ast::Window {
                from,
                until,
                span: self.value_span(el),
            });
            out.push((name, window));
        }
        Some(out)
    }

    /// An optional list whose items may carry a window; `None` when absent.
    pub fn windowed_names(
        &mut self,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Vec<(Name, Option<ast::Window>)>> {
        let raw = self.take(key)?;
        self.windowed_list(Place::Field(key), raw, diags)
    }

    /// `access`/`revoke_access` of a user: a level with a window is an entry
    /// of its own (spanning the level's object), so each entry has one window.
    pub fn windowed_access(
        &mut self,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<(ast::AccessEntry, Option<ast::Window>)> {
        let Some(raw) = self.take(key) else {
            return Vec::new();
        };
        let members = self.object(key, raw, diags);
        let mut out = Vec::with_capacity(members.len());
        for (resource, v) in members {
            if is_null(v) {
                continue;
            }
            // the common case, a list of plain names: one entry, its list as read
            if let Some(plain) = self.plain_list(v) {
                out.push(unwindowed(resource, plain));
                continue;
            }
            let Some(levels) = self.windowed_list(Place::AccessOn(key, &resource.text), v, diags)
            else {
                continue;
            };
            // the plain levels are one entry, each windowed level one of its
            // own; sized exactly (a million entries with one level each
            // would otherwise hold room for four)
            let n_plain = levels.iter().filter(|(_, w)| w.is_none()).count();
            let mut plain: Vec<Name> = Vec::with_capacity(n_plain);
            let mut windowed = Vec::with_capacity(levels.len() - n_plain);
            for (n, w) in levels {
                match w {
                    None => plain.push(n),
                    Some(w) => windowed.push((n, w)),
                }
            }
            let keep_plain = !plain.is_empty() || windowed.is_empty();
            let mut each: Vec<_> = windowed
                .into_iter()
                .map(|(n, w)| {
                    (
                        ast::AccessEntry {
                            span: w.span,
                            resource: resource.clone(),
                            levels: vec![n],
                        },
                        Some(w),
                    )
                })
                .collect();
            if keep_plain {
                out.push(unwindowed(resource, plain));
            }
            out.append(&mut each);
        }
        out
    }

    /// `attributes`: an object from attribute names to a string or a list
    /// of strings (§9.2).
    pub fn attributes(
        &mut self,
        key: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<ast::AttributeValues> {
        let Some(raw) = self.take(key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, v) in self.object(key, raw, diags) {
            if is_null(v) {
                continue;
            }
            let values = if v.get().trim_start().starts_with('"') {
                match serde_json::from_str::<String>(v.get()) {
                    Ok(text) => vec![ast::Value {
                        text,
                        span: self.value_span(v),
                    }],
                    Err(_) => Vec::new(),
                }
            } else {
                self.list(Place::Values(&name.text), v, diags)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|n| ast::Value {
                        text: n.text,
                        span: n.span,
                    })
                    .collect()
            };
            out.push(ast::AttributeValues {
                span: name.span,
                name,
                values,
            });
        }
        out
    }
}

/// An access entry of levels without a window, spanning its resource's key.
fn unwindowed(resource: Name, levels: Vec<Name>) -> (ast::AccessEntry, Option<ast::Window>) {
    (
        ast::AccessEntry {
            span: resource.span,
            resource,
            levels,
        },
        None,
    )
}
