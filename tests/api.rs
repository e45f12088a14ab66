//! The library API resolves names exactly as a typed query does: the same
//! answers, and the same errors (code and message) for the same mistakes.
//! Actions decided from per-user decision tables answer as walked ones.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use rights::Engine;

fn engine() -> Engine {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference.rights");
    Engine::load(&[path], &[]).unwrap_or_else(|e| panic!("{}", e.render()))
}

/// The first error's code and message.
fn first(e: &rights::api::Error) -> (String, String) {
    let d = &e.diagnostics[0];
    (d.code.as_str().to_string(), d.message.clone())
}

#[test]
fn answers_match_typed_queries() {
    let e = engine();
    for (user, name, on) in [
        ("jane", "report.status_detail", None),
        ("jane", "edit_sub_resources", Some("resource_m")),
        ("bob", "edit_sub_resources", Some("resource_m")),
    ] {
        let typed = match on {
            Some(r) => format!("can {user} {name} on {r}"),
            None => format!("can {user} {name}"),
        };
        let q = e.resolve_can(&typed).unwrap();
        assert_eq!(
            e.can(user, name, on).unwrap(),
            e.program().can(&q),
            "{typed}"
        );
    }
    assert!(e
        .can_run("jane", "status_detail", Some("resource_z"))
        .unwrap());
    assert!(!e
        .can_run("jane", "status_detail", Some("resource_m"))
        .unwrap());
    assert!(e
        .can_assign("bob", "status_updater", "carol", Some("resource_m"))
        .unwrap());
}

#[test]
fn mistakes_give_the_errors_a_typed_query_gives() {
    let e = engine();
    let cases: [(Result<bool, rights::api::Error>, &str); 5] = [
        // a resource action asked without a resource is an error, not `false`
        (
            e.can("jane", "edit_sub_resources", None),
            "can jane edit_sub_resources",
        ),
        // a right asked on a resource
        (
            e.can("jane", "report.status_detail", Some("resource_z")),
            "can jane report.status_detail on resource_z",
        ),
        (
            e.can("jnae", "report.status_detail", None),
            "can jnae report.status_detail",
        ),
        (
            e.can_run("jane", "status_detial", None),
            "can jane run status_detial",
        ),
        (
            e.can("jane", "report.status_detail", Some("nowhere")),
            "can jane report.status_detail on nowhere",
        ),
    ];
    for (api, typed) in cases {
        let api = api.expect_err(typed);
        let typed_err = e.resolve_can(typed).expect_err(typed);
        assert_eq!(first(&api), first(&typed_err), "{typed}");
        // asked by name, there is no text to point at
        assert!(api.diagnostics[0].primary.is_none(), "{typed}");
    }
}

// ───────────── decision tables: the same answers as walking ─────────────

use rights::sema::model::ActionId;

fn engine_of(text: &str) -> rights::Engine {
    rights::Engine::from_text(text).unwrap_or_else(|e| panic!("{}", e.render()))
}

/// Decision tables are built for every user: a condition long to walk
/// (here 2^17 nodes through `can`) is walked only when asked.
#[test]
fn long_conditions_are_not_tabled() {
    let mut text = String::from("access view \"View\"\nflag f\n");
    text.push_str("action a0 on resource when access view and flag f\n");
    for k in 1..16 {
        text.push_str(&format!(
            "action a{k} on resource when can a{} or can a{}\n",
            k - 1,
            k - 1
        ));
    }
    text.push_str("user u { flags f  access r: view }\nresource r\nresource s\n");
    let e = engine_of(&text);
    let p = e.program();
    assert!(p.action_tabled(ActionId::from_index(0)) && p.action_tabled(ActionId::from_index(5)));
    assert!(
        !p.action_tabled(ActionId::from_index(15)),
        "a walk of 2^17 nodes is tabled"
    );
    let u = e.user("u").unwrap();
    for k in [0, 5, 15] {
        let a = ActionId::from_index(k);
        assert!(p.action_holds(u, a, e.resource("r")), "a{k} on r");
        assert!(!p.action_holds(u, a, e.resource("s")), "a{k} on s");
    }
}

/// An action decided per resource, asked of the library without one:
/// the same answer whether it is tabled or not.
#[test]
fn a_resource_action_asked_without_a_resource() {
    let e = engine_of(
        "role admin\ntag public\naccess view \"View\"\n\
         action by_tag on resource when role admin or tag public\n\
         action by_level on resource when role admin or access view\n\
         user ann { roles admin }\nuser bob { access r: view }\nresource r\n",
    );
    let p = e.program();
    let (by_tag, by_level) = (ActionId::from_index(0), ActionId::from_index(1));
    assert!(!p.action_tabled(ActionId::from_index(0)) && p.action_tabled(ActionId::from_index(1)));
    let (ann, bob) = (e.user("ann").unwrap(), e.user("bob").unwrap());
    for a in [by_tag, by_level] {
        assert!(p.action_holds(ann, a, None));
        assert!(!p.action_holds(bob, a, None));
        assert!(p.action_holds(ann, a, e.resource("r")));
    }
    assert!(p.action_holds(bob, by_level, e.resource("r")));
    assert!(!p.action_holds(bob, by_tag, e.resource("r")));
}

/// A user's hover says how each role comes, from the same computation as
/// `roles U`: `dana`'s `status_updater` is her group's, not the default role.
#[test]
fn a_users_hover_says_where_each_role_comes_from() {
    let e = engine();
    let words = rights::words::Words::new(e.program(), e.sources());
    let hover = words
        .hover(rights::index::Kind::User, "dana")
        .expect("a hover for dana");
    assert!(
        hover.contains("`status_updater` (from group nurses)"),
        "{hover}"
    );
    assert!(hover.contains("`reporting_user` (default role)"), "{hover}");
    assert!(hover.contains("Flags: `analytics_access`"), "{hover}");
    let roles = e.ask("roles dana").unwrap();
    let listed = words.human(&roles);
    assert!(
        listed.contains("status_updater  from group nurses"),
        "{listed}"
    );
}

/// A workspace loaded only to answer drops its data's syntax tree before
/// compiling; it answers as a full load does, and checking it again parses
/// the data again (nothing is lost).
#[test]
fn a_workspace_loaded_to_answer_answers_as_a_full_one() {
    use rights::workspace::Workspace;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy = [root.join("tests/data/reference.rights")];
    let data = [root.join("tests/data/extra_users.json")];
    let full = Workspace::load(&policy, &data);
    let mut lean = Workspace::load_to_answer(&policy, &data);
    assert!(full.is_compiled() && lean.is_compiled());
    let users = |ws: &Workspace| ws.model().data.users.len();
    assert!(users(&full) > 0);
    assert_eq!(users(&lean), users(&full));
    let ask = |ws: &Workspace| {
        let p = ws.program().unwrap();
        ws.model()
            .data
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| {
                (
                    u.meta.name.clone(),
                    p.roles_of(rights::sema::model::UserId(i as u32)),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(ask(&lean), ask(&full));
    lean.check();
    assert!(lean.is_compiled(), "{:?}", lean.diagnostics());
    assert_eq!(users(&lean), users(&full));
    assert_eq!(lean.diagnostics().len(), full.diagnostics().len());
    // a declaration added later (the REPL's way) keeps the data too
    let mut lean = Workspace::load_to_answer(&policy, &data);
    let text = "role probe_role \"Probe\"";
    let Ok(rights::workspace::Entry::Declarations(items)) = lean.parse_entry(text, "<typed>")
    else {
        panic!("a declaration")
    };
    lean.declare(text, items)
        .unwrap_or_else(|e| panic!("{}", e.render()));
    assert!(lean.is_compiled(), "{:?}", lean.diagnostics());
    assert_eq!(users(&lean), users(&full));
    assert_eq!(ask(&lean), ask(&full));
}

/// Every diagnostic of a workspace, whole, in order.
fn said(ws: &rights::workspace::Workspace) -> Vec<String> {
    ws.diagnostics().iter().map(|d| format!("{d:?}")).collect()
}

/// The ids of a workspace's users, in order.
fn names(ws: &rights::workspace::Workspace) -> Vec<String> {
    ws.model()
        .data
        .users
        .iter()
        .map(|u| u.meta.name.clone())
        .collect()
}

/// A lean load takes the data files' users out of their syntax trees and
/// resolves them a batch at a time, dropping each batch: the users, their
/// ids, every diagnostic (whole, in order) and the tests' results are those
/// of a full load, with or without tests that declare data of their own.
#[test]
fn a_lean_load_streams_users_and_says_the_same() {
    use rights::workspace::Workspace;
    let dir = common::scratch("rights-lean");
    let policy = dir.join("p.rights");
    let data = dir.join("d.json");
    let results = |ws: &Workspace| {
        let program = ws.program().expect("the policy checks");
        rights::testing::run(program, &ws.model().tests, None)
            .iter()
            .map(|r| (r.name.clone(), r.passed()))
            .collect::<Vec<_>>()
    };
    let head = "right r\nright s\naccess view\nrole a { grant r }\nrole b { grant s }\n\
                action act when right r\nuser local { roles b }\n";
    std::fs::write(
        &policy,
        format!("{head}test \"plain\" {{\n  expect can local_two act\n}}\n"),
    )
    .unwrap();
    std::fs::write(
        &data,
        r#"{"resources": [{"id": "res1"}],
  "users": [
    {"id": "local_two", "roles": ["a"], "access": {"res1": ["view"]}},
    {"id": "local", "roles": ["a"]},
    {"id": "typo", "roles": ["aa"], "access": {"res9": ["view"], "res1": ["vew"]}},
    {"id": "plain", "grants": ["s"]}
  ]}"#,
    )
    .unwrap();
    let (policy, data) = ([policy], [data]);
    let full = Workspace::load(&policy, &data);
    let told = FREED.load(std::sync::atomic::Ordering::SeqCst);
    rights::memory::on_freed(count_freed);
    let lean = Workspace::load_to_answer(&policy, &data);
    // the lean load tells the application's allocator once that the data's
    // syntax is gone (the `rights` binary gives that memory back)
    assert!(FREED.load(std::sync::atomic::Ordering::SeqCst) > told);
    // a duplicate, an unknown role, resource and level, each once
    assert_eq!(said(&full).len(), 4, "{:?}", said(&full));
    assert_eq!(said(&lean), said(&full));
    assert_eq!(names(&full), ["local", "local_two", "typo", "plain"]);
    assert_eq!(names(&lean), names(&full));
    // past a batch (4,096), users are resolved on every core: a user
    // declared again in the next batch (with mistakes of its own, not
    // reported: it is not kept), and one declared again in its own batch
    let many: Vec<String> = (0..9000)
        .map(|i| match i {
            4097 => r#"{"id": "u4095", "roles": ["aa"], "access": {"res1": ["vew"]}}"#.into(),
            5003 => r#"{"id": "u5000", "roles": ["bb"]}"#.into(),
            _ if i % 1500 == 7 => {
                format!(r#"{{"id": "u{i}", "roles": ["aa"], "access": {{"res1": ["vew"]}}}}"#)
            }
            _ => format!(r#"{{"id": "u{i}", "roles": ["a"], "access": {{"res1": ["view"]}}}}"#),
        })
        .collect();
    let json = format!(
        r#"{{"resources": [{{"id": "res1"}}], "users": [{}]}}"#,
        many.join(",\n")
    );
    std::fs::write(&data[0], json).unwrap();
    let full = Workspace::load(&policy, &data);
    let lean = Workspace::load_to_answer(&policy, &data);
    // six users with two mistakes, two declared twice; and the policy's
    // test names a user the data no longer has
    assert_eq!(said(&full).len(), 6 * 2 + 2 + 1, "{:?}", said(&full));
    assert_eq!(said(&lean), said(&full));
    assert_eq!(names(&lean).len(), 1 + 9000 - 2);
    assert_eq!(names(&lean), names(&full));
    // a test that declares data of its own: its data is the global data
    // with its entries, whichever load (data without mistakes, so that the
    // policy compiles and its tests run)
    let clean: Vec<String> = (0..9000)
        .map(|i| format!(r#"{{"id": "u{i}", "roles": ["a"]}}"#))
        .collect();
    std::fs::write(&data[0], format!(r#"{{"users": [{}]}}"#, clean.join(",\n"))).unwrap();
    std::fs::write(
        &policy[0],
        format!(
            "{head}test \"own\" {{\n  user u4095 {{ roles b }}\n  expect not can u4095 act\n  expect can u4096 act\n}}\n"
        ),
    )
    .unwrap();
    let full = Workspace::load(&policy, &data);
    let lean = Workspace::load_to_answer(&policy, &data);
    assert_eq!(said(&lean), said(&full));
    assert_eq!(names(&lean), names(&full));
    assert_eq!(results(&full), [("own".to_string(), true)]);
    assert_eq!(results(&lean), results(&full));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A lean load reads data users a batch at a time, after the rest of the
/// files: what their entries get wrong is reported where a full load
/// reports it (with the rest of its file's reading problems, by place),
/// also when a file cannot be read and nothing is resolved.
#[test]
fn a_lean_load_reports_users_entries_as_a_full_load_does() {
    use rights::workspace::Workspace;
    let dir = common::scratch("rights-lean-entries");
    let policy = dir.join("p.rights");
    std::fs::write(&policy, "right r\naccess view\nrole a { grant r }\n").unwrap();
    // users before and after a resource with mistakes of its own; past a
    // batch (4,096) and a reading chunk; an entry without an id; a user
    // declared in two files
    let mut users: Vec<String> = (0..9000)
        .map(|i| match i % 2999 {
            5 => format!(r#"{{"id": "u{i}", "roles": 5}}"#),
            6 => r#"{"roles": ["a"]}"#.to_string(),
            7 => format!(r#"{{"id": "u{i}", "colour": "red", "access": {{"res1": "view"}}}}"#),
            _ => format!(r#"{{"id": "u{i}", "roles": ["a"]}}"#),
        })
        .collect();
    users.push(r#"{"id": "twice", "flags": [1]}"#.into());
    let one = format!(
        r#"{{"users": [{}], "resources": [{{"id": "res1", "size": 3}}, {{"id": "res2", "tags": "x"}}]}}"#,
        users.join(",\n")
    );
    let two = r#"{"users": [{"id": "twice", "grants": {"r": 1}}, {"id": "v1"}, {"id": 7}]}"#;
    let (d1, d2, d3) = (
        dir.join("d1.json"),
        dir.join("d2.json"),
        dir.join("d3.json"),
    );
    std::fs::write(&d1, one).unwrap();
    std::fs::write(&d2, two).unwrap();
    std::fs::write(&d3, r#"{"users": [{"id": "w"}"#).unwrap();
    let policy = [policy];
    for data in [
        vec![d1.clone(), d2.clone()],
        vec![d2.clone(), d1.clone(), d3.clone()],
        // a file that cannot be read: nothing is resolved, every entry read
        vec![d1.clone(), dir.join("missing.json"), d2.clone()],
    ] {
        let mut full = Workspace::load(&policy, &data);
        let mut lean = Workspace::load_to_answer(&policy, &data);
        assert!(said(&full).len() >= 9, "{:?}", said(&full));
        assert_eq!(said(&lean), said(&full));
        assert_eq!(names(&lean), names(&full));
        // data added afterwards is read whole, users and all
        for ws in [&mut full, &mut lean] {
            ws.add_data_text(
                rights::source::Origin::Input("more.json".into()),
                r#"{"users": [{"id": "later", "roles": 5}]}"#.into(),
            );
            ws.check();
        }
        assert_eq!(said(&lean), said(&full));
        assert_eq!(names(&lean), names(&full));
        // (unless a file could not be read: then nothing is resolved)
        assert!(lean.io_failed || names(&lean).contains(&"later".to_string()));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Tests asked at several dates build a program per date; none is kept in
/// the program they ran on (with large data, each is a copy of it).
#[test]
fn a_test_run_keeps_no_variant_of_the_program() {
    let ws = rights::workspace::Workspace::from_text(
        "right r\nrole a { grant r }\naction act when right r\n\
         user u { roles a until 2027-01-01 }\n\
         test \"dated\" {\n  expect can u act at 2026-12-01\n  expect not can u act at 2027-02-01\n  expect can u act at 2026-12-02\n}\n",
    );
    let program = ws.program().expect("the policy checks");
    let results = rights::testing::run(program, &ws.model().tests, None);
    assert!(results.iter().all(|r| r.passed()), "{results:?}");
    assert_eq!(results.first().map(|r| r.expectations), Some(3));
    assert_eq!(program.kept_variants(), 0, "variants kept after the run");
    // asking directly keeps them, for the next question at that date
    let _ = program.at(rights::sema::model::When {
        at: rights::sema::model::Day::parse("2027-02-01").ok(),
        with: Default::default(),
    });
    assert_eq!(program.kept_variants(), 1);
}

/// A user's own grants and revokes, beside a role and a deny: every right,
/// the list and the count agree with what the policy says.
#[test]
fn users_own_grants_and_revokes_in_either_form() {
    let mut text = String::from("rights r {\n");
    for i in 0..50 {
        text.push_str(&format!("  x{i}\n"));
    }
    text.push_str(
        "}\nrole a { grant r.x0, r.x1, r.x2, r.x3, r.x4, r.x5, r.x6, r.x7, r.x8, r.x9 }\n",
    );
    text.push_str("deny r.x5 when role a\n");
    let many: Vec<String> = (10..50).map(|i| format!("r.x{i}")).collect();
    text.push_str(&format!(
        "user few {{ roles a  grant r.x10, r.x20  revoke r.x0 }}\nuser many {{ roles a  grant {}  revoke r.x1 }}\nuser plain {{ roles a }}\n",
        many.join(", ")
    ));
    let ws = rights::workspace::Workspace::from_text(&text);
    let program = ws
        .program()
        .unwrap_or_else(|| panic!("{:?}", ws.diagnostics()));
    let model = &program.policy;
    let expected = |user: &str, i: usize| match user {
        "few" => (1..10).contains(&i) && i != 5 || i == 10 || i == 20,
        "many" => i == 0 || (2..10).contains(&i) && i != 5 || i >= 10,
        _ => i < 10 && i != 5,
    };
    for user in ["few", "many", "plain"] {
        let u = *program.data.user_ids.get(user).unwrap();
        let mut want = Vec::new();
        for i in 0..50 {
            let r = *model.names.rights.get(format!("r.x{i}").as_str()).unwrap();
            assert_eq!(program.has_right(u, r), expected(user, i), "{user} r.x{i}");
            if expected(user, i) {
                want.push(r);
            }
        }
        assert_eq!(program.rights_of(u), want, "{user}");
        assert_eq!(program.rights_count(u), want.len(), "{user}");
    }
}

/// A policy's model (it must resolve without a diagnostic).
fn resolved_model(text: &str) -> rights::sema::model::Model {
    let file = rights::syntax::parse_file(rights::source::FileId(0), text).unwrap();
    let (model, diags) = rights::sema::resolve(&file.items);
    assert!(diags.is_empty(), "{diags:?}");
    model
}

#[test]
fn a_tests_data_shares_every_global_entry_it_does_not_declare() {
    let model = resolved_model(
        "access view \"View\"\nresource site \"Site\"\n\
         user a { access site: view }\nuser b {}\nuser c {}\n\
         test \"t\" {\n  user b { access site: view }\n  user d {}\n  \
         expect can b access view on site\n}\n",
    );
    let global: &rights::sema::model::Data = &model.data;
    let local = model.tests[0].data.as_deref().unwrap();
    let names: Vec<&str> = local.users.iter().map(|u| u.meta.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c", "d"]);
    assert!(std::sync::Arc::ptr_eq(&global.users[0], &local.users[0]));
    assert!(std::sync::Arc::ptr_eq(&global.users[2], &local.users[2]));
    // `b` replaced in its place: the test's entry, the global id
    assert!(!std::sync::Arc::ptr_eq(&global.users[1], &local.users[1]));
    assert_eq!(local.users[1].access.len(), 1);
    assert_eq!(
        local.user_ids.get("b"),
        Some(&rights::sema::model::UserId::from_index(1))
    );
    assert_eq!(global.user_ids.get("d"), None);
    // no resource added or declared again: resources and their names shared
    assert!(std::sync::Arc::ptr_eq(
        &global.resource_ids,
        &local.resource_ids
    ));
    assert!(std::sync::Arc::ptr_eq(
        &global.resources[0],
        &local.resources[0]
    ));
}

#[test]
fn data_as_of_a_day_copies_only_users_with_windows() {
    let model = resolved_model(
        "right r.a \"A\"\nrole x { grant r.a }\n\
         user a { roles x }\nuser b { roles x until 2026-01-31 }\n",
    );
    let data = &model.data;
    let then = data.as_of(rights::sema::model::Day::parse("2026-06-01").unwrap());
    assert!(std::sync::Arc::ptr_eq(&data.users[0], &then.users[0]));
    assert!(!std::sync::Arc::ptr_eq(&data.users[1], &then.users[1]));
    assert_eq!(then.users[1].roles, None);
    assert!(data.users[1].roles.is_some());
    assert!(std::sync::Arc::ptr_eq(&data.user_ids, &then.user_ids));
}

static FREED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn count_freed() {
    FREED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

/// A policy and its JSON data held in memory: loaded as files named
/// `policy.rights` and `data.json` would be.
#[test]
fn an_engine_from_texts_in_memory() {
    let policy = "right r\nrole a { grant r }\n".to_string();
    let data = r#"{"users": [{"id": "jane", "roles": ["a"]}, {"id": "bob", "roles": []}]}"#;
    let engine = Engine::from_texts(policy.clone(), data.to_string()).unwrap();
    assert_eq!(engine.can("jane", "r", None).ok(), Some(true));
    assert_eq!(engine.can("bob", "r", None).ok(), Some(false));
    let bad = r#"{"users": [{"id": "jane", "roles": ["nope"]}]}"#;
    let Err(e) = Engine::from_texts(policy, bad.to_string()) else {
        panic!("an unknown role loads");
    };
    assert!(e.render().contains("data.json"), "{}", e.render());
}

/// Users share the row of their roles and keep up to six rights of their
/// own turned over (ir/rights.rs); a user whose grants and revokes turn
/// over more has a row of their own. Every way gives the same rights.
#[test]
fn own_grants_and_revokes_are_the_users_rights_however_they_are_kept() {
    let mut text = String::from("flag f\n");
    for k in 0..20 {
        text.push_str(&format!("right r{k} \"R{k}\"\n"));
    }
    text.push_str("role base { grant r0, r1, r2, r3, r4, r5 }\n");
    text.push_str("deny r5, r19 when flag f\n");
    // (user, own grants, own revokes, flagged)
    let users: [(&str, &[usize], &[usize], bool); 6] = [
        ("plain", &[], &[], false),
        ("few", &[7, 8], &[1], false),
        ("six", &[10, 11, 12, 13], &[0, 2], false),
        ("seven", &[10, 11, 12, 13, 14], &[0, 2], false),
        (
            "many",
            &[6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
            &[0, 1, 2, 3],
            false,
        ),
        ("dee", &[18, 19], &[0], true),
    ];
    for (name, grants, revokes, flagged) in users {
        let list = |ks: &[usize]| {
            ks.iter()
                .map(|k| format!("r{k}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        text.push_str(&format!("user {name} {{ roles base"));
        if !grants.is_empty() {
            text.push_str(&format!("  grant {}", list(grants)));
        }
        if !revokes.is_empty() {
            text.push_str(&format!("  revoke {}", list(revokes)));
        }
        if flagged {
            text.push_str("  flags f");
        }
        text.push_str(" }\n");
    }
    let e = engine_of(&text);
    let p = e.program();
    for (name, grants, revokes, flagged) in users {
        let expected: Vec<String> = (0..20)
            .filter(|k| {
                let granted = *k <= 5 || grants.contains(k);
                let denied = flagged && (*k == 5 || *k == 19);
                granted && !revokes.contains(k) && !denied
            })
            .map(|k| format!("r{k}"))
            .collect();
        let u = e.user(name).unwrap();
        let held: Vec<String> = p
            .rights_of(u)
            .into_iter()
            .map(|r| p.policy.rights[r.index()].meta.name.clone())
            .collect();
        assert_eq!(held, expected, "{name}'s rights");
        assert_eq!(p.rights_count(u), expected.len(), "{name}'s count");
        for k in 0..20 {
            let asked = e.can(name, &format!("r{k}"), None).unwrap();
            assert_eq!(
                asked,
                expected.contains(&format!("r{k}")),
                "can {name} r{k}"
            );
        }
    }
    // rows: `plain`, `few` and `six` share the row of their roles; `dee`'s
    // roles less the deny is another; `seven` turns over seven rights and
    // `many` fourteen: an exact row each
    assert_eq!(p.distinct_rights_sets(), 4);
}
