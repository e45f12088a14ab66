//! `rights analyze` in words: what is proved of one policy (the same
//! sentences lint uses), and two policies compared, for people (text and
//! Markdown) and machines (JSON).

use super::Words;
use crate::analyze::{Comparison, Difference};
use crate::sema::model::*;
use crate::source::Span;
use crate::symbolic::compare::{Item, Verdict, Witness};
use crate::symbolic::findings::Finding;
use crate::symbolic::Meaning;
use serde_json::{json, Value};

impl Words<'_> {
    /// A finding as a sentence, with the site it is about and a second site
    /// that explains it (a deny, an earlier line), if any.
    pub fn finding(&self, f: &Finding) -> (String, Span, Option<(Span, String)>) {
        let p = &self.program.policy;
        let rights = |rs: &[RightSite]| {
            rs.iter()
                .map(|s| format!("`{}`", p.right(s.right).meta.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let levels = |ls: &[AccessId]| {
            ls.iter()
                .map(|l| format!("`{}`", p.access_level(*l).meta.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match *f {
            Finding::RightNeverHeld { right } => (
                format!(
                    "no user could ever hold right `{}`: whatever their roles, flags, groups and \
                     grants, a deny takes it away",
                    p.right(right).meta.name
                ),
                p.right(right).meta.span,
                None,
            ),
            Finding::ActionNeverAllowed { action } => (
                format!(
                    "no user could ever be allowed `{}`, whatever their roles, flags, groups, \
                     grants and access",
                    p.action(action).meta.name
                ),
                p.action(action).meta.span,
                None,
            ),
            Finding::ReportNeverRun { report } => (
                format!(
                    "no user could ever run report `{}`: its `requires` never holds",
                    p.report(report).meta.name
                ),
                p.report(report).meta.span,
                None,
            ),
            Finding::ReportNeverRows { report } => (
                format!(
                    "report `{}` never has a row, whoever runs it: its `where` never holds for a \
                     user who may run it",
                    p.report(report).meta.name
                ),
                p.report(report).meta.span,
                None,
            ),
            Finding::DetailsNever { report } => (
                format!(
                    "every row of report `{}` is name-only for everyone: its `details when` never \
                     holds on a row",
                    p.report(report).meta.name
                ),
                p.report(report).meta.span,
                None,
            ),
            Finding::DetailsAlways { report } => (
                format!(
                    "every row of report `{}` is in full for everyone: its `details when` always \
                     holds on a row, so it changes nothing",
                    p.report(report).meta.name
                ),
                p.report(report).meta.span,
                None,
            ),
            Finding::DenyNever { deny } => (
                format!(
                    "the deny of {} never applies: no user could ever meet its condition",
                    rights(&p.denies[deny].rights)
                ),
                p.denies[deny].span,
                None,
            ),
            Finding::DenyAlways { deny } => (
                format!(
                    "the deny of {} always applies: every user meets its condition, so it \
                     removes the rights from everyone",
                    rights(&p.denies[deny].rights)
                ),
                p.denies[deny].span,
                None,
            ),
            Finding::AccessDenyNever { deny } => (
                format!(
                    "the access deny of {} never applies: no user on any resource could meet its \
                     condition",
                    levels(&p.access_denies[deny].levels)
                ),
                p.access_denies[deny].span,
                None,
            ),
            Finding::AccessDenyAlways { deny } => (
                format!(
                    "the access deny of {} always applies: every user on every resource meets \
                     its condition, so nobody has those levels anywhere",
                    levels(&p.access_denies[deny].levels)
                ),
                p.access_denies[deny].span,
                None,
            ),
            Finding::DefaultLineNever {
                line,
                never_holds,
                earlier,
            } => {
                let l = &p.default_roles[line];
                let role = &p.role(l.role).meta.name;
                let text = match earlier {
                    Some(_) => format!(
                        "the default-role line for `{role}` is never chosen: whenever its \
                         condition holds, an earlier line's holds too"
                    ),
                    None if never_holds => format!(
                        "the default-role line for `{role}` is never chosen: its condition never holds"
                    ),
                    None => format!(
                        "the default-role line for `{role}` is never chosen: whenever its \
                         condition holds, one of the earlier lines' holds too"
                    ),
                };
                (
                    text,
                    l.span,
                    earlier.map(|j| {
                        (
                            p.default_roles[j].span,
                            "this earlier line matches first".to_string(),
                        )
                    }),
                )
            }
            Finding::GrantAlwaysDenied { role, right, deny } => {
                let r = p.role(role);
                let site = r
                    .grants
                    .iter()
                    .find(|s| s.right == right)
                    .map_or(r.meta.span, |s| s.span);
                (
                    format!(
                        "role `{}` grants `{}`, but a deny takes it from every holder of the role",
                        r.meta.name,
                        p.right(right).meta.name
                    ),
                    site,
                    deny.map(|d| {
                        (
                            p.denies[d].span,
                            "this deny applies to everyone with the role".to_string(),
                        )
                    }),
                )
            }
            Finding::IdenticalRoles { first, second } => (
                format!(
                    "roles `{}` and `{}` grant exactly the same rights",
                    p.role(first).meta.name,
                    p.role(second).meta.name
                ),
                p.role(second).meta.span,
                Some((
                    p.role(first).meta.span,
                    "the same rights as this role".to_string(),
                )),
            ),
        }
    }

    /// Findings as text, one per line with its site.
    pub fn findings_human(&self, fs: &[Finding]) -> String {
        if fs.is_empty() {
            return "nothing found: no right nobody can hold, no action or report nobody can use, \
                    no `details when` or deny condition that never or always holds, no default-role \
                    line never chosen, no grant always denied, no interchangeable roles\n"
                .to_string();
        }
        let mut out = String::new();
        for f in fs {
            let (text, site, _) = self.finding(f);
            out.push_str(&format!("{}: {text}\n", self.sources.file_line(site)));
        }
        out.push_str(&format!(
            "{} finding{}\n",
            fs.len(),
            if fs.len() == 1 { "" } else { "s" }
        ));
        out
    }

    /// Findings as JSON.
    pub fn findings_json(&self, fs: &[Finding]) -> Value {
        json!({
            "findings": fs.iter().map(|f| {
                let (text, site, _) = self.finding(f);
                json!({ "kind": kind(f), "message": text, "at": self.sources.file_line(site) })
            }).collect::<Vec<_>>(),
        })
    }

    /// Findings as Markdown.
    pub fn findings_markdown(&self, fs: &[Finding]) -> String {
        let mut out = String::from("## What holds for every possible user\n\n");
        if fs.is_empty() {
            out.push_str("Nothing found.\n");
        }
        for f in fs {
            let (text, site, _) = self.finding(f);
            out.push_str(&format!("- `{}`: {text}\n", self.sources.file_line(site)));
        }
        out
    }
}

/// A finding's kind, for machines.
pub fn kind(f: &Finding) -> &'static str {
    match f {
        Finding::RightNeverHeld { .. } => "right-never-held",
        Finding::ActionNeverAllowed { .. } => "action-never-allowed",
        Finding::ReportNeverRun { .. } => "report-never-run",
        Finding::ReportNeverRows { .. } => "report-never-rows",
        Finding::DetailsNever { .. } => "details-never",
        Finding::DetailsAlways { .. } => "details-always",
        Finding::DenyNever { .. } => "deny-never",
        Finding::DenyAlways { .. } => "deny-always",
        Finding::AccessDenyNever { .. } => "access-deny-never",
        Finding::AccessDenyAlways { .. } => "access-deny-always",
        Finding::DefaultLineNever { .. } => "default-line-never",
        Finding::GrantAlwaysDenied { .. } => "grant-always-denied",
        Finding::IdenticalRoles { .. } => "identical-roles",
    }
}

/// An item of a comparison in words: "right `report.x`".
pub fn item(i: &Item) -> String {
    match i {
        Item::Right(x) => format!("right `{x}`"),
        Item::Action(x) => format!("action `{x}`"),
        Item::Run(x) => format!("running report `{x}`"),
        Item::Rows(x) => format!("rows of report `{x}`"),
        Item::Details(x) => format!("rows in full of report `{x}`"),
        Item::Access(x) => format!("access `{x}` on a resource"),
        Item::Assign(x, false) => format!("assigning role `{x}` (no resource named)"),
        Item::Assign(x, true) => format!("assigning role `{x}` on a resource"),
        Item::AssignAccess(x) => format!("granting access `{x}` on a resource"),
        Item::RowsFrom(x) => {
            format!("report `{x}` listing every resource (`rows resources`), not only an event's")
        }
    }
}

fn item_json(i: &Item) -> Value {
    let (kind, name) = match i {
        Item::Right(x) => ("right", x),
        Item::Action(x) => ("action", x),
        Item::Run(x) => ("run", x),
        Item::Rows(x) => ("rows", x),
        Item::Details(x) => ("details", x),
        Item::Access(x) => ("access", x),
        Item::Assign(x, false) => ("assign", x),
        Item::Assign(x, true) => ("assign_on_resource", x),
        Item::AssignAccess(x) => ("assign_access", x),
        Item::RowsFrom(x) => ("rows_from", x),
    };
    json!({ "kind": kind, "name": name })
}

/// The witness as declarations a person can paste into a test: a `user`
/// and, when resource facts matter, a `resource`.
pub fn witness_declarations(w: &Witness) -> (String, Option<String>) {
    let mut roles = Vec::new();
    let mut lists = false;
    let (mut flags, mut groups, mut grants, mut revokes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut access, mut revoke_access, mut tags) = (Vec::new(), Vec::new(), Vec::new());
    let (mut contexts, mut user_values, mut resource_values, mut notes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for m in &w.facts {
        match m {
            Meaning::Lists => lists = true,
            Meaning::Role(x) => roles.push(x.clone()),
            Meaning::Flag(x) => flags.push(x.clone()),
            Meaning::Group(x) => groups.push(x.clone()),
            Meaning::Grant(x) => grants.push(x.clone()),
            Meaning::Revoke(x) => revokes.push(x.clone()),
            Meaning::Access(x) => access.push(x.clone()),
            Meaning::AccessRevoke(x) => revoke_access.push(x.clone()),
            Meaning::Tag(x) => tags.push(x.clone()),
            Meaning::Context(x) => contexts.push(x.clone()),
            Meaning::UserValue(a, v) => user_values.push(format!("attribute {a} {v:?}")),
            Meaning::ResourceValue(a, v) => resource_values.push(format!("attribute {a} {v:?}")),
            Meaning::Same(a) => notes.push(format!("it shares a `{a}` value with the resource")),
            Meaning::Inherited(l) => notes.push(format!("it holds `{l}` on the resource's parent")),
        }
    }
    let mut body: Vec<String> = Vec::new();
    if lists && !roles.is_empty() {
        body.push(format!("roles {}", roles.join(", ")));
    }
    for (kw, xs) in [
        ("flags", &flags),
        ("groups", &groups),
        ("grant", &grants),
        ("revoke", &revokes),
    ] {
        if !xs.is_empty() {
            body.push(format!("{kw} {}", xs.join(", ")));
        }
    }
    if !access.is_empty() {
        body.push(format!("access witness_resource: {}", access.join(", ")));
    }
    if !revoke_access.is_empty() {
        body.push(format!(
            "revoke access witness_resource: {}",
            revoke_access.join(", ")
        ));
    }
    body.extend(user_values);
    let mut user = if body.is_empty() {
        "user witness { }".to_string()
    } else {
        format!("user witness {{ {} }}", body.join("  "))
    };
    if lists && roles.is_empty() {
        user.push_str("  # its data lists no roles (in JSON: \"roles\": [])");
    }
    if !contexts.is_empty() {
        notes.push(format!("asked with {}", contexts.join(", ")));
    }
    if !notes.is_empty() {
        user.push_str(&format!("  # {}", notes.join("; ")));
    }
    let resource = w.resource.as_ref().map(|(profile, like)| {
        let mut rbody: Vec<String> = Vec::new();
        if !tags.is_empty() {
            rbody.push(format!("tags {}", tags.join(", ")));
        }
        rbody.extend(resource_values.iter().cloned());
        for (y, l) in &profile.role_access {
            rbody.push(format!("access for role {y}: {l}"));
        }
        let mut r = if rbody.is_empty() {
            "resource witness_resource { }".to_string()
        } else {
            format!("resource witness_resource {{ {} }}", rbody.join("  "))
        };
        let given: Vec<String> = profile
            .group_access
            .iter()
            .map(|(g, l)| format!("group {g} gives {l} on it"))
            .collect();
        match (like, given.is_empty()) {
            (Some(x), true) => r.push_str(&format!("  # like {x}")),
            (Some(x), false) => r.push_str(&format!("  # like {x}: {}", given.join(", "))),
            (None, false) => r.push_str(&format!("  # {}", given.join(", "))),
            (None, true) => {}
        }
        r
    });
    (user, resource)
}

fn verdict_word(v: &Verdict) -> &'static str {
    match v {
        Verdict::Same => "same",
        Verdict::More(_) => "more permissive",
        Verdict::Less(_) => "less permissive",
        Verdict::Both { .. } => "gains and losses",
    }
}

fn verdict_json(v: &Verdict) -> &'static str {
    match v {
        Verdict::Same => "same",
        Verdict::More(_) => "more",
        Verdict::Less(_) => "less",
        Verdict::Both { .. } => "both",
    }
}

fn witnesses(v: &Verdict) -> Vec<(&'static str, &Witness)> {
    match v {
        Verdict::Same => Vec::new(),
        Verdict::More(w) => vec![("gains it", w)],
        Verdict::Less(w) => vec![("loses it", w)],
        Verdict::Both { more, less } => vec![("gains it", more), ("loses it", less)],
    }
}

fn affected_text(d: &Difference) -> String {
    let mut parts: Vec<String> = d
        .affected
        .iter()
        .map(|a| {
            let on = a
                .resource
                .as_ref()
                .map(|r| format!(" on {r}"))
                .unwrap_or_default();
            let change = if a.now { "now allowed" } else { "now denied" };
            format!("{}{on} ({change})", a.user)
        })
        .collect();
    if d.more_affected {
        parts.push("…".to_string());
    }
    parts.join(", ")
}

/// A comparison as text.
pub fn comparison_human(c: &Comparison, old: &str, new: &str) -> String {
    let mut out = format!("{new} compared with {old}, for every possible user:\n");
    let same = c
        .items
        .iter()
        .filter(|d| d.compared.verdict == Verdict::Same)
        .count();
    out.push_str(&format!(
        "  {same} of {} items allow exactly the same\n",
        c.items.len()
    ));
    for d in c.differences() {
        out.push_str(&format!(
            "  {}: {}{}\n",
            verdict_word(&d.compared.verdict),
            item(&d.compared.item),
            if d.compared.only_new { " (new)" } else { "" }
        ));
        for (what, w) in witnesses(&d.compared.verdict) {
            let (user, resource) = witness_declarations(w);
            out.push_str(&format!("    {what}, for example: {user}\n"));
            if let Some(r) = resource {
                out.push_str(&format!("      on {r}\n"));
            }
        }
        if !d.affected.is_empty() {
            out.push_str(&format!("    users affected: {}\n", affected_text(d)));
        }
    }
    for (label, items) in [(old, &c.only.old), (new, &c.only.new)] {
        if !items.is_empty() {
            let names: Vec<String> = items.iter().map(item).collect();
            out.push_str(&format!("  only in {label}: {}\n", names.join(", ")));
        }
    }
    out.push_str(if c.new_access() {
        "result: the new policy allows something the old one did not\n"
    } else {
        "result: no new access\n"
    });
    out
}

/// A comparison as GitHub workflow notices: one per difference (they have
/// no line of their own), each from the comparison's data, at most 50.
pub fn comparison_github(c: &Comparison) -> String {
    let mut out = String::new();
    for d in c.differences().take(50) {
        let mut text = format!(
            "{}: {}{}",
            verdict_word(&d.compared.verdict),
            item(&d.compared.item),
            if d.compared.only_new { " (new)" } else { "" }
        );
        for (what, w) in witnesses(&d.compared.verdict) {
            let (user, resource) = witness_declarations(w);
            text.push_str(&format!("; {what}, for example: {user}"));
            if let Some(r) = resource {
                text.push_str(&format!(" on {r}"));
            }
        }
        if !d.affected.is_empty() {
            text.push_str(&format!("; users affected: {}", affected_text(d)));
        }
        out.push_str(&format!(
            "::notice title=rights diff (every possible user)::{}\n",
            super::diff::github_escape(&text)
        ));
    }
    out
}

/// A comparison as JSON.
pub fn comparison_json(c: &Comparison, old: &str, new: &str) -> Value {
    let witness = |w: &Witness| {
        let (user, resource) = witness_declarations(w);
        json!({ "user": user, "resource": resource })
    };
    json!({
        "old": old,
        "new": new,
        "new_access": c.new_access(),
        "items": c.items.iter().map(|d| {
            let mut v = item_json(&d.compared.item);
            v["verdict"] = json!(verdict_json(&d.compared.verdict));
            v["only_new"] = json!(d.compared.only_new);
            match &d.compared.verdict {
                Verdict::Same => {}
                Verdict::More(w) => v["gains"] = witness(w),
                Verdict::Less(w) => v["loses"] = witness(w),
                Verdict::Both { more, less } => {
                    v["gains"] = witness(more);
                    v["loses"] = witness(less);
                }
            }
            if d.compared.verdict != Verdict::Same {
                v["affected"] = json!(d.affected.iter().map(|a| json!({
                    "user": a.user,
                    "resource": a.resource,
                    "now": if a.now { "allow" } else { "deny" },
                })).collect::<Vec<_>>());
                v["more_affected"] = json!(d.more_affected);
            }
            v
        }).collect::<Vec<_>>(),
        "only_in_old": c.only.old.iter().map(item_json).collect::<Vec<_>>(),
        "only_in_new": c.only.new.iter().map(item_json).collect::<Vec<_>>(),
    })
}

/// A comparison as Markdown (for a pull-request comment).
pub fn comparison_markdown(c: &Comparison, old: &str, new: &str) -> String {
    let mut out = format!("## `{new}` compared with `{old}`\n\n");
    out.push_str(if c.new_access() {
        "**The new policy allows something the old one did not.**\n\n"
    } else {
        "No new access.\n\n"
    });
    let diffs: Vec<&Difference> = c.differences().collect();
    if diffs.is_empty() {
        out.push_str(&format!(
            "All {} items allow exactly the same, for every possible user.\n",
            c.items.len()
        ));
    } else {
        out.push_str("| item | change | for example | users affected |\n");
        out.push_str("| --- | --- | --- | --- |\n");
        for d in diffs {
            let examples: Vec<String> = witnesses(&d.compared.verdict)
                .into_iter()
                .map(|(what, w)| {
                    let (user, resource) = witness_declarations(w);
                    let on = resource.map(|r| format!(" on `{r}`")).unwrap_or_default();
                    format!("{what}: `{user}`{on}")
                })
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                (item(&d.compared.item) + if d.compared.only_new { " (new)" } else { "" })
                    .replace('|', "\\|"),
                verdict_word(&d.compared.verdict),
                examples.join("<br>").replace('|', "\\|"),
                affected_text(d).replace('|', "\\|"),
            ));
        }
    }
    for (label, items) in [(old, &c.only.old), (new, &c.only.new)] {
        if !items.is_empty() {
            let names: Vec<String> = items.iter().map(item).collect();
            out.push_str(&format!("\nOnly in `{label}`: {}.\n", names.join(", ")));
        }
    }
    out
}

/// The differences no user of the data exercises yet (with `rights diff
/// --symbolic`): they would change someone's answer, but nobody's today.
pub fn unexercised_human(c: &Comparison) -> String {
    let quiet: Vec<String> = c
        .differences()
        .filter(|d| d.affected.is_empty())
        .map(|d| item(&d.compared.item))
        .collect();
    if quiet.is_empty() {
        "every difference above changes some user of the data\n".to_string()
    } else {
        format!(
            "not exercised by any user of the data yet: {}\n",
            quiet.join(", ")
        )
    }
}
