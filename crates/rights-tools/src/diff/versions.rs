//! What `rights diff` compares, from what the user named: two policies
//! (files, directories or `git:REV[:PATH]`), or one policy under two data
//! sets; read at once, one per core; and the gates a CI job sets on the
//! result. The command line only parses arguments and renders.

use crate::analyze::Comparison;
use crate::workspace::{git, Workspace};
use std::path::PathBuf;

/// The two versions to compare, as named.
#[derive(Clone, Debug)]
pub struct Plan {
    pub old: String,
    pub new: String,
    pub old_data: Vec<PathBuf>,
    pub new_data: Vec<PathBuf>,
    /// The path a `git:REV` without PATH stands for: NEW's path.
    other: String,
}

impl Plan {
    /// The versions `paths` (OLD NEW, or one POLICY with `data_new`) name;
    /// a message for the user when they do not make two versions.
    pub fn of(paths: &[String], data: &[PathBuf], data_new: &[PathBuf]) -> Result<Plan, String> {
        Plan::of_at(paths, data, data_new, false)
    }

    /// [`Plan::of`], where one policy may also be compared with itself at
    /// another date (`dated`: `--at-new`, §9.3).
    pub fn of_at(
        paths: &[String],
        data: &[PathBuf],
        data_new: &[PathBuf],
        dated: bool,
    ) -> Result<Plan, String> {
        let (old, new, old_data, new_data) = match paths {
            [one] if dated && data_new.is_empty() => {
                (one.clone(), one.clone(), data.to_vec(), data.to_vec())
            }
            [one] => {
                if data_new.is_empty() {
                    return Err("with one policy, give the data before and after (--data OLD.json --data-new NEW.json) or the dates (--at OLD --at-new NEW)".into());
                }
                (one.clone(), one.clone(), data.to_vec(), data_new.to_vec())
            }
            [old, new] => {
                let new_data = if data_new.is_empty() { data } else { data_new };
                (old.clone(), new.clone(), data.to_vec(), new_data.to_vec())
            }
            _ => return Err("give OLD and NEW, or one policy with --data-new".into()),
        };
        let new_spec = git::parse_spec(&new);
        if new_spec.as_ref().is_some_and(|(_, p)| p.is_none()) {
            return Err("give NEW's path: `git:REV:PATH`".into());
        }
        let other = new_spec
            .and_then(|(_, p)| p)
            .map_or(new.clone(), |p| p.display().to_string());
        Ok(Plan {
            old,
            new,
            old_data,
            new_data,
            other,
        })
    }

    /// Reads, checks and compiles both versions at once, one per core;
    /// `None` when reading the old one failed outright (a bug).
    pub fn load(&self) -> Option<(Workspace, Workspace)> {
        let read = |arg: &str, other: &str, data: &[PathBuf]| match git::parse_spec(arg) {
            Some((rev, path)) => {
                let path = path.unwrap_or_else(|| PathBuf::from(other));
                Workspace::load_at_revision(&rev, &path, data)
            }
            None => Workspace::load(&[PathBuf::from(arg)], data),
        };
        let (old, new) = std::thread::scope(|s| {
            let old = s.spawn(|| read(&self.old, &self.other, &self.old_data));
            let new = read(&self.new, &self.old, &self.new_data);
            (old.join(), new)
        });
        Some((old.ok()?, new))
    }

    /// How the two versions are named in reports: their paths, or for a
    /// change to the data, the policy with each version's data files.
    pub fn labels(&self) -> (String, String) {
        let names = |paths: &[PathBuf]| {
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if self.old == self.new && self.old_data == self.new_data {
            // one policy and its data at two dates: the caller names the dates
            (self.old.clone(), self.new.clone())
        } else if self.old == self.new {
            (
                format!("{} with {}", self.old, names(&self.old_data)),
                format!("{} with {}", self.new, names(&self.new_data)),
            )
        } else {
            (self.old.clone(), self.new.clone())
        }
    }

    /// The policy paths files are matched under, for each version.
    pub fn roots(&self) -> (String, String) {
        let root_of = |arg: &str, other: &str| match git::parse_spec(arg) {
            Some((_, Some(p))) => p.display().to_string(),
            Some((_, None)) => other.to_string(),
            None => arg.to_string(),
        };
        (
            root_of(&self.old, &self.other),
            root_of(&self.new, &self.old),
        )
    }

    /// The data files as given, for each version.
    pub fn data_names(&self) -> (Vec<String>, Vec<String>) {
        let shown = |ds: &[PathBuf]| ds.iter().map(|p| p.display().to_string()).collect();
        (shown(&self.old_data), shown(&self.new_data))
    }
}

/// What makes a CI gate fail (`--fail-on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Any user (or, for every possible user, any witness) gains anything;
    /// a user only in the new data counts.
    NewAccess,
    /// Anything changes.
    Any,
}

impl super::Diff {
    /// Whether this difference trips the gate.
    pub fn trips(&self, gate: Gate) -> bool {
        match gate {
            Gate::NewAccess => self.new_access(),
            Gate::Any => {
                !self.changes.is_empty()
                    || !self.users_added.is_empty()
                    || !self.users_removed.is_empty()
            }
        }
    }
}

/// Whether a comparison for every possible user trips the gate.
pub fn comparison_trips(c: &Comparison, gate: Gate) -> bool {
    match gate {
        Gate::NewAccess => c.new_access(),
        Gate::Any => c.differences().next().is_some() || !c.only.old.is_empty(),
    }
}
