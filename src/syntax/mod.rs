//! Text → AST. The only module that sees pest: the grammar lives in
//! `grammar/rights.pest`, and [`parse_file`], [`parse_query`] and
//! [`parse_repl_line`] turn text into the typed syntax tree of [`ast`].
//!
//! A syntax error stops the parse of that file (pest reports the first one);
//! other files are still parsed, and resolution reports everything else.

pub mod ast;
mod parse;

pub use parse::{
    comments, is_keyword, needs_more_input, parse_file, parse_query, parse_repl_line, Comment,
    KEYWORDS, MAX_NESTING,
};
