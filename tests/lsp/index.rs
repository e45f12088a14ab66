//! The name index and the condition wording the editor server stands on,
//! through the library.

use rights::index::{rename_problem, Index, Occurrence};
use rights::source::FileId;
use rights::words::Words;
use rights::workspace::Workspace;

const POLICY: &str = "right a.b \"B\"\nrights c { d \"D\" }\nrole r { grant a.b, c.* }\nrole s extends r {}\nuser jane { roles s }\ntest \"t\" {\n  user jane { roles r }\n  expect can jane a.b\n}\n";

fn index() -> (Workspace, Index) {
    let ws = Workspace::from_text(POLICY);
    let ix = Index::build(ws.items());
    (ws, ix)
}

fn at<'a>(ix: &'a Index, text: &str, nth: usize) -> &'a Occurrence {
    let off = POLICY
        .match_indices(text)
        .nth(nth)
        .map(|(i, _)| i)
        .unwrap_or(0) as u32;
    ix.at(FileId(0), off).expect("a name here")
}

#[test]
fn test_data_is_scoped_to_its_test() {
    let (_, ix) = index();
    let inner = at(&ix, "jane", 2);
    assert_eq!(inner.scope, Some(0));
    let d = ix.declarations(inner);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].scope, Some(0));
    let outer = at(&ix, "jane", 0);
    assert_eq!(ix.references(outer).len(), 1);
    assert_eq!(ix.references(inner).len(), 2);
}

#[test]
fn rights_in_groups_and_rename_rules() {
    let (_, ix) = index();
    let d = at(&ix, "d \"D\"", 0);
    assert_eq!(d.name, "c.d");
    assert_eq!(d.group.as_deref(), Some("c"));
    assert!(rename_problem(&ix, d, "e.d").is_some());
    assert!(rename_problem(&ix, d, "c.e").is_none());
    let r = at(&ix, "r {", 0);
    assert_eq!(ix.references(r).len(), 3);
    assert!(rename_problem(&ix, r, "s").is_some());
    assert!(rename_problem(&ix, r, "when").is_some());
    assert!(rename_problem(&ix, r, "Bad").is_some());
    assert!(rename_problem(&ix, r, "t").is_none());
}

#[test]
fn dotted_entries_of_a_rights_group_keep_the_group_prefix_only() {
    let ws = Workspace::from_text("rights c { sub.x }\nright c.z\naction act when right c.sub.x\n");
    let ix = Index::build(ws.items());
    let x = ix.at(FileId(0), 11).expect("the entry");
    assert_eq!(x.name, "c.sub.x");
    assert!(rename_problem(&ix, x, "c.sub.y").is_none());
    assert!(rename_problem(&ix, x, "c.w").is_none());
    assert!(rename_problem(&ix, x, "d.sub.x").is_some());
    assert!(rename_problem(&ix, x, "c.z").is_some(), "clash");
    assert!(rename_problem(&ix, x, "act").is_some(), "an action's name");
    assert!(rename_problem(&ix, x, "c.a\nb").is_some(), "a line break");
}

#[test]
fn a_name_used_twice_in_a_row_is_indexed_twice() {
    // spans never take part in `==`: two uses of one name stay two
    let ws = Workspace::from_text("right a\nrole r { grant a }\ndeny a when role r\n");
    let ix = Index::build(ws.items());
    let a = ix.at(FileId(0), 6).expect("right a");
    assert_eq!(ix.references(a).len(), 3);
}

#[test]
fn conditions_read_as_sentences() {
    let ws = Workspace::from_text(
        "right a \"A\"\nflag f\nrole r {}\naction x when (right a or role r) and not flag f\n",
    );
    assert!(ws.is_compiled(), "{:?}", ws.diagnostics());
    let p = ws.program().unwrap();
    let w = Words::new(p, &ws.sources);
    assert_eq!(
        w.condition(&p.policy.actions[0].when),
        "(the user has right `a` (A) or the user has role `r`) and the user lacks flag `f`"
    );
}
