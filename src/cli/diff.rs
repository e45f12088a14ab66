//! `rights diff OLD NEW [--data …]`: what a change to the policy does to the
//! users of the data — every decision gained or lost, with the diff lines
//! that caused it. OLD and NEW are files, directories or `git:REV[:PATH]`
//! (the policy as it was at a revision; without PATH, NEW's path).
//!
//! `rights diff POLICY --data OLD.json --data-new NEW.json`: what a change
//! to the data does, under one policy.
//!
//! Without users in the data, or with `--symbolic`, the differences for
//! every possible user (`rights analyze OLD NEW`), and with users too, which
//! of those no user of the data exercises yet.
//!
//! Exit codes: 0 (whatever changed) unless a gate trips: `--fail-on
//! new-access` exits 1 when anyone gains anything, `--fail-on any` when
//! anything changes; 2 on errors (a policy that does not check, a path or a
//! revision that cannot be read).

use super::{unless_all_compiled, Format, EXIT_ERRORS, EXIT_OK, EXIT_USAGE};
use crate::analyze;
use crate::cli::out::{out, outln};
use crate::diff::{self, Gate, Plan, Version};
use crate::words::{analysis, diff as words};
use crate::workspace::git;
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Text for people, summary first (coloured on a terminal).
    Human,
    /// Every change, for machines.
    Json,
    /// For a pull-request comment or a job summary.
    Markdown,
    /// GitHub workflow annotations on the lines that caused changes.
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when any user gains anything.
    NewAccess,
    /// Exit 1 when anything changes.
    Any,
}

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  rights diff git:origin/main policies/ --data users.json --fail-on new-access\n  rights diff old/ new/ --data users.json --format markdown\n  rights diff policies/ --data before.json --data-new after.json"
)]
pub struct Args {
    /// OLD and NEW policies (files, directories or git:REV[:PATH]), or one
    /// policy with --data-new.
    #[arg(value_name = "PATH", required = true, num_args = 1..=2)]
    pub paths: Vec<String>,
    /// JSON data files (for both versions, or the old data with --data-new).
    #[arg(long = "data", value_name = "FILE.json")]
    pub data: Vec<PathBuf>,
    /// JSON data files of the new version (a data change).
    #[arg(long = "data-new", value_name = "FILE.json")]
    pub data_new: Vec<PathBuf>,
    /// Also (or, without users, only) the differences for every possible user.
    #[arg(long)]
    pub symbolic: bool,
    /// Exit 1 when this happens.
    #[arg(long = "fail-on", value_enum, value_name = "WHAT")]
    pub fail_on: Option<FailOn>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Compare as of this day (YYYY-MM-DD, UTC; default today): both
    /// versions, or the old one with --at-new.
    #[arg(long, value_name = "DATE", value_parser = super::day_arg)]
    pub at: Option<crate::sema::model::Day>,
    /// The new version as of this day: with one policy, who gains and loses
    /// what when time passes (windows, §9.3).
    #[arg(long = "at-new", value_name = "DATE", value_parser = super::day_arg)]
    pub at_new: Option<crate::sema::model::Day>,
}

pub fn run(args: Args) -> i32 {
    // without --data, the project's data files (when the paths on disk are
    // inside the project)
    let on_disk: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| git::parse_spec(p).is_none())
        .map(PathBuf::from)
        .collect();
    let data = if on_disk.is_empty() || !args.data.is_empty() {
        args.data.clone()
    } else {
        match super::project_inputs(&on_disk, &args.data) {
            Ok((_, d)) => d,
            Err(code) => return code,
        }
    };
    let (at, at_new) = (args.at, args.at_new);
    let plan = match Plan::of_at(&args.paths, &data, &args.data_new, at_new.is_some()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let Some((mut wo, mut wn)) = plan.load() else {
        eprintln!("error: reading the old version failed");
        return EXIT_USAGE;
    };
    let today = crate::sema::model::Day::today();
    let (d_old, d_new) = (at.unwrap_or(today), at_new.or(at).unwrap_or(today));
    wo.set_day(d_old);
    wn.set_day(d_new);
    let format = match args.format {
        DiffFormat::Json => Format::Json,
        _ => Format::Human,
    };
    if unless_all_compiled(&[&wo, &wn], format).is_some() {
        return EXIT_USAGE;
    }
    let (Some(po), Some(pn)) = (wo.program(), wn.program()) else {
        return EXIT_USAGE;
    };
    let (lo, ln) = plan.labels();
    let (lo, ln) = if d_old == d_new {
        (lo, ln)
    } else {
        (format!("{lo} as of {d_old}"), format!("{ln} as of {d_new}"))
    };
    let gate = args.fail_on.map(|g| match g {
        FailOn::NewAccess => Gate::NewAccess,
        FailOn::Any => Gate::Any,
    });
    let has_users = !po.data.users.is_empty() || !pn.data.users.is_empty();
    let mut tripped = false;
    let mut users_json: Option<serde_json::Value> = None;
    if has_users {
        let (ro, rn) = plan.roots();
        let (dold, dnew) = plan.data_names();
        let d = diff::diff(
            Version {
                program: po,
                sources: &wo.sources,
                root: &ro,
                data: &dold,
            },
            Version {
                program: pn,
                sources: &wn.sources,
                root: &rn,
                data: &dnew,
            },
        );
        let color = crate::cli::out::colour_stdout();
        match args.format {
            DiffFormat::Human => out!("{}", words::human(&d, &lo, &ln, color)),
            // with --symbolic too, one JSON document holds both (below)
            DiffFormat::Json if args.symbolic => users_json = Some(words::json(&d, &lo, &ln)),
            DiffFormat::Json => outln!("{}", words::json(&d, &lo, &ln)),
            DiffFormat::Markdown => out!("{}", words::markdown(&d, &lo, &ln)),
            DiffFormat::Github => out!("{}", words::github(&d)),
        }
        tripped |= gate.is_some_and(|g| d.trips(g));
    }
    if args.symbolic || !has_users {
        let c = match analyze::compare(po, pn) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: the policies cannot be compared for every possible user: {e}");
                return EXIT_USAGE;
            }
        };
        match args.format {
            DiffFormat::Human => {
                out!("{}", analysis::comparison_human(&c, &lo, &ln));
                if has_users {
                    out!("{}", analysis::unexercised_human(&c));
                }
            }
            // every difference as a notice (they have no line of their own)
            DiffFormat::Github => out!("{}", analysis::comparison_github(&c)),
            DiffFormat::Json => {
                let every = analysis::comparison_json(&c, &lo, &ln);
                match users_json.take() {
                    Some(users) => outln!(
                        "{}",
                        serde_json::json!({ "users": users, "every_possible_user": every })
                    ),
                    None => outln!("{every}"),
                }
            }
            DiffFormat::Markdown => out!("{}", analysis::comparison_markdown(&c, &lo, &ln)),
        }
        tripped |= gate.is_some_and(|g| diff::comparison_trips(&c, g));
    }
    // the process ends here: freeing two loaded versions (a gigabyte on the
    // large workload) one allocation at a time would only cost time
    std::mem::forget(wo);
    std::mem::forget(wn);
    if tripped {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}
