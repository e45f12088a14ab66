//! Unit tests of what a workspace compiles.

use super::Workspace;
use crate::sema::model::{ResourceId, UserId};

/// Nested groups with access, a user's own access and revokes.
const POLICY: &str = "access view \"View\"\naccess update \"Update\"\n\
    group staff \"Staff\" {\n  access a: view\n}\n\
    group night \"Night\" in staff {\n  access b: update\n}\n\
    resource a \"A\"\nresource b \"B\"\nresource c \"C\"\n\
    user nina \"Nina\" { groups night }\n\
    user mo \"Mo\" {\n  access c: view\n  revoke access b: update\n}\n";

/// `access_sources` and `explain_access` read a user's and their
/// groups' access lists only where the tables hold a row for (user,
/// resource): every entry of those lists must have one.
#[test]
fn every_access_entry_of_a_user_or_their_groups_has_a_row() {
    let ws = Workspace::from_text(POLICY);
    assert!(!ws.has_errors(), "{:?}", ws.diagnostics());
    let Some(p) = ws.program() else {
        panic!("the policy compiles");
    };
    let mut listed = 0;
    for (i, user) in p.data.users.iter().enumerate() {
        let u = UserId::from_index(i);
        let mut entries: Vec<ResourceId> = user.access.iter().map(|e| e.0).collect();
        entries.extend(user.revoke_access.iter().map(|e| e.0));
        for g in p.groups_of(u) {
            entries.extend(p.data.groups[g.index()].access.iter().map(|e| e.0));
        }
        for res in entries {
            assert!(
                p.access_entry(u, res).is_some(),
                "{} on {res:?}",
                user.meta.name
            );
            listed += 1;
        }
    }
    // nina: b (night), a (staff, the parent group); mo: c, and b revoked
    assert_eq!(listed, 4);
}

/// With thousands of users the access tables are built on a thread of
/// their own beside the other rows (`ir/access.rs`): every user's entries
/// are theirs, in the users' order, and nothing else is.
#[test]
fn access_built_beside_the_other_rows_is_each_users_own() {
    let mut text = String::from("access view \"View\"\naccess update \"Update\"\nrole r \"R\"\n");
    for k in 0..50 {
        text.push_str(&format!("resource res{k}\n"));
    }
    let n = 5000;
    for u in 0..n {
        text.push_str(&format!(
            "user u{u} {{ roles r  access res{}: view  access res{}: update }}\n",
            u % 50,
            (u * 7) % 50
        ));
    }
    let ws = Workspace::from_text(&text);
    assert!(!ws.has_errors(), "{:?}", ws.diagnostics().first());
    let Some(p) = ws.program() else {
        panic!("the policy compiles");
    };
    assert_eq!(p.tables.access.users(), n);
    for u in 0..n {
        let user = UserId::from_index(u);
        // both levels on one resource for every 25th user
        let (a, b) = (u % 50, (u * 7) % 50);
        for r in 0..50 {
            let held = p
                .access_entry(user, ResourceId::from_index(r))
                .map(|(_, held)| held);
            let expected = match (r == a, r == b) {
                (true, true) => Some(0b11),
                (true, false) => Some(0b01),
                (false, true) => Some(0b10),
                (false, false) => None,
            };
            assert_eq!(held, expected, "u{u} on res{r}");
        }
    }
}

/// A user added one at a time (the REPL: an exact rights row, nothing
/// shared) has the rows the same user has when the data is built at once
/// (a shared row and the rights their data turns over, or an exact row
/// past six).
#[test]
fn users_added_one_at_a_time_have_the_rows_of_users_built_at_once() {
    let mut policy = String::from("access view \"View\"\nflag f\nresource a\nresource b\n");
    for k in 0..12 {
        policy.push_str(&format!("right r{k} \"R{k}\"\n"));
    }
    policy.push_str("role base { grant r0, r1, r2, r3 }\nrole more extends base { grant r4 }\n");
    policy.push_str("deny r3, r11 when flag f\ngroup g \"G\" {\n  access a: view\n}\n");
    policy.push_str("user first { roles base }\n");
    let users = [
        "user plain { roles base }",
        "user few { roles more  grant r8  revoke r1  flags f }",
        "user seven { roles base  grant r5, r6, r7, r8, r9  revoke r0, r2 }",
        "user grouped { roles more  groups g  revoke access a: view  access b: view }",
    ];
    let whole = format!("{policy}{}\n", users.join("\n"));
    let built = Workspace::from_text(&whole);
    assert!(!built.has_errors(), "{:?}", built.diagnostics().first());
    let Some(all) = built.program() else {
        panic!("the policy compiles");
    };
    let start = Workspace::from_text(&policy);
    let Some(first) = start.program() else {
        panic!("the policy compiles");
    };
    let mut added = (*first).clone();
    added.extend_data(std::sync::Arc::clone(&all.data));
    assert_eq!(added.tables.users(), all.tables.users());
    for i in 0..all.tables.users() {
        let u = UserId::from_index(i);
        let name = &all.data.users[i].meta.name;
        assert!(added.same_user(u, all, u), "{name}");
        assert_eq!(added.rights_of(u), all.rights_of(u), "{name}'s rights");
        assert_eq!(added.rights_count(u), all.rights_count(u), "{name}");
        assert_eq!(added.roles_of(u), all.roles_of(u), "{name}'s roles");
    }
}
