//! `rights fmt PATH… [--check]` and `rights fmt -` (standard input to standard output).
//!
//! Rewrites files in the canonical layout, keeping every comment. Before
//! writing, the output is checked (same syntax tree, same comments, formatting
//! it again changes nothing); a file that fails the check is left unchanged.
//! `--check` writes nothing, shows a diff for each file that would change, and
//! exits 1 if any would. Exit 1 also when a file does not parse; 2 on I/O errors.

use super::{render_options, EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::cli::out::{out, outln};
use crate::diag;
use crate::fmt::{format, FmtError};
use crate::source::{Origin, SourceMap};
use std::io::Read;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or directories, or `-` for standard input; without any,
    /// the project's `rights.toml` says.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Change nothing: show what would change and exit 1 if anything would.
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: Args) -> i32 {
    if args.paths.len() == 1 && args.paths[0].as_os_str() == "-" {
        let mut text = String::new();
        if std::io::stdin().read_to_string(&mut text).is_err() {
            eprintln!("error: standard input is not valid UTF-8 text");
            return EXIT_USAGE;
        }
        return match format_one("<stdin>", &text) {
            Ok(out) => {
                out!("{out}");
                EXIT_OK
            }
            Err(code) => code,
        };
    }
    // the same file discovery as every other command (directories, `.rights`)
    let paths = match super::project_inputs(&args.paths, &[]) {
        Ok((paths, _)) => paths,
        Err(code) => return code,
    };
    let ws = crate::workspace::Workspace::read(&paths, &[]);
    if ws.io_failed {
        eprint!(
            "{}",
            diag::render_all(ws.diagnostics(), &ws.sources, render_options())
        );
        return super::EXIT_USAGE;
    }
    let mut code = EXIT_OK;
    let mut changed = 0;
    for (_, f) in ws.sources.files() {
        let Origin::Path(path) = &f.origin else {
            continue;
        };
        let text: &str = &f.text;
        let out = match format_one(&f.name, text) {
            Ok(out) => out,
            Err(c) => {
                code = code.max(c);
                continue;
            }
        };
        if out == text {
            continue;
        }
        changed += 1;
        if args.check {
            let diff = similar::TextDiff::from_lines(text, &out);
            out!(
                "{}",
                diff.unified_diff()
                    .context_radius(2)
                    .header(&f.name, &format!("{} (formatted)", f.name))
            );
            code = code.max(EXIT_ERRORS);
        } else if let Err(e) = std::fs::write(path, &out) {
            eprintln!("error: cannot write `{}`: {e}", f.name);
            code = EXIT_USAGE;
        } else {
            eprintln!("formatted {}", f.name);
        }
    }
    if args.check && changed == 0 && code == EXIT_OK {
        outln!("ok: every file is formatted");
    }
    code
}

fn format_one(name: &str, text: &str) -> Result<String, i32> {
    match format(text) {
        Ok(out) => Ok(out),
        Err(FmtError::Parse(d)) => {
            let mut sources = SourceMap::new();
            sources.add(Origin::Input(name.to_string()), text.to_string());
            eprint!("{}", diag::render(&d, &sources, render_options()));
            Err(EXIT_ERRORS)
        }
        Err(FmtError::Unsound(why)) => {
            eprintln!("error: internal error formatting {name}: {why}; the file is left unchanged (this is a bug, please report it)");
            Err(EXIT_ERRORS)
        }
    }
}
