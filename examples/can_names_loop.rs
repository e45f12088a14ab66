#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a measuring tool"
)]
use rights::bench_gen::{Query, Shape, Workload};
fn main() {
    // LARGE=1: the large workload; Q: how many distinct questions (4096)
    let shape = Shape::from_env();
    let distinct = rights::bench_gen::env_number("Q", 4096);
    let w = Workload::generate(&shape);
    let engine = rights::Engine::from_texts(w.policy(), w.data_json().to_string()).unwrap();
    let names: Vec<(String, String, Option<String>, bool)> = w
        .queries(distinct)
        .iter()
        .map(|q| match *q {
            Query::Right { user, right } => (
                format!("user{user}"),
                rights::bench_gen::right_name(&w.shape, right),
                None,
                false,
            ),
            Query::Action {
                user,
                action,
                resource,
            } => (
                format!("user{user}"),
                action.to_string(),
                Some(format!("res{resource}")),
                false,
            ),
            Query::Run { user, resource } => (
                format!("user{user}"),
                "status_detail".to_string(),
                Some(format!("res{resource}")),
                true,
            ),
        })
        .collect();
    let t = std::time::Instant::now();
    let n = rights::bench_gen::env_number("N", 20_000_000);
    let mut yes = 0usize;
    for i in 0..n {
        let (u, t, r, run) = &names[i % names.len()];
        let ok = if *run {
            engine.can_run(u, t, r.as_deref())
        } else {
            engine.can(u, t, r.as_deref())
        };
        if ok.unwrap_or(false) {
            yes += 1;
        }
    }
    println!(
        "{} ns per can ({yes})",
        t.elapsed().as_nanos() as f64 / n as f64
    );
}
