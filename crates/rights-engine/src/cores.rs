//! Work shared out over the machine's cores: the one place the engine and
//! the tools start threads. Results always come back in the order of the
//! work, so what runs in parallel says exactly what it says one by one; where
//! a thread cannot be started, its share runs on the calling thread.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How many threads to use: one per core.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `f` of each of up to one chunk of `items` per core, the chunks in order;
/// one chunk (on the calling thread) when there are fewer than `min` items.
pub fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    min: usize,
    f: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    let threads = cores();
    if threads < 2 || items.len() < min.max(2) {
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

/// Runs `job(0)`, …, `job(n - 1)` on one thread per core (each thread takes
/// the next job not yet taken): the results in the jobs' order, or the
/// first error met.
pub fn jobs<T: Send, E: Send>(
    n: usize,
    job: impl Fn(usize) -> Result<T, E> + Sync,
) -> Result<Vec<T>, E> {
    let threads = cores().min(n);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= n {
                return Ok(done);
            }
            done.push((k, job(k)?));
        }
    };
    let parts: Vec<Result<Vec<(usize, T)>, E>> = std::thread::scope(|scope| {
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
    for part in parts {
        all.extend(part?);
    }
    all.sort_unstable_by_key(|&(k, _)| k);
    Ok(all.into_iter().map(|(_, t)| t).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Jobs run on several threads come back in the jobs' order, whichever
    /// thread ran them and whenever it finished.
    #[test]
    fn jobs_keep_their_order() {
        let out: Result<Vec<usize>, ()> = jobs(200, |k| {
            // the early jobs take longest
            std::thread::sleep(std::time::Duration::from_micros(((200 - k) * 5) as u64));
            Ok(k * 2)
        });
        assert_eq!(out, Ok((0..200).map(|k| k * 2).collect()));
        let none: Result<Vec<usize>, ()> = jobs(0, |_| Ok(1));
        assert_eq!(none, Ok(Vec::new()));
    }

    /// A job that fails fails the whole run, with its error.
    #[test]
    fn a_failed_job_is_the_runs_error() {
        let out: Result<Vec<usize>, String> = jobs(50, |k| {
            if k == 31 {
                Err(format!("job {k}"))
            } else {
                Ok(k)
            }
        });
        assert_eq!(out, Err("job 31".to_string()));
    }

    /// Chunks cover every item once, in order, however many cores there are.
    #[test]
    fn chunks_cover_the_items_in_order() {
        let items: Vec<u32> = (0..10_001).collect();
        let parts = map_chunks(&items, 100, |c| c.to_vec());
        assert_eq!(parts.concat(), items);
        // below the minimum: one chunk
        assert_eq!(map_chunks(&items[..50], 100, <[u32]>::len), vec![50]);
        assert_eq!(map_chunks(&[] as &[u32], 0, <[u32]>::len), vec![0]);
    }
}
