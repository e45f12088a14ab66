//! The message loop's own tests: a worker gone, a job done but not read.
use super::*;
use std::time::Duration;

/// Waits until the worker's thread is gone (its channel closed).
fn gone(s: &Server) -> bool {
    matches!(
        s.worker.done.recv_timeout(Duration::from_secs(10)),
        Err(crossbeam_channel::RecvTimeoutError::Disconnected)
    )
}

#[test]
fn a_worker_gone_is_replaced_and_the_projects_analysed_again() {
    let (conn, client) = Connection::memory();
    let mut s = Server::with(Vec::new(), Encoding::Utf16);
    let deaths = |s: &mut Server| {
        s.dirty = false;
        s.worker = worker::Worker::spawn_dying();
        assert!(gone(s));
        s.worker_gone(&conn);
        // the new worker answers
        let id = s.worker.send(Vec::new());
        let done = s.worker.done.recv_timeout(Duration::from_secs(10));
        assert_eq!(done.map(|f| f.id).ok(), Some(id));
    };
    deaths(&mut s);
    // every project to be analysed again, the client told in its log
    assert!(s.dirty);
    let told = |method: &str, words: &str| {
        client.receiver.try_iter().any(|m| match m {
            Message::Notification(n) => n.method == method && n.params.to_string().contains(words),
            _ => false,
        })
    };
    assert!(told("window/logMessage", "another analyses every project"));
    for _ in 0..schedule::MAX_WORKER_DEATHS {
        deaths(&mut s);
    }
    // workers gone again and again: no analysis at once (it would fail
    // again), the user told; the next change is analysed
    assert!(!s.dirty);
    assert!(told("window/showMessage", "tried again at the next change"));
}

#[test]
fn a_job_done_but_not_yet_read_is_where_the_next_one_starts() {
    let dir = std::env::temp_dir().join(format!("rights-lsp-race-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok();
    let path = dir.join("p.rights");
    let text = "right r\nrole a { grant r }\nuser jane { roles a }\n";
    std::fs::write(&path, text).ok();
    let uri = analysis::path_to_uri(&path);
    assert!(uri.is_some(), "{path:?} has no URI");
    let Some(uri) = uri else { return };
    let mut s = Server::with(vec![dir.clone()], Encoding::Utf16);
    let open = |s: &mut Server, version: i32, text: &str| {
        s.notify(Notification::new(
            "textDocument/didOpen".into(),
            DidOpenTextDocumentParams {
                text_document: TextDocumentItem {
                    uri: uri.clone(),
                    language_id: "rights".into(),
                    version,
                    text: text.into(),
                },
            },
        ));
    };
    open(&mut s, 1, text);
    s.start_analysis(None);
    // the job done, its result not read by the loop
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while s.worker.done.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(s.worker.done.len(), 1);
    assert_eq!(s.projects.list.len(), 0, "nothing installed yet");
    // an edit: the next job starts from the finished one's analysis,
    // which is installed first (not dropped as stale)
    open(&mut s, 2, &format!("{text}user bob {{ roles a }}\n"));
    s.start_analysis(None);
    assert_eq!(
        s.projects.generations(),
        1,
        "the first job's analysis installed"
    );
    let f = s.worker.done.recv_timeout(Duration::from_secs(20));
    assert!(f.is_ok());
    if let Ok(f) = f {
        s.finished(None, f);
    }
    assert_eq!(s.projects.generations(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}
