//! Answers as text for people: a verdict line and reasons as a tree for
//! `can`/`explain`, tables for listings and reports.

use super::Words;
use crate::eval::answer::*;
use crate::eval::explain::{Explanation, Reason};
use crate::sema::model::*;

impl Words<'_> {
    pub(super) fn resource(&self, r: ResourceId) -> &Resource {
        &self.program.data.resources[r.index()]
    }

    /// An answer as text.
    pub fn human(&self, answer: &Answer) -> String {
        let mut out = String::new();
        match answer {
            Answer::Can {
                explanation,
                detailed,
            } => self.human_explanation(&mut out, explanation, *detailed),
            Answer::Who { target, on, users } => {
                let subject = self.target(*target, *on);
                if users.is_empty() {
                    out.push_str(&format!("no user can {subject}\n"));
                } else {
                    let n = users.len();
                    out.push_str(&format!(
                        "{n} user{} can {subject}:\n",
                        if n == 1 { "" } else { "s" }
                    ));
                    let width = users.iter().map(|&u| self.user(u).len()).max().unwrap_or(0);
                    for &u in users {
                        let label = self.program.data.users[u.index()]
                            .meta
                            .label
                            .as_deref()
                            .unwrap_or("");
                        let line = format!("  {:width$}  {label}", self.user(u));
                        out.push_str(line.trim_end());
                        out.push('\n');
                    }
                }
            }
            Answer::What(w) => self.human_what(&mut out, w),
            Answer::Groups(g) => self.human_groups(&mut out, g),
            Answer::Rights(r) => self.human_rights(&mut out, r),
            Answer::Roles(r) => self.human_roles(&mut out, r),
            Answer::Report(r) => self.human_report(&mut out, r),
            Answer::Where {
                user,
                target,
                event,
                resources,
            } => {
                let subject = self.where_subject(*user, *target, *event);
                if resources.is_empty() {
                    out.push_str(&format!(
                        "on no resource can {subject}
"
                    ));
                } else {
                    let n = resources.len();
                    out.push_str(&format!(
                        "on {n} resource{} can {subject}:\n",
                        if n == 1 { "" } else { "s" }
                    ));
                    let width = resources
                        .iter()
                        .map(|&r| self.resource_name(r).len())
                        .max()
                        .unwrap_or(0);
                    for &r in resources {
                        let label = self.resource(r).meta.label.as_deref().unwrap_or("");
                        let line = format!("  {:width$}  {label}", self.resource_name(r));
                        out.push_str(line.trim_end());
                        out.push('\n');
                    }
                }
            }
            Answer::Expiring(x) => {
                if x.items.is_empty() {
                    out.push_str(&format!(
                        "nothing expires within {} days of {}\n",
                        x.days, x.day
                    ));
                } else {
                    out.push_str(&format!(
                        "{} item{} expire{} within {} days of {}:\n",
                        x.items.len(),
                        if x.items.len() == 1 { "" } else { "s" },
                        if x.items.len() == 1 { "s" } else { "" },
                        x.days,
                        x.day
                    ));
                    for e in &x.items {
                        out.push_str(&format!(
                            "  {}  {}: {} {}  ({})\n",
                            e.window.until.map(|d| d.to_string()).unwrap_or_default(),
                            self.user(e.user),
                            self.expiring_what(e.what),
                            e.window.words(),
                            self.sources.file_line(e.at)
                        ));
                    }
                }
            }
        }
        out
    }

    /// "jane view_history" for `where can jane access view_history`.
    pub fn where_subject(&self, user: UserId, target: Target, event: Option<EventId>) -> String {
        let mut s = format!("{} {}", self.user(user), self.target(target, None));
        if let Some(e) = event {
            s.push_str(&format!(
                " for event {}",
                self.program.data.event(e).meta.name
            ));
        }
        s
    }

    /// What an expiring item is: "role `reporter`", "`view` access on `r`".
    pub fn expiring_what(&self, w: ExpiringWhat) -> String {
        let p = &self.program.policy;
        match w {
            ExpiringWhat::Role(r) => format!("role `{}`", p.role(r).meta.name),
            ExpiringWhat::Right(r) => format!("right `{}`", p.right(r).meta.name),
            ExpiringWhat::Revoke(r) => format!("revoke of `{}`", p.right(r).meta.name),
            ExpiringWhat::Group(g) => format!("group `{}`", self.group(g)),
            ExpiringWhat::Access(r, l) => format!(
                "`{}` access on `{}`",
                p.access_level(l).meta.name,
                self.resource_name(r)
            ),
            ExpiringWhat::RevokeAccess(r, l) => format!(
                "revoke of `{}` access on `{}`",
                p.access_level(l).meta.name,
                self.resource_name(r)
            ),
        }
    }

    /// An answer on one line, for `--brief` streams (answer N on line N):
    /// `allow`/`deny` for `can`, otherwise the names listed, space-separated
    /// (empty when there are none); a report the user may not run is `deny`.
    pub fn brief(&self, answer: &Answer) -> String {
        let names: Vec<&str> = match answer {
            Answer::Can { explanation, .. } => {
                return if explanation.allowed { "allow" } else { "deny" }.into()
            }
            Answer::Who { users, .. } => users.iter().map(|&u| self.user(u)).collect(),
            Answer::What(w) => {
                let p = &self.program.policy;
                let actions = w
                    .actions
                    .iter()
                    .map(|(a, _)| p.action(*a).meta.name.as_str());
                let reports = w
                    .reports
                    .iter()
                    .map(|(r, _)| p.report(*r).meta.name.as_str());
                let access = w
                    .access
                    .iter()
                    .map(|(l, _)| p.access_level(*l).meta.name.as_str());
                actions.chain(reports).chain(access).collect()
            }
            Answer::Rights(r) => r
                .held
                .iter()
                .map(|h| self.program.policy.right(h.right).meta.name.as_str())
                .collect(),
            Answer::Roles(r) => r
                .roles
                .iter()
                .map(|(role, _)| self.program.policy.role(*role).meta.name.as_str())
                .collect(),
            Answer::Groups(g) => g.groups.iter().map(|m| self.group(m.group)).collect(),
            Answer::Report(r) => match &r.rows {
                None => return "deny".into(),
                Some(rows) => rows.iter().map(|(x, _)| self.resource_name(*x)).collect(),
            },
            Answer::Where { resources, .. } => {
                resources.iter().map(|&r| self.resource_name(r)).collect()
            }
            Answer::Expiring(x) => {
                return x
                    .items
                    .iter()
                    .map(|e| format!("{}:{}", self.user(e.user), e.what.kind()))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        };
        names.join(" ")
    }

    fn human_explanation(&self, out: &mut String, e: &Explanation, detailed: bool) {
        let verdict = if e.allowed { "allow" } else { "deny" };
        let subject = self.subject(&e.subject, e.allowed);
        out.push_str(&format!("{verdict}: {subject}\n"));
        for r in &e.reasons {
            self.human_reason(out, r, 1);
        }
        if !e.relies_on.is_empty() {
            out.push_str(&format!(
                "it relies on {} given with the question: without it, it would be denied\n",
                self.ask_facts(&e.relies_on)
            ));
        }
        if e.allowed || !detailed {
            return;
        }
        let fixed = !e.fixes.is_empty() && !e.fixes.iter().all(|f| f.is_empty());
        if fixed || !e.ask.is_empty() {
            out.push_str("what would allow it:\n");
            let (shown, more) = self.shown_fixes(e);
            let mut first = true;
            for alt in shown.iter().filter(|a| !a.is_empty()) {
                let lead = if first { "  - " } else { "  - or: " };
                first = false;
                out.push_str(&format!("{lead}{}\n", self.alternative(e.user, alt)));
            }
            if more > 0 {
                out.push_str(&format!("  - and {more} more ({})\n", self.more_fixes_hint));
            }
            for &(c, with) in &e.ask {
                let lead = if first { "  - " } else { "  - or: " };
                first = false;
                out.push_str(&format!("{lead}{}\n", self.ask_fix(c, with)));
            }
        } else {
            let unsearched = e
                .blocked
                .first()
                .is_some_and(|r| matches!(r.fact, crate::eval::explain::Fact::NotSearched(_)));
            out.push_str(if unsearched {
                "what would allow it is not known"
            } else {
                "nothing would allow it"
            });
            if e.blocked.is_empty() {
                out.push('\n');
            } else {
                out.push_str(":\n");
                for r in &e.blocked {
                    self.human_reason(out, r, 1);
                }
            }
        }
    }

    /// "ask with `emergency`", "ask without `on_shift`" (§9.4).
    pub fn ask_fix(&self, c: ContextId, with: bool) -> String {
        format!(
            "ask {} `{}`",
            if with { "with" } else { "without" },
            self.program.policy.context(c).meta.name
        )
    }

    /// "`emergency`", "`a` and `b`": context facts named.
    fn ask_facts(&self, cs: &[ContextId]) -> String {
        let names: Vec<String> = cs
            .iter()
            .map(|&c| format!("`{}`", self.program.policy.context(c).meta.name))
            .collect();
        match names.len() {
            1 => format!("the context fact {}", names[0]),
            _ => format!("the context facts {}", names.join(" and ")),
        }
    }

    fn human_reason(&self, out: &mut String, r: &Reason, depth: usize) {
        let mark = if r.holds { "✓" } else { "✗" };
        let indent = "  ".repeat(depth);
        match self.at(r.site) {
            Some(at) => out.push_str(&format!("{indent}{mark} {}  [{at}]\n", self.fact(&r.fact))),
            None => out.push_str(&format!("{indent}{mark} {}\n", self.fact(&r.fact))),
        }
        for c in &r.because {
            self.human_reason(out, c, depth + 1);
        }
    }

    fn human_what(&self, out: &mut String, w: &WhatAnswer) {
        let on =
            w.on.map(|r| format!(" on `{}`", self.resource(r).meta.name))
                .unwrap_or_default();
        let user = self.user(w.user);
        let nothing = w.actions.is_empty() && w.reports.is_empty() && w.access.is_empty();
        match &w.elsewhere {
            // without a resource, "nothing" would hide what needs one
            Some(e) if nothing => {
                out.push_str(&format!(
                    "without a resource, {user} may run no report and do no action\n"
                ));
                self.human_elsewhere(out, user, e);
                return;
            }
            _ if nothing => {
                out.push_str(&format!("{user} can do nothing{on}\n"));
                return;
            }
            _ => {}
        }
        out.push_str(&format!("what {user} can do{on}:\n"));
        if !w.actions.is_empty() {
            out.push_str("  actions:\n");
            for (a, e) in &w.actions {
                let m = &self.program.policy.action(*a).meta;
                out.push_str(&format!("    {}{}\n", m.name, label_suffix(&m.label)));
                for r in &e.reasons {
                    self.human_reason(out, r, 3);
                }
            }
        }
        if !w.reports.is_empty() {
            out.push_str("  reports:\n");
            for (rep, e) in &w.reports {
                let m = &self.program.policy.report(*rep).meta;
                out.push_str(&format!("    {}{}\n", m.name, label_suffix(&m.label)));
                for r in &e.reasons {
                    self.human_reason(out, r, 3);
                }
            }
        }
        if !w.access.is_empty() {
            out.push_str("  access:\n");
            for (l, e) in &w.access {
                let m = &self.program.policy.access_level(*l).meta;
                out.push_str(&format!("    {}{}\n", m.name, label_suffix(&m.label)));
                for r in &e.reasons {
                    self.human_reason(out, r, 3);
                }
            }
        }
        if let Some(e) = &w.elsewhere {
            self.human_elsewhere(out, user, e);
        }
    }

    /// What `what can U do` without a resource leaves out.
    fn human_elsewhere(&self, out: &mut String, user: &str, e: &Elsewhere) {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        if e.rights > 0 {
            out.push_str(&format!(
                "{user} holds {} right{} (`rights {user}` lists them)\n",
                e.rights,
                plural(e.rights)
            ));
        }
        if !e.access_on.is_empty() {
            const SHOWN: usize = 10;
            let mut names: Vec<String> = e
                .access_on
                .iter()
                .take(SHOWN)
                .map(|&r| format!("`{}`", self.resource_name(r)))
                .collect();
            if e.access_on.len() > SHOWN {
                names.push(format!("and {} more", e.access_on.len() - SHOWN));
            }
            out.push_str(&format!(
                "{user} has access on {} resource{}: {}\n",
                e.access_on.len(),
                plural(e.access_on.len()),
                names.join(", ")
            ));
        }
        if !e.resource_actions.is_empty() {
            let names: Vec<String> = e
                .resource_actions
                .iter()
                .map(|&a| format!("`{}`", self.program.policy.action(a).meta.name))
                .collect();
            let example = e
                .access_on
                .first()
                .map_or("RESOURCE", |&r| self.resource_name(r));
            out.push_str(&format!(
                "{} action{} {} decided on a resource ({}): ask `what can {user} do on {example}`\n",
                names.len(),
                plural(names.len()),
                if names.len() == 1 { "is" } else { "are" },
                names.join(", ")
            ));
        }
    }

    fn human_groups(&self, out: &mut String, g: &GroupsAnswer) {
        let user = self.user(g.user);
        if g.groups.is_empty() {
            out.push_str(&format!("{user} is in no group\n"));
            return;
        }
        out.push_str(&format!("groups of {user}:\n"));
        let width = g
            .groups
            .iter()
            .map(|m| self.group(m.group).len())
            .max()
            .unwrap_or(0);
        for m in &g.groups {
            let window =
                m.at.and_then(|s| self.item_window(g.user, Windowed::Groups, s))
                    .map(|w| format!(" {}", w.words()))
                    .unwrap_or_default();
            let how = match m.via {
                None => format!("direct{window}"),
                Some(v) => format!("through {}{window}", self.group(v)),
            };
            let at =
                m.at.map(|s| format!(" [{}]", self.sources.file_line(s)))
                    .unwrap_or_default();
            let label = self
                .program
                .data
                .groups
                .get(m.group.index())
                .and_then(|x| x.meta.label.as_ref())
                .map(|l| format!("  ({l})"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {:width$}  {how}{at}{label}\n",
                self.group(m.group)
            ));
        }
    }

    fn human_rights(&self, out: &mut String, r: &RightsAnswer) {
        let user = self.user(r.user);
        let n = r.held.len();
        if n == 0 {
            out.push_str(&format!("{user} holds no rights\n"));
        } else {
            out.push_str(&format!(
                "{user} holds {n} right{}:\n",
                if n == 1 { "" } else { "s" }
            ));
        }
        let width = r
            .held
            .iter()
            .map(|h| self.program.policy.right(h.right).meta.name.len())
            .max()
            .unwrap_or(0);
        let lwidth = max_chars(
            r.held
                .iter()
                .map(|h| self.program.policy.right(h.right).meta.label.as_deref()),
        );
        let mut any_redundant = false;
        for h in &r.held {
            let m = &self.program.policy.right(h.right).meta;
            let mut sources: Vec<String> = h
                .from_roles
                .iter()
                .map(|(role, span, group)| {
                    let through = group.map_or(String::new(), |g| {
                        format!(" (from group {})", self.group(g))
                    });
                    format!(
                        "via role {}{through} [{}]",
                        self.program.policy.role(*role).meta.name,
                        self.sources.file_line(*span)
                    )
                })
                .collect();
            if let Some(span) = h.direct {
                let window = self
                    .item_window(r.user, Windowed::Grants, span)
                    .map(|w| format!(" {}", w.words()))
                    .unwrap_or_default();
                sources.push(format!(
                    "granted directly{window} [{}]",
                    self.sources.file_line(span)
                ));
            }
            let star = if h.redundant {
                any_redundant = true;
                "*"
            } else {
                " "
            };
            let label = m.label.as_deref().unwrap_or("");
            let pad = lwidth.saturating_sub(label.chars().count());
            out.push_str(&format!(
                "  {star} {:width$}  {label}{}  {}\n",
                m.name,
                " ".repeat(pad),
                sources.join(", ")
            ));
        }
        if any_redundant {
            out.push_str("  * granted directly, though a role already gives it\n");
        }
        if !r.removed.is_empty() {
            out.push_str("taken away:\n");
            for (right, reasons) in &r.removed {
                let m = &self.program.policy.right(*right).meta;
                out.push_str(&format!("    {}{}\n", m.name, label_suffix(&m.label)));
                for reason in reasons {
                    self.human_reason(out, reason, 3);
                }
            }
        }
    }

    fn human_roles(&self, out: &mut String, r: &RolesAnswer) {
        let user = self.user(r.user);
        if r.roles.is_empty() {
            out.push_str(&format!("{user} has no roles\n"));
            return;
        }
        out.push_str(&format!("roles of {user}:\n"));
        let width = r
            .roles
            .iter()
            .map(|(role, _)| self.program.policy.role(*role).meta.name.len())
            .max()
            .unwrap_or(0);
        for (role, how) in &r.roles {
            let m = &self.program.policy.role(*role).meta;
            let how = match how {
                RoleHow::Explicit(s) => match self.item_window(r.user, Windowed::Roles, *s) {
                    Some(w) => format!(
                        "{} {} [{}]",
                        self.role_how(how),
                        w.words(),
                        self.sources.file_line(*s)
                    ),
                    None => format!("{} [{}]", self.role_how(how), self.sources.file_line(*s)),
                },
                RoleHow::Default(s) | RoleHow::Group(_, s) => {
                    format!("{} [{}]", self.role_how(how), self.sources.file_line(*s))
                }
                RoleHow::Inherited(_) => self.role_how(how),
            };
            out.push_str(&format!(
                "  {:width$}  {how}{}\n",
                m.name,
                m.label
                    .as_ref()
                    .map(|l| format!("  ({l})"))
                    .unwrap_or_default()
            ));
        }
    }

    fn human_report(&self, out: &mut String, r: &ReportAnswer) {
        let q = &r.question;
        let m = &self.program.policy.report(q.report).meta;
        let user = self.user(q.user);
        let event = q
            .event
            .map(|e| {
                format!(
                    " for event `{}`",
                    self.program.data.events[e.index()].meta.name
                )
            })
            .unwrap_or_default();
        let Some(rows) = &r.rows else {
            out.push_str(&format!(
                "denied: {user} may not run report `{}`{}\n",
                m.name,
                label_suffix(&m.label)
            ));
            self.human_reason(out, &r.requires, 1);
            return;
        };
        let n = rows.len();
        out.push_str(&format!(
            "report `{}`{} as {user}{event}: {n} row{}\n",
            m.name,
            label_suffix(&m.label),
            if n == 1 { "" } else { "s" }
        ));
        if rows.is_empty() {
            return;
        }
        let idw = rows
            .iter()
            .map(|(res, _)| self.resource(*res).meta.name.len())
            .max()
            .unwrap_or(0)
            .max(8);
        let namew = max_chars(
            rows.iter()
                .map(|(res, _)| self.resource(*res).meta.label.as_deref()),
        )
        .max(4);
        out.push_str(&format!(
            "  {:idw$}  {:namew$}  {:9}  DETAILS\n",
            "RESOURCE", "NAME", "SHOWN"
        ));
        for (res, vis) in rows {
            let resource = self.resource(*res);
            let name = resource.meta.label.as_deref().unwrap_or("");
            let pad = namew.saturating_sub(name.chars().count());
            let details = match vis {
                Visibility::Full => resource
                    .details
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                Visibility::NameOnly => String::new(),
            };
            let shown = match vis {
                Visibility::Full => "full",
                Visibility::NameOnly => "name only",
            };
            let line = format!(
                "  {:idw$}  {name}{}  {shown:9}  {details}",
                resource.meta.name,
                " ".repeat(pad)
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
}

/// The widest of some optional labels, in characters.
fn max_chars<'s>(labels: impl Iterator<Item = Option<&'s str>>) -> usize {
    labels
        .map(|l| l.unwrap_or("").chars().count())
        .max()
        .unwrap_or(0)
}

fn label_suffix(label: &Option<String>) -> String {
    label
        .as_ref()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default()
}
