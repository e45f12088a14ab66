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
    // no page beyond the site's: `make` is never called
    write_with(site, dir, format, 0, |_| {
        unreachable!("no page beyond the site's")
    })
}

/// [`write`], then `more` pages that `make` makes one at a time (a long
/// list's pages). Pages are made, rendered and written on
/// every core, each by the thread that made it, so only one page a thread
/// is in memory at once; the names written are returned in the site's order.
pub fn write_with(
    site: &Site,
    dir: &Path,
    format: Format,
    more: usize,
    make: impl Fn(usize) -> Page + Sync,
) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let fixed = site.pages.len();
    let search = usize::from(format == Format::Html);
    let one = |p: &Page| -> std::io::Result<String> {
        // each thread renders into one buffer, used again for every page
        thread_local! {
            static TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        let name = file_name(&p.file, format);
        TEXT.with_borrow_mut(|text| {
            text.clear();
            render_into(site, p, format, text);
            std::fs::write(dir.join(&name), text.as_bytes())
        })?;
        Ok(name)
    };
    // the search index first: the largest single job
    let job = |k: usize| -> std::io::Result<String> {
        if k < search {
            // the search index and its script, loaded once by every page
            let mut file =
                std::io::BufWriter::new(std::fs::File::create(dir.join(html::SEARCH_FILE))?);
            html::write_search_script(site, &mut file)?;
            std::io::Write::flush(&mut file)?;
            return Ok(html::SEARCH_FILE.to_string());
        }
        match site.pages.get(k - search) {
            Some(p) => one(p),
            None => one(&make(k - search - fixed)),
        }
    };
    let mut written = rights_engine::cores::jobs(search + fixed + more, job)?;
    // the search file last, as before: the pages, then what they load
    if search == 1 {
        written.rotate_left(1);
    }
    Ok(written)
}

/// One page as text (for tests and `-o -`).
pub fn render(site: &Site, page: &Page, format: Format) -> String {
    let mut text = String::new();
    render_into(site, page, format, &mut text);
    text
}

/// [`render`], appended to `text`.
fn render_into(site: &Site, page: &Page, format: Format, text: &mut String) {
    match format {
        Format::Html => html::page_into(site, page, text),
        Format::Markdown => markdown::page_into(page, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(file: &str, words: &str) -> Page {
        Page::new(
            file,
            words,
            vec![Block::Para(vec![Inline::Text(words.into())])],
        )
    }

    /// Pages written on every core come back named in the site's order, the
    /// fixed pages first, then those made one at a time, then the search
    /// file; each file holds its own page (the buffer used again for the
    /// next page holds nothing of the last one).
    #[test]
    fn pages_written_on_every_core_are_named_in_order() {
        let dir = std::env::temp_dir().join(format!("rights-doc-write-{}", std::process::id()));
        let site = Site {
            title: "T".into(),
            pages: vec![
                page("index", "the index"),
                page("a", "page a"),
                page("b", "page b"),
            ],
            index: Vec::new(),
            nav: Vec::new(),
        };
        let more = |k: usize| page(&format!("u{k}"), &format!("user page {k}"));
        for format in [Format::Html, Format::Markdown] {
            let written = write_with(&site, &dir, format, 5, more).unwrap();
            let ext = if format == Format::Html { "html" } else { "md" };
            let mut expected: Vec<String> = ["index", "a", "b", "u0", "u1", "u2", "u3", "u4"]
                .iter()
                .map(|p| format!("{p}.{ext}"))
                .collect();
            if format == Format::Html {
                expected.push(html::SEARCH_FILE.to_string());
            }
            assert_eq!(written, expected);
            for k in 0..5 {
                let text = std::fs::read_to_string(dir.join(format!("u{k}.{ext}"))).unwrap();
                assert_eq!(
                    text.matches("user page").count(),
                    1 + usize::from(format == Format::Html),
                    "{text}"
                );
                assert!(text.contains(&format!("user page {k}")), "{text}");
                assert!(
                    !text.contains("page a") && !text.contains("the index"),
                    "{text}"
                );
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
