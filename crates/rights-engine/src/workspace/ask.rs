//! Questions asked of a workspace: resolved against its compiled program
//! and answered as of their date, with their context facts.

use super::*;

impl Workspace {
    /// Resolves a query written in the query language; `name` names its
    /// text in diagnostics (`<query>`, `<stdin:3>`).
    pub fn resolve_query(&self, text: &str, name: &str) -> Result<Asked, Failure> {
        // the query gets the next file id; the sources are copied only on error
        let fail = |diagnostics: Diagnostics| Failure {
            diagnostics,
            sources: self.with_text(name, text),
            io: false,
        };
        let p = self.compiled_program()?;
        let q = syntax::parse_query(self.sources.next_id(), text).map_err(|d| fail(vec![*d]))?;
        sema::resolve_query(&p.policy, &p.data, &q).map_err(fail)
    }

    /// Answers a query written in the query language.
    pub fn ask(&self, text: &str, name: &str) -> Result<Answer, Failure> {
        let q = self.resolve_query(text, name)?;
        Ok(self.compiled_program()?.answer_asked(&q))
    }

    /// Answers a parsed query (from [`Workspace::parse_entry`] of `text`).
    pub fn ask_parsed(&self, text: &str, name: &str, q: &ParsedQuery) -> Result<Answer, Failure> {
        let p = self.compiled_program()?;
        match sema::resolve_query(&p.policy, &p.data, &q.0) {
            Ok(q) => Ok(p.answer_asked(&q)),
            Err(diagnostics) => Err(Failure {
                diagnostics,
                sources: self.with_text(name, text),
                io: false,
            }),
        }
    }

    /// Answers a parsed query as of its date and with its context facts over
    /// the session's (`tool`: the REPL's `:at` and `:with`), with the program
    /// that answered it (the words about the answer read that program).
    pub fn ask_parsed_at(
        &self,
        text: &str,
        name: &str,
        q: &ParsedQuery,
        tool: crate::sema::model::When,
    ) -> Result<(Answer, Arc<Program>), Failure> {
        let base = self.program.clone().ok_or_else(|| Failure {
            diagnostics: Vec::new(),
            sources: self.with_text(name, text),
            io: false,
        })?;
        match sema::resolve_query(&base.policy, &base.data, &q.0) {
            Ok(asked) => {
                let p = base.at(asked.when.over(tool)).arc(&base);
                Ok((p.answer(&asked.question), p))
            }
            Err(diagnostics) => Err(Failure {
                diagnostics,
                sources: self.with_text(name, text),
                io: false,
            }),
        }
    }
}
