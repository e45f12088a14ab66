//! When analyses start and which requests wait for one: the current texts
//! are gathered and the projects whose texts changed sent to the worker
//! (progress shown where it may be slow); a request about a project being
//! analysed waits in a queue, answered when the analysis of its newest text
//! is in (or cancelled); completion and other projects' requests do not wait.

use super::analysis::{self, uri_to_path};
use super::{progress, request_uri, respond, send, worker, Server};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::*;

/// How many workers in a row may be found gone before the projects wait for
/// a change to be analysed again.
pub(crate) const MAX_WORKER_DEATHS: u32 = 3;

impl Server {
    /// Starts analysing the current text of every project whose texts
    /// changed (lint excepted: [`Server::settle`] starts it), on the
    /// worker; an analysis running is given up. A client that shows
    /// progress is told when the analysis may be slow: the last one took
    /// longer than `progress_after`, or a project is analysed for the
    /// first time with more than 4 MB of text.
    pub(crate) fn start_analysis(&mut self, conn: Option<&Connection>) {
        // a job the worker finished that the loop has not read yet: in
        // first, so that its analyses are where the next job starts (read
        // after the next job was sent, it was given up as stale, and the
        // next job parsed every file of its projects again from nothing)
        let mut drained = false;
        while let Ok(f) = self.worker.done.try_recv() {
            self.finished(conn, f);
            drained = true;
        }
        self.start_planned(conn);
        // requests that waited for what was drained (those about projects
        // planned again go on waiting)
        if let (true, Some(conn)) = (drained, conn) {
            self.answer_waiting(conn);
        }
    }

    /// [`Server::start_analysis`] once the finished jobs are in.
    fn start_planned(&mut self, conn: Option<&Connection>) {
        if !self.watched {
            // nobody tells us of changes on disk: look (by file stamps)
            self.disk.refresh();
        }
        let (now, problems) =
            analysis::gather(&self.folders, &self.open, &self.data, &mut self.disk);
        self.dirty = false;
        for p in problems {
            if !self.problems.contains(&p) {
                self.outbox.push(Notification::new(
                    "window/showMessage".into(),
                    ShowMessageParams {
                        typ: MessageType::WARNING,
                        message: format!("rights: {p}"),
                    },
                ));
                self.problems.push(p);
            }
        }
        let first_bytes = self.projects.new_bytes(&now);
        let files: usize = now.iter().map(|(_, i)| i.policy.len() + i.data.len()).sum();
        let builds = self.projects.plan(now);
        if builds.is_empty() {
            if !self.worker.busy() {
                // nothing changed but the projects there are
                self.projects.install(Vec::new());
                self.announce |= self.projects.list.is_empty();
            }
            // else the analysis running is of these very texts: it goes on
            return;
        }
        let slow = self.last_analysis >= self.progress_after || first_bytes > 4 << 20;
        if let (Some(conn), true, true, None) =
            (conn, slow, self.shows_progress, self.progress.as_ref())
        {
            self.requests_sent += 1;
            let token = format!("rights-analysis-{}", self.requests_sent);
            let create = WorkDoneProgressCreateParams {
                token: NumberOrString::String(token.clone()),
            };
            send(
                conn,
                Message::Request(Request::new(
                    RequestId::from(token.clone()),
                    "window/workDoneProgress/create".into(),
                    create,
                )),
            );
            progress(
                conn,
                &token,
                WorkDoneProgress::Begin(WorkDoneProgressBegin {
                    title: "rights: analysing".into(),
                    cancellable: Some(false),
                    message: Some(format!("{files} files")),
                    percentage: None,
                }),
            );
            self.progress = Some(token);
        }
        self.worker.send(builds);
    }

    /// The worker's thread is gone (a panic outside an analysis, which
    /// catches its own): a new one takes its place, and nothing is left
    /// waiting for the job that was lost (what was sent is forgotten, the
    /// requests that waited are answered from the last analyses, the
    /// progress shown ends). The projects are analysed again at once,
    /// unless workers went this way several times in a row: then at the
    /// next change, and the user is told.
    pub(crate) fn worker_gone(&mut self, conn: &Connection) {
        self.worker_deaths += 1;
        self.worker = worker::Worker::spawn();
        self.projects.forget_sent();
        if let Some(token) = self.progress.take() {
            progress(
                conn,
                &token,
                WorkDoneProgress::End(WorkDoneProgressEnd { message: None }),
            );
        }
        self.outbox
            .push(if self.worker_deaths <= MAX_WORKER_DEATHS {
                self.dirty = true;
                Notification::new(
                    "window/logMessage".into(),
                    LogMessageParams {
                        typ: MessageType::WARNING,
                        message:
                            "rights: the analysis thread stopped; another analyses every project"
                                .into(),
                    },
                )
            } else {
                Notification::new(
                    "window/showMessage".into(),
                    ShowMessageParams {
                        typ: MessageType::ERROR,
                        message: "rights: the analysis keeps failing (an internal error, please \
                              report it); it is tried again at the next change"
                            .into(),
                    },
                )
            });
        self.answer_waiting(conn);
        self.flush_outbox(conn);
    }

    /// An analysis done on the worker: installed if it is the latest.
    pub(crate) fn finished(&mut self, conn: Option<&Connection>, f: worker::Finished) {
        let Some(f) = self.worker.take(f) else {
            return;
        };
        self.worker_deaths = 0;
        self.last_analysis = f.took;
        let fresh = self.projects.install(f.built);
        self.announce |= !fresh.is_empty() || self.projects.list.is_empty();
        if let (Some(conn), Some(token)) = (conn, self.progress.take()) {
            progress(
                conn,
                &token,
                WorkDoneProgress::End(WorkDoneProgressEnd { message: None }),
            );
        }
    }

    /// Whether a request is answered now: its document's project is not
    /// being analysed, or it is a completion and the project's names are
    /// known (completion reads the document's current text).
    pub(crate) fn answers_now(&self, req: &Request) -> bool {
        let path = request_uri(req).as_ref().and_then(uri_to_path);
        if req.method == "textDocument/completion"
            && path
                .as_ref()
                .is_some_and(|p| self.projects.for_completion(p).is_some())
        {
            return true;
        }
        !self.projects.waits(path.as_deref())
    }

    /// Answers a request (formatting on a thread of its own).
    pub(crate) fn handle(&mut self, conn: &Connection, req: Request) {
        if matches!(
            req.method.as_str(),
            "textDocument/formatting" | "textDocument/rangeFormatting"
        ) {
            self.format_later(conn, req);
            return;
        }
        let id = req.id.clone();
        let resp = respond(id, || self.answer(req));
        send(conn, Message::Response(resp));
        self.flush_outbox(conn);
    }

    /// Answers the requests that waited for an analysis now in, in the
    /// order they came (those whose project is being analysed again go on
    /// waiting).
    pub(crate) fn answer_waiting(&mut self, conn: &Connection) {
        for req in std::mem::take(&mut self.waiting) {
            if self.answers_now(&req) {
                self.handle(conn, req);
            } else {
                self.waiting.push(req);
            }
        }
    }

    /// `$/cancelRequest`: a request still waiting is answered as cancelled.
    pub(crate) fn cancel(&mut self, conn: &Connection, n: &Notification) {
        let Ok(p) = serde_json::from_value::<CancelParams>(n.params.clone()) else {
            return;
        };
        let id = match p.id {
            NumberOrString::Number(i) => RequestId::from(i),
            NumberOrString::String(s) => RequestId::from(s),
        };
        if let Some(i) = self.waiting.iter().position(|r| r.id == id) {
            let req = self.waiting.remove(i);
            send(
                conn,
                Message::Response(Response::new_err(
                    req.id,
                    ErrorCode::RequestCanceled as i32,
                    "cancelled".into(),
                )),
            );
        }
    }
}
