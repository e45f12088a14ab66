//! `rights serve`: the decision API applications call, over HTTP/1.1
//! (`hyper` on a small `tokio` runtime: many keep-alive connections on a
//! thread per core; the engine answers on the connection's task in
//! microseconds).
//!
//! - `lib.rs`: the configuration, the listening socket and its threads;
//! - `loaded.rs`: the policy served (a revision), loaded beside the old one
//!   when its files change and swapped whole; a version that does not check
//!   is refused and reported;
//! - `api.rs`: the routes: `/v1/can`, `/v1/batch`, `/v1/query`,
//!   `/v1/policy`, `/health`, `/metrics`; errors as JSON with stable codes;
//! - `metrics.rs`: counters and the latency histogram, in Prometheus text;
//! - `decisions.rs`: the decision log (JSON Lines), written off the request
//!   path through a bounded queue that never blocks an answer;
//! - `playground.rs` (and `playground.html`): the page at `/` and what it
//!   asks of the server.

#![forbid(unsafe_code)]

// the engine's and the tools' modules under their own names, as in every crate
use rights_engine::{batch, diag, sema, source, workspace};
use rights_tools::{complete, project, words};

mod api;
mod decisions;
mod loaded;
mod metrics;
mod playground;
mod routes;

use loaded::Served;
pub use loaded::{Notify, Reload};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What `rights serve` serves, and how.
pub struct Config {
    /// Where to listen (`127.0.0.1:8181` by default: loopback unless told).
    pub listen: String,
    /// The policy's files and directories, and its JSON data files.
    pub paths: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    /// When set, every `/v1/` call must say `Authorization: Bearer TOKEN`.
    pub token: Option<String>,
    /// The largest request body read, in bytes (413 past it).
    pub max_body: usize,
    /// Where the decision log is written (a file, standard output), if
    /// anywhere.
    pub decision_log: Option<Box<dyn std::io::Write + Send>>,
    /// How often the policy's files are looked at for changes.
    pub reload_every: Duration,
    /// Threads answering requests (the runtime's workers).
    pub threads: usize,
    /// Whether `/` serves the playground.
    pub playground: bool,
    /// Told of each reload (swapped in, or refused with its diagnostics).
    pub on_reload: Notify,
    /// How long a request's body may take to arrive (then the request is
    /// dropped unanswered and its thread of the pool freed).
    pub body_time: Duration,
}

/// Loads the policy, listens, and answers until the process ends. `ready`
/// is told the address listened on and the revision served (or the
/// policy's diagnostics, when it does not check: then nothing is served).
pub fn serve(config: Config, ready: impl FnOnce(SocketAddr, &str)) -> Result<(), Failure> {
    let first = loaded::load(&config.paths, &config.data);
    let first = match first {
        Ok(l) => l,
        Err(rejected) => return Err(Failure::Policy(rejected.rendered)),
    };
    let cannot =
        |e: std::io::Error| Failure::Listen(format!("cannot listen on {}: {e}", config.listen));
    let listener = std::net::TcpListener::bind(config.listen.as_str()).map_err(cannot)?;
    let addr = listener.local_addr().map_err(cannot)?;
    listener.set_nonblocking(true).map_err(cannot)?;
    let log = config.decision_log.map(decisions::Log::new);
    let served = Arc::new(Served::new(
        first,
        config.paths.clone(),
        config.data.clone(),
        config.on_reload,
    ));
    ready(addr, &served.current().revision);
    let state = Arc::new(api::State {
        served: served.clone(),
        metrics: metrics::Metrics::default(),
        token: config.token.clone(),
        max_body: config.max_body,
        log,
        playground: config.playground,
        body_time: config.body_time,
    });
    {
        let served = served.clone();
        let every = config.reload_every;
        std::thread::spawn(move || loop {
            std::thread::sleep(every);
            served.reload_if_changed();
        });
    }
    #[cfg(unix)]
    {
        // `kill -HUP PID`: load the policy again now, as a change would
        let served = served.clone();
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([signal_hook::consts::SIGHUP])
        {
            std::thread::spawn(move || {
                for _ in signals.forever() {
                    served.reload();
                }
            });
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.threads.max(1))
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Failure::Listen(format!("cannot start the server's threads: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Failure::Listen(format!("cannot listen on {addr}: {e}")))?;
        loop {
            // a failed accept (a client gone at once, too many files open)
            // ends no server: the next is awaited
            let Ok((stream, _)) = listener.accept().await else {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            };
            let _ = stream.set_nodelay(true);
            let state = state.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |rq| api::handle(state.clone(), rq));
                // a connection's error (the client went away) ends only it
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}

/// Why `rights serve` could not start.
pub enum Failure {
    /// The policy does not check: its diagnostics, rendered.
    Policy(String),
    /// The address could not be listened on.
    Listen(String),
}
