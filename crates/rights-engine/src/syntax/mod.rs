//! Text → AST. The only module that sees pest: the grammar lives in
//! `grammar/rights.pest`, and [`parse_file`], [`parse_query`] and
//! [`parse_repl_line`] turn text into the typed syntax tree of [`ast`].
//!
//! A syntax error stops the parse of that file (pest reports the first one);
//! other files are still parsed, and resolution reports everything else.
//!
//! - `parse.rs`: the pest parser and the entry points;
//! - [`again`]: a file parsed again after an edit, reusing what did not change;
//! - `build.rs`: pest pairs → AST;
//! - `errors.rs`: syntax errors in words;
//! - [`scan`]: the one lexical scanner (strings, comments, significant bytes);
//! - [`keywords`]: the words of the language.

pub mod again;
pub mod ast;
mod build;
mod errors;
pub mod keywords;
mod parse;
pub mod scan;

pub use again::{parse_file_again, parse_file_again_from};
pub use keywords::{is_keyword, KEYWORDS};
pub use parse::{needs_more_input, parse_file, parse_query, parse_repl_line, MAX_NESTING};
pub use scan::{comments, Comment};
