//! The decision log: one JSON line per decision (time, request, decision,
//! revision, context facts relied on, latency), written by a thread of its
//! own from a bounded queue. A full queue drops the line (and counts it):
//! the log never holds up an answer.

use std::io::Write;
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};

/// How many lines may wait for the writer.
const QUEUE: usize = 4096;

pub struct Log {
    tx: SyncSender<String>,
}

impl Log {
    /// A log written to `out` (a file, standard output: the caller opens it).
    pub fn new(mut out: Box<dyn Write + Send>) -> Log {
        let (tx, rx) = sync_channel::<String>(QUEUE);
        std::thread::spawn(move || {
            while let Ok(line) = rx.recv() {
                let _ = writeln!(out, "{line}");
                // written out whenever the queue is empty: a reader (`tail
                // -f`) sees each line soon, and a burst is written at once
                for line in rx.try_iter() {
                    let _ = writeln!(out, "{line}");
                }
                let _ = out.flush();
            }
        });
        Log { tx }
    }

    /// Queues a line (one JSON object, without its line break); false when
    /// the queue is full (the line is dropped).
    pub fn write(&self, line: String) -> bool {
        !matches!(self.tx.try_send(line), Err(TrySendError::Full(_)))
    }
}
