//! Property tests over random policies (see `gen.rs`):
//! - the compiled IR agrees with the reference evaluator on every query form;
//! - default deny; deny and revoke win; grants, roles and access only add;
//! - order independence (declarations shuffled, split over files);
//! - the formatter round-trips and is idempotent;
//! - a file parsed again after edits equals its whole parse;
//! - the symbolic view agrees with the evaluator on every question;
//! - `rights diff` of a policy and the policy with one declaration taken out
//!   equals brute force over every question of every user on every resource;
//! - `explain`'s fixes are verified, minimal and complete (against brute
//!   force over every set of changes to small users).
//!
//! Cases per property: 10,000 for the agreement with the reference evaluator,
//! 1,000 for the others; `PROPTEST_CASES=N` sets all of them (a nightly-style
//! run: `PROPTEST_CASES=200000 cargo test --release --test properties`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod again;
mod diff;
mod fixes;
mod gen;
mod reference;

use gen::{Gen, Opts};
use proptest::prelude::*;
use reference::Reference;
use rights::ir::Program;
use rights::sema::model::*;
use rights::source::Origin;

fn cases(default: u32) -> ProptestConfig {
    let n = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases: n,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Parses and checks items (in one or several files); `None` when the random
/// policy does not check (it may, e.g., leave a `prefix.*` matching nothing).
fn model_of(files: &[String]) -> Option<Model> {
    let mut ws = rights::workspace::Workspace::default();
    for (i, f) in files.iter().enumerate() {
        ws.add_policy_text(Origin::Input(format!("f{i}")), f.clone());
    }
    ws.check();
    ws.is_compiled().then(|| ws.model().clone())
}

/// The program of a model from [`model_of`] (a workspace that compiled, so
/// checked without an error).
fn compile(m: &Model) -> Program {
    Program::compile(&Checked::of(m, &[]).unwrap())
}

fn policy(seed: u64, o: Opts) -> (String, Option<Model>) {
    let text = Gen::new(seed, o).items().join("\n") + "\n";
    let model = model_of(std::slice::from_ref(&text));
    (text, model)
}

/// Every `can` question the model can be asked: each user × each right, each
/// action (on each resource if it is per resource), each report (with and
/// without each resource), each role to assign (with and without a resource).
fn questions(m: &Model) -> Vec<CanQ> {
    let p = &m.policy;
    let d = &m.data;
    let res: Vec<Option<ResourceId>> = std::iter::once(None)
        .chain((0..d.resources.len()).map(|r| Some(ResourceId::from_index(r))))
        .collect();
    let mut out = Vec::new();
    for u in (0..d.users.len()).map(UserId::from_index) {
        for r in (0..p.rights.len()).map(RightId::from_index) {
            out.push(CanQ {
                user: u,
                target: Target::Right(r),
                on: None,
                event: None,
            });
        }
        for (i, a) in p.actions.iter().enumerate() {
            let on: &[Option<ResourceId>] = if a.on_resource { &res[1..] } else { &res[..1] };
            for &o in on {
                out.push(CanQ {
                    user: u,
                    target: Target::Action(ActionId::from_index(i)),
                    on: o,
                    event: None,
                });
            }
        }
        for rep in (0..p.reports.len()).map(ReportId::from_index) {
            for &o in &res {
                out.push(CanQ {
                    user: u,
                    target: Target::Run(rep),
                    on: o,
                    event: None,
                });
                // `for event E` (§9.6), for a report of an event's rows
                if p.report(rep).rows == RowsSource::Event {
                    for e in (0..d.events.len()).map(EventId::from_index) {
                        out.push(CanQ {
                            user: u,
                            target: Target::Run(rep),
                            on: o,
                            event: Some(e),
                        });
                    }
                }
            }
        }
        for role in (0..p.roles.len()).map(RoleId::from_index) {
            for &o in &res {
                out.push(CanQ {
                    user: u,
                    target: Target::Assign {
                        role,
                        to: UserId(0),
                    },
                    on: o,
                    event: None,
                });
            }
        }
        for level in (0..p.access.len()).map(AccessId::from_index) {
            for &o in &res[1..] {
                out.push(CanQ {
                    user: u,
                    target: Target::Access(level),
                    on: o,
                    event: None,
                });
                out.push(CanQ {
                    user: u,
                    target: Target::AssignAccess {
                        level,
                        to: UserId(0),
                    },
                    on: o,
                    event: None,
                });
            }
        }
    }
    out
}

fn report_questions(m: &Model) -> Vec<ReportQ> {
    let mut out = Vec::new();
    for u in (0..m.data.users.len()).map(UserId::from_index) {
        for (i, r) in m.policy.reports.iter().enumerate() {
            let report = ReportId::from_index(i);
            match r.rows {
                RowsSource::Resources => out.push(ReportQ {
                    report,
                    user: u,
                    event: None,
                }),
                RowsSource::Event => {
                    for e in (0..m.data.events.len()).map(EventId::from_index) {
                        out.push(ReportQ {
                            report,
                            user: u,
                            event: Some(e),
                        });
                    }
                }
            }
        }
    }
    out
}

/// All answers of a model, by question text (stable across id orderings).
fn answers(m: &Model) -> Vec<(String, bool)> {
    let program = compile(m);
    let name = |q: &CanQ| {
        let user = &m.data.user(q.user).meta.name;
        let on =
            q.on.map(|r| m.data.resource(r).meta.name.clone())
                .unwrap_or_default();
        let t = match q.target {
            Target::Right(r) => m.policy.right(r).meta.name.clone(),
            Target::Action(a) => m.policy.action(a).meta.name.clone(),
            Target::Run(r) => format!("run {}", m.policy.report(r).meta.name),
            Target::Assign { role, .. } => format!("assign {}", m.policy.role(role).meta.name),
            Target::Access(l) => format!("access {}", m.policy.access_level(l).meta.name),
            Target::AssignAccess { level, .. } => {
                format!("assign access {}", m.policy.access_level(level).meta.name)
            }
        };
        format!("{user} {t} {on}")
    };
    let mut v: Vec<(String, bool)> = questions(m)
        .iter()
        .map(|q| (name(q), program.can(q)))
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(cases(10_000))]

    /// The IR and the reference evaluator agree on every `can`, every report
    /// (rows and visibility), every `who can`, and on roles and rights.
    #[test]
    fn ir_agrees_with_the_reference_evaluator(seed in any::<u64>()) {
        // every other policy uses version 3, asked as of a day around its
        // windows and with a random set of context facts
        let v3 = seed % 2 == 0;
        let (text, model) = policy(seed, Opts { v3, ..Opts::default() });
        let Some(m) = model else { return Ok(()) };
        let program = compile(&m);
        let day = Day(gen::DAY - 4 + ((seed >> 8) % 9) as i32);
        let with = ContextSet((seed >> 16) & ((1 << m.policy.contexts.len()) - 1));
        let program = program.at(When { at: Some(day), with });
        let text = format!("{text}# as of {day}, with {with:?}\n");
        let reference = Reference::new(&m.policy, &m.data, day, with);
        for q in questions(&m) {
            prop_assert_eq!(program.can(&q), reference.can(&q), "{:?}\n{}", q, text);
        }
        for q in report_questions(&m) {
            prop_assert_eq!(program.report_rows(&q), reference.report(&q), "{:?}\n{}", q, text);
        }
        for u in (0..m.data.users.len()).map(UserId::from_index) {
            prop_assert_eq!(program.rights_of(u), reference.rights(u).into_iter().collect::<Vec<_>>(), "{}", text);
            prop_assert_eq!(program.roles_of(u), reference.roles(u).into_iter().collect::<Vec<_>>(), "{}", text);
            prop_assert_eq!(program.groups_of(u), reference.groups(u).into_iter().collect::<Vec<_>>(), "{}", text);
        }
        if let Some(q) = questions(&m).first() {
            let who: Vec<UserId> = (0..m.data.users.len()).map(UserId::from_index)
                .filter(|&user| reference.can(&CanQ { user, ..*q })).collect();
            prop_assert_eq!(program.who_can(q.target, q.on), who);
        }
    }
}

proptest! {
    #![proptest_config(cases(1_000))]

    /// A policy that grants nothing (no role or user grants, no access) lets no
    /// one hold any right.
    #[test]
    fn default_deny(seed in any::<u64>()) {
        let o = Opts { grants_nothing: true, ..Opts::default() };
        let (text, model) = policy(seed, o);
        let Some(m) = model else { return Ok(()) };
        let program = compile(&m);
        for u in (0..m.data.users.len()).map(UserId::from_index) {
            prop_assert!(program.rights_of(u).is_empty(), "{}", text);
        }
    }

    /// Adding a revoke or a deny never turns a denial into an allow; adding a
    /// grant, a role (to a user who lists roles) or an access never turns an
    /// allow into a denial. (Policies without `not`, denies on flags only.)
    #[test]
    fn deny_and_revoke_win_grants_only_add(seed in any::<u64>(), pick in any::<u64>()) {
        let o = Opts { no_not: true, deny_only_flags: true, ..Opts::default() };
        let items = Gen::new(seed, o).items();
        let text = items.join("\n") + "\n";
        let Some(before) = model_of(std::slice::from_ref(&text)) else { return Ok(()) };
        let base = answers(&before);
        let users = before.data.users.len();
        let u = (pick as usize) % users;
        let right = &before.policy.rights[(pick as usize / 7) % before.policy.rights.len()].meta.name;
        let role = &before.policy.roles[(pick as usize / 11) % before.policy.roles.len()].meta.name;
        let has_roles = before.data.users[u].roles.is_some();
        // take away: a deny of the right, and a revoke of it from user u
        let take = [format!("{text}deny {right}\n"), text.replace(&format!("user u{u} {{"), &format!("user u{u} {{ revoke {right} "))];
        for t in take {
            if let Some(after) = model_of(&[t]) {
                for ((q, a), (_, b)) in base.iter().zip(answers(&after)) {
                    prop_assert!(!b || *a, "`{}` became allowed by taking something away\n{}", q, text);
                }
            }
        }
        // give: a grant, an access, and (to a user who lists roles) a role
        let mut give = vec![
            text.replace(&format!("user u{u} {{"), &format!("user u{u} {{ grant {right} ")),
            text.replace(&format!("user u{u} {{"), &format!("user u{u} {{ access s0: a0 ")),
        ];
        if has_roles {
            give.push(text.replace(&format!("user u{u} {{"), &format!("user u{u} {{ roles {role} ")));
        }
        for t in give {
            if let Some(after) = model_of(&[t]) {
                for ((q, a), (_, b)) in base.iter().zip(answers(&after)) {
                    prop_assert!(!*a || b, "`{}` became denied by giving something\n{}", q, text);
                }
            }
        }
    }

    /// Shuffling declarations and splitting them over files changes no answer.
    #[test]
    fn order_independence(seed in any::<u64>(), shuffle in any::<u64>()) {
        let items = Gen::new(seed, Opts::default()).items();
        let Some(one) = model_of(&[items.join("\n")]) else { return Ok(()) };
        let mut shuffled = items.clone();
        let mut rng = rights::bench_gen::Rng::new(shuffle);
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i + 1));
        }
        let split = rng.below(shuffled.len() + 1);
        let files = vec![shuffled[..split].join("\n"), shuffled[split..].join("\n")];
        let many = model_of(&files).expect("the same declarations check in any order");
        prop_assert_eq!(answers(&one), answers(&many));
    }

    /// `parse(fmt(p)) == p` ignoring spans, and formatting is idempotent
    /// (`format` itself refuses output that fails either).
    #[test]
    fn formatter_round_trip(seed in any::<u64>()) {
        let (text, _) = policy(seed, Opts { v3: seed % 2 == 0, ..Opts::default() });
        let once = rights::fmt::format(&text).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        let original = rights::syntax::parse_file(rights::source::FileId(0), &text).unwrap();
        let reparsed = rights::syntax::parse_file(rights::source::FileId(0), &once).unwrap();
        prop_assert_eq!(rights::source::Shape(&original), rights::source::Shape(&reparsed));
        prop_assert_eq!(rights::fmt::format(&once).unwrap(), once);
    }
}

proptest! {
    #![proptest_config(cases(1_000))]

    /// The symbolic view agrees with the evaluator: every question's
    /// function, evaluated at the user's own facts, is the evaluator's answer.
    #[test]
    fn symbolic_view_agrees_with_the_evaluator(seed in any::<u64>()) {
        let v3 = seed % 2 == 0;
        let (text, model) = policy(seed, Opts { v3, ..Opts::default() });
        let Some(m) = model else { return Ok(()) };
        let p = compile(&m);
        let day = Day(gen::DAY - 4 + ((seed >> 8) % 9) as i32);
        let with = ContextSet((seed >> 16) & ((1 << m.policy.contexts.len()) - 1));
        let p = p.at(When { at: Some(day), with });
        let sym = rights::symbolic::of(&p).unwrap();
        for q in questions(&m) {
            let f = sym.question(&q).unwrap();
            let facts = sym.facts_of(&p, q.user, q.on);
            prop_assert_eq!(sym.holds(&f, &facts), p.can(&q), "{:?}\n{}", q, text);
        }
    }
}

proptest! {
    #![proptest_config(cases(500))]

    /// `rights diff` reports exactly the answers that differ, found by
    /// asking every question of every user on every resource under both
    /// versions (a policy, and the same with one declaration taken out).
    #[test]
    fn diff_equals_brute_force(seed in any::<u64>(), pick in any::<u64>()) {
        let items = Gen::new(seed, Opts::default()).items();
        let policy_items: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, t)| !["user ", "group ", "test "].iter().any(|k| t.starts_with(k)))
            .map(|(i, _)| i)
            .collect();
        if policy_items.is_empty() {
            return Ok(());
        }
        let drop = policy_items[(pick as usize) % policy_items.len()];
        let old_text = items.join("\n") + "\n";
        let new_items: Vec<String> = items.iter().enumerate().filter(|(i, _)| *i != drop).map(|(_, t)| t.clone()).collect();
        let new_text = new_items.join("\n") + "\n";
        let load = |t: &str| {
            let mut ws = rights::workspace::Workspace::default();
            ws.add_policy_text(Origin::Input("p.rights".into()), t.to_string());
            ws.check();
            ws.is_compiled().then_some(ws)
        };
        let (Some(wo), Some(wn)) = (load(&old_text), load(&new_text)) else { return Ok(()) };
        let d = rights::diff::diff(
            rights::diff::Version { program: wo.program().unwrap(), sources: &wo.sources, root: "p.rights", data: &[] },
            rights::diff::Version { program: wn.program().unwrap(), sources: &wn.sources, root: "p.rights", data: &[] },
        );
        let (brute, alike) = diff::brute(wo.program().unwrap(), wn.program().unwrap());
        prop_assert!(alike, "plain resources of a user changed differently\nremoved: {}\n{}", items[drop], old_text);
        prop_assert_eq!(diff::reported(&d), brute, "removed: {}\n{}", items[drop], old_text);
    }
}

proptest! {
    #![proptest_config(cases(300))]

    /// For denied questions about random small policies: every fix offered
    /// allows the question when applied (concrete evaluator); no set of
    /// fewer changes would; no fix contains a smaller one that works; and
    /// "nothing would allow it" only when no set of changes does.
    #[test]
    fn exact_fixes_are_verified_smallest_and_complete(seed in any::<u64>(), pick in any::<u64>()) {
        let o = Opts { small: true, ..Opts::default() };
        let (text, model) = policy(seed, o);
        let Some(m) = model else { return Ok(()) };
        let p = compile(&m);
        let denied: Vec<CanQ> = questions(&m).into_iter().filter(|q| !p.can(q)).collect();
        if denied.is_empty() {
            return Ok(());
        }
        // a few denied questions per policy, picked at random
        for k in 0..4u64 {
            let q = denied[((pick.wrapping_mul(k + 1) >> 3) as usize) % denied.len()];
            let e = p.explain(&q);
            let all = fixes::changes(&p, q.user, q.on);
            for alt in &e.fixes {
                prop_assert!(p.would_allow(&q, alt), "{:?} offered {:?}, which does not allow it\n{}", q, alt, text);
                for drop in 0..alt.len() {
                    let smaller: Vec<_> = alt.iter().enumerate().filter(|(i, _)| *i != drop).map(|(_, f)| *f).collect();
                    prop_assert!(smaller.is_empty() || !p.would_allow(&q, &smaller),
                        "{:?}: {:?} is not minimal ({:?} does)\n{}", q, alt, smaller, text);
                }
            }
            let sizes: Vec<usize> = e.fixes.iter().map(Vec::len).collect();
            prop_assert!(sizes.windows(2).all(|w| w[0] <= w[1]), "{:?}: not smallest first: {:?}", q, e.fixes);
            // nothing smaller than the first fix works; with no fix, nothing at all
            let bound = match e.fixes.first() {
                Some(first) => first.len() - 1,
                None => all.len(),
            };
            for k in 1..=bound {
                let mut found = None;
                fixes::any_subset(&all, k, &mut |s| {
                    let ok = p.would_allow(&q, s);
                    if ok {
                        found = Some(s.to_vec());
                    }
                    ok
                });
                prop_assert!(found.is_none(), "{:?}: {:?} allows it with {} changes, but explain offered {:?}\n{}", q, found, k, e.fixes, text);
            }
        }
    }
}

/// The generator produces policies that check, most of the time (otherwise
/// the properties above would test little), and the checked ones use the
/// constructs of §8 often.
#[test]
fn most_generated_policies_check() {
    let checked: Vec<String> = (0..500)
        .map(|s| policy(s, Opts::default()))
        .filter(|(_, m)| m.is_some())
        .map(|(t, _)| t)
        .collect();
    assert!(
        checked.len() > 300,
        "only {} of 500 generated policies check",
        checked.len()
    );
    for construct in [
        "group g",
        "groups g",
        "tag t",
        "deny access",
        "revoke access",
        "access for role",
        "assigns access",
        " in g",
    ] {
        let n = checked.iter().filter(|t| t.contains(construct)).count();
        assert!(n > 50, "only {n} checked policies use `{construct}`");
    }
}
