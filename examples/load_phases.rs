//! Times each phase of loading a workload: `cargo run --release --example load_phases -- DIR`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a measuring tool"
)]
use std::time::Instant;
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("a workload directory"));
    let t = Instant::now();
    let policy = std::fs::read_to_string(dir.join("policy.rights")).unwrap();
    let data = std::fs::read_to_string(dir.join("data.json")).unwrap();
    println!("read:            {:?}", t.elapsed());
    let t = Instant::now();
    let file = rights::syntax::parse_file(rights::source::FileId(0), &policy).unwrap();
    println!("parse policy:    {:?}", t.elapsed());
    let t = Instant::now();
    let rights::data::ReadJson { items, diags, .. } =
        rights::data::parse_json(rights::source::FileId(1), &data);
    assert!(diags.is_empty());
    println!("parse JSON data: {:?}", t.elapsed());
    let t = Instant::now();
    let (model, diags) = rights::sema::resolve(file.items.iter().chain(items.iter()));
    assert!(diags.is_empty());
    println!("resolve:         {:?}", t.elapsed());
    let t = Instant::now();
    let checked = rights::sema::model::Checked::of(&model, &diags).expect("no errors");
    let program = rights::ir::Program::compile(&checked);
    println!(
        "compile:         {:?} ({} rows of rights)",
        t.elapsed(),
        program.distinct_rights_sets()
    );
}
