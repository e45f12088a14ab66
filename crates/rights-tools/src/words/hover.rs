//! What the editor shows when the pointer rests on a name or a keyword
//! (Markdown): for a right its label, description, the roles that grant it
//! and the denies that can remove it; for a role its parents, rights and
//! holders; for a user their roles and rights; for an action, report or
//! access level its condition in words.

use super::Words;
use crate::index::Kind;
use crate::sema::model::*;

/// At most this many names in one list of a hover; the rest are counted.
const LIST: usize = 12;

fn list(names: Vec<String>) -> String {
    if names.is_empty() {
        return "none".into();
    }
    let n = names.len();
    let mut s = names.into_iter().take(LIST).collect::<Vec<_>>().join(", ");
    if n > LIST {
        s.push_str(&format!(" and {} more", n - LIST));
    }
    s
}

fn head(kind: &str, m: &Meta) -> String {
    let mut s = format!("**{kind}** `{}`", m.name);
    if let Some(l) = &m.label {
        s.push_str(&format!(" — {l}"));
    }
    if let Some(d) = &m.doc {
        s.push_str("\n\n");
        s.push_str(d);
    }
    s
}

impl Words<'_> {
    /// The hover text of a declared name, or `None` when the name is not in
    /// the compiled policy.
    pub fn hover(&self, kind: Kind, name: &str) -> Option<String> {
        let p = &self.program.policy;
        let d = &self.program.data;
        let n = &p.names;
        Some(match kind {
            Kind::Right => self.hover_right(*n.rights.get(name)?),
            Kind::Role => self.hover_role(*n.roles.get(name)?),
            Kind::User => self.hover_user(*d.user_ids.get(name)?),
            Kind::Action => {
                let a = p.action(*n.actions.get(name)?);
                let on = if a.on_resource { " on a resource" } else { "" };
                format!(
                    "{}\n\nAllowed{on} when {}.",
                    head("action", &a.meta),
                    self.condition(&a.when)
                )
            }
            Kind::Report => self.hover_report(*n.reports.get(name)?),
            Kind::Access => {
                let id = *n.access.get(name)?;
                let l = p.access_level(id);
                let mut s = head("access level", &l.meta);
                for c in &l.also_when {
                    s.push_str(&format!(
                        "\n\nAlso held on a resource when {}.",
                        self.condition(c)
                    ));
                }
                for dn in p.access_denies.iter().filter(|d| d.levels.contains(&id)) {
                    s.push_str(&format!(
                        "\n\nDenied {} ({}).",
                        self.when(dn.when.as_ref()),
                        self.sources.file_line(dn.span)
                    ));
                }
                s
            }
            Kind::Attribute => {
                let id = *n.attributes.get(name)?;
                let users = d
                    .users
                    .iter()
                    .filter_map(|u| {
                        let vs = u.attribute(id);
                        (!vs.is_empty()).then(|| format!("`{}` ({})", u.meta.name, vs.join(", ")))
                    })
                    .collect();
                let resources = d
                    .resources
                    .iter()
                    .filter_map(|r| {
                        let vs = r.attribute(id);
                        (!vs.is_empty()).then(|| format!("`{}` ({})", r.meta.name, vs.join(", ")))
                    })
                    .collect();
                format!(
                    "{}\n\nUsers: {}.\n\nResources: {}.",
                    head("attribute", &p.attribute(id).meta),
                    list(users),
                    list(resources)
                )
            }
            Kind::Context => {
                let id = *n.contexts.get(name)?;
                format!(
                    "{}\n\nGiven with a question: `with {}` (`--with {}`).",
                    head("context fact", &p.context(id).meta),
                    name,
                    name
                )
            }
            Kind::Flag => {
                let id = *n.flags.get(name)?;
                let users = d
                    .users
                    .iter()
                    .filter(|u| u.flags.iter().any(|(f, _)| *f == id))
                    .map(|u| format!("`{}`", u.meta.name))
                    .collect();
                format!(
                    "{}\n\nSet for: {}.",
                    head("flag", &p.flag(id).meta),
                    list(users)
                )
            }
            Kind::Tag => {
                let id = *n.tags.get(name)?;
                let res = d
                    .resources
                    .iter()
                    .filter(|r| r.tags.iter().any(|(t, _)| *t == id))
                    .map(|r| format!("`{}`", r.meta.name))
                    .collect();
                format!(
                    "{}\n\nOn resources: {}.",
                    head("tag", &p.tag(id).meta),
                    list(res)
                )
            }
            Kind::Group => {
                let id = *n.groups.get(name)?;
                let g = d.groups.get(id.index())?;
                let mut s = head("group", &g.meta);
                if let Some(parent) = g.parent {
                    s.push_str(&format!("\n\nInside group `{}`.", self.group(parent)));
                }
                let roles = g.roles.iter().map(|(r, _)| self.role(*r)).collect();
                s.push_str(&format!("\n\nRoles: {}.", list(roles)));
                let members = d
                    .users
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| self.program.in_group(UserId::from_index(*i), id))
                    .map(|(_, u)| format!("`{}`", u.meta.name))
                    .collect();
                s.push_str(&format!("\n\nMembers: {}.", list(members)));
                s
            }
            Kind::Resource => {
                let r = d.resources.get(d.resource_ids.get(name)?.index())?;
                let mut s = head("resource", &r.meta);
                if let Some(parent) = r.parent {
                    s.push_str(&format!("\n\nInside `{}`.", self.resource_name(parent)));
                }
                if !r.tags.is_empty() {
                    let tags = r
                        .tags
                        .iter()
                        .map(|(t, _)| format!("`{}`", p.tag(*t).meta.name))
                        .collect();
                    s.push_str(&format!("\n\nTags: {}.", list(tags)));
                }
                for (role, level, _) in &r.role_access {
                    s.push_str(&format!(
                        "\n\nRole {} has access `{}` here.",
                        self.role(*role),
                        p.access_level(*level).meta.name
                    ));
                }
                s
            }
            Kind::Event => {
                let e = d.events.get(d.event_ids.get(name)?.index())?;
                let res = e
                    .resources
                    .iter()
                    .map(|r| format!("`{}`", self.resource_name(*r)))
                    .collect();
                format!("{}\n\nResources: {}.", head("event", &e.meta), list(res))
            }
            Kind::RightPrefix => {
                let prefix = format!("{name}.");
                let rights: Vec<String> = n
                    .rights_sorted
                    .iter()
                    .filter(|(x, _)| x.starts_with(&prefix))
                    .map(|(_, r)| self.right(*r))
                    .collect();
                format!(
                    "**rights** `{name}.*`\n\nMatches {} rights: {}.",
                    rights.len(),
                    list(rights)
                )
            }
            Kind::Test => format!("**test** \"{name}\""),
        })
    }

    fn hover_right(&self, id: RightId) -> String {
        let p = &self.program.policy;
        let mut s = head("right", &p.right(id).meta);
        let mut direct = Vec::new();
        let mut inherited = Vec::new();
        let code = self.program.code();
        for (i, role) in p.roles.iter().enumerate() {
            let r = RoleId::from_index(i);
            if role.grants.iter().any(|g| g.right == id) {
                direct.push(self.role(r));
            } else if code.role_grants(r, id) {
                inherited.push(self.role(r));
            }
        }
        s.push_str(&format!("\n\nGranted by roles: {}.", list(direct)));
        if !inherited.is_empty() {
            s.push_str(&format!("\n\nThrough inheritance: {}.", list(inherited)));
        }
        for dn in p
            .denies
            .iter()
            .filter(|d| d.rights.iter().any(|x| x.right == id))
        {
            s.push_str(&format!(
                "\n\nDenied {} ({}).",
                self.when(dn.when.as_ref()),
                self.sources.file_line(dn.span)
            ));
        }
        // the same words as the documentation pages: what the right is to
        // each condition that reads it
        let uses = self.needed_by(id);
        for part in [
            super::conditions::RightPart::Needed,
            super::conditions::RightPart::Enough,
            super::conditions::RightPart::Prevents,
            super::conditions::RightPart::Counts,
        ] {
            let these: Vec<String> = uses
                .iter()
                .filter(|(_, p)| *p == part)
                .map(|(u, _)| match *u {
                    super::conditions::Used::Action(a) => {
                        format!("action `{}`", p.action(a).meta.name)
                    }
                    super::conditions::Used::Report(r) => {
                        format!("report `{}`", p.report(r).meta.name)
                    }
                })
                .collect();
            if !these.is_empty() {
                s.push_str(&format!("\n\n{}{}.", part.words(), list(these)));
            }
        }
        s
    }

    fn hover_role(&self, id: RoleId) -> String {
        let p = &self.program.policy;
        let role = p.role(id);
        let mut s = head("role", &role.meta);
        if !role.parents.is_empty() {
            let parents = role.parents.iter().map(|(r, _)| self.role(*r)).collect();
            s.push_str(&format!("\n\nExtends: {}.", list(parents)));
        }
        let rights: Vec<String> = self
            .program
            .role_rights(id)
            .map(|r| self.right(r))
            .collect();
        s.push_str(&format!("\n\nRights ({}): {}.", rights.len(), list(rights)));
        let holders = self
            .program
            .data
            .users
            .iter()
            .enumerate()
            .filter(|(i, _)| self.program.has_role(UserId::from_index(*i), id))
            .map(|(_, u)| format!("`{}`", u.meta.name))
            .collect();
        s.push_str(&format!("\n\nHeld by: {}.", list(holders)));
        s
    }

    /// An editor's hint beside a user's declaration: the roles `roles U`
    /// finds that the declaration does not list (default, inherited, from a
    /// group), with how each comes; `None` when it lists them all.
    pub fn user_roles_hint(&self, name: &str) -> Option<String> {
        let id = *self.program.data.user_ids.get(name)?;
        let unlisted: Vec<String> = self
            .program
            .roles_answer(id)
            .roles
            .iter()
            .filter(|(_, how)| !matches!(how, crate::eval::answer::RoleHow::Explicit(_)))
            .map(|(r, how)| {
                format!(
                    "{} ({})",
                    self.program.policy.role(*r).meta.name,
                    self.role_how(how)
                )
            })
            .collect();
        (!unlisted.is_empty()).then(|| format!("also: {}", unlisted.join(", ")))
    }

    /// An editor's hint beside a `prefix.*` pattern: how many rights it
    /// names (as sema expands it), and the first of them.
    pub fn pattern_hint(&self, prefix: &str) -> String {
        let policy = &self.program.policy;
        let ids = policy.rights_under(prefix);
        let shown: Vec<&str> = ids
            .iter()
            .take(3)
            .map(|&r| policy.right(r).meta.name.as_str())
            .collect();
        let more = if ids.len() > shown.len() { ", …" } else { "" };
        match ids.len() {
            0 => "no rights".into(),
            1 => format!("1 right: {}", shown.join(", ")),
            n => format!("{n} rights: {}{more}", shown.join(", ")),
        }
    }

    fn hover_user(&self, id: UserId) -> String {
        let u = &self.program.data.users[id.index()];
        let mut s = head("user", &u.meta);
        // each role with how it comes, as `roles U` says it
        let roles: Vec<String> = self
            .program
            .roles_answer(id)
            .roles
            .iter()
            .map(|(r, how)| format!("{} ({})", self.role(*r), self.role_how(how)))
            .collect();
        if roles.is_empty() {
            s.push_str("\n\nNo roles.");
        } else {
            s.push_str(&format!("\n\nRoles: {}.", list(roles)));
        }
        let flags: Vec<String> = u
            .flags
            .iter()
            .map(|(f, _)| format!("`{}`", self.program.policy.flag(*f).meta.name))
            .collect();
        if !flags.is_empty() {
            s.push_str(&format!("\n\nFlags: {}.", list(flags)));
        }
        let held = self.program.access_held(id);
        if !held.is_empty() {
            let levels: usize = held.iter().map(|(_, n)| n).sum();
            s.push_str(&format!(
                "\n\nAccess: {levels} level{} on {} resource{}.",
                if levels == 1 { "" } else { "s" },
                held.len(),
                if held.len() == 1 { "" } else { "s" }
            ));
        }
        let groups: Vec<String> = self
            .program
            .groups_of(id)
            .into_iter()
            .map(|g| format!("`{}`", self.group(g)))
            .collect();
        if !groups.is_empty() {
            s.push_str(&format!("\n\nGroups: {}.", list(groups)));
        }
        let rights: Vec<String> = self
            .program
            .rights_of(id)
            .into_iter()
            .map(|r| self.right(r))
            .collect();
        s.push_str(&format!("\n\nRights ({}): {}.", rights.len(), list(rights)));
        // version 3: attribute values, and the items with a window (as of
        // the date the editor answers as of)
        let attrs: Vec<String> = u
            .attributes
            .iter()
            .map(|(a, vs, _)| {
                format!(
                    "`{}` {}",
                    self.program.policy.attribute(*a).meta.name,
                    vs.iter()
                        .map(|v| format!("{v:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        if !attrs.is_empty() {
            s.push_str(&format!("\n\nAttributes: {}.", list(attrs)));
        }
        let undated = &self.program.undated_data().users[id.index()];
        let mut windows: Vec<String> = Vec::new();
        for w in &undated.windows {
            let line = format!(
                "{} ({}{})",
                self.sources.file_line(w.at),
                w.window.words(),
                if w.window.holds(self.program.day()) {
                    ""
                } else {
                    ", not in force"
                }
            );
            if !windows.contains(&line) {
                windows.push(line);
            }
        }
        if !windows.is_empty() {
            s.push_str(&format!(
                "\n\nWindows (as of {}): {}.",
                self.program.day(),
                list(windows)
            ));
        }
        s
    }

    fn hover_report(&self, id: ReportId) -> String {
        let r = self.program.policy.report(id);
        let mut s = head("report", &r.meta);
        s.push_str(&format!(
            "\n\nMay be run when {}.",
            self.condition(&r.requires)
        ));
        let rows = match r.rows {
            RowsSource::Resources => "every resource",
            RowsSource::Event => "the resources of the event it is run for",
        };
        s.push_str(&format!("\n\nRows: {rows}"));
        if let Some(c) = &r.rows_where {
            s.push_str(&format!(", where {}", self.condition(c)));
        }
        s.push('.');
        if let Some(c) = &r.details_when {
            s.push_str(&format!(
                "\n\nA row shows in full when {}; otherwise by name only.",
                self.condition(c)
            ));
        }
        s
    }
}

/// One line of the language reference for a keyword.
pub fn keyword(word: &str) -> Option<&'static str> {
    Some(match word {
        "right" => "`right NAME \"Label\"` declares one right.",
        "rights" => "`rights PREFIX { name \"Label\" … }` declares rights under a common dotted prefix; as a query, `rights U` lists a user's rights.",
        "role" => "`role NAME \"Label\" [extends R, …] { grant …  assigns … }` declares a role; in a condition, `role R` holds for users with that role.",
        "extends" => "`extends R, …`: the role has every right of the roles it extends.",
        "grant" => "`grant PATTERN, …` gives rights: a name, `prefix.*` or `*`.",
        "revoke" => "`revoke PATTERN, …` in a user takes rights away from that user only; `revoke access R: L` takes access away.",
        "deny" => "`deny PATTERN, … [when COND]` removes rights from every user the condition holds for, whatever grants them; `deny access L [when COND]` removes access.",
        "flag" => "`flag NAME \"Label\"` declares a flag users may carry; in a condition, `flag F` holds for users with it.",
        "tag" => "`tag NAME \"Label\"` declares a tag resources may carry; in a condition, `tag T` holds on resources with it.",
        "access" => "`access NAME \"Label\" [also when COND]` declares an access level held on resources; `access L` in a condition holds on the resource asked about.",
        "action" => "`action NAME [on resource] when COND` declares something users do; `can A` in a condition holds when the action is allowed.",
        "report" => "`report NAME { requires COND  rows resources|event [where COND]  details when COND }` declares a report.",
        "requires" => "`requires COND`: who may run the report.",
        "rows" => "`rows resources|event [where COND]`: which resources appear as the report's rows.",
        "details" => "`details when COND`: a row shows in full when the condition holds, otherwise by name only.",
        "default" => "`default role { R when COND … }`: the role of users who list none; the first line that holds gives it.",
        "user" => "`user ID \"Label\" { roles …  grant …  flags …  access R: L }` declares a user (data).",
        "resource" => "`resource ID \"Label\" [in PARENT] { tags …  access for role R: L }` declares a resource (data).",
        "event" => "`event ID { resources R, … }` declares an event whose resources a `rows event` report lists.",
        "group" => "`group ID \"Label\" [in PARENT] { roles …  access R: L }`: its members have its roles and access.",
        "groups" => "`groups G, …` in a user joins groups; as a query, `groups U` lists a user's groups.",
        "assigns" => "`assigns ROLES|* [on resource] [when COND]` or `assigns access LEVELS on resource`: what holders of the role may hand out.",
        "when" => "`when COND`: the rule applies only where the condition holds.",
        "and" | "or" | "not" => "Conditions combine with `not`, `and` and `or` (in that order of binding) and parentheses.",
        "test" => "`test \"name\" { data…  expect … }`: a policy test; its data exists only inside it.",
        "expect" => "`expect [not] can …` or `expect report R as U shows …|denied|empty`: one expectation of a test.",
        "can" => "`can U WHAT [on R]` asks a question; in a condition, `can A` holds when action A is allowed.",
        "on" => "`on resource` scopes an action or assignment to a resource; `on R` in a query names it.",
        _ => return None,
    })
}
