//! One analysis of the editor's workspace: every `.rights` file of the open
//! folders (the editor's unsaved text where a file is open) and the JSON data
//! files the configuration names, loaded as one policy through the one
//! [`Workspace`]; its `check` + `lint` diagnostics, its name index and its
//! test results.

use crate::complete::Names;
use crate::diag::Diagnostic;
use crate::index::{Index, Kind};
use crate::source::{FileId, Origin, SourceFile};
use crate::testing::TestResult;
use crate::workspace::Workspace;
use lsp_types::Uri;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub struct Analysis {
    /// Shared with the thread that lints it.
    pub ws: Arc<Workspace>,
    /// Per file id: its path.
    pub paths: Vec<PathBuf>,
    /// Per path: its file id (one lookup, not a scan of `paths`).
    ids: HashMap<PathBuf, FileId>,
    pub index: Index,
    /// `check` then `lint`, as `rights lint` reports them (`check` alone
    /// until `linted`).
    pub diagnostics: Vec<Diagnostic>,
    /// Whether `diagnostics` holds lint's findings too (or lint has nothing
    /// to add: a policy with errors is reported as `check` reports it).
    pub linted: bool,
    pub tests: Vec<TestResult>,
    /// What each file declares (outside tests), for completion: a file that
    /// does not parse now (the user is typing) keeps what it declared when
    /// it last did.
    pub declared: Declared,
    /// `declared` by kind (kept for completion while the next analysis is
    /// made).
    pub names: Arc<Names>,
}

/// What each file declares, by path.
pub type Declared = Arc<HashMap<PathBuf, Vec<(Kind, String)>>>;

/// What the next analysis of a project starts from: the last one's
/// workspace (its parses are reused) and declarations (kept for a file
/// that does not parse now). Taken from a finished analysis, or from one
/// given up half way (its parses of a text typed over since).
pub struct Previous {
    ws: Arc<Workspace>,
    declared: Declared,
}

impl Analysis {
    /// The analysis of nothing (a document in no project).
    pub fn empty() -> Analysis {
        let ws = Workspace::default();
        Analysis {
            index: Index::build(ws.items()),
            ws: Arc::new(ws),
            paths: Vec::new(),
            ids: HashMap::new(),
            diagnostics: Vec::new(),
            linted: true,
            tests: Vec::new(),
            declared: Declared::default(),
            names: Arc::default(),
        }
    }

    /// This analysis as the start of the next one: moved (nothing is
    /// copied where no other thread holds its workspace).
    pub fn into_previous(self) -> Previous {
        Previous {
            ws: self.ws,
            declared: self.declared,
        }
    }
}

/// Whether an analysis was given up (a newer text is waiting).
fn given_up(cancel: &AtomicBool) -> bool {
    cancel.load(Ordering::Relaxed)
}

impl Analysis {
    /// Reads, checks and indexes (the caller lints on another thread:
    /// [`Analysis::lint`]; a policy that does not check has nothing for
    /// lint, and its diagnostics are `check`'s and lint's already). The previous
    /// analysis of the same project is consumed: what an edit did not touch
    /// is kept from its parse (moved out of it where nothing else holds its
    /// workspace, as when its lint is done; copied otherwise).
    ///
    /// Given up between stages once `cancel` is set (a newer text waits):
    /// then what was parsed is handed back, for the next analysis to start
    /// from.
    pub fn build(
        inputs: &Inputs,
        previous: Option<Previous>,
        cancel: &AtomicBool,
    ) -> Result<Analysis, Previous> {
        let mut ws = Workspace::default();
        let mut paths = Vec::new();
        let (before, previous_declared) = match previous {
            Some(p) => (Some(Arc::try_unwrap(p.ws)), p.declared),
            None => (None, Declared::default()),
        };
        // the last parse of each text, by origin (one table, not a search
        // per file): taken where nothing else holds that workspace, else
        // copied file by file as each is needed
        let (mut parses, shared) = match before {
            Some(Ok(mut owned)) => (owned.take_parses(), None),
            Some(Err(shared)) => (HashMap::new(), Some(shared)),
            None => (HashMap::new(), None),
        };
        let shared_parses = shared.as_ref().map(|w| w.parses());
        for (p, text) in &inputs.policy {
            let origin = Origin::Path(p.clone());
            let last = parses.remove(&origin).or_else(|| {
                let (t, f) = shared_parses.as_ref()?.get(&origin)?;
                Some((t.clone(), (*f).clone()))
            });
            ws.add_policy_text_reusing(origin, text.clone(), last);
            paths.push(p.clone());
        }
        // the last analysis's texts go before this one is checked
        drop(parses);
        drop(shared_parses);
        drop(shared);
        for (p, text) in &inputs.data {
            ws.add_data_text(Origin::Path(p.clone()), text.clone());
            paths.push(p.clone());
        }
        let give_up = |ws: Workspace| Previous {
            ws: Arc::new(ws),
            declared: previous_declared.clone(),
        };
        if given_up(cancel) {
            return Err(give_up(ws));
        }
        ws.check();
        if given_up(cancel) {
            return Err(give_up(ws));
        }
        let linted = !ws.is_compiled();
        let diagnostics = if linted {
            crate::lint::check_and_lint(&ws).0
        } else {
            ws.diagnostics().to_vec()
        };
        let index = Index::build(ws.items());
        let tests = match ws.program() {
            Some(p) => crate::testing::run(p, &ws.model().tests, None),
            None => Vec::new(),
        };
        if given_up(cancel) {
            return Err(give_up(ws));
        }
        // each file's declarations, in one pass over the index
        let mut by_file: Vec<Vec<(Kind, String)>> = vec![Vec::new(); paths.len()];
        for o in index.all.iter().filter(|o| o.decl && o.scope.is_none()) {
            if let Some(v) = by_file.get_mut(o.span.file.0 as usize) {
                v.push((o.kind, o.name.clone()));
            }
        }
        let mut declared: HashMap<PathBuf, Vec<(Kind, String)>> = HashMap::new();
        for (i, (path, names)) in paths.iter().zip(by_file).enumerate() {
            let names = if ws.parsed(FileId(i as u32)) {
                names
            } else {
                previous_declared.get(path).cloned().unwrap_or_default()
            };
            declared.insert(path.clone(), names);
        }
        let ids = paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), FileId(i as u32)))
            .collect();
        let names = Arc::new(names_of(&declared));
        Ok(Analysis {
            ws: Arc::new(ws),
            paths,
            ids,
            index,
            diagnostics,
            linted,
            tests,
            declared: Arc::new(declared),
            names,
        })
    }

    /// Lints on this thread, unless lint's findings are in already (a
    /// request that needs them now: code actions; benchmarks).
    pub fn lint_now(&mut self) {
        if !self.linted {
            self.diagnostics = Analysis::lint(&self.ws);
            self.linted = true;
        }
    }

    /// What `rights lint` reports on a checked workspace (run off the main
    /// thread: on a large policy it is the slow part).
    pub fn lint(ws: &Workspace) -> Vec<Diagnostic> {
        crate::lint::check_and_lint(ws).0
    }

    /// The file of a document the editor names, with its text.
    pub fn document(&self, uri: &Uri) -> Option<(FileId, &SourceFile)> {
        let file = self.file_of(&uri_to_path(uri)?)?;
        Some((file, self.source(file)?))
    }

    /// Whether this analysis read exactly these texts (then nothing needs
    /// analysing again).
    pub fn reads(&self, inputs: &Inputs) -> bool {
        let texts = inputs.policy.iter().chain(&inputs.data);
        self.paths.len() == inputs.policy.len() + inputs.data.len()
            && texts.enumerate().all(|(i, (p, t))| {
                self.paths.get(i) == Some(p)
                    && self
                        .source(FileId(i as u32))
                        .is_some_and(|f| *f.text == **t)
            })
    }

    pub fn file_of(&self, path: &Path) -> Option<FileId> {
        self.ids.get(path).copied()
    }

    pub fn source(&self, file: FileId) -> Option<&SourceFile> {
        self.ws.sources.get(file)
    }

    pub fn path(&self, file: FileId) -> Option<&Path> {
        self.paths.get(file.0 as usize).map(PathBuf::as_path)
    }

    pub fn is_data(&self, file: FileId) -> bool {
        self.path(file)
            .is_some_and(|p| p.extension().is_some_and(|e| e == "json"))
    }
}

/// Declared names by kind (outside tests), from what each file declared
/// (so completion works while the policy has errors).
fn names_of(declared: &HashMap<PathBuf, Vec<(Kind, String)>>) -> Names {
    let mut n = Names::default();
    let mut seen = std::collections::HashSet::new();
    let mut paths: Vec<_> = declared.keys().collect();
    paths.sort();
    for (kind, name) in paths.into_iter().flat_map(|p| declared[p].iter()) {
        if seen.insert((*kind, name.as_str())) {
            n.add(*kind, name);
        }
    }
    n
}

pub use crate::project::{gather, Disk, Inputs};

/// `file:///path` for a path (through `url`, so Windows paths and every
/// byte that needs it are encoded as the editors expect); a document with
/// no file has its own URI back.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    if let Some(u) = virtual_uri(path) {
        return Uri::from_str(&u).ok();
    }
    let url = url::Url::from_file_path(path).ok()?;
    Uri::from_str(url.as_str()).ok()
}

/// The path of a `file:` URI, and of no other (a folder, a file on disk).
pub fn uri_to_file_path(uri: &Uri) -> Option<PathBuf> {
    let url = url::Url::parse(uri.as_str()).ok()?;
    (url.scheme() == "file")
        .then(|| url.to_file_path().ok())
        .flatten()
}

/// The path of a document's URI. A document with no file (`untitled:`, or any
/// other scheme) gets a path no file can have, under `/dev/null`, so that
/// it is analysed on its own like a file outside every folder.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let url = url::Url::parse(uri.as_str()).ok()?;
    if url.scheme() == "file" {
        return url.to_file_path().ok();
    }
    let mut docs = VIRTUAL.lock().ok()?;
    let i = match docs.iter().position(|u| u == uri.as_str()) {
        Some(i) => i,
        None => {
            docs.push(uri.as_str().to_string());
            docs.len() - 1
        }
    };
    let name: String = uri
        .as_str()
        .rsplit(['/', ':'])
        .next()
        .unwrap_or("untitled")
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let name = match name.strip_suffix(".rights").unwrap_or(&name) {
        "" => "untitled".to_string(),
        n => n.to_string(),
    };
    Some(PathBuf::from(format!("{VIRTUAL_DIR}{i}/{name}.rights")))
}

/// Where documents with no file are placed: below a path that is a file, so
/// nothing can be read or found there.
const VIRTUAL_DIR: &str = "/dev/null/document-";

/// The URIs of documents with no file, by number.
static VIRTUAL: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn virtual_uri(path: &Path) -> Option<String> {
    let rest = path.to_str()?.strip_prefix(VIRTUAL_DIR)?;
    let i: usize = rest.split('/').next()?.parse().ok()?;
    VIRTUAL.lock().ok()?.get(i).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip_with_spaces_and_non_ascii() {
        let p = PathBuf::from("/tmp/a b/é.rights");
        let Some(u) = path_to_uri(&p) else {
            unreachable!("no uri")
        };
        assert_eq!(u.as_str(), "file:///tmp/a%20b/%C3%A9.rights");
        assert_eq!(uri_to_path(&u), Some(p));
    }

    #[test]
    fn a_document_without_a_file_round_trips() {
        let Ok(u) = Uri::from_str("untitled:Untitled-1") else {
            unreachable!("no uri")
        };
        let Some(p) = uri_to_path(&u) else {
            unreachable!("no path")
        };
        assert!(p.to_string_lossy().ends_with("Untitled-1.rights"), "{p:?}");
        assert_eq!(
            path_to_uri(&p).map(|x| x.as_str().to_string()),
            Some(u.as_str().to_string())
        );
        assert!(!p.exists());
    }
}
