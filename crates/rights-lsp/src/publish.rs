//! What the editor is told after an analysis: lint runs on a thread of its
//! own (one at a time); each project's diagnostics are published when complete (with the
//! versions of open documents), those of files no longer in a project
//! cleared; clients that can be told are asked to refresh lenses and
//! tokens; `$/rights/analysed` says when everything is complete.

use super::analysis::{path_to_uri, Analysis};
use super::{diagnostics, send, Server};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

impl Server {
    /// After an analysis: what lint has nothing to add to is published now;
    /// the rest is linted on other threads (requests are answered
    /// meanwhile) and published when done, so that findings do not flicker
    /// away while typing.
    ///
    /// One lint runs at a time: the next starts when it is done, on the
    /// analysis current then (a lint of a text typed over is not waited
    /// for, and does not hold on to that analysis's workspace for long).
    pub(crate) fn settle(&mut self, conn: &Connection) {
        let next = self
            .projects
            .list
            .iter()
            .find(|s| !s.analysis.linted && !self.linting.contains(&s.generation));
        if let (true, Some(s)) = (self.linting.is_empty(), next) {
            self.linting.insert(s.generation);
            let ws = s.analysis.ws.clone();
            let tx = self.lint_tx.clone();
            let generation = s.generation;
            std::thread::spawn(move || {
                // a bug in lint: the project's check diagnostics are published
                // all the same, rather than nothing ever
                let findings =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Analysis::lint(&ws)))
                        .unwrap_or_else(|_| ws.diagnostics().to_vec());
                // the receiver may be gone (the server stopped): nothing to do then
                let _ = tx.send((generation, findings));
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
            // the next project's lint, and what is complete published
            self.settle(conn);
        }
    }

    /// One file's diagnostics, with the version of its text where it is open.
    fn publish_file(&self, conn: &Connection, path: &Path, diagnostics: Vec<Diagnostic>) {
        let Some(uri) = path_to_uri(path) else {
            return;
        };
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: self.versions.get(path).copied(),
        };
        let n = Notification::new("textDocument/publishDiagnostics".into(), params);
        send(conn, Message::Notification(n));
    }

    /// Publishes the diagnostics of every project whose analysis is
    /// complete and not yet shown (with the version of an open document's
    /// text), clears those of files no project holds any more, and says
    /// `$/rights/analysed` when every project is complete.
    pub(crate) fn publish(&mut self, conn: &Connection) {
        let mut now = Vec::new();
        let mut changed = false;
        let mut sent = false;
        let reshow = std::mem::take(&mut self.reshow);
        for s in &self.projects.list {
            let a = &s.analysis;
            now.extend(a.paths.iter().cloned());
            if !a.linted {
                continue;
            }
            // a new analysis: every file; else the documents opened or
            // closed since (their versions changed), and nothing more
            let fresh = self.shown.get(&s.key) != Some(&s.generation);
            let again: Vec<usize> = if fresh {
                (0..a.paths.len()).collect()
            } else {
                reshow
                    .iter()
                    .filter_map(|p| a.file_of(p))
                    .map(|f| f.0 as usize)
                    .collect()
            };
            if again.is_empty() {
                continue;
            }
            changed |= fresh;
            self.shown.insert(s.key.clone(), s.generation);
            sent = true;
            let mut by_file = diagnostics::all(a, self.enc);
            for i in again {
                if let Some(path) = a.paths.get(i) {
                    let list = by_file.remove(&(i as u32)).unwrap_or_default();
                    self.publish_file(conn, path, list);
                }
            }
        }
        // files of a project being analysed keep theirs until it is done
        let listed: std::collections::HashSet<&PathBuf> = now.iter().collect();
        let held: std::collections::HashSet<&PathBuf> = self.projects.files().collect();
        let mut analysing = Vec::new();
        for p in &self.published {
            if listed.contains(p) {
                continue;
            }
            if held.contains(p) {
                analysing.push(p.clone());
            } else {
                sent = true;
                self.publish_file(conn, p, Vec::new());
            }
        }
        self.shown
            .retain(|k, _| self.projects.list.iter().any(|s| s.key == *k));
        now.extend(analysing);
        self.published = now;
        self.flush_outbox(conn);
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
                    json!({
                        "generation": generation.unwrap_or(0),
                        "given_up": self.worker.given_up.load(std::sync::atomic::Ordering::Relaxed),
                    }),
                )),
            );
        }
    }
}
