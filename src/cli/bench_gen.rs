//! `rights bench-gen --out DIR [--large] [--users N …]` (hidden): writes a
//! synthetic workload — `policy.rights`, `data.json` and `queries.txt` — for
//! benchmarks and for trying the tools on a large policy.

use super::{EXIT_OK, EXIT_USAGE};
use crate::bench_gen::{Shape, Workload};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory to write `policy.rights`, `data.json` and `queries.txt` into.
    #[arg(long)]
    pub out: PathBuf,
    /// Start from the large shape (100,000 users, 1,000 roles, 10,000 rights…).
    #[arg(long)]
    pub large: bool,
    #[arg(long)]
    pub users: Option<usize>,
    #[arg(long)]
    pub roles: Option<usize>,
    #[arg(long)]
    pub rights: Option<usize>,
    #[arg(long)]
    pub resources: Option<usize>,
    #[arg(long)]
    pub grants_per_user: Option<usize>,
    #[arg(long)]
    pub events: Option<usize>,
    #[arg(long)]
    pub event_size: Option<usize>,
    #[arg(long, default_value_t = 10_000)]
    pub queries: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the users in files of at most this many (`users-1.json`, …),
    /// the rest in `data.json`: each file stays under the 64 MiB limit.
    #[arg(long)]
    pub users_per_file: Option<usize>,
}

pub fn run(a: Args) -> i32 {
    let mut s = if a.large {
        Shape::large()
    } else {
        Shape::default()
    };
    let set = |v: Option<usize>, f: &mut usize| {
        if let Some(v) = v {
            *f = v.max(1)
        }
    };
    set(a.users, &mut s.users);
    set(a.roles, &mut s.roles);
    set(a.rights, &mut s.rights);
    set(a.resources, &mut s.resources);
    set(a.grants_per_user, &mut s.grants_per_user);
    set(a.events, &mut s.events);
    set(a.event_size, &mut s.event_size);
    s.seed = a.seed;
    let w = Workload::generate(&s);
    let queries: String = w
        .queries(a.queries)
        .iter()
        .map(|q| q.text(&s) + "\n")
        .collect();
    let write = |name: &str, text: String| std::fs::write(a.out.join(name), text);
    let result = std::fs::create_dir_all(&a.out)
        .and_then(|_| write("policy.rights", w.policy()))
        .and_then(|_| write("queries.txt", queries))
        .and_then(|_| write_data(&a.out, w.data_json(), a.users_per_file));
    match result {
        Ok(files) => {
            eprintln!(
                "wrote {} ({files} data files): {} users, {} roles, {} rights, {} resources, {} events, {} queries",
                a.out.display(),
                s.users,
                s.roles,
                s.rights,
                s.resources,
                s.events,
                a.queries
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write to {}: {e}", a.out.display());
            EXIT_USAGE
        }
    }
}

/// Writes `data.json`, and the users in files of `per_file` when asked;
/// returns how many data files were written.
fn write_data(
    dir: &std::path::Path,
    mut data: serde_json::Value,
    per_file: Option<usize>,
) -> std::io::Result<usize> {
    let mut files = 1;
    if let Some(per_file) = per_file.filter(|&n| n > 0) {
        let users = match data.get_mut("users") {
            Some(serde_json::Value::Array(users)) => std::mem::take(users),
            _ => Vec::new(),
        };
        for (i, chunk) in users.chunks(per_file).enumerate() {
            let part = serde_json::json!({ "users": chunk });
            std::fs::write(dir.join(format!("users-{}.json", i + 1)), part.to_string())?;
            files += 1;
        }
    }
    std::fs::write(dir.join("data.json"), data.to_string())?;
    Ok(files)
}
