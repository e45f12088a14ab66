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
    /// The project's name as `rights doc` titles its pages.
    #[serde(default)]
    pub title: Option<String>,
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
                "{}: {}\nits keys are `policy` and `data`, lists of paths, and `title`",
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
    /// the folder (not in hidden, `target` or `node_modules` folders, nor in
    /// a folder below with its own `rights.toml`: another project).
    pub fn policy_files(&self) -> Vec<PathBuf> {
        if self.config.policy.is_empty() {
            let root = if self.root.as_os_str().is_empty() {
                Path::new(".")
            } else {
                &self.root
            };
            let files = survey(root).own_files(root);
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

/// What a folder holds, walked once: its `.rights` files and the folders
/// (itself included) that hold a `rights.toml`.
#[derive(Clone, Debug, Default)]
pub struct Survey {
    pub files: Vec<PathBuf>,
    pub roots: Vec<PathBuf>,
    /// Every folder walked, with when it last changed (a file added,
    /// removed or renamed in it changes it).
    pub folders: Vec<(PathBuf, Option<std::time::SystemTime>)>,
}

impl Survey {
    /// The files of the project rooted at `root`: those in no folder with a
    /// `rights.toml` of its own below it.
    pub fn own_files(&self, root: &Path) -> Vec<PathBuf> {
        owned(&self.files, root, self.roots.iter().map(PathBuf::as_path))
    }
}

/// The files of `files` that belong to the project rooted at `root`: those
/// under no other root of `roots` below it.
fn owned<'a>(
    files: &[PathBuf],
    root: &Path,
    roots: impl Iterator<Item = &'a Path>,
) -> Vec<PathBuf> {
    let nested: std::collections::HashSet<&Path> = roots
        .filter(|r| *r != root && r.starts_with(root))
        .collect();
    files
        .iter()
        .filter(|f| {
            !f.ancestors()
                .skip(1)
                .take_while(|a| *a != root)
                .any(|a| nested.contains(a))
        })
        .cloned()
        .collect()
}

/// Walks `dir` (not into hidden, `target` or `node_modules` folders) for
/// `.rights` files and `rights.toml`; an unreadable folder adds nothing.
pub fn survey(dir: &Path) -> Survey {
    let mut out = Survey::default();
    let skip = |name: &str| name.starts_with('.') || SKIPPED.contains(&name);
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        out.folders.push((d.clone(), modified(&d)));
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            let Ok(ft) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            if ft.is_dir() {
                if !skip(&name.to_string_lossy()) {
                    dirs.push(p);
                }
            } else if name == FILE_NAME {
                out.roots.push(d.clone());
            } else if p.extension().is_some_and(|e| e == "rights") {
                out.files.push(p);
            }
        }
    }
    out.files.sort();
    out.roots.sort();
    out
}

/// When a file last changed, and its length.
pub type Stamp = (std::time::SystemTime, u64);

/// A file's or folder's [`Stamp`] (`None`: it cannot be read).
pub fn stamp(p: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(p).ok()?;
    Some((m.modified().ok()?, m.len()))
}

fn modified(p: &Path) -> Option<std::time::SystemTime> {
    stamp(p).map(|(t, _)| t)
}

/// Every `.rights` file a configured path names, joined to `folder` (a
/// file, or a directory read like a folder: without the folders below it
/// that are projects of their own).
pub fn configured_files(folder: &Path, paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        let full = if folder.as_os_str().is_empty() {
            p.clone()
        } else {
            folder.join(p)
        };
        if full.is_dir() {
            out.extend(survey(&full).own_files(&full));
        } else {
            out.push(full);
        }
    }
    out
}

/// What the analysis reads: policy and data texts by path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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

/// A path with `.` and `..` taken out by their meaning in the text
/// (`/r/../shared/x` is `/shared/x`), so one file has one path: the
/// editor's documents and the disk cache are found by it.
fn lexical(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let last = out.components().next_back();
                match last {
                    Some(Component::Normal(_)) => {
                        out.pop();
                    }
                    // `/..` is `/`
                    Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                    _ => out.push(".."),
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// Which project a file belongs to in the editor.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProjectKey {
    /// A folder: one with a `rights.toml`, or a workspace folder with none
    /// at or above it.
    Root(PathBuf),
    /// An open document in no project: analysed on its own.
    Alone(PathBuf),
}

/// What the server read from disk: each file's text (or why it could not be
/// read), each folder's survey and `rights.toml`, and where the nearest
/// `rights.toml` above a folder is; kept until the client says something
/// changed (`workspace/didChangeWatchedFiles`, a save or a close), so a
/// keystroke reads nothing from disk.
#[derive(Debug, Default)]
pub struct Disk {
    /// Each file's text (or why it could not be read) and its stamp then.
    files: HashMap<PathBuf, (Result<String, String>, Option<Stamp>)>,
    surveys: HashMap<PathBuf, Survey>,
    configs: HashMap<PathBuf, Result<Config, String>>,
    above: HashMap<PathBuf, Option<PathBuf>>,
}

impl Disk {
    fn read(&mut self, p: &Path) -> Result<String, String> {
        self.files
            .entry(p.to_path_buf())
            .or_insert_with(|| (read_file(p), stamp(p)))
            .0
            .clone()
    }

    fn survey(&mut self, f: &Path) -> &Survey {
        self.surveys
            .entry(f.to_path_buf())
            .or_insert_with(|| survey(f))
    }

    fn config(&mut self, f: &Path) -> Result<Config, String> {
        self.configs
            .entry(f.to_path_buf())
            .or_insert_with(|| Config::read(f))
            .clone()
    }

    /// The nearest folder at or above `dir` holding a `rights.toml` (none
    /// for a folder that does not exist).
    fn root_above(&mut self, dir: &Path) -> Option<PathBuf> {
        self.above
            .entry(dir.to_path_buf())
            .or_insert_with(|| {
                // a folder that does not exist (a document with no file) is
                // in no project
                if !dir.is_dir() {
                    return None;
                }
                dir.ancestors()
                    .find(|d| d.join(FILE_NAME).is_file())
                    .map(Path::to_path_buf)
            })
            .clone()
    }

    /// A file changed (or was created or deleted) on disk: read it again,
    /// and survey the folders again (a `.rights` file may have come or
    /// gone, `rights.toml` may say something else).
    pub fn changed(&mut self, p: &Path) {
        self.files.remove(p);
        self.surveys.clear();
        self.configs.clear();
        self.above.clear();
    }

    /// Everything read again (the folders or the settings changed).
    pub fn forget(&mut self) {
        *self = Disk::default();
    }

    /// For a client that does not tell us of changes: what changed on disk
    /// since it was read is forgotten (read again when next asked for),
    /// judged by when each file and folder last changed and each file's
    /// length; the rest is kept. No file is read here.
    pub fn refresh(&mut self) {
        self.files.retain(|p, (_, was)| stamp(p) == *was);
        let stale = self
            .surveys
            .values()
            .any(|s| s.folders.iter().any(|(d, was)| modified(d) != *was));
        if stale {
            self.surveys.clear();
            self.above.clear();
        }
        // `rights.toml` files are few and small: read again
        self.configs.clear();
    }
}

/// The projects of the editor's folders and open documents, each with its
/// texts (the open documents' laid over the disk), and the problems met
/// reading them:
/// - every folder holding a `rights.toml` in or above a workspace folder,
///   or above an open document, is a project (several roots are several
///   projects); a workspace folder with none is one;
/// - a file belongs to the nearest of them above it; a project's policy is
///   what its `rights.toml` names, or its own files;
/// - an open document that belongs to none (outside every folder, or not
///   among the files its `rights.toml` names) is analysed on its own.
///
/// `extra_data` (the editor's settings) is added to every project that
/// names no data of its own.
pub fn gather(
    folders: &[PathBuf],
    open: &HashMap<PathBuf, String>,
    extra_data: &[PathBuf],
    disk: &mut Disk,
) -> (Vec<(ProjectKey, Inputs)>, Vec<String>) {
    let mut problems = Vec::new();
    // the roots
    let mut roots: std::collections::BTreeSet<PathBuf> = Default::default();
    for f in folders {
        roots.extend(disk.survey(f).roots.iter().cloned());
        roots.insert(disk.root_above(f).unwrap_or_else(|| f.clone()));
    }
    let mut docs: Vec<&PathBuf> = open
        .keys()
        .filter(|p| p.extension().is_some_and(|e| e == "rights"))
        .collect();
    docs.sort();
    for p in &docs {
        if !p.ancestors().skip(1).any(|a| roots.contains(a)) {
            if let Some(r) = p.parent().and_then(|d| disk.root_above(d)) {
                roots.insert(r);
            }
        }
    }
    let deepest_root = |p: &Path| -> Option<PathBuf> {
        p.ancestors()
            .skip(1)
            .find(|a| roots.contains(*a))
            .map(Path::to_path_buf)
    };
    // each root's files
    let mut out: Vec<(ProjectKey, Inputs)> = Vec::new();
    let mut placed: std::collections::HashSet<PathBuf> = Default::default();
    let read = |p: &Path, disk: &mut Disk, problems: &mut Vec<String>| -> Option<String> {
        if let Some(t) = open.get(p) {
            return Some(t.clone());
        }
        match disk.read(p) {
            Ok(t) => Some(t),
            Err(e) => {
                if !problems.contains(&e) {
                    problems.push(e);
                }
                None
            }
        }
    };
    for root in &roots {
        let config = match disk.config(root) {
            Ok(c) => c,
            Err(e) => {
                problems.push(e);
                Config::default()
            }
        };
        let mut files = if config.policy.is_empty() {
            let survey = disk.survey(root);
            let all_roots = roots.iter().chain(&survey.roots).map(PathBuf::as_path);
            let mut files = owned(&survey.files, root, all_roots);
            // open documents not on disk yet
            files.extend(
                docs.iter()
                    .filter(|p| deepest_root(p).as_deref() == Some(root.as_path()))
                    .map(|p| (*p).clone()),
            );
            files
        } else {
            configured_files(root, &config.policy)
                .iter()
                .map(|p| lexical(p))
                .collect()
        };
        files.sort();
        files.dedup();
        let mut inputs = Inputs::default();
        for p in files {
            if let Some(t) = read(&p, disk, &mut problems) {
                placed.insert(p.clone());
                inputs.policy.push((p, t));
            }
        }
        // the settings' data goes to the projects of the workspace folders
        let of_a_folder = folders.iter().any(|f| f.starts_with(root));
        let data: Vec<PathBuf> = match (config.data.is_empty(), of_a_folder) {
            (true, true) => extra_data.iter().map(|d| lexical(d)).collect(),
            (true, false) => Vec::new(),
            (false, _) => config.data.iter().map(|d| lexical(&root.join(d))).collect(),
        };
        for p in data {
            if let Some(t) = read(&p, disk, &mut problems) {
                inputs.data.push((p, t));
            }
        }
        out.push((ProjectKey::Root(root.clone()), inputs));
    }
    for p in docs {
        if !placed.contains(p) {
            let text = open.get(p).cloned().unwrap_or_default();
            let inputs = Inputs {
                policy: vec![(p.clone(), text)],
                data: Vec::new(),
            };
            out.push((ProjectKey::Alone(p.clone()), inputs));
        }
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::lexical;
    use std::path::{Path, PathBuf};

    #[test]
    fn paths_lose_dots_by_their_meaning() {
        let l = |p: &str| lexical(Path::new(p));
        assert_eq!(
            l("/r/../shared/x.rights"),
            PathBuf::from("/shared/x.rights")
        );
        assert_eq!(l("/r/./a/b/../c"), PathBuf::from("/r/a/c"));
        assert_eq!(l("../../a/./b"), PathBuf::from("../../a/b"));
        assert_eq!(l("a/../../b"), PathBuf::from("../b"));
        assert_eq!(l("/../x"), PathBuf::from("/x"));
    }
}
