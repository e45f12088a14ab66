//! `rights`: a toolchain for the Rights policy language, in which administrators
//! write who may do what.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! text ──syntax──▶ AST (with spans) ──sema──▶ Model (resolved names)
//! ```
//!
//! [`load::Workspace`] runs the front half on files; [`diag`] renders what goes
//! wrong.

pub mod api;
pub mod cli;
pub mod data;
pub mod diag;
pub mod eval;
pub mod ir;
pub mod load;
pub mod sema;
pub mod source;
pub mod syntax;
pub mod testing;

pub use api::Engine;
