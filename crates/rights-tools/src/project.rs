//! `rights.toml`: a project's own description of which files form its
//! policy and which JSON files hold its data. The command line (when no
//! PATH, or no `--data`, is given) and the language server (for each folder
//! the editor opens) read it here, the one way.
//!
//! ```toml
//! policy = ["policies/emresource.rights"]   # optional: default, every .rights file
//! data = ["users.json", "resources.json"]   # relative to the file's folder
//! ```

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
