//! Source files and byte spans.
//!
//! Every piece of text the toolchain reads — a policy file, a JSON data file, a
//! query typed in the REPL — is added to a [`SourceMap`] and gets a [`FileId`].
//! A [`Span`] names a byte range in one of those files, so any diagnostic or
//! explanation can point back to the text that caused it.
//!
//! Spans never take part in equality: two AST nodes that differ only in where
//! they were written compare equal (see [`Span`]'s `PartialEq`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one source file.
///
/// `PartialEq` is deliberately always `true`: spans are metadata, and syntax
/// trees compare equal whatever their positions (the formatter's round-trip
/// check and the tests rely on this). Compare `range()` when positions matter.
#[derive(Clone, Copy, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

/// Spans compare as places (file, start, end), except inside
/// [`Shape::eq`], which compares trees by their shape alone.
impl PartialEq for Span {
    fn eq(&self, other: &Span) -> bool {
        SHAPE_ONLY.with(std::cell::Cell::get)
            || (self.file == other.file && self.start == other.start && self.end == other.end)
    }
}
impl Eq for Span {}

thread_local! {
    /// Set while a [`Shape`] comparison runs on this thread.
    static SHAPE_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// A value (a syntax tree, a model) compared by its shape: the same
/// declarations, names, conditions and order, wherever they are written —
/// spans take no part (`Span`'s own equality compares places). The
/// formatter's soundness check compares its output's tree with the input's
/// this way.
#[derive(Debug)]
pub struct Shape<'a, T>(pub &'a T);

impl<T: PartialEq> PartialEq for Shape<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        let before = SHAPE_ONLY.with(|s| s.replace(true));
        let same = self.0 == other.0;
        SHAPE_ONLY.with(|s| s.set(before));
        same
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}..{}", self.file.0, self.start, self.end)
    }
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: clamp_u32(start),
            end: clamp_u32(end),
        }
    }

    /// The byte range as `usize`s.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(&self) -> usize {
        (self.end.saturating_sub(self.start)) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The smallest span covering both (they must be in the same file).
    pub fn to(&self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Same position and file (as `==` outside a [`Shape`] comparison).
    pub fn same_place(&self, other: &Span) -> bool {
        self.file == other.file && self.start == other.start && self.end == other.end
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Where a source file came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A file on disk, by the path the user gave.
    Path(PathBuf),
    /// Text typed at the REPL or passed on the command line.
    Input(String),
}

/// One source text with its name and line index.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub origin: Origin,
    /// The name shown in diagnostics (`policies/emresource.rights`, `<query>`).
    pub name: String,
    /// Shared, so diagnostics can hand the text to miette without copying
    /// it; a `String`, not a `str`, so the text read is kept where it was
    /// read (an `Arc<str>` is a copy: 320 MB for a million users' data).
    pub text: Arc<String>,
    line_starts: Vec<u32>,
    /// The text as diagnostics draw it ([`drawable`]), made on first use.
    shown: std::sync::OnceLock<Arc<String>>,
    /// UTF-16 code units and characters before every [`UTF16_STEP`]-th
    /// byte (at a character boundary), made on first use: a column on a
    /// long line (an editor's, a diagnostic's) in O(step), not O(line).
    utf16: std::sync::OnceLock<Counts>,
    /// A JSON data file's entries, set by the data reader that parsed it
    /// (shared: a copy of the map, made for every question that fails to
    /// resolve, copies a pointer, not a million entries).
    json_entries: std::sync::OnceLock<Arc<JsonEntries>>,
}

/// Where each element of a JSON data file's top-level arrays (`users`,
/// `resources`, …) starts, in file order: recorded by the data reader as it
/// reads them, so that the JSON Pointer of a place (`data::pointer`) is
/// found by scanning one entry, never the file.
#[derive(Clone, Debug, Default)]
pub struct JsonEntries {
    /// The arrays' keys, as written.
    pub keys: Vec<&'static str>,
    /// Every element, by where it starts.
    pub starts: Vec<JsonEntry>,
    /// Per [`ENTRY_BUCKET`] bytes of the text: the first element that
    /// starts at or after the bucket's first byte, so that the element
    /// holding a place is found by looking at the few that start in its
    /// bucket, not by a search of them all (a binary search of a million
    /// elements is a dozen cache misses, one after another).
    buckets: Vec<u32>,
}

/// Bytes of a data text per bucket of [`JsonEntries`].
const ENTRY_BUCKET: usize = 4096;

impl JsonEntries {
    /// Records the elements (in the order of their starts) and indexes them.
    pub fn new(
        keys: Vec<&'static str>,
        mut starts: Vec<JsonEntry>,
        text_len: usize,
    ) -> JsonEntries {
        starts.sort_unstable_by_key(|e| e.at);
        let mut buckets = Vec::with_capacity(text_len / ENTRY_BUCKET + 1);
        let mut k = 0;
        for b in 0..=text_len / ENTRY_BUCKET {
            while starts
                .get(k)
                .is_some_and(|e| (e.at as usize) < b * ENTRY_BUCKET)
            {
                k += 1;
            }
            buckets.push(u32::try_from(k).unwrap_or(u32::MAX));
        }
        JsonEntries {
            keys,
            starts,
            buckets,
        }
    }

    /// The element holding byte `offset`: the last one starting at or
    /// before it; `None` before the first.
    pub fn holding(&self, offset: usize) -> Option<&JsonEntry> {
        let b = offset / ENTRY_BUCKET;
        // the elements starting in this bucket, from the last one before it
        let from = self
            .buckets
            .get(b)
            .map_or(self.starts.len(), |&k| k as usize);
        let to = self
            .buckets
            .get(b + 1)
            .map_or(self.starts.len(), |&k| k as usize);
        let in_bucket = self.starts.get(from..to.max(from)).unwrap_or_default();
        let k = from + in_bucket.partition_point(|e| e.at as usize <= offset);
        self.starts.get(k.checked_sub(1)?)
    }
}

/// One element of a top-level array of a JSON data file.
#[derive(Clone, Copy, Debug)]
pub struct JsonEntry {
    /// Its first byte.
    pub at: u32,
    /// Its index in its array.
    pub index: u32,
    /// Its array ([`JsonEntries::keys`]).
    pub key: u8,
}

/// UTF-16 and character counts of a text, for columns (see [`SourceFile::utf16_before`]).
#[derive(Clone, Debug, Default)]
struct Counts {
    /// The text is ASCII: every count is the byte offset itself.
    ascii: bool,
    /// (byte, UTF-16 units before it, characters before it), every
    /// [`UTF16_STEP`] bytes; empty for ASCII text.
    marks: Vec<(u32, u32, u32)>,
}

/// How far apart the UTF-16 checkpoints of a text are, in bytes.
const UTF16_STEP: usize = 1024;

impl SourceFile {
    fn new(origin: Origin, name: String, text: String) -> SourceFile {
        // found with memchr, not byte by byte: a data file of tens of MB
        // is often one line
        let mut line_starts = vec![0u32];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| clamp_u32(i + 1)));
        SourceFile {
            origin,
            name,
            text: Arc::new(text),
            line_starts,
            shown: std::sync::OnceLock::new(),
            utf16: std::sync::OnceLock::new(),
            json_entries: std::sync::OnceLock::new(),
        }
    }

    /// The entries of a JSON data file (whatever its name), recorded by
    /// the data reader; none in one that did not parse; `None` for any
    /// other text.
    pub fn json_entries(&self) -> Option<&JsonEntries> {
        self.json_entries.get().map(|e| &**e)
    }

    /// Records this JSON data file's entries (the data reader's; a second
    /// call keeps the first).
    pub(crate) fn set_json_entries(&self, entries: JsonEntries) {
        let _ = self.json_entries.set(Arc::new(entries));
    }

    /// UTF-16 code units in the text before byte `offset` (clamped; a
    /// position inside a character counts from its start). Constant time
    /// for ASCII text, at most [`UTF16_STEP`] bytes counted otherwise.
    pub fn utf16_before(&self, offset: u32) -> usize {
        self.count_before(offset).0
    }

    /// Characters in the text before byte `offset`, as [`SourceFile::utf16_before`].
    pub fn chars_before(&self, offset: u32) -> usize {
        self.count_before(offset).1
    }

    /// (UTF-16 code units, characters) before byte `offset`, from the
    /// nearest checkpoint.
    fn count_before(&self, offset: u32) -> (usize, usize) {
        let text = &*self.text;
        let mut end = (offset as usize).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let counts = self.utf16.get_or_init(|| {
            if text.is_ascii() {
                return Counts {
                    ascii: true,
                    marks: Vec::new(),
                };
            }
            let mut marks = vec![(0u32, 0u32, 0u32)];
            let (mut units, mut chars) = (0u32, 0u32);
            let mut next = UTF16_STEP;
            for (i, c) in text.char_indices() {
                if i >= next {
                    marks.push((clamp_u32(i), units, chars));
                    next = i + UTF16_STEP;
                }
                units = units.saturating_add(c.len_utf16() as u32);
                chars = chars.saturating_add(1);
            }
            Counts {
                ascii: false,
                marks,
            }
        });
        if counts.ascii {
            return (end, end);
        }
        let marks = &counts.marks;
        let k = marks
            .partition_point(|&(at, _, _)| at as usize <= end)
            .saturating_sub(1);
        let (at, units, chars) = marks.get(k).copied().unwrap_or((0, 0, 0));
        let rest = text.get(at as usize..end).unwrap_or("");
        if rest.is_ascii() {
            (units as usize + rest.len(), chars as usize + rest.len())
        } else {
            (
                units as usize + rest.encode_utf16().count(),
                chars as usize + rest.chars().count(),
            )
        }
    }

    /// The text as a terminal may show it: control characters as `?`, at
    /// the same offsets ([`drawable`]); the text itself when it has none.
    /// Made once per file, whatever the number of diagnostics drawn.
    pub fn shown_text(&self) -> Arc<String> {
        self.shown
            .get_or_init(|| match drawable(&self.text) {
                std::borrow::Cow::Borrowed(_) => self.text.clone(),
                std::borrow::Cow::Owned(t) => Arc::new(t),
            })
            .clone()
    }

    /// 1-based line of a byte offset (cheaper than [`SourceFile::line_col`]
    /// on long lines: no characters are counted).
    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i.max(1),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let end = offset.min(self.text.len() as u32);
        // from the checkpoints: a minified JSON file is one long line
        let col = self.chars_before(end) - self.chars_before(start);
        (line + 1, col + 1)
    }

    /// The byte offset where a 0-based line starts (`None` past the last line).
    pub fn line_start(&self, line: usize) -> Option<u32> {
        self.line_starts.get(line).copied()
    }

    /// How many lines the text has (a text without a line break has one).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text of a 1-based line (without its line break), or "".
    pub fn line(&self, n: usize) -> &str {
        let Some(&start) = self.line_starts.get(n.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(n)
            .map_or(self.text.len(), |&e| e as usize);
        self.text
            .get(start as usize..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// The text of a span, or "" if it is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// All source texts of one session (policy files, data files, typed input).
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a text and returns its id.
    pub fn add(&mut self, origin: Origin, text: String) -> FileId {
        let name = match &origin {
            Origin::Path(p) => display_path(p),
            Origin::Input(name) => name.clone(),
        };
        let id = FileId(clamp_u32(self.files.len()));
        self.files.push(SourceFile::new(origin, name, text));
        id
    }

    /// Forgets the texts from `id` on (the last ones added).
    pub fn truncate(&mut self, id: FileId) {
        self.files.truncate(id.0 as usize);
    }

    /// The id the next text added will get.
    pub fn next_id(&self) -> FileId {
        FileId(clamp_u32(self.files.len()))
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(clamp_u32(i)), f))
    }

    /// `file:line:col` of a span's start.
    pub fn location(&self, span: Span) -> String {
        match self.get(span.file) {
            Some(f) => {
                let (l, c) = f.line_col(span.start);
                format!("{}:{}:{}", f.name, l, c)
            }
            None => "<unknown>".to_string(),
        }
    }

    /// `file:line` of a span's start (used in explanations).
    pub fn file_line(&self, span: Span) -> String {
        match self.get(span.file) {
            Some(f) => format!("{}:{}", f.name, f.line_of(span.start)),
            None => "<unknown>".to_string(),
        }
    }

    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).map(|f| f.slice(span)).unwrap_or("")
    }
}

fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// Text as a terminal may safely show it: every control character but tab
/// and line breaks (an escape sequence, a NUL, a bell) as `?`, one `?` per
/// byte, so offsets, lines and columns of the text still hold. Borrowed when
/// there is nothing to replace.
pub fn drawable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}
