#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a measuring tool"
)]
//! `can` from resolved ids in a loop, for instruction counts that do not move
//! with the machine's noise:
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*ask_loop*'
//! target/release/examples/can_ids_loop KIND` with KIND one of `mix`,
//! `rights`, `actions`, `reports`.
use rights::bench_gen::{Shape, Workload};
use rights::sema::model::{CanQ, Target};
use std::hint::black_box;

#[inline(never)]
fn ask_loop(program: &rights::ir::Program, qs: &[CanQ], rounds: usize) -> usize {
    let mut n = 0;
    for _ in 0..rounds {
        for q in qs {
            n += usize::from(black_box(program.can(black_box(q))));
        }
    }
    n
}

fn main() {
    let kind = std::env::args().nth(1).unwrap_or_else(|| "mix".into());
    let w = Workload::generate(&Shape::default());
    let engine = rights::Engine::from_texts(w.policy(), w.data_json().to_string()).unwrap();
    let qs: Vec<CanQ> = w
        .queries(4096)
        .iter()
        .filter_map(|q| engine.resolve_can(&q.text(&w.shape)).ok())
        .filter(|q| match kind.as_str() {
            "rights" => matches!(q.target, Target::Right(_)),
            "actions" => matches!(q.target, Target::Action(_)),
            "reports" => matches!(q.target, Target::Run(_)),
            _ => true,
        })
        .collect();
    let allowed = ask_loop(engine.program(), &qs, 100);
    println!("{} questions x 100, {allowed} allowed", qs.len());
}
