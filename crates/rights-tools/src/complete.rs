//! Completion by context: which keywords, commands and declared names fit
//! after the text typed so far. One logic for every front end (the REPL's
//! line editor, and an editor server).

use crate::workspace::Workspace;

/// Declared names, refreshed after every change to the session's policy.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub users: Vec<String>,
    pub resources: Vec<String>,
    pub events: Vec<String>,
    pub rights: Vec<String>,
    pub roles: Vec<String>,
    pub actions: Vec<String>,
    pub reports: Vec<String>,
    pub access: Vec<String>,
    pub flags: Vec<String>,
    pub groups: Vec<String>,
    pub tags: Vec<String>,
}

impl Names {
    pub fn of(ws: &Workspace) -> Names {
        let Some(program) = ws.program() else {
            return Names::default();
        };
        let (p, d) = (&program.policy, &program.data);
        let quote = crate::syntax::keywords::data_id_text;
        Names {
            users: d.users.iter().map(|x| quote(&x.meta.name)).collect(),
            resources: d.resources.iter().map(|x| quote(&x.meta.name)).collect(),
            events: d.events.iter().map(|x| quote(&x.meta.name)).collect(),
            rights: p.rights.iter().map(|x| x.meta.name.clone()).collect(),
            roles: p.roles.iter().map(|x| x.meta.name.clone()).collect(),
            actions: p.actions.iter().map(|x| x.meta.name.clone()).collect(),
            reports: p.reports.iter().map(|x| x.meta.name.clone()).collect(),
            access: p.access.iter().map(|x| x.meta.name.clone()).collect(),
            flags: p.flags.iter().map(|x| x.meta.name.clone()).collect(),
            groups: d.groups.iter().map(|x| quote(&x.meta.name)).collect(),
            tags: p.tags.iter().map(|x| x.meta.name.clone()).collect(),
        }
    }
}

/// The words that fit after `before` (the text before the word being
/// completed): keywords, the front end's `:commands` and declared names, by
/// context.
pub fn candidates(n: &Names, commands: &[&str], before: &str) -> Vec<String> {
    let mut words: Vec<&str> = before.split_whitespace().collect();
    // inside a list (`grant a, b, |`): what fits is what fits after its keyword
    while words.len() > 1 && words.last().is_some_and(|w| w.ends_with(',')) {
        words.pop();
    }
    let list = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    if let Some(first) = words.first() {
        if let Some(cmd) = first.strip_prefix(':') {
            return match (cmd, words.len()) {
                (c, 1) if "format".starts_with(c) && !c.is_empty() => list(&["human", "json"]),
                _ => Vec::new(),
            };
        }
    }
    let Some(&prev) = words.last() else {
        let mut v: Vec<String> = crate::syntax::keywords::first_words()
            .map(str::to_string)
            .collect();
        v.extend(commands.iter().map(|c| format!(":{c}")));
        return v;
    };
    let first = words[0];
    let is_query = matches!(first, "can" | "explain" | "who" | "what")
        || (matches!(first, "rights" | "roles" | "groups" | "report") && !before.contains('{'));
    let two_back = words.len().checked_sub(2).map(|i| words[i]);
    if is_query {
        // what can follows each word of a query
        return match prev {
            "explain" => list(&["can"]),
            "who" | "what" => list(&["can"]),
            "can" if first == "who" => {
                let mut v = list(&["run", "assign", "access"]);
                v.extend(n.actions.iter().cloned());
                v.extend(n.rights.iter().cloned());
                v
            }
            "can" | "as" | "to" => n.users.clone(),
            "rights" | "roles" | "groups" if words.len() == 1 => n.users.clone(),
            "report" if words.len() == 1 => n.reports.clone(),
            "run" => n.reports.clone(),
            "assign" => {
                let mut v = list(&["access"]);
                v.extend(n.roles.iter().cloned());
                v
            }
            "access" => n.access.clone(),
            "on" => n.resources.clone(),
            "for" => list(&["event"]),
            "event" => n.events.clone(),
            "do" => list(&["on"]),
            _ => match two_back {
                Some("can") if first == "what" => list(&["do"]),
                Some("can") => {
                    let mut v = list(&["run", "assign", "access"]);
                    v.extend(n.actions.iter().cloned());
                    v.extend(n.rights.iter().cloned());
                    v
                }
                Some("report") => list(&["as"]),
                Some("assign") => list(&["to"]),
                Some("access") if words.len() >= 3 && words[words.len() - 3] == "assign" => {
                    list(&["to"])
                }
                Some("access") => list(&["on"]),
                Some("as") => list(&["for"]),
                Some("run") | Some("to") => list(&["on"]),
                _ if n.actions.contains(&prev.to_string()) => list(&["on"]),
                _ => Vec::new(),
            },
        };
    }
    // declarations and conditions
    match prev {
        "right" | "grant" | "revoke" | "deny" => n.rights.clone(),
        "role" | "roles" | "extends" => n.roles.clone(),
        "assigns" => {
            let mut v = list(&["access"]);
            v.extend(n.roles.iter().cloned());
            v
        }
        "flag" | "flags" => n.flags.clone(),
        "tag" | "tags" => n.tags.clone(),
        "group" | "groups" => n.groups.clone(),
        "can" => n.actions.clone(),
        "for" if matches!(first, "resource" | "group") => list(&["role"]),
        "access" if matches!(first, "user" | "group") || two_back == Some("revoke") => {
            n.resources.clone()
        }
        "access" if first == "resource" => {
            let mut v = list(&["for"]);
            v.extend(n.access.iter().cloned());
            v
        }
        "access" => n.access.clone(),
        "in" if first == "group" => n.groups.clone(),
        "resources" | "in" => n.resources.clone(),
        "when" | "and" | "or" | "not" | "requires" | "where" => {
            list(crate::syntax::keywords::CONDITION_WORDS)
        }
        _ => Vec::new(),
    }
}
