//! `cargo run --release` (in `bench/`): the same generated workload and the same
//! requests, answered by `rights` and by `cedar-policy`, natural and with
//! per-action policy slicing, in one run. Every decision must agree.
//!
//! Options: `--users N` (default 1000), `--queries N` (default 10000),
//! `--cedar-queries N` (default 2000: natural Cedar is slow).

use cedar_policy::{Authorizer, Context, Decision, Entities, EntityUid, PolicySet, Request};
use rights::bench_gen::{right_name, Query, Shape, Workload};
use rights::source::Origin;
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;
use rights::cli::query::{answer_stream, Input};
use rights::cli::Format;

/// Derived actions whose rights condition is `right r0` (see the generated policy).
const RUN: &str = "run_status_detail";
const UPDATE: &str = "update_resource";
const VIEW: &str = "view_resource";

struct CedarPolicy {
    text: String,
    /// The actions this policy can apply to.
    actions: Vec<String>,
}

fn action_list(actions: &[String]) -> String {
    actions
        .iter()
        .map(|a| format!("Action::{a:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The workload written naturally in Cedar: one permit per role (its own
/// rights; inheritance is the entity hierarchy), one per user with direct
/// grants, a forbid per revoke, a forbid for the suspended, and per-resource
/// access as sets of resources on the user.
fn cedar_policies(w: &Workload) -> Vec<CedarPolicy> {
    let s = &w.shape;
    let derived = |rights: &[usize]| rights.contains(&0);
    let mut out = Vec::new();
    let permit_with_derived = |out: &mut Vec<CedarPolicy>, scope: String, rights: &[usize], effect: &str, when: &str| {
        let names: Vec<String> = rights.iter().map(|&r| right_name(s, r)).collect();
        if !names.is_empty() {
            out.push(CedarPolicy {
                text: format!("{effect}({scope}, action in [{}], resource){when};", action_list(&names)),
                actions: names,
            });
        }
        if derived(rights) {
            if effect == "permit" {
                out.push(CedarPolicy {
                    text: format!("permit({scope}, action == Action::\"{RUN}\", resource) when {{ principal.run_reports.contains(resource) }};"),
                    actions: vec![RUN.into()],
                });
                out.push(CedarPolicy {
                    text: format!("permit({scope}, action == Action::\"{UPDATE}\", resource) when {{ principal.update.contains(resource) }};"),
                    actions: vec![UPDATE.into()],
                });
            } else {
                out.push(CedarPolicy {
                    text: format!("forbid({scope}, action in [Action::\"{RUN}\", Action::\"{UPDATE}\"], resource){when};"),
                    actions: vec![RUN.into(), UPDATE.into()],
                });
            }
        }
    };
    for (k, role) in w.roles.iter().enumerate() {
        permit_with_derived(&mut out, format!("principal in Role::\"role{k}\""), &role.rights, "permit", "");
    }
    for (i, u) in w.users.iter().enumerate() {
        permit_with_derived(&mut out, format!("principal == User::\"user{i}\""), &u.grants, "permit", "");
        permit_with_derived(&mut out, format!("principal == User::\"user{i}\""), &u.revokes, "forbid", "");
    }
    permit_with_derived(&mut out, "principal".into(), &w.denied_when_suspended, "forbid", " when { principal.suspended }");
    out.push(CedarPolicy {
        text: format!("permit(principal, action == Action::\"{VIEW}\", resource) when {{ principal.view.contains(resource) || principal.update.contains(resource) }};"),
        actions: vec![VIEW.into()],
    });
    out
}

fn cedar_entities(w: &Workload) -> String {
    let mut es = Vec::new();
    for (k, role) in w.roles.iter().enumerate() {
        es.push(serde_json::json!({
            "uid": {"type": "Role", "id": format!("role{k}")},
            "attrs": {},
            "parents": role.parents.iter().map(|p| serde_json::json!({"type": "Role", "id": format!("role{p}")})).collect::<Vec<_>>(),
        }));
    }
    for (i, u) in w.users.iter().enumerate() {
        let set = |level: usize| {
            u.access
                .iter()
                .filter(|(_, l)| *l == level)
                .map(|(r, _)| serde_json::json!({"__entity": {"type": "Resource", "id": format!("res{r}")}}))
                .collect::<Vec<_>>()
        };
        es.push(serde_json::json!({
            "uid": {"type": "User", "id": format!("user{i}")},
            "attrs": {"view": set(0), "update": set(1), "run_reports": set(2), "suspended": u.suspended},
            "parents": u.roles.iter().map(|r| serde_json::json!({"type": "Role", "id": format!("role{r}")})).collect::<Vec<_>>(),
        }));
    }
    for r in 0..w.shape.resources {
        es.push(serde_json::json!({"uid": {"type": "Resource", "id": format!("res{r}")}, "attrs": {}, "parents": []}));
    }
    es.push(serde_json::json!({"uid": {"type": "Resource", "id": "none"}, "attrs": {}, "parents": []}));
    serde_json::Value::Array(es).to_string()
}

fn uid(t: &str, id: &str) -> EntityUid {
    format!("{t}::{id:?}").parse().expect("a valid entity uid")
}

/// (principal, action, resource) for Cedar.
fn cedar_request(q: &Query, s: &Shape) -> (String, Request) {
    let (user, action, resource) = match *q {
        Query::Right { user, right } => (user, right_name(s, right), "none".to_string()),
        Query::Action { user, action, resource } => (user, action.to_string(), format!("res{resource}")),
        Query::Run { user, resource } => (user, RUN.to_string(), format!("res{resource}")),
    };
    let req = Request::new(
        uid("User", &format!("user{user}")),
        uid("Action", &action),
        uid("Resource", &resource),
        Context::empty(),
        None,
    )
    .expect("a valid request");
    (action, req)
}

/// Median over `reps` runs of the time per item, in nanoseconds.
fn per_item(reps: usize, n: usize, mut f: impl FnMut() -> usize) -> f64 {
    let mut times: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_nanos() as f64 / n as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.1} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.1} ns")
    }
}

fn main() {
    let shape = Shape {
        users: arg("--users", 1_000),
        ..Shape::default()
    };
    let n_queries = arg("--queries", 10_000);
    let n_cedar = arg("--cedar-queries", 2_000).min(n_queries);
    let w = Workload::generate(&shape);
    let queries = w.queries(n_queries);

    // ── rights ──
    let policy = w.policy();
    let data = w.data_json().to_string();
    let t = Instant::now();
    let mut ws = rights::workspace::Workspace::default();
    ws.add_policy_text(Origin::Input("policy.rights".into()), policy);
    ws.add_data_text(Origin::Input("data.json".into()), data.clone());
    let engine = rights::Engine::from_workspace(ws).unwrap_or_else(|e| panic!("{}", e.render()));
    let rights_load = t.elapsed();
    let program = engine.program();
    let resolved: Vec<_> = queries
        .iter()
        .map(|q| engine.resolve_can(&q.text(&shape)).expect("generated queries resolve"))
        .collect();
    let names: Vec<(String, String, Option<String>, bool)> = queries
        .iter()
        .map(|q| match *q {
            Query::Right { user, right } => (format!("user{user}"), right_name(&shape, right), None, false),
            Query::Action { user, action, resource } => (format!("user{user}"), action.to_string(), Some(format!("res{resource}")), false),
            Query::Run { user, resource } => (format!("user{user}"), "status_detail".to_string(), Some(format!("res{resource}")), true),
        })
        .collect();

    // ── Cedar ──
    let cedar = cedar_policies(&w);
    let entities_json = cedar_entities(&w);
    let t = Instant::now();
    let all_text: String = cedar.iter().map(|p| p.text.clone() + "\n").collect();
    let natural: PolicySet = all_text.parse().expect("the Cedar policies parse");
    let entities = Entities::from_json_str(&entities_json, None).expect("the Cedar entities load");
    let cedar_load = t.elapsed();
    let mut by_action: HashMap<String, String> = HashMap::new();
    for p in &cedar {
        for a in &p.actions {
            by_action.entry(a.clone()).or_default().push_str(&(p.text.clone() + "\n"));
        }
    }
    let sliced: HashMap<String, PolicySet> = by_action
        .into_iter()
        .map(|(a, text)| (a, text.parse().expect("a slice parses")))
        .collect();
    let empty = PolicySet::new();
    let requests: Vec<(String, Request)> = queries.iter().map(|q| cedar_request(q, &shape)).collect();
    let authorizer = Authorizer::new();
    let sliced_policies = |a: &str| sliced.get(a).unwrap_or(&empty);

    // ── every decision agrees ──
    let mut disagreements = 0;
    for (i, q) in resolved.iter().enumerate() {
        let ours = program.can(q);
        let (action, req) = &requests[i];
        let nat = authorizer.is_authorized(req, &natural, &entities).decision() == Decision::Allow;
        let sli = authorizer.is_authorized(req, sliced_policies(action), &entities).decision() == Decision::Allow;
        if ours != nat || ours != sli {
            disagreements += 1;
            if disagreements <= 5 {
                eprintln!("disagreement on `{}`: rights {ours}, cedar {nat}, cedar sliced {sli}", queries[i].text(&shape));
            }
        }
    }
    let allowed = resolved.iter().filter(|q| program.can(q)).count();

    // ── timings ──
    let ids = per_item(21, resolved.len(), || resolved.iter().filter(|q| program.can(q)).count());
    let by_name = per_item(11, names.len(), || {
        names
            .iter()
            .filter(|(u, t, r, run)| {
                if *run {
                    engine.can_run(u, t, r.as_deref()).unwrap_or(false)
                } else {
                    engine.can(u, t, r.as_deref()).unwrap_or(false)
                }
            })
            .count()
    });
    // `rights query -` as the CLI runs it, fed from memory (text and JSON
    // request lines, only the decision printed)
    let ws = engine.workspace();
    let text_lines: String = queries.iter().map(|q| q.text(&shape) + "\n").collect();
    let json_lines: String = queries.iter().map(|q| q.json(&shape) + "\n").collect();
    let stream_as = |input: Input, lines: &str, style: (Format, bool)| {
        let mut out = std::io::sink();
        usize::from(answer_stream(ws, input, &mut lines.as_bytes(), style, &mut out) == Ok(true))
    };
    let stream = |input: Input, lines: &str| stream_as(input, lines, (Format::Human, true));
    let query_text = per_item(11, n_queries, || stream(Input::Text, &text_lines));
    // the answer scripts get by default: JSON with its reasons
    let query_full = per_item(5, n_queries, || stream_as(Input::Text, &text_lines, (Format::Json, false)));
    let query_json = per_item(11, n_queries, || stream(Input::Json, &json_lines));
    let cedar_sliced = per_item(5, n_queries, || {
        requests
            .iter()
            .filter(|(a, r)| authorizer.is_authorized(r, sliced_policies(a), &entities).decision() == Decision::Allow)
            .count()
    });
    let cedar_natural = per_item(3, n_cedar, || {
        requests[..n_cedar]
            .iter()
            .filter(|(_, r)| authorizer.is_authorized(r, &natural, &entities).decision() == Decision::Allow)
            .count()
    });

    println!("workload: {} users, {} roles, {} rights, {} resources, {} access grants per user", shape.users, shape.roles, shape.rights, shape.resources, shape.grants_per_user);
    println!("requests: {} ({} allowed); Cedar natural timed on the first {}", queries.len(), allowed, n_cedar);
    println!("Cedar: {} policies (natural); {} action slices", cedar.len(), sliced.len());
    println!("decisions that disagree: {disagreements}");
    println!();
    println!("| engine | per request (median) | vs rights from names |");
    println!("| --- | --- | --- |");
    println!("| rights, resolved ids | {} | {:.2}× |", fmt_ns(ids), ids / by_name);
    println!("| rights, string names (library API) | {} | 1× |", fmt_ns(by_name));
    println!("| `rights query -` (text lines, --brief) | {} | {:.1}× |", fmt_ns(query_text), query_text / by_name);
    println!("| `rights query --input json -` (--brief) | {} | {:.1}× |", fmt_ns(query_json), query_json / by_name);
    println!("| `rights query --format json -` (full answers, reasons) | {} | {:.1}× |", fmt_ns(query_full), query_full / by_name);
    println!("| Cedar, per-action slices | {} | {:.0}× slower |", fmt_ns(cedar_sliced), cedar_sliced / by_name);
    println!("| Cedar, natural (all policies) | {} | {:.0}× slower |", fmt_ns(cedar_natural), cedar_natural / by_name);
    println!();
    println!(
        "`rights query -` against Cedar sliced: {:.0}× less per question (text), {:.0}× (JSON requests), {:.1}× (full JSON answers)",
        cedar_sliced / query_text,
        cedar_sliced / query_json,
        cedar_sliced / query_full
    );
    println!("load: rights policy + {} KB JSON data, checked and compiled: {:.1} ms", data.len() / 1024, rights_load.as_secs_f64() * 1000.0);
    println!("load: Cedar policies + {} KB entity JSON: {:.1} ms", entities_json.len() / 1024, cedar_load.as_secs_f64() * 1000.0);
    if disagreements > 0 {
        eprintln!("error: the engines disagree on {disagreements} decisions");
        std::process::exit(1);
    }
}
