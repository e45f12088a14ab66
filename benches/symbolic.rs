#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmarks fail by panicking"
)]

//! criterion benchmarks of the symbolic view (issue 13): building every
//! function of the two seed policies, `explain` with exact fixes on them,
//! and — with `RIGHTS_BENCH_LARGE=1` — the large workload's symbolic form
//! and a comparison after one role's grants change.

use criterion::{criterion_group, criterion_main, Criterion};
use rights::bench_gen::{Shape, Workload};
use rights::source::Origin;
use rights::symbolic::Symbolic;
use rights::Engine;
use std::hint::black_box;

fn engine_of(policy: String) -> Engine {
    let mut ws = rights::workspace::Workspace::default();
    ws.add_policy_text(Origin::Input("p".into()), policy);
    match Engine::from_workspace(ws) {
        Ok(e) => e,
        Err(e) => panic!("{}", e.render()),
    }
}

fn seeds(c: &mut Criterion) {
    let engine = Engine::load(&["policies".into()], &[]).unwrap();
    let program = engine.program();
    let mut g = c.benchmark_group("symbolic");
    g.sample_size(30);
    g.bench_function("seed policies: build every function", |b| {
        b.iter(|| {
            let s = Symbolic::new(program).unwrap();
            black_box(s.build_all().unwrap())
        })
    });
    g.bench_function("seed policies: findings (rights analyze)", |b| {
        b.iter(|| black_box(Symbolic::new(program).unwrap().findings().unwrap().len()))
    });
    let denials = [
        "explain can jane run status_detail on resource_m",
        "explain can jane access update_status on beds_available",
        "explain can bob assign status_updater to jane on resource_z",
        "explain can bill analytics.report.benchmarking",
    ];
    let qs: Vec<_> = denials
        .iter()
        .filter_map(|t| engine.resolve_can(t).ok())
        .collect();
    assert!(qs.len() >= 3, "the seed denials resolve");
    let mut i = 0;
    g.bench_function(
        "seed policies: explain a denial with exact fixes (view built)",
        |b| {
            b.iter(|| {
                i = (i + 1) % qs.len();
                black_box(program.explain(&qs[i]).fixes.len())
            })
        },
    );
    g.bench_function(
        "seed policies: explain a denial with exact fixes (view built first)",
        |b| {
            b.iter(|| {
                // a fresh program: the symbolic view is built on first use
                let fresh = program.with_data(program.data.clone());
                black_box(fresh.explain(&qs[0]).fixes.len())
            })
        },
    );
    g.finish();
}

fn large(c: &mut Criterion) {
    if std::env::var_os("RIGHTS_BENCH_LARGE").is_none() {
        return;
    }
    let w = Workload::generate(&Shape::large());
    let policy = w.policy();
    let old = engine_of(policy.clone());
    // one role's grants changed: role 5 also grants the last right
    let last = rights::bench_gen::right_name(&w.shape, w.shape.rights - 1);
    let at = policy.find("\nrole role5 ").expect("role 5 exists");
    let grant = at + policy[at..].find("{ grant ").expect("role 5 grants") + "{ grant ".len();
    let changed = format!("{}{last}, {}", &policy[..grant], &policy[grant..]);
    let new = engine_of(changed);
    let mut g = c.benchmark_group("symbolic-large");
    g.sample_size(10);
    g.bench_function("large: build every function", |b| {
        b.iter(|| black_box(Symbolic::new(old.program()).unwrap().build_all().unwrap()))
    });
    g.bench_function(
        "large: analyze OLD NEW after one role's grants change",
        |b| b.iter(|| black_box(new.compare_with(&old).unwrap().new_access())),
    );
    g.finish();
}

criterion_group!(symbolic, seeds, large);
criterion_main!(symbolic);
