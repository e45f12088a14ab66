#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a measuring tool"
)]
//! Full JSON answers on a workload, for questions about every user and
//! about a few users only (whose data stays in the cache): the difference
//! is what the memory costs. LARGE=1: the large workload; Q: questions
//! (20,000); FEW: how many users the second set asks about (500).
use rights::bench_gen::{Shape, Workload};
use rights::cli::query::{answer_stream, Input};
use rights::cli::Format;
use std::time::Instant;

fn main() {
    let shape = Shape::from_env();
    let n = rights::bench_gen::env_number("Q", 20_000);
    let few = rights::bench_gen::env_number("FEW", 500).max(1);
    let w = Workload::generate(&shape);
    let engine = rights::Engine::from_texts(w.policy(), w.data_json().to_string()).unwrap();
    let qs = w.queries(n);
    let all: String = qs.iter().map(|q| q.text(&shape) + "\n").collect();
    let some: String = qs
        .iter()
        .map(|q| q.about(q.user() % few).text(&shape) + "\n")
        .collect();
    let ws = engine.workspace();
    let time = |lines: &str, brief: bool| {
        let t = Instant::now();
        let mut out = std::io::sink();
        answer_stream(
            ws,
            Input::Text,
            &mut lines.as_bytes(),
            (Format::Json, brief),
            &mut out,
        )
        .unwrap();
        t.elapsed().as_secs_f64() / n as f64 * 1e9
    };
    let mut rows: Vec<(&str, Vec<f64>)> = vec![
        ("full, every user", vec![]),
        ("full, few users", vec![]),
        ("brief, every user", vec![]),
        ("brief, few users", vec![]),
    ];
    for _ in 0..7 {
        rows[0].1.push(time(&all, false));
        rows[1].1.push(time(&some, false));
        rows[2].1.push(time(&all, true));
        rows[3].1.push(time(&some, true));
    }
    for (name, mut v) in rows {
        v.sort_by(f64::total_cmp);
        println!(
            "{name:20} min {:7.0} ns  median {:7.0} ns",
            v[0],
            v[v.len() / 2]
        );
    }
}
