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
mod pieces;
pub mod test_report;

use crate::eval::explain::*;
use crate::ir::{Program, RoleOrigin};
use crate::sema::model::*;
use crate::source::{SourceMap, Span};
use pieces::{put, Labelled, Ticked};
use std::fmt::Write;

/// Words for one program's answers; `sources` gives `file:line` for sites.
pub struct Words<'a> {
    pub program: &'a Program,
    pub sources: &'a SourceMap,
    /// Places found so far, by file and offset: a stream of answers cites
    /// the same data entries again and again.
    json_places: std::cell::RefCell<rustc_hash::FxHashMap<(u32, u32), std::rc::Rc<JsonPlace>>>,
    /// Sites already worded as `file:line`, for a stream of answers (the
    /// batch path): each is worded once, then looked up. Cleared past
    /// [`WORDED_CAP`] entries. (Facts and subjects are written straight
    /// into the answer: most name the user asked about, so a stream of
    /// distinct questions would rarely find one worded before.)
    sites: std::cell::RefCell<rustc_hash::FxHashMap<(u32, u32), std::rc::Rc<str>>>,
    /// The last user and resource named, with their names: an answer
    /// names its user in nearly every reason, and a name read from the
    /// program's card is checked as UTF-8 each time.
    last_user: std::cell::Cell<Option<(UserId, &'a str)>>,
    last_resource: std::cell::Cell<Option<(ResourceId, &'a str)>>,
    /// Show every fix found, not the first [`SHOWN_FIXES`] (`--all-fixes`).
    pub all_fixes: bool,
    /// How to see the fixes not shown, in "and 3 more (`--all-fixes`)".
    pub more_fixes_hint: &'static str,
}

/// The name `last` holds if it is `id`'s, else `name()`, kept in `last`.
fn remembered<'a, I: Copy + PartialEq>(
    last: &std::cell::Cell<Option<(I, &'a str)>>,
    id: I,
    name: impl FnOnce() -> &'a str,
) -> &'a str {
    match last.get() {
        Some((was, known)) if was == id => known,
        _ => {
            let known = name();
            last.set(Some((id, known)));
            known
        }
    }
}

/// How many worded sites (and places) a [`Words`] keeps at most.
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
            json_places: Default::default(),
            sites: Default::default(),
            last_user: Default::default(),
            last_resource: Default::default(),
            all_fixes: false,
            more_fixes_hint: "`--all-fixes`",
        }
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

    /// `file:line` of a site as a JSON string literal, remembered by file
    /// and line: the sites of a one-line JSON data file are all one entry.
    pub fn file_line_json(&self, s: Span) -> std::rc::Rc<str> {
        let Some(file) = self.sources.get(s.file) else {
            return json::literal(&self.sources.file_line(s)).into();
        };
        let line = file.line_of(s.start);
        let key = (s.file.0, line as u32);
        if let Some(t) = self.sites.borrow().get(&key) {
            return t.clone();
        }
        let text: std::rc::Rc<str> = json::literal(&self.sources.file_line(s)).into();
        let mut sites = self.sites.borrow_mut();
        if sites.len() >= WORDED_CAP {
            sites.clear();
        }
        sites.insert(key, text.clone());
        text
    }

    /// Where a site is, for people: `file:line`, and in a JSON data file
    /// (often one long line) `file:line:column`.
    /// (The column alone: no pointer is looked for.)
    fn at(&self, span: Option<Span>) -> Option<String> {
        let s = span?;
        let file_line = self.sources.file_line(s);
        Some(match self.sources.get(s.file) {
            Some(f) if f.json_entries().is_some() => {
                format!("{file_line}:{}", f.line_col(s.start).1)
            }
            _ => file_line,
        })
    }

    /// Where a site in a JSON data file is: its column and JSON Pointer
    /// (`/users/76/roles/0`); `None` for a site in a `.rights` file.
    pub fn place(&self, s: Span) -> Option<std::rc::Rc<JsonPlace>> {
        // a site in a `.rights` file: no place, and no look in the map
        let file = self.sources.get(s.file)?;
        let entries = file.json_entries()?;
        if let Some(p) = self.json_places.borrow().get(&(s.file.0, s.start)) {
            return Some(p.clone());
        }
        let (_, column) = file.line_col(s.start);
        let place = std::rc::Rc::new(JsonPlace {
            column,
            pointer: crate::data::pointer::pointer(entries, &file.text, s.start as usize),
        });
        let mut places = self.json_places.borrow_mut();
        if places.len() >= WORDED_CAP {
            places.clear();
        }
        places.insert((s.file.0, s.start), place.clone());
        Some(place)
    }

    fn user(&self, u: UserId) -> &'a str {
        remembered(&self.last_user, u, || self.program.user_name(u))
    }

    fn resource_name(&self, r: ResourceId) -> &'a str {
        remembered(&self.last_resource, r, || self.program.resource_name(r))
    }

    /// "`report.status_detail` (Report - Status Detail)".
    fn right(&self, r: RightId) -> String {
        conditions::labelled(&self.program.policy.right(r).meta)
    }

    fn role(&self, r: RoleId) -> String {
        format!("`{}`", self.role_name(r))
    }

    fn role_name(&self, r: RoleId) -> &str {
        &self.program.policy.role(r).meta.name
    }

    fn on(&self, r: Option<ResourceId>) -> String {
        let mut s = String::new();
        let _ = self.write_on(r, &mut s);
        s
    }

    /// " on `resource`", or nothing.
    fn write_on<W: Write>(&self, r: Option<ResourceId>, w: &mut W) -> std::fmt::Result {
        match r {
            Some(r) => put!(w; " on ", Ticked(self.resource_name(r))),
            None => Ok(()),
        }
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
        let mut s = String::new();
        let _ = self.write_fact(f, &mut s);
        s
    }

    /// [`Words::fact`] written into `w` (a JSON string being written, say):
    /// no string of its own is made.
    pub fn write_fact<W: Write>(&self, f: &Fact, w: &mut W) -> std::fmt::Result {
        self.write_fact_plain(f, w)?;
        match self.window_note(f) {
            Some(note) => put!(w; " (", note, ")"),
            None => Ok(()),
        }
    }

    fn write_fact_plain<W: Write>(&self, f: &Fact, w: &mut W) -> std::fmt::Result {
        let p = &self.program.policy;
        match *f {
            Fact::NobodyEver => w.write_str(
                "no user could ever be allowed this, whatever their roles, flags, \
                 groups, grants and access",
            ),
            Fact::NotOnResource { resource } => {
                put!(w; "no user could be allowed this on `", self.resource_name(resource), "`, given the access its data gives to roles and groups")
            }
            Fact::NeedsResource => {
                w.write_str("not without a resource: name one with `on RESOURCE`")
            }
            Fact::NoChangeWould => {
                w.write_str("only a change that no fix makes would allow it (adding a revoke, say)")
            }
            Fact::NotSearched(limit) => {
                write!(w, "the smallest changes could not be searched: {limit}")
            }
            Fact::Const(b) => write!(w, "`{b}`"),
            Fact::Right { user, right, how } => {
                let user = self.user(user);
                let name = Labelled(&p.right(right).meta);
                match how {
                    RightHow::Held => put!(w; user, " holds right ", name),
                    RightHow::TakenAway => {
                        put!(w; user, " does not hold right ", name, ": it is taken away")
                    }
                    RightHow::NotGranted => {
                        put!(w; user, " does not hold right ", name, ": none of ", user, "'s roles grants it, and it is not granted to ", user, " directly")
                    }
                }
            }
            Fact::GrantedByRole { role } => put!(w; "role `", self.role_name(role), "` grants it"),
            Fact::GrantedDirectly { user } => {
                put!(w; "it is granted to ", self.user(user), " directly")
            }
            Fact::Revoked { user } => put!(w; "it is revoked from ", self.user(user)),
            Fact::Denied { user } => put!(w; "a deny takes it from ", self.user(user)),
            Fact::Role { user, role, how } => {
                let user = self.user(user);
                let name = self.role_name(role);
                match how {
                    RoleFact::Missing => put!(w; user, " does not have role `", name, "`"),
                    RoleFact::Listed => {
                        put!(w; user, " has role `", name, "`: it is listed in ", user, "'s data")
                    }
                    RoleFact::InheritedFrom(d) => {
                        put!(w; user, " has role `", name, "`: inherited, as ", user, "'s role `", self.role_name(d), "` extends it")
                    }
                    RoleFact::Default => {
                        put!(w; user, " has role `", name, "` by default: ", user, "'s data lists no roles, and this is the first default-role line that matches")
                    }
                    RoleFact::DefaultInherited(d) => {
                        put!(w; user, " has role `", name, "`: inherited from the default role `", self.role_name(d), "`")
                    }
                    RoleFact::FromGroup(g) => {
                        put!(w; user, " has role `", name, "` through group `", self.group(g), "`")
                    }
                    RoleFact::Held => put!(w; user, " has role `", name, "`"),
                }
            }
            Fact::Flag { user, flag, has } => {
                let name = &p.flag(flag).meta.name;
                if has {
                    put!(w; self.user(user), " has flag `", name, "`")
                } else {
                    put!(w; self.user(user), " does not have flag `", name, "`")
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
                    AccessHow::Data => {
                        put!(w; user, " has `", level, "` access on `", r, "` in the data")
                    }
                    AccessHow::Group(g) => {
                        put!(w; user, " has `", level, "` access on `", r, "` through group `", self.group(g), "`")
                    }
                    AccessHow::RoleAccess(role) => {
                        put!(w; user, " has `", level, "` access on `", r, "`: `", r, "` gives it to role `", self.role_name(role), "`")
                    }
                    AccessHow::AlsoWhen => {
                        put!(w; user, " has `", level, "` access on `", r, "` by an `also when` rule")
                    }
                    AccessHow::Revoked => {
                        put!(w; user, "'s `", level, "` access on `", r, "` is revoked")
                    }
                    AccessHow::Denied => {
                        put!(w; "an access deny takes `", level, "` on `", r, "` from ", user)
                    }
                    AccessHow::Missing => {
                        put!(w; user, " has no `", level, "` access on `", r, "`")
                    }
                    AccessHow::Inherited(parent) => {
                        put!(w; user, " has `", level, "` access on `", r, "`, inherited from `", self.resource_name(parent), "`")
                    }
                    AccessHow::NotInherited(parent) => {
                        put!(w; "`", level, "` flows down the resource tree, but ", user, " does not hold it on `", self.resource_name(parent), "`, the parent of `", r, "`")
                    }
                }
            }
            Fact::Same { .. }
            | Fact::UserValue { .. }
            | Fact::ResourceValue { .. }
            | Fact::Context { .. }
            | Fact::InEvent { .. } => w.write_str(&self.fact_v3(f)),
            Fact::Member {
                user,
                group,
                via,
                member,
            } => {
                let user = self.user(user);
                let g = self.group(group);
                match (member, via) {
                    (false, _) => put!(w; user, " is not a member of group `", g, "`"),
                    (true, None) => put!(w; user, " is a member of group `", g, "`"),
                    (true, Some(v)) => {
                        put!(w; user, " is a member of group `", g, "` through group `", self.group(v), "`")
                    }
                }
            }
            Fact::Tag { resource, tag, has } => {
                put!(w; "`", self.resource_name(resource), "` ", if has { "has" } else { "does not have" }, " tag `", p.tag(tag).meta.name, "`")
            }
            Fact::NoResource => w.write_str("no resource is in scope"),
            Fact::Action { action, on, holds } => {
                put!(w; "action `", p.action(action).meta.name, "` ", if holds { "holds" } else { "does not hold" })?;
                self.write_on(on, w)
            }
            Fact::AllOf { all: true } => w.write_str("all of these hold"),
            Fact::AllOf { all: false } => w.write_str("not all of these hold"),
            Fact::NoneOf => w.write_str("none of these holds"),
            Fact::MayRun { user, report } => {
                put!(w; self.user(user), " may run report `", p.report(report).meta.name, "` at all (`requires`)")
            }
            Fact::Row {
                user,
                report,
                resource,
                rows,
                is_row,
            } => {
                put!(w; "`", self.resource_name(resource), "` is ", if is_row { "" } else { "not " }, "a row of `", p.report(report).meta.name, "` for ", self.user(user))?;
                match rows {
                    RowsNote::Filtered => Ok(()),
                    RowsNote::EveryEventResource => {
                        w.write_str(" (it lists every resource of the event it is run for)")
                    }
                    RowsNote::EveryResource => w.write_str(" (it lists every resource)"),
                }
            }
            Fact::AssignRule {
                user,
                from,
                what,
                scope,
                holds,
            } => {
                put!(w; self.user(user), "'s role `", self.role_name(from), "` may ", self.handed(what))?;
                match scope {
                    AssignScope::Anywhere => Ok(()),
                    AssignScope::When => w.write_str(if holds {
                        " when its condition holds, as it does"
                    } else {
                        " only when its condition holds, and it does not"
                    }),
                    AssignScope::OnResource(res) => {
                        put!(w; " on resources where its condition holds, ", if holds {
                            "as it does"
                        } else {
                            "and it does not"
                        }, " on `", self.resource_name(res), "`")
                    }
                    AssignScope::NeedsResource => w.write_str(
                        " only on resources where its condition holds: name one with `on RESOURCE`",
                    ),
                }
            }
            Fact::NoAssignRule { user, what } => {
                put!(w; "none of ", self.user(user), "'s roles may ", self.handed(what))
            }
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
        let mut out = String::new();
        let _ = self.write_subject(s, allowed, &mut out);
        out
    }

    /// [`Words::subject`] written into `w`.
    pub fn write_subject<W: Write>(
        &self,
        s: &Subject,
        allowed: bool,
        w: &mut W,
    ) -> std::fmt::Result {
        let p = &self.program.policy;
        let may = if allowed { "may" } else { "may not" };
        match *s {
            Subject::Can(q) => {
                let user = self.user(q.user);
                match q.target {
                    Target::Right(r) => {
                        let holds = if allowed { "holds" } else { "does not hold" };
                        put!(w; user, " ", holds, " right ", Labelled(&p.right(r).meta))
                    }
                    Target::Action(a) => {
                        let action = p.action(a);
                        put!(w; user, " ", may, " `", action.meta.name, "`")?;
                        self.write_on(if action.on_resource { q.on } else { None }, w)
                    }
                    Target::Run(rep) => {
                        put!(w; user, " ", may, " run report `", p.report(rep).meta.name, "`")?;
                        self.write_on(q.on, w)
                    }
                    Target::Assign { role, to } => {
                        put!(w; user, " ", may, " assign role `", self.role_name(role), "` to ", self.user(to))?;
                        self.write_on(q.on, w)
                    }
                    Target::Access(l) => {
                        let has = if allowed { "has" } else { "does not have" };
                        put!(w; user, " ", has, " `", p.access_level(l).meta.name, "` access")?;
                        self.write_on(q.on, w)
                    }
                    Target::AssignAccess { level, to } => {
                        put!(w; user, " ", may, " grant access `", p.access_level(level).meta.name, "` to ", self.user(to))?;
                        self.write_on(q.on, w)
                    }
                }
            }
            Subject::Details {
                user,
                report,
                resource,
            } => {
                put!(w; self.user(user), " ", may, " see `", self.resource_name(resource), "` in full in report `", p.report(report).meta.name, "` (`details when`)")
            }
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
