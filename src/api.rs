//! The library API: load a policy and its data once, then ask typed questions
//! without re-parsing.
//!
//! ```
//! use rights::Engine;
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

use crate::diag::{render_all, Diagnostic, Diagnostics, RenderOptions};
use crate::eval::answer::Answer;
use crate::ir::Program;
use crate::load::Workspace;
use crate::sema::model::*;
use crate::source::{FileId, Origin, SourceMap};
use std::fmt;
use std::path::PathBuf;

/// A loaded, checked and compiled policy with its data.
#[derive(Clone, Debug)]
pub struct Engine {
    sources: SourceMap,
    program: Program,
    /// Warnings found while loading (errors prevent an engine from existing).
    pub warnings: Diagnostics,
}

/// Why a policy could not be loaded, or a question not asked.
#[derive(Clone, Debug)]
pub struct Error {
    pub diagnostics: Diagnostics,
    /// The sources the diagnostics point into.
    pub sources: SourceMap,
    /// A file could not be read at all.
    pub io: bool,
}

impl Error {
    /// The diagnostics rendered for people (no colour).
    pub fn render(&self) -> String {
        render_all(&self.diagnostics, &self.sources, RenderOptions::default())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Error {}

impl Engine {
    /// Loads policy files or directories and JSON data files.
    pub fn load(policy: &[PathBuf], data: &[PathBuf]) -> Result<Engine, Error> {
        Engine::from_workspace(Workspace::read(policy, data))
    }

    /// Loads a policy (with its data) from text.
    pub fn from_text(text: &str) -> Result<Engine, Error> {
        let mut ws = Workspace::default();
        ws.add_policy_text(Origin::Input("<policy>".into()), text.to_string());
        Engine::from_workspace(ws)
    }

    /// Checks and compiles what a workspace has read.
    pub fn from_workspace(ws: Workspace) -> Result<Engine, Error> {
        let io = ws.io_failed;
        match ws.checked_model() {
            Ok((model, warnings)) if !io => Ok(Engine {
                program: Program::compile(model),
                sources: ws.sources,
                warnings,
            }),
            Ok((_, diagnostics)) | Err(diagnostics) => Err(Error {
                diagnostics,
                sources: ws.sources,
                io,
            }),
        }
    }

    pub fn program(&self) -> &Program {
        &self.program
    }

    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    pub fn user(&self, id: &str) -> Option<UserId> {
        self.program.data.user_ids.get(id).copied()
    }

    pub fn resource(&self, id: &str) -> Option<ResourceId> {
        self.program.data.resource_ids.get(id).copied()
    }

    fn lookup_err(&self, kind: &str, name: &str) -> Error {
        Error {
            diagnostics: vec![Diagnostic::error(
                crate::diag::Code::UnknownName,
                format!("unknown {kind} `{name}`"),
            )],
            sources: SourceMap::new(),
            io: false,
        }
    }

    fn ids(
        &self,
        user: &str,
        resource: Option<&str>,
    ) -> Result<(UserId, Option<ResourceId>), Error> {
        let u = self
            .user(user)
            .ok_or_else(|| self.lookup_err("user", user))?;
        let r = match resource {
            Some(r) => Some(
                self.resource(r)
                    .ok_or_else(|| self.lookup_err("resource", r))?,
            ),
            None => None,
        };
        Ok((u, r))
    }

    /// `can USER NAME [on RESOURCE]` where NAME is an action or a right.
    pub fn can(&self, user: &str, name: &str, resource: Option<&str>) -> Result<bool, Error> {
        let (u, r) = self.ids(user, resource)?;
        let names = &self.program.policy.names;
        let target = if let Some(&a) = names.actions.get(name) {
            Target::Action(a)
        } else if let Some(&right) = names.rights.get(name) {
            Target::Right(right)
        } else {
            return Err(self.lookup_err("action or right", name));
        };
        Ok(self.program.can(&CanQ {
            user: u,
            target,
            on: r,
        }))
    }

    /// `can USER run REPORT [on RESOURCE]`.
    pub fn can_run(&self, user: &str, report: &str, resource: Option<&str>) -> Result<bool, Error> {
        let (u, r) = self.ids(user, resource)?;
        let rep = self
            .program
            .policy
            .names
            .reports
            .get(report)
            .copied()
            .ok_or_else(|| self.lookup_err("report", report))?;
        Ok(self.program.can(&CanQ {
            user: u,
            target: Target::Run(rep),
            on: r,
        }))
    }

    /// Parses and resolves a query written in the query language.
    pub fn resolve(&self, text: &str) -> Result<Question, Error> {
        self.resolve_named(text, "<query>")
    }

    /// Like [`Engine::resolve`], naming the query's text in diagnostics
    /// (`<stdin:3>` for the third line read).
    pub fn resolve_named(&self, text: &str, name: &str) -> Result<Question, Error> {
        // the query gets the next file id; the sources are copied only on error
        let id = FileId(self.sources.files().count() as u32);
        let fail = |diagnostics: Diagnostics| {
            let mut sources = self.sources.clone();
            sources.add(Origin::Input(name.into()), text.to_string());
            Error {
                diagnostics,
                sources,
                io: false,
            }
        };
        let q = crate::syntax::parse_query(id, text).map_err(|d| fail(vec![*d]))?;
        crate::sema::resolve_query(&self.program.policy, &self.program.data, &q).map_err(fail)
    }

    /// Resolves a `can …` query to ids, for asking it many times.
    pub fn resolve_can(&self, text: &str) -> Result<CanQ, Error> {
        match self.resolve(text)? {
            Question::Can(q) | Question::Explain(q) => Ok(q),
            _ => Err(Error {
                diagnostics: vec![Diagnostic::error(
                    crate::diag::Code::QueryShape,
                    "expected a `can …` query",
                )],
                sources: SourceMap::new(),
                io: false,
            }),
        }
    }

    /// Answers any query of LANGUAGE.md §5.
    pub fn ask(&self, text: &str) -> Result<Answer, Error> {
        Ok(self.program.answer(&self.resolve(text)?))
    }

    /// Like [`Engine::ask`], naming the query's text in diagnostics.
    pub fn ask_named(&self, text: &str, name: &str) -> Result<Answer, Error> {
        Ok(self.program.answer(&self.resolve_named(text, name)?))
    }
}
