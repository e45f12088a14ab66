//! What the editor is told after an analysis: lint runs on threads of its
//! own; each project's diagnostics are published when complete (with the
//! versions of open documents), those of files no longer in a project
//! cleared; clients that can be told are asked to refresh lenses and
//! tokens; `$/rights/analysed` says when everything is complete.

use super::analysis::{path_to_uri, Analysis};
use super::{diagnostics, send, Server};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::*;
use serde_json::{json, Value};

impl Server {
    /// After an analysis: what lint has nothing to add to is published now;
    /// the rest is linted on other threads (requests are answered
    /// meanwhile) and published when done, so that findings do not flicker
    /// away while typing.
    pub(crate) fn settle(&mut self, conn: &Connection) {
        for s in &self.projects.list {
            if s.analysis.linted || !self.linting.insert(s.generation) {
                continue;
            }
            let ws = s.analysis.ws.clone();
            let tx = self.lint_tx.clone();
            let generation = s.generation;
            std::thread::spawn(move || {
                // the receiver may be gone (the server stopped): nothing to do then
                let _ = tx.send((generation, Analysis::lint(&ws)));
            });
        }
        self.publish(conn);
    }

    /// Lint's findings arrived: kept (and published) if they are of a
    /// current analysis.
    pub(crate) fn linted(
        &mut self,
        conn: &Connection,
        generation: u64,
        findings: Vec<crate::diag::Diagnostic>,
    ) {
        self.linting.remove(&generation);
        if let Some(s) = self.projects.current(generation) {
            s.analysis.diagnostics = findings;
            s.analysis.linted = true;
        }
        if !self.dirty {
            self.publish(conn);
        }
    }

    /// Publishes the diagnostics of every project whose analysis is
    /// complete and not yet shown (with the version of an open document's
    /// text), clears those of files no project holds any more, and says
    /// `$/rights/analysed` when every project is complete.
    pub(crate) fn publish(&mut self, conn: &Connection) {
        let mut now = Vec::new();
        let mut changed = false;
        let mut sent = false;
        for s in &self.projects.list {
            let a = &s.analysis;
            now.extend(a.paths.iter().cloned());
            let stamp = (s.generation, self.opened);
            if !a.linted || self.shown.get(&s.key) == Some(&stamp) {
                continue;
            }
            changed |= self
                .shown
                .get(&s.key)
                .is_none_or(|(g, _)| *g != s.generation);
            self.shown.insert(s.key.clone(), stamp);
            sent = true;
            let by_file = diagnostics::all(a, self.enc);
            for (i, path) in a.paths.iter().enumerate() {
                let Some(uri) = path_to_uri(path) else {
                    continue;
                };
                let list = by_file.get(&(i as u32)).cloned().unwrap_or_default();
                let n = Notification::new(
                    "textDocument/publishDiagnostics".into(),
                    PublishDiagnosticsParams {
                        uri,
                        diagnostics: list,
                        version: self.versions.get(path).copied(),
                    },
                );
                send(conn, Message::Notification(n));
            }
        }
        let held: std::collections::HashSet<&std::path::PathBuf> = now.iter().collect();
        for gone in self.published.iter().filter(|p| !held.contains(p)) {
            sent = true;
            if let Some(uri) = path_to_uri(gone) {
                let n = Notification::new(
                    "textDocument/publishDiagnostics".into(),
                    PublishDiagnosticsParams {
                        uri,
                        diagnostics: Vec::new(),
                        version: self.versions.get(gone).copied(),
                    },
                );
                send(conn, Message::Notification(n));
            }
        }
        self.shown
            .retain(|k, _| self.projects.list.iter().any(|s| s.key == *k));
        self.published = now;
        for n in self.outbox.drain(..) {
            send(conn, Message::Notification(n));
        }
        if changed {
            for method in &self.refresh {
                self.requests_sent += 1;
                let id = RequestId::from(format!("rights-refresh-{}", self.requests_sent));
                send(
                    conn,
                    Message::Request(Request::new(id, (*method).into(), Value::Null)),
                );
            }
        }
        if self.projects.settled() && (sent || self.announce) {
            self.announce = false;
            // for clients and tests that wait for the complete diagnostics
            let generation = self.projects.list.iter().map(|s| s.generation).max();
            send(
                conn,
                Message::Notification(Notification::new(
                    "$/rights/analysed".into(),
                    json!({ "generation": generation.unwrap_or(0) }),
                )),
            );
        }
    }
}
