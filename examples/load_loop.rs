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
        assert!(rights::Engine::from_texts(policy.clone(), data.clone()).is_ok());
    }
    println!("{:?} per load", t.elapsed() / n);
}
