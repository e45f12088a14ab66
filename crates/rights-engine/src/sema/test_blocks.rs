//! `test` blocks: each test's own data (global data with the test's
//! declarations added or shadowing) and its expectations, resolved.

use super::data::{extend_as, Again, Decls};
use super::model::*;
use super::names::{unknown_data, Kind};
use super::query::{resolve_can, resolve_report_query, resolve_when};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast;
use std::collections::HashMap;
use std::sync::Arc;

/// Every test block among `items`, in order; also warns of two tests with one name.
pub(super) fn resolve(
    policy: &Policy,
    global: &Data,
    decls: &Decls,
    items: &[&ast::Item],
    diags: &mut Diagnostics,
) -> Vec<Test> {
    let mut tests = Vec::new();
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for item in items {
        let ast::Item::Test(t) = item else { continue };
        tests.push(test(policy, global, decls, t, diags));
        match seen.get(t.name.as_str()) {
            Some(first) => diags.push(
                Diagnostic::warning(Code::Duplicate, format!("two tests are named {:?}", t.name))
                    .at(t.name_span, "this name is taken")
                    .also(*first, "first test with this name")
                    .help("give each test its own name, so failures say which one failed"),
            ),
            None => {
                seen.insert(&t.name, t.name_span);
            }
        }
    }
    tests
}

fn test(
    policy: &Policy,
    global: &Data,
    decls: &Decls,
    t: &ast::TestDecl,
    diags: &mut Diagnostics,
) -> Test {
    // groups declared in the test exist only there: a policy of its own
    // names them (after the global ones, which a test group of the same name
    // replaces)
    let mut own: Option<Policy> = None;
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for g in &t.groups {
        if let Some(&first) = seen.get(g.id.text.as_str()) {
            diags.push(super::duplicate("group", &g.id, first));
            continue;
        }
        seen.insert(&g.id.text, g.id.span);
        let p = own.get_or_insert_with(|| policy.clone());
        if !p.names.groups.contains_key(&g.id.text) {
            let id = GroupId::from_index(p.names.groups.len());
            p.names.groups.insert(g.id.text.clone(), id);
        }
    }
    let own_policy = own.map(Arc::new);
    let policy = own_policy.as_deref().unwrap_or(policy);
    let local = t
        .declares_data()
        .then(|| Arc::new(local_data(policy, global, decls, t, diags)));
    let data = local.as_deref().unwrap_or(global);
    let at = t.at.as_ref().and_then(|d| super::data::day(d, diags));
    let mut expects = Vec::new();
    for e in &t.expects {
        match e {
            ast::Expect::Can {
                negated,
                query,
                span,
            } => match (
                resolve_can(policy, data, query),
                resolve_when(policy, &query.suffix),
            ) {
                (Ok(question), Ok(when)) => expects.push(Expectation::Can {
                    negated: *negated,
                    question,
                    when,
                    span: *span,
                }),
                (q, w) => diags.extend(q.err().into_iter().chain(w.err()).flatten()),
            },
            ast::Expect::Report {
                query,
                outcome,
                span,
            } => {
                let when = match resolve_when(policy, &query.suffix) {
                    Ok(w) => w,
                    Err(ds) => {
                        diags.extend(ds);
                        continue;
                    }
                };
                let q = resolve_report_query(policy, data, query);
                let outcome = match outcome {
                    ast::ReportOutcome::Denied => Some(ExpectedReport::Denied),
                    ast::ReportOutcome::Empty => Some(ExpectedReport::Empty),
                    ast::ReportOutcome::Shows(rows) => {
                        let mut out = Vec::new();
                        let mut ok = true;
                        for (id, vis) in rows {
                            match data.resource_ids.get(&id.text) {
                                Some(&rid) => out.push((
                                    rid,
                                    match vis {
                                        ast::Visibility::Full => Visibility::Full,
                                        ast::Visibility::NameOnly => Visibility::NameOnly,
                                    },
                                )),
                                None => {
                                    ok = false;
                                    diags.push(unknown_data(data, Kind::Resource, id.into()));
                                }
                            }
                        }
                        ok.then_some(ExpectedReport::Shows(out))
                    }
                };
                match (q, outcome) {
                    (Ok(question), Some(outcome)) => expects.push(Expectation::Report {
                        question,
                        outcome,
                        when,
                        span: *span,
                    }),
                    (Err(ds), _) => diags.extend(ds),
                    _ => {}
                }
            }
        }
    }
    Test {
        name: t.name.clone(),
        span: t.span,
        at,
        data: local,
        policy: own_policy,
        expects,
    }
}

/// The global data with the test's own declarations in the place of the
/// global entries of the same id, or added after them. Entries the test does
/// not declare are shared with the global data, not copied, and keep their
/// ids: a global user's access to a resource the test declares again is
/// access to the test's resource. Only problems in the test's own text are
/// reported: global data was checked once already.
fn local_data(
    policy: &Policy,
    global: &Data,
    decls: &Decls,
    t: &ast::TestDecl,
    diags: &mut Diagnostics,
) -> Data {
    let mine = Decls {
        users: t.users.iter().collect(),
        resources: t.resources.iter().collect(),
        events: t.events.iter().collect(),
        // groups are resolved together: the test's, then the global ones it
        // does not declare again
        groups: if t.groups.is_empty() {
            Vec::new()
        } else {
            t.groups
                .iter()
                .chain(
                    decls
                        .groups
                        .iter()
                        .copied()
                        .filter(|g| !t.groups.iter().any(|x| x.id.text == g.id.text)),
                )
                .collect()
        },
    };
    let mut found = Diagnostics::new();
    let mut data = global.clone();
    extend_as(policy, &mut data, &mine, Again::Replaces, &mut found);
    diags.extend(found.into_iter().filter(|d| {
        d.primary.as_ref().is_some_and(|(s, _)| {
            s.file == t.span.file && s.start >= t.span.start && s.end <= t.span.end
        })
    }));
    data
}
