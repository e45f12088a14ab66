#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a measuring tool"
)]
//! Loads a workload directory again and again (for profilers): `load_loop DIR [N]`.
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("dir"));
    let n: u32 = std::env::args()
        .nth(2)
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let policy = std::fs::read_to_string(dir.join("policy.rights")).unwrap();
    let data = std::fs::read_to_string(dir.join("data.json")).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..n {
        let mut ws = rights::workspace::Workspace::default();
        ws.add_policy_text(rights::source::Origin::Input("p".into()), policy.clone());
        ws.add_data_text(rights::source::Origin::Input("d".into()), data.clone());
        ws.check();
        assert!(ws.is_compiled());
    }
    println!("{:?} per load", t.elapsed() / n);
}
