//! The abstract syntax tree: what was written, with spans, before any name is
//! resolved. Equality ignores spans (see [`crate::source::Span`]).

use crate::source::Span;

/// A name as written: `reporter`, `report.status_detail`, or a data id
/// (`jane`, `"jane@example.org"`), with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A right pattern in `grant`, `revoke` and `deny`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// One right by name.
    Exact(Name),
    /// `prefix.*`: every right whose name starts with `prefix.`.
    Prefix(Name),
    /// `*`: every right.
    All(Span),
}

impl Pattern {
    pub fn span(&self) -> Span {
        match self {
            Pattern::Exact(n) | Pattern::Prefix(n) => n.span,
            Pattern::All(s) => *s,
        }
    }
}

/// A condition (docs/reference/conditions.md). `and`/`or` chains are n-ary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    Or(Vec<Cond>, Span),
    And(Vec<Cond>, Span),
    Not(Box<Cond>, Span),
    Const(bool, Span),
    Right(Name),
    Role(Name),
    Flag(Name),
    Access(Name),
    Can(Name),
    /// `group G` (§8.1)
    Group(Name),
    /// `tag T` (§8.2)
    Tag(Name),
    /// `same ATTR` (§9.2)
    Same(Name),
    /// `user ATTR = "v"` (§9.2): the attribute's name, the value and its span.
    UserAttr(Name, Value),
    /// `resource ATTR = "v"` (§9.2)
    ResourceAttr(Name, Value),
    /// `context NAME` (§9.4)
    Context(Name),
}

/// A string value as written (an attribute's value), unescaped, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub text: String,
    pub span: Span,
}

/// A day as written, `YYYY-MM-DD` (sema checks that it exists).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateLit {
    pub text: String,
    pub span: Span,
}

/// `from DATE`, `until DATE` or both, at the end of a user's statement (§9.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: Option<DateLit>,
    pub until: Option<DateLit>,
    pub span: Span,
}

/// Which list of a user an item with a window is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Windowed {
    Roles,
    Groups,
    Grants,
    Revokes,
    /// An `access R: …` entry (the whole entry).
    Access,
    /// A `revoke access R: …` entry (the whole entry).
    RevokeAccess,
}

/// The window of one item of a user's lists: item `index` of `list`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemWindow {
    pub list: Windowed,
    pub index: usize,
    pub window: Window,
}

/// `attribute NAME "v1", "v2"` on a user or a resource (§9.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeValues {
    pub name: Name,
    pub values: Vec<Value>,
    pub span: Span,
}

impl Cond {
    pub fn span(&self) -> Span {
        match self {
            Cond::Or(_, s) | Cond::And(_, s) | Cond::Not(_, s) | Cond::Const(_, s) => *s,
            Cond::Right(n)
            | Cond::Role(n)
            | Cond::Flag(n)
            | Cond::Access(n)
            | Cond::Can(n)
            | Cond::Group(n)
            | Cond::Tag(n)
            | Cond::Same(n)
            | Cond::Context(n) => n.span,
            Cond::UserAttr(n, v) | Cond::ResourceAttr(n, v) => n.span.to(v.span),
        }
    }
}

/// One top-level item of a policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Right(RightDecl),
    Rights(RightsGroup),
    Access(AccessDecl),
    Flag(FlagDecl),
    Tag(TagDecl),
    Role(RoleDecl),
    DefaultRoles(DefaultRoles),
    Action(ActionDecl),
    Deny(DenyDecl),
    DenyAccess(DenyAccessDecl),
    Report(ReportDecl),
    Group(GroupDecl),
    User(UserDecl),
    Resource(ResourceDecl),
    Event(EventDecl),
    Test(TestDecl),
    /// `attribute NAME "Label"` (§9.2)
    Attribute(FlagDecl),
    /// `context NAME "Label"` (§9.4)
    Context(FlagDecl),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Right(d) => d.span,
            Item::Rights(d) => d.span,
            Item::Access(d) => d.span,
            Item::Flag(d) => d.span,
            Item::Tag(d) => d.span,
            Item::Role(d) => d.span,
            Item::DefaultRoles(d) => d.span,
            Item::Action(d) => d.span,
            Item::Deny(d) => d.span,
            Item::DenyAccess(d) => d.span,
            Item::Report(d) => d.span,
            Item::Group(d) => d.span,
            Item::User(d) => d.span,
            Item::Resource(d) => d.span,
            Item::Event(d) => d.span,
            Item::Test(d) => d.span,
            Item::Attribute(d) | Item::Context(d) => d.span,
        }
    }
}

/// A label: the human name in double quotes after a declaration's name.
pub type Label = Option<String>;
/// The text of the `##` doc comment lines before a declaration, joined by newlines.
pub type Doc = Option<String>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RightDecl {
    pub doc: Doc,
    pub name: Name,
    pub label: Label,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RightsGroup {
    pub doc: Doc,
    pub prefix: Name,
    /// Each entry's `name` is the whole dotted name (`prefix.entry`); its span is the entry's.
    pub entries: Vec<RightDecl>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessDecl {
    pub doc: Doc,
    pub name: Name,
    pub label: Label,
    /// `inherited`: the level flows down the resource tree (§9.1).
    pub inherited: bool,
    pub also_when: Option<Cond>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagDecl {
    pub doc: Doc,
    pub name: Name,
    pub label: Label,
    pub span: Span,
}

/// `tag NAME "Label"` (§8.2): declared like a flag, set on resources in data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagDecl {
    pub doc: Doc,
    pub name: Name,
    pub label: Label,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleDecl {
    pub doc: Doc,
    pub name: Name,
    pub label: Label,
    pub extends: Vec<Name>,
    pub grants: Vec<Pattern>,
    pub assigns: Vec<Assigns>,
    pub span: Span,
}

/// `assigns ROLE, …|* [on resource [when COND] | when COND]`, or
/// `assigns access LEVEL, …|* on resource [when COND]` (§8.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assigns {
    /// Roles, or access levels (`assigns access …`); `None` inside for `*`.
    pub what: AssignsWhat,
    pub scope: AssignsScope,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssignsWhat {
    /// `None` for `assigns *`.
    Roles(Option<Vec<Name>>),
    /// `None` for `assigns access *`.
    Access(Option<Vec<Name>>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssignsScope {
    /// No condition: anywhere.
    Anywhere,
    /// `when COND`: the condition holds for the assigning user alone.
    When(Cond),
    /// `on resource [when COND]`: only on resources (where COND holds).
    OnResource(Option<Cond>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultRoles {
    pub doc: Doc,
    pub lines: Vec<DefaultLine>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultLine {
    pub role: Name,
    /// `None`: the line always matches.
    pub when: Option<Cond>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionDecl {
    pub doc: Doc,
    pub name: Name,
    pub label: Label,
    pub on_resource: bool,
    pub when: Cond,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenyDecl {
    pub doc: Doc,
    pub patterns: Vec<Pattern>,
    pub when: Option<Cond>,
    pub span: Span,
}

/// `deny access LEVEL, …|* [when COND]` (§8.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenyAccessDecl {
    pub doc: Doc,
    /// `None` for `*` (every level).
    pub levels: Option<Vec<Name>>,
    pub when: Option<Cond>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowsSource {
    /// `rows resources`: every resource.
    Resources,
    /// `rows event`: the resources of the event the report is run for.
    Event,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowsClause {
    pub source: RowsSource,
    pub filter: Option<Cond>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportDecl {
    pub doc: Doc,
    pub name: Name,
    pub label: Label,
    /// Every `requires` clause written (more than one is an error found by sema).
    pub requires: Vec<Cond>,
    pub rows: Vec<RowsClause>,
    pub details: Vec<Cond>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserDecl {
    pub doc: Doc,
    pub id: Name,
    pub label: Label,
    /// `None` when the user lists no `roles` (the default role applies).
    pub roles: Option<Vec<Name>>,
    pub grants: Vec<Pattern>,
    pub revokes: Vec<Pattern>,
    pub flags: Vec<Name>,
    pub access: Vec<AccessEntry>,
    /// `groups G, …` (§8.1)
    pub groups: Vec<Name>,
    /// `revoke access R: LEVEL, …` (§8.4)
    pub revoke_access: Vec<AccessEntry>,
    /// `attribute NAME "v", …` (§9.2)
    pub attributes: Vec<AttributeValues>,
    /// The windows of items that have one (§9.3), in the order written.
    pub windows: Vec<ItemWindow>,
    pub span: Span,
    /// Read from a JSON data file (its field names are `grants`, `revokes`, …).
    pub from_json: bool,
}

/// `group ID "Label" [in PARENT] { roles …  access R: … }` (§8.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDecl {
    pub doc: Doc,
    pub id: Name,
    pub label: Label,
    pub parent: Option<Name>,
    pub roles: Vec<Name>,
    pub access: Vec<AccessEntry>,
    pub span: Span,
    pub from_json: bool,
}

/// `access RESOURCE: LEVEL, …` in a user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessEntry {
    pub resource: Name,
    pub levels: Vec<Name>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceDecl {
    pub doc: Doc,
    pub id: Name,
    pub label: Label,
    pub parent: Option<Name>,
    pub details: Vec<(Name, String)>,
    /// `tags T, …` (§8.2)
    pub tags: Vec<Name>,
    /// `access for role ROLE: LEVEL, …` (§8.3)
    pub role_access: Vec<RoleAccess>,
    /// `attribute NAME "v", …` (§9.2)
    pub attributes: Vec<AttributeValues>,
    pub span: Span,
    /// Read from a JSON data file (its field names are `grants`, `revokes`, …).
    pub from_json: bool,
}

/// `access for role ROLE: LEVEL, …` in a resource (§8.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleAccess {
    pub role: Name,
    pub levels: Vec<Name>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventDecl {
    pub doc: Doc,
    pub id: Name,
    pub label: Label,
    pub resources: Vec<Name>,
    pub span: Span,
    /// Read from a JSON data file (its field names are `grants`, `revokes`, …).
    pub from_json: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestDecl {
    pub doc: Doc,
    pub name: String,
    pub name_span: Span,
    /// `test "…" at DATE { … }`: the date of every expectation (§9.3).
    pub at: Option<DateLit>,
    pub users: Vec<UserDecl>,
    /// Groups declared in the test (§9.6).
    pub groups: Vec<GroupDecl>,
    pub resources: Vec<ResourceDecl>,
    pub events: Vec<EventDecl>,
    pub expects: Vec<Expect>,
    pub span: Span,
}

impl TestDecl {
    /// Whether the test declares users, resources, events or groups of its
    /// own (its data is then the global data with them).
    pub fn declares_data(&self) -> bool {
        !(self.users.is_empty()
            && self.resources.is_empty()
            && self.events.is_empty()
            && self.groups.is_empty())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// `expect [not] can …`
    Can {
        negated: bool,
        query: CanQuery,
        span: Span,
    },
    /// `expect report R as U [for event E] shows …|denied|empty`
    Report {
        query: ReportQuery,
        outcome: ReportOutcome,
        span: Span,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportOutcome {
    Shows(Vec<(Name, Visibility)>),
    Denied,
    Empty,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Visibility {
    Full,
    NameOnly,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Full => "full",
            Visibility::NameOnly => "name_only",
        }
    }
}

// ───────────────────────────── queries ─────────────────────────────

/// What a `can` question asks about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CanTarget {
    /// `run REPORT [on R] [for event E]`
    Run {
        report: Name,
        on: Option<Name>,
        event: Option<Name>,
    },
    /// `assign ROLE to USER [on R]`
    Assign {
        role: Name,
        to: Name,
        on: Option<Name>,
    },
    /// `NAME [on R]`: an action or a right (resolution decides which).
    Named { name: Name, on: Option<Name> },
    /// `access LEVEL on R` (§8.6); without `on` only in `where can` (§9.5).
    Access { level: Name, on: Option<Name> },
    /// `assign access LEVEL to USER [on R]` (§8.5)
    AssignAccess {
        level: Name,
        to: Name,
        on: Option<Name>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanQuery {
    pub user: Name,
    pub target: CanTarget,
    pub suffix: Suffix,
    pub span: Span,
}

/// `with NAME, …` and `at DATE` at the end of a query (§9.6).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suffix {
    pub with: Vec<Name>,
    pub at: Option<DateLit>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportQuery {
    pub report: Name,
    pub user: Name,
    pub event: Option<Name>,
    pub suffix: Suffix,
    pub span: Span,
}

/// One query (docs/reference/queries.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    Can(CanQuery),
    Explain(CanQuery),
    Who {
        target: CanTarget,
        suffix: Suffix,
        span: Span,
    },
    /// `where can USER …` (§9.5): the target has no `on`.
    Where {
        user: Name,
        target: CanTarget,
        suffix: Suffix,
        span: Span,
    },
    What {
        user: Name,
        on: Option<Name>,
        suffix: Suffix,
        span: Span,
    },
    Rights {
        user: Name,
        suffix: Suffix,
        span: Span,
    },
    Roles {
        user: Name,
        suffix: Suffix,
        span: Span,
    },
    /// `groups USER` (§8.6)
    Groups {
        user: Name,
        suffix: Suffix,
        span: Span,
    },
    Report(ReportQuery),
    /// `expiring within N days [at DATE]` (§9.3)
    Expiring {
        days: u32,
        suffix: Suffix,
        span: Span,
    },
}

impl Query {
    /// The query's `with` and `at` suffix.
    pub fn suffix(&self) -> &Suffix {
        match self {
            Query::Can(q) | Query::Explain(q) => &q.suffix,
            Query::Report(q) => &q.suffix,
            Query::Who { suffix, .. }
            | Query::Where { suffix, .. }
            | Query::What { suffix, .. }
            | Query::Rights { suffix, .. }
            | Query::Roles { suffix, .. }
            | Query::Groups { suffix, .. }
            | Query::Expiring { suffix, .. } => suffix,
        }
    }
}

/// One parsed policy file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    pub items: Vec<Item>,
}

/// What the REPL read: a query or declarations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplInput {
    Query(Box<Query>),
    Items(Vec<Item>),
}
