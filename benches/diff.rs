#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmarks fail by panicking"
)]

//! criterion benchmarks of `rights diff` (issue 14): the default workload
//! (1,000 users, 5,000 resources) with one role's grants changed, diffed
//! after both versions are loaded; `RIGHTS_BENCH_LARGE=1` adds the large
//! workload (100,000 users).

use criterion::{criterion_group, criterion_main, Criterion};
use rights::bench_gen::{Shape, Workload};
use rights::diff::Version;
use rights::source::Origin;
use rights::workspace::Workspace;
use std::hint::black_box;

fn load(policy: &str, data: &str) -> Workspace {
    let mut ws = Workspace::default();
    ws.add_policy_text(Origin::Input("policy.rights".into()), policy.to_string());
    ws.add_data_text(Origin::Input("data.json".into()), data.to_string());
    ws.check();
    assert!(ws.is_compiled(), "the workload checks");
    ws
}

/// The workload's policy with role 5 also granting the last right.
fn changed(w: &Workload, policy: &str) -> String {
    let last = rights::bench_gen::right_name(&w.shape, w.shape.rights - 1);
    let at = policy.find("\nrole role5 ").expect("role 5 exists");
    let grant = at + policy[at..].find("{ grant ").expect("role 5 grants") + "{ grant ".len();
    format!("{}{last}, {}", &policy[..grant], &policy[grant..])
}

fn bench(c: &mut Criterion, label: &str, shape: Shape) {
    let w = Workload::generate(&shape);
    let policy = w.policy();
    let data = w.data_json().to_string();
    let (old, new) = (load(&policy, &data), load(&changed(&w, &policy), &data));
    let files = vec!["data.json".to_string()];
    fn v<'a>(ws: &'a Workspace, files: &'a [String]) -> Version<'a> {
        Version {
            program: ws.program().unwrap(),
            sources: &ws.sources,
            root: "policy.rights",
            data: files,
        }
    }
    let d = rights::diff::diff(v(&old, &files), v(&new, &files));
    assert!(!d.changes.is_empty(), "the change changes something");
    let mut g = c.benchmark_group(label);
    g.sample_size(if shape.users > 10_000 { 10 } else { 30 });
    g.bench_function(
        "diff after one role's grants change (both versions loaded)",
        |b| {
            b.iter(|| {
                black_box(
                    rights::diff::diff(v(&old, &files), v(&new, &files))
                        .changes
                        .len(),
                )
            })
        },
    );
    g.bench_function("render the diff as text", |b| {
        b.iter(|| black_box(rights::words::diff::human(&d, "old", "new", false).len()))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    bench(c, "diff-default", Shape::default());
    if std::env::var_os("RIGHTS_BENCH_LARGE").is_some() {
        bench(c, "diff-large", Shape::large());
    }
}

criterion_group!(diff, benches);
criterion_main!(diff);
