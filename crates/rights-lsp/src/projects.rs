//! The projects the server serves: one analysis per project
//! ([`crate::project::gather`] says which projects there are and what each
//! reads), which project a document belongs to, and which analyses a change
//! makes stale. A project whose texts did not change keeps its analysis;
//! one whose texts changed gives its analysis to the worker (the new one
//! starts from it) and is not served until the new one is in, but for
//! completion, which the names of its last analysis answer meanwhile.

use crate::analysis::{uri_to_path, Analysis, Inputs};
use crate::complete::Names;
use crate::project::ProjectKey;
use crate::sema::model::Policy;
use crate::worker::Build;
use lsp_types::Uri;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One project and its latest analysis.
pub struct Served {
    pub key: ProjectKey,
    pub analysis: Analysis,
    /// The analysis this one is (lint's findings for an older one are
    /// dropped).
    pub generation: u64,
}

/// What completion needs of a project's last analysis: its names, and the
/// labels and docs of its policy (the last one that compiled).
#[derive(Clone)]
pub struct ForCompletion {
    pub names: Arc<Names>,
    pub policy: Option<Arc<Policy>>,
}

/// Every project, in the order of their keys.
pub struct Projects {
    /// The projects served: analysed, and not being analysed again.
    pub list: Vec<Served>,
    /// Answers for a document in no project (none open yet).
    empty: Analysis,
    generations: u64,
    /// Every project as last gathered (those being analysed too), in order.
    order: Vec<ProjectKey>,
    /// The project of each file last gathered.
    owner: HashMap<PathBuf, ProjectKey>,
    /// Projects being analysed again (not in `list`), each with a
    /// fingerprint of the texts sent: the same texts are not sent again.
    analysing: HashMap<ProjectKey, u64>,
    /// Per project, from its latest analysis: what completion needs.
    completion: HashMap<ProjectKey, ForCompletion>,
}

impl Default for Projects {
    fn default() -> Projects {
        Projects {
            list: Vec::new(),
            empty: Analysis::empty(),
            generations: 0,
            order: Vec::new(),
            owner: HashMap::new(),
            analysing: HashMap::new(),
            completion: HashMap::new(),
        }
    }
}

impl Projects {
    /// How many analyses were installed so far.
    #[cfg(test)]
    pub fn generations(&self) -> u64 {
        self.generations
    }

    /// Forgets what was sent to a worker that is gone: every project is
    /// sent again, from scratch, to the next.
    pub fn forget_sent(&mut self) {
        self.analysing.clear();
    }

    /// The projects as they are now: those whose texts did not change keep
    /// their analysis; the others are returned, to be analysed again (each
    /// with the analysis it replaces, taken out of `list`). Install the new
    /// analyses with [`Projects::install`]. A project being analysed whose
    /// texts are those it was sent with is not sent again: when nothing else
    /// changed, nothing is returned (the analysis running goes on); when
    /// something did, it goes with the new job (the worker keeps what it
    /// had done of it).
    pub fn plan(&mut self, now: Vec<(ProjectKey, Inputs)>) -> Vec<Build> {
        let mut old: HashMap<ProjectKey, Served> = std::mem::take(&mut self.list)
            .into_iter()
            .map(|s| (s.key.clone(), s))
            .collect();
        self.order.clear();
        self.owner.clear();
        let mut builds = Vec::new();
        let mut running = Vec::new();
        for (key, inputs) in now {
            for (p, _) in inputs.policy.iter().chain(&inputs.data) {
                self.owner.insert(p.clone(), key.clone());
            }
            self.order.push(key.clone());
            match old.remove(&key) {
                Some(s) if s.analysis.reads(&inputs) => self.list.push(s),
                before => {
                    let sent = fingerprint(&inputs);
                    let build = Build {
                        key,
                        inputs,
                        previous: before.map(|s| s.analysis.into_previous()),
                    };
                    if build.previous.is_none() && self.analysing.get(&build.key) == Some(&sent) {
                        running.push(build);
                    } else {
                        self.analysing.insert(build.key.clone(), sent);
                        builds.push(build);
                    }
                }
            }
        }
        let order = &self.order;
        self.analysing.retain(|k, _| order.contains(k));
        self.completion.retain(|k, _| order.contains(k));
        if !builds.is_empty() {
            builds.extend(running);
        }
        builds
    }

    /// New analyses in: every project served again, in order. Returns the
    /// indexes of the new analyses.
    pub fn install(&mut self, built: Vec<(ProjectKey, Analysis)>) -> Vec<usize> {
        let mut built: HashMap<ProjectKey, Analysis> = built.into_iter().collect();
        let mut kept: HashMap<ProjectKey, Served> = std::mem::take(&mut self.list)
            .into_iter()
            .map(|s| (s.key.clone(), s))
            .collect();
        let mut fresh = Vec::new();
        for key in &self.order {
            if let Some(analysis) = built.remove(key) {
                self.generations += 1;
                self.analysing.remove(key);
                // labels and docs from the last policy that compiled
                let policy = analysis
                    .ws
                    .program()
                    .map(|p| p.policy.clone())
                    .or_else(|| self.completion.get(key).and_then(|c| c.policy.clone()));
                let names = analysis.names.clone();
                self.completion
                    .insert(key.clone(), ForCompletion { names, policy });
                fresh.push(self.list.len());
                self.list.push(Served {
                    key: key.clone(),
                    analysis,
                    generation: self.generations,
                });
            } else if let Some(s) = kept.remove(key) {
                self.list.push(s);
            }
        }
        fresh
    }

    /// Whether a document's project is being analysed (or the document is
    /// in no project yet while some analysis runs): its requests wait.
    pub fn waits(&self, path: Option<&Path>) -> bool {
        if self.analysing.is_empty() {
            return false;
        }
        match path.and_then(|p| self.owner.get(p)) {
            Some(key) => self.analysing.contains_key(key),
            None => path.is_none_or(|p| self.of_path(p).is_none()),
        }
    }

    /// Every file of every project as last gathered (those being analysed
    /// included).
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.owner.keys()
    }

    /// What completion needs for a document: its project's, from its
    /// latest analysis (being analysed again or not).
    pub fn for_completion(&self, path: &Path) -> Option<&ForCompletion> {
        self.completion.get(self.owner.get(path)?)
    }

    /// How many bytes of text the projects of `now` not analysed yet hold.
    pub fn new_bytes(&self, now: &[(ProjectKey, Inputs)]) -> usize {
        now.iter()
            .filter(|(k, _)| !self.completion.contains_key(k))
            .filter(|(k, _)| !self.list.iter().any(|s| s.key == *k))
            .flat_map(|(_, i)| i.policy.iter().chain(&i.data))
            .map(|(_, t)| t.len())
            .sum()
    }

    /// The project a file belongs to.
    pub fn of_path(&self, path: &Path) -> Option<usize> {
        self.list
            .iter()
            .position(|s| s.analysis.file_of(path).is_some())
    }

    /// The analysis that answers for a document (an empty one for a
    /// document in no project); without a document, the first folder's.
    pub fn for_uri(&self, uri: Option<&Uri>) -> &Analysis {
        let served = match uri {
            Some(u) => uri_to_path(u)
                .and_then(|p| self.of_path(&p))
                .and_then(|i| self.list.get(i)),
            None => self
                .list
                .iter()
                .find(|s| matches!(s.key, ProjectKey::Root(_)))
                .or(self.list.first()),
        };
        served.map_or(&self.empty, |s| &s.analysis)
    }

    /// The analysis with this generation, if it is still the current one.
    pub fn current(&mut self, generation: u64) -> Option<&mut Served> {
        self.list.iter_mut().find(|s| s.generation == generation)
    }

    /// Whether every project's diagnostics are complete (lint's included).
    pub fn settled(&self) -> bool {
        self.analysing.is_empty() && self.list.iter().all(|s| s.analysis.linted)
    }
}

/// A fingerprint of a project's texts (their paths and contents).
fn fingerprint(inputs: &Inputs) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    inputs.policy.hash(&mut h);
    inputs.data.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(text: &str) -> Inputs {
        Inputs {
            policy: vec![(PathBuf::from("/p/a.rights"), text.to_string())],
            data: Vec::new(),
        }
    }

    /// A project being analysed is not sent again with the texts it was sent
    /// with (the analysis running goes on); with other texts it is, and so
    /// is it when another project changes (the new job replaces the old).
    #[test]
    fn a_project_being_analysed_is_not_sent_again_unchanged() {
        let (a, b) = (
            ProjectKey::Root(PathBuf::from("/p")),
            ProjectKey::Root(PathBuf::from("/q")),
        );
        let mut projects = Projects::default();
        let sent = projects.plan(vec![(a.clone(), inputs("right r"))]);
        assert_eq!(sent.len(), 1);
        assert!(projects.waits(Some(Path::new("/p/a.rights"))));
        // the same texts again (a look at the disk, a save): nothing to send
        assert!(projects
            .plan(vec![(a.clone(), inputs("right r"))])
            .is_empty());
        // a new text: sent
        let sent = projects.plan(vec![(a.clone(), inputs("right s"))]);
        assert_eq!(sent.len(), 1);
        // another project appears: both go in the new job
        let sent = projects.plan(vec![(a.clone(), inputs("right s")), (b, inputs("right t"))]);
        let keys: Vec<&ProjectKey> = sent.iter().map(|b| &b.key).collect();
        assert_eq!(keys.len(), 2);
        assert!(keys.contains(&&a));
    }
}
