//! `rights query PATH… [--data FILE.json…] [--format human|json] QUERY`
//!
//! Answers one query, or with `-` one query per line of standard input (JSON
//! Lines with `--format json`). Exit 0 when every query was answered (allow or
//! deny alike), 1 when a query or the policy has errors, 2 on usage or I/O errors.

use super::render::Renderer;
use super::{render_options, Format, EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::api::Engine;
use crate::diag;
use crate::load::Workspace;
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rights query policies/emresource.rights 'can jane run status_detail on resource_z'\n  rights query policies/emresource.rights 'explain can jane run status_detail on resource_m'\n  printf 'who can run status_detail on resource_z\\n' | rights query policies/emresource.rights --format json -"
)]
pub struct Args {
    /// Policy files or directories, then the query (or `-` to read queries from stdin, one per line).
    #[arg(required = true, num_args = 1.., value_name = "PATH… QUERY")]
    pub args: Vec<String>,
    /// JSON data files; may be repeated.
    #[arg(long = "data", value_name = "FILE.json")]
    pub data: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub fn run(args: Args) -> i32 {
    let (query, paths) = match args.args.split_last() {
        Some((q, p)) if !p.is_empty() => (q, p),
        _ => {
            eprintln!("error: give policy paths and then the query, e.g. rights query policies/ 'can jane run status_detail'\n\nFor more information, try '--help'.");
            return EXIT_USAGE;
        }
    };
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let engine = match Engine::from_workspace(Workspace::read(&paths, &args.data)) {
        Ok(e) => e,
        Err(e) => {
            eprint!(
                "{}",
                diag::render_all(&e.diagnostics, &e.sources, render_options())
            );
            return if e.io { EXIT_USAGE } else { EXIT_ERRORS };
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut code = EXIT_OK;
    if query == "-" {
        let stdin = std::io::stdin();
        for (n, line) in stdin.lock().lines().enumerate() {
            let Ok(line) = line else {
                eprintln!("error: standard input is not valid UTF-8 text");
                return EXIT_USAGE;
            };
            let text = line.trim();
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            if !answer(
                &engine,
                text,
                &format!("<stdin:{}>", n + 1),
                args.format,
                &mut out,
            ) {
                code = EXIT_ERRORS;
            }
        }
    } else if !answer(&engine, query, "<query>", args.format, &mut out) {
        code = EXIT_ERRORS;
    }
    if out.flush().is_err() {
        return EXIT_USAGE;
    }
    code
}

/// Answers one query; false if it had errors (they are printed).
pub fn answer(
    engine: &Engine,
    text: &str,
    name: &str,
    format: Format,
    out: &mut impl Write,
) -> bool {
    let renderer = Renderer {
        program: engine.program(),
        sources: engine.sources(),
    };
    let answer = engine.resolve_named(text, name).map(|q| match (format, q) {
        // a machine asking `can` wants the decision: no reasons to build
        (Format::Json, crate::sema::model::Question::Can(c)) => Err(engine.program().can(&c)),
        (_, q) => Ok(engine.program().answer(&q)),
    });
    match answer {
        Ok(Err(allowed)) => {
            let decision = if allowed { "allow" } else { "deny" };
            writeln!(
                out,
                "{{\"query\":{},\"decision\":\"{decision}\"}}",
                serde_json::Value::from(text)
            )
            .is_ok()
        }
        Ok(Ok(a)) => {
            let written = match format {
                Format::Human => write!(out, "{}", renderer.human(&a)),
                Format::Json => writeln!(out, "{}", renderer.json(&a, text)),
            };
            written.is_ok()
        }
        Err(e) => {
            match format {
                Format::Human => {
                    let _ = out.flush();
                    eprint!(
                        "{}",
                        diag::render_all(&e.diagnostics, &e.sources, render_options())
                    );
                }
                Format::Json => {
                    let diagnostics: Vec<_> = e
                        .diagnostics
                        .iter()
                        .map(|d| diag::to_json(d, &e.sources))
                        .collect();
                    let _ = writeln!(
                        out,
                        "{}",
                        serde_json::json!({"query": text, "error": true, "diagnostics": diagnostics})
                    );
                }
            }
            false
        }
    }
}
