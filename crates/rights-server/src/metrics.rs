//! What `/metrics` says, in Prometheus' text format: requests by route and
//! status, decisions by outcome, the latency of answers (a histogram),
//! reloads and the revision served. Counters only: no lock on the request
//! path.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The routes counted, in the order they are listed.
pub const ROUTES: &[&str] = &[
    "/v1/can",
    "/v1/batch",
    "/v1/query",
    "/v1/policy",
    "/health",
    "/metrics",
    "other",
];

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: &[f64] = &[
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.05, 0.25, 1.0,
];

#[derive(Default)]
pub struct Metrics {
    /// Per route: responses with a 2xx, 4xx and 5xx status.
    requests: [[AtomicU64; 3]; 7],
    allow: AtomicU64,
    deny: AtomicU64,
    /// Per bucket (and one past the last): answers that took that long.
    latency: [AtomicU64; 12],
    latency_sum_ns: AtomicU64,
    pub log_dropped: AtomicU64,
}

impl Metrics {
    pub fn request(&self, route: &str, status: u16, took: Duration) {
        let r = ROUTES
            .iter()
            .position(|x| *x == route)
            .unwrap_or(ROUTES.len() - 1);
        let class = match status {
            200..=299 => 0,
            400..=499 => 1,
            _ => 2,
        };
        if let Some(c) = self.requests.get(r).and_then(|row| row.get(class)) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        let secs = took.as_secs_f64();
        let b = BUCKETS
            .iter()
            .position(|&le| secs <= le)
            .unwrap_or(BUCKETS.len());
        if let Some(c) = self.latency.get(b) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        let ns = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.latency_sum_ns.fetch_add(ns, Ordering::Relaxed);
    }

    pub fn decision(&self, allowed: bool) {
        let c = if allowed { &self.allow } else { &self.deny };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// The text `/metrics` answers.
    pub fn text(&self, revision: &str, reloads: u64) -> String {
        let mut out = String::new();
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        out.push_str(
            "# HELP rights_requests_total Requests answered, by route and status class.\n",
        );
        out.push_str("# TYPE rights_requests_total counter\n");
        for (route, row) in ROUTES.iter().zip(&self.requests) {
            for (class, c) in ["2xx", "4xx", "5xx"].iter().zip(row) {
                let _ = writeln!(
                    out,
                    "rights_requests_total{{route=\"{route}\",status=\"{class}\"}} {}",
                    get(c)
                );
            }
        }
        out.push_str("# HELP rights_decisions_total Decisions given, by outcome.\n");
        out.push_str("# TYPE rights_decisions_total counter\n");
        let _ = writeln!(
            out,
            "rights_decisions_total{{decision=\"allow\"}} {}",
            get(&self.allow)
        );
        let _ = writeln!(
            out,
            "rights_decisions_total{{decision=\"deny\"}} {}",
            get(&self.deny)
        );
        out.push_str("# HELP rights_request_duration_seconds Time from a request read to its answer written.\n");
        out.push_str("# TYPE rights_request_duration_seconds histogram\n");
        let mut cumulative = 0;
        for (le, c) in BUCKETS.iter().zip(&self.latency) {
            cumulative += get(c);
            let _ = writeln!(
                out,
                "rights_request_duration_seconds_bucket{{le=\"{le}\"}} {cumulative}"
            );
        }
        cumulative += self.latency.last().map_or(0, get);
        let _ = writeln!(
            out,
            "rights_request_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}"
        );
        let sum = get(&self.latency_sum_ns) as f64 / 1e9;
        let _ = writeln!(out, "rights_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "rights_request_duration_seconds_count {cumulative}");
        out.push_str("# HELP rights_policy_reloads_total New versions of the policy swapped in.\n");
        out.push_str("# TYPE rights_policy_reloads_total counter\n");
        let _ = writeln!(out, "rights_policy_reloads_total {reloads}");
        out.push_str("# HELP rights_policy_info The revision served.\n");
        out.push_str("# TYPE rights_policy_info gauge\n");
        let _ = writeln!(out, "rights_policy_info{{revision=\"{revision}\"}} 1");
        out.push_str("# HELP rights_decision_log_dropped_total Decision log lines dropped (the log could not keep up).\n");
        out.push_str("# TYPE rights_decision_log_dropped_total counter\n");
        let _ = writeln!(
            out,
            "rights_decision_log_dropped_total {}",
            get(&self.log_dropped)
        );
        out
    }
}
