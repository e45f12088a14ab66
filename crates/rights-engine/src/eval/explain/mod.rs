//! Explanations as data: the facts a decision rests on, each with where it
//! comes from, and for a denial, the smallest changes that would allow it.
//! No English here: [`crate::words`] says all of it, for every front end.
//!
//! - `facts.rs`: why a condition, right, role, flag or access level holds
//!   for a user, as a tree of [`Reason`]s;
//! - `fixes.rs`: what would change a denial — alternatives of typed
//!   [`Fix`]es, each verified with the evaluator on a "what if" copy of the
//!   user — and the denies and revokes no grant can lift.
//!
//! Every truth value comes from the evaluator's own functions (`eval`,
//! `has_right`, `has_access`, …), so an explanation cannot disagree with the
//! decision it explains. Fixes are searched only when they are asked for.

mod facts;
mod fixes;

use crate::ir::Program;
use crate::sema::model::*;
use crate::source::Span;

/// One fact in an explanation, with the facts it rests on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// Whether this part of the condition is satisfied.
    pub holds: bool,
    pub fact: Fact,
    /// Where the fact comes from (a grant, a data entry, a deny…).
    pub site: Option<Span>,
    pub because: Vec<Reason>,
}

impl Reason {
    pub fn new(holds: bool, fact: Fact) -> Reason {
        Reason {
            holds,
            fact,
            site: None,
            because: Vec::new(),
        }
    }
    pub fn at(mut self, site: Span) -> Reason {
        self.site = Some(site);
        self
    }
    pub fn at_maybe(mut self, site: Option<Span>) -> Reason {
        self.site = site;
        self
    }
    pub fn because(mut self, r: Vec<Reason>) -> Reason {
        self.because = r;
        self
    }
}

/// What a [`Reason`] states.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Fact {
    /// `true` or `false` as written in a condition.
    Const(bool),
    /// The user holds the right (`Held`), or not, and why not.
    Right {
        user: UserId,
        right: RightId,
        how: RightHow,
    },
    /// A role of the user grants the right (site: the grant).
    GrantedByRole { role: RoleId },
    /// The user's own data grants the right (site: the grant).
    GrantedDirectly { user: UserId },
    /// The user's data revokes the right (site: the revoke).
    Revoked { user: UserId },
    /// A deny whose condition holds takes the right (site: the deny).
    Denied { user: UserId },
    /// The user has the role, or not, and how.
    Role {
        user: UserId,
        role: RoleId,
        how: RoleFact,
    },
    /// The user has the flag (`has`), or not.
    Flag {
        user: UserId,
        flag: FlagId,
        has: bool,
    },
    /// The user's access level on a resource, where it comes from, or what
    /// takes it away.
    Access {
        user: UserId,
        resource: ResourceId,
        level: AccessId,
        how: AccessHow,
    },
    /// The user is a member of the group (`member`), directly or, with
    /// `via`, through the group they joined that is nested in it (§8.1).
    Member {
        user: UserId,
        group: GroupId,
        via: Option<GroupId>,
        member: bool,
    },
    /// The resource has the tag (`has`), or not (§8.2).
    Tag {
        resource: ResourceId,
        tag: TagId,
        has: bool,
    },
    /// `same ATTR`: the user and the resource share a value (`holds`), or
    /// not (§9.2); the words name the values.
    Same {
        user: UserId,
        resource: ResourceId,
        attr: AttrId,
        holds: bool,
    },
    /// `user ATTR = "v"`: the user has the value (`has`), or not.
    UserValue {
        user: UserId,
        attr: AttrId,
        value: ValueId,
        has: bool,
    },
    /// `resource ATTR = "v"`: the resource has the value, or not.
    ResourceValue {
        resource: ResourceId,
        attr: AttrId,
        value: ValueId,
        has: bool,
    },
    /// A `rows event` report asked about one resource (§9.6): `event` is
    /// the event that lists it (the one asked for, or the first), if any.
    InEvent {
        resource: ResourceId,
        report: ReportId,
        event: Option<EventId>,
        asked: Option<EventId>,
    },
    /// `context NAME`: the question was asked with the fact (`given`), or
    /// not (§9.4).
    Context { context: ContextId, given: bool },
    /// `access` asked where no resource is in scope.
    NoResource,
    /// An action used through `can` holds (or not), on a resource if scoped.
    Action {
        action: ActionId,
        on: Option<ResourceId>,
        holds: bool,
    },
    /// Every part of an `and` holds (`all`), or not all do.
    AllOf { all: bool },
    /// No part of an `or` holds.
    NoneOf,
    /// The user may run the report at all (`requires`).
    MayRun { user: UserId, report: ReportId },
    /// The resource is (or is not) a row of the report for the user.
    Row {
        user: UserId,
        report: ReportId,
        resource: ResourceId,
        rows: RowsNote,
        is_row: bool,
    },
    /// One of the user's roles has an `assigns` rule covering the role (or
    /// access level).
    AssignRule {
        user: UserId,
        from: RoleId,
        what: Handed,
        scope: AssignScope,
        holds: bool,
    },
    /// None of the user's roles may hand out the role (or access level).
    NoAssignRule { user: UserId, what: Handed },
    /// No user could ever be allowed this, whatever their roles, flags,
    /// groups, grants and access.
    NobodyEver,
    /// No user could be allowed this on the resource, given what its data
    /// says (`access for role`, group access).
    NotOnResource { resource: ResourceId },
    /// Only changes no fix makes (adding a revoke, say) would allow it.
    NoChangeWould,
    /// Someone could be allowed this on a resource, but not without one.
    NeedsResource,
    /// The symbolic view could not be built for this policy.
    NotSearched(crate::symbolic::Limit),
}

/// Why a user holds a right or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RightHow {
    Held,
    /// Granted, but a revoke or a deny takes it away.
    TakenAway,
    /// No role of the user grants it, nor does the user's data.
    NotGranted,
}

/// How a user has a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoleFact {
    /// The user does not have it.
    Missing,
    /// Listed in the user's data (site: the listing).
    Listed,
    /// An ancestor of this listed role (site: its listing).
    InheritedFrom(RoleId),
    /// The default role (site: the default-role line).
    Default,
    /// An ancestor of this default role (site: the default-role line).
    DefaultInherited(RoleId),
    /// Given by this group of the user, or an ancestor of a role it gives
    /// (site: the group's `roles` entry).
    FromGroup(GroupId),
    /// The user has it (no more is known).
    Held,
}

/// Where an access level comes from, what takes it away, or that it is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccessHow {
    /// The user's data grants it (site: the data entry).
    Data,
    /// A group of the user grants it (site: the group's access entry); the
    /// reason's child says how the user is a member.
    Group(GroupId),
    /// `access for role` on the resource, through this role of the user
    /// (site: the `access for role` line).
    RoleAccess(RoleId),
    /// An `also when` rule holds (site: the rule's condition).
    AlsoWhen,
    /// Inherited from the parent resource, where the user holds it (§9.1);
    /// the reason's child says how (site: the `inherited` declaration).
    Inherited(ResourceId),
    /// Declared `inherited`, but not held on the parent resource (the
    /// reason's child says why).
    NotInherited(ResourceId),
    /// Granted, but the user's data revokes it (site: the revoke).
    Revoked,
    /// Granted or not, an access deny takes it (site: the deny).
    Denied,
    /// Nothing grants it.
    Missing,
}

/// What an `assigns` rule hands out, as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Handed {
    Role(RoleId),
    /// An access level (on a resource).
    Level(AccessId),
}

/// What a report's rows are, for a row that is not filtered by `where`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RowsNote {
    /// `rows … where COND`: the reason's children say why.
    Filtered,
    /// `rows event` with no `where`: every resource of the event.
    EveryEventResource,
    /// `rows resources` with no `where`: every resource.
    EveryResource,
}

/// Where an `assigns` rule applies, as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssignScope {
    /// No condition: anywhere.
    Anywhere,
    /// `when COND`, for the assigning user alone.
    When,
    /// `on resource when …`, asked about this resource.
    OnResource(ResourceId),
    /// `on resource when …`, asked without a resource.
    NeedsResource,
}

/// One change to a user's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fix {
    GrantRight(RightId),
    /// Remove the user's direct grant of the right.
    RemoveGrant(RightId),
    AssignRole(RoleId),
    SetFlag(FlagId),
    GrantAccess(AccessId, ResourceId),
    RemoveRevoke(RightId),
    RemoveRole(RoleId),
    ClearFlag(FlagId),
    RemoveAccess(AccessId, ResourceId),
    AddToGroup(GroupId),
    RemoveFromGroup(GroupId),
    /// Lift `revoke access R: LEVEL`.
    RemoveAccessRevoke(AccessId, ResourceId),
    /// Tag the resource (a change to the resource, not the user).
    TagResource(TagId, ResourceId),
    UntagResource(TagId, ResourceId),
}

impl Fix {
    /// A change to something other users share (a resource's tags), rather
    /// than to this one user's data.
    pub fn is_shared(self) -> bool {
        matches!(self, Fix::TagResource(..) | Fix::UntagResource(..))
    }
}

/// What an explanation is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A `can` question.
    Can(CanQ),
    /// Whether a report row shows in full (`details when`).
    Details {
        user: UserId,
        report: ReportId,
        resource: ResourceId,
    },
}

/// A decision with its reasons.
#[derive(Clone, Debug)]
pub struct Explanation {
    pub allowed: bool,
    /// The user the question is about.
    pub user: UserId,
    pub subject: Subject,
    pub reasons: Vec<Reason>,
    /// Whether fixes were searched for (`explain`), not only reasons (`can`).
    pub searched: bool,
    /// For a denial: every minimal set of changes found (up to
    /// `MAX_ALTERNATIVES` looked at), each verified, best first (smallest;
    /// this user's data before a shared resource; least privilege). Words
    /// show the first few and count the rest. Empty when nothing would
    /// allow it (see `blocked`), or when fixes were not searched for.
    pub fixes: Vec<Vec<Fix>>,
    /// For a denial no grant can lift: the denies and revokes that forbid it.
    pub blocked: Vec<Reason>,
    /// For an allowed answer: each context fact given without which it
    /// would be denied (§9.4), so a break-glass use can be logged.
    pub relies_on: Vec<ContextId>,
    /// For a denial (`explain`): asking with (`true`) or without (`false`)
    /// one fact would allow it; shown after the fixes to the policy and data.
    pub ask: Vec<(ContextId, bool)>,
}

impl Program {
    /// Explains a `can` decision: its reasons, and for a denial what would
    /// allow it.
    pub fn explain(&self, q: &CanQ) -> Explanation {
        let mut e = self.reasons(q);
        if !e.allowed {
            e.searched = true;
            let found = self.fixes_for(q);
            e.fixes = found.fixes;
            if let Some(never) = found.never {
                e.blocked = std::iter::once(never).chain(self.blockers(q)).collect();
            }
            e.ask = self.context_fixes(q);
        }
        e
    }

    /// The question asked with other context facts, as of the same day.
    fn can_with(&self, q: &CanQ, with: ContextSet) -> bool {
        self.at(When {
            at: Some(self.day()),
            with,
        })
        .can(q)
    }

    /// Each given fact without which `q` (allowed) would be denied.
    pub fn relies_on(&self, q: &CanQ) -> Vec<ContextId> {
        if !self.uses_context() {
            return Vec::new();
        }
        let given = self.given();
        given
            .iter()
            .filter(|&c| !self.can_with(q, given.without(c)))
            .collect()
    }

    /// Facts whose addition (or, for a given one, removal) alone would
    /// allow `q` (denied), each checked (§9.7).
    fn context_fixes(&self, q: &CanQ) -> Vec<(ContextId, bool)> {
        if !self.uses_context() {
            return Vec::new();
        }
        let given = self.given();
        let mut out = Vec::new();
        for c in (0..self.policy.contexts.len()).map(ContextId::from_index) {
            let with = !given.has(c);
            let changed = if with {
                given.with(c)
            } else {
                given.without(c)
            };
            if self.can_with(q, changed) {
                out.push((c, with));
            }
        }
        out
    }

    /// The reasons for a decision, without searching for what would change it
    /// (for `can`, which shows why; `explain` also shows what would allow it).
    pub fn reasons(&self, q: &CanQ) -> Explanation {
        self.touch(q);
        let allowed = self.can(q);
        Explanation {
            allowed,
            user: q.user,
            subject: Subject::Can(*q),
            reasons: self.can_reasons(q),
            searched: false,
            fixes: Vec::new(),
            blocked: Vec::new(),
            relies_on: if allowed {
                self.relies_on(q)
            } else {
                Vec::new()
            },
            ask: Vec::new(),
        }
    }

    /// Why a report row shows in full or by name only (`details when`),
    /// without searching for what would change it.
    pub fn details_reasons(&self, u: UserId, rep: ReportId, res: ResourceId) -> Vec<Reason> {
        self.code
            .report_details
            .get(rep.index())
            .copied()
            .flatten()
            .map(|c| vec![self.explain_node(c, u, Some(res))])
            .unwrap_or_default()
    }

    /// Why a report row shows in full or by name only (`details when`), and
    /// for a name-only row what would show it in full.
    pub fn explain_details(&self, u: UserId, rep: ReportId, res: ResourceId) -> Explanation {
        let vis = self.visibility(u, rep, res);
        let cond = self.code.report_details.get(rep.index()).copied().flatten();
        let reasons = cond
            .map(|c| vec![self.explain_node(c, u, Some(res))])
            .unwrap_or_default();
        let fixes = match cond {
            Some(_) if vis != Visibility::Full => self.details_fixes(u, rep, res),
            _ => Vec::new(),
        };
        Explanation {
            allowed: vis == Visibility::Full,
            user: u,
            subject: Subject::Details {
                user: u,
                report: rep,
                resource: res,
            },
            reasons,
            searched: true,
            fixes,
            blocked: Vec::new(),
            relies_on: Vec::new(),
            ask: Vec::new(),
        }
    }

    /// Reads at once what an explanation of `q` and its words read about
    /// its user and resource: their cards (names, whether the user revokes
    /// anything), the user's revokes if so, the access entry. Each is a
    /// cache miss on a large workload; asked for together, before the
    /// decision, the misses overlap instead of following one another.
    /// Changes nothing.
    #[inline]
    fn touch(&self, q: &CanQ) {
        use std::hint::black_box;
        let u = q.user;
        if self.revokes_any(u) {
            let d = self.data.users.get(u.index());
            black_box(d.and_then(|d| d.revokes.first().map(|s| s.right)));
        }
        if let Some(res) = q.on {
            black_box(
                self.tables
                    .shared
                    .resource_cards
                    .get(res.index())
                    .map(|c| c.name().is_some()),
            );
            black_box(self.access_entry(u, res));
        }
    }
}
