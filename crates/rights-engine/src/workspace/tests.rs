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
