//! `rights serve [PATH…] [--data FILE.json…] [--listen ADDR]`: the decision
//! API over HTTP (the `serve` module), until the process is stopped.

use super::{Inputs, EXIT_ERRORS, EXIT_USAGE};
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Routes: POST /v1/can, POST /v1/batch, POST /v1/query, GET /v1/policy, GET /health, GET /metrics.\n\nExamples:\n  rights serve policies/emresource.rights\n  curl -s localhost:8181/v1/can -d '{\"user\": \"jane\", \"run\": \"status_detail\", \"on\": \"resource_z\"}'"
)]
pub struct Args {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Where to listen; loopback unless told otherwise.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8181")]
    pub listen: String,
    /// Ask every `/v1/` call for `Authorization: Bearer TOKEN`.
    #[arg(long, value_name = "TOKEN", conflicts_with = "token_file")]
    pub token: Option<String>,
    /// Read the token from a file (its first line), so that it is not in the
    /// process list.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// The largest request body read, in bytes (413 past it).
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_body: usize,
    /// Write each decision as a JSON line to FILE (`-`: standard output),
    /// off the request path.
    #[arg(long, value_name = "FILE")]
    pub decision_log: Option<PathBuf>,
    /// How long a request's body may take to arrive, in milliseconds (a
    /// client sending it slowly is dropped; it never holds a thread longer).
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub body_timeout_ms: u64,
    /// Threads answering requests (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Serve no playground at `/` (the API only).
    #[arg(long)]
    pub no_playground: bool,
    /// How often the policy's files are looked at for changes, in
    /// milliseconds (a changed version that checks is swapped in).
    #[arg(long, value_name = "MS", default_value_t = 250)]
    pub reload_ms: u64,
}

pub fn run(args: Args) -> i32 {
    let inputs = match args.inputs.resolved() {
        Ok(i) => i,
        Err(code) => return code,
    };
    let token = match (&args.token, &args.token_file) {
        (Some(t), _) => Some(t.trim().to_string()),
        (None, Some(f)) => match std::fs::read_to_string(f) {
            Ok(t) => Some(t.lines().next().unwrap_or_default().trim().to_string()),
            Err(e) => {
                eprintln!("error: cannot read the token file {}: {e}", f.display());
                return EXIT_USAGE;
            }
        },
        (None, None) => None,
    };
    // a token asked for but empty would check nothing: said, not served
    if token.as_deref() == Some("") {
        eprintln!(
            "error: the token is empty: give one with `--token` or on the first line of `--token-file`"
        );
        return EXIT_USAGE;
    }
    let decision_log: Option<Box<dyn std::io::Write + Send>> = match &args.decision_log {
        None => None,
        // a reader of the log that goes away stops no server
        Some(p) if p.as_os_str() == "-" => Some(Box::new(super::out::Lenient)),
        Some(p) => match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
        {
            Ok(f) => Some(Box::new(std::io::BufWriter::new(f))),
            Err(e) => {
                eprintln!("error: cannot open the decision log {}: {e}", p.display());
                return EXIT_USAGE;
            }
        },
    };
    let config = crate::serve::Config {
        listen: args.listen,
        paths: inputs.paths,
        data: inputs.data,
        token,
        max_body: args.max_body,
        decision_log,
        playground: !args.no_playground,
        threads: args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
            .max(1),
        body_time: Duration::from_millis(args.body_timeout_ms.max(1)),
        // written to stderr as it can be: a closed stderr stops no server
        on_reload: Box::new(|r| {
            use std::io::Write;
            let mut err = std::io::stderr().lock();
            let _ = match r {
                crate::serve::Reload::Swapped { revision } => {
                    writeln!(err, "rights serve: reloaded: now serving revision {revision}")
                }
                crate::serve::Reload::NewDay { revision, day } => writeln!(
                    err,
                    "rights serve: a new day, {day}: revision {revision} now answers as of it"
                ),
                crate::serve::Reload::Refused { revision, rendered } => writeln!(
                    err,
                    "{rendered}rights serve: refused revision {revision} (it does not check): the last good one goes on answering"
                ),
            };
        }),
        reload_every: Duration::from_millis(args.reload_ms.max(10)),
    };
    let result = crate::serve::serve(config, |addr, revision| {
        eprintln!("rights serve: listening on http://{addr} (policy revision {revision})");
    });
    match result {
        Ok(()) => 0,
        Err(crate::serve::Failure::Policy(rendered)) => {
            eprint!("{rendered}");
            eprintln!("error: the policy does not check: nothing is served");
            EXIT_ERRORS
        }
        Err(crate::serve::Failure::Listen(why)) => {
            eprintln!("error: {why}");
            EXIT_USAGE
        }
    }
}
