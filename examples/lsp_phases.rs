//! Where a keystroke's time goes in the editor server, phase by phase, on
//! the default benchmark workload with its 1,000 users:
//! `cargo run --release --example lsp_phases`; or on a policy file of your
//! own (no data): `cargo run --release --example lsp_phases -- FILE`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "an example"
)]

use rights::bench_gen::{Shape, Workload};
use rights::source::Origin;
use std::time::Instant;

fn main() {
    let w = Workload::generate(&Shape::default());
    let own = std::env::args().nth(1);
    let (policy, data) = match &own {
        Some(f) => (std::fs::read_to_string(f).unwrap(), "{}".to_string()),
        None => (w.policy(), w.data_json().to_string()),
    };
    let dir = std::env::temp_dir().join("rights-lsp-phases");
    std::fs::create_dir_all(&dir).unwrap();
    let dp = dir.join("data.json");
    std::fs::write(&dp, &data).unwrap();
    let p = dir.join("policy.rights");
    let mut s =
        rights::lsp::InProcess::new(dir.clone(), vec![(p.clone(), policy.clone())], vec![dp]);
    for round in 0..3 {
        let t = Instant::now();
        let n = s.change(p.clone(), format!("{policy}\n# typed {round}\n"));
        println!("keystroke {round}: {:?} ({n} diagnostics)", t.elapsed());
    }
    for round in 0..3 {
        let t = Instant::now();
        let mut ws = rights::workspace::Workspace::default();
        ws.add_policy_text(Origin::Input("policy.rights".into()), policy.clone());
        let t_policy = t.elapsed();
        ws.add_data_text(Origin::Input("data.json".into()), data.clone());
        let t_data = t.elapsed();
        ws.check();
        let t_check = t.elapsed();
        let index = rights::index::Index::build(ws.items());
        let t_index = t.elapsed();
        let tests = rights::testing::run(ws.program().unwrap(), &ws.model().tests, None);
        let t_tests = t.elapsed();
        let lint = rights::lint::check_and_lint(&ws).0;
        let t_lint = t.elapsed();
        println!(
            "round {round}: parse policy {:?}, parse data {:?}, check+compile {:?}, index {:?}, tests {:?}, lint {:?} ({} findings, {} tests)",
            t_policy,
            t_data - t_policy,
            t_check - t_data,
            t_index - t_check,
            t_tests - t_index,
            t_lint - t_tests,
            lint.len(),
            tests.len(),
        );
        drop(index);
    }
}

/// The whole keystroke, as the benchmark measures it.
#[allow(dead_code)]
fn keystroke() {}
