//! Reading inputs from disk: policy paths (files, or directories read
//! recursively, `.rights` files in path order) and JSON data files, with every
//! problem as a diagnostic (I/O errors, oversized files, invalid UTF-8).

use super::Workspace;
use crate::diag::{Code, Diagnostic};
use crate::source::{Origin, Span};
use std::path::{Path, PathBuf};

/// The largest file read, in bytes. Larger files are refused with a diagnostic.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

impl Workspace {
    /// Reads and parses policy paths and JSON data files (not yet checked).
    pub(super) fn read_paths(&mut self, policy_paths: &[PathBuf], data_paths: &[PathBuf]) {
        // a file named twice (or inside a directory also named) is read once
        let mut seen = std::collections::HashSet::new();
        for p in policy_paths {
            match policy_files(p) {
                Ok(files) => {
                    let files: Vec<PathBuf> = files
                        .into_iter()
                        .filter(|f| {
                            seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()))
                        })
                        .collect();
                    if files.is_empty() && !self.sources.files().any(|_| true) {
                        self.io_error(
                            format!("no `.rights` files in `{}`", p.display()),
                            "give a `.rights` file or a directory that holds some",
                        );
                    }
                    for f in files {
                        if let Some(text) = self.read_text(&f) {
                            self.add_policy_text(Origin::Path(f), text);
                        }
                    }
                }
                Err(e) => self.io_error(
                    format!("cannot read `{}`: {e}", p.display()),
                    "check the path",
                ),
            }
        }
        for p in data_paths {
            if let Some(text) = self.read_text(p) {
                self.add_data_text(Origin::Path(p.clone()), text);
            }
        }
    }

    fn io_error(&mut self, message: String, help: &str) {
        self.io_failed = true;
        self.read_diags
            .push(Diagnostic::error(Code::Io, message).help(help));
    }

    /// Reads a file as UTF-8; reports I/O errors, oversized files and invalid UTF-8.
    fn read_text(&mut self, path: &Path) -> Option<String> {
        match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_FILE_SIZE => {
                let id = self
                    .sources
                    .add(Origin::Path(path.to_path_buf()), String::new());
                self.read_diags.push(
                    Diagnostic::error(
                        Code::TooLarge,
                        format!(
                            "`{}` is {} bytes, more than the limit of {} bytes",
                            path.display(),
                            m.len(),
                            MAX_FILE_SIZE
                        ),
                    )
                    .at(Span::new(id, 0, 0), "not read")
                    .help("split the policy or its data into several files"),
                );
                return None;
            }
            Ok(m) if m.is_dir() => {
                self.io_error(
                    format!("`{}` is a directory, not a file", path.display()),
                    "give a file path",
                );
                return None;
            }
            _ => {}
        }
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                // a byte-order mark is not part of the text
                Ok(s) => Some(match s.strip_prefix('\u{FEFF}') {
                    Some(rest) => rest.to_string(),
                    None => s,
                }),
                Err(e) => {
                    let valid = e.utf8_error().valid_up_to();
                    let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    // the lossy text has the same prefix, so the offset holds
                    let id = self.sources.add(Origin::Path(path.to_path_buf()), lossy);
                    self.add_unreadable(id);
                    self.read_diags.push(
                        Diagnostic::error(
                            Code::InvalidUtf8,
                            format!("`{}` is not valid UTF-8", path.display()),
                        )
                        .at(Span::new(id, valid, valid + 1), "invalid byte here")
                        .help("save the file as UTF-8"),
                    );
                    None
                }
            },
            Err(e) => {
                self.io_error(
                    format!("cannot read `{}`: {e}", path.display()),
                    "check the path and its permissions",
                );
                None
            }
        }
    }
}

/// The `.rights` files a path names: the file itself, or every `.rights` file
/// below a directory, sorted by path.
fn policy_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    policy_files_skipping(path, &|_| false)
}

/// Like [`policy_files`], not looking into the directories `skip` names (by
/// their file name).
pub fn policy_files_skipping(
    path: &Path,
    skip: &dyn Fn(&str) -> bool,
) -> std::io::Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut dirs = vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let p = entry.path();
            let ft = entry.file_type()?;
            if ft.is_dir() {
                if !skip(&entry.file_name().to_string_lossy()) {
                    dirs.push(p);
                }
            } else if p.extension().is_some_and(|e| e == "rights") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}
