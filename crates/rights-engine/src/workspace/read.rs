//! Reading inputs from disk: policy paths (files, or directories read
//! recursively, `.rights` files in path order) and JSON data files, with every
//! problem as a diagnostic (I/O errors, oversized files, invalid UTF-8).

use super::{TextKind, Workspace};
use crate::diag::{Code, Diagnostic};
use crate::source::{Origin, Span};
use std::path::{Path, PathBuf};

/// The largest file read, in bytes. Larger files are refused with a diagnostic.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

impl Workspace {
    /// Reads and parses policy paths and JSON data files (not yet checked).
    pub(super) fn read_paths(&mut self, policy_paths: &[PathBuf], data_paths: &[PathBuf]) {
        // a file named twice (or inside a directory also named) is read once
        let mut seen = std::collections::HashSet::new();
        for p in policy_paths {
            match policy_files(p) {
                Ok(files) => {
                    let files: Vec<PathBuf> = files
                        .into_iter()
                        .filter(|f| {
                            seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()))
                        })
                        .collect();
                    if files.is_empty() && !self.sources.files().any(|_| true) {
                        self.io_error(
                            format!("no `.rights` files in `{}`", p.display()),
                            "give a `.rights` file or a directory that holds some",
                        );
                    }
                    for f in files {
                        if let Some(text) = self.read_text(&f, TextKind::Policy) {
                            self.add_policy_text(Origin::Path(f), text);
                        }
                    }
                }
                Err(e) => self.io_error(
                    format!("cannot read `{}`: {e}", p.display()),
                    "check the path",
                ),
            }
        }
        for p in data_paths {
            if let Some(text) = self.read_text(p, TextKind::Data) {
                self.add_data_text(Origin::Path(p.clone()), text);
            }
        }
    }

    fn io_error(&mut self, message: String, help: &str) {
        self.io_failed = true;
        self.read_diags
            .push(Diagnostic::error(Code::Io, message).help(help));
    }

    /// Reads a file as UTF-8; reports I/O errors, oversized files, invalid
    /// UTF-8 and binary files (a NUL byte: UTF-16 text too).
    fn read_text(&mut self, path: &Path, kind: TextKind) -> Option<String> {
        match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_FILE_SIZE => {
                let id = self
                    .sources
                    .add(Origin::Path(path.to_path_buf()), String::new());
                self.read_diags.push(
                    Diagnostic::error(
                        Code::TooLarge,
                        format!(
                            "`{}` is {} bytes, more than the limit of {} bytes",
                            path.display(),
                            m.len(),
                            MAX_FILE_SIZE
                        ),
                    )
                    .at(Span::new(id, 0, 0), "not read")
                    .help("split the policy or its data into several files"),
                );
                return None;
            }
            Ok(m) if m.is_dir() => {
                self.io_error(
                    format!("`{}` is a directory, not a file", path.display()),
                    "give a file path",
                );
                return None;
            }
            _ => {}
        }
        match std::fs::read(path) {
            Ok(bytes) => {
                self.read_sizes
                    .push((path.to_path_buf(), bytes.len() as u64));
                let nul = bytes.iter().take(8192).position(|&b| b == 0);
                let bad = std::str::from_utf8(&bytes).err().map(|e| e.valid_up_to());
                let at = match (nul, bad) {
                    (None, None) => {
                        return match String::from_utf8(bytes) {
                            // a byte-order mark is not part of the text
                            Ok(s) => Some(match s.strip_prefix('\u{FEFF}') {
                                Some(rest) => rest.to_string(),
                                None => s,
                            }),
                            Err(_) => None,
                        };
                    }
                    (Some(n), _) => n,
                    (None, Some(b)) => b,
                };
                {
                    let valid = at;
                    let bytes = &bytes[..];
                    let u = Undecodable::of(bytes, valid);
                    // a binary file, or a very long line, is not drawn
                    let drawn = !u.binary && !u.long_line;
                    let shown = if drawn {
                        shown_text(bytes)
                    } else {
                        String::new()
                    };
                    let id = self.sources.add(Origin::Path(path.to_path_buf()), shown);
                    self.add_unreadable(id, kind);
                    let d = Diagnostic::error(Code::InvalidUtf8, u.message(path));
                    let d = if drawn {
                        d.at(Span::new(id, valid, valid + 1), "this byte")
                    } else {
                        d.at(Span::new(id, 0, 0), "not read")
                    };
                    self.read_diags.push(d.help(u.help()));
                    None
                }
            }
            Err(e) => {
                self.io_error(
                    format!("cannot read `{}`: {e}", path.display()),
                    "check the path and its permissions",
                );
                None
            }
        }
    }
}

/// The `.rights` files a path names: the file itself, or every `.rights` file
/// below a directory, sorted by path.
fn policy_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut dirs = vec![path.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let p = entry.path();
            let ft = entry.file_type()?;
            if ft.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "rights") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Where a file stops being UTF-8, for a message that names the byte and
/// its offset and shows the bytes around it escaped (`\xff`), never raw.
struct Undecodable {
    byte: u8,
    offset: usize,
    /// 1-based line and column (in characters) of the byte.
    line: usize,
    column: usize,
    /// The bytes around it, escaped.
    excerpt: String,
    /// A NUL byte in the first 8 KiB (git's test): a binary file.
    binary: bool,
    /// The byte's line is too long to draw (over 400 bytes).
    long_line: bool,
    /// A UTF-16 byte-order mark, or every other byte NUL at the start.
    utf16: bool,
}

impl Undecodable {
    fn of(bytes: &[u8], valid: usize) -> Undecodable {
        let before = &bytes[..valid];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        // the prefix is valid UTF-8, so characters can be counted
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        let binary = bytes.iter().take(8192).any(|&b| b == 0);
        let around = if binary { 6 } else { 16 };
        let from = valid.saturating_sub(around).max(line_start);
        let to = bytes.len().min(valid + around);
        let to = bytes[valid..to]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(to, |i| valid + i);
        Undecodable {
            byte: bytes.get(valid).copied().unwrap_or(0),
            offset: valid,
            line,
            column,
            excerpt: escaped(&bytes[from..to]),
            binary,
            utf16: bytes.starts_with(&[0xFF, 0xFE])
                || bytes.starts_with(&[0xFE, 0xFF])
                || (bytes.len() >= 4
                    && (bytes[1] == 0 && bytes[3] == 0 || bytes[0] == 0 && bytes[2] == 0)),
            long_line: bytes[line_start..]
                .iter()
                .take(401)
                .take_while(|&&b| b != b'\n')
                .count()
                > 400,
        }
    }

    fn message(&self, path: &Path) -> String {
        if self.binary {
            return format!(
                "`{}` is {}, not UTF-8 text: byte 0x{:02X} at offset {}",
                path.display(),
                if self.utf16 {
                    "UTF-16 text"
                } else {
                    "a binary file"
                },
                self.byte,
                self.offset
            );
        }
        format!(
            "`{}` is not valid UTF-8: byte 0x{:02X} at offset {} (line {}, column {})",
            path.display(),
            self.byte,
            self.offset,
            self.line,
            self.column,
        )
    }

    fn help(&self) -> String {
        let fix = if self.utf16 {
            "save it as UTF-8 (`iconv -f utf-16 -t utf-8 FILE`)"
        } else if self.binary {
            "give a `.rights` policy or a JSON data file"
        } else {
            "save the file as UTF-8 (from Latin-1: `iconv -f latin1 -t utf-8 FILE`)"
        };
        format!("the bytes there: `{}`; {fix}", self.excerpt)
    }
}

/// Bytes as text a terminal shows safely: valid UTF-8 as it is, invalid
/// bytes as `\xNN`, control characters (a tab and a line break included)
/// escaped.
fn escaped(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                c if c.is_control() => out.extend(c.escape_unicode()),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// The text drawn under the message: the file with every byte that is not
/// valid UTF-8, and every control character but tab and line breaks, as
/// `?` (one byte for one, so offsets, lines and columns hold).
fn shown_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(&crate::source::drawable(chunk.valid()));
        for _ in chunk.invalid() {
            out.push('?');
        }
    }
    out
}
