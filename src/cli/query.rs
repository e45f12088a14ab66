//! `rights query PATH… [--data FILE.json…] [--format human|json] [--brief] QUERY`
//!
//! Answers one query, or with `-` one query per line of standard input (JSON
//! Lines with `--format json`). Exit 0 when every query was answered (allow or
//! deny alike), 1 when a query or the policy has errors, 2 on usage or I/O errors.

use super::{render_options, Format, EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::batch::{one_line, parse_request, Batch, RequestShapes};
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
    /// Policy files or directories (without any, the project's `rights.toml`
    /// says), then the query (or `-` to read queries from stdin, one per line).
    #[arg(required = true, num_args = 1.., value_name = "PATH… QUERY")]
    pub args: Vec<String>,
    /// JSON data files; may be repeated.
    #[arg(long = "data", value_name = "FILE.json")]
    pub data: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// For `can`, print only the decision (`allow`/`deny`; in JSON `{"query", "decision"}`),
    /// without reasons: the fast path for scripts asking many questions. Every
    /// question gets one line: other questions list names on it, and a line
    /// with an error says `error` (the reason goes to stderr).
    #[arg(long)]
    pub brief: bool,
    /// For `explain`, show every change that would allow it, not only the first four.
    #[arg(long)]
    pub all_fixes: bool,
    /// How questions read from stdin (`-`) are written: query text, or one JSON
    /// request per line (`{"user": "jane", "run": "status_detail", "on": "resource_z"}`).
    #[arg(long, value_enum, default_value_t = Input::Text)]
    pub input: Input,
    #[command(flatten)]
    pub when: super::When,
}

/// How answers are written: the format, `--brief`, `--all-fixes`.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub format: Format,
    pub brief: bool,
    pub all_fixes: bool,
    /// `--at` and `--with`: what every question is asked with.
    pub when: crate::sema::model::When,
}

impl From<(Format, bool)> for Style {
    /// A format and whether answers are brief.
    fn from((format, brief): (Format, bool)) -> Style {
        Style {
            format,
            brief,
            all_fixes: false,
            when: Default::default(),
        }
    }
}

/// How `rights query -` reads its questions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Input {
    /// One query per line, in the query language.
    Text,
    /// One JSON request per line (see the README: "Batch questions").
    Json,
}

pub fn run(args: Args) -> i32 {
    let Some((query, paths)) = args.args.split_last() else {
        return EXIT_USAGE;
    };
    // `rights query P can jane run x`: the shell split the query into words
    if let Some(i) = paths.iter().position(|p| {
        crate::syntax::keywords::is_query_word(p) && !std::path::Path::new(p).exists()
    }) {
        let quoted = args.args[i..].join(" ").replace('\'', "'\\''");
        let mut shown: Vec<String> = vec!["rights query".into()];
        shown.extend(args.args[..i].iter().cloned());
        shown.push(format!("'{quoted}'"));
        eprintln!(
            "error: `{}` is not a policy path: the query is one argument, in quotes\n  help: {}",
            paths[i],
            shown.join(" ")
        );
        return EXIT_USAGE;
    }
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    // without PATH, the project's `rights.toml` names the policy
    let (paths, data) = match super::project_inputs(&paths, &args.data) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut ws = Workspace::load_to_answer(&paths, &data);
    if let Some(code) = super::unless_all_compiled(&[&ws], args.format) {
        return code;
    }
    let when = match args.when.apply(&mut ws) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let mut out = std::io::BufWriter::new(super::out::Out);
    let mut code = EXIT_OK;
    let style = Style {
        format: args.format,
        brief: args.brief,
        all_fixes: args.all_fixes,
        when,
    };
    if query == "-" {
        let stdin = std::io::stdin();
        let ok = answer_stream(&ws, args.input, &mut stdin.lock(), style, &mut out);
        match ok {
            Ok(true) => {}
            Ok(false) => code = EXIT_ERRORS,
            Err(e) => {
                let _ = out.flush();
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    } else if args.input == Input::Json {
        eprintln!("error: --input json reads requests from stdin: give `-` as the query");
        return EXIT_USAGE;
    } else if !answer(&ws, query, ("<query>", "the query"), style, &mut out) {
        code = EXIT_ERRORS;
    }
    if out.flush().is_err() {
        return EXIT_USAGE;
    }
    code
}

/// Answers every question of a stream (`rights query -`): query text or
/// JSON requests, one per line; false if any had errors (they are printed).
/// Public for the benchmarks, which feed it from memory.
pub fn answer_stream(
    ws: &Workspace,
    input: Input,
    reader: &mut impl BufRead,
    style: impl Into<Style>,
    out: &mut impl Write,
) -> Result<bool, String> {
    let style = style.into();
    match input {
        Input::Text => text_lines(ws, reader, style, out),
        Input::Json => json_lines(ws, reader, style, out),
    }
}

/// Reads line by line into one reused buffer; `f` gets each line (1-based
/// number, text without its line break); false if any had errors.
fn each_line(
    input: &mut impl BufRead,
    mut f: impl FnMut(usize, &str) -> bool,
) -> Result<bool, String> {
    let mut line = String::with_capacity(256);
    let mut n = 0;
    let mut ok = true;
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) => return Ok(ok),
            Ok(_) => {}
            Err(_) => return Err("standard input is not valid UTF-8 text".into()),
        }
        n += 1;
        ok &= f(n, line.trim_end_matches(['\n', '\r']));
    }
}

/// `rights query -`: query text, one per line. `can` and `explain can`
/// questions go through the batch resolver (a shape's parse remembered);
/// the rest, and errors, through the workspace.
fn text_lines(
    ws: &Workspace,
    input: &mut impl BufRead,
    style: Style,
    out: &mut impl Write,
) -> Result<bool, String> {
    let program = ws
        .program()
        .ok_or_else(|| "the policy did not compile".to_string())?;
    // `--at` and `--with`: the program every question without a suffix asks
    let program = program.at(style.when);
    let program: &crate::ir::Program = &program;
    let words = Words::new(program, &ws.sources).with_all_fixes(style.all_fixes);
    let mut batch = Batch::new(program);
    let mut buffer = String::new();
    each_line(input, |n, line| {
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') {
            return skipped(style, out);
        }
        match batch.resolve(text) {
            Some(q) => write_answer(program, &words, text, q, style, (out, &mut buffer)),
            None => answer(
                ws,
                text,
                (&format!("<stdin:{n}>"), &format!("stdin line {n}")),
                style,
                out,
            ),
        }
    })
}

/// `rights query --input json -`: one JSON request per line; a bad line is
/// reported with its number and the stream goes on.
fn json_lines(
    ws: &Workspace,
    input: &mut impl BufRead,
    style: Style,
    out: &mut impl Write,
) -> Result<bool, String> {
    let p = ws
        .program()
        .ok_or_else(|| "the policy did not compile".to_string())?;
    let words = Words::new(p, &ws.sources).with_all_fixes(style.all_fixes);
    let mut shapes = RequestShapes::default();
    let mut buffer = String::new();
    each_line(input, |n, line| {
        if line.trim().is_empty() {
            return skipped(style, out);
        }
        let fail = |out: &mut dyn Write, message: &str| {
            match style.format {
                Format::Human => {
                    if style.brief {
                        // one line per question: `error` here, the reason on stderr
                        let _ = out.write_all(b"error\n");
                    }
                    let _ = out.flush();
                    eprintln!("error: stdin line {n}: {message}");
                }
                Format::Json => {
                    let _ = writeln!(
                        out,
                        "{}",
                        serde_json::json!({"line": n, "error": true, "message": message})
                    );
                }
            }
            false
        };
        let r = match shapes.request(line) {
            Some(r) => r,
            None => match parse_request(line) {
                Ok(r) => r,
                Err(e) => return fail(out, &e),
            },
        };
        let (q, when) = match r.resolve(p) {
            Ok(x) => x,
            Err(ds) => return fail(out, &one_line(&ds)),
        };
        let dated = p.at(when.over(style.when));
        let p: &crate::ir::Program = &dated;
        let q = if r.explain {
            Question::Explain(q)
        } else {
            Question::Can(q)
        };
        match ((style.format, style.brief), &q) {
            ((Format::Json, true), Question::Can(c)) => {
                let decision = if p.can(c) { "allow" } else { "deny" };
                writeln!(out, "{{\"line\":{n},\"decision\":\"{decision}\"}}").is_ok()
            }
            ((Format::Human, true), Question::Can(c)) => out
                .write_all(if p.can(c) { b"allow\n" } else { b"deny\n" })
                .is_ok(),
            _ => match &dated {
                // the words of the program answering: a window is worded as
                // of the day asked about
                crate::ir::ProgramAt::Same(_) => {
                    write_answer(p, &words, &r.text(), q, style, (out, &mut buffer))
                }
                crate::ir::ProgramAt::Other(other) => {
                    let words = Words::new(other, &ws.sources).with_all_fixes(style.all_fixes);
                    write_answer(p, &words, &r.text(), q, style, (out, &mut buffer))
                }
            },
        }
    })
}

/// Answers one query; false if it had errors (they are printed). `name` is
/// the query's source name in diagnostics, `where_` the same in a sentence.
fn answer(
    ws: &Workspace,
    text: &str,
    (name, where_): (&str, &str),
    style: Style,
    out: &mut impl Write,
) -> bool {
    let question = match ws.resolve_query(text, name) {
        Ok(q) => q,
        Err(e) => {
            match (style.format, style.brief) {
                (Format::Human, true) => {
                    // one line per question: `error` here, the reason on stderr
                    let _ = out.write_all(b"error\n").and_then(|()| out.flush());
                    eprintln!("error: {}: {}", where_, one_line(&e.diagnostics));
                }
                (Format::Human, false) => {
                    let _ = out.flush();
                    eprint!(
                        "{}",
                        diag::render_all(&e.diagnostics, &e.sources, render_options())
                    );
                }
                (Format::Json, _) => {
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
    // a question resolved: the policy compiled
    let Some(program) = ws.program() else {
        return false;
    };
    let program = program.at(question.when.over(style.when));
    let words = Words::new(&program, &ws.sources).with_all_fixes(style.all_fixes);
    let buffer = &mut String::new();
    write_answer(
        &program,
        &words,
        text,
        question.question,
        style,
        (out, buffer),
    )
}

/// Writes the answer to a resolved question (only the decision with
/// `--brief`, written without building anything). A JSON answer is made
/// in `buffer`, kept from one answer to the next (a stream's answers are
/// made without growing a new line each).
fn write_answer(
    program: &crate::ir::Program,
    words: &Words,
    text: &str,
    question: Question,
    style: Style,
    (out, buffer): (&mut impl Write, &mut String),
) -> bool {
    let written = match (style.brief, style.format, question) {
        // only the decision: no reasons to build
        (true, Format::Json, Question::Can(c)) => {
            let decision = if program.can(&c) { "allow" } else { "deny" };
            out.write_all(b"{\"query\":")
                .and_then(|_| serde_json::to_writer(&mut *out, text).map_err(std::io::Error::other))
                .and_then(|_| writeln!(out, ",\"decision\":\"{decision}\"}}"))
        }
        (true, Format::Human, Question::Can(c)) => out.write_all(if program.can(&c) {
            b"allow\n"
        } else {
            b"deny\n"
        }),
        (true, Format::Human, q) => writeln!(out, "{}", words.brief(&program.answer(&q))),
        (_, Format::Human, q) => write!(out, "{}", words.human(&program.answer(&q))),
        (_, Format::Json, q) => {
            // an answer far longer than most (a large report) is not kept
            if buffer.capacity() > 1 << 20 {
                *buffer = String::new();
            }
            buffer.clear();
            words.write_json(&program.answer(&q), text, buffer);
            buffer.push('\n');
            out.write_all(buffer.as_bytes())
        }
    };
    written.is_ok()
}

/// A blank or comment line of a stream: in brief text answers, an empty
/// line, so that answer N is on line N (`paste questions answers`); JSON
/// answers carry their query or line number instead.
fn skipped(style: Style, out: &mut impl Write) -> bool {
    if style.brief && style.format == Format::Human {
        let _ = out.write_all(b"\n");
    }
    true
}
