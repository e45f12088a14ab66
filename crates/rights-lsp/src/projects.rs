//! The projects the server serves: one analysis per project
//! ([`crate::project::gather`] says which projects there are and what each
//! reads), which project a document belongs to, and which analyses a change
//! makes stale. A project whose texts did not change keeps its analysis.

use crate::analysis::{uri_to_path, Analysis, Inputs};
use crate::project::ProjectKey;
use lsp_types::Uri;
use std::path::Path;

/// One project and its latest analysis.
pub struct Served {
    pub key: ProjectKey,
    pub analysis: Analysis,
    /// The analysis this one is (lint's findings for an older one are
    /// dropped).
    pub generation: u64,
}

/// Every project, in the order of their keys.
pub struct Projects {
    pub list: Vec<Served>,
    /// Answers for a document in no project (none open yet).
    empty: Analysis,
    generations: u64,
}

impl Default for Projects {
    fn default() -> Projects {
        Projects {
            list: Vec::new(),
            empty: Analysis::build(&Inputs::default(), None, true),
            generations: 0,
        }
    }
}

impl Projects {
    /// The projects as they are now: those whose texts changed are analysed
    /// again (lint excepted), the others kept. Returns the indexes of the
    /// new analyses.
    pub fn update(&mut self, now: Vec<(ProjectKey, Inputs)>) -> Vec<usize> {
        let mut old: Vec<Option<Served>> = std::mem::take(&mut self.list)
            .into_iter()
            .map(Some)
            .collect();
        let mut fresh = Vec::new();
        for (key, inputs) in now {
            let before = old
                .iter_mut()
                .find(|s| s.as_ref().is_some_and(|s| s.key == key))
                .and_then(Option::take);
            match before {
                Some(s) if s.analysis.reads(&inputs) => self.list.push(s),
                before => {
                    self.generations += 1;
                    let analysis = Analysis::build(&inputs, before.map(|s| s.analysis), false);
                    fresh.push(self.list.len());
                    self.list.push(Served {
                        key,
                        analysis,
                        generation: self.generations,
                    });
                }
            }
        }
        fresh
    }

    /// How many bytes of text the projects of `now` not analysed yet hold.
    pub fn new_bytes(&self, now: &[(ProjectKey, Inputs)]) -> usize {
        now.iter()
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
        self.list.iter().all(|s| s.analysis.linted)
    }
}
