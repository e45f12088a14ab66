//! The formatter: one canonical layout for a policy file, every comment kept.
//!
//! Layout: one declaration per line or block; bodies indented by two spaces, one
//! statement per line; a list (`grant`, `roles`, `tags`, `resources`, `shows`)
//! on one line when it fits in [`WIDTH`], otherwise one item per line under
//! its keyword (a list the source wrapped by hand is joined when it fits);
//! labels of a `rights` group aligned; conditions on one line, or broken before
//! `when` and before each top-level `or` or `and` when longer than [`WIDTH`]; at
//! most one blank line where the source had any (a blank line also ends a `##`
//! doc comment's attachment).
//!
//! Comments are placed by position: a comment on its own line stays before the
//! element that follows it; a comment after code on a line stays after that
//! element. [`format`] checks its own work before returning: the output must
//! parse to the same syntax tree (by [`Shape`], spans ignored), keep every comment, and
//! format to itself.

//!
//! - `mod.rs`: [`format`] and its soundness check;
//! - `printer.rs`: output lines with the comments placed around them;
//! - `items.rs`: the layout of each declaration;
//! - `text.rs`: conditions, queries and names as text.

mod items;
mod printer;
mod text;

use crate::source::{FileId, Shape};
use crate::syntax;
use items::print_file;

/// The line width conditions are broken at.
pub const WIDTH: usize = 100;

/// Why a text could not be formatted.
#[derive(Debug)]
pub enum FmtError {
    /// The input does not parse.
    Parse(Box<crate::diag::Diagnostic>),
    /// The formatter's output failed its own check (a bug); nothing is written.
    Unsound(String),
}

/// Formats a policy file's text.
pub fn format(text: &str) -> Result<String, FmtError> {
    // a byte-order mark is not part of the text (and is not written back)
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let file = syntax::parse_file(FileId(0), text).map_err(FmtError::Parse)?;
    format_parsed(text, &file)
}

/// [`format`] of a text already parsed to `file` (an editor's analysis
/// holds the parse): the same output and the same checks, one parse fewer.
pub fn format_parsed(text: &str, file: &crate::syntax::ast::File) -> Result<String, FmtError> {
    let out = print_file(text, file);
    // check the output: same tree, same comments, and a fixed point
    let again = syntax::parse_file(FileId(0), &out)
        .map_err(|d| FmtError::Unsound(format!("the output does not parse: {}", d.message)))?;
    if Shape(&again) != Shape(file) {
        return Err(FmtError::Unsound(
            "the output parses to a different policy".into(),
        ));
    }
    let texts = |t: &str| -> Vec<String> {
        let mut v: Vec<String> = syntax::comments(t)
            .iter()
            .map(|c| t[c.start..c.end].trim().to_string())
            .collect();
        v.sort();
        v
    };
    if texts(text) != texts(&out) {
        return Err(FmtError::Unsound(
            "a comment would be lost or changed".into(),
        ));
    }
    if print_file(&out, &again) != out {
        return Err(FmtError::Unsound(
            "formatting the output again changes it".into(),
        ));
    }
    Ok(out)
}
