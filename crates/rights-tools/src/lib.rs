//! `rights-tools`: what the command line, the editor server and the pages
//! say and do with the engine's answers — every sentence users read
//! ([`words`]), the lint rules, the formatter, `rights diff`, the
//! documentation pages, the name index and completion, and the project file
//! (`rights.toml`).
//!
//! The engine's modules are re-exported at this crate's root under their
//! own names (`crate::eval`, `crate::workspace`, …), so paths read the same
//! in every crate; the dependency runs one way, tools on engine.

#![forbid(unsafe_code)]

pub use rights_engine::{
    analyze, api, batch, data, diag, eval, ir, sema, source, symbolic, syntax, testing, workspace,
};

pub mod complete;
pub mod diff;
pub mod doc;
pub mod fmt;
pub mod index;
pub mod lint;
pub mod project;
pub mod words;
