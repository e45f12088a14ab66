//! Every sentence users read about answers: facts, questions, fixes and
//! listings, for people ([`Words::human`]) and for machines ([`Words::json`]).
//! The CLI, the REPL and the test runner's report all speak through here, so
//! a fact is worded one way everywhere.
//!
//! - `mod.rs`: facts, subjects, fixes and targets in words;
//! - `human.rs`: answers as text (a verdict line, reasons as a tree, tables);
//! - `json.rs`: answers as JSON;
//! - [`test_report`]: the test runner's report.

pub mod analysis;
mod conditions;
pub mod diff;
pub mod doc;
mod facts3;
mod fixes;
pub mod hover;
mod human;
mod json;
pub mod test_report;

use crate::data::pointer::Entries;
use crate::eval::explain::*;
use crate::ir::{Program, RoleOrigin};
use crate::sema::model::*;
use crate::source::{SourceMap, Span};

/// Per JSON data file (by file id): where its entries start, for the
/// pointers of sites in it.
pub type JsonIndex = rustc_hash::FxHashMap<u32, std::sync::Arc<Entries>>;

/// Every JSON data file of `sources` indexed at once: for a server, whose
/// requests each get words of their own, so that no request indexes a data
/// file again ([`Words::with_json_index`]).
pub fn json_index(sources: &SourceMap) -> JsonIndex {
    sources
        .files()
        .filter(|(_, f)| f.name.ends_with(".json"))
        .map(|(id, f)| (id.0, std::sync::Arc::new(Entries::of(&f.text))))
        .collect()
}

/// Words for one program's answers; `sources` gives `file:line` for sites.
pub struct Words<'a> {
    pub program: &'a Program,
    pub sources: &'a SourceMap,
    /// Per JSON data file: where its entries start (made on first use), for
    /// the pointer of a site in it.
    json_entries: std::cell::RefCell<JsonIndex>,
    /// Places found so far, by file and offset: a stream of answers cites
    /// the same data entries again and again.
    json_places: std::cell::RefCell<rustc_hash::FxHashMap<(u32, u32), JsonPlace>>,
    /// Facts, subjects and sites already worded, for a stream of answers
    /// (the batch path): each is worded once, then looked up. Cleared past
    /// [`WORDED_CAP`] entries.
    worded: std::cell::RefCell<Worded>,
    /// Show every fix found, not the first [`SHOWN_FIXES`] (`--all-fixes`).
    pub all_fixes: bool,
    /// How to see the fixes not shown, in "and 3 more (`--all-fixes`)".
    pub more_fixes_hint: &'static str,
}

/// What [`Words`] remembers of the facts, subjects and sites it worded, as
/// JSON string literals.
#[derive(Default)]
struct Worded {
    facts: rustc_hash::FxHashMap<Fact, std::rc::Rc<str>>,
    subjects: rustc_hash::FxHashMap<Subject, std::rc::Rc<str>>,
    sites: rustc_hash::FxHashMap<(u32, u32), std::rc::Rc<str>>,
}

/// How many worded facts (and subjects, sites, places) a [`Words`] keeps at most.
const WORDED_CAP: usize = 1 << 16;

/// A place in a JSON data file: the column (1-based, in characters) and
/// the JSON Pointer of the value there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonPlace {
    pub column: usize,
    pub pointer: Option<String>,
}

/// Fixes shown for a denial unless all are asked for; the rest are counted
/// ("and 3 more").
pub const SHOWN_FIXES: usize = 4;

impl<'a> Words<'a> {
    pub fn new(program: &'a Program, sources: &'a SourceMap) -> Words<'a> {
        Words {
            program,
            sources,
            json_entries: Default::default(),
            json_places: Default::default(),
            worded: Default::default(),
            all_fixes: false,
            more_fixes_hint: "`--all-fixes`",
        }
    }

    /// The same words, with the data files' entries already indexed
    /// ([`json_index`] of the same sources).
    pub fn with_json_index(self, index: &JsonIndex) -> Words<'a> {
        self.json_entries.replace(index.clone());
        self
    }

    /// The same words, telling how to see every fix in these words (the
    /// REPL's `:fixes all`).
    pub fn with_more_fixes_hint(self, more_fixes_hint: &'static str) -> Words<'a> {
        Words {
            more_fixes_hint,
            ..self
        }
    }

    /// The same words, showing every fix found (`--all-fixes`) or not.
    pub fn with_all_fixes(self, all_fixes: bool) -> Words<'a> {
        Words { all_fixes, ..self }
    }

    /// The fixes of an explanation that are shown, and how many more there are.
    pub fn shown_fixes<'e>(&self, e: &'e Explanation) -> (&'e [Vec<Fix>], usize) {
        let all = e.fixes.as_slice();
        let n = if self.all_fixes {
            all.len()
        } else {
            all.len().min(SHOWN_FIXES)
        };
        (&all[..n], all.len() - n)
    }

    /// [`Words::fact`] as a JSON string literal (quoted, escaped),
    /// remembered: the same fact is worded once per stream.
    pub fn fact_json(&self, f: &Fact) -> std::rc::Rc<str> {
        if let Some(t) = self.worded.borrow().facts.get(f) {
            return t.clone();
        }
        let text: std::rc::Rc<str> = json::literal(&self.fact(f)).into();
        let mut w = self.worded.borrow_mut();
        if w.facts.len() >= WORDED_CAP {
            w.facts.clear();
        }
        w.facts.insert(f.clone(), text.clone());
        text
    }

    /// [`Words::subject`] (as allowed) as a JSON string literal, remembered.
    pub fn subject_json(&self, s: &Subject) -> std::rc::Rc<str> {
        if let Some(t) = self.worded.borrow().subjects.get(s) {
            return t.clone();
        }
        let text: std::rc::Rc<str> = json::literal(&self.subject(s, true)).into();
        let mut w = self.worded.borrow_mut();
        if w.subjects.len() >= WORDED_CAP {
            w.subjects.clear();
        }
        w.subjects.insert(*s, text.clone());
        text
    }

    /// `file:line` of a site as a JSON string literal, remembered.
    pub fn file_line_json(&self, s: Span) -> std::rc::Rc<str> {
        let key = (s.file.0, s.start);
        if let Some(t) = self.worded.borrow().sites.get(&key) {
            return t.clone();
        }
        let text: std::rc::Rc<str> = json::literal(&self.sources.file_line(s)).into();
        let mut w = self.worded.borrow_mut();
        if w.sites.len() >= WORDED_CAP {
            w.sites.clear();
        }
        w.sites.insert(key, text.clone());
        text
    }

    /// Where a site is, for people: `file:line`, and in a JSON data file
    /// (often one long line) `file:line:column`.
    fn at(&self, span: Option<Span>) -> Option<String> {
        let s = span?;
        Some(match self.place(s) {
            Some(p) => format!("{}:{}", self.sources.file_line(s), p.column),
            None => self.sources.file_line(s),
        })
    }

    /// Where a site in a JSON data file is: its column and JSON Pointer
    /// (`/users/76/roles/0`); `None` for a site in a `.rights` file.
    pub fn place(&self, s: Span) -> Option<JsonPlace> {
        if let Some(p) = self.json_places.borrow().get(&(s.file.0, s.start)) {
            return Some(p.clone());
        }
        let file = self.sources.get(s.file)?;
        if !file.name.ends_with(".json") {
            return None;
        }
        let entries = self
            .json_entries
            .borrow_mut()
            .entry(s.file.0)
            .or_insert_with(|| std::sync::Arc::new(Entries::of(&file.text)))
            .clone();
        let (_, column) = file.line_col(s.start);
        let place = JsonPlace {
            column,
            pointer: entries.pointer(&file.text, s.start as usize),
        };
        let mut places = self.json_places.borrow_mut();
        if places.len() >= WORDED_CAP {
            places.clear();
        }
        places.insert((s.file.0, s.start), place.clone());
        Some(place)
    }

    fn user(&self, u: UserId) -> &str {
        self.program
            .data
            .users
            .get(u.index())
            .map_or("?", |x| x.meta.name.as_str())
    }

    fn resource_name(&self, r: ResourceId) -> &str {
        self.program
            .data
            .resources
            .get(r.index())
            .map_or("?", |x| x.meta.name.as_str())
    }

    /// "`report.status_detail` (Report - Status Detail)".
    fn right(&self, r: RightId) -> String {
        conditions::labelled(&self.program.policy.right(r).meta)
    }

    fn role(&self, r: RoleId) -> String {
        format!("`{}`", self.program.policy.role(r).meta.name)
    }

    fn on(&self, r: Option<ResourceId>) -> String {
        r.map(|r| format!(" on `{}`", self.resource_name(r)))
            .unwrap_or_default()
    }

    /// What an explanation answers, as query text a user could type:
    /// `can jane run status_detail on resource_m`; for how a row shows,
    /// `report status_detail as jane`.
    pub fn query_text(&self, s: &Subject) -> String {
        let p = &self.program.policy;
        let id = |name: &str| {
            let bare = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
            if bare {
                name.to_string()
            } else {
                serde_json::Value::from(name).to_string()
            }
        };
        let q = match s {
            Subject::Details { user, report, .. } => {
                return format!(
                    "report {} as {}",
                    p.report(*report).meta.name,
                    id(self.user(*user))
                )
            }
            Subject::Can(q) => q,
        };
        let on =
            q.on.map(|r| format!(" on {}", id(self.resource_name(r))))
                .unwrap_or_default();
        let what = match q.target {
            Target::Right(r) => p.right(r).meta.name.clone(),
            Target::Action(a) => p.action(a).meta.name.clone(),
            Target::Run(r) => format!("run {}", p.report(r).meta.name),
            Target::Assign { role, to } => {
                format!("assign {} to {}", p.role(role).meta.name, id(self.user(to)))
            }
            Target::Access(l) => format!("access {}", p.access_level(l).meta.name),
            Target::AssignAccess { level, to } => format!(
                "assign access {} to {}",
                p.access_level(level).meta.name,
                id(self.user(to))
            ),
        };
        format!("can {} {what}{on}", id(self.user(q.user)))
    }

    /// How a user has a role, in a few words (`roles U`, hovers and pages
    /// say it alike): "explicit", "default role", "inherited through
    /// reporter", "from group nurses".
    pub fn role_how(&self, how: &crate::eval::answer::RoleHow) -> String {
        use crate::eval::answer::RoleHow;
        match how {
            RoleHow::Explicit(_) => "explicit".into(),
            RoleHow::Default(_) => "default role".into(),
            RoleHow::Inherited(from) => format!(
                "inherited through {}",
                self.program.policy.role(*from).meta.name
            ),
            RoleHow::Group(g, _) => format!("from group {}", self.group(*g)),
        }
    }

    /// A fact as a sentence: "jane has no `run_reports` access on
    /// `resource_m`", with the window of the data item it rests on, or of
    /// one that has ended or not begun ("until 2026-12-31").
    pub fn fact(&self, f: &Fact) -> String {
        let s = self.fact_plain(f);
        match self.window_note(f) {
            Some(note) => format!("{s} ({note})"),
            None => s,
        }
    }

    fn fact_plain(&self, f: &Fact) -> String {
        let p = &self.program.policy;
        match *f {
            Fact::NobodyEver => "no user could ever be allowed this, whatever their roles, flags, \
                                 groups, grants and access"
                .to_string(),
            Fact::NotOnResource { resource } => format!(
                "no user could be allowed this on `{}`, given the access its data gives to roles \
                 and groups",
                self.resource_name(resource)
            ),
            Fact::NeedsResource => {
                "not without a resource: name one with `on RESOURCE`".to_string()
            }
            Fact::NoChangeWould => "only a change that no fix makes would allow it (adding a \
                                    revoke, say)"
                .to_string(),
            Fact::NotSearched(limit) => {
                format!("the smallest changes could not be searched: {limit}")
            }
            Fact::Const(b) => format!("`{b}`"),
            Fact::Right { user, right, how } => {
                let user = self.user(user);
                let name = self.right(right);
                match how {
                    RightHow::Held => format!("{user} holds right {name}"),
                    RightHow::TakenAway => {
                        format!("{user} does not hold right {name}: it is taken away")
                    }
                    RightHow::NotGranted => format!(
                        "{user} does not hold right {name}: none of {user}'s roles grants it, and it is not granted to {user} directly"
                    ),
                }
            }
            Fact::GrantedByRole { role } => format!("role {} grants it", self.role(role)),
            Fact::GrantedDirectly { user } => {
                format!("it is granted to {} directly", self.user(user))
            }
            Fact::Revoked { user } => format!("it is revoked from {}", self.user(user)),
            Fact::Denied { user } => format!("a deny takes it from {}", self.user(user)),
            Fact::Role { user, role, how } => {
                let user = self.user(user);
                let name = self.role(role);
                match how {
                    RoleFact::Missing => format!("{user} does not have role {name}"),
                    RoleFact::Listed => {
                        format!("{user} has role {name}: it is listed in {user}'s data")
                    }
                    RoleFact::InheritedFrom(d) => format!(
                        "{user} has role {name}: inherited, as {user}'s role {} extends it",
                        self.role(d)
                    ),
                    RoleFact::Default => format!(
                        "{user} has role {name} by default: {user}'s data lists no roles, and this is the first default-role line that matches"
                    ),
                    RoleFact::DefaultInherited(d) => format!(
                        "{user} has role {name}: inherited from the default role {}",
                        self.role(d)
                    ),
                    RoleFact::FromGroup(g) => format!(
                        "{user} has role {name} through group `{}`",
                        self.group(g)
                    ),
                    RoleFact::Held => format!("{user} has role {name}"),
                }
            }
            Fact::Flag { user, flag, has } => {
                let name = &p.flag(flag).meta.name;
                if has {
                    format!("{} has flag `{name}`", self.user(user))
                } else {
                    format!("{} does not have flag `{name}`", self.user(user))
                }
            }
            Fact::Access {
                user,
                resource,
                level,
                how,
            } => {
                let user = self.user(user);
                let level = &p.access_level(level).meta.name;
                let r = self.resource_name(resource);
                match how {
                    AccessHow::Data => format!("{user} has `{level}` access on `{r}` in the data"),
                    AccessHow::Group(g) => format!(
                        "{user} has `{level}` access on `{r}` through group `{}`",
                        self.group(g)
                    ),
                    AccessHow::RoleAccess(role) => format!(
                        "{user} has `{level}` access on `{r}`: `{r}` gives it to role {}",
                        self.role(role)
                    ),
                    AccessHow::AlsoWhen => {
                        format!("{user} has `{level}` access on `{r}` by an `also when` rule")
                    }
                    AccessHow::Revoked => {
                        format!("{user}'s `{level}` access on `{r}` is revoked")
                    }
                    AccessHow::Denied => {
                        format!("an access deny takes `{level}` on `{r}` from {user}")
                    }
                    AccessHow::Missing => format!("{user} has no `{level}` access on `{r}`"),
                    AccessHow::Inherited(parent) => format!(
                        "{user} has `{level}` access on `{r}`, inherited from `{}`",
                        self.resource_name(parent)
                    ),
                    AccessHow::NotInherited(parent) => format!(
                        "`{level}` flows down the resource tree, but {user} does not hold it on `{}`, the parent of `{r}`",
                        self.resource_name(parent)
                    ),
                }
            }
            Fact::Same { .. }
            | Fact::UserValue { .. }
            | Fact::ResourceValue { .. }
            | Fact::Context { .. }
            | Fact::InEvent { .. } => self.fact_v3(f),
            Fact::Member {
                user,
                group,
                via,
                member,
            } => {
                let user = self.user(user);
                let g = self.group(group);
                match (member, via) {
                    (false, _) => format!("{user} is not a member of group `{g}`"),
                    (true, None) => format!("{user} is a member of group `{g}`"),
                    (true, Some(v)) => format!(
                        "{user} is a member of group `{g}` through group `{}`",
                        self.group(v)
                    ),
                }
            }
            Fact::Tag { resource, tag, has } => format!(
                "`{}` {} tag `{}`",
                self.resource_name(resource),
                if has { "has" } else { "does not have" },
                p.tag(tag).meta.name
            ),
            Fact::NoResource => "no resource is in scope".into(),
            Fact::Action { action, on, holds } => format!(
                "action `{}` {}{}",
                p.action(action).meta.name,
                if holds { "holds" } else { "does not hold" },
                self.on(on)
            ),
            Fact::AllOf { all: true } => "all of these hold".into(),
            Fact::AllOf { all: false } => "not all of these hold".into(),
            Fact::NoneOf => "none of these holds".into(),
            Fact::MayRun { user, report } => format!(
                "{} may run report `{}` at all (`requires`)",
                self.user(user),
                p.report(report).meta.name
            ),
            Fact::Row {
                user,
                report,
                resource,
                rows,
                is_row,
            } => {
                let mut s = format!(
                    "`{}` is {}a row of `{}` for {}",
                    self.resource_name(resource),
                    if is_row { "" } else { "not " },
                    p.report(report).meta.name,
                    self.user(user)
                );
                match rows {
                    RowsNote::Filtered => {}
                    RowsNote::EveryEventResource => {
                        s.push_str(" (it lists every resource of the event it is run for)")
                    }
                    RowsNote::EveryResource => s.push_str(" (it lists every resource)"),
                }
                s
            }
            Fact::AssignRule {
                user,
                from,
                what,
                scope,
                holds,
            } => {
                let mut s = format!(
                    "{}'s role {} may {}",
                    self.user(user),
                    self.role(from),
                    self.handed(what)
                );
                match scope {
                    AssignScope::Anywhere => {}
                    AssignScope::When => s.push_str(if holds {
                        " when its condition holds, as it does"
                    } else {
                        " only when its condition holds, and it does not"
                    }),
                    AssignScope::OnResource(res) => s.push_str(&format!(
                        " on resources where its condition holds, {} on `{}`",
                        if holds {
                            "as it does"
                        } else {
                            "and it does not"
                        },
                        self.resource_name(res)
                    )),
                    AssignScope::NeedsResource => s.push_str(
                        " only on resources where its condition holds: name one with `on RESOURCE`",
                    ),
                }
                s
            }
            Fact::NoAssignRule { user, what } => format!(
                "none of {}'s roles may {}",
                self.user(user),
                self.handed(what)
            ),
        }
    }

    pub(super) fn group(&self, g: GroupId) -> &str {
        self.program
            .data
            .groups
            .get(g.index())
            .map_or("?", |x| x.meta.name.as_str())
    }

    /// "assign role `reporter`", "grant access `update_status`".
    fn handed(&self, what: Handed) -> String {
        match what {
            Handed::Role(r) => format!("assign role {}", self.role(r)),
            Handed::Level(l) => format!(
                "grant access `{}`",
                self.program.policy.access_level(l).meta.name
            ),
        }
    }

    /// The question in words, as allowed or as denied: "jane may (not) run
    /// report `status_detail` on `resource_m`".
    pub fn subject(&self, s: &Subject, allowed: bool) -> String {
        let p = &self.program.policy;
        let may = if allowed { "may" } else { "may not" };
        match *s {
            Subject::Can(q) => {
                let user = self.user(q.user);
                match q.target {
                    Target::Right(r) => {
                        let holds = if allowed { "holds" } else { "does not hold" };
                        format!("{user} {holds} right {}", self.right(r))
                    }
                    Target::Action(a) => {
                        let action = p.action(a);
                        let on = if action.on_resource { q.on } else { None };
                        format!("{user} {may} `{}`{}", action.meta.name, self.on(on))
                    }
                    Target::Run(rep) => format!(
                        "{user} {may} run report `{}`{}",
                        p.report(rep).meta.name,
                        self.on(q.on)
                    ),
                    Target::Assign { role, to } => format!(
                        "{user} {may} assign role {} to {}{}",
                        self.role(role),
                        self.user(to),
                        self.on(q.on)
                    ),
                    Target::Access(l) => {
                        let has = if allowed { "has" } else { "does not have" };
                        format!(
                            "{user} {has} `{}` access{}",
                            p.access_level(l).meta.name,
                            self.on(q.on)
                        )
                    }
                    Target::AssignAccess { level, to } => format!(
                        "{user} {may} grant access `{}` to {}{}",
                        p.access_level(level).meta.name,
                        self.user(to),
                        self.on(q.on)
                    ),
                }
            }
            Subject::Details {
                user,
                report,
                resource,
            } => format!(
                "{} {may} see `{}` in full in report `{}` (`details when`)",
                self.user(user),
                self.resource_name(resource),
                p.report(report).meta.name
            ),
        }
    }

    /// What a `who can` asks, after "can": "run report `status_detail` on `resource_z`".
    pub fn target(&self, target: Target, on: Option<ResourceId>) -> String {
        let p = &self.program.policy;
        let on = self.on(on);
        match target {
            Target::Access(l) => format!("access `{}`{on}", p.access_level(l).meta.name),
            Target::AssignAccess { level, to } => format!(
                "assign access `{}` to {}{on}",
                p.access_level(level).meta.name,
                self.user(to)
            ),
            Target::Right(r) => format!("hold right `{}`", p.right(r).meta.name),
            Target::Action(a) => format!("`{}`{on}", p.action(a).meta.name),
            Target::Run(r) => format!("run report `{}`{on}", p.report(r).meta.name),
            Target::Assign { role, to } => {
                format!(
                    "assign role `{}` to {}{on}",
                    p.role(role).meta.name,
                    self.user(to)
                )
            }
        }
    }
}

/// What typed declarations added: "role `auditor`, user `bob`".
pub fn declared(items: &[crate::workspace::Declared]) -> String {
    use crate::workspace::Declared;
    items
        .iter()
        .map(|d| match d {
            Declared::Named(kind, name) => format!("{kind} `{name}`"),
            Declared::Rights(n, prefix) => format!("{n} rights under `{prefix}`"),
            Declared::DefaultRoles => "default roles".to_string(),
            Declared::Deny => "a deny".to_string(),
            Declared::Test(name) => format!("test {name:?}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
