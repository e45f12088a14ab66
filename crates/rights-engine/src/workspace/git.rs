//! Reading a policy as it was at a git revision (`git:REV[:PATH]`), through
//! the `git` command: every CI runner and developer machine that has the
//! repository has it, it reads every repository format and credential setup
//! the user's own git does, and it costs no dependency (libgit2 bindings
//! would bring a C library, gitoxide a large tree of crates).

use super::Workspace;
use crate::diag::{Code, Diagnostic};
use crate::source::Origin;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A `git:REV[:PATH]` argument: the revision and the path (if given).
pub fn parse_spec(arg: &str) -> Option<(String, Option<PathBuf>)> {
    let rest = arg.strip_prefix("git:")?;
    Some(match rest.split_once(':') {
        Some((rev, path)) if !path.is_empty() => (rev.to_string(), Some(PathBuf::from(path))),
        Some((rev, _)) => (rev.to_string(), None),
        None => (rest.to_string(), None),
    })
}

impl Workspace {
    /// Reads the `.rights` files under `path` as they were at revision `rev`
    /// of the repository holding the current directory, and JSON data files
    /// from disk; then checks and compiles them. Files are named
    /// `git:REV:PATH` in diagnostics.
    pub fn load_at_revision(rev: &str, path: &Path, data_paths: &[PathBuf]) -> Workspace {
        let mut ws = Workspace::default();
        match git_files(rev, path) {
            Ok(files) if files.is_empty() => ws.git_error(
                format!(
                    "no `.rights` files under `{}` at revision `{rev}`",
                    path.display()
                ),
                "check the revision and the path (`git ls-tree -r REV -- PATH`)",
            ),
            Ok(files) => {
                for f in files {
                    match git(&["show", &format!("{rev}:./{f}")]) {
                        Ok(text) => {
                            let name = format!("git:{rev}:{f}");
                            ws.add_policy_text(Origin::Input(name), text);
                        }
                        Err(e) => ws.git_error(e, "check the revision"),
                    }
                }
            }
            Err(e) => ws.git_error(e, "run it inside the git repository, with `git` installed"),
        }
        ws.read_paths(&[], data_paths);
        ws.diags = ws.read_diags.clone();
        ws.check();
        ws
    }

    fn git_error(&mut self, message: String, help: &str) {
        self.io_failed = true;
        self.read_diags
            .push(Diagnostic::error(Code::Io, message).help(help));
    }
}

/// The `.rights` files under `path` at `rev`, relative to the current
/// directory, in path order.
fn git_files(rev: &str, path: &Path) -> Result<Vec<String>, String> {
    let spec = path.to_string_lossy().to_string();
    // NUL-separated: a path with spaces or non-ASCII letters comes out as it is
    let listed = git(&["ls-tree", "-r", "-z", "--name-only", rev, "--", &spec])?;
    let mut files: Vec<String> = listed
        .split('\0')
        .filter(|l| l.ends_with(".rights"))
        .map(str::to_string)
        .collect();
    files.sort();
    Ok(files)
}

/// Runs `git ARGS…` and returns its output, or what went wrong in words.
fn git(args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run `git`: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("`git {}` failed: {}", args.join(" "), err.trim()));
    }
    String::from_utf8(out.stdout)
        .map_err(|_| format!("`git {}` printed invalid UTF-8", args.join(" ")))
}
