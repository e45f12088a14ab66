//! `rights diff` in words: a summary first, then the changes folded by what
//! changed and why; as text (coloured on a terminal), JSON (every change),
//! Markdown for a pull request (summary table, details folded away, capped)
//! and GitHub annotations on the lines that caused them.

use crate::diff::{Cause, Change, Diff, On, Side, What};
use crate::sema::model::Visibility;
use serde_json::{json, Value};

/// At most this many groups in Markdown (a pull-request comment has a size
/// limit); the rest are counted.
pub const MARKDOWN_GROUPS: usize = 200;
/// At most this many users listed as only in one version's data (Markdown).
const MARKDOWN_USERS_LISTED: usize = 50;
/// At most this many characters in Markdown (GitHub's limit for a comment).
const MARKDOWN_CHARS: usize = 65_536;
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
            event,
            before,
            after,
        } => format!(
            "row of report `{report}`{}{}: {} → {}",
            event
                .as_deref()
                .map(|e| format!(" for event `{e}`"))
                .unwrap_or_default(),
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

/// Groups that differ only in what changed (same kind, same way, same
/// users, same causes) shown as one line: a user moved to a role gains
/// seven rights for one reason, not seven times.
struct Line {
    whats: Vec<What>,
    gained: bool,
    causes: Vec<Cause>,
    users: Vec<String>,
}

fn lines(d: &Diff) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for g in d.groups() {
        let same = out.iter_mut().find(|l| {
            l.gained == g.gained
                && l.causes == g.causes
                && l.users == g.users
                && l.whats.first().is_some_and(|w| kind(w) == kind(&g.what))
        });
        match same {
            Some(l) => l.whats.push(g.what),
            None => out.push(Line {
                whats: vec![g.what],
                gained: g.gained,
                causes: g.causes,
                users: g.users,
            }),
        }
    }
    out
}

fn line_what(l: &Line) -> String {
    match l.whats.as_slice() {
        [one] => what(one),
        many => {
            let plural = match kind(&many[0]) {
                "right" => "rights",
                "role" => "roles",
                "group" => "group memberships",
                "default_role" => "default roles",
                "action" => "actions",
                "run" => "reports to run",
                "row" => "report rows",
                "access" => "access levels",
                "assign" => "roles to assign",
                _ => "levels to grant",
            };
            let shown: Vec<String> = many
                .iter()
                .map(|w| {
                    let full = what(w);
                    [
                        "right ",
                        "role ",
                        "running report ",
                        "row of report ",
                        "access ",
                        "membership of group ",
                        "assigning role ",
                        "granting access ",
                    ]
                    .iter()
                    .find_map(|p| full.strip_prefix(p).map(str::to_string))
                    .unwrap_or(full)
                })
                .collect();
            format!("{} {plural}: {}", many.len(), shown.join("; "))
        }
    }
}

fn line_who(l: &Line) -> (String, String) {
    let n = l.users.len();
    let mut names: Vec<&str> = l
        .users
        .iter()
        .take(USERS_NAMED)
        .map(String::as_str)
        .collect();
    if n > USERS_NAMED {
        names.push("…");
    }
    (
        format!("{n} user{}", if n == 1 { "" } else { "s" }),
        names.join(", "),
    )
}

fn verb(l: &Line) -> &'static str {
    match (l.gained, l.users.len() == 1, l.whats.len() == 1) {
        (true, true, true) => "gains it",
        (true, true, false) => "gains them",
        (true, false, true) => "gain it",
        (true, false, false) => "gain them",
        (false, true, true) => "loses it",
        (false, true, false) => "loses them",
        (false, false, true) => "lose it",
        (false, false, false) => "lose them",
    }
}

/// Users in only one version, each with what they can do there, the first
/// [`MARKDOWN_USERS_LISTED`] of them, then how many more.
fn users_listed(list: &[crate::diff::UserSummary]) -> Vec<String> {
    let mut lines: Vec<String> = list
        .iter()
        .take(MARKDOWN_USERS_LISTED)
        .map(user_summary)
        .collect();
    if list.len() > MARKDOWN_USERS_LISTED {
        lines.push(format!("… and {} more", list.len() - MARKDOWN_USERS_LISTED));
    }
    lines
}

/// "zed: roles regional_admin, viewer; 38 rights; access on 2 resources (3 levels)".
fn user_summary(u: &crate::diff::UserSummary) -> String {
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let roles = if u.roles.is_empty() {
        "no role".to_string()
    } else {
        format!(
            "role{} {}",
            if u.roles.len() == 1 { "" } else { "s" },
            u.roles.join(", ")
        )
    };
    let access = if u.resources == 0 {
        "no access".to_string()
    } else {
        format!(
            "access on {} ({})",
            plural(u.resources, "resource"),
            plural(u.levels, "level")
        )
    };
    format!(
        "{}: {roles}; {}; {access}",
        u.name,
        plural(u.rights, "right")
    )
}

/// Counts for the summary: (gained, lost) per kind, in a fixed order.
/// Per kind of change with any: its label, its `kind` (as in a change's
/// JSON), and the changes gained and lost.
fn counts(d: &Diff) -> Vec<(&'static str, &'static str, usize, usize)> {
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
            (*label, *k, of(true), of(false))
        })
        .chain(std::iter::once((
            "users added, removed",
            "user",
            d.users_added.len(),
            d.users_removed.len(),
        )))
        .filter(|(_, _, g, l)| g + l > 0)
        .collect()
}

/// ", 1 user added, 2 removed" for the summary line (empty when none).
fn users_in_one(d: &Diff) -> String {
    let (a, r) = (d.users_added.len(), d.users_removed.len());
    match (a, r) {
        (0, 0) => String::new(),
        (a, 0) => format!(", {a} user{} added", if a == 1 { "" } else { "s" }),
        (0, r) => format!(", {r} user{} removed", if r == 1 { "" } else { "s" }),
        (a, r) => format!(
            ", {a} user{} added, {r} removed",
            if a == 1 { "" } else { "s" }
        ),
    }
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
        "{new} compared with {old}: {} change{} for {} user{} ({gained} gained, {lost} lost){}\n",
        d.changes.len(),
        if d.changes.len() == 1 { "" } else { "s" },
        affected_users(d),
        if affected_users(d) == 1 { "" } else { "s" },
        users_in_one(d),
    ));
    for (label, _, g, l) in counts(d) {
        out.push_str(&format!("  {label}: {green}+{g}{off} {red}-{l}{off}\n"));
    }
    for (label, list) in [
        (
            "users only in the new data (all they can do is new)",
            &d.users_added,
        ),
        ("users only in the old data", &d.users_removed),
    ] {
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("  {label}:\n"));
        for line in users_listed(list) {
            out.push_str(&format!("    {line}\n"));
        }
    }
    if d.changes.is_empty() && d.users_added.is_empty() && d.users_removed.is_empty() {
        out.push_str(if d.texts_differ {
            "  no user's decisions change\n"
        } else {
            "  the two versions are the same\n"
        });
        return out;
    }
    for l in lines(d) {
        let (sign, c) = if l.gained { ("+", green) } else { ("-", red) };
        let (count, names) = line_who(&l);
        out.push_str(&format!(
            "{c}{sign}{off} {}: {count} {} ({names})\n",
            line_what(&l),
            verb(&l)
        ));
        if l.causes.is_empty() {
            out.push_str("    because: no changed line appears in its explanations\n");
        }
        for cz in &l.causes {
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
            event,
            before,
            after,
        } => {
            v["name"] = json!(report);
            v["on"] = on_json(on);
            if let Some(e) = event {
                v["event"] = json!(e);
            }
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

fn user_json(u: &crate::diff::UserSummary) -> Value {
    json!({"user": u.name, "roles": u.roles, "rights": u.rights, "resources": u.resources, "levels": u.levels})
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
        "summary": counts(d).iter().map(|(label, k, g, l)| json!({"kind": k, "label": label, "gained": g, "lost": l})).collect::<Vec<_>>(),
        "users_added": d.users_added.iter().map(|u| &u.name).collect::<Vec<_>>(),
        "users_removed": d.users_removed.iter().map(|u| &u.name).collect::<Vec<_>>(),
        "added_users": d.users_added.iter().map(user_json).collect::<Vec<_>>(),
        "removed_users": d.users_removed.iter().map(user_json).collect::<Vec<_>>(),
        "changes": d.changes.iter().map(change).collect::<Vec<_>>(),
        "groups": d.groups().iter().map(|g| {
            let mut v = what_json(&g.what);
            // folded over users: each has their own count of other resources
            if v["on"].get("other_resources").is_some() {
                v["on"] = json!({ "every_other_resource": true });
                v["resources"] = json!(g.resources);
            }
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
        "{} change{} for {} user{}: **{gained} gained**, {} lost{}.\n\n",
        d.changes.len(),
        if d.changes.len() == 1 { "" } else { "s" },
        affected_users(d),
        if affected_users(d) == 1 { "" } else { "s" },
        d.changes.len() - gained,
        users_in_one(d),
    ));
    let rows = counts(d);
    if !rows.is_empty() {
        out.push_str("| | gained | lost |\n| --- | ---: | ---: |\n");
        for (label, _, g, l) in rows {
            out.push_str(&format!("| {label} | {g} | {l} |\n"));
        }
        out.push('\n');
    }
    for (label, list) in [
        (
            "Users only in the new data (all they can do is new)",
            &d.users_added,
        ),
        ("Users only in the old data", &d.users_removed),
    ] {
        if !list.is_empty() {
            out.push_str(&format!("{label}:\n\n"));
            for line in users_listed(list) {
                out.push_str(&format!("- {line}\n"));
            }
            out.push('\n');
        }
    }
    let all = lines(d);
    for (title, gained) in [("Gained", true), ("Lost", false)] {
        let mine: Vec<&Line> = all.iter().filter(|l| l.gained == gained).collect();
        if mine.is_empty() {
            continue;
        }
        // the changes, as in the summary above; the lines group them
        let changes = d.changes.iter().filter(|c| c.gained == gained).count();
        out.push_str(&format!(
            "<details><summary>{title}: {changes} change{}{}</summary>\n\n",
            if changes == 1 { "" } else { "s" },
            if mine.len() == changes {
                String::new()
            } else {
                format!(
                    " in {} line{}",
                    mine.len(),
                    if mine.len() == 1 { "" } else { "s" }
                )
            }
        ));
        for l in mine.iter().take(MARKDOWN_GROUPS) {
            let because: Vec<String> = l
                .causes
                .iter()
                .map(|c| format!("`{}`", cause(c).replace('`', "'")))
                .collect();
            let (count, names) = line_who(l);
            out.push_str(&format!(
                "- {} — {count} ({names}){}\n",
                line_what(l),
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
    cap_markdown(out)
}

/// A pull-request comment holds at most 65,536 characters: a longer
/// Markdown diff is cut at a line, closed, and says where the rest is.
fn cap_markdown(mut out: String) -> String {
    if out.chars().count() <= MARKDOWN_CHARS {
        return out;
    }
    let note = "\n… cut here: the comment would pass GitHub's 65,536 characters (see `--format json` for every change)\n";
    let budget = MARKDOWN_CHARS - note.chars().count() - "\n</details>\n".len();
    let cut = out.char_indices().nth(budget).map_or(out.len(), |(i, _)| i);
    let cut = out.get(..cut).and_then(|s| s.rfind('\n')).unwrap_or(0);
    out.truncate(cut + 1);
    // the section lines themselves (a quoted policy line may mention tags)
    let open = out
        .lines()
        .filter(|l| l.starts_with("<details><summary>"))
        .count()
        > out.lines().filter(|l| *l == "</details>").count();
    out.push_str(note);
    if open {
        out.push_str("\n</details>\n");
    }
    out
}

/// GitHub workflow commands: a notice on each line that caused changes.
/// A workflow command's message, escaped (`%`, CR, LF).
pub fn github_escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property, escaped (also `:` and `,`).
fn github_property(s: &str) -> String {
    github_escape(s).replace(':', "%3A").replace(',', "%2C")
}

/// At most this many annotations (GitHub shows only the first few per step).
const MAX_NOTICES: usize = 50;

pub fn github(d: &Diff) -> String {
    let mut out = String::new();
    // users only in the new data: everything they can do is new
    if !d.users_added.is_empty() {
        let shown: Vec<String> = d
            .users_added
            .iter()
            .take(USERS_NAMED)
            .map(user_summary)
            .collect();
        let more = d.users_added.len().saturating_sub(USERS_NAMED);
        out.push_str(&format!(
            "::notice title=rights diff::{}{}\n",
            github_escape(&format!(
                "{} user{} added (all they can do is new): {}",
                d.users_added.len(),
                if d.users_added.len() == 1 { "" } else { "s" },
                shown.join(" | ")
            )),
            if more > 0 {
                format!(" | … and {more} more")
            } else {
                String::new()
            }
        ));
    }
    let mut n = 0;
    let all = lines(d);
    let total: usize = all.iter().map(|l| l.causes.len()).sum();
    for l in &all {
        let (count, _) = line_who(l);
        let text = format!("{}: {count} {}", line_what(l), verb(l));
        let escaped = github_escape(&text);
        for c in &l.causes {
            if n == MAX_NOTICES {
                out.push_str(&format!(
                    "::notice title=rights diff::{} more annotations left out; see the job summary (--format markdown)\n",
                    total - n
                ));
                return out;
            }
            n += 1;
            let file = github_property(&c.file);
            match c.side {
                // a line the new version has: annotate it
                Side::Added => out.push_str(&format!(
                    "::notice file={file},line={},title=rights diff::{escaped}\n",
                    c.line
                )),
                // a removed line exists only in the old version: annotate the file
                Side::Removed => out.push_str(&format!(
                    "::notice file={file},title=rights diff (line {} removed)::{escaped}\n",
                    c.line
                )),
            }
        }
    }
    out
}
