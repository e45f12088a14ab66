//! The editor's notifications: documents opened, changed (incremental
//! edits applied), saved and closed, files changed on disk, settings and
//! workspace folders changed. Each marks the text dirty for the next
//! analysis.

use super::analysis::{uri_to_file_path, uri_to_path};
use super::{convert, Server};
use convert::Encoding;
use lsp_server::Notification;
use lsp_types::*;

impl Server {
    pub(crate) fn notify(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    if let Some(path) = uri_to_path(&p.text_document.uri) {
                        self.versions.insert(path.clone(), p.text_document.version);
                        self.reshow.insert(path.clone());
                        self.open.insert(path, p.text_document.text);
                        self.dirty = true;
                    }
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    if let Some(path) = uri_to_path(&p.text_document.uri) {
                        let text = match self.open.remove(&path) {
                            Some(t) => t,
                            None => std::fs::read_to_string(&path).unwrap_or_default(),
                        };
                        let text = apply_changes(text, &p.content_changes, self.enc);
                        self.versions.insert(path.clone(), p.text_document.version);
                        self.open.insert(path, text);
                        self.dirty = true;
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    if let Some(path) = uri_to_path(&p.text_document.uri) {
                        self.open.remove(&path);
                        self.versions.remove(&path);
                        self.reshow.insert(path.clone());
                        // the disk has the last word again
                        self.disk.changed(&path);
                        self.dirty = true;
                    }
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) {
                    if let Some(path) = uri_to_path(&p.text_document.uri) {
                        self.disk.changed(&path);
                    }
                }
                self.dirty = true;
            }
            "workspace/didChangeWatchedFiles" => {
                match serde_json::from_value::<DidChangeWatchedFilesParams>(n.params) {
                    Ok(p) => {
                        for c in &p.changes {
                            match uri_to_file_path(&c.uri) {
                                Some(path) => self.disk.changed(&path),
                                None => self.disk.forget(),
                            }
                        }
                    }
                    Err(_) => self.disk.forget(),
                }
                self.dirty = true;
            }
            "workspace/didChangeConfiguration" => {
                if let Ok(p) = serde_json::from_value::<DidChangeConfigurationParams>(n.params) {
                    self.configure(&p.settings);
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                if let Ok(p) = serde_json::from_value::<DidChangeWorkspaceFoldersParams>(n.params) {
                    for f in &p.event.removed {
                        if let Some(path) = uri_to_file_path(&f.uri) {
                            self.folders.retain(|x| *x != path);
                        }
                    }
                    self.folders.extend(
                        p.event
                            .added
                            .iter()
                            .filter_map(|f| uri_to_file_path(&f.uri)),
                    );
                    self.disk.forget();
                    self.dirty = true;
                }
            }
            _ => {}
        }
    }
}

/// A document's text after the editor's changes (a change without a range
/// replaces the whole text).
fn apply_changes(
    mut text: String,
    changes: &[TextDocumentContentChangeEvent],
    enc: Encoding,
) -> String {
    for c in changes {
        match c.range {
            None => text = c.text.clone(),
            Some(r) => {
                let start = convert::offset(&text, r.start, enc);
                let end = convert::offset(&text, r.end, enc).max(start);
                text.replace_range(start..end, &c.text);
            }
        }
    }
    text
}
