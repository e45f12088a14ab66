//! What the tests left out, and the counts of the summary line.

use super::*;

impl Coverage {
    /// Everything no test exercised, in the order of the kinds above.
    pub fn missed(&self, policy: &Policy) -> Vec<Missed> {
        let mut out = Vec::new();
        let mut add = |kind, seen: &[bool], meta: &dyn Fn(usize) -> (String, Span)| {
            for (i, s) in seen.iter().enumerate() {
                if !s {
                    let (name, span) = meta(i);
                    out.push(Missed {
                        kind,
                        name,
                        user: None,
                        span,
                    });
                }
            }
        };
        add("right", &self.rights, &|i| {
            (
                policy.rights[i].meta.name.clone(),
                policy.rights[i].meta.span,
            )
        });
        add("role", &self.roles, &|i| {
            (policy.roles[i].meta.name.clone(), policy.roles[i].meta.span)
        });
        add("action", &self.actions, &|i| {
            (
                policy.actions[i].meta.name.clone(),
                policy.actions[i].meta.span,
            )
        });
        add("report", &self.reports, &|i| {
            (
                policy.reports[i].meta.name.clone(),
                policy.reports[i].meta.span,
            )
        });
        add("deny", &self.denies, &|i| {
            let mut names: Vec<&str> = Vec::new();
            for s in &policy.denies[i].rights {
                let n = policy.right(s.right).meta.name.as_str();
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            let shown = if names.len() > 3 {
                format!("{}, …", names[..3].join(", "))
            } else {
                names.join(", ")
            };
            (shown, policy.denies[i].span)
        });
        add("access deny", &self.access_denies, &|i| {
            let d = &policy.access_denies[i];
            let shown = if d.all {
                "*".to_string()
            } else {
                d.levels
                    .iter()
                    .map(|l| policy.access_level(*l).meta.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            (shown, d.span)
        });
        add("group", &self.groups, &|i| {
            self.group_names.get(i).cloned().unwrap_or_default()
        });
        add("tag", &self.tags, &|i| {
            (policy.tags[i].meta.name.clone(), policy.tags[i].meta.span)
        });
        add("attribute", &self.attributes, &|i| {
            (
                policy.attributes[i].meta.name.clone(),
                policy.attributes[i].meta.span,
            )
        });
        add("context fact", &self.contexts, &|i| {
            (
                policy.contexts[i].meta.name.clone(),
                policy.contexts[i].meta.span,
            )
        });
        add("default-role line", &self.default_lines, &|i| {
            (
                policy.role(policy.default_roles[i].role).meta.name.clone(),
                policy.default_roles[i].span,
            )
        });
        for (i, seen) in self.inherited.iter().enumerate() {
            if *seen == Some(false) {
                let level = &policy.access[i];
                out.push(Missed {
                    kind: "inherited level",
                    name: level.meta.name.clone(),
                    user: None,
                    span: level.inherited.unwrap_or(level.meta.span),
                });
            }
        }
        for x in self.role_access_lines.iter().filter(|x| !x.seen) {
            out.push(Missed {
                kind: "access for role line",
                name: x.name.clone(),
                user: None,
                span: x.span,
            });
        }
        for (k, r) in self.revokes.iter().enumerate() {
            if r.seen {
                continue;
            }
            let (kind, name) = match r.what {
                Revoked::Right(right) => ("revoke", policy.right(right).meta.name.clone()),
                Revoked::Access(l) => (
                    "revoke access",
                    format!(
                        "{}` on `{}",
                        policy.access_level(l).meta.name,
                        self.revoke_names.get(k).map_or("?", String::as_str)
                    ),
                ),
            };
            out.push(Missed {
                kind,
                name,
                user: Some(r.user.clone()),
                span: r.span,
            });
        }
        out
    }

    /// (kind, exercised, total) for the summary line.
    pub fn totals(&self) -> Vec<(&'static str, usize, usize)> {
        let count = |v: &[bool]| (v.iter().filter(|b| **b).count(), v.len());
        let mut out = Vec::new();
        for (kind, v) in [
            ("rights", &self.rights),
            ("roles", &self.roles),
            ("actions", &self.actions),
            ("reports", &self.reports),
            ("denies", &self.denies),
            ("access denies", &self.access_denies),
            ("groups", &self.groups),
            ("tags", &self.tags),
            ("default-role lines", &self.default_lines),
        ] {
            let (a, b) = count(v);
            out.push((kind, a, b));
        }
        out.push((
            "access for role lines",
            self.role_access_lines.iter().filter(|r| r.seen).count(),
            self.role_access_lines.len(),
        ));
        out.push((
            "revokes",
            self.revokes.iter().filter(|r| r.seen).count(),
            self.revokes.len(),
        ));
        // version 3: counted where the policy has any
        let inherited: Vec<bool> = self.inherited.iter().flatten().copied().collect();
        for (kind, v) in [
            ("attributes", &self.attributes),
            ("context facts", &self.contexts),
            ("inherited levels", &inherited),
        ] {
            if !v.is_empty() {
                let (a, b) = count(v);
                out.push((kind, a, b));
            }
        }
        out
    }
}
