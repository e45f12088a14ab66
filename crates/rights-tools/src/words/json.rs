//! Answers as JSON for machines (the shapes are listed in the README).

use super::Words;
use crate::eval::answer::*;
use crate::eval::explain::Reason;
use crate::sema::model::*;
use serde_json::{json, Value};

/// A string as a JSON string literal (quoted, escaped).
pub(super) fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_str(&mut out, s);
    out
}

/// A string as a JSON string literal, escaped, appended to `out`.
fn push_str(out: &mut String, s: &str) {
    out.push('"');
    escape_into(out, s);
    out.push('"');
}

/// Whether text has anything a JSON string must escape (a control
/// character, `"` or `\\`).
fn needs_escape(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

/// `s` escaped as the inside of a JSON string, appended to `out`.
fn escape_into(out: &mut String, s: &str) {
    // most text needs no escape: one pass to know, one copy
    if !needs_escape(s.as_bytes()) {
        out.push_str(s);
        return;
    }
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            0..=0x1f => None,
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        match esc {
            Some(e) => out.push_str(e),
            None => out.push_str(&format!("\\u{b:04x}")),
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
}

/// Words written as the inside of a JSON string at the end of `out`: they
/// are written as they are, then the text written is looked at once and
/// escaped only if it needs it (names and labels rarely do).
fn push_escaped(out: &mut String, write: impl FnOnce(&mut String) -> std::fmt::Result) {
    let start = out.len();
    let _ = write(out);
    if needs_escape(out.as_bytes().get(start..).unwrap_or_default()) {
        let written = out.split_off(start);
        escape_into(out, &written);
    }
}

impl Words<'_> {
    /// An answer as one line of JSON, appended to `out`: the same text as
    /// `self.json(answer, query).to_string()`, written straight to the
    /// buffer for `can` (the batch path: no tree of values built, no key
    /// sorted per answer), through [`Words::json`] otherwise.
    pub fn write_json(&self, answer: &Answer, query: &str, out: &mut String) {
        let Answer::Can { explanation: e, .. } = answer else {
            out.push_str(&self.json(answer, query).to_string());
            return;
        };
        let (shown, more) = self.shown_fixes(e);
        // keys in the order serde_json's sorted maps write them
        out.push_str("{\"blocked\":[");
        self.push_reasons(out, &e.blocked);
        out.push_str("],\"decision\":");
        out.push_str(if e.allowed { "\"allow\"" } else { "\"deny\"" });
        out.push_str(",\"fixes\":[");
        let mut first = true;
        for alt in shown.iter().filter(|a| !a.is_empty()) {
            if !first {
                out.push(',');
            }
            first = false;
            out.push('[');
            for (k, &f) in alt.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                push_str(out, &self.fix(e.user, f));
            }
            out.push(']');
        }
        for &(c, with) in &e.ask {
            if !first {
                out.push(',');
            }
            first = false;
            out.push('[');
            push_str(out, &self.ask_fix(c, with));
            out.push(']');
        }
        out.push_str("],\"more_fixes\":");
        out.push_str(&more.to_string());
        out.push_str(",\"query\":");
        push_str(out, query);
        out.push_str(",\"reasons\":[");
        self.push_reasons(out, &e.reasons);
        out.push_str("],\"relies_on\":[");
        for (i, &c) in e.relies_on.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_str(out, &self.program.policy.context(c).meta.name);
        }
        out.push_str("],\"subject\":\"");
        // written as it is worded, escaped on the way: no string of its own
        push_escaped(out, |o| self.write_subject(&e.subject, true, o));
        out.push_str("\"}");
    }

    fn push_reasons(&self, out: &mut String, rs: &[Reason]) {
        for (i, r) in rs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.push_reason(out, r);
        }
    }

    /// One reason, as [`Words::json_reason`] writes it (keys sorted).
    fn push_reason(&self, out: &mut String, r: &Reason) {
        out.push_str("{\"at\":");
        match r.site {
            Some(s) => out.push_str(&self.file_line_json(s)),
            None => out.push_str("null"),
        }
        out.push_str(",\"because\":[");
        self.push_reasons(out, &r.because);
        out.push(']');
        let place = r.site.and_then(|s| self.place(s));
        if let Some(p) = &place {
            out.push_str(",\"column\":");
            out.push_str(&p.column.to_string());
        }
        out.push_str(",\"holds\":");
        out.push_str(if r.holds { "true" } else { "false" });
        if let Some(p) = &place {
            out.push_str(",\"pointer\":");
            match &p.pointer {
                Some(ptr) => push_str(out, ptr),
                None => out.push_str("null"),
            }
        }
        out.push_str(",\"text\":\"");
        push_escaped(out, |o| self.write_fact(&r.fact, o));
        out.push_str("\"}");
    }

    /// An answer as one JSON object; `query` is the text asked.
    pub fn json(&self, answer: &Answer, query: &str) -> Value {
        match answer {
            Answer::Can { explanation: e, .. } => {
                let user = e.user;
                let (shown, more) = self.shown_fixes(e);
                let mut fixes: Vec<Vec<String>> = shown
                    .iter()
                    .filter(|a| !a.is_empty())
                    .map(|alt| alt.iter().map(|&f| self.fix(user, f)).collect())
                    .collect();
                fixes.extend(e.ask.iter().map(|&(c, with)| vec![self.ask_fix(c, with)]));
                let p = &self.program.policy;
                json!({
                    "query": query,
                    "decision": if e.allowed { "allow" } else { "deny" },
                    "subject": self.subject(&e.subject, true),
                    "reasons": e.reasons.iter().map(|r| self.json_reason(r)).collect::<Vec<_>>(),
                    "relies_on": e.relies_on.iter().map(|&c| p.context(c).meta.name.as_str()).collect::<Vec<_>>(),
                    "fixes": fixes,
                    "more_fixes": more,
                    "blocked": e.blocked.iter().map(|r| self.json_reason(r)).collect::<Vec<_>>(),
                })
            }
            Answer::Who { target, on, users } => json!({
                "query": query,
                "subject": self.target(*target, *on),
                "users": users.iter().map(|&u| self.user(u)).collect::<Vec<_>>(),
            }),
            Answer::Where {
                user, resources, ..
            } => json!({
                "query": query,
                "user": self.user(*user),
                "resources": resources.iter().map(|&r| self.resource_name(r)).collect::<Vec<_>>(),
            }),
            Answer::Expiring(x) => {
                let p = &self.program.policy;
                json!({
                    "query": query,
                    "at": x.day.to_string(),
                    "days": x.days,
                    "expiring": x.items.iter().map(|e| {
                        let (name, on) = match e.what {
                            ExpiringWhat::Role(r) => (p.role(r).meta.name.clone(), None),
                            ExpiringWhat::Right(r) | ExpiringWhat::Revoke(r) => {
                                (p.right(r).meta.name.clone(), None)
                            }
                            ExpiringWhat::Group(g) => (self.group(g).to_string(), None),
                            ExpiringWhat::Access(r, l) | ExpiringWhat::RevokeAccess(r, l) => (
                                p.access_level(l).meta.name.clone(),
                                Some(self.resource_name(r).to_string()),
                            ),
                        };
                        json!({
                            "user": self.user(e.user),
                            "kind": e.what.kind(),
                            "name": name,
                            "on": on,
                            "until": e.window.until.map(|d| d.to_string()),
                            "from": e.window.from.map(|d| d.to_string()),
                            "at": self.sources.file_line(e.at),
                        })
                    }).collect::<Vec<_>>(),
                })
            }
            Answer::What(w) => {
                let mut j = json!({
                "query": query,
                "user": self.user(w.user),
                "resource": w.on.map(|r| self.resource(r).meta.name.clone()),
                "actions": w.actions.iter().map(|(a, e)| json!({
                    "action": self.program.policy.action(*a).meta.name,
                    "label": self.program.policy.action(*a).meta.label,
                    "reasons": e.reasons.iter().map(|r| self.json_reason(r)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "reports": w.reports.iter().map(|(rep, e)| json!({
                    "report": self.program.policy.report(*rep).meta.name,
                    "label": self.program.policy.report(*rep).meta.label,
                    "reasons": e.reasons.iter().map(|r| self.json_reason(r)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "access": w.access.iter().map(|(l, e)| json!({
                    "level": self.program.policy.access_level(*l).meta.name,
                    "label": self.program.policy.access_level(*l).meta.label,
                    "reasons": e.reasons.iter().map(|r| self.json_reason(r)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                });
                if let Some(e) = &w.elsewhere {
                    j["rights_held"] = json!(e.rights);
                    j["resource_actions"] = json!(e
                        .resource_actions
                        .iter()
                        .map(|&a| &self.program.policy.action(a).meta.name)
                        .collect::<Vec<_>>());
                    j["access_on"] = json!(e
                        .access_on
                        .iter()
                        .map(|&r| self.resource_name(r))
                        .collect::<Vec<_>>());
                }
                j
            }
            Answer::Groups(g) => json!({
                "query": query,
                "user": self.user(g.user),
                "groups": g.groups.iter().map(|m| json!({
                    "group": self.group(m.group),
                    "label": self.program.data.groups.get(m.group.index()).and_then(|x| x.meta.label.clone()),
                    "via": m.via.map(|v| self.group(v).to_string()),
                    "at": m.at.map(|s| self.sources.file_line(s)),
                })).collect::<Vec<_>>(),
            }),
            Answer::Rights(r) => json!({
                "query": query,
                "user": self.user(r.user),
                "rights": r.held.iter().map(|h| {
                    let m = &self.program.policy.right(h.right).meta;
                    json!({
                        "right": m.name,
                        "label": m.label,
                        "roles": h.from_roles.iter().map(|(role, span, group)| json!({
                            "role": self.program.policy.role(*role).meta.name,
                            "at": self.sources.file_line(*span),
                            "group": group.map(|g| self.group(g)),
                        })).collect::<Vec<_>>(),
                        "direct": h.direct.map(|s| self.sources.file_line(s)),
                        "redundant": h.redundant,
                    })
                }).collect::<Vec<_>>(),
                "removed": r.removed.iter().map(|(right, reasons)| json!({
                    "right": self.program.policy.right(*right).meta.name,
                    "reasons": reasons.iter().map(|x| self.json_reason(x)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            }),
            Answer::Roles(r) => json!({
                "query": query,
                "user": self.user(r.user),
                "roles": r.roles.iter().map(|(role, how)| {
                    let m = &self.program.policy.role(*role).meta;
                    let (kind, from, at) = match how {
                        RoleHow::Explicit(s) => ("explicit", None, Some(self.sources.file_line(*s))),
                        RoleHow::Default(s) => ("default", None, Some(self.sources.file_line(*s))),
                        RoleHow::Inherited(f) => ("inherited", Some(self.program.policy.role(*f).meta.name.clone()), None),
                        RoleHow::Group(g, s) => ("group", Some(self.group(*g).to_string()), Some(self.sources.file_line(*s))),
                    };
                    let window = match how {
                        RoleHow::Explicit(s) => self.item_window(r.user, crate::sema::model::Windowed::Roles, *s),
                        _ => None,
                    };
                    json!({"role": m.name, "label": m.label, "how": kind, "from": from, "at": at, "window": window.map(|w| w.words())})
                }).collect::<Vec<_>>(),
            }),
            Answer::Report(r) => {
                let q = &r.question;
                json!({
                    "query": query,
                    "report": self.program.policy.report(q.report).meta.name,
                    "user": self.user(q.user),
                    "event": q.event.map(|e| self.program.data.events[e.index()].meta.name.clone()),
                    "allowed": r.rows.is_some(),
                    "rows": r.rows.as_ref().map(|rows| rows.iter().map(|(res, vis)| {
                        let resource = self.resource(*res);
                        let full = *vis == Visibility::Full;
                        json!({
                            "resource": resource.meta.name,
                            "name": resource.meta.label,
                            "visibility": vis.as_str(),
                            "details": if full { Some(resource.details.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>()) } else { None },
                        })
                    }).collect::<Vec<_>>()).unwrap_or_default(),
                    "reasons": if r.rows.is_none() { vec![self.json_reason(&r.requires)] } else { Vec::new() },
                })
            }
        }
    }

    fn json_reason(&self, r: &Reason) -> Value {
        let mut v = json!({
            "holds": r.holds,
            "text": self.fact(&r.fact),
            "at": r.site.map(|s| self.sources.file_line(s)),
            "because": r.because.iter().map(|c| self.json_reason(c)).collect::<Vec<_>>(),
        });
        // in a JSON data file, where on the (often one) line, and which value
        if let Some(p) = r.site.and_then(|s| self.place(s)) {
            v["column"] = json!(p.column);
            v["pointer"] = json!(p.pointer);
        }
        v
    }
}
