//! The resolved model: every name replaced by a dense id into the model's own
//! tables, every pattern expanded, every check passed (or reported). Spans stay
//! here (for lint and explanations); the IR keeps only a side table of them.

use crate::source::Span;
use std::sync::Arc;
/// The map used for name tables (see `sema::name_table`).
pub type NameMap<V> = super::name_table::NameTable<V>;

macro_rules! ids {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
            /// The id of the `i`-th entry (tables never exceed `u32::MAX` entries).
            #[inline]
            pub fn from_index(i: usize) -> Self {
                $name(u32::try_from(i).unwrap_or(u32::MAX))
            }
        }
    )*};
}

ids!(
    /// A declared right.
    RightId,
    /// A declared access level.
    AccessId,
    /// A declared flag.
    FlagId,
    /// A declared role.
    RoleId,
    /// A declared action.
    ActionId,
    /// A declared report.
    ReportId,
    /// A `deny` declaration.
    DenyId,
    /// A user in the data.
    UserId,
    /// A resource in the data.
    ResourceId,
    /// An event in the data.
    EventId,
    /// A group (§8.1). Groups are data, but conditions name them, so their
    /// ids are given when the policy is resolved (`Names::groups`) and data
    /// built for that policy holds them in the same order.
    GroupId,
    /// A declared resource tag (§8.2).
    TagId,
    /// A `deny access` declaration (§8.4).
    AccessDenyId,
    /// A declared attribute (§9.2).
    AttrId,
    /// A declared context fact (§9.4).
    ContextId,
    /// An attribute value a condition names (`Policy::values`).
    ValueId,
);

pub use super::day::{Day, Window};

pub use super::asked::{Asked, ContextSet, ItemWindow, When, Windowed};

/// A resolved condition. Unknown names were reported and replaced by `Const(false)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    Or(Vec<Cond>, Span),
    And(Vec<Cond>, Span),
    Not(Box<Cond>, Span),
    Const(bool, Span),
    Right(RightId, Span),
    Role(RoleId, Span),
    Flag(FlagId, Span),
    Access(AccessId, Span),
    Can(ActionId, Span),
    Group(GroupId, Span),
    Tag(TagId, Span),
    /// `same ATTR` (§9.2)
    Same(AttrId, Span),
    /// `user ATTR = "v"`
    UserAttr(AttrId, ValueId, Span),
    /// `resource ATTR = "v"`
    ResourceAttr(AttrId, ValueId, Span),
    /// `context NAME` (§9.4)
    Context(ContextId, Span),
}

impl Cond {
    pub fn span(&self) -> Span {
        match self {
            Cond::Or(_, s)
            | Cond::And(_, s)
            | Cond::Not(_, s)
            | Cond::Const(_, s)
            | Cond::Right(_, s)
            | Cond::Role(_, s)
            | Cond::Flag(_, s)
            | Cond::Access(_, s)
            | Cond::Can(_, s)
            | Cond::Group(_, s)
            | Cond::Tag(_, s)
            | Cond::Same(_, s)
            | Cond::UserAttr(_, _, s)
            | Cond::ResourceAttr(_, _, s)
            | Cond::Context(_, s) => *s,
        }
    }

    /// Calls `f` on every atom (leaf) of the condition. Iterative.
    pub fn for_each_atom(&self, mut f: impl FnMut(&Cond)) {
        let mut stack = vec![self];
        while let Some(c) = stack.pop() {
            match c {
                Cond::Or(xs, _) | Cond::And(xs, _) => stack.extend(xs.iter()),
                Cond::Not(x, _) => stack.push(x),
                atom => f(atom),
            }
        }
    }
}

/// Where a declaration came from and what it is called for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    pub name: String,
    pub label: Option<String>,
    pub doc: Option<String>,
    /// The span of the name in the declaration.
    pub span: Span,
}

impl Meta {
    /// The label if there is one, else the name.
    pub fn display(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

/// One site that grants or removes a right (a pattern in a role, a user, a deny…).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RightSite {
    pub right: RightId,
    /// The pattern as written (`report.*` grants many rights from one span).
    pub span: Span,
    /// The site names this right exactly (not through `prefix.*` or `*`).
    pub exact: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Right {
    pub meta: Meta,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessLevel {
    pub meta: Meta,
    /// Every `also when` rule, each with the span of its condition.
    pub also_when: Vec<Cond>,
    /// Declared `inherited` (§9.1): held on a resource, it is also held on
    /// its sub-resources; the span of the first `inherited`.
    pub inherited: Option<Span>,
}

/// `attribute NAME "Label"` (§9.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub meta: Meta,
}

/// `context NAME "Label"` (§9.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextFact {
    pub meta: Meta,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub meta: Meta,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    pub meta: Meta,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub meta: Meta,
    pub parents: Vec<(RoleId, Span)>,
    pub grants: Vec<RightSite>,
    pub assigns: Vec<AssignsRule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssignsRule {
    pub what: Assignable,
    pub scope: AssignsScope,
    pub span: Span,
}

/// What an `assigns` rule lets a user hand out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assignable {
    /// Roles; `None`: every role (`assigns *`).
    Roles(Option<Vec<RoleId>>),
    /// Access levels on a resource (`assigns access …`); `None`: every level.
    Access(Option<Vec<AccessId>>),
}

/// Where an `assigns` rule applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssignsScope {
    /// No condition.
    Anywhere,
    /// `when COND`, for the assigning user alone (no resource in scope).
    When(Cond),
    /// `on resource [when COND]`: only with a resource, where COND holds for
    /// the assigning user on it.
    OnResource(Option<Cond>),
}

impl AssignsScope {
    /// The rule's condition, if it has one.
    pub fn cond(&self) -> Option<&Cond> {
        match self {
            AssignsScope::Anywhere | AssignsScope::OnResource(None) => None,
            AssignsScope::When(c) | AssignsScope::OnResource(Some(c)) => Some(c),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultLine {
    pub role: RoleId,
    /// `Const(true)` when the line has no `when`.
    pub when: Cond,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub meta: Meta,
    pub on_resource: bool,
    pub when: Cond,
}

/// `deny access LEVELS [when COND]` (§8.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessDeny {
    /// The levels it removes (every declared level for `*`).
    pub levels: Vec<AccessId>,
    /// Written `*`.
    pub all: bool,
    /// `None`: always applies. Evaluated per user and resource.
    pub when: Option<Cond>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deny {
    /// Every right the deny's patterns match, each with its pattern's span.
    pub rights: Vec<RightSite>,
    /// `None`: the deny always applies.
    pub when: Option<Cond>,
    pub span: Span,
}

/// Where a report's rows come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowsSource {
    /// `rows resources`: every resource.
    Resources,
    /// `rows event`: the resources of the event the report is run for.
    Event,
}

/// How a report row shows: in full, or by name only (`details when` failed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Visibility {
    Full,
    NameOnly,
}

impl Visibility {
    /// The word used in tests and JSON: `full`, `name_only`.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Full => "full",
            Visibility::NameOnly => "name_only",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub meta: Meta,
    /// `Const(true)` when the report has no `requires`.
    pub requires: Cond,
    pub rows: RowsSource,
    pub rows_where: Option<Cond>,
    pub details_when: Option<Cond>,
}

/// The policy: everything but data and tests.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub rights: Vec<Right>,
    pub access: Vec<AccessLevel>,
    pub flags: Vec<Flag>,
    pub tags: Vec<Tag>,
    pub roles: Vec<Role>,
    pub default_roles: Vec<DefaultLine>,
    pub actions: Vec<Action>,
    pub denies: Vec<Deny>,
    pub access_denies: Vec<AccessDeny>,
    pub reports: Vec<Report>,
    pub attributes: Vec<Attribute>,
    pub contexts: Vec<ContextFact>,
    /// The attribute values conditions name (`user unit = "icu"`), each once.
    pub values: Vec<String>,
    pub names: Names,
}

/// Name → id, one table per namespace.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub rights: NameMap<RightId>,
    pub access: NameMap<AccessId>,
    pub flags: NameMap<FlagId>,
    pub tags: NameMap<TagId>,
    /// Every group declared (in `.rights` files or JSON), first declaration
    /// first: the ids `group G` conditions use, and the order of `Data::groups`.
    pub groups: NameMap<GroupId>,
    pub roles: NameMap<RoleId>,
    pub actions: NameMap<ActionId>,
    pub reports: NameMap<ReportId>,
    pub attributes: NameMap<AttrId>,
    pub contexts: NameMap<ContextId>,
    pub values: NameMap<ValueId>,
    /// Right names in sorted order, for prefix patterns.
    pub rights_sorted: Vec<(String, RightId)>,
}

impl Policy {
    /// The rights a `prefix.*` pattern names, in name order (found by
    /// search in the sorted names).
    pub fn rights_under(&self, prefix: &str) -> Vec<RightId> {
        let dotted = format!("{prefix}.");
        let sorted = &self.names.rights_sorted;
        let start = sorted.partition_point(|(name, _)| name.as_str() < dotted.as_str());
        sorted[start..]
            .iter()
            .take_while(|(name, _)| name.starts_with(&dotted))
            .map(|(_, id)| *id)
            .collect()
    }

    pub fn right(&self, id: RightId) -> &Right {
        &self.rights[id.index()]
    }
    pub fn role(&self, id: RoleId) -> &Role {
        &self.roles[id.index()]
    }
    pub fn action(&self, id: ActionId) -> &Action {
        &self.actions[id.index()]
    }
    pub fn report(&self, id: ReportId) -> &Report {
        &self.reports[id.index()]
    }
    pub fn access_level(&self, id: AccessId) -> &AccessLevel {
        &self.access[id.index()]
    }
    pub fn flag(&self, id: FlagId) -> &Flag {
        &self.flags[id.index()]
    }
    pub fn tag(&self, id: TagId) -> &Tag {
        &self.tags[id.index()]
    }
    pub fn attribute(&self, id: AttrId) -> &Attribute {
        &self.attributes[id.index()]
    }
    pub fn context(&self, id: ContextId) -> &ContextFact {
        &self.contexts[id.index()]
    }
    /// The text of a value a condition names.
    pub fn value(&self, id: ValueId) -> &str {
        self.values.get(id.index()).map_or("", String::as_str)
    }
    /// Whether any access level is declared `inherited`.
    pub fn has_inherited(&self) -> bool {
        self.access.iter().any(|a| a.inherited.is_some())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub meta: Meta,
    /// `None`: the user lists no roles and gets the default role.
    pub roles: Option<Vec<(RoleId, Span)>>,
    pub grants: Vec<RightSite>,
    pub revokes: Vec<RightSite>,
    pub flags: Vec<(FlagId, Span)>,
    /// Access levels granted on resources, each with the span of the data entry.
    pub access: Vec<(ResourceId, AccessId, Span)>,
    /// The groups the user joins directly (§8.1).
    pub groups: Vec<(GroupId, Span)>,
    /// `revoke access R: LEVELS` (§8.4).
    pub revoke_access: Vec<(ResourceId, AccessId, Span)>,
    /// Attribute values (§9.2), each attribute once, with the span of its line.
    pub attributes: Vec<(AttrId, Vec<String>, Span)>,
    /// The windows of the items that have one (§9.3): the list, the span
    /// the item carries in it (a pattern's, an entry's) and the window.
    pub windows: Vec<ItemWindow>,
    /// The whole declaration (for "the data entry" in explanations).
    pub span: Span,
}

/// A group (§8.1): its members have its roles and access, and are members of
/// its parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub meta: Meta,
    pub parent: Option<GroupId>,
    pub roles: Vec<(RoleId, Span)>,
    pub access: Vec<(ResourceId, AccessId, Span)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub meta: Meta,
    pub parent: Option<ResourceId>,
    pub details: Vec<(String, String)>,
    /// Its tags (§8.2).
    pub tags: Vec<(TagId, Span)>,
    /// `access for role X: LEVELS` (§8.3), each with its line's span.
    pub role_access: Vec<(RoleId, AccessId, Span)>,
    /// Attribute values (§9.2), each attribute once.
    pub attributes: Vec<(AttrId, Vec<String>, Span)>,
}

impl Resource {
    /// The values of attribute `a`.
    pub fn attribute(&self, a: AttrId) -> &[String] {
        attribute_values(&self.attributes, a)
    }
}

/// The values of attribute `a` in a user's or a resource's list (each
/// attribute once): none when it is not given.
pub fn attribute_values(list: &[(AttrId, Vec<String>, Span)], a: AttrId) -> &[String] {
    list.iter()
        .find(|(id, _, _)| *id == a)
        .map_or(&[], |(_, v, _)| v.as_slice())
}

/// Where attribute `a` is given in a user's or a resource's list.
pub fn attribute_span(list: &[(AttrId, Vec<String>, Span)], a: AttrId) -> Option<Span> {
    list.iter().find(|(id, _, _)| *id == a).map(|x| x.2)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub meta: Meta,
    pub resources: Vec<ResourceId>,
}

/// Users, resources and events, with their name tables.
#[derive(Clone, Debug, Default)]
pub struct Data {
    /// Each user shared: a copy of the data (as of a day, a test's own)
    /// shares every user it does not change.
    pub users: Vec<Arc<User>>,
    /// Each resource shared the same way.
    pub resources: Vec<Arc<Resource>>,
    pub events: Vec<Event>,
    /// Every group, in the order of `Names::groups` (so a `GroupId` indexes it).
    pub groups: Vec<Group>,
    /// The name tables, shared by copies until one adds a name.
    pub user_ids: Arc<NameMap<UserId>>,
    pub resource_ids: Arc<NameMap<ResourceId>>,
    pub event_ids: Arc<NameMap<EventId>>,
}

impl Data {
    /// Rebuilds the name tables at their exact size, their keys allocated one
    /// after another: lookups by name then touch less memory.
    pub fn compact_names(&mut self) {
        fn table<T: Copy>(
            names: impl ExactSizeIterator<Item = String>,
            id: impl Fn(usize) -> T,
        ) -> Arc<NameMap<T>> {
            let mut m = NameMap::with_capacity(names.len());
            for (i, n) in names.enumerate() {
                m.insert(n, id(i));
            }
            Arc::new(m)
        }
        self.user_ids = table(
            self.users.iter().map(|u| u.meta.name.clone()),
            UserId::from_index,
        );
        self.resource_ids = table(
            self.resources.iter().map(|r| r.meta.name.clone()),
            ResourceId::from_index,
        );
        self.event_ids = table(
            self.events.iter().map(|e| e.meta.name.clone()),
            EventId::from_index,
        );
    }

    /// Keeps only the first `users`, `resources` and `events` entries (undoes
    /// additions made after those counts, name tables included).
    pub fn truncate(&mut self, users: usize, resources: usize, events: usize) {
        for u in self.users.drain(users.min(self.users.len())..) {
            Arc::make_mut(&mut self.user_ids).remove(&u.meta.name);
        }
        for r in self.resources.drain(resources.min(self.resources.len())..) {
            Arc::make_mut(&mut self.resource_ids).remove(&r.meta.name);
        }
        for e in self.events.drain(events.min(self.events.len())..) {
            Arc::make_mut(&mut self.event_ids).remove(&e.meta.name);
        }
    }

    pub fn user(&self, id: UserId) -> &User {
        &self.users[id.index()]
    }
    pub fn resource(&self, id: ResourceId) -> &Resource {
        &self.resources[id.index()]
    }
    pub fn event(&self, id: EventId) -> &Event {
        &self.events[id.index()]
    }
    pub fn group(&self, id: GroupId) -> &Group {
        &self.groups[id.index()]
    }
}

// ───────────────────────────── questions ─────────────────────────────

/// What a `can` question asks about, resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Right(RightId),
    Action(ActionId),
    Run(ReportId),
    Assign {
        role: RoleId,
        to: UserId,
    },
    /// `access LEVEL on R` (§8.6): always with a resource.
    Access(AccessId),
    /// `assign access LEVEL to USER on R` (§8.5): always with a resource.
    AssignAccess {
        level: AccessId,
        to: UserId,
    },
}

/// A resolved `can` question: may `user` do `target` (on `on`)?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CanQ {
    pub user: UserId,
    pub target: Target,
    pub on: Option<ResourceId>,
    /// `run REPORT on R for event E` (§9.6): R must be a resource of E.
    pub event: Option<EventId>,
}

/// A resolved `report … as … [for event …]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportQ {
    pub report: ReportId,
    pub user: UserId,
    pub event: Option<EventId>,
}

/// A resolved query (docs/reference/queries.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Question {
    Can(CanQ),
    Explain(CanQ),
    Who {
        target: Target,
        on: Option<ResourceId>,
    },
    What {
        user: UserId,
        on: Option<ResourceId>,
    },
    Rights(UserId),
    Roles(UserId),
    Groups(UserId),
    Report(ReportQ),
    /// `where can U …` (§9.5): the resources on which `can` would hold;
    /// `event` for `run REPORT for event E`.
    Where {
        user: UserId,
        target: Target,
        event: Option<EventId>,
    },
    /// `expiring within N days` (§9.3)
    Expiring {
        days: u32,
    },
}

/// A resolved test expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    Can {
        negated: bool,
        question: CanQ,
        when: When,
        span: Span,
    },
    Report {
        question: ReportQ,
        outcome: ExpectedReport,
        when: When,
        span: Span,
    },
}

impl Expectation {
    /// Where the `expect` line is.
    pub fn span(&self) -> Span {
        match self {
            Expectation::Can { span, .. } | Expectation::Report { span, .. } => *span,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpectedReport {
    Shows(Vec<(ResourceId, Visibility)>),
    Denied,
    Empty,
}

/// A resolved `test` block: the data it runs against (global data with the
/// test's own declarations added or shadowing) and its expectations.
#[derive(Clone, Debug)]
pub struct Test {
    pub name: String,
    pub span: Span,
    /// `test "…" at DATE`: the date of every expectation without its own.
    pub at: Option<Day>,
    /// `None` when the test declares no data of its own (it uses the global data).
    pub data: Option<Arc<Data>>,
    /// The policy with the test's own groups named (§9.6), when it declares any.
    pub policy: Option<Arc<Policy>>,
    pub expects: Vec<Expectation>,
}

/// Everything a policy says, resolved. Policy and data are shared (behind
/// `Arc`) with the programs compiled from them.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub policy: Arc<Policy>,
    pub data: Arc<Data>,
    pub tests: Vec<Test>,
}

/// A model sema checked and found without an error: the only thing a
/// `Program` compiles (evaluation terminates only on a model without
/// cycles, and the compiler relies on it).
#[derive(Debug)]
pub struct Checked<'m>(&'m Model);

impl<'m> Checked<'m> {
    /// The model, when `diags` (everything found in reading and checking
    /// it) holds no error.
    pub fn of(model: &'m Model, diags: &[crate::diag::Diagnostic]) -> Option<Checked<'m>> {
        (!crate::diag::has_errors(diags)).then_some(Checked(model))
    }

    pub fn model(&self) -> &'m Model {
        self.0
    }
}
