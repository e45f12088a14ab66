//! The front half of the pipeline as one call: read policy files (and
//! directories of them, recursively, in path order) and JSON data files,
//! parse each, and resolve them together into one [`Model`].
//!
//! I/O problems (a missing file, an unreadable directory) are diagnostics with
//! [`Code::Io`] and make [`Workspace::io_failed`] true, so the CLI can exit 2.

use crate::diag::{has_errors, Code, Diagnostic, Diagnostics};
use crate::sema::{self, Model};
use crate::source::{FileId, Origin, SourceMap, Span};
use crate::syntax::{self, ast};
use std::path::{Path, PathBuf};

/// The largest file read, in bytes. Larger files are refused with a diagnostic.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Every source read in one session and what came of it.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    pub sources: SourceMap,
    /// Parsed policy files, in the order read.
    pub files: Vec<(FileId, ast::File)>,
    /// Data declarations from JSON files.
    pub data_items: Vec<ast::Item>,
    /// Problems found while reading and parsing.
    pub diags: Diagnostics,
    /// A path could not be read at all (the CLI exits 2).
    pub io_failed: bool,
    /// The paths the workspace was read from (for reloading).
    pub policy_paths: Vec<PathBuf>,
    pub data_paths: Vec<PathBuf>,
}

impl Workspace {
    /// Reads and parses policy paths (files or directories) and JSON data files.
    pub fn read(policy_paths: &[PathBuf], data_paths: &[PathBuf]) -> Workspace {
        let mut ws = Workspace {
            policy_paths: policy_paths.to_vec(),
            data_paths: data_paths.to_vec(),
            ..Workspace::default()
        };
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
                    if files.is_empty() && !ws.sources.files().any(|_| true) {
                        ws.io_error(
                            format!("no `.rights` files in `{}`", p.display()),
                            "give a `.rights` file or a directory that holds some",
                        );
                    }
                    for f in files {
                        if let Some(text) = ws.read_text(&f) {
                            ws.add_policy_text(Origin::Path(f), text);
                        }
                    }
                }
                Err(e) => ws.io_error(
                    format!("cannot read `{}`: {e}", p.display()),
                    "check the path",
                ),
            }
        }
        for p in data_paths {
            if let Some(text) = ws.read_text(p) {
                ws.add_data_text(Origin::Path(p.clone()), text);
            }
        }
        ws
    }

    /// Adds a policy text (a file's contents, or declarations typed in the REPL).
    pub fn add_policy_text(&mut self, origin: Origin, text: String) -> FileId {
        let id = self.sources.add(origin, text);
        let parsed = self
            .sources
            .get(id)
            .map(|f| syntax::parse_file(id, &f.text));
        match parsed {
            Some(Ok(file)) => self.files.push((id, file)),
            Some(Err(d)) => self.diags.push(*d),
            None => {}
        }
        id
    }

    /// Adds a JSON data text.
    pub fn add_data_text(&mut self, origin: Origin, text: String) -> FileId {
        let id = self.sources.add(origin, text);
        if let Some(f) = self.sources.get(id) {
            let (items, diags) = crate::data::parse_json(id, &f.text);
            self.data_items.extend(items);
            self.diags.extend(diags);
        }
        id
    }

    /// Every item of every file, policy files first, then JSON data.
    pub fn items(&self) -> impl Iterator<Item = &ast::Item> {
        self.files
            .iter()
            .flat_map(|(_, f)| f.items.iter())
            .chain(self.data_items.iter())
    }

    /// Resolves everything read so far. The diagnostics include those found
    /// while reading and parsing.
    pub fn resolve(&self) -> (Model, Diagnostics) {
        let (model, mut diags) = sema::resolve(self.items());
        let mut all = self.diags.clone();
        all.append(&mut diags);
        // in reading order: by file, then by position (stable for equal places)
        all.sort_by_key(|d| d.primary.as_ref().map(|(s, _)| (s.file, s.start)));
        (model, all)
    }

    /// Resolves, and returns the model only if there is no error.
    pub fn checked_model(&self) -> Result<(Model, Diagnostics), Diagnostics> {
        let (model, diags) = self.resolve();
        if has_errors(&diags) {
            Err(diags)
        } else {
            Ok((model, diags))
        }
    }

    fn io_error(&mut self, message: String, help: &str) {
        self.io_failed = true;
        self.diags
            .push(Diagnostic::error(Code::Io, message).help(help));
    }

    /// Reads a file as UTF-8; reports I/O errors, oversized files and invalid UTF-8.
    fn read_text(&mut self, path: &Path) -> Option<String> {
        match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_FILE_SIZE => {
                let id = self
                    .sources
                    .add(Origin::Path(path.to_path_buf()), String::new());
                self.diags.push(
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
                    self.diags.push(
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
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "rights") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}
