//! Analyses on a thread of their own, so that the message loop never waits
//! for one: the loop sends a job (the projects whose texts changed, each
//! with the analysis it replaces) and goes on reading messages; the worker
//! sends the new analyses back. A newer job gives up the one running (it
//! stops between stages, and what it parsed is the next one's start).

use crate::analysis::{Analysis, Inputs, Previous};
use crate::project::ProjectKey;
use crossbeam_channel::{Receiver, Sender};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One project to analyse.
pub struct Build {
    pub key: ProjectKey,
    pub inputs: Inputs,
    /// The analysis this one replaces (`None`: the worker's own, from a job
    /// given up, or nothing).
    pub previous: Option<Previous>,
}

/// The projects to analyse, the latest texts of each.
pub struct Job {
    pub id: u64,
    pub builds: Vec<Build>,
    /// Set when a newer job is sent.
    pub cancel: Arc<AtomicBool>,
}

/// A job done: every project of it analysed.
pub struct Finished {
    pub id: u64,
    pub built: Vec<(ProjectKey, Analysis)>,
    pub took: Duration,
}

/// The loop's end of the worker.
pub struct Worker {
    jobs: Sender<Job>,
    pub done: Receiver<Finished>,
    /// The job running, if any (its `cancel`).
    running: Option<(u64, Arc<AtomicBool>)>,
    sent: u64,
    /// How many jobs were given up for a newer one (stopped half way or
    /// never started).
    pub given_up: Arc<AtomicU64>,
}

impl Worker {
    pub fn spawn() -> Worker {
        Worker::spawn_running(work)
    }

    /// A worker whose thread ends at once, as one that panicked outside an
    /// analysis would (for tests of the loop's recovery).
    #[cfg(test)]
    pub fn spawn_dying() -> Worker {
        Worker::spawn_running(|_, _, _| {})
    }

    fn spawn_running(run: fn(&Receiver<Job>, &Sender<Finished>, &AtomicU64)) -> Worker {
        let (jobs, job_rx) = crossbeam_channel::unbounded::<Job>();
        let (done_tx, done) = crossbeam_channel::unbounded();
        let given_up = Arc::new(AtomicU64::new(0));
        let counter = given_up.clone();
        std::thread::spawn(move || run(&job_rx, &done_tx, &counter));
        Worker {
            jobs,
            done,
            running: None,
            sent: 0,
            given_up,
        }
    }

    /// Sends a job, giving up the one running; returns its id.
    pub fn send(&mut self, builds: Vec<Build>) -> u64 {
        if let Some((_, cancel)) = &self.running {
            cancel.store(true, Ordering::Relaxed);
        }
        self.sent += 1;
        let cancel = Arc::new(AtomicBool::new(false));
        self.running = Some((self.sent, cancel.clone()));
        // the worker gone (it never ends before the loop): nothing to do
        let _ = self.jobs.send(Job {
            id: self.sent,
            builds,
            cancel,
        });
        self.sent
    }

    /// Whether a job is running.
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// A job's result: `Some` if it is the latest job's (then nothing runs).
    pub fn take(&mut self, f: Finished) -> Option<Finished> {
        match &self.running {
            Some((id, _)) if *id == f.id => {
                self.running = None;
                Some(f)
            }
            _ => None,
        }
    }
}

/// The worker's loop: the latest job each time (those sent before it are
/// given up), until the loop's end is dropped.
fn work(jobs: &Receiver<Job>, done: &Sender<Finished>, given_up: &AtomicU64) {
    // what jobs given up had parsed, by project
    let mut parked: HashMap<ProjectKey, Previous> = HashMap::new();
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            // the older job's analyses to replace are the newer one's start
            for b in job.builds {
                if let Some(p) = b.previous {
                    parked.insert(b.key, p);
                }
            }
            job = newer;
            given_up.fetch_add(1, Ordering::Relaxed);
        }
        let started = Instant::now();
        let mut built = Vec::new();
        let mut builds = job.builds.into_iter();
        let mut gave_up = false;
        for b in builds.by_ref() {
            let previous = b.previous.or_else(|| parked.remove(&b.key));
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                Analysis::build(&b.inputs, previous, &job.cancel)
            }));
            match result {
                Ok(Ok(a)) => built.push((b.key, a)),
                Ok(Err(partial)) => {
                    parked.insert(b.key, partial);
                    gave_up = true;
                    break;
                }
                // a bug in the analysis: the project is analysed afresh
                // next time, and this one has nothing rather than no end
                Err(_) => built.push((b.key, Analysis::empty())),
            }
        }
        if gave_up || job.cancel.load(Ordering::Relaxed) {
            given_up.fetch_add(1, Ordering::Relaxed);
            for b in builds {
                if let Some(p) = b.previous {
                    parked.insert(b.key, p);
                }
            }
            for (key, a) in built {
                parked.insert(key, a.into_previous());
            }
            continue;
        }
        // projects gone from the workspace: nothing to start from
        parked.clear();
        let f = Finished {
            id: job.id,
            built,
            took: started.elapsed(),
        };
        if done.send(f).is_err() {
            return;
        }
    }
}
