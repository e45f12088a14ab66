#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmarks fail by panicking"
)]

//! criterion benchmarks of `rights doc` (issue 17): every page of the site
//! built and written as HTML (into memory) for the two seed policies and for
//! the large workload's policy (1,000 roles, 10,000 rights).

use criterion::{criterion_group, criterion_main, Criterion};
use rights::bench_gen::{Shape, Workload};
use rights::doc::{render, Format};
use rights::source::Origin;
use rights::words::Words;
use rights::workspace::Workspace;
use std::hint::black_box;

fn site_bytes(ws: &Workspace) -> usize {
    let site = Words::new(ws.program().unwrap(), &ws.sources).doc_site("bench");
    site.pages
        .iter()
        .map(|p| render(&site, p, Format::Html).len())
        .sum()
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("rights doc (HTML, every page)");
    g.sample_size(10);
    for seed in ["emresource", "analytics"] {
        let ws = Workspace::load(&[format!("policies/{seed}.rights").into()], &[]);
        assert!(ws.is_compiled());
        g.bench_function(seed, |b| b.iter(|| black_box(site_bytes(&ws))));
    }
    let large = Workload::generate(&Shape::large()).policy();
    let mut ws = Workspace::default();
    ws.add_policy_text(Origin::Input("large.rights".into()), large);
    ws.check();
    assert!(ws.is_compiled());
    g.bench_function("large policy (1,000 roles, 10,000 rights)", |b| {
        b.iter(|| black_box(site_bytes(&ws)))
    });
    g.finish();
}

criterion_group!(doc, benches);
criterion_main!(doc);
