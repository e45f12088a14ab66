//! `rights-engine`: the engine an application embeds to answer Rights
//! policy questions — text to AST to checked model to compiled program to
//! answers as data. It depends on the parser, serde, the diagnostic
//! renderer and the decision-diagram library, and on no command-line,
//! editor or HTTP crate (a test checks its dependency closure).
//!
//! ```text
//! text ──syntax──▶ AST (spans) ──sema──▶ Model (resolved) ──ir──▶ Program ──eval──▶ answers
//!                                                  ▲
//! JSON data ──data──▶ AST data items ──────────────┘
//! ```
//!
//! - [`syntax`]: the pest grammar (`grammar/rights.pest`) → [`syntax::ast`];
//! - [`data`]: JSON data files → the same AST data items;
//! - [`sema`]: names resolved, every static check, all diagnostics at once;
//! - [`ir`]: the policy compiled once (dense ids, bitsets, role closure),
//!   joined with per-user tables built per data set; [`eval`] adds the
//!   evaluator's methods to its `Program` (the same crate, so every caller's
//!   dependency on them is one the compiler sees);
//! - [`symbolic`]: answers about every possible user; [`analyze`]: what
//!   `rights analyze` proves and compares;
//! - [`testing`]: the `test` block runner; [`batch`]: questions at speed;
//! - [`workspace`]: the loaded policy every front end goes through;
//!   [`api`]: [`Engine`] for embedding.
//!
//! ```
//! let engine = rights_engine::Engine::from_text(r#"
//!     right report.status_detail "Report - Status Detail"
//!     access run_reports "Run Reports"
//!     role reporter { grant report.status_detail }
//!     report status_detail "Status Detail" {
//!       requires right report.status_detail
//!       rows resources where access run_reports
//!     }
//!     user jane { roles reporter  access resource_z: run_reports }
//!     resource resource_z "Resource Z"
//!     resource resource_m "Resource M"
//! "#)?;
//! assert!(engine.can_run("jane", "status_detail", Some("resource_z"))?);
//! assert!(!engine.can_run("jane", "status_detail", Some("resource_m"))?);
//!
//! // any query of the language, with its explanation as data
//! let answer = engine.ask("explain can jane run status_detail on resource_m")?;
//! if let rights_engine::eval::answer::Answer::Can { explanation, .. } = &answer {
//!     assert!(!explanation.allowed);
//!     use rights_engine::eval::explain::Fix;
//!     assert!(matches!(explanation.fixes[0][..], [Fix::GrantAccess(..)]));
//! }
//! # Ok::<(), rights_engine::api::Error>(())
//! ```

#![forbid(unsafe_code)]

pub mod analyze;
pub mod api;
pub mod batch;
pub mod cores;
pub mod data;
pub mod diag;
pub mod eval;
pub mod ir;
pub mod memory;
pub mod sema;
pub mod source;
pub mod symbolic;
pub mod syntax;
pub mod testing;
pub mod workspace;

pub use api::Engine;
