//! `rights doc`: the policy as the pages its users read. The pages are built
//! once as a small document model ([`Page`], [`Block`], [`Inline`]) by
//! `words::doc` (every sentence comes from the wording module), then written
//! as a static HTML site (`html.rs`) or as Markdown (`markdown.rs`); the role
//! graph is drawn by `graph.rs` (DOT, Mermaid, and SVG laid out by
//! `layout-rs`).

pub mod graph;
mod html;
mod markdown;

use std::path::Path;

/// A place to link to: a page file and an anchor on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub page: String,
    pub anchor: String,
}

/// Text within a paragraph or a cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    Link {
        text: String,
        to: Target,
        code: bool,
    },
    /// A place others link to (in a table's cell).
    Anchor(String),
}

/// One cell of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell(pub Vec<Inline>);

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell(vec![Inline::Text(s.into())])
    }
    pub fn empty() -> Cell {
        Cell(Vec::new())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A heading with its stable anchor.
    Heading {
        level: u8,
        text: String,
        anchor: String,
    },
    Para(Vec<Inline>),
    List(Vec<Vec<Inline>>),
    /// A table; the first column's cells are row headers.
    Table {
        caption: String,
        head: Vec<String>,
        /// What each column's header names, shown on hover (empty: nothing);
        /// the header itself is then a label.
        head_title: Vec<String>,
        rows: Vec<Vec<Cell>>,
    },
    /// The role graph (SVG in HTML, Mermaid in Markdown).
    Graph(graph::Graph),
    /// A part that folds in HTML (shown in full in Markdown).
    Details {
        summary: String,
        /// Unfolded to begin with.
        open: bool,
        blocks: Vec<Block>,
    },
}

pub struct Page {
    /// The file's name without its extension: `roles`, `users-2`.
    pub file: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Page {
    pub fn new(file: &str, title: impl Into<String>, blocks: Vec<Block>) -> Page {
        Page {
            file: file.to_string(),
            title: title.into(),
            blocks,
        }
    }
}

/// What a search box finds: a name or label and where it is.
#[derive(Clone, Debug)]
pub struct Entry {
    pub text: String,
    pub kind: &'static str,
    pub to: Target,
    /// More text the search reads (a description, a label beside a name).
    pub detail: Option<String>,
}

pub struct Site {
    pub title: String,
    pub pages: Vec<Page>,
    pub index: Vec<Entry>,
    /// Every page's navigation: (file, title), pages written later
    /// ([`write_with`]) included.
    pub nav: Vec<(String, String)>,
}

/// The output format of `rights doc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Markdown,
}

/// An anchor made of a kind and a name: `role-reporter`,
/// `right-report.status_detail`; characters outside `[a-z0-9_.-]` are
/// written as `_XX` so that every name has its own.
pub fn anchor(kind: &str, name: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut s = String::with_capacity(kind.len() + 1 + name.len());
    s.push_str(kind);
    s.push('-');
    for b in name.bytes() {
        if b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-') {
            s.push(b as char);
        } else {
            s.push('_');
            s.push(HEX[usize::from(b >> 4)] as char);
            s.push(HEX[usize::from(b & 15)] as char);
        }
    }
    s
}

/// The file name of a page in a format.
pub fn file_name(page: &str, format: Format) -> String {
    match format {
        Format::Html => format!("{page}.html"),
        Format::Markdown => format!("{page}.md"),
    }
}

/// Writes every page of the site into `dir` (created if missing).
pub fn write(site: &Site, dir: &Path, format: Format) -> std::io::Result<Vec<String>> {
    write_with(site, dir, format, 0, |_| None)
}

/// [`write`], then `more` pages that `make` makes one at a time (a long
/// list's pages; `None`: no page). Pages are made, rendered and written on
/// every core, each by the thread that made it, so only one page a thread
/// is in memory at once; the names written are returned in the site's order.
pub fn write_with(
    site: &Site,
    dir: &Path,
    format: Format,
    more: usize,
    make: impl Fn(usize) -> Option<Page> + Sync,
) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let fixed = site.pages.len();
    let search = usize::from(format == Format::Html);
    let one = |p: &Page| -> std::io::Result<Option<String>> {
        let text = render(site, p, format);
        let name = file_name(&p.file, format);
        std::fs::write(dir.join(&name), text)?;
        Ok(Some(name))
    };
    // the search index first: the largest single job
    let job = |k: usize| -> std::io::Result<Option<String>> {
        if k < search {
            // the search index and its script, loaded once by every page
            let mut file =
                std::io::BufWriter::new(std::fs::File::create(dir.join(html::SEARCH_FILE))?);
            html::write_search_script(site, &mut file)?;
            std::io::Write::flush(&mut file)?;
            return Ok(Some(html::SEARCH_FILE.to_string()));
        }
        match site.pages.get(k - search) {
            Some(p) => one(p),
            None => match make(k - search - fixed) {
                Some(p) => one(&p),
                None => Ok(None),
            },
        }
    };
    let mut written: Vec<String> = on_every_core(search + fixed + more, job)?
        .into_iter()
        .flatten()
        .collect();
    // the search file last, as before: the pages, then what they load
    if search == 1 && !written.is_empty() {
        let first = written.remove(0);
        written.push(first);
    }
    Ok(written)
}

/// Runs `job(0)`, …, `job(n - 1)` on as many threads as there are cores
/// (each takes the next job not yet taken); the results in the jobs' order,
/// or the first error.
fn on_every_core<T: Send, E: Send>(
    n: usize,
    job: impl Fn(usize) -> Result<T, E> + Sync,
) -> Result<Vec<T>, E> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |c| c.get())
        .min(n);
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
        // the other threads' work (or none, where a thread cannot start)
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

/// One page as text (for tests and `-o -`).
pub fn render(site: &Site, page: &Page, format: Format) -> String {
    match format {
        Format::Html => html::page(site, page),
        Format::Markdown => markdown::page(page),
    }
}

#[cfg(test)]
mod tests {
    use super::on_every_core;

    /// Jobs run on several threads come back in the jobs' order, whichever
    /// thread ran them and whenever it finished.
    #[test]
    fn jobs_on_every_core_keep_their_order() {
        let out: Result<Vec<usize>, ()> = on_every_core(200, |k| {
            // the early jobs take longest
            std::thread::sleep(std::time::Duration::from_micros(((200 - k) * 5) as u64));
            Ok(k * 2)
        });
        assert_eq!(out, Ok((0..200).map(|k| k * 2).collect()));
        let none: Result<Vec<usize>, ()> = on_every_core(0, |_| Ok(1));
        assert_eq!(none, Ok(Vec::new()));
    }

    /// A job that fails fails the whole run, with its error.
    #[test]
    fn a_failed_job_is_the_runs_error() {
        let out: Result<Vec<usize>, String> = on_every_core(50, |k| {
            if k == 31 {
                Err(format!("job {k}"))
            } else {
                Ok(k)
            }
        });
        assert_eq!(out, Err("job 31".to_string()));
    }
}
