#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmarks fail by panicking"
)]

//! criterion benchmarks on generated workloads (see `crates/rights-bench` and
//! BENCHMARKS.md): load, `can` from names and from ids, `who can`, a
//! 10,000-row report, `explain`, a REPL-sized query end to end, and the
//! version-2 access path (groups, tags, access for role, access denies).
//!
//! `cargo bench` runs the default workload; `RIGHTS_BENCH_LARGE=1 cargo bench`
//! adds the large one (100,000 users, 1,000 roles, 10,000 rights).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rights::bench_gen::{Query, Shape, Workload};
use rights::sema::model::{CanQ, ReportQ, Target};
use rights::Engine;
use std::hint::black_box;

fn load(w: &Workload) -> Engine {
    match Engine::from_texts(w.policy(), w.data_json().to_string()) {
        Ok(e) => e,
        Err(e) => panic!("{}", e.render()),
    }
}

/// The generated queries, resolved to ids once (exactly `n`, repeating if needed).
fn resolved(engine: &Engine, w: &Workload, n: usize) -> Vec<CanQ> {
    let qs: Vec<CanQ> = w
        .queries(n)
        .iter()
        .filter_map(|q| engine.resolve_can(&q.text(&w.shape)).ok())
        .collect();
    qs.iter().cycle().take(n).copied().collect()
}

fn bench_workload(c: &mut Criterion, label: &str, shape: Shape) {
    let w = Workload::generate(&shape);
    let policy = w.policy();
    let data = w.data_json().to_string();
    let mut g = c.benchmark_group(label);
    g.sample_size(if shape.users > 10_000 { 10 } else { 30 });

    g.bench_function("load: parse + check + compile, policy and JSON data", |b| {
        b.iter(|| black_box(Engine::from_texts(policy.clone(), data.clone()).is_ok()))
    });
    g.bench_function("load: JSON data file only (read into data items)", |b| {
        b.iter(|| {
            black_box(
                rights::data::parse_json(rights::source::FileId(0), &data)
                    .items
                    .len(),
            )
        })
    });

    let engine = load(&w);
    let program = engine.program();
    let queries = resolved(&engine, &w, 4096);
    let names: Vec<(String, String, Option<String>, bool)> = w
        .queries(4096)
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
    g.sample_size(50);

    let mut i = 0usize;
    g.bench_function(
        "can: from resolved ids (mix of rights, actions, reports)",
        |b| {
            b.iter(|| {
                i = (i + 1) & 4095;
                black_box(program.can(&queries[i]))
            })
        },
    );
    for (kind, pick) in [
        (
            "rights",
            (|t: &Target| matches!(t, Target::Right(_))) as fn(&Target) -> bool,
        ),
        ("actions on a resource", |t: &Target| {
            matches!(t, Target::Action(_))
        }),
        ("run report on a resource", |t: &Target| {
            matches!(t, Target::Run(_))
        }),
    ] {
        let only: Vec<CanQ> = queries
            .iter()
            .filter(|q| pick(&q.target))
            .copied()
            .collect();
        let only: Vec<CanQ> = only.iter().cycle().take(4096).copied().collect();
        let mut i = 0usize;
        g.bench_function(format!("can: from resolved ids, {kind} only"), |b| {
            b.iter(|| {
                i = (i + 1) & 4095;
                black_box(program.can(&only[i]))
            })
        });
    }
    let mut i = 0usize;
    g.bench_function("can: from string names (library API)", |b| {
        b.iter(|| {
            i = (i + 1) & 4095;
            let (u, t, r, run) = &names[i];
            black_box(
                if *run {
                    engine.can_run(u, t, r.as_deref())
                } else {
                    engine.can(u, t, r.as_deref())
                }
                .ok(),
            )
        })
    });
    let texts: Vec<String> = w.queries(4096).iter().map(|q| q.text(&w.shape)).collect();
    let mut i = 0usize;
    g.bench_function("can: from query text (parse + resolve + decide)", |b| {
        b.iter(|| {
            i = (i + 1) & 4095;
            black_box(engine.resolve_can(&texts[i]).map(|q| program.can(&q)).ok())
        })
    });

    let status_detail = program
        .policy
        .names
        .reports
        .get("status_detail")
        .copied()
        .unwrap();
    let res = program.data.resource_ids.get("res1").copied().unwrap();
    g.bench_function(
        "who can run status_detail on a resource (every user)",
        |b| b.iter(|| black_box(program.who_can(Target::Run(status_detail), Some(res)).len())),
    );

    let denial = queries.iter().find(|q| !program.can(q)).copied();
    if let Some(q) = denial {
        g.bench_function("explain a denial (reasons and verified fixes)", |b| {
            b.iter(|| black_box(program.explain(&q).fixes.len()))
        });
    }
    g.bench_function("REPL-sized query end to end (parse, answer, render)", |b| {
        b.iter(|| {
            let a = engine.ask("can user7 run status_detail on res3").ok();
            let r = rights::words::Words::new(program, engine.sources());
            black_box(a.map(|a| r.human(&a).len()))
        })
    });
    g.finish();
}

/// A report over one event of 10,000 resources, run by a user who may run it.
fn bench_big_report(c: &mut Criterion) {
    let shape = Shape {
        users: 200,
        resources: 10_000,
        events: 1,
        event_size: 10_000,
        ..Shape::default()
    };
    let mut w = Workload::generate(&shape);
    w.events = vec![(0..10_000).collect()];
    // a user who may run the report, with access to a few of the rows
    w.users[0].grants.push(1);
    w.users[0].suspended = false;
    let engine = load(&w);
    let program = engine.program();
    let snapshot = program
        .policy
        .names
        .reports
        .get("snapshot")
        .copied()
        .unwrap();
    let event = program.data.event_ids.get("event0").copied().unwrap();
    let user = (0..program.data.users.len())
        .map(rights::sema::model::UserId::from_index)
        .find(|&u| program.may_run(u, snapshot));
    let Some(user) = user else { return };
    let q = ReportQ {
        report: snapshot,
        user,
        event: Some(event),
    };
    let mut g = c.benchmark_group("report");
    g.bench_function("report over an event of 10,000 resources", |b| {
        b.iter_batched(
            || q,
            |q| black_box(program.report_rows(&q).map(|r| r.len())),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

/// The default workload with LANGUAGE.md §8 added: 50 groups (nested in
/// pairs, each with a role and access on 20 resources), half the users in one
/// or two groups, every 10th resource tagged `critical`, every 25th with
/// access for a role, one revoke in ten users, and two access denies.
fn version2(w: &Workload) -> (String, String) {
    let s = &w.shape;
    let mut policy = w.policy();
    policy.push_str("tag critical \"Critical\"\ntag archived \"Archived\"\n");
    policy.push_str("deny access update, run_reports when tag critical and not role role0\n");
    policy.push_str("deny access * when tag archived and flag suspended\n");
    let mut rng = rights::bench_gen::Rng::new(s.seed ^ 0x5eed);
    for g in 0..50 {
        let parent = if g % 2 == 1 {
            format!(" in team{}", g - 1)
        } else {
            String::new()
        };
        let mut body = format!("  roles role{}\n", rng.below(s.roles));
        for _ in 0..20 {
            body.push_str(&format!(
                "  access res{}: view, update\n",
                rng.below(s.resources)
            ));
        }
        policy.push_str(&format!(
            "group team{g} \"Team {g}\"{parent} {{\n{body}}}\n"
        ));
    }
    let mut data = w.data_json();
    if let Some(users) = data["users"].as_array_mut() {
        for (i, u) in users.iter_mut().enumerate() {
            if i % 2 == 0 {
                let mut gs = vec![format!("team{}", rng.below(50))];
                if rng.chance(30) {
                    gs.push(format!("team{}", rng.below(50)));
                }
                gs.dedup();
                u["groups"] = serde_json::json!(gs);
            }
            if i % 10 == 0 {
                u["revoke_access"] =
                    serde_json::json!({ format!("res{}", rng.below(s.resources)): ["update"] });
            }
        }
    }
    if let Some(resources) = data["resources"].as_array_mut() {
        for (i, r) in resources.iter_mut().enumerate() {
            let mut tags = Vec::new();
            if i % 10 == 0 {
                tags.push("critical");
            }
            if i % 97 == 0 {
                tags.push("archived");
            }
            if !tags.is_empty() {
                r["tags"] = serde_json::json!(tags);
            }
            if i % 25 == 0 {
                r["role_access"] = serde_json::json!({ format!("role{}", rng.below(s.roles)): ["view", "run_reports"] });
            }
        }
    }
    (policy, data.to_string())
}

/// The access path of version 2: `can U access L on R` from ids, against the
/// rights path on the same engine (groups add roles, so rights change too).
fn bench_version2(c: &mut Criterion) {
    let w = Workload::generate(&Shape::default());
    let (policy, data) = version2(&w);
    let mut g = c.benchmark_group("version2");
    g.sample_size(30);
    g.bench_function(
        "load: parse + check + compile, §8 policy and JSON data",
        |b| b.iter(|| black_box(Engine::from_texts(policy.clone(), data.clone()).is_ok())),
    );
    let engine = match Engine::from_texts(policy.clone(), data.clone()) {
        Ok(e) => e,
        Err(e) => panic!("{}", e.render()),
    };
    let program = engine.program();
    let mut rng = rights::bench_gen::Rng::new(7);
    let access: Vec<CanQ> = (0..4096)
        .map(|_| {
            let q = format!(
                "can user{} access {} on res{}",
                rng.below(w.shape.users),
                rights::bench_gen::ACCESS[rng.below(3)],
                rng.below(w.shape.resources)
            );
            match engine.resolve_can(&q) {
                Ok(q) => q,
                Err(e) => panic!("{q}: {}", e.render()),
            }
        })
        .collect();
    let allowed = access.iter().filter(|q| program.can(q)).count();
    assert!(
        allowed > 0 && allowed < access.len(),
        "a mix of answers: {allowed}"
    );
    g.sample_size(50);
    let mut i = 0usize;
    g.bench_function("can: access LEVEL on RESOURCE, from resolved ids", |b| {
        b.iter(|| {
            i = (i + 1) & 4095;
            black_box(program.can(&access[i]))
        })
    });
    let queries = resolved(&engine, &w, 4096);
    let mut i = 0usize;
    g.bench_function(
        "can: the default mix from resolved ids, users in groups",
        |b| {
            b.iter(|| {
                i = (i + 1) & 4095;
                black_box(program.can(&queries[i]))
            })
        },
    );
    if let Some(q) = access.iter().find(|q| !program.can(q)).copied() {
        g.bench_function(
            "explain an access denial (reasons and verified fixes)",
            |b| b.iter(|| black_box(program.explain(&q).fixes.len())),
        );
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    bench_workload(c, "default", Shape::default());
    bench_big_report(c);
    bench_version2(c);
    if std::env::var_os("RIGHTS_BENCH_LARGE").is_some() {
        bench_workload(c, "large", Shape::large());
    }
}

criterion_group!(engine, benches);
criterion_main!(engine);
