//! `rights diff` in words: a summary first, then the changes folded by what
//! changed and why; as text (coloured on a terminal), JSON (every change),
//! Markdown for a pull request (summary table, details folded away, capped)
//! and GitHub annotations on the lines that caused them.

use crate::diff::{Cause, Change, Diff, Group, On, Side, What};
use crate::sema::model::Visibility;
use serde_json::{json, Value};

/// At most this many groups in Markdown (a pull-request comment has a size
/// limit); the rest are counted.
pub const MARKDOWN_GROUPS: usize = 200;
/// At most this many users named per group in text and Markdown.
const USERS_NAMED: usize = 8;

fn on(o: &On) -> String {
    match o {
        On::Resource(r) => format!(" on `{r}`"),
        On::Others(0) => " on every other resource".to_string(),
        On::Others(n) => format!(" on {n} other resource{}", if *n == 1 { "" } else { "s" }),
    }
}

fn vis(v: Option<Visibility>) -> &'static str {
    match v {
        None => "no row",
        Some(Visibility::Full) => "in full",
        Some(Visibility::NameOnly) => "name only",
    }
}

/// What changed, in words: "right `report.x`", "`view` on `r1`".
pub fn what(w: &What) -> String {
    match w {
        What::Right(r) => format!("right `{r}`"),
        What::Role(r) => format!("role `{r}`"),
        What::Group(g) => format!("membership of group `{g}`"),
        What::DefaultRole { before, after } => format!(
            "default role: {} → {}",
            before
                .as_deref()
                .map_or("none".to_string(), |x| format!("`{x}`")),
            after
                .as_deref()
                .map_or("none".to_string(), |x| format!("`{x}`"))
        ),
        What::Action { action, on: o } => {
            format!("`{action}`{}", o.as_ref().map(on).unwrap_or_default())
        }
        What::Run(r) => format!("running report `{r}`"),
        What::Row {
            report,
            on: o,
            before,
            after,
        } => format!(
            "row of report `{report}`{}: {} → {}",
            on(o),
            vis(*before),
            vis(*after)
        ),
        What::Access { level, on: o } => format!("access `{level}`{}", on(o)),
        What::Assign { role, on: o } => format!(
            "assigning role `{role}`{}",
            o.as_ref().map(on).unwrap_or_default()
        ),
        What::AssignAccess { level, on: o } => format!("granting access `{level}`{}", on(o)),
    }
}

fn kind(w: &What) -> &'static str {
    match w {
        What::Right(_) => "right",
        What::Role(_) => "role",
        What::Group(_) => "group",
        What::DefaultRole { .. } => "default_role",
        What::Action { .. } => "action",
        What::Run(_) => "run",
        What::Row { .. } => "row",
        What::Access { .. } => "access",
        What::Assign { .. } => "assign",
        What::AssignAccess { .. } => "assign_access",
    }
}

fn cause(c: &Cause) -> String {
    let sign = match c.side {
        Side::Added => "+",
        Side::Removed => "-",
    };
    format!("{sign} {}:{}  {}", c.file, c.line, c.text)
}

fn users(g: &Group) -> String {
    let mut names: Vec<&str> = g
        .users
        .iter()
        .take(USERS_NAMED)
        .map(String::as_str)
        .collect();
    if g.users.len() > USERS_NAMED {
        names.push("…");
    }
    names.join(", ")
}

fn who(g: &Group) -> String {
    let n = g.users.len();
    format!("{n} user{}", if n == 1 { "" } else { "s" })
}

/// Counts for the summary: (gained, lost) per kind, in a fixed order.
fn counts(d: &Diff) -> Vec<(&'static str, usize, usize)> {
    let kinds = [
        ("rights", "right"),
        ("roles", "role"),
        ("groups", "group"),
        ("default roles", "default_role"),
        ("actions", "action"),
        ("reports run", "run"),
        ("report rows", "row"),
        ("access", "access"),
        ("assigning roles", "assign"),
        ("granting access", "assign_access"),
    ];
    kinds
        .iter()
        .map(|(label, k)| {
            let of = |gained: bool| {
                d.changes
                    .iter()
                    .filter(|c| kind(&c.what) == *k && c.gained == gained)
                    .count()
            };
            (*label, of(true), of(false))
        })
        .filter(|(_, g, l)| g + l > 0)
        .collect()
}

fn affected_users(d: &Diff) -> usize {
    let mut u: Vec<&str> = d.changes.iter().map(|c| c.user.as_str()).collect();
    u.sort_unstable();
    u.dedup();
    u.len()
}

/// The diff as text; `color` adds green and red.
pub fn human(d: &Diff, old: &str, new: &str, color: bool) -> String {
    let (green, red, off) = if color {
        ("\x1b[32m", "\x1b[31m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    let mut out = String::new();
    let gained = d.changes.iter().filter(|c| c.gained).count();
    let lost = d.changes.len() - gained;
    out.push_str(&format!(
        "{new} compared with {old}: {} change{} for {} user{} ({gained} gained, {lost} lost)\n",
        d.changes.len(),
        if d.changes.len() == 1 { "" } else { "s" },
        affected_users(d),
        if affected_users(d) == 1 { "" } else { "s" },
    ));
    for (label, g, l) in counts(d) {
        out.push_str(&format!("  {label}: {green}+{g}{off} {red}-{l}{off}\n"));
    }
    if !d.users_added.is_empty() {
        out.push_str(&format!(
            "  users only in the new data: {}\n",
            d.users_added.join(", ")
        ));
    }
    if !d.users_removed.is_empty() {
        out.push_str(&format!(
            "  users only in the old data: {}\n",
            d.users_removed.join(", ")
        ));
    }
    if d.changes.is_empty() && d.users_added.is_empty() && d.users_removed.is_empty() {
        out.push_str(if d.texts_differ {
            "  no user's decisions change\n"
        } else {
            "  the two versions are the same\n"
        });
        return out;
    }
    for g in d.groups() {
        let (sign, c) = if g.gained { ("+", green) } else { ("-", red) };
        let verb = if g.gained { "gain" } else { "lose" };
        out.push_str(&format!(
            "{c}{sign}{off} {}: {} {verb}{} it ({})\n",
            what(&g.what),
            who(&g),
            if g.users.len() == 1 { "s" } else { "" },
            users(&g)
        ));
        if g.causes.is_empty() {
            out.push_str("    because: no changed line appears in its explanations\n");
        }
        for cz in &g.causes {
            out.push_str(&format!("    because: {}\n", cause(cz)));
        }
    }
    out
}

fn cause_json(c: &Cause) -> Value {
    json!({
        "side": match c.side { Side::Added => "added", Side::Removed => "removed" },
        "file": c.file,
        "line": c.line,
        "text": c.text,
    })
}

fn what_json(w: &What) -> Value {
    let mut v = json!({ "kind": kind(w) });
    let on_json = |o: &On| match o {
        On::Resource(r) => json!({ "resource": r }),
        On::Others(n) => json!({ "other_resources": n }),
    };
    match w {
        What::Right(x) | What::Role(x) | What::Group(x) | What::Run(x) => v["name"] = json!(x),
        What::DefaultRole { before, after } => {
            v["before"] = json!(before);
            v["after"] = json!(after);
        }
        What::Action { action, on } => {
            v["name"] = json!(action);
            v["on"] = on.as_ref().map_or(Value::Null, on_json);
        }
        What::Row {
            report,
            on,
            before,
            after,
        } => {
            v["name"] = json!(report);
            v["on"] = on_json(on);
            let s = |x: Option<Visibility>| match x {
                None => Value::Null,
                Some(Visibility::Full) => json!("full"),
                Some(Visibility::NameOnly) => json!("name_only"),
            };
            v["before"] = s(*before);
            v["after"] = s(*after);
        }
        What::Access { level, on } | What::AssignAccess { level, on } => {
            v["name"] = json!(level);
            v["on"] = on_json(on);
        }
        What::Assign { role, on } => {
            v["name"] = json!(role);
            v["on"] = on.as_ref().map_or(Value::Null, on_json);
        }
    }
    v
}

/// The diff as JSON: every change, and the groups.
pub fn json(d: &Diff, old: &str, new: &str) -> Value {
    let change = |c: &Change| {
        let mut v = what_json(&c.what);
        v["user"] = json!(c.user);
        v["gained"] = json!(c.gained);
        v["causes"] = json!(c.causes.iter().map(cause_json).collect::<Vec<_>>());
        v
    };
    json!({
        "old": old,
        "new": new,
        "new_access": d.new_access(),
        "summary": counts(d).iter().map(|(k, g, l)| json!({"kind": k, "gained": g, "lost": l})).collect::<Vec<_>>(),
        "users_added": d.users_added,
        "users_removed": d.users_removed,
        "changes": d.changes.iter().map(change).collect::<Vec<_>>(),
        "groups": d.groups().iter().map(|g| {
            let mut v = what_json(&g.what);
            v["gained"] = json!(g.gained);
            v["users"] = json!(g.users);
            v["causes"] = json!(g.causes.iter().map(cause_json).collect::<Vec<_>>());
            v
        }).collect::<Vec<_>>(),
    })
}

/// The diff as Markdown for a pull-request comment.
pub fn markdown(d: &Diff, old: &str, new: &str) -> String {
    let mut out = format!("## Access changes: `{new}` compared with `{old}`\n\n");
    let gained = d.changes.iter().filter(|c| c.gained).count();
    out.push_str(&format!(
        "{} change{} for {} user{}: **{gained} gained**, {} lost.\n\n",
        d.changes.len(),
        if d.changes.len() == 1 { "" } else { "s" },
        affected_users(d),
        if affected_users(d) == 1 { "" } else { "s" },
        d.changes.len() - gained
    ));
    let rows = counts(d);
    if !rows.is_empty() {
        out.push_str("| | gained | lost |\n| --- | ---: | ---: |\n");
        for (label, g, l) in rows {
            out.push_str(&format!("| {label} | {g} | {l} |\n"));
        }
        out.push('\n');
    }
    for (label, list) in [
        ("Users only in the new data", &d.users_added),
        ("Users only in the old data", &d.users_removed),
    ] {
        if !list.is_empty() {
            out.push_str(&format!("{label}: {}.\n\n", list.join(", ")));
        }
    }
    let groups = d.groups();
    for (title, gained) in [("Gained", true), ("Lost", false)] {
        let mine: Vec<&Group> = groups.iter().filter(|g| g.gained == gained).collect();
        if mine.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "<details><summary>{title}: {} change{}</summary>\n\n",
            mine.len(),
            if mine.len() == 1 { "" } else { "s" }
        ));
        for g in mine.iter().take(MARKDOWN_GROUPS) {
            let because: Vec<String> = g
                .causes
                .iter()
                .map(|c| format!("`{}`", cause(c).replace('`', "'")))
                .collect();
            out.push_str(&format!(
                "- {} — {} ({}){}\n",
                what(&g.what),
                who(g),
                users(g),
                if because.is_empty() {
                    String::new()
                } else {
                    format!(" — because {}", because.join(", "))
                }
            ));
        }
        if mine.len() > MARKDOWN_GROUPS {
            out.push_str(&format!(
                "- … and {} more (see `--format json`)\n",
                mine.len() - MARKDOWN_GROUPS
            ));
        }
        out.push_str("\n</details>\n\n");
    }
    out
}

/// GitHub workflow commands: a notice on each line that caused changes.
pub fn github(d: &Diff) -> String {
    let mut out = String::new();
    for g in d.groups() {
        for c in &g.causes {
            let text = format!(
                "{}: {} {} it",
                what(&g.what),
                who(&g),
                if g.gained { "gain" } else { "lose" }
            );
            let escaped = text.replace('%', "%25").replace('\n', "%0A");
            match c.side {
                // a line the new version has: annotate it
                Side::Added => out.push_str(&format!(
                    "::notice file={},line={},title=rights diff::{escaped}\n",
                    c.file, c.line
                )),
                // a removed line exists only in the old version: annotate the file
                Side::Removed => out.push_str(&format!(
                    "::notice file={},title=rights diff (removed line {})::{escaped}\n",
                    c.file, c.line
                )),
            }
        }
    }
    out
}
