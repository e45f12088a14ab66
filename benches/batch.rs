#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmarks fail by panicking"
)]

//! criterion benchmarks of `rights query -` (issue 16): 100,000 distinct
//! questions of the default workload, fed from memory through the CLI's own
//! stream function (`cli::query::answer_stream`) with only the decision
//! printed (`--brief`), as query text and as JSON request lines. The load is
//! not included (it is measured in `engine`).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rights::bench_gen::{Shape, Workload};
use rights::cli::query::{answer_stream, Input};
use rights::cli::Format;
use rights::source::Origin;
use rights::workspace::Workspace;

fn benches(c: &mut Criterion) {
    let shape = Shape::default();
    let w = Workload::generate(&shape);
    let mut ws = Workspace::default();
    ws.add_policy_text(Origin::Input("policy.rights".into()), w.policy());
    ws.add_data_text(Origin::Input("data.json".into()), w.data_json().to_string());
    ws.check();
    assert!(ws.is_compiled());
    let qs = w.queries(100_000);
    let text: String = qs.iter().map(|q| q.text(&shape) + "\n").collect();
    let json: String = qs.iter().map(|q| q.json(&shape) + "\n").collect();
    let mut g = c.benchmark_group("rights query - (100,000 distinct questions, --brief)");
    g.sample_size(10);
    g.throughput(Throughput::Elements(qs.len() as u64));
    for (name, input, lines) in [
        ("text", Input::Text, &text),
        ("json requests", Input::Json, &json),
    ] {
        for format in [Format::Human, Format::Json] {
            let label = format!(
                "{name}, {} out",
                if format == Format::Human {
                    "text"
                } else {
                    "JSON"
                }
            );
            g.bench_function(label, |b| {
                b.iter(|| {
                    let mut out = std::io::sink();
                    let ok =
                        answer_stream(&ws, input, &mut lines.as_bytes(), (format, true), &mut out);
                    assert_eq!(ok, Ok(true));
                })
            });
        }
    }
    g.finish();
}

criterion_group!(batch, benches);
criterion_main!(batch);
