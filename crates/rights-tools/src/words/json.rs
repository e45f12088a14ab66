//! Answers as JSON for machines (the shapes are listed in the README).

use super::Words;
use crate::eval::answer::*;
use crate::eval::explain::Reason;
use crate::sema::model::*;
use serde_json::{json, Value};

impl Words<'_> {
    /// An answer as one JSON object; `query` is the text asked.
    pub fn json(&self, answer: &Answer, query: &str) -> Value {
        match answer {
            Answer::Can { explanation: e, .. } => {
                let user = e.user;
                let (shown, more) = self.shown_fixes(e);
                json!({
                    "query": query,
                    "decision": if e.allowed { "allow" } else { "deny" },
                    "subject": self.subject(&e.subject, true),
                    "reasons": e.reasons.iter().map(|r| self.json_reason(r)).collect::<Vec<_>>(),
                    "fixes": shown.iter().filter(|a| !a.is_empty()).map(|alt| alt.iter().map(|&f| self.fix(user, f)).collect::<Vec<_>>()).collect::<Vec<_>>(),
                    "more_fixes": more,
                    "blocked": e.blocked.iter().map(|r| self.json_reason(r)).collect::<Vec<_>>(),
                })
            }
            Answer::Who { target, on, users } => json!({
                "query": query,
                "subject": self.target(*target, *on),
                "users": users.iter().map(|&u| self.user(u)).collect::<Vec<_>>(),
            }),
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
                    json!({"role": m.name, "label": m.label, "how": kind, "from": from, "at": at})
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
