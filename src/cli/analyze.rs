//! `rights analyze PATH [--data …]`: what holds for every possible user of
//! one policy (findings that are proofs).
//!
//! `rights analyze OLD NEW [--data …] [--allow-new]`: every right, action,
//! report, access level and `assigns` present in both, compared for every
//! possible user, with a witness for each difference and the users of the
//! data it affects.
//!
//! Exit codes: 0 done (one policy), or no new access (two); 1 the new policy
//! allows something the old did not (unless `--allow-new`); 2 a policy has
//! errors, a usage or I/O error, or a policy too large for the symbolic view
//! (so that 1 means exactly "new access" to a CI gate).

use super::{unless_all_compiled, Format, EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::analyze;
use crate::cli::out::{out, outln};
use crate::words::{analysis, Words};
use crate::workspace::Workspace;
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AnalyzeFormat {
    /// Text for people.
    Human,
    /// One JSON object.
    Json,
    /// Markdown, for a pull-request comment.
    Markdown,
}

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rights analyze policies/\n  rights analyze old/ new/ --format markdown\n  rights analyze policies/emresource.rights changed.rights --data users.json --allow-new"
)]
pub struct Args {
    /// One policy (file or directory) to analyze, or OLD and NEW to compare;
    /// without any, the project's `rights.toml` says.
    #[arg(value_name = "PATH", num_args = 0..=2)]
    pub paths: Vec<PathBuf>,
    /// JSON data files, loaded with each policy; may be repeated.
    #[arg(long = "data", value_name = "FILE.json")]
    pub data: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = AnalyzeFormat::Human)]
    pub format: AnalyzeFormat,
    /// Report new access without failing (exit 0).
    #[arg(long)]
    pub allow_new: bool,
    /// Analyze (and compare) as of this day (YYYY-MM-DD, UTC; default today):
    /// the data's windowed items that hold then (§9.3).
    #[arg(long, value_name = "DATE", value_parser = super::day_arg)]
    pub at: Option<crate::sema::model::Day>,
}

/// Loads one policy per path; the workspaces when every one compiled,
/// otherwise exit 2 (their diagnostics printed, as JSON with `--format json`).
fn load(
    paths: &[Vec<PathBuf>],
    data: &[PathBuf],
    format: AnalyzeFormat,
) -> Result<Vec<Workspace>, i32> {
    let wss: Vec<Workspace> = paths.iter().map(|p| Workspace::load(p, data)).collect();
    let all: Vec<&Workspace> = wss.iter().collect();
    let format = match format {
        AnalyzeFormat::Json => Format::Json,
        _ => Format::Human,
    };
    match unless_all_compiled(&all, format) {
        Some(_) => Err(EXIT_USAGE),
        None => Ok(wss),
    }
}

fn too_large(e: crate::symbolic::Limit) -> i32 {
    eprintln!("error: the policy cannot be analyzed: {e}");
    EXIT_USAGE
}

pub fn run(args: Args) -> i32 {
    // without PATH, the project's policy; without --data, its data
    let (paths, data) = match args.paths.as_slice() {
        [] => match super::project_inputs(&[], &args.data) {
            Ok((p, d)) => (vec![p], d),
            Err(code) => return code,
        },
        given => {
            let data = match super::project_inputs(given, &args.data) {
                Ok((_, d)) => d,
                Err(code) => return code,
            };
            (given.iter().map(|p| vec![p.clone()]).collect(), data)
        }
    };
    let mut wss = match load(&paths, &data, args.format) {
        Ok(wss) => wss,
        Err(code) => return code,
    };
    if let Some(d) = args.at {
        wss.iter_mut().for_each(|ws| ws.set_day(d));
    }
    let labels: Vec<PathBuf> = paths
        .iter()
        .map(|p| match p.as_slice() {
            [one] => one.clone(),
            _ => PathBuf::from(crate::project::FILE_NAME),
        })
        .collect();
    match (labels.as_slice(), wss.as_slice()) {
        ([_], [ws]) => {
            let Some(program) = ws.program() else {
                return EXIT_USAGE;
            };
            let found = match analyze::findings(program) {
                Ok(f) => f,
                Err(e) => return too_large(e),
            };
            let w = Words::new(program, &ws.sources);
            match args.format {
                AnalyzeFormat::Human => out!("{}", w.findings_human(&found)),
                AnalyzeFormat::Json => outln!("{}", w.findings_json(&found)),
                AnalyzeFormat::Markdown => out!("{}", w.findings_markdown(&found)),
            }
            EXIT_OK
        }
        ([old, new], [wo, wn]) => {
            let (Some(po), Some(pn)) = (wo.program(), wn.program()) else {
                return EXIT_USAGE;
            };
            let c = match analyze::compare(po, pn) {
                Ok(c) => c,
                Err(e) => return too_large(e),
            };
            let (lo, ln) = (old.display().to_string(), new.display().to_string());
            match args.format {
                AnalyzeFormat::Human => out!("{}", analysis::comparison_human(&c, &lo, &ln)),
                AnalyzeFormat::Json => outln!("{}", analysis::comparison_json(&c, &lo, &ln)),
                AnalyzeFormat::Markdown => {
                    out!("{}", analysis::comparison_markdown(&c, &lo, &ln))
                }
            }
            if c.new_access() && !args.allow_new {
                EXIT_ERRORS
            } else {
                EXIT_OK
            }
        }
        _ => EXIT_USAGE,
    }
}
