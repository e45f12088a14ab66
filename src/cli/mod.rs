//! The `rights` command line: one file per subcommand.
//!
//! Exit codes, for every subcommand: 0 success, 1 the input has errors (or a
//! query/test failed where that is documented), 2 usage or I/O error, and 2 for
//! an internal error ("this is a bug"), never an abort trace.

mod analyze;
mod bench;
mod bench_gen;
mod check;
mod diff;
mod doc;
mod fmt;
mod init;
mod install;
pub mod lint;
pub mod out;
pub mod query;
pub mod repl;
mod serve;
mod test;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Check, query, explain, lint, format and test Rights policies.
#[derive(Parser, Debug)]
#[command(name = "rights", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse, resolve and compile a policy; report every error with its source span.
    Check(check::Args),
    /// Answer one query (`can`, `explain`, `who can`, `where can`, `what can`, `rights`, `roles`, `groups`, `report`, `expiring`), or one per stdin line with `-`.
    Query(query::Args),
    /// Warn about legal but suspect policy (a catalogue of rules; --explain CODE).
    Lint(lint::Args),
    /// Rewrite policy files in the canonical layout, keeping every comment (--check to verify).
    Fmt(fmt::Args),
    /// Write a synthetic workload for benchmarks (policy, data, queries).
    #[command(hide = true)]
    BenchGen(bench_gen::Args),
    /// Measure the main figures of BENCHMARKS.md on this machine (a generated workload).
    Bench(bench::Args),
    /// Explore a policy interactively: queries, declarations, :help.
    Repl(repl::Args),
    /// Run the policy's `test` blocks and report failures with explanations.
    Test(test::Args),
    /// Prove what holds for every possible user of a policy, or compare two policies (OLD NEW).
    Analyze(analyze::Args),
    /// What a policy (or data) change does to the users of the data, with the lines that caused it.
    Diff(diff::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(install::CompletionsArgs),
    /// Print the man page (roff), or with --dir write every page.
    Man(install::ManArgs),
    /// Make a new project: rights.toml, a starter policy, data, tests and the CI kit.
    Init(init::Args),
    /// Print the JSON Schema of data files.
    Schema(init::SchemaArgs),
    /// Write the policy as pages its users read: rights catalogue, roles, reports (HTML or Markdown).
    Doc(doc::Args),
    /// Print the role graph (or the group graph) as DOT, Mermaid or SVG.
    Graph(doc::GraphArgs),
    /// Run the language server on stdin and stdout, for editors (see the README).
    Lsp(LspArgs),
    /// Answer questions over HTTP: the decision API applications call (see the README).
    Serve(serve::Args),
}

/// `rights lsp`: the language server speaks on stdio only.
#[derive(clap::Args, Debug)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
}

/// Output format for commands that print results or diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// For people: miette-rendered diagnostics, tables, trees.
    #[default]
    Human,
    /// For machines: JSON on stdout.
    Json,
}

/// The date and context facts questions are asked with (§9.3, §9.4).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct When {
    /// Answer as of this day (YYYY-MM-DD, UTC) rather than today; a query's
    /// own `at DATE` wins.
    #[arg(long, value_name = "DATE", value_parser = day_arg)]
    pub at: Option<crate::sema::model::Day>,
    /// Ask every question with these context facts (comma-separated or
    /// repeated); a query's own `with` adds to them.
    #[arg(long = "with", value_name = "FACT", value_delimiter = ',')]
    pub with: Vec<String>,
}

/// A `--at DATE` option's value (clap reports a bad one as a usage error).
pub fn day_arg(text: &str) -> Result<crate::sema::model::Day, String> {
    crate::sema::model::Day::parse(text)
}

impl When {
    /// Applies `--at` to the workspace and resolves `--with` against its
    /// policy; or the exit code, the error printed.
    pub fn apply(&self, ws: &mut Workspace) -> Result<crate::sema::model::When, i32> {
        let mut when = crate::sema::model::When::default();
        if let Some(d) = self.at {
            ws.set_day(d);
            when.at = Some(d);
        }
        if let Some(p) = ws.program() {
            let names: Vec<&str> = self.with.iter().map(String::as_str).collect();
            match crate::sema::resolve_contexts(&p.policy, &names) {
                Ok(with) => when.with = with,
                Err(diags) => {
                    eprint!(
                        "{}",
                        crate::diag::render_all(&diags, &ws.sources, render_options())
                    );
                    return Err(EXIT_USAGE);
                }
            }
        }
        Ok(when)
    }
}

/// Policy and data inputs shared by the subcommands.
#[derive(clap::Args, Debug, Clone)]
pub struct Inputs {
    /// Policy files or directories (read recursively, `.rights` files, in path order);
    /// without any, the project's `rights.toml` says.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// JSON data files (users, resources, events); may be repeated. Without any,
    /// those the project's `rights.toml` names.
    #[arg(long = "data", value_name = "FILE.json")]
    pub data: Vec<PathBuf>,
}

impl Inputs {
    /// The paths to read: those given, completed from the project's
    /// `rights.toml` ([`project_inputs`]); or the exit code, the error printed.
    pub fn resolved(&self) -> Result<Inputs, i32> {
        let (paths, data) = project_inputs(&self.paths, &self.data)?;
        Ok(Inputs { paths, data })
    }
}

/// The policy and data paths a command reads: those given on the command
/// line; without PATH, the policy files of the project's `rights.toml`
/// (found in the current folder or one above it); without `--data`, its
/// data files, when the paths given are inside the project (or none are).
/// `Err` with the exit code, the error printed.
pub fn project_inputs(
    paths: &[PathBuf],
    data: &[PathBuf],
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), i32> {
    if !paths.is_empty() && !data.is_empty() {
        return Ok((paths.to_vec(), data.to_vec()));
    }
    let here = std::env::current_dir().unwrap_or_default();
    let project = match crate::project::Project::find(&here) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(EXIT_USAGE);
        }
    };
    let inside = |p: &std::path::Path| {
        project.as_ref().is_some_and(|proj| {
            let root = if proj.root.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                &proj.root
            };
            match (root.canonicalize(), p.canonicalize()) {
                (Ok(r), Ok(p)) => p.starts_with(r),
                _ => false,
            }
        })
    };
    let policy = if paths.is_empty() {
        let Some(proj) = &project else {
            eprintln!(
                "error: no policy given: name its files or folders (`rights check policies/`), or describe the project in a `rights.toml` (see the README: \"Projects\")"
            );
            return Err(EXIT_USAGE);
        };
        let files = proj.policy_files();
        if files.is_empty() {
            eprintln!(
                "error: {} names no `.rights` file, and its folder holds none: give `policy = [\"…\"]` or a PATH",
                proj.root.join(crate::project::FILE_NAME).display()
            );
            return Err(EXIT_USAGE);
        }
        files
    } else {
        paths.to_vec()
    };
    let data = match &project {
        Some(proj) if data.is_empty() && (paths.is_empty() || paths.iter().all(|p| inside(p))) => {
            proj.data_files()
        }
        _ => data.to_vec(),
    };
    Ok((policy, data))
}

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_ERRORS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Rendering options for diagnostics on stderr: colour only on a terminal and
/// without `NO_COLOR`.
pub fn render_options() -> rights_diag::RenderOptions {
    let color = out::colour(std::io::stderr().is_terminal());
    rights_diag::RenderOptions {
        color,
        ..Default::default()
    }
}

use crate::diag as rights_diag;
use crate::workspace::Workspace;

/// Reads the inputs (completed from `rights.toml`): the one way every
/// subcommand loads a policy. `Err` with the exit code, the error printed.
pub fn load(inputs: &Inputs) -> Result<Workspace, i32> {
    let inputs = inputs.resolved()?;
    Ok(Workspace::load(&inputs.paths, &inputs.data))
}

/// [`load`] for a command that only reads the result (`check`): the data's
/// syntax tree is dropped before compiling ([`Workspace::load_to_answer`]).
pub fn load_to_answer(inputs: &Inputs) -> Result<Workspace, i32> {
    let inputs = inputs.resolved()?;
    Ok(Workspace::load_to_answer(&inputs.paths, &inputs.data))
}

/// When the policy did not compile: prints the diagnostics and returns the
/// exit code (2 when a path could not be read, 1 on errors). When it did,
/// prints its warnings, if any, and returns `None`.
pub fn unless_compiled(ws: &Workspace) -> Option<i32> {
    unless_all_compiled(&[ws], Format::Human)
}

/// The program of a workspace that compiled, or the exit code with its
/// diagnostics printed (as [`unless_all_compiled`] prints them, in `format`).
pub fn compiled(ws: &Workspace, format: Format) -> Result<&crate::ir::Program, i32> {
    if let Some(code) = unless_all_compiled(&[ws], format) {
        return Err(code);
    }
    ws.program().ok_or(EXIT_ERRORS)
}

/// [`unless_compiled`] for one or more versions of a policy (`analyze OLD
/// NEW`, `diff`), in the command's format: with `--format json`, a version
/// that did not compile gives the JSON error document on stdout (as `check
/// --format json` does), `{"ok": false, "errors", "warnings",
/// "diagnostics"}`, one for all versions; warnings of a compiled policy stay
/// on stderr.
pub fn unless_all_compiled(wss: &[&Workspace], format: Format) -> Option<i32> {
    let compiled = wss.iter().all(|ws| ws.is_compiled());
    if format == Format::Json && !compiled {
        let mut diagnostics = Vec::new();
        let mut errors = 0;
        for ws in wss {
            for d in ws.diagnostics() {
                errors += usize::from(d.is_error());
                diagnostics.push(crate::diag::to_json(d, &ws.sources));
            }
        }
        let doc = serde_json::json!({
            "ok": false,
            "errors": errors,
            "warnings": diagnostics.len() - errors,
            "diagnostics": diagnostics,
        });
        out::outln!("{doc}");
    } else {
        for ws in wss {
            let diags = ws.diagnostics();
            if !diags.is_empty() {
                eprint!(
                    "{}",
                    crate::diag::render_all(diags, &ws.sources, render_options())
                );
            }
        }
    }
    if compiled {
        None
    } else if wss.iter().any(|ws| ws.io_failed) {
        Some(EXIT_USAGE)
    } else {
        Some(EXIT_ERRORS)
    }
}

impl Command {
    /// Whether the command runs until it is stopped (the server, the
    /// editor's server, the REPL), not until its work is done (`query -`
    /// answers until its input ends, but takes no more memory after the
    /// load).
    pub fn runs_until_stopped(&self) -> bool {
        matches!(self, Command::Serve(_) | Command::Lsp(_) | Command::Repl(_))
    }
}

/// Runs the command line and returns the exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Query(args) => query::run(args),
        Command::Test(args) => test::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Completions(args) => install::completions(args),
        Command::Man(args) => install::man(args),
        Command::Init(args) => init::run(args),
        Command::Schema(args) => init::schema(args),
        Command::Doc(args) => doc::run(args),
        Command::Graph(args) => doc::graph(args),
        Command::Lsp(_) => match crate::lsp::run() {
            Ok(code) => code,
            Err(e) => {
                eprintln!("error: rights lsp: {e}");
                EXIT_USAGE
            }
        },
        Command::Serve(args) => serve::run(args),
        Command::Repl(args) => repl::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::BenchGen(args) => bench_gen::run(args),
        Command::Bench(args) => bench::run(args),
    }
}
