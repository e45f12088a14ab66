//! `rights repl PATH… [--data FILE.json…]`: explore a policy interactively.
//!
//! On a terminal: a line editor (rustyline) with completion, history kept in
//! the user's data directory, hints and highlighting. With standard input not
//! a terminal: no prompt, each entry answered in turn, so scripts can pipe
//! queries in. Ctrl-C clears the line, Ctrl-D (or end of input) leaves.
//!
//! Exit codes: 0 on leaving; when input is piped, 1 if any entry had an error;
//! 2 if the policy files cannot be read.

pub mod editor;
pub mod session;

use super::{render_options, Inputs, EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::cli::out::out;
use editor::{Names, ReplHelper};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, Editor};
use session::{Reply, Session};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub inputs: Inputs,
}

pub fn run(args: Args) -> i32 {
    let inputs = match args.inputs.resolved() {
        Ok(i) => i,
        Err(code) => return code,
    };
    let (mut session, first) = match Session::start(inputs.paths, inputs.data, render_options()) {
        Ok(s) => s,
        Err(rendered) => {
            eprint!("{rendered}");
            return EXIT_USAGE;
        }
    };
    print_reply(&first);
    if std::io::stdin().is_terminal() {
        interactive(&mut session)
    } else {
        piped(&mut session, first.failed)
    }
}

fn print_reply(r: &Reply) {
    if !r.out.is_empty() {
        out!("{}", r.out);
    }
    if !r.err.is_empty() {
        eprint!("{}", r.err);
    }
}

/// Reads entries from a pipe (see [`entries`]).
fn piped(session: &mut Session, mut failed: bool) -> i32 {
    let stdin = std::io::stdin();
    let mut bad_text = false;
    let lines = stdin.lock().lines().map_while(|l| match l {
        Ok(l) => Some(l),
        Err(_) => {
            bad_text = true;
            None
        }
    });
    entries(lines, |entry| {
        let reply = session.handle(entry);
        print_reply(&reply);
        failed |= reply.failed;
        !reply.quit
    });
    if bad_text {
        eprintln!("error: standard input is not valid UTF-8 text");
        return EXIT_USAGE;
    }
    if failed {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}

/// Groups lines into entries and hands each to `each`, in order, until it
/// returns false. An entry continues on the next line while a `{` or `(` is
/// open, while it ends half-way (`… when right x or`), or when the next line
/// starts by continuing it (`  or …`, `  when …`, `{`): the layout `rights
/// fmt` writes long declarations in. A blank line ends an entry. Queries
/// are handed on at once (a script may wait for each answer); only a
/// declaration waits for the next line. Pipes and pasted blocks alike.
fn entries(lines: impl Iterator<Item = String>, mut each: impl FnMut(&str) -> bool) {
    let mut lines = lines.peekable();
    let mut entry = String::new();
    while let Some(line) = lines.next() {
        if !entry.is_empty() {
            entry.push('\n');
        }
        entry.push_str(&line);
        if line.trim().is_empty() && entry.trim().is_empty() {
            entry.clear();
            continue;
        }
        let blank = line.trim().is_empty();
        if !blank && crate::syntax::needs_more_input(&entry) {
            continue;
        }
        let first = entry.split_whitespace().next().unwrap_or("");
        let declaration =
            !blank && !first.starts_with(':') && !crate::syntax::keywords::is_query_word(first);
        if declaration && lines.peek().is_some_and(|next| continues(next)) {
            continue;
        }
        let go_on = each(&entry);
        entry.clear();
        if !go_on {
            return;
        }
    }
    if !entry.trim().is_empty() {
        each(&entry);
    }
}

/// Does this line continue the entry before it? (It starts with a word or
/// sign that cannot begin an entry.)
fn continues(line: &str) -> bool {
    let t = line.trim_start();
    let word = t
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    matches!(
        word,
        "or" | "and" | "when" | "also" | "extends" | "on" | "where" | "shows" | "in"
    ) || t.starts_with('{')
        || t.starts_with(',')
}

/// Where history is kept: `$RIGHTS_HISTORY`, else `$XDG_DATA_HOME/rights/history`,
/// else `~/.local/share/rights/history`.
pub fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("RIGHTS_HISTORY") {
        return Some(PathBuf::from(p));
    }
    let base = match std::env::var_os("XDG_DATA_HOME") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(std::env::var_os("HOME")?).join(".local/share"),
    };
    Some(base.join("rights").join("history"))
}

fn interactive(session: &mut Session) -> i32 {
    let color = crate::cli::out::colour_stdout();
    let config = Config::builder()
        .auto_add_history(true)
        .history_ignore_space(true)
        .completion_type(CompletionType::List)
        .max_history_size(10_000)
        .map(|b| b.build())
        .unwrap_or_default();
    let mut rl: Editor<ReplHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(rl) => rl,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return EXIT_USAGE;
        }
    };
    rl.set_helper(Some(ReplHelper {
        names: Names::of(session.workspace()),
        color,
        hinter: rustyline::hint::HistoryHinter::new(),
    }));
    let history = history_path();
    if let Some(h) = &history {
        let _ = rl.load_history(h);
    }
    out!("{}", session.banner());
    let prompt = if color {
        "\x1b[1mrights>\x1b[0m "
    } else {
        "rights> "
    };
    loop {
        match rl.readline(prompt) {
            Ok(line) => {
                // a pasted block (bracketed paste) is several entries:
                // each is answered, in order, as if typed one by one
                let mut reply = Reply::default();
                let mut changed = false;
                entries(line.lines().map(str::to_string), |entry| {
                    reply = session.handle(entry);
                    print_reply(&reply);
                    changed |= reply.changed;
                    !reply.quit
                });
                if changed {
                    if let Some(h) = rl.helper_mut() {
                        h.names = Names::of(session.workspace());
                    }
                }
                if let Some(h) = &history {
                    if let Some(dir) = h.parent() {
                        let _ = std::fs::create_dir_all(dir);
                    }
                    let _ = rl.save_history(h);
                }
                if reply.quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    EXIT_OK
}
