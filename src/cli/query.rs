//! `rights query PATH… [--data FILE.json…] [--format human|json] [--brief] QUERY`
//!
//! Answers one query, or with `-` one query per line of standard input (JSON
//! Lines with `--format json`). Exit 0 when every query was answered (allow or
//! deny alike), 1 when a query or the policy has errors, 2 on usage or I/O errors.

use super::{render_options, Format, EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::diag;
use crate::sema::model::Question;
use crate::words::Words;
use crate::workspace::Workspace;
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
    /// For `can`, print only the decision (`allow`/`deny`; in JSON `{"query", "decision"}`),
    /// without reasons: the fast path for scripts asking many questions.
    #[arg(long)]
    pub brief: bool,
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
    let ws = Workspace::load(&paths, &args.data);
    if let Some(code) = super::unless_compiled(&ws) {
        return code;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut code = EXIT_OK;
    let style = (args.format, args.brief);
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
            if !answer(&ws, text, &format!("<stdin:{}>", n + 1), style, &mut out) {
                code = EXIT_ERRORS;
            }
        }
    } else if !answer(&ws, query, "<query>", style, &mut out) {
        code = EXIT_ERRORS;
    }
    if out.flush().is_err() {
        return EXIT_USAGE;
    }
    code
}

/// Answers one query; false if it had errors (they are printed).
fn answer(
    ws: &Workspace,
    text: &str,
    name: &str,
    (format, brief): (Format, bool),
    out: &mut impl Write,
) -> bool {
    let program = ws.program();
    let words = Words::new(program, &ws.sources);
    let question = match ws.resolve_query(text, name) {
        Ok(q) => q,
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
            return false;
        }
    };
    let written = match (brief, format, question) {
        // only the decision: no reasons to build
        (true, Format::Json, Question::Can(c)) => {
            let decision = if program.can(&c) { "allow" } else { "deny" };
            writeln!(
                out,
                "{{\"query\":{},\"decision\":\"{decision}\"}}",
                serde_json::Value::from(text)
            )
        }
        (true, Format::Human, Question::Can(c)) => {
            writeln!(out, "{}", if program.can(&c) { "allow" } else { "deny" })
        }
        (_, Format::Human, q) => write!(out, "{}", words.human(&program.answer(&q))),
        (_, Format::Json, q) => writeln!(out, "{}", words.json(&program.answer(&q), text)),
    };
    written.is_ok()
}
