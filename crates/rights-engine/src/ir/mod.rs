//! Model → [`Program`]: the form the evaluator runs, in two halves.
//!
//! - [`PolicyCode`] (`code.rs`), compiled once per policy: conditions as a
//!   flat node array addressed by `u32`, role closure (every ancestor of every
//!   role) and the rights each role grants as bit matrices, denies, default
//!   lines, access rules, actions, reports and `assigns`;
//! - [`DataTables`] (`tables.rs`), built per data set against the policy
//!   half: each user's roles, flags and **effective rights** — granted minus
//!   revoked minus denied (docs/reference/semantics.md) — as rows users
//!   share (`rights.rs`), and access grants as a sorted table (CSR), one
//!   bitmask per resource, and an index to it (`access.rs`).
//!
//! A [`Program`] joins one policy half (shared, behind `Arc`) with one set of
//! tables, so a test's own data, a "what if" fix or another data set costs a
//! table build, never a policy compile. `cond.rs` is the one walker of
//! compiled conditions, used by the table builder (deny and default-role
//! conditions) and by `eval`. Ids are the model's dense ids; the model itself
//! is kept as the side table that maps ids back to names, labels and spans.

mod access;
pub mod bits;
pub(crate) mod cards;
mod code;
pub(crate) mod cond;
pub(crate) mod pairs;
pub(crate) mod rights;
mod tables;

use crate::sema::model::*;
use bits::BitMatrix;
use std::sync::Arc;

/// Index of a compiled condition node.
pub type NodeId = u32;

/// A compiled condition node. Children of `And`/`Or` are `kids[start..start+len]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Const(bool),
    Right(RightId),
    Role(RoleId),
    Flag(FlagId),
    Access(AccessId),
    Can(ActionId),
    Group(GroupId),
    Tag(TagId),
    /// `same ATTR` (§9.2)
    Same(AttrId),
    /// `user ATTR = "v"`: the value's id is its index in `PolicyCode::values`.
    UserAttr(AttrId, ValueId),
    /// `resource ATTR = "v"`
    ResourceAttr(AttrId, ValueId),
    /// `context NAME` (§9.4)
    Context(ContextId),
    Not(NodeId),
    And {
        start: u32,
        len: u32,
    },
    Or {
        start: u32,
        len: u32,
    },
}

/// How a user came by their roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleOrigin {
    /// The user's data lists `roles`.
    Explicit,
    /// The default-role line with this index matched.
    Default(usize),
    /// No roles listed and no default-role line matched.
    None,
}

/// An `assigns` rule, flattened: `from` (and every role extending it) may
/// hand out the roles (or, with `access`, the access levels) of row `set`
/// (all when `None`) where `cond` holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssignsIr {
    pub from: RoleId,
    pub rule: usize,
    /// Access levels (`assigns access …`) rather than roles.
    pub access: bool,
    /// Row in `PolicyCode::assign_sets` (roles) or `assign_levels` (levels),
    /// or `None` for `*`.
    pub set: Option<usize>,
    /// Only with a resource (`on resource`).
    pub on_resource: bool,
    pub cond: Option<NodeId>,
}

impl AssignsIr {
    /// Whether the rule hands out the role (or level) with index `what`.
    pub(crate) fn covers(&self, code: &PolicyCode, what: usize) -> bool {
        match self.set {
            None => true,
            Some(row) if self.access => code.assign_levels.get(row, what),
            Some(row) => code.assign_sets.get(row, what),
        }
    }
}

/// The policy half of a program: everything that does not depend on data.
#[derive(Clone, Debug)]
pub struct PolicyCode {
    pub(crate) nodes: Vec<Node>,
    pub(crate) kids: Vec<NodeId>,
    pub(crate) n_rights: usize,
    pub(crate) n_roles: usize,
    pub(crate) n_flags: usize,
    pub(crate) n_access: usize,
    pub(crate) n_groups: usize,
    pub(crate) n_tags: usize,
    /// Row r: every ancestor of role r, r included.
    pub(crate) role_closure: BitMatrix,
    /// Row r: every right role r grants, inherited ones included.
    pub(crate) role_rights: BitMatrix,
    /// Per right: the roles that grant it themselves (their `grant` lines),
    /// in role order: an explanation looks for a grant's line only there.
    pub(crate) granted_by: Vec<Vec<RoleId>>,
    /// Row d: the rights deny d removes.
    pub(crate) deny_rights: BitMatrix,
    pub(crate) deny_cond: Vec<Option<NodeId>>,
    pub(crate) default_cond: Vec<NodeId>,
    /// The role each default-role line gives.
    pub(crate) default_role: Vec<RoleId>,
    /// `also when` rules of each access level.
    pub(crate) access_rules: Vec<Vec<NodeId>>,
    pub(crate) action_cond: Vec<NodeId>,
    /// Whether each action is decided per resource.
    pub(crate) action_scoped: Vec<bool>,
    pub(crate) report_requires: Vec<NodeId>,
    pub(crate) report_where: Vec<Option<NodeId>>,
    pub(crate) report_details: Vec<Option<NodeId>>,
    pub(crate) assigns: Vec<AssignsIr>,
    pub(crate) assign_sets: BitMatrix,
    pub(crate) assign_levels: BitMatrix,
    /// `deny access`: row d holds the levels deny d removes; its condition.
    pub(crate) access_deny_levels: BitMatrix,
    pub(crate) access_deny_cond: Vec<Option<NodeId>>,
    /// For each access level, the access denies that can remove it.
    pub(crate) access_denies_of: Vec<Vec<u32>>,
    /// Levels with no `also when` rule, no access deny and not inherited:
    /// decided by the access row alone (plus `access for role`), the fast path.
    pub(crate) access_plain: Vec<bool>,
    /// Levels declared `inherited` (§9.1).
    pub(crate) access_inherited: Vec<bool>,
    /// The attribute values conditions name: `ValueId` i is value i, and
    /// the data's values are numbered after them (`Shared::values`).
    pub(crate) values: Vec<String>,
    /// Whether some condition reads a context fact (§9.4).
    pub(crate) uses_context: bool,
    /// Whether each report's rows are an event's (§9.6: `run R on X` needs X
    /// in an event).
    pub(crate) report_event_rows: Vec<bool>,
    /// Whether each action is decided by a [`cond::Levels`] table per user:
    /// a walk of its condition is short (`cond::TABLE_WALK`), and, if it is
    /// decided per resource, `PolicyCode::levels_decide` accepts it.
    pub(crate) action_tabled: Vec<bool>,
    /// Whether `run R on X` of each report is decided by a table per user:
    /// `requires` and `rows … where` are short to walk, and `levels_decide`
    /// accepts the latter (or it is absent).
    pub(crate) report_tabled: Vec<bool>,
}

/// What the per-user tables share, built once per data set: group closure,
/// each group's roles and access, each resource's tags and `access for role`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shared {
    /// Row g: g and every group it is nested in.
    pub(crate) group_closure: BitMatrix,
    /// Row g: the roles group g gives (its own; nesting is in `group_closure`).
    pub(crate) group_roles: BitMatrix,
    /// Each group's own access entries.
    pub(crate) group_access: Vec<Vec<(ResourceId, AccessId)>>,
    /// Row r: the tags of resource r.
    pub(crate) resource_tags: BitMatrix,
    /// `access for role` of resource r: entries
    /// `role_access_start[r]..role_access_start[r+1]` of `role_access`, each a
    /// role and a row of `role_access_masks`.
    pub(crate) role_access_start: Vec<u32>,
    pub(crate) role_access: Vec<RoleId>,
    pub(crate) role_access_masks: BitMatrix,
    /// Every attribute value named by the policy or held by a user or a
    /// resource, numbered: the policy's first, in `PolicyCode::values` order.
    pub(crate) values: rustc_hash::FxHashMap<String, u32>,
    /// Resource r's attribute values, `(attribute, value)` sorted:
    /// `resource_attrs[resource_attr_start[r]..resource_attr_start[r+1]]`.
    pub(crate) resource_attr_start: Vec<u32>,
    pub(crate) resource_attrs: Vec<(AttrId, u32)>,
    /// Whether resource r is a resource of some event (§9.6).
    pub(crate) in_event: Vec<bool>,
    /// Each event's resources, sorted: a row of an event's report is
    /// found by a binary search, not a scan of the event.
    pub(crate) event_resources: Vec<Vec<u32>>,
    /// Each resource's name, as answers read it (`cards.rs`).
    pub(crate) resource_cards: Vec<cards::Card>,
}

impl Shared {
    /// Whether `res` is a resource of event `e` (of `data`), or of any
    /// event (§9.6).
    pub(crate) fn in_event(&self, res: ResourceId, e: Option<EventId>) -> bool {
        match e {
            Some(e) => self
                .event_resources
                .get(e.index())
                .is_some_and(|rs| rs.binary_search(&res.0).is_ok()),
            None => self.in_event.get(res.index()).copied().unwrap_or(false),
        }
    }
}

/// The data half of a program: per-user tables (see `tables.rs`).
#[derive(Clone, Debug)]
pub struct DataTables {
    pub(crate) shared: Arc<Shared>,
    /// The distinct sets of roles users have (ancestors included): a
    /// user's is row `user_cards[u].roles`.
    pub(crate) role_sets: BitMatrix,
    /// Row u: every group user u is a member of (nesting included).
    pub(crate) user_groups: BitMatrix,
    pub(crate) user_role_origin: Vec<RoleOrigin>,
    /// Each user's name, whether their data revokes anything, their
    /// rights and their roles, as answers read them (`cards.rs`).
    pub(crate) user_cards: Vec<cards::UserCard>,
    pub(crate) user_flags: BitMatrix,
    /// The rows of users' effective rights (`rights.rs`): user u's are
    /// `user_cards[u].rights`.
    pub(crate) rights_sets: BitMatrix,
    /// What access users' data and groups give them (`access.rs`).
    pub(crate) access: access::AccessTables,
    /// Each user's [`cond::Levels`] tables (`decision_stride` per user):
    /// one per action, in action order, then one per report (`run R on X`:
    /// `requires` and `rows … where`), 0 for those not tabled. For an action
    /// whose `PolicyCode::action_tabled` holds, bit 0 decides it for the
    /// user alone (no resource); on a resource, it and a report whose
    /// `PolicyCode::report_tabled` holds are decided by the levels held
    /// there, when the data has no `access for role`. Empty (stride 0) when
    /// a build's tables would pass a memory budget (users appended one at a
    /// time later get theirs).
    pub(crate) decision_tables: Vec<u64>,
    pub(crate) decision_stride: usize,
    /// User u's attribute values, `(attribute, value)` sorted (values no
    /// policy condition and no resource names are left out: nothing could
    /// match them): `user_attrs[user_attr_start[u]..user_attr_start[u+1]]`.
    pub(crate) user_attr_start: Vec<u32>,
    pub(crate) user_attrs: Vec<(AttrId, u32)>,
    /// The context facts the tables were built with (deny conditions may
    /// read them): the facts every question of this program is asked with.
    pub(crate) with: ContextSet,
}

/// The symbolic view of a program, built on first use and kept with it (a
/// clone of the program shares it). Typed: `ir` names the type of what it
/// keeps (`symbolic::Cached`), never more of `symbolic`.
pub(crate) type Slot = Arc<std::sync::OnceLock<crate::symbolic::Cached>>;

/// A compiled policy joined with one data set.
#[derive(Clone, Debug)]
pub struct Program {
    /// The side table: names, labels, docs and spans.
    pub policy: Arc<Policy>,
    pub data: Arc<Data>,
    pub(crate) code: Arc<PolicyCode>,
    pub(crate) tables: DataTables,
    /// The symbolic view (`symbolic::of`), once built.
    pub(crate) symbolic: Slot,
    /// The data with every item, windows ignored, when some item has a
    /// window (§9.3): `data` is it as of `day`.
    pub(crate) undated: Option<Arc<Data>>,
    /// The date the program answers as of (today in UTC unless asked for another).
    pub(crate) day: Day,
    /// The same program at other dates and with other context facts, built
    /// when asked and kept (shared by clones).
    pub(crate) variants: Variants,
    /// For resource trees deeper than a walk: whether a user holds an
    /// inherited level on each resource, by (user, level), built when asked.
    pub(crate) deep: Deep,
}

/// See `Program::deep`.
pub(crate) type Deep = Arc<std::sync::Mutex<rustc_hash::FxHashMap<(u32, u32), Arc<Vec<bool>>>>>;

/// Programs of one policy and data at other dates or with other facts.
pub(crate) type Variants = Arc<std::sync::Mutex<Vec<(Day, ContextSet, Arc<Program>)>>>;

/// How many dated variants a program keeps.
const VARIANTS: usize = 8;

/// A program as of a date and with context facts: the program itself, or a
/// variant built for them.
pub enum ProgramAt<'a> {
    Same(&'a Program),
    Other(Arc<Program>),
}

impl ProgramAt<'_> {
    /// The program behind an `Arc`: `base`'s own when it is `base`.
    pub fn arc(self, base: &Arc<Program>) -> Arc<Program> {
        match self {
            ProgramAt::Same(_) => base.clone(),
            ProgramAt::Other(p) => p,
        }
    }
}

impl std::ops::Deref for ProgramAt<'_> {
    type Target = Program;
    fn deref(&self) -> &Program {
        match self {
            ProgramAt::Same(p) => p,
            ProgramAt::Other(p) => p,
        }
    }
}

impl Program {
    /// Compiles a checked model's policy and data (only sema makes a
    /// [`Checked`] model: one without errors, cycles in particular).
    pub fn compile(checked: &Checked) -> Program {
        let model = checked.model();
        Program::new(model.policy.clone(), model.data.clone())
    }

    /// Compiles a policy and joins it with one set of data.
    pub fn new(policy: Arc<Policy>, data: Arc<Data>) -> Program {
        let code = Arc::new(PolicyCode::compile(&policy));
        Program::join(policy, code, data)
    }

    /// Joins an already compiled policy with a set of data (builds the tables only).
    pub fn join(policy: Arc<Policy>, code: Arc<PolicyCode>, data: Arc<Data>) -> Program {
        Program::join_at(policy, code, data, Day::today(), ContextSet::NONE)
    }

    /// Joins a compiled policy with data as of `day`, for questions asked
    /// with context facts `with`.
    pub fn join_at(
        policy: Arc<Policy>,
        code: Arc<PolicyCode>,
        data: Arc<Data>,
        day: Day,
        with: ContextSet,
    ) -> Program {
        let (data, undated) = if data.has_windows() {
            (Arc::new(data.as_of(day)), Some(data))
        } else {
            (data, None)
        };
        let tables = DataTables::build_with(&code, &data, with);
        Program {
            policy,
            data,
            code,
            tables,
            symbolic: Slot::default(),
            undated,
            day,
            variants: Variants::default(),
            deep: Deep::default(),
        }
    }

    /// The same policy with other data: a table build, not a policy compile.
    pub fn with_data(&self, data: Arc<Data>) -> Program {
        Program::join_at(
            self.policy.clone(),
            self.code.clone(),
            data,
            self.day,
            self.tables.with,
        )
    }

    /// The date this program answers as of.
    pub fn day(&self) -> Day {
        self.day
    }

    /// The data with every item, windows ignored (§9.3).
    pub fn undated_data(&self) -> &Arc<Data> {
        self.undated.as_ref().unwrap_or(&self.data)
    }

    /// Whether a question's date can change an answer (some item has a window).
    pub fn dated(&self) -> bool {
        self.undated.is_some()
    }

    /// Whether context facts can change an answer (a condition reads one).
    pub fn uses_context(&self) -> bool {
        self.code.uses_context
    }

    /// This program as of `when.at` (this program's date when `None`) and
    /// for questions with exactly the facts `when.with`: itself when neither
    /// changes an answer, else a variant (tables built once and kept).
    pub fn at(&self, when: When) -> ProgramAt<'_> {
        let (day, with) = self.variant_of(when);
        if day == self.day && with == self.tables.with {
            return ProgramAt::Same(self);
        }
        let Ok(mut cache) = self.variants.lock() else {
            return ProgramAt::Other(Arc::new(self.variant(day, with)));
        };
        if let Some((_, _, p)) = cache.iter().find(|(d, w, _)| *d == day && *w == with) {
            return ProgramAt::Other(p.clone());
        }
        let p = Arc::new(self.variant(day, with));
        if cache.len() >= VARIANTS {
            cache.remove(0);
        }
        cache.push((day, with, p.clone()));
        ProgramAt::Other(p)
    }

    /// The date and facts that answer questions asked `when`: those of
    /// this program where they change no answer.
    pub(crate) fn variant_of(&self, when: When) -> (Day, ContextSet) {
        let day = match when.at {
            Some(d) if self.dated() => d,
            _ => self.day,
        };
        let with = if self.code.uses_context {
            when.with
        } else {
            ContextSet::NONE
        };
        (day, with)
    }

    /// [`Program::at`], without keeping the variant: for one pass over
    /// questions grouped by when they are asked (tests), where a kept
    /// variant of large data would only hold memory.
    pub fn at_once(&self, when: When) -> ProgramAt<'_> {
        let (day, with) = self.variant_of(when);
        if day == self.day && with == self.tables.with {
            return ProgramAt::Same(self);
        }
        ProgramAt::Other(Arc::new(self.variant(day, with)))
    }

    /// A copy of this program that keeps its own variants and memos (a
    /// clone shares them): what it builds is let go with it.
    pub fn detached(&self) -> Program {
        let mut p = self.clone();
        p.variants = Variants::default();
        p.deep = Deep::default();
        p
    }

    /// How many variants at other dates or with other facts this program
    /// keeps (each holds tables of the whole data).
    pub fn kept_variants(&self) -> usize {
        self.variants.lock().map_or(0, |v| v.len())
    }

    /// A new program from the same policy and undated data.
    fn variant(&self, day: Day, with: ContextSet) -> Program {
        let mut p = Program::join_at(
            self.policy.clone(),
            self.code.clone(),
            self.undated_data().clone(),
            day,
            with,
        );
        p.variants = self.variants.clone();
        p
    }

    /// This program answering as of another date by default (`--at`).
    pub fn dated_at(&self, day: Day) -> Program {
        if !self.dated() || day == self.day {
            let mut p = self.clone();
            p.day = day;
            return p;
        }
        Program::join_at(
            self.policy.clone(),
            self.code.clone(),
            self.undated_data().clone(),
            day,
            self.tables.with,
        )
    }

    /// The compiled policy half (shared by every program of this policy).
    pub fn code(&self) -> &Arc<PolicyCode> {
        &self.code
    }

    /// Lets go of the data (leaving it empty) so that its owner may change
    /// it in place; give it back, extended, with [`Program::extend_data`].
    pub fn release_data(&mut self) -> Arc<Data> {
        std::mem::take(&mut self.data)
    }

    /// Takes data that extends this program's (the same entries, with more
    /// users, resources or events after them) and builds tables for the new
    /// users only.
    pub fn extend_data(&mut self, data: Arc<Data>) {
        if data.has_windows() || self.dated() {
            // windows: the data as of the program's date, every table anew
            *self = Program::join_at(
                self.policy.clone(),
                self.code.clone(),
                data,
                self.day,
                self.tables.with,
            );
            return;
        }
        // new resources may carry tags, attributes and `access for role`;
        // new events list their resources
        let new_events = data.events.len() != self.tables.shared.event_resources.len();
        let new_resources = data.resources.len() != self.tables.shared.resource_tags.rows();
        if new_resources && data.users.iter().any(|u| !u.attributes.is_empty()) {
            // attribute values are numbered over users and resources
            self.tables = DataTables::build_with(&self.code, &data, self.tables.with);
        } else {
            if new_resources || new_events {
                self.tables.shared = Arc::new(Shared::build(&self.code, &data));
            }
            for u in data.users.iter().skip(self.tables.users()) {
                self.tables.push_user(&self.code, u);
            }
        }
        self.data = data;
        // what was worked out of the old data: the symbolic view (it reads
        // users and resources), variants and deep-tree answers
        self.forget_memos();
    }

    /// Lets go of everything worked out of this program's data and kept
    /// with it (built again when asked).
    fn forget_memos(&mut self) {
        self.symbolic = Slot::default();
        self.variants = Variants::default();
        self.deep = Deep::default();
    }

    /// Whether every decision of a user is the same under this program and
    /// `other` when the user's rows (roles, flags, groups, rights, access)
    /// are the same: the conditions of actions, reports, access levels and
    /// access denies, `assigns`, and what the data says of resources and
    /// groups are the same, over the same ids. Denies, default-role lines and
    /// role grants may differ: they only change the rows.
    pub fn same_conditions(&self, other: &Program) -> bool {
        let (a, b) = (&self.code, &other.code);
        type Names<'a> = (
            Vec<&'a String>,
            Vec<&'a String>,
            Vec<&'a String>,
            Vec<&'a String>,
            Vec<&'a String>,
            Vec<&'a String>,
            Vec<&'a String>,
        );
        fn names(p: &Program) -> Names<'_> {
            let pol = &p.policy;
            (
                pol.rights.iter().map(|x| &x.meta.name).collect::<Vec<_>>(),
                pol.roles.iter().map(|x| &x.meta.name).collect::<Vec<_>>(),
                pol.flags.iter().map(|x| &x.meta.name).collect::<Vec<_>>(),
                pol.access.iter().map(|x| &x.meta.name).collect::<Vec<_>>(),
                pol.tags.iter().map(|x| &x.meta.name).collect::<Vec<_>>(),
                pol.actions.iter().map(|x| &x.meta.name).collect::<Vec<_>>(),
                pol.reports.iter().map(|x| &x.meta.name).collect::<Vec<_>>(),
            )
        }
        fn data(p: &Program) -> (Vec<&String>, Vec<&String>) {
            (
                p.data
                    .groups
                    .iter()
                    .map(|x| &x.meta.name)
                    .collect::<Vec<_>>(),
                p.data
                    .resources
                    .iter()
                    .map(|x| &x.meta.name)
                    .collect::<Vec<_>>(),
            )
        }
        names(self) == names(other)
            && data(self) == data(other)
            && a.nodes == b.nodes
            && a.kids == b.kids
            && a.access_rules == b.access_rules
            && a.action_cond == b.action_cond
            && a.action_scoped == b.action_scoped
            && a.report_requires == b.report_requires
            && a.report_where == b.report_where
            && a.report_details == b.report_details
            && a.assigns == b.assigns
            && a.assign_sets == b.assign_sets
            && a.assign_levels == b.assign_levels
            && a.access_deny_levels == b.access_deny_levels
            && a.access_deny_cond == b.access_deny_cond
            && self.tables.shared == other.tables.shared
            && self
                .policy
                .reports
                .iter()
                .zip(&other.policy.reports)
                .all(|(x, y)| x.rows == y.rows)
    }

    /// Whether user `u` here and user `v` of `other` have the same rows:
    /// roles (ancestors included), flags, groups, effective rights, and
    /// access granted and revoked on each resource.
    pub fn same_user(&self, u: UserId, other: &Program, v: UserId) -> bool {
        let (a, b) = (&self.tables, &other.tables);
        let (i, j) = (u.index(), v.index());
        type Row<'a> = (Option<ResourceId>, &'a [u64], Option<&'a [u64]>);
        fn access(t: &DataTables, k: usize) -> Vec<Row<'_>> {
            let start = t.access.start.get(k).copied().unwrap_or(0) as usize;
            let end = t.access.start.get(k + 1).copied().unwrap_or(0) as usize;
            (start..end)
                .map(|r| {
                    (
                        t.access.res.get(r).copied(),
                        t.access.masks.row(r),
                        t.access.revokes.row(r),
                    )
                })
                .collect::<Vec<_>>()
        }
        i < a.users()
            && j < b.users()
            && a.roles_row(i) == b.roles_row(j)
            && a.user_flags.row(i) == b.user_flags.row(j)
            && a.user_groups.row(i) == b.user_groups.row(j)
            && a.user_role_origin.get(i) == b.user_role_origin.get(j)
            && match (a.user_cards.get(i), b.user_cards.get(j)) {
                (Some(x), Some(y)) => x.rights.same(&a.rights_sets, &y.rights, &b.rights_sets),
                _ => false,
            }
            && access(a, i) == access(b, j)
    }

    /// Where the symbolic view of this program is kept once built.
    pub(crate) fn symbolic_slot(&self) -> &Slot {
        &self.symbolic
    }

    /// Number of rows of rights in the tables: those users share (their
    /// roles' rights less denies) and those of users whose own data turns
    /// over more than a few rights (see `rights.rs`).
    pub fn distinct_rights_sets(&self) -> usize {
        self.tables.rights_sets.rows()
    }

    /// The rights a role grants (inherited ones included), in id order.
    pub fn role_rights(&self, r: RoleId) -> impl Iterator<Item = RightId> + '_ {
        self.code.role_rights(r)
    }

    /// Whether role `r` is `ancestor` or inherits from it.
    pub fn role_inherits(&self, r: RoleId, ancestor: RoleId) -> bool {
        self.code.role_inherits(r, ancestor)
    }

    /// Whether action `a` is decided from per-user decision tables (its
    /// condition is short and reads of a resource only plain access
    /// levels) rather than by walking its condition: for benchmarks and
    /// tests; the answers are the same.
    pub fn action_tabled(&self, a: ActionId) -> bool {
        self.code
            .action_tabled
            .get(a.index())
            .copied()
            .unwrap_or(false)
    }

    /// How user `u` came by their roles.
    pub fn role_origin(&self, u: UserId) -> RoleOrigin {
        self.tables
            .user_role_origin
            .get(u.index())
            .copied()
            .unwrap_or(RoleOrigin::None)
    }
}
