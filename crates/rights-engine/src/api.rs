//! The library API: load a policy and its data once, then ask typed questions
//! without re-parsing. Names are resolved by `sema` exactly as in a typed
//! query, with the same errors.
//!
//! ```
//! use rights_engine::Engine;
//!
//! let engine = Engine::from_text(r#"
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
//! "#).expect("the policy checks");
//!
//! assert!(engine.can_run("jane", "status_detail", Some("resource_z")).unwrap());
//! assert!(!engine.can_run("jane", "status_detail", Some("resource_m")).unwrap());
//! assert!(engine.can("jane", "report.status_detail", None).unwrap());
//!
//! // Resolve names once, then ask by id: a few bit tests per question.
//! let q = engine.resolve_can("can jane run status_detail on resource_z").unwrap();
//! assert!(engine.program().can(&q));
//! ```

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::eval::answer::Answer;
use crate::ir::Program;
use crate::sema::model::*;
use crate::sema::{resolve_can_names, NameRef, TargetNames};
use crate::source::{Origin, SourceMap};
use crate::workspace::Workspace;
use std::path::PathBuf;

/// Why a policy could not be loaded, or a question not asked.
pub use crate::workspace::Failure as Error;

/// A loaded, checked and compiled policy with its data.
#[derive(Clone, Debug)]
pub struct Engine {
    ws: Workspace,
    /// The workspace's compiled program: an engine exists only with one.
    program: std::sync::Arc<Program>,
}

impl Engine {
    /// Loads policy files or directories and JSON data files.
    pub fn load(policy: &[PathBuf], data: &[PathBuf]) -> Result<Engine, Error> {
        Engine::from_workspace(Workspace::load(policy, data))
    }

    /// Loads a policy (with its data) from text.
    pub fn from_text(text: &str) -> Result<Engine, Error> {
        Engine::from_workspace(Workspace::from_text(text))
    }

    /// Loads a policy's text and a JSON data file's text held in memory
    /// (named `policy.rights` and `data.json` in diagnostics and answers).
    pub fn from_texts(policy: String, data_json: String) -> Result<Engine, Error> {
        let mut ws = Workspace::default();
        ws.add_policy_text(Origin::Input("policy.rights".into()), policy);
        ws.add_data_text(Origin::Input("data.json".into()), data_json);
        Engine::from_workspace(ws)
    }

    /// An engine over a checked workspace; its diagnostics if it did not compile.
    /// Checks it first if texts were added since it was last checked.
    pub fn from_workspace(mut ws: Workspace) -> Result<Engine, Error> {
        if !ws.is_checked() {
            ws.check();
        }
        match (ws.failure(), ws.shared_program()) {
            (None, Some(program)) => Ok(Engine { ws, program }),
            (Some(f), _) => Err(f),
            (None, None) => Err(Error {
                diagnostics: ws.diagnostics().to_vec(),
                sources: ws.sources.clone(),
                io: ws.io_failed,
            }),
        }
    }

    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    pub fn program(&self) -> &Program {
        &self.program
    }

    pub fn sources(&self) -> &SourceMap {
        &self.ws.sources
    }

    /// Warnings found while loading (errors prevent an engine from existing).
    pub fn warnings(&self) -> &[Diagnostic] {
        self.ws.diagnostics()
    }

    pub fn user(&self, id: &str) -> Option<UserId> {
        self.program().data.user_ids.get(id).copied()
    }

    pub fn resource(&self, id: &str) -> Option<ResourceId> {
        self.program().data.resource_ids.get(id).copied()
    }

    #[cold]
    fn error(&self, diagnostics: Diagnostics) -> Error {
        Error {
            diagnostics,
            sources: SourceMap::new(),
            io: false,
        }
    }

    #[inline]
    fn ask_names(&self, user: &str, target: TargetNames, on: Option<&str>) -> Result<bool, Error> {
        let p = self.program();
        let q = resolve_can_names(
            &p.policy,
            &p.data,
            NameRef::bare(user),
            target,
            on.map(NameRef::bare),
        )
        .map_err(|d| self.error(d))?;
        Ok(p.can(&q))
    }

    /// `can USER NAME [on RESOURCE]` where NAME is an action or a right.
    pub fn can(&self, user: &str, name: &str, resource: Option<&str>) -> Result<bool, Error> {
        let name = NameRef::bare(name);
        self.ask_names(user, TargetNames::Named { name }, resource)
    }

    /// `can USER run REPORT [on RESOURCE]`.
    pub fn can_run(&self, user: &str, report: &str, resource: Option<&str>) -> Result<bool, Error> {
        let report = NameRef::bare(report);
        self.ask_names(user, TargetNames::Run { report }, resource)
    }

    /// `can USER assign ROLE to OTHER [on RESOURCE]`.
    pub fn can_assign(
        &self,
        user: &str,
        role: &str,
        to: &str,
        resource: Option<&str>,
    ) -> Result<bool, Error> {
        let target = TargetNames::Assign {
            role: NameRef::bare(role),
            to: NameRef::bare(to),
        };
        self.ask_names(user, target, resource)
    }

    /// Parses and resolves a query written in the query language.
    pub fn resolve(&self, text: &str) -> Result<Asked, Error> {
        self.ws.resolve_query(text, "<query>")
    }

    /// Like [`Engine::resolve`], naming the query's text in diagnostics
    /// (`<stdin:3>` for the third line read).
    pub fn resolve_named(&self, text: &str, name: &str) -> Result<Asked, Error> {
        self.ws.resolve_query(text, name)
    }

    /// Resolves a `can …` query to ids, for asking it many times.
    pub fn resolve_can(&self, text: &str) -> Result<CanQ, Error> {
        match self.resolve(text)?.question {
            Question::Can(q) | Question::Explain(q) => Ok(q),
            _ => Err(self.error(vec![Diagnostic::error(
                Code::QueryShape,
                "expected a `can …` query",
            )])),
        }
    }

    /// Answers any query (docs/reference/queries.md).
    pub fn ask(&self, text: &str) -> Result<Answer, Error> {
        self.ws.ask(text, "<query>")
    }

    /// Like [`Engine::ask`], naming the query's text in diagnostics.
    pub fn ask_named(&self, text: &str, name: &str) -> Result<Answer, Error> {
        self.ws.ask(text, name)
    }

    /// What holds for every possible user of the policy (`rights analyze`):
    /// rights nobody can hold, denies that never apply, … each a proof.
    pub fn analyze(
        &self,
    ) -> Result<Vec<crate::symbolic::findings::Finding>, crate::symbolic::Limit> {
        crate::analyze::findings(self.program())
    }

    /// Compares this policy (the new one) with `old` for every possible user
    /// (`rights analyze OLD NEW`).
    pub fn compare_with(
        &self,
        old: &Engine,
    ) -> Result<crate::analyze::Comparison, crate::symbolic::Limit> {
        crate::analyze::compare(old.program(), self.program())
    }
}
