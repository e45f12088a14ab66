//! The library API resolves names exactly as a typed query does: the same
//! answers, and the same errors (code and message) for the same mistakes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

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
