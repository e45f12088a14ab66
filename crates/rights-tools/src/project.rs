//! `rights.toml`: a project's own description of which files form its
//! policy and which JSON files hold its data. The command line (when no
//! PATH, or no `--data`, is given) and the language server (for each folder
//! the editor opens) read it here, the one way; and the editor's loader:
//! every file of the open folders, read once and kept ([`Disk`]) under the
//! editor's unsaved texts ([`gather`]).
//!
//! ```toml
//! policy = ["policies/emresource.rights"]   # optional: default, every .rights file
//! data = ["users.json", "resources.json"]   # relative to the file's folder
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The file's name, looked for in a folder and the folders above it.
pub const FILE_NAME: &str = "rights.toml";

/// Directories a project's folder walk does not look into for `.rights`
/// files: hidden ones, build output, installed packages.
const SKIPPED: &[&str] = &["target", "node_modules"];

/// What `rights.toml` says (its keys; absent ones are empty).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Policy files or directories; empty: every `.rights` file of the folder.
    #[serde(default)]
    pub policy: Vec<PathBuf>,
    /// JSON data files.
    #[serde(default)]
    pub data: Vec<PathBuf>,
}

impl Config {
    /// Reads `rights.toml` of a folder (absent: the defaults); an unreadable
    /// or malformed one is an error message for the user.
    pub fn read(folder: &Path) -> Result<Config, String> {
        let p = folder.join(FILE_NAME);
        let Ok(text) = std::fs::read_to_string(&p) else {
            return Ok(Config::default());
        };
        toml::from_str(&text).map_err(|e| {
            format!(
                "{}: {}\nits keys are `policy` and `data`, lists of paths",
                p.display(),
                e.to_string().trim_end()
            )
        })
    }
}

/// A project: the folder holding `rights.toml`, and what the file says.
#[derive(Clone, Debug)]
pub struct Project {
    /// The folder, as a path from where the search started (`""` when it
    /// is that folder itself), so that paths read as the user wrote them.
    pub root: PathBuf,
    pub config: Config,
}

impl Project {
    /// The nearest `rights.toml` in `start` or a folder above it, as git and
    /// cargo find theirs; `Ok(None)` when there is none.
    pub fn find(start: &Path) -> Result<Option<Project>, String> {
        let mut up = PathBuf::new();
        let mut dir = Some(start);
        while let Some(d) = dir {
            if d.join(FILE_NAME).is_file() {
                return Ok(Some(Project {
                    config: Config::read(d)?,
                    root: up,
                }));
            }
            up.push("..");
            dir = d.parent();
        }
        Ok(None)
    }

    fn join(&self, p: &Path) -> PathBuf {
        if self.root.as_os_str().is_empty() {
            p.to_path_buf()
        } else {
            self.root.join(p)
        }
    }

    /// The policy's files: those `policy` names, or every `.rights` file of
    /// the folder (not in hidden, `target` or `node_modules` folders).
    pub fn policy_files(&self) -> Vec<PathBuf> {
        if self.config.policy.is_empty() {
            let root = if self.root.as_os_str().is_empty() {
                Path::new(".")
            } else {
                &self.root
            };
            let files = rights_files(root);
            // `./a.rights` reads as `a.rights`
            return files
                .into_iter()
                .map(|f| f.strip_prefix(".").map(Path::to_path_buf).unwrap_or(f))
                .collect();
        }
        configured_files(&self.root, &self.config.policy)
    }

    /// The data files `data` names.
    pub fn data_files(&self) -> Vec<PathBuf> {
        self.config.data.iter().map(|d| self.join(d)).collect()
    }
}

/// Every `.rights` file under `dir`, as the command line reads a directory,
/// but not inside hidden, `target` and `node_modules` directories; an
/// unreadable folder gives none.
pub fn rights_files(dir: &Path) -> Vec<PathBuf> {
    let skip = |name: &str| {
        (name.starts_with('.') && name != "." && name != "..") || SKIPPED.contains(&name)
    };
    crate::workspace::policy_files_skipping(dir, &skip).unwrap_or_default()
}

/// Every `.rights` file a configured path names, joined to `folder` (a
/// file, or a directory read like a folder).
pub fn configured_files(folder: &Path, paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        let full = if folder.as_os_str().is_empty() {
            p.clone()
        } else {
            folder.join(p)
        };
        if full.is_dir() {
            out.extend(rights_files(&full));
        } else {
            out.push(full);
        }
    }
    out
}

/// What the analysis reads: policy and data texts by path.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub policy: Vec<(PathBuf, String)>,
    pub data: Vec<(PathBuf, String)>,
}

/// A file's text as the command line reads it: a byte-order mark dropped;
/// unreadable, too large or not UTF-8 is a message for the user.
fn read_file(p: &Path) -> Result<String, String> {
    let too_large = std::fs::metadata(p).is_ok_and(|m| m.len() > crate::workspace::MAX_FILE_SIZE);
    if too_large {
        return Err(format!("`{}` is larger than 64 MiB: not read", p.display()));
    }
    let bytes = std::fs::read(p).map_err(|e| format!("cannot read `{}`: {e}", p.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("`{}` is not UTF-8 text: not read", p.display()))?;
    Ok(match text.strip_prefix('\u{FEFF}') {
        Some(t) => t.to_string(),
        None => text,
    })
}

/// What the server read from disk: each file's text (or why it could not be
/// read) and each folder's `rights.toml` and `.rights` files, kept until
/// the client says something changed (`workspace/didChangeWatchedFiles`,
/// a save or a close), so a keystroke reads nothing from disk.
#[derive(Debug, Default)]
pub struct Disk {
    files: HashMap<PathBuf, Result<String, String>>,
    folders: HashMap<PathBuf, (Result<Config, String>, Vec<PathBuf>)>,
}

impl Disk {
    fn read(&mut self, p: &Path) -> Result<String, String> {
        self.files
            .entry(p.to_path_buf())
            .or_insert_with(|| read_file(p))
            .clone()
    }

    fn folder(&mut self, f: &Path) -> (Result<Config, String>, Vec<PathBuf>) {
        self.folders
            .entry(f.to_path_buf())
            .or_insert_with(|| {
                let config = Config::read(f);
                let files = match &config {
                    Ok(c) if !c.policy.is_empty() => configured_files(f, &c.policy),
                    _ => rights_files(f),
                };
                (config, files)
            })
            .clone()
    }

    /// A file changed (or was created or deleted) on disk: read it again,
    /// and list the folders again (a `.rights` file may have come or gone,
    /// `rights.toml` may say something else).
    pub fn changed(&mut self, p: &Path) {
        self.files.remove(p);
        self.folders.clear();
    }

    /// Everything read again (the folders or the settings changed).
    pub fn forget(&mut self) {
        self.files.clear();
        self.folders.clear();
    }
}

/// The open documents' texts by path, laid over the disk.
pub fn gather(
    folders: &[PathBuf],
    open: &HashMap<PathBuf, String>,
    extra_data: &[PathBuf],
    disk: &mut Disk,
) -> (Inputs, Vec<String>) {
    let mut inputs = Inputs::default();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let listed: Vec<(PathBuf, Result<Config, String>, Vec<PathBuf>)> = folders
        .iter()
        .map(|f| {
            let (config, files) = disk.folder(f);
            (f.clone(), config, files)
        })
        .collect();
    let mut read = |p: &Path, problems: &mut Vec<String>| -> Option<String> {
        if let Some(t) = open.get(p) {
            return Some(t.clone());
        }
        match disk.read(p) {
            Ok(t) => Some(t),
            Err(e) => {
                problems.push(e);
                None
            }
        }
    };
    let mut data_paths: Vec<PathBuf> = Vec::new();
    let mut configured: Vec<PathBuf> = Vec::new();
    for (f, config, files) in listed {
        let config = match config {
            Ok(c) => c,
            Err(e) => {
                problems.push(e);
                Config::default()
            }
        };
        if !config.policy.is_empty() {
            configured.push(f.clone());
        }
        for p in files {
            if seen.insert(p.clone()) {
                if let Some(t) = read(&p, &mut problems) {
                    inputs.policy.push((p, t));
                }
            }
        }
        data_paths.extend(config.data.iter().map(|d| f.join(d)));
    }
    // open files not on disk yet belong to the policy too (but not where
    // `rights.toml` says which files do); with no folder open, every open file
    let mut extra: Vec<&PathBuf> = open
        .keys()
        .filter(|p| p.extension().is_some_and(|e| e == "rights"))
        .filter(|p| folders.is_empty() || folders.iter().any(|f| p.starts_with(f)))
        .filter(|p| !configured.iter().any(|f| p.starts_with(f)))
        .collect();
    extra.sort();
    for p in extra {
        if seen.insert(p.clone()) {
            if let Some(t) = read(p, &mut problems) {
                inputs.policy.push((p.clone(), t));
            }
        }
    }
    data_paths.extend(extra_data.iter().cloned());
    for p in data_paths {
        if seen.insert(p.clone()) {
            if let Some(t) = read(&p, &mut problems) {
                inputs.data.push((p, t));
            }
        }
    }
    (inputs, problems)
}
