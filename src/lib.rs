//! `rights`: a toolchain for the Rights policy language, in which administrators
//! write who may do what (see `LANGUAGE.md` in the shared docs and `SEMANTICS.md`).
//!
//! The pipeline, one module per stage:
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
//!   joined with per-user tables built per data set;
//! - [`eval`]: decisions, reports, listings, explanations as data;
//! - [`words`]: every sentence users read about answers (text and JSON);
//! - [`workspace`]: the loaded policy that every front end goes through;
//! - [`testing`]: the `test` block runner; [`lint`], [`fmt`]; [`cli`]: the
//!   `rights` command; [`api`]: [`Engine`] for embedding.
//!
//! Embedding the evaluator:
//!
//! ```
//! let engine = rights::Engine::from_text(r#"
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
//! // any query of the language, with its explanation as data…
//! let answer = engine.ask("explain can jane run status_detail on resource_m")?;
//! if let rights::eval::answer::Answer::Can { explanation, .. } = &answer {
//!     assert!(!explanation.allowed);
//!     use rights::eval::explain::Fix;
//!     assert!(matches!(explanation.fixes[0][..], [Fix::GrantAccess(..)]));
//!     // …and in words
//!     let words = rights::words::Words::new(engine.program(), engine.sources());
//!     assert_eq!(
//!         words.fix(explanation.user, explanation.fixes[0][0]),
//!         "grant access `run_reports` on `resource_m` to jane"
//!     );
//! }
//! # Ok::<(), rights::api::Error>(())
//! ```

pub mod analyze;
pub mod api;
pub mod batch;
pub mod bench_gen;
pub mod cli;
pub mod complete;
pub mod data;
pub mod diag;
pub mod diff;
pub mod doc;
pub mod eval;
pub mod fmt;
pub mod index;
pub mod ir;
pub mod lint;
pub mod lsp;
pub mod sema;
pub mod source;
pub mod symbolic;
pub mod syntax;
pub mod testing;
pub mod words;
pub mod workspace;

pub use api::Engine;
