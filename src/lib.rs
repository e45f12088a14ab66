//! `rights`: a toolchain for the Rights policy language, in which administrators
//! write who may do what (see the guide in `docs/`).
//!
//! This package is the `rights` command ([`cli`]) over a workspace of crates
//! whose graph is the architecture (ARCHITECTURE.md):
//!
//! - `rights-engine`: the engine an application embeds (syntax, sema, ir,
//!   eval, symbolic, the test runner, the workspace, [`Engine`]);
//! - `rights-tools`: words, lint, fmt, diff, doc pages, the name index,
//!   completion, `rights.toml`;
//! - `rights-lsp`: the language server;
//! - `rights-server`: `rights serve`, the decision API over HTTP;
//! - `rights-bench`: synthetic workloads for `rights bench` and the benchmarks.
//!
//! Their modules are re-exported here under their own names, so
//! `rights::workspace::Workspace` and `rights::words::Words` name what they
//! always did.
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
//! let answer = engine.ask("explain can jane run status_detail on resource_m")?;
//! if let rights::eval::answer::Answer::Can { explanation, .. } = &answer {
//!     let words = rights::words::Words::new(engine.program(), engine.sources());
//!     assert_eq!(
//!         words.fix(explanation.user, explanation.fixes[0][0]),
//!         "grant access `run_reports` on `resource_m` to jane"
//!     );
//! }
//! # Ok::<(), rights::api::Error>(())
//! ```

#![forbid(unsafe_code)]

pub use rights_bench as bench_gen;
pub use rights_engine::{
    analyze, api, batch, data, diag, eval, ir, memory, sema, source, symbolic, syntax, testing,
    workspace,
};
pub use rights_lsp as lsp;
pub use rights_server as serve;
pub use rights_tools::{complete, diff, doc, fmt, index, lint, project, words};

pub mod cli;

pub use api::Engine;
