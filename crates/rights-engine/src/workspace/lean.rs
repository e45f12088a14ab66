//! The lean load ([`Workspace::load_to_answer`]): a data file's users are
//! read from its JSON a batch at a time while they are resolved, each
//! batch's syntax dropped once resolved, so the syntax of every user never
//! exists at once (a million users: about 1.7 GB of it, all fresh memory
//! the kernel clears). What their entries get wrong joins the rest of their
//! file's reading diagnostics, in the order a full read gives.

use super::{TextKind, Workspace};
use crate::diag::Diagnostic;
use crate::sema;
use crate::source::{FileId, Origin};
use crate::syntax::ast;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

/// A data text's users left unread: where each entry is, and where the
/// text's reading diagnostics are in the workspace's.
#[derive(Clone, Debug)]
pub(super) struct Deferred {
    spans: Vec<(u32, u32)>,
    diags: Range<usize>,
}

/// The users of the data texts a lean load read, read a batch at a time
/// (see the module).
#[derive(Default)]
pub(super) struct JsonUsers {
    texts: Vec<Unread>,
    /// The text being read, and its next entry.
    at: (usize, usize),
    /// Users read and not yet handed out.
    ready: std::vec::IntoIter<ast::UserDecl>,
}

/// A data text whose users are still to be read.
struct Unread {
    file: FileId,
    text: Arc<String>,
    deferred: Deferred,
    /// What was found wrong in its entries read so far.
    found: Vec<Diagnostic>,
}

/// How many entries are read at once (on every core, each read on threads
/// started for it: fewer, longer reads start fewer threads).
const READ_AT_ONCE: usize = 1 << 15;

impl sema::UserBatches for JsonUsers {
    fn count(&self) -> usize {
        self.texts.iter().map(|t| t.deferred.spans.len()).sum()
    }

    fn next_batch(&mut self, n: usize) -> Vec<ast::UserDecl> {
        if self.ready.len() == 0 {
            self.ready = self.read(READ_AT_ONCE).into_iter();
        }
        self.ready.by_ref().take(n.max(1)).collect()
    }
}

impl JsonUsers {
    /// Up to `n` more users read from their entries, in order; none only
    /// when there are no more.
    fn read(&mut self, n: usize) -> Vec<ast::UserDecl> {
        while let Some(t) = self.texts.get_mut(self.at.0) {
            let (k, from) = self.at;
            let spans = &t.deferred.spans;
            let to = from.saturating_add(n.max(1)).min(spans.len());
            let Some(batch) = spans.get(from..to).filter(|b| !b.is_empty()) else {
                self.at = (k + 1, 0);
                continue;
            };
            let (users, diags) = crate::data::read_users_at(t.file, &t.text, batch);
            t.found.extend(diags);
            self.at.1 = to;
            // a batch of entries without a usable id gives no user: on to
            // the next, since none means there are no more
            if !users.is_empty() {
                return users;
            }
        }
        Vec::new()
    }

    /// Reads every entry left (for what they get wrong, when nothing is
    /// resolved).
    pub(super) fn read_all(&mut self) {
        while !self.read(READ_AT_ONCE).is_empty() {}
    }
}

impl Workspace {
    /// [`Workspace::load`] for a command that only asks questions of the
    /// result (`check`, `query`, `doc`, `serve`): the data files' users are
    /// read and resolved a batch at a time, and the rest of their parsed
    /// entries dropped once resolved, before compiling, so the peak holds
    /// the model and the program but not the data's syntax tree. Checking
    /// again parses them again from their text.
    pub fn load_to_answer(policy_paths: &[PathBuf], data_paths: &[PathBuf]) -> Workspace {
        let mut ws = Workspace::read_with(policy_paths, data_paths, true);
        // only these files' users are read later: a data text added from
        // now on is read whole
        ws.defer_users = false;
        let mut users = ws.take_data_users();
        let (model, diags) = ws.resolve_all_with(&mut users);
        drop(users);
        // what the data texts still hold (resources, events, groups): gone too
        for t in ws.texts.iter_mut().filter(|t| t.released) {
            if let Some(parsed) = t.parsed.as_mut() {
                parsed.items = Vec::new();
            }
        }
        // the syntax is gone: its memory can go back before the compile
        crate::memory::freed();
        ws.commit(model, diags);
        ws
    }

    /// Adds a JSON data text read without its users (their entries are
    /// found, to be read by [`JsonUsers`]).
    pub(super) fn add_data_deferring_users(&mut self, origin: Origin, text: String) -> FileId {
        let from = self.read_diags.len();
        let mut spans = Vec::new();
        let id = self.add_parsed_by(origin, text, TextKind::Data, |id, file| {
            let (read, users) = crate::data::parse_json_deferring_users(id, &file.text);
            spans = users;
            super::data_parse(file, read)
        });
        let diags = from..self.read_diags.len();
        if let Some(t) = self.texts.last_mut().filter(|t| t.file == id) {
            if t.parsed.is_some() {
                t.deferred = Some(Deferred { spans, diags });
            }
        }
        id
    }

    /// The users left unread in the data texts, to be read a batch at a
    /// time (the texts are then released: parsed again whole when their
    /// entries are needed).
    pub(super) fn take_data_users(&mut self) -> JsonUsers {
        let mut users = JsonUsers::default();
        for t in &mut self.texts {
            let Some(deferred) = t.deferred.take() else {
                continue;
            };
            if let Some(source) = self.sources.get(t.file) {
                users.texts.push(Unread {
                    file: t.file,
                    text: source.text.clone(),
                    deferred,
                    found: Vec::new(),
                });
            }
            t.released = true;
        }
        users
    }

    /// What the users' entries got wrong, each with the rest of its text's
    /// reading diagnostics, in the order of a full read (by place).
    pub(super) fn add_users_read_diags(&mut self, users: &mut JsonUsers) {
        // the last text first: the earlier texts' places do not move
        for t in users.texts.iter_mut().rev() {
            let found = std::mem::take(&mut t.found);
            if found.is_empty() {
                continue;
            }
            let end = t.deferred.diags.end.min(self.read_diags.len());
            let start = t.deferred.diags.start.min(end);
            let added = found.len();
            self.read_diags.splice(end..end, found);
            if let Some(text) = self.read_diags.get_mut(start..end + added) {
                text.sort_by_key(|d| d.primary.as_ref().map(|(s, _)| s.start));
            }
        }
    }

    /// Parses again the data texts [`Workspace::load_to_answer`] released.
    pub(super) fn restore_released(&mut self) {
        for t in &mut self.texts {
            if !t.released {
                continue;
            }
            if let Some(source) = self.sources.get(t.file) {
                let read = crate::data::parse_json(t.file, &source.text);
                t.parsed = Some(ast::File { items: read.items });
            }
            t.released = false;
        }
    }
}
