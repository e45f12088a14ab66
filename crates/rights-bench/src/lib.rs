//! Synthetic workloads for benchmarks: a policy (`.rights`), its data (JSON) and
//! a list of queries, of any size, reproducible from a seed.
//!
//! The default shape is the one issue 7 compares with Cedar: 1,000 users, 20
//! roles in a DAG, 200 rights, 5,000 resources, 20 access grants per user,
//! direct rights and revocations. [`Shape::large`] is 1,000 roles, 10,000
//! rights, 100,000 users, 1,000,000 access grants, 10,000 resources, 100 events.

#![forbid(unsafe_code)]

use serde_json::json;
use std::fmt::Write;

#[derive(Clone, Debug)]
pub struct Shape {
    pub users: usize,
    pub roles: usize,
    pub rights: usize,
    pub resources: usize,
    pub grants_per_user: usize,
    pub events: usize,
    /// Resources per event.
    pub event_size: usize,
    pub seed: u64,
}

impl Default for Shape {
    fn default() -> Shape {
        Shape {
            users: 1_000,
            roles: 20,
            rights: 200,
            resources: 5_000,
            grants_per_user: 20,
            events: 10,
            event_size: 100,
            seed: 1,
        }
    }
}

/// A number from the environment (`Q=20000`), or `default` (for the
/// measuring tools in `examples/`).
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

impl Shape {
    /// The large shape when `LARGE` is set in the environment, else the
    /// default one (for the measuring tools in `examples/`).
    pub fn from_env() -> Shape {
        if std::env::var_os("LARGE").is_some() {
            Shape::large()
        } else {
            Shape::default()
        }
    }

    pub fn large() -> Shape {
        Shape {
            users: 100_000,
            roles: 1_000,
            rights: 10_000,
            resources: 10_000,
            grants_per_user: 10,
            events: 100,
            event_size: 100,
            seed: 1,
        }
    }
}

/// A small, fast, deterministic generator (splitmix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// Number of components the rights are grouped in (`c0.r0`, `c0.r1`, …).
fn components(shape: &Shape) -> usize {
    (shape.rights / 10).clamp(1, 100)
}

pub fn right_name(shape: &Shape, i: usize) -> String {
    format!("c{}.r{i}", i % components(shape))
}

pub const ACCESS: [&str; 3] = ["view", "update", "run_reports"];

/// One generated role: parents, rights granted directly.
#[derive(Clone, Debug)]
pub struct GenRole {
    pub parents: Vec<usize>,
    pub rights: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct GenUser {
    pub roles: Vec<usize>,
    pub grants: Vec<usize>,
    pub revokes: Vec<usize>,
    pub suspended: bool,
    /// (resource, access level index)
    pub access: Vec<(usize, usize)>,
}

/// The workload as data, so a second engine (Cedar) can encode the same thing.
#[derive(Clone, Debug)]
pub struct Workload {
    pub shape: Shape,
    pub roles: Vec<GenRole>,
    pub users: Vec<GenUser>,
    pub events: Vec<Vec<usize>>,
    /// Rights every suspended user is denied (`deny … when flag suspended`).
    pub denied_when_suspended: Vec<usize>,
}

impl Workload {
    pub fn generate(shape: &Shape) -> Workload {
        let mut rng = Rng::new(shape.seed);
        let roles = (0..shape.roles)
            .map(|i| {
                // a DAG: parents only among earlier roles
                let parents = if i == 0 {
                    Vec::new()
                } else {
                    let mut p = vec![rng.below(i)];
                    if i > 2 && rng.chance(40) {
                        let q = rng.below(i);
                        if !p.contains(&q) {
                            p.push(q);
                        }
                    }
                    p
                };
                let n = 3 + rng.below(8);
                let mut rights: Vec<usize> = (0..n).map(|_| rng.below(shape.rights)).collect();
                rights.sort_unstable();
                rights.dedup();
                GenRole { parents, rights }
            })
            .collect();
        let users = (0..shape.users)
            .map(|_| {
                let mut roles = vec![rng.below(shape.roles)];
                if rng.chance(30) {
                    let r = rng.below(shape.roles);
                    if !roles.contains(&r) {
                        roles.push(r);
                    }
                }
                let grants: Vec<usize> =
                    (0..rng.below(3)).map(|_| rng.below(shape.rights)).collect();
                let revokes: Vec<usize> = if rng.chance(20) {
                    vec![rng.below(shape.rights)]
                } else {
                    Vec::new()
                };
                let mut access: Vec<(usize, usize)> = (0..shape.grants_per_user)
                    .map(|_| (rng.below(shape.resources), rng.below(ACCESS.len())))
                    .collect();
                access.sort_unstable();
                access.dedup();
                GenUser {
                    roles,
                    grants: dedup(grants),
                    revokes,
                    suspended: rng.chance(5),
                    access,
                }
            })
            .collect();
        let events = (0..shape.events)
            .map(|_| {
                dedup(
                    (0..shape.event_size)
                        .map(|_| rng.below(shape.resources))
                        .collect(),
                )
            })
            .collect();
        let denied_when_suspended = (0..shape.rights).filter(|i| i % 7 == 0).collect();
        Workload {
            shape: shape.clone(),
            roles,
            users,
            events,
            denied_when_suspended,
        }
    }

    /// The policy in the Rights language.
    pub fn policy(&self) -> String {
        let s = &self.shape;
        let mut out = String::from("# generated by `rights bench-gen`\n");
        for i in 0..s.rights {
            let _ = writeln!(out, "right {} \"Right {i}\"", right_name(s, i));
        }
        for a in ACCESS {
            let _ = writeln!(out, "access {a} \"{a}\"");
        }
        out.push_str("flag suspended \"Suspended\"\n");
        for (i, r) in self.roles.iter().enumerate() {
            let _ = write!(out, "role role{i}");
            if !r.parents.is_empty() {
                let ps: Vec<String> = r.parents.iter().map(|p| format!("role{p}")).collect();
                let _ = write!(out, " extends {}", ps.join(", "));
            }
            let rs: Vec<String> = r.rights.iter().map(|&x| right_name(s, x)).collect();
            let _ = writeln!(out, " {{ grant {} }}", rs.join(", "));
        }
        let denied: Vec<String> = self
            .denied_when_suspended
            .iter()
            .map(|&x| right_name(s, x))
            .collect();
        if !denied.is_empty() {
            let _ = writeln!(out, "deny {} when flag suspended", denied.join(", "));
        }
        let r0 = right_name(s, 0);
        let _ = writeln!(
            out,
            "action view_resource on resource when access view or access update"
        );
        let _ = writeln!(
            out,
            "action update_resource on resource when access update and right {r0}"
        );
        let _ = writeln!(out, "report status_detail {{ requires right {r0}  rows resources where access run_reports }}");
        let _ = writeln!(
            out,
            "report snapshot {{ requires right {}  rows event  details when can view_resource }}",
            right_name(s, 1 % s.rights.max(1))
        );
        out
    }

    /// The data as a JSON data file (docs/reference/data.md).
    pub fn data_json(&self) -> serde_json::Value {
        let s = &self.shape;
        let users: Vec<_> = self
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let mut access = serde_json::Map::new();
                for &(r, l) in &u.access {
                    let entry = access.entry(format!("res{r}")).or_insert_with(|| json!([]));
                    if let Some(a) = entry.as_array_mut() {
                        a.push(json!(ACCESS[l]));
                    }
                }
                json!({
                    "id": format!("user{i}"),
                    "roles": u.roles.iter().map(|r| format!("role{r}")).collect::<Vec<_>>(),
                    "grants": u.grants.iter().map(|&g| right_name(s, g)).collect::<Vec<_>>(),
                    "revokes": u.revokes.iter().map(|&g| right_name(s, g)).collect::<Vec<_>>(),
                    "flags": if u.suspended { vec!["suspended"] } else { Vec::new() },
                    "access": access,
                })
            })
            .collect();
        let resources: Vec<_> = (0..s.resources)
            .map(|r| json!({"id": format!("res{r}"), "name": format!("Resource {r}")}))
            .collect();
        let events: Vec<_> = self
            .events
            .iter()
            .enumerate()
            .map(|(i, rs)| json!({"id": format!("event{i}"), "resources": rs.iter().map(|r| format!("res{r}")).collect::<Vec<_>>()}))
            .collect();
        json!({"users": users, "resources": resources, "events": events})
    }

    /// `n` queries in the query language, a mix of rights, actions and reports.
    pub fn queries(&self, n: usize) -> Vec<Query> {
        let s = &self.shape;
        let mut rng = Rng::new(s.seed ^ 0xABCD);
        (0..n)
            .map(|_| {
                let user = rng.below(s.users);
                // half the resource questions are about resources the user has access to
                let res = if rng.chance(50) {
                    match self.users[user]
                        .access
                        .get(rng.below(self.users[user].access.len().max(1)))
                    {
                        Some(&(r, _)) => r,
                        None => rng.below(s.resources),
                    }
                } else {
                    rng.below(s.resources)
                };
                match rng.below(4) {
                    0 | 1 => Query::Right {
                        user,
                        right: rng.below(s.rights),
                    },
                    2 => Query::Action {
                        user,
                        action: if rng.chance(50) {
                            "view_resource"
                        } else {
                            "update_resource"
                        },
                        resource: res,
                    },
                    _ => Query::Run {
                        user,
                        resource: res,
                    },
                }
            })
            .collect()
    }
}

/// A generated question, in a form both engines can be asked.
#[derive(Clone, Copy, Debug)]
pub enum Query {
    Right {
        user: usize,
        right: usize,
    },
    Action {
        user: usize,
        action: &'static str,
        resource: usize,
    },
    Run {
        user: usize,
        resource: usize,
    },
}

impl Query {
    /// Whom the question is about.
    pub fn user(&self) -> usize {
        match *self {
            Query::Right { user, .. } | Query::Action { user, .. } | Query::Run { user, .. } => {
                user
            }
        }
    }

    /// The same question about another user.
    pub fn about(mut self, other: usize) -> Query {
        match &mut self {
            Query::Right { user, .. } | Query::Action { user, .. } | Query::Run { user, .. } => {
                *user = other
            }
        }
        self
    }

    pub fn text(&self, shape: &Shape) -> String {
        match *self {
            Query::Right { user, right } => format!("can user{user} {}", right_name(shape, right)),
            Query::Action {
                user,
                action,
                resource,
            } => format!("can user{user} {action} on res{resource}"),
            Query::Run { user, resource } => {
                format!("can user{user} run status_detail on res{resource}")
            }
        }
    }

    /// The same question as a JSON request line (`rights query --input json -`).
    pub fn json(&self, shape: &Shape) -> String {
        match *self {
            Query::Right { user, right } => format!(
                "{{\"user\":\"user{user}\",\"right\":\"{}\"}}",
                right_name(shape, right)
            ),
            Query::Action {
                user,
                action,
                resource,
            } => format!(
                "{{\"user\":\"user{user}\",\"action\":\"{action}\",\"on\":\"res{resource}\"}}"
            ),
            Query::Run { user, resource } => format!(
                "{{\"user\":\"user{user}\",\"run\":\"status_detail\",\"on\":\"res{resource}\"}}"
            ),
        }
    }
}

fn dedup(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v.dedup();
    v
}
