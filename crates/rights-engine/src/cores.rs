//! Work shared out over the machine's cores: `map_chunks` and `jobs` are what
//! the engine and the tools use to split one piece of work for speed, `join`
//! runs two pieces at once (`diff` also loads its two versions side by side).
//! Results always come back in the order of the work, so what runs in
//! parallel says exactly what it says one by one; where a thread cannot be
//! started, its share runs on the calling thread.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

/// How many threads to use at most: one per core (asked once).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `f` of each of up to one chunk of `items` per core, the chunks in order;
/// no chunk smaller than `min` items (one chunk, on the calling thread, when
/// there are fewer than twice that).
pub fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    min: usize,
    f: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    map_chunks_on(cores(), items, min, f)
}

/// [`map_chunks`] on at most `threads` threads.
fn map_chunks_on<T: Sync, R: Send>(
    threads: usize,
    items: &[T],
    min: usize,
    f: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(items.len() / min.max(1)).max(1);
    if threads < 2 {
        return vec![f(items)];
    }
    let size = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let f = &f;
        let mut chunks = items.chunks(size);
        let first = chunks.next().unwrap_or_default();
        // the other chunks on threads of their own (or here, where a thread
        // cannot be started)
        let others: Vec<_> = chunks
            .map(|chunk| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || f(chunk))
                    .map_err(|_| chunk)
            })
            .collect();
        let mut out = vec![f(first)];
        for other in others {
            out.push(match other {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
                Err(chunk) => f(chunk),
            });
        }
        out
    })
}

/// `a()` and `b()` at once: `b` on a thread of its own when the machine
/// has more than one core and a thread can start (else after `a`, here).
pub fn join<A, B: Send>(a: impl FnOnce() -> A, b: impl Fn() -> B + Sync) -> (A, B) {
    join_on(cores(), a, b)
}

/// [`join`] on at most `threads` threads.
fn join_on<A, B: Send>(threads: usize, a: impl FnOnce() -> A, b: impl Fn() -> B + Sync) -> (A, B) {
    if threads < 2 {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let b = &b;
        let started = std::thread::Builder::new().spawn_scoped(scope, b);
        let x = a();
        let y = match started {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            Err(_) => b(),
        };
        (x, y)
    })
}

/// Runs `job(0)`, …, `job(n - 1)` on one thread per core (each thread takes
/// the next job not yet taken): the results in the jobs' order. After a job
/// fails no job is started; the error returned is that of the failed job
/// that comes first in order (whichever thread met it).
pub fn jobs<T: Send, E: Send>(
    n: usize,
    job: impl Fn(usize) -> Result<T, E> + Sync,
) -> Result<Vec<T>, E> {
    jobs_on(cores(), n, job)
}

/// What one thread did: its jobs' results, numbered, and the job it failed
/// on, if one did.
type Share<T, E> = (Vec<(usize, T)>, Option<(usize, E)>);

/// [`jobs`] on at most `threads` threads.
fn jobs_on<T: Send, E: Send>(
    threads: usize,
    n: usize,
    job: impl Fn(usize) -> Result<T, E> + Sync,
) -> Result<Vec<T>, E> {
    let threads = threads.min(n).max(1);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let work = || {
        let mut done = Vec::new();
        let mut error = None;
        while !failed.load(Ordering::Relaxed) {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= n {
                break;
            }
            match job(k) {
                Ok(t) => done.push((k, t)),
                Err(e) => {
                    failed.store(true, Ordering::Relaxed);
                    error = Some((k, e));
                    break;
                }
            }
        }
        (done, error)
    };
    let parts: Vec<Share<T, E>> = std::thread::scope(|scope| {
        // the other threads' work (none where a thread cannot start: the
        // calling thread then takes every job)
        let others: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        let mut parts = vec![work()];
        parts.extend(
            others
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
        );
        parts
    });
    let mut all = Vec::with_capacity(n);
    let mut first_error: Option<(usize, E)> = None;
    for (done, error) in parts {
        all.extend(done);
        if let Some((k, e)) = error {
            if first_error.as_ref().is_none_or(|(f, _)| k < *f) {
                first_error = Some((k, e));
            }
        }
    }
    if let Some((_, e)) = first_error {
        return Err(e);
    }
    all.sort_unstable_by_key(|&(k, _)| k);
    Ok(all.into_iter().map(|(_, t)| t).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Jobs run on several threads come back in the jobs' order, whichever
    /// thread ran them and whenever it finished (on 1, 3 and 7 threads,
    /// whatever the machine has).
    #[test]
    fn jobs_keep_their_order() {
        for threads in [1, 3, 7] {
            let out: Result<Vec<usize>, ()> = jobs_on(threads, 200, |k| {
                // the early jobs take longest
                std::thread::sleep(std::time::Duration::from_micros(((200 - k) * 5) as u64));
                Ok(k * 2)
            });
            assert_eq!(
                out,
                Ok((0..200).map(|k| k * 2).collect()),
                "{threads} threads"
            );
            let none: Result<Vec<usize>, ()> = jobs_on(threads, 0, |_| Ok(1));
            assert_eq!(none, Ok(Vec::new()));
        }
    }

    /// A failed job fails the run with the error of the first failed job in
    /// order, and no job starts after a failure is known.
    #[test]
    fn the_first_failed_job_is_the_runs_error() {
        for threads in [1, 3, 7] {
            let started = AtomicUsize::new(0);
            let out: Result<Vec<usize>, String> = jobs_on(threads, 10_000, |k| {
                started.fetch_add(1, Ordering::Relaxed);
                // the later failure is met first
                if k == 31 {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                if k == 31 || k == 32 {
                    Err(format!("job {k}"))
                } else {
                    Ok(k)
                }
            });
            assert_eq!(out, Err("job 31".to_string()), "{threads} threads");
            // far fewer than the 10,000 jobs were started
            assert!(started.load(Ordering::Relaxed) < 5_000, "{threads} threads");
        }
    }

    /// Both halves of a join run, whatever the number of threads, and
    /// on two threads at once.
    #[test]
    fn a_join_runs_both() {
        for threads in [1, 2] {
            let (a, b) = join_on(threads, || 2 + 2, || "b".to_string());
            assert_eq!((a, b.as_str()), (4, "b"));
        }
        let here = std::thread::current().id();
        let (_, there) = join_on(2, || (), || std::thread::current().id());
        assert_ne!(here, there, "b on a thread of its own");
    }

    /// Chunks cover every item once, in order, on any number of threads,
    /// none smaller than asked.
    #[test]
    fn chunks_cover_the_items_in_order() {
        let items: Vec<u32> = (0..10_001).collect();
        for threads in [1, 2, 3, 7] {
            let parts = map_chunks_on(threads, &items, 100, <[u32]>::to_vec);
            assert_eq!(parts.len(), threads, "{threads} threads");
            assert_eq!(parts.concat(), items);
        }
        // no chunk below the minimum: 250 items in chunks of at least 100
        assert_eq!(
            map_chunks_on(7, &items[..250], 100, <[u32]>::len),
            vec![125, 125]
        );
        assert_eq!(
            map_chunks_on(7, &items[..150], 100, <[u32]>::len),
            vec![150]
        );
        assert_eq!(map_chunks_on(7, &[] as &[u32], 0, <[u32]>::len), vec![0]);
    }
}
