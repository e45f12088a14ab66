//! The server without a client, for benchmarks and scaling tests (the
//! `bench` feature).

use super::convert::Encoding;
use super::{diagnostics, RequestError, Server};
use lsp_server::{Request, RequestId};
use serde_json::Value;
use std::path::PathBuf;

/// The server without a client, for benchmarks: documents given as open
/// texts, requests answered in process (the handlers `rights lsp` runs).
/// Only with the `bench` feature, which the benchmarks turn on: it is not
/// part of the shipped library.
pub struct InProcess {
    server: Server,
}

impl InProcess {
    /// A server on `folder` with these texts open (UTF-16 positions).
    pub fn new(folder: PathBuf, open: Vec<(PathBuf, String)>, data: Vec<PathBuf>) -> InProcess {
        let mut server = Server::with(vec![folder], Encoding::Utf16);
        // as with an editor that watches files for the server (VS Code)
        server.watched = true;
        server.data = data;
        server.open = open.into_iter().collect();
        server.analyse();
        InProcess { server }
    }

    /// A keystroke's work: the new text analysed and its diagnostics made;
    /// returns how many diagnostics there are.
    pub fn change(&mut self, path: PathBuf, text: String) -> usize {
        self.server.open.insert(path, text);
        self.server.analyse();
        // the whole work, lint included, on this thread
        let enc = self.server.enc;
        let mut n = 0;
        for s in &mut self.server.projects.list {
            s.analysis.lint_now();
            n += diagnostics::all(&s.analysis, enc)
                .values()
                .map(Vec::len)
                .sum::<usize>();
        }
        n
    }

    /// One request's answer (or its error message).
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let req = Request::new(RequestId::from(1), method.to_string(), params);
        self.server.answer(req).map_err(|RequestError(_, m)| m)
    }
}
