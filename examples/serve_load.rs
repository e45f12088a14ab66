//! Load on a running `rights serve`: CONNECTIONS keep-alive connections at
//! once, each asking its share of the questions of a JSON Lines file with
//! `POST /v1/can?brief=true`, or with `--batch N` N questions a request on
//! `POST /v1/batch?brief=true`. Prints decisions per second, the latency
//! percentiles of requests, and how many failed.
//!
//! ```text
//! rights serve policy.rights --data data.json &
//! cargo run --release --example serve_load -- 127.0.0.1:8181 requests.jsonl 64 200000
//! cargo run --release --example serve_load -- 127.0.0.1:8181 requests.jsonl 2 1000000 --batch 10000
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a measuring tool"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let addr = args.first().expect("ADDR").clone();
    let lines: Vec<String> = std::fs::read_to_string(args.get(1).expect("REQUESTS.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let connections: usize = args.get(2).map_or(64, |a| a.parse().unwrap());
    let total: usize = args.get(3).map_or(100_000, |a| a.parse().unwrap());
    let batch: usize = args
        .iter()
        .position(|a| a == "--batch")
        .and_then(|i| args.get(i + 1))
        .map_or(1, |a| a.parse().unwrap());
    let per = total / connections / batch;
    let started = Instant::now();
    let threads: Vec<_> = (0..connections)
        .map(|c| {
            let (addr, lines) = (addr.clone(), lines.clone());
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(&addr).unwrap();
                stream.set_nodelay(true).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut latencies = Vec::with_capacity(per);
                let mut failed = 0usize;
                for i in 0..per {
                    let (path, body) = if batch == 1 {
                        (
                            "/v1/can?brief=true",
                            lines[(c * per + i) % lines.len()].clone(),
                        )
                    } else {
                        let from = (c * per + i) * batch;
                        let part: Vec<&str> = (0..batch)
                            .map(|k| lines[(from + k) % lines.len()].as_str())
                            .collect();
                        ("/v1/batch?brief=true", part.join("\n"))
                    };
                    let t = Instant::now();
                    let request = format!(
                        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    stream.write_all(request.as_bytes()).unwrap();
                    let (status, _) = response(&mut reader);
                    latencies.push(t.elapsed());
                    if status != 200 {
                        failed += 1;
                    }
                }
                (latencies, failed)
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = Vec::new();
    let mut failed = 0;
    for t in threads {
        let (l, f) = t.join().unwrap();
        latencies.extend(l);
        failed += f;
    }
    let took = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let decisions = latencies.len() * batch;
    println!(
        "{decisions} decisions in {} requests over {connections} connections in {took:.2?}: {:.0} decisions/s; request latency p50 {:.2?}, p99 {:.2?}, max {:.2?}; {failed} failed",
        latencies.len(),
        decisions as f64 / took.as_secs_f64(),
        at(0.5),
        at(0.99),
        at(1.0),
    );
}

/// Reads one response: its status and body (by `Content-Length`, or chunked).
fn response(r: &mut BufReader<TcpStream>) -> (u16, Vec<u8>) {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = None;
    let mut chunked = false;
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        let l = line.trim_end().to_ascii_lowercase();
        if l.is_empty() {
            break;
        }
        if let Some(v) = l.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        }
        if l.starts_with("transfer-encoding:") && l.contains("chunked") {
            chunked = true;
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            r.read_line(&mut line).unwrap();
            let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        r.read_exact(&mut body).unwrap();
    }
    (status, body)
}
