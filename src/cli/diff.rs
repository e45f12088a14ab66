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
use crate::diff::{self, Version};
use crate::words::{analysis, diff as words};
use crate::workspace::{git, Workspace};
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
pub enum Gate {
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
    pub fail_on: Option<Gate>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
}

/// Loads one version: a path, or `git:REV[:PATH]` (PATH defaulting to `other`).
fn read(arg: &str, other: &str, data: &[PathBuf]) -> Workspace {
    match git::parse_spec(arg) {
        Some((rev, path)) => {
            let path = path.unwrap_or_else(|| PathBuf::from(other));
            Workspace::load_at_revision(&rev, &path, data)
        }
        None => Workspace::load(&[PathBuf::from(arg)], data),
    }
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
    let args = Args { data, ..args };
    let (old_arg, new_arg, old_data, new_data) = match args.paths.as_slice() {
        [one] => {
            if args.data_new.is_empty() {
                eprintln!(
                    "error: with one policy, give the data before and after: --data OLD.json --data-new NEW.json"
                );
                return EXIT_USAGE;
            }
            (
                one.clone(),
                one.clone(),
                args.data.clone(),
                args.data_new.clone(),
            )
        }
        [old, new] => {
            let new_data = if args.data_new.is_empty() {
                args.data.clone()
            } else {
                args.data_new.clone()
            };
            (old.clone(), new.clone(), args.data.clone(), new_data)
        }
        _ => return EXIT_USAGE,
    };
    if git::parse_spec(&new_arg).is_some() && git::parse_spec(&new_arg).and_then(|s| s.1).is_none()
    {
        eprintln!("error: give NEW's path: `git:REV:PATH`");
        return EXIT_USAGE;
    }
    let other = git::parse_spec(&new_arg)
        .and_then(|(_, p)| p)
        .map_or(new_arg.clone(), |p| p.display().to_string());
    // the two versions are read, checked and compiled at once, one per core
    let (ro, rn) = std::thread::scope(|s| {
        let old = s.spawn(|| read(&old_arg, &other, &old_data));
        let new = read(&new_arg, &old_arg, &new_data);
        (old.join(), new)
    });
    let Ok(ro) = ro else {
        eprintln!("error: reading the old version failed");
        return EXIT_USAGE;
    };
    let format = match args.format {
        DiffFormat::Json => Format::Json,
        _ => Format::Human,
    };
    if unless_all_compiled(&[&ro, &rn], format).is_some() {
        return EXIT_USAGE;
    }
    let (wo, wn) = (ro, rn);
    let (Some(po), Some(pn)) = (wo.program(), wn.program()) else {
        return EXIT_USAGE;
    };
    let (lo, ln) = if old_arg == new_arg {
        (
            format!("{old_arg} with {}", names(&old_data)),
            format!("{new_arg} with {}", names(&new_data)),
        )
    } else {
        (old_arg.clone(), new_arg.clone())
    };
    let has_users = !po.data.users.is_empty() || !pn.data.users.is_empty();
    let mut tripped = false;
    let mut users_json: Option<serde_json::Value> = None;
    if has_users {
        let root_of = |arg: &str, other: &str| match git::parse_spec(arg) {
            Some((_, Some(p))) => p.display().to_string(),
            Some((_, None)) => other.to_string(),
            None => arg.to_string(),
        };
        let (ro, rn) = (root_of(&old_arg, &other), root_of(&new_arg, &old_arg));
        let shown = |ds: &[PathBuf]| {
            ds.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
        };
        let (dold, dnew) = (shown(&old_data), shown(&new_data));
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
        let color = crate::cli::out::is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        match args.format {
            DiffFormat::Human => out!("{}", words::human(&d, &lo, &ln, color)),
            // with --symbolic too, one JSON document holds both (below)
            DiffFormat::Json if args.symbolic => users_json = Some(words::json(&d, &lo, &ln)),
            DiffFormat::Json => outln!("{}", words::json(&d, &lo, &ln)),
            DiffFormat::Markdown => out!("{}", words::markdown(&d, &lo, &ln)),
            DiffFormat::Github => out!("{}", words::github(&d)),
        }
        tripped |= match args.fail_on {
            Some(Gate::NewAccess) => d.new_access(),
            Some(Gate::Any) => {
                !d.changes.is_empty() || !d.users_added.is_empty() || !d.users_removed.is_empty()
            }
            None => false,
        };
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
        tripped |= match args.fail_on {
            Some(Gate::NewAccess) => c.new_access(),
            Some(Gate::Any) => c.differences().next().is_some() || !c.only.old.is_empty(),
            None => false,
        };
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

fn names(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
