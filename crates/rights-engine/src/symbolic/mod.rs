//! The symbolic view of a policy: every decision as a boolean function of a
//! user's facts (and, on a resource, the resource's), held as a binary
//! decision diagram (`biodivine-lib-bdd`), so questions about **every
//! possible user** have exact answers.
//!
//! - `universe.rs`: the variables — one per fact a user or the resource in
//!   scope can have (roles listed, flags, groups joined, direct grants and
//!   revokes; access granted or revoked, tags, `access for role` and group
//!   access on the resource) — shared by name between policies compared.
//! - `build.rs`: the functions, built lazily, once each, and kept: roles,
//!   rights, conditions, actions, access levels, reports, `assigns`, denies
//!   and default-role lines.
//! - `search.rs`: the smallest changes to one user's facts that make a
//!   function hold (a shortest path in the diagram), all minimal
//!   alternatives up to a number, ordered by size.
//! - `findings.rs`: what holds for every possible user of one policy (a right
//!   nobody can hold, a deny that never applies, …): proofs, not heuristics.
//! - `compare.rs`: two policies side by side, item by item, with witnesses.
//!
//! The concrete evaluator (`eval`) stays the source of truth for single
//! decisions; what this module proposes is checked with it.

mod build;
pub mod compare;
pub mod findings;
pub mod search;
pub mod universe;

use crate::ir::{PolicyCode, Program, Shared};
use crate::sema::model::*;
use biodivine_lib_bdd::{op_function, Bdd, BddVariable};
pub use build::Scope;
use std::sync::Arc;
pub use universe::{Binding, Fact, Meaning, Profile, Universe};

/// The most nodes one diagram may have before the view gives up (a policy
/// whose conditions defeat the variable order). Real policies' diagrams
/// have hundreds of nodes; a thousand roles granting one right, a thousand.
pub const NODE_LIMIT: usize = 1_000_000;

/// The most nodes building every function may produce in all (building
/// takes time in proportion: about a third of a microsecond per node).
pub const WORK_LIMIT: usize = 30_000_000;

/// Why the symbolic view could not be built or used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    /// More facts than the diagrams can number (65,535).
    TooManyFacts(usize),
    /// A diagram grew past [`NODE_LIMIT`] nodes.
    TooLarge,
    /// Building the functions asked for took more than [`WORK_LIMIT`] nodes.
    TooMuch,
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::TooManyFacts(n) => write!(
                f,
                "the policy has {n} facts a user can have; the symbolic view handles at most 65,535"
            ),
            Limit::TooLarge => write!(
                f,
                "a decision's diagram grew past {NODE_LIMIT} nodes: the policy's conditions are \
                 too tangled for the symbolic view"
            ),
            Limit::TooMuch => write!(
                f,
                "building the policy's functions took more than {WORK_LIMIT} nodes: it has too \
                 many decisions, resource profiles or tangled conditions for the symbolic view"
            ),
        }
    }
}

type R = Result<Bdd, Limit>;

/// One policy (with its groups and resources) as functions over a universe
/// of facts. Built on first use and kept with the program.
pub struct Symbolic {
    pub(crate) universe: Arc<Universe>,
    pub(crate) b: Binding,
    pub(crate) policy: Arc<Policy>,
    pub(crate) data: Arc<Data>,
    pub(crate) code: Arc<PolicyCode>,
    pub(crate) shared: Arc<Shared>,
    memo: build::Memo,
    work: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for Symbolic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Symbolic")
            .field("facts", &self.universe.meaning.len())
            .finish()
    }
}

impl Symbolic {
    /// The symbolic view of one program, over its own facts.
    pub fn new(p: &Program) -> Result<Symbolic, Limit> {
        let (u, mut bs) = universe::universe(&[p])?;
        let b = bs.pop().ok_or(Limit::TooManyFacts(0))?;
        Ok(Symbolic::bind(Arc::new(u), b, p))
    }

    /// Two programs over one universe (facts matched by name), to compare.
    pub fn pair(old: &Program, new: &Program) -> Result<(Symbolic, Symbolic), Limit> {
        let (u, mut bs) = universe::universe(&[old, new])?;
        let u = Arc::new(u);
        let bn = bs.pop().ok_or(Limit::TooManyFacts(0))?;
        let bo = bs.pop().ok_or(Limit::TooManyFacts(0))?;
        Ok((
            Symbolic::bind(u.clone(), bo, old),
            Symbolic::bind(u, bn, new),
        ))
    }

    fn bind(universe: Arc<Universe>, b: Binding, p: &Program) -> Symbolic {
        Symbolic {
            memo: build::Memo::new(p, universe.profiles.len()),
            work: std::sync::atomic::AtomicUsize::new(0),
            universe,
            b,
            policy: p.policy.clone(),
            data: p.data.clone(),
            code: p.code.clone(),
            shared: p.tables.shared.clone(),
        }
    }

    /// The universe of facts.
    pub fn universe(&self) -> &Universe {
        &self.universe
    }

    /// This program's facts as variables.
    pub fn binding(&self) -> &Binding {
        &self.b
    }

    /// One operation on diagrams, within the node limit; what it builds
    /// counts against [`WORK_LIMIT`] (time is proportional to it).
    fn op(&self, a: &Bdd, b: &Bdd, f: fn(Option<bool>, Option<bool>) -> Option<bool>) -> R {
        let r = Bdd::binary_op_with_limit(NODE_LIMIT, a, b, f).ok_or(Limit::TooLarge)?;
        let before = self
            .work
            .fetch_add(r.size(), std::sync::atomic::Ordering::Relaxed);
        if before + r.size() > WORK_LIMIT {
            return Err(Limit::TooMuch);
        }
        Ok(r)
    }

    fn and(&self, a: &Bdd, b: &Bdd) -> R {
        self.op(a, b, op_function::and)
    }

    fn or(&self, a: &Bdd, b: &Bdd) -> R {
        self.op(a, b, op_function::or)
    }

    fn and_not(&self, a: &Bdd, b: &Bdd) -> R {
        self.op(a, b, op_function::and_not)
    }

    /// `a ∧ ¬b` for one question (not kept, not counted against the work
    /// limit, so a long session of questions never runs out).
    pub fn and_not_once(a: &Bdd, b: &Bdd) -> R {
        Bdd::binary_op_with_limit(NODE_LIMIT, a, b, op_function::and_not).ok_or(Limit::TooLarge)
    }

    /// `a ∧ b` for one question.
    pub fn and_once(a: &Bdd, b: &Bdd) -> R {
        Bdd::binary_op_with_limit(NODE_LIMIT, a, b, op_function::and).ok_or(Limit::TooLarge)
    }

    /// How many nodes the functions built so far took to build.
    pub fn work(&self) -> usize {
        self.work.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn t(&self) -> Bdd {
        self.universe.vars.mk_true()
    }

    fn f(&self) -> Bdd {
        self.universe.vars.mk_false()
    }

    fn var(&self, v: BddVariable) -> Bdd {
        self.universe.vars.mk_var(v)
    }

    /// The disjunction of some variables (false when there are none).
    fn any_of(&self, vs: &mut Vec<BddVariable>) -> Bdd {
        vs.sort();
        vs.dedup();
        let clause = biodivine_lib_bdd::BddPartialValuation::from_values(
            &vs.iter().map(|&v| (v, true)).collect::<Vec<_>>(),
        );
        self.universe.vars.mk_disjunctive_clause(&clause)
    }

    /// Whether `a` and `b` are the same function.
    pub fn same(&self, a: &Bdd, b: &Bdd) -> Result<bool, Limit> {
        Ok(
            Bdd::binary_op_with_limit(NODE_LIMIT, a, b, op_function::xor)
                .ok_or(Limit::TooLarge)?
                .is_false(),
        )
    }
}

impl Symbolic {
    /// The function deciding a `can` question, over the user's facts (and
    /// the resource's tags and the user's access on it), for the resource
    /// named (its profile).
    pub fn question(&self, q: &CanQ) -> R {
        self.question_on(q, q.on.map(|r| self.b.profile_of(r)))
    }

    /// The same question on any resource of profile `prof` (`None`: no
    /// resource named).
    pub fn question_on(&self, q: &CanQ, prof: Scope) -> R {
        match q.target {
            Target::Right(r) => self.right(r),
            Target::Action(a) => self.action(a, prof),
            Target::Run(rep) => {
                // §9.6: a `rows event` report runs on its events' resources
                if let Some(r) = q.on {
                    let event_rows = self.code.report_event_rows.get(rep.index()).copied();
                    let in_event = self.shared.in_event(r, q.event);
                    if event_rows == Some(true) && !in_event {
                        return Ok(self.f());
                    }
                }
                let req = self.report_requires(rep)?;
                match prof {
                    Some(p) => Symbolic::and_once(&req, &self.report_where(rep, p)?),
                    None => Ok(req),
                }
            }
            Target::Assign { role, .. } => self.assign(false, role.index(), prof),
            Target::Access(l) => match prof {
                Some(p) => self.access(l, p),
                None => Ok(self.f()),
            },
            Target::AssignAccess { level, .. } => self.assign(true, level.index(), prof),
        }
    }

    /// Whether `f` holds where the facts have these values (one per variable).
    pub fn holds(&self, f: &Bdd, facts: &[bool]) -> bool {
        let n = self.universe.meaning.len();
        let mut v =
            biodivine_lib_bdd::BddValuation::all_false(u16::try_from(n).unwrap_or(u16::MAX));
        for (i, &x) in facts.iter().enumerate().take(n) {
            if x {
                v.set(BddVariable::from_index(i));
            }
        }
        f.eval_in(&v)
    }

    /// How many resource profiles there are (`universe.rs`).
    pub fn profiles(&self) -> usize {
        self.universe.profiles.len()
    }

    /// User `u`'s facts (on resource `on`): every variable's current value.
    pub fn facts_of(&self, program: &Program, u: UserId, on: Option<ResourceId>) -> Vec<bool> {
        let mut val = vec![false; self.universe.meaning.len()];
        let Some(user) = self.data.users.get(u.index()) else {
            return val;
        };
        let mut set = |v: Option<BddVariable>| {
            if let Some(v) = v {
                if let Some(x) = val.get_mut(v.to_index()) {
                    *x = true;
                }
            }
        };
        if let Some(rs) = &user.roles {
            set(Some(self.b.lists));
            for (r, _) in rs {
                set(self.b.var(Fact::Role(*r)));
            }
        }
        for (f, _) in &user.flags {
            set(self.b.var(Fact::Flag(*f)));
        }
        for (g, _) in &user.groups {
            set(self.b.var(Fact::Group(*g)));
        }
        for s in &user.grants {
            set(self.b.var(Fact::Grant(s.right)));
        }
        for s in &user.revokes {
            set(self.b.var(Fact::Revoke(s.right)));
        }
        if let Some(r) = on {
            for (rr, l, _) in &user.access {
                if *rr == r {
                    set(self.b.var(Fact::Access(*l)));
                }
            }
            for (rr, l, _) in &user.revoke_access {
                if *rr == r {
                    set(self.b.var(Fact::AccessRevoke(*l)));
                }
            }
            if let Some(res) = self.data.resources.get(r.index()) {
                for (t, _) in &res.tags {
                    set(self.b.var(Fact::Tag(*t)));
                }
            }
            // version 3: what the program says of this user on this resource
            for &(a, v) in &self.b.value_pairs {
                if program.resource_has_value(r, a, v) {
                    set(self.b.var(Fact::ResourceValue(a, v)));
                }
            }
            for a in 0..program.policy.attributes.len() {
                let a = AttrId::from_index(a);
                if program.same_value(u, r, a) {
                    set(self.b.var(Fact::Same(a)));
                }
            }
            for l in 0..program.policy.access.len() {
                let l = AccessId::from_index(l);
                if program.inherited_from(u, r, l).is_some() {
                    set(self.b.var(Fact::Inherited(l)));
                }
            }
        }
        for c in program.given().iter() {
            set(self.b.var(Fact::Context(c)));
        }
        for &(a, v) in &self.b.value_pairs {
            if program.user_has_value(u, a, v) {
                set(self.b.var(Fact::UserValue(a, v)));
            }
        }
        val
    }
}

/// The symbolic view of a program, built on first use and kept with it (a
/// clone of the program shares it).
pub fn of(p: &Program) -> Cached {
    p.symbolic_slot()
        .get_or_init(|| Symbolic::new(p).map(Arc::new))
        .clone()
}

/// What a program keeps of its symbolic view: the view, or why it could
/// not be built.
pub type Cached = Result<Arc<Symbolic>, Limit>;
