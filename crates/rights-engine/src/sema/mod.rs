//! AST → resolved [`Model`]: name resolution and every static check of
//! the language (docs/reference), over all files of a policy at once.
//!
//! Resolution never stops at the first problem: it returns the model and every
//! diagnostic found, with a `Const(false)` placeholder wherever a name was
//! unknown. Callers must not compile a model whose diagnostics hold an error.
//!
//! - [`model`]: every resolved type the later stages use (ids, conditions,
//!   policy, data, questions, tests);
//! - `declare.rs`: pass 1, every policy name declared;
//! - `define.rs`: pass 2, every body resolved (conditions, patterns, reports);
//! - `limits.rs` (+ `cycles.rs`): cycles, chain length and expansion bounds;
//! - `data.rs`: users, resources and events, from `.rights` or JSON, also
//!   added to an existing model (the REPL);
//! - `test_blocks.rs`: `test` blocks with their own data (and groups);
//! - `day.rs`: days and windows (§9.3); `windows.rs`: data as of a day;
//! - `query.rs`: queries and expectations, also from plain names (the library);
//! - `names.rs`: "unknown name" with "did you mean".

mod asked;
mod cycles;
mod data;
mod day;
mod declare;
mod define;
mod limits;
pub mod model;
mod name_table;
mod names;
mod nesting;
mod query;
mod test_blocks;
mod windows;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast;
pub use data::resolve_day;
pub use define::expand_pattern;
pub use limits::{MAX_DEPENDENCY_DEPTH, MAX_EXPANSION};
pub use model::Model;
use model::*;
pub use names::NameRef;
pub use query::{
    lookup_can, resolve_can, resolve_can_names, resolve_contexts, resolve_event, resolve_query,
    resolve_report_query, resolve_when, TargetNames,
};
use std::sync::Arc;

/// Resolves the items of every file of a policy (and its data) into a model.
pub fn resolve<'a>(items: impl IntoIterator<Item = &'a ast::Item>) -> (Model, Diagnostics) {
    resolve_taking(items, &mut NoUsers)
}

/// Users given to [`resolve_taking`] a batch at a time, after every item:
/// a lean load reads a data file's users a batch at a time
/// (`Workspace::load_to_answer`), so that their syntax never exists all at
/// once.
pub(crate) trait UserBatches {
    /// How many users there are at most (room is made for them at once).
    fn count(&self) -> usize;
    /// Up to `n` more users, in order; none only when there are no more.
    fn next_batch(&mut self, n: usize) -> Vec<ast::UserDecl>;
}

/// No users besides the items'.
pub(crate) struct NoUsers;

impl UserBatches for NoUsers {
    fn count(&self) -> usize {
        0
    }
    fn next_batch(&mut self, _: usize) -> Vec<ast::UserDecl> {
        Vec::new()
    }
}

/// [`resolve`] of `items` followed by `users`, given by value: they are
/// resolved a batch at a time, each batch's entries dropped once resolved,
/// so a large data file's entries are never held beside the whole model. The users come after
/// every item, as a data file's users come after the policy's
/// (`Workspace::load_to_answer`, with no typed text). A test's own data is
/// the global data with the test's entries over it, so the global entries'
/// syntax is not needed after they are resolved.
pub(crate) fn resolve_taking<'a>(
    items: impl IntoIterator<Item = &'a ast::Item>,
    users: &mut impl UserBatches,
) -> (Model, Diagnostics) {
    let items: Vec<&ast::Item> = items.into_iter().collect();
    let mut r = Resolver::default();
    r.declare(&items);
    r.define(&items);
    r.check_limits();
    let Resolver { policy, mut diags } = r;
    let decls = data::Decls::of(&items);
    let mut data = Data::default();
    data::extend(&policy, &mut data, &decls, &mut diags);
    data::extend_users(&policy, &mut data, users, &mut diags);
    data.compact_names();
    let tests = test_blocks::resolve(&policy, &data, &decls, &items, &mut diags);
    (
        Model {
            policy: Arc::new(policy),
            data: Arc::new(data),
            tests,
        },
        diags,
    )
}

/// Adds data declarations (users, resources, events; anything else is
/// ignored) to a resolved model's data, checking them against its policy and
/// the data already there. Returns what they add up to; the diagnostics are
/// about these items only.
pub fn add_data<'a>(
    policy: &Policy,
    data: &mut Data,
    items: impl IntoIterator<Item = &'a ast::Item>,
) -> Diagnostics {
    let items: Vec<&ast::Item> = items.into_iter().collect();
    let mut diags = Diagnostics::new();
    data::extend(policy, data, &data::Decls::of(&items), &mut diags);
    diags
}

/// Whether an item is data (a user, a resource or an event), which
/// [`add_data`] can add to a model without resolving the policy again.
pub fn is_data_item(item: &ast::Item) -> bool {
    matches!(
        item,
        ast::Item::User(_) | ast::Item::Resource(_) | ast::Item::Event(_)
    )
}

/// What a condition may contain where it is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Allowed {
    /// Everything (actions, `also when`, report clauses, `assigns`).
    All,
    /// Only `role`, `group`, `flag`, `not`, `and`, `or` (deny conditions).
    RoleFlag,
    /// Only `flag`, `group`, `not`, `and`, `or` (default-role conditions).
    FlagGroup,
    /// Only `role`, `group`, `flag`, `tag`, `not`, `and`, `or` (access denies).
    AccessDeny,
}

#[derive(Clone, Copy)]
struct Ctx {
    /// Is a resource in scope (may `access` be used)?
    resource: bool,
    allowed: Allowed,
    /// Where the condition is, for messages: "a global action", "`requires`".
    place: &'static str,
    /// Advice when `access` is used without a resource.
    access_help: &'static str,
}

/// The policy being resolved and what was found wrong so far.
#[derive(Default)]
struct Resolver {
    policy: Policy,
    diags: Diagnostics,
}

/// The first declaration of each name, for "first declared here".
fn duplicate(kind: &str, name: &ast::Name, first: Span) -> Diagnostic {
    Diagnostic::error(
        Code::Duplicate,
        format!("{kind} `{}` is declared twice", name.text),
    )
    .at(name.span, "declared again here")
    .also(first, "first declared here")
    .help("remove one of the declarations, or rename one of them")
}

fn meta(name: &ast::Name, label: &ast::Label, doc: &ast::Doc) -> Meta {
    Meta {
        name: name.text.clone(),
        label: label.clone(),
        doc: doc.clone(),
        span: name.span,
    }
}
